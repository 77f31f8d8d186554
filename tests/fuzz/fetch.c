/*
 * A fuzz harness for the server answers a feedback fetch reads
 * (src/feedback/fetch_reply.c): any bytes in, no crash, no leak; every
 * UID found is a 32-bit number above 0, every UIDL 1 to 70 printable
 * characters, and a size is only ever a number the text held.
 *
 *   make fuzz                 builds build/fuzz/fetch too
 *   build/fuzz/fetch -max_len=4096 NEWDIR tests/fuzz/fetch   (NEWDIR first:
 *                             libFuzzer adds what it finds to the first)
 *
 * Built with FEEDBACK_REPLAY (as build/tests/test_fuzz_fetch) it has its
 * own main replaying tests/fuzz/fetch, each file cut at a few lengths, so
 * `make check` runs the corpus through the harness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback/fetch.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feedback_pop3	*m;
	unsigned long		*uids;
	long long		*sz;
	int			*seen;
	char			*t;
	size_t			 n, i, k;

	/* libcurl's answers reach the parsers NUL-terminated. */
	if ((t = malloc(size + 1)) == NULL)
		abort();
	memcpy(t, data, size);
	t[size] = '\0';
	n = feedback_imap_search(t, &uids);
	for (i = 0; i < n; i++)
		if (uids[i] == 0 || uids[i] > 4294967295UL)
			abort();
	sz = calloc(n + 1, sizeof(*sz));
	seen = calloc(n + 1, sizeof(*seen));
	if (sz == NULL || seen == NULL)
		abort();
	for (i = 0; i < n; i++)
		sz[i] = -1;
	feedback_imap_sizes(t, uids, n, sz, seen);
	for (i = 0; i < n; i++)
		if (sz[i] < -1 || (seen[i] != 0 && seen[i] != 1))
			abort();
	free(uids);
	free(sz);
	free(seen);
	n = feedback_pop3_uidl(t, &m);
	feedback_pop3_sizes(t, m, n);
	for (i = 0; i < n; i++) {
		k = strlen(m[i].uidl);
		if (k == 0 || k > 70 || m[i].num == 0 || m[i].size < -1)
			abort();
		for (; k > 0; k--)
			if (m[i].uidl[k - 1] <= 0x20 || m[i].uidl[k - 1] >= 0x7f)
				abort();
	}
	feedback_pop3_free(m, n);
	free(t);
	return 0;
}

#ifdef FEEDBACK_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	FILE	*fp;
	char	 b[65536];
	size_t	 len, cut;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	len = fread(b, 1, sizeof b, fp);
	fclose(fp);
	for (cut = 1; cut <= 8; cut++)
		LLVMFuzzerTestOneInput((const uint8_t *)b, len * cut / 8);
	(*files)++;
	return 0;
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/fuzz/fetch", replay, 1);
}
#endif
