-- Version 10: addresses differing only in the letter case of the local
-- part are one member of a list (config local_part_case = fold, the
-- default). Imports look a member up by its lower-cased address, and a
-- send leaves out the later spelling of members an older herald stored
-- twice; both find spellings with capitals through this index (an
-- all-lower-case one through the primary key), which holds only those.
-- Whether an address has capitals is a column the insert sets (herald
-- knows it from the bytes it already walks), so an all-lower-case row
-- costs the index one integer test, not a lower() call per insert.
ALTER TABLE contacts ADD COLUMN caps INTEGER NOT NULL DEFAULT 0;
UPDATE contacts SET caps = 1 WHERE addr <> lower(addr);
CREATE INDEX contacts_addr_lc ON contacts (list_id, lower(addr))
	WHERE caps = 1;
