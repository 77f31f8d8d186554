/*
 * DMARC (RFC 7489): the policy record at _dmarc.DOMAIN, organisational
 * domains by the Public Suffix List (libpsl with Debian's publicsuffix
 * data, never by counting labels), and identifier alignment.
 *
 * Functions that can fail return -1 with an allocated *cause (the reason,
 * one line, safe to show) that the caller frees.
 */
#ifndef HERALD_DMARC_H
#define HERALD_DMARC_H

#include <stddef.h>

#define DMARC_RECORD_MAX	4096	/* longer TXT values are refused */

enum dmarc_policy {
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

struct dmarc_record {
	enum dmarc_policy	 p;
	enum dmarc_policy	 sp;		/* p when the record has no sp= */
	int			 has_sp;
	int			 pct;		/* 0-100; 100 when absent */
	char			 adkim;		/* 'r' relaxed or 's' strict */
	char			 aspf;
	char			*rua;		/* as published, or NULL */
	char			*ruf;
	char			*fo;		/* NULL when absent ("0") */
	unsigned long		 ri;		/* 86400 when absent */
};

/* Does the TXT value start with the v=DMARC1 tag (RFC 7489 6.6.3: other
 * TXT records at _dmarc are not DMARC records)? */
int	 dmarc_is_record(const char *txt, size_t len);
/* Does it look like a failed attempt at one ("v=dmarc1", "v = DMARC")? */
int	 dmarc_looks_like(const char *txt, size_t len);
/* Parse a record. Returns 0, or -1 with *cause ("p=: 'block' is not none,
 * quarantine or reject"); r needs dmarc_record_free either way. */
int	 dmarc_parse(const char *txt, size_t len, struct dmarc_record *r,
	    char **cause);
void	 dmarc_record_free(struct dmarc_record *);
const char *dmarc_policy_name(enum dmarc_policy);

/* The organisational domain of name (lower case, no trailing dot),
 * allocated: its registrable domain by the Public Suffix List, or name
 * itself when it is a public suffix. NULL when name is not a domain. */
char	*dmarc_org_domain(const char *name);
/* Are the domains a and b aligned? mode 's': equal names; 'r': equal
 * organisational domains. Case and a trailing dot do not matter. */
int	 dmarc_aligned(const char *a, const char *b, char mode);

#endif
