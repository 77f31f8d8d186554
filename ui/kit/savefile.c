/*
 * w on the record and preview views: ask for a path (Tab completes), y/N
 * before replacing a file, then write beside it and rename into place, so
 * a failure never leaves half a file or clobbers the old one.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savefile.h"

struct save {
	char		*title;
	char		*done;		/* "Wrote ... to" */
	char		*path;		/* expanded */
	char		*shown;		/* as typed */
	save_write_fn	 write;
	void		*arg;
};

/* Free a save conversation. */
static void
save_free(struct save *s)
{
	free(s->title);
	free(s->done);
	free(s->path);
	free(s->shown);
	free(s);
}

/* Write to a temporary file beside the target, then rename. */
static int
save_file(struct save *s, char **cause)
{
	char	*dir, *tmp;
	FILE	*f = NULL;
	int	 fd, rc = 0;

	dir = path_dirname(s->path);
	tmp = xprintf("%s/.herald-save-XXXXXX", dir);
	free(dir);
	if ((fd = mkstemp(tmp)) == -1) {
		rc = set_cause(cause, "%s", strerror(errno));
		free(tmp);
		return rc;
	}
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
		rc = set_cause(cause, "%s", strerror(errno));
		close(fd);
	} else {
		rc = s->write(f, s->arg, cause);
		if (rc == 0 && (fflush(f) == EOF || ferror(f)))
			rc = set_cause(cause, "%s", strerror(errno));
		if (fclose(f) == EOF && rc == 0)
			rc = set_cause(cause, "%s", strerror(errno));
	}
	if (rc == 0 && rename(tmp, s->path) == -1)
		rc = set_cause(cause, "%s", strerror(errno));
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Write and say so; frees s. */
static void
save_now(struct ui *ui, struct save *s)
{
	char		*cause = NULL, *said;
	const char	*at;

	if (save_file(s, &cause) == -1)
		ui_error(ui, _("Cannot write %s: %s"), s->shown, cause != NULL ?
		    cause : _("failed"));
	else {
		/* done is a translated sentence with the path at its "%s",
		 * wherever the language puts it. */
		if ((at = strstr(s->done, "%s")) != NULL)
			said = xprintf("%.*s%s%s", (int)(at - s->done), s->done,
			    s->shown, at + 2);
		else
			said = xprintf("%s %s", s->done, s->shown);
		ui_info(ui, "%s", said);
		free(said);
	}
	free(cause);
	save_free(s);
}

/* y/N on replacing a file. */
static void
save_confirm(struct ui *ui, int yes, void *arg)
{
	struct save	*s = arg;

	if (yes)
		save_now(ui, s);
	else {
		ui_info(ui, _("Nothing written; %s left as it was"), s->shown);
		save_free(s);
	}
}

/* The path is chosen. */
static int
save_path(struct ui *ui, const char *text, void *arg)
{
	struct save	*s = arg;
	struct stat	 sb;
	char		*q;

	if (text == NULL) {
		save_free(s);
		return 0;
	}
	if (*text == '\0') {
		ui_error(ui, "%s", _("Type the file to write"));
		return -1;
	}
	free(s->path);
	s->path = path_expand(text);
	if (stat(s->path, &sb) == -1) {
		free(s->shown);
		s->shown = xstrdup(text);
		save_now(ui, s);
		return 0;
	}
	if (S_ISDIR(sb.st_mode)) {
		ui_error(ui, _("%s is a directory"), text);
		return -1;
	}
	free(s->shown);
	s->shown = xstrdup(text);
	q = xprintf(_("%s exists. Replace it?\nIts contents will be lost."),
	    text);
	confirm_open(ui, s->title, q, save_confirm, s);
	free(q);
	return 0;
}

/* Ask where, then write. */
void
save_start(struct ui *ui, const char *title, const char *label,
    const char *def, const char *done, save_write_fn write, void *arg)
{
	struct save	*s = xcalloc(1, sizeof *s);

	s->title = xstrdup(title);
	s->done = xstrdup(done);
	s->write = write;
	s->arg = arg;
	prompt_open(ui, title, label, def, 1, save_path, s);
}
