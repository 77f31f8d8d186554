/*
 * herald send | resume | pause ID, the internal herald engine ID, and the
 * table of send commands (status and report are in cli_report.c).
 *
 * A send is named by its issue's id: an issue is sent at most once (its
 * recipients are a snapshot of the list taken then); resume continues it.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cli_int.h"
#include "cli_send.h"
#include "config.h"
#include "deliver.h"
#include "dkim.h"
#include "dns.h"
#include "json.h"
#include "message.h"
#include "store.h"

/* What queueing (or a dry run) walks through. */
struct send_queue {
	struct cli_env		*env;
	const struct issue	*is;
	int64_t			 queued, skipped;
	/* dry run */
	const char		*dir;
	struct dkim_signer	*signer;
	const char		*unsubscribe_url;
	int			 failed;
	char			*cause;
};

/* Queue one member as a recipient of the send. */
static int
send_queue_cb(const struct contact *c, void *arg)
{
	struct send_queue	*q = arg;
	char			 token[MESSAGE_TOKEN_LEN + 1];

	if (c->suppressed) {
		q->skipped++;
		return 0;
	}
	if (message_token(q->env->store, q->is->id, c->addr, token,
	    &q->cause) == -1 || store_send_add_rcpt(q->env->store, q->is->id,
	    c->addr, c->name, c->attrs, addr_domain(c->addr), token,
	    &q->cause) == -1) {
		q->failed = 1;
		return 1;
	}
	q->queued++;
	return 0;
}

/* A file name for a dry run's message: NNNN-address.eml, bytes outside
 * [A-Za-z0-9@._+-] replaced by '_'. */
static char *
send_dry_name(const char *dir, int64_t n, const char *addr)
{
	char	*name, *p;

	name = xprintf("%s/%04lld-%s.eml", dir, (long long)n, addr);
	for (p = name + strlen(dir) + 1; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789@._+-", *p) == NULL || (p[0] == '.' &&
		    p[-1] == '/'))
			*p = '_';
	return name;
}

/* Write one member's exact signed message into the dry run's directory. */
static int
send_dry_cb(const struct contact *c, void *arg)
{
	struct send_queue	*q = arg;
	struct recipient	 r;
	struct render_options	 o;
	struct buf		 msg;
	char			 token[MESSAGE_TOKEN_LEN + 1], *path;
	ssize_t			 n;
	int			 fd;

	if (c->suppressed) {
		q->skipped++;
		return 0;
	}
	if (cli_interrupted) {
		q->cause = xstrdup("interrupted");
		q->failed = 1;
		return 1;
	}
	if (message_token(q->env->store, q->is->id, c->addr, token,
	    &q->cause) == -1) {
		q->failed = 1;
		return 1;
	}
	memset(&r, 0, sizeof r);
	r.addr = c->addr;
	r.name = c->name;
	r.attrs = c->attrs;
	memset(&o, 0, sizeof o);
	o.date = time(NULL);
	o.token = token;
	o.unsubscribe_url = q->unsubscribe_url;
	buf_init(&msg);
	if (message_build(NULL, q->is, &r, q->signer, &o, &msg,
	    &q->cause) == -1) {
		buf_free(&msg);
		q->failed = 1;
		return 1;
	}
	path = send_dry_name(q->dir, q->queued + 1, c->addr);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	n = fd == -1 ? -1 : write(fd, msg.data, msg.len);
	if (fd == -1 || n != (ssize_t)msg.len || close(fd) == -1) {
		q->cause = xprintf("%s: %s", path, strerror(errno));
		q->failed = 1;
	}
	free(path);
	buf_free(&msg);
	if (q->failed)
		return 1;
	q->queued++;
	return 0;
}

/* herald send ID --dry-run DIR: write every message, send nothing. */
static int
send_dry_run(struct cli_env *env, const struct issue *is, const char *dir,
    const char *unsubscribe_url)
{
	struct send_queue	 q;
	struct buf		 b;
	char			*domain, *cause = NULL;
	size_t			 nsigs = 0;
	int			 rc;

	memset(&q, 0, sizeof q);
	q.env = env;
	q.is = is;
	q.dir = dir;
	q.unsubscribe_url = unsubscribe_url;
	if (mkdir_private(dir, &cause) == -1)
		return cli_fail(EXIT_CANTCREAT, cause);
	if ((domain = message_from_domain(is, &cause)) == NULL)
		return cli_fail(EXIT_DATAERR, cause);
	q.signer = dkim_signer_new(env->store, domain, &cause);
	if (q.signer != NULL)
		nsigs = dkim_signer_count(q.signer);
	free(cause);
	cause = NULL;
	cli_catch_signals();
	if (store_begin(env->store, &cause) == -1) {
		free(domain);
		dkim_signer_free(q.signer);
		return cli_fail(EXIT_IOERR, cause);
	}
	rc = store_contacts(env->store, is->list_id, NULL, 0, 0, send_dry_cb,
	    &q, &cause);
	if (rc == -1 || q.failed) {
		store_rollback(env->store);
		dkim_signer_free(q.signer);
		free(domain);
		return cli_fail(EXIT_IOERR, q.failed ? q.cause : cause);
	}
	if (store_commit(env->store, &cause) == -1) {
		dkim_signer_free(q.signer);
		free(domain);
		return cli_fail(EXIT_IOERR, cause);
	}
	dkim_signer_free(q.signer);
	if (env->json) {
		buf_init(&b);
		buf_adds(&b, "{\"dry_run\":");
		json_str(&b, dir);
		buf_printf(&b, ",\"messages\":%lld,\"skipped\":%lld,"
		    "\"signatures\":%zu}", (long long)q.queued,
		    (long long)q.skipped, nsigs);
		cli_json_out(&b);
		buf_free(&b);
	} else {
		printf("dry run: %lld message%s written to %s", (long long)
		    q.queued, q.queued == 1 ? "" : "s", dir);
		if (q.skipped != 0)
			printf(" (%lld suppressed member%s skipped)",
			    (long long)q.skipped, q.skipped == 1 ? "" : "s");
		printf("\n");
		if (nsigs != 0)
			printf("each signed with %zu DKIM signature%s for %s; "
			    "nothing was sent or recorded as sent\n", nsigs,
			    nsigs == 1 ? "" : "s", domain);
		else
			printf("not signed: %s has no active DKIM key (herald "
			    "dkim keygen %s SELECTOR); nothing was sent\n",
			    domain, domain);
	}
	free(domain);
	return 0;
}

/* Start the engine of a send; prints it. 0 or an exit status. */
static int
send_start(struct cli_env *env, int64_t id, const char *password,
    int64_t *pid)
{
	struct deliver_spawn	 sp;
	char			*cause = NULL;

	memset(&sp, 0, sizeof sp);
	sp.db_path = env->db_path;
	sp.config_path = config_file(env->cfg);
	sp.id = id;
	sp.password = password;
	if (deliver_spawn(&sp, pid, &cause) == -1)
		return cli_fail(EXIT_TEMPFAIL, cause);
	return 0;
}

/* Say that a send was started (on stderr when --follow --json). */
static void
send_started(struct cli_env *env, int follow, const char *what, int64_t id,
    int64_t queued, int64_t skipped, int64_t pid)
{
	FILE	*out = follow && env->json ? stderr : stdout;
	char	*log = send_log_path(env->db_path, id);
	struct buf b;

	if (env->json && !follow) {
		buf_init(&b);
		buf_printf(&b, "{\"id\":%lld,\"queued\":%lld,\"skipped\":%lld,"
		    "\"pid\":%lld,\"log\":", (long long)id, (long long)queued,
		    (long long)skipped, (long long)pid);
		json_str(&b, log);
		buf_addc(&b, '}');
		cli_json_out(&b);
		buf_free(&b);
	} else {
		fprintf(out, "send %lld %s", (long long)id, what);
		if (queued >= 0)
			fprintf(out, ": %lld recipient%s queued",
			    (long long)queued, queued == 1 ? "" : "s");
		if (skipped > 0)
			fprintf(out, " (%lld suppressed member%s skipped)",
			    (long long)skipped, skipped == 1 ? "" : "s");
		fprintf(out, "; engine pid %lld in the background (log %s)\n",
		    (long long)pid, log);
		if (!follow)
			fprintf(out, "herald status %lld shows how it goes; "
			    "herald resume %lld --follow watches it\n",
			    (long long)id, (long long)id);
	}
	fflush(out);
	free(log);
}

/* herald send ID */
static int
cmd_send(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct issue		 is;
	struct send_settings	 set;
	struct send_info	 old;
	struct send_queue	 q;
	struct tls_ctx		*tls;
	const char		*dry = cli_opt(cmd, a, "dry-run"), *reason;
	char			*cause = NULL, *password = NULL;
	char			 name[ADDR_NAME_MAX + 1], from[ADDR_MAX + 1];
	int			 follow = cli_opt(cmd, a, "follow") != NULL;
	int64_t			 id, pid;
	int			 rc;

	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = cli_store(env)) != 0)
		return rc;
	memset(&is, 0, sizeof is);
	send_settings_init(&set);
	rc = store_issue_get(env->store, id, &is, &cause);
	if (rc != 0) {
		if (rc == -1)
			return cli_fail(EXIT_IOERR, cause);
		cli_err("no issue %lld (herald issue ls shows them)",
		    (long long)id);
		rc = EXIT_NOINPUT;
		goto out;
	}
	if (is.list_id == 0) {
		cli_err("issue %lld has no list (it was removed)",
		    (long long)id);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (send_options(env, cmd, a, 0, &set) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (dry != NULL) {
		rc = send_dry_run(env, &is, dry, *set.unsubscribe_url != '\0' ?
		    set.unsubscribe_url : NULL);
		goto out;
	}
	if ((rc = store_send_get(env->store, id, &old, &cause)) != 1) {
		if (rc == -1)
			rc = cli_fail(EXIT_IOERR, cause);
		else {
			send_info_free(&old);
			cli_err("issue %lld was sent already (herald status "
			    "%lld); herald resume %lld continues a send that "
			    "stopped", (long long)id, (long long)id,
			    (long long)id);
			rc = EXIT_DATAERR;
		}
		goto out;
	}
	/* Envelope-from: the bounce address, or From's. */
	if (config_get(env->cfg, "bounce") != NULL)
		send_set_str(&set.envelope_from, config_get(env->cfg,
		    "bounce"));
	else if (addr_parse_mailbox(is.from, strlen(is.from), name, from,
	    &reason) == 0)
		send_set_str(&set.envelope_from, from);
	else {
		cli_err("issue %lld: From '%s': %s", (long long)id, is.from,
		    reason);
		rc = EXIT_DATAERR;
		goto out;
	}
	send_default_helo(env, &set);
	/* A trust file that OpenSSL cannot load is an error now, not in
	 * the middle of the send. */
	if ((tls = tls_ctx_new(*set.ca_file != '\0' ? set.ca_file : NULL,
	    &cause)) == NULL) {
		rc = cli_fail(EXIT_CONFIG, cause);
		goto out;
	}
	tls_ctx_free(tls);
	if ((rc = send_password(&set, &password)) != 0)
		goto out;

	memset(&q, 0, sizeof q);
	q.env = env;
	q.is = &is;
	if (store_begin(env->store, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if ((rc = store_send_create(env->store, id, &set, &cause)) != 0 ||
	    store_contacts(env->store, is.list_id, NULL, 0, 0, send_queue_cb,
	    &q, &cause) == -1 || q.failed) {
		store_rollback(env->store);
		if (rc == 1) {
			cli_err("issue %lld was sent already", (long long)id);
			rc = EXIT_DATAERR;
		} else
			rc = cli_fail(EXIT_IOERR, q.failed ? q.cause : cause);
		goto out;
	}
	if (q.queued == 0) {
		store_rollback(env->store);
		cli_err("nothing to send: list %s has no member that is not "
		    "suppressed", is.list_name);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (store_commit(env->store, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if ((rc = send_start(env, id, password, &pid)) != 0)
		goto out;
	send_started(env, follow, "started", id, q.queued, q.skipped, pid);
	rc = follow ? send_follow(env, id, 0) : 0;
out:
	send_password_free(password);
	send_settings_free(&set);
	issue_free(&is);
	return rc;
}

/* herald resume ID */
static int
cmd_resume(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	static const char *const opts[] = { "tls", "relay", "auth",
	    "concurrency", "per-domain", "rate", "helo", "source-ip",
	    "smtp-port", "ca-file", "retry-first", "retry-giveup", "resolver",
	    "retry-unknown" };
	struct send_info	 info;
	struct send_counts	 c;
	enum send_state		 state;
	char			*cause = NULL, *password = NULL;
	int			 follow = cli_opt(cmd, a, "follow") != NULL;
	int			 retry = cli_opt(cmd, a, "retry-unknown") != NULL;
	int			 rc, engine, changed = 0;
	int64_t			 id, pid, last, n = 0;
	size_t			 i;

	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	for (i = 0; i < nitems(opts); i++)
		changed |= cli_opt(cmd, a, opts[i]) != NULL;
	if ((rc = send_state_now(env, &info, &c, &engine, &state)) != 0)
		goto out;
	if (engine) {
		if (changed) {
			cli_err("send %lld is running (engine pid %lld): herald "
			    "pause %lld first, then resume with new options",
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
			printf("send %lld is running already (engine pid "
			    "%lld)\n", (long long)id,
			    (long long)info.engine_pid);
		goto out;
	}
	if (send_options(env, cmd, a, 1, &info.set) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (store_send_set_settings(env->store, id, &info.set, &cause) == -1 ||
	    store_send_set_paused(env->store, id, 0, &cause) == -1 ||
	    (retry && store_send_retry_unknown(env->store, id, &n,
	    &cause) == -1) ||
	    store_send_counts(env->store, id, &c, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (send_state_derive(&c, 0, 0) == SEND_FINISHED) {
		printf("send %lld is finished: nothing to resume", (long long)id);
		if (c.n[RCPT_UNKNOWN] > 0)
			printf(" (%lld unknown: --retry-unknown sends them "
			    "again)", (long long)c.n[RCPT_UNKNOWN]);
		printf("\n");
		goto out;
	}
	if ((rc = send_password(&info.set, &password)) != 0)
		goto out;
	if (store_send_last_event(env->store, id, &last, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if ((rc = send_start(env, id, password, &pid)) != 0)
		goto out;
	if (retry && !(env->json && !follow))
		fprintf(follow && env->json ? stderr : stdout, "%lld unknown "
		    "recipient%s queued again\n", (long long)n, n == 1 ? "" :
		    "s");
	send_started(env, follow, "resumed", id, -1, 0, pid);
	rc = follow ? send_follow(env, id, last) : 0;
out:
	send_password_free(password);
	send_info_free(&info);
	return rc;
}

/* herald pause ID */
static int
cmd_pause(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct send_info	 info;
	struct send_counts	 c;
	enum send_state		 state;
	struct timespec		 ts = { 0, 100000000 };
	char			*cause = NULL;
	int64_t			 id;
	int			 rc, engine, i;

	(void)cmd;
	if ((rc = send_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = send_load(env, id, &info)) != 0)
		return rc;
	if ((rc = send_state_now(env, &info, &c, &engine, &state)) != 0)
		goto out;
	if (state == SEND_FINISHED) {
		printf("send %lld is finished: nothing to pause\n",
		    (long long)id);
		goto out;
	}
	if (store_send_set_paused(env->store, id, 1, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	/* The engine sees the flag within a quarter second, finishes what
	 * is in flight and exits. */
	for (i = 0; engine && i < 150; i++) {
		nanosleep(&ts, NULL);
		if ((engine = send_lock_held(env->db_path, id, &cause)) == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
	}
	if (engine)
		printf("send %lld pausing: the engine is finishing the "
		    "transactions in flight\n", (long long)id);
	else
		printf("send %lld paused: herald resume %lld continues it\n",
		    (long long)id, (long long)id);
out:
	send_info_free(&info);
	return rc;
}

/* herald engine ID (internal: what send and resume start). */
static int
cmd_engine(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct deliver_run	 run;
	const char		*v;
	char			*cause = NULL;
	long long		 fd;
	int64_t			 id;
	int			 rc;

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
		if (run.ready_fd != -1)
			dprintf(run.ready_fd, "error: cannot open the "
			    "database %s\n", env->db_path);
		return rc != 0 ? rc : EXIT_USAGE;
	}
	run.st = env->store;
	run.db_path = env->db_path;
	run.id = id;
	if (deliver_engine_run(&run, &cause) == -1)
		return cli_fail(EXIT_SOFTWARE, cause);
	return 0;
}

static const struct cli_opt send_opts[] = {
	{ "tls", "POLICY", "none, may (default), encrypt, verify or dane" },
	{ "relay", "HOST[:PORT]", "send through a relay (587 STARTTLS, 465 "
	  "TLS) instead of MX" },
	{ "auth", "USER", "AUTH at the relay (password: relay_password_file "
	  "or a prompt)" },
	{ "concurrency", "N", "SMTP sessions at once (20)" },
	{ "per-domain", "N", "sessions per destination (2)" },
	{ "rate", "N", "messages per second overall (0: no limit)" },
	{ "dry-run", "DIR", "write each recipient's signed message to DIR; "
	  "send nothing" },
	{ "follow", NULL, "print each recipient's outcome as it happens" },
	{ "helo", "NAME", "EHLO name (default: the PTR of --source-ip, or "
	  "this host's name)" },
	{ "source-ip", "IP", "address to send from" },
	{ "smtp-port", "PORT", "port of every MX (25)" },
	{ "ca-file", "FILE", "extra trust anchors (PEM)" },
	{ "retry-first", "SECONDS", "first retry of a deferred recipient "
	  "(300; then doubling)" },
	{ "retry-giveup", "SECONDS", "bounce what is still deferred after "
	  "this long (172800)" },
	{ "resolver", "IP[:PORT]", "DNS resolver (default: the system's)" },
	{ NULL, NULL, NULL }
};
static const struct cli_opt resume_opts[] = {
	{ "follow", NULL, "print each recipient's outcome as it happens" },
	{ "retry-unknown", NULL, "queue again the recipients whose outcome "
	  "is unknown" },
	{ "tls", "POLICY", "none, may, encrypt, verify or dane" },
	{ "relay", "HOST[:PORT]", "send through a relay" },
	{ "auth", "USER", "AUTH at the relay" },
	{ "concurrency", "N", "SMTP sessions at once" },
	{ "per-domain", "N", "sessions per destination" },
	{ "rate", "N", "messages per second overall" },
	{ "helo", "NAME", "EHLO name" },
	{ "source-ip", "IP", "address to send from" },
	{ "smtp-port", "PORT", "port of every MX" },
	{ "ca-file", "FILE", "extra trust anchors (PEM)" },
	{ "retry-first", "SECONDS", "first retry of a deferred recipient" },
	{ "retry-giveup", "SECONDS", "bounce what is still deferred after "
	  "this long" },
	{ "resolver", "IP[:PORT]", "DNS resolver" },
	{ NULL, NULL, NULL }
};
static const struct cli_opt engine_opts[] = {
	{ "ready-fd", "FD", "say \"ok PID\" or \"error: ...\" here" },
	{ "password-fd", "FD", "read the relay password here" },
	{ NULL, NULL, NULL }
};
static const struct cli_opt report_opts[] = {
	{ "csv", NULL, "CSV with a header line instead of the table" },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_send_cmds[] = {
	{ "send", "ID", 1, 1, "send issue ID to its list, in the background",
	  "Every member of the issue's list that is not suppressed is queued "
	  "(a snapshot),\nwith the settings given here (or the "
	  "configuration's), and a detached engine\ndelivers: direct to each "
	  "domain's MX, or through --relay. Closing the\nterminal does not "
	  "stop it. --follow prints each recipient's outcome (--json:\none "
	  "JSON line each) until the send is finished or only deferred "
	  "recipients\nare left. A recipient whose message was handed over "
	  "but never answered is\n\"unknown\" and is not sent again unless "
	  "herald resume ID --retry-unknown.\n--dry-run DIR writes each "
	  "message, signed, to DIR/NNNN-ADDRESS.eml (mode\n0600) and records "
	  "nothing: the issue can still be sent. An issue is sent\nonce; "
	  "herald resume continues it.", send_opts, cmd_send },
	{ "resume", "ID", 1, 1, "continue a paused or interrupted send",
	  "Starts the engine again with the settings the send was started "
	  "with; options\ngiven here replace them. --retry-unknown queues the "
	  "unknown recipients again\n(they may then arrive twice: that is the "
	  "operator's decision). A running\nsend with --follow is followed.",
	  resume_opts, cmd_resume },
	{ "pause", "ID", 1, 1, "stop a send after the transactions in flight",
	  "The engine starts no new transaction, lets those in flight finish "
	  "and exits;\nherald resume ID continues.", NULL, cmd_pause },
	{ "status", "ID", 1, 1, "how a send stands: running, paused, "
	  "interrupted, waiting or finished",
	  "ID is the issue's id. Counts per recipient state, what is in "
	  "flight, when the\nnext attempt is due, the TLS summary, the engine "
	  "and the settings. --json\nfor all of it as one object. "
	  "\"interrupted\" means the engine stopped with work\nleft: herald "
	  "resume ID continues it.", NULL, cmd_send_status },
	{ "report", "ID", 1, 1, "every recipient's outcome and a TLS summary",
	  "One row per recipient: state, MX and address, TLS version and "
	  "trust word\n(none, untrusted, trusted, verified), the server's "
	  "reply and attempts; then\nhow many verified, trusted, untrusted "
	  "and plaintext, overall and per\ndestination domain. --json: one "
	  "JSON line per recipient, the fields of\nsend --follow --json; "
	  "--csv: the same as CSV.", report_opts, cmd_send_report },
	{ "engine", "ID", 1, 1, "(internal) the send engine that send and "
	  "resume start",
	  "Not for use by hand: herald send and herald resume start it "
	  "detached.", engine_opts, cmd_engine },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
