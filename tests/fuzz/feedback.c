/*
 * A fuzz harness for the feedback reader (src/feedback): any bytes in,
 * no crash, no leak, nothing hard without a recipient (the report's, or
 * the VERP token's when the message came to bounce+TOKEN@), every string
 * out valid UTF-8, a token only as herald writes them.
 *
 *   make fuzz                 builds build/fuzz/feedback (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/feedback -max_len=65536 DIR...
 *
 * Built with FEEDBACK_REPLAY (as build/tests/test_fuzz_feedback, by
 * `make unit-bin` with the ordinary compiler) it has its own main: it
 * feeds every file of the bounce corpus, and each of them cut at a few
 * lengths, through the same entry point, without libFuzzer, so `make
 * check` replays the corpus through the harness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "feedback/feedback.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feedback_msg	m;
	size_t			i, bad;
	int			keyed;

	feedback_parse((const char *)data, size, &m);
	if (m.n == 0)
		abort();
	if ((m.token == NULL) != (m.token_from == NULL))
		abort();
	if (m.token != NULL && (strlen(m.token) != 20 ||
	    strspn(m.token, "abcdefghijklmnopqrstuvwxyz234567") != 20))
		abort();
	keyed = m.token != NULL && strcmp(m.token_from, "verp") == 0 &&
	    m.n == 1;
	for (i = 0; i < m.n; i++) {
		const struct feedback_finding *f = &m.v[i];

		if (f->cls == REPLY_HARD && f->rcpt[0] == '\0' && !keyed)
			abort();
		if (!utf8_valid(f->rcpt, strlen(f->rcpt), &bad) ||
		    !utf8_valid(f->diagnostic, strlen(f->diagnostic), &bad) ||
		    !utf8_valid(f->message_id, strlen(f->message_id), &bad) ||
		    !utf8_valid(f->reporting_mta, strlen(f->reporting_mta),
		    &bad) || !utf8_valid(f->status, strlen(f->status), &bad))
			abort();
	}
	feedback_msg_free(&m);
	return 0;
}

#ifdef FEEDBACK_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	FILE	*fp;
	char	*b = NULL;
	size_t	 len = 0, cap = 0, n, cut;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap * 2 + 65536;
			if ((b = realloc(b, cap)) == NULL)
				abort();
		}
		if ((n = fread(b + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput((const uint8_t *)b, len);
	/* and cut short, as a truncated delivery would leave it */
	for (cut = 1; cut < 8; cut++)
		LLVMFuzzerTestOneInput((const uint8_t *)b, len * cut / 8);
	free(b);
	(*files)++;
	return 0;
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/bounces/maildir",
	    replay, 0);
}
#endif
