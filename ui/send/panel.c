/*
 * The Send screen's two tables while a send is watched: one row per
 * recipient outcome as it happens (recipient, MX, TLS version, cipher,
 * the trust word with its symbol and colour, the server's reply), newest
 * at the bottom and followed unless the operator scrolled back; and one
 * row per destination domain with its counts and TLS trust. Cells are
 * cropped by display width by the table widget.
 *
 * A filter (/) or problems first (o) turns the panel into a view of the
 * ring: each recipient's latest outcome held (an earlier deferral of a
 * recipient delivered since is no longer a problem), matching the filter,
 * in time order or bounced, unknown and deferred first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "send_ui.h"
#include "store/store.h"
#include "base/utf8.h"

static struct table_col send_rcpt_cols[] = {
	{ N_("Recipient"), 14, 3, 0 },
	{ N_("State"), 9, 0, 0 },
	{ N_("MX"), 10, 1, 0 },
	{ N_("TLS"), 7, 0, 0 },
	{ N_("Cipher"), 6, 1, 0 },
	{ N_("Trust"), 13, 0, 0 },
	{ N_("Reply"), 9, 4, 0 },
};

static struct table_col send_dom_cols[] = {
	{ N_("Domain"), 14, 2, 0 },
	{ N_("Rcpts"), 6, 0, 1 },
	{ N_("Delivered"), 9, 0, 1 },
	{ N_("Deferred"), 8, 0, 1 },
	{ N_("Bounced"), 7, 0, 1 },
	{ N_("Pending"), 7, 0, 1 },
	{ N_("TLS trust"), 16, 3, 0 },
};

/* Column titles in the operator's language, translated once (the
 * locale is chosen before any screen opens); a column is at least as
 * wide as its title as shown. */
void
send_cols_tr(struct table_col *cols, size_t n, int *done)
{
	size_t	i;
	int	w;

	if (*done)
		return;
	for (i = 0; i < n; i++) {
		cols[i].title = _(cols[i].title);
		if ((w = utf8_width(cols[i].title)) > cols[i].min)
			cols[i].min = w;
	}
	*done = 1;
}

/* Empty tables, following the newest row, no filter. */
void
send_panel_init(struct send_screen *s)
{
	static int	rtr, dtr;

	send_cols_tr(send_rcpt_cols, nitems(send_rcpt_cols), &rtr);
	send_cols_tr(send_dom_cols, nitems(send_dom_cols), &dtr);
	table_init(&s->rcpts, send_rcpt_cols, (int)nitems(send_rcpt_cols));
	table_init(&s->doms, send_dom_cols, (int)nitems(send_dom_cols));
	s->follow = 1;
	s->shown_dropped = 0;
	if (s->filter.text == NULL)
		field_init(&s->filter, "");
	else
		field_set(&s->filter, "");
	s->filtering = 0;
	s->problems_first = 0;
	free(s->view);
	s->view = NULL;
	s->nview = 0;
	free(s->filter_error);
	s->filter_error = NULL;
}

/* Free what the panel holds. */
void
send_panel_free(struct send_screen *s)
{
	field_free(&s->filter);
	free(s->view);
	free(s->filter_error);
}

/* Is the panel a filtered or reordered view of the ring? */
static int
send_panel_viewing(const struct send_screen *s)
{
	return s->filter.len > 0 || s->problems_first;
}

/* Ring row of table row i. */
static const struct send_row *
send_panel_row(const struct send_screen *s, int64_t i)
{
	if (!send_panel_viewing(s))
		return send_ring_at(&s->live.ring, (size_t)i);
	if (i < 0 || (size_t)i >= s->nview)
		return NULL;
	return send_ring_at(&s->live.ring, s->view[i]);
}

/* The row under the selection. */
const struct send_row *
send_panel_selected(struct send_screen *s)
{
	if (s->focus != FOCUS_RCPTS || s->rcpts.sel < 0)
		return NULL;
	return send_panel_row(s, s->rcpts.sel);
}

/* What the filter asks for: any of the states named (none: any state),
 * and every other word in the address; "domain:" words name the domain
 * or a parent of it. */
struct send_match {
	unsigned int	 states;
	char		*words[8];
	int		 isdom[8];
	size_t		 nwords;
};

/* Parse the filter text; -1 with s->filter_error set. */
static int
send_match_parse(struct send_screen *s, struct send_match *m)
{
	char		*copy = xstrdup(s->filter.text), *w, *save = NULL;
	enum rcpt_state	 st;
	int		 rc = 0;

	memset(m, 0, sizeof *m);
	free(s->filter_error);
	s->filter_error = NULL;
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (strncasecmp(w, "state:", 6) == 0) {
			if (rcpt_state_parse(w + 6, &st) == -1) {
				s->filter_error = xprintf(_("no state '%s' "
				    "(delivered, deferred, bounced, unknown)"),
				    w + 6);
				rc = -1;
				break;
			}
			m->states |= 1u << st;
		} else if (rcpt_state_parse(w, &st) == 0)
			m->states |= 1u << st;
		else if (m->nwords < nitems(m->words)) {
			m->isdom[m->nwords] = strncasecmp(w, "domain:", 7) == 0;
			m->words[m->nwords] = xstrdup(m->isdom[m->nwords] ?
			    w + 7 : w);
			m->nwords++;
		}
	}
	free(copy);
	return rc;
}

/* Free a parsed filter. */
static void
send_match_free(struct send_match *m)
{
	size_t	i;

	for (i = 0; i < m->nwords; i++)
		free(m->words[i]);
}

/* Does a row pass the filter? */
static int
send_match_row(const struct send_match *m, const struct send_row *r)
{
	size_t	i, dl, wl;

	if (m->states != 0 && (m->states & (1u << r->state)) == 0)
		return 0;
	for (i = 0; i < m->nwords; i++) {
		if (!m->isdom[i]) {
			if (strcasestr(r->rcpt, m->words[i]) == NULL)
				return 0;
			continue;
		}
		dl = strlen(r->domain);
		wl = strlen(m->words[i]);
		if (wl > dl || strcasecmp(r->domain + dl - wl,
		    m->words[i]) != 0 || (wl < dl &&
		    r->domain[dl - wl - 1] != '.'))
			return 0;
	}
	return 1;
}

/* Problems first: bounced, unknown, deferred, then the rest. */
static int
send_problem_rank(enum rcpt_state st)
{
	switch (st) {
	case RCPT_BOUNCED:
		return 0;
	case RCPT_UNKNOWN:
		return 1;
	case RCPT_DEFERRED:
		return 2;
	default:
		return 3;
	}
}

/* Order view rows by rank, then as they happened (qsort_r). */
static int
send_view_cmp(const void *a, const void *b, void *arg)
{
	const struct send_ring	*ring = arg;
	size_t			 i = *(const size_t *)a, j = *(const size_t *)b;
	int			 ri, rj;

	ri = send_problem_rank(send_ring_at(ring, i)->state);
	rj = send_problem_rank(send_ring_at(ring, j)->state);
	if (ri != rj)
		return ri < rj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Rebuild the view: each recipient's latest outcome held in the ring
 * (its earlier ones say what no longer is), if it matches. */
static void
send_view_build(struct send_screen *s)
{
	const struct send_ring	*ring = &s->live.ring;
	struct send_match	 m;
	const struct send_row	*r;
	int64_t			*seen;
	size_t			 i, j, nslots = 2 * SEND_RING * 2, n = 0;

	free(s->view);
	s->view = NULL;
	s->nview = 0;
	if (!send_panel_viewing(s) || send_match_parse(s, &m) == -1)
		return;
	s->view = xcalloc(ring->n + 1, sizeof *s->view);
	seen = xcalloc(nslots, sizeof *seen);
	for (i = ring->n; i-- > 0;) {
		r = send_ring_at(ring, i);
		/* Open addressing on the recipient id (ids are > 0). */
		j = (size_t)r->rcpt_id * 2654435761u % nslots;
		while (seen[j] != 0 && seen[j] != r->rcpt_id)
			j = (j + 1) % nslots;
		if (seen[j] == r->rcpt_id)
			continue;
		seen[j] = r->rcpt_id;
		if (send_match_row(&m, r))
			s->view[n++] = i;
	}
	free(seen);
	send_match_free(&m);
	/* Collected newest first: back to the order they happened. */
	for (i = 0; i < n / 2; i++) {
		j = s->view[i];
		s->view[i] = s->view[n - 1 - i];
		s->view[n - 1 - i] = j;
	}
	if (s->problems_first)
		qsort_r(s->view, n, sizeof *s->view, send_view_cmp,
		    (void *)ring);
	s->nview = n;
}

/* New rows arrived: keep the selection on its row (older rows may have
 * left the ring, a view is rebuilt), or on the newest when following. */
void
send_panel_sync(struct send_screen *s)
{
	struct table		*t = &s->rcpts;
	const struct send_row	*r;
	int64_t			 gone = s->live.ring.dropped - s->shown_dropped;
	int64_t			 was = -1, i;

	s->shown_dropped = s->live.ring.dropped;
	if (send_panel_viewing(s)) {
		if ((r = send_panel_row(s, t->sel)) != NULL)
			was = r->id;
		send_view_build(s);
		table_set_rows(t, (int64_t)s->nview);
		for (i = 0; was != -1 && i < t->rows; i++)
			if (send_panel_row(s, i)->id == was) {
				t->sel = i;
				break;
			}
		if (s->follow && !s->problems_first && t->rows > 0)
			t->sel = t->rows - 1;
		table_set_rows(t, t->rows);
		table_set_rows(&s->doms, (int64_t)s->live.doms.n);
		return;
	}
	if (!s->follow && gone > 0) {
		t->sel = t->sel > gone ? t->sel - gone : 0;
		t->top = t->top > gone ? t->top - gone : 0;
	}
	table_set_rows(t, (int64_t)s->live.ring.n);
	if (s->follow && t->rows > 0) {
		t->sel = t->rows - 1;
		table_set_rows(t, t->rows);
	}
	table_set_rows(&s->doms, (int64_t)s->live.doms.n);
}

/* The filter or the order changed: show the view from its top (or the
 * newest row when following in time order). */
static void
send_panel_refilter(struct send_screen *s)
{
	s->rcpts.sel = 0;
	s->rcpts.top = 0;
	s->follow = !s->problems_first;
	s->shown_dropped = s->live.ring.dropped;
	send_panel_sync(s);
}

/* Typing a filter: every key is the filter's (the table keys still
 * move). */
enum ui_action
send_panel_typing(struct ui *ui, struct send_screen *s, int key)
{
	switch (field_key(ui, &s->filter, key)) {
	case FIELD_ENTER:
		s->filtering = 0;
		return UI_REDRAW;
	case FIELD_CANCEL:
		s->filtering = 0;
		field_set(&s->filter, "");
		send_panel_refilter(s);
		return UI_REDRAW;
	case FIELD_CHANGED:
		send_panel_refilter(s);
		return UI_REDRAW;
	case FIELD_MOVED:
		return UI_REDRAW;
	default:
		break;
	}
	if (table_key(&s->rcpts, key)) {
		s->follow = 0;
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

/* /: type a filter of the recipients. */
void
send_panel_filter(struct send_screen *s)
{
	s->focus = FOCUS_RCPTS;
	s->filtering = 1;
}

/* o: problems first, or in time order. */
void
send_panel_order(struct ui *ui, struct send_screen *s)
{
	s->focus = FOCUS_RCPTS;
	s->problems_first = !s->problems_first;
	send_panel_refilter(s);
	ui_info(ui, "%s", s->problems_first ? _("Problems first: bounced, "
	    "unknown, deferred, then delivered (o: in time order)") :
	    _("In time order (o: problems first)"));
}

/* Esc: clear a filter kept with Enter; 0 if there was none. */
int
send_panel_clear(struct send_screen *s)
{
	if (s->filter.len == 0)
		return 0;
	field_set(&s->filter, "");
	send_panel_refilter(s);
	return 1;
}

/* "250 2.0.0 OK", and when a deferred one is tried again. */
static const char *
send_reply_text(struct send_screen *s, const struct send_row *r)
{
	char		when[16] = "";
	struct tm	tm;
	time_t		t = (time_t)r->next_at;

	if (r->state == RCPT_DEFERRED && r->next_at > 0 &&
	    localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%H:%M:%S", &tm);
	char		next[64] = "";

	if (*when != '\0')
		snprintf(next, sizeof next, _(" (next try %s)"), when);
	if (r->code > 0)
		snprintf(s->cell, sizeof s->cell, "%d%s%s %s%s", r->code,
		    *r->enhanced != '\0' ? " " : "", r->enhanced, r->reply,
		    next);
	else
		snprintf(s->cell, sizeof s->cell, "%s%s", r->reply, next);
	return s->cell;
}

/* A cell of the recipients' table. */
static const char *
send_rcpt_cell(void *arg, int64_t row, int col)
{
	struct send_screen	*s = arg;
	const struct send_row	*r = send_panel_row(s, row);

	if (r == NULL)
		return NULL;
	switch (col) {
	case 0:
		return r->rcpt;
	case 1:
		return rcpt_state_name(r->state);
	case 2:
		return *r->mx != '\0' ? r->mx : "-";
	case 3:
		return *r->version != '\0' ? r->version : "-";
	case 4:
		return *r->cipher != '\0' ? r->cipher : "-";
	case 5:
		return send_trust_word(r->trust);
	default:
		return send_reply_text(s, r);
	}
}

/* State and trust carry a colour (their words carry the meaning). */
static enum ui_role
send_rcpt_role(void *arg, int64_t row, int col)
{
	struct send_screen	*s = arg;
	const struct send_row	*r = send_panel_row(s, row);

	if (r == NULL)
		return ROLE_NORMAL;
	if (col == 1)
		return send_state_role(r->state);
	if (col == 5)
		return send_trust_role(r->trust);
	return ROLE_NORMAL;
}

/* The filter line: the field, how many match, what the keys do. */
static void
send_panel_filter_draw(struct ui *ui, struct send_screen *s, int y, int x,
    int w)
{
	char	n[32], *xcount;
	int	used = 0;

	xcount = xprintf(ngettext("%s recipient", "%s recipients",
	    (unsigned long)s->rcpts.rows), ui_count(n, sizeof n,
	    s->rcpts.rows));

	if (s->filtering || s->filter.len > 0) {
		used = ui_print(ui, y, x, w, ROLE_EMPH, _("Filter: "));
		field_draw(ui, &s->filter, y, x + used, 24, s->filtering);
		used += 25;
	}
	if (s->filter_error != NULL)
		ui_print(ui, y, x + used, w - used, ROLE_FAIL,
		    s->filter_error);
	else
		ui_printf(ui, y, x + used, w - used, ROLE_DIM, "%s%s   %s",
		    xcount, s->problems_first ? _(", problems first (o: by "
		    "time)") : "", s->filtering ? _("Enter: keep   Esc: clear") :
		    s->filter.len > 0 ? _("/: change   Esc: clear") :
		    _("/: filter"));
	free(xcount);
}

/* The recipients' table in r, its last row saying what it holds. The
 * selection shows only while the table has the focus. */
void
send_panel_draw(struct ui *ui, struct send_screen *s, const struct ui_rect *r)
{
	struct ui_rect	 t = *r;
	int64_t		 sel = s->rcpts.sel;
	char		 n[32];

	if (r->h < 3)
		return;
	t.h = r->h - 1;
	table_layout(&s->rcpts, &t);
	if (s->focus != FOCUS_RCPTS)
		s->rcpts.sel = -1;
	table_draw(ui, &s->rcpts, &t, send_rcpt_cell, send_rcpt_role, s);
	s->rcpts.sel = sel;
	if (s->live.ring.n == 0)
		ui_print(ui, t.y + 1, t.x + 1, t.w - 2, ROLE_DIM,
		    s->live.catching_up ? _("Reading the send's events…") :
		    _("No outcome yet: each recipient appears here once its "
		    "server has answered."));
	else if (s->rcpts.rows == 0)
		ui_print(ui, t.y + 1, t.x + 1, t.w - 2, ROLE_DIM,
		    _("No recipient's latest outcome matches the filter. Esc "
		    "clears it."));
	if (s->filtering || s->filter.len > 0 || s->problems_first)
		send_panel_filter_draw(ui, s, r->y + r->h - 1, r->x + 1,
		    r->w - 2);
	else if (s->live.truncated && !s->follow && s->rcpts.top == 0)
		ui_printf(ui, r->y + r->h - 1, r->x + 1, r->w - 2, ROLE_WARN,
		    _("Older outcomes are not kept here (the last %s are): "
		    "herald report %lld has every recipient"),
		    ui_count(n, sizeof n, SEND_RING), (long long)s->live.id);
	else if (!s->follow)
		ui_printf(ui, r->y + r->h - 1, r->x + 1, r->w - 2, ROLE_DIM,
		    _("Scrolled back: row %lld of %lld; End or G follows the "
		    "newest"), (long long)s->rcpts.sel + 1,
		    (long long)s->rcpts.rows);
}

/* "✓ 12 verified" when every answer agrees, else "✓ 8  ~ 2  ✗ 1": by
 * symbol, the best first. */
static const char *
send_dom_trust(struct send_screen *s, const struct send_dom *d)
{
	static const enum send_trust order[] = {
		TRUST_DANE_OK, TRUST_VERIFIED, TRUST_TRUSTED, TRUST_UNTRUSTED,
		TRUST_PLAIN, TRUST_DANE_FAIL
	};
	size_t	i, kinds = 0, len = 0;
	int	n;

	for (i = 0; i < nitems(order); i++)
		kinds += d->trust[order[i]] > 0;
	s->cell[0] = '\0';
	for (i = 0; i < nitems(order); i++) {
		if (d->trust[order[i]] == 0)
			continue;
		n = snprintf(s->cell + len, sizeof s->cell - len, "%s%s %lld%s%s",
		    len > 0 ? "  " : "", send_trust_sym(order[i]),
		    (long long)d->trust[order[i]], kinds == 1 ? " " : "",
		    kinds == 1 ? send_trust_name(order[i]) : "");
		if (n < 0 || (size_t)n >= sizeof s->cell - len)
			break;
		len += (size_t)n;
	}
	return len > 0 ? s->cell : "-";
}

/* A cell of the domains' table. */
static const char *
send_dom_cell(void *arg, int64_t row, int col)
{
	struct send_screen	*s = arg;
	const struct send_dom	*d = send_doms_at(&s->live.doms, (size_t)row);
	int64_t			 v;

	if (d == NULL)
		return NULL;
	switch (col) {
	case 0:
		return d->name;
	case 1:
		v = d->total;
		break;
	case 2:
		v = d->n[RCPT_DELIVERED];
		break;
	case 3:
		v = d->n[RCPT_DEFERRED];
		break;
	case 4:
		v = d->n[RCPT_BOUNCED];
		break;
	case 5:
		v = d->n[RCPT_QUEUED] + d->n[RCPT_CONNECTING] +
		    d->n[RCPT_SENT_DATA];
		break;
	default:
		return send_dom_trust(s, d);
	}
	return ui_count(s->cell, sizeof s->cell, v);
}

/* Domains with bounces or bad TLS stand out. */
static enum ui_role
send_dom_role(void *arg, int64_t row, int col)
{
	struct send_screen	*s = arg;
	const struct send_dom	*d = send_doms_at(&s->live.doms, (size_t)row);

	if (d == NULL)
		return ROLE_NORMAL;
	if (col == 4 && d->n[RCPT_BOUNCED] > 0)
		return ROLE_FAIL;
	if (col == 3 && d->n[RCPT_DEFERRED] > 0)
		return ROLE_WARN;
	if (col == 6 && (d->trust[TRUST_PLAIN] > 0 ||
	    d->trust[TRUST_DANE_FAIL] > 0))
		return ROLE_FAIL;
	if (col == 6 && (d->trust[TRUST_UNTRUSTED] > 0 ||
	    d->trust[TRUST_TRUSTED] > 0))
		return ROLE_WARN;
	if (col == 6 && d->trust[TRUST_VERIFIED] + d->trust[TRUST_DANE_OK] >
	    0)
		return ROLE_OK;
	return ROLE_NORMAL;
}

/* The domains' table in r (its selection shown only with the focus). */
void
send_doms_draw(struct ui *ui, struct send_screen *s, const struct ui_rect *r)
{
	int64_t	sel = s->doms.sel;

	if (r->h < 2)
		return;
	if (s->focus != FOCUS_DOMAINS)
		s->doms.sel = -1;
	table_draw(ui, &s->doms, r, send_dom_cell, send_dom_role, s);
	s->doms.sel = sel;
}
