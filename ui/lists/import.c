/*
 * Importing a file from the console: the importer runs in slices of a few
 * milliseconds in the loop's tick, so keys and redraws go on while a large
 * file loads; a progress dialog shows bytes (or rows for a pipe), Esc or
 * Ctrl-C rolls the whole import back, and the end is a summary box with the
 * counts and the first invalid rows. A file refused for its encoding (not
 * UTF-8, and no mark says what it is) is offered again in the encoding it
 * looks like, y/N, as the command line would ask for --encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "mail/import.h"
#include "ui/kit/widget.h"
#include "lists_ui.h"

#define IMPORT_STEP_ROWS	2000
#define IMPORT_SLICE_MS		30	/* work per tick before yielding */
#define IMPORT_SHOW_ERRORS	10

struct import_run {
	struct importer	*imp;
	char		*list;
	char		*path;
	import_done_fn	 done;
	void		*arg;
	int64_t		 started;
	unsigned int	 frame;
};

/* "12.3 MB" */
static void
import_size(char *buf, size_t len, int64_t n)
{
	if (n < 1024)
		snprintf(buf, len, "%lld B", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1f KB", n / 1024.0);
	else if (n < 1024LL * 1024 * 1024)
		snprintf(buf, len, "%.1f MB", n / (1024.0 * 1024));
	else
		snprintf(buf, len, "%.2f GB", n / (1024.0 * 1024 * 1024));
}

/* Progress: the file, a meter and the counts so far. */
static void
import_draw(struct ui *ui, void *dlg)
{
	struct import_run		*r = dlg;
	const struct import_stats	*s = import_stats(r->imp);
	struct ui_rect			 box = ui_centre(9, 72);
	char				*title, rows[32], bad[32], d[32], t[32];
	off_t				 done, total;

	import_progress(r->imp, &done, &total);
	title = xprintf(_("Importing into \"%s\""), r->list);
	ui_box(ui, &box, ROLE_DIALOG, title);
	free(title);
	ui_printf(ui, box.y + 1, box.x + 2, box.w - 4, ROLE_DIALOG,
	    _("from %s"),
	    r->path);
	meter_draw(ui, box.y + 3, box.x + 2, box.w - 4, (int64_t)done,
	    (int64_t)total, r->frame);
	ui_count(rows, sizeof rows, (int64_t)s->rows);
	ui_count(bad, sizeof bad, (int64_t)s->invalid);
	import_size(d, sizeof d, (int64_t)done);
	import_size(t, sizeof t, (int64_t)total);
	if (total > 0)
		ui_printf(ui, box.y + 4, box.x + 2, box.w - 4, ROLE_DIALOG,
		    _("%s rows   %s of %s   %s invalid   %llds"), rows, d, t,
		    bad,
		    (long long)(ui_now() - r->started) / 1000);
	else
		ui_printf(ui, box.y + 4, box.x + 2, box.w - 4, ROLE_DIALOG,
		    _("%s rows   %s read   %s invalid   %llds"), rows, d, bad,
		    (long long)(ui_now() - r->started) / 1000);
	ui_print(ui, box.y + 6, box.x + 2, box.w - 4, ROLE_DIM,
	    _("Esc or Ctrl-C: cancel (the list stays as it was)"));
}

/* One count of the summary, its label padded by display width (a
 * translated label is as wide as it is, not as long). */
static void
import_count(struct buf *b, const char *label, const char *count)
{
	int	w = utf8_width(label);

	buf_printf(b, "\n  %s%*s %12s", label, w < 11 ? 11 - w : 0, "", count);
}

/* Collect one invalid row for the summary. */
static int
import_error_line(uint64_t line, const char *reason, void *arg)
{
	buf_printf(arg, _("\n  line %llu: %s"), (unsigned long long)line,
	    reason);
	return 0;
}

/* The summary box after a committed import, or one that had no valid
 * row for a new list (empty: rolled back, the list not created). */
static void
import_summary(struct ui *ui, struct import_run *r, int empty)
{
	const struct import_stats	*s = import_stats(r->imp);
	struct buf			 b;
	char				 n[6][32];
	char				*title;

	buf_init(&b);
	buf_printf(&b, _("%s rows from %s (%s) in %.1f s\n"),
	    ui_count(n[0], sizeof n[0], (int64_t)s->rows), r->path,
	    import_format_name(import_format(r->imp)),
	    (double)(ui_now() - r->started) / 1000.0);
	import_count(&b, _("imported"), ui_count(n[1], 32,
	    (int64_t)s->imported));
	import_count(&b, _("updated"), ui_count(n[2], 32,
	    (int64_t)s->updated));
	import_count(&b, _("duplicates"), ui_count(n[3], 32,
	    (int64_t)s->duplicates));
	import_count(&b, _("invalid"), ui_count(n[4], 32,
	    (int64_t)s->invalid));
	import_count(&b, _("suppressed"), ui_count(n[5], 32,
	    (int64_t)s->suppressed));
	if (s->invalid > 0) {
		if (s->invalid > IMPORT_SHOW_ERRORS)
			buf_printf(&b, _("\n\nInvalid rows (the first %d):"),
			    IMPORT_SHOW_ERRORS);
		else
			buf_printf(&b, "\n\n%s", _("Invalid rows:"));
		import_errors(r->imp, IMPORT_SHOW_ERRORS, import_error_line,
		    &b);
	}
	if (empty) {
		buf_printf(&b, "\n\n");
		buf_printf(&b, _("No valid row: the list \"%s\" was not "
		    "created."), r->list);
		title = xstrdup(_("Nothing imported"));
	} else
		title = xprintf(_("Imported into \"%s\""), r->list);
	message_open(ui, title, b.data);
	free(title);
	buf_free(&b);
}

/* End the run: close the dialog, free the importer, tell the caller. */
static void
import_end(struct ui *ui, struct import_run *r, int ok)
{
	import_free(r->imp);
	r->imp = NULL;
	ui_dialog_close(ui, r);
	r->done(ui, r->list, ok, r->arg);
}

/* Import for a slice of time, then yield to the loop. */
static int
import_tick(struct ui *ui, void *dlg)
{
	struct import_run	*r = dlg;
	int64_t			 start = ui_now();
	char			*cause = NULL;
	int			 rc, code = 0;

	if (r->imp == NULL)
		return -1;
	do {
		rc = import_step(r->imp, IMPORT_STEP_ROWS, &cause, &code);
	} while (rc == 1 && ui_now() - start < IMPORT_SLICE_MS);
	r->frame++;
	ui_dirty(ui);
	if (rc == 1)
		return 0;
	if (rc == -1) {
		ui_cause(ui, _("Import failed, the list is unchanged"), cause);
		import_end(ui, r, 0);
		return -1;
	}
	if ((rc = import_commit(r->imp, &cause)) == -1) {
		ui_cause(ui, _("Import failed, the list is unchanged"), cause);
		import_end(ui, r, 0);
		return -1;
	}
	import_summary(ui, r, rc == 1);
	import_end(ui, r, rc == 0);
	return -1;
}

/* Esc or Ctrl-C rolls back; every other key waits. */
static enum ui_action
import_key(struct ui *ui, void *dlg, int key)
{
	struct import_run	*r = dlg;

	if (!UI_IS_CANCEL(key) || r->imp == NULL)
		return UI_HANDLED;
	ui_info(ui, _("Import cancelled: \"%s\" is as it was"), r->list);
	import_end(ui, r, 0);
	return UI_REDRAW;
}

/* Free the run; an import still open is rolled back. */
static void
import_run_free(void *dlg)
{
	struct import_run	*r = dlg;

	if (r->imp != NULL)
		import_free(r->imp);
	free(r->list);
	free(r->path);
	free(r);
}

static const struct dialog_ops import_ops = {
	import_draw, import_key, import_tick, import_run_free
};

/* An import refused for its encoding, waiting for y/N. */
struct import_retry {
	char			*list, *path;
	enum import_encoding	 enc;
	import_done_fn		 done;
	void			*arg;
};

static void import_run_as(struct ui *, const char *, const char *,
	    enum import_encoding, import_done_fn, void *);

/* y: import again in the encoding the file looks like. */
static void
import_retry_done(struct ui *ui, int yes, void *arg)
{
	struct import_retry	*t = arg;

	if (yes)
		import_run_as(ui, t->list, t->path, t->enc, t->done, t->arg);
	else {
		ui_info(ui, _("Nothing imported: \"%s\" is as it was"),
		    t->list);
		t->done(ui, t->list, 0, t->arg);
	}
	free(t->list);
	free(t->path);
	free(t);
}

/* Open the importer (reading the file as enc) and the progress dialog
 * that drives it. */
static void
import_run_as(struct ui *ui, const char *list, const char *path,
    enum import_encoding enc, import_done_fn done, void *arg)
{
	struct import_options	 opts;
	struct import_run	*r;
	struct import_retry	*t;
	struct importer		*imp;
	enum import_encoding	 suggested = IMPORT_ENC_AUTO;
	char			*cause = NULL, *full, *text;
	int			 code = 0;

	memset(&opts, 0, sizeof opts);
	opts.format = IMPORT_AUTO;
	opts.encoding = enc;
	opts.suggested = &suggested;
	full = path_expand(path);
	imp = import_open(ui_store(ui), list, full, &opts, &cause, &code);
	if (imp == NULL && enc == IMPORT_ENC_AUTO &&
	    suggested != IMPORT_ENC_AUTO) {
		t = xcalloc(1, sizeof *t);
		t->list = xstrdup(list);
		t->path = full;
		t->enc = suggested;
		t->done = done;
		t->arg = arg;
		text = xprintf(_("%s.\n\nRead it as %s?"), cause,
		    import_encoding_name(suggested));
		confirm_open_text(ui, _("Not UTF-8"), text, 64,
		    _("y: import it so   n, Esc: import nothing"),
		    import_retry_done, t);
		free(text);
		free(cause);
		return;
	}
	if (imp == NULL) {
		ui_cause(ui, _("Import failed"), cause);
		free(full);
		done(ui, list, 0, arg);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->imp = imp;
	r->list = xstrdup(list);
	r->path = full;
	r->done = done;
	r->arg = arg;
	r->started = ui_now();
	ui_dialog_open(ui, &import_ops, r);
}

/* Import path into list; see import_run_as. */
void
import_run(struct ui *ui, const char *list, const char *path,
    import_done_fn done, void *arg)
{
	import_run_as(ui, list, path, IMPORT_ENC_AUTO, done, arg);
}

/* A default list name from a file name. */
char *
import_list_name(const char *path)
{
	const char	*base = strrchr(path, '/');
	char		*name, *dot;

	base = base != NULL ? base + 1 : path;
	name = xstrdup(base);
	if ((dot = strrchr(name, '.')) != NULL && dot != name)
		*dot = '\0';
	trim(name);
	if (*name == '\0') {
		free(name);
		name = xstrdup("list");
	}
	return name;
}
