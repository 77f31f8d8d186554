/*
 * Inside the DNS modules: what dns.c shares with dnssec.c, which validates
 * answers with the same ldns resolver. Nothing else includes this.
 */
#ifndef HERALD_DNS_INT_H
#define HERALD_DNS_INT_H

#include <ldns/ldns.h>

#include "dns.h"

struct dns {
	ldns_resolver	*res;
	char		*desc;		/* for messages */
	int		 timeout_ms;
	int		 tries;
};

/*
 * dns_query, also handing back the answer packet (*keep, freed by the
 * caller) when the outcome is DNS_OK, DNS_NODATA or DNS_NXDOMAIN, for its
 * signatures and denial records; *keep is NULL otherwise. keep may be
 * NULL.
 */
enum dns_status	 dns_query_pkt(struct dns *, const char *name, enum dns_type,
		    struct dns_answer *, ldns_pkt **keep);

#endif
