/*
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by
 * preference, hosts of equal preference in random order, each host's
 * addresses in turn (A, then AAAA); the domain itself as an implicit MX
 * when it has none; a null MX (RFC 7505) or a domain that does not exist
 * bounces at once; a lookup that fails (SERVFAIL, timeout) defers. Or the
 * relay: one host and port for everything.
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

#include "deliver_int.h"
#include "dns.h"

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

/*
 * Add the addresses of host (A, then AAAA). Returns 0 when it has some,
 * 1 when it has none, -1 when a lookup failed (*why set, static).
 */
static int
route_host(struct dns *dns, struct route *r, const char *host,
    unsigned int pref, int port, const char **why)
{
	static const enum dns_type	 types[] = { DNS_A, DNS_AAAA };
	struct dns_answer		 a;
	size_t				 i, k, before = r->n;
	int				 failed = 0;

	for (k = 0; k < nitems(types); k++) {
		memset(&a, 0, sizeof a);
		switch (dns_query(dns, host, types[k], &a)) {
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
	if (r->n > before)
		return 0;
	return failed ? -1 : 1;
}

/* Route mail for a domain through its MX hosts. */
void
route_mx(struct dns *dns, const char *domain, int port, struct route *r)
{
	struct dns_answer	 a;
	const char		*why = NULL;
	size_t			 i;
	int			 tempfail = 0, rc;

	memset(r, 0, sizeof r[0]);
	memset(&a, 0, sizeof a);
	if (!dns_name_valid(domain)) {
		route_fail(r, ROUTE_BOUNCE, "550 5.1.2", "'%s' is not a valid "
		    "domain name", domain);
		return;
	}
	switch (dns_query(dns, domain, DNS_MX, &a)) {
	case DNS_NXDOMAIN:
		route_fail(r, ROUTE_BOUNCE, "550 5.1.2", "the domain %s does "
		    "not exist (NXDOMAIN)", domain);
		break;
	case DNS_NODATA:
		/* No MX: the domain itself is the implicit MX. */
		rc = route_host(dns, r, domain, 0, port, &why);
		if (rc == -1)
			route_fail(r, ROUTE_DEFER, "451 4.4.3", "DNS: the "
			    "address lookup for %s failed (%s)", domain, why);
		else if (rc == 1)
			route_fail(r, ROUTE_BOUNCE, "550 5.1.2", "%s has no MX "
			    "and no address: it takes no mail", domain);
		break;
	case DNS_OK:
		for (i = 0; i < a.n; i++)
			if (*a.rr[i].u.mx.host == '\0') {
				route_fail(r, ROUTE_BOUNCE, "556 5.1.10", "%s "
				    "accepts no mail (null MX, RFC 7505)",
				    domain);
				goto out;
			}
		route_order(a.rr, a.n, route_rand, NULL);
		for (i = 0; i < a.n && r->n < ROUTE_MAX_TARGETS; i++)
			if (route_host(dns, r, a.rr[i].u.mx.host,
			    a.rr[i].u.mx.pref, port, &why) == -1)
				tempfail = 1;
		if (r->n != 0)
			break;
		if (tempfail)
			route_fail(r, ROUTE_DEFER, "451 4.4.3", "DNS: the "
			    "address lookups for the MX hosts of %s failed "
			    "(%s)", domain, why);
		else
			route_fail(r, ROUTE_BOUNCE, "550 5.4.4", "no MX host "
			    "of %s has an address", domain);
		break;
	default:
		route_fail(r, ROUTE_DEFER, "451 4.4.3", "DNS: the MX lookup "
		    "for %s failed (%s%s%s)", domain, dns_status_name(a.status),
		    a.why != NULL ? ": " : "", a.why != NULL ? a.why : "");
		break;
	}
out:
	dns_answer_free(&a);
}

/* Route everything through a relay. */
void
route_relay(struct dns *dns, const char *host, int port, struct route *r)
{
	struct in_addr	 in4;
	struct in6_addr	 in6;
	const char	*why = NULL;
	int		 rc;

	memset(r, 0, sizeof r[0]);
	if (inet_pton(AF_INET, host, &in4) == 1) {
		route_add(r, host, 0, AF_INET, &in4, port);
		return;
	}
	if (inet_pton(AF_INET6, host, &in6) == 1) {
		route_add(r, host, 0, AF_INET6, &in6, port);
		return;
	}
	rc = route_host(dns, r, host, 0, port, &why);
	if (rc == -1)
		route_fail(r, ROUTE_DEFER, "451 4.4.3", "DNS: the address "
		    "lookup for the relay %s failed (%s)", host, why);
	else if (rc == 1)
		route_fail(r, ROUTE_DEFER, "451 4.4.4", "the relay %s has no "
		    "address", host);
}

/* Free a route's targets. */
void
route_free(struct route *r)
{
	free(r->t);
	r->t = NULL;
	r->n = 0;
}
