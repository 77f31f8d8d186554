-- Version 4: sends, their recipients and the event stream.

-- A send of an issue: at most one per issue, so its id is the issue's.
-- The columns after state are the settings it was started with; `herald
-- resume` continues with them and its options override them.
CREATE TABLE sends (
	id		INTEGER PRIMARY KEY REFERENCES issues(id),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	finished_at	INTEGER NOT NULL DEFAULT 0,	-- 0 while work remains
	paused		INTEGER NOT NULL DEFAULT 0,	-- `herald pause` asked
	engine_pid	INTEGER NOT NULL DEFAULT 0,	-- the last engine
	engine_at	INTEGER NOT NULL DEFAULT 0,	-- when it started
	tls_policy	TEXT NOT NULL DEFAULT 'may',
	relay		TEXT NOT NULL DEFAULT '',	-- HOST[:PORT]; '': MX
	relay_user	TEXT NOT NULL DEFAULT '',
	relay_password_file TEXT NOT NULL DEFAULT '',	-- a path, never a password
	helo		TEXT NOT NULL DEFAULT '',
	source_ip	TEXT NOT NULL DEFAULT '',
	resolver	TEXT NOT NULL DEFAULT '',	-- '': the system's
	dns_timeout	INTEGER NOT NULL DEFAULT 3,
	dns_retries	INTEGER NOT NULL DEFAULT 2,
	smtp_port	INTEGER NOT NULL DEFAULT 25,
	ca_file		TEXT NOT NULL DEFAULT '',
	envelope_from	TEXT NOT NULL DEFAULT '',
	unsubscribe_url	TEXT NOT NULL DEFAULT '',
	concurrency	INTEGER NOT NULL DEFAULT 20,
	per_domain	INTEGER NOT NULL DEFAULT 2,
	rate		INTEGER NOT NULL DEFAULT 0,	-- messages/s, 0: no limit
	per_connection	INTEGER NOT NULL DEFAULT 100,	-- messages per session
	retry_first	INTEGER NOT NULL DEFAULT 300,	-- seconds
	retry_giveup	INTEGER NOT NULL DEFAULT 172800
);

-- One recipient of a send: a snapshot of a list member taken when the send
-- was queued, and where its delivery stands. state is one of queued,
-- connecting, sent-data, delivered, deferred, bounced, unknown; the other
-- columns describe the latest attempt.
CREATE TABLE recipients (
	id		INTEGER PRIMARY KEY,
	send_id		INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
	addr		TEXT NOT NULL,
	name		TEXT NOT NULL DEFAULT '',
	attrs		TEXT NOT NULL DEFAULT '{}',
	domain		TEXT NOT NULL,
	token		TEXT NOT NULL,			-- its unsubscribe token
	state		TEXT NOT NULL DEFAULT 'queued',
	attempts	INTEGER NOT NULL DEFAULT 0,
	first_at	INTEGER NOT NULL DEFAULT 0,	-- first attempt
	next_at		INTEGER NOT NULL DEFAULT 0,	-- deferred: next attempt
	updated_at	INTEGER NOT NULL DEFAULT 0,
	mx		TEXT NOT NULL DEFAULT '',
	ip		TEXT NOT NULL DEFAULT '',
	tls_version	TEXT NOT NULL DEFAULT '',
	tls_cipher	TEXT NOT NULL DEFAULT '',
	tls_bits	INTEGER NOT NULL DEFAULT 0,
	tls_verify	TEXT NOT NULL DEFAULT '',	-- '' until a server answered
	tls_dane	TEXT NOT NULL DEFAULT '',
	tls_summary	TEXT NOT NULL DEFAULT '',
	peer_subject	TEXT NOT NULL DEFAULT '',
	peer_issuer	TEXT NOT NULL DEFAULT '',
	code		INTEGER NOT NULL DEFAULT 0,
	enhanced	TEXT NOT NULL DEFAULT '',
	reply		TEXT NOT NULL DEFAULT '',
	stage		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recipients_send_state ON recipients (send_id, state);

-- Every state change of every recipient, in order: what `send --follow`
-- and the console tail by id.
CREATE TABLE send_events (
	id		INTEGER PRIMARY KEY,
	send_id		INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
	rcpt_id		INTEGER NOT NULL,
	at		INTEGER NOT NULL,
	state		TEXT NOT NULL,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_at		INTEGER NOT NULL DEFAULT 0,
	mx		TEXT NOT NULL DEFAULT '',
	ip		TEXT NOT NULL DEFAULT '',
	tls_version	TEXT NOT NULL DEFAULT '',
	tls_cipher	TEXT NOT NULL DEFAULT '',
	tls_verify	TEXT NOT NULL DEFAULT '',
	tls_dane	TEXT NOT NULL DEFAULT '',
	code		INTEGER NOT NULL DEFAULT 0,
	enhanced	TEXT NOT NULL DEFAULT '',
	reply		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX send_events_send ON send_events (send_id, id);
