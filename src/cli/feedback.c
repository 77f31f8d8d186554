/*
 * herald feedback read FILE|DIR|- [--dry-run], feedback ls, feedback
 * show: read what came back (one message, a Maildir, an mbox, or one
 * message on stdin), record and act on it (src/feedback/record.h), and
 * look at the audit trail afterwards.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "base/json.h"
#include "feedback/feedback.h"
#include "feedback/record.h"
#include "store/store_feedback.h"

struct fb_run {
	struct cli_env		*env;
	struct feedback_opts	 opts;
	int			 json;
	int			 messages, findings, unreadable, duplicates;
	int			 acts[FEEDBACK_ACT_IGNORED + 1];
	int			 dberr;		/* stop: the database failed */
};

static void
fb_json_str(struct buf *b, const char *key, const char *v, int first)
{
	json_key(b, key, first);
	if (v == NULL || *v == '\0')
		buf_adds(b, "null");
	else
		json_str(b, v);
}

/* One finding on out: source, kind, recipient, status and code, class and
 * reason, action (and the send matched), diagnostic; then why, indented.
 * Or one JSON object a line. */
void
cli_feedback_finding(FILE *out, int json, const struct feedback_finding *f,
    const char *action, long long send, const char *why, const char *source)
{
	struct buf	b;
	char		code[16], sendno[24];

	if (!json) {
		snprintf(code, sizeof(code), "%d", f->code);
		snprintf(sendno, sizeof(sendno), _("send %lld"), send);
		fprintf(out, "%s  %s  %s  %s %s  %s %s  %s%s%s  %s\n", source,
		    feedback_kind_name(f->kind), f->rcpt[0] ? f->rcpt : "-",
		    f->status[0] ? f->status : "-", f->code ? code : "-",
		    f->cls != REPLY_NONE ? reply_class_name(f->cls) : "-",
		    f->reason[0] ? f->reason : "-", action, send ? " " : "",
		    send ? sendno : "", f->diagnostic);
		if (why != NULL && *why != '\0')
			fprintf(out, "    %s\n", why);
		return;
	}
	buf_init(&b);
	buf_addc(&b, '{');
	fb_json_str(&b, "kind", feedback_kind_name(f->kind), 1);
	fb_json_str(&b, "rcpt", f->rcpt, 0);
	json_key(&b, "send", 0);
	if (send != 0)
		buf_printf(&b, "%lld", send);
	else
		buf_adds(&b, "null");
	fb_json_str(&b, "reason", f->reason, 0);
	fb_json_str(&b, "class", f->cls != REPLY_NONE ?
	    reply_class_name(f->cls) : NULL, 0);
	fb_json_str(&b, "status", f->status, 0);
	json_key(&b, "code", 0);
	if (f->code != 0)
		buf_printf(&b, "%d", f->code);
	else
		buf_adds(&b, "null");
	fb_json_str(&b, "action", action, 0);
	fb_json_str(&b, "diagnostic", f->diagnostic, 0);
	fb_json_str(&b, "reporting_mta", f->reporting_mta, 0);
	fb_json_str(&b, "message_id", f->message_id, 0);
	fb_json_str(&b, "source", source, 0);
	buf_addc(&b, '}');
	buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

static void
fb_print(struct fb_run *r, const struct feedback_finding *f,
    enum feedback_action act, int64_t send, const char *why,
    const char *source)
{
	r->findings++;
	r->acts[act]++;
	cli_feedback_finding(stdout, r->json, f, feedback_action_name(act),
	    (long long)send, why, source);
}

/* Read one message, record and act on it (unless a dry run), and print
 * its findings. After a database error nothing more is read. */
static void
fb_message(struct fb_run *r, const char *buf, size_t len, const char *source)
{
	struct feedback_result	 res;
	char			*cause = NULL;
	size_t			 i;

	if (r->dberr || cli_interrupted)
		return;
	r->messages++;
	if (feedback_process(r->env->store, &r->opts, buf, len, source, &res,
	    &cause) == -1) {
		cli_err(_("%s: not recorded: %s"), source, cause);
		free(cause);
		r->dberr = 1;
		feedback_result_free(&res);
		return;
	}
	if (res.msg.error != NULL) {
		cli_err("%s: %s", source, res.msg.error);
		r->unreadable++;
	}
	if (res.duplicate) {
		r->duplicates++;
		if (r->json) {
			cli_err("%s: %s", source, res.why[0] != NULL ?
			    res.why[0] : _("read before: nothing done again"));
			for (i = 0; i < res.msg.n; i++)
				fb_print(r, &res.msg.v[i], FEEDBACK_ACT_NONE,
				    0, NULL, source);
		} else
			printf("%s: %s\n", source, res.why[0] != NULL ?
			    res.why[0] : _("read before: nothing done again"));
		feedback_result_free(&res);
		return;
	}
	for (i = 0; i < res.msg.n; i++)
		fb_print(r, &res.msg.v[i], res.action[i], res.send[i],
		    res.why[i], source);
	feedback_result_free(&res);
}

/*
 * Read all of fp, at most FEEDBACK_MAX_BYTES kept: *len is the whole
 * size, so a message over the limit is reported with its size, unread.
 */
static char *
fb_slurp(FILE *fp, size_t *len)
{
	struct buf	b;
	char		tmp[65536];
	size_t		n, total = 0;

	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0) {
		if (b.len + n <= FEEDBACK_MAX_BYTES)
			buf_add(&b, tmp, n);
		total += n;
	}
	*len = total;
	buf_addc(&b, '\0');
	return buf_take(&b);
}

struct fb_box {
	struct fb_run	*r;
	const char	*path;
};

static void
fb_mbox_message(const char *msg, size_t len, size_t line, void *arg)
{
	struct fb_box	*b = arg;
	char		*source = xprintf("%s:%zu", b->path, line);

	fb_message(b->r, msg, len, source);
	free(source);
}

/* An mbox; -2 at a malformed From_ line (the messages before it read). */
static int
fb_mbox(struct fb_run *r, const char *path, const char *t, size_t len)
{
	struct fb_box	 b = { r, path };
	char		*cause = NULL;

	if (feedback_mbox_each(t, len, fb_mbox_message, &b, &cause) == 0)
		return 0;
	cli_err(_("%s:%s; stopped there"), path, cause);
	free(cause);
	return -2;
}

static int
fb_file(struct fb_run *r, const char *path, int maybe_mbox)
{
	FILE	*fp;
	char	*t;
	size_t	 len;
	int	 rc = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		cli_err("%s: %s", path, strerror(errno));
		return -1;
	}
	t = fb_slurp(fp, &len);
	fclose(fp);
	if (maybe_mbox && len <= FEEDBACK_MAX_BYTES && len >= 5 &&
	    strncmp(t, "From ", 5) == 0)
		rc = fb_mbox(r, path, t, len);
	else
		fb_message(r, t, len, path);
	free(t);
	return rc;
}

/* A Maildir: new/ then cur/, each in name order (delivery order). */
static int
fb_maildir(struct fb_run *r, const char *dir)
{
	static const char *const sub[] = { "new", "cur" };
	char		*p, *t, **names;
	size_t		 n, i, k;
	int		 any = 0, rc = 0;

	for (k = 0; k < 2; k++) {
		p = xprintf("%s/%s", dir, sub[k]);
		if (dir_names(p, NULL, &names, &n) == -1) {
			free(p);
			continue;
		}
		any = 1;
		for (i = 0; i < n; i++) {
			t = xprintf("%s/%s", p, names[i]);
			if (!cli_interrupted && fb_file(r, t, 0) != 0)
				rc = -1;
			free(t);
			free(names[i]);
		}
		free(names);
		free(p);
	}
	if (!any) {
		cli_err(_("%s: not a Maildir (it has neither cur/ nor new/)"),
		    dir);
		return -1;
	}
	return rc;
}

/* herald feedback read FILE|DIR|- */
static int
cmd_feedback_read(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct fb_run	 r;
	struct stat	 st;
	const char	*src = a->argv[0];
	char		*t;
	size_t		 len;
	int		 rc, from_mta;

	memset(&r, 0, sizeof(r));
	r.env = env;
	r.json = env->json;
	feedback_opts_from(env->cfg, &r.opts);
	r.opts.dry_run = cli_opt(cmd, a, "dry-run") != NULL;
	if (strcmp(src, "-") != 0 && stat(src, &st) == -1) {
		cli_err("%s: %s", src, strerror(errno));
		return EXIT_NOINPUT;
	}
	/* On stdin from the MTA (a pipe transport, a .forward line) the
	 * exit status is the MTA's verdict: 75 keeps the message queued for
	 * another try when the database cannot take it; a message kept in
	 * the trail, even one that could not be read, was handled. */
	from_mta = strcmp(src, "-") == 0 && !r.opts.dry_run;
	if ((rc = cli_store(env)) != 0)
		return from_mta ? EXIT_TEMPFAIL : rc;
	cli_catch_signals();
	if (strcmp(src, "-") == 0) {
		t = fb_slurp(stdin, &len);
		fb_message(&r, t, len, "-");
		free(t);
		rc = 0;
	} else if (S_ISDIR(st.st_mode))
		rc = fb_maildir(&r, src);
	else
		rc = fb_file(&r, src, 1);
	if (!r.json) {
		/* One clause per count: each noun takes its own plural. */
		fprintf(stderr, ngettext("%d message", "%d messages",
		    (unsigned long)r.messages), r.messages);
		fprintf(stderr, ngettext(", %d finding", ", %d findings",
		    (unsigned long)r.findings), r.findings);
		if (r.unreadable)
			fputs(_(" (some could not be read)"), stderr);
		if (r.duplicates)
			fprintf(stderr, _(", %d read before"), r.duplicates);
		if (r.opts.dry_run)
			fprintf(stderr, _("; dry run: nothing recorded\n"));
		else
			fprintf(stderr, ngettext("; %d suppressed, %d counted, "
			    "%d alert, %d ignored\n", "; %d suppressed, %d "
			    "counted, %d alerts, %d ignored\n",
			    (unsigned long)r.acts[FEEDBACK_ACT_ALERT]),
			    r.acts[FEEDBACK_ACT_SUPPRESSED],
			    r.acts[FEEDBACK_ACT_COUNTED],
			    r.acts[FEEDBACK_ACT_ALERT],
			    r.acts[FEEDBACK_ACT_IGNORED]);
	}
	if (from_mta)
		return r.dberr ? EXIT_TEMPFAIL : 0;
	if (r.dberr)
		return EXIT_IOERR;
	if (rc == -2)
		return EXIT_DATAERR;
	if (rc == -1)
		return r.messages == 0 ? EXIT_NOINPUT : EXIT_DATAERR;
	return r.unreadable ? EXIT_DATAERR : 0;
}

/* One finding of the trail, as a JSON object or a line. */
struct fb_list {
	struct json	*j;		/* NULL: text */
	int		 n;
};

static void
fb_row_json(struct json *j, const struct fb_finding *f)
{
	json_open_object(j, NULL);
	json_put_int(j, "id", f->id);
	if (f->msg_id != 0)
		json_put_int(j, "message", f->msg_id);
	else
		json_put_null(j, "message");
	json_put_str(j, "kind", f->kind);
	json_put_strnull(j, "rcpt", *f->rcpt ? f->rcpt : NULL);
	if (f->send_id != 0)
		json_put_int(j, "send", f->send_id);
	else
		json_put_null(j, "send");
	json_put_strnull(j, "reason", *f->reason ? f->reason : NULL);
	json_put_strnull(j, "class", *f->cls ? f->cls : NULL);
	json_put_strnull(j, "status", *f->status ? f->status : NULL);
	if (f->code != 0)
		json_put_int(j, "code", f->code);
	else
		json_put_null(j, "code");
	json_put_str(j, "action", f->action);
	json_put_strnull(j, "diagnostic", *f->diagnostic ? f->diagnostic :
	    NULL);
	json_put_strnull(j, "reporting_mta", *f->reporting_mta ?
	    f->reporting_mta : NULL);
	json_put_strnull(j, "message_id", *f->message_id ? f->message_id :
	    NULL);
	json_put_str(j, "source", f->source);
	json_put_str(j, "why", f->why);
	json_put_int(j, "at", f->at);
	json_close(j);
}

static int
fb_ls_row(const struct fb_finding *f, void *arg)
{
	struct fb_list	*l = arg;
	char		 when[32], send[24];

	l->n++;
	if (l->j != NULL) {
		fb_row_json(l->j, f);
		return 0;
	}
	cli_date(when, sizeof when, f->at);
	snprintf(send, sizeof send, "%lld", (long long)f->send_id);
	printf("%-6lld  %-16s  %-11s  %-32s  %-5s  %-10s  %-16s  %s\n",
	    (long long)f->id, when, f->kind, *f->rcpt ? f->rcpt : "-",
	    f->send_id ? send : "-", f->action, *f->reason ? f->reason : "-",
	    f->source);
	return 0;
}

/* herald feedback ls */
static int
cmd_feedback_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	static const char *const kinds[] = { "bounce", "delay", "complaint",
	    "unsubscribe", "auto-reply", "unknown", NULL };
	struct fb_list	 l;
	struct buf	 b;
	struct json	 j;
	const char	*v, *kind = cli_opt(cmd, a, "kind");
	long long	 send = 0, limit = 50;
	char		*cause = NULL;
	int		 rc, i;

	if ((v = cli_opt(cmd, a, "send")) != NULL &&
	    parse_int(v, 1, INT64_MAX, &send) == -1) {
		cli_err(_("--send: '%s' is not a send id"), v);
		return EXIT_USAGE;
	}
	if ((v = cli_opt(cmd, a, "limit")) != NULL &&
	    parse_int(v, 0, INT64_MAX, &limit) == -1) {
		cli_err(_("--limit: '%s' is not a number (0: all)"), v);
		return EXIT_USAGE;
	}
	if (kind != NULL) {
		for (i = 0; kinds[i] != NULL; i++)
			if (strcmp(kind, kinds[i]) == 0)
				break;
		if (kinds[i] == NULL) {
			cli_err(_("--kind: '%s': expected bounce, delay, "
			    "complaint, unsubscribe, auto-reply or unknown"),
			    kind);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_store(env)) != 0)
		return rc;
	memset(&l, 0, sizeof l);
	buf_init(&b);
	if (env->json) {
		json_init(&j, &b);
		json_open_array(&j, NULL);
		l.j = &j;
	} else {
		/* TRANSLATORS: column headings of herald feedback ls. */
		cli_pad(_("ID"), 6, 0, "  ");
		cli_pad(_("WHEN"), 16, 0, "  ");
		cli_pad(_("KIND"), 11, 0, "  ");
		cli_pad(_("RECIPIENT"), 32, 0, "  ");
		cli_pad(_("SEND"), 5, 0, "  ");
		cli_pad(_("ACTION"), 10, 0, "  ");
		cli_pad(_("REASON"), 16, 0, "  ");
		printf("%s\n", _("SOURCE"));
	}
	rc = store_fb_findings(env->store, send, kind, limit, fb_ls_row, &l,
	    &cause);
	if (rc == 0 && env->json) {
		json_close(&j);
		cli_json_out(&b);
	}
	buf_free(&b);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	return 0;
}

/* What feedback show prints: the message, then each finding. */
struct fb_show {
	struct cli_env	*env;
	struct json	*j;
	int		 n;
};

static int
fb_show_msg(const struct fb_message *m, void *arg)
{
	struct fb_show	*s = arg;
	char		 when[32];

	if (s->j != NULL) {
		json_put_int(s->j, "message", m->id);
		json_put_str(s->j, "source", m->source);
		json_put_strnull(s->j, "message_id", *m->message_id ?
		    m->message_id : NULL);
		json_put_str(s->j, "sha256", m->sha256);
		json_put_int(s->j, "read_at", m->read_at);
		json_put_strnull(s->j, "error", *m->error ? m->error : NULL);
		json_open_array(s->j, "findings");
		return 0;
	}
	cli_date(when, sizeof when, m->read_at);
	printf(_("message %lld\n"), (long long)m->id);
	printf(_("  source      %s\n"), m->source);
	printf(_("  Message-ID  %s\n"), *m->message_id ? m->message_id :
	    "(none)");
	printf(_("  SHA-256     %s\n"), m->sha256);
	printf(_("  read        %s\n"), when);
	if (*m->error)
		printf(_("  unreadable  %s\n"), m->error);
	return 0;
}

static int
fb_show_finding(const struct fb_finding *f, void *arg)
{
	struct fb_show	*s = arg;
	char		 when[32];

	s->n++;
	if (s->j != NULL) {
		fb_row_json(s->j, f);
		return 0;
	}
	cli_date(when, sizeof when, f->at);
	if (*f->rcpt != '\0')
		printf(_("\nfinding %lld: %s of %s\n"), (long long)f->id,
		    f->kind, f->rcpt);
	else
		printf(_("\nfinding %lld: %s\n"), (long long)f->id, f->kind);
	if (f->send_id != 0)
		printf(_("  send        %lld\n"), (long long)f->send_id);
	if (*f->cls || *f->reason)
		printf(_("  class       %s%s%s\n"), f->cls, *f->reason ? " " :
		    "", f->reason);
	if (*f->status || f->code)
		printf(_("  status      %s%s%.0d\n"), f->status, *f->status &&
		    f->code ? " " : "", f->code);
	if (*f->diagnostic)
		printf(_("  diagnostic  %s\n"), f->diagnostic);
	if (*f->reporting_mta)
		printf(_("  reported by %s\n"), f->reporting_mta);
	if (*f->message_id)
		printf(_("  returned    %s\n"), f->message_id);
	if (f->msg_id == 0) {
		printf(_("  source      %s\n"), f->source);
		printf(_("  when        %s\n"), when);
	}
	printf(_("  action      %s\n"), f->action);
	printf(_("  why         %s\n"), f->why);
	return 0;
}

static int
fb_msg_of(const struct fb_finding *f, void *arg)
{
	*(int64_t *)arg = f->msg_id;
	return 0;
}

/* herald feedback show ID */
static int
cmd_feedback_show(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct fb_show	 s;
	struct buf	 b;
	struct json	 j;
	long long	 id;
	int64_t		 msg = 0;
	char		*cause = NULL;
	int		 rc;

	(void)cmd;
	if (parse_int(a->argv[0], 1, INT64_MAX, &id) == -1) {
		cli_err(_("'%s' is not a finding id (see herald feedback ls)"),
		    a->argv[0]);
		return EXIT_USAGE;
	}
	if ((rc = cli_store(env)) != 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.env = env;
	buf_init(&b);
	if (env->json) {
		cli_json_open(&j, &b);
		s.j = &j;
	}
	/* The finding's message, shown whole; a finding without one (an
	 * unsubscribe by one-click or the CLI) alone. */
	rc = store_fb_finding(env->store, id, fb_msg_of, &msg, &cause);
	if (rc == 0 && msg != 0)
		rc = store_fb_message(env->store, msg, fb_show_msg,
		    fb_show_finding, &s, &cause);
	else if (rc == 0) {
		if (s.j != NULL) {
			json_put_null(s.j, "message");
			json_open_array(s.j, "findings");
		}
		rc = store_fb_finding(env->store, id, fb_show_finding, &s,
		    &cause);
	}
	if (rc == 1) {
		buf_free(&b);
		cli_err(_("no finding %lld (see herald feedback ls)"), id);
		return EXIT_NOINPUT;
	}
	if (rc == -1) {
		buf_free(&b);
		return cli_fail(EXIT_IOERR, cause);
	}
	if (s.j != NULL) {
		json_close(s.j);
		cli_json_print(s.j, &b);
	} else
		buf_free(&b);
	return 0;
}

static const struct cli_opt feedback_read_opts[] = {
	{ "dry-run", NULL, N_("match, classify and print; record and do "
	  "nothing") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt feedback_ls_opts[] = {
	{ "send", "ID", N_("only what came back about send ID") },
	{ "kind", "KIND", N_("only bounce, delay, complaint, unsubscribe, "
	  "auto-reply or unknown") },
	{ "limit", "N", N_("at most N findings, newest first (default 50; 0: "
	  "all)") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_feedback_cmds[] = {
	{ NT("feedback read"), "FILE|DIR|-", 1, 1, N_("read bounces, "
	  "complaints, unsubscribe mails and auto-replies, and act on them"),
	  N_("Reads what came back after a send: one message (FILE), a Maildir "
	  "(DIR, its\nnew/ and cur/), an mbox (FILE starting with a From_ "
	  "line) or one message on\nstdin (-, for a pipe transport or a "
	  ".forward line). Each message gives\nfindings: RFC 3464 delivery "
	  "status notifications, RFC 5965 complaints,\nRFC 3834 automatic "
	  "replies, unsubscribe mails and the bounces MTAs write\nin words. "
	  "Each is matched to its send and recipient (the token in the\n"
	  "address it came to, else the recipient it names, in the newest "
	  "send to\nit) and acted on:\n"
	  "  hard bounce (the address is gone)       suppressed\n"
	  "  soft bounce (mailbox full, expired)     counted; suppressed "
	  "at the\n"
	  "                                          soft_bounce_limit-th "
	  "distinct send\n"
	  "  refusal of the sender (policy, auth)    an alert naming the "
	  "provider;\n"
	  "                                          never suppressed\n"
	  "  complaint, unsubscribe                  suppressed\n"
	  "  auto-reply, delay, unknown, unmatched   kept, nothing done\n"
	  "  bounce or complaint by address only     kept, nothing done "
	  "(verp on)\n"
	  "With verp on (the default) a bounce or complaint acts only when a "
	  "herald\ntoken names its recipient: matched by address alone (it "
	  "could be forged)\nor by a token that is not this database's, it "
	  "is kept, action ignored;\nan alert is still raised by address. A "
	  "token from the subject or the\nreturned message naming someone "
	  "else than the report is not acted on; a\nVERP token is (a "
	  "forward), once per message, and rcpt is the address\nacted on, "
	  "why naming the one reported. An unsubscribe mail without a\n"
	  "token suppresses its From. With --verp off the address is "
	  "believed.\n"
	  "Every message and finding is kept with what was concluded and why "
	  "(herald\nfeedback ls, show). A message read before (the same "
	  "Message-ID and bytes)\nis said so and changes nothing, so a "
	  "mailbox can be read any number of\ntimes. --dry-run matches and "
	  "classifies, records nothing (action none).\nWith --json, one line "
	  "per finding: kind, rcpt, send (the matched send's\nid, or null), "
	  "reason, class, status, code, action (suppressed, counted,\nalert, "
	  "ignored, none), diagnostic, reporting_mta, message_id, source.\n"
	  "Exit status 0; 65 when a message could not be read (too large, a "
	  "multipart\nbomb, a malformed mbox From_ line; it is kept as "
	  "unknown, the others are\nstill read); 66 when FILE cannot be "
	  "opened; 74 when the database failed\n(that message and those "
	  "after it are not recorded: read them again).\nFrom - without "
	  "--dry-run (a pipe from the MTA): 0 once the message is kept,\n"
	  "even unreadable; 75 (EX_TEMPFAIL: the MTA keeps it and tries "
	  "again) when\nthe database cannot take it."),
	  feedback_read_opts, cmd_feedback_read },
	{ NT("feedback ls"), "", 0, 0, N_("list what came back and what was "
	  "done, newest first"),
	  N_("One line per finding: its id (for herald feedback show), when, "
	  "kind,\nrecipient, send, action, reason and where the message was "
	  "read. An\nunsubscribe by one-click or herald unsubscribe is there "
	  "too. --json: an\narray of objects with id, message, kind, rcpt, "
	  "send, reason, class,\nstatus, code, action, diagnostic, "
	  "reporting_mta, message_id, source, why\nand at (Unix seconds)."),
	  feedback_ls_opts, cmd_feedback_ls },
	{ NT("feedback show"), "ID", 1, 1, N_("show a finding's message and "
	  "what was concluded and why"),
	  N_("The message finding ID came in (source, Message-ID, SHA-256 of "
	  "its bytes,\n"
	  "when it was read) and each of its findings: class, status, "
	  "diagnostic,\n"
	  "the action taken and why (how it was matched to its send and "
	  "recipient).\n"
	  "Exit status 66 when there is no finding ID."),
	  NULL, cmd_feedback_show },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
