/*
 * A fuzz harness for the issue editor's file (message_edit_parse,
 * src/mail/message_edit.c): the header block (From, Reply-To, Subject,
 * List, Unsubscribe, Encoding, Kind, Charset), a blank line and the body,
 * any bytes in, against a store in a temporary directory with one list,
 * "members" (columns city and plan).
 *
 *   -1     with a cause, the issue as it was
 *    1     (nothing but comments and blank space) the issue as it was
 *    0     every header value one line; Kind ad or notice, a Charset and
 *          Encoding herald knows, the list's id; and the file herald
 *          writes for the result (message_edit_text) parses back to the
 *          same issue and writes the same file again
 *
 *   make fuzz                 builds build/fuzz/edit (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/edit -max_len=4096 tests/data/edit
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_edit, by `make
 * unit-bin`) it has its own main: every file of tests/data/edit, whole
 * and cut at every length, goes through the same entry point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "mail/message.h"
#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct store	*st;
static int64_t		 list;
static char		 tmpdir[] = "/tmp/herald-fuzz-edit.XXXXXX";

static void
cleanup(void)
{
	static const char *const files[] = { "herald.db", "herald.db-wal",
	    "herald.db-shm", "herald.db-journal" };
	char	path[256];
	size_t	i;

	store_close(st);
	for (i = 0; i < nitems(files); i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

static void
setup(void)
{
	char		*path, *cause = NULL;
	int64_t		 imp;
	enum store_put	 put;

	if (mkdtemp(tmpdir) == NULL)
		abort();
	path = xprintf("%s/herald.db", tmpdir);
	if (store_open(path, &st, &cause) == -1 ||
	    store_list_create(st, "members", &list, &cause) == -1 ||
	    store_import_begin(st, list, "fuzz", &imp, &cause) == -1 ||
	    store_contact_put(st, list, imp, 1, "jane@example.jp", "Jane",
	    "{\"city\":\"Tokyo\",\"plan\":\"gold\"}", &put, NULL,
	    &cause) == -1) {
		fprintf(stderr, "store: %s\n", cause);
		abort();
	}
	free(path);
	atexit(cleanup);
}

static int
same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static void
one_line(const char *s)
{
	if (s != NULL && strpbrk(s, "\r\n") != NULL)
		abort();
}

/* The issue the editor starts from: not the defaults. */
static void
start(struct issue *is)
{
	memset(is, 0, sizeof *is);
	is->id = 7;
	is->list_id = list;
	is->list_name = xstrdup("members");
	is->from = xstrdup("Info <info@example.jp>");
	is->reply_to = xstrdup("");
	is->subject = xstrdup("s");
	is->body = xstrdup("b\n");
	is->unsubscribe = xstrdup("");
	is->encoding = xstrdup("base64");
	is->kind = xstrdup("ad");
	is->charset = xstrdup("iso-2022-jp");
}

static int
same_issue(const struct issue *a, const struct issue *b)
{
	return a->id == b->id && a->list_id == b->list_id &&
	    same(a->list_name, b->list_name) && same(a->from, b->from) &&
	    same(a->reply_to, b->reply_to) && same(a->subject, b->subject) &&
	    same(a->unsubscribe, b->unsubscribe) &&
	    same(a->encoding, b->encoding) && same(a->kind, b->kind) &&
	    same(a->charset, b->charset);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct issue	 is, orig, again;
	char		*copy, *cause = NULL, *text, *text2;
	size_t		 blen;
	int		 rc;

	if (st == NULL)
		setup();
	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	start(&is);
	start(&orig);
	rc = message_edit_parse(st, copy, size, &is, &cause);
	if (rc != 0) {
		if ((rc == -1) != (cause != NULL) || (rc != -1 && rc != 1) ||
		    !same_issue(&is, &orig) || !same(is.body, orig.body))
			abort();
		goto out;
	}
	if (cause != NULL || is.list_id != list ||
	    strcmp(is.list_name, "members") != 0 ||
	    (strcmp(is.kind, "ad") != 0 && strcmp(is.kind, "notice") != 0) ||
	    message_charset_parse(is.charset, NULL) == -1 ||
	    message_encoding_parse(is.encoding, NULL) == -1)
		abort();
	one_line(is.from);
	one_line(is.reply_to);
	one_line(is.subject);
	one_line(is.unsubscribe);
	one_line(is.encoding);
	one_line(is.kind);
	one_line(is.charset);

	/* What herald writes for it reads back as it. */
	text = message_edit_text(&is, NULL);
	start(&again);
	if (message_edit_parse(st, text, strlen(text), &again, &cause) != 0) {
		fprintf(stderr, "reread: %s\n", cause);
		abort();
	}
	blen = strlen(is.body);
	if (!same_issue(&is, &again) || (strcmp(is.body, again.body) != 0 &&
	    (blen == 0 || is.body[blen - 1] == '\n' ||
	    strncmp(is.body, again.body, blen) != 0 ||
	    strcmp(again.body + blen, "\n") != 0)))
		abort();
	text2 = message_edit_text(&again, NULL);
	if (strcmp(text, text2) != 0)
		abort();
	free(text);
	free(text2);
	issue_free(&again);
out:
	free(cause);
	issue_free(&is);
	issue_free(&orig);
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
	return replay_dir(argc > 1 ? argv[1] : "tests/data/edit", replay, 1);
}
#endif
