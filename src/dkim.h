/*
 * DKIM: keys (generated with OpenSSL EVP, kept as PKCS#8 PEM files mode
 * 0600 in a 0700 directory beside the database, recorded in the store),
 * the DNS records to publish, signing with libopendkim (relaxed/relaxed,
 * rsa-sha256 and ed25519-sha256, d= the From domain), verifying (for the
 * preview's signature status and the tests), and checking the published
 * key against the local one. A private key is never printed or logged.
 */
#ifndef HERALD_DKIM_H
#define HERALD_DKIM_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct dns;
struct store;

enum dkim_algo {
	DKIM_RSA2048,
	DKIM_RSA3072,
	DKIM_ED25519,
};

struct dkim_key {
	int64_t		 id;
	char		*domain;
	char		*selector;
	enum dkim_algo	 algo;
	char		*key_file;	/* path of the PEM file */
	char		*public_key;	/* the record's p= value (base64) */
	int64_t		 created_at;
	int		 active;	/* signs new messages */
};

int		 dkim_algo_parse(const char *, enum dkim_algo *);
const char	*dkim_algo_name(enum dkim_algo);
void		 dkim_key_free(struct dkim_key *);

/* The directory keys live in: DIR/keys for a database at DIR/herald.db. */
char		*dkim_key_dir(const char *db_path);
/* Generate a key for domain/selector, write it, record it (active).
 * Refuses an existing domain/selector. */
int		 dkim_keygen(struct store *, const char *db_path,
		    const char *domain, const char *selector, enum dkim_algo,
		    struct dkim_key *out, char **cause);

/* The TXT value: "v=DKIM1; k=rsa; p=..." (allocated). */
char		*dkim_record_value(const struct dkim_key *);
/* The zone-file line: SELECTOR._domainkey.DOMAIN. 3600 IN TXT ( "..." "..." )
 * with character-strings of at most 255 bytes (allocated). */
char		*dkim_record_zone(const struct dkim_key *);

enum dkim_published {
	DKIM_PUB_MATCH,		/* the published key is the local key */
	DKIM_PUB_ABSENT,	/* no TXT at SELECTOR._domainkey.DOMAIN */
	DKIM_PUB_DIFFERENT,	/* a valid key, but not this one */
	DKIM_PUB_REVOKED,	/* p= is empty */
	DKIM_PUB_SYNTAX,	/* the record does not parse */
	DKIM_PUB_DNSFAIL,	/* SERVFAIL or timeout */
};
const char	*dkim_published_name(enum dkim_published);
/* Compare the published record with the local key; *observed (allocated)
 * says what was found. */
enum dkim_published dkim_check_published(struct dns *,
		    const struct dkim_key *, char **observed);

/* Signs messages with the active keys of one domain (one signature each). */
struct dkim_signer;
/* NULL with *cause when the domain has no active key or a key cannot be
 * read. */
struct dkim_signer *dkim_signer_new(struct store *, const char *domain,
		    char **cause);
void		 dkim_signer_free(struct dkim_signer *);
/* How many signatures sign() adds. */
size_t		 dkim_signer_count(const struct dkim_signer *);
/* Sign msg (CRLF line ends, headers and body) and append the
 * "DKIM-Signature: ...\r\n" header fields to sigs, to be put in front of
 * the message. */
int		 dkim_sign(struct dkim_signer *, const char *msg, size_t len,
		    struct buf *sigs, char **cause);

struct dkim_verdict {
	int	 signatures;	/* DKIM-Signature fields found */
	int	 passed;	/* of those, verified with a good body hash */
	char	*summary;	/* one line per signature: "d=x s=y a=z: pass" */
};
/* Verify every signature of msg, looking keys up through dns. */
int		 dkim_verify(struct dns *, const char *msg, size_t len,
		    struct dkim_verdict *, char **cause);
void		 dkim_verdict_free(struct dkim_verdict *);

#endif
