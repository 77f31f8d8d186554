/*
 * SPF: RFC 7208 check_host().
 *
 * A record is parsed whole before anything is evaluated (a syntax error
 * anywhere is a permerror), then its mechanisms are tried in order. The
 * limits of section 4.6.4 are kept across the whole check: 10 terms that
 * query DNS (include, a, mx, ptr, exists, redirect; and the PTR query of
 * a %{p} outside the explanation), 2 void lookups (a term's lookup
 * answered NXDOMAIN or with no records), 10 MX names per mx (more is a
 * permerror) and 10 PTR names per ptr or %{p} (the rest are ignored).
 * The whole check stops with temperror after SPF_TIME_LIMIT seconds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "spf.h"
#include "spf_int.h"
#include "base/util.h"
#include "base/i18n.h"

#define SPF_MAX_LOOKUPS	10
#define SPF_MAX_VOID	2
#define SPF_MAX_MX	10
#define SPF_MAX_PTR	10
#define SPF_TIME_LIMIT	30	/* seconds (RFC 7208 4.6.4: at least 20) */

/* What one check_host() level found. */
struct spf_out {
	enum spf_result	 result;
	char		*term;		/* the deciding term of this record */
	char		*where;		/* domain whose record decided */
	char		*exp;		/* exp= domain-spec in effect (fail) */
	char		*exp_domain;	/* the domain of that record */
};

/* The state of one check_host() run. */
struct spf_ctx {
	struct dns		*dns;
	struct spf_report	*rep;
	int			 v6;
	unsigned char		 ip[16];	/* 4 bytes for IPv4 */
	char			 ip_i[80], ip_c[48], t[24];
	char			*s, *l, *o;
	const char		*h, *r;
	int			 level;		/* include depth */
	time_t			 deadline;
	/* PTR names of the client, for ptr and %{p}: looked up once */
	int			 ptr_done;
	enum dns_status		 ptr_status;
	char			*ptr[SPF_MAX_PTR];
	size_t			 nptr;
	signed char		 ptr_ok[SPF_MAX_PTR];	/* -1: not checked */
	char			*p_value;
	int			 in_exp;	/* expanding the explanation */
	int			 p_over;	/* %{p}'s query passed the limit */
};

static enum spf_result	spf_check(struct spf_ctx *, const char *, int,
			    struct spf_out *);

/* Result names. */
const char *
spf_result_name(enum spf_result r)
{
	static const char *const names[] = { "none", "neutral", "pass",
	    "fail", "softfail", "temperror", "permerror" };

	return (size_t)r < nitems(names) ? names[r] : "?";
}

/* Record a problem (the first one is kept: it is the deepest) and set
 * out's result; returns -1 for the caller to pass on. */
static int
spf_error(struct spf_ctx *x, struct spf_out *out, enum spf_result res,
    const char *fmt, ...) PRINTFLIKE(4, 5);
static int
spf_error(struct spf_ctx *x, struct spf_out *out, enum spf_result res,
    const char *fmt, ...)
{
	va_list	ap;

	out->result = res;
	if (x->rep->problem == NULL) {
		va_start(ap, fmt);
		x->rep->problem = xvprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Free what an spf_out holds. */
static void
spf_out_free(struct spf_out *o)
{
	free(o->term);
	free(o->where);
	free(o->exp);
	free(o->exp_domain);
	memset(o, 0, sizeof *o);
}

/* Can a name built from SPF text be queried: labels of 1-63 bytes, 253
 * bytes in all, one trailing dot allowed? */
static int
spf_name_ok(const char *name)
{
	size_t	len = strlen(name), lab = 0, i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > SPF_DOMAIN_MAX)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || name[i] == '.') {
			if (lab == 0 || lab > 63)
				return 0;
			lab = 0;
		} else
			lab++;
	}
	return 1;
}

/* Is name a domain check_host() can work on (RFC 7208 4.3): a valid
 * multi-label name whose last label is a toplabel? */
static int
spf_domain_ok(const char *name)
{
	const char	*last;
	size_t		 len = strlen(name);

	if (!spf_name_ok(name))
		return 0;
	if (name[len - 1] == '.')
		len--;
	for (last = name + len; last > name && last[-1] != '.'; last--)
		;
	return last != name && spf_toplabel_ok(last,
	    (size_t)(name + len - last));
}

/*
 * One DNS query. raw names come from SPF text, where a backslash is just a
 * character; names from answers are already in dns.h's escaped form.
 */
static enum dns_status
spf_lookup(struct spf_ctx *x, const char *name, int raw, enum dns_type type,
    struct dns_answer *a)
{
	struct buf	 q;
	const char	*p;

	if (time(NULL) > x->deadline) {
		memset(a, 0, sizeof *a);
		a->status = DNS_TIMEOUT;
		a->why = xprintf(_("the check took longer than %d s"),
		    SPF_TIME_LIMIT);
		return DNS_TIMEOUT;
	}
	if (!raw)
		return dns_query(x->dns, name, type, a);
	buf_init(&q);
	for (p = name; *p != '\0'; p++) {
		if (*p == '\\')
			buf_addc(&q, '\\');
		buf_addc(&q, *p);
	}
	dns_query(x->dns, q.data != NULL ? q.data : "", type, a);
	buf_free(&q);
	return a->status;
}

/* Is the first bits of a equal to b's? */
static int
spf_cidr(const unsigned char *a, const unsigned char *b, int bits)
{
	int	full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ b[full]) & (0xff00 >> rest)) == 0;
}

/* Count a DNS-querying term; a permerror past the limit. */
static int
spf_count(struct spf_ctx *x, struct spf_out *out)
{
	if (++x->rep->lookups > SPF_MAX_LOOKUPS)
		return spf_error(x, out, SPF_PERMERROR, _("more than %d DNS "
		    "lookups"), SPF_MAX_LOOKUPS);
	return 0;
}

/* Count a void lookup; a permerror past the limit. */
static int
spf_void(struct spf_ctx *x, struct spf_out *out, const char *name)
{
	if (++x->rep->void_lookups > SPF_MAX_VOID)
		return spf_error(x, out, SPF_PERMERROR, _("more than %d void "
		    "lookups (the last for %.300s)"), SPF_MAX_VOID, name);
	return 0;
}

/* A temperror for a failed lookup. */
static int
spf_dns_error(struct spf_ctx *x, struct spf_out *out, const char *name,
    const struct dns_answer *a)
{
	return spf_error(x, out, SPF_TEMPERROR, _("DNS lookup of %.300s "
	    "failed: %s"), name, a->why != NULL ? a->why :
	    dns_status_name(a->status));
}

/*
 * Compare the client with the addresses of name (A or AAAA, as the client
 * is), under a prefix. 1 match, 0 none; -1 with a->status an error. *void
 * says the name has no such address.
 */
static int
spf_addr_match(struct spf_ctx *x, const char *name, int raw, int bits,
    struct dns_answer *a, int *isvoid)
{
	size_t	i;
	int	st;

	*isvoid = 0;
	st = spf_lookup(x, name, raw, x->v6 ? DNS_AAAA : DNS_A, a);
	if (st == DNS_NXDOMAIN || st == DNS_NODATA) {
		*isvoid = 1;
		return 0;
	}
	if (st != DNS_OK)
		return -1;
	for (i = 0; i < a->n; i++)
		if (spf_cidr(x->ip, x->v6 ? a->rr[i].u.aaaa.s6_addr :
		    (const unsigned char *)&a->rr[i].u.a, bits))
			return 1;
	return 0;
}

/* The client's PTR names (the first SPF_MAX_PTR), looked up once. */
static void
spf_ptr_lookup(struct spf_ctx *x)
{
	struct dns_answer	 a;
	char			*rev, ipstr[INET6_ADDRSTRLEN];
	size_t			 i;

	if (x->ptr_done)
		return;
	x->ptr_done = 1;
	inet_ntop(x->v6 ? AF_INET6 : AF_INET, x->ip, ipstr, sizeof ipstr);
	rev = dns_reverse_name(ipstr);
	x->ptr_status = spf_lookup(x, rev, 0, DNS_PTR, &a);
	for (i = 0; x->ptr_status == DNS_OK && i < a.n &&
	    x->nptr < SPF_MAX_PTR; i++) {
		x->ptr_ok[x->nptr] = -1;
		x->ptr[x->nptr++] = xstrdup(a.rr[i].u.name);
	}
	dns_answer_free(&a);
	free(rev);
}

/* Is PTR name i validated: does it resolve back to the client? DNS
 * errors skip the name (RFC 7208 5.5). */
static int
spf_ptr_valid(struct spf_ctx *x, size_t i)
{
	struct dns_answer	a;
	int			isvoid;

	if (x->ptr_ok[i] == -1) {
		x->ptr_ok[i] = spf_addr_match(x, x->ptr[i], 0, x->v6 ? 128 :
		    32, &a, &isvoid) == 1;
		dns_answer_free(&a);
	}
	return x->ptr_ok[i];
}

/* Is name domain (exact 1) or a subdomain of it (2), ignoring case and a
 * trailing dot? 0 if neither. */
static int
spf_in_domain(const char *name, const char *domain)
{
	size_t	nl = strlen(name), dl = strlen(domain);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (dl == 0 || nl < dl || strncasecmp(name + nl - dl, domain, dl) != 0)
		return 0;
	if (nl == dl)
		return 1;
	return name[nl - dl - 1] == '.' ? 2 : 0;
}

/* %{p}: a validated name of the client, preferring domain itself, then a
 * subdomain of it, then any; "unknown" without one. */
static const char *
spf_macro_p(void *arg, const char *domain)
{
	struct spf_ctx	*x = arg;
	const char	*pick = NULL;
	size_t		 i;

	x->rep->uses_ptr = 1;
	/* Its PTR query counts among the 10 (RFC 7208 4.6.4), except for
	 * the explanation, which comes after the result. */
	if (!x->ptr_done && !x->in_exp &&
	    ++x->rep->lookups > SPF_MAX_LOOKUPS) {
		x->p_over = 1;
		return "unknown";
	}
	spf_ptr_lookup(x);
	for (i = 0; pick == NULL && i < x->nptr; i++)
		if (spf_in_domain(x->ptr[i], domain) == 1 &&
		    spf_ptr_valid(x, i))
			pick = x->ptr[i];
	for (i = 0; pick == NULL && i < x->nptr; i++)
		if (spf_in_domain(x->ptr[i], domain) && spf_ptr_valid(x, i))
			pick = x->ptr[i];
	for (i = 0; pick == NULL && i < x->nptr; i++)
		if (spf_ptr_valid(x, i))
			pick = x->ptr[i];
	free(x->p_value);
	x->p_value = xstrdup(pick != NULL ? pick : "unknown");
	return x->p_value;
}

/* Expand s[0..len) for the record of domain. */
static int
spf_expand(struct spf_ctx *x, const char *domain, const char *s, size_t len,
    enum spf_mkind kind, struct buf *out, char **why)
{
	struct spf_macros	m;

	memset(&m, 0, sizeof m);
	m.s = x->s;
	m.l = x->l;
	m.o = x->o;
	m.d = domain;
	m.i = x->ip_i;
	m.c = x->ip_c;
	m.v = x->v6 ? "ip6" : "in-addr";
	m.h = x->h;
	m.r = x->r;
	m.t = x->t;
	m.p = spf_macro_p;
	m.arg = x;
	return spf_macro_expand(&m, s, len, kind, out, why);
}

/* The target name of a term: its domain-spec expanded, or domain. */
static char *
spf_target(struct spf_ctx *x, const char *domain, const struct spf_term *t,
    struct spf_out *out)
{
	struct buf	 b;
	char		*why = NULL;

	if (t->spec == NULL)
		return xstrdup(domain);
	buf_init(&b);
	if (spf_expand(x, domain, t->spec, t->speclen, SPF_MK_DOMAIN, &b,
	    &why) == -1) {
		spf_error(x, out, SPF_PERMERROR, "%s: '%.100s': %s", domain,
		    t->text, why);
		free(why);
		buf_free(&b);
		return NULL;
	}
	if (x->p_over) {
		spf_error(x, out, SPF_PERMERROR, _("more than %d DNS lookups "
		    "(with %%{p})"), SPF_MAX_LOOKUPS);
		buf_free(&b);
		return NULL;
	}
	spf_domain_fit(&b);
	return buf_take(&b);
}

/* mx: the addresses of the target's MX hosts. */
static int
spf_match_mx(struct spf_ctx *x, const char *target, const struct spf_term *t,
    struct spf_out *out)
{
	struct dns_answer	 mx, a;
	size_t			 i;
	int			 rc = 0, isvoid, bits;

	bits = x->v6 ? t->cidr6 : t->cidr4;
	switch (spf_lookup(x, target, 1, DNS_MX, &mx)) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		dns_answer_free(&mx);
		return spf_void(x, out, target);
	default:
		rc = spf_dns_error(x, out, target, &mx);
		dns_answer_free(&mx);
		return rc;
	}
	if (mx.n > SPF_MAX_MX)
		rc = spf_error(x, out, SPF_PERMERROR, _("%.300s has %zu MX "
		    "records (at most %d may be looked up)"), target, mx.n,
		    SPF_MAX_MX);
	for (i = 0; rc == 0 && i < mx.n; i++) {
		if (*mx.rr[i].u.mx.host == '\0')
			continue;	/* null MX (RFC 7505) */
		rc = spf_addr_match(x, mx.rr[i].u.mx.host, 0, bits, &a,
		    &isvoid);
		if (rc == -1)
			spf_dns_error(x, out, mx.rr[i].u.mx.host, &a);
		dns_answer_free(&a);
	}
	dns_answer_free(&mx);
	return rc;
}

/* ptr: a validated PTR name of the client within the target. */
static int
spf_match_ptr(struct spf_ctx *x, const char *target, struct spf_out *out)
{
	size_t	i;

	x->rep->uses_ptr = 1;
	spf_ptr_lookup(x);
	if (x->ptr_status == DNS_NXDOMAIN || x->ptr_status == DNS_NODATA)
		return spf_void(x, out, _("the client's PTR"));
	for (i = 0; i < x->nptr; i++)
		if (spf_in_domain(x->ptr[i], target) && spf_ptr_valid(x, i))
			return 1;
	return 0;	/* a DNS error on the PTR lookup is no match */
}

/* include: a recursive check_host() that must pass. */
static int
spf_match_include(struct spf_ctx *x, const char *target, struct spf_out *out)
{
	struct spf_out	in;
	int		rc;

	memset(&in, 0, sizeof in);
	x->level++;
	spf_check(x, target, 0, &in);
	x->level--;
	switch (in.result) {
	case SPF_PASS:
		rc = 1;
		break;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		spf_out_free(&in);
		return 0;
	case SPF_NONE:
		rc = spf_error(x, out, SPF_PERMERROR, _("include:%.300s: no "
		    "SPF record there"), target);
		break;
	default:
		rc = -1;
		out->result = in.result;
		break;
	}
	free(out->where);
	out->where = in.where != NULL ? in.where : xstrdup(target);
	in.where = NULL;
	spf_out_free(&in);
	return rc;
}

/* Does one mechanism match? 1 yes, 0 no, -1 error (out->result set). */
static int
spf_match(struct spf_ctx *x, const char *domain, const struct spf_term *t,
    struct spf_out *out)
{
	struct dns_answer	 a;
	char			*target;
	int			 rc, isvoid;

	if (t->mech == SPF_M_ALL)
		return 1;
	if (t->mech == SPF_M_IP4 || t->mech == SPF_M_IP6)
		return (t->mech == SPF_M_IP6) == x->v6 && spf_cidr(x->ip,
		    t->net, t->mech == SPF_M_IP6 ? t->cidr6 : t->cidr4);
	if (spf_count(x, out) == -1)
		return -1;
	if ((target = spf_target(x, domain, t, out)) == NULL)
		return -1;
	if (t->mech == SPF_M_INCLUDE) {
		rc = spf_match_include(x, target, out);
		free(target);
		return rc;
	}
	if (!spf_name_ok(target)) {
		/* Not a name DNS can hold: it does not exist. */
		free(target);
		return 0;
	}
	memset(&a, 0, sizeof a);
	switch (t->mech) {
	case SPF_M_A:
		rc = spf_addr_match(x, target, 1, x->v6 ? t->cidr6 : t->cidr4,
		    &a, &isvoid);
		if (rc == -1)
			spf_dns_error(x, out, target, &a);
		else if (isvoid)
			rc = spf_void(x, out, target);
		break;
	case SPF_M_MX:
		rc = spf_match_mx(x, target, t, out);
		break;
	case SPF_M_PTR:
		rc = spf_match_ptr(x, target, out);
		break;
	default:	/* exists: any A record, whatever the client is */
		rc = spf_lookup(x, target, 1, DNS_A, &a);
		if (rc == DNS_OK)
			rc = 1;
		else if (rc == DNS_NXDOMAIN || rc == DNS_NODATA)
			rc = spf_void(x, out, target);
		else
			rc = spf_dns_error(x, out, target, &a);
		break;
	}
	dns_answer_free(&a);
	free(target);
	return rc;
}

/* Find domain's one SPF record (RFC 7208 4.4, 4.5). Returns 0 with the
 * record, or -1 with out->result none, temperror or permerror. */
static int
spf_fetch(struct spf_ctx *x, const char *domain, struct spf_out *out,
    char **rec, size_t *len)
{
	struct dns_answer	 a;
	size_t			 i, found = 0;
	int			 rc = 0;

	*rec = NULL;
	*len = 0;
	switch (spf_lookup(x, domain, 1, DNS_TXT, &a)) {
	case DNS_OK:
		for (i = 0; i < a.n; i++) {
			if (a.rr[i].len < 6 || strncasecmp(a.rr[i].u.txt,
			    "v=spf1", 6) != 0 || (a.rr[i].len > 6 &&
			    a.rr[i].u.txt[6] != ' '))
				continue;
			if (found++ == 0) {
				*rec = a.rr[i].u.txt;
				*len = a.rr[i].len;
				a.rr[i].u.txt = NULL;
			}
		}
		if (found > 1)
			rc = spf_error(x, out, SPF_PERMERROR, _("%.300s has "
			    "%zu SPF records (one is allowed)"), domain, found);
		else if (found == 0)
			rc = spf_error(x, out, SPF_NONE, _("%.300s has no SPF "
			    "record"), domain);
		break;
	case DNS_NXDOMAIN:
		rc = spf_error(x, out, SPF_NONE, _("%.300s does not exist"),
		    domain);
		break;
	case DNS_NODATA:
		rc = spf_error(x, out, SPF_NONE, _("%.300s has no SPF record"),
		    domain);
		break;
	default:
		rc = spf_dns_error(x, out, domain, &a);
		break;
	}
	dns_answer_free(&a);
	if (rc == -1) {
		free(*rec);
		*rec = NULL;
	}
	return rc;
}

/* A printable copy of a record for the report. */
static char *
spf_printable(const char *s, size_t len)
{
	char	*p = xmalloc(len + 1);
	size_t	 i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] > 0x7e ? '?' : s[i];
	p[len] = '\0';
	return p;
}

/* Follow the record's redirect= (RFC 7208 6.1). */
static void
spf_redirect(struct spf_ctx *x, const char *domain,
    const struct spf_record *r, struct spf_out *out)
{
	struct spf_term	t;
	struct spf_out	in;
	char		*target;

	free(out->term);
	out->term = xstrdup(r->redirect_term);
	if (spf_count(x, out) == -1)
		return;
	memset(&t, 0, sizeof t);
	t.text = r->redirect_term;
	t.spec = r->redirect;
	t.speclen = strlen(r->redirect);
	if ((target = spf_target(x, domain, &t, out)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	spf_check(x, target, 0, &in);
	if (in.result == SPF_NONE)
		spf_error(x, out, SPF_PERMERROR, _("redirect=%.300s: no SPF "
		    "record there"), target);
	else
		out->result = in.result;
	free(out->where);
	out->where = in.where != NULL ? in.where : xstrdup(target);
	out->exp = in.exp;
	out->exp_domain = in.exp_domain;
	in.where = in.exp = in.exp_domain = NULL;
	spf_out_free(&in);
	free(target);
}

/* check_host() for domain: one level of the evaluation. */
static enum spf_result
spf_check(struct spf_ctx *x, const char *domain, int top, struct spf_out *out)
{
	struct spf_record	 r;
	char			*rec, *why = NULL;
	size_t			 len, i;
	int			 rc;
	static const enum spf_result qual[] = { ['+'] = SPF_PASS,
	    ['-'] = SPF_FAIL, ['~'] = SPF_SOFTFAIL, ['?'] = SPF_NEUTRAL };

	memset(&r, 0, sizeof r);
	if (!spf_domain_ok(domain)) {
		spf_error(x, out, SPF_NONE, _("'%.300s' is not a domain name"),
		    domain);
		goto done;
	}
	if (spf_fetch(x, domain, out, &rec, &len) == -1)
		goto done;
	if (top)
		x->rep->record = spf_printable(rec, len);
	rc = spf_record_parse(rec, len, &r, &why);
	free(rec);
	if (rc == -1) {
		spf_error(x, out, SPF_PERMERROR, "%.300s: %s", domain, why);
		free(why);
		goto done;
	}
	if (x->level == 0 && x->rep->all_qualifier == 0)
		x->rep->all_qualifier = r.all;
	for (i = 0; i < r.n; i++) {
		rc = spf_match(x, domain, &r.terms[i], out);
		if (rc == 0)
			continue;
		free(out->term);
		out->term = xstrdup(r.terms[i].text);
		if (rc == 1) {
			out->result = qual[(unsigned char)r.terms[i].qual];
			if (out->result == SPF_FAIL && r.exp != NULL) {
				out->exp = xstrdup(r.exp);
				out->exp_domain = xstrdup(domain);
			}
		}
		goto done;
	}
	if (r.redirect != NULL)
		spf_redirect(x, domain, &r, out);
	else
		out->result = SPF_NEUTRAL;	/* no match: the default */
done:
	if (out->where == NULL)
		out->where = xstrdup(domain);
	spf_record_free(&r);
	return out->result;
}

/* The explanation of a fail (RFC 7208 6.2); NULL when there is none or
 * anything goes wrong on the way. */
static char *
spf_explain(struct spf_ctx *x, const char *spec, const char *domain)
{
	struct dns_answer	 a;
	struct buf		 b;
	char			*why = NULL, *exp = NULL;
	size_t			 i;

	buf_init(&b);
	if (spf_expand(x, domain, spec, strlen(spec), SPF_MK_DOMAIN, &b,
	    &why) == -1)
		goto out;
	spf_domain_fit(&b);
	if (!spf_name_ok(b.data != NULL ? b.data : ""))
		goto out;
	if (spf_lookup(x, b.data, 1, DNS_TXT, &a) == DNS_OK && a.n == 1) {
		for (i = 0; i < a.rr[0].len; i++)
			if ((unsigned char)a.rr[0].u.txt[i] < 0x20 ||
			    (unsigned char)a.rr[0].u.txt[i] > 0x7e)
				break;
		buf_reset(&b);
		if (i == a.rr[0].len && spf_expand(x, domain, a.rr[0].u.txt,
		    a.rr[0].len, SPF_MK_EXP, &b, &why) == 0)
			exp = buf_take(&b);
	}
	dns_answer_free(&a);
out:
	free(why);
	buf_free(&b);
	return exp;
}

/* Format an IPv6 address as RFC 5952 says (lower case, longest zero run
 * of two or more groups compressed, no dotted quad). */
static void
spf_ip6_text(const unsigned char *ip, char *out, size_t size)
{
	unsigned int	g[8];
	int		i, best = -1, bestlen = 1, run;
	size_t		n = 0;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned int)ip[2 * i] << 8 | ip[2 * i + 1];
	for (i = 0; i < 8; i += run > 0 ? run : 1)
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			if (run + 1 > bestlen) {
				best = i;
				bestlen = run + 1;
			}
	out[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, size - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, size - n, "%s%x",
		    n > 0 && out[n - 1] != ':' ? ":" : "", g[i]);
	}
}

/* Parse the client address; IPv4-mapped IPv6 is IPv4 (RFC 7208 5). */
static int
spf_client(struct spf_ctx *x, const char *ip)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		b[16];
	int			i;

	if (ip != NULL && inet_pton(AF_INET, ip, b) == 1)
		memcpy(x->ip, b, 4);
	else if (ip != NULL && inet_pton(AF_INET6, ip, b) == 1) {
		if (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
			memcpy(x->ip, b + 12, 4);
		else {
			memcpy(x->ip, b, 16);
			x->v6 = 1;
		}
	} else
		return -1;
	if (!x->v6) {
		snprintf(x->ip_c, sizeof x->ip_c, "%u.%u.%u.%u", x->ip[0],
		    x->ip[1], x->ip[2], x->ip[3]);
		memcpy(x->ip_i, x->ip_c, sizeof x->ip_c);
		return 0;
	}
	spf_ip6_text(x->ip, x->ip_c, sizeof x->ip_c);
	/* Dotted nibbles, upper case as the conformance suite expects. */
	for (i = 0; i < 32; i++) {
		x->ip_i[2 * i] = hex[(x->ip[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
		x->ip_i[2 * i + 1] = '.';
	}
	x->ip_i[63] = '\0';
	return 0;
}

/* Run check_host() and fill the report. */
void
spf_check_host(struct dns *dns, const struct spf_request *q,
    struct spf_report *rep)
{
	struct spf_ctx	 x;
	struct spf_out	 out;
	const char	*at, *sender = q->sender, *domain;
	size_t		 i;

	memset(rep, 0, sizeof *rep);
	memset(&x, 0, sizeof x);
	memset(&out, 0, sizeof out);
	x.dns = dns;
	x.rep = rep;
	x.h = q->helo != NULL && *q->helo != '\0' ? q->helo : "unknown";
	x.r = q->receiver != NULL ? q->receiver : "unknown";
	x.deadline = time(NULL) + SPF_TIME_LIMIT;
	snprintf(x.t, sizeof x.t, "%lld", (long long)time(NULL));
	domain = q->domain != NULL ? q->domain : "";
	if (spf_client(&x, q->ip) == -1) {
		rep->result = SPF_PERMERROR;
		rep->problem = xprintf(_("'%.100s' is not an IP address"),
		    q->ip != NULL ? q->ip : "");
		return;
	}
	/* RFC 7208 4.3: no local part is "postmaster"; an empty sender is
	 * postmaster@HELO (the HELO identity). */
	if (sender == NULL || *sender == '\0') {
		x.l = xstrdup("postmaster");
		x.o = xstrdup(q->helo != NULL && *q->helo != '\0' ? q->helo :
		    domain);
	} else if ((at = strrchr(sender, '@')) == NULL) {
		x.l = xstrdup("postmaster");
		x.o = xstrdup(sender);
	} else {
		x.l = at == sender ? xstrdup("postmaster") :
		    xstrndup(sender, (size_t)(at - sender));
		x.o = xstrdup(at + 1);
	}
	x.s = xprintf("%s@%s", x.l, x.o);

	rep->result = spf_check(&x, domain, 1, &out);
	rep->mechanism = out.term;
	rep->matched_in = out.where;
	if (rep->result == SPF_FAIL && out.exp != NULL) {
		x.in_exp = 1;
		rep->explanation = spf_explain(&x, out.exp, out.exp_domain);
	}
	out.term = out.where = NULL;
	spf_out_free(&out);
	for (i = 0; i < x.nptr; i++)
		free(x.ptr[i]);
	free(x.p_value);
	free(x.s);
	free(x.l);
	free(x.o);
}

/* Free a report's strings. */
void
spf_report_free(struct spf_report *r)
{
	if (r == NULL)
		return;
	free(r->record);
	free(r->mechanism);
	free(r->matched_in);
	free(r->explanation);
	free(r->problem);
	memset(r, 0, sizeof *r);
}
