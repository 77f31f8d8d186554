/*
 * The Compose screen: every issue (id, list, subject, last change), newest
 * first. n writes a new one and e edits the selected one in $VISUAL or
 * $EDITOR (edit.c); an issue whose send is not finished cannot
 * change, so c copies it to a new issue to edit instead. Enter or p
 * previews the exact message one member gets, signed (preview.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose_ui.h"
#include "ui/kit/action.h"
#include "mail/message.h"
#include "store/store.h"

static const struct table_col compose_cols[] = {
	{ N_("ID"), 5, 0, 1 },
	{ N_("List"), 12, 1, 0 },
	{ N_("Subject"), 24, 4, 0 },
	{ N_("Kind"), 6, 0, 0 },
	{ N_("From"), 16, 1, 0 },
	{ N_("Updated"), 16, 0, 0 },
};

struct compose {
	struct issue	*v;
	size_t		 n;
	struct table	 table;
	char		*error;
	int64_t		 select;	/* select this issue next load */
	char		 cell[64];
	char		 aud[256];	/* the audience cell */
};

/* The issue under the cursor, or NULL. */
static struct issue *
compose_selected(struct compose *c)
{
	if (c->table.sel < 0 || (size_t)c->table.sel >= c->n)
		return NULL;
	return &c->v[c->table.sel];
}

/* Free the loaded issues. */
static void
compose_unload(struct compose *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		issue_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* Read the issues again, keeping the selection on the same one. */
static void
compose_load(struct ui *ui, struct compose *c)
{
	struct issue	*sel = compose_selected(c);
	int64_t		 keep = c->select != 0 ? c->select : sel != NULL ?
			    sel->id : 0;
	char		*cause = NULL;
	size_t		 i;

	c->select = 0;
	compose_unload(c);
	free(c->error);
	c->error = NULL;
	if (store_issues(ui_store(ui), &c->v, &c->n, &cause) == -1) {
		c->error = cause;
		c->v = NULL;
		c->n = 0;
	}
	table_set_rows(&c->table, (int64_t)c->n);
	for (i = 0; keep != 0 && i < c->n; i++)
		if (c->v[i].id == keep) {
			c->table.sel = (int64_t)i;
			table_set_rows(&c->table, (int64_t)c->n);
		}
	ui_dirty(ui);
}

/* Empty state; issues are read when the screen is shown. */
static void *
compose_open(struct ui *ui, void *arg)
{
	struct compose	*c = xcalloc(1, sizeof *c);

	(void)ui;
	(void)arg;
	table_init(&c->table, compose_cols, (int)nitems(compose_cols));
	return c;
}

/* Free everything. */
static void
compose_close(struct ui *ui, void *state)
{
	struct compose	*c = state;

	(void)ui;
	compose_unload(c);
	free(c->error);
	free(c);
}

/* Shown: issues may have changed elsewhere. */
static void
compose_enter(struct ui *ui, void *state)
{
	compose_load(ui, state);
}

/* The audience as the row shows it: "members, volunteers -board" (the
 * To names, then each Exclude name after a minus). */
static const char *
compose_audience(struct compose *c, const struct issue *is)
{
	size_t	i, len = 0;
	int	n;

	c->aud[0] = '\0';
	for (i = 0; i < is->naud && len < sizeof c->aud; i++) {
		n = snprintf(c->aud + len, sizeof c->aud - len, "%s%s%s",
		    len == 0 ? "" : is->aud[i].exclude ? " " : ", ",
		    is->aud[i].exclude ? "-" : "", is->aud[i].name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return c->aud[0] != '\0' ? c->aud : _("(removed)");
}

/* One cell. */
static const char *
compose_cell(void *arg, int64_t row, int col)
{
	struct compose	*c = arg;
	struct issue	*is = &c->v[row];
	time_t		 t;
	struct tm	 tm;

	switch (col) {
	case 0:
		snprintf(c->cell, sizeof c->cell, "%lld", (long long)is->id);
		return c->cell;
	case 1:
		return compose_audience(c, is);
	case 2:
		return is->subject;
	case 3:
		/* The stored word (ad, notice): the editor's Kind: header. */
		return is->kind != NULL ? is->kind : "notice";
	case 4:
		return is->from;
	default:
		t = (time_t)is->updated_at;
		if (localtime_r(&t, &tm) == NULL)
			return "";
		strftime(c->cell, sizeof c->cell, "%Y-%m-%d %H:%M", &tm);
		return c->cell;
	}
}

/* A removed list stands out. */
static enum ui_role
compose_role(void *arg, int64_t row, int col)
{
	struct compose	*c = arg;

	if (col == 1 && c->v[row].list_name == NULL)
		return ROLE_WARN;
	if (col == 3 && c->v[row].kind != NULL &&
	    strcmp(c->v[row].kind, "ad") == 0)
		return ROLE_EMPH;
	return col == 4 ? ROLE_DIM : ROLE_NORMAL;
}

/* Title, then the table or the empty state. */
static void
compose_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct compose	*c = state;
	struct ui_rect	 t = *r;
	struct issue	*sel;
	const char	*empty;
	char		*to, *exclude;
	int		 x;

	x = ui_print(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Issues"));
	if (c->n > 0)
		ui_printf(ui, r->y, x + 3, r->w - x - 4, ROLE_DIM,
		    ngettext("%zu issue, newest first",
		    "%zu issues, newest first", c->n), c->n);
	t.y = r->y + 2;
	t.h = r->h - 2;
	if (c->error != NULL) {
		ui_print(ui, t.y + 1, 2, r->w - 4, ROLE_FAIL,
		    _("Cannot read the issues:"));
		ui_print(ui, t.y + 2, 2, r->w - 4, ROLE_FAIL, c->error);
		return;
	}
	if (c->n == 0) {
		empty = _("No issues yet. Press n to write one in your "
		    "editor.");
		x = ui_centre_col(empty, r->w);
		ui_print(ui, t.y + t.h / 3, x, r->w - x, ROLE_DIM, empty);
		ui_wrap(ui, t.y + t.h / 3 + 2, 4, r->w - 8, 4, ROLE_DIM,
		    _("An issue is one announcement to one list: the headers "
		    "(From, Subject, List) above a plain-text body, with merge "
		    "fields such as {{name}} filled in for each member."));
		return;
	}
	/* The selected issue's whole audience on the last row: the List
	 * column has room for the first names only. */
	if ((sel = compose_selected(c)) != NULL && t.h > 3) {
		t.h -= 2;
		to = message_audience_text(sel, 0);
		exclude = message_audience_text(sel, 1);
		if (*exclude != '\0')
			ui_printf(ui, r->y + r->h - 1, 2, r->w - 4, ROLE_DIM,
			    _("To: %s   Exclude: %s"), to, exclude);
		else
			ui_printf(ui, r->y + r->h - 1, 2, r->w - 4, ROLE_DIM,
			    _("To: %s"), *to != '\0' ? to : _("(removed)"));
		free(to);
		free(exclude);
	}
	table_draw(ui, &c->table, &t, compose_cell, compose_role, c);
}

/* The list a new issue goes to: the only list, else the selected
 * issue's; NULL to let the operator type it. */
static char *
compose_default_list(struct ui *ui, struct compose *c)
{
	struct list_info	*v;
	struct issue		*sel = compose_selected(c);
	size_t			 n;
	char			*cause = NULL, *list = NULL;

	if (store_lists(ui_store(ui), &v, &n, &cause) == 0) {
		if (n == 1)
			list = xstrdup(v[0].name);
		store_lists_free(v, n);
	} else
		free(cause);
	if (list == NULL && sel != NULL && sel->list_name != NULL)
		list = xstrdup(sel->list_name);
	return list;
}

/* n: a new issue in the editor. */
static void
compose_new(struct ui *ui, struct compose *c)
{
	struct issue	 is;
	char		*list = compose_default_list(ui, c);

	compose_new_issue(ui, &is, list);
	free(list);
	if (compose_edit(ui, &is) == 1)
		c->select = is.id;
	issue_free(&is);
	compose_load(ui, c);
}

/* e: the selected issue in the editor (read afresh from the store). */
static void
compose_edit_selected(struct ui *ui, struct compose *c, int64_t id)
{
	struct issue	 is;
	char		*cause = NULL;
	int		 rc;

	rc = store_issue_get(ui_store(ui), id, &is, &cause);
	if (rc != 0) {
		if (rc == 1)
			ui_error(ui, _("Issue %lld is gone"), (long long)id);
		else
			ui_cause(ui, _("Cannot read the issue"), cause);
		compose_load(ui, c);
		return;
	}
	/* An edit saved as a copy (a send started meanwhile) is selected. */
	if (compose_edit(ui, &is) == 1 && is.id != id)
		c->select = is.id;
	issue_free(&is);
	compose_load(ui, c);
}

/* Enter, p: preview the selected issue. */
static enum ui_action
compose_act_preview(struct ui *ui, void *state, int key)
{
	struct issue	*sel = compose_selected(state);
	int64_t		*id;

	(void)key;
	if (sel == NULL) {
		ui_error(ui, _("No issue to preview: n writes one"));
		return UI_REDRAW;
	}
	id = xmalloc(sizeof *id);
	*id = sel->id;
	ui_push(ui, &screen_preview_ops, id);
	return UI_REDRAW;
}

/* n: write a new issue. */
static enum ui_action
compose_act_new(struct ui *ui, void *state, int key)
{
	(void)key;
	compose_new(ui, state);
	return UI_REDRAW;
}

/* e: edit the selected issue. */
static enum ui_action
compose_act_edit(struct ui *ui, void *state, int key)
{
	struct compose	*c = state;
	struct issue	*sel = compose_selected(c);

	(void)key;
	if (sel == NULL) {
		ui_error(ui, _("No issue to edit: n writes one"));
		return UI_REDRAW;
	}
	compose_edit_selected(ui, c, sel->id);
	return UI_REDRAW;
}

/* c: a new issue from the selected one, selected next. */
static enum ui_action
compose_act_copy(struct ui *ui, void *state, int key)
{
	struct compose	*c = state;
	struct issue	*sel = compose_selected(c);

	(void)key;
	if (sel == NULL) {
		ui_error(ui, _("No issue to copy: n writes one"));
		return UI_REDRAW;
	}
	c->select = compose_copy(ui, sel->id);
	compose_load(ui, c);
	return UI_REDRAW;
}

/* r: read the issues again. */
static enum ui_action
compose_act_reload(struct ui *ui, void *state, int key)
{
	(void)key;
	compose_load(ui, state);
	ui_info(ui, _("Issues reloaded"));
	return UI_REDRAW;
}

/* The table's movement keys. */
static enum ui_action
compose_act_move(struct ui *ui, void *state, int key)
{
	struct compose	*c = state;

	(void)ui;
	return table_key(&c->table, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action compose_actions[] = {
	{ N_("Enter"), N_("Preview"), N_("the exact message one member gets, "
	    "signed (also p)"), { '\r', '\n', UI_FKEY(KEY_ENTER), 'p' },
	  compose_act_preview, NULL },
	{ "n", N_("New"), N_("write a new issue in $VISUAL or $EDITOR"),
	  { 'n' }, compose_act_new, NULL },
	{ "e", N_("Edit"), N_("edit the selected issue in $VISUAL or $EDITOR"),
	  { 'e' }, compose_act_edit, NULL },
	{ "c", N_("Copy"), N_("a new issue from the selected one (an issue "
	    "whose send is not finished cannot be edited)"),
	  { 'c' }, compose_act_copy, NULL },
	{ "r", NULL, N_("read the issues again"),
	  { 'r' }, compose_act_reload, NULL },
	{ "↑↓ j k", NULL, N_("move; PgUp PgDn Home End scroll"),
	  { 0 }, compose_act_move, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the Compose screen; the rest go to the shell. */
static enum ui_action
compose_key(struct ui *ui, void *state, int key)
{
	return action_key(compose_actions, ui, state, key);
}

const struct screen_ops screen_compose_ops = {
	.name = N_("Compose"),
	.actions = compose_actions,
	.open = compose_open,
	.close = compose_close,
	.enter = compose_enter,
	.draw = compose_draw,
	.key = compose_key,
};
