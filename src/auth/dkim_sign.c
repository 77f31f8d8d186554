/*
 * DKIM signing with libopendkim: relaxed/relaxed, rsa-sha256 or
 * ed25519-sha256, one signature per active key of the From domain, an
 * explicit list of signed header fields (From, To and Subject
 * oversigned). Also the message splitting the verifier shares.
 *
 * Private keys are read once per signer, kept in memory only as long as
 * the signer lives and wiped when it is freed.
 *
 * Speed. libopendkim takes the key as PEM text and, for every message,
 * decodes it again (PEM_read_bio_PrivateKey) and signs with a fresh RSA
 * object: with OpenSSL 3.0 the decode costs ~0.37 ms (its decoder framework
 * is set up anew each time) and a fresh RSA object ~0.25 ms more for its
 * Montgomery and blinding set-up, against ~0.3 ms for the signature
 * itself, so RSA-2048 signing ran at a third of OpenSSL's speed. A base64
 * DER key (which libopendkim also accepts) is no faster: it goes through
 * the same decoders. So this file defines PEM_read_bio_PrivateKey itself
 * (the executable's definition is the one libopendkim's call binds to):
 * while this thread is inside dkim_signer_sign() and the bytes to decode
 * are byte for byte the PEM of the key it is signing with, the first call
 * decodes them and keeps the key object, and every later call returns
 * that object again (one more reference) instead of decoding; anything
 * else is decoded as OpenSSL always does. libopendkim still does all of
 * the signing (canonicalisation, hashes, the RSA or Ed25519 signature, the
 * header) and frees the key as usual, which drops the reference; the RSA
 * object keeps its Montgomery and blinding set-up from one message to the
 * next. Each worker thread has its own signer, hence its own key objects:
 * nothing is shared between threads. Should a libopendkim ever stop
 * calling this function, signing stays correct and only gets slower
 * (dkim_signer_cache_hits() says whether the cache is used).
 */
/* Here dkim_sign and dkim_verify are libopendkim's (see dkim.h). */
#define HERALD_DKIM_LIBOPENDKIM

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <opendkim/dkim.h>

#include "dkim.h"
#include "dkim_int.h"
#include "store/store.h"
#include "base/util.h"
#include "base/i18n.h"

#define DKIM_KEYFILE_MAX	16384	/* bytes of a PEM file */
#define DKIM_HDR_NAME		"DKIM-Signature: "

/* What is signed (RFC 6376 5.4, RFC 8058 for List-Unsubscribe-Post). */
static const char *dkim_sign_hdrs[] = {
	"from", "to", "subject", "date", "message-id", "mime-version",
	"content-type", "content-transfer-encoding", "reply-to",
	"list-unsubscribe", "list-unsubscribe-post", NULL
};
/* Signed once more than present: nobody can add a second one. */
static const char *dkim_oversign_hdrs[] = { "from", "subject", "to", NULL };

struct dkim_signkey {
	char		*selector;
	unsigned char	*pem;		/* NUL-terminated; wiped when freed */
	size_t		 pemlen;
	EVP_PKEY	*pkey;		/* pem as libopendkim decoded it first */
	dkim_alg_t	 alg;
};

struct dkim_signer {
	DKIM_LIB		*lib;
	char			*domain;
	struct dkim_signkey	*keys;
	size_t			 n;
	unsigned long		 hits;	/* keys handed over without decoding */
};

/* The key this thread's libopendkim is about to decode, if any. */
static _Thread_local struct dkim_signkey *dkim_sign_key;
static _Thread_local struct dkim_signer *dkim_sign_signer;

/* ---- messages ---- */

/* Where the first bare CR or LF is; -1 when every line ends in CRLF. */
static ssize_t
dkim_bare_eol(const char *msg, size_t len)
{
	const char	*p, *end = msg + len;

	for (p = msg; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		if (p == msg || p[-1] != '\r')
			return p - msg;
	for (p = msg; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
		if (p + 1 == end || p[1] != '\n')
			return p - msg;
	return -1;
}

/* The line number of position p in msg, for messages. */
static size_t
dkim_line_of(const char *msg, const char *p)
{
	size_t	n = 1;

	while ((msg = memchr(msg, '\n', (size_t)(p - msg))) != NULL) {
		n++;
		msg++;
	}
	return n;
}

/* Split msg (CRLF line ends) into header fields and the body. */
int
dkim_msg_split(const char *msg, size_t len, struct dkim_msg *m, char **cause)
{
	const char	*p = msg, *end = msg + len, *eol, *colon;
	ssize_t		 bad;
	int		 show;

	memset(m, 0, sizeof *m);
	if ((bad = dkim_bare_eol(msg, len)) != -1)
		return set_cause(cause, NT("a bare %s at byte %zd (line %zu): "
		    "the message needs CRLF line "
		    "ends"), msg[bad] == '\n' ? "LF" :
		    "CR", bad + 1, dkim_line_of(msg, msg + bad));
	while (p < end) {
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			p += 2;		/* the empty line: the body follows */
			break;
		}
		/* A field runs until a CRLF not followed by WSP. */
		for (eol = p;; eol += 2) {
			eol = memmem(eol, (size_t)(end - eol), "\r\n", 2);
			if (eol == NULL) {
				eol = end;
				break;
			}
			if (eol + 2 >= end || (eol[2] != ' ' && eol[2] != '\t'))
				break;
		}
		colon = memchr(p, ':', (size_t)(eol - p));
		if (*p == ' ' || *p == '\t' || colon == NULL || colon == p) {
			free(m->f);
			m->f = NULL;
			show = eol - p > 60 ? 60 : (int)(eol - p);
			return set_cause(cause, NT("line %zu is not a header "
			    "field: \"%.*s\""), dkim_line_of(msg, p), show, p);
		}
		if (m->n == m->cap) {
			m->cap = m->cap == 0 ? 32 : m->cap * 2;
			m->f = xreallocarray(m->f, m->cap, sizeof *m->f);
		}
		m->f[m->n].p = p;
		m->f[m->n++].len = (size_t)(eol - p);
		p = eol == end ? end : eol + 2;
	}
	if (m->n == 0)
		return set_cause(cause, NT("the message has no header fields"));
	m->body = p;
	m->bodylen = (size_t)(end - p);
	return 0;
}

/*
 * Feed a split message to a signing or verifying handle. A body without
 * a final CRLF is fed with one, as SMTP will send it. A verifier goes on
 * after a key lookup failed for one signature, to check the others.
 */
DKIM_STAT
dkim_msg_feed(DKIM *d, const struct dkim_msg *m, int verify, int *stage)
{
	DKIM_STAT	st;
	size_t		i;

	*stage = 0;
	for (i = 0; i < m->n; i++)
		if ((st = dkim_header(d, (u_char *)m->f[i].p,
		    m->f[i].len)) != DKIM_STAT_OK)
			return st;
	*stage = 1;
	st = dkim_eoh(d);
	if (st != DKIM_STAT_OK && (!verify || (st != DKIM_STAT_CBERROR &&
	    st != DKIM_STAT_CBTRYAGAIN && st != DKIM_STAT_NOKEY &&
	    st != DKIM_STAT_KEYFAIL)))
		return st;
	*stage = 2;
	if (m->bodylen != 0 && (st = dkim_body(d, (u_char *)m->body,
	    m->bodylen)) != DKIM_STAT_OK)
		return st;
	if (m->bodylen != 0 && (m->bodylen < 2 ||
	    memcmp(m->body + m->bodylen - 2, "\r\n", 2) != 0) &&
	    (st = dkim_body(d, (u_char *)"\r\n", 2)) != DKIM_STAT_OK)
		return st;
	*stage = 3;
	return dkim_eom(d, NULL);
}

/* libopendkim's word on a failure, for a cause. */
const char *
dkim_lib_error(DKIM *d, DKIM_STAT st)
{
	const char	*e = d != NULL ? dkim_geterror(d) : NULL;

	if (e != NULL && *e != '\0')
		return e;
	e = dkim_getresultstr(st);
	return e != NULL ? e : NT("unknown error");
}

/* ---- signing ---- */

/* Wipe and free a key's PEM. */
static void
dkim_signkey_free(struct dkim_signkey *k)
{
	if (k->pem != NULL) {
		OPENSSL_cleanse(k->pem, k->pemlen);
		free(k->pem);
	}
	EVP_PKEY_free(k->pkey);
	free(k->selector);
	memset(k, 0, sizeof *k);
}

/* Read a private key file: a regular file of ours, not readable by others. */
static int
dkim_read_keyfile(const char *path, unsigned char **out, size_t *outlen,
    char **cause)
{
	struct stat	 st;
	unsigned char	*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return set_cause(cause, _("cannot open the key file %s: %s"),
		    path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return set_cause(cause, _("%s is not a regular file"), path);
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return set_cause(cause, _("the key file %s is mode %04o, open "
		    "to other users: chmod 600 it (and consider the key "
		    "leaked: rotate it)"), path,
		    (unsigned int)(st.st_mode & 07777));
	}
	if (st.st_size <= 0 || st.st_size > DKIM_KEYFILE_MAX) {
		close(fd);
		return set_cause(cause, _("the key file %s has an unlikely "
		    "size (%lld bytes)"), path, (long long)st.st_size);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (off != (size_t)st.st_size) {
		OPENSSL_cleanse(buf, off);
		free(buf);
		return set_cause(cause, _("cannot read the key file %s"), path);
	}
	buf[off] = '\0';
	*out = buf;
	*outlen = off;
	return 0;
}

/* Load one key and check it against what the database says about it. */
static int
dkim_signkey_load(const struct dkim_key *k, struct dkim_signkey *sk,
    char **cause)
{
	BIO		*bio;
	EVP_PKEY	*pk;
	char		*pub;
	int		 type, rc = -1;

	memset(sk, 0, sizeof *sk);
	if (dkim_read_keyfile(k->key_file, &sk->pem, &sk->pemlen, cause) == -1)
		return -1;
	if ((bio = BIO_new_mem_buf(sk->pem, (int)sk->pemlen)) == NULL)
		fatal(_("out of memory"));
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pk == NULL) {
		set_cause(cause, _("%s is not a PEM private key"),
		    k->key_file);
		goto out;
	}
	type = EVP_PKEY_get_base_id(pk);
	if ((k->algo == DKIM_ED25519) != (type == EVP_PKEY_ED25519) ||
	    (k->algo != DKIM_ED25519 && type != EVP_PKEY_RSA)) {
		set_cause(cause, _("%s does not hold an %s key"), k->key_file,
		    dkim_algo_name(k->algo));
		goto out;
	}
	if ((pub = dkim_pubkey_b64(pk, k->algo, cause)) == NULL)
		goto out;
	if (strcmp(pub, k->public_key) != 0) {
		set_cause(cause, _("the key in %s is not the one recorded for "
		    "%s selector %s (replaced file?)"), k->key_file, k->domain,
		    k->selector);
		free(pub);
		goto out;
	}
	free(pub);
	sk->selector = xstrdup(k->selector);
	sk->alg = k->algo == DKIM_ED25519 ? DKIM_SIGN_ED25519SHA256 :
	    DKIM_SIGN_RSASHA256;
	rc = 0;
out:
	EVP_PKEY_free(pk);
	if (rc == -1)
		dkim_signkey_free(sk);
	return rc;
}

/*
 * OpenSSL's PEM_read_bio_PrivateKey, as libopendkim's dkim_privkey_load()
 * calls it for every message (see the top of this file). When this thread
 * is signing with a key and the bytes are exactly that key's PEM, the first
 * call decodes them as usual and keeps a reference; later calls hand out
 * that key again (one more reference each). Anything else is decoded as
 * OpenSSL 3's own PEM_read_bio_PrivateKey does it.
 *
 * The first decode happens here, inside dkim_privkey_load, on purpose:
 * libopendkim 2.11 never drops its reference to an Ed25519 key (see
 * tests/lsan.supp), so an Ed25519 key object outlives its signer; it is one
 * object per signer now instead of one per message, and LeakSanitizer
 * still finds it allocated under dkim_privkey_load.
 */
EVP_PKEY *
PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u)
{
	struct dkim_signkey	*k = dkim_sign_key;
	EVP_PKEY		*pk;
	char			*data;
	long			 len;

	if (k == NULL || x != NULL || bp == NULL ||
	    BIO_method_type(bp) != BIO_TYPE_MEM ||
	    (len = BIO_get_mem_data(bp, &data)) < 0 ||
	    (size_t)len != k->pemlen || memcmp(data, k->pem, k->pemlen) != 0)
		return PEM_read_bio_PrivateKey_ex(bp, x, cb, u, NULL, NULL);
	dkim_sign_key = NULL;		/* once per signature */
	if (k->pkey != NULL && EVP_PKEY_up_ref(k->pkey) == 1) {
		dkim_sign_signer->hits++;
		return k->pkey;
	}
	pk = PEM_read_bio_PrivateKey_ex(bp, NULL, cb, u, NULL, NULL);
	if (pk != NULL && k->pkey == NULL && EVP_PKEY_up_ref(pk) == 1)
		k->pkey = pk;
	return pk;
}

/* How many keys libopendkim got already decoded (benchmarks, tests). */
unsigned long
dkim_signer_cache_hits(const struct dkim_signer *s)
{
	return s->hits;
}

/* A libopendkim instance that signs what herald wants signed. */
static DKIM_LIB *
dkim_sign_lib(char **cause)
{
	DKIM_LIB	*lib;

	if ((lib = dkim_init(NULL, NULL)) == NULL) {
		set_cause(cause, _("libopendkim: dkim_init failed"));
		return NULL;
	}
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS,
	    dkim_sign_hdrs, sizeof(char **)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS,
	    dkim_oversign_hdrs, sizeof(char **)) != DKIM_STAT_OK) {
		dkim_close(lib);
		set_cause(cause, _("libopendkim: cannot set the signed header "
		    "fields"));
		return NULL;
	}
	return lib;
}

/* Why domain's messages are not signed, given its keys (none active). */
static char *
dkim_why_keys(const char *domain, const struct dkim_key *keys, size_t n)
{
	struct buf	 b;
	const char	*first = NULL;
	char		*s;
	size_t		 i, pending = 0;

	for (i = 0; i < n; i++)
		if (keys[i].pending && pending++ == 0)
			first = keys[i].selector;
	if (pending == 0)
		return n != 0 ? xprintf(_("%s has no active DKIM key (herald "
		    "dkim activate %s SELECTOR turns one "
		    "on)"), domain, domain) :
		    xprintf(_("%s has no active DKIM key (herald dkim keygen "
		    "%s SELECTOR makes one)"), domain, domain);
	buf_init(&b);
	for (i = 0; i < n; i++)
		if (keys[i].pending)
			buf_printf(&b, "%s%s", keys[i].selector !=
			    first ? ", " : "", keys[i].selector);
	s = xprintf(ngettext("%s has no active DKIM key: selector %s awaits "
	    "publication (publish the record, then herald dkim check %s %s "
	    "activates it)", "%s has no active DKIM key: selectors %s await "
	    "publication (publish the record, then herald dkim check %s %s "
	    "activates it)", pending), domain, b.data, domain, first);
	buf_free(&b);
	return s;
}

/* Why domain's messages are not signed (it has no active key). */
char *
dkim_unsigned_why(struct store *st, const char *domain)
{
	struct dkim_key	*keys;
	size_t		 n, i;
	char		*cause = NULL, *why;

	if (store_dkim_keys(st, domain, &keys, &n, &cause) == -1) {
		why = xprintf(_("%s has no active DKIM key (%s)"), domain,
		    cause);
		free(cause);
		return why;
	}
	why = dkim_why_keys(domain, keys, n);
	for (i = 0; i < n; i++)
		dkim_key_free(&keys[i]);
	free(keys);
	return why;
}

/* A signer for the active keys of domain, keys loaded once. */
struct dkim_signer *
dkim_signer_new(struct store *st, const char *domain, char **cause)
{
	struct dkim_signer	*s;
	struct dkim_key		*keys;
	size_t			 n, i;
	char			*dom, *p;

	dom = xstrdup(domain);
	for (p = dom; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (store_dkim_keys(st, dom, &keys, &n, cause) == -1) {
		free(dom);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->domain = dom;
	s->keys = xcalloc(n != 0 ? n : 1, sizeof *s->keys);
	for (i = 0; i < n; i++) {
		if (!keys[i].active)
			continue;
		if (dkim_signkey_load(&keys[i], &s->keys[s->n], cause) == -1)
			goto fail;
		s->n++;
	}
	if (s->n == 0) {
		if (cause != NULL)
			*cause = dkim_why_keys(dom, keys, n);
		goto fail;
	}
	if ((s->lib = dkim_sign_lib(cause)) == NULL)
		goto fail;
	for (i = 0; i < s->n; i++)
		if (s->keys[i].alg == DKIM_SIGN_ED25519SHA256 &&
		    !dkim_libfeature(s->lib, DKIM_FEATURE_ED25519)) {
			set_cause(cause, _("this libopendkim cannot sign with "
			    "Ed25519 (selector %s)"), s->keys[i].selector);
			goto fail;
		}
	for (i = 0; i < n; i++)
		dkim_key_free(&keys[i]);
	free(keys);
	return s;
fail:
	for (i = 0; i < n; i++)
		dkim_key_free(&keys[i]);
	free(keys);
	dkim_signer_free(s);
	return NULL;
}

/* Free a signer, wiping its keys. */
void
dkim_signer_free(struct dkim_signer *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		dkim_signkey_free(&s->keys[i]);
	free(s->keys);
	if (s->lib != NULL)
		dkim_close(s->lib);
	free(s->domain);
	free(s);
}

/* How many signatures each message gets. */
size_t
dkim_signer_count(const struct dkim_signer *s)
{
	return s->n;
}

/* Append a DKIM-Signature field: libopendkim's value, CRLF line ends. */
static void
dkim_add_sighdr(struct buf *sigs, const u_char *v, size_t len)
{
	size_t	i;

	buf_adds(sigs, DKIM_HDR_NAME);
	for (i = 0; i < len; i++) {
		if (v[i] == '\r')
			continue;
		if (v[i] == '\n')
			buf_addc(sigs, '\r');
		buf_addc(sigs, (char)v[i]);
	}
	buf_add(sigs, "\r\n", 2);
}

/* Sign with one key. */
static int
dkim_sign_one(struct dkim_signer *s, struct dkim_signkey *k,
    const struct dkim_msg *m, struct buf *sigs, char **cause)
{
	DKIM		*d;
	DKIM_STAT	 st;
	u_char		*hdr;
	size_t		 hlen;
	int		 stage, rc = -1;

	d = dkim_sign(s->lib, (const u_char *)"herald", NULL, k->pem,
	    (const u_char *)k->selector, (const u_char *)s->domain,
	    DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, k->alg, -1, &st);
	if (d == NULL)
		return set_cause(cause, NT("DKIM signing (selector %s): %s"),
		    k->selector, dkim_getresultstr(st));
	dkim_sign_key = k;		/* decoded in dkim_eom() */
	dkim_sign_signer = s;
	st = dkim_msg_feed(d, m, 0, &stage);
	dkim_sign_key = NULL;
	dkim_sign_signer = NULL;
	if (st != DKIM_STAT_OK) {
		set_cause(cause, NT("DKIM signing (selector %s): %s"),
		    k->selector, dkim_lib_error(d, st));
		goto out;
	}
	st = dkim_getsighdr_d(d, strlen(DKIM_HDR_NAME), &hdr, &hlen);
	if (st != DKIM_STAT_OK) {
		set_cause(cause, NT("DKIM signing (selector %s): %s"),
		    k->selector, dkim_lib_error(d, st));
		goto out;
	}
	dkim_add_sighdr(sigs, hdr, hlen);
	rc = 0;
out:
	dkim_free(d);
	return rc;
}

/* Sign msg with every key; the DKIM-Signature fields go to sigs. */
int
dkim_signer_sign(struct dkim_signer *s, const char *msg, size_t len,
    struct buf *sigs, char **cause)
{
	struct dkim_msg	m;
	size_t		i, mark = sigs->len;

	if (dkim_msg_split(msg, len, &m, cause) == -1)
		return -1;
	for (i = 0; i < s->n; i++)
		if (dkim_sign_one(s, &s->keys[i], &m, sigs, cause) == -1) {
			sigs->len = mark;
			if (sigs->data != NULL)
				sigs->data[mark] = '\0';
			free(m.f);
			return -1;
		}
	free(m.f);
	return 0;
}
