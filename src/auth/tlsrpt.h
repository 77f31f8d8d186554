/*
 * The TLS-RPT policy record (RFC 8460 3) at _smtp._tls.DOMAIN: where a
 * domain wants its TLS reports, as mailto: and https: URIs. Parsing has no
 * I/O (the fuzz harness tests/fuzz/tlsrpt.c drives it); the lookup uses
 * auth/dns.
 */
#ifndef HERALD_TLSRPT_H
#define HERALD_TLSRPT_H

#include <stddef.h>

struct dns;

#define TLSRPT_RECORD_MAX	4096	/* longer TXT values are refused */
#define TLSRPT_MAX_URIS		8	/* rua URIs kept; more are an error */

struct tlsrpt_record {
	char	*uri[TLSRPT_MAX_URIS];	/* mailto: and https: only, as
					 * published; other schemes are
					 * left out (RFC 8460 3: MAY) */
	size_t	 n;
	size_t	 skipped;		/* URIs of other schemes */
};

/* Does the TXT value start as a TLS-RPT record ("v=TLSRPTv1;")? */
int	 tlsrpt_is_record(const char *txt, size_t len);
/* Parse a record. 0, or -1 with *why (static English, for the log). r
 * needs tlsrpt_record_free either way. */
int	 tlsrpt_parse(const char *txt, size_t len, struct tlsrpt_record *r,
	    const char **why);
void	 tlsrpt_record_free(struct tlsrpt_record *);
/* The address of a mailto: URI, %-escapes decoded, anything after '?'
 * dropped; allocated, NULL if it is not one address. */
char	*tlsrpt_mailto_addr(const char *uri);

/*
 * The record of domain: 0 with *r filled, 1 when the domain has none (no
 * TXT, no record starting v=TLSRPTv1, more than one such record, or one
 * that does not parse: RFC 8460 3, *why then says which), -1 with *cause
 * when DNS could not tell.
 */
int	 tlsrpt_lookup(struct dns *, const char *domain,
	    struct tlsrpt_record *r, const char **why, char **cause);

#endif
