/*
 * Tag lists: the "tag=value; tag=value" syntax of DKIM key records
 * (RFC 6376 section 3.2) and DMARC records (RFC 7489 section 6.4).
 */
#ifndef HERALD_TAGLIST_H
#define HERALD_TAGLIST_H

#include <stddef.h>

/* One tag=value element: pointers into the record, not NUL-terminated. */
struct tag {
	const char	*name, *value;
	size_t		 nlen, vlen;
};

/* White space a tag list allows around its parts: DKIM's FWS takes line
 * breaks too, DMARC's WSP only spaces and tabs. */
enum taglist_ws {
	TAGLIST_WSP,
	TAGLIST_FWS,
};

/* Is c white space of that kind? */
int	taglist_ws(char c, enum taglist_ws);
/*
 * Cut the next element off [*p, end) into t and move *p past its ';'.
 * Returns 1 for a tag, 0 at the end, -1 with *cause on bad syntax. Empty
 * elements (";;", a final ";") are skipped.
 */
int	taglist_next(const char **p, const char *end, enum taglist_ws,
	    struct tag *t, char **cause);
/* Is t named name (ASCII case-insensitive)? */
int	tag_is(const struct tag *, const char *name);

#endif
