/*
 * Editing an issue in the operator's editor, as mutt does: the editable
 * headers above a blank line and the body, in a temporary file (mode
 * 0600). A file that does not parse comes back with "# error: ..." on
 * top; leaving it unchanged or emptying it gives up, and the issue stays
 * as it was. The editor runs through a callback, so the console can leave
 * curses around it (ui_run_external) and the CLI can simply wait.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/proc.h"
#include "message.h"
#include "store/store.h"

/* The largest edit file read back: a body and its headers. */
#define EDIT_FILE_MAX	(MESSAGE_BODY_MAX + 65536)

enum edit_hdr {
	EDIT_FROM,
	EDIT_REPLY_TO,
	EDIT_SUBJECT,
	EDIT_LIST,
	EDIT_UNSUBSCRIBE,
	EDIT_ENCODING,
	EDIT_KIND,
	EDIT_CHARSET,
	EDIT_TO,
	EDIT_EXCLUDE,
	EDIT_NHDR
};

static const char *const edit_hdr_names[EDIT_NHDR] = {
	"From", "Reply-To", "Subject", "List", "Unsubscribe", "Encoding",
	"Kind", "Charset", "To", "Exclude"
};

/* Append a value for the file; a NULL one is empty. */
static const char *
edit_str(const char *s)
{
	return s != NULL ? s : "";
}

/* Append "# error: ..." (one line whatever the message holds). */
static void
edit_error_line(struct buf *b, const char *error)
{
	const char	*p;

	buf_adds(b, "# error: ");
	for (p = error; *p != '\0'; p++)
		buf_addc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	/* Read back by its first words (edit_issue drops it): English. */
	buf_adds(b, NT("\n# Fix it, save and quit; leave the file unchanged or "
	    "empty it to give up.\n"));
}

/* The names of the To but the list on the List: line ("a, b"). */
char *
message_audience_rest(const struct issue *is)
{
	struct buf	 b;
	const char	*list = message_audience_list(is);
	size_t		 i;
	int		 skip = list != NULL;

	buf_init(&b);
	for (i = 0; i < is->naud; i++) {
		if (is->aud[i].exclude)
			continue;
		if (skip && strcmp(is->aud[i].name, list) == 0) {
			skip = 0;
			continue;
		}
		if (b.len != 0)
			buf_adds(&b, ", ");
		buf_adds(&b, is->aud[i].name);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* The edit file's text, with a line naming the merge fields. */
static char *
edit_text(const struct issue *is, const char *error, const char *fields)
{
	struct buf	 b;
	size_t		 len;
	char		*to, *exclude;

	buf_init(&b);
	if (error != NULL)
		edit_error_line(&b, error);
	if (is->id == 0)
		buf_adds(&b, _("# A new herald issue: edit the headers and the "
		    "body below, then save and quit.\n"));
	else
		buf_printf(&b, _("# herald issue %lld: edit the headers and the "
		    "body below, then save and quit.\n"), (long long)is->id);
	buf_adds(&b, _("# Lines starting with # up here are ignored. Empty "
	    "the file to abort.\n"));
	buf_printf(&b, _("# Merge fields: %s; {{FIELD|default}}; {{{{ writes "
	    "{{.\n"), fields != NULL ? fields : _("{{name}} {{email}} and the "
	    "list's columns"));
	/* List: is the first list of the To, To: the other names. */
	to = message_audience_rest(is);
	exclude = message_audience_text(is, 1);
	buf_printf(&b, "From: %s\nReply-To: %s\nSubject: %s\nList: %s\n"
	    "To: %s\nExclude: %s\n"
	    "Unsubscribe: %s\nEncoding: %s\nKind: %s\nCharset: %s\n\n",
	    edit_str(is->from), edit_str(is->reply_to),
	    edit_str(is->subject), edit_str(is->naud != 0 ?
	    message_audience_list(is) : is->list_name), to, exclude,
	    edit_str(is->unsubscribe), is->encoding != NULL &&
	    *is->encoding != '\0' ? is->encoding : "auto",
	    is->kind != NULL && *is->kind != '\0' ? is->kind : "notice",
	    is->charset != NULL && *is->charset != '\0' ? is->charset :
	    "utf-8");
	free(to);
	free(exclude);
	buf_adds(&b, edit_str(is->body));
	len = is->body != NULL ? strlen(is->body) : 0;
	if (len != 0 && is->body[len - 1] != '\n')
		buf_addc(&b, '\n');
	return buf_take(&b);
}

/* The text of the edit file for an issue. */
char *
message_edit_text(const struct issue *is, const char *error)
{
	return edit_text(is, error, NULL);
}

/* One line of text: [*p, end), the next line after it. */
static const char *
edit_line(const char **p, const char *limit, size_t *len)
{
	const char	*start = *p, *nl;

	nl = memchr(start, '\n', (size_t)(limit - start));
	*len = (nl != NULL ? (size_t)(nl - start) : (size_t)(limit - start));
	*p = nl != NULL ? nl + 1 : limit;
	/* A CRLF line end (a DOS editor) is a line end; a CR elsewhere
	 * stays in the value and is refused there. */
	if (*len > 0 && start[*len - 1] == '\r')
		(*len)--;
	return start;
}

/* Is the line only white space? */
static int
edit_blank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Set a header from "Name: value" at line; errors name the line. */
static int
edit_header(const char *s, size_t len, size_t line, struct buf *vals,
    int *seen, int *last, char **cause)
{
	const char	*colon;
	size_t		 nlen, i;
	int		 h;

	colon = memchr(s, ':', len);
	if (colon == NULL)
		return set_cause(cause, _("line %zu: '%.*s' is not a header "
		    "(Name: value); a blank line goes between the headers "
		    "and the body"), line, (int)(len > 40 ? 40 : len), s);
	nlen = (size_t)(colon - s);
	while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
		nlen--;
	for (h = 0; h < EDIT_NHDR; h++)
		if (strlen(edit_hdr_names[h]) == nlen &&
		    strncasecmp(edit_hdr_names[h], s, nlen) == 0)
			break;
	if (h == EDIT_NHDR)
		return set_cause(cause, _("line %zu: unknown header '%.*s' "
		    "(known: From, Reply-To, Subject, List, To, Exclude, "
		    "Unsubscribe, Encoding, Kind, Charset)"), line,
		    (int)(nlen > 40 ? 40 : nlen), s);
	if (seen[h])
		return set_cause(cause, _("line %zu: %s: given twice"), line,
		    edit_hdr_names[h]);
	seen[h] = 1;
	*last = h;
	i = (size_t)(colon + 1 - s);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	buf_add(&vals[h], s + i, len - i);
	return 0;
}

/* Drop trailing white space of a value. */
static void
edit_rtrim(struct buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == ' ' ||
	    b->data[b->len - 1] == '\t'))
		b->data[--b->len] = '\0';
}

/* Take a buffer's text ("" when empty). */
static char *
edit_take(struct buf *b)
{
	return b->data != NULL ? buf_take(b) : xstrdup("");
}

/* Parse an edited file into issue. */
int
message_edit_parse(struct store *st, const char *text, size_t len,
    struct issue *is, char **cause)
{
	struct buf	 vals[EDIT_NHDR];
	struct issue	 n;
	const char	*p = text, *limit = text + len, *s, *body = NULL;
	size_t		 llen, line = 0;
	int		 seen[EDIT_NHDR], h, last = -1, rc = -1, started = 0;
	int64_t		 list_id = 0;

	if (message_check_text(_("the file"), text, len, cause) == -1)
		return -1;
	memset(seen, 0, sizeof seen);
	memset(&n, 0, sizeof n);
	for (h = 0; h < EDIT_NHDR; h++)
		buf_init(&vals[h]);
	while (p < limit) {
		s = edit_line(&p, limit, &llen);
		line++;
		if (!started) {
			/* Comments and blank lines before the headers. */
			if (llen == 0 || s[0] == '#' || edit_blank(s, llen))
				continue;
			started = 1;
		}
		if (llen == 0 || edit_blank(s, llen)) {
			body = p;
			break;
		}
		if (s[0] == ' ' || s[0] == '\t') {
			/* A folded value continues with one space; a value
			 * that was empty starts with the continuation. */
			if (last == -1) {
				set_cause(cause, _("line %zu: a continuation "
				    "line without a header"), line);
				goto out;
			}
			edit_rtrim(&vals[last]);
			while (llen > 0 && (*s == ' ' || *s == '\t')) {
				s++;
				llen--;
			}
			if (vals[last].len != 0)
				buf_addc(&vals[last], ' ');
			buf_add(&vals[last], s, llen);
			continue;
		}
		if (edit_header(s, llen, line, vals, seen, &last, cause) == -1)
			goto out;
	}
	if (!started) {
		rc = 1;
		goto out;
	}
	for (h = 0; h < EDIT_NHDR; h++)
		edit_rtrim(&vals[h]);
	if (!seen[EDIT_FROM] || vals[EDIT_FROM].len == 0) {
		set_cause(cause, _("From: missing (Name <address>)"));
		goto out;
	}
	if (!seen[EDIT_SUBJECT] || vals[EDIT_SUBJECT].len == 0) {
		set_cause(cause, _("Subject: missing"));
		goto out;
	}
	if (vals[EDIT_LIST].len == 0 && vals[EDIT_TO].len == 0) {
		set_cause(cause, _("List: missing (the list to send to)"));
		goto out;
	}
	if (vals[EDIT_LIST].len != 0 && (rc = store_list_find(st,
	    vals[EDIT_LIST].data, &list_id, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("List: no list named '%s' (herald "
			    "list ls shows them)"), vals[EDIT_LIST].data);
		rc = -1;
		goto out;
	}
	rc = -1;
	/* The audience: the List first, then To, less Exclude. */
	if (vals[EDIT_LIST].len != 0)
		message_audience_add(&n, vals[EDIT_LIST].data, 0);
	if (vals[EDIT_TO].len != 0)
		message_audience_add(&n, vals[EDIT_TO].data, 0);
	if (vals[EDIT_EXCLUDE].len != 0)
		message_audience_add(&n, vals[EDIT_EXCLUDE].data, 1);
	if (message_audience_settle(st, &n, cause) == -1)
		goto out;
	n.id = is->id;
	n.created_at = is->created_at;
	n.updated_at = is->updated_at;
	n.from = edit_take(&vals[EDIT_FROM]);
	n.reply_to = edit_take(&vals[EDIT_REPLY_TO]);
	n.subject = edit_take(&vals[EDIT_SUBJECT]);
	n.unsubscribe = edit_take(&vals[EDIT_UNSUBSCRIBE]);
	n.encoding = vals[EDIT_ENCODING].len != 0 ?
	    edit_take(&vals[EDIT_ENCODING]) : xstrdup("auto");
	/* A file without these lines keeps the issue's kind and charset. */
	n.kind = vals[EDIT_KIND].len != 0 ? edit_take(&vals[EDIT_KIND]) :
	    xstrdup(is->kind != NULL ? is->kind : "notice");
	n.charset = vals[EDIT_CHARSET].len != 0 ?
	    edit_take(&vals[EDIT_CHARSET]) : xstrdup(is->charset != NULL ?
	    is->charset : "utf-8");
	n.body = body != NULL ? xstrndup(body, (size_t)(limit - body)) :
	    xstrdup("");
	if (message_check_list(st, &n, cause) == -1)
		goto out;
	issue_free(is);
	*is = n;
	memset(&n, 0, sizeof n);
	rc = 0;
out:
	issue_free(&n);
	for (h = 0; h < EDIT_NHDR; h++)
		buf_free(&vals[h]);
	return rc;
}

/* Run an editor on a plain terminal (proc.c does the fork, exec, wait). */
int
message_editor_run(char *const argv[], void *arg, char **cause)
{
	(void)arg;
	return proc_run(argv, cause);
}

/* Write text to the file at path (replacing what it held). */
static int
edit_write(const char *path, const char *text, char **cause)
{
	size_t	len = strlen(text), off = 0;
	ssize_t	n;
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			set_cause(cause, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	return 0;
}

/* Read the file at path back (editors may replace it: open by name). */
static int
edit_read(const char *path, struct buf *b, char **cause)
{
	char	chunk[65536];
	ssize_t	n;
	int	fd;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;	/* removed: the same as emptied */
		return set_cause(cause, "%s: %s", path, strerror(errno));
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b->len + (size_t)n > EDIT_FILE_MAX) {
			close(fd);
			return set_cause(cause, _("the edited file is larger "
			    "than %d bytes"), EDIT_FILE_MAX);
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	if (n == -1)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	return 0;
}

/* "{{name}} {{email}} {{city}}" for the issue's list. */
static char *
edit_fields(struct store *st, const struct issue *is)
{
	struct buf	  b;
	char		**names = NULL, *cause = NULL;
	size_t		  n = 0, i;

	buf_init(&b);
	buf_adds(&b, "{{name}} {{email}}");
	if (is->list_id != 0 && store_list_attr_names(st, is->list_id, &names,
	    &n, &cause) == 0) {
		for (i = 0; i < n; i++) {
			if (i < 12)
				buf_printf(&b, " {{%s}}", names[i]);
			free(names[i]);
		}
		if (n > 12)
			buf_adds(&b, " ...");
		free(names);
	}
	free(cause);
	return buf_take(&b);
}

/* The editor: $VISUAL, $EDITOR, else vi. */
static const char *
edit_editor(void)
{
	const char	*e;

	if ((e = getenv("VISUAL")) != NULL && *e != '\0')
		return e;
	if ((e = getenv("EDITOR")) != NULL && *e != '\0')
		return e;
	return "vi";
}

/* Run the editor once on path; -1 unless it exits 0. */
static int
edit_run(const char *path, message_editor_fn fn, void *arg, char **cause)
{
	const char	*editor = edit_editor();
	char		*cmd, *argv[6];
	int		 status;

	/* As git does: the variable may hold options ("emacs -nw"). */
	cmd = xprintf("%s \"$@\"", editor);
	argv[0] = xstrdup("/bin/sh");
	argv[1] = xstrdup("-c");
	argv[2] = cmd;
	argv[3] = xstrdup(editor);
	argv[4] = xstrdup(path);
	argv[5] = NULL;
	status = fn(argv, arg, cause);
	free(argv[0]);
	free(argv[1]);
	free(argv[2]);
	free(argv[3]);
	free(argv[4]);
	if (status == -1)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return set_cause(cause, _("the editor '%s' could not "
			    "run (set $VISUAL or $EDITOR)"), editor);
		if (WIFEXITED(status))
			return set_cause(cause, _("the editor '%s' failed (exit "
			    "status %d); the issue is unchanged"), editor,
			    WEXITSTATUS(status));
		return set_cause(cause, _("the editor '%s' failed (signal "
		    "%d); the issue is unchanged"), editor, WTERMSIG(status));
	}
	return 0;
}

/*
 * Make the temporary file, mode 0600, in a directory of its own (0700):
 * editors that save by writing a new file and renaming it keep their own
 * idea of the mode, and the directory keeps that file private too.
 */
static char *
edit_tmpfile(const struct issue *is, char **dirp, char **cause)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir, *path;
	int		 fd;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	dir = xprintf("%s/herald-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		set_cause(cause, _("cannot create a temporary directory in %s: "
		    "%s"), tmp, strerror(errno));
		free(dir);
		return NULL;
	}
	if (is->id == 0)
		path = xprintf("%s/herald-issue-new.txt", dir);
	else
		path = xprintf("%s/herald-issue-%lld.txt", dir,
		    (long long)is->id);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		set_cause(cause, _("cannot create %s: %s"), path,
		    strerror(errno));
		rmdir(dir);
		free(dir);
		free(path);
		return NULL;
	}
	close(fd);
	*dirp = dir;
	return path;
}

/* Edit an issue in the operator's editor until it parses or they give up. */
int
message_edit(struct store *st, struct issue *is, message_editor_fn fn,
    void *arg, enum message_edit_result *result, char **cause)
{
	struct buf	 got, again;
	char		*dir = NULL, *path, *text, *fields, *err = NULL;
	const char	*p, *limit;
	size_t		 llen;
	int		 rc = -1, shown = 0, prc;

	if ((path = edit_tmpfile(is, &dir, cause)) == NULL)
		return -1;
	fields = edit_fields(st, is);
	text = edit_text(is, NULL, fields);
	buf_init(&got);
	buf_init(&again);
	for (;;) {
		if (edit_write(path, text, cause) == -1 ||
		    edit_run(path, fn, arg, cause) == -1 ||
		    edit_read(path, &got, cause) == -1)
			goto out;
		if (got.len == strlen(text) && memcmp(got.data, text,
		    got.len) == 0) {
			*result = shown ? MESSAGE_EDIT_ABORTED :
			    MESSAGE_EDIT_UNCHANGED;
			break;
		}
		prc = message_edit_parse(st, got.data != NULL ? got.data : "",
		    got.len, is, &err);
		if (prc == 1) {
			*result = MESSAGE_EDIT_ABORTED;
			break;
		}
		if (prc == 0) {
			/* A new issue (id 0, as the console starts one) is
			 * added only now, so giving up leaves nothing. */
			*result = MESSAGE_EDIT_SAVED;
			if (is->id == 0 ? store_issue_add(st, is, cause) :
			    store_issue_update(st, is, cause)) {
				/* A send started while the editor was open:
				 * the edit becomes a new issue, not lost. */
				if (is->id == 0 || store_issue_busy(st, is->id,
				    &err) != 1)
					goto out;
				free(*cause);
				*cause = NULL;
				is->id = 0;
				if (store_issue_add(st, is, cause) == -1)
					goto out;
				*result = MESSAGE_EDIT_COPIED;
			}
			break;
		}
		/* Show the file again as they left it, with the error on
		 * top instead of the one before. */
		buf_reset(&again);
		edit_error_line(&again, err);
		free(err);
		err = NULL;
		p = got.data;
		limit = got.data + got.len;
		while (p < limit && strncmp(p, "# error: ", 9) == 0) {
			edit_line(&p, limit, &llen);
			if (p < limit && strncmp(p, "# Fix it,", 9) == 0)
				edit_line(&p, limit, &llen);
		}
		buf_add(&again, p, (size_t)(limit - p));
		free(text);
		text = buf_take(&again);
		shown = 1;
	}
	rc = 0;
out:
	unlink(path);
	rmdir(dir);	/* fails, harmlessly, if an editor left a backup */
	free(dir);
	free(path);
	free(text);
	free(fields);
	free(err);
	buf_free(&got);
	buf_free(&again);
	return rc;
}
