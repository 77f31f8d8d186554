/*
 * Views and dialogs: each tab's stack of views (opened the first time the
 * tab is shown, entered and left as it is shown and hidden), the stack of
 * modal dialogs, and their ticks. Which screen is each tab's first view is
 * the shell's table (ui->tabs, set by ui/ui.c).
 */
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"

/* The view on top of the current tab. */
struct ui_view *
ui_top(struct ui *ui)
{
	return &ui->views[ui->tab][ui->depth[ui->tab] - 1];
}

/* Open a view on top of tab's stack and show it. */
void
ui_view_open(struct ui *ui, int tab, const struct screen_ops *ops, void *arg)
{
	struct ui_view	*v = &ui->views[tab][ui->depth[tab]++];

	v->ops = ops;
	v->tick_at = ops->tick != NULL ? ui_now() : UI_NEVER;
	v->state = ops->open != NULL ? ops->open(ui, arg) : arg;
	if (ops->enter != NULL)
		ops->enter(ui, v->state);
	ui->dirty = 1;
}

/* Hide the current view (it stays open). */
void
ui_view_leave(struct ui *ui)
{
	struct ui_view	*v;

	if (ui->depth[ui->tab] == 0)
		return;
	v = ui_top(ui);
	if (v->ops->leave != NULL)
		v->ops->leave(ui, v->state);
}

/* Show the current view again. */
static void
ui_view_enter(struct ui *ui)
{
	struct ui_view	*v = ui_top(ui);

	if (v->ops->enter != NULL)
		v->ops->enter(ui, v->state);
	ui->dirty = 1;
}

/* Open a view over the current tab, hiding the one below. */
void
ui_push(struct ui *ui, const struct screen_ops *ops, void *arg)
{
	if (ui->depth[ui->tab] == UI_DEPTH) {
		ui_error(ui, "%s", _("too many views open: press Esc to go "
		    "back"));
		return;
	}
	ui_view_leave(ui);
	ui_view_open(ui, ui->tab, ops, arg);
}

/* Close the current view and show the one below (never the last). */
void
ui_pop(struct ui *ui)
{
	struct ui_view	*v;

	if (ui->depth[ui->tab] <= 1)
		return;
	ui_view_leave(ui);
	v = ui_top(ui);
	if (v->ops->close != NULL)
		v->ops->close(ui, v->state);
	ui->depth[ui->tab]--;
	ui_view_enter(ui);
}

/* Show tab, opening its first view the first time. */
void
ui_switch(struct ui *ui, int tab)
{
	if (tab < 0 || tab >= ui->ntabs || tab == ui->tab)
		return;
	ui_view_leave(ui);
	ui->tab = tab;
	if (ui->depth[tab] == 0)
		ui_view_open(ui, tab, ui->tabs[tab], NULL);
	else
		ui_view_enter(ui);
}

/* Schedule the tick of the view or dialog whose state is state. */
void
ui_tick_in(struct ui *ui, void *state, int ms)
{
	int64_t	at = ui_now() + (ms > 0 ? ms : 0);
	int	t, i;

	for (t = 0; t < ui->ntabs; t++)
		for (i = 0; i < ui->depth[t]; i++)
			if (ui->views[t][i].state == state &&
			    ui->views[t][i].ops->tick != NULL)
				ui->views[t][i].tick_at = at;
	for (i = 0; i < ui->ndialogs; i++)
		if (ui->dialogs[i].dlg == state &&
		    ui->dialogs[i].ops->tick != NULL)
			ui->dialogs[i].tick_at = at;
}

/* Open a modal dialog on top of everything else. */
void
ui_dialog_open(struct ui *ui, const struct dialog_ops *ops, void *dlg)
{
	struct ui_dialog	*d;

	if (ui->ndialogs == UI_DIALOGS) {
		endwin();
		fatal(_("more than %d dialogs open"), UI_DIALOGS);
	}
	d = &ui->dialogs[ui->ndialogs++];
	d->ops = ops;
	d->dlg = dlg;
	d->tick_at = ops->tick != NULL ? ui_now() : UI_NEVER;
	d->closed = 0;
	ui->dirty = 1;
}

/* Mark a dialog closed; it is freed once the key or tick is done. */
void
ui_dialog_close(struct ui *ui, void *dlg)
{
	int	i;

	for (i = 0; i < ui->ndialogs; i++)
		if (ui->dialogs[i].dlg == dlg)
			ui->dialogs[i].closed = 1;
	ui->dirty = 1;
}

/* Free the dialogs closed during the last key or tick. */
void
ui_dialog_reap(struct ui *ui)
{
	int	i, j = 0;

	for (i = 0; i < ui->ndialogs; i++) {
		if (ui->dialogs[i].closed) {
			ui->dialogs[i].ops->free(ui->dialogs[i].dlg);
			/*
			 * A box's edge over half of a wide character
			 * (Japanese) leaves curses unsure what the terminal
			 * shows there: repaint the whole screen once the
			 * box is gone, or text after it stays shifted.
			 */
			clearok(curscr, TRUE);
			ui->dirty = 1;
		} else
			ui->dialogs[j++] = ui->dialogs[i];
	}
	ui->ndialogs = j;
}

/* The dialog that gets keys: the last one still open. */
struct ui_dialog *
ui_dialog_top(struct ui *ui)
{
	int	i;

	for (i = ui->ndialogs - 1; i >= 0; i--)
		if (!ui->dialogs[i].closed)
			return &ui->dialogs[i];
	return NULL;
}

/* Run every tick that is due; *next becomes the earliest deadline. */
void
ui_run_ticks(struct ui *ui, int64_t *next)
{
	int64_t	 now = ui_now();
	int	 t, i, ms;

	for (t = 0; t < ui->ntabs; t++)
		for (i = 0; i < ui->depth[t]; i++) {
			struct ui_view	*v = &ui->views[t][i];

			if (v->tick_at > now)
				continue;
			ms = v->ops->tick(ui, v->state);
			v = &ui->views[t][i];
			v->tick_at = ms < 0 ? UI_NEVER : ui_now() + ms;
		}
	for (i = 0; i < ui->ndialogs; i++) {
		if (ui->dialogs[i].closed || ui->dialogs[i].tick_at > now)
			continue;
		ms = ui->dialogs[i].ops->tick(ui, ui->dialogs[i].dlg);
		ui->dialogs[i].tick_at = ms < 0 ? UI_NEVER : ui_now() + ms;
	}
	ui_dialog_reap(ui);

	*next = UI_NEVER;
	for (t = 0; t < ui->ntabs; t++)
		for (i = 0; i < ui->depth[t]; i++)
			if (ui->views[t][i].tick_at < *next)
				*next = ui->views[t][i].tick_at;
	for (i = 0; i < ui->ndialogs; i++)
		if (ui->dialogs[i].tick_at < *next)
			*next = ui->dialogs[i].tick_at;
}

/* Close every view and dialog (leaving the console). */
void
ui_views_close(struct ui *ui)
{
	int	t;

	for (t = 0; t < ui->ndialogs; t++)
		ui->dialogs[t].closed = 1;
	ui_dialog_reap(ui);
	ui_view_leave(ui);
	for (t = 0; t < ui->ntabs; t++)
		while (ui->depth[t] > 0) {
			struct ui_view *v = &ui->views[t][--ui->depth[t]];

			if (v->ops->close != NULL)
				v->ops->close(ui, v->state);
		}
}
