/*
 * The Health screen: the domain health report for the configured sending
 * domain and address, as a live checklist. A run is a child process,
 * `herald check DOMAIN --stream` (ui/kit/child.c), whose lines the
 * console's loop reads as they come; each replaces its check
 * (report.c), and the tick turns the spinner every HEALTH_POLL_MS.
 * While the screen is shown it runs again every health_interval seconds
 * (r: now). A run that stays silent too long is stopped and the resolver
 * named as not answering. Drawing is in draw.c, w (every fix to a
 * file) in fixes.c.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "config/config.h"
#include "health_ui.h"
#include "ui/kit/action.h"
#include "ui/kit/child.h"
#include "ui/kit/widget.h"
#include "ui/settings/settings_ui.h"

#define HEALTH_POLL_MS		100	/* the spinner of a run */
#define HEALTH_IDLE_MIN_MS	30000	/* a run silent this long is dead */
#define HEALTH_EXE		"/proc/self/exe"

/* The configured resolver, for messages. */
const char *
health_resolver(struct ui *ui)
{
	const char	*r = config_get(ui_config(ui), "resolver");

	return r != NULL && *r != '\0' ? r : _("the system resolver");
}

/* An integer config key, or def. */
static long long
health_config_int(struct ui *ui, const char *key, long long min,
    long long max, long long def)
{
	const char	*v = config_get(ui_config(ui), key);
	long long	 n;

	if (v == NULL || parse_int(v, min, max, &n) == -1)
		return def;
	return n;
}

/* The sending domain: "domain", else the From address's; NULL and
 * h->nodomain set when there is none. */
static char *
health_domain(struct ui *ui, struct health *h)
{
	const struct config	*cfg = ui_config(ui);
	const char		*d, *from, *reason;
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];

	free(h->nodomain);
	h->nodomain = NULL;
	if ((d = config_get(cfg, "domain")) != NULL && *d != '\0')
		return xstrdup(d);
	if ((from = config_get(cfg, "from")) == NULL || *from == '\0') {
		h->nodomain = xstrdup(_("No From address is configured, so "
		    "there is no sending domain to check."));
		return NULL;
	}
	if (addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == -1) {
		h->nodomain = xprintf(_("The configured From address "
		    "\"%s\" is not valid (%s)."), from, reason);
		return NULL;
	}
	return xstrdup(addr_domain(addr));
}

/* Append --opt VALUE to argv when key is configured. */
static void
health_arg_opt(struct ui *ui, char **argv, int *n, const char *key,
    const char *opt)
{
	const char	*v = config_get(ui_config(ui), key);

	if (!config_is_set(ui_config(ui), key) || v == NULL || *v == '\0')
		return;
	argv[(*n)++] = xstrdup(opt);
	argv[(*n)++] = xstrdup(v);
}

/* herald --db DB --config FILE [overrides] check DOMAIN --stream --json
 * [options]: the child reads the same file and gets what the command
 * line of the console overrode (subcmd_globals). --json keeps the
 * stream's prose in English whatever the language: the console reads
 * it (hcheck_timed_out) and translates the titles where it shows them. */
static char **
health_argv(struct ui *ui, const char *domain)
{
	char	**argv;
	int	  n;

	argv = subcmd_globals(ui, 10, &n);
	argv[n++] = xstrdup("check");
	argv[n++] = xstrdup(domain);
	argv[n++] = xstrdup("--stream");
	argv[n++] = xstrdup("--json");
	health_arg_opt(ui, argv, &n, "source_ip", "--ip");
	health_arg_opt(ui, argv, &n, "helo", "--helo");
	health_arg_opt(ui, argv, &n, "bounce", "--envelope-from");
	argv[n] = NULL;
	return argv;
}

/* Free an argv. */
static void
health_argv_free(char **argv)
{
	char	**p;

	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* The next run, health_interval seconds from now. */
static void
health_schedule(struct ui *ui, struct health *h)
{
	h->next_run = ui_now() + 1000 *
	    health_config_int(ui, "health_interval", 5, 86400, 30);
}

/* Replace the error. */
static void
health_set_error(struct health *h, char *error)
{
	free(h->error);
	h->error = error;
}

/* Start a run now (stopping one in flight). */
static void
health_run(struct ui *ui, struct health *h)
{
	char		**argv, *cause = NULL;
	long long	  per;

	free(h->domain);
	if ((h->domain = health_domain(ui, h)) == NULL) {
		child_stop(&h->w);
		h->running = 0;
		hreport_clear(&h->rep, NULL);
		health_schedule(ui, h);
		ui_dirty(ui);
		return;
	}
	if (h->rep.domain == NULL || strcmp(h->rep.domain, h->domain) != 0) {
		hreport_clear(&h->rep, h->domain);
		h->sel = h->top = 0;
		h->expect = 0;
	}
	/* Silent longer than three lookups that time out: dead. */
	per = health_config_int(ui, "dns_timeout", 1, 60, 3) *
	    health_config_int(ui, "dns_retries", 1, 10, 2) * 1000;
	h->idle_ms = 3 * per + 5000 > HEALTH_IDLE_MIN_MS ? 3 * per + 5000 :
	    HEALTH_IDLE_MIN_MS;
	argv = health_argv(ui, h->domain);
	if (child_start(ui, &h->w, HEALTH_EXE, argv, -1, h->idle_ms,
	    &cause) == -1) {
		health_set_error(h, xprintf(_("Cannot run the check: %s"),
		    cause != NULL ? cause : _("failed")));
		free(cause);
		h->running = 0;
		health_schedule(ui, h);
	} else {
		if (h->rep.n > 0)
			h->expect = h->rep.n;
		hreport_begin(&h->rep);
		health_set_error(h, NULL);
		h->running = 1;
	}
	health_argv_free(argv);
	ui_dirty(ui);
}

/* One line from the run. */
static void
health_line(const char *line, void *arg)
{
	struct health	*h = arg;

	hreport_line(&h->rep, line, ui_now());
}

/* The run is over: was it whole, and if not, why? */
static void
health_finished(struct ui *ui, struct health *h)
{
	int	 st = h->w.status, complete;
	char	*err = child_last_error(&h->w);

	complete = h->rep.verdict != NULL || (h->rep.fresh > 0 &&
	    WIFEXITED(st) && err == NULL);
	if (complete)
		health_set_error(h, NULL);
	else if (err != NULL)
		health_set_error(h, xprintf(h->rep.fresh > 0 ?
		    _("The check stopped before its end: %s") :
		    _("The check failed: %s"), err));
	else if (WIFSIGNALED(st))
		health_set_error(h, xprintf(_("The check was killed by "
		    "signal %d"), WTERMSIG(st)));
	else if (h->rep.fresh > 0)
		health_set_error(h, xstrdup(_("The check stopped before its "
		    "end")));
	else
		health_set_error(h, xprintf(_("The check printed no report "
		    "(exit status %d)"), WEXITSTATUS(st)));
	free(err);
	hreport_end(&h->rep, complete, ui_now());
	h->running = 0;
	health_schedule(ui, h);
	ui_dirty(ui);
}

/* Nothing heard for too long: the run was stopped; blame the resolver. */
static void
health_silent(struct ui *ui, struct health *h)
{
	health_set_error(h, xprintf(_("Resolver %s not answering "
	    "(TIMEOUT): no result for %lld s, so the check was stopped."),
	    health_resolver(ui), (long long)(h->idle_ms / 1000)));
	hreport_end(&h->rep, 0, ui_now());
	h->running = 0;
	health_schedule(ui, h);
	ui_dirty(ui);
}

/* The run is over, or was stopped for silence: settle it, then let the
 * tick schedule the next. */
static void
health_done(struct ui *ui, void *arg)
{
	struct health	*h = arg;

	if (h->w.silent)
		health_silent(ui, h);
	else
		health_finished(ui, h);
	ui_tick_in(ui, h, 0);
}

/* Start runs when due; keep the spinner and the clocks moving. */
static int
health_tick(struct ui *ui, void *state)
{
	struct health	*h = state;
	int64_t		 now = ui_now(), wait;

	if (h->running) {
		h->frame++;
		if (h->visible)
			ui_dirty(ui);
		return HEALTH_POLL_MS;
	}
	if (!h->visible)
		return -1;	/* enter() asks again */
	if (now >= h->next_run) {
		health_run(ui, h);
		return h->running ? HEALTH_POLL_MS : 1000;
	}
	ui_dirty(ui);		/* "checked 12s ago" */
	wait = h->next_run - now;
	return wait < 1000 ? (int)wait : 1000 - (int)(now % 1000);
}

/* Empty state; the first run starts when the screen is shown. */
static void *
health_open(struct ui *ui, void *arg)
{
	struct health	*h = xcalloc(1, sizeof *h);

	(void)ui;
	(void)arg;
	hreport_init(&h->rep);
	child_init(&h->w, health_line, health_done, h);
	return h;
}

/* Stop any run (reaping it) and free everything. */
static void
health_close(struct ui *ui, void *state)
{
	struct health	*h = state;

	(void)ui;
	child_free(&h->w);
	hreport_free(&h->rep);
	free(h->domain);
	free(h->nodomain);
	free(h->error);
	free(h);
}

/* Shown: check now if a run is due or the domain changed. */
static void
health_enter(struct ui *ui, void *state)
{
	struct health	*h = state;
	char		*d = health_domain(ui, h);

	h->visible = 1;
	if (d == NULL || h->rep.domain == NULL ||
	    strcmp(d, h->rep.domain) != 0)
		h->next_run = 0;
	free(d);
	ui_tick_in(ui, h, 0);
}

/* Hidden: a run in flight finishes; no new ones until shown again. */
static void
health_leave(struct ui *ui, void *state)
{
	struct health	*h = state;

	(void)ui;
	h->visible = 0;
}

/* ---- keys ---- */

/* Move the selection; 1 if key was a movement key. */
static int
health_move(struct health *h, int key)
{
	size_t	page = h->page > 1 ? (size_t)h->page : 1;

	if (h->rep.n == 0)
		return 0;
	switch (key) {
	case UI_FKEY(KEY_UP):
	case 'k':
		if (h->sel > 0)
			h->sel--;
		return 1;
	case UI_FKEY(KEY_DOWN):
	case 'j':
		h->sel++;
		break;
	case UI_FKEY(KEY_PPAGE):
	case UI_CTRL('b'):
		h->sel = h->sel > page ? h->sel - page : 0;
		h->top = h->top > page ? h->top - page : 0;
		return 1;
	case UI_FKEY(KEY_NPAGE):
	case UI_CTRL('f'):
	case ' ':
		h->sel += page;
		h->top += page;
		break;
	case UI_FKEY(KEY_HOME):
	case 'g':
		h->sel = h->top = 0;
		return 1;
	case UI_FKEY(KEY_END):
	case 'G':
		h->sel = h->rep.n - 1;
		break;
	default:
		return 0;
	}
	if (h->sel >= h->rep.n)
		h->sel = h->rep.n - 1;
	if (h->top > h->sel)
		h->top = h->sel;
	return 1;
}

/* r: check again now. */
static enum ui_action
health_act_check(struct ui *ui, void *state, int key)
{
	struct health	*h = state;

	(void)key;
	health_run(ui, h);
	if (h->running)
		ui_info(ui, _("Checking %s again"), h->domain);
	ui_tick_in(ui, h, h->running ? HEALTH_POLL_MS : 1000);
	return UI_REDRAW;
}

/* w: write the records to publish to a file. */
static enum ui_action
health_act_write(struct ui *ui, void *state, int key)
{
	(void)key;
	health_write_start(ui, state);
	return UI_REDRAW;
}

/* Enter: the selected check's details, shown or hidden. */
static enum ui_action
health_act_details(struct ui *ui, void *state, int key)
{
	struct health	*h = state;

	(void)ui;
	(void)key;
	if (h->sel < h->rep.n)
		h->rep.v[h->sel].open = !h->rep.v[h->sel].open;
	return UI_REDRAW;
}

/* s: the first-run form, to set the From address. */
static enum ui_action
health_act_setup(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	ui_push(ui, &screen_setup_ops, NULL);
	return UI_REDRAW;
}

/* Movement keys. */
static enum ui_action
health_act_move(struct ui *ui, void *state, int key)
{
	(void)ui;
	return health_move(state, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action health_actions[] = {
	{ "r", N_("Check now"), N_("check again now (also every "
	  "health_interval seconds while this screen is shown)"),
	  { 'r' }, health_act_check, NULL },
	{ "w", N_("Write fixes"), N_("write every record to publish to a "
	  "file: a zone-file fragment, the rest as ; comments"),
	  { 'w' }, health_act_write, NULL },
	{ N_("Enter"), N_("Details"), N_("show or hide the selected check's "
	  "details"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER) }, health_act_details, NULL },
	{ "s", NULL, N_("set the From address (when none is configured)"),
	  { 's' }, health_act_setup, NULL },
	{ "↑↓ j k", NULL, N_("move; PgUp PgDn Home End scroll"),
	  { 0 }, health_act_move, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the Health screen; the rest go to the shell. */
static enum ui_action
health_key(struct ui *ui, void *state, int key)
{
	return action_key(health_actions, ui, state, key);
}

const struct screen_ops screen_health_ops = {
	.name = N_("Health"),
	.actions = health_actions,
	.open = health_open,
	.close = health_close,
	.enter = health_enter,
	.leave = health_leave,
	.draw = health_draw,
	.key = health_key,
	.tick = health_tick,
};
