/*
 * f on the Feedback screen: `herald feedback fetch --json` as a child of
 * the console (ui/kit/child.h), so a slow or dead mailbox never blocks
 * it, and what the command records appears in the table as it goes (the
 * screen re-reads the trail). Its last stdout line is the summary object
 * ({"summary":{"messages":N,"new":N,"duplicates":N,...}}); no summary, or
 * a failing exit status with no message in error, is a failure, shown as
 * the command wrote it. A mailbox that needs a
 * password with no feedback_password_file set gets it from a masked
 * prompt, handed over on a pipe (--password-fd 3), never in argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "config/config.h"
#include "feedback_ui.h"

#define FBV_PASSWORD_MAX	1024

/* feedback_source, or NULL when it is unset or empty. */
const char *
fbv_source(struct ui *ui)
{
	const char	*v = config_get(ui_config(ui), "feedback_source");

	return v != NULL && *v != '\0' ? v : NULL;
}

/* A mailbox on a server (it needs a password), not a local file. */
static int
fbv_remote(const char *src)
{
	return strncmp(src, "imaps://", 8) == 0 ||
	    strncmp(src, "imap://", 7) == 0 ||
	    strncmp(src, "pop3s://", 8) == 0 ||
	    strncmp(src, "pop3://", 7) == 0;
}

static void
fbv_fetch_say(struct fbv *v, enum ui_role role, char *text)
{
	free(v->fetch_text);
	v->fetch_text = text;
	v->fetch_role = role;
	v->fetch_when = time(NULL);
}

/* Start the child; password NULL: none to hand over. */
static void
fbv_fetch_run(struct ui *ui, struct fbv *v, const char *password)
{
	const char	*args[6];
	char		*cause = NULL;
	int		 n = 0, pwfd = -1, rc;

	args[n++] = "feedback";
	args[n++] = "fetch";
	args[n++] = "--json";
	if (password != NULL) {
		if ((pwfd = subcmd_password_pipe(password, FBV_PASSWORD_MAX,
		    &cause)) == -1) {
			fbv_fetch_say(v, ROLE_FAIL, xprintf(_("x Not fetched: "
			    "%s"), cause != NULL ? cause : _("no password")));
			free(cause);
			return;
		}
		args[n++] = "--password-fd";
		args[n++] = "3";
	}
	args[n] = NULL;
	rc = subcmd_start_fd(ui, &v->fetch, args, FBV_FETCH_IDLE, pwfd,
	    &cause);
	if (pwfd != -1)
		close(pwfd);
	if (rc == -1) {
		fbv_fetch_say(v, ROLE_FAIL, xprintf(_("x Cannot run herald "
		    "feedback fetch: %s"), cause != NULL ? cause : _("failed")));
		free(cause);
		return;
	}
	free(v->fetch_text);
	v->fetch_text = NULL;
	v->fetch_started = ui_now();
	ui_tick_in(ui, v, 0);
}

/* The password typed (NULL: Esc). */
static int
fbv_password_done(struct ui *ui, const char *text, void *arg)
{
	struct fbv	*v = arg;

	if (text == NULL || *text == '\0') {
		ui_info(ui, "%s", _("Nothing fetched: no password typed (or "
		    "set feedback_password_file in Settings, 6)"));
		return 0;
	}
	fbv_fetch_run(ui, v, text);
	ui_dirty(ui);
	return 0;
}

/* f: fetch now, ask for the password first, or say what is missing. */
void
fbv_fetch_start(struct ui *ui, struct fbv *v)
{
	const char	*src = fbv_source(ui);
	char		*label;

	if (v->fetch.running) {
		ui_info(ui, "%s", _("A fetch is running: its summary follows"));
		return;
	}
	if (src == NULL) {
		fbv_fetch_say(v, ROLE_WARN, xstrdup(_("! No feedback_source is "
		    "set: nothing to fetch from. Set feedback_source in "
		    "Settings (6) to the bounce mailbox: imaps://USER@HOST/"
		    "INBOX, pop3s://USER@HOST, maildir:/PATH or mbox:/PATH.")));
		ui_error(ui, "%s", _("feedback_source is not set: set it in "
		    "Settings (6)"));
		return;
	}
	if (fbv_remote(src) &&
	    !config_is_set(ui_config(ui), "feedback_password_file")) {
		label = xprintf(_("Password for %s (feedback_password_file "
		    "keeps it in a file instead)"), src);
		prompt_open_secret(ui, _("Fetch feedback"), label,
		    FBV_PASSWORD_MAX, fbv_password_done, v);
		free(label);
		return;
	}
	fbv_fetch_run(ui, v, NULL);
}

/* The summary's figures. */
struct fbv_summary {
	int		 found;
	long long	 messages, fresh, duplicates, errors, marked;
};

static int
fbv_summary_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct fbv_summary	*s = arg;
	long long		*p = NULL;

	if (type != JSON_NUMBER)
		return 0;
	if (strcmp(key, "messages") == 0)
		p = &s->messages;
	else if (strcmp(key, "new") == 0)
		p = &s->fresh;
	else if (strcmp(key, "duplicates") == 0)
		p = &s->duplicates;
	else if (strcmp(key, "errors") == 0)
		p = &s->errors;
	else if (strcmp(key, "marked") == 0)
		p = &s->marked;
	if (p != NULL)
		*p = strtoll(value, NULL, 10);
	return 0;
}

static int
fbv_summary_top(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct fbv_summary	*s = arg;

	if (type == JSON_OBJECT && strcmp(key, "summary") == 0 &&
	    json_each_value(value, fbv_summary_member, s) == 0)
		s->found = 1;
	return 0;
}

/* The fetch is over: its summary, or its error as it wrote it. */
void
fbv_fetch_done(struct ui *ui, struct fbv *v)
{
	struct fbv_summary	 s;
	struct tm		 tm;
	time_t			 now = time(NULL);
	char			 at[16], *t, *msgs, *dups, *errs;
	const char		*err = v->fetch.error;

	memset(&s, 0, sizeof s);
	if (v->fetch.line != NULL)
		json_each_value(v->fetch.line, fbv_summary_top, &s);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(at, sizeof at, "%H:%M:%S", &tm) == 0)
		snprintf(at, sizeof at, "-");
	/* The summary comes even when the fetch stopped (the mailbox could
	 * not be reached, the database failed): then its exit status says
	 * so, and the error is what the operator needs; only messages that
	 * could not be read (errors) leave it 0 or EXIT_DATAERR. */
	/* Each count agrees with its own noun. */
	msgs = xprintf(ngettext("%lld message", "%lld messages",
	    (unsigned long)s.messages), s.messages);
	dups = xprintf(ngettext("%lld duplicate", "%lld duplicates",
	    (unsigned long)s.duplicates), s.duplicates);
	errs = xprintf(ngettext("%lld error", "%lld errors",
	    (unsigned long)s.errors), s.errors);
	if (!s.found || (v->fetch.exit != 0 && s.errors == 0)) {
		if (s.found && s.messages > 0)
			t = xprintf(_("x Fetch failed at %s: %s (before it: "
			    "%s, %lld new, %s)"), at, err != NULL ? err :
			    _("no reason given"), msgs, s.fresh, dups);
		else
			t = xprintf(_("x Fetch failed at %s: %s"), at,
			    err != NULL ? err : _("no summary"));
		fbv_fetch_say(v, ROLE_FAIL, t);
		ui_error(ui, "%s", _("herald feedback fetch failed"));
	} else {
		if (s.errors == 0)
			t = xprintf(_("+ Fetched at %s: %s, %lld new, %s"), at,
			    msgs, s.fresh, dups);
		else if (err != NULL)
			t = xprintf(_("! Fetched at %s: %s, %lld new, %s, %s: "
			    "%s"), at, msgs, s.fresh, dups, errs, err);
		else
			t = xprintf(_("! Fetched at %s: %s, %lld new, %s, %s"),
			    at, msgs, s.fresh, dups, errs);
		fbv_fetch_say(v, s.errors > 0 ? ROLE_WARN : ROLE_OK, t);
		ui_info(ui, "%s", t + 2);
	}
	free(msgs);
	free(dups);
	free(errs);
}
