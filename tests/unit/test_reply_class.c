/*
 * The reply classifier against real reply lines: which refusals suppress
 * an address (hard) and which are the sender's (never suppressed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply_class.h"
#include "test.h"

struct reply_case {
	const char	*stage;		/* NULL: reply_classify alone */
	int		 code;
	const char	*enhanced;
	const char	*text;
	const char	*cls;
	const char	*reason;
};

static const struct reply_case cases[] = {
	/* Address-level, permanent: suppressed. */
	{ "rcpt", 550, "5.1.1", "5.1.1 The email account that you tried to "
	  "reach does not exist. Please try double-checking the recipient's "
	  "email address for typos or unnecessary spaces. For more "
	  "information, go to https://support.google.com/mail/?p=NoSuchUser",
	  "hard", "user-unknown" },
	{ "rcpt", 550, "5.1.1", "<ann@example.org>: Recipient address "
	  "rejected: User unknown in virtual mailbox table",
	  "hard", "user-unknown" },
	{ "rcpt", 550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient "
	  "not found by SMTP address lookup", "hard", "user-unknown" },
	{ "dns", 556, "5.1.10", "example.org accepts no mail (null MX, RFC "
	  "7505)", "hard", "null-mx" },
	{ "dns", 550, "5.1.2", "the domain nosuch.example does not exist "
	  "(NXDOMAIN)", "hard", "host-unknown" },
	{ "rcpt", 550, "5.2.1", "The email account that you tried to reach "
	  "is disabled.", "hard", "mailbox-disabled" },
	{ "rcpt", 553, "5.1.3", "<a b@example.org>: Recipient address "
	  "rejected: bad address syntax", "hard", "bad-address" },
	/* No enhanced code: only plain words of a missing user. */
	{ "rcpt", 550, "", "<bob@example.org>: User unknown", "hard",
	  "user-unknown" },
	{ "rcpt", 550, "", "No such user here", "hard", "user-unknown" },
	{ "rcpt", 551, "", "User not local; no such user", "hard",
	  "user-unknown" },
	/* RFC 5321's generic 550 text also covers policy: not suppressed. */
	{ "rcpt", 550, "", "Requested action not taken: mailbox unavailable",
	  "unknown", "unclassified" },
	{ "rcpt", 554, "", "Transaction failed", "unknown", "unclassified" },
	/* The sender refused: never suppressed. */
	{ "rcpt", 550, "5.7.26", "5.7.26 This mail has been blocked because "
	  "the sender is unauthenticated. Gmail requires all senders to "
	  "authenticate with either SPF or DKIM.", "sender",
	  "authentication" },
	{ "dot", 550, "5.7.26", "unauthenticated", "sender",
	  "authentication" },
	{ "rcpt", 550, "5.7.1", "5.7.1 [192.0.2.1] Our system has detected "
	  "an unusual rate of unsolicited mail originating from your IP "
	  "address. To protect our users from spam, mail sent from your IP "
	  "address has been blocked.", "sender", "reputation" },
	{ "rcpt", 550, "5.7.1", "blocked", "sender", "reputation" },
	{ "dot", 554, "5.7.1", "Message rejected as spam", "sender",
	  "reputation" },
	{ "rcpt", 550, "5.7.606", "Access denied, banned sending IP "
	  "[192.0.2.1]. To request removal from this list please visit "
	  "https://sender.office.com/", "sender", "reputation" },
	{ "dot", 550, "5.7.509", "Access denied, sending domain example.org "
	  "does not pass DMARC verification and has a DMARC policy of reject.",
	  "sender", "authentication" },
	{ "rcpt", 550, "5.7.1", "<ann@example.org>: Relay access denied",
	  "sender", "policy" },
	{ "rcpt", 421, "4.7.28", "Our system has detected an unusual rate of "
	  "unsolicited mail originating from your IP address. To protect our "
	  "users from spam, mail sent from your IP address has been "
	  "temporarily rate limited.", "sender", "rate-limited" },
	{ "rcpt", 421, "4.7.26", "This mail has been rate limited because it "
	  "is unauthenticated.", "sender", "authentication" },
	{ "rcpt", 553, "5.7.1", "[BL21] Connections will not be accepted from "
	  "192.0.2.1, because the ip is in Spamhaus's list", "sender",
	  "reputation" },
	{ "mail", 553, "5.1.8", "<news@example.org>: Sender address rejected: "
	  "Domain not found", "sender", "sender-address" },
	{ "rcpt", 550, "5.1.0", "<news@example.org>: Sender address rejected: "
	  "User unknown in local recipient table", "sender",
	  "sender-address" },
	{ "mail", 550, "", "unknown user", "sender", "sender-address" },
	{ "mail", 550, "5.1.1", "user unknown", "sender", "sender-address" },
	{ "banner", 554, "", "no SMTP service here", "sender", "policy" },
	{ "auth", 535, "5.7.8", "Error: authentication failed", "sender",
	  "credentials" },
	{ "rcpt", 550, "", "SPF check failed", "sender", "authentication" },
	/* The mailbox or the system, this time: counted, not suppressed. */
	{ "rcpt", 552, "5.2.2", "The email account that you tried to reach is "
	  "over quota.", "soft", "mailbox-full" },
	{ "rcpt", 552, "5.2.2", "mailbox full", "soft", "mailbox-full" },
	{ "rcpt", 552, "", "Requested mail action aborted: exceeded storage "
	  "allocation (quota)", "soft", "mailbox-full" },
	{ "dot", 552, "5.3.4", "Message size exceeds fixed maximum message "
	  "size", "soft", "message-size" },
	{ "rcpt", 450, "4.2.1", "The user you are trying to contact is "
	  "receiving mail at a rate that prevents additional messages from "
	  "being delivered.", "soft", "rate-limited" },
	{ "rcpt", 450, "4.2.0", "<ann@example.org>: Recipient address "
	  "rejected: Greylisted, see http://postgrey.schweikert.ch/",
	  "soft", "greylisted" },
	{ "rcpt", 451, "4.7.1", "Greylisting in action, please come back "
	  "later", "soft", "greylisted" },
	{ "rcpt", 451, "4.3.0", "try again later", "soft", "system" },
	{ "rcpt", 450, "4.1.1", "<ann@example.org>: Recipient address "
	  "rejected: unverified address", "soft", "user-unknown" },
	{ "dns", 451, "4.4.3", "DNS: the MX lookup for example.org failed "
	  "(SERVFAIL)", "soft", "network" },
	{ "dns", 550, "5.4.4", "no MX host of example.org has an address",
	  "soft", "no-route" },
	{ "rcpt", 452, "4.5.3", "Too many recipients", "soft", "protocol" },
	{ "rcpt", 451, "", "Temporary local problem", "soft", "temporary" },
	/* No reply at all, or one that disagrees with itself. */
	{ "connect", 0, "", "connection refused", "unknown", "no-reply" },
	{ "render", 0, "", "cannot render the message: x", "unknown",
	  "local" },
	{ "rcpt", 550, "4.1.1", "no such user", "hard", "user-unknown" },
	{ "rcpt", 450, "5.1.1", "user unknown", "soft", "temporary" },
	{ "rcpt", 550, "5.1", "user unknown", "hard", "user-unknown" },
	{ "rcpt", 550, "5.1.1x", "mailbox unavailable", "unknown",
	  "unclassified" },
	{ "rcpt", 250, "2.1.5", "ok", "", "" },
	{ NULL, 550, "5.1.1", NULL, "hard", "user-unknown" },
};

static void
test_table(void)
{
	const struct reply_case	*c;
	struct reply_verdict	 v;
	size_t			 i;
	int			 bad;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = &cases[i];
		if (c->stage != NULL)
			reply_classify_at(c->stage, c->code, c->enhanced,
			    c->text, &v);
		else
			reply_classify(c->code, c->enhanced, c->text, &v);
		bad = strcmp(reply_class_name(v.cls), c->cls) != 0 ||
		    strcmp(v.reason, c->reason) != 0;
		if (bad) {
			test_failed++;
			fprintf(stderr, "FAILED: %s %d %s %.40s: got %s/%s, "
			    "want %s/%s\n", c->stage != NULL ? c->stage : "-",
			    c->code, c->enhanced, c->text != NULL ? c->text :
			    "(null)", reply_class_name(v.cls), v.reason,
			    c->cls, c->reason);
		} else
			test_passed++;
	}
}

/* Only hard suppresses: no sender refusal is ever hard, whatever the
 * stage. */
static void
test_never_hard(void)
{
	static const char *const stages[] = { "connect", "banner", "ehlo",
	    "helo", "starttls", "auth", "mail" };
	struct reply_verdict	 v;
	size_t			 i;

	for (i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		reply_classify_at(stages[i], 550, "5.1.1", "no such user", &v);
		CHECK(v.cls != REPLY_HARD);
		reply_classify_at(stages[i], 550, "", "user unknown", &v);
		CHECK(v.cls != REPLY_HARD);
	}
	reply_classify(550, NULL, NULL, &v);
	CHECK_STR(reply_class_name(v.cls), "unknown");
	CHECK_STR(reply_class_name(REPLY_SENDER), "sender");
}

int
main(void)
{
	test_table();
	test_never_hard();
	TEST_END();
}
