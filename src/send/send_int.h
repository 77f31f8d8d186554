/*
 * Inside the send engine: what deliver.c, deliver_sess.c, route.c and
 * workers.c share. Nothing outside the engine includes this.
 */
#ifndef HERALD_DELIVER_INT_H
#define HERALD_DELIVER_INT_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "send.h"
#include "auth/dns.h"
#include "smtp/smtp.h"
#include "base/hashtab.h"
#include "base/util.h"

struct committer;
struct dkim_signer;
struct issue;
struct loop;
struct loop_timer;
struct store;
struct workers;

/* ---- routes (route.c) ---- */

#define ROUTE_MAX_TARGETS	16	/* addresses tried per destination */

/* One address of one MX (or of the relay). */
struct target {
	char			 host[256];	/* the MX name: SNI, checks */
	unsigned int		 pref;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 ip[64];
	uint64_t		 dead_until;	/* ms: failed, skipped until */
	int			 no_tls;	/* "may": plaintext after a
						 * failed handshake */
	struct tls_tlsa		*tlsa;		/* DANE: the host's usable,
						 * validated TLSA records */
	size_t			 ntlsa;
	int			 tls_required;	/* DANE: secure TLSA records,
						 * none usable: TLS, no
						 * plaintext (RFC 7672 2.2) */
};

enum route_status {
	ROUTE_OK,
	ROUTE_BOUNCE,		/* null MX, NXDOMAIN, no mail host */
	ROUTE_DEFER,		/* SERVFAIL, timeout */
};

struct route {
	enum route_status	 status;
	int			 code;		/* for BOUNCE and DEFER */
	char			 enhanced[16];
	char			 reply[300];
	struct target		*t;
	size_t			 n;
};

/* A random number source (tests pass their own). */
typedef uint32_t (*route_rand_fn)(void *arg);
/* The MX records of an answer in the order to try them: by preference,
 * equal preferences shuffled. */
void	route_order(struct dns_record *, size_t, route_rand_fn, void *arg);
/*
 * Route mail for domain: MX (or implicit MX), each host's A then AAAA
 * addresses, on port. Blocking: run in a worker. With a validating
 * resolver (dnssec_enabled: the send's policy is dane) the lookups are
 * DNSSEC-validated and, where MX and addresses are secure, each host's
 * TLSA records at _PORT._tcp.HOST go on its targets (RFC 7672); a host
 * whose TLSA lookup is bogus or fails is left out, and a route left
 * without hosts that way defers.
 */
void	route_mx(struct dns *, const char *domain, int port, struct route *);
/* Route everything through a relay host (name or address) and port. */
void	route_relay(struct dns *, const char *host, int port, struct route *);
void	route_free(struct route *);
/* The usable TLSA records (usage 2 or 3, selector 0 or 1, matching type 0,
 * 1 or 2 with a digest of its length) of raw TLSA rdata; allocated, NULL
 * when none (*nout 0). */
struct tls_tlsa *route_tlsa_usable(const struct dns_record *, size_t n,
	    size_t *nout);
void	route_tlsa_free(struct tls_tlsa *, size_t n);

/* ---- worker threads (workers.c) ---- */

enum job_type {
	JOB_ROUTE,
	JOB_RENDER,
};

/* A job for a worker; the result comes back in the same structure. */
struct job {
	enum job_type		 type;
	void			*cookie;	/* the engine's dest or rcpt */

	/* JOB_ROUTE */
	char			*name;		/* domain, or the relay host */
	int			 port;
	int			 relay;
	struct route		 route;

	/* JOB_RENDER: read only while the job runs. */
	const char		*addr, *rname, *attrs, *token;
	char			 msgid[96];
	struct buf		 msg;
	int			 eightbit;
	char			*error;

	struct job		*next;
};

struct workers_setup {
	int			 n;		/* threads */
	const struct issue	*issue;		/* read only */
	const char		*unsubscribe_url;
	const char		*sign_domain;	/* NULL: do not sign */
	struct store		*store;		/* keys are read here, before
						 * the threads start */
	struct dns_options	 dns;
};
/* Start n threads, each with its own resolver and signer. */
struct workers	*workers_new(const struct workers_setup *, char **cause);
/* Stop and join the threads; jobs not yet run are dropped (freed). */
void		 workers_free(struct workers *);
/* The descriptor that becomes readable when jobs are done. */
int		 workers_fd(struct workers *);
/* Queue a job. */
void		 workers_submit(struct workers *, struct job *);
/* Take every finished job (a list linked by next, in finishing order). */
struct job	*workers_done(struct workers *);
/* How many signatures each message gets (0: unsigned). */
size_t		 workers_signatures(struct workers *);
void		 job_free(struct job *);

/* ---- the engine (deliver.c, deliver_sess.c) ---- */

struct dest;
struct sess;

#define ENGINE_ID_BUCKETS	4096

/* A recipient the engine holds (the window). */
struct rcpt {
	int64_t			 id;
	char			*addr, *name, *attrs, *token;
	int			 attempts;	/* outcomes so far */
	int64_t			 first_at;
	enum rcpt_state		 dbstate;	/* as recorded */
	int			 rendering;	/* a render job runs */
	char			*msg;		/* rendered and signed */
	size_t			 len;
	int			 eightbit;
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
	uint64_t		 empty_since;	/* for freeing idle dests */
	int			 queued;	/* on the run queue */
	TAILQ_ENTRY(dest)	 run;
	int			 slotwait;	/* waits for a session slot */
	TAILQ_ENTRY(dest)	 slot;
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
	struct rcpt		*first;		/* bound when opened */
	struct rcpt		*cur;		/* in a transaction */
	int			 was_ready;
	int			 idle;		/* on dest->idle */
	int			 ratewait;	/* on e->ratewait */
	struct loop_timer	*idle_timer;
	unsigned int		 sent;
	int			 body_waits;	/* on e->bodyq */
	uint64_t		 body_batch;	/* its 354's batch, 0: not
						 * handed to the committer */
	TAILQ_ENTRY(sess)	 bodyq;
	TAILQ_ENTRY(sess)	 entry;		/* dest->idle or e->ratewait */
	TAILQ_ENTRY(sess)	 all;		/* e->sessions */
};
TAILQ_HEAD(sess_list, sess);

struct engine {
	struct store		*st;
	int64_t			 id;
	struct send_info	 info;
	struct issue		*issue;
	const struct deliver_limits *lim;
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

	struct send_change	*chg;
	size_t			 nchg, capchg;
	struct committer	*cm;		/* NULL: write in the loop */
	struct sess_list	 bodyq;		/* bodies held for a commit */

	/* A test (deliver_test_run): one recipient held in memory, nothing
	 * read from or written to the send's rows; the outcome kept here. */
	int			 test;
	int			 test_have;
	struct send_change	 test_out;
	volatile int		*test_stop;
	int			 test_stopped;

	struct loop_timer	*tick;
	int			 draining;	/* pause or SIGTERM */
	int			 stopping;
	int			 finished;
	char			*error;		/* why the engine stops */
	uint64_t		 delivered, deferred, bounced, unknown;
};

/* deliver.c */
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

/* deliver_commit.c */
struct committer *committer_new(const char *path, int64_t send_id,
		    char **cause);
int		 committer_fd(struct committer *);
uint64_t	 committer_submit(struct committer *,
		    const struct send_change *, size_t);
int		 committer_poll(struct committer *, uint64_t *done,
		    char **cause);
int		 committer_idle(struct committer *);
int		 committer_wait(struct committer *, char **cause);
void		 committer_free(struct committer *);

/* deliver_sess.c */
int		 sess_open(struct engine *, struct dest *);
int		 sess_give(struct engine *, struct dest *);
void		 sess_release(struct engine *, struct dest *);
void		 sess_drain(struct engine *);
void		 sess_rate_kick(struct engine *);

#endif
