/*
 * message: rendering (header layout, RFC 2047 words decoded back here by
 * the test's own decoder, folding, quoted-printable, line lengths), merge
 * fields, header injection, odd bodies (dots, empty, 1 MB, bare CR/LF,
 * invalid UTF-8), List-Unsubscribe, the store's issues and tokens, the
 * edit file and the editor loop, and a signed message that verifies.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mail/addr.h"
#include "auth/dkim.h"
#include "mail/merge.h"
#include "mail/message.h"
#include "mail/mime.h"
#include "send/build.h"
#include "store/store.h"
#include "test.h"
#include "base/utf8.h"
#include "base/util.h"

static char dir[] = "/tmp/herald-message-XXXXXX";

/* ---- helpers: look at a rendered message as a reader would ---- */

/* The header section's length (up to and including the blank line). */
static size_t
hdr_len(const char *m)
{
	const char	*p = strstr(m, "\r\n\r\n");

	return p != NULL ? (size_t)(p - m) + 4 : strlen(m);
}

/* The body of a rendered message. */
static const char *
body_of(const char *m)
{
	return m + hdr_len(m);
}

/* A header field's raw value (folding kept), allocated; NULL if absent. */
static char *
hdr_raw(const char *m, const char *name)
{
	size_t		 hl = hdr_len(m), n = strlen(name);
	const char	*p = m, *end;
	struct buf	 b;

	while (p < m + hl) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			if (*p == ' ')
				p++;
			end = p;
			for (;;) {
				end = strstr(end, "\r\n");
				if (end[2] != ' ' && end[2] != '\t')
					break;
				end += 2;
			}
			buf_init(&b);
			buf_add(&b, p, (size_t)(end - p));
			return b.data != NULL ? buf_take(&b) : xstrdup("");
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

/* Unfold a raw value (drop CRLF before white space). */
static char *
unfold(const char *v)
{
	struct buf	b;

	buf_init(&b);
	for (; *v != '\0'; v++)
		if (!(v[0] == '\r' && v[1] == '\n'))
			if (*v != '\n')
				buf_addc(&b, *v);
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* The value of one base64 character, or -1. */
static int
t_b64(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	    "uvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* Decode a base64 body (CRLF lines of at most 76) into text with LF line
 * ends; NULL if a line is longer or a character is not base64. */
static char *
b64_body_decode(const char *s)
{
	struct buf	 b, t;
	uint32_t	 acc = 0;
	size_t		 col = 0, i;
	int		 bits = 0, d;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n') {
			col = 0;
			continue;
		}
		if (++col > 76 || (*s != '=' && (d = t_b64(*s)) == -1)) {
			buf_free(&b);
			return NULL;
		}
		if (*s == '=')
			continue;
		acc = acc << 6 | (uint32_t)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((acc >> bits) & 0xff));
		}
	}
	buf_init(&t);
	for (i = 0; i < b.len; i++)
		if (b.data[i] != '\r')
			buf_addc(&t, b.data[i]);
	buf_free(&b);
	return t.data != NULL ? buf_take(&t) : xstrdup("");
}

/* Value of a hex digit, or -1. */
static int
t_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode a header value as a reader does, independently of mime.c:
 * unfold, decode =?UTF-8?B|Q?...?= words, drop white space between two
 * of them. Each word must decode to valid UTF-8 on its own (no character
 * split across words) and be at most 75 characters. Returns NULL on a
 * malformed word.
 */
static char *
decode_value(const char *raw)
{
	char		*v = unfold(raw), *p = v, *q, *end;
	struct buf	 b, w;
	size_t		 i;
	int		 last_word = 0, bits, d, e;
	uint32_t	 acc;

	buf_init(&b);
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			q = p;
			while (*q == ' ' || *q == '\t')
				q++;
			if (last_word && strncmp(q, "=?", 2) == 0) {
				p = q;
				continue;
			}
			buf_add(&b, p, (size_t)(q - p));
			p = q;
			last_word = 0;
			continue;
		}
		if (strncmp(p, "=?UTF-8?", 8) == 0 && (p[8] == 'B' ||
		    p[8] == 'Q') && p[9] == '?' &&
		    (end = strstr(p + 10, "?=")) != NULL) {
			if (end + 2 - p > 75)
				goto bad;
			buf_init(&w);
			acc = 0;
			bits = 0;
			for (q = p + 10; q < end; q++) {
				if (p[8] == 'Q') {
					if (*q == '_')
						buf_addc(&w, ' ');
					else if (*q != '=')
						buf_addc(&w, *q);
					else {
						d = t_hex(q[1]);
						e = t_hex(q[2]);
						if (d < 0 || e < 0)
							goto bad;
						buf_addc(&w, (char)(d * 16 + e));
						q += 2;
					}
					continue;
				}
				if (*q == '=')
					break;
				if ((d = t_b64(*q)) < 0)
					goto bad;
				acc = acc << 6 | (uint32_t)d;
				if ((bits += 6) >= 8) {
					bits -= 8;
					buf_addc(&w, (char)(acc >> bits));
				}
			}
			if (w.len != 0 && !utf8_valid(w.data, w.len, &i)) {
				buf_free(&w);
				goto bad;
			}
			if (w.len != 0)
				buf_add(&b, w.data, w.len);
			buf_free(&w);
			p = end + 2;
			last_word = 1;
			continue;
		}
		buf_addc(&b, *p++);
		last_word = 0;
	}
	free(v);
	return b.data != NULL ? buf_take(&b) : xstrdup("");
bad:
	free(v);
	buf_free(&b);
	return NULL;
}

/* Decode a quoted-printable body (CRLF) into text with LF line ends. */
static char *
qp_decode(const char *s)
{
	struct buf	b;

	buf_init(&b);
	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
			continue;
		}
		if (s[0] == '=' && t_hex(s[1]) >= 0 && t_hex(s[2]) >= 0) {
			buf_addc(&b, (char)(t_hex(s[1]) * 16 + t_hex(s[2])));
			s += 3;
			continue;
		}
		if (s[0] == '\r' && s[1] == '\n') {
			buf_addc(&b, '\n');
			s += 2;
			continue;
		}
		buf_addc(&b, *s++);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* Every line ends in CRLF (no bare CR or LF) and none passes max octets
 * (headers: hmax). */
static int
lines_ok(const char *m, size_t hmax, size_t bmax)
{
	size_t		 hl = hdr_len(m), line = 0, i;

	for (i = 0; m[i] != '\0'; i++) {
		if (m[i] == '\r') {
			if (m[i + 1] != '\n')
				return 0;
			if (line > (i < hl ? hmax : bmax))
				return 0;
			line = 0;
			i++;
			continue;
		}
		if (m[i] == '\n')
			return 0;
		line++;
	}
	return line == 0;
}

/* An issue of list 1 with the given From, Subject and body. */
static struct issue
mk_issue(const char *from, const char *subject, const char *body)
{
	struct issue	is;

	memset(&is, 0, sizeof is);
	is.id = 7;
	is.list_id = 1;
	is.list_name = xstrdup("members");
	is.from = xstrdup(from);
	is.reply_to = xstrdup("");
	is.subject = xstrdup(subject);
	is.body = xstrdup(body);
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	return is;
}

/* Fixed options: a known date, token and Message-ID. */
static struct render_options
mk_opts(void)
{
	struct render_options	o;

	memset(&o, 0, sizeof o);
	o.date = 1748944800;	/* Tue, 03 Jun 2025 10:00:00 +0000 */
	o.token = "abcdefghij234567abcd";
	o.message_id = "test.1";
	return o;
}

/* Render and return the message (allocated) or NULL with *cause. */
static char *
render(const struct issue *is, const struct recipient *r,
    const struct render_options *o, char **cause)
{
	struct buf	b;

	buf_init(&b);
	*cause = NULL;
	if (message_render(is, r, o, &b, cause) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static const struct recipient jane = { "jane@example.net", "Jane Doe",
	"{\"city\":\"Paris\",\"Plan\":\"gold\",\"empty\":\"\"}" };

/* ---- tests ---- */

/* The exact header layout for a plain ASCII issue. */
static void
test_layout(void)
{
	struct issue		is = mk_issue("Info <info@example.org>",
				    "News for {{name}}", "Hello {{name}}.\n");
	struct render_options	o = mk_opts();
	char			*m, *cause;

	free(is.reply_to);
	is.reply_to = xstrdup("Help Desk <help@example.org>");
	o.unsubscribe_url = "https://example.org/u";
	m = render(&is, &jane, &o, &cause);
	CHECK_STR(m, "Date: Tue, 03 Jun 2025 10:00:00 +0000\r\n"
	    "From: Info <info@example.org>\r\n"
	    "To: Jane Doe <jane@example.net>\r\n"
	    "Reply-To: Help Desk <help@example.org>\r\n"
	    "Subject: News for Jane Doe\r\n"
	    "Message-ID: <test.1@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "List-Unsubscribe:\r\n"
	    " <mailto:info@example.org?subject=unsubscribe%20abcdefghij234567abcd>,\r\n"
	    " <https://example.org/u?token=abcdefghij234567abcd>\r\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
	    "\r\n"
	    "Hello Jane Doe.\r\n");
	free(m);

	/* No https URI: mailto only, no Post; a random Message-ID. */
	o = mk_opts();
	o.message_id = NULL;
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "List-Unsubscribe-Post") == NULL);
	CHECK(m != NULL && strstr(m, "\r\nMessage-ID: <") != NULL &&
	    strstr(m, "@example.org>\r\n") != NULL);
	free(m);

	/* An http URI is listed but is not one-click. */
	o.unsubscribe_url = "http://example.org/u?list=1";
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<http://example.org/u?list=1&token="
	    "abcdefghij234567abcd>") != NULL);
	CHECK(m != NULL && strstr(m, "List-Unsubscribe-Post") == NULL);
	free(m);

	/* The issue's own mailto: replaces the From address. */
	free(is.unsubscribe);
	is.unsubscribe = xstrdup("mailto:leave@example.org");
	o.unsubscribe_url = NULL;
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<mailto:leave@example.org?subject="
	    "unsubscribe%20abcdefghij234567abcd>") != NULL);
	free(m);
	issue_free(&is);

	/* ASCII names with specials are quoted; a name that looks like an
	 * encoded-word is quoted too. */
	is = mk_issue("\"Doe, Jane (News)\" <info@example.org>", "x", "");
	o = mk_opts();
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "From: \"Doe, Jane (News)\" "
	    "<info@example.org>\r\n") != NULL);
	free(m);
	issue_free(&is);
	is = mk_issue("\"=?UTF-8?B?eA==?=\" <info@example.org>", "x", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "From: \"=?UTF-8?B?eA==?=\" "
	    "<info@example.org>\r\n") != NULL);
	free(m);
	issue_free(&is);
}

/* The List-Unsubscribe mailto: with VERP on, unsubscribe+TOKEN@ the
 * From domain; config unsubscribe_mailto instead when set; the issue's
 * own mailto before both; From with VERP off. The token is in the
 * subject every time. */
static void
test_unsubscribe_mailto(void)
{
	struct issue		is = mk_issue("Info <info@example.org>", "x",
				    "y\n");
	struct render_options	o = mk_opts();
	char			*m, *cause;

	o.verp = '+';
	o.unsubscribe_url = "https://example.org/u";
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "List-Unsubscribe:\r\n"
	    " <mailto:unsubscribe+abcdefghij234567abcd@example.org?subject="
	    "unsubscribe%20abcdefghij234567abcd>,\r\n"
	    " <https://example.org/u?token=abcdefghij234567abcd>\r\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != NULL);
	free(m);
	o.verp = '=';
	o.unsubscribe_url = NULL;
	m = render(&is, &jane, &o, &cause);
	/* RFC 6068: "=" is escaped in the address */
	CHECK(m != NULL && strstr(m, " <mailto:unsubscribe%3Dabcdefghij234567abcd"
	    "@example.org?subject=unsubscribe%20abcdefghij234567abcd>\r\n")
	    != NULL);
	free(m);
	o.unsubscribe_mailto = "Leave@Lists.Example.org";
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<mailto:Leave@lists.example.org?subject="
	    "unsubscribe%20abcdefghij234567abcd>\r\n") != NULL);
	free(m);
	o.verp = '\0';
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<mailto:Leave@lists.example.org?") !=
	    NULL);
	free(m);
	o.unsubscribe_mailto = NULL;
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<mailto:info@example.org?subject="
	    "unsubscribe%20abcdefghij234567abcd>") != NULL);
	free(m);
	/* the issue's own address first */
	free(is.unsubscribe);
	is.unsubscribe = xstrdup("mailto:own@example.org");
	o.verp = '+';
	o.unsubscribe_mailto = "leave@example.org";
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "<mailto:own@example.org?subject="
	    "unsubscribe%20abcdefghij234567abcd>") != NULL);
	free(m);
	/* a token VERP cannot carry is refused, not sent without one */
	free(is.unsubscribe);
	is.unsubscribe = NULL;
	o.unsubscribe_mailto = NULL;
	o.token = "short1";
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL && cause != NULL);
	free(cause);
	issue_free(&is);
}

/* Inputs a fuzzer found: nothing decoded, and trailing white space. */
static void
test_mime_edges(void)
{
	struct issue		 is;
	struct render_options	 o = mk_opts();
	struct buf		 b;
	char			*m, *cause, subj[200];
	size_t			 col;

	/* White space then a non-word: nothing to decode into yet. */
	buf_init(&b);
	CHECK(mime_decode_words(&b, " e", 2) == 0);
	CHECK_STR(b.data, " e");
	buf_free(&b);
	buf_init(&b);
	CHECK(mime_decode_words(&b, "\r\n\t", 3) == 0);
	buf_free(&b);

	/* Trailing white space is dropped, never left past 78 columns. */
	snprintf(subj, sizeof subj, "%s%60s", "A subject of some length that "
	    "goes on and on until it is long", "");
	is = mk_issue("Info <info@example.org>", subj, "b\n");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && lines_ok(m, 78, 78));
	CHECK(m != NULL && strstr(m, "until it is long\r\n") != NULL);
	free(m);
	issue_free(&is);
	buf_init(&b);
	col = 9;
	mime_unstructured(&b, "word   ", 7, &col);
	CHECK_STR(b.data, "word");
	CHECK_INT(col, 13);
	buf_free(&b);
}

/* Non-ASCII headers become encoded-words that decode back, folded. */
static void
test_encoded_words(void)
{
	const char *subject = "お知らせ：新しいサービスの開始について、"
	    "詳しくは本文をご覧ください。ご質問はお気軽にどうぞ";
	const char *sender = "山田 広報部";
	struct recipient	 r = { "taro@example.jp", "山田 太郎", "{}" };
	struct issue		 is;
	struct render_options	 o = mk_opts();
	struct buf		 db;
	char			*m, *cause, *raw, *dec, *from;

	from = xprintf("%s <info@example.org>", sender);
	is = mk_issue(from, subject, "こんにちは {{name}} さん。\n"
	    "東京からのお知らせです。\n");
	m = render(&is, &r, &o, &cause);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "%s\n", cause);
		return;
	}
	CHECK(lines_ok(m, 77, 76));
	raw = hdr_raw(m, "Subject");
	CHECK(raw != NULL && strncmp(raw, "=?UTF-8?B?", 10) == 0);
	CHECK(raw != NULL && strstr(raw, "\r\n ") != NULL);	/* folded */
	dec = raw != NULL ? decode_value(raw) : NULL;
	CHECK_STR(dec, subject);
	free(raw);
	free(dec);
	raw = hdr_raw(m, "From");
	dec = raw != NULL ? decode_value(raw) : NULL;
	CHECK_STR(dec, from);
	free(raw);
	free(dec);
	/* mime_decode_words (for the console) agrees with this decoder. */
	raw = hdr_raw(m, "Subject");
	buf_init(&db);
	CHECK(raw != NULL && mime_decode_words(&db, raw, strlen(raw)) == 0);
	CHECK_STR(db.data, subject);
	buf_free(&db);
	free(raw);
	raw = hdr_raw(m, "To");
	dec = raw != NULL ? decode_value(raw) : NULL;
	CHECK_STR(dec, "山田 太郎 <taro@example.jp>");
	free(raw);
	free(dec);
	/* The body: base64 by default for Japanese (quoted-printable would
	 * be three times its size), decoding back. */
	CHECK(strstr(m, "Content-Transfer-Encoding: base64\r\n") != NULL);
	dec = b64_body_decode(body_of(m));
	CHECK_STR(dec, "こんにちは 山田 太郎 さん。\n東京からのお知らせです。\n");
	free(dec);
	free(m);

	/* 8bit on request: the UTF-8 goes as it is. */
	free(is.encoding);
	is.encoding = xstrdup("8bit");
	m = render(&is, &r, &o, &cause);
	CHECK(m != NULL && strstr(m, "Content-Transfer-Encoding: 8bit\r\n") !=
	    NULL);
	CHECK(m != NULL && strcmp(body_of(m), "こんにちは 山田 太郎 さん。"
	    "\r\n東京からのお知らせです。\r\n") == 0);
	free(m);
	issue_free(&is);
	free(from);

	/* Mostly ASCII goes as Q; very long text folds under 78 columns. */
	is = mk_issue("Café Crème <info@example.org>", "Crème brûlée "
	    "tonight: déjà vu at the café, with a very long subject line "
	    "that needs several encoded-words to fit, and some more "
	    "text for good measure", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "From: =?UTF-8?Q?Caf=C3=A9_Cr=C3=A8me?="
	    " <info@example.org>\r\n") != NULL);
	CHECK(m != NULL && lines_ok(m, 77, 76));
	raw = m != NULL ? hdr_raw(m, "Subject") : NULL;
	dec = raw != NULL ? decode_value(raw) : NULL;
	CHECK_STR(dec, is.subject);
	free(raw);
	free(dec);
	free(m);
	issue_free(&is);

	/* Long ASCII subjects fold at white space and unfold exactly. */
	is = mk_issue("Info <info@example.org>", "A plain subject that is "
	    "long enough to need folding somewhere after column seventy-eight "
	    "and then once more for good measure, really", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && lines_ok(m, 78, 76));
	raw = m != NULL ? hdr_raw(m, "Subject") : NULL;
	CHECK(raw != NULL && strstr(raw, "\r\n ") != NULL &&
	    strstr(raw, "=?") == NULL);
	dec = raw != NULL ? unfold(raw) : NULL;
	CHECK_STR(dec, is.subject);
	free(raw);
	free(dec);
	free(m);
	issue_free(&is);

	/* A word too long to fold goes as encoded-words. */
	is = mk_issue("Info <info@example.org>", "see https://example.org/"
	    "a/very/long/path/that/cannot/be/folded/anywhere/at/all/because/"
	    "it/has/no/spaces", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && lines_ok(m, 77, 76));
	raw = m != NULL ? hdr_raw(m, "Subject") : NULL;
	dec = raw != NULL ? decode_value(raw) : NULL;
	CHECK_STR(dec, is.subject);
	free(raw);
	free(dec);
	free(m);
	issue_free(&is);
}

/* A word too long for one folded line (70 letters). */
#define LONG_WORD \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* The display name of a decoded "NAME <info@example.org>", unquoted. */
static int
display_name(const char *v, char *out, size_t outlen)
{
	const char	*tail = " <info@example.org>";
	size_t		 len = strlen(v), tl = strlen(tail), i, o = 0;

	if (len < tl || strcmp(v + len - tl, tail) != 0)
		return -1;
	len -= tl;
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		for (i = 1; i + 1 < len && o + 1 < outlen; i++) {
			if (v[i] == '\\')
				i++;
			out[o++] = v[i];
		}
	} else
		for (i = 0; i < len && o + 1 < outlen; i++)
			out[o++] = v[i];
	out[o] = '\0';
	return 0;
}

/* Random Subjects and display names: every header line under 79 columns,
 * and each decodes back to what was written. */
static void
test_random_headers(void)
{
	static const char *const pool[] = { "a", "word", "Info", " ", "  ",
	    "\t", "é", "日本語", "😀", "=?", "?=", "_", "=", "\"", "\\", ",",
	    "(x)", "<", ".", "Ünïcödé", "x", LONG_WORD, "          " };
	struct render_options	 o = mk_opts();
	struct issue		 is;
	struct buf		 subj, name, from;
	const char		*why;
	char			 n1[ADDR_NAME_MAX + 1], n2[ADDR_NAME_MAX + 1];
	char			 a[ADDR_MAX + 1];
	char			*m, *cause, *raw, *dec;
	size_t			 i, k, parts;
	int			 bad = 0, ok, tried = 0;

	srand(4);
	for (i = 0; i < 400; i++) {
		buf_init(&subj);
		buf_init(&name);
		buf_init(&from);
		parts = 1 + (size_t)rand() % 30;
		for (k = 0; k < parts; k++)
			buf_adds(&subj, pool[rand() % (int)nitems(pool)]);
		parts = 1 + (size_t)rand() % 8;
		for (k = 0; k < parts; k++)
			buf_adds(&name, pool[rand() % (int)nitems(pool)]);
		/* Quote the name in the From so specials survive parsing. */
		buf_addc(&from, '"');
		for (k = 0; k < name.len; k++) {
			if (name.data[k] == '"' || name.data[k] == '\\')
				buf_addc(&from, '\\');
			buf_addc(&from, name.data[k]);
		}
		buf_adds(&from, "\" <info@example.org>");
		if (addr_parse_mailbox(from.data, from.len, n1, a, &why) == -1 ||
		    *n1 == '\0' || strspn(subj.data, " \t") == subj.len)
			goto next;	/* no name, or no Subject: not the point */
		is = mk_issue(from.data, subj.data, "b\n");
		m = render(&is, &jane, &o, &cause);
		tried++;
		ok = m != NULL && lines_ok(m, 78, 998);
		raw = m != NULL ? hdr_raw(m, "Subject") : NULL;
		dec = raw != NULL ? decode_value(raw) : NULL;
		/* Trailing white space is dropped (it cannot be folded). */
		while (subj.len > 0 && (subj.data[subj.len - 1] == ' ' ||
		    subj.data[subj.len - 1] == '\t'))
			subj.data[--subj.len] = '\0';
		ok = ok && dec != NULL && strcmp(dec, subj.data) == 0;
		free(raw);
		free(dec);
		raw = m != NULL ? hdr_raw(m, "From") : NULL;
		dec = raw != NULL ? decode_value(raw) : NULL;
		ok = ok && dec != NULL && display_name(dec, n2, sizeof n2) == 0 &&
		    strcmp(n1, n2) == 0;
		if (!ok && bad++ < 3)
			fprintf(stderr, "random %zu: subject [%s] name [%s]:\n"
			    "%s\n", i, subj.data, n1, m != NULL ? m : cause);
		free(raw);
		free(dec);
		free(m);
		issue_free(&is);
next:
		buf_free(&subj);
		buf_free(&name);
		buf_free(&from);
	}
	CHECK_INT(bad, 0);
	CHECK(tried > 300);
}

/* Line breaks in header values from outside are refused, naming them. */
static void
test_injection(void)
{
	struct issue		 is;
	struct render_options	 o = mk_opts();
	struct recipient	 r;
	char			*m, *cause;

	is = mk_issue("Info <info@example.org>\r\nBcc: victim@example.com",
	    "x", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL && cause != NULL && strncmp(cause, "From:", 5) == 0 &&
	    strstr(cause, "line break") != NULL);
	free(cause);
	CHECK(message_check(&is, NULL, 0, &cause) == -1);
	free(cause);
	issue_free(&is);

	is = mk_issue("Info <info@example.org>", "Hi\nBcc: victim@example.com",
	    "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL && cause != NULL && strncmp(cause, "Subject:", 8) == 0);
	free(cause);
	free(is.subject);
	is.subject = xstrdup("Hi\rthere");
	CHECK(message_check(&is, NULL, 0, &cause) == -1 &&
	    strstr(cause, "Subject") != NULL);
	free(cause);
	free(is.subject);
	is.subject = xstrdup("ok");
	free(is.reply_to);
	is.reply_to = xstrdup("help@example.org\nBcc: x@example.com");
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL && cause != NULL && strncmp(cause, "Reply-To:", 9) ==
	    0);
	free(cause);
	free(is.reply_to);
	is.reply_to = xstrdup("");

	r = jane;
	r.name = "Jane\r\nBcc: victim@example.com";
	m = render(&is, &r, &o, &cause);
	CHECK(m == NULL && cause != NULL && strncmp(cause, "To", 2) == 0 &&
	    strstr(cause, "name") != NULL);
	free(cause);
	r = jane;
	r.addr = "jane@example.net\r\nBcc: x@example.com";
	m = render(&is, &r, &o, &cause);
	CHECK(m == NULL && cause != NULL && strncmp(cause, "To", 2) == 0);
	free(cause);

	/* A merged value with a line break cannot break the Subject. */
	r = jane;
	r.attrs = "{\"city\":\"Paris\\r\\nBcc: victim@example.com\"}";
	free(is.subject);
	is.subject = xstrdup("News from {{city}}");
	m = render(&is, &r, &o, &cause);
	CHECK(m != NULL && strstr(m, "Subject: News from Paris  Bcc: "
	    "victim@example.com\r\n") != NULL);
	CHECK(m != NULL && strstr(m, "\r\nBcc:") == NULL);
	free(m);

	/* A token or Message-ID that is not safe is refused. */
	o.token = "abc\r\nX: y";
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL);
	free(cause);
	o = mk_opts();
	o.message_id = "a b@c";
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL);
	free(cause);
	o = mk_opts();
	o.unsubscribe_url = "https://example.org/u\r\nX: y";
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL);
	free(cause);
	issue_free(&is);
}

/* Merge fields: values, defaults, escapes, errors at check time. */
static void
test_merge(void)
{
	static char		 a1[] = "City", a2[] = "Plan", a3[] = "empty";
	char *const		 attrs[] = { a1, a2, a3 };
	struct issue		 is;
	struct render_options	 o = mk_opts();
	struct recipient	 r = { "bob@example.net", "", "{}" };
	char			*m, *cause;

	is = mk_issue("Info <info@example.org>", "{{ name | there }}",
	    "Hi {{name|there}} <{{email}}>, {{city}} {{PLAN}} "
	    "[{{empty|none}}] {{{{literal}} {{nosuch|dflt}}\n");
	CHECK(message_check(&is, attrs, 3, &cause) == 0);
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strcmp(body_of(m), "Hi Jane Doe <jane@example.net>"
	    ", Paris gold [none] {{literal}} dflt\r\n") == 0);
	CHECK(m != NULL && strstr(m, "Subject: Jane Doe\r\n") != NULL);
	free(m);
	m = render(&is, &r, &o, &cause);
	CHECK(m != NULL && strcmp(body_of(m), "Hi there <bob@example.net>, "
	    "  [none] {{literal}} dflt\r\n") == 0);
	CHECK(m != NULL && strstr(m, "Subject: there\r\n") != NULL);
	free(m);

	/* The fields an issue uses, once each, for the console. */
	{
		char	**names;
		size_t	  n, i;

		CHECK(merge_fields(is.body, strlen(is.body), &names, &n,
		    &cause) == 0 && n == 6);
		CHECK(n == 6 && strcmp(names[0], "name") == 0 &&
		    strcmp(names[5], "nosuch") == 0);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	{
		char	**names, **values;
		size_t	  n;

		CHECK(message_merge_values(&is, &jane, &names, &values, &n,
		    &cause) == 0 && n == 6);
		CHECK(n == 6 && strcmp(names[0], "name") == 0 &&
		    strcmp(values[0], "Jane Doe") == 0 &&
		    strcmp(names[2], "city") == 0 &&
		    strcmp(values[2], "Paris") == 0 &&
		    strcmp(names[3], "PLAN") == 0 &&
		    strcmp(values[3], "gold") == 0 && values[4] == NULL &&
		    values[5] == NULL);
		message_merge_free(names, values, n);
	}
	issue_free(&is);

	/* A field nobody can fill is an error naming it and its line. */
	is = mk_issue("Info <info@example.org>", "Hi", "one\ntwo {{town}}\n");
	CHECK(message_check(&is, attrs, 3, &cause) == -1 && cause != NULL &&
	    strstr(cause, "body line 2") != NULL &&
	    strstr(cause, "{{town}}") != NULL);
	free(cause);
	free(is.body);
	is.body = xstrdup("ok\n");
	free(is.subject);
	is.subject = xstrdup("For {{nickname}}");
	CHECK(message_check(&is, attrs, 3, &cause) == -1 && cause != NULL &&
	    strncmp(cause, "Subject:", 8) == 0 &&
	    strstr(cause, "{{nickname}}") != NULL);
	free(cause);
	/* Syntax errors. */
	free(is.subject);
	is.subject = xstrdup("Hi {{name");
	CHECK(message_check(&is, attrs, 3, &cause) == -1 && cause != NULL &&
	    strstr(cause, "not closed") != NULL);
	free(cause);
	free(is.subject);
	is.subject = xstrdup("Hi {{}}");
	CHECK(message_check(&is, attrs, 3, &cause) == -1);
	free(cause);
	free(is.subject);
	is.subject = xstrdup("Hi {{a{b}}");
	CHECK(message_check(&is, attrs, 3, &cause) == -1);
	free(cause);
	free(is.subject);
	is.subject = xstrdup("   ");
	CHECK(message_check(&is, attrs, 3, &cause) == -1 && cause != NULL &&
	    strstr(cause, "Subject") != NULL);
	free(cause);
	issue_free(&is);
}

/* Bodies: dots, empty, 1 MB, bare CR/LF, long lines, invalid UTF-8. */
static void
test_bodies(void)
{
	struct issue		 is;
	struct render_options	 o = mk_opts();
	char			*m, *cause, *big, *dec;
	size_t			 i;

	is = mk_issue("Info <info@example.org>", "dots", ".\n..\n...\n.");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strcmp(body_of(m), ".\r\n..\r\n...\r\n.\r\n") == 0);
	CHECK(m != NULL && strstr(m, "Content-Transfer-Encoding: 7bit") !=
	    NULL);
	free(m);
	issue_free(&is);

	is = mk_issue("Info <info@example.org>", "empty", "");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && *body_of(m) == '\0' && lines_ok(m, 998, 998));
	free(m);
	issue_free(&is);

	/* Bare CR and LF become CRLF: nothing can end the message early. */
	is = mk_issue("Info <info@example.org>", "crlf",
	    "a\rb\nc\r\nd\r\r\n.\r\nQUIT\n");
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strcmp(body_of(m),
	    "a\r\nb\r\nc\r\nd\r\n\r\n.\r\nQUIT\r\n") == 0);
	CHECK(m != NULL && lines_ok(m, 998, 998));
	free(m);
	issue_free(&is);

	/* 1 MB on one line: quoted-printable, lines of at most 76. */
	big = xmalloc((1 << 20) + 1);
	for (i = 0; i < 1 << 20; i++)
		big[i] = (char)('a' + i % 26);
	big[1 << 20] = '\0';
	is = mk_issue("Info <info@example.org>", "big", big);
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "quoted-printable") != NULL);
	CHECK(m != NULL && lines_ok(m, 998, 76));
	dec = m != NULL ? qp_decode(body_of(m)) : NULL;
	CHECK(dec != NULL && strlen(dec) == (1 << 20) + 1 &&
	    memcmp(dec, big, 1 << 20) == 0);
	free(dec);
	free(m);
	issue_free(&is);
	/* 1 MB of short lines: 7bit, as it is. */
	for (i = 0; i < 1 << 20; i++)
		big[i] = i % 64 == 63 ? '\n' : 'x';
	is = mk_issue("Info <info@example.org>", "big", big);
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "Content-Transfer-Encoding: 7bit") !=
	    NULL && strlen(body_of(m)) == (1 << 20) + (1 << 14));
	free(m);
	issue_free(&is);
	free(big);

	/* An ASCII line of 79 octets, trailing white space, a tab, an
	 * escape character: quoted-printable that decodes back. */
	is = mk_issue("Info <info@example.org>", "qp", "");
	free(is.body);
	is.body = xprintf("%079d\ntrailing \nta\tb\nesc\033[1m\n= sign\n", 0);
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "quoted-printable") != NULL);
	CHECK(m != NULL && strstr(body_of(m), "trailing=20\r\n") != NULL);
	CHECK(m != NULL && strstr(body_of(m), "=3D sign") != NULL);
	CHECK(m != NULL && lines_ok(m, 998, 76));
	dec = m != NULL ? qp_decode(body_of(m)) : NULL;
	CHECK_STR(dec, is.body);
	free(dec);
	free(m);
	/* 8bit on request still uses QP for a line over 998 octets. */
	free(is.encoding);
	is.encoding = xstrdup("8bit");
	free(is.body);
	big = xmalloc(1200);
	memset(big, 'y', 1199);
	big[1199] = '\0';
	is.body = xprintf("é\n%s\n", big);
	free(big);
	m = render(&is, &jane, &o, &cause);
	CHECK(m != NULL && strstr(m, "quoted-printable") != NULL &&
	    lines_ok(m, 998, 76));
	free(m);
	issue_free(&is);

	/* Invalid UTF-8 is refused with the line. */
	is = mk_issue("Info <info@example.org>", "bad", "ok\nok\nbad \xff\n");
	CHECK(message_check(&is, NULL, 0, &cause) == -1 && cause != NULL &&
	    strstr(cause, "body line 3") != NULL &&
	    strstr(cause, "UTF-8") != NULL);
	free(cause);
	m = render(&is, &jane, &o, &cause);
	CHECK(m == NULL);
	free(cause);
	free(is.body);
	is.body = xstrdup("");
	free(is.subject);
	is.subject = xstrdup("bad \xc3\x28");
	CHECK(message_check(&is, NULL, 0, &cause) == -1 && cause != NULL &&
	    strstr(cause, "Subject") != NULL);
	free(cause);
	issue_free(&is);
	CHECK(message_check_text("f", "a\nb\0c", 5, &cause) == -1 &&
	    cause != NULL && strstr(cause, "line 2") != NULL &&
	    strstr(cause, "NUL") != NULL);
	free(cause);
}

/* Issues, meta and tokens in the store; message_build records tokens. */
static void
test_store(struct store **stp)
{
	struct store		*st;
	struct issue		 is, got, *v;
	struct buf		 b;
	enum store_put		 put;
	char			*path, *cause = NULL, *val, *addr;
	char			 t1[MESSAGE_TOKEN_LEN + 1], t2[sizeof t1];
	int64_t			 list, imp;
	size_t			 n, i;

	path = xprintf("%s/herald.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	free(path);
	*stp = st;
	CHECK(store_list_create(st, "members", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 1, "jane@example.net",
	    "Jane Doe", "{\"city\":\"Paris\"}", &put, NULL, &cause) == 0);

	is = mk_issue("Info <info@example.org>", "Hi {{city}}", "b\n");
	is.list_id = list;
	CHECK(message_check_list(st, &is, &cause) == 0);
	CHECK(store_issue_add(st, &is, &cause) == 0 && is.id > 0);
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Hi {{city}}");
	CHECK_STR(got.list_name, "members");
	CHECK_STR(got.encoding, "auto");
	free(got.subject);
	got.subject = xstrdup("Changed");
	CHECK(store_issue_update(st, &got, &cause) == 0);
	issue_free(&got);
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Changed");
	issue_free(&got);
	CHECK(store_issue_get(st, 999, &got, &cause) == 1);
	CHECK(store_issues(st, &v, &n, &cause) == 0 && n == 1);
	for (i = 0; i < n; i++)
		issue_free(&v[i]);
	free(v);

	CHECK(store_meta_get(st, "k", &val, &cause) == 1);
	CHECK(store_meta_set(st, "k", "v1", &cause) == 0);
	CHECK(store_meta_set(st, "k", "v2", &cause) == 0);
	CHECK(store_meta_get(st, "k", &val, &cause) == 0);
	CHECK_STR(val, "v2");
	free(val);

	/* Tokens: stable per issue and address, recorded, distinct. */
	CHECK(message_token(st, is.id, "jane@example.net", t1, &cause) == 0);
	CHECK(message_token(st, is.id, "jane@example.net", t2, &cause) == 0);
	CHECK_STR(t1, t2);
	CHECK(strlen(t1) == MESSAGE_TOKEN_LEN && message_is_token(t1));
	CHECK(message_token(st, is.id + 1, "jane@example.net", t2,
	    &cause) == 0 && strcmp(t1, t2) != 0);
	CHECK(store_token_find(st, t1, &addr, &cause) == 0);
	CHECK_STR(addr, "jane@example.net");
	free(addr);
	CHECK(store_token_find(st, "aaaaaaaaaaaaaaaaaaaa", &addr, &cause) == 1);
	CHECK(!message_is_token("abc") && !message_is_token("a@b.c"));

	/* Under a known secret the tokens are HMAC-SHA256 of "ID\nADDR",
	 * 100 bits in base32 (Python's hmac gives the same), made one by
	 * one or many with one keyed MAC. */
	{
		struct message_tokens	*tk;

		CHECK(store_meta_set(st, "unsubscribe_secret",
		    "00112233445566778899aabbccddeeff"
		    "00112233445566778899aabbccddeeff", &cause) == 0);
		CHECK(message_token(st, 7, "jane@example.net", t1,
		    &cause) == 0);
		CHECK_STR(t1, "47f3pqbqk4qyi2k7gnvp");
		CHECK((tk = message_tokens_new(st, &cause)) != NULL);
		CHECK(message_tokens_make(tk, st, 7, "bob@example.org", t2,
		    &cause) == 0);
		CHECK_STR(t2, "fgvzv5wg7sy523hl4npk");
		CHECK(message_tokens_make(tk, st, 7, "jane@example.net", t2,
		    &cause) == 0);
		CHECK_STR(t2, "47f3pqbqk4qyi2k7gnvp");
		message_tokens_free(tk);
		CHECK(message_token(st, is.id, "jane@example.net", t1,
		    &cause) == 0);
	}

	/* message_build without a token makes and records one. */
	buf_init(&b);
	CHECK(message_build(st, &is, &jane, NULL, NULL, &b, &cause) == 0);
	CHECK(b.data != NULL && strstr(b.data, t1) != NULL);
	buf_free(&b);
	issue_free(&is);
}

/* The edit file round-trips; errors name what is wrong. */
static void
test_edit_parse(struct store *st)
{
	struct issue	 is, keep;
	char		*text, *cause = NULL;
	const char	*bad[][2] = {
		{ "From: Info <info@example.org>\nSubject: s\nList: members\n"
		  "Frm: x\n\nb\n", "unknown header 'Frm'" },
		{ "From: Info <info@example.org>\nList: members\n\nb\n",
		  "Subject: missing" },
		{ "From: Info <info@example.org>\nSubject: a\rb\nList: "
		  "members\n\nb\n", "line break" },
		{ "From: nobody\nSubject: s\nList: members\n\nb\n", "From:" },
		{ "From: Info <info@example.org>\nSubject: s\nList: nosuch\n"
		  "\nb\n", "no list named 'nosuch'" },
		{ "From: Info <info@example.org>\nSubject: s\nList: members\n"
		  "\nHi {{town}}\n", "{{town}}" },
		{ "From: Info <info@example.org>\nSubject: s\nSubject: t\n"
		  "List: members\n\nb\n", "given twice" },
		{ "From: Info <info@example.org>\nnot a header\n\nb\n",
		  "line 2" },
	};
	size_t		 i;

	is = mk_issue("Info <info@example.org>", "Hello {{name}}",
	    "Body line\n\nFrom: not a header, the body\n");
	text = message_edit_text(&is, NULL);
	CHECK(strstr(text, "\nFrom: Info <info@example.org>\nReply-To: \n"
	    "Subject: Hello {{name}}\nList: members\n") != NULL);
	memset(&keep, 0, sizeof keep);
	keep.id = 3;
	CHECK(message_edit_parse(st, text, strlen(text), &keep, &cause) == 0);
	CHECK_STR(keep.subject, "Hello {{name}}");
	CHECK_STR(keep.body, "Body line\n\nFrom: not a header, the body\n");
	CHECK_STR(keep.list_name, "members");
	CHECK(keep.list_id != 0 && keep.id == 3);
	free(text);
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		CHECK(message_edit_parse(st, bad[i][0], strlen(bad[i][0]),
		    &keep, &cause) == -1);
		if (cause == NULL || strstr(cause, bad[i][1]) == NULL)
			fprintf(stderr, "edit %zu: got '%s', want '%s'\n", i,
			    cause != NULL ? cause : "(none)", bad[i][1]);
		CHECK(cause != NULL && strstr(cause, bad[i][1]) != NULL);
		free(cause);
	}
	/* Unchanged after errors. */
	CHECK_STR(keep.subject, "Hello {{name}}");
	/* Only comments and blank lines: empty. */
	CHECK(message_edit_parse(st, "# x\n\n  \n", 8, &keep, &cause) == 1);
	/* Folded header lines join with one space; CRLF files are fine. */
	text = xstrdup("From: Info\r\n  <info@example.org>\r\nSubject: a\r\n"
	    " b\r\nList: members\r\n\r\nbody\r\n");
	CHECK(message_edit_parse(st, text, strlen(text), &keep, &cause) == 0);
	CHECK_STR(keep.subject, "a b");
	CHECK_STR(keep.from, "Info <info@example.org>");
	free(text);
	issue_free(&keep);
	issue_free(&is);
}

/* Header values that start on a continuation line: no leading space. */
static void
test_edit_fold_empty(struct store *st)
{
	struct issue	 keep;
	char		*cause = NULL;
	const char	*text = "From: Info <info@example.org>\nSubject: s\n"
	    "List:\n members\nUnsubscribe:\n  mailto:leave@example.org\n"
	    "Encoding:\t\n\t8bit\n\nbody\n";

	memset(&keep, 0, sizeof keep);
	CHECK(message_edit_parse(st, text, strlen(text), &keep, &cause) == 0);
	if (cause != NULL)
		fprintf(stderr, "fold onto empty: %s\n", cause);
	free(cause);
	CHECK_STR(keep.list_name, "members");
	CHECK_STR(keep.unsubscribe, "mailto:leave@example.org");
	CHECK_STR(keep.encoding, "8bit");
	issue_free(&keep);
}

struct fake_editor {
	int		 runs;
	const char	*writes[4];	/* what each run leaves; NULL: nothing */
	char		*seen[4];	/* what each run found */
	mode_t		 mode;
	const char	*sql;		/* run on the database meanwhile */
};

/* A message_editor_fn that edits the file as a script would. */
static int
fake_editor(char *const argv[], void *arg, char **cause)
{
	struct fake_editor	*f = arg;
	const char		*path = argv[4];
	struct stat		 sb;
	FILE			*fp;
	char			 buf[8192];
	size_t			 n;

	(void)cause;
	if (stat(path, &sb) == 0)
		f->mode = sb.st_mode & 0777;
	fp = fopen(path, "r");
	n = fp != NULL ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	buf[n] = '\0';
	if (fp != NULL)
		fclose(fp);
	if (f->runs < 4)
		f->seen[f->runs] = xstrdup(buf);
	if (f->runs < 4 && f->writes[f->runs] != NULL) {
		fp = fopen(path, "w");
		fputs(f->writes[f->runs], fp);
		fclose(fp);
	}
	f->runs++;
	if (f->sql != NULL) {
		char	*db = xprintf("%s/herald.db", dir);
		sqlite3	*h;

		if (sqlite3_open(db, &h) != SQLITE_OK ||
		    sqlite3_exec(h, f->sql, NULL, NULL, NULL) != SQLITE_OK)
			f->runs = 100;
		sqlite3_close(h);
		free(db);
	}
	return 0;	/* a wait status: exited 0 */
}

/* The editor loop: save, unchanged, reopen with the error, abort. */
static void
test_edit_loop(struct store *st)
{
	struct issue			 is, got;
	struct fake_editor		 f;
	enum message_edit_result	 res;
	char				*cause = NULL;
	int64_t				 list;
	int				 i;

	CHECK(store_list_find(st, "members", &list, &cause) == 0);
	is = mk_issue("Info <info@example.org>", "First", "body\n");
	is.list_id = list;
	CHECK(store_issue_add(st, &is, &cause) == 0);

	/* Unchanged. */
	memset(&f, 0, sizeof f);
	CHECK(message_edit(st, &is, fake_editor, &f, &res, &cause) == 0);
	CHECK(res == MESSAGE_EDIT_UNCHANGED && f.runs == 1 && f.mode == 0600);
	CHECK(f.seen[0] != NULL && strstr(f.seen[0], "\nSubject: First\n") !=
	    NULL);
	free(f.seen[0]);

	/* An error, then fixed on the second run. */
	memset(&f, 0, sizeof f);
	f.writes[0] = "From: Info <info@example.org>\nSubject: Second\n"
	    "List: nosuch\n\nnew body\n";
	f.writes[1] = "From: Info <info@example.org>\nSubject: Second\n"
	    "List: members\n\nnew body\n";
	CHECK(message_edit(st, &is, fake_editor, &f, &res, &cause) == 0);
	CHECK(res == MESSAGE_EDIT_SAVED && f.runs == 2);
	CHECK(f.seen[1] != NULL && strncmp(f.seen[1], "# error: List: no list "
	    "named 'nosuch'", 34) == 0);
	CHECK(f.seen[1] != NULL && strstr(f.seen[1], "List: nosuch\n") != NULL);
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Second");
	CHECK_STR(got.body, "new body\n");
	issue_free(&got);
	for (i = 0; i < 4; i++)
		free(f.seen[i]);

	/* An error, then left as it was: aborted, issue unchanged. */
	memset(&f, 0, sizeof f);
	f.writes[0] = "From: Info <info@example.org>\nList: members\n\nx\n";
	CHECK(message_edit(st, &is, fake_editor, &f, &res, &cause) == 0);
	CHECK(res == MESSAGE_EDIT_ABORTED && f.runs == 2);
	for (i = 0; i < 4; i++)
		free(f.seen[i]);
	/* A new issue (id 0) is added only when saved. */
	{
		struct issue	fresh;

		fresh = mk_issue("Info <info@example.org>", "", "");
		fresh.id = 0;
		memset(&f, 0, sizeof f);
		f.writes[0] = "From: Info <info@example.org>\nSubject: Brand "
		    "new\nList: members\n\nhello\n";
		CHECK(message_edit(st, &fresh, fake_editor, &f, &res,
		    &cause) == 0);
		CHECK(res == MESSAGE_EDIT_SAVED && fresh.id > is.id);
		CHECK(f.seen[0] != NULL && strncmp(f.seen[0], "# A new herald "
		    "issue", 20) == 0);
		CHECK(store_issue_get(st, fresh.id, &got, &cause) == 0);
		CHECK_STR(got.subject, "Brand new");
		issue_free(&got);
		issue_free(&fresh);
		for (i = 0; i < 4; i++)
			free(f.seen[i]);
	}
	/* Emptied: aborted. */
	memset(&f, 0, sizeof f);
	f.writes[0] = "";
	CHECK(message_edit(st, &is, fake_editor, &f, &res, &cause) == 0);
	CHECK(res == MESSAGE_EDIT_ABORTED && f.runs == 1);
	for (i = 0; i < 4; i++)
		free(f.seen[i]);
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Second");
	issue_free(&got);

	/* A send starts while the editor is open: the issue keeps its text
	 * and the edit is not lost but saved as a new issue. */
	{
		int64_t	 id = is.id;
		char	*sql;

		sql = xprintf("INSERT INTO sends (id, created_at, updated_at)"
		    " VALUES (%lld, 0, 0)", (long long)id);
		memset(&f, 0, sizeof f);
		f.writes[0] = "From: Info <info@example.org>\nSubject: Edited "
		    "meanwhile\nList: members\n\nedited body\n";
		f.sql = sql;
		CHECK(message_edit(st, &is, fake_editor, &f, &res,
		    &cause) == 0);
		CHECK(res == MESSAGE_EDIT_COPIED && f.runs == 1);
		CHECK(is.id > id);
		CHECK(store_issue_get(st, id, &got, &cause) == 0);
		CHECK_STR(got.subject, "Second");
		issue_free(&got);
		CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
		CHECK_STR(got.subject, "Edited meanwhile");
		CHECK_STR(got.body, "edited body\n");
		issue_free(&got);
		for (i = 0; i < 4; i++)
			free(f.seen[i]);
		free(sql);
	}
	issue_free(&is);
}

struct key_table {
	const char	*name;
	char		*value;
};

/* A dkim_lookup_fn over one record. */
static int
key_lookup(void *arg, const char *name, char **txt, size_t *len, char **why)
{
	struct key_table	*k = arg;

	(void)why;
	if (strcmp(name, k->name) != 0)
		return 1;
	*txt = xstrdup(k->value);
	*len = strlen(k->value);
	return 0;
}

/* A Japanese issue signed with a fresh key verifies. */
static void
test_signed(struct store *st)
{
	struct dkim_key		 key;
	struct dkim_signer	*signer;
	struct dkim_verdict	 v;
	struct key_table	 kt;
	struct issue		 is;
	struct recipient	 r = { "taro@example.jp", "山田 太郎", "{}" };
	struct buf		 b;
	char			*cause = NULL, *db;

	db = xprintf("%s/herald.db", dir);
	memset(&key, 0, sizeof key);
	if (dkim_keygen(st, db, "example.org", "sel", DKIM_RSA2048, &key,
	    &cause) == -1) {
		fprintf(stderr, "keygen: %s\n", cause);
		CHECK(0);
		free(db);
		return;
	}
	free(db);
	CHECK_INT(store_dkim_set_active(st, "example.org", "sel", 1, &cause),
	    0);
	signer = dkim_signer_new(st, "example.org", &cause);
	CHECK(signer != NULL);
	if (signer == NULL)
		return;
	is = mk_issue("山田 広報部 <info@example.org>", "お知らせ：{{name}}様",
	    "こんにちは。\n.\n");
	buf_init(&b);
	CHECK(message_build(st, &is, &r, signer, NULL, &b, &cause) == 0);
	CHECK(b.data != NULL && strncmp(b.data, "DKIM-Signature:", 15) == 0);
	kt.name = "sel._domainkey.example.org";
	kt.value = dkim_record_value(&key);
	memset(&v, 0, sizeof v);
	CHECK(dkim_verify_lookup(key_lookup, &kt, b.data, b.len, &v,
	    &cause) == 0);
	CHECK(v.signatures == 1 && v.passed == 1);
	dkim_verdict_free(&v);
	free(kt.value);
	buf_free(&b);
	dkim_signer_free(signer);
	dkim_key_free(&key);
	issue_free(&is);
}

/* Decode quoted-printable (soft breaks dropped, =XX to the byte);
 * *ok is cleared by anything RFC 2045 does not allow on the wire. */
static char *
qp_decode_strict(const char *s, size_t len, size_t *outlen, int *ok)
{
	char		*out = xmalloc(len + 1), *o = out;
	const char	*hex = "0123456789ABCDEF", *h, *l;
	size_t		 i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
				*ok = 0;	/* trailing white space */
			*o++ = '\r';
			*o++ = '\n';
			i++;
			col = 0;
			continue;
		}
		if (++col > MIME_LINE_MAX)
			*ok = 0;
		if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			i += 2;
			col = 0;
			continue;
		}
		if (s[i] == '=') {
			if (i + 2 >= len || (h = strchr(hex, s[i + 1])) == NULL ||
			    (l = strchr(hex, s[i + 2])) == NULL || s[i + 1] ==
			    '\0' || s[i + 2] == '\0') {
				*ok = 0;
				break;
			}
			*o++ = (char)((h - hex) << 4 | (l - hex));
			i += 2;
			col += 2;
			if (col > MIME_LINE_MAX)
				*ok = 0;
			continue;
		}
		if ((unsigned char)s[i] > 126 || ((unsigned char)s[i] < 33 &&
		    s[i] != ' ' && s[i] != '\t'))
			*ok = 0;
		*o++ = s[i];
	}
	if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		*ok = 0;
	*outlen = (size_t)(o - out);
	return out;
}

/* Quoted-printable on random CRLF bodies: lines within 76, nothing but
 * printable ASCII, no white space before a line end, and it decodes back. */
static void
test_qp(void)
{
	static const char	 alpha[] = { 'a', ' ', '\t', '=', '.', '\r',
	    '\n', '\xc3', '\xa9', 'Z', '~', '\x7f', '\0' };
	struct buf		 b;
	char			 in[600], *back;
	size_t			 len, i, n;
	int			 round, ok = 1, wire;

	buf_init(&b);
	mime_qp(&b, "caf\xc3\xa9 = ok \r\nend \t", 18);
	CHECK_STR(b.data, "caf=C3=A9 =3D ok=20\r\nend =09");
	buf_free(&b);
	srand(2045);
	for (round = 0; round < 2000 && ok; round++) {
		len = (size_t)rand() % sizeof in;
		for (i = 0; i < len; i++) {
			/* Long runs too: soft breaks in every position. */
			in[i] = rand() % 4 == 0 ? 'x' :
			    alpha[rand() % (int)sizeof alpha];
			if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
				in[i] = 'y';
			if (i > 0 && in[i - 1] == '\r' && in[i] != '\n')
				in[i - 1] = 'w';
		}
		if (len > 0 && in[len - 1] == '\r')
			in[len - 1] = 'v';
		buf_init(&b);
		buf_adds(&b, "prefix:");
		mime_qp(&b, in, len);
		wire = 1;
		back = qp_decode_strict(b.data + 7, b.len - 7, &n, &wire);
		if (!wire || n != len || memcmp(back, in, len) != 0 ||
		    strlen(b.data) != b.len || strncmp(b.data, "prefix:", 7))
			ok = 0;
		free(back);
		buf_free(&b);
	}
	CHECK(ok);
}

int
main(void)
{
	struct store	*st = NULL;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_layout();
	test_unsubscribe_mailto();
	test_mime_edges();
	test_encoded_words();
	test_random_headers();
	test_injection();
	test_merge();
	test_bodies();
	test_qp();
	test_store(&st);
	test_edit_parse(st);
	test_edit_fold_empty(st);
	test_edit_loop(st);
	test_signed(st);
	store_close(st);
	if (test_failed == 0) {
		char *cmd = xprintf("rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
	}
	TEST_END();
}
