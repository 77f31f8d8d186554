/*
 * The health report's reverse DNS checks: the PTR of the sending address,
 * forward confirmation (FCrDNS), the HELO name, and whether the PTR name
 * is under the sender's own domain.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "health_int.h"
#include "base/i18n.h"

/* The reverse-lookup name of our address, allocated ("?" if none). */
static char *
health_rev(struct health_run *r)
{
	char	*rev = r->family != 0 ? dns_reverse_name(r->ip) : NULL;

	return rev != NULL ? rev : xstrdup("?");
}

/* A host name under the From domain to propose: the HELO name when it
 * is under the From domain's organisation, else mail.DOMAIN. */
static char *
health_own_host(struct health_run *r)
{
	char	*o;

	if (health_is_hostname(r->helo) && strchr(r->helo, '.') != NULL &&
	    (o = dmarc_org_domain(r->helo)) != NULL) {
		if (strcmp(o, r->org) == 0) {
			free(o);
			return xstrdup(r->helo);
		}
		free(o);
	}
	return xprintf("mail.%s", r->domain);
}

/* The host name to propose for the PTR: the confirmed one if any. */
static char *
health_suggest_host(struct health_run *r)
{
	if (r->fcrdns != NULL)
		return xstrdup(r->fcrdns);
	return health_own_host(r);
}

/* "REV. 3600 IN PTR HOST." and who to ask. */
static char *
health_ptr_fix(struct health_run *r, const char *host)
{
	char	*rev = health_rev(r), *s;

	s = xprintf(_("%s. %d IN PTR %s. (ask whoever runs %s, usually your "
	    "hosting provider)"), rev, HEALTH_TTL, host, r->ip);
	free(rev);
	return s;
}

/* PTR of the sending address. */
void
health_ptr(struct health_run *r)
{
	struct dns_answer	 a;
	struct buf		 obs;
	char			*title, *rev, *host, *s;
	size_t			 i;

	title = xprintf(_("PTR of %s"), r->ip);
	if (r->family == 0) {
		health_emit(r, "ptr", HEALTH_FAIL, title,
		    xprintf(_("'%s' is not an IP address"), r->ip), NULL);
		return;
	}
	rev = health_rev(r);
	if (health_query(r, rev, DNS_PTR, &a) != DNS_OK) {
		host = health_suggest_host(r);
		if (a.status == DNS_NXDOMAIN || a.status == DNS_NODATA)
			health_emit(r, "ptr", HEALTH_FAIL, title,
			    xprintf(_("no PTR record at %s"), rev),
			    health_ptr_fix(r, host));
		else {
			r->ptr_trouble = 1;
			health_emit(r, "ptr", HEALTH_FAIL, title,
			    health_dns_trouble(r, rev, &a), xprintf(_("make "
			    "sure the reverse DNS of %s answers (ask your "
			    "hosting provider)"), r->ip));
		}
		free(host);
		free(rev);
		dns_answer_free(&a);
		return;
	}
	buf_init(&obs);
	buf_printf(&obs, "%s PTR", rev);
	for (i = 0; i < a.n; i++) {
		s = health_cleans(a.rr[i].u.name);
		if (i < HEALTH_PTR_MAX) {
			buf_printf(&obs, "%s %s", i == 0 ? "" : ",", s);
			r->ptr[r->nptr++] = health_lower(a.rr[i].u.name);
		}
		free(s);
	}
	if (a.n > HEALTH_PTR_MAX)
		buf_printf(&obs, _(" and %zu more"), a.n - HEALTH_PTR_MAX);
	health_emit(r, "ptr", HEALTH_OK, title, buf_take(&obs), NULL);
	dns_answer_free(&a);
	free(rev);
}

/* Does an A or AAAA answer hold our address? */
static int
health_has_addr(struct health_run *r, const struct dns_answer *a)
{
	size_t	i;

	for (i = 0; a->status == DNS_OK && i < a->n; i++) {
		if (r->family == 4 && a->rr[i].type == DNS_A &&
		    memcmp(&a->rr[i].u.a, r->addr, 4) == 0)
			return 1;
		if (r->family == 6 && a->rr[i].type == DNS_AAAA &&
		    memcmp(&a->rr[i].u.aaaa, r->addr, 16) == 0)
			return 1;
	}
	return 0;
}

/* The addresses of an answer as text ("192.0.2.9, 192.0.2.10"). */
static void
health_addrs(struct buf *b, const struct dns_answer *a)
{
	char	text[INET6_ADDRSTRLEN];
	size_t	i;

	for (i = 0; i < a->n && i < 4; i++) {
		if (a->rr[i].type == DNS_A)
			inet_ntop(AF_INET, &a->rr[i].u.a, text, sizeof text);
		else if (a->rr[i].type == DNS_AAAA)
			inet_ntop(AF_INET6, &a->rr[i].u.aaaa, text,
			    sizeof text);
		else
			continue;
		buf_printf(b, "%s%s", i == 0 ? "" : ", ", text);
	}
	if (a->n > 4)
		buf_printf(b, _(" and %zu more"), a->n - 4);
}

/* Look up the address records of name for our family; *found is set
 * when they hold our address. Describes the outcome in b. */
static enum dns_status
health_forward(struct health_run *r, const char *name, int *found,
    struct buf *b)
{
	struct dns_answer	 a;
	enum dns_type		 t = r->family == 6 ? DNS_AAAA : DNS_A;
	enum dns_status		 st;
	char			*s = health_cleans(name);

	*found = 0;
	if (health_query(r, name, t, &a) == DNS_OK) {
		*found = health_has_addr(r, &a);
		buf_printf(b, "%s %s ", s, t == DNS_A ? "A" : "AAAA");
		health_addrs(b, &a);
	} else if (a.status == DNS_NXDOMAIN)
		buf_printf(b, _("%s does not exist"), s);
	else if (a.status == DNS_NODATA)
		buf_printf(b, _("%s has no %s record"), s, t == DNS_A ? "A" :
		    "AAAA");
	else {
		free(s);
		s = health_dns_trouble(r, name, &a);
		buf_adds(b, s);
	}
	free(s);
	st = a.status;
	dns_answer_free(&a);
	return st;
}

/* Forward-confirmed reverse DNS: a PTR name resolves back to the IP. */
void
health_fcrdns(struct health_run *r)
{
	struct buf		 obs;
	enum dns_status		 st, worst = DNS_OK;
	char			*title, *host, *name;
	size_t			 i;
	int			 found;

	title = xstrdup(_("Forward-confirmed reverse DNS"));
	if (r->ptr_trouble) {
		r->unanswered = 1;
		health_emit(r, "fcrdns", HEALTH_FAIL, title, xprintf(_("not "
		    "checked: DNS did not answer for the PTR of %s"), r->ip),
		    xstrdup(_("check again once DNS answers")));
		return;
	}
	if (r->nptr == 0) {
		host = health_suggest_host(r);
		health_emit(r, "fcrdns", HEALTH_FAIL, title, xprintf(_("no PTR "
		    "name to confirm")), xprintf(_("%s. %d IN %s %s (with the "
		    "PTR above)"), host, HEALTH_TTL, r->family == 6 ? "AAAA" :
		    "A", r->ip));
		free(host);
		return;
	}
	buf_init(&obs);
	for (i = 0; i < r->nptr; i++) {
		if (i != 0)
			buf_adds(&obs, "; ");
		if (!health_is_hostname(r->ptr[i])) {
			host = health_cleans(r->ptr[i]);
			buf_printf(&obs, _("'%s' is not a host name"), host);
			free(host);
			continue;
		}
		st = health_forward(r, r->ptr[i], &found, &obs);
		if (found) {
			r->fcrdns = xstrdup(r->ptr[i]);
			buf_reset(&obs);
			buf_printf(&obs, _("%s resolves back to %s"), r->fcrdns,
			    r->ip);
			health_emit(r, "fcrdns", HEALTH_OK, title,
			    buf_take(&obs), NULL);
			return;
		}
		if (st != DNS_OK && st != DNS_NXDOMAIN && st != DNS_NODATA)
			worst = st;
	}
	buf_printf(&obs, _(": no PTR name resolves back to %s"), r->ip);
	if (worst != DNS_OK)
		host = xstrdup(_("check again once DNS answers"));
	else if (health_is_hostname(r->ptr[0]))
		host = xprintf("%s. %d IN %s %s", r->ptr[0], HEALTH_TTL,
		    r->family == 6 ? "AAAA" : "A", r->ip);
	else {
		name = health_suggest_host(r);
		host = health_ptr_fix(r, name);
		free(name);
	}
	health_emit(r, "fcrdns", HEALTH_FAIL, title, buf_take(&obs), host);
}

/* The HELO name equals the PTR name (and resolves to the IP). */
void
health_helo(struct health_run *r)
{
	struct buf	 obs;
	enum dns_status	 st;
	char		*title, *h = health_cleans(r->helo), *fix, *host;
	size_t		 i;
	int		 found;

	title = xprintf(_("HELO name %s"), h);
	host = health_suggest_host(r);
	if (!health_is_hostname(r->helo) || strchr(r->helo, '.') == NULL) {
		health_emit(r, "helo", HEALTH_FAIL, title, xprintf(_("'%s' is "
		    "not a fully-qualified host name"), h), xprintf(_("use a "
		    "name that resolves to %s: herald config set helo %s"),
		    r->ip, host));
		goto out;
	}
	if (r->fcrdns != NULL && strcmp(r->helo, r->fcrdns) == 0) {
		health_emit(r, "helo", HEALTH_OK, title, xprintf(_("%s is the "
		    "PTR name of %s and resolves back to it"), h, r->ip), NULL);
		goto out;
	}
	for (i = 0; i < r->nptr; i++)
		if (strcmp(r->helo, r->ptr[i]) == 0)
			break;
	buf_init(&obs);
	st = health_forward(r, r->helo, &found, &obs);
	if (found && i < r->nptr) {
		/* Another of several PTR names, itself confirmed. */
		buf_free(&obs);
		health_emit(r, "helo", HEALTH_OK, title, xprintf(_("%s is a "
		    "PTR name of %s and resolves back to it"), h, r->ip), NULL);
	} else if (found) {
		if (r->fcrdns != NULL) {
			buf_printf(&obs, _(", but the PTR name of %s is %s"),
			    r->ip, r->fcrdns);
			fix = xprintf(_("use the PTR name: herald config set "
			    "helo %s"), r->fcrdns);
		} else {
			buf_printf(&obs, _(", but %s has no forward-confirmed "
			    "PTR name"), r->ip);
			fix = health_ptr_fix(r, r->helo);
		}
		health_emit(r, "helo", HEALTH_WARN, title, buf_take(&obs),
		    fix);
	} else if (st != DNS_OK && st != DNS_NXDOMAIN && st != DNS_NODATA)
		health_emit(r, "helo", HEALTH_FAIL, title, buf_take(&obs),
		    xstrdup(_("check again once DNS answers")));
	else {
		buf_printf(&obs, _(": not %s"), r->ip);
		if (r->fcrdns != NULL)
			fix = xprintf(_("use the PTR name: herald config set "
			    "helo %s"), r->fcrdns);
		else
			fix = xprintf("%s. %d IN %s %s", r->helo, HEALTH_TTL,
			    r->family == 6 ? "AAAA" : "A", r->ip);
		health_emit(r, "helo", HEALTH_FAIL, title, buf_take(&obs),
		    fix);
	}
out:
	free(host);
	free(h);
}

/* The PTR name is under the From domain's organisation. */
void
health_ptr_align(struct health_run *r)
{
	const char	*name = r->fcrdns;
	char		*title, *o, *n, *host, *rev;

	title = xprintf(_("PTR name under %s"), r->org);
	if (name == NULL && r->nptr != 0)
		name = r->ptr[0];
	if (name == NULL) {
		r->unanswered = r->ptr_trouble;
		health_emit(r, "ptr_align", HEALTH_WARN, title, r->ptr_trouble ?
		    xprintf(_("not checked: DNS did not answer for the PTR of "
		    "%s"), r->ip) : xprintf(_("%s has no PTR name (see PTR)"),
		    r->ip), NULL);
		return;
	}
	n = health_cleans(name);
	o = dmarc_org_domain(name);
	if (o != NULL && strcmp(o, r->org) == 0)
		health_emit(r, "ptr_align", HEALTH_OK, title, xprintf(_("%s is "
		    "under %s"), n, r->org), NULL);
	else {
		host = health_own_host(r);
		rev = health_rev(r);
		health_emit(r, "ptr_align", HEALTH_WARN, title, xprintf(_("%s "
		    "is not under %s: receivers trust a host named under the "
		    "sender's own domain"), n, r->org), xprintf(_("ask your "
		    "provider for %s. %d IN PTR %s. and publish %s. %d IN %s "
		    "%s"), rev, HEALTH_TTL, host, host, HEALTH_TTL,
		    r->family == 6 ? "AAAA" : "A", r->ip));
		free(rev);
		free(host);
	}
	free(o);
	free(n);
}

