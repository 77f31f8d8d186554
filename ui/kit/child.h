/*
 * A herald subcommand run in a child process for a screen: `herald --db DB
 * --config FILE [DNS options] ARGS...` on the Health screen's worker
 * (health_worker.c), so DNS lookups and slow key generation never block
 * the console's loop. The screen's tick polls it; the last line of its
 * standard output (the subcommand's --json answer) is kept, and a child
 * silent longer than its limit is stopped.
 */
#ifndef HERALD_UI_CHILD_H
#define HERALD_UI_CHILD_H

#include <stddef.h>
#include <stdint.h>

#include "ui/health/health_ui.h"

struct ui;

struct subcmd {
	struct hworker	 w;
	int		 running;
	char		*line;		/* the last stdout line, or NULL */
	char		*error;		/* why it failed, or NULL */
	int		 exit;		/* exit status, -1: killed */
	int64_t		 limit_ms;	/* silent this long: stopped */
};

void	subcmd_init(struct subcmd *);
void	subcmd_free(struct subcmd *);
/* herald --db DB [--config FILE] and --KEY VALUE for each key the
 * console's command line overrode, in an array with room for extra more
 * and a NULL; *n is the count so far. Free each string and the array. */
char	**subcmd_globals(struct ui *, size_t extra, int *n);
/* Start herald with args (NULL-terminated) after the global options;
 * stops any run in flight. -1 with *cause when it cannot start. */
int	subcmd_start(struct ui *, struct subcmd *, const char *const *args,
	    int64_t limit_ms, char **cause);
/* The same, the child inheriting fd3 (unless -1) as its descriptor 3;
 * the caller closes its copy after. */
int	subcmd_start_fd(struct ui *, struct subcmd *, const char *const *args,
	    int64_t limit_ms, int fd3, char **cause);
/* Read what it wrote; 1 while it runs, 0 once it is over (line, error
 * and exit then final; running 0). */
int	subcmd_poll(struct subcmd *);
/* Stop it (if running) and reap it. */
void	subcmd_stop(struct subcmd *);
/* How long a subcommand making lookups may stay silent: three lookups
 * that time out (dns_timeout x dns_retries each), plus five seconds. */
int64_t	subcmd_dns_limit(struct ui *);

/* The braille spinner, frame n. */
const char *subcmd_spinner(unsigned int n);

#endif
