/*
 * The Feedback screen's state, keys and timer. The findings and alerts
 * are copied out of the store on each read (at most FBV_LIMIT findings),
 * once a second while the screen is shown: the console holds no lock and
 * sees what any other process recorded. The selection follows its
 * finding across re-reads, so a new finding arriving on top does not
 * move what the operator is looking at; on the first row it stays on the
 * newest.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback_ui.h"
#include "smtp/alert.h"
#include "store/store.h"
#include "store/store_feedback.h"
#include "ui/kit/action.h"
#include "base/utf8.h"

static struct table_col fbv_cols[] = {
	{ N_("When"), 11, 0, 0 },
	{ N_("Kind"), 11, 0, 0 },
	{ N_("Recipient"), 16, 3, 0 },
	{ N_("Reason"), 12, 2, 0 },
	{ N_("Action"), 10, 0, 0 },
	{ N_("Send"), 4, 0, 1 },
};

/* What a read collects before it replaces what is shown. */
struct fbv_read {
	struct fbv_row		*rows;
	size_t			 nrows, cap;
	struct fbv_alert	*alerts;
	size_t			 nalerts, acap;
};

static void
fbv_rows_free(struct fbv_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].rcpt);
		free(v[i].reason);
		free(v[i].action);
		free(v[i].status);
	}
	free(v);
}

static void
fbv_alerts_free(struct fbv_alert *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

static int
fbv_read_finding(const struct fb_finding *f, void *arg)
{
	struct fbv_read	*r = arg;
	struct fbv_row	*row;

	if (r->nrows == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->rows = xreallocarray(r->rows, r->cap, sizeof *r->rows);
	}
	row = &r->rows[r->nrows++];
	row->id = f->id;
	row->msg_id = f->msg_id;
	row->send_id = f->send_id;
	row->at = f->at;
	row->code = f->code;
	row->kind = xstrdup(f->kind != NULL ? f->kind : "");
	row->rcpt = xstrdup(f->rcpt != NULL ? f->rcpt : "");
	row->reason = xstrdup(f->reason != NULL ? f->reason : "");
	row->action = xstrdup(f->action != NULL ? f->action : "");
	row->status = xstrdup(f->status != NULL ? f->status : "");
	return 0;
}

static int
fbv_read_alert(const struct fb_alert *a, void *arg)
{
	struct fbv_read		*r = arg;
	struct fbv_alert	*al;
	char			 words[512];

	if (r->nalerts == r->acap) {
		r->acap = r->acap == 0 ? 8 : r->acap * 2;
		r->alerts = xreallocarray(r->alerts, r->acap,
		    sizeof *r->alerts);
	}
	al = &r->alerts[r->nalerts++];
	al->send_id = a->send_id;
	al->count = a->count;
	al->last_at = a->last_at;
	if (a->provider != NULL && a->reason != NULL) {
		/* Shown in the reader's language; stored in English. */
		alert_display(a->provider, a->reason, words, sizeof words);
		al->text = xstrdup(words);
	} else
		al->text = xstrdup(a->text != NULL ? a->text : "");
	return 0;
}

/* Did anything shown change? Findings are never edited, only added, so
 * the count and the newest id tell; alerts are counted again in place. */
static int
fbv_differs(const struct fbv *v, const struct fbv_read *r)
{
	size_t	i;

	if (!v->loaded || v->nrows != r->nrows || v->nalerts != r->nalerts ||
	    (r->nrows > 0 && v->rows[0].id != r->rows[0].id))
		return 1;
	for (i = 0; i < r->nalerts; i++)
		if (v->alerts[i].count != r->alerts[i].count ||
		    v->alerts[i].last_at != r->alerts[i].last_at ||
		    strcmp(v->alerts[i].text, r->alerts[i].text) != 0)
			return 1;
	return 0;
}

/* Re-read the trail; 1 when the screen must be redrawn. */
int
fbv_load(struct ui *ui, struct fbv *v)
{
	struct fbv_read	 r;
	char		*cause = NULL;
	int64_t		 sel_id = -1, i;

	memset(&r, 0, sizeof r);
	if (store_fb_findings(ui_store(ui), 0, NULL, FBV_LIMIT,
	    fbv_read_finding, &r, &cause) == -1 ||
	    store_fb_alerts(ui_store(ui), 0, (int64_t)time(NULL) -
	    FBV_ALERT_DAYS * 86400, fbv_read_alert, &r, &cause) == -1) {
		fbv_rows_free(r.rows, r.nrows);
		fbv_alerts_free(r.alerts, r.nalerts);
		if (v->error != NULL && cause != NULL &&
		    strcmp(v->error, cause) == 0) {
			free(cause);
			return 0;
		}
		free(v->error);
		v->error = cause != NULL ? cause : xstrdup(_("cannot read it"));
		return 1;
	}
	if (v->error == NULL && !fbv_differs(v, &r)) {
		fbv_rows_free(r.rows, r.nrows);
		fbv_alerts_free(r.alerts, r.nalerts);
		return 0;
	}
	free(v->error);
	v->error = NULL;
	/* On the newest row, stay on the newest (as tail -f); elsewhere,
	 * stay on the finding the operator chose. */
	if (v->table.sel > 0 && (size_t)v->table.sel < v->nrows)
		sel_id = v->rows[v->table.sel].id;
	fbv_rows_free(v->rows, v->nrows);
	fbv_alerts_free(v->alerts, v->nalerts);
	v->rows = r.rows;
	v->nrows = r.nrows;
	v->alerts = r.alerts;
	v->nalerts = r.nalerts;
	table_set_rows(&v->table, (int64_t)v->nrows);
	/* Keep the selection on its finding; new ones come in above. */
	for (i = 0; sel_id != -1 && i < (int64_t)v->nrows; i++)
		if (v->rows[i].id == sel_id) {
			if (v->table.top > 0 && i != v->table.sel)
				v->table.top += i - v->table.sel;
			v->table.sel = i;
			break;
		}
	v->loaded = 1;
	return 1;
}

/* A cell of the findings' table. */
static const char *
fbv_cell(void *arg, int64_t row, int col)
{
	struct fbv		*v = arg;
	const struct fbv_row	*r;

	if (row < 0 || (size_t)row >= v->nrows)
		return NULL;
	r = &v->rows[row];
	switch (col) {
	case 0:
		return fbv_when(v->cell, sizeof v->cell, r->at, 0);
	case 1:
		return r->kind;
	case 2:
		return *r->rcpt != '\0' ? r->rcpt : _("(no recipient)");
	case 3:
		if (*r->status != '\0')
			snprintf(v->cell, sizeof v->cell, "%s %s",
			    *r->reason != '\0' ? r->reason : "-", r->status);
		else
			snprintf(v->cell, sizeof v->cell, "%s",
			    *r->reason != '\0' ? r->reason : "-");
		return v->cell;
	case 4:
		return r->action;
	default:
		if (r->send_id == 0)
			return "-";
		snprintf(v->cell, sizeof v->cell, "%lld",
		    (long long)r->send_id);
		return v->cell;
	}
}

/* An action's colour (its word says the same). */
static enum ui_role
fbv_role(void *arg, int64_t row, int col)
{
	struct fbv		*v = arg;
	const struct fbv_row	*r;

	if (row < 0 || (size_t)row >= v->nrows)
		return ROLE_NORMAL;
	r = &v->rows[row];
	if (col == 0 || col == 5)
		return ROLE_DIM;
	if (col != 4 && col != 1)
		return ROLE_NORMAL;
	if (strcmp(r->action, "suppressed") == 0)
		return ROLE_FAIL;
	if (strcmp(r->action, "alert") == 0 ||
	    strcmp(r->action, "counted") == 0)
		return ROLE_WARN;
	return col == 4 ? ROLE_DIM : ROLE_NORMAL;
}

/* The table in r (the draw function lays out the rest). */
void
fbv_table_draw(struct ui *ui, struct fbv *v, const struct ui_rect *r)
{
	table_layout(&v->table, r);
	table_draw(ui, &v->table, r, fbv_cell, fbv_role, v);
}

static void *
fbv_open(struct ui *ui, void *arg)
{
	struct fbv	*v = xcalloc(1, sizeof *v);
	static int	 tr;
	size_t		 i;

	(void)arg;
	v->ui = ui;
	/* The column titles in the operator's language, translated once
	 * (the locale is chosen before any screen opens); a column is at
	 * least as wide as its title as shown. */
	for (i = 0; i < nitems(fbv_cols) && !tr; i++) {
		fbv_cols[i].title = _(fbv_cols[i].title);
		if (utf8_width(fbv_cols[i].title) > fbv_cols[i].min)
			fbv_cols[i].min = utf8_width(fbv_cols[i].title);
	}
	tr = 1;
	table_init(&v->table, fbv_cols, (int)nitems(fbv_cols));
	subcmd_init(&v->fetch, v);
	return v;
}

static void
fbv_close(struct ui *ui, void *state)
{
	struct fbv	*v = state;

	(void)ui;
	subcmd_free(&v->fetch);
	fbv_rows_free(v->rows, v->nrows);
	fbv_alerts_free(v->alerts, v->nalerts);
	free(v->error);
	free(v->fetch_text);
	free(v);
}

/* Shown: read now, then every FBV_POLL_MS. */
static void
fbv_enter(struct ui *ui, void *state)
{
	struct fbv	*v = state;

	v->visible = 1;
	fbv_load(ui, v);
	ui_dirty(ui);
	ui_tick_in(ui, v, FBV_POLL_MS);
}

static void
fbv_leave(struct ui *ui, void *state)
{
	struct fbv	*v = state;

	(void)ui;
	v->visible = 0;
}

/*
 * The timer: a fetch's end, its spinner, and the trail re-read while
 * the screen is shown. Hidden, it sleeps until shown again (enter) or a
 * fetch ends (the child wakes it).
 */
static int
fbv_tick(struct ui *ui, void *state)
{
	struct fbv	*v = state;

	if (subcmd_ended(&v->fetch)) {
		fbv_fetch_done(ui, v);
		fbv_load(ui, v);
		ui_dirty(ui);
	}
	if (!v->visible)
		return -1;
	if (fbv_load(ui, v))
		ui_dirty(ui);
	if (v->fetch.running) {
		ui_dirty(ui);
		return FBV_SPIN_MS;
	}
	return FBV_POLL_MS;
}

/* Enter: the selected finding's message. */
static enum ui_action
fbv_act_open(struct ui *ui, void *state, int key)
{
	struct fbv	*v = state;

	(void)key;
	if (v->table.sel < 0 || (size_t)v->table.sel >= v->nrows) {
		ui_info(ui, "%s", _("No finding selected"));
		return UI_REDRAW;
	}
	fbv_detail_open(ui, &v->rows[v->table.sel]);
	return UI_REDRAW;
}

/* f: fetch now. */
static enum ui_action
fbv_act_fetch(struct ui *ui, void *state, int key)
{
	(void)key;
	fbv_fetch_start(ui, state);
	return UI_REDRAW;
}

static enum ui_action
fbv_act_move(struct ui *ui, void *state, int key)
{
	struct fbv	*v = state;

	(void)ui;
	return table_key(&v->table, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action fbv_actions[] = {
	{ N_("Enter"), N_("Open"), N_("the selected finding's message in "
	  "full: its source, Message-ID, what was concluded and why"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER), UI_FKEY(KEY_RIGHT), 'l' },
	  fbv_act_open, NULL },
	{ "f", N_("Fetch"), N_("fetch now from feedback_source (herald "
	  "feedback fetch); set it in Settings (6)"), { 'f' }, fbv_act_fetch,
	  NULL },
	{ "↑↓ j k", NULL, N_("choose a finding (PgUp PgDn Home End: page)"),
	  { 0 }, fbv_act_move, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

static enum ui_action
fbv_key(struct ui *ui, void *state, int key)
{
	return action_key(fbv_actions, ui, state, key);
}

const struct screen_ops screen_feedback_ops = {
	.name = N_("Feedback"),
	.actions = fbv_actions,
	.open = fbv_open,
	.close = fbv_close,
	.enter = fbv_enter,
	.leave = fbv_leave,
	.draw = fbv_draw,
	.key = fbv_key,
	.tick = fbv_tick,
};
