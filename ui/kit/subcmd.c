/*
 * herald subcommands in child processes: the argv (the console's database
 * and configuration file, and the DNS options its own command line
 * overrode), starting, polling and stopping, on the Health screen's
 * worker.
 */
#include <sys/wait.h>

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "child.h"
#include "screen.h"

#define SUBCMD_EXE		"/proc/self/exe"

static const char *const subcmd_spin[] = {
	"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"
};

/* The spinner's frame n. */
const char *
subcmd_spinner(unsigned int n)
{
	return subcmd_spin[n % nitems(subcmd_spin)];
}

/* Nothing running. */
void
subcmd_init(struct subcmd *j)
{
	memset(j, 0, sizeof *j);
	hworker_init(&j->w);
}

/* Stop it and free everything. */
void
subcmd_free(struct subcmd *j)
{
	hworker_free(&j->w);
	free(j->line);
	free(j->error);
	j->line = j->error = NULL;
	j->running = 0;
}

/* An integer config key, or def. */
static long long
subcmd_config_int(struct ui *ui, const char *key, long long min, long long max,
    long long def)
{
	const char	*v = config_get(ui_config(ui), key);
	long long	 n;

	if (v == NULL || parse_int(v, min, max, &n) == -1)
		return def;
	return n;
}

/* Three lookups that time out, and five seconds more. */
int64_t
subcmd_dns_limit(struct ui *ui)
{
	return 3 * subcmd_config_int(ui, "dns_timeout", 1, 60, 3) *
	    subcmd_config_int(ui, "dns_retries", 1, 10, 2) * 1000 + 5000;
}

/*
 * herald --db DB [--config FILE] [--KEY VALUE...]: the console's database
 * and file, and every key its own command line overrode (--from, --helo,
 * --resolver, ...) before the subcommand, so a child sees the settings
 * the console shows and `herald check` on a shell would use. Room for
 * extra more arguments and the NULL; the count so far in *n.
 */
char **
subcmd_globals(struct ui *ui, size_t extra, int *n)
{
	const struct config	*cfg = ui_config(ui);
	const char		*file = config_file(cfg), *k, *v;
	char			**argv;
	size_t			  i, nover = 0;

	while (config_override_at(cfg, nover, &k, &v))
		nover++;
	argv = xcalloc(5 + 2 * nover + extra + 1, sizeof *argv);
	*n = 0;
	argv[(*n)++] = xstrdup("herald");
	argv[(*n)++] = xstrdup("--db");
	argv[(*n)++] = xstrdup(ui_db_path(ui));
	if (file != NULL) {
		argv[(*n)++] = xstrdup("--config");
		argv[(*n)++] = xstrdup(file);
	}
	for (i = 0; config_override_at(cfg, i, &k, &v); i++) {
		argv[(*n)++] = xprintf("--%s", k);
		argv[(*n)++] = xstrdup(v);
	}
	return argv;
}

/* The globals, then args. */
static char **
subcmd_argv(struct ui *ui, const char *const *args)
{
	char		**argv;
	size_t		  nargs;
	int		  n;

	for (nargs = 0; args[nargs] != NULL; nargs++)
		;
	argv = subcmd_globals(ui, nargs, &n);
	for (; *args != NULL; args++)
		argv[n++] = xstrdup(*args);
	argv[n] = NULL;
	return argv;
}

/* Start a run. */
int
subcmd_start(struct ui *ui, struct subcmd *j, const char *const *args,
    int64_t limit_ms, char **cause)
{
	return subcmd_start_fd(ui, j, args, limit_ms, -1, cause);
}

/* Start a run that inherits fd3 as its descriptor 3. */
int
subcmd_start_fd(struct ui *ui, struct subcmd *j, const char *const *args,
    int64_t limit_ms, int fd3, char **cause)
{
	char	**argv, **p;
	int	  rc;

	subcmd_stop(j);
	free(j->line);
	free(j->error);
	j->line = j->error = NULL;
	j->exit = -1;
	j->limit_ms = limit_ms;
	argv = subcmd_argv(ui, args);
	rc = hworker_start_fd(&j->w, SUBCMD_EXE, argv, fd3, cause);
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
	j->running = rc == 0;
	return rc;
}

/* Keep the last non-empty line. */
static void
subcmd_line(const char *line, void *arg)
{
	struct subcmd	*j = arg;

	if (*line == '\0')
		return;
	free(j->line);
	j->line = xstrdup(line);
}

/* The run is over: what it said and why it failed, if it did. */
static void
subcmd_over(struct subcmd *j)
{
	int	st = j->w.status;
	char	*err = hworker_last_error(&j->w);

	j->running = 0;
	j->exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	free(j->error);
	j->error = NULL;
	if (err != NULL) {
		/* "herald: ..." from cli_err: the prefix says nothing here. */
		if (strncmp(err, "herald: ", 8) == 0)
			j->error = xstrdup(err + 8);
		else
			j->error = xstrdup(err);
		free(err);
	} else if (WIFSIGNALED(st))
		j->error = xprintf("killed by signal %d", WTERMSIG(st));
	else if (j->exit != 0 && j->line == NULL)
		j->error = xprintf("exit status %d", j->exit);
}

/* Read, reap, and stop a run silent too long. */
int
subcmd_poll(struct subcmd *j)
{
	if (!j->running)
		return 0;
	if (hworker_poll(&j->w, subcmd_line, j) == 0) {
		subcmd_over(j);
		return 0;
	}
	if (j->limit_ms > 0 && ui_now() - j->w.heard > j->limit_ms) {
		hworker_stop(&j->w);
		j->running = 0;
		j->exit = -1;
		free(j->error);
		j->error = xprintf("no answer for %lld s: stopped",
		    (long long)(j->limit_ms / 1000));
		return 0;
	}
	return 1;
}

/* Stop a run in flight. */
void
subcmd_stop(struct subcmd *j)
{
	hworker_stop(&j->w);
	j->running = 0;
}
