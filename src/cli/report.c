/*
 * herald status ID and herald report ID, and following a send's events
 * (send --follow, resume --follow): everything here only reads the
 * database, as the console does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "report.h"
#include "send/send.h"
#include "base/json.h"
#include "mail/message.h"
#include "smtp/alert.h"
#include "smtp/reply_class.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "store/store_feedback.h"
#include "store/store_pacing.h"
#include "send/pace.h"
#include "base/utf8.h"

#define FOLLOW_POLL_MS	150	/* how often --follow looks for events */

/* Parse a send's id. */
int
send_id_arg(const char *s, int64_t *id)
{
	long long	v;

	if (parse_int(s, 1, INT64_MAX, &v) == -1) {
		cli_err(_("'%s': a send is named by its issue's id (herald "
		    "issue ls shows them)"), s);
		return EXIT_USAGE;
	}
	*id = (int64_t)v;
	return 0;
}

/* Open the store and load a send. */
int
send_load(struct cli_env *env, int64_t id, struct send_info *info)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = cli_store(env)) != 0)
		return rc;
	rc = store_send_get(env->store, id, info, &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("issue %lld has not been sent (herald send %lld "
		    "starts it)"), (long long)id, (long long)id);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* What the send subsystem needs of the command line's environment. */
void
send_ctx_cli(struct cli_env *env, struct send_ctx *ctx)
{
	ctx->st = env->store;
	ctx->cfg = env->cfg;
	ctx->db_path = env->db_path;
}

/* A send's state now. */
int
send_state_now(struct cli_env *env, int64_t id, struct send_counts *c,
    int *engine, enum send_state *state)
{
	struct send_ctx	 ctx;
	struct send_now	 now;
	char		*cause = NULL;

	send_ctx_cli(env, &ctx);
	if (send_state_read(&ctx, id, &now, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	*c = now.counts;
	*engine = now.engine;
	*state = now.state;
	return 0;
}

/* Local time as text. */
void
send_time(char *buf, size_t len, int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* Local time with its offset, for a time the operator typed. */
void
send_time_zone(char *buf, size_t len, int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* A time in JSON: UTC, ISO 8601. */
void
send_json_time(struct json *j, const char *key, int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	char		at[32];

	gmtime_r(&tt, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_put_str(j, key, at);
}

/* "in 4m 59s" */
static void
send_in(char *buf, size_t len, int64_t secs)
{
	if (secs <= 0)
		snprintf(buf, len, "%s", _("now"));
	else if (secs < 60)
		snprintf(buf, len, _("in %llds"), (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, _("in %lldm %llds"), (long long)secs / 60,
		    (long long)secs % 60);
	else
		snprintf(buf, len, _("in %lldh %lldm"), (long long)secs / 3600,
		    (long long)secs % 3600 / 60);
}

/* Print s with control characters shown as '?'. */
static void
send_put(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* One event as a line of text. */
static void
send_event_text(FILE *f, const struct send_event *e)
{
	char	at[32], next[32];

	send_time(at, sizeof at, e->at);
	fprintf(f, "%s %-10s ", at + 11, rcpt_state_name(e->state));
	send_put(f, e->rcpt);
	if (*e->mx != '\0' || *e->ip != '\0') {
		fputs(_(" via "), f);
		send_put(f, *e->mx != '\0' ? e->mx : e->ip);
		if (*e->ip != '\0') {
			fputs(" [", f);
			send_put(f, e->ip);
			fputc(']', f);
		}
	}
	if (*e->tls_version != '\0') {
		fputc(' ', f);
		send_put(f, e->tls_version);
		fputc(' ', f);
		send_put(f, e->tls_verify);
	} else if (*e->tls_verify != '\0')
		fputs(_(" plaintext"), f);
	if (e->code > 0)
		fprintf(f, " %d", e->code);
	if (*e->enhanced != '\0') {
		fputc(' ', f);
		send_put(f, e->enhanced);
	}
	if (*e->reply != '\0') {
		fputc(' ', f);
		send_put(f, e->reply);
	}
	if (e->cls != NULL && *e->cls != '\0') {
		fputs(" [", f);
		send_put(f, e->cls);
		fputs(": ", f);
		send_put(f, e->reason);
		fputc(']', f);
	}
	if (e->state == RCPT_DEFERRED && e->next_at != 0) {
		send_time(next, sizeof next, e->next_at);
		fprintf(f, _(" (next try %s)"), next + 11);
	}
	fputc('\n', f);
}

/* What following has printed. */
struct send_tail {
	struct cli_env	*env;
	int64_t		 last;
	int		 n;
};

/* Print one event: outcomes only (connecting and sent-data are for the
 * console's in-flight view). */
static int
send_tail_cb(const struct send_event *e, void *arg)
{
	struct send_tail	*t = arg;
	struct buf		 b;
	struct json		 j;

	t->last = e->id;
	t->n++;
	if (!rcpt_state_is_outcome(e->state))
		return 0;
	if (t->env->json) {
		buf_init(&b);
		json_init(&j, &b);
		send_event_json(&j, e);
		cli_json_out(&b);
		buf_free(&b);
	} else
		send_event_text(stdout, e);
	return 0;
}

/* Sleep ms milliseconds (interrupted by a signal: returns early). */
static void
send_sleep(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/* Say how a followed send stands, on out. */
static void
send_follow_end(FILE *out, struct cli_env *env, int64_t id,
    enum send_state state, const struct send_counts *c)
{
	struct send_classes	 cl;
	char			 at[32], in[32], *log, *cause = NULL, warn[256];

	switch (state) {
	case SEND_FINISHED:
		fprintf(out, _("send %lld finished: %lld delivered, %lld "
		    "bounced, %lld unknown\n"), (long long)id,
		    (long long)c->n[RCPT_DELIVERED],
		    (long long)c->n[RCPT_BOUNCED],
		    (long long)c->n[RCPT_UNKNOWN]);
		break;
	case SEND_WAITING:
		send_time(at, sizeof at, c->next_at);
		send_in(in, sizeof in, c->next_at - (int64_t)time(NULL));
		fprintf(out, _("send %lld waiting: %lld deferred; next attempt "
		    "at %s (%s); the engine keeps retrying in the background "
		    "(herald status %lld)\n"), (long long)id,
		    (long long)c->n[RCPT_DEFERRED], at, in, (long long)id);
		break;
	case SEND_PAUSED:
		fprintf(out, _("send %lld paused: herald resume %lld continues "
		    "it\n"), (long long)id, (long long)id);
		break;
	case SEND_INTERRUPTED:
		log = send_log_path(env->db_path, id);
		fprintf(out, _("send %lld interrupted: the engine stopped with "
		    "work left (its log: %s); herald resume %lld continues "
		    "it\n"), (long long)id, log, (long long)id);
		free(log);
		break;
	case SEND_RUNNING:
	case SEND_OUTSIDE:
		fprintf(out, _("send %lld goes on in the background (herald "
		    "status %lld)\n"), (long long)id, (long long)id);
		break;
	case SEND_SCHEDULED:
		fprintf(out, _("send %lld is scheduled (herald status %lld)\n"),
		    (long long)id, (long long)id);
		break;
	case SEND_HELD:
		fprintf(out, _("send %lld is held: a pre-send check failed at "
		    "its time (herald status %lld says which)\n"),
		    (long long)id, (long long)id);
		break;
	case SEND_CANCELLED:
		fprintf(out, _("send %lld was cancelled before its time\n"),
		    (long long)id);
		break;
	}
	if (store_send_classes(env->store, id, &cl, send_classes_add,
	    &cause) == -1)
		cli_fail(0, cause);
	else if (send_classes_warning(&cl, warn, sizeof warn))
		fprintf(out, _("warning: %s\n"), warn);
}

/* Follow a send's events until it no longer runs (or Ctrl-C). */
int
send_follow(struct cli_env *env, int64_t id, int64_t after)
{
	struct send_tail	 t;
	struct send_info	 info;
	struct send_counts	 c;
	enum send_state		 state;
	char			*cause = NULL;
	int			 rc, engine;

	memset(&t, 0, sizeof t);
	t.env = env;
	t.last = after;
	if ((rc = send_load(env, id, &info)) != 0)
		return rc;
	cli_catch_signals();
	for (;;) {
		/* The state first, then every event up to it: the events
		 * that led to that state were committed with it. */
		if ((rc = send_state_now(env, id, &c, &engine,
		    &state)) != 0) {
			send_info_free(&info);
			return rc;
		}
		do {
			t.n = 0;
			if (store_send_events(env->store, id, t.last, 1000,
			    send_tail_cb, &t, &cause) == -1) {
				send_info_free(&info);
				return cli_fail(EXIT_IOERR, cause);
			}
		} while (t.n == 1000);
		fflush(stdout);
		/* A paused send is followed until its engine has finished
		 * what was in flight. */
		if (state == SEND_FINISHED || state == SEND_WAITING ||
		    state == SEND_INTERRUPTED || state == SEND_SCHEDULED ||
		    state == SEND_HELD || state == SEND_CANCELLED ||
		    (state == SEND_PAUSED && !engine))
			break;
		if (cli_interrupted) {
			state = SEND_RUNNING;
			break;
		}
		send_sleep(FOLLOW_POLL_MS);
	}
	send_follow_end(env->json ? stderr : stdout, env, id, state, &c);
	send_info_free(&info);
	return state == SEND_INTERRUPTED ? EXIT_TEMPFAIL : 0;
}

/* TLS outcomes counted for the summary. */
struct send_tls_count {
	char	*domain;
	int64_t	 verified, trusted, untrusted, plain, dane;
};

struct send_tls {
	struct send_tls_count	 all;
	struct send_tls_count	*dom;
	size_t			 n;
};

/* Count one group of recipients by trust word. */
static void
send_tls_add(struct send_tls_count *t, const char *verify, const char *dane,
    int64_t n)
{
	if (strcmp(verify, "verified") == 0)
		t->verified += n;
	else if (strcmp(verify, "trusted") == 0)
		t->trusted += n;
	else if (strcmp(verify, "untrusted") == 0)
		t->untrusted += n;
	else
		t->plain += n;
	if (strcmp(dane, "validated") == 0)
		t->dane += n;
}

/* Collect the store's TLS groups (ordered by domain). */
static int
send_tls_cb(const char *domain, const char *verify, const char *dane,
    int64_t n, void *arg)
{
	struct send_tls	*s = arg;

	if (s->n == 0 || strcmp(s->dom[s->n - 1].domain, domain) != 0) {
		s->dom = xreallocarray(s->dom, s->n + 1, sizeof *s->dom);
		memset(&s->dom[s->n], 0, sizeof s->dom[s->n]);
		s->dom[s->n++].domain = xstrdup(domain);
	}
	send_tls_add(&s->dom[s->n - 1], verify, dane, n);
	send_tls_add(&s->all, verify, dane, n);
	return 0;
}

/* Free the summary. */
static void
send_tls_free(struct send_tls *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->dom[i].domain);
	free(s->dom);
}

/* Write a TLS count as members of the open object. */
static void
send_tls_json(struct json *j, const struct send_tls_count *t)
{
	json_put_int(j, "verified", t->verified);
	json_put_int(j, "trusted", t->trusted);
	json_put_int(j, "untrusted", t->untrusted);
	json_put_int(j, "plaintext", t->plain);
	json_put_int(j, "dane", t->dane);
}
/* Print a TLS count as text. */
static void
send_tls_text(const char *label, const struct send_tls_count *t)
{
	/* The label is padded by display width: it may be Japanese. */
	fputs("  ", stdout);
	cli_pad(label, 24, 0, " ");
	printf(_("%lld verified, %lld trusted, %lld untrusted, %lld "
	    "plaintext"), (long long)t->verified, (long long)t->trusted,
	    (long long)t->untrusted, (long long)t->plain);
	if (t->dane != 0)
		printf(_(" (%lld DANE)"), (long long)t->dane);
	printf("\n");
}

/* Write the settings as an object. */
static void
send_settings_json(struct json *j, const char *key,
    const struct send_settings *s)
{
	const struct send_limits	*l = &s->limits;

	json_open_object(j, key);
	json_put_str(j, "tls", tls_policy_name(s->policy));
	json_put_str(j, "relay", s->relay);
	json_put_str(j, "relay_user", s->relay_user);
	json_put_str(j, "helo", s->helo);
	json_put_str(j, "source_ip", s->source_ip);
	json_put_str(j, "resolver", s->resolver);
	json_put_str(j, "ca_file", s->ca_file);
	json_put_str(j, "envelope_from", s->envelope_from);
	json_put_str(j, "smtp_timeouts", s->smtp_timeouts);
	json_put_int(j, "smtp_port", s->smtp_port);
	json_put_int(j, "concurrency", l->concurrency);
	json_put_int(j, "per_domain", l->per_domain);
	json_put_int(j, "rate", l->rate);
	json_put_int(j, "per_connection", l->per_connection);
	json_put_int(j, "retry_first", l->retry_first);
	json_put_int(j, "retry_giveup", l->retry_giveup);
	json_close(j);
}
/* Write the TLS summary object: overall counts and "domains". */
static void
send_tls_doc(struct json *j, const char *key, const struct send_tls *tls)
{
	size_t	i;

	json_open_object(j, key);
	send_tls_json(j, &tls->all);
	json_open_array(j, "domains");
	for (i = 0; i < tls->n; i++) {
		json_open_object(j, NULL);
		json_put_str(j, "domain", tls->dom[i].domain);
		send_tls_json(j, &tls->dom[i]);
		json_close(j);
	}
	json_close(j);
	json_close(j);
}
/* What came back about a send: its figures and alerts. */
struct send_fb {
	struct fb_stats	 st;
	struct send_fb_alert {
		char	*provider, *reason, *text;
		int64_t	 count, first_at, last_at;
	}		*a;
	size_t		 n;
};

static int
send_fb_alert_cb(const struct fb_alert *al, void *arg)
{
	struct send_fb		*f = arg;
	struct send_fb_alert	*x;

	f->a = xreallocarray(f->a, f->n + 1, sizeof *f->a);
	x = &f->a[f->n++];
	x->provider = xstrdup(al->provider);
	x->reason = xstrdup(al->reason);
	x->text = xstrdup(al->text);
	x->count = al->count;
	x->first_at = al->first_at;
	x->last_at = al->last_at;
	return 0;
}

static int
send_fb_load(struct cli_env *env, int64_t id, struct send_fb *f,
    char **cause)
{
	memset(f, 0, sizeof *f);
	if (store_fb_stats(env->store, id, &f->st, cause) == -1 ||
	    store_fb_alerts(env->store, id, 0, send_fb_alert_cb, f,
	    cause) == -1)
		return -1;
	return 0;
}

static void
send_fb_free(struct send_fb *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		free(f->a[i].provider);
		free(f->a[i].reason);
		free(f->a[i].text);
	}
	free(f->a);
	memset(f, 0, sizeof *f);
}

/* n as a fraction of the delivered recipients (0 when none were). */
static double
send_fb_rate(const struct send_fb *f, int64_t n)
{
	return f->st.delivered > 0 ? (double)n / (double)f->st.delivered : 0;
}

static void
send_fb_put_rate(struct json *j, const char *key, double v)
{
	char	num[32];

	snprintf(num, sizeof num, "%.6g", v);
	json_put_raw(j, key, num);
}

static void
send_iso(char *out, size_t len, int64_t at)
{
	time_t		t = (time_t)at;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "feedback": {...} and "alerts": [...] into the open object. */
static void
send_fb_json(struct json *j, const struct send_fb *f)
{
	char	at[32];
	size_t	i;

	json_open_object(j, "feedback");
	json_put_int(j, "hard_bounces", f->st.hard);
	json_put_int(j, "soft_bounces", f->st.soft);
	json_put_int(j, "complaints", f->st.complaints);
	json_put_int(j, "unsubscribes", f->st.unsubscribes);
	json_put_int(j, "auto_replies", f->st.auto_replies);
	json_put_int(j, "unknown", f->st.unknown);
	send_fb_put_rate(j, "hard_bounce_rate", send_fb_rate(f, f->st.hard));
	send_fb_put_rate(j, "soft_bounce_rate", send_fb_rate(f, f->st.soft));
	send_fb_put_rate(j, "complaint_rate", send_fb_rate(f,
	    f->st.complaints));
	send_fb_put_rate(j, "unsubscribe_rate", send_fb_rate(f,
	    f->st.unsubscribes));
	json_close(j);
	json_open_array(j, "alerts");
	for (i = 0; i < f->n; i++) {
		json_open_object(j, NULL);
		json_put_str(j, "provider", f->a[i].provider);
		json_put_str(j, "reason", f->a[i].reason);
		json_put_str(j, "text", f->a[i].text);
		json_put_int(j, "count", f->a[i].count);
		send_iso(at, sizeof at, f->a[i].first_at);
		json_put_str(j, "first_at", at);
		send_iso(at, sizeof at, f->a[i].last_at);
		json_put_str(j, "last_at", at);
		json_close(j);
	}
	json_close(j);
}

/*
 * The figures as text lines, each starting with indent and a label of
 * width 11. Gmail's thresholds for complaints: at 0.1% a warning, at
 * 0.3% it refuses or files as spam.
 */
static void
send_fb_text(const struct send_fb *f, const char *indent)
{
	double	cr = send_fb_rate(f, f->st.complaints);
	char	at[32], words[512];
	size_t	i;

	/* One clause per count: each noun takes its own plural. Labels are
	 * padded by display width, as the translated ones of status are. */
	fputs(indent, stdout);
	cli_pad(_("feedback"), 11, 0, "");
	printf(ngettext("%lld hard bounce (%.2f%%)", "%lld hard bounces "
	    "(%.2f%%)", (unsigned long)f->st.hard), (long long)f->st.hard,
	    100 * send_fb_rate(f, f->st.hard));
	printf(_(", %lld soft (%.2f%%)"), (long long)f->st.soft,
	    100 * send_fb_rate(f, f->st.soft));
	printf(ngettext(", %lld complaint (%.2f%%)", ", %lld complaints "
	    "(%.2f%%)", (unsigned long)f->st.complaints),
	    (long long)f->st.complaints, 100 * cr);
	printf(ngettext(", %lld unsubscribe (%.2f%%)", ", %lld unsubscribes "
	    "(%.2f%%)", (unsigned long)f->st.unsubscribes),
	    (long long)f->st.unsubscribes,
	    100 * send_fb_rate(f, f->st.unsubscribes));
	printf(ngettext(", %lld auto-reply", ", %lld auto-replies",
	    (unsigned long)f->st.auto_replies), (long long)f->st.auto_replies);
	printf(_(", %lld unknown\n"), (long long)f->st.unknown);
	if (f->st.complaints > 0 && cr >= 0.001) {
		fputs(indent, stdout);
		cli_pad(_("complaints"), 11, 0, "");
		if (cr >= 0.003)
			printf(_("!! complaint rate %.2f%% is at or above "
			    "0.3%%: Gmail refuses or files as spam at this "
			    "rate; stop and clean the list\n"), 100 * cr);
		else
			printf(_("! complaint rate %.2f%% is at or above "
			    "0.1%%, Gmail's warning threshold (0.3%% is its "
			    "limit)\n"), 100 * cr);
	}
	for (i = 0; i < f->n; i++) {
		send_time(at, sizeof at, f->a[i].last_at);
		/* Stored in English (JSON shows that); said in the reader's. */
		alert_display(f->a[i].provider, f->a[i].reason, words,
		    sizeof words);
		fputs(indent, stdout);
		cli_pad(_("alert"), 11, 0, "");
		printf(ngettext("%s (%lld time, last %s)\n",
		    "%s (%lld times, last %s)\n",
		    (unsigned long)f->a[i].count), words,
		    (long long)f->a[i].count, at);
	}
}

/* What the law gate found missing when the send went ahead anyway: the
 * record is in English (NT), a line each. */
static void
send_law_print(const char *law, const char *indent)
{
	const char	*p, *nl;

	printf("%s", indent);
	printf(_("law gate overridden (herald send --i-know):\n"));
	for (p = law; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		printf("%s  %.*s\n", indent, (int)(nl - p), p);
	}
}

/* Each provider's pace as the running engine last wrote it. */
struct send_paces {
	struct send_pace {
		char	*provider, *state;
		int	 sessions, max_sessions, per_minute;
		int64_t	 next_try;
	}		*p;
	size_t		 n;
};

static int
send_pace_cb(const struct pacing_row *r, void *arg)
{
	struct send_paces	*ps = arg;
	struct send_pace	*x;

	ps->p = xreallocarray(ps->p, ps->n + 1, sizeof *ps->p);
	x = &ps->p[ps->n++];
	x->provider = xstrdup(r->provider);
	x->state = xstrdup(r->state);
	x->sessions = r->sessions;
	x->max_sessions = r->max_sessions;
	x->per_minute = r->per_minute;
	x->next_try = r->next_try;
	return 0;
}

static void
send_paces_free(struct send_paces *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		free(ps->p[i].provider);
		free(ps->p[i].state);
	}
	free(ps->p);
}

/* "providers": each provider's pace while the engine runs. */
static void
send_paces_json(struct json *j, const struct send_paces *ps)
{
	char		 at[32];
	time_t		 t;
	struct tm	 tm;
	size_t		 i;

	json_open_array(j, "providers");
	for (i = 0; i < ps->n; i++) {
		json_open_object(j, NULL);
		json_put_str(j, "name", ps->p[i].provider);
		json_put_str(j, "label", pace_label(ps->p[i].provider));
		json_put_str(j, "state", ps->p[i].state);
		json_put_int(j, "sessions", ps->p[i].sessions);
		json_put_int(j, "max_sessions", ps->p[i].max_sessions);
		json_put_int(j, "per_minute", ps->p[i].per_minute);
		t = (time_t)ps->p[i].next_try;
		if (t != 0 && gmtime_r(&t, &tm) != NULL &&
		    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0)
			json_put_str(j, "next_try", at);
		else
			json_put_null(j, "next_try");
		json_close(j);
	}
	json_close(j);
}

static void
send_paces_text(const struct send_paces *ps)
{
	struct pacing_row	r;
	char			line[512];
	size_t			i;

	for (i = 0; i < ps->n; i++) {
		memset(&r, 0, sizeof r);
		r.provider = ps->p[i].provider;
		r.state = ps->p[i].state;
		r.sessions = ps->p[i].sessions;
		r.max_sessions = ps->p[i].max_sessions;
		r.next_try = ps->p[i].next_try;
		pace_line(line, sizeof line, &r);
		printf(_("  provider   %s\n"), line);
	}
}

/* A send's timing in status --json: null where it has none. */
static void
send_timing_json(struct json *j, const struct send_now *now)
{
	int64_t	t = (int64_t)time(NULL);

	json_put_str(j, "schedule", *now->schedule != '\0' ? now->schedule :
	    now->scheduled_at != 0 ? "started" : "none");
	if (now->scheduled_at != 0)
		send_json_time(j, "scheduled_at", now->scheduled_at);
	else
		json_put_null(j, "scheduled_at");
	if (now->state == SEND_SCHEDULED)
		json_put_int(j, "starts_in", now->scheduled_at > t ?
		    now->scheduled_at - t : 0);
	else
		json_put_null(j, "starts_in");
	if (*now->held_reason != '\0')
		json_put_str(j, "held_reason", now->held_reason);
	else
		json_put_null(j, "held_reason");
	if (*now->window != '\0')
		json_put_str(j, "window", now->window);
	else
		json_put_null(j, "window");
	if (now->state == SEND_OUTSIDE)
		send_json_time(j, "window_opens", now->window_opens);
	else
		json_put_null(j, "window_opens");
}

/* A send's timing in status: the countdown, why it is held, its window. */
static void
send_timing_text(const struct send_now *now, int engine,
    const struct send_info *info)
{
	char	at[64], in[32];
	int64_t	t = (int64_t)time(NULL);

	if (now->scheduled_at != 0) {
		send_time_zone(at, sizeof at, now->scheduled_at);
		timing_countdown(t, now->scheduled_at, in, sizeof in);
		if (now->state == SEND_SCHEDULED && engine)
			printf(_("  starts     %s (in %s); pid %lld waits for "
			    "it; herald cancel %lld unschedules it\n"), at, in,
			    (long long)info->engine_pid, (long long)info->id);
		else if (now->state == SEND_SCHEDULED)
			printf(_("  starts     %s (in %s), but nothing waits "
			    "for it: herald resume --all re-arms it\n"), at,
			    in);
		else
			printf(_("  scheduled  for %s\n"), at);
	}
	if (now->state == SEND_HELD)
		printf(_("  held       %s\n  herald resume %lld sends it once "
		    "that is put right; herald cancel %lld gives it up\n"),
		    now->held_reason, (long long)info->id,
		    (long long)info->id);
	if (*now->window == '\0')
		return;
	if (now->state == SEND_OUTSIDE) {
		send_time_zone(at, sizeof at, now->window_opens);
		timing_countdown(t, now->window_opens, in, sizeof in);
		printf(_("  window     %s: outside it now; the engine waits "
		    "and sends again at %s (in %s)\n"), now->window, at, in);
	} else
		printf(_("  window     %s\n"), now->window);
}

/* herald status ID as JSON. */
static void
send_status_json(struct cli_env *env, const struct send_info *info,
    const struct issue *is, const struct send_counts *c, int engine,
    enum send_state state, const struct send_tls *tls,
    const struct send_classes *cl, const struct send_fb *fb,
    const char *law, const struct send_paces *ps, const struct send_now *now)
{
	struct buf	 b;
	struct json	 j;
	char		 at[32], warn[256];
	const char	*p, *q;
	enum reply_class rc;
	int		 k;

	cli_json_open(&j, &b);
	json_put_int(&j, "id", info->id);
	json_put_str(&j, "state", send_state_name(state));
	send_timing_json(&j, now);
	json_put_str(&j, "subject", is->subject);
	json_put_str(&j, "kind", is->kind != NULL ? is->kind : "notice");
	if (*law != '\0')
		json_put_str(&j, "law_override", law);
	else
		json_put_null(&j, "law_override");
	json_put_int(&j, "recipients", c->total);
	json_open_object(&j, "counts");
	for (k = 0; k < RCPT_NSTATES; k++)
		json_put_int(&j, rcpt_state_name((enum rcpt_state)k), c->n[k]);
	json_close(&j);
	json_put_int(&j, "in_flight", c->n[RCPT_CONNECTING] +
	    c->n[RCPT_SENT_DATA]);
	if (c->next_at != 0) {
		time_t		 t = (time_t)c->next_at;
		struct tm	 tm;

		gmtime_r(&t, &tm);
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_put_str(&j, "next_attempt", at);
	} else
		json_put_null(&j, "next_attempt");
	json_open_object(&j, "engine");
	json_put_bool(&j, "running", engine);
	if (engine && info->engine_pid != 0)
		json_put_int(&j, "pid", info->engine_pid);
	else
		json_put_null(&j, "pid");
	json_close(&j);
	send_tls_doc(&j, "tls", tls);
	send_paces_json(&j, ps);
	send_settings_json(&j, "settings", &info->set);
	/* Bounced recipients by class, and the sender's refusals. */
	json_open_object(&j, "bounced");
	for (rc = REPLY_HARD; rc <= REPLY_UNKNOWN; rc++)
		json_put_int(&j, reply_class_name(rc), cl->bounced[rc]);
	json_close(&j);
	json_put_int(&j, "sender_refused", cl->bounced[REPLY_SENDER]);
	json_put_int(&j, "sender_deferred", cl->sender_deferred);
	json_open_array(&j, "sender_reasons");
	for (p = cl->sender_reasons; *p != '\0'; p = *q != '\0' ? q + 2 : q) {
		q = p + strcspn(p, ",");
		snprintf(at, sizeof at, "%.*s", (int)(q - p), p);
		json_put_str(&j, NULL, at);
	}
	json_close(&j);
	if (send_classes_warning(cl, warn, sizeof warn))
		json_put_str(&j, "warning", warn);
	else
		json_put_null(&j, "warning");
	send_fb_json(&j, fb);
	cli_json_print(&j, &b);
	(void)env;
}

/* herald status ID as text. */
static void
send_status_text(struct cli_env *env, const struct send_info *info,
    const struct issue *is, const struct send_counts *c, int engine,
    enum send_state state, const struct send_tls *tls,
    const struct send_classes *cl, const struct send_fb *fb,
    const char *law, const struct send_paces *ps, const struct send_now *now)
{
	const struct send_settings	*s = &info->set;
	char				 at[32], in[32], *log, warn[256];

	printf(_("send %lld: %s\n"), (long long)info->id,
	    send_state_name(state));
	send_timing_text(now, engine, info);
	printf(_("  issue      "));
	send_put(stdout, is->subject);
	printf(_("\n  recipients %lld: %lld delivered, %lld in flight, %lld "
	    "queued, %lld deferred, %lld bounced, %lld unknown\n"),
	    (long long)c->total, (long long)c->n[RCPT_DELIVERED],
	    (long long)(c->n[RCPT_CONNECTING] + c->n[RCPT_SENT_DATA]),
	    (long long)c->n[RCPT_QUEUED], (long long)c->n[RCPT_DEFERRED],
	    (long long)c->n[RCPT_BOUNCED], (long long)c->n[RCPT_UNKNOWN]);
	if (c->n[RCPT_BOUNCED] > 0)
		printf(_("  bounced    %lld hard (address unknown or disabled: "
		    "suppressed), %lld soft, %lld refused as the sender, "
		    "%lld unclassified\n"),
		    (long long)cl->bounced[REPLY_HARD],
		    (long long)cl->bounced[REPLY_SOFT],
		    (long long)cl->bounced[REPLY_SENDER],
		    (long long)(cl->bounced[REPLY_UNKNOWN] +
		    cl->bounced[REPLY_NONE]));
	if (send_classes_warning(cl, warn, sizeof warn))
		printf(_("  warning    %s\n"), warn);
	if (*law != '\0')
		send_law_print(law, "  ");
	send_fb_text(fb, "  ");
	if (c->next_at != 0) {
		send_time(at, sizeof at, c->next_at);
		send_in(in, sizeof in, c->next_at - (int64_t)time(NULL));
		printf(_("  next try   %s (%s)\n"), at, in);
	}
	send_paces_text(ps);
	printf(_("  TLS        %lld verified, %lld trusted, %lld untrusted, "
	    "%lld plaintext\n"), (long long)tls->all.verified,
	    (long long)tls->all.trusted, (long long)tls->all.untrusted,
	    (long long)tls->all.plain);
	log = send_log_path(env->db_path, info->id);
	if (engine) {
		send_time(at, sizeof at, info->engine_at);
		printf(_("  engine     pid %lld since %s; log %s\n"),
		    (long long)info->engine_pid, at, log);
	} else
		printf(_("  engine     not running; log %s\n"), log);
	free(log);
	if (*s->relay != '\0')
		printf(_("  settings   tls %s, relay %s, %d sessions, %d per "
		    "destination, "), tls_policy_name(s->policy), s->relay,
		    s->limits.concurrency, s->limits.per_domain);
	else
		printf(_("  settings   tls %s, direct to MX port %d, %d "
		    "sessions, %d per "
		    "destination, "), tls_policy_name(s->policy),
		    s->smtp_port, s->limits.concurrency, s->limits.per_domain);
	if (s->limits.rate > 0)
		printf("%d/s, ", s->limits.rate);
	printf(_("retry after %llds, give up after %llds"),
	    (long long)s->limits.retry_first,
	    (long long)s->limits.retry_giveup);
	if (*s->smtp_timeouts != '\0')
		printf(_(", timeouts %s"), s->smtp_timeouts);
	printf("\n");
	if (state == SEND_INTERRUPTED || state == SEND_PAUSED)
		printf(_("  herald resume %lld continues it\n"),
		    (long long)info->id);
	if (c->n[RCPT_UNKNOWN] > 0)
		printf(_("  %lld unknown: handed to a server that never "
		    "answered the final dot; herald resume %lld "
		    "--retry-unknown sends them "
		    "again\n"), (long long)c->n[RCPT_UNKNOWN],
		    (long long)info->id);
}

/* herald status ID */
int
cmd_send_status(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct send_info	 info;
	struct send_counts	 c;
	struct send_classes	 cl;
	struct send_tls		 tls;
	struct send_fb		 fb;
	struct send_paces	 ps;
	struct send_ctx		 ctx;
	struct send_now		 now;
	struct issue		 is;
	enum send_state		 state;
	char			*cause = NULL, *law = NULL;
	int64_t			 id;
	int			 rc, engine;

	(void)cmd;
	memset(&fb, 0, sizeof fb);
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	memset(&tls, 0, sizeof tls);
	memset(&is, 0, sizeof is);
	memset(&ps, 0, sizeof ps);
	send_ctx_cli(env, &ctx);
	if (send_state_read(&ctx, id, &now, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	c = now.counts;
	engine = now.engine;
	state = now.state;
	/* A stopped engine's rows say how it left things, not how they
	 * are. */
	if (engine && store_pacing_list(env->store, id, send_pace_cb, &ps,
	    &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (store_send_tls(env->store, id, send_tls_cb, &tls, &cause) == -1 ||
	    store_send_classes(env->store, id, &cl, send_classes_add,
	    &cause) == -1 ||
	    store_issue_sent(env->store, id, &is, &cause) == -1 ||
	    send_fb_load(env, id, &fb, &cause) == -1 ||
	    store_send_law_override(env->store, id, &law, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (is.subject == NULL)
		is.subject = xstrdup("");
	if (env->json)
		send_status_json(env, &info, &is, &c, engine, state, &tls,
		    &cl, &fb, law, &ps, &now);
	else
		send_status_text(env, &info, &is, &c, engine, state, &tls,
		    &cl, &fb, law, &ps, &now);
out:
	send_paces_free(&ps);
	free(law);
	send_fb_free(&fb);
	issue_free(&is);
	send_tls_free(&tls);
	send_info_free(&info);
	return rc;
}

/* Append a CSV field (quoted when it needs to be). */
static void
send_csv(struct buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		buf_addc(b, '"');
		for (; *s != '\0'; s++) {
			if (*s == '"')
				buf_addc(b, '"');
			buf_addc(b, *s);
		}
		buf_addc(b, '"');
	} else
		buf_adds(b, s);
	buf_addc(b, last ? '\n' : ',');
}

/* One report row. */
static int
send_report_cb(const struct send_event *e, void *arg)
{
	struct cli_env	*env = arg;
	struct buf	 b;
	struct json	 j;
	char		 num[32], at[32], *cell;
	time_t		 t = (time_t)e->at;
	struct tm	 tm;
	int		 csv = env->json == 2, codew;

	buf_init(&b);
	if (env->json == 1) {
		json_init(&j, &b);
		send_event_json(&j, e);
		cli_json_out(&b);
	} else if (csv) {
		gmtime_r(&t, &tm);
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		send_csv(&b, e->rcpt, 0);
		send_csv(&b, rcpt_state_name(e->state), 0);
		send_csv(&b, e->mx, 0);
		send_csv(&b, e->ip, 0);
		send_csv(&b, e->tls_version, 0);
		send_csv(&b, e->tls_cipher, 0);
		send_csv(&b, *e->tls_verify != '\0' ? e->tls_verify : "none",
		    0);
		send_csv(&b, *e->tls_dane != '\0' ? e->tls_dane : "none", 0);
		snprintf(num, sizeof num, "%d", e->code);
		send_csv(&b, e->code > 0 ? num : "", 0);
		send_csv(&b, e->enhanced, 0);
		send_csv(&b, e->reply, 0);
		snprintf(num, sizeof num, "%d", e->attempts);
		send_csv(&b, num, 0);
		send_csv(&b, at, 0);
		send_csv(&b, e->cls, 0);
		send_csv(&b, e->reason, 1);
		fwrite(b.data, 1, b.len, stdout);
	} else {
		cell = utf8_fit(e->rcpt, 30, 1);
		printf("%s ", cell);
		free(cell);
		printf("%-10s ", rcpt_state_name(e->state));
		cell = utf8_fit(e->mx, 20, 1);
		printf("%s ", cell);
		free(cell);
		printf("%-15.15s %-7.7s %-9.9s ", e->ip, *e->tls_version !=
		    '\0' ? e->tls_version : "-", *e->tls_verify != '\0' ?
		    e->tls_verify : "-");
		/* Under its heading, which may be wider in Japanese: the
		 * column is 3 wide under the 4 of "CODE". */
		codew = utf8_width(_("CODE")) - 1;
		if (codew < 3)
			codew = 3;
		if (e->code > 0)
			printf("%*d ", codew, e->code);
		else
			printf("%*s ", codew, "-");
		if (*e->cls != '\0')
			buf_printf(&b, "[%s %s] ", e->cls, e->reason);
		buf_printf(&b, "%s%s%s", e->enhanced, *e->enhanced != '\0' ?
		    " " : "", e->reply);
		cell = utf8_fit(b.data != NULL ? b.data : "", 60, 1);
		printf("%s\n", trim(cell));
		free(cell);
	}
	buf_free(&b);
	return 0;
}

/* One recipient into the --json-doc array. */
static int
send_report_doc_cb(const struct send_event *e, void *arg)
{
	send_event_json(arg, e);
	return 0;
}
/* herald report ID --json-doc: one document, {"id","recipients":[the
 * objects of --json],"tls":{the summary of status --json}}. */
static int
send_report_doc(struct cli_env *env, int64_t id, struct send_tls *tls)
{
	struct buf	 b;
	struct json	 j;
	struct send_fb	 fb;
	char		*cause = NULL;

	if (send_fb_load(env, id, &fb, &cause) == -1) {
		send_fb_free(&fb);
		return cli_fail(EXIT_IOERR, cause);
	}
	cli_json_open(&j, &b);
	json_put_int(&j, "id", id);
	json_open_array(&j, "recipients");
	if (store_send_rcpts(env->store, id, send_report_doc_cb, &j,
	    &cause) == -1 || store_send_tls(env->store, id, send_tls_cb, tls,
	    &cause) == -1) {
		buf_free(&b);
		send_fb_free(&fb);
		return cli_fail(EXIT_IOERR, cause);
	}
	json_close(&j);
	send_tls_doc(&j, "tls", tls);
	send_fb_json(&j, &fb);
	send_fb_free(&fb);
	cli_json_print(&j, &b);
	return 0;
}

/* herald report ID */
int
cmd_send_report(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct send_info	 info;
	struct send_tls		 tls;
	struct send_classes	 cl;
	struct send_fb		 fb;
	char			*cause = NULL, warn[256], *law;
	int64_t			 id;
	size_t			 i;
	int			 rc, json = env->json;

	/* One output form: a second one would be ignored unsaid. */
	if ((cli_opt(cmd, a, "csv") != NULL) + (cli_opt(cmd, a, "json-doc") !=
	    NULL) + (json != 0) > 1) {
		cli_err(_("report: choose one of --csv, --json and "
		    "--json-doc"));
		return EXIT_USAGE;
	}
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	memset(&tls, 0, sizeof tls);
	if (cli_opt(cmd, a, "json-doc") != NULL) {
		rc = send_report_doc(env, id, &tls);
		goto out;
	}
	if (cli_opt(cmd, a, "csv") != NULL) {
		env->json = 2;
		printf("rcpt,state,mx,ip,tls_version,tls_cipher,tls_verify,"
		    "tls_dane,code,enhanced,reply,attempts,at,class,reason\n");
	} else if (!json) {
		/* TRANSLATORS: column headings of herald report. */
		cli_pad(_("RCPT"), 30, 0, " ");
		cli_pad(_("STATE"), 10, 0, " ");
		cli_pad(_("MX"), 20, 0, " ");
		cli_pad(_("IP"), 15, 0, " ");
		cli_pad(_("TLS"), 7, 0, " ");
		cli_pad(_("VERIFY"), 9, 0, " ");
		cli_pad(_("CODE"), 3, 1, " ");
		printf("%s\n", _("REPLY"));
	}
	rc = store_send_rcpts(env->store, id, send_report_cb, env, &cause);
	env->json = json;
	if (rc == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (!json && cli_opt(cmd, a, "csv") == NULL) {
		if (store_send_tls(env->store, id, send_tls_cb, &tls,
		    &cause) == -1 || store_send_classes(env->store, id, &cl,
		    send_classes_add, &cause) == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
		if (send_classes_warning(&cl, warn, sizeof warn))
			printf("\n%s\n", warn);
		if (store_send_law_override(env->store, id, &law,
		    &cause) == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
		if (*law != '\0') {
			printf("\n");
			send_law_print(law, "");
		}
		free(law);
		if (send_fb_load(env, id, &fb, &cause) == -1) {
			send_fb_free(&fb);
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
		printf(_("\nWhat came back:\n"));
		send_fb_text(&fb, "  ");
		send_fb_free(&fb);
		printf(_("\nTLS (recipients whose server answered):\n"));
		send_tls_text(_("all destinations"), &tls.all);
		for (i = 0; i < tls.n; i++)
			send_tls_text(tls.dom[i].domain, &tls.dom[i]);
	}
	rc = 0;
out:
	send_tls_free(&tls);
	send_info_free(&info);
	return rc;
}
