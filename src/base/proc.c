/*
 * Running a program in the foreground (proc.h): fork, exec, wait, with
 * SIGINT and SIGQUIT ignored here while it runs and restored in it. And
 * the lock file of a background process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "proc.h"
#include "util.h"

/* Run argv and wait; ^C belongs to it. */
int
proc_run(char *const argv[], char **cause)
{
	struct sigaction	 ign, oint, oquit;
	pid_t			 pid;
	int			 status = 0, rc = 0;

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	/* As system(3) does: ^C belongs to the program, not to us. */
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	/* Nothing of ours buffered may come out after it (or twice). */
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		rc = set_cause(cause, "fork: %s", strerror(errno));
	else if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		execvp(argv[0], argv);
		_exit(127);
	} else {
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR) {
				rc = set_cause(cause, "wait: %s",
				    strerror(errno));
				break;
			}
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	return rc == -1 ? -1 : status;
}

/* Fork twice, the first child in a session of its own. */
int
proc_detach(const char *what, char **cause)
{
	pid_t	child;
	int	status;

	fflush(NULL);
	if ((child = fork()) == -1)
		return set_cause(cause, "fork: %s", strerror(errno));
	if (child == 0) {
		setsid();
		signal(SIGHUP, SIG_IGN);
		if ((child = fork()) != 0)
			_exit(child == -1 ? 1 : 0);
		return 0;
	}
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return set_cause(cause, _("cannot start %s (fork failed)"),
		    what);
	return 1;
}

/* Lock path for the rest of this process's life. */
int
proc_lock(const char *path, int *held, char **cause)
{
	struct flock	 fl;
	char		 pid[32];
	int		 fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
		close(fd);
		if (errno == EAGAIN || errno == EACCES)
			return 1;
		return set_cause(cause, "%s: lock: %s", path,
		    strerror(errno));
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) == -1) {
		/* The pid in the file is a courtesy only. */
	}
	if (*held != -1)
		close(*held);
	*held = fd;
	return 0;
}
