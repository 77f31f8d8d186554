/*
 * A screen's actions: one table per screen names each key once, with the
 * key bar's label, the help's line and the function that runs, so the
 * key handling, the key bar and the help cannot drift apart. The kit runs
 * a key through the table (action_key), draws the key bar from it
 * (action_bar) and writes the help from it (action_help). The shell's own
 * keys are a table too, handed to the kit (ui->keys): its labels frame
 * the view's in the key bar and its help is the "Everywhere" block.
 *
 * Uses screen.h only.
 */
#ifndef HERALD_UI_ACTION_H
#define HERALD_UI_ACTION_H

#include "screen.h"

struct buf;

#define ACTION_CODES	6	/* key codes one action answers to */

/* Do what the key asks; UI_IGNORED when it does not apply now (the next
 * action, then the shell, may take the key). */
typedef enum ui_action (*action_fn)(struct ui *, void *state, int key);
/* 1 when the action's label belongs in the key bar now. */
typedef int (*action_shown_fn)(void *state);

/*
 * One action. A table ends with an entry whose key, label and run are all
 * NULL. key NULL: a key that works but is not in the help (an alias); run
 * NULL: a line of help only (the shell does it, e.g. Esc backs out of a
 * view); help NULL: a label only, the key bar's other name for a key the
 * table lists, shown in another state. No codes: run is offered every key
 * and ignores what is not its own (moving in a table, typing in a field).
 */
struct action {
	const char	*key;		/* as the help writes it: "Enter" */
	const char	*label;		/* in the key bar; NULL: help only */
	const char	*help;
	int		 codes[ACTION_CODES];	/* 0 ends the list */
	action_fn	 run;
	action_shown_fn	 shown;		/* NULL: the label always shows */
};

/* In the shell's table: where the view's labels go in the key bar. */
#define ACTION_VIEW_LABELS	{ NULL, "", NULL, { 0 }, NULL, NULL }

/* Offer key to the table's actions in order; the first that does not
 * ignore it answers. */
enum ui_action	action_key(const struct action *, struct ui *, void *state,
		    int key);
/* Back out of the view (UI_POP): what a view's back keys run. */
enum ui_action	action_pop(struct ui *, void *state, int key);
/* The key bar: the shell's labels shown in its state, with the view's
 * labels shown in the view's state at the shell's ACTION_VIEW_LABELS. */
void		action_bar(struct ui *, const struct action *shell,
		    void *shell_state, const struct action *view,
		    void *view_state);
/* One help line per key, keys padded to a column. */
void		action_help(struct buf *, const struct action *);

#endif
