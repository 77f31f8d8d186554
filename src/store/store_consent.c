/*
 * Consent records and the law gate's note on a send.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_consent.h"
#include "store_int.h"
#include "base/util.h"

int
store_consent_put(struct store *st, const char *list, const char *addr,
    const char *name, const char *consent_at, const char *source,
    int64_t now, char **cause)
{
	static const char sql[] = "INSERT INTO consent (list, addr_lc, addr,"
	    " name, consent_at, consent_source, updated_at)"
	    " VALUES (?1, lower(?2), ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (list, addr_lc) DO UPDATE SET addr = ?2, name = ?3,"
	    " consent_at = ?4, consent_source = ?5, updated_at = ?6";
	sqlite3_stmt	*s;

	if ((s = store_cached(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, list, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name != NULL ? name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, consent_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	return store_run_kept(st, s, cause);
}

int
store_consent_missing(struct store *st, int64_t list_id, const char *list,
    int64_t *n, char **cause)
{
	sqlite3_stmt	*s;

	*n = 0;
	s = store_prepare(st, "SELECT count(*) FROM contacts c"
	    " WHERE c.list_id = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM suppressions u"
	    "  WHERE u.addr_lc = lower(c.addr))"
	    " AND NOT EXISTS (SELECT 1 FROM consent k WHERE k.list = ?2"
	    "  AND k.addr_lc = lower(c.addr) AND k.consent_at <> '')", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, list_id);
	sqlite3_bind_text(s, 2, list, -1, SQLITE_STATIC);
	return store_one_int(st, s, n, "consent", cause) == -1 ? -1 : 0;
}

int
store_consent_rows(struct store *st, const char *list, store_consent_cb cb,
    void *arg, char **cause)
{
	sqlite3_stmt		*s;
	struct consent_row	 r;
	int			 rc;

	/* The members, then the records whose contact is gone. */
	s = store_prepare(st, "WITH a (addr, name, lc, member) AS ("
	    " SELECT c.addr, c.name, lower(c.addr), 1 FROM contacts c"
	    "  JOIN lists l ON l.id = c.list_id WHERE l.name = ?1"
	    " UNION ALL"
	    " SELECT k.addr, k.name, k.addr_lc, 0 FROM consent k"
	    "  WHERE k.list = ?1 AND NOT EXISTS (SELECT 1 FROM contacts c"
	    "  JOIN lists l ON l.id = c.list_id WHERE l.name = ?1"
	    "  AND lower(c.addr) = k.addr_lc))"
	    " SELECT a.addr, CASE WHEN a.name <> '' THEN a.name"
	    "  ELSE coalesce(k.name, '') END,"
	    " coalesce(k.consent_at, ''), coalesce(k.consent_source, ''),"
	    " coalesce((SELECT max(r.updated_at) FROM recipients r"
	    "  WHERE r.addr = a.addr COLLATE NOCASE"
	    "  AND r.state = 'delivered'), 0),"
	    " coalesce(u.created_at, 0), coalesce(u.reason, ''),"
	    " coalesce(u.detail, ''), a.member"
	    " FROM a LEFT JOIN consent k ON k.list = ?1 AND k.addr_lc = a.lc"
	    " LEFT JOIN suppressions u ON u.addr_lc = a.lc"
	    " ORDER BY a.lc", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, list, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.addr = store_text(s, 0);
		r.name = store_text(s, 1);
		r.consent_at = store_text(s, 2);
		r.consent_source = store_text(s, 3);
		r.last_mailed_at = sqlite3_column_int64(s, 4);
		r.opted_out_at = sqlite3_column_int64(s, 5);
		r.opt_out_reason = store_text(s, 6);
		r.opt_out_detail = store_text(s, 7);
		r.member = sqlite3_column_int(s, 8);
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "consent");
	return 0;
}

int
store_consent_prune(struct store *st, int64_t now, int64_t *removed,
    char **cause)
{
	sqlite3_stmt	*s;

	*removed = 0;
	/* A calendar month, as the law counts it: SQLite's '+1 month'. */
	s = store_prepare(st, "DELETE FROM consent AS k WHERE NOT EXISTS"
	    " (SELECT 1 FROM contacts c JOIN lists l ON l.id = c.list_id"
	    "  WHERE l.name = k.list AND lower(c.addr) = k.addr_lc)"
	    " AND CAST(strftime('%s', max(k.updated_at, coalesce("
	    "  (SELECT max(r.updated_at) FROM recipients r"
	    "  WHERE r.addr = k.addr COLLATE NOCASE"
	    "  AND r.state = 'delivered'), 0)), 'unixepoch', '+1 month')"
	    "  AS INTEGER) < ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	if (store_run(st, s, cause) == -1)
		return -1;
	*removed = sqlite3_changes(store_db(st));
	return 0;
}

int
store_send_set_law_override(struct store *st, int64_t id, const char *text,
    char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE sends SET law_override = ?2"
	    " WHERE id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	return store_run(st, s, cause);
}

int
store_send_law_override(struct store *st, int64_t id, char **text,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*text = NULL;
	if ((s = store_prepare(st, "SELECT law_override FROM sends"
	    " WHERE id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_one_text(st, s, text, "send", cause);
	if (rc == -1)
		return -1;
	if (*text == NULL)
		*text = xstrdup("");
	return 0;
}
