/*
 * Dates for people, in Japanese and English, from fixed tables.
 */
#include <ctype.h>
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

/* The number of n digits at s (all digits: the caller checked). */
static int
datefmt_num(const char *s, int n)
{
	int	v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Does s[0..len) match pat ('d' a digit, else itself)? */
static int
datefmt_match(const char *s, size_t len, const char *pat)
{
	size_t	i;

	if (len < strlen(pat))
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pat[i])
			return 0;
	return 1;
}

enum datefmt_iso
datefmt_iso_check(const char *s, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, m, d, range = 0;
	size_t	p;

	if (!datefmt_match(s, len, "dddd-dd-dd"))
		return DATEFMT_ISO_SYNTAX;
	y = datefmt_num(s, 4);
	m = datefmt_num(s + 5, 2);
	d = datefmt_num(s + 8, 2);
	/* February 29th only in a leap year (Gregorian, proleptic). */
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 &&
	    d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		range = 1;
	if ((p = 10) == len)
		return range ? DATEFMT_ISO_RANGE : DATEFMT_ISO_OK;
	if ((s[p] != 'T' && s[p] != ' ') ||
	    !datefmt_match(s + p + 1, len - p - 1, "dd:dd"))
		return DATEFMT_ISO_SYNTAX;
	if (datefmt_num(s + 11, 2) > 23 || datefmt_num(s + 14, 2) > 59)
		range = 1;
	p = 16;
	if (datefmt_match(s + p, len - p, ":dd")) {
		if (datefmt_num(s + p + 1, 2) > 60)
			range = 1;
		p += 3;
		/* A fraction has at least one digit. */
		if (p < len && s[p] == '.') {
			if (++p == len || !isdigit((unsigned char)s[p]))
				return DATEFMT_ISO_SYNTAX;
			while (p < len && isdigit((unsigned char)s[p]))
				p++;
		}
	}
	if (p < len && s[p] == 'Z')
		p++;
	else if (p < len && (s[p] == '+' || s[p] == '-') &&
	    datefmt_match(s + p + 1, len - p - 1, "dd:dd")) {
		if (datefmt_num(s + p + 1, 2) > 23 ||
		    datefmt_num(s + p + 4, 2) > 59)
			range = 1;
		p += 6;
	}
	if (p != len)
		return DATEFMT_ISO_SYNTAX;
	return range ? DATEFMT_ISO_RANGE : DATEFMT_ISO_OK;
}
