-- Version 12: the POP3 messages herald has read from the feedback mailbox
-- (feedback_source), by account and UIDL. POP3 has no flag to set on the
-- server and herald never deletes there, so what was handled is kept here
-- and not downloaded again.
CREATE TABLE feedback_fetched (
	account		TEXT NOT NULL,	-- pop3s://USER@HOST[:PORT]
	uidl		TEXT NOT NULL,
	at		INTEGER NOT NULL,
	PRIMARY KEY (account, uidl)
) WITHOUT ROWID;
