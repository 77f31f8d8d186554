/*
 * herald feedback fetch: read the feedback mailbox (config feedback_source,
 * or --source) once, record and act on each message, mark it processed;
 * herald feedback watch: the same every feedback_interval minutes while a
 * send runs or finished less than feedback_watch hours ago, detached (a
 * send's start starts it). The work is src/feedback/fetch.h's; the lines
 * printed are those of herald feedback read.
 */
#include <sys/prctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "base/json.h"
#include "config/config.h"
#include "feedback/fetch.h"
#include "store/store.h"

struct ff_run {
	int		 json;
	FILE		*out;	/* stdout, or the watch's log */
};

/* One finding, as herald feedback read prints it. */
static void
ff_print(struct ff_run *r, const struct feedback_result *res, size_t i,
    int dup, const char *source)
{
	const char	*act, *why;
	long long	 send;

	act = dup ? "none" : feedback_fetch_action(res, i);
	send = !dup && res->send != NULL ? (long long)res->send[i] : 0;
	why = !dup && res->why != NULL ? res->why[i] : NULL;
	cli_feedback_finding(r->out, r->json, &res->msg.v[i], act, send, why,
	    source);
}

/* One message's findings; a message read before is one line (text) or
 * its findings with action none (JSON), as feedback read prints it. */
static void
ff_done(const char *source, const struct feedback_result *res, void *arg)
{
	struct ff_run	*r = arg;
	const char	*why;
	size_t		 i;

	if (res->msg.error != NULL)
		fprintf(r->json ? stderr : r->out, "herald: %s: %s\n", source,
		    res->msg.error);
	if (res->duplicate) {
		why = res->why != NULL && res->why[0] != NULL ? res->why[0] :
		    _("read before: nothing done again");
		fprintf(r->json ? stderr : r->out, "%s: %s\n", source, why);
		if (r->json)
			for (i = 0; i < res->msg.n; i++)
				ff_print(r, res, i, 1, source);
		fflush(r->out);
		return;
	}
	for (i = 0; i < res->msg.n; i++)
		ff_print(r, res, i, 0, source);
	fflush(r->out);
}

static void
ff_skip(const char *source, const char *why, void *arg)
{
	struct ff_run	*r = arg;

	fprintf(r->json ? stderr : r->out, "herald: %s: %s\n", source, why);
	fflush(r->out);
}

/* The summary: a line on standard error, or a last JSON object. */
static void
ff_summary(struct ff_run *r, const struct feedback_fetch_summary *s,
    int dry_run)
{
	struct buf	 b;
	FILE		*f;

	if (r->json) {
		buf_init(&b);
		buf_printf(&b, "{\"summary\":{\"messages\":%d,\"new\":%d,"
		    "\"duplicates\":%d,\"errors\":%d,\"marked\":%d,"
		    "\"dry_run\":%s}}", s->messages, s->recorded,
		    s->duplicates, s->errors, s->marked,
		    dry_run ? "true" : "false");
		buf_addc(&b, '\0');
		fprintf(r->out, "%s\n", b.data);
		buf_free(&b);
		return;
	}
	f = r->out == stdout ? stderr : r->out;
	/* One clause per count: each noun takes its own plural. */
	fprintf(f, ngettext("%d message read", "%d messages read",
	    (unsigned long)s->messages), s->messages);
	fprintf(f, _(", %d new"), s->recorded);
	fprintf(f, ngettext(", %d duplicate", ", %d duplicates",
	    (unsigned long)s->duplicates), s->duplicates);
	fprintf(f, ngettext(", %d error", ", %d errors",
	    (unsigned long)s->errors), s->errors);
	if (dry_run)
		fputs(_(" (dry run: nothing recorded, nothing marked)"), f);
	fputc('\n', f);
}

/* The password a remote source needs: --password-fd, the file, or the
 * terminal. 0 or an exit status. */
static int
ff_password(struct cli_env *env, const char *source, const char *fdarg,
    char **out)
{
	char	*cause = NULL, *shown;
	int	 rc;

	*out = NULL;
	if (!feedback_fetch_remote(source)) {
		if (fdarg == NULL)
			return 0;
		cli_err(_("--password-fd: %s needs no password"), source);
		return EXIT_USAGE;
	}
	if (fdarg != NULL)
		return send_password_read(fdarg, out);
	if ((rc = feedback_fetch_password(env->cfg, out, &cause)) == -1)
		return cli_fail(EXIT_CONFIG, cause);
	if (rc == 0)
		return 0;
	shown = feedback_fetch_display(source);
	/* 514: a line of up to 512 bytes, its newline and the NUL. */
	rc = cli_password_prompt(shown, _("the feedback mailbox needs a "
	    "password and there is no terminal to ask for it on: set "
	    "feedback_password_file (a file of mode 0600) or give "
	    "--password-fd FD"), 514, out);
	free(shown);
	return rc;
}

/* herald feedback fetch */
static int
cmd_feedback_fetch(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct feedback_fetch_summary	 sum;
	struct ff_run			 r;
	const char			*source, *fdarg;
	char				*password = NULL, *cause = NULL;
	int				 dry, rc;

	fdarg = cli_opt(cmd, a, "password-fd");
	if ((rc = send_password_fd_check(fdarg)) != 0)
		return rc;
	if ((source = cli_opt(cmd, a, "source")) != NULL) {
		if (config_validate("feedback_source", source, &cause) == -1)
			return cli_fail(EXIT_USAGE, cause);
	} else if ((source = config_get(env->cfg, "feedback_source")) ==
	    NULL) {
		cli_err(_("feedback fetch: no feedback_source is set (herald "
		    "config set feedback_source imaps://USER@HOST/INBOX), and "
		    "no --source given"));
		return EXIT_CONFIG;
	}
	dry = cli_opt(cmd, a, "dry-run") != NULL;
	if ((rc = cli_store(env)) != 0)
		return rc;
	/* No core dump, no ptrace by the same user, while a password is
	 * in memory. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if ((rc = ff_password(env, source, fdarg, &password)) != 0) {
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		return rc;
	}
	memset(&r, 0, sizeof r);
	r.json = env->json;
	r.out = stdout;
	cli_catch_signals();
	rc = feedback_fetch_once(env->store, env->cfg, source, password, dry,
	    ff_done, ff_skip, &r, &cli_interrupted, &sum, &cause);
	feedback_password_free(password);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	ff_summary(&r, &sum, dry);
	if (rc == -1) {
		cli_err("%s", cause);
		free(cause);
		return EXIT_TEMPFAIL;
	}
	return sum.errors ? EXIT_DATAERR : 0;
}

/* A time stamp for the watch's log. */
static void
ff_log(const char *fmt, ...) PRINTFLIKE(1, 2);
static void
ff_log(const char *fmt, ...)
{
	char		 when[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	va_list		 ap;

	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
	printf(_("%s feedback watch: "), when);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* herald feedback watch */
static int
cmd_feedback_watch(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct feedback_fetch_summary	 sum;
	struct ff_run			 r;
	const char			*source;
	char				*password = NULL, *cause = NULL;
	long long			 hours, minutes;
	int64_t				 n;
	unsigned int			 left;
	int				 rc;

	(void)cmd;
	(void)a;
	if ((source = config_get(env->cfg, "feedback_source")) == NULL) {
		cli_err(_("feedback watch: no feedback_source is set"));
		return EXIT_CONFIG;
	}
	if (parse_int(config_get(env->cfg, "feedback_watch"), 0, 24 * 60,
	    &hours) == -1 || hours == 0) {
		cli_err(_("feedback watch: feedback_watch is 0: no watching"));
		return 0;
	}
	if (parse_int(config_get(env->cfg, "feedback_interval"), 1, 24 * 60,
	    &minutes) == -1)
		minutes = 10;
	if (feedback_fetch_remote(source)) {
		/* Held for the watch's whole life: never dumpable. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if ((rc = feedback_fetch_password(env->cfg, &password,
		    &cause)) == -1)
			return cli_fail(EXIT_CONFIG, cause);
		if (rc == 1) {
			char *shown = feedback_fetch_display(source);

			cli_err(_("feedback watch: %s needs a password and the "
			    "watch runs without a terminal: set "
			    "feedback_password_file (a file of mode 0600)"),
			    shown);
			free(shown);
			return EXIT_CONFIG;
		}
	}
	if ((rc = cli_store(env)) != 0)
		goto out;
	switch (feedback_watch_lock(env->db_path, &cause)) {
	case -1:
		rc = cli_fail(EXIT_CANTCREAT, cause);
		goto out;
	case 1:
		/* One per database: the one running goes on. */
		rc = 0;
		goto out;
	}
	cli_catch_signals();
	memset(&r, 0, sizeof r);
	r.out = stdout;
	ff_log(ngettext("pid %ld started: every %lld minute, while a send "
	    "runs or finished less than %lld hours ago", "pid %ld started: "
	    "every %lld minutes, while a send runs or finished less than %lld "
	    "hours ago", (unsigned long)minutes), (long)getpid(), minutes,
	    hours);
	while (!cli_interrupted) {
		if (store_fetch_watching(env->store, (int64_t)time(NULL) -
		    hours * 3600, &n, &cause) == -1) {
			ff_log("%s", cause);
			free(cause);
			cause = NULL;
		} else if (n == 0) {
			ff_log(ngettext("no send runs or finished in the last "
			    "%lld hour: the watch ends", "no send runs or "
			    "finished in the last %lld hours: the watch ends",
			    (unsigned long)hours), hours);
			break;
		} else {
			rc = feedback_fetch_once(env->store, env->cfg, source,
			    password, 0, ff_done, ff_skip, &r,
			    &cli_interrupted, &sum, &cause);
			if (rc == -1) {
				ff_log("%s", cause);
				free(cause);
				cause = NULL;
			}
			ff_log(ngettext("%d message read, %d new, %d "
			    "duplicates, %d errors", "%d messages read, %d "
			    "new, %d duplicates, %d errors",
			    (unsigned long)sum.messages), sum.messages,
			    sum.recorded, sum.duplicates, sum.errors);
		}
		/* sleep() returns early when SIGTERM arrives. */
		for (left = (unsigned int)minutes * 60; left > 0 &&
		    !cli_interrupted; )
			left = sleep(left);
	}
	if (cli_interrupted)
		ff_log(_("stopped by a signal"));
	rc = 0;
out:
	feedback_password_free(password);
	return rc;
}

void
cli_feedback_watch_start(struct cli_env *env)
{
	const char	*source = config_get(env->cfg, "feedback_source");
	const char	*watch = config_get(env->cfg, "feedback_watch");
	const char	*pwfile;
	char		*cause = NULL;

	if (source == NULL || (watch != NULL && strcmp(watch, "0") == 0))
		return;
	pwfile = config_get(env->cfg, "feedback_password_file");
	if (feedback_fetch_remote(source) && pwfile == NULL) {
		char *shown = feedback_fetch_display(source);

		cli_err(_("feedback is not watched: %s needs a password and "
		    "the watch has no terminal; set feedback_password_file (a "
		    "file of mode 0600), or run herald feedback fetch"), shown);
		free(shown);
		return;
	}
	if (feedback_watch_spawn(env->db_path, config_file(env->cfg),
	    &cause) == -1) {
		cli_err(_("feedback is not watched: %s"), cause);
		free(cause);
	}
}

static const struct cli_opt feedback_fetch_opts[] = {
	{ "source", "URL", N_("read this mailbox instead of feedback_source") },
	{ "password-fd", "FD", N_("read the mailbox password from the first "
	  "line of FD") },
	{ "dry-run", NULL, N_("read and print, record and mark nothing") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_feedback_fetch_cmds[] = {
	{ NT("feedback fetch"), "", 0, 0, N_("read the feedback mailbox once: "
	  "record, act, mark"),
	  N_("Reads the mailbox bounces, complaints and unsubscribe mails come "
	  "to (config\nfeedback_source, or --source URL):\n"
	  "  imaps://USER@HOST[:PORT]/MAILBOX   IMAP over TLS\n"
	  "  imap://USER@HOST[:PORT]/MAILBOX    IMAP; STARTTLS required\n"
	  "  pop3s://USER@HOST[:PORT]           POP3 over TLS\n"
	  "  maildir:/PATH                      a Maildir (new/, cur/)\n"
	  "  mbox:/PATH                         an mbox (read, never "
	  "written)\n"
	  "TLS is verified with the system's CAs and config ca_file. Each "
	  "message is\nrecorded and acted on as herald feedback read does, "
	  "then marked processed\n(config feedback_processed): flag sets "
	  "\\Seen and $HeraldDone (Maildir: S),\nmove:FOLDER moves it (IMAP "
	  "UID MOVE, or COPY then the flags; Maildir\n.FOLDER). Nothing is "
	  "ever deleted or expunged. POP3 cannot mark: the\nUIDLs read are "
	  "kept in the database. The next fetch reads only what is new.\n"
	  "A message over 32 MB is not downloaded: named and left as it is.\n"
	  "The password (IMAP, POP3): --password-fd FD, feedback_password_file "
	  "(mode\n0600), or asked on the terminal without echo; never on the "
	  "command line.\nPrints the lines of herald feedback read (with "
	  "--json the same fields), then\na summary: messages read, new, "
	  "duplicates, errors (with --json a last\nobject {\"summary\": "
	  "...}). Exit status 0; 65 when a message could not be\nread; 75 "
	  "when the fetch stopped (server unreachable, login refused, the\n"
	  "connection dropped): what was read before stays recorded and "
	  "marked, and\nthe next fetch goes on from there."),
	  feedback_fetch_opts, cmd_feedback_fetch },
	{ NT("feedback watch"), "", 0, 0, N_("fetch feedback every "
	  "feedback_interval minutes (detached)"),
	  N_("Fetches as herald feedback fetch does, every feedback_interval "
	  "minutes\n(default 10), while a send runs or finished less than "
	  "feedback_watch hours\nago (default 72; 0: no watch), then exits. "
	  "Starting a send (herald send,\nresume, the console) starts it "
	  "detached when feedback_source is set; one\nruns per database (its "
	  "lock DB.feedback.lock; its log DB.feedback.log,\nbeside the "
	  "engine's). It runs without a terminal: an IMAP or POP3 source\n"
	  "needs feedback_password_file (a file of mode 0600). SIGTERM stops "
	  "it."), NULL, cmd_feedback_watch },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
