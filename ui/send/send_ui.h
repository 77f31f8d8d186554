/*
 * The Send screen's parts. The screen (screen.c) is in one of three
 * modes: nothing to send yet, before a send (pre.c: the issue, its
 * recipients and domains, the health verdict, the TLS policy), or watching
 * a send (live.c), which reads the database only: the engine is
 * another process, and the console tails its recipient events by id, so
 * re-opening the console mid-send shows the same live state.
 *
 * Commands run as `herald` children (cmd.c): send, pause and resume
 * (start.c), so the engine's own lock logic decides, and a test to
 * one address (trial.c). The per-recipient panel keeps a bounded ring
 * of recent outcomes (model.c); draw.c and panel.c draw
 * (the panel also filters and orders, / and o), detail.c shows one
 * recipient in full (Enter), pick.c has the dialogs.
 */
#ifndef HERALD_UI_SEND_H
#define HERALD_UI_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "base/hashtab.h"
#include "send/send.h"
#include "ui/health/health_ui.h"
#include "ui/kit/child.h"
#include "smtp/tls.h"
#include "store/store_feedback.h"
#include "ui/kit/widget.h"

#define SEND_RING	2000	/* outcomes kept for the panel */
#define SEND_CHUNK	2000	/* events read per tick */
#define SEND_POLL_MS	150	/* tailing the events */
#define SEND_CMD_MS	100	/* the spinner of a command */
#define SEND_SPARK	60	/* seconds of throughput kept */
#define SEND_TOPDOMS	5	/* largest domains named before a send */
#define SEND_EXE	"/proc/self/exe"

/* ---- glyphs and trust words (model.c) ---- */

/* What a recipient's latest answered attempt proved about TLS. */
enum send_trust {
	TRUST_UNSET,		/* no server answered */
	TRUST_PLAIN,		/* verify "none": plaintext */
	TRUST_UNTRUSTED,
	TRUST_TRUSTED,		/* chain ok, name not */
	TRUST_VERIFIED,		/* chain and MX name ok */
	TRUST_DANE_OK,		/* DANE validated */
	TRUST_DANE_FAIL,	/* DANE failed */
	TRUST_COUNT
};

/* 1 when the terminal's character set is UTF-8 (else ASCII glyphs). */
int		 send_utf8(void);
enum send_trust	 send_trust_of(const char *verify, const char *dane);
/* "✓ verified", "~ trusted", "! untrusted", "✗ plaintext", ... */
const char	*send_trust_word(enum send_trust);
/* The symbol alone and the bare word. */
const char	*send_trust_sym(enum send_trust);
const char	*send_trust_name(enum send_trust);
enum ui_role	 send_trust_role(enum send_trust);
enum ui_role	 send_state_role(enum rcpt_state);
/* "12:34:56" for Unix time t, with date "2026-12-07 12:34:56"; "-" for
 * none (draw.c). */
const char	*send_clock(char *buf, size_t len, int64_t t, int date);
/* One level (0-7) of the sparkline, or the blank for nothing. */
const char	*send_spark_glyph(int level);

/* ---- the per-recipient ring (model.c) ---- */

struct send_row {
	int64_t		 id;		/* the event's id */
	int64_t		 rcpt_id;
	int64_t		 at, next_at;
	enum rcpt_state	 state;
	enum send_trust	 trust;
	int		 code;
	char		*rcpt, *domain, *mx, *version, *cipher, *enhanced;
	char		*reply;
};

struct send_ring {
	struct send_row	*v;
	size_t		 start, n;	/* oldest row, rows held */
	int64_t		 dropped;	/* rows pushed out, ever */
};

void		 send_ring_init(struct send_ring *);
void		 send_ring_free(struct send_ring *);
/* Append an outcome; the oldest row goes when the ring is full. */
void		 send_ring_push(struct send_ring *, const struct send_event *);
/* Row i, 0 the oldest held. */
const struct send_row *send_ring_at(const struct send_ring *, size_t i);

/* ---- domains and the recipients' latest states (model.c) ---- */

struct send_dom {
	char		*name;
	int64_t		 total;
	int64_t		 n[RCPT_NSTATES];
	int64_t		 trust[TRUST_COUNT];
};

/* One recipient: where it stands, for the per-domain table. */
struct send_rmap {
	int64_t		 id;
	uint32_t	 dom;
	uint8_t		 state;
	uint8_t		 trust;
};

struct send_doms {
	struct send_dom	*v;
	size_t		 n, cap;
	struct hashtab	 byname;	/* name, case folded: index + 1 */
	size_t		*order;		/* v by name, after send_doms_sort */
	struct send_rmap *r;		/* by id */
	size_t		 nr, rcap;
};

void		 send_doms_init(struct send_doms *);
void		 send_doms_free(struct send_doms *);
/* The index of domain name, added if new. */
size_t		 send_doms_add(struct send_doms *, const char *name);
/* Count a recipient as it stands (ids must come in ascending order). */
void		 send_doms_rcpt(struct send_doms *, const struct send_event *);
/* A recipient changed state (an event): move it between the counts. */
void		 send_doms_event(struct send_doms *, const struct send_event *);
void		 send_doms_sort(struct send_doms *);
/* The i-th domain by name. */
const struct send_dom *send_doms_at(const struct send_doms *, size_t i);

/* ---- throughput (model.c) ---- */

struct send_spark {
	int64_t		 sec[SEND_SPARK];	/* which second a slot counts */
	int32_t		 n[SEND_SPARK];
	int64_t		 last;			/* latest outcome's time */
};

void		 send_spark_add(struct send_spark *, int64_t at);
/* Outcomes in second t (0 when that second is not kept). */
int32_t		 send_spark_get(const struct send_spark *, int64_t t);

/* ---- a herald child: send, pause, resume (cmd.c) ---- */

enum send_cmd_kind {
	SEND_CMD_NONE,
	SEND_CMD_SEND,
	SEND_CMD_PAUSE,
	SEND_CMD_RESUME,
	SEND_CMD_TEST,		/* send ID --test ADDR */
	SEND_CMD_FINISH,	/* finish ID: give up on the deferred */
};

struct send_cmd {
	struct subcmd		 sub;
	enum send_cmd_kind	 kind;
	int64_t			 id;
	int			 law_override;	/* the next send: --i-know */
};

/* owner: the screen, whose tick runs when a command is over. */
void		 send_cmd_init(struct send_cmd *, void *owner);
void		 send_cmd_free(struct send_cmd *);
/* Start `herald ... send ID --tls P` (pause, resume; with to, a test
 * to that address); a password (or NULL) goes to send, resume or the
 * test on a pipe (--password-fd 3). */
int		 send_cmd_start(struct ui *, struct send_cmd *,
		    enum send_cmd_kind, int64_t id, enum tls_policy,
		    const char *to, const char *password, char **cause);
/* 1 while it runs; 0 once over: then *ok and (allocated) *msg say how
 * it went (a test: *ok when it printed its outcome, *msg that line). */
int		 send_cmd_result(struct send_cmd *, int *ok, char **msg);

/* ---- before a send (pre.c) ---- */

struct send_pre {
	int64_t		 issue;		/* 0: none chosen */
	char		*subject, *list, *from, *domain;
	char		*envelope;	/* where bounces go (VERP pattern) */
	char		*problem;	/* why it cannot be sent, or NULL */
	char		*law;		/* what the law's gate finds missing
					 * for an advertisement, or NULL */
	int64_t		 list_id;
	int64_t		 members, suppressed;
	/* an audience of more than its list (issue #13): counted at once
	 * by audience_count, the names with their members in text */
	int		 multi;
	char		*sources;	/* "members 4, volunteers 4 - board 1" */
	int64_t		 duplicates, excluded;
	char		*providers;	/* "Google 3, docomo 1, other 2" */
	/* counting recipients and their domains, a page per tick */
	struct send_doms doms;
	int64_t		 offset, recipients;
	int		 counted;
	size_t		 top[SEND_TOPDOMS];	/* the largest domains */
	size_t		 ntop;
	/* the health check of the From domain */
	struct child	 w;
	struct hreport	 rep;
	int		 hrunning, hdone;
	char		*herror;
	int64_t		 hidle;		/* a run silent this long is dead */
	unsigned int	 frame;
	enum tls_policy	 policy;
	/* the last test to one address */
	char		*test_to, *test_text;
	enum ui_role	 test_role;
};

void		 send_pre_init(struct send_pre *);
void		 send_pre_free(struct send_pre *);
/* Load issue id; its counts and health follow in ticks. */
void		 send_pre_load(struct ui *, struct send_pre *, int64_t id);
/* Run the health check again. */
void		 send_pre_check(struct ui *, struct send_pre *);
/* Counting and health; ms until the next call. */
int		 send_pre_tick(struct ui *, struct send_pre *);
/* The failing checks as lines ("✗ title: observed"), or NULL. */
char		*send_pre_failures(const struct send_pre *);
/* The newest issue without a send (0: none), or -1 with *cause. */
int64_t		 send_pre_default(struct ui *, char **cause);

/* ---- watching a send (live.c) ---- */

#define SEND_FB_ALERTS	2	/* alerts listed under the counters */

/* An alert against the sender raised in the send (store_fb_alerts). */
struct send_fb_alert {
	char		*text;
	int64_t		 count, last_at;
};

struct send_live {
	int64_t		 id;		/* 0: not attached */
	char		*subject, *list;
	struct send_info info;
	int		 have_info;
	struct send_counts counts;
	struct send_classes classes;	/* failures by class: the warning */
	enum send_state	 state;
	int		 engine, paused;
	/* its timing: the time it starts (scheduled), why it is held,
	 * when its window opens (outside it), and the second the countdown
	 * was last drawn for */
	int64_t		 scheduled_at, window_opens, ticked;
	char		 held_reason[1024];
	char		 window[48];
	int64_t		 last;		/* last event read */
	int64_t		 got;		/* events read by this poll */
	int64_t		 base;		/* events up to here are in doms */
	int		 catching_up;
	int		 truncated;	/* older outcomes are not in the ring */
	struct send_ring ring;
	struct send_doms doms;
	struct send_spark spark;
	int64_t		 spark_end;	/* paused: the frozen last second */
	int64_t		 checked;	/* ui_now() of the last counts */
	int64_t		 info_at;	/* ... of the last send_info */
	char		*error;
	/* what came back, as `herald status` shows it (re-read with the
	 * send's row: the feedback reader is another process) */
	struct fb_stats	 fb;
	struct send_fb_alert *alerts;
	size_t		 nalerts;
	int64_t		 fb_at;		/* ui_now() of the last read */
	/* the providers not at their full pace, as the engine last wrote
	 * them ("Yahoo: throttled, next try 12:04:00, 1 session of 3") */
	char		**paces;
	size_t		 npaces;
	int64_t		 pace_at;	/* ui_now() of the last read */
};

void		 send_live_init(struct send_live *);
void		 send_live_free(struct send_live *);
/* Watch send id; -1 with *cause. */
int		 send_live_attach(struct ui *, struct send_live *, int64_t id,
		    char **cause);
/* Read new events and the counts; *changed when something did. Returns
 * the ms until the next call. */
int		 send_live_poll(struct ui *, struct send_live *, int *changed);
/* The store, configuration and database path, for src/send. */
void		 send_ctx_ui(struct ui *, struct send_ctx *);
/* A send's state now (for the picker and the default). */
int		 send_state_of(struct ui *, int64_t id, enum send_state *,
		    char **cause);

/* ---- the screen (screen.c), drawn by draw.c ---- */

extern const struct screen_ops screen_send_ops;	/* the tab */

enum send_mode {
	SEND_MODE_EMPTY,	/* no issue to send */
	SEND_MODE_PRE,
	SEND_MODE_LIVE,
};

enum send_focus {
	FOCUS_RCPTS,
	FOCUS_DOMAINS,
};

struct send_screen {
	enum send_mode	 mode;
	struct send_pre	 pre;
	struct send_live live;
	struct send_cmd	 cmd;
	int		 visible;
	int		 picked;	/* the operator chose what is shown */
	int64_t		 looked;	/* ui_now(): was the issue sent? */
	int64_t		 second;	/* time() of the last redraw asked */
	char		*empty;		/* why there is nothing to send */
	struct table	 rcpts, doms;
	enum send_focus	 focus;
	int		 follow;	/* keep the newest outcome in view */
	/* / and o: the panel shows each recipient's latest outcome that
	 * matches the filter, problems first if asked (panel.c) */
	struct field	 filter;
	int		 filtering;	/* the filter field has the keys */
	int		 problems_first;
	size_t		*view;		/* ring rows shown, when filtered */
	size_t		 nview;
	char		*filter_error;
	int64_t		 shown_dropped;	/* ring drops the table knows of */
	char		 cell[256];
	/* what waits for the relay password (start.c) */
	enum send_cmd_kind pw_kind;
	int64_t		 pw_id;
	char		*pw_to;		/* a test's address */
};

/* Watch send id (screen.c); picked: the operator chose it. */
void		 send_watch(struct ui *, struct send_screen *, int64_t id,
		    int picked);
/* S, p, r and F, and a command's end (start.c). */
void		 send_start(struct ui *, struct send_screen *);
void		 send_pause(struct ui *, struct send_screen *);
void		 send_resume(struct ui *, struct send_screen *);
/* F: herald finish, after y/N (start.c). */
void		 send_finish(struct ui *, struct send_screen *);
void		 send_cmd_done(struct ui *, struct send_screen *,
		    enum send_cmd_kind, int64_t id, int ok, char *msg);
int		 send_busy(struct ui *, struct send_screen *);
/* Ask for the relay password when the send (kind: SEND_CMD_SEND,
 * _RESUME or _TEST to to) with these settings needs one typed
 * (send_password_from); then run it (start.c). 0 when it needs none. */
int		 send_password_ask(struct ui *, struct send_screen *,
		    enum send_cmd_kind, int64_t id, const char *to,
		    const struct send_settings *);
/* The same for the relay the configuration names: 1 if it asked. */
int		 send_password_config(struct ui *, struct send_screen *,
		    enum send_cmd_kind, int64_t id, const char *to);
/* T: a test to one address, and its outcome (trial.c). */
void		 send_test_start(struct ui *, struct send_screen *);
/* Start the test to addr (password: NULL or the relay's). */
void		 send_test_run(struct ui *, struct send_screen *,
		    const char *addr, const char *password);
void		 send_test_done(struct ui *, struct send_screen *, int ok,
		    const char *msg);
void		 send_draw(struct ui *, void *state, const struct ui_rect *);
/* The live parts (panel.c). */
/* Translate a table's column titles in place, once (*done set). */
void		 send_cols_tr(struct table_col *, size_t, int *done);
void		 send_panel_init(struct send_screen *);
void		 send_panel_sync(struct send_screen *);
void		 send_panel_draw(struct ui *, struct send_screen *,
		    const struct ui_rect *);
void		 send_doms_draw(struct ui *, struct send_screen *,
		    const struct ui_rect *);
/* Typing a filter, / (filter), o (order), Esc (clear the filter). */
enum ui_action	 send_panel_typing(struct ui *, struct send_screen *, int key);
void		 send_panel_filter(struct send_screen *);
void		 send_panel_order(struct ui *, struct send_screen *);
int		 send_panel_clear(struct send_screen *);
/* The row under the selection (NULL: none). */
const struct send_row *send_panel_selected(struct send_screen *);
void		 send_panel_free(struct send_screen *);
/* Enter: the selected recipient in full (detail.c). */
void		 send_detail_open(struct ui *, struct send_screen *);
/* Pick an issue (pick.c); done gets its id. */
typedef void	(*send_pick_fn)(struct ui *, int64_t id, void *arg);
void		 send_pick_open(struct ui *, int64_t current, send_pick_fn,
		    void *arg);
/* The y/N before a send, listing what fails (pick.c). */
void		 send_confirm_open(struct ui *, const char *title,
		    const char *text, confirm_done_fn, void *arg);

#endif
