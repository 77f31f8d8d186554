/*
 * A list's members: address, name, status and attributes, paged from the
 * database a few screens at a time (a million-member list is never loaded
 * whole). / filters as you type, after a short pause: text that reads as
 * the audience filter language (audience/filter.h: it starts with a field
 * and an operator, "(" or "not") filters by it, with the error's column
 * under the input while it does not parse; any other text is looked for
 * in addresses and names, as before the language existed, so "smith"
 * still finds Smith. s (or Ctrl-S while typing) saves the filter in force
 * as a segment; plain text is saved as the filter that means the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience/filter.h"
#include "base/json.h"
#include "store/store.h"
#include "store/store_segment.h"
#include "base/utf8.h"
#include "ui/kit/action.h"
#include "ui/kit/widget.h"
#include "lists_ui.h"

#define MEMBERS_FILTER_MS	250	/* typing pause before filtering */
#define MEMBERS_FIELD_MAX	48	/* the filter field's columns, at most */

static const struct table_col members_cols[] = {
	{ N_("Address"), 24, 4, 0 },
	{ N_("Name"), 14, 3, 0 },
	{ N_("Status"), 10, 0, 0 },
	{ N_("Attributes"), 10, 3, 0 },
};

struct member_row {
	char	*addr;
	char	*name;
	char	*attrs;		/* "k=v k=v" */
	int	 suppressed;
};

struct members {
	char			*list;
	int64_t			 id;
	int64_t			 all;		/* members, unfiltered */
	int64_t			 suppressed;
	struct table		 table;
	struct field		 filter;
	int			 filtering;
	char			*applied;	/* plain text in force, or NULL */
	struct filter		*where;		/* a filter in force, or NULL */
	char			*perr;		/* why the text does not parse */
	size_t			 perr_col;	/* where, in characters */
	int			 fieldw;	/* the field's width as drawn */
	int			 pending;	/* typed, not yet applied */
	struct member_row	*cache;		/* rows [off, off + n) */
	int64_t			 off;
	int			 n;
	char			*error;
};

/* Drop the cached page. */
static void
members_flush(struct members *m)
{
	int	i;

	for (i = 0; i < m->n; i++) {
		free(m->cache[i].addr);
		free(m->cache[i].name);
		free(m->cache[i].attrs);
	}
	free(m->cache);
	m->cache = NULL;
	m->n = 0;
	m->off = 0;
}

/* Append one attribute as k=v. */
static int
members_attr(const char *key, const char *value, void *arg)
{
	struct buf	*b = arg;

	if (b->len > 0)
		buf_addc(b, ' ');
	buf_printf(b, "%s=%s", key, value);
	return 0;
}

/* Keep one fetched member. */
static int
members_row(const struct contact *c, void *arg)
{
	struct members		*m = arg;
	struct member_row	*r;
	struct buf		 b;

	m->cache = xreallocarray(m->cache, (size_t)m->n + 1, sizeof *m->cache);
	r = &m->cache[m->n++];
	r->addr = xstrdup(c->addr != NULL ? c->addr : "");
	r->name = xstrdup(c->name != NULL ? c->name : "");
	r->suppressed = c->suppressed;
	buf_init(&b);
	if (c->attrs != NULL)
		json_each_pair(c->attrs, members_attr, &b);
	r->attrs = buf_take(&b);
	return 0;
}

/* Make sure rows [top, top + page) are cached: fetch three pages around. */
static void
members_fetch(struct ui *ui, struct members *m)
{
	int64_t	page = m->table.page, want = m->table.top, off;
	char	*cause = NULL;

	if (m->error != NULL || m->table.rows == 0)
		return;
	if (want >= m->off && want + page <= m->off + m->n)
		return;
	if (m->n > 0 && want >= m->off && m->off + m->n == m->table.rows)
		return;
	members_flush(m);
	off = want - page > 0 ? want - page : 0;
	m->off = off;
	if ((m->where != NULL ? store_contacts_filter(ui_store(ui), m->id,
	    m->where, off, 3 * page, members_row, m, &cause) :
	    store_contacts(ui_store(ui), m->id, m->applied, off, 3 * page,
	    members_row, m, &cause)) == -1)
		m->error = cause;
}

/* Counts and the row total under the current filter. */
static void
members_load(struct ui *ui, struct members *m)
{
	struct list_info	 li;
	char			*cause = NULL;
	int64_t			 count = 0;
	int			 rc;

	members_flush(m);
	free(m->error);
	m->error = NULL;
	rc = store_list_info(ui_store(ui), m->list, &li, &cause);
	if (rc == 1)
		cause = xprintf(_("there is no list \"%s\" any more"), m->list);
	if (rc != 0) {
		m->error = cause;
		table_set_rows(&m->table, 0);
		ui_dirty(ui);
		return;
	}
	m->id = li.id;
	m->all = li.members;
	m->suppressed = li.suppressed;
	free(li.name);
	if ((m->where != NULL ? store_contacts_count_filter(ui_store(ui),
	    m->id, m->where, 0, &count, &cause) :
	    store_contacts_count(ui_store(ui), m->id, m->applied, &count,
	    &cause)) == -1)
		m->error = cause;
	table_set_rows(&m->table, count);
	ui_dirty(ui);
}

/* Use what is in the filter field now: a filter that parses, or plain
 * text. Text meant as a filter that does not parse leaves the rows of
 * the last one that did, and says why under the input. */
static void
members_apply(struct ui *ui, struct members *m)
{
	struct filter	*f = NULL;

	m->pending = 0;
	free(m->perr);
	m->perr = NULL;
	if (m->filter.len > 0 && filter_intended(m->filter.text) &&
	    filter_parse(m->filter.text, &f, &m->perr_col, &m->perr) == -1) {
		ui_dirty(ui);
		return;
	}
	filter_free(m->where);
	m->where = f;
	free(m->applied);
	m->applied = m->filter.len > 0 && f == NULL ?
	    xstrdup(m->filter.text) : NULL;
	m->table.sel = 0;
	m->table.top = 0;
	members_load(ui, m);
}

/* A view of the list named arg; rows are read when entered. */
static void *
members_open(struct ui *ui, void *arg)
{
	struct members	*m = xcalloc(1, sizeof *m);

	(void)ui;
	m->list = xstrdup(arg);
	table_init(&m->table, members_cols, (int)nitems(members_cols));
	field_init(&m->filter, "");
	return m;
}

/* Free everything the view holds. */
static void
members_close(struct ui *ui, void *state)
{
	struct members	*m = state;

	(void)ui;
	members_flush(m);
	field_free(&m->filter);
	filter_free(m->where);
	free(m->perr);
	free(m->applied);
	free(m->error);
	free(m->list);
	free(m);
}

/* Shown (again): counts may have changed. */
static void
members_enter(struct ui *ui, void *state)
{
	members_load(ui, state);
}

/* Apply the filter once typing pauses. */
static int
members_tick(struct ui *ui, void *state)
{
	struct members	*m = state;

	if (m->pending)
		members_apply(ui, m);
	return -1;
}

/* One cell, from the cached page. */
static const char *
members_cell(void *arg, int64_t row, int col)
{
	struct members		*m = arg;
	struct member_row	*r;

	if (row < m->off || row >= m->off + m->n)
		return "";
	r = &m->cache[row - m->off];
	switch (col) {
	case 0:
		return r->addr;
	case 1:
		return r->name;
	case 2:
		return r->suppressed ? "suppressed" : "ok";
	default:
		return r->attrs;
	}
}

/* Status in colour: ok green, suppressed red. */
static enum ui_role
members_role(void *arg, int64_t row, int col)
{
	struct members	*m = arg;

	if (col != 2 || row < m->off || row >= m->off + m->n)
		return ROLE_NORMAL;
	return m->cache[row - m->off].suppressed ? ROLE_FAIL : ROLE_OK;
}

/* Under the filter field at x: a caret under the error's column (when
 * the field shows it) and the message. */
static void
members_draw_error(struct ui *ui, struct members *m, const struct ui_rect *r,
    int x)
{
	size_t	i, off;
	char	*head;
	int	 col;

	for (i = 1, off = 0; off < m->filter.len && i < m->perr_col; i++)
		do
			off++;
		while (((unsigned char)m->filter.text[off] & 0xc0) == 0x80);
	head = xstrndup(m->filter.text, off);
	col = utf8_width(head) - m->filter.scroll;
	free(head);
	if (col >= 0 && col < m->fieldw) {
		ui_print(ui, r->y + 2, x + col, 1, ROLE_FAIL, "^");
		x += col + 2;
	}
	if (x > r->w / 2)
		x = r->w / 2;
	ui_print(ui, r->y + 2, x, r->w - x - 1, ROLE_FAIL, m->perr);
}

/* Title and position, filter line, then the table. */
static void
members_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct members	*m = state;
	struct ui_rect	 t = *r;
	char		 a[32], s[32], f[32], l[32], n[32], range[128];
	int		 x, shown;
	const char	*empty;

	/* The filter takes two lines: the field and its count, then the
	 * error under it, or the keys. */
	shown = m->filtering || m->filter.len > 0 || m->applied != NULL ||
	    m->where != NULL;
	t.y = r->y + (shown ? 3 : 2);
	t.h = r->h - (t.y - r->y);
	table_layout(&m->table, &t);
	x = ui_printf(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Lists › %s"),
	    m->list);
	x += 3;
	ui_printf(ui, r->y, x, r->w - x, ROLE_DIM,
	    ngettext("%s member, %s suppressed", "%s members, %s suppressed",
	    (unsigned long)m->all), ui_count(a, sizeof a, m->all),
	    ui_count(s, sizeof s, m->suppressed));
	if (m->table.rows > 0) {
		int64_t last = m->table.top + m->table.page;

		if (last > m->table.rows)
			last = m->table.rows;
		snprintf(range, sizeof range, _("rows %s-%s of %s"),
		    ui_count(f, sizeof f, m->table.top + 1),
		    ui_count(l, sizeof l, last),
		    ui_count(n, sizeof n, m->table.rows));
		x = utf8_width(range);
		ui_print(ui, r->y, r->w - x - 1, x, ROLE_DIM, range);
	}
	if (shown) {
		x = ui_print(ui, r->y + 1, 1, 12, ROLE_EMPH, _("Filter: "));
		m->fieldw = r->w - x - 32;
		if (m->fieldw > MEMBERS_FIELD_MAX)
			m->fieldw = MEMBERS_FIELD_MAX;
		if (m->perr != NULL)
			members_draw_error(ui, m, r, 1 + x);
		else
			ui_print(ui, r->y + 2, 1 + x, r->w - 2 - x, ROLE_DIM,
			    m->filtering ? _("Enter: keep   Esc: clear") :
			    _("/: change   Esc: clear"));
		ui_printf(ui, r->y + 1, 3 + x + m->fieldw,
		    r->w - 4 - x - m->fieldw, ROLE_DIM,
		    ngettext("%s match   %s", "%s matches   %s",
		    (unsigned long)m->table.rows),
		    ui_count(n, sizeof n, m->table.rows), m->filtering ?
		    _("Ctrl-S: save") : _("s: save"));
		/* Last: with focus it places the terminal's cursor. */
		field_draw(ui, &m->filter, r->y + 1, 1 + x, m->fieldw,
		    m->filtering);
	}
	if (m->error != NULL) {
		ui_print(ui, t.y + 1, 2, r->w - 4, ROLE_FAIL,
		    _("Cannot read the members:"));
		ui_print(ui, t.y + 2, 2, r->w - 4, ROLE_FAIL, m->error);
		return;
	}
	if (m->table.rows == 0) {
		empty = m->where != NULL ? _("No member matches the filter. "
		    "Esc clears it.") :
		    m->applied != NULL ? _("No member's address or name "
		    "contains that text. Esc clears the filter.") :
		    _("This list is empty. Press i to import a file into it.");
		x = ui_centre_col(empty, r->w);
		ui_print(ui, t.y + t.h / 3, x, r->w - x, ROLE_DIM, empty);
		return;
	}
	members_fetch(ui, m);
	table_draw(ui, &m->table, &t, members_cell, members_role, m);
}

/* The filter in force as text, or NULL: plain text as the filter that
 * finds the same members. */
static char *
members_filter_text(struct members *m)
{
	struct buf	 b;
	const char	*p;
	int		 i;

	if (m->where != NULL)
		return filter_print(m->where);
	if (m->applied == NULL)
		return NULL;
	buf_init(&b);
	for (i = 0; i < 2; i++) {
		/* NT: the filter language */
		buf_adds(&b, i == 0 ? "email ~ '" : " or name ~ '");
		for (p = m->applied; *p != '\0'; p++) {
			if (*p == '\'')
				buf_addc(&b, '\'');
			buf_addc(&b, *p);
		}
		buf_addc(&b, '\'');
	}
	return buf_take(&b);
}

/* The segment's name typed: save it, or say why not. */
static int
members_save_done(struct ui *ui, const char *name, void *arg)
{
	struct members	*m = arg;
	struct filter	*f;
	char		*text, *cause = NULL, n[32];
	int64_t		 count = 0;
	int		 rc;

	if (name == NULL)
		return 0;
	if (*name == '\0') {
		ui_error(ui, "%s", _("A segment needs a name."));
		return -1;
	}
	if ((text = members_filter_text(m)) == NULL)
		return 0;
	rc = store_segment_add(ui_store(ui), name, m->id, text, &cause);
	if (rc == 0 && filter_parse(text, &f, NULL, NULL) == 0) {
		rc = store_contacts_count_filter(ui_store(ui), m->id, f, 1,
		    &count, &cause);
		filter_free(f);
	}
	free(text);
	if (rc == 1) {
		ui_error(ui, _("A segment named \"%s\" exists already."), name);
		return -1;
	}
	if (rc == -1) {
		ui_error(ui, "%s", cause);
		free(cause);
		return 0;
	}
	ui_info(ui, ngettext("Segment %s saved: %s member who is not "
	    "suppressed.", "Segment %s saved: %s members who are not "
	    "suppressed.", (unsigned long)count), name,
	    ui_count(n, sizeof n, count));
	return 0;
}

/* Ask for a name and save the filter in force as a segment. */
static void
members_save(struct ui *ui, struct members *m)
{
	char	*text;

	if (m->pending || m->perr != NULL)
		members_apply(ui, m);
	if (m->perr != NULL) {
		ui_error(ui, "%s", _("The filter does not parse: fix it "
		    "before saving it."));
		return;
	}
	if ((text = members_filter_text(m)) == NULL) {
		ui_error(ui, "%s", _("No filter to save: press / and type "
		    "one."));
		return;
	}
	free(text);
	prompt_open(ui, _("Save segment"), _("Name of the new segment:"), "",
	    0, members_save_done, m);
}

/* Keys while the filter field has focus. */
static enum ui_action
members_filter_key(struct ui *ui, struct members *m, int key)
{
	if (key == UI_CTRL('s')) {
		m->filtering = 0;
		members_save(ui, m);
		return UI_REDRAW;
	}
	switch (field_key(ui, &m->filter, key)) {
	case FIELD_ENTER:
		m->filtering = 0;
		members_apply(ui, m);
		break;
	case FIELD_CANCEL:
		m->filtering = 0;
		field_set(&m->filter, "");
		members_apply(ui, m);
		break;
	case FIELD_CHANGED:
		m->pending = 1;
		ui_tick_in(ui, m, MEMBERS_FILTER_MS);
		break;
	case FIELD_IGNORED:
		return table_key(&m->table, key) ? UI_REDRAW : UI_HANDLED;
	default:
		break;
	}
	return UI_REDRAW;
}

/* After an import into this list. */
static void
members_imported(struct ui *ui, const char *list, int ok, void *arg)
{
	(void)list;
	(void)ok;
	members_load(ui, arg);
}

/* /: type a filter. */
static enum ui_action
members_act_filter(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	(void)ui;
	(void)key;
	m->filtering = 1;
	return UI_REDRAW;
}

/* s: save the filter in force as a segment. */
static enum ui_action
members_act_save(struct ui *ui, void *state, int key)
{
	(void)key;
	members_save(ui, state);
	return UI_REDRAW;
}

/* i: import a file into this list. */
static enum ui_action
members_act_import(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	(void)key;
	list_import_start(ui, m->list, NULL, members_imported, m);
	return UI_REDRAW;
}

/* e: write this list as CSV. */
static enum ui_action
members_act_export(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	(void)key;
	list_export_start(ui, m->list);
	return UI_REDRAW;
}

/* r: read the members again. */
static enum ui_action
members_act_reload(struct ui *ui, void *state, int key)
{
	(void)key;
	members_load(ui, state);
	ui_info(ui, "%s", _("Members reloaded"));
	return UI_REDRAW;
}

/* Esc: clear the filter, or back when there is none. */
static enum ui_action
members_act_esc(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	(void)key;
	if (m->applied == NULL && m->where == NULL && m->filter.len == 0)
		return UI_POP;
	field_set(&m->filter, "");
	members_apply(ui, m);
	return UI_REDRAW;
}

/* The table's movement keys. */
static enum ui_action
members_act_move(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	(void)ui;
	return table_key(&m->table, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action members_actions[] = {
	{ "/", N_("Filter"), N_("show members whose address or name contains "
	    "text"),
	  { '/' }, members_act_filter, NULL },
	/* Help only: the same key, for the filter language. */
	{ "/", NULL, N_("or those matching a filter: city = 'Tokyo' and "
	    "age > 20"),
	  { 0 }, NULL, NULL },
	{ "s", N_("Save"), N_("save the filter in force as a segment"),
	  { 's' }, members_act_save, NULL },
	{ "i", N_("Import"), N_("import a file into this list"),
	  { 'i' }, members_act_import, NULL },
	{ "e", N_("Export"), N_("write this list as CSV"),
	  { 'e' }, members_act_export, NULL },
	{ "r", N_("Reload"), N_("read the members again"),
	  { 'r' }, members_act_reload, NULL },
	{ N_("Esc"), N_("Back"), N_("back to the lists"),
	  { UI_ESC }, members_act_esc, NULL },
	{ "↑↓ j k", NULL, N_("move; PgUp PgDn Home End scroll"),
	  { 0 }, members_act_move, NULL },
	{ NULL, NULL, NULL, { UI_FKEY(KEY_LEFT), UI_FKEY(KEY_BACKSPACE),
	  0x7f, 'h' }, action_pop, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the members view; the rest go to the shell. */
static enum ui_action
members_key(struct ui *ui, void *state, int key)
{
	struct members	*m = state;

	if (m->filtering)
		return members_filter_key(ui, m, key);
	return action_key(members_actions, ui, m, key);
}

const struct screen_ops screen_members_ops = {
	.name = N_("Members"),
	.actions = members_actions,
	.open = members_open,
	.close = members_close,
	.enter = members_enter,
	.draw = members_draw,
	.key = members_key,
	.tick = members_tick,
};
