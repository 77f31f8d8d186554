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

/*
 * The days (UTC) and policy domains sessions were kept for, oldest day
 * first, with their counts and what was reported (tlsrpt_reports).
 * Strings are valid during the callback; a non-zero return stops.
 */
struct tls_day {
	const char	*day;		/* YYYY-MM-DD */
	const char	*domain;
	int64_t		 success, failure;
	const char	*report_id;	/* "" when no report was built */
	int64_t		 sent_at;	/* 0: not (completely) sent */
	int64_t		 failed;	/* URIs whose last try failed */
};
typedef int (*tls_day_fn)(const struct tls_day *, void *arg);
/* domain NULL: every domain. 0, or -1 with *cause. */
int	store_tls_days(struct store *, const char *domain, tls_day_fn,
	    void *arg, char **cause);

/* Sessions of one domain in [from, to), counted by everything a report
 * tells apart; ordered by policy (type, strings, MX), then result. */
struct tls_group {
	const char	*policy_type, *policy_string, *mx_host, *mx_ip,
			*sending_ip, *result, *detail;
	int64_t		 count;
};
typedef int (*tls_group_fn)(const struct tls_group *, void *arg);
int	store_tls_groups(struct store *, const char *domain, int64_t from,
	    int64_t to, tls_group_fn, void *arg, char **cause);

/*
 * The report of domain and day: *report_id (allocated) and *sent_at (0:
 * not sent). 0, 1 when there is none, -1 with *cause.
 */
int	store_tlsrpt_get(struct store *, const char *domain, const char *day,
	    char **report_id, int64_t *sent_at, char **cause);
/* Record a report built (kept as it is when one is there already). */
int	store_tlsrpt_add(struct store *, const char *domain, const char *day,
	    const char *report_id, int64_t at, char **cause);
/* 1 when uri took the report of domain and day, 0 when not (yet), -1. */
int	store_tlsrpt_uri_sent(struct store *, const char *domain,
	    const char *day, const char *uri, char **cause);
/* Keep one URI's try: status "sent" or "failed", detail why. */
int	store_tlsrpt_uri_set(struct store *, const char *domain,
	    const char *day, const char *uri, const char *status,
	    const char *detail, int64_t at, char **cause);
/* Every URI took it: the day is reported. */
int	store_tlsrpt_done(struct store *, const char *domain, const char *day,
	    int64_t at, char **cause);

#endif
