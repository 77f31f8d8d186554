/*
 * Matching what comes back to the recipient it answers, by the addresses
 * herald writes (verp.c):
 *
 *   envelope-from    LOCAL DELIM TOKEN @ DOMAIN   (bounce+TOKEN@example.org)
 *   unsubscribe      unsubscribe DELIM TOKEN @ DOMAIN
 *   Message-ID       <herald.SEND.RCPT.TOKEN@DOMAIN>
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
 * The left-hand side of the Message-ID a send gives a recipient's
 * message, the same at every attempt (a receiver may drop a second copy
 * of an id): "herald.SEND.RCPT.TOKEN", RCPT the recipient's row. A test
 * send's is its own each time: "herald.SEND.testTIME.PID.TOKEN". A DSN
 * that returns only the original headers still names the send and the
 * recipient by it.
 */
#define VERP_MSGID_MAX	96
void	 verp_msgid(char *out, size_t size, int64_t send, int64_t rcpt,
	    const char *token);
void	 verp_msgid_test(char *out, size_t size, int64_t send, int64_t now,
	    long pid, const char *token);
/* The send a Message-ID made by those names ("<...@...>" or without the
 * brackets), with its token into token (MESSAGE_TOKEN_LEN + 1 bytes; may
 * be NULL); 0 when it is not one of those. */
int64_t	 verp_msgid_send(const char *msgid, char *token);

#endif
