/*
 * The send: an issue delivered to the members of its list, recipient by
 * recipient, by one engine process per send.
 *
 * `herald send ID` snapshots the members into recipients rows and starts
 * the engine detached (deliver_spawn); the engine (deliver_engine_run) runs
 * one non-blocking event loop driving every SMTP session, with DNS lookups
 * and rendering+signing in a few worker threads, and commits every state
 * change of the turn, with an event row each, before the loop sleeps. The
 * console and `send --follow` read the database only: the recipients'
 * states and the send_events rows, tailed by id.
 *
 * A recipient: queued -> connecting -> sent-data -> delivered | deferred |
 * bounced | unknown. "connecting": bound to a session being set up, or
 * handed to one for its transaction while MAIL, RCPT and DATA are under
 * way (nothing of the message has gone out). "sent-data": the server
 * answered 354 to DATA, and the body is written only once that is
 * committed (smtp.h); from here on the final "." may have gone out, so an
 * engine that dies leaves it "unknown" (never resent without `herald
 * resume ID --retry-unknown`), while one left "connecting" goes back to
 * "queued". "deferred" carries the time of its next attempt; a deferred
 * recipient whose time has come is "queued" again.
 */
#ifndef HERALD_DELIVER_H
#define HERALD_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "smtp/tls.h"
#include "types.h"

struct store;

/* 1 if the engine may move a recipient from one state to the other. */
int		 rcpt_state_move_ok(enum rcpt_state from, enum rcpt_state to);
/* 1 for delivered, deferred, bounced and unknown: an attempt's outcome. */
int		 rcpt_state_is_outcome(enum rcpt_state);

/* "running", "paused", "interrupted", "waiting", "finished". */
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

/* Every limit at its default (DELIVER_LIMITS_DEFAULT). */
void		 deliver_limits_default(struct deliver_limits *);

/*
 * After attempt number attempts (1 for the first) of a recipient first
 * tried at first_at was deferred at now: 0 and *next_at (retry_first,
 * doubling up to retry_max, never past the give-up time), or 1 when it has
 * been deferred for retry_giveup seconds and is given up.
 */
int		 deliver_retry(const struct deliver_limits *, int attempts,
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
void		 dest_ctl_fail(struct dest_ctl *, const struct deliver_limits *,
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
int		 deliver_relay_parse(const char *, char *host, int *port,
		    char **cause);

/* Free a send's strings (store_send_get). */
void		 send_info_free(struct send_info *);

/* Append the DESIGN.md JSON line of an event (no newline). */
struct buf;
void		 send_event_json(struct buf *, const struct send_event *);

/* ---- getting a send ready (deliver_setup.c) ---- */

struct config;
struct dns;
struct issue;

/* Set one setting by option name ("per-domain", "tls", "auth") or
 * configuration key ("per_domain", "tls_policy", "relay_user") from
 * text, checked. */
int		 deliver_setting(struct send_settings *, const char *name,
		    const char *value, char **cause);
/* Every setting the configuration has (over the defaults). */
int		 deliver_settings_config(const struct config *,
		    struct send_settings *, char **cause);
/* Check the settings together (AUTH only with a relay). */
int		 deliver_settings_check(const struct send_settings *,
		    char **cause);
/* Fill in the envelope-from (config bounce, else the issue's From) and,
 * when unset, the HELO name (the PTR of source_ip looked up with dns,
 * which may be NULL, else this host's name). */
int		 deliver_settings_complete(const struct config *,
		    const struct issue *, struct send_settings *, struct dns *,
		    char **cause);
#define DELIVER_PASSWORD_MAX	511	/* bytes of a relay password (the
					 * SMTP client's SMTP_SECRET_MAX, 512,
					 * with its NUL) */

/* The relay password from the first line of a file that must be mode
 * 0600 (nobody else may read it); allocated, wipe it after use. */
int		 deliver_password_file(const char *path, char **out,
		    char **cause);
/*
 * Start a send of an issue: record it with its settings and snapshot
 * every member of its list that is not suppressed as a queued recipient
 * (with its unsubscribe token), in one transaction. 0; 1 when the issue
 * has a send already; 2 when no member is left to send to; -1.
 */
int		 deliver_queue(struct store *, const struct issue *,
		    const struct send_settings *, int64_t *queued,
		    int64_t *skipped, char **cause);
/*
 * Instead of sending, write each recipient's exact signed message to
 * DIR/NNNN-ADDRESS.eml (mode 0600; DIR made 0700 if need be); nothing is
 * recorded as sent. *nsigs: DKIM signatures per message (0: the From
 * domain has no active key). stop (may be NULL) is polled between
 * messages.
 */
int		 deliver_dry_run(struct store *, const struct issue *,
		    const char *unsubscribe_url, const char *dir,
		    volatile int *stop, int64_t *written, int64_t *skipped,
		    size_t *nsigs, char **cause);

/* ---- the lock, the detached engine (sendlock.c) ---- */

/* The lock file of a send, beside the database: DB.send-ID.lock. And the
 * engine's log: DB.send-ID.log. Allocated. */
char		*send_lock_path(const char *db_path, int64_t id);
char		*send_log_path(const char *db_path, int64_t id);
/* Take the send's lock for this process (held until exit). 0, 1 when
 * another process holds it, -1 with *cause. */
int		 send_lock_take(const char *db_path, int64_t id, char **cause);
/* 1 if an engine holds the send's lock, 0 if not, -1 with *cause. */
int		 send_lock_held(const char *db_path, int64_t id, char **cause);

struct deliver_spawn {
	const char	*db_path;
	const char	*config_path;	/* may be NULL */
	int64_t		 id;
	const char	*password;	/* relay AUTH, or NULL: none */
	int		 timeout_ms;	/* to wait for the engine (0: 15 s) */
};
/*
 * Start `herald engine ID` detached (its own session, stdin /dev/null,
 * output appended to the log beside the database), hand it the password
 * through a pipe, and wait until it holds the lock and has recovered the
 * send. *pid set. -1 with *cause (the engine's own words when it failed).
 */
int		 deliver_spawn(const struct deliver_spawn *, int64_t *pid,
		    char **cause);

/* ---- the engine (deliver.c) ---- */

/* The trust anchor dane uses when dnssec_anchor is not set (Debian's
 * dns-root-data). */
#define DELIVER_DNSSEC_ANCHOR	"/usr/share/dns/root.key"

struct deliver_run {
	struct store	*st;
	const char	*db_path;
	int64_t		 id;
	int		 ready_fd;	/* write "ok" or an error, then close;
					 * -1: none */
	int		 password_fd;	/* read the relay password; -1: none */
	const char	*dnssec_anchor;	/* config dnssec_anchor, or NULL */
};
/* Run a send's engine until the send is finished or paused (or SIGTERM).
 * 0, or -1 with *cause. With the policy dane, DNSSEC is validated from
 * dnssec_anchor, else DELIVER_DNSSEC_ANCHOR; neither existing is an error.
 * The anchor is the machine's (like its CA store), not kept with a send. */
int		 deliver_engine_run(const struct deliver_run *, char **cause);

/*
 * A test: the issue rendered for one address, signed, and delivered now,
 * in this process, by the engine itself (the same routing, MX failover,
 * TLS policy, relay and AUTH, sessions and timeouts as a send) with a
 * one-recipient queue held in memory. Nothing is recorded: no send is
 * made, no recipient row is read or written, a 5xx suppresses nothing
 * (only the address's unsubscribe token is stored, so that the link in the
 * test works). The message has its own Message-ID.
 */
struct deliver_test {
	struct store			*st;
	int64_t				 id;		/* the issue */
	const struct send_settings	*set;		/* completed */
	const char			*addr;		/* the recipient */
	const char			*name;		/* "" when none */
	const char			*attrs;		/* JSON; "{}" */
	const char			*password;	/* relay AUTH, or NULL */
	volatile int			*stop;		/* set: give up now
							 * (may be NULL) */
	const char			*dnssec_anchor;	/* config, or NULL */
};
/*
 * Run a test until its message has an outcome and its session is closed.
 * 0 with *out: state delivered, deferred (a 4xx, or no server could be
 * reached), bounced or unknown, with mx, ip, tls, code, enhanced, reply
 * and stage ("dns" when routing failed: NXDOMAIN or null MX bounced,
 * SERVFAIL or timeout deferred); 1 when *stop was set first; -1 with
 * *cause when it could not run.
 */
int		 deliver_test_run(const struct deliver_test *,
		    struct send_change *out, char **cause);

#endif
