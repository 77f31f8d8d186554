/*
 * The Settings screen (screen.c) and the first-run setup (setup.c), which
 * the shell opens when no From address is set and other screens offer.
 */
#ifndef HERALD_UI_SETTINGS_H
#define HERALD_UI_SETTINGS_H

#include "ui/kit/screen.h"

extern const struct screen_ops screen_settings_ops;	/* the tab */
extern const struct screen_ops screen_setup_ops;	/* arg: NULL */

#endif
