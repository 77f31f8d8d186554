/*
 * The report's inputs when the operator names none: the address the
 * kernel sends from, the HELO name its PTR gives, the envelope sender,
 * the local DKIM selectors. The front end decides the precedence of its
 * options and settings and words the notes; these are the defaults.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/addr.h"
#include "dkim_types.h"
#include "dns.h"
#include "health.h"
#include "store/store.h"
#include "base/util.h"

/* The source address the kernel picks towards dst: connect() on a UDP
 * socket chooses a route and sends nothing. */
static int
health_route_to(int family, const char *dst, char *out, size_t outlen)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd, rc = -1;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		inet_pton(AF_INET, dst, &sin->sin_addr);
		len = sizeof *sin;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		inet_pton(AF_INET6, dst, &sin6->sin6_addr);
		len = sizeof *sin6;
	}
	if ((fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    inet_ntop(family, family == AF_INET ? (void *)&sin->sin_addr :
	    (void *)&sin6->sin6_addr, out, (socklen_t)outlen) != NULL)
		rc = 0;
	close(fd);
	return rc;
}

/* The kernel's source address towards the internet. */
int
health_route_source(char *out, size_t outlen)
{
	/* Documentation addresses (RFC 5737, 3849): only the route
	 * matters, nothing is sent. */
	if (health_route_to(AF_INET, "192.0.2.1", out, outlen) == 0 ||
	    health_route_to(AF_INET6, "2001:db8::1", out, outlen) == 0)
		return 0;
	return -1;
}

/* Is a (valid) IPv4 address private, so the internet sees another? */
int
health_ip_private(const char *ip)
{
	struct in_addr	a;
	uint32_t	h;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return 0;
	h = ntohl(a.s_addr);
	return (h >> 24) == 10 || (h >> 20) == (172 << 4 | 1) ||
	    (h >> 16) == (192 << 8 | 168) || (h >> 22) == (100 << 2 | 1);
}

/* Is s a plausible host name or address literal for HELO? */
int
health_helo_ok(const char *s)
{
	size_t	len = strlen(s), i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* The PTR name of ip, else the host name. */
char *
health_helo_default(struct dns *dns, const char *ip, int *host,
    enum dns_status *ptr)
{
	struct dns_answer	 a;
	char			 name[256], *rev, *helo = NULL;

	memset(&a, 0, sizeof a);
	a.status = DNS_ERROR;
	if ((rev = dns_reverse_name(ip)) != NULL) {
		if (dns_query(dns, rev, DNS_PTR, &a) == DNS_OK &&
		    health_helo_ok(a.rr[0].u.name))
			helo = xstrdup(a.rr[0].u.name);
		free(rev);
	}
	*host = helo == NULL;
	*ptr = a.status;
	if (helo == NULL) {
		if (gethostname(name, sizeof name) == -1)
			snprintf(name, sizeof name, "localhost");
		name[sizeof name - 1] = '\0';
		helo = xstrdup(name);
	}
	dns_answer_free(&a);
	return helo;
}

/* e, else From, else postmaster@domain. */
int
health_envelope(const char *e, const char *from, const char *domain,
    char *out, const char **reason)
{
	char		 name[ADDR_NAME_MAX + 1], *tmp;
	const char	*why;
	int		 rc;

	if (e != NULL && *e == '\0') {
		out[0] = '\0';	/* the null sender, as bounces use */
		return 0;
	}
	if (e != NULL)
		return addr_normalise(e, strlen(e), out, reason);
	if (from != NULL && addr_parse_mailbox(from, strlen(from), name, out,
	    &why) == 0)
		return 0;
	tmp = xprintf("postmaster@%s", domain);
	rc = addr_normalise(tmp, strlen(tmp), out, reason);
	free(tmp);
	return rc;
}

/* The local keys of domain the report checks. */
void
health_local_selectors(struct store *st, const char *domain,
    struct dkim_key **keys, size_t *nkeys, const char **sel, size_t max)
{
	char	*cause = NULL;
	size_t	 i, n = 0;

	if (st == NULL)
		return;
	if (store_dkim_keys(st, domain, keys, nkeys, &cause) == -1) {
		free(cause);
		return;
	}
	for (i = 0; i < *nkeys && n < max; i++)
		if (health_key_checked(&(*keys)[i]))
			sel[n++] = (*keys)[i].selector;
	sel[n] = NULL;
}
