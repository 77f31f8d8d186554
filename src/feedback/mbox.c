/*
 * Splitting an mbox into its messages (feedback.h): messages start at a
 * From_ line ("From SENDER DATE") at the top or after an empty line, or
 * anywhere when its date is the full ctime(3) one (writers that leave
 * out the empty line, as in a bounce folder appended to by a script);
 * ">From " lines are unquoted one level (mboxrd). A From_ line without a
 * sender or a date is an error naming the line: where that message ends
 * cannot be known, so the split stops there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "base/i18n.h"
#include "base/util.h"

/* 1 for "From SENDER DATE", -1 for a "From " line that is not one, 0
 * for any other line. */
static int
from_line(const char *s, size_t len)
{
	size_t	i = 5;

	if (len < 5 || strncmp(s, "From ", 5) != 0)
		return 0;
	while (i < len && s[i] != ' ')
		i++;
	if (i == 5 || i >= len)
		return -1;
	for (; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return -1;
}

/* Is s[0..len) "From SENDER Www Mmm dd hh:mm:ss yyyy", exactly? */
static int
strict_from_line(const char *s, size_t len)
{
	static const char *const days = "MonTueWedThuFriSatSun";
	static const char *const mons = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char	 line[256], wd[4], mo[4], tail[2];
	int	 d, h, mi, se, y, n = 0;
	size_t	 i = 5;

	if (from_line(s, len) != 1 || len >= sizeof(line))
		return 0;
	while (i < len && s[i] != ' ')
		i++;
	memcpy(line, s + i, len - i);
	line[len - i] = '\0';
	if (line[0] != '\0' && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	if (sscanf(line, " %3[A-Za-z] %3[A-Za-z] %d %d:%d:%d %d%n%1s", wd, mo,
	    &d, &h, &mi, &se, &y, &n, tail) != 7 || n == 0)
		return 0;
	return strlen(wd) == 3 && strlen(mo) == 3 && strstr(days, wd) !=
	    NULL && (strstr(days, wd) - days) % 3 == 0 && strstr(mons, mo) !=
	    NULL && (strstr(mons, mo) - mons) % 3 == 0 && d >= 1 && d <= 31 &&
	    h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se <= 60 &&
	    y >= 1970 && y < 10000;
}

int
feedback_is_mbox(const char *t, size_t len)
{
	const char	*e = memchr(t, '\n', len);

	return from_line(t, e != NULL ? (size_t)(e - t) : len) == 1;
}

int
feedback_mbox_each(const char *t, size_t len, feedback_mbox_cb cb,
    void *arg, char **cause)
{
	struct buf	 msg;
	size_t		 i = 0, e, lineno = 0, start = 0, q;
	int		 blank = 1, have = 0, k;
	const char	*s;

	buf_init(&msg);
	while (i < len) {
		for (e = i; e < len && t[e] != '\n'; e++)
			;
		lineno++;
		k = blank ? from_line(t + i, e - i) :
		    strict_from_line(t + i, e - i);
		if (k != 0 && have)
			cb(msg.data, msg.len, start, arg);
		if (k == -1) {
			set_cause(cause, _("%zu: malformed mbox From_ line (want "
			    "\"From SENDER DATE\"): %.*s"), lineno,
			    (int)(e - i < 60 ? e - i : 60), t + i);
			buf_free(&msg);
			return -1;
		}
		if (k == 1) {
			buf_reset(&msg);
			have = 1;
			start = lineno;
		} else {
			s = t + i;
			for (q = 0; q < e - i && s[q] == '>'; q++)
				;
			if (q > 0 && e - i - q >= 5 &&
			    strncmp(s + q, "From ", 5) == 0)
				s++;
			buf_add(&msg, s, t + e - s);
			buf_addc(&msg, '\n');
		}
		blank = e == i || (e - i == 1 && t[i] == '\r');
		i = e + 1;
	}
	if (have)
		cb(msg.data, msg.len, start, arg);
	buf_free(&msg);
	return 0;
}
