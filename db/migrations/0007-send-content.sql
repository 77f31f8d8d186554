-- Version 7: a send keeps its own copy of what it sends, taken when it
-- starts, so that a later change to the issue cannot reach recipients the
-- send has not yet delivered to. A send started before this version takes
-- the issue as it is now: it is what the rest of that send would have had.
CREATE TABLE send_content (
	id		INTEGER PRIMARY KEY REFERENCES sends(id) ON DELETE CASCADE,
	from_hdr	TEXT NOT NULL,
	reply_to	TEXT NOT NULL DEFAULT '',
	subject		TEXT NOT NULL,
	body		TEXT NOT NULL,
	unsubscribe	TEXT NOT NULL DEFAULT '',
	encoding	TEXT NOT NULL DEFAULT 'auto'
);
INSERT INTO send_content (id, from_hdr, reply_to, subject, body,
    unsubscribe, encoding)
	SELECT s.id, i.from_hdr, i.reply_to, i.subject, i.body,
	    i.unsubscribe, i.encoding
	FROM sends s JOIN issues i ON i.id = s.id;
