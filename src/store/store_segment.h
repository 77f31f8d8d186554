/*
 * Saved segments (db table segments, version 19): a name, a list and a
 * filter's text (src/audience/filter.h), and the members queries that
 * take a parsed filter. The filter's SQL is built here from the tree
 * (store_filter.c), every value and attribute name a bound parameter.
 */
#ifndef HERALD_STORE_SEGMENT_H
#define HERALD_STORE_SEGMENT_H

#include <stdint.h>

#include "store.h"		/* store_contact_cb */

struct filter;

struct segment_row {
	int64_t		 id;
	char		*name;
	int64_t		 list_id;
	char		*list;		/* the list's name */
	char		*expr;		/* the filter as given */
	int64_t		 created_at;
};

/* Save a segment of list. 0, 1 when the name is taken, -1 error. */
int	 store_segment_add(struct store *, const char *name, int64_t list,
	    const char *expr, char **cause);
/* 0 found (*row filled, free with store_segment_row_free), 1 not found,
 * -1 error. */
int	 store_segment_get(struct store *, const char *name,
	    struct segment_row *, char **cause);
/* Every segment by name; free with store_segments_free. */
int	 store_segments(struct store *, struct segment_row **, size_t *,
	    char **cause);
void	 store_segment_row_free(struct segment_row *);
void	 store_segments_free(struct segment_row *, size_t);
/* 0 removed, 1 not found, -1 error. */
int	 store_segment_remove(struct store *, const char *name, char **cause);

/*
 * The members queries of store.h with a parsed filter f (NULL: every
 * member): store_contacts (offset/limit page, 0 = all), and the count of
 * matches (unsuppressed set: only members whose address is not
 * suppressed), and store_contacts_to_send.
 */
int	 store_contacts_filter(struct store *, int64_t list,
	    const struct filter *f, int64_t offset, int64_t limit,
	    store_contact_cb, void *arg, char **cause);
int	 store_contacts_count_filter(struct store *, int64_t list,
	    const struct filter *f, int unsuppressed, int64_t *count,
	    char **cause);
int	 store_contacts_to_send_filter(struct store *, int64_t list,
	    const struct filter *f, store_contact_cb, void *arg,
	    char **cause);

#endif
