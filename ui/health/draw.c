/*
 * Drawing the Health screen: a head (domain, sending address, a summary
 * and any trouble), then one block per check: a symbol and a word (so it
 * reads without colour), the title and when it was checked, what was
 * observed, and for a failing or warning check its fix in full, plain
 * text wrapped at spaces with nothing drawn inside it, so it can be
 * selected and copied from an SSH terminal; a record in a fix starts a
 * line of its own and breaks only where a zone file allows (between
 * quoted strings, inside parentheses), never inside quotes. Checks not yet reported by
 * the run in flight keep their last result, dimmed, with a spinner.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "health_ui.h"
#include "base/utf8.h"
#include "ui/kit/widget.h"

#define HEALTH_COL	10	/* where titles, observations and fixes start */
#define HEALTH_SLOW_MS	3000	/* a silence worth showing while running */

static const char *const health_spin[] = {
	"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"
};

/* Symbol, word and colour of each status. */
static const struct {
	const char	*sym, *word;
	enum ui_role	 role;
} health_status[] = {
	[HS_OK] = { "✓", "ok", ROLE_OK },
	[HS_WARN] = { "!", "warn", ROLE_WARN },
	[HS_FAIL] = { "✗", "FAIL", ROLE_FAIL },
};

/* Where the word at p ends: at a space or newline, except inside a
 * quoted string when quotes is set. */
static const char *
health_word_end(const char *p, int quotes)
{
	size_t	n;

	while (*p != '\0' && *p != ' ' && *p != '\n') {
		if (quotes && *p == '"' && (n = hfix_quoted(p)) != 0)
			p += n;
		else
			p++;
	}
	return p;
}

/* Text wrapped to w columns at spaces ('\n' breaks; with quotes, never
 * inside a quoted string); a word wider than w is cut by columns.
 * Allocated lines, their number in *n. */
static char **
health_wrap(const char *text, int w, int quotes, size_t *n)
{
	char		**v = NULL, *word;
	struct buf	  line;
	const char	 *p = text, *end;
	int		  lw = 0, ww;
	size_t		  cut;

	*n = 0;
	if (w < 1)
		w = 1;
	buf_init(&line);
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n') {
			if (line.len > 0 || *p == '\n') {
				v = xreallocarray(v, *n + 1, sizeof *v);
				v[(*n)++] = line.len > 0 ? buf_take(&line) :
				    xstrdup("");
				lw = 0;
			}
			if (*p++ == '\0')
				break;
			continue;
		}
		end = health_word_end(p, quotes);
		word = xstrndup(p, (size_t)(end - p));
		ww = utf8_width(word);
		if (lw > 0 && lw + 1 + ww > w) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = buf_take(&line);
			lw = 0;
		}
		if (lw == 0 && ww > w) {
			/* Too long for any line: cut, keep the rest. */
			cut = utf8_prefix(word, w);
			if (cut == 0)
				cut = 1;
			end = p + cut;
			word[cut] = '\0';
			ww = utf8_width(word);
		}
		if (lw > 0) {
			buf_addc(&line, ' ');
			lw++;
		}
		buf_adds(&line, word);
		lw += ww;
		free(word);
		p = end;
	}
	buf_free(&line);
	return v;
}

/* Append the quoted string q (n bytes, quotes included) to b as
 * several, each at most w columns, split between characters (never
 * inside an escape): receivers join a TXT record's strings (RFC 7208
 * 3.3, RFC 6376 3.6.2.2), so the record is the same. */
static void
health_split_quoted(struct buf *b, const char *q, size_t n, int w)
{
	size_t	i, unit;
	int	col = 1;

	buf_addc(b, '"');
	for (i = 1; i + 1 < n; i += unit) {
		unit = 1;
		if (q[i] == '\\')
			unit = isdigit((unsigned char)q[i + 1]) ? 4 : 2;
		if (i + unit > n - 1)
			unit = n - 1 - i;
		if (col + (int)unit + 1 > w && col > 1) {
			buf_adds(b, "\" \"");
			col = 1;
		}
		buf_add(b, q + i, unit);
		col += (int)unit;
	}
	buf_addc(b, '"');
}

/*
 * A fix as shown: prose before its record, the record, prose after it,
 * each from a new line. A record wider than w gets its data in
 * parentheses (so its lines are one record in a zone file) with quoted
 * strings wider than w split in several; the wrap then breaks it only
 * between words and strings, never inside quotes.
 */
static char *
health_fix_text(const char *fix, int w)
{
	struct buf	 b;
	const char	*rec, *p, *data;
	size_t		 off, len, n, i;
	int		 paren;

	if (!hfix_record(fix, &off, &len))
		return xstrdup(fix);
	buf_init(&b);
	for (n = off; n > 0 && fix[n - 1] == ' '; n--)
		;
	if (n > 0) {
		buf_add(&b, fix, n);
		buf_addc(&b, '\n');
	}
	rec = fix + off;
	if (len <= (size_t)w)
		buf_add(&b, rec, len);
	else {
		/* The data starts after the owner, TTL, class and type. */
		for (data = rec, i = 0; i < 4; i++)
			data += strcspn(data, " ") + 1;
		paren = *data != '(';
		buf_add(&b, rec, (size_t)(data - rec));
		if (paren)
			buf_adds(&b, "( ");
		for (p = data; p < rec + len; p += n) {
			if (*p == '"' && (n = hfix_quoted(p)) != 0 &&
			    (int)n > w)
				health_split_quoted(&b, p, n, w);
			else {
				n = *p == '"' && hfix_quoted(p) != 0 ?
				    hfix_quoted(p) : 1;
				buf_add(&b, p, n);
			}
		}
		if (paren)
			buf_adds(&b, " )");
	}
	for (p = rec + len; *p == ' '; p++)
		;
	if (*p != '\0') {
		buf_addc(&b, '\n');
		buf_adds(&b, p);
	}
	return buf_take(&b);
}

/* Free wrapped lines. */
static void
health_wrap_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "checked 12s ago", "checked 5m ago", "checked at 14:03". */
static void
health_ago(char *buf, size_t len, int64_t ms, time_t when)
{
	struct tm	tm;
	long long	s = ms / 1000;

	char		hm[16];

	if (s < 2)
		snprintf(buf, len, "%s", _("checked just now"));
	else if (s < 60)
		snprintf(buf, len, _("checked %llds ago"), s);
	else if (s < 3600)
		snprintf(buf, len, _("checked %lldm ago"), s / 60);
	else {
		strftime(hm, sizeof hm, "%H:%M", localtime_r(&when, &tm));
		snprintf(buf, len, _("checked at %s"), hm);
	}
}

/* Print the wrapped lines of text from row *y (rows below ymax are
 * counted, not drawn); the first at x0 gets label. wrap: 0 one row, 1
 * wrapped at spaces, 2 a fix (its record never broken inside quotes).
 * Returns rows. */
static int
health_text(struct ui *ui, int *y, int ymax, int w, const char *label,
    enum ui_role role, const char *text, int wrap)
{
	char	**v, *fix = NULL;
	size_t	  n, i;

	if (wrap == 2)
		text = fix = health_fix_text(text, w - HEALTH_COL - 1);
	if (!wrap) {
		if (*y < ymax)
			ui_print(ui, *y, HEALTH_COL, w - HEALTH_COL - 1, role,
			    text);
		(*y)++;
		return 1;
	}
	v = health_wrap(text, w - HEALTH_COL - 1, wrap == 2, &n);
	for (i = 0; i < n; i++, (*y)++) {
		if (*y >= ymax)
			continue;
		if (i == 0 && label != NULL)
			ui_print(ui, *y, 3, HEALTH_COL - 4, ROLE_DIM, _(label));
		ui_print(ui, *y, HEALTH_COL, w - HEALTH_COL - 1, role, v[i]);
	}
	health_wrap_free(v, n);
	free(fix);
	return (int)n;
}

/* One check's block from row y (nothing drawn at or below ymax; ymax
 * of y measures it). Returns its rows. */
static int
health_block(struct ui *ui, struct health *h, size_t i, int y, int ymax,
    int w)
{
	struct hcheck	*c = &h->rep.v[i];
	int		 y0 = y, spin = h->running && !c->fresh, rw;
	enum ui_role	 role = c->fresh ? health_status[c->status].role :
			    ROLE_DIM;
	enum ui_role	 text = c->fresh ? ROLE_NORMAL : ROLE_DIM;
	char		 right[64], when[32];
	struct tm	 tm;

	if (y < ymax) {
		ui_print(ui, y, 1, 1, role, spin ?
		    health_spin[h->frame % nitems(health_spin)] :
		    health_status[c->status].sym);
		ui_print(ui, y, 3, 4, role, health_status[c->status].word);
		if (spin)
			snprintf(right, sizeof right, "%s", _("checking…"));
		else
			health_ago(right, sizeof right, ui_now() - c->at,
			    c->when);
		rw = utf8_width(right);
		ui_print(ui, y, w - rw - 1, rw, ROLE_DIM, right);
		ui_print(ui, y, HEALTH_COL, w - HEALTH_COL - rw - 3,
		    i == h->sel ? ROLE_SELECTED : text, _(c->title));
	}
	y++;
	if (c->observed != NULL)
		health_text(ui, &y, ymax, w, NULL, text, c->observed,
		    c->open || c->status != HS_OK);
	if (c->fix != NULL && c->status != HS_OK)
		health_text(ui, &y, ymax, w, N_("fix:"), c->fresh ? ROLE_EMPH :
		    ROLE_DIM, c->fix, 2);
	if (c->open) {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S",
		    localtime_r(&c->when, &tm));
		if (y < ymax)
			ui_printf(ui, y, HEALTH_COL, w - HEALTH_COL - 1,
			    ROLE_DIM, _("check \"%s\", %s at %s"), c->id,
			    health_status[c->status].word, when);
		y++;
	}
	return y - y0;
}

/* The summary line: progress while running, else the counts. */
static void
health_summary(struct ui *ui, struct health *h, int y, int w)
{
	char		 buf[128];
	int		 x = 1, s;
	int64_t		 now = ui_now();
	size_t		 n;

	if (h->running) {
		if (h->expect > 0)
			snprintf(buf, sizeof buf, _("%zu of %zu"), h->rep.fresh,
			    h->expect);
		else
			snprintf(buf, sizeof buf, "%zu", h->rep.fresh);
		ui_printf(ui, y, x, w - 2, ROLE_EMPH, _("%s Checking %s… %s "
		    "done, %llds so far"), health_spin[h->frame %
		    nitems(health_spin)], h->domain, buf,
		    (long long)((now - h->w.started) / 1000));
		return;
	}
	if (h->rep.n == 0)
		x += ui_print(ui, y, x, w - 2, ROLE_DIM, _("No results yet · "));
	for (s = HS_FAIL; s >= HS_OK && h->rep.n > 0; s--) {
		if ((n = hreport_count(&h->rep, s)) == 0)
			continue;
		snprintf(buf, sizeof buf, s == HS_FAIL ? _("%s %zu failing") :
		    s == HS_WARN ? ngettext("%s %zu warning", "%s %zu warnings",
		    n) : _("%s %zu ok"), health_status[s].sym, n);
		x += ui_print(ui, y, x, w - x - 1, health_status[s].role,
		    buf) + 3;
	}
	if (h->rep.at > 0) {
		health_ago(buf, sizeof buf, now - h->rep.at, h->rep.when);
		x += ui_printf(ui, y, x, w - x - 1, ROLE_DIM, "%s · ", buf);
	}
	ui_printf(ui, y, x, w - x - 1, ROLE_DIM, _("next check in %llds "
	    "(r: now)"), (long long)((h->next_run - now + 999) / 1000));
}

/* Trouble worth a line of its own, or NULL: a failed run, lookups that
 * timed out, or a run waiting on a silent resolver. */
static char *
health_trouble(struct ui *ui, struct health *h, enum ui_role *role)
{
	size_t		 i, n = 0, of = 0;
	int64_t		 quiet = ui_now() - h->w.heard;

	*role = ROLE_FAIL;
	if (h->error != NULL)
		return xstrdup(h->error);
	for (i = 0; i < h->rep.n; i++) {
		if (h->running && !h->rep.v[i].fresh)
			continue;
		of++;
		if (hcheck_timed_out(&h->rep.v[i]))
			n++;
	}
	if (n > 0)
		return xprintf(ngettext("Resolver %s not answering (TIMEOUT): "
		    "%zu of %zu check could not be decided.", "Resolver %s not "
		    "answering (TIMEOUT): %zu of %zu checks could not be "
		    "decided.", of), health_resolver(ui), n, of);
	*role = ROLE_WARN;
	if (h->running && quiet > HEALTH_SLOW_MS)
		return xprintf(_("Waiting for %s: no answer for %llds…"),
		    health_resolver(ui), (long long)(quiet / 1000));
	return NULL;
}

/* The head; returns the rows it took. */
static int
health_head(struct ui *ui, struct health *h, const struct ui_rect *r)
{
	struct config	*cfg = ui_config(ui);
	const char	*ip = config_get(cfg, "source_ip");
	const char	*helo = config_get(cfg, "helo"), *res;
	enum ui_role	 role;
	char		*trouble;
	int		 x, y = r->y;

	if (ip == NULL)
		ip = h->rep.ip != NULL ? h->rep.ip : _("this host's address");
	if (helo == NULL)
		helo = h->rep.helo != NULL ? h->rep.helo : _("its PTR name");
	x = ui_printf(ui, y, 1, r->w - 2, ROLE_EMPH, _("Health of %s"),
	    h->domain);
	if ((res = config_get(cfg, "resolver")) == NULL)
		res = h->rep.resolver != NULL ? h->rep.resolver : _("system");
	ui_printf(ui, y++, x + 3, r->w - x - 4, ROLE_DIM, _("sending from "
	    "%s, HELO %s, resolver %s"), ip, helo, res);
	health_summary(ui, h, y++, r->w);
	if ((trouble = health_trouble(ui, h, &role)) != NULL) {
		y += ui_wrap(ui, y, 1, r->w - 2, 2, role, trouble);
		free(trouble);
	}
	return y + 1 - r->y;
}

/* No domain to check: say so and how to set one. */
static void
health_draw_nodomain(struct ui *ui, struct health *h,
    const struct ui_rect *r)
{
	int	y = r->y + 1, w = r->w > 84 ? 80 : r->w - 4;

	ui_print(ui, y, 2, w, ROLE_EMPH,
	    _("Health: is this host allowed to send for your domain?"));
	y += 2;
	y += ui_wrap(ui, y, 2, w, 3, ROLE_WARN, h->nodomain != NULL ?
	    h->nodomain : _("No sending domain is configured."));
	y++;
	y += ui_wrap(ui, y, 2, w, 6, ROLE_NORMAL, _("Set the From address "
	    "your issues will carry, and this screen checks its domain: "
	    "press s for the set-up form, or from a shell run"));
	ui_print(ui, y++, 4, w - 2, ROLE_EMPH,
	    NT("herald config set from 'Info <info@example.org>'"));
	y++;
	ui_wrap(ui, y, 2, w, 4, ROLE_DIM, _("To check a sending domain other "
	    "than the From address's, also set `herald config set domain "
	    "example.org`."));
}

/* The screen. */
void
health_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct health	*h = state;
	int		 y, ymax, rows, need;
	size_t		 i, more;

	if (h->domain == NULL) {
		if (h->nodomain != NULL)
			health_draw_nodomain(ui, h, r);
		return;
	}
	y = r->y + health_head(ui, h, r);
	ymax = r->y + r->h - 1;		/* the last row is the hint */
	if (h->rep.n == 0) {
		if (h->running)
			ui_printf(ui, y, 1, r->w - 2, ROLE_DIM, _("%s Checking "
			    "SPF, reverse DNS, HELO, DMARC, DKIM and MX for "
			    "%s…"), health_spin[h->frame % nitems(health_spin)],
			    h->domain);
		return;
	}
	if (h->sel >= h->rep.n)
		h->sel = h->rep.n - 1;
	if (h->top > h->sel)
		h->top = h->sel;
	/* Scroll so that the whole selected block is shown. */
	for (;;) {
		for (need = 0, i = h->top; i <= h->sel; i++)
			need += health_block(ui, h, i, 0, 0, r->w);
		if (need <= ymax - y || h->top == h->sel)
			break;
		h->top++;
	}
	h->page = 0;
	for (i = h->top; i < h->rep.n && y < ymax; i++) {
		rows = health_block(ui, h, i, y, ymax, r->w);
		if (y + rows <= ymax)
			h->page++;
		y += rows;
	}
	more = h->rep.n - h->top - (size_t)h->page;
	if (more > 0 && h->top > 0)
		ui_printf(ui, ymax, 1, r->w - 2, ROLE_DIM, _("%zu more above, "
		    "%zu below (j k PgUp PgDn)"), h->top, more);
	else if (more > 0)
		ui_printf(ui, ymax, 1, r->w - 2, ROLE_DIM, _("%zu more below "
		    "(j PgDn)"), more);
	else if (h->top > 0)
		ui_printf(ui, ymax, 1, r->w - 2, ROLE_DIM, _("%zu more above "
		    "(k PgUp)"), h->top);
	else if (hreport_fixes(&h->rep) > 0)
		ui_print(ui, ymax, 1, r->w - 2, ROLE_DIM, _("Each fix is shown "
		    "in full; w writes them all to a zone file."));
}
