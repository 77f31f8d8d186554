/*
 * Labelled lines: the body of a view that shows one thing in full (a
 * recipient of a send, a feedback message), each line a label and its
 * text wrapped after it, scrolled a line at a time.
 */
#include <stdlib.h>

#include "widget.h"

/* Append a line; the label and text are copied. */
void
kv_add(struct kv *l, const char *label, enum ui_role role,
    const char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 32 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].label = xstrdup(label);
	l->v[l->n].text = xstrdup(text);
	l->v[l->n].role = role;
	l->n++;
}

/* Free the lines (the struct itself is the caller's). */
void
kv_free(struct kv *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].label);
		free(l->v[i].text);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = l->top = 0;
}

/* From line top on, rows y up to bottom: a label dimmed unless the line
 * is emphasised, then its text wrapped; an empty text leaves a blank row. */
void
kv_draw(struct ui *ui, const struct kv *l, int y, int x, int w,
    int bottom, int labelw)
{
	size_t	i;

	for (i = l->top; i < l->n && y < bottom; i++) {
		ui_print(ui, y, x, labelw, *l->v[i].label != '\0' &&
		    l->v[i].role == ROLE_EMPH ? ROLE_EMPH : ROLE_DIM,
		    l->v[i].label);
		y += ui_wrap(ui, y, x + labelw, w - labelw, bottom - y,
		    l->v[i].role, l->v[i].text);
		if (*l->v[i].text == '\0')
			y++;
	}
}

/* j k, arrows and g Home scroll; any other key is not ours. */
enum ui_action
kv_scroll(struct kv *l, int key)
{
	switch (key) {
	case 'j':
	case UI_FKEY(KEY_DOWN):
		if (l->top + 1 < l->n)
			l->top++;
		return UI_REDRAW;
	case 'k':
	case UI_FKEY(KEY_UP):
		if (l->top > 0)
			l->top--;
		return UI_REDRAW;
	case 'g':
	case UI_FKEY(KEY_HOME):
		l->top = 0;
		return UI_REDRAW;
	}
	return UI_IGNORED;
}
