/*
 * tlsrows: write tls_sessions rows through the store (store_tls.h), as the
 * send engine does as sessions end, for tests/lab/tlsrpt-suite: the suite
 * states its sessions without SQL and without a send.
 *
 *   tlsrows DB < ROWS
 *
 * One row per line, tab-separated: AT DOMAIN POLICY_TYPE POLICY_STRING
 * MX_HOST MX_IP SENDING_IP RESULT [DETAIL]. Exit 0 when every row is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_tls.h"

int
main(int argc, char **argv)
{
	struct store		*st;
	struct tls_session_rec	 r;
	char			 line[4096], *f[9], *p, *cause = NULL;
	int			 n;

	if (argc != 2) {
		fprintf(stderr, "usage: tlsrows DB < ROWS\n");
		return 2;
	}
	if (store_open(argv[1], &st, &cause) != 0) {
		fprintf(stderr, "tlsrows: %s\n", cause);
		return 1;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (*line == '\0')
			continue;
		memset(f, 0, sizeof f);
		for (n = 0, p = line; n < 9 && p != NULL; n++)
			f[n] = strsep(&p, "\t");
		if (n < 8) {
			fprintf(stderr, "tlsrows: short row: %s\n", line);
			return 1;
		}
		memset(&r, 0, sizeof r);
		r.at = strtoll(f[0], NULL, 10);
		r.domain = f[1];
		r.policy_type = f[2];
		r.policy_string = f[3];
		r.mx_host = f[4];
		r.mx_ip = f[5];
		r.sending_ip = f[6];
		r.result = f[7];
		r.detail = f[8];
		if (store_tls_session_add(st, &r, &cause) == -1) {
			fprintf(stderr, "tlsrows: %s\n", cause);
			return 1;
		}
	}
	store_close(st);
	return 0;
}
