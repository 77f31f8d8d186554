/*
 * Mailboxes: validation against RFC 5321 and normalisation.
 *
 * A valid address has a dot-atom or quoted-string local part of at most 64
 * octets, a domain of LDH labels (1-63 octets each, at most 255 in all, at
 * least two labels) or an address literal, and is at most 254 octets in all.
 * A domain in Unicode is converted to its A-label (IDNA 2008, libidn2).
 * Normalised form: the local part as written, the domain lower-cased. That
 * form is the key for deduplication (case-insensitive on the domain only).
 */
#ifndef HERALD_ADDR_H
#define HERALD_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX	64
#define ADDR_DOMAIN_MAX	255
#define ADDR_MAX	254
#define ADDR_NAME_MAX	256	/* display name, bytes */

/*
 * Validate and normalise the address s[0..len) (no angle brackets,
 * surrounding spaces allowed). On success writes the normalised address
 * (NUL-terminated) to out[ADDR_MAX + 1] and returns 0; otherwise returns -1
 * with *reason set to a static explanation such as "domain label longer
 * than 63 characters".
 */
int	addr_normalise(const char *s, size_t len, char *out, const char **reason);

/*
 * Parse a mailbox as people write it: "a@example.org",
 * "Jane Doe <a@example.org>", "\"Doe, Jane\" <a@example.org>" or
 * "<a@example.org>". Writes the normalised address to addr[ADDR_MAX + 1] and
 * the display name (unquoted, possibly empty) to name[ADDR_NAME_MAX + 1].
 * Returns 0, or -1 with *reason set.
 */
int	addr_parse_mailbox(const char *s, size_t len, char *name, char *addr,
	    const char **reason);

/*
 * Clean a display name into name[ADDR_NAME_MAX + 1]: runs of white space
 * (line breaks too) become one space, the ends are trimmed; with unquote,
 * quoted parts lose their quotes and backslash escapes. Returns NULL, or a
 * static reason (control character, invalid UTF-8, too long).
 */
const char *addr_clean_name(const char *s, size_t len, char *name,
	    int unquote);

/* The domain part of a normalised address (after the last '@'). */
const char *addr_domain(const char *addr);

#endif
