-- Version 13: the charset an issue goes out in, utf-8 or iso-2022-jp (for
-- Japanese readers whose mail programs expect it), on the issue and on
-- its send's own copy. The transfer encoding column (encoding) now also
-- takes base64 and quoted-printable; its values need no change.
ALTER TABLE issues ADD COLUMN charset TEXT NOT NULL DEFAULT 'utf-8';
ALTER TABLE send_content ADD COLUMN charset TEXT NOT NULL DEFAULT 'utf-8';
