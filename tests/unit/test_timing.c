/*
 * The timing of a send (send/timing.h): start times in local time and
 * with offsets, send windows (hours, days, spanning midnight, to the
 * second), when a closed window opens and an open one closes, and the
 * countdown. Local time is pinned with TZ so the answers are known.
 */
#include <stdlib.h>
#include <time.h>

#include "test.h"
#include "send/timing.h"

/* Unix seconds of a UTC civil time (timegm). */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static int64_t
at(const char *s)
{
	int64_t	t = -1;
	char	*cause = NULL;

	if (timing_parse_at(s, &t, &cause) == -1) {
		free(cause);
		return -1;
	}
	return t;
}

static void
test_at(void)
{
	/* Asia/Tokyo: +09:00, no summer time. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	CHECK_INT(at("2026-12-24 09:00"), utc(2026, 12, 24, 0, 0, 0));
	CHECK_INT(at("2026-12-24T09:00:30"), utc(2026, 12, 24, 0, 0, 30));
	CHECK_INT(at("2026-12-24T09:00+09:00"), utc(2026, 12, 24, 0, 0, 0));
	CHECK_INT(at("2026-12-24T09:00Z"), utc(2026, 12, 24, 9, 0, 0));
	CHECK_INT(at("2026-12-24T09:00-0530"), utc(2026, 12, 24, 14, 30, 0));
	CHECK_INT(at("2026-12-24 09:00:00 +01"), -1);	/* a space first */
	CHECK_INT(at("2026-12-24T09:00+01"), utc(2026, 12, 24, 8, 0, 0));
	CHECK_INT(at("2028-02-29 00:00Z"), utc(2028, 2, 29, 0, 0, 0));
	CHECK_INT(at("2026-02-29 00:00"), -1);		/* not a leap year */
	CHECK_INT(at("2026-13-01 00:00"), -1);
	CHECK_INT(at("2026-12-24 24:00"), -1);
	CHECK_INT(at("2026-12-24"), -1);
	CHECK_INT(at("tomorrow"), -1);
	CHECK_INT(at("2026-12-24T09:00+15:00"), -1);
	/* Europe/Paris: summer time is the zone's, not ours to add. */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	CHECK_INT(at("2026-07-01 12:00"), utc(2026, 7, 1, 10, 0, 0));
	CHECK_INT(at("2026-01-01 12:00"), utc(2026, 1, 1, 11, 0, 0));
}

static const char *
norm(const char *s)
{
	static char		buf[64];
	struct send_window	w;
	char			*cause = NULL;

	if (timing_window_parse(s, &w, &cause) == -1) {
		free(cause);
		return "error";
	}
	timing_window_format(&w, buf, sizeof buf);
	return buf;
}

static void
test_window_parse(void)
{
	CHECK_STR(norm("09:00-18:00"), "09:00-18:00");
	CHECK_STR(norm("09:00-18:00,mon-fri"), "09:00-18:00,mon-fri");
	CHECK_STR(norm("09:00-18:00,MON,tue,wed,thu,fri"),
	    "09:00-18:00,mon-fri");
	CHECK_STR(norm("22:00-06:00,sat,sun"), "22:00-06:00,sat,sun");
	/* Written from Monday, as the week is read. */
	CHECK_STR(norm("08:00-12:00,fri-mon"), "08:00-12:00,mon,fri-sun");
	CHECK_STR(norm("00:00-24:00,mon-fri"), "00:00-24:00,mon-fri");
	CHECK_STR(norm("09:00:30-09:10:00"), "09:00:30-09:10");
	CHECK_STR(norm("09:00-09:00"), "error");
	CHECK_STR(norm("9:00-18:00"), "error");
	CHECK_STR(norm("09:00-25:00"), "error");
	CHECK_STR(norm("09:00-18:00,"), "error");
	CHECK_STR(norm("09:00-18:00,funday"), "error");
	CHECK_STR(norm("09:00-18:00 mon"), "error");
}

static void
test_window_open(void)
{
	struct send_window	w;
	char			*cause = NULL;
	/* Thursday 2026-12-24 in Tokyo. */
	int64_t			thu0900, fri;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	thu0900 = utc(2026, 12, 24, 0, 0, 0);
	CHECK(timing_window_parse("09:00-18:00,mon-fri", &w, &cause) == 0);
	CHECK(timing_window_open(&w, thu0900));
	CHECK(!timing_window_open(&w, thu0900 - 1));
	CHECK(timing_window_open(&w, thu0900 + 9 * 3600 - 1));
	CHECK(!timing_window_open(&w, thu0900 + 9 * 3600));
	/* Closed before 09:00: it opens then. */
	CHECK_INT(timing_window_next(&w, thu0900 - 3600), thu0900);
	CHECK_INT(timing_window_next(&w, thu0900 + 60), thu0900 + 60);
	CHECK_INT(timing_window_close(&w, thu0900 + 60), thu0900 + 9 * 3600);
	/* Friday 18:00: next Monday 09:00. */
	fri = thu0900 + 86400;
	CHECK_INT(timing_window_next(&w, fri + 9 * 3600),
	    fri + 3 * 86400);
	CHECK(!timing_window_open(&w, fri + 86400 + 3600)); /* Saturday */

	/* Spanning midnight, Saturday only: Saturday 22:00 to Sunday
	 * 06:00. */
	CHECK(timing_window_parse("22:00-06:00,sat", &w, &cause) == 0);
	fri = utc(2026, 12, 25, 15, 0, 0);	/* Sat 00:00 Tokyo */
	CHECK(!timing_window_open(&w, fri + 3600));	/* Sat 01:00 */
	CHECK(timing_window_open(&w, fri + 23 * 3600));	/* Sat 23:00 */
	CHECK(timing_window_open(&w, fri + 29 * 3600));	/* Sun 05:00 */
	CHECK(!timing_window_open(&w, fri + 30 * 3600));	/* Sun 06:00 */
	CHECK_INT(timing_window_next(&w, fri + 3600), fri + 22 * 3600);
	CHECK_INT(timing_window_close(&w, fri + 23 * 3600), fri + 30 * 3600);
	/* To the second. */
	CHECK(timing_window_parse("09:00:30-09:00:40", &w, &cause) == 0);
	CHECK(!timing_window_open(&w, thu0900 + 29));
	CHECK(timing_window_open(&w, thu0900 + 30));
	CHECK_INT(timing_window_next(&w, thu0900 + 1), thu0900 + 30);
	CHECK_INT(timing_window_next(&w, thu0900 + 40), thu0900 + 86400 + 30);
}

static void
test_countdown(void)
{
	char	buf[32];

	timing_countdown(100, 100 + 59, buf, sizeof buf);
	CHECK_STR(buf, "59s");
	timing_countdown(100, 100 + 125, buf, sizeof buf);
	CHECK_STR(buf, "2m 05s");
	timing_countdown(100, 100 + 7500, buf, sizeof buf);
	CHECK_STR(buf, "2h 05m");
	timing_countdown(100, 100 + 2 * 86400 + 3 * 3600, buf, sizeof buf);
	CHECK_STR(buf, "2d 03h");
	timing_countdown(100, 50, buf, sizeof buf);
	CHECK_STR(buf, "0s");
}

int
main(void)
{
	test_at();
	test_window_parse();
	test_window_open();
	test_countdown();
	TEST_END();
}
