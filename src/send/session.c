/*
 * The engine's SMTP sessions (smtp/smtp.h): opened for a destination with
 * its first message bound, reused for the destination's next messages
 * (up to per_connection), parked briefly when the next message is still
 * being rendered, held back by the overall rate, and told apart when they
 * fail: before the session was ready the address is marked failed and the
 * next one tried (or, under "may" after a failed handshake, the same one
 * in plaintext, as Postfix does); a 421 or 4xx backs the destination off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine.h"
#include "session.h"
#include "setup.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "mail/verp.h"
#include "smtp/smtp.h"

#define SESS_IDLE_MS	3000	/* a parked session quits after this */

static void	sess_ready(struct smtp_session *, void *);
static void	sess_data(struct smtp_session *, struct smtp_msg *, void *);
static void	sess_done(struct smtp_session *, struct smtp_msg *,
		    enum smtp_outcome, const struct smtp_reply *, void *);
static void	sess_closed(struct smtp_session *, enum smtp_outcome,
		    const struct smtp_reply *, int, void *);

static const struct smtp_events sess_events = {
	.ready = sess_ready,
	.data = sess_data,
	.done = sess_done,
	.closed = sess_closed,
};

/* Monotonic microseconds, for the rate. */
static uint64_t
sess_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Take the next ready message of d. */
static struct rcpt *
sess_pop(struct dest *d)
{
	struct rcpt	*r;

	if ((r = TAILQ_FIRST(&d->ready)) == NULL)
		return NULL;
	TAILQ_REMOVE(&d->ready, r, entry);
	d->nready--;
	return r;
}

/* Record that r is bound to a session for host/ip. */
static void
sess_connecting(struct engine *e, struct rcpt *r, const char *host,
    const char *ip)
{
	struct send_change	*c;

	if (r->dbstate == RCPT_CONNECTING)
		return;
	c = engine_change(e, r, RCPT_CONNECTING);
	c->attempt = 1;
	snprintf(c->mx, sizeof c->mx, "%s", host);
	snprintf(c->ip, sizeof c->ip, "%s", ip);
}

/*
 * Hand r to a ready session now. It stays "connecting": only MAIL, RCPT
 * and DATA go out until the server's 354 (sess_data) is recorded and
 * committed.
 */
static void
sess_submit(struct engine *e, struct sess *sess, struct rcpt *r)
{
	char	 from[VERP_ADDR_MAX], *cause = NULL;

	/* The token in the envelope-from names the recipient a bounce is
	 * about (checked to fit when the engine started). */
	if (r->mail_from == NULL) {
		if (send_envelope_rcpt(&e->info.set, r->token, from,
		    sizeof from, &cause) == -1) {
			free(cause);
			snprintf(from, sizeof from, "%s",
			    e->info.set.envelope_from);
		}
		r->mail_from = xstrdup(from);
	}
	memset(&r->sm, 0, sizeof r->sm);
	r->sm.mail_from = r->mail_from;
	r->sm.rcpt = r->addr;
	r->sm.data = r->msg;
	r->sm.len = r->len;
	r->sm.eightbit = r->eightbit;
	/* The 7-bit form, signed as well, to a server without 8BITMIME. */
	if (r->eightbit && r->msg7 != NULL &&
	    !smtp_offers_8bitmime(sess->s)) {
		r->sm.data = r->msg7;
		r->sm.len = r->len7;
		r->sm.eightbit = 0;
	}
	r->sm.cookie = r;
	if (smtp_submit(sess->s, &r->sm) == -1) {
		/* Not ready after all: another session takes it. */
		engine_unbind(e, r);
		smtp_quit(sess->s);
		return;
	}
	sess->cur = r;
	sess->sent++;
	sess_connecting(e, r, sess->host, sess->ip);
}

/* The rate's timer: hand messages to the sessions waiting for it. */
static void
sess_rate_fire(void *arg)
{
	struct engine	*e = arg;

	e->rate_timer = NULL;
	sess_rate_kick(e);
}

/* Serve the sessions waiting for the rate, as far as it allows. */
void
sess_rate_kick(struct engine *e)
{
	struct sess	*sess;
	struct rcpt	*r;
	uint64_t	 wait;

	while ((sess = TAILQ_FIRST(&e->ratewait)) != NULL) {
		if ((wait = rate_ctl_take(&e->rate, sess_now_us())) > 0) {
			if (e->rate_timer == NULL)
				e->rate_timer = loop_timer_add(e->loop,
				    (wait + 999) / 1000, sess_rate_fire, e);
			return;
		}
		TAILQ_REMOVE(&e->ratewait, sess, entry);
		sess->ratewait = 0;
		r = sess->first;
		sess->first = NULL;
		sess_submit(e, sess, r);
	}
}

static void	sess_send_rate(struct engine *, struct sess *, struct rcpt *);

/* r's provider is held after a throttle: r goes back, queued, and the
 * session quits (its provider wants fewer). */
static void
sess_hold_back(struct engine *e, struct sess *sess, struct rcpt *r)
{
	if (r->dbstate == RCPT_CONNECTING)
		engine_change(e, r, RCPT_QUEUED);
	engine_unbind(e, r);
	smtp_quit(sess->s);
}

/* The pace timer: the sessions whose provider's or domain's rate now
 * allows their message go on to the overall rate. */
static void
sess_pace_fire(void *arg)
{
	struct engine	*e = arg;
	struct sess	*sess, *next;
	struct rcpt	*r;
	uint64_t	 wait, least = 0;

	e->pace_timer = NULL;
	for (sess = TAILQ_FIRST(&e->pacewait); sess != NULL; sess = next) {
		next = TAILQ_NEXT(sess, entry);
		if (pacing_held(e, sess->dest)) {
			TAILQ_REMOVE(&e->pacewait, sess, entry);
			sess->pacewait = 0;
			r = sess->first;
			sess->first = NULL;
			sess_hold_back(e, sess, r);
			continue;
		}
		if ((wait = pacing_rate_take(e, sess->dest)) > 0) {
			if (least == 0 || wait < least)
				least = wait;
			continue;
		}
		TAILQ_REMOVE(&e->pacewait, sess, entry);
		sess->pacewait = 0;
		r = sess->first;
		sess->first = NULL;
		sess_send_rate(e, sess, r);
	}
	if (least > 0)
		e->pace_timer = loop_timer_add(e->loop, least, sess_pace_fire,
		    e);
}

/*
 * Send r on a ready session: not while its provider is held after a
 * throttle (r goes back, queued, and the session quits), else after its
 * provider's and domain's rates, then the overall rate.
 */
static void
sess_send(struct engine *e, struct sess *sess, struct rcpt *r)
{
	uint64_t	wait;

	if (pacing_held(e, sess->dest)) {
		sess_hold_back(e, sess, r);
		return;
	}
	if ((wait = pacing_rate_take(e, sess->dest)) == 0) {
		sess_send_rate(e, sess, r);
		return;
	}
	sess_connecting(e, r, sess->host, sess->ip);
	sess->first = r;
	sess->pacewait = 1;
	TAILQ_INSERT_TAIL(&e->pacewait, sess, entry);
	if (e->pace_timer == NULL)
		e->pace_timer = loop_timer_add(e->loop, wait, sess_pace_fire, e);
}

/* Send r on a ready session, or wait for the overall rate with it
 * bound. */
static void
sess_send_rate(struct engine *e, struct sess *sess, struct rcpt *r)
{
	if (TAILQ_EMPTY(&e->ratewait) &&
	    rate_ctl_take(&e->rate, sess_now_us()) == 0) {
		sess_submit(e, sess, r);
		return;
	}
	sess_connecting(e, r, sess->host, sess->ip);
	sess->first = r;
	sess->ratewait = 1;
	TAILQ_INSERT_TAIL(&e->ratewait, sess, entry);
	sess_rate_kick(e);
}

/* A parked session waited long enough: it quits. */
static void
sess_idle_fire(void *arg)
{
	struct sess	*sess = arg;

	sess->idle_timer = NULL;
	if (sess->idle) {
		TAILQ_REMOVE(&sess->dest->idle, sess, entry);
		sess->idle = 0;
	}
	smtp_quit(sess->s);
}

/* Take a session off the idle list. */
static void
sess_unpark(struct engine *e, struct sess *sess)
{
	if (sess->idle) {
		TAILQ_REMOVE(&sess->dest->idle, sess, entry);
		sess->idle = 0;
	}
	if (sess->idle_timer != NULL) {
		loop_timer_del(e->loop, sess->idle_timer);
		sess->idle_timer = NULL;
	}
}

/*
 * Would a session opened for target a be the one opened for b? The same
 * TLS demands: plaintext fallback or not, and for DANE the same TLSA
 * records, or TLS required alike (a domain whose MX records are signed
 * has them for a host another, unsigned, domain shares).
 */
static int
sess_target_alike(const struct target *a, const struct target *b)
{
	size_t	i;

	if (a->no_tls != b->no_tls || a->tls_required != b->tls_required ||
	    a->ntlsa != b->ntlsa || a->policy != b->policy ||
	    a->sts_miss != b->sts_miss)
		return 0;
	for (i = 0; i < a->ntlsa; i++)
		if (a->tlsa[i].usage != b->tlsa[i].usage ||
		    a->tlsa[i].selector != b->tlsa[i].selector ||
		    a->tlsa[i].mtype != b->tlsa[i].mtype ||
		    a->tlsa[i].len != b->tlsa[i].len ||
		    memcmp(a->tlsa[i].data, b->tlsa[i].data,
		    a->tlsa[i].len) != 0)
			return 0;
	return 1;
}

/*
 * The index of the target of d that a session opened for target cur can
 * serve: the same host name (SNI, certificate name) at the same address
 * with the same TLS demands, alive, and of the preference d would try now
 * (never a backup MX while a better one is up). -1 if none.
 */
static int
sess_target_same(struct engine *e, const struct dest *d,
    const struct target *cur)
{
	const struct target	*t;
	uint64_t		 now = engine_now(e);
	size_t			 i;

	if (d->rstate != DEST_ROUTED || d->route.n == 0 ||
	    d->cursor >= d->route.n)
		return -1;
	for (i = 0; i < d->route.n; i++) {
		t = &d->route.t[i];
		if (t->pref == d->route.t[d->cursor].pref &&
		    t->dead_until <= now &&
		    strcasecmp(t->host, cur->host) == 0 &&
		    strcmp(t->ip, cur->ip) == 0 && sess_target_alike(t, cur))
			return (int)i;
	}
	return -1;
}

/*
 * A ready session whose destination has nothing more for it: another
 * destination with messages ready whose MX is the same host at the same
 * address takes it over (domains hosted by one provider share its MX),
 * as Postfix's connection cache does, within that destination's own
 * session limit. 1 if it did.
 */
static int
sess_adopt(struct engine *e, struct sess *sess)
{
	struct dest		*d = sess->dest, *nd;
	const struct target	*cur;
	struct hashtab_iter	 it;
	uint64_t		 now = engine_now(e);
	int			 i;

	/* The target the session was opened for, as routed then. */
	if (e->relay_host[0] != '\0' || sess->rgen != d->rgen ||
	    sess->tgt >= d->route.n)
		return 0;
	cur = &d->route.t[sess->tgt];
	hashtab_first(&e->dests, &it);
	while ((nd = hashtab_next(&e->dests, &it)) != NULL) {
		if (nd == d || nd->nready == 0 ||
		    !dest_ctl_can_open(&nd->ctl, nd->nsessions, now) ||
		    sess->sent >= (unsigned int)pacing_per_session(e, nd) ||
		    pacing_held(e, nd) ||
		    (i = sess_target_same(e, nd, cur)) == -1)
			continue;
		/* Another provider's share, when the same host is grouped
		 * apart (another preferred MX named it). */
		if (nd->grp != sess->grp && nd->grp != NULL &&
		    !pace_can_open(&nd->grp->ctl, nd->grp->nsessions, now))
			continue;
		if (sess->grp != nd->grp) {
			if (sess->grp != NULL)
				sess->grp->nsessions--;
			if ((sess->grp = nd->grp) != NULL)
				sess->grp->nsessions++;
		}
		/* d's mail went over it: its TLS report has the session. */
		tlspol_session(e, sess, NULL, 0);
		d->nsessions--;
		nd->nsessions++;
		sess->dest = nd;
		sess->rgen = nd->rgen;
		sess->tgt = (size_t)i;
		tlspol_sess_open(sess, nd, &nd->route.t[i]);
		engine_wake(e, d);
		sess_send(e, sess, sess_pop(nd));
		return 1;
	}
	return 0;
}

/* A ready session with nothing bound: next message, park, or quit. */
static void
sess_next(struct engine *e, struct sess *sess)
{
	struct dest	*d = sess->dest;
	struct rcpt	*r;

	/* Its provider's messages per session, or the provider held or
	 * down to fewer sessions than it has open. */
	if (e->draining || e->closed ||
	    sess->sent >= (unsigned int)pacing_per_session(e,
	    d) || pacing_held(e, d) || (sess->grp != NULL &&
	    sess->grp->nsessions > sess->grp->ctl.sessions)) {
		smtp_quit(sess->s);
		return;
	}
	if ((r = sess_pop(d)) != NULL) {
		sess_send(e, sess, r);
		return;
	}
	if (d->nwait + d->nrendering > 0 && d->dead_until <= engine_now(e)) {
		sess->idle = 1;
		TAILQ_INSERT_TAIL(&d->idle, sess, entry);
		sess->idle_timer = loop_timer_add(e->loop, SESS_IDLE_MS,
		    sess_idle_fire, sess);
		engine_wake(e, d);
		return;
	}
	if (sess_adopt(e, sess))
		return;
	smtp_quit(sess->s);
}

/* d has nothing left: its parked sessions go on with another domain
 * sharing their MX, or quit now. */
void
sess_release(struct engine *e, struct dest *d)
{
	struct sess	*sess;

	while ((sess = TAILQ_FIRST(&d->idle)) != NULL) {
		sess_unpark(e, sess);
		if (!sess_adopt(e, sess))
			smtp_quit(sess->s);
	}
}

/* Hand d's ready messages to its parked sessions. */
int
sess_give(struct engine *e, struct dest *d)
{
	struct sess	*sess;
	int		 n = 0;

	while (d->nready > 0 && (sess = TAILQ_FIRST(&d->idle)) != NULL) {
		sess_unpark(e, sess);
		sess_send(e, sess, sess_pop(d));
		n++;
	}
	return n;
}

/* The next address of d to try (from its cursor); -1 if all failed. */
static int
sess_target(struct engine *e, struct dest *d, size_t *idx)
{
	uint64_t	now = engine_now(e);
	size_t		i, k;

	for (i = 0; i < d->route.n; i++) {
		k = (d->cursor + i) % d->route.n;
		if (d->route.t[k].dead_until <= now) {
			d->cursor = k;
			*idx = k;
			return 0;
		}
	}
	return -1;
}

/* Remember why a connection to a destination failed. */
static void
sess_last(struct dest *d, const struct smtp_reply *reply,
    const struct tls_status *tls, const char *host, const char *ip)
{
	d->last = *reply;
	/* A connection that never reached a server had no TLS at all. */
	if (tls != NULL && strcmp(reply->stage, "connect") != 0)
		d->last_tls = *tls;
	else
		memset(&d->last_tls, 0, sizeof d->last_tls);
	snprintf(d->last_mx, sizeof d->last_mx, "%s", host);
	snprintf(d->last_ip, sizeof d->last_ip, "%s", ip);
	d->has_last = 1;
}

/* An address failed: skip it for a while and try the next. */
static void
sess_target_failed(struct engine *e, struct dest *d, unsigned int rgen,
    size_t idx)
{
	int64_t	s = e->lim->retry_first / 2;

	if (rgen != d->rgen || idx >= d->route.n)
		return;
	if (s < 1)
		s = 1;
	if (s > 60)
		s = 60;
	d->route.t[idx].dead_until = engine_now(e) + (uint64_t)s * 1000;
	d->cursor = (idx + 1) % d->route.n;
}

/*
 * Open a session to d's next address with its next ready message bound.
 * 1 opened, 0 that address failed at once (try again), -1 every address
 * has failed.
 */
int
sess_open(struct engine *e, struct dest *d)
{
	struct smtp_params	 p;
	struct smtp_reply	 reply;
	struct sess		*sess;
	struct target		*t;
	const struct sockaddr	*src = NULL;
	socklen_t		 srclen = 0;
	size_t			 idx;
	char			*cause = NULL;

	if (sess_target(e, d, &idx) == -1)
		return -1;
	t = &d->route.t[idx];
	sess = xcalloc(1, sizeof *sess);
	sess->e = e;
	sess->dest = d;
	sess->rgen = d->rgen;
	sess->tgt = idx;
	snprintf(sess->host, sizeof sess->host, "%s", t->host);
	snprintf(sess->ip, sizeof sess->ip, "%s", t->ip);
	tlspol_sess_open(sess, d, t);

	memset(&p, 0, sizeof p);
	p.helo = e->info.set.helo;
	p.host = t->host;
	p.policy = t->policy;
	p.no_starttls = t->no_tls;
	p.tlsa = t->tlsa;		/* DANE: validated in routing */
	p.ntlsa = t->ntlsa;
	p.tls_required = t->tls_required;
	p.implicit_tls = e->relay_host[0] != '\0' && e->relay_port == 465;
	p.tls = e->tls;
	p.auth_user = *e->info.set.relay_user != '\0' && e->password != NULL ?
	    e->info.set.relay_user : NULL;
	p.auth_pass = p.auth_user != NULL ? e->password : NULL;
	p.max_messages = (unsigned int)pacing_per_session(e, d);
	smtp_timeouts_apply(&e->timeouts, &p);
	if (t->ss.ss_family == AF_INET && e->src4len != 0) {
		src = (const struct sockaddr *)&e->src4;
		srclen = e->src4len;
	} else if (t->ss.ss_family == AF_INET6 && e->src6len != 0) {
		src = (const struct sockaddr *)&e->src6;
		srclen = e->src6len;
	}
	sess->s = smtp_connect(e->loop, (const struct sockaddr *)&t->ss,
	    t->sslen, src, srclen, &p, &sess_events, sess, &cause);
	if (sess->s == NULL) {
		memset(&reply, 0, sizeof reply);
		snprintf(reply.text, sizeof reply.text, "%s", cause != NULL ?
		    cause : NT("cannot connect"));
		snprintf(reply.stage, sizeof reply.stage, "connect");
		free(cause);
		sess_last(d, &reply, NULL, sess->host, sess->ip);
		sess_target_failed(e, d, d->rgen, idx);
		free(sess->rpt_strings);
		free(sess);
		return 0;
	}
	sess->first = sess_pop(d);
	sess_connecting(e, sess->first, sess->host, sess->ip);
	TAILQ_INSERT_TAIL(&e->sessions, sess, all);
	if ((sess->grp = d->grp) != NULL)
		sess->grp->nsessions++;
	d->nsessions++;
	d->nopening++;
	e->nsessions++;
	return 1;
}

/* A session is ready: its bound message, the next one, or QUIT. */
static void
sess_ready(struct smtp_session *s, void *arg)
{
	struct sess	*sess = arg;
	struct engine	*e = sess->e;
	struct rcpt	*r;

	(void)s;
	if (!sess->was_ready) {
		sess->was_ready = 1;
		sess->dest->nopening--;
	}
	if ((r = sess->first) != NULL) {
		sess->first = NULL;
		if (e->draining || e->closed) {
			engine_unbind(e, r);
			smtp_quit(sess->s);
			return;
		}
		sess_send(e, sess, r);
		return;
	}
	sess_next(e, sess);
}

/*
 * The server answered 354: record r "sent-data". The session writes the
 * body no earlier than the next loop turn (smtp.h), and the before-sleep
 * hook commits this change before that turn polls: so "sent-data" is on
 * disk before any byte of the message, and an engine killed before then
 * leaves r "connecting", queued again on recovery (it was not sent).
 */
static void
sess_data(struct smtp_session *s, struct smtp_msg *msg, void *arg)
{
	struct sess		*sess = arg;
	struct rcpt		*r = msg->cookie;
	struct send_change	*c;

	c = engine_change(sess->e, r, RCPT_SENT_DATA);
	c->attempt = 1;
	snprintf(c->mx, sizeof c->mx, "%s", sess->host);
	snprintf(c->ip, sizeof c->ip, "%s", sess->ip);
	c->tls = *smtp_tls_status(s);
	/* The body waits for the committer to have this on disk. */
	if (sess->e->cm != NULL) {
		smtp_body_wait(s);
		sess->body_waits = 1;
		sess->body_batch = 0;
		TAILQ_INSERT_TAIL(&sess->e->bodyq, sess, bodyq);
	}
}

/* One message's outcome. */
static void
sess_done(struct smtp_session *s, struct smtp_msg *msg,
    enum smtp_outcome outcome, const struct smtp_reply *reply, void *arg)
{
	struct sess	*sess = arg;
	struct engine	*e = sess->e;
	struct dest	*d = sess->dest;
	struct rcpt	*r = msg->cookie;
	enum rcpt_state	 state;

	if (sess->cur == r)
		sess->cur = NULL;
	switch (outcome) {
	case SMTP_DELIVERED:
		state = RCPT_DELIVERED;
		dest_ctl_ok(&d->ctl);
		pacing_ok(e, sess);
		break;
	case SMTP_BOUNCED:
		state = RCPT_BOUNCED;
		break;
	case SMTP_UNKNOWN:
		state = RCPT_UNKNOWN;
		break;
	default:
		state = RCPT_DEFERRED;
		/* A 4xx to RCPT is about that mailbox (full, greylisted);
		 * anything else, and a 421 anywhere, is about the server. */
		if (reply->code == 421 || strcmp(reply->stage, "rcpt") != 0)
			dest_ctl_fail(&d->ctl, e->lim, engine_now(e));
		/* The provider's words for "too fast", at any stage, slow
		 * every domain it hosts. */
		pacing_reply(e, sess, reply);
		break;
	}
	engine_outcome(e, r, state, reply, smtp_tls_status(s), sess->host,
	    sess->ip);
	engine_rcpt_done(e, r);
	engine_wake(e, d);
}

/* A session is over. */
static void
sess_closed(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *reply, int tls_failed, void *arg)
{
	struct sess		*sess = arg;
	struct engine		*e = sess->e;
	struct dest		*d = sess->dest;
	struct rcpt		*r;
	struct smtp_reply	 lost;
	int			 plain;

	sess_unpark(e, sess);
	if (sess->ratewait) {
		TAILQ_REMOVE(&e->ratewait, sess, entry);
		sess->ratewait = 0;
	}
	if (sess->pacewait) {
		TAILQ_REMOVE(&e->pacewait, sess, entry);
		sess->pacewait = 0;
	}
	if (outcome != SMTP_DELIVERED)
		pacing_reply(e, sess, reply);
	if (sess->grp != NULL)
		sess->grp->nsessions--;
	if (sess->body_waits) {
		TAILQ_REMOVE(&e->bodyq, sess, bodyq);
		sess->body_waits = 0;
	}
	TAILQ_REMOVE(&e->sessions, sess, all);
	d->nsessions--;
	e->nsessions--;
	if (!sess->was_ready)
		d->nopening--;
	if ((r = sess->cur) != NULL) {
		/* The session owes us an outcome: say what we know. Only a
		 * message whose body may have gone out is unknown. */
		memset(&lost, 0, sizeof lost);
		snprintf(lost.text, sizeof lost.text, NT("the session ended "
		    "without a reply to the message"));
		snprintf(lost.stage, sizeof lost.stage, "%s",
		    r->dbstate == RCPT_SENT_DATA ? "dot" : "data");
		engine_outcome(e, r, r->dbstate == RCPT_SENT_DATA ?
		    RCPT_UNKNOWN : RCPT_DEFERRED, &lost, smtp_tls_status(s),
		    sess->host, sess->ip);
		engine_rcpt_done(e, r);
	}
	if ((r = sess->first) != NULL) {
		sess->first = NULL;
		if (!e->draining && !sess->was_ready) {
			/* dane without TLSA for the host acts as may;
			 * mta-sts never falls back. */
			plain = tls_failed && sess->rgen == d->rgen &&
			    sess->tgt < d->route.n &&
			    (d->route.t[sess->tgt].policy == TLS_POLICY_MAY ||
			    (d->route.t[sess->tgt].policy == TLS_POLICY_DANE &&
			    d->route.t[sess->tgt].ntlsa == 0 &&
			    !d->route.t[sess->tgt].tls_required)) &&
			    !d->route.t[sess->tgt].no_tls;
			if (plain)
				d->route.t[sess->tgt].no_tls = 1;
			else {
				sess_last(d, reply, smtp_tls_status(s),
				    sess->host, sess->ip);
				sess_target_failed(e, d, sess->rgen,
				    sess->tgt);
			}
		}
		engine_unbind(e, r);
	}
	if (outcome != SMTP_DELIVERED && reply->code >= 400 &&
	    reply->code <= 499)
		dest_ctl_fail(&d->ctl, e->lim, engine_now(e));
	tlspol_session(e, sess, reply, tls_failed);
	free(sess->rpt_strings);
	free(sess);
	engine_wake(e, d);
	sess_rate_kick(e);
	engine_wake_blocked(e);
}

/* Stop every session as soon as it is idle; abort those not yet ready
 * (their messages were not handed over). */
void
sess_drain(struct engine *e)
{
	struct sess	*sess;
	struct rcpt	*r;

	TAILQ_FOREACH(sess, &e->sessions, all) {
		if (!sess->was_ready) {
			smtp_abort(sess->s);
			continue;
		}
		if (sess->idle) {
			sess_unpark(e, sess);
			smtp_quit(sess->s);
		} else if (sess->ratewait || sess->pacewait) {
			if (sess->ratewait)
				TAILQ_REMOVE(&e->ratewait, sess, entry);
			else
				TAILQ_REMOVE(&e->pacewait, sess, entry);
			sess->ratewait = sess->pacewait = 0;
			r = sess->first;
			sess->first = NULL;
			engine_unbind(e, r);
			smtp_quit(sess->s);
		}
	}
}
