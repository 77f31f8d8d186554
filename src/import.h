/*
 * Importing an address list: a streaming parser for CSV (RFC 4180), TSV and
 * one-mailbox-a-line files, driven in steps so the console stays live.
 *
 * The whole import is one database transaction: it is committed only by
 * import_commit(); import_free() without a commit (or a kill) rolls it back
 * and leaves the list exactly as it was.
 *
 * Each row is validated; an invalid row is counted and reported with its
 * line number and reason, and never stops the import. Errors that concern
 * the whole file (missing, empty, binary, unreadable) fail import_open() or
 * import_step() with a message and an exit code suggestion.
 */
#ifndef HERALD_IMPORT_H
#define HERALD_IMPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "store.h"

/* Longest record accepted; a longer one is an invalid row. */
#define IMPORT_RECORD_MAX	(64 * 1024)

enum import_format {
	IMPORT_AUTO = 0,
	IMPORT_CSV,
	IMPORT_TSV,
	IMPORT_LINES,	/* one mailbox a line: "a@b" or "Name <a@b>" */
};

struct import_stats {
	uint64_t	rows;		/* data rows read (not the header) */
	uint64_t	imported;	/* new on the list */
	uint64_t	updated;	/* already on the list: name/attrs updated */
	uint64_t	duplicates;	/* repeated within this file */
	uint64_t	invalid;
	uint64_t	suppressed;	/* valid rows whose address is suppressed */
};

struct import_options {
	enum import_format format;
	int		   strict;	/* any invalid row aborts the import */
	/* Add every address to the suppressions instead of a list (list is
	 * then NULL): imported counts new suppressions, duplicates the
	 * addresses that were already suppressed or repeated. */
	int		   to_suppressions;
};

struct importer;

/*
 * Start importing path ("-" for stdin) into list name (created if needed).
 * On failure returns NULL, sets *cause and *exitcode (EXIT_NOINPUT for a
 * missing or unreadable file, EXIT_DATAERR for an empty or binary one).
 */
struct importer *import_open(struct store *, const char *list,
	    const char *path, const struct import_options *, char **cause,
	    int *exitcode);
/*
 * Read and store up to max_rows rows. Returns 1 if there is more to do,
 * 0 when the input is exhausted, -1 on a fatal error (*cause, *exitcode set;
 * the import must then be freed, which rolls it back).
 */
int	 import_step(struct importer *, unsigned int max_rows, char **cause,
	    int *exitcode);
/* Bytes consumed so far and the input size (0 when unknown, e.g. a pipe). */
void	 import_progress(const struct importer *, off_t *done, off_t *total);
const struct import_stats *import_stats(const struct importer *);
/* The format detected (or given). */
enum import_format import_format(const struct importer *);
const char *import_format_name(enum import_format);

/*
 * Invalid rows, in file order: calls cb(line, reason, arg) for each, up to
 * limit of them (0 = all). Rows are spooled to a temporary file, so memory
 * does not grow with their number.
 */
typedef int (*import_error_cb)(uint64_t line, const char *reason, void *arg);
int	 import_errors(struct importer *, uint64_t limit, import_error_cb,
	    void *arg);
/* Commit the transaction (records the import's counts). */
int	 import_commit(struct importer *, char **cause);
/* Free; rolls back if not committed. */
void	 import_free(struct importer *);

#endif
