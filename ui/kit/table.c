/*
 * A scrolling table with one selected row. It holds no data: cells come
 * from a callback, so the caller can page rows in from the database. Every
 * cell is cropped and padded by display columns, so a column after a
 * Japanese name starts at the same column as on every other row.
 */
#include <string.h>

#include "base/utf8.h"
#include "widget.h"

#define TABLE_MAXCOLS	((int)(sizeof ((struct table *)0)->widths / \
			    sizeof ((struct table *)0)->widths[0]))

/* An empty table over cols. */
void
table_init(struct table *t, const struct table_col *cols, int ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols < TABLE_MAXCOLS ? ncols : TABLE_MAXCOLS;
	t->sel = -1;
	t->page = 1;
}

/* Keep the first row shown so that the selection is on the page. */
static void
table_scroll(struct table *t)
{
	int64_t	page = t->page > 0 ? t->page : 1;
	int64_t	maxtop = t->rows > page ? t->rows - page : 0;

	if (t->sel >= 0 && t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + page)
		t->top = t->sel - page + 1;
	if (t->top > maxtop)
		t->top = maxtop;
	if (t->top < 0)
		t->top = 0;
}

/* Change the row count, keeping the selection in range. */
void
table_set_rows(struct table *t, int64_t rows)
{
	t->rows = rows < 0 ? 0 : rows;
	if (t->rows == 0)
		t->sel = -1;
	else if (t->sel < 0)
		t->sel = 0;
	else if (t->sel >= t->rows)
		t->sel = t->rows - 1;
	table_scroll(t);
}

/* Move the selection by one key. */
int
table_key(struct table *t, int key)
{
	int64_t	page = t->page > 1 ? t->page : 1;

	switch (key) {
	case UI_FKEY(KEY_UP):
	case 'k':
		t->sel--;
		break;
	case UI_FKEY(KEY_DOWN):
	case 'j':
		t->sel++;
		break;
	case UI_FKEY(KEY_PPAGE):
	case UI_CTRL('b'):
		t->sel -= page;
		t->top -= page;
		break;
	case UI_FKEY(KEY_NPAGE):
	case UI_CTRL('f'):
	case ' ':
		t->sel += page;
		t->top += page;
		break;
	case UI_FKEY(KEY_HOME):
	case 'g':
		t->sel = 0;
		break;
	case UI_FKEY(KEY_END):
	case 'G':
		t->sel = t->rows - 1;
		break;
	default:
		return 0;
	}
	if (t->rows == 0)
		t->sel = -1;
	else if (t->sel < 0)
		t->sel = 0;
	else if (t->sel >= t->rows)
		t->sel = t->rows - 1;
	table_scroll(t);
	return 1;
}

/* Column widths for r, and the first row shown. */
void
table_layout(struct table *t, const struct ui_rect *r)
{
	int	i, total = 0, weights = 0, spare, given = 0, last = -1;

	t->page = r->h > 1 ? r->h - 1 : 1;
	for (i = 0; i < t->ncols; i++) {
		t->widths[i] = t->cols[i].min;
		total += t->cols[i].min + (i > 0);
		weights += t->cols[i].weight;
		if (t->cols[i].weight > 0)
			last = i;
	}
	spare = r->w - 2 - total;
	if (spare > 0 && weights > 0) {
		for (i = 0; i < t->ncols; i++) {
			int add = spare * t->cols[i].weight / weights;

			t->widths[i] += add;
			given += add;
		}
		t->widths[last] += spare - given;	/* rounding */
	}
	/* Too narrow: take columns from the right-most ones. */
	for (i = t->ncols - 1; spare < 0 && i >= 0; i--) {
		int take = t->widths[i] - 1;

		if (take > -spare)
			take = -spare;
		t->widths[i] -= take;
		spare += take;
	}
	table_scroll(t);
}

/* Draw one cell, right-aligned when the column says so. */
static void
table_cell(struct ui *ui, int y, int x, int w, int right, enum ui_role role,
    const char *s)
{
	int	tw;

	if (s == NULL)
		s = "";
	if (!right) {
		ui_fill(ui, y, x, w, role, s);
		return;
	}
	if ((tw = utf8_width(s)) > w)
		tw = w;
	ui_fill(ui, y, x, w - tw, role, "");
	ui_print(ui, y, x + w - tw, tw, role, s);
}

/* Header and visible rows; the selected row highlighted. */
void
table_draw(struct ui *ui, struct table *t, const struct ui_rect *r,
    table_cell_fn cell, table_role_fn rolefn, void *arg)
{
	int		i, c, x;
	int64_t		row;
	enum ui_role	role;

	table_layout(t, r);
	ui_fill(ui, r->y, r->x, r->w, ROLE_HEADER, "");
	for (c = 0, x = r->x + 1; c < t->ncols; c++) {
		table_cell(ui, r->y, x, t->widths[c], t->cols[c].right,
		    ROLE_HEADER, ui_tr(t->cols[c].title));
		x += t->widths[c] + 1;
	}
	for (i = 0; i < t->page; i++) {
		row = t->top + i;
		if (row >= t->rows)
			break;
		if (row == t->sel)
			ui_fill(ui, r->y + 1 + i, r->x, r->w, ROLE_SELECTED, "");
		for (c = 0, x = r->x + 1; c < t->ncols; c++) {
			role = ROLE_NORMAL;
			if (row == t->sel)
				role = ROLE_SELECTED;
			else if (rolefn != NULL)
				role = rolefn(arg, row, c);
			table_cell(ui, r->y + 1 + i, x, t->widths[c],
			    t->cols[c].right, role, cell(arg, row, c));
			x += t->widths[c] + 1;
		}
	}
}
