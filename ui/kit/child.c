/*
 * The Health screen's worker: a child process (the running herald binary,
 * `herald check ... --stream`) whose stdout and stderr come back on
 * non-blocking pipes that the screen's tick reads. DNS lookups block, so
 * they never run in the console's own process: a dead resolver costs the
 * child its time, never the loop. The child has its own process group (a
 * ^C typed in an editor the console runs is not for it) and dies with the
 * console (PR_SET_PDEATHSIG); stopping it is SIGTERM, a short grace, then
 * SIGKILL, and it is always reaped.
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

#include "ui/health/health_ui.h"
#include "screen.h"

#define HWORKER_LINE_MAX	(256 * 1024)	/* longest stdout line kept */
#define HWORKER_ERR_MAX		4096		/* stderr bytes kept */
#define HWORKER_GRACE_MS	150		/* SIGTERM to SIGKILL */

/* No child, no pipes. */
void
hworker_init(struct hworker *w)
{
	memset(w, 0, sizeof *w);
	w->pid = -1;
	w->out = w->err = -1;
	buf_init(&w->line);
	buf_init(&w->errtext);
}

/* Close fd if open and mark it closed. */
static void
hworker_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* In the child: plumbing, then exec; never returns. */
static void
hworker_child(int out, int err, int fd3, pid_t parent, const char *path,
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
	dprintf(2, "herald: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Start the child. */
int
hworker_start(struct hworker *w, const char *path, char *const argv[],
    char **cause)
{
	return hworker_start_fd(w, path, argv, -1, cause);
}

/* Start the child, handing it fd3 as its descriptor 3. */
int
hworker_start_fd(struct hworker *w, const char *path, char *const argv[],
    int fd3, char **cause)
{
	int	out[2], err[2];
	pid_t	parent = getpid();

	hworker_stop(w);
	if (pipe2(out, O_CLOEXEC) == -1)
		return set_cause(cause, "pipe: %s", strerror(errno));
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return set_cause(cause, "pipe: %s", strerror(errno));
	}
	switch (w->pid = fork()) {
	case -1:
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		return set_cause(cause, "fork: %s", strerror(errno));
	case 0:
		hworker_child(out[1], err[1], fd3, parent, path, argv);
		break;
	}
	close(out[1]);
	close(err[1]);
	w->out = out[0];
	w->err = err[0];
	fcntl(w->out, F_SETFL, fcntl(w->out, F_GETFL) | O_NONBLOCK);
	fcntl(w->err, F_SETFL, fcntl(w->err, F_GETFL) | O_NONBLOCK);
	buf_reset(&w->line);
	buf_reset(&w->errtext);
	w->skip = 0;
	w->status = 0;
	w->reaped = 0;
	w->started = w->heard = ui_now();
	return 0;
}

/* Split what arrived on stdout into lines for fn. */
static void
hworker_lines(struct hworker *w, const char *p, size_t n, hworker_line_fn fn,
    void *arg)
{
	const char	*nl;
	size_t		 len;

	while (n > 0) {
		if ((nl = memchr(p, '\n', n)) == NULL) {
			if (!w->skip && w->line.len + n <= HWORKER_LINE_MAX)
				buf_add(&w->line, p, n);
			else {
				w->skip = 1;
				buf_reset(&w->line);
			}
			return;
		}
		len = (size_t)(nl - p);
		if (!w->skip && w->line.len + len <= HWORKER_LINE_MAX) {
			buf_add(&w->line, p, len);
			w->heard = ui_now();
			fn(w->line.data != NULL ? w->line.data : "", arg);
		}
		buf_reset(&w->line);
		w->skip = 0;
		p = nl + 1;
		n -= len + 1;
	}
}

/* Keep the last HWORKER_ERR_MAX bytes of stderr. */
static void
hworker_errtext(struct hworker *w, const char *p, size_t n)
{
	size_t	drop;

	buf_add(&w->errtext, p, n);
	if (w->errtext.len > HWORKER_ERR_MAX) {
		drop = w->errtext.len - HWORKER_ERR_MAX;
		memmove(w->errtext.data, w->errtext.data + drop,
		    w->errtext.len - drop + 1);
		w->errtext.len -= drop;
	}
}

/* Read fd until it would block; close it at end of file. */
static void
hworker_drain(struct hworker *w, int *fd, hworker_line_fn fn, void *arg)
{
	char	buf[8192];
	ssize_t	n;

	while (*fd != -1) {
		n = read(*fd, buf, sizeof buf);
		if (n > 0) {
			if (fd == &w->out)
				hworker_lines(w, buf, (size_t)n, fn, arg);
			else
				hworker_errtext(w, buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		hworker_close(fd);	/* end of file, or an error */
	}
}

/* Read and reap. */
int
hworker_poll(struct hworker *w, hworker_line_fn fn, void *arg)
{
	pid_t	r;

	hworker_drain(w, &w->out, fn, arg);
	hworker_drain(w, &w->err, fn, arg);
	if (w->pid > 0) {
		while ((r = waitpid(w->pid, &w->status, WNOHANG)) == -1 &&
		    errno == EINTR)
			;
		if (r == w->pid || (r == -1 && errno == ECHILD)) {
			if (r == -1)
				w->status = 0;
			w->pid = -1;
			w->reaped = 1;
			/* It is gone: what it wrote is all in the pipes. */
			hworker_drain(w, &w->out, fn, arg);
			hworker_drain(w, &w->err, fn, arg);
		}
	}
	if (w->pid > 0 || w->out != -1 || w->err != -1)
		return 1;
	if (w->line.len > 0 && !w->skip) {
		/* A last line without its newline. */
		fn(w->line.data, arg);
		buf_reset(&w->line);
	}
	return 0;
}

/* Sleep ms milliseconds. */
static void
hworker_nap(int ms)
{
	struct timespec	ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

/* Stop and reap the child; close the pipes. */
void
hworker_stop(struct hworker *w)
{
	int	waited;
	pid_t	r = 0;

	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		for (waited = 0;; waited += 5) {
			r = waitpid(w->pid, &w->status, WNOHANG);
			if (r == -1 && errno == EINTR)
				r = 0;
			if (r != 0 || waited >= HWORKER_GRACE_MS)
				break;
			hworker_nap(5);
		}
		if (r == 0) {
			kill(w->pid, SIGKILL);
			while (waitpid(w->pid, &w->status, 0) == -1 &&
			    errno == EINTR)
				;
		}
		w->pid = -1;
		w->reaped = 1;
	}
	hworker_close(&w->out);
	hworker_close(&w->err);
	buf_reset(&w->line);
	w->skip = 0;
}

/* Stop it and free the buffers. */
void
hworker_free(struct hworker *w)
{
	hworker_stop(w);
	buf_free(&w->line);
	buf_free(&w->errtext);
}

/* The last non-empty line of stderr. */
char *
hworker_last_error(const struct hworker *w)
{
	const char	*s = w->errtext.data, *end, *start;

	if (s == NULL || w->errtext.len == 0)
		return NULL;
	end = s + w->errtext.len;
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	if (end == s)
		return NULL;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	return xstrndup(start, (size_t)(end - start));
}
