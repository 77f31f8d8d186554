/*
 * A DKIM key as the store keeps it (a dkim_keys row): domain, selector,
 * algorithm, where the private key file is and the record's p= value.
 * Types only, so the store may include this without the DKIM code
 * (dkim.h). The algorithm's words and dkim_key_free sit here as small
 * static inline functions: the store writes the words (dkim_keys.algo)
 * and the CLI prints and parses the same ones, and whoever fills a key
 * frees it the same way.
 */
#ifndef HERALD_DKIM_TYPES_H
#define HERALD_DKIM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum dkim_algo {
	DKIM_RSA2048,
	DKIM_RSA3072,
	DKIM_ED25519,
};
#define DKIM_NALGOS	3

/* The name of an algorithm as the database and the CLI write it:
 * "rsa-2048", "rsa-3072", "ed25519". */
static inline const char *
dkim_algo_name(enum dkim_algo a)
{
	static const char *const names[DKIM_NALGOS] = {
		[DKIM_RSA2048] = "rsa-2048",
		[DKIM_RSA3072] = "rsa-3072",
		[DKIM_ED25519] = "ed25519",
	};

	if ((size_t)a >= DKIM_NALGOS)
		return "unknown";
	return names[a];
}

/* Parse an algorithm's name; -1 if unknown. */
static inline int
dkim_algo_parse(const char *s, enum dkim_algo *out)
{
	int	i;

	for (i = 0; i < DKIM_NALGOS; i++)
		if (strcmp(s, dkim_algo_name((enum dkim_algo)i)) == 0) {
			*out = (enum dkim_algo)i;
			return 0;
		}
	return -1;
}

struct dkim_key {
	int64_t		 id;
	char		*domain;
	char		*selector;
	enum dkim_algo	 algo;
	char		*key_file;	/* path of the PEM file */
	char		*public_key;	/* the record's p= value (base64) */
	int64_t		 created_at;
	int		 active;	/* signs new messages */
	int		 pending;	/* new: inactive until its record is
					 * seen published (dkim check) */
};

/* Free what a key holds (not the struct itself). */
static inline void
dkim_key_free(struct dkim_key *k)
{
	if (k == NULL)
		return;
	free(k->domain);
	free(k->selector);
	free(k->key_file);
	free(k->public_key);
	memset(k, 0, sizeof *k);
}

#endif
