/*
 * reply_classify_bounce: the reasons and consequences of failures
 * reported after the fact (DSN diagnostics and bounces in words), in the
 * spirit of Sisimai's taxonomy. The synchronous classifier's cases stay
 * in test_reply_class.c. Then the rules the feedback reader adds around
 * it from what each MTA's report says (stage, gateway, own categories),
 * on small messages in those MTAs' shapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback/feedback.h"
#include "smtp/reply_class.h"
#include "test.h"

struct bounce_case {
	int		 code;
	const char	*status;
	const char	*text;
	int		 perm;
	const char	*cls;
	const char	*reason;
};

static const struct bounce_case cases[] = {
	/* address-level, permanent: suppressed */
	{ 550, "5.1.1", "550 5.1.1 <a@example.org>: Recipient address "
	  "rejected: User unknown in local recipient table", 1, "hard",
	  "user-unknown" },
	{ 0, "", "Sorry, no mailbox here by that name. (#5.1.1)", 1, "hard",
	  "user-unknown" },
	{ 550, "5.1.2", "Host or domain name not found", 1, "hard",
	  "host-unknown" },
	{ 0, "5.4.4", "Sorry, I couldn't find a mail exchanger or IP "
	  "address. (#5.4.4)", 1, "hard", "host-unknown" },
	{ 556, "5.1.10", "example.org does not accept mail (null MX)", 1,
	  "hard", "null-mx" },
	{ 550, "5.2.1", "550 5.2.1 The email account that you tried to reach "
	  "is disabled.", 1, "hard", "mailbox-disabled" },
	{ 554, "5.0.0", "This account has been disabled or discontinued", 1,
	  "hard", "mailbox-disabled" },
	{ 550, "5.1.6", "550 5.1.6 recipient no longer on server", 1, "hard",
	  "mailbox-moved" },
	/* the MTA gave up on a 4.1.1: the address, final */
	{ 450, "4.1.1", "Recipient address rejected: User unknown in virtual "
	  "alias table", 1, "hard", "user-unknown" },
	/* still trying: never hard */
	{ 450, "4.1.1", "User unknown", 0, "soft", "user-unknown" },
	/* "host not found, try again": DNS trouble, not a verdict */
	{ 0, "", "Name service error for domain example.com: Host not "
	  "found, try again", 1, "soft", "network-error" },
	{ 0, "5.4.4", "Name service error for name=example.org type=MX: "
	  "Malformed or unexpected name server reply", 1, "soft",
	  "network-error" },
	/* soft: counted */
	{ 552, "5.2.2", "552 5.2.2 Mailbox full", 1, "soft", "mailbox-full" },
	{ 550, "5.1.1", "550 5.1.1 user is over quota", 1, "soft",
	  "mailbox-full" },
	{ 552, "5.3.4", "Message size exceeds fixed maximum message size", 1,
	  "soft", "message-size" },
	{ 0, "", "retry timeout exceeded", 1, "soft", "expired" },
	{ 550, "5.0.0", "550 Unknown user (after end of DATA)", 1, "hard",
	  "user-unknown" },
	{ 550, "", "550 : User unknown", 1, "soft", "filtered" },
	{ 550, "5.1.1", "Refused due to recipient preference", 1, "soft",
	  "filtered" },
	{ 0, "", "procmail: Couldn't create \"/var/spool/mail/x\": No such "
	  "user", 1, "soft", "mailer-error" },
	/* the sender's: never suppressed */
	{ 550, "5.7.26", "This mail has been blocked because the sender is "
	  "unauthenticated.", 1, "sender", "authentication" },
	{ 550, "5.7.1", "Client host rejected: cannot find your hostname", 1,
	  "sender", "require-ptr" },
	{ 554, "5.7.1", "Service unavailable; Client host [192.0.2.1] "
	  "blocked using zen.spamhaus.org", 1, "sender", "reputation" },
	{ 550, "5.1.1", "550 5.1.1 <a@b.example> blocked by spamhaus", 1,
	  "sender", "reputation" },
	{ 550, "5.7.1", "Message rejected as spam by Content Filtering", 1,
	  "sender", "spam-detected" },
	{ 421, "4.7.0", "Too many concurrent SMTP connections", 0, "sender",
	  "too-many-connections" },
	{ 550, "5.2.1", "The user you are trying to contact is receiving mail "
	  "at a rate that prevents additional messages", 1, "sender",
	  "rate-limited" },
	{ 554, "5.7.1", "<a@b.example>: Relay access denied", 1, "sender",
	  "no-relaying" },
	{ 550, "5.1.7", "SMTP error from remote mail server after MAIL "
	  "FROM:<s@example.net>: 550 5.1.7 sender rejected", 1, "sender",
	  "sender-address" },
	{ 530, "5.7.0", "Must issue a STARTTLS command first", 1, "sender",
	  "tls" },
	{ 550, "5.7.1", "Recipient address rejected: User unknown", 1, "soft",
	  "filtered" },
	/* RFC 7504's 521: a host that takes no mail; unless it names the
	 * sender */
	{ 521, "5.3.2", "521 5.3.2 <a@example.org>: Recipient address "
	  "rejected: System not accepting network messages", 1, "hard",
	  "null-mx" },
	{ 521, "", "521 example.org does not accept mail", 1, "hard",
	  "null-mx" },
	{ 521, "", "521-5.7.1 Service unavailable; client [192.0.2.1] "
	  "blocked using dnsbl.sorbs.net", 1, "sender", "reputation" },
	{ 521, "5.7.1", "521 5.7.1 Access denied", 1, "sender",
	  "reputation" },
	/* DragonFly Mail Agent's words for a domain without a host */
	{ 0, "", "There was an error delivering your mail to "
	  "<postmaster@a.example.org>. DNS lookup failure: host a.example.org "
	  "not found", 1, "hard", "host-unknown" },
	{ 0, "", "DNS lookup failure: host a.example.org not found, try "
	  "again", 0, "soft", "network-error" },
	/* nothing tells: unknown, never suppressed */
	{ 0, "", "", -1, "unknown", "unclassified" },
	{ 554, "", "Transaction failed", 1, "unknown", "unclassified" },
	/* a success is no failure */
	{ 250, "2.0.0", "250 2.0.0 OK", 1, "", "delivered" },
};

/* The first finding of a message written here (LF line ends) or of
 * the first message of an mbox; its fields copied to the caller's. */
struct got {
	char	kind[16], rcpt[128], status[16], cls[16], reason[32];
	int	code, n;
};

static void
each_first(const char *msg, size_t len, size_t line, void *arg)
{
	struct got		*g = arg;
	struct feedback_msg	 m;

	(void)line;
	feedback_parse(msg, len, &m);
	if (g->n++ == 0 && m.n > 0) {
		snprintf(g->kind, sizeof(g->kind), "%s",
		    feedback_kind_name(m.v[0].kind));
		snprintf(g->rcpt, sizeof(g->rcpt), "%s", m.v[0].rcpt);
		snprintf(g->status, sizeof(g->status), "%s", m.v[0].status);
		snprintf(g->cls, sizeof(g->cls), "%s",
		    reply_class_name(m.v[0].cls));
		snprintf(g->reason, sizeof(g->reason), "%s", m.v[0].reason);
		g->code = m.v[0].code;
	}
	feedback_msg_free(&m);
}

static void
parse_first(const char *msg, struct got *g)
{
	char	*cause = NULL;

	memset(g, 0, sizeof(*g));
	if (feedback_is_mbox(msg, strlen(msg))) {
		CHECK_INT(feedback_mbox_each(msg, strlen(msg), each_first, g,
		    &cause), 0);
		free(cause);
	} else
		each_first(msg, strlen(msg), 0, g);
}

#define HDR(from, subj)	"From: " from "\nTo: bounce@example.net\n" \
	"Subject: " subj "\nMIME-Version: 1.0\n"
#define DSN_HDR		"Content-Type: multipart/report; " \
	"report-type=delivery-status; boundary=\"B\"\n\n"
#define TEXT_PART	"--B\nContent-Type: text/plain\n\n"
#define DSN_PART	"--B\nContent-Type: message/delivery-status\n\n" \
	"Reporting-MTA: dns; mx.example.net\n\n"

/* A DSN of one recipient: its human words, then its fields. */
#define DSN(extra, human, fields) \
	HDR("MAILER-DAEMON@mx.example.net", "Returned mail") extra DSN_HDR \
	TEXT_PART human "\n" DSN_PART fields "\n--B--\n"

static void
test_reader_rules(void)
{
	struct got	g;

	/* Exim gives up in words: X.4.7, transient */
	parse_first(HDR("Mail Delivery System <Mailer-Daemon@mx.example.net>",
	    "Mail delivery failed: returning message to sender")
	    "Content-Type: text/plain\n\n"
	    "This message was created automatically by mail delivery "
	    "software.\n\nA message that you sent could not be delivered to "
	    "one or more of its\nrecipients. This is a permanent error. The "
	    "following address(es) failed:\n\n  ann@example.com\n"
	    "    retry timeout exceeded\n", &g);
	CHECK_STR(g.rcpt, "ann@example.com");
	CHECK_STR(g.reason, "expired");
	CHECK_STR(g.status, "4.4.7");
	CHECK_STR(g.cls, "soft");

	/* X.2.1 said as "User Unknown", stage unknown: filtered */
	parse_first(DSN("", "<ann@example.com>... User Unknown",
	    "Final-Recipient: rfc822; ann@example.com\nAction: failed\n"
	    "Status: 5.2.1\nDiagnostic-Code: smtp; 550 5.2.1 "
	    "<ann@example.com>... User Unknown"), &g);
	CHECK_STR(g.cls, "soft");
	CHECK_STR(g.reason, "filtered");
	/* ... at RCPT TO (Yahoo's tag): the missing user */
	parse_first(DSN("", "<ann@example.com>: Remote host said: 550 5.2.1 "
	    "<ann@example.com>... User Unknown [RCPT_TO]",
	    "Final-Recipient: rfc822; ann@example.com\nAction: failed\n"
	    "Status: 5.2.1\nDiagnostic-Code: smtp; 550 5.2.1 "
	    "<ann@example.com>... User Unknown [RCPT_TO]"), &g);
	CHECK_STR(g.cls, "hard");
	CHECK_STR(g.reason, "user-unknown");
	/* ... or by PowerMTA's own category */
	parse_first(DSN("", "",
	    "Final-Recipient: rfc822; ann@example.com\nAction: failed\n"
	    "Status: 5.2.1 (mailbox disabled, not accepting messages)\n"
	    "Diagnostic-Code: smtp;550 5.2.1 <ann@example.com>... User "
	    "Unknown\nX-PowerMTA-BounceCategory: bad-mailbox"), &g);
	CHECK_STR(g.cls, "hard");

	/* a filtering gateway's "user unknown": not proof; the same words
	 * from a plain MTA are */
#define GW_BODY	"Content-Type: text/plain\n\n" \
	"--- The following addresses had delivery problems ---\n\n" \
	"<ann@example.com>\n    550 ann@example.com... No such user\n"
	parse_first(HDR("<MAILER-DAEMON@gw.example.com>", "Delivery Status")
	    "X-NAI-Header: Modified by McAfee Email and Web Security "
	    "Appliance\n" GW_BODY, &g);
	CHECK_STR(g.rcpt, "ann@example.com");
	CHECK_STR(g.cls, "soft");
	CHECK_STR(g.reason, "filtered");
	parse_first(HDR("<MAILER-DAEMON@mx.example.com>", "Delivery Status")
	    GW_BODY, &g);
	CHECK_STR(g.cls, "hard");

	/* the diagnostic's "550 5.5.0" over a Status of another class */
	parse_first(DSN("", "",
	    "Final-Recipient: rfc822; ann@laposte.example\nAction: failed\n"
	    "Status: 4.5.0\nDiagnostic-Code: smtp; 550 5.5.0 Service refuse. "
	    "service refused, please try later. LPN001_108"), &g);
	CHECK_STR(g.status, "5.5.0");
	CHECK_INT(g.code, 550);

	/* a pipelined RCPT refusal logged after >>> DATA, the DATA then
	 * answered "no valid recipients": RCPT TO's, the user is gone */
	parse_first(DSN("", "   ----- Transcript of session follows -----\n"
	    "... while talking to mx.laposte.example.:\n>>> DATA\n"
	    "<<< 550 5.5.0 Invalid recipient. LPN007_416\n"
	    "550 5.1.1 <ann@laposte.example>... User unknown\n"
	    "<<< 554 5.5.1 Error: no valid recipients\n",
	    "Final-Recipient: RFC822; ann@laposte.example\nAction: failed\n"
	    "Status: 5.5.0\nDiagnostic-Code: SMTP; 550 5.5.0 Invalid "
	    "recipient. LPN007_416"), &g);
	CHECK_STR(g.cls, "hard");
	CHECK_STR(g.reason, "user-unknown");

	/* Sendmail V5: a recipient's words stop at the next host's line
	 * and at its own "<addr>..." line's end */
	parse_first(HDR("Mail Delivery Subsystem <MAILER-DAEMON@example.jp>",
	    "Returned mail: Host unknown")
	    "Content-Type: text/plain\n\n"
	    "   ----- Transcript of session follows -----\n"
	    "554 <ann@example.org>... Remote protocol error\n"
	    "550 example.org (smtp)... 550 Host unknown\n"
	    "554 <bob@example.org>... 550 Host unknown (Authoritative answer "
	    "from name server)\n", &g);
	CHECK_STR(g.rcpt, "ann@example.org");
	CHECK(strcmp(g.cls, "hard") != 0);

	/* Zoho's ERROR_CODE field */
	parse_first(HDR("<mailer-daemon@mx.zohomail.example>",
	    "Undelivered Mail Returned to Sender")
	    "Content-Type: text/plain\n\n"
	    "This message was created automatically by mail delivery\n\n"
	    "ann@example.jp Error, ERROR_CODE :421, ERROR_CODE :, Host not "
	    "reachable.\n", &g);
	CHECK_STR(g.rcpt, "ann@example.jp");
	CHECK_INT(g.code, 421);
	CHECK(strcmp(g.cls, "hard") != 0);

	/* a Final-Recipient that is no address: the returned To */
	parse_first(HDR("Mail Delivery Subsystem <MAILER-DAEMON@example.jp>",
	    "Returned mail: see transcript for details") DSN_HDR TEXT_PART
	    "   ----- The following addresses had permanent fatal errors "
	    "-----\n<ann@example.org>\n\n"
	    "550 5.1.2 <ann@example.org>... Host unknown (Name server: "
	    "mx.example.org: no data known)\n\n" DSN_PART
	    "Final-Recipient: RFC822; @mx.example.org\nAction: failed\n"
	    "Status: 5.1.2\n\n"
	    "--B\nContent-Type: text/rfc822-headers\n\n"
	    "From: news@example.net\nTo: ann@example.org\nSubject: hi\n"
	    "\n--B--\n", &g);
	CHECK_STR(g.rcpt, "ann@example.org");
	CHECK_STR(g.cls, "hard");
	CHECK_STR(g.reason, "host-unknown");

	/* DragonFly names a postmaster as the recipient */
	parse_first(HDR("MAILER-DAEMON <>", "Mail delivery failed")
	    "Content-Type: text/plain\n\n"
	    "This is the DragonFly Mail Agent v0.13 at df.example.jp.\n\n"
	    "There was an error delivering your mail to "
	    "<postmaster@a.example.org>.\n\n"
	    "DNS lookup failure: host a.example.org not found\n", &g);
	CHECK_STR(g.rcpt, "postmaster@a.example.org");
	CHECK_STR(g.cls, "hard");

	/* an mbox whose second From_ line has no empty line before it */
	parse_first("From MAILER-DAEMON  Thu Jul  2 12:05:05 2020\n"
	    HDR("MAILER-DAEMON@mx.example.net", "Returned mail")
	    "Content-Type: text/plain\n\n<ann@example.com>: 550 5.1.1 "
	    "User unknown (in reply to RCPT TO command)\n"
	    "From double-bounce@mx.example.net  Thu Jul  2 12:05:05 2020\n"
	    HDR("MAILER-DAEMON@mx.example.net", "Returned mail")
	    "Content-Type: text/plain\n\n<bob@example.com>: 550 5.1.1 "
	    "User unknown (in reply to RCPT TO command)\n"
	    "From here on it is only text 2020\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.rcpt, "ann@example.com");
}

int
main(void)
{
	struct reply_verdict	v;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bounce_case *c = &cases[i];

		reply_classify_bounce(c->code, c->status, c->text, c->perm, &v);
		if (strcmp(reply_class_name(v.cls), c->cls) != 0 ||
		    strcmp(v.reason, c->reason) != 0)
			fprintf(stderr, "case %zu: %d %s \"%s\": got %s/%s\n",
			    i, c->code, c->status, c->text,
			    reply_class_name(v.cls), v.reason);
		CHECK_STR(reply_class_name(v.cls), c->cls);
		CHECK_STR(v.reason, c->reason);
	}
	CHECK_INT(reply_enhanced_class("5.1.1"), 5);
	CHECK_INT(reply_enhanced_class("4.7.26"), 4);
	CHECK_INT(reply_enhanced_class("5.1"), 0);
	CHECK_INT(reply_enhanced_class(NULL), 0);
	test_reader_rules();
	TEST_END();
}
