/*
 * A client connection (conn.h): the non-blocking socket, the TLS
 * handshake and records (WANT_READ/WANT_WRITE turned into loop interest),
 * reading until nothing is left (so no decrypted byte waits in OpenSSL
 * while poll sleeps, the redis lesson), the output queue, the timer. What
 * is said on it and what the events mean is the protocol's (smtp.c).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/loop.h"
#include "conn.h"

#define CONN_CHUNK	16384		/* bytes read at a time */

enum conn_state {
	CONN_NEW,			/* conn_connect not called yet */
	CONN_CONNECTING,
	CONN_HANDSHAKE,
	CONN_OPEN,
	CONN_CLOSED,
};

struct conn {
	struct loop		*loop;
	int			 fd;
	enum conn_state		 state;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			 peer[64];
	char			 local[64];	/* our address, once up */
	conn_cb			 cb;
	void			*arg;
	char			 error[512];

	struct tls_conn		*tls;
	int			 tls_on;
	int			 hs_want;	/* handshake: LOOP_READ/WRITE */
	int			 read_wants_write;
	int			 write_wants_read;

	const char		*in;		/* the chunk in CONN_DATAIN */
	size_t			 inlen;

	struct buf		 out;
	size_t			 outoff;
	int			 out_secret;	/* wipe out once written */
	size_t			 lowat;
	int			 hold;

	struct loop_timer	*timer;
	uint64_t		 deadline;
	unsigned int		 timer_secs;
	int			 timer_on_write;
};

static void	conn_io(int, int, void *);
static void	conn_timeout(void *);
static void	conn_handshake(struct conn *);
static void	conn_read(struct conn *);

/* Tell the protocol. */
static void
conn_event(struct conn *c, enum conn_event ev)
{
	c->cb(c, ev, c->arg);
}

/* Record why, then tell the protocol. */
static void PRINTFLIKE(2, 3)
conn_fail(struct conn *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
	conn_event(c, CONN_ERROR);
}

/* The peer address as "ip:port" or "[ip6]:port". */
static void
conn_peer_text(char *out, size_t size, const struct sockaddr *sa)
{
	char	ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		snprintf(out, size, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		snprintf(out, size, "%s:%u", ip, ntohs(s4->sin_port));
	} else
		snprintf(out, size, "?");
}

/* Our end's address, without the port (TLS reports name it). */
static void
conn_local_text(struct conn *c)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	const void		*a;

	c->local[0] = '\0';
	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
	else if (ss.ss_family == AF_INET)
		a = &((const struct sockaddr_in *)&ss)->sin_addr;
	else
		return;
	inet_ntop(ss.ss_family, a, c->local, sizeof c->local);
}

/* A connection to sa, not made yet. */
struct conn *
conn_new(struct loop *loop, const struct sockaddr *sa, socklen_t salen,
    conn_cb cb, void *arg, char **cause)
{
	struct conn	*c;

	if (sa == NULL || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6) || salen > sizeof c->addr) {
		set_cause(cause, NT("not an IPv4 or IPv6 address"));
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->fd = -1;
	c->state = CONN_NEW;
	memcpy(&c->addr, sa, salen);
	c->addrlen = salen;
	c->cb = cb;
	c->arg = arg;
	buf_init(&c->out);
	conn_peer_text(c->peer, sizeof c->peer, sa);
	return c;
}

/* Make the socket and start connecting. */
int
conn_connect(struct conn *c, const struct sockaddr *source,
    socklen_t sourcelen, char **cause)
{
	int	one = 1;

	c->fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return set_cause(cause, "socket: %s", strerror(errno));
	/* Commands are whole writes already; Nagle would only delay "."
	 * behind a delayed ACK. */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (source != NULL && bind(c->fd, source, sourcelen) == -1)
		return set_cause(cause, NT("bind to the source address: %s"),
		    strerror(errno));
	if (loop_fd_add(c->loop, c->fd, LOOP_WRITE, conn_io, c) == -1)
		return set_cause(cause, "loop_fd_add: %s", strerror(errno));
	c->state = CONN_CONNECTING;
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) == -1 &&
	    errno != EINPROGRESS) {
		/* Reported now, like any later failure. */
		conn_fail(c, NT("connect to %s: %s"), c->peer, strerror(errno));
	}
	return 0;
}

/* Start a TLS handshake and take its first step. */
int
conn_start_tls(struct conn *c, struct tls_ctx *ctx, const char *host,
    const struct tls_tlsa *tlsa, size_t ntlsa, char **cause)
{
	if ((c->tls = tls_conn_new(ctx, c->fd, host, tlsa, ntlsa,
	    cause)) == NULL)
		return -1;
	c->state = CONN_HANDSHAKE;
	c->hs_want = LOOP_WRITE;
	conn_handshake(c);
	return 0;
}

/* Empty the output queue, wiping it if it held credentials. */
static void
conn_out_reset(struct conn *c)
{
	if (c->out_secret && c->out.data != NULL)
		explicit_bzero(c->out.data, c->out.cap);
	c->out_secret = 0;
	buf_reset(&c->out);
	c->outoff = 0;
}

/* Move unsent output to the front of the queue. */
static void
conn_out_compact(struct conn *c)
{
	size_t	left = c->out.len - c->outoff;

	if (c->outoff == 0)
		return;
	if (left == 0) {
		conn_out_reset(c);
		return;
	}
	memmove(c->out.data, c->out.data + c->outoff, left);
	if (c->out_secret)
		explicit_bzero(c->out.data + left, c->out.len - left);
	c->out.len = left;
	c->out.data[left] = '\0';
	c->outoff = 0;
}

/* Close now. */
void
conn_close(struct conn *c, int notify)
{
	conn_timer_stop(c);
	if (c->fd != -1) {
		if (c->state != CONN_NEW)
			loop_fd_del(c->loop, c->fd);
		if (c->tls != NULL && notify)
			tls_conn_close_notify(c->tls);
		close(c->fd);
		c->fd = -1;
	}
	tls_conn_free(c->tls);
	c->tls = NULL;
	c->tls_on = 0;
	conn_out_reset(c);
	c->lowat = 0;
	c->state = CONN_CLOSED;
}

/* Free a connection. */
void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	conn_close(c, 0);
	buf_free(&c->out);
	free(c);
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

const char *
conn_local(const struct conn *c)
{
	return c->local;
}

const char *
conn_error(const struct conn *c)
{
	return c->error;
}

const char *
conn_input(const struct conn *c, size_t *len)
{
	*len = c->inlen;
	return c->in;
}

struct tls_conn *
conn_tls(const struct conn *c)
{
	return c->tls_on ? c->tls : NULL;
}

/* Queue bytes. */
void
conn_write(struct conn *c, const void *data, size_t len)
{
	buf_add(&c->out, data, len);
}

struct buf *
conn_out(struct conn *c)
{
	return &c->out;
}

size_t
conn_pending(const struct conn *c)
{
	return c->out.len - c->outoff;
}

/* Room for credentials now, and a wipe once they are written. */
struct buf *
conn_out_secret(struct conn *c, size_t len)
{
	conn_out_compact(c);
	buf_grow(&c->out, len);
	c->out_secret = 1;
	return &c->out;
}

void
conn_set_lowat(struct conn *c, size_t lowat)
{
	c->lowat = lowat;
}

void
conn_hold(struct conn *c, int hold)
{
	c->hold = hold;
}

/* Arm the timer for secs seconds from now. */
void
conn_timer_arm(struct conn *c, unsigned int secs, int on_write)
{
	uint64_t	ms = (uint64_t)secs * 1000;

	if (c->timer != NULL)
		loop_timer_del(c->loop, c->timer);
	c->deadline = loop_now(c->loop) + ms;
	c->timer_secs = secs;
	c->timer_on_write = on_write;
	c->timer = loop_timer_add(c->loop, ms, conn_timeout, c);
}

/* Stop the timer. */
void
conn_timer_stop(struct conn *c)
{
	if (c->timer != NULL)
		loop_timer_del(c->loop, c->timer);
	c->timer = NULL;
	c->timer_on_write = 0;
}

/* The timer fired: on, if writes pushed the deadline; else tell. */
static void
conn_timeout(void *arg)
{
	struct conn	*c = arg;
	uint64_t	 now = loop_now(c->loop);

	c->timer = NULL;
	if (now < c->deadline) {
		c->timer = loop_timer_add(c->loop, c->deadline - now,
		    conn_timeout, c);
		return;
	}
	conn_event(c, CONN_TIMEOUT);
}

/* Set what the descriptor waits for. */
void
conn_update(struct conn *c)
{
	int	ev;

	if (c->fd == -1)
		return;
	switch (c->state) {
	case CONN_CONNECTING:
		ev = LOOP_WRITE;
		break;
	case CONN_HANDSHAKE:
		ev = c->hs_want;
		break;
	case CONN_OPEN:
		ev = LOOP_READ;
		if ((c->out.len > c->outoff && !c->write_wants_read) ||
		    c->read_wants_write || c->lowat > 0)
			ev |= LOOP_WRITE;
		break;
	default:
		return;
	}
	loop_fd_set(c->loop, c->fd, ev);
}

/* The connection is up (or failed). */
static void
conn_connected(struct conn *c)
{
	int		err = 0;
	socklen_t	len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		conn_fail(c, NT("connect to %s: %s"), c->peer, strerror(err));
		return;
	}
	c->state = CONN_OPEN;
	conn_local_text(c);
	conn_event(c, CONN_CONNECTED);
}

/* Continue the handshake; once done, read what may already be there. */
static void
conn_handshake(struct conn *c)
{
	char	*cause = NULL;
	int	 rv;

	rv = tls_conn_handshake(c->tls, &cause);
	if (rv == TLS_WANT_READ || rv == TLS_WANT_WRITE) {
		c->hs_want = rv == TLS_WANT_READ ? LOOP_READ : LOOP_WRITE;
		return;
	}
	if (rv == -1) {
		conn_fail(c, "%s", cause);
		free(cause);
		return;
	}
	c->tls_on = 1;
	c->state = CONN_OPEN;
	conn_event(c, CONN_TLSREADY);
	/* Bytes may already be decrypted and waiting. */
	conn_read(c);
}

/* Read until the socket (and OpenSSL) has nothing more. */
static void
conn_read(struct conn *c)
{
	char	 buf[CONN_CHUNK];
	char	*cause = NULL, why[256];
	long	 n;

	c->read_wants_write = 0;
	/* Stop as soon as a handshake starts: its bytes are OpenSSL's. */
	while (c->fd != -1 && c->state == CONN_OPEN) {
		if (c->tls_on) {
			n = tls_conn_read(c->tls, buf, sizeof buf, &cause);
			if (n == TLS_WANT_READ)
				break;
			if (n == TLS_WANT_WRITE) {
				c->read_wants_write = 1;
				break;
			}
		} else {
			n = recv(c->fd, buf, sizeof buf, 0);
			if (n == -1 && (errno == EAGAIN || errno == EINTR ||
			    errno == EWOULDBLOCK)) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (n == -1)
				cause = xprintf("read: %s", strerror(errno));
		}
		if (n == 0) {
			conn_event(c, CONN_DISCONNECTED);
			break;
		}
		if (n < 0) {
			snprintf(why, sizeof why, "%s", cause);
			free(cause);
			conn_fail(c, "%s", why);
			break;
		}
		c->in = buf;
		c->inlen = (size_t)n;
		conn_event(c, CONN_DATAIN);
		c->in = NULL;
		c->inlen = 0;
	}
}

/* Write what is queued, asking for more below the low-water mark, until
 * the socket would block. */
static void
conn_write_out(struct conn *c)
{
	char	*cause = NULL, why[256];
	size_t	 left;
	long	 n;
	int	 wrote = 0;

	c->write_wants_read = 0;
	while (c->fd != -1 && c->state == CONN_OPEN) {
		if (c->lowat > 0 && !c->hold &&
		    c->out.len - c->outoff < c->lowat) {
			conn_out_compact(c);
			conn_event(c, CONN_LOWAT);
			if (c->fd == -1 || c->state != CONN_OPEN)
				break;
		}
		left = c->out.len - c->outoff;
		if (left == 0) {
			conn_out_reset(c);
			if (wrote)
				conn_event(c, CONN_DRAINED);
			break;
		}
		if (c->tls_on) {
			n = tls_conn_write(c->tls, c->out.data + c->outoff,
			    left, &cause);
			if (n == TLS_WANT_WRITE)
				break;
			if (n == TLS_WANT_READ) {
				c->write_wants_read = 1;
				break;
			}
		} else {
			n = send(c->fd, c->out.data + c->outoff, left,
			    MSG_NOSIGNAL);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				break;
			if (n == -1)
				cause = xprintf("write: %s", strerror(errno));
		}
		if (n <= 0) {
			snprintf(why, sizeof why, "%s",
			    cause != NULL ? cause : NT("write failed"));
			free(cause);
			conn_fail(c, "%s", why);
			return;
		}
		c->outoff += (size_t)n;
		wrote = 1;
		if (c->timer_on_write)
			c->deadline = loop_now(c->loop) +
			    (uint64_t)c->timer_secs * 1000;
	}
}

/* Write now, then wait for what comes next. */
void
conn_flush(struct conn *c)
{
	conn_write_out(c);
	conn_update(c);
}

/* Descriptor events. */
static void
conn_io(int fd, int events, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	/* The loop calls us at most once a turn: whatever was held for the
	 * next turn may go. */
	c->hold = 0;
	switch (c->state) {
	case CONN_CONNECTING:
		conn_connected(c);
		break;
	case CONN_HANDSHAKE:
		conn_handshake(c);
		break;
	case CONN_OPEN:
		if ((events & LOOP_READ) || c->read_wants_write)
			conn_read(c);
		break;
	default:
		return;
	}
	conn_flush(c);
}
