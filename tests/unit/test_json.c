/* json: reading objects with values of any type (json_each_value), and
 * json_each_pair still taking strings only; writing documents (struct
 * json) in the format the CLI prints. */
#include <stdlib.h>

#include "base/json.h"
#include "test.h"

static const char *const type_names[] = {
	"string", "number", "bool", "null", "object", "array"
};

/* Append "key:type=value;" for each member. */
static int
value_cb(const char *key, enum json_type type, const char *value, void *arg)
{
	struct buf	*b = arg;

	buf_printf(b, "%s:%s=%s;", key, type_names[type], value);
	return 0;
}

/* Stop after the first member. */
static int
stop_cb(const char *key, enum json_type type, const char *value, void *arg)
{
	(void)type;
	buf_printf(arg, "%s=%s;", key, value);
	return 1;
}

/* Append "key=value;" for each string pair. */
static int
pair_cb(const char *key, const char *value, void *arg)
{
	buf_printf(arg, "%s=%s;", key, value);
	return 0;
}

/* Run json_each_value on text; the members seen, or "ERROR". */
static const char *
walk(struct buf *b, const char *text)
{
	buf_reset(b);
	if (json_each_value(text, value_cb, b) == -1)
		return "ERROR";
	return b->data != NULL ? b->data : "";
}

/* A line of `herald check --stream`, every scalar type. */
static void
test_scalars(struct buf *b)
{
	CHECK_STR(walk(b, "{\"id\":\"spf\",\"title\":\"SPF for 192.0.2.1\","
	    "\"status\":\"fail\",\"observed\":\"no record\",\"fix\":null}"),
	    "id:string=spf;title:string=SPF for 192.0.2.1;status:string=fail;"
	    "observed:string=no record;fix:null=;");
	CHECK_STR(walk(b, " { \"n\" : -12.5e+3 , \"z\":0,\"t\":true,"
	    "\"f\":false } "),
	    "n:number=-12.5e+3;z:number=0;t:bool=true;f:bool=false;");
	CHECK_STR(walk(b, "{\"s\":\"a\\\"b\\u00e9\\n\"}"),
	    "s:string=a\"b\xc3\xa9\n;");
	CHECK_STR(walk(b, "{}"), "");
}

/* Nested objects and arrays come whole, as written. */
static void
test_nested(struct buf *b)
{
	CHECK_STR(walk(b, "{\"verdict\":\"warn\",\"counts\":{\"ok\":5,"
	    "\"fail\":[1,{\"x\":\"}\"}]},\"ids\":[],\"e\":{}}"),
	    "verdict:string=warn;counts:object={\"ok\":5,\"fail\":[1,"
	    "{\"x\":\"}\"}]};ids:array=[];e:object={};");
	CHECK_STR(walk(b, "{\"a\":[ 1 , \"]\" , null ]}"),
	    "a:array=[ 1 , \"]\" , null ];");
}

/* Malformed text is refused. */
static void
test_malformed(struct buf *b)
{
	static const char *const bad[] = {
		"", "[", "[1]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":[1,]}",
		"{\"a\":{\"b\"}}", "{\"a\":[1 2]}", "{\"a\":\"x}", "{a:1}",
		"{\"a\":1 \"b\":2}", "{\"a\":\"\\q\"}", "{\"a\":+1}",
	};
	struct buf	 deep;
	size_t		 i;
	int		 d;

	for (i = 0; i < nitems(bad); i++) {
		if (strcmp(walk(b, bad[i]), "ERROR") != 0)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK_STR(walk(b, bad[i]), "ERROR");
	}
	/* 64 levels of nesting are fine; deeper is refused, not recursed. */
	buf_init(&deep);
	buf_adds(&deep, "{\"a\":");
	for (d = 0; d < 64; d++)
		buf_addc(&deep, '[');
	for (d = 0; d < 64; d++)
		buf_addc(&deep, ']');
	buf_addc(&deep, '}');
	CHECK(json_each_value(deep.data, value_cb, b) == 0);
	buf_reset(&deep);
	buf_adds(&deep, "{\"a\":");
	for (d = 0; d < 100000; d++)
		buf_addc(&deep, '[');
	buf_addc(&deep, '}');
	CHECK_STR(walk(b, deep.data), "ERROR");
	buf_free(&deep);
}

/* A callback's non-zero return stops the walk, which still succeeds. */
static void
test_stop(struct buf *b)
{
	buf_reset(b);
	CHECK(json_each_value("{\"a\":1,\"b\":2}", stop_cb, b) == 0);
	CHECK_STR(b->data, "a=1;");
}

/* json_each_pair keeps its contract: strings only. */
static void
test_pairs(struct buf *b)
{
	buf_reset(b);
	CHECK(json_each_pair("{\"k\":\"v\",\"c\":\"Paris\"}", pair_cb, b) == 0);
	CHECK_STR(b->data, "k=v;c=Paris;");
	CHECK(json_each_pair("{\"k\":1}", pair_cb, b) == -1);
	CHECK(json_each_pair("{\"k\":null}", pair_cb, b) == -1);
	CHECK(json_each_pair("{\"k\":{}}", pair_cb, b) == -1);
	CHECK(json_each_pair("{\"k\":\"v\"", pair_cb, b) == -1);
}

/* The writer: commas, keys, nesting, every kind of value, no spaces. */
static void
test_write(struct buf *b)
{
	struct json	 j;
	char		*doc;

	buf_reset(b);
	json_init(&j, b);
	json_open_object(&j, NULL);
	json_put_str(&j, "s", "a\"b\\c\n\x01\xff");
	json_put_str(&j, "empty", NULL);
	json_put_strn(&j, "n", "abcdef", 3);
	json_put_strnull(&j, "x", NULL);
	json_put_strnull(&j, "y", "y");
	json_put_int(&j, "i", -9223372036854775807LL - 1);
	json_put_uint(&j, "u", 18446744073709551615ULL);
	json_put_bool(&j, "t", 1);
	json_put_bool(&j, "f", 0);
	json_put_null(&j, "z");
	json_put_raw(&j, "r", "{\"k\":\"v\"}");
	json_open_array(&j, "a");
	json_put_int(&j, NULL, 1);
	json_open_object(&j, NULL);
	json_close(&j);
	json_open_array(&j, NULL);
	json_close(&j);
	json_put_str(&j, NULL, "e");
	json_close(&j);
	json_open_object(&j, "o");
	json_put_int(&j, "k", 0);
	json_close(&j);
	json_close(&j);
	CHECK_STR(b->data, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\","
	    "\"empty\":\"\",\"n\":\"abc\",\"x\":null,\"y\":\"y\","
	    "\"i\":-9223372036854775808,\"u\":18446744073709551615,"
	    "\"t\":true,\"f\":false,\"z\":null,\"r\":{\"k\":\"v\"},"
	    "\"a\":[1,{},[],\"e\"],\"o\":{\"k\":0}}");
	CHECK(j.depth == 0);
	/* What it writes, the reader reads back. */
	doc = xstrdup(b->data);
	CHECK_STR(walk(b, doc), "s:string=a\"b\\c\n\x01\xef\xbf\xbd;"
	    "empty:string=;n:string=abc;x:null=;y:string=y;"
	    "i:number=-9223372036854775808;u:number=18446744073709551615;"
	    "t:bool=true;f:bool=false;z:null=;r:object={\"k\":\"v\"};"
	    "a:array=[1,{},[],\"e\"];o:object={\"k\":0};");
	free(doc);

	/* An empty array, and a top-level array of objects. */
	buf_reset(b);
	json_init(&j, b);
	json_open_array(&j, NULL);
	json_close(&j);
	CHECK_STR(b->data, "[]");
	buf_reset(b);
	json_init(&j, b);
	json_open_array(&j, NULL);
	json_open_object(&j, NULL);
	json_put_int(&j, "a", 1);
	json_close(&j);
	json_open_object(&j, NULL);
	json_put_int(&j, "a", 2);
	json_close(&j);
	json_close(&j);
	CHECK_STR(b->data, "[{\"a\":1},{\"a\":2}]");
}

/* A long array streamed: the buffer emptied between rows, and with wrap
 * one element a line. */
static void
test_write_stream(struct buf *b)
{
	struct json	j;
	struct buf	out;
	int		i;

	buf_init(&out);
	buf_reset(b);
	json_init(&j, b);
	j.wrap = 1;
	json_open_array(&j, NULL);
	for (i = 0; i < 3; i++) {
		buf_add(&out, b->data, b->len);
		buf_reset(b);
		json_open_object(&j, NULL);
		json_put_int(&j, "n", i);
		json_open_array(&j, "v");
		json_put_int(&j, NULL, i);
		json_put_int(&j, NULL, i);
		json_close(&j);
		json_close(&j);
	}
	json_close(&j);
	buf_add(&out, b->data, b->len);
	CHECK_STR(out.data, "[{\"n\":0,\"v\":[0,0]},\n{\"n\":1,\"v\":[1,1]},"
	    "\n{\"n\":2,\"v\":[2,2]}]");
	buf_free(&out);
}

int
main(void)
{
	struct buf	b;

	buf_init(&b);
	test_scalars(&b);
	test_nested(&b);
	test_malformed(&b);
	test_stop(&b);
	test_pairs(&b);
	test_write(&b);
	test_write_stream(&b);
	buf_free(&b);
	TEST_END();
}
