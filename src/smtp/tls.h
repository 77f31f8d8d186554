/*
 * TLS for the SMTP client (OpenSSL 3): a context per send (system trust
 * store plus an optional CA file, TLS 1.2 or later), a session per
 * connection with SNI, and what happened, recorded as Postfix does: the
 * protocol, cipher and bits, the trust word (none, untrusted, trusted,
 * verified), DANE (none, validated, failed), the peer's subject and issuer,
 * and a "POLICY:TRUST" summary such as "may:none".
 */
#ifndef HERALD_TLS_H
#define HERALD_TLS_H

#include <stddef.h>

#include "tls_types.h"

/* A status for a plaintext session under policy. */
void		 tls_status_plain(struct tls_status *, enum tls_policy);

/* One DNSSEC-validated TLSA record for a DANE session. */
struct tls_tlsa {
	unsigned char	 usage, selector, mtype;
	unsigned char	*data;
	size_t		 len;
};

struct tls_ctx;
/* A client context: system trust store plus ca_file (may be NULL). */
struct tls_ctx	*tls_ctx_new(const char *ca_file, char **cause);
void		 tls_ctx_free(struct tls_ctx *);

/*
 * One TLS connection over a connected non-blocking socket, for the SMTP
 * client's connection (conn.c); the send engine need not use these. Every
 * call that can block returns TLS_WANT_READ or TLS_WANT_WRITE instead: wait
 * for that direction on the socket and call again (with the same or more
 * bytes, for a write). No call leaves decrypted bytes behind unread as long
 * as the caller reads until it gets TLS_WANT_READ.
 *
 * With tlsa/ntlsa (ntlsa > 0) the session authenticates with DANE (RFC
 * 7672): the certificate must match a usable TLSA record. The handshake
 * itself never fails on trust: what the certificate proved is recorded by
 * tls_conn_status(), which also says whether the policy is met.
 */
#define TLS_WANT_READ	(-2)
#define TLS_WANT_WRITE	(-3)

struct tls_conn;
/* NULL with *cause on failure. host: SNI and the name to verify. */
struct tls_conn	*tls_conn_new(struct tls_ctx *, int fd, const char *host,
		    const struct tls_tlsa *, size_t ntlsa, char **cause);
/* Free (the socket is the caller's; no close_notify is sent). */
void		 tls_conn_free(struct tls_conn *);
/* 0 when the handshake is done, TLS_WANT_*, or -1 with *cause. */
int		 tls_conn_handshake(struct tls_conn *, char **cause);
/* Bytes read (> 0), 0 at end of stream, TLS_WANT_*, or -1 with *cause. */
long		 tls_conn_read(struct tls_conn *, void *, size_t, char **cause);
/* Bytes written (> 0, maybe fewer than len), TLS_WANT_*, -1 with *cause. */
long		 tls_conn_write(struct tls_conn *, const void *, size_t,
		    char **cause);
/* Send close_notify once, without waiting for anything. */
void		 tls_conn_close_notify(struct tls_conn *);
/*
 * After the handshake: fill st (version, cipher, bits, trust word, DANE
 * result, peer names, "POLICY:TRUST" summary). Returns 0 if the policy is
 * met, -1 with *cause ("TLS: certificate does not name mx.example.org",
 * "TLS: untrusted chain: self-signed certificate", "TLS: DANE: ...") if
 * verify or dane demands more than the certificate proved.
 */
int		 tls_conn_status(struct tls_conn *, enum tls_policy,
		    struct tls_status *, char **cause);

#endif
