/*
 * A finding's message in full, over the Feedback screen (Enter): the
 * message as read (its source, Message-ID, SHA-256, when, or why it could
 * not be read), then each finding in it with what was concluded and why,
 * as `herald feedback show` prints them. A finding that came with no
 * message (a one-click or command-line unsubscribe) is shown alone. Read
 * from the store when opened; q, Esc or Left go back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback_ui.h"
#include "store/store.h"
#include "store/store_feedback.h"
#include "ui/kit/action.h"
#include "base/utf8.h"

#define FBD_LABEL	15	/* width of the labels, at least */

struct fbd {
	int64_t		 id, msg_id;	/* the finding, its message */
	struct kv	 lines;
	int		 nfind;
	int		 found;
	int		 labelw;	/* the widest label + 2 */
	char		*error;
};

/* A labelled line, its label (an N_() msgid) translated; an empty text
 * reads "-". The labels' column grows to the widest label as shown. */
static void
fbd_add(struct fbd *d, const char *label, enum ui_role role, const char *text)
{
	const char	*l = _(label);
	int		 w = utf8_width(l) + 2;

	if (w > d->labelw)
		d->labelw = w;
	kv_add(&d->lines, l, role, text != NULL && *text != '\0' ? text :
	    "-");
}

static int
fbd_message(const struct fb_message *m, void *arg)
{
	struct fbd	*d = arg;
	char		 at[32];

	d->found = 1;
	fbd_add(d, N_("Source"), ROLE_NORMAL, m->source);
	fbd_add(d, N_("Message-ID"), ROLE_NORMAL, m->message_id);
	fbd_add(d, N_("SHA-256"), ROLE_DIM, m->sha256);
	fbd_add(d, N_("Read at"), ROLE_NORMAL, fbv_when(at, sizeof at, m->read_at,
	    1));
	if (m->error != NULL && *m->error != '\0')
		fbd_add(d, N_("Not read"), ROLE_FAIL, _(m->error));
	return 0;
}

/* One finding: what it says, what was done and why. */
static int
fbd_finding(const struct fb_finding *f, void *arg)
{
	struct fbd	*d = arg;
	char		*t, at[32];
	enum ui_role	 role = ROLE_NORMAL;

	d->found = 1;
	d->nfind++;
	if (strcmp(f->action, "suppressed") == 0)
		role = ROLE_FAIL;
	else if (strcmp(f->action, "alert") == 0 ||
	    strcmp(f->action, "counted") == 0)
		role = ROLE_WARN;
	kv_add(&d->lines, "", ROLE_NORMAL, "");	/* a blank row */
	t = xprintf(f->id == d->id ? _("› finding %lld") : _("finding %lld"),
	    (long long)f->id);
	fbd_add(d, N_("Finding"), ROLE_EMPH, t);
	free(t);
	fbd_add(d, N_("Kind"), ROLE_NORMAL, f->kind);
	fbd_add(d, N_("Recipient"), ROLE_NORMAL, f->rcpt);
	if (f->send_id > 0) {
		t = xprintf("%lld", (long long)f->send_id);
		fbd_add(d, N_("Send"), ROLE_NORMAL, t);
		free(t);
	} else
		fbd_add(d, N_("Send"), ROLE_DIM, _("none matched"));
	if (*f->cls != '\0')
		t = xprintf(_("%s, class %s"), *f->reason != '\0' ?
		    f->reason : "-", f->cls);
	else
		t = xstrdup(*f->reason != '\0' ? f->reason : "-");
	fbd_add(d, N_("Reason"), ROLE_NORMAL, t);
	free(t);
	if (f->code > 0)
		t = xprintf(_("%s (reply %d)"), *f->status != '\0' ? f->status :
		    "-", f->code);
	else
		t = xstrdup(f->status);
	fbd_add(d, N_("Status"), ROLE_NORMAL, t);
	free(t);
	fbd_add(d, N_("Action"), role, f->action);
	/* Stored in English; a fixed sentence has its translation. */
	fbd_add(d, N_("Why"), role, f->why != NULL && *f->why != '\0' ?
	    _(f->why) : "");
	fbd_add(d, N_("Diagnostic"), ROLE_NORMAL, f->diagnostic);
	fbd_add(d, N_("Reporting MTA"), ROLE_NORMAL, f->reporting_mta);
	if (f->msg_id == 0)
		fbd_add(d, N_("Source"), ROLE_NORMAL, f->source);
	fbd_add(d, N_("Recorded"), ROLE_DIM, fbv_when(at, sizeof at, f->at, 1));
	return 0;
}

static void *
fbd_open(struct ui *ui, void *arg)
{
	struct fbd	*d = arg;
	char		*cause = NULL;
	int		 rc;

	if (d->msg_id > 0)
		rc = store_fb_message(ui_store(ui), d->msg_id, fbd_message,
		    fbd_finding, d, &cause);
	else
		rc = store_fb_finding(ui_store(ui), d->id, fbd_finding, d,
		    &cause);
	if (rc == -1)
		d->error = cause != NULL ? cause : xstrdup(_("cannot read it"));
	else if (rc == 1 || !d->found)
		d->error = xstrdup(_("it is no longer in the database"));
	return d;
}

static void
fbd_close(struct ui *ui, void *state)
{
	struct fbd	*d = state;

	(void)ui;
	kv_free(&d->lines);
	free(d->error);
	free(d);
}

static void
fbd_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct fbd	*d = state;
	int		 y = r->y + 2, x = r->x + 2, w = r->w - 4;

	if (d->msg_id > 0)
		ui_printf(ui, r->y, x, w, ROLE_EMPH, ngettext("Feedback › "
		    "message %lld (%d finding)", "Feedback › message %lld (%d "
		    "findings)", (unsigned long)d->nfind), (long long)d->msg_id,
		    d->nfind);
	else
		ui_printf(ui, r->y, x, w, ROLE_EMPH, _("Feedback › finding %lld "
		    "(no message: recorded as it came)"), (long long)d->id);
	if (d->error != NULL) {
		ui_printf(ui, y, x, w, ROLE_FAIL, _("Cannot show it: %s"),
		    d->error);
		return;
	}
	kv_draw(ui, &d->lines, y, x, w, r->y + r->h, d->labelw);
}

static enum ui_action
fbd_act_scroll(struct ui *ui, void *state, int key)
{
	struct fbd	*d = state;

	(void)ui;
	return kv_scroll(&d->lines, key);
}

static const struct action fbd_actions[] = {
	/* Also q and Left; the bar names Esc, since its q reads Quit. */
	{ N_("Esc"), N_("Back"),
	  N_("back to the Feedback screen (also q, Left)"),
	  { UI_ESC, 'q', 'h', UI_FKEY(KEY_LEFT) }, action_pop, NULL },
	{ "↑↓ j k", NULL, N_("scroll"), { 0 }, fbd_act_scroll, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

static enum ui_action
fbd_key(struct ui *ui, void *state, int key)
{
	return action_key(fbd_actions, ui, state, key);
}

static const struct screen_ops fbd_ops = {
	.name = N_("Feedback message"),
	.actions = fbd_actions,
	.open = fbd_open,
	.close = fbd_close,
	.draw = fbd_draw,
	.key = fbd_key,
};

/* Enter on a finding: its message (or the finding alone) in full. */
void
fbv_detail_open(struct ui *ui, const struct fbv_row *r)
{
	struct fbd	*d = xcalloc(1, sizeof *d);

	d->id = r->id;
	d->msg_id = r->msg_id;
	d->labelw = FBD_LABEL;
	ui_push(ui, &fbd_ops, d);
}
