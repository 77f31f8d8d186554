/*
 * Unsubscribe tokens: HMAC-SHA256 of the issue id and the address under a
 * secret kept in the database's meta table (made from RAND_bytes on first
 * use), the first 100 bits in lower-case base32. The same member gets the
 * same token for the same issue however often it is rendered (preview,
 * send, resume), and every token handed out is recorded in unsub_tokens,
 * so `herald unsubscribe TOKEN` finds the address even if the secret were
 * ever replaced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "base/i18n.h"
#include "message.h"
#include "mime.h"
#include "store/store.h"

/* The meta key of the secret unsubscribe tokens are derived from. */
#define MESSAGE_SECRET_KEY	"unsubscribe_secret"
#define MESSAGE_SECRET_BYTES	32

/* The token secret from the meta table, made on first use. */
static int
message_secret(struct store *st, unsigned char *key, char **cause)
{
	unsigned char	 rnd[MESSAGE_SECRET_BYTES];
	char		*hex = NULL, fresh[2 * MESSAGE_SECRET_BYTES + 1];
	size_t		 i;
	unsigned int	 v;
	int		 rc;

	rc = store_meta_get(st, MESSAGE_SECRET_KEY, &hex, cause);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		if (RAND_bytes(rnd, sizeof rnd) != 1)
			return set_cause(cause, _("no random bytes from OpenSSL"));
		for (i = 0; i < sizeof rnd; i++)
			snprintf(fresh + 2 * i, 3, "%02x", rnd[i]);
		explicit_bzero(rnd, sizeof rnd);
		rc = store_meta_set(st, MESSAGE_SECRET_KEY, fresh, cause);
		if (rc == 0)
			hex = xstrdup(fresh);
		explicit_bzero(fresh, sizeof fresh);
		if (rc == -1)
			return -1;
	}
	if (strlen(hex) != 2 * MESSAGE_SECRET_BYTES) {
		free(hex);
		return set_cause(cause, _("the database's %s is damaged"),
		    MESSAGE_SECRET_KEY);
	}
	for (i = 0; i < MESSAGE_SECRET_BYTES; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			explicit_bzero(hex, strlen(hex));
			free(hex);
			return set_cause(cause, _("the database's %s is "
			    "damaged"), MESSAGE_SECRET_KEY);
		}
		key[i] = (unsigned char)v;
	}
	explicit_bzero(hex, strlen(hex));
	free(hex);
	return 0;
}

/* A keyed HMAC-SHA256 for many tokens: the secret is read and the MAC
 * fetched once, not for every member of a large list. */
struct message_tokens {
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx;
};

/* Ready to make tokens with the database's secret. */
struct message_tokens *
message_tokens_new(struct store *st, char **cause)
{
	struct message_tokens	*tk;
	unsigned char		 key[MESSAGE_SECRET_BYTES];
	char			 digest[] = "SHA256";
	OSSL_PARAM		 params[2];

	if (message_secret(st, key, cause) == -1)
		return NULL;
	tk = xcalloc(1, sizeof *tk);
	params[0] = OSSL_PARAM_construct_utf8_string("digest", digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((tk->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (tk->ctx = EVP_MAC_CTX_new(tk->mac)) == NULL ||
	    EVP_MAC_init(tk->ctx, key, sizeof key, params) != 1) {
		explicit_bzero(key, sizeof key);
		message_tokens_free(tk);
		set_cause(cause, _("HMAC-SHA256 is not available from OpenSSL"));
		return NULL;
	}
	explicit_bzero(key, sizeof key);
	return tk;
}

/* Derive and record the unsubscribe token of addr for an issue. */
int
message_tokens_make(struct message_tokens *tk, struct store *st,
    int64_t issue_id, const char *addr, char *out, char **cause)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	char		 id[32];
	size_t		 maclen = 0;
	int		 n;

	n = snprintf(id, sizeof id, "%lld\n", (long long)issue_id);
	/* NULL key: again with the key given to message_tokens_new. */
	if (EVP_MAC_init(tk->ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(tk->ctx, (unsigned char *)id, (size_t)n) != 1 ||
	    EVP_MAC_update(tk->ctx, (const unsigned char *)addr,
	    strlen(addr)) != 1 ||
	    EVP_MAC_final(tk->ctx, mac, &maclen, sizeof mac) != 1 ||
	    maclen < 13)
		return set_cause(cause, _("HMAC-SHA256 failed"));
	mime_base32(out, MESSAGE_TOKEN_LEN + 1, mac, 13);
	return store_token_put(st, out, addr, issue_id, cause);
}

/* Done making tokens. */
void
message_tokens_free(struct message_tokens *tk)
{
	if (tk == NULL)
		return;
	EVP_MAC_CTX_free(tk->ctx);
	EVP_MAC_free(tk->mac);
	free(tk);
}

/* One token (see message_tokens_make). */
int
message_token(struct store *st, int64_t issue_id, const char *addr,
    char *out, char **cause)
{
	struct message_tokens	*tk;
	int			 rc;

	if ((tk = message_tokens_new(st, cause)) == NULL)
		return -1;
	rc = message_tokens_make(tk, st, issue_id, addr, out, cause);
	message_tokens_free(tk);
	return rc;
}

/* Does s look like a token? */
int
message_is_token(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (strchr(MIME_BASE32, s[i] >= 'A' && s[i] <= 'Z' ?
		    s[i] - 'A' + 'a' : s[i]) == NULL)
			return 0;
	return i == MESSAGE_TOKEN_LEN;
}
