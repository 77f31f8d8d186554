/*
 * ui/kit, the console's framework: what every screen, dialog and widget
 * uses, and knows no screen. It holds this header (screens, dialogs, keys,
 * colours, the shell's services), the views and dialogs stacks (view.c),
 * the frame around the current view (frame.c), drawing (draw.c), widgets
 * and dialogs (widget.h: table, field, meter, prompt, help, ...), saving
 * to a file (savefile.h) and child processes (child.h). It may use src/
 * (base, store, mail, auth, config, send) and curses; never a screen's
 * folder (ui/<screen>) or the shell (ui/ui.h): the shell hands it the table
 * of tabs (ui->tabs) and of its own keys (ui->keys) and implements the
 * "shell" functions below.
 *
 * One loop (ui/ui.c, on base/loop) reads keys, watches the children's
 * pipes, runs timers and redraws the screen when something marked it
 * dirty, at most every UI_FRAME_MS. A screen is a table of functions
 * (struct screen_ops). Its key handler returns what to do next (enum
 * ui_action) and never draws; drawing happens only in draw(), which the
 * loop calls. Periodic work (an import step, tailing the database) runs in
 * tick(), which returns when it wants to run again.
 *
 * Each tab holds a small stack of views: Enter on a list pushes its
 * members (ui_push), Esc pops back. Dialogs (prompt, confirm, message,
 * import progress) are modal and stack above the current view.
 */
#ifndef HERALD_UI_SCREEN_H
#define HERALD_UI_SCREEN_H

#include <stdarg.h>
#include <stdint.h>

#include <curses.h>

#include "base/i18n.h"
#include "base/util.h"

struct action;
struct config;
struct loop;
struct store;
struct ui;

#define UI_FRAME_MS	50	/* at most one redraw per frame */
#define UI_MIN_COLS	80
#define UI_MIN_LINES	24

/*
 * Keys are ints: a character is its Unicode code point (Ctrl-C is 3, Esc is
 * 27); a curses function key is UI_FKEY(KEY_...), so KEY_* codes never
 * collide with characters above U+00FF.
 */
#define UI_FKEY(k)	(0x40000000 | (k))
#define UI_CTRL(c)	((c) & 0x1f)
#define UI_ESC		27
#define UI_IS_ENTER(k)	((k) == '\r' || (k) == '\n' ||			\
			    (k) == UI_FKEY(KEY_ENTER))
#define UI_IS_CANCEL(k)	((k) == UI_ESC || (k) == UI_CTRL('c') ||		\
			    (k) == UI_CTRL('g'))

/*
 * Colour roles, defined once: name, foreground, background, attributes with
 * colour, attributes without (monochrome terminals and NO_COLOR). Meaning is
 * never carried by colour alone: every status also has a word or symbol.
 */
#define UI_ROLES							\
	X(NORMAL,	-1,		-1,		A_NORMAL,	A_NORMAL) \
	X(TITLE,	COLOR_WHITE,	COLOR_BLUE,	A_BOLD,		A_REVERSE) \
	X(TAB,		-1,		-1,		A_NORMAL,	A_NORMAL) \
	X(TAB_ACTIVE,	COLOR_BLACK,	COLOR_CYAN,	A_BOLD,		A_REVERSE | A_BOLD) \
	X(KEYBAR,	-1,		-1,		A_NORMAL,	A_NORMAL) \
	X(KEY,		COLOR_BLACK,	COLOR_CYAN,	A_NORMAL,	A_REVERSE) \
	X(HEADER,	COLOR_CYAN,	-1,		A_BOLD,		A_BOLD | A_UNDERLINE) \
	X(SELECTED,	COLOR_BLACK,	COLOR_CYAN,	A_NORMAL,	A_REVERSE) \
	X(DIM,		COLOR_BLUE,	-1,		A_BOLD,		A_DIM) \
	X(EMPH,		-1,		-1,		A_BOLD,		A_BOLD) \
	X(OK,		COLOR_GREEN,	-1,		A_NORMAL,	A_NORMAL) \
	X(WARN,		COLOR_YELLOW,	-1,		A_BOLD,		A_BOLD) \
	X(FAIL,		COLOR_RED,	-1,		A_BOLD,		A_BOLD | A_UNDERLINE) \
	X(INFO,		COLOR_GREEN,	-1,		A_NORMAL,	A_NORMAL) \
	X(ERROR,	COLOR_WHITE,	COLOR_RED,	A_BOLD,		A_REVERSE | A_BOLD) \
	X(DIALOG,	-1,		-1,		A_NORMAL,	A_NORMAL) \
	X(DIALOG_TITLE,	COLOR_YELLOW,	-1,		A_BOLD,		A_BOLD) \
	X(FIELD,	COLOR_BLACK,	COLOR_WHITE,	A_NORMAL,	A_UNDERLINE) \
	X(METER_DONE,	COLOR_BLACK,	COLOR_GREEN,	A_NORMAL,	A_REVERSE) \
	X(METER_TODO,	-1,		-1,		A_DIM,		A_DIM)

enum ui_role {
#define X(name, fg, bg, attr, mono) ROLE_##name,
	UI_ROLES
#undef X
	ROLE_COUNT
};

/* What the loop does after a key handler returns. */
enum ui_action {
	UI_IGNORED,	/* not this screen's key: the shell may use it */
	UI_HANDLED,	/* done; nothing on screen changed */
	UI_REDRAW,	/* done; redraw */
	UI_POP,		/* close this view (or dialog): back to the one below */
	UI_QUIT,	/* leave the console */
	UI_SWITCH_FIRST = 16
};
/* Show tab n (0: the first). */
#define UI_SWITCH(n)	((enum ui_action)(UI_SWITCH_FIRST + (n)))

#define UI_TABS		8	/* tabs at most; the shell names them */

struct ui_rect {
	int	y, x, h, w;
};

struct screen_ops {
	const char		*name;		/* tab name or view title */
	/* The keys (action.h): what they do, the key bar, the help. */
	const struct action	*actions;
	/* Create the view's state; arg is what ui_push() was given.
	 * NULL: the state is arg itself. */
	void	*(*open)(struct ui *, void *arg);
	void	 (*close)(struct ui *, void *state);	/* may be NULL */
	/* The view becomes visible / hidden (either may be NULL). */
	void	 (*enter)(struct ui *, void *state);
	void	 (*leave)(struct ui *, void *state);
	void	 (*draw)(struct ui *, void *state, const struct ui_rect *);
	/* NULL: every key goes to the shell. */
	enum ui_action (*key)(struct ui *, void *state, int key);
	/* Periodic work (may be NULL). First called right after open();
	 * returns the ms until the next call, or -1 for none until
	 * ui_tick_in() asks again. Runs for hidden views too. */
	int	 (*tick)(struct ui *, void *state);
};

/* A modal dialog over the current view. */
struct dialog_ops {
	void	 (*draw)(struct ui *, void *dlg);
	/* UI_POP closes the dialog; keys never reach the view below. */
	enum ui_action (*key)(struct ui *, void *dlg, int key);
	int	 (*tick)(struct ui *, void *dlg);	/* as screen_ops */
	void	 (*free)(void *dlg);
};

/* ---- the shell (ui/ui.c, its loop and state; view.c) ---- */

struct store	*ui_store(struct ui *);
struct config	*ui_config(struct ui *);
const char	*ui_db_path(struct ui *);
/* The console's event loop (base/loop.h): a child's pipes are watched
 * on it, so their output wakes the console (child.c). */
struct loop	*ui_loop(struct ui *);
/* Something changed: redraw at the next frame. */
void		 ui_dirty(struct ui *);
/* Re-read what the top bar shows from the config (after config_set). */
void		 ui_config_changed(struct ui *);
/* A message in the status line until the next key; errors stand out. */
void		 ui_info(struct ui *, const char *, ...) PRINTFLIKE(2, 3);
void		 ui_error(struct ui *, const char *, ...) PRINTFLIKE(2, 3);
/* Show a core error (an allocated cause, which is freed) with a prefix. */
void		 ui_cause(struct ui *, const char *what, char *cause);
/* Open a view over the current tab; it closes on UI_POP. */
void		 ui_push(struct ui *, const struct screen_ops *, void *arg);
/* Call the tick of the view or dialog whose state is state in ms. */
void		 ui_tick_in(struct ui *, void *state, int ms);
/* Open a modal dialog; ui_dialog_close() (or UI_POP from its key
 * handler) closes it; it is freed after the current key or tick. */
void		 ui_dialog_open(struct ui *, const struct dialog_ops *, void *);
void		 ui_dialog_close(struct ui *, void *dlg);
/* Leave curses, run argv (an editor) on the terminal, come back; returns
 * its wait status, or -1 with *cause set if it could not run. */
int		 ui_run_external(struct ui *, char *const argv[], char **cause);
/* Milliseconds on a monotonic clock. */
int64_t		 ui_now(void);

/* ---- drawing (draw.c); only from draw functions ---- */

/* A table's N_() text translated; "" stays "" (gettext("") is the
 * catalogue's header). */
const char	*ui_tr(const char *);

attr_t		 ui_attr(struct ui *, enum ui_role);
/* Text at y,x cropped to w columns ("…" when cut); returns the columns
 * used. ui_fill also pads to exactly w columns. */
int		 ui_print(struct ui *, int y, int x, int w, enum ui_role,
		     const char *);
int		 ui_printf(struct ui *, int y, int x, int w, enum ui_role,
		     const char *, ...) PRINTFLIKE(6, 7);
void		 ui_fill(struct ui *, int y, int x, int w, enum ui_role,
		     const char *);
/* text word-wrapped to w columns from row y ('\n' breaks a line, a blank
 * line separates paragraphs), at most maxrows rows; returns rows used. */
int		 ui_wrap(struct ui *, int y, int x, int w, int maxrows,
		     enum ui_role, const char *text);
/* The next row of text wrapped to w columns into line (as ui_wrap);
 * *text moves past it. 0 when the text is over. */
struct buf;
int		 ui_wrap_row(const char **text, int w, struct buf *line);
/* A framed box, interior cleared, with an optional title. */
void		 ui_box(struct ui *, const struct ui_rect *, enum ui_role,
		     const char *title);
/* The column at which s is centred in a row of w columns starting at 0. */
int		 ui_centre_col(const char *s, int w);
/* A rectangle of h x w centred on the terminal (clamped to it). */
struct ui_rect	 ui_centre(int h, int w);
/* Place the terminal cursor here once the frame is drawn (text fields). */
void		 ui_cursor(struct ui *, int y, int x);
/* "1,234,567" into buf. */
const char	*ui_count(char *buf, size_t len, int64_t n);

/* The colour table (draw.c). */
void		 colour_init(void);
attr_t		 colour_attr(int colour, enum ui_role);

#endif
