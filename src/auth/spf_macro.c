/*
 * SPF macros (RFC 7208 section 7): syntax checks and expansion.
 *
 *   macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
 *                  / "%%" / "%_" / "%-"
 *   transformers = *DIGIT [ "r" ]
 *   delimiter    = "." / "-" / "+" / "," / "/" / "_" / "="
 *
 * Every input here comes from a DNS record or from the SMTP client, so
 * lengths are bounded and nothing is trusted to be terminated or short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "base/i18n.h"

/* One parsed "%{...}" macro. */
struct spf_macro {
	char		 letter;	/* lower case */
	int		 upper;		/* URL-escape the result */
	int		 digits;	/* right-hand parts to keep, 0: all */
	int		 reverse;
	const char	*delims;	/* delimiter characters, or NULL: "." */
	size_t		 ndelims;
};

/* ASCII letter or digit, whatever the locale. */
static int
spf_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* ASCII lower case. */
static int
spf_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is c one of the macro delimiters? */
static int
spf_delim(int c)
{
	return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

/*
 * Parse the macro-expand at s[0..len) (s[0] is '%'). Returns its length,
 * or -1 with *why. For "%%", "%_" and "%-" m->letter is that character.
 */
static int
spf_macro_parse(const char *s, size_t len, enum spf_mkind kind,
    struct spf_macro *m, char **why)
{
	size_t	i = 2;
	int	c;

	memset(m, 0, sizeof *m);
	if (len < 2 || (s[1] != '{' && s[1] != '%' && s[1] != '_' &&
	    s[1] != '-'))
		return set_cause(why, _("'%%' must be followed by '{', '%%', "
		    "'_' or '-'"));
	if (s[1] != '{') {
		m->letter = s[1];
		return 2;
	}
	if (len < 4)
		return set_cause(why, _("unterminated macro"));
	c = (unsigned char)s[i++];
	m->letter = (char)spf_lower(c);
	m->upper = c != m->letter;
	if (strchr("slodiphcrtv", m->letter) == NULL || m->letter == '\0')
		return set_cause(why, _("unknown macro letter '%c'"),
		    c >= 0x21 && c < 0x7f ? c : '?');
	if (kind == SPF_MK_DOMAIN && strchr("crt", m->letter) != NULL)
		return set_cause(why, _("macro %%{%c} is allowed only in "
		    "explanation text"), c);
	if (i < len && s[i] >= '0' && s[i] <= '9') {
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (m->digits < 1000)
				m->digits = m->digits * 10 + (s[i] - '0');
			i++;
		}
		if (m->digits == 0)
			return set_cause(why, _("macro transformer must not be "
			    "0"));
	}
	if (i < len && (s[i] == 'r' || s[i] == 'R')) {
		m->reverse = 1;
		i++;
	}
	m->delims = s + i;
	while (i < len && spf_delim(s[i]))
		i++;
	m->ndelims = (size_t)(s + i - m->delims);
	if (m->ndelims == 0)
		m->delims = NULL;
	if (i >= len || s[i] != '}')
		return set_cause(why, _("bad character in macro"));
	return (int)(i + 1);
}

/* Check that s[0..len) is a macro-string for its place. */
int
spf_macro_check(const char *s, size_t len, enum spf_mkind kind, char **why)
{
	struct spf_macro	m;
	size_t			i = 0;
	int			n, c;

	while (i < len) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if ((n = spf_macro_parse(s + i, len - i, kind, &m,
			    why)) == -1)
				return -1;
			i += (size_t)n;
			continue;
		}
		if (c < 0x20 || c > 0x7e || (c == ' ' && kind != SPF_MK_EXP))
			return set_cause(why, _("character 0x%02x not allowed"),
			    (unsigned int)c);
		i++;
	}
	return 0;
}

/* Is s[0..len) a toplabel: letters, digits and inner dashes, and not all
 * digits unless it holds a dash (RFC 7208 7.1)? */
int
spf_toplabel_ok(const char *s, size_t len)
{
	size_t	i;
	int	alpha = 0, dash = 0;

	if (len == 0 || len > 63)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			dash = 1;
		else if (!spf_alnum((unsigned char)s[i]))
			return 0;
		else if (s[i] > '9')
			alpha = 1;
	}
	if (dash)
		return s[0] != '-' && s[len - 1] != '-';
	return alpha;
}

/* Check a domain-spec: macro-string domain-end, where domain-end is
 * "." toplabel [ "." ] or a macro-expand. */
int
spf_domain_spec_check(const char *s, size_t len, char **why)
{
	struct spf_macro	m;
	size_t			i = 0, end, dot, macro_end = (size_t)-1;
	int			n;

	if (len == 0)
		return set_cause(why, _("empty domain-spec"));
	if (spf_macro_check(s, len, SPF_MK_DOMAIN, why) == -1)
		return -1;
	while (i < len) {
		if (s[i] == '%') {
			n = spf_macro_parse(s + i, len - i, SPF_MK_DOMAIN, &m,
			    NULL);
			i += (size_t)n;
			macro_end = i;
		} else
			i++;
	}
	if (macro_end == len)
		return 0;
	end = s[len - 1] == '.' ? len - 1 : len;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || (macro_end != (size_t)-1 && dot < macro_end) ||
	    !spf_toplabel_ok(s + dot, end - dot))
		return set_cause(why, _("'%.*s' does not end in a top-level "
		    "domain name"), (int)(len > 200 ? 200 : len), s);
	return 0;
}

/* The value a letter stands for. */
static const char *
spf_macro_value(const struct spf_macros *mv, char letter)
{
	switch (letter) {
	case 's':
		return mv->s;
	case 'l':
		return mv->l;
	case 'o':
		return mv->o;
	case 'd':
		return mv->d;
	case 'i':
		return mv->i;
	case 'c':
		return mv->c;
	case 'v':
		return mv->v;
	case 'h':
		return mv->h;
	case 'r':
		return mv->r;
	case 't':
		return mv->t;
	case 'p':
		return mv->p != NULL ? mv->p(mv->arg, mv->d) : "unknown";
	}
	return NULL;
}

/* Append v, URL-escaped if asked (RFC 3986 unreserved kept). */
static void
spf_macro_put(struct buf *out, const char *v, size_t len, int escape)
{
	size_t	i;
	int	c;

	if (!escape) {
		buf_add(out, v, len);
		return;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (spf_alnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			buf_addc(out, (char)c);
		else
			buf_printf(out, "%%%02X", (unsigned int)c);
	}
}

/* Expand one "%{...}" macro: split on the delimiters, reverse, keep the
 * rightmost parts, join with dots (RFC 7208 7.3). */
static int
spf_macro_one(const struct spf_macros *mv, const struct spf_macro *m,
    struct buf *out, char **why)
{
	const char	*v, *delims = m->delims != NULL ? m->delims : ".";
	size_t		 ndelims = m->delims != NULL ? m->ndelims : 1;
	size_t		 len, i, k, n, keep, *start, *plen;
	struct buf	 tmp;

	if ((v = spf_macro_value(mv, m->letter)) == NULL)
		return set_cause(why, _("no value for macro %%{%c}"),
		    m->letter);
	len = strlen(v);
	if (len > SPF_EXPAND_MAX)
		return set_cause(why, _("macro %%{%c} too long"), m->letter);
	if (m->digits == 0 && !m->reverse && m->delims == NULL) {
		spf_macro_put(out, v, len, m->upper);
		return 0;
	}
	start = xreallocarray(NULL, len + 1, sizeof *start);
	plen = xreallocarray(NULL, len + 1, sizeof *plen);
	for (n = 0, start[0] = 0, i = 0; i <= len; i++) {
		if (i == len || memchr(delims, v[i], ndelims) != NULL) {
			plen[n] = i - start[n];
			n++;
			if (i < len)
				start[n] = i + 1;
		}
	}
	keep = m->digits != 0 && (size_t)m->digits < n ? (size_t)m->digits : n;
	buf_init(&tmp);
	for (k = 0; k < keep; k++) {
		i = n - keep + k;		/* position after reversal */
		if (m->reverse)
			i = n - 1 - i;
		if (k != 0)
			buf_addc(&tmp, '.');
		buf_add(&tmp, v + start[i], plen[i]);
	}
	free(start);
	free(plen);
	spf_macro_put(out, tmp.data != NULL ? tmp.data : "", tmp.len,
	    m->upper);
	buf_free(&tmp);
	return 0;
}

/* Expand s[0..len) onto out. */
int
spf_macro_expand(const struct spf_macros *mv, const char *s, size_t len,
    enum spf_mkind kind, struct buf *out, char **why)
{
	struct spf_macro	m;
	size_t			i = 0, j, start = out->len;
	int			n;

	while (i < len) {
		if (s[i] != '%') {
			for (j = i; j < len && s[j] != '%'; j++)
				;
			buf_add(out, s + i, j - i);
			i = j;
		} else {
			if ((n = spf_macro_parse(s + i, len - i, kind, &m,
			    why)) == -1)
				return -1;
			i += (size_t)n;
			if (m.letter == '%')
				buf_addc(out, '%');
			else if (m.letter == '_')
				buf_addc(out, ' ');
			else if (m.letter == '-')
				buf_adds(out, "%20");
			else if (spf_macro_one(mv, &m, out, why) == -1)
				return -1;
		}
		if (out->len - start > SPF_EXPAND_MAX)
			return set_cause(why, _("macro expansion longer than "
			    "%d bytes"), SPF_EXPAND_MAX);
	}
	return 0;
}

/* Drop a trailing dot, then leading labels until the name fits. */
void
spf_domain_fit(struct buf *b)
{
	char	*dot;
	size_t	 cut;

	if (b->len > 0 && b->data[b->len - 1] == '.')
		b->data[--b->len] = '\0';
	while (b->len > SPF_DOMAIN_MAX &&
	    (dot = memchr(b->data, '.', b->len)) != NULL) {
		cut = (size_t)(dot - b->data) + 1;
		memmove(b->data, b->data + cut, b->len - cut + 1);
		b->len -= cut;
	}
}
