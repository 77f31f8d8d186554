/*
 * A scheduled send at its time (schedule.c): the checks `herald send`
 * makes before it records a send, made again when the time comes, since
 * DNS or the configuration may have changed since.
 */
#ifndef HERALD_SEND_SCHEDULE_H
#define HERALD_SEND_SCHEDULE_H

#include <stdint.h>

struct config;
struct send_settings;
struct store;

/*
 * The pre-send checks of send id with its settings: the law's gate (unless
 * the send was made with --i-know) and the health of the From domain's
 * authentication (SPF, DKIM, DMARC and their alignment) as the send would
 * go out. 0 when they pass, 1 with *reason (allocated, English: it is
 * stored) when the send must be held, -1 with *cause.
 */
int	send_start_checks(struct store *, const struct config *, int64_t id,
	    const struct send_settings *, char **reason, char **cause);

#endif
