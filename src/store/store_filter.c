/*
 * An audience filter's tree (audience/filter_types.h) as SQL over the
 * contacts row c. The text holds only fixed SQL and ?N placeholders:
 * values and attribute names are parameters, so nothing an operator types
 * can become SQL. Each condition comes out 0 or 1, never NULL (a member
 * without the attribute simply does not match it), so "not" and "!="
 * pick exactly the members the positive form leaves out.
 *
 * Numbers and dates are compared through two SQL functions registered on
 * the connection: herald_num (a number written in the cell, else NULL)
 * and herald_date (YYYY-MM-DD or YYYY/M/D with an optional time, as
 * YYYY-MM-DDTHH:MM:SS, else NULL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "audience/filter_types.h"
#include "base/util.h"

struct compile {
	struct buf		 b;
	struct filter_sql	*out;
};

static const char *const sql_op[] = {
	[FILTER_EQ] = "=", [FILTER_NE] = "<>", [FILTER_LT] = "<",
	[FILTER_LE] = "<=", [FILTER_GT] = ">", [FILTER_GE] = ">=",
	[FILTER_HAS] = "=",
};

/* Add a parameter; returns its placeholder number. */
static int
param(struct compile *c, const char *text, int is_num)
{
	struct filter_sql	*o = c->out;
	struct filter_param	*p;

	o->params = xreallocarray(o->params, o->nparams + 1,
	    sizeof *o->params);
	p = &o->params[o->nparams];
	p->text = xstrdup(text);
	p->is_num = is_num;
	p->num = is_num ? strtod(text, NULL) : 0;
	return o->first + (int)o->nparams++;
}

/* The field's value: text, a JSON value of the attributes, or NULL. */
static void
field(struct compile *c, const struct filter *f)
{
	switch (f->field) {
	case FILTER_EMAIL:
		buf_adds(&c->b, "c.addr");
		break;
	case FILTER_DOMAIN:
		/* After the last '@': rtrim drops every character but '@'
		 * from the end, leaving the address up to that '@'. */
		/* NT: SQL */
		buf_adds(&c->b, "substr(c.addr, length(rtrim(c.addr,"
		    " replace(c.addr, '@', ''))) + 1)");
		break;
	case FILTER_NAME:
		buf_adds(&c->b, "c.name");
		break;
	case FILTER_ATTR:
		/* By key, not by a JSON path: any name, quotes and dots
		 * included, is only ever compared. */
		buf_printf(&c->b, "(SELECT j.value FROM json_each(c.attrs) j"
		    " WHERE j.key = ?%d)", param(c, f->attr, 0));
		break;
	}
}

/* One comparison of the field with a value, 0 or 1. */
static void
compare(struct compile *c, const struct filter *f, enum filter_op op,
    const struct filter_value *v)
{
	int	n;

	buf_adds(&c->b, "coalesce(");
	if (op == FILTER_HAS) {
		buf_adds(&c->b, "instr(lower(");
		field(c, f);
		n = param(c, v->text, 0);
		buf_printf(&c->b, "), lower(?%d)) > 0", n);
	} else if (v->type == FILTER_NUMBER) {
		buf_adds(&c->b, "herald_num(");
		field(c, f);
		n = param(c, v->text, 1);
		buf_printf(&c->b, ") %s ?%d", sql_op[op], n);
	} else if (v->type == FILTER_DATE) {
		/* A day alone compares with the day of a date and time. */
		buf_adds(&c->b, strlen(v->text) == 10 ?
		    "substr(herald_date(" : "(herald_date(");
		field(c, f);
		n = param(c, v->text, 0);
		buf_printf(&c->b, ")%s) %s ?%d", strlen(v->text) == 10 ?
		    ", 1, 10" : "", sql_op[op], n);
	} else {
		/* = and != as the members view looks for text: ASCII
		 * letters in either case; order by the bytes. */
		buf_adds(&c->b, "CAST(");
		field(c, f);
		n = param(c, v->text, 0);
		buf_printf(&c->b, " AS TEXT) %s ?%d%s", sql_op[op], n,
		    op == FILTER_EQ || op == FILTER_NE ?
		    " COLLATE NOCASE" : "");
	}
	buf_adds(&c->b, ", 0)");
}

static void
node(struct compile *c, const struct filter *f)
{
	size_t	i;

	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		buf_addc(&c->b, '(');
		node(c, f->left);
		buf_adds(&c->b, f->kind == FILTER_AND ? " AND " : " OR ");
		node(c, f->right);
		buf_addc(&c->b, ')');
		break;
	case FILTER_NOT:
		buf_adds(&c->b, "(NOT ");
		node(c, f->left);
		buf_addc(&c->b, ')');
		break;
	case FILTER_CMP:
		/* != is the complement of =: it takes the empty too. */
		if (f->op == FILTER_NE) {
			buf_adds(&c->b, "(NOT ");
			compare(c, f, FILTER_EQ, &f->values[0]);
			buf_addc(&c->b, ')');
		} else
			compare(c, f, f->op, &f->values[0]);
		break;
	case FILTER_IN:
		buf_addc(&c->b, '(');
		for (i = 0; i < f->nvalues; i++) {
			if (i > 0)
				buf_adds(&c->b, " OR ");
			compare(c, f, FILTER_EQ, &f->values[i]);
		}
		buf_addc(&c->b, ')');
		break;
	case FILTER_EMPTY:
		buf_adds(&c->b, f->negated ? "(coalesce(trim(" :
		    "(NOT coalesce(trim(");
		field(c, f);
		buf_adds(&c->b, "), '') <> '')");
		break;
	}
}

void
store_filter_sql(const struct filter *f, int first, struct filter_sql *out)
{
	struct compile	c;

	memset(out, 0, sizeof *out);
	out->first = first;
	buf_init(&c.b);
	c.out = out;
	if (f == NULL)
		buf_adds(&c.b, "1");
	else
		node(&c, f);
	out->sql = buf_take(&c.b);
}

/* Copies of the texts: the caller may free q before stepping. */
void
store_filter_bind(sqlite3_stmt *s, const struct filter_sql *q)
{
	size_t	i;

	for (i = 0; i < q->nparams; i++) {
		if (q->params[i].is_num)
			sqlite3_bind_double(s, q->first + (int)i,
			    q->params[i].num);
		else
			sqlite3_bind_text(s, q->first + (int)i,
			    q->params[i].text, -1, SQLITE_TRANSIENT);
	}
}

void
store_filter_sql_free(struct filter_sql *q)
{
	size_t	i;

	for (i = 0; i < q->nparams; i++)
		free(q->params[i].text);
	free(q->params);
	free(q->sql);
	memset(q, 0, sizeof *q);
}

/* ---- the SQL functions ---- */

/* A cell's text without the spaces around it, in buf; NULL if none. */
static const char *
trimmed(sqlite3_value *v, char *buf, size_t len)
{
	const char	*s;
	size_t		 n;

	if ((s = (const char *)sqlite3_value_text(v)) == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* herald_num(x): x as a number if it is one ([+-]digits[.digits]). */
static void
fn_num(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char		 buf[64];
	const char	*s, *p;

	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		sqlite3_result_double(ctx, sqlite3_value_double(argv[0]));
		return;
	case SQLITE_TEXT:
		break;
	default:
		sqlite3_result_null(ctx);
		return;
	}
	if ((s = trimmed(argv[0], buf, sizeof buf)) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	p = s + (*s == '-' || *s == '+');
	if (*p < '0' || *p > '9')
		goto no;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto no;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		goto no;
	sqlite3_result_double(ctx, strtod(s, NULL));
	return;
no:
	sqlite3_result_null(ctx);
}

/* 1 to 2 digits (want: up to how many) at *pp, advanced past them. */
static int
read_num(const char **pp, int want, int *out)
{
	const char	*p = *pp;
	int		 n = 0, v = 0;

	while (n < want && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return n;
}

/* herald_date(x): YYYY-MM-DD, YYYY/M/D, then optionally T or a space and
 * H:MM[:SS]; anything after is ignored (a zone, fractions). */
static void
fn_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char		 buf[64], out[80];
	const char	*p;
	char		 sep;
	int		 y, m, d, hh = 0, mm = 0, ss = 0;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
	    (p = trimmed(argv[0], buf, sizeof buf)) == NULL)
		goto no;
	if (read_num(&p, 4, &y) != 4 || (*p != '-' && *p != '/'))
		goto no;
	sep = *p++;
	if (read_num(&p, 2, &m) == -1 || *p++ != sep ||
	    read_num(&p, 2, &d) == -1)
		goto no;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		goto no;
	if ((*p == 'T' || *p == ' ') && p[1] >= '0' && p[1] <= '9') {
		p++;
		if (read_num(&p, 2, &hh) == -1 || *p++ != ':' ||
		    read_num(&p, 2, &mm) != 2)
			goto no;
		if (*p == ':' && read_num(&(const char *){ p + 1 }, 2, &ss) == 2)
			p += 3;
		if (hh > 23 || mm > 59 || ss > 60)
			goto no;
	} else if (*p >= '0' && *p <= '9')
		goto no;
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
	    hh, mm, ss);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
	return;
no:
	sqlite3_result_null(ctx);
}

int
store_filter_functions(sqlite3 *db)
{
	int	flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	if (sqlite3_create_function(db, "herald_num", 1, flags, NULL, fn_num,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "herald_date", 1, flags, NULL,
	    fn_date, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}
