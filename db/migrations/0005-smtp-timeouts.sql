-- Version 5: a send keeps the SMTP timeouts it was started with.
ALTER TABLE sends ADD COLUMN smtp_timeouts TEXT NOT NULL DEFAULT '';
