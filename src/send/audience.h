/*
 * An issue's audience (issue #13): the members of the lists and segments
 * its To names, less those of the lists and segments its Exclude names,
 * each address once and suppressed addresses never sent to.
 *
 * Lists and segments share one namespace: a name is looked up as a list,
 * then as a segment, and a name that is both is refused (rename one):
 * store_audience_lookup, message_audience_settle when an issue is saved.
 * Addresses are the same recipient when they differ only in the letter
 * case of the domain (always lower-cased on import) or, unless config
 * local_part_case is strict, of the local part: as an import dedupes.
 * The member kept is the first met, To names in order, so its name and
 * merge fields are those of the first list that has it.
 *
 * A send resolves the audience when it starts and copies it into its
 * recipients (setup.c), so what changes afterwards changes nothing in it.
 */
#ifndef HERALD_SEND_AUDIENCE_H
#define HERALD_SEND_AUDIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"	/* store_contact_cb */

struct issue;

/* One name of the audience with what it held. */
struct audience_source {
	const char	*name;		/* the issue's */
	int		 exclude;
	int		 segment;
	int64_t		 members;	/* as the send would read them */
};

/* A group of recipients: a domain or a provider. */
struct audience_group {
	char		*key;		/* domain, provider name, "other" */
	int64_t		 n;
};

struct audience_counts {
	struct audience_source	*src;	/* per name of the issue */
	size_t			 nsrc;
	int64_t			 total;		/* sent to */
	int64_t			 duplicates;	/* in more than one To */
	int64_t			 excluded;	/* left out by Exclude */
	int64_t			 suppressed;	/* never sent to */
	struct audience_group	*domains;	/* by count, then name */
	size_t			 ndomains;
	struct audience_group	*providers;	/* by count, then name */
	size_t			 nproviders;
};

/*
 * Call cb once per recipient of the issue (suppressed ones included,
 * flagged, so the caller counts them), To names in order, then each
 * address. counts (may be NULL) is filled; free with audience_free.
 * cb returns non-zero to stop (then -1 with *cause NULL).
 */
int	 audience_walk(struct store *, const struct issue *,
	    store_contact_cb cb, void *arg, struct audience_counts *counts,
	    char **cause);
/* The counts alone (herald issue audience, the console). */
int	 audience_count(struct store *, const struct issue *,
	    struct audience_counts *, char **cause);
void	 audience_free(struct audience_counts *);
/*
 * The provider (provider.h's name) that hosts a domain's mailboxes, by
 * the domain alone (no DNS, so a count of many domains is quick, before
 * anything is sent, even offline): the providers' own mailbox
 * domains (gmail.com, aol.com, me.com, ...) and domains under their MX
 * names (provider.h: docomo.ne.jp, ...). A company's own domain hosted at
 * Google is not known this way: NULL, counted as other.
 */
const char *audience_provider(const char *domain);

#endif
