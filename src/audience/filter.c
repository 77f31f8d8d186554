/*
 * The audience filter language (filter.h): a lexer that reads one token
 * ahead, a recursive-descent parser to a tree, and a printer whose text
 * parses back to the same tree. Columns count characters, not bytes, so
 * an error under Japanese text points where the operator sees it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audience/filter.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

/* Longer text is refused: it bounds the tree's depth through and/or. */
#define FILTER_MAX_LEN	8192

enum tok {
	T_END, T_LPAREN, T_RPAREN, T_COMMA, T_OP, T_WORD, T_QNAME, T_STRING,
	T_NUMBER, T_DATE, T_ERROR,
};

struct token {
	enum tok	 type;
	size_t		 off;		/* byte offset of its first character */
	size_t		 end;		/* one past its last byte */
	enum filter_op	 op;		/* T_OP */
	char		*text;		/* WORD, QNAME, STRING, NUMBER, DATE */
};

struct parser {
	const char	*s;
	size_t		 len;
	size_t		 pos;		/* the lexer's position */
	struct token	 tok;		/* the current token */
	int		 depth;
	size_t		 err_off;	/* where the error is, when cause set */
	char		*cause;
};

static const char *const op_text[] = {
	[FILTER_EQ] = "=", [FILTER_NE] = "!=", [FILTER_LT] = "<",
	[FILTER_LE] = "<=", [FILTER_GT] = ">", [FILTER_GE] = ">=",
	[FILTER_HAS] = "~",
};

static const char *const field_text[] = {
	[FILTER_EMAIL] = "email", [FILTER_DOMAIN] = "domain",
	[FILTER_NAME] = "name",
};

static const char *const keywords[] = {
	"and", "or", "not", "in", "is", "empty",
};

static struct filter *parse_or(struct parser *);

/* The 1-based character column of byte offset off of s. */
static size_t
column(const char *s, size_t off)
{
	size_t	i, col = 1;

	for (i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* Record the first error, at byte offset off; fmt starts "column %zu". */
static void PRINTFLIKE(3, 4)
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list	ap;
	char	*msg;

	if (p->cause != NULL)
		return;
	va_start(ap, fmt);
	msg = xvprintf(fmt, ap);
	va_end(ap);
	p->cause = msg;
	p->err_off = off;
}

static int
is_word_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static int
is_word(unsigned char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at s. */
static int
digits(const char *s, size_t avail, size_t n)
{
	size_t	i;

	if (avail < n)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int
num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* 1 if the word equals keyword kw, ignoring ASCII letter case. */
static int
word_is(const struct token *t, const char *kw)
{
	return t->type == T_WORD && strcasecmp(t->text, kw) == 0;
}

static int
is_keyword(const char *w)
{
	size_t	i;

	for (i = 0; i < nitems(keywords); i++)
		if (strcasecmp(w, keywords[i]) == 0)
			return 1;
	return 0;
}

/* Skip spaces, tabs, newlines and the ideographic space (U+3000), which a
 * Japanese input method types for a space. */
static void
skip_space(struct parser *p)
{
	for (;;) {
		if (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL &&
		    p->s[p->pos] != '\0')
			p->pos++;
		else if (p->len - p->pos >= 3 &&
		    memcmp(p->s + p->pos, "\xe3\x80\x80", 3) == 0)
			p->pos += 3;
		else
			break;
	}
}

/* A quoted string or name from the quote at p->pos: q doubled is q. */
static int
lex_quoted(struct parser *p, char q, struct token *t)
{
	struct buf	b;
	size_t		i = p->pos + 1;

	buf_init(&b);
	for (;;) {
		if (i >= p->len) {
			buf_free(&b);
			if (q == '\'')
				perr(p, p->pos, _("column %zu: the quoted text "
				    "is not closed"), column(p->s, p->pos));
			else
				perr(p, p->pos, _("column %zu: the quoted name "
				    "is not closed"), column(p->s, p->pos));
			return -1;
		}
		if (p->s[i] == q) {
			if (i + 1 < p->len && p->s[i + 1] == q) {
				buf_addc(&b, q);
				i += 2;
				continue;
			}
			break;
		}
		buf_addc(&b, p->s[i++]);
	}
	if (q == '"' && b.len == 0) {
		buf_free(&b);
		perr(p, p->pos, _("column %zu: the quoted name is empty"),
		    column(p->s, p->pos));
		return -1;
	}
	t->type = q == '\'' ? T_STRING : T_QNAME;
	t->text = buf_take(&b);
	p->pos = i + 1;
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * A number (-?digits[.digits]) or a date (YYYY-MM-DD, then T or a space
 * and HH:MM[:SS]) at p->pos.
 */
static int
lex_number(struct parser *p, struct token *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char	*s = p->s + p->pos;
	size_t		 avail = p->len - p->pos, n = 0;
	int		 y, m, d, hh, mm, ss = 0;

	if (digits(s, avail, 4) && avail > 4 && s[4] == '-' &&
	    digits(s + 5, avail - 5, 2) && avail > 7 && s[7] == '-' &&
	    digits(s + 8, avail - 8, 2)) {
		y = atoi(s);
		m = num2(s + 5);
		d = num2(s + 8);
		if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
		    (m == 2 && d == 29 && !leap(y))) {
			perr(p, p->pos, _("column %zu: there is no such date"),
			    column(p->s, p->pos));
			return -1;
		}
		n = 10;
		/* A time after T, or after one space when it looks like one
		 * (a space alone ends the date). */
		if (avail > 10 && (s[10] == 'T' || (s[10] == ' ' &&
		    digits(s + 11, avail - 11, 2) && avail > 13 &&
		    s[13] == ':'))) {
			if (!digits(s + 11, avail - 11, 2) || avail <= 13 ||
			    s[13] != ':' || !digits(s + 14, avail - 14, 2))
				goto badtime;
			hh = num2(s + 11);
			mm = num2(s + 14);
			n = 16;
			if (avail > 16 && s[16] == ':') {
				if (!digits(s + 17, avail - 17, 2))
					goto badtime;
				ss = num2(s + 17);
				n = 19;
			}
			if (hh > 23 || mm > 59 || ss > 59)
				goto badtime;
			t->text = xprintf("%.10sT%02d:%02d:%02d", s, hh, mm,
			    ss);
		} else
			t->text = xstrndup(s, 10);
		t->type = T_DATE;
	} else {
		if (s[0] == '-')
			n++;
		while (n < avail && is_digit(s[n]))
			n++;
		if (n < avail && s[n] == '.' && n + 1 < avail &&
		    is_digit(s[n + 1])) {
			n++;
			while (n < avail && is_digit(s[n]))
				n++;
		}
		t->type = T_NUMBER;
		t->text = xstrndup(s, n);
	}
	if (n < avail && (is_word((unsigned char)s[n]) || s[n] == ':')) {
		free(t->text);
		t->text = NULL;
		perr(p, p->pos, _("column %zu: this is neither a number nor a "
		    "date (YYYY-MM-DD)"), column(p->s, p->pos));
		return -1;
	}
	p->pos += n;
	return 0;

badtime:
	/* At the time's first character, or the end when there is none. */
	n = avail > 11 ? p->pos + 11 : p->len;
	perr(p, n, _("column %zu: expected a time of day (HH:MM or "
	    "HH:MM:SS) after the date"), column(p->s, n));
	return -1;
}

/* Read the next token into p->tok (the previous one's text freed). */
static void
next(struct parser *p)
{
	struct token	*t = &p->tok;
	const char	*s;
	unsigned char	 c;
	size_t		 n;

	free(t->text);
	memset(t, 0, sizeof *t);
	skip_space(p);
	t->off = p->pos;
	if (p->cause != NULL) {
		t->type = T_ERROR;
		return;
	}
	if (p->pos >= p->len) {
		t->type = T_END;
		t->end = p->pos;
		return;
	}
	s = p->s + p->pos;
	c = (unsigned char)s[0];
	n = p->len - p->pos;
	t->type = T_OP;
	switch (c) {
	case '(':
		t->type = T_LPAREN;
		p->pos++;
		break;
	case ')':
		t->type = T_RPAREN;
		p->pos++;
		break;
	case ',':
		t->type = T_COMMA;
		p->pos++;
		break;
	case '=':
		t->op = FILTER_EQ;
		p->pos += n > 1 && s[1] == '=' ? 2 : 1;
		break;
	case '~':
		t->op = FILTER_HAS;
		p->pos++;
		break;
	case '<':
		if (n > 1 && s[1] == '>') {
			t->op = FILTER_NE;
			p->pos += 2;
		} else if (n > 1 && s[1] == '=') {
			t->op = FILTER_LE;
			p->pos += 2;
		} else {
			t->op = FILTER_LT;
			p->pos++;
		}
		break;
	case '>':
		t->op = n > 1 && s[1] == '=' ? FILTER_GE : FILTER_GT;
		p->pos += t->op == FILTER_GE ? 2 : 1;
		break;
	case '!':
		if (n > 1 && s[1] == '=') {
			t->op = FILTER_NE;
			p->pos += 2;
			break;
		}
		goto unexpected;
	case '\'':
	case '"':
		if (lex_quoted(p, (char)c, t) == -1)
			t->type = T_ERROR;
		break;
	default:
		if (is_digit((char)c) || (c == '-' && n > 1 && is_digit(s[1]))) {
			if (lex_number(p, t) == -1)
				t->type = T_ERROR;
			break;
		}
		if (is_word_start(c)) {
			n = 0;
			while (p->pos + n < p->len &&
			    is_word((unsigned char)s[n]) &&
			    !(p->len - p->pos - n >= 3 &&
			    memcmp(s + n, "\xe3\x80\x80", 3) == 0))
				n++;
			t->type = T_WORD;
			t->text = xstrndup(s, n);
			p->pos += n;
			break;
		}
	unexpected:
		if (c >= 0x21 && c < 0x7f)
			perr(p, p->pos, _("column %zu: unexpected character "
			    "'%c'"), column(p->s, p->pos), c);
		else
			perr(p, p->pos, _("column %zu: unexpected control "
			    "character"), column(p->s, p->pos));
		t->type = T_ERROR;
		break;
	}
	t->end = p->pos;
}

static struct filter *
node(enum filter_kind kind)
{
	struct filter	*f;

	f = xcalloc(1, sizeof *f);
	f->kind = kind;
	return f;
}

/* The current token as a value (moved out of it); -1 with an error after
 * what (the operator or "in"'s list). */
static int
value(struct parser *p, struct filter_value *v, const char *what)
{
	struct token	*t = &p->tok;

	switch (t->type) {
	case T_STRING:
		v->type = FILTER_STRING;
		break;
	case T_NUMBER:
		v->type = FILTER_NUMBER;
		break;
	case T_DATE:
		v->type = FILTER_DATE;
		break;
	case T_WORD:
	case T_QNAME:
		perr(p, t->off, _("column %zu: a text value needs single "
		    "quotes ('...')"), column(p->s, t->off));
		return -1;
	default:
		perr(p, t->off, _("column %zu: expected a value after '%s'"),
		    column(p->s, t->off), what);
		return -1;
	}
	v->text = t->text;
	t->text = NULL;
	next(p);
	return 0;
}

/* field in (v, ...), the current token after "in". */
static int
parse_in(struct parser *p, struct filter *f)
{
	size_t	open = p->tok.off;

	if (p->tok.type != T_LPAREN) {
		perr(p, p->tok.off, _("column %zu: expected '(' after 'in'"),
		    column(p->s, p->tok.off));
		return -1;
	}
	next(p);
	f->kind = FILTER_IN;
	for (;;) {
		f->values = xreallocarray(f->values, f->nvalues + 1,
		    sizeof *f->values);
		if (value(p, &f->values[f->nvalues],
		    f->nvalues == 0 ? "(" : ",") == -1)
			return -1;
		f->nvalues++;
		if (p->tok.type == T_RPAREN)
			break;
		if (p->tok.type != T_COMMA) {
			perr(p, p->tok.off, _("column %zu: expected ',' or ')' "
			    "in the list of values opened at column %zu"),
			    column(p->s, p->tok.off), column(p->s, open));
			return -1;
		}
		next(p);
	}
	next(p);
	return 0;
}

/* field op value | field [not] in (...) | field is [not] empty */
static struct filter *
parse_cond(struct parser *p)
{
	struct filter	*f, *n;
	struct token	*t = &p->tok;
	char		*fname;
	size_t		 i;

	if (t->type == T_ERROR)
		return NULL;
	f = node(FILTER_CMP);
	f->field = FILTER_ATTR;
	if (t->type == T_WORD && !is_keyword(t->text)) {
		for (i = 0; i < nitems(field_text); i++)
			if (strcasecmp(t->text, field_text[i]) == 0)
				f->field = (enum filter_field)i;
	} else if (t->type != T_QNAME) {
		perr(p, t->off, _("column %zu: expected a field name, '(' or "
		    "'not'"), column(p->s, t->off));
		free(f);
		return NULL;
	}
	if (f->field == FILTER_ATTR) {
		f->attr = t->text;
		t->text = NULL;
	}
	fname = xstrndup(p->s + t->off, t->end - t->off);
	next(p);
	if (t->type == T_OP) {
		f->op = t->op;
		next(p);
		f->values = xcalloc(1, sizeof *f->values);
		if (value(p, &f->values[0], op_text[f->op]) == -1)
			goto fail;
		f->nvalues = 1;
	} else if (word_is(t, "in")) {
		next(p);
		if (parse_in(p, f) == -1)
			goto fail;
	} else if (word_is(t, "not")) {
		next(p);
		if (!word_is(t, "in")) {
			perr(p, t->off, _("column %zu: expected 'in' after "
			    "'not'"), column(p->s, t->off));
			goto fail;
		}
		next(p);
		if (parse_in(p, f) == -1)
			goto fail;
		n = node(FILTER_NOT);
		n->left = f;
		f = n;
	} else if (word_is(t, "is")) {
		next(p);
		f->kind = FILTER_EMPTY;
		if (word_is(t, "not")) {
			f->negated = 1;
			next(p);
		}
		if (!word_is(t, "empty")) {
			if (f->negated)
				perr(p, t->off, _("column %zu: expected 'empty' "
				    "after 'is not'"), column(p->s, t->off));
			else
				perr(p, t->off, _("column %zu: expected 'empty' "
				    "or 'not empty' after 'is'"),
				    column(p->s, t->off));
			goto fail;
		}
		next(p);
	} else if (t->type != T_ERROR) {
		perr(p, t->off, _("column %zu: expected an operator after "
		    "'%s'"), column(p->s, t->off), fname);
		goto fail;
	} else
		goto fail;
	free(fname);
	return f;

fail:
	free(fname);
	filter_free(f);
	return NULL;
}

/* not unary | ( or ) | cond */
static struct filter *
parse_unary(struct parser *p)
{
	struct filter	*f, *n;
	size_t		 open;

	if (++p->depth > FILTER_MAX_DEPTH) {
		perr(p, p->tok.off, _("column %zu: the filter nests deeper than "
		    "%d levels"), column(p->s, p->tok.off), FILTER_MAX_DEPTH);
		return NULL;
	}
	if (word_is(&p->tok, "not")) {
		next(p);
		if ((f = parse_unary(p)) == NULL)
			return NULL;
		n = node(FILTER_NOT);
		n->left = f;
		f = n;
	} else if (p->tok.type == T_LPAREN) {
		open = p->tok.off;
		next(p);
		if ((f = parse_or(p)) == NULL)
			return NULL;
		if (p->tok.type != T_RPAREN) {
			if (p->tok.type != T_ERROR)
				perr(p, p->tok.off, _("column %zu: expected ')' "
				    "to close the '(' of column %zu"),
				    column(p->s, p->tok.off),
				    column(p->s, open));
			filter_free(f);
			return NULL;
		}
		next(p);
	} else
		f = parse_cond(p);
	p->depth--;
	return f;
}

/* One of and/or: a left-leaning chain of sub (kind's operands). */
static struct filter *
parse_chain(struct parser *p, enum filter_kind kind, const char *kw,
    struct filter *(*sub)(struct parser *))
{
	struct filter	*f, *r, *n;

	if ((f = sub(p)) == NULL)
		return NULL;
	while (word_is(&p->tok, kw)) {
		next(p);
		if ((r = sub(p)) == NULL) {
			filter_free(f);
			return NULL;
		}
		n = node(kind);
		n->left = f;
		n->right = r;
		f = n;
	}
	return f;
}

static struct filter *
parse_and(struct parser *p)
{
	return parse_chain(p, FILTER_AND, "and", parse_unary);
}

static struct filter *
parse_or(struct parser *p)
{
	return parse_chain(p, FILTER_OR, "or", parse_and);
}

int
filter_parse(const char *text, struct filter **out, size_t *col,
    char **cause)
{
	struct parser	 p;
	struct filter	*f = NULL;
	size_t		 bad;

	memset(&p, 0, sizeof p);
	p.s = text;
	p.len = strlen(text);
	*out = NULL;
	if (p.len > FILTER_MAX_LEN)
		perr(&p, 0, _("column %zu: the filter is longer than %d bytes"),
		    (size_t)1, FILTER_MAX_LEN);
	else if (!utf8_valid(text, p.len, &bad))
		perr(&p, bad, _("column %zu: the text is not valid UTF-8"),
		    column(text, bad));
	else {
		next(&p);
		if (p.tok.type == T_END)
			perr(&p, p.tok.off, _("column %zu: the filter is empty"),
			    column(text, p.tok.off));
		else if ((f = parse_or(&p)) != NULL && p.tok.type != T_END)
			perr(&p, p.tok.off, _("column %zu: expected 'and', 'or' "
			    "or the end of the filter"),
			    column(text, p.tok.off));
	}
	free(p.tok.text);
	if (p.cause != NULL) {
		filter_free(f);
		if (col != NULL)
			*col = column(text, p.err_off);
		if (cause != NULL)
			*cause = p.cause;
		else
			free(p.cause);
		return -1;
	}
	*out = f;
	return 0;
}

void
filter_free(struct filter *f)
{
	size_t	i;

	if (f == NULL)
		return;
	filter_free(f->left);
	filter_free(f->right);
	free(f->attr);
	for (i = 0; i < f->nvalues; i++)
		free(f->values[i].text);
	free(f->values);
	free(f);
}

/* A bare word the lexer reads back as this attribute's name. */
static int
bare_name(const char *a)
{
	size_t	i;

	if (!is_word_start((unsigned char)a[0]) || is_keyword(a))
		return 0;
	for (i = 0; i < nitems(field_text); i++)
		if (strcasecmp(a, field_text[i]) == 0)
			return 0;
	for (i = 0; a[i] != '\0'; i++) {
		if (!is_word((unsigned char)a[i]))
			return 0;
		if (strncmp(a + i, "\xe3\x80\x80", 3) == 0)
			return 0;
	}
	return 1;
}

static void
print_quoted(struct buf *b, const char *s, char q)
{
	buf_addc(b, q);
	for (; *s != '\0'; s++) {
		if (*s == q)
			buf_addc(b, q);
		buf_addc(b, *s);
	}
	buf_addc(b, q);
}

static void
print_value(struct buf *b, const struct filter_value *v)
{
	if (v->type == FILTER_STRING)
		print_quoted(b, v->text, '\'');
	else
		buf_adds(b, v->text);
}

static void print_node(struct buf *, const struct filter *);

/* A child, in parentheses when it binds less tightly than needed. */
static void
print_child(struct buf *b, const struct filter *f, int paren)
{
	if (paren)
		buf_addc(b, '(');
	print_node(b, f);
	if (paren)
		buf_addc(b, ')');
}

static void
print_node(struct buf *b, const struct filter *f)
{
	size_t	i;

	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		/* Chains lean left: a right operand of the same kind keeps
		 * its parentheses, and "or" inside "and" needs them. */
		print_child(b, f->left, f->kind == FILTER_AND &&
		    f->left->kind == FILTER_OR);
		buf_adds(b, f->kind == FILTER_AND ? " and " : " or ");
		print_child(b, f->right, f->right->kind == FILTER_OR ||
		    f->right->kind == f->kind);
		return;
	case FILTER_NOT:
		buf_adds(b, "not ");
		print_child(b, f->left, f->left->kind == FILTER_AND ||
		    f->left->kind == FILTER_OR);
		return;
	default:
		break;
	}
	if (f->field != FILTER_ATTR)
		buf_adds(b, field_text[f->field]);
	else if (bare_name(f->attr))
		buf_adds(b, f->attr);
	else
		print_quoted(b, f->attr, '"');
	switch (f->kind) {
	case FILTER_CMP:
		buf_printf(b, " %s ", op_text[f->op]);
		print_value(b, &f->values[0]);
		break;
	case FILTER_IN:
		buf_adds(b, " in (");
		for (i = 0; i < f->nvalues; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			print_value(b, &f->values[i]);
		}
		buf_addc(b, ')');
		break;
	default:
		/* NT: the language's own words */
		buf_adds(b, f->negated ? " is not empty" : " is empty");
		break;
	}
}

char *
filter_print(const struct filter *f)
{
	struct buf	b;

	buf_init(&b);
	print_node(&b, f);
	return buf_take(&b);
}

int
filter_equal(const struct filter *a, const struct filter *b)
{
	size_t	i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || !filter_equal(a->left, b->left) ||
	    !filter_equal(a->right, b->right))
		return 0;
	if (a->kind == FILTER_AND || a->kind == FILTER_OR ||
	    a->kind == FILTER_NOT)
		return 1;
	if (a->field != b->field || (a->field == FILTER_ATTR &&
	    strcmp(a->attr, b->attr) != 0))
		return 0;
	if (a->kind == FILTER_EMPTY)
		return a->negated == b->negated;
	if ((a->kind == FILTER_CMP && a->op != b->op) ||
	    a->nvalues != b->nvalues)
		return 0;
	for (i = 0; i < a->nvalues; i++)
		if (a->values[i].type != b->values[i].type ||
		    strcmp(a->values[i].text, b->values[i].text) != 0)
			return 0;
	return 1;
}

int
filter_intended(const char *text)
{
	struct parser	p;
	int		yes = 0;

	memset(&p, 0, sizeof p);
	p.s = text;
	p.len = strlen(text);
	next(&p);
	if (p.tok.type == T_LPAREN || word_is(&p.tok, "not"))
		yes = 1;
	else if ((p.tok.type == T_WORD && !is_keyword(p.tok.text)) ||
	    p.tok.type == T_QNAME) {
		next(&p);
		yes = p.tok.type == T_OP || word_is(&p.tok, "in") ||
		    word_is(&p.tok, "is") || word_is(&p.tok, "not");
	}
	free(p.tok.text);
	free(p.cause);
	return yes;
}
