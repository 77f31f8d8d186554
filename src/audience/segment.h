/*
 * Saved segments: a name for one list's members that match a filter
 * (herald segment, the Lists screen). The rows are kept by the store
 * (store_segment.h); this resolves a name into what a query needs.
 */
#ifndef HERALD_SEGMENT_H
#define HERALD_SEGMENT_H

#include <stdint.h>

struct store;
struct filter;

/*
 * Segment name: its list (*list, the list's id; *list_name allocated when
 * not NULL) and its filter parsed (*f, free with filter_free). Give *f to
 * store_contacts_filter, store_contacts_count_filter or
 * store_contacts_to_send_filter (store_segment.h), or inside the store to
 * store_filter_sql (store_int.h) to put it into a query of one's own.
 * 0 found, 1 no such segment (*cause says so), -1 error (*cause).
 */
int	 segment_resolve(struct store *, const char *name, int64_t *list,
	    char **list_name, struct filter **f, char **cause);

#endif
