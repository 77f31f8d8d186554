/*
 * The reply classifier (reply_class.h). The enhanced code decides when
 * there is one (RFC 3463 subjects: 1 addressing, 2 mailbox, 3 mail system,
 * 4 network, 5 protocol, 6 content, 7 security or policy); the words of
 * the reply only name the reason, or stand in for a missing code. The
 * default is never to suppress: a reply this file cannot read is
 * "unknown", and an address is suppressed only when the reply says, at
 * RCPT (or after the data, or in DNS), that the address itself is gone.
 */
#include <stddef.h>
#include <string.h>

#include "reply_class.h"

#define nwords(a)	(sizeof(a) / sizeof((a)[0]))

/* The address named is the sender's, not the recipient's (Postfix:
 * "Sender address rejected: ..."). */
static const char *const sender_words[] = {
	"sender address", "sender domain", "sender verif", "sender rejected",
	"envelope sender", "envelope-from", "mail from",
};
/* Sender authentication: SPF, DKIM, DMARC, reverse DNS. */
static const char *const auth_words[] = {
	"authenticat", "spf", "dkim", "dmarc", "reverse dns", "rdns", "ptr",
};
/* The sending IP or domain's standing. */
static const char *const reputation_words[] = {
	"spam", "blocked", "blacklist", "blocklist", "block list", "banned",
	"listed", "spamhaus", "rbl", "reputation", "junk",
};
/* Too much, too fast. */
static const char *const rate_words[] = {
	"rate limit", "rate-limit", "ratelimit", "too many messages",
	"too many connections", "too many emails", "too much mail", "volume",
	"rate that prevents",
};
static const char *const greylist_words[] = {
	"greylist", "graylist", "grey-list", "gray-list",
};
static const char *const policy_words[] = {
	"policy", "relay", "denied", "not authorized", "not allowed",
};
/*
 * The user does not exist, said plainly. Not RFC 5321's generic 550 text
 * "mailbox unavailable": the RFC gives it for "command rejected for
 * policy reasons" too, and servers use it so.
 */
static const char *const unknown_user_words[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox",
	"no such recipient", "no such account", "unknown recipient",
	"recipient unknown", "recipient not found", "user not found",
	"mailbox not found", "does not exist", "invalid recipient",
	"invalid mailbox", "unknown mailbox", "mailbox unknown",
};
static const char *const full_words[] = {
	"mailbox full", "mailbox is full", "quota", "insufficient storage",
	"storage space", "mailbox size limit",
};
static const char *const size_words[] = {
	"message size", "too big", "too large", "exceeds the size",
};

/* Does text contain one of words (ASCII, any case)? */
static int
has_any(const char *text, const char *const *words, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcasestr(text, words[i]) != NULL)
			return 1;
	return 0;
}
#define HAS(text, words)	has_any((text), (words), nwords(words))

/* The name of a class. */
const char *
reply_class_name(enum reply_class c)
{
	switch (c) {
	case REPLY_NONE:
		return "";
	case REPLY_HARD:
		return "hard";
	case REPLY_SOFT:
		return "soft";
	case REPLY_SENDER:
		return "sender";
	case REPLY_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The class of a name. */
enum reply_class
reply_class_parse(const char *s)
{
	enum reply_class	c;

	for (c = REPLY_HARD; c <= REPLY_UNKNOWN; c++)
		if (s != NULL && strcmp(s, reply_class_name(c)) == 0)
			return c;
	return REPLY_NONE;
}

static void
verdict(struct reply_verdict *v, enum reply_class c, const char *reason)
{
	v->cls = c;
	v->reason = reason;
}

/* "C.S.D" with C one digit, S and D one to three: 0, or -1. */
static int
parse_enhanced(const char *s, int *cls, int *subj, int *det)
{
	int	*part[3] = { cls, subj, det }, i, n, max;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = 0; i < 3; i++) {
		max = i == 0 ? 1 : 3;
		*part[i] = 0;
		for (n = 0; *s >= '0' && *s <= '9'; n++, s++) {
			if (n == max)
				return -1;
			*part[i] = *part[i] * 10 + (*s - '0');
		}
		if (n == 0 || *s != (i < 2 ? '.' : '\0'))
			return -1;
		if (i < 2)
			s++;
	}
	return *cls == 2 || *cls == 4 || *cls == 5 ? 0 : -1;
}

/* Why the sender was refused (X.7.D), from the code, else the words. */
static const char *
sender_reason(int perm, int det, const char *text)
{
	switch (det) {
	case 3: case 4: case 5: case 6: case 10: case 11: case 30:
		return "tls";
	case 7: case 20: case 21: case 22: case 23: case 24: case 25:
	case 26: case 29:
		return "authentication";
	case 8:
		return "credentials";
	case 27:
		return "sender-address";
	case 28:
		return "rate-limited";
	}
	if (HAS(text, auth_words))
		return "authentication";
	if (!perm && HAS(text, rate_words))
		return "rate-limited";
	if (HAS(text, reputation_words))
		return "reputation";
	if (HAS(text, rate_words))
		return "rate-limited";
	return "policy";
}

/* A reply with no enhanced code (or X.0.0): the basic code and words. */
static void
classify_basic(int code, const char *text, struct reply_verdict *v)
{
	int	perm = code / 100 == 5;

	if (!perm) {
		if (HAS(text, greylist_words))
			verdict(v, REPLY_SOFT, "greylisted");
		else if (HAS(text, auth_words))
			verdict(v, REPLY_SENDER, "authentication");
		else if (HAS(text, reputation_words))
			verdict(v, REPLY_SENDER, "reputation");
		else if (HAS(text, rate_words))
			verdict(v, REPLY_SENDER, "rate-limited");
		else if (HAS(text, full_words))
			verdict(v, REPLY_SOFT, "mailbox-full");
		else
			verdict(v, REPLY_SOFT, "temporary");
		return;
	}
	if (HAS(text, sender_words))
		verdict(v, REPLY_SENDER, "sender-address");
	else if (HAS(text, auth_words))
		verdict(v, REPLY_SENDER, "authentication");
	else if ((code == 550 || code == 551 || code == 553) &&
	    HAS(text, unknown_user_words))
		verdict(v, REPLY_HARD, "user-unknown");
	else if (HAS(text, full_words))
		verdict(v, REPLY_SOFT, "mailbox-full");
	else if (HAS(text, size_words))
		verdict(v, REPLY_SOFT, "message-size");
	else if (HAS(text, reputation_words))
		verdict(v, REPLY_SENDER, "reputation");
	else if (HAS(text, rate_words))
		verdict(v, REPLY_SENDER, "rate-limited");
	else if (HAS(text, policy_words))
		verdict(v, REPLY_SENDER, "policy");
	else if (code == 552)
		verdict(v, REPLY_SOFT, "mailbox-full");
	else
		verdict(v, REPLY_UNKNOWN, "unclassified");
}

/* X.1.D: the address. */
static void
classify_address(int perm, int det, const char *text,
    struct reply_verdict *v)
{
	const char	*reason;

	switch (det) {
	case 0: case 3: case 4:
		reason = "bad-address";
		break;
	case 1:
		reason = "user-unknown";
		break;
	case 2:
		reason = "host-unknown";
		break;
	case 6:
		reason = "mailbox-moved";
		break;
	case 7: case 8:
		verdict(v, REPLY_SENDER, "sender-address");
		return;
	case 10:
		/* RFC 7505's null MX; Microsoft's "recipient not found". */
		reason = HAS(text, unknown_user_words) ? "user-unknown" :
		    "null-mx";
		break;
	default:
		verdict(v, REPLY_UNKNOWN, "unclassified");
		return;
	}
	if (HAS(text, sender_words))
		verdict(v, REPLY_SENDER, "sender-address");
	else
		verdict(v, perm ? REPLY_HARD : REPLY_SOFT, reason);
}

/* Classify a reply. */
void
reply_classify(int code, const char *enhanced, const char *text,
    struct reply_verdict *v)
{
	int	basic = code / 100, ec = 0, subj = 0, det = 0, digit, perm;

	if (text == NULL)
		text = "";
	if (parse_enhanced(enhanced, &ec, &subj, &det) == -1 ||
	    (basic != 0 && ec != basic))
		ec = 0;
	if (basic == 0 && ec == 0) {
		verdict(v, REPLY_UNKNOWN, "no-reply");
		return;
	}
	digit = basic != 0 ? basic : ec;
	if (digit != 4 && digit != 5) {
		verdict(v, REPLY_NONE, "");
		return;
	}
	perm = digit == 5;
	if (ec == 0 || subj == 0) {
		classify_basic(digit * 100 + (code % 100), text, v);
		return;
	}
	if (!perm && HAS(text, greylist_words)) {
		verdict(v, REPLY_SOFT, "greylisted");
		return;
	}
	switch (subj) {
	case 1:
		classify_address(perm, det, text, v);
		return;
	case 2:
		if (HAS(text, rate_words))
			verdict(v, REPLY_SOFT, "rate-limited");
		else if (det == 1)
			verdict(v, perm ? REPLY_HARD : REPLY_SOFT,
			    "mailbox-disabled");
		else if (det == 2)
			verdict(v, REPLY_SOFT, "mailbox-full");
		else if (det == 3)
			verdict(v, REPLY_SOFT, "message-size");
		else
			verdict(v, REPLY_SOFT, "mailbox");
		if (v->cls == REPLY_HARD && HAS(text, sender_words))
			verdict(v, REPLY_SENDER, "sender-address");
		return;
	case 3:
		verdict(v, REPLY_SOFT, det == 4 ? "message-size" : "system");
		return;
	case 4:
		verdict(v, REPLY_SOFT, det == 4 ? "no-route" : det == 6 ?
		    "loop" : det == 7 ? "expired" : "network");
		return;
	case 5:
		verdict(v, REPLY_SOFT, "protocol");
		return;
	case 6:
		verdict(v, REPLY_SOFT, "content");
		return;
	case 7:
		verdict(v, REPLY_SENDER, sender_reason(perm, det, text));
		return;
	}
	verdict(v, REPLY_UNKNOWN, "unclassified");
}

/* Classify a reply knowing the stage it answered. */
void
reply_classify_at(const char *stage, int code, const char *enhanced,
    const char *text, struct reply_verdict *v)
{
	static const char *const before_rcpt[] = {
		"connect", "banner", "ehlo", "helo", "starttls", "auth",
		"mail",
	};
	size_t	i;

	if (stage == NULL)
		stage = "";
	if (strcmp(stage, "render") == 0 && code == 0) {
		verdict(v, REPLY_UNKNOWN, "local");
		return;
	}
	reply_classify(code, enhanced, text, v);
	if (v->cls != REPLY_HARD && v->cls != REPLY_UNKNOWN)
		return;
	if (code == 0 && v->cls == REPLY_UNKNOWN)
		return;		/* no reply: nobody refused anything */
	for (i = 0; i < nwords(before_rcpt); i++)
		if (strcmp(stage, before_rcpt[i]) == 0)
			break;
	if (i == nwords(before_rcpt))
		return;
	verdict(v, REPLY_SENDER, strcmp(stage, "mail") == 0 ?
	    "sender-address" : strcmp(stage, "auth") == 0 ? "credentials" :
	    strcmp(stage, "starttls") == 0 ? "tls" : "policy");
}
