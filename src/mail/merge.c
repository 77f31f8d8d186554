/*
 * Merge fields: {{name}}, {{email}}, {{ATTR}}, {{field|default}}, and
 * {{{{ for a literal "{{". One walker parses the fields for the check at
 * save time and for the expansion per recipient, so the two can never
 * disagree about what a field is.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/json.h"
#include "datefmt.h"
#include "merge.h"
#include "message.h"

/* A field as written: {{ name | default }}. */
struct merge_field {
	const char	*name;
	size_t		 namelen;
	const char	*def;
	size_t		 deflen;
	int		 has_def;
	size_t		 line;
};

/* Called for each field; appends its value to out when there is one. */
typedef int (*merge_fn)(const struct merge_field *, struct buf *out,
    void *arg, char **cause);

/* Where an error is: "body line 3" or "Subject". */
struct merge_where {
	const char	*what;
	int		 lines;		/* the text has more than one line */
};

/* Set *cause to "WHAT [line N]: message". */
static int PRINTFLIKE(4, 5)
merge_error(char **cause, const struct merge_where *w, size_t line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvprintf(fmt, ap);
	va_end(ap);
	if (w->lines)
		set_cause(cause, _("%s line %zu: %s"), w->what, line, msg);
	else
		set_cause(cause, "%s: %s", w->what, msg);
	free(msg);
	return -1;
}

/* Drop ASCII white space at both ends of s[0..*len). */
static const char *
merge_trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

/* Parse the inside of {{...}} into f. */
static int
merge_parse(const char *in, size_t len, struct merge_field *f,
    const struct merge_where *w, char **cause)
{
	const char	*bar;
	size_t		 i;

	bar = memchr(in, '|', len);
	f->name = in;
	f->namelen = bar != NULL ? (size_t)(bar - in) : len;
	f->name = merge_trim(f->name, &f->namelen);
	f->has_def = bar != NULL;
	f->def = "";
	f->deflen = 0;
	if (bar != NULL) {
		f->deflen = len - (size_t)(bar + 1 - in);
		f->def = merge_trim(bar + 1, &f->deflen);
	}
	if (f->namelen == 0)
		return merge_error(cause, w, f->line, _("a merge field without "
		    "a name: {{%.*s}} (write {{{{ for a literal {{)"),
		    (int)len, in);
	if (f->namelen > MERGE_NAME_MAX)
		return merge_error(cause, w, f->line, _("a merge field name "
		    "longer than %d bytes"), MERGE_NAME_MAX);
	for (i = 0; i < f->namelen; i++)
		if ((unsigned char)f->name[i] < 0x20 || f->name[i] == 0x7f ||
		    f->name[i] == '{' || f->name[i] == '}')
			return merge_error(cause, w, f->line, _("invalid "
			    "character in merge field {{%.*s}} (write {{{{ "
			    "for a literal {{)"), (int)len, in);
	return 0;
}

/* Walk text: literal runs go to out (when not NULL), fields to fn. */
static int
merge_walk(const char *text, size_t len, const char *what, struct buf *out,
    merge_fn fn, void *arg, char **cause)
{
	struct merge_field	 f;
	struct merge_where	 w;
	size_t			 i, start = 0, line = 1, end;

	w.what = what;
	w.lines = memchr(text, '\n', len) != NULL ||
	    memchr(text, '\r', len) != NULL;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n' || (text[i] == '\r' &&
		    (i + 1 == len || text[i + 1] != '\n')))
			line++;
		if (text[i] != '{' || i + 1 == len || text[i + 1] != '{')
			continue;
		if (out != NULL)
			buf_add(out, text + start, i - start);
		if (i + 3 < len && text[i + 2] == '{' && text[i + 3] == '{') {
			/* {{{{ is a literal {{. */
			if (out != NULL)
				buf_adds(out, "{{");
			i += 3;
			start = i + 1;
			continue;
		}
		for (end = i + 2; end + 1 < len; end++)
			if (text[end] == '\n' || text[end] == '\r' ||
			    (text[end] == '}' && text[end + 1] == '}'))
				break;
		if (end + 1 >= len || text[end] != '}')
			return merge_error(cause, &w, line, _("'{{' is not "
			    "closed by '}}' on the same line (write {{{{ for a "
			    "literal {{)"));
		f.line = line;
		if (merge_parse(text + i + 2, end - i - 2, &f, &w,
		    cause) == -1)
			return -1;
		if (fn(&f, out, arg, cause) == -1)
			return -1;
		i = end + 1;
		start = i + 1;
	}
	if (out != NULL)
		buf_add(out, text + start, len - start);
	return 0;
}

/* Does the field name the built-in s? */
static int
merge_is(const struct merge_field *f, const char *s)
{
	return strlen(s) == f->namelen &&
	    strncasecmp(f->name, s, f->namelen) == 0;
}

/* Is the field the send date, {{date}}, {{date:ja}} or {{date:en}}? Its
 * form in *f. */
static int
merge_date(const struct merge_field *f, enum datefmt *fmt)
{
	if (f->namelen < 4 || strncasecmp(f->name, "date", 4) != 0)
		return 0;
	if (f->namelen == 4)
		return datefmt_parse("", 0, fmt) == 0;
	if (f->name[4] != ':')
		return 0;
	return datefmt_parse(f->name + 5, f->namelen - 5, fmt) == 0;
}

struct merge_check_ctx {
	char *const		*attrs;
	size_t			 nattrs;
	const char		*what;
	int			 lines;
};

/* Can a member fill the field? */
static int
merge_check_field(const struct merge_field *f, struct buf *out, void *arg,
    char **cause)
{
	struct merge_check_ctx	*x = arg;
	struct merge_where	 w;
	struct buf		 names;
	enum datefmt		 fmt;
	size_t			 i;
	int			 rc;

	(void)out;
	if (merge_is(f, "email") || merge_is(f, "name") || f->has_def ||
	    merge_date(f, &fmt))
		return 0;
	for (i = 0; i < x->nattrs; i++)
		if (strlen(x->attrs[i]) == f->namelen &&
		    strncasecmp(x->attrs[i], f->name, f->namelen) == 0)
			return 0;
	buf_init(&names);
	for (i = 0; i < x->nattrs && i < 8; i++)
		buf_printf(&names, "%s, ", x->attrs[i]);
	if (x->nattrs > 8)
		buf_adds(&names, "..., ");
	buf_adds(&names, NT("email, name, date, date:ja, date:en"));
	w.what = x->what;
	w.lines = x->lines;
	rc = merge_error(cause, &w, f->line, _("merge field {{%.*s}} cannot be "
	    "filled: no member of the list has it (fields: %s); give it a "
	    "default such as {{%.*s|...}}"), (int)f->namelen, f->name,
	    names.data, (int)f->namelen, f->name);
	buf_free(&names);
	return rc;
}

/* Check every field of text. */
int
merge_check(const char *text, size_t len, const char *what,
    char *const *attrs, size_t nattrs, char **cause)
{
	struct merge_check_ctx	x;

	x.attrs = attrs;
	x.nattrs = nattrs;
	x.what = what;
	x.lines = memchr(text, '\n', len) != NULL ||
	    memchr(text, '\r', len) != NULL;
	return merge_walk(text, len, what, NULL, merge_check_field, &x,
	    cause);
}

struct merge_pair {
	char	*key;
	char	*value;
};

struct merge_expand_ctx {
	const struct recipient	*r;
	struct merge_pair	*pairs;
	size_t			 npairs;
	int			 header;
	time_t			 date;
	struct buf		 datebuf;
};

/* Keep one attribute of the recipient. */
static int
merge_add_pair(const char *key, const char *value, void *arg)
{
	struct merge_expand_ctx	*x = arg;

	x->pairs = xreallocarray(x->pairs, x->npairs + 1, sizeof *x->pairs);
	x->pairs[x->npairs].key = xstrdup(key);
	x->pairs[x->npairs].value = xstrdup(value);
	x->npairs++;
	return 0;
}

/* The recipient's value for a field, or NULL. */
static const char *
merge_value(struct merge_expand_ctx *x, const struct merge_field *f)
{
	enum datefmt	fmt;
	size_t		i;

	if (merge_is(f, "email"))
		return x->r->addr;
	if (merge_is(f, "name"))
		return x->r->name;
	for (i = 0; i < x->npairs; i++)
		if (strlen(x->pairs[i].key) == f->namelen &&
		    memcmp(x->pairs[i].key, f->name, f->namelen) == 0)
			return x->pairs[i].value;
	for (i = 0; i < x->npairs; i++)
		if (strlen(x->pairs[i].key) == f->namelen &&
		    strncasecmp(x->pairs[i].key, f->name, f->namelen) == 0)
			return x->pairs[i].value;
	/* After the attributes: a list with a "date" column keeps it. */
	if (merge_date(f, &fmt)) {
		buf_reset(&x->datebuf);
		datefmt_append(&x->datebuf, x->date, fmt);
		return x->datebuf.data;
	}
	return NULL;
}

/* Append a field's value (or its default). */
static int
merge_fill(const struct merge_field *f, struct buf *out, void *arg,
    char **cause)
{
	struct merge_expand_ctx	*x = arg;
	const char		*v;
	size_t			 len, i, start;

	(void)cause;
	v = merge_value(x, f);
	len = v != NULL ? strlen(v) : 0;
	if (len == 0 && f->has_def) {
		v = f->def;
		len = f->deflen;
	}
	start = out->len;
	buf_add(out, v != NULL ? v : "", len);
	if (x->header)
		for (i = start; i < out->len; i++)
			if ((unsigned char)out->data[i] < 0x20 ||
			    out->data[i] == 0x7f)
				out->data[i] = ' ';
	return 0;
}

/* Fill the fields of text for one recipient. */
int
merge_expand(struct buf *out, const char *text, size_t len, const char *what,
    const struct recipient *r, time_t date, int header, char **cause)
{
	struct merge_expand_ctx	x;
	size_t			i;
	int			rc;

	memset(&x, 0, sizeof x);
	x.r = r;
	x.header = header;
	x.date = date;
	buf_init(&x.datebuf);
	if (r->attrs != NULL && *r->attrs != '\0' &&
	    json_each_pair(r->attrs, merge_add_pair, &x) == -1) {
		rc = set_cause(cause, _("the attributes of %s are not a JSON "
		    "object of strings"), r->addr);
		goto out;
	}
	rc = merge_walk(text, len, what, out, merge_fill, &x, cause);
out:
	buf_free(&x.datebuf);
	for (i = 0; i < x.npairs; i++) {
		free(x.pairs[i].key);
		free(x.pairs[i].value);
	}
	free(x.pairs);
	return rc;
}

struct merge_names {
	char	**v;
	size_t	  n;
};

/* Collect a field's name once. */
static int
merge_collect(const struct merge_field *f, struct buf *out, void *arg,
    char **cause)
{
	struct merge_names	*x = arg;
	size_t			 i;

	(void)out;
	(void)cause;
	for (i = 0; i < x->n; i++)
		if (strlen(x->v[i]) == f->namelen &&
		    strncasecmp(x->v[i], f->name, f->namelen) == 0)
			return 0;
	x->v = xreallocarray(x->v, x->n + 1, sizeof *x->v);
	x->v[x->n++] = xstrndup(f->name, f->namelen);
	return 0;
}

/* The distinct field names of text. */
int
merge_fields(const char *text, size_t len, char ***names, size_t *n,
    char **cause)
{
	struct merge_names	x;
	size_t			i;

	memset(&x, 0, sizeof x);
	if (merge_walk(text, len, "text", NULL, merge_collect, &x,
	    cause) == -1) {
		for (i = 0; i < x.n; i++)
			free(x.v[i]);
		free(x.v);
		return -1;
	}
	*names = x.v;
	*n = x.n;
	return 0;
}

/* The fields an issue uses and each one's value for a recipient. */
int
message_merge_values(const struct issue *is, const struct recipient *r,
    char ***names, char ***values, size_t *n, char **cause)
{
	struct merge_expand_ctx	 x;
	struct merge_field	 f;
	struct buf		 all;
	const char		*v;
	size_t			 i;
	int			 rc;

	buf_init(&all);
	buf_adds(&all, is->subject != NULL ? is->subject : "");
	buf_addc(&all, '\n');
	buf_adds(&all, is->body != NULL ? is->body : "");
	rc = merge_fields(all.data, all.len, names, n, cause);
	buf_free(&all);
	if (rc == -1)
		return -1;
	memset(&x, 0, sizeof x);
	x.r = r;
	buf_init(&x.datebuf);
	if (r->attrs != NULL && *r->attrs != '\0' &&
	    json_each_pair(r->attrs, merge_add_pair, &x) == -1) {
		rc = set_cause(cause, _("the attributes of %s are not a JSON "
		    "object of strings"), r->addr);
		message_merge_free(*names, NULL, *n);
		goto out;
	}
	*values = xcalloc(*n != 0 ? *n : 1, sizeof **values);
	memset(&f, 0, sizeof f);
	for (i = 0; i < *n; i++) {
		f.name = (*names)[i];
		f.namelen = strlen(f.name);
		v = merge_value(&x, &f);
		(*values)[i] = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
	}
out:
	buf_free(&x.datebuf);
	for (i = 0; i < x.npairs; i++) {
		free(x.pairs[i].key);
		free(x.pairs[i].value);
	}
	free(x.pairs);
	return rc;
}

/* Free what message_merge_values returned. */
void
message_merge_free(char **names, char **values, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(names[i]);
		if (values != NULL)
			free(values[i]);
	}
	free(names);
	free(values);
}
