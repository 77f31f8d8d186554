/*
 * The engine (engine.c): one process, one event loop per send. What it
 * holds (the window of recipients, destinations, sessions) and what the
 * loop does with them; run.c, session.c and the tests share these.
 * Nothing outside src/send and its tests includes this.
 */
#ifndef HERALD_SEND_ENGINE_H
#define HERALD_SEND_ENGINE_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "pace.h"
#include "route.h"
#include "state.h"
#include "timing.h"
#include "types.h"
#include "base/hashtab.h"
#include "smtp/smtp.h"

struct committer;
struct issue;
struct loop;
struct loop_timer;
struct store;
struct workers;

struct config;
struct dest;
struct sess;
struct sts_policy;
struct sts_result;

/*
 * A provider (or, for a domain at no provider the table knows, its MX
 * host): every destination it hosts shares its pace (pacing.c).
 */
struct pgroup {
	char			*name;		/* "yahoo", or the MX host */
	const struct provider	*prov;		/* NULL: by MX host */
	struct pace_ctl		 ctl;
	int			 nsessions;
	/* What its send_pacing row says, so only changes are written. */
	int			 written;
	enum pace_state		 w_state;
	int			 w_sessions, w_per_minute;
	int64_t			 w_next;
};

#define ENGINE_ID_BUCKETS	4096

/* A recipient the engine holds (the window). */
struct rcpt {
	int64_t			 id;
	char			*addr, *name, *attrs, *token;
	char			*mail_from;	/* its MAIL FROM (VERP) */
	int			 attempts;	/* outcomes so far */
	int64_t			 first_at;
	enum rcpt_state		 dbstate;	/* as recorded */
	int			 rendering;	/* a render job runs */
	char			*msg;		/* rendered and signed */
	size_t			 len;
	int			 eightbit;
	char			*msg7;		/* with eightbit: the 7-bit form
						 * for a server without 8BITMIME,
						 * or NULL */
	size_t			 len7;
	struct smtp_msg		 sm;
	struct dest		*dest;
	TAILQ_ENTRY(rcpt)	 entry;		/* dest->wait or dest->ready */
	TAILQ_ENTRY(rcpt)	 all;		/* e->rcpts */
	struct rcpt		*idnext;	/* e->ids chain */
};
TAILQ_HEAD(rcpt_list, rcpt);

enum dest_route {
	DEST_NOROUTE,
	DEST_ROUTING,		/* a route job runs */
	DEST_ROUTED,
};

/* A destination: a recipient domain, or the relay. */
struct dest {
	struct engine		*e;
	char			*name;
	struct dest_ctl		 ctl;
	enum dest_route		 rstate;
	struct route		 route;
	unsigned int		 rgen;		/* bumped per new route */
	uint64_t		 route_at;
	size_t			 cursor;	/* the address to try next */
	struct rcpt_list	 wait;		/* not rendered yet */
	struct rcpt_list	 ready;		/* rendered, not yet sent */
	int			 nwait, nready, nrendering;
	int			 nsessions, nopening;
	TAILQ_HEAD(, sess)	 idle;		/* ready, nothing to send */
	/* Every address failed: what comes is deferred until then. */
	uint64_t		 dead_until;
	/* The latest failure of a connection, for deferring with. */
	struct smtp_reply	 last;
	struct tls_status	 last_tls;
	char			 last_mx[256], last_ip[64];
	int			 has_last;
	struct loop_timer	*hold_timer;
	/* Its MTA-STS policy in force (tlspol.c), NULL: none; and the
	 * policy's lines as a JSON array, for TLS reports. */
	struct sts_policy	*sts;
	char			*sts_strings;
	uint64_t		 empty_since;	/* for freeing idle dests */
	int			 queued;	/* on the run queue */
	TAILQ_ENTRY(dest)	 run;
	int			 slotwait;	/* waits for a session slot */
	TAILQ_ENTRY(dest)	 slot;
	struct pgroup		*grp;		/* once routed; NULL: relay */
	struct pace		 dpace;		/* pace.DOMAIN; 0: unset */
	struct pace_ctl		 drate;		/* its own per_minute */
};

/* One SMTP session. */
struct sess {
	struct engine		*e;
	struct smtp_session	*s;
	struct dest		*dest;
	unsigned int		 rgen;		/* the route tgt belongs to */
	size_t			 tgt;
	char			 host[256];
	char			 ip[64];
	enum tls_policy		 policy;	/* the target's, as opened */
	int			 sts_miss;	/* testing: MX not in it */
	int			 plain_retry;	/* "may" after a failed
						 * handshake */
	int			 dane_auth;	/* DANE with usable TLSA */
	const char		*rpt_type;	/* RFC 8460 policy type */
	char			*rpt_strings;	/* its strings, JSON array */
	struct rcpt		*first;		/* bound when opened */
	struct rcpt		*cur;		/* in a transaction */
	int			 was_ready;
	int			 idle;		/* on dest->idle */
	int			 ratewait;	/* on e->ratewait */
	int			 pacewait;	/* on e->pacewait */
	int			 throttled;	/* its provider was told */
	struct pgroup		*grp;		/* counted in its nsessions */
	struct loop_timer	*idle_timer;
	unsigned int		 sent;
	int			 body_waits;	/* on e->bodyq */
	uint64_t		 body_batch;	/* its 354's batch, 0: not
						 * handed to the committer */
	TAILQ_ENTRY(sess)	 bodyq;
	TAILQ_ENTRY(sess)	 entry;		/* dest->idle, e->ratewait or
						 * e->pacewait */
	TAILQ_ENTRY(sess)	 all;		/* e->sessions */
};
TAILQ_HEAD(sess_list, sess);

struct engine {
	struct store		*st;
	int64_t			 id;
	struct send_info	 info;
	struct issue		*issue;
	const struct send_limits *lim;
	struct loop		*loop;
	struct workers		*w;
	int			 nthreads;
	struct tls_ctx		*tls;
	char			*password;
	struct sockaddr_storage	 src4, src6;	/* --source-ip */
	socklen_t		 src4len, src6len;
	char			 relay_host[256];
	int			 relay_port;
	struct smtp_timeouts	 timeouts;	/* --smtp-timeouts */
	const char		*dnssec_anchor;	/* config; NULL: the default */
	int			 sts_on;	/* policy auto or mta-sts: look
						 * MTA-STS up per domain */
	int			 sts_port;	/* config mta_sts_port; 0: 443 */
	int			 soft_limit;	/* config soft_bounce_limit */

	struct hashtab		 dests;		/* by name */
	TAILQ_HEAD(, dest)	 runq;
	TAILQ_HEAD(, dest)	 slotq;		/* wait for a session slot */

	struct rcpt_list	 rcpts;		/* the window */
	struct rcpt		*ids[ENGINE_ID_BUCKETS]; /* the window by id */
	struct sess_list	 sessions;
	int64_t			 cursor;	/* highest id taken up */
	int			 at_end;	/* no queued one above it */
	int			 seen;		/* rows of the last take-up */
	int			 nwindow;
	int			 window_max;
	int			 want_fill;
	int64_t			 next_due;	/* earliest deferred, 0: none */
	int			 nmem;		/* messages rendered or being */
	int			 mem_max;
	int			 njobs;		/* jobs out with the workers */
	int			 nsessions;

	struct rate_ctl		 rate;
	struct sess_list	 ratewait;
	struct loop_timer	*rate_timer;

	/* Pacing (pacing.c): the providers' limits with the config's
	 * over them, pace.DOMAIN by domain, the groups by name, the
	 * sessions waiting for their provider's or domain's rate. */
	struct pace		*prov_pace;	/* parallel to providers[] */
	struct hashtab		 dom_pace;
	struct hashtab		 groups;
	struct sess_list	 pacewait;
	struct loop_timer	*pace_timer;
	uint64_t		 pace_written;	/* ms of the last pacing_write */

	struct send_change	*chg;
	size_t			 nchg, capchg;
	struct committer	*cm;		/* NULL: write in the loop */
	struct sess_list	 bodyq;		/* bodies held for a commit */

	/* A test (engine_test_run): one recipient held in memory, nothing
	 * read from or written to the send's rows; the outcome kept here. */
	int			 test;
	int			 test_have;
	struct send_change	 test_out;
	volatile int		*test_stop;
	int			 test_stopped;

	struct loop_timer	*tick;
	int			 draining;	/* pause or SIGTERM */
	/* The send window (timing.h): outside it (closed) the engine
	 * starts no transaction and takes no recipient up, and waits. */
	struct send_window	 win;
	int			 has_win;
	int			 closed;
	int			 scheduled;	/* waits for its time first */
	int			 waiting_said;
	int			 stopping;
	int			 finished;
	char			*error;		/* why the engine stops */
	uint64_t		 delivered, deferred, bounced, unknown;
};

/* run.c: a line in the engine's log. */
void		 engine_log(struct engine *, const char *, ...)
		    PRINTFLIKE(2, 3);

/* engine.c */
uint64_t	 engine_now(struct engine *);
void		 dest_free(struct engine *, struct dest *);
int		 dest_unused(const struct dest *);
void		 engine_jobs(int fd, int events, void *);
int		 engine_take(const struct send_rcpt *, void *);
int		 engine_flush(struct engine *);
void		 engine_committed(int fd, int events, void *);
void		 engine_abort(struct engine *);
int		 engine_done(struct engine *, char **cause);
void		 engine_before_sleep(void *);
void		 engine_wake(struct engine *, struct dest *);
void		 engine_wake_blocked(struct engine *);
struct send_change *engine_change(struct engine *, struct rcpt *,
		    enum rcpt_state);
void		 engine_outcome(struct engine *, struct rcpt *, enum rcpt_state,
		    const struct smtp_reply *, const struct tls_status *,
		    const char *mx, const char *ip);
void		 engine_defer_dest(struct engine *, struct dest *);
void		 engine_rcpt_done(struct engine *, struct rcpt *);
void		 engine_unbind(struct engine *, struct rcpt *);

/* tlspol.c: the TLS policy of each MX host and the TLS report rows. */
void		 tlspol_route(struct engine *, struct dest *,
		    struct sts_result *);
void		 tlspol_sess_open(struct sess *, const struct dest *,
		    const struct target *);
void		 tlspol_session(struct engine *, struct sess *,
		    const struct smtp_reply *, int tls_failed);
const char	*tlspol_word(const struct tls_status *);

/* pacing.c */
void		 pacing_init(struct engine *, const struct config *);
void		 pacing_free(struct engine *);
/* A new destination: its pace.DOMAIN. */
void		 pacing_dest(struct engine *, struct dest *);
/* d is routed: join its provider's group. */
void		 pacing_route(struct engine *, struct dest *);
/* Messages a session to d may carry. */
int		 pacing_per_session(struct engine *, const struct dest *);
/* May d open a session now (its provider's share)? 1, or 0 with *until
 * set when a hold is the reason (else 0: wait for a slot). */
int		 pacing_can_open(struct engine *, const struct dest *,
		    uint64_t *until);
/* Is d's provider held now? */
int		 pacing_held(struct engine *, const struct dest *);
/* The ms a message to d must wait for the rates; 0: take it now. */
uint64_t	 pacing_rate_take(struct engine *, struct dest *);
/* A reply on sess: slow its provider down if it says so. */
void		 pacing_reply(struct engine *, struct sess *,
		    const struct smtp_reply *);
/* A delivery on sess. */
void		 pacing_ok(struct engine *, struct sess *);
/* Write the groups whose state changed (send_pacing). */
void		 pacing_write(struct engine *);

#endif
