/*
 * The mail providers herald paces as one (provider.c): each is known by
 * the names of the MX hosts it runs, so every domain hosted there (a
 * company's own domain at Google Workspace as much as gmail.com) shares
 * its limits. Built-in defaults per provider: sessions at once, messages
 * per session, messages per minute; herald.conf may change them per
 * provider (provider.NAME) and per recipient domain (pace.DOMAIN) with a
 * value such as "sessions=2 per_session=20 per_minute=60". Pure: no I/O.
 */
#ifndef HERALD_SMTP_PROVIDER_H
#define HERALD_SMTP_PROVIDER_H

#include <stddef.h>

/* A provider's or a domain's limits; in an override, 0 is "not set"
 * (per_minute: 0 in the table is "no limit"). */
struct pace {
	int	 sessions;	/* SMTP sessions at once */
	int	 per_session;	/* messages per session */
	int	 per_minute;	/* messages per minute */
};

struct provider {
	const char		*name;		/* config and JSON: "yahoo" */
	const char		*label;		/* shown: "Yahoo" */
	const char *const	*mx;		/* MX host suffixes, NULL-ended */
	struct pace		 def;		/* built-in defaults */
};
/* The built-in table, ended by a NULL name. */
extern const struct provider providers[];

/* The provider running an MX host (a suffix of its name on a label
 * boundary, any case, a trailing dot ignored), or NULL. */
const struct provider *provider_of_mx(const char *host);
/* The provider called name ("yahoo"), or NULL. */
const struct provider *provider_find(const char *name);
/*
 * Parse an override: "sessions=N per_session=N per_minute=N", any of the
 * three in any order, separated by spaces or commas. Unset ones are 0.
 * 0, or -1 with *cause naming what is wrong.
 */
int	pace_parse(const char *value, struct pace *, char **cause);
/* Take the values an override sets over *p. */
void	pace_apply(struct pace *p, const struct pace *over);

#endif
