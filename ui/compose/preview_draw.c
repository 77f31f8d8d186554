/*
 * Drawing the preview: who it is for, the signature status, the merge
 * values used (a grid aligned by display columns), then the message,
 * scrollable both ways, each line cropped by display columns so Japanese
 * text keeps its place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preview.h"
#include "base/utf8.h"

#define PV_LABEL	12	/* label columns, at least */
#define PV_MERGE_ROWS	2

/* The labels on the left, translated where drawn. */
static const char *const pv_labels[] = {
	N_("Merge"), N_("Signature"), N_("Bounces to")
};

/* The column the values start at: past the widest label as the
 * language writes it, so a translated label is never cut. */
static int
preview_label_col(void)
{
	size_t	i;
	int	col = PV_LABEL, w;

	for (i = 0; i < nitems(pv_labels); i++)
		if ((w = utf8_width(_(pv_labels[i])) + 2) > col)
			col = w;
	return col;
}

/* The "Merge" rows: returns the rows used. */
static int
preview_merge(struct ui *ui, struct preview *p, int y, int w, int lc)
{
	char	**cells, *c;
	size_t	  i, shown, ncols, rows;
	int	  cw = 0, x = lc, avail = w - lc - 1, cwid;

	ui_print(ui, y, 1, lc - 2, ROLE_DIM, _(pv_labels[0]));
	if (p->nm == 0) {
		ui_print(ui, y, x, avail, ROLE_DIM, _("none: the issue uses "
		    "no merge fields"));
		return 1;
	}
	cells = xcalloc(p->nm, sizeof *cells);
	for (i = 0; i < p->nm; i++) {
		cells[i] = xprintf("{{%s}} %s", p->mnames[i], p->mvalues[i] !=
		    NULL ? p->mvalues[i] : _("(none: default)"));
		if ((cwid = utf8_width(cells[i]) + 3) > cw)
			cw = cwid;
	}
	if (cw > avail)
		cw = avail;
	ncols = (size_t)(avail / cw);
	if (ncols == 0)
		ncols = 1;
	rows = (p->nm + ncols - 1) / ncols;
	shown = p->nm;
	if (rows > PV_MERGE_ROWS) {
		rows = PV_MERGE_ROWS;
		shown = rows * ncols - 1;
	}
	for (i = 0; i < shown; i++)
		ui_fill(ui, y + (int)(i / ncols), x + (int)(i % ncols) * cw,
		    cw - 2, p->mvalues[i] != NULL ? ROLE_NORMAL : ROLE_DIM,
		    cells[i]);
	if (shown < p->nm) {
		c = xprintf(_("+%zu more (m)"), p->nm - shown);
		ui_fill(ui, y + (int)(i / ncols), x + (int)(i % ncols) * cw,
		    cw - 2, ROLE_DIM, c);
		free(c);
	}
	for (i = 0; i < p->nm; i++)
		free(cells[i]);
	free(cells);
	return (int)rows;
}

/* The head; returns the rows it took. */
static int
preview_head(struct ui *ui, struct preview *p, const struct ui_rect *r)
{
	int	y = r->y, x, w = r->w, lc = preview_label_col();
	char	pos[256];

	x = 1 + ui_printf(ui, y, 1, w - 2, ROLE_EMPH, _("Issue %lld"),
	    (long long)p->id);
	if (p->addr != NULL) {
		x += ui_print(ui, y, x, w - x - 1, ROLE_NORMAL, _(" to "));
		if (p->name != NULL && *p->name != '\0')
			x += ui_printf(ui, y, x, w - x - 1, ROLE_EMPH,
			    "%s <%s>", p->name, p->addr);
		else
			x += ui_print(ui, y, x, w - x - 1, ROLE_EMPH, p->addr);
		if (p->index >= 0)
			snprintf(pos, sizeof pos, 
			    _("member %lld of %lld in %s"),
			    (long long)p->index + 1, (long long)p->members,
			    p->is.list_name);
		else
			snprintf(pos, sizeof pos, _("a member of %s"),
			    p->is.list_name);
		x += 3 + ui_printf(ui, y, x + 3, w - x - 4, ROLE_DIM,
		    _("%s (] [ t: another)"), pos);
		if (p->suppressed)
			ui_print(ui, y, x + 3, w - x - 4, ROLE_WARN,
			    _("suppressed: a send skips it"));
	}
	y++;
	if (p->error != NULL)
		return y - r->y;
	ui_print(ui, y, 1, lc - 2, ROLE_DIM, _(pv_labels[1]));
	x = ui_print(ui, y, lc, w - lc - 1, p->sigrole, p->sig);
	if (p->sigdetail != NULL && *p->sigdetail != '\0')
		ui_printf(ui, y, lc + x + 2, w - lc - x - 3,
		    ROLE_DIM, "(%s)", p->sigdetail);
	y++;
	if (p->encoding != NULL) {
		/* which charset and transfer encoding, and why */
		ui_print(ui, y, 1, PV_LABEL - 2, ROLE_DIM, _("Encoding"));
		ui_print(ui, y++, PV_LABEL, w - PV_LABEL - 1, ROLE_NORMAL,
		    p->encoding);
	}
	if (p->envelope != NULL) {
		/* where a bounce of this copy goes: VERP names the member */
		ui_print(ui, y, 1, lc - 2, ROLE_DIM, _(pv_labels[2]));
		ui_print(ui, y++, lc, w - lc - 1, ROLE_NORMAL,
		    p->envelope);
	}
	y += preview_merge(ui, p, y, w, lc);
	return y - r->y;
}

/* The rule above the message: what is shown and where. */
static void
preview_rule(struct ui *ui, struct preview *p, int y, int w, size_t n,
    int rows)
{
	char	 left[256], right[128], bytes[32];
	size_t	 last = p->top + (size_t)rows;
	int	 rw;

	if (last > n)
		last = n;
	ui_count(bytes, sizeof bytes, (int64_t)p->msg.len);
	if (p->decoded)
		snprintf(left, sizeof left, "── %s ", _("Decoded for reading, "
		    "not the bytes sent (d: exact bytes)"));
	else {
		char	*s = xprintf(_("Exact bytes as sent, %s bytes "
			    "(d: decoded)"), bytes);

		snprintf(left, sizeof left, "── %s ", s);
		free(s);
	}
	snprintf(right, sizeof right, _(" lines %zu-%zu of %zu%s ──"),
	    n > 0 ? p->top + 1 : 0, last, n, p->left > 0 ? " ←" : "");
	ui_fill(ui, y, 0, w, ROLE_DIM, "");
	{
		attr_t	a = ui_attr(ui, ROLE_DIM);

		attron(a);
		mvhline(y, 0, ACS_HLINE, w);
		attroff(a);
	}
	rw = utf8_width(right);
	ui_print(ui, y, 1, w - rw - 3, ROLE_DIM, left);
	ui_print(ui, y, w - rw - 1, rw, ROLE_DIM, right);
}

/* The view. */
void
preview_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct preview	 *p = state;
	char		**lines;
	size_t		  n, i;
	int		  y, rows;
	enum ui_role	  role;
	int		  inhead = 1;

	y = r->y + preview_head(ui, p, r);
	if (p->error != NULL) {
		/* Room for a charset report: a line per character. */
		ui_wrap(ui, y + 1, 2, r->w - 4, r->y + r->h - y - 2 > 4 ?
		    r->y + r->h - y - 2 : 4, ROLE_FAIL, p->error);
		return;
	}
	lines = preview_lines(p, &n);
	rows = r->y + r->h - (y + 1);
	if (rows < 1)
		return;
	p->page = rows;
	if (p->top + (size_t)rows > n)
		p->top = n > (size_t)rows ? n - (size_t)rows : 0;
	preview_rule(ui, p, y++, r->w, n, rows);
	/* Header field names stand out until the blank line. */
	for (i = 0; i < p->top && i < n; i++)
		if (*lines[i] == '\0')
			inhead = 0;
	for (i = p->top; i < n && y < r->y + r->h; i++, y++) {
		if (*lines[i] == '\0')
			inhead = 0;
		role = inhead && *lines[i] != ' ' ? ROLE_EMPH : ROLE_NORMAL;
		if (inhead && role == ROLE_EMPH && strchr(lines[i], ':') !=
		    NULL && p->left == 0) {
			/* "Name:" emphasised, the value plain. */
			size_t	 nl = (size_t)(strchr(lines[i], ':') -
				    lines[i]) + 1;
			char	*name = xstrndup(lines[i], nl);
			int	 x = ui_print(ui, y, 1, r->w - 2, ROLE_EMPH,
				    name);

			ui_print(ui, y, 1 + x, r->w - 2 - x, ROLE_NORMAL,
			    lines[i] + nl);
			free(name);
			continue;
		}
		ptext_draw(ui, y, 1, r->w - 2, role, lines[i], p->left);
	}
}
