/*
 * What fetching the feedback mailbox keeps (src/feedback/fetch.c): the
 * POP3 messages already handled, by account and UIDL (POP3 has no flag to
 * set on the server, and herald never deletes), and whether a send is
 * recent enough for the watch to go on fetching.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

/* Has account's message uidl been handled? 1, 0, or -1 with *cause. */
int
store_fetch_seen(struct store *st, const char *account, const char *uidl,
    char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 n = 0;

	s = store_prepare(st, "SELECT count(*) FROM feedback_fetched WHERE "
	    "account = ?1 AND uidl = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, uidl, -1, SQLITE_STATIC);
	if (store_one_int(st, s, &n, NT("fetched messages"), cause) == -1)
		return -1;
	return n > 0;
}

/* Keep account's message uidl as handled. 0 or -1 with *cause. */
int
store_fetch_mark(struct store *st, const char *account, const char *uidl,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT OR IGNORE INTO feedback_fetched "
	    "(account, uidl, at) VALUES (?1, ?2, ?3)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, uidl, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
	return store_run(st, s, cause);
}

/* How many sends are running (not finished, not paused) or finished at
 * or after since. 0 with *n, or -1 with *cause. */
int
store_fetch_watching(struct store *st, int64_t since, int64_t *n,
    char **cause)
{
	sqlite3_stmt	*s;

	*n = 0;
	s = store_prepare(st, "SELECT count(*) FROM sends WHERE (finished_at "
	    "= 0 AND paused = 0) OR finished_at >= ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	return store_one_int(st, s, n, "sends", cause) == -1 ? -1 : 0;
}
