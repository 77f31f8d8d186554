/*
 * charset and transfer encoding: the choice by content (base64 for mostly
 * non-ASCII, quoted-printable for mostly ASCII, 8bit asked for with its
 * 7-bit form), ISO-2022-JP Subjects and bodies (decoded here with glibc's
 * iconv, and by GMime's parser as a mail reader would), the characters
 * ISO-2022-JP cannot carry with their line and column, half-width kana,
 * and the {{date}} merge fields with their Japanese and English forms.
 */
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "mail/charset.h"
#include "mail/datefmt.h"
#include "mail/message.h"
#include "mail/mime.h"
#include "test.h"
#include "base/util.h"

static struct issue
mk_issue(const char *subject, const char *body, const char *enc,
    const char *cs)
{
	struct issue	is;

	memset(&is, 0, sizeof is);
	is.id = 3;
	is.list_id = 1;
	is.list_name = xstrdup("members");
	is.from = xstrdup("広報 <info@example.org>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup(subject);
	is.body = xstrdup(body);
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup(enc);
	is.charset = xstrdup(cs);
	return is;
}

static char *
render(const struct issue *is, const struct recipient *r, int sevenbit,
    char **cause)
{
	struct render_options	o;
	struct buf		b;

	memset(&o, 0, sizeof o);
	o.date = 1796688000;	/* 2026-12-08 00:00 UTC, a Tuesday */
	o.token = "abcdefghijklmnopqrst";
	o.message_id = "t1";
	o.sevenbit = sevenbit;
	buf_init(&b);
	*cause = NULL;
	if (message_render(is, r, &o, &b, cause) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* A header field's value, folding kept; allocated. */
static char *
hdr(const char *m, const char *name)
{
	const char	*p = m, *e;
	size_t		 n = strlen(name);

	while (*p != '\0' && strncmp(p, "\r\n", 2) != 0) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 2;
			for (e = p; (e = strstr(e, "\r\n")) != NULL &&
			    (e[2] == ' ' || e[2] == '\t'); e += 2)
				;
			return xstrndup(p, e != NULL ? (size_t)(e - p) :
			    strlen(p));
		}
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return NULL;
}

static const char *
body_of(const char *m)
{
	const char	*p = strstr(m, "\r\n\r\n");

	return p != NULL ? p + 4 : "";
}

/* ISO-2022-JP bytes back to UTF-8 (glibc, independently of charset.c). */
static char *
from_jis(const char *s, size_t len)
{
	iconv_t	 cd = iconv_open("UTF-8", "ISO-2022-JP");
	char	*out = xmalloc(len * 3 + 16), *op = out;
	char	*ip = (char *)(uintptr_t)s;
	size_t	 il = len, ol = len * 3 + 15;

	if (cd == (iconv_t)-1 || iconv(cd, &ip, &il, &op, &ol) ==
	    (size_t)-1) {
		free(out);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*op = '\0';
	return out;
}

static int
b64v(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	    "uvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* Base64 to bytes (CR, LF and '=' skipped). */
static void
unb64(struct buf *b, const char *s, size_t len)
{
	uint32_t	acc = 0;
	size_t		i;
	int		bits = 0, d;

	for (i = 0; i < len; i++) {
		if ((d = b64v(s[i])) == -1)
			continue;
		acc = acc << 6 | (uint32_t)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_addc(b, (char)((acc >> bits) & 0xff));
		}
	}
}

/*
 * Decode a Subject of =?ISO-2022-JP?B?...?= words: each word at most 75
 * characters, its bytes starting and ending in ASCII (ESC ( B, or no
 * escape at all, last), each line at most 76 columns with "Subject: ".
 */
static char *
jis_subject(const char *raw, int *ok)
{
	struct buf	 all, w;
	const char	*p = raw, *e, *line;
	char		*dec;
	size_t		 col = 9;

	buf_init(&all);
	for (line = raw; (e = strstr(line, "\r\n")) != NULL; line = e + 2) {
		if ((size_t)(e - line) + col > 76)
			*ok = 0;
		col = 0;
	}
	if (strlen(line) + col > 76)
		*ok = 0;
	while ((p = strstr(p, "=?ISO-2022-JP?B?")) != NULL) {
		p += 16;
		if ((e = strstr(p, "?=")) == NULL)
			break;
		if ((size_t)(e - p) + 18 > 75)
			*ok = 0;
		buf_init(&w);
		unb64(&w, p, (size_t)(e - p));
		/* In ASCII at the end: the last escape, if any, is ESC ( B. */
		if (w.len >= 3 && memchr(w.data, 0x1b, w.len) != NULL) {
			const char *last = w.data + w.len - 1;

			while (last > w.data && *last != 0x1b)
				last--;
			if (!(last[1] == '(' && last[2] == 'B'))
				*ok = 0;
		}
		/* Each word decodes on its own. */
		dec = from_jis(w.data != NULL ? w.data : "", w.len);
		if (dec == NULL)
			*ok = 0;
		else
			buf_adds(&all, dec);
		free(dec);
		buf_free(&w);
		p = e + 2;
	}
	return all.data != NULL ? buf_take(&all) : xstrdup("");
}

static void
test_choose(void)
{
	struct mime_choice	ch;
	struct buf		b;
	const char		*ja = "日本語の本文です。\r\nよろしくお願いします。"
				    "\r\n";
	const char		*en = "Hello, this is mostly English with a "
				    "caf\xc3\xa9.\r\n";
	char			 longline[1100];

	mime_choose(ja, strlen(ja), MIME_PREF_AUTO, 0, &ch);
	CHECK_INT(ch.cte, MIME_BASE64);
	CHECK_INT(ch.why, MIME_WHY_NON_ASCII);
	CHECK(ch.pct > 80);
	mime_choose(en, strlen(en), MIME_PREF_AUTO, 0, &ch);
	CHECK_INT(ch.cte, MIME_QP);
	CHECK_INT(ch.why, MIME_WHY_MOSTLY_ASCII);
	mime_choose("plain\r\n", 7, MIME_PREF_AUTO, 0, &ch);
	CHECK_INT(ch.cte, MIME_7BIT);
	mime_choose("plain\r\n", 7, MIME_PREF_BASE64, 0, &ch);
	CHECK_INT(ch.cte, MIME_7BIT);		/* ASCII stays 7bit */
	mime_choose(ja, strlen(ja), MIME_PREF_QP, 0, &ch);
	CHECK_INT(ch.cte, MIME_QP);
	CHECK_INT(ch.why, MIME_WHY_ASKED);
	/* 8bit asked for: 8bit, with base64 as the 7-bit form. */
	mime_choose(ja, strlen(ja), MIME_PREF_8BIT, 0, &ch);
	CHECK_INT(ch.cte, MIME_8BIT);
	CHECK_INT(ch.fallback, MIME_BASE64);
	mime_choose(en, strlen(en), MIME_PREF_8BIT, 0, &ch);
	CHECK_INT(ch.cte, MIME_8BIT);
	CHECK_INT(ch.fallback, MIME_QP);
	/* A line over 998 octets cannot go 8bit. */
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "\xc3\xa9", 2);
	longline[sizeof longline - 2] = '\r';
	longline[sizeof longline - 1] = '\n';
	mime_choose(longline, sizeof longline, MIME_PREF_8BIT, 0, &ch);
	CHECK_INT(ch.cte, MIME_QP);
	CHECK_INT(ch.why, MIME_WHY_8BIT_LONG);
	/* A third non-ASCII: base64; a tenth: quoted-printable. */
	mime_choose("ab\xc3\xa9\r\n", 6, MIME_PREF_AUTO, 0, &ch);
	CHECK_INT(ch.cte, MIME_BASE64);
	/* ISO-2022-JP text (ESC is not a control character there). */
	mime_choose("\x1b$B$\"\x1b(B\r\n", 10, MIME_PREF_AUTO, 1, &ch);
	CHECK_INT(ch.cte, MIME_7BIT);
	CHECK_INT(ch.why, MIME_WHY_7BIT_CHARSET);

	/* Base64 bodies: lines of 76, decoding back. */
	buf_init(&b);
	mime_base64(&b, ja, strlen(ja));
	CHECK(strstr(b.data, "\r\n") - b.data == 76);
	{
		struct buf	d;

		buf_init(&d);
		unb64(&d, b.data, b.len);
		CHECK(d.len == strlen(ja) && memcmp(d.data, ja, d.len) == 0);
		buf_free(&d);
	}
	buf_free(&b);
}

/* GMime's parser reads the message as a mail reader would: the decoded
 * Subject and the body as UTF-8 text. */
static void
gmime_read(const char *m, char **subject, char **text)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;
	GMimeObject	*part;
	const char	*s;

	*subject = *text = NULL;
	stream = g_mime_stream_mem_new_with_buffer(m, strlen(m));
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return;
	if ((s = g_mime_message_get_subject(msg)) != NULL)
		*subject = xstrdup(s);
	part = g_mime_message_get_mime_part(msg);
	if (part != NULL && GMIME_IS_TEXT_PART(part)) {
		char	*t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));

		if (t != NULL)
			*text = xstrdup(t);
		g_free(t);
	}
	g_object_unref(msg);
}

/* s with CRLF made LF. */
static char *
lf(const char *s)
{
	struct buf	b;

	buf_init(&b);
	for (; *s != '\0'; s++)
		if (*s != '\r')
			buf_addc(&b, *s);
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

static void
test_jis(void)
{
	const char *subject = "【お知らせ】12月の定例会について — "
	    "{{name|ご担当者}}様へ、会場と日時のご案内です。長い件名の試験";
	const char *subject_ok = "【お知らせ】12月の定例会について ― "
	    "{{name|ご担当者}}様へ、会場と日時のご案内です。長い件名の試験";
	const char *body = "{{name|ご担当者}} 様\n\nいつもお世話になって"
	    "おります。\nｶﾞｲﾄﾞﾌﾞｯｸ をお送りします。¥500 です。\n"
	    "Plain ASCII line.\n";
	struct recipient	 r = { "taro@example.jp", "山田 太郎", "{}" };
	struct recipient	 noname = { "x@example.jp", "", "{}" };
	struct recipient	 bad = { "y@example.jp", "髙橋 一郎", "{}" };
	struct issue		 is;
	struct charset_bad	*v;
	struct message_encoding	 me;
	size_t			 n;
	const char		*want;
	char			*m, *cause, *raw, *dec, *gs, *gt;
	int			 ok = 1;

	/* The em dash (U+2014) is not in glibc's ISO-2022-JP: reported. */
	is = mk_issue(subject, body, "auto", "iso-2022-jp");
	CHECK(message_charset_check(&is, &v, &n, &cause) == 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].field, "subject");
		CHECK_INT(v[0].line, 1);
		CHECK_INT(v[0].column, 19);
		CHECK_INT(v[0].cp, 0x2014);
		CHECK_STR(v[0].ch, "—");
	}
	free(v);
	m = render(&is, &r, 0, &cause);
	CHECK(m == NULL && cause != NULL && strstr(cause, "U+2014") != NULL);
	free(cause);
	issue_free(&is);

	is = mk_issue(subject_ok, body, "auto", "iso-2022-jp");
	CHECK(message_charset_check(&is, &v, &n, &cause) == 0 && n == 0);
	free(v);
	m = render(&is, &r, 0, &cause);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "%s\n", cause);
		return;
	}
	CHECK(strstr(m, "Content-Type: text/plain; charset=ISO-2022-JP\r\n")
	    != NULL);
	CHECK(strstr(m, "Content-Transfer-Encoding: 7bit\r\n") != NULL);
	/* Nothing but 7-bit bytes anywhere. */
	for (raw = m; *raw != '\0'; raw++)
		if ((unsigned char)*raw >= 0x80)
			ok = 0;
	CHECK(ok);
	raw = hdr(m, "Subject");
	CHECK(raw != NULL && strncmp(raw, "=?ISO-2022-JP?B?", 16) == 0);
	dec = raw != NULL ? jis_subject(raw, &ok) : NULL;
	CHECK(ok);
	CHECK_STR(dec, "【お知らせ】12月の定例会について ― 山田 太郎様へ、"
	    "会場と日時のご案内です。長い件名の試験");
	free(raw);
	free(dec);
	/* Display names in ISO-2022-JP words as well. */
	raw = hdr(m, "From");
	CHECK(raw != NULL && strncmp(raw, "=?ISO-2022-JP?B?", 16) == 0 &&
	    strstr(raw, "<info@example.org>") != NULL);
	dec = raw != NULL ? jis_subject(raw, &ok) : NULL;
	CHECK_STR(dec, "広報");
	free(raw);
	free(dec);
	raw = hdr(m, "To");
	dec = raw != NULL ? jis_subject(raw, &ok) : NULL;
	CHECK_STR(dec, "山田 太郎");
	free(raw);
	free(dec);
	/* Every body line starts and ends in ASCII. */
	{
		const char	*p = body_of(m), *e, *esc;

		ok = 1;
		for (; (e = strstr(p, "\r\n")) != NULL; p = e + 2) {
			esc = NULL;
			for (raw = (char *)(uintptr_t)p; raw < e; raw++)
				if (*raw == 0x1b)
					esc = raw;
			if (esc != NULL && !(esc[1] == '(' && esc[2] == 'B'))
				ok = 0;
		}
		CHECK(ok);
		dec = from_jis(body_of(m), strlen(body_of(m)));
		want = "山田 太郎 様\r\n\r\nいつもお世話になっております。\r\n"
		    "ガイドブック をお送りします。¥500 です。\r\n"
		    "Plain ASCII line.\r\n";
		CHECK_STR(dec, want);
		free(dec);
	}
	/* GMime reads the same text back. */
	g_mime_init();
	gmime_read(m, &gs, &gt);
	CHECK_STR(gs, "【お知らせ】12月の定例会について ― 山田 太郎様へ、"
	    "会場と日時のご案内です。長い件名の試験");
	dec = gt != NULL ? lf(gt) : NULL;
	CHECK_STR(dec, "山田 太郎 様\n\nいつもお世話になっております。\n"
	    "ガイドブック をお送りします。¥500 です。\nPlain ASCII line.\n");
	free(dec);
	free(gs);
	free(gt);
	free(m);
	CHECK(message_encoding(&is, &r, &me, &cause) == 0);
	CHECK_STR(me.cte, "7bit");
	CHECK_STR(me.charset, "ISO-2022-JP");
	free(me.why);

	/* No name: the default, in Japanese. */
	m = render(&is, &noname, 0, &cause);
	dec = m != NULL ? from_jis(body_of(m), strlen(body_of(m))) : NULL;
	CHECK(dec != NULL && strncmp(dec, "ご担当者 様\r\n", 15) == 0);
	free(dec);
	free(m);

	/* A merge value ISO-2022-JP cannot carry refuses that recipient,
	 * naming the character, its line and column. */
	m = render(&is, &bad, 0, &cause);
	CHECK(m == NULL && cause != NULL);
	CHECK(cause != NULL && strstr(cause, "'髙' (U+9AD9)") != NULL &&
	    strstr(cause, "body line 1, column 1") != NULL);
	free(cause);
	CHECK(message_recipient_charset(&is, &bad, &cause) == -1);
	free(cause);
	CHECK(message_recipient_charset(&is, &r, &cause) == 0);
	issue_free(&is);

	/* A name ISO-2022-JP cannot carry, used in no text: the To field
	 * keeps it in UTF-8 words and the recipient is not refused. */
	is = mk_issue("件名", "本文です。\n", "auto", "iso-2022-jp");
	m = render(&is, &bad, 0, &cause);
	raw = m != NULL ? hdr(m, "To") : NULL;
	CHECK(raw != NULL && strncmp(raw, "=?UTF-8?B?", 10) == 0);
	free(raw);
	gmime_read(m != NULL ? m : "", &gs, &gt);
	CHECK_STR(gs, "件名");
	free(gs);
	free(gt);
	free(m);
	issue_free(&is);

	/* Positions: line and column in characters, from 1; every
	 * character reported, none replaced. */
	is = mk_issue("ok", "一行目\n二行目に①と㈱\n😀 と ～\n", "auto",
	    "iso-2022-jp");
	CHECK(message_charset_check(&is, &v, &n, &cause) == 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(v[0].line, 2);
		CHECK_INT(v[0].column, 5);
		CHECK_INT(v[0].cp, 0x2460);
		CHECK_INT(v[1].line, 2);
		CHECK_INT(v[1].column, 7);
		CHECK_INT(v[1].cp, 0x3231);
		CHECK_INT(v[2].line, 3);
		CHECK_INT(v[2].column, 1);
		CHECK_INT(v[2].cp, 0x1F600);
		CHECK_STR(v[3].field, "body");
		CHECK_INT(v[3].column, 5);
		CHECK_INT(v[3].cp, 0xFF5E);
	}
	raw = message_charset_report(&is, v, n);
	CHECK(strstr(raw, "body line 2, column 5: '①' (U+2460)") != NULL);
	free(raw);
	free(v);
	issue_free(&is);
	/* Half-width kana are not reported: they go full-width. A lone
	 * voiced mark becomes the full-width mark. */
	is = mk_issue("ｶﾀｶﾅ", "ﾊﾟﾝﾌﾚｯﾄ ｳﾞｧ ﾞ\n", "auto", "iso-2022-jp");
	CHECK(message_charset_check(&is, &v, &n, &cause) == 0 && n == 0);
	free(v);
	issue_free(&is);
	{
		struct buf	b;

		buf_init(&b);
		charset_fullwidth(&b, "ﾊﾟﾝﾌﾚｯﾄ ｳﾞｧ ﾞｶﾞ", strlen("ﾊﾟﾝﾌﾚｯﾄ ｳﾞｧ "
		    "ﾞｶﾞ"));
		CHECK_STR(b.data, "パンフレット ヴァ ゛ガ");
		buf_free(&b);
	}
}

static void
test_utf8_forms(void)
{
	const char *body = "こんにちは {{name}} さん。\n東京からのお知らせです。\n";
	struct recipient	 r = { "taro@example.jp", "山田 太郎", "{}" };
	struct issue		 is;
	struct message_encoding	 me;
	char			*m, *m7, *cause, *gs, *gt, *dec;

	/* auto: base64, and it says why. */
	is = mk_issue("お知らせ", body, "auto", "utf-8");
	m = render(&is, &r, 0, &cause);
	CHECK(m != NULL && strstr(m, "Content-Transfer-Encoding: base64\r\n")
	    != NULL);
	CHECK(message_encoding(&is, &r, &me, &cause) == 0);
	CHECK_STR(me.cte, "base64");
	CHECK(me.fallback == NULL);
	CHECK(me.why != NULL && strncmp(me.why, "base64: ", 8) == 0 &&
	    strstr(me.why, "% of the body is non-ASCII") != NULL);
	free(me.why);
	g_mime_init();
	gmime_read(m != NULL ? m : "", &gs, &gt);
	CHECK_STR(gs, "お知らせ");
	dec = gt != NULL ? lf(gt) : NULL;
	CHECK_STR(dec, "こんにちは 山田 太郎 さん。\n東京からのお知らせです。\n");
	free(dec);
	free(gs);
	free(gt);
	free(m);
	issue_free(&is);

	/* 8bit: the message as 8bit, and its 7-bit form as base64, the
	 * same text. */
	is = mk_issue("お知らせ", body, "8bit", "utf-8");
	m = render(&is, &r, 0, &cause);
	m7 = render(&is, &r, 1, &cause);
	CHECK(m != NULL && strstr(m, "Content-Transfer-Encoding: 8bit\r\n")
	    != NULL);
	CHECK(m7 != NULL && strstr(m7, "Content-Transfer-Encoding: base64"
	    "\r\n") != NULL);
	CHECK(message_encoding(&is, &r, &me, &cause) == 0);
	CHECK_STR(me.cte, "8bit");
	CHECK_STR(me.fallback, "base64");
	free(me.why);
	gmime_read(m7 != NULL ? m7 : "", &gs, &gt);
	dec = gt != NULL ? lf(gt) : NULL;
	CHECK_STR(dec, "こんにちは 山田 太郎 さん。\n東京からのお知らせです。\n");
	free(dec);
	free(gs);
	free(gt);
	free(m);
	free(m7);
	issue_free(&is);

	/* Values outside the lists: refused when the issue is checked. */
	is = mk_issue("x", "y", "7bit", "utf-8");
	CHECK(message_check(&is, NULL, 0, &cause) == -1);
	free(cause);
	free(is.encoding);
	is.encoding = xstrdup("quoted-printable");
	free(is.charset);
	is.charset = xstrdup("shift_jis");
	CHECK(message_check(&is, NULL, 0, &cause) == -1 && cause != NULL &&
	    strstr(cause, "Charset") != NULL);
	free(cause);
	issue_free(&is);
}

static void
test_dates(void)
{
	struct buf		 b;
	struct issue		 is;
	struct recipient	 r = { "a@example.jp", "", "{}" };
	struct recipient	 rd = { "a@example.jp", "",
				    "{\"date\":\"from the list\"}" };
	enum datefmt		 f;
	time_t			 t = 1796688000 + 12 * 3600;	/* Tue noon */
	char			*m, *cause;

	setenv("TZ", "UTC", 1);
	tzset();
	buf_init(&b);
	datefmt_append(&b, t, DATEFMT_JA);
	CHECK_STR(b.data, "2026年12月8日(火)");
	buf_reset(&b);
	datefmt_append(&b, t, DATEFMT_EN);
	CHECK_STR(b.data, "8 December 2026");
	buf_reset(&b);
	datefmt_append(&b, t, DATEFMT_ISO);
	CHECK_STR(b.data, "2026-12-08");
	buf_free(&b);
	CHECK(datefmt_parse("ja", 2, &f) == 0 && f == DATEFMT_JA);
	CHECK(datefmt_parse("fr", 2, &f) == -1);

	is = mk_issue("{{date:ja}}", "{{date}} / {{date:en}} / {{date:JA}}\n",
	    "auto", "utf-8");
	CHECK(message_check(&is, NULL, 0, &cause) == 0);
	free(is.encoding);
	is.encoding = xstrdup("8bit");
	m = render(&is, &r, 0, &cause);
	CHECK(m != NULL && strstr(body_of(m), "2026-12-08 / 8 December 2026"
	    " / 2026年12月8日(火)\r\n") != NULL);
	free(m);
	/* A list column named date wins over the built-in. */
	m = render(&is, &rd, 0, &cause);
	CHECK(m != NULL && strstr(body_of(m), "from the list / 8 December") !=
	    NULL);
	free(m);
	issue_free(&is);
	/* An unknown form is an unknown field. */
	is = mk_issue("s", "{{date:fr}}\n", "auto", "utf-8");
	CHECK(message_check(&is, NULL, 0, &cause) == -1);
	free(cause);
	issue_free(&is);
}

/* Found by tests/fuzz/charset: an ESC in the text went through iconv as
 * it was and a reader took it for a shift; bytes that are not UTF-8 were
 * reported with an unset code point and themselves as the character. */
static void
test_jis_refused(void)
{
	struct charset_bad	*v = NULL;
	struct buf		 b;
	size_t			 n = 0;
	char			*cause = NULL;

	CHECK(charset_scan(CHARSET_ISO2022JP, "body", "a\n b\033$Bc", 9,
	    &v, &n, &cause) == 0);
	CHECK(n == 1 && v[0].line == 2 && v[0].column == 3 &&
	    v[0].cp == 0x1b);
	free(v);
	v = NULL;
	n = 0;
	buf_init(&b);
	CHECK(charset_jis(&b, "body", "a\033$Bb", 5, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "U+001B") != NULL);
	free(cause);
	cause = NULL;
	CHECK(charset_jis_words(&b, "Subject", "\033(Jx", 4, &(size_t){ 9 },
	    &cause) == -1 && cause != NULL);
	free(cause);
	CHECK(charset_scan(CHARSET_ISO2022JP, "body", "x\xff\xe3\x81", 4,
	    &v, &n, &cause) == 0);
	CHECK(n == 3 && v[0].column == 2 && v[0].cp == 0xfffd &&
	    strcmp(v[0].ch, "\xef\xbf\xbd") == 0 && v[1].column == 3 &&
	    v[1].cp == 0xfffd && v[2].column == 4);
	free(v);
	buf_free(&b);
}

/* Found by tests/fuzz/isodate: consent_at took 2025-13-45 and 25:99. */
static void
test_iso_check(void)
{
	static const char *const ok[] = { "2025-06-03",
	    "2025-06-03T10:00:00+09:00", "2025-06-03 10:00", "2024-02-29",
	    "2025-06-03T23:59:60.5Z", "2000-02-29T00:00-00:30" };
	static const char *const form[] = { "2025-6-3", "2025-06-03T10",
	    "2025-06-03T10:00:00.", "2025-06-03T10:00+0900", "03/06/2025",
	    "2025-06-03Z", "" };
	static const char *const range[] = { "2025-13-01", "2025-00-10",
	    "2025-06-31", "2025-02-29", "1900-02-29", "2025-06-03T24:00",
	    "2025-06-03T10:60", "2025-06-03T10:00:61", "2025-06-03T10:00+24:00" };
	size_t	i;

	for (i = 0; i < nitems(ok); i++)
		CHECK(datefmt_iso_check(ok[i], strlen(ok[i])) ==
		    DATEFMT_ISO_OK);
	for (i = 0; i < nitems(form); i++)
		CHECK(datefmt_iso_check(form[i], strlen(form[i])) ==
		    DATEFMT_ISO_SYNTAX);
	for (i = 0; i < nitems(range); i++)
		CHECK(datefmt_iso_check(range[i], strlen(range[i])) ==
		    DATEFMT_ISO_RANGE);
	/* Only len bytes are read. */
	CHECK(datefmt_iso_check("2025-06-03T10:00", 10) == DATEFMT_ISO_OK);
}

int
main(void)
{
	test_jis_refused();
	test_iso_check();
	test_choose();
	test_jis();
	test_utf8_forms();
	test_dates();
	TEST_END();
}
