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

#include "base/util.h"
#include "dkim_types.h"

struct dns;
struct store;

/* Check and normalise a domain (lower case; a Unicode name becomes its
 * A-label) and a selector (DNS labels of letters, digits and hyphens,
 * separated by dots; lower case). Allocated in *dom and *sel; -1 with
 * *cause when either is not valid. */
int		 dkim_names(const char *domain, const char *selector,
		    char **dom, char **sel, char **cause);

/* The directory keys live in: DIR/keys for a database at DIR/herald.db. */
char		*dkim_key_dir(const char *db_path);
/* Generate a key for domain/selector, write it, record it: pending, not
 * active until its record is seen published (a signature receivers cannot
 * check fails). Refuses an existing domain/selector. */
int		 dkim_keygen(struct store *, const char *db_path,
		    const char *domain, const char *selector, enum dkim_algo,
		    struct dkim_key *out, char **cause);

/* The TXT value: "v=DKIM1; k=rsa; p=..." (allocated). */
char		*dkim_record_value(const struct dkim_key *);
/* The TXT value as character-strings of at most 255 bytes: the tags, then
 * p= split (allocated array of allocated strings; *n set). */
char		**dkim_record_strings(const struct dkim_key *, size_t *n);
void		 dkim_record_strings_free(char **, size_t);
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
/* Check the published record of k and, when k was waiting for it and it
 * matches, activate k (in the store and in *k; *activated set): a new key
 * signs once receivers can check it. The verdict in *p, what was found in
 * *observed (allocated). -1 with *cause (nothing in *observed) when the
 * store cannot record the activation. */
int		 dkim_check_activate(struct store *, struct dns *,
		    struct dkim_key *k, enum dkim_published *p,
		    char **observed, int *activated, char **cause);
/* How many of domain's keys are active, -1 with *cause when the store
 * cannot be read. *all (may be NULL): how many keys it has; *waiting (may
 * be NULL): the selector of its first key awaiting publication (allocated)
 * or NULL. */
int		 dkim_active_keys(struct store *, const char *domain,
		    size_t *all, char **waiting, char **cause);

/* Signs messages with the active keys of one domain (one signature each). */
struct dkim_signer;
/* NULL with *cause when the domain has no active key (saying which keys
 * await publication) or a key cannot be read. */
struct dkim_signer *dkim_signer_new(struct store *, const char *domain,
		    char **cause);
void		 dkim_signer_free(struct dkim_signer *);
/* Why domain's messages go out unsigned (it has no active key): which
 * selectors await publication and what activates them, or what makes or
 * turns on a key. Allocated, one line. */
char		*dkim_unsigned_why(struct store *, const char *domain);
/* How many signatures sign() adds. */
size_t		 dkim_signer_count(const struct dkim_signer *);
/*
 * Sign msg (CRLF line ends, headers and body) and append the
 * "DKIM-Signature: ...\r\n" header fields to sigs, to be put in front of
 * the message. A bare CR or LF in msg is refused (it would be sent
 * differently from what was signed). Not named dkim_sign: libopendkim
 * exports that symbol (and dkim_verify).
 */
int		 dkim_signer_sign(struct dkim_signer *, const char *msg,
		    size_t len, struct buf *sigs, char **cause);

struct dkim_verdict {
	int	 signatures;	/* DKIM-Signature fields found */
	int	 passed;	/* of those, verified with a good body hash */
	int	 temperror;	/* not checked: the key lookup failed for now
				 * (timeout, SERVFAIL): try again later */
	char	*summary;	/* one line per signature: "d=x s=y a=z: pass" */
};
/* Verify every signature of msg (CRLF line ends), looking keys up
 * through dns. -1 with *cause only when msg cannot be checked at all. */
int		 dkim_verify_message(struct dns *, const char *msg, size_t len,
		    struct dkim_verdict *, char **cause);
/*
 * Where the verifier finds key records: the TXT value at name
 * ("SELECTOR._domainkey.DOMAIN"), allocated in *txt with its length.
 * Returns 0 found, 1 no record, -1 the lookup failed (*why allocated).
 */
typedef int (*dkim_lookup_fn)(void *arg, const char *name, char **txt,
		    size_t *len, char **why);
/* dkim_verify_message with keys from lookup (tests: a table). */
int		 dkim_verify_lookup(dkim_lookup_fn lookup, void *arg,
		    const char *msg, size_t len, struct dkim_verdict *,
		    char **cause);
/* dkim_verify_message with the local public keys instead of DNS: does
 * herald's own signature hold (a preview's signature status, offline)? */
int		 dkim_verify_local(struct store *, const char *msg, size_t len,
		    struct dkim_verdict *, char **cause);
void		 dkim_verdict_free(struct dkim_verdict *);

#endif
