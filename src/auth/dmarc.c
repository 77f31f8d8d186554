/*
 * DMARC records (RFC 7489 section 6), organisational domains by the
 * Public Suffix List, and identifier alignment (section 3.1).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "dmarc.h"
#include "taglist.h"
#include "base/util.h"
#include "base/i18n.h"

#define DMARC_PSL_FILE	"/usr/share/publicsuffix/public_suffix_list.dat"
#define DMARC_NAME_MAX	253	/* a domain name in text, no trailing dot */

/* Is the value of t equal to word (case-insensitive)? */
static int
dmarc_value_is(const struct tag *t, const char *word)
{
	return strlen(word) == t->vlen && strncasecmp(t->value, word,
	    t->vlen) == 0;
}

/* Parse a policy keyword. */
static int
dmarc_policy(const struct tag *t, enum dmarc_policy *out, char **cause)
{
	if (dmarc_value_is(t, "none"))
		*out = DMARC_P_NONE;
	else if (dmarc_value_is(t, "quarantine"))
		*out = DMARC_P_QUARANTINE;
	else if (dmarc_value_is(t, "reject"))
		*out = DMARC_P_REJECT;
	else
		return set_cause(cause, _("%.*s=: '%.*s' is not none, "
		    "quarantine or reject"), (int)t->nlen, t->name,
		    (int)(t->vlen > 40 ? 40 : t->vlen), t->value);
	return 0;
}

/* Parse adkim= or aspf=. */
static int
dmarc_mode(const struct tag *t, char *out, char **cause)
{
	if (t->vlen == 1 && (t->value[0] == 'r' || t->value[0] == 'R'))
		*out = 'r';
	else if (t->vlen == 1 && (t->value[0] == 's' || t->value[0] == 'S'))
		*out = 's';
	else
		return set_cause(cause, _("%.*s=: '%.*s' is not r (relaxed) or "
		    "s (strict)"), (int)t->nlen, t->name,
		    (int)(t->vlen > 40 ? 40 : t->vlen), t->value);
	return 0;
}

/* Parse a decimal number tag within [0, max]. */
static int
dmarc_number(const struct tag *t, unsigned long max,
    unsigned long *out, char **cause)
{
	unsigned long	v = 0;
	size_t		i;

	for (i = 0; i < t->vlen; i++) {
		if (!isdigit((unsigned char)t->value[i]) || i == 10)
			break;
		v = v * 10 + (unsigned long)(t->value[i] - '0');
	}
	if (t->vlen == 0 || i != t->vlen || v > max)
		return set_cause(cause, _("%.*s=: '%.*s' is not a number from "
		    "0 to %lu"), (int)t->nlen, t->name,
		    (int)(t->vlen > 40 ? 40 : t->vlen), t->value, max);
	*out = v;
	return 0;
}

/* Check a rua= or ruf= list: comma-separated URIs, each with a scheme
 * (mailto: with an address), optionally "!size". */
static int
dmarc_uris(const struct tag *t, char **out, char **cause)
{
	const char	*s = t->value, *end = t->value + t->vlen, *e, *c;

	if (t->vlen == 0)
		return set_cause(cause, _("%.*s=: empty"), (int)t->nlen,
		    t->name);
	while (s < end) {
		if ((e = memchr(s, ',', (size_t)(end - s))) == NULL)
			e = end;
		while (s < e && taglist_ws(*s, TAGLIST_WSP))
			s++;
		if ((c = memchr(s, ':', (size_t)(e - s))) == NULL || c == s)
			return set_cause(cause, _("%.*s=: '%.*s' is not a URI "
			    "(mailto:address)"), (int)t->nlen, t->name,
			    (int)(e - s > 60 ? 60 : e - s), s);
		if ((size_t)(c - s) == 6 && strncasecmp(s, "mailto", 6) == 0 &&
		    memchr(c, '@', (size_t)(e - c)) == NULL)
			return set_cause(cause,
			    _("%.*s=: '%.*s' has no address"),
			    (int)t->nlen, t->name,
			    (int)(e - s > 60 ? 60 : e - s), s);
		s = e + 1;
	}
	*out = xstrndup(t->value, t->vlen);
	return 0;
}

/* Check fo=: options 0, 1, d, s separated by colons. */
static int
dmarc_fo(const struct tag *t, char **out, char **cause)
{
	size_t	i;

	for (i = 0; i < t->vlen; i++) {
		if (i % 2 == 1 && t->value[i] == ':' && i + 1 < t->vlen)
			continue;
		if (i % 2 == 0 && strchr("01dsDS", t->value[i]) != NULL &&
		    t->value[i] != '\0')
			continue;
		return set_cause(cause, _("fo=: '%.*s' is not a list of 0, 1, "
		    "d and s separated by ':'"), (int)(t->vlen > 40 ? 40 :
		    t->vlen), t->value);
	}
	if (t->vlen == 0)
		return set_cause(cause, _("fo=: empty"));
	*out = xstrndup(t->value, t->vlen);
	return 0;
}

/* Does the text begin with the version tag v=DMARC1? */
int
dmarc_is_record(const char *txt, size_t len)
{
	const char		*p = txt;
	struct tag	 t;
	char			*cause = NULL;
	int			 rc;

	rc = taglist_next(&p, txt + len, TAGLIST_WSP, &t, &cause);
	free(cause);
	return rc == 1 && t.nlen == 1 && t.name[0] == 'v' && t.vlen == 6 &&
	    memcmp(t.value, "DMARC1", 6) == 0;
}

/* Does it start like a DMARC record written wrongly? */
int
dmarc_looks_like(const char *txt, size_t len)
{
	size_t	i = 0;

	while (i < len && taglist_ws(txt[i], TAGLIST_WSP))
		i++;
	if (i >= len || (txt[i] != 'v' && txt[i] != 'V'))
		return 0;
	for (i++; i < len && taglist_ws(txt[i], TAGLIST_WSP); i++)
		;
	if (i >= len || txt[i] != '=')
		return 0;
	for (i++; i < len && taglist_ws(txt[i], TAGLIST_WSP); i++)
		;
	return len - i >= 5 && strncasecmp(txt + i, "dmarc", 5) == 0;
}

/* Parse a DMARC record into r. */
int
dmarc_parse(const char *txt, size_t len, struct dmarc_record *r, char **cause)
{
	static const char *const known[] = { "v", "p", "sp", "pct", "adkim",
	    "aspf", "rua", "ruf", "fo", "rf", "ri" };
	const char		*p = txt, *end = txt + len;
	struct tag	 t;
	unsigned int		 seen = 0, bit;
	unsigned long		 v;
	size_t			 i, k;
	int			 rc;

	memset(r, 0, sizeof *r);
	r->pct = 100;
	r->adkim = r->aspf = 'r';
	r->ri = 86400;
	if (len > DMARC_RECORD_MAX)
		return set_cause(cause, _("the record is %zu bytes long (more "
		    "than %d)"), len, DMARC_RECORD_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)txt[i] < 0x20 || txt[i] == 0x7f)
			return set_cause(cause, _("the record holds a control "
			    "character (byte %zu)"), i + 1);
	if (!dmarc_is_record(txt, len))
		return set_cause(cause, _("the record must begin with "
		    "v=DMARC1"));
	while ((rc = taglist_next(&p, end, TAGLIST_WSP, &t, cause)) == 1) {
		for (k = 0; k < nitems(known); k++)
			if (tag_is(&t, known[k]))
				break;
		if (k == nitems(known))
			continue;	/* unknown tags are ignored (6.3) */
		bit = 1U << k;
		if (seen & bit)
			return set_cause(cause, _("%s= appears twice"),
			    known[k]);
		if (k == 0 && seen != 0)
			return set_cause(cause, _("v= must be the first tag"));
		seen |= bit;
		rc = 0;
		switch (k) {
		case 1:
			rc = dmarc_policy(&t, &r->p, cause);
			break;
		case 2:
			rc = dmarc_policy(&t, &r->sp, cause);
			r->has_sp = 1;
			break;
		case 3:
			if ((rc = dmarc_number(&t, 100, &v, cause)) == 0)
				r->pct = (int)v;
			break;
		case 4:
			rc = dmarc_mode(&t, &r->adkim, cause);
			break;
		case 5:
			rc = dmarc_mode(&t, &r->aspf, cause);
			break;
		case 6:
			rc = dmarc_uris(&t, &r->rua, cause);
			break;
		case 7:
			rc = dmarc_uris(&t, &r->ruf, cause);
			break;
		case 8:
			rc = dmarc_fo(&t, &r->fo, cause);
			break;
		case 10:
			rc = dmarc_number(&t, 0xffffffffUL, &r->ri, cause);
			break;
		}
		if (rc == -1)
			return -1;
	}
	if (rc == -1)
		return -1;
	if ((seen & (1U << 1)) == 0)
		return set_cause(cause, _("no p= tag: the policy is required"));
	if (!r->has_sp)
		r->sp = r->p;
	return 0;
}

/* Free what dmarc_parse allocated. */
void
dmarc_record_free(struct dmarc_record *r)
{
	free(r->rua);
	free(r->ruf);
	free(r->fo);
	r->rua = r->ruf = r->fo = NULL;
}

/* The keyword of a policy. */
const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE:
		return "none";
	case DMARC_P_QUARANTINE:
		return "quarantine";
	case DMARC_P_REJECT:
		return "reject";
	}
	return "?";
}

/* The Public Suffix List, loaded once: the newest of libpsl's built-in
 * list and the distribution's file. */
static const psl_ctx_t *
dmarc_psl(void)
{
	static const psl_ctx_t	*psl;
	static int		 tried;

	if (!tried) {
		tried = 1;
		if ((psl = psl_latest(NULL)) == NULL &&
		    (psl = psl_load_file(DMARC_PSL_FILE)) == NULL)
			psl = psl_builtin();
	}
	return psl;
}

/* Lower-case copy of a domain name without its trailing dot; NULL if it
 * is no plausible name (empty, too long, bad characters). */
static char *
dmarc_lower_name(const char *name)
{
	size_t	 len, i;
	char	*s;

	if (name == NULL)
		return NULL;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	/* One root dot only: "a.b.." has an empty last label. */
	if (len == 0 || len > DMARC_NAME_MAX || name[len - 1] == '.')
		return NULL;
	s = xstrndup(name, len);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f ||
		    (s[i] == '.' && (i == 0 || s[i - 1] == '.'))) {
			free(s);
			return NULL;
		}
		s[i] = (char)tolower((unsigned char)s[i]);
	}
	return s;
}

/* The organisational domain of name by the Public Suffix List. */
char *
dmarc_org_domain(const char *name)
{
	const psl_ctx_t	*psl;
	const char	*reg = NULL;
	char		*s, *out;

	if ((s = dmarc_lower_name(name)) == NULL)
		return NULL;
	if ((psl = dmarc_psl()) != NULL)
		reg = psl_registrable_domain(psl, s);
	/* A public suffix itself (or no list at all) is its own
	 * organisational domain. */
	out = xstrdup(reg != NULL ? reg : s);
	free(s);
	return out;
}

/* Identifier alignment of a and b in mode 'r' or 's'. */
int
dmarc_aligned(const char *a, const char *b, char mode)
{
	char	*x, *y;
	int	 same;

	if (mode == 's') {
		x = dmarc_lower_name(a);
		y = dmarc_lower_name(b);
	} else {
		x = dmarc_org_domain(a);
		y = dmarc_org_domain(b);
	}
	same = x != NULL && y != NULL && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}
