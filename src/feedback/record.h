/*
 * src/feedback/record.c: acting on what came back. A message read by
 * feedback_parse is matched to the send and the recipient it answers
 * (the VERP or unsubscribe token in the address it came to, else the
 * DSN's recipient and the returned message's Message-ID), kept in the
 * audit trail with what was concluded and why, and acted on:
 *
 *   hard (address-level permanent)     suppressed at once
 *   soft (mailbox full, expired, 4xx)  counted; suppressed at the
 *                                      soft_bounce_limit-th distinct send
 *   sender (policy, auth, reputation)  alert naming the provider; the
 *                                      address is never suppressed
 *   complaint, unsubscribe             suppressed at once, source kept
 *   auto-reply                         ignored
 *   unknown, unmatched                 kept for the operator, nothing done
 *
 * A message already read (same Message-ID and content hash) is noticed
 * and nothing is done again, so a mailbox can be read any number of times.
 *
 * May use: src/base, src/store, src/mail, src/smtp/reply_class.h,
 * src/config.
 */
#ifndef HERALD_FEEDBACK_RECORD_H
#define HERALD_FEEDBACK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "feedback.h"

struct store;
struct config;

enum feedback_action {
	FEEDBACK_ACT_NONE,		/* dry run: nothing done */
	FEEDBACK_ACT_SUPPRESSED,	/* the address is suppressed */
	FEEDBACK_ACT_COUNTED,		/* a soft bounce, counted */
	FEEDBACK_ACT_ALERT,		/* sender-level: an alert raised */
	FEEDBACK_ACT_IGNORED,		/* auto-reply, unknown, unmatched */
};

struct feedback_opts {
	int		 dry_run;	/* match and classify; record nothing */
	int		 soft_limit;	/* config soft_bounce_limit */
	char		 delimiter;	/* config verp_delimiter */
	int		 verp;		/* config verp: a bounce or complaint
					 * is acted on only when a token
					 * names its recipient */
};

/* What one message came to. */
struct feedback_result {
	struct feedback_msg	 msg;		/* the findings */
	enum feedback_action	*action;	/* one per finding */
	int64_t			*send;		/* matched send, 0: none */
	char			**why;		/* how it was matched, or why
						 * nothing was done */
	int64_t			 id;		/* in the audit trail; 0 on a
						 * dry run or a duplicate */
	int			 duplicate;	/* read before: nothing done */
};

/* The options config gives (soft_bounce_limit, verp_delimiter, verp). */
void		 feedback_opts_from(const struct config *,
		    struct feedback_opts *);
/*
 * Read, match, record and act on the message buf[0..len), read from
 * source (a file name, "stdin", "imaps://host/INBOX#UID", ...), in one
 * transaction. A message that cannot be parsed is still recorded (kind
 * unknown, with the parser's reason). Returns 0, or -1 with *cause when
 * the database failed (nothing was recorded: the caller must not mark
 * the message processed).
 */
int		 feedback_process(struct store *, const struct feedback_opts *,
		    const char *buf, size_t len, const char *source,
		    struct feedback_result *, char **cause);
/*
 * The same for a message already parsed into r->msg (r otherwise
 * zeroed): feedback_process is feedback_parse then this. buf[0..len) is
 * still the message's bytes (for its Message-ID and hash).
 */
int		 feedback_record(struct store *, const struct feedback_opts *,
		    const char *buf, size_t len, const char *source,
		    struct feedback_result *, char **cause);
void		 feedback_result_free(struct feedback_result *);
/*
 * An unsubscribe by token, however it came (one-click POST, the CGI,
 * herald serve, herald unsubscribe): suppress the address and keep it in
 * the audit trail with source ("one-click", "cgi", "cli", ...). Returns
 * 1 and *addr (allocated) when done or already done, 0 when the token is
 * unknown, -1 with *cause on a database error.
 */
int		 feedback_unsubscribe(struct store *, const char *token,
		    const char *source, char **addr, char **cause);
/* The same, *added (may be NULL) 1 when the address was not suppressed
 * before. */
int		 feedback_unsubscribe_as(struct store *, const char *token,
		    const char *source, char **addr, int *added,
		    char **cause);
/* "none", "suppressed", "counted", "alert", "ignored". */
const char	*feedback_action_name(enum feedback_action);

#endif
