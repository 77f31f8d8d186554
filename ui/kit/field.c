/*
 * A one-line text field: UTF-8 text edited a character at a time, with a
 * cursor, horizontal scrolling by display columns and the usual readline
 * keys (Ctrl-A/E/U/K/W). Control characters are never inserted. A masked
 * field (a password) draws a '*' for each character; no field leaves its
 * text in memory it frees or no longer uses.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "widget.h"

#define FIELD_MAX	4096	/* bytes */

/* A field holding initial, cursor at the end. */
void
field_init(struct field *f, const char *initial)
{
	memset(f, 0, sizeof *f);
	f->max = FIELD_MAX;
	field_set(f, initial != NULL ? initial : "");
}

/* Wipe and free the field's text. */
void
field_free(struct field *f)
{
	if (f->text != NULL)
		explicit_bzero(f->text, f->cap);
	free(f->text);
	f->text = NULL;
	f->len = f->cap = f->cur = 0;
}

/* Replace the text; the cursor goes to the end. */
void
field_set(struct field *f, const char *s)
{
	size_t	len = strlen(s);

	if (len > f->max) {
		len = f->max;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	field_free(f);
	f->cap = len + 64;
	f->text = xmalloc(f->cap);
	memcpy(f->text, s, len);
	f->text[len] = '\0';
	f->len = f->cur = len;
	f->scroll = 0;
	f->selected = 0;
}

/* Select all: the next character typed replaces the text. */
void
field_select_all(struct field *f)
{
	f->selected = f->len > 0;
}

/* Display columns of the first n bytes of s. */
static int
field_width(const char *s, size_t n)
{
	char	*t = xstrndup(s, n);
	int	 w = utf8_width(t);

	free(t);
	return w;
}

/* Offset of the character before off. */
static size_t
field_prev(const struct field *f, size_t off)
{
	if (off == 0)
		return 0;
	off--;
	while (off > 0 && ((unsigned char)f->text[off] & 0xc0) == 0x80)
		off--;
	return off;
}

/* Offset of the character after off. */
static size_t
field_next(const struct field *f, size_t off)
{
	if (off >= f->len)
		return f->len;
	off++;
	while (off < f->len && ((unsigned char)f->text[off] & 0xc0) == 0x80)
		off++;
	return off;
}

/* Remove the bytes [from, to); the bytes freed at the end are wiped. */
static void
field_cut(struct field *f, size_t from, size_t to)
{
	memmove(f->text + from, f->text + to, f->len - to + 1);
	explicit_bzero(f->text + f->len - (to - from) + 1, to - from);
	f->len -= to - from;
	f->cur = from;
}

/* Insert code point cp at the cursor; 0, or -1 if it is not text. */
static int
field_insert(struct field *f, unsigned int cp)
{
	char	u[4], *grown;
	size_t	n;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return -1;
	n = utf8_encode(cp, u);
	if (f->len + n > f->max) {
		beep();		/* full: say so, not drop keys unheard */
		return 0;
	}
	if (f->len + n + 1 > f->cap) {
		/* Not realloc: the old buffer is wiped before it is freed. */
		grown = xmalloc((f->len + n + 1) * 2);
		memcpy(grown, f->text, f->len + 1);
		explicit_bzero(f->text, f->cap);
		free(f->text);
		f->text = grown;
		f->cap = (f->len + n + 1) * 2;
	}
	memmove(f->text + f->cur + n, f->text + f->cur, f->len - f->cur + 1);
	memcpy(f->text + f->cur, u, n);
	f->len += n;
	f->cur += n;
	return 0;
}

/* Ctrl-W: back to the previous space or slash. */
static void
field_cut_word(struct field *f)
{
	size_t	start = f->cur;

	while (start > 0 && (f->text[start - 1] == ' ' ||
	    f->text[start - 1] == '/'))
		start--;
	while (start > 0 && f->text[start - 1] != ' ' &&
	    f->text[start - 1] != '/')
		start--;
	field_cut(f, start, f->cur);
}

/*
 * The first key on a selected text: a deleting key clears it (1: the key
 * is done), a character clears it and is then inserted as usual, any
 * other key only drops the selection.
 */
static int
field_key_selected(struct field *f, int key)
{
	f->selected = 0;
	switch (key) {
	case UI_FKEY(KEY_BACKSPACE):
	case 0x7f:
	case UI_CTRL('h'):
	case UI_FKEY(KEY_DC):
	case UI_CTRL('d'):
	case UI_CTRL('u'):
	case UI_CTRL('k'):
	case UI_CTRL('w'):
		field_cut(f, 0, f->len);
		return 1;
	}
	if ((key & UI_FKEY(0)) == 0 && key >= 0x20)
		field_cut(f, 0, f->len);
	return 0;
}

/* Edit by one key; says what happened. */
enum field_result
field_key(struct ui *ui, struct field *f, int key)
{
	if (UI_IS_ENTER(key))
		return FIELD_ENTER;
	if (UI_IS_CANCEL(key))
		return FIELD_CANCEL;
	if (f->selected && field_key_selected(f, key))
		return FIELD_CHANGED;
	switch (key) {
	case UI_FKEY(KEY_LEFT):
	case UI_CTRL('b'):
		f->cur = field_prev(f, f->cur);
		return FIELD_MOVED;
	case UI_FKEY(KEY_RIGHT):
	case UI_CTRL('f'):
		f->cur = field_next(f, f->cur);
		return FIELD_MOVED;
	case UI_FKEY(KEY_HOME):
	case UI_CTRL('a'):
		f->cur = 0;
		return FIELD_MOVED;
	case UI_FKEY(KEY_END):
	case UI_CTRL('e'):
		f->cur = f->len;
		return FIELD_MOVED;
	case UI_FKEY(KEY_BACKSPACE):
	case 0x7f:
	case UI_CTRL('h'):
		if (f->cur == 0)
			return FIELD_MOVED;
		field_cut(f, field_prev(f, f->cur), f->cur);
		return FIELD_CHANGED;
	case UI_FKEY(KEY_DC):
	case UI_CTRL('d'):
		if (f->cur == f->len)
			return FIELD_MOVED;
		field_cut(f, f->cur, field_next(f, f->cur));
		return FIELD_CHANGED;
	case UI_CTRL('u'):
		field_cut(f, 0, f->cur);
		return FIELD_CHANGED;
	case UI_CTRL('k'):
		field_cut(f, f->cur, f->len);
		return FIELD_CHANGED;
	case UI_CTRL('w'):
		field_cut_word(f);
		return FIELD_CHANGED;
	case '\t':
		if (f->complete == NULL)
			return FIELD_IGNORED;
		f->complete(ui, f);
		return FIELD_CHANGED;
	}
	if ((key & UI_FKEY(0)) != 0 || field_insert(f, (unsigned int)key) != 0)
		return FIELD_IGNORED;
	return FIELD_CHANGED;
}

/* Characters (not bytes) in the first n bytes of s. */
static size_t
field_chars(const char *s, size_t n)
{
	size_t	i, chars = 0;

	for (i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

/* A masked field: a '*' a character, scrolled so the cursor shows; the
 * text itself never reaches the screen. */
static void
field_draw_masked(struct ui *ui, struct field *f, int y, int x, int w,
    int focus)
{
	size_t	 col = field_chars(f->text, f->cur);
	size_t	 all = field_chars(f->text, f->len);
	char	*stars;

	if (col < (size_t)f->scroll)
		f->scroll = (int)col;
	if (col - (size_t)f->scroll > (size_t)w - 1)
		f->scroll = (int)(col - ((size_t)w - 1));
	stars = xmalloc(all - (size_t)f->scroll + 1);
	memset(stars, '*', all - (size_t)f->scroll);
	stars[all - (size_t)f->scroll] = '\0';
	ui_fill(ui, y, x, w, ROLE_FIELD, stars);
	free(stars);
	if (focus)
		ui_cursor(ui, y, x + (int)(col - (size_t)f->scroll));
}

/* Draw the field, scrolled so the cursor is visible. */
void
field_draw(struct ui *ui, struct field *f, int y, int x, int w, int focus)
{
	int	 col, skip, lead = 0;
	size_t	 start;
	char	*shown;

	if (w < 2)
		return;
	if (f->masked) {
		field_draw_masked(ui, f, y, x, w, focus);
		return;
	}
	col = field_width(f->text, f->cur);
	if (col < f->scroll)
		f->scroll = col;
	if (col - f->scroll > w - 1)
		f->scroll = col - (w - 1);
	/* The first column shown may fall inside a wide character. */
	start = utf8_prefix(f->text, f->scroll);
	skip = field_width(f->text, start);
	if (skip < f->scroll) {
		start = field_next(f, start);
		lead = field_width(f->text, start) - f->scroll;
	}
	shown = xprintf("%*s%s", lead, "", f->text + start);
	ui_fill(ui, y, x, w, ROLE_FIELD, shown);
	if (f->selected && focus)
		ui_print(ui, y, x, w, ROLE_SELECTED, shown);
	free(shown);
	if (focus)
		ui_cursor(ui, y, x + col - f->scroll);
}
