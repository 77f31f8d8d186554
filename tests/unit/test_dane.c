/*
 * DANE without a network: which TLSA records are usable (RFC 7672 3.1),
 * how trust anchor files load, and that a validating lookup whose server
 * does not answer is a failure, never "insecure".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver_int.h"
#include "dns.h"
#include "dnssec.h"
#include "test.h"
#include "util.h"

/* A raw TLSA record: usage, selector, matching type, len bytes of data. */
static void
tlsa_rec(struct dns_record *r, int u, int s, int m, size_t len)
{
	unsigned char	*p;

	memset(r, 0, sizeof *r);
	r->type = DNS_TLSA;
	p = xmalloc(len + 3);
	p[0] = (unsigned char)u;
	p[1] = (unsigned char)s;
	p[2] = (unsigned char)m;
	memset(p + 3, 0xab, len);
	r->u.txt = (char *)p;
	r->len = len + 3;
}

static void
test_tlsa_usable(void)
{
	struct dns_record	 rr[10];
	struct tls_tlsa		*t;
	size_t			 n, i;

	tlsa_rec(&rr[0], 3, 1, 1, 32);		/* usable: DANE-EE SPKI */
	tlsa_rec(&rr[1], 1, 1, 1, 32);		/* PKIX-EE: not for SMTP */
	tlsa_rec(&rr[2], 0, 0, 1, 32);		/* PKIX-TA: not for SMTP */
	tlsa_rec(&rr[3], 2, 0, 2, 64);		/* usable: DANE-TA SHA-512 */
	tlsa_rec(&rr[4], 3, 2, 1, 32);		/* selector 2: unknown */
	tlsa_rec(&rr[5], 3, 1, 3, 32);		/* matching type 3: unknown */
	tlsa_rec(&rr[6], 3, 1, 1, 31);		/* SHA-256 of 31 bytes */
	tlsa_rec(&rr[7], 3, 0, 0, 300);		/* usable: a whole cert */
	tlsa_rec(&rr[8], 3, 1, 2, 32);		/* SHA-512 of 32 bytes */
	tlsa_rec(&rr[9], 3, 1, 0, 0);		/* no data */
	rr[9].len = 3;
	t = route_tlsa_usable(rr, 10, &n);
	CHECK_INT(n, 3);
	CHECK(t != NULL);
	if (t != NULL && n == 3) {
		CHECK_INT(t[0].usage, 3);
		CHECK_INT(t[0].selector, 1);
		CHECK_INT(t[0].mtype, 1);
		CHECK_INT(t[0].len, 32);
		CHECK_INT(t[0].data[31], 0xab);
		CHECK_INT(t[1].usage, 2);
		CHECK_INT(t[1].mtype, 2);
		CHECK_INT(t[1].len, 64);
		CHECK_INT(t[2].mtype, 0);
		CHECK_INT(t[2].len, 300);
	}
	route_tlsa_free(t, n);
	/* Nothing usable: NULL, 0. */
	t = route_tlsa_usable(&rr[1], 2, &n);
	CHECK(t == NULL);
	CHECK_INT(n, 0);
	for (i = 0; i < 10; i++)
		free(rr[i].u.txt);
}

/* Write text to path. */
static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL)
		fatal("%s: cannot write", path);
	fputs(text, fp);
	fclose(fp);
}

static void
test_anchor(const char *dir)
{
	struct dns_options	 o;
	struct dns		*d;
	char			*cause = NULL, *path;

	memset(&o, 0, sizeof o);
	o.resolver = "127.0.0.1:9";
	o.timeout_ms = 200;
	o.retries = 1;

	/* No anchor: the resolver does not validate. */
	d = dns_open(&o, &cause);
	CHECK(d != NULL);
	if (d != NULL)
		CHECK_INT(dnssec_enabled(d), 0);
	dns_close(d);

	/* root.key's format: comments, a DNSKEY. */
	path = xprintf("%s/root.key", dir);
	write_file(path, "; a trust anchor\n"
	    ".\t172800\tIN\tDNSKEY\t257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBA"
	    "vkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+"
	    "B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjy"
	    "BxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZ"
	    "G+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+c"
	    "n8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=\n");
	o.dnssec_anchor = path;
	d = dns_open(&o, &cause);
	CHECK(d != NULL);
	if (d != NULL)
		CHECK_INT(dnssec_enabled(d), 1);

	/* A server that does not answer: FAILED, not INSECURE. */
	if (d != NULL) {
		struct dns_answer	 a;
		char			*why = NULL;

		CHECK_INT(dnssec_query(d, "_25._tcp.mx.example", DNS_TLSA, &a,
		    &why), DNSSEC_FAILED);
		CHECK(why != NULL && *why != '\0');
		free(why);
		dns_answer_free(&a);
	}
	dns_close(d);
	free(path);

	/* A DS record. */
	path = xprintf("%s/zone.ds", dir);
	write_file(path, "$ORIGIN example.\n@ 3600 IN DS 60485 13 2 "
	    "d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a"
	    "\n");
	o.dnssec_anchor = path;
	d = dns_open(&o, &cause);
	CHECK(d != NULL);
	if (d != NULL)
		CHECK_INT(dnssec_enabled(d), 1);
	dns_close(d);
	free(path);

	/* No key in it. */
	path = xprintf("%s/none.key", dir);
	write_file(path, "example. 60 IN A 192.0.2.1\n");
	o.dnssec_anchor = path;
	free(cause);
	cause = NULL;
	CHECK(dns_open(&o, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "no DNSKEY or DS record") != NULL);
	free(path);

	/* A record that does not parse: the line is named. */
	path = xprintf("%s/bad.key", dir);
	write_file(path, "; fine\nexample. 60 IN DS not a ds record\n");
	o.dnssec_anchor = path;
	free(cause);
	cause = NULL;
	CHECK(dns_open(&o, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "bad.key line ") != NULL);
	free(path);

	/* A file that is not there. */
	o.dnssec_anchor = "/nonexistent/root.key";
	free(cause);
	cause = NULL;
	CHECK(dns_open(&o, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "/nonexistent/root.key") != NULL);
	free(cause);

	CHECK_STR(dnssec_state_name(DNSSEC_BOGUS), "bogus");
	CHECK_STR(dnssec_state_name(DNSSEC_INSECURE), "insecure");
}

int
main(void)
{
	char	 tmpl[] = "/tmp/herald-dane.XXXXXX", *dir, *cmd;

	if ((dir = mkdtemp(tmpl)) == NULL)
		fatal("mkdtemp");
	test_tlsa_usable();
	test_anchor(dir);
	cmd = xprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	TEST_END();
}
