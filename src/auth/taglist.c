/* Tag lists of DKIM and DMARC records. */
#include <string.h>
#include <strings.h>

#include "taglist.h"
#include "base/util.h"
#include "base/i18n.h"

/* White space of the given kind. */
int
taglist_ws(char c, enum taglist_ws ws)
{
	if (c == ' ' || c == '\t')
		return 1;
	return ws == TAGLIST_FWS && (c == '\r' || c == '\n');
}

/* A character of a tag name: ALPHA *ALNUMPUNC. */
static int
taglist_namechar(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '_');
}

/* Split off the next tag=value element. */
int
taglist_next(const char **p, const char *end, enum taglist_ws ws,
    struct tag *t, char **cause)
{
	const char	*s, *e, *eq, *n;

	for (;;) {
		if (*p >= end)
			return 0;
		s = *p;
		if ((e = memchr(s, ';', (size_t)(end - s))) == NULL)
			e = end;
		*p = e < end ? e + 1 : end;
		while (s < e && taglist_ws(*s, ws))
			s++;
		while (e > s && taglist_ws(e[-1], ws))
			e--;
		if (s < e)
			break;
	}
	if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
		return set_cause(cause, _("'%.*s' is not a tag=value pair"),
		    (int)(e - s > 40 ? 40 : e - s), s);
	for (n = eq; n > s && taglist_ws(n[-1], ws); n--)
		;
	if (n == s)
		return set_cause(cause, _("a tag without a name"));
	t->name = s;
	t->nlen = (size_t)(n - s);
	for (s = t->name; s < n; s++)
		if (!taglist_namechar(*s, s == t->name))
			return set_cause(cause, _("'%.*s' is not a tag name"),
			    (int)(t->nlen > 40 ? 40 : t->nlen), t->name);
	for (s = eq + 1; s < e && taglist_ws(*s, ws); s++)
		;
	t->value = s;
	t->vlen = (size_t)(e - s);
	return 1;
}

/* Compare a tag's name. */
int
tag_is(const struct tag *t, const char *name)
{
	return strlen(name) == t->nlen && strncasecmp(t->name, name,
	    t->nlen) == 0;
}
