/*
 * MTA-STS (RFC 8461) without I/O: the TXT record at _mta-sts.DOMAIN, the
 * policy file served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt,
 * and whether an MX host matches the policy's patterns. The fetch and the
 * decisions around it are in sts.h.
 */
#ifndef HERALD_STS_POLICY_H
#define HERALD_STS_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define STS_POLICY_MAX		65536		/* bytes (RFC 8461 3.2) */
#define STS_MAX_AGE_MAX		31557600	/* one year (RFC 8461 3.2) */
#define STS_MX_MAX		64		/* patterns kept */
#define STS_ID_MAX		32		/* 1*32(ALPHA / DIGIT) */

enum sts_mode {
	STS_MODE_NONE,
	STS_MODE_TESTING,
	STS_MODE_ENFORCE,
};

struct sts_policy {
	enum sts_mode	 mode;
	int64_t		 max_age;		/* seconds */
	char		*mx[STS_MX_MAX];	/* lowercase, no trailing dot */
	size_t		 nmx;
	char		*text;			/* the policy as fetched, for
						 * the cache and TLS reports */
};

/* "none", "testing", "enforce". */
const char	*sts_mode_name(enum sts_mode);
/* Parse the TXT record's text: 0 with id (STS_ID_MAX + 1 bytes) set, -1
 * with *cause when it is not a valid "v=STSv1; id=..." record. */
int		 sts_txt_parse(const char *txt, size_t len, char *id,
		    char **cause);
/* Parse a policy body (len bytes, CRLF or LF lines): 0 with p filled
 * (free with sts_policy_free), or -1 with *cause. */
int		 sts_policy_parse(const char *text, size_t len,
		    struct sts_policy *p, char **cause);
void		 sts_policy_free(struct sts_policy *);
/* Does an MX host match one of the policy's patterns ("*." matches one
 * leftmost label only)? Case and a trailing dot do not count. */
int		 sts_mx_match(const struct sts_policy *, const char *host);
/* The policy's lines ("version: STSv1", ...) as a JSON array, the form
 * RFC 8460 reports a policy in; allocated. */
char		*sts_policy_strings(const struct sts_policy *);

#endif
