/*
 * The Send screen. Opened, it watches the newest send that still has work
 * (so re-opening the console mid-send shows it again, live), else prepares
 * the newest issue never sent, else shows the last send; i picks another.
 *
 * Before a send (send_pre.c) S starts it (send_start.c: y/N naming any
 * failing health check, then `herald send ID --tls POLICY` as a child,
 * which starts the engine detached and returns); the screen then watches
 * the send (send_live.c) from the database alone, and p and r pause and
 * resume it through `herald pause` and `herald resume`; F gives up on the
 * deferred recipients of a waiting send (y/N, then `herald finish`).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send_ui.h"
#include "store/store.h"

#define SEND_SENT_MS	1000	/* has the prepared issue been sent? */

/* The labels change with the mode, so the key bar shows what works. */
static struct ui_keyhelp send_keys[] = {
	{ "S", NULL, "start the send (asks first, naming any failing health "
	  "check)" },
	{ "t", NULL, "TLS policy for this send: none, may, encrypt, verify, "
	  "dane" },
	{ "T", NULL, "send a test to one address first (delivered now, "
	  "recorded nowhere)" },
	{ "h", NULL, "check the From domain's health again" },
	{ "p", NULL, "pause the send (herald pause: what is in flight "
	  "finishes)" },
	{ "r", NULL, "resume a paused or interrupted send (herald resume)" },
	{ "F", NULL, "finish a send that only waits on deferrals: give up on "
	  "them (herald finish, asks first)" },
	{ "d", NULL, "switch between the recipients and the domains" },
	{ "Enter", NULL, "the selected recipient in full: reply, MX, IP, TLS, "
	  "certificate, every attempt" },
	{ "/", NULL, "filter the recipients: a state (deferred, "
	  "state:bounced), a domain (example.org, domain:example.org) or "
	  "part of an address" },
	{ "o", NULL, "problems first (bounced, unknown, deferred), or in "
	  "time order" },
	{ "i", NULL, "pick another issue, or a send to watch" },
	{ "↑↓ j k", NULL, "scroll; End or G follows the newest outcome" },
	{ NULL, NULL, NULL }
};

/* Show the keys of a mode in the key bar. */
/*
 * The key bar's labels for mode and, live, the send's state: Pause while
 * it runs, Resume when paused or interrupted, Finish when only deferrals
 * are left; the keys work in any state (help lists them all), but an
 * 80-column bar holds only the labels that matter now.
 */
static void
send_keys_mode(enum send_mode mode, enum send_state state)
{
	struct ui_keyhelp	*k;

	for (k = send_keys; k->key != NULL; k++) {
		k->label = NULL;
		if (mode == SEND_MODE_PRE) {
			if (strcmp(k->key, "S") == 0)
				k->label = "Start";
			else if (strcmp(k->key, "t") == 0)
				k->label = "TLS";
			else if (strcmp(k->key, "T") == 0)
				k->label = "Test";
			else if (strcmp(k->key, "h") == 0)
				k->label = "Health";
		} else if (mode == SEND_MODE_LIVE) {
			if (strcmp(k->key, "p") == 0 &&
			    state == SEND_RUNNING)
				k->label = "Pause";
			else if (strcmp(k->key, "r") == 0 &&
			    (state == SEND_PAUSED ||
			    state == SEND_INTERRUPTED))
				k->label = "Resume";
			else if (strcmp(k->key, "F") == 0 &&
			    state == SEND_WAITING)
				k->label = "Finish";
			else if (strcmp(k->key, "d") == 0)
				k->label = "Domains";
			else if (strcmp(k->key, "Enter") == 0)
				k->label = "Detail";
			else if (strcmp(k->key, "/") == 0)
				k->label = "Filter";
		}
		if (strcmp(k->key, "i") == 0)
			k->label = "Issue";
	}
}

/* Watch send id. */
void
send_watch(struct ui *ui, struct send_screen *s, int64_t id, int picked)
{
	char	*cause = NULL;

	if (send_live_attach(ui, &s->live, id, &cause) == -1) {
		ui_cause(ui, "Cannot watch the send", cause);
		return;
	}
	child_stop(&s->pre.w);
	s->picked = picked;
	s->mode = SEND_MODE_LIVE;
	s->focus = FOCUS_RCPTS;
	send_panel_init(s);
	send_keys_mode(s->mode, s->live.state);
	ui_tick_in(ui, s, 0);
	ui_dirty(ui);
}

/* Prepare issue id for sending. */
static void
send_show_pre(struct ui *ui, struct send_screen *s, int64_t id, int picked)
{
	send_live_free(&s->live);
	s->mode = SEND_MODE_PRE;
	send_pre_load(ui, &s->pre, id);
	s->picked = picked;
	send_pre_check(ui, &s->pre);
	send_keys_mode(s->mode, s->live.state);
	ui_tick_in(ui, s, 0);
	ui_dirty(ui);
}

/* Nothing to send: say why. */
static void
send_show_empty(struct ui *ui, struct send_screen *s, char *why)
{
	send_live_free(&s->live);
	free(s->empty);
	s->empty = why;
	s->mode = SEND_MODE_EMPTY;
	send_keys_mode(s->mode, s->live.state);
	ui_dirty(ui);
}

/* An issue: its send if it has one, else ready to send. */
static void
send_show(struct ui *ui, struct send_screen *s, int64_t id, int picked)
{
	struct send_info	 info;
	char			*cause = NULL;
	int			 rc;

	rc = store_send_get(ui_store(ui), id, &info, &cause);
	if (rc == 0) {
		send_info_free(&info);
		send_watch(ui, s, id, picked);
	} else if (rc == 1)
		send_show_pre(ui, s, id, picked);
	else
		ui_cause(ui, "Cannot read the sends", cause);
}

/* What to show without being told: a send with work left, the newest
 * issue never sent, the last send, or nothing. */
static void
send_choose(struct ui *ui, struct send_screen *s)
{
	enum send_state	 state;
	int64_t		*ids = NULL, pick = 0;
	size_t		 n = 0, i;
	char		*cause = NULL;

	if (store_send_ids(ui_store(ui), &ids, &n, &cause) == -1) {
		send_show_empty(ui, s, xprintf("Cannot read the sends: %s",
		    cause));
		free(cause);
		return;
	}
	for (i = 0; i < n && pick == 0; i++)
		if (send_state_of(ui, ids[i], &state, NULL) == 0 &&
		    state != SEND_FINISHED)
			pick = ids[i];
	if (pick != 0) {
		if (s->mode != SEND_MODE_LIVE || s->live.id != pick)
			send_watch(ui, s, pick, 0);
	}
	else if ((pick = send_pre_default(ui, &cause)) > 0) {
		if (s->mode != SEND_MODE_PRE || s->pre.issue != pick)
			send_show_pre(ui, s, pick, 0);
	} else if (pick == -1) {
		send_show_empty(ui, s, xprintf("Cannot read the issues: %s",
		    cause));
		free(cause);
	} else if (n > 0) {
		if (s->mode != SEND_MODE_LIVE || s->live.id != ids[0])
			send_watch(ui, s, ids[0], 0);
	}
	else
		send_show_empty(ui, s, xstrdup("There is no issue to send "
		    "yet. Write one on the Compose screen (2), or with herald "
		    "issue new."));
	free(ids);
}

/* ---- the view ---- */

/* Empty until shown. */
static void *
send_open(struct ui *ui, void *arg)
{
	struct send_screen	*s = xcalloc(1, sizeof *s);

	(void)ui;
	(void)arg;
	send_pre_init(&s->pre);
	send_live_init(&s->live);
	send_cmd_init(&s->cmd, s);
	send_panel_init(s);
	s->mode = SEND_MODE_EMPTY;
	send_keys_mode(s->mode, s->live.state);
	return s;
}

/* Stop the children (the engine is not one: it goes on). */
static void
send_close(struct ui *ui, void *state)
{
	struct send_screen	*s = state;

	(void)ui;
	send_cmd_free(&s->cmd);
	send_panel_free(s);
	send_pre_free(&s->pre);
	free(s->pw_to);
	send_live_free(&s->live);
	free(s->empty);
	free(s);
}

/* Shown: choose what to show again, unless the operator chose it or it
 * is a send still going on. */
static void
send_enter(struct ui *ui, void *state)
{
	struct send_screen	*s = state;

	s->visible = 1;
	send_keys_mode(s->mode, s->live.state);
	if (s->mode == SEND_MODE_EMPTY || (!s->picked &&
	    (s->mode == SEND_MODE_PRE || s->live.state == SEND_FINISHED)))
		send_choose(ui, s);
	ui_tick_in(ui, s, 0);
}

/* Hidden: polling slows down. */
static void
send_leave(struct ui *ui, void *state)
{
	struct send_screen	*s = state;

	(void)ui;
	s->visible = 0;
}

/* The smaller of two waits (-1: none). */
static int
send_min_ms(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Commands, counting, the health check, the events. */
static int
send_tick(struct ui *ui, void *state)
{
	struct send_screen	*s = state;
	struct send_info	 info;
	enum send_cmd_kind	 kind = s->cmd.kind;
	int64_t			 id = s->cmd.id;
	char			*msg;
	int			 ms = -1, ok, changed;

	if (kind != SEND_CMD_NONE) {
		if (send_cmd_result(&s->cmd, &ok, &msg) == 1) {
			ms = SEND_CMD_MS;
			if (s->visible)
				ui_dirty(ui);	/* the spinner */
		} else
			send_cmd_done(ui, s, kind, id, ok, msg);
	}
	if (s->mode == SEND_MODE_PRE) {
		ms = send_min_ms(ms, send_pre_tick(ui, &s->pre));
		/* Sent from the command line meanwhile: watch it. */
		if (s->cmd.kind == SEND_CMD_NONE &&
		    ui_now() - s->looked >= SEND_SENT_MS) {
			s->looked = ui_now();
			if (store_send_get(ui_store(ui), s->pre.issue, &info,
			    NULL) == 0) {
				send_info_free(&info);
				send_watch(ui, s, s->pre.issue, s->picked);
				return 0;
			}
		}
		if (s->visible)
			ms = send_min_ms(ms, SEND_SENT_MS);
	} else if (s->mode == SEND_MODE_LIVE) {
		int live = send_live_poll(ui, &s->live, &changed);

		if (changed) {
			send_panel_sync(s);
			send_keys_mode(s->mode, s->live.state);
			ui_dirty(ui);
		}
		if (!s->visible && live > 0 && live < SEND_SENT_MS)
			live = SEND_SENT_MS;
		/* While an engine works, the sparkline and "next attempt
		 * in 4m 59s" move with the clock. */
		if (s->visible && s->live.engine && time(NULL) != s->second) {
			s->second = time(NULL);
			ui_dirty(ui);
		}
		ms = send_min_ms(ms, live);
	}
	return ms;
}

/* Keys before a send. */
static enum ui_action
send_key_pre(struct ui *ui, struct send_screen *s, int key)
{
	switch (key) {
	case 'S':
		send_start(ui, s);
		return UI_REDRAW;
	case 't':
		s->pre.policy = (enum tls_policy)((s->pre.policy + 1) %
		    (TLS_POLICY_DANE + 1));
		return UI_REDRAW;
	case 'T':
		send_test_start(ui, s);
		return UI_REDRAW;
	case 'h':
		send_pre_check(ui, &s->pre);
		ui_tick_in(ui, s, 0);
		return UI_REDRAW;
	}
	return UI_IGNORED;
}

/* Keys while watching a send. */
static enum ui_action
send_key_live(struct ui *ui, struct send_screen *s, int key)
{
	struct table	*t;
	enum ui_action	 a;

	if ((a = send_panel_key(ui, s, key)) != UI_IGNORED)
		return a;
	if (UI_IS_ENTER(key) && s->focus == FOCUS_RCPTS) {
		send_detail_open(ui, s);
		return UI_REDRAW;
	}
	switch (key) {
	case 'p':
		send_pause(ui, s);
		return UI_REDRAW;
	case 'r':
		send_resume(ui, s);
		return UI_REDRAW;
	case 'F':
		send_finish(ui, s);
		return UI_REDRAW;
	case 'd':
		s->focus = s->focus == FOCUS_RCPTS ? FOCUS_DOMAINS :
		    FOCUS_RCPTS;
		return UI_REDRAW;
	}
	t = s->focus == FOCUS_RCPTS ? &s->rcpts : &s->doms;
	if (table_key(t, key)) {
		if (s->focus == FOCUS_RCPTS)
			s->follow = t->rows == 0 || t->sel == t->rows - 1;
		return UI_REDRAW;
	}
	return UI_IGNORED;
}

/* A picked issue. */
static void
send_picked(struct ui *ui, int64_t id, void *arg)
{
	struct send_screen	*s = arg;

	send_show(ui, s, id, 1);
}

/* Keys of the Send screen; the rest go to the shell. */
static enum ui_action
send_key(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	/* Typing a filter: every key is the filter's. */
	if (s->mode == SEND_MODE_LIVE && s->filtering)
		return send_key_live(ui, s, key);
	if (key == 'i') {
		send_pick_open(ui, s->mode == SEND_MODE_PRE ? s->pre.issue :
		    s->live.id, send_picked, s);
		return UI_REDRAW;
	}
	if (s->mode == SEND_MODE_PRE)
		return send_key_pre(ui, s, key);
	if (s->mode == SEND_MODE_LIVE)
		return send_key_live(ui, s, key);
	return UI_IGNORED;
}

const struct screen_ops screen_send_ops = {
	.name = "Send",
	.keys = send_keys,
	.open = send_open,
	.close = send_close,
	.enter = send_enter,
	.leave = send_leave,
	.draw = send_draw,
	.key = send_key,
	.tick = send_tick,
};
