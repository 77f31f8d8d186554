/*
 * w on the Health screen: every fix of the report written to a file, one a
 * line and never wrapped, under a comment naming the domain and the date,
 * so the records can be copied whole even where a terminal cannot. Asks
 * for the path (default ./herald-dns-fixes.txt) and y/N before replacing
 * a file; writes beside it and renames, so a failure leaves no half file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "health.h"
#include "widget.h"

#define HEALTH_FIXES_FILE	"./herald-dns-fixes.txt"

/* One fix on one line: line breaks, tabs and other control characters
 * become spaces. */
static void
fixes_put_one(FILE *f, const char *fix)
{
	unsigned char	c;

	for (; *fix != '\0'; fix++) {
		c = (unsigned char)*fix;
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('\n', f);
}

/* The header and the fixes. */
static void
fixes_put(const struct hreport *r, FILE *f)
{
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i;

	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z",
	    localtime_r(&now, &tm));
	fprintf(f, "# DNS fixes for %s, written by herald %s on %s\n",
	    r->domain != NULL ? r->domain : "?", HERALD_VERSION, date);
	if (r->ip != NULL || r->helo != NULL)
		fprintf(f, "# for mail sent from %s (HELO %s)\n",
		    r->ip != NULL ? r->ip : "?", r->helo != NULL ? r->helo : "?");
	fprintf(f, "# One fix a line, in the order of the Health screen. "
	    "After publishing, check\n# again: r on the Health screen, "
	    "or `herald check %s`.\n", r->domain != NULL ? r->domain : "");
	for (i = 0; i < r->n; i++)
		if (r->v[i].fix != NULL && r->v[i].status != HS_OK)
			fixes_put_one(f, r->v[i].fix);
}

/* Write the fixes beside path, then rename into place. */
static int
fixes_write_file(const struct hreport *r, const char *path, char **cause)
{
	char	*dir, *tmp;
	FILE	*f = NULL;
	int	 fd, rc = 0;

	dir = path_dirname(path);
	tmp = xprintf("%s/.herald-fixes-XXXXXX", dir);
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
		fixes_put(r, f);
		if (fflush(f) == EOF || ferror(f))
			rc = set_cause(cause, "%s", strerror(errno));
		if (fclose(f) == EOF && rc == 0)
			rc = set_cause(cause, "%s", strerror(errno));
	}
	if (rc == 0 && rename(tmp, path) == -1)
		rc = set_cause(cause, "%s", strerror(errno));
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Write the fixes to path (expanded), reporting in the status line. */
static void
fixes_write(struct ui *ui, struct health *h, const char *path,
    const char *shown)
{
	char	*cause = NULL;
	size_t	 n = hreport_fixes(&h->rep);

	if (fixes_write_file(&h->rep, path, &cause) == -1)
		ui_error(ui, "Cannot write %s: %s", shown, cause != NULL ?
		    cause : "failed");
	else
		ui_info(ui, "Wrote %zu fix%s for %s to %s", n, n == 1 ? "" :
		    "es", h->rep.domain, shown);
	free(cause);
}

struct fixes_flow {
	struct health	*h;
	char		*path;
	char		*shown;
};

/* y/N on replacing an existing file. */
static void
fixes_confirm(struct ui *ui, int yes, void *arg)
{
	struct fixes_flow	*f = arg;

	if (yes)
		fixes_write(ui, f->h, f->path, f->shown);
	else
		ui_info(ui, "Nothing written; %s left as it was", f->shown);
	free(f->path);
	free(f->shown);
	free(f);
}

/* The path is chosen. */
static int
fixes_path(struct ui *ui, const char *text, void *arg)
{
	struct health		*h = arg;
	struct fixes_flow	*f;
	struct stat		 sb;
	char			*path, *q;

	if (text == NULL)
		return 0;
	if (*text == '\0') {
		ui_error(ui, "Type the file to write");
		return -1;
	}
	path = path_expand(text);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		ui_error(ui, "%s is a directory", text);
		free(path);
		return -1;
	}
	if (stat(path, &sb) == -1) {
		fixes_write(ui, h, path, text);
		free(path);
		return 0;
	}
	f = xcalloc(1, sizeof *f);
	f->h = h;
	f->path = path;
	f->shown = xstrdup(text);
	q = xprintf("%s exists. Replace it?\nIts contents will be lost.",
	    text);
	confirm_open(ui, "Write fixes", q, fixes_confirm, f);
	free(q);
	return 0;
}

/* w: ask where, then write. */
void
health_write_start(struct ui *ui, struct health *h)
{
	size_t	 n = hreport_fixes(&h->rep);
	char	*label;

	if (h->rep.n == 0) {
		ui_error(ui, "No report yet: nothing to write");
		return;
	}
	if (n == 0) {
		ui_info(ui, "Nothing to fix: no check has a record to publish");
		return;
	}
	label = xprintf("Write the %zu fix%s for %s (one a line) to:", n,
	    n == 1 ? "" : "es", h->rep.domain);
	prompt_open(ui, "Write fixes", label, HEALTH_FIXES_FILE, 1,
	    fixes_path, h);
	free(label);
}
