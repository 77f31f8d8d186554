/*
 * The SMTP client session's connection: the non-blocking socket, the TLS
 * handshake and records (WANT_READ/WANT_WRITE turned into loop interest),
 * reading until nothing is left (so no decrypted byte waits in OpenSSL
 * while poll sleeps, the redis lesson), the output buffer, timers, and
 * tearing a session down. What to say and what replies mean is smtp.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtp_session.h"

static const char *strstate[] = {
	"CONNECT", "TLS_IMPLICIT", "BANNER", "EHLO", "HELO", "STARTTLS",
	"TLS", "AUTH_PLAIN", "AUTH_LOGIN", "AUTH_USER", "AUTH_PASS",
	"READY", "TRANS", "BODY", "DOT", "QUIT", "CLOSED",
};

static void	smtp_io(int, int, void *);
static void	smtp_timeout(void *);

/* Trace a line to stderr when HERALD_SMTP_TRACE is set (never secrets). */
void
smtp_trace(struct smtp_session *s, const char *fmt, ...)
{
	static int	 on = -1;
	va_list		 ap;

	if (on == -1)
		on = getenv("HERALD_SMTP_TRACE") != NULL;
	if (!on)
		return;
	fprintf(stderr, "smtp %s [%s] ", s->peer, strstate[s->state]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Change state. */
void
smtp_set_state(struct smtp_session *s, enum smtp_state st)
{
	if (s->state != st)
		smtp_trace(s, "-> %s", strstate[st]);
	s->state = st;
}

/* Arm the session timer for secs seconds from now. */
void
smtp_timer_arm(struct smtp_session *s, unsigned int secs)
{
	uint64_t	ms = (uint64_t)secs * 1000;

	if (s->timer != NULL)
		loop_timer_del(s->loop, s->timer);
	s->deadline = loop_now(s->loop) + ms;
	s->timer = loop_timer_add(s->loop, ms, smtp_timeout, s);
}

/* Push the deadline on without touching the timer (body progress). */
static void
smtp_timer_extend(struct smtp_session *s, unsigned int secs)
{
	s->deadline = loop_now(s->loop) + (uint64_t)secs * 1000;
}

/* Stop the session timer. */
void
smtp_timer_stop(struct smtp_session *s)
{
	if (s->timer != NULL)
		loop_timer_del(s->loop, s->timer);
	s->timer = NULL;
}

/* Run smtp_kick from the loop, soon. */
void
smtp_kick_schedule(struct smtp_session *s)
{
	if (s->kick == NULL)
		s->kick = loop_timer_add(s->loop, 0, smtp_kick, s);
}

/* Empty the output buffer, wiping it if it held credentials. */
static void
smtp_out_reset(struct smtp_session *s)
{
	if (s->out_secret && s->out.data != NULL)
		explicit_bzero(s->out.data, s->out.cap);
	s->out_secret = 0;
	buf_reset(&s->out);
	s->outoff = 0;
}

/* Move unsent output to the front of the buffer. */
static void
smtp_out_compact(struct smtp_session *s)
{
	size_t	left = s->out.len - s->outoff;

	if (s->outoff == 0)
		return;
	if (left == 0) {
		smtp_out_reset(s);
		return;
	}
	memmove(s->out.data, s->out.data + s->outoff, left);
	if (s->out_secret)
		explicit_bzero(s->out.data + left, s->out.len - left);
	s->out.len = left;
	s->out.data[left] = '\0';
	s->outoff = 0;
}

/* Queue a command line (CRLF added). */
void
smtp_send(struct smtp_session *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[SMTP_CMD_MAX];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2)
		fatal("smtp_send: command too long");
	smtp_trace(s, ">>> %s", line);
	memcpy(line + n, "\r\n", 2);
	buf_add(&s->out, line, (size_t)n + 2);
}

/* Queue an AUTH line "prefix BASE64(raw)" and remember to wipe it. */
void
smtp_send_secret(struct smtp_session *s, const char *prefix,
    const unsigned char *raw, size_t len)
{
	smtp_trace(s, ">>> %s(credentials)", prefix);
	smtp_out_compact(s);
	/* Grow first: a realloc would leave a copy behind. */
	buf_grow(&s->out, strlen(prefix) + 4 * ((len + 2) / 3) + 3);
	buf_adds(&s->out, prefix);
	smtp_base64(&s->out, raw, len);
	buf_add(&s->out, "\r\n", 2);
	s->out_secret = 1;
}

/*
 * End the session now: no more I/O, the connection closed. The message in
 * flight (if any) and closed are reported from the loop by smtp_kick.
 */
void
smtp_close(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r, int tls_failed)
{
	if (s->state == SMTP_CLOSED)
		return;
	smtp_trace(s, "close: %s %d %s", r->stage, r->code, r->text);
	if (!s->close_set) {
		s->close_set = 1;
		s->close_outcome = outcome;
		s->close_reply = *r;
	}
	if (tls_failed)
		s->tls_failed = 1;
	/* The message in flight: its own failure if a reply gave one,
	 * unknown once "." is out, else deferred with the reason. */
	if (s->msg != NULL && !s->failed) {
		s->failed = 1;
		s->fail = *r;
		if (s->state == SMTP_DOT) {
			s->fail_outcome = SMTP_UNKNOWN;
			snprintf(s->fail.stage, sizeof s->fail.stage, "dot");
		} else
			s->fail_outcome = SMTP_DEFERRED;
	}
	smtp_timer_stop(s);
	if (s->fd != -1) {
		loop_fd_del(s->loop, s->fd);
		if (s->tls != NULL && s->state == SMTP_QUIT)
			tls_conn_close_notify(s->tls);
		close(s->fd);
		s->fd = -1;
	}
	tls_conn_free(s->tls);
	s->tls = NULL;
	smtp_out_reset(s);
	smtp_set_state(s, SMTP_CLOSED);
	smtp_kick_schedule(s);
}

/* End the session with a message made here. */
void
smtp_closef(struct smtp_session *s, enum smtp_outcome outcome,
    int tls_failed, const char *fmt, ...)
{
	struct smtp_reply	r;
	va_list			ap;

	memset(&r, 0, sizeof r);
	snprintf(r.stage, sizeof r.stage, "%s", smtp_stage(s));
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof r.text, fmt, ap);
	va_end(ap);
	smtp_close(s, outcome, &r, tls_failed);
}

/* Free a session after closed was called. */
void
smtp_free(struct smtp_session *s)
{
	size_t	i;

	smtp_timer_stop(s);
	if (s->kick != NULL)
		loop_timer_del(s->loop, s->kick);
	if (s->fd != -1) {
		loop_fd_del(s->loop, s->fd);
		close(s->fd);
	}
	tls_conn_free(s->tls);
	smtp_out_reset(s);
	buf_free(&s->out);
	smtp_parse_free(&s->parse);
	for (i = 0; i < s->ntlsa; i++)
		free(s->tlsa[i].data);
	free(s->tlsa);
	free(s->helo);
	free(s->host);
	free(s->auth_user);
	if (s->auth_pass != NULL) {
		explicit_bzero(s->auth_pass, strlen(s->auth_pass));
		free(s->auth_pass);
	}
	free(s);
}

/* Set what the descriptor waits for, from the state. */
void
smtp_update(struct smtp_session *s)
{
	int	ev;

	if (s->fd == -1 || s->state == SMTP_CLOSED)
		return;
	switch (s->state) {
	case SMTP_CONNECT:
		ev = LOOP_WRITE;
		break;
	case SMTP_TLS_IMPLICIT:
	case SMTP_TLS:
		ev = s->hs_want;
		break;
	default:
		ev = LOOP_READ;
		if ((s->out.len > s->outoff && !s->write_wants_read) ||
		    s->read_wants_write || (s->state == SMTP_BODY &&
		    !s->body_end && !s->body_wait))
			ev |= LOOP_WRITE;
		break;
	}
	loop_fd_set(s->loop, s->fd, ev);
}

/* Start a TLS handshake on the connection. */
void
smtp_tls_start(struct smtp_session *s, enum smtp_state st)
{
	char	*cause = NULL;

	s->tls = tls_conn_new(s->tlsctx, s->fd, s->host, s->tlsa, s->ntlsa,
	    &cause);
	smtp_set_state(s, st);
	if (s->tls == NULL) {
		smtp_closef(s, SMTP_DEFERRED, st == SMTP_TLS, "%s", cause);
		free(cause);
		return;
	}
	s->hs_want = LOOP_WRITE;
	smtp_timer_arm(s, s->t_command);
}

/* The connection is up (or failed). */
static void
smtp_connected(struct smtp_session *s)
{
	int		err = 0;
	socklen_t	len = sizeof err;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		smtp_closef(s, SMTP_DEFERRED, 0, "connect to %s: %s", s->peer,
		    strerror(err));
		return;
	}
	smtp_trace(s, "connected");
	if (s->implicit_tls)
		smtp_tls_start(s, SMTP_TLS_IMPLICIT);
	else
		smtp_wait_banner(s);
}

/* Continue the handshake; once done, let the protocol go on. */
void
smtp_handshake(struct smtp_session *s)
{
	char	*cause = NULL;
	int	 rv;

	rv = tls_conn_handshake(s->tls, &cause);
	if (rv == TLS_WANT_READ || rv == TLS_WANT_WRITE) {
		s->hs_want = rv == TLS_WANT_READ ? LOOP_READ : LOOP_WRITE;
		return;
	}
	if (rv == -1) {
		smtp_closef(s, SMTP_DEFERRED, s->state == SMTP_TLS, "%s",
		    cause);
		free(cause);
		return;
	}
	s->tls_on = 1;
	smtp_tls_up(s);
	/* Bytes may already be decrypted and waiting. */
	smtp_read(s);
}

/* Keep up to SMTP_OUT_LOWAT stuffed bytes ready; add "." at the end. */
static void
smtp_body_fill(struct smtp_session *s)
{
	size_t	n;

	if (s->body_end || s->out.len - s->outoff >= SMTP_OUT_LOWAT)
		return;
	smtp_out_compact(s);
	while (s->out.len < SMTP_OUT_LOWAT && s->body_off < s->msg->len) {
		n = s->msg->len - s->body_off;
		if (n > SMTP_OUT_LOWAT / 2)
			n = SMTP_OUT_LOWAT / 2;
		smtp_stuff(&s->stuff, &s->out, s->msg->data + s->body_off, n);
		s->body_off += n;
	}
	if (s->body_off == s->msg->len) {
		smtp_stuff_end(&s->stuff, &s->out);
		s->body_end = 1;
	}
}

/* Parse bytes from the server into replies and act on each. */
static void
smtp_input(struct smtp_session *s, const char *data, size_t len)
{
	struct smtp_reply	 r;
	const char		*err;
	size_t			 used;
	int			 rv;

	while (len > 0 && s->state != SMTP_CLOSED) {
		if (s->state == SMTP_TLS || s->state == SMTP_TLS_IMPLICIT) {
			/* RFC 3207 5 (CVE-2011-0411 style injection): no
			 * plaintext may follow the 220 to STARTTLS. */
			smtp_closef(s, SMTP_DEFERRED, 1, "server sent data "
			    "after its reply to STARTTLS");
			return;
		}
		rv = smtp_parse_feed(&s->parse, data, len, &used, &err);
		data += used;
		len -= used;
		if (rv == SMTP_PARSE_ERROR) {
			smtp_closef(s, SMTP_DEFERRED, 0, "bad reply from the "
			    "server: %s", err);
			return;
		}
		if (rv == SMTP_PARSE_MORE)
			break;
		smtp_parse_reply(&s->parse, smtp_stage(s), &r);
		smtp_reply(s, &r);
	}
}

/* The connection ended or failed while reading or writing. */
static void
smtp_lost(struct smtp_session *s, const char *why)
{
	if (s->state == SMTP_QUIT) {
		if (s->close_set)
			smtp_close(s, s->close_outcome, &s->close_reply, 0);
		else
			smtp_closef(s, SMTP_DELIVERED, 0, "closed after QUIT");
		return;
	}
	if (s->state == SMTP_DOT)
		smtp_closef(s, SMTP_DEFERRED, 0, "%s after the final \".\": "
		    "delivery status unknown", why);
	else
		smtp_closef(s, SMTP_DEFERRED, s->state == SMTP_TLS, "%s", why);
}

/* Read until the socket (and OpenSSL) has nothing more. */
void
smtp_read(struct smtp_session *s)
{
	char	 buf[SMTP_CHUNK];
	char	*cause = NULL, why[256];
	long	 n;

	s->read_wants_write = 0;
	/* Stop as soon as a handshake starts: its bytes are OpenSSL's. */
	while (s->fd != -1 && s->state != SMTP_CLOSED &&
	    s->state != SMTP_CONNECT && s->state != SMTP_TLS &&
	    s->state != SMTP_TLS_IMPLICIT) {
		if (s->tls_on) {
			n = tls_conn_read(s->tls, buf, sizeof buf, &cause);
			if (n == TLS_WANT_READ)
				break;
			if (n == TLS_WANT_WRITE) {
				s->read_wants_write = 1;
				break;
			}
		} else {
			n = recv(s->fd, buf, sizeof buf, 0);
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
			smtp_lost(s, "connection closed by the server");
			break;
		}
		if (n < 0) {
			snprintf(why, sizeof why, "%s", cause);
			free(cause);
			smtp_lost(s, why);
			break;
		}
		smtp_input(s, buf, (size_t)n);
	}
}

/* Write what is queued (refilling the message body) until it would block. */
void
smtp_flush(struct smtp_session *s)
{
	char	*cause = NULL, why[256];
	size_t	 left;
	long	 n;

	s->write_wants_read = 0;
	while (s->fd != -1 && s->state != SMTP_CLOSED &&
	    s->state != SMTP_CONNECT && s->state != SMTP_TLS &&
	    s->state != SMTP_TLS_IMPLICIT) {
		/* Not one body byte in the turn the 354 was read in. */
		if (s->state == SMTP_BODY && !s->body_hold && !s->body_wait)
			smtp_body_fill(s);
		left = s->out.len - s->outoff;
		if (left == 0) {
			smtp_out_reset(s);
			if (s->state == SMTP_BODY && s->body_end) {
				smtp_set_state(s, SMTP_DOT);
				smtp_timer_arm(s, s->t_dot);
			}
			break;
		}
		if (s->tls_on) {
			n = tls_conn_write(s->tls, s->out.data + s->outoff,
			    left, &cause);
			if (n == TLS_WANT_WRITE)
				break;
			if (n == TLS_WANT_READ) {
				s->write_wants_read = 1;
				break;
			}
		} else {
			n = send(s->fd, s->out.data + s->outoff, left,
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
			    cause != NULL ? cause : "write failed");
			free(cause);
			smtp_lost(s, why);
			return;
		}
		s->outoff += (size_t)n;
		if (s->state == SMTP_BODY)
			smtp_timer_extend(s, s->t_block);
	}
}

/* Descriptor events. */
static void
smtp_io(int fd, int events, void *arg)
{
	struct smtp_session	*s = arg;

	(void)fd;
	/* The loop calls us at most once a turn: a 354 read before this
	 * call was read in an earlier turn, and the before-sleep hook has
	 * run since. The body may go. */
	s->body_hold = 0;
	switch (s->state) {
	case SMTP_CONNECT:
		smtp_connected(s);
		if (s->state == SMTP_TLS_IMPLICIT)
			smtp_handshake(s);
		break;
	case SMTP_TLS_IMPLICIT:
	case SMTP_TLS:
		smtp_handshake(s);
		break;
	case SMTP_CLOSED:
		return;
	default:
		if ((events & LOOP_READ) || s->read_wants_write)
			smtp_read(s);
		break;
	}
	smtp_flush(s);
	smtp_update(s);
}

/* The session timer fired. */
static void
smtp_timeout(void *arg)
{
	struct smtp_session	*s = arg;
	uint64_t		 now = loop_now(s->loop);
	unsigned int		 secs;

	s->timer = NULL;
	if (now < s->deadline) {
		/* Progress pushed the deadline on. */
		s->timer = loop_timer_add(s->loop, s->deadline - now,
		    smtp_timeout, s);
		return;
	}
	switch (s->state) {
	case SMTP_CONNECT:
		secs = s->t_connect;
		break;
	case SMTP_BANNER:
		secs = s->t_greeting;
		break;
	case SMTP_BODY:
		secs = s->t_block;
		break;
	case SMTP_DOT:
		secs = s->t_dot;
		break;
	default:
		secs = s->t_command;
		break;
	}
	if (s->state == SMTP_QUIT) {
		smtp_lost(s, "no reply to QUIT");
		return;
	}
	if (s->state == SMTP_DOT) {
		smtp_closef(s, SMTP_DEFERRED, 0, "no reply to the final \".\" "
		    "within %u s: delivery status unknown", secs);
		return;
	}
	smtp_closef(s, SMTP_DEFERRED, s->state == SMTP_TLS,
	    "timed out after %u s (%s)", secs, s->state == SMTP_BANNER ?
	    "waiting for the greeting" : s->state == SMTP_CONNECT ?
	    "connecting" : s->state == SMTP_BODY ? "sending the message" :
	    s->state == SMTP_TLS || s->state == SMTP_TLS_IMPLICIT ?
	    "TLS handshake" : "waiting for a reply");
}

/* The peer address as "ip:port" or "[ip6]:port". */
static void
smtp_peer_text(char *out, size_t size, const struct sockaddr *sa)
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

/* Copy the parameters a session keeps. */
static int
smtp_params_copy(struct smtp_session *s, const struct smtp_params *p,
    char **cause)
{
	size_t	i;

	if (p->helo == NULL || smtp_arg_ok(p->helo, 255) == -1 ||
	    p->helo[0] == '\0')
		return set_cause(cause, "bad HELO name");
	if (p->host == NULL || p->host[0] == '\0' || strlen(p->host) > 253)
		return set_cause(cause, "bad host name");
	if (p->policy != TLS_POLICY_NONE && p->tls == NULL)
		return set_cause(cause, "TLS policy %s without a TLS context",
		    tls_policy_name(p->policy));
	if (p->implicit_tls && p->tls == NULL)
		return set_cause(cause, "implicit TLS without a TLS context");
	if (p->auth_user != NULL && (p->auth_pass == NULL ||
	    strlen(p->auth_user) > SMTP_SECRET_MAX - 1 ||
	    strlen(p->auth_pass) > SMTP_SECRET_MAX - 1))
		return set_cause(cause, "AUTH user name or password missing "
		    "or too long");
	s->helo = xstrdup(p->helo);
	s->host = xstrdup(p->host);
	if (p->auth_user != NULL) {
		s->auth_user = xstrdup(p->auth_user);
		s->auth_pass = xstrdup(p->auth_pass);
	}
	if (p->ntlsa > 0) {
		s->tlsa = xcalloc(p->ntlsa, sizeof *s->tlsa);
		for (i = 0; i < p->ntlsa; i++) {
			s->tlsa[i] = p->tlsa[i];
			s->tlsa[i].data = xmalloc(p->tlsa[i].len + 1);
			memcpy(s->tlsa[i].data, p->tlsa[i].data,
			    p->tlsa[i].len);
		}
		s->ntlsa = p->ntlsa;
	}
	s->policy = p->policy;
	s->tls_required = p->tls_required;
	s->no_starttls = p->no_starttls;
	s->implicit_tls = p->implicit_tls;
	s->tlsctx = p->tls;
	s->max_messages = p->max_messages ? p->max_messages : 100;
	s->t_connect = p->t_connect ? p->t_connect : 30;
	s->t_greeting = p->t_greeting ? p->t_greeting : 300;
	s->t_command = p->t_command ? p->t_command : 300;
	s->t_data = p->t_data ? p->t_data : 120;
	s->t_block = p->t_block ? p->t_block : 180;
	s->t_dot = p->t_dot ? p->t_dot : 600;
	return 0;
}

/* Parse "NAME=SECS,..." into t (names not given are left as they are). */
int
smtp_timeouts_parse(const char *text, struct smtp_timeouts *t, char **cause)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} names[] = {
		{ "connect", offsetof(struct smtp_timeouts, connect) },
		{ "greeting", offsetof(struct smtp_timeouts, greeting) },
		{ "command", offsetof(struct smtp_timeouts, command) },
		{ "data", offsetof(struct smtp_timeouts, data) },
		{ "block", offsetof(struct smtp_timeouts, block) },
		{ "dot", offsetof(struct smtp_timeouts, dot) },
	};
	const char	*p = text, *eq, *end;
	char		 num[16];
	long long	 v;
	size_t		 i, len;

	while (*p != '\0') {
		end = p + strcspn(p, ",");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return set_cause(cause, "smtp timeouts: '%.*s': "
			    "expected NAME=SECONDS", (int)(end - p), p);
		for (i = 0; i < nitems(names); i++)
			if (strlen(names[i].name) == (size_t)(eq - p) &&
			    strncmp(names[i].name, p, (size_t)(eq - p)) == 0)
				break;
		if (i == nitems(names))
			return set_cause(cause, "smtp timeouts: no timeout "
			    "called '%.*s' (connect, greeting, command, data, "
			    "block, dot)", (int)(eq - p), p);
		/* A value too long for num is refused, never cut short
		 * ("0000000000000060" is not 6). */
		len = (size_t)(end - eq - 1);
		if (len < sizeof num) {
			memcpy(num, eq + 1, len);
			num[len] = '\0';
		}
		if (len >= sizeof num || parse_int(num, 1, 3600, &v) == -1)
			return set_cause(cause, "smtp timeouts: %s: '%.*s' is "
			    "not a number of seconds from 1 to 3600",
			    names[i].name, (int)(end - eq - 1), eq + 1);
		*(unsigned int *)((char *)t + names[i].off) = (unsigned int)v;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* Copy the timeouts that are set into a session's parameters. */
void
smtp_timeouts_apply(const struct smtp_timeouts *t, struct smtp_params *p)
{
	p->t_connect = t->connect;
	p->t_greeting = t->greeting;
	p->t_command = t->command;
	p->t_data = t->data;
	p->t_block = t->block;
	p->t_dot = t->dot;
}

/* Connect and run a session. */
struct smtp_session *
smtp_connect(struct loop *loop, const struct sockaddr *sa, socklen_t salen,
    const struct sockaddr *source, socklen_t sourcelen,
    const struct smtp_params *p, const struct smtp_events *ev, void *arg,
    char **cause)
{
	struct smtp_session	*s;
	int			 one = 1;

	if (sa == NULL || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6)) {
		set_cause(cause, "not an IPv4 or IPv6 address");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->fd = -1;
	s->ev = *ev;
	s->arg = arg;
	smtp_parse_init(&s->parse);
	buf_init(&s->out);
	smtp_peer_text(s->peer, sizeof s->peer, sa);
	if (smtp_params_copy(s, p, cause) == -1) {
		smtp_free(s);
		return NULL;
	}
	tls_status_plain(&s->tls_status, s->policy);
	smtp_set_state(s, SMTP_CONNECT);

	s->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		set_cause(cause, "socket: %s", strerror(errno));
		smtp_free(s);
		return NULL;
	}
	/* Commands are whole writes already; Nagle would only delay "."
	 * behind a delayed ACK. */
	(void)setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (source != NULL && bind(s->fd, source, sourcelen) == -1) {
		set_cause(cause, "bind to the source address: %s",
		    strerror(errno));
		smtp_free(s);
		return NULL;
	}
	if (loop_fd_add(loop, s->fd, LOOP_WRITE, smtp_io, s) == -1) {
		set_cause(cause, "loop_fd_add: %s", strerror(errno));
		smtp_free(s);
		return NULL;
	}
	smtp_timer_arm(s, s->t_connect);
	if (connect(s->fd, sa, salen) == -1 && errno != EINPROGRESS) {
		/* Reported from the loop, like any later failure. */
		smtp_closef(s, SMTP_DEFERRED, 0, "connect to %s: %s", s->peer,
		    strerror(errno));
	}
	return s;
}

