/*
 * TLS reports as a sender: the _smtp._tls record's parser, and the RFC
 * 8460 report built from tls_sessions rows written through the store
 * (store_tls_session_add), checked member by member against the RFC's
 * schema (required members, their types) and the counts of the rows;
 * the day's state as it is recorded; the gzip and the file name.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "auth/tlsrpt.h"
#include "base/json.h"
#include "base/util.h"
#include "config/config.h"
#include "send/tlsreport.h"
#include "store/store.h"
#include "store/store_tls.h"
#include "test.h"

static void
test_record(void)
{
	struct tlsrpt_record	 r;
	const char		*why;
	char			*a;
	const char		*s;

	s = "v=TLSRPTv1; rua=mailto:reports@example.net";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.uri[0], "mailto:reports@example.net");
	tlsrpt_record_free(&r);

	s = "v=TLSRPTv1;rua=mailto:tls%2Brpt@example.net?subject=x , "
	    "https://r.example.net/v1 ;";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.uri[1], "https://r.example.net/v1");
	a = tlsrpt_mailto_addr(r.uri[0]);
	CHECK_STR(a, "tls+rpt@example.net");
	free(a);
	tlsrpt_record_free(&r);

	/* another scheme is left out, an extension ignored */
	s = "v=TLSRPTv1; rua=ftp://x.example/, mailto:a@b.example; ext=1";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.skipped, 1);
	tlsrpt_record_free(&r);

	/* refused: no rua, rua twice, another version, a list in one
	 * mailto:, only other schemes, no ';' after the version */
	s = "v=TLSRPTv1; ext=1";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	s = "v=TLSRPTv1; rua=mailto:a@b.example; rua=https://c.example";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	s = "v=TLSRPTv2; rua=mailto:a@b.example";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	s = "v=TLSRPTv1; rua=mailto:a@b,c@d";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	s = "v=TLSRPTv1; rua=ftp://x.example/";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	s = "v=TLSRPTv1 rua=mailto:a@b.example";
	CHECK(tlsrpt_parse(s, strlen(s), &r, &why) == -1);
	tlsrpt_record_free(&r);
	CHECK(tlsrpt_is_record("v=TLSRPTv1 ;", 12));
	CHECK(!tlsrpt_is_record("v=TLSRPTv10;", 12));
}

static void
session(struct store *st, int64_t at, const char *domain, const char *type,
    const char *strings, const char *mx, const char *ip, const char *result,
    const char *detail)
{
	struct tls_session_rec	 r;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.at = at;
	r.domain = domain;
	r.policy_type = type;
	r.policy_string = strings;
	r.mx_host = mx;
	r.mx_ip = ip;
	r.sending_ip = "192.0.2.1";
	r.result = result;
	r.detail = detail;
	CHECK(store_tls_session_add(st, &r, &cause) == 0);
	free(cause);
}

/* The members of an object, by name, with their JSON types. */
struct members {
	const char	*name[16];
	enum json_type	 type[16];
	char		*value[16];
	size_t		 n;
};

static int
member(const char *key, enum json_type t, const char *value, void *arg)
{
	struct members	*m = arg;

	if (m->n == 16)
		return 1;
	m->name[m->n] = xstrdup(key);
	m->type[m->n] = t;
	m->value[m->n] = xstrdup(value);
	m->n++;
	return 0;
}

static void
members_free(struct members *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free((char *)m->name[i]);
		free(m->value[i]);
	}
	memset(m, 0, sizeof *m);
}

/* The value of name, when it has type t; NULL otherwise. */
static const char *
get(const struct members *m, const char *name, enum json_type t)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0)
			return m->type[i] == t ? m->value[i] : NULL;
	return NULL;
}

/*
 * The elements of a JSON array of objects as separate texts: the test's
 * own small splitter (the reader walks objects only), counting braces
 * outside strings.
 */
static size_t
split(const char *arr, char **out, size_t max)
{
	const char	*p, *start = NULL;
	int		 depth = 0, str = 0;
	size_t		 n = 0;

	for (p = arr + 1; *p != '\0'; p++) {
		if (str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				str = 0;
			continue;
		}
		if (*p == '"')
			str = 1;
		else if (*p == '{' && depth++ == 0)
			start = p;
		else if (*p == '}' && --depth == 0 && n < max)
			out[n++] = xstrndup(start, (size_t)(p - start + 1));
	}
	return n;
}

/* One policy of a report, against RFC 8460 4.4's schema; adds its counts
 * to *ok and *bad. */
static void
check_policy(const char *text, const char *domain, int64_t *ok, int64_t *bad)
{
	struct members	 p, pol, sum, fd;
	char		*f[16];
	const char	*v;
	size_t		 n, i;
	int64_t		 fail = 0;

	memset(&p, 0, sizeof p);
	memset(&pol, 0, sizeof pol);
	memset(&sum, 0, sizeof sum);
	CHECK(json_each_value(text, member, &p) == 0);
	CHECK((v = get(&p, "policy", JSON_OBJECT)) != NULL);
	if (v != NULL)
		CHECK(json_each_value(v, member, &pol) == 0);
	CHECK(get(&pol, "policy-type", JSON_STRING) != NULL);
	v = get(&pol, "policy-type", JSON_STRING);
	CHECK(v != NULL && (strcmp(v, "tlsa") == 0 || strcmp(v, "sts") == 0 ||
	    strcmp(v, "no-policy-found") == 0));
	CHECK(get(&pol, "policy-string", JSON_ARRAY) != NULL);
	CHECK_STR(get(&pol, "policy-domain", JSON_STRING), domain);
	CHECK((v = get(&p, "summary", JSON_OBJECT)) != NULL);
	if (v != NULL)
		CHECK(json_each_value(v, member, &sum) == 0);
	CHECK(get(&sum, "total-successful-session-count", JSON_NUMBER) !=
	    NULL);
	CHECK(get(&sum, "total-failure-session-count", JSON_NUMBER) != NULL);
	if ((v = get(&sum, "total-successful-session-count",
	    JSON_NUMBER)) != NULL)
		*ok += atoll(v);
	if ((v = get(&sum, "total-failure-session-count", JSON_NUMBER)) !=
	    NULL)
		*bad += atoll(v);
	if ((v = get(&p, "failure-details", JSON_ARRAY)) != NULL) {
		n = split(v, f, 16);
		for (i = 0; i < n; i++) {
			memset(&fd, 0, sizeof fd);
			CHECK(json_each_value(f[i], member, &fd) == 0);
			CHECK(get(&fd, "result-type", JSON_STRING) != NULL);
			CHECK(get(&fd, "failed-session-count", JSON_NUMBER) !=
			    NULL);
			if ((v = get(&fd, "failed-session-count",
			    JSON_NUMBER)) != NULL)
				fail += atoll(v);
			members_free(&fd);
			free(f[i]);
		}
		/* the details add up to the summary's failures */
		v = get(&sum, "total-failure-session-count", JSON_NUMBER);
		CHECK(v != NULL && fail == atoll(v));
	}
	members_free(&p);
	members_free(&pol);
	members_free(&sum);
}

/* A whole report (RFC 8460 4.4): required members and types; the
 * sessions' counts. */
static void
check_report(const char *json, const char *domain, const char *day,
    int64_t want_ok, int64_t want_bad, size_t want_policies)
{
	struct members	 top, dr;
	char		*pol[16], start[32];
	const char	*v;
	size_t		 n, i;
	int64_t		 ok = 0, bad = 0;

	memset(&top, 0, sizeof top);
	memset(&dr, 0, sizeof dr);
	CHECK(json_each_value(json, member, &top) == 0);
	CHECK(get(&top, "organization-name", JSON_STRING) != NULL);
	CHECK(get(&top, "contact-info", JSON_STRING) != NULL);
	CHECK(get(&top, "report-id", JSON_STRING) != NULL);
	CHECK((v = get(&top, "date-range", JSON_OBJECT)) != NULL);
	if (v != NULL)
		CHECK(json_each_value(v, member, &dr) == 0);
	snprintf(start, sizeof start, "%sT00:00:00Z", day);
	CHECK_STR(get(&dr, "start-datetime", JSON_STRING), start);
	snprintf(start, sizeof start, "%sT23:59:59Z", day);
	CHECK_STR(get(&dr, "end-datetime", JSON_STRING), start);
	CHECK((v = get(&top, "policies", JSON_ARRAY)) != NULL);
	n = v != NULL ? split(v, pol, 16) : 0;
	CHECK_INT(n, want_policies);
	for (i = 0; i < n; i++) {
		check_policy(pol[i], domain, &ok, &bad);
		free(pol[i]);
	}
	CHECK_INT(ok, want_ok);
	CHECK_INT(bad, want_bad);
	members_free(&top);
	members_free(&dr);
}

/* What ls reads for one domain and day. */
struct seen {
	const char	*domain, *day;
	int64_t		 ok, bad, sent_at, failed;
	char		 report_id[128];
	int		 n;
};

static int
seen_day(const struct tls_day *d, void *arg)
{
	struct seen	*s = arg;

	if (strcmp(d->domain, s->domain) != 0 || strcmp(d->day, s->day) != 0)
		return 0;
	s->ok = d->success;
	s->bad = d->failure;
	s->sent_at = d->sent_at;
	s->failed = d->failed;
	snprintf(s->report_id, sizeof s->report_id, "%s", d->report_id);
	s->n++;
	return 0;
}

static void
test_report(void)
{
	char		 dir[] = "/tmp/herald-tlsrpt-XXXXXX", *path, *conf;
	char		*cause = NULL, *name, day[11];
	struct store	*st = NULL;
	struct config	*cfg;
	struct tlsreport r;
	struct buf	 gz, back;
	struct seen	 s;
	int64_t		 from, to, t;
	z_stream	 z;
	unsigned char	 out[8192];

	CHECK(mkdtemp(dir) != NULL);
	path = xprintf("%s/h.db", dir);
	conf = xprintf("%s/none.conf", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	cfg = config_load(conf, &cause);
	CHECK(cfg != NULL);
	CHECK(config_override(cfg, "from", "Sender <news@sender.example>",
	    &cause) == 0);
	CHECK(config_override(cfg, "sender_name", "Sender Inc.", &cause) == 0);

	CHECK(tlsreport_day_span("2026-03-04", &from, &to) == 0);
	CHECK_INT(to - from, 86400);
	tlsreport_day(from + 86399, day);
	CHECK_STR(day, "2026-03-04");
	CHECK(tlsreport_day_span("2026-02-30", &from, &to) == -1);
	CHECK(tlsreport_day_span("2026-3-4", &from, &to) == -1);
	CHECK(tlsreport_day_span("2026-03-04", &from, &to) == 0);

	/* rcpt.example: 3 sessions under an MTA-STS policy (one failed
	 * twice the same way, one another way) and a DANE MX; a session
	 * the day before and one the day after stay out */
	t = from + 3600;
	session(st, t, "rcpt.example", "sts", "[\"version: STSv1\",\"mode: "
	    "enforce\",\"mx: *.rcpt.example\",\"max_age: 86400\"]",
	    "mx1.rcpt.example", "198.51.100.1", "success", NULL);
	session(st, t + 1, "rcpt.example", "sts", "[\"version: STSv1\","
	    "\"mode: enforce\",\"mx: *.rcpt.example\",\"max_age: 86400\"]",
	    "mx1.rcpt.example", "198.51.100.1", "success", NULL);
	session(st, t + 2, "rcpt.example", "sts", "[\"version: STSv1\","
	    "\"mode: enforce\",\"mx: *.rcpt.example\",\"max_age: 86400\"]",
	    "mx2.rcpt.example", "198.51.100.2", "certificate-expired",
	    "notAfter 2026-01-01");
	session(st, t + 3, "rcpt.example", "sts", "[\"version: STSv1\","
	    "\"mode: enforce\",\"mx: *.rcpt.example\",\"max_age: 86400\"]",
	    "mx2.rcpt.example", "198.51.100.2", "certificate-expired",
	    "notAfter 2026-01-01");
	session(st, t + 4, "rcpt.example", "sts", "[\"version: STSv1\","
	    "\"mode: enforce\",\"mx: *.rcpt.example\",\"max_age: 86400\"]",
	    "mx3.rcpt.example", "198.51.100.3", "starttls-not-supported",
	    NULL);
	session(st, t + 5, "rcpt.example", "tlsa", "[\"3 1 1 AABB\"]",
	    "mx.dane.rcpt.example", "198.51.100.9", "success", NULL);
	session(st, t + 6, "rcpt.example", "tlsa", "[\"3 1 1 AABB\"]",
	    "mx.dane.rcpt.example", "198.51.100.9", "tlsa-invalid", "\"x\"");
	session(st, from - 1, "rcpt.example", "no-policy-found", "[]",
	    "mx1.rcpt.example", "198.51.100.1", "success", NULL);
	session(st, to, "rcpt.example", "no-policy-found", "[]",
	    "mx1.rcpt.example", "198.51.100.1", "success", NULL);
	session(st, t, "other.example", "no-policy-found", "[]",
	    "mx.other.example", "203.0.113.5", "success", NULL);

	CHECK(tlsreport_build(st, cfg, "rcpt.example", "2026-03-04",
	    "2026-03-04.0a1b2c3d.rcpt.example@sender.example", 0, &r,
	    &cause) == 0);
	CHECK_INT(r.success, 3);
	CHECK_INT(r.failure, 4);
	CHECK_INT(r.policies, 2);
	buf_addc(&r.json, '\0');
	check_report(r.json.data, "rcpt.example", "2026-03-04", 3, 4, 2);
	/* what is left to the JSON's order and spelling, once */
	CHECK(strstr(r.json.data, "\"organization-name\":\"Sender Inc.\"") !=
	    NULL);
	CHECK(strstr(r.json.data, "\"contact-info\":\"news@sender.example\"")
	    != NULL);
	CHECK(strstr(r.json.data, "\"policy\":{\"policy-type\":\"sts\","
	    "\"policy-string\":[\"version: STSv1\",\"mode: enforce\",\"mx: "
	    "*.rcpt.example\",\"max_age: 86400\"],\"policy-domain\":"
	    "\"rcpt.example\",\"mx-host\":\"*.rcpt.example\"},\"summary\":"
	    "{\"total-successful-session-count\":2,"
	    "\"total-failure-session-count\":3}") != NULL);
	CHECK(strstr(r.json.data, "{\"result-type\":\"certificate-expired\","
	    "\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":"
	    "\"mx2.rcpt.example\",\"receiving-ip\":\"198.51.100.2\","
	    "\"failed-session-count\":2,\"additional-information\":"
	    "\"notAfter 2026-01-01\"}") != NULL);
	CHECK(strstr(r.json.data, "\"mx-host\":\"mx.dane.rcpt.example\"") !=
	    NULL);
	CHECK(strstr(r.json.data, "\"additional-information\":\"\\\"x\\\"\"")
	    != NULL);
	r.json.len--;

	/* the file name (RFC 8460 5.1) and the gzip, read back */
	name = tlsreport_filename(&r);
	CHECK_STR(name, "sender.example!rcpt.example!1772582400!1772668799!"
	    "0a1b2c3d.json.gz");
	free(name);
	buf_init(&gz);
	CHECK(tlsreport_gzip(r.json.data, r.json.len, &gz, &cause) == 0);
	CHECK(gz.len > 10 && (unsigned char)gz.data[0] == 0x1f &&
	    (unsigned char)gz.data[1] == 0x8b);
	memset(&z, 0, sizeof z);
	CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
	z.next_in = (unsigned char *)gz.data;
	z.avail_in = (uInt)gz.len;
	z.next_out = out;
	z.avail_out = sizeof out;
	CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
	buf_init(&back);
	buf_add(&back, out, sizeof out - z.avail_out);
	inflateEnd(&z);
	CHECK(back.len == r.json.len &&
	    memcmp(back.data, r.json.data, back.len) == 0);
	buf_free(&back);
	/* the mail needs the From domain's DKIM key: none here */
	buf_init(&back);
	CHECK(tlsreport_mail(st, cfg, &r, &gz, "a@rcpt.example", 0, &back,
	    &cause) == -1);
	free(cause);
	cause = NULL;
	buf_free(&back);
	buf_free(&gz);
	tlsreport_free(&r);

	/* a day without sessions */
	CHECK(tlsreport_build(st, cfg, "rcpt.example", "2026-03-07", NULL, 0,
	    &r, &cause) == 1);
	tlsreport_free(&r);

	/* the day's state as recorded: built, one URI failed, then done */
	memset(&s, 0, sizeof s);
	s.domain = "rcpt.example";
	s.day = "2026-03-04";
	CHECK(store_tls_days(st, NULL, seen_day, &s, &cause) == 0);
	CHECK_INT(s.n, 1);
	CHECK_INT(s.ok, 3);
	CHECK_INT(s.bad, 4);
	CHECK_STR(s.report_id, "");
	CHECK(store_tlsrpt_add(st, "rcpt.example", "2026-03-04", "id-1", 5,
	    &cause) == 0);
	CHECK(store_tlsrpt_add(st, "rcpt.example", "2026-03-04", "id-2", 6,
	    &cause) == 0);
	CHECK(store_tlsrpt_uri_set(st, "rcpt.example", "2026-03-04",
	    "mailto:a@rcpt.example", "sent", NULL, 7, &cause) == 0);
	CHECK(store_tlsrpt_uri_set(st, "rcpt.example", "2026-03-04",
	    "https://r.rcpt.example/", "failed", "HTTP 500", 7, &cause) == 0);
	CHECK_INT(store_tlsrpt_uri_sent(st, "rcpt.example", "2026-03-04",
	    "mailto:a@rcpt.example", &cause), 1);
	CHECK_INT(store_tlsrpt_uri_sent(st, "rcpt.example", "2026-03-04",
	    "https://r.rcpt.example/", &cause), 0);
	memset(&s, 0, sizeof s);
	s.domain = "rcpt.example";
	s.day = "2026-03-04";
	CHECK(store_tls_days(st, "rcpt.example", seen_day, &s, &cause) == 0);
	CHECK_STR(s.report_id, "id-1");	/* the first id stays */
	CHECK_INT(s.failed, 1);
	CHECK_INT(s.sent_at, 0);
	/* the report is built again with the recorded id */
	CHECK(tlsreport_build(st, cfg, "rcpt.example", "2026-03-04", NULL, 0,
	    &r, &cause) == 0);
	CHECK_STR(r.report_id, "id-1");
	tlsreport_free(&r);
	CHECK(store_tlsrpt_uri_set(st, "rcpt.example", "2026-03-04",
	    "https://r.rcpt.example/", "sent", NULL, 8, &cause) == 0);
	CHECK(store_tlsrpt_done(st, "rcpt.example", "2026-03-04", 8,
	    &cause) == 0);
	memset(&s, 0, sizeof s);
	s.domain = "rcpt.example";
	s.day = "2026-03-04";
	CHECK(store_tls_days(st, NULL, seen_day, &s, &cause) == 0);
	CHECK_INT(s.sent_at, 8);
	CHECK_INT(s.failed, 0);

	if (cause != NULL)
		fprintf(stderr, "cause: %s\n", cause);
	free(cause);
	config_free(cfg);
	store_close(st);
	unlink(path);
	rmdir(dir);
	free(path);
	free(conf);
}

int
main(void)
{
	test_record();
	test_report();
	TEST_END();
}
