/*
 * w on the Health screen: every fix of the report written to a file that
 * is a zone-file fragment (RFC 1035 master format): each record on one
 * line, everything else a ';' comment, no record twice, under a comment
 * naming the domain and the date, so it can be loaded or copied whole. Asks
 * for the path (default ./herald-dns-fixes.txt) and y/N before replacing
 * a file; writes beside it and renames, so a failure leaves no half file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "health_ui.h"
#include "ui/kit/widget.h"

#define HEALTH_FIXES_FILE	"./herald-dns-fixes.txt"

/* Text and a newline, control characters as spaces: one line. */
static void
fixes_line(FILE *f, const char *text, size_t len)
{
	unsigned char	c;
	size_t		i;

	for (i = 0; i < len && text[i] != '\0'; i++) {
		c = (unsigned char)text[i];
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('\n', f);
}

/* A comment line. */
static void
fixes_comment(FILE *f, const char *text, size_t len)
{
	fputs("; ", f);
	fixes_line(f, text, len);
}

/* Is the record's owner (the first word, with its final dot) domain or
 * a name under it? */
static int
fixes_in_zone(const char *rec, const char *domain)
{
	size_t	n = strcspn(rec, " "), d = strlen(domain);

	if (n > 0 && rec[n - 1] == '.')
		n--;
	if (d == 0 || n < d || strncasecmp(rec + n - d, domain, d) != 0)
		return 0;
	return n == d || rec[n - d - 1] == '.';
}

/* Was this record written already (an earlier check's fix)? */
static int
fixes_seen(char **seen, size_t nseen, const char *rec, size_t len)
{
	size_t	i;

	for (i = 0; i < nseen; i++)
		if (strlen(seen[i]) == len && memcmp(seen[i], rec, len) == 0)
			return 1;
	return 0;
}

/*
 * One check's fix. Prose is a comment. A record is a zone line unless
 * prose leads up to it (a template, or a step for later: "once reports
 * show your mail passes: ..."), its owner is outside the zone (a PTR),
 * or an earlier check asked for the same record: those are comments
 * too, so the file loads as it is.
 */
static void
fixes_put_check(FILE *f, const struct hreport *r, const struct hcheck *c,
    char ***seen, size_t *nseen)
{
	const char	*fix = c->fix, *post, *title, *same;
	size_t		 off, len, pre;

	fprintf(f, "\n; %s: ", c->status == HS_FAIL ? "FAIL" : "warn");
	title = _(c->title);
	fixes_line(f, title, strlen(title));
	if (!hfix_record(fix, &off, &len)) {
		fixes_comment(f, fix, strlen(fix));
		return;
	}
	for (pre = off; pre > 0 && fix[pre - 1] == ' '; pre--)
		;
	if (pre > 0)
		fixes_comment(f, fix, pre);
	if (fixes_seen(*seen, *nseen, fix + off, len)) {
		same = _("the same record as above");
		fixes_comment(f, same, strlen(same));
	} else if (r->domain != NULL && !fixes_in_zone(fix + off, r->domain)) {
		fprintf(f, _("; not in the zone of %s, so not loaded with "
		    "it:\n"),
		    r->domain);
		fixes_comment(f, fix + off, len);
	} else if (pre > 0)
		fixes_comment(f, fix + off, len);
	else
		fixes_line(f, fix + off, len);
	*seen = xreallocarray(*seen, *nseen + 1, sizeof **seen);
	(*seen)[(*nseen)++] = xstrndup(fix + off, len);
	for (post = fix + off + len; *post == ' '; post++)
		;
	if (*post == '(' && post[strlen(post) - 1] == ')')
		fixes_comment(f, post + 1, strlen(post) - 2);
	else if (*post != '\0')
		fixes_comment(f, post, strlen(post));
}

/* The header and the fixes: a zone-file fragment for the domain. */
static void
fixes_put(const struct hreport *r, FILE *f)
{
	const char	*d = r->domain != NULL ? r->domain : "?";
	char		 date[64], **seen = NULL;
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i, nseen = 0;

	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z",
	    localtime_r(&now, &tm));
	fprintf(f, _("; DNS fixes for %s, written by herald %s on %s\n"), d,
	    HERALD_VERSION, date);
	if (r->ip != NULL || r->helo != NULL)
		fprintf(f, _("; for mail sent from %s (HELO %s)\n"),
		    r->ip != NULL ? r->ip : "?", r->helo != NULL ? r->helo : "?");
	/* Each line of the translation starts "; " too: a comment. */
	fprintf(f, _(";\n; A zone-file fragment: the lines that are not "
	    "comments go into the zone of\n; %s. Each replaces any record of "
	    "its name and type (a name has one SPF\n; and one DMARC record). "
	    "After publishing, check again: r on the Health\n; screen, or "
	    "`herald check %s`.\n"), d, d);
	for (i = 0; i < r->n; i++)
		if (r->v[i].fix != NULL && r->v[i].status != HS_OK)
			fixes_put_check(f, r, &r->v[i], &seen, &nseen);
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
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
		ui_error(ui, _("Cannot write %s: %s"), shown, cause != NULL ?
		    cause : _("failed"));
	else
		ui_info(ui, ngettext("Wrote %zu fix for %s to %s",
		    "Wrote %zu fixes for %s to %s", n), n, h->rep.domain,
		    shown);
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
		ui_info(ui, _("Nothing written; %s left as it was"), f->shown);
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
		ui_error(ui, "%s", _("Type the file to write"));
		return -1;
	}
	path = path_expand(text);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		ui_error(ui, _("%s is a directory"), text);
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
	q = xprintf(_("%s exists. Replace it?\nIts contents will be lost."),
	    text);
	confirm_open(ui, _("Write fixes"), q, fixes_confirm, f);
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
		ui_error(ui, "%s", _("No report yet: nothing to write"));
		return;
	}
	if (n == 0) {
		ui_info(ui, "%s", _("Nothing to fix: no check has a record to "
		    "publish"));
		return;
	}
	label = xprintf(ngettext("Write the %zu fix for %s as a zone file to:",
	    "Write the %zu fixes for %s as a zone file to:", n), n,
	    h->rep.domain);
	prompt_open(ui, _("Write fixes"), label, HEALTH_FIXES_FILE, 1,
	    fixes_path, h);
	free(label);
}
