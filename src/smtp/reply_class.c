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
/* NT: words servers write, matched and never shown */
static const char *const sender_words[] = {
	"sender address", "sender domain", "sender verif", "sender rejected",
	"envelope sender", "envelope-from", "mail from",
};
/* Sender authentication: SPF, DKIM, DMARC, reverse DNS. */
/* NT: words servers write, matched and never shown */
static const char *const auth_words[] = {
	"authenticat", "spf", "dkim", "dmarc", "reverse dns", "rdns", "ptr",
};
/* The sending IP or domain's standing. */
/* NT: words servers write, matched and never shown */
static const char *const reputation_words[] = {
	"spam", "blocked", "blacklist", "blocklist", "block list", "banned",
	"listed", "spamhaus", "rbl", "reputation", "junk",
};
/* Too much, too fast. */
/* NT: words servers write, matched and never shown */
static const char *const rate_words[] = {
	"rate limit", "rate-limit", "ratelimit", "too many messages",
	"too many connections", "too many emails", "too much mail", "volume",
	"rate that prevents",
};
static const char *const greylist_words[] = {
	"greylist", "graylist", "grey-list", "gray-list",
};
/* NT: words servers write, matched and never shown */
static const char *const policy_words[] = {
	"policy", "relay", "denied", "not authorized", "not allowed",
};
/*
 * The user does not exist, said plainly. Not RFC 5321's generic 550 text
 * "mailbox unavailable": the RFC gives it for "command rejected for
 * policy reasons" too, and servers use it so.
 */
/* NT: words servers write, matched and never shown */
static const char *const unknown_user_words[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox",
	"no such recipient", "no such account", "unknown recipient",
	"recipient unknown", "recipient not found", "user not found",
	"mailbox not found", "does not exist", "invalid recipient",
	"invalid mailbox", "unknown mailbox", "mailbox unknown",
};
/* NT: words servers write, matched and never shown */
static const char *const full_words[] = {
	"mailbox full", "mailbox is full", "quota", "insufficient storage",
	"storage space", "mailbox size limit",
};
/* NT: words servers write, matched and never shown */
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

/* The class digit of an enhanced code, or 0. */
int
reply_enhanced_class(const char *s)
{
	int	c, subj, det;

	return parse_enhanced(s, &c, &subj, &det) == 0 ? c : 0;
}

/*
 * The reasons of a failure reported after the fact, each with the words
 * that name it and its consequence. Searched in this order, first match
 * wins: the narrow, unambiguous phrases before the broad ones (a full
 * mailbox's bounce often says "user" and "rejected" too), after the
 * taxonomy and phrase lists of the Sisimai project.
 */
enum conseq { C_ADDRESS, C_SOFT, C_SENDER };

struct reason_words {
	const char		*reason;
	enum conseq		 conseq;
	const char *const	*words;		/* NULL-terminated */
};

/* NT: words servers write, matched and never shown */
static const char *const w_full[] = {
	"mailbox full", "mailbox is full", "mailbox is over quota",
	"over quota", "overquota", "over the quota", "quota exceeded",
	"exceeded quota", "exceeds quota", "exceed quota", "quota violation",
	"disk quota", "mailbox exceeded", "mailbox has exceeded",
	"exceeded storage", "insufficient storage", "not enough storage",
	"mailbox size limit", "mailfolder is full", "account is full",
	"account is exceeding", "storage space", "would exceed",
	"user has too many messages", "mailbox would exceed",
	"space has been used up", "the recipient's mailbox is full",
	"exceeds the storage", "mailbox is over", "the user is over",
	"user is over", "is over quota", "over its quota", "quota full",
	"quota", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_size[] = {
	"message too big", "message too large", "message is too large",
	"message size exceeds", "message length exceeds", "message file too big",
	"max message size", "maximum message size", "size limit exceeded",
	"exceeded maximum inbound message size", "exceeds the size",
	"message size", "line limit exceeded", "too big", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_exceed[] = {
	"message header size exceeds", "exceeds the limit", "exceeded the limit",
	"too many recipients", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_suspend[] = {
	"account disabled", "account has been disabled", "account is disabled",
	"account is inactive", "account inactive", "account suspended",
	"account has been suspended", "account is suspended",
	"has been suspended", "mailbox disabled", "mailbox is disabled",
	"mailbox is inactive", "mailbox currently suspended", "user suspended",
	"is not active", "has been disabled", "user account disabled",
	"account is locked", "account has been locked", "mailbox unavailable",
	"recipient suspend", "account is unavailable", "mailbox inactive",
	"disabled mailbox", "is disabled", "frozen",
	"disabled recipient", "discontinued", "account is blocked", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_moved[] = {
	" has been replaced by ", "has moved", "mailbox moved",
	"address has changed", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_relay[] = {
	"relay access denied", "relaying denied", "relay denied",
	"relay not permitted", "not permitted to relay", "unable to relay",
	"relaying not allowed", "we do not relay", "relaying mail to",
	"not a gateway", "relay prohibited", "no relaying", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_auth[] = {
	"unauthenticated", "spf", "dkim", "dmarc",
	"sender policy framework", "not authenticated",
	"authentication check", "authentication fail",
	"does not pass", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_user[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox",
	"no such recipient", "no such account", "no such address",
	"no such person", "unknown recipient", "recipient unknown",
	"recipient not found", "user not found", "mailbox not found",
	"mailbox not present", "address not present", "invalid recipient",
	"invalid mailbox", "unknown mailbox", "mailbox unknown",
	"address unknown", "unknown address", "unknown e-mail address",
	"unknown local part", "does not exist", "doesn't exist",
	"not exist", "not a valid mailbox", "not a valid recipient",
	"not a valid user", "is not a known user", "user doesn't have",
	"this user doesn't have", "no account by that name",
	"no mailbox here by that name", "badrcptto", "recipnotfound",
	"recipientnotfound", "unknown or illegal alias", "not listed in",
	"invalid address", "utilisateur inconnu",
	"user not known", "user not exist", "no such local user",
	"addressee unknown", "mailbox unavailable", "no mailbox",
	"not our customer", "unknown account", "account does not exist",
	"not a known user", "address is not valid", "user is unknown",
	"invalid final delivery userid", "couldn't be found",
	"could not be found", "recipient address rejected: access denied",
	"recipient address rejected.", "address rejected.",
	"recipient is not local", "couldn't find any host named", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_ptr[] = {
	"reverse dns", "reverse lookup", "ptr record", "no ptr", "rdns",
	"cannot find your hostname", "cannot find your reverse hostname",
	"ip name lookup failed", "unresolvable", "no reverse",
	"please set up a ptr", "hostname does not match",
	"reverse dns validation", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_rfc[] = {
	"rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc 822", "rfc822 ",
	"duplicate header", "multiple addresses in from",
	"not compliant with", "header field", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_reputation[] = {
	"reputation", "poor standing", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_content[] = {
	"improper use of 8-bit data", "illegal attachment",
	"invalid header", "message header", "content rejected",
	"unacceptable content", "mime", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_sender[] = {
	"sender address", "sender domain", "sender verif", "sender rejected",
	"envelope sender", "envelope-from", "domain of sender",
	"sender is not", "invalid sender", "after mail from",
	"in reply to mail from", "permission to post", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_host[] = {
	"host unknown", "unknown host", "host not found", "no such domain",
	"domain does not exist", "domain not found", "domain name not found",
	"domain must exist", "unknown domain", "unrouteable",
	"host or domain name not found", "name or service not known",
	"no mx record", "mx records point to non-existent",
	"illegal host/domain", "domain is not reachable",
	"couldn't find any host", "could not find any host", "nxdomain",
	"hostname not found", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_notaccept[] = {
	"null mx", "does not accept mail", "accepts no mail",
	"not accept mail", "mail receiving disabled", "no smtp service",
	"no mx found", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_spam[] = {
	"spam", "junk", "unsolicited", "bulk mail", NULL,
};
static const char *const w_virus[] = {
	"virus", "malware", "infected", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_toomany[] = {
	"too many connections", "too many concurrent",
	"too many simultaneous", "too many smtp sessions",
	"connection limit", "maximum connection", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_speed[] = {
	"rate limit", "rate-limit", "ratelimit", "too many messages",
	"too many emails", "too much mail", "rate that prevents",
	"try again slower", "sending rate", "receiving mail at a rate",
	"sent to too many recipients", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_blocked[] = {
	"blacklist", "black list", "blocklist", "block list", "blocked",
	"banned", "spamhaus", "spamcop", "sorbs", "dnsbl", "rbl",
	"listed at", "listed in", "is listed", "client host rejected",
	"connection refused by", "not allowed to send", "access denied",
	"your ip", "refused to talk", NULL,
};
/* Block lists: an address code that names one is about the sender. */
static const char *const w_listed[] = {
	"spamhaus", "spamcop", "blacklist", "blocklist", "dnsbl", "rbl.",
	NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_tls[] = {
	"starttls", "tls required", "encryption required",
	"must issue a starttls", "tls is required", "secure connection",
	"certificate", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_filtered[] = {
	"refused by recipient", "recipient refuses", "user refuses",
	"rejected by the recipient", "delivery not authorized",
	"not accepting mail from", "does not accept mail from",
	"filtered", "filter", "has rejected", "rejected by recipient",
	"recipient has denied", "not authorized to send",
	"recipient preference", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_expired[] = {
	"delivery time expired", "message expired", "queue too long",
	"in the queue too long", "retry time", "retry timeout",
	"giving up", "gave up", "could not be delivered for",
	"unable to deliver message after", "message timed out",
	"have been failing for a long time", "allowed queue period",
	"delivery attempts will continue", "has been delayed",
	"was not delivered within", "too old", "expired", "timeout",
	"timed out", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_policy[] = {
	"policy", "not allowed", "not authorized", "prohibited",
	"denied", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_systemfull[] = {
	"mail system full", "insufficient system storage",
	"out of disk space", "system full", "disk full", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_mailer[] = {
	"command died", "command output", "x-unix;", "exit code",
	"procmail", "mailer error", "pipe to |", "unknown mailer error",
	NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_network[] = {
	"could not connect", "connection refused", "no route to host",
	"network is unreachable", "unable to connect", "connection reset",
	"lost connection", "mail loop", "too many hops", "loops back",
	"routing loop", "dns error", "host name lookup failed",
	"name server", "temporary lookup failure", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_syntax[] = {
	"syntax error", "command not recognized", "unrecognized command",
	"bad sequence of commands", "command unrecognized", NULL,
};
/* NT: words servers write, matched and never shown */
static const char *const w_system[] = {
	"system error", "internal error", "server error", "local error",
	"mail system error", "system config error", "temporary failure",
	"try again later", "resources temporarily", NULL,
};

static const struct reason_words reasons[] = {
	{ "mailbox-full",	C_SOFT,		w_full },
	{ "message-size",	C_SOFT,		w_size },
	{ "exceed-limit",	C_SOFT,		w_exceed },
	{ "mailbox-disabled",	C_ADDRESS,	w_suspend },
	{ "mailbox-moved",	C_ADDRESS,	w_moved },
	{ "no-relaying",	C_SENDER,	w_relay },
	{ "authentication",	C_SENDER,	w_auth },
	{ "sender-address",	C_SENDER,	w_sender },
	{ "mailer-error",	C_SOFT,		w_mailer },
	{ "user-unknown",	C_ADDRESS,	w_user },
	{ "require-ptr",	C_SENDER,	w_ptr },
	{ "not-compliant-rfc",	C_SENDER,	w_rfc },
	{ "reputation",		C_SENDER,	w_reputation },
	{ "content",		C_SENDER,	w_content },
	{ "host-unknown",	C_ADDRESS,	w_host },
	{ "null-mx",		C_ADDRESS,	w_notaccept },
	{ "reputation",		C_SENDER,	w_listed },	/* not "spam" */
	{ "virus-detected",	C_SENDER,	w_virus },
	{ "spam-detected",	C_SENDER,	w_spam },
	{ "too-many-connections", C_SENDER,	w_toomany },
	{ "rate-limited",	C_SENDER,	w_speed },
	{ "reputation",		C_SENDER,	w_blocked },
	{ "tls",		C_SENDER,	w_tls },
	{ "filtered",		C_SOFT,		w_filtered },
	{ "system-full",	C_SOFT,		w_systemfull },
	{ "network-error",	C_SOFT,		w_network },
	{ "syntax-error",	C_SOFT,		w_syntax },
	{ "expired",		C_SOFT,		w_expired },
	{ "policy",		C_SENDER,	w_policy },
	{ "system-error",	C_SOFT,		w_system },
};

/* The entry of reasons[] with these words. */
static const struct reason_words *
reason_by_words(const char *const *w)
{
	size_t	i;

	for (i = 0; i < nwords(reasons); i++)
		if (reasons[i].words == w)
			break;
	return &reasons[i];
}

/* The reason an enhanced code names by itself, or NULL for a generic one
 * (X.0.0, and the codes whose words must decide). */
static const struct reason_words *
reason_of_code(int subj, int det)
{
	static const struct reason_words code_reasons[] = {
		{ "user-unknown",	C_ADDRESS,	NULL },	/* 0 */
		{ "host-unknown",	C_ADDRESS,	NULL },
		{ "mailbox-moved",	C_ADDRESS,	NULL },
		{ "null-mx",		C_ADDRESS,	NULL },
		{ "sender-address",	C_SENDER,	NULL },
		{ "mailbox-disabled",	C_ADDRESS,	NULL },	/* 5 */
		{ "mailbox-full",	C_SOFT,		NULL },
		{ "message-size",	C_SOFT,		NULL },
		{ "system-full",	C_SOFT,		NULL },
		{ "system-error",	C_SOFT,		NULL },
		{ "network-error",	C_SOFT,		NULL },	/* 10 */
		{ "expired",		C_SOFT,		NULL },
		{ "syntax-error",	C_SOFT,		NULL },
		{ "content",		C_SENDER,	NULL },
		{ "tls",		C_SENDER,	NULL },
		{ "authentication",	C_SENDER,	NULL },	/* 15 */
		{ "rate-limited",	C_SENDER,	NULL },
		{ "policy",		C_SENDER,	NULL },
		{ "require-ptr",	C_SENDER,	NULL },
		{ "no-relaying",	C_SENDER,	NULL },
		{ "virus-detected",	C_SENDER,	NULL },	/* 20 */
		{ "mailer-error",	C_SOFT,		NULL },
		{ "too-many-connections", C_SENDER,	NULL },
		{ "exceed-limit",	C_SOFT,		NULL },
		{ "spam-detected",	C_SENDER,	NULL },
	};
	int	i = -1;

	switch (subj * 100 + det) {
	case 100: case 101: case 103: i = 0; break;
	case 102: i = 1; break;
	case 106: i = 2; break;
	case 110: i = 3; break;
	case 107: case 108: i = 4; break;
	case 201: i = 5; break;
	case 202: i = 6; break;
	case 203: case 304: i = 7; break;
	case 301: i = 8; break;
	case 302: case 305: i = 9; break;
	case 404: i = 1; break;		/* no route: Sisimai's hostunknown */
	case 401: case 402: case 403: case 406: case 408: i = 10; break;
	case 407: i = 11; break;
	case 501: case 502: case 503: case 504: i = 12; break;
	case 600: case 601: case 602: case 603: case 604: case 605: case 606:
		i = 13; break;
	case 205: i = 23; break;
	case 707: case 710: case 711: case 730: i = 14; break;
	case 723: case 724: case 725: case 726: case 720: case 721: case 722:
	case 729: case 708: i = 15; break;
	case 728: case 451: i = 16; break;
	case 727: i = 4; break;
	case 701: case 702: case 703: case 709: case 712: case 713: case 714:
	case 715: case 716: case 717: case 718: case 719: i = 17; break;
	case 704: i = 19; break;
	case 405: i = 22; break;
	case 306: case 609: i = 20; break;
	}
	return i == -1 ? NULL : &code_reasons[i];
}

static int
has_list(const char *text, const char *const *w)
{
	for (; *w != NULL; w++)
		if (strcasestr(text, *w) != NULL)
			return 1;
	return 0;
}

void
reply_classify_bounce(int code, const char *enhanced, const char *text,
    int perm, struct reply_verdict *v)
{
	const struct reason_words	*r = NULL;
	const char			*dl;
	int				 ec = 0, subj = 0, det = 0, final;
	size_t				 i;

	if (text == NULL)
		text = "";
	if (parse_enhanced(enhanced, &ec, &subj, &det) == -1)
		ec = subj = det = 0;
	/* Final: a permanent code, or a report that gave up with no code or
	 * an address code (4.1.1 from an MTA that stopped retrying). */
	final = ec == 5 || (ec == 0 && code / 100 == 5) || (perm == 1 &&
	    ((ec == 0 && code == 0) || subj == 1));
	if (ec == 2 || (ec == 0 && code / 100 == 2)) {
		verdict(v, REPLY_NONE, "delivered");
		return;
	}
	/* au (ezweb.ne.jp, au.com) answers "550 : User unknown", with the
	 * empty field, when the recipient's own filter refuses the sender;
	 * a mailbox that does not exist gets "User unknown" with a code. */
	if (strcasestr(text, "550 : user unknown") != NULL ||
	    strcasestr(text, "550: : user unknown") != NULL) {
		verdict(v, REPLY_SOFT, "filtered");
		return;
	}
	/* DragonFly Mail Agent's "DNS lookup failure: host example.org not
	 * found": the domain has no host (its temporary failures say "try
	 * again" and stay soft below). */
	if ((dl = strcasestr(text, "dns lookup failure: host ")) != NULL &&
	    strcasestr(dl, " not found") != NULL && ec != 4 &&
	    code / 100 != 4) {
		r = reason_by_words(w_host);
		goto found;
	}
	/* RFC 7504's 521: the host accepts no mail at all, so the domain
	 * cannot be mailed (with X.3.2, "system not accepting network
	 * messages", or no detail); a 521 with a code or words about the
	 * sender (5.7.1, block lists, policy) is the sender's. */
	if (code == 521 && (ec == 0 || (ec == 5 && (subj == 0 ||
	    (subj == 3 && det == 2)))) && !has_list(text, w_sender) &&
	    !has_list(text, w_listed) && !has_list(text, w_policy)) {
		r = reason_by_words(w_notaccept);
		goto found;
	}
	/* A specific code about the address decides; the words only when
	 * they say it was the sender who was refused. */
	if (ec != 0 && subj != 0) {
		r = reason_of_code(subj, det);
		/* 5.2.1 said as "user unknown" is the missing user. */
		if (r != NULL && subj == 2 && det == 1 &&
		    has_list(text, w_user) && !has_list(text, w_suspend))
			r = reason_by_words(w_user);
		/* 5.4.4 with a DNS failure named: the lookup, not the host. */
		if (subj == 4 && has_list(text, w_network)) {
			verdict(v, REPLY_SOFT, "network-error");
			return;
		}
		if (r != NULL && r->conseq == C_ADDRESS &&
		    !has_list(text, w_sender) && !has_list(text, w_relay) &&
		    !has_list(text, w_full) && !has_list(text, w_speed) &&
		    !has_list(text, w_mailer) && !has_list(text, w_exceed) &&
		    !has_list(text, w_listed) &&
		    strcasestr(text, "recipient preference") == NULL)
			goto found;
		/* An address code the words contradict: the words decide. */
		if (r != NULL && r->conseq != C_ADDRESS && subj != 7)
			goto words_or_code;
	}
	r = NULL;
words_or_code:
	for (i = 0; i < nwords(reasons); i++)
		if (has_list(text, reasons[i].words)) {
			/* An enhanced code of another subject outranks
			 * the broad words (policy, filtered, timeout). */
			if (r != NULL && i >= (size_t)(reason_by_words(w_filtered) -
			    reasons))
				break;
			r = &reasons[i];
			break;
		}
	if (r == NULL && ec != 0)
		r = reason_of_code(subj, det);
	if (r == NULL) {
		if (code == 552 || (ec == 5 && subj == 2))
			verdict(v, REPLY_SOFT, "mailbox-full");
		else
			verdict(v, REPLY_UNKNOWN, "unclassified");
		return;
	}
found:
	/* "Host not found, try again": a DNS failure, not a verdict. */
	if (strcmp(r->reason, "host-unknown") == 0 &&
	    strcasestr(text, "not found, try again") != NULL) {
		verdict(v, REPLY_SOFT, "network-error");
		return;
	}
	/* A security or policy code (5.7.x) that says "user unknown" is a
	 * recipient's filter, not a missing mailbox. */
	if (subj == 7 && strcmp(r->reason, "user-unknown") == 0) {
		verdict(v, REPLY_SOFT, "filtered");
		return;
	}
	switch (r->conseq) {
	case C_ADDRESS:
		verdict(v, final ? REPLY_HARD : REPLY_SOFT, r->reason);
		return;
	case C_SOFT:
		verdict(v, REPLY_SOFT, r->reason);
		return;
	case C_SENDER:
		verdict(v, REPLY_SENDER, r->reason);
		return;
	}
}

/* A provider's own words for "slow down". */
/* NT: words servers write, matched and never shown */
static const char *const throttle_words[] = {
	"[ts0", "[tss0", "unusual rate", "temporarily deferred",
	"throttl", "unexpected volume", "try again later", "server busy",
	"too many concurrent", "exceeded the rate", "sending rate",
};

int
reply_throttled(int code, const char *enhanced, const char *text)
{
	const char	*t = text != NULL ? text : "";
	const char	*x = enhanced != NULL ? enhanced : "";

	if (code < 400 || code > 499 || has_any(t, greylist_words,
	    nwords(greylist_words)))
		return 0;
	/* Gmail's rate limit; Microsoft's "server busy" and its
	 * deferral of a sender over its limits. */
	if (strcmp(x, "4.7.28") == 0 || strcmp(x, "4.7.650") == 0 ||
	    strcmp(x, "4.7.500") == 0)
		return 1;
	if (has_any(t, rate_words, nwords(rate_words)))
		return 1;
	/* "Try again later" alone is what a greylisting server says at
	 * RCPT too; with a policy code or a 421 it is the provider's. */
	return has_any(t, throttle_words, nwords(throttle_words)) &&
	    (code == 421 || strncmp(x, "4.7.", 4) == 0);
}
