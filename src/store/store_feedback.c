/*
 * What came back after a send: the audit trail (messages read, their
 * findings), the soft-bounce tally, the alerts against the sender and a
 * send's figures. See store_feedback.h.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_feedback.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

/* Bind an id, NULL for 0 (no message, no send). */
static void
bind_id(sqlite3_stmt *s, int col, int64_t id)
{
	if (id != 0)
		sqlite3_bind_int64(s, col, id);
	else
		sqlite3_bind_null(s, col);
}

static void
bind_str(sqlite3_stmt *s, int col, const char *v)
{
	sqlite3_bind_text(s, col, v != NULL ? v : "", -1, SQLITE_STATIC);
}

int
store_fb_message_find(struct store *st, const char *message_id,
    const char *sha256, int64_t *id, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT id FROM feedback_messages"
	    " WHERE message_id = ?1 AND sha256 = ?2", cause)) == NULL)
		return -1;
	bind_str(s, 1, message_id);
	bind_str(s, 2, sha256);
	return store_one_int(st, s, id, "feedback_messages", cause);
}

int
store_fb_message_add(struct store *st, const char *message_id,
    const char *sha256, const char *source, const char *error, int64_t at,
    int64_t *id, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO feedback_messages"
	    " (message_id, sha256, source, read_at, error) VALUES"
	    " (?1, ?2, ?3, ?4, ?5)", cause)) == NULL)
		return -1;
	bind_str(s, 1, message_id);
	bind_str(s, 2, sha256);
	bind_str(s, 3, source);
	sqlite3_bind_int64(s, 4, at);
	bind_str(s, 5, error);
	if (store_run(st, s, cause) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

int
store_fb_finding_add(struct store *st, const struct fb_finding *f,
    int64_t *id, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO feedback_findings (msg_id,"
	    " send_id, kind, rcpt, reason, class, status, code, action,"
	    " diagnostic, reporting_mta, message_id, source, why, at) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	    " ?15)", cause)) == NULL)
		return -1;
	bind_id(s, 1, f->msg_id);
	bind_id(s, 2, f->send_id);
	bind_str(s, 3, f->kind);
	bind_str(s, 4, f->rcpt);
	bind_str(s, 5, f->reason);
	bind_str(s, 6, f->cls);
	bind_str(s, 7, f->status);
	sqlite3_bind_int(s, 8, f->code);
	bind_str(s, 9, f->action);
	bind_str(s, 10, f->diagnostic);
	bind_str(s, 11, f->reporting_mta);
	bind_str(s, 12, f->message_id);
	bind_str(s, 13, f->source);
	bind_str(s, 14, f->why);
	sqlite3_bind_int64(s, 15, f->at);
	if (store_run(st, s, cause) == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

struct addr_send {
	char	**addr;
	int64_t	 *send;
};

static int
addr_send_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct addr_send	*as = arg;

	(void)st;
	(void)cause;
	*as->addr = xstrdup(store_text(s, 0));
	*as->send = sqlite3_column_int64(s, 1);
	return 0;
}

int
store_fb_token(struct store *st, const char *token, char **addr,
    int64_t *send, char **cause)
{
	sqlite3_stmt		*s;
	struct addr_send	 as = { addr, send };

	*addr = NULL;
	*send = 0;
	if ((s = store_prepare(st, "SELECT t.addr, s.id FROM unsub_tokens t"
	    " LEFT JOIN sends s ON s.id = t.issue_id WHERE t.token = ?1",
	    cause)) == NULL)
		return -1;
	bind_str(s, 1, token);
	return store_one(st, s, addr_send_row, &as, NT("unsubscribe token"),
	    cause);
}

int
store_fb_rcpt_send(struct store *st, const char *addr, int64_t *send,
    char **addr_sent, char **cause)
{
	sqlite3_stmt		*s;
	struct addr_send	 as = { addr_sent, send };

	*addr_sent = NULL;
	*send = 0;
	/* recipients_addr (addr COLLATE NOCASE, send_id) answers this
	 * from its last entry for the address. */
	if ((s = store_prepare(st, "SELECT addr, send_id FROM recipients"
	    " WHERE addr = ?1 COLLATE NOCASE ORDER BY send_id DESC LIMIT 1",
	    cause)) == NULL)
		return -1;
	bind_str(s, 1, addr);
	return store_one(st, s, addr_send_row, &as, "recipients", cause);
}

/* Kept prepared: the engine counts soft bounces in its turns too. */
static const char soft_insert_sql[] =
    "INSERT INTO soft_bounces (addr_lc, send_id, at, detail) VALUES"
    " (lower(?1), ?2, ?3, ?4) ON CONFLICT (addr_lc, send_id) DO NOTHING";
static const char soft_count_sql[] =
    "SELECT count(*) FROM soft_bounces WHERE addr_lc = lower(?1)";
static const char soft_suppress_sql[] =
    "INSERT INTO suppressions (addr_lc, addr, reason, detail, created_at)"
    " VALUES (lower(?1), ?1, 'bounce', ?2, ?3)"
    " ON CONFLICT (addr_lc) DO NOTHING";

int
store_fb_soft_bounce(struct store *st, const char *addr, int64_t send,
    const char *detail, int limit, int64_t at, int *count, int *suppressed,
    char **cause)
{
	sqlite3_stmt	*s;
	char		*why;
	int		 rc;

	*count = 0;
	*suppressed = 0;
	if ((s = store_cached(st, soft_insert_sql, cause)) == NULL)
		return -1;
	bind_str(s, 1, addr);
	sqlite3_bind_int64(s, 2, send);
	sqlite3_bind_int64(s, 3, at);
	bind_str(s, 4, detail);
	if (store_run_kept(st, s, cause) == -1)
		return -1;
	if ((s = store_cached(st, soft_count_sql, cause)) == NULL)
		return -1;
	bind_str(s, 1, addr);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_error(st, cause, "soft_bounces");
	if (limit <= 0 || *count < limit)
		return 0;
	if ((s = store_cached(st, soft_suppress_sql, cause)) == NULL)
		return -1;
	why = xprintf(NT("soft bounces in %d distinct sends (soft_bounce_limit "
	    "%d), the last: %s"), *count, limit, detail != NULL ? detail : "");
	bind_str(s, 1, addr);
	sqlite3_bind_text(s, 2, why, -1, free);
	sqlite3_bind_int64(s, 3, at);
	if (store_run_kept(st, s, cause) == -1)
		return -1;
	*suppressed = sqlite3_changes(store_db(st)) == 1;
	return 0;
}

static const char alert_sql[] =
    "INSERT INTO alerts (send_id, provider, reason, text, count, first_at,"
    " last_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)"
    " ON CONFLICT (send_id, provider, reason) DO UPDATE SET"
    " count = count + 1, text = ?4, last_at = max(last_at, ?5)";

int
store_fb_alert(struct store *st, int64_t send, const char *provider,
    const char *reason, const char *text, int64_t at, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_cached(st, alert_sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send);
	bind_str(s, 2, provider);
	bind_str(s, 3, reason);
	bind_str(s, 4, text);
	sqlite3_bind_int64(s, 5, at);
	return store_run_kept(st, s, cause);
}

#define FINDING_COLUMNS /* NT(): SQL */ \
	"id, coalesce(msg_id, 0), coalesce(send_id, 0), kind, rcpt,"	\
	" reason,"							\
	" class, status, code, action, diagnostic, reporting_mta,"	\
	" message_id, source, why, at"

static void
finding_row(sqlite3_stmt *s, struct fb_finding *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(s, 0);
	f->msg_id = sqlite3_column_int64(s, 1);
	f->send_id = sqlite3_column_int64(s, 2);
	f->kind = store_text(s, 3);
	f->rcpt = store_text(s, 4);
	f->reason = store_text(s, 5);
	f->cls = store_text(s, 6);
	f->status = store_text(s, 7);
	f->code = sqlite3_column_int(s, 8);
	f->action = store_text(s, 9);
	f->diagnostic = store_text(s, 10);
	f->reporting_mta = store_text(s, 11);
	f->message_id = store_text(s, 12);
	f->source = store_text(s, 13);
	f->why = store_text(s, 14);
	f->at = sqlite3_column_int64(s, 15);
}

/* Step s through cb, finalize it. */
static int
finding_rows(struct store *st, sqlite3_stmt *s, store_fb_finding_cb cb,
    void *arg, char **cause)
{
	struct fb_finding	f;
	int			rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		finding_row(s, &f);
		if (cb(&f, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "feedback_findings");
	return 0;
}

int
store_fb_findings(struct store *st, int64_t send, const char *kind,
    int64_t limit, store_fb_finding_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT " FINDING_COLUMNS
	    " FROM feedback_findings WHERE (?1 = 0 OR send_id = ?1)"
	    " AND (?2 IS NULL OR kind = ?2) ORDER BY id DESC LIMIT ?3",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send);
	if (kind != NULL)
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	return finding_rows(st, s, cb, arg, cause);
}

struct message_arg {
	store_fb_message_cb	 cb;
	void			*arg;
};

static int
message_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct message_arg	*ma = arg;
	struct fb_message	 m;

	(void)st;
	(void)cause;
	memset(&m, 0, sizeof m);
	m.id = sqlite3_column_int64(s, 0);
	m.message_id = store_text(s, 1);
	m.sha256 = store_text(s, 2);
	m.source = store_text(s, 3);
	m.read_at = sqlite3_column_int64(s, 4);
	m.error = store_text(s, 5);
	ma->cb(&m, ma->arg);
	return 0;
}

int
store_fb_message(struct store *st, int64_t id, store_fb_message_cb mcb,
    store_fb_finding_cb fcb, void *arg, char **cause)
{
	sqlite3_stmt		*s;
	struct message_arg	 ma = { mcb, arg };
	int			 rc;

	if ((s = store_prepare(st, "SELECT id, message_id, sha256, source,"
	    " read_at, error FROM feedback_messages WHERE id = ?1",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_one(st, s, message_row, &ma, "feedback_messages",
	    cause)) != 0)
		return rc;
	if ((s = store_prepare(st, "SELECT " FINDING_COLUMNS
	    " FROM feedback_findings WHERE msg_id = ?1 ORDER BY id",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return finding_rows(st, s, fcb, arg, cause);
}

int
store_fb_finding(struct store *st, int64_t id, store_fb_finding_cb cb,
    void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct fb_finding f;
	int		 rc;

	if ((s = store_prepare(st, "SELECT " FINDING_COLUMNS
	    " FROM feedback_findings WHERE id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		finding_row(s, &f);
		cb(&f, arg);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 1;
	else
		rc = store_error(st, cause, "feedback_findings");
	sqlite3_finalize(s);
	return rc;
}

int
store_fb_alerts(struct store *st, int64_t send, int64_t since,
    store_fb_alert_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct fb_alert	 a;
	int		 rc;

	if ((s = store_prepare(st, "SELECT send_id, provider, reason, text,"
	    " count, first_at, last_at FROM alerts WHERE"
	    " (?1 <> 0 AND send_id = ?1) OR (?1 = 0 AND last_at >= ?2)"
	    " ORDER BY last_at DESC, id DESC", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send);
	sqlite3_bind_int64(s, 2, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a.send_id = sqlite3_column_int64(s, 0);
		a.provider = store_text(s, 1);
		a.reason = store_text(s, 2);
		a.text = store_text(s, 3);
		a.count = sqlite3_column_int64(s, 4);
		a.first_at = sqlite3_column_int64(s, 5);
		a.last_at = sqlite3_column_int64(s, 6);
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "alerts");
	return 0;
}

static int
stats_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct fb_stats	*fs = arg;

	(void)st;
	(void)cause;
	fs->hard = sqlite3_column_int64(s, 0);
	fs->soft = sqlite3_column_int64(s, 1);
	fs->complaints = sqlite3_column_int64(s, 2);
	fs->unsubscribes = sqlite3_column_int64(s, 3);
	fs->auto_replies = sqlite3_column_int64(s, 4);
	fs->unknown = sqlite3_column_int64(s, 5);
	fs->delivered = sqlite3_column_int64(s, 6);
	return 0;
}

/*
 * Each address counts once per figure: a recipient refused during the
 * send and reported again by a DSN is one bounce. Bounces of both kinds
 * are the send's bounced recipients by class and the bounces reported
 * later; a delay notice is not a bounce (the MTA is still trying).
 */
int
store_fb_stats(struct store *st, int64_t send, struct fb_stats *fs,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(fs, 0, sizeof *fs);
	if ((s = store_prepare(st,
	    "WITH f AS (SELECT kind, class, lower(rcpt) AS a"
	    "  FROM feedback_findings WHERE send_id = ?1),"
	    " r AS (SELECT state, class, lower(addr) AS a FROM recipients"
	    "  WHERE send_id = ?1 AND state IN ('bounced', 'delivered'))"
	    " SELECT"
	    " (SELECT count(*) FROM (SELECT a FROM r WHERE state = 'bounced'"
	    "  AND class = 'hard' UNION SELECT a FROM f WHERE kind = 'bounce'"
	    "  AND class = 'hard')),"
	    " (SELECT count(*) FROM (SELECT a FROM r WHERE state = 'bounced'"
	    "  AND class = 'soft' UNION SELECT a FROM f WHERE kind = 'bounce'"
	    "  AND class = 'soft')),"
	    " (SELECT count(DISTINCT a) FROM f WHERE kind = 'complaint'),"
	    " (SELECT count(DISTINCT a) FROM f WHERE kind = 'unsubscribe'),"
	    " (SELECT count(*) FROM f WHERE kind = 'auto-reply'),"
	    " (SELECT count(*) FROM f WHERE kind = 'unknown'),"
	    " (SELECT count(*) FROM r WHERE state = 'delivered')",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, send);
	rc = store_one(st, s, stats_row, fs, NT("feedback figures"), cause);
	return rc == 1 ? 0 : rc;
}
