/*
 * When a send may go (timing.c): the time `herald send --at` names, and
 * the send window, the hours and days in which its engine starts
 * transactions. Pure: no I/O; local time is the process's (TZ).
 */
#ifndef HERALD_SEND_TIMING_H
#define HERALD_SEND_TIMING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a start time: "YYYY-MM-DD HH:MM[:SS]" or ISO 8601
 * "YYYY-MM-DDTHH:MM[:SS]", in local time, or with "Z" or an offset
 * ("+09:00", "+0900", "-05"). 0 and *at (Unix seconds), or -1 with *cause.
 */
int		 timing_parse_at(const char *s, int64_t *at, char **cause);

/* A send window: from start to end (seconds after midnight, local; end <
 * start spans midnight), on the days in days (bit 0 Sunday .. bit 6
 * Saturday; a window that spans midnight belongs to the day it opens). */
struct send_window {
	int	start, end;
	int	days;
};
#define TIMING_EVERY_DAY	0x7f
#define TIMING_WEEKDAYS		0x3e	/* Monday to Friday */

/* Parse "HH:MM-HH:MM[,DAYS]" (HH:MM:SS too), DAYS comma-separated days
 * or ranges of days ("mon-fri", "sat,sun", "mon,wed-fri"). 0, or -1 with
 * *cause. */
int		 timing_window_parse(const char *s, struct send_window *,
		    char **cause);
/* The window as text, in the form parse reads ("09:00-18:00,mon-fri";
 * the days left out when every day). */
void		 timing_window_format(const struct send_window *, char *buf,
		    size_t len);
/* 1 if transactions may start at t. */
int		 timing_window_open(const struct send_window *, int64_t t);
/* When the window next opens after t (t itself when open): Unix
 * seconds. */
int64_t		 timing_window_next(const struct send_window *, int64_t t);
/* When an open window next closes after t. */
int64_t		 timing_window_close(const struct send_window *, int64_t t);

/* "2h 05m", "3m 20s", "12s": how long until then from now ("0s" when
 * past). */
void		 timing_countdown(int64_t now, int64_t then, char *buf,
		    size_t len);

#endif
