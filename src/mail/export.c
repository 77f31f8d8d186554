/* Writing a list as CSV that re-imports to the same list. */
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "export.h"
#include "base/i18n.h"
#include "base/json.h"
#include "store/store.h"

/* Append s as one CSV field, quoting it when a reader could misparse it. */
void
csv_field(struct buf *b, const char *s, char delim)
{
	const char	*p;
	size_t		 len = strlen(s);
	int		 quote = 0;

	for (p = s; *p != '\0'; p++)
		if (*p == delim || *p == '"' || *p == '\r' || *p == '\n') {
			quote = 1;
			break;
		}
	/* Edge spaces would be trimmed on re-import. */
	if (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t'))
		quote = 1;
	if (!quote) {
		buf_add(b, s, len);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

struct export_ctx {
	FILE		*out;
	char		**names;
	size_t		 nnames;
	char		**values;	/* one per name, for the current row */
	struct buf	 line;
	uint64_t	 rows;
	int		 error;
};

/* Collect one attribute value into its column. */
static int
export_attr(const char *key, const char *value, void *arg)
{
	struct export_ctx	*x = arg;
	size_t			 i;

	for (i = 0; i < x->nnames; i++)
		if (strcmp(x->names[i], key) == 0) {
			free(x->values[i]);
			x->values[i] = xstrdup(value);
			break;
		}
	return 0;
}

/* Write one member as a CSV row. */
static int
export_row(const struct contact *c, void *arg)
{
	struct export_ctx	*x = arg;
	size_t			 i;

	for (i = 0; i < x->nnames; i++) {
		free(x->values[i]);
		x->values[i] = NULL;
	}
	json_each_pair(c->attrs, export_attr, x);
	buf_reset(&x->line);
	csv_field(&x->line, c->addr, ',');
	buf_addc(&x->line, ',');
	csv_field(&x->line, c->name, ',');
	for (i = 0; i < x->nnames; i++) {
		buf_addc(&x->line, ',');
		csv_field(&x->line, x->values[i] != NULL ? x->values[i] : "",
		    ',');
	}
	buf_adds(&x->line, "\r\n");
	if (fwrite(x->line.data, 1, x->line.len, x->out) != x->line.len) {
		x->error = 1;
		return 1;
	}
	x->rows++;
	return 0;
}

/* Write a list's members as CSV with a header row. */
int
export_list(struct store *st, const char *list, FILE *out, uint64_t *rows,
    char **cause)
{
	struct export_ctx	 x;
	int64_t			 id;
	size_t			 i;
	int			 rc;

	if ((rc = store_list_find(st, list, &id, cause)) == -1)
		return -1;
	if (rc == 1)
		return set_cause(cause, _("no list named '%s'"), list);
	memset(&x, 0, sizeof x);
	x.out = out;
	buf_init(&x.line);
	if (store_list_attr_names(st, id, &x.names, &x.nnames, cause) == -1)
		return -1;
	x.values = xcalloc(x.nnames, sizeof *x.values);
	buf_adds(&x.line, "email,name");
	for (i = 0; i < x.nnames; i++) {
		buf_addc(&x.line, ',');
		csv_field(&x.line, x.names[i], ',');
	}
	buf_adds(&x.line, "\r\n");
	rc = 0;
	if (fwrite(x.line.data, 1, x.line.len, out) != x.line.len)
		x.error = 1;
	else
		rc = store_contacts(st, id, NULL, 0, 0, export_row, &x, cause);
	if (rc == 0 && (x.error || fflush(out) != 0))
		rc = set_cause(cause, _("write error: %s"), strerror(errno));
	for (i = 0; i < x.nnames; i++) {
		free(x.names[i]);
		free(x.values[i]);
	}
	free(x.names);
	free(x.values);
	buf_free(&x.line);
	if (rows != NULL)
		*rows = x.rows;
	return rc;
}
