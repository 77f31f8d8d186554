/*
 * Matching what comes back to the recipient it answers, by the addresses
 * herald writes (verp.c):
 *
 *   envelope-from    LOCAL DELIM TOKEN @ DOMAIN   (bounce+TOKEN@example.org)
 *   unsubscribe      unsubscribe DELIM TOKEN @ DOMAIN
 *   Message-ID       <sSEND.RANDOM@DOMAIN>
 *
 * TOKEN is the recipient's unsubscribe token (message.h, 20 lower-case
 * base32 characters), which names the send and the address. DELIM is one
 * of VERP_DELIMITERS (config verp_delimiter); an address is read back
 * whichever of them it uses, so changing the key never loses a bounce
 * already on its way. The domain is never changed: SPF and DMARC
 * alignment stay as they are.
 */
#ifndef HERALD_VERP_H
#define HERALD_VERP_H

#include <stddef.h>
#include <stdint.h>

/* The delimiters a local part may carry its token after. */
#define VERP_DELIMITERS	"+-=_"
/* RFC 5321 4.5.3.1.1: octets of a local part. */
#define VERP_LOCAL_MAX	64
/* An address made here: the base's 254 octets are never exceeded, since
 * the local part stays within VERP_LOCAL_MAX. */
#define VERP_ADDR_MAX	320

/*
 * base (LOCAL@DOMAIN) with DELIM TOKEN after LOCAL into out (size
 * bytes). -1 with *cause when base has no '@', delim is not one of
 * VERP_DELIMITERS, the token is not one, or the local part would be over
 * VERP_LOCAL_MAX octets.
 */
int	 verp_address(const char *base, char delim, const char *token,
	    char *out, size_t size, char **cause);
/*
 * The token an address carries (LOCAL DELIM TOKEN @ DOMAIN, any
 * delimiter, the token in either case), into token (MESSAGE_TOKEN_LEN + 1
 * bytes, lower case) and, when local is not NULL, LOCAL into local
 * (localsz bytes; cut short when it does not fit). The address may stand
 * in angle brackets. 1 when it carries one, else 0.
 */
int	 verp_token(const char *addr, char *token, char *local,
	    size_t localsz);
/*
 * The left-hand side of a Message-ID naming send: "s" SEND "." and 26
 * random base32 characters, into out (at least VERP_MSGID_LOCAL_MAX
 * bytes). -1 with *cause when no random bytes could be had.
 */
#define VERP_MSGID_LOCAL_MAX	56
int	 verp_msgid_local(int64_t send, char *out, size_t size, char **cause);
/* The send a Message-ID made by verp_msgid_local names ("<...@...>" or
 * without the brackets), or 0 when it is not one of those. */
int64_t	 verp_msgid_send(const char *msgid);

#endif
