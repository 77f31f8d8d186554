/*
 * The send's pure pieces (state.c): what a recipient's and a send's state
 * may be and do, failures by class, the retry schedule, a destination's
 * back-off, the overall rate, the settings' life and the JSON event line.
 * No I/O. Uses the send's types and base only.
 */
#ifndef HERALD_SEND_STATE_H
#define HERALD_SEND_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct json;

/* 1 if the engine may move a recipient from one state to the other. */
int		 rcpt_state_move_ok(enum rcpt_state from, enum rcpt_state to);
/* 1 for delivered, deferred, bounced and unknown: an attempt's outcome. */
int		 rcpt_state_is_outcome(enum rcpt_state);

/* "running", "paused", "interrupted", "waiting", "finished",
 * "scheduled", "held", "cancelled", "outside-window". */
const char	*send_state_name(enum send_state);

/* Add n recipients in state with class cls and reason. */
void		 send_classes_add(struct send_classes *, enum rcpt_state,
		    const char *cls, const char *reason, int64_t n);
/* The warning when the sender's configuration was refused ("3 refused
 * because of the sender's configuration (authentication): run herald
 * check"): 1 and buf, or 0 when there is none. */
int		 send_classes_warning(const struct send_classes *, char *buf,
		    size_t len);

/* A send's state from its counts, whether its engine holds the lock, and
 * whether a pause was asked for. */
enum send_state	 send_state_derive(const struct send_counts *, int engine,
		    int paused);

/* Every limit at its default (SEND_LIMITS_DEFAULT). */
void		 send_limits_default(struct send_limits *);

/*
 * After attempt number attempts (1 for the first) of a recipient first
 * tried at first_at was deferred at now: 0 and *next_at (retry_first,
 * doubling up to retry_max, never past the give-up time), or 1 when it has
 * been deferred for retry_giveup seconds and is given up.
 */
int		 send_retry(const struct send_limits *, int attempts,
		    int64_t first_at, int64_t now, int64_t *next_at);

/* A destination's share of sessions and its back-off (times in ms). */
struct dest_ctl {
	int		 limit;		/* sessions allowed now */
	int		 max;		/* per_domain */
	int		 strikes;	/* failures in a row */
	uint64_t	 hold_until;	/* no new session before this */
};
void		 dest_ctl_init(struct dest_ctl *, int max);
/* 1 if a session may be opened now beside nsessions others. */
int		 dest_ctl_can_open(const struct dest_ctl *, int nsessions,
		    uint64_t now);
/* A 4xx or 421: hold the destination, one session fewer. */
void		 dest_ctl_fail(struct dest_ctl *, const struct send_limits *,
		    uint64_t now);
/* A delivery: the strikes are forgiven and a session given back. */
void		 dest_ctl_ok(struct dest_ctl *);

/* The overall message rate: at most rate submissions per second. */
struct rate_ctl {
	int		 rate;		/* 0: no limit */
	uint64_t	 next_us;	/* the next submission, not before */
};
/* 0 if a message may go at now_us (and it is counted), else the
 * microseconds to wait. */
uint64_t	 rate_ctl_take(struct rate_ctl *, uint64_t now_us);

/* Settings with every default, strings "". */
void		 send_settings_init(struct send_settings *);
void		 send_settings_free(struct send_settings *);
/* Split a relay "HOST[:PORT]" or "[HOST]:PORT" (default port 587); 465
 * means implicit TLS. host has 256 bytes. */
int		 send_relay_parse(const char *, char *host, int *port,
		    char **cause);

/* Free a send's strings (store_send_get). */
void		 send_info_free(struct send_info *);

/* Write the DESIGN.md JSON object of an event as the next value of j
 * (an array element, or the document of one --json line). */
void		 send_event_json(struct json *, const struct send_event *);

#endif
