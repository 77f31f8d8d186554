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

-- A member of a list. addr is normalised: the local part as first written,
-- the domain lower-cased; it is the key for deduplication within a list. The
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
	caps		INTEGER NOT NULL DEFAULT 0,	-- 1: addr has capitals
	PRIMARY KEY (list_id, addr)
) WITHOUT ROWID;
-- Addresses differing only in the letter case of the local part are one
-- member (config local_part_case, default fold). Spellings with capitals
-- are found through this index, the all-lower-case one by the primary key.
CREATE INDEX contacts_addr_lc ON contacts (list_id, lower(addr))
	WHERE caps = 1;

-- Addresses never to be sent to. addr_lc is the whole address lower-cased:
-- a suppression holds whatever case a list spells the address in.
CREATE TABLE suppressions (
	addr_lc		TEXT PRIMARY KEY,
	addr		TEXT NOT NULL,
	reason		TEXT NOT NULL DEFAULT 'manual',	-- manual, import, unsubscribe, bounce, complaint
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
	-- 1: new, inactive until `dkim check` sees its record published
	pending		INTEGER NOT NULL DEFAULT 0,
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
	encoding	TEXT NOT NULL DEFAULT 'auto',	-- auto, base64,
						-- quoted-printable or 8bit
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	kind		TEXT NOT NULL DEFAULT 'notice',	-- ad or notice
	charset		TEXT NOT NULL DEFAULT 'utf-8'	-- or iso-2022-jp
);

-- An issue's audience: the lists and segments it goes to ('to') and those
-- whose members it leaves out ('exclude'), in the order given. The first
-- list of its To is also issues.list_id. No rows: its list alone.
CREATE TABLE issue_audience (
	issue_id	INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('to', 'exclude')),
	name		TEXT NOT NULL,		-- a list's or a segment's
	segment		INTEGER NOT NULL DEFAULT 0,	-- 1: a segment
	PRIMARY KEY (issue_id, pos)
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
	retry_giveup	INTEGER NOT NULL DEFAULT 172800,
	smtp_timeouts	TEXT NOT NULL DEFAULT '',	-- NAME=SECS,...; '': defaults
	-- what the law gate found missing when the operator sent anyway
	law_override	TEXT NOT NULL DEFAULT '',
	-- when it starts (0: at once) and whether it waits for that time:
	-- '' (started or never scheduled), 'scheduled', 'held' (a pre-send
	-- check failed at its time: held_reason) or 'cancelled'
	scheduled_at	INTEGER NOT NULL DEFAULT 0,
	schedule	TEXT NOT NULL DEFAULT '',
	held_reason	TEXT NOT NULL DEFAULT '',
	-- the hours (and days) transactions may start in; '': any time
	send_window	TEXT NOT NULL DEFAULT ''
);

-- What a send sends: the issue's headers and body as they were when the
-- send started. The engine, the preview and the report read this copy; an
-- issue whose send is not finished cannot be changed (`herald issue copy`
-- makes a new one from it).
CREATE TABLE send_content (
	id		INTEGER PRIMARY KEY REFERENCES sends(id) ON DELETE CASCADE,
	from_hdr	TEXT NOT NULL,
	reply_to	TEXT NOT NULL DEFAULT '',
	subject		TEXT NOT NULL,
	body		TEXT NOT NULL,
	unsubscribe	TEXT NOT NULL DEFAULT '',
	encoding	TEXT NOT NULL DEFAULT 'auto',
	charset		TEXT NOT NULL DEFAULT 'utf-8'
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
	stage		TEXT NOT NULL DEFAULT '',
	class		TEXT NOT NULL DEFAULT '',	-- hard, soft, sender, unknown
	reason		TEXT NOT NULL DEFAULT '',	-- user-unknown, policy, ...
	tls_policy	TEXT NOT NULL DEFAULT ''	-- the policy that applied
);
-- A state change moves no entry of recipients_send; only taking up a
-- queued or deferred recipient touches the partial indexes (the engine
-- commits a few pages a turn, not one per state).
CREATE INDEX recipients_send ON recipients (send_id);
CREATE INDEX recipients_queued ON recipients (send_id, id)
	WHERE state = 'queued';
CREATE INDEX recipients_deferred ON recipients (send_id, id)
	WHERE state = 'deferred';

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
	reply		TEXT NOT NULL DEFAULT '',
	class		TEXT NOT NULL DEFAULT '',
	reason		TEXT NOT NULL DEFAULT '',
	tls_policy	TEXT NOT NULL DEFAULT ''
);
-- Appended to at its end only: one page a commit.
CREATE INDEX send_events_send ON send_events (send_id, id);

-- One SMTP session's TLS outcome (or a failed attempt at one) in RFC 8460
-- terms, for the TLS reports sent to domains that ask (TLS-RPT): the
-- policy type (tlsa, sts, no-policy-found) and its strings as a JSON
-- array, the MX, and success or the failure's result type
-- (starttls-not-supported, certificate-host-mismatch, validation-failure,
-- sts-policy-fetch-error, tlsa-invalid, ...). Written by the engine.
CREATE TABLE tls_sessions (
	id		INTEGER PRIMARY KEY,
	send_id		INTEGER,			-- kept when the send goes
	at		INTEGER NOT NULL,
	domain		TEXT NOT NULL,			-- the policy domain
	policy_type	TEXT NOT NULL,			-- tlsa, sts, no-policy-found
	policy_string	TEXT NOT NULL DEFAULT '[]',	-- JSON array of strings
	mx_host		TEXT NOT NULL DEFAULT '',
	mx_ip		TEXT NOT NULL DEFAULT '',
	sending_ip	TEXT NOT NULL DEFAULT '',
	result		TEXT NOT NULL,			-- success, or a result type
	detail		TEXT NOT NULL DEFAULT ''	-- additional information
);
CREATE INDEX tls_sessions_domain ON tls_sessions (domain, at);
-- The MTA-STS policies fetched (RFC 8461 5), by policy domain: the id of
-- the _mta-sts TXT record it was fetched for, its text, and when it
-- expires (fetched_at + max_age). A policy is fetched again when the id
-- changes or it nears expiry; until it expires it is applied even when a
-- later fetch fails (that is what keeps an attacker from removing it).
CREATE TABLE sts_policies (
	domain		TEXT PRIMARY KEY,
	id		TEXT NOT NULL,
	policy		TEXT NOT NULL,
	fetched_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
) WITHOUT ROWID;

-- The TLS reports (RFC 8460) sent: one per policy domain and UTC day, its
-- report id kept through retries; sent_at once every URI took it. Each
-- URI's last try is kept, so only a failed one is tried again.
CREATE TABLE tlsrpt_reports (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,			-- the policy domain
	day		TEXT NOT NULL,			-- YYYY-MM-DD, UTC
	report_id	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	sent_at		INTEGER,			-- NULL: not yet
	UNIQUE (domain, day)
);
CREATE TABLE tlsrpt_deliveries (
	report_id	INTEGER NOT NULL REFERENCES tlsrpt_reports (id)
			ON DELETE CASCADE,
	uri		TEXT NOT NULL,			-- mailto:... or https://...
	status		TEXT NOT NULL,			-- sent, failed
	detail		TEXT NOT NULL DEFAULT '',	-- why it failed
	at		INTEGER NOT NULL,
	PRIMARY KEY (report_id, uri)
);

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
-- The POP3 messages read from the feedback mailbox (feedback_source), by
-- account (pop3s://USER@HOST[:PORT]) and UIDL: POP3 cannot flag a message
-- and herald never deletes one, so these are not downloaded again.
CREATE TABLE feedback_fetched (
	account		TEXT NOT NULL,
	uidl		TEXT NOT NULL,
	at		INTEGER NOT NULL,
	PRIMARY KEY (account, uidl)
) WITHOUT ROWID;
-- Consent to receive mail, by list name and address (lower-cased). Not
-- tied to contacts or lists by a foreign key: the law wants the record
-- kept a month past the last mail to the address even when the contact
-- or its list is gone (store_consent_prune removes it after that).
CREATE TABLE consent (
	list		TEXT NOT NULL,			-- the list's name
	addr_lc		TEXT NOT NULL,
	addr		TEXT NOT NULL,
	name		TEXT NOT NULL DEFAULT '',
	consent_at	TEXT NOT NULL DEFAULT '',	-- ISO 8601, as given
	consent_source	TEXT NOT NULL DEFAULT '',	-- web form, paper, ...
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (list, addr_lc)
) WITHOUT ROWID;

-- Each provider's pace as a send's engine last wrote it (version 18): its
-- state (normal, slowed, throttled), the sessions it may have now and at
-- most, the messages a minute now (0: no limit), the next try (0: now).
CREATE TABLE send_pacing (
	send_id		INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
	provider	TEXT NOT NULL,		-- "yahoo", or an MX host
	state		TEXT NOT NULL,
	sessions	INTEGER NOT NULL,
	max_sessions	INTEGER NOT NULL,
	per_minute	INTEGER NOT NULL DEFAULT 0,
	next_try	INTEGER NOT NULL DEFAULT 0,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (send_id, provider)
);

-- A saved segment (version 19): the members of one list that match a
-- filter (src/audience/filter.h), kept as the text the operator wrote
-- and parsed when used. A segment goes with its list.
CREATE TABLE segments (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	list_id		INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
	expr		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
);
