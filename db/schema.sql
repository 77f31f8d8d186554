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

-- A DKIM key. The private key is a PKCS#8 PEM file (mode 0600, in a 0700
-- directory beside the database); only its path is kept here.
CREATE TABLE dkim_keys (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,
	selector	TEXT NOT NULL,
	algo		TEXT NOT NULL,			-- rsa-2048, rsa-3072, ed25519
	key_file	TEXT NOT NULL,
	public_key	TEXT NOT NULL,			-- the record's p= value
	created_at	INTEGER NOT NULL,
	active		INTEGER NOT NULL DEFAULT 1,	-- signs new messages
	UNIQUE (domain, selector)
);

-- An issue: one announcement to one list. The body is the plain text as
-- the operator wrote it, merge fields unexpanded.
CREATE TABLE issues (
	id		INTEGER PRIMARY KEY,
	list_id		INTEGER REFERENCES lists(id) ON DELETE SET NULL,
	from_hdr	TEXT NOT NULL,
	reply_to	TEXT NOT NULL DEFAULT '',
	subject		TEXT NOT NULL,
	body		TEXT NOT NULL,
	unsubscribe	TEXT NOT NULL DEFAULT '',	-- extra List-Unsubscribe URI
	encoding	TEXT NOT NULL DEFAULT 'auto',	-- auto or 8bit
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);

-- Settings that belong to the database rather than the configuration,
-- such as the secret unsubscribe tokens are derived from.
CREATE TABLE meta (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
) WITHOUT ROWID;

-- Unsubscribe tokens handed out in List-Unsubscribe headers.
CREATE TABLE unsub_tokens (
	token		TEXT PRIMARY KEY,
	addr		TEXT NOT NULL,
	issue_id	INTEGER,
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;
