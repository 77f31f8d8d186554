/*
 * When a send may go: the start time of `herald send --at` and the send
 * window (timing.h). Local time is whatever TZ says, as for cron: mktime
 * and localtime_r do the zone's arithmetic, summer time included.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "timing.h"
#include "base/i18n.h"
#include "base/util.h"

static const char *const timing_days[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* n digits at *p, into *v; 0 or -1. */
static int
timing_digits(const char **p, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t
timing_days_from_civil(int y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The zone after the time: "", "Z", "+HH", "+HHMM", "+HH:MM". *local
 * when none; *off in seconds east of UTC. 0 or -1. */
static int
timing_zone(const char *p, int *local, int *off)
{
	int	sign, hh, mm = 0;

	*local = 0;
	*off = 0;
	if (*p == '\0') {
		*local = 1;
		return 0;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (timing_digits(&p, 2, &hh) == -1)
		return -1;
	if (*p == ':')
		p++;
	if (*p != '\0' && timing_digits(&p, 2, &mm) == -1)
		return -1;
	if (*p != '\0' || hh > 14 || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS]", then a zone or not. */
int
timing_parse_at(const char *s, int64_t *at, char **cause)
{
	const char	*p = s;
	struct tm	 tm;
	time_t		 t;
	int		 y, mo, d, h, mi, sec = 0, local, off;
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (timing_digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    timing_digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    timing_digits(&p, 2, &d) == -1 || (*p != ' ' && *p != 'T' &&
	    *p != 't') || (p++, timing_digits(&p, 2, &h)) == -1 ||
	    *p++ != ':' || timing_digits(&p, 2, &mi) == -1)
		goto bad;
	if (*p == ':' && (p++, timing_digits(&p, 2, &sec)) == -1)
		goto bad;
	if (timing_zone(p, &local, &off) == -1)
		goto bad;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))) || h > 23 || mi > 59 || sec > 59)
		goto bad;
	if (!local) {
		*at = timing_days_from_civil(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + sec - off;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		goto bad;
	*at = (int64_t)t;
	return 0;
bad:
	return set_cause(cause, _("'%s' is not a time: give "
	    "YYYY-MM-DD HH:MM (local time) or ISO 8601 with an offset, "
	    "e.g. 2026-12-24T09:00+09:00"), s);
}

/* "HH:MM[:SS]" at *p into seconds. */
static int
timing_hhmm(const char **p, int *sec)
{
	int	h, m, s = 0;

	if (timing_digits(p, 2, &h) == -1 || *(*p)++ != ':' ||
	    timing_digits(p, 2, &m) == -1)
		return -1;
	if (**p == ':' && ((*p)++, timing_digits(p, 2, &s)) == -1)
		return -1;
	if (h > 24 || m > 59 || s > 59 || (h == 24 && (m != 0 || s != 0)))
		return -1;
	*sec = h * 3600 + m * 60 + s;
	return 0;
}

/* "HH:MM", or "HH:MM:SS" when it has seconds. */
static void
timing_hhmm_format(char *buf, size_t len, int sec)
{
	if (sec % 60 != 0)
		snprintf(buf, len, "%02d:%02d:%02d", sec / 3600, sec / 60 % 60,
		    sec % 60);
	else
		snprintf(buf, len, "%02d:%02d", sec / 3600, sec / 60 % 60);
}

/* A day's number from its three letters at p, or -1. */
static int
timing_day(const char *p, size_t len)
{
	int	i;

	for (i = 0; i < 7; i++)
		if (len == 3 && strncasecmp(p, timing_days[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM-HH:MM[,DAYS]" */
int
timing_window_parse(const char *s, struct send_window *w, char **cause)
{
	const char	*p = s, *tok;
	size_t		 len;
	int		 a, b, i;

	memset(w, 0, sizeof *w);
	if (timing_hhmm(&p, &w->start) == -1 || *p++ != '-' ||
	    timing_hhmm(&p, &w->end) == -1 || (*p != '\0' && *p != ','))
		goto bad;
	if (w->start == w->end)
		return set_cause(cause, _("window '%s' is empty: it must open "
		    "and close at different times"), s);
	if (w->end == 86400)
		w->end = 0;
	if (*p == '\0') {
		w->days = TIMING_EVERY_DAY;
		return 0;
	}
	while (*p == ',') {
		tok = ++p;
		len = strcspn(tok, ",-");
		if ((a = timing_day(tok, len)) == -1)
			goto bad;
		p = tok + len;
		b = a;
		if (*p == '-') {
			tok = ++p;
			len = strcspn(tok, ",");
			if ((b = timing_day(tok, len)) == -1)
				goto bad;
			p = tok + len;
		}
		/* A range wraps past Saturday: "fri-mon". */
		for (i = a;; i = (i + 1) % 7) {
			w->days |= 1 << i;
			if (i == b)
				break;
		}
	}
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	return set_cause(cause, _("window '%s': give HH:MM-HH:MM, then days "
	    "if not every day, e.g. 09:00-18:00,mon-fri"), s);
}

/* "09:00-18:00" and the days, ranges where they run on. */
void
timing_window_format(const struct send_window *w, char *buf, size_t len)
{
	char	a[16], b[16];
	size_t	n;
	int	i, j;

	timing_hhmm_format(a, sizeof a, w->start);
	/* An end at midnight reads 24:00: "00:00-00:00" would be empty. */
	if (w->end == 0)
		snprintf(b, sizeof b, "24:00");
	else
		timing_hhmm_format(b, sizeof b, w->end);
	snprintf(buf, len, "%s-%s", a, b);
	if (w->days == TIMING_EVERY_DAY)
		return;
	/* From Monday, so that "mon-fri" reads as people write it. */
	for (i = 1; i < 8; i = j) {
		if (!(w->days & (1 << (i % 7)))) {
			j = i + 1;
			continue;
		}
		for (j = i; j < 8 && (w->days & (1 << (j % 7))); j++)
			;
		n = strlen(buf);
		if (j - i >= 3)
			snprintf(buf + n, len - n, ",%s-%s", timing_days[i % 7],
			    timing_days[(j - 1) % 7]);
		else if (j - i == 2)
			snprintf(buf + n, len - n, ",%s,%s", timing_days[i % 7],
			    timing_days[(j - 1) % 7]);
		else
			snprintf(buf + n, len - n, ",%s", timing_days[i % 7]);
	}
}

/* The local time of t, broken down. */
static void
timing_local(int64_t t, struct tm *tm)
{
	time_t	tt = (time_t)t;

	memset(tm, 0, sizeof *tm);
	localtime_r(&tt, tm);
}

/* Is the window open at t? */
int
timing_window_open(const struct send_window *w, int64_t t)
{
	struct tm	tm;
	int		min, day;

	timing_local(t, &tm);
	min = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	day = tm.tm_wday;
	if (w->start < w->end)
		return (w->days & (1 << day)) && min >= w->start &&
		    min < w->end;
	/* Spans midnight (or ends at 24:00): after the start on its day,
	 * or before the end on the day after. */
	if (min >= w->start)
		return (w->days & (1 << day)) != 0;
	return min < w->end && (w->days & (1 << ((day + 6) % 7))) != 0;
}

/* Local midnight d days after the day of t, plus sec seconds. */
static int64_t
timing_at(int64_t t, int d, int sec)
{
	struct tm	tm;
	time_t		r;

	timing_local(t, &tm);
	tm.tm_mday += d;
	tm.tm_hour = sec / 3600;
	tm.tm_min = sec / 60 % 60;
	tm.tm_sec = sec % 60;
	tm.tm_isdst = -1;
	r = mktime(&tm);
	return (int64_t)r;
}

/* The next opening after t (t when open). */
int64_t
timing_window_next(const struct send_window *w, int64_t t)
{
	int64_t	o;
	int	d;

	if (w->days == 0)
		return 0;
	if (timing_window_open(w, t))
		return t;
	for (d = 0; d <= 7; d++) {
		o = timing_at(t, d, w->start);
		if (o > t && timing_window_open(w, o))
			return o;
	}
	return 0;
}

/* When the window, open at t, closes. */
int64_t
timing_window_close(const struct send_window *w, int64_t t)
{
	int64_t	c;
	int	d;

	for (d = 0; d <= 8; d++) {
		c = timing_at(t, d, w->end);
		if (c > t && !timing_window_open(w, c))
			return c;
	}
	return 0;
}

/* How long until then. */
void
timing_countdown(int64_t now, int64_t then, char *buf, size_t len)
{
	int64_t	s = then > now ? then - now : 0;

	if (s >= 86400)
		snprintf(buf, len, _("%lldd %02lldh"), (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, _("%lldh %02lldm"), (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, _("%lldm %02llds"), (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, _("%llds"), (long long)s);
}
