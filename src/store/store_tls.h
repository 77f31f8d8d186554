/*
 * The TLS outcome of each SMTP session (db table tls_sessions), in RFC
 * 8460 terms: written by the engine as sessions end, read to build the
 * TLS reports (TLS-RPT) sent to the domains that ask for them.
 */
#ifndef HERALD_STORE_TLS_H
#define HERALD_STORE_TLS_H

#include <stdint.h>

struct store;

struct tls_session_rec {
	int64_t		 send_id;	/* 0: none */
	int64_t		 at;		/* Unix seconds */
	const char	*domain;	/* the policy domain (recipient's) */
	const char	*policy_type;	/* "tlsa", "sts", "no-policy-found" */
	const char	*policy_string;	/* JSON array of the policy's strings */
	const char	*mx_host;
	const char	*mx_ip;
	const char	*sending_ip;
	const char	*result;	/* "success" or an RFC 8460 result type */
	const char	*detail;	/* additional information, or NULL */
};

/* Keep one session's outcome. 0, or -1 with *cause. */
int	store_tls_session_add(struct store *, const struct tls_session_rec *,
	    char **cause);

#endif
