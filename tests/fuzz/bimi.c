/*
 * A fuzz harness for the BIMI record parser (src/auth/bimi.c): any bytes
 * in as a TXT value, no crash, no leak, and what it keeps holds: success
 * means an l= that is "" or one https:// URL of visible ASCII, an a= that
 * is absent, "" or such a URL, and a record that bimi_is_record accepts;
 * failure always says why.
 *
 *   make fuzz                 builds build/fuzz/bimi (clang, libFuzzer,
 *                             ASan + UBSan)
 *   mkdir -p /tmp/c; build/fuzz/bimi /tmp/c tests/data/bimi
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_bimi, by `make
 * unit-bin`) it has its own main: every file of tests/data/bimi, whole and
 * cut at every length, goes through the same entry point, so `make check`
 * replays the corpus through the harness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/bimi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* "" or one https:// URL with a host, visible ASCII, no comma. */
static void
check_url(const char *u)
{
	const char	*p;

	if (*u == '\0')
		return;
	if (strncasecmp(u, "https://", 8) != 0 || u[8] == '\0' ||
	    u[8] == '/' || strlen(u) > BIMI_URL_MAX)
		abort();
	for (p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == ',' || *p == ';')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bimi_record	 r;
	const char		*why = NULL;

	if (bimi_parse((const char *)data, size, &r, &why) == 0) {
		if (why != NULL || r.l == NULL ||
		    !bimi_is_record((const char *)data, size))
			abort();
		check_url(r.l);
		if (r.a != NULL)
			check_url(r.a);
		if (r.svg && *r.l == '\0')
			abort();
	} else if (why == NULL)
		abort();
	bimi_record_free(&r);
	return 0;
}

#ifdef FUZZ_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, 8192);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/bimi", replay, 1);
}
#endif
