/*
 * The Lists screen: the mailing lists (screen.c, actions.c, import.c) and
 * the members of one list (members.c), pushed over it.
 */
#ifndef HERALD_UI_LISTS_H
#define HERALD_UI_LISTS_H

#include <stdint.h>

#include "ui/kit/screen.h"

extern const struct screen_ops screen_lists_ops;	/* the tab */
extern const struct screen_ops screen_members_ops;	/* arg: list name */

/* ---- import (import.c) ---- */

/* Called once the import is over: ok 1 if committed, 0 otherwise. */
typedef void (*import_done_fn)(struct ui *, const char *list, int ok,
	    void *arg);
/* Import path into list in steps, with a progress dialog and, when done,
 * a summary; Esc or Ctrl-C rolls back. Errors go to the status line. */
void	import_run(struct ui *, const char *list, const char *path,
	    import_done_fn, void *arg);
/* A list name from a file name: "/x/news-2024.csv" -> "news-2024". */
char	*import_list_name(const char *path);

/* ---- what the Lists screen and a list's members share (actions.c) ---- */

/* Ask for a file, then (when list is NULL) for the list, defaulting to
 * deflist or a name made from the file name; then import. */
void	list_import_start(struct ui *, const char *list, const char *deflist,
	    import_done_fn, void *arg);
/* Ask for a path (default ./LIST.csv; y/N before overwriting) and write
 * the list there as CSV. */
void	list_export_start(struct ui *, const char *list);
/* y/N naming the list and its member count, then remove it. */
typedef void (*list_deleted_fn)(struct ui *, void *arg);
void	list_delete_start(struct ui *, const char *list, int64_t members,
	    list_deleted_fn, void *arg);

#endif
