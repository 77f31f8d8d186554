/*
 * The Send screen's dialogs: picking an issue (each with its send's state,
 * or "not sent"), and the y/N asked before a send starts, which lists the
 * failing health checks so that sending anyway is a decision the operator
 * typed, not a default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/message.h"
#include "send_ui.h"
#include "store/store.h"
#include "base/utf8.h"

#define SEND_PICK_WIDTH		90
#define SEND_CONFIRM_WIDTH	84

/* ---- the issue picker ---- */

static struct table_col send_pick_cols[] = {
	{ N_("Issue"), 5, 0, 1 },
	{ N_("Send"), 11, 0, 0 },
	{ N_("Subject"), 20, 3, 0 },
	{ N_("List"), 10, 1, 0 },
};

struct send_pick {
	struct issue	*v;
	size_t		 n;
	char		**state;	/* a send's state word, or NULL */
	struct table	 table;
	send_pick_fn	 done;
	void		*arg;
	char		 cell[32];
};

/* A cell: id, send state, subject, list. */
static const char *
send_pick_cell(void *arg, int64_t row, int col)
{
	struct send_pick	*p = arg;
	const struct issue	*is = &p->v[row];

	switch (col) {
	case 0:
		snprintf(p->cell, sizeof p->cell, "%lld", (long long)is->id);
		return p->cell;
	case 1:
		return p->state[row] != NULL ? p->state[row] : _("not sent");
	case 2:
		return is->subject;
	default:
		return is->list_name != NULL ? is->list_name : _("(removed)");
	}
}

/* Sends dimmed, so the issues still to send stand out. */
static enum ui_role
send_pick_role(void *arg, int64_t row, int col)
{
	struct send_pick	*p = arg;

	(void)col;
	return p->state[row] != NULL ? ROLE_DIM : ROLE_NORMAL;
}

/* The box and the table. */
static void
send_pick_draw(struct ui *ui, void *dlg)
{
	struct send_pick	*p = dlg;
	struct ui_rect		 r, t;
	int			 rows = (int)p->n;

	if (rows > LINES - 10)
		rows = LINES - 10;
	r = ui_centre(rows + 5, SEND_PICK_WIDTH);
	ui_box(ui, &r, ROLE_DIALOG, _("Which issue?"));
	t.y = r.y + 1;
	t.x = r.x + 1;
	t.w = r.w - 2;
	t.h = r.h - 3;
	table_draw(ui, &p->table, &t, send_pick_cell, send_pick_role, p);
	ui_print(ui, r.y + r.h - 2, r.x + 2, r.w - 4, ROLE_DIM,
	    _("Enter: send it, or watch its send   Esc: cancel"));
}

/* Move, pick or cancel. */
static enum ui_action
send_pick_key(struct ui *ui, void *dlg, int key)
{
	struct send_pick	*p = dlg;

	if (table_key(&p->table, key))
		return UI_REDRAW;
	if (UI_IS_ENTER(key) && p->table.sel >= 0) {
		p->done(ui, p->v[p->table.sel].id, p->arg);
		return UI_POP;
	}
	if (UI_IS_CANCEL(key) || key == 'q' || key == 'i')
		return UI_POP;
	return UI_HANDLED;
}

/* Free the issues. */
static void
send_pick_free(void *dlg)
{
	struct send_pick	*p = dlg;
	size_t			 i;

	for (i = 0; i < p->n; i++) {
		issue_free(&p->v[i]);
		free(p->state[i]);
	}
	free(p->v);
	free(p->state);
	free(p);
}

static const struct dialog_ops send_pick_ops = {
	send_pick_draw, send_pick_key, NULL, send_pick_free
};

/* Open the picker on current. */
void
send_pick_open(struct ui *ui, int64_t current, send_pick_fn done, void *arg)
{
	struct send_pick	*p = xcalloc(1, sizeof *p);
	struct send_info	 info;
	enum send_state		 st;
	char			*cause = NULL;
	size_t			 i;
	static int		 tr;

	if (store_issues(ui_store(ui), &p->v, &p->n, &cause) == -1) {
		ui_cause(ui, _("Cannot read the issues"), cause);
		free(p);
		return;
	}
	if (p->n == 0) {
		ui_error(ui, "%s", _("There is no issue yet: write one on the "
		    "Compose screen (2)"));
		send_pick_free(p);
		return;
	}
	p->state = xcalloc(p->n, sizeof *p->state);
	for (i = 0; i < p->n; i++) {
		if (store_send_get(ui_store(ui), p->v[i].id, &info,
		    NULL) != 0)
			continue;
		send_info_free(&info);
		p->state[i] = xstrdup(send_state_of(ui, p->v[i].id, &st,
		    NULL) == 0 ? send_state_name(st) : "sent");
	}
	p->done = done;
	p->arg = arg;
	send_cols_tr(send_pick_cols, nitems(send_pick_cols), &tr);
	table_init(&p->table, send_pick_cols, (int)nitems(send_pick_cols));
	table_set_rows(&p->table, (int64_t)p->n);
	for (i = 0; i < p->n; i++)
		if (p->v[i].id == current)
			p->table.sel = (int64_t)i;
	ui_dialog_open(ui, &send_pick_ops, p);
}

/* ---- the confirmation ---- */

/* Ask y/N with a text of several lines. */
void
send_confirm_open(struct ui *ui, const char *title, const char *text,
    confirm_done_fn done, void *arg)
{
	confirm_open_text(ui, title, text, SEND_CONFIRM_WIDTH,
	    _("y: start the send   n or Esc: do not send (default)"), done,
	    arg);
}
