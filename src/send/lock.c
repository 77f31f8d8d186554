/*
 * One engine per send, and engines that outlive the terminal.
 *
 * The lock is an open file description lock (F_OFD_SETLK) on DB.send-ID.lock
 * beside the database, held by the engine until it exits, however it
 * exits (kill -9 included): the kernel drops it with the process. `herald
 * status` asks whether it is held (F_OFD_GETLK) without taking it, so it
 * can never make an engine starting at that moment fail.
 *
 * send_spawn() starts `herald engine ID` through /proc/self/exe in a new
 * session (fork, setsid, fork again, so the engine is not our child and
 * has no controlling terminal), stdin from /dev/null, stdout and stderr
 * appended to DB.send-ID.log, the relay password (if any) on a pipe as fd
 * 4, and a status pipe as fd 3 on which the engine says "ok PID" once it
 * holds the lock and has put the send in order, or "error: why".
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "base/i18n.h"
#include "base/proc.h"
#include "base/util.h"

/* The lock held by this process (the engine), never closed. */
static int send_lock_fd = -1;

/* DB.send-ID.lock */
char *
send_lock_path(const char *db_path, int64_t id)
{
	return xprintf("%s.send-%lld.lock", db_path, (long long)id);
}

/* DB.send-ID.log */
char *
send_log_path(const char *db_path, int64_t id)
{
	return xprintf("%s.send-%lld.log", db_path, (long long)id);
}

/* Take the send's lock for the rest of this process's life. */
int
send_lock_take(const char *db_path, int64_t id, char **cause)
{
	char	*path;
	int	 rc;

	path = send_lock_path(db_path, id);
	rc = proc_lock(path, &send_lock_fd, cause);
	free(path);
	return rc;
}

/* Does an engine hold the send's lock? */
int
send_lock_held(const char *db_path, int64_t id, char **cause)
{
	struct flock	 fl;
	char		*path;
	int		 fd;

	path = send_lock_path(db_path, id);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		if (errno == ENOENT) {
			free(path);
			return 0;
		}
		set_cause(cause, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_OFD_GETLK, &fl) == -1) {
		set_cause(cause, "%s: lock: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	close(fd);
	free(path);
	return fl.l_type != F_UNLCK;
}

/* In the detached child: descriptors in place, then exec the engine. */
static void NORETURN
send_spawn_exec(char *const argv[], int devnull, int logfd, int ready, int pw)
{
	int	fds[4] = { devnull, logfd, ready, pw }, i;

	/* Out of the way of 0-4 first, so no dup2 below clobbers another. */
	for (i = 0; i < 4; i++)
		if (fds[i] != -1 &&
		    (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) == -1)
			_exit(126);
	if (dup2(fds[0], 0) == -1 || dup2(fds[1], 1) == -1 ||
	    dup2(fds[1], 2) == -1 || dup2(fds[2], 3) == -1 ||
	    (fds[3] != -1 && dup2(fds[3], 4) == -1))
		_exit(126);
	close_range(fds[3] != -1 ? 5 : 4, ~0U, 0);
	execv("/proc/self/exe", argv);
	/* "error: " is read by send_spawn; the rest is shown. */
	dprintf(3, "error: ");
	dprintf(3, _("cannot run /proc/self/exe: %s\n"), strerror(errno));
	_exit(127);
}

/* Read what the engine says on the status pipe, up to a deadline. */
static int
send_spawn_wait(int fd, int timeout_ms, char *out, size_t outsz)
{
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	int		 rv;

	out[0] = '\0';
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < outsz - 1) {
		rv = poll(&pfd, 1, timeout_ms);
		if (rv == -1 && errno == EINTR)
			continue;
		if (rv <= 0)
			return -1;	/* timed out */
		n = read(fd, out + len, outsz - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		out[len] = '\0';
		if (strchr(out, '\n') != NULL)
			break;
	}
	out[len] = '\0';
	return 0;
}

/* Start the engine of a send, detached, and wait until it runs. */
int
send_spawn(const struct send_spawn *sp, int64_t *pid, char **cause)
{
	char		*argv[12], idbuf[32], msg[1024], *log, *nl;
	int		 ready[2] = { -1, -1 }, pw[2] = { -1, -1 };
	int		 logfd = -1, devnull = -1, argc = 0, detached, rc = -1;
	long long	 v;
	size_t		 len;
	ssize_t		 n;

	*pid = 0;
	log = send_log_path(sp->db_path, sp->id);
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		set_cause(cause, "%s: %s", log, strerror(errno));
		goto out;
	}
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    pipe2(ready, O_CLOEXEC) == -1 ||
	    (sp->password != NULL && pipe2(pw, O_CLOEXEC) == -1)) {
		set_cause(cause, _("cannot start the engine: %s"),
		    strerror(errno));
		goto out;
	}
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)sp->id);
	argv[argc++] = (char *)"herald";
	argv[argc++] = (char *)"--db";
	argv[argc++] = (char *)sp->db_path;
	if (sp->config_path != NULL) {
		argv[argc++] = (char *)"--config";
		argv[argc++] = (char *)sp->config_path;
	}
	argv[argc++] = (char *)"engine";
	argv[argc++] = idbuf;
	argv[argc++] = (char *)"--ready-fd";
	argv[argc++] = (char *)"3";
	if (sp->password != NULL) {
		argv[argc++] = (char *)"--password-fd";
		argv[argc++] = (char *)"4";
	}
	argv[argc] = NULL;

	if ((detached = proc_detach(_("the engine"), cause)) == 0)
		send_spawn_exec(argv, devnull, logfd, ready[1], pw[0]);
	close(ready[1]);
	ready[1] = -1;
	if (pw[0] != -1) {
		close(pw[0]);
		pw[0] = -1;
	}
	if (detached == -1)
		goto out;
	if (sp->password != NULL) {
		len = strlen(sp->password);
		signal(SIGPIPE, SIG_IGN);
		n = write(pw[1], sp->password, len);
		if (n == (ssize_t)len)
			n = write(pw[1], "\n", 1);
		close(pw[1]);
		pw[1] = -1;
	}
	if (send_spawn_wait(ready[0], sp->timeout_ms > 0 ? sp->timeout_ms :
	    15000, msg, sizeof msg) == -1) {
		set_cause(cause, _("the engine did not start in time (see %s)"),
		    log);
		goto out;
	}
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	if (strncmp(msg, "ok ", 3) == 0 && parse_int(msg + 3, 1, INT32_MAX,
	    &v) == 0) {
		*pid = (int64_t)v;
		rc = 0;
	} else if (strncmp(msg, "error: ", 7) == 0)
		set_cause(cause, "%s", msg + 7);
	else
		set_cause(cause, _("the engine stopped at once (see %s)"), log);
out:
	if (logfd != -1)
		close(logfd);
	if (devnull != -1)
		close(devnull);
	if (ready[0] != -1)
		close(ready[0]);
	if (ready[1] != -1)
		close(ready[1]);
	if (pw[0] != -1)
		close(pw[0]);
	if (pw[1] != -1)
		close(pw[1]);
	free(log);
	return rc;
}
