/* utf8, json and config. */
#include <sys/stat.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "base/json.h"
#include "test.h"
#include "base/utf8.h"
#include "base/util.h"

static void
test_utf8(void)
{
	size_t	 bad = 99;
	char	*s;

	CHECK(utf8_valid("abc", 3, &bad));
	CHECK(utf8_valid("山田", 6, &bad));
	CHECK(!utf8_valid("a\xff", 2, &bad) && bad == 1);
	CHECK(!utf8_valid("\xc0\xaf", 2, &bad) && bad == 0);	/* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3, &bad));		/* surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4, &bad));	/* > U+10FFFF */
	CHECK(!utf8_valid("\xe5\xb1", 2, &bad));		/* truncated */
	CHECK_INT(utf8_width("山田太郎"), 8);
	CHECK_INT(utf8_width("abc"), 3);
	s = utf8_fit("山田太郎", 7, 0);
	CHECK_STR(s, "山田太 ");	/* never half a wide character */
	free(s);
	s = utf8_fit("abcdef", 4, 1);
	CHECK_STR(s, "abc\xe2\x80\xa6");
	free(s);
	s = utf8_fit("a\tb", 5, 0);
	CHECK_STR(s, "a?b  ");
	free(s);
	CHECK_INT(utf8_prefix("山田", 3), 3);
	{
		char	u[5];

		u[utf8_encode('x', u)] = '\0';
		CHECK_STR(u, "x");
		u[utf8_encode(0xe9, u)] = '\0';
		CHECK_STR(u, "\xc3\xa9");
		u[utf8_encode(0x5c71, u)] = '\0';
		CHECK_STR(u, "山");
		u[utf8_encode(0x1f600, u)] = '\0';
		CHECK_STR(u, "\xf0\x9f\x98\x80");
	}
}

static int
pair_cb(const char *k, const char *v, void *arg)
{
	struct buf	*b = arg;

	buf_printf(b, "%s=%s;", k, v);
	return 0;
}

static void
test_json(void)
{
	struct buf	b;

	buf_init(&b);
	json_str(&b, "a\"b\\c\n\x01\xff山");
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd山\"");
	buf_reset(&b);
	CHECK(json_each_pair("{\"k\":\"v\\u00e9\",\"x\":\"\\ud83d\\ude00\"}",
	    pair_cb, &b) == 0);
	CHECK_STR(b.data, "k=v\xc3\xa9;x=\xf0\x9f\x98\x80;");
	buf_reset(&b);
	CHECK(json_each_pair("{}", pair_cb, &b) == 0);
	CHECK(json_each_pair("{\"k\":1}", pair_cb, &b) == -1);
	CHECK(json_each_pair("[", pair_cb, &b) == -1);
	buf_free(&b);
}

/* A small file's text, allocated. */
static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*text = xcalloc(1, 1024);

	if (f != NULL) {
		if (fread(text, 1, 1023, f) == 0)
			text[0] = '\0';
		fclose(f);
	}
	return text;
}

static void
test_config(void)
{
	char		 dir[] = "/tmp/herald-config-XXXXXX";
	char		*path, *cause = NULL, *text, *note = NULL;
	struct config	*cfg;
	struct stat	 sb;
	FILE		*f;

	CHECK(mkdtemp(dir) != NULL);
	path = xprintf("%s/sub/herald.conf", dir);
	cfg = config_load(path, &cause);
	CHECK(cfg != NULL);
	CHECK_STR(config_get(cfg, "tls_policy"), "auto");
	CHECK(config_get(cfg, "from") == NULL);
	CHECK(config_set(cfg, "from", "Info <info@example.org>", &cause) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(config_set(cfg, "concurrency", "0", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "from", "bad\naddress", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "nosuchkey", "1", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_override(cfg, "tls_policy", "verify", &cause) == 0);
	CHECK_STR(config_get(cfg, "tls_policy"), "verify");
	{
		const char	*k, *v;

		/* What a child of the console is handed: the overrides. */
		CHECK(config_override(cfg, "from", "X <a@other.test>",
		    &cause) == 0);
		CHECK(config_override_at(cfg, 0, &k, &v) == 1);
		CHECK_STR(k, "tls_policy");
		CHECK(config_override_at(cfg, 1, &k, &v) == 1);
		CHECK_STR(v, "X <a@other.test>");
		CHECK(config_override_at(cfg, 2, &k, &v) == 0);
	}
	config_free(cfg);

	/* Comments and order survive a rewrite. */
	f = fopen(path, "w");
	fputs("# mine\nhelo = mx.example.org\n\nfrom = a@example.org\n", f);
	fclose(f);
	cfg = config_load(path, &cause);
	CHECK(cfg != NULL);
	CHECK(config_set(cfg, "from", "b@example.org", &cause) == 0);
	config_free(cfg);
	text = slurp(path);
	CHECK_STR(text, "# mine\nhelo = mx.example.org\n\nfrom = b@example.org\n");
	free(text);

	/* A key set twice: the last counts, on load and on set alike; the
	 * duplicate is named by its line and commented out by set. */
	f = fopen(path, "w");
	fputs("# mine\nrate = 1\nhelo = mx.example.org\nrate = 2\n", f);
	fclose(f);
	cfg = config_load(path, &cause);
	CHECK(cfg != NULL);
	CHECK_STR(config_get(cfg, "rate"), "2");
	CHECK(config_warning(cfg, 0) != NULL && strstr(config_warning(cfg, 0),
	    ":4: rate is set again; the setting on line 2 no longer counts") !=
	    NULL);
	CHECK(config_warning(cfg, 1) == NULL);
	CHECK(config_write(cfg, "rate", "5", &note, &cause) == 0);
	CHECK(note != NULL && strstr(note, "line 2") != NULL);
	free(note);
	CHECK_STR(config_get(cfg, "rate"), "5");
	config_free(cfg);
	cfg = config_load(path, &cause);
	CHECK(cfg != NULL && config_warning(cfg, 0) == NULL);
	CHECK_STR(config_get(cfg, "rate"), "5");
	config_free(cfg);
	text = slurp(path);
	CHECK_STR(text, "# mine\n# duplicate, commented out by herald config "
	    "set: rate = 1\nhelo = mx.example.org\nrate = 5\n");
	free(text);

	/* Outer white space: trimmed when set, as when loaded. */
	cfg = config_load(path, &cause);
	CHECK(config_set(cfg, "helo", "  mx2.example.org\t", &cause) == 0);
	CHECK_STR(config_get(cfg, "helo"), "mx2.example.org");
	config_free(cfg);
	cfg = config_load(path, &cause);
	CHECK_STR(config_get(cfg, "helo"), "mx2.example.org");

	/* Unset removes every setting of the key, keeping the rest. */
	CHECK(config_write(cfg, "rate", NULL, &note, &cause) == 0);
	CHECK(note != NULL && strstr(note, "removed on line 4") != NULL);
	free(note);
	CHECK_STR(config_get(cfg, "rate"), "0");
	CHECK(!config_is_set(cfg, "rate"));
	CHECK(config_write(cfg, "rate", NULL, &note, &cause) == 0);
	CHECK(note == NULL);
	CHECK(config_write(cfg, "nosuchkey", NULL, &note, &cause) == -1);
	free(cause);
	cause = NULL;
	config_free(cfg);
	text = slurp(path);
	CHECK_STR(text, "# mine\n# duplicate, commented out by herald config "
	    "set: rate = 1\nhelo = mx2.example.org\n");
	free(text);

	/* A bad line is an error naming the line. */
	f = fopen(path, "w");
	fputs("from = a@example.org\nfrm = x\n", f);
	fclose(f);
	CHECK(config_load(path, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, ":2:") != NULL);
	free(cause);
	free(path);
	path = xprintf("rm -rf %s", dir);
	CHECK(system(path) == 0);
	free(path);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	test_utf8();
	test_json();
	test_config();
	TEST_END();
}
