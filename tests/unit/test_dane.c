/*
 * DANE without a network: which TLSA records are usable (RFC 7672 3.1),
 * how trust anchor files load, and that a validating lookup whose server
 * does not answer is a failure, never "insecure"; and the DNSSEC checks
 * that need no signature: whose RRSIG may sign a name, what NSEC records
 * prove, when NSEC3 records show an unsigned delegation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send/route.h"
#include "auth/dns.h"
#include "auth/dns_int.h"
#include "auth/dnssec.h"
#include "test.h"
#include "base/util.h"

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

/* A record from text (fatal if it does not parse). */
static ldns_rr *
rr_of(const char *s)
{
	ldns_rr	*rr = NULL;

	if (ldns_rr_new_frm_str(&rr, s, 60, NULL, NULL) != LDNS_STATUS_OK)
		fatal("test: bad record %s", s);
	return rr;
}

static ldns_rdf *
dname_of(const char *s)
{
	ldns_rdf	*d = ldns_dname_new_frm_str(s);

	if (d == NULL)
		fatal("test: bad name %s", s);
	return d;
}

/* Does an RRSIG over owner with signer and labels fit? */
static int
sig_fits(const char *owner, const char *signer, int labels)
{
	ldns_rr		*rr;
	ldns_rdf	*o = dname_of(owner);
	char		*s;
	int		 r;

	s = xprintf("%s 60 IN RRSIG TLSA 13 %d 60 20300101000000 "
	    "20200101000000 1234 %s AAAA", owner, labels, signer);
	rr = rr_of(s);
	r = dnssec_sig_fits(rr, o);
	ldns_rr_free(rr);
	ldns_rdf_deep_free(o);
	free(s);
	return r;
}

static void
test_sig_signer(void)
{
	CHECK(sig_fits("_25._tcp.mx.a.test.", "a.test.", 5));
	CHECK(sig_fits("_25._tcp.mx.a.test.", "mx.a.test.", 5));
	CHECK(sig_fits("_25._tcp.mx.a.test.", "_25._tcp.mx.a.test.", 5));
	CHECK(sig_fits("_25._tcp.mx.a.test.", ".", 5));
	/* Another zone under the same anchor may not sign for a.test. */
	CHECK(!sig_fits("_25._tcp.mx.a.test.", "evil.a.test.", 5));
	CHECK(!sig_fits("_25._tcp.mx.a.test.", "b.test.", 5));
	CHECK(!sig_fits("mx.a.test.", "x.mx.a.test.", 3));
	/* Labels: fewer is a wildcard expansion, more is wrong. */
	CHECK(sig_fits("_25._tcp.mx.a.test.", "a.test.", 4));
	CHECK(!sig_fits("_25._tcp.mx.a.test.", "a.test.", 6));
	CHECK(sig_fits("*.a.test.", "a.test.", 2));
	CHECK(!sig_fits("*.a.test.", "a.test.", 3));
}

/* What a list of NSEC records (";"-separated) proves for qname. */
static const char *
nsec_proof(const char *recs, const char *qname, ldns_rr_type t, int nx)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rdf	*q = dname_of(qname);
	char		*copy = xstrdup(recs), *p, *save = NULL;
	const char	*why;

	for (p = strtok_r(copy, ";", &save); p != NULL;
	    p = strtok_r(NULL, ";", &save))
		ldns_rr_list_push_rr(l, rr_of(p));
	why = dnssec_nsec_proof(l, q, t, nx);
	ldns_rr_list_deep_free(l);
	ldns_rdf_deep_free(q);
	free(copy);
	return why;
}

#define APEX	"a.test. IN NSEC b.a.test. NS SOA RRSIG NSEC DNSKEY;"
#define B	"b.a.test. IN NSEC d.a.test. A RRSIG NSEC;"
#define CUT	"sub.a.test. IN NSEC z.a.test. NS DS RRSIG NSEC;"

static void
test_nsec_proof(void)
{
	/* NXDOMAIN: covered, and no wildcard. */
	CHECK(nsec_proof(APEX B, "c.a.test.", LDNS_RR_TYPE_TLSA, 1) == NULL);
	CHECK(nsec_proof(B, "c.a.test.", LDNS_RR_TYPE_TLSA, 1) != NULL);
	CHECK(nsec_proof(APEX, "c.a.test.", LDNS_RR_TYPE_TLSA, 1) != NULL);
	/* An NSEC of the name itself: it exists, no NXDOMAIN. */
	CHECK(nsec_proof(APEX B, "b.a.test.", LDNS_RR_TYPE_TLSA, 1) != NULL);
	/* NODATA: the name's own NSEC without the type (or CNAME). */
	CHECK(nsec_proof(B, "b.a.test.", LDNS_RR_TYPE_TLSA, 0) == NULL);
	CHECK(nsec_proof(B, "b.a.test.", LDNS_RR_TYPE_A, 0) != NULL);
	CHECK(nsec_proof("b.a.test. IN NSEC d.a.test. CNAME RRSIG NSEC",
	    "b.a.test.", LDNS_RR_TYPE_TLSA, 0) != NULL);
	/* A covering NSEC is no NODATA proof but for a wildcard's. */
	CHECK(nsec_proof(APEX B, "c.a.test.", LDNS_RR_TYPE_TLSA, 0) != NULL);
	CHECK(nsec_proof(B "*.a.test. IN NSEC b.a.test. A RRSIG NSEC",
	    "c.a.test.", LDNS_RR_TYPE_TLSA, 0) == NULL);
	CHECK(nsec_proof(B "*.a.test. IN NSEC b.a.test. TLSA RRSIG NSEC",
	    "c.a.test.", LDNS_RR_TYPE_TLSA, 0) != NULL);
	/* An empty non-terminal: NODATA yes, NXDOMAIN no. */
	CHECK(nsec_proof("b.a.test. IN NSEC x.c.a.test. A RRSIG NSEC",
	    "c.a.test.", LDNS_RR_TYPE_TLSA, 0) == NULL);
	CHECK(nsec_proof("b.a.test. IN NSEC x.c.a.test. A RRSIG NSEC",
	    "c.a.test.", LDNS_RR_TYPE_TLSA, 1) != NULL);
	/* The parent's NSEC at a delegation proves nothing at or below the
	 * cut (RFC 6840 4.1), but for the DS there. */
	CHECK(nsec_proof(APEX CUT, "_25._tcp.mx.sub.a.test.",
	    LDNS_RR_TYPE_TLSA, 1) != NULL);
	CHECK(nsec_proof(APEX CUT, "mx.sub.a.test.", LDNS_RR_TYPE_A, 0) !=
	    NULL);
	CHECK(nsec_proof(CUT, "sub.a.test.", LDNS_RR_TYPE_MX, 0) != NULL);
	CHECK(nsec_proof(CUT, "sub.a.test.", LDNS_RR_TYPE_DS, 0) != NULL);
	CHECK(nsec_proof("sub.a.test. IN NSEC z.a.test. NS RRSIG NSEC",
	    "sub.a.test.", LDNS_RR_TYPE_DS, 0) == NULL);
	/* A child's apex NSEC (NS and SOA) is the child's: it does count. */
	CHECK(nsec_proof("sub.a.test. IN NSEC mx.sub.a.test. NS SOA RRSIG "
	    "NSEC DNSKEY", "sub.a.test.", LDNS_RR_TYPE_MX, 0) == NULL);
	/* Names below a DNAME. */
	CHECK(nsec_proof(APEX "b.a.test. IN NSEC d.a.test. DNAME RRSIG NSEC",
	    "x.b.a.test.", LDNS_RR_TYPE_A, 1) != NULL);
	/* The last NSEC (next is the apex) covers only names of the zone. */
	CHECK(nsec_proof(APEX "y.a.test. IN NSEC a.test. A RRSIG NSEC",
	    "z.a.test.", LDNS_RR_TYPE_A, 1) == NULL);
	CHECK(nsec_proof(APEX "y.a.test. IN NSEC a.test. A RRSIG NSEC",
	    "z.other.", LDNS_RR_TYPE_A, 1) != NULL);
}

/* An NSEC3 of zone a.test. (SHA-1, no salt, 1 iteration) at name's hash,
 * or with owner given (a hash) when name is NULL. */
static ldns_rr *
nsec3_at(const char *name, const char *owner, int optout, const char *next,
    const char *types)
{
	ldns_rr		*rr;
	ldns_rdf	*n, *h, *zone;
	char		*s;

	s = xprintf("%s.a.test. IN NSEC3 1 %d 1 - %s %s", owner != NULL ?
	    owner : "00000000000000000000000000000000", optout, next, types);
	rr = rr_of(s);
	free(s);
	if (name != NULL) {
		n = dname_of(name);
		h = ldns_nsec3_hash_name_frm_nsec3(rr, n);
		zone = dname_of("a.test.");
		if (h == NULL || ldns_dname_cat(h, zone) != LDNS_STATUS_OK)
			fatal("test: nsec3 hash");
		ldns_rdf_deep_free(ldns_rr_owner(rr));
		ldns_rr_set_owner(rr, h);
		ldns_rdf_deep_free(zone);
		ldns_rdf_deep_free(n);
	}
	return rr;
}

/* dnssec_nsec3_unsigned over one or two NSEC3 records for child. */
static int
nsec3_cut(ldns_rr *r1, ldns_rr *r2, const char *child)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rdf	*c = dname_of(child);
	int		 cut;

	ldns_rr_list_push_rr(l, r1);
	if (r2 != NULL)
		ldns_rr_list_push_rr(l, r2);
	cut = dnssec_nsec3_unsigned(l, c);
	ldns_rr_list_deep_free(l);
	ldns_rdf_deep_free(c);
	return cut;
}

#define NEXT	"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"

static void
test_nsec3_unsigned(void)
{
	/* The parent's NSEC3 at the cut: NS, no DS: unsigned. */
	CHECK(nsec3_cut(nsec3_at("c.a.test.", NULL, 0, NEXT, "NS"), NULL,
	    "c.a.test."));
	CHECK(!nsec3_cut(nsec3_at("c.a.test.", NULL, 0, NEXT, "NS DS RRSIG"),
	    NULL, "c.a.test."));
	/* The child's apex NSEC3 (NS and SOA) replayed as the DS denial. */
	CHECK(!nsec3_cut(nsec3_at("c.a.test.", NULL, 0, NEXT,
	    "NS SOA RRSIG DNSKEY NSEC3PARAM"), NULL, "c.a.test."));
	/* Opt-out counts only from a covering NSEC3, not a matching one. */
	CHECK(!nsec3_cut(nsec3_at("c.a.test.", NULL, 1, NEXT,
	    "NS SOA RRSIG DNSKEY NSEC3PARAM"), NULL, "c.a.test."));
	CHECK(nsec3_cut(nsec3_at("a.test.", NULL, 0, NEXT, "NS SOA RRSIG"),
	    nsec3_at(NULL, NULL, 1, NEXT, "A"), "c.a.test."));
	CHECK(!nsec3_cut(nsec3_at("a.test.", NULL, 0, NEXT, "NS SOA RRSIG"),
	    nsec3_at(NULL, NULL, 0, NEXT, "A"), "c.a.test."));
	/* Without the closest encloser's NSEC3, no proof. */
	CHECK(!nsec3_cut(nsec3_at(NULL, NULL, 1, NEXT, "A"), NULL,
	    "c.a.test."));
}

int
main(void)
{
	char	 tmpl[] = "/tmp/herald-dane.XXXXXX", *dir, *cmd;

	if ((dir = mkdtemp(tmpl)) == NULL)
		fatal("mkdtemp");
	test_tlsa_usable();
	test_anchor(dir);
	test_sig_signer();
	test_nsec_proof();
	test_nsec3_unsigned();
	cmd = xprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	TEST_END();
}
