/*
 * The Health screen's report: the lines of `herald check DOMAIN --stream`
 * merged into one entry per check id. A run marks every entry stale; each
 * line that arrives replaces its entry (and moves it to where this run
 * reported it); a run that ends with its verdict drops the entries it did
 * not report.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health_ui.h"
#include "base/json.h"

#define HREPORT_FIELD_MAX	16384	/* bytes kept of one field */

/* What one line says. */
struct hline {
	char	*id, *title, *status, *observed, *fix;
	char	*event, *verdict, *ip, *helo, *envelope_from, *resolver;
};

/* An empty report. */
void
hreport_init(struct hreport *r)
{
	memset(r, 0, sizeof *r);
}

/* Free one check's strings. */
static void
hcheck_free(struct hcheck *c)
{
	free(c->id);
	free(c->title);
	free(c->observed);
	free(c->fix);
}

/* Forget every check; the report is now for domain. */
void
hreport_clear(struct hreport *r, const char *domain)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		hcheck_free(&r->v[i]);
	free(r->v);
	free(r->domain);
	free(r->verdict);
	free(r->ip);
	free(r->helo);
	free(r->envelope_from);
	free(r->resolver);
	memset(r, 0, sizeof *r);
	r->domain = domain != NULL ? xstrdup(domain) : NULL;
}

/* Free everything. */
void
hreport_free(struct hreport *r)
{
	hreport_clear(r, NULL);
}

/* A run starts. */
void
hreport_begin(struct hreport *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		r->v[i].fresh = 0;
	r->fresh = 0;
	free(r->verdict);
	r->verdict = NULL;
}

/* A copy of s cut to HREPORT_FIELD_MAX bytes on a character boundary. */
static char *
hreport_field(const char *s)
{
	size_t	n = strlen(s);

	if (n > HREPORT_FIELD_MAX) {
		n = HREPORT_FIELD_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return xstrndup(s, n);
}

/* Keep the members a line of the stream may have. */
static int
hreport_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct hline	 *l = arg;
	char		**slot = NULL;

	if (strcmp(key, "id") == 0)
		slot = &l->id;
	else if (strcmp(key, "title") == 0)
		slot = &l->title;
	else if (strcmp(key, "status") == 0)
		slot = &l->status;
	else if (strcmp(key, "observed") == 0)
		slot = &l->observed;
	else if (strcmp(key, "fix") == 0)
		slot = &l->fix;
	else if (strcmp(key, "event") == 0)
		slot = &l->event;
	else if (strcmp(key, "verdict") == 0)
		slot = &l->verdict;
	else if (strcmp(key, "resolver") == 0)
		slot = &l->resolver;
	else if (strcmp(key, "ip") == 0)
		slot = &l->ip;
	else if (strcmp(key, "helo") == 0)
		slot = &l->helo;
	else if (strcmp(key, "envelope_from") == 0 ||
	    strcmp(key, "envelope-from") == 0)
		slot = &l->envelope_from;
	if (slot == NULL || type == JSON_NULL || type == JSON_OBJECT ||
	    type == JSON_ARRAY)
		return 0;
	free(*slot);
	*slot = hreport_field(value);
	return 0;
}

/* Free what a line held. */
static void
hline_free(struct hline *l)
{
	free(l->id);
	free(l->title);
	free(l->status);
	free(l->observed);
	free(l->fix);
	free(l->event);
	free(l->verdict);
	free(l->resolver);
	free(l->ip);
	free(l->helo);
	free(l->envelope_from);
}

/* "ok", "warn" or "fail" (anything else is a warning: look at it). */
static enum hstatus
hreport_status(const char *s)
{
	if (ascii_casecmp(s, "ok") == 0 || ascii_casecmp(s, "pass") == 0)
		return HS_OK;
	if (ascii_casecmp(s, "fail") == 0 || ascii_casecmp(s, "error") == 0)
		return HS_FAIL;
	return HS_WARN;
}

/* Replace *slot with s (taken), NULL if s is empty or blank. */
static void
hreport_take(char **slot, char **s)
{
	free(*slot);
	*slot = *s;
	*s = NULL;
	if (*slot != NULL && *trim(*slot) == '\0') {
		free(*slot);
		*slot = NULL;
	}
}

/* Merge one check into the report, at position r->fresh. */
static void
hreport_merge(struct hreport *r, struct hline *l, int64_t now)
{
	struct hcheck	 c, *v;
	size_t		 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, l->id) == 0)
			break;
	if (i == r->n) {
		r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
		memset(&r->v[r->n], 0, sizeof *r->v);
		r->v[r->n].id = xstrdup(l->id);
		r->n++;
	}
	v = &r->v[i];
	if (l->title == NULL)
		l->title = xstrdup(l->id);
	hreport_take(&v->title, &l->title);
	hreport_take(&v->observed, &l->observed);
	hreport_take(&v->fix, &l->fix);
	v->status = hreport_status(l->status);
	v->at = now;
	v->when = time(NULL);
	if (v->fresh)
		return;		/* the same id twice in one run */
	v->fresh = 1;
	/* Fresh checks first, in the order this run reports them. */
	if (i > r->fresh) {
		c = r->v[i];
		memmove(&r->v[r->fresh + 1], &r->v[r->fresh],
		    (i - r->fresh) * sizeof *r->v);
		r->v[r->fresh] = c;
	}
	r->fresh++;
}

/* One line of the stream. */
int
hreport_line(struct hreport *r, const char *line, int64_t now)
{
	struct hline	l;
	int		rc = -1;

	memset(&l, 0, sizeof l);
	if (json_each_value(line, hreport_member, &l) == -1)
		goto out;
	if (l.id != NULL && *l.id != '\0' && l.status != NULL) {
		hreport_merge(r, &l, now);
		rc = 0;
	} else if (l.verdict != NULL || (l.event != NULL &&
	    strcmp(l.event, "start") == 0)) {
		/* The header: what is checked, first and last. */
		if (l.verdict != NULL)
			hreport_take(&r->verdict, &l.verdict);
		if (l.ip != NULL)
			hreport_take(&r->ip, &l.ip);
		if (l.helo != NULL)
			hreport_take(&r->helo, &l.helo);
		if (l.envelope_from != NULL)
			hreport_take(&r->envelope_from, &l.envelope_from);
		if (l.resolver != NULL)
			hreport_take(&r->resolver, &l.resolver);
		rc = 0;
	}
out:
	hline_free(&l);
	return rc;
}

/* The run is over. */
void
hreport_end(struct hreport *r, int complete, int64_t now)
{
	size_t	i, j = 0;

	if (!complete)
		return;
	for (i = 0; i < r->n; i++) {
		if (r->v[i].fresh)
			r->v[j++] = r->v[i];
		else
			hcheck_free(&r->v[i]);
	}
	r->n = j;
	r->at = now;
	r->when = time(NULL);
}

/* Checks in status s. */
size_t
hreport_count(const struct hreport *r, enum hstatus s)
{
	size_t	i, n = 0;

	for (i = 0; i < r->n; i++)
		if (r->v[i].status == s)
			n++;
	return n;
}

/* Checks with a fix to publish. */
size_t
hreport_fixes(const struct hreport *r)
{
	size_t	i, n = 0;

	for (i = 0; i < r->n; i++)
		if (r->v[i].fix != NULL && r->v[i].status != HS_OK)
			n++;
	return n;
}

/* Case-insensitive strstr for ASCII needles. */
static int
hreport_has(const char *s, const char *needle)
{
	size_t	n = strlen(needle);

	for (; s != NULL && *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

/* The check could not be decided because DNS did not answer in time. */
int
hcheck_timed_out(const struct hcheck *c)
{
	/* NT: the words of the checks' English observations, matched. */
	return c->status != HS_OK && (hreport_has(c->observed, "timeout") ||
	    hreport_has(c->observed, "timed out") ||
	    hreport_has(c->observed, "did not answer") ||
	    hreport_has(c->observed, "no answer from"));
}

/* ---- the DNS record inside a fix ---- */

/* s at '"': the length of the character-string through its closing
 * quote (backslash escapes skipped), 0 when it is not closed. */
size_t
hfix_quoted(const char *s)
{
	size_t	i;

	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == '\\' && s[i + 1] != '\0')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/*
 * The length of a record "OWNER. TTL IN TYPE DATA" at s, or 0. DATA is
 * words and quoted strings, all inside "( ... )" when a parenthesis
 * opens it; a parenthesis after DATA opens prose, as in "... MX 10
 * mail.example.org. (the host that receives your mail)".
 */
static size_t
hfix_record_at(const char *s)
{
	const char	*p, *q, *end = NULL;
	size_t		 n;
	int		 group = 0, first = 1;

	n = strcspn(s, " ");
	if (n < 2 || s[n - 1] != '.' || s[n] != ' ' ||
	    !isdigit((unsigned char)s[n + 1]))
		return 0;
	for (p = s + n + 1; isdigit((unsigned char)*p); p++)
		;
	if (strncmp(p, " IN ", 4) != 0 || !isupper((unsigned char)p[4]))
		return 0;
	for (p += 4; isupper((unsigned char)*p) || isdigit((unsigned char)*p);
	    p++)
		;
	while (*p == ' ') {
		for (q = p; *q == ' '; q++)
			;
		if (*q == '\0')
			break;
		if (*q == '(') {
			if (!first)
				break;		/* prose after the record */
			group = 1;
			p = q + 1;
		} else if (*q == ')' && group) {
			end = p = q + 1;
			group = 0;
			break;
		} else {
			if (*q == '"' && (n = hfix_quoted(q)) == 0)
				return 0;
			if (*q != '"')
				n = strcspn(q, " ");
			p = q + n;
			if (!group)
				end = p;
		}
		first = 0;
	}
	if (group || end == NULL || (*end != '\0' && *end != ' '))
		return 0;
	return (size_t)(end - s);
}

/* The first record in fix, at its start or after a ": ". */
int
hfix_record(const char *fix, size_t *off, size_t *len)
{
	const char	*p = fix;

	for (;;) {
		if ((*len = hfix_record_at(p)) != 0) {
			*off = (size_t)(p - fix);
			return 1;
		}
		if ((p = strstr(p, ": ")) == NULL)
			return 0;
		p += 2;
	}
}
