/*
 * A provider's pace: additive increase, multiplicative decrease of its
 * sessions and rate, and the hold after a throttle (pace.h).
 * tests/unit/test_pace.c covers it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pace.h"
#include "base/i18n.h"
#include "store/store_pacing.h"

void
pace_init(struct pace_ctl *c, const struct pace *max)
{
	memset(c, 0, sizeof *c);
	c->max = *max;
	if (c->max.sessions < 1)
		c->max.sessions = 1;
	c->sessions = c->max.sessions;
	c->per_minute = c->max.per_minute;
}

int
pace_throttle(struct pace_ctl *c, uint64_t now)
{
	uint64_t	hold = PACE_HOLD_FIRST;
	int		i;

	/* Sessions already open when the first deferral came get theirs
	 * too: one decrease per hold. */
	if (now < c->hold_until)
		return 0;
	for (i = 0; i < c->strikes && hold < PACE_HOLD_MAX; i++)
		hold *= 2;
	if (hold > PACE_HOLD_MAX)
		hold = PACE_HOLD_MAX;
	c->strikes++;
	c->oks = 0;
	c->hold_until = now + hold * 1000;
	c->sessions = c->sessions / 2 > 1 ? c->sessions / 2 : 1;
	/* A provider with no rate limit gets one: what it just took. */
	if (c->per_minute == 0)
		c->per_minute = c->max.sessions * 30;
	c->per_minute = c->per_minute / 2 > 1 ? c->per_minute / 2 : 1;
	return 1;
}

void
pace_ok(struct pace_ctl *c)
{
	int	step;

	c->strikes = 0;
	if (++c->oks < c->sessions)
		return;
	c->oks = 0;
	if (c->sessions < c->max.sessions)
		c->sessions++;
	if (c->max.per_minute == 0) {
		/* Back to no limit once it has grown past what the full
		 * sessions took before. */
		if (c->per_minute != 0 && (c->per_minute += c->per_minute /
		    10 + 1) >= c->max.sessions * 30)
			c->per_minute = 0;
		return;
	}
	step = c->max.per_minute / 10 > 1 ? c->max.per_minute / 10 : 1;
	c->per_minute += step;
	if (c->per_minute > c->max.per_minute)
		c->per_minute = c->max.per_minute;
}

enum pace_state
pace_state(const struct pace_ctl *c, uint64_t now)
{
	if (now < c->hold_until)
		return PACE_THROTTLED;
	if (c->sessions < c->max.sessions ||
	    c->per_minute != c->max.per_minute)
		return PACE_SLOWED;
	return PACE_NORMAL;
}

const char *
pace_state_name(enum pace_state s)
{
	switch (s) {
	case PACE_NORMAL:
		return "normal";
	case PACE_SLOWED:
		return "slowed";
	case PACE_THROTTLED:
		return "throttled";
	}
	return "?";
}

int
pace_can_open(const struct pace_ctl *c, int nsessions, uint64_t now)
{
	return now >= c->hold_until && nsessions < c->sessions;
}

uint64_t
pace_rate_wait(const struct pace_ctl *c, uint64_t now)
{
	if (c->per_minute <= 0 || now >= c->next_ms)
		return 0;
	return c->next_ms - now;
}

uint64_t
pace_rate_take(struct pace_ctl *c, uint64_t now)
{
	uint64_t	wait;

	if (c->per_minute <= 0)
		return 0;
	if ((wait = pace_rate_wait(c, now)) > 0)
		return wait;
	/* Evenly spaced: no credit saved up while idle. */
	c->next_ms = now + 60000 / (uint64_t)c->per_minute;
	return 0;
}

const char *
pace_label(const char *provider)
{
	const struct provider	*p = provider_find(provider);

	return p != NULL ? p->label : provider;
}

void
pace_line(char *buf, size_t len, const struct pacing_row *r)
{
	char		 at[16];
	time_t		 t = (time_t)r->next_try;
	struct tm	 tm;

	if (r->next_try != 0 && localtime_r(&t, &tm) != NULL &&
	    strftime(at, sizeof at, "%H:%M:%S", &tm) != 0)
		snprintf(buf, len, ngettext("%s: %s, next try %s, %d session "
		    "of %d", "%s: %s, next try %s, %d sessions of %d",
		    (unsigned long)r->sessions), pace_label(r->provider),
		    r->state, at, r->sessions, r->max_sessions);
	else
		snprintf(buf, len, ngettext("%s: %s, %d session of %d",
		    "%s: %s, %d sessions of %d", (unsigned long)r->sessions),
		    pace_label(r->provider), r->state, r->sessions,
		    r->max_sessions);
}
