/*
 * The store's issues, meta settings and unsubscribe tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "mail/issue_types.h"
#include "store.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

/* An issue's row with its text from table alias t: i (the issue as
 * stored) or c (its send's copy, send_content). */
#define ISSUE_SELECT(t)							\
	"SELECT i.id, coalesce(i.list_id, 0), l.name, " t ".from_hdr,"	\
	" " t ".reply_to, " t ".subject, " t ".body, " t ".unsubscribe,"	\
	" " t ".encoding, i.created_at, i.updated_at, " t ".charset,"	\
	" i.kind"							\
	" FROM issues i LEFT JOIN lists l ON l.id = i.list_id"
#define ISSUE_COLUMNS	ISSUE_SELECT("i")

/* The issue's send is not finished (its text is frozen). */
#define ISSUE_BUSY							\
	"EXISTS (SELECT 1 FROM sends WHERE id = ?1 AND finished_at = 0)"

/* Fill an issue (arg) from an ISSUE_COLUMNS row. */
static int
store_issue_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct issue	*is = arg;

	(void)st;
	(void)cause;
	memset(is, 0, sizeof *is);
	is->id = sqlite3_column_int64(s, 0);
	is->list_id = sqlite3_column_int64(s, 1);
	if (sqlite3_column_type(s, 2) != SQLITE_NULL)
		is->list_name = xstrdup(store_text(s, 2));
	is->from = xstrdup(store_text(s, 3));
	is->reply_to = xstrdup(store_text(s, 4));
	is->subject = xstrdup(store_text(s, 5));
	is->body = xstrdup(store_text(s, 6));
	is->unsubscribe = xstrdup(store_text(s, 7));
	is->encoding = xstrdup(store_text(s, 8));
	is->created_at = sqlite3_column_int64(s, 9);
	is->updated_at = sqlite3_column_int64(s, 10);
	is->charset = xstrdup(store_text(s, 11));
	is->kind = xstrdup(store_text(s, 12));
	return 0;
}

/* A string field, "" for NULL. */
static const char *
store_issue_str(const char *s)
{
	return s != NULL ? s : "";
}

/* Bind the text a send renders (?3 .. ?8, and ?10 the charset). */
static void
store_issue_bind_text(sqlite3_stmt *s, const struct issue *is)
{
	sqlite3_bind_text(s, 3, store_issue_str(is->from), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, store_issue_str(is->reply_to), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 5, store_issue_str(is->subject), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 6, store_issue_str(is->body), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, store_issue_str(is->unsubscribe), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 8, is->encoding != NULL && *is->encoding != '\0' ?
	    is->encoding : "auto", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, is->charset != NULL && *is->charset != '\0' ?
	    is->charset : "utf-8", -1, SQLITE_STATIC);
}

/* Bind the columns an insert and an update share (?2 .. ?11). */
static void
store_issue_bind(sqlite3_stmt *s, const struct issue *is)
{
	if (is->list_id != 0)
		sqlite3_bind_int64(s, 2, is->list_id);
	else
		sqlite3_bind_null(s, 2);
	store_issue_bind_text(s, is);
	sqlite3_bind_int64(s, 9, is->updated_at);
	sqlite3_bind_text(s, 11, is->kind != NULL && *is->kind != '\0' ?
	    is->kind : "notice", -1, SQLITE_STATIC);
}

/* Read issue is's audience rows; none: its list alone. */
static int
store_issue_aud_get(struct store *st, struct issue *is, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_prepare(st, "SELECT kind, name, segment FROM issue_audience"
	    " WHERE issue_id = ?1 ORDER BY pos", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, is->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		is->aud = xreallocarray(is->aud, is->naud + 1,
		    sizeof *is->aud);
		is->aud[is->naud].exclude = strcmp(store_text(s, 0),
		    "exclude") == 0;
		is->aud[is->naud].name = xstrdup(store_text(s, 1));
		is->aud[is->naud].segment = sqlite3_column_int(s, 2) != 0;
		is->naud++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "issue_audience");
	if (is->naud == 0 && is->list_name != NULL) {
		is->aud = xcalloc(1, sizeof *is->aud);
		is->aud[0].name = xstrdup(is->list_name);
		is->naud = 1;
	}
	return 0;
}

/* Replace issue is's audience rows with is->aud (in a savepoint, so a
 * caller's transaction or none both work). */
static int
store_issue_aud_put(struct store *st, const struct issue *is, char **cause)
{
	sqlite3_stmt	*s;
	size_t		 i;

	if ((s = store_prepare(st, "DELETE FROM issue_audience"
	    " WHERE issue_id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, is->id);
	if (store_run(st, s, cause) == -1)
		return -1;
	for (i = 0; i < is->naud; i++) {
		if ((s = store_prepare(st, "INSERT INTO issue_audience"
		    " (issue_id, pos, kind, name, segment)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)", cause)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, is->id);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		sqlite3_bind_text(s, 3, is->aud[i].exclude ? "exclude" : "to",
		    -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, is->aud[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, is->aud[i].segment);
		if (store_run(st, s, cause) == -1)
			return -1;
	}
	return 0;
}

/* Run the issue's statement s and then its audience rows, as one. */
static int
store_issue_write(struct store *st, sqlite3_stmt *s, struct issue *is,
    int add, char **cause)
{
	if (store_exec(st, "SAVEPOINT issue_write", cause) == -1) {
		sqlite3_finalize(s);
		return -1;
	}
	if (store_run(st, s, cause) == -1)
		goto fail;
	if (add)
		is->id = sqlite3_last_insert_rowid(store_db(st));
	else if (sqlite3_changes(store_db(st)) == 0) {
		/* Refused (busy or no such issue): the caller says why. */
		return store_exec(st, "RELEASE issue_write", cause) == -1 ?
		    -1 : 1;
	}
	if (store_issue_aud_put(st, is, cause) == -1)
		goto fail;
	return store_exec(st, "RELEASE issue_write", cause);
fail:
	store_exec(st, "ROLLBACK TO issue_write; RELEASE issue_write", NULL);
	return -1;
}

/* Save a new issue; sets its id and times. */
int
store_issue_add(struct store *st, struct issue *is, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO issues (list_id, from_hdr,"
	    " reply_to, subject, body, unsubscribe, encoding, updated_at,"
	    " created_at, charset, kind) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?9, ?10, ?11)", cause);
	if (s == NULL)
		return -1;
	is->created_at = is->updated_at = (int64_t)time(NULL);
	store_issue_bind(s, is);
	return store_issue_write(st, s, is, 1, cause);
}

/* Save an issue's fields; updates its time. Refused while the issue has
 * a send that is not finished. */
int
store_issue_update(struct store *st, struct issue *is, char **cause)
{
	sqlite3_stmt	*s;

	/* The check is in the statement: a send that started after the
	 * caller looked is still seen. */
	s = store_prepare(st, "UPDATE issues SET list_id = ?2, from_hdr = ?3,"
	    " reply_to = ?4, subject = ?5, body = ?6, unsubscribe = ?7,"
	    " encoding = ?8, updated_at = ?9, charset = ?10, kind = ?11"
	    " WHERE id = ?1 AND NOT "
	    ISSUE_BUSY, cause);
	if (s == NULL)
		return -1;
	is->updated_at = (int64_t)time(NULL);
	sqlite3_bind_int64(s, 1, is->id);
	store_issue_bind(s, is);
	switch (store_issue_write(st, s, is, 0, cause)) {
	case -1:
		return -1;
	case 0:
		return 0;
	}
	switch (store_issue_busy(st, is->id, cause)) {
	case -1:
		return -1;
	case 1:
		return set_cause(cause, "%s", store_issue_busy_why(is->id));
	}
	return set_cause(cause, _("no issue %lld"), (long long)is->id);
}

/* 1 when the issue has a send that is not finished, else 0. */
int
store_issue_busy(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 busy = 0;

	if ((s = store_prepare(st, "SELECT " ISSUE_BUSY, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	/* EXISTS answers one row. */
	if (store_one_int(st, s, &busy, "issue", cause) == -1)
		return -1;
	return busy != 0;
}

/* Why an issue with an unfinished send cannot change, and what to do. */
const char *
store_issue_busy_why(int64_t id)
{
	static char	why[256];

	snprintf(why, sizeof why, _("issue %lld has a send that is not "
	    "finished (herald status %lld): what it sends cannot change; "
	    "herald issue copy %lld makes a new issue from it"),
	    (long long)id, (long long)id, (long long)id);
	return why;
}

/* A new issue with the fields of issue id (as stored); *copy is its id.
 * 1 when there is no such issue. */
int
store_issue_copy(struct store *st, int64_t id, int64_t *copy, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO issues (list_id, from_hdr,"
	    " reply_to, subject, body, unsubscribe, encoding, charset, kind,"
	    " created_at, updated_at) SELECT list_id, from_hdr, reply_to,"
	    " subject, body, unsubscribe, encoding, charset, kind, ?2, ?2"
	    " FROM issues WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	if (sqlite3_changes(store_db(st)) == 0)
		return 1;
	*copy = sqlite3_last_insert_rowid(store_db(st));
	if ((s = store_prepare(st, "INSERT INTO issue_audience (issue_id,"
	    " pos, kind, name, segment) SELECT ?2, pos, kind, name, segment"
	    " FROM issue_audience WHERE issue_id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, *copy);
	return store_run(st, s, cause);
}

/* Keep the text of issue is as its send's own copy (in the transaction
 * that creates the send). */
int
store_issue_freeze(struct store *st, const struct issue *is, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO send_content (id, from_hdr,"
	    " reply_to, subject, body, unsubscribe, encoding, charset)"
	    " VALUES (?1, ?3, ?4, ?5, ?6, ?7, ?8, ?10)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, is->id);
	store_issue_bind_text(s, is);
	return store_run(st, s, cause);
}

/* One issue by id. */
/* One issue row of sql (?1: the id): 0, 1 if there is none, -1. */
static int
store_issue_one(struct store *st, const char *sql, int64_t id,
    struct issue *is, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_one(st, s, store_issue_row, is, "issue", cause);
	if (rc == 0 && store_issue_aud_get(st, is, cause) == -1) {
		issue_free(is);
		return -1;
	}
	return rc;
}

int
store_issue_get(struct store *st, int64_t id, struct issue *is,
    char **cause)
{
	return store_issue_one(st, ISSUE_COLUMNS " WHERE i.id = ?1", id, is,
	    cause);
}

/* Issue id as its send sends it: the send's copy when the issue has a
 * send, else as stored. */
int
store_issue_sent(struct store *st, int64_t id, struct issue *is,
    char **cause)
{
	int	 rc;

	rc = store_issue_one(st, ISSUE_SELECT("c") " JOIN send_content c"
	    " ON c.id = i.id WHERE i.id = ?1", id, is, cause);
	return rc == 1 ? store_issue_get(st, id, is, cause) : rc;
}

/* Every issue, newest first. */
int
store_issues(struct store *st, struct issue **out, size_t *n, char **cause)
{
	sqlite3_stmt	*s;
	struct issue	*v = NULL;
	size_t		 len = 0, i;
	int		 rc;

	if ((s = store_prepare(st, ISSUE_COLUMNS " ORDER BY i.id DESC",
	    cause)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		store_issue_row(st, s, &v[len++], NULL);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		rc = store_error(st, cause, "issues");
	else
		for (i = 0, rc = 0; i < len && rc == 0; i++)
			rc = store_issue_aud_get(st, &v[i], cause);
	if (rc == -1) {
		for (i = 0; i < len; i++)
			issue_free(&v[i]);
		free(v);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

/* Is name a list, a segment, neither or (refused) both? */
int
store_audience_lookup(struct store *st, const char *name, int *segment,
    char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 list = 0, seg = 0;

	if ((s = store_prepare(st, "SELECT EXISTS (SELECT 1 FROM lists"
	    " WHERE name = ?1)", cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_one_int(st, s, &list, "lists", cause) == -1)
		return -1;
	if ((s = store_prepare(st, "SELECT EXISTS (SELECT 1 FROM segments"
	    " WHERE name = ?1)", cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_one_int(st, s, &seg, "segments", cause) == -1)
		return -1;
	/* One namespace: a name that is both would send to one of them
	 * by a rule nobody remembers. */
	if (list != 0 && seg != 0)
		return set_cause(cause, _("'%s' is both a list and a segment: "
		    "rename one of them"), name);
	if (list == 0 && seg == 0) {
		set_cause(cause, _("no list or segment named '%s' (herald "
		    "list ls shows them)"), name);
		return 1;
	}
	*segment = seg != 0;
	return 0;
}

/* A database setting. */
int
store_meta_get(struct store *st, const char *key, char **value, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT value FROM meta WHERE key = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	return store_one_text(st, s, value, "meta", cause);
}

/* Set a database setting (replacing an older value). */
int
store_meta_set(struct store *st, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO meta (key, value)"
	    " VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return store_run(st, s, cause);
}

/* Remember a token handed out (the first issue that used it is kept). */
int
store_token_put(struct store *st, const char *token, const char *addr,
    int64_t issue_id, char **cause)
{
	static const char	 sql[] = "INSERT INTO unsub_tokens (token, addr,"
	    " issue_id, created_at) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (token) DO NOTHING";
	sqlite3_stmt		*s;

	if ((s = store_cached(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	if (issue_id != 0)
		sqlite3_bind_int64(s, 3, issue_id);
	else
		sqlite3_bind_null(s, 3);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	return store_run_kept(st, s, cause);
}

/* The address a token stands for. */
int
store_token_find(struct store *st, const char *token, char **addr,
    char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT addr FROM unsub_tokens"
	    " WHERE token = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	return store_one_text(st, s, addr, NT("unsubscribe token"), cause);
}
