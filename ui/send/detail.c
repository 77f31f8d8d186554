/*
 * A recipient in full, over the Send screen (Enter on a row of its
 * panel): where it stands, the server's whole reply, the MX and address,
 * TLS version and cipher, the trust word, the certificate's subject and
 * issuer the latest attempt saw, and every attempt with its time and
 * outcome. Read from the database when opened; q, Esc or Left go back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send_ui.h"
#include "ui/kit/action.h"
#include "store/store.h"
#include "base/utf8.h"

#define DETAIL_LABEL	14	/* width of the labels, at least */

struct detail {
	int64_t			 send_id, rcpt_id;
	char			*rcpt;
	struct kv		 lines;
	int			 attempts;	/* outcomes seen */
	int			 found;
	int			 labelw;	/* the widest label + 2 */
	char			*error;
};

/* Append a line, its label (an N_() msgid) translated; the labels'
 * column grows to the widest label as shown. */
static void
detail_add(struct detail *d, const char *label, enum ui_role role,
    const char *text)
{
	const char	*l = *label != '\0' ? _(label) : "";
	int		 w = utf8_width(l) + 2;

	if (w > d->labelw)
		d->labelw = w;
	kv_add(&d->lines, l, role, text);
}

/* "250 2.0.0 text", or the text alone when no server answered. */
static char *
detail_reply(const struct send_event *e)
{
	if (e->code > 0)
		return xprintf("%d%s%s %s", e->code, *e->enhanced != '\0' ?
		    " " : "", e->enhanced, e->reply);
	return xstrdup(*e->reply != '\0' ? e->reply : "-");
}

/* The recipient as it stands. */
static int
detail_latest(const struct send_event *e, void *arg)
{
	struct detail	*d = arg;
	char		*t, at[32];
	enum send_trust	 trust = send_trust_of(e->tls_verify, e->tls_dane);

	d->found = 1;
	t = xprintf(ngettext("%s after %d attempt (%s)",
	    "%s after %d attempts (%s)", (unsigned long)e->attempts),
	    rcpt_state_name(e->state), e->attempts,
	    send_clock(at, sizeof at, e->at, 1));
	detail_add(d, N_("State"), send_state_role(e->state), t);
	free(t);
	if (e->state == RCPT_DEFERRED && e->next_at > 0)
		detail_add(d, N_("Next attempt"), ROLE_NORMAL,
		    send_clock(at, sizeof at, e->next_at, 1));
	t = detail_reply(e);
	detail_add(d, N_("Reply"), send_state_role(e->state), t);
	free(t);
	detail_add(d, N_("MX"), ROLE_NORMAL, *e->mx != '\0' ? e->mx : "-");
	detail_add(d, N_("IP"), ROLE_NORMAL, *e->ip != '\0' ? e->ip : "-");
	if (*e->tls_version != '\0') {
		t = xprintf(_("%s, cipher %s"), e->tls_version,
		    e->tls_cipher);
		detail_add(d, N_("TLS"), ROLE_NORMAL, t);
		free(t);
	} else
		detail_add(d, N_("TLS"), trust == TRUST_UNSET ? ROLE_DIM :
		    ROLE_FAIL, trust == TRUST_UNSET ? "-" :
		    _("none: plaintext"));
	detail_add(d, N_("Trust"), send_trust_role(trust),
	    send_trust_word(trust));
	if (*e->tls_dane != '\0')
		detail_add(d, N_("DANE"), ROLE_NORMAL, e->tls_dane);
	detail_add(d, N_("Certificate"), ROLE_NORMAL, e->peer_subject != NULL &&
	    *e->peer_subject != '\0' ? e->peer_subject : "-");
	t = xprintf(_("issued by %s"), e->peer_issuer != NULL &&
	    *e->peer_issuer != '\0' ? e->peer_issuer : "-");
	detail_add(d, "", ROLE_NORMAL, t);
	free(t);
	return 0;
}

/* One attempt's outcome (the events in between are steps of it). */
static int
detail_event(const struct send_event *e, void *arg)
{
	struct detail	*d = arg;
	char		*reply, *t, at[32], n[16];

	if (!rcpt_state_is_outcome(e->state))
		return 0;
	d->attempts++;
	reply = detail_reply(e);
	t = xprintf("%s  %-9s %s%s%s%s  %s", send_clock(at, sizeof at,
	    e->at, 1), rcpt_state_name(e->state), *e->mx != '\0' ? e->mx : "-",
	    *e->ip != '\0' ? " [" : "", e->ip, *e->ip != '\0' ? "]" : "",
	    reply);
	snprintf(n, sizeof n, "  %d", d->attempts);
	detail_add(d, n, send_state_role(e->state), t);
	free(t);
	free(reply);
	return 0;
}

/* Read the recipient; an error is shown in the view. */
static void *
detail_open(struct ui *ui, void *arg)
{
	struct detail	*d = arg;
	char		*cause = NULL;

	if (store_send_rcpt(ui_store(ui), d->send_id, d->rcpt_id, 0,
	    detail_latest, d, &cause) == -1)
		goto fail;
	if (!d->found) {
		d->error = xstrdup(_("this recipient is not in the send"));
		return d;
	}
	detail_add(d, "", ROLE_NORMAL, "");
	detail_add(d, N_("Attempts"), ROLE_EMPH, "");
	if (store_send_rcpt(ui_store(ui), d->send_id, d->rcpt_id, 1,
	    detail_event, d, &cause) == -1)
		goto fail;
	if (d->attempts == 0)
		detail_add(d, "", ROLE_DIM, _("none recorded yet"));
	return d;
fail:
	d->error = cause != NULL ? cause : xstrdup(_("cannot read it"));
	return d;
}

/* Free the lines. */
static void
detail_close(struct ui *ui, void *state)
{
	struct detail	*d = state;

	(void)ui;
	kv_free(&d->lines);
	free(d->rcpt);
	free(d->error);
	free(d);
}

/* Title, then the lines from top, each wrapped after its label. */
static void
detail_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct detail	*d = state;
	int		 y = r->y + 2, x = r->x + 2, w = r->w - 4;

	ui_printf(ui, r->y, x, w, ROLE_EMPH, _("Send %lld › %s"),
	    (long long)d->send_id, d->rcpt);
	if (d->error != NULL) {
		ui_printf(ui, y, x, w, ROLE_FAIL, _("Cannot show the "
		    "recipient: %s"), d->error);
		return;
	}
	kv_draw(ui, &d->lines, y, x, w, r->y + r->h, d->labelw);
}

/* Scrolling keys. */
static enum ui_action
detail_act_scroll(struct ui *ui, void *state, int key)
{
	struct detail	*d = state;

	(void)ui;
	return kv_scroll(&d->lines, key);
}

static const struct action detail_actions[] = {
	/* Also q and Left; the bar names Esc, since its q reads Quit. */
	{ N_("Esc"), N_("Back"), N_("back to the Send screen (also q, Left)"),
	  { UI_ESC, 'q', 'h', UI_FKEY(KEY_LEFT) }, action_pop, NULL },
	{ "↑↓ j k", NULL, N_("scroll"), { 0 }, detail_act_scroll, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* q, Esc, Left: back; arrows scroll. */
static enum ui_action
detail_key(struct ui *ui, void *state, int key)
{
	return action_key(detail_actions, ui, state, key);
}

static const struct screen_ops send_detail_ops = {
	.name = N_("Recipient"),
	.actions = detail_actions,
	.open = detail_open,
	.close = detail_close,
	.draw = detail_draw,
	.key = detail_key,
};

/* Enter on the panel: the selected recipient in full. */
void
send_detail_open(struct ui *ui, struct send_screen *s)
{
	const struct send_row	*r = send_panel_selected(s);
	struct detail		*d;

	if (r == NULL) {
		ui_info(ui, "%s", _("No recipient selected"));
		return;
	}
	d = xcalloc(1, sizeof *d);
	d->labelw = DETAIL_LABEL;
	d->send_id = s->live.id;
	d->rcpt_id = r->rcpt_id;
	d->rcpt = xstrdup(r->rcpt);
	ui_push(ui, &send_detail_ops, d);
}
