/*
 * The Send screen: a placeholder until issue #5 brings the send engine. It
 * says plainly what it will do; it shows no made-up data.
 */
#include "widget.h"

/* What the screen will be. */
static void
send_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	(void)state;
	ui_print(ui, r->y + 1, 2, r->w - 4, ROLE_EMPH,
	    "Send: deliver an issue and watch it go out");
	ui_print(ui, r->y + 2, 2, r->w - 4, ROLE_DIM,
	    "(not built yet: issue #5)");
	ui_wrap(ui, r->y + 4, 2, r->w > 84 ? 80 : r->w - 4, r->h - 5,
	    ROLE_NORMAL,
	    "Here you will launch a send: the issue, how many recipients "
	    "and domains, the health verdict, the TLS policy, and a test "
	    "to one address first.\n\n"
	    "During a send the screen will show a progress bar and "
	    "counters (delivered, deferred, bounced, unknown, in flight), "
	    "and one line per recipient as it happens: the MX, the TLS "
	    "version and cipher, whether the certificate was verified, "
	    "and the server's reply.\n\n"
	    "The send runs in its own process: closing this console or "
	    "losing the SSH connection does not stop it, and reopening "
	    "the console shows it again.");
}

const struct screen_ops screen_send_ops = {
	.name = "Send",
	.draw = send_draw,
};
