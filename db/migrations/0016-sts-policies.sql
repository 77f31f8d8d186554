-- Version 16: the MTA-STS policy cache (RFC 8461 5), by policy domain:
-- the _mta-sts TXT record's id it was fetched for, the policy's text, when
-- it was fetched and when it expires (fetched_at + max_age).
CREATE TABLE sts_policies (
	domain		TEXT PRIMARY KEY,
	id		TEXT NOT NULL,
	policy		TEXT NOT NULL,
	fetched_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
) WITHOUT ROWID;
