/*
 * A saved segment by name: its list and its filter parsed (segment.h).
 */
#include <stdlib.h>

#include "audience/filter.h"
#include "audience/segment.h"
#include "base/i18n.h"
#include "base/util.h"
#include "store/store_segment.h"

int
segment_resolve(struct store *st, const char *name, int64_t *list,
    char **list_name, struct filter **f, char **cause)
{
	struct segment_row	 r;
	char			*why;
	int			 rc;

	if ((rc = store_segment_get(st, name, &r, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("no segment %s"), name);
		return rc;
	}
	/* Saved text parsed when saved; a parse failing now is a database
	 * written by hand. */
	if (filter_parse(r.expr, f, NULL, &why) == -1) {
		set_cause(cause, _("segment %s: %s"), name, why);
		free(why);
		store_segment_row_free(&r);
		return -1;
	}
	*list = r.list_id;
	if (list_name != NULL) {
		*list_name = r.list;
		r.list = NULL;
	}
	store_segment_row_free(&r);
	return 0;
}
