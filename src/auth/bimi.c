/*
 * The BIMI record parser (bimi.h). The record is a DMARC-style tag list
 * (taglist.h, spaces and tabs around the parts); what the draft asks of
 * its syntax is checked, nothing is fetched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bimi.h"
#include "taglist.h"
#include "base/i18n.h"
#include "base/util.h"

int
bimi_is_record(const char *txt, size_t len)
{
	size_t	i = 0;

	while (i < len && taglist_ws(txt[i], TAGLIST_WSP))
		i++;
	if (i == len || txt[i++] != 'v')
		return 0;
	while (i < len && taglist_ws(txt[i], TAGLIST_WSP))
		i++;
	if (i == len || txt[i++] != '=')
		return 0;
	while (i < len && taglist_ws(txt[i], TAGLIST_WSP))
		i++;
	return len - i >= 5 && strncmp(txt + i, "BIMI1", 5) == 0;
}

void
bimi_record_free(struct bimi_record *r)
{
	free(r->l);
	free(r->a);
	memset(r, 0, sizeof *r);
}

/* An https: URL with a host, of visible ASCII and no comma (the draft
 * once allowed a list in l=; one URL is what receivers take). */
static int
bimi_url(const char *p, size_t len, const char **why)
{
	size_t	i, host;

	if (len > BIMI_URL_MAX)
		return *why = N_("a URL longer than 1024 bytes"), -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return *why = N_("a URL with a space or a control "
			    "character"), -1;
	if (memchr(p, ',', len) != NULL)
		return *why = N_("more than one URL in a tag (one is "
		    "allowed)"), -1;
	if (len < 8 || strncasecmp(p, "https://", 8) != 0)
		return *why = N_("a URL that is not https://"), -1;
	for (host = 8; host < len && p[host] != '/' && p[host] != '?' &&
	    p[host] != '#'; host++)
		;
	if (host == 8)
		return *why = N_("an https:// URL without a host"), -1;
	return 0;
}

/* Does the URL's path (before ? or #) end in .svg? */
static int
bimi_svg(const char *u)
{
	size_t	n = strcspn(u, "?#");

	return n >= 4 && strncasecmp(u + n - 4, ".svg", 4) == 0;
}

int
bimi_parse(const char *txt, size_t len, struct bimi_record *r,
    const char **why)
{
	struct tag	 t;
	const char	*p = txt, *end = txt + len;
	char		*cause = NULL, **slot;
	int		 n = 0, rc;

	memset(r, 0, sizeof *r);
	*why = NULL;
	if (len > BIMI_RECORD_MAX)
		return *why = N_("the record is longer than 2048 bytes"), -1;
	if (memchr(txt, '\0', len) != NULL)
		return *why = N_("the record holds a NUL byte"), -1;
	while ((rc = taglist_next(&p, end, TAGLIST_WSP, &t, &cause)) == 1) {
		if (n++ == 0) {
			if (!tag_is(&t, "v"))
				return *why = N_("the record must begin with "
				    "v=BIMI1"), -1;
			if (t.vlen != 5 || memcmp(t.value, "BIMI1", 5) != 0)
				return *why = N_("v= must be BIMI1"), -1;
			continue;
		}
		if (tag_is(&t, "v"))
			return *why = N_("v= appears twice"), -1;
		if (tag_is(&t, "l"))
			slot = &r->l;
		else if (tag_is(&t, "a"))
			slot = &r->a;
		else {
			r->unknown++;
			continue;
		}
		if (*slot != NULL)
			return *why = slot == &r->l ? N_("l= appears twice") :
			    N_("a= appears twice"), -1;
		if (t.vlen != 0 && bimi_url(t.value, t.vlen, why) == -1)
			return -1;
		*slot = xstrndup(t.value, t.vlen);
	}
	if (rc == -1) {
		/* taglist's causes are English for the log: say it ours. */
		free(cause);
		return *why = N_("not a tag list (tag=value; ...)"), -1;
	}
	if (n == 0)
		return *why = N_("the record must begin with v=BIMI1"), -1;
	if (r->l == NULL)
		return *why = N_("no l= tag (the logo's URL, or empty to "
		    "decline)"), -1;
	r->svg = *r->l != '\0' && bimi_svg(r->l);
	return 0;
}
