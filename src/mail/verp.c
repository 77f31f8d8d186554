/*
 * The address arithmetic of verp.h: a token put into the local part of
 * an address and read back out of one, and the send named in a
 * Message-ID. Pure string work, so the sender and the feedback reader
 * agree by construction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "message.h"
#include "mime.h"
#include "verp.h"

/* Random bytes of a Message-ID: 128 bits, 26 base32 characters. */
#define VERP_MSGID_RANDOM	16
#define VERP_MSGID_RANDOM_LEN	26

static int
verp_b32(int c)
{
	c = tolower((unsigned char)c);
	return c != '\0' && strchr(MIME_BASE32, c) != NULL;
}

/* Put DELIM TOKEN after the local part of base. */
int
verp_address(const char *base, char delim, const char *token, char *out,
    size_t size, char **cause)
{
	const char	*at;
	size_t		 local;

	if (delim == '\0' || strchr(VERP_DELIMITERS, delim) == NULL)
		return set_cause(cause, "verp_delimiter: '%c' is not one of "
		    "%s", delim != '\0' ? delim : '?', VERP_DELIMITERS);
	if (token == NULL || !message_is_token(token))
		return set_cause(cause, "verp: no valid token");
	if (base == NULL || (at = strrchr(base, '@')) == NULL || at == base)
		return set_cause(cause, "verp: '%s' is not an address",
		    base != NULL ? base : "");
	local = (size_t)(at - base);
	if (local + 1 + MESSAGE_TOKEN_LEN > VERP_LOCAL_MAX)
		return set_cause(cause, "verp: the local part of %s (%zu "
		    "octets) with %c and a %d-character token is over %d "
		    "octets: use a shorter bounce address, or set verp = off",
		    base, local, delim, MESSAGE_TOKEN_LEN, VERP_LOCAL_MAX);
	if (strlen(base) + 1 + MESSAGE_TOKEN_LEN + 1 > size)
		return set_cause(cause, "verp: %s is too long", base);
	snprintf(out, size, "%.*s%c%s%s", (int)local, base, delim, token, at);
	/* the token goes out in lower case, as it was made */
	for (out += local + 1; *out != '@'; out++)
		*out = (char)tolower((unsigned char)*out);
	return 0;
}

/* Read the token back out of an address. */
int
verp_token(const char *addr, char *token, char *local, size_t localsz)
{
	const char	*s, *at;
	size_t		 len, i;

	if (addr == NULL)
		return 0;
	while (*addr == ' ' || *addr == '\t' || *addr == '<')
		addr++;
	if ((at = strrchr(addr, '@')) == NULL)
		return 0;
	len = (size_t)(at - addr);
	/* LOCAL, the delimiter, the token */
	if (len < MESSAGE_TOKEN_LEN + 2 || len > VERP_LOCAL_MAX)
		return 0;
	s = at - MESSAGE_TOKEN_LEN;
	for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
		if (!verp_b32(s[i]))
			return 0;
	if (strchr(VERP_DELIMITERS, s[-1]) == NULL)
		return 0;
	/* the base local part: printable, no white space */
	for (i = 0; addr + i < s - 1; i++)
		if ((unsigned char)addr[i] <= ' ' ||
		    (unsigned char)addr[i] >= 0x7f ||
		    strchr("<>,;:\"\\()[]", addr[i]) != NULL)
			return 0;
	for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
		token[i] = (char)tolower((unsigned char)s[i]);
	token[MESSAGE_TOKEN_LEN] = '\0';
	if (local != NULL && localsz > 0)
		snprintf(local, localsz, "%.*s", (int)(s - 1 - addr), addr);
	return 1;
}

/* A Message-ID's left-hand side naming the send. */
int
verp_msgid_local(int64_t send, char *out, size_t size, char **cause)
{
	unsigned char	rnd[VERP_MSGID_RANDOM];
	char		r[VERP_MSGID_RANDOM_LEN + 8];

	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return set_cause(cause, "Message-ID: no random bytes from "
		    "OpenSSL");
	mime_base32(r, sizeof r, rnd, sizeof rnd);
	if (send > 0)
		snprintf(out, size, "s%lld.%s", (long long)send, r);
	else
		snprintf(out, size, "%s", r);
	return 0;
}

/* The send a Message-ID names, or 0. */
int64_t
verp_msgid_send(const char *msgid)
{
	const char	*p;
	int64_t		 send = 0;
	size_t		 i, digits;

	if (msgid == NULL)
		return 0;
	while (*msgid == ' ' || *msgid == '\t')
		msgid++;
	if (*msgid == '<')
		msgid++;
	if (*msgid != 's' && *msgid != 'S')
		return 0;
	for (p = msgid + 1, digits = 0; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 18)
			return 0;
		send = send * 10 + (*p - '0');
	}
	if (digits == 0 || send == 0 || *p++ != '.')
		return 0;
	for (i = 0; i < VERP_MSGID_RANDOM_LEN; i++)
		if (!verp_b32(p[i]))
			return 0;
	return p[i] == '@' ? send : 0;
}
