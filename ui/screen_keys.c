/*
 * The Keys screen: a placeholder until issue #4 brings DKIM keys. It says
 * plainly what it will do; it shows no made-up data.
 */
#include "widget.h"

/* What the screen will be. */
static void
keys_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	(void)state;
	ui_print(ui, r->y + 1, 2, r->w - 4, ROLE_EMPH,
	    "Keys: DKIM signing keys and their DNS records");
	ui_print(ui, r->y + 2, 2, r->w - 4, ROLE_DIM,
	    "(not built yet: issue #4)");
	ui_wrap(ui, r->y + 4, 2, r->w > 84 ? 80 : r->w - 4, r->h - 5,
	    ROLE_NORMAL,
	    "Here you will generate DKIM keys for your sending domain "
	    "(RSA 2048 or 3072, or Ed25519), see each key's selector, "
	    "algorithm and age, and get the exact TXT record to publish, "
	    "in a box ready to copy from an SSH terminal.\n\n"
	    "Each key will show, live, whether the record published in "
	    "DNS matches the local key: not published, a different key, "
	    "revoked, or ok.\n\n"
	    "Private keys stay in a 0700 directory beside the database "
	    "and are never shown.");
}

const struct screen_ops screen_keys_ops = {
	.name = "Keys",
	.draw = keys_draw,
};
