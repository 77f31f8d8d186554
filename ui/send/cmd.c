/*
 * The Send screen's commands: `herald send ID`, `herald pause ID`,
 * `herald resume ID`, `herald finish ID` and `herald send ID --test ADDR`
 * run as children of the console (ui/kit/child.c: pipes the console's
 * loop watches, own process group, always reaped), never in the
 * console's own process. `send` and `resume` start the engine detached,
 * in a session of its own, and return, so the engine outlives the
 * console; `pause` waits for the engine to finish what is in flight.
 * The commands hold the send's lock logic; the console shows what they
 * say, then what the database says. A relay password the operator typed
 * goes to the child on a pipe it inherits as descriptor 3 (--password-fd
 * 3), written and closed before the child starts: never on its command
 * line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "send_ui.h"

#define SEND_CMD_ARGS	32

/* Keys a send reads that the console's own command line may override:
 * passed on as --KEY VALUE when set. (subcmd passes the DNS ones.) */
static const char *const send_cmd_keys[] = {
	"smtp_port", "ca_file", "helo", "source_ip", "relay", "bounce",
	"relay_user", "relay_password_file",
};

/* Nothing running; owner's tick runs when a command is over. */
void
send_cmd_init(struct send_cmd *c, void *owner)
{
	memset(c, 0, sizeof *c);
	subcmd_init(&c->sub, owner);
}

/* Stop a command still running and free it. */
void
send_cmd_free(struct send_cmd *c)
{
	subcmd_free(&c->sub);
	c->kind = SEND_CMD_NONE;
}

/* Start a command. */
int
send_cmd_start(struct ui *ui, struct send_cmd *c, enum send_cmd_kind kind,
    int64_t id, enum tls_policy policy, const char *to, const char *password,
    char **cause)
{
	const struct config	*cfg = ui_config(ui);
	const char		*args[SEND_CMD_ARGS + 1], *v;
	char			 num[32], opts[nitems(send_cmd_keys)][32];
	size_t			 i;
	int			 n = 0, pwfd = -1, rc;

	if (c->kind != SEND_CMD_NONE)
		return set_cause(cause, _("a command is still running"));
	snprintf(num, sizeof num, "%lld", (long long)id);
	args[n++] = kind == SEND_CMD_PAUSE ? "pause" : kind ==
	    SEND_CMD_RESUME ? "resume" : kind == SEND_CMD_FINISH ? "finish" :
	    "send";
	args[n++] = num;
	if (kind == SEND_CMD_TEST) {
		args[n++] = "--test";
		args[n++] = to;
		args[n++] = "--json";
	}
	if (kind == SEND_CMD_SEND || kind == SEND_CMD_TEST) {
		args[n++] = "--tls";
		args[n++] = tls_policy_name(policy);
		for (i = 0; i < nitems(send_cmd_keys); i++) {
			if (!config_is_set(cfg, send_cmd_keys[i]) ||
			    (v = config_get(cfg, send_cmd_keys[i])) == NULL ||
			    *v == '\0')
				continue;
			snprintf(opts[i], sizeof opts[i], "--%s",
			    send_cmd_keys[i]);
			args[n++] = opts[i];
			args[n++] = v;
		}
	}
	if (password != NULL && kind != SEND_CMD_PAUSE &&
	    kind != SEND_CMD_FINISH) {
		if ((pwfd = subcmd_password_pipe(password, SEND_PASSWORD_MAX,
		    cause)) == -1)
			return -1;
		args[n++] = "--password-fd";
		args[n++] = "3";
	}
	args[n] = NULL;
	/* No limit on silence: pause waits for the transactions in flight,
	 * send for the engine to start, a test for its server (each has
	 * its own deadlines). */
	rc = subcmd_start_fd(ui, &c->sub, args, 0, pwfd, cause);
	if (pwfd != -1)
		close(pwfd);
	if (rc == -1)
		return -1;
	c->kind = kind;
	c->id = id;
	return 0;
}

/* Once it is over, say how it went. */
int
send_cmd_result(struct send_cmd *c, int *ok, char **msg)
{
	*ok = 0;
	*msg = NULL;
	if (c->kind == SEND_CMD_NONE)
		return 0;
	if (c->sub.running)
		return 1;
	if (c->kind == SEND_CMD_TEST && c->sub.line != NULL) {
		/* Deferred or bounced exits non-zero: an outcome all the
		 * same. */
		*ok = 1;
		*msg = xstrdup(c->sub.line);
		c->kind = SEND_CMD_NONE;
		return 0;
	}
	*ok = c->sub.exit == 0;
	if (*ok)
		*msg = c->sub.line != NULL ? xstrdup(c->sub.line) : NULL;
	else
		*msg = xstrdup(c->sub.error != NULL ? c->sub.error :
		    c->sub.line != NULL ? c->sub.line : _("failed"));
	c->kind = SEND_CMD_NONE;
	return 0;
}
