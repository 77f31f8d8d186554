-- Version 20: an issue's audience (issue #13): the lists and segments it
-- goes to (kind 'to') and those whose members it leaves out ('exclude'),
-- in the order given. The first list of its To is also issues.list_id
-- (merge fields, preview). An issue without rows goes to its list alone.
CREATE TABLE issue_audience (
	issue_id	INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('to', 'exclude')),
	name		TEXT NOT NULL,		-- a list's or a segment's
	segment		INTEGER NOT NULL DEFAULT 0,	-- 1: a segment
	PRIMARY KEY (issue_id, pos)
);
