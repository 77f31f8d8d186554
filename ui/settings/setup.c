/*
 * First run: no From address is configured yet, so instead of empty
 * screens the console asks for it (validated, then saved to herald.conf)
 * and offers the other settings with their defaults, each a field that
 * Tab and Shift-Tab move between. Esc skips it for this session.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "ui/kit/action.h"
#include "ui/kit/widget.h"
#include "settings_ui.h"

/* The From address first, then the rest with their defaults: each is a
 * field, so a default can be changed here, the first time. */
static const char *const setup_names[] = {
	"from", "bounce", "tls_policy", "concurrency", "per_domain", "rate",
	"smtp_port", "health_interval",
};
#define SETUP_FIELDS	((int)nitems(setup_names))

struct setup {
	struct field	 f[nitems(setup_names)];
	int		 focus;
	char		*error;
};

/* The form, each field holding its key's value (or default). */
static void *
setup_open(struct ui *ui, void *arg)
{
	struct setup	*s = xcalloc(1, sizeof *s);
	const char	*v;
	int		 i;

	(void)arg;
	for (i = 0; i < SETUP_FIELDS; i++) {
		v = config_get(ui_config(ui), setup_names[i]);
		field_init(&s->f[i], v != NULL ? v : "");
		field_select_all(&s->f[i]);
	}
	return s;
}

/* Free the form. */
static void
setup_close(struct ui *ui, void *state)
{
	struct setup	*s = state;
	int		 i;

	(void)ui;
	for (i = 0; i < SETUP_FIELDS; i++)
		field_free(&s->f[i]);
	free(s->error);
	free(s);
}

/* The welcome text, the From field and the other settings. */
static void
setup_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct setup			*s = state;
	const struct config_key		*k;
	int				 y = r->y + 1, w = r->w - 4, i;

	if (w > 96)
		w = 96;
	ui_print(ui, y, 2, w, ROLE_EMPH, _("Welcome to herald"));
	y += 2;
	y += ui_wrap(ui, y, 2, w, 2, ROLE_NORMAL, _("herald sends "
	    "announcement mail from your own domain. First it needs the From "
	    "address your issues will carry: a name and an address at that "
	    "domain."));
	y++;
	ui_print(ui, y, 2, 16, ROLE_EMPH, _("From address"));
	field_draw(ui, &s->f[0], y, 18, w - 16 > 60 ? 60 : w - 16,
	    s->focus == 0);
	y++;
	if (s->error != NULL)
		ui_print(ui, y, 18, w - 16, ROLE_FAIL, s->error);
	else
		ui_print(ui, y, 18, w - 16, ROLE_DIM,
		    _("for example:  Info <info@example.org>"));
	y += 2;
	ui_print(ui, y++, 2, w, ROLE_NORMAL, _("The rest has defaults (Tab "
	    "to change one here, or later `herald config set KEY VALUE`):"));
	for (i = 1; i < SETUP_FIELDS && y < r->y + r->h - 2; i++) {
		k = config_key_find(setup_names[i]);
		ui_print(ui, y, 4, 17, s->focus == i ? ROLE_EMPH : ROLE_NORMAL,
		    setup_names[i]);
		field_draw(ui, &s->f[i], y, 22, 24, s->focus == i);
		ui_print(ui, y++, 48, w - 46, ROLE_DIM,
		    k != NULL ? _(k->help) : "");
	}
	y++;
	if (y < r->y + r->h)
		ui_printf(ui, y, 2, w, ROLE_DIM, _("Enter saves to %s    Tab "
		    "next field    Esc skips for now"),
		    config_file(ui_config(ui)));
}

/* Field i's text, trimmed, allocated; *changed when it differs from
 * what the configuration says now. */
static char *
setup_value(struct ui *ui, struct setup *s, int i, int *changed)
{
	const char	*now = config_get(ui_config(ui), setup_names[i]);
	char		*v = trim(xstrdup(s->f[i].text));

	*changed = strcmp(v, now != NULL ? now : "") != 0;
	return v;
}

/* Validate every field, then save those that changed; the first bad
 * one gets the focus and its error. */
static enum ui_action
setup_save(struct ui *ui, struct setup *s)
{
	char	*v, *cause = NULL, *from = NULL;
	int	 i, changed;

	free(s->error);
	s->error = NULL;
	for (i = 0; i < SETUP_FIELDS && s->error == NULL; i++) {
		v = setup_value(ui, s, i, &changed);
		if (i == 0 && *v == '\0')
			s->error = xstrdup(_("Type the From address, e.g. "
			    "Info <info@example.org>"));
		else if ((changed || i == 0) &&
		    config_validate(setup_names[i], v, &cause) == -1)
			s->error = cause != NULL ? cause : xstrdup(
			    _("not valid"));
		if (s->error != NULL)
			s->focus = i;
		free(v);
	}
	for (i = 0; i < SETUP_FIELDS && s->error == NULL; i++) {
		v = setup_value(ui, s, i, &changed);
		if ((changed || i == 0) && config_set(ui_config(ui),
		    setup_names[i], v, &cause) == -1) {
			s->error = cause != NULL ? cause : xstrdup(
			    _("not saved"));
			s->focus = i;
		}
		if (i == 0)
			from = v;
		else
			free(v);
	}
	if (s->error != NULL) {
		free(from);
		return UI_REDRAW;
	}
	ui_config_changed(ui);
	ui_info(ui, _("Saved: from = %s"), from);
	free(from);
	return UI_POP;
}

/* Enter: save the form. */
static enum ui_action
setup_act_save(struct ui *ui, void *state, int key)
{
	(void)key;
	return setup_save(ui, state);
}

/* Tab, Down: the next field. */
static enum ui_action
setup_act_next(struct ui *ui, void *state, int key)
{
	struct setup	*s = state;

	(void)ui;
	(void)key;
	s->focus = (s->focus + 1) % SETUP_FIELDS;
	return UI_REDRAW;
}

/* Shift-Tab, Up: the previous field. */
static enum ui_action
setup_act_prev(struct ui *ui, void *state, int key)
{
	struct setup	*s = state;

	(void)ui;
	(void)key;
	s->focus = (s->focus + SETUP_FIELDS - 1) % SETUP_FIELDS;
	return UI_REDRAW;
}

/* Esc: skip the form for this session. */
static enum ui_action
setup_act_skip(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	ui_info(ui, _("Setup skipped: herald will ask again next time"));
	return UI_POP;
}

/* Any other key edits the focused field. */
static enum ui_action
setup_act_type(struct ui *ui, void *state, int key)
{
	struct setup	*s = state;

	if (field_key(ui, &s->f[s->focus], key) == FIELD_IGNORED)
		return UI_IGNORED;
	free(s->error);
	s->error = NULL;
	return UI_REDRAW;
}

/*
 * Tab and Shift-Tab move between fields (never to another screen: what
 * was typed would be left unsaved); Enter saves, Esc skips (as a field
 * takes them: Ctrl-C and Ctrl-G cancel too); the rest is typing.
 */
static const struct action setup_actions[] = {
	{ N_("Enter"), N_("Save"), N_("save the form to the configuration "
	    "file"),
	  { '\r', '\n', UI_FKEY(KEY_ENTER) }, setup_act_save, NULL },
	{ N_("Tab"), NULL, N_("next field (Shift-Tab: previous); what was "
	    "typed stays until Enter saves it"),
	  { '\t', UI_FKEY(KEY_DOWN) }, setup_act_next, NULL },
	{ N_("Esc"), N_("Skip"), N_("skip for now (asked again next time)"),
	  { UI_ESC, UI_CTRL('c'), UI_CTRL('g') }, setup_act_skip, NULL },
	{ NULL, NULL, NULL, { UI_FKEY(KEY_BTAB), UI_FKEY(KEY_UP) },
	  setup_act_prev, NULL },
	{ NULL, NULL, NULL, { 0 }, setup_act_type, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys go to the form's actions, the rest to the shell. */
static enum ui_action
setup_key(struct ui *ui, void *state, int key)
{
	return action_key(setup_actions, ui, state, key);
}

const struct screen_ops screen_setup_ops = {
	.name = N_("Setup"),
	.actions = setup_actions,
	.open = setup_open,
	.close = setup_close,
	.draw = setup_draw,
	.key = setup_key,
};
