/*
 * First run: no From address is configured yet, so instead of empty
 * screens the console asks for it (validated, then saved to herald.conf)
 * and shows the defaults the rest of herald will use. Esc skips it for
 * this session.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "widget.h"

static const struct ui_keyhelp setup_keys[] = {
	{ "Enter", "Save", "save the From address to the configuration file" },
	{ "Esc", "Skip", "skip for now (asked again next time)" },
	{ NULL, NULL, NULL }
};

/* The defaults shown read-only below the form. */
static const char *const setup_shown[] = {
	"tls_policy", "concurrency", "per_domain", "rate", "smtp_port",
	"health_interval",
};

struct setup {
	struct field	 from;
	char		*error;
};

/* The form, prefilled with any From already given. */
static void *
setup_open(struct ui *ui, void *arg)
{
	struct setup	*s = xcalloc(1, sizeof *s);
	const char	*from = config_get(ui_config(ui), "from");

	(void)arg;
	field_init(&s->from, from != NULL ? from : "");
	return s;
}

/* Free the form. */
static void
setup_close(struct ui *ui, void *state)
{
	struct setup	*s = state;

	(void)ui;
	field_free(&s->from);
	free(s->error);
	free(s);
}

/* The welcome text, the From field and the defaults. */
static void
setup_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct setup			*s = state;
	const struct config_key		*k;
	const char			*v;
	int				 y = r->y + 1, w = r->w - 4;
	size_t				 i;

	if (w > 96)
		w = 96;
	ui_print(ui, y, 2, w, ROLE_EMPH, "Welcome to herald");
	y += 2;
	ui_print(ui, y++, 2, w, ROLE_NORMAL, "herald sends announcement mail "
	    "from your own domain. First it needs the");
	ui_print(ui, y++, 2, w, ROLE_NORMAL, "From address your issues will "
	    "carry: a name and an address at that domain.");
	y++;
	ui_print(ui, y, 2, 16, ROLE_EMPH, "From address");
	field_draw(ui, &s->from, y, 18, w - 16 > 60 ? 60 : w - 16, 1);
	y++;
	if (s->error != NULL)
		ui_print(ui, y, 18, w - 16, ROLE_FAIL, s->error);
	else
		ui_print(ui, y, 18, w - 16, ROLE_DIM,
		    "for example:  Info <info@example.org>");
	y += 2;
	ui_print(ui, y++, 2, w, ROLE_NORMAL, "Defaults (change them later "
	    "with `herald config set KEY VALUE`):");
	for (i = 0; i < nitems(setup_shown) && y < r->y + r->h - 2; i++) {
		k = config_key_find(setup_shown[i]);
		v = config_get(ui_config(ui), setup_shown[i]);
		ui_print(ui, y, 4, 18, ROLE_NORMAL, setup_shown[i]);
		ui_print(ui, y, 22, 8, ROLE_EMPH, v != NULL ? v : "-");
		ui_print(ui, y++, 30, w - 28, ROLE_DIM,
		    k != NULL ? k->help : "");
	}
	y++;
	if (y < r->y + r->h)
		ui_printf(ui, y, 2, w, ROLE_DIM, "Enter saves to %s    "
		    "Esc skips for now", config_file(ui_config(ui)));
}

/* Validate and save the From address. */
static enum ui_action
setup_save(struct ui *ui, struct setup *s)
{
	char	*v = trim(xstrdup(s->from.text)), *cause = NULL;

	free(s->error);
	s->error = NULL;
	if (*v == '\0')
		s->error = xstrdup("Type the From address, e.g. "
		    "Info <info@example.org>");
	else if (config_validate("from", v, &cause) == -1 ||
	    config_set(ui_config(ui), "from", v, &cause) == -1) {
		s->error = cause != NULL ? cause : xstrdup("not valid");
	}
	if (s->error != NULL) {
		free(v);
		return UI_REDRAW;
	}
	ui_config_changed(ui);
	ui_info(ui, "Saved: from = %s", v);
	free(v);
	return UI_POP;
}

/* Keys go to the field; Enter saves, Esc skips. */
static enum ui_action
setup_key(struct ui *ui, void *state, int key)
{
	struct setup	*s = state;

	switch (field_key(ui, &s->from, key)) {
	case FIELD_ENTER:
		return setup_save(ui, s);
	case FIELD_CANCEL:
		ui_info(ui, "Setup skipped: herald will ask again next time");
		return UI_POP;
	case FIELD_IGNORED:
		return UI_IGNORED;
	default:
		free(s->error);
		s->error = NULL;
		return UI_REDRAW;
	}
}

const struct screen_ops screen_setup_ops = {
	.name = "Setup",
	.keys = setup_keys,
	.open = setup_open,
	.close = setup_close,
	.draw = setup_draw,
	.key = setup_key,
};
