/*
 * The address arithmetic of verp.h: a token put into the local part of
 * an address and read back out of one, and the send named in a
 * Message-ID. Pure string work (no store, no OpenSSL: the feedback
 * reader's fuzz harness links it alone), so the sender and the feedback
 * reader agree by construction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "message.h"
#include "mime.h"
#include "verp.h"

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
		return set_cause(cause, _("verp_delimiter: '%c' is not one of "
		    "%s"), delim != '\0' ? delim : '?', VERP_DELIMITERS);
	if (token == NULL || strlen(token) != MESSAGE_TOKEN_LEN)
		return set_cause(cause, _("verp: no valid token"));
	for (local = 0; local < MESSAGE_TOKEN_LEN; local++)
		if (!verp_b32(token[local]))
			return set_cause(cause, _("verp: no valid token"));
	if (base == NULL || (at = strrchr(base, '@')) == NULL || at == base)
		return set_cause(cause, _("verp: '%s' is not an address"),
		    base != NULL ? base : "");
	local = (size_t)(at - base);
	if (local + 1 + MESSAGE_TOKEN_LEN > VERP_LOCAL_MAX)
		return set_cause(cause, _("verp: the local part of %s (%zu "
		    "octets) with %c and a %d-character token is over %d "
		    "octets: use a shorter bounce address, or set verp = off"),
		    base, local, delim, MESSAGE_TOKEN_LEN, VERP_LOCAL_MAX);
	if (strlen(base) + 1 + MESSAGE_TOKEN_LEN + 1 > size)
		return set_cause(cause, _("verp: %s is too long"), base);
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

/* The Message-ID of a send's message to one recipient. */
void
verp_msgid(char *out, size_t size, int64_t send, int64_t rcpt,
    const char *token)
{
	snprintf(out, size, "herald.%lld.%lld.%s", (long long)send,
	    (long long)rcpt, token);
}

/* A test send's: its own each time. */
void
verp_msgid_test(char *out, size_t size, int64_t send, int64_t now, long pid,
    const char *token)
{
	snprintf(out, size, "herald.%lld.test%lld.%ld.%s", (long long)send,
	    (long long)now, pid, token);
}

/* Digits at *p up to a '.', as a number over 0 (at most 18 digits); *p
 * moved past the '.'. -1 when there are none. */
static int64_t
verp_number(const char **p)
{
	int64_t	n = 0;
	size_t	digits = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		if (++digits > 18)
			return -1;
		n = n * 10 + (**p - '0');
	}
	if (digits == 0 || **p != '.')
		return -1;
	(*p)++;
	return n;
}

/* The send a Message-ID names, or 0. */
int64_t
verp_msgid_send(const char *msgid, char *token)
{
	const char	*p;
	int64_t		 send;
	size_t		 i;

	if (msgid == NULL)
		return 0;
	while (*msgid == ' ' || *msgid == '\t')
		msgid++;
	if (*msgid == '<')
		msgid++;
	if (strncasecmp(msgid, "herald.", 7) != 0)
		return 0;
	p = msgid + 7;
	if ((send = verp_number(&p)) <= 0)
		return 0;
	if (strncmp(p, "test", 4) == 0) {
		p += 4;
		if (verp_number(&p) < 0 || verp_number(&p) < 0)
			return 0;
	} else if (verp_number(&p) <= 0)
		return 0;
	for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
		if (!verp_b32(p[i]))
			return 0;
	if (p[i] != '@')
		return 0;
	if (token != NULL) {
		for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
			token[i] = (char)tolower((unsigned char)p[i]);
		token[i] = '\0';
	}
	return send;
}
