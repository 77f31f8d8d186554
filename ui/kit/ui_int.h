/*
 * The shell's own state, shared by ui.c (the loop and keys), view.c (tabs,
 * view stacks, dialogs, ticks) and frame.c (drawing the frame around the
 * current view). Screens and widgets never see it: they use screen.h.
 */
#ifndef HERALD_UI_INT_H
#define HERALD_UI_INT_H

#include "screen.h"

#define UI_DEPTH	4	/* views stacked on one tab */
#define UI_DIALOGS	8	/* dialogs open at once */
#define UI_NEVER	INT64_MAX

struct ui_view {
	const struct screen_ops	*ops;
	void			*state;
	int64_t			 tick_at;
};

struct ui_dialog {
	const struct dialog_ops	*ops;
	void			*dlg;
	int64_t			 tick_at;
	int			 closed;
};

struct ui {
	struct loop		*loop;		/* the terminal, children's pipes */
	int			 stdin_ready;	/* the terminal woke this turn */
	struct config		*cfg;
	struct store		*st;
	const char		*db_path;
	char			*domain;	/* for the top bar, or NULL */
	int			 colour;

	const struct screen_ops	*const *tabs;	/* each tab's first view */
	int			 ntabs;
	/* The shell's own keys (action.h; their state is the ui): the key
	 * bar's labels around the view's, the help's "Everywhere". */
	const struct action	*keys;
	struct ui_view		 views[UI_TABS][UI_DEPTH];
	int			 depth[UI_TABS];
	int			 tab;

	struct ui_dialog	 dialogs[UI_DIALOGS];
	int			 ndialogs;

	char			*status;
	int			 status_error;

	int			 dirty;
	int64_t			 drawn_at;
	int			 cursor_y, cursor_x;
	int			 quit;
};

/* view.c */
struct ui_view	*ui_top(struct ui *);
void		 ui_view_open(struct ui *, int tab, const struct screen_ops *,
		     void *arg);
void		 ui_view_leave(struct ui *);
void		 ui_pop(struct ui *);
void		 ui_switch(struct ui *, int tab);
struct ui_dialog *ui_dialog_top(struct ui *);
void		 ui_dialog_reap(struct ui *);
void		 ui_run_ticks(struct ui *, int64_t *next);
void		 ui_views_close(struct ui *);

/* frame.c */
int		 ui_too_small(void);
void		 ui_draw(struct ui *);

#endif
