/*
 * A hash table of strings to pointers: FNV-1a hashing, chained buckets,
 * doubled when it holds as many entries as it has buckets. The keys are
 * the caller's (not copied: each must live as long as its entry), and so
 * are the values. Optionally ASCII case folded (domain names).
 *
 * Part of src/base: uses libc only, knows nothing of herald.
 */
#ifndef HERALD_HASHTAB_H
#define HERALD_HASHTAB_H

#include <stddef.h>

struct hashtab_ent;

struct hashtab {
	struct hashtab_ent	**b;
	size_t			  nb, n;
	int			  fold;	/* keys compare ASCII case folded */
};

/* A walk over every entry; the current one may be removed. */
struct hashtab_iter {
	size_t			 i;
	struct hashtab_ent	*next;
};

void	 hashtab_init(struct hashtab *, int fold);
/* Free the table's own memory (not the keys or the values). */
void	 hashtab_free(struct hashtab *);
/* The value of key, or NULL. */
void	*hashtab_get(const struct hashtab *, const char *key);
/* Add key (not there yet) with its value. */
void	 hashtab_add(struct hashtab *, const char *key, void *value);
/* Remove key: its value, or NULL when it was not there. */
void	*hashtab_del(struct hashtab *, const char *key);
/* The walk: start it, then each value until NULL. */
void	 hashtab_first(const struct hashtab *, struct hashtab_iter *);
void	*hashtab_next(const struct hashtab *, struct hashtab_iter *);

#endif
