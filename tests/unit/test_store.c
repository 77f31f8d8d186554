/* store: creation modes, migration from version 1 (and of a send started
 * before sends kept their own text), refusing newer or foreign databases,
 * contacts and suppressions. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/dbsql.h"
#include "auth/dkim.h"
#include "mail/message.h"
#include "store/store.h"
#include "store/store_timing.h"
#include "store/store_feedback.h"
#include "test.h"
#include "base/util.h"

static char dir[] = "/tmp/herald-store-XXXXXX";

/* Run SQL on a database file with SQLite directly (the "other" writer). */
static int
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;
	int	 rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Read a whole file into memory. */
static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*s;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	s[fread(s, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return s;
}

/* The columns of every table, as text, to compare two schemas. */
static char *
schema_shape(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	struct buf	 b;

	buf_init(&b);
	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT m.name, p.name, p.type, p.\"notnull\","
	    " p.dflt_value, p.pk FROM sqlite_master m, pragma_table_info(m.name) p"
	    " WHERE m.type = 'table' ORDER BY m.name, p.name", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW)
		buf_printf(&b, "%s.%s %s %d %s %d\n", sqlite3_column_text(s, 0),
		    sqlite3_column_text(s, 1), sqlite3_column_text(s, 2),
		    sqlite3_column_int(s, 3),
		    sqlite3_column_text(s, 4) ? (const char *)
		    sqlite3_column_text(s, 4) : "-", sqlite3_column_int(s, 5));
	sqlite3_finalize(s);
	sqlite3_prepare_v2(db, "SELECT name, tbl_name FROM sqlite_master WHERE"
	    " type = 'index' ORDER BY name", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW)
		buf_printf(&b, "index %s on %s\n", sqlite3_column_text(s, 0),
		    sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return buf_take(&b);
}

static int
count_cb(const struct contact *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static void
test_create(void)
{
	struct store	*st;
	struct stat	 sb;
	char		*path, *sub, *cause = NULL;

	sub = xprintf("%s/new/deeper", dir);
	path = xprintf("%s/herald.db", sub);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(stat(sub, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	CHECK_INT(store_db_version(st), store_version());
	store_close(st);
	/* Opening again is a no-op. */
	CHECK(store_open(path, &st, &cause) == 0);
	store_close(st);
	free(path);
	free(sub);
}

static void
test_migrate(void)
{
	struct store	*st;
	char		*old, *fresh, *v1, *cause = NULL, *a, *b;
	int64_t		 id;
	int		 n = 0;

	old = xprintf("%s/old.db", dir);
	fresh = xprintf("%s/fresh.db", dir);
	v1 = slurp("tests/unit/fixtures/schema-v1.sql");
	CHECK(v1 != NULL);
	CHECK(raw_exec(old, v1) == 0);
	CHECK(raw_exec(old, "INSERT INTO lists VALUES (1, 'staff', 0);"
	    "INSERT INTO contacts (list_id, addr, name, added_at) VALUES"
	    " (1, 'a@example.org', 'Ann', 0)") == 0);
	CHECK(store_open(old, &st, &cause) == 0);
	CHECK_INT(store_db_version(st), store_version());
	CHECK(store_list_find(st, "staff", &id, &cause) == 0);
	CHECK(store_contacts(st, id, NULL, 0, 0, count_cb, &n, &cause) == 0);
	CHECK_INT(n, 1);
	store_close(st);
	CHECK(store_open(fresh, &st, &cause) == 0);
	store_close(st);
	a = schema_shape(old);
	b = schema_shape(fresh);
	CHECK_STR(a, b);
	free(a);
	free(b);
	free(v1);
	free(old);
	free(fresh);
}

/* A send started before version 7 resumes with the issue's text: the
 * migration gives it its own copy, which later changes do not reach. */
static void
test_migrate_send(void)
{
	const struct db_migration	*m;
	struct store			*st;
	struct issue			 is;
	struct send_timing		 tm;
	char				*path, *v1, *cause = NULL;
	int				 ok = 1;

	/* A database of version 6, built as herald 6 built it: no
	 * send_content; an issue with a paused send, one without. */
	path = xprintf("%s/v6.db", dir);
	v1 = slurp("tests/unit/fixtures/schema-v1.sql");
	CHECK(v1 != NULL && raw_exec(path, v1) == 0);
	free(v1);
	for (m = db_migrations; m->version != 0 && m->version <= 6; m++)
		if (raw_exec(path, m->sql) == -1)
			ok = 0;
	CHECK(ok);
	CHECK(raw_exec(path, "INSERT INTO lists VALUES (1, 'news', 0);"
	    "INSERT INTO issues (id, list_id, from_hdr, reply_to, subject,"
	    " body, unsubscribe, encoding, created_at, updated_at) VALUES"
	    " (1, 1, 'N <n@example.org>', 'r@example.org', 'Sent one',"
	    " 'ORIGINAL', 'mailto:u@example.org', '8bit', 0, 0),"
	    " (2, 1, 'N <n@example.org>', '', 'Draft', 'draft', '', 'auto',"
	    " 0, 0);"
	    "INSERT INTO sends (id, created_at, updated_at, paused)"
	    " VALUES (1, 0, 0, 1);"
	    "PRAGMA user_version = 6") == 0);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK_INT(store_db_version(st), store_version());
	CHECK_INT(store_issue_busy(st, 1, &cause), 1);
	CHECK_INT(store_issue_busy(st, 2, &cause), 0);
	store_close(st);
	CHECK(raw_exec(path, "UPDATE issues SET subject = 'Changed', body ="
	    " 'CHANGED', reply_to = '', unsubscribe = '', encoding = 'auto'")
	    == 0);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK(store_issue_sent(st, 1, &is, &cause) == 0);
	CHECK_STR(is.subject, "Sent one");
	CHECK_STR(is.body, "ORIGINAL");
	CHECK_STR(is.reply_to, "r@example.org");
	CHECK_STR(is.unsubscribe, "mailto:u@example.org");
	CHECK_STR(is.encoding, "8bit");
	issue_free(&is);
	/* No send: the issue as stored. */
	CHECK(store_issue_sent(st, 2, &is, &cause) == 0);
	CHECK_STR(is.subject, "Changed");
	issue_free(&is);
	CHECK_INT(store_issue_sent(st, 3, &is, &cause), 1);
	/* Migration 21: a send from before has no schedule and no window;
	 * a cancel and a start racing are settled by the schedule's word. */
	CHECK(store_timing_get(st, 1, &tm, &cause) == 0);
	CHECK_INT(tm.scheduled_at, 0);
	CHECK_STR(tm.schedule, "");
	CHECK_STR(tm.window, "");
	store_timing_free(&tm);
	CHECK(store_timing_set(st, 1, 1798070400, "09:00-18:00,mon-fri",
	    &cause) == 0);
	CHECK(store_timing_get(st, 1, &tm, &cause) == 0);
	CHECK_INT(tm.scheduled_at, 1798070400);
	CHECK_STR(tm.schedule, "scheduled");
	CHECK_STR(tm.window, "09:00-18:00,mon-fri");
	store_timing_free(&tm);
	CHECK_INT(store_timing_move(st, 1, "scheduled", "cancelled", &cause), 1);
	CHECK_INT(store_timing_move(st, 1, "scheduled", "", &cause), 0);
	CHECK(store_timing_state(st, 1, "held", "the reason", &cause) == 0);
	CHECK(store_timing_get(st, 1, &tm, &cause) == 0);
	CHECK_STR(tm.schedule, "held");
	CHECK_STR(tm.held_reason, "the reason");
	store_timing_free(&tm);
	CHECK_INT(store_timing_get(st, 9, &tm, &cause), 1);
	store_close(st);
	free(path);
}

/* Keys made before a new key had to wait for its record keep their
 * state: none of them waits; the active one still signs. */
static void
test_migrate_keys(void)
{
	const struct db_migration	*m;
	struct store			*st = NULL;
	struct dkim_key			 k;
	char				*path, *v1, *cause = NULL;
	int				 ok = 1;

	path = xprintf("%s/keys-v6.db", dir);
	v1 = slurp("tests/unit/fixtures/schema-v1.sql");
	CHECK(v1 != NULL && raw_exec(path, v1) == 0);
	for (m = db_migrations; m->version != 0 && m->version <= 6; m++)
		if (raw_exec(path, m->sql) == -1)
			ok = 0;
	CHECK(ok);
	CHECK(raw_exec(path, "PRAGMA user_version = 6;"
	    "INSERT INTO dkim_keys (domain, selector, algo, key_file,"
	    " public_key, created_at, active) VALUES"
	    " ('old.example', 'on', 'ed25519', '/k/on', 'AAAA', 1, 1),"
	    " ('old.example', 'off', 'ed25519', '/k/off', 'AAAA', 1, 0)") == 0);
	CHECK(store_open(path, &st, &cause) == 0);
	if (st == NULL) {
		fprintf(stderr, "open: %s\n", cause);
		free(cause);
		free(v1);
		free(path);
		return;
	}
	CHECK_INT(store_dkim_get(st, "old.example", "on", &k, NULL), 0);
	CHECK(k.active && !k.pending);
	dkim_key_free(&k);
	CHECK_INT(store_dkim_get(st, "old.example", "off", &k, NULL), 0);
	CHECK(!k.active && !k.pending);
	dkim_key_free(&k);
	/* A check seeing its record does not turn on a key switched off. */
	CHECK_INT(store_dkim_published(st, "old.example", "off", NULL), 1);
	store_close(st);
	free(v1);
	free(path);
}

/* A database of version 10 with a finished send: after migration the
 * feedback tables are there, its recipients are found by address (any
 * case) and a soft bounce is counted against the old send. */
static void
test_migrate_feedback(void)
{
	const struct db_migration	*m;
	struct store			*st = NULL;
	char				*path, *v1, *cause = NULL, *addr = NULL;
	int64_t				 send = 0;
	int				 ok = 1, count = 0, sup = 0;

	path = xprintf("%s/v10.db", dir);
	v1 = slurp("tests/unit/fixtures/schema-v1.sql");
	CHECK(v1 != NULL && raw_exec(path, v1) == 0);
	for (m = db_migrations; m->version != 0 && m->version <= 10; m++)
		if (raw_exec(path, m->sql) == -1)
			ok = 0;
	CHECK(ok);
	CHECK(raw_exec(path, "PRAGMA user_version = 10;"
	    "INSERT INTO issues (id, from_hdr, subject, body, created_at,"
	    " updated_at) VALUES (4, 'n@example.org', 'S', 'B', 0, 0);"
	    "INSERT INTO sends (id, created_at, updated_at) VALUES (4, 0, 0);"
	    "INSERT INTO recipients (send_id, addr, domain, token, state)"
	    " VALUES (4, 'Old@example.org', 'example.org', 't', 'delivered')")
	    == 0);
	CHECK(store_open(path, &st, &cause) == 0);
	if (st == NULL) {
		fprintf(stderr, "open: %s\n", cause);
		free(cause);
		free(v1);
		free(path);
		return;
	}
	CHECK_INT(store_db_version(st), store_version());
	CHECK_INT(store_fb_rcpt_send(st, "old@EXAMPLE.org", &send, &addr,
	    &cause), 0);
	CHECK_INT(send, 4);
	CHECK_STR(addr, "Old@example.org");
	free(addr);
	CHECK(store_fb_soft_bounce(st, "old@example.org", 4, "552", 3, 1,
	    &count, &sup, &cause) == 0);
	CHECK_INT(count, 1);
	CHECK_INT(sup, 0);
	store_close(st);
	free(v1);
	free(path);
}

static void
test_refuse(void)
{
	struct store	*st;
	char		*path, *cause = NULL;
	FILE		*f;

	path = xprintf("%s/newer.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	store_close(st);
	CHECK(raw_exec(path, "PRAGMA user_version = 999") == 0);
	CHECK_INT(store_open(path, &st, &cause), -2);
	CHECK(cause != NULL && strstr(cause, "newer herald") != NULL);
	free(cause);
	cause = NULL;
	free(path);

	path = xprintf("%s/foreign.db", dir);
	CHECK(raw_exec(path, "CREATE TABLE t (x)") == 0);
	CHECK_INT(store_open(path, &st, &cause), -2);
	CHECK(cause != NULL && strstr(cause, "not herald's") != NULL);
	free(cause);
	cause = NULL;
	free(path);

	path = xprintf("%s/text.db", dir);
	f = fopen(path, "w");
	fputs("this is not a database, just some text that is long enough "
	    "to fill the header of an sqlite file, and then some more\n", f);
	fclose(f);
	CHECK_INT(store_open(path, &st, &cause), -2);
	CHECK(cause != NULL);
	free(cause);
	free(path);
}

static void
test_contacts(void)
{
	struct store	*st;
	struct list_info li;
	char		*path, *cause = NULL;
	int64_t		 list, imp1, imp2, count;
	enum store_put	 r;
	uint64_t	 first = 0;
	int		 added;

	path = xprintf("%s/c.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	CHECK(store_begin_bulk(st, &cause) == 0);
	CHECK(store_list_create(st, "news", &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "a.csv", &imp1, &cause) == 0);
	CHECK(store_contact_put(st, list, imp1, 2, "a@example.org", "Ann",
	    "{\"city\":\"Paris\"}", &r, &first, &cause) == 0);
	CHECK_INT(r, STORE_PUT_NEW);
	CHECK(store_contact_put(st, list, imp1, 5, "a@example.org", "Ann B",
	    "{}", &r, &first, &cause) == 0);
	CHECK_INT(r, STORE_PUT_DUPLICATE);
	CHECK_INT(first, 2);
	/* A local part differing only in case is the same member... */
	CHECK(store_contact_put(st, list, imp1, 6, "A@example.org", "", "{}",
	    &r, &first, &cause) == 0);
	CHECK_INT(r, STORE_PUT_DUPLICATE);
	CHECK_INT(first, 2);
	/* ...unless local parts are strict: then they keep their case. */
	store_set_case_strict(st, 1);
	CHECK(store_contact_put(st, list, imp1, 6, "A@example.org", "", "{}",
	    &r, &first, &cause) == 0);
	CHECK_INT(r, STORE_PUT_NEW);
	store_set_case_strict(st, 0);
	CHECK(store_commit(st, &cause) == 0);

	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_import_begin(st, list, "b.csv", &imp2, &cause) == 0);
	CHECK(store_contact_put(st, list, imp2, 2, "a@example.org", "",
	    "{\"team\":\"ops\"}", &r, &first, &cause) == 0);
	CHECK_INT(r, STORE_PUT_UPDATED);
	store_rollback(st);	/* the update is gone */

	CHECK(store_suppress_add(st, "A@EXAMPLE.ORG", "manual", NULL, &added,
	    &cause) == 0);
	CHECK_INT(added, 1);
	CHECK(store_suppress_add(st, "a@example.org", "manual", NULL, &added,
	    &cause) == 0);
	CHECK_INT(added, 0);
	CHECK_INT(store_is_suppressed(st, "a@Example.org", &cause), 1);
	CHECK_INT(store_is_suppressed(st, "b@example.org", &cause), 0);
	CHECK(store_list_info(st, "news", &li, &cause) == 0);
	CHECK_INT(li.members, 2);
	CHECK_INT(li.suppressed, 2);
	free(li.name);
	CHECK(store_contacts_count(st, list, "ANN", &count, &cause) == 0);
	CHECK_INT(count, 1);
	CHECK_INT(store_list_remove(st, "news", &cause), 0);
	/* Foreign keys are back on after the bulk transaction: the members
	 * went with the list. */
	CHECK(store_contacts_count(st, list, NULL, &count, &cause) == 0);
	CHECK_INT(count, 0);
	CHECK_INT(store_list_remove(st, "news", &cause), 1);
	CHECK_INT(store_list_find(st, "news", &list, &cause), 1);
	store_close(st);
	free(path);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_create();
	test_migrate();
	test_migrate_send();
	test_migrate_keys();
	test_migrate_feedback();
	test_refuse();
	test_contacts();
	if (test_failed == 0) {
		char *cmd = xprintf("rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
	}
	TEST_END();
}
