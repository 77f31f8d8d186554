/*
 * The preview of an issue: the exact message one member of its list gets,
 * rendered and signed by message_preview() as the send engine will (with
 * the From domain's active keys), the signature checked against the local
 * public keys (dkim_verify_local: offline, so it never waits on DNS), and
 * the merge values used. The first member by default; ] and [ step
 * through the list, t asks for an address. d shows the message decoded
 * (Japanese as text), e edits the issue and renders it again (an issue
 * whose send is not finished cannot be edited: c copies it and previews
 * the copy instead), w writes the bytes to a file. An issue that has a
 * send is previewed from the send's own copy of its text. Drawing is in
 * preview_draw.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/config.h"
#include "auth/dkim.h"
#include "preview.h"
#include "ui/kit/action.h"
#include "ui/kit/savefile.h"
#include "send/build.h"
#include "store/store.h"

/* Forget the rendered message. */
static void
preview_clear(struct preview *p)
{
	buf_reset(&p->msg);
	ptext_free(p->raw, p->nraw);
	ptext_free(p->dec, p->ndec);
	p->raw = p->dec = NULL;
	p->nraw = p->ndec = 0;
	message_merge_free(p->mnames, p->mvalues, p->nm);
	p->mnames = p->mvalues = NULL;
	p->nm = 0;
	free(p->sig);
	free(p->sigdetail);
	free(p->domain);
	free(p->envelope);
	free(p->error);
	free(p->encoding);
	p->encoding = NULL;
	p->sig = p->sigdetail = p->domain = p->envelope = p->error = NULL;
}

/* Characters of the issue its charset cannot carry: the preview is their
 * list (-1), as herald issue check and herald send give it. */
static int
preview_charset(struct preview *p)
{
	struct charset_bad	*v;
	char			*cause = NULL, *report;
	size_t			 n;

	if (message_charset_check(&p->is, &v, &n, &cause) == -1) {
		p->error = cause;
		return -1;
	}
	if (n == 0)
		return 0;
	report = message_charset_report(&p->is, v, n);
	free(v);
	p->error = xprintf(_("This issue cannot be sent as it is: %s\n"
	    "e edits the text, or its Charset."), report);
	free(report);
	return -1;
}

/* Check the signatures of the message against the local keys. */
static void
preview_verify(struct ui *ui, struct preview *p)
{
	struct dkim_verdict	 v;
	struct buf		 b;
	char			*cause = NULL;
	const char		*s;
	size_t			 len;

	if (dkim_verify_local(ui_store(ui), p->msg.data, p->msg.len, &v,
	    &cause) == -1) {
		p->sig = xprintf(_("✗ cannot check the signatures: %s"), cause);
		p->sigrole = ROLE_FAIL;
		free(cause);
		return;
	}
	if (v.signatures > 0 && v.passed == v.signatures) {
		if (v.signatures == 1)
			p->sig = xstrdup(_("✓ 1 signature, verifies"));
		else if (v.signatures == 2)
			p->sig = xstrdup(_("✓ 2 signatures, both verify"));
		else
			p->sig = xprintf(_("✓ %d signatures, all verify"),
			    v.signatures);
		p->sigrole = ROLE_OK;
	} else {
		p->sig = xprintf(ngettext("✗ %d signature, %d verified",
		    "✗ %d signatures, %d verified",
		    (unsigned long)v.signatures),
		    v.signatures, v.passed);
		p->sigrole = ROLE_FAIL;
	}
	/* One line per signature: joined for one row. */
	buf_init(&b);
	for (s = v.summary; s != NULL && *s != '\0'; s += len) {
		len = strcspn(s, "\n");
		if (b.len > 0)
			buf_adds(&b, "; ");
		buf_add(&b, s, len);
		if (s[len] == '\n')
			len++;
	}
	p->sigdetail = b.data != NULL ? buf_take(&b) : xstrdup("");
	dkim_verdict_free(&v);
}

/* Render, sign, check: everything the view shows. */
void
preview_build(struct ui *ui, struct preview *p)
{
	struct store		*st = ui_store(ui);
	struct message_preview	 pv;
	struct message_encoding	 me;
	struct recipient	 r;
	char			*cause = NULL;
	int			 rc;

	preview_clear(p);
	memset(&pv, 0, sizeof pv);
	if (p->have)
		issue_free(&p->is);
	p->have = 0;
	rc = store_issue_sent(st, p->id, &p->is, &cause);
	if (rc != 0) {
		p->error = rc == 1 ? xprintf(_("Issue %lld is gone."),
		    (long long)p->id) : cause;
		goto out;
	}
	p->have = 1;
	if (p->is.list_id == 0) {
		p->error = xstrdup(_("The list of this issue was removed: e "
		    "edits the issue to choose another."));
		goto out;
	}
	if (preview_member(ui, p) == -1)
		goto out;
	memset(&r, 0, sizeof r);
	r.addr = p->addr;
	r.name = p->name;
	r.attrs = p->attrs;
	/* What the charset cannot carry, as herald issue check says it. */
	if (preview_charset(p) == -1)
		goto out;
	rc = message_preview(st, ui_config(ui), &p->is, &r, &p->msg, &pv,
	    &cause);
	p->domain = pv.domain;
	pv.domain = NULL;
	p->envelope = pv.envelope_from;
	pv.envelope_from = NULL;
	if (rc == -1) {
		if (pv.failed == PREVIEW_SIGNER) {
			p->error = xprintf(_("Cannot sign for %s: %s"),
			    p->domain,
			    cause);
			free(cause);
		} else
			p->error = cause;
		goto out;
	}
	if (message_encoding(&p->is, &r, &me, &cause) == 0) {
		p->encoding = xprintf("%s, %s", me.charset, me.why);
		free(me.why);
	} else
		free(cause);
	p->raw = ptext_raw(p->msg.data, p->msg.len, &p->nraw);
	p->dec = ptext_decoded(p->msg.data, p->msg.len, &p->ndec);
	if (pv.active > 0)
		preview_verify(ui, p);
	else if (pv.waiting != NULL) {
		p->sig = xprintf(_("! unsigned: key %s of %s awaits "
		    "publication of its record — see Keys (3)"), pv.waiting,
		    p->domain);
		p->sigrole = ROLE_WARN;
	} else {
		p->sig = xprintf(pv.keys > 0 ? _("! unsigned: no active DKIM "
		    "key for %s — see Keys (3)") : _("! unsigned: no DKIM key "
		    "for %s — see Keys (3)"), p->domain);
		p->sigrole = ROLE_WARN;
	}
	if (message_merge_values(&p->is, &r, &p->mnames, &p->mvalues, &p->nm,
	    &cause) == -1) {
		p->mnames = p->mvalues = NULL;
		p->nm = 0;
		free(cause);
	}
out:
	message_preview_free(&pv);
	ui_dirty(ui);
}

/* The lines shown now. */
char **
preview_lines(struct preview *p, size_t *n)
{
	*n = p->decoded ? p->ndec : p->nraw;
	return p->decoded ? p->dec : p->raw;
}

/* Render for the first member. */
static void *
preview_open(struct ui *ui, void *arg)
{
	struct preview	*p = xcalloc(1, sizeof *p);
	int64_t		*id = arg;

	p->id = *id;
	free(id);
	buf_init(&p->msg);
	preview_build(ui, p);
	return p;
}

/* Free everything. */
static void
preview_close(struct ui *ui, void *state)
{
	struct preview	*p = state;

	(void)ui;
	preview_clear(p);
	buf_free(&p->msg);
	if (p->have)
		issue_free(&p->is);
	free(p->want);
	free(p->addr);
	free(p->name);
	free(p->attrs);
	free(p);
}

/* m: every merge value, in a box. */
static void
preview_merge_all(struct ui *ui, struct preview *p)
{
	struct buf	b;
	size_t		i;

	if (p->nm == 0) {
		ui_info(ui, "%s", _("The issue uses no merge fields"));
		return;
	}
	buf_init(&b);
	for (i = 0; i < p->nm; i++)
		buf_printf(&b, "{{%s}}  %s\n", p->mnames[i], p->mvalues[i] !=
		    NULL ? p->mvalues[i] : _("(none: the default applies)"));
	b.data[--b.len] = '\0';
	message_open(ui, _("Merge values used"), b.data);
	buf_free(&b);
}

/* w: the bytes as they are. */
static int
preview_put(FILE *f, void *arg, char **cause)
{
	struct preview	*p = arg;

	(void)cause;
	fwrite(p->msg.data, 1, p->msg.len, f);
	return 0;
}

/* e: edit the issue, then render again. */
static void
preview_edit(struct ui *ui, struct preview *p)
{
	struct issue	 is;
	char		*cause = NULL;
	int		 rc;

	rc = store_issue_get(ui_store(ui), p->id, &is, &cause);
	if (rc != 0) {
		if (rc == 1)
			ui_error(ui, _("Issue %lld is gone"), (long long)p->id);
		else
			ui_cause(ui, _("Cannot read the issue"), cause);
		return;
	}
	if (compose_edit(ui, &is) == 1) {
		p->id = is.id;	/* a copy when a send started meanwhile */
		preview_build(ui, p);
	}
	issue_free(&is);
}

/* Scrolling; 1 if key was a scrolling key. */
static int
preview_scroll(struct preview *p, int key)
{
	size_t	n, page = p->page > 1 ? (size_t)p->page : 1;

	preview_lines(p, &n);
	switch (key) {
	case UI_FKEY(KEY_UP):
	case 'k':
		if (p->top > 0)
			p->top--;
		return 1;
	case UI_FKEY(KEY_DOWN):
	case 'j':
		p->top++;
		break;
	case UI_FKEY(KEY_PPAGE):
	case UI_CTRL('b'):
		p->top = p->top > page ? p->top - page : 0;
		return 1;
	case UI_FKEY(KEY_NPAGE):
	case UI_CTRL('f'):
	case ' ':
		p->top += page;
		break;
	case UI_FKEY(KEY_HOME):
	case 'g':
		p->top = 0;
		p->left = 0;
		return 1;
	case UI_FKEY(KEY_END):
	case 'G':
		p->top = n;
		break;
	case UI_FKEY(KEY_LEFT):
	case 'h':
		p->left = p->left > 8 ? p->left - 8 : 0;
		return 1;
	case UI_FKEY(KEY_RIGHT):
	case 'l':
		p->left += 8;
		return 1;
	default:
		return 0;
	}
	if (p->top + page > n)
		p->top = n > page ? n - page : 0;
	return 1;
}

/* d: decoded, or the bytes sent. */
static enum ui_action
preview_act_decoded(struct ui *ui, void *state, int key)
{
	struct preview	*p = state;

	(void)key;
	p->decoded = !p->decoded;
	p->top = 0;
	ui_info(ui, "%s", p->decoded ? _("Decoded: readable text, not the "
	    "bytes sent (d: back)") : _("The exact bytes sent"));
	return UI_REDRAW;
}

/* t: preview for a member typed in. */
static enum ui_action
preview_act_to(struct ui *ui, void *state, int key)
{
	struct preview	*p = state;

	(void)key;
	if (!p->have || p->is.list_id == 0)
		return UI_HANDLED;
	prompt_open(ui, _("Preview for"),
	    _("The address of a member of the list:"),
	    p->addr != NULL ? p->addr : "", 0, preview_to, p);
	return UI_REDRAW;
}

/* ] and [: the next or the previous member. */
static enum ui_action
preview_act_next(struct ui *ui, void *state, int key)
{
	struct preview	*p = state;

	if (p->members == 0)
		return UI_HANDLED;
	if (p->index < 0)
		p->index = 0;
	else if (key == ']')
		p->index = (p->index + 1) % p->members;
	else
		p->index = (p->index + p->members - 1) % p->members;
	free(p->want);
	p->want = NULL;
	preview_build(ui, p);
	return UI_REDRAW;
}

/* e: edit the issue, then render it again. */
static enum ui_action
preview_act_edit(struct ui *ui, void *state, int key)
{
	(void)key;
	preview_edit(ui, state);
	return UI_REDRAW;
}

/* c: a new issue from this one, previewed. */
static enum ui_action
preview_act_copy(struct ui *ui, void *state, int key)
{
	struct preview	*p = state;
	int64_t		 id;

	(void)key;
	if ((id = compose_copy(ui, p->id)) != 0) {
		p->id = id;
		preview_build(ui, p);
	}
	return UI_REDRAW;
}

/* w: write the message as sent to a file. */
static enum ui_action
preview_act_write(struct ui *ui, void *state, int key)
{
	struct preview	*p = state;
	char		*def;

	(void)key;
	if (p->msg.len == 0)
		return UI_HANDLED;
	def = xprintf("./issue-%lld-%s.eml", (long long)p->id, p->addr);
	save_start(ui, _("Write message"), _("Write the message, exactly as "
	    "sent, to:"), def, _("Wrote the message to %s"), preview_put, p);
	free(def);
	return UI_REDRAW;
}

/* m: every merge value used. */
static enum ui_action
preview_act_merge(struct ui *ui, void *state, int key)
{
	(void)key;
	preview_merge_all(ui, state);
	return UI_REDRAW;
}

/* r: render again. */
static enum ui_action
preview_act_render(struct ui *ui, void *state, int key)
{
	(void)key;
	preview_build(ui, state);
	ui_info(ui, "%s", _("Rendered again"));
	return UI_REDRAW;
}

/* Scrolling keys. */
static enum ui_action
preview_act_scroll(struct ui *ui, void *state, int key)
{
	(void)ui;
	return preview_scroll(state, key) ? UI_REDRAW : UI_IGNORED;
}

static const struct action preview_actions[] = {
	{ "d", N_("Decoded"), N_("show the message decoded (encoded-words, "
	  "quoted-printable) or as sent"), { 'd' }, preview_act_decoded,
	  NULL },
	{ "t", N_("To"), N_("preview for another member: type the address"),
	  { 't' }, preview_act_to, NULL },
	{ "]", N_("Next"), N_("the next member of the list ([: the previous)"),
	  { ']', '[' }, preview_act_next, NULL },
	{ "e", N_("Edit"), N_("edit the issue, then render it again"),
	  { 'e' }, preview_act_edit, NULL },
	{ "c", NULL, N_("a new issue from this one, previewed (an issue whose "
	  "send is not finished cannot be edited)"),
	  { 'c' }, preview_act_copy, NULL },
	{ "w", NULL, N_("write the message, exactly as sent, to a file"),
	  { 'w' }, preview_act_write, NULL },
	{ "m", NULL, N_("every merge value used"),
	  { 'm' }, preview_act_merge, NULL },
	{ "r", NULL, N_("render again (a new Date and Message-ID)"),
	  { 'r' }, preview_act_render, NULL },
	{ N_("Esc"), N_("Back"), N_("back to the issues"),
	  { UI_ESC }, action_pop, NULL },
	{ "↑↓ ←→", NULL, N_("scroll; PgUp PgDn Home End"),
	  { 0 }, preview_act_scroll, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the preview. */
static enum ui_action
preview_key(struct ui *ui, void *state, int key)
{
	return action_key(preview_actions, ui, state, key);
}

const struct screen_ops screen_preview_ops = {
	.name = N_("Preview"),
	.actions = preview_actions,
	.open = preview_open,
	.close = preview_close,
	.draw = preview_draw,
	.key = preview_key,
};
