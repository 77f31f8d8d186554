/*
 * A client connection below any protocol, after OpenSMTPD's ioev: a
 * non-blocking TCP socket, TLS on it at once or later (tls.h), an output
 * buffer, one timer, and events for the protocol above through the one
 * callback it was given. It knows nothing of what is said on it; smtp.c
 * drives it. Uses base/ (loop, buffers) and tls.h only.
 *
 * Reading: every descriptor event reads until the socket (and OpenSSL)
 * has nothing more, so no decrypted byte waits in OpenSSL while poll
 * sleeps; each chunk is one CONN_DATAIN. Reading stops as soon as a TLS
 * handshake starts (its bytes are OpenSSL's) or the connection closes.
 *
 * Writing: conn_write queues; the queue is written when the socket takes
 * it. With a low-water mark set, the connection also waits for the socket
 * to take more while nothing is queued, and asks the protocol for more
 * (CONN_LOWAT) whenever fewer bytes than the mark are queued; conn_hold
 * keeps that request back until the loop's next turn.
 *
 * The callback may call any function here on its own connection but
 * conn_free, which the owner calls from outside a callback (from a timer
 * of its own, say) once it is done with it.
 */
#ifndef HERALD_SMTP_CONN_H
#define HERALD_SMTP_CONN_H

#include <sys/socket.h>

#include <stddef.h>

#include "base/util.h"
#include "tls.h"

struct loop;
struct conn;

enum conn_event {
	CONN_CONNECTED,		/* the TCP connection is up */
	CONN_TLSREADY,		/* the handshake is done: conn_tls() */
	CONN_DATAIN,		/* bytes came: conn_input() */
	CONN_LOWAT,		/* fewer bytes queued than the low-water
				 * mark: add more to conn_out() */
	CONN_DRAINED,		/* a write emptied the queue */
	CONN_TIMEOUT,		/* the timer's deadline passed */
	CONN_DISCONNECTED,	/* the peer closed the connection */
	CONN_ERROR,		/* connecting, the handshake, a read or a
				 * write failed: conn_error() says why */
};

typedef void (*conn_cb)(struct conn *, enum conn_event, void *arg);

/* A connection to addr, not yet made; NULL with *cause unless addr is
 * IPv4 or IPv6. */
struct conn	*conn_new(struct loop *, const struct sockaddr *, socklen_t,
		    conn_cb, void *arg, char **cause);
/*
 * Make the socket (bound to source if not NULL) and start connecting.
 * -1 with *cause if the socket cannot even be made; a connect refused at
 * once is a CONN_ERROR before this returns, any later failure one from
 * the loop.
 */
int		 conn_connect(struct conn *, const struct sockaddr *source,
		    socklen_t, char **cause);
/*
 * Start a TLS handshake on the connection and take its first step: host
 * is the SNI and the name to verify, tlsa the DANE records (tls.h). -1
 * with *cause if the TLS connection cannot be made; the handshake's end
 * is CONN_TLSREADY or CONN_ERROR (maybe before this returns).
 */
int		 conn_start_tls(struct conn *, struct tls_ctx *,
		    const char *host, const struct tls_tlsa *, size_t ntlsa,
		    char **cause);
/* Close now: no more I/O, no more events, the timer stopped. With
 * notify, a TLS connection sends its close_notify first. */
void		 conn_close(struct conn *, int notify);
/* Free a connection (closed or not); NULL is fine. */
void		 conn_free(struct conn *);

/* The peer's address as "ip:port" or "[ip6]:port". */
const char	*conn_peer(const struct conn *);
/* Our address once connected ("" before). */
const char	*conn_local(const struct conn *);
/* Why the last CONN_ERROR came. */
const char	*conn_error(const struct conn *);
/* In CONN_DATAIN: the bytes read, valid until the callback returns. */
const char	*conn_input(const struct conn *, size_t *len);
/* The TLS connection once its handshake is done, else NULL. */
struct tls_conn	*conn_tls(const struct conn *);

/* Queue bytes to write. */
void		 conn_write(struct conn *, const void *, size_t);
/* The queue, to add to in CONN_LOWAT (unwritten bytes first, moved to
 * its start). */
struct buf	*conn_out(struct conn *);
/* Bytes queued and not yet written. */
size_t		 conn_pending(const struct conn *);
/*
 * The queue for credentials: room for len more bytes made now (a later
 * realloc would leave a copy behind), and the queue wiped once written.
 */
struct buf	*conn_out_secret(struct conn *, size_t len);
/* The low-water mark in bytes; 0 (the default): no CONN_LOWAT. */
void		 conn_set_lowat(struct conn *, size_t);
/*
 * hold: no CONN_LOWAT before the loop's next turn (the connection's next
 * descriptor event; the loop calls it at most once a turn), so that the
 * loop's before-sleep hook runs first. 0: let it come now.
 */
void		 conn_hold(struct conn *, int);
/* Write what is queued until the socket would block, then conn_update. */
void		 conn_flush(struct conn *);
/* Wait for what the connection needs next: connected, the handshake's
 * direction, input, room for output. */
void		 conn_update(struct conn *);

/* CONN_TIMEOUT secs from now (replacing the last timer). With on_write,
 * each write pushes the deadline on to secs from then. */
void		 conn_timer_arm(struct conn *, unsigned int secs, int on_write);
void		 conn_timer_stop(struct conn *);

#endif
