/*
 * Starting, pausing and resuming a send from the Send screen. S checks
 * what the console can check (an issue with recipients, a relay password
 * it need not prompt for), then asks y/N, naming every failing health
 * check, so that sending anyway is typed, never a default; y runs `herald
 * send ID --tls POLICY` (send_cmd.c), which starts the engine detached and
 * returns, and the screen then watches the send. p and r run `herald
 * pause` and `herald resume`: the engine's own lock logic decides.
 */
#include <stdlib.h>

#include "config.h"
#include "send.h"
#include "store.h"

/* Is a command running? Say so. */
int
send_busy(struct ui *ui, struct send_screen *s)
{
	if (s->cmd.kind == SEND_CMD_NONE)
		return 0;
	ui_error(ui, "Wait: herald %s %lld is still running",
	    s->cmd.kind == SEND_CMD_PAUSE ? "pause" : s->cmd.kind ==
	    SEND_CMD_RESUME ? "resume" : s->cmd.kind == SEND_CMD_TEST ?
	    "send --test" : "send", (long long)s->cmd.id);
	return 1;
}

/* A command ended: say how; after a send, watch it. */
void
send_cmd_done(struct ui *ui, struct send_screen *s, enum send_cmd_kind kind,
    int64_t id, int ok, char *msg)
{
	struct send_info	info;
	int			exists;

	if (kind == SEND_CMD_TEST) {
		if (s->mode == SEND_MODE_PRE && s->pre.issue == id)
			send_test_done(ui, s, ok, msg);
		free(msg);
		return;
	}
	if (kind == SEND_CMD_SEND) {
		exists = store_send_get(ui_store(ui), id, &info, NULL) == 0;
		if (exists)
			send_info_free(&info);
		if (exists && (s->mode != SEND_MODE_LIVE ||
		    s->live.id != id))
			send_watch(ui, s, id, 1);
		if (ok)
			ui_info(ui, "Send %lld started: the engine runs in the "
			    "background; leaving the console does not stop it",
			    (long long)id);
		else
			ui_error(ui, "The send did not start: %s",
			    msg != NULL ? msg : "failed");
	} else if (ok)
		ui_info(ui, "%s", msg != NULL ? msg : "done");
	else
		ui_error(ui, "%s failed: %s", kind == SEND_CMD_PAUSE ?
		    "Pause" : "Resume", msg != NULL ? msg : "failed");
	free(msg);
	ui_dirty(ui);
}

/* Run a command, or say why not. */
static void
send_run(struct ui *ui, struct send_screen *s, enum send_cmd_kind kind,
    int64_t id)
{
	char	*cause = NULL;

	if (send_cmd_start(ui, &s->cmd, kind, id, s->pre.policy, NULL,
	    &cause) == -1) {
		ui_cause(ui, "Cannot run herald", cause);
		return;
	}
	ui_info(ui, "%s send %lld…", kind == SEND_CMD_SEND ? "Starting" :
	    kind == SEND_CMD_PAUSE ? "Pausing" : "Resuming", (long long)id);
	ui_tick_in(ui, s, SEND_CMD_MS);
}

/* The operator's answer to "start the send?". */
static void
send_confirmed(struct ui *ui, int yes, void *arg)
{
	struct send_screen	*s = arg;

	if (!yes) {
		ui_info(ui, "Nothing sent");
		return;
	}
	if (s->mode == SEND_MODE_PRE)
		send_run(ui, s, SEND_CMD_SEND, s->pre.issue);
}

/* S: check what can be checked, then ask. */
void
send_start(struct ui *ui, struct send_screen *s)
{
	struct send_pre		*p = &s->pre;
	const struct config	*cfg = ui_config(ui);
	char			*fail, *text, n[32];
	int64_t			 rcpts;

	if (send_busy(ui, s))
		return;
	if (p->problem != NULL) {
		ui_error(ui, "Issue %lld cannot be sent: %s",
		    (long long)p->issue, p->problem);
		return;
	}
	rcpts = p->counted ? p->recipients : p->members - p->suppressed;
	if (rcpts <= 0) {
		ui_error(ui, "List %s has nobody to send to", p->list);
		return;
	}
	if (config_get(cfg, "relay_user") != NULL &&
	    *config_get(cfg, "relay_user") != '\0' &&
	    (config_get(cfg, "relay_password_file") == NULL ||
	    *config_get(cfg, "relay_password_file") == '\0')) {
		ui_error(ui, "The relay needs a password and the console "
		    "cannot prompt for it: set relay_password_file");
		return;
	}
	fail = send_pre_failures(p);
	ui_count(n, sizeof n, rcpts);
	text = xprintf("Issue %lld \"%s\" to %s recipient%s of list %s, "
	    "TLS policy %s.%s%s%s", (long long)p->issue, p->subject, n,
	    rcpts == 1 ? "" : "s", p->list, tls_policy_name(p->policy),
	    fail != NULL ? "\n\nThe health check FAILS for " : "",
	    fail != NULL ? p->domain : "", fail != NULL ?
	    ": receivers may reject or junk these messages." : "");
	if (fail != NULL) {
		char *t = xprintf("%s\n%s", text, fail);

		free(text);
		text = t;
	}
	send_confirm_open(ui, fail != NULL ? "Send anyway?" :
	    "Start the send?", text, send_confirmed, s);
	free(text);
	free(fail);
}

/* p: herald pause, when an engine works on the send. */
void
send_pause(struct ui *ui, struct send_screen *s)
{
	struct send_live	*l = &s->live;

	if (send_busy(ui, s))
		return;
	if (l->state == SEND_FINISHED || l->state == SEND_PAUSED)
		ui_error(ui, "Send %lld is %s: nothing to pause",
		    (long long)l->id, send_state_name(l->state));
	else if (!l->engine)
		ui_error(ui, "No engine works on send %lld: nothing to pause",
		    (long long)l->id);
	else
		send_run(ui, s, SEND_CMD_PAUSE, l->id);
}

/* r: herald resume, once no engine works on the send. */
void
send_resume(struct ui *ui, struct send_screen *s)
{
	struct send_live	*l = &s->live;

	if (send_busy(ui, s))
		return;
	if (l->state == SEND_FINISHED)
		ui_error(ui, "Send %lld is finished: nothing to resume",
		    (long long)l->id);
	else if (l->engine && l->paused)
		ui_error(ui, "Send %lld is still pausing: resume once the "
		    "engine has stopped", (long long)l->id);
	else if (l->engine)
		ui_error(ui, "Send %lld is running", (long long)l->id);
	else
		send_run(ui, s, SEND_CMD_RESUME, l->id);
}
