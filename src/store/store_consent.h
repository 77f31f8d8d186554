/*
 * The consent records of Japan's law on advertising mail
 * (store_consent.c): by list name and address, when and how the
 * recipient agreed, kept apart from the contacts so that removing a
 * contact or its list does not remove them; pruned a month after the
 * last mail to the address. Also what the law gate records on a send.
 * Functions return 0, or -1 with *cause, unless said otherwise.
 */
#ifndef HERALD_STORE_CONSENT_H
#define HERALD_STORE_CONSENT_H

#include <stdint.h>

struct store;

/* Record (or replace) the consent of addr on list (by its name). */
int	 store_consent_put(struct store *, const char *list, const char *addr,
	    const char *name, const char *consent_at, const char *source,
	    int64_t now, char **cause);
/* How many members of list (id) that are not suppressed have no consent
 * record on list (name). */
int	 store_consent_missing(struct store *, int64_t list_id,
	    const char *list, int64_t *n, char **cause);

/* One row of the consent export. Strings valid during the callback. */
struct consent_row {
	const char	*addr;
	const char	*name;
	const char	*consent_at;	/* "" when none */
	const char	*consent_source;
	int64_t		 last_mailed_at; /* 0: never delivered */
	int64_t		 opted_out_at;	/* 0: not opted out */
	const char	*opt_out_reason; /* suppressions.reason, "" */
	const char	*opt_out_detail;
	int		 member;	/* still a member of the list */
};
typedef int (*store_consent_cb)(const struct consent_row *, void *arg);
/* The members of list (name) and the consent records kept for it after
 * their contact went, by address. */
int	 store_consent_rows(struct store *, const char *list,
	    store_consent_cb, void *arg, char **cause);
/* Remove the records whose contact is gone and whose last mail (or, never
 * mailed, last update) is more than a calendar month before now. */
int	 store_consent_prune(struct store *, int64_t now, int64_t *removed,
	    char **cause);

/* What the law gate found missing when a send went ahead all the same
 * ("" clears it); and read back ("" when none; allocated). */
int	 store_send_set_law_override(struct store *, int64_t id,
	    const char *text, char **cause);
int	 store_send_law_override(struct store *, int64_t id, char **text,
	    char **cause);

#endif
