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

int
store_tls_days(struct store *st, const char *domain, tls_day_fn fn,
    void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct tls_day	 d;
	int		 rc, stop = 0;

	s = store_prepare(st, "SELECT t.day, t.domain, t.ok, t.bad,"
	    " coalesce(r.report_id, ''), coalesce(r.sent_at, 0),"
	    " (SELECT count(*) FROM tlsrpt_deliveries d WHERE"
	    " d.report_id = r.id AND d.status = 'failed')"
	    " FROM (SELECT strftime('%Y-%m-%d', at, 'unixepoch') AS day,"
	    " domain, sum(result = 'success') AS ok,"
	    " sum(result != 'success') AS bad FROM tls_sessions"
	    " WHERE ?1 IS NULL OR domain = ?1 GROUP BY day, domain) t"
	    " LEFT JOIN tlsrpt_reports r ON r.domain = t.domain AND"
	    " r.day = t.day ORDER BY t.day, t.domain", cause);
	if (s == NULL)
		return -1;
	if (domain != NULL)
		sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		d.day = store_text(s, 0);
		d.domain = store_text(s, 1);
		d.success = sqlite3_column_int64(s, 2);
		d.failure = sqlite3_column_int64(s, 3);
		d.report_id = store_text(s, 4);
		d.sent_at = sqlite3_column_int64(s, 5);
		d.failed = sqlite3_column_int64(s, 6);
		stop = fn(&d, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(st, cause, "tls_sessions");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

int
store_tls_groups(struct store *st, const char *domain, int64_t from,
    int64_t to, tls_group_fn fn, void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct tls_group g;
	int		 rc, stop = 0;

	s = store_prepare(st, "SELECT policy_type, policy_string, mx_host,"
	    " mx_ip, sending_ip, result, detail, count(*) FROM tls_sessions"
	    " WHERE domain = ?1 AND at >= ?2 AND at < ?3 GROUP BY policy_type,"
	    " policy_string, mx_host, mx_ip, sending_ip, result, detail"
	    " ORDER BY policy_type, policy_string, mx_host, result != 'success',"
	    " result, sending_ip, mx_ip, detail", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		g.policy_type = store_text(s, 0);
		g.policy_string = store_text(s, 1);
		g.mx_host = store_text(s, 2);
		g.mx_ip = store_text(s, 3);
		g.sending_ip = store_text(s, 4);
		g.result = store_text(s, 5);
		g.detail = store_text(s, 6);
		g.count = sqlite3_column_int64(s, 7);
		stop = fn(&g, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(st, cause, "tls_sessions");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* The report row's two columns. */
struct tlsrpt_row {
	char	**report_id;
	int64_t	 *sent_at;
};

static int
store_tlsrpt_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct tlsrpt_row	*r = arg;

	(void)st;
	(void)cause;
	*r->report_id = xstrdup(store_text(s, 0));
	*r->sent_at = sqlite3_column_int64(s, 1);
	return 0;
}

int
store_tlsrpt_get(struct store *st, const char *domain, const char *day,
    char **report_id, int64_t *sent_at, char **cause)
{
	sqlite3_stmt		*s;
	struct tlsrpt_row	 r = { report_id, sent_at };

	*report_id = NULL;
	*sent_at = 0;
	s = store_prepare(st, "SELECT report_id, coalesce(sent_at, 0) FROM"
	    " tlsrpt_reports WHERE domain = ?1 AND day = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	return store_one(st, s, store_tlsrpt_row, &r, "tlsrpt_reports", cause);
}

int
store_tlsrpt_add(struct store *st, const char *domain, const char *day,
    const char *report_id, int64_t at, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT OR IGNORE INTO tlsrpt_reports (domain,"
	    " day, report_id, created_at) VALUES (?1, ?2, ?3, ?4)", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, report_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	return store_run(st, s, cause);
}

int
store_tlsrpt_uri_sent(struct store *st, const char *domain, const char *day,
    const char *uri, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 n = 0;

	s = store_prepare(st, "SELECT count(*) FROM tlsrpt_deliveries d JOIN"
	    " tlsrpt_reports r ON r.id = d.report_id WHERE r.domain = ?1 AND"
	    " r.day = ?2 AND d.uri = ?3 AND d.status = 'sent'", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, uri, -1, SQLITE_STATIC);
	if (store_one_int(st, s, &n, "tlsrpt_reports", cause) == -1)
		return -1;
	return n > 0;
}

int
store_tlsrpt_uri_set(struct store *st, const char *domain, const char *day,
    const char *uri, const char *status, const char *detail, int64_t at,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "INSERT OR REPLACE INTO tlsrpt_deliveries"
	    " (report_id, uri, status, detail, at) SELECT id, ?3, ?4, ?5, ?6"
	    " FROM tlsrpt_reports WHERE domain = ?1 AND day = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, uri, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	store_tls_text(s, 5, detail);
	sqlite3_bind_int64(s, 6, at);
	return store_run(st, s, cause);
}

int
store_tlsrpt_done(struct store *st, const char *domain, const char *day,
    int64_t at, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE tlsrpt_reports SET sent_at = ?3 WHERE"
	    " domain = ?1 AND day = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, at);
	return store_run(st, s, cause);
}
