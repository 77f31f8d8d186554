/*
 * A fuzz harness for the MTA-STS readers (src/sts/policy.c): any bytes in
 * as a policy file and as a TXT record, no crash, no leak, and what they
 * accept holds what RFC 8461 asks: a mode, a max_age up to a year, mx
 * patterns (enforce and testing have one or more) in lowercase without a
 * trailing dot, a wildcard only as the whole leftmost label; an id of 1
 * to 32 letters and digits. Each accepted pattern matches a host made
 * from it, and the policy's strings are JSON.
 *
 *   make fuzz                 builds build/fuzz/sts (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/sts tests/data/sts
 *
 * Built with STS_REPLAY (as build/tests/test_fuzz_sts, by `make unit-bin`)
 * it has its own main: every file of tests/data/sts, whole and cut at
 * every length, goes through the same entry point, so `make check`
 * replays the corpus through the harness.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sts/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_policy(const struct sts_policy *p)
{
	char		 host[300], *js;
	const char	*m;
	size_t		 i;

	if (p->max_age < 0 || p->max_age > STS_MAX_AGE_MAX ||
	    p->nmx > STS_MX_MAX || (p->mode != STS_MODE_NONE && p->nmx == 0) ||
	    p->text == NULL)
		abort();
	for (i = 0; i < p->nmx; i++) {
		m = p->mx[i];
		if (*m == '\0' || m[strlen(m) - 1] == '.' ||
		    strchr(m + 1, '*') != NULL)
			abort();
		for (; *m != '\0'; m++)
			if (isupper((unsigned char)*m))
				abort();
		m = p->mx[i];
		/* a host the pattern names matches it */
		if (*m == '*')
			snprintf(host, sizeof host, "a%s", m + 1);
		else
			snprintf(host, sizeof host, "%s", m);
		if (!sts_mx_match(p, host))
			abort();
	}
	js = sts_policy_strings(p);
	if (js == NULL || js[0] != '[' || js[strlen(js) - 1] != ']')
		abort();
	free(js);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_policy	 p;
	char			 id[STS_ID_MAX + 1], *cause = NULL;
	size_t			 i;

	if (sts_policy_parse((const char *)data, size, &p, &cause) == 0) {
		if (cause != NULL)
			abort();
		check_policy(&p);
		sts_policy_free(&p);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	if (sts_txt_parse((const char *)data, size, id, &cause) == 0) {
		if (cause != NULL || id[0] == '\0' || strlen(id) > STS_ID_MAX)
			abort();
		for (i = 0; id[i] != '\0'; i++)
			if (!isalnum((unsigned char)id[i]))
				abort();
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	return 0;
}

#ifdef STS_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, STS_POLICY_MAX + 2);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/sts", replay, 1);
}
#endif
