/*
 * DNS lookups through ldns. One blocking query at a time: the caller (a CLI
 * command, or the console's worker process) owns the wait.
 *
 * Names cross this interface in text form: labels separated by dots, with
 * RFC 1035 backslash escapes ("\." for a dot inside a label, "\DDD" for any
 * byte). Names read from answers are written back the same way, with every
 * byte outside printable ASCII (and the dot and backslash themselves)
 * escaped, so a hostile server can never put control bytes in our strings.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dns_int.h"
#include "base/util.h"
#include "base/i18n.h"

#define DNS_WIRE_MAX	255	/* bytes in a name, root label included */
#define DNS_CHAIN_MAX	16	/* CNAMEs followed within one answer */
#define DNS_EDNS_SIZE	1232	/* UDP payload we offer (DNS flag day 2020) */

/* Build a resolver for "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6. */
static ldns_resolver *
dns_resolver_at(const char *spec, char **cause)
{
	ldns_resolver	*res;
	ldns_rdf	*ns;
	unsigned char	 addr[16];
	char		*host, *end, *colon = NULL;
	long long	 port = 53;
	int		 v6;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL) {
			set_cause(cause, _("resolver '%s': missing ']'"), spec);
			return NULL;
		}
		host = xstrndup(spec + 1, (size_t)(end - spec - 1));
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1] != '\0') {
			free(host);
			set_cause(cause, _("resolver '%s': junk after ']'"),
			    spec);
			return NULL;
		}
	} else if ((colon = strchr(spec, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL)
		host = xstrndup(spec, (size_t)(colon - spec));
	else {
		host = xstrdup(spec);
		colon = NULL;
	}
	if (colon != NULL && parse_int(colon + 1, 1, 65535, &port) == -1) {
		free(host);
		set_cause(cause, _("resolver '%s': bad port (1-65535)"), spec);
		return NULL;
	}
	if (inet_pton(AF_INET, host, addr) == 1)
		v6 = 0;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		v6 = 1;
	else {
		set_cause(cause, _("resolver '%s': '%s' is not an IP address"),
		    spec, host);
		free(host);
		return NULL;
	}
	free(host);
	if ((res = ldns_resolver_new()) == NULL)
		fatal(_("ldns_resolver_new: out of memory"));
	ns = ldns_rdf_new_frm_data(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A,
	    v6 ? 16 : 4, addr);
	if (ns == NULL || ldns_resolver_push_nameserver(res, ns) !=
	    LDNS_STATUS_OK)
		fatal(_("ldns: cannot add a nameserver"));
	ldns_rdf_deep_free(ns);
	ldns_resolver_set_port(res, (uint16_t)port);
	return res;
}

/*
 * Read the trust anchors of a file in zone format (root.key, root.ds, or a
 * zone's KSK for a lab): its DNSKEY and DS records become the resolver's
 * DNSSEC anchors. Other records and $ directives are skipped; a record
 * that does not parse is an error naming its line.
 */
static int
dns_load_anchor(ldns_resolver *res, const char *path, char **cause)
{
	FILE		*fp;
	ldns_rr		*rr;
	ldns_rdf	*origin = NULL, *prev = NULL;
	ldns_status	 st;
	uint32_t	 ttl = 3600;
	int		 line = 1, n = 0, rc = -1;

	if ((fp = fopen(path, "r")) == NULL) {
		set_cause(cause, _("dnssec_anchor %s: %s"), path,
		    strerror(errno));
		return -1;
	}
	while (!feof(fp)) {
		rr = NULL;
		st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if (st == LDNS_STATUS_SYNTAX_EMPTY ||
		    st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN ||
		    st == LDNS_STATUS_SYNTAX_INCLUDE)
			continue;
		if (st != LDNS_STATUS_OK) {
			/* ldns counts the record's own newline already. */
			set_cause(cause, _("dnssec_anchor %s line %d: %s"),
			    path, line > 1 ? line - 1 : line,
			    ldns_get_errorstr_by_id(st));
			goto out;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS) {
			if (ldns_resolver_push_dnssec_anchor(res, rr) !=
			    LDNS_STATUS_OK)
				fatal(_("ldns: cannot add a trust anchor"));
			n++;
		}
		ldns_rr_free(rr);
	}
	if (n == 0) {
		set_cause(cause, _("dnssec_anchor %s: no DNSKEY or DS record"),
		    path);
		goto out;
	}
	rc = 0;
out:
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	fclose(fp);
	return rc;
}

/* Open a resolver with the given options. */
struct dns *
dns_open(const struct dns_options *o, char **cause)
{
	struct dns	*d;
	ldns_resolver	*res;
	ldns_status	 st;
	struct timeval	 tv;
	char		*first;
	int		 ms, tries;

	if (o != NULL && o->resolver != NULL && *o->resolver != '\0') {
		if ((res = dns_resolver_at(o->resolver, cause)) == NULL)
			return NULL;
	} else {
		st = ldns_resolver_new_frm_file(&res, NULL);
		if (st != LDNS_STATUS_OK) {
			set_cause(cause, _("cannot use the system resolver "
			    "(/etc/resolv.conf): %s"),
			    ldns_get_errorstr_by_id(st));
			return NULL;
		}
		if (ldns_resolver_nameserver_count(res) == 0) {
			ldns_resolver_deep_free(res);
			set_cause(cause,
			    _("no nameserver in /etc/resolv.conf"));
			return NULL;
		}
	}
	ms = o != NULL && o->timeout_ms > 0 ? o->timeout_ms : 3000;
	tries = o != NULL && o->retries > 0 ? o->retries : 2;
	if (tries > 20)
		tries = 20;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_retry(res, (uint8_t)tries);
	/* ldns sleeps retrans seconds between servers: never sleep. */
	ldns_resolver_set_retrans(res, 0);
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_defnames(res, false);
	ldns_resolver_set_dnsrch(res, false);
	ldns_resolver_set_random(res, false);
	ldns_resolver_set_fail(res, false);
	ldns_resolver_set_fallback(res, true);	/* TCP on TC=1 */
	ldns_resolver_set_usevc(res, false);
	ldns_resolver_set_dnssec(res, false);
	ldns_resolver_set_edns_udp_size(res, DNS_EDNS_SIZE);
	if (o != NULL && o->dnssec_anchor != NULL) {
		if (dns_load_anchor(res, o->dnssec_anchor, cause) == -1) {
			ldns_resolver_deep_free(res);
			return NULL;
		}
		/* DO on every query: the signatures come with the data. */
		ldns_resolver_set_dnssec(res, true);
	}

	d = xcalloc(1, sizeof *d);
	d->res = res;
	d->timeout_ms = ms;
	d->tries = tries;
	if (o != NULL && o->resolver != NULL && *o->resolver != '\0')
		d->desc = xstrdup(o->resolver);
	else {
		first = ldns_rdf2str(ldns_resolver_nameservers(res)[0]);
		d->desc = xprintf("system (%s)", first != NULL ? first : "?");
		free(first);
	}
	return d;
}

/* Free a resolver. */
void
dns_close(struct dns *d)
{
	if (d == NULL)
		return;
	ldns_resolver_deep_free(d->res);
	free(d->desc);
	free(d);
}

/* The resolver, for messages. */
const char *
dns_describe(const struct dns *d)
{
	return d->desc;
}

/* Names of the outcomes, for messages and JSON. */
const char *
dns_status_name(enum dns_status s)
{
	switch (s) {
	case DNS_OK:
		return "ok";
	case DNS_NODATA:
		return "nodata";
	case DNS_NXDOMAIN:
		return "nxdomain";
	case DNS_SERVFAIL:
		return "servfail";
	case DNS_TIMEOUT:
		return "timeout";
	case DNS_ERROR:
		return "error";
	}
	return "?";
}

/*
 * Text name to wire format (at most DNS_WIRE_MAX bytes). -1 if it cannot be
 * a DNS name: empty, an empty label, a label over 63 bytes, too long, a bad
 * escape. One trailing dot is allowed; the root alone is not a query we make.
 */
static int
dns_name_wire(const char *name, uint8_t *wire, size_t *wlen)
{
	const char	*p = name;
	size_t		 n = 1, lab = 0, llen = 0;
	unsigned int	 v;

	if (*p == '\0' || *p == '.')
		return -1;
	wire[0] = 0;
	for (;;) {
		if (*p == '\0' || *p == '.') {
			if (llen == 0)
				return -1;
			wire[lab] = (uint8_t)llen;
			if (*p == '\0' || p[1] == '\0')
				break;
			p++;
			if (n >= DNS_WIRE_MAX - 1)
				return -1;
			lab = n++;
			wire[lab] = 0;
			llen = 0;
			continue;
		}
		if (*p == '\\') {
			p++;
			if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' &&
			    p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
				v = (unsigned int)(p[0] - '0') * 100 +
				    (unsigned int)(p[1] - '0') * 10 +
				    (unsigned int)(p[2] - '0');
				if (v > 255)
					return -1;
				p += 3;
			} else if (*p == '\0')
				return -1;
			else
				v = (unsigned char)*p++;
		} else
			v = (unsigned char)*p++;
		/* room for this byte and the root label after it */
		if (llen == 63 || n >= DNS_WIRE_MAX - 1)
			return -1;
		wire[n++] = (uint8_t)v;
		llen++;
	}
	wire[n++] = 0;
	*wlen = n;
	return 0;
}

/* Is name usable as a query name? */
int
dns_name_valid(const char *name)
{
	uint8_t	wire[DNS_WIRE_MAX];
	size_t	len;

	return dns_name_wire(name, wire, &len) == 0;
}

/* Wire-format name (uncompressed, as ldns keeps it) to escaped text without
 * the trailing dot; "" for the root. NULL if malformed. */
static char *
dns_name_text(const uint8_t *d, size_t len)
{
	struct buf	b;
	size_t		pos = 0, i, l;
	uint8_t		c;

	buf_init(&b);
	for (;;) {
		if (pos >= len)
			goto bad;
		l = d[pos++];
		if (l == 0)
			break;
		if (l > 63 || l > len - pos)
			goto bad;
		if (b.len != 0)
			buf_addc(&b, '.');
		for (i = 0; i < l; i++) {
			c = d[pos + i];
			if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\')
				buf_printf(&b, "\\%03u", c);
			else
				buf_addc(&b, (char)c);
		}
		pos += l;
	}
	return buf_take(&b);
bad:
	buf_free(&b);
	return NULL;
}

/* An rdf holding a name, as text; NULL if it is not one. */
static char *
dns_rdf_name(const ldns_rdf *rdf)
{
	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return NULL;
	return dns_name_text(ldns_rdf_data(rdf), ldns_rdf_size(rdf));
}

/* Join the character-strings of a TXT record (RFC 7208 3.3). */
static int
dns_rr_txt(const ldns_rr *rr, struct dns_record *r)
{
	struct buf	 b;
	const ldns_rdf	*rdf;
	const uint8_t	*p;
	size_t		 i, sz;

	buf_init(&b);
	buf_grow(&b, 0);
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		rdf = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR)
			goto bad;
		p = ldns_rdf_data(rdf);
		sz = ldns_rdf_size(rdf);
		if (sz < 1 || (size_t)p[0] != sz - 1)
			goto bad;
		buf_add(&b, p + 1, sz - 1);
	}
	r->len = b.len;
	r->u.txt = buf_take(&b);
	return 0;
bad:
	buf_free(&b);
	return -1;
}

/* Copy one answer record of the asked type into r. */
static int
dns_rr_copy(const ldns_rr *rr, enum dns_type type, struct dns_record *r)
{
	const ldns_rdf	*rdf = ldns_rr_rdf(rr, 0);

	memset(r, 0, sizeof *r);
	r->type = type;
	r->ttl = ldns_rr_ttl(rr);
	switch (type) {
	case DNS_A:
		if (rdf == NULL || ldns_rdf_size(rdf) != 4)
			return -1;
		memcpy(&r->u.a, ldns_rdf_data(rdf), 4);
		return 0;
	case DNS_AAAA:
		if (rdf == NULL || ldns_rdf_size(rdf) != 16)
			return -1;
		memcpy(&r->u.aaaa, ldns_rdf_data(rdf), 16);
		return 0;
	case DNS_MX:
		if (ldns_rr_rd_count(rr) != 2 || ldns_rdf_size(rdf) != 2)
			return -1;
		r->u.mx.pref = ldns_rdf2native_int16(rdf);
		r->u.mx.host = dns_rdf_name(ldns_rr_rdf(rr, 1));
		return r->u.mx.host == NULL ? -1 : 0;
	case DNS_TXT:
	case DNS_SPF:
		return dns_rr_txt(rr, r);
	case DNS_PTR:
	case DNS_CNAME:
		r->u.name = dns_rdf_name(rdf);
		return r->u.name == NULL ? -1 : 0;
	case DNS_TLSA:
	case DNS_DS:
		/* The raw rdata, for DANE: usage, selector, type, data. */
		{
			struct buf	b;
			size_t		i;

			buf_init(&b);
			buf_grow(&b, 0);
			for (i = 0; i < ldns_rr_rd_count(rr); i++)
				buf_add(&b, ldns_rdf_data(ldns_rr_rdf(rr, i)),
				    ldns_rdf_size(ldns_rr_rdf(rr, i)));
			r->len = b.len;
			r->u.txt = buf_take(&b);
		}
		return 0;
	}
	return -1;
}

/* Free the strings of one record. */
static void
dns_record_clear(struct dns_record *r)
{
	switch (r->type) {
	case DNS_MX:
		free(r->u.mx.host);
		break;
	case DNS_TXT:
	case DNS_SPF:
	case DNS_TLSA:
	case DNS_DS:
		free(r->u.txt);
		break;
	case DNS_PTR:
	case DNS_CNAME:
		free(r->u.name);
		break;
	default:
		break;
	}
}

/* An MX record's place: preference, then the server's order. */
struct dns_mx_key {
	unsigned int	pref;
	size_t		idx;
};

/* Compare two MX places. */
static int
dns_mx_cmp(const void *a, const void *b)
{
	const struct dns_mx_key	*x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sort MX records by preference, keeping the server's order for ties. */
static void
dns_mx_sort(struct dns_record *rr, size_t n)
{
	struct dns_mx_key	*k;
	struct dns_record	*tmp;
	size_t			 i;

	k = xreallocarray(NULL, n, sizeof *k);
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	for (i = 0; i < n; i++) {
		k[i].pref = rr[i].u.mx.pref;
		k[i].idx = i;
	}
	qsort(k, n, sizeof *k, dns_mx_cmp);
	for (i = 0; i < n; i++)
		tmp[i] = rr[k[i].idx];
	memcpy(rr, tmp, n * sizeof *rr);
	free(tmp);
	free(k);
}

/* Set out to a failure with a message. */
static enum dns_status
dns_fail(struct dns_answer *out, enum dns_status st, const char *fmt, ...)
    PRINTFLIKE(3, 4);
static enum dns_status
dns_fail(struct dns_answer *out, enum dns_status st, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	free(out->why);
	out->why = xvprintf(fmt, ap);
	va_end(ap);
	out->status = st;
	return st;
}

/* Does the answer's question match ours? */
static int
dns_question_ok(const ldns_pkt *q, const ldns_pkt *a)
{
	const ldns_rr_list	*ql = ldns_pkt_question(q);
	const ldns_rr_list	*al = ldns_pkt_question(a);
	const ldns_rr		*qr, *ar;

	if (ldns_pkt_id(q) != ldns_pkt_id(a) || !ldns_pkt_qr(a))
		return 0;
	/* An error answer may leave the question out. */
	if ((al == NULL || ldns_rr_list_rr_count(al) == 0) &&
	    ldns_pkt_get_rcode(a) != LDNS_RCODE_NOERROR)
		return 1;
	if (ql == NULL || al == NULL || ldns_rr_list_rr_count(al) != 1)
		return 0;
	qr = ldns_rr_list_rr(ql, 0);
	ar = ldns_rr_list_rr(al, 0);
	return ldns_rr_get_type(qr) == ldns_rr_get_type(ar) &&
	    ldns_rr_get_class(qr) == ldns_rr_get_class(ar) &&
	    ldns_dname_compare(ldns_rr_owner(qr), ldns_rr_owner(ar)) == 0;
}

/*
 * Collect the records of the asked type owned by qname or by a name the
 * answer's CNAME chain leads to from it. A CNAME loop is an error.
 */
static enum dns_status
dns_collect(struct dns *d, const ldns_pkt *pkt, const ldns_rdf *qname,
    enum dns_type type, struct dns_answer *out)
{
	const ldns_rr_list	*an = ldns_pkt_answer(pkt);
	const ldns_rdf		*chain[DNS_CHAIN_MAX + 1];
	const ldns_rr		*rr;
	size_t			 i, j, n = 0, nchain = 1;
	int			 found;

	chain[0] = qname;
	n = an != NULL ? ldns_rr_list_rr_count(an) : 0;
	/* Follow CNAMEs from qname as far as the answer goes. */
	for (found = 1; found && type != DNS_CNAME; ) {
		found = 0;
		for (i = 0; i < n; i++) {
			rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME ||
			    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
			    ldns_rr_rd_count(rr) != 1 ||
			    ldns_dname_compare(ldns_rr_owner(rr),
			    chain[nchain - 1]) != 0)
				continue;
			for (j = 0; j < nchain; j++)
				if (ldns_dname_compare(ldns_rr_rdf(rr, 0),
				    chain[j]) == 0)
					return dns_fail(out, DNS_SERVFAIL,
					    NT("CNAME loop in the answer from "
					    "%s"),
					    d->desc);
			if (nchain == DNS_CHAIN_MAX)
				return dns_fail(out, DNS_SERVFAIL, NT("CNAME "
				    "chain longer than %d from "
				    "%s"), DNS_CHAIN_MAX,
				    d->desc);
			chain[nchain++] = ldns_rr_rdf(rr, 0);
			found = 1;
			break;
		}
	}
	out->rr = xcalloc(n != 0 ? n : 1, sizeof *out->rr);
	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(an, i);
		if ((int)ldns_rr_get_type(rr) != (int)type ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			continue;
		for (j = 0; j < nchain; j++)
			if (ldns_dname_compare(ldns_rr_owner(rr), chain[j]) == 0)
				break;
		if (j == nchain)
			continue;	/* not ours: ignore it */
		if (dns_rr_copy(rr, type, &out->rr[out->n]) == -1) {
			dns_record_clear(&out->rr[out->n]);
			return dns_fail(out, DNS_SERVFAIL, NT("malformed "
			    "record in the answer from %s"), d->desc);
		}
		out->n++;
	}
	if (out->n == 0) {
		out->status = DNS_NODATA;
		return DNS_NODATA;
	}
	if (type == DNS_MX)
		dns_mx_sort(out->rr, out->n);
	out->status = DNS_OK;
	return DNS_OK;
}

/* Send a query to the resolver's servers (TCP after a truncated answer). */
static ldns_status
dns_send(struct dns *d, ldns_pkt *q, ldns_pkt **a)
{
	size_t	i;

	/* ldns skips a server for good once it timed out: not us. */
	for (i = 0; i < ldns_resolver_nameserver_count(d->res); i++)
		ldns_resolver_set_nameserver_rtt(d->res, i,
		    LDNS_RESOLV_RTT_MIN);
	return ldns_resolver_send_pkt(a, d->res, q);
}

/* Make one query; the answer is classified into out. */
enum dns_status
dns_query(struct dns *d, const char *name, enum dns_type type,
    struct dns_answer *out)
{
	return dns_query_pkt(d, name, type, out, NULL);
}

/* dns_query, also handing back the answer packet when there is one. */
enum dns_status
dns_query_pkt(struct dns *d, const char *name, enum dns_type type,
    struct dns_answer *out, ldns_pkt **keep)
{
	uint8_t		 wire[DNS_WIRE_MAX];
	size_t		 wlen, i;
	ldns_rdf	*qname;
	ldns_pkt	*q = NULL, *a = NULL;
	ldns_status	 st;
	ldns_pkt_rcode	 rc;
	char		*rcs;
	enum dns_status	 ret;

	memset(out, 0, sizeof *out);
	if (name == NULL || dns_name_wire(name, wire, &wlen) == -1)
		return dns_fail(out, DNS_ERROR, NT("'%.300s' is not a valid "
		    "DNS name"), name != NULL ? name : "");
	qname = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wlen, wire);
	if (qname == NULL)
		fatal(NT("ldns: out of memory"));
	st = ldns_resolver_prepare_query_pkt(&q, d->res, qname,
	    (ldns_rr_type)type, LDNS_RR_CLASS_IN, LDNS_RD);
	if (st != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(qname);
		return dns_fail(out, DNS_ERROR, NT("cannot build a query: %s"),
		    ldns_get_errorstr_by_id(st));
	}
	st = dns_send(d, q, &a);
	if (st == LDNS_STATUS_OK && a != NULL &&
	    ldns_pkt_get_rcode(a) == LDNS_RCODE_FORMERR &&
	    ldns_pkt_edns_udp_size(q) != 0) {
		/* A server from before EDNS: ask again without it. */
		ldns_pkt_free(a);
		a = NULL;
		ldns_pkt_set_edns_udp_size(q, 0);
		st = dns_send(d, q, &a);
	}
	if (st != LDNS_STATUS_OK || a == NULL) {
		if (st == LDNS_STATUS_NETWORK_ERR || st == LDNS_STATUS_OK)
			ret = dns_fail(out, DNS_TIMEOUT, NT("no answer from %s "
			    "(%g s x %d)"), d->desc, d->timeout_ms / 1000.0,
			    d->tries);
		else if (st == LDNS_STATUS_SOCKET_ERROR ||
		    st == LDNS_STATUS_RES_NO_NS || st == LDNS_STATUS_ERR)
			ret = dns_fail(out, DNS_ERROR,
			    NT("cannot query %s: %s"),
			    d->desc, ldns_get_errorstr_by_id(st));
		else
			ret = dns_fail(out, DNS_SERVFAIL, NT("malformed answer "
			    "from %s: %s"), d->desc,
			    ldns_get_errorstr_by_id(st));
		goto done;
	}
	if (!dns_question_ok(q, a)) {
		ret = dns_fail(out, DNS_SERVFAIL, NT("the answer from %s does "
		    "not match the question"), d->desc);
		goto done;
	}
	if (ldns_pkt_tc(a)) {
		ret = dns_fail(out, DNS_SERVFAIL,
		    NT("truncated answer from %s"),
		    d->desc);
		goto done;
	}
	rc = ldns_pkt_get_rcode(a);
	if (rc == LDNS_RCODE_NOERROR)
		ret = dns_collect(d, a, qname, type, out);
	else if (rc == LDNS_RCODE_NXDOMAIN) {
		out->status = DNS_NXDOMAIN;
		ret = DNS_NXDOMAIN;
	} else {
		rcs = ldns_pkt_rcode2str(rc);
		ret = dns_fail(out, DNS_SERVFAIL, "%s from %s",
		    rcs != NULL ? rcs : "error", d->desc);
		free(rcs);
	}
done:
	if (ret != DNS_OK && out->rr != NULL) {
		for (i = 0; i < out->n; i++)
			dns_record_clear(&out->rr[i]);
		free(out->rr);
		out->rr = NULL;
		out->n = 0;
	}
	if (keep != NULL && (ret == DNS_OK || ret == DNS_NODATA ||
	    ret == DNS_NXDOMAIN)) {
		*keep = a;
		a = NULL;
	} else if (keep != NULL)
		*keep = NULL;
	ldns_pkt_free(a);
	ldns_pkt_free(q);
	ldns_rdf_deep_free(qname);
	return ret;
}

/* Free what a query left in an answer. */
void
dns_answer_free(struct dns_answer *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		dns_record_clear(&a->rr[i]);
	free(a->rr);
	free(a->why);
	memset(a, 0, sizeof *a);
}

/* The in-addr.arpa or ip6.arpa name of an address. */
char *
dns_reverse_name(const char *ip)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[16];
	struct buf		 out;
	int			 i;

	if (ip == NULL)
		return NULL;
	if (inet_pton(AF_INET, ip, b) == 1)
		return xprintf("%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1],
		    b[0]);
	if (inet_pton(AF_INET6, ip, b) != 1)
		return NULL;
	buf_init(&out);
	for (i = 15; i >= 0; i--) {
		buf_addc(&out, hex[b[i] & 0xf]);
		buf_addc(&out, '.');
		buf_addc(&out, hex[b[i] >> 4]);
		buf_addc(&out, '.');
	}
	buf_adds(&out, "ip6.arpa");
	return buf_take(&out);
}

/* Zone-file escaping of one byte (see dns.h). */
void
dns_zone_byte(struct buf *b, unsigned char c)
{
	if (c == '"' || c == '\\')
		buf_printf(b, "\\%c", c);
	else if (c < 0x20 || c >= 0x7f)
		buf_printf(b, "\\%03u", c);
	else
		buf_addc(b, (char)c);
}
