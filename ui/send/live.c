/*
 * Watching a send: everything comes from the database, so a console
 * opened in the middle of a send shows what one that watched it from the
 * start shows.
 *
 * Attaching reads the send, every recipient's latest state (for the
 * per-domain table) and the id of the latest event; then each poll reads
 * the events after the last one seen (a chunk at a time, so catching up
 * on a long send never stalls the loop), the counts by state, the pause
 * flag and whether an engine holds the send's lock, and derives the state
 * word as `herald status` does. The ring starts a few thousand events back
 * rather than at the first: what is older is in `herald report`.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/message.h"
#include "send_ui.h"
#include "smtp/alert.h"
#include "send/pace.h"
#include "store/store.h"
#include "store/store_pacing.h"

#define SEND_IDLE_MS	1000	/* polling a send no engine works on */
#define SEND_INFO_MS	3000	/* re-reading the send's row */

/* Not attached. */
void
send_live_init(struct send_live *l)
{
	memset(l, 0, sizeof *l);
	send_ring_init(&l->ring);
	send_doms_init(&l->doms);
}

static void
send_fb_alerts_free(struct send_fb_alert *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

static void
send_paces_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Detach and free. */
void
send_live_free(struct send_live *l)
{
	send_paces_free(l->paces, l->npaces);
	send_fb_alerts_free(l->alerts, l->nalerts);
	free(l->subject);
	free(l->list);
	free(l->error);
	if (l->have_info)
		send_info_free(&l->info);
	send_ring_free(&l->ring);
	send_doms_free(&l->doms);
	send_live_init(l);
}

/* What the send subsystem needs of the console. */
void
send_ctx_ui(struct ui *ui, struct send_ctx *ctx)
{
	ctx->st = ui_store(ui);
	ctx->cfg = ui_config(ui);
	ctx->db_path = ui_db_path(ui);
}

/* A send's state from the database and its lock. */
int
send_state_of(struct ui *ui, int64_t id, enum send_state *state,
    char **cause)
{
	struct send_ctx	ctx;
	struct send_now	now;

	send_ctx_ui(ui, &ctx);
	if (send_state_read(&ctx, id, &now, cause) == -1)
		return -1;
	*state = now.state;
	return 0;
}

/* One recipient as it stands. */
static int
send_live_rcpt(const struct send_event *e, void *arg)
{
	struct send_live	*l = arg;

	send_doms_rcpt(&l->doms, e);
	return 0;
}

/* The id of the send's first event. */
static int
send_live_first(const struct send_event *e, void *arg)
{
	*(int64_t *)arg = e->id;
	return 1;
}

/* Re-read the send's row (its engine changes on resume). */
static int
send_live_info(struct ui *ui, struct send_live *l, char **cause)
{
	struct send_info	info;
	int			rc;

	memset(&info, 0, sizeof info);
	if ((rc = store_send_get(ui_store(ui), l->id, &info, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("send %lld is gone"),
			    (long long)l->id);
		return -1;
	}
	if (l->have_info)
		send_info_free(&l->info);
	l->info = info;
	l->have_info = 1;
	l->info_at = ui_now();
	return 0;
}

/* What one read of the alerts collects. */
struct send_fb_read {
	struct send_fb_alert	*v;
	size_t			 n;
};

/* The alert in the reader's language, from its stored provider and
 * reason (the stored text is English, for JSON). */
static char *
send_fb_alert_words(const struct fb_alert *a)
{
	char	buf[512];

	if (a->provider == NULL || a->reason == NULL)
		return xstrdup(a->text != NULL ? a->text : "");
	alert_display(a->provider, a->reason, buf, sizeof buf);
	return xstrdup(buf);
}

static int
send_fb_alert_row(const struct fb_alert *a, void *arg)
{
	struct send_fb_read	*r = arg;

	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	r->v[r->n].text = send_fb_alert_words(a);
	r->v[r->n].count = a->count;
	r->v[r->n].last_at = a->last_at;
	r->n++;
	return 0;
}

/* The send's feedback figures and alerts; *changed when they did. A
 * failed read keeps what was shown: the figures are not the send. */
static void
send_live_fb(struct ui *ui, struct send_live *l, int *changed)
{
	struct fb_stats		 st;
	struct send_fb_read	 r = { NULL, 0 };
	char			*cause = NULL;
	size_t			 i;
	int			 same;

	l->fb_at = ui_now();
	memset(&st, 0, sizeof st);
	if (store_fb_stats(ui_store(ui), l->id, &st, &cause) == -1 ||
	    store_fb_alerts(ui_store(ui), l->id, 0, send_fb_alert_row, &r,
	    &cause) == -1) {
		free(cause);
		send_fb_alerts_free(r.v, r.n);
		return;
	}
	same = memcmp(&st, &l->fb, sizeof st) == 0 && r.n == l->nalerts;
	for (i = 0; same && i < r.n; i++)
		same = r.v[i].count == l->alerts[i].count &&
		    r.v[i].last_at == l->alerts[i].last_at &&
		    strcmp(r.v[i].text, l->alerts[i].text) == 0;
	if (same) {
		send_fb_alerts_free(r.v, r.n);
		return;
	}
	l->fb = st;
	send_fb_alerts_free(l->alerts, l->nalerts);
	l->alerts = r.v;
	l->nalerts = r.n;
	*changed = 1;
}

/* What one read of the providers' pace collects. */
struct send_pace_read {
	char	**v;
	size_t	  n;
};

static int
send_pace_row(const struct pacing_row *r, void *arg)
{
	struct send_pace_read	*rd = arg;
	char			 line[512];

	/* A provider at its full pace needs no line on the screen. */
	if (strcmp(r->state, "normal") == 0)
		return 0;
	pace_line(line, sizeof line, r);
	rd->v = xreallocarray(rd->v, rd->n + 1, sizeof *rd->v);
	rd->v[rd->n++] = xstrdup(line);
	return 0;
}

/* The providers' pace while an engine runs (its rows say nothing once
 * it is gone); *changed when the lines did. A failed read keeps what
 * was shown. */
static void
send_live_paces(struct ui *ui, struct send_live *l, int engine,
    int *changed)
{
	struct send_pace_read	 rd = { NULL, 0 };
	char			*cause = NULL;
	size_t			 i;
	int			 same;

	l->pace_at = ui_now();
	if (engine && store_pacing_list(ui_store(ui), l->id, send_pace_row,
	    &rd, &cause) == -1) {
		free(cause);
		send_paces_free(rd.v, rd.n);
		return;
	}
	same = rd.n == l->npaces;
	for (i = 0; same && i < rd.n; i++)
		same = strcmp(rd.v[i], l->paces[i]) == 0;
	if (same) {
		send_paces_free(rd.v, rd.n);
		return;
	}
	send_paces_free(l->paces, l->npaces);
	l->paces = rd.v;
	l->npaces = rd.n;
	*changed = 1;
}

/* Counts, pause flag, engine and the state word. */
static int
send_live_counts(struct ui *ui, struct send_live *l, int *changed)
{
	struct send_ctx		 ctx;
	struct send_now		 now;
	struct send_counts	 c;
	char			*cause = NULL;
	int			 paused, engine;
	int64_t			 pid, at, end;
	enum send_state		 state;

	l->checked = ui_now();
	send_ctx_ui(ui, &ctx);
	if (send_state_read(&ctx, l->id, &now, &cause) == -1) {
		free(l->error);
		l->error = cause;
		*changed = 1;
		return -1;
	}
	c = now.counts;
	paused = now.paused;
	engine = now.engine;
	state = now.state;
	if (memcmp(&c, &l->counts, sizeof c) != 0 || state != l->state ||
	    engine != l->engine || paused != l->paused || l->error != NULL ||
	    strcmp(now.held_reason, l->held_reason) != 0)
		*changed = 1;
	/* A countdown is drawn again each second. */
	if ((state == SEND_SCHEDULED || state == SEND_OUTSIDE) &&
	    l->ticked != (int64_t)time(NULL)) {
		l->ticked = (int64_t)time(NULL);
		*changed = 1;
	}
	l->scheduled_at = now.scheduled_at;
	l->window_opens = now.window_opens;
	snprintf(l->held_reason, sizeof l->held_reason, "%s", now.held_reason);
	snprintf(l->window, sizeof l->window, "%s", now.window);
	/* Failures by class, for the warning: when bounces or deferrals
	 * change, and with the send's row. */
	if ((c.n[RCPT_BOUNCED] != l->counts.n[RCPT_BOUNCED] ||
	    c.n[RCPT_DEFERRED] != l->counts.n[RCPT_DEFERRED] ||
	    ui_now() - l->info_at >= SEND_INFO_MS) &&
	    store_send_classes(ui_store(ui), l->id, &l->classes,
	    send_classes_add, &cause) == -1) {
		free(l->error);
		l->error = cause;
		*changed = 1;
		return -1;
	}
	/* The send's row: a new engine (resumed) has its pid and start
	 * time, a finished send its end. */
	if (engine != l->engine || state != l->state ||
	    ui_now() - l->info_at >= SEND_INFO_MS) {
		pid = l->info.engine_pid;
		at = l->info.engine_at;
		end = l->info.finished_at;
		if (send_live_info(ui, l, &cause) == -1) {
			free(l->error);
			l->error = cause;
			*changed = 1;
			return -1;
		}
		if (pid != l->info.engine_pid || at != l->info.engine_at ||
		    end != l->info.finished_at)
			*changed = 1;
	}
	/* Paused, the sparkline stops where it was, whatever the engine
	 * still finishes; it follows the clock again on resume. */
	if (paused && l->spark_end == 0)
		l->spark_end = l->engine && !l->paused ? (int64_t)time(NULL) :
		    l->spark.last > 0 ? l->spark.last : (int64_t)time(NULL);
	else if (!paused)
		l->spark_end = 0;
	if (l->fb_at == 0 || ui_now() - l->fb_at >= SEND_INFO_MS)
		send_live_fb(ui, l, changed);
	if (l->pace_at == 0 || ui_now() - l->pace_at >= SEND_IDLE_MS ||
	    engine != l->engine)
		send_live_paces(ui, l, engine, changed);
	l->counts = c;
	l->state = state;
	l->engine = engine;
	l->paused = paused;
	free(l->error);
	l->error = NULL;
	return 0;
}

/* Attach to send id. */
int
send_live_attach(struct ui *ui, struct send_live *l, int64_t id,
    char **cause)
{
	struct issue	is;
	int64_t		first = 0, start;
	int		changed;

	send_live_free(l);
	l->id = id;
	if (send_live_info(ui, l, cause) == -1) {
		l->id = 0;
		return -1;
	}
	memset(&is, 0, sizeof is);
	if (store_issue_sent(ui_store(ui), id, &is, NULL) == 0) {
		l->subject = xstrdup(is.subject != NULL ? is.subject : "");
		l->list = is.list_name != NULL ? xstrdup(is.list_name) : NULL;
		issue_free(&is);
	}
	if (store_send_last_event(ui_store(ui), id, &l->base, cause) == -1 ||
	    store_send_rcpts(ui_store(ui), id, send_live_rcpt, l,
	    cause) == -1) {
		send_live_free(l);
		return -1;
	}
	send_doms_sort(&l->doms);
	/* Enough events back to fill the ring (about three per recipient:
	 * connecting, sent-data, the outcome). */
	start = l->base > 3 * SEND_RING ? l->base - 3 * SEND_RING : 0;
	if (start > 0 && store_send_events(ui_store(ui), id, 0, 1,
	    send_live_first, &first, cause) == -1) {
		send_live_free(l);
		return -1;
	}
	l->truncated = first != 0 && first <= start;
	l->last = start;
	l->catching_up = 1;
	send_live_counts(ui, l, &changed);
	return 0;
}

/* One new event. */
static int
send_live_event(const struct send_event *e, void *arg)
{
	struct send_live	*l = arg;

	l->last = e->id;
	l->got++;
	if (e->id > l->base)
		send_doms_event(&l->doms, e);
	if (rcpt_state_is_outcome(e->state))
		send_ring_push(&l->ring, e);
	/* Throughput is messages delivered: a deferral or a bounce is an
	 * answer, not a message sent. */
	if (e->state == RCPT_DELIVERED)
		send_spark_add(&l->spark, e->at);
	return 0;
}

/* Tail the events; counts when something happened, or each second. */
int
send_live_poll(struct ui *ui, struct send_live *l, int *changed)
{
	int64_t	 before = l->last, dropped = l->ring.dropped;
	char	*cause = NULL;

	*changed = 0;
	if (l->id == 0)
		return -1;
	l->got = 0;
	if (store_send_events(ui_store(ui), l->id, l->last, SEND_CHUNK,
	    send_live_event, l, &cause) == -1) {
		free(l->error);
		l->error = cause;
		*changed = 1;
		return SEND_IDLE_MS;
	}
	if (l->last != before)
		*changed = 1;
	if (l->ring.dropped != dropped)
		l->truncated = 1;
	l->catching_up = l->got >= SEND_CHUNK;
	if (*changed || ui_now() - l->checked >= SEND_IDLE_MS)
		send_live_counts(ui, l, changed);
	if (l->catching_up)
		return 0;
	if (l->engine)
		return SEND_POLL_MS;
	return SEND_IDLE_MS;
}
