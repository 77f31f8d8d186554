/*
 * Inside the dkim module: what dkim_keys.c and dkim_sign.c share.
 * Nothing outside src/dkim*.c includes this.
 */
#ifndef HERALD_DKIM_INT_H
#define HERALD_DKIM_INT_H

#include <stddef.h>

#include <openssl/evp.h>

#include "dkim.h"

#define DKIM_TXT_SHOW	160	/* bytes of a published record quoted */

/* Does a TXT value look like a DKIM key record (v=DKIM..., or a p= tag)? */
int	 dkim_txt_is_key(const char *txt, size_t len);
/* txt[0..len) made printable (\DDD) and cut at max bytes, allocated. */
char	*dkim_txt_show(const char *txt, size_t len, size_t max);

/* The p= value of a key: the SubjectPublicKeyInfo DER (RSA) or the raw
 * 32 bytes (Ed25519), in base64; NULL with *cause. */
char	*dkim_pubkey_b64(EVP_PKEY *, enum dkim_algo, char **cause);

#ifdef HERALD_DKIM_LIBOPENDKIM
/* For the files that include <opendkim/dkim.h> first. */

/* One header field of a message: pointers into it, without the CRLF. */
struct dkim_field {
	const char	*p;
	size_t		 len;
};

/* A message split for libopendkim: header fields, then the body. */
struct dkim_msg {
	struct dkim_field	*f;
	size_t			 n, cap;
	const char		*body;
	size_t			 bodylen;
};

/* Split msg (CRLF line ends, no bare CR or LF); free m->f after. */
int		 dkim_msg_split(const char *msg, size_t len, struct dkim_msg *m,
		    char **cause);
/* Feed a split message to a handle; *stage says how far it got (0
 * headers, 1 end of headers, 2 body, 3 end of message). */
DKIM_STAT	 dkim_msg_feed(DKIM *, const struct dkim_msg *, int verify,
		    int *stage);
/* libopendkim's words for a failure. */
const char	*dkim_lib_error(DKIM *, DKIM_STAT);
#endif

/* How many times a signer handed libopendkim its key already decoded
 * instead of letting it decode the PEM again (see dkim_sign.c): one per
 * signature when the cache works. */
unsigned long	 dkim_signer_cache_hits(const struct dkim_signer *);

#endif
