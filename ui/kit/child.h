/*
 * Child processes for the screens: DNS lookups block and key generation
 * is slow, so they never run in the console's own process. A child's
 * stdout and stderr come back on non-blocking pipes that the console's
 * loop watches (ui_loop): output wakes the loop, the runner splits it
 * into lines for its owner and calls the owner back once the child is
 * over, so no screen polls. The child has its own process group (a ^C
 * typed in an editor the console runs is not for it) and dies with the
 * console (PR_SET_PDEATHSIG); stopping it is SIGTERM, a short grace, then
 * SIGKILL, and it is always reaped.
 *
 * Two levels: struct child runs any program and hands every stdout line
 * to its owner (the Health screen's `herald check --stream`); struct
 * subcmd runs a herald subcommand (`herald --db DB --config FILE [DNS
 * options] ARGS...`), keeps the last line of its stdout (its --json
 * answer) and wakes its owner's tick when it is over (subcmd_ended).
 *
 * Uses the shell's loop and clock (screen.h) and src/base only.
 */
#ifndef HERALD_UI_CHILD_H
#define HERALD_UI_CHILD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

struct loop_timer;
struct ui;

/* ---- any program ---- */

/* A complete line of its stdout. */
typedef void (*child_line_fn)(const char *line, void *arg);
/* It is over: reaped with its pipes drained (status and errtext final),
 * or stopped after limit_ms of silence (silent set). */
typedef void (*child_done_fn)(struct ui *, void *arg);

struct child {
	struct ui		*ui;		/* whose loop watches it */
	pid_t			 pid;		/* -1: none running */
	int			 out, err;	/* read ends of its pipes, or -1 */
	struct buf		 line;		/* stdout, a line not yet complete */
	int			 skip;		/* dropping an over-long line */
	struct buf		 errtext;	/* the end of what it wrote to stderr */
	int64_t			 started;	/* ui_now() at the start */
	int64_t			 heard;		/* ... at the last stdout line */
	int64_t			 limit_ms;	/* silent this long: stopped; 0 never */
	int			 status;	/* wait status, once reaped */
	int			 reaped;
	int			 silent;	/* stopped for silence */
	struct loop_timer	*timer;		/* silence, or reaping after EOF */
	int			 reap_ms;	/* the next wait for a late exit */
	child_line_fn		 on_line;
	child_done_fn		 on_done;
	void			*arg;
};

/* No child; on_line (may be NULL) and on_done get arg. */
void	child_init(struct child *, child_line_fn, child_done_fn, void *arg);
/* Run path (no PATH search) with stdin from /dev/null, its stdout and
 * stderr on pipes the loop of ui watches, and fd3 (unless -1) as its
 * descriptor 3 (a pipe holding a password, say; the caller closes its
 * own copy after). Stops any child in flight. -1 with *cause on failure. */
int	child_start(struct ui *, struct child *, const char *path,
	    char *const argv[], int fd3, int64_t limit_ms, char **cause);
/* Is it running (or has output left)? */
int	child_running(const struct child *);
/* Stop it if it runs (SIGTERM, then SIGKILL), reap it, close the pipes;
 * on_done is not called. */
void	child_stop(struct child *);
void	child_free(struct child *);
/* The last non-empty line of its stderr, allocated, or NULL. */
char	*child_last_error(const struct child *);

/* ---- a herald subcommand ---- */

struct subcmd {
	struct child	 c;
	void		*owner;		/* whose tick runs when it is over */
	int		 running;
	int		 ended;		/* over, and not yet told (subcmd_ended) */
	char		*line;		/* the last stdout line, or NULL */
	char		*error;		/* why it failed, or NULL */
	int		 exit;		/* exit status, -1: killed */
};

/* Nothing running; owner is the state of the view or dialog whose tick
 * runs (ui_tick_in) as soon as a run is over. */
void	subcmd_init(struct subcmd *, void *owner);
void	subcmd_free(struct subcmd *);
/* herald --db DB [--config FILE] and --KEY VALUE for each key the
 * console's command line overrode, in an array with room for extra more
 * and a NULL; *n is the count so far. Free each string and the array. */
char	**subcmd_globals(struct ui *, size_t extra, int *n);
/* Start herald with args (NULL-terminated) after the global options;
 * stops any run in flight; a run silent limit_ms (0: no limit) is
 * stopped. -1 with *cause when it cannot start. */
int	subcmd_start(struct ui *, struct subcmd *, const char *const *args,
	    int64_t limit_ms, char **cause);
/* A pipe holding password and a newline, its write end closed, to give
 * subcmd_start_fd: the read end, or -1 with *cause (also when the password
 * is empty or over max bytes; max stays far below PIPE_BUF, so the write
 * neither blocks nor splits). */
int	subcmd_password_pipe(const char *password, int max, char **cause);
/* The same, the child inheriting fd3 (unless -1) as its descriptor 3;
 * the caller closes its copy after. */
int	subcmd_start_fd(struct ui *, struct subcmd *, const char *const *args,
	    int64_t limit_ms, int fd3, char **cause);
/* 1 once after a run is over (line, error and exit then final; running
 * 0), for the owner's tick; 0 otherwise. */
int	subcmd_ended(struct subcmd *);
/* Stop it (if running) and reap it; it does not count as ended. */
void	subcmd_stop(struct subcmd *);
/* How long a subcommand making lookups may stay silent: three lookups
 * that time out (dns_timeout x dns_retries each), plus five seconds. */
int64_t	subcmd_dns_limit(struct ui *);

/* The braille spinner, frame n. */
const char *subcmd_spinner(unsigned int n);

#endif
