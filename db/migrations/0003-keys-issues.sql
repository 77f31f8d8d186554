-- Version 3: DKIM keys, issues, and what unsubscribing needs.

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
