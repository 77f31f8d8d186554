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

#include "store/store.h"

/* Longest record accepted; a longer one is an invalid row. */
#define IMPORT_RECORD_MAX	(64 * 1024)

enum import_format {
	IMPORT_AUTO = 0,
	IMPORT_CSV,
	IMPORT_TSV,
	IMPORT_LINES,	/* one mailbox a line: "a@b" or "Name <a@b>" */
};

/* The character encoding of the file (--encoding). */
enum import_encoding {
	IMPORT_ENC_AUTO = 0,	/* UTF-8, or what a byte order mark or
				   ISO-2022-JP escapes say; other bytes that
				   are not UTF-8 are refused with a guess */
	IMPORT_ENC_UTF8,
	IMPORT_ENC_CP932,	/* Shift-JIS as Windows writes it */
	IMPORT_ENC_EUCJP,
	IMPORT_ENC_ISO2022JP,
	IMPORT_ENC_LATIN1,	/* read as Windows-1252 */
	IMPORT_ENC_UTF16,	/* byte order from the BOM (else guessed) */
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
	enum import_encoding encoding;
	/* If not NULL: when the file is refused for its encoding, the
	 * encoding that would read it is written here (else it is left). */
	enum import_encoding *suggested;
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

/* --encoding names: auto, utf-8, cp932, euc-jp, iso-2022-jp, latin1,
 * utf-16 (and a few aliases, e.g. shift-jis); -1 if unknown. */
int	 import_encoding_parse(const char *, enum import_encoding *);
const char *import_encoding_name(enum import_encoding);
/* The encoding the file is read in (given or detected). */
enum import_encoding import_encoding(const struct importer *);
/* With no encoding given, what the first row that was not UTF-8 looks
 * like and the option to use ("Latin-1 (Windows-1252); use --encoding
 * latin1"), or NULL. */
const char *import_encoding_hint(const struct importer *);

/*
 * Rows repeating an address of an earlier row of this file (the same
 * address, or unless local parts are strict one differing only in letter
 * case), in file order: cb(line, first_line, addr, kept, arg) with addr as
 * the row wrote it and kept as the list keeps it; up to limit (0 = all).
 */
typedef int (*import_dup_cb)(uint64_t line, uint64_t first_line,
    const char *addr, const char *kept, void *arg);
int	 import_duplicates(struct importer *, uint64_t limit, import_dup_cb,
	    void *arg);

/*
 * Invalid rows, in file order: calls cb(line, reason, arg) for each, up to
 * limit of them (0 = all). Rows are spooled to a temporary file, so memory
 * does not grow with their number.
 */
typedef int (*import_error_cb)(uint64_t line, const char *reason, void *arg);
int	 import_errors(struct importer *, uint64_t limit, import_error_cb,
	    void *arg);
/*
 * Commit the transaction (records the import's counts). Returns 0, or 1
 * when the import had no valid row and would have made a new, empty list:
 * it is then rolled back (the list is not created), or -1 on error.
 */
int	 import_commit(struct importer *, char **cause);
/* Free; rolls back if not committed. */
void	 import_free(struct importer *);

#endif
