/*
 * Modal dialogs: a one-line prompt (masked for a password), a y/N
 * confirmation, and a box of text (import summaries, help). Each closes itself and then tells its caller
 * through a callback, which may open the next dialog.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "action.h"
#include "widget.h"

#define DIALOG_WIDTH	72

/* ---- prompt ---- */

struct prompt {
	char		*title;
	char		*label;
	struct field	 field;
	int		 paths;
	prompt_done_fn	 done;
	void		*arg;
};

/* Draw the prompt box: label, field, hint. */
static void
prompt_draw(struct ui *ui, void *dlg)
{
	struct prompt	*p = dlg;
	struct ui_rect	 r = ui_centre(7, DIALOG_WIDTH);

	ui_box(ui, &r, ROLE_DIALOG, p->title);
	ui_print(ui, r.y + 1, r.x + 2, r.w - 4, ROLE_DIALOG, p->label);
	field_draw(ui, &p->field, r.y + 3, r.x + 2, r.w - 4, 1);
	ui_print(ui, r.y + 5, r.x + 2, r.w - 4, ROLE_DIM, p->paths ?
	    _("Enter: OK   Esc: cancel   Tab: complete file name") :
	    p->field.masked ?
	    _("Enter: OK   Esc: cancel   (typing shows as *)") :
	    _("Enter: OK   Esc: cancel"));
}

/* Edit; Enter hands the text over, Esc cancels. */
static enum ui_action
prompt_key(struct ui *ui, void *dlg, int key)
{
	struct prompt	*p = dlg;
	char		*text;
	int		 rc;

	switch (field_key(ui, &p->field, key)) {
	case FIELD_ENTER:
		text = xstrdup(p->field.text);
		rc = p->done(ui, text, p->arg);
		explicit_bzero(text, strlen(text));
		free(text);
		return rc == 0 ? UI_POP : UI_REDRAW;
	case FIELD_CANCEL:
		p->done(ui, NULL, p->arg);
		return UI_POP;
	case FIELD_IGNORED:
		return UI_HANDLED;
	default:
		return UI_REDRAW;
	}
}

/* Free a prompt. */
static void
prompt_free(void *dlg)
{
	struct prompt	*p = dlg;

	field_free(&p->field);
	free(p->title);
	free(p->label);
	free(p);
}

static const struct dialog_ops prompt_ops = {
	prompt_draw, prompt_key, NULL, prompt_free
};

/* Open a one-line prompt. */
void
prompt_open(struct ui *ui, const char *title, const char *label,
    const char *initial, int paths, prompt_done_fn done, void *arg)
{
	struct prompt	*p = xcalloc(1, sizeof *p);

	p->title = xstrdup(title);
	p->label = xstrdup(label);
	field_init(&p->field, initial);
	/* An offered value is selected: typing replaces it rather than
	 * appending to it ("members" + "tui" made "memberstui"). */
	field_select_all(&p->field);
	if (paths)
		p->field.complete = complete_path;
	p->paths = paths;
	p->done = done;
	p->arg = arg;
	ui_dialog_open(ui, &prompt_ops, p);
}

/* Open a masked prompt for a secret. */
void
prompt_open_secret(struct ui *ui, const char *title, const char *label,
    size_t max, prompt_done_fn done, void *arg)
{
	struct prompt	*p = xcalloc(1, sizeof *p);

	p->title = xstrdup(title);
	p->label = xstrdup(label);
	field_init(&p->field, NULL);
	p->field.masked = 1;
	p->field.max = max;
	p->done = done;
	p->arg = arg;
	ui_dialog_open(ui, &prompt_ops, p);
}

/* ---- confirm ---- */

struct confirm {
	char		*title;
	char		*question;
	char		*hint;		/* NULL: the short form */
	int		 width;		/* the long form's box width */
	confirm_done_fn	 done;
	void		*arg;
};

/* Draw the question and the y/N hint. */
static void
confirm_draw(struct ui *ui, void *dlg)
{
	struct confirm	*c = dlg;
	struct ui_rect	 r = ui_centre(7, DIALOG_WIDTH);
	char		*nl = strchr(c->question, '\n');

	ui_box(ui, &r, ROLE_DIALOG, c->title);
	if (nl != NULL) {
		*nl = '\0';
		ui_print(ui, r.y + 3, r.x + 2, r.w - 4, ROLE_DIALOG, nl + 1);
	}
	ui_print(ui, r.y + 2, r.x + 2, r.w - 4, ROLE_EMPH, c->question);
	if (nl != NULL)
		*nl = '\n';
	ui_print(ui, r.y + 5, r.x + 2, r.w - 4, ROLE_DIM,
	    _("y: yes   n or Esc: no (default)"));
}

/* Rows text takes wrapped to w columns (as ui_wrap does). */
static int
confirm_wrap_rows(const char *text, int w)
{
	struct buf	 line;
	int		 rows = 0;

	buf_init(&line);
	while (ui_wrap_row(&text, w, &line))
		rows++;
	buf_free(&line);
	return rows;
}

/* The long form: the text wrapped in a wider box, then the hint. */
static void
confirm_text_draw(struct ui *ui, void *dlg)
{
	struct confirm	*c = dlg;
	struct ui_rect	 r;
	int		 w = c->width - 4, rows;

	if (w > COLS - 6)
		w = COLS - 6;
	rows = confirm_wrap_rows(c->question, w);
	r = ui_centre(rows + 4, w + 4);
	ui_box(ui, &r, ROLE_DIALOG, c->title);
	ui_wrap(ui, r.y + 1, r.x + 2, r.w - 4, r.h - 4, ROLE_DIALOG,
	    c->question);
	ui_print(ui, r.y + r.h - 2, r.x + 2, r.w - 4, ROLE_EMPH, c->hint);
}

/* Only y means yes. */
static enum ui_action
confirm_key(struct ui *ui, void *dlg, int key)
{
	struct confirm	*c = dlg;

	if (key == 'y' || key == 'Y') {
		c->done(ui, 1, c->arg);
		return UI_POP;
	}
	if (key == 'n' || key == 'N' || key == 'q' || UI_IS_ENTER(key) ||
	    UI_IS_CANCEL(key)) {
		c->done(ui, 0, c->arg);
		return UI_POP;
	}
	return UI_HANDLED;
}

/* Free a confirmation. */
static void
confirm_free(void *dlg)
{
	struct confirm	*c = dlg;

	free(c->title);
	free(c->question);
	free(c->hint);
	free(c);
}

static const struct dialog_ops confirm_ops = {
	confirm_draw, confirm_key, NULL, confirm_free
};
static const struct dialog_ops confirm_text_ops = {
	confirm_text_draw, confirm_key, NULL, confirm_free
};

/* Open a y/N question. */
void
confirm_open(struct ui *ui, const char *title, const char *question,
    confirm_done_fn done, void *arg)
{
	struct confirm	*c = xcalloc(1, sizeof *c);

	c->title = xstrdup(title);
	c->question = xstrdup(question);
	c->done = done;
	c->arg = arg;
	ui_dialog_open(ui, &confirm_ops, c);
}

/* Open a y/N question over a text of several lines, wrapped. */
void
confirm_open_text(struct ui *ui, const char *title, const char *text,
    int width, const char *hint, confirm_done_fn done, void *arg)
{
	struct confirm	*c = xcalloc(1, sizeof *c);

	c->title = xstrdup(title);
	c->question = xstrdup(text);
	c->hint = xstrdup(hint);
	c->width = width;
	c->done = done;
	c->arg = arg;
	ui_dialog_open(ui, &confirm_text_ops, c);
}

/* ---- message ---- */

struct message {
	char	*title;
	char	**lines;
	int	 n;
	int	 width;
	int	 top;
};

/* Draw the visible lines and, when they do not all fit, where we are. */
static void
message_draw(struct ui *ui, void *dlg)
{
	struct message	*m = dlg;
	struct ui_rect	 r = ui_centre(m->n + 4, m->width + 4);
	int		 i, shown = r.h - 4;

	if (m->top > m->n - shown)
		m->top = m->n - shown > 0 ? m->n - shown : 0;
	ui_box(ui, &r, ROLE_DIALOG, m->title);
	for (i = 0; i < shown && m->top + i < m->n; i++)
		ui_print(ui, r.y + 1 + i, r.x + 2, r.w - 4, ROLE_DIALOG,
		    m->lines[m->top + i]);
	ui_print(ui, r.y + r.h - 2, r.x + 2, r.w - 4, ROLE_DIM,
	    shown < m->n ? _("Enter or Esc: close   ↑↓: scroll") :
	    _("Enter or Esc: close"));
}

/* Close on Enter, Esc or q; arrows scroll. */
static enum ui_action
message_key(struct ui *ui, void *dlg, int key)
{
	struct message	*m = dlg;

	(void)ui;
	if (UI_IS_ENTER(key) || UI_IS_CANCEL(key) || key == 'q' ||
	    key == ' ' || key == UI_FKEY(KEY_F(1)) || key == '?')
		return UI_POP;
	if ((key == UI_FKEY(KEY_DOWN) || key == 'j') && m->top < m->n - 1)
		m->top++;
	else if ((key == UI_FKEY(KEY_UP) || key == 'k') && m->top > 0)
		m->top--;
	else
		return UI_HANDLED;
	return UI_REDRAW;
}

/* Free a message box. */
static void
message_free(void *dlg)
{
	struct message	*m = dlg;
	int		 i;

	for (i = 0; i < m->n; i++)
		free(m->lines[i]);
	free(m->lines);
	free(m->title);
	free(m);
}

static const struct dialog_ops message_ops = {
	message_draw, message_key, NULL, message_free
};

/* Open a box of text lines. */
void
message_open(struct ui *ui, const char *title, const char *text)
{
	struct message	*m = xcalloc(1, sizeof *m);
	const char	*p = text, *nl;
	int		 w;

	m->title = xstrdup(title);
	m->width = utf8_width(title) + 4;
	if (m->width < 40)
		m->width = 40;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		m->lines = xreallocarray(m->lines, (size_t)m->n + 1,
		    sizeof *m->lines);
		m->lines[m->n] = nl != NULL ? xstrndup(p, (size_t)(nl - p)) :
		    xstrdup(p);
		if ((w = utf8_width(m->lines[m->n])) > m->width)
			m->width = w;
		m->n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	ui_dialog_open(ui, &message_ops, m);
}

/* ---- help ---- */

/* The help overlay: the view's keys, then the shell's. */
void
help_open(struct ui *ui, const struct screen_ops *ops,
    const struct action *everywhere)
{
	struct buf	 b, view;
	char		*title;

	buf_init(&b);
	buf_init(&view);
	action_help(&view, ops->actions);
	if (view.len > 0)
		buf_printf(&b, "%s\n%s\n", ui_tr(ops->name), view.data);
	buf_free(&view);
	buf_printf(&b, "%s\n", _("Everywhere"));
	action_help(&b, everywhere);
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	title = xprintf(_("Help: %s"), ui_tr(ops->name));
	message_open(ui, title, b.data);
	free(title);
	buf_free(&b);
}
