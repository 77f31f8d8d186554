-- Version 9: a new DKIM key waits for its record to be published before
-- it signs (signatures no receiver can check would fail). Keys made
-- before this version keep their active state: none of them is pending.
ALTER TABLE dkim_keys ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
