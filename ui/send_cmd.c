/*
 * The Send screen's commands: `herald send ID`, `herald pause ID` and
 * `herald resume ID` run as children of the console (the running binary,
 * through the Health screen's worker: non-blocking pipes, own process
 * group, reaped), never in the console's own process. `send` and `resume`
 * start the engine detached in a session of its own and return, so the
 * engine outlives the console; `pause` waits for the engine to finish
 * what is in flight. The commands hold the send's lock logic; the console
 * only shows what they say and then what the database says.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "send.h"

/* Configuration keys a send reads, passed on as --KEY VALUE when set, so
 * that what the console was started with reaches the child. */
static const char *const send_cmd_keys[] = {
	"resolver", "dns_timeout", "dns_retries", "smtp_port", "ca_file",
	"helo", "source_ip", "bounce", "concurrency", "per_domain", "rate",
	"relay", "relay_user", "relay_password_file", "unsubscribe_url",
};

/* Nothing running. */
void
send_cmd_init(struct send_cmd *c)
{
	memset(c, 0, sizeof *c);
	hworker_init(&c->w);
}

/* Stop a command still running and free it. */
void
send_cmd_free(struct send_cmd *c)
{
	hworker_free(&c->w);
	free(c->last);
	c->last = NULL;
	c->kind = SEND_CMD_NONE;
}

/* herald --db DB [--config FILE] [--KEY VALUE]... */
void
send_argv_globals(struct ui *ui, char **argv, int *n)
{
	const struct config	*cfg = ui_config(ui);
	const char		*file = config_file(cfg), *v;
	size_t			 i;

	argv[(*n)++] = xstrdup("herald");
	argv[(*n)++] = xstrdup("--db");
	argv[(*n)++] = xstrdup(ui_db_path(ui));
	if (file != NULL) {
		argv[(*n)++] = xstrdup("--config");
		argv[(*n)++] = xstrdup(file);
	}
	for (i = 0; i < nitems(send_cmd_keys); i++) {
		if (!config_is_set(cfg, send_cmd_keys[i]) ||
		    (v = config_get(cfg, send_cmd_keys[i])) == NULL ||
		    *v == '\0')
			continue;
		argv[(*n)++] = xprintf("--%s", send_cmd_keys[i]);
		argv[(*n)++] = xstrdup(v);
	}
}

/* Free an argv. */
static void
send_argv_free(char **argv)
{
	char	**p;

	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* Start a command. */
int
send_cmd_start(struct ui *ui, struct send_cmd *c, enum send_cmd_kind kind,
    int64_t id, enum tls_policy policy, char **cause)
{
	char	**argv;
	int	  n = 0, rc;

	if (c->kind != SEND_CMD_NONE)
		return set_cause(cause, "a command is still running");
	argv = xcalloc(2 * nitems(send_cmd_keys) + 16, sizeof *argv);
	send_argv_globals(ui, argv, &n);
	switch (kind) {
	case SEND_CMD_SEND:
		argv[n++] = xstrdup("send");
		argv[n++] = xprintf("%lld", (long long)id);
		argv[n++] = xstrdup("--tls");
		argv[n++] = xstrdup(tls_policy_name(policy));
		break;
	case SEND_CMD_PAUSE:
		argv[n++] = xstrdup("pause");
		argv[n++] = xprintf("%lld", (long long)id);
		break;
	case SEND_CMD_RESUME:
		argv[n++] = xstrdup("resume");
		argv[n++] = xprintf("%lld", (long long)id);
		break;
	default:
		send_argv_free(argv);
		return set_cause(cause, "no such command");
	}
	argv[n] = NULL;
	rc = hworker_start(&c->w, SEND_EXE, argv, cause);
	send_argv_free(argv);
	if (rc == -1)
		return -1;
	c->kind = kind;
	c->id = id;
	free(c->last);
	c->last = NULL;
	return 0;
}

/* Keep the last non-empty line of stdout. */
static void
send_cmd_line(const char *line, void *arg)
{
	struct send_cmd	*c = arg;

	if (*line == '\0')
		return;
	free(c->last);
	c->last = xstrdup(line);
}

/* Read its output; once it is over, say how it went. */
int
send_cmd_poll(struct send_cmd *c, int *ok, char **msg)
{
	char	*err;
	int	 st;

	*ok = 0;
	*msg = NULL;
	if (c->kind == SEND_CMD_NONE)
		return 0;
	if (hworker_poll(&c->w, send_cmd_line, c) == 1)
		return 1;
	st = c->w.status;
	*ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	err = hworker_last_error(&c->w);
	if (*ok)
		*msg = c->last != NULL ? xstrdup(c->last) : NULL;
	else if (err != NULL)
		*msg = xstrdup(err);
	else if (WIFSIGNALED(st))
		*msg = xprintf("killed by signal %d", WTERMSIG(st));
	else
		*msg = xprintf("exit status %d", WEXITSTATUS(st));
	/* "herald: " adds nothing in a status line. */
	if (*msg != NULL && strncmp(*msg, "herald: ", 8) == 0)
		memmove(*msg, *msg + 8, strlen(*msg + 8) + 1);
	free(err);
	free(c->last);
	c->last = NULL;
	c->kind = SEND_CMD_NONE;
	return 0;
}
