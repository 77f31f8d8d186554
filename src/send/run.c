/*
 * The engine's life: setting up (settings, issue, TLS, workers), the
 * tick (signals, a pause asked for, deferred recipients due again, idle
 * destinations), running the loop, and putting everything away.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "commit.h"
#include "engine.h"
#include "lock.h"
#include "law.h"
#include "mail/footer.h"
#include "run.h"
#include "schedule.h"
#include "session.h"
#include "setup.h"
#include "workers.h"
#include "auth/dkim.h"
#include "auth/dnssec.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "mail/message.h"
#include "store/store.h"
#include "store/store_pacing.h"
#include "store/store_timing.h"
#include "smtp/tls.h"

#define ENGINE_WINDOW		1000	/* recipients held at once */
#define ENGINE_TICK_MS		250	/* pause, signals, retries, holds */
#define ENGINE_DEST_GC_MS	60000	/* an empty destination is freed */

static volatile sig_atomic_t engine_signalled;

/* A line in the engine's log (its standard error, the file beside the
 * database): the time, the send, the message. Never a password. */
void
engine_log(struct engine *e, const char *fmt, ...)
{
	char		 at[32];
	time_t		 t = time(NULL);
	struct tm	 tm;
	va_list		 ap;

	if (e->test)
		return;		/* the command says what matters */
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		at[0] = '\0';
	fprintf(stderr, NT("%s herald engine: send %lld: "), at, (long long)e->id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Note a termination signal; the tick drains the engine. */
static void
engine_on_signal(int sig)
{
	(void)sig;
	engine_signalled = 1;
}

/* The earliest deferred attempt, from the store. */
static int
engine_next_due(struct engine *e, char **cause)
{
	struct send_counts	c;

	if (store_send_counts(e->st, e->id, &c, cause) == -1)
		return -1;
	e->next_due = c.next_at;
	/* Rows still waiting for the committer would look queued. */
	if (c.n[RCPT_QUEUED] > 0 && e->at_end && e->nwindow == 0 &&
	    (e->cm == NULL || committer_idle(e->cm))) {
		e->at_end = 0;	/* queued behind our back: take them up */
		e->cursor = 0;
	}
	return 0;
}

/* Take up the deferred recipients whose time has come. */
static int
engine_retry(struct engine *e, char **cause)
{
	int	room = e->window_max - e->nwindow;

	/* A deferral still waiting for the committer would be taken up
	 * again from its old row: wait for the next tick. */
	if (e->next_due == 0 || (int64_t)time(NULL) < e->next_due ||
	    e->draining || e->closed || room <= 0 ||
	    (e->cm != NULL && !committer_idle(e->cm)))
		return 0;
	if (store_send_due(e->st, e->id, 0, (int64_t)time(NULL), 1, room,
	    engine_take, e, cause) == -1)
		return -1;
	if (engine_flush(e) == -1)
		return -1;
	return engine_next_due(e, cause);
}

/* Free destinations nobody has used for a while. */
static void
engine_gc(struct engine *e)
{
	struct hashtab_iter	 it;
	struct dest		*d;
	uint64_t		 now = engine_now(e);

	/* The walk allows freeing the destination it is on. */
	hashtab_first(&e->dests, &it);
	while ((d = hashtab_next(&e->dests, &it)) != NULL) {
		if (!dest_unused(d) || d->queued) {
			d->empty_since = 0;
			continue;
		}
		if (d->empty_since == 0)
			d->empty_since = now;
		else if (now - d->empty_since > ENGINE_DEST_GC_MS &&
		    d->dead_until <= now)
			dest_free(e, d);
	}
}

/*
 * Outside the send window no transaction starts and no recipient is
 * taken up (deferred ones neither: their time waits for the window);
 * those in flight finish, and the engine stays, to go on as it opens.
 */
static void
engine_window(struct engine *e)
{
	struct hashtab_iter	 it;
	struct dest		*d;
	char			 at[32], text[48];
	int64_t			 now = (int64_t)time(NULL), next;
	time_t			 t;
	struct tm		 tm;

	if (!e->has_win || e->test)
		return;
	if (!timing_window_open(&e->win, now)) {
		if (e->closed)
			return;
		e->closed = 1;
		timing_window_format(&e->win, text, sizeof text);
		next = timing_window_next(&e->win, now);
		t = (time_t)next;
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm) == 0)
			at[0] = '\0';
		engine_log(e, _("outside the send window %s: no new "
		    "transactions until %s"), text, at);
		return;
	}
	if (!e->closed)
		return;
	e->closed = 0;
	engine_log(e, _("the send window is open: sending"));
	e->want_fill = 1;
	hashtab_first(&e->dests, &it);
	while ((d = hashtab_next(&e->dests, &it)) != NULL)
		engine_wake(e, d);
}

/* Begin to stop: no new transactions; those in flight finish. */
static void
engine_drain(struct engine *e, const char *why)
{
	if (e->draining)
		return;
	engine_log(e, ngettext("%s: finishing %d session",
	    "%s: finishing %d sessions", (unsigned long)e->nsessions), why,
	    e->nsessions);
	e->draining = 1;
	sess_drain(e);
}

/* Every ENGINE_TICK_MS: signals, a pause, retries due, destinations. */
static void
engine_tick(void *arg)
{
	struct engine	*e = arg;
	char		*cause = NULL;
	int		 paused;

	e->tick = NULL;
	if (engine_signalled)
		engine_drain(e, _("signalled"));
	if (e->test) {
		if (e->test_stop != NULL && *e->test_stop &&
		    !e->test_stopped) {
			/* Interrupted: no new session, and the one under
			 * way closed now; the loop stops once it is gone. */
			struct sess	*sess;

			e->test_stopped = 1;
			e->draining = 1;
			TAILQ_FOREACH(sess, &e->sessions, all)
				smtp_abort(sess->s);
		}
		engine_gc(e);
		e->tick = loop_timer_add(e->loop, ENGINE_TICK_MS, engine_tick,
		    e);
		return;
	}
	if (store_send_paused(e->st, e->id, &paused, &cause) == -1) {
		engine_log(e, "%s", cause);
		free(cause);
		cause = NULL;
	} else if (paused)
		engine_drain(e, _("paused"));
	engine_window(e);
	if (engine_retry(e, &cause) == -1) {
		free(e->error);
		e->error = cause;
		engine_abort(e);
		return;
	}
	engine_gc(e);
	pacing_write(e);
	e->tick = loop_timer_add(e->loop, ENGINE_TICK_MS, engine_tick, e);
}

/* Tell the process that started us how it went, once. */
static void
engine_ready(int fd, const char *msg)
{
	size_t	len = strlen(msg);
	ssize_t	n;

	if (fd == -1)
		return;
	while (len > 0) {
		n = write(fd, msg, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		msg += n;
		len -= (size_t)n;
	}
	close(fd);
}

/* Read the relay password from fd (at most 1 KB, one line). */
static char *
engine_password(int fd)
{
	char	 buf[1024], *pw;
	size_t	 len = 0;
	ssize_t	 n;

	if (fd == -1)
		return NULL;
	while (len < sizeof buf - 1) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	pw = *buf != '\0' ? xstrdup(buf) : NULL;
	explicit_bzero(buf, sizeof buf);
	return pw;
}

/* Parse --source-ip into the address for its family. */
static int
engine_source(struct engine *e, char **cause)
{
	const char		*ip = e->info.set.source_ip;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&e->src4;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&e->src6;

	if (*ip == '\0')
		return 0;
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		e->src4len = sizeof *sin;
	} else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		e->src6len = sizeof *sin6;
	} else
		return set_cause(cause, _("source address '%s' is not an IP "
		    "address"), ip);
	return 0;
}

/*
 * auto: the anchor DANE validates from. A configured one is used as it
 * is; the default root key only when the resolver proves a signed
 * delegation from it ("arpa" DS), since a resolver that cannot (a lab's,
 * or one that strips signatures) would make every lookup bogus and defer
 * everything. Without an anchor DANE is off and MTA-STS or may apply.
 */
static void
engine_auto_anchor(struct engine *e, struct dns_options *o)
{
	struct dns_options	 probe = *o;
	struct dns_answer	 a;
	struct dns		*dns;
	enum dnssec_state	 sec = DNSSEC_FAILED;
	char			*why = NULL;

	if (e->dnssec_anchor != NULL && *e->dnssec_anchor != '\0') {
		if (access(e->dnssec_anchor, R_OK) == 0) {
			o->dnssec_anchor = e->dnssec_anchor;
			return;
		}
		engine_log(e, _("tls auto: the DNSSEC trust anchor %s cannot "
		    "be read (%s): DANE is off"), e->dnssec_anchor,
		    strerror(errno));
		return;
	}
	if (access(ENGINE_DNSSEC_ANCHOR, R_OK) == -1)
		return;
	probe.dnssec_anchor = ENGINE_DNSSEC_ANCHOR;
	if ((dns = dns_open(&probe, &why)) != NULL) {
		memset(&a, 0, sizeof a);
		sec = dnssec_query(dns, "arpa", DNS_DS, &a, &why);
		dns_answer_free(&a);
		dns_close(dns);
	}
	if (sec == DNSSEC_SECURE) {
		o->dnssec_anchor = ENGINE_DNSSEC_ANCHOR;
		engine_log(e, _("tls auto: TLSA records validated from the "
		    "DNSSEC trust anchor %s"), ENGINE_DNSSEC_ANCHOR);
	} else
		engine_log(e, _("tls auto: the resolver cannot validate DNSSEC "
		    "from %s (%s): DANE is off, MTA-STS and may apply"),
		    ENGINE_DNSSEC_ANCHOR, why != NULL ? why :
		    dnssec_state_name(sec));
	free(why);
}

/* Set the engine up from its settings (e->info): issue, TLS, workers,
 * relay, source. */
static int
engine_setup(struct engine *e, char **cause)
{
	struct workers_setup	 ws;
	struct send_settings	*set = &e->info.set;
	char			*domain = NULL, *why;
	long			 ncpu;
	int			 rc;

	e->lim = &set->limits;
	e->issue = xcalloc(1, sizeof *e->issue);
	if ((rc = store_issue_sent(e->st, e->id, e->issue, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("no issue %lld"), (long long)e->id);
		return -1;
	}
	if (engine_source(e, cause) == -1)
		return -1;
	if (*set->relay != '\0' && send_relay_parse(set->relay,
	    e->relay_host, &e->relay_port, cause) == -1)
		return -1;
	if (smtp_timeouts_parse(set->smtp_timeouts, &e->timeouts,
	    cause) == -1)
		return -1;
	if ((e->tls = tls_ctx_new(*set->ca_file != '\0' ? set->ca_file : NULL,
	    cause)) == NULL)
		return -1;
	if ((domain = message_from_domain(e->issue, cause)) == NULL)
		return -1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	memset(&ws, 0, sizeof ws);
	ws.n = ncpu < 2 ? 2 : ncpu > 8 ? 8 : (int)ncpu;
	ws.issue = e->issue;
	ws.unsubscribe_url = *set->unsubscribe_url != '\0' ?
	    set->unsubscribe_url : NULL;
	ws.verp = set->verp;
	ws.footer = set->footer;
	ws.unsubscribe_mailto = set->unsubscribe_mailto != NULL &&
	    *set->unsubscribe_mailto != '\0' ? set->unsubscribe_mailto : NULL;
	ws.sign_domain = domain;
	ws.store = e->st;
	send_settings_dns(set, &ws.dns);
	/* MTA-STS per domain, never through a relay (it is one host). */
	e->sts_on = (set->policy == TLS_POLICY_AUTO ||
	    set->policy == TLS_POLICY_STS) && *set->relay == '\0';
	ws.sts.port = e->sts_port;
	ws.sts.ca_file = *set->ca_file != '\0' ? set->ca_file : NULL;
	if (set->policy == TLS_POLICY_AUTO)
		engine_auto_anchor(e, &ws.dns);
	else if (set->policy == TLS_POLICY_DANE) {
		/* Each worker's resolver loads and validates from it. */
		ws.dns.dnssec_anchor = e->dnssec_anchor != NULL &&
		    *e->dnssec_anchor != '\0' ? e->dnssec_anchor :
		    ENGINE_DNSSEC_ANCHOR;
		if (access(ws.dns.dnssec_anchor, R_OK) == -1) {
			set_cause(cause, _("tls dane: no DNSSEC trust anchor: "
			    "%s: %s (set dnssec_anchor)"),
			    ws.dns.dnssec_anchor, strerror(errno));
			free(domain);
			return -1;
		}
	}
	e->w = workers_new(&ws, cause);
	if (e->w != NULL && workers_signatures(e->w) == 0) {
		why = dkim_unsigned_why(e->st, domain);
		engine_log(e, _("messages go out unsigned: %s"), why);
		free(why);
	}
	if (set->policy == TLS_POLICY_DANE && e->w != NULL)
		engine_log(e, _("tls dane: TLSA records validated from the "
		    "DNSSEC trust anchor %s"), ws.dns.dnssec_anchor);
	free(domain);
	if (e->w == NULL)
		return -1;
	e->rate.rate = e->lim->rate;
	e->window_max = ENGINE_WINDOW;
	e->mem_max = e->lim->concurrency * 4 > 256 ?
	    e->lim->concurrency * 4 : 256;
	return 0;
}

/* Free everything the engine holds. */
static void
engine_free(struct engine *e)
{
	struct hashtab_iter	 it;
	struct rcpt		*r;
	struct dest		*d;

	committer_free(e->cm);
	workers_free(e->w);
	while ((r = TAILQ_FIRST(&e->rcpts)) != NULL)
		engine_rcpt_done(e, r);
	hashtab_first(&e->dests, &it);
	while ((d = hashtab_next(&e->dests, &it)) != NULL)
		dest_free(e, d);
	hashtab_free(&e->dests);
	if (e->tick != NULL)
		loop_timer_del(e->loop, e->tick);
	if (e->rate_timer != NULL)
		loop_timer_del(e->loop, e->rate_timer);
	pacing_free(e);
	if (e->loop != NULL)
		loop_free(e->loop);
	tls_ctx_free(e->tls);
	if (e->password != NULL) {
		explicit_bzero(e->password, strlen(e->password));
		free(e->password);
	}
	if (e->issue != NULL) {
		issue_free(e->issue);
		free(e->issue);
	}
	send_info_free(&e->info);
	free(e->chg);
	free(e->error);
}

/* Sleep up to ms, or less when signalled. */
static void
engine_nap(int64_t ms)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/*
 * A scheduled send: wait, holding its lock, until its time (a cancel, a
 * SIGTERM or a new schedule is seen within a second), then check again
 * what `herald send` checked. 0: go on and send; 1: stop here (cancelled,
 * held, signalled); -1 with *cause.
 */
static int
engine_wait_start(struct engine *e, const struct config *cfg, char **cause)
{
	struct send_timing	 t;
	char			*reason = NULL, *why = NULL, at[32];
	int64_t			 now, left;
	time_t			 tt;
	struct tm		 tm;
	int			 rc;

	for (;;) {
		if (store_timing_get(e->st, e->id, &t, cause) != 0)
			return -1;
		rc = strcmp(t.schedule, "scheduled") == 0;
		left = t.scheduled_at - (int64_t)time(NULL);
		tt = (time_t)t.scheduled_at;
		store_timing_free(&t);
		if (!rc) {
			engine_log(e, _("no longer scheduled (herald cancel?): "
			    "not sending"));
			return 1;
		}
		if (engine_signalled) {
			engine_log(e, _("signalled while waiting for its time; "
			    "herald resume --all waits again"));
			return 1;
		}
		if (left <= 0)
			break;
		if (!e->waiting_said) {
			e->waiting_said = 1;
			if (localtime_r(&tt, &tm) == NULL ||
			    strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S %z",
			    &tm) == 0)
				at[0] = '\0';
			engine_log(e, _("pid %ld waiting until %s"),
			    (long)getpid(), at);
		}
		engine_nap(left > 1 ? 1000 : left * 1000);
	}
	rc = send_start_checks(e->st, cfg, e->id, &e->info.set, &reason,
	    &why);
	if (rc == -1) {
		/* A check that cannot be made is not a pass. */
		reason = xprintf(_("the pre-send checks could not run: %s"),
		    why);
		free(why);
		rc = 1;
	}
	if (rc == 1) {
		engine_log(e, _("held: %s"), reason);
		rc = store_timing_state(e->st, e->id, "held", reason, cause);
		free(reason);
		return rc == -1 ? -1 : 1;
	}
	/* A cancel that came with the checks wins. */
	if ((rc = store_timing_move(e->st, e->id, "scheduled", "",
	    cause)) != 1)
		return rc == -1 ? -1 : 1;
	now = (int64_t)time(NULL);
	engine_log(e, _("its time has come (%llds late): the checks pass; "
	    "sending"), (long long)(now - (int64_t)tt));
	return 0;
}

/* Read the send's window; the engine starts closed outside it. */
static int
engine_window_init(struct engine *e, char **cause)
{
	struct send_timing	t;
	int			rc = 0;

	if (store_timing_get(e->st, e->id, &t, cause) != 0)
		return -1;
	if (*t.window != '\0') {
		rc = timing_window_parse(t.window, &e->win, cause);
		e->has_win = rc == 0;
	}
	e->scheduled = strcmp(t.schedule, "scheduled") == 0;
	store_timing_free(&t);
	return rc;
}

/* Run a send until it is finished, paused or told to stop. */
int
engine_run(const struct engine_run *run, char **cause)
{
	struct engine		 e;
	struct sigaction	 sa;
	int64_t			 requeued = 0, unknown = 0;
	int			 rc, ready_fd = run->ready_fd;
	char			*okmsg, *wcause = NULL;

	memset(&e, 0, sizeof e);
	e.st = run->st;
	e.id = run->id;
	e.dnssec_anchor = run->dnssec_anchor;
	e.soft_limit = run->soft_limit > 0 ? run->soft_limit : 3;
	e.sts_port = run->mta_sts_port;
	hashtab_init(&e.dests, 0);
	TAILQ_INIT(&e.runq);
	TAILQ_INIT(&e.slotq);
	TAILQ_INIT(&e.ratewait);
	TAILQ_INIT(&e.rcpts);
	TAILQ_INIT(&e.sessions);
	TAILQ_INIT(&e.bodyq);

	rc = send_lock_take(run->db_path, run->id, cause);
	if (rc == 1)
		set_cause(cause, _("an engine already runs send %lld"),
		    (long long)run->id);
	if (rc != 0)
		goto fail;
	if ((rc = store_send_get(e.st, e.id, &e.info, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("no send %lld"), (long long)e.id);
		goto fail;
	}
	e.password = engine_password(run->password_fd);
	if (run->cfg != NULL) {
		send_settings_verp(run->cfg, &e.info.set);
		if (send_settings_footer_id(run->cfg, e.st, e.id,
		    &e.info.set, cause) == -1)
			goto fail;
	}
	if (send_settings_verp_check(&e.info.set, cause) == -1 ||
	    engine_window_init(&e, cause) == -1)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = engine_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	if (e.scheduled) {
		/* The one who scheduled it hears now that it waits. */
		if (store_send_set_engine(e.st, e.id, (int64_t)getpid(),
		    cause) == -1)
			goto fail;
		okmsg = xprintf("ok %ld\n", (long)getpid());
		engine_ready(ready_fd, okmsg);
		free(okmsg);
		ready_fd = -1;
		if ((rc = engine_wait_start(&e, run->cfg, cause)) != 0) {
			if (rc == -1)
				goto fail;
			engine_free(&e);
			return 0;
		}
	}
	if (engine_setup(&e, cause) == -1)
		goto fail;
	pacing_init(&e, run->cfg);
	if (store_send_set_engine(e.st, e.id, (int64_t)getpid(),
	    cause) == -1 || store_pacing_clear(e.st, e.id, cause) == -1 ||
	    store_send_recover(e.st, e.id, &requeued, &unknown, cause) == -1 ||
	    engine_next_due(&e, cause) == -1)
		goto fail;
	if ((e.loop = loop_new()) == NULL) {
		set_cause(cause, _("cannot make the event loop"));
		goto fail;
	}
	if (loop_fd_add(e.loop, workers_fd(e.w), LOOP_READ, engine_jobs,
	    &e) == -1) {
		set_cause(cause, _("cannot watch the workers"));
		goto fail;
	}
	if ((e.cm = committer_new(run->db_path, e.id, cause)) == NULL)
		goto fail;
	if (loop_fd_add(e.loop, committer_fd(e.cm), LOOP_READ,
	    engine_committed, &e) == -1) {
		set_cause(cause, _("cannot watch the committer"));
		goto fail;
	}
	loop_before_sleep(e.loop, engine_before_sleep, &e);
	e.tick = loop_timer_add(e.loop, ENGINE_TICK_MS, engine_tick, &e);
	e.want_fill = 1;
	engine_log(&e, _("pid %ld started (%lld queued again, %lld unknown "
	    "after the last engine)"), (long)getpid(), (long long)requeued,
	    (long long)unknown);
	engine_window(&e);
	okmsg = xprintf("ok %ld\n", (long)getpid());
	engine_ready(ready_fd, okmsg);
	free(okmsg);
	ready_fd = -1;

	loop_run(e.loop);

	loop_fd_del(e.loop, workers_fd(e.w));
	loop_fd_del(e.loop, committer_fd(e.cm));
	/* What the last turns handed over is written before we say so. */
	if (committer_wait(e.cm, &wcause) == -1) {
		if (e.error == NULL)
			e.error = wcause;
		else
			free(wcause);
	}
	engine_log(&e, _("%s: %llu delivered, %llu deferred, %llu bounced, "
	    "%llu unknown"), e.error != NULL ? _("stopped on an error") :
	    e.finished ? _("finished") : _("stopped"),
	    (unsigned long long)e.delivered, (unsigned long long)e.deferred,
	    (unsigned long long)e.bounced, (unsigned long long)e.unknown);
	if (e.error != NULL)
		engine_log(&e, "%s", e.error);
	if (e.error != NULL) {
		set_cause(cause, "%s", e.error);
		goto fail;
	}
	engine_free(&e);
	return 0;
fail:
	if (ready_fd != -1) {
		char *msg = xprintf("error: %s\n", *cause != NULL ? *cause :
		    _("the engine failed"));
		engine_ready(ready_fd, msg);
		free(msg);
	}
	engine_free(&e);
	return -1;
}

/* A copy of settings that owns its strings. */
static void
engine_settings_copy(struct send_settings *dst, const struct send_settings *src)
{
	*dst = *src;
	dst->relay = xstrdup(src->relay);
	dst->relay_user = xstrdup(src->relay_user);
	dst->relay_password_file = xstrdup(src->relay_password_file);
	dst->helo = xstrdup(src->helo);
	dst->source_ip = xstrdup(src->source_ip);
	dst->resolver = xstrdup(src->resolver);
	dst->ca_file = xstrdup(src->ca_file);
	dst->envelope_from = xstrdup(src->envelope_from);
	dst->unsubscribe_url = xstrdup(src->unsubscribe_url);
	dst->smtp_timeouts = xstrdup(src->smtp_timeouts);
	dst->unsubscribe_mailto = xstrdup(src->unsubscribe_mailto != NULL ?
	    src->unsubscribe_mailto : "");
	dst->footer = NULL;
	if (src->footer != NULL) {
		dst->footer = xcalloc(1, sizeof *dst->footer);
		dst->footer->text = xstrdup(src->footer->text);
		dst->footer->sender_name = xstrdup(src->footer->sender_name);
		dst->footer->sender_address =
		    xstrdup(src->footer->sender_address);
		dst->footer->contact = xstrdup(src->footer->contact);
		dst->footer->ja = src->footer->ja;
	}
}

/*
 * A test: the engine with one recipient taken up from memory instead of
 * the store (e->test: engine_flush keeps the outcome instead of writing
 * it, engine_done ends once the recipient is settled and its session
 * closed, the tick looks at no send row).
 */
int
engine_test_run(const struct engine_test *t, struct send_change *out,
    char **cause)
{
	struct engine		 e;
	struct send_rcpt	 sr;
	char			 token[MESSAGE_TOKEN_LEN + 1];
	const char		*domain;
	int			 rc = -1, watching = 0;

	memset(out, 0, sizeof *out);
	memset(&e, 0, sizeof e);
	e.st = t->st;
	e.id = t->id;
	e.test = 1;
	e.test_stop = t->stop;
	e.dnssec_anchor = t->dnssec_anchor;
	e.sts_port = t->mta_sts_port;
	hashtab_init(&e.dests, 0);
	TAILQ_INIT(&e.runq);
	TAILQ_INIT(&e.slotq);
	TAILQ_INIT(&e.ratewait);
	TAILQ_INIT(&e.rcpts);
	TAILQ_INIT(&e.sessions);
	TAILQ_INIT(&e.bodyq);
	e.info.id = t->id;
	engine_settings_copy(&e.info.set, t->set);
	if (t->password != NULL)
		e.password = xstrdup(t->password);

	if ((domain = addr_domain(t->addr)) == NULL || *domain == '\0') {
		set_cause(cause, _("'%s' has no domain"), t->addr);
		goto out;
	}
	if (engine_setup(&e, cause) == -1 ||
	    message_token(e.st, t->id, t->addr, token, cause) == -1)
		goto out;
	pacing_init(&e, NULL);
	if ((e.loop = loop_new()) == NULL) {
		set_cause(cause, _("cannot make the event loop"));
		goto out;
	}
	if (loop_fd_add(e.loop, workers_fd(e.w), LOOP_READ, engine_jobs,
	    &e) == -1) {
		set_cause(cause, _("cannot watch the workers"));
		goto out;
	}
	watching = 1;
	loop_before_sleep(e.loop, engine_before_sleep, &e);
	e.tick = loop_timer_add(e.loop, ENGINE_TICK_MS, engine_tick, &e);

	/* The queue: this one recipient, and nothing to take from the
	 * store. */
	memset(&sr, 0, sizeof sr);
	sr.addr = t->addr;
	sr.name = t->name != NULL ? t->name : "";
	sr.attrs = t->attrs != NULL ? t->attrs : "{}";
	sr.domain = domain;
	sr.token = token;
	sr.state = RCPT_QUEUED;
	e.at_end = 1;
	engine_take(&sr, &e);

	loop_run(e.loop);

	if (e.error != NULL) {
		set_cause(cause, "%s", e.error);
		goto out;
	}
	if (e.test_stopped) {
		rc = 1;
		goto out;
	}
	if (!e.test_have) {
		set_cause(cause, _("the test ended without an outcome"));
		goto out;
	}
	*out = e.test_out;
	rc = 0;
out:
	if (watching)
		loop_fd_del(e.loop, workers_fd(e.w));
	engine_free(&e);
	return rc;
}
