/*
 * The store's side of what comes back after a send (store_feedback.c):
 * the messages read and the findings in them (the audit trail), the
 * soft-bounce tally by address and send, the alerts raised against the
 * sender, and the figures a send's status shows. src/feedback decides;
 * this keeps the rows. Functions return 0, or -1 with *cause, unless
 * said otherwise.
 */
#ifndef HERALD_STORE_FEEDBACK_H
#define HERALD_STORE_FEEDBACK_H

#include <stdint.h>

struct store;

/* A message read. */
struct fb_message {
	int64_t		 id;
	const char	*message_id;	/* "" when it had none */
	const char	*sha256;	/* hex */
	const char	*source;
	const char	*error;		/* "" when it was read */
	int64_t		 read_at;
	int64_t		 findings;	/* store_fb_messages only */
};

/* A finding and what was done. */
struct fb_finding {
	int64_t		 id;
	int64_t		 msg_id;	/* 0: none (one-click, CLI) */
	int64_t		 send_id;	/* 0: matched no send */
	const char	*kind, *rcpt, *reason, *cls, *status;
	int		 code;
	const char	*action, *diagnostic, *reporting_mta, *message_id;
	const char	*source, *why;
	int64_t		 at;
};

/* An alert against the sender at one provider in one send. */
struct fb_alert {
	int64_t		 send_id;
	const char	*provider, *reason, *text;
	int64_t		 count, first_at, last_at;
};

/* What a send's status shows of what came back. */
struct fb_stats {
	int64_t		 hard, soft, complaints, unsubscribes, auto_replies,
			 unknown;
	int64_t		 delivered;	/* the rates' denominator */
};

/* A message with this Message-ID and hash was read before: 0 (*id set),
 * 1 not, -1 error. */
int	 store_fb_message_find(struct store *, const char *message_id,
	    const char *sha256, int64_t *id, char **cause);
/* Record a message read (in the caller's transaction). */
int	 store_fb_message_add(struct store *, const char *message_id,
	    const char *sha256, const char *source, const char *error,
	    int64_t at, int64_t *id, char **cause);
/* Record a finding; f->id is ignored, *id set (may be NULL). */
int	 store_fb_finding_add(struct store *, const struct fb_finding *,
	    int64_t *id, char **cause);
/*
 * The recipient a token names: its address and the send of the issue it
 * was made for (0 when that issue has no send). 0 found (*addr
 * allocated), 1 unknown token, -1 error.
 */
int	 store_fb_token(struct store *, const char *token, char **addr,
	    int64_t *send, char **cause);
/* The newest send that has addr (any letter case) among its recipients:
 * 0 (*send set, *addr_sent allocated: as the send spelled it), 1 none. */
int	 store_fb_rcpt_send(struct store *, const char *addr, int64_t *send,
	    char **addr_sent, char **cause);
/*
 * A soft bounce of addr in send: counted once per send (*count: in how
 * many distinct sends now). At limit (>0) the address is suppressed
 * (reason bounce, detail saying so; *suppressed 1 when this call did).
 */
int	 store_fb_soft_bounce(struct store *, const char *addr, int64_t send,
	    const char *detail, int limit, int64_t at, int *count,
	    int *suppressed, char **cause);
/* Raise an alert, or count it again (text and last_at replaced). */
int	 store_fb_alert(struct store *, int64_t send, const char *provider,
	    const char *reason, const char *text, int64_t at, char **cause);

typedef int (*store_fb_message_cb)(const struct fb_message *, void *);
typedef int (*store_fb_finding_cb)(const struct fb_finding *, void *);
typedef int (*store_fb_alert_cb)(const struct fb_alert *, void *);
/*
 * Findings, newest first: of send (0: any), of kind (NULL: any), at most
 * limit (0: all). cb's non-zero return stops.
 */
int	 store_fb_findings(struct store *, int64_t send, const char *kind,
	    int64_t limit, store_fb_finding_cb, void *, char **cause);
/* One message read (0 found, 1 not, -1 error) and its findings in order. */
int	 store_fb_message(struct store *, int64_t id, store_fb_message_cb,
	    store_fb_finding_cb, void *, char **cause);
/* The findings not of a message (one-click, CLI unsubscribes) are shown
 * by id: 0 found, 1 not. */
int	 store_fb_finding(struct store *, int64_t id, store_fb_finding_cb,
	    void *, char **cause);
/* Alerts of send (0: of every send with activity since since), newest
 * first. */
int	 store_fb_alerts(struct store *, int64_t send, int64_t since,
	    store_fb_alert_cb, void *, char **cause);
/* A send's figures: bounces reported later and replies refused during
 * the send, each address once. */
int	 store_fb_stats(struct store *, int64_t send, struct fb_stats *,
	    char **cause);

#endif
