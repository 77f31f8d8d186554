/* Unit tests for the pure parts of the health report: DMARC records,
 * organisational domains by the Public Suffix List, alignment, DKIM key
 * records. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "auth/dkimrec.h"
#include "auth/dmarc.h"
#include "auth/health.h"
#include "test.h"

/* Parse s as a DMARC record; returns dmarc_parse's result, *why kept. */
static int
dmarc(const char *s, struct dmarc_record *r, char **why)
{
	free(*why);
	*why = NULL;
	dmarc_record_free(r);
	return dmarc_parse(s, strlen(s), r, why);
}

/* Does cause mention needle? */
static int
says(const char *cause, const char *needle)
{
	return cause != NULL && strstr(cause, needle) != NULL;
}

/* DMARC records: tags, defaults, and every syntax error named. */
static void
test_dmarc_parse(void)
{
	struct dmarc_record	 r;
	char			*why = NULL;

	memset(&r, 0, sizeof r);
	CHECK_INT(dmarc("v=DMARC1; p=none", &r, &why), 0);
	CHECK_INT(r.p, DMARC_P_NONE);
	CHECK_INT(r.sp, DMARC_P_NONE);
	CHECK_INT(r.has_sp, 0);
	CHECK_INT(r.pct, 100);
	CHECK_INT(r.adkim, 'r');
	CHECK_INT(r.aspf, 'r');
	CHECK(r.rua == NULL);
	CHECK_INT(r.ri, 86400);

	CHECK_INT(dmarc("v=DMARC1;p=reject;sp=quarantine;pct=50;adkim=s;"
	    "aspf=s;rua=mailto:a@example.org,mailto:b@example.net!10m;"
	    "ruf=mailto:f@example.org;fo=0:1:d:s;rf=afrf;ri=3600;", &r,
	    &why), 0);
	CHECK_INT(r.p, DMARC_P_REJECT);
	CHECK_INT(r.sp, DMARC_P_QUARANTINE);
	CHECK_INT(r.has_sp, 1);
	CHECK_INT(r.pct, 50);
	CHECK_INT(r.adkim, 's');
	CHECK_INT(r.aspf, 's');
	CHECK_STR(r.rua, "mailto:a@example.org,mailto:b@example.net!10m");
	CHECK_STR(r.ruf, "mailto:f@example.org");
	CHECK_STR(r.fo, "0:1:d:s");
	CHECK_INT(r.ri, 3600);

	/* White space, case of keywords, unknown tags. */
	CHECK_INT(dmarc("v=DMARC1 ;  p = Quarantine ; np=reject; psd=n ;",
	    &r, &why), 0);
	CHECK_INT(r.p, DMARC_P_QUARANTINE);
	CHECK_INT(dmarc("v=DMARC1;;p=reject", &r, &why), 0);

	/* Syntax errors, each with its reason. */
	CHECK_INT(dmarc("v=DMARC1", &r, &why), -1);
	CHECK(says(why, "p= tag"));
	CHECK_INT(dmarc("v=DMARC1; rua=mailto:a@example.org", &r, &why), -1);
	CHECK(says(why, "p= tag"));
	CHECK_INT(dmarc("v=DMARC1; p=block", &r, &why), -1);
	CHECK(says(why, "'block'"));
	CHECK_INT(dmarc("p=none; v=DMARC1", &r, &why), -1);
	CHECK(says(why, "v=DMARC1"));
	CHECK_INT(dmarc("v=DMARC1; p=none; p=reject", &r, &why), -1);
	CHECK(says(why, "twice"));
	CHECK_INT(dmarc("v=DMARC1; p=none; v=DMARC1", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; pct=101", &r, &why), -1);
	CHECK(says(why, "pct="));
	CHECK_INT(dmarc("v=DMARC1; p=none; pct=", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; pct=5x", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; adkim=x", &r, &why), -1);
	CHECK(says(why, "adkim="));
	CHECK_INT(dmarc("v=DMARC1; p=none; aspf=relaxed", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; rua=dmarc@example.org", &r, &why),
	    -1);
	CHECK(says(why, "rua="));
	CHECK_INT(dmarc("v=DMARC1; p=none; rua=mailto:nobody", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; rua=", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; fo=2", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; fo=0:", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; ri=-1", &r, &why), -1);
	CHECK_INT(dmarc("v=DMARC1; p=none; junk", &r, &why), -1);
	CHECK(says(why, "tag=value"));
	CHECK_INT(dmarc("v=DMARC1; p=none\x01", &r, &why), -1);
	CHECK(says(why, "control"));
	free(why);
	why = NULL;
	CHECK_INT(dmarc_parse("v=DMARC1; p=none\0x", 18, &r, &why), -1);
	dmarc_record_free(&r);
	free(why);
	why = NULL;

	/* Which TXT records are DMARC records at all (RFC 7489 6.6.3). */
	CHECK(dmarc_is_record("v=DMARC1; p=none", 16));
	CHECK(dmarc_is_record("v=DMARC1", 8));
	CHECK(dmarc_is_record(" v = DMARC1 ;p=none", 19));
	CHECK(!dmarc_is_record("v=dmarc1; p=none", 16));
	CHECK(!dmarc_is_record("v=DMARC10; p=none", 17));
	CHECK(!dmarc_is_record("v=spf1 -all", 11));
	CHECK(!dmarc_is_record("", 0));
	CHECK(dmarc_looks_like("v=dmarc1; p=none", 16));
	CHECK(dmarc_looks_like("V = DMARC; p=none", 17));
	CHECK(!dmarc_looks_like("v=spf1 -all", 11));
	CHECK_STR(dmarc_policy_name(DMARC_P_QUARANTINE), "quarantine");
}

/* The organisational domain of name, compared and freed. */
static void
org_is(const char *name, const char *want)
{
	char	*got = dmarc_org_domain(name);

	if (want == NULL)
		CHECK(got == NULL);
	else
		CHECK_STR(got, want);
	free(got);
}

/* Organisational domains come from the Public Suffix List. */
static void
test_org_domain(void)
{
	char	*s;

	org_is("example.org", "example.org");
	org_is("mail.example.org", "example.org");
	org_is("a.b.c.Example.ORG.", "example.org");
	/* Not label counting: the PSL knows co.uk and private suffixes. */
	org_is("www.example.co.uk", "example.co.uk");
	org_is("mail.example.com.au", "example.com.au");
	org_is("x.foo.blogspot.com", "foo.blogspot.com");
	/* A public suffix is its own organisational domain. */
	org_is("co.uk", "co.uk");
	org_is("org", "org");
	/* The lab's .test names: the PSL's default "*" rule. */
	org_is("mail.lab.test", "lab.test");
	org_is("lab.test", "lab.test");
	org_is("a.b.spf.test", "spf.test");
	/* Not names. */
	org_is("", NULL);
	org_is(".", NULL);
	org_is("a..b", NULL);
	org_is("mail.example.org..", NULL);
	org_is("..", NULL);
	org_is("a b.org", NULL);
	org_is(NULL, NULL);
	s = health_org_domain("smtp.mail.example.net");
	CHECK_STR(s, "example.net");
	free(s);
}

/* Relaxed and strict identifier alignment. */
static void
test_alignment(void)
{
	CHECK(dmarc_aligned("example.org", "example.org", 's'));
	CHECK(dmarc_aligned("EXAMPLE.org.", "example.ORG", 's'));
	CHECK(!dmarc_aligned("bounce.example.org", "example.org", 's'));
	CHECK(dmarc_aligned("bounce.example.org", "example.org", 'r'));
	CHECK(dmarc_aligned("a.example.org", "b.example.org", 'r'));
	CHECK(!dmarc_aligned("a.example.org", "b.example.org", 's'));
	CHECK(!dmarc_aligned("example.net", "example.org", 'r'));
	CHECK(!dmarc_aligned("one.co.uk", "two.co.uk", 'r'));
	CHECK(dmarc_aligned("x.one.co.uk", "one.co.uk", 'r'));
	CHECK(!dmarc_aligned("lab.test", "other.test", 'r'));
	CHECK(dmarc_aligned("mail.lab.test", "lab.test", 'r'));
	CHECK(!dmarc_aligned("", "", 'r'));
	CHECK(!dmarc_aligned(NULL, "example.org", 'r'));
	/* An empty last label is no name, strict or relaxed. */
	CHECK(!dmarc_aligned("example.org..", "example.org..", 's'));
	CHECK(!dmarc_aligned("example.org..", "example.org", 'r'));
}

/* Base64 of len bytes, allocated. */
static char *
b64(const unsigned char *p, size_t len)
{
	char	*s = malloc(len / 3 * 4 + 5);

	EVP_EncodeBlock((unsigned char *)s, p, (int)len);
	return s;
}

/* A key record with a key in DER (spki: SubjectPublicKeyInfo, else the
 * key type's own encoding), allocated. */
static char *
key_record(const char *prefix, EVP_PKEY *pk, int spki)
{
	unsigned char	*der = NULL;
	char		*p64, *s;
	int		 n;

	n = spki ? i2d_PUBKEY(pk, &der) : i2d_PublicKey(pk, &der);
	p64 = b64(der, (size_t)n);
	s = malloc(strlen(prefix) + strlen(p64) + 1);
	strcpy(s, prefix);
	strcat(s, p64);
	OPENSSL_free(der);
	free(p64);
	return s;
}

/* Parse a DKIM key record; *why kept. */
static int
dkim(const char *s, struct dkimrec *r, char **why)
{
	free(*why);
	*why = NULL;
	dkimrec_free(r);
	return dkimrec_parse(s, strlen(s), r, why);
}

/* RSA key records, checked with OpenSSL. */
static void
test_dkim_rsa(void)
{
	struct dkimrec	 r;
	EVP_PKEY	*pk, *small, *ec;
	char		*why = NULL, *s, *folded;
	size_t		 i, j;

	memset(&r, 0, sizeof r);
	pk = EVP_RSA_gen(2048);
	small = EVP_RSA_gen(1024);
	ec = EVP_EC_gen("P-256");
	CHECK(pk != NULL && small != NULL && ec != NULL);

	s = key_record("v=DKIM1; k=rsa; p=", pk, 1);
	CHECK_INT(dkim(s, &r, &why), 0);
	CHECK_INT(r.key, DKIMREC_RSA);
	CHECK_INT(r.bits, 2048);
	CHECK_INT(r.revoked, 0);
	CHECK(r.publen > 256);
	/* The same with folding white space inside p= and no v= or k=. */
	folded = malloc(strlen(s) * 2);
	for (i = j = 0; s[i] != '\0'; i++) {
		folded[j++] = s[i];
		if (i > 20 && i % 50 == 0)
			folded[j++] = ' ';
	}
	folded[j] = '\0';
	CHECK_INT(dkim(folded + strlen("v=DKIM1; k=rsa; "), &r, &why), 0);
	CHECK_INT(r.bits, 2048);
	free(folded);
	/* t= and h=. */
	free(s);
	s = key_record("v=DKIM1; h=sha256:sha1; t=y:s; s=email; n=hi; p=",
	    pk, 1);
	CHECK_INT(dkim(s, &r, &why), 0);
	CHECK_INT(r.testing, 1);
	CHECK_INT(r.strict, 1);
	CHECK_INT(r.sha1_only, 0);
	free(s);
	s = key_record("v=DKIM1; h=sha1; p=", pk, 1);
	CHECK_INT(dkim(s, &r, &why), 0);
	CHECK_INT(r.sha1_only, 1);
	free(s);
	s = key_record("v=DKIM1; s=web; p=", pk, 1);
	CHECK_INT(dkim(s, &r, &why), -1);
	CHECK(says(why, "s="));
	free(s);
	s = key_record("k=rsa; v=DKIM1; p=", pk, 1);
	CHECK_INT(dkim(s, &r, &why), -1);
	CHECK(says(why, "first"));
	free(s);
	/* A bare PKCS#1 RSAPublicKey is named as such. */
	s = key_record("v=DKIM1; k=rsa; p=", pk, 0);
	CHECK_INT(dkim(s, &r, &why), -1);
	CHECK(says(why, "PKCS#1"));
	free(s);
	/* 1024 bits parse; the report warns. */
	s = key_record("v=DKIM1; p=", small, 1);
	CHECK_INT(dkim(s, &r, &why), 0);
	CHECK_INT(r.bits, 1024);
	free(s);
	/* An EC key under k=rsa. */
	s = key_record("v=DKIM1; k=rsa; p=", ec, 1);
	CHECK_INT(dkim(s, &r, &why), -1);
	CHECK(says(why, "not an RSA key"));
	free(s);
	/* Truncated key. */
	s = key_record("v=DKIM1; k=rsa; p=", pk, 1);
	s[strlen(s) - 8] = '\0';
	CHECK_INT(dkim(s, &r, &why), -1);
	free(s);
	dkimrec_free(&r);
	free(why);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(small);
	EVP_PKEY_free(ec);
}

/* Ed25519 keys, revoked keys and broken records. */
static void
test_dkim_other(void)
{
	struct dkimrec	 r;
	EVP_PKEY	*pk;
	unsigned char	 raw[32];
	size_t		 rawlen = sizeof raw;
	char		*why = NULL, *p64, s[256];

	memset(&r, 0, sizeof r);
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	CHECK(pk != NULL && EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) ==
	    1 && rawlen == 32);
	p64 = b64(raw, 32);
	snprintf(s, sizeof s, "v=DKIM1; k=ed25519; p=%s", p64);
	CHECK_INT(dkim(s, &r, &why), 0);
	CHECK_INT(r.key, DKIMREC_ED25519);
	CHECK_INT(r.bits, 256);
	CHECK_INT(r.publen, 32);
	CHECK(memcmp(r.pub, raw, 32) == 0);
	free(p64);
	p64 = b64(raw, 31);
	snprintf(s, sizeof s, "v=DKIM1; k=ed25519; p=%s", p64);
	CHECK_INT(dkim(s, &r, &why), -1);
	CHECK(says(why, "32 bytes"));
	free(p64);
	EVP_PKEY_free(pk);

	CHECK_INT(dkim("v=DKIM1; k=rsa; p=", &r, &why), 0);
	CHECK_INT(r.revoked, 1);
	CHECK_INT(dkim("v=DKIM1; p= ;", &r, &why), 0);
	CHECK_INT(r.revoked, 1);
	CHECK_INT(dkim("v=DKIM1; k=rsa", &r, &why), -1);
	CHECK(says(why, "p="));
	CHECK_INT(dkim("v=DKIM2; p=", &r, &why), -1);
	CHECK_INT(dkim("v=DKIM1; k=dsa; p=", &r, &why), -1);
	CHECK(says(why, "k="));
	CHECK_INT(dkim("v=DKIM1; p=!!!!", &r, &why), -1);
	CHECK(says(why, "base64"));
	CHECK_INT(dkim("v=DKIM1; p=AAAA; p=AAAA", &r, &why), -1);
	CHECK(says(why, "twice"));
	CHECK_INT(dkim("v=DKIM1; 1x=y; p=", &r, &why), -1);
	CHECK_INT(dkim("v=DKIM1; p=\x07", &r, &why), -1);
	CHECK(says(why, "control"));
	CHECK_INT(dkim("v=DKIM1; x-unknown=1; p=", &r, &why), -1);
	CHECK_INT(dkim("v=DKIM1; x_unknown=1; p=", &r, &why), 0);
	dkimrec_free(&r);
	free(why);
}

/* Decode s; the bytes or NULL when it is not base64 (allocated). */
static char *
unb64(const char *s)
{
	unsigned char	*out;
	size_t		 len;
	char		*str;

	if (dkimrec_base64(s, strlen(s), &out, &len) == -1)
		return NULL;
	str = malloc(len + 1);
	memcpy(str, out, len);
	str[len] = '\0';
	free(out);
	return str;
}

/* Decode and compare. */
static void
b64_is(const char *in, const char *want)
{
	char	*got = unb64(in);

	if (want == NULL)
		CHECK(got == NULL);
	else
		CHECK_STR(got, want);
	free(got);
}

/* Strict base64 for p=. */
static void
test_base64(void)
{
	b64_is("", "");
	b64_is("Zg==", "f");
	b64_is("Zm8=", "fo");
	b64_is("Zm9v", "foo");
	b64_is("Zm9vYmFy", "foobar");
	b64_is(" Zm9v\r\n YmFy ", "foobar");
	b64_is("Zg=", NULL);
	b64_is("Zg", NULL);
	b64_is("Zm9", NULL);
	b64_is("Z===", NULL);
	b64_is("Zh==", NULL);
	b64_is("Zg==Zg==", NULL);
	b64_is("Zm9v!", NULL);
}

/* Run every test. */
int
main(void)
{
	test_dmarc_parse();
	test_org_domain();
	test_alignment();
	test_dkim_rsa();
	test_dkim_other();
	test_base64();
	CHECK_STR(health_status_name(HEALTH_WARN), "warn");
	TEST_END();
}
