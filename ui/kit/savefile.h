/*
 * Saving something a view shows to a file the operator names (savefile.c).
 */
#ifndef HERALD_UI_SAVEFILE_H
#define HERALD_UI_SAVEFILE_H

#include <stdio.h>

#include "widget.h"

/* Write the contents to f; 0, or -1 with *cause. */
typedef int (*save_write_fn)(FILE *f, void *arg, char **cause);

/* Prompt for a path (default def), y/N before replacing a file, write
 * through write(f, arg) beside it and rename into place (mode 0644);
 * the status line then says done, a sentence with the path at its "%s"
 * (translated: the path goes where the language puts it). arg must outlive the dialogs
 * (they are modal: the view that opened them stays). */
void	save_start(struct ui *, const char *title, const char *label,
	    const char *def, const char *done, save_write_fn write, void *arg);

#endif
