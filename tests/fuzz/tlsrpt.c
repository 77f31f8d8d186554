/*
 * A fuzz harness for the TLS-RPT record parser (src/auth/tlsrpt.c): any
 * bytes in as a TXT value, no crash, no leak, and what it keeps holds:
 * success means 1 to TLSRPT_MAX_URIS URIs, each mailto: with one address
 * or https://, none with a byte outside visible ASCII.
 *
 *   make fuzz                 builds build/fuzz/tlsrpt (clang, libFuzzer,
 *                             ASan + UBSan)
 *   mkdir -p /tmp/c; build/fuzz/tlsrpt /tmp/c tests/data/tlsrpt
 *
 * Built with TLSRPT_REPLAY (as build/tests/test_fuzz_tlsrpt, by `make
 * unit-bin`) it has its own main: every file of tests/data/tlsrpt, whole
 * and cut at every length, goes through the same entry point, so `make
 * check` replays the corpus through the harness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/tlsrpt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_record	 r;
	const char		*why = NULL, *p;
	char			*a;
	size_t			 i;

	if (tlsrpt_parse((const char *)data, size, &r, &why) == 0) {
		if (r.n == 0 || r.n > TLSRPT_MAX_URIS || why != NULL)
			abort();
		for (i = 0; i < r.n; i++) {
			for (p = r.uri[i]; *p != '\0'; p++)
				if ((unsigned char)*p <= 0x20 ||
				    (unsigned char)*p >= 0x7f)
					abort();
			if (strncasecmp(r.uri[i], "https://", 8) == 0)
				continue;
			if ((a = tlsrpt_mailto_addr(r.uri[i])) == NULL ||
			    strchr(a, '@') == NULL)
				abort();
			free(a);
		}
	} else if (why == NULL || r.n > TLSRPT_MAX_URIS)
		abort();
	tlsrpt_record_free(&r);
	return 0;
}

#ifdef TLSRPT_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, 8192);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/tlsrpt", replay, 1);
}
#endif
