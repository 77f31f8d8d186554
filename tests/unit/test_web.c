/*
 * The HTTP reader of src/web (http.c): request heads (what is refused
 * and with which status), form bodies in both encodings RFC 8058 allows,
 * Accept-Language, and the pages' promises (unsub.c): no script, nothing
 * from elsewhere, nothing about the subscriber on a 404.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "web/web.h"

static int
head(const char *s)
{
	struct http_request	r;
	int			n = http_parse_head(s, strlen(s), &r);

	if (n > 0)
		http_request_free(&r);
	return n;
}

static void
test_heads(void)
{
	struct http_request	 r;
	const char		*s;
	char			 big[WEB_HEAD_MAX + 64];
	size_t			 i;
	int			 n;

	s = "POST /unsubscribe?token=abc HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 26\r\nAccept-Language:  ja \r\n\r\nList-";
	n = http_parse_head(s, strlen(s), &r);
	CHECK_INT(n, (int)(strstr(s, "List-") - s));
	CHECK_STR(r.method, "POST");
	CHECK_STR(r.path, "/unsubscribe");
	CHECK_STR(r.query, "token=abc");
	CHECK_INT(r.content_length, 26);
	CHECK_STR(r.accept_language, "ja");
	CHECK_STR(r.content_type, "application/x-www-form-urlencoded");
	http_request_free(&r);
	/* bare LF, empty lines first, HTTP/1.0 without Host */
	CHECK(head("\r\n\nGET / HTTP/1.0\nX: y\n\n") > 0);
	/* not yet complete */
	CHECK_INT(head("GET / HTTP/1.1\r\nHost: x\r\n"), 0);
	CHECK_INT(head("GET /unsubscr"), 0);
	/* refused, and how */
	CHECK_INT(head("GARBAGE\r\n\r\n"), -400);
	CHECK_INT(head("GARBAGE\r\n"), -400);	/* at once */
	CHECK_INT(head("GET  / HTTP/1.1\r\n"), -400);
	CHECK_INT(head("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n"), -400);
	CHECK_INT(head("GET / HTTP/2.0\r\n"), -505);
	CHECK_INT(head("GET / HTTP/1.1\r\n\r\n"), -400);	/* no Host */
	CHECK_INT(head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), -400);
	CHECK_INT(head("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), -400);
	CHECK_INT(head("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), -400);
	CHECK_INT(head("GET / HTTP/1.1\r\nHo st: a\r\n\r\n"), -400);
	CHECK_INT(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n"), -400);
	CHECK_INT(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n"
	    "\r\n"), -400);
	CHECK_INT(head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n"), -501);
	n = http_parse_head("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: "
	    "99999999999999999999999\r\n\r\n", 71, &r);
	CHECK(n > 0 && r.content_length > WEB_BODY_MAX);
	if (n > 0)
		http_request_free(&r);
	CHECK_INT(http_parse_head("GET /\0 HTTP/1.1\r\n\r\n", 20, &r), -400);
	/* over 8 KB without an end: 431; many fields: 431 */
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	for (i = 19; i < sizeof big; i++)
		big[i] = 'a';
	CHECK_INT(http_parse_head(big, sizeof big, &r), -431);
	CHECK_INT(http_parse_head(big, WEB_HEAD_MAX - 1, &r), 0);
	{
		char	many[4096] = "GET / HTTP/1.1\r\nHost: a\r\n";

		for (i = 0; i < WEB_HEADERS_MAX; i++)
			strcat(many, "X: y\r\n");
		strcat(many, "\r\n");
		CHECK_INT(head(many), -431);
	}
}

static void
test_forms(void)
{
	const char	*mp = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
	const char	*mp2 = "preamble\r\n--b\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\nx\r\n--b\r\nContent-Disposition: "
	    "form-data; name=List-Unsubscribe\r\n\r\nOne-Click\r\n--b--";
	char		*v;

	CHECK(http_one_click(NULL, "List-Unsubscribe=One-Click", 26));
	CHECK(http_one_click("application/x-www-form-urlencoded; "
	    "charset=utf-8", "a=1&List-Unsubscribe=One-Click\r\n", 32));
	CHECK(http_one_click(NULL, "List%2DUnsubscribe=One%2dClick", 30));
	CHECK(!http_one_click(NULL, "List-Unsubscribe=One-Click2", 27));
	CHECK(!http_one_click(NULL, "List-Unsubscribe=One-Click", 25));
	CHECK(!http_one_click(NULL, "", 0));
	CHECK(!http_one_click("text/plain", "List-Unsubscribe=One-Click", 26));
	CHECK(http_one_click("multipart/form-data; boundary=XyZ", mp,
	    strlen(mp)));
	CHECK(http_one_click("Multipart/Form-Data; boundary=\"b\"", mp2,
	    strlen(mp2)));
	CHECK(!http_one_click("multipart/form-data; boundary=other", mp,
	    strlen(mp)));
	CHECK(!http_one_click("multipart/form-data", mp, strlen(mp)));
	CHECK(!http_one_click("multipart/form-data; boundary=XyZ", mp, 60));
	v = http_form_value("a=1&token=AbC%32+&b", 19, "token");
	CHECK_STR(v, "AbC2 ");
	free(v);
	v = http_form_value("tokens=1&token", 14, "token");
	CHECK_STR(v, "");
	free(v);
	CHECK(http_form_value("tok=1", 5, "token") == NULL);
}

static void
test_languages(void)
{
	CHECK_STR(http_language(NULL), "en");
	CHECK_STR(http_language(""), "en");
	CHECK_STR(http_language("ja"), "ja");
	CHECK_STR(http_language("ja-JP,en;q=0.5"), "ja");
	CHECK_STR(http_language("en-US,ja;q=0.9"), "en");
	CHECK_STR(http_language("fr, ja;q=0.3, en;q=0.1"), "ja");
	CHECK_STR(http_language("ja;q=0, en;q=0.1"), "en");
	CHECK_STR(http_language("jav, ja;q=0.2"), "ja");
	CHECK_STR(http_language("de"), "en");
	CHECK_STR(http_language("ja;q=1.5"), "en");	/* malformed q */
	CHECK_STR(http_language("*;q=0.5, JA;Q=0.8"), "ja");
}

static void
test_pages(void)
{
	struct web_reply	r;
	struct web_in		in;
	struct buf		b;

	memset(&in, 0, sizeof in);
	in.method = "GET";
	in.query = "token=not-a-token";
	in.content_length = -1;
	in.accept_language = "ja";
	web_handle(NULL, &in, &r);	/* malformed: no database needed */
	CHECK_INT(r.status, 404);
	CHECK_STR(r.lang, "ja");
	buf_init(&b);
	buf_addc(&r.body, '\0');
	CHECK(strstr(r.body.data, "<script") == NULL);
	CHECK(strstr(r.body.data, "http") == NULL);
	CHECK(strstr(r.body.data, "<form") == NULL);
	CHECK(strstr(r.body.data, "not-a-token") == NULL);
	r.body.len--;
	web_reply_write(&r, 0, &b);
	buf_addc(&b, '\0');
	CHECK(strncmp(b.data, "HTTP/1.1 404 Not Found\r\nConnection: close\r\n",
	    43) == 0);
	CHECK(strstr(b.data, "Cache-Control: no-store\r\n") != NULL);
	buf_free(&b);
	web_reply_free(&r);
	in.method = "PATCH";
	web_handle(NULL, &in, &r);
	CHECK_INT(r.status, 405);
	CHECK_STR(r.allow, "GET, HEAD, POST");
	web_reply_free(&r);
	in.method = "POST";
	in.content_length = WEB_BODY_MAX + 1;
	web_handle(NULL, &in, &r);
	CHECK_INT(r.status, 413);
	web_reply_free(&r);
	web_error(431, "en", &r);
	buf_init(&b);
	r.head = 1;
	web_reply_write(&r, 1, &b);
	buf_addc(&b, '\0');
	CHECK(strncmp(b.data, "Status: 431 Request Header Fields Too Large\r\n",
	    45) == 0);
	CHECK(strstr(b.data, "\r\n\r\n")[4] == '\0');	/* HEAD: no page */
	buf_free(&b);
	web_reply_free(&r);
}

int
main(void)
{
	test_heads();
	test_forms();
	test_languages();
	test_pages();
	TEST_END();
}
