/*
 * src/feedback: what comes back after a send. One message (its bytes) is
 * read into findings: RFC 3464 delivery status notifications, RFC 5965
 * complaint reports, RFC 3834 automatic replies, unsubscribe mails, and
 * the bounces MTAs still write their own way (qmail, Exim, Sendmail,
 * Exchange, Gmail, Yahoo, Japanese carriers, ...). Each failure is
 * classified by smtp/reply_class.h, the classifier synchronous replies
 * use too. Nothing here records or acts: reading is pure (no database,
 * no network). The MIME structure is GMime's; only this folder includes
 * it.
 *
 * May use: src/base, src/store (types), src/mail, smtp/reply_class.h.
 */
#ifndef HERALD_FEEDBACK_H
#define HERALD_FEEDBACK_H

#include <stddef.h>

#include "smtp/reply_class.h"

/* Bounds on what one message may cost to read. */
#define FEEDBACK_MAX_BYTES	(32 * 1024 * 1024)	/* the message */
#define FEEDBACK_MAX_DEPTH	16	/* nested multiparts and messages */
#define FEEDBACK_MAX_PARTS	256	/* MIME parts walked */
#define FEEDBACK_MAX_TEXT	(256 * 1024)	/* decoded text per part */
#define FEEDBACK_MAX_FINDINGS	64	/* recipients per message */

enum feedback_kind {
	FEEDBACK_BOUNCE,	/* permanent failure */
	FEEDBACK_DELAY,		/* temporary failure, still trying */
	FEEDBACK_COMPLAINT,	/* RFC 5965 abuse report */
	FEEDBACK_UNSUBSCRIBE,	/* an unsubscribe request by mail */
	FEEDBACK_AUTOREPLY,	/* RFC 3834 vacation, out of office */
	FEEDBACK_UNKNOWN,	/* nothing tells: kept for the operator */
};

struct feedback_finding {
	enum feedback_kind	 kind;
	char			*rcpt;		/* "" when none was found */
	char			*status;	/* RFC 3463 "5.1.1", or "" */
	int			 code;		/* SMTP reply code, or 0 */
	char			*diagnostic;	/* one line, valid UTF-8 */
	char			*reporting_mta;
	char			*message_id;	/* of the returned message */
	char			*dsn_action;	/* DSN Action: failed, ... */
	enum reply_class	 cls;		/* hard, soft, sender, ... */
	const char		*reason;	/* user-unknown, abuse, ... */
};

struct feedback_msg {
	struct feedback_finding	*v;
	size_t			 n;
	char			*error;	/* why it could not be read, or NULL */
	/*
	 * The token that names the recipient the message answers, or NULL:
	 * from the address it came to (bounce+TOKEN@, unsubscribe+TOKEN@:
	 * Delivered-To, X-Original-To, To), an "unsubscribe TOKEN"
	 * subject, or the List-Unsubscribe of the returned message.
	 * token_from says which: "verp", "unsubscribe-address", "subject",
	 * "returned-message".
	 */
	char			*token;
	const char		*token_from;
};

/*
 * Read the message buf[0..len) into m. Always fills m: a message that
 * cannot be read (too large, too deeply nested, not MIME at all) gives
 * one finding of kind unknown and m->error saying why; nothing is ever
 * guessed hard. When len is over FEEDBACK_MAX_BYTES buf is not read (a
 * reader may keep only that much and pass the whole size). Returns 0, or
 * -1 when m->error is set.
 */
int		 feedback_parse(const char *buf, size_t len,
		    struct feedback_msg *m);
void		 feedback_msg_free(struct feedback_msg *);
/*
 * An mbox (mbox.c): is t one (its first line a From_ line), and its
 * messages one by one: cb gets each message's bytes and the number of
 * its From_ line. Returns 0, or -1 at a malformed From_ line (the
 * messages before it have been given) with *cause "LINE: ...".
 */
typedef void	(*feedback_mbox_cb)(const char *, size_t, size_t line,
		    void *);
int		 feedback_is_mbox(const char *t, size_t len);
int		 feedback_mbox_each(const char *t, size_t len,
		    feedback_mbox_cb, void *, char **cause);
/* "bounce", "delay", "complaint", "unsubscribe", "auto-reply",
 * "unknown". */
const char	*feedback_kind_name(enum feedback_kind);

#endif
