/*
 * The database. Every SQL statement of herald is here or in db/.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbsql.h"
#include "store.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"


/* The newest schema version this build knows. */
int
store_version(void)
{
	const struct db_migration	*m;
	int				 v = 1;

	for (m = db_migrations; m->version != 0; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

/* Report the database's last error with some context. */
int
store_error(struct store *st, char **cause, const char *what)
{
	return set_cause(cause, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

/* Run SQL that returns no rows. */
int
store_exec(struct store *st, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path,
		    err != NULL ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Prepare a statement or report why not. */
sqlite3_stmt *
store_prepare(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_error(st, cause, "prepare");
		return NULL;
	}
	return s;
}

/*
 * A statement prepared once for this connection and kept, found by the
 * address of its SQL (a string constant): reset, bindings cleared. The
 * caller resets it after use and never finalizes it.
 */
sqlite3_stmt *
store_cached(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt	*s;
	int		 i;

	for (i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			s = st->cache[i].s;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	if (st->ncache == STORE_CACHE_MAX)
		fatal(NT("store: more than %d kept statements"), STORE_CACHE_MAX);
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		store_error(st, cause, "prepare");
		return NULL;
	}
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache++].s = s;
	return s;
}

/* Step a kept (store_cached) statement that returns no rows; reset it. */
int
store_run_kept(struct store *st, sqlite3_stmt *s, char **cause)
{
	int	rc = 0;

	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error(st, cause, "write");
	sqlite3_reset(s);
	return rc;
}

/*
 * The one-row query: step s (prepared and bound by the caller) once, give
 * its row to fn (NULL: nothing to read) and finalize it. 0 for a row (or
 * fn's -1), 1 when there is none, -1 with *cause naming what.
 */
int
store_one(struct store *st, sqlite3_stmt *s, store_row_fn fn, void *arg,
    const char *what, char **cause)
{
	int	rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = fn != NULL ? fn(st, s, arg, cause) : 0;
	else if (rc == SQLITE_DONE)
		rc = 1;
	else
		rc = store_error(st, cause, what);
	sqlite3_finalize(s);
	return rc;
}

/* A row's first column as an integer. */
static int
store_one_int_row(struct store *st, sqlite3_stmt *s, void *arg,
    char **cause)
{
	(void)st;
	(void)cause;
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
	return 0;
}

/* A row's first column as an allocated string. */
static int
store_one_text_row(struct store *st, sqlite3_stmt *s, void *arg,
    char **cause)
{
	(void)st;
	(void)cause;
	*(char **)arg = xstrdup(store_text(s, 0));
	return 0;
}

/* store_one reading one integer. */
int
store_one_int(struct store *st, sqlite3_stmt *s, int64_t *out,
    const char *what, char **cause)
{
	return store_one(st, s, store_one_int_row, out, what, cause);
}

/* store_one reading one string. */
int
store_one_text(struct store *st, sqlite3_stmt *s, char **out,
    const char *what, char **cause)
{
	return store_one(st, s, store_one_text_row, out, what, cause);
}

/* Read one integer from a query without parameters. */
int
store_int(struct store *st, const char *sql, int64_t *out, char **cause)
{
	sqlite3_stmt	*s;

	*out = 0;
	if ((s = store_prepare(st, sql, cause)) == NULL)
		return -1;
	return store_one_int(st, s, out, "query", cause) == -1 ? -1 : 0;
}

/* Create the schema, or bring an older one up to date, in one transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	const struct db_migration	*m;
	int64_t				 v, tables;
	int				 want = store_version();
	char				*sql;

	if (store_exec(st, "BEGIN IMMEDIATE", cause) == -1)
		return -1;
	if (store_int(st, "PRAGMA user_version", &v, cause) == -1)
		goto fail;
	if (v > want) {
		set_cause(cause, _("%s was written by a newer herald (database "
		    "version %lld; this herald knows versions up to %d): "
		    "upgrade herald to use it"), st->path, (long long)v, want);
		st->version = -2;
		goto fail;
	}
	if (v == 0) {
		if (store_int(st, "SELECT count(*) FROM sqlite_master",
		    &tables, cause) == -1)
			goto fail;
		if (tables != 0) {
			set_cause(cause, _("%s is an SQLite database but not "
			    "herald's (it has tables and no herald version)"),
			    st->path);
			st->version = -2;
			goto fail;
		}
		if (store_exec(st, db_schema_sql, cause) == -1)
			goto fail;
	} else {
		for (m = db_migrations; m->version != 0; m++) {
			if (m->version <= v)
				continue;
			if (store_exec(st, m->sql, cause) == -1) {
				char *inner = *cause;
				set_cause(cause, _("migration %s: %s"), m->name,
				    inner);
				free(inner);
				goto fail;
			}
		}
	}
	sql = xprintf("PRAGMA user_version = %d", want);
	if (store_exec(st, sql, cause) == -1) {
		free(sql);
		goto fail;
	}
	free(sql);
	if (store_exec(st, "COMMIT", cause) == -1)
		goto fail;
	st->version = want;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Create the file 0600 (in a 0700 directory) before SQLite opens it; in
 * a directory that is setgid and group-writable, 0660: that directory is
 * shared with a web server's user, through its group, for the one-click
 * unsubscribe (and SQLite gives its -wal and -shm files the database's
 * mode, whatever the umask of the process that makes them).
 */
static int
store_create_file(const char *path, char **cause)
{
	struct stat	 sb, db;
	char		*dir;
	int		 fd, rc, shared;

	/* An existing file is never opened here: closing a descriptor of a
	 * database drops every POSIX lock this process holds on it, those
	 * of the connections already open on it too (the send engine opens
	 * a second one for its committer). */
	if (stat(path, &sb) == 0)
		return 0;
	dir = path_dirname(path);
	rc = mkdir_private(dir, cause);
	shared = rc == 0 && stat(dir, &db) == 0 && (db.st_mode & S_ISGID) &&
	    (db.st_mode & S_IWGRP);
	free(dir);
	if (rc == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return set_cause(cause, _("cannot open %s: %s"), path,
		    strerror(errno));
	if (shared && fchmod(fd, 0660) == -1) {
		set_cause(cause, _("cannot share %s with its directory's "
		    "group: %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Open (creating or migrating) the database at path. */
int
store_open(const char *path, struct store **out, char **cause)
{
	struct store	*st;
	int		 i, rc = -1;
	int64_t		 v;

	*out = NULL;
	if (store_create_file(path, cause) == -1)
		return -1;
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	/* One connection per thread: SQLite's own mutexes are not needed. */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		store_error(st, cause, "open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (store_filter_functions(st->db) == -1) {
		store_error(st, cause, "functions");
		goto fail;
	}
	/* A file that is not SQLite fails here, with SQLite's own words. */
	if (store_int(st, "PRAGMA user_version", &v, cause) == -1) {
		if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
			rc = -2;
		goto fail;
	}
	/* 16 KB pages: fewer, shallower B-tree pages for big lists (set
	 * before the first table exists). */
	if (v == 0 && store_exec(st, "PRAGMA page_size = 16384", cause) == -1)
		goto fail;
	if (store_exec(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;", cause) == -1)
		goto fail;
	if (store_migrate(st, cause) == -1) {
		rc = st->version == -2 ? -2 : -1;
		goto fail;
	}
	for (i = 0; i < ST_COUNT; i++) {
		st->stmt[i] = store_prepare(st, store_stmt_sql[i], cause);
		if (st->stmt[i] == NULL)
			goto fail;
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return rc;
}

/* Close the database. */
void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].s);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/* The connection, for the store module's other files. */
sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

/* A text column, never NULL. */
const char *
store_text(sqlite3_stmt *s, int col)
{
	const unsigned char	*t = sqlite3_column_text(s, col);

	return t != NULL ? (const char *)t : "";
}

/* The path the database was opened from. */
const char *
store_path(const struct store *st)
{
	return st->path;
}

/* The version of the open database. */
int
store_db_version(struct store *st)
{
	return st->version;
}

static void	store_end_bulk(struct store *);

/* Start a write transaction (taking the lock now, not at first write). */
int
store_begin(struct store *st, char **cause)
{
	static const char	 sql[] = "BEGIN IMMEDIATE";
	sqlite3_stmt		*s;
	int			 rc;

	if ((s = store_cached(st, sql, cause)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "begin");
	return 0;
}

/*
 * Start a write transaction for a bulk load into a list the transaction
 * itself finds or creates: foreign keys are not checked per row (the
 * write lock keeps the list from going away), which saves a lookup for
 * every contact. They are on again after commit or rollback.
 */
int
store_begin_bulk(struct store *st, char **cause)
{
	if (store_exec(st, "PRAGMA foreign_keys = OFF", cause) == -1)
		return -1;
	st->bulk = 1;
	if (store_begin(st, cause) == -1) {
		store_end_bulk(st);
		return -1;
	}
	return 0;
}

/* Turn foreign keys back on after a bulk transaction. */
static void
store_end_bulk(struct store *st)
{
	if (st->bulk && sqlite3_get_autocommit(st->db)) {
		sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL,
		    NULL);
		st->bulk = 0;
	}
}

/* Commit the open transaction. */
int
store_commit(struct store *st, char **cause)
{
	static const char	 sql[] = "COMMIT";
	sqlite3_stmt		*s;
	int			 rc = 0;

	if ((s = store_cached(st, sql, cause)) == NULL)
		rc = -1;
	else {
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_error(st, cause, "commit");
		sqlite3_reset(s);
	}
	store_end_bulk(st);
	return rc;
}

/* Roll back the open transaction, if any. */
void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	store_end_bulk(st);
}

/* Step a statement that returns no rows, then finalize it. */
int
store_run(struct store *st, sqlite3_stmt *s, char **cause)
{
	int	rc;

	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "write");
	return 0;
}
