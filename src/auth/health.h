/*
 * src/auth: whether mail from a domain will be trusted: DNS (ldns) and
 * DNSSEC, SPF (record, macros, evaluation), DKIM (keys, signing,
 * verifying, records), DMARC, and this report, which runs them all. It
 * may use src/base, src/store (DKIM keys) and src/mail (address syntax);
 * never src/smtp or src/send.
 *
 * The domain health report: is the sending host (IP, HELO) and the domain
 * (SPF, PTR, DKIM, DMARC, MX) set up so mail from it is trusted? Each check
 * is ok, warn or fail with what was observed and the one-line fix.
 */
#ifndef HERALD_HEALTH_H
#define HERALD_HEALTH_H

#include <stddef.h>

struct dns;
struct store;

enum health_status {
	HEALTH_OK,
	HEALTH_WARN,
	HEALTH_FAIL,
};

struct health_check {
	const char		*id;		/* stable, in this order: "spf",
						 * "ptr", "fcrdns", "helo",
						 * "ptr_align", "dmarc",
						 * "spf_align", "dkim_align",
						 * "dkim:SELECTOR" each (or "dkim"
						 * when there is none), "mx", and
						 * "bounce_mx" when the envelope-
						 * from domain is not the From
						 * domain */
	char			*title;		/* "SPF for 192.0.2.1 and example.org" */
	enum health_status	 status;
	char			*observed;	/* what was found, one line */
	char			*fix;		/* what to publish or change, or NULL */
};

struct health_input {
	const char	*domain;	/* the From domain */
	const char	*ip;		/* the sending address */
	const char	*helo;		/* the HELO name */
	const char	*envelope_from;	/* MAIL FROM address */
	const char	**selectors;	/* DKIM selectors to check, NULL-ended;
					 * NULL or empty: the local keys of
					 * domain that sign or await
					 * publication (none without a store) */
};

/* Called once per check as soon as it is decided (the console shows
 * progress); the check is freed after the call. */
typedef void (*health_cb)(const struct health_check *, void *arg);

/* Run every check. Returns the worst status (HEALTH_OK when all are ok). */
enum health_status health_run(struct dns *, struct store *,
		    const struct health_input *, health_cb, void *arg);
const char	*health_status_name(enum health_status);
struct dkim_key;
/* Is a local key checked when no selector is given (it signs, or awaits
 * publication)? */
int		 health_key_checked(const struct dkim_key *);
/* The organisational domain of name by the Public Suffix List, allocated. */
char		*health_org_domain(const char *name);

#endif
