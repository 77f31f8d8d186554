/*
 * The Settings screen: the keys of herald.conf an operator changes most,
 * one row each with the value in effect and where it comes from (the file,
 * or the default, shown for every unset key). Enter edits the selected
 * key in a prompt; the value is checked and written by config_set, the
 * very function `herald config set` uses, so a value the command refuses
 * is refused here with the same message naming the key, and nothing is
 * written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "config/config.h"
#include "ui/kit/action.h"
#include "ui/kit/widget.h"
#include "settings_ui.h"

/* The keys shown, in this order: who sends, how, then where what comes
 * back is read (the Feedback screen's f). */
static const char *const settings_shown[] = {
	"from", "domain", "helo", "source_ip", "resolver", "relay",
	"relay_user", "tls_policy", "rate", "concurrency", "per_domain",
	"smtp_port", "ca_file", "feedback_source", "feedback_password_file",
};

static const struct table_col settings_cols[] = {
	{ N_("Setting"), 22, 0, 0 },
	{ N_("Value"), 20, 3, 0 },
	{ N_("Source"), 8, 0, 0 },
	{ N_("Meaning"), 20, 4, 0 },
};

struct settings {
	struct ui	*ui;		/* for the table's callbacks */
	struct table	 table;
	char		 cell[ADDR_MAX + 64];
};

/* The key on row i. */
static const char *
settings_key_at(int64_t i)
{
	if (i < 0 || (size_t)i >= nitems(settings_shown))
		return NULL;
	return settings_shown[i];
}

/* What a key takes when unset: its default, for domain the From
 * address's domain, else what its help says in "(default: ...)"; NULL
 * when nothing. */
static const char *
settings_default(struct ui *ui, struct settings *s, const char *key)
{
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	const char		*from, *reason, *v, *p;
	const struct config_key	*k;

	if (strcmp(key, "domain") != 0) {
		if ((v = config_get(ui_config(ui), key)) != NULL)
			return v;
		if ((k = config_key_find(key)) == NULL ||
		    (p = strstr(k->help, "(default: ")) == NULL)
			return NULL;
		p += strlen("(default: ");
		snprintf(s->cell, sizeof s->cell, "(%.*s)", (int)strcspn(p,
		    ")"), p);
		return s->cell;
	}
	from = config_get(ui_config(ui), "from");
	if (from == NULL || addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == -1)
		return NULL;
	snprintf(s->cell, sizeof s->cell, "%s", addr_domain(addr));
	return s->cell;
}

/* A cell: the key, its value, where the value comes from, its help. */
static const char *
settings_cell(void *arg, int64_t row, int col)
{
	struct settings		*s = arg;
	struct ui		*ui = s->ui;
	const char		*key = settings_key_at(row), *v;
	const struct config_key	*k;
	int			 set;

	if (key == NULL)
		return NULL;
	set = config_is_set(ui_config(ui), key);
	switch (col) {
	case 0:
		return key;
	case 1:
		v = set ? config_get(ui_config(ui), key) :
		    settings_default(ui, s, key);
		return v != NULL && *v != '\0' ? v : "-";
	case 2:
		if (set)
			return _("file");
		return settings_default(ui, s, key) != NULL ? _("default") :
		    _("unset");
	default:
		k = config_key_find(key);
		return k != NULL ? _(k->help) : NULL;
	}
}

/* Values from the file stand out; defaults are dim. */
static enum ui_role
settings_role(void *arg, int64_t row, int col)
{
	struct settings	*s = arg;
	struct ui	*ui = s->ui;
	const char	*key = settings_key_at(row);

	if (key == NULL || col == 0)
		return ROLE_NORMAL;
	if (col == 3)
		return ROLE_DIM;
	return config_is_set(ui_config(ui), key) ? ROLE_EMPH : ROLE_DIM;
}

/* The table of settings. */
static void *
settings_open(struct ui *ui, void *arg)
{
	struct settings	*s = xcalloc(1, sizeof *s);

	(void)arg;
	s->ui = ui;
	table_init(&s->table, settings_cols, (int)nitems(settings_cols));
	table_set_rows(&s->table, (int64_t)nitems(settings_shown));
	return s;
}

/* Free the table. */
static void
settings_close(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
}

/* Title and file, the table, then the selected key's help in full. */
static void
settings_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct settings		*s = state;
	struct ui_rect		 t = *r;
	const struct config_key	*k;
	const char		*key;
	int			 x;

	x = ui_print(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Settings"));
	ui_printf(ui, r->y, x + 3, r->w - x - 4, ROLE_DIM, "%s",
	    config_file(ui_config(ui)));
	t.y = r->y + 2;
	t.h = r->h - 5;
	table_layout(&s->table, &t);
	table_draw(ui, &s->table, &t, settings_cell, settings_role, s);
	if ((key = settings_key_at(s->table.sel)) != NULL &&
	    (k = config_key_find(key)) != NULL)
		ui_printf(ui, r->y + r->h - 2, 2, r->w - 4, ROLE_NORMAL,
		    "%s: %s", key, _(k->help));
	ui_print(ui, r->y + r->h - 1, 2, r->w - 4, ROLE_DIM, _("Enter: "
	    "change it (checked as by herald config set). A send keeps the "
	    "settings it started with."));
}

/* The value typed for a key: check and write it, or say why not. */
static int
settings_done(struct ui *ui, const char *text, void *arg)
{
	const char	*key = arg;
	char		*v, *cause = NULL;

	if (text == NULL) {
		ui_info(ui, _("%s not changed"), key);
		return 0;
	}
	v = trim(xstrdup(text));
	if (config_set(ui_config(ui), key, v, &cause) == -1) {
		ui_error(ui, _("Not saved: %s"), cause != NULL ? cause :
		    _("not valid"));
		free(cause);
		free(v);
		return -1;
	}
	ui_config_changed(ui);
	ui_info(ui, _("Saved: %s = %s"), key, v);
	free(v);
	return 0;
}

/* Enter, e: change the selected setting in a prompt. */
static enum ui_action
settings_act_edit(struct ui *ui, void *state, int key)
{
	struct settings		*s = state;
	const struct config_key	*k;
	const char		*name, *v;
	char			*label;

	(void)key;
	if ((name = settings_key_at(s->table.sel)) == NULL ||
	    (k = config_key_find(name)) == NULL)
		return UI_HANDLED;
	v = config_is_set(ui_config(ui), name) ? config_get(ui_config(ui),
	    name) : NULL;
	label = xprintf("%s: %s", name, _(k->help));
	/* The key name is static: it outlives the prompt. */
	prompt_open(ui, _("Change a setting"), label, v != NULL ? v : "",
	    strcmp(name, "ca_file") == 0 ||
	    strcmp(name, "feedback_password_file") == 0, settings_done,
	    (void *)k->name);
	free(label);
	return UI_REDRAW;
}

/* The table's movement keys. */
static enum ui_action
settings_act_move(struct ui *ui, void *state, int key)
{
	struct settings	*s = state;

	(void)ui;
	return table_key(&s->table, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action settings_actions[] = {
	{ N_("Enter"), N_("Edit"), N_("change the selected setting (checked, "
	    "then written to the configuration file)"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER), 'e' }, settings_act_edit, NULL },
	{ "↑↓ j k", NULL, N_("choose a setting"),
	  { 0 }, settings_act_move, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Enter edits; the table keys move. */
static enum ui_action
settings_key(struct ui *ui, void *state, int key)
{
	return action_key(settings_actions, ui, state, key);
}

const struct screen_ops screen_settings_ops = {
	.name = N_("Settings"),
	.actions = settings_actions,
	.open = settings_open,
	.close = settings_close,
	.draw = settings_draw,
	.key = settings_key,
};
