/*
 * The MTA-STS policy cache (db table sts_policies): one row per policy
 * domain with the TXT record's id, the policy as fetched, when it was
 * fetched and when it expires (fetched + max_age). The engine reads it
 * before routing a domain and writes what a route job fetched.
 */
#ifndef HERALD_STORE_STS_H
#define HERALD_STORE_STS_H

#include <stdint.h>

struct store;

struct sts_cache_row {
	char		*domain;
	char		*id;		/* the TXT record's id */
	char		*policy;	/* the policy text as fetched */
	int64_t		 fetched_at;	/* Unix seconds */
	int64_t		 expires_at;
};

/* The cached policy of domain: 1 found (free with sts_cache_row_free),
 * 0 none, -1 with *cause. */
int	store_sts_get(struct store *, const char *domain,
	    struct sts_cache_row *, char **cause);
/* Keep (or replace) domain's policy. 0, or -1 with *cause. */
int	store_sts_put(struct store *, const struct sts_cache_row *,
	    char **cause);
void	sts_cache_row_free(struct sts_cache_row *);

#endif
