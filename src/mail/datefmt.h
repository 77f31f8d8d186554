/*
 * A date as a person reads it in a message: the {{date}} merge fields and
 * the footer. In the host's local time zone (TZ): the day an announcement
 * is sent is the day where the organisation is.
 *
 *   DATEFMT_ISO  2026-12-08
 *   DATEFMT_JA   2026年12月8日(火)
 *   DATEFMT_EN   8 December 2026
 *
 * Names come from our own tables, never from the locale (strftime's
 * follow LC_TIME, which a server often has as C).
 */
#ifndef HERALD_DATEFMT_H
#define HERALD_DATEFMT_H

#include <time.h>

#include "base/util.h"

enum datefmt {
	DATEFMT_ISO,
	DATEFMT_JA,
	DATEFMT_EN,
};

/* "" or "iso", "ja", "en" into *f: 0, or -1 for another name. */
int	datefmt_parse(const char *lang, size_t len, enum datefmt *f);
/* Append date t (0: now) in form f. */
void	datefmt_append(struct buf *, time_t t, enum datefmt f);

/* What datefmt_iso_check found. */
enum datefmt_iso {
	DATEFMT_ISO_OK,
	DATEFMT_ISO_SYNTAX,		/* not the form below */
	DATEFMT_ISO_RANGE,		/* the form, but no such day or time */
};
/*
 * Is s[0..len) an ISO 8601 date, or date and time, as a consent record
 * keeps it: YYYY-MM-DD, then optionally T or a space, HH:MM[:SS[.fff]]
 * and Z or +HH:MM / -HH:MM; a real day of its month, a time up to
 * 23:59:60 (a leap second), an offset up to 23:59?
 */
enum datefmt_iso datefmt_iso_check(const char *s, size_t len);

#endif
