/*
 * The sending domain's own inbound side, checked beside the health report
 * (auth/health.h) and handed to the same callback: bounces and replies
 * come back to its MX, and other senders judge it by what it publishes.
 *
 *   own.mx_tls   each MX host (first three by preference) on the send's
 *                SMTP port: EHLO, STARTTLS, the chain (system store plus
 *                ca_file) and the MX name verified (herald's SMTP client)
 *   own.mta_sts  _mta-sts TXT and the policy, fetched as a send would;
 *                mode, and whether its mx: patterns cover every MX
 *   own.tlsrpt   the _smtp._tls record (RFC 8460)
 *   own.bimi     default._bimi, syntax only (auth/bimi.h); none is fine
 *
 * Blocking, with bounded timeouts: the CLI runs it; the console reads
 * its lines from `herald check --stream`.
 */
#ifndef HERALD_STS_OWN_H
#define HERALD_STS_OWN_H

#include "sts.h"
#include "auth/health.h"

struct dns;

struct own_options {
	int			 smtp_port;	/* the send's smtp_port; 0: 25 */
	const char		*helo;		/* our EHLO name */
	const char		*ca_file;	/* extra trust anchors, or NULL */
	struct sts_options	 sts;		/* the policy fetch's */
	unsigned int		 timeout;	/* seconds per SMTP step; 0: 15 */
};

/* Run the four checks in order; the worst status (HEALTH_OK if all are). */
enum health_status own_run(struct dns *, const char *domain,
		    const struct own_options *, health_cb, void *arg);

#endif
