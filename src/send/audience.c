/*
 * An issue's audience (audience.h): its names looked up, its members
 * walked once each, and counted by name, domain and provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audience.h"
#include "audience/filter.h"
#include "audience/segment.h"
#include "base/hashtab.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/addr.h"
#include "mail/issue_types.h"
#include "smtp/provider.h"
#include "store/store_segment.h"

/* A segment's members (src/audience/segment.h): its list's members that
 * match its filter, walked as a list's are. */
static int
audience_segment_walk(struct store *st, const char *name,
    store_contact_cb cb, void *arg, char **cause)
{
	struct filter	*f = NULL;
	int64_t		 list;
	int		 rc;

	if ((rc = segment_resolve(st, name, &list, NULL, &f, cause)) != 0)
		return -1;
	rc = store_contacts_to_send_filter(st, list, f, cb, arg, cause);
	filter_free(f);
	return rc;
}

/* What a walk keeps. */
struct audience_state {
	struct store		*st;
	struct hashtab		 seen;		/* keys of addresses met */
	struct hashtab		 excluded;
	struct hashtab		 domains;	/* domain -> group */
	struct hashtab		 providers;	/* provider -> group */
	char			**keys;		/* what the tables point to */
	size_t			 nkeys;
	struct audience_counts	*c;
	struct audience_source	*src;
	int			 strict;
	store_contact_cb	 cb;
	void			*arg;
	int			 stopped;
};

/* The key an address is deduplicated by (kept until the walk ends). */
static char *
audience_key(struct audience_state *w, const char *addr)
{
	char	*k, *p;

	k = xstrdup(addr);
	/* The domain is lower-cased by addr_normalise already; lower the
	 * local part too unless letter case is strict, as imports do. */
	p = w->strict ? strrchr(k, '@') : k;
	for (; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	w->keys = xreallocarray(w->keys, w->nkeys + 1, sizeof *w->keys);
	w->keys[w->nkeys++] = k;
	return k;
}

/* Count one more in the group key of table t. */
static void
audience_group_add(struct audience_state *w, struct hashtab *t,
    struct audience_group **v, size_t *n, const char *key)
{
	intptr_t	 i;
	char		*k;

	if ((i = (intptr_t)hashtab_get(t, key)) == 0) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[*n].key = xstrdup(key);
		(*v)[*n].n = 0;
		k = (*v)[*n].key;
		hashtab_add(t, k, (void *)(intptr_t)(++*n));
		i = (intptr_t)*n;
	}
	(void)w;
	(*v)[i - 1].n++;
}

/* An Exclude name's member: remembered. */
static int
audience_exclude_cb(const struct contact *m, void *arg)
{
	struct audience_state	*w = arg;
	char			*k;

	w->src->members++;
	k = audience_key(w, m->addr);
	if (hashtab_get(&w->excluded, k) == NULL)
		hashtab_add(&w->excluded, k, k);
	return 0;
}

/* A To name's member: once, unless excluded. */
static int
audience_to_cb(const struct contact *m, void *arg)
{
	struct audience_state	*w = arg;
	struct audience_counts	*c = w->c;
	const char		*p, *dom;
	char			*k;

	w->src->members++;
	k = audience_key(w, m->addr);
	if (hashtab_get(&w->excluded, k) != NULL) {
		/* Counted once however many To names have it. */
		if (hashtab_get(&w->seen, k) == NULL) {
			hashtab_add(&w->seen, k, k);
			c->excluded++;
		}
		return 0;
	}
	if (hashtab_get(&w->seen, k) != NULL) {
		c->duplicates++;
		return 0;
	}
	hashtab_add(&w->seen, k, k);
	if (m->suppressed)
		c->suppressed++;
	else {
		c->total++;
		dom = addr_domain(m->addr);
		audience_group_add(w, &w->domains, &c->domains, &c->ndomains,
		    dom);
		p = audience_provider(dom);
		audience_group_add(w, &w->providers, &c->providers,
		    &c->nproviders, p != NULL ? p : "other");
	}
	if (w->cb != NULL && w->cb(m, w->arg) != 0) {
		w->stopped = 1;
		return 1;
	}
	return 0;
}

/* Walk one name's members. */
static int
audience_source_walk(struct audience_state *w, const struct issue_aud *a,
    store_contact_cb cb, char **cause)
{
	int64_t	id;
	int	rc;

	if (a->segment)
		return audience_segment_walk(w->st, a->name, cb, w, cause);
	if ((rc = store_list_find(w->st, a->name, &id, cause)) == -1)
		return -1;
	if (rc == 1)
		return set_cause(cause, _("no list named '%s' (herald list ls "
		    "shows them)"), a->name);
	return store_contacts_to_send(w->st, id, cb, w, cause);
}

/* Groups by count, largest first, then by name. */
static int
audience_group_cmp(const void *a, const void *b)
{
	const struct audience_group	*x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

int
audience_walk(struct store *st, const struct issue *is, store_contact_cb cb,
    void *arg, struct audience_counts *counts, char **cause)
{
	struct audience_state	w;
	struct audience_counts	local;
	size_t			i;
	int			pass, rc = 0;

	memset(&w, 0, sizeof w);
	if (counts == NULL)
		counts = &local;
	memset(counts, 0, sizeof *counts);
	w.st = st;
	w.c = counts;
	w.cb = cb;
	w.arg = arg;
	w.strict = store_case_strict(st);
	hashtab_init(&w.seen, 0);
	hashtab_init(&w.excluded, 0);
	hashtab_init(&w.domains, 1);
	hashtab_init(&w.providers, 0);
	counts->src = xcalloc(is->naud + 1, sizeof *counts->src);
	counts->nsrc = is->naud;
	for (i = 0; i < is->naud; i++) {
		counts->src[i].name = is->aud[i].name;
		counts->src[i].exclude = is->aud[i].exclude;
		counts->src[i].segment = is->aud[i].segment;
	}
	/* An issue without names (one made in code, not read from the
	 * store) goes to its list by id. */
	if (is->naud == 0 && is->list_id != 0) {
		w.src = counts->src;
		w.src->name = is->list_name != NULL ? is->list_name : "";
		counts->nsrc = 1;
		rc = store_contacts_to_send(st, is->list_id, audience_to_cb,
		    &w, cause);
	} else if (is->naud == 0)
		rc = set_cause(cause, _("issue %lld has no list (it was "
		    "removed)"), (long long)is->id);
	/* The exclusions first: a member is left out wherever it is. */
	for (pass = 0; pass < 2 && rc == 0 && is->naud > 0; pass++)
		for (i = 0; i < is->naud && rc == 0; i++) {
			if (is->aud[i].exclude != (pass == 0))
				continue;
			w.src = &counts->src[i];
			rc = audience_source_walk(&w, &is->aud[i], pass == 0 ?
			    audience_exclude_cb : audience_to_cb, cause);
		}
	if (rc == -1 && w.stopped) {
		free(*cause);
		*cause = NULL;
	}
	hashtab_free(&w.seen);
	hashtab_free(&w.excluded);
	hashtab_free(&w.domains);
	hashtab_free(&w.providers);
	for (i = 0; i < w.nkeys; i++)
		free(w.keys[i]);
	free(w.keys);
	/* qsort's base may not be NULL, even for no elements. */
	if (counts->ndomains > 1)
		qsort(counts->domains, counts->ndomains,
		    sizeof *counts->domains, audience_group_cmp);
	if (counts->nproviders > 1)
		qsort(counts->providers, counts->nproviders,
		    sizeof *counts->providers, audience_group_cmp);
	if (counts == &local)
		audience_free(&local);
	return rc == 0 ? 0 : -1;
}

int
audience_count(struct store *st, const struct issue *is,
    struct audience_counts *c, char **cause)
{
	return audience_walk(st, is, NULL, NULL, c, cause);
}

void
audience_free(struct audience_counts *c)
{
	size_t	i;

	for (i = 0; i < c->ndomains; i++)
		free(c->domains[i].key);
	for (i = 0; i < c->nproviders; i++)
		free(c->providers[i].key);
	free(c->domains);
	free(c->providers);
	free(c->src);
	memset(c, 0, sizeof *c);
}

/* NT: mailbox domains, matched, never shown */
static const struct {
	const char	*domain;
	const char	*provider;	/* provider.h's name */
} audience_mailbox[] = {
	{ "gmail.com", "google" },
	{ "googlemail.com", "google" },
	{ "hotmail.co.jp", "microsoft" },
	{ "live.com", "microsoft" },
	{ "live.jp", "microsoft" },
	{ "msn.com", "microsoft" },
	{ "outlook.jp", "microsoft" },
	{ "yahoo.com", "yahoo" },
	{ "ymail.com", "yahoo" },
	{ "rocketmail.com", "yahoo" },
	{ "aol.com", "yahoo" },
	{ "me.com", "apple" },
	{ "mac.com", "apple" },
};

const char *
audience_provider(const char *domain)
{
	const struct provider	*p = NULL;
	size_t			 i;

	for (i = 0; i < nitems(audience_mailbox) && p == NULL; i++)
		if (strcasecmp(domain, audience_mailbox[i].domain) == 0)
			p = provider_find(audience_mailbox[i].provider);
	if (p == NULL)
		p = provider_of_mx(domain);
	return p != NULL ? p->name : NULL;
}
