/*
 * The Lists screen: every address list with its member and suppressed
 * counts. Enter opens a list's members; i imports, e exports, d deletes,
 * / filters by name, r reloads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "ui/kit/action.h"
#include "ui/kit/widget.h"
#include "lists_ui.h"

static const struct table_col lists_cols[] = {
	{ N_("List"), 20, 1, 0 },
	{ N_("Members"), 12, 0, 1 },
	{ N_("Suppressed"), 12, 0, 1 },
	{ N_("Created"), 16, 0, 0 },
};

struct lists {
	struct list_info	*all;
	size_t			 nall;
	size_t			*shown;		/* indexes into all */
	size_t			 nshown;
	struct table		 table;
	struct field		 filter;
	int			 filtering;
	char			*select;	/* select this list next load */
	char			*error;		/* the last load failed */
	char			 cell[64];
};

/* The list under the cursor, or NULL. */
static struct list_info *
lists_selected(struct lists *l)
{
	if (l->table.sel < 0 || (size_t)l->table.sel >= l->nshown)
		return NULL;
	return &l->all[l->shown[l->table.sel]];
}

/* Case-insensitive substring match (ASCII folding, UTF-8 kept as is). */
static int
lists_match(const char *name, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (n == 0)
		return 1;
	for (; *name != '\0'; name++) {
		for (i = 0; i < n && name[i] != '\0'; i++)
			if ((name[i] | 0x20) != (needle[i] | 0x20) &&
			    name[i] != needle[i])
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Apply the name filter; keep the selection on the same list if we can. */
static void
lists_refilter(struct lists *l, const char *keep)
{
	size_t	i;

	free(l->shown);
	l->shown = xcalloc(l->nall + 1, sizeof *l->shown);
	l->nshown = 0;
	for (i = 0; i < l->nall; i++)
		if (lists_match(l->all[i].name, l->filter.text))
			l->shown[l->nshown++] = i;
	table_set_rows(&l->table, (int64_t)l->nshown);
	for (i = 0; keep != NULL && i < l->nshown; i++)
		if (strcmp(l->all[l->shown[i]].name, keep) == 0) {
			l->table.sel = (int64_t)i;
			table_set_rows(&l->table, (int64_t)l->nshown);
		}
}

/* Read the lists from the database again. */
static void
lists_load(struct ui *ui, struct lists *l)
{
	struct list_info	*sel;
	char			*keep, *cause = NULL;

	sel = lists_selected(l);
	keep = l->select != NULL ? l->select : sel != NULL ?
	    xstrdup(sel->name) : NULL;
	l->select = NULL;
	store_lists_free(l->all, l->nall);
	l->all = NULL;
	l->nall = 0;
	free(l->error);
	l->error = NULL;
	if (store_lists(ui_store(ui), &l->all, &l->nall, &cause) == -1) {
		l->error = cause;
		l->all = NULL;
		l->nall = 0;
	}
	lists_refilter(l, keep);
	free(keep);
	ui_dirty(ui);
}

/* Empty state; lists are read when the view is entered. */
static void *
lists_open(struct ui *ui, void *arg)
{
	struct lists	*l = xcalloc(1, sizeof *l);

	(void)ui;
	(void)arg;
	table_init(&l->table, lists_cols, (int)nitems(lists_cols));
	field_init(&l->filter, "");
	return l;
}

/* Free everything the view holds. */
static void
lists_close(struct ui *ui, void *state)
{
	struct lists	*l = state;

	(void)ui;
	store_lists_free(l->all, l->nall);
	free(l->shown);
	free(l->select);
	free(l->error);
	field_free(&l->filter);
	free(l);
}

/* Counts may have changed in a members view or elsewhere: reload. */
static void
lists_enter(struct ui *ui, void *state)
{
	lists_load(ui, state);
}

/* One cell of the table. */
static const char *
lists_cell(void *arg, int64_t row, int col)
{
	struct lists		*l = arg;
	struct list_info	*li = &l->all[l->shown[row]];
	time_t			 t;
	struct tm		 tm;

	switch (col) {
	case 0:
		return li->name;
	case 1:
		return ui_count(l->cell, sizeof l->cell, li->members);
	case 2:
		if (li->suppressed == 0)
			return "-";
		return ui_count(l->cell, sizeof l->cell, li->suppressed);
	default:
		t = (time_t)li->created_at;
		if (localtime_r(&t, &tm) == NULL)
			return "";
		strftime(l->cell, sizeof l->cell, "%Y-%m-%d %H:%M", &tm);
		return l->cell;
	}
}

/* Suppressed counts stand out. */
static enum ui_role
lists_role(void *arg, int64_t row, int col)
{
	struct lists	*l = arg;

	if (col == 2 && l->all[l->shown[row]].suppressed > 0)
		return ROLE_WARN;
	return ROLE_NORMAL;
}

/* Title, filter line, then the table or the empty state. */
static void
lists_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct lists	*l = state;
	struct ui_rect	 t = *r;
	const char	*empty;
	char		 n[32];
	int		 x;

	x = ui_print(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Address lists"));
	if (l->nall > 0)
		ui_printf(ui, r->y, x + 3, r->w - x - 4, ROLE_DIM,
		    ngettext("%s list", "%s lists", l->nall),
		    ui_count(n, sizeof n, (int64_t)l->nall));
	if (l->filtering || l->filter.len > 0) {
		x = ui_print(ui, r->y + 1, 1, 10, ROLE_EMPH, _("Filter: "));
		field_draw(ui, &l->filter, r->y + 1, 1 + x, 30, l->filtering);
		ui_printf(ui, r->y + 1, 33 + x, r->w - 35 - x, ROLE_DIM,
		    _("%zu of %zu   %s"), l->nshown, l->nall, l->filtering ?
		    _("Enter: keep   Esc: clear") :
		    _("/: change   Esc: clear"));
	}
	t.y = r->y + 2;
	t.h = r->h - 2;
	if (l->error != NULL) {
		ui_print(ui, t.y + 1, 2, r->w - 4, ROLE_FAIL,
		    _("Cannot read the lists:"));
		ui_print(ui, t.y + 2, 2, r->w - 4, ROLE_FAIL, l->error);
		return;
	}
	if (l->nall == 0 || l->nshown == 0) {
		empty = l->nall == 0 ? _("No lists yet. Press i to import a "
		    "CSV, TSV or one address per line.") : _("No list name "
		    "contains that text. Esc clears the filter.");
		x = ui_centre_col(empty, r->w);
		ui_print(ui, t.y + t.h / 3, x, r->w - x, ROLE_DIM, empty);
		return;
	}
	table_draw(ui, &l->table, &t, lists_cell, lists_role, l);
}

/* Keys while the filter field has focus. */
static enum ui_action
lists_filter_key(struct ui *ui, struct lists *l, int key)
{
	struct list_info	*sel = lists_selected(l);
	char			*keep = sel != NULL ? xstrdup(sel->name) : NULL;

	switch (field_key(ui, &l->filter, key)) {
	case FIELD_ENTER:
		l->filtering = 0;
		break;
	case FIELD_CANCEL:
		l->filtering = 0;
		field_set(&l->filter, "");
		lists_refilter(l, keep);
		break;
	case FIELD_CHANGED:
		lists_refilter(l, keep);
		break;
	case FIELD_IGNORED:
		free(keep);
		if (table_key(&l->table, key))
			return UI_REDRAW;
		return UI_HANDLED;
	default:
		break;
	}
	free(keep);
	return UI_REDRAW;
}

/* After an import: show the list it went into. */
static void
lists_imported(struct ui *ui, const char *list, int ok, void *arg)
{
	struct lists	*l = arg;

	free(l->select);
	l->select = ok ? xstrdup(list) : NULL;
	lists_load(ui, l);
}

/* After a delete. */
static void
lists_deleted(struct ui *ui, void *arg)
{
	lists_load(ui, arg);
}

/* Enter: the selected list's members. */
static enum ui_action
lists_act_open(struct ui *ui, void *state, int key)
{
	struct list_info	*sel = lists_selected(state);

	(void)key;
	if (sel == NULL)
		return UI_HANDLED;
	ui_push(ui, &screen_members_ops, sel->name);
	return UI_REDRAW;
}

/* i: import a file, into the selected list by default. */
static enum ui_action
lists_act_import(struct ui *ui, void *state, int key)
{
	struct lists		*l = state;
	struct list_info	*sel = lists_selected(l);

	(void)key;
	list_import_start(ui, NULL, sel != NULL ? sel->name : NULL,
	    lists_imported, l);
	return UI_REDRAW;
}

/* e: write the selected list as CSV. */
static enum ui_action
lists_act_export(struct ui *ui, void *state, int key)
{
	struct list_info	*sel = lists_selected(state);

	(void)key;
	if (sel == NULL) {
		ui_error(ui, "%s", _("No list to export"));
		return UI_REDRAW;
	}
	list_export_start(ui, sel->name);
	return UI_REDRAW;
}

/* d: delete the selected list, asking first. */
static enum ui_action
lists_act_delete(struct ui *ui, void *state, int key)
{
	struct lists		*l = state;
	struct list_info	*sel = lists_selected(l);

	(void)key;
	if (sel == NULL) {
		ui_error(ui, "%s", _("No list to delete"));
		return UI_REDRAW;
	}
	list_delete_start(ui, sel->name, sel->members, lists_deleted, l);
	return UI_REDRAW;
}

/* /: type a filter. */
static enum ui_action
lists_act_filter(struct ui *ui, void *state, int key)
{
	struct lists	*l = state;

	(void)ui;
	(void)key;
	l->filtering = 1;
	return UI_REDRAW;
}

/* r: read the lists again. */
static enum ui_action
lists_act_reload(struct ui *ui, void *state, int key)
{
	(void)key;
	lists_load(ui, state);
	ui_info(ui, "%s", _("Lists reloaded"));
	return UI_REDRAW;
}

/* Esc: clear a filter kept with Enter (else the shell's Esc). */
static enum ui_action
lists_act_clear(struct ui *ui, void *state, int key)
{
	struct lists		*l = state;
	struct list_info	*sel = lists_selected(l);

	(void)ui;
	(void)key;
	if (l->filter.len == 0)
		return UI_IGNORED;
	field_set(&l->filter, "");
	lists_refilter(l, sel != NULL ? sel->name : NULL);
	return UI_REDRAW;
}

/* The table's movement keys. */
static enum ui_action
lists_act_move(struct ui *ui, void *state, int key)
{
	struct lists	*l = state;

	(void)ui;
	return table_key(&l->table, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action lists_actions[] = {
	{ N_("Enter"), N_("Open"), N_("show the selected list's members"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER), UI_FKEY(KEY_RIGHT), 'l' },
	  lists_act_open, NULL },
	{ "i", N_("Import"), N_("import a CSV, TSV or one-address-a-line file"),
	  { 'i' }, lists_act_import, NULL },
	{ "e", N_("Export"), N_("write the selected list as CSV"),
	  { 'e' }, lists_act_export, NULL },
	{ "d", N_("Delete"), N_("delete the selected list (asks first)"),
	  { 'd', UI_FKEY(KEY_DC) }, lists_act_delete, NULL },
	{ "/", N_("Filter"), N_("show only lists whose name contains some "
	    "text"),
	  { '/' }, lists_act_filter, NULL },
	{ "r", N_("Reload"), N_("read the lists again"),
	  { 'r' }, lists_act_reload, NULL },
	{ "↑↓ j k", NULL, N_("move; PgUp PgDn Home End scroll"),
	  { 0 }, lists_act_move, NULL },
	{ NULL, NULL, NULL, { UI_ESC }, lists_act_clear, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the Lists screen; the rest go to the shell. */
static enum ui_action
lists_key(struct ui *ui, void *state, int key)
{
	struct lists	*l = state;

	if (l->filtering)
		return lists_filter_key(ui, l, key);
	return action_key(lists_actions, ui, l, key);
}

const struct screen_ops screen_lists_ops = {
	.name = N_("Lists"),
	.actions = lists_actions,
	.open = lists_open,
	.close = lists_close,
	.enter = lists_enter,
	.draw = lists_draw,
	.key = lists_key,
};
