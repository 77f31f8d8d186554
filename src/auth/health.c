/*
 * The domain health report: runs each check in turn and hands it to the
 * caller as soon as it is decided. This file has the run itself, SPF
 * and MX; health_rdns.c has reverse DNS (PTR, forward confirmation, HELO,
 * PTR alignment) and health_auth.c DMARC, alignment and DKIM.
 *
 * Everything that comes from DNS is hostile: it is shown only through
 * health_clean (printable ASCII, bounded) and put in a proposed record
 * only through health_zone_txt (zone-file escapes).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "health_int.h"
#include "base/i18n.h"

/* "ok", "warn" or "fail". */
const char *
health_status_name(enum health_status s)
{
	switch (s) {
	case HEALTH_OK:
		return "ok";
	case HEALTH_WARN:
		return "warn";
	case HEALTH_FAIL:
		return "fail";
	}
	return "?";
}

/* The organisational domain by the Public Suffix List. */
char *
health_org_domain(const char *name)
{
	return dmarc_org_domain(name);
}

/* Printable, bounded copy of s[0..len): bytes outside printable ASCII
 * become \DDD, a backslash \\, and more than HEALTH_SHOW_MAX bytes end in
 * "...". */
char *
health_clean(const char *s, size_t len)
{
	struct buf	b;
	size_t		i, n = len > HEALTH_SHOW_MAX ? HEALTH_SHOW_MAX : len;
	unsigned char	c;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\')
			buf_adds(&b, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(&b, "\\%03u", c);
		else
			buf_addc(&b, (char)c);
	}
	if (n < len)
		buf_adds(&b, "...");
	return buf_take(&b);
}

/* health_clean for a string (NULL: ""). */
char *
health_cleans(const char *s)
{
	return health_clean(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* Append s[0..len) as zone-file character-strings of at most 255 bytes,
 * '"' and '\' escaped and other bytes outside printable ASCII as \DDD. */
void
health_zone_txt(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		if (i != 0 && i % 255 == 0)
			buf_adds(b, "\" \"");
		dns_zone_byte(b, (unsigned char)s[i]);
	}
	buf_addc(b, '"');
}

/* A whole TXT record line for the zone of owner. */
char *
health_txt_record(const char *owner, const char *s)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "%s. %d IN TXT ", owner, HEALTH_TTL);
	health_zone_txt(&b, s, strlen(s));
	return buf_take(&b);
}

/* Is name made of LDH (and '_') labels of 1-63 bytes, 253 at most? */
int
health_is_hostname(const char *name)
{
	size_t	i, label = 0, len = name != NULL ? strlen(name) : 0;
	int	c;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)name[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label != 0;
}

/* Lower-case copy without a trailing dot. */
char *
health_lower(const char *s)
{
	size_t	 len = s != NULL ? strlen(s) : 0, i;
	char	*out;

	if (len > 0 && s[len - 1] == '.')
		len--;
	out = xstrndup(s != NULL ? s : "", len);
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

/* Give the check to the callback and free it. */
void
health_emit(struct health_run *r, const char *id, enum health_status status,
    char *title, char *observed, char *fix)
{
	struct health_check	c;

	c.id = id;
	c.title = title;
	c.status = status;
	c.observed = observed;
	c.fix = fix;
	c.unanswered = r->unanswered;
	r->unanswered = 0;
	if (status > r->worst)
		r->worst = status;
	if (r->cb != NULL)
		r->cb(&c, r->arg);
	free(title);
	free(observed);
	free(fix);
}

/* A lookup that gives up at once on a resolver that stopped answering. */
enum dns_status
health_query(struct health_run *r, const char *name, enum dns_type type,
    struct dns_answer *a)
{
	if (r->timeouts >= HEALTH_DEAD) {
		memset(a, 0, sizeof *a);
		a->status = DNS_TIMEOUT;
		return a->status;
	}
	dns_query(r->dns, name, type, a);
	if (a->status == DNS_TIMEOUT)
		r->timeouts++;
	else if (a->status != DNS_ERROR)
		r->timeouts = 0;
	return a->status;
}

/* Why there is no answer for name. */
char *
health_dns_trouble(struct health_run *r, const char *name,
    const struct dns_answer *a)
{
	char	*n = health_cleans(name), *why, *s;

	why = a->why != NULL ? health_cleans(a->why) : NULL;
	/* Said apart from the text, which may be in any language. */
	if (a->status == DNS_TIMEOUT || a->status == DNS_SERVFAIL)
		r->unanswered = 1;
	switch (a->status) {
	case DNS_TIMEOUT:
		if (why != NULL)
			s = xprintf(_("DNS did not answer for %s: timed out "
			    "(%s)"), n, why);
		else
			s = xprintf(_("DNS did not answer for %s: not asked, "
			    "the resolver %s timed out on the queries before"),
			    n, dns_describe(r->dns));
		break;
	case DNS_SERVFAIL:
		if (why != NULL)
			s = xprintf(_("DNS did not answer for %s (server "
			    "failure: %s)"), n, why);
		else
			s = xprintf(_("DNS did not answer for %s (server "
			    "failure)"), n);
		break;
	case DNS_ERROR:
		if (why != NULL)
			s = xprintf(_("could not look up %s: %s"), n, why);
		else
			s = xprintf(_("could not look up %s"), n);
		break;
	case DNS_NXDOMAIN:
		s = xprintf(_("%s does not exist"), n);
		break;
	default:
		s = xprintf(_("%s has no such record"), n);
		break;
	}
	free(why);
	free(n);
	return s;
}

/* ---- SPF ---- */

/* The SPF record's terms with ip4:/ip6: for our address after v=spf1, and
 * ~all/?all/+all made -all when harden is set; allocated. */
static char *
health_spf_fixed(struct health_run *r, const char *record, int add_ip,
    int harden, int drop_ptr)
{
	struct buf	 b;
	const char	*p = record, *e;
	size_t		 n;
	int		 first = 1;

	buf_init(&b);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		n = (size_t)(e - p);
		if (!first)
			buf_addc(&b, ' ');
		if (harden && (n == 3 || n == 4) && strncasecmp(e - 3, "all",
		    3) == 0 && (n == 3 || strchr("+~?-", *p) != NULL))
			buf_adds(&b, "-all");
		else if (drop_ptr && ((n >= 3 && strncasecmp(p, "ptr", 3) ==
		    0 && (n == 3 || p[3] == ':')) || (n >= 4 &&
		    strchr("+-~?", *p) != NULL && strncasecmp(p + 1, "ptr",
		    3) == 0 && (n == 4 || p[4] == ':')))) {
			if (!first)
				b.len--;
			b.data[b.len] = '\0';
			p = e;
			continue;
		} else
			buf_add(&b, p, n);
		if (first && add_ip)
			buf_printf(&b, " %s:%s", r->family == 6 ? "ip6" : "ip4",
			    r->ip);
		first = 0;
		p = e;
	}
	return buf_take(&b);
}

/* The content of an SPF (type 99) record of the envelope-from domain, when
 * it has no SPF in TXT: receivers ignore that type (RFC 7208 3.1), and au
 * says so. NULL when there is none. */
static char *
health_spf99(struct health_run *r)
{
	struct dns_answer	 a;
	char			*s = NULL;
	size_t			 i;

	if (health_query(r, r->env_domain, DNS_SPF, &a) == DNS_OK)
		for (i = 0; i < a.n && s == NULL; i++)
			if (a.rr[i].len >= 6 && strncasecmp(a.rr[i].u.txt,
			    "v=spf1", 6) == 0 && (a.rr[i].len == 6 ||
			    a.rr[i].u.txt[6] == ' '))
				s = xstrndup(a.rr[i].u.txt, a.rr[i].len);
	dns_answer_free(&a);
	return s;
}

/* Does record list our address as a term of its own (ip4:IP, ip6:IP)? */
static int
health_spf_lists_ip(struct health_run *r, const char *record)
{
	char		*term;
	const char	*p;
	size_t		 n;
	int		 found = 0;

	term = xprintf("%s:%s", r->family == 6 ? "ip6" : "ip4", r->ip);
	n = strlen(term);
	for (p = record; (p = strcasestr(p, term)) != NULL; p += n)
		if ((p == record || p[-1] == ' ' || (p - 1 > record &&
		    p[-1] == '+' && p[-2] == ' ')) && (p[n] == ' ' ||
		    p[n] == '\0'))
			found = 1;
	free(term);
	return found;
}

/* A proposed SPF record line for the envelope-from domain. */
static char *
health_spf_record(struct health_run *r, const char *value)
{
	return health_txt_record(r->env_domain, value);
}

/* SPF for (IP, envelope-from domain, HELO). */
static void
health_spf(struct health_run *r)
{
	struct spf_request	 q;
	struct spf_report	 rep;
	enum health_status	 st = HEALTH_OK;
	struct buf		 obs, warn;
	char			*title, *fix = NULL, *rec = NULL, *s, *v;
	int			 harden = 0, drop_ptr = 0;

	title = xprintf(_("SPF for %s and %s"), r->ip, r->env_domain);
	memset(&q, 0, sizeof q);
	q.ip = r->ip;
	q.domain = r->env_domain;
	q.sender = r->in->envelope_from;
	q.helo = r->helo;
	memset(&rep, 0, sizeof rep);
	spf_check_host(r->dns, &q, &rep);
	r->spf = rep.result;
	/* DNS trouble counts towards giving up on a dead resolver. */
	if (rep.result == SPF_TEMPERROR) {
		r->timeouts++;
		r->unanswered = 1;
	}
	buf_init(&obs);
	buf_init(&warn);
	if (rep.record != NULL)
		rec = health_cleans(rep.record);
	buf_adds(&obs, spf_result_name(rep.result));
	if (rep.result == SPF_TEMPERROR) {
		s = health_cleans(rep.problem);
		buf_printf(&obs, _(": DNS did not answer (%s)"), s);
		free(s);
	} else if (rep.result == SPF_PERMERROR) {
		s = health_cleans(rep.problem);
		buf_printf(&obs, ": %s", s);
		free(s);
	} else if (rep.result == SPF_NONE) {
		buf_printf(&obs, _(": %s publishes no SPF record"),
		    r->env_domain);
		if ((r->spf99 = health_spf99(r)) != NULL) {
			s = health_cleans(r->spf99);
			buf_printf(&obs, _("; only an SPF (type 99) record, "
			    "which receivers ignore: \"%s\""), s);
			free(s);
		}
	} else {
		s = health_cleans(rep.mechanism != NULL ? rep.mechanism :
		    _("no term matched (default)"));
		v = health_cleans(rep.matched_in);
		if (rep.matched_in != NULL && ascii_casecmp(rep.matched_in,
		    r->env_domain) != 0)
			buf_printf(&obs, _(" via %s in %s"), s, v);
		else
			buf_printf(&obs, _(" via %s"), s);
		free(s);
		free(v);
	}
	if (rep.result != SPF_NONE)
		buf_printf(&obs, _(", %d of 10 DNS lookups"), rep.lookups);
	if (rec != NULL)
		buf_printf(&obs, _("; record \"%s\""), rec);
	if (rep.explanation != NULL) {
		s = health_cleans(rep.explanation);
		buf_printf(&obs, _("; explanation \"%s\""), s);
		free(s);
	}

	switch (rep.result) {
	case SPF_PASS:
		if (rep.all_qualifier == '+') {
			st = HEALTH_FAIL;
			buf_adds(&warn, _("; +all lets every host on the "
			    "internet pass as this domain"));
			harden = 1;
		} else if (rep.all_qualifier == '~' ||
		    rep.all_qualifier == '?') {
			st = HEALTH_WARN;
			buf_printf(&warn, _("; ends in %call: forged mail is "
			    "only marked, not refused"), rep.all_qualifier);
			harden = 1;
		}
		if (rep.uses_ptr) {
			if (st == HEALTH_OK)
				st = HEALTH_WARN;
			buf_adds(&warn, _("; uses the deprecated ptr mechanism "
			    "(RFC 7208 5.5): slow, and some receivers skip it"));
			drop_ptr = 1;
		}
		if (rep.lookups > 8) {
			if (st == HEALTH_OK)
				st = HEALTH_WARN;
			buf_printf(&warn, _("; %d DNS lookups: close to the "
			    "limit of 10, past which SPF fails"), rep.lookups);
		}
		if ((harden || drop_ptr) && rep.record != NULL) {
			/* Neither dropping ptr nor hardening +all may lose
			 * the match that passed. */
			v = health_spf_fixed(r, rep.record,
			    rep.all_qualifier == '+' || (drop_ptr &&
			    rep.mechanism != NULL && strcasestr(rep.mechanism,
			    "ptr") != NULL), harden, drop_ptr);
			fix = health_spf_record(r, v);
			free(v);
		} else if (rep.lookups > 8)
			fix = xstrdup(_("flatten the record: replace include: "
			    "terms by the ip4:/ip6: ranges they list"));
		break;
	case SPF_TEMPERROR:
		st = HEALTH_FAIL;
		fix = xprintf(_("make sure the DNS servers of %s answer, then "
		    "check again"), r->env_domain);
		break;
	case SPF_PERMERROR:
		st = HEALTH_FAIL;
		s = health_cleans(rep.problem);
		fix = xprintf(_("correct the SPF record of %s: %s"),
		    r->env_domain, s);
		free(s);
		break;
	default:
		st = HEALTH_FAIL;
		/* A record published as type 99 only: the same, as TXT. */
		if (rep.record != NULL || r->spf99 != NULL) {
			v = rep.record != NULL ? health_spf_fixed(r,
			    rep.record, 1, 0, 0) : health_spf_fixed(r,
			    r->spf99, !health_spf_lists_ip(r, r->spf99), 0, 0);
			fix = health_spf_record(r, v);
			free(v);
		} else {
			v = xprintf("v=spf1 %s:%s -all", r->family == 6 ?
			    "ip6" : "ip4", r->ip);
			fix = health_spf_record(r, v);
			free(v);
		}
		break;
	}
	if (warn.len != 0)
		buf_add(&obs, warn.data, warn.len);
	if (st == HEALTH_FAIL && fix != NULL)
		r->spf_fix = xstrdup(fix);
	health_emit(r, "spf", st, title, buf_take(&obs), fix);
	buf_free(&warn);
	free(rec);
	spf_report_free(&rep);
}

/* ---- MX ---- */

/* Does one of the first MX hosts have an address? 1 yes, 0 no (why in
 * b), -1 DNS trouble (in b). */
static int
health_mx_hosts(struct health_run *r, const struct dns_answer *mx,
    struct buf *b)
{
	struct dns_answer	 a;
	const char		*h;
	char			*s;
	size_t			 i;
	int			 trouble = 0;

	for (i = 0; i < mx->n && i < 3; i++) {
		h = mx->rr[i].u.mx.host;
		if (!health_is_hostname(h))
			continue;
		if (health_query(r, h, DNS_A, &a) == DNS_NODATA) {
			dns_answer_free(&a);
			health_query(r, h, DNS_AAAA, &a);
		}
		if (a.status == DNS_OK) {
			dns_answer_free(&a);
			return 1;
		}
		s = a.status == DNS_NXDOMAIN || a.status == DNS_NODATA ?
		    xprintf(_("%s has no address"), h) :
		    health_dns_trouble(r, h, &a);
		if (a.status != DNS_NXDOMAIN && a.status != DNS_NODATA)
			trouble = 1;
		buf_printf(b, "%s%s", b->len == 0 ? "" : "; ", s);
		free(s);
		dns_answer_free(&a);
	}
	if (b->len == 0)
		buf_adds(b, _("no MX host is a valid host name"));
	return trouble ? -1 : 0;
}

/* MX of domain, so that replies (and bounces) can arrive. */
static void
health_mx(struct health_run *r, const char *id, const char *domain,
    const char *what)
{
	struct dns_answer	 mx, a;
	struct buf		 obs;
	char			*title, *s, *fix;
	size_t			 i, null = 0;
	int			 rc;

	title = xprintf(_("MX of %s (%s)"), domain, what);
	fix = xprintf(_("%s. %d IN MX 10 mail.%s. (mail.%s: the host that "
	    "receives your mail)"), domain, HEALTH_TTL, domain, domain);
	buf_init(&obs);
	if (health_query(r, domain, DNS_MX, &mx) == DNS_OK) {
		for (i = 0; i < mx.n; i++) {
			s = health_cleans(mx.rr[i].u.mx.host);
			if (i < 4)
				buf_printf(&obs, "%s%u %s", i == 0 ? "" : ", ",
				    mx.rr[i].u.mx.pref, *s != '\0' ? s : ".");
			if (mx.rr[i].u.mx.host[0] == '\0' ||
			    strcmp(mx.rr[i].u.mx.host, ".") == 0)
				null++;
			free(s);
		}
		if (mx.n > 4)
			buf_printf(&obs, _(" and %zu more"), mx.n - 4);
		if (null != 0) {
			buf_printf(&obs, _(": a null MX (RFC 7505): %s says it "
			    "receives no mail, so %s are lost"), domain, what);
			health_emit(r, id, HEALTH_FAIL, title, buf_take(&obs),
			    fix);
		} else if ((rc = health_mx_hosts(r, &mx, &obs)) == 1) {
			health_emit(r, id, HEALTH_OK, title, buf_take(&obs),
			    NULL);
			free(fix);
		} else {
			s = xprintf("%s", obs.data);
			buf_reset(&obs);
			free(fix);
			fix = xstrdup(rc == -1 ? _("check again once DNS "
			    "answers") : _("give the MX host an address, or "
			    "point the MX at the host that receives your "
			    "mail"));
			health_emit(r, id, HEALTH_FAIL, title, s, fix);
		}
	} else if (mx.status == DNS_NODATA) {
		if (health_query(r, domain, r->family == 6 ? DNS_AAAA : DNS_A,
		    &a) == DNS_OK) {
			buf_printf(&obs, _("no MX: mail for %s goes to its "
			    "address record (implicit MX)"), domain);
			free(fix);
			fix = xprintf("%s. %d IN MX 10 %s.", domain, HEALTH_TTL,
			    domain);
			health_emit(r, id, HEALTH_WARN, title, buf_take(&obs),
			    fix);
		} else if (a.status == DNS_NODATA || a.status == DNS_NXDOMAIN) {
			buf_printf(&obs, _("no MX and no address: %s cannot "
			    "arrive"), what);
			health_emit(r, id, HEALTH_FAIL, title, buf_take(&obs),
			    fix);
		} else {
			free(fix);
			health_emit(r, id, HEALTH_FAIL, title,
			    health_dns_trouble(r, domain, &a),
			    xstrdup(_("check again once DNS answers")));
		}
		dns_answer_free(&a);
	} else if (mx.status == DNS_NXDOMAIN) {
		buf_printf(&obs, _("%s does not exist in DNS: %s cannot "
		    "arrive"), domain, what);
		health_emit(r, id, HEALTH_FAIL, title, buf_take(&obs), fix);
	} else {
		free(fix);
		health_emit(r, id, HEALTH_FAIL, title,
		    health_dns_trouble(r, domain, &mx),
		    xstrdup(_("check again once DNS answers")));
	}
	buf_free(&obs);
	dns_answer_free(&mx);
}

/* ---- the run ---- */

/* Parse the sending address (an IPv4-mapped IPv6 address counts as
 * IPv4) and write it back in its usual form. */
static void
health_set_ip(struct health_run *r, const char *ip)
{
	char	text[INET6_ADDRSTRLEN];

	if (ip != NULL && inet_pton(AF_INET, ip, r->addr) == 1)
		r->family = 4;
	else if (ip != NULL && inet_pton(AF_INET6, ip, r->addr) == 1) {
		r->family = 6;
		if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)r->addr)) {
			memmove(r->addr, r->addr + 12, 4);
			r->family = 4;
		}
	}
	if (r->family != 0 && inet_ntop(r->family == 4 ? AF_INET : AF_INET6,
	    r->addr, text, sizeof text) != NULL)
		r->ip = xstrdup(text);
	else {
		r->family = 0;
		r->ip = health_cleans(ip);
	}
}

/* Run every check in order. */
enum health_status
health_run(struct dns *dns, struct store *store, const struct health_input *in,
    health_cb cb, void *arg)
{
	struct health_run	 r;
	const char		*at, *ef = in->envelope_from;
	size_t			 i;

	memset(&r, 0, sizeof r);
	r.dns = dns;
	r.store = store;
	r.in = in;
	r.cb = cb;
	r.arg = arg;
	r.worst = HEALTH_OK;
	r.domain = health_lower(in->domain);
	if ((r.org = dmarc_org_domain(r.domain)) == NULL)
		r.org = xstrdup(r.domain);
	r.helo = health_lower(in->helo);
	if (ef == NULL || *ef == '\0')
		r.env_domain = xstrdup(r.helo);
	else if ((at = strrchr(ef, '@')) != NULL)
		r.env_domain = health_lower(at + 1);
	else
		r.env_domain = health_lower(ef);
	health_set_ip(&r, in->ip);
	health_load_keys(&r);

	health_spf(&r);
	health_ptr(&r);
	health_fcrdns(&r);
	health_helo(&r);
	health_ptr_align(&r);
	health_dmarc(&r);
	health_spf_align(&r);
	health_dkim_align(&r);
	health_dkim(&r);
	health_mx(&r, "mx", r.domain, strcmp(r.env_domain, r.domain) == 0 ?
	    _("replies and bounces") : _("replies"));
	if (strcmp(r.env_domain, r.domain) != 0)
		health_mx(&r, "bounce_mx", r.env_domain, _("bounces"));
	health_jp(&r);

	for (i = 0; i < r.nptr; i++)
		free(r.ptr[i]);
	if (r.have_dmarc)
		dmarc_record_free(&r.dmarc);
	health_free_keys(&r);
	free(r.spf_fix);
	free(r.spf99);
	free(r.weak_sel);
	free(r.fcrdns);
	free(r.domain);
	free(r.org);
	free(r.helo);
	free(r.env_domain);
	free(r.ip);
	return r.worst;
}
