/*
 * A provider's pace (pace.c): how many sessions and messages a minute it
 * gets now, and its adaptive back-off. A throttling reply (reply_class.h
 * reply_throttled) halves both and holds the provider (a minute, doubled
 * per throttle in a row up to PACE_HOLD_MAX); each round of deliveries
 * after that gives back one session and a tenth of the rate (AIMD, as
 * TCP paces itself). Pure: times are the caller's, in ms.
 */
#ifndef HERALD_SEND_PACE_H
#define HERALD_SEND_PACE_H

#include <stddef.h>
#include <stdint.h>

#include "smtp/provider.h"

struct pacing_row;

#define PACE_HOLD_FIRST	60		/* seconds after a first throttle */
#define PACE_HOLD_MAX	1800

enum pace_state {
	PACE_NORMAL,		/* at its full limits */
	PACE_SLOWED,		/* coming back after a throttle */
	PACE_THROTTLED,		/* held: no new session until hold_until */
};

struct pace_ctl {
	struct pace	 max;		/* the limits in force (0 per_minute:
					 * none) */
	int		 sessions;	/* allowed now, 1..max.sessions */
	int		 per_minute;	/* allowed now; 0: no limit */
	int		 strikes;	/* throttles in a row */
	int		 oks;		/* deliveries toward the next step up */
	uint64_t	 hold_until;	/* ms; no new session before */
	uint64_t	 next_ms;	/* the next message not before (rate) */
};

void		 pace_init(struct pace_ctl *, const struct pace *max);
/* A throttling reply at now. 1 if this slowed the provider down, 0 if it
 * came while it was already held (one decrease per hold). */
int		 pace_throttle(struct pace_ctl *, uint64_t now);
/* A delivery: step back up once every `sessions` deliveries. */
void		 pace_ok(struct pace_ctl *);
enum pace_state	 pace_state(const struct pace_ctl *, uint64_t now);
/* "normal", "slowed", "throttled". */
const char	*pace_state_name(enum pace_state);
/* May one more session open beside nsessions? */
int		 pace_can_open(const struct pace_ctl *, int nsessions,
		    uint64_t now);
/* 0 if a message may go at now (and it is counted), else the ms to
 * wait. */
uint64_t	 pace_rate_take(struct pace_ctl *, uint64_t now);
/* The ms a message must still wait at now, without taking a slot. */
uint64_t	 pace_rate_wait(const struct pace_ctl *, uint64_t now);

/* How a provider stands, for a person: "Yahoo: throttled, next try
 * 12:04, 1 session of 3" (the state word stays English, as in --json;
 * the time local). */
void		 pace_line(char *buf, size_t len, const struct pacing_row *);
/* The name to show for a send_pacing row's provider: its label, or the
 * MX host. */
const char	*pace_label(const char *provider);

#endif
