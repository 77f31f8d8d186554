/*
 * MTA-STS for a destination domain (RFC 8461 5): the _mta-sts TXT record,
 * the cached policy, and a fetch of the policy over HTTPS when there is
 * none, its id changed or it nears expiry. Blocking (DNS and HTTPS): the
 * engine runs it in its route workers, the CLI directly. The policy host
 * is resolved with herald's own resolver and its address pinned for
 * libcurl, so the send and the fetch see the same DNS.
 */
#ifndef HERALD_STS_STS_H
#define HERALD_STS_STS_H

#include <stdint.h>

#include "policy.h"

struct dns;
struct sts_cache_row;

#define STS_PORT_DEFAULT	443

struct sts_options {
	int		 port;		/* HTTPS port; 0: 443 (lab: another) */
	const char	*ca_file;	/* extra trust anchors; NULL: system */
	int		 connect_timeout; /* seconds; 0: 10 */
	int		 timeout;	/* seconds for the whole fetch; 0: 30 */
};

/* How a lookup came out. */
enum sts_source {
	STS_SRC_NONE,		/* no record, no cached policy */
	STS_SRC_CACHE,		/* the cached policy, still current */
	STS_SRC_FETCHED,	/* fetched now (cache it) */
};

struct sts_result {
	enum sts_source	 source;
	int		 have_txt;	/* a valid STSv1 record was found */
	char		 id[STS_ID_MAX + 1];	/* the record's id */
	char		 txt[256];	/* the record as found, for display */
	struct sts_policy policy;	/* source != NONE */
	char		 policy_id[STS_ID_MAX + 1]; /* the id it was fetched
						 * for */
	int64_t		 fetched_at, expires_at;
	/* A failure on the way (TXT invalid, fetch failed, policy invalid):
	 * the RFC 8460 result type and the words, else NULL. */
	const char	*fail_type;
	char		*error;
};

/*
 * Look up domain's MTA-STS policy at now (Unix seconds), given its cached
 * row (NULL: none). Never fails as a whole: a lookup that fails leaves the
 * cached policy in force until it expires (RFC 8461 5.1), and no policy
 * at all when there is none (fail_type and error say why).
 */
void	sts_lookup(struct dns *, const char *domain,
	    const struct sts_options *, const struct sts_cache_row *cached,
	    int64_t now, struct sts_result *);
void	sts_result_free(struct sts_result *);
/* Fetch the policy of domain over HTTPS (no TXT lookup): 0 with p filled,
 * or -1 with *cause and *fail_type (an RFC 8460 result type). */
int	sts_fetch(struct dns *, const char *domain, const struct sts_options *,
	    struct sts_policy *p, const char **fail_type, char **cause);

#endif
