/*
 * SPF: RFC 7208 check_host(), complete: every mechanism and modifier,
 * macros, the processing limits, and the explanation.
 */
#ifndef HERALD_SPF_H
#define HERALD_SPF_H

struct dns;

enum spf_result {
	SPF_NONE,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR,
};

struct spf_request {
	const char	*ip;		/* the connecting client, IPv4 or IPv6 */
	const char	*domain;	/* the domain to check */
	const char	*sender;	/* MAIL FROM as given (may be "" or
					 * "@domain"); "" means postmaster@helo */
	const char	*helo;		/* HELO/EHLO name, may be NULL */
	const char	*receiver;	/* %{r}; NULL: "unknown" */
};

struct spf_report {
	enum spf_result	 result;
	char		*record;	/* the SPF record of domain, if any */
	char		*mechanism;	/* the term that decided, e.g. "-all",
					 * "ip4:192.0.2.0/24", "include:x" (the
					 * top-level term); NULL for the default */
	char		*matched_in;	/* the domain whose record held the
					 * deciding mechanism */
	char		*explanation;	/* exp= text (fail only), else NULL */
	char		*problem;	/* why temperror or permerror */
	int		 lookups;	/* DNS-querying terms used (limit 10) */
	int		 void_lookups;	/* (limit 2) */
	int		 uses_ptr;	/* a ptr mechanism or %{p} was evaluated */
	char		 all_qualifier;	/* '+', '-', '~', '?' of the top-level
					 * record's "all", 0 if none */
};

/* Run check_host(); always fills report (free with spf_report_free). */
void		 spf_check_host(struct dns *, const struct spf_request *,
		    struct spf_report *);
void		 spf_report_free(struct spf_report *);
const char	*spf_result_name(enum spf_result);

#endif
