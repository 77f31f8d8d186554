-- Version 17: the TLS reports (RFC 8460) sent. One row per policy domain
-- and UTC day, made when its report is first built (its report id stays
-- the same through retries); sent_at is set once every URI the domain
-- asked for took it. tlsrpt_deliveries keeps each URI's last try, so a
-- failed one is tried again and a successful one never twice.
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
