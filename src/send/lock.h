/*
 * One engine per send (lock.c): the send's lock and log beside the
 * database, and starting the engine detached. Uses base only.
 */
#ifndef HERALD_SEND_LOCK_H
#define HERALD_SEND_LOCK_H

#include <stdint.h>

/* The lock file of a send, beside the database: DB.send-ID.lock. And the
 * engine's log: DB.send-ID.log. Allocated. */
char		*send_lock_path(const char *db_path, int64_t id);
char		*send_log_path(const char *db_path, int64_t id);
/* Take the send's lock for this process (held until exit). 0, 1 when
 * another process holds it, -1 with *cause. */
int		 send_lock_take(const char *db_path, int64_t id, char **cause);
/* 1 if an engine holds the send's lock, 0 if not, -1 with *cause. */
int		 send_lock_held(const char *db_path, int64_t id, char **cause);

struct send_spawn {
	const char	*db_path;
	const char	*config_path;	/* may be NULL */
	int64_t		 id;
	const char	*password;	/* relay AUTH, or NULL: none */
	int		 timeout_ms;	/* to wait for the engine (0: 15 s) */
};
/*
 * Start `herald engine ID` detached (its own session, stdin /dev/null,
 * output appended to the log beside the database), hand it the password
 * through a pipe, and wait until it holds the lock and has recovered the
 * send. *pid set. -1 with *cause (the engine's own words when it failed).
 */
int		 send_spawn(const struct send_spawn *, int64_t *pid,
		    char **cause);

#endif
