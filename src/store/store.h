/*
 * The database: every SQL statement of herald lives in src/store (and the
 * schema and migrations in db/).
 *
 * src/store holds store.c (the connection, migrations, transactions,
 * lists, contacts, suppressions), store_issue.c (issues, meta, unsubscribe
 * tokens), store_dkim.c (DKIM key rows) and store_send.c (sends, their
 * recipients and events); store_int.h is what those files share (the
 * one-row query store_one among it), dbsql.h the SQL compiled in from db/.
 *
 * It may use src/base and the type headers of the folders above it
 * (send/types.h, mail/issue_types.h, auth/dkim_types.h, smtp/tls_types.h):
 * it keeps their rows and calls none of their code, so that everything
 * else can sit on it. What it needs of the send subsystem's logic is
 * handed in (store_send_classes takes send_classes_add). It owns the words
 * it writes in SQL of its own, the recipient states (rcpt_state_name).
 *
 * store_open() creates the file mode 0600 in a 0700 directory, turns on WAL,
 * foreign keys and a busy timeout, creates or migrates the schema (in one
 * transaction) and refuses a database written by a newer herald.
 *
 * Functions return 0 on success and -1 with an allocated *cause on failure,
 * unless said otherwise.
 */
#ifndef HERALD_STORE_H
#define HERALD_STORE_H

#include <stdint.h>

#include "send/types.h"		/* store_class_add, rcpt_state_name */

struct store;

/* The schema version this build writes. */
int	 store_version(void);
/* Returns 0, -1 when the file cannot be created or opened, or -2 when it
 * is not a database this herald can use (not herald's, or newer). */
int	 store_open(const char *path, struct store **, char **cause);
void	 store_close(struct store *);
const char *store_path(const struct store *);
/* The version of the open database (after migration: store_version()). */
int	 store_db_version(struct store *);

/* Transactions (not nested). */
int	 store_begin(struct store *, char **cause);
/* A transaction for a bulk load into one list: see store.c. */
int	 store_begin_bulk(struct store *, char **cause);
int	 store_commit(struct store *, char **cause);
void	 store_rollback(struct store *);

/* ---- lists ---- */

struct list_info {
	int64_t		 id;
	char		*name;
	int64_t		 created_at;
	int64_t		 members;
	int64_t		 suppressed;	/* members whose address is suppressed */
};

/* 0 found (*id set), 1 not found, -1 error. */
int	 store_list_find(struct store *, const char *name, int64_t *id,
	    char **cause);
int	 store_list_create(struct store *, const char *name, int64_t *id,
	    char **cause);
/* All lists by name; free with store_lists_free. */
int	 store_lists(struct store *, struct list_info **, size_t *,
	    char **cause);
/* One list's info (0 found, 1 not found, -1 error); free name. */
int	 store_list_info(struct store *, const char *name, struct list_info *,
	    char **cause);
void	 store_lists_free(struct list_info *, size_t);
/* Remove a list and its members. 0 removed, 1 not found, -1 error. */
int	 store_list_remove(struct store *, const char *name, char **cause);
/* Attribute names used by the list's members, in first-seen order. */
int	 store_list_attr_names(struct store *, int64_t list, char ***names,
	    size_t *n, char **cause);

/* ---- imports and contacts ---- */

/* Record the start of an import (inside the caller's transaction). */
int	 store_import_begin(struct store *, int64_t list, const char *source,
	    int64_t *import_id, char **cause);
int	 store_import_finish(struct store *, int64_t import_id, uint64_t rows,
	    uint64_t imported, uint64_t updated, uint64_t duplicates,
	    uint64_t invalid, uint64_t suppressed, char **cause);

enum store_put {
	STORE_PUT_NEW,		/* added to the list */
	STORE_PUT_UPDATED,	/* was on the list before this import: updated */
	STORE_PUT_DUPLICATE,	/* already written by this import: unchanged */
};
/*
 * Add or update one contact of list by import import_id from source line
 * line. addr is normalised; attrs is a JSON object ("{}" when none). For a
 * duplicate, *first_line is the line that wrote it first.
 */
int	 store_contact_put(struct store *, int64_t list, int64_t import_id,
	    uint64_t line, const char *addr, const char *name,
	    const char *attrs, enum store_put *, uint64_t *first_line,
	    char **cause);
/*
 * The same, writing to kept[keptlen] the address as the list spells it: a
 * member whose address differs only in the letter case of its local part
 * is the same member (RFC 5321 allows case-sensitive local parts, virtually
 * no provider has them) and keeps the spelling it was first written with,
 * unless store_set_case_strict() was called with 1 (config local_part_case
 * = strict). Domains are lower-cased by addr_normalise() already.
 */
int	 store_contact_put_kept(struct store *, int64_t list,
	    int64_t import_id, uint64_t line, const char *addr,
	    const char *name, const char *attrs, enum store_put *,
	    uint64_t *first_line, char *kept, size_t keptlen, char **cause);
/* Compare local parts exactly (1) or ignoring ASCII letter case (0, the
 * default): for imports and for the members a send queues. */
void	 store_set_case_strict(struct store *, int strict);
int	 store_case_strict(const struct store *);

struct contact {
	const char	*addr;
	const char	*name;
	const char	*attrs;		/* JSON object */
	int		 suppressed;
};
/* Called per contact; return non-zero to stop. Pointers valid in the call. */
typedef int (*store_contact_cb)(const struct contact *, void *arg);
/*
 * Members of list in address order. filter (may be NULL) matches a substring
 * of address or name, case-insensitively. offset/limit page (limit 0 = all).
 */
int	 store_contacts(struct store *, int64_t list, const char *filter,
	    int64_t offset, int64_t limit, store_contact_cb, void *arg,
	    char **cause);
int	 store_contacts_count(struct store *, int64_t list, const char *filter,
	    int64_t *count, char **cause);
/*
 * The members a send goes to, in address order. Unless case is strict, a
 * member whose address another member spells with other letter case (a
 * database from before that rule) is left out: the one written first is
 * kept, so nobody gets two copies.
 */
int	 store_contacts_to_send(struct store *, int64_t list,
	    store_contact_cb, void *arg, char **cause);

/* A copy of one member. */
struct member {
	char	*addr, *name, *attrs;
	int	 suppressed;
};
/* A member of list by address: the exact address, else one differing only
 * in letter case. 0 found (*m filled; free with store_member_free), 1 not
 * found, -1 error. */
int	 store_member_find(struct store *, int64_t list, const char *addr,
	    struct member *m, char **cause);
void	 store_member_free(struct member *);

/* ---- suppressions ---- */

/* 1 if addr (any case) is suppressed, 0 if not, -1 on error. */
int	 store_is_suppressed(struct store *, const char *addr, char **cause);
/* Add; *added is 0 if it was already there. */
int	 store_suppress_add(struct store *, const char *addr, const char *reason,
	    const char *detail, int *added, char **cause);
struct suppression {
	const char	*addr;
	const char	*reason;
	const char	*detail;
	int64_t		 created_at;
};
typedef int (*store_suppression_cb)(const struct suppression *, void *arg);
int	 store_suppressions(struct store *, store_suppression_cb, void *arg,
	    char **cause);

/* ---- DKIM keys (store_dkim.c) ---- */

struct dkim_key;
/* Record a new key; *id set. Fails if domain/selector exists. */
int	 store_dkim_add(struct store *, const struct dkim_key *, int64_t *id,
	    char **cause);
/* Keys of domain (NULL: every domain) by domain and selector; free each
 * with dkim_key_free, then the array. */
int	 store_dkim_keys(struct store *, const char *domain,
	    struct dkim_key **, size_t *, char **cause);
/* 0 found, 1 not found, -1 error; free with dkim_key_free. */
int	 store_dkim_get(struct store *, const char *domain,
	    const char *selector, struct dkim_key *, char **cause);
/* The operator's choice (it ends a wait for publication): 0 done, 1 no
 * such key, -1 error. */
int	 store_dkim_set_active(struct store *, const char *domain,
	    const char *selector, int active, char **cause);
/* A pending key's record was seen published: activate it. 0 activated,
 * 1 it was not pending, -1 error. */
int	 store_dkim_published(struct store *, const char *domain,
	    const char *selector, char **cause);

/* ---- issues, meta and unsubscribe tokens (store_issue.c) ---- */

struct issue;
/* Save a new issue; sets its id and times. */
int	 store_issue_add(struct store *, struct issue *, char **cause);
/* Save an issue's fields; refused (-1) while it has an unfinished send. */
int	 store_issue_update(struct store *, struct issue *, char **cause);
/* 0 found, 1 not found, -1 error; free with issue_free. */
int	 store_issue_get(struct store *, int64_t id, struct issue *,
	    char **cause);
/* The issue as its send sends it: the send's own copy of the text (taken
 * when it started) when the issue has a send, else as stored. */
int	 store_issue_sent(struct store *, int64_t id, struct issue *,
	    char **cause);
/* Keep issue's text as its send's copy (in the send's transaction). */
int	 store_issue_freeze(struct store *, const struct issue *,
	    char **cause);
/* 1 when the issue has a send that is not finished: then it cannot be
 * changed (store_issue_update refuses with store_issue_busy_why). */
int	 store_issue_busy(struct store *, int64_t id, char **cause);
/* The refusal, naming herald issue copy (a static buffer). */
const char *store_issue_busy_why(int64_t id);
/* A new issue with the fields of issue id; 1 when there is none. */
int	 store_issue_copy(struct store *, int64_t id, int64_t *copy,
	    char **cause);
/* Every issue, newest first; free each with issue_free, then the array. */
int	 store_issues(struct store *, struct issue **, size_t *,
	    char **cause);
/*
 * An audience name (herald issue new --to): lists and segments (table
 * segments) share one namespace. 0 found (*segment 0 for a list, 1 for a
 * segment), 1 neither (*cause says so), -1 error or a name that is both
 * (*cause).
 */
int	 store_audience_lookup(struct store *, const char *name, int *segment,
	    char **cause);
/* A database setting: 0 found (*value allocated), 1 not found, -1 error. */
int	 store_meta_get(struct store *, const char *key, char **value,
	    char **cause);
int	 store_meta_set(struct store *, const char *key, const char *value,
	    char **cause);
/* Remember which address an unsubscribe token stands for. */
int	 store_token_put(struct store *, const char *token, const char *addr,
	    int64_t issue_id, char **cause);
/* 0 found (*addr allocated), 1 not found, -1 error. */
int	 store_token_find(struct store *, const char *token, char **addr,
	    char **cause);

/* ---- sends, recipients and events (store_send.c) ---- */

struct send_settings;
struct send_info;
struct send_counts;
struct send_rcpt;
struct send_change;
struct send_event;

/* The words of the recipient states, as the rows keep them: "queued",
 * "connecting", "sent-data", ... Parse: 0, or -1 if unknown. */
const char *rcpt_state_name(enum rcpt_state);
int	 rcpt_state_parse(const char *, enum rcpt_state *);

/* Record a new send of issue id with its settings (in the caller's
 * transaction). 1 if the issue has a send already. */
/* A connection that only records recipients' changes (store_send_record). */
int	 store_send_writer(struct store *, char **cause);
int	 store_send_create(struct store *, int64_t id,
	    const struct send_settings *, char **cause);
/* Snapshot one member as a queued recipient (in the same transaction). */
int	 store_send_add_rcpt(struct store *, int64_t id, const char *addr,
	    const char *name, const char *attrs, const char *domain,
	    const char *token, char **cause);
/* 0 found, 1 not found, -1 error; free with send_info_free. */
int	 store_send_get(struct store *, int64_t id, struct send_info *,
	    char **cause);
/* The ids of every send, newest first (allocated array). */
int	 store_send_ids(struct store *, int64_t **ids, size_t *n,
	    char **cause);
/* Replace a send's settings (resume with overrides). */
int	 store_send_set_settings(struct store *, int64_t id,
	    const struct send_settings *, char **cause);
/* Ask for a pause (1) or clear it (0); read it back cheaply. */
int	 store_send_set_paused(struct store *, int64_t id, int paused,
	    char **cause);
int	 store_send_paused(struct store *, int64_t id, int *paused,
	    char **cause);
/* The engine that now works on the send (pid, now). */
int	 store_send_set_engine(struct store *, int64_t id, int64_t pid,
	    char **cause);
/* Note that the send finished at (0: not finished). */
int	 store_send_set_finished(struct store *, int64_t id, int64_t at,
	    char **cause);
/* Recipients by state and the earliest next attempt. */
int	 store_send_counts(struct store *, int64_t id, struct send_counts *,
	    char **cause);
/*
 * After an engine stopped (in one transaction, with events): recipients
 * left "connecting" are queued again, those left "sent-data" become
 * "unknown". *requeued and *unknown say how many.
 */
int	 store_send_recover(struct store *, int64_t id, int64_t *requeued,
	    int64_t *unknown, char **cause);
/* `herald finish`: every deferred recipient bounced, why put before its
 * last reply (its code, class and reason kept); an event each. */
int	 store_send_give_up(struct store *, int64_t id, const char *why,
	    int64_t *n, char **cause);
/* `resume --retry-unknown`: every unknown recipient queued again. */
int	 store_send_retry_unknown(struct store *, int64_t id, int64_t *n,
	    char **cause);
/* Called per recipient; non-zero stops. */
typedef int (*store_rcpt_cb)(const struct send_rcpt *, void *arg);
/*
 * Recipients to take up, at most limit, by id: queued ones with an id
 * above after, or (deferred != 0) deferred ones whose next attempt is due
 * at now.
 */
int	 store_send_due(struct store *, int64_t id, int64_t after, int64_t now,
	    int deferred, int limit, store_rcpt_cb, void *arg, char **cause);
/* Apply n state changes with an event each, in one transaction. */
int	 store_send_record(struct store *, int64_t id,
	    const struct send_change *, size_t n, char **cause);
/* Called per event or report row; non-zero stops. */
typedef int (*store_event_cb)(const struct send_event *, void *arg);
/* Events of a send with an id above after, in order (limit 0: all). */
int	 store_send_events(struct store *, int64_t id, int64_t after,
	    int limit, store_event_cb, void *arg, char **cause);
/* The id of the send's latest event (0: none). */
int	 store_send_last_event(struct store *, int64_t id, int64_t *last,
	    char **cause);
/* Count n recipients in state with class cls and reason into a
 * struct send_classes: send_classes_add (send.h). */
typedef void (*store_class_add)(struct send_classes *, enum rcpt_state,
	    const char *cls, const char *reason, int64_t n);
/* A send's failures by class: c zeroed, then add called per group of
 * failed recipients. */
int	 store_send_classes(struct store *, int64_t id, struct send_classes *,
	    store_class_add add, char **cause);
/* Every recipient's latest state, by id (the report). */
int	 store_send_rcpts(struct store *, int64_t id, store_event_cb,
	    void *arg, char **cause);
/* One recipient (the console's recipient detail): its latest state with
 * the certificate its latest attempt saw (peer_subject, peer_issuer), or
 * with events 1 its events in order. */
int	 store_send_rcpt(struct store *, int64_t id, int64_t rcpt_id,
	    int events, store_event_cb, void *arg, char **cause);
/* Recipients a server answered, by destination domain, trust word and
 * DANE result (ordered by domain). */
typedef int (*store_tls_cb)(const char *domain, const char *verify,
	    const char *dane, int64_t n, void *arg);
int	 store_send_tls(struct store *, int64_t id, store_tls_cb, void *arg,
	    char **cause);

/* Fetching feedback (store_fetch.c): the POP3 messages handled, by
 * account ("pop3s://USER@HOST[:PORT]") and UIDL. seen: 1, 0 or -1. */
int	 store_fetch_seen(struct store *, const char *account,
	    const char *uidl, char **cause);
int	 store_fetch_mark(struct store *, const char *account,
	    const char *uidl, char **cause);
/* Sends running (not finished, not paused) or finished at or after
 * since: what keeps the feedback watch going. */
int	 store_fetch_watching(struct store *, int64_t since, int64_t *n,
	    char **cause);

#endif
