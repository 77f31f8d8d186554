/*
 * The send engine: one process, one event loop (base/loop.h) driving every
 * SMTP session (smtp/smtp.h, in session.c), worker threads for DNS and
 * rendering+signing (workers.c), and the database as the only interface.
 *
 * The engine holds a window of recipients (at most ENGINE_WINDOW) taken
 * up by id, grouped by destination. Each destination is routed once (a
 * worker looks up MX and addresses), renders a few messages ahead of its
 * sessions, and opens sessions within the limits (struct send_limits);
 * a session takes the destination's next message each time it is ready.
 *
 * Every state change of the turn is kept in e->chg and committed, with an
 * event row each, in the before-sleep hook: after every callback of the
 * turn and before poll(2). A recipient is "connecting" from when a session
 * is opened for it or its message is handed to one: only MAIL, RCPT and
 * DATA can go out then. It is "sent-data" from the server's 354 to DATA
 * (the session's data callback); the session writes the body no earlier
 * than the next loop turn (smtp.h), so the hook has committed "sent-data"
 * before any byte of the message, let alone the final ".", is on the wire.
 * An engine killed at any moment leaves each recipient queued or
 * connecting (nothing of the message sent: queued again on recovery),
 * sent-data (maybe sent: unknown on recovery) or final.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"
#include "engine.h"
#include "session.h"
#include "workers.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "mail/message.h"
#include "mail/verp.h"
#include "smtp/alert.h"
#include "smtp/reply_class.h"
#include "store/store.h"
#include "smtp/tls.h"
#include "store/store_sts.h"
#include "sts/policy.h"

#define ENGINE_ROUTE_TTL_MS	(3600 * 1000)

/* The loop's time in ms. */
uint64_t
engine_now(struct engine *e)
{
	return loop_now(e->loop);
}

/* Find or make the destination called name. */
static struct dest *
dest_get(struct engine *e, const char *name)
{
	struct dest	*d;

	if ((d = hashtab_get(&e->dests, name)) != NULL)
		return d;
	d = xcalloc(1, sizeof *d);
	d->e = e;
	d->name = xstrdup(name);
	dest_ctl_init(&d->ctl, e->relay_host[0] != '\0' ?
	    e->lim->concurrency : e->lim->per_domain);
	pacing_dest(e, d);
	TAILQ_INIT(&d->wait);
	TAILQ_INIT(&d->ready);
	TAILQ_INIT(&d->idle);
	hashtab_add(&e->dests, d->name, d);
	return d;
}

/* Free a destination (nothing may refer to it). */
void
dest_free(struct engine *e, struct dest *d)
{
	hashtab_del(&e->dests, d->name);
	if (d->queued)
		TAILQ_REMOVE(&e->runq, d, run);
	if (d->slotwait)
		TAILQ_REMOVE(&e->slotq, d, slot);
	if (d->hold_timer != NULL)
		loop_timer_del(e->loop, d->hold_timer);
	route_free(&d->route);
	if (d->sts != NULL) {
		sts_policy_free(d->sts);
		free(d->sts);
	}
	free(d->sts_strings);
	free(d->name);
	free(d);
}

/* Is a destination unused (nothing held, running or timed)? */
int
dest_unused(const struct dest *d)
{
	return d->nwait == 0 && d->nready == 0 && d->nrendering == 0 &&
	    d->nsessions == 0 && d->rstate != DEST_ROUTING &&
	    d->hold_timer == NULL;
}

/* Have a destination looked at before the loop sleeps. */
void
engine_wake(struct engine *e, struct dest *d)
{
	if (!d->queued) {
		d->queued = 1;
		TAILQ_INSERT_TAIL(&e->runq, d, run);
	}
}

/* Wake the destinations waiting for a session slot or memory. */
void
engine_wake_blocked(struct engine *e)
{
	struct dest	*d;

	while ((d = TAILQ_FIRST(&e->slotq)) != NULL) {
		TAILQ_REMOVE(&e->slotq, d, slot);
		d->slotwait = 0;
		engine_wake(e, d);
	}
}

/* A hold is over: look at the destination again. */
static void
engine_hold_done(void *arg)
{
	struct dest	*d = arg;

	d->hold_timer = NULL;
	engine_wake(d->e, d);
}

/* Record a change of r's state (attempt fields empty); filled further by
 * the caller. Valid until the next change. */
struct send_change *
engine_change(struct engine *e, struct rcpt *r, enum rcpt_state state)
{
	struct send_change	*c;

	if (e->nchg == e->capchg) {
		e->capchg = e->capchg == 0 ? 64 : e->capchg * 2;
		e->chg = xreallocarray(e->chg, e->capchg, sizeof *e->chg);
	}
	c = &e->chg[e->nchg++];
	memset(c, 0, sizeof *c);
	c->rcpt_id = r->id;
	c->state = state;
	c->at = (int64_t)time(NULL);
	c->attempts = r->attempts;
	c->first_at = r->first_at;
	r->dbstate = state;
	return c;
}

/*
 * Record the outcome of an attempt for r: delivered, bounced, unknown, or
 * deferred until the next try (or bounced when it has been deferred for
 * too long). A failure is classified (reply_class.h); only a hard one, an
 * address-level permanent failure, suppresses the address: a refusal of
 * the sender would otherwise suppress every reader of a provider.
 */
void
engine_outcome(struct engine *e, struct rcpt *r, enum rcpt_state state,
    const struct smtp_reply *reply, const struct tls_status *tls,
    const char *mx, const char *ip)
{
	struct send_change	*c;
	struct reply_verdict	 v;
	int64_t			 now = (int64_t)time(NULL), next = 0;
	int			 gaveup = 0;

	r->attempts++;
	if (r->first_at == 0)
		r->first_at = now;
	if (state == RCPT_DEFERRED && !e->test && send_retry(e->lim,
	    r->attempts, r->first_at, now, &next) == 1) {
		state = RCPT_BOUNCED;
		gaveup = 1;
	}
	c = engine_change(e, r, state);
	c->attempt = 1;
	c->next_at = next;
	snprintf(c->mx, sizeof c->mx, "%s", mx != NULL ? mx : "");
	snprintf(c->ip, sizeof c->ip, "%s", ip != NULL ? ip : "");
	if (tls != NULL) {
		c->tls = *tls;
		snprintf(c->tls.policy, sizeof c->tls.policy, "%s",
		    tlspol_word(tls));
	}
	if (reply != NULL) {
		c->code = reply->code;
		snprintf(c->enhanced, sizeof c->enhanced, "%s",
		    reply->enhanced);
		snprintf(c->stage, sizeof c->stage, "%s", reply->stage);
		if (gaveup)
			snprintf(c->reply, sizeof c->reply, NT("gave up after %d "
			    "attempts over %llds: %s"), r->attempts,
			    (long long)(now - r->first_at), reply->text);
		else
			snprintf(c->reply, sizeof c->reply, "%s", reply->text);
	} else if (gaveup)
		snprintf(c->reply, sizeof c->reply, NT("gave up after %d "
		    "attempts"), r->attempts);
	if (state == RCPT_BOUNCED || state == RCPT_DEFERRED) {
		reply_classify_at(c->stage, c->code, c->enhanced, c->reply, &v);
		/* A deferral is temporary whatever its words, and so is
		 * one given up. */
		if ((state == RCPT_DEFERRED || gaveup) && (v.cls == REPLY_HARD ||
		    v.cls == REPLY_UNKNOWN || v.cls == REPLY_NONE))
			v.cls = REPLY_SOFT;
		snprintf(c->cls, sizeof c->cls, "%s", reply_class_name(v.cls));
		snprintf(c->reason, sizeof c->reason, "%s", v.reason);
		c->suppress = state == RCPT_BOUNCED && !gaveup &&
		    v.cls == REPLY_HARD;
		/* The same consequences as a bounce reported later: a soft
		 * one counts toward suppression in distinct sends, a refusal
		 * of the sender raises the provider's alert. */
		if (state == RCPT_BOUNCED && v.cls == REPLY_SOFT)
			c->soft_limit = e->soft_limit > 0 ? e->soft_limit : 3;
		if (state == RCPT_BOUNCED && v.cls == REPLY_SENDER) {
			const char	*dom = strrchr(r->addr, '@');
			const char	*p;

			p = alert_provider(dom != NULL ? dom + 1 : "", c->mx,
			    c->reply, c->alert_provider,
			    sizeof c->alert_provider);
			if (p != c->alert_provider)
				snprintf(c->alert_provider,
				    sizeof c->alert_provider, "%s", p);
			alert_text(c->alert_provider, v.reason, c->alert_text,
			    sizeof c->alert_text);
		}
	}
	switch (state) {
	case RCPT_DELIVERED:
		e->delivered++;
		break;
	case RCPT_DEFERRED:
		e->deferred++;
		if (e->next_due == 0 || next < e->next_due)
			e->next_due = next;
		break;
	case RCPT_BOUNCED:
		e->bounced++;
		break;
	default:
		e->unknown++;
		break;
	}
}

/* r leaves the window (its outcome is recorded). */
void
engine_rcpt_done(struct engine *e, struct rcpt *r)
{
	struct rcpt	**pp;

	if (r->msg != NULL) {
		explicit_bzero(r->msg, r->len);
		free(r->msg);
		e->nmem--;
	}
	if (r->msg7 != NULL) {
		explicit_bzero(r->msg7, r->len7);
		free(r->msg7);
	}
	TAILQ_REMOVE(&e->rcpts, r, all);
	for (pp = &e->ids[r->id % ENGINE_ID_BUCKETS]; *pp != r;
	    pp = &(*pp)->idnext)
		;
	*pp = r->idnext;
	free(r->addr);
	free(r->name);
	free(r->attrs);
	free(r->token);
	free(r->mail_from);
	free(r);
	e->nwindow--;
	e->want_fill = 1;
	engine_wake_blocked(e);
}

/* Put r back at the head of its destination's ready messages; a stopping
 * engine records it queued again. */
void
engine_unbind(struct engine *e, struct rcpt *r)
{
	struct dest	*d = r->dest;

	TAILQ_INSERT_HEAD(&d->ready, r, entry);
	d->nready++;
	if ((e->draining || e->closed) && r->dbstate == RCPT_CONNECTING)
		engine_change(e, r, RCPT_QUEUED);
	engine_wake(e, d);
}

/* Give everything a destination holds (and is not sending) one outcome. */
static void
engine_settle_dest(struct engine *e, struct dest *d, enum rcpt_state state,
    const struct smtp_reply *reply, const struct tls_status *tls,
    const char *mx, const char *ip)
{
	struct rcpt_list	*lists[] = { &d->wait, &d->ready };
	struct rcpt		*r;
	size_t			 i;

	for (i = 0; i < nitems(lists); i++)
		while ((r = TAILQ_FIRST(lists[i])) != NULL) {
			TAILQ_REMOVE(lists[i], r, entry);
			if (i == 0)
				d->nwait--;
			else
				d->nready--;
			engine_outcome(e, r, state, reply, tls, mx, ip);
			engine_rcpt_done(e, r);
		}
}

/* Defer everything a destination holds (and is not sending) with its
 * latest failure. */
void
engine_defer_dest(struct engine *e, struct dest *d)
{
	struct smtp_reply	 generic;

	if (d->has_last) {
		engine_settle_dest(e, d, RCPT_DEFERRED, &d->last,
		    &d->last_tls, d->last_mx, d->last_ip);
		return;
	}
	memset(&generic, 0, sizeof generic);
	snprintf(generic.text, sizeof generic.text, NT("no server of %s could be "
	    "reached"), d->name);
	snprintf(generic.stage, sizeof generic.stage, "connect");
	engine_settle_dest(e, d, RCPT_DEFERRED, &generic, NULL, d->last_mx,
	    d->last_ip);
}

/* Settle everything a destination holds with its route's verdict. */
static void
engine_route_fail(struct engine *e, struct dest *d)
{
	struct smtp_reply	 reply;
	struct tls_status	 tls;

	/* A route MTA-STS deferred names the policy that did. */
	memset(&tls, 0, sizeof tls);
	snprintf(tls.policy, sizeof tls.policy, "%s", d->route.policy);
	memset(&reply, 0, sizeof reply);
	reply.code = d->route.code;
	snprintf(reply.enhanced, sizeof reply.enhanced, "%s",
	    d->route.enhanced);
	snprintf(reply.text, sizeof reply.text, "%s", d->route.reply);
	snprintf(reply.stage, sizeof reply.stage, "dns");
	engine_settle_dest(e, d, d->route.status == ROUTE_BOUNCE ?
	    RCPT_BOUNCED : RCPT_DEFERRED, &reply, *tls.policy != '\0' ? &tls :
	    NULL, NULL, NULL);
}

/* How long a failed address (or a destination none of whose addresses
 * answer) is left alone, in ms: half the first retry, at most a minute. */
static uint64_t
engine_dead_ms(struct engine *e)
{
	int64_t	s = e->lim->retry_first / 2;

	if (s < 1)
		s = 1;
	if (s > 60)
		s = 60;
	return (uint64_t)s * 1000;
}

/* The cached MTA-STS policy of a job's domain, for the worker to judge
 * (a read of one row; a failed one counts as none cached). */
static void
engine_sts_cached(struct engine *e, struct job *j)
{
	struct sts_cache_row	*row;
	char			*cause = NULL;

	row = xcalloc(1, sizeof *row);
	if (store_sts_get(e->st, j->name, row, &cause) == 1) {
		j->sts_cached = row;
		return;
	}
	free(cause);
	free(row);
}

/* Ask a worker for a destination's route. */
static void
engine_route(struct engine *e, struct dest *d)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->type = JOB_ROUTE;
	j->cookie = d;
	if (e->relay_host[0] != '\0') {
		j->relay = 1;
		j->name = xstrdup(e->relay_host);
		j->port = e->relay_port;
	} else {
		j->name = xstrdup(d->name);
		j->port = e->info.set.smtp_port;
		if (e->sts_on) {
			engine_sts_cached(e, j);
			j->sts_on = 1;
		}
	}
	d->rstate = DEST_ROUTING;
	e->njobs++;
	workers_submit(e->w, j);
}

/* Ask a worker to render and sign r's message. */
static void
engine_render(struct engine *e, struct rcpt *r)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->type = JOB_RENDER;
	j->cookie = r;
	j->addr = r->addr;
	j->rname = r->name;
	j->attrs = r->attrs;
	j->token = r->token;
	/* The same Message-ID for every attempt at this recipient; a test
	 * gets its own (a receiver may drop a second copy of an id). */
	if (e->test)
		verp_msgid_test(j->msgid, sizeof j->msgid, e->id,
		    (int64_t)time(NULL), (long)getpid(), r->token);
	else
		verp_msgid(j->msgid, sizeof j->msgid, e->id, r->id, r->token);
	r->rendering = 1;
	r->dest->nrendering++;
	e->nmem++;
	e->njobs++;
	workers_submit(e->w, j);
}

/* Move a destination on: route, render ahead, hand messages to sessions
 * and open new ones, within the limits. */
static void
engine_schedule(struct engine *e, struct dest *d)
{
	uint64_t	 now = engine_now(e), until;
	struct rcpt	*r;
	int		 ahead, rc;

	/* Nothing left for d and nothing more to come: its parked sessions
	 * need not wait out their idle time (the engine exits sooner). */
	if (d->nwait + d->nready + d->nrendering == 0 && e->at_end &&
	    !TAILQ_EMPTY(&d->idle))
		sess_release(e, d);
	if (d->nwait + d->nready == 0 || e->draining || e->closed)
		return;
	if (d->dead_until > now) {
		engine_defer_dest(e, d);
		return;
	}
	if (d->rstate == DEST_ROUTED && d->nsessions == 0 &&
	    now - d->route_at > ENGINE_ROUTE_TTL_MS) {
		route_free(&d->route);
		d->rstate = DEST_NOROUTE;
	}
	if (d->rstate == DEST_NOROUTE)
		engine_route(e, d);
	if (d->rstate != DEST_ROUTED)
		return;
	if (d->route.status != ROUTE_OK) {
		if (d->route.status == ROUTE_DEFER) {
			/* What comes meanwhile is deferred for the same
			 * reason. */
			d->dead_until = now + engine_dead_ms(e);
			d->rstate = DEST_NOROUTE;
			memset(&d->last, 0, sizeof d->last);
			d->last.code = d->route.code;
			snprintf(d->last.enhanced, sizeof d->last.enhanced,
			    "%s", d->route.enhanced);
			snprintf(d->last.text, sizeof d->last.text, "%s",
			    d->route.reply);
			snprintf(d->last.stage, sizeof d->last.stage, "dns");
			memset(&d->last_tls, 0, sizeof d->last_tls);
			d->last_mx[0] = d->last_ip[0] = '\0';
			d->has_last = 1;
		}
		engine_route_fail(e, d);
		if (d->rstate == DEST_NOROUTE)
			route_free(&d->route);
		return;
	}

	/* A destination whose provider is held renders one ahead at most:
	 * its rendered messages would hold the memory other providers'
	 * destinations need to go on (the held one must not stall them). */
	ahead = pacing_held(e, d) ? 1 : d->ctl.limit * 2 + 2;
	while (d->nwait > 0 && d->nready + d->nrendering < ahead &&
	    e->nmem < e->mem_max) {
		r = TAILQ_FIRST(&d->wait);
		TAILQ_REMOVE(&d->wait, r, entry);
		d->nwait--;
		engine_render(e, r);
	}

	sess_give(e, d);
	while (d->nready > 0) {
		if (!dest_ctl_can_open(&d->ctl, d->nsessions, now)) {
			if (d->ctl.hold_until > now && d->hold_timer == NULL)
				d->hold_timer = loop_timer_add(e->loop,
				    d->ctl.hold_until - now, engine_hold_done,
				    d);
			break;
		}
		/* Its provider's share: held after a throttle (look again
		 * when the hold ends), or every session in use (one closing
		 * wakes the blocked destinations). */
		if (!pacing_can_open(e, d, &until)) {
			if (until > now && d->hold_timer == NULL)
				d->hold_timer = loop_timer_add(e->loop,
				    until - now, engine_hold_done, d);
			else if (until == 0 && !d->slotwait) {
				d->slotwait = 1;
				TAILQ_INSERT_TAIL(&e->slotq, d, slot);
			}
			break;
		}
		if (e->nsessions >= e->lim->concurrency)
			break;
		rc = sess_open(e, d);
		if (rc == -1) {
			/* Every address failed: the destination is dead. */
			d->dead_until = now + engine_dead_ms(e);
			route_free(&d->route);
			d->rstate = DEST_NOROUTE;
			engine_defer_dest(e, d);
			return;
		}
	}
	if ((d->nready > 0 && e->nsessions >= e->lim->concurrency) ||
	    (d->nwait > 0 && e->nmem >= e->mem_max)) {
		if (!d->slotwait) {
			d->slotwait = 1;
			TAILQ_INSERT_TAIL(&e->slotq, d, slot);
		}
	}
}

/* A worker finished rendering r's message. */
static void
engine_rendered(struct engine *e, struct rcpt *r, struct job *j)
{
	struct dest		*d = r->dest;
	struct smtp_reply	 reply;

	r->rendering = 0;
	d->nrendering--;
	if (j->error != NULL) {
		e->nmem--;
		memset(&reply, 0, sizeof reply);
		snprintf(reply.text, sizeof reply.text, NT("cannot render the "
		    "message: %s"), j->error);
		snprintf(reply.stage, sizeof reply.stage, "render");
		engine_outcome(e, r, RCPT_BOUNCED, &reply, NULL, NULL, NULL);
		engine_rcpt_done(e, r);
		engine_wake(e, d);
		return;
	}
	r->len = j->msg.len;
	r->msg = buf_take(&j->msg);
	r->eightbit = j->eightbit;
	if (j->msg7.len != 0) {
		r->len7 = j->msg7.len;
		r->msg7 = buf_take(&j->msg7);
	}
	TAILQ_INSERT_TAIL(&d->ready, r, entry);
	d->nready++;
	engine_wake(e, d);
}

/* Take the workers' finished jobs. */
void
engine_jobs(int fd, int events, void *arg)
{
	struct engine	*e = arg;
	struct job	*j, *next;
	struct dest	*d;

	(void)fd;
	(void)events;
	for (j = workers_done(e->w); j != NULL; j = next) {
		next = j->next;
		e->njobs--;
		if (j->type == JOB_RENDER)
			engine_rendered(e, j->cookie, j);
		else {
			d = j->cookie;
			route_free(&d->route);
			d->route = j->route;
			memset(&j->route, 0, sizeof j->route);
			tlspol_route(e, d, &j->sts);
			d->rstate = DEST_ROUTED;
			d->rgen++;
			d->route_at = engine_now(e);
			d->cursor = 0;
			pacing_route(e, d);
			engine_wake(e, d);
		}
		job_free(j);
	}
}

/* Take up one recipient from the store. */
int
engine_take(const struct send_rcpt *sr, void *arg)
{
	struct engine	*e = arg;
	struct rcpt	*r, **head;

	e->seen++;
	if (sr->state != RCPT_DEFERRED && sr->id > e->cursor)
		e->cursor = sr->id;
	/* Already held (taken up again by a retry): never twice. */
	head = &e->ids[sr->id % ENGINE_ID_BUCKETS];
	for (r = *head; r != NULL; r = r->idnext)
		if (r->id == sr->id)
			return 0;
	r = xcalloc(1, sizeof *r);
	r->id = sr->id;
	r->addr = xstrdup(sr->addr);
	r->name = xstrdup(sr->name);
	r->attrs = xstrdup(sr->attrs);
	r->token = xstrdup(sr->token);
	r->attempts = sr->attempts;
	r->first_at = sr->first_at;
	r->dbstate = sr->state;
	if (sr->state == RCPT_DEFERRED)
		engine_change(e, r, RCPT_QUEUED);	/* due again */
	r->idnext = *head;
	*head = r;
	r->dest = dest_get(e, e->relay_host[0] != '\0' ? "relay" :
	    sr->domain);
	TAILQ_INSERT_TAIL(&e->rcpts, r, all);
	TAILQ_INSERT_TAIL(&r->dest->wait, r, entry);
	r->dest->nwait++;
	e->nwindow++;
	engine_wake(e, r->dest);
	return 0;
}

/* Fill the window with queued recipients. */
static int
engine_fill(struct engine *e, char **cause)
{
	int	room = e->window_max - e->nwindow;

	e->want_fill = 0;
	if (e->at_end || e->draining || e->closed ||
	    room < e->window_max / 4)
		return 0;
	e->seen = 0;
	if (store_send_due(e->st, e->id, e->cursor, 0, 0, room, engine_take,
	    e, cause) == -1)
		return -1;
	if (e->seen < room)
		e->at_end = 1;
	return 0;
}

/*
 * Hand the turn's changes to the committer. The sessions whose 354 came
 * this turn learn which batch holds it: their bodies go once that batch
 * is on disk (engine_committed). A test records nothing: it keeps its
 * recipient's outcome.
 */
int
engine_flush(struct engine *e)
{
	struct sess	*sess;
	uint64_t	 batch;
	size_t		 i;

	if (e->nchg == 0)
		return 0;
	if (e->test) {
		for (i = 0; i < e->nchg; i++)
			if (rcpt_state_is_outcome(e->chg[i].state)) {
				e->test_out = e->chg[i];
				e->test_have = 1;
			}
		e->nchg = 0;
		return 0;
	}
	batch = committer_submit(e->cm, e->chg, e->nchg);
	e->nchg = 0;
	TAILQ_FOREACH_REVERSE(sess, &e->bodyq, sess_list, bodyq) {
		if (sess->body_batch != 0)
			break;
		sess->body_batch = batch;
	}
	return 0;
}

/*
 * A transaction of the committer ended: let the bodies whose 354 it
 * recorded go. A write that failed stops the engine; the bodies still
 * held never leave.
 */
void
engine_committed(int fd, int events, void *arg)
{
	struct engine	*e = arg;
	struct sess	*sess;
	uint64_t	 done;
	char		*cause = NULL;

	(void)fd;
	(void)events;
	if (committer_poll(e->cm, &done, &cause) == -1) {
		if (e->error == NULL)
			e->error = cause;
		else
			free(cause);
		if (!e->stopping)
			engine_abort(e);
		return;
	}
	while ((sess = TAILQ_FIRST(&e->bodyq)) != NULL &&
	    sess->body_batch != 0 && sess->body_batch <= done) {
		TAILQ_REMOVE(&e->bodyq, sess, bodyq);
		sess->body_waits = 0;
		sess->body_batch = 0;
		smtp_body_release(sess->s);
	}
}

/* Stop now: abort every session (nothing more goes out) and the loop. */
void
engine_abort(struct engine *e)
{
	struct sess	*s;

	TAILQ_FOREACH(s, &e->sessions, all)
		smtp_abort(s->s);
	e->stopping = 1;
	loop_stop(e->loop);
}

/* Is the send over (nothing held, running, queued or deferred)? */
int
engine_done(struct engine *e, char **cause)
{
	struct send_counts	c;

	/* A test is over with its one outcome and every session closed. */
	if (e->test)
		return e->nwindow == 0 && e->nsessions == 0 && e->njobs == 0 &&
		    e->nchg == 0;
	if (e->nwindow != 0 || e->nsessions != 0 || e->njobs != 0 ||
	    !e->at_end || e->next_due != 0 || e->nchg != 0 ||
	    (e->cm != NULL && !committer_idle(e->cm)))
		return 0;
	if (store_send_counts(e->st, e->id, &c, cause) == -1)
		return -1;
	if (send_state_derive(&c, 1, 0) == SEND_FINISHED)
		return 1;
	e->next_due = c.next_at;
	if (c.n[RCPT_QUEUED] > 0) {
		e->at_end = 0;
		e->cursor = 0;
		e->want_fill = 1;
	}
	return 0;
}

/* Every session is gone: what is still marked connecting is queued
 * again (nothing of it went out), and the loop stops. */
static void
engine_stop_drained(struct engine *e)
{
	struct rcpt	*r;
	char		*cause = NULL;

	TAILQ_FOREACH(r, &e->rcpts, all)
		if (r->dbstate == RCPT_CONNECTING)
			engine_change(e, r, RCPT_QUEUED);
	if (engine_flush(e) == -1 ||
	    (e->cm != NULL && committer_wait(e->cm, &cause) == -1)) {
		if (cause != NULL) {
			free(e->error);
			e->error = cause;
		}
		engine_abort(e);
		return;
	}
	e->stopping = 1;
	loop_stop(e->loop);
}

/*
 * Before every sleep: take up recipients, move every woken destination
 * on, then commit the turn's changes: the "sent-data" of every 354 read
 * in the turn is on disk before the next poll lets a session write that
 * message's body. A commit that fails aborts every session first.
 */
void
engine_before_sleep(void *arg)
{
	struct engine	*e = arg;
	struct dest	*d;
	char		*cause = NULL;
	int		 rc;

	if (e->stopping)
		return;
	if (e->want_fill && engine_fill(e, &cause) == -1)
		goto fail;
	while ((d = TAILQ_FIRST(&e->runq)) != NULL) {
		TAILQ_REMOVE(&e->runq, d, run);
		d->queued = 0;
		engine_schedule(e, d);
	}
	if (engine_flush(e) == -1) {
		engine_abort(e);
		return;
	}
	if (e->draining) {
		if (e->nsessions == 0)
			engine_stop_drained(e);
		return;
	}
	if ((rc = engine_done(e, &cause)) == -1)
		goto fail;
	if (rc == 1) {
		e->finished = 1;
		e->stopping = 1;
		if (!e->test && store_send_set_finished(e->st, e->id,
		    (int64_t)time(NULL), &cause) == -1)
			goto fail;
		loop_stop(e->loop);
	}
	return;
fail:
	free(e->error);
	e->error = cause;
	engine_abort(e);
}

