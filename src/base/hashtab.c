/*
 * A chained hash table of strings (hashtab.h). New entries go to the head
 * of their bucket, so a walk meets a bucket's newest entry first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hashtab.h"
#include "util.h"

struct hashtab_ent {
	struct hashtab_ent	*next;
	const char		*key;
	void			*value;
};

/* FNV-1a of a key, ASCII case folded when the table folds. */
static size_t
hashtab_hash(const struct hashtab *t, const char *s)
{
	uint32_t	h = 2166136261u;
	unsigned char	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (t->fold && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static int
hashtab_same(const struct hashtab *t, const char *a, const char *b)
{
	return (t->fold ? strcasecmp(a, b) : strcmp(a, b)) == 0;
}

void
hashtab_init(struct hashtab *t, int fold)
{
	memset(t, 0, sizeof *t);
	t->fold = fold;
}

void
hashtab_free(struct hashtab *t)
{
	struct hashtab_ent	*e, *next;
	size_t			 i;

	for (i = 0; i < t->nb; i++)
		for (e = t->b[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(t->b);
	hashtab_init(t, t->fold);
}

void *
hashtab_get(const struct hashtab *t, const char *key)
{
	struct hashtab_ent	*e;

	if (t->nb == 0)
		return NULL;
	for (e = t->b[hashtab_hash(t, key) % t->nb]; e != NULL; e = e->next)
		if (hashtab_same(t, e->key, key))
			return e->value;
	return NULL;
}

/* Twice the buckets, every entry placed again. */
static void
hashtab_grow(struct hashtab *t)
{
	struct hashtab_ent	**old = t->b, *e, *next;
	size_t			  oldn = t->nb, i, h;

	t->nb = oldn == 0 ? 64 : oldn * 2;
	t->b = xcalloc(t->nb, sizeof *t->b);
	for (i = 0; i < oldn; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			h = hashtab_hash(t, e->key) % t->nb;
			e->next = t->b[h];
			t->b[h] = e;
		}
	free(old);
}

void
hashtab_add(struct hashtab *t, const char *key, void *value)
{
	struct hashtab_ent	*e;
	size_t			 h;

	if (t->n >= t->nb)
		hashtab_grow(t);
	e = xcalloc(1, sizeof *e);
	e->key = key;
	e->value = value;
	h = hashtab_hash(t, key) % t->nb;
	e->next = t->b[h];
	t->b[h] = e;
	t->n++;
}

void *
hashtab_del(struct hashtab *t, const char *key)
{
	struct hashtab_ent	**pp, *e;
	void			 *value;

	if (t->nb == 0)
		return NULL;
	for (pp = &t->b[hashtab_hash(t, key) % t->nb]; (e = *pp) != NULL;
	    pp = &e->next)
		if (hashtab_same(t, e->key, key)) {
			*pp = e->next;
			value = e->value;
			free(e);
			t->n--;
			return value;
		}
	return NULL;
}

void
hashtab_first(const struct hashtab *t, struct hashtab_iter *it)
{
	it->i = 0;
	it->next = t->nb != 0 ? t->b[0] : NULL;
}

void *
hashtab_next(const struct hashtab *t, struct hashtab_iter *it)
{
	struct hashtab_ent	*e;

	while (it->next == NULL) {
		if (++it->i >= t->nb)
			return NULL;
		it->next = t->b[it->i];
	}
	e = it->next;
	it->next = e->next;
	return e->value;
}
