/*
 * MTA-STS without the network: TXT records, policy files (RFC 8461 3.1,
 * 3.2), MX pattern matching (4.1), the strings a TLS report carries, and
 * the policy cache in the store.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "base/util.h"
#include "store/store.h"
#include "store/store_sts.h"
#include "sts/policy.h"

/* Parse text as a policy: 0 or -1; p filled on 0. */
static int
parse(const char *text, struct sts_policy *p, char **cause)
{
	free(*cause);
	*cause = NULL;
	return sts_policy_parse(text, strlen(text), p, cause);
}

static void
test_txt(void)
{
	char	 id[STS_ID_MAX + 1], *cause = NULL;
	const char *bad[] = {
		"v=STSv2; id=1", "id=1; v=STSv1", "v=STSv1", "v=STSv1; id=",
		"v=STSv1; id=a-b", "v=STSv1; id=1; id=2", "v=STSv1; id",
		"v=STSv1; id=123456789012345678901234567890123", "",
		"v=STSv10; id=1",
	};
	size_t	 i;

	CHECK(sts_txt_parse("v=STSv1; id=20160831085700Z;", 28, id,
	    &cause) == 0);
	CHECK_STR(id, "20160831085700Z");
	CHECK(sts_txt_parse("v=STSv1;id=abc; ext=x y", 23, id, &cause) == 0);
	CHECK_STR(id, "abc");
	CHECK(sts_txt_parse("  v = STSv1 ; id = Z9 ", 22, id, &cause) == 0);
	CHECK_STR(id, "Z9");
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		CHECK(sts_txt_parse(bad[i], strlen(bad[i]), id, &cause) == -1);
		CHECK(cause != NULL);
		free(cause);
	}
}

static void
test_policy(void)
{
	struct sts_policy	 p;
	char			*cause = NULL, *js;

	CHECK(parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com"
	    "\r\nmx: *.Example.NET.\r\nmax_age: 604800\r\n", &p, &cause) == 0);
	CHECK_INT(p.mode, STS_MODE_ENFORCE);
	CHECK_INT(p.max_age, 604800);
	CHECK_INT(p.nmx, 2);
	CHECK_STR(p.mx[1], "*.example.net");
	js = sts_policy_strings(&p);
	CHECK_STR(js, "[\"version: STSv1\",\"mode: enforce\",\"mx: "
	    "mail.example.com\",\"mx: *.example.net\",\"max_age: 604800\"]");
	free(js);
	/* 4.1: one leftmost label only; case and the final dot ignored */
	CHECK(sts_mx_match(&p, "mail.example.com"));
	CHECK(sts_mx_match(&p, "MAIL.Example.com."));
	CHECK(sts_mx_match(&p, "mx1.example.net"));
	CHECK(!sts_mx_match(&p, "a.b.example.net"));
	CHECK(!sts_mx_match(&p, "example.net"));
	CHECK(!sts_mx_match(&p, "xmail.example.com"));
	CHECK(!sts_mx_match(&p, "mail.example.com.evil"));
	sts_policy_free(&p);

	/* LF lines, unknown keys ignored, spaces around values */
	CHECK(parse("version: STSv1\nfoo: bar\nmode:testing\n  mx :  MX.a.org"
	    "  \nmax_age: 0\n", &p, &cause) == 0);
	CHECK_INT(p.mode, STS_MODE_TESTING);
	CHECK_INT(p.max_age, 0);
	CHECK(sts_mx_match(&p, "mx.a.org"));
	sts_policy_free(&p);
	CHECK(parse("version: STSv1\nmode: none\nmax_age: 31557600", &p,
	    &cause) == 0);
	CHECK_INT(p.mode, STS_MODE_NONE);
	CHECK_INT(p.nmx, 0);
	sts_policy_free(&p);

	/* invalid: each with its cause */
	CHECK(parse("mode: enforce\nmx: a.org\nmax_age: 1\n", &p, &cause) ==
	    -1);
	CHECK(cause != NULL && strstr(cause, "no version") != NULL);
	CHECK(parse("version: STSv2\nmode: enforce\nmx: a.org\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmx: a.org\nmax_age: 1\n", &p, &cause) ==
	    -1);
	CHECK(cause != NULL && strstr(cause, "no mode") != NULL);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: a.org\n", &p,
	    &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmax_age: 1\n", &p,
	    &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "no mx") != NULL);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: a.org\nmax_age: "
	    "31557601\n", &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: a.org\nmax_age: -1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmode: none\nmx: a.org\n"
	    "max_age: 1\n", &p, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "twice") != NULL);
	CHECK(parse("version: STSv1\nversion: STSv1\nmode: none\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: a.org\nmax_age: 1\n"
	    "max_age: 2\n", &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: force\nmx: a.org\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: *.*.org\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: a*.org\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: *\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: mx1..\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode: enforce\nmx: .a.org\nmax_age: 1\n",
	    &p, &cause) == -1);
	CHECK(parse("version: STSv1\nmode enforce\nmax_age: 1\n", &p,
	    &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(sts_policy_parse("version: STSv1\0", 15, &p, &cause) == -1);
	free(cause);
}

/* A policy past 64 KB is refused whatever it holds. */
static void
test_size(void)
{
	struct sts_policy	 p;
	struct buf		 b;
	char			*cause = NULL;

	buf_init(&b);
	buf_adds(&b, "version: STSv1\nmode: enforce\nmx: a.org\nmax_age: 1\n");
	while (b.len <= STS_POLICY_MAX)
		buf_adds(&b, "x-padding: 0123456789abcdef\n");
	CHECK(sts_policy_parse(b.data, b.len, &p, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "64 KB") != NULL);
	free(cause);
	cause = NULL;
	/* just under: fine */
	CHECK(sts_policy_parse(b.data, STS_POLICY_MAX - 100, &p, &cause) == 0 ||
	    cause != NULL);
	if (cause == NULL)
		sts_policy_free(&p);
	free(cause);
	buf_free(&b);
}

static void
test_cache(void)
{
	struct store		*st;
	struct sts_cache_row	 r, got;
	char			 dir[] = "/tmp/herald-sts.XXXXXX", *path;
	char			*cause = NULL;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	path = xprintf("%s/herald.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK_INT(store_sts_get(st, "example.org", &got, &cause), 0);
	r.domain = xstrdup("example.org");
	r.id = xstrdup("abc");
	r.policy = xstrdup("version: STSv1\nmode: none\nmax_age: 60\n");
	r.fetched_at = 100;
	r.expires_at = 160;
	CHECK(store_sts_put(st, &r, &cause) == 0);
	CHECK_INT(store_sts_get(st, "example.org", &got, &cause), 1);
	CHECK_STR(got.id, "abc");
	CHECK_INT(got.expires_at, 160);
	sts_cache_row_free(&got);
	/* a new id replaces the row */
	free(r.id);
	r.id = xstrdup("def");
	r.fetched_at = 200;
	r.expires_at = 260;
	CHECK(store_sts_put(st, &r, &cause) == 0);
	CHECK_INT(store_sts_get(st, "example.org", &got, &cause), 1);
	CHECK_STR(got.id, "def");
	CHECK_INT(got.fetched_at, 200);
	CHECK_STR(got.policy, r.policy);
	sts_cache_row_free(&got);
	sts_cache_row_free(&r);
	store_close(st);
	unlink(path);
	free(path);
	path = xprintf("rm -rf %s", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(path);
}

int
main(void)
{
	test_txt();
	test_policy();
	test_size();
	test_cache();
	TEST_END();
}
