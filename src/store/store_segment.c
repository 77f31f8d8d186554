/*
 * Saved segments (store_segment.h) and the members queries that take a
 * parsed filter: the filter's condition (store_filter.c) is added to the
 * query with its parameters numbered after the query's own.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_segment.h"
#include "base/i18n.h"
#include "base/util.h"

int
store_segment_add(struct store *st, const char *name, int64_t list,
    const char *expr, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO segments (name, list_id, expr,"
	    " created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name)"
	    " DO NOTHING", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, list);
	sqlite3_bind_text(s, 3, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(store_db(st)) == 0 ? 1 : 0;
}

#define SEGMENT_SQL							\
	"SELECT g.id, g.name, g.list_id, l.name, g.expr, g.created_at"	\
	" FROM segments g JOIN lists l ON l.id = g.list_id"

static int
segment_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct segment_row	*r = arg;

	(void)st;
	(void)cause;
	r->id = sqlite3_column_int64(s, 0);
	r->name = xstrdup(store_text(s, 1));
	r->list_id = sqlite3_column_int64(s, 2);
	r->list = xstrdup(store_text(s, 3));
	r->expr = xstrdup(store_text(s, 4));
	r->created_at = sqlite3_column_int64(s, 5);
	return 0;
}

int
store_segment_get(struct store *st, const char *name, struct segment_row *r,
    char **cause)
{
	sqlite3_stmt	*s;

	memset(r, 0, sizeof *r);
	if ((s = store_prepare(st, SEGMENT_SQL " WHERE g.name = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_one(st, s, segment_row, r, NT("segment"), cause);
}

int
store_segments(struct store *st, struct segment_row **out, size_t *n,
    char **cause)
{
	sqlite3_stmt		*s;
	struct segment_row	*v = NULL;
	size_t			 len = 0;
	int			 rc;

	if ((s = store_prepare(st, SEGMENT_SQL " ORDER BY g.name",
	    cause)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		segment_row(st, s, &v[len++], NULL);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_segments_free(v, len);
		return store_error(st, cause, NT("segments"));
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_segment_row_free(struct segment_row *r)
{
	free(r->name);
	free(r->list);
	free(r->expr);
	memset(r, 0, sizeof *r);
}

void
store_segments_free(struct segment_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		store_segment_row_free(&v[i]);
	free(v);
}

int
store_segment_remove(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "DELETE FROM segments WHERE name = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(store_db(st)) == 0 ? 1 : 0;
}

/* ---- members by filter ---- */

/* Prepare head + " AND (filter)" + tail, the filter's parameters from
 * ?first, and bind them. */
static sqlite3_stmt *
prepare_filtered(struct store *st, const char *head, const struct filter *f,
    int first, const char *tail, char **cause)
{
	struct filter_sql	 q;
	sqlite3_stmt		*s;
	char			*sql;

	store_filter_sql(f, first, &q);
	sql = xprintf("%s AND (%s)%s", head, q.sql, tail);
	s = store_prepare(st, sql, cause);
	free(sql);
	if (s != NULL)
		store_filter_bind(s, &q);
	store_filter_sql_free(&q);
	return s;
}

int
store_contacts_filter(struct store *st, int64_t list, const struct filter *f,
    int64_t offset, int64_t limit, store_contact_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt	*s;

	s = prepare_filtered(st, "SELECT c.addr, c.name, c.attrs,"
	    " EXISTS (SELECT 1 FROM suppressions s"
	    "  WHERE s.addr_lc = lower(c.addr))"
	    " FROM contacts c WHERE c.list_id = ?1", f, 4,
	    " ORDER BY c.addr LIMIT ?2 OFFSET ?3", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	sqlite3_bind_int64(s, 3, offset > 0 ? offset : 0);
	return store_contacts_walk(st, s, cb, arg, cause);
}

int
store_contacts_count_filter(struct store *st, int64_t list,
    const struct filter *f, int unsuppressed, int64_t *count, char **cause)
{
	sqlite3_stmt	*s;

	s = prepare_filtered(st, "SELECT count(*) FROM contacts c"
	    " WHERE c.list_id = ?1 AND (?2 = 0 OR NOT EXISTS (SELECT 1"
	    " FROM suppressions s WHERE s.addr_lc = lower(c.addr)))", f, 3,
	    "", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_int(s, 2, unsuppressed != 0);
	/* count(*) answers one row. */
	return store_one_int(st, s, count, NT("count members"), cause) == -1 ?
	    -1 : 0;
}

int
store_contacts_to_send_filter(struct store *st, int64_t list,
    const struct filter *f, store_contact_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;

	s = prepare_filtered(st, CONTACTS_TO_SEND_SQL, f, 3,
	    " ORDER BY c.addr", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_int(s, 2, st->case_strict);
	return store_contacts_walk(st, s, cb, arg, cause);
}
