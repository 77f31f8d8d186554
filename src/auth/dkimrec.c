/*
 * DKIM key records: the tag list of RFC 6376 section 3.2, the key record
 * tags of 3.6.1, and the key itself checked with OpenSSL.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dkimrec.h"
#include "taglist.h"
#include "base/util.h"
#include "base/i18n.h"

/* Folding white space of a tag list (RFC 6376 FWS). */
static int
dkimrec_fws(char c)
{
	return taglist_ws(c, TAGLIST_FWS);
}

/* Is word one of the colon-separated items of t's value? */
static int
dkimrec_has_item(const struct tag *t, const char *word)
{
	const char	*s = t->value, *end = t->value + t->vlen, *e, *x;
	size_t		 wl = strlen(word);

	while (s <= end) {
		if ((e = memchr(s, ':', (size_t)(end - s))) == NULL)
			e = end;
		for (x = e; x > s && dkimrec_fws(x[-1]); x--)
			;
		while (s < x && dkimrec_fws(*s))
			s++;
		if ((size_t)(x - s) == wl && strncmp(s, word, wl) == 0)
			return 1;
		s = e + 1;
	}
	return 0;
}

/* The value of a base64 digit, or -1. */
static int
dkimrec_b64digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 with white space allowed between characters. */
int
dkimrec_base64(const char *s, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char	*buf;
	unsigned int	 acc = 0;
	size_t		 i, n = 0, digits = 0, pad = 0;
	int		 d;

	buf = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if (dkimrec_fws(s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || (d = dkimrec_b64digit(s[i])) == -1)
			goto bad;
		acc = (acc << 6) | (unsigned int)d;
		if (++digits % 4 == 0) {
			buf[n++] = (unsigned char)(acc >> 16);
			buf[n++] = (unsigned char)(acc >> 8);
			buf[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if ((digits + pad) % 4 != 0 || pad > 2 || (pad != 0 &&
	    digits % 4 + pad != 4) || digits % 4 == 1)
		goto bad;
	if (digits % 4 == 2) {
		if (acc & 0xf)
			goto bad;
		buf[n++] = (unsigned char)(acc >> 4);
	} else if (digits % 4 == 3) {
		if (acc & 0x3)
			goto bad;
		buf[n++] = (unsigned char)(acc >> 10);
		buf[n++] = (unsigned char)(acc >> 2);
	}
	*out = buf;
	*outlen = n;
	return 0;
bad:
	free(buf);
	return -1;
}

/* Check an RSA key: a DER SubjectPublicKeyInfo holding RSA. */
static int
dkimrec_check_rsa(struct dkimrec *r, char **cause)
{
	const unsigned char	*p = r->pub;
	EVP_PKEY		*pk;

	if ((pk = d2i_PUBKEY(NULL, &p, (long)r->publen)) == NULL) {
		p = r->pub;
		if ((pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p,
		    (long)r->publen)) != NULL) {
			EVP_PKEY_free(pk);
			return set_cause(cause, _("p=: a bare RSAPublicKey "
			    "(PKCS#1); verifiers expect a SubjectPublicKeyInfo "
			    "(openssl rsa -pubout)"));
		}
		return set_cause(cause, _("p=: not a public key (DER "
		    "SubjectPublicKeyInfo)"));
	}
	if (p != r->pub + r->publen) {
		EVP_PKEY_free(pk);
		return set_cause(cause, _("p=: %zu stray bytes after the key"),
		    (size_t)(r->pub + r->publen - p));
	}
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pk);
		return set_cause(cause, _("p=: not an RSA key, but k=rsa"));
	}
	r->bits = EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);
	return 0;
}

/* Check an Ed25519 key: 32 raw bytes (RFC 8463 4.2). */
static int
dkimrec_check_ed25519(struct dkimrec *r, char **cause)
{
	EVP_PKEY	*pk;

	if (r->publen != 32)
		return set_cause(cause, _("p=: an Ed25519 key is 32 bytes, not "
		    "%zu"), r->publen);
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, r->pub,
	    r->publen);
	if (pk == NULL)
		return set_cause(cause, _("p=: not an Ed25519 key"));
	EVP_PKEY_free(pk);
	r->bits = 256;
	return 0;
}

/* Apply one tag to r; which tells its index in the known list. */
static int
dkimrec_apply(struct dkimrec *r, int which, const struct tag *t,
    const struct tag **pt, char **cause)
{
	switch (which) {
	case 0:	/* v */
		if (t->vlen != 5 || memcmp(t->value, "DKIM1", 5) != 0)
			return set_cause(cause, _("v=: '%.*s' is not DKIM1"),
			    (int)(t->vlen > 20 ? 20 : t->vlen), t->value);
		break;
	case 1:	/* h */
		if (!dkimrec_has_item(t, "sha256")) {
			if (!dkimrec_has_item(t, "sha1"))
				return set_cause(cause, _("h=: neither sha256 "
				    "nor sha1"));
			r->sha1_only = 1;
		}
		break;
	case 2:	/* k */
		if (t->vlen == 3 && memcmp(t->value, "rsa", 3) == 0)
			r->key = DKIMREC_RSA;
		else if (t->vlen == 7 && memcmp(t->value, "ed25519", 7) == 0)
			r->key = DKIMREC_ED25519;
		else
			return set_cause(cause, _("k=: '%.*s' is not rsa or "
			    "ed25519"), (int)(t->vlen > 20 ? 20 : t->vlen),
			    t->value);
		break;
	case 3:	/* p */
		*pt = t;
		break;
	case 4:	/* s */
		if (!dkimrec_has_item(t, "*") && !dkimrec_has_item(t, "email"))
			return set_cause(cause, _("s=: the key is not for "
			    "email (s=%.*s)"),
			    (int)(t->vlen > 20 ? 20 : t->vlen),
			    t->value);
		break;
	case 5:	/* t */
		r->testing = dkimrec_has_item(t, "y");
		r->strict = dkimrec_has_item(t, "s");
		break;
	}
	return 0;
}

/* Parse a key record. */
int
dkimrec_parse(const char *txt, size_t len, struct dkimrec *r, char **cause)
{
	static const char *const known[] = { "v", "h", "k", "p", "s", "t",
	    "n" };
	const struct tag	*pt = NULL;
	struct tag		 tags[nitems(known)], t;
	const char			*p = txt;
	unsigned int			 seen = 0;
	size_t				 i, k;
	int				 rc, first = 1;

	memset(r, 0, sizeof *r);
	if (len > DKIMREC_MAX)
		return set_cause(cause, _("the record is %zu bytes long (more "
		    "than %d)"), len, DKIMREC_MAX);
	for (i = 0; i < len; i++)
		if (((unsigned char)txt[i] < 0x20 && !dkimrec_fws(txt[i])) ||
		    txt[i] == 0x7f)
			return set_cause(cause, _("the record holds a control "
			    "character (byte %zu)"), i + 1);
	while ((rc = taglist_next(&p, txt + len, TAGLIST_FWS, &t, cause)) == 1) {
		for (k = 0; k < nitems(known); k++)
			if (strlen(known[k]) == t.nlen &&
			    memcmp(known[k], t.name, t.nlen) == 0)
				break;
		if (k == 0 && !first)
			return set_cause(cause, _("v= must be the first tag"));
		first = 0;
		if (k == nitems(known))
			continue;	/* unknown tags are ignored */
		if (seen & (1U << k))
			return set_cause(cause, _("%s= appears twice"),
			    known[k]);
		seen |= 1U << k;
		tags[k] = t;
		if (dkimrec_apply(r, (int)k, &tags[k], &pt, cause) == -1)
			return -1;
	}
	if (rc == -1)
		return -1;
	if (pt == NULL)
		return set_cause(cause, _("no p= tag (the public key)"));
	if (pt->vlen == 0) {
		r->revoked = 1;
		return 0;
	}
	if (dkimrec_base64(pt->value, pt->vlen, &r->pub, &r->publen) == -1)
		return set_cause(cause, _("p=: not valid base64"));
	if (r->key == DKIMREC_ED25519)
		return dkimrec_check_ed25519(r, cause);
	return dkimrec_check_rsa(r, cause);
}

/* Free the decoded key. */
void
dkimrec_free(struct dkimrec *r)
{
	free(r->pub);
	r->pub = NULL;
	r->publen = 0;
}

/* "rsa" or "ed25519". */
const char *
dkimrec_key_name(enum dkimrec_key k)
{
	return k == DKIMREC_ED25519 ? "ed25519" : "rsa";
}
