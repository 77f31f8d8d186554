/*
 * The Compose screen: a placeholder until issue #4 brings composition. It
 * says plainly what it will do; it shows no made-up data.
 */
#include "widget.h"

/* What the screen will be. */
static void
compose_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	(void)state;
	ui_print(ui, r->y + 1, 2, r->w - 4, ROLE_EMPH,
	    "Compose: write and preview an issue");
	ui_print(ui, r->y + 2, 2, r->w - 4, ROLE_DIM,
	    "(not built yet: issue #4)");
	ui_wrap(ui, r->y + 4, 2, r->w > 84 ? 80 : r->w - 4, r->h - 5,
	    ROLE_NORMAL,
	    "Here you will write an issue: the announcement itself. "
	    "herald opens your own editor ($VISUAL or $EDITOR) on the "
	    "headers (From, Reply-To, Subject, List) above the plain-text "
	    "body, as mutt does, and comes back here when you save.\n\n"
	    "The screen will then show the exact message one recipient "
	    "gets, signed with your DKIM key, with the merge fields "
	    "filled in ({{name}}, {{email}} and every imported "
	    "attribute), and whether the signature verifies.\n\n"
	    "Until then, address lists are ready on the Lists screen "
	    "(press 1).");
}

const struct screen_ops screen_compose_ops = {
	.name = "Compose",
	.draw = compose_draw,
};
