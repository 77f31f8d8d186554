/*
 * reply_classify_bounce: the reasons and consequences of failures
 * reported after the fact (DSN diagnostics and bounces in words), in the
 * spirit of Sisimai's taxonomy. The synchronous classifier's cases stay
 * in test_reply_class.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* nothing tells: unknown, never suppressed */
	{ 0, "", "", -1, "unknown", "unclassified" },
	{ 554, "", "Transaction failed", 1, "unknown", "unclassified" },
	/* a success is no failure */
	{ 250, "2.0.0", "250 2.0.0 OK", 1, "", "delivered" },
};

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
	TEST_END();
}
