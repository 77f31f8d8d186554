/* The send's pure pieces (states, the retry schedule, destination
 * back-off, the rate, settings, relay parsing, MX ordering, the JSON
 * line) and the store's side of a send: queueing, recording, crash
 * recovery, retrying unknown recipients, taking up due ones, the text a
 * send keeps. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "send/send.h"
#include "send/engine.h"
#include "send/build.h"
#include "mail/message.h"
#include "smtp/reply_class.h"
#include "store/store.h"
#include "test.h"
#include "base/json.h"
#include "base/util.h"

static char dir[] = "/tmp/herald-deliver-XXXXXX";

static void
test_states(void)
{
	enum rcpt_state	s;
	int		i;

	for (i = 0; i < RCPT_NSTATES; i++) {
		CHECK(rcpt_state_parse(rcpt_state_name((enum rcpt_state)i),
		    &s) == 0);
		CHECK_INT(s, i);
	}
	CHECK_STR(rcpt_state_name(RCPT_SENT_DATA), "sent-data");
	CHECK(rcpt_state_parse("moving", &s) == -1);

	/* The engine's moves. */
	CHECK(rcpt_state_move_ok(RCPT_QUEUED, RCPT_CONNECTING));
	CHECK(rcpt_state_move_ok(RCPT_CONNECTING, RCPT_SENT_DATA));
	CHECK(rcpt_state_move_ok(RCPT_SENT_DATA, RCPT_DELIVERED));
	CHECK(rcpt_state_move_ok(RCPT_SENT_DATA, RCPT_UNKNOWN));
	CHECK(rcpt_state_move_ok(RCPT_DEFERRED, RCPT_QUEUED));
	CHECK(rcpt_state_move_ok(RCPT_QUEUED, RCPT_BOUNCED));	/* null MX */
	CHECK(rcpt_state_move_ok(RCPT_CONNECTING, RCPT_QUEUED));
	/* Never: skipping the hand-over, or leaving a final state. */
	CHECK(!rcpt_state_move_ok(RCPT_QUEUED, RCPT_SENT_DATA));
	CHECK(!rcpt_state_move_ok(RCPT_QUEUED, RCPT_DELIVERED));
	CHECK(!rcpt_state_move_ok(RCPT_QUEUED, RCPT_UNKNOWN));
	CHECK(!rcpt_state_move_ok(RCPT_SENT_DATA, RCPT_QUEUED));
	CHECK(!rcpt_state_move_ok(RCPT_DELIVERED, RCPT_QUEUED));
	CHECK(!rcpt_state_move_ok(RCPT_BOUNCED, RCPT_QUEUED));
	CHECK(!rcpt_state_move_ok(RCPT_UNKNOWN, RCPT_DELIVERED));
	CHECK(rcpt_state_is_outcome(RCPT_UNKNOWN));
	CHECK(!rcpt_state_is_outcome(RCPT_SENT_DATA));
}

static void
test_send_state(void)
{
	struct send_counts	c;

	memset(&c, 0, sizeof c);
	c.n[RCPT_DELIVERED] = 5;
	c.n[RCPT_UNKNOWN] = 1;
	CHECK_INT(send_state_derive(&c, 0, 0), SEND_FINISHED);
	CHECK_INT(send_state_derive(&c, 1, 1), SEND_FINISHED);
	c.n[RCPT_DEFERRED] = 2;
	CHECK_INT(send_state_derive(&c, 1, 0), SEND_WAITING);
	CHECK_INT(send_state_derive(&c, 0, 0), SEND_INTERRUPTED);
	CHECK_INT(send_state_derive(&c, 0, 1), SEND_PAUSED);
	c.n[RCPT_QUEUED] = 3;
	CHECK_INT(send_state_derive(&c, 1, 0), SEND_RUNNING);
	CHECK_INT(send_state_derive(&c, 1, 1), SEND_PAUSED);
	c.n[RCPT_QUEUED] = 0;
	c.n[RCPT_DEFERRED] = 0;
	c.n[RCPT_SENT_DATA] = 1;	/* a dead engine left one in flight */
	CHECK_INT(send_state_derive(&c, 0, 0), SEND_INTERRUPTED);
	CHECK_STR(send_state_name(SEND_WAITING), "waiting");
}

static void
test_retry(void)
{
	struct send_limits	l;
	int64_t			next, t0 = 1000000;

	send_limits_default(&l);
	CHECK_INT(l.retry_first, 300);
	CHECK_INT(l.retry_giveup, 2 * 86400);
	CHECK(send_retry(&l, 1, t0, t0, &next) == 0);
	CHECK_INT(next - t0, 300);
	CHECK(send_retry(&l, 2, t0, t0 + 300, &next) == 0);
	CHECK_INT(next - (t0 + 300), 600);
	CHECK(send_retry(&l, 3, t0, t0 + 900, &next) == 0);
	CHECK_INT(next - (t0 + 900), 1200);
	/* Doubling stops at retry_max. */
	CHECK(send_retry(&l, 12, t0, t0 + 3600, &next) == 0);
	CHECK_INT(next - (t0 + 3600), 4 * 3600);
	/* The last try is at the give-up time... */
	CHECK(send_retry(&l, 20, t0, t0 + 2 * 86400 - 60, &next) == 0);
	CHECK_INT(next, t0 + 2 * 86400);
	/* ... and a deferral then gives up. */
	CHECK(send_retry(&l, 21, t0, t0 + 2 * 86400, &next) == 1);
	l.retry_first = 2;
	l.retry_giveup = 3;
	CHECK(send_retry(&l, 1, t0, t0, &next) == 0);
	CHECK_INT(next - t0, 2);
	CHECK(send_retry(&l, 2, t0, t0 + 2, &next) == 0);
	CHECK_INT(next, t0 + 3);
	CHECK(send_retry(&l, 3, t0, t0 + 3, &next) == 1);
}

static void
test_dest_ctl(void)
{
	struct send_limits	l;
	struct dest_ctl		d;
	uint64_t		now = 50000;

	send_limits_default(&l);
	dest_ctl_init(&d, 2);
	CHECK(dest_ctl_can_open(&d, 0, now));
	CHECK(dest_ctl_can_open(&d, 1, now));
	CHECK(!dest_ctl_can_open(&d, 2, now));
	/* A 421: wait, then one session fewer. */
	dest_ctl_fail(&d, &l, now);
	CHECK_INT(d.limit, 1);
	CHECK_INT(d.hold_until, now + 10000);
	CHECK(!dest_ctl_can_open(&d, 0, now + 9999));
	CHECK(dest_ctl_can_open(&d, 0, now + 10000));
	CHECK(!dest_ctl_can_open(&d, 1, now + 10000));
	dest_ctl_fail(&d, &l, now);
	CHECK_INT(d.limit, 1);			/* never below one */
	CHECK_INT(d.hold_until, now + 20000);	/* doubled */
	for (int i = 0; i < 10; i++)
		dest_ctl_fail(&d, &l, now);
	CHECK_INT(d.hold_until, now + 300000);	/* at most hold_max */
	dest_ctl_ok(&d);
	CHECK_INT(d.strikes, 0);
	CHECK_INT(d.limit, 2);
	dest_ctl_ok(&d);
	CHECK_INT(d.limit, 2);			/* never above per_domain */
}

static void
test_rate(void)
{
	struct rate_ctl	r;

	memset(&r, 0, sizeof r);
	CHECK_INT(rate_ctl_take(&r, 5), 0);	/* no limit */
	CHECK_INT(rate_ctl_take(&r, 5), 0);
	r.rate = 10;
	CHECK_INT(rate_ctl_take(&r, 1000000), 0);
	CHECK_INT(rate_ctl_take(&r, 1000000), 100000);
	CHECK_INT(rate_ctl_take(&r, 1050000), 50000);
	CHECK_INT(rate_ctl_take(&r, 1100000), 0);
	/* Idle time saves no credit. */
	CHECK_INT(rate_ctl_take(&r, 9000000), 0);
	CHECK_INT(rate_ctl_take(&r, 9000001), 99999);
}

static void
test_settings(void)
{
	struct send_settings	 s;
	char			 host[256], *cause = NULL;
	int			 port;

	send_settings_init(&s);
	CHECK_INT(s.policy, TLS_POLICY_AUTO);
	CHECK_INT(s.smtp_port, 25);
	CHECK_INT(s.limits.concurrency, 20);
	CHECK_INT(s.limits.per_domain, 2);
	CHECK(send_setting(&s, "per-domain", "3", &cause) == 0);
	CHECK_INT(s.limits.per_domain, 3);
	CHECK(send_setting(&s, "per_domain", "4", &cause) == 0);
	CHECK_INT(s.limits.per_domain, 4);
	CHECK(send_setting(&s, "tls_policy", "verify", &cause) == 0);
	CHECK_INT(s.policy, TLS_POLICY_VERIFY);
	CHECK(send_setting(&s, "tls", "dane", &cause) == 0);
	CHECK_INT(s.policy, TLS_POLICY_DANE);
	CHECK(send_setting(&s, "relay_user", "ann", &cause) == 0);
	CHECK_STR(s.relay_user, "ann");
	CHECK(send_setting(&s, "retry-first", "60", &cause) == 0);
	CHECK_INT(s.limits.retry_first, 60);
	CHECK(send_setting(&s, "smtp-port", "2525", &cause) == 0);
	CHECK_INT(s.smtp_port, 2525);
	/* AUTH without a relay. */
	CHECK(send_settings_check(&s, &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(send_setting(&s, "relay", "smtp.example.org:465",
	    &cause) == 0);
	CHECK(send_settings_check(&s, &cause) == 0);
#define BAD(k, v) do {							\
	CHECK(send_setting(&s, k, v, &cause) == -1);			\
	CHECK(cause != NULL);						\
	free(cause);							\
	cause = NULL;							\
} while (0)
	BAD("tls", "sometimes");
	BAD("per-domain", "0");
	BAD("concurrency", "many");
	BAD("smtp-port", "70000");
	BAD("source-ip", "example.org");
	BAD("helo", "bad name");
	BAD("relay", "a:b:c");
	BAD("ca-file", "/nonexistent/ca.pem");
	BAD("nosuch", "1");
#undef BAD
	send_settings_free(&s);

	CHECK(send_relay_parse("smtp.example.org", host, &port,
	    &cause) == 0);
	CHECK_STR(host, "smtp.example.org");
	CHECK_INT(port, 587);
	CHECK(send_relay_parse("smtp.example.org:465", host, &port,
	    &cause) == 0);
	CHECK_INT(port, 465);
	CHECK(send_relay_parse("[2001:db8::1]:2525", host, &port,
	    &cause) == 0);
	CHECK_STR(host, "2001:db8::1");
	CHECK_INT(port, 2525);
	CHECK(send_relay_parse("127.0.0.1:0", host, &port, &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(send_relay_parse(":25", host, &port, &cause) == -1);
	free(cause);
}

/* A predictable "random" source: always the largest index. */
static uint32_t
test_rand(void *arg)
{
	(void)arg;
	return 0xffffffffu;
}

/* A counting source. */
static uint32_t
test_rand_seq(void *arg)
{
	uint32_t	*n = arg;

	return (*n)++;
}

static void
test_route_order(void)
{
	struct dns_record	rr[5];
	const char		*names[] = { "c", "a", "b", "d", "e" };
	unsigned int		 prefs[] = { 20, 10, 10, 5, 10 };
	uint32_t		 seq = 0;
	size_t			 i;
	int			 seen;

	memset(rr, 0, sizeof rr);
	for (i = 0; i < 5; i++) {
		rr[i].type = DNS_MX;
		rr[i].u.mx.pref = prefs[i];
		rr[i].u.mx.host = (char *)names[i];
	}
	route_order(rr, 5, test_rand, NULL);
	CHECK_STR(rr[0].u.mx.host, "d");	/* 5 */
	CHECK_INT(rr[1].u.mx.pref, 10);
	CHECK_INT(rr[2].u.mx.pref, 10);
	CHECK_INT(rr[3].u.mx.pref, 10);
	CHECK_STR(rr[4].u.mx.host, "c");	/* 20 */
	/* The three of preference 10 are all there, in some order. */
	seen = 0;
	for (i = 1; i <= 3; i++)
		seen |= 1 << (rr[i].u.mx.host[0] - 'a');
	CHECK_INT(seen, 1 | 2 | 16);
	/* Another source gives another order of the same three. */
	route_order(rr, 5, test_rand_seq, &seq);
	CHECK_STR(rr[0].u.mx.host, "d");
	CHECK_STR(rr[4].u.mx.host, "c");
}

/* The sender's refusals counted and said once each. */
static void
test_classes(void)
{
	struct send_classes	c;
	char			w[256];

	memset(&c, 0, sizeof c);
	send_classes_add(&c, RCPT_BOUNCED, "hard", "user-unknown", 2);
	send_classes_add(&c, RCPT_BOUNCED, "soft", "mailbox-full", 1);
	CHECK_INT(send_classes_warning(&c, w, sizeof w), 0);
	send_classes_add(&c, RCPT_BOUNCED, "sender", "authentication", 3);
	send_classes_add(&c, RCPT_BOUNCED, "sender", "reputation", 1);
	send_classes_add(&c, RCPT_DEFERRED, "sender", "authentication", 2);
	send_classes_add(&c, RCPT_DEFERRED, "soft", "system", 5);
	send_classes_add(&c, RCPT_DELIVERED, "", "", 9);
	CHECK_INT(c.bounced[REPLY_HARD], 2);
	CHECK_INT(c.bounced[REPLY_SOFT], 1);
	CHECK_INT(c.bounced[REPLY_SENDER], 4);
	CHECK_INT(c.sender_deferred, 2);
	CHECK_INT(send_classes_warning(&c, w, sizeof w), 1);
	CHECK_STR(w, "4 refused and 2 deferred because of the sender's "
	    "configuration (authentication, reputation): run herald check");
	memset(&c, 0, sizeof c);
	send_classes_add(&c, RCPT_BOUNCED, "sender", "policy", 1);
	CHECK_INT(send_classes_warning(&c, w, sizeof w), 1);
	CHECK_STR(w, "1 refused because of the sender's configuration "
	    "(policy): run herald check");
}

static void
test_json(void)
{
	struct send_event	e;
	struct buf		b;
	struct json		j;

	memset(&e, 0, sizeof e);
	e.rcpt = "ann@example.org";
	e.state = RCPT_DEFERRED;
	e.mx = "mx.example.org";
	e.ip = "192.0.2.1";
	e.tls_version = "TLSv1.3";
	e.tls_cipher = "TLS_AES_256_GCM_SHA384";
	e.tls_verify = "verified";
	e.tls_dane = "";
	e.tls_policy = "mta-sts";
	e.code = 451;
	e.enhanced = "4.3.0";
	e.reply = "try \"later\"";
	e.attempts = 2;
	e.at = 1795000000;
	e.cls = "soft";
	e.reason = "system";
	buf_init(&b);
	json_init(&j, &b);
	send_event_json(&j, &e);
	CHECK_STR(b.data, "{\"rcpt\":\"ann@example.org\",\"state\":\"deferred\","
	    "\"mx\":\"mx.example.org\",\"ip\":\"192.0.2.1\",\"tls\":{\"version\":"
	    "\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\",\"verify\":"
	    "\"verified\",\"dane\":\"none\",\"policy\":\"mta-sts\"},"
	    "\"code\":451,\"enhanced\":\"4.3.0\","
	    "\"reply\":\"try \\\"later\\\"\",\"attempts\":2,"
	    "\"at\":\"2026-11-18T11:06:40Z\",\"class\":\"soft\","
	    "\"reason\":\"system\"}");
	buf_reset(&b);
	e.state = RCPT_BOUNCED;
	e.mx = e.ip = e.tls_version = e.tls_cipher = e.tls_verify = "";
	e.tls_policy = "";
	e.enhanced = "";
	e.code = 0;
	e.cls = e.reason = NULL;
	json_init(&j, &b);
	send_event_json(&j, &e);
	CHECK(strstr(b.data, "\"class\":null,\"reason\":null}") != NULL);
	CHECK(strstr(b.data, "\"mx\":null,\"ip\":null,\"tls\":{\"version\":"
	    "null,\"cipher\":null,\"verify\":\"none\",\"dane\":\"none\","
	    "\"policy\":null},"
	    "\"code\":null,\"enhanced\":null") != NULL);
	buf_free(&b);
}

/* Collect the report's rows. */
struct rows {
	char	 state[16][16];
	char	 rcpt[16][64];
	char	 cls[16][24];
	int	 n;
};

static int
rows_cb(const struct send_event *e, void *arg)
{
	struct rows	*r = arg;

	if (r->n < 16) {
		snprintf(r->state[r->n], sizeof r->state[r->n], "%s",
		    rcpt_state_name(e->state));
		snprintf(r->rcpt[r->n], sizeof r->rcpt[r->n], "%s", e->rcpt);
		snprintf(r->cls[r->n], sizeof r->cls[r->n], "%s/%s", e->cls,
		    e->reason);
	}
	r->n++;
	return 0;
}

static int
due_cb(const struct send_rcpt *r, void *arg)
{
	int64_t	*ids = arg;

	ids[ids[0] + 1] = r->id;
	ids[0]++;
	return 0;
}

/* One change for recipient id. */
static void
change(struct send_change *c, int64_t id, enum rcpt_state state, int code,
    const char *reply)
{
	memset(c, 0, sizeof *c);
	c->rcpt_id = id;
	c->state = state;
	c->at = 1795000000;
	c->attempt = 1;
	c->code = code;
	snprintf(c->mx, sizeof c->mx, "mx.example.org");
	snprintf(c->reply, sizeof c->reply, "%s", reply);
	c->suppress = state == RCPT_BOUNCED && code >= 500;
}

static void
test_store(void)
{
	struct store		*st;
	struct issue		 is;
	struct send_settings	 set, got_set;
	struct send_info	 info;
	struct send_counts	 c;
	struct send_change	 ch[4];
	struct rows		 rows;
	enum store_put		 put;
	uint64_t		 first;
	int64_t			 list, imp, queued, skipped, n, m, last;
	int64_t			 ids[10];
	char			*path, *cause = NULL;
	int			 added;

	path = xprintf("%s/s.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, "news", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 1, "a@example.org", "Ann", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 2, "b@example.org", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 3, "c@example.net", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 4, "d@example.net", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 5, "s@example.net", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);
	CHECK(store_suppress_add(st, "s@example.net", "manual", NULL, &added,
	    &cause) == 0);
	memset(&is, 0, sizeof is);
	is.list_id = list;
	is.from = xstrdup("News <news@example.org>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("Hello");
	is.body = xstrdup("Hi.\n");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	CHECK(store_issue_add(st, &is, &cause) == 0);

	send_settings_init(&set);
	CHECK(send_setting(&set, "per-domain", "5", &cause) == 0);
	CHECK(send_queue(st, &is, &set, &queued, &skipped, &cause) == 0);
	CHECK_INT(queued, 4);
	CHECK_INT(skipped, 1);
	CHECK_INT(send_queue(st, &is, &set, &queued, &skipped, &cause), 1);
	CHECK_INT(store_send_get(st, is.id, &info, &cause), 0);
	CHECK_INT(info.set.limits.per_domain, 5);
	CHECK_INT(info.paused, 0);
	send_info_free(&info);
	CHECK_INT(store_send_get(st, is.id + 1, &info, &cause), 1);

	/* Settings replaced on resume. */
	send_settings_init(&got_set);
	CHECK(send_setting(&got_set, "rate", "7", &cause) == 0);
	CHECK(store_send_set_settings(st, is.id, &got_set, &cause) == 0);
	CHECK(store_send_get(st, is.id, &info, &cause) == 0);
	CHECK_INT(info.set.limits.rate, 7);
	CHECK_INT(info.set.limits.per_domain, 2);
	send_info_free(&info);
	send_settings_free(&got_set);

	/* Take them up: ids in order, cursor-wise. */
	memset(ids, 0, sizeof ids);
	CHECK(store_send_due(st, is.id, 0, 0, 0, 2, due_cb, ids,
	    &cause) == 0);
	CHECK_INT(ids[0], 2);
	memset(ids + 3, 0, sizeof ids - 3 * sizeof ids[0]);
	n = ids[2];
	ids[0] = 0;
	CHECK(store_send_due(st, is.id, n, 0, 0, 10, due_cb, ids,
	    &cause) == 0);
	CHECK_INT(ids[0], 2);

	/* 1: connecting, 2: sent-data, 3: bounced (5xx), 4: deferred. */
	change(&ch[0], n - 1, RCPT_CONNECTING, 0, "");
	change(&ch[1], n, RCPT_SENT_DATA, 0, "");
	change(&ch[2], n + 1, RCPT_BOUNCED, 550, "no such user");
	snprintf(ch[2].cls, sizeof ch[2].cls, "hard");
	snprintf(ch[2].reason, sizeof ch[2].reason, "user-unknown");
	change(&ch[3], n + 2, RCPT_DEFERRED, 451, "later");
	ch[3].next_at = 1795000300;
	CHECK(store_send_record(st, is.id, ch, 4, &cause) == 0);
	CHECK(store_send_counts(st, is.id, &c, &cause) == 0);
	CHECK_INT(c.total, 4);
	CHECK_INT(c.n[RCPT_CONNECTING], 1);
	CHECK_INT(c.n[RCPT_SENT_DATA], 1);
	CHECK_INT(c.n[RCPT_BOUNCED], 1);
	CHECK_INT(c.n[RCPT_DEFERRED], 1);
	CHECK_INT(c.next_at, 1795000300);
	CHECK_INT(store_is_suppressed(st, "c@example.net", &cause), 1);
	CHECK_INT(store_is_suppressed(st, "d@example.net", &cause), 0);
	CHECK(store_send_last_event(st, is.id, &last, &cause) == 0);
	CHECK_INT(last > 0, 1);

	/* The engine died: connecting is queued again, sent-data unknown. */
	CHECK(store_send_recover(st, is.id, &n, &m, &cause) == 0);
	CHECK_INT(n, 1);
	CHECK_INT(m, 1);
	CHECK(store_send_counts(st, is.id, &c, &cause) == 0);
	CHECK_INT(c.n[RCPT_QUEUED], 1);
	CHECK_INT(c.n[RCPT_UNKNOWN], 1);
	CHECK_INT(c.n[RCPT_CONNECTING] + c.n[RCPT_SENT_DATA], 0);
	memset(&rows, 0, sizeof rows);
	CHECK(store_send_events(st, is.id, last, 0, rows_cb, &rows,
	    &cause) == 0);
	CHECK_INT(rows.n, 2);
	CHECK_STR(rows.state[0], "queued");
	CHECK_STR(rows.state[1], "unknown");
	/* Recovering again changes nothing. */
	CHECK(store_send_recover(st, is.id, &n, &m, &cause) == 0);
	CHECK_INT(n + m, 0);

	/* Due deferred ones: not before their time. */
	ids[0] = 0;
	CHECK(store_send_due(st, is.id, 0, 1795000299, 1, 10, due_cb, ids,
	    &cause) == 0);
	CHECK_INT(ids[0], 0);
	CHECK(store_send_due(st, is.id, 0, 1795000300, 1, 10, due_cb, ids,
	    &cause) == 0);
	CHECK_INT(ids[0], 1);

	/* The operator's decision: unknown ones queued again. */
	CHECK(store_send_retry_unknown(st, is.id, &n, &cause) == 0);
	CHECK_INT(n, 1);
	CHECK(store_send_counts(st, is.id, &c, &cause) == 0);
	CHECK_INT(c.n[RCPT_QUEUED], 2);
	CHECK_INT(c.n[RCPT_UNKNOWN], 0);

	memset(&rows, 0, sizeof rows);
	CHECK(store_send_rcpts(st, is.id, rows_cb, &rows, &cause) == 0);
	CHECK_INT(rows.n, 4);
	CHECK_STR(rows.rcpt[0], "a@example.org");
	CHECK_STR(rows.state[2], "bounced");
	CHECK_STR(rows.cls[2], "hard/user-unknown");

	CHECK(store_send_set_paused(st, is.id, 1, &cause) == 0);
	CHECK(store_send_paused(st, is.id, &added, &cause) == 0);
	CHECK_INT(added, 1);

	send_settings_free(&set);
	issue_free(&is);
	store_close(st);
	free(path);
}

/* Run SQL on the database file directly: a change no herald command may
 * make. */
static int
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;
	int	 rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* A send renders the text it started with, whatever happens to the
 * issue's row; the issue cannot be changed until the send is finished. */
static void
test_frozen(void)
{
	struct store		*st;
	struct issue		 is, got;
	struct send_settings	 set;
	struct recipient	 r;
	struct render_options	 o;
	struct buf		 msg;
	enum store_put		 put;
	uint64_t		 first;
	int64_t			 list, imp, queued, skipped, copy;
	char			*path, *cause = NULL, *sql;

	path = xprintf("%s/frozen.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, "readers", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 1, "a@example.org", "Ann", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);
	memset(&is, 0, sizeof is);
	is.list_id = list;
	is.from = xstrdup("News <news@example.org>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("Original news");
	is.body = xstrdup("Hello {{name}}, the ORIGINAL text.\n");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	CHECK(store_issue_add(st, &is, &cause) == 0);
	CHECK_INT(store_issue_busy(st, is.id, &cause), 0);

	send_settings_init(&set);
	CHECK(send_queue(st, &is, &set, &queued, &skipped, &cause) == 0);
	CHECK_INT(store_issue_busy(st, is.id, &cause), 1);

	/* Refused while the send is not finished, naming the way out. */
	free(is.subject);
	is.subject = xstrdup("Edited news");
	CHECK_INT(store_issue_update(st, &is, &cause), -1);
	sql = xprintf("herald issue copy %lld", (long long)is.id);
	CHECK(cause != NULL && strstr(cause, sql) != NULL);
	free(sql);
	free(cause);
	cause = NULL;
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Original news");
	issue_free(&got);

	/* The row changed underneath: the send's copy is what it renders. */
	sql = xprintf("UPDATE issues SET subject = 'Changed', body = "
	    "'the CHANGED text', from_hdr = 'Other <o@example.com>' "
	    "WHERE id = %lld", (long long)is.id);
	CHECK(raw_exec(path, sql) == 0);
	free(sql);
	CHECK(store_issue_get(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Changed");
	issue_free(&got);
	CHECK(store_issue_sent(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Original news");
	CHECK_STR(got.from, "News <news@example.org>");
	CHECK_INT(got.list_id, list);
	memset(&r, 0, sizeof r);
	r.addr = "a@example.org";
	r.name = "Ann";
	r.attrs = "{}";
	memset(&o, 0, sizeof o);
	o.date = 1795000000;
	o.token = "abcdefghijklmnopqrst";
	buf_init(&msg);
	CHECK(message_build(NULL, &got, &r, NULL, &o, &msg, &cause) == 0);
	buf_addc(&msg, '\0');
	CHECK(strstr(msg.data, "Subject: Original news\r\n") != NULL);
	CHECK(strstr(msg.data, "Hello Ann, the ORIGINAL text.") != NULL);
	CHECK(strstr(msg.data, "From: News <news@example.org>") != NULL);
	CHECK(strstr(msg.data, "CHANGED") == NULL);
	buf_free(&msg);
	issue_free(&got);

	/* A copy is a new issue, as stored, with no send: it can change. */
	CHECK(store_issue_copy(st, is.id, &copy, &cause) == 0);
	CHECK(copy != is.id);
	CHECK(store_issue_get(st, copy, &got, &cause) == 0);
	CHECK_STR(got.subject, "Changed");
	CHECK_STR(got.body, "the CHANGED text");
	CHECK_INT(got.list_id, list);
	CHECK_INT(store_issue_busy(st, copy, &cause), 0);
	free(got.subject);
	got.subject = xstrdup("Edited copy");
	CHECK(store_issue_update(st, &got, &cause) == 0);
	issue_free(&got);
	CHECK(store_issue_sent(st, copy, &got, &cause) == 0);
	CHECK_STR(got.subject, "Edited copy");
	issue_free(&got);
	CHECK_INT(store_issue_copy(st, 999, &copy, &cause), 1);

	/* Finished: the issue may change again; the send's copy does not. */
	CHECK(store_send_set_finished(st, is.id, 1795000000, &cause) == 0);
	CHECK_INT(store_issue_busy(st, is.id, &cause), 0);
	CHECK(store_issue_update(st, &is, &cause) == 0);
	CHECK(store_issue_sent(st, is.id, &got, &cause) == 0);
	CHECK_STR(got.subject, "Original news");
	issue_free(&got);

	send_settings_free(&set);
	issue_free(&is);
	store_close(st);
	free(path);
}

/* Append a member's address and a newline. */
static int
queue_addr_cb(const struct contact *c, void *arg)
{
	buf_printf(arg, "%s\n", c->addr);
	return 0;
}

/*
 * A database from before local parts were folded may hold two spellings
 * of one address: a send queues the first written only, unless
 * local_part_case is strict.
 */
static void
test_queue_case(void)
{
	struct store	*st;
	struct issue	 is;
	struct send_settings set;
	struct buf	 b;
	enum store_put	 put;
	uint64_t	 first;
	int64_t		 list, imp, queued, skipped;
	char		*path, *cause = NULL;

	path = xprintf("%s/case.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	store_set_case_strict(st, 1);
	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, "news", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 2, "ann.lee@tls.test", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 3, "ANN.LEE@tls.test", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_contact_put(st, list, imp, 4, "bob@tls.test", "", "{}",
	    &put, &first, &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);

	buf_init(&b);
	buf_adds(&b, "");
	CHECK(store_contacts_to_send(st, list, queue_addr_cb, &b,
	    &cause) == 0);
	CHECK_STR(b.data, "ANN.LEE@tls.test\nann.lee@tls.test\n"
	    "bob@tls.test\n");
	store_set_case_strict(st, 0);
	buf_reset(&b);
	buf_adds(&b, "");
	CHECK(store_contacts_to_send(st, list, queue_addr_cb, &b,
	    &cause) == 0);
	CHECK_STR(b.data, "ann.lee@tls.test\nbob@tls.test\n");
	buf_free(&b);

	memset(&is, 0, sizeof is);
	is.list_id = list;
	is.from = xstrdup("News <news@tls.test>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("Hello");
	is.body = xstrdup("Hi.\n");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	CHECK(store_issue_add(st, &is, &cause) == 0);
	send_settings_init(&set);
	CHECK(send_queue(st, &is, &set, &queued, &skipped, &cause) == 0);
	CHECK_INT(queued, 2);
	CHECK_INT(skipped, 0);
	send_settings_free(&set);
	issue_free(&is);
	store_close(st);
	free(path);
}

static void
test_lock(void)
{
	char	*db, *cause = NULL;

	db = xprintf("%s/l.db", dir);
	CHECK_INT(send_lock_held(db, 7, &cause), 0);
	CHECK_INT(send_lock_take(db, 7, &cause), 0);
	/* Held by this process: another description sees it held. */
	CHECK_INT(send_lock_held(db, 7, &cause), 1);
	CHECK_INT(send_lock_held(db, 8, &cause), 0);
	free(db);
}

int
main(void)
{
	char	*cmd;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_states();
	test_send_state();
	test_retry();
	test_dest_ctl();
	test_rate();
	test_settings();
	test_route_order();
	test_json();
	test_classes();
	test_store();
	test_frozen();
	test_queue_case();
	test_lock();
	cmd = xprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		test_failed++;
	free(cmd);
	TEST_END();
}
