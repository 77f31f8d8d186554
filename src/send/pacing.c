/*
 * Provider-aware pacing: destinations are grouped by the provider that
 * runs their MX (smtp/provider.h; a domain at no provider the table knows
 * is grouped by its MX host), so every domain hosted there shares the
 * provider's sessions, messages per session and messages per minute, as
 * the engine's sessions already move between domains sharing an MX. A
 * provider's own deferral words (reply_throttled) slow that provider down
 * alone (pace.h: fewer sessions, a lower rate, a hold); deliveries bring
 * it back. pace.DOMAIN gives one domain limits of its own within its
 * provider's. Each group's state goes to send_pacing for herald status
 * and the console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "config/config.h"
#include "smtp/provider.h"
#include "smtp/reply_class.h"
#include "store/store_pacing.h"

/* The providers' limits, provider.NAME over the built-in ones, and every
 * pace.DOMAIN. */
void
pacing_init(struct engine *e, const struct config *cfg)
{
	const char	*key, *val;
	char		*pkey;
	struct pace	 over, *dp;
	size_t		 n, i;

	for (n = 0; providers[n].name != NULL; n++)
		;
	e->prov_pace = xcalloc(n + 1, sizeof *e->prov_pace);
	hashtab_init(&e->dom_pace, 1);
	hashtab_init(&e->groups, 1);
	TAILQ_INIT(&e->pacewait);
	for (i = 0; i < n; i++) {
		e->prov_pace[i] = providers[i].def;
		if (cfg == NULL)
			continue;
		pkey = xprintf("provider.%s", providers[i].name);
		/* Checked when loaded: a bad one cannot be here. */
		if ((val = config_get(cfg, pkey)) != NULL &&
		    pace_parse(val, &over, NULL) == 0)
			pace_apply(&e->prov_pace[i], &over);
		free(pkey);
	}
	for (i = 0; cfg != NULL &&
	    config_prefixed_at(cfg, "pace.", i, &key, &val); i++) {
		if (pace_parse(val, &over, NULL) == -1)
			continue;
		dp = xmalloc(sizeof *dp);
		*dp = over;
		hashtab_add(&e->dom_pace, key + 5, dp);
	}
}

void
pacing_free(struct engine *e)
{
	struct hashtab_iter	 it;
	struct pgroup		*g;
	struct pace		*p;

	if (e->prov_pace == NULL)
		return;
	if (e->pace_timer != NULL)
		loop_timer_del(e->loop, e->pace_timer);
	hashtab_first(&e->dom_pace, &it);
	while ((p = hashtab_next(&e->dom_pace, &it)) != NULL)
		free(p);
	hashtab_free(&e->dom_pace);
	hashtab_first(&e->groups, &it);
	while ((g = hashtab_next(&e->groups, &it)) != NULL) {
		free(g->name);
		free(g);
	}
	hashtab_free(&e->groups);
	free(e->prov_pace);
	e->prov_pace = NULL;
}

void
pacing_dest(struct engine *e, struct dest *d)
{
	struct pace	*p;

	memset(&d->dpace, 0, sizeof d->dpace);
	if (e->relay_host[0] == '\0' &&
	    (p = hashtab_get(&e->dom_pace, d->name)) != NULL)
		d->dpace = *p;
	pace_init(&d->drate, &d->dpace);
}

/* The group called name, made with limits p when new. */
static struct pgroup *
pacing_group(struct engine *e, const char *name, const struct provider *prov,
    const struct pace *p)
{
	struct pgroup	*g;

	if ((g = hashtab_get(&e->groups, name)) != NULL)
		return g;
	g = xcalloc(1, sizeof *g);
	g->name = xstrdup(name);
	g->prov = prov;
	pace_init(&g->ctl, p);
	hashtab_add(&e->groups, g->name, g);
	return g;
}

void
pacing_route(struct engine *e, struct dest *d)
{
	const struct provider	*prov;
	struct pace		 p;
	char			 host[256];
	size_t			 i, len;

	if (d->grp != NULL || e->relay_host[0] != '\0' ||
	    d->route.status != ROUTE_OK || d->route.n == 0)
		return;
	/* The most preferred MX names the provider (a backup MX at
	 * another one does not move the domain). */
	snprintf(host, sizeof host, "%s", d->route.t[0].host);
	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		host[--len] = '\0';
	for (i = 0; i < len; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] += 'a' - 'A';
	if ((prov = provider_of_mx(host)) != NULL)
		d->grp = pacing_group(e, prov->name, prov,
		    &e->prov_pace[prov - providers]);
	else {
		/* An MX host of its own: what per_domain and
		 * per_connection give a destination, shared. */
		p.sessions = e->lim->per_domain;
		p.per_session = e->lim->per_connection;
		p.per_minute = 0;
		d->grp = pacing_group(e, host, NULL, &p);
	}
	/* The domain may have as many sessions as its provider, or its
	 * own number. */
	dest_ctl_init(&d->ctl, d->dpace.sessions > 0 ? d->dpace.sessions :
	    d->grp->ctl.max.sessions);
}

int
pacing_per_session(struct engine *e, const struct dest *d)
{
	int	n = e->lim->per_connection;

	if (d->grp != NULL && d->grp->ctl.max.per_session > 0 &&
	    d->grp->ctl.max.per_session < n)
		n = d->grp->ctl.max.per_session;
	if (d->dpace.per_session > 0 && d->dpace.per_session < n)
		n = d->dpace.per_session;
	return n > 0 ? n : 1;
}

int
pacing_can_open(struct engine *e, const struct dest *d, uint64_t *until)
{
	uint64_t	now = engine_now(e);

	*until = 0;
	if (d->grp == NULL || pace_can_open(&d->grp->ctl, d->grp->nsessions,
	    now))
		return 1;
	if (d->grp->ctl.hold_until > now)
		*until = d->grp->ctl.hold_until;
	return 0;
}

int
pacing_held(struct engine *e, const struct dest *d)
{
	return d->grp != NULL && engine_now(e) < d->grp->ctl.hold_until;
}

uint64_t
pacing_rate_take(struct engine *e, struct dest *d)
{
	uint64_t	now = engine_now(e), w = 0, wd;

	if (d->grp != NULL)
		w = pace_rate_wait(&d->grp->ctl, now);
	if ((wd = pace_rate_wait(&d->drate, now)) > w)
		w = wd;
	if (w > 0)
		return w;
	if (d->grp != NULL)
		pace_rate_take(&d->grp->ctl, now);
	pace_rate_take(&d->drate, now);
	return 0;
}

void
pacing_reply(struct engine *e, struct sess *sess,
    const struct smtp_reply *reply)
{
	struct pgroup	*g = sess->grp;

	if (g == NULL || sess->throttled || reply == NULL ||
	    !reply_throttled(reply->code, reply->enhanced, reply->text))
		return;
	sess->throttled = 1;
	if (pace_throttle(&g->ctl, engine_now(e)))
		engine_log(e, ngettext("%s throttles (%d %s): %d session, "
		    "%d messages a minute, no new session for %llu s",
		    "%s throttles (%d %s): %d sessions, %d messages a minute, "
		    "no new session for %llu s", (unsigned long)g->ctl.sessions),
		    g->prov != NULL ? g->prov->label : g->name, reply->code,
		    reply->enhanced, g->ctl.sessions, g->ctl.per_minute,
		    (unsigned long long)((g->ctl.hold_until - engine_now(e)) /
		    1000));
}

void
pacing_ok(struct engine *e, struct sess *sess)
{
	(void)e;
	if (sess->grp != NULL)
		pace_ok(&sess->grp->ctl);
}

/* Write the groups whose state, sessions, rate or next try changed. A
 * failed write is tried again at the next tick: the rows are what the
 * operator sees, never what the engine decides by. */
void
pacing_write(struct engine *e)
{
	struct hashtab_iter	 it;
	struct pgroup		*g;
	struct pacing_row	 r;
	enum pace_state		 st;
	uint64_t		 now = engine_now(e);
	int64_t			 wall = (int64_t)time(NULL), next;
	char			*cause = NULL;

	/* Once a second is enough for a person to read; a send may have
	 * many groups. */
	if (e->test || e->prov_pace == NULL || (e->pace_written != 0 &&
	    now - e->pace_written < 1000))
		return;
	e->pace_written = now;
	hashtab_first(&e->groups, &it);
	while ((g = hashtab_next(&e->groups, &it)) != NULL) {
		st = pace_state(&g->ctl, now);
		next = st == PACE_THROTTLED ? wall + (int64_t)((g->ctl.hold_until -
		    now + 999) / 1000) : 0;
		/* An MX host of no known provider is shown once it is not
		 * at its full pace: a send may have thousands. */
		if (!g->written && g->prov == NULL && st == PACE_NORMAL)
			continue;
		if (g->written && g->w_state == st &&
		    g->w_sessions == g->ctl.sessions &&
		    g->w_per_minute == g->ctl.per_minute &&
		    (next == 0 || llabs(next - g->w_next) <= 1))
			continue;
		memset(&r, 0, sizeof r);
		r.provider = g->name;
		r.state = pace_state_name(st);
		r.sessions = g->ctl.sessions;
		r.max_sessions = g->ctl.max.sessions;
		r.per_minute = g->ctl.per_minute;
		r.next_try = next;
		r.updated_at = wall;
		if (store_pacing_put(e->st, e->id, &r, &cause) == -1) {
			engine_log(e, "%s", cause);
			free(cause);
			return;
		}
		g->written = 1;
		g->w_state = st;
		g->w_sessions = g->ctl.sessions;
		g->w_per_minute = g->ctl.per_minute;
		g->w_next = next;
	}
}
