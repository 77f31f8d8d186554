/* addr: RFC 5321 mailbox validation, normalisation, IDN, display names. */
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "test.h"

/* Normalise s[0..len) (which may hold a NUL); the normalised form, or
 * "ERR: reason". */
static const char *
norm_len(const char *s, size_t len)
{
	static char	 out[ADDR_MAX + 1 + 512];
	char		 a[ADDR_MAX + 1];
	const char	*why = NULL;

	if (addr_normalise(s, len, a, &why) == 0) {
		if (why != NULL)
			return ("ERR: reason set on success");
		snprintf(out, sizeof out, "%s", a);
	} else
		snprintf(out, sizeof out, "ERR: %s", why ? why : "(null)");
	return (out);
}

/* Normalise the string s. */
static const char *
norm(const char *s)
{
	return (norm_len(s, strlen(s)));
}

/* Parse a mailbox; "name|addr" or "ERR: reason". */
static const char *
mbox(const char *s)
{
	static char	 out[ADDR_NAME_MAX + ADDR_MAX + 512];
	char		 n[ADDR_NAME_MAX + 1], a[ADDR_MAX + 1];
	const char	*why = NULL;

	if (addr_parse_mailbox(s, strlen(s), n, a, &why) == 0)
		snprintf(out, sizeof out, "%s|%s", n, a);
	else
		snprintf(out, sizeof out, "ERR: %s", why ? why : "(null)");
	return (out);
}

/* A string of n copies of c, with prefix and suffix. */
static char *
rep(const char *prefix, int c, size_t n, const char *suffix)
{
	size_t	 lp = strlen(prefix), ls = strlen(suffix);
	char	*s = malloc(lp + n + ls + 1);

	memcpy(s, prefix, lp);
	memset(s + lp, c, n);
	memcpy(s + lp + n, suffix, ls + 1);
	return (s);
}

/* Addresses that are valid, and what they normalise to. */
static void
test_valid(void)
{
	CHECK_STR(norm("a@example.org"), "a@example.org");
	CHECK_STR(norm("Jane.Doe@Example.ORG"), "Jane.Doe@example.org");
	CHECK_STR(norm("  a@b.org\t "), "a@b.org");
	CHECK_STR(norm("x+tag@sub.example.co.uk"), "x+tag@sub.example.co.uk");
	CHECK_STR(norm("!#$%&'*+-/=?^_`{|}~@example.org"),
	    "!#$%&'*+-/=?^_`{|}~@example.org");
	CHECK_STR(norm("first.middle.last@example.org"),
	    "first.middle.last@example.org");
	CHECK_STR(norm("UPPER@EXAMPLE.ORG"), "UPPER@example.org");
	CHECK_STR(norm("a@b-c.example"), "a@b-c.example");
	CHECK_STR(norm("a@1a.example"), "a@1a.example");
	CHECK_STR(norm("a@x.io"), "a@x.io");
	CHECK_STR(norm("a@a.b.c.d.e.f.example"), "a@a.b.c.d.e.f.example");
	CHECK_STR(norm("a@xn--bcher-kva.example"), "a@xn--bcher-kva.example");
	CHECK_STR(norm("a@123.example"), "a@123.example");

	/* Quoted local parts, kept as written. */
	CHECK_STR(norm("\"john doe\"@Example.org"), "\"john doe\"@example.org");
	CHECK_STR(norm("\"a@b\"@example.org"), "\"a@b\"@example.org");
	CHECK_STR(norm("\"a\\\"b\"@example.org"), "\"a\\\"b\"@example.org");
	CHECK_STR(norm("\"a,b\"@example.org"), "\"a,b\"@example.org");
	CHECK_STR(norm("\"\"@example.org"), "\"\"@example.org");

	/* Address literals. */
	CHECK_STR(norm("a@[192.0.2.1]"), "a@[192.0.2.1]");
	CHECK_STR(norm("a@[IPv6:2001:DB8::1]"), "a@[IPv6:2001:db8::1]");
	CHECK_STR(norm("a@[ipv6:::1]"), "a@[IPv6:::1]");
	CHECK_STR(norm("a@[IPv6:::ffff:192.0.2.1]"),
	    "a@[IPv6:::ffff:192.0.2.1]");

	/* International domains become A-labels. */
	CHECK_STR(norm("a@bücher.example"), "a@xn--bcher-kva.example");
	CHECK_STR(norm("a@BÜCHER.Example"), "a@xn--bcher-kva.example");
	CHECK_STR(norm("info@münchen.de"), "info@xn--mnchen-3ya.de");
	CHECK_STR(norm("x@例え.テスト"), "x@xn--r8jz45g.xn--zckzah");
	/* Non-transitional: ß is kept (not mapped to "ss"). */
	CHECK_STR(norm("a@faß.de"), "a@xn--fa-hia.de");
}

/* Addresses that are refused, with their reasons. */
static void
test_invalid(void)
{
	CHECK_STR(norm(""), "ERR: empty address");
	CHECK_STR(norm("   "), "ERR: empty address");
	CHECK_STR(norm("plainaddress"), "ERR: missing @");
	CHECK_STR(norm("@example.org"), "ERR: empty local part");
	CHECK_STR(norm("a@"), "ERR: missing domain");
	CHECK_STR(norm("a@b@c.org"), "ERR: more than one @");
	CHECK_STR(norm("a,b@example.org"),
	    "ERR: invalid character ',' in local part");
	CHECK_STR(norm("a b@example.org"),
	    "ERR: invalid character ' ' in local part");
	CHECK_STR(norm("a(b)@example.org"),
	    "ERR: invalid character '(' in local part");
	CHECK_STR(norm("a;b@example.org"),
	    "ERR: invalid character ';' in local part");
	CHECK_STR(norm("a\\b@example.org"),
	    "ERR: invalid character '\\' in local part");
	CHECK_STR(norm("a\tb@example.org"),
	    "ERR: control character in local part");
	CHECK_STR(norm(".a@example.org"), "ERR: local part starts with a dot");
	CHECK_STR(norm("a.@example.org"), "ERR: local part ends with a dot");
	CHECK_STR(norm("a..b@example.org"),
	    "ERR: consecutive dots in local part");
	CHECK_STR(norm("jörg@example.org"),
	    "ERR: non-ASCII local part (SMTPUTF8) is not supported");
	CHECK_STR(norm("\"jörg\"@example.org"),
	    "ERR: non-ASCII local part (SMTPUTF8) is not supported");
	CHECK_STR(norm("\"abc@example.org"),
	    "ERR: unterminated quoted local part");
	CHECK_STR(norm("\"a\"b@example.org"),
	    "ERR: text after quoted local part");
	CHECK_STR(norm("\"a\"@"), "ERR: missing domain");
	CHECK_STR(norm("\"a\""), "ERR: missing @");
	CHECK_STR(norm("\"a\rb\"@example.org"),
	    "ERR: control character in quoted local part");

	CHECK_STR(norm("a@example"), "ERR: domain has no dot");
	CHECK_STR(norm("a@localhost"), "ERR: domain has no dot");
	CHECK_STR(norm("a@.example.org"), "ERR: domain starts with a dot");
	CHECK_STR(norm("a@example.org."), "ERR: domain ends with a dot");
	CHECK_STR(norm("a@example..org"), "ERR: consecutive dots in domain");
	CHECK_STR(norm("a@-example.org"),
	    "ERR: domain label starts with a hyphen");
	CHECK_STR(norm("a@example-.org"),
	    "ERR: domain label ends with a hyphen");
	CHECK_STR(norm("a@example.org-"),
	    "ERR: domain label ends with a hyphen");
	CHECK_STR(norm("a@exa_mple.org"),
	    "ERR: invalid character '_' in domain");
	CHECK_STR(norm("a@exam ple.org"),
	    "ERR: invalid character ' ' in domain");
	CHECK_STR(norm("a@example.org,b@example.org"),
	    "ERR: invalid character ',' in domain");
	CHECK_STR(norm("a@example.org>"),
	    "ERR: invalid character '>' in domain");
	CHECK_STR(norm("a@1.2.3.4"),
	    "ERR: top-level domain is numeric (write an IP as [1.2.3.4])");
	CHECK_STR(norm("a@[1.2.3]"), "ERR: invalid IPv4 address literal");
	CHECK_STR(norm("a@[256.1.1.1]"), "ERR: invalid IPv4 address literal");
	CHECK_STR(norm("a@[1.2.3.4.5]"), "ERR: invalid IPv4 address literal");
	CHECK_STR(norm("a@[IPv6:zz::1]"), "ERR: invalid IPv6 address literal");
	CHECK_STR(norm("a@[1.2.3.4"), "ERR: unterminated address literal");
	CHECK_STR(norm("a@[x-tag:foo]"), "ERR: unsupported address literal");
	CHECK_STR(norm("a@ex\xffmple.org"), "ERR: invalid UTF-8 in domain");
	CHECK(strncmp(norm("a@\xe2\x80\x8b.org"), "ERR: ", 5) == 0);
}

/* The whole literal, a NUL inside it included. */
#define NORM_LEN(lit)	norm_len((lit), sizeof (lit) - 1)

/* A NUL inside the given length is refused, not taken as the end. */
static void
test_nul(void)
{
	CHECK_STR(NORM_LEN("d@s.d\0\xff"),
	    "ERR: control character in domain");
	CHECK_STR(NORM_LEN("d@s\xc3\xa9.d\0x"),
	    "ERR: control character in domain");
	CHECK_STR(NORM_LEN("x@[IPv6:::\0]"),
	    "ERR: control character in domain");
	CHECK_STR(NORM_LEN("x@[1.2.3.4\0]"),
	    "ERR: control character in domain");
	CHECK_STR(NORM_LEN("x\0y@s.de"),
	    "ERR: control character in local part");
	CHECK_STR(NORM_LEN("x@s.de\0"), "ERR: control character in domain");
	CHECK_STR(NORM_LEN("x@[IPv6:::1]"), "x@[IPv6:::1]");
}

/* The length limits, on both sides of each. */
static void
test_limits(void)
{
	char	*s, *want, label63[64], buf[400];

	s = rep("", 'a', 64, "@example.org");
	CHECK_STR(norm(s), s);
	free(s);
	s = rep("", 'a', 65, "@example.org");
	CHECK_STR(norm(s), "ERR: local part longer than 64 characters");
	free(s);
	s = rep("\"", 'a', 62, "\"@example.org");
	CHECK_STR(norm(s), s);
	free(s);
	s = rep("\"", 'a', 63, "\"@example.org");
	CHECK_STR(norm(s), "ERR: local part longer than 64 characters");
	free(s);

	s = rep("a@", 'b', 63, ".example");
	CHECK_STR(norm(s), s);
	free(s);
	s = rep("a@", 'b', 64, ".example");
	CHECK_STR(norm(s), "ERR: domain label longer than 63 characters");
	free(s);
	s = rep("a@x.", 'b', 64, "");
	CHECK_STR(norm(s), "ERR: domain label longer than 63 characters");
	free(s);

	/* 254 in all: 64 + 1 + 189 (three labels of 63) is 254... */
	memset(label63, 'c', 63);
	label63[63] = '\0';
	s = rep("", 'a', 64, "");
	snprintf(buf, sizeof buf, "%s@%s.%s.%.61s", s, label63, label63,
	    label63);
	CHECK_INT(strlen(buf), 254);
	CHECK_STR(norm(buf), buf);
	/* ...and one more is 255. */
	snprintf(buf, sizeof buf, "%s@%s.%s.%.62s", s, label63, label63,
	    label63);
	CHECK_INT(strlen(buf), 255);
	CHECK_STR(norm(buf), "ERR: address longer than 254 characters");
	free(s);

	/* A domain of 256 (over 255) is named as such. */
	snprintf(buf, sizeof buf, "a@%s.%s.%s.%.63s", label63, label63,
	    label63, label63);
	CHECK_INT(strlen(buf) - 2, 255);
	CHECK_STR(norm(buf), "ERR: address longer than 254 characters");
	snprintf(buf, sizeof buf, "a@%s.%s.%s.%s", label63, label63, label63,
	    label63);
	CHECK_INT(strlen(buf) - 2, 255);
	snprintf(buf, sizeof buf, "a@%s.%s.%s.%sd", label63, label63,
	    label63, label63);
	CHECK_STR(norm(buf), "ERR: domain longer than 255 characters");

	/* An upper-case domain at the limit is still accepted, lowered. */
	s = rep("a@", 'B', 63, ".EXAMPLE");
	want = rep("a@", 'b', 63, ".example");
	CHECK_STR(norm(s), want);
	free(s);
	free(want);

	/* Absurd input is refused without overflowing anything. */
	s = rep("a@", 'b', 5000, ".org");
	CHECK(strncmp(norm(s), "ERR: ", 5) == 0);
	free(s);
}

/* Mailboxes as people write them. */
static void
test_mailbox(void)
{
	char	*s, *name;

	CHECK_STR(mbox("a@b.org"), "|a@b.org");
	CHECK_STR(mbox("Jane Doe <Jane@Example.ORG>"),
	    "Jane Doe|Jane@example.org");
	CHECK_STR(mbox("\"Doe, Jane\" <j@x.org>"), "Doe, Jane|j@x.org");
	CHECK_STR(mbox("<a@b.org>"), "|a@b.org");
	CHECK_STR(mbox("  Jane   Doe   <a@b.org>  "), "Jane Doe|a@b.org");
	CHECK_STR(mbox("Jane Doe<a@b.org>"), "Jane Doe|a@b.org");
	CHECK_STR(mbox("\"Jane \\\"JD\\\" Doe\" <a@b.org>"),
	    "Jane \"JD\" Doe|a@b.org");
	CHECK_STR(mbox("\" Jane \" <a@b.org>"), "Jane|a@b.org");
	CHECK_STR(mbox("Jörg Müller <j@bücher.example>"),
	    "Jörg Müller|j@xn--bcher-kva.example");
	CHECK_STR(mbox("山田 太郎 <taro@example.jp>"), "山田 太郎|taro@example.jp");
	CHECK_STR(mbox("\"a<b\" <x@y.org>"), "a<b|x@y.org");
	CHECK_STR(mbox("Jane < a@b.org >"), "Jane|a@b.org");
	CHECK_STR(mbox("\"x>y\"@b.org"), "|\"x>y\"@b.org");

	CHECK_STR(mbox(""), "ERR: empty address");
	CHECK_STR(mbox("Jane <a@b.org"), "ERR: missing > after address");
	CHECK_STR(mbox("Jane <a@b.org> x"), "ERR: text after >");
	CHECK_STR(mbox("Jane <>"), "ERR: empty address");
	CHECK_STR(mbox("Jane <a@@b.org>"), "ERR: more than one @");
	CHECK_STR(mbox("Jane <a@b>"), "ERR: domain has no dot");
	CHECK(strncmp(mbox("Jane \"Doe <a@b.org>"), "ERR: ", 5) == 0);
	CHECK_STR(mbox("Ja\x01ne <a@b.org>"), "ERR: control character in name");
	CHECK_STR(mbox("\xff <a@b.org>"), "ERR: invalid UTF-8 in name");
	CHECK_STR(mbox("José <josé@x.org>"),
	    "ERR: non-ASCII local part (SMTPUTF8) is not supported");
	CHECK_STR(mbox("Jane Doe a@b.org"),
	    "ERR: invalid character ' ' in local part");

	/* Display names up to ADDR_NAME_MAX bytes. */
	name = rep("", 'n', ADDR_NAME_MAX, "");
	s = rep("", 'n', ADDR_NAME_MAX, " <a@b.org>");
	CHECK(strncmp(mbox(s), name, ADDR_NAME_MAX) == 0);
	free(s);
	s = rep("", 'n', ADDR_NAME_MAX + 1, " <a@b.org>");
	CHECK_STR(mbox(s), "ERR: name longer than 256 bytes");
	free(s);
	free(name);
}

/* The domain of a normalised address. */
static void
test_domain(void)
{
	CHECK_STR(addr_domain("a@b.org"), "b.org");
	CHECK_STR(addr_domain("\"a@b\"@c.org"), "c.org");
	CHECK_STR(addr_domain("nodomain"), "");
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_nul();
	test_limits();
	test_mailbox();
	test_domain();
	TEST_END();
}
