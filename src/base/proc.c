/*
 * Running a program in the foreground (proc.h): fork, exec, wait, with
 * SIGINT and SIGQUIT ignored here while it runs and restored in it.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
