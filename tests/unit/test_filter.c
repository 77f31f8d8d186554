/* audience filters: a table of expressions against a list with Japanese
 * values, dates and missing attributes; every syntax error with its
 * column; values and attribute names that try to be SQL; printing back;
 * saved segments in the store. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audience/filter.h"
#include "audience/segment.h"
#include "base/util.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/store_segment.h"
#include "test.h"

static char dir[] = "/tmp/herald-filter-XXXXXX";

static const struct {
	const char	*addr, *name, *attrs;
} members[] = {
	{ "ann@docomo.ne.jp", "Ann Lee", "{\"city\":\"東京\","
	  "\"joined\":\"2024-05-01\",\"age\":\"30\",\"plan\":\"gold\"}" },
	{ "bob@ezweb.ne.jp", "Bob", "{\"city\":\"大阪\","
	  "\"joined\":\"2025-02-01 09:30\",\"age\":\"41\"}" },
	{ "cat@example.org", "Cat", "{\"joined\":\"2023/1/5\","
	  "\"age\":\"abc\"}" },
	{ "dan@example.org", "O'Brien", "{\"city\":\"東京都\","
	  "\"column 6\":\"1\",\"a\\\"b\":\"q\"}" },
	{ "eve@softbank.ne.jp", "山田 花子", "{\"city\":\"とうきょう\","
	  "\"joined\":\"2025-01-01\",\"age\":\"7\"}" },
	{ "fra@example.net", "x' or 1=1 --", "{}" },
};

/* Expressions and the members they pick, in address order. */
static const struct {
	const char	*expr, *want;
} table[] = {
	{ "city = '東京'", "ann" },
	{ "city ~ '東京'", "ann dan" },
	{ "city = '東京' and joined < 2025-01-01", "ann" },
	{ "domain in ('docomo.ne.jp','ezweb.ne.jp')", "ann bob" },
	{ "domain = 'EXAMPLE.ORG'", "cat dan" },
	{ "joined >= 2025-01-01", "bob eve" },
	{ "joined = 2025-02-01", "bob" },
	{ "joined < 2024-01-01", "cat" },
	{ "joined > 2025-02-01T09:00", "bob" },
	{ "joined > 2025-02-01 09:30", "" },
	{ "joined is empty", "dan fra" },
	{ "age > 10", "ann bob" },
	{ "age < 10", "eve" },
	{ "age >= 7 and age <= 30", "ann eve" },
	{ "age != 30", "bob cat dan eve fra" },
	{ "age = 30.0", "ann" },
	{ "city is empty", "cat fra" },
	{ "city is not empty", "ann bob dan eve" },
	{ "not city is empty", "ann bob dan eve" },
	{ "name ~ '花子'", "eve" },
	{ "name ~ 'LEE'", "ann" },
	{ "NAME ~ 'lee' AND Email ~ 'ann'", "ann" },
	{ "email ~ 'example'", "cat dan fra" },
	{ "email = 'ANN@docomo.ne.jp'", "ann" },
	{ "\"column 6\" = 1", "dan" },
	{ "\"a\"\"b\" = 'q'", "dan" },
	{ "\"city\" = '東京'", "ann" },
	{ "(city = '大阪' or city = 'とうきょう') and not age > 40", "eve" },
	{ "city = '大阪' or city = 'とうきょう' and age > 40", "bob" },
	{ "city not in ('東京', '大阪')", "cat dan eve fra" },
	{ "plan = 'gold' or plan is empty", "ann bob cat dan eve fra" },
	{ "name < 'C'", "ann bob" },
	{ "name = 'o''brien'", "dan" },
	{ "city　=　'東京'", "ann" },		/* ideographic spaces */
	/* SQL in a value is a value: it matches the one member whose name
	 * is that text, and nobody else. */
	{ "name = 'x'' or 1=1 --'", "fra" },
	{ "city = ''' or ''1''=''1'", "" },
	{ "name = '\" or 1=1 --'", "" },
	/* ...and in an attribute's name, a name no member has. */
	{ "\"city') or 1=1 --\" = 'x'", "" },
	{ "\"city\"\" = '東京' or \"\"1\" = '1'", "" },
	{ "\"$.city\" = '東京'", "" },
};

/* Syntax errors: the column (in characters) and the start of the words. */
static const struct {
	const char	*expr;
	size_t		 col;
	const char	*msg;
} errors[] = {
	{ "", 1, "column 1: the filter is empty" },
	{ "   ", 4, "column 4: the filter is empty" },
	{ "city =", 7, "column 7: expected a value after '='" },
	{ "city = '東京' and joined <", 25,
	  "column 25: expected a value after '<'" },
	{ "city", 5, "column 5: expected an operator after 'city'" },
	{ "都市 ~", 5, "column 5: expected a value after '~'" },
	{ "city = tokyo", 8, "column 8: a text value needs single quotes" },
	{ "city = 'abc", 8, "column 8: the quoted text is not closed" },
	{ "\"city = 1", 1, "column 1: the quoted name is not closed" },
	{ "\"\" = 1", 1, "column 1: the quoted name is empty" },
	{ "city = 1 and", 13, "column 13: expected a field name, '(' or "
	  "'not'" },
	{ "city = '東京' or", 15, "column 15: expected a field name" },
	{ "and = 1", 1, "column 1: expected a field name" },
	{ "(city = 1", 10, "column 10: expected ')' to close the '(' of "
	  "column 1" },
	{ "city = 1)", 9, "column 9: expected 'and', 'or' or the end of the "
	  "filter" },
	{ "city = 1 city = 2", 10, "column 10: expected 'and', 'or'" },
	{ "city in 1", 9, "column 9: expected '(' after 'in'" },
	{ "city in ('a' 'b')", 14, "column 14: expected ',' or ')' in the "
	  "list of values opened at column 9" },
	{ "city in ()", 10, "column 10: expected a value after '('" },
	{ "city in ('a',)", 14, "column 14: expected a value after ','" },
	{ "city is", 8, "column 8: expected 'empty' or 'not empty' after "
	  "'is'" },
	{ "city is not full", 13, "column 13: expected 'empty' after 'is "
	  "not'" },
	{ "city not = 1", 10, "column 10: expected 'in' after 'not'" },
	{ "joined < 2025-02-30", 10, "column 10: there is no such date" },
	{ "joined < 2023-02-29", 10, "column 10: there is no such date" },
	{ "joined < 2025-01-01T25:00", 21, "column 21: expected a time of "
	  "day" },
	{ "joined < 2025-01-01T", 21, "column 21: expected a time of day" },
	{ "age > 12abc", 7, "column 7: this is neither a number nor a date" },
	{ "age > 1.", 7, "column 7: this is neither a number nor a date" },
	{ "city = 1 & 2", 10, "column 10: unexpected character '&'" },
	{ "都市 = 1 @", 8, "column 8: unexpected character '@'" },
	{ "city ! 1", 6, "column 6: unexpected character '!'" },
	{ "city\x01 = 1", 5, "column 5: unexpected control character" },
	{ "city = '\xff'", 9, "column 9: the text is not valid UTF-8" },
};

static struct store *st;
static int64_t list;

/* Append the local part of each member to a buffer. */
static int
collect(const struct contact *c, void *arg)
{
	struct buf	*b = arg;

	if (b->len > 0)
		buf_addc(b, ' ');
	buf_add(b, c->addr, strcspn(c->addr, "@"));
	return 0;
}

/* The number of space-separated words in s. */
static int
words(const char *s)
{
	int	n = *s != '\0';

	for (; *s != '\0'; s++)
		n += *s == ' ';
	return n;
}

static void
fixture(void)
{
	char		*cause = NULL, *path;
	int64_t		 imp;
	enum store_put	 put;
	uint64_t	 first;
	size_t		 i;

	if (mkdtemp(dir) == NULL)
		abort();
	path = xprintf("%s/h.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	free(path);
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, "m", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	for (i = 0; i < nitems(members); i++)
		CHECK(store_contact_put(st, list, imp, i + 1, members[i].addr,
		    members[i].name, members[i].attrs, &put, &first,
		    &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);
}

static void
test_table(void)
{
	struct filter	*f, *g;
	struct buf	 b;
	char		*cause = NULL, *text, *again;
	size_t		 i, col;
	int64_t		 n;

	for (i = 0; i < nitems(table); i++) {
		if (filter_parse(table[i].expr, &f, &col, &cause) != 0) {
			fprintf(stderr, "%s: %s\n", table[i].expr, cause);
			CHECK(0);
			free(cause);
			cause = NULL;
			continue;
		}
		buf_init(&b);
		buf_adds(&b, "");
		CHECK(store_contacts_filter(st, list, f, 0, 0, collect, &b,
		    &cause) == 0);
		if (strcmp(b.data, table[i].want) != 0)
			fprintf(stderr, "%s\n", table[i].expr);
		CHECK_STR(b.data, table[i].want);
		CHECK(store_contacts_count_filter(st, list, f, 0, &n,
		    &cause) == 0);
		CHECK_INT(n, words(b.data));
		/* Printed back, it parses to the same tree and prints the
		 * same again. */
		text = filter_print(f);
		CHECK(filter_parse(text, &g, NULL, NULL) == 0);
		CHECK(filter_equal(f, g));
		again = filter_print(g);
		CHECK_STR(again, text);
		free(again);
		free(text);
		filter_free(g);
		filter_free(f);
		buf_free(&b);
	}
}

static void
test_errors(void)
{
	struct filter	*f;
	char		*cause;
	size_t		 i, col;

	for (i = 0; i < nitems(errors); i++) {
		cause = NULL;
		col = 0;
		f = NULL;
		CHECK_INT(filter_parse(errors[i].expr, &f, &col, &cause), -1);
		CHECK(f == NULL);
		if (col != errors[i].col)
			fprintf(stderr, "%s\n", errors[i].expr);
		CHECK_INT(col, errors[i].col);
		CHECK(cause != NULL && strncmp(cause, errors[i].msg,
		    strlen(errors[i].msg)) == 0);
		if (cause != NULL && strncmp(cause, errors[i].msg,
		    strlen(errors[i].msg)) != 0)
			fprintf(stderr, "got: %s\n", cause);
		free(cause);
	}
}

/* Nesting is bounded: the parser recurses. */
static void
test_depth(void)
{
	struct buf	 b;
	struct filter	*f;
	char		*cause = NULL;
	size_t		 col, i;

	buf_init(&b);
	for (i = 0; i < FILTER_MAX_DEPTH - 1; i++)
		buf_adds(&b, "not ");
	buf_adds(&b, "a = 1");
	CHECK(filter_parse(b.data, &f, &col, &cause) == 0);
	filter_free(f);
	buf_reset(&b);
	for (i = 0; i < FILTER_MAX_DEPTH + 5; i++)
		buf_adds(&b, "(");
	buf_adds(&b, "a = 1");
	CHECK(filter_parse(b.data, &f, &col, &cause) == -1);
	CHECK_INT(col, FILTER_MAX_DEPTH + 1);
	CHECK(cause != NULL && strstr(cause, "nests deeper") != NULL);
	free(cause);
	buf_free(&b);
}

/* Longer text is refused, at column 1. */
static void
test_length(void)
{
	struct filter	*f;
	char		*s, *cause = NULL;
	size_t		 col = 0;

	s = xmalloc(9000);
	memset(s, ' ', 8999);
	memcpy(s, "a = 1", 5);
	s[8999] = '\0';
	CHECK_INT(filter_parse(s, &f, &col, &cause), -1);
	CHECK_INT(col, 1);
	CHECK(cause != NULL && strstr(cause, "longer than 8192 bytes") != NULL);
	free(cause);
	free(s);
}

/* The SQL holds placeholders, never what was typed: the values and the
 * attribute's name are parameters. */
static void
test_bound(void)
{
	struct filter		*f;
	struct filter_sql	 q;
	size_t			 i;
	int			 found = 0;

	CHECK(filter_parse("\"x') or 1=1 --\" = 'y'' or 2=2 --' or "
	    "name in ('z'';DROP TABLE contacts')", &f, NULL, NULL) == 0);
	store_filter_sql(f, 5, &q);
	CHECK(strstr(q.sql, "1=1") == NULL);
	CHECK(strstr(q.sql, "2=2") == NULL);
	CHECK(strstr(q.sql, "DROP") == NULL);
	CHECK(strstr(q.sql, "?5") != NULL);
	CHECK_INT(q.nparams, 3);
	for (i = 0; i < q.nparams; i++)
		found += strcmp(q.params[i].text, "x') or 1=1 --") == 0 ||
		    strcmp(q.params[i].text, "y' or 2=2 --") == 0 ||
		    strcmp(q.params[i].text, "z';DROP TABLE contacts") == 0;
	CHECK_INT(found, 3);
	store_filter_sql_free(&q);
	filter_free(f);
}

/* Which text the members view takes as a filter. */
static void
test_intended(void)
{
	CHECK(!filter_intended("smith"));
	CHECK(!filter_intended("ann@example.org"));
	CHECK(!filter_intended("山田"));
	CHECK(!filter_intended(""));
	CHECK(filter_intended("name ~"));
	CHECK(filter_intended("city = '東"));
	CHECK(filter_intended("city in"));
	CHECK(filter_intended("city is"));
	CHECK(filter_intended("(city"));
	CHECK(filter_intended("not"));
	CHECK(filter_intended("\"column 6\" ="));
}

/* Suppressed members are counted only when asked. */
static void
test_suppressed(void)
{
	struct filter	*f;
	char		*cause = NULL;
	int64_t		 n;
	int		 added;

	CHECK(store_suppress_add(st, "BOB@ezweb.ne.jp", "manual", NULL,
	    &added, &cause) == 0);
	CHECK(filter_parse("domain in ('docomo.ne.jp', 'ezweb.ne.jp')", &f,
	    NULL, &cause) == 0);
	CHECK(store_contacts_count_filter(st, list, f, 0, &n, &cause) == 0);
	CHECK_INT(n, 2);
	CHECK(store_contacts_count_filter(st, list, f, 1, &n, &cause) == 0);
	CHECK_INT(n, 1);
	CHECK(store_contacts_count_filter(st, list, NULL, 1, &n, &cause) == 0);
	CHECK_INT(n, (int)nitems(members) - 1);
	filter_free(f);
}

static int
count_cb(const struct contact *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

/* Segments: saved, found, resolved, listed, removed with their list. */
static void
test_segments(void)
{
	struct segment_row	 r, *v;
	struct filter		*f = NULL;
	char			*cause = NULL, *lname = NULL;
	int64_t			 l = 0, other;
	size_t			 n;
	int			 got = 0;

	CHECK_INT(store_segment_add(st, "tokyo", list, "city ~ '東京'",
	    &cause), 0);
	CHECK_INT(store_segment_add(st, "tokyo", list, "city = 'x'",
	    &cause), 1);
	CHECK_INT(store_segment_get(st, "tokyo", &r, &cause), 0);
	CHECK_STR(r.list, "m");
	CHECK_STR(r.expr, "city ~ '東京'");
	store_segment_row_free(&r);
	CHECK_INT(store_segment_get(st, "nope", &r, &cause), 1);
	CHECK_INT(segment_resolve(st, "tokyo", &l, &lname, &f, &cause), 0);
	CHECK_INT(l, list);
	CHECK_STR(lname, "m");
	CHECK(store_contacts_to_send_filter(st, l, f, count_cb, &got,
	    &cause) == 0);
	CHECK_INT(got, 2);
	free(lname);
	filter_free(f);
	CHECK_INT(segment_resolve(st, "nope", &l, NULL, &f, &cause), 1);
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, "other", &other, &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);
	CHECK_INT(store_segment_add(st, "b", other, "age > 1", &cause), 0);
	CHECK(store_segments(st, &v, &n, &cause) == 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].name, "b");
		CHECK_STR(v[1].name, "tokyo");
	}
	store_segments_free(v, n);
	CHECK_INT(store_list_remove(st, "other", &cause), 0);
	CHECK_INT(store_segment_get(st, "b", &r, &cause), 1);
	CHECK_INT(store_segment_remove(st, "tokyo", &cause), 0);
	CHECK_INT(store_segment_remove(st, "tokyo", &cause), 1);
}

int
main(void)
{
	char	*cmd;

	fixture();
	test_table();
	test_errors();
	test_depth();
	test_length();
	test_bound();
	test_intended();
	test_suppressed();
	test_segments();
	store_close(st);
	cmd = xprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	TEST_END();
}
