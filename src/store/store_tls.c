/* The TLS outcome of SMTP sessions, for TLS reports (store_tls.h). */
#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_tls.h"
#include "base/util.h"

/* NULL binds as '' so the NOT NULL columns take it. */
static void
store_tls_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v != NULL ? v : "", -1, SQLITE_STATIC);
}

int
store_tls_session_add(struct store *st, const struct tls_session_rec *r,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT INTO tls_sessions (send_id, at, domain,"
	    " policy_type, policy_string, mx_host, mx_ip, sending_ip, result,"
	    " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", cause);
	if (s == NULL)
		return -1;
	if (r->send_id != 0)
		sqlite3_bind_int64(s, 1, r->send_id);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_int64(s, 2, r->at);
	store_tls_text(s, 3, r->domain);
	store_tls_text(s, 4, r->policy_type);
	sqlite3_bind_text(s, 5, r->policy_string != NULL ? r->policy_string :
	    "[]", -1, SQLITE_STATIC);
	store_tls_text(s, 6, r->mx_host);
	store_tls_text(s, 7, r->mx_ip);
	store_tls_text(s, 8, r->sending_ip);
	store_tls_text(s, 9, r->result);
	store_tls_text(s, 10, r->detail);
	return store_run(st, s, cause);
}
