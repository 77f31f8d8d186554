/*
 * Merge fields in an issue's Subject and body.
 *
 *   {{name}}          the recipient's name ("" when the list has none)
 *   {{email}}         the recipient's address
 *   {{ATTR}}          an imported attribute (a column of the list's file)
 *   {{name|there}}    "there" when the value is missing or empty:
 *                     {{name|ご担当者}} 様 reads well with no name
 *   {{date}}          the day it is sent, 2026-12-08 (datefmt.h);
 *   {{date:ja}}       2026年12月8日(火); {{date:en}} 8 December 2026
 *                     (a list column named so takes precedence)
 *   {{{{              a literal "{{"
 *
 * Field names match attribute names ignoring ASCII case; white space
 * around a name and around a default is dropped. A field ends on the line
 * it starts. Inside the message module only.
 */
#ifndef HERALD_MERGE_H
#define HERALD_MERGE_H

#include <stddef.h>
#include <time.h>

#include "base/util.h"

struct recipient;

#define MERGE_NAME_MAX	128	/* bytes of a field name */

/*
 * Check the fields of text (what names it in errors: "Subject", "body"):
 * syntax, and that each can be filled: email, name, one of attrs, or with
 * a default. The error names the line and the field.
 */
int	merge_check(const char *text, size_t len, const char *what,
	    char *const *attrs, size_t nattrs, char **cause);
/*
 * Append text with its fields filled for one recipient, {{date}} from
 * date (0: now). With header set,
 * control characters in filled values become spaces, so a value can never
 * break a header line.
 */
int	merge_expand(struct buf *, const char *text, size_t len,
	    const char *what, const struct recipient *, time_t date,
	    int header, char **cause);
/* The distinct field names text uses, in order (allocated; for the
 * console's "merge values used"). */
int	merge_fields(const char *text, size_t len, char ***names, size_t *n,
	    char **cause);

#endif
