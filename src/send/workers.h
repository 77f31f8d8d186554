/*
 * The engine's worker threads (workers.c): routing a destination and
 * rendering+signing a message, off the event loop. Each thread has its
 * own resolver and signer; finished jobs come back through a descriptor
 * the loop watches.
 */
#ifndef HERALD_SEND_WORKERS_H
#define HERALD_SEND_WORKERS_H

#include <stddef.h>

#include "route.h"
#include "auth/dns.h"
#include "base/util.h"
#include "sts/sts.h"
#include "store/store_sts.h"

struct issue;
struct store;
struct workers;

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
	/* Under auto or mta-sts: the domain's MTA-STS policy is looked up
	 * too, from its cached row (read by the engine; NULL: none). */
	int			 sts_on;
	struct sts_cache_row	*sts_cached;
	struct sts_result	 sts;

	/* JOB_RENDER: read only while the job runs. */
	const char		*addr, *rname, *attrs, *token;
	char			 msgid[96];
	struct buf		 msg;
	int			 eightbit;
	struct buf		 msg7;		/* an 8bit message's 7-bit form
						 * (base64 or QP), signed too */
	char			*error;

	struct job		*next;
};

struct workers_setup {
	int			 n;		/* threads */
	const struct issue	*issue;		/* read only */
	const char		*unsubscribe_url;
	char			 verp;		/* the delimiter; '\0': off */
	const char		*unsubscribe_mailto;
	const struct footer	*footer;	/* NULL: none */
	const char		*sign_domain;	/* NULL: do not sign */
	struct store		*store;		/* keys are read here, before
						 * the threads start */
	struct dns_options	 dns;
	struct sts_options	 sts;		/* the policy fetch */
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

#endif
