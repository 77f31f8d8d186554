/*
 * Dates for people, in Japanese and English, from fixed tables.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "datefmt.h"

int
datefmt_parse(const char *lang, size_t len, enum datefmt *f)
{
	if (len == 0 || (len == 3 && strncasecmp(lang, "iso", 3) == 0))
		*f = DATEFMT_ISO;
	else if (len == 2 && strncasecmp(lang, "ja", 2) == 0)
		*f = DATEFMT_JA;
	else if (len == 2 && strncasecmp(lang, "en", 2) == 0)
		*f = DATEFMT_EN;
	else
		return -1;
	return 0;
}

void
datefmt_append(struct buf *b, time_t t, enum datefmt f)
{
	static const char *const ja_days[] = { "日", "月", "火", "水", "木",
	    "金", "土" };
	static const char *const en_months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	struct tm	tm;

	if (t == 0)
		t = time(NULL);
	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	switch (f) {
	case DATEFMT_ISO:
		buf_printf(b, "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
		break;
	case DATEFMT_JA:
		buf_printf(b, "%d年%d月%d日(%s)", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, ja_days[tm.tm_wday % 7]);
		break;
	case DATEFMT_EN:
		buf_printf(b, "%d %s %d", tm.tm_mday,
		    en_months[tm.tm_mon % 12], tm.tm_year + 1900);
		break;
	}
}
