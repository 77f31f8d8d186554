/*
 * Acting on what came back, on a real SQLite store: a hard bounce
 * suppresses once and a message read twice changes nothing; soft bounces
 * suppress at the limit-th distinct send, never for several in one send;
 * a refusal of the sender raises an alert and never suppresses;
 * complaints and unsubscribes suppress with their source; unknown is
 * kept; an unmatched report is ignored; a dry run records nothing; a
 * database error leaves nothing half-done. With verp on only a herald
 * token makes a bounce or complaint count: a forged report by address,
 * an unknown token, a subject token naming someone else change nothing;
 * a VERP token acts on its holder once, the trail saying what the
 * report named. A repeated unsubscribe adds no row. The alert wording
 * too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/util.h"
#include "feedback/record.h"
#include "mail/issue_types.h"
#include "send/state.h"
#include "smtp/alert.h"
#include "store/store.h"
#include "store/store_feedback.h"
#include "test.h"

static char dir[] = "/tmp/herald-fbrec-XXXXXX";
static char *path;
static struct store *st;
static struct feedback_opts opts = { 0, 3, '+', 1 };

/* One integer from SQL on a second connection (what another reader
 * sees: committed rows only). */
static long long	q(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

static long long
q(const char *fmt, ...)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	va_list		 ap;
	char		*sql;
	long long	 v = -1;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) == -1)
		return -1;
	va_end(ap);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	free(sql);
	return v;
}

static char *
qs(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*v = NULL;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = xstrdup((const char *)sqlite3_column_text(s, 0) ?
			    (const char *)sqlite3_column_text(s, 0) : "");
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

/* A new issue with a send to the addresses given (NULL-terminated);
 * recipient i's token is "tok" + send + addr's first letter. */
static int64_t
new_send(const char *first, ...)
{
	struct issue		 is;
	struct send_settings	 set;
	va_list			 ap;
	const char		*a;
	char			*cause = NULL, tok[32];
	int64_t			 id;

	memset(&is, 0, sizeof is);
	is.from = xstrdup("News <news@example.net>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("News");
	is.body = xstrdup("Hi\n");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	CHECK(store_issue_add(st, &is, &cause) == 0);
	send_settings_init(&set);
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_send_create(st, is.id, &set, &cause) == 0);
	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *)) {
		snprintf(tok, sizeof tok, "tok%lld%c", (long long)is.id, *a);
		CHECK(store_send_add_rcpt(st, is.id, a, "", "{}",
		    strchr(a, '@') + 1, tok, &cause) == 0);
		CHECK(store_token_put(st, tok, a, is.id, &cause) == 0);
	}
	va_end(ap);
	CHECK(store_commit(st, &cause) == 0);
	send_settings_free(&set);
	id = is.id;
	issue_free(&is);
	return id;
}

/* A delivery status notification for rcpt, its own Message-ID n. */
static char *
dsn(int n, const char *rcpt, const char *status, const char *diag)
{
	return xprintf(
	    "From: MAILER-DAEMON@mx.example.org\r\n"
	    "To: bounce@example.net\r\n"
	    "Message-ID: <dsn-%d@mx.example.org>\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
	    "\tboundary=\"B1\"\r\n"
	    "\r\n"
	    "--B1\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "Your message could not be delivered.\r\n"
	    "\r\n"
	    "--B1\r\n"
	    "Content-Type: message/delivery-status\r\n"
	    "\r\n"
	    "Reporting-MTA: dns; mx.example.org\r\n"
	    "\r\n"
	    "Final-Recipient: rfc822; %s\r\n"
	    "Action: failed\r\n"
	    "Status: %s\r\n"
	    "Diagnostic-Code: smtp; %s\r\n"
	    "\r\n"
	    "--B1--\r\n", n, rcpt, status, diag);
}

/* An abuse report about rcpt, its own Message-ID n. */
#define ARF_FMT \
    "From: feedback@provider.example\r\n" \
    "To: abuse@example.net\r\n" \
    "Message-ID: <arf-%d@provider.example>\r\n" \
    "Subject: Abuse report\r\n" \
    "MIME-Version: 1.0\r\n" \
    "Content-Type: multipart/report; report-type=feedback-report;\r\n" \
    " boundary=\"A\"\r\n" \
    "\r\n" \
    "--A\r\n" \
    "Content-Type: text/plain\r\n" \
    "\r\n" \
    "This is an email abuse report.\r\n" \
    "--A\r\n" \
    "Content-Type: message/feedback-report\r\n" \
    "\r\n" \
    "Feedback-Type: abuse\r\n" \
    "User-Agent: Example/1.0\r\n" \
    "Version: 1\r\n" \
    "Original-Rcpt-To: <%s>\r\n" \
    "Reporting-MTA: dns; fbl.provider.example\r\n" \
    "\r\n" \
    "--A--\r\n"

static char *
arf(int n, const char *rcpt)
{
	return xprintf(ARF_FMT, n, rcpt);
}

/* Process a message with the token tok (from "verp", "subject", ...)
 * set as the parser would have found it. */
static int
run_tok(const char *msg, const char *source, const char *tok,
    const char *from, struct feedback_result *r)
{
	char	*cause = NULL;
	int	 rc;

	memset(r, 0, sizeof *r);
	(void)feedback_parse(msg, strlen(msg), &r->msg);
	r->msg.token = xstrdup(tok);
	r->msg.token_from = from;
	rc = feedback_record(st, &opts, msg, strlen(msg), source, r, &cause);
	if (rc == -1) {
		fprintf(stderr, "feedback_record: %s\n", cause);
		free(cause);
	}
	return rc;
}

/* The token new_send gave addr in send s. */
static const char *
tok_of(int64_t s, const char *addr)
{
	static char	tok[32];

	snprintf(tok, sizeof tok, "tok%lld%c", (long long)s, *addr);
	return tok;
}

/* Process a message; the result's first action and send. */
static int
run(const char *msg, const char *source, struct feedback_result *r)
{
	char	*cause = NULL;
	int	 rc;

	rc = feedback_process(st, &opts, msg, strlen(msg), source, r, &cause);
	if (rc == -1) {
		fprintf(stderr, "feedback_process: %s\n", cause);
		free(cause);
	}
	return rc;
}

static void
test_hard(int64_t s1)
{
	struct feedback_result	 r;
	char			*m = dsn(1, "ann@example.com", "5.1.1",
				    "550 5.1.1 User unknown"), *v;

	CHECK(run_tok(m, "maildir/1", tok_of(s1, "ann"), "verp", &r) == 0);
	CHECK_INT(r.msg.n, 1);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_INT(r.send[0], s1);
	CHECK(r.id > 0);
	CHECK(!r.duplicate);
	CHECK(strstr(r.why[0], "(verp) names ann@example.com in send") !=
	    NULL);
	feedback_result_free(&r);
	CHECK_INT(store_is_suppressed(st, "Ann@Example.com", NULL), 1);
	v = qs("SELECT reason || ' ' || detail FROM suppressions WHERE"
	    " addr_lc = 'ann@example.com'");
	CHECK(v != NULL && strncmp(v, "bounce 550 5.1.1 user-unknown: 550 "
	    "5.1.1", 40) == 0 && strstr(v, "maildir/1") != NULL);
	free(v);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages"), 1);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'ann@example.com' AND action = 'suppressed' AND send_id = %lld",
	    (long long)s1), 1);
	v = qs("SELECT message_id FROM feedback_messages");
	CHECK_STR(v, "<dsn-1@mx.example.org>");
	free(v);

	/* The same message again: noticed, nothing done. */
	CHECK(run(m, "maildir/1-again", &r) == 0);
	CHECK(r.duplicate);
	CHECK_INT(r.id, 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_NONE);
	feedback_result_free(&r);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages"), 1);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings"), 1);
	free(m);
}

static void
test_soft(void)
{
	struct feedback_result	 r;
	int64_t			 s;
	char			*m;
	int			 i, n = 100;

	/* By address (verp off: the fallback for senders without VERP).
	 * Three soft bounces in one send: counted once, not suppressed. */
	opts.verp = 0;
	s = new_send("bea@example.com", (char *)NULL);
	for (i = 0; i < 3; i++) {
		m = dsn(n++, "bea@example.com", "5.2.2",
		    "552 5.2.2 Mailbox full");
		CHECK(run(m, "soft", &r) == 0);
		CHECK_INT(r.action[0], FEEDBACK_ACT_COUNTED);
		CHECK_INT(r.send[0], s);
		feedback_result_free(&r);
		free(m);
	}
	CHECK_INT(store_is_suppressed(st, "bea@example.com", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM soft_bounces"), 1);
	/* A second send: two. A third: suppressed. */
	new_send("bea@example.com", (char *)NULL);
	m = dsn(n++, "bea@example.com", "5.2.2", "552 5.2.2 Mailbox full");
	CHECK(run(m, "soft", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_COUNTED);
	CHECK(strstr(r.why[0], "2 of 3") != NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "bea@example.com", NULL), 0);
	s = new_send("bea@example.com", (char *)NULL);
	m = dsn(n++, "BEA@example.com", "5.2.2", "552 5.2.2 Mailbox full");
	CHECK(run(m, "soft", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_INT(r.send[0], s);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "bea@example.com", NULL), 1);
	CHECK_INT(q("SELECT count(*) FROM soft_bounces WHERE addr_lc ="
	    " 'bea@example.com'"), 3);
	opts.verp = 1;
}

static int
alert_cb(const struct fb_alert *a, void *arg)
{
	struct fb_alert	*out = arg;

	out->count = a->count;
	out->send_id = a->send_id;
	free((char *)out->text);
	out->text = xstrdup(a->text);
	return 0;
}

static void
test_sender(void)
{
	struct feedback_result	 r;
	struct fb_alert		 a;
	int64_t			 s;
	char			*m, *cause = NULL;
	int			 i;

	s = new_send("cy@gmail.com", (char *)NULL);
	for (i = 0; i < 2; i++) {
		m = dsn(200 + i, "cy@gmail.com", "5.7.26", "550 5.7.26 This "
		    "mail has been blocked because the sender is "
		    "unauthenticated. gsmtp");
		CHECK(run(m, "policy", &r) == 0);
		CHECK_INT(r.action[0], FEEDBACK_ACT_ALERT);
		CHECK(strstr(r.why[0], "never suppressed") != NULL);
		feedback_result_free(&r);
		free(m);
	}
	CHECK_INT(store_is_suppressed(st, "cy@gmail.com", NULL), 0);
	memset(&a, 0, sizeof a);
	CHECK(store_fb_alerts(st, s, 0, alert_cb, &a, &cause) == 0);
	CHECK_INT(a.count, 2);
	CHECK_STR(a.text, "Gmail: unauthenticated, SPF or DKIM not passing: "
	    "run herald check");
	free((char *)a.text);
}

static void
test_complaint_unsubscribe(int64_t s1)
{
	struct feedback_result	 r;
	char			*m, *v, *addr = NULL, *cause = NULL, tok[32];
	long long		 before;
	int			 added = -1, i;

	/* By address alone (verp on): a forged complaint changes nothing. */
	m = arf(1, "dan@example.com");
	CHECK(run(m, "imaps://fbl/INBOX#6", &r) == 0);
	CHECK_INT(r.msg.n, 1);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	CHECK(strstr(r.why[0], "matched by address only, no herald token: "
	    "not acted on (verp is on") != NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "dan@example.com", NULL), 0);
	/* With the returned message's token (its List-Unsubscribe). */
	m = arf(2, "dan@example.com");
	CHECK(run_tok(m, "imaps://fbl/INBOX#7", tok_of(s1, "dan"),
	    "returned-message", &r) == 0);
	CHECK_INT(r.msg.n, 1);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_INT(r.send[0], s1);
	feedback_result_free(&r);
	free(m);
	v = qs("SELECT reason || ' ' || detail FROM suppressions WHERE"
	    " addr_lc = 'dan@example.com'");
	CHECK(v != NULL && strncmp(v, "complaint ", 10) == 0 &&
	    strstr(v, "imaps://fbl/INBOX#7") != NULL);
	free(v);

	/* An unsubscribe by token, from the CLI. */
	snprintf(tok, sizeof tok, "TOK%lldE", (long long)s1);
	CHECK_INT(feedback_unsubscribe(st, "nosuchtoken", "cli", &addr,
	    &cause), 0);
	CHECK(addr == NULL);
	CHECK_INT(feedback_unsubscribe_as(st, tok, "cli", &addr, &added,
	    &cause), 1);
	CHECK_STR(addr, "eve@example.com");
	CHECK_INT(added, 1);
	free(addr);
	v = qs("SELECT reason || ' ' || detail FROM suppressions WHERE"
	    " addr_lc = 'eve@example.com'");
	CHECK(v != NULL && strncmp(v, "unsubscribe ", 12) == 0 &&
	    strstr(v, "cli") != NULL);
	free(v);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE kind ="
	    " 'unsubscribe' AND msg_id IS NULL AND source = 'cli' AND"
	    " send_id = %lld", (long long)s1), 1);
	/* Again, by one-click POSTs: done already, nothing added. */
	before = q("SELECT count(*) FROM feedback_findings");
	for (i = 0; i < 3; i++) {
		CHECK_INT(feedback_unsubscribe_as(st, tok, "one-click", &addr,
		    &added, &cause), 1);
		CHECK_INT(added, 0);
		CHECK_STR(addr, "eve@example.com");
		free(addr);
	}
	CHECK_INT(q("SELECT count(*) FROM feedback_findings"), before);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'eve@example.com'"), 1);
}

static void
test_unknown_unmatched(void)
{
	struct feedback_result	 r;
	char			*m;
	long long		 before;

	before = q("SELECT count(*) FROM feedback_findings");
	CHECK(run("From: someone@example.org\r\nMessage-ID: <x@y>\r\n"
	    "Subject: hello\r\n\r\nJust words.\r\n", "x", &r) == 0);
	CHECK_INT(r.msg.n, 1);
	CHECK_INT(r.msg.v[0].kind, FEEDBACK_UNKNOWN);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	feedback_result_free(&r);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE kind ="
	    " 'unknown' AND action = 'ignored'"), 1);

	/* A hard bounce for nobody herald sent to: ignored, not
	 * suppressed. */
	m = dsn(300, "zed@nowhere.example", "5.1.1", "550 5.1.1 no such user");
	CHECK(run(m, "x", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	CHECK_INT(r.send[0], 0);
	CHECK(strstr(r.why[0], "no send or recipient matches") != NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "zed@nowhere.example", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings"), before + 2);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'zed@nowhere.example' AND send_id IS NULL"), 1);
}

/* A message is the same when its Message-ID and bytes are: without a
 * Message-ID the bytes decide; the same Message-ID over other bytes is
 * another message; a folded Message-ID is read whole. */
static void
test_identity(void)
{
	struct feedback_result	 r;
	char			*v;
	long long		 before;

	before = q("SELECT count(*) FROM feedback_messages");
	CHECK(run("From: a@example.org\r\nSubject: x\r\n\r\nno id\r\n", "i",
	    &r) == 0);
	CHECK(!r.duplicate);
	feedback_result_free(&r);
	CHECK(run("From: a@example.org\r\nSubject: x\r\n\r\nno id\r\n", "i",
	    &r) == 0);
	CHECK(r.duplicate);
	feedback_result_free(&r);
	CHECK(run("From: a@example.org\r\nMessage-ID:\r\n <fold@example.org>"
	    "\r\nSubject: x\r\n\r\none\r\n", "i", &r) == 0);
	CHECK(!r.duplicate);
	feedback_result_free(&r);
	CHECK(run("From: a@example.org\r\nMessage-ID:\r\n <fold@example.org>"
	    "\r\nSubject: x\r\n\r\ntwo\r\n", "i", &r) == 0);
	CHECK(!r.duplicate);
	feedback_result_free(&r);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages"), before + 3);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages WHERE message_id ="
	    " '<fold@example.org>'"), 2);
	v = qs("SELECT message_id FROM feedback_messages WHERE source = 'i'"
	    " ORDER BY id LIMIT 1");
	CHECK_STR(v, "");
	free(v);
}

/* The token names the recipient even when the report names another
 * address (an alias that forwarded). */
static void
test_token(int64_t s1)
{
	struct feedback_result	 r;
	char			*m, *cause = NULL, tok[32];

	m = dsn(400, "alias@forward.example", "5.1.1", "550 5.1.1 unknown");
	memset(&r, 0, sizeof r);
	(void)feedback_parse(m, strlen(m), &r.msg);
	snprintf(tok, sizeof tok, "TOK%lldF", (long long)s1);
	r.msg.token = xstrdup(tok);
	r.msg.token_from = "verp";
	CHECK(feedback_record(st, &opts, m, strlen(m), "verp", &r,
	    &cause) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_INT(r.send[0], s1);
	CHECK_STR(r.msg.v[0].rcpt, "fay@example.com");
	CHECK(strstr(r.why[0], "(verp)") != NULL);
	CHECK(strstr(r.why[0], "the report names alias@forward.example") !=
	    NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "fay@example.com", NULL), 1);
	CHECK_INT(store_is_suppressed(st, "alias@forward.example", NULL), 0);
	/* The trail: rcpt the address acted on, why the one reported. */
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'fay@example.com' AND action = 'suppressed' AND why LIKE"
	    " '%%alias@forward.example%%'"), 1);
}

/* A DSN with two failed recipients, both forwarded from one VERP
 * address: its holder is acted on once. */
static void
test_token_once(void)
{
	struct feedback_result	 r;
	int64_t			 s;
	char			*m;

	s = new_send("mo@example.com", (char *)NULL);
	m = xprintf(
	    "From: MAILER-DAEMON@mx.example.org\r\n"
	    "Message-ID: <dsn-two@mx.example.org>\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"B1\"\r\n\r\n"
	    "--B1\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
	    "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
	    "Reporting-MTA: dns; mx.example.org\r\n\r\n"
	    "Final-Recipient: rfc822; x1@fwd.example\r\nAction: failed\r\n"
	    "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 unknown\r\n"
	    "\r\n"
	    "Final-Recipient: rfc822; x2@fwd.example\r\nAction: failed\r\n"
	    "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 unknown\r\n"
	    "\r\n--B1--\r\n");
	CHECK(run_tok(m, "two", tok_of(s, "mo"), "verp", &r) == 0);
	CHECK_INT(r.msg.n, 2);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_STR(r.msg.v[0].rcpt, "mo@example.com");
	CHECK_INT(r.action[1], FEEDBACK_ACT_IGNORED);
	CHECK_STR(r.msg.v[1].rcpt, "x2@fwd.example");
	CHECK(strstr(r.why[1], "acted on once for this message") != NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "mo@example.com", NULL), 1);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'mo@example.com'"), 1);
}

/* With verp on, what names its recipient only by address, or by a token
 * that is not ours, or by a weak token naming someone else, suppresses
 * and counts nothing; with verp off the address is believed. */
static void
test_forged(void)
{
	struct feedback_result	 r;
	int64_t			 s;
	char			*m, *o, *p;

	s = new_send("kim@example.com", "lee@example.com", (char *)NULL);
	/* A forged DSN: Final-Recipient kim, 5.1.1, no token. */
	m = dsn(700, "kim@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run(m, "forged", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	CHECK_INT(r.send[0], s);
	CHECK(strstr(r.why[0], "matched by address only, no herald token: "
	    "not acted on (verp is on; a report without the token could be "
	    "forged)") != NULL);
	CHECK_STR(r.msg.v[0].rcpt, "kim@example.com");
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "kim@example.com", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings WHERE rcpt ="
	    " 'kim@example.com' AND action = 'ignored'"), 1);
	/* A soft bounce so: not counted either. */
	m = dsn(701, "kim@example.com", "5.2.2", "552 5.2.2 Mailbox full");
	CHECK(run(m, "forged", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(q("SELECT count(*) FROM soft_bounces WHERE addr_lc ="
	    " 'kim@example.com'"), 0);
	/* A token that is not ours: noted, and still by address only. */
	m = dsn(702, "kim@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run_tok(m, "unknown", "aaaaaaaaaaaaaaaaaaaa", "verp", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	CHECK(strstr(r.why[0], "is not one of this database's") != NULL);
	CHECK(strstr(r.why[0], "matched by address only, not by a token "
	    "naming it: not acted on") != NULL);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "kim@example.com", NULL), 0);
	/* A subject token (weak) naming kim in a report about lee: neither
	 * is suppressed. */
	m = dsn(703, "lee@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run_tok(m, "weak", tok_of(s, "kim"), "subject", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	CHECK_STR(r.msg.v[0].rcpt, "lee@example.com");
	CHECK(strstr(r.why[0], "names kim@example.com but the report names "
	    "lee@example.com") != NULL);
	feedback_result_free(&r);
	free(m);
	m = dsn(704, "lee@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run_tok(m, "weak", tok_of(s, "kim"), "returned-message",
	    &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "kim@example.com", NULL), 0);
	CHECK_INT(store_is_suppressed(st, "lee@example.com", NULL), 0);
	/* A weak token that agrees with the report is acted on. */
	m = dsn(705, "lee@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run_tok(m, "weak", tok_of(s, "lee"), "returned-message",
	    &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "lee@example.com", NULL), 1);
	/* An unsubscribe mail from the reader's own address, no token: its
	 * From is believed (a refusal is honoured). */
	CHECK(run("From: Kim <kim@example.com>\r\nTo: news@example.net\r\n"
	    "Message-ID: <unsub-kim@example.com>\r\nSubject: unsubscribe"
	    "\r\n\r\nplease\r\n", "unsub", &r) == 0);
	CHECK_INT(r.msg.v[0].kind, FEEDBACK_UNSUBSCRIBE);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	feedback_result_free(&r);
	CHECK_INT(store_is_suppressed(st, "kim@example.com", NULL), 1);
	/* An opt-out report (RFC 5965) by address: a report, not the
	 * reader's own mail, so it needs the token too. */
	new_send("oz@example.com", (char *)NULL);
	m = arf(707, "oz@example.com");
	p = strstr(m, "abuse\r\nUser");
	CHECK(p != NULL);
	o = xprintf("%.*sopt-out%s", (int)(p - m), m, p + 5);
	CHECK(run(o, "opt-out", &r) == 0);
	CHECK_INT(r.msg.v[0].kind, FEEDBACK_UNSUBSCRIBE);
	CHECK_INT(r.action[0], FEEDBACK_ACT_IGNORED);
	feedback_result_free(&r);
	free(o);
	free(m);
	CHECK_INT(store_is_suppressed(st, "oz@example.com", NULL), 0);
	/* verp off: the address is believed (no VERP to go by). */
	s = new_send("ned@example.com", (char *)NULL);
	opts.verp = 0;
	m = dsn(706, "ned@example.com", "5.1.1", "550 5.1.1 User unknown");
	CHECK(run(m, "off", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	CHECK_INT(r.send[0], s);
	feedback_result_free(&r);
	free(m);
	opts.verp = 1;
	CHECK_INT(store_is_suppressed(st, "ned@example.com", NULL), 1);
}

static void
test_dry_run(void)
{
	struct feedback_opts	 dry = opts;
	struct feedback_result	 r;
	char			*m, *cause = NULL;
	long long		 msgs, finds;

	new_send("gus@example.com", (char *)NULL);
	msgs = q("SELECT count(*) FROM feedback_messages");
	finds = q("SELECT count(*) FROM feedback_findings");
	dry.dry_run = 1;
	dry.verp = 0;
	m = dsn(500, "gus@example.com", "5.1.1", "550 5.1.1 unknown");
	CHECK(feedback_process(st, &dry, m, strlen(m), "dry", &r,
	    &cause) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_NONE);
	CHECK(r.send[0] > 0);
	CHECK(strstr(r.why[0], "would suppress") != NULL);
	CHECK_INT(r.id, 0);
	feedback_result_free(&r);
	free(m);
	CHECK_INT(store_is_suppressed(st, "gus@example.com", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages"), msgs);
	CHECK_INT(q("SELECT count(*) FROM feedback_findings"), finds);
}

/* A write that fails half-way (a trigger refuses the finding): the
 * suppression made before it and the message row are rolled back. */
static void
test_db_error(void)
{
	struct feedback_result	 r;
	sqlite3			*db;
	char			*m, *cause = NULL;
	long long		 msgs;

	new_send("hal@example.com", (char *)NULL);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON"
	    " feedback_findings WHEN NEW.rcpt = 'hal@example.com' BEGIN"
	    " SELECT RAISE(ABORT, 'disk says no'); END", NULL, NULL, NULL) ==
	    SQLITE_OK);
	sqlite3_close(db);
	msgs = q("SELECT count(*) FROM feedback_messages");
	opts.verp = 0;
	m = dsn(600, "hal@example.com", "5.1.1", "550 5.1.1 unknown");
	CHECK_INT(feedback_process(st, &opts, m, strlen(m), "err", &r,
	    &cause), -1);
	CHECK(cause != NULL && strstr(cause, "disk says no") != NULL);
	free(cause);
	CHECK_INT(r.id, 0);
	feedback_result_free(&r);
	CHECK_INT(store_is_suppressed(st, "hal@example.com", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM feedback_messages"), msgs);
	/* The store works on: the same message once the fault is gone. */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "DROP TRIGGER refuse", NULL, NULL, NULL) ==
	    SQLITE_OK);
	sqlite3_close(db);
	CHECK(run(m, "err", &r) == 0);
	CHECK_INT(r.action[0], FEEDBACK_ACT_SUPPRESSED);
	feedback_result_free(&r);
	free(m);
	opts.verp = 1;
}

/* A reply during the send (store_send_record, the engine's turn): a
 * soft bounce counts in the same tally, a refusal of the sender raises
 * the same alert; neither suppresses before its time. */
static void
sync_change(int64_t send, const char *addr, int code, const char *enh,
    const char *cls, int soft, const char *provider)
{
	struct send_change	 c;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	c.rcpt_id = q("SELECT id FROM recipients WHERE send_id = %lld AND"
	    " addr = '%s'", (long long)send, addr);
	c.state = RCPT_BOUNCED;
	c.at = 1800000000;
	c.attempts = 1;
	c.attempt = 1;
	c.code = code;
	snprintf(c.enhanced, sizeof c.enhanced, "%s", enh);
	snprintf(c.reply, sizeof c.reply, "refused");
	snprintf(c.stage, sizeof c.stage, "rcpt");
	snprintf(c.cls, sizeof c.cls, "%s", cls);
	snprintf(c.reason, sizeof c.reason, "%s", soft ? "mailbox-full" :
	    "authentication");
	c.soft_limit = soft ? 3 : 0;
	if (provider != NULL) {
		snprintf(c.alert_provider, sizeof c.alert_provider, "%s",
		    provider);
		alert_text(provider, "authentication", c.alert_text,
		    sizeof c.alert_text);
	}
	CHECK(store_send_record(st, send, &c, 1, &cause) == 0);
}

static void
test_sync(void)
{
	int64_t	s;
	int	i;

	for (i = 0; i < 3; i++) {
		s = new_send("ivy@example.com", "jo@gmail.com", (char *)NULL);
		sync_change(s, "ivy@example.com", 552, "5.2.2", "soft", 1,
		    NULL);
		sync_change(s, "jo@gmail.com", 550, "5.7.26", "sender", 0,
		    "Gmail");
		CHECK_INT(store_is_suppressed(st, "ivy@example.com", NULL),
		    i == 2);
		CHECK_INT(q("SELECT count FROM alerts WHERE send_id = %lld"
		    " AND provider = 'Gmail' AND reason = 'authentication'",
		    (long long)s), 1);
	}
	CHECK_INT(store_is_suppressed(st, "jo@gmail.com", NULL), 0);
	CHECK_INT(q("SELECT count(*) FROM soft_bounces WHERE addr_lc ="
	    " 'ivy@example.com'"), 3);
}

static void
test_wording(void)
{
	char	b[256];

	CHECK_STR(alert_provider("gmail.com", NULL, NULL, b, sizeof b),
	    "Gmail");
	CHECK_STR(alert_provider("example.org", "aspmx.l.google.com", NULL, b,
	    sizeof b), "Gmail");
	CHECK_STR(alert_provider("corp.example", "", "550 5.7.26 gsmtp", b,
	    sizeof b), "Gmail");
	CHECK_STR(alert_provider("hotmail.co.jp", NULL, NULL, b, sizeof b),
	    "Microsoft");
	CHECK_STR(alert_provider("corp.example", "corp-example.mail."
	    "protection.outlook.com", NULL, b, sizeof b), "Microsoft");
	CHECK_STR(alert_provider("yahoo.co.jp", NULL, NULL, b, sizeof b),
	    "Yahoo");
	CHECK_STR(alert_provider("me.com", NULL, NULL, b, sizeof b),
	    "iCloud");
	CHECK_STR(alert_provider("home.com", NULL, NULL, b, sizeof b),
	    "home.com");
	CHECK_STR(alert_provider("docomo.ne.jp", NULL, NULL, b, sizeof b),
	    "docomo");
	CHECK_STR(alert_provider("ezweb.ne.jp", NULL, NULL, b, sizeof b),
	    "au");
	CHECK_STR(alert_provider("i.softbank.jp", NULL, NULL, b, sizeof b),
	    "SoftBank");
	CHECK_STR(alert_provider("", NULL, NULL, b, sizeof b),
	    "unknown provider");
	alert_text("Gmail", "authentication", b, sizeof b);
	CHECK_STR(b, "Gmail: unauthenticated, SPF or DKIM not passing: run "
	    "herald check");
	alert_text("example.org", "reputation", b, sizeof b);
	CHECK(strncmp(b, "example.org: the sending IP", 27) == 0);
	CHECK(strstr(alert_cause("no-such-reason"), "herald check") != NULL);
}

int
main(void)
{
	char	*cause = NULL;
	int64_t	 s1;

	if (mkdtemp(dir) == NULL)
		return 1;
	path = xprintf("%s/h.db", dir);
	if (store_open(path, &st, &cause) == -1) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	s1 = new_send("ann@example.com", "dan@example.com", "eve@example.com",
	    "fay@example.com", (char *)NULL);
	test_wording();
	test_hard(s1);
	test_soft();
	test_sender();
	test_complaint_unsubscribe(s1);
	test_unknown_unmatched();
	test_token(s1);
	test_token_once();
	test_forged();
	test_identity();
	test_dry_run();
	test_db_error();
	test_sync();
	store_close(st);
	unlink(path);
	free(path);
	path = xprintf("rm -rf %s", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(path);
	TEST_END();
}
