/*
 * The child-process runner (child.h): fork and exec with the plumbing,
 * the pipes on the console's loop, lines and stderr kept, the silence
 * limit, stopping and reaping; then herald subcommands on top of it.
 */
#include <sys/types.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"
#include "config/config.h"
#include "child.h"
#include "screen.h"

#define CHILD_LINE_MAX		(256 * 1024)	/* longest stdout line kept */
#define CHILD_ERR_MAX		4096		/* stderr bytes kept */
#define CHILD_GRACE_MS		150		/* SIGTERM to SIGKILL */
#define CHILD_REAP_MIN_MS	5	/* pipes closed, exit not yet seen: */
#define CHILD_REAP_MAX_MS	100	/* look again, less often each time */
#define SUBCMD_EXE		"/proc/self/exe"

static void	child_timer(void *);

/* No child, no pipes. */
void
child_init(struct child *c, child_line_fn on_line, child_done_fn on_done,
    void *arg)
{
	memset(c, 0, sizeof *c);
	c->pid = -1;
	c->out = c->err = -1;
	buf_init(&c->line);
	buf_init(&c->errtext);
	c->on_line = on_line;
	c->on_done = on_done;
	c->arg = arg;
}

/* Take fd off the loop, close it and mark it closed. */
static void
child_close(struct child *c, int *fd)
{
	if (*fd != -1) {
		loop_fd_del(ui_loop(c->ui), *fd);
		close(*fd);
		*fd = -1;
	}
}

/* Cancel the timer, if set. */
static void
child_untime(struct child *c)
{
	if (c->timer != NULL) {
		loop_timer_del(ui_loop(c->ui), c->timer);
		c->timer = NULL;
	}
}

/* In the child: plumbing, then exec; never returns. */
static void
child_exec(int out, int err, int fd3, pid_t parent, const char *path,
    char *const argv[])
{
	int	null;

	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(127);
	if ((null = open("/dev/null", O_RDONLY)) != -1 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(127);
	if (fd3 == 3)
		fcntl(3, F_SETFD, 0);		/* keep it across exec */
	else if (fd3 != -1 && dup2(fd3, 3) == -1)
		_exit(127);
	closefrom(fd3 != -1 ? 4 : 3);
	execv(path, argv);
	dprintf(2, _("herald: cannot run %s: %s\n"), path, strerror(errno));
	_exit(127);
}

/* Split what arrived on stdout into lines for the owner. */
static void
child_lines(struct child *c, const char *p, size_t n)
{
	const char	*nl;
	size_t		 len;

	while (n > 0) {
		if ((nl = memchr(p, '\n', n)) == NULL) {
			if (!c->skip && c->line.len + n <= CHILD_LINE_MAX)
				buf_add(&c->line, p, n);
			else {
				c->skip = 1;
				buf_reset(&c->line);
			}
			return;
		}
		len = (size_t)(nl - p);
		if (!c->skip && c->line.len + len <= CHILD_LINE_MAX) {
			buf_add(&c->line, p, len);
			c->heard = ui_now();
			if (c->on_line != NULL)
				c->on_line(c->line.data != NULL ?
				    c->line.data : "", c->arg);
		}
		buf_reset(&c->line);
		c->skip = 0;
		p = nl + 1;
		n -= len + 1;
	}
}

/* Keep the last CHILD_ERR_MAX bytes of stderr. */
static void
child_errtext(struct child *c, const char *p, size_t n)
{
	size_t	drop;

	buf_add(&c->errtext, p, n);
	if (c->errtext.len > CHILD_ERR_MAX) {
		drop = c->errtext.len - CHILD_ERR_MAX;
		memmove(c->errtext.data, c->errtext.data + drop,
		    c->errtext.len - drop + 1);
		c->errtext.len -= drop;
	}
}

/* Read fd until it would block; close it at end of file. */
static void
child_drain(struct child *c, int *fd)
{
	char	buf[8192];
	ssize_t	n;

	while (*fd != -1) {
		n = read(*fd, buf, sizeof buf);
		if (n > 0) {
			if (fd == &c->out)
				child_lines(c, buf, (size_t)n);
			else
				child_errtext(c, buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		child_close(c, fd);	/* end of file, or an error */
	}
}

/* Set the timer: a late exit to look for, or the silence limit. */
static void
child_arm(struct child *c)
{
	int64_t	ms = -1, left;

	child_untime(c);
	if (c->pid > 0 && c->out == -1 && c->err == -1) {
		ms = c->reap_ms;
		c->reap_ms = c->reap_ms * 2 < CHILD_REAP_MAX_MS ?
		    c->reap_ms * 2 : CHILD_REAP_MAX_MS;
	}
	if (c->limit_ms > 0) {
		left = c->heard + c->limit_ms + 1 - ui_now();
		if (left < 0)
			left = 0;
		if (ms < 0 || left < ms)
			ms = left;
	}
	if (ms >= 0)
		c->timer = loop_timer_add(ui_loop(c->ui), (uint64_t)ms,
		    child_timer, c);
}

/*
 * Reap it once it has exited; once it is reaped and its pipes are at end
 * of file, it is over: hand over a last line without its newline and
 * tell the owner. Returns 1 while it runs, 0 once over (c may then be
 * gone: the owner was told).
 */
static int
child_check(struct child *c)
{
	pid_t	r;

	if (c->pid > 0) {
		while ((r = waitpid(c->pid, &c->status, WNOHANG)) == -1 &&
		    errno == EINTR)
			;
		if (r == c->pid || (r == -1 && errno == ECHILD)) {
			if (r == -1)
				c->status = 0;
			c->pid = -1;
			c->reaped = 1;
			/* It is gone: what it wrote is all in the pipes. */
			child_drain(c, &c->out);
			child_drain(c, &c->err);
		}
	}
	if (c->pid > 0 || c->out != -1 || c->err != -1)
		return 1;
	child_untime(c);
	if (c->line.len > 0 && !c->skip) {
		/* A last line without its newline. */
		if (c->on_line != NULL)
			c->on_line(c->line.data, c->arg);
		buf_reset(&c->line);
	}
	if (c->on_done != NULL)
		c->on_done(c->ui, c->arg);
	return 0;
}

/* Output on a pipe, or its end: read it, then see whether it is over. */
static void
child_io(int fd, int events, void *arg)
{
	struct child	*c = arg;

	(void)events;
	child_drain(c, fd == c->out ? &c->out : &c->err);
	if (child_check(c))
		child_arm(c);
}

/* Time to look for its exit again, or silent too long: stop it. */
static void
child_timer(void *arg)
{
	struct child	*c = arg;

	c->timer = NULL;
	if (child_check(c) == 0)
		return;
	if (c->limit_ms > 0 && ui_now() - c->heard > c->limit_ms) {
		child_stop(c);
		c->silent = 1;
		if (c->on_done != NULL)
			c->on_done(c->ui, c->arg);
		return;
	}
	child_arm(c);
}

/* Start the child, handing it fd3 as its descriptor 3. */
int
child_start(struct ui *ui, struct child *c, const char *path,
    char *const argv[], int fd3, int64_t limit_ms, char **cause)
{
	int	out[2], err[2];
	pid_t	parent = getpid();

	child_stop(c);
	c->ui = ui;
	if (pipe2(out, O_CLOEXEC) == -1)
		return set_cause(cause, "pipe: %s", strerror(errno));
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return set_cause(cause, "pipe: %s", strerror(errno));
	}
	switch (c->pid = fork()) {
	case -1:
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		return set_cause(cause, "fork: %s", strerror(errno));
	case 0:
		child_exec(out[1], err[1], fd3, parent, path, argv);
		break;
	}
	close(out[1]);
	close(err[1]);
	c->out = out[0];
	c->err = err[0];
	fcntl(c->out, F_SETFL, fcntl(c->out, F_GETFL) | O_NONBLOCK);
	fcntl(c->err, F_SETFL, fcntl(c->err, F_GETFL) | O_NONBLOCK);
	buf_reset(&c->line);
	buf_reset(&c->errtext);
	c->skip = 0;
	c->status = 0;
	c->reaped = 0;
	c->silent = 0;
	c->limit_ms = limit_ms;
	c->reap_ms = CHILD_REAP_MIN_MS;
	c->started = c->heard = ui_now();
	if (loop_fd_add(ui_loop(ui), c->out, LOOP_READ, child_io, c) == -1 ||
	    loop_fd_add(ui_loop(ui), c->err, LOOP_READ, child_io, c) == -1) {
		/* Only a descriptor already watched: a bug, but no crash. */
		set_cause(cause, "watch: %s", strerror(errno));
		child_stop(c);
		return -1;
	}
	child_arm(c);
	return 0;
}

/* Running, or output left to read. */
int
child_running(const struct child *c)
{
	return c->pid > 0 || c->out != -1 || c->err != -1;
}

/* Sleep ms milliseconds. */
static void
child_nap(int ms)
{
	struct timespec	ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

/* Stop and reap the child; close the pipes. */
void
child_stop(struct child *c)
{
	int	waited;
	pid_t	r = 0;

	if (c->pid > 0) {
		kill(c->pid, SIGTERM);
		for (waited = 0;; waited += 5) {
			r = waitpid(c->pid, &c->status, WNOHANG);
			if (r == -1 && errno == EINTR)
				r = 0;
			if (r != 0 || waited >= CHILD_GRACE_MS)
				break;
			child_nap(5);
		}
		if (r == 0) {
			kill(c->pid, SIGKILL);
			while (waitpid(c->pid, &c->status, 0) == -1 &&
			    errno == EINTR)
				;
		}
		c->pid = -1;
		c->reaped = 1;
	}
	if (c->ui != NULL) {
		child_untime(c);
		child_close(c, &c->out);
		child_close(c, &c->err);
	}
	buf_reset(&c->line);
	c->skip = 0;
}

/* Stop it and free the buffers. */
void
child_free(struct child *c)
{
	child_stop(c);
	buf_free(&c->line);
	buf_free(&c->errtext);
}

/* The last non-empty line of stderr. */
char *
child_last_error(const struct child *c)
{
	const char	*s = c->errtext.data, *end, *start;

	if (s == NULL || c->errtext.len == 0)
		return NULL;
	end = s + c->errtext.len;
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	if (end == s)
		return NULL;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	return xstrndup(start, (size_t)(end - start));
}

/* ---- herald subcommands ---- */

static const char *const subcmd_spin[] = {
	"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"
};

/* The spinner's frame n. */
const char *
subcmd_spinner(unsigned int n)
{
	return subcmd_spin[n % nitems(subcmd_spin)];
}

static void	subcmd_line(const char *, void *);
static void	subcmd_done(struct ui *, void *);

/* Nothing running. */
void
subcmd_init(struct subcmd *j, void *owner)
{
	memset(j, 0, sizeof *j);
	child_init(&j->c, subcmd_line, subcmd_done, j);
	j->owner = owner;
}

/* Stop it and free everything. */
void
subcmd_free(struct subcmd *j)
{
	child_free(&j->c);
	free(j->line);
	free(j->error);
	j->line = j->error = NULL;
	j->running = 0;
	j->ended = 0;
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
	argv = subcmd_argv(ui, args);
	rc = child_start(ui, &j->c, SUBCMD_EXE, argv, fd3, limit_ms, cause);
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
	int	st = j->c.status;
	char	*err = child_last_error(&j->c);

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
		j->error = xprintf(_("killed by signal %d"), WTERMSIG(st));
	else if (j->exit != 0 && j->line == NULL)
		j->error = xprintf(_("exit status %d"), j->exit);
}

/* Over, or stopped for silence: settle the result, wake the owner. */
static void
subcmd_done(struct ui *ui, void *arg)
{
	struct subcmd	*j = arg;

	if (j->c.silent) {
		j->running = 0;
		j->exit = -1;
		free(j->error);
		j->error = xprintf(_("no answer for %lld s: stopped"),
		    (long long)(j->c.limit_ms / 1000));
	} else
		subcmd_over(j);
	j->ended = 1;
	ui_tick_in(ui, j->owner, 0);
}

/* Has a run ended since the last call? */
int
subcmd_ended(struct subcmd *j)
{
	if (!j->ended)
		return 0;
	j->ended = 0;
	return 1;
}

/* Stop a run in flight. */
void
subcmd_stop(struct subcmd *j)
{
	child_stop(&j->c);
	j->running = 0;
	j->ended = 0;
}

/* The password on a pipe, for --password-fd. */
int
subcmd_password_pipe(const char *password, int max, char **cause)
{
	size_t	len = strlen(password);
	int	fds[2];

	if (len == 0 || len > (size_t)max)
		return set_cause(cause, _("no password, or one over %d bytes"),
		    max);
	if (pipe2(fds, O_CLOEXEC) == -1)
		return set_cause(cause, "pipe: %s", strerror(errno));
	if (write(fds[1], password, len) != (ssize_t)len ||
	    write(fds[1], "\n", 1) != 1) {
		close(fds[0]);
		close(fds[1]);
		return set_cause(cause, _("cannot hand the password over: %s"),
		    strerror(errno));
	}
	close(fds[1]);
	return fds[0];
}
