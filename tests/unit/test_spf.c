/* SPF pieces that need no DNS: macros, domain-specs, record syntax; and
 * dns.c's name helpers. */
#include <stdlib.h>
#include <string.h>

#include "auth/dns.h"
#include "auth/spf.h"
#include "auth/spf_int.h"
#include "test.h"
#include "base/util.h"

static int	p_calls;

/* %{p} for the tests: counts its calls. */
static const char *
fake_p(void *arg, const char *d)
{
	(void)arg;
	(void)d;
	p_calls++;
	return "mx.example.org";
}

/* The values of RFC 7208 section 7.4's examples. */
static void
macros_init(struct spf_macros *m, int v6)
{
	memset(m, 0, sizeof *m);
	m->s = "strong-bad@email.example.com";
	m->l = "strong-bad";
	m->o = "email.example.com";
	m->d = "email.example.com";
	m->h = "mx.example.org";
	m->r = "unknown";
	m->t = "1234567890";
	m->p = fake_p;
	if (v6) {
		m->i = "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		    "0.C.B.0.1";
		m->c = "2001:db8::cb01";
		m->v = "ip6";
	} else {
		m->i = "192.0.2.3";
		m->c = "192.0.2.3";
		m->v = "in-addr";
	}
}

/* Expand s; returns an allocated result or NULL on error. */
static char *
expand(const struct spf_macros *m, const char *s, enum spf_mkind kind)
{
	struct buf	 b;
	char		*why = NULL;

	buf_init(&b);
	if (spf_macro_expand(m, s, strlen(s), kind, &b, &why) == -1) {
		free(why);
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

#define CHECK_EXPAND(m, in, want) do {					\
	char *got_ = expand((m), (in), SPF_MK_DOMAIN);			\
	CHECK_STR(got_, (want));					\
	free(got_);							\
} while (0)

static void
test_macro_expand(void)
{
	struct spf_macros	 m;
	char			*s;

	macros_init(&m, 0);
	/* RFC 7208 7.4 */
	CHECK_EXPAND(&m, "%{s}", "strong-bad@email.example.com");
	CHECK_EXPAND(&m, "%{o}", "email.example.com");
	CHECK_EXPAND(&m, "%{d}", "email.example.com");
	CHECK_EXPAND(&m, "%{d4}", "email.example.com");
	CHECK_EXPAND(&m, "%{d3}", "email.example.com");
	CHECK_EXPAND(&m, "%{d2}", "example.com");
	CHECK_EXPAND(&m, "%{d1}", "com");
	CHECK_EXPAND(&m, "%{dr}", "com.example.email");
	CHECK_EXPAND(&m, "%{d2r}", "example.email");
	CHECK_EXPAND(&m, "%{l}", "strong-bad");
	CHECK_EXPAND(&m, "%{l-}", "strong.bad");
	CHECK_EXPAND(&m, "%{lr}", "strong-bad");
	CHECK_EXPAND(&m, "%{lr-}", "bad.strong");
	CHECK_EXPAND(&m, "%{l1r-}", "strong");
	CHECK_EXPAND(&m, "%{ir}.%{v}._spf.%{d2}",
	    "3.2.0.192.in-addr._spf.example.com");
	CHECK_EXPAND(&m, "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com");
	CHECK_EXPAND(&m, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
	    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
	CHECK_EXPAND(&m, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	    "3.2.0.192.in-addr.strong.lp._spf.example.com");
	CHECK_EXPAND(&m, "%{d2}.trusted-domains.example.net",
	    "example.com.trusted-domains.example.net");
	/* escapes, upper case, delimiters, big digit counts */
	CHECK_EXPAND(&m, "a%%b%_c%-d", "a%b c%20d");
	CHECK_EXPAND(&m, "%{L}", "strong-bad");
	CHECK_EXPAND(&m, "%{S}", "strong-bad%40email.example.com");
	CHECK_EXPAND(&m, "%{d999}", "email.example.com");
	CHECK_EXPAND(&m, "%{dR}", "com.example.email");
	CHECK(expand(&m, "%{s@}", SPF_MK_DOMAIN) == NULL); /* no delimiter */
	CHECK_EXPAND(&m, "%{l=-+}", "strong.bad");
	p_calls = 0;
	CHECK_EXPAND(&m, "%{p2}.x.example", "example.org.x.example");
	CHECK_INT(p_calls, 1);
	/* c, r, t only in explanations */
	CHECK(expand(&m, "%{c}", SPF_MK_DOMAIN) == NULL);
	s = expand(&m, "%{c} %{r} at %{t}", SPF_MK_EXP);
	CHECK_STR(s, "192.0.2.3 unknown at 1234567890");
	free(s);
	CHECK(spf_macro_check("a b", 3, SPF_MK_DOMAIN, NULL) == -1);
	CHECK(spf_macro_check("a b", 3, SPF_MK_EXP, NULL) == 0);
	CHECK(spf_macro_check("a\tb", 3, SPF_MK_EXP, NULL) == -1);
	CHECK(expand(&m, "%{d0}", SPF_MK_DOMAIN) == NULL);
	CHECK(expand(&m, "%{x}", SPF_MK_EXP) == NULL);
	CHECK(expand(&m, "%{d", SPF_MK_DOMAIN) == NULL);
	CHECK(expand(&m, "%", SPF_MK_DOMAIN) == NULL);
	CHECK(expand(&m, "%(d)", SPF_MK_DOMAIN) == NULL);
	CHECK(expand(&m, "%{d2r-x}", SPF_MK_DOMAIN) == NULL);

	macros_init(&m, 1);
	CHECK_EXPAND(&m, "%{ir}.%{v}._spf.%{d2}", "1.0.B.C.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
	s = expand(&m, "%{c}", SPF_MK_EXP);
	CHECK_STR(s, "2001:db8::cb01");
	free(s);
}

static void
test_expand_limits(void)
{
	struct spf_macros	 m;
	struct buf		 b, in;
	char			*why = NULL;
	int			 i;

	macros_init(&m, 0);
	buf_init(&in);
	for (i = 0; i < 400; i++)
		buf_adds(&in, "%{s}");
	buf_init(&b);
	CHECK(spf_macro_expand(&m, in.data, in.len, SPF_MK_DOMAIN, &b,
	    &why) == -1);
	CHECK(why != NULL);
	free(why);
	buf_free(&b);
	buf_free(&in);

	/* 7.3: labels are cut from the left to fit 253 bytes */
	buf_init(&b);
	for (i = 0; i < 30; i++)
		buf_adds(&b, "abcdefghi.");
	spf_domain_fit(&b);
	CHECK(b.len <= 253);
	CHECK(b.data[b.len - 1] != '.');
	CHECK(strncmp(b.data, "abcdefghi.", 10) == 0);
	CHECK_INT(b.len, 249);
	buf_free(&b);
}

static void
test_domain_spec(void)
{
	static const char *const good[] = {
		"example.com", "example.com.", "%{d}", "foo.%{d2}",
		"_spf.%{d}.example.net", "foo:bar/baz.example.com",
		"foo.example.xn--zckzah", "a.1-2", "x%-", "%{d}.com",
		".com",
	};
	static const char *const bad[] = {
		"", "museum", "museum.", "foo-bar", "abc.123", "example.-com",
		"example.com:8080", "ip5.example.com/24", "111.222.33.44",
		"%{d}.", "foo.com%", "%{r}.example.com", "foo%(d).example.com",
		"a b.com", "x.com-", "x.co_m",
	};
	size_t	 i;
	char	*why;

	for (i = 0; i < nitems(good); i++) {
		why = NULL;
		CHECK(spf_domain_spec_check(good[i], strlen(good[i]),
		    &why) == 0);
		if (why != NULL)
			fprintf(stderr, "  good[%zu] %s: %s\n", i, good[i], why);
		free(why);
	}
	for (i = 0; i < nitems(bad); i++) {
		why = NULL;
		CHECK(spf_domain_spec_check(bad[i], strlen(bad[i]), &why) ==
		    -1);
		CHECK(why != NULL);
		free(why);
	}
	CHECK(spf_toplabel_ok("com", 3));
	CHECK(spf_toplabel_ok("xn--zckzah", 10));
	CHECK(!spf_toplabel_ok("123", 3));
	CHECK(!spf_toplabel_ok("-com", 4));
	CHECK(!spf_toplabel_ok("", 0));
}

/* Parse rec; returns 0 or -1. */
static int
parse(const char *rec, struct spf_record *r)
{
	char	*why = NULL;
	int	 rc;

	rc = spf_record_parse(rec, strlen(rec), r, &why);
	free(why);
	return rc;
}

static void
test_record_parse(void)
{
	static const char *const bad[] = {
		"v=spf1 ip4:1.2.3.4 -all moo", "v=spf1 moo.cow/far_out=man",
		"v=spf1 -all.", "v=spf1 -all:foo", "v=spf1 -all/8",
		"v=spf1 ptr/0", "v=spf1 ptr:", "v=spf1 a/33", "v=spf1 a//129",
		"v=spf1 a/24/64", "v=spf1 ip4:1.2.3.4/032", "v=spf1 ip4",
		"v=spf1 ip4:1.2.3", "v=spf1 ip4:1.2.3.4:8080",
		"v=spf1 ip4:01.2.3.4", "v=spf1 ip4:1.2.3.4//32",
		"v=spf1 ip6:::1/129", "v=spf1 ip6::CAFE::BABE",
		"v=spf1 ip6:::1//33", "v=spf1 include", "v=spf1 include:",
		"v=spf1 exists", "v=spf1 exists:x.com/24",
		"v=spf1 redirect:x.com", "v=spf1 redirect=a.com redirect=a.com",
		"v=spf1 exp=a.com exp=b.com", "v=spf1 exp=", "v=spf1 =all",
		"v=spf1 1up=foo", "v=spf1 foo=%abc", "v=spf1 a:foo.com\r",
		"v=spf1 a:x.com\x80", "v=spf1 -", "v=spf1 +-all",
		"v=spf1 -redirect=x.com",
		/* long digit runs: bad, and no overflow on the way */
		"v=spf1 ip4:9000000000", "v=spf1 ip4:1.2.3.99999999999999",
		"v=spf1 ip4:1.2.3.4/99999999999", "v=spf1 a/99999999999",
		"v=spf1 ip6:::99999999999999", "v=spf1 a//99999999999",
	};
	struct spf_record	r;
	size_t			i;

	for (i = 0; i < nitems(bad); i++) {
		CHECK(parse(bad[i], &r) == -1);
		spf_record_free(&r);
	}

	CHECK(parse("v=spf1  a/24//64 mx:%{d}.example.com//96 "
	    "Ip4:192.0.2.0/24 IP6:2001:db8::/32 ?PTR ~exists:%{i}.x.com "
	    "include:_spf.example.net REDIRECT=x.example.org "
	    "exp=why.%{d} moo.cow-far_out=man:dog/cat default=+ -ALL ", &r)
	    == 0);
	CHECK_INT(r.n, 8);
	CHECK(r.terms[0].mech == SPF_M_A && r.terms[0].spec == NULL);
	CHECK_INT(r.terms[0].cidr4, 24);
	CHECK_INT(r.terms[0].cidr6, 64);
	CHECK(r.terms[1].mech == SPF_M_MX);
	CHECK_INT(r.terms[1].cidr4, 32);
	CHECK_INT(r.terms[1].cidr6, 96);
	CHECK(r.terms[1].speclen == 16 &&
	    strncmp(r.terms[1].spec, "%{d}.example.com", 16) == 0);
	CHECK(r.terms[2].mech == SPF_M_IP4 && r.terms[2].cidr4 == 24);
	CHECK(memcmp(r.terms[2].net, "\xc0\x00\x02\x00", 4) == 0);
	CHECK(r.terms[3].mech == SPF_M_IP6 && r.terms[3].cidr6 == 32);
	CHECK(r.terms[4].mech == SPF_M_PTR && r.terms[4].qual == '?');
	CHECK(r.terms[5].mech == SPF_M_EXISTS && r.terms[5].qual == '~');
	CHECK(r.terms[6].mech == SPF_M_INCLUDE);
	CHECK_STR(r.terms[6].text, "include:_spf.example.net");
	CHECK(r.terms[7].mech == SPF_M_ALL && r.terms[7].qual == '-');
	CHECK_STR(r.redirect, "x.example.org");
	CHECK_STR(r.redirect_term, "REDIRECT=x.example.org");
	CHECK_STR(r.exp, "why.%{d}");
	CHECK(r.all == '-');
	spf_record_free(&r);

	CHECK(parse("v=spf1", &r) == 0 && r.n == 0 && r.all == 0);
	spf_record_free(&r);
	CHECK(parse("v=spf1 a:foo:bar/baz.example.com ip6:::1.1.1.1/0", &r)
	    == 0);
	CHECK(r.n == 2 && r.terms[0].speclen == 23);
	spf_record_free(&r);
}

static void
test_misc(void)
{
	char	*s, label[65];

	CHECK_STR(spf_result_name(SPF_PASS), "pass");
	CHECK_STR(spf_result_name(SPF_PERMERROR), "permerror");
	s = dns_reverse_name("192.0.2.3");
	CHECK_STR(s, "3.2.0.192.in-addr.arpa");
	free(s);
	s = dns_reverse_name("2001:db8::cb01");
	CHECK_STR(s, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0."
	    "1.0.0.2.ip6.arpa");
	free(s);
	CHECK(dns_reverse_name("example.com") == NULL);
	CHECK(dns_name_valid("example.com"));
	CHECK(dns_name_valid("example.com."));
	CHECK(dns_name_valid("a\\.b.example"));
	CHECK(dns_name_valid("sp ace.example"));
	CHECK(!dns_name_valid(""));
	CHECK(!dns_name_valid("."));
	CHECK(!dns_name_valid("a..b"));
	CHECK(!dns_name_valid(".a"));
	CHECK(!dns_name_valid("a\\"));
	CHECK(!dns_name_valid("a\\256b"));
	memset(label, 'x', sizeof label);
	label[63] = '\0';
	s = xprintf("%s.example", label);
	CHECK(dns_name_valid(s));
	free(s);
	label[63] = 'x';
	label[64] = '\0';
	s = xprintf("%s.example", label);
	CHECK(!dns_name_valid(s));
	free(s);
	/* 255 bytes on the wire at most: 4 labels of 63 = 256 */
	label[63] = '\0';
	s = xprintf("%s.%s.%s.%s", label, label, label, label);
	CHECK(!dns_name_valid(s));
	s[strlen(s) - 2] = '\0';	/* 253 bytes of text, 255 on the wire */
	CHECK(dns_name_valid(s));
	free(s);
}

int
main(void)
{
	test_macro_expand();
	test_expand_limits();
	test_domain_spec();
	test_record_parse();
	test_misc();
	TEST_END();
}
