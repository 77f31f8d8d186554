/*
 * herald serve: a small HTTP/1.1 listener for the unsubscribe URL. One
 * process, one thread, non-blocking sockets in a poll loop: a slow client
 * holds a slot, never the server. Each connection carries one request
 * (Connection: close): read the head (at most WEB_HEAD_MAX, in
 * --timeout seconds), then the body (at most WEB_BODY_MAX, in --timeout
 * more), answer through web_handle, write, and close after reading what
 * the client may still send (so that a refusal sent before its body was
 * read is not lost to a TCP reset). Beyond max_conns, a few more
 * connections are taken only to be told 503; past those, they are closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/i18n.h"
#include "web.h"

#define WEB_OVERFLOW	16	/* connections taken only to be told 503 */
#define WEB_FD_MARGIN	16	/* descriptors kept for all but connections */
#define WEB_DRAIN_MS	2000	/* reading what follows a reply, at most */
#define WEB_DRAIN_MAX	(64 * 1024)

enum conn_state { C_FREE, C_TLS, C_HEAD, C_BODY, C_WRITE, C_DRAIN };

struct web_conn {
	enum conn_state		 st;
	int			 fd;
	SSL			*ssl;
	int			 reject;	/* to be told 503 */
	int			 want_write;	/* TLS wants POLLOUT */
	long long		 deadline;	/* ms, CLOCK_MONOTONIC */
	char			 in[WEB_HEAD_MAX + WEB_BODY_MAX];
	size_t			 inlen, head_len, need, drained;
	struct http_request	 req;
	int			 have_req;
	struct buf		 out;
	size_t			 off;
	char			 peer[INET6_ADDRSTRLEN];
};

struct web_server {
	int			 fd;
	SSL_CTX			*ctx;
	char			 addr[INET6_ADDRSTRLEN + 8];
	char			*path;
	int			 timeout, max_conns, nslots;
	int			 paused;	/* accept: no descriptor */
	struct web_conn		*c;
	struct store		*st;
};

static volatile sig_atomic_t web_stop;

static void
web_on_signal(int sig)
{
	(void)sig;
	web_stop = 1;
}

static long long
web_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* OpenSSL's last error, for a cause. */
static const char *
web_ssl_error(void)
{
	static char	s[256];
	unsigned long	e = ERR_get_error();

	if (e == 0)
		return "unknown TLS error";
	ERR_error_string_n(e, s, sizeof s);
	ERR_clear_error();
	return s;
}

/* Split "ADDR:PORT" or "[ADDR]:PORT". 0, or -1 with *cause. */
static int
web_split(const char *listen, char *host, size_t hsz, char *port,
    size_t psz, char **cause)
{
	const char	*colon, *h = listen, *he;

	if (*listen == '[') {
		h = listen + 1;
		if ((he = strchr(h, ']')) == NULL || he[1] != ':')
			goto bad;
		colon = he + 1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			goto bad;
		he = colon;
	}
	if (he == h || (size_t)(he - h) >= hsz || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= psz || strspn(colon + 1, "0123456789") !=
	    strlen(colon + 1))
		goto bad;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	strcpy(port, colon + 1);
	return 0;
bad:
	return set_cause(cause, _("--listen '%s': expected ADDR:PORT, as "
	    "127.0.0.1:8080 or [::1]:8080"), listen);
}

/*
 * --max-conns as the descriptor limit allows: each connection is a
 * descriptor, and past the limit accept fails while the listener stays
 * readable. The soft limit is raised to the hard one first; what is left
 * after the overflow slots and WEB_FD_MARGIN (the standard ones, the
 * listener, the pid file, the database and its journal) caps it, said
 * once on standard error (the log, once detached).
 */
static int
web_fd_cap(int want)
{
	struct rlimit	 rl;
	long long	 room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return want;
	room = (long long)rl.rlim_cur - WEB_OVERFLOW - WEB_FD_MARGIN;
	if (room >= want)
		return want;
	if (room < 1)
		room = 1;
	fprintf(stderr, _("herald serve: --max-conns %d lowered to %lld: the "
	    "limit of open files is %llu\n"), want, room,
	    (unsigned long long)rl.rlim_cur);
	return (int)room;
}

/* Bind and load the certificate (see web.h). */
struct web_server *
web_server_new(const struct web_serve_opts *o, char **cause)
{
	struct web_server	*s;
	struct addrinfo		 hints, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[256], port[8], h[INET6_ADDRSTRLEN];
	int			 on = 1, e;

	if (web_split(o->listen, host, sizeof host, port, sizeof port,
	    cause) == -1)
		return NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
		set_cause(cause, _("--listen '%s': %s (an IP address is "
		    "expected)"), o->listen, gai_strerror(e));
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->fd = -1;
	s->path = xstrdup(o->path);
	s->timeout = o->timeout;
	s->max_conns = web_fd_cap(o->max_conns);
	s->nslots = s->max_conns + WEB_OVERFLOW;
	s->c = xcalloc((size_t)s->nslots, sizeof *s->c);
	if ((s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ==
	    -1 || bind(s->fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(s->fd, 128) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &sl) == -1) {
		set_cause(cause, _("cannot listen on %s: %s"), o->listen,
		    strerror(errno));
		goto fail;
	}
	freeaddrinfo(ai);
	ai = NULL;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    h, sizeof h);
		snprintf(s->addr, sizeof s->addr, "[%s]:%u", h,
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    h, sizeof h);
		snprintf(s->addr, sizeof s->addr, "%s:%u", h,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
	if (o->cert != NULL) {
		if ((s->ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
		    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) !=
		    1) {
			set_cause(cause, "TLS: %s", web_ssl_error());
			goto fail;
		}
		if (SSL_CTX_use_certificate_chain_file(s->ctx, o->cert) != 1) {
			set_cause(cause, _("--tls-cert %s: %s"), o->cert,
			    web_ssl_error());
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(s->ctx, o->key,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(s->ctx) != 1) {
			set_cause(cause, _("--tls-key %s: %s"), o->key,
			    web_ssl_error());
			goto fail;
		}
		SSL_CTX_set_mode(s->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	}
	return s;
fail:
	if (ai != NULL)
		freeaddrinfo(ai);
	web_server_free(s);
	return NULL;
}

const char *
web_server_addr(const struct web_server *s)
{
	return s->addr;
}

/* Close a connection and free its slot. */
static void
web_close(struct web_conn *c)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->fd != -1)
		close(c->fd);
	if (c->have_req)
		http_request_free(&c->req);
	buf_free(&c->out);
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->st = C_FREE;
}

void
web_server_free(struct web_server *s)
{
	int	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nslots; i++)
		if (s->c[i].st != C_FREE)
			web_close(&s->c[i]);
	if (s->fd != -1)
		close(s->fd);
	SSL_CTX_free(s->ctx);
	free(s->c);
	free(s->path);
	free(s);
}

/* Read: >0 bytes, 0 end, -1 not now, -2 failed. */
static ssize_t
web_read(struct web_conn *c, void *p, size_t n)
{
	ssize_t	k;
	int	e;

	c->want_write = 0;
	if (c->ssl == NULL) {
		k = recv(c->fd, p, n, 0);
		if (k == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? -1 : -2;
		return k;
	}
	if ((k = SSL_read(c->ssl, p, (int)n)) > 0)
		return k;
	e = SSL_get_error(c->ssl, (int)k);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ)
		return -1;
	if (e == SSL_ERROR_WANT_WRITE) {
		c->want_write = 1;
		return -1;
	}
	return e == SSL_ERROR_ZERO_RETURN ? 0 : -2;
}

/* Write: >0 bytes, -1 not now, -2 failed. */
static ssize_t
web_write(struct web_conn *c, const void *p, size_t n)
{
	ssize_t	k;
	int	e;

	c->want_write = 1;
	if (c->ssl == NULL) {
		k = send(c->fd, p, n, MSG_NOSIGNAL);
		if (k == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? -1 : -2;
		return k;
	}
	if ((k = SSL_write(c->ssl, p, (int)n)) > 0)
		return k;
	e = SSL_get_error(c->ssl, (int)k);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ) {
		c->want_write = 0;
		return -1;
	}
	return e == SSL_ERROR_WANT_WRITE ? -1 : -2;
}

/* One line per request: when, who, what, and the token only begun. */
static void
web_log(const struct web_conn *c, const char *method, const char *path,
    int tokpath, const struct web_reply *r)
{
	char		 when[32];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s \"%s %s%s\" %d %zu%s%s %s\n", when, c->peer,
	    method, path, tokpath ? "/..." : "", r->status,
	    r->head ? (size_t)0 : r->body.len, *r->token != '\0' ?
	    " token=" : "", r->token, r->what);
	fflush(stderr);
}

/* Queue a reply and go on to write it. */
static void
web_send(struct web_server *s, struct web_conn *c, struct web_reply *r)
{
	buf_reset(&c->out);
	web_reply_write(r, 0, &c->out);
	c->off = 0;
	c->st = C_WRITE;
	c->deadline = web_now() + (long long)s->timeout * 1000;
}

/*
 * Whether a request path is the unsubscribe path, or that path and /TOKEN
 * (then *tokpath is set): the log names only the configured path, never
 * a token.
 */
static int
web_ours(const struct web_server *s, const char *p, int *tokpath)
{
	size_t	n = strlen(s->path);
	int	ours;

	ours = strncmp(p, s->path, n) == 0 && (p[n] == '\0' ||
	    (p[n] == '/' && strchr(p + n + 1, '/') == NULL));
	*tokpath = ours && p[n] == '/';
	return ours;
}

/* Refuse with an error status (before or without a parsed request). */
static void
web_refuse(struct web_server *s, struct web_conn *c, int status,
    const char *what)
{
	struct web_reply	r;
	int			tokpath = 0, ours;

	web_error(status, c->have_req ? c->req.accept_language : NULL, &r);
	r.what = what;
	ours = c->have_req && web_ours(s, c->req.path, &tokpath);
	web_log(c, c->have_req ? c->req.method : "-", ours ? s->path : "-",
	    tokpath, &r);
	web_send(s, c, &r);
	web_reply_free(&r);
}

/* The request is in: answer it. */
static void
web_dispatch(struct web_server *s, struct web_conn *c)
{
	struct web_in		 in;
	struct web_reply	 r;
	const char		*p = c->req.path;
	int			 ours, tokpath = 0;

	memset(&in, 0, sizeof in);
	ours = web_ours(s, p, &tokpath);
	if (tokpath)
		in.path_token = p + strlen(s->path) + 1;
	in.method = c->req.method;
	in.query = c->req.query;
	in.content_type = c->req.content_type;
	in.accept_language = c->req.accept_language;
	in.content_length = c->req.content_length;
	in.body = c->in + c->head_len;
	in.body_len = c->req.content_length > 0 &&
	    c->req.content_length <= WEB_BODY_MAX ?
	    (size_t)c->req.content_length : 0;
	if (!ours) {
		web_error(404, in.accept_language, &r);
		r.what = NT("not the unsubscribe path");
		r.head = strcmp(in.method, "HEAD") == 0;
	} else
		web_handle(s->st, &in, &r);
	web_log(c, in.method, ours ? s->path : "-", tokpath, &r);
	web_send(s, c, &r);
	web_reply_free(&r);
}

/* Take what a connection is ready for, as far as it goes now. */
static void
web_step(struct web_server *s, struct web_conn *c)
{
	char		 scratch[4096];
	ssize_t		 k;
	int		 rc, e;
	long long	 cl;

	for (;;) {
		switch (c->st) {
		case C_FREE:
			return;
		case C_TLS:
			if ((rc = SSL_accept(c->ssl)) == 1) {
				c->st = C_HEAD;
				if (c->reject)
					web_refuse(s, c, 503, "busy");
				continue;
			}
			e = SSL_get_error(c->ssl, rc);
			ERR_clear_error();
			if (e == SSL_ERROR_WANT_READ || e ==
			    SSL_ERROR_WANT_WRITE) {
				c->want_write = e == SSL_ERROR_WANT_WRITE;
				return;
			}
			web_close(c);	/* no TLS, no reply */
			return;
		case C_HEAD:
		case C_BODY:
			k = web_read(c, c->in + c->inlen, c->st == C_BODY ?
			    c->need - c->inlen : sizeof c->in - c->inlen);
			if (k == -1)
				return;
			if (k <= 0) {
				web_close(c);	/* gone before asking */
				return;
			}
			c->inlen += (size_t)k;
			if (c->st == C_HEAD) {
				rc = http_parse_head(c->in, c->inlen, &c->req);
				if (rc == 0)
					continue;
				if (rc < 0) {
					web_refuse(s, c, -rc, rc == -431 ?
					    NT("head too large") : "malformed");
					continue;
				}
				c->have_req = 1;
				c->head_len = (size_t)rc;
				cl = c->req.content_length;
				if (cl > WEB_BODY_MAX) {
					web_dispatch(s, c);	/* 413 */
					continue;
				}
				c->need = c->head_len + (size_t)(cl > 0 ?
				    cl : 0);
				c->st = C_BODY;
				c->deadline = web_now() +
				    (long long)s->timeout * 1000;
			}
			if (c->inlen >= c->need)
				web_dispatch(s, c);
			continue;
		case C_WRITE:
			if (c->off == c->out.len) {
				/* All said: no more from us; read what the
				 * client still sends, then close. */
				if (c->ssl != NULL)
					SSL_shutdown(c->ssl);
				shutdown(c->fd, SHUT_WR);
				c->st = C_DRAIN;
				c->want_write = 0;
				c->deadline = web_now() + WEB_DRAIN_MS;
				continue;
			}
			k = web_write(c, c->out.data + c->off,
			    c->out.len - c->off);
			if (k == -1)
				return;
			if (k < 0) {
				web_close(c);
				return;
			}
			c->off += (size_t)k;
			continue;
		case C_DRAIN:
			/* Below TLS: its records are discarded unread. */
			k = recv(c->fd, scratch, sizeof scratch, 0);
			if (k == -1 && (errno == EAGAIN || errno == EINTR))
				return;
			c->drained += k > 0 ? (size_t)k : 0;
			if (k <= 0 || c->drained > WEB_DRAIN_MAX) {
				web_close(c);
				return;
			}
			continue;
		}
	}
}

/* Take the connections waiting on the listener. */
static void
web_accept(struct web_server *s)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct web_conn		*c;
	int			 fd, i, busy, slot;

	for (;;) {
		sl = sizeof ss;
		fd = accept4(s->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			/* Out of descriptors: the listener stays readable,
			 * so stop polling it until a connection closes. */
			if (errno == EMFILE || errno == ENFILE)
				s->paused = 1;
			return;		/* none left (or the client left) */
		}
		for (i = 0, busy = 0, slot = -1; i < s->nslots; i++) {
			if (s->c[i].st == C_FREE) {
				if (slot == -1)
					slot = i;
			} else if (!s->c[i].reject)
				busy++;
		}
		if (slot == -1) {
			close(fd);	/* past even the overflow */
			continue;
		}
		c = &s->c[slot];
		memset(c, 0, sizeof *c);
		c->fd = fd;
		buf_init(&c->out);
		c->reject = busy >= s->max_conns;
		c->deadline = web_now() + (long long)s->timeout * 1000;
		if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->
			    sin6_addr, c->peer, sizeof c->peer);
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->
			    sin_addr, c->peer, sizeof c->peer);
		if (s->ctx != NULL) {
			if ((c->ssl = SSL_new(s->ctx)) == NULL ||
			    SSL_set_fd(c->ssl, fd) != 1) {
				ERR_clear_error();
				web_close(c);
				continue;
			}
			SSL_set_accept_state(c->ssl);
			c->st = C_TLS;
		} else {
			c->st = C_HEAD;
			if (c->reject)
				web_refuse(s, c, 503, "busy");
		}
		web_step(s, c);
	}
}

/* Serve until a signal (see web.h). */
int
web_server_run(struct web_server *s, struct store *st, char **cause)
{
	struct pollfd		*pf;
	struct sigaction	 sa;
	sigset_t		 block, old;
	struct timespec		 ts;
	struct web_conn		*c;
	long long		 now, next;
	int			 i, n, *slot;

	s->st = st;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = web_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The signals arrive only inside ppoll: no stop is missed between
	 * the check and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	pf = xcalloc((size_t)s->nslots + 1, sizeof *pf);
	slot = xcalloc((size_t)s->nslots + 1, sizeof *slot);
	while (!web_stop) {
		now = web_now();
		next = -1;
		for (i = 0; i < s->nslots; i++) {
			c = &s->c[i];
			if (c->st == C_FREE)
				continue;
			if (c->deadline <= now) {
				if (c->st == C_HEAD || c->st == C_BODY)
					web_refuse(s, c, 408, c->inlen > 0 ?
					    "timeout" : NT("timeout, nothing sent"));
				else
					web_close(c);
				web_step(s, c);
				if (c->st == C_FREE)
					continue;
			}
			if (next == -1 || c->deadline < next)
				next = c->deadline;
		}
		/* Paused: retried once a second even if nothing closes
		 * (the descriptors may be held elsewhere). */
		if (s->paused && (next == -1 || next > now + 1000))
			next = now + 1000;
		pf[0].fd = s->paused ? -1 : s->fd;
		pf[0].events = POLLIN;
		pf[0].revents = 0;
		for (i = 0, n = 1; i < s->nslots; i++) {
			c = &s->c[i];
			if (c->st == C_FREE)
				continue;
			pf[n].fd = c->fd;
			pf[n].events = (c->st == C_WRITE && c->ssl == NULL) ||
			    c->want_write ? POLLOUT : POLLIN;
			pf[n].revents = 0;
			slot[n++] = i;
		}
		if (next != -1) {
			next = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(next / 1000);
			ts.tv_nsec = (long)(next % 1000) * 1000000;
		}
		if (ppoll(pf, (nfds_t)n, next != -1 ? &ts : NULL, &old) ==
		    -1) {
			if (errno == EINTR)
				continue;
			set_cause(cause, "poll: %s", strerror(errno));
			free(pf);
			free(slot);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
		for (i = 1; i < n; i++)
			if (pf[i].revents != 0)
				web_step(s, &s->c[slot[i]]);
		if (s->paused) {
			/* A slot closed, or a second went by: try again. */
			for (i = 1; i < n; i++)
				if (s->c[slot[i]].st == C_FREE)
					break;
			if (i < n || web_now() >= now + 1000) {
				s->paused = 0;
				web_accept(s);
			}
		} else if (pf[0].revents & POLLIN)
			web_accept(s);
	}
	free(pf);
	free(slot);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/*
 * Close every descriptor but 0, 1, 2 and the three given: what the
 * caller inherited (a terminal, a database, a pipe) must not stay open for
 * the server's whole life.
 */
static void
web_close_others(int a, int b, int c)
{
	struct rlimit	 rl;
	int		 keep[3] = { a, b, c }, t, i, j, lo;
	long		 fd, max;

	/* In order, so the gaps between them can be closed. */
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	lo = 3;
	for (i = 0; i <= 3; i++) {
		if (i < 3 && keep[i] < lo)
			continue;
		if (i < 3 && keep[i] == lo) {
			lo++;
			continue;
		}
		if (close_range((unsigned int)lo, i < 3 ?
		    (unsigned int)keep[i] - 1 : ~0U, 0) == -1) {
			/* A kernel without close_range: one by one. */
			max = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
			    rl.rlim_cur != RLIM_INFINITY ?
			    (long)rl.rlim_cur : 65536;
			for (fd = lo; fd < (i < 3 ? keep[i] : max); fd++)
				close((int)fd);
		}
		if (i < 3)
			lo = keep[i] + 1;
	}
}

/* Detach and take the pid file (see web.h). */
int
web_detach(const struct web_server *s, const char *pid_path,
    const char *log_path, int *ready, char **msg, char **cause)
{
	struct flock	 fl;
	char		 line[512];
	int		 p[2], logfd, nullfd, pidfd, status;
	pid_t		 child;
	size_t		 len = 0;
	ssize_t		 k;

	*ready = -1;
	*msg = NULL;
	if ((logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return set_cause(cause, "%s: %s", log_path, strerror(errno));
	if ((pidfd = open(pid_path, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) == -1) {
		close(logfd);
		return set_cause(cause, "%s: %s", pid_path, strerror(errno));
	}
	if ((nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1) {
		close(logfd);
		close(pidfd);
		if (nullfd != -1)
			close(nullfd);
		return set_cause(cause, _("cannot detach: %s"), strerror(errno));
	}
	fflush(NULL);
	if ((child = fork()) == -1) {
		set_cause(cause, "fork: %s", strerror(errno));
		goto fail;
	}
	if (child == 0) {
		/* A session of its own, then a grandchild, which can never
		 * get a terminal and is nobody's child here. */
		setsid();
		signal(SIGHUP, SIG_IGN);
		if ((child = fork()) != 0)
			_exit(child == -1 ? 1 : 0);
		close(p[0]);
		dup2(nullfd, STDIN_FILENO);
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close(nullfd);
		close(logfd);
		web_close_others(s->fd, pidfd, p[1]);
		if (chdir("/") == -1) {
			dprintf(p[1], NT("error: chdir /: %s\n"), strerror(errno));
			_exit(1);
		}
		/* The lock is the process's: it goes when the server goes. */
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(pidfd, F_SETLK, &fl) == -1) {
			k = pread(pidfd, line, sizeof line - 1, 0);
			line[k > 0 ? k : 0] = '\0';
			line[strcspn(line, "\n")] = '\0';
			/* "error: " is read by the parent; the rest is shown. */
			dprintf(p[1], "error: ");
			dprintf(p[1], _("herald serve runs already for this "
			    "database (pid %s, %s)\n"), line, pid_path);
			_exit(1);
		}
		if (ftruncate(pidfd, 0) == -1 || dprintf(pidfd, "%ld\n",
		    (long)getpid()) < 0) {
			dprintf(p[1], "error: %s: %s\n", pid_path,
			    strerror(errno));
			_exit(1);
		}
		*ready = p[1];
		return 0;	/* pidfd stays open: it holds the lock */
	}
	close(p[1]);
	p[1] = -1;
	close(nullfd);
	close(logfd);
	close(pidfd);
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	/* Until the detached process says, or closes without a word. */
	while (len < sizeof line - 1) {
		k = read(p[0], line + len, sizeof line - 1 - len);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
		if (memchr(line, '\n', len) != NULL)
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	close(p[0]);
	*msg = len != 0 ? xstrdup(line) : xprintf("error: %s",
	    _("the server stopped at once (see its log)"));
	return 1;
fail:
	close(p[0]);
	close(p[1]);
	close(nullfd);
	close(logfd);
	close(pidfd);
	return -1;
}
