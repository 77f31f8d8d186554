/*
 * The Feedback screen: what came back after the sends, from the audit
 * trail the store keeps (src/store/store_feedback.h): the open alerts
 * against the sender, then the recent findings (kind, recipient, reason,
 * action, when), newest first, re-read on a timer so what another
 * process records (herald feedback read from the MTA, the watch, a fetch
 * on a shell) appears by itself. Enter opens the message a finding came
 * in (detail.c); f runs `herald feedback fetch --json` as a child
 * (ui/kit/child.h) and shows its summary or its error (fetch.c).
 */
#ifndef HERALD_UI_FEEDBACK_H
#define HERALD_UI_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ui/kit/child.h"
#include "ui/kit/widget.h"

#define FBV_LIMIT	1000	/* findings listed, the newest */
#define FBV_POLL_MS	1000	/* re-reading the trail while shown */
#define FBV_SPIN_MS	100	/* the spinner of a fetch */
#define FBV_ALERTS	3	/* alerts listed above the findings */
#define FBV_ALERT_DAYS	14	/* an alert is open this long after its last */
#define FBV_FETCH_IDLE	120000	/* a fetch silent this long is stopped */

/* A finding as listed. */
struct fbv_row {
	int64_t		 id, msg_id, send_id, at;
	int		 code;
	char		*kind, *rcpt, *reason, *action, *status;
};

/* An open alert. */
struct fbv_alert {
	int64_t		 send_id, count, last_at;
	char		*text;
};

struct fbv {
	struct ui		*ui;
	struct table		 table;
	struct fbv_row		*rows;
	size_t			 nrows;
	struct fbv_alert	*alerts;
	size_t			 nalerts;
	char			*error;		/* reading the trail failed */
	int			 loaded;
	int			 visible;
	char			 cell[512];
	/* f: a fetch (fetch.c) */
	struct subcmd		 fetch;
	int64_t			 fetch_started;	/* ui_now() */
	char			*fetch_text;	/* its outcome, or NULL */
	enum ui_role		 fetch_role;
	time_t			 fetch_when;
};

extern const struct screen_ops screen_feedback_ops;	/* the tab */

/* Re-read the findings and alerts; 1 when what is shown changed. */
int	fbv_load(struct ui *, struct fbv *);
void	fbv_draw(struct ui *, void *state, const struct ui_rect *);
/* The findings' table in r (screen.c). */
void	fbv_table_draw(struct ui *, struct fbv *, const struct ui_rect *);
/* "12-07 22:15" for Unix time t ("-" for none). */
const char *fbv_when(char *buf, size_t len, int64_t t, int seconds);

/* Enter: the finding's message in full (detail.c). */
void	fbv_detail_open(struct ui *, const struct fbv_row *);

/* f: fetch now, or say what to set first (fetch.c). */
void	fbv_fetch_start(struct ui *, struct fbv *);
/* The fetch ended: its outcome into fetch_text (fetch.c). */
void	fbv_fetch_done(struct ui *, struct fbv *);
/* The configured source, or NULL when unset. */
const char *fbv_source(struct ui *);

#endif
