/*
 * The feedback watch's lock, log and start (fetch.h). Like a send's engine
 * it runs detached: its own session, a grandchild of whoever started it,
 * output appended to its log beside the database. The lock makes it one
 * per database: a second watch started while one runs exits at once.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "base/i18n.h"
#include "base/proc.h"
#include "base/util.h"

static int	watch_lock_fd = -1;

/* DB.feedback.lock */
char *
feedback_watch_lock_path(const char *db_path)
{
	return xprintf("%s.feedback.lock", db_path);
}

/* DB.feedback.log */
char *
feedback_watch_log_path(const char *db_path)
{
	return xprintf("%s.feedback.log", db_path);
}

int
feedback_watch_lock(const char *db_path, char **cause)
{
	char	*path;
	int	 rc;

	path = feedback_watch_lock_path(db_path);
	rc = proc_lock(path, &watch_lock_fd, cause);
	free(path);
	return rc;
}

int
feedback_watch_spawn(const char *db_path, const char *config_path,
    char **cause)
{
	char	*argv[8], *log;
	int	 argc = 0, logfd, devnull, rc;

	log = feedback_watch_log_path(db_path);
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		set_cause(cause, "%s: %s", log, strerror(errno));
		free(log);
		return -1;
	}
	free(log);
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		close(logfd);
		return set_cause(cause, "/dev/null: %s", strerror(errno));
	}
	argv[argc++] = (char *)"herald";
	argv[argc++] = (char *)"--db";
	argv[argc++] = (char *)db_path;
	if (config_path != NULL) {
		argv[argc++] = (char *)"--config";
		argv[argc++] = (char *)config_path;
	}
	argv[argc++] = (char *)"feedback";
	argv[argc++] = (char *)"watch";
	argv[argc] = NULL;
	if ((rc = proc_detach(_("the feedback watch"), cause)) == 0) {
		if ((devnull = fcntl(devnull, F_DUPFD_CLOEXEC, 10)) == -1 ||
		    (logfd = fcntl(logfd, F_DUPFD_CLOEXEC, 10)) == -1 ||
		    dup2(devnull, 0) == -1 || dup2(logfd, 1) == -1 ||
		    dup2(logfd, 2) == -1)
			_exit(126);
		close_range(3, ~0U, 0);
		execv("/proc/self/exe", argv);
		dprintf(2, _("herald: cannot run /proc/self/exe: %s\n"),
		    strerror(errno));
		_exit(127);
	}
	close(logfd);
	close(devnull);
	return rc == -1 ? -1 : 0;
}
