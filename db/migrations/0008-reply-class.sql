-- Version 8: what a failure reply says about its recipient (the reply
-- classifier, src/reply_class.c): class is hard (address-level and
-- permanent: the address was suppressed), soft, sender (the sender was
-- refused: policy, authentication, reputation, rate) or unknown; reason is
-- a word (user-unknown, mailbox-full, authentication, ...). '' where no
-- reply failed, and on rows written before this version.
ALTER TABLE recipients ADD COLUMN class TEXT NOT NULL DEFAULT '';
ALTER TABLE recipients ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE send_events ADD COLUMN class TEXT NOT NULL DEFAULT '';
ALTER TABLE send_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
