/*
 * The Health screen: a placeholder until issue #3 brings the domain health
 * report. It says plainly what it will do; it shows no made-up data.
 */
#include "widget.h"

/* What the screen will be. */
static void
health_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	(void)state;
	ui_print(ui, r->y + 1, 2, r->w - 4, ROLE_EMPH,
	    "Health: is this host allowed to send for your domain?");
	ui_print(ui, r->y + 2, 2, r->w - 4, ROLE_DIM,
	    "(not built yet: issue #3)");
	ui_wrap(ui, r->y + 4, 2, r->w > 84 ? 80 : r->w - 4, r->h - 5,
	    ROLE_NORMAL,
	    "Here you will watch a checklist for your sending domain and "
	    "address: SPF for this host's IP, reverse DNS (PTR) and its "
	    "forward confirmation, the HELO name, DKIM records for your "
	    "keys, DMARC policy and alignment, and MX for bounces.\n\n"
	    "Each line will be ok, warn or fail with a symbol, and every "
	    "failing line will show the exact record to publish. The list "
	    "re-checks itself every 30 seconds (press r to check at once), "
	    "so you can watch a line turn ok after fixing your DNS.\n\n"
	    "Until then, `herald check DOMAIN` will give the same report "
	    "on the command line once issue #3 lands.");
}

const struct screen_ops screen_health_ops = {
	.name = "Health",
	.draw = health_draw,
};
