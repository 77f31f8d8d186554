/*
 * A send's timing (sends columns scheduled_at, schedule, held_reason,
 * send_window; migration 21): written by `herald send --at`, `herald
 * cancel` and the engine as a scheduled send starts or is held; read by
 * the engine, `herald status` and the console.
 */
#ifndef HERALD_STORE_TIMING_H
#define HERALD_STORE_TIMING_H

#include <stdint.h>

struct store;

struct send_timing {
	int64_t		 scheduled_at;	/* 0: started at once */
	char		 schedule[16];	/* "", scheduled, held, cancelled */
	char		*held_reason;	/* allocated; "" when none */
	char		*window;	/* allocated; "": any time */
};

/* A send's timing (free with store_timing_free). 0, 1 when there is no
 * such send, or -1 with *cause. */
int	store_timing_get(struct store *, int64_t id, struct send_timing *,
	    char **cause);
void	store_timing_free(struct send_timing *);
/* Set when the send starts (0: at once; schedule "scheduled" when not 0)
 * and its window. */
int	store_timing_set(struct store *, int64_t id, int64_t at,
	    const char *window, char **cause);
/* Set the schedule word ("", held, cancelled, scheduled) and why. */
int	store_timing_state(struct store *, int64_t id, const char *schedule,
	    const char *reason, char **cause);
/* Move schedule from one word to another only if it is still the first
 * (a cancel racing a start): 1 moved, 0 not, -1 with *cause. */
int	store_timing_move(struct store *, int64_t id, const char *from,
	    const char *to, char **cause);

#endif
