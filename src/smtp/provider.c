/*
 * The providers' table and the override syntax (provider.h). The MX
 * suffixes are those the providers publish for their mail hosts; the
 * defaults are modest enough for a new sender's reputation at each (the
 * Japanese carriers defer early and long, hence their two sessions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "provider.h"
#include "base/i18n.h"
#include "base/util.h"

static const char *const google_mx[] = {
	"google.com", "googlemail.com", NULL,
};
static const char *const microsoft_mx[] = {
	"outlook.com", "hotmail.com", "olc.protection.outlook.com", NULL,
};
static const char *const yahoo_mx[] = {
	"yahoodns.net", NULL,
};
static const char *const apple_mx[] = {
	"icloud.com", "mail.me.com", NULL,
};
static const char *const docomo_mx[] = {
	"docomo.ne.jp", NULL,
};
static const char *const au_mx[] = {
	"ezweb.ne.jp", "au.com", "kddi.com", "kddi.ne.jp", NULL,
};
static const char *const softbank_mx[] = {
	"softbank.ne.jp", "i.softbank.jp", "softbank.jp", NULL,
};

/* NT: provider names are proper nouns, shown as they are */
const struct provider providers[] = {
	{ "google", "Google", google_mx, { 5, 100, 600 } },
	{ "microsoft", "Microsoft", microsoft_mx, { 4, 50, 300 } },
	{ "yahoo", "Yahoo", yahoo_mx, { 3, 20, 120 } },
	{ "apple", "Apple", apple_mx, { 3, 50, 120 } },
	{ "docomo", "docomo", docomo_mx, { 2, 20, 60 } },
	{ "au", "au", au_mx, { 2, 20, 60 } },
	{ "softbank", "SoftBank", softbank_mx, { 2, 20, 60 } },
	{ NULL, NULL, NULL, { 0, 0, 0 } },
};

/* Is suffix the end of host on a label boundary? (Both without the
 * root's dot.) */
static int
mx_suffix(const char *host, size_t hlen, const char *suffix)
{
	size_t	slen = strlen(suffix);

	if (slen > hlen || strncasecmp(host + hlen - slen, suffix, slen) != 0)
		return 0;
	return slen == hlen || host[hlen - slen - 1] == '.';
}

const struct provider *
provider_of_mx(const char *host)
{
	const struct provider	*p;
	size_t			 len, i;

	if (host == NULL)
		return NULL;
	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		len--;
	for (p = providers; p->name != NULL; p++)
		for (i = 0; p->mx[i] != NULL; i++)
			if (mx_suffix(host, len, p->mx[i]))
				return p;
	return NULL;
}

const struct provider *
provider_find(const char *name)
{
	const struct provider	*p;

	for (p = providers; p->name != NULL; p++)
		if (strcasecmp(p->name, name) == 0)
			return p;
	return NULL;
}

int
pace_parse(const char *value, struct pace *p, char **cause)
{
	char		*copy, *w, *next, *eq;
	long long	 n;
	int		*slot, rc = 0, any = 0;

	memset(p, 0, sizeof *p);
	copy = xstrdup(value);
	for (w = copy; w != NULL && rc == 0; w = next) {
		w += strspn(w, " \t,");
		if (*w == '\0')
			break;
		next = w + strcspn(w, " \t,");
		if (*next != '\0')
			*next++ = '\0';
		else
			next = NULL;
		if ((eq = strchr(w, '=')) == NULL) {
			rc = set_cause(cause, _("'%s' is not NAME=NUMBER "
			    "(sessions, per_session or per_minute)"), w);
			break;
		}
		*eq++ = '\0';
		if (strcmp(w, "sessions") == 0)
			slot = &p->sessions;
		else if (strcmp(w, "per_session") == 0)
			slot = &p->per_session;
		else if (strcmp(w, "per_minute") == 0)
			slot = &p->per_minute;
		else {
			rc = set_cause(cause, _("unknown limit '%s' (sessions, "
			    "per_session or per_minute)"), w);
			break;
		}
		if (parse_int(eq, 1, 100000, &n) == -1) {
			rc = set_cause(cause, _("%s: '%s' is not a number from "
			    "1 to 100000"), w, eq);
			break;
		}
		*slot = (int)n;
		any = 1;
	}
	if (rc == 0 && !any)
		rc = set_cause(cause, _("no limit given (sessions=N "
		    "per_session=N per_minute=N)"));
	free(copy);
	return rc;
}

void
pace_apply(struct pace *p, const struct pace *over)
{
	if (over->sessions > 0)
		p->sessions = over->sessions;
	if (over->per_session > 0)
		p->per_session = over->per_session;
	if (over->per_minute > 0)
		p->per_minute = over->per_minute;
}
