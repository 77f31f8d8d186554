/* dkim: key generation (files, modes, PKCS#8), names, record formats,
 * the key table, signing and verifying offline (keys from a table), and
 * the verifier on the RFC 8463 and RFC 6376 vectors. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "auth/dkim.h"
#include "auth/dkimrec.h"
#include "store/store.h"
#include "test.h"
#include "base/util.h"

#define VECTORS	"tests/data/dkim"

static char dir[] = "/tmp/herald-dkim-XXXXXX";

/* Read a whole file; NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*s;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	*len = fread(s, 1, (size_t)n, f);
	s[*len] = '\0';
	fclose(f);
	return s;
}

/* A key table: "name value" lines, as in keys-queryfile.txt. */
struct table {
	char	*names[16];
	char	*values[16];
	int	 n;
	int	 fail;		/* the lookup fails (SERVFAIL) */
	int	 asked;
};

/* Add one record to a table. */
static void
table_add(struct table *t, const char *name, const char *value)
{
	t->names[t->n] = xstrdup(name);
	t->values[t->n++] = xstrdup(value);
}

/* Load a queryfile into t; -1 if it cannot be read. */
static int
table_load(struct table *t, const char *path)
{
	char	*text, *line, *sp, *save = NULL;
	size_t	 len;

	if ((text = slurp(path, &len)) == NULL)
		return -1;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		table_add(t, line, sp + 1);
	}
	free(text);
	return 0;
}

/* Free a table's records. */
static void
table_free(struct table *t)
{
	int	i;

	for (i = 0; i < t->n; i++) {
		free(t->names[i]);
		free(t->values[i]);
	}
	memset(t, 0, sizeof *t);
}

/* The verifier's key source: the table. */
static int
table_lookup(void *arg, const char *name, char **txt, size_t *len,
    char **why)
{
	struct table	*t = arg;
	int		 i;

	t->asked++;
	if (t->fail) {
		*why = xstrdup("SERVFAIL (test)");
		return -1;
	}
	for (i = 0; i < t->n; i++)
		if (strcasecmp(t->names[i], name) == 0) {
			*txt = xstrdup(t->values[i]);
			*len = strlen(*txt);
			return 0;
		}
	return 1;
}

/* The mode bits of path, or -1. */
static int
mode_of(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* Does s contain a bare CR or LF? */
static int
has_bare_eol(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 1;
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			return 1;
	}
	return 0;
}

/* s without folding (CRLF and the white space after it), allocated. */
static char *
unfold(const char *s)
{
	struct buf	b;

	buf_init(&b);
	while (*s != '\0') {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' ||
		    s[2] == '\t')) {
			for (s += 2; *s == ' ' || *s == '\t'; s++)
				;
			continue;
		}
		buf_addc(&b, *s++);
	}
	return buf_take(&b);
}

/* Does any body line of a PEM file appear in text? */
static int
leaks_pem(const char *pemfile, const char *text)
{
	char	*pem, *line, *save = NULL;
	size_t	 len;
	int	 found = 0;

	if ((pem = slurp(pemfile, &len)) == NULL)
		return 0;
	for (line = strtok_r(pem, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "-----", 5) != 0 && strlen(line) >= 16 &&
		    strstr(text, line) != NULL)
			found = 1;
	free(pem);
	return found;
}

/* Check names and their normalisation. */
static void
test_names(void)
{
	char	*d = NULL, *s = NULL, *cause = NULL;

	CHECK_INT(dkim_names("Example.ORG.", "Sel-1.x", &d, &s, &cause), 0);
	CHECK_STR(d, "example.org");
	CHECK_STR(s, "sel-1.x");
	free(d);
	free(s);
	CHECK_INT(dkim_names("bücher.example", "s", &d, &s, &cause), 0);
	CHECK_STR(d, "xn--bcher-kva.example");
	free(d);
	free(s);
	CHECK_INT(dkim_names("example.org", "-a", &d, &s, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "selector") != NULL);
	free(cause);
	CHECK_INT(dkim_names("example.org", "a_b", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("example.org", "a..b", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("example.org", "", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("example.org", "a\"b", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("exa mple.org", "s", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("[192.0.2.1]", "s", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("a@example.org", "s", &d, &s, &cause), -1);
	free(cause);
	CHECK_INT(dkim_names("", "s", &d, &s, &cause), -1);
	free(cause);
}

/* Generate one key and check its file, mode and public half. */
static void
check_keygen(struct store *st, const char *db, const char *domain,
    const char *sel, enum dkim_algo algo, int bits)
{
	struct dkim_key	 k;
	char		*cause = NULL, *pem, *keydir;
	size_t		 len;
	unsigned char	*pub = NULL;
	size_t		 publen = 0;
	const unsigned char *p;
	EVP_PKEY	*pk;
	BIO		*bio;
	unsigned char	 raw[32];
	size_t		 rawlen = sizeof raw;

	if (dkim_keygen(st, db, domain, sel, algo, &k, &cause) == -1) {
		fprintf(stderr, "keygen %s %s: %s\n", domain, sel, cause);
		free(cause);
		CHECK(0);
		return;
	}
	CHECK(k.id > 0);
	/* New: not signing until its record is seen published. */
	CHECK(!k.active);
	CHECK(k.pending);
	CHECK_INT(store_dkim_published(st, k.domain, k.selector, NULL), 0);
	CHECK_INT(store_dkim_published(st, k.domain, k.selector, NULL), 1);
	CHECK_INT(k.algo, algo);
	keydir = dkim_key_dir(db);
	CHECK_INT(mode_of(keydir), 0700);
	CHECK(strncmp(k.key_file, keydir, strlen(keydir)) == 0);
	free(keydir);
	CHECK_INT(mode_of(k.key_file), 0600);
	pem = slurp(k.key_file, &len);
	CHECK(pem != NULL && strncmp(pem, "-----BEGIN PRIVATE KEY-----\n",
	    28) == 0);
	CHECK(dkimrec_base64(k.public_key, strlen(k.public_key), &pub,
	    &publen) == 0);
	bio = BIO_new_mem_buf(pem, (int)len);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	CHECK(pk != NULL);
	if (pk != NULL && algo == DKIM_ED25519) {
		CHECK_INT(EVP_PKEY_get_base_id(pk), EVP_PKEY_ED25519);
		CHECK_INT(publen, 32);
		CHECK(EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) == 1 &&
		    rawlen == 32 && publen == 32 && memcmp(raw, pub, 32) == 0);
	} else if (pk != NULL) {
		EVP_PKEY *pubk;

		CHECK_INT(EVP_PKEY_get_base_id(pk), EVP_PKEY_RSA);
		CHECK_INT(EVP_PKEY_get_bits(pk), bits);
		p = pub;
		pubk = d2i_PUBKEY(NULL, &p, (long)publen);
		CHECK(pubk != NULL && EVP_PKEY_eq(pk, pubk) == 1);
		EVP_PKEY_free(pubk);
	}
	EVP_PKEY_free(pk);
	free(pub);
	free(pem);
	dkim_key_free(&k);
}

/* Record value, strings and zone line. */
static void
check_record(struct store *st, const char *domain, const char *sel,
    const char *k_tag)
{
	struct dkim_key	  k;
	char		 *value, *zone, *want, **v, *cause = NULL;
	size_t		  n, i;
	struct buf	  joined, zb;

	if (store_dkim_get(st, domain, sel, &k, &cause) != 0) {
		CHECK(0);
		free(cause);
		return;
	}
	value = dkim_record_value(&k);
	want = xprintf("v=DKIM1; k=%s; p=%s", k_tag, k.public_key);
	CHECK_STR(value, want);
	free(want);
	v = dkim_record_strings(&k, &n);
	buf_init(&joined);
	buf_init(&zb);
	want = xprintf("v=DKIM1; k=%s; ", k_tag);
	CHECK(n >= 2);
	CHECK_STR(v[0], want);
	free(want);
	buf_printf(&zb, "%s._domainkey.%s. 3600 IN TXT (", sel, domain);
	for (i = 0; i < n; i++) {
		CHECK(strlen(v[i]) <= 255 && strlen(v[i]) > 0);
		buf_adds(&joined, v[i]);
		buf_printf(&zb, " \"%s\"", v[i]);
	}
	buf_adds(&zb, " )");
	CHECK_STR(joined.data, value);
	zone = dkim_record_zone(&k);
	CHECK_STR(zone, zb.data);
	/* A 2048-bit key's p= needs two strings, 3072 bits three. */
	if (strcmp(k_tag, "rsa") == 0)
		CHECK_INT(n, strlen(k.public_key) + 2 > 510 ? 4 : 3);
	else
		CHECK_INT(n, 2);
	dkim_record_strings_free(v, n);
	buf_free(&joined);
	buf_free(&zb);
	free(zone);
	free(value);
	dkim_key_free(&k);
}

/* Fill a table with the records of every local key. */
static void
table_from_store(struct table *t, struct store *st)
{
	struct dkim_key	*v;
	size_t		 n, i;
	char		*name, *value;

	if (store_dkim_keys(st, NULL, &v, &n, NULL) == -1)
		return;
	for (i = 0; i < n; i++) {
		name = xprintf("%s._domainkey.%s", v[i].selector, v[i].domain);
		value = dkim_record_value(&v[i]);
		table_add(t, name, value);
		free(name);
		free(value);
		dkim_key_free(&v[i]);
	}
	free(v);
}

static const char test_msg[] =
    "From: Info <info@dual.example>\r\n"
    "To: Jane <jane@example.net>\r\n"
    "Subject: =?UTF-8?B?44GK55+l44KJ44Gb?=\r\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <x1@dual.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "List-Unsubscribe: <mailto:info@dual.example?subject=unsubscribe>,\r\n"
    " <https://dual.example/u/abc>\r\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    "\r\n"
    "Hello Jane,\r\n"
    "\r\n"
    ".a line with a dot\r\n"
    "Bye.\r\n";

/* Sign msg with signer, verify with t; returns the signed message. */
static char *
sign_and_verify(struct dkim_signer *s, struct table *t, const char *msg,
    int want_sigs, int want_pass)
{
	struct buf		 out;
	struct dkim_verdict	 v;
	char			*cause = NULL;

	buf_init(&out);
	if (dkim_signer_sign(s, msg, strlen(msg), &out, &cause) == -1) {
		fprintf(stderr, "sign: %s\n", cause);
		free(cause);
		CHECK(0);
		return NULL;
	}
	buf_adds(&out, msg);
	CHECK(!has_bare_eol(out.data, out.len));
	if (dkim_verify_lookup(table_lookup, t, out.data, out.len, &v,
	    &cause) == -1) {
		fprintf(stderr, "verify: %s\n", cause);
		free(cause);
		CHECK(0);
	} else {
		CHECK_INT(v.signatures, want_sigs);
		CHECK_INT(v.passed, want_pass);
		if (v.passed != want_pass)
			fprintf(stderr, "%s", v.summary);
		dkim_verdict_free(&v);
	}
	return buf_take(&out);
}

/* Verify text; returns the verdict's summary (allocated). */
static char *
verify_text(struct table *t, const char *msg, int want_sigs, int want_pass)
{
	struct dkim_verdict	 v;
	char			*cause = NULL, *sum;

	if (dkim_verify_lookup(table_lookup, t, msg, strlen(msg), &v,
	    &cause) == -1) {
		fprintf(stderr, "verify: %s\n", cause);
		free(cause);
		CHECK(0);
		return xstrdup("");
	}
	CHECK_INT(v.signatures, want_sigs);
	CHECK_INT(v.passed, want_pass);
	sum = v.summary;
	v.summary = NULL;
	return sum;
}

/* How many signatures of msg are temperrors. */
static int
verify_temperrors(struct table *t, const char *msg)
{
	struct dkim_verdict	 v;
	char			*cause = NULL;
	int			 n;

	if (dkim_verify_lookup(table_lookup, t, msg, strlen(msg), &v,
	    &cause) == -1) {
		free(cause);
		return -1;
	}
	n = v.temperror;
	dkim_verdict_free(&v);
	return n;
}

/* Replace the first occurrence of from by to in s (allocated). */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*p = strstr(s, from);

	if (p == NULL)
		return xstrdup(s);
	return xprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

/* Signing and verifying offline, with tampering. */
static void
test_sign_verify(struct store *st, const char *db)
{
	struct dkim_signer	*s;
	struct table		 t;
	struct buf		 out;
	char			*cause = NULL, *signed_msg, *bad, *sum, *p;
	const char		*lit;
	int			 n;

	memset(&t, 0, sizeof t);
	check_keygen(st, db, "dual.example", "rsa", DKIM_RSA2048, 2048);
	check_keygen(st, db, "dual.example", "ed", DKIM_ED25519, 0);
	table_from_store(&t, st);

	s = dkim_signer_new(st, "Dual.Example", &cause);
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "signer: %s\n", cause);
		free(cause);
		table_free(&t);
		return;
	}
	CHECK_INT(dkim_signer_count(s), 2);
	signed_msg = sign_and_verify(s, &t, test_msg, 2, 2);
	if (signed_msg != NULL) {
		/* Two fields, folded with CRLF TAB, the right tags. */
		for (n = 0, p = signed_msg; (p = strstr(p,
		    "DKIM-Signature: v=1; ")) != NULL; p++)
			n++;
		CHECK_INT(n, 2);
		CHECK(strstr(signed_msg, "a=rsa-sha256; c=relaxed/relaxed;")
		    != NULL);
		CHECK(strstr(signed_msg, "a=ed25519-sha256; c=relaxed/relaxed;")
		    != NULL);
		CHECK(strstr(signed_msg, "d=dual.example;") != NULL);
		CHECK(strstr(signed_msg, "\r\n\t") != NULL);
		p = unfold(signed_msg);
		CHECK(strstr(p, "h=From:To:Subject:Date:Message-ID:"
		    "MIME-Version:Content-Type:Content-Transfer-Encoding:"
		    "List-Unsubscribe:List-Unsubscribe-Post:from:subject:"
		    "to;") != NULL);
		free(p);

		/* Offline, against the local keys (a preview's status). */
		{
			struct dkim_verdict lv;

			CHECK_INT(dkim_verify_local(st, signed_msg,
			    strlen(signed_msg), &lv, NULL), 0);
			CHECK_INT(lv.signatures, 2);
			CHECK_INT(lv.passed, 2);
			dkim_verdict_free(&lv);
		}

		/* A changed body: both body hashes fail. */
		bad = replace(signed_msg, "Hello Jane", "Hello Joan");
		sum = verify_text(&t, bad, 2, 0);
		CHECK(strstr(sum, "body hash") != NULL);
		free(sum);
		free(bad);
		/* A changed subject: signature mismatch. */
		bad = replace(signed_msg, "Subject: =?UTF-8",
		    "Subject: =?utf-8");
		sum = verify_text(&t, bad, 2, 0);
		CHECK(strstr(sum, "signature mismatch") != NULL);
		free(sum);
		free(bad);
		/* A second From added (oversigned): fails. */
		bad = replace(signed_msg, "From: Info", "From: Evil <e@evil."
		    "example>\r\nFrom: Info");
		sum = verify_text(&t, bad, 2, 0);
		free(sum);
		free(bad);
		/* A header field that is not signed may be added. */
		bad = replace(signed_msg, "From: Info", "X-Added: yes\r\n"
		    "From: Info");
		sum = verify_text(&t, bad, 2, 2);
		free(sum);
		free(bad);
		/* Relaxed canonicalisation: folding white space may change. */
		bad = replace(signed_msg, "Subject: =?UTF",
		    "Subject:    =?UTF");
		sum = verify_text(&t, bad, 2, 2);
		free(sum);
		free(bad);
		/* Keys not published, or the lookup fails. */
		table_free(&t);
		sum = verify_text(&t, signed_msg, 2, 0);
		CHECK(strstr(sum, "no key record at "
		    "rsa._domainkey.dual.example") != NULL);
		free(sum);
		CHECK_INT(verify_temperrors(&t, signed_msg), 0);
		t.fail = 1;
		sum = verify_text(&t, signed_msg, 2, 0);
		CHECK(strstr(sum, "key lookup failed: SERVFAIL (test)") !=
		    NULL);
		/* A lookup that fails is for now only (RFC 6376 6.1.2). */
		CHECK(strstr(sum, "temperror (key lookup failed") != NULL);
		free(sum);
		CHECK_INT(verify_temperrors(&t, signed_msg), 2);
		t.fail = 0;
		table_from_store(&t, st);
		/* A revoked key. */
		table_free(&t);
		table_add(&t, "rsa._domainkey.dual.example", "v=DKIM1; p=");
		table_add(&t, "ed._domainkey.dual.example",
		    "v=DKIM1; k=ed25519; p=");
		sum = verify_text(&t, signed_msg, 2, 0);
		CHECK(strstr(sum, "revoked") != NULL);
		free(sum);
		table_free(&t);
		table_from_store(&t, st);
		free(signed_msg);
	}

	/* Not CRLF: refused, nothing appended. */
	buf_init(&out);
	lit = "From: a@dual.example\nSubject: x\n\nhi\n";
	CHECK_INT(dkim_signer_sign(s, lit, strlen(lit), &out, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "bare LF") != NULL);
	CHECK_INT(out.len, 0);
	free(cause);
	cause = NULL;
	lit = "not a header\r\n\r\nbody\r\n";
	CHECK_INT(dkim_signer_sign(s, lit, strlen(lit), &out, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "line 1") != NULL);
	free(cause);
	cause = NULL;
	/* Without From: libopendkim refuses. */
	lit = "Subject: x\r\n\r\nhi\r\n";
	CHECK_INT(dkim_signer_sign(s, lit, strlen(lit), &out, &cause), -1);
	free(cause);
	cause = NULL;
	/* An empty body and a body without a final CRLF sign and verify. */
	p = sign_and_verify(s, &t, "From: a@dual.example\r\nTo: b@example."
	    "net\r\nSubject: x\r\n\r\n", 2, 2);
	free(p);
	p = sign_and_verify(s, &t, "From: a@dual.example\r\nSubject: x\r\n\r\n"
	    "no final line end", 2, 2);
	free(p);
	buf_free(&out);
	dkim_signer_free(s);

	/* Rotation: one key inactive, then none. */
	CHECK_INT(store_dkim_set_active(st, "dual.example", "ed", 0, NULL), 0);
	s = dkim_signer_new(st, "dual.example", NULL);
	CHECK(s != NULL && dkim_signer_count(s) == 1);
	if (s != NULL) {
		p = sign_and_verify(s, &t, test_msg, 1, 1);
		CHECK(p != NULL && strstr(p, "a=ed25519") == NULL);
		free(p);
	}
	dkim_signer_free(s);
	CHECK_INT(store_dkim_set_active(st, "dual.example", "rsa", 0, NULL), 0);
	CHECK(dkim_signer_new(st, "dual.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "no active DKIM key") != NULL);
	free(cause);
	cause = NULL;
	CHECK(dkim_signer_new(st, "nokeys.example", &cause) == NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(store_dkim_set_active(st, "dual.example", "rsa", 1, NULL), 0);
	CHECK_INT(store_dkim_set_active(st, "dual.example", "ed", 1, NULL), 0);
	CHECK_INT(store_dkim_set_active(st, "dual.example", "nope", 1, NULL),
	    1);
	table_free(&t);
}

/* A key file open to others, or replaced, is refused. */
static void
test_keyfile_checks(struct store *st, const char *db)
{
	struct dkim_key	 k, other;
	char		*cause = NULL, *saved;
	size_t		 len;

	if (dkim_keygen(st, db, "files.example", "a", DKIM_ED25519, &k,
	    &cause) == -1 || dkim_keygen(st, db, "files.example", "b",
	    DKIM_ED25519, &other, &cause) == -1) {
		fprintf(stderr, "keygen: %s\n", cause);
		free(cause);
		CHECK(0);
		return;
	}
	CHECK_INT(store_dkim_published(st, "files.example", "a", NULL), 0);
	CHECK_INT(store_dkim_published(st, "files.example", "b", NULL), 0);
	chmod(k.key_file, 0644);
	CHECK(dkim_signer_new(st, "files.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "chmod 600") != NULL);
	CHECK(cause != NULL && !leaks_pem(k.key_file, cause));
	free(cause);
	cause = NULL;
	chmod(k.key_file, 0600);
	/* b's key in a's file. */
	saved = slurp(k.key_file, &len);
	unlink(k.key_file);
	CHECK(link(other.key_file, k.key_file) == 0);
	CHECK(dkim_signer_new(st, "files.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "not the one recorded") != NULL);
	CHECK(cause != NULL && !leaks_pem(other.key_file, cause));
	free(cause);
	cause = NULL;
	unlink(k.key_file);
	CHECK(dkim_signer_new(st, "files.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "cannot open the key file") !=
	    NULL);
	free(cause);
	free(saved);
	dkim_key_free(&k);
	dkim_key_free(&other);
}

/* A new key does not sign until its record is seen published, or the
 * operator activates it; the refusal says which key waits and how. */
static void
test_pending(struct store *st, const char *db)
{
	struct dkim_key		 k;
	struct dkim_signer	*s;
	char			*cause = NULL;

	if (dkim_keygen(st, db, "pending.example", "s1", DKIM_ED25519, &k,
	    &cause) == -1) {
		fprintf(stderr, "keygen: %s\n", cause);
		free(cause);
		CHECK(0);
		return;
	}
	dkim_key_free(&k);
	CHECK(dkim_signer_new(st, "pending.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "selector s1 awaits "
	    "publication") != NULL);
	CHECK(cause != NULL && strstr(cause, "herald dkim check "
	    "pending.example s1") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(store_dkim_get(st, "pending.example", "s1", &k, NULL), 0);
	CHECK(!k.active && k.pending);
	dkim_key_free(&k);
	/* Deactivated by the operator: no longer waiting, never activated by
	 * a check. */
	CHECK_INT(store_dkim_set_active(st, "pending.example", "s1", 0, NULL),
	    0);
	CHECK_INT(store_dkim_published(st, "pending.example", "s1", NULL), 1);
	CHECK(dkim_signer_new(st, "pending.example", &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "herald dkim activate") != NULL);
	free(cause);
	cause = NULL;
	/* Activated knowingly: it signs. */
	CHECK_INT(store_dkim_set_active(st, "pending.example", "s1", 1, NULL),
	    0);
	s = dkim_signer_new(st, "pending.example", &cause);
	CHECK(s != NULL && dkim_signer_count(s) == 1);
	dkim_signer_free(s);
	CHECK_INT(store_dkim_get(st, "pending.example", "s1", &k, NULL), 0);
	CHECK(k.active && !k.pending);
	dkim_key_free(&k);
}

/* The verifier on the published test vectors. */
static void
test_vectors(void)
{
	struct table	 t;
	char		*msg, *sum;
	const char	*path;
	size_t		 len;

	memset(&t, 0, sizeof t);
	if (table_load(&t, VECTORS "/keys-queryfile.txt") == -1) {
		fprintf(stderr, "FAILED: %s/keys-queryfile.txt is missing: the "
		    "vectors live in tests/data/dkim (run from the "
		    "repository root)\n", VECTORS);
		CHECK(0);
		return;
	}
	CHECK_INT(t.n, 3);
	path = VECTORS "/rfc8463-A3-signed.eml";
	if ((msg = slurp(path, &len)) == NULL) {
		fprintf(stderr, "FAILED: %s is missing\n", path);
		CHECK(0);
	} else {
		sum = verify_text(&t, msg, 2, 2);
		CHECK(strstr(sum, "d=football.example.com s=brisbane "
		    "a=ed25519-sha256: pass") != NULL);
		CHECK(strstr(sum, "d=football.example.com s=test a=rsa-sha256: "
		    "pass") != NULL);
		free(sum);
		/* The same message with its body changed. */
		sum = msg;
		msg = replace(sum, "Joe.", "Joe!");
		free(sum);
		sum = verify_text(&t, msg, 2, 0);
		CHECK(strstr(sum, "body hash mismatch") != NULL);
		free(sum);
		free(msg);
	}
	path = VECTORS "/rfc6376-A2-signed-errata.eml";
	if ((msg = slurp(path, &len)) == NULL) {
		fprintf(stderr, "FAILED: %s is missing\n", path);
		CHECK(0);
	} else {
		sum = verify_text(&t, msg, 1, 1);
		CHECK(strstr(sum, "d=example.com s=brisbane a=rsa-sha256: pass")
		    != NULL);
		free(sum);
		free(msg);
	}
	/* No signature at all. */
	sum = verify_text(&t, "From: a@example.com\r\n\r\nhi\r\n", 0, 0);
	CHECK(strstr(sum, "no DKIM-Signature") != NULL);
	free(sum);
	table_free(&t);
}

int
main(void)
{
	struct store	*st;
	struct dkim_key	 k, *v;
	char		*db, *cause = NULL, *kd;
	size_t		 n, i;

	if (mkdtemp(dir) == NULL)
		return 1;
	db = xprintf("%s/data/herald.db", dir);
	if (store_open(db, &st, &cause) == -1) {
		fprintf(stderr, "store_open: %s\n", cause);
		return 1;
	}
	kd = dkim_key_dir(db);
	CHECK(strcmp(kd, "") != 0 && strstr(kd, "/data/keys") != NULL);
	free(kd);

	test_names();
	check_keygen(st, db, "rsa.example", "s2048", DKIM_RSA2048, 2048);
	check_keygen(st, db, "rsa.example", "s3072", DKIM_RSA3072, 3072);
	check_keygen(st, db, "ed.example", "s", DKIM_ED25519, 0);
	check_record(st, "rsa.example", "s2048", "rsa");
	check_record(st, "rsa.example", "s3072", "rsa");
	check_record(st, "ed.example", "s", "ed25519");

	/* An existing domain/selector is refused, case-insensitively. */
	CHECK_INT(dkim_keygen(st, db, "RSA.example", "S2048", DKIM_RSA2048, &k,
	    &cause), -1);
	CHECK(cause != NULL && strstr(cause, "already") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(dkim_keygen(st, db, "rsa.example", "bad_sel", DKIM_RSA2048,
	    &k, &cause), -1);
	free(cause);
	cause = NULL;

	/* The table: every domain, sorted; one domain; get. */
	CHECK_INT(store_dkim_keys(st, NULL, &v, &n, NULL), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0].domain, "ed.example");
		CHECK_STR(v[1].selector, "s2048");
		CHECK_STR(dkim_algo_name(v[2].algo), "rsa-3072");
	}
	for (i = 0; i < n; i++)
		dkim_key_free(&v[i]);
	free(v);
	CHECK_INT(store_dkim_keys(st, "rsa.example", &v, &n, NULL), 0);
	CHECK_INT(n, 2);
	for (i = 0; i < n; i++)
		dkim_key_free(&v[i]);
	free(v);
	CHECK_INT(store_dkim_get(st, "rsa.example", "none", &k, NULL), 1);

	test_sign_verify(st, db);
	test_keyfile_checks(st, db);
	test_pending(st, db);
	test_vectors();

	store_close(st);
	free(db);
	kd = xprintf("rm -rf %s", dir);
	if (system(kd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(kd);
	TEST_END();
}
