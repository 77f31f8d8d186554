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

#endif
