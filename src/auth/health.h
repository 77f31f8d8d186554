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

#include "dns.h"		/* enum dns_status */

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
	int			 unanswered;	/* undecided: DNS did not answer
						 * (timeout, server failure) */
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

/* For the checks run beside this report (src/sts/own.h), which must show
 * DNS text and propose records as it does: */
#define HEALTH_TTL		3600	/* of every record a fix proposes */
/* s[0..len) made printable (\DDD escapes) and bounded, allocated. */
char		*health_clean(const char *s, size_t len);
char		*health_cleans(const char *s);
/* "OWNER. 3600 IN TXT "..."" for the value s, allocated. */
char		*health_txt_record(const char *owner, const char *s);
/* Is name a host name we can look up (LDH labels, '_' allowed)? */
int		 health_is_hostname(const char *name);
/* Lower-case copy without a trailing dot. */
char		*health_lower(const char *);

/* ---- the inputs when none is given (health_input.c) ---- */

/* The address the kernel sends from towards the internet (IPv4, else
 * IPv6) in out; -1 when there is no route. */
int		 health_route_source(char *out, size_t outlen);
/* Is ip a private IPv4 address (behind NAT the internet sees another)? */
int		 health_ip_private(const char *ip);
/* Is s a plausible host name or address literal for HELO? */
int		 health_helo_ok(const char *s);
/* The HELO name for ip: its PTR name, else (*host set) the host name;
 * *ptr is the status of the PTR lookup. Allocated. */
char		*health_helo_default(struct dns *, const char *ip, int *host,
		    enum dns_status *ptr);
/* The envelope sender in out (ADDR_MAX + 1 bytes): e ("": the null
 * sender), else the From address from (NULL or not parsing: skipped),
 * else postmaster@domain. -1 with *reason when e is not an address. */
int		 health_envelope(const char *e, const char *from,
		    const char *domain, char *out, const char **reason);
/* The local keys of domain the report checks when no selector is given
 * (health_key_checked), at most max, in sel (NULL-ended, pointing into
 * *keys: free them). Without a store, or when it cannot be read, none:
 * the report says what it finds. */
void		 health_local_selectors(struct store *, const char *domain,
		    struct dkim_key **keys, size_t *nkeys, const char **sel,
		    size_t max);

#endif
