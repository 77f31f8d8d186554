/*
 * The Send screen's two tables while a send is watched: one row per
 * recipient outcome as it happens (recipient, MX, TLS version, cipher,
 * the trust word with its symbol and colour, the server's reply), newest
 * at the bottom and followed unless the operator scrolled back; and one
 * row per destination domain with its counts and TLS trust. Cells are
 * cropped by display width by the table widget.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "send.h"

static const struct table_col send_rcpt_cols[] = {
	{ "Recipient", 14, 3, 0 },
	{ "State", 9, 0, 0 },
	{ "MX", 10, 1, 0 },
	{ "TLS", 7, 0, 0 },
	{ "Cipher", 6, 1, 0 },
	{ "Trust", 13, 0, 0 },
	{ "Reply", 9, 4, 0 },
};

static const struct table_col send_dom_cols[] = {
	{ "Domain", 14, 2, 0 },
	{ "Rcpts", 6, 0, 1 },
	{ "Delivered", 9, 0, 1 },
	{ "Deferred", 8, 0, 1 },
	{ "Bounced", 7, 0, 1 },
	{ "Pending", 7, 0, 1 },
	{ "TLS trust", 16, 3, 0 },
};

/* Empty tables, following the newest row. */
void
send_panel_init(struct send_screen *s)
{
	table_init(&s->rcpts, send_rcpt_cols, (int)nitems(send_rcpt_cols));
	table_init(&s->doms, send_dom_cols, (int)nitems(send_dom_cols));
	s->follow = 1;
	s->shown_dropped = 0;
}

/* New rows arrived: keep the selection on its row (older rows may have
 * left the ring), or on the newest when following. */
void
send_panel_sync(struct send_screen *s)
{
	struct table	*t = &s->rcpts;
	int64_t		 gone = s->live.ring.dropped - s->shown_dropped;

	s->shown_dropped = s->live.ring.dropped;
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
	if (r->code > 0)
		snprintf(s->cell, sizeof s->cell, "%d%s%s %s%s%s%s", r->code,
		    *r->enhanced != '\0' ? " " : "", r->enhanced, r->reply,
		    *when != '\0' ? " (next try " : "", when,
		    *when != '\0' ? ")" : "");
	else
		snprintf(s->cell, sizeof s->cell, "%s%s%s%s", r->reply,
		    *when != '\0' ? " (next try " : "", when,
		    *when != '\0' ? ")" : "");
	return s->cell;
}

/* A cell of the recipients' table. */
static const char *
send_rcpt_cell(void *arg, int64_t row, int col)
{
	struct send_screen	*s = arg;
	const struct send_row	*r = send_ring_at(&s->live.ring, (size_t)row);

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
	const struct send_row	*r = send_ring_at(&s->live.ring, (size_t)row);

	if (r == NULL)
		return ROLE_NORMAL;
	if (col == 1)
		return send_state_role(r->state);
	if (col == 5)
		return send_trust_role(r->trust);
	return ROLE_NORMAL;
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
		    s->live.catching_up ? "Reading the send's events…" :
		    "No outcome yet: each recipient appears here once its "
		    "server has answered.");
	if (s->live.truncated && !s->follow && s->rcpts.top == 0)
		ui_printf(ui, r->y + r->h - 1, r->x + 1, r->w - 2, ROLE_WARN,
		    "Older outcomes are not kept here (the last %s are): "
		    "herald report %lld has every recipient",
		    ui_count(n, sizeof n, SEND_RING), (long long)s->live.id);
	else if (!s->follow)
		ui_printf(ui, r->y + r->h - 1, r->x + 1, r->w - 2, ROLE_DIM,
		    "Scrolled back: row %lld of %lld; End or G follows the "
		    "newest", (long long)s->rcpts.sel + 1,
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
