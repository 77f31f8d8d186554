/*
 * tls_sink: a fast SMTP sink with STARTTLS, for herald's benchmarks (the
 * TLS counterpart of Postfix's smtp-sink, which has no STARTTLS).
 *
 *   tls_sink ADDR:PORT CERT KEY
 *
 * One thread, epoll, non-blocking sockets, OpenSSL; any number of
 * connections. Offers PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES and
 * STARTTLS (not again once in TLS); answers 220 to STARTTLS, 354 to DATA,
 * 221 to QUIT and 250 to everything else; discards the messages and counts
 * them. Replies to pipelined commands are sent together.
 *
 * Prints "ready" once listening. SIGUSR1 prints a counter line, SIGTERM
 * or SIGINT prints it and exits:
 *   messages N sessions N tls N bytes N
 * (messages: final "." seen; sessions: connections accepted; tls:
 * handshakes completed; bytes: message bytes received).
 *
 * Built by tests/bench/run with: cc -O2 tls_sink.c -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define LINE_MAX_LEN	4096
#define OUT_MAX		65536
#define READ_CHUNK	65536

enum cstate { S_CMD, S_DATA, S_HANDSHAKE, S_CLOSING };

struct conn {
	int		 fd;
	SSL		*ssl;
	enum cstate	 state;
	int		 tls;
	int		 match;		/* bytes of "\r\n.\r\n" matched */
	int		 want_out;	/* EPOLLOUT armed */
	size_t		 linelen;
	char		 line[LINE_MAX_LEN];
	size_t		 outlen, outoff;
	char		 out[OUT_MAX];
};

static volatile sig_atomic_t	 got_usr1, got_term;
static unsigned long long	 n_msgs, n_sessions, n_tls, n_bytes;
static SSL_CTX			*ctx;
static int			 ep;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

static void
report(void)
{
	printf("messages %llu sessions %llu tls %llu bytes %llu\n", n_msgs,
	    n_sessions, n_tls, n_bytes);
	fflush(stdout);
}

static void
conn_close(struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
}

static void
arm(struct conn *c, int out)
{
	struct epoll_event	ev;

	if (out == c->want_out)
		return;
	c->want_out = out;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
reply(struct conn *c, const char *s)
{
	size_t	len = strlen(s);

	if (c->outlen + len > OUT_MAX)
		return;		/* a client that never reads: drop */
	memcpy(c->out + c->outlen, s, len);
	c->outlen += len;
}

/* Write what is pending; -1 on a dead connection. */
static int
flush_out(struct conn *c)
{
	ssize_t	n;
	int	e;

	while (c->outoff < c->outlen) {
		if (c->ssl != NULL && c->tls) {
			n = SSL_write(c->ssl, c->out + c->outoff,
			    (int)(c->outlen - c->outoff));
			if (n <= 0) {
				e = SSL_get_error(c->ssl, (int)n);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ) {
					arm(c, 1);
					return 0;
				}
				return -1;
			}
		} else {
			n = write(c->fd, c->out + c->outoff,
			    c->outlen - c->outoff);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR) {
					arm(c, 1);
					return 0;
				}
				return -1;
			}
		}
		c->outoff += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	arm(c, 0);
	return c->state == S_CLOSING ? -1 : 0;
}

static int
cmd_is(const char *line, size_t len, const char *word)
{
	size_t	wl = strlen(word);

	return len >= wl && strncasecmp(line, word, wl) == 0 &&
	    (len == wl || line[wl] == ' ');
}

/* Start TLS on c; -1 on failure. */
static int
start_tls(struct conn *c)
{
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	c->state = S_HANDSHAKE;
	return 0;
}

/* One command line (without CRLF). Returns 1 when the rest of the input
 * must be dropped (STARTTLS). */
static int
command(struct conn *c, const char *line, size_t len)
{
	if (cmd_is(line, len, "EHLO")) {
		reply(c, "250-tls-sink\r\n250-PIPELINING\r\n250-SIZE 104857600"
		    "\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n");
		reply(c, c->tls ? "250 SMTPUTF8\r\n" :
		    "250-SMTPUTF8\r\n250 STARTTLS\r\n");
	} else if (cmd_is(line, len, "HELO"))
		reply(c, "250 tls-sink\r\n");
	else if (cmd_is(line, len, "DATA")) {
		reply(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
		c->state = S_DATA;
		c->match = 2;	/* as if just after a CRLF */
	} else if (cmd_is(line, len, "STARTTLS") && !c->tls) {
		reply(c, "220 2.0.0 Ready to start TLS\r\n");
		return 1;
	} else if (cmd_is(line, len, "QUIT")) {
		reply(c, "221 2.0.0 Bye\r\n");
		c->state = S_CLOSING;
	} else
		reply(c, "250 2.0.0 Ok\r\n");
	return 0;
}

/* Feed received bytes; 1 when STARTTLS was accepted. */
static int
feed(struct conn *c, const char *p, size_t len)
{
	static const char	end[] = "\r\n.\r\n";
	size_t			i;
	char			ch;

	for (i = 0; i < len && c->state != S_CLOSING; i++) {
		ch = p[i];
		if (c->state == S_DATA) {
			n_bytes++;
			if (ch == end[c->match])
				c->match++;
			else
				c->match = ch == '\r' ? 1 : 0;
			if (c->match == 5) {
				n_msgs++;
				reply(c, "250 2.0.0 Ok: queued\r\n");
				c->state = S_CMD;
				c->match = 0;
			}
			continue;
		}
		if (ch == '\n') {
			size_t l = c->linelen;

			if (l > 0 && c->line[l - 1] == '\r')
				l--;
			c->linelen = 0;
			if (command(c, c->line, l))
				return 1;
			continue;
		}
		if (c->linelen < LINE_MAX_LEN)
			c->line[c->linelen++] = ch;
		else {
			c->linelen = 0;
			reply(c, "500 5.5.0 Line too long\r\n");
		}
	}
	return 0;
}

/* Continue a handshake; -1 on failure. */
static int
handshake(struct conn *c)
{
	int	r = SSL_accept(c->ssl), e;

	if (r == 1) {
		c->state = S_CMD;
		c->tls = 1;
		n_tls++;
		arm(c, 0);
		return 0;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		arm(c, 0);
		return 0;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		arm(c, 1);
		return 0;
	}
	return -1;
}

/* Read and answer; -1 when the connection is finished. */
static int
readable(struct conn *c)
{
	static char	buf[READ_CHUNK];
	ssize_t		n;
	int		e;

	if (c->state == S_HANDSHAKE)
		return handshake(c);
	for (;;) {
		if (c->tls) {
			n = SSL_read(c->ssl, buf, sizeof buf);
			if (n <= 0) {
				e = SSL_get_error(c->ssl, (int)n);
				if (e == SSL_ERROR_WANT_READ)
					break;
				if (e == SSL_ERROR_WANT_WRITE) {
					arm(c, 1);
					break;
				}
				return -1;
			}
		} else {
			n = read(c->fd, buf, sizeof buf);
			if (n == 0)
				return -1;
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return -1;
			}
		}
		if (feed(c, buf, (size_t)n)) {
			/* STARTTLS: the 220 in plaintext, then the
			 * handshake; pipelined bytes after it are dropped. */
			if (flush_out(c) == -1 || start_tls(c) == -1)
				return -1;
			return handshake(c);
		}
		if (c->state == S_CLOSING)
			break;
	}
	return flush_out(c);
}

static void
accept_all(int lfd)
{
	struct epoll_event	 ev;
	struct conn		*c;
	int			 fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if ((c = calloc(1, sizeof *c)) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		n_sessions++;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
			close(fd);
			free(c);
			continue;
		}
		reply(c, "220 tls-sink ESMTP\r\n");
		if (flush_out(c) == -1)
			conn_close(c);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[256];
	struct sigaction	 sa;
	char			*colon;
	int			 lfd, one = 1, n, i;
	static int		 listener;	/* its address marks the listener */

	if (argc != 4 || (colon = strrchr(argv[1], ':')) == NULL) {
		fprintf(stderr, "usage: tls_sink ADDR:PORT CERT KEY\n");
		return 64;
	}
	*colon = '\0';
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(colon + 1));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "tls_sink: bad address %s\n", argv[1]);
		return 64;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(lfd, 1024) == -1) {
		perror("tls_sink: listen");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = &listener;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	printf("ready\n");
	fflush(stdout);

	while (!got_term) {
		if (got_usr1) {
			got_usr1 = 0;
			report();
		}
		n = epoll_wait(ep, evs, 256, 500);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (evs[i].data.ptr == &listener) {
				accept_all(lfd);
				continue;
			}
			if (evs[i].events & (EPOLLERR | EPOLLHUP) &&
			    !(evs[i].events & EPOLLIN)) {
				conn_close(c);
				continue;
			}
			if (c->state == S_HANDSHAKE) {
				if (handshake(c) == -1)
					conn_close(c);
				continue;
			}
			if ((evs[i].events & EPOLLOUT) && flush_out(c) == -1) {
				conn_close(c);
				continue;
			}
			if ((evs[i].events & (EPOLLIN | EPOLLOUT)) &&
			    readable(c) == -1)
				conn_close(c);
		}
	}
	report();
	return 0;
}
