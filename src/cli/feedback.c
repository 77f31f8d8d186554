/*
 * herald feedback read FILE|DIR|- --dry-run: read what came back (one
 * message, a Maildir, an mbox, or one message on stdin) and print what
 * each message says (src/feedback). Recording and acting on it are not
 * built yet, so only --dry-run runs; without it the command says so.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "base/json.h"
#include "feedback/feedback.h"

struct fb_run {
	int	json;
	int	messages, findings, unreadable;
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

static void
fb_print(struct fb_run *r, const struct feedback_finding *f,
    const char *source)
{
	struct buf	b;
	char		code[16];

	r->findings++;
	if (!r->json) {
		snprintf(code, sizeof(code), "%d", f->code);
		printf("%s  %s  %s  %s %s  %s %s  %s\n", source,
		    feedback_kind_name(f->kind), f->rcpt[0] ? f->rcpt : "-",
		    f->status[0] ? f->status : "-", f->code ? code : "-",
		    f->cls != REPLY_NONE ? reply_class_name(f->cls) : "-",
		    f->reason[0] ? f->reason : "-", f->diagnostic);
		return;
	}
	buf_init(&b);
	buf_addc(&b, '{');
	fb_json_str(&b, "kind", feedback_kind_name(f->kind), 1);
	fb_json_str(&b, "rcpt", f->rcpt, 0);
	fb_json_str(&b, "send", NULL, 0);
	fb_json_str(&b, "reason", f->reason, 0);
	fb_json_str(&b, "class", f->cls != REPLY_NONE ?
	    reply_class_name(f->cls) : NULL, 0);
	fb_json_str(&b, "status", f->status, 0);
	json_key(&b, "code", 0);
	if (f->code != 0)
		buf_printf(&b, "%d", f->code);
	else
		buf_adds(&b, "null");
	fb_json_str(&b, "action", "none", 0);
	fb_json_str(&b, "diagnostic", f->diagnostic, 0);
	fb_json_str(&b, "reporting_mta", f->reporting_mta, 0);
	fb_json_str(&b, "message_id", f->message_id, 0);
	fb_json_str(&b, "source", source, 0);
	buf_addc(&b, '}');
	cli_json_out(&b);
	buf_free(&b);
}

/* Read one message and print its findings. */
static void
fb_message(struct fb_run *r, const char *buf, size_t len, const char *source)
{
	struct feedback_msg	m;
	size_t			i;

	r->messages++;
	if (feedback_parse(buf, len, &m) == -1) {
		cli_err("%s: %s", source, m.error);
		r->unreadable++;
	}
	for (i = 0; i < m.n; i++)
		fb_print(r, &m.v[i], source);
	feedback_msg_free(&m);
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
	cli_err("%s:%s; stopped there", path, cause);
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

static int
fb_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A Maildir: new/ then cur/, each in name order (delivery order). */
static int
fb_maildir(struct fb_run *r, const char *dir)
{
	static const char *const sub[] = { "new", "cur" };
	DIR		*d;
	struct dirent	*e;
	char		*p, **names;
	size_t		 n, cap, i, k;
	int		 any = 0, rc = 0;

	for (k = 0; k < 2; k++) {
		p = xprintf("%s/%s", dir, sub[k]);
		if ((d = opendir(p)) == NULL) {
			free(p);
			continue;
		}
		any = 1;
		names = NULL;
		n = cap = 0;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap * 2 + 16;
				names = xreallocarray(names, cap,
				    sizeof(*names));
			}
			names[n++] = xprintf("%s/%s", p, e->d_name);
		}
		closedir(d);
		if (n > 0)
			qsort(names, n, sizeof(*names), fb_namecmp);
		for (i = 0; i < n; i++) {
			if (!cli_interrupted && fb_file(r, names[i], 0) != 0)
				rc = -1;
			free(names[i]);
		}
		free(names);
		free(p);
	}
	if (!any) {
		cli_err("%s: not a Maildir (it has neither cur/ nor new/)",
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
	int		 rc;

	if (cli_opt(cmd, a, "dry-run") == NULL) {
		cli_err("feedback read: recording what comes back is not built "
		    "yet; use --dry-run to classify and print without "
		    "recording");
		return EXIT_UNAVAIL;
	}
	memset(&r, 0, sizeof(r));
	r.json = env->json;
	cli_catch_signals();
	if (strcmp(src, "-") == 0) {
		t = fb_slurp(stdin, &len);
		fb_message(&r, t, len, "-");
		free(t);
		rc = 0;
	} else if (stat(src, &st) == -1) {
		cli_err("%s: %s", src, strerror(errno));
		return EXIT_NOINPUT;
	} else if (S_ISDIR(st.st_mode))
		rc = fb_maildir(&r, src);
	else
		rc = fb_file(&r, src, 1);
	if (!r.json)
		fprintf(stderr, "%d message%s, %d finding%s%s\n", r.messages,
		    r.messages == 1 ? "" : "s", r.findings,
		    r.findings == 1 ? "" : "s", r.unreadable ?
		    " (some could not be read)" : "");
	if (rc == -2)
		return EXIT_DATAERR;
	if (rc == -1)
		return r.messages == 0 ? EXIT_NOINPUT : EXIT_DATAERR;
	return r.unreadable ? EXIT_DATAERR : 0;
}

static const struct cli_opt feedback_read_opts[] = {
	{ "dry-run", NULL, "classify and print, record nothing" },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_feedback_cmds[] = {
	{ "feedback read", "FILE|DIR|-", 1, 1, "read bounces, complaints and "
	  "auto-replies (--dry-run)",
	  "Reads what came back after a send: one message (FILE), a Maildir "
	  "(DIR, its\nnew/ and cur/), an mbox (FILE starting with a From_ "
	  "line) or one message on\nstdin (-). Each message gives findings: "
	  "RFC 3464 delivery status\nnotifications, RFC 5965 complaints, "
	  "RFC 3834 automatic replies (ignored),\nunsubscribe mails and the "
	  "bounces MTAs write in words. Each failure has a\nclass: hard "
	  "(the address is gone: would be suppressed), soft (counted),\n"
	  "sender (policy, authentication, reputation: never suppressed), "
	  "unknown.\nRecording is not built yet: only --dry-run runs, and "
	  "without it the command\nexits 69. With --json, one line per "
	  "finding: kind, rcpt, send, reason,\nclass, status, code, action, "
	  "diagnostic, reporting_mta, message_id, source.\nExit status 0; 65 "
	  "when a message could not be read (too large, a multipart\nbomb, "
	  "a malformed mbox From_ line; the others are still printed); 66 "
	  "when\nFILE cannot be opened.", feedback_read_opts,
	  cmd_feedback_read },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
