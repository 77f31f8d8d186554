/*
 * DNSSEC-validated lookups (RFC 4033-4035, 5155) with ldns, from the trust
 * anchors of a resolver opened with dns_options.dnssec_anchor: what DANE
 * (RFC 7672) needs to tell a TLSA record an attacker could not forge from
 * one it could, and a proven "no TLSA" from a stripped one.
 *
 * Signatures are checked here, by herald, not trusted from the resolver's
 * AD bit. An RRSIG counts only when its signer is the owner's zone or
 * above; a wildcard-expanded answer needs the NSEC or NSEC3 proof that no
 * closer name exists; a denial's NSEC from the parent side of a zone cut
 * proves nothing below it.
 */
#ifndef HERALD_DNSSEC_H
#define HERALD_DNSSEC_H

#include "dns.h"

enum dnssec_state {
	DNSSEC_SECURE,		/* the records, or their absence, are proven
				 * by a chain of signatures from an anchor */
	DNSSEC_INSECURE,	/* provably unsigned: no anchor covers the
				 * name, or a delegation above it has no DS */
	DNSSEC_BOGUS,		/* signed, but a signature or the proof of
				 * absence fails, or signatures are missing */
	DNSSEC_FAILED,		/* the lookup failed (SERVFAIL, timeout) */
};

/* 1 if the resolver has trust anchors (it was opened with dnssec_anchor). */
int		 dnssec_enabled(const struct dns *);
/*
 * Look up name and type as dns_query does, then validate the answer: the
 * records in out (DNS_OK), or the NODATA / NXDOMAIN, with its state.
 * *why (allocated) says what failed for BOGUS and FAILED and why there is
 * no chain for INSECURE; NULL for SECURE.
 */
enum dnssec_state dnssec_query(struct dns *, const char *name, enum dns_type,
		    struct dns_answer *out, char **why);
const char	*dnssec_state_name(enum dnssec_state);

#endif
