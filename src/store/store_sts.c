/* The MTA-STS policy cache (store_sts.h). */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_sts.h"
#include "base/util.h"

void
sts_cache_row_free(struct sts_cache_row *r)
{
	free(r->domain);
	free(r->id);
	free(r->policy);
	memset(r, 0, sizeof *r);
}

int
store_sts_get(struct store *st, const char *domain, struct sts_cache_row *r,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(r, 0, sizeof *r);
	s = store_prepare(st, "SELECT domain, id, policy, fetched_at,"
	    " expires_at FROM sts_policies WHERE domain = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r->domain = xstrdup(store_text(s, 0));
		r->id = xstrdup(store_text(s, 1));
		r->policy = xstrdup(store_text(s, 2));
		r->fetched_at = sqlite3_column_int64(s, 3);
		r->expires_at = sqlite3_column_int64(s, 4);
		sqlite3_finalize(s);
		return 1;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return 0;
	}
	store_error(st, cause, "sts_policies");
	sqlite3_finalize(s);
	return -1;
}

int
store_sts_put(struct store *st, const struct sts_cache_row *r, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT OR REPLACE INTO sts_policies (domain,"
	    " id, policy, fetched_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, r->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->policy, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, r->fetched_at);
	sqlite3_bind_int64(s, 5, r->expires_at);
	return store_run(st, s, cause);
}
