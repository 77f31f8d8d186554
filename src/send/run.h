/*
 * The engine's life (run.c): `herald engine ID` runs a send's engine until
 * it is finished or paused, and `herald send ID --test ADDR` runs the
 * engine on one recipient held in memory. What the engine does inside its
 * loop is engine.h's.
 */
#ifndef HERALD_SEND_RUN_H
#define HERALD_SEND_RUN_H

#include <stdint.h>

#include "types.h"

struct config;

struct store;

/* The trust anchor dane uses when dnssec_anchor is not set (Debian's
 * dns-root-data). */
#define ENGINE_DNSSEC_ANCHOR	"/usr/share/dns/root.key"

struct engine_run {
	struct store	*st;
	const char	*db_path;
	int64_t		 id;
	int		 ready_fd;	/* write "ok" or an error, then close;
					 * -1: none */
	int		 password_fd;	/* read the relay password; -1: none */
	const char	*dnssec_anchor;	/* config dnssec_anchor, or NULL */
	const struct config *cfg;	/* verp, verp_delimiter,
					 * unsubscribe_mailto; NULL: VERP off */
	int		 soft_limit;	/* config soft_bounce_limit; 0: 3 */
	int		 mta_sts_port;	/* config mta_sts_port; 0: 443 */
};
/* Run a send's engine until the send is finished or paused (or SIGTERM).
 * 0, or -1 with *cause. With the policy dane, DNSSEC is validated from
 * dnssec_anchor, else ENGINE_DNSSEC_ANCHOR; neither existing is an error.
 * With auto, from dnssec_anchor when set, else from ENGINE_DNSSEC_ANCHOR
 * when the resolver proves a signed delegation from it; otherwise DANE is
 * off for the send (logged) and MTA-STS or may apply.
 * The anchor is the machine's (like its CA store), not kept with a send. */
int		 engine_run(const struct engine_run *, char **cause);

/*
 * A test: the issue rendered for one address, signed, and delivered now,
 * in this process, by the engine itself (the same routing, MX failover,
 * TLS policy, relay and AUTH, sessions and timeouts as a send) with a
 * one-recipient queue held in memory. Nothing is recorded: no send is
 * made, no recipient row is read or written, a 5xx suppresses nothing
 * (only the address's unsubscribe token is stored, so that the link in the
 * test works). The message has its own Message-ID.
 */
struct engine_test {
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
	int				 mta_sts_port;	/* config; 0: 443 */
};
/*
 * Run a test until its message has an outcome and its session is closed.
 * 0 with *out: state delivered, deferred (a 4xx, or no server could be
 * reached), bounced or unknown, with mx, ip, tls, code, enhanced, reply
 * and stage ("dns" when routing failed: NXDOMAIN or null MX bounced,
 * SERVFAIL or timeout deferred); 1 when *stop was set first; -1 with
 * *cause when it could not run.
 */
int		 engine_test_run(const struct engine_test *,
		    struct send_change *out, char **cause);

#endif
