/* A send's timing (store_timing.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_timing.h"
#include "base/util.h"

static int
store_timing_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct send_timing	*t = arg;

	(void)st;
	(void)cause;
	t->scheduled_at = sqlite3_column_int64(s, 0);
	snprintf(t->schedule, sizeof t->schedule, "%s", store_text(s, 1));
	t->held_reason = xstrdup(store_text(s, 2));
	t->window = xstrdup(store_text(s, 3));
	return 0;
}

int
store_timing_get(struct store *st, int64_t id, struct send_timing *t,
    char **cause)
{
	sqlite3_stmt	*s;

	memset(t, 0, sizeof *t);
	s = store_prepare(st, "SELECT scheduled_at, schedule, held_reason,"
	    " send_window FROM sends WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_one(st, s, store_timing_row, t, "sends", cause);
}

void
store_timing_free(struct send_timing *t)
{
	free(t->held_reason);
	free(t->window);
	t->held_reason = t->window = NULL;
}

int
store_timing_set(struct store *st, int64_t id, int64_t at,
    const char *window, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE sends SET scheduled_at = ?2, schedule ="
	    " CASE WHEN ?2 = 0 THEN '' ELSE 'scheduled' END, held_reason = '',"
	    " send_window = ?3, updated_at = ?4 WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, window != NULL ? window : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	return store_run(st, s, cause);
}

int
store_timing_state(struct store *st, int64_t id, const char *schedule,
    const char *reason, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE sends SET schedule = ?2, held_reason ="
	    " ?3, updated_at = ?4 WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, schedule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reason != NULL ? reason : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	return store_run(st, s, cause);
}

int
store_timing_move(struct store *st, int64_t id, const char *from,
    const char *to, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE sends SET schedule = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND schedule = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}
