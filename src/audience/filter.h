/*
 * The audience filter language: which members of a list an expression
 * picks, e.g.
 *
 *	city = '東京' and joined < 2025-01-01
 *	domain in ('docomo.ne.jp', 'ezweb.ne.jp') or not name is empty
 *
 * Fields: email, domain, name, or any imported attribute (a bare word, or
 * "double quoted" for any name; a quoted name is always an attribute).
 * Operators = != < <= > >= (numbers and ISO dates compare as such,
 * strings as text, = and != ignoring ASCII letter case), ~ (substring,
 * letter case ignored), in (v, ...), is [not] empty; and, or, not,
 * parentheses. Values: 'strings' ('' is a quote), numbers (-12, 3.5),
 * dates YYYY-MM-DD with an optional time (T or a space, HH:MM[:SS]).
 *
 * This module parses to a tree (filter_types.h) and prints one back; it
 * knows no SQL: the store turns the tree into a WHERE clause with bound
 * parameters (store_filter.c).
 */
#ifndef HERALD_FILTER_H
#define HERALD_FILTER_H

#include <stddef.h>

#include "audience/filter_types.h"

/* Nesting deeper than this is refused (the parser recurses). */
#define FILTER_MAX_DEPTH	64

/*
 * Parse text (UTF-8). 0 with *out (free with filter_free), or -1 with
 * *col the 1-based column, in characters, of the token at fault (one past
 * the last character when the text ended too soon) and *cause "column N:
 * what is wrong".
 */
int	 filter_parse(const char *text, struct filter **out, size_t *col,
	    char **cause);
void	 filter_free(struct filter *);
/* The filter as text that parses back to an equal tree (allocated). */
char	*filter_print(const struct filter *);
/* 1 if the two trees are the same. */
int	 filter_equal(const struct filter *, const struct filter *);
/*
 * 1 if text is meant as a filter rather than words to look for: it
 * starts with '(' or "not", or with a field followed by an operator (so
 * "smith" is plain text, "name ~" a filter yet to be finished).
 */
int	 filter_intended(const char *text);

#endif
