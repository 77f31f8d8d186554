-- Version 2: remember each import run, and which import and line last wrote
-- each contact (so a repeated address in one file counts as a duplicate,
-- and one already on the list as an update).
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
ALTER TABLE contacts ADD COLUMN import_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN line INTEGER NOT NULL DEFAULT 0;
