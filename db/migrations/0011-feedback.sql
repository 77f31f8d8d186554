-- Version 11: what comes back after a send (bounces, complaints,
-- unsubscribes) is kept as an audit trail and acted on.
--
-- A message read from the feedback mailbox, a file or stdin: one row per
-- Message-ID and content hash, so reading a mailbox again finds the row
-- and counts nothing twice.
CREATE TABLE feedback_messages (
	id		INTEGER PRIMARY KEY,
	message_id	TEXT NOT NULL DEFAULT '',	-- its own Message-ID
	sha256		TEXT NOT NULL,			-- of its bytes, hex
	source		TEXT NOT NULL,			-- file, stdin, imaps://...
	read_at		INTEGER NOT NULL,
	error		TEXT NOT NULL DEFAULT '',	-- why it could not be read
	UNIQUE (message_id, sha256)
);
-- One finding and what was done about it. msg_id is NULL for an
-- unsubscribe that came by one-click or the CLI (no message); send_id is
-- NULL when no send or recipient matched.
CREATE TABLE feedback_findings (
	id		INTEGER PRIMARY KEY,
	msg_id		INTEGER REFERENCES feedback_messages(id)
			    ON DELETE CASCADE,
	send_id		INTEGER,
	kind		TEXT NOT NULL,		-- bounce, delay, complaint, ...
	rcpt		TEXT NOT NULL DEFAULT '',
	reason		TEXT NOT NULL DEFAULT '',
	class		TEXT NOT NULL DEFAULT '',	-- hard, soft, sender, unknown
	status		TEXT NOT NULL DEFAULT '',	-- RFC 3463
	code		INTEGER NOT NULL DEFAULT 0,
	action		TEXT NOT NULL,		-- suppressed, counted, alert, ignored
	diagnostic	TEXT NOT NULL DEFAULT '',
	reporting_mta	TEXT NOT NULL DEFAULT '',
	message_id	TEXT NOT NULL DEFAULT '',	-- of the returned message
	source		TEXT NOT NULL DEFAULT '',
	why		TEXT NOT NULL DEFAULT '',	-- how matched, what concluded
	at		INTEGER NOT NULL
);
CREATE INDEX feedback_findings_msg ON feedback_findings (msg_id);
CREATE INDEX feedback_findings_send ON feedback_findings (send_id, kind);
-- Soft bounces by address (lower-cased) and send: an address is
-- suppressed once it has soft_bounce_limit rows, that is soft bounces in
-- that many distinct sends, never for several in one send.
CREATE TABLE soft_bounces (
	addr_lc		TEXT NOT NULL,
	send_id		INTEGER NOT NULL,
	at		INTEGER NOT NULL,
	detail		TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (addr_lc, send_id)
) WITHOUT ROWID;
-- A refusal of the sender (policy, authentication, reputation) at one
-- provider during one send: raised once, counted after.
CREATE TABLE alerts (
	id		INTEGER PRIMARY KEY,
	send_id		INTEGER NOT NULL,
	provider	TEXT NOT NULL,
	reason		TEXT NOT NULL,
	text		TEXT NOT NULL,
	count		INTEGER NOT NULL DEFAULT 1,
	first_at	INTEGER NOT NULL,
	last_at		INTEGER NOT NULL,
	UNIQUE (send_id, provider, reason)
);
-- A bounce that names only its recipient is matched to the newest send
-- that has it. NOCASE compares ASCII letters without a function call per
-- inserted row.
CREATE INDEX recipients_addr ON recipients (addr COLLATE NOCASE, send_id);
