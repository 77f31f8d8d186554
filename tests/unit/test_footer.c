/*
 * The law's footer (src/mail/footer.c): templates checked, placeholders
 * filled per recipient, a line whose placeholders are all empty left out,
 * the date in each language, the built-in templates compiled in; and the
 * footer under a rendered message, with the recipient's own links (8bit:
 * the lines read as they are, not quoted-printable).
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "mail/footer.h"
#include "mail/message.h"
#include "base/util.h"

static void
test_check(void)
{
	char	*cause = NULL;

	CHECK_INT(footer_check("a {{sender_name}} {{date}}\n", &cause), 0);
	CHECK_INT(footer_check("x\n{{nosuch}}\n", &cause), -1);
	CHECK(cause != NULL && strstr(cause, "line 2") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(footer_check("{{contact\n}}", &cause), -1);
	free(cause);
	CHECK(footer_builtin("ja") != NULL && strstr(footer_builtin("ja"),
	    "今後この種のメールの受信を希望されない場合は") != NULL);
	CHECK(footer_builtin("en") != NULL);
	CHECK(footer_builtin("de") == NULL);
}

static void
test_render(void)
{
	struct footer	f;
	struct buf	b;
	char		day[64];
	time_t		t = 1764547200;	/* 2025-12-01 00:00 UTC */

	setenv("TZ", "UTC", 1);
	footer_date(t, 1, day, sizeof day);
	CHECK_STR(day, "2025年12月1日");
	footer_date(t, 0, day, sizeof day);
	CHECK_STR(day, "1 December 2025");

	memset(&f, 0, sizeof f);
	f.text = xstrdup("By {{sender_name}}, {{sender_address}}\n"
	    "Web: {{unsubscribe_url}}\nMail: {{unsubscribe_mailto}}\n"
	    "On {{date}}\nplain\n");
	f.sender_name = xstrdup("Shop");
	f.sender_address = xstrdup("");
	f.contact = xstrdup("c");
	buf_init(&b);
	footer_render(&f, t, NULL, "mailto:u@x", &b);
	CHECK_STR(b.data, "By Shop, \nMail: mailto:u@x\nOn 1 December 2025\n"
	    "plain\n");
	/* Found by tests/fuzz/footer: a value's line break made a line of
	 * its own; a value stays on its template line. */
	free(f.sender_name);
	f.sender_name = xstrdup("Shop\r\nBcc: x@example.net");
	buf_reset(&b);
	footer_render(&f, t, "https://x/u\n", NULL, &b);
	CHECK_STR(b.data, "By Shop  Bcc: x@example.net, \nWeb: https://x/u \n"
	    "On 1 December 2025\nplain\n");
	footer_free(&f);
	buf_free(&b);
}

static void
test_message(void)
{
	struct issue		is;
	struct recipient	r;
	struct render_options	o;
	struct footer		f;
	struct buf		b;
	char			*cause = NULL;

	memset(&is, 0, sizeof is);
	is.from = xstrdup("Shop <news@example.org>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("Sale");
	is.body = xstrdup("Hello");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("8bit");
	memset(&r, 0, sizeof r);
	r.addr = "jane@example.net";
	r.name = "";
	r.attrs = "{}";
	memset(&o, 0, sizeof o);
	o.date = 1764547200;
	o.token = "abcdefghijklmnopqrst";
	o.unsubscribe_url = "https://example.org/u";
	o.verp = '+';
	o.message_id = "m1";
	memset(&f, 0, sizeof f);
	f.text = xstrdup("--\nStop: {{unsubscribe_url}}\n"
	    "Mail: {{unsubscribe_mailto}}\n");
	f.sender_name = xstrdup("");
	f.sender_address = xstrdup("");
	f.contact = xstrdup("");
	o.footer = &f;
	buf_init(&b);
	CHECK_INT(message_render(&is, &r, &o, &b, &cause), 0);
	CHECK(b.data != NULL && strstr(b.data, "\r\n\r\nHello\r\n--\r\n"
	    "Stop: https://example.org/u?token=abcdefghijklmnopqrst\r\n"
	    "Mail: mailto:unsubscribe+abcdefghijklmnopqrst@example.org"
	    "?subject=unsubscribe%20abcdefghijklmnopqrst\r\n") != NULL);
	buf_reset(&b);
	o.footer = NULL;
	CHECK_INT(message_render(&is, &r, &o, &b, &cause), 0);
	CHECK(b.data != NULL && strstr(b.data, "Stop:") == NULL);
	free(cause);
	footer_free(&f);
	buf_free(&b);
	issue_free(&is);
}

int
main(void)
{
	test_check();
	test_render();
	test_message();
	TEST_END();
}
