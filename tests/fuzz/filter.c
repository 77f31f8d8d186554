/*
 * A fuzz harness for the audience filter language (src/audience/filter.c)
 * and its SQL (src/store/store_filter.c): any bytes in, no crash, no
 * leak; an error's column lies within the text (1 to one past its last
 * character) and the message names it; a filter that parses prints back
 * to text that parses to an equal tree and prints the same; its SQL
 * prepares against the contacts table with exactly its parameters.
 *
 *   make fuzz                 builds build/fuzz/filter (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/filter -max_len=256 tests/data/filter
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_filter, by `make
 * unit-bin`) it has its own main: every file of tests/data/filter, whole
 * and cut at every length, goes through the same entry point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audience/filter.h"
#include "base/util.h"
#include "store/store_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static sqlite3 *db;

/* A database with the contacts table and the filters' functions. */
static void
open_db(void)
{
	if (db != NULL)
		return;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    store_filter_functions(db) == -1 ||
	    sqlite3_exec(db, "CREATE TABLE contacts (list_id INTEGER, addr"
	    " TEXT, name TEXT, attrs TEXT);", NULL, NULL, NULL) != SQLITE_OK)
		abort();
}

/* The SQL of f prepares, with one placeholder per parameter. */
static void
sql_ok(const struct filter *f)
{
	struct filter_sql	 q;
	sqlite3_stmt		*s;
	char			*sql;

	open_db();
	store_filter_sql(f, 2, &q);
	sql = xprintf("SELECT count(*) FROM contacts c WHERE c.list_id = ?1"
	    " AND (%s)", q.sql);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		abort();
	if ((size_t)sqlite3_bind_parameter_count(s) != 1 + q.nparams)
		abort();
	store_filter_bind(s, &q);
	sqlite3_bind_int(s, 1, 1);
	if (sqlite3_step(s) != SQLITE_ROW)
		abort();
	sqlite3_finalize(s);
	free(sql);
	store_filter_sql_free(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter	*f, *g;
	char		*s, *cause = NULL, *text, *again, want[32];
	size_t		 i, col = 0, chars = 0;

	/* A copy of exactly size bytes and its NUL: a read past is caught.
	 * The parser takes a C string, so the text ends at a NUL. */
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; s[i] != '\0'; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	if (filter_parse(s, &f, &col, &cause) == -1) {
		if (f != NULL || cause == NULL || col < 1 || col > chars + 1)
			abort();
		snprintf(want, sizeof want, "column %zu: ", col);
		if (strncmp(cause, want, strlen(want)) != 0)
			abort();
		free(cause);
		free(s);
		return 0;
	}
	text = filter_print(f);
	if (filter_parse(text, &g, &col, &cause) == -1 || !filter_equal(f, g))
		abort();
	again = filter_print(g);
	if (strcmp(again, text) != 0)
		abort();
	sql_ok(f);
	free(again);
	free(text);
	filter_free(g);
	filter_free(f);
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
	int	rc;

	rc = replay_dir(argc > 1 ? argv[1] : "tests/data/filter", replay, 1);
	sqlite3_close(db);
	return rc;
}
#endif
