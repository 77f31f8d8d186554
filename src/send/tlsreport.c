/* A TLS report's JSON, gzip, file name and mail (tlsreport.h). */
#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "tlsreport.h"
#include "auth/dkim.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/util.h"
#include "config/config.h"
#include "mail/addr.h"
#include "store/store_tls.h"

int
tlsreport_day_span(const char *day, int64_t *from, int64_t *to)
{
	struct tm	 tm;
	int		 y, m, d, n = 0;
	char		 back[11];

	if (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d,
	    &n) != 3 || n != 10)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*from = (int64_t)timegm(&tm);
	*to = *from + 86400;
	/* 2026-02-30 normalises to another day: not a day */
	tlsreport_day(*from, back);
	return strcmp(back, day) == 0 ? 0 : -1;
}

void
tlsreport_day(int64_t t, char *out)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	gmtime_r(&tt, &tm);
	if (strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

/* The sessions' groups, kept to write each policy's summary first. */
struct tlsreport_group {
	char	*type, *string, *mx_host, *mx_ip, *sending_ip, *result,
		*detail;
	int64_t	 count;
};
struct tlsreport_groups {
	struct tlsreport_group	*g;
	size_t			 n, cap;
};

static int
tlsreport_group_add(const struct tls_group *g, void *arg)
{
	struct tlsreport_groups	*gs = arg;
	struct tlsreport_group	*x;

	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 16;
		gs->g = xreallocarray(gs->g, gs->cap, sizeof *gs->g);
	}
	x = &gs->g[gs->n++];
	x->type = xstrdup(g->policy_type);
	/* written as JSON as it is: it must be an array */
	x->string = xstrdup(g->policy_string[0] == '[' ? g->policy_string :
	    "[]");
	x->mx_host = xstrdup(g->mx_host);
	x->mx_ip = xstrdup(g->mx_ip);
	x->sending_ip = xstrdup(g->sending_ip);
	x->result = xstrdup(g->result);
	x->detail = xstrdup(g->detail);
	x->count = g->count;
	return 0;
}

static void
tlsreport_groups_free(struct tlsreport_groups *gs)
{
	size_t	i;

	for (i = 0; i < gs->n; i++) {
		free(gs->g[i].type);
		free(gs->g[i].string);
		free(gs->g[i].mx_host);
		free(gs->g[i].mx_ip);
		free(gs->g[i].sending_ip);
		free(gs->g[i].result);
		free(gs->g[i].detail);
	}
	free(gs->g);
}

/* Are a and b the same policy? For DANE each MX host has its own (its
 * TLSA records); an MTA-STS policy or none covers every MX. */
static int
tlsreport_same_policy(const struct tlsreport_group *a,
    const struct tlsreport_group *b)
{
	return strcmp(a->type, b->type) == 0 &&
	    strcmp(a->string, b->string) == 0 &&
	    (strcmp(a->type, "tlsa") != 0 ||
	    strcmp(a->mx_host, b->mx_host) == 0);
}

/* The mx-host of an MTA-STS policy: its one "mx:" pattern, else NULL
 * (allocated). */
static char *
tlsreport_sts_mx(const char *strings)
{
	const char	*p, *q, *found = NULL;

	for (p = strings; (p = strstr(p, "\"mx:")) != NULL; p += 4) {
		if (found != NULL)
			return NULL;
		found = p + 4;
	}
	if (found == NULL)
		return NULL;
	while (*found == ' ')
		found++;
	for (q = found; *q != '\0' && *q != '"' && *q != '\\'; q++)
		;
	return *q == '"' && q > found ? xstrndup(found, (size_t)(q - found)) :
	    NULL;
}

/* One policy: groups [a, b). */
static void
tlsreport_policy(struct json *j, const char *domain,
    const struct tlsreport_group *g, size_t a, size_t b, int64_t *ok,
    int64_t *bad)
{
	int64_t	 s = 0, f = 0;
	size_t	 i;
	char	*mx;

	for (i = a; i < b; i++)
		if (strcmp(g[i].result, "success") == 0)
			s += g[i].count;
		else
			f += g[i].count;
	*ok += s;
	*bad += f;
	json_open_object(j, NULL);
	json_open_object(j, "policy");
	json_put_str(j, "policy-type", g[a].type);
	json_put_raw(j, "policy-string", g[a].string);
	json_put_str(j, "policy-domain", domain);
	if (strcmp(g[a].type, "tlsa") == 0 && *g[a].mx_host != '\0')
		json_put_str(j, "mx-host", g[a].mx_host);
	else if (strcmp(g[a].type, "sts") == 0 &&
	    (mx = tlsreport_sts_mx(g[a].string)) != NULL) {
		json_put_str(j, "mx-host", mx);
		free(mx);
	}
	json_close(j);
	json_open_object(j, "summary");
	json_put_int(j, "total-successful-session-count", s);
	json_put_int(j, "total-failure-session-count", f);
	json_close(j);
	if (f > 0) {
		json_open_array(j, "failure-details");
		for (i = a; i < b; i++) {
			if (strcmp(g[i].result, "success") == 0)
				continue;
			json_open_object(j, NULL);
			json_put_str(j, "result-type", g[i].result);
			if (*g[i].sending_ip != '\0')
				json_put_str(j, "sending-mta-ip",
				    g[i].sending_ip);
			if (*g[i].mx_host != '\0')
				json_put_str(j, "receiving-mx-hostname",
				    g[i].mx_host);
			if (*g[i].mx_ip != '\0')
				json_put_str(j, "receiving-ip", g[i].mx_ip);
			json_put_int(j, "failed-session-count", g[i].count);
			if (*g[i].detail != '\0')
				json_put_str(j, "additional-information",
				    g[i].detail);
			json_close(j);
		}
		json_close(j);
	}
	json_close(j);
}

/* The From address (out: ADDR_MAX + 1); -1 with *cause when unset. */
static int
tlsreport_from(const struct config *cfg, char *out, char **cause)
{
	const char	*v, *reason;
	char		 name[ADDR_NAME_MAX + 1];

	if ((v = config_get(cfg, "from")) == NULL)
		return set_cause(cause, _("TLS reports need a From address: "
		    "herald config set from ADDRESS"));
	if (addr_parse_mailbox(v, strlen(v), name, out, &reason) == -1)
		return set_cause(cause, _("from '%s': %s"), v, reason);
	return 0;
}

char *
tlsreport_new_id(const char *day, const char *domain, const char *submitter)
{
	unsigned char	 r[8];
	char		 hex[17];
	size_t		 i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)(rand() ^ getpid() ^ time(NULL));
	for (i = 0; i < sizeof r; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return xprintf("%s.%s.%s@%s", day, hex, domain, submitter);
}

int
tlsreport_build(struct store *st, const struct config *cfg,
    const char *domain, const char *day, const char *report_id, int64_t now,
    struct tlsreport *r, char **cause)
{
	struct tlsreport_groups	 gs;
	struct json		 j;
	char			 from[ADDR_MAX + 1], start[32], end[32];
	const char		*src, *v;
	char			*id = NULL;
	int64_t			 sent;
	size_t			 a, b;
	int			 rc;

	(void)now;
	memset(r, 0, sizeof *r);
	buf_init(&r->json);
	if (tlsreport_day_span(day, &r->from, &r->to) == -1)
		return set_cause(cause, _("'%s' is not a day (YYYY-MM-DD)"),
		    day);
	snprintf(r->day, sizeof r->day, "%s", day);
	r->domain = xstrdup(domain);
	if (tlsreport_from(cfg, from, cause) == -1)
		return -1;
	if ((r->submitter = config_effective(cfg, "domain", &src)) == NULL)
		r->submitter = xstrdup(addr_domain(from));
	if (report_id == NULL) {
		if ((rc = store_tlsrpt_get(st, domain, day, &id, &sent,
		    cause)) == -1)
			return -1;
		r->report_id = rc == 0 ? id : tlsreport_new_id(day, domain,
		    r->submitter);
	} else
		r->report_id = xstrdup(report_id);

	memset(&gs, 0, sizeof gs);
	if (store_tls_groups(st, domain, r->from, r->to, tlsreport_group_add,
	    &gs, cause) == -1) {
		tlsreport_groups_free(&gs);
		return -1;
	}
	if (gs.n == 0) {
		tlsreport_groups_free(&gs);
		return 1;
	}
	snprintf(start, sizeof start, "%sT00:00:00Z", day);
	snprintf(end, sizeof end, "%sT23:59:59Z", day);
	json_init(&j, &r->json);
	json_open_object(&j, NULL);
	v = config_get(cfg, "sender_name");
	json_put_str(&j, "organization-name", v != NULL && *v != '\0' ? v :
	    r->submitter);
	json_open_object(&j, "date-range");
	json_put_str(&j, "start-datetime", start);
	json_put_str(&j, "end-datetime", end);
	json_close(&j);
	v = config_get(cfg, "contact");
	json_put_str(&j, "contact-info", v != NULL && *v != '\0' ? v : from);
	json_put_str(&j, "report-id", r->report_id);
	json_open_array(&j, "policies");
	for (a = 0; a < gs.n; a = b) {
		for (b = a + 1; b < gs.n && tlsreport_same_policy(&gs.g[a],
		    &gs.g[b]); b++)
			;
		tlsreport_policy(&j, domain, gs.g, a, b, &r->success,
		    &r->failure);
		r->policies++;
	}
	json_close(&j);
	json_close(&j);
	tlsreport_groups_free(&gs);
	return 0;
}

void
tlsreport_free(struct tlsreport *r)
{
	free(r->domain);
	free(r->submitter);
	free(r->report_id);
	buf_free(&r->json);
	memset(r, 0, sizeof *r);
}

int
tlsreport_gzip(const char *p, size_t len, struct buf *out, char **cause)
{
	z_stream	 z;
	unsigned char	 chunk[16384];
	int		 rc;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, not zlib's */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return set_cause(cause, _("gzip: cannot start"));
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = deflate(&z, Z_FINISH);
		if (rc == Z_STREAM_ERROR) {
			deflateEnd(&z);
			return set_cause(cause, _("gzip: compression failed"));
		}
		buf_add(out, chunk, sizeof chunk - z.avail_out);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}

/* The unique part of a report id DAY.RANDOM.DOMAIN@SUBMITTER, or NULL
 * (allocated). */
static char *
tlsreport_unique(const char *id)
{
	const char	*p, *q;

	if ((p = strchr(id, '.')) == NULL || (q = strchr(++p, '.')) == NULL ||
	    q == p)
		return NULL;
	for (id = p; id < q; id++)
		if (!((*id >= '0' && *id <= '9') || (*id >= 'a' && *id <= 'z') ||
		    (*id >= 'A' && *id <= 'Z')))
			return NULL;
	return xstrndup(p, (size_t)(q - p));
}

char *
tlsreport_filename(const struct tlsreport *r)
{
	char	*u, *s;

	u = tlsreport_unique(r->report_id);
	s = xprintf("%s!%s!%lld!%lld%s%s.json.gz", r->submitter, r->domain,
	    (long long)r->from, (long long)r->to - 1, u != NULL ? "!" : "",
	    u != NULL ? u : "");
	free(u);
	return s;
}

/* RFC 5322 date of t, in UTC, with English names whatever the locale. */
static void
tlsreport_date(struct buf *b, int64_t t)
{
	static const char *wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat" };
	static const char *mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	gmtime_r(&tt, &tm);
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday],
	    tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

int
tlsreport_mail(struct store *st, const struct config *cfg,
    const struct tlsreport *r, const struct buf *gz, const char *rcpt,
    int64_t now, struct buf *out, char **cause)
{
	struct dkim_signer	*signer;
	struct buf		 m;
	char			 from[ADDR_MAX + 1], boundary[64], *file, *b64;
	size_t			 i, n;
	int			 rc;

	if (tlsreport_from(cfg, from, cause) == -1)
		return -1;
	if ((signer = dkim_signer_new(st, addr_domain(from), cause)) == NULL)
		return -1;
	file = tlsreport_filename(r);
	snprintf(boundary, sizeof boundary, "=_tlsrpt_%lld_%s",
	    (long long)now, r->day);
	buf_init(&m);
	buf_printf(&m, "From: %s\r\nTo: %s\r\nDate: ", from, rcpt);
	tlsreport_date(&m, now);
	buf_printf(&m, "\r\nMessage-ID: <%s>\r\n", r->report_id);
	/* RFC 8460 5.3 */
	buf_printf(&m, "Subject: Report Domain: %s Submitter: %s\r\n"
	    " Report-ID: <%s>\r\n", r->domain, r->submitter, r->report_id);
	buf_printf(&m, "TLS-Report-Domain: %s\r\nTLS-Report-Submitter: %s\r\n",
	    r->domain, r->submitter);
	buf_printf(&m, NT("MIME-Version: 1.0\r\nContent-Type: multipart/report;"
	    " report-type=\"tlsrpt\";\r\n boundary=\"%s\"\r\n\r\n"), boundary);
	/* the report goes to programs in English, whoever runs herald */
	buf_printf(&m, NT("This is a multi-part message in MIME format.\r\n"
	    "\r\n--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n"
	    "This is an aggregate TLS report (RFC 8460) from %s\r\n"
	    "for %s, %s (UTC): %lld successful sessions, %lld failed.\r\n"
	    "\r\n"),
	    boundary, r->submitter, r->domain, r->day,
	    (long long)r->success, (long long)r->failure);
	buf_printf(&m, NT("--%s\r\nContent-Type: application/tlsrpt+gzip;"
	    "\r\n name=\"%s\"\r\nContent-Disposition: attachment;\r\n"
	    " filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"),
	    boundary, file, file);
	/* base64 in lines of 76 (57 bytes in) */
	b64 = xmalloc(77);
	for (i = 0; i < gz->len; i += 57) {
		n = gz->len - i < 57 ? gz->len - i : 57;
		EVP_EncodeBlock((unsigned char *)b64,
		    (const unsigned char *)gz->data + i, (int)n);
		buf_printf(&m, "%s\r\n", b64);
	}
	free(b64);
	buf_printf(&m, "\r\n--%s--\r\n", boundary);
	free(file);
	rc = dkim_signer_sign(signer, m.data, m.len, out, cause);
	dkim_signer_free(signer);
	if (rc == 0)
		buf_add(out, m.data, m.len);
	buf_free(&m);
	return rc;
}
