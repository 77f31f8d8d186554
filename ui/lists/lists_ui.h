/*
 * The Lists screen: the mailing lists (screen.c, actions.c, import.c) and
 * the members of one list (members.c), pushed over it.
 */
#ifndef HERALD_UI_LISTS_H
#define HERALD_UI_LISTS_H

#include "ui/kit/screen.h"

extern const struct screen_ops screen_lists_ops;	/* the tab */
extern const struct screen_ops screen_members_ops;	/* arg: list name */

#endif
