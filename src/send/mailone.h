/*
 * One message to one recipient, now, by the send's own means (mailone.c):
 * the relay when the settings name one (AUTH with its password), else the
 * recipient domain's MX hosts in order (route.h), TLS by the settings'
 * policy and trust file, from their source address and HELO name. For the
 * few messages herald sends of its own (TLS reports), not for a list:
 * blocking, one session at a time, no retry schedule.
 */
#ifndef HERALD_SEND_MAILONE_H
#define HERALD_SEND_MAILONE_H

#include <stddef.h>

struct send_settings;

/*
 * Send data (CRLF line ends, signed as it is to go) from mail_from to
 * rcpt. password: the relay's, or NULL. dnssec_anchor: under tls dane,
 * the trust anchor DNSSEC is validated from (as the engine's), so MX
 * hosts with secure TLSA records are held to them. 0 once a server took
 * it; -1 with *cause (the last server's reply or why none was reached).
 */
int	mailone_send(const struct send_settings *, const char *password,
	    const char *dnssec_anchor, const char *mail_from,
	    const char *rcpt, const char *data, size_t len, char **cause);

#endif
