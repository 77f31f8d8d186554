/*
 * herald send | resume | pause | finish ID, herald send ID --test ADDR (one
 * message now, by the engine's test mode, recording nothing), the internal
 * herald engine ID, and the table of send commands (status and report are
 * in report.c). A front end: options are parsed and outcomes printed here;
 * starting and resuming a send is src/send's use case (send/send.h).
 *
 * A send is named by its issue's id: an issue is sent at most once (its
 * recipients are a snapshot of the list taken then); resume continues it.
 * The relay password is read from --password-fd FD (what the console
 * uses), relay_password_file (mode 0600) or asked on the terminal, and
 * handed to the engine through a pipe: never on a command line, never
 * stored, never logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "mail/addr.h"
#include "cli_int.h"
#include "report.h"
#include "config/config.h"
#include "send/send.h"
#include "auth/dkim.h"
#include "base/json.h"
#include "mail/message.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "store/store_timing.h"

/* Options of send and resume that are not settings. */
static int
send_not_setting(const char *name)
{
	return strcmp(name, "follow") == 0 || strcmp(name, "dry-run") == 0 ||
	    strcmp(name, "retry-unknown") == 0 || strcmp(name, "test") == 0 ||
	    strcmp(name, "password-fd") == 0 || strcmp(name, "i-know") == 0 ||
	    strcmp(name, "at") == 0 || strcmp(name, "window") == 0 ||
	    strcmp(name, "weekdays") == 0 || strcmp(name, "all") == 0;
}

/*
 * --at TIME, --window HH:MM-HH:MM[,DAYS] and --weekdays into *when (its
 * window in win, the normal form). 0 or an exit status.
 */
static int
send_when_opts(const struct cli_cmd *cmd, const struct cli_args *a,
    struct send_when *when, char *win, size_t winlen)
{
	struct send_window	 w;
	const char		*at = cli_opt(cmd, a, "at");
	const char		*wv = cli_opt(cmd, a, "window");
	char			*cause = NULL, *full = NULL;
	int64_t			 now = (int64_t)time(NULL);
	int			 weekdays = cli_opt(cmd, a, "weekdays") != NULL;

	memset(when, 0, sizeof *when);
	*win = '\0';
	if (at != NULL) {
		if (timing_parse_at(at, &when->at, &cause) == -1)
			return cli_fail(EXIT_USAGE, cause);
		/* A minute's grace: "now" typed a moment ago. */
		if (when->at < now - 60) {
			cli_err(_("--at %s is in the past"), at);
			return EXIT_USAGE;
		}
		if (when->at <= now)
			when->at = now;
	}
	if (wv == NULL && !weekdays)
		return 0;
	/* --weekdays alone: any hour, Monday to Friday. */
	if (wv != NULL && weekdays && strchr(wv, ',') != NULL) {
		cli_err(_("--weekdays and days in --window: give one of them"));
		return EXIT_USAGE;
	}
	full = xprintf("%s%s", wv != NULL ? wv : "00:00-24:00",
	    weekdays ? ",mon-fri" : "");
	if (timing_window_parse(full, &w, &cause) == -1) {
		free(full);
		return cli_fail(EXIT_USAGE, cause);
	}
	free(full);
	timing_window_format(&w, win, winlen);
	when->window = win;
	return 0;
}

/* Apply the settings given as options; *given counts them. 0 or -1. */
static int
send_apply(const struct cli_cmd *cmd, const struct cli_args *a,
    struct send_settings *set, int *given)
{
	char	*cause = NULL;
	int	 i;

	*given = 0;
	for (i = 0; cmd->opts[i].name != NULL; i++) {
		if (a->val[i] == NULL || send_not_setting(cmd->opts[i].name))
			continue;
		if (send_setting(set, cmd->opts[i].name, a->val[i],
		    &cause) == -1) {
			cli_fail(0, cause);
			return -1;
		}
		(*given)++;
	}
	if (send_settings_check(set, &cause) == -1) {
		cli_fail(0, cause);
		return -1;
	}
	return 0;
}

/*
 * Ask for a password on the terminal, without echo: "password for WHAT: ",
 * the line read into size bytes (at most sizeof buf) as fgets does. notty
 * says what to do when there is no terminal to ask on. 0 or an exit status.
 */
int
cli_password_prompt(const char *what, const char *notty, int size,
    char **out)
{
	struct termios	 old, quiet;
	char		 buf[1024];
	FILE		*tty;
	int		 ok;

	if (size > (int)sizeof buf)
		size = (int)sizeof buf;
	/* A process in the background (a child of the console) would be
	 * stopped by the terminal: no terminal to ask on, then. */
	if ((tty = fopen("/dev/tty", "r+e")) != NULL &&
	    tcgetpgrp(fileno(tty)) != getpgrp()) {
		fclose(tty);
		tty = NULL;
	}
	if (tty == NULL) {
		cli_err("%s", notty);
		return EXIT_USAGE;
	}
	/* Unbuffered: the password is read into buf alone, never into a
	 * stdio buffer that is freed unwiped. */
	setvbuf(tty, NULL, _IONBF, 0);
	fprintf(tty, _("password for %s: "), what);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	ok = fgets(buf, size, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
	if (*buf == '\0') {
		explicit_bzero(buf, sizeof buf);
		cli_err(_("no password given"));
		return EXIT_USAGE;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* Ask for the relay password on the terminal, without echo. */
static int
send_password_prompt(const struct send_settings *set, char **out)
{
	char	*what;
	int	 rc;

	what = xprintf(_("%s at %s"), set->relay_user, set->relay);
	rc = cli_password_prompt(what, _("the relay needs a password and there "
	    "is no terminal to ask for it on: set relay_password_file (a file "
	    "of mode 0600)"), SEND_PASSWORD_MAX + 2, out);
	free(what);
	return rc;
}

/*
 * --password-fd FD, checked before herald opens anything itself: a number
 * that is not an open descriptor now could later be one of the
 * database's, and reading it would take a line of that file (and closing
 * it, SQLite's locks). Standard output and error are never a password's
 * way in, nor a terminal (the prompt is for that, without echo). 0 or an
 * exit status.
 */
int
send_password_fd_check(const char *arg)
{
	long long	fd;

	if (arg == NULL)
		return 0;
	if (parse_int(arg, 0, 65535, &fd) == -1 || fd == 1 || fd == 2) {
		cli_err(_("--password-fd '%s': not a descriptor to read a "
		    "password from"), arg);
		return EXIT_USAGE;
	}
	if (fcntl((int)fd, F_GETFD) == -1) {
		cli_err(_("--password-fd %lld: not open"), fd);
		return EXIT_USAGE;
	}
	if (isatty((int)fd)) {
		cli_err(_("--password-fd %lld is a terminal: leave it out and "
		    "herald asks without echo"), fd);
		return EXIT_USAGE;
	}
	/* Not handed on to the engine or anything else we start. */
	if (fd > 2)
		(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* --password-fd FD: the first line read from FD (then closed), as the
 * password file's is. 0 or an exit status. */
int
send_password_read(const char *arg, char **out)
{
	char		 buf[SEND_PASSWORD_MAX + 2], *nl;
	long long	 fd;
	size_t		 len = 0;
	ssize_t		 n;

	if (parse_int(arg, 0, 65535, &fd) == -1) {
		cli_err(_("--password-fd '%s': not a file descriptor"), arg);
		return EXIT_USAGE;
	}
	/* Up to the end of the first line, never past the limit. */
	while (len < sizeof buf - 1 && memchr(buf, '\n', len) == NULL) {
		n = read((int)fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			explicit_bzero(buf, sizeof buf);
			cli_err(_("--password-fd %lld: "
			    "%s"), fd, strerror(errno));
			return EXIT_USAGE;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd > 2)
		close((int)fd);
	buf[len] = '\0';
	/* A NUL in the line would cut the password short without a word. */
	nl = memchr(buf, '\n', len);
	if (memchr(buf, '\0', nl != NULL ? (size_t)(nl - buf) : len) != NULL) {
		explicit_bzero(buf, sizeof buf);
		cli_err(_("--password-fd %lld: a NUL byte in the "
		    "password"), fd);
		return EXIT_USAGE;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (*buf == '\0' || strlen(buf) > SEND_PASSWORD_MAX) {
		explicit_bzero(buf, sizeof buf);
		cli_err(_("--password-fd %lld: no password on its first line "
		    "(or one over %d bytes)"), fd, SEND_PASSWORD_MAX);
		return EXIT_USAGE;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* The relay password when the send authenticates: from fdarg (the
 * --password-fd option, or NULL), relay_password_file, or the terminal.
 * 0 or an exit status; *out NULL when there is none to give. */
static int
send_password(const struct send_settings *set, const char *fdarg, char **out)
{
	enum send_password_from	 from;
	char			*cause = NULL;

	*out = NULL;
	from = send_password_from(set);
	if (from == SEND_PASSWORD_NONE) {
		if (fdarg == NULL)
			return 0;
		cli_err(_("--password-fd: this send does not authenticate "
		    "(AUTH needs --relay HOST and --auth USER)"));
		return EXIT_USAGE;
	}
	if (fdarg != NULL)
		return send_password_read(fdarg, out);
	if (from == SEND_PASSWORD_ASK)
		return send_password_prompt(set, out);
	if (send_password_file(set->relay_password_file, out,
	    &cause) == -1)
		return cli_fail(EXIT_CONFIG, cause);
	return 0;
}

/* Wipe and free a password. */
static void
send_password_free(char *pw)
{
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

/* The engine did not start: the send is recorded all the same. */
static int
send_not_started(int64_t id, char *cause)
{
	cli_err("%s", cause);
	cli_err(_("send %lld is recorded: herald resume %lld starts it once "
	    "that is put right"), (long long)id, (long long)id);
	free(cause);
	return EXIT_TEMPFAIL;
}

/* Say that a send was started (on stderr with --follow --json, so that
 * standard output has only the events). */
static void
send_started(struct cli_env *env, int follow, const char *what, int64_t id,
    int64_t queued, int64_t skipped, int64_t pid)
{
	FILE		*out = follow && env->json ? stderr : stdout;
	char		*log = send_log_path(env->db_path, id);
	struct buf	 b;
	struct json	 j;

	if (env->json && !follow) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", id);
		json_put_int(&j, "queued", queued);
		json_put_int(&j, "skipped", skipped);
		json_put_int(&j, "pid", pid);
		json_put_str(&j, "log", log);
		cli_json_print(&j, &b);
	} else {
		fprintf(out, strcmp(what, "started") == 0 ?
		    _("send %lld started") : _("send %lld resumed"),
		    (long long)id);
		if (queued >= 0)
			fprintf(out, ngettext(": %lld recipient queued",
			    ": %lld recipients queued", (unsigned long)queued),
			    (long long)queued);
		if (skipped > 0)
			fprintf(out, ngettext(" (%lld suppressed member "
			    "skipped)", " (%lld suppressed members skipped)",
			    (unsigned long)skipped), (long long)skipped);
		fprintf(out, _("; engine pid %lld in the background (log "
		    "%s)\n"),
		    (long long)pid, log);
		if (!follow)
			fprintf(out, _("herald status %lld shows how it goes; "
			    "herald resume %lld --follow watches it\n"),
			    (long long)id, (long long)id);
	}
	fflush(out);
	free(log);
}

/* Say that a send was scheduled. */
static void
send_scheduled(struct cli_env *env, int64_t id, int64_t at, const char *win,
    int64_t queued, int64_t skipped, int64_t pid)
{
	char		 when[64], in[32];
	struct buf	 b;
	struct json	 j;

	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", id);
		json_put_str(&j, "state", "scheduled");
		send_json_time(&j, "scheduled_at", at);
		json_put_int(&j, "queued", queued);
		json_put_int(&j, "skipped", skipped);
		json_put_int(&j, "pid", pid);
		if (*win != '\0')
			json_put_str(&j, "window", win);
		else
			json_put_null(&j, "window");
		cli_json_print(&j, &b);
		return;
	}
	send_time_zone(when, sizeof when, at);
	timing_countdown((int64_t)time(NULL), at, in, sizeof in);
	printf(ngettext("send %lld scheduled for %s (in %s): %lld recipient "
	    "queued", "send %lld scheduled for %s (in %s): %lld recipients "
	    "queued", (unsigned long)queued), (long long)id, when, in,
	    (long long)queued);
	if (skipped > 0)
		printf(ngettext(" (%lld suppressed member skipped)",
		    " (%lld suppressed members skipped)",
		    (unsigned long)skipped), (long long)skipped);
	printf(_("; pid %lld waits for it\n"), (long long)pid);
	if (*win != '\0')
		printf(_("it sends only within the window %s\n"), win);
	printf(_("herald status %lld counts down; herald cancel %lld "
	    "unschedules it\n"), (long long)id, (long long)id);
}

/* herald send ID --dry-run DIR */
static int
send_dry(struct cli_env *env, const struct issue *is,
    const struct send_settings *set, const char *dir)
{
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL, *domain, *why;
	int64_t		 written, skipped;
	size_t		 nsigs;

	cli_catch_signals();
	if (send_dry_run(env->store, is, set, dir,
	    (volatile int *)&cli_interrupted,
	    &written, &skipped, &nsigs, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "dry_run", dir);
		json_put_int(&j, "messages", written);
		json_put_int(&j, "skipped", skipped);
		json_put_uint(&j, "signatures", nsigs);
		cli_json_print(&j, &b);
		return 0;
	}
	printf(ngettext("dry run: %lld message written to %s",
	    "dry run: %lld messages written to %s", (unsigned long)written),
	    (long long)written, dir);
	if (skipped != 0)
		printf(ngettext(" (%lld suppressed member skipped)",
		    " (%lld suppressed members skipped)",
		    (unsigned long)skipped), (long long)skipped);
	printf("\n");
	domain = message_from_domain(is, NULL);
	if (nsigs != 0)
		printf(ngettext("each signed (%zu DKIM signature for %s); "
		    "nothing was sent or recorded\n", "each signed (%zu DKIM "
		    "signatures for %s); nothing was sent or recorded\n",
		    nsigs), nsigs, domain != NULL ? domain : "?");
	else {
		why = domain != NULL ? dkim_unsigned_why(env->store, domain) :
		    xstrdup(_("the From domain has no active DKIM key"));
		printf(_("not signed: %s; nothing was sent or "
		    "recorded\n"), why);
		free(why);
	}
	free(domain);
	return 0;
}

/* Append " via MX [IP]" and the TLS of a test's outcome. */
static void
send_test_via(struct buf *b, const struct send_change *c)
{
	if (*c->mx != '\0' || *c->ip != '\0') {
		buf_printf(b, _(" via %s"), *c->mx != '\0' ? c->mx : c->ip);
		if (*c->ip != '\0' && strcmp(c->ip, c->mx) != 0)
			buf_printf(b, " [%s]", c->ip);
		if (*c->tls.version != '\0')
			buf_printf(b, " %s %s %s", c->tls.version,
			    c->tls.cipher, c->tls.verify);
		else if (strcmp(c->stage, "connect") != 0)
			buf_adds(b, _(" plaintext"));
		if (strcmp(c->tls.dane, "validated") == 0 ||
		    strcmp(c->tls.dane, "failed") == 0)
			buf_printf(b, _(" dane %s"), c->tls.dane);
	}
}

/* Print a test's outcome: one line, or the JSON line of DESIGN.md. */
static void
send_test_print(struct cli_env *env, const char *addr,
    const struct send_change *c)
{
	struct send_event	 ev;
	struct buf		 b;
	struct json		 j;
	const char		*p;

	buf_init(&b);
	if (env->json) {
		memset(&ev, 0, sizeof ev);
		ev.rcpt = addr;
		ev.domain = "";
		ev.state = c->state;
		ev.mx = c->mx;
		ev.ip = c->ip;
		ev.tls_version = c->tls.version;
		ev.tls_cipher = c->tls.cipher;
		ev.tls_verify = c->tls.verify;
		ev.tls_dane = c->tls.dane;
		ev.tls_policy = c->tls.policy;
		ev.code = c->code;
		ev.enhanced = c->enhanced;
		ev.reply = c->reply;
		ev.attempts = 1;
		ev.at = c->at;
		ev.cls = c->cls;
		ev.reason = c->reason;
		json_init(&j, &b);
		send_event_json(&j, &ev);
		cli_json_out(&b);
		buf_free(&b);
		return;
	}
	buf_printf(&b, _("test to %s: %s"), addr, rcpt_state_name(c->state));
	if (strcmp(c->stage, "dns") == 0)
		buf_adds(&b, _(" (no route)"));
	send_test_via(&b, c);
	buf_addc(&b, ':');
	if (c->code > 0)
		buf_printf(&b, " %d", c->code);
	if (*c->enhanced != '\0')
		buf_printf(&b, " %s", c->enhanced);
	if (*c->reply != '\0')
		buf_printf(&b, " %s", c->reply);
	if (*c->cls != '\0')
		buf_printf(&b, " [%s: %s]", c->cls, c->reason);
	/* Server text is cleaned already; be sure nothing steers the
	 * terminal. */
	for (p = b.data; *p != '\0'; p++)
		fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p,
		    stdout);
	fputc('\n', stdout);
	buf_free(&b);
}

/*
 * herald send ID --test ADDR: the issue rendered for ADDR (a member of its
 * list with their name and fields, anyone else with none), signed and
 * delivered now, in the foreground, by the engine with the send's
 * settings; the send itself is neither made nor touched.
 */
static int
send_test(struct cli_env *env, const struct issue *is,
    const struct send_settings *set, const char *to, const char *password)
{
	struct engine_test	 t;
	struct member		 m;
	struct send_change	 c;
	const char		*reason;
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	char			*cause = NULL;
	int			 rc;

	if (addr_parse_mailbox(to, strlen(to), name, addr, &reason) == -1) {
		cli_err(_("--test '%s': %s"), to, reason);
		return EXIT_DATAERR;
	}
	memset(&m, 0, sizeof m);
	if (is->list_id != 0 && store_member_find(env->store, is->list_id, addr,
	    &m, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (m.addr == NULL) {
		if ((rc = store_is_suppressed(env->store, addr, &cause)) == -1)
			return cli_fail(EXIT_IOERR, cause);
		m.suppressed = rc;
	}
	if (m.suppressed)
		cli_err(_("note: %s is suppressed: a send skips it; the test "
		    "goes to it all the same"), m.addr != NULL ? m.addr : addr);
	memset(&t, 0, sizeof t);
	t.st = env->store;
	t.id = is->id;
	t.set = set;
	t.addr = m.addr != NULL ? m.addr : addr;
	t.name = m.addr != NULL ? m.name : name;
	t.attrs = m.addr != NULL ? m.attrs : "{}";
	t.password = password;
	t.stop = (volatile int *)&cli_interrupted;
	t.dnssec_anchor = config_get(env->cfg, "dnssec_anchor");
	if (config_get(env->cfg, "mta_sts_port") != NULL)
		t.mta_sts_port = atoi(config_get(env->cfg, "mta_sts_port"));
	cli_catch_signals();
	rc = engine_test_run(&t, &c, &cause);
	if (rc == 0)
		send_test_print(env, t.addr, &c);
	store_member_free(&m);
	if (rc == -1)
		return cli_fail(EXIT_SOFTWARE, cause);
	if (rc == 1) {
		cli_err(_("interrupted: the test was abandoned"));
		return 130;
	}
	if (strcmp(c.stage, "dns") == 0)
		return EXIT_UNAVAIL;
	switch (c.state) {
	case RCPT_DELIVERED:
		return 0;
	case RCPT_BOUNCED:
		return EXIT_DATAERR;
	default:
		return EXIT_TEMPFAIL;
	}
}

/*
 * The law's gate for an advertisement: 0 to go on (*override set to what
 * is missing, in English, when --i-know let it through), else the exit
 * status, with what is missing said.
 */
static int
send_law_gate(struct cli_env *env, const struct issue *is, int iknow,
    char **override)
{
	struct send_law	 law;
	char		*cause = NULL, *text, *p, *nl;

	*override = NULL;
	if (send_law_check(env->store, env->cfg, is, &law, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (!send_law_blocks(&law))
		return 0;
	if (iknow) {
		*override = send_law_text(&law, is->list_name, 1);
		return 0;
	}
	cli_err(_("issue %lld is an advertisement (kind ad) and is not "
	    "sent: what the law on advertising mail asks is missing:"),
	    (long long)is->id);
	text = send_law_text(&law, is->list_name, 0);
	for (p = text; p != NULL && *p != '\0'; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = p + strlen(p);
		cli_err("  %s", p);
	}
	free(text);
	cli_err(_("put that right, or send anyway with --i-know (the send "
	    "records what was missing; herald status shows it)"));
	return EXIT_CONFIG;
}

/* herald send ID */
static int
cmd_send(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct send_ctx		 ctx;
	struct issue		 is;
	struct send_settings	 set;
	struct send_begun	 out;
	struct send_when	 when;
	const char		*dry = cli_opt(cmd, a, "dry-run");
	const char		*test = cli_opt(cmd, a, "test");
	char			*cause = NULL, *warning, *password = NULL;
	char			*override = NULL, win[48];
	int			 follow = cli_opt(cmd, a, "follow") != NULL;
	int64_t			 id;
	int			 rc, given;

	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_when_opts(cmd, a, &when, win, sizeof win)) != 0)
		return rc;
	if ((when.at != 0 || when.window != NULL) && (test != NULL ||
	    dry != NULL)) {
		cli_err(_("--at, --window and --weekdays are for the send: not "
		    "with --%s"), test != NULL ? "test" : "dry-run");
		return EXIT_USAGE;
	}
	if (when.at != 0 && follow) {
		cli_err(_("--at: the send starts later; herald resume %lld "
		    "--follow watches it once it has started"), (long long)id);
		return EXIT_USAGE;
	}
	if (test != NULL && (dry != NULL || follow)) {
		cli_err(_("--test sends one message now: not with --%s"),
		    dry != NULL ? "dry-run" : "follow");
		return EXIT_USAGE;
	}
	if (dry != NULL && follow) {
		cli_err(_("--dry-run sends nothing: there is nothing to "
		    "--follow"));
		return EXIT_USAGE;
	}
	if ((rc = send_password_fd_check(cli_opt(cmd, a,
	    "password-fd"))) != 0 || (rc = cli_store(env)) != 0)
		return rc;
	send_ctx_cli(env, &ctx);
	if ((rc = send_prepare(&ctx, id, &is, &set, &cause)) != 0) {
		rc = cli_fail(rc, cause);
		goto out;
	}
	if (send_apply(cmd, a, &set, &given) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (dry != NULL) {
		rc = send_dry(env, &is, &set, dry);
		goto out;
	}
	/* A test goes to the operator, not to the list: no gate. */
	if (test == NULL && (rc = send_law_gate(env, &is, cli_opt(cmd, a,
	    "i-know") != NULL, &override)) != 0)
		goto out;
	rc = send_ready(&ctx, &is, &set, &warning, &cause);
	if (warning != NULL) {
		cli_err(_("warning: %s"), warning);
		free(warning);
	}
	if (rc != 0) {
		rc = cli_fail(rc, cause);
		goto out;
	}
	if ((rc = send_password(&set, cli_opt(cmd, a, "password-fd"),
	    &password)) != 0)
		goto out;
	if (test != NULL) {
		rc = send_test(env, &is, &set, test, password);
		goto out;
	}
	when.law_override = override;
	if ((rc = send_begin(&ctx, &is, &set, &when, password, &out,
	    &cause)) != 0) {
		rc = rc == EXIT_TEMPFAIL ? send_not_started(id, cause) :
		    cli_fail(rc, cause);
		goto out;
	}
	if (override != NULL)
		cli_err(_("warning: sent although the law gate found this "
		    "missing:\n%s"), override);
	if (when.at != 0)
		send_scheduled(env, id, when.at, win, out.queued, out.skipped,
		    out.pid);
	else
		send_started(env, follow, "started", id, out.queued,
		    out.skipped, out.pid);
	cli_feedback_watch_start(env);
	rc = follow ? send_follow(env, id, 0) : 0;
out:
	free(override);
	send_password_free(password);
	send_settings_free(&set);
	issue_free(&is);
	return rc;
}

/* What resume --all did with one send. */
enum resume_did {
	RESUME_SKIPPED,		/* nothing to do, or not for --all */
	RESUME_RESUMED,		/* an interrupted send's engine started */
	RESUME_REARMED,		/* a scheduled send's waiter started */
	RESUME_FAILED,
};

/* resume --all: one send. Nobody is at a terminal (a boot), so a relay
 * password comes from relay_password_file or not at all. */
static enum resume_did
resume_one(struct cli_env *env, int64_t id, char **said, int64_t *pid)
{
	struct send_ctx		 ctx;
	struct send_info	 info;
	struct send_now		 now;
	struct send_begun	 out;
	char			*cause = NULL, *password = NULL;
	enum resume_did		 did = RESUME_FAILED;
	int			 finishing, finished, scheduled;

	*said = NULL;
	*pid = 0;
	send_ctx_cli(env, &ctx);
	if (store_send_get(env->store, id, &info, &cause) != 0) {
		*said = cause != NULL ? cause : xstrdup("?");
		return RESUME_FAILED;
	}
	if (send_state_read(&ctx, id, &now, &cause) == -1) {
		*said = cause;
		goto out;
	}
	scheduled = now.state == SEND_SCHEDULED;
	/* Paused, held and cancelled sends wait for the operator; an
	 * engine (or a waiter) that holds the lock is at it already. */
	if (now.engine || (!scheduled && now.state != SEND_INTERRUPTED)) {
		did = RESUME_SKIPPED;
		goto out;
	}
	if (send_password_from(&info.set) == SEND_PASSWORD_ASK) {
		*said = xstrdup(_("the relay needs a password and nobody is "
		    "asked at boot: set relay_password_file (a file of mode "
		    "0600), or herald resume it by hand"));
		goto out;
	}
	if (send_password_from(&info.set) == SEND_PASSWORD_FILE &&
	    send_password_file(info.set.relay_password_file, &password,
	    &cause) == -1) {
		*said = cause;
		goto out;
	}
	if (send_resume_check(&ctx, &info, &now, &finishing, &cause) != 0 ||
	    send_resume_record(&ctx, &info, 0, &out, &finished,
	    &cause) != 0) {
		*said = cause;
		goto out;
	}
	if (finished) {
		did = RESUME_SKIPPED;
		goto out;
	}
	if (send_resume_start(&ctx, id, password, &out, &cause) != 0) {
		*said = cause;
		goto out;
	}
	*pid = out.pid;
	did = scheduled ? RESUME_REARMED : RESUME_RESUMED;
out:
	send_password_free(password);
	send_info_free(&info);
	return did;
}

/* herald resume --all: every interrupted send continues, every scheduled
 * one waits for its time again (after a reboot, from a boot unit). */
static int
resume_all(struct cli_env *env)
{
	struct buf		 b;
	struct json		 j;
	enum resume_did		 did;
	int64_t			*ids = NULL, pid;
	size_t			 n = 0, i;
	char			*cause = NULL, *said;
	int			 rc = 0, done = 0;

	if ((rc = cli_store(env)) != 0)
		return rc;
	if (store_send_ids(env->store, &ids, &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		cli_json_open(&j, &b);
		json_open_array(&j, "sends");
	}
	/* Oldest first: the order they were started in. */
	for (i = n; i-- > 0;) {
		did = resume_one(env, ids[i], &said, &pid);
		if (did == RESUME_SKIPPED)
			continue;
		done++;
		if (did == RESUME_FAILED)
			rc = EXIT_TEMPFAIL;
		if (env->json) {
			json_open_object(&j, NULL);
			json_put_int(&j, "id", ids[i]);
			json_put_str(&j, "did", did == RESUME_RESUMED ?
			    "resumed" : did == RESUME_REARMED ? "rearmed" :
			    "failed");
			if (pid != 0)
				json_put_int(&j, "pid", pid);
			if (said != NULL)
				json_put_str(&j, "error", said);
			json_close(&j);
		} else if (did == RESUME_RESUMED)
			printf(_("send %lld resumed: engine pid %lld\n"),
			    (long long)ids[i], (long long)pid);
		else if (did == RESUME_REARMED)
			printf(_("send %lld scheduled again: pid %lld waits "
			    "for its time\n"), (long long)ids[i],
			    (long long)pid);
		else
			cli_err(_("send %lld not resumed: %s"),
			    (long long)ids[i], said);
		free(said);
	}
	free(ids);
	if (env->json) {
		json_close(&j);
		cli_json_print(&j, &b);
	} else if (done == 0)
		printf(_("nothing to resume: no send is interrupted or "
		    "waiting for its time without a waiter\n"));
	return rc;
}

/* herald resume ID, herald resume --all */
static int
cmd_resume(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct send_ctx		 ctx;
	struct send_info	 info;
	struct send_now		 now;
	struct send_begun	 out;
	char			*cause = NULL, *password = NULL;
	int			 follow = cli_opt(cmd, a, "follow") != NULL;
	int			 retry;
	int			 rc, finishing, finished, given;
	int64_t			 id, last;

	retry = cli_opt(cmd, a, "retry-unknown") != NULL;
	if (cli_opt(cmd, a, "all") != NULL) {
		if (a->argc != 0 || follow || retry) {
			cli_err(_("--all resumes every send as it was started: "
			    "no ID, --follow or --retry-unknown with it"));
			return EXIT_USAGE;
		}
		return resume_all(env);
	}
	if (a->argc != 1) {
		cli_err(_("resume: give the send's ID, or --all"));
		return EXIT_USAGE;
	}
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_password_fd_check(cli_opt(cmd, a,
	    "password-fd"))) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	send_ctx_cli(env, &ctx);
	if ((rc = send_resume_check(&ctx, &info, &now, &finishing,
	    &cause)) != 0) {
		rc = cli_fail(rc, cause);
		goto out;
	}
	if (finishing)
		cli_err(_("send %lld is still finishing what was in flight"),
		    (long long)id);
	if (send_apply(cmd, a, &info.set, &given) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (now.engine && now.state == SEND_SCHEDULED) {
		printf(_("send %lld is scheduled and waits for its time (pid "
		    "%lld); herald cancel %lld unschedules it\n"),
		    (long long)id, (long long)info.engine_pid, (long long)id);
		goto out;
	}
	if (now.engine) {
		if (given != 0 || retry) {
			cli_err(_("send %lld is running (engine pid %lld): "
			    "herald pause %lld first, then resume with new "
			    "options"),
			    (long long)id, (long long)info.engine_pid,
			    (long long)id);
			rc = EXIT_TEMPFAIL;
		} else if (follow) {
			if (store_send_last_event(env->store, id, &last,
			    &cause) == -1)
				rc = cli_fail(EXIT_IOERR, cause);
			else
				rc = send_follow(env, id, last);
		} else
			printf(_("send %lld is running already (engine pid "
			    "%lld)\n"), (long long)id,
			    (long long)info.engine_pid);
		goto out;
	}
	/* Held or cancelled before its time: resume is the operator
	 * saying "send it now". */
	if ((now.state == SEND_HELD || now.state == SEND_CANCELLED) &&
	    store_timing_state(env->store, id, "", "", &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if ((rc = send_resume_record(&ctx, &info, retry, &out, &finished,
	    &cause)) != 0) {
		rc = cli_fail(rc, cause);
		goto out;
	}
	if (finished) {
		printf(_("send %lld is finished: nothing to resume"),
		    (long long)id);
		if (out.counts.n[RCPT_UNKNOWN] > 0)
			printf(_(" (%lld unknown: --retry-unknown sends them "
			    "again)"), (long long)out.counts.n[RCPT_UNKNOWN]);
		printf("\n");
		goto out;
	}
	if ((rc = send_password(&info.set, cli_opt(cmd, a, "password-fd"),
	    &password)) != 0)
		goto out;
	if ((rc = send_resume_start(&ctx, id, password, &out,
	    &cause)) != 0) {
		rc = rc == EXIT_TEMPFAIL ? send_not_started(id, cause) :
		    cli_fail(rc, cause);
		goto out;
	}
	if (retry && !(env->json && !follow))
		fprintf(follow && env->json ? stderr : stdout,
		    ngettext("%lld unknown recipient queued again\n",
		    "%lld unknown recipients queued again\n",
		    (unsigned long)out.requeued), (long long)out.requeued);
	send_started(env, follow, "resumed", id, -1, 0, out.pid);
	cli_feedback_watch_start(env);
	rc = follow ? send_follow(env, id, out.last) : 0;
out:
	send_password_free(password);
	send_info_free(&info);
	return rc;
}

/* herald pause ID */
static int
cmd_pause(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct send_ctx		 ctx;
	struct send_info	 info;
	struct send_counts	 c;
	enum send_state		 state;
	struct buf		 b;
	struct json		 j;
	const char		*said = NULL;
	char			*cause = NULL;
	int64_t			 id;
	int			 rc, engine;

	(void)cmd;
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	send_ctx_cli(env, &ctx);
	if ((rc = send_state_now(env, id, &c, &engine, &state)) != 0)
		goto out;
	if (state == SEND_FINISHED) {
		said = "finished";
		if (!env->json)
			printf(_("send %lld is finished: nothing to pause\n"),
			    (long long)id);
		goto out;
	}
	/* Nothing runs before its time: a pause would only be found by
	 * the engine once it had started. */
	if (state == SEND_SCHEDULED) {
		cli_err(_("send %lld has not started: it is scheduled "
		    "(herald status %lld); herald cancel %lld unschedules it"),
		    (long long)id, (long long)id, (long long)id);
		rc = EXIT_TEMPFAIL;
		goto out;
	}
	if (store_send_set_paused(env->store, id, 1, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	/* The engine sees the flag within a quarter of a second, lets the
	 * transactions in flight finish and exits. */
	if (engine && send_wait_engine(&ctx, id)) {
		said = "pausing";
		if (!env->json)
			printf(_("send %lld pausing: the engine is finishing "
			    "the transactions in flight\n"), (long long)id);
	} else {
		said = "paused";
		if (!env->json)
			printf(_("send %lld paused: herald resume %lld "
			    "continues it\n"), (long long)id, (long long)id);
	}
out:
	/* --json: {"id","state"}, state finished, pausing or paused. */
	if (rc == 0 && said != NULL && env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", id);
		json_put_str(&j, "state", said);
		cli_json_print(&j, &b);
	}
	send_info_free(&info);
	return rc;
}

/*
 * herald cancel ID: a scheduled send is not started. Its waiter sees the
 * word within a second and exits; a cancel and the start racing are
 * settled by the schedule's word in the database (store_timing_move): the
 * first to move it wins. A started send is refused: pause and finish are
 * the verbs for it.
 */
static int
cmd_cancel(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct send_ctx		 ctx;
	struct send_info	 info;
	struct send_now		 now;
	struct buf		 b;
	struct json		 j;
	char			*cause = NULL, when[64];
	const char		*from;
	int64_t			 id;
	int			 rc, moved;

	(void)cmd;
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	send_ctx_cli(env, &ctx);
	if (send_state_read(&ctx, id, &now, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (now.state == SEND_CANCELLED) {
		if (!env->json)
			printf(_("send %lld was cancelled already\n"),
			    (long long)id);
		goto said;
	}
	if (now.state != SEND_SCHEDULED && now.state != SEND_HELD) {
		if (now.state == SEND_FINISHED)
			cli_err(_("send %lld is finished: nothing to cancel"),
			    (long long)id);
		else
			cli_err(_("send %lld has started (%s): herald cancel "
			    "only unschedules a send before its time; herald "
			    "pause %lld stops it after the transactions in "
			    "flight, herald finish %lld gives up on its "
			    "deferred recipients"), (long long)id,
			    send_state_name(now.state), (long long)id,
			    (long long)id);
		rc = EXIT_TEMPFAIL;
		goto out;
	}
	from = now.state == SEND_HELD ? "held" : "scheduled";
	if ((moved = store_timing_move(env->store, id, from, "cancelled",
	    &cause)) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (moved == 0) {
		cli_err(_("send %lld started just now: herald pause %lld stops "
		    "it after the transactions in flight"), (long long)id,
		    (long long)id);
		rc = EXIT_TEMPFAIL;
		goto out;
	}
	/* The waiter lets go of the lock within a second. */
	if (now.engine)
		(void)send_wait_engine(&ctx, id);
	if (!env->json) {
		send_time_zone(when, sizeof when, now.scheduled_at);
		if (now.state == SEND_HELD)
			printf(_("send %lld cancelled: it was held at its time "
			    "(%s); nothing was sent\n"), (long long)id, when);
		else
			printf(_("send %lld cancelled: it was scheduled for %s; "
			    "nothing was sent\n"), (long long)id, when);
		printf(_("its recipients stay recorded; herald resume %lld "
		    "sends it now after all\n"), (long long)id);
	}
said:
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", id);
		json_put_str(&j, "state", "cancelled");
		cli_json_print(&j, &b);
	}
out:
	send_info_free(&info);
	return rc;
}

/* Say how finish went (--json: one object). */
static void
send_finish_print(struct cli_env *env, int64_t id, int64_t n)
{
	struct buf	b;
	struct json	j;

	if (!env->json) {
		if (n == 0)
			printf(_("send %lld is finished: nothing to finish\n"),
			    (long long)id);
		else
			printf(ngettext("send %lld finished: %lld deferred "
			    "recipient given up (bounced for this send, not "
			    "suppressed)\n", "send %lld finished: %lld "
			    "deferred recipients given up (bounced for this "
			    "send, not "
			    "suppressed)\n", (unsigned long)n), (long long)id,
			    (long long)n);
		return;
	}
	cli_json_open(&j, &b);
	json_put_int(&j, "id", id);
	json_put_str(&j, "state", "finished");
	json_put_int(&j, "given_up", n);
	cli_json_print(&j, &b);
}

/*
 * herald finish ID: give up on a send that only waits on deferrals. Its
 * engine (asleep until the next retry) is stopped as pause stops it, then
 * finish takes the send's lock itself, so that no engine can start and
 * take a deferred recipient up while they are given up; the lock goes
 * with this process. A send with recipients not yet tried or in flight is
 * refused: finish is not a cancel.
 */
static int
cmd_finish(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct send_ctx		 ctx;
	struct send_info	 info;
	struct send_counts	 c;
	enum send_state		 state;
	char			*cause = NULL;
	int64_t			 id, n = 0, active;
	int			 rc, engine, paused_set = 0;

	(void)cmd;
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	send_ctx_cli(env, &ctx);
	if ((rc = send_state_now(env, id, &c, &engine, &state)) != 0)
		goto out;
	if (state == SEND_FINISHED) {
		send_finish_print(env, id, 0);
		goto out;
	}
	active = c.n[RCPT_QUEUED] + c.n[RCPT_CONNECTING] +
	    c.n[RCPT_SENT_DATA];
	if (active > 0)
		goto busy;
	if (engine) {
		if (store_send_set_paused(env->store, id, 1, &cause) == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
		paused_set = !info.paused;
		if (send_wait_engine(&ctx, id)) {
			cli_err(_("send %lld: its engine did not stop; try "
			    "again"),
			    (long long)id);
			rc = EXIT_TEMPFAIL;
			goto undo;
		}
	}
	if ((rc = send_lock_take(env->db_path, id, &cause)) != 0) {
		if (rc == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto undo;
		}
		cli_err(_("send %lld: an engine started meanwhile (herald "
		    "resume?); try again"), (long long)id);
		rc = EXIT_TEMPFAIL;
		goto undo;
	}
	/* The engine may have taken a retry up as it stopped. */
	if (store_send_counts(env->store, id, &c, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto undo;
	}
	active = c.n[RCPT_QUEUED] + c.n[RCPT_CONNECTING] +
	    c.n[RCPT_SENT_DATA];
	if (active > 0)
		goto busy;
	if (store_send_give_up(env->store, id, NT("given up by the operator "
	    "(herald finish); the last reply: "), &n, &cause) == -1 ||
	    store_send_set_paused(env->store, id, 0, &cause) == -1 ||
	    store_send_set_finished(env->store, id, (int64_t)time(NULL),
	    &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	send_finish_print(env, id, n);
	goto out;
busy:
	cli_err(ngettext("send %lld has %lld recipient not yet tried or in "
	    "flight: herald finish only gives up on deferred ones, once the "
	    "send is waiting (herald status %lld)", "send %lld has %lld "
	    "recipients not yet tried or in flight: herald finish only gives "
	    "up on deferred ones, once the send is waiting (herald status "
	    "%lld)", (unsigned long)active), (long long)id, (long long)active,
	    (long long)id);
	rc = EXIT_TEMPFAIL;
undo:
	if (paused_set && store_send_set_paused(env->store, id, 0,
	    &cause) == -1)
		cli_fail(0, cause);
out:
	send_info_free(&info);
	return rc;
}

/* herald engine ID (internal: what send and resume start). */
static int
cmd_engine(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct engine_run	 run;
	const char		*v;
	char			*cause = NULL;
	long long		 fd;
	int64_t			 id;
	int			 rc;

	/* What the engine says is stored (recipients' errors, such as a
	 * merge value ISO-2022-JP cannot carry), never shown: English. */
	i18n_english();
	memset(&run, 0, sizeof run);
	run.ready_fd = run.password_fd = -1;
	if ((v = cli_opt(cmd, a, "ready-fd")) != NULL &&
	    parse_int(v, 3, 1024, &fd) == 0)
		run.ready_fd = (int)fd;
	if ((v = cli_opt(cmd, a, "password-fd")) != NULL &&
	    parse_int(v, 3, 1024, &fd) == 0)
		run.password_fd = (int)fd;
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = cli_store(env)) != 0) {
		if (run.ready_fd != -1) {
			/* "error: " is for the waiting parent, not a person. */
			char *why = xprintf(_("cannot open the database %s"),
			    env->db_path);

			dprintf(run.ready_fd, "error: %s\n", why);
			free(why);
		}
		return rc != 0 ? rc : EXIT_USAGE;
	}
	/* From here the engine writes replies and causes into the store
	 * (strerror among them), which stays English whatever the language
	 * of the operator who started it. */
	i18n_english();
	run.st = env->store;
	run.db_path = env->db_path;
	run.id = id;
	run.dnssec_anchor = config_get(env->cfg, "dnssec_anchor");
	if ((v = config_get(env->cfg, "mta_sts_port")) != NULL)
		run.mta_sts_port = atoi(v);
	run.cfg = env->cfg;
	if ((v = config_get(env->cfg, "soft_bounce_limit")) != NULL)
		run.soft_limit = atoi(v);
	if (engine_run(&run, &cause) == -1)
		return cli_fail(EXIT_SOFTWARE, cause);
	return 0;
}

static const struct cli_opt send_opts[] = {
	{ "tls", "POLICY", N_("auto (default), none, may, encrypt, verify, "
	  "dane or mta-sts") },
	{ "relay", "HOST[:PORT]", N_("send through a relay (587 STARTTLS, 465 "
	  "TLS) instead of MX") },
	{ "auth", "USER", N_("AUTH at the relay (the password: see above)") },
	{ "password-fd", "FD", N_("read the relay password from the first line "
	  "of FD") },
	{ "concurrency", "N", N_("SMTP sessions at once (20)") },
	{ "per-domain", "N", N_("sessions per destination (2)") },
	{ "rate", "N", N_("messages per second overall (0: no limit)") },
	{ "dry-run", "DIR", N_("write each recipient's signed message to DIR; "
	  "send nothing") },
	{ "test", "ADDR", N_("send only a test to ADDR now, in the foreground; "
	  "record nothing") },
	{ "follow", NULL, N_("print each recipient's outcome as it happens") },
	{ "helo", "NAME", N_("EHLO name (default: the PTR of --source-ip, or "
	  "this host's name)") },
	{ "source-ip", "IP", N_("address to send from") },
	{ "smtp-port", "PORT", N_("port of every MX (25)") },
	{ "smtp-timeouts", "NAME=S,...", N_("SMTP timeouts to change (see "
	  "below)") },
	{ "ca-file", "FILE", N_("extra trust anchors (PEM)") },
	{ "retry-first", "SECONDS", N_("first retry of a deferred recipient "
	  "(300; then doubling)") },
	{ "retry-giveup", "SECONDS", N_("bounce what is still deferred after "
	  "this long (172800)") },
	{ "resolver", "IP[:PORT]", N_("DNS resolver (default: the system's)") },
	{ "i-know", NULL, N_("send an advertisement although the law gate "
	  "finds something missing (recorded with the send)") },
	{ "at", "TIME", N_("start at TIME (YYYY-MM-DD HH:MM local, or ISO "
	  "8601 with an offset)") },
	{ "window", "HH:MM-HH:MM[,DAYS]", N_("send only within these hours "
	  "(and days, e.g. mon-fri)") },
	{ "weekdays", NULL, N_("send only Monday to Friday") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt resume_opts[] = {
	{ "all", NULL, N_("every interrupted send, and every scheduled one "
	  "nothing waits for (at boot; see herald(1))") },
	{ "follow", NULL, N_("print each recipient's outcome as it happens") },
	{ "retry-unknown", NULL, N_("queue again the recipients whose outcome "
	  "is unknown") },
	{ "tls", "POLICY", N_("auto, none, may, encrypt, verify, dane or "
	  "mta-sts") },
	{ "relay", "HOST[:PORT]", N_("send through a relay") },
	{ "auth", "USER", N_("AUTH at the relay") },
	{ "password-fd", "FD", N_("read the relay password from the first line "
	  "of FD") },
	{ "concurrency", "N", N_("SMTP sessions at once") },
	{ "per-domain", "N", N_("sessions per destination") },
	{ "rate", "N", N_("messages per second overall") },
	{ "helo", "NAME", N_("EHLO name") },
	{ "source-ip", "IP", N_("address to send from") },
	{ "smtp-port", "PORT", N_("port of every MX") },
	{ "smtp-timeouts", "NAME=S,...", N_("SMTP timeouts (see send "
	  "--help)") },
	{ "ca-file", "FILE", N_("extra trust anchors (PEM)") },
	{ "retry-first", "SECONDS", N_("first retry of a deferred recipient") },
	{ "retry-giveup", "SECONDS", N_("bounce what is still deferred after "
	  "this long") },
	{ "resolver", "IP[:PORT]", N_("DNS resolver") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt engine_opts[] = {
	{ "ready-fd", "FD", N_("say \"ok PID\" or \"error: ...\" here") },
	{ "password-fd", "FD", N_("read the relay password here") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt report_opts[] = {
	{ "csv", NULL, N_("CSV with a header line instead of the table") },
	{ "json-doc", NULL, N_("one JSON document, not JSON Lines (see "
	  "above)") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_send_cmds[] = {
	{ "send", "ID", 1, 1, N_("send issue ID to its list, in the "
	  "background"),
	  N_("Every member of the issue's list that is not suppressed is "
	  "queued (a snapshot),\n"
	  "with the settings given here (or the configuration's), and a "
	  "detached engine\n"
	  "delivers: direct to each domain's MX, or through --relay. Closing "
	  "the\n"
	  "terminal does not stop it. --follow prints each recipient's outcome "
	  "(--json:\n"
	  "one JSON line each) until the send is finished or only deferred "
	  "recipients\n"
	  "are left. A recipient is \"sent-data\" once the server has answered "
	  "DATA with\n"
	  "354, and only then does its message go out: one whose final \".\" "
	  "went out\n"
	  "but was never answered is \"unknown\" and is not sent again unless "
	  "herald\n"
	  "resume ID --retry-unknown; one stopped before that (by kill -9 too) "
	  "is queued\n"
	  "again and sent once.\n"
	  "--test ADDR sends the issue to ADDR alone, now, in the foreground, "
	  "as the\n"
	  "send would: rendered for ADDR (with its name and fields when a "
	  "member),\n"
	  "signed, with the same routing, TLS policy and relay. It prints one "
	  "line\n"
	  "(--json: the JSON line of --follow) and exits 0 delivered, 65 "
	  "bounced, 75\n"
	  "deferred or unknown, 69 no route (DNS: no such domain, null MX, no "
	  "answer).\n"
	  "It records nothing: no send is made, a bounce suppresses nothing.\n"
	  "--dry-run DIR writes each message, signed, to DIR/NNNN-ADDRESS.eml "
	  "(mode\n"
	  "0600) and records nothing: the issue can still be sent. An issue is "
	  "sent\n"
	  "once; herald resume continues it.\n"
	  "--smtp-timeouts changes the RFC 5321 4.5.3.2 timeouts, in seconds: "
	  "connect\n"
	  "(30), greeting (300), command: EHLO, MAIL, RCPT, RSET (300), data: "
	  "the DATA\n"
	  "command (120), block: each body write (180), dot: the reply "
	  "to \".\" (600);\n"
	  "e.g. --smtp-timeouts connect=10,greeting=60.\n"
	  "--tls dane validates DNSSEC from the dnssec_anchor key (default\n"
	  "/usr/share/dns/root.key); signed, usable TLSA records for an MX "
	  "make TLS with\n"
	  "a matching certificate mandatory; unsigned zones or no TLSA act as "
	  "may;\n"
	  "bogus DNSSEC data or a failed TLSA lookup defers.\n"
	  "The relay password (--auth) is the first line read from "
	  "--password-fd FD, else\n"
	  "from relay_password_file (mode 0600), else asked on the terminal; "
	  "never taken\n"
	  "from the command line, never stored or logged."),
	  send_opts, cmd_send },
	{ "resume", "ID|--all", 0, 1, N_("continue a paused or interrupted "
	  "send"),
	  N_("Starts the engine again with the settings the send was started "
	  "with; options\ngiven here replace them. --retry-unknown queues the "
	  "unknown recipients again\n(they may then arrive twice: that is the "
	  "operator's decision). A running\nsend with --follow is followed. "
	  "A relay password is read again as send reads it\n(--password-fd, "
	  "relay_password_file, or the terminal)."),
	  resume_opts, cmd_resume },
	{ "cancel", "ID", 1, 1, N_("unschedule a send before its time"),
	  N_("A send scheduled with herald send ID --at (or held at its time "
	  "because a\n"
	  "check failed) is not started; its waiter exits. Its recipients "
	  "stay recorded:\n"
	  "herald resume ID sends it now after all. A send that has started "
	  "is refused\n"
	  "(exit 75): herald pause stops it, herald finish gives up on its "
	  "deferred\n"
	  "recipients. --json: {\"id\",\"state\"}, state \"cancelled\"."),
	  NULL, cmd_cancel },
	{ "pause", "ID", 1, 1, N_("stop a send after the transactions in "
	  "flight"),
	  N_("The engine starts no new transaction, lets those in flight "
	  "finish and exits;\n"
	  "herald resume ID continues. --json: {\"id\",\"state\"}, "
	  "state \"paused\",\n"
	  "\"pausing\" (the engine is finishing) or \"finished\" (nothing to "
	  "pause)."), NULL, cmd_pause },
	{ "finish", "ID", 1, 1, N_("give up on a send's deferred recipients; "
	  "the send is finished"),
	  N_("For a send that only waits on deferred recipients (one 451 "
	  "keeps it waiting\nfor up to retry_giveup, two days by default): "
	  "each deferred recipient is\nbounced for this send, its last reply "
	  "kept after \"given up by the operator\n(herald finish)\", and the "
	  "address is not suppressed. The waiting engine is\nstopped first "
	  "(as herald pause stops it) and finish holds the send's lock\n"
	  "meanwhile, so no engine retries a recipient being given up. A send "
	  "with\nrecipients not yet tried or in flight is refused (exit 75): "
	  "finish is not a\ncancel. --json: {\"id\",\"state\",\"given_up\"}."),
	  NULL, cmd_finish },
	{ "status", "ID", 1, 1, N_("how a send stands: running, paused, "
	  "interrupted, waiting or finished"),
	  N_("ID is the issue's id. Counts per recipient state, what is in "
	  "flight, when the\nnext attempt is due, bounces by class (hard: "
	  "the address is gone, suppressed;\nsoft; sender: refused because "
	  "of the sender's configuration, never\nsuppressed, with a warning "
	  "to run herald check; unknown), the TLS summary,\nthe engine and "
	  "the settings. --json for all of it as one object.\nIn flight: "
	  "\"connecting\" (in a session, none of the message sent yet: if\n"
	  "the engine stops, queued again) and \"sent-data\"\n(the server "
	  "answered 354 to DATA and the message is going out: if the\nengine "
	  "stops, \"unknown\"). \"interrupted\" means the engine stopped with "
	  "work\nleft: herald resume ID continues it. A test (herald send ID "
	  "--test ADDR)\nmakes no send."), NULL, cmd_send_status },
	{ "report", "ID", 1, 1, N_("every recipient's outcome and a TLS "
	  "summary"),
	  N_("One row per recipient: state, MX and address, TLS version and "
	  "trust word\n"
	  "(none, untrusted, trusted, verified), the server's reply and "
	  "attempts; then\n"
	  "how many verified, trusted, untrusted and plaintext, overall and "
	  "per\n"
	  "destination domain, and a warning when receivers refused the "
	  "sender. --json: JSON\n"
	  "Lines, one object per line and recipient (the fields of send "
	  "--follow\n"
	  "--json, with \"class\" (hard, soft, sender, unknown) "
	  "and \"reason\"\n"
	  "(user-unknown, mailbox-full, authentication, ...)), not one "
	  "document: read\n"
	  "it line by line (python3 -m json.tool --json-lines); --json-doc: a "
	  "single\n"
	  "document holding the same objects in \"recipients\" and the TLS "
	  "summary of\n"
	  "status --json in \"tls\"; --csv: the same as CSV."), report_opts,
	  cmd_send_report },
	{ "engine", "ID", 1, 1, N_("(internal) the send engine that send and "
	  "resume start"),
	  N_("Not for use by hand: herald send and herald resume start it "
	  "detached."), engine_opts, cmd_engine },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
