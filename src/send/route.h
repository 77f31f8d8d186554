/*
 * Where mail for a domain goes (route.c): MX hosts and their addresses in
 * the order to try them, DANE's TLSA records on them, or the relay.
 * Blocking DNS: the engine runs it in a worker. Uses auth/dns, auth/dnssec
 * and the TLS types.
 */
#ifndef HERALD_SEND_ROUTE_H
#define HERALD_SEND_ROUTE_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "auth/dns.h"
#include "smtp/tls.h"

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
	enum tls_policy		 policy;	/* the session's (tlspol.c):
						 * dane, mta-sts, may, ... */
	int			 sts_miss;	/* MTA-STS testing: the host
						 * is not in the policy */
};

#define ROUTE_MAX_DROPS		4	/* hosts DANE left out, kept */

/* A host left out because its DNSSEC data failed (for TLS reports). */
struct route_drop {
	char			 host[256];
	char			 why[300];
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
	char			 policy[12];	/* for DEFER: the policy that
						 * deferred ("mta-sts"), "" */
	struct target		*t;
	size_t			 n;
	struct route_drop	 drops[ROUTE_MAX_DROPS];
	size_t			 ndrops;
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

#endif
