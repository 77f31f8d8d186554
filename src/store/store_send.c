/*
 * The store's sends: the settings a send was started with, its recipients
 * (a snapshot of the list taken when it was queued) and the event stream
 * the console and `send --follow` tail by id.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "send/types.h"
#include "store.h"
#include "store_feedback.h"
#include "store_int.h"
#include "base/i18n.h"
#include "base/util.h"

#define SEND_SETTINGS_COLUMNS /* NT(): SQL */ \
	"tls_policy, relay, relay_user, relay_password_file, helo,"	\
	" source_ip, resolver, dns_timeout, dns_retries, smtp_port,"	\
	" ca_file, envelope_from, unsubscribe_url, concurrency,"	\
	" per_domain, rate, per_connection, retry_first, retry_giveup,"	\
	" smtp_timeouts"

/* Event rows with their recipient, for store_send_event_rows. */
#define SEND_EVENTS_SELECT /* NT(): SQL */ \
	"SELECT e.id, e.rcpt_id, r.addr, r.domain, e.at, e.state, e.mx, e.ip,"	\
	" e.tls_version, e.tls_cipher, e.tls_verify, e.tls_dane, e.code,"	\
	" e.enhanced, e.reply, e.attempts, e.next_at, e.class, e.reason,"	\
	" e.tls_policy FROM send_events e JOIN recipients r ON r.id = e.rcpt_id"

/* The columns an event or report row is read from, in this order. */
#define SEND_EVENT_COLUMNS /* NT(): SQL */ \
	"state, mx, ip, tls_version, tls_cipher, tls_verify, tls_dane,"	\
	" code, enhanced, reply, attempts, next_at, class, reason,"	\
	" tls_policy"

/*
 * The words of the recipient states. They are the store's: the
 * recipients and send_events rows keep them (and SQL here names them), and
 * the CLI and the console print the same words.
 */
static const char *const rcpt_state_names[RCPT_NSTATES] = {
	[RCPT_QUEUED] = "queued",
	[RCPT_CONNECTING] = "connecting",
	[RCPT_SENT_DATA] = "sent-data",
	[RCPT_DELIVERED] = "delivered",
	[RCPT_DEFERRED] = "deferred",
	[RCPT_BOUNCED] = "bounced",
	[RCPT_UNKNOWN] = "unknown",
};

/* The name of a recipient state. */
const char *
rcpt_state_name(enum rcpt_state s)
{
	if ((unsigned int)s >= RCPT_NSTATES)
		return "?";
	return rcpt_state_names[s];
}

/* Parse a recipient state's name. */
int
rcpt_state_parse(const char *s, enum rcpt_state *out)
{
	int	i;

	for (i = 0; i < RCPT_NSTATES; i++)
		if (strcmp(s, rcpt_state_names[i]) == 0) {
			*out = (enum rcpt_state)i;
			return 0;
		}
	return -1;
}

/* Bind settings to ?2 .. ?21 in SEND_SETTINGS_COLUMNS order. */
static void
store_send_bind_settings(sqlite3_stmt *s, const struct send_settings *set)
{
	const struct send_limits	*l = &set->limits;

	sqlite3_bind_text(s, 2, tls_policy_name(set->policy), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 3, set->relay, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, set->relay_user, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, set->relay_password_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, set->helo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, set->source_ip, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, set->resolver, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, set->dns_timeout);
	sqlite3_bind_int(s, 10, set->dns_retries);
	sqlite3_bind_int(s, 11, set->smtp_port);
	sqlite3_bind_text(s, 12, set->ca_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, set->envelope_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 14, set->unsubscribe_url, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 15, l->concurrency);
	sqlite3_bind_int(s, 16, l->per_domain);
	sqlite3_bind_int(s, 17, l->rate);
	sqlite3_bind_int(s, 18, l->per_connection);
	sqlite3_bind_int64(s, 19, l->retry_first);
	sqlite3_bind_int64(s, 20, l->retry_giveup);
	sqlite3_bind_text(s, 21, set->smtp_timeouts, -1, SQLITE_STATIC);
}

/*
 * Ready a connection that only records recipients' changes (the engine's
 * committer): their send and recipient rows exist, since the engine took
 * them up, so the foreign keys of every event row need not be looked up.
 */
int
store_send_writer(struct store *st, char **cause)
{
	return store_exec(st, "PRAGMA foreign_keys = OFF", cause);
}

/* Record a new send. */
int
store_send_create(struct store *st, int64_t id,
    const struct send_settings *set, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 now = (int64_t)time(NULL);

	/* NT: SQL */
	s = store_prepare(st, "INSERT INTO sends (id, " SEND_SETTINGS_COLUMNS
	    ", created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22, ?22) ON CONFLICT (id) DO NOTHING", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_send_bind_settings(s, set);
	sqlite3_bind_int64(s, 22, now);
	if (store_run(st, s, cause) == -1)
		return -1;
	return sqlite3_changes(store_db(st)) == 1 ? 0 : 1;
}

/* Snapshot one member as a queued recipient. */
int
store_send_add_rcpt(struct store *st, int64_t id, const char *addr,
    const char *name, const char *attrs, const char *domain,
    const char *token, char **cause)
{
	static const char	 sql[] = "INSERT INTO recipients (send_id, addr,"
	    " name, attrs, domain, token, updated_at) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7)";
	sqlite3_stmt		*s;

	if ((s = store_cached(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name != NULL ? name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, attrs != NULL ? attrs : "{}", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 5, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (int64_t)time(NULL));
	return store_run_kept(st, s, cause);
}

/* Fill a send_info (arg) from a row of store_send_get. */
static int
store_send_row(struct store *st, sqlite3_stmt *s, void *arg, char **cause)
{
	struct send_info	*info = arg;
	struct send_settings	*set = &info->set;
	struct send_limits	*l = &set->limits;

	(void)st;
	(void)cause;
	/* The limits a sends row does not keep are the defaults. */
	*l = (struct send_limits)SEND_LIMITS_DEFAULT;
	if (tls_policy_parse(store_text(s, 0), &set->policy) == -1)
		set->policy = TLS_POLICY_MAY;
	set->relay = xstrdup(store_text(s, 1));
	set->relay_user = xstrdup(store_text(s, 2));
	set->relay_password_file = xstrdup(store_text(s, 3));
	set->helo = xstrdup(store_text(s, 4));
	set->source_ip = xstrdup(store_text(s, 5));
	set->resolver = xstrdup(store_text(s, 6));
	set->dns_timeout = sqlite3_column_int(s, 7);
	set->dns_retries = sqlite3_column_int(s, 8);
	set->smtp_port = sqlite3_column_int(s, 9);
	set->ca_file = xstrdup(store_text(s, 10));
	set->envelope_from = xstrdup(store_text(s, 11));
	set->unsubscribe_url = xstrdup(store_text(s, 12));
	set->smtp_timeouts = xstrdup(store_text(s, 19));
	l->concurrency = sqlite3_column_int(s, 13);
	l->per_domain = sqlite3_column_int(s, 14);
	l->rate = sqlite3_column_int(s, 15);
	l->per_connection = sqlite3_column_int(s, 16);
	l->retry_first = sqlite3_column_int64(s, 17);
	l->retry_giveup = sqlite3_column_int64(s, 18);
	info->id = sqlite3_column_int64(s, 20);
	info->created_at = sqlite3_column_int64(s, 21);
	info->updated_at = sqlite3_column_int64(s, 22);
	info->finished_at = sqlite3_column_int64(s, 23);
	info->paused = sqlite3_column_int(s, 24);
	info->engine_pid = sqlite3_column_int64(s, 25);
	info->engine_at = sqlite3_column_int64(s, 26);
	return 0;
}

/* Load a send. */
int
store_send_get(struct store *st, int64_t id, struct send_info *info,
    char **cause)
{
	sqlite3_stmt	*s;

	memset(info, 0, sizeof *info);
	/* NT: SQL */
	s = store_prepare(st, "SELECT " SEND_SETTINGS_COLUMNS ", id,"
	    " created_at, updated_at, finished_at, paused, engine_pid,"
	    " engine_at FROM sends WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_one(st, s, store_send_row, info, "sends", cause);
}

/* Every send's id, newest first. */
int
store_send_ids(struct store *st, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	int		 rc;

	*ids = NULL;
	*n = 0;
	s = store_prepare(st, "SELECT id FROM sends ORDER BY created_at DESC,"
	    " id DESC", cause);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return store_error(st, cause, "sends");
	}
	return 0;
}

/* Replace a send's settings. */
int
store_send_set_settings(struct store *st, int64_t id,
    const struct send_settings *set, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "UPDATE sends SET (" SEND_SETTINGS_COLUMNS
	    ", updated_at) = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22) WHERE id = ?1",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_send_bind_settings(s, set);
	sqlite3_bind_int64(s, 22, (int64_t)time(NULL));
	return store_run(st, s, cause);
}

/* Set one integer column of a send (a fixed name, never from outside). */
static int
store_send_set_int(struct store *st, int64_t id, const char *sql,
    int64_t v, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, v);
	sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
	return store_run(st, s, cause);
}

/* Ask for a pause, or clear it. */
int
store_send_set_paused(struct store *st, int64_t id, int paused, char **cause)
{
	return store_send_set_int(st, id, "UPDATE sends SET paused = ?2,"
	    " updated_at = ?3 WHERE id = ?1", paused != 0, cause);
}

/* Has a pause been asked for? */
int
store_send_paused(struct store *st, int64_t id, int *paused, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 v = 0;
	int		 rc;

	s = store_prepare(st, "SELECT paused FROM sends WHERE id = ?1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_one_int(st, s, &v, "sends", cause);
	*paused = (int)v;
	return rc == -1 ? -1 : 0;
}

/* Note the engine working on a send. */
int
store_send_set_engine(struct store *st, int64_t id, int64_t pid, char **cause)
{
	return store_send_set_int(st, id, "UPDATE sends SET engine_pid = ?2,"
	    " engine_at = ?3, updated_at = ?3, finished_at = 0 WHERE id = ?1",
	    pid, cause);
}

/* Note when a send finished. */
int
store_send_set_finished(struct store *st, int64_t id, int64_t at,
    char **cause)
{
	return store_send_set_int(st, id, "UPDATE sends SET finished_at = ?2,"
	    " updated_at = ?3 WHERE id = ?1", at, cause);
}

/* Count a send's recipients by state. */
int
store_send_counts(struct store *st, int64_t id, struct send_counts *c,
    char **cause)
{
	sqlite3_stmt	*s;
	enum rcpt_state	 state;
	int		 rc;

	memset(c, 0, sizeof *c);
	s = store_prepare(st, "SELECT state, count(*), min(next_at) FROM"
	    " recipients WHERE send_id = ?1 GROUP BY state", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (rcpt_state_parse(store_text(s, 0), &state) == -1)
			continue;
		c->n[state] = sqlite3_column_int64(s, 1);
		c->total += c->n[state];
		if (state == RCPT_DEFERRED)
			c->next_at = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "recipients");
	return 0;
}

/* Mark the rows to move (?1 send, ?2 from, ?3 now, ?4 reply or NULL):
 * the reply, when given, replaces the latest one. */
#define STORE_MOVE_REPLACE						\
	"UPDATE recipients SET state = 'moving', updated_at = ?3,"	\
	" next_at = 0, reply = coalesce(?4, reply), code = CASE WHEN"	\
	" ?4 IS NULL THEN code ELSE 0 END, enhanced = CASE WHEN ?4 IS"	\
	" NULL THEN enhanced ELSE '' END, class = CASE WHEN ?4 IS NULL"	\
	" THEN class ELSE '' END, reason = CASE WHEN ?4 IS NULL THEN"	\
	" reason ELSE '' END WHERE send_id = ?1 AND state = ?2"
/* The same, the reply (?4) put before the latest one, whose code and
 * class are kept: a deferral given up is still what its reply said. */
#define STORE_MOVE_PREFIX /* NT(): SQL */ \
	"UPDATE recipients SET state = 'moving', updated_at = ?3,"	\
	" next_at = 0, reply = ?4 || reply, class = CASE class WHEN ''"	\
	" THEN 'soft' ELSE class END, reason = CASE reason WHEN '' THEN"	\
	" 'expired' ELSE reason END WHERE send_id = ?1 AND state = ?2"

/*
 * Move the recipients of send id in state from to state to (their rows
 * marked by mark, STORE_MOVE_*) with an event each, in one transaction:
 * through a state of their own, "moving", so that the events are written
 * for exactly the rows that moved. *n is how many.
 */
static int
store_send_move_with(struct store *st, int64_t id, const char *from,
    const char *to, const char *mark, const char *reply, int64_t *n,
    char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 now = (int64_t)time(NULL);

	*n = 0;
	if (store_begin(st, cause) == -1)
		return -1;
	s = store_prepare(st, mark, cause);
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (reply != NULL)
		sqlite3_bind_text(s, 4, reply, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	if (store_run(st, s, cause) == -1)
		goto fail;
	*n = sqlite3_changes(store_db(st));
	if (*n == 0) {
		store_rollback(st);
		return 0;
	}
	s = store_prepare(st, "INSERT INTO send_events (send_id, rcpt_id, at,"
	    " state, attempts, next_at, mx, ip, tls_version, tls_cipher,"
	    " tls_verify, tls_dane, code, enhanced, reply, class, reason)"
	    " SELECT send_id, id, updated_at, ?2, attempts, next_at, mx, ip,"
	    " tls_version, tls_cipher, tls_verify, tls_dane, code, enhanced,"
	    " reply, class, reason FROM recipients WHERE send_id = ?1 AND"
	    " state = 'moving' ORDER BY id", cause);
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	if (store_run(st, s, cause) == -1)
		goto fail;
	s = store_prepare(st, "UPDATE recipients SET state = ?2 WHERE"
	    " send_id = ?1 AND state = 'moving'", cause);
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	if (store_run(st, s, cause) == -1)
		goto fail;
	return store_commit(st, cause);
fail:
	store_rollback(st);
	*n = 0;
	return -1;
}

/* Move rows, reply (or NULL) replacing their latest one. */
static int
store_send_move(struct store *st, int64_t id, const char *from,
    const char *to, const char *reply, int64_t *n, char **cause)
{
	return store_send_move_with(st, id, from, to, STORE_MOVE_REPLACE,
	    reply, n, cause);
}

/* Put a send back in order after its engine stopped. */
int
store_send_recover(struct store *st, int64_t id, int64_t *requeued,
    int64_t *unknown, char **cause)
{
	if (store_send_move(st, id, "connecting", "queued", NULL, requeued,
	    cause) == -1)
		return -1;
	return store_send_move(st, id, "sent-data", "unknown", NT("the engine "
	    "stopped after handing the message to the server: it may have "
	    "been delivered (herald resume --retry-unknown sends it again)"),
	    unknown, cause);
}

/* Bounce every deferred recipient, why put before its last reply: the
 * operator gives up on them (herald finish). */
int
store_send_give_up(struct store *st, int64_t id, const char *why,
    int64_t *n, char **cause)
{
	return store_send_move_with(st, id, "deferred", "bounced",
	    STORE_MOVE_PREFIX, why, n, cause);
}

/* Queue every unknown recipient again: the operator's decision. */
int
store_send_retry_unknown(struct store *st, int64_t id, int64_t *n,
    char **cause)
{
	return store_send_move(st, id, "unknown", "queued", NULL, n, cause);
}

/* Recipients to take up. */
int
store_send_due(struct store *st, int64_t id, int64_t after, int64_t now,
    int deferred, int limit, store_rcpt_cb cb, void *arg, char **cause)
{
	sqlite3_stmt		*s;
	struct send_rcpt	 r;
	int			 rc;

	s = store_prepare(st, deferred ?
	    "SELECT id, addr, name, attrs, domain, token, state, attempts,"
	    " first_at FROM recipients WHERE send_id = ?1 AND state ="
	    " 'deferred' AND next_at <= ?3 AND id > ?2 ORDER BY id LIMIT ?4" :
	    "SELECT id, addr, name, attrs, domain, token, state, attempts,"
	    " first_at FROM recipients WHERE send_id = ?1 AND state ="
	    " 'queued' AND id > ?2 ORDER BY id LIMIT ?4", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, after);
	if (deferred)
		sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int(s, 4, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(s, 0);
		r.addr = store_text(s, 1);
		r.name = store_text(s, 2);
		r.attrs = store_text(s, 3);
		r.domain = store_text(s, 4);
		r.token = store_text(s, 5);
		if (rcpt_state_parse(store_text(s, 6), &r.state) == -1)
			r.state = RCPT_QUEUED;
		r.attempts = sqlite3_column_int(s, 7);
		r.first_at = sqlite3_column_int64(s, 8);
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "recipients");
	return 0;
}

/* The statements store_send_record uses, prepared once per call. */
enum {
	SR_UPDATE,		/* state and schedule only */
	SR_ATTEMPT,		/* and the attempt's columns */
	SR_EVENT,		/* copied from the row */
	SR_EVENT_ATTEMPT,	/* an attempt's: from the change itself */
	SR_SUPPRESS,
	SR_ADDR,
	SR_COUNT
};
static const char *const store_send_record_sql[SR_COUNT] = {
	[SR_UPDATE] =
	    "UPDATE recipients SET state = ?2, updated_at = ?3, attempts = ?4,"
	    " first_at = ?5, next_at = ?6 WHERE id = ?1",
	[SR_ATTEMPT] =
	    "UPDATE recipients SET state = ?2, updated_at = ?3, attempts = ?4,"
	    " first_at = ?5, next_at = ?6, mx = ?7, ip = ?8, tls_version = ?9,"
	    " tls_cipher = ?10, tls_bits = ?11, tls_verify = ?12, tls_dane ="
	    " ?13, tls_summary = ?14, peer_subject = ?15, peer_issuer = ?16,"
	    " code = ?17, enhanced = ?18, reply = ?19, stage = ?20,"
	    " class = ?21, reason = ?22, tls_policy = ?23 WHERE id = ?1",
	[SR_EVENT] =
	    "INSERT INTO send_events (send_id, rcpt_id, at, state, attempts,"
	    " next_at, mx, ip, tls_version, tls_cipher, tls_verify, tls_dane,"
	    " code, enhanced, reply, class, reason, tls_policy) SELECT"
	    " send_id, id, updated_at, state, attempts, next_at, mx, ip,"
	    " tls_version, tls_cipher, tls_verify, tls_dane, code, enhanced,"
	    " reply, class, reason, tls_policy FROM recipients WHERE id = ?1",
	[SR_EVENT_ATTEMPT] =
	    "INSERT INTO send_events (send_id, rcpt_id, at, state, attempts,"
	    " next_at, mx, ip, tls_version, tls_cipher, tls_verify, tls_dane,"
	    " code, enhanced, reply, class, reason, tls_policy) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	    " ?17, ?18)",
	/* A hard failure (reply_class.h): the address is suppressed, the
	 * reply kept as the detail. */
	[SR_SUPPRESS] =
	    "INSERT INTO suppressions (addr_lc, addr, reason, detail,"
	    " created_at) SELECT lower(addr), addr, 'bounce', ?2, ?3 FROM"
	    " recipients WHERE id = ?1 ON CONFLICT (addr_lc) DO NOTHING",
	/* A soft bounce is counted by address (store_fb_soft_bounce). */
	[SR_ADDR] =
	    "SELECT addr FROM recipients WHERE id = ?1",
};

/* Count a soft bounce of c's recipient in send id (and suppress it at
 * the limit). */
static int
store_send_soft(struct store *st, sqlite3_stmt *s, int64_t id,
    const struct send_change *c, char **cause)
{
	char	*addr, *detail;
	int	 rc, count, suppressed;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, c->rcpt_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? 0 : store_error(st, cause,
		    "recipients");
	}
	addr = xstrdup(store_text(s, 0));
	sqlite3_reset(s);
	detail = xprintf("%d%s%s %s", c->code, *c->enhanced != '\0' ? " " :
	    "", c->enhanced, c->reply);
	rc = store_fb_soft_bounce(st, addr, id, detail, c->soft_limit, c->at,
	    &count, &suppressed, cause);
	free(detail);
	free(addr);
	return rc;
}

/* Bind and run one change. */
static int
store_send_change(struct store *st, sqlite3_stmt **stmt, int64_t id,
    const struct send_change *c, char **cause)
{
	sqlite3_stmt	*s = stmt[c->attempt ? SR_ATTEMPT : SR_UPDATE];
	char		*detail;
	int		 rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, c->rcpt_id);
	sqlite3_bind_text(s, 2, rcpt_state_name(c->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, c->at);
	sqlite3_bind_int(s, 4, c->attempts);
	sqlite3_bind_int64(s, 5, c->first_at);
	sqlite3_bind_int64(s, 6, c->next_at);
	if (c->attempt) {
		sqlite3_bind_text(s, 7, c->mx, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, c->ip, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 9, c->tls.version, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 10, c->tls.cipher, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 11, c->tls.bits);
		sqlite3_bind_text(s, 12, c->tls.verify, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 13, c->tls.dane, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 14, c->tls.summary, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 15, c->tls.peer_subject, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 16, c->tls.peer_issuer, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 17, c->code);
		sqlite3_bind_text(s, 18, c->enhanced, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 19, c->reply, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 20, c->stage, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 21, c->cls, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 22, c->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 23, c->tls.policy, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_error(st, cause, "recipients");
	/* An attempt's event holds what the row was just given; any other
	 * keeps the last attempt's columns from the row. */
	s = stmt[c->attempt ? SR_EVENT_ATTEMPT : SR_EVENT];
	sqlite3_reset(s);
	if (c->attempt) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, c->rcpt_id);
		sqlite3_bind_int64(s, 3, c->at);
		sqlite3_bind_text(s, 4, rcpt_state_name(c->state), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 5, c->attempts);
		sqlite3_bind_int64(s, 6, c->next_at);
		sqlite3_bind_text(s, 7, c->mx, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, c->ip, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 9, c->tls.version, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 10, c->tls.cipher, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 11, c->tls.verify, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 12, c->tls.dane, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 13, c->code);
		sqlite3_bind_text(s, 14, c->enhanced, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 15, c->reply, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 16, c->cls, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 17, c->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 18, c->tls.policy, -1, SQLITE_STATIC);
	} else
		sqlite3_bind_int64(s, 1, c->rcpt_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_error(st, cause, "send_events");
	if (c->alert_provider[0] != '\0' && store_fb_alert(st, id,
	    c->alert_provider, c->reason, c->alert_text, c->at, cause) == -1)
		return -1;
	if (c->soft_limit > 0 && store_send_soft(st, stmt[SR_ADDR], id, c,
	    cause) == -1)
		return -1;
	if (!c->suppress)
		return 0;
	s = stmt[SR_SUPPRESS];
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, c->rcpt_id);
	detail = xprintf("%d%s%s %s", c->code, *c->enhanced != '\0' ? " " :
	    "", c->enhanced, c->reply);
	sqlite3_bind_text(s, 2, detail, -1, free);
	sqlite3_bind_int64(s, 3, c->at);
	rc = sqlite3_step(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "suppressions");
	return 0;
}

/* Apply a turn's state changes, with an event each, in one transaction. */
int
store_send_record(struct store *st, int64_t id, const struct send_change *c,
    size_t n, char **cause)
{
	sqlite3_stmt	*stmt[SR_COUNT];
	size_t		 i;
	int		 k, rc = -1;

	if (n == 0)
		return 0;
	for (k = 0; k < SR_COUNT; k++)
		if ((stmt[k] = store_cached(st, store_send_record_sql[k],
		    cause)) == NULL)
			return -1;
	if (store_begin(st, cause) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (store_send_change(st, stmt, id, &c[i], cause) == -1) {
			store_rollback(st);
			goto out;
		}
	/* A commit that failed leaves the transaction open: end it, so a
	 * retry starts afresh instead of failing on BEGIN. */
	if ((rc = store_commit(st, cause)) == -1)
		store_rollback(st);
out:
	for (k = 0; k < SR_COUNT; k++)
		sqlite3_reset(stmt[k]);
	return rc;
}

/* Fill an event from SEND_EVENT_COLUMNS starting at column col. */
static void
store_send_event_row(sqlite3_stmt *s, int col, struct send_event *e)
{
	if (rcpt_state_parse(store_text(s, col), &e->state) == -1)
		e->state = RCPT_QUEUED;
	e->mx = store_text(s, col + 1);
	e->ip = store_text(s, col + 2);
	e->tls_version = store_text(s, col + 3);
	e->tls_cipher = store_text(s, col + 4);
	e->tls_verify = store_text(s, col + 5);
	e->tls_dane = store_text(s, col + 6);
	e->code = sqlite3_column_int(s, col + 7);
	e->enhanced = store_text(s, col + 8);
	e->reply = store_text(s, col + 9);
	e->attempts = sqlite3_column_int(s, col + 10);
	e->next_at = sqlite3_column_int64(s, col + 11);
	e->cls = store_text(s, col + 12);
	e->reason = store_text(s, col + 13);
	e->tls_policy = store_text(s, col + 14);
}

/* Run a query of event rows (id, rcpt_id, rcpt, domain, at, then
 * SEND_EVENT_COLUMNS) through cb. */
static int
store_send_event_rows(struct store *st, sqlite3_stmt *s, store_event_cb cb,
    void *arg, char **cause)
{
	struct send_event	e;
	int			rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(s, 0);
		e.rcpt_id = sqlite3_column_int64(s, 1);
		e.rcpt = store_text(s, 2);
		e.domain = store_text(s, 3);
		e.at = sqlite3_column_int64(s, 4);
		store_send_event_row(s, 5, &e);
		/* store_send_rcpt's recipient row adds the certificate
		 * after SEND_EVENT_COLUMNS (15 from column 5). */
		if (sqlite3_column_count(s) > 21) {
			e.peer_subject = store_text(s, 20);
			e.peer_issuer = store_text(s, 21);
		}
		if (cb(&e, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, NT("send events"));
	return 0;
}

/* A send's events after an id. */
int
store_send_events(struct store *st, int64_t id, int64_t after, int limit,
    store_event_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, SEND_EVENTS_SELECT
	    " WHERE e.send_id = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit > 0 ? limit : -1);
	return store_send_event_rows(st, s, cb, arg, cause);
}

/* The id of a send's latest event. */
int
store_send_last_event(struct store *st, int64_t id, int64_t *last,
    char **cause)
{
	sqlite3_stmt	*s;

	*last = 0;
	s = store_prepare(st, "SELECT id FROM send_events WHERE send_id = ?1"
	    " ORDER BY id DESC LIMIT 1", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_one_int(st, s, last, NT("send events"), cause) == -1 ? -1 : 0;
}

/* Every recipient's latest state. */
int
store_send_rcpts(struct store *st, int64_t id, store_event_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt	*s;

	s = store_prepare(st, "SELECT id, id, addr, domain, updated_at, "
	    SEND_EVENT_COLUMNS " FROM recipients WHERE send_id = ?1"
	    " ORDER BY id", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_send_event_rows(st, s, cb, arg, cause);
}

/* One recipient: as it stands, with its latest attempt's certificate
 * (events 0), or its events in order (events 1); cb is not called when
 * the send has no such recipient. */
int
store_send_rcpt(struct store *st, int64_t id, int64_t rcpt_id, int events,
    store_event_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;

	/* NT: SQL */
	s = store_prepare(st, events ? SEND_EVENTS_SELECT
	    " WHERE e.send_id = ?1 AND e.rcpt_id = ?2 ORDER BY e.id" :
	    "SELECT id, id, addr, domain, updated_at, " SEND_EVENT_COLUMNS
	    ", peer_subject, peer_issuer FROM recipients"
	    " WHERE send_id = ?1 AND id = ?2", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, rcpt_id);
	return store_send_event_rows(st, s, cb, arg, cause);
}

/* TLS outcomes by destination domain. */
int
store_send_tls(struct store *st, int64_t id, store_tls_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_prepare(st, "SELECT domain, tls_verify, tls_dane, count(*)"
	    " FROM recipients WHERE send_id = ?1 AND tls_verify != ''"
	    " GROUP BY domain, tls_verify, tls_dane ORDER BY domain", cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(store_text(s, 0), store_text(s, 1), store_text(s, 2),
		    sqlite3_column_int64(s, 3), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "recipients");
	return 0;
}

/* Count a send's failed recipients by class and reason: the rows are
 * the store's, what each counts for is add's (send_classes_add). */
int
store_send_classes(struct store *st, int64_t id, struct send_classes *c,
    store_class_add add, char **cause)
{
	sqlite3_stmt	*s;
	enum rcpt_state	 state;
	int		 rc;

	memset(c, 0, sizeof *c);
	s = store_prepare(st, "SELECT state, class, reason, count(*) FROM"
	    " recipients WHERE send_id = ?1 AND state IN ('bounced',"
	    " 'deferred') GROUP BY state, class, reason ORDER BY min(id)",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (rcpt_state_parse(store_text(s, 0), &state) == 0)
			add(c, state, store_text(s, 1),
			    store_text(s, 2), sqlite3_column_int64(s, 3));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "recipients");
	return 0;
}
