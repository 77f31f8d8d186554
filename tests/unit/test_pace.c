/*
 * Provider-aware pacing's pure pieces: the providers' table (MX host
 * suffixes to providers), the provider.NAME / pace.DOMAIN value syntax,
 * the replies that mean "too fast" (reply_throttled), and the back-off
 * arithmetic (pace.h: halve and hold on a throttle, one step back per
 * round of deliveries, the rate's spacing).
 */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "base/util.h"
#include "mail/issue_types.h"
#include "send/pace.h"
#include "send/state.h"
#include "store/store.h"
#include "store/store_pacing.h"
#include "smtp/provider.h"
#include "smtp/reply_class.h"

static const char *
prov(const char *mx)
{
	const struct provider	*p = provider_of_mx(mx);

	return p != NULL ? p->name : "-";
}

static void
test_table(void)
{
	/* Google: gmail.com's MX and a Workspace domain's. */
	CHECK_STR(prov("gmail-smtp-in.l.google.com"), "google");
	CHECK_STR(prov("ASPMX.L.GOOGLE.COM."), "google");
	CHECK_STR(prov("alt1.aspmx.l.google.com"), "google");
	CHECK_STR(prov("gmr-smtp-in.l.googlemail.com"), "google");
	/* Microsoft: Outlook.com and Microsoft 365. */
	CHECK_STR(prov("hotmail-com.olc.protection.outlook.com"), "microsoft");
	CHECK_STR(prov("example-org.mail.protection.outlook.com"),
	    "microsoft");
	CHECK_STR(prov("mx1.hotmail.com"), "microsoft");
	/* Yahoo (and AOL, on the same hosts). */
	CHECK_STR(prov("mta5.am0.yahoodns.net"), "yahoo");
	CHECK_STR(prov("mx-aol.mail.gm0.yahoodns.net."), "yahoo");
	/* Apple. */
	CHECK_STR(prov("mx01.mail.icloud.com"), "apple");
	CHECK_STR(prov("mx1.mail.me.com"), "apple");
	/* The Japanese carriers. */
	CHECK_STR(prov("mfsmax.docomo.ne.jp"), "docomo");
	CHECK_STR(prov("lsean.ezweb.ne.jp"), "au");
	CHECK_STR(prov("mx.au.com"), "au");
	CHECK_STR(prov("mx01.kddi.com"), "au");
	CHECK_STR(prov("mx.softbank.ne.jp"), "softbank");
	CHECK_STR(prov("mx.i.softbank.jp"), "softbank");
	/* A suffix counts on a label boundary only, and nothing else. */
	CHECK_STR(prov("mx.notgoogle.com"), "-");
	CHECK_STR(prov("google.com.evil.test"), "-");
	CHECK_STR(prov("mx1.lab-yahoodns.net"), "-");
	CHECK_STR(prov("mx.example.org"), "-");
	CHECK_STR(prov(""), "-");
	CHECK(provider_of_mx(NULL) == NULL);
	CHECK(provider_find("Yahoo") == provider_of_mx("yahoodns.net"));
	CHECK(provider_find("nosuch") == NULL);
	/* Every provider has limits and an MX suffix. */
	for (const struct provider *p = providers; p->name != NULL; p++) {
		CHECK(p->def.sessions >= 1);
		CHECK(p->def.per_session >= 1);
		CHECK(p->mx[0] != NULL);
		CHECK(provider_of_mx(p->mx[0]) == p);
	}
}

static void
test_parse(void)
{
	struct pace	 p, base = { 3, 20, 120 };
	char		*cause = NULL;

	CHECK_INT(pace_parse("sessions=2 per_session=20 per_minute=60", &p,
	    NULL), 0);
	CHECK_INT(p.sessions, 2);
	CHECK_INT(p.per_session, 20);
	CHECK_INT(p.per_minute, 60);
	CHECK_INT(pace_parse(" per_minute=30,sessions=1 ", &p, NULL), 0);
	CHECK_INT(p.sessions, 1);
	CHECK_INT(p.per_session, 0);
	CHECK_INT(p.per_minute, 30);
	pace_apply(&base, &p);
	CHECK_INT(base.sessions, 1);
	CHECK_INT(base.per_session, 20);	/* kept: not set */
	CHECK_INT(base.per_minute, 30);
	CHECK_INT(pace_parse("sessions=0", &p, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "sessions") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(pace_parse("speed=3", &p, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "speed") != NULL);
	free(cause);
	CHECK_INT(pace_parse("sessions", &p, NULL), -1);
	CHECK_INT(pace_parse("sessions=two", &p, NULL), -1);
	CHECK_INT(pace_parse("", &p, NULL), -1);
	CHECK_INT(pace_parse(" , ", &p, NULL), -1);
}

static void
test_throttled(void)
{
	/* The providers' own words. */
	CHECK(reply_throttled(421, "4.7.0", "[TSS04] Messages from "
	    "192.0.2.1 temporarily deferred due to unexpected volume or user "
	    "complaints - 4.16.55.1"));
	CHECK(reply_throttled(421, "4.7.0", "[TS03] All messages from "
	    "192.0.2.1 will be permanently deferred"));
	CHECK(reply_throttled(450, "4.7.28", "Gmail has detected an unusual "
	    "rate of unsolicited mail originating from your IP address."));
	CHECK(reply_throttled(421, "4.7.28", "Our system has detected an "
	    "unusual rate of unsolicited mail"));
	CHECK(reply_throttled(421, "4.7.0", "Try again later, closing "
	    "connection."));
	CHECK(reply_throttled(451, "4.7.650", "The mail server [192.0.2.1] "
	    "has been temporarily rate limited due to IP reputation."));
	CHECK(reply_throttled(451, "4.7.500", "Server busy. Please try again "
	    "later from [192.0.2.1]."));
	CHECK(reply_throttled(421, "4.7.0", "Too many connections from your "
	    "host"));
	CHECK(reply_throttled(450, "", "too many messages, slow down"));
	/* Not throttling: greylisting, a full mailbox, a 5xx, a plain
	 * temporary failure, a success. */
	CHECK(!reply_throttled(450, "4.7.1", "Greylisted, please try again "
	    "later"));
	CHECK(!reply_throttled(452, "4.2.2", "mailbox full"));
	CHECK(!reply_throttled(451, "4.3.0", "try again later"));
	CHECK(!reply_throttled(550, "5.7.28", "rate limited"));
	CHECK(!reply_throttled(250, "2.0.0", "OK"));
	CHECK(!reply_throttled(0, NULL, NULL));
	CHECK(!reply_throttled(451, NULL, NULL));
}

static void
test_aimd(void)
{
	struct pace_ctl	 c;
	struct pace	 max = { 4, 50, 120 };
	uint64_t	 now = 1000000;
	int		 i;

	pace_init(&c, &max);
	CHECK_INT(c.sessions, 4);
	CHECK_INT(c.per_minute, 120);
	CHECK_STR(pace_state_name(pace_state(&c, now)), "normal");
	CHECK(pace_can_open(&c, 3, now));
	CHECK(!pace_can_open(&c, 4, now));

	/* A throttle halves sessions and rate and holds a minute. */
	CHECK_INT(pace_throttle(&c, now), 1);
	CHECK_INT(c.sessions, 2);
	CHECK_INT(c.per_minute, 60);
	CHECK_INT(c.hold_until, now + 60000);
	CHECK_STR(pace_state_name(pace_state(&c, now)), "throttled");
	CHECK(!pace_can_open(&c, 0, now + 59999));
	CHECK(pace_can_open(&c, 1, now + 60000));
	CHECK(!pace_can_open(&c, 2, now + 60000));
	/* The other sessions' deferrals in the same hold: once. */
	CHECK_INT(pace_throttle(&c, now + 10), 0);
	CHECK_INT(c.sessions, 2);

	/* Throttled again right after the hold: halved to one, held twice
	 * as long; then four times as long. */
	now += 60000;
	CHECK_INT(pace_throttle(&c, now), 1);
	CHECK_INT(c.sessions, 1);
	CHECK_INT(c.per_minute, 30);
	CHECK_INT(c.hold_until, now + 120000);
	now += 120000;
	CHECK_INT(pace_throttle(&c, now), 1);
	CHECK_INT(c.sessions, 1);		/* never below one */
	CHECK_INT(c.hold_until, now + 240000);
	for (i = 0; i < 10; i++) {
		now = c.hold_until;
		pace_throttle(&c, now);
	}
	CHECK_INT(c.hold_until - now, PACE_HOLD_MAX * 1000);
	now = c.hold_until;
	CHECK_STR(pace_state_name(pace_state(&c, now)), "slowed");

	/* Deliveries: a step up per round (one round: as many deliveries
	 * as sessions), a session and a tenth of the rate at a time. */
	CHECK_INT(c.per_minute, 1);
	pace_ok(&c);
	CHECK_INT(c.sessions, 2);
	CHECK_INT(c.per_minute, 13);
	CHECK_INT(c.strikes, 0);		/* forgiven */
	pace_ok(&c);
	CHECK_INT(c.sessions, 2);		/* half a round */
	pace_ok(&c);
	CHECK_INT(c.sessions, 3);
	CHECK_INT(c.per_minute, 25);
	for (i = 0; i < 100; i++)
		pace_ok(&c);
	CHECK_INT(c.sessions, 4);		/* never above the limits */
	CHECK_INT(c.per_minute, 120);
	CHECK_STR(pace_state_name(pace_state(&c, now)), "normal");
	/* Forgiven: the next throttle holds a minute again. */
	CHECK_INT(pace_throttle(&c, now), 1);
	CHECK_INT(c.hold_until, now + 60000);
}

static void
test_rate(void)
{
	struct pace_ctl	 c;
	struct pace	 max = { 2, 10, 60 }, none = { 2, 10, 0 };
	uint64_t	 now = 5000;

	pace_init(&c, &max);
	/* 60 a minute: one a second, no credit saved up. */
	CHECK_INT(pace_rate_take(&c, now), 0);
	CHECK_INT(pace_rate_wait(&c, now), 1000);
	CHECK_INT(pace_rate_take(&c, now + 400), 600);
	CHECK_INT(pace_rate_take(&c, now + 1000), 0);
	CHECK_INT(pace_rate_take(&c, now + 9000), 0);
	CHECK_INT(pace_rate_take(&c, now + 9001), 999);
	/* No limit: never a wait; a throttle sets one (half of thirty a
	 * session), and deliveries lift it again. */
	pace_init(&c, &none);
	CHECK_INT(pace_rate_take(&c, now), 0);
	CHECK_INT(pace_rate_take(&c, now), 0);
	pace_throttle(&c, now);
	CHECK_INT(c.per_minute, 30);
	CHECK(pace_rate_take(&c, now) == 0 && pace_rate_take(&c, now) > 0);
	while (c.per_minute != 0 && c.oks < 1000)
		pace_ok(&c);
	CHECK_INT(c.per_minute, 0);
	CHECK_STR(pace_state_name(pace_state(&c, c.hold_until)), "normal");
}

struct rows {
	char	 text[1024];
	int	 n;
};

static int
rows_cb(const struct pacing_row *r, void *arg)
{
	struct rows	*rs = arg;
	size_t		 len = strlen(rs->text);

	snprintf(rs->text + len, sizeof rs->text - len, "%s%s %s %d/%d %d %lld",
	    rs->n++ > 0 ? "; " : "", r->provider, r->state, r->sessions,
	    r->max_sessions, r->per_minute, (long long)r->next_try);
	return 0;
}

/* send_pacing: kept per send and provider (replaced, not added), listed
 * throttled first, cleared when an engine starts. */
static void
test_store(void)
{
	struct store		*st = NULL;
	struct issue		 is;
	struct send_settings	 set;
	struct pacing_row	 r;
	struct rows		 rs;
	char			 path[] = "/tmp/herald-pace-XXXXXX", *db;
	char			*cause = NULL;
	int			 fd;

	if ((fd = mkstemp(path)) == -1)
		return;
	close(fd);
	unlink(path);
	db = xprintf("%s.db", path);
	CHECK(store_open(db, &st, &cause) == 0);
	if (st == NULL)
		return;
	memset(&is, 0, sizeof is);
	is.from = xstrdup("News <news@example.net>");
	is.reply_to = xstrdup("");
	is.subject = xstrdup("News");
	is.body = xstrdup("Hi\n");
	is.unsubscribe = xstrdup("");
	is.encoding = xstrdup("auto");
	CHECK(store_issue_add(st, &is, &cause) == 0);
	send_settings_init(&set);
	CHECK(store_send_create(st, is.id, &set, &cause) == 0);
	send_settings_free(&set);

	memset(&r, 0, sizeof r);
	r.provider = "google";
	r.state = "normal";
	r.sessions = r.max_sessions = 5;
	r.per_minute = 600;
	r.updated_at = 100;
	CHECK(store_pacing_put(st, is.id, &r, &cause) == 0);
	r.provider = "yahoo";
	r.state = "slowed";
	r.sessions = 2;
	r.max_sessions = 3;
	r.per_minute = 60;
	CHECK(store_pacing_put(st, is.id, &r, &cause) == 0);
	r.state = "throttled";
	r.sessions = 1;
	r.per_minute = 30;
	r.next_try = 1234;
	CHECK(store_pacing_put(st, is.id, &r, &cause) == 0);
	memset(&rs, 0, sizeof rs);
	CHECK(store_pacing_list(st, is.id, rows_cb, &rs, &cause) == 0);
	CHECK_STR(rs.text, "yahoo throttled 1/3 30 1234; google normal 5/5 "
	    "600 0");
	memset(&rs, 0, sizeof rs);
	CHECK(store_pacing_list(st, is.id + 1, rows_cb, &rs, &cause) == 0);
	CHECK_INT(rs.n, 0);
	CHECK(store_pacing_clear(st, is.id, &cause) == 0);
	memset(&rs, 0, sizeof rs);
	CHECK(store_pacing_list(st, is.id, rows_cb, &rs, &cause) == 0);
	CHECK_INT(rs.n, 0);
	issue_free(&is);
	store_close(st);
	unlink(db);
	free(db);
}

int
main(void)
{
	test_table();
	test_parse();
	test_throttled();
	test_aimd();
	test_rate();
	test_store();
	TEST_END();
}
