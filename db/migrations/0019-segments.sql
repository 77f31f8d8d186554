-- Version 19: saved segments (issue #13): a name for the members of one
-- list that match a filter (src/audience/filter.h), kept as the text the
-- operator wrote and parsed when used. A segment goes with its list.
CREATE TABLE segments (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	list_id		INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
	expr		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
);
