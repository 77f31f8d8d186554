/*
 * The store's lists: lists, imports, their members (contacts) and the
 * suppression list. The import path runs its statements from the set
 * store_open() prepares once (store_stmt_sql, here beside the code that
 * binds them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

const char *const store_stmt_sql[ST_COUNT] = {
	[ST_CONTACT_INSERT] =
	    "INSERT INTO contacts (list_id, addr, name, attrs, added_at,"
	    " import_id, line, caps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (list_id, addr) DO NOTHING",
	[ST_CONTACT_LOOKUP] =
	    "SELECT import_id, line FROM contacts"
	    " WHERE list_id = ?1 AND addr = ?2",
	/* Another spelling of address ?3 (?2: lower-cased), when letter case
	 * is ignored: one with capitals (index contacts_addr_lc holds only
	 * those, so it stays small and an all-lower-case list pays nearly
	 * nothing), or the all-lower-case one. Without statistics the
	 * planner would scan the list by its primary key: the index is
	 * named. */
	[ST_CONTACT_LOOKUP_LC] =
	    "SELECT addr FROM contacts INDEXED BY contacts_addr_lc"
	    " WHERE list_id = ?1 AND lower(addr) = ?2"
	    " AND caps = 1 AND addr <> ?3"
	    " UNION ALL SELECT addr FROM contacts"
	    " WHERE list_id = ?1 AND addr = ?2 AND ?2 <> ?3 LIMIT 1",
	/* An update keeps a name it had if the new row has none, and merges
	 * attributes (new values win). */
	[ST_CONTACT_UPDATE] =
	    "UPDATE contacts SET name = CASE WHEN ?3 = '' THEN name ELSE ?3"
	    " END, attrs = json_patch(attrs, ?4), import_id = ?5, line = ?6"
	    " WHERE list_id = ?1 AND addr = ?2",
	[ST_SUPPRESSED] =
	    "SELECT 1 FROM suppressions WHERE addr_lc = lower(?1)",
};


/* ---- lists ---- */

/* Find a list by name. */
int
store_list_find(struct store *st, const char *name, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "SELECT id FROM lists WHERE name = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_one_int(st, s, id, NT("find list"), cause);
}

/* Create a list. */
int
store_list_create(struct store *st, const char *name, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO lists (name, created_at)"
	    " VALUES (?1, ?2)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

#define LIST_INFO_SQL							\
	"SELECT l.id, l.name, l.created_at,"				\
	" (SELECT count(*) FROM contacts c WHERE c.list_id = l.id),"	\
	" (SELECT count(*) FROM contacts c JOIN suppressions s"		\
	"  ON s.addr_lc = lower(c.addr) WHERE c.list_id = l.id)"	\
	" FROM lists l"

/* Fill a list_info (arg) from a LIST_INFO_SQL row. */
static int
store_list_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct list_info	*li = arg;

	(void)st;
	(void)cause;
	li->id = sqlite3_column_int64(s, 0);
	li->name = xstrdup((const char *)sqlite3_column_text(s, 1));
	li->created_at = sqlite3_column_int64(s, 2);
	li->members = sqlite3_column_int64(s, 3);
	li->suppressed = sqlite3_column_int64(s, 4);
	return 0;
}

/* Every list with its member counts, by name. */
int
store_lists(struct store *st, struct list_info **out, size_t *n,
    char **cause)
{
	sqlite3_stmt	*s;
	struct list_info *v = NULL;
	size_t		 len = 0;
	int		 rc;

	if ((s = store_prepare(st, LIST_INFO_SQL " ORDER BY l.name",
	    cause)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		store_list_row(st, s, &v[len++], NULL);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_lists_free(v, len);
		return store_error(st, cause, "lists");
	}
	*out = v;
	*n = len;
	return 0;
}

/* One list's counts. */
int
store_list_info(struct store *st, const char *name, struct list_info *li,
    char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, LIST_INFO_SQL " WHERE l.name = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_one(st, s, store_list_row, li, "list", cause);
}

/* Free what store_lists returned. */
void
store_lists_free(struct list_info *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Remove a list; its members and imports go with it (cascade). */
int
store_list_remove(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "DELETE FROM lists WHERE name = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(st->db) == 0 ? 1 : 0;
}

/* The attribute names members of a list carry, in first-seen order. */
int
store_list_attr_names(struct store *st, int64_t list, char ***names,
    size_t *n, char **cause)
{
	sqlite3_stmt	*s;
	char		**v = NULL;
	size_t		 len = 0, i;
	int		 rc;

	s = store_prepare(st, "SELECT j.key FROM contacts c, json_each(c.attrs) j"
	    " WHERE c.list_id = ?1 GROUP BY j.key"
	    " ORDER BY min((c.import_id << 32) + c.line), min(j.id)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		v[len++] = xstrdup((const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < len; i++)
			free(v[i]);
		free(v);
		return store_error(st, cause, NT("attribute names"));
	}
	*names = v;
	*n = len;
	return 0;
}

/* ---- imports and contacts ---- */

/* Record that an import into list has begun. */
int
store_import_begin(struct store *st, int64_t list, const char *source,
    int64_t *import_id, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 caps = 0;

	s = store_prepare(st, "INSERT INTO imports (list_id, source,"
	    " started_at) VALUES (?1, ?2, ?3)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	*import_id = sqlite3_last_insert_rowid(st->db);
	s = store_prepare(st, "SELECT EXISTS (SELECT 1 FROM contacts"
	    " INDEXED BY contacts_addr_lc WHERE list_id = ?1"
	    " AND caps = 1)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	/* EXISTS answers one row. */
	if (store_one_int(st, s, &caps, NT("look up capitals"), cause) == -1)
		return -1;
	st->import_list = list;
	st->import_caps = caps != 0;
	return 0;
}

/* Record an import's counts. */
int
store_import_finish(struct store *st, int64_t import_id, uint64_t rows,
    uint64_t imported, uint64_t updated, uint64_t duplicates,
    uint64_t invalid, uint64_t suppressed, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE imports SET rows = ?2, imported = ?3,"
	    " updated = ?4, duplicates = ?5, invalid = ?6, suppressed = ?7"
	    " WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, import_id);
	sqlite3_bind_int64(s, 2, (int64_t)rows);
	sqlite3_bind_int64(s, 3, (int64_t)imported);
	sqlite3_bind_int64(s, 4, (int64_t)updated);
	sqlite3_bind_int64(s, 5, (int64_t)duplicates);
	sqlite3_bind_int64(s, 6, (int64_t)invalid);
	sqlite3_bind_int64(s, 7, (int64_t)suppressed);
	return store_run(st, s, cause);
}

/* Step a cached statement once and reset it. */
static int
store_step_cached(struct store *st, sqlite3_stmt *s, char **cause)
{
	int	rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(st, cause, NT("write contact"));
	return 0;
}

/* Compare local parts exactly (1) or ignoring letter case (0). */
void
store_set_case_strict(struct store *st, int strict)
{
	st->case_strict = strict;
}

/*
 * Unless case is strict, the address as the list already spells it, into
 * kept: 1 if there is one, 0 if addr is new to the list, -1 on error.
 */
static int
store_contact_spelling(struct store *st, int64_t list, const char *addr,
    char *kept, size_t keptlen, char **cause)
{
	sqlite3_stmt	*s = st->stmt[ST_CONTACT_LOOKUP_LC];
	char		 lc[1024];
	size_t		 i;
	int		 rc;

	/* As SQLite's lower(): ASCII letters only. */
	for (i = 0; addr[i] != '\0' && i < sizeof lc - 1; i++)
		lc[i] = addr[i] >= 'A' && addr[i] <= 'Z' ?
		    (char)(addr[i] - 'A' + 'a') : addr[i];
	lc[i] = '\0';
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, lc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(kept, keptlen, "%s", store_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return store_error(st, cause, NT("look up contact"));
	return 0;
}

/* Insert a contact, or tell a duplicate of this import from an update. */
int
store_contact_put(struct store *st, int64_t list, int64_t import_id,
    uint64_t line, const char *addr, const char *name, const char *attrs,
    enum store_put *result, uint64_t *first_line, char **cause)
{
	char	kept[1024];	/* longer than any address */

	return store_contact_put_kept(st, list, import_id, line, addr, name,
	    attrs, result, first_line, kept, sizeof kept, cause);
}

/* store_contact_put, telling the address as the list spells it. */
int
store_contact_put_kept(struct store *st, int64_t list, int64_t import_id,
    uint64_t line, const char *addr, const char *name, const char *attrs,
    enum store_put *result, uint64_t *first_line, char *kept, size_t keptlen,
    char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 prev_import;
	size_t		 i;
	int		 rc, caps;

	/* Per row of every import: no printf, no strpbrk. */
	for (i = 0, caps = 0; addr[i] != '\0' && i < keptlen - 1; i++) {
		kept[i] = addr[i];
		caps |= addr[i] >= 'A' && addr[i] <= 'Z';
	}
	kept[i] = '\0';
	if (caps && list == st->import_list)
		st->import_caps = 1;
	if (!st->case_strict &&
	    (caps || list != st->import_list || st->import_caps)) {
		rc = store_contact_spelling(st, list, addr, kept, keptlen, cause);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			addr = kept;
			goto known;
		}
	}
	s = st->stmt[ST_CONTACT_INSERT];
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, attrs, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)time(NULL));
	sqlite3_bind_int64(s, 6, import_id);
	sqlite3_bind_int64(s, 7, (int64_t)line);
	sqlite3_bind_int(s, 8, caps);
	if (store_step_cached(st, s, cause) == -1)
		return -1;
	if (sqlite3_changes(st->db) == 1) {
		*result = STORE_PUT_NEW;
		return 0;
	}

known:
	s = st->stmt[ST_CONTACT_LOOKUP];
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_error(st, cause, NT("look up contact"));
	}
	prev_import = sqlite3_column_int64(s, 0);
	if (first_line != NULL)
		*first_line = (uint64_t)sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (prev_import == import_id) {
		*result = STORE_PUT_DUPLICATE;
		return 0;
	}

	s = st->stmt[ST_CONTACT_UPDATE];
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, attrs, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, import_id);
	sqlite3_bind_int64(s, 6, (int64_t)line);
	if (store_step_cached(st, s, cause) == -1)
		return -1;
	*result = STORE_PUT_UPDATED;
	return 0;
}

/* Bind the members query's filter (NULL or empty: everything). */
static void
store_bind_filter(sqlite3_stmt *s, int idx, const char *filter)
{
	if (filter == NULL || *filter == '\0')
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_text(s, idx, filter, -1, SQLITE_STATIC);
}

#define CONTACT_FILTER							\
	" WHERE c.list_id = ?1 AND (?2 IS NULL"				\
	" OR instr(lower(c.addr), lower(?2)) > 0"			\
	" OR instr(lower(c.name), lower(?2)) > 0)"

/* Call cb for each row of a members query, then finalize it. */
int
store_contacts_walk(struct store *st, sqlite3_stmt *s, store_contact_cb cb,
    void *arg, char **cause)
{
	struct contact	c;
	int		rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c.addr = (const char *)sqlite3_column_text(s, 0);
		c.name = (const char *)sqlite3_column_text(s, 1);
		c.attrs = (const char *)sqlite3_column_text(s, 2);
		c.suppressed = sqlite3_column_int(s, 3);
		if (cb(&c, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "members");
	return 0;
}

/* Page through a list's members in address order. */
int
store_contacts(struct store *st, int64_t list, const char *filter,
    int64_t offset, int64_t limit, store_contact_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "SELECT c.addr, c.name, c.attrs,"
	    " EXISTS (SELECT 1 FROM suppressions s"
	    "  WHERE s.addr_lc = lower(c.addr))"
	    " FROM contacts c" CONTACT_FILTER
	    " ORDER BY c.addr LIMIT ?3 OFFSET ?4", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	store_bind_filter(s, 2, filter);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	sqlite3_bind_int64(s, 4, offset > 0 ? offset : 0);
	return store_contacts_walk(st, s, cb, arg, cause);
}

/* Members a send goes to; see store.h. */
int
store_contacts_to_send(struct store *st, int64_t list, store_contact_cb cb,
    void *arg, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, CONTACTS_TO_SEND_SQL " ORDER BY c.addr", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_int(s, 2, st->case_strict);
	return store_contacts_walk(st, s, cb, arg, cause);
}

/* How many members match the filter. */
int
store_contacts_count(struct store *st, int64_t list, const char *filter,
    int64_t *count, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "SELECT count(*) FROM contacts c"
	    CONTACT_FILTER, cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	store_bind_filter(s, 2, filter);
	/* count(*) answers one row. */
	return store_one_int(st, s, count, NT("count members"), cause) == -1 ?
	    -1 : 0;
}

/* Fill a member (arg) from a row of store_member_find. */
static int
store_member_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct member	*m = arg;

	(void)st;
	(void)cause;
	m->addr = xstrdup(store_text(s, 0));
	m->name = xstrdup(store_text(s, 1));
	m->attrs = xstrdup(store_text(s, 2));
	m->suppressed = sqlite3_column_int(s, 3);
	return 0;
}

/* Find one member by address, preferring the exact spelling. */
int
store_member_find(struct store *st, int64_t list, const char *addr,
    struct member *m, char **cause)
{
	sqlite3_stmt	*s;

	memset(m, 0, sizeof *m);
	s = store_prepare(st, "SELECT c.addr, c.name, c.attrs,"
	    " EXISTS (SELECT 1 FROM suppressions s"
	    "  WHERE s.addr_lc = lower(c.addr))"
	    " FROM contacts c WHERE c.list_id = ?1"
	    " AND lower(c.addr) = lower(?2)"
	    " ORDER BY c.addr = ?2 DESC, c.addr LIMIT 1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	return store_one(st, s, store_member_row, m, NT("find member"), cause);
}

/* Free what store_member_find filled. */
void
store_member_free(struct member *m)
{
	free(m->addr);
	free(m->name);
	free(m->attrs);
	memset(m, 0, sizeof *m);
}

/* ---- suppressions ---- */

/* Is addr suppressed (in any letter case)? */
int
store_is_suppressed(struct store *st, const char *addr, char **cause)
{
	sqlite3_stmt	*s = st->stmt[ST_SUPPRESSED];
	int		 rc;

	sqlite3_bind_text(s, 1, addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_error(st, cause, NT("suppression lookup"));
}

/* Add a suppression (kept as it was if the address is already there). */
int
store_suppress_add(struct store *st, const char *addr, const char *reason,
    const char *detail, int *added, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO suppressions (addr_lc, addr,"
	    " reason, detail, created_at) VALUES (lower(?1), ?1, ?2, ?3, ?4)"
	    " ON CONFLICT (addr_lc) DO NOTHING", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, detail != NULL ? detail : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	if (added != NULL)
		*added = sqlite3_changes(st->db) == 1;
	return 0;
}

/* Every suppression, by address. */
int
store_suppressions(struct store *st, store_suppression_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt		*s;
	struct suppression	 sup;
	int			 rc;

	s = store_prepare(st, "SELECT addr, reason, detail, created_at"
	    " FROM suppressions ORDER BY addr_lc", cause);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sup.addr = (const char *)sqlite3_column_text(s, 0);
		sup.reason = (const char *)sqlite3_column_text(s, 1);
		sup.detail = (const char *)sqlite3_column_text(s, 2);
		sup.created_at = sqlite3_column_int64(s, 3);
		if (cb(&sup, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "suppressions");
	return 0;
}
