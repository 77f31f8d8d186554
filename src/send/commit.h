/*
 * The engine's committer (commit.c): a thread with its own database
 * connection that writes each turn's state changes (a group commit), so
 * the event loop never waits for SQLite.
 */
#ifndef HERALD_SEND_COMMIT_H
#define HERALD_SEND_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct committer;
struct sts_cache_row;
struct tls_session_rec;

struct committer *committer_new(const char *path, int64_t send_id,
		    char **cause);
int		 committer_fd(struct committer *);
uint64_t	 committer_submit(struct committer *,
		    const struct send_change *, size_t);
/* A session's TLS outcome (tls_sessions) and an MTA-STS policy for the
 * cache, written after the changes handed over before them; copied. */
void		 committer_tls(struct committer *,
		    const struct tls_session_rec *);
void		 committer_sts(struct committer *,
		    const struct sts_cache_row *);
int		 committer_poll(struct committer *, uint64_t *done,
		    char **cause);
int		 committer_idle(struct committer *);
int		 committer_wait(struct committer *, char **cause);
void		 committer_free(struct committer *);

#endif
