-- herald database schema, current version (see PRAGMA user_version).
-- A new database is created from this file; an older one is brought here by
-- db/migrations/NNNN-*.sql, each in the same transaction as the version bump.
-- Times are Unix seconds (UTC).

-- An address list ("list" in the CLI).
CREATE TABLE lists (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL
);

-- One import run of a file into a list.
CREATE TABLE imports (
	id		INTEGER PRIMARY KEY,
	list_id		INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
	source		TEXT NOT NULL,
	started_at	INTEGER NOT NULL,
	rows		INTEGER NOT NULL DEFAULT 0,
	imported	INTEGER NOT NULL DEFAULT 0,
	updated		INTEGER NOT NULL DEFAULT 0,
	duplicates	INTEGER NOT NULL DEFAULT 0,
	invalid		INTEGER NOT NULL DEFAULT 0,
	suppressed	INTEGER NOT NULL DEFAULT 0
);

-- A member of a list. addr is normalised: the local part as written, the
-- domain lower-cased; it is the key for deduplication within a list. The
-- table is clustered on that key (WITHOUT ROWID): one B-tree per insert,
-- and members come out in address order without a sort.
CREATE TABLE contacts (
	list_id		INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
	addr		TEXT NOT NULL,
	name		TEXT NOT NULL DEFAULT '',
	attrs		TEXT NOT NULL DEFAULT '{}',	-- JSON object: other columns
	added_at	INTEGER NOT NULL,
	import_id	INTEGER NOT NULL DEFAULT 0,	-- the import that last wrote it
	line		INTEGER NOT NULL DEFAULT 0,	-- its line in that import
	PRIMARY KEY (list_id, addr)
) WITHOUT ROWID;

-- Addresses never to be sent to. addr_lc is the whole address lower-cased:
-- a suppression holds whatever case a list spells the address in.
CREATE TABLE suppressions (
	addr_lc		TEXT PRIMARY KEY,
	addr		TEXT NOT NULL,
	reason		TEXT NOT NULL DEFAULT 'manual',	-- manual, import, unsubscribe, bounce
	detail		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;
