/*
 * The Health screen: a child `herald check DOMAIN --stream` (ui/kit/child.h:
 * the console's loop reads its output, so a slow or dead resolver never
 * blocks the console) and the report its lines build (one entry per check
 * id, kept across runs so the previous result stays on screen, dimmed,
 * until the new one arrives).
 */
#ifndef HERALD_UI_HEALTH_H
#define HERALD_UI_HEALTH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/util.h"
#include "ui/kit/child.h"

/* ---- the report (report.c) ---- */

enum hstatus {
	HS_OK,
	HS_WARN,
	HS_FAIL,
};

struct hcheck {
	char		*id;
	char		*title;
	char		*observed;
	char		*fix;		/* NULL: nothing to fix */
	enum hstatus	 status;
	int		 unanswered;	/* DNS did not answer: undecided */
	int		 fresh;		/* reported by the current run */
	int		 open;		/* details shown */
	int64_t		 at;		/* ui_now() when it was reported */
	time_t		 when;		/* the same, on the wall clock */
};

struct hreport {
	char		*domain;	/* the domain these checks are for */
	struct hcheck	*v;
	size_t		 n;
	size_t		 fresh;		/* checks reported by this run */
	char		*verdict;	/* this run's final line, or NULL */
	char		*ip;		/* as the run's header names them */
	char		*helo;
	char		*envelope_from;
	char		*resolver;	/* as `herald check` describes it */
	int64_t		 at;		/* ui_now() of the last full run */
	time_t		 when;
};

void	hreport_init(struct hreport *);
void	hreport_free(struct hreport *);
/* Forget every check (the domain changed). */
void	hreport_clear(struct hreport *, const char *domain);
/* A run starts: every check becomes stale until reported again. */
void	hreport_begin(struct hreport *);
/* One line of `herald check --stream`; 0, or -1 if it is not one. */
int	hreport_line(struct hreport *, const char *line, int64_t now);
/* The run ended; complete: it gave its verdict, so checks it did not
 * report are gone. */
void	hreport_end(struct hreport *, int complete, int64_t now);
/* Checks in status among those of the last results. */
size_t	hreport_count(const struct hreport *, enum hstatus);
/* Checks with a fix. */
size_t	hreport_fixes(const struct hreport *);
/* Where fix holds a DNS record, "NAME. TTL IN TYPE DATA" (at its start
 * or after a ": "; prose may follow it): 1 with its offset and length,
 * 0 when the fix is prose only. */
int	hfix_record(const char *fix, size_t *off, size_t *len);
/* s at '"': the length of the quoted string through its closing quote,
 * 0 when it is not closed. */
size_t	hfix_quoted(const char *s);
/* Did this check's lookup time out (its observed text says so)? */
int	hcheck_timed_out(const struct hcheck *);

/* ---- the screen (screen.c), drawn by draw.c ---- */

struct ui;
struct ui_rect;
struct screen_ops;

struct health {
	struct hreport	 rep;
	struct child	 w;		/* the running check */
	char		*domain;	/* the sending domain, or NULL */
	char		*nodomain;	/* why there is none */
	int		 running;
	int		 visible;
	int64_t		 next_run;	/* ui_now() of the next run */
	int64_t		 idle_ms;	/* a run silent this long is stopped */
	size_t		 expect;	/* checks the last run reported */
	char		*error;		/* why the last run failed, or NULL */
	unsigned int	 frame;		/* of the spinner */
	size_t		 sel;		/* selected check */
	size_t		 top;		/* first check shown */
	int		 page;		/* checks on the last page drawn */
};

extern const struct screen_ops screen_health_ops;	/* the tab */

void	health_draw(struct ui *, void *state, const struct ui_rect *);
/* w: ask for a path, then write every fix there (fixes.c). */
void	health_write_start(struct ui *, struct health *);
/* The configured resolver, or "the system resolver". */
const char *health_resolver(struct ui *);

#endif
