/*
 * Widgets: a table, a text field, a progress meter, and the modal dialogs
 * built from them (prompt, confirm, message, help, import). A widget owns
 * no data it shows: tables ask for cells, so a view can page a million
 * rows from the database without holding them.
 */
#ifndef HERALD_UI_WIDGET_H
#define HERALD_UI_WIDGET_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"

/* ---- table (table.c) ---- */

struct table_col {
	const char	*title;		/* N_(): translated where drawn */
	int		 min;		/* columns at least */
	int		 weight;	/* share of the spare width (0: none) */
	int		 right;		/* right-aligned (numbers) */
};

struct table {
	const struct table_col	*cols;
	int			 ncols;
	int64_t			 rows;
	int64_t			 sel;	/* selected row, -1 when empty */
	int64_t			 top;	/* first row shown */
	int			 page;	/* rows shown at the last layout */
	int			 widths[16];
};

/* Text of row's column col; valid until the next call. NULL: empty. */
typedef const char *(*table_cell_fn)(void *arg, int64_t row, int col);
/* The role of one cell (NULL function: ROLE_NORMAL); the selected row is
 * drawn as ROLE_SELECTED whatever this says. */
typedef enum ui_role (*table_role_fn)(void *arg, int64_t row, int col);

void	table_init(struct table *, const struct table_col *, int ncols);
/* Change the row count; the selection and scroll stay in range. */
void	table_set_rows(struct table *, int64_t rows);
/* Arrows, j/k, PgUp/PgDn, Home/End, g/G: 1 if key was one of them (the
 * selection may have moved), 0 if it is not a table key. */
int	table_key(struct table *, int key);
/* Fit the table to r (header + rows): column widths and the first row
 * shown, so the caller knows which rows to fetch before table_draw(). */
void	table_layout(struct table *, const struct ui_rect *);
void	table_draw(struct ui *, struct table *, const struct ui_rect *,
	    table_cell_fn, table_role_fn, void *arg);

/* ---- text field (field.c) ---- */

struct field;
/* Tab: complete the text (e.g. a file name); may set a message. */
typedef void (*field_complete_fn)(struct ui *, struct field *);

struct field {
	char			*text;	/* UTF-8, NUL-terminated */
	size_t			 len;
	size_t			 cap;
	size_t			 cur;	/* cursor, a byte offset */
	int			 scroll;	/* first column shown */
	size_t			 max;	/* longest text in bytes */
	int			 masked;	/* drawn as '*': a secret */
	int			 selected;	/* all selected: typing replaces */
	field_complete_fn	 complete;
};

enum field_result {
	FIELD_IGNORED,
	FIELD_MOVED,	/* cursor moved */
	FIELD_CHANGED,	/* text changed */
	FIELD_ENTER,
	FIELD_CANCEL,	/* Esc or Ctrl-C */
};

void	field_init(struct field *, const char *initial);
/* Free the text; every byte it held is wiped first (as is what editing
 * cuts or a larger buffer leaves behind), so a secret leaves no copy. */
void	field_free(struct field *);
void	field_set(struct field *, const char *);
/* Select the whole text (if any), as a GUI does with a value it offers:
 * the first character typed replaces it, Backspace clears it, a
 * movement keeps it. */
void	field_select_all(struct field *);
enum field_result field_key(struct ui *, struct field *, int key);
/* Draw in w columns at y,x; with focus the terminal cursor is placed. */
void	field_draw(struct ui *, struct field *, int y, int x, int w,
	    int focus);

/* Tab completion of file names (complete.c). */
void	complete_path(struct ui *, struct field *);
/* "~/x" -> "$HOME/x", allocated. */
char	*path_expand(const char *);

/* ---- progress meter (meter.c) ---- */

/* A bar w columns wide, done of total (total 0: unknown, a moving block). */
void	meter_draw(struct ui *, int y, int x, int w, int64_t done,
	    int64_t total, unsigned int frame);

/* ---- labelled lines (kv.c) ---- */

/* One line of a view showing one thing in full: a label (may be empty)
 * and its text, wrapped after the label. */
struct kv_line {
	char		*label, *text;
	enum ui_role	 role;
};

struct kv {
	struct kv_line	*v;
	size_t		 n, cap;
	size_t		 top;		/* first line shown */
};

void	kv_add(struct kv *, const char *label, enum ui_role,
	    const char *text);
void	kv_free(struct kv *);
void	kv_draw(struct ui *, const struct kv *, int y, int x, int w,
	    int bottom, int labelw);
/* j k, arrows, g Home: UI_REDRAW; other keys UI_IGNORED. */
enum ui_action kv_scroll(struct kv *, int key);

/* ---- dialogs (dialog.c) ---- */

/* Enter: text is the input; Esc: text is NULL. Return -1 to keep the
 * prompt open (after ui_error() saying why), 0 to close it. */
typedef int (*prompt_done_fn)(struct ui *, const char *text, void *arg);
/* A one-line prompt; paths: Tab completes file names. */
void	prompt_open(struct ui *, const char *title, const char *label,
	    const char *initial, int paths, prompt_done_fn, void *arg);

/* A masked prompt for a secret (at most max bytes): each character shows
 * as '*', never in clear; done gets the text (wipe any copy of it after
 * use) or NULL on Esc; the prompt's buffer is wiped when it closes. */
void	prompt_open_secret(struct ui *, const char *title, const char *label,
	    size_t max, prompt_done_fn, void *arg);

typedef void (*confirm_done_fn)(struct ui *, int yes, void *arg);
/* A y/N question (a second line after a newline); only y is yes. */
void	confirm_open(struct ui *, const char *title, const char *question,
	    confirm_done_fn, void *arg);
/* The same over a text of several lines, wrapped in a box width columns
 * wide, with hint (what y and n do) below it. */
void	confirm_open_text(struct ui *, const char *title, const char *text,
	    int width, const char *hint, confirm_done_fn, void *arg);

/* A box of text lines ('\n' separated) closed by Enter, Esc or q. */
void	message_open(struct ui *, const char *title, const char *text);
/* The keys of a screen, then the shell's own (everywhere). */
void	help_open(struct ui *, const struct screen_ops *,
	    const struct action *everywhere);

#endif
