/*
 * DKIM key records (RFC 6376 section 3.6.1, RFC 8301, RFC 8463): the TXT
 * value published at SELECTOR._domainkey.DOMAIN, parsed and its key
 * checked with OpenSSL (an RSA SubjectPublicKeyInfo, or a raw 32-byte
 * Ed25519 key).
 */
#ifndef HERALD_DKIMREC_H
#define HERALD_DKIMREC_H

#include <stddef.h>

#define DKIMREC_MAX	8192	/* longer TXT values are refused */

enum dkimrec_key {
	DKIMREC_RSA,
	DKIMREC_ED25519,
};

struct dkimrec {
	enum dkimrec_key	 key;
	int			 bits;		/* RSA modulus; 256 for ed25519 */
	int			 revoked;	/* p= is empty */
	int			 testing;	/* t=y */
	int			 strict;	/* t=s: no subdomains in i= */
	int			 sha1_only;	/* h= lists sha1 but not sha256 */
	unsigned char		*pub;		/* p= decoded: DER or raw key */
	size_t			 publen;
};

/*
 * Parse a key record and check its key. Returns 0 (a revoked key, p=
 * empty, parses: see revoked), or -1 with an allocated *cause, one line
 * ("p=: not valid base64"). r needs dkimrec_free either way.
 */
int	 dkimrec_parse(const char *txt, size_t len, struct dkimrec *r,
	    char **cause);
void	 dkimrec_free(struct dkimrec *);
const char *dkimrec_key_name(enum dkimrec_key);

/* Decode base64 (white space allowed, padding required); allocated in
 * *out, or -1 when it is not base64. */
int	 dkimrec_base64(const char *s, size_t len, unsigned char **out,
	    size_t *outlen);

#endif
