-- Version 15: what each delivery's TLS came to, for MTA-STS and TLS-RPT.
-- recipients.tls_policy and send_events.tls_policy name the policy that
-- applied to the attempt (dane, mta-sts, may, encrypt, verify, none;
-- '' before one), beside the configured one on sends. tls_sessions keeps
-- one row per SMTP session (or failed attempt at one) with the RFC 8460
-- terms a TLS report is built from: the policy type and its strings, the
-- MX, and success or the failure's result type.
ALTER TABLE recipients ADD COLUMN tls_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE send_events ADD COLUMN tls_policy TEXT NOT NULL DEFAULT '';
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
