/*
 * The Send screen. Opened, it watches the newest send that still has work
 * (so re-opening the console mid-send shows it again, live), else prepares
 * the newest issue never sent, else shows the last send; i picks another.
 *
 * Before a send (pre.c) S starts it (start.c: y/N naming any
 * failing health check, then `herald send ID --tls POLICY` as a child,
 * which starts the engine detached and returns); the screen then watches
 * the send (live.c) from the database alone, and p and r pause and
 * resume it through `herald pause` and `herald resume`; F gives up on the
 * deferred recipients of a waiting send (y/N, then `herald finish`).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send_ui.h"
#include "ui/kit/action.h"
#include "store/store.h"

#define SEND_SENT_MS	1000	/* has the prepared issue been sent? */

/* Watch send id. */
void
send_watch(struct ui *ui, struct send_screen *s, int64_t id, int picked)
{
	char	*cause = NULL;

	if (send_live_attach(ui, &s->live, id, &cause) == -1) {
		ui_cause(ui, _("Cannot watch the send"), cause);
		return;
	}
	child_stop(&s->pre.w);
	s->picked = picked;
	s->mode = SEND_MODE_LIVE;
	s->focus = FOCUS_RCPTS;
	send_panel_init(s);
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
		ui_cause(ui, _("Cannot read the sends"), cause);
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
		send_show_empty(ui, s, xprintf(_("Cannot read the sends: %s"),
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
		send_show_empty(ui, s, xprintf(_("Cannot read the issues: %s"),
		    cause));
		free(cause);
	} else if (n > 0) {
		if (s->mode != SEND_MODE_LIVE || s->live.id != ids[0])
			send_watch(ui, s, ids[0], 0);
	}
	else
		send_show_empty(ui, s, xstrdup(_("There is no issue to send "
		    "yet. Write one on the Compose screen (2), or with herald "
		    "issue new.")));
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

/* A picked issue. */
static void
send_picked(struct ui *ui, int64_t id, void *arg)
{
	struct send_screen	*s = arg;

	send_show(ui, s, id, 1);
}

/*
 * The key bar shows what matters now: before a send its four keys; live,
 * Pause while it runs, Resume when paused or interrupted, Finish when only
 * deferrals are left, and the panel's. The keys work in any state of their
 * mode (the help lists them all), but an 80-column bar holds only these.
 */
static int
send_is_pre(void *state)
{
	struct send_screen	*s = state;

	return s->mode == SEND_MODE_PRE;
}

static int
send_is_live(void *state)
{
	struct send_screen	*s = state;

	return s->mode == SEND_MODE_LIVE;
}

static int
send_can_pause(void *state)
{
	struct send_screen	*s = state;

	return send_is_live(s) && s->live.state == SEND_RUNNING;
}

static int
send_can_resume(void *state)
{
	struct send_screen	*s = state;

	return send_is_live(s) && (s->live.state == SEND_PAUSED ||
	    s->live.state == SEND_INTERRUPTED);
}

static int
send_can_finish(void *state)
{
	struct send_screen	*s = state;

	return send_is_live(s) && s->live.state == SEND_WAITING;
}

/* S: start the send (asks first). */
static enum ui_action
send_act_start(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_pre(state))
		return UI_IGNORED;
	send_start(ui, state);
	return UI_REDRAW;
}

/* t: the next TLS policy for this send. */
static enum ui_action
send_act_tls(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	(void)ui;
	(void)key;
	if (!send_is_pre(s))
		return UI_IGNORED;
	s->pre.policy = (enum tls_policy)((s->pre.policy + 1) %
	    TLS_NPOLICIES);
	return UI_REDRAW;
}

/* T: a test to one address. */
static enum ui_action
send_act_test(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_pre(state))
		return UI_IGNORED;
	send_test_start(ui, state);
	return UI_REDRAW;
}

/* h: check the From domain's health again. */
static enum ui_action
send_act_health(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	(void)key;
	if (!send_is_pre(s))
		return UI_IGNORED;
	send_pre_check(ui, &s->pre);
	ui_tick_in(ui, s, 0);
	return UI_REDRAW;
}

/* p: pause the send. */
static enum ui_action
send_act_pause(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_live(state))
		return UI_IGNORED;
	send_pause(ui, state);
	return UI_REDRAW;
}

/* r: resume the send. */
static enum ui_action
send_act_resume(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_live(state))
		return UI_IGNORED;
	send_resume(ui, state);
	return UI_REDRAW;
}

/* F: give up on the deferrals (asks first). */
static enum ui_action
send_act_finish(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_live(state))
		return UI_IGNORED;
	send_finish(ui, state);
	return UI_REDRAW;
}

/* d: the recipients or the domains. */
static enum ui_action
send_act_domains(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	(void)ui;
	(void)key;
	if (!send_is_live(s))
		return UI_IGNORED;
	s->focus = s->focus == FOCUS_RCPTS ? FOCUS_DOMAINS : FOCUS_RCPTS;
	return UI_REDRAW;
}

/* Enter: the selected recipient in full. */
static enum ui_action
send_act_detail(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	(void)key;
	if (!send_is_live(s) || s->focus != FOCUS_RCPTS)
		return UI_IGNORED;
	send_detail_open(ui, s);
	return UI_REDRAW;
}

/* /: filter the recipients. */
static enum ui_action
send_act_filter(struct ui *ui, void *state, int key)
{
	(void)ui;
	(void)key;
	if (!send_is_live(state))
		return UI_IGNORED;
	send_panel_filter(state);
	return UI_REDRAW;
}

/* o: problems first, or in time order. */
static enum ui_action
send_act_order(struct ui *ui, void *state, int key)
{
	(void)key;
	if (!send_is_live(state))
		return UI_IGNORED;
	send_panel_order(ui, state);
	return UI_REDRAW;
}

/* Esc: clear the filter (else the shell's Esc). */
static enum ui_action
send_act_clear(struct ui *ui, void *state, int key)
{
	(void)ui;
	(void)key;
	if (!send_is_live(state) || !send_panel_clear(state))
		return UI_IGNORED;
	return UI_REDRAW;
}

/* i: pick another issue, or a send to watch. */
static enum ui_action
send_act_pick(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	(void)key;
	send_pick_open(ui, s->mode == SEND_MODE_PRE ? s->pre.issue :
	    s->live.id, send_picked, s);
	return UI_REDRAW;
}

/* Moving in the focused table; at the newest outcome it follows. */
static enum ui_action
send_act_move(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;
	struct table		*t;

	(void)ui;
	if (!send_is_live(s))
		return UI_IGNORED;
	t = s->focus == FOCUS_RCPTS ? &s->rcpts : &s->doms;
	if (!table_key(t, key))
		return UI_IGNORED;
	if (s->focus == FOCUS_RCPTS)
		s->follow = t->rows == 0 || t->sel == t->rows - 1;
	return UI_REDRAW;
}

static const struct action send_actions[] = {
	{ "S", N_("Start"), N_("start the send (asks first, naming any "
	  "failing health check)"), { 'S' }, send_act_start, send_is_pre },
	{ "t", N_("TLS"), N_("TLS policy for this send: none, may, encrypt, "
	  "verify, dane, auto, mta-sts"), { 't' }, send_act_tls, send_is_pre },
	{ "T", N_("Test"), N_("send a test to one address first (delivered "
	  "now, recorded nowhere)"), { 'T' }, send_act_test, send_is_pre },
	{ "h", N_("Health"), N_("check the From domain's health again"),
	  { 'h' }, send_act_health, send_is_pre },
	{ "p", N_("Pause"), N_("pause the send (herald pause: what is in "
	  "flight finishes)"), { 'p' }, send_act_pause, send_can_pause },
	{ "r", N_("Resume"), N_("resume a paused or interrupted send (herald "
	  "resume)"), { 'r' }, send_act_resume, send_can_resume },
	{ "F", N_("Finish"), N_("finish a send that only waits on deferrals: "
	  "give up on them (herald finish, asks first)"),
	  { 'F' }, send_act_finish, send_can_finish },
	{ "d", N_("Domains"), N_("switch between the recipients and the "
	  "domains"), { 'd' }, send_act_domains, send_is_live },
	{ N_("Enter"), N_("Detail"), N_("the selected recipient in full: "
	  "reply, MX, IP, TLS, certificate, every attempt"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER) }, send_act_detail, send_is_live },
	{ "/", N_("Filter"), N_("filter the recipients: a state (deferred, "
	  "state:bounced), a domain (example.org, domain:example.org) or "
	  "part of an address"), { '/' }, send_act_filter, send_is_live },
	{ "o", NULL, N_("problems first (bounced, unknown, deferred), or in "
	  "time order"), { 'o' }, send_act_order, NULL },
	{ "i", N_("Issue"), N_("pick another issue, or a send to watch"),
	  { 'i' }, send_act_pick, NULL },
	{ "↑↓ j k", NULL, N_("scroll; End or G follows the newest outcome"),
	  { 0 }, send_act_move, NULL },
	{ NULL, NULL, NULL, { UI_ESC }, send_act_clear, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the Send screen; the rest go to the shell. */
static enum ui_action
send_key(struct ui *ui, void *state, int key)
{
	struct send_screen	*s = state;

	/* Typing a filter: every key is the filter's. */
	if (s->mode == SEND_MODE_LIVE && s->filtering)
		return send_panel_typing(ui, s, key);
	return action_key(send_actions, ui, s, key);
}

const struct screen_ops screen_send_ops = {
	.name = N_("Send"),
	.actions = send_actions,
	.open = send_open,
	.close = send_close,
	.enter = send_enter,
	.leave = send_leave,
	.draw = send_draw,
	.key = send_key,
	.tick = send_tick,
};
