/*
 * Starting, pausing and resuming a send from the Send screen. S checks
 * what the console can check (an issue with recipients), then asks y/N,
 * naming every failing health check, so that sending anyway is typed,
 * never a default; y runs `herald send ID --tls POLICY` (cmd.c),
 * which starts the engine detached and returns, and the screen then
 * watches the send. p and r run `herald pause` and `herald resume`, and F
 * (after y/N) `herald finish`: the engine's own lock logic decides. When the send authenticates at a relay
 * (relay and relay_user set) and no relay_password_file is, the console
 * asks for the password in a masked prompt after the y (and before r or a
 * test) and hands it to the command on a pipe; nothing keeps it.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "send_ui.h"
#include "store/store.h"

/* Is a command running? Say so. */
int
send_busy(struct ui *ui, struct send_screen *s)
{
	if (s->cmd.kind == SEND_CMD_NONE)
		return 0;
	ui_error(ui, _("Wait: herald %s %lld is still running"),
	    s->cmd.kind == SEND_CMD_PAUSE ? "pause" : s->cmd.kind ==
	    SEND_CMD_RESUME ? "resume" : s->cmd.kind == SEND_CMD_TEST ?
	    "send --test" : s->cmd.kind == SEND_CMD_FINISH ? "finish" :
	    "send", (long long)s->cmd.id);
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
			ui_info(ui, _("Send %lld started: the engine runs in "
			    "the background; leaving the console does not stop "
			    "it"),
			    (long long)id);
		else
			ui_error(ui, _("The send did not start: %s"),
			    msg != NULL ? msg : _("failed"));
	} else if (ok)
		ui_info(ui, "%s", msg != NULL ? msg : _("done"));
	else
		ui_error(ui, kind == SEND_CMD_PAUSE ? _("Pause failed: %s") :
		    kind == SEND_CMD_FINISH ? _("Finish failed: %s") :
		    _("Resume failed: %s"), msg != NULL ? msg : _("failed"));
	free(msg);
	ui_dirty(ui);
}

/* Run a command, or say why not. */
static void
send_run(struct ui *ui, struct send_screen *s, enum send_cmd_kind kind,
    int64_t id, const char *password)
{
	char	*cause = NULL;

	if (send_cmd_start(ui, &s->cmd, kind, id, s->pre.policy, NULL,
	    password, &cause) == -1) {
		ui_cause(ui, _("Cannot run herald"), cause);
		return;
	}
	ui_info(ui, kind == SEND_CMD_SEND ? _("Starting send %lld…") :
	    kind == SEND_CMD_PAUSE ? _("Pausing send %lld…") :
	    kind == SEND_CMD_FINISH ? _("Finishing send %lld…") :
	    _("Resuming send %lld…"), (long long)id);
	ui_tick_in(ui, s, SEND_CMD_MS);
}

/* What Esc at the password prompt leaves undone. */
static const char *
send_password_nothing(enum send_cmd_kind kind)
{
	return kind == SEND_CMD_RESUME ? _("Nothing resumed") : kind ==
	    SEND_CMD_TEST ? _("No test sent") : _("Nothing sent");
}

/* The password typed (NULL: Esc): run what waited for it. */
static int
send_password_done(struct ui *ui, const char *text, void *arg)
{
	struct send_screen	*s = arg;
	enum send_cmd_kind	 kind = s->pw_kind;
	int64_t			 id = s->pw_id;
	char			*to = s->pw_to;

	if (text != NULL && *text == '\0') {
		ui_error(ui, _("No password typed (Esc: %s)"),
		    send_password_nothing(kind));
		return -1;
	}
	s->pw_kind = SEND_CMD_NONE;
	s->pw_to = NULL;
	if (text == NULL)
		ui_info(ui, "%s", send_password_nothing(kind));
	else if (send_busy(ui, s))
		;
	else if (kind == SEND_CMD_TEST) {
		if (s->mode == SEND_MODE_PRE && s->pre.issue == id)
			send_test_run(ui, s, to, text);
	} else if (kind == SEND_CMD_RESUME ||
	    (s->mode == SEND_MODE_PRE && s->pre.issue == id))
		send_run(ui, s, kind, id, text);
	free(to);
	return 0;
}

/* Ask for the relay password when it is needed and there is no file. */
int
send_password_ask(struct ui *ui, struct send_screen *s,
    enum send_cmd_kind kind, int64_t id, const char *to,
    const struct send_settings *set)
{
	char	*label;

	if (send_password_from(set) != SEND_PASSWORD_ASK)
		return 0;
	free(s->pw_to);
	s->pw_kind = kind;
	s->pw_id = id;
	s->pw_to = to != NULL ? xstrdup(to) : NULL;
	label = xprintf(_("Password for %s at %s:"), set->relay_user,
	    set->relay);
	prompt_open_secret(ui, _("Relay password"), label, SEND_PASSWORD_MAX,
	    send_password_done, s);
	free(label);
	return 1;
}

/* Ask for the password the configured relay needs, if any: 1 if asked. */
int
send_password_config(struct ui *ui, struct send_screen *s,
    enum send_cmd_kind kind, int64_t id, const char *to)
{
	struct send_settings	 set;
	char			*cause = NULL;
	int			 asked = 0;

	/* Settings the configuration cannot give are the command's to
	 * report. */
	send_settings_init(&set);
	if (send_settings_config(ui_config(ui), &set, &cause) == -1)
		free(cause);
	else
		asked = send_password_ask(ui, s, kind, id, to, &set);
	send_settings_free(&set);
	return asked;
}

/* The operator's answer to "start the send?". */
static void
send_confirmed(struct ui *ui, int yes, void *arg)
{
	struct send_screen	*s = arg;

	if (!yes) {
		ui_info(ui, "%s", _("Nothing sent"));
		return;
	}
	if (s->mode != SEND_MODE_PRE)
		return;
	if (!send_password_config(ui, s, SEND_CMD_SEND, s->pre.issue, NULL))
		send_run(ui, s, SEND_CMD_SEND, s->pre.issue, NULL);
}

/* S: check what can be checked, then ask. */
void
send_start(struct ui *ui, struct send_screen *s)
{
	struct send_pre		*p = &s->pre;
	char			*fail, *text, n[32];
	int64_t			 rcpts;

	if (send_busy(ui, s))
		return;
	if (p->problem != NULL) {
		ui_error(ui, _("Issue %lld cannot be sent: %s"),
		    (long long)p->issue, p->problem);
		return;
	}
	rcpts = p->counted ? p->recipients : p->members - p->suppressed;
	if (rcpts <= 0) {
		ui_error(ui, _("List %s has nobody to send to"), p->list);
		return;
	}
	fail = send_pre_failures(p);
	ui_count(n, sizeof n, rcpts);
	text = xprintf(ngettext("Issue %lld \"%s\" to %s recipient of "
	    "list %s, TLS policy %s.", "Issue %lld \"%s\" to %s recipients "
	    "of list %s, TLS policy %s.", (unsigned long)rcpts),
	    (long long)p->issue, p->subject, n, p->list,
	    tls_policy_name(p->policy));
	if (fail != NULL) {
		char *t = xprintf(_("%s\n\nThe health check FAILS for %s: "
		    "receivers may reject or junk these messages.\n%s"), text,
		    p->domain, fail);

		free(text);
		text = t;
	}
	send_confirm_open(ui, fail != NULL ? _("Send anyway?") :
	    _("Start the send?"), text, send_confirmed, s);
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
		ui_error(ui, _("Send %lld is %s: nothing to pause"),
		    (long long)l->id, send_state_name(l->state));
	else if (!l->engine)
		ui_error(ui, _("No engine works on send %lld: nothing to "
		    "pause"),
		    (long long)l->id);
	else
		send_run(ui, s, SEND_CMD_PAUSE, l->id, NULL);
}

/* Resume with the send's own relay settings (resume keeps them): ask for
 * the password first when they need one the console must give. */
static void
send_resume_run(struct ui *ui, struct send_screen *s, int64_t id)
{
	struct send_info	 info;
	char			*cause = NULL;
	int			 asked, rc;

	if ((rc = store_send_get(ui_store(ui), id, &info, &cause)) != 0) {
		if (rc == -1)
			ui_cause(ui, _("Cannot read the send"), cause);
		else
			ui_error(ui, _("No send %lld"), (long long)id);
		return;
	}
	asked = send_password_ask(ui, s, SEND_CMD_RESUME, id, NULL, &info.set);
	send_info_free(&info);
	if (!asked)
		send_run(ui, s, SEND_CMD_RESUME, id, NULL);
}

/* r: herald resume, once no engine works on the send. */
void
send_resume(struct ui *ui, struct send_screen *s)
{
	struct send_live	*l = &s->live;

	if (send_busy(ui, s))
		return;
	if (l->state == SEND_FINISHED)
		ui_error(ui, _("Send %lld is finished: nothing to resume"),
		    (long long)l->id);
	else if (l->engine && l->paused)
		ui_error(ui, _("Send %lld is still pausing: resume once the "
		    "engine has stopped"), (long long)l->id);
	else if (l->engine)
		ui_error(ui, _("Send %lld is running"), (long long)l->id);
	else
		send_resume_run(ui, s, l->id);
}

/* The operator's answer to "give up on the deferred recipients?". */
static void
send_finish_confirmed(struct ui *ui, int yes, void *arg)
{
	struct send_screen	*s = arg;

	if (!yes) {
		ui_info(ui, "%s", _("Nothing given up"));
		return;
	}
	if (s->mode == SEND_MODE_LIVE && !send_busy(ui, s))
		send_run(ui, s, SEND_CMD_FINISH, s->live.id, NULL);
}

/* F: herald finish, for a send whose only work left is deferred. */
void
send_finish(struct ui *ui, struct send_screen *s)
{
	struct send_live		*l = &s->live;
	const struct send_counts	*c = &l->counts;
	char				*q;
	int64_t				 active;

	if (send_busy(ui, s))
		return;
	active = c->n[RCPT_QUEUED] + c->n[RCPT_CONNECTING] +
	    c->n[RCPT_SENT_DATA];
	if (l->state == SEND_FINISHED) {
		ui_error(ui, _("Send %lld is finished: nothing to give up"),
		    (long long)l->id);
		return;
	}
	if (active > 0) {
		ui_error(ui, ngettext("Send %lld has %lld recipient not yet "
		    "tried or in flight: F only gives up on a waiting send's "
		    "deferred ones", "Send %lld has %lld recipients not yet "
		    "tried or in flight: F only gives up on a waiting send's "
		    "deferred ones", (unsigned long)active), (long long)l->id,
		    (long long)active);
		return;
	}
	q = xprintf(ngettext("Give up on the %lld deferred recipient of "
	    "send %lld? They are bounced for this send (not suppressed) and "
	    "the send is finished.", "Give up on the %lld deferred "
	    "recipients of send %lld? They are bounced for this send (not "
	    "suppressed) and the send is finished.",
	    (unsigned long)c->n[RCPT_DEFERRED]),
	    (long long)c->n[RCPT_DEFERRED], (long long)l->id);
	confirm_open(ui, _("Finish the send"), q, send_finish_confirmed, s);
	free(q);
}
