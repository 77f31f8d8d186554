/*
 * Exporting a list as CSV (RFC 4180, CRLF line ends): a header row
 * "email,name,ATTR..." then one row per member. Re-importing the file
 * gives the same list, attributes included.
 */
#ifndef HERALD_EXPORT_H
#define HERALD_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "base/util.h"

struct store;

/* Write list's members to out. Returns 0 (with *rows set) or -1 and *cause
 * (1 is never returned: a missing list is an error naming it). */
int	export_list(struct store *, const char *list, FILE *out,
	    uint64_t *rows, char **cause);
/* Append one CSV field, quoted when it needs to be. */
void	csv_field(struct buf *, const char *s, char delim);

#endif
