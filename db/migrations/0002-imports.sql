-- Version 2: remember each import run, and which import and line last wrote
-- each contact (so a repeated address in one file counts as a duplicate,
-- and one already on the list as an update); contacts become clustered on
-- (list_id, addr), which halves the B-tree work of an import.
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
CREATE TABLE contacts_v2 (
	list_id		INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
	addr		TEXT NOT NULL,
	name		TEXT NOT NULL DEFAULT '',
	attrs		TEXT NOT NULL DEFAULT '{}',
	added_at	INTEGER NOT NULL,
	import_id	INTEGER NOT NULL DEFAULT 0,
	line		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (list_id, addr)
) WITHOUT ROWID;
INSERT INTO contacts_v2 (list_id, addr, name, attrs, added_at)
	SELECT list_id, addr, name, attrs, added_at FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_v2 RENAME TO contacts;
