/*
 * A fuzz harness for the HTTP reader (src/web/http.c): any bytes in as a
 * request, no crash, no leak, and what it reads stays inside what it was
 * given: a head no longer than the input nor WEB_HEAD_MAX, a method, a
 * path starting with '/', a language that is "ja" or "en". The same bytes
 * go in as a form body (both encodings) and as an Accept-Language.
 *
 *   make fuzz                 builds build/fuzz/http (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/http -max_len=12000 tests/data/http
 *
 * Built with HTTP_REPLAY (as build/tests/test_fuzz_http, by `make
 * unit-bin`) it has its own main: every file of tests/data/http, whole
 * and cut at every length, goes through the same entry point, so `make
 * check` replays the corpus through the harness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
lang_ok(const char *l)
{
	if (strcmp(l, "ja") != 0 && strcmp(l, "en") != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	 r;
	const char		*p = (const char *)data;
	char			*s, *v;
	int			 n;

	n = http_parse_head(p, size, &r);
	if (n > 0) {
		if ((size_t)n > size || n > WEB_HEAD_MAX || r.method == NULL ||
		    *r.method == '\0' || r.path == NULL || r.path[0] != '/')
			abort();
		lang_ok(http_language(r.accept_language));
		(void)http_one_click(r.content_type, p + n, size - (size_t)n);
		if (r.query != NULL) {
			v = http_form_value(r.query, strlen(r.query), "token");
			free(v);
		}
		http_request_free(&r);
	} else if (n != 0 && n != -400 && n != -431 && n != -501 &&
	    n != -505)
		abort();
	(void)http_one_click(NULL, p, size);
	(void)http_one_click("multipart/form-data; boundary=XyZ", p, size);
	s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	lang_ok(http_language(s));
	(void)http_one_click(s, p, size);
	v = http_form_value(p, size, "List-Unsubscribe");
	free(v);
	free(s);
	return 0;
}

#ifdef HTTP_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, 65536);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/http", replay, 0);
}
#endif
