/*
 * The frame around the current view: the top bar (herald, the database,
 * the sending domain), the tab row, the status line and the key bar, and
 * the notice shown instead of all that below 80x24.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "ui_int.h"
#include "base/utf8.h"

/* 1 when the terminal is too small to draw on. */
int
ui_too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

/* Draw the top bar: name, database and sending domain. */
static void
ui_draw_top(struct ui *ui)
{
	const char	*home = home_dir(), *path = ui->db_path;
	char		*shown, *right;
	int		 x, w, rw;
	size_t		 hl = strlen(home);

	ui_fill(ui, 0, 0, COLS, ROLE_TITLE, "");
	x = ui_print(ui, 0, 1, COLS - 2, ROLE_TITLE, "herald");
	x += 3;
	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
		shown = xprintf("~%s", path + hl);
	else
		shown = xstrdup(path);
	if (ui->domain != NULL)
		right = xprintf(_("sending as %s"), ui->domain);
	else
		right = xstrdup(_("sending domain not configured"));
	if ((rw = utf8_width(right)) > COLS / 2)
		rw = COLS / 2;
	w = COLS - x - rw - 4;
	if (w > 8 && utf8_width(shown) > w) {
		/* Keep the end of a long path: the file name matters. */
		char *tail = xprintf("…%s", shown +
		    utf8_prefix(shown, utf8_width(shown) - w + 1));
		free(shown);
		shown = tail;
	}
	if (w > 8)
		ui_print(ui, 0, x, w, ROLE_TITLE, shown);
	ui_print(ui, 0, COLS - rw - 1, rw, ROLE_TITLE, right);
	free(shown);
	free(right);
}

/* Draw the tab row: "1 Lists  2 Compose ...". */
static void
ui_draw_tabs(struct ui *ui)
{
	int	t, x = 1;
	char	label[64];

	for (t = 0; t < ui->ntabs && x < COLS; t++) {
		snprintf(label, sizeof label, " %d %s ", t + 1,
		    ui_tr(ui->tabs[t]->name));
		x += ui_print(ui, 1, x, COLS - x, t == ui->tab ?
		    ROLE_TAB_ACTIVE : ROLE_TAB, label) + 1;
	}
}

/* Below 80x24: say so instead of drawing a garbled screen (on two lines
 * when one is too narrow). */
static void
ui_draw_small(struct ui *ui)
{
	char		 need[128], msg[256];
	const char	*lines[3];
	int		 i, n = 0, y;

	snprintf(need, sizeof need, _("need %dx%d, have %dx%d"), UI_MIN_COLS,
	    UI_MIN_LINES, COLS, LINES);
	snprintf(msg, sizeof msg, _("Terminal too small: %s"), need);
	if (utf8_width(msg) <= COLS)
		lines[n++] = msg;
	else {
		lines[n++] = _("Terminal too small:");
		lines[n++] = need;
	}
	lines[n++] = _("q to quit");
	y = LINES > n ? (LINES - n) / 2 : 0;
	for (i = 0; i < n && y + i < LINES; i++)
		ui_print(ui, y + i, ui_centre_col(lines[i], COLS), COLS,
		    i == n - 1 ? ROLE_DIM : ROLE_WARN, lines[i]);
}

/* Draw the whole terminal. */
void
ui_draw(struct ui *ui)
{
	struct ui_rect	 r;
	struct ui_view	*v;
	int		 i;

	ui->dirty = 0;
	ui->cursor_y = -1;
	erase();
	if (ui_too_small())
		ui_draw_small(ui);
	else {
		ui_draw_top(ui);
		ui_draw_tabs(ui);
		r.y = 2;
		r.x = 0;
		r.h = LINES - 4;
		r.w = COLS;
		v = ui_top(ui);
		v->ops->draw(ui, v->state, &r);
		for (i = 0; i < ui->ndialogs; i++) {
			if (ui->dialogs[i].closed)
				continue;
			ui->cursor_y = -1;
			ui->dialogs[i].ops->draw(ui, ui->dialogs[i].dlg);
		}
		if (ui->status != NULL)
			ui_fill(ui, LINES - 2, 0, COLS, ui->status_error ?
			    ROLE_ERROR : ROLE_INFO, ui->status);
		action_bar(ui, ui->keys, ui, v->ops->actions, v->state);
	}
	if (ui->cursor_y >= 0 && !ui_too_small()) {
		curs_set(1);
		move(ui->cursor_y, ui->cursor_x);
	} else
		curs_set(0);
	refresh();
	ui->drawn_at = ui_now();
}
