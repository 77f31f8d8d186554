/*
 * A fuzz harness for the footer templates (src/mail/footer.c), which an
 * operator edits: any bytes in as a template and the values of its
 * placeholders (split at NUL bytes: template, sender name, address,
 * contact, unsubscribe URL, mailto), and the same template with hostile
 * values (line breaks, header-looking text, 64 KB).
 *
 *   footer_check   0 or -1 with a cause, never a crash
 *   footer_render  (templates that pass) the output is at most the
 *                  template with each placeholder replaced by its value;
 *                  no value adds a line (no CR or LF beyond the
 *                  template's own), so none can start a line of its own
 *                  ("Bcc: ...") or end the message early
 *
 *   make fuzz                 builds build/fuzz/footer (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/footer -max_len=4096 tests/data/footer
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_footer, by `make
 * unit-bin`) it has its own main: every file of tests/data/footer, whole
 * and cut at every length, goes through the same entry point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "mail/footer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
count(const char *s, size_t len, char c)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

/* Render f and hold the output to what its template and values allow. */
static void
render(struct footer *f, const char *url, const char *mailto)
{
	struct buf	 out;
	const char	*p;
	size_t		 tlen = strlen(f->text), ph = 0, vmax = 64;

	for (p = f->text; (p = strstr(p, "{{")) != NULL; p += 2)
		ph++;
	if (strlen(f->sender_name) > vmax)
		vmax = strlen(f->sender_name);
	if (strlen(f->sender_address) > vmax)
		vmax = strlen(f->sender_address);
	if (strlen(f->contact) > vmax)
		vmax = strlen(f->contact);
	if (strlen(url) > vmax)
		vmax = strlen(url);
	if (strlen(mailto) > vmax)
		vmax = strlen(mailto);
	buf_init(&out);
	footer_render(f, 1796688000, url, mailto, &out);
	if (out.len > tlen + ph * vmax)
		abort();
	if (count(out.data != NULL ? out.data : "", out.len, '\n') >
	    count(f->text, tlen, '\n') ||
	    count(out.data != NULL ? out.data : "", out.len, '\r') >
	    count(f->text, tlen, '\r'))
		abort();
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*part[6] = { "", "", "", "", "", "" };
	char		*copy, *cause = NULL, *big;
	struct footer	 f;
	size_t		 i, n = 0;

	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	/* NUL bytes split the input into the template and the values. */
	part[n++] = copy;
	for (i = 0; i < size && n < 6; i++)
		if (copy[i] == '\0')
			part[n++] = copy + i + 1;
	if (footer_check(part[0], &cause) == -1) {
		if (cause == NULL)
			abort();
		free(cause);
		free(copy);
		return 0;
	}
	if (cause != NULL)
		abort();
	memset(&f, 0, sizeof f);
	f.text = (char *)part[0];
	f.sender_name = (char *)part[1];
	f.sender_address = (char *)part[2];
	f.contact = (char *)part[3];
	f.ja = size > 0 && (data[0] & 1);
	render(&f, part[4], part[5]);

	/* Hostile values: a header of their own, a lone CR, 64 KB. */
	f.sender_name = (char *)"Example\r\nBcc: victim@example.net";
	f.sender_address = (char *)"\n.\nMAIL FROM:<x@example.net>\r";
	if ((big = malloc(65537)) == NULL)
		abort();
	memset(big, 'A', 65536);
	big[65536] = '\0';
	f.contact = big;
	render(&f, "https://example.jp/u?t=1\r\nX-Injected: 1",
	    "mailto:leave@example.jp?subject=\n\nbody");
	free(big);
	free(copy);
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
	return replay_dir(argc > 1 ? argv[1] : "tests/data/footer", replay, 1);
}
#endif
