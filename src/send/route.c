/*
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by
 * preference, hosts of equal preference in random order, each host's
 * addresses in turn (A, then AAAA); the domain itself as an implicit MX
 * when it has none; a null MX (RFC 7505) or a domain that does not exist
 * bounces at once; a lookup that fails (SERVFAIL, timeout) defers. Or the
 * relay: one host and port for everything.
 *
 * DANE (RFC 7672), when the resolver validates: the MX RRset must be
 * secure for its hosts' TLSA records to count; a host whose addresses are
 * secure has its TLSA looked up at _PORT._tcp.HOST, and secure, usable
 * records make TLS with a matching certificate mandatory for it. Insecure
 * data or a proven absence of TLSA means no DANE (the policy acts as
 * "may", as Postfix does); bogus data or a failed TLSA lookup means that
 * host is not used, so nothing goes out in plaintext to it.
 *
 * The lookups block: the engine runs these in its worker threads, each
 * with a resolver of its own.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "route.h"
#include "auth/dns.h"
#include "auth/dnssec.h"

/* Set a route's outcome other than ROUTE_OK. */
static void PRINTFLIKE(4, 5)
route_fail(struct route *r, enum route_status status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;

	r->status = status;
	r->code = atoi(code);
	snprintf(r->enhanced, sizeof r->enhanced, "%s", code + 4);
	va_start(ap, fmt);
	vsnprintf(r->reply, sizeof r->reply, fmt, ap);
	va_end(ap);
}

/* Order MX records: by preference, equal preferences shuffled. */
void
route_order(struct dns_record *rr, size_t n, route_rand_fn rnd, void *arg)
{
	struct dns_record	tmp;
	size_t			i, j, start, end;

	/* Insertion sort by preference (stable; n is small). */
	for (i = 1; i < n; i++) {
		tmp = rr[i];
		for (j = i; j > 0 && rr[j - 1].u.mx.pref > tmp.u.mx.pref; j--)
			rr[j] = rr[j - 1];
		rr[j] = tmp;
	}
	/* Fisher-Yates within each run of equal preference. */
	for (start = 0; start < n; start = end) {
		for (end = start + 1; end < n &&
		    rr[end].u.mx.pref == rr[start].u.mx.pref; end++)
			;
		for (i = end - 1; i > start; i--) {
			j = start + rnd(arg) % (i - start + 1);
			tmp = rr[i];
			rr[i] = rr[j];
			rr[j] = tmp;
		}
	}
}

/* glibc's arc4random, for route_order. */
static uint32_t
route_rand(void *arg)
{
	(void)arg;
	return arc4random();
}

/* Add a target. */
static void
route_add(struct route *r, const char *host, unsigned int pref, int family,
    const void *addr, int port)
{
	struct target		*t;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;

	if (r->n == ROUTE_MAX_TARGETS)
		return;
	r->t = xreallocarray(r->t, r->n + 1, sizeof *r->t);
	t = &r->t[r->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->host, sizeof t->host, "%s", host);
	t->pref = pref;
	if (family == AF_INET) {
		sin = (struct sockaddr_in *)&t->ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, addr, sizeof sin->sin_addr);
		t->sslen = sizeof *sin;
	} else {
		sin6 = (struct sockaddr_in6 *)&t->ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, addr, sizeof sin6->sin6_addr);
		t->sslen = sizeof *sin6;
	}
	inet_ntop(family, addr, t->ip, sizeof t->ip);
}

/* Free TLSA records. */
void
route_tlsa_free(struct tls_tlsa *t, size_t n)
{
	size_t	i;

	for (i = 0; t != NULL && i < n; i++)
		free(t[i].data);
	free(t);
}

/* The usable records of a TLSA answer (RFC 7672 section 3.1). */
struct tls_tlsa *
route_tlsa_usable(const struct dns_record *rr, size_t n, size_t *nout)
{
	struct tls_tlsa		*t = NULL;
	const unsigned char	*p;
	size_t			 i, len, k = 0;

	for (i = 0; i < n; i++) {
		if (rr[i].type != DNS_TLSA || rr[i].len < 4)
			continue;
		p = (const unsigned char *)rr[i].u.txt;
		len = rr[i].len - 3;
		/* PKIX-TA and PKIX-EE (0, 1) are not for SMTP. */
		if ((p[0] != 2 && p[0] != 3) || p[1] > 1 || p[2] > 2 ||
		    (p[2] == 1 && len != 32) || (p[2] == 2 && len != 64))
			continue;
		t = xreallocarray(t, k + 1, sizeof *t);
		t[k].usage = p[0];
		t[k].selector = p[1];
		t[k].mtype = p[2];
		t[k].data = xmalloc(len);
		memcpy(t[k].data, p + 3, len);
		t[k].len = len;
		k++;
	}
	*nout = k;
	return t;
}

/* Did the server answer (records, NODATA or NXDOMAIN)? */
static int
route_answered(const struct dns_answer *a)
{
	return a->status == DNS_OK || a->status == DNS_NODATA ||
	    a->status == DNS_NXDOMAIN;
}

/* What routing under DANE found wrong with a host, for the route's reply. */
struct route_dane {
	int	 on;		/* the resolver validates */
	int	 skipped;	/* a host left out for its TLSA or addresses */
	char	 why[300];
};

/* Give targets [from, r->n) of one host copies of its TLSA records. */
static void
route_set_tlsa(struct route *r, size_t from, const struct tls_tlsa *t,
    size_t n)
{
	struct target	*tg;
	size_t		 i, k;

	for (i = from; i < r->n; i++) {
		tg = &r->t[i];
		tg->tlsa = xreallocarray(NULL, n, sizeof *tg->tlsa);
		for (k = 0; k < n; k++) {
			tg->tlsa[k] = t[k];
			tg->tlsa[k].data = xmalloc(t[k].len);
			memcpy(tg->tlsa[k].data, t[k].data, t[k].len);
		}
		tg->ntlsa = n;
	}
}

/* Note a host DANE left out, and why. */
static void
route_dropped(struct route *r, const char *host, const char *why)
{
	if (r->ndrops == ROUTE_MAX_DROPS)
		return;
	snprintf(r->drops[r->ndrops].host, sizeof r->drops[0].host, "%s",
	    host);
	snprintf(r->drops[r->ndrops].why, sizeof r->drops[0].why, "%s", why);
	r->ndrops++;
}

/* Drop targets [from, r->n). */
static void
route_drop(struct route *r, size_t from)
{
	size_t	i;

	for (i = from; i < r->n; i++)
		route_tlsa_free(r->t[i].tlsa, r->t[i].ntlsa);
	r->n = from;
}

/*
 * The TLSA records of host, validated, on its targets [from, r->n). 0 when
 * done (with or without records), -1 when the host must not be used
 * (bogus or failed: dn->why says so).
 */
static int
route_tlsa(struct dns *dns, struct route *r, size_t from, const char *host,
    int port, struct route_dane *dn)
{
	struct dns_answer	 a;
	struct tls_tlsa		*t;
	enum dnssec_state	 sec;
	char			*name, *why = NULL;
	size_t			 n;
	int			 rc = 0;

	name = xprintf("_%d._tcp.%s", port, host);
	memset(&a, 0, sizeof a);
	sec = dnssec_query(dns, name, DNS_TLSA, &a, &why);
	switch (sec) {
	case DNSSEC_SECURE:
		if (a.status != DNS_OK)
			break;		/* proven absent: no DANE */
		if ((t = route_tlsa_usable(a.rr, a.n, &n)) != NULL) {
			route_set_tlsa(r, from, t, n);
			route_tlsa_free(t, n);
		} else {
			/* RFC 7672 2.2: secure TLSA records, none usable:
			 * TLS without authentication, but TLS. */
			for (n = from; n < r->n; n++)
				r->t[n].tls_required = 1;
		}
		break;
	case DNSSEC_INSECURE:
		break;
	case DNSSEC_BOGUS:
		snprintf(dn->why, sizeof dn->why, NT("TLSA lookup for %s: bogus "
		    "(DNSSEC validation failed: %s)"), name, why);
		rc = -1;
		break;
	case DNSSEC_FAILED:
		snprintf(dn->why, sizeof dn->why, NT("TLSA lookup for %s: failed "
		    "(%s)"), name, why);
		rc = -1;
		break;
	}
	free(why);
	free(name);
	dns_answer_free(&a);
	return rc;
}

/*
 * Add the addresses of host (A, then AAAA). Returns 0 when it has some,
 * 1 when it has none, -1 when a lookup failed (*why set, static), -2 when
 * DANE leaves the host out (dn->why says why). secure: the name that led
 * here (MX RRset, or the domain or relay name itself) is DNSSEC-secure, so
 * the host's TLSA records count.
 */
static int
route_host(struct dns *dns, struct route *r, const char *host,
    unsigned int pref, int port, int secure, struct route_dane *dn,
    const char **why)
{
	static const enum dns_type	 types[] = { DNS_A, DNS_AAAA };
	struct dns_answer		 a;
	enum dnssec_state		 sec;
	char				*swhy;
	size_t				 i, k, before = r->n;
	int				 failed = 0, bogus = 0;

	for (k = 0; k < nitems(types); k++) {
		memset(&a, 0, sizeof a);
		if (dn->on) {
			sec = dnssec_query(dns, host, types[k], &a, &swhy);
			/* FAILED with an answer: its proof could not be
			 * checked. */
			if ((sec == DNSSEC_BOGUS || (sec == DNSSEC_FAILED &&
			    route_answered(&a))) && !bogus) {
				bogus = 1;
				snprintf(dn->why, sizeof dn->why, NT("the address "
				    "lookup for %s: %s (DNSSEC validation "
				    "failed: %s)"), host, dnssec_state_name(sec),
				    swhy);
			}
			/* Only a provably unsigned answer turns DANE off: a
			 * failed lookup adds no address and proves nothing. */
			if (sec == DNSSEC_INSECURE)
				secure = 0;
			free(swhy);
		} else
			dns_query(dns, host, types[k], &a);
		switch (a.status) {
		case DNS_OK:
			for (i = 0; i < a.n; i++)
				route_add(r, host, pref, types[k] == DNS_A ?
				    AF_INET : AF_INET6, types[k] == DNS_A ?
				    (const void *)&a.rr[i].u.a :
				    (const void *)&a.rr[i].u.aaaa, port);
			break;
		case DNS_NODATA:
		case DNS_NXDOMAIN:
			break;
		default:
			failed = 1;
			*why = dns_status_name(a.status);
			break;
		}
		dns_answer_free(&a);
	}
	if (bogus) {
		/* Forged addresses could lead anywhere: not this host. */
		route_drop(r, before);
		route_dropped(r, host, dn->why);
		dn->skipped = 1;
		return -2;
	}
	if (r->n == before)
		return failed ? -1 : 1;
	if (dn->on && secure && route_tlsa(dns, r, before, host, port,
	    dn) == -1) {
		route_drop(r, before);
		route_dropped(r, host, dn->why);
		dn->skipped = 1;
		return -2;
	}
	return 0;
}

/* Route mail for a domain through its MX hosts. */
void
route_mx(struct dns *dns, const char *domain, int port, struct route *r)
{
	struct dns_answer	 a;
	struct route_dane	 dn;
	enum dnssec_state	 sec = DNSSEC_INSECURE;
	const char		*why = NULL;
	char			*swhy = NULL;
	size_t			 i;
	int			 tempfail = 0, rc;

	memset(r, 0, sizeof r[0]);
	memset(&a, 0, sizeof a);
	memset(&dn, 0, sizeof dn);
	dn.on = dnssec_enabled(dns);
	if (!dns_name_valid(domain)) {
		route_fail(r, ROUTE_BOUNCE, "550 5.1.2", NT("'%s' is not a valid "
		    "domain name"), domain);
		return;
	}
	if (dn.on) {
		sec = dnssec_query(dns, domain, DNS_MX, &a, &swhy);
		if (sec == DNSSEC_BOGUS || (sec == DNSSEC_FAILED &&
		    route_answered(&a))) {
			/* Neither the hosts nor a bounce can be trusted. */
			route_fail(r, ROUTE_DEFER, "451 4.7.5", NT("DNS: the MX "
			    "lookup for %s: %s (DNSSEC validation failed: "
			    "%s)"), domain, dnssec_state_name(sec), swhy);
			goto out;
		}
	} else
		dns_query(dns, domain, DNS_MX, &a);
	switch (a.status) {
	case DNS_NXDOMAIN:
		route_fail(r, ROUTE_BOUNCE, "550 5.1.2", NT("the domain %s does "
		    "not exist (NXDOMAIN)"), domain);
		break;
	case DNS_NODATA:
		/* No MX: the domain itself is the implicit MX. */
		rc = route_host(dns, r, domain, 0, port,
		    sec == DNSSEC_SECURE, &dn, &why);
		if (rc == -2)
			route_fail(r, ROUTE_DEFER, "451 4.7.5", "DANE: %s",
			    dn.why);
		else if (rc == -1)
			route_fail(r, ROUTE_DEFER, "451 4.4.3", NT("DNS: the "
			    "address lookup for %s failed (%s)"), domain, why);
		else if (rc == 1)
			route_fail(r, ROUTE_BOUNCE, "550 5.1.2", NT("%s has no MX "
			    "and no address: it takes no mail"), domain);
		break;
	case DNS_OK:
		for (i = 0; i < a.n; i++)
			if (*a.rr[i].u.mx.host == '\0') {
				route_fail(r, ROUTE_BOUNCE, "556 5.1.10", NT("%s "
				    "accepts no mail (null MX, RFC 7505)"),
				    domain);
				goto out;
			}
		route_order(a.rr, a.n, route_rand, NULL);
		for (i = 0; i < a.n && r->n < ROUTE_MAX_TARGETS; i++)
			if (route_host(dns, r, a.rr[i].u.mx.host,
			    a.rr[i].u.mx.pref, port, sec == DNSSEC_SECURE, &dn,
			    &why) == -1)
				tempfail = 1;
		if (r->n != 0)
			break;
		if (dn.skipped)
			route_fail(r, ROUTE_DEFER, "451 4.7.5", "DANE: %s",
			    dn.why);
		else if (tempfail)
			route_fail(r, ROUTE_DEFER, "451 4.4.3", NT("DNS: the "
			    "address lookups for the MX hosts of %s failed "
			    "(%s)"), domain, why);
		else
			route_fail(r, ROUTE_BOUNCE, "550 5.4.4", NT("no MX host "
			    "of %s has an address"), domain);
		break;
	default:
		route_fail(r, ROUTE_DEFER, "451 4.4.3", NT("DNS: the MX lookup "
		    "for %s failed (%s%s%s)"), domain, dns_status_name(a.status),
		    a.why != NULL ? ": " : "", a.why != NULL ? a.why : "");
		break;
	}
out:
	free(swhy);
	dns_answer_free(&a);
}

/* Route everything through a relay. */
void
route_relay(struct dns *dns, const char *host, int port, struct route *r)
{
	struct in_addr		 in4;
	struct in6_addr		 in6;
	struct route_dane	 dn;
	const char		*why = NULL;
	int			 rc;

	memset(r, 0, sizeof r[0]);
	memset(&dn, 0, sizeof dn);
	/* A relay named by address has no name for TLSA records. */
	dn.on = dnssec_enabled(dns);
	if (inet_pton(AF_INET, host, &in4) == 1) {
		route_add(r, host, 0, AF_INET, &in4, port);
		return;
	}
	if (inet_pton(AF_INET6, host, &in6) == 1) {
		route_add(r, host, 0, AF_INET6, &in6, port);
		return;
	}
	rc = route_host(dns, r, host, 0, port, 1, &dn, &why);
	if (rc == -2)
		route_fail(r, ROUTE_DEFER, "451 4.7.5", "DANE: %s", dn.why);
	else if (rc == -1)
		route_fail(r, ROUTE_DEFER, "451 4.4.3", NT("DNS: the address "
		    "lookup for the relay %s failed (%s)"), host, why);
	else if (rc == 1)
		route_fail(r, ROUTE_DEFER, "451 4.4.4", NT("the relay %s has no "
		    "address"), host);
}

/* Free a route's targets. */
void
route_free(struct route *r)
{
	route_drop(r, 0);
	free(r->t);
	r->t = NULL;
	r->n = 0;
}
