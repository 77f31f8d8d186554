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

/*
 * The pure parts of DNSSEC validation (dnssec.c), for the unit tests:
 * signatures and denial records are assumed verified.
 *
 * dnssec_sig_fits: may the RRSIG sign records of owner (its signer the
 * owner or an ancestor, its labels field not above the owner's)?
 * dnssec_nsec_proof: NULL if the NSEC records of the list prove that qname
 * does not exist (nx) or has no record of type, else why not.
 * dnssec_nsec3_unsigned: do the NSEC3 records of a DS denial for name show
 * a delegation without DS (or an opt-out span over it)?
 */
int		 dnssec_sig_fits(const ldns_rr *rrsig, const ldns_rdf *owner);
const char	*dnssec_nsec_proof(const ldns_rr_list *, const ldns_rdf *qname,
		    ldns_rr_type, int nx);
int		 dnssec_nsec3_unsigned(const ldns_rr_list *,
		    const ldns_rdf *name);

#endif
