-- Version 10: addresses differing only in the letter case of the local
-- part are one member of a list (config local_part_case = fold, the
-- default). Imports look a member up by its lower-cased address, and a
-- send leaves out the later spelling of members an older herald stored
-- twice; both find spellings with capitals through this index (an
-- all-lower-case one through the primary key), which holds only those, so
-- a list written in lower case costs it nothing.
CREATE INDEX contacts_addr_lc ON contacts (list_id, lower(addr))
	WHERE addr <> lower(addr);
