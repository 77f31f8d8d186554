/*
 * DKIM keys in the database: the domain, selector, algorithm, where the
 * private key file is and the record's p= value. The key itself is never
 * stored here.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "auth/dkim_types.h"
#include "store.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

#define DKIM_KEY_COLUMNS /* NT(): SQL */ \
	"id, domain, selector, algo, key_file, public_key, created_at, active,"\
	" pending"

/* Fill a key (arg) from a row of DKIM_KEY_COLUMNS. */
static int
store_dkim_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct dkim_key	*k = arg;

	memset(k, 0, sizeof *k);
	if (dkim_algo_parse(store_text(s, 3), &k->algo) == -1)
		return set_cause(cause, _("%s: key %s/%s has an unknown "
		    "algorithm '%s'"), store_path(st), store_text(s, 1),
		    store_text(s, 2), store_text(s, 3));
	k->id = sqlite3_column_int64(s, 0);
	k->domain = xstrdup(store_text(s, 1));
	k->selector = xstrdup(store_text(s, 2));
	k->key_file = xstrdup(store_text(s, 4));
	k->public_key = xstrdup(store_text(s, 5));
	k->created_at = sqlite3_column_int64(s, 6);
	k->active = sqlite3_column_int(s, 7) != 0;
	k->pending = sqlite3_column_int(s, 8) != 0;
	return 0;
}

/* Record a new key. */
int
store_dkim_add(struct store *st, const struct dkim_key *k, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_prepare(st, "INSERT INTO dkim_keys (domain, selector, algo,"
	    " key_file, public_key, created_at, active, pending) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, k->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, k->selector, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, dkim_algo_name(k->algo), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, k->key_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, k->public_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, k->created_at != 0 ? k->created_at :
	    (int64_t)time(NULL));
	sqlite3_bind_int(s, 7, k->active != 0);
	sqlite3_bind_int(s, 8, k->pending != 0);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return set_cause(cause, _("a key for %s selector %s exists "
		    "already"), k->domain, k->selector);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "add DKIM key");
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

/* Keys of one domain, or of every domain, by domain and selector. */
int
store_dkim_keys(struct store *st, const char *domain, struct dkim_key **out,
    size_t *n, char **cause)
{
	sqlite3_stmt	*s;
	struct dkim_key	*v = NULL;
	size_t		 len = 0, cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	/* NT: SQL */
	s = store_prepare(st, "SELECT " DKIM_KEY_COLUMNS " FROM dkim_keys"
	    " WHERE ?1 IS NULL OR domain = ?1 ORDER BY domain, selector",
	    cause);
	if (s == NULL)
		return -1;
	if (domain != NULL)
		sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		if (store_dkim_row(st, s, &v[len], cause) == -1)
			goto fail;
		len++;
	}
	if (rc != SQLITE_DONE) {
		store_error(st, cause, "list DKIM keys");
		goto fail;
	}
	sqlite3_finalize(s);
	*out = v;
	*n = len;
	return 0;
fail:
	sqlite3_finalize(s);
	while (len > 0)
		dkim_key_free(&v[--len]);
	free(v);
	return -1;
}

/* One key: 0 found, 1 not found, -1 error. */
int
store_dkim_get(struct store *st, const char *domain, const char *selector,
    struct dkim_key *k, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "SELECT " DKIM_KEY_COLUMNS " FROM dkim_keys"
	    " WHERE domain = ?1 AND selector = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, selector, -1, SQLITE_STATIC);
	return store_one(st, s, store_dkim_row, k, "find DKIM key", cause);
}

/* Mark a key as signing (or not), by the operator's choice: it no longer
 * waits for its record. 0 done, 1 no such key, -1 error. */
int
store_dkim_set_active(struct store *st, const char *domain,
    const char *selector, int active, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE dkim_keys SET active = ?3, pending = 0"
	    " WHERE domain = ?1 AND selector = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, selector, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, active != 0);
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(store_db(st)) == 0 ? 1 : 0;
}

/* The record of a pending key was seen published and matching: it signs
 * from now on. 0 activated, 1 it was not pending (or is gone), -1 error. */
int
store_dkim_published(struct store *st, const char *domain,
    const char *selector, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE dkim_keys SET active = 1, pending = 0"
	    " WHERE domain = ?1 AND selector = ?2 AND pending = 1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, selector, -1, SQLITE_STATIC);
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(store_db(st)) == 0 ? 1 : 0;
}
