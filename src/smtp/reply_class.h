/*
 * What a failure reply says about its recipient: the shared classifier of
 * SMTP replies (RFC 5321 basic codes, RFC 3463 enhanced status codes and
 * the reply's words). Pure: no I/O, no state.
 *
 * Only an address-level permanent failure is "hard" (the address is
 * suppressed): a bad or unknown mailbox or domain (5.1.x), a null MX
 * (5.1.10), a disabled mailbox (5.2.1). A refusal of the sender (policy,
 * authentication, reputation, rate: 5.7.x, 5.1.7, 5.1.8) is "sender": it
 * would refuse every reader at that provider, so it is never held against
 * the address. The rest is "soft" (the mailbox or the system, for now) or
 * "unknown" (nothing tells); without an enhanced code only a 550, 551 or
 * 553 that clearly says the user does not exist is hard.
 */
#ifndef HERALD_REPLY_CLASS_H
#define HERALD_REPLY_CLASS_H

enum reply_class {
	REPLY_NONE,		/* no failure (2xx, 3xx) */
	REPLY_HARD,		/* address-level and permanent: suppress */
	REPLY_SOFT,		/* the mailbox or its system, this time */
	REPLY_SENDER,		/* the sender was refused: never suppress */
	REPLY_UNKNOWN,		/* nothing says which */
};

struct reply_verdict {
	enum reply_class	 cls;
	const char		*reason;	/* a word: user-unknown, ... */
};

/* "hard", "soft", "sender", "unknown"; "" for REPLY_NONE. */
const char	*reply_class_name(enum reply_class);
/* The class of a name ("" and anything unknown: REPLY_NONE). */
enum reply_class reply_class_parse(const char *);
/*
 * Classify a reply: its basic code (0 when there was none), its enhanced
 * code ("5.1.1", or "" / NULL) and its text (may be NULL). A permanent
 * verdict needs a 5xx; an enhanced code whose class disagrees with the
 * basic code's is ignored.
 */
void		 reply_classify(int code, const char *enhanced,
		    const char *text, struct reply_verdict *);
/*
 * The same, knowing the SMTP stage the reply answered ("connect",
 * "banner", "ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data",
 * "dot", "dns", ...): a refusal before RCPT is about the session or the
 * sender, never the recipient's address.
 */
void		 reply_classify_at(const char *stage, int code,
		    const char *enhanced, const char *text,
		    struct reply_verdict *);

/*
 * A failure reported after the fact: a delivery status notification's
 * Status and Diagnostic-Code, or the words of a bounce some MTA wrote
 * its own way. The same three consequences, with the finer reasons of
 * the taxonomy the Sisimai project uses (user-unknown, host-unknown,
 * null-mx, mailbox-moved, mailbox-disabled: hard when permanent;
 * mailbox-full, message-size, exceed-limit, expired, filtered,
 * system-error, system-full, network-error, mailer-error, syntax-error:
 * soft; reputation, require-ptr, authentication, tls, policy,
 * sender-address, spam-detected, virus-detected, content,
 * not-compliant-rfc, rate-limited, too-many-connections, no-relaying:
 * sender; unclassified: unknown). Unlike a reply in a session, a
 * disabled mailbox is hard in any words, since the report comes from the
 * recipient's side. An address-level reason is hard when the failure
 * is permanent: a 5xx or 5.X.X, or perm 1 (the MTA gave up: a DSN's
 * "Action: failed", a bounce) with no code at all or a 4.1.X (an MTA
 * that stopped retrying). perm 0: still trying; -1: not known. RFC
 * 7504's 521 (a host that takes no mail) is null-mx unless its code or
 * words are about the sender.
 */
void		 reply_classify_bounce(int code, const char *enhanced,
		    const char *text, int perm, struct reply_verdict *);
/* The basic code's class digit of an enhanced code "5.1.1" (2, 4, 5), or
 * 0 when s is not one. */
int		 reply_enhanced_class(const char *s);

/*
 * Does a reply in a session say the sender goes too fast for the
 * provider (so all its domains should be slowed, not this recipient
 * retried)? Only a 4xx: Gmail's 4.7.28 and its 421 4.7.0 "unusual rate",
 * Yahoo's [TSS04] and other [TSxx] deferrals, Microsoft's 4.7.650 and
 * 4.7.500, and any 4xx speaking of rates, volume, too many messages or
 * connections, or throttling. Greylisting is not throttling.
 */
int		 reply_throttled(int code, const char *enhanced,
		    const char *text);

#endif
