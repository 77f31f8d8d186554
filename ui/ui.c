/*
 * The console shell: curses set-up, one poll() loop on the terminal with
 * timers (each view's and dialog's tick, see view.c), a dirty flag redrawn
 * at most every UI_FRAME_MS (frame.c), and key dispatch: the top dialog,
 * else the view, else the shell's own keys.
 */

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"
#include "base/proc.h"
#include "mail/addr.h"
#include "config/config.h"
#include "send/send.h"
#include "store/store.h"
#include "ui.h"
#include "ui/compose/compose_ui.h"
#include "ui/feedback/feedback_ui.h"
#include "ui/health/health_ui.h"
#include "ui/keys/keys_ui.h"
#include "ui/kit/action.h"
#include "ui/kit/ui_int.h"
#include "ui/lists/lists_ui.h"
#include "ui/send/send_ui.h"
#include "ui/settings/settings_ui.h"
#include "base/utf8.h"
#include "ui/kit/widget.h"

/* The tabs, in order: each one's first view. */
enum ui_tab {
	TAB_LISTS,
	TAB_COMPOSE,
	TAB_KEYS,
	TAB_HEALTH,
	TAB_SEND,
	TAB_SETTINGS,
	TAB_FEEDBACK,
};

static const struct screen_ops *const ui_tabs[] = {
	[TAB_LISTS] = &screen_lists_ops,
	[TAB_COMPOSE] = &screen_compose_ops,
	[TAB_KEYS] = &screen_keys_ops,
	[TAB_HEALTH] = &screen_health_ops,
	[TAB_SEND] = &screen_send_ops,
	[TAB_SETTINGS] = &screen_settings_ops,
	[TAB_FEEDBACK] = &screen_feedback_ops,
};
_Static_assert(nitems(ui_tabs) <= UI_TABS, "more tabs than UI_TABS");

/* Milliseconds on the monotonic clock, for timers and frame pacing. */
int64_t
ui_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The open database. */
struct store *
ui_store(struct ui *ui)
{
	return ui->st;
}

/* The configuration (file plus command-line overrides). */
struct config *
ui_config(struct ui *ui)
{
	return ui->cfg;
}

/* The database path as given, for the top bar. */
const char *
ui_db_path(struct ui *ui)
{
	return ui->db_path;
}

/* The loop that watches the terminal and the children's pipes. */
struct loop *
ui_loop(struct ui *ui)
{
	return ui->loop;
}

/* Ask for a redraw at the next frame. */
void
ui_dirty(struct ui *ui)
{
	ui->dirty = 1;
}

/* Attributes for a colour role, in colour or monochrome. */
attr_t
ui_attr(struct ui *ui, enum ui_role role)
{
	return colour_attr(ui->colour, role);
}

/* Show the terminal cursor at y,x once this frame is drawn. */
void
ui_cursor(struct ui *ui, int y, int x)
{
	ui->cursor_y = y;
	ui->cursor_x = x;
}

/* The sending domain: "domain" if set, else the domain of "from". */
void
ui_config_changed(struct ui *ui)
{
	const char	*from, *reason, *d;
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];

	free(ui->domain);
	ui->domain = NULL;
	if ((d = config_get(ui->cfg, "domain")) != NULL && *d != '\0')
		ui->domain = xstrdup(d);
	else if ((from = config_get(ui->cfg, "from")) != NULL &&
	    addr_parse_mailbox(from, strlen(from), name, addr, &reason) == 0)
		ui->domain = xstrdup(addr_domain(addr));
	ui->dirty = 1;
}

static void	ui_status_set(struct ui *, int, const char *, va_list)
		    PRINTFLIKE(3, 0);

/* Replace the status message. */
static void
ui_status_set(struct ui *ui, int error, const char *fmt, va_list ap)
{
	free(ui->status);
	ui->status = xvprintf(fmt, ap);
	ui->status_error = error;
	ui->dirty = 1;
}

/* An informative message in the status line. */
void
ui_info(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ui_status_set(ui, 0, fmt, ap);
	va_end(ap);
}

/* An error in the status line: it stands out until the next key. */
void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ui_status_set(ui, 1, fmt, ap);
	va_end(ap);
}

/* Show a core error and free it. */
void
ui_cause(struct ui *ui, const char *what, char *cause)
{
	ui_error(ui, "%s: %s", what, cause != NULL ? cause : _("failed"));
	free(cause);
}

/* Ctrl-Z: give the terminal back to the shell until fg. */
static void
ui_suspend(struct ui *ui)
{
	def_prog_mode();
	endwin();
	raise(SIGTSTP);
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui->dirty = 1;
}

/* Hand the terminal to a program (an editor) and take it back. */
int
ui_run_external(struct ui *ui, char *const argv[], char **cause)
{
	int	rc;

	def_prog_mode();
	endwin();
	rc = proc_run(argv, cause);
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui->dirty = 1;
	return rc;
}

/* A key as the operator knows it: 'x', Ctrl-X, F5, PageDown. */
static void
ui_key_name(int key, char *buf, size_t len)
{
	const char	*kn;
	int		 k = key & ~UI_FKEY(0);

	if ((key & UI_FKEY(0)) != 0) {
		if (k >= KEY_F(1) && k <= KEY_F(63))
			snprintf(buf, len, "F%d", k - KEY_F0);
		else if ((kn = keyname(k)) != NULL)
			snprintf(buf, len, "%s", strncmp(kn, "KEY_", 4) == 0 ?
			    kn + 4 : kn);
		else
			snprintf(buf, len, "#%d", k);
	} else if (key < 0x20)
		snprintf(buf, len, "Ctrl-%c", key + '@');
	else if (key == 0x7f)
		snprintf(buf, len, "%s", _("Backspace"));
	else if (key == ' ')
		snprintf(buf, len, "%s", _("Space"));
	else {
		char	u[5];

		u[utf8_encode((unsigned int)key, u)] = '\0';
		snprintf(buf, len, "'%s'", u);
	}
}

/* F1, ?: the view's keys and the shell's. */
static enum ui_action
ui_act_help(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	help_open(ui, ui_top(ui)->ops, ui->keys);
	return UI_REDRAW;
}

/* Tab, Shift-Tab: the next or the previous screen, round. */
static enum ui_action
ui_act_next(struct ui *ui, void *state, int key)
{
	(void)state;
	if (key == UI_FKEY(KEY_BTAB))
		return UI_SWITCH((ui->tab + ui->ntabs - 1) % ui->ntabs);
	return UI_SWITCH((ui->tab + 1) % ui->ntabs);
}

/* 1-7: that screen. */
static enum ui_action
ui_act_tab(struct ui *ui, void *state, int key)
{
	(void)state;
	if (key >= '1' && key < '1' + ui->ntabs)
		return UI_SWITCH(key - '1');
	return UI_IGNORED;
}

/* 1 when the current view was opened from its screen, so q and Esc back
 * out of it rather than quit. */
static int
ui_can_back(void *state)
{
	struct ui	*ui = state;

	return ui->depth[ui->tab] > 1;
}

/* 1 on a screen's first view: q quits. */
static int
ui_cannot_back(void *state)
{
	return !ui_can_back(state);
}

/* Esc: back out of a view; on a screen, nothing to back out of. */
static enum ui_action
ui_act_esc(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	return ui_can_back(ui) ? UI_POP : UI_HANDLED;
}

/* q backs out of a view opened from a screen, as in mutt and tig; only a
 * screen's first view quits. */
static enum ui_action
ui_act_back_quit(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	return ui_can_back(ui) ? UI_POP : UI_QUIT;
}

static enum ui_action
ui_act_quit(struct ui *ui, void *state, int key)
{
	(void)ui;
	(void)state;
	(void)key;
	return UI_QUIT;
}

/*
 * The shell's own keys, for what the view did not handle: the key bar's
 * F1 Help before the view's labels and Tab Next, q Back or Quit after
 * them; the help's "Everywhere" block. Their state is the ui. Ctrl-L and
 * Ctrl-Z work even over a dialog, so ui_key does them before anything.
 */
static const struct action ui_keys[] = {
	{ "F1", N_("Help"), NULL, { 0 }, NULL, NULL },
	{ "F1 ?", NULL, N_("this help"), { UI_FKEY(KEY_F(1)), '?' },
	  ui_act_help, NULL },
	ACTION_VIEW_LABELS,
	{ N_("Tab"), N_("Next"), N_("next screen (Shift-Tab: previous)"),
	  { '\t', UI_FKEY(KEY_BTAB) }, ui_act_next, NULL },
	{ "1-7", NULL, N_("Lists, Compose, Keys, Health, Send, Settings, "
	  "Feedback"), { 0 },
	  ui_act_tab, NULL },
	{ N_("Esc"), NULL, N_("back, or cancel a prompt"), { UI_ESC },
	    ui_act_esc,
	  NULL },
	{ "Ctrl-L", NULL, N_("redraw the terminal"), { 0 }, NULL, NULL },
	{ "Ctrl-Z", NULL, N_("suspend (fg to come back)"), { 0 }, NULL, NULL },
	{ "q", N_("Back"), N_("back out of a view; on a screen, quit herald "
	  "(a send goes on)"), { 'q' }, ui_act_back_quit, ui_can_back },
	{ "q", N_("Quit"), NULL, { 0 }, NULL, ui_cannot_back },
	{ "Ctrl-C", NULL, N_("cancel a prompt; elsewhere quit herald"),
	  { UI_CTRL('c') }, ui_act_quit, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* A key no one took: say so. */
static enum ui_action
ui_key_global(struct ui *ui, int key)
{
	enum ui_action	a;
	char		name[32];

	if ((a = action_key(ui->keys, ui, ui, key)) != UI_IGNORED)
		return a;
	/* As neomutt does: a key that does nothing says so, rather than
	 * leave the operator wondering whether it was read. */
	ui_key_name(key, name, sizeof name);
	ui_error(ui, _("Key %s is not bound here. Press '?' for help."), name);
	return UI_REDRAW;
}

/* Do what a key handler asked for. */
static void
ui_act(struct ui *ui, enum ui_action a)
{
	if (a == UI_REDRAW)
		ui->dirty = 1;
	else if (a == UI_POP)
		ui_pop(ui);
	else if (a == UI_QUIT)
		ui->quit = 1;
	else if (a >= UI_SWITCH_FIRST)
		ui_switch(ui, a - UI_SWITCH_FIRST);
}

/* One key: to the top dialog if any, else the view, then the shell. */
static void
ui_key(struct ui *ui, int key)
{
	struct ui_dialog	*d;
	struct ui_view		*v;
	enum ui_action		 a;

	if (key == UI_FKEY(KEY_RESIZE)) {
		ui->dirty = 1;
		return;
	}
	if (ui->status != NULL) {
		free(ui->status);
		ui->status = NULL;
		ui->dirty = 1;
	}
	if (key == UI_CTRL('z')) {
		ui_suspend(ui);
		return;
	}
	if (key == UI_CTRL('l')) {
		clearok(curscr, TRUE);
		ui->dirty = 1;
		return;
	}
	if ((d = ui_dialog_top(ui)) != NULL) {
		a = d->ops->key(ui, d->dlg, key);
		if (a == UI_POP)
			ui_dialog_close(ui, d->dlg);
		else if (a == UI_QUIT)
			ui->quit = 1;
		else if (a != UI_HANDLED && a != UI_IGNORED)
			ui->dirty = 1;
	} else if (ui_too_small()) {
		if (key == 'q' || key == UI_CTRL('c'))
			ui->quit = 1;
	} else {
		v = ui_top(ui);
		a = v->ops->key != NULL ? v->ops->key(ui, v->state, key) :
		    UI_IGNORED;
		if (a == UI_IGNORED)
			a = ui_key_global(ui, key);
		ui_act(ui, a);
	}
	ui_dialog_reap(ui);
}

/* Read every key waiting; returns the number read. */
static int
ui_read_keys(struct ui *ui)
{
	wint_t	wc;
	int	r, n = 0;

	while (!ui->quit && (r = get_wch(&wc)) != ERR) {
		ui_key(ui, r == KEY_CODE_YES ? UI_FKEY((int)wc) : (int)wc);
		n++;
	}
	return n;
}

/* The terminal has input (or hung up): the loop reads it after the turn. */
static void
ui_stdin(int fd, int events, void *arg)
{
	struct ui	*ui = arg;

	(void)fd;
	(void)events;
	ui->stdin_ready = 1;
}

/* Readable but nothing read: has the terminal hung up? */
static int
ui_stdin_gone(void)
{
	struct pollfd	pfd;

	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/*
 * The loop: ticks, a frame when dirty, then wait for a key, a child's
 * output (its runner reads it from the loop, child.c) or a timer.
 */
static void
ui_run(struct ui *ui)
{
	int64_t		next, now, wait;
	int		idle = 0;

	while (!ui->quit) {
		ui_run_ticks(ui, &next);
		now = ui_now();
		if (ui->dirty) {
			if (now - ui->drawn_at >= UI_FRAME_MS)
				ui_draw(ui);
			else if (ui->drawn_at + UI_FRAME_MS < next)
				next = ui->drawn_at + UI_FRAME_MS;
		}
		wait = -1;
		if (next != UI_NEVER) {
			wait = next - ui_now();
			if (wait < 0)
				wait = 0;
			if (wait > 60000)
				wait = 60000;
		}
		ui->stdin_ready = 0;
		if (loop_once(ui->loop, (int)wait) == -1)
			break;
		/* SIGWINCH interrupts poll; get_wch then gives KEY_RESIZE. */
		if (ui_read_keys(ui) == 0 && ui->stdin_ready) {
			/* Readable but nothing read: the terminal is gone. */
			if (ui_stdin_gone() || ++idle > 100)
				break;
		} else
			idle = 0;
	}
}

/* Start curses; 0, or -1 when the terminal cannot be used. */
static int
ui_start(struct ui *ui, SCREEN **scr)
{
	const char	*nc = getenv("NO_COLOR");

	if ((*scr = newterm(NULL, stdout, stdin)) == NULL)
		return -1;
	set_term(*scr);
	/* raw, not cbreak: Ctrl-C is a key that cancels, not a kill. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui->colour = has_colors() && (nc == NULL || *nc == '\0');
	if (ui->colour) {
		start_color();
		use_default_colors();
		colour_init();
	}
	return 0;
}

/*
 * The loop watches the terminal. base/loop ignores SIGPIPE, as a process
 * with sockets must; the console has none, and its children (an editor,
 * herald subcommands) inherit what it has, so it stays as it was.
 */
static void
ui_loop_new(struct ui *ui)
{
	struct sigaction	sa;

	sigaction(SIGPIPE, NULL, &sa);
	ui->loop = loop_new();
	sigaction(SIGPIPE, &sa, NULL);
	if (loop_fd_add(ui->loop, STDIN_FILENO, LOOP_READ, ui_stdin, ui) == -1)
		fatal(_("watch the terminal: %s"), strerror(errno));
}

/* Close every view and dialog (stopping their children); free the
 * shell's own state. */
static void
ui_stop(struct ui *ui)
{
	ui_views_close(ui);
	loop_free(ui->loop);
	free(ui->status);
	free(ui->domain);
}

/*
 * Leaving the console never stops a send: its engine is detached. Say so
 * on the terminal for each send whose engine runs (holds its lock), once
 * curses is gone, rather than ask first: quitting is harmless, and the
 * operator learns how to follow or stop the send from the shell.
 */
static void
ui_say_sends(struct ui *ui)
{
	int64_t		*ids = NULL;
	size_t		 n = 0, i;
	char		*cause = NULL;
	long long	 id;

	if (store_send_ids(ui->st, &ids, &n, &cause) == -1) {
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (send_lock_held(ui->db_path, ids[i], &cause) != 1) {
			free(cause);
			cause = NULL;
			continue;
		}
		id = (long long)ids[i];
		fprintf(stderr, _("herald: send %lld goes on in the "
		    "background; `herald status %lld` follows it, "
		    "`herald pause %lld` stops it\n"), id, id, id);
	}
	free(ids);
}

/* Open the database, then run the console until q. */
int
ui_main(struct config *cfg, const char *db_path)
{
	struct ui	 ui;
	SCREEN		*scr;
	char		*cause = NULL, codeset[64];
	int		 rc, fallback;

	memset(&ui, 0, sizeof ui);
	ui.cfg = cfg;
	ui.db_path = db_path;
	ui.tabs = ui_tabs;
	ui.ntabs = (int)nitems(ui_tabs);
	ui.keys = ui_keys;
	ui.tab = TAB_LISTS;
	if ((rc = store_open(db_path, &ui.st, &cause)) != 0) {
		fprintf(stderr, "herald: %s\n", cause != NULL ? cause :
		    _("cannot open the database"));
		free(cause);
		return rc == -2 ? EXIT_DATAERR : EXIT_CANTCREAT;
	}
	store_set_case_strict(ui.st, config_local_part_strict(cfg));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s", _("herald: the console needs a terminal; "
		    "see `herald help` for the commands\n"));
		store_close(ui.st);
		return EXIT_USAGE;
	}
	setlocale(LC_ALL, "");
	/*
	 * Curses draws multibyte text by LC_CTYPE: under LANG=C each byte
	 * of a Japanese name or of "›" became a cell of its own and rows
	 * spilled. Fall back to C.UTF-8 as the commands do rather than
	 * draw ASCII: the data is UTF-8, the commands print UTF-8, and a
	 * C locale is nearly always a terminal with no locale set (ssh,
	 * containers), not one that cannot show UTF-8. Say so once.
	 */
	if ((fallback = utf8_locale(codeset, sizeof codeset)) == 1)
		ui_info(&ui, _("Locale %s is not UTF-8: drawing in C.UTF-8 (set "
		    "a UTF-8 LANG)"), codeset);
	else if (fallback == -1)
		ui_error(&ui, _("Locale %s is not UTF-8 and C.UTF-8 is "
		    "missing: names outside ASCII will be garbled"), codeset);
	if (ui_start(&ui, &scr) == -1) {
		fprintf(stderr, _("herald: cannot use terminal type '%s'\n"),
		    getenv("TERM") != NULL ? getenv("TERM") : "(unset)");
		free(ui.status);
		store_close(ui.st);
		return EXIT_UNAVAIL;
	}
	ui_loop_new(&ui);
	ui_config_changed(&ui);
	ui_view_open(&ui, TAB_LISTS, ui.tabs[TAB_LISTS], NULL);
	if (!config_is_set(cfg, "from"))
		ui_push(&ui, &screen_setup_ops, NULL);
	ui_run(&ui);
	ui_stop(&ui);
	endwin();
	delscreen(scr);
	ui_say_sends(&ui);
	store_close(ui.st);
	return 0;
}
