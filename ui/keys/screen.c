/*
 * The Keys screen: every DKIM key (domain, selector, algorithm, created,
 * active) with whether its record is published, checked live by a child
 * per key (check.c) with a spinner while in flight, and again every
 * health_interval seconds while shown, as Health does: a new key awaits
 * publication and the check that finds its record activates it. Enter
 * shows the records to publish (record.c), g generates a key from a
 * form (form.c), a turns a key on or off (rotation: several
 * selectors may be active at once), c checks the selected key again, C
 * all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/addr.h"
#include "config/config.h"
#include "keys_ui.h"
#include "ui/kit/action.h"
#include "store/store.h"

#define KEYS_POLL_MS	100	/* reading the children */
#define KEYS_PARALLEL	4	/* checks at once */
#define KEYS_DETAIL	5	/* rows under the table */

static const struct table_col keys_cols[] = {
	{ N_("Domain"), 12, 2, 0 },
	{ N_("Selector"), 12, 1, 0 },
	{ N_("Algorithm"), 9, 0, 0 },
	{ N_("Created"), 16, 0, 0 },
	{ N_("Active"), 8, 0, 0 },
	{ N_("Published"), 17, 1, 0 },
};

/* The sending domain: "domain", else the From address's. */
char *
keys_sending_domain(struct ui *ui)
{
	const char	*d, *from, *reason;
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];

	if ((d = config_get(ui_config(ui), "domain")) != NULL && *d != '\0')
		return xstrdup(d);
	from = config_get(ui_config(ui), "from");
	if (from != NULL && addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == 0)
		return xstrdup(addr_domain(addr));
	return NULL;
}

/* The configured resolver, for the head. */
static const char *
keys_resolver(struct ui *ui)
{
	const char	*r = config_get(ui_config(ui), "resolver");

	return r != NULL && *r != '\0' ? r : _("the system resolver");
}

/* The key under the cursor, or NULL. */
static struct dkim_key *
keys_selected(struct keys *k)
{
	if (k->table.sel < 0 || (size_t)k->table.sel >= k->n)
		return NULL;
	return &k->v[k->table.sel];
}

/* Free the loaded keys. */
static void
keys_unload(struct keys *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++)
		dkim_key_free(&k->v[i]);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

/* Read the keys again. */
void
keys_load(struct ui *ui, struct keys *k)
{
	struct dkim_key	*sel = keys_selected(k);
	char		*dom, *s, *cause = NULL;
	size_t		 i;

	if (k->select_domain != NULL) {
		dom = k->select_domain;
		s = k->select_selector;
		k->select_domain = k->select_selector = NULL;
	} else {
		dom = sel != NULL ? xstrdup(sel->domain) : NULL;
		s = sel != NULL ? xstrdup(sel->selector) : NULL;
	}
	keys_unload(k);
	free(k->error);
	k->error = NULL;
	if (store_dkim_keys(ui_store(ui), NULL, &k->v, &k->n, &cause) == -1) {
		k->error = cause;
		k->v = NULL;
		k->n = 0;
	}
	table_set_rows(&k->table, (int64_t)k->n);
	for (i = 0; dom != NULL && i < k->n; i++)
		if (strcmp(k->v[i].domain, dom) == 0 &&
		    strcmp(k->v[i].selector, s) == 0) {
			k->table.sel = (int64_t)i;
			table_set_rows(&k->table, (int64_t)k->n);
		}
	free(dom);
	free(s);
	ui_dirty(ui);
}

/* The next periodic re-check, health_interval seconds from now. */
static void
keys_schedule(struct ui *ui, struct keys *k)
{
	const char	*v = config_get(ui_config(ui), "health_interval");
	long long	 secs;

	if (v == NULL || parse_int(v, 5, 86400, &secs) == -1)
		secs = 30;
	k->next_check = ui_now() + secs * 1000;
}

/* Check every key. */
static void
keys_check_all(struct ui *ui, struct keys *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++)
		kcheck_queue(kchecks_get(&k->checks, k->v[i].domain,
		    k->v[i].selector));
	k->checked = 1;
	keys_schedule(ui, k);
	ui_tick_in(ui, k, 0);
}

/* A check found the record of a key that awaited publication: the child
 * activated it. Read the keys again and say so. */
static void
keys_activated(struct ui *ui, struct keys *k)
{
	struct kcheck	*c;
	size_t		 i;

	for (i = 0; i < k->checks.n; i++) {
		c = k->checks.v[i];
		if (!c->activated)
			continue;
		c->activated = 0;
		keys_load(ui, k);
		ui_info(ui, _("%s selector %s is published: active now, new "
		    "messages are signed with it"), c->domain, c->selector);
	}
}

/* Empty state: keys are read (and checked) when the screen is shown. */
static void *
keys_open(struct ui *ui, void *arg)
{
	struct keys	*k = xcalloc(1, sizeof *k);

	(void)ui;
	(void)arg;
	table_init(&k->table, keys_cols, (int)nitems(keys_cols));
	subcmd_init(&k->gen, k);
	k->checks.owner = k;
	return k;
}

/* Stop every child and free everything. */
static void
keys_close(struct ui *ui, void *state)
{
	struct keys	*k = state;

	(void)ui;
	kchecks_free(&k->checks);
	subcmd_free(&k->gen);
	keys_unload(k);
	free(k->error);
	free(k->gen_domain);
	free(k->gen_selector);
	free(k->gen_algo);
	free(k->select_domain);
	free(k->select_selector);
	free(k);
}

/* Shown: read the keys; check them all the first time, and afterwards
 * the ones never checked (made from the shell meanwhile). */
static void
keys_enter(struct ui *ui, void *state)
{
	struct keys	*k = state;
	struct kcheck	*c;
	size_t		 i;

	k->visible = 1;
	keys_load(ui, k);
	if (!k->checked) {
		keys_check_all(ui, k);
		return;
	}
	for (i = 0; i < k->n; i++) {
		c = kchecks_get(&k->checks, k->v[i].domain, k->v[i].selector);
		if (c->state == KC_NONE)
			kcheck_queue(c);
	}
	ui_tick_in(ui, k, 0);
}

/* Hidden: checks in flight finish; nothing new starts by itself. */
static void
keys_leave(struct ui *ui, void *state)
{
	struct keys	*k = state;

	(void)ui;
	k->visible = 0;
}

/* Settle the children that ended, start queued checks; the spinner
 * turns while any runs. */
static int
keys_tick(struct ui *ui, void *state)
{
	struct keys	*k = state;
	size_t		 busy, i;
	int64_t		 wait;
	int		 gen;

	/* keygen first: a new key's check starts in the same turn. */
	gen = keys_gen_settle(ui, k);
	busy = kchecks_run(ui, &k->checks, KEYS_PARALLEL);
	keys_activated(ui, k);
	if (busy == 0 && !gen && k->visible && ui_now() >= k->next_check) {
		for (i = 0; i < k->n; i++)
			kcheck_requeue(kchecks_get(&k->checks, k->v[i].domain,
			    k->v[i].selector));
		keys_schedule(ui, k);
		busy = kchecks_run(ui, &k->checks, KEYS_PARALLEL);
	}
	if (busy == 0 && !gen) {
		if (!k->visible)
			return -1;	/* enter() asks again */
		wait = k->next_check - ui_now();
		return wait < 1000 ? (wait > 0 ? (int)wait : 0) : 1000;
	}
	k->frame++;
	if (k->visible)
		ui_dirty(ui);
	return KEYS_POLL_MS;
}

/* One cell of the table. */
static const char *
keys_cell(void *arg, int64_t row, int col)
{
	struct keys	*k = arg;
	struct dkim_key	*key = &k->v[row];
	enum ui_role	 role;
	time_t		 t;
	struct tm	 tm;

	switch (col) {
	case 0:
		return key->domain;
	case 1:
		return key->selector;
	case 2:
		return dkim_algo_name(key->algo);
	case 3:
		t = (time_t)key->created_at;
		if (localtime_r(&t, &tm) == NULL)
			return "";
		strftime(k->cell, sizeof k->cell, "%Y-%m-%d %H:%M", &tm);
		return k->cell;
	case 4:
		return key->active ? _("yes") : key->pending ? _("pending") :
		    _("no");
	default:
		snprintf(k->cell, sizeof k->cell, "%s", kcheck_word(
		    kchecks_get(&k->checks, key->domain, key->selector),
		    k->frame, &role));
		return k->cell;
	}
}

/* Colours: active keys and the published status. */
static enum ui_role
keys_role(void *arg, int64_t row, int col)
{
	struct keys	*k = arg;
	struct dkim_key	*key = &k->v[row];
	struct kcheck	*c;
	enum ui_role	 role;

	if (col == 4)
		return key->active ? ROLE_OK : key->pending ? ROLE_WARN :
		    ROLE_DIM;
	if (col != 5)
		return ROLE_NORMAL;
	c = kchecks_get(&k->checks, key->domain, key->selector);
	kcheck_word(c, k->frame, &role);
	return c->stale && c->state != KC_RUNNING && c->state !=
	    KC_QUEUED ? ROLE_DIM : role;
}

/* The selected key's record name and published status, below the table. */
static void
keys_detail(struct ui *ui, struct keys *k, int y, int w)
{
	struct dkim_key	*key = keys_selected(k);
	struct kcheck	*c;
	char		*line, when[32];
	struct tm	 tm;
	int		 x;

	if (key == NULL)
		return;
	c = kchecks_get(&k->checks, key->domain, key->selector);
	x = ui_printf(ui, y, 1, w - 2, ROLE_EMPH, "%s._domainkey.%s",
	    key->selector, key->domain);
	if (c->state == KC_DONE || c->state == KC_FAILED) {
		strftime(when, sizeof when, "%H:%M:%S",
		    localtime_r(&c->when, &tm));
		ui_printf(ui, y, x + 3, w - x - 4, ROLE_DIM,
		    _("checked at %s (c: again)"), when);
	} else if (c->state != KC_NONE)
		ui_printf(ui, y, x + 3, w - x - 4, ROLE_DIM,
		    _("%s checking in DNS…"), subcmd_spinner(k->frame));
	y++;
	if ((line = kcheck_line(c)) != NULL) {
		y += ui_wrap(ui, y, 3, w - 4, 2, c->stale ? ROLE_DIM :
		    c->verdict != NULL && strcmp(c->verdict, "match") == 0 ?
		    ROLE_OK : ROLE_WARN, line);
		free(line);
	}
	/* One row is left: what the key waits for says it all. */
	if (key->pending)
		ui_print(ui, y++, 3, w - 4, ROLE_WARN,
		    _("Inactive, awaiting publication: it signs once a check "
		    "(run again by itself) finds its record. Enter shows it; "
		    "a activates now."));
	else if (c->fix != NULL && c->state == KC_DONE && strcmp(c->verdict,
	    "absent") != 0)
		ui_printf(ui, y++, 3, w - 4, ROLE_DIM, _("fix: %s"), c->fix);
	else if (c->verdict != NULL && strcmp(c->verdict, "match") != 0)
		ui_print(ui, y++, 3, w - 4, ROLE_DIM,
		    _("Enter shows the record to publish; w there writes it "
		    "to a file."));
}

/* Head, the table (or why there is none), the selected key. */
static void
keys_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct keys	*k = state;
	struct ui_rect	 t = *r;
	char		*dom = keys_sending_domain(ui), *msg;
	size_t		 i, active = 0, pending = 0;
	int		 x, y = r->y;

	for (i = 0; i < k->n; i++)
		if (dom != NULL && strcmp(k->v[i].domain, dom) == 0) {
			active += k->v[i].active != 0;
			pending += k->v[i].pending != 0;
		}
	x = ui_print(ui, y, 1, r->w - 2, ROLE_EMPH, _("DKIM signing keys"));
	if (dom != NULL)
		ui_printf(ui, y, x + 3, r->w - x - 4, active > 0 ? ROLE_DIM :
		    ROLE_WARN, active == 0 && pending > 0 ?
		    ngettext("%zu key · %zu active for %s: its mail is not "
		    "signed until a key's record is published",
		    "%zu keys · %zu active for %s: its mail is not signed "
		    "until a key's record is published", k->n) :
		    active == 0 ?
		    ngettext("%zu key · %zu active for %s: its mail is not "
		    "signed", "%zu keys · %zu active for %s: its mail is not "
		    "signed", k->n) : active > 1 ?
		    ngettext("%zu key · %zu active for %s (one signature "
		    "each)", "%zu keys · %zu active for %s (one signature "
		    "each)", k->n) :
		    ngettext("%zu key · %zu active for %s",
		    "%zu keys · %zu active for %s", k->n), k->n, active, dom);
	y++;
	if (k->gen.running)
		ui_printf(ui, y, 1, r->w - 2, ROLE_EMPH, _("%s Generating an "
		    "%s key for %s, selector %s…"), subcmd_spinner(k->frame),
		    k->gen_algo, k->gen_domain, k->gen_selector);
	else if (k->n > 0)
		ui_printf(ui, y, 1, r->w - 2, ROLE_DIM, _("Published: looked "
		    "up through %s; c checks the selected key again, C every "
		    "key."), keys_resolver(ui));
	y++;
	if (k->error != NULL) {
		ui_print(ui, y + 1, 2, r->w - 4, ROLE_FAIL,
		    _("Cannot read the keys:"));
		ui_print(ui, y + 2, 2, r->w - 4, ROLE_FAIL, k->error);
	} else if (k->n == 0) {
		msg = dom != NULL ? xprintf(_("No DKIM keys yet. Press g to "
		    "generate one for %s."), dom) : xstrdup(_("No DKIM keys "
		    "yet. Press g to generate one."));
		x = ui_centre_col(msg, r->w);
		ui_print(ui, y + (r->h - 2) / 3, x, r->w - x, ROLE_DIM, msg);
		free(msg);
		ui_wrap(ui, y + (r->h - 2) / 3 + 2, 4, r->w - 8, 4, ROLE_DIM,
		    _("A DKIM key signs every message from your domain; "
		    "receivers check the signature against the public key "
		    "you publish in DNS. Ed25519 keys are small, but not "
		    "every receiver checks them yet: generate an RSA key "
		    "too, and both sign."));
	} else {
		t.y = y;
		t.h = r->h - (y - r->y) - KEYS_DETAIL;
		table_draw(ui, &k->table, &t, keys_cell, keys_role, k);
		keys_detail(ui, k, r->y + r->h - KEYS_DETAIL + 1, r->w);
	}
	free(dom);
}

/* a: turn the selected key on or off, saying what it means now. */
static void
keys_toggle(struct ui *ui, struct keys *k, struct dkim_key *key)
{
	char	*cause = NULL, *dom = xstrdup(key->domain);
	char	*sel = xstrdup(key->selector);
	int	 on = !key->active, unseen = key->pending;
	size_t	 i, active = 0;

	if (store_dkim_set_active(ui_store(ui), dom, sel, on, &cause) != 0) {
		ui_cause(ui, _("Cannot change the key"), cause);
		goto out;
	}
	keys_load(ui, k);
	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i].domain, dom) == 0 && k->v[i].active)
			active++;
	if (on && unseen)
		ui_error(ui, _("%s selector %s is active, but its record was "
		    "not seen published: receivers fail its signatures until "
		    "it is"), dom, sel);
	else if (on)
		ui_info(ui, ngettext("%s selector %s is active: new messages "
		    "are signed with it (%zu active key for %s)",
		    "%s selector %s is active: new messages are signed with "
		    "it (%zu active keys for %s)", active), dom, sel, active,
		    dom);
	else if (active == 0)
		ui_error(ui, _("%s selector %s is inactive, and %s has no "
		    "active key now: its messages will not be signed"), dom,
		    sel, dom);
	else
		ui_info(ui, _("%s selector %s is inactive; keep its record "
		    "published until mail signed with it is delivered"), dom,
		    sel);
out:
	free(dom);
	free(sel);
}

/* Enter: the DNS records to publish for the selected key. */
static enum ui_action
keys_act_record(struct ui *ui, void *state, int key)
{
	struct keys		*k = state;
	struct dkim_key		*sel = keys_selected(k);
	struct keyrec_arg	*a;

	(void)key;
	if (sel == NULL)
		return UI_HANDLED;
	a = xcalloc(1, sizeof *a);
	a->keys = k;
	a->domain = xstrdup(sel->domain);
	a->selector = xstrdup(sel->selector);
	ui_push(ui, &screen_keyrec_ops, a);
	return UI_REDRAW;
}

/* g: generate a new key. */
static enum ui_action
keys_act_generate(struct ui *ui, void *state, int key)
{
	(void)key;
	keys_form_open(ui, state);
	return UI_REDRAW;
}

/* a: sign with the selected key, or stop. */
static enum ui_action
keys_act_active(struct ui *ui, void *state, int key)
{
	struct keys	*k = state;
	struct dkim_key	*sel = keys_selected(k);

	(void)key;
	if (sel == NULL) {
		ui_error(ui, _("No key: g generates one"));
		return UI_REDRAW;
	}
	keys_toggle(ui, k, sel);
	return UI_REDRAW;
}

/* c: check the selected key's record again. */
static enum ui_action
keys_act_check(struct ui *ui, void *state, int key)
{
	struct keys	*k = state;
	struct dkim_key	*sel = keys_selected(k);

	(void)key;
	if (sel == NULL)
		return UI_HANDLED;
	kcheck_queue(kchecks_get(&k->checks, sel->domain, sel->selector));
	ui_info(ui, _("Checking %s._domainkey.%s"), sel->selector,
	    sel->domain);
	ui_tick_in(ui, k, 0);
	return UI_REDRAW;
}

/* C: check every key's record again. */
static enum ui_action
keys_act_check_all(struct ui *ui, void *state, int key)
{
	(void)key;
	keys_check_all(ui, state);
	ui_info(ui, _("Checking every key"));
	return UI_REDRAW;
}

/* r: read the keys again. */
static enum ui_action
keys_act_reload(struct ui *ui, void *state, int key)
{
	(void)key;
	keys_load(ui, state);
	ui_info(ui, _("Keys reloaded"));
	return UI_REDRAW;
}

/* The table's movement keys. */
static enum ui_action
keys_act_move(struct ui *ui, void *state, int key)
{
	struct keys	*k = state;

	(void)ui;
	return table_key(&k->table, key) ? UI_REDRAW : UI_IGNORED;
}

/* g generates before the table sees it (Home still goes to the top). */
static const struct action keys_actions[] = {
	{ N_("Enter"), N_("Record"), N_("show the DNS records to publish for "
	    "the key"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER) }, keys_act_record, NULL },
	{ "g", N_("Generate"), N_("generate a new key (RSA 2048, RSA 3072 or "
	  "Ed25519)"), { 'g' }, keys_act_generate, NULL },
	{ "a", N_("Active"), N_("sign new messages with the key, or stop (the "
	    "key stays)"), { 'a' }, keys_act_active, NULL },
	{ "c", N_("Check"), N_("check again whether the record is published "
	    "(C: every key; also every health_interval seconds while shown)"),
	  { 'c' }, keys_act_check, NULL },
	{ "r", NULL, N_("read the keys again"),
	  { 'r' }, keys_act_reload, NULL },
	{ "↑↓ j k", NULL, N_("move; PgUp PgDn Home End G scroll"),
	  { 0 }, keys_act_move, NULL },
	{ NULL, NULL, NULL, { 'C' }, keys_act_check_all, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the Keys screen; the rest go to the shell. */
static enum ui_action
keys_key(struct ui *ui, void *state, int key)
{
	return action_key(keys_actions, ui, state, key);
}

const struct screen_ops screen_keys_ops = {
	.name = N_("Keys"),
	.actions = keys_actions,
	.open = keys_open,
	.close = keys_close,
	.enter = keys_enter,
	.leave = keys_leave,
	.draw = keys_draw,
	.key = keys_key,
	.tick = keys_tick,
};
