/*
 * The feedback reader on messages built here: the standard reports it
 * must read field by field, and the bad input it must refuse or read
 * without a guess (a truncated DSN, a DSN without a recipient, a
 * multipart bomb, huge parts, invalid charsets and UTF-8, a message over
 * the size limit). Nothing may crash, nothing is hard without the address
 * it would suppress, and every string is valid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/utf8.h"
#include "base/util.h"
#include "feedback/feedback.h"
#include "mail/verp.h"
#include "test.h"

static const char dsn[] =
    "From: MAILER-DAEMON@mx.example.org\r\n"
    "To: bounce@example.net\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"B1\"\r\n"
    "\r\n"
    "--B1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "<ann@example.com>: host mx.example.com said: 550 5.1.1 <ann@example.com>:\r\n"
    "    Recipient address rejected: User unknown (in reply to RCPT TO command)\r\n"
    "\r\n"
    "--B1\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example.org\r\n"
    "\r\n"
    "Final-Recipient: rfc822; ann@example.com\r\n"
    "Original-Recipient: rfc822;ann@example.com\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; mx.example.com\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <ann@example.com>: Recipient address\r\n"
    "    rejected: User unknown\r\n"
    "\r\n"
    "Final-Recipient: rfc822; bob@example.com\r\n"
    "Action: failed\r\n"
    "Status: 5.7.26\r\n"
    "Diagnostic-Code: smtp; 550 5.7.26 This mail has been blocked because the\r\n"
    "    sender is unauthenticated.\r\n"
    "\r\n"
    "Final-Recipient: rfc822; cat@example.com\r\n"
    "Action: delayed\r\n"
    "Status: 4.2.2\r\n"
    "Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\r\n"
    "\r\n"
    "--B1\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "From: news@example.net\r\n"
    "To: ann@example.com\r\n"
    "Message-ID: <42.herald@example.net>\r\n"
    "Subject: News\r\n"
    "\r\n"
    "--B1--\r\n";

static const char arf[] =
    "From: feedback@provider.example\r\n"
    "To: abuse@example.net\r\n"
    "Subject: Abuse report\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=feedback-report;\r\n"
    " boundary=\"A\"\r\n"
    "\r\n"
    "--A\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "This is an email abuse report.\r\n"
    "--A\r\n"
    "Content-Type: message/feedback-report\r\n"
    "\r\n"
    "Feedback-Type: abuse\r\n"
    "User-Agent: Example/1.0\r\n"
    "Version: 1\r\n"
    "Original-Rcpt-To: <dan@example.com>\r\n"
    "Reporting-MTA: dns; fbl.provider.example\r\n"
    "\r\n"
    "--A\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: news@example.net\r\n"
    "To: dan@example.com\r\n"
    "Message-ID: <43.herald@example.net>\r\n"
    "Subject: News\r\n"
    "\r\n"
    "Hello\r\n"
    "--A--\r\n";

static const char vacation[] =
    "From: Eve <eve@example.com>\r\n"
    "To: news@example.net\r\n"
    "Subject: Out of Office: News\r\n"
    "Auto-Submitted: auto-replied\r\n"
    "\r\n"
    "I am away until Monday.\r\n";

/* Every finding: strings valid UTF-8, nothing hard without rcpt. */
static void
sane(const struct feedback_msg *m)
{
	size_t	i, bad;

	CHECK(m->n > 0);
	for (i = 0; i < m->n; i++) {
		const struct feedback_finding *f = &m->v[i];

		CHECK(!(f->cls == REPLY_HARD && f->rcpt[0] == '\0'));
		CHECK(utf8_valid(f->rcpt, strlen(f->rcpt), &bad));
		CHECK(utf8_valid(f->diagnostic, strlen(f->diagnostic), &bad));
		CHECK(utf8_valid(f->status, strlen(f->status), &bad));
		CHECK(utf8_valid(f->message_id, strlen(f->message_id), &bad));
		CHECK(utf8_valid(f->reporting_mta, strlen(f->reporting_mta),
		    &bad));
	}
}

static int
any_hard(const struct feedback_msg *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].cls == REPLY_HARD)
			return 1;
	return 0;
}

static void
test_dsn(void)
{
	struct feedback_msg	m;

	CHECK_INT(feedback_parse(dsn, strlen(dsn), &m), 0);
	sane(&m);
	CHECK_INT(m.n, 3);
	if (m.n == 3) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "bounce");
		CHECK_STR(m.v[0].rcpt, "ann@example.com");
		CHECK_STR(m.v[0].status, "5.1.1");
		CHECK_INT(m.v[0].code, 550);
		CHECK_STR(reply_class_name(m.v[0].cls), "hard");
		CHECK_STR(m.v[0].reason, "user-unknown");
		CHECK_STR(m.v[0].reporting_mta, "mx.example.org");
		CHECK_STR(m.v[0].message_id, "42.herald@example.net");
		CHECK_STR(m.v[0].dsn_action, "failed");
		/* a policy refusal is the sender's, never the address's */
		CHECK_STR(m.v[1].rcpt, "bob@example.com");
		CHECK_STR(reply_class_name(m.v[1].cls), "sender");
		CHECK_STR(m.v[1].reason, "authentication");
		CHECK_STR(feedback_kind_name(m.v[2].kind), "delay");
		CHECK_STR(reply_class_name(m.v[2].cls), "soft");
		CHECK_STR(m.v[2].reason, "mailbox-full");
	}
	feedback_msg_free(&m);
}

static void
test_arf_and_autoreply(void)
{
	struct feedback_msg	m;

	CHECK_INT(feedback_parse(arf, strlen(arf), &m), 0);
	sane(&m);
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "complaint");
		CHECK_STR(m.v[0].rcpt, "dan@example.com");
		CHECK_STR(m.v[0].reason, "abuse");
		CHECK_STR(m.v[0].message_id, "43.herald@example.net");
	}
	feedback_msg_free(&m);
	CHECK_INT(feedback_parse(vacation, strlen(vacation), &m), 0);
	sane(&m);
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "auto-reply");
		CHECK_STR(m.v[0].rcpt, "eve@example.com");
		CHECK(m.v[0].cls != REPLY_HARD);
	}
	feedback_msg_free(&m);
}

/* Cut anywhere: never a crash, and hard only for the one recipient the
 * message says is unknown, once the code that says so is in. */
static void
test_truncated(void)
{
	struct feedback_msg	m;
	size_t			len, cut = strstr(dsn, "550 5.1.1") - dsn + 9;
	int			bad = 0;

	for (len = 0; len <= strlen(dsn); len += 7) {
		feedback_parse(dsn, len, &m);
		if (m.n == 0)
			bad++;
		for (size_t i = 0; i < m.n; i++)
			if (m.v[i].cls == REPLY_HARD &&
			    (strcmp(m.v[i].rcpt, "ann@example.com") != 0 ||
			    len < cut)) {
				fprintf(stderr, "cut at %zu: %s hard\n", len,
				    m.v[i].rcpt);
				bad++;
			}
		feedback_msg_free(&m);
	}
	CHECK_INT(bad, 0);
}

static void
test_no_recipient(void)
{
	const char		*msg =
	    "From: MAILER-DAEMON@mx.example.org\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=x\n\n--x\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.org\n\n"
	    "Action: failed\nStatus: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--x--\n";
	struct feedback_msg	 m;

	feedback_parse(msg, strlen(msg), &m);
	sane(&m);
	CHECK(!any_hard(&m));
	CHECK(m.n >= 1 && m.v[0].rcpt[0] == '\0');
	feedback_msg_free(&m);
}

/* Nested multiparts far beyond any report: refused, unread. */
static void
test_bomb(void)
{
	struct buf		b;
	struct feedback_msg	m;
	int			i, depth = 5000;

	buf_init(&b);
	buf_adds(&b, "From: MAILER-DAEMON@x.example\nSubject: bomb\n"
	    "MIME-Version: 1.0\n");
	for (i = 0; i < depth; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\n"
		    "\n--b%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\n550 5.1.1 a@b.example "
	    "user unknown\n");
	for (i = depth - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\n", i);
	CHECK_INT(feedback_parse(b.data, b.len, &m), -1);
	CHECK(m.error != NULL && strstr(m.error, "multipart") != NULL);
	sane(&m);
	CHECK(!any_hard(&m));
	feedback_msg_free(&m);

	/* Nested just past the depth limit but with few parts: GMime
	 * reads it, the walk stops at the limit. */
	buf_reset(&b);
	buf_adds(&b, "From: MAILER-DAEMON@x.example\nSubject: deep\n"
	    "MIME-Version: 1.0\n");
	for (i = 0; i < FEEDBACK_MAX_DEPTH + 4; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\n"
		    "\n--b%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\n550 5.1.1 a@b.example "
	    "user unknown\n");
	for (i = FEEDBACK_MAX_DEPTH + 3; i >= 0; i--)
		buf_printf(&b, "--b%d--\n", i);
	CHECK_INT(feedback_parse(b.data, b.len, &m), -1);
	CHECK(m.error != NULL && strstr(m.error, "nested") != NULL);
	sane(&m);
	CHECK(!any_hard(&m));
	feedback_msg_free(&m);
	buf_free(&b);
}

/* A 12 MB attachment and a 12 MB text part: read in bounded time, the
 * text kept bounded. */
static void
test_huge_parts(void)
{
	struct buf		b;
	struct feedback_msg	m;
	size_t			i;
	clock_t			t0 = clock();

	buf_init(&b);
	buf_adds(&b, "From: MAILER-DAEMON@x.example\nSubject: Undelivered "
	    "Mail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=h\n\n--h\nContent-Type: text/plain\n\n<ann@example.com>:"
	    " 550 5.1.1 User unknown\n");
	for (i = 0; i < 12 * 1024 * 1024 / 64; i++)
		buf_adds(&b, "filler filler filler filler filler filler filler "
		    "filler fill\n");
	buf_adds(&b, "--h\nContent-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n");
	for (i = 0; i < 12 * 1024 * 1024 / 64; i++)
		buf_adds(&b, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2"
		    "xtbm9wcXJzdA==\n");
	buf_adds(&b, "--h--\n");
	CHECK(b.len < FEEDBACK_MAX_BYTES);
	CHECK_INT(feedback_parse(b.data, b.len, &m), 0);
	sane(&m);
	CHECK(m.n >= 1 && strcmp(m.v[0].rcpt, "ann@example.com") == 0);
	for (i = 0; i < m.n; i++)
		CHECK(strlen(m.v[i].diagnostic) <= 1024 + 4);
	CHECK((clock() - t0) / CLOCKS_PER_SEC < 20);
	feedback_msg_free(&m);
	buf_free(&b);
}

/* Over the size limit: not read at all (buf is not even looked at). */
static void
test_too_large(void)
{
	struct feedback_msg	m;
	size_t			len = 50 * 1024 * 1024;
	char			*big = malloc(len);

	CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'a', len);
	CHECK_INT(feedback_parse(big, len, &m), -1);
	CHECK(m.error != NULL && strstr(m.error, "larger than") != NULL);
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "unknown");
		CHECK_STR(m.v[0].reason, "unreadable");
	}
	feedback_msg_free(&m);
	free(big);
	CHECK_INT(feedback_parse("", 0, &m), -1);
	CHECK(m.error != NULL);
	feedback_msg_free(&m);
}

/* Charsets nobody knows, bytes that are not UTF-8, NULs: read, and every
 * string handed out is valid UTF-8. */
static void
test_encodings(void)
{
	static const char *const msgs[] = {
	    "From: MAILER-DAEMON@x.example\nSubject: Undelivered\n"
	    "Content-Type: text/plain; charset=x-no-such-charset\n"
	    "Content-Transfer-Encoding: 8bit\n\n"
	    "<ann@example.com>: 550 5.1.1 \xff\xfe\xc3 user unknown\n",
	    "From: MAILER-DAEMON@x.example\nSubject: Undelivered \xff\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "<ann@example.com>: 550 5.1.1 \xed\xa0\x80 \xc0\xaf user unknown\n",
	    "From: MAILER-DAEMON@x.example\nSubject: =?x-bogus?B?////?=\n"
	    "Content-Type: text/plain; charset=iso-2022-jp\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "<ann@example.com>: =1B$B=FF=FF 550 =ZZ user unknown\n",
	    "From: MAILER-DAEMON@x.example\nSubject: Undelivered\n"
	    "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	    "!!!! not base64 at all ####\n",
	};
	struct feedback_msg	m;
	size_t			i, len;
	char			with_nul[] = "From: a@b.example\nSubject: x\n\n"
				    "a\0b <c@d.example> 550 user unknown\n";

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		feedback_parse(msgs[i], strlen(msgs[i]), &m);
		sane(&m);
		feedback_msg_free(&m);
	}
	len = sizeof(with_nul) - 1;
	feedback_parse(with_nul, len, &m);
	sane(&m);
	feedback_msg_free(&m);
}

/* Amazon SES's JSON notifications, bare and inside SNS's envelope. */
static void
test_ses(void)
{
	const char		*bare =
	    "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification "
	    "Message\nContent-Type: text/plain\n\n"
	    "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":"
	    "\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":"
	    "\"ann@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\","
	    "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],"
	    "\"reportingMTA\":\"dsn; a.example\"},\"mail\":{\"messageId\":"
	    "\"m1\"}}\n--\nfooter\n";
	const char		*wrapped =
	    "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification "
	    "Message\n\n{\"Type\":\"Notification\",\"Message\":\"{\\\"notificationType"
	    "\\\":\\\"Complaint\\\",\\\"complaint\\\":{\\\"complainedRecipients"
	    "\\\":[{\\\"emailAddress\\\":\\\"bob@example.com\\\"}],\\\""
	    "complaintFeedbackType\\\":\\\"abuse\\\"}}\"}\n";
	struct feedback_msg	 m;

	feedback_parse(bare, strlen(bare), &m);
	sane(&m);
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(m.v[0].rcpt, "ann@example.com");
		CHECK_STR(m.v[0].status, "5.1.1");
		CHECK_INT(m.v[0].code, 550);
		CHECK_STR(reply_class_name(m.v[0].cls), "hard");
		CHECK_STR(m.v[0].message_id, "m1");
	}
	feedback_msg_free(&m);
	feedback_parse(wrapped, strlen(wrapped), &m);
	sane(&m);
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "complaint");
		CHECK_STR(m.v[0].rcpt, "bob@example.com");
	}
	feedback_msg_free(&m);
}

struct box {
	int	n;
	size_t	lines[4];
	char	first[64];
};

static void
box_cb(const char *msg, size_t len, size_t line, void *arg)
{
	struct box	*b = arg;

	if (b->n == 0)
		snprintf(b->first, sizeof(b->first), "%.*s", (int)len, msg);
	if (b->n < 4)
		b->lines[b->n] = line;
	b->n++;
}

/* An mbox: messages at From_ lines, ">From " unquoted, a malformed From_
 * line refused by its number after the messages before it. */
static void
test_mbox(void)
{
	const char	*ok = "From a@example.com Thu Jan  1 00:00:00 2026\n"
			    "Subject: one\n\n>From the start\n\n"
			    "From b@example.com Thu Jan  1 00:00:01 2026\n"
			    "Subject: two\n\nbody\n";
	const char	*bad = "From a@example.com Thu Jan  1 00:00:00 2026\n"
			    "Subject: one\n\nbody\n\nFrom nodate\nSubject: x\n";
	struct box	 b;
	char		*cause = NULL;

	CHECK(feedback_is_mbox(ok, strlen(ok)));
	CHECK(!feedback_is_mbox(dsn, strlen(dsn)));
	memset(&b, 0, sizeof(b));
	CHECK_INT(feedback_mbox_each(ok, strlen(ok), box_cb, &b, &cause), 0);
	CHECK_INT(b.n, 2);
	CHECK_INT(b.lines[0], 1);
	CHECK_INT(b.lines[1], 6);
	CHECK_STR(b.first, "Subject: one\n\nFrom the start\n\n");
	memset(&b, 0, sizeof(b));
	CHECK_INT(feedback_mbox_each(bad, strlen(bad), box_cb, &b, &cause),
	    -1);
	CHECK_INT(b.n, 1);
	CHECK(cause != NULL && strncmp(cause, "6: malformed mbox From_ line",
	    28) == 0);
	free(cause);
}

/* Not mail at all. */
static void
test_garbage(void)
{
	struct feedback_msg	m;
	unsigned char		b[4096];
	size_t			i;
	unsigned int		x = 12345;

	for (i = 0; i < sizeof(b); i++) {
		x = x * 1103515245 + 12345;
		b[i] = (unsigned char)(x >> 16);
	}
	feedback_parse((const char *)b, sizeof(b), &m);
	sane(&m);
	CHECK(!any_hard(&m));
	feedback_msg_free(&m);
}

/* --- the token naming the recipient ------------------------------------ */

#define TOK	"k7q2m4x5z6abcdefghij"

/* Parse text; the token and where it came from ("" when none). */
static void
parse_token(const char *text, struct feedback_msg *m, const char **token,
    const char **from)
{
	feedback_parse(text, strlen(text), m);
	*token = m->token != NULL ? m->token : "";
	*from = m->token_from != NULL ? m->token_from : "";
}

/* A DSN to bounce+TOKEN@ whose report names no recipient at all: the
 * token does, so its hard class stands. */
static const char verp_dsn[] =
    "Return-Path: <>\r\n"
    "Delivered-To: bounce+" TOK "@example.net\r\n"
    "X-Original-To: bounce+zzzzzzzzzzzzzzzzzzzz@example.net\r\n"
    "From: MAILER-DAEMON@mx.example.org\r\n"
    "To: bounce+zzzzzzzzzzzzzzzzzzzz@example.net\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"B1\"\r\n"
    "\r\n"
    "--B1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "The mail could not be delivered.\r\n"
    "\r\n"
    "--B1\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example.org\r\n"
    "\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
    "\r\n"
    "--B1--\r\n";

static void
test_token_verp(void)
{
	struct feedback_msg	 m;
	const char		*t, *from;
	char			*s;

	parse_token(verp_dsn, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "verp");
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "bounce");
		CHECK_INT(m.v[0].cls, REPLY_HARD);
	}
	feedback_msg_free(&m);

	/* each header in its order, any delimiter, either case */
	s = xprintf("X-Original-To: <bounce=%s@example.net>\r\n"
	    "To: bounce-zzzzzzzzzzzzzzzzzzzz@example.net\r\n"
	    "From: MAILER-DAEMON@mx.example.org\r\n"
	    "Subject: failure notice\r\n\r\nSorry.\r\n", "K7Q2M4X5Z6ABCDEFGHIJ");
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "verp");
	feedback_msg_free(&m);
	free(s);
	s = xprintf("Envelope-To: bounce_%s@example.net\r\n"
	    "To: Ann <ann@example.com>\r\nSubject: x\r\n\r\nx\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	feedback_msg_free(&m);
	free(s);
	s = xprintf("X-Envelope-To: <news.bounce-%s@example.net>\r\n"
	    "Subject: x\r\n\r\nx\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "verp");
	feedback_msg_free(&m);
	free(s);
	/* To with several addresses, the token in the second */
	s = xprintf("To: a@example.com, \"B\" <bounce+%s@example.net>\r\n"
	    "Subject: x\r\n\r\nx\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	feedback_msg_free(&m);
	free(s);
}

/* A mail to unsubscribe+TOKEN@: an unsubscribe whatever it says, its
 * recipient left to the token; an automatic reply there stays one. */
static void
test_token_unsubscribe_address(void)
{
	struct feedback_msg	 m;
	const char		*t, *from;
	char			*s;

	s = xprintf("From: Ann <ann.private@example.com>\r\n"
	    "To: <unsubscribe+%s@example.net>\r\n"
	    "Subject: please take me off, I cannot use this any more\r\n"
	    "\r\nThanks\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "unsubscribe-address");
	CHECK_INT(m.n, 1);
	if (m.n == 1) {
		CHECK_STR(feedback_kind_name(m.v[0].kind), "unsubscribe");
		CHECK_STR(m.v[0].rcpt, "");
	}
	feedback_msg_free(&m);
	free(s);
	s = xprintf("From: Ann <ann@example.com>\r\n"
	    "To: <unsubscribe-%s@example.net>\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "Subject: Out of office\r\n\r\nAway.\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(from, "unsubscribe-address");
	CHECK(m.n == 1 && m.v[0].kind == FEEDBACK_AUTOREPLY);
	feedback_msg_free(&m);
	free(s);
}

/* "unsubscribe TOKEN" in the subject, as the mailto writes it. */
static void
test_token_subject(void)
{
	struct feedback_msg	 m;
	const char		*t, *from;
	char			*s;

	s = xprintf("From: ann@example.com\r\nTo: news@example.net\r\n"
	    "Subject: unsubscribe %s\r\n\r\n\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "subject");
	CHECK(m.n == 1 && m.v[0].kind == FEEDBACK_UNSUBSCRIBE);
	feedback_msg_free(&m);
	free(s);
	s = xprintf("From: ann@example.com\r\nTo: news@example.net\r\n"
	    "Subject: Re: Unsubscribe  %s \r\n\r\n\r\n",
	    "K7Q2M4X5Z6ABCDEFGHIJ");
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "subject");
	feedback_msg_free(&m);
	free(s);
	/* words after the token: not the form herald writes */
	s = xprintf("From: ann@example.com\r\nTo: news@example.net\r\n"
	    "Subject: unsubscribe %s please\r\n\r\n\r\n", TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, "");
	feedback_msg_free(&m);
	free(s);
}

/* No VERP address: the List-Unsubscribe of the returned message. */
static void
test_token_returned(void)
{
	static const char *const lu[] = {
		"<mailto:unsubscribe+" TOK "@example.net?subject=unsubscribe%20"
		    TOK ">",
		"<mailto:news@example.net?subject=unsubscribe%20" TOK ">",
		"<mailto:news@example.net?subject=x>,\r\n <https://example.net/"
		    "u?token=" TOK ">",
	};
	struct feedback_msg	 m;
	const char		*t, *from;
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof lu / sizeof lu[0]; i++) {
		s = xprintf("From: MAILER-DAEMON@mx.example.org\r\n"
		    "To: bounce@example.net\r\n"
		    "Subject: Undelivered Mail Returned to Sender\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: multipart/report; "
		    "report-type=delivery-status; boundary=\"B\"\r\n\r\n"
		    "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
		    "Reporting-MTA: dns; mx.example.org\r\n\r\n"
		    "Final-Recipient: rfc822; ann@example.com\r\n"
		    "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
		    "--B\r\nContent-Type: %s\r\n\r\n"
		    "From: news@example.net\r\nTo: ann@example.com\r\n"
		    "Message-ID: <s12.abcdefghijklmnopqrstuvwxyz@example.net>\r\n"
		    "List-Unsubscribe: %s\r\n"
		    "Subject: News\r\n\r\nHello\r\n--B--\r\n",
		    i == 1 ? "message/rfc822" : "text/rfc822-headers", lu[i]);
		parse_token(s, &m, &t, &from);
		CHECK_STR(t, TOK);
		CHECK_STR(from, "returned-message");
		CHECK(m.n == 1 && m.v[0].cls == REPLY_HARD &&
		    strcmp(m.v[0].rcpt, "ann@example.com") == 0);
		/* the send the returned Message-ID names */
		CHECK_STR(m.n == 1 ? m.v[0].message_id : "",
		    "s12.abcdefghijklmnopqrstuvwxyz@example.net");
		feedback_msg_free(&m);
		free(s);
	}
	/* only the returned Message-ID: it names the send and the token */
	s = xprintf("From: MAILER-DAEMON@mx.example.org\r\n"
	    "To: bounce@example.net\r\nSubject: Returned mail\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"B\"\r\n\r\n"
	    "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
	    "Reporting-MTA: dns; mx.example.org\r\n\r\n"
	    "Final-Recipient: rfc822; ann@example.com\r\n"
	    "Action: failed\r\nStatus: 5.2.2\r\n\r\n"
	    "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
	    "Message-ID: <herald.12.7.%s@example.net>\r\n\r\n--B--\r\n",
	    TOK);
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "returned-message");
	CHECK_INT(m.n == 1 ? verp_msgid_send(m.v[0].message_id, NULL) : 0, 12);
	feedback_msg_free(&m);
	free(s);
}

/* Tokens that are not herald's are not taken; junk around one in a
 * header never goes into it. */
static void
test_token_bad(void)
{
	static const char *const to[] = {
		"bounce+k7q2m4x5z6abcdefgh1j@example.net",	/* not base32 */
		"bounce+k7q2m4x5z6abcdefghi@example.net",	/* 19 */
		"bounce+k7q2m4x5z6abcdefghijk@example.net",	/* 21 */
		"bouncek7q2m4x5z6abcdefghij@example.net",	/* no delimiter */
		"+k7q2m4x5z6abcdefghij@example.net",		/* no local */
		"bounce*k7q2m4x5z6abcdefghij@example.net",	/* delimiter */
		"bounce+k7q2m4x5z6abcdefghij\r\n @example.net",	/* folded */
		"bounce+k7q2m4x5z6abcdefghij @example.net",
		("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "+k7q2m4x5z6abcdefghij@example.net"),	/* local > 64 */
	};
	struct feedback_msg	 m;
	const char		*t, *from;
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof to / sizeof to[0]; i++) {
		s = xprintf("Delivered-To: %s\r\nSubject: hello\r\n\r\nx\r\n",
		    to[i]);
		parse_token(s, &m, &t, &from);
		if (strcmp(t, "") != 0)
			fprintf(stderr, "took a token from %s\n", to[i]);
		CHECK_STR(t, "");
		CHECK(m.token_from == NULL);
		feedback_msg_free(&m);
		free(s);
	}
	/* CR, LF and control junk next to a good token: the token alone */
	s = xprintf("Delivered-To: \r\r<bounce+%s@example.net>\r\x01junk\r\n"
	    "Subject: unsubscribe %s\rjunk\r\n\r\nx\r\n", TOK,
	    "zzzzzzzzzzzzzzzzzzzz");
	parse_token(s, &m, &t, &from);
	CHECK_STR(t, TOK);
	CHECK_STR(from, "verp");
	feedback_msg_free(&m);
	free(s);
	s = xprintf("To: junk\r\x02bounce+%s\x7f@example.net\r\n"
	    "Subject: unsubscribe %s\r\x03\r\n\r\nx\r\n", TOK, TOK);
	parse_token(s, &m, &t, &from);
	CHECK(strcmp(t, "") == 0 || strcmp(t, TOK) == 0);
	CHECK(strcmp(from, "verp") != 0);
	feedback_msg_free(&m);
	free(s);
}

int
main(void)
{
	test_dsn();
	test_arf_and_autoreply();
	test_truncated();
	test_no_recipient();
	test_bomb();
	test_huge_parts();
	test_too_large();
	test_encodings();
	test_garbage();
	test_ses();
	test_mbox();
	test_token_verp();
	test_token_unsubscribe_address();
	test_token_subject();
	test_token_returned();
	test_token_bad();
	TEST_END();
}
