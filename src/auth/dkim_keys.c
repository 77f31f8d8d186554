/*
 * DKIM keys: generation with OpenSSL EVP (RSA 2048/3072, Ed25519), the
 * PKCS#8 PEM file (0600 in a 0700 directory beside the database), the TXT
 * record to publish (RFC 6376 3.6.1; RFC 8463 for Ed25519: p= is the raw
 * 32-byte key), and the published record compared with the local key.
 *
 * Key material only ever passes through OpenSSL's secure-memory BIO and is
 * wiped when done; no message here ever quotes it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mail/addr.h"
#include "dkim.h"
#include "dkim_int.h"
#include "dkimrec.h"
#include "dns.h"
#include "store/store.h"
#include "base/util.h"
#include "base/i18n.h"

#define DKIM_TTL	3600	/* of the zone-file line */
#define DKIM_STRMAX	255	/* bytes of one DNS character-string */
#define DKIM_SEL_MAX	63	/* bytes of a selector: one label's worth */

/* The k= tag value of an algorithm. */
static const char *
dkim_algo_k(enum dkim_algo a)
{
	return a == DKIM_ED25519 ? "ed25519" : "rsa";
}

/* Check a selector: dot-separated labels of letters, digits, hyphens. */
static int
dkim_selector_check(const char *s, char **cause)
{
	size_t	i, label = 0, len = strlen(s);

	if (len == 0)
		return set_cause(cause, _("a selector cannot be empty"));
	if (len > DKIM_SEL_MAX)
		return set_cause(cause, _("selector '%.*s...' is longer than "
		    "%d characters"), 20, s, DKIM_SEL_MAX);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return set_cause(cause, _("selector '%s' has "
				    "an empty label"), s);
			if (s[i - 1] == '-')
				return set_cause(cause, _("selector '%s': a "
				    "label cannot end with '-'"), s);
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return set_cause(cause, _("selector '%s': only "
			    "letters, digits, '-' and '.' are allowed"), s);
		if (s[i] == '-' && label == 0)
			return set_cause(cause, _("selector '%s': a label "
			    "cannot start with '-'"), s);
		label++;
	}
	if (label == 0)
		return set_cause(cause, _("selector '%s' has an empty label"),
		    s);
	if (s[len - 1] == '-')
		return set_cause(cause, _("selector '%s': a label cannot end "
		    "with '-'"), s);
	return 0;
}

/* Check and normalise a domain and a selector. */
int
dkim_names(const char *domain, const char *selector, char **dom, char **sel,
    char **cause)
{
	char		 out[ADDR_MAX + 1], *tmp, *p;
	const char	*reason;
	size_t		 len = strlen(domain);

	*dom = *sel = NULL;
	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || memchr(domain, '[', len) != NULL || memchr(domain, '@',
	    len) != NULL || len > ADDR_MAX - 2)
		return set_cause(cause, _("'%s' is not a domain name"), domain);
	/* The address checker knows LDH labels, lengths and IDNA. */
	tmp = xprintf("x@%.*s", (int)len, domain);
	if (addr_normalise(tmp, strlen(tmp), out, &reason) == -1) {
		free(tmp);
		return set_cause(cause, _("'%s' is not a domain name: %s"),
		    domain, reason);
	}
	free(tmp);
	if (dkim_selector_check(selector, cause) == -1)
		return -1;
	*dom = xstrdup(addr_domain(out));
	*sel = xstrdup(selector);
	for (p = *sel; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}

/* DIR/keys for a database at DIR/herald.db. */
char *
dkim_key_dir(const char *db_path)
{
	char	*dir, *keys;

	dir = path_dirname(db_path);
	keys = xprintf("%s/keys", dir);
	free(dir);
	return keys;
}

/* The last OpenSSL error as text (after what), and clear the queue. */
static int
dkim_ssl_cause(char **cause, const char *what)
{
	unsigned long	e = ERR_get_error();
	char		buf[256];

	ERR_clear_error();
	if (e == 0)
		return set_cause(cause, _("%s failed"), what);
	ERR_error_string_n(e, buf, sizeof buf);
	return set_cause(cause, "%s: %s", what, buf);
}

/* Base64 of data, without line breaks, allocated. */
static char *
dkim_base64(const unsigned char *data, size_t len)
{
	char	*out;

	out = xmalloc((len + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* The p= value of a key: SubjectPublicKeyInfo DER (RSA) or the raw key
 * (Ed25519), in base64. */
char *
dkim_pubkey_b64(EVP_PKEY *pk, enum dkim_algo algo, char **cause)
{
	unsigned char	*der = NULL, raw[32];
	size_t		 rawlen = sizeof raw;
	char		*b64;
	int		 n;

	if (algo == DKIM_ED25519) {
		if (EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) != 1 ||
		    rawlen != sizeof raw) {
			dkim_ssl_cause(cause, _("Ed25519 public key"));
			return NULL;
		}
		return dkim_base64(raw, rawlen);
	}
	if ((n = i2d_PUBKEY(pk, &der)) <= 0) {
		dkim_ssl_cause(cause, _("RSA public key"));
		return NULL;
	}
	b64 = dkim_base64(der, (size_t)n);
	OPENSSL_free(der);
	return b64;
}

/* Generate a private key. */
static EVP_PKEY *
dkim_generate(enum dkim_algo algo, char **cause)
{
	EVP_PKEY	*pk;

	if (algo == DKIM_ED25519)
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)(algo == DKIM_RSA3072 ? 3072 : 2048));
	if (pk == NULL)
		dkim_ssl_cause(cause, _("key generation"));
	return pk;
}

/* Make the key directory (0700), tightening one that exists. */
static int
dkim_key_dir_make(const char *dir, char **cause)
{
	struct stat	st;

	if (mkdir_private(dir, cause) == -1)
		return -1;
	if (lstat(dir, &st) == -1)
		return set_cause(cause, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return set_cause(cause, _("%s is not a directory"), dir);
	if ((st.st_mode & 077) != 0 && chmod(dir, 0700) == -1)
		return set_cause(cause, _("%s is mode %04o and cannot be made "
		    "0700: %s"), dir, (unsigned int)(st.st_mode & 07777),
		    strerror(errno));
	return 0;
}

/* Write the private key as unencrypted PKCS#8 PEM to a new file, 0600. */
static int
dkim_key_write(EVP_PKEY *pk, const char *path, char **cause)
{
	BIO		*bio;
	char		*pem;
	long		 len;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd, rc = -1;

	/* Secure memory: wiped when freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		return dkim_ssl_cause(cause, "BIO_new");
	if (PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1) {
		dkim_ssl_cause(cause, "PEM encoding");
		BIO_free(bio);
		return -1;
	}
	len = BIO_get_mem_data(bio, &pem);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			set_cause(cause, _("%s exists already (a key from "
			    "another database?): move it away or choose "
			    "another selector"), path);
		else
			set_cause(cause, _("cannot create %s: %s"), path,
			    strerror(errno));
		BIO_free(bio);
		return -1;
	}
	while (off < (size_t)len) {
		n = write(fd, pem + off, (size_t)len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_cause(cause, _("cannot write %s: %s"), path,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0600) == -1 || fsync(fd) == -1) {
		set_cause(cause, _("cannot write %s: %s"), path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (close(fd) == -1 && rc == 0)
		rc = set_cause(cause, _("cannot write %s: %s"), path,
		    strerror(errno));
	if (rc == -1)
		unlink(path);
	BIO_free(bio);
	return rc;
}

/* Generate a key for domain/selector, write it and record it. */
int
dkim_keygen(struct store *st, const char *db_path, const char *domain,
    const char *selector, enum dkim_algo algo, struct dkim_key *out,
    char **cause)
{
	struct dkim_key	 k, old;
	EVP_PKEY	*pk = NULL;
	char		*dir = NULL, *real;
	int		 rc;

	memset(out, 0, sizeof *out);
	memset(&k, 0, sizeof k);
	if (dkim_names(domain, selector, &k.domain, &k.selector, cause) == -1)
		return -1;
	if ((rc = store_dkim_get(st, k.domain, k.selector, &old, cause)) != 1) {
		if (rc == 0) {
			dkim_key_free(&old);
			set_cause(cause, _("%s has a key with selector %s "
			    "already: choose a new selector to rotate (herald "
			    "dkim ls)"), k.domain, k.selector);
		}
		goto fail;
	}
	dir = dkim_key_dir(db_path);
	if (dkim_key_dir_make(dir, cause) == -1)
		goto fail;
	/* The database keeps an absolute path: herald may run elsewhere. */
	if ((real = realpath(dir, NULL)) == NULL) {
		set_cause(cause, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	k.key_file = xprintf("%s/%s.%s.pem", real, k.domain, k.selector);
	free(real);
	k.algo = algo;
	/* Signatures before the record is published would fail. */
	k.active = 0;
	k.pending = 1;
	k.created_at = (int64_t)time(NULL);
	if ((pk = dkim_generate(algo, cause)) == NULL)
		goto fail;
	if ((k.public_key = dkim_pubkey_b64(pk, algo, cause)) == NULL)
		goto fail;
	if (dkim_key_write(pk, k.key_file, cause) == -1)
		goto fail;
	if (store_dkim_add(st, &k, &k.id, cause) == -1) {
		unlink(k.key_file);
		goto fail;
	}
	EVP_PKEY_free(pk);
	free(dir);
	*out = k;
	return 0;
fail:
	EVP_PKEY_free(pk);
	free(dir);
	dkim_key_free(&k);
	return -1;
}

/* The TXT value as character-strings: tags, then p= in 255-byte pieces. */
char **
dkim_record_strings(const struct dkim_key *k, size_t *n)
{
	char		**v;
	const char	*p = k->public_key;
	size_t		 len = strlen(p), i, max, chunk;

	/* "p=" takes 2 bytes of the first key string. */
	max = 2 + (len + 2 + DKIM_STRMAX - 1) / DKIM_STRMAX;
	v = xcalloc(max, sizeof *v);
	v[0] = xprintf("v=DKIM1; k=%s; ", dkim_algo_k(k->algo));
	chunk = len < DKIM_STRMAX - 2 ? len : DKIM_STRMAX - 2;
	v[1] = xprintf("p=%.*s", (int)chunk, p);
	for (i = 2, p += chunk, len -= chunk; len > 0; i++) {
		chunk = len < DKIM_STRMAX ? len : DKIM_STRMAX;
		v[i] = xstrndup(p, chunk);
		p += chunk;
		len -= chunk;
	}
	*n = i;
	return v;
}

/* Free what dkim_record_strings returned. */
void
dkim_record_strings_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "v=DKIM1; k=rsa; p=..." */
char *
dkim_record_value(const struct dkim_key *k)
{
	return xprintf("v=DKIM1; k=%s; p=%s", dkim_algo_k(k->algo),
	    k->public_key);
}

/* SELECTOR._domainkey.DOMAIN. 3600 IN TXT ( "..." "..." ) */
char *
dkim_record_zone(const struct dkim_key *k)
{
	struct buf	  b;
	char		**v;
	size_t		  n, i;

	v = dkim_record_strings(k, &n);
	buf_init(&b);
	buf_printf(&b, "%s._domainkey.%s. %d IN TXT (", k->selector,
	    k->domain, DKIM_TTL);
	for (i = 0; i < n; i++)
		buf_printf(&b, " \"%s\"", v[i]);
	buf_adds(&b, " )");
	dkim_record_strings_free(v, n);
	return buf_take(&b);
}

/* ---- the published record ---- */

static const char *const dkim_published_names[] = {
	[DKIM_PUB_MATCH] = "match",
	[DKIM_PUB_ABSENT] = "absent",
	[DKIM_PUB_DIFFERENT] = "different",
	[DKIM_PUB_REVOKED] = "revoked",
	[DKIM_PUB_SYNTAX] = "syntax",
	[DKIM_PUB_DNSFAIL] = "dnsfail",
};

/* A verdict's name: match, absent, different, revoked, syntax, dnsfail. */
const char *
dkim_published_name(enum dkim_published p)
{
	if ((size_t)p >= nitems(dkim_published_names))
		return "unknown";
	return dkim_published_names[p];
}

/* Does a TXT value look like a DKIM key record? */
int
dkim_txt_is_key(const char *txt, size_t len)
{
	size_t	i;

	while (len > 0 && (*txt == ' ' || *txt == '\t')) {
		txt++;
		len--;
	}
	if (len >= 6 && memcmp(txt, "v=DKIM", 6) == 0)
		return 1;
	/* v= is optional: a p= tag makes it one too. */
	for (i = 0; i + 1 < len; i++)
		if (txt[i] == 'p' && (i == 0 || txt[i - 1] == ';' ||
		    txt[i - 1] == ' ' || txt[i - 1] == '\t')) {
			size_t j = i + 1;
			while (j < len && (txt[j] == ' ' || txt[j] == '\t'))
				j++;
			if (j < len && txt[j] == '=')
				return 1;
		}
	return 0;
}

/* A DNS string made printable and bounded, for messages. */
char *
dkim_txt_show(const char *txt, size_t len, size_t max)
{
	struct buf	b;
	size_t		i;
	unsigned char	c;

	buf_init(&b);
	for (i = 0; i < len && i < max; i++) {
		c = (unsigned char)txt[i];
		if (c < 0x20 || c >= 0x7f || c == '\\')
			buf_printf(&b, "\\%03u", c);
		else
			buf_addc(&b, (char)c);
	}
	if (len > max)
		buf_adds(&b, "...");
	return buf_take(&b);
}

/* Compare one parsed, valid record with the local key. */
static enum dkim_published
dkim_compare(const struct dkim_key *k, const struct dkimrec *r,
    const char *name, char **observed)
{
	unsigned char	*local = NULL;
	size_t		 locallen = 0;
	int		 same;

	if (r->revoked) {
		*observed = xprintf(_("%s revokes the key: p= is empty"), name);
		return DKIM_PUB_REVOKED;
	}
	if ((r->key == DKIMREC_ED25519) != (k->algo == DKIM_ED25519)) {
		*observed = xprintf(_("%s publishes a %s key; the local key is "
		    "%s"), name, dkimrec_key_name(r->key),
		    dkim_algo_name(k->algo));
		return DKIM_PUB_DIFFERENT;
	}
	if (dkimrec_base64(k->public_key, strlen(k->public_key), &local,
	    &locallen) == -1) {
		*observed = xprintf(_("the local public key of %s/%s is not "
		    "base64 (database damaged?)"), k->domain, k->selector);
		return DKIM_PUB_SYNTAX;
	}
	same = locallen == r->publen && memcmp(local, r->pub, locallen) == 0;
	free(local);
	if (!same) {
		*observed = xprintf(_("%s publishes another %s key (%d bits), "
		    "not the local one"), name, dkimrec_key_name(r->key),
		    r->bits);
		return DKIM_PUB_DIFFERENT;
	}
	if (r->sha1_only) {
		*observed = xprintf(_("%s publishes the local key, but h= "
		    "allows only sha1 and herald signs with sha256: drop "
		    "h="), name);
		return DKIM_PUB_SYNTAX;
	}
	*observed = xprintf(r->testing ? _("%s publishes the local %s key "
	    "(%d bits) (t=y: receivers treat it as a test)") : _("%s "
	    "publishes the local %s key (%d bits)"), name,
	    dkimrec_key_name(r->key), r->bits);
	return DKIM_PUB_MATCH;
}

/* Compare the published record with the local key. */
enum dkim_published
dkim_check_published(struct dns *dns, const struct dkim_key *k,
    char **observed)
{
	struct dns_answer	 ans;
	struct dkimrec		 r;
	enum dns_status		 st;
	enum dkim_published	 v;
	char			*name, *cause = NULL, *show;
	size_t			 i, nkeys = 0, which = 0;

	name = xprintf("%s._domainkey.%s", k->selector, k->domain);
	memset(&ans, 0, sizeof ans);
	switch ((st = dns_query(dns, name, DNS_TXT, &ans))) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
		*observed = xprintf(_("no record at %s (the name does not "
		    "exist)"), name);
		v = DKIM_PUB_ABSENT;
		goto out;
	case DNS_NODATA:
		*observed = xprintf(_("no TXT record at %s"), name);
		v = DKIM_PUB_ABSENT;
		goto out;
	default:
		if (ans.why != NULL)
			*observed = xprintf(_("cannot look up %s: %s: %s "
			    "(resolver %s)"), name, dns_status_name(st),
			    ans.why, dns_describe(dns));
		else
			*observed = xprintf(_("cannot look up %s: %s (resolver "
			    "%s)"), name, dns_status_name(st),
			    dns_describe(dns));
		v = DKIM_PUB_DNSFAIL;
		goto out;
	}
	for (i = 0; i < ans.n; i++)
		if (dkim_txt_is_key(ans.rr[i].u.txt, ans.rr[i].len)) {
			if (nkeys++ == 0)
				which = i;
		}
	if (nkeys == 0) {
		show = dkim_txt_show(ans.rr[0].u.txt, ans.rr[0].len,
		    DKIM_TXT_SHOW);
		*observed = xprintf(ngettext("%s has %zu TXT record but no "
		    "DKIM key record (\"%s\")", "%s has %zu TXT records but "
		    "no DKIM key record (\"%s\")", ans.n), name, ans.n, show);
		free(show);
		v = DKIM_PUB_ABSENT;
		goto out;
	}
	if (nkeys > 1) {
		*observed = xprintf(_("%s has %zu DKIM key records; verifiers "
		    "use any one of them: publish exactly one"), name, nkeys);
		v = DKIM_PUB_SYNTAX;
		goto out;
	}
	if (dkimrec_parse(ans.rr[which].u.txt, ans.rr[which].len, &r,
	    &cause) == -1) {
		show = dkim_txt_show(ans.rr[which].u.txt, ans.rr[which].len,
		    DKIM_TXT_SHOW);
		*observed = xprintf(_("%s does not parse: %s (\"%s\")"), name,
		    cause, show);
		free(show);
		free(cause);
		dkimrec_free(&r);
		v = DKIM_PUB_SYNTAX;
		goto out;
	}
	v = dkim_compare(k, &r, name, observed);
	dkimrec_free(&r);
out:
	dns_answer_free(&ans);
	free(name);
	return v;
}

/* Count domain's active keys (what signs its messages). */
int
dkim_active_keys(struct store *st, const char *domain, size_t *all,
    char **waiting, char **cause)
{
	struct dkim_key	*v;
	size_t		 n, i;
	int		 active = 0;

	if (all != NULL)
		*all = 0;
	if (waiting != NULL)
		*waiting = NULL;
	if (store_dkim_keys(st, domain, &v, &n, cause) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		active += v[i].active != 0;
		if (waiting != NULL && v[i].pending && *waiting == NULL)
			*waiting = xstrdup(v[i].selector);
		dkim_key_free(&v[i]);
	}
	free(v);
	if (all != NULL)
		*all = n;
	return active;
}

/* Check k's record; activate k when it was waiting for that record. */
int
dkim_check_activate(struct store *st, struct dns *dns, struct dkim_key *k,
    enum dkim_published *p, char **observed, int *activated, char **cause)
{
	*activated = 0;
	*p = dkim_check_published(dns, k, observed);
	if (*p != DKIM_PUB_MATCH || !k->pending)
		return 0;
	if (store_dkim_published(st, k->domain, k->selector, cause) == -1) {
		free(*observed);
		*observed = NULL;
		return -1;
	}
	*activated = 1;
	k->pending = 0;
	k->active = 1;
	return 0;
}
