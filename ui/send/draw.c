/*
 * Drawing the Send screen. Before a send: the issue, its list and
 * recipients, the From domain's health (failing checks named), the TLS
 * policy and what S will do. While watching: the send's state word, a
 * progress bar, the counters, a throughput sparkline over the last
 * minute, then the per-recipient panel and the per-domain table
 * (panel.c). Every status has a word or symbol besides its colour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send_ui.h"
#include "base/utf8.h"

#define SEND_LABEL	12	/* width of the labels before a send, at least */
#define SEND_DOMROWS	6	/* domains shown below the panel */
#define SEND_FAILS	4	/* failing checks listed before a send */

static const char *const send_spin[] = {
	"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"
};

/* What each TLS policy does, in a line. */
static const char *
send_policy_text(enum tls_policy p)
{
	switch (p) {
	case TLS_POLICY_NONE:
		return _("never STARTTLS: every message goes in plaintext");
	case TLS_POLICY_MAY:
		return _("STARTTLS when offered, plaintext otherwise");
	case TLS_POLICY_ENCRYPT:
		return _("TLS required: a server without it is deferred");
	case TLS_POLICY_VERIFY:
		return _("TLS with a certificate naming the MX, else deferred");
	case TLS_POLICY_DANE:
		return _("DANE (DNSSEC-signed TLSA) where published, else may");
	case TLS_POLICY_AUTO:
		return _("DANE where published, else MTA-STS, else may");
	case TLS_POLICY_STS:
		return _("MTA-STS where the domain has a policy, else may");
	}
	return "";
}

/* "12:34:56", with date "2026-12-07 12:34:56". */
const char *
send_clock(char *buf, size_t len, int64_t t, int date)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    (date ? strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) :
	    strftime(buf, len, "%H:%M:%S", &tm)) == 0)
		snprintf(buf, len, "-");
	return buf;
}

/* "4m 59s" */
static const char *
send_span(char *buf, size_t len, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, len, _("%llds"), (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, _("%lldm %llds"), (long long)secs / 60,
		    (long long)secs % 60);
	else
		snprintf(buf, len, _("%lldh %lldm"), (long long)secs / 3600,
		    (long long)secs % 3600 / 60);
	return buf;
}

/* The labels before a send, as shown (translated). */
static const char *const send_labels[] = {
	N_("Issue"), N_("From"), N_("Bounces to"), N_("Recipients"),
	N_("Domains"), N_("Health"), N_("TLS policy"), N_("Test"),
	N_("Audience"), N_("Providers")
};

/* The column of the values before a send: past the widest label as
 * translated (a language's labels may be wider than English's). */
static int
send_label_width(void)
{
	size_t	i;
	int	lw = SEND_LABEL, n;

	for (i = 0; i < nitems(send_labels); i++)
		if ((n = utf8_width(_(send_labels[i])) + 2) > lw)
			lw = n;
	return lw;
}

/* A label and its value on one row; returns the value's column. */
static int
send_label(struct ui *ui, int y, int x, int w, const char *label)
{
	ui_print(ui, y, x, w, ROLE_DIM, _(label));
	return x + send_label_width();
}

/* The health line and the failing checks; returns rows used. */
static int
send_draw_health(struct ui *ui, struct send_pre *p, int y, int x, int w,
    int maxrows)
{
	size_t	 i, fails = hreport_count(&p->rep, HS_FAIL), shown = 0;
	size_t	 warns = hreport_count(&p->rep, HS_WARN);
	int	 vx = send_label(ui, y, x, w, N_("Health")), rows = 1;
	int	 vw = w - send_label_width();
	char	*s, at[16];

	if (p->domain == NULL)
		ui_print(ui, y, vx, vw, ROLE_DIM, _("no From domain to check"));
	else if (p->hrunning && p->rep.n == 0)
		ui_printf(ui, y, vx, vw, ROLE_DIM, _("%s checking %s…"),
		    send_spin[p->frame % nitems(send_spin)], p->domain);
	else if (p->herror != NULL && p->rep.n == 0)
		ui_printf(ui, y, vx, vw, ROLE_FAIL, _("%s the check of %s did "
		    "not finish: %s (h: again)"), send_utf8() ? "✗" : "x",
		    p->domain, p->herror);
	else {
		char	*counts, *when;

		/* The verdict word is a state (FAIL, warn, ok), as the
		 * CLI prints it; the counts and the time are prose. */
		counts = xprintf(ngettext("%zu failing, %zu warning",
		    "%zu failing, %zu warnings", warns), fails, warns);
		if (p->hrunning)
			when = xstrdup(_("checking…"));
		else if (p->hdone)
			when = xprintf(_("checked at %s; h checks again"),
			    send_clock(at, sizeof at, (int64_t)p->rep.when, 0));
		else
			when = xstrdup(_("incomplete; h checks again"));
		s = xprintf("%s %s: %s (%s)",
		    fails > 0 ? (send_utf8() ? "✗ FAIL" : "x FAIL") :
		    warns > 0 ? "! warn" : (send_utf8() ? "✓ ok" : "+ ok"),
		    p->domain, counts, when);
		ui_print(ui, y, vx, vw, fails > 0 ? ROLE_FAIL : warns > 0 ?
		    ROLE_WARN : ROLE_OK, s);
		free(counts);
		free(when);
		free(s);
	}
	for (i = 0; i < p->rep.n && rows < maxrows; i++) {
		if (p->rep.v[i].status != HS_FAIL)
			continue;
		if (shown == SEND_FAILS && fails > SEND_FAILS + 1) {
			ui_printf(ui, y + rows++, vx + 2, vw - 2, ROLE_DIM,
			    _("and %zu more: see the Health screen (4)"),
			    fails - shown);
			break;
		}
		ui_print(ui, y + rows, vx + 2, 2, ROLE_FAIL,
		    send_utf8() ? "✗" : "x");
		ui_printf(ui, y + rows++, vx + 4, vw - 4, ROLE_NORMAL,
		    "%s: %s", p->rep.v[i].title != NULL ? _(p->rep.v[i].title) :
		    p->rep.v[i].id, p->rep.v[i].observed != NULL ?
		    p->rep.v[i].observed : "");
		shown++;
	}
	return rows;
}

/* "lab.test 12, slow.test 17, ...": the largest domains. */
static void
send_draw_domains(struct ui *ui, struct send_pre *p, int y, int x, int w)
{
	struct buf	b;
	char		n[32];
	size_t		i;

	buf_init(&b);
	for (i = 0; i < p->ntop; i++)
		buf_printf(&b, "%s%s %s", i > 0 ? ", " : "",
		    p->doms.v[p->top[i]].name, ui_count(n, sizeof n,
		    p->doms.v[p->top[i]].total));
	if (p->doms.n > p->ntop)
		buf_printf(&b, _(", and %s more"), ui_count(n, sizeof n,
		    (int64_t)(p->doms.n - p->ntop)));
	ui_print(ui, y, send_label(ui, y, x, w, N_("Domains")),
	    w - send_label_width(),
	    ROLE_NORMAL, b.data != NULL ? b.data : "");
	buf_free(&b);
}

/* Before a send. */
static void
send_draw_pre(struct ui *ui, struct send_screen *s, const struct ui_rect *r)
{
	struct send_pre	*p = &s->pre;
	int		 x = r->x + 2, w = r->w - 4, y = r->y + 1, vx, vw;
	int		 bottom = r->y + r->h - 1;
	char		 a[32], b[32];
	int64_t		 rcpts = p->counted ? p->recipients :
			    p->members - p->suppressed;

	vw = w - send_label_width();
	ui_printf(ui, y, x, w, ROLE_EMPH, _("Ready to send issue %lld"),
	    (long long)p->issue);
	y += 2;
	vx = send_label(ui, y, x, w, N_("Issue"));
	ui_printf(ui, y++, vx, vw, ROLE_NORMAL, "%lld  \"%s\"",
	    (long long)p->issue, p->subject != NULL ? p->subject : "");
	vx = send_label(ui, y, x, w, N_("From"));
	ui_print(ui, y++, vx, vw, ROLE_NORMAL, p->from != NULL ? p->from : "");
	if (p->envelope != NULL) {
		vx = send_label(ui, y, x, w, N_("Bounces to"));
		ui_print(ui, y++, vx, vw, ROLE_NORMAL, p->envelope);
	}
	vx = send_label(ui, y, x, w, N_("Recipients"));
	if (p->list == NULL)
		ui_print(ui, y++, vx, vw, ROLE_FAIL, _("none: no list"));
	else if (!p->counted)
		ui_printf(ui, y++, vx, vw, ROLE_NORMAL, _("%s of list %s; "
		    "counting domains… %s so far"), ui_count(a, sizeof a,
		    rcpts), p->list, ui_count(b, sizeof b,
		    (int64_t)p->doms.n));
	else if (p->multi)
		ui_printf(ui, y++, vx, vw, rcpts > 0 ? ROLE_NORMAL : ROLE_FAIL,
		    ngettext("%s in %s domain (%lld duplicates, %lld "
		    "excluded, %lld suppressed skipped)", "%s in %s domains "
		    "(%lld duplicates, %lld excluded, %lld suppressed "
		    "skipped)", p->doms.n), ui_count(a, sizeof a, rcpts),
		    ui_count(b, sizeof b, (int64_t)p->doms.n),
		    (long long)p->duplicates, (long long)p->excluded,
		    (long long)p->suppressed);
	else {
		ui_printf(ui, y++, vx, vw, rcpts > 0 ? ROLE_NORMAL : ROLE_FAIL,
		    ngettext("%s in %s domain (list %s, %lld suppressed "
		    "skipped)", "%s in %s domains (list %s, %lld suppressed "
		    "skipped)", p->doms.n), ui_count(a, sizeof a, rcpts),
		    ui_count(b, sizeof b, (int64_t)p->doms.n), p->list,
		    (long long)p->suppressed);
	}
	if (p->counted && p->list != NULL) {
		if (p->multi && p->sources != NULL) {
			/* Each To name's members, less each Exclude's. */
			vx = send_label(ui, y, x, w, N_("Audience"));
			ui_print(ui, y++, vx, vw, ROLE_NORMAL, p->sources);
		}
		if (p->providers != NULL) {
			vx = send_label(ui, y, x, w, N_("Providers"));
			ui_print(ui, y++, vx, vw, ROLE_NORMAL, p->providers);
		}
		if (p->ntop > 0)
			send_draw_domains(ui, p, y++, x, w);
	}
	if (p->problem != NULL) {
		y++;
		ui_print(ui, y++, x, w, ROLE_FAIL, p->problem);
	}
	y += send_draw_health(ui, p, y, x, w, bottom - y - 7);
	vx = send_label(ui, y, x, w, N_("TLS policy"));
	ui_printf(ui, y++, vx, vw, ROLE_NORMAL, _("%s: %s  (t: change)"),
	    tls_policy_name(p->policy), send_policy_text(p->policy));
	vx = send_label(ui, y, x, w, N_("Test"));
	if (s->cmd.kind == SEND_CMD_TEST)
		ui_printf(ui, y++, vx, vw, ROLE_NORMAL, _("%s sending a test "
		    "to %s…"), send_spin[(ui_now() / 100) %
		    (int64_t)nitems(send_spin)], p->test_to);
	else if (p->test_text != NULL) {
		char *t = xprintf(_("%s: %s (T: again)"), p->test_to,
		    p->test_text);

		y += ui_wrap(ui, y, vx, vw, 2, p->test_role, t);
		free(t);
	}
	else
		ui_print(ui, y++, vx, vw, ROLE_DIM, _("T: send a test to one "
		    "address first (delivered now, recorded nowhere)"));
	y++;
	if (s->cmd.kind == SEND_CMD_SEND)
		ui_printf(ui, y, x, w, ROLE_EMPH, _("%s Starting the send "
		    "(herald send %lld)…"), send_spin[(ui_now() / 100) %
		    (int64_t)nitems(send_spin)], (long long)p->issue);
	else if (p->problem == NULL && rcpts > 0) {
		char *t = xprintf(ngettext("S: start the send to %s "
		    "recipient. It runs in the background: leaving the "
		    "console does not stop it.", "S: start the send to %s "
		    "recipients. It runs in the background: leaving the "
		    "console does not stop it.", rcpts),
		    ui_count(a, sizeof a, rcpts));

		ui_wrap(ui, y, x, w, 2, ROLE_EMPH, t);
		free(t);
	}
}

/* The role and word of a send's state. */
static enum ui_role
send_state_colour(enum send_state st)
{
	switch (st) {
	case SEND_RUNNING:
	case SEND_FINISHED:
		return ROLE_OK;
	case SEND_INTERRUPTED:
		return ROLE_FAIL;
	default:
		return ROLE_WARN;
	}
}

/* One "label N" counter; returns the next column. */
static int
send_counter(struct ui *ui, int y, int x, int end, const char *label,
    int64_t n, enum ui_role role)
{
	char	num[32], *s;
	int	used;

	if (x >= end)
		return x;
	s = xprintf("%s %s", label, ui_count(num, sizeof num, n));
	used = ui_print(ui, y, x, end - x, n > 0 ? role : ROLE_NORMAL, s);
	free(s);
	return x + used + 2;
}

/* Throughput over the last minute; returns nothing, draws one row. */
static void
send_draw_spark(struct ui *ui, struct send_live *l, int y, int x, int w)
{
	int64_t		 end, t;
	int32_t		 v[SEND_SPARK], peak = 0, cell, top = 0, recent = 0;
	int		 cells, per, i, j, level;
	struct buf	 b;

	if (l->spark_end > 0)
		end = l->spark_end;
	else
		end = l->engine || l->spark.last == 0 ? (int64_t)time(NULL) :
		    l->spark.last;
	for (i = 0; i < SEND_SPARK; i++) {
		t = end - (SEND_SPARK - 1) + i;
		v[i] = send_spark_get(&l->spark, t);
		if (v[i] > peak)
			peak = v[i];
		if (i >= SEND_SPARK - 5)
			recent += v[i];
	}
	cells = w - 50;
	if (cells > SEND_SPARK)
		cells = SEND_SPARK;
	if (cells < 10)
		return;
	per = (SEND_SPARK + cells - 1) / cells;
	cells = SEND_SPARK / per;
	for (i = 0; i < cells; i++) {
		for (cell = 0, j = 0; j < per; j++)
			cell += v[i * per + j];
		if (cell > top)
			top = cell;
	}
	buf_init(&b);
	for (i = 0; i < cells; i++) {
		for (cell = 0, j = 0; j < per; j++)
			cell += v[i * per + j];
		level = cell == 0 || top == 0 ? -1 :
		    (int)(((int64_t)cell * 8 - 1) / top);
		buf_adds(&b, send_spark_glyph(level));
	}
	ui_print(ui, y, x, 11, ROLE_DIM, _("msgs/s"));
	ui_print(ui, y, x + 11, cells, ROLE_INFO, b.data);
	if (l->spark_end > 0)
		ui_printf(ui, y, x + 12 + cells, w - 12 - cells, ROLE_DIM,
		    _("paused, peak %d/s (delivered, last %d s)"), peak,
		    SEND_SPARK);
	else
		ui_printf(ui, y, x + 12 + cells, w - 12 - cells, ROLE_DIM,
		    _("now %.1f/s, peak %d/s (delivered, last %d s)"),
		    recent / 5.0, peak, SEND_SPARK);
	buf_free(&b);
}

/* The line under the counters: what the state means, what to do. */
static void
send_draw_state(struct ui *ui, struct send_screen *s, int y, int x, int w)
{
	struct send_live		*l = &s->live;
	const struct send_counts	*c = &l->counts;
	char				 at[16], in[32];

	if (l->error != NULL) {
		ui_fill(ui, y, x, w, ROLE_ERROR, l->error);
		return;
	}
	switch (l->state) {
	case SEND_SCHEDULED:
		timing_countdown((int64_t)time(NULL), l->scheduled_at, in,
		    sizeof in);
		if (l->engine)
			ui_printf(ui, y, x, w, ROLE_INFO, _("Scheduled: starts "
			    "in %s, at %s. herald cancel %lld unschedules it."),
			    in, send_clock(at, sizeof at, l->scheduled_at, 0),
			    (long long)l->id);
		else
			ui_printf(ui, y, x, w, ROLE_WARN, _("Scheduled for %s, "
			    "but nothing waits for it: herald resume --all "
			    "re-arms it."), send_clock(at, sizeof at,
			    l->scheduled_at, 0));
		break;
	case SEND_HELD:
		ui_printf(ui, y, x, w, ROLE_FAIL, _("Held at its time: %s"),
		    l->held_reason);
		break;
	case SEND_CANCELLED:
		ui_print(ui, y, x, w, ROLE_DIM, _("Cancelled before its time: "
		    "nothing was sent."));
		break;
	case SEND_OUTSIDE:
		timing_countdown((int64_t)time(NULL), l->window_opens, in,
		    sizeof in);
		ui_printf(ui, y, x, w, ROLE_WARN, _("Outside its send window "
		    "%s: sending again in %s, at %s."), l->window, in,
		    send_clock(at, sizeof at, l->window_opens, 0));
		break;
	case SEND_RUNNING:
		ui_printf(ui, y, x, w, ROLE_DIM, _("Engine pid %lld since %s. "
		    "p pauses; leaving the console does not stop the send."),
		    (long long)l->info.engine_pid, send_clock(at, sizeof at,
		    l->info.engine_at, 0));
		break;
	case SEND_PAUSED:
		ui_print(ui, y, x, w, ROLE_WARN, l->engine ||
		    s->cmd.kind == SEND_CMD_PAUSE ? _("Pausing: the "
		    "engine finishes the transactions in flight, then stops.") :
		    _("Paused: nothing is being sent. r resumes."));
		break;
	case SEND_INTERRUPTED:
		ui_print(ui, y, x, w, ROLE_FAIL, _("Interrupted: no engine works "
		    "on this send and work is left. r resumes it."));
		break;
	case SEND_WAITING:
		ui_printf(ui, y, x, w, ROLE_WARN, _("Waiting: only deferred "
		    "recipients are left; next attempt at %s (in %s)."),
		    send_clock(at, sizeof at, c->next_at, 0), send_span(in,
		    sizeof in, c->next_at - (int64_t)time(NULL)));
		break;
	case SEND_FINISHED:
		if (c->n[RCPT_UNKNOWN] > 0)
			ui_printf(ui, y, x, w, ROLE_WARN, _("Finished; %lld "
			    "unknown (the server never answered the final "
			    "dot): herald resume %lld --retry-unknown sends "
			    "them again."), (long long)c->n[RCPT_UNKNOWN],
			    (long long)l->id);
		else
			ui_printf(ui, y, x, w, ROLE_DIM, _("Finished at %s. "
			    "herald report %lld lists every recipient."),
			    send_clock(at, sizeof at, l->info.finished_at != 0 ?
			    l->info.finished_at : l->info.updated_at, 0),
			    (long long)l->id);
		break;
	}
}

/* n as a fraction of the delivered recipients, as `herald status`
 * computes its rates (0 when none were delivered). */
static double
send_fb_rate(const struct fb_stats *st, int64_t n)
{
	return st->delivered > 0 ? (double)n / (double)st->delivered : 0;
}

/* One "N label (r%)" figure of what came back; returns the next column. */
static int
send_fb_figure(struct ui *ui, int y, int x, int end, int64_t n,
    const char *label, double rate, enum ui_role role)
{
	char	num[32], *s;
	int	used;

	if (x >= end)
		return x;
	/* A rate of nothing says nothing: it is left out, so the line fits
	 * 80 columns. */
	if (n > 0)
		s = xprintf("%s %s (%.2f%%)", ui_count(num, sizeof num, n),
		    label, 100 * rate);
	else
		s = xprintf("0 %s", label);
	used = ui_print(ui, y, x, end - x, n > 0 ? role : ROLE_NORMAL, s);
	free(s);
	return x + used + 2;
}

/*
 * What came back about the send, as `herald status` shows it: bounces
 * reported later, complaints and unsubscribes with their rates, the
 * complaint rate against Gmail's thresholds (0.1% a warning, 0.3% its
 * limit: said in words, not only colour), and the alerts raised against
 * the sender. Returns the rows used.
 */
static int
send_draw_fb(struct ui *ui, struct send_live *l, int y, int x, int w)
{
	const struct fb_stats	*st = &l->fb;
	double			 cr = send_fb_rate(st, st->complaints);
	enum ui_role		 crole = ROLE_NORMAL;
	int			 rows = 1, end = x + w, cx;
	size_t			 i;
	char			 at[16];

	if (st->complaints > 0 && cr >= 0.003)
		crole = ROLE_ERROR;
	else if (st->complaints > 0 && cr >= 0.001)
		crole = ROLE_WARN;
	cx = x + ui_print(ui, y, x, w, ROLE_DIM, _("came back")) + 1;
	if (st->hard + st->soft + st->complaints + st->unsubscribes +
	    st->auto_replies + st->unknown == 0 && l->nalerts == 0) {
		ui_print(ui, y, cx, end - cx, ROLE_DIM, _("nothing recorded yet "
		    "(bounces, complaints, unsubscribes: the Feedback "
		    "screen, 7)"));
		return 1;
	}
	cx = send_fb_figure(ui, y, cx, end, st->hard, ngettext("hard bounce",
	    "hard bounces", (unsigned long)st->hard),
	    send_fb_rate(st, st->hard), ROLE_FAIL);
	cx = send_fb_figure(ui, y, cx, end, st->soft, _("soft"),
	    send_fb_rate(st, st->soft), ROLE_WARN);
	cx = send_fb_figure(ui, y, cx, end, st->complaints, ngettext(
	    "complaint", "complaints", (unsigned long)st->complaints), cr,
	    crole != ROLE_NORMAL ? crole : ROLE_WARN);
	send_fb_figure(ui, y, cx, end, st->unsubscribes, ngettext(
	    "unsubscribe", "unsubscribes", (unsigned long)st->unsubscribes),
	    send_fb_rate(st, st->unsubscribes), ROLE_NORMAL);
	if (crole == ROLE_ERROR)
		ui_printf(ui, y + rows++, x, w, ROLE_ERROR, _("!! complaint rate "
		    "%.2f%% is at or above 0.3%%: Gmail refuses or files as "
		    "spam at this rate; stop and clean the list"), 100 * cr);
	else if (crole == ROLE_WARN)
		ui_printf(ui, y + rows++, x, w, ROLE_WARN, _("! complaint rate "
		    "%.2f%% is at or above 0.1%%, Gmail's warning threshold "
		    "(0.3%% is its limit)"), 100 * cr);
	for (i = 0; i < l->nalerts && i < SEND_FB_ALERTS; i++)
		ui_printf(ui, y + rows++, x, w, ROLE_FAIL, ngettext("%s alert: "
		    "%s (%lld time, last %s)", "%s alert: %s (%lld times, "
		    "last %s)", (unsigned long)l->alerts[i].count),
		    send_utf8() ? "✗" : "x", _(l->alerts[i].text),
		    (long long)l->alerts[i].count, send_clock(at, sizeof at,
		    l->alerts[i].last_at, 0));
	if (l->nalerts > SEND_FB_ALERTS)
		ui_printf(ui, y + rows++, x, w, ROLE_DIM, _("and %zu more "
		    "alerts: herald status %lld lists them"),
		    l->nalerts - SEND_FB_ALERTS, (long long)l->id);
	return rows;
}

/* The providers slowed down or held after a throttle, two lines at
 * most (herald status has them all); the rows used. */
static int
send_draw_paces(struct ui *ui, const struct send_live *l, int y, int x,
    int w)
{
	size_t	i, shown = l->npaces > 2 ? 1 : l->npaces;

	for (i = 0; i < shown; i++)
		ui_print(ui, y + (int)i, x, w, ROLE_WARN, l->paces[i]);
	if (shown < l->npaces)
		ui_printf(ui, y + (int)i++, x, w, ROLE_WARN, ngettext("and %zu "
		    "more provider slowed down (herald status)", "and %zu more "
		    "providers slowed down (herald status)",
		    (unsigned long)(l->npaces - shown)), l->npaces - shown);
	return (int)i;
}

/* Watching a send. */
static void
send_draw_live(struct ui *ui, struct send_screen *s, const struct ui_rect *r)
{
	struct send_live		*l = &s->live;
	const struct send_counts	*c = &l->counts;
	const struct send_settings	*set = &l->info.set;
	struct ui_rect			 pr, dr;
	int				 x = r->x + 2, w = r->w - 4, y = r->y;
	int				 end = x + w, sw, lw, cx, domrows;
	int64_t				 done;
	char				*word, a[32], b[32], port[24], warn[256];

	/* "state: running", the label translated, the state a name. */
	word = xprintf("%s %s", _("state:"), send_state_name(l->state));
	sw = utf8_width(word);
	lw = utf8_width(_("state:")) + 1;
	if (l->list != NULL)
		ui_printf(ui, y, x, w - sw - 2, ROLE_EMPH,
		    _("Send %lld  \"%s\" to list %s"), (long long)l->id,
		    l->subject != NULL ? l->subject : "", l->list);
	else
		ui_printf(ui, y, x, w - sw - 2, ROLE_EMPH, _("Send %lld  \"%s\""),
		    (long long)l->id, l->subject != NULL ? l->subject : "");
	ui_print(ui, y, end - sw, sw, ROLE_DIM, _("state:"));
	ui_print(ui, y++, end - sw + lw, sw - lw, send_state_colour(l->state),
	    send_state_name(l->state));
	free(word);
	if (l->have_info) {
		port[0] = '\0';
		if (*set->relay == '\0' && set->smtp_port != 25)
			snprintf(port, sizeof port, _(" port %d"),
			    set->smtp_port);
		char	*via;

		if (*set->relay != '\0')
			via = xprintf(_("relay %s%s"), set->relay, port);
		else
			via = xprintf(_("direct to MX%s"), port);
		ui_printf(ui, y, x, w, ROLE_DIM, _("TLS policy %s, %s, %d "
		    "sessions, %d per domain"), tls_policy_name(set->policy),
		    via, set->limits.concurrency, set->limits.per_domain);
		free(via);
	}
	y++;
	done = c->n[RCPT_DELIVERED] + c->n[RCPT_BOUNCED] + c->n[RCPT_UNKNOWN];
	/* The meter leaves room for "N of M done" as translated. */
	word = xprintf(_("%s of %s done"), ui_count(a, sizeof a, done),
	    ui_count(b, sizeof b, c->total));
	sw = utf8_width(word);
	if (sw < 20)
		sw = 20;
	meter_draw(ui, y, x, w - sw - 2, done, c->total, 0);
	ui_print(ui, y++, x + w - sw, sw, ROLE_EMPH, word);
	free(word);
	cx = send_counter(ui, y, x, end, "delivered", c->n[RCPT_DELIVERED],
	    ROLE_OK);
	cx = send_counter(ui, y, cx, end, "deferred", c->n[RCPT_DEFERRED],
	    ROLE_WARN);
	cx = send_counter(ui, y, cx, end, "bounced", c->n[RCPT_BOUNCED],
	    ROLE_FAIL);
	cx = send_counter(ui, y, cx, end, "unknown", c->n[RCPT_UNKNOWN],
	    ROLE_WARN);
	cx = send_counter(ui, y, cx, end, _("in flight"),
	    c->n[RCPT_CONNECTING] + c->n[RCPT_SENT_DATA], ROLE_INFO);
	send_counter(ui, y++, cx, end, "queued", c->n[RCPT_QUEUED],
	    ROLE_NORMAL);
	send_draw_spark(ui, l, y++, x, w);
	send_draw_state(ui, s, y++, x, w);
	if (send_classes_warning(&l->classes, warn, sizeof warn))
		ui_print(ui, y++, x, w, ROLE_FAIL, warn);
	y += send_draw_paces(ui, l, y, x, w);
	y += send_draw_fb(ui, l, y, x, w);
	/* The panel keeps at least two thirds of what is left. */
	domrows = (int)(l->doms.n < SEND_DOMROWS ? l->doms.n : SEND_DOMROWS);
	if (domrows > (r->y + r->h - y) / 3 - 1)
		domrows = (r->y + r->h - y) / 3 - 1;
	if (domrows < 1)
		domrows = 1;
	pr.y = y + 1;
	pr.x = r->x;
	pr.w = r->w;
	pr.h = r->y + r->h - pr.y - (domrows + 1);
	dr.y = pr.y + pr.h;
	dr.x = r->x;
	dr.w = r->w;
	dr.h = domrows + 1;
	send_panel_draw(ui, s, &pr);
	send_doms_draw(ui, s, &dr);
}

/* Draw the screen in its mode. */
void
send_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct send_screen	*s = state;

	switch (s->mode) {
	case SEND_MODE_PRE:
		send_draw_pre(ui, s, r);
		break;
	case SEND_MODE_LIVE:
		send_draw_live(ui, s, r);
		break;
	default:
		ui_print(ui, r->y + 1, 2, r->w - 4, ROLE_EMPH,
		    _("Send: deliver an issue and watch it go out"));
		ui_wrap(ui, r->y + 3, 2, r->w > 84 ? 80 : r->w - 4, r->h - 4,
		    ROLE_NORMAL, s->empty != NULL ? s->empty : "");
		break;
	}
}
