/*
 * A fuzz harness for the ISO 8601 check of an import's consent_at
 * (datefmt_iso_check, src/mail/datefmt.c): any bytes in, no read past
 * them; what it accepts is a real day and time (timegm gives back the
 * same fields); whether the form is right depends on the form alone
 * (every digit made '1' passes exactly when the form was right), and
 * a date and time is accepted only with its date part accepted alone.
 *
 *   make fuzz                 builds build/fuzz/isodate (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/isodate -max_len=64 tests/data/isodate
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_isodate, by `make
 * unit-bin`) it has its own main: every file of tests/data/isodate, whole
 * and cut at every length, goes through the same entry point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/datefmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
num(const char *s, int n)
{
	int	v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* An accepted value names a real instant: timegm keeps its fields. */
static void
real_time(const char *s, size_t len)
{
	struct tm	tm, back;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 5, 2) - 1;
	tm.tm_mday = num(s + 8, 2);
	if (len > 10) {
		tm.tm_hour = num(s + 11, 2);
		tm.tm_min = num(s + 14, 2);
	}
	t = timegm(&tm);
	if (gmtime_r(&t, &back) == NULL || back.tm_year != tm.tm_year ||
	    back.tm_mon != tm.tm_mon || back.tm_mday != tm.tm_mday ||
	    back.tm_hour != tm.tm_hour || back.tm_min != tm.tm_min)
		abort();
	if (len > 16 && s[16] == ':' && num(s + 17, 2) > 60)
		abort();
	/* an offset: +HH:MM at the end, in range */
	if (len > 16 && (s[len - 6] == '+' || s[len - 6] == '-') &&
	    (num(s + len - 5, 2) > 23 || num(s + len - 2, 2) > 59))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum datefmt_iso	 r, ones;
	char			*s;
	size_t			 i;

	/* A copy of exactly size bytes: a read past them is caught. */
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	r = datefmt_iso_check(s, size);
	if (r != DATEFMT_ISO_OK && r != DATEFMT_ISO_SYNTAX &&
	    r != DATEFMT_ISO_RANGE)
		abort();
	if (r == DATEFMT_ISO_OK) {
		if (size < 10)
			abort();
		for (i = 0; i < size; i++)
			if (strchr("0123456789-T :.Z+", s[i]) == NULL ||
			    s[i] == '\0')
				abort();
		if (datefmt_iso_check(s, 10) != DATEFMT_ISO_OK)
			abort();
		real_time(s, size);
	}
	for (i = 0; i < size; i++)
		if (s[i] >= '0' && s[i] <= '9')
			s[i] = '1';
	ones = datefmt_iso_check(s, size);
	if ((r == DATEFMT_ISO_SYNTAX) != (ones == DATEFMT_ISO_SYNTAX) ||
	    ones == DATEFMT_ISO_RANGE)
		abort();
	free(s);
	return 0;
}

#ifdef FUZZ_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, 4096);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/isodate", replay,
	    1);
}
#endif
