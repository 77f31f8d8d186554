/*
 * Running a key through a screen's action table, and the key bar and the
 * help drawn from the same table.
 */
#include <stdlib.h>

#include "action.h"
#include "base/utf8.h"

/* The end of a table. */
static int
action_end(const struct action *a)
{
	return a->key == NULL && a->label == NULL && a->run == NULL;
}

/* The shell's ACTION_VIEW_LABELS. */
static int
action_is_view_labels(const struct action *a)
{
	return a->key == NULL && a->label != NULL && a->run == NULL;
}

/* 1 if a answers to key (an action without codes sees every key). */
static int
action_has(const struct action *a, int key)
{
	int	i;

	if (a->codes[0] == 0)
		return 1;
	for (i = 0; i < ACTION_CODES && a->codes[i] != 0; i++)
		if (a->codes[i] == key)
			return 1;
	return 0;
}

enum ui_action
action_key(const struct action *a, struct ui *ui, void *state, int key)
{
	enum ui_action	r;

	for (; a != NULL && !action_end(a); a++) {
		if (a->run == NULL || !action_has(a, key))
			continue;
		if ((r = a->run(ui, state, key)) != UI_IGNORED)
			return r;
	}
	return UI_IGNORED;
}

enum ui_action
action_pop(struct ui *ui, void *state, int key)
{
	(void)ui;
	(void)state;
	(void)key;
	return UI_POP;
}

/* One "key label" pair in the key bar; returns the new x. */
static int
action_bar_item(struct ui *ui, int x, const char *key, const char *label)
{
	int	w = utf8_width(key) + utf8_width(label);

	if (x + w > COLS)
		return COLS;
	x += ui_print(ui, LINES - 1, x, COLS - x, ROLE_KEY, key);
	x += ui_print(ui, LINES - 1, x, COLS - x, ROLE_KEYBAR, label);
	return x + 1;
}

/*
 * The labels of table a shown in state, from x, with those of table in
 * (shown in in_state) where a has ACTION_VIEW_LABELS; returns the new x.
 */
static int
action_bar_labels(struct ui *ui, int x, const struct action *a, void *state,
    const struct action *in, void *in_state)
{
	char	*s;

	for (; a != NULL && !action_end(a); a++) {
		if (action_is_view_labels(a))
			x = action_bar_labels(ui, x, in, in_state, NULL, NULL);
		else if (a->key != NULL && a->label != NULL &&
		    (a->shown == NULL || a->shown(state))) {
			s = xprintf(" %s", ui_tr(a->label));
			x = action_bar_item(ui, x, ui_tr(a->key), s);
			free(s);
		}
	}
	return x;
}

void
action_bar(struct ui *ui, const struct action *shell, void *shell_state,
    const struct action *view, void *view_state)
{
	action_bar_labels(ui, 0, shell, shell_state, view, view_state);
}

void
action_help(struct buf *b, const struct action *a)
{
	int	w;

	for (; a != NULL && !action_end(a); a++) {
		if (a->key == NULL || a->help == NULL)
			continue;
		/* Key names may be translated too (N_() in the tables). */
		w = utf8_width(ui_tr(a->key));
		buf_printf(b, "  %s%*s %s\n", ui_tr(a->key),
		    w < 10 ? 10 - w : 0, "",
		    ui_tr(a->help));
	}
}
