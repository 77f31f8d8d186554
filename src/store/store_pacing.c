/* Each provider's pace during a send (store_pacing.h). */
#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_pacing.h"

int
store_pacing_clear(struct store *st, int64_t send_id, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "DELETE FROM send_pacing WHERE send_id = ?1",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send_id);
	return store_run(st, s, cause);
}

int
store_pacing_put(struct store *st, int64_t send_id,
    const struct pacing_row *r, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT OR REPLACE INTO send_pacing (send_id,"
	    " provider, state, sessions, max_sessions, per_minute, next_try,"
	    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send_id);
	sqlite3_bind_text(s, 2, r->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, r->sessions);
	sqlite3_bind_int(s, 5, r->max_sessions);
	sqlite3_bind_int(s, 6, r->per_minute);
	sqlite3_bind_int64(s, 7, r->next_try);
	sqlite3_bind_int64(s, 8, r->updated_at);
	return store_run(st, s, cause);
}

int
store_pacing_list(struct store *st, int64_t send_id, store_pacing_cb cb,
    void *arg, char **cause)
{
	sqlite3_stmt		*s;
	struct pacing_row	 r;
	int			 rc;

	s = store_prepare(st, "SELECT provider, state, sessions,"
	    " max_sessions, per_minute, next_try, updated_at FROM send_pacing"
	    " WHERE send_id = ?1 ORDER BY state <> 'throttled', provider",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.provider = store_text(s, 0);
		r.state = store_text(s, 1);
		r.sessions = sqlite3_column_int(s, 2);
		r.max_sessions = sqlite3_column_int(s, 3);
		r.per_minute = sqlite3_column_int(s, 4);
		r.next_try = sqlite3_column_int64(s, 5);
		r.updated_at = sqlite3_column_int64(s, 6);
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "send_pacing");
	return 0;
}
