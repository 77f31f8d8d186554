/*
 * DKIM signing micro-benchmark (built and run by tests/bench/run).
 *
 *   dkim_bench N DIR
 *
 * Generates an rsa-2048 key with herald (in a database in DIR), renders N
 * personalised ~2,400-byte messages in memory, then signs them, on one
 * thread, four ways:
 *
 *   libopendkim, PEM       what herald did before: dkim_sign() with the PEM
 *                          text, libopendkim decodes it for every message
 *   libopendkim, DER       the same with the key as base64 DER (libopendkim
 *                          takes that too): to show it is no cure
 *   herald signer          dkim_signer_sign(): libopendkim signing, the key
 *                          handed over already decoded (src/dkim_sign.c)
 *   OpenSSL alone          EVP_DigestSign(SHA-256, RSA-2048) with one key
 *                          object: the floor for any signer
 *
 * and herald's signer again on two threads (one signer each, as the
 * engine's workers have); then libopendkim and herald's signer with an
 * Ed25519 key. Twenty of herald's signatures are verified with the local
 * public key (libopendkim's verifier). Prints microseconds and signatures
 * per second.
 */
#include <opendkim/dkim.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define HERALD_DKIM_LIBOPENDKIM
#include "auth/dkim.h"
#include "auth/dkim_int.h"
#include "store/store.h"
#include "base/util.h"

#define DOMAIN		"bench.example"
#define SELECTOR	"sel"

static const char *sign_hdrs[] = {
	"from", "to", "subject", "date", "message-id", "mime-version",
	"content-type", "content-transfer-encoding", "reply-to",
	"list-unsubscribe", "list-unsubscribe-post", NULL
};
static const char *oversign_hdrs[] = { "from", "subject", "to", NULL };

static char	**msgs;
static size_t	 *lens;
static int	  nmsg;

static double
now(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, const char *cause)
{
	fprintf(stderr, "dkim_bench: %s: %s\n", what, cause != NULL ? cause :
	    "failed");
	exit(1);
}

/* One recipient's message: headers, then a ~2,000-byte body. */
static char *
render(int i, size_t *len)
{
	struct buf	b;
	int		line;

	buf_init(&b);
	buf_printf(&b, "From: Bench <news@" DOMAIN ">\r\n"
	    "To: User %d <user%d@dept%d.example.org>\r\n"
	    "Subject: News for User %d from Paris\r\n"
	    "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n"
	    "Message-ID: <%d.bench@" DOMAIN ">\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "List-Unsubscribe: <https://" DOMAIN "/u/%08d>\r\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
	    "\r\n"
	    "Dear User %d,\r\n\r\n", i, i, i % 97, i, i, i, i);
	for (line = 0; b.len < 2400; line++)
		buf_printf(&b, "Line %02d of the announcement, the same for "
		    "every reader of the list.\r\n", line);
	buf_adds(&b, "Regards,\r\nBench\r\n");
	*len = b.len;
	return buf_take(&b);
}

/* libopendkim as herald called it before: the key as text, every time. */
static double
bench_lib(const char *key, const char *domain, dkim_alg_t alg, int n)
{
	DKIM_LIB	*lib;
	DKIM		*d;
	DKIM_STAT	 st;
	struct dkim_msg	 m;
	u_char		*hdr;
	size_t		 hlen;
	char		*cause = NULL;
	double		 t0;
	int		 i, stage;

	if ((lib = dkim_init(NULL, NULL)) == NULL ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, sign_hdrs,
	    sizeof(char **)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS,
	    oversign_hdrs, sizeof(char **)) != DKIM_STAT_OK)
		die("libopendkim", "dkim_init");
	t0 = now();
	for (i = 0; i < n; i++) {
		d = dkim_sign(lib, (const u_char *)"bench", NULL,
		    (u_char *)key, (const u_char *)SELECTOR,
		    (const u_char *)domain, DKIM_CANON_RELAXED,
		    DKIM_CANON_RELAXED, alg, -1, &st);
		if (d == NULL)
			die("dkim_sign", dkim_getresultstr(st));
		if (dkim_msg_split(msgs[i % nmsg], lens[i % nmsg], &m,
		    &cause) == -1)
			die("split", cause);
		if ((st = dkim_msg_feed(d, &m, 0, &stage)) != DKIM_STAT_OK ||
		    (st = dkim_getsighdr_d(d, 16, &hdr, &hlen)) !=
		    DKIM_STAT_OK)
			die("libopendkim signing", dkim_lib_error(d, st));
		free(m.f);
		dkim_free(d);
	}
	t0 = now() - t0;
	dkim_close(lib);
	return t0;
}

/* A key file's PEM text. */
static char *
read_pem(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*pem = xmalloc(16384);
	size_t	 len;

	if (f == NULL || (len = fread(pem, 1, 16383, f)) == 0)
		die("key file", path);
	pem[len] = '\0';
	fclose(f);
	return pem;
}

/* The PEM key as base64 DER (PKCS#8), as libopendkim accepts it. */
static char *
der_b64(const char *pem)
{
	BIO		*bio;
	EVP_PKEY	*pk;
	unsigned char	*der = NULL;
	char		*out;
	int		 len;

	bio = BIO_new_mem_buf(pem, -1);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pk == NULL || (len = i2d_PrivateKey(pk, &der)) <= 0)
		die("DER", "cannot convert the key");
	out = xmalloc((size_t)len * 2 + 4);
	EVP_EncodeBlock((unsigned char *)out, der, len);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	return out;
}

/* OpenSSL alone: hash and sign each message's bytes with one key. */
static double
bench_openssl(const char *pem, int n)
{
	BIO		*bio;
	EVP_PKEY	*pk;
	EVP_MD_CTX	*md;
	unsigned char	 sig[512];
	size_t		 slen;
	double		 t0;
	int		 i;

	bio = BIO_new_mem_buf(pem, -1);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pk == NULL)
		die("OpenSSL", "cannot read the key");
	t0 = now();
	for (i = 0; i < n; i++) {
		md = EVP_MD_CTX_new();
		slen = sizeof sig;
		if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
		    EVP_DigestSign(md, sig, &slen,
		    (const unsigned char *)msgs[i % nmsg], lens[i % nmsg]) != 1)
			die("OpenSSL", "EVP_DigestSign");
		EVP_MD_CTX_free(md);
	}
	t0 = now() - t0;
	EVP_PKEY_free(pk);
	return t0;
}

struct run {
	struct dkim_signer	*s;
	int			 from, n;
	double			 secs;
};

static void *
run_signer(void *arg)
{
	struct run	*r = arg;
	struct buf	 sigs;
	char		*cause = NULL;
	double		 t0 = now();
	int		 i;

	buf_init(&sigs);
	for (i = 0; i < r->n; i++) {
		sigs.len = 0;
		if (dkim_signer_sign(r->s, msgs[(r->from + i) % nmsg],
		    lens[(r->from + i) % nmsg], &sigs, &cause) == -1)
			die("dkim_signer_sign", cause);
	}
	r->secs = now() - t0;
	buf_free(&sigs);
	return NULL;
}

static void
show(const char *what, int n, double secs, double base)
{
	printf("  %-34s %7.1f us/msg %7.0f msg/s", what, secs / n * 1e6,
	    n / secs);
	if (base > 0)
		printf("  %4.2fx", base / secs);
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct store		*st;
	struct dkim_key		 k;
	struct dkim_signer	*s, *s2, *se;
	struct dkim_key		 ek;
	struct dkim_verdict	 v;
	struct run		 r[2];
	pthread_t		 th;
	struct buf		 one;
	char			*cause = NULL, *db, *pem, *der, *edpem;
	double			 before, der_t, after, floor_t, two;
	double			 ed_before, ed_after;
	int			 n, i, ok = 0, checked = 0;

	if (argc != 3 || (n = atoi(argv[1])) < 10)
		die("usage", "dkim_bench N DIR");
	nmsg = n < 1000 ? n : 1000;
	msgs = xcalloc((size_t)nmsg, sizeof *msgs);
	lens = xcalloc((size_t)nmsg, sizeof *lens);
	for (i = 0; i < nmsg; i++)
		msgs[i] = render(i, &lens[i]);

	db = xprintf("%s/dkim-bench.db", argv[2]);
	if (store_open(db, &st, &cause) == -1)
		die("store", cause);
	/* New keys wait for their record: these sign at once. */
	if (dkim_keygen(st, db, DOMAIN, SELECTOR, DKIM_RSA2048, &k,
	    &cause) == -1 || store_dkim_set_active(st, DOMAIN, SELECTOR, 1,
	    &cause) != 0)
		die("keygen", cause);
	if ((s = dkim_signer_new(st, DOMAIN, &cause)) == NULL ||
	    (s2 = dkim_signer_new(st, DOMAIN, &cause)) == NULL)
		die("signer", cause);
	pem = read_pem(k.key_file);
	der = der_b64(pem);

	/* Warm up (page faults, OpenSSL's lazy set-up), then measure. */
	bench_lib(pem, DOMAIN, DKIM_SIGN_RSASHA256, 20);
	r[0].s = s;
	r[0].from = 0;
	r[0].n = 20;
	run_signer(&r[0]);

	before = bench_lib(pem, DOMAIN, DKIM_SIGN_RSASHA256, n);
	der_t = bench_lib(der, DOMAIN, DKIM_SIGN_RSASHA256, n);
	r[0].n = n;
	run_signer(&r[0]);
	after = r[0].secs;
	floor_t = bench_openssl(pem, n);

	/* Two threads, one signer each, n messages in all. */
	r[0].s = s;
	r[0].from = 0;
	r[0].n = n / 2;
	r[1].s = s2;
	r[1].from = n / 2;
	r[1].n = n - n / 2;
	two = now();
	if (pthread_create(&th, NULL, run_signer, &r[1]) != 0)
		die("pthread_create", NULL);
	run_signer(&r[0]);
	pthread_join(th, NULL);
	two = now() - two;

	/* Ed25519, the same two ways. */
	if (dkim_keygen(st, db, "ed." DOMAIN, SELECTOR, DKIM_ED25519, &ek,
	    &cause) == -1 || store_dkim_set_active(st, "ed." DOMAIN,
	    SELECTOR, 1, &cause) != 0 || (se = dkim_signer_new(st, "ed." DOMAIN,
	    &cause)) == NULL)
		die("ed25519 key", cause);
	edpem = read_pem(ek.key_file);
	ed_before = bench_lib(edpem, "ed." DOMAIN, DKIM_SIGN_ED25519SHA256, n);
	r[0].s = se;
	r[0].from = 0;
	r[0].n = n;
	run_signer(&r[0]);
	ed_after = r[0].secs;

	/* The signatures hold. */
	buf_init(&one);
	for (i = 0; i < 20; i++) {
		one.len = 0;
		if (dkim_signer_sign(s, msgs[i], lens[i], &one, &cause) == -1)
			die("sign", cause);
		buf_add(&one, msgs[i], lens[i]);
		if (dkim_verify_local(st, one.data, one.len, &v, &cause) == -1)
			die("verify", cause);
		checked++;
		ok += v.signatures == 1 && v.passed == 1;
		dkim_verdict_free(&v);
	}
	buf_free(&one);

	printf("DKIM signing, rsa-2048 unless said, relaxed/relaxed, %d messages "
	    "of ~%zu bytes, one thread unless said:\n", n, lens[0]);
	show("libopendkim, PEM key (before)", n, before, 0);
	show("libopendkim, base64 DER key", n, der_t, before);
	show("herald signer (libopendkim, after)", n, after, before);
	show("herald signer, 2 threads", n, two, before);
	show("OpenSSL EVP_DigestSign alone", n, floor_t, 0);
	show("ed25519: libopendkim, PEM key", n, ed_before, 0);
	show("ed25519: herald signer", n, ed_after, ed_before);
	printf("  herald signer: %lu of %d signatures reused the decoded key "
	    "(each signer decodes it once); %d of %d signatures verify\n",
	    dkim_signer_cache_hits(s) + dkim_signer_cache_hits(s2), 2 * n + 40,
	    ok, checked);
	printf("  after = %.0f%% of OpenSSL's own signing speed on one core\n",
	    100.0 * floor_t / after);

	dkim_signer_free(s);
	dkim_signer_free(s2);
	dkim_signer_free(se);
	dkim_key_free(&k);
	dkim_key_free(&ek);
	free(pem);
	free(der);
	free(edpem);
	store_close(st);
	return ok == checked ? 0 : 1;
}
