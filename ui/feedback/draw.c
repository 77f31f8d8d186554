/*
 * Drawing the Feedback screen: where feedback comes from and the last
 * fetch, the open alerts against the sender, then the findings' table;
 * with nothing recorded yet, how to wire the bounce mailbox instead.
 * Every status has a word besides its colour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback_ui.h"
#include "config/config.h"

/* "12-07 22:15" (with seconds "12-07 22:15:03"); "-" for none. */
const char *
fbv_when(char *buf, size_t len, int64_t t, int seconds)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, seconds ? "%Y-%m-%d %H:%M:%S" :
	    "%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "-");
	return buf;
}

/* The source and the fetch; returns the rows used. */
static int
fbv_draw_head(struct ui *ui, struct fbv *v, int y, int x, int w)
{
	const char	*src = fbv_source(ui);
	int		 used;

	used = ui_print(ui, y, x, w, ROLE_EMPH, _("Feedback"));
	if (src != NULL)
		ui_printf(ui, y, x + used + 2, w - used - 2, ROLE_DIM,
		    _("from %s"), src);
	else
		ui_print(ui, y, x + used + 2, w - used - 2, ROLE_DIM,
		    _("no feedback_source set (Settings, 6)"));
	y++;
	if (v->fetch.running)
		ui_printf(ui, y, x, w, ROLE_EMPH, _("%s Fetching from %s… %llds"),
		    subcmd_spinner((unsigned int)(ui_now() / FBV_SPIN_MS)),
		    src != NULL ? src : "feedback_source",
		    (long long)((ui_now() - v->fetch_started) / 1000));
	else if (v->fetch_text != NULL)
		return 1 + ui_wrap(ui, y, x, w, 2, v->fetch_role,
		    v->fetch_text);
	else
		ui_print(ui, y, x, w, ROLE_DIM, _("f: fetch now. What herald "
		    "feedback read or fetch records elsewhere appears here "
		    "by itself."));
	return 2;
}

/* The open alerts; returns the rows used. */
static int
fbv_draw_alerts(struct ui *ui, struct fbv *v, int y, int x, int w)
{
	size_t	i;
	int	rows = 0;
	char	at[32];

	if (v->nalerts == 0)
		return 0;
	ui_printf(ui, y + rows++, x, w, ROLE_FAIL, _("Alerts against the "
	    "sender (%zu, last %d days): the addresses are not suppressed"),
	    v->nalerts, FBV_ALERT_DAYS);
	for (i = 0; i < v->nalerts && i < FBV_ALERTS; i++)
		ui_printf(ui, y + rows++, x + 2, w - 2, ROLE_WARN,
		    ngettext("! %s send %lld: %s (%lld time)",
		    "! %s send %lld: %s (%lld times)",
		    (unsigned long)v->alerts[i].count), fbv_when(at,
		    sizeof at, v->alerts[i].last_at, 0),
		    (long long)v->alerts[i].send_id, _(v->alerts[i].text),
		    (long long)v->alerts[i].count);
	if (v->nalerts > FBV_ALERTS)
		ui_printf(ui, y + rows++, x + 2, w - 2, ROLE_DIM, _("and %zu "
		    "more: herald check and herald status ID list them"),
		    v->nalerts - FBV_ALERTS);
	return rows;
}

/* Nothing recorded yet: how to wire the mailbox. */
static void
fbv_draw_empty(struct ui *ui, int y, int x, int w, int h)
{
	const char	*t;

	t = _("Nothing has come back yet: no bounce, complaint or "
	    "unsubscribe is recorded.\n\n"
	    "To wire the bounce mailbox: set feedback_source in Settings (6) "
	    "to where bounces arrive (imaps://USER@HOST/INBOX, imap:// with "
	    "STARTTLS, pop3s://USER@HOST, maildir:/PATH or mbox:/PATH; a "
	    "password in feedback_password_file), then press f here or run "
	    "herald feedback fetch. Each send also starts herald feedback "
	    "watch, which fetches during the send and for feedback_watch "
	    "hours after.\n\n"
	    "Or have the MTA hand each message over: herald feedback read - "
	    "as a pipe transport or a .forward line; herald feedback read "
	    "FILE|DIR reads a message, a Maildir or an mbox.");
	ui_wrap(ui, y, x, w > 80 ? 80 : w, h, ROLE_NORMAL, t);
}

void
fbv_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct fbv	*v = state;
	struct ui_rect	 t;
	int		 x = r->x + 2, w = r->w - 4, y = r->y;
	int		 bottom = r->y + r->h;
	char		 n[32];

	y += fbv_draw_head(ui, v, y, x, w) + 1;
	y += fbv_draw_alerts(ui, v, y, x, w);
	if (v->error != NULL) {
		ui_printf(ui, y, x, w, ROLE_FAIL, _("x Cannot read the "
		    "feedback: %s"), v->error);
		y += 2;
	}
	if (v->nrows == 0) {
		if (v->error == NULL && v->loaded)
			fbv_draw_empty(ui, y, x, w, bottom - y);
		return;
	}
	if (v->nalerts > 0)
		y++;
	ui_printf(ui, y++, x, w, ROLE_EMPH, v->nrows == FBV_LIMIT ?
	    _("Findings, newest first (%s shown: herald feedback ls lists "
	    "them all)") : _("Findings, newest first (%s)"),
	    ui_count(n, sizeof n, (int64_t)v->nrows));
	t.y = y;
	t.x = r->x;
	t.w = r->w;
	t.h = bottom - y - 1;
	if (t.h < 2)
		return;
	fbv_table_draw(ui, v, &t);
	ui_print(ui, bottom - 1, x, w, ROLE_DIM, _("Enter: the message in "
	    "full (what was concluded and why). f: fetch now."));
}
