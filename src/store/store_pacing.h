/*
 * Each provider's pace during a send (db table send_pacing): written by
 * the send's engine as a provider is throttled or comes back, read by
 * herald status and the console's Send screen.
 */
#ifndef HERALD_STORE_PACING_H
#define HERALD_STORE_PACING_H

#include <stdint.h>

struct store;

struct pacing_row {
	const char	*provider;	/* "yahoo", or an MX host */
	const char	*state;		/* normal, slowed, throttled */
	int		 sessions;	/* allowed now */
	int		 max_sessions;
	int		 per_minute;	/* now; 0: no limit */
	int64_t		 next_try;	/* Unix seconds; 0: now */
	int64_t		 updated_at;
};

/* Forget a send's rows (its engine starts afresh). */
int	store_pacing_clear(struct store *, int64_t send_id, char **cause);
/* Keep one provider's pace. */
int	store_pacing_put(struct store *, int64_t send_id,
	    const struct pacing_row *, char **cause);
/* A send's rows, throttled first, then by name; cb's strings are valid
 * during the call; a non-zero return stops. 0 or -1 with *cause. */
typedef int (*store_pacing_cb)(const struct pacing_row *, void *arg);
int	store_pacing_list(struct store *, int64_t send_id, store_pacing_cb,
	    void *arg, char **cause);

#endif
