/*
 * The conversations behind i, e and d on a list: a prompt or two, a y/N
 * where something could be lost, then the core call. Each flow keeps its
 * answers in a small struct passed from dialog to dialog and freed at the
 * end, whichever way it ends.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/export.h"
#include "store/store.h"
#include "ui/kit/widget.h"
#include "lists_ui.h"

/* ---- import ---- */

struct import_flow {
	char		*list;		/* NULL: ask */
	char		*deflist;
	char		*path;
	import_done_fn	 done;
	void		*arg;
};

/* Free an import conversation. */
static void
import_flow_free(struct import_flow *f)
{
	free(f->list);
	free(f->deflist);
	free(f->path);
	free(f);
}

/* The list name is known: import. */
static int
import_flow_name(struct ui *ui, const char *text, void *arg)
{
	struct import_flow	*f = arg;
	char			*name;

	if (text == NULL) {
		import_flow_free(f);
		return 0;
	}
	name = trim(xstrdup(text));
	if (*name == '\0') {
		free(name);
		ui_error(ui, "%s", _("A list needs a name"));
		return -1;
	}
	import_run(ui, name, f->path, f->done, f->arg);
	free(name);
	import_flow_free(f);
	return 0;
}

/* The file is chosen: check it can be read, then ask for the list. */
static int
import_flow_path(struct ui *ui, const char *text, void *arg)
{
	struct import_flow	*f = arg;
	struct stat		 sb;
	char			*full, *title, *def;

	if (text == NULL) {
		import_flow_free(f);
		return 0;
	}
	if (*text == '\0') {
		ui_error(ui, "%s",
		    _("Type the name of a file to import (Tab completes)"));
		return -1;
	}
	full = path_expand(text);
	if (stat(full, &sb) == -1 || access(full, R_OK) == -1) {
		ui_error(ui, "%s: %s", text, strerror(errno));
		free(full);
		return -1;
	}
	free(full);
	if (S_ISDIR(sb.st_mode)) {
		ui_error(ui, _("%s is a directory"), text);
		return -1;
	}
	f->path = xstrdup(text);
	if (f->list != NULL) {
		import_run(ui, f->list, f->path, f->done, f->arg);
		import_flow_free(f);
		return 0;
	}
	def = f->deflist != NULL ? xstrdup(f->deflist) :
	    import_list_name(f->path);
	title = xprintf(_("Import %s"), f->path);
	prompt_open(ui, title, _("Into which list? (a new name creates it)"),
	    def, 0, import_flow_name, f);
	free(title);
	free(def);
	return 0;
}

/* i: ask for the file (and maybe the list), then import. */
void
list_import_start(struct ui *ui, const char *list, const char *deflist,
    import_done_fn done, void *arg)
{
	struct import_flow	*f = xcalloc(1, sizeof *f);
	char			*label;

	f->list = list != NULL ? xstrdup(list) : NULL;
	f->deflist = deflist != NULL ? xstrdup(deflist) : NULL;
	f->done = done;
	f->arg = arg;
	if (list != NULL)
		label = xprintf(_("File to import into \"%s\" (CSV, TSV or "
		    "one address a line):"), list);
	else
		label = xstrdup(_("File to import (CSV, TSV or one address a "
		    "line):"));
	prompt_open(ui, _("Import"), label, "", 1, import_flow_path, f);
	free(label);
}

/* ---- export ---- */

struct export_flow {
	char	*list;
	char	*path;		/* expanded */
	char	*shown;		/* as typed */
};

/* Free an export conversation. */
static void
export_flow_free(struct export_flow *f)
{
	free(f->list);
	free(f->path);
	free(f->shown);
	free(f);
}

/* Write to a temporary file beside the target, then rename it into place,
 * so a failed export never leaves half a file or clobbers an old one. */
static void
export_flow_write(struct ui *ui, struct export_flow *f)
{
	char		*dir, *tmp, *cause = NULL, n[32];
	FILE		*fp;
	uint64_t	 rows = 0;
	int		 fd, rc;

	dir = path_dirname(f->path);
	tmp = xprintf("%s/.herald-export-XXXXXX", dir);
	free(dir);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		ui_error(ui, _("Cannot write %s: %s"), f->shown,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return;
	}
	rc = export_list(ui_store(ui), f->list, fp, &rows, &cause);
	if (rc == 0 && (fflush(fp) == EOF || ferror(fp)))
		rc = set_cause(&cause, "%s", strerror(errno));
	if (fclose(fp) == EOF && rc == 0)
		rc = set_cause(&cause, "%s", strerror(errno));
	if (rc == 0 && rename(tmp, f->path) == -1)
		rc = set_cause(&cause, "%s", strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		ui_error(ui, _("Export of \"%s\" to %s failed: %s"), f->list,
		    f->shown, cause != NULL ? cause : _("error"));
		free(cause);
	} else
		ui_info(ui, _("Exported %s members of \"%s\" to %s"),
		    ui_count(n, sizeof n, (int64_t)rows), f->list, f->shown);
	free(tmp);
}

/* y/N on overwriting an existing file. */
static void
export_flow_overwrite(struct ui *ui, int yes, void *arg)
{
	struct export_flow	*f = arg;

	if (yes)
		export_flow_write(ui, f);
	else
		ui_info(ui, _("Export cancelled; %s left as it was"), f->shown);
	export_flow_free(f);
}

/* The path is chosen. */
static int
export_flow_path(struct ui *ui, const char *text, void *arg)
{
	struct export_flow	*f = arg;
	struct stat		 sb;
	char			*q;

	if (text == NULL) {
		export_flow_free(f);
		return 0;
	}
	if (*text == '\0') {
		ui_error(ui, "%s", _("Type the file to write"));
		return -1;
	}
	f->path = path_expand(text);
	f->shown = xstrdup(text);
	if (stat(f->path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			ui_error(ui, _("%s is a directory"), text);
			free(f->path);
			free(f->shown);
			f->path = f->shown = NULL;
			return -1;
		}
		q = xprintf(_("%s exists. Replace it?\nIts contents will be "
		    "lost."), text);
		confirm_open(ui, _("Export"), q, export_flow_overwrite, f);
		free(q);
		return 0;
	}
	export_flow_write(ui, f);
	export_flow_free(f);
	return 0;
}

/* e: ask for the path, then export. */
void
list_export_start(struct ui *ui, const char *list)
{
	struct export_flow	*f = xcalloc(1, sizeof *f);
	char			*def, *label, *p;

	f->list = xstrdup(list);
	def = xprintf("./%s.csv", list);
	for (p = def + 2; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	label = xprintf(_("Write \"%s\" as CSV to:"), list);
	prompt_open(ui, _("Export"), label, def, 1, export_flow_path, f);
	free(label);
	free(def);
}

/* ---- delete ---- */

struct delete_flow {
	char		*list;
	list_deleted_fn	 done;
	void		*arg;
};

/* Remove the list if the answer was y. */
static void
delete_flow_confirm(struct ui *ui, int yes, void *arg)
{
	struct delete_flow	*f = arg;
	char			*cause = NULL;
	int			 rc;

	if (!yes)
		ui_info(ui, "%s", _("Nothing deleted"));
	else if ((rc = store_list_remove(ui_store(ui), f->list,
	    &cause)) == -1)
		ui_cause(ui, _("Delete failed"), cause);
	else if (rc == 1)
		ui_error(ui, _("No list \"%s\" (deleted elsewhere?)"), f->list);
	else
		ui_info(ui, _("Deleted list \"%s\""), f->list);
	if (yes)
		f->done(ui, f->arg);
	free(f->list);
	free(f);
}

/* d: ask y/N, then delete. */
void
list_delete_start(struct ui *ui, const char *list, int64_t members,
    list_deleted_fn done, void *arg)
{
	struct delete_flow	*f = xcalloc(1, sizeof *f);
	char			*q, n[32];

	f->list = xstrdup(list);
	f->done = done;
	f->arg = arg;
	q = xprintf(ngettext("Delete list \"%s\" and its %s member?\nThis "
	    "cannot be undone: export it first (e) to keep a copy.",
	    "Delete list \"%s\" and its %s members?\nThis cannot be "
	    "undone: export it first (e) to keep a copy.",
	    (unsigned long)members), list, ui_count(n, sizeof n, members));
	confirm_open(ui, _("Delete list"), q, delete_flow_confirm, f);
	free(q);
}
