-- Version 14: what Japan's law on advertising mail (特定電子メール法) asks
-- of a sender that herald can keep.
--
-- An issue is an advertisement (ad) or a notice; an ad is sent only with
-- the sender's display, the footer and a consent record for every
-- recipient, unless the operator overrides that (law_override on the send
-- says what was missing).
ALTER TABLE issues ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE sends ADD COLUMN law_override TEXT NOT NULL DEFAULT '';
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
