/*
 * The SMTP client: one non-blocking session per connection, a state
 * machine after OpenSMTPD's smtp_client.c. Every state change goes
 * through smtp_enter, which also does what the new state begins with (its
 * command, its timer); one function sends each command; replies are
 * matched against what was sent, in order, so pipelined commands need no
 * special case; results leave only through the callbacks. The connection
 * below (socket, TLS, buffers, timer) is conn.c, which knows nothing of
 * SMTP and calls up only through smtp_conn_event; the wire format
 * (replies, EHLO keywords, dot-stuffing) is wire.c.
 *
 * Callbacks are only ever called from the loop (a descriptor or timer
 * event), never from inside smtp_connect, smtp_submit, smtp_quit or
 * smtp_abort. A session that ends is torn down at once (no more I/O) and
 * its last callbacks (done for a message in flight, then closed) run from
 * a 0 ms timer, after which it is freed: so a callback may call any
 * function on its own session and the session is still there afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/loop.h"
#include "conn.h"
#include "wire.h"

#define SMTP_OUT_LOWAT	65536		/* body bytes kept ready to write */
#define SMTP_SECRET_MAX	512		/* AUTH user name and password */
#define SMTP_QUIT_MAX	60		/* seconds to wait for QUIT's reply */

enum smtp_state {
	SMTP_CONNECT,
	SMTP_TLS_IMPLICIT,
	SMTP_BANNER,
	SMTP_EHLO,
	SMTP_HELO,
	SMTP_STARTTLS,
	SMTP_TLS,
	SMTP_AUTH_PLAIN,
	SMTP_AUTH_LOGIN,
	SMTP_AUTH_USER,
	SMTP_AUTH_PASS,
	SMTP_READY,
	SMTP_TRANS,
	SMTP_BODY,
	SMTP_DOT,
	SMTP_QUIT,
	SMTP_CLOSED,
};

/* The commands of a transaction. */
enum smtp_cmd {
	CMD_RSET,
	CMD_MAIL,
	CMD_RCPT,
	CMD_DATA,
};

struct smtp_session {
	struct loop		*loop;
	struct conn		*conn;
	enum smtp_state		 state;

	/* Parameters, copied. */
	char			*helo;
	char			*host;
	char			*auth_user;
	char			*auth_pass;
	struct tls_tlsa		*tlsa;
	size_t			 ntlsa;
	int			 tls_required;
	enum tls_policy		 policy;
	int			 no_starttls;
	int			 implicit_tls;
	struct tls_ctx		*tlsctx;
	unsigned int		 max_messages;
	unsigned int		 t_connect, t_greeting, t_command, t_data,
				 t_block, t_dot;	/* seconds */

	struct smtp_events	 ev;
	void			*arg;

	struct tls_status	 tls_status;
	struct smtp_parse	 parse;
	struct smtp_ext		 ext;
	struct loop_timer	*kick;

	/* The transaction. */
	struct smtp_msg		*msg;
	enum smtp_cmd		 steps[4];
	int			 nsteps, nsent, nreplied;
	int			 failed;
	enum smtp_outcome	 fail_outcome;
	struct smtp_reply	 fail;
	size_t			 body_off;
	int			 body_end;
	int			 body_wait;	/* until smtp_body_release */
	struct smtp_stuff	 stuff;
	unsigned int		 ntrans;	/* MAIL commands sent */
	int			 broken;	/* no further transaction */
	int			 quit_wanted;

	/* How it ends. */
	int			 close_set;
	enum smtp_outcome	 close_outcome;
	struct smtp_reply	 close_reply;
	int			 tls_failed;
	int			 ehlo_seen;	/* a reply to EHLO/HELO came */
	int			 starttls_offered; /* before TLS */
};

static const char *strstate[] = {
	"CONNECT", "TLS_IMPLICIT", "BANNER", "EHLO", "HELO", "STARTTLS",
	"TLS", "AUTH_PLAIN", "AUTH_LOGIN", "AUTH_USER", "AUTH_PASS",
	"READY", "TRANS", "BODY", "DOT", "QUIT", "CLOSED",
};
static const char *strcmd[] = { "rset", "mail", "rcpt", "data" };

static void	smtp_enter(struct smtp_session *, enum smtp_state);
static void	smtp_kick(void *);

/* Trace a line to stderr when HERALD_SMTP_TRACE is set (never secrets). */
static void PRINTFLIKE(2, 3)
smtp_trace(struct smtp_session *s, const char *fmt, ...)
{
	static int	 on = -1;
	va_list		 ap;

	if (on == -1)
		on = getenv("HERALD_SMTP_TRACE") != NULL;
	if (!on)
		return;
	fprintf(stderr, "smtp %s [%s] ", conn_peer(s->conn),
	    strstate[s->state]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The stage word of the current state, for replies. */
static const char *
smtp_stage(const struct smtp_session *s)
{
	switch (s->state) {
	case SMTP_CONNECT:
		return "connect";
	case SMTP_BANNER:
		return "banner";
	case SMTP_EHLO:
		return "ehlo";
	case SMTP_HELO:
		return "helo";
	case SMTP_TLS_IMPLICIT:
	case SMTP_STARTTLS:
	case SMTP_TLS:
		return "starttls";
	case SMTP_AUTH_PLAIN:
	case SMTP_AUTH_LOGIN:
	case SMTP_AUTH_USER:
	case SMTP_AUTH_PASS:
		return "auth";
	case SMTP_READY:
		return "idle";
	case SMTP_TRANS:
		if (s->nreplied < s->nsteps)
			return strcmd[s->steps[s->nreplied]];
		return "data";
	case SMTP_BODY:
		return "data";
	case SMTP_DOT:
		return "dot";
	case SMTP_QUIT:
	case SMTP_CLOSED:
		break;
	}
	return "quit";
}

/* The outcome a failure reply means: 5xx bounced, anything else deferred. */
static enum smtp_outcome
smtp_class(const struct smtp_reply *r)
{
	return r->code >= 500 && r->code <= 599 ? SMTP_BOUNCED : SMTP_DEFERRED;
}

/* Whether TLS is up on the connection. */
static int
smtp_tls_on(const struct smtp_session *s)
{
	return conn_tls(s->conn) != NULL;
}

/* Whether to say STARTTLS: the policy asks for TLS and the server offers
 * it. */
static int
smtp_tls_wanted(const struct smtp_session *s)
{
	return s->policy != TLS_POLICY_NONE && !s->no_starttls &&
	    (s->ext.flags & SMTP_EXT_STARTTLS);
}

/* Whether the policy demands TLS on this connection. */
static int
smtp_tls_required(const struct smtp_session *s)
{
	return s->policy == TLS_POLICY_ENCRYPT ||
	    s->policy == TLS_POLICY_VERIFY || s->policy == TLS_POLICY_STS ||
	    (s->policy == TLS_POLICY_DANE && (s->ntlsa > 0 ||
	    s->tls_required));
}

/* Queue a command line (CRLF added). */
static void PRINTFLIKE(2, 3)
smtp_send(struct smtp_session *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[SMTP_CMD_MAX];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2)
		fatal(NT("smtp_send: command too long"));
	smtp_trace(s, ">>> %s", line);
	memcpy(line + n, "\r\n", 2);
	conn_write(s->conn, line, (size_t)n + 2);
}

/* Queue an AUTH line "prefix BASE64(raw)", wiped once written. */
static void
smtp_send_secret(struct smtp_session *s, const char *prefix,
    const unsigned char *raw, size_t len)
{
	struct buf	*out;

	smtp_trace(s, ">>> %s(credentials)", prefix);
	out = conn_out_secret(s->conn, strlen(prefix) + 4 * ((len + 2) / 3) +
	    3);
	buf_adds(out, prefix);
	smtp_base64(out, raw, len);
	buf_add(out, "\r\n", 2);
}

/* A reply made here (no code), for the current stage. */
static void PRINTFLIKE(3, 0)
smtp_local_reply(const struct smtp_session *s, struct smtp_reply *r,
    const char *fmt, va_list ap)
{
	memset(r, 0, sizeof *r);
	snprintf(r->stage, sizeof r->stage, "%s", smtp_stage(s));
	vsnprintf(r->text, sizeof r->text, fmt, ap);
}

/* How the session ends: the first reason given is the one reported. */
static void
smtp_close_reason(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r)
{
	if (s->close_set)
		return;
	s->close_set = 1;
	s->close_outcome = outcome;
	s->close_reply = *r;
}

/*
 * End the session now: no more I/O, the connection closed. The message in
 * flight (if any) and closed are reported from the loop by smtp_kick.
 */
static void
smtp_close(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r, int tls_failed)
{
	if (s->state == SMTP_CLOSED)
		return;
	smtp_trace(s, "close: %s %d %s", r->stage, r->code, r->text);
	smtp_close_reason(s, outcome, r);
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
	/* A TLS session says close_notify after QUIT. */
	conn_close(s->conn, s->state == SMTP_QUIT);
	smtp_enter(s, SMTP_CLOSED);
}

/* End the session with a message made here. */
static void PRINTFLIKE(4, 5)
smtp_closef(struct smtp_session *s, enum smtp_outcome outcome,
    int tls_failed, const char *fmt, ...)
{
	struct smtp_reply	r;
	va_list			ap;

	va_start(ap, fmt);
	smtp_local_reply(s, &r, fmt, ap);
	va_end(ap);
	smtp_close(s, outcome, &r, tls_failed);
}

/*
 * Say QUIT and end when it is answered (or the server hangs up); the
 * session then closes with outcome and r, or as a clean QUIT if r is NULL.
 */
static void
smtp_quit_with(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r)
{
	if (s->state == SMTP_CLOSED || s->state == SMTP_QUIT)
		return;
	if (r != NULL)
		smtp_close_reason(s, outcome, r);
	smtp_enter(s, SMTP_QUIT);
}

/* smtp_quit_with a message made here. */
static void PRINTFLIKE(3, 4)
smtp_quit_withf(struct smtp_session *s, enum smtp_outcome outcome,
    const char *fmt, ...)
{
	struct smtp_reply	r;
	va_list			ap;

	va_start(ap, fmt);
	smtp_local_reply(s, &r, fmt, ap);
	va_end(ap);
	smtp_quit_with(s, outcome, &r);
}

/* Run smtp_kick from the loop, soon. */
static void
smtp_kick_schedule(struct smtp_session *s)
{
	if (s->kick == NULL)
		s->kick = loop_timer_add(s->loop, 0, smtp_kick, s);
}

/* The AUTH step: PLAIN where offered, else LOGIN, and only over TLS. */
static void
smtp_auth(struct smtp_session *s)
{
	unsigned char	 raw[2 * SMTP_SECRET_MAX + 2];
	size_t		 ulen, plen;

	if (!smtp_tls_on(s)) {
		smtp_quit_withf(s, SMTP_DEFERRED, NT("AUTH needs TLS: credentials "
		    "are never sent in plaintext"));
		return;
	}
	if (s->ext.auth & SMTP_MECH_PLAIN) {
		/* RFC 4616: authzid NUL authcid NUL passwd. */
		ulen = strlen(s->auth_user);
		plen = strlen(s->auth_pass);
		raw[0] = '\0';
		memcpy(raw + 1, s->auth_user, ulen);
		raw[1 + ulen] = '\0';
		memcpy(raw + 2 + ulen, s->auth_pass, plen);
		smtp_send_secret(s, "AUTH PLAIN ", raw, 2 + ulen + plen);
		explicit_bzero(raw, sizeof raw);
		conn_timer_arm(s->conn, s->t_command, 0);
	} else if (s->ext.auth & SMTP_MECH_LOGIN)
		smtp_enter(s, SMTP_AUTH_LOGIN);
	else
		smtp_quit_withf(s, SMTP_DEFERRED, NT("%s offers neither AUTH "
		    "PLAIN nor AUTH LOGIN"), s->host);
}

/*
 * The one place the state changes. Entering a state does what the state
 * begins with: the command whose reply it waits for and the timer for that
 * reply (a transaction's timers follow its replies: smtp_trans_timer).
 */
static void
smtp_enter(struct smtp_session *s, enum smtp_state st)
{
	const char	*secret;
	char		*cause = NULL;

	/* A caller that asked to quit gets QUIT, not another ready. */
	if (st == SMTP_READY && s->quit_wanted)
		st = SMTP_QUIT;
	if (s->state != st)
		smtp_trace(s, "-> %s", strstate[st]);
	s->state = st;

	switch (st) {
	case SMTP_CONNECT:
		conn_timer_arm(s->conn, s->t_connect, 0);
		break;
	case SMTP_TLS_IMPLICIT:
	case SMTP_TLS:
		conn_timer_arm(s->conn, s->t_command, 0);
		if (conn_start_tls(s->conn, s->tlsctx, s->host, s->tlsa,
		    s->ntlsa, &cause) == -1) {
			smtp_closef(s, SMTP_DEFERRED, st == SMTP_TLS, "%s",
			    cause);
			free(cause);
		}
		break;
	case SMTP_BANNER:
		conn_timer_arm(s->conn, s->t_greeting, 0);
		break;
	case SMTP_EHLO:
	case SMTP_HELO:
		/* What the server offers is learnt anew; after STARTTLS,
		 * RFC 3207 4.2: forget what was said in plaintext. */
		memset(&s->ext, 0, sizeof s->ext);
		smtp_send(s, "%s %s", st == SMTP_EHLO ? "EHLO" : "HELO",
		    s->helo);
		conn_timer_arm(s->conn, s->t_command, 0);
		break;
	case SMTP_STARTTLS:
		/* Entered when TLS is wanted or required: if it is not on
		 * offer, a required TLS ends the session here. */
		if (!smtp_tls_wanted(s)) {
			smtp_quit_withf(s, SMTP_DEFERRED, s->no_starttls ?
			    NT("TLS required (policy %s) but a plaintext retry "
			    "was asked for") : NT("TLS required (policy %s) but "
			    "not offered by %s"), tls_policy_name(s->policy),
			    s->host);
			break;
		}
		smtp_send(s, "STARTTLS");
		conn_timer_arm(s->conn, s->t_command, 0);
		break;
	case SMTP_AUTH_PLAIN:
		smtp_auth(s);
		break;
	case SMTP_AUTH_LOGIN:
		smtp_send(s, "AUTH LOGIN");
		conn_timer_arm(s->conn, s->t_command, 0);
		break;
	case SMTP_AUTH_USER:
	case SMTP_AUTH_PASS:
		secret = st == SMTP_AUTH_USER ? s->auth_user : s->auth_pass;
		smtp_send_secret(s, "", (const unsigned char *)secret,
		    strlen(secret));
		conn_timer_arm(s->conn, s->t_command, 0);
		break;
	case SMTP_READY:
		conn_timer_stop(s->conn);
		s->ev.ready(s, s->arg);
		break;
	case SMTP_TRANS:
		/* smtp_submit sends the commands. */
		break;
	case SMTP_BODY:
		/*
		 * The 354 came: tell the caller, and stream the message
		 * from the next loop turn on (conn_hold), so that the
		 * caller's before-sleep hook runs in between (smtp.h).
		 */
		smtp_stuff_init(&s->stuff);
		s->body_off = 0;
		s->body_end = 0;
		s->body_wait = 0;
		conn_hold(s->conn, 1);
		conn_set_lowat(s->conn, SMTP_OUT_LOWAT);
		conn_timer_arm(s->conn, s->t_block, 1);
		if (s->ev.data != NULL)
			s->ev.data(s, s->msg, s->arg);
		break;
	case SMTP_DOT:
		conn_timer_arm(s->conn, s->t_dot, 0);
		break;
	case SMTP_QUIT:
		smtp_send(s, "QUIT");
		conn_timer_arm(s->conn, s->t_command < SMTP_QUIT_MAX ?
		    s->t_command : SMTP_QUIT_MAX, 0);
		break;
	case SMTP_CLOSED:
		smtp_kick_schedule(s);
		break;
	}
}

/* Free a session after closed was called (or before it ever ran). */
static void
smtp_free(struct smtp_session *s)
{
	size_t	i;

	if (s->kick != NULL)
		loop_timer_del(s->loop, s->kick);
	conn_free(s->conn);
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

/* A transaction is over: report it, then go on, quit or close. */
static void
smtp_trans_done(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r)
{
	struct smtp_msg	*msg = s->msg;
	struct smtp_reply	 copy = *r;

	s->msg = NULL;
	s->failed = 0;
	conn_timer_stop(s->conn);
	smtp_trace(s, "done: %d %s", copy.code, copy.text);
	s->ev.done(s, msg, outcome, &copy, s->arg);
	if (s->state == SMTP_CLOSED || s->state == SMTP_QUIT)
		return;		/* aborted or quit from the callback */
	if (s->broken) {
		smtp_quit_with(s, SMTP_DEFERRED, &copy);
		return;
	}
	if (s->ntrans >= s->max_messages)
		s->quit_wanted = 1;
	smtp_enter(s, SMTP_READY);
}

/* The last callbacks of a closed session, or a deferred local result. */
static void
smtp_kick(void *arg)
{
	struct smtp_session	*s = arg;
	struct smtp_msg		*msg;
	struct smtp_reply	 r;

	s->kick = NULL;
	if (s->state == SMTP_CLOSED) {
		if ((msg = s->msg) != NULL) {
			s->msg = NULL;
			r = s->fail;
			s->ev.done(s, msg, s->fail_outcome, &r, s->arg);
		}
		r = s->close_reply;
		s->ev.closed(s, s->close_outcome, &r, s->tls_failed, s->arg);
		smtp_free(s);
		return;
	}
	/* A message refused before any command was sent. */
	if (s->state == SMTP_TRANS && s->msg != NULL && s->failed &&
	    s->nsent == 0) {
		r = s->fail;
		smtp_trans_done(s, s->fail_outcome, &r);
		conn_flush(s->conn);
	}
}

/* Send the next command of a non-pipelined transaction, or all of them. */
static void
smtp_trans_send(struct smtp_session *s, int all)
{
	struct smtp_msg	*m = s->msg;
	enum smtp_cmd	 cmd;
	char		 size[32];

	while (s->nsent < s->nsteps) {
		cmd = s->steps[s->nsent++];
		switch (cmd) {
		case CMD_RSET:
			smtp_send(s, "RSET");
			break;
		case CMD_MAIL:
			s->ntrans++;
			size[0] = '\0';
			if (s->ext.flags & SMTP_EXT_SIZE)
				snprintf(size, sizeof size, " SIZE=%zu",
				    m->len);
			smtp_send(s, "MAIL FROM:<%s>%s%s", m->mail_from, size,
			    m->eightbit ? " BODY=8BITMIME" : "");
			break;
		case CMD_RCPT:
			smtp_send(s, "RCPT TO:<%s>", m->rcpt);
			break;
		case CMD_DATA:
			smtp_send(s, "DATA");
			break;
		}
		if (!all)
			break;
	}
}

/* Arm the timer for the reply now awaited in a transaction. */
static void
smtp_trans_timer(struct smtp_session *s)
{
	if (s->nreplied < s->nsent && s->steps[s->nreplied] == CMD_DATA)
		conn_timer_arm(s->conn, s->t_data, 0);
	else
		conn_timer_arm(s->conn, s->t_command, 0);
}

/* Refuse a message without sending anything (reported from the loop). */
static void PRINTFLIKE(3, 4)
smtp_refuse(struct smtp_session *s, enum smtp_outcome outcome,
    const char *fmt, ...)
{
	va_list	ap;

	memset(&s->fail, 0, sizeof s->fail);
	snprintf(s->fail.stage, sizeof s->fail.stage, "mail");
	va_start(ap, fmt);
	vsnprintf(s->fail.text, sizeof s->fail.text, fmt, ap);
	va_end(ap);
	s->failed = 1;
	s->fail_outcome = outcome;
	smtp_kick_schedule(s);
}

/* Hand a message to a ready session. */
int
smtp_submit(struct smtp_session *s, struct smtp_msg *m)
{
	if (s->state != SMTP_READY || s->msg != NULL || s->quit_wanted)
		return -1;
	s->msg = m;
	s->failed = 0;
	s->nsteps = s->nsent = s->nreplied = 0;
	s->body_off = 0;
	s->body_end = 0;
	smtp_enter(s, SMTP_TRANS);

	if (m->mail_from == NULL || m->rcpt == NULL || m->data == NULL ||
	    smtp_arg_ok(m->mail_from, 256) == -1 || m->rcpt[0] == '\0' ||
	    smtp_arg_ok(m->rcpt, 256) == -1) {
		smtp_refuse(s, SMTP_BOUNCED, NT("address not usable in SMTP "
		    "(control characters, spaces, non-ASCII, or too long)"));
		return 0;
	}
	if (m->eightbit && !(s->ext.flags & SMTP_EXT_8BITMIME)) {
		smtp_refuse(s, SMTP_DEFERRED, NT("message has 8-bit data and %s "
		    "does not offer 8BITMIME (RFC 6152)"), s->host);
		return 0;
	}
	if ((s->ext.flags & SMTP_EXT_SIZE) && s->ext.size > 0 &&
	    m->len > s->ext.size) {
		smtp_refuse(s, SMTP_BOUNCED, NT("message size %zu exceeds the "
		    "server's limit of %llu (SIZE)"), m->len, s->ext.size);
		snprintf(s->fail.enhanced, sizeof s->fail.enhanced, "5.3.4");
		return 0;
	}

	if (s->ntrans > 0)
		s->steps[s->nsteps++] = CMD_RSET;
	s->steps[s->nsteps++] = CMD_MAIL;
	s->steps[s->nsteps++] = CMD_RCPT;
	s->steps[s->nsteps++] = CMD_DATA;
	smtp_trans_send(s, (s->ext.flags & SMTP_EXT_PIPELINING) != 0);
	smtp_trans_timer(s);
	conn_update(s->conn);
	return 0;
}

/* Say QUIT once idle. */
void
smtp_quit(struct smtp_session *s)
{
	if (s->state == SMTP_CLOSED || s->state == SMTP_QUIT)
		return;
	s->quit_wanted = 1;
	if (s->state == SMTP_READY) {
		smtp_quit_with(s, SMTP_DELIVERED, NULL);
		conn_update(s->conn);
	}
}

/* Close now; callbacks follow from the loop. */
void
smtp_abort(struct smtp_session *s)
{
	if (s->state == SMTP_CLOSED)
		return;
	smtp_closef(s, SMTP_DEFERRED, 0, NT("session aborted by herald"));
}

/* What TLS was negotiated. */
const struct tls_status *
smtp_tls_status(const struct smtp_session *s)
{
	return &s->tls_status;
}

/* The peer as text. */
/* Did the EHLO reply offer 8BITMIME? */
int
smtp_offers_8bitmime(const struct smtp_session *s)
{
	return (s->ext.flags & SMTP_EXT_8BITMIME) != 0;
}

int
smtp_starttls_offered(const struct smtp_session *s)
{
	if (smtp_tls_on(s))
		return 1;
	return !s->ehlo_seen ? -1 : s->starttls_offered;
}

const char *
smtp_local(const struct smtp_session *s)
{
	return s->conn != NULL ? conn_local(s->conn) : "";
}

const char *
smtp_peer(const struct smtp_session *s)
{
	return conn_peer(s->conn);
}

/* TLS is up: apply the policy, then read the greeting (implicit TLS) or
 * say EHLO again. */
static void
smtp_tls_up(struct smtp_session *s)
{
	char	*cause = NULL;

	if (tls_conn_status(conn_tls(s->conn), s->policy, &s->tls_status,
	    &cause) == -1) {
		smtp_trace(s, "policy: %s", cause);
		if (s->state == SMTP_TLS_IMPLICIT)
			smtp_closef(s, SMTP_DEFERRED, 0, "%s", cause);
		else
			smtp_quit_withf(s, SMTP_DEFERRED, "%s", cause);
		free(cause);
		return;
	}
	smtp_trace(s, "TLS %s %s %s", s->tls_status.version,
	    s->tls_status.cipher, s->tls_status.summary);
	smtp_enter(s, s->state == SMTP_TLS_IMPLICIT ? SMTP_BANNER : SMTP_EHLO);
}

/* EHLO (or HELO) done: STARTTLS, AUTH, or ready. */
static void
smtp_after_ehlo(struct smtp_session *s)
{
	if (!smtp_tls_on(s)) {
		s->ehlo_seen = 1;
		s->starttls_offered = (s->ext.flags & SMTP_EXT_STARTTLS) != 0;
	}
	if (!smtp_tls_on(s) && (smtp_tls_wanted(s) || smtp_tls_required(s)))
		smtp_enter(s, SMTP_STARTTLS);
	else if (s->auth_user != NULL)
		smtp_enter(s, SMTP_AUTH_PLAIN);
	else
		smtp_enter(s, SMTP_READY);
}

/* Keep the body back until smtp_body_release (smtp.h). */
void
smtp_body_wait(struct smtp_session *s)
{
	if (s->state != SMTP_BODY)
		return;
	s->body_wait = 1;
	conn_set_lowat(s->conn, 0);
}

/* The 354 is on record: the body may go now (the turn it came in is
 * over, since the caller learnt that after it). */
void
smtp_body_release(struct smtp_session *s)
{
	if (!s->body_wait)
		return;
	s->body_wait = 0;
	conn_hold(s->conn, 0);
	if (s->state != SMTP_BODY)
		return;
	if (!s->body_end)
		conn_set_lowat(s->conn, SMTP_OUT_LOWAT);
	conn_flush(s->conn);
}

/* Room below the low-water mark: keep up to SMTP_OUT_LOWAT stuffed bytes
 * ready, and "." at the end. */
static void
smtp_body_fill(struct smtp_session *s)
{
	struct buf	*out = conn_out(s->conn);
	size_t		 n;

	while (conn_pending(s->conn) < SMTP_OUT_LOWAT &&
	    s->body_off < s->msg->len) {
		n = s->msg->len - s->body_off;
		if (n > SMTP_OUT_LOWAT / 2)
			n = SMTP_OUT_LOWAT / 2;
		smtp_stuff(&s->stuff, out, s->msg->data + s->body_off, n);
		s->body_off += n;
	}
	if (s->body_off == s->msg->len) {
		smtp_stuff_end(&s->stuff, out);
		s->body_end = 1;
		conn_set_lowat(s->conn, 0);
	}
}

/* One reply in a transaction (RSET, MAIL, RCPT, DATA). */
static void
smtp_reply_trans(struct smtp_session *s, const struct smtp_reply *r)
{
	enum smtp_cmd	cmd;
	int		ok;

	if (s->nreplied >= s->nsent) {
		smtp_closef(s, SMTP_DEFERRED, 0, NT("unexpected reply: %d %.400s"),
		    r->code, r->text);
		return;
	}
	cmd = s->steps[s->nreplied++];
	ok = cmd == CMD_DATA ? r->code == 354 : r->code / 100 == 2;
	if (r->code == 421 || (cmd == CMD_RSET && !ok))
		s->broken = 1;
	if (cmd == CMD_DATA && ok) {
		if (s->failed) {
			/* RFC 2920 3.1: never happens with a sane server;
			 * a message now would go without its recipient. */
			smtp_closef(s, SMTP_DEFERRED, 0, NT("354 to DATA after a "
			    "refused command: closing"));
			return;
		}
		smtp_enter(s, SMTP_BODY);
		return;
	}
	if (!ok && !s->failed) {
		s->failed = 1;
		s->fail = *r;
		s->fail_outcome = cmd == CMD_RSET ? SMTP_DEFERRED :
		    smtp_class(r);
		if (r->code / 100 == 2 || r->code / 100 == 3) {
			s->fail_outcome = SMTP_DEFERRED;
			snprintf(s->fail.text, sizeof s->fail.text,
			    NT("unexpected reply %d to %s: %.400s"), r->code,
			    strcmd[cmd], r->text);
		}
	}
	if (s->failed) {
		if (s->nreplied == s->nsent)
			smtp_trans_done(s, s->fail_outcome, &s->fail);
		else
			smtp_trans_timer(s);
		return;
	}
	smtp_trans_send(s, 0);
	smtp_trans_timer(s);
}

/* The reply to ".". */
static void
smtp_reply_dot(struct smtp_session *s, const struct smtp_reply *r)
{
	enum smtp_outcome	outcome;

	if (r->code / 100 == 2)
		outcome = SMTP_DELIVERED;
	else if (r->code / 100 == 4)
		outcome = SMTP_DEFERRED;
	else if (r->code / 100 == 5)
		outcome = SMTP_BOUNCED;
	else
		outcome = SMTP_UNKNOWN;
	if (r->code == 421)
		s->broken = 1;
	smtp_trans_done(s, outcome, r);
}

/* A whole reply came: act on it according to the state. */
static void
smtp_reply(struct smtp_session *s, const struct smtp_reply *r)
{
	int	pos = r->code / 100 == 2;

	smtp_trace(s, "<<< %d %s%s%s", r->code, r->enhanced,
	    r->enhanced[0] != '\0' ? " " : "", r->text);
	switch (s->state) {
	case SMTP_BANNER:
		if (!pos) {
			smtp_quit_with(s, smtp_class(r), r);
			break;
		}
		smtp_enter(s, SMTP_EHLO);
		break;
	case SMTP_EHLO:
		if (pos) {
			smtp_ext_parse(&s->ext, s->parse.text.data,
			    s->parse.text.len);
			smtp_after_ehlo(s);
		} else if (r->code / 100 == 5 && !smtp_tls_on(s))
			smtp_enter(s, SMTP_HELO);
		else
			smtp_quit_with(s, smtp_class(r), r);
		break;
	case SMTP_HELO:
		if (!pos) {
			smtp_quit_with(s, smtp_class(r), r);
			break;
		}
		smtp_after_ehlo(s);
		break;
	case SMTP_STARTTLS:
		if (pos)
			smtp_enter(s, SMTP_TLS);
		else if (smtp_tls_required(s))
			smtp_quit_with(s, SMTP_DEFERRED, r);
		else {
			/* RFC 3207 4: the client decides; "may" goes on
			 * in plaintext. */
			s->no_starttls = 1;
			smtp_after_ehlo(s);
		}
		break;
	case SMTP_AUTH_PLAIN:
	case SMTP_AUTH_PASS:
		if (pos)
			smtp_enter(s, SMTP_READY);
		else
			smtp_quit_with(s, SMTP_DEFERRED, r);
		break;
	case SMTP_AUTH_LOGIN:
	case SMTP_AUTH_USER:
		if (r->code != 334) {
			smtp_quit_with(s, SMTP_DEFERRED, r);
			break;
		}
		smtp_enter(s, s->state == SMTP_AUTH_LOGIN ? SMTP_AUTH_USER :
		    SMTP_AUTH_PASS);
		break;
	case SMTP_TRANS:
		smtp_reply_trans(s, r);
		break;
	case SMTP_BODY:
		/* A reply before our "." is out: the server gave up on the
		 * message; the stream is out of step, so end here. */
		s->failed = 1;
		s->fail = *r;
		s->fail_outcome = r->code / 100 == 5 ? SMTP_BOUNCED :
		    SMTP_DEFERRED;
		smtp_closef(s, SMTP_DEFERRED, 0, NT("reply %d before the end of "
		    "the message: %.400s"), r->code, r->text);
		break;
	case SMTP_DOT:
		smtp_reply_dot(s, r);
		break;
	case SMTP_QUIT:
		if (s->close_set)
			smtp_close(s, s->close_outcome, &s->close_reply, 0);
		else
			smtp_close(s, SMTP_DELIVERED, r, 0);
		break;
	case SMTP_READY:
		/* Unsolicited: typically 421 idle timeout. */
		smtp_close(s, SMTP_DEFERRED, r, 0);
		break;
	case SMTP_CONNECT:
	case SMTP_TLS_IMPLICIT:
	case SMTP_TLS:
	case SMTP_CLOSED:
		break;
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
			smtp_closef(s, SMTP_DEFERRED, 1, NT("server sent data "
			    "after its reply to STARTTLS"));
			return;
		}
		rv = smtp_parse_feed(&s->parse, data, len, &used, &err);
		data += used;
		len -= used;
		if (rv == SMTP_PARSE_ERROR) {
			smtp_closef(s, SMTP_DEFERRED, 0, NT("bad reply from the "
			    "server: %s"), err);
			return;
		}
		if (rv == SMTP_PARSE_MORE)
			break;
		smtp_parse_reply(&s->parse, smtp_stage(s), &r);
		smtp_reply(s, &r);
	}
}

/* The connection ended or failed: connecting, in the handshake, while
 * reading or writing, or waiting for QUIT's reply. */
static void
smtp_lost(struct smtp_session *s, const char *why)
{
	if (s->state == SMTP_QUIT) {
		if (s->close_set)
			smtp_close(s, s->close_outcome, &s->close_reply, 0);
		else
			smtp_closef(s, SMTP_DELIVERED, 0, NT("closed after QUIT"));
		return;
	}
	if (s->state == SMTP_DOT)
		smtp_closef(s, SMTP_DEFERRED, 0, NT("%s after the final \".\": "
		    "delivery status unknown"), why);
	else
		smtp_closef(s, SMTP_DEFERRED, s->state == SMTP_TLS, "%s", why);
}

/* The state's timer ran out. */
static void
smtp_timeout(struct smtp_session *s)
{
	unsigned int	secs;

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
		smtp_lost(s, NT("no reply to QUIT"));
		return;
	}
	if (s->state == SMTP_DOT) {
		smtp_closef(s, SMTP_DEFERRED, 0, NT("no reply to the final \".\" "
		    "within %u s: delivery status unknown"), secs);
		return;
	}
	smtp_closef(s, SMTP_DEFERRED, s->state == SMTP_TLS,
	    NT("timed out after %u s (%s)"), secs, s->state == SMTP_BANNER ?
	    NT("waiting for the greeting") : s->state == SMTP_CONNECT ?
	    "connecting" : s->state == SMTP_BODY ? NT("sending the message") :
	    s->state == SMTP_TLS || s->state == SMTP_TLS_IMPLICIT ?
	    "TLS handshake" : NT("waiting for a reply"));
}

/* What the connection tells the protocol. */
static void
smtp_conn_event(struct conn *c, enum conn_event ev, void *arg)
{
	struct smtp_session	*s = arg;
	const char		*data;
	size_t			 len;

	switch (ev) {
	case CONN_CONNECTED:
		smtp_trace(s, "connected");
		smtp_enter(s, s->implicit_tls ? SMTP_TLS_IMPLICIT :
		    SMTP_BANNER);
		break;
	case CONN_TLSREADY:
		smtp_tls_up(s);
		break;
	case CONN_DATAIN:
		data = conn_input(c, &len);
		smtp_input(s, data, len);
		break;
	case CONN_LOWAT:
		smtp_body_fill(s);
		break;
	case CONN_DRAINED:
		/* The "." is out: now for its reply. */
		if (s->state == SMTP_BODY && s->body_end)
			smtp_enter(s, SMTP_DOT);
		break;
	case CONN_TIMEOUT:
		smtp_timeout(s);
		break;
	case CONN_DISCONNECTED:
		smtp_lost(s, NT("connection closed by the server"));
		break;
	case CONN_ERROR:
		smtp_lost(s, conn_error(c));
		break;
	}
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
		return set_cause(cause, NT("bad host name"));
	if (p->policy != TLS_POLICY_NONE && p->tls == NULL)
		return set_cause(cause, "TLS policy %s without a TLS context",
		    tls_policy_name(p->policy));
	if (p->implicit_tls && p->tls == NULL)
		return set_cause(cause, "implicit TLS without a TLS context");
	if (p->auth_user != NULL && (p->auth_pass == NULL ||
	    strlen(p->auth_user) > SMTP_SECRET_MAX - 1 ||
	    strlen(p->auth_pass) > SMTP_SECRET_MAX - 1))
		return set_cause(cause, NT("AUTH user name or password missing "
		    "or too long"));
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
			return set_cause(cause, _("smtp timeouts: '%.*s': "
			    "expected NAME=SECONDS"), (int)(end - p), p);
		for (i = 0; i < nitems(names); i++)
			if (strlen(names[i].name) == (size_t)(eq - p) &&
			    strncmp(names[i].name, p, (size_t)(eq - p)) == 0)
				break;
		if (i == nitems(names))
			return set_cause(cause, _("smtp timeouts: no timeout "
			    "called '%.*s' (connect, greeting, command, data, "
			    "block, dot)"), (int)(eq - p), p);
		/* A value too long for num is refused, never cut short
		 * ("0000000000000060" is not 6). */
		len = (size_t)(end - eq - 1);
		if (len < sizeof num) {
			memcpy(num, eq + 1, len);
			num[len] = '\0';
		}
		if (len >= sizeof num || parse_int(num, 1, 3600, &v) == -1)
			return set_cause(cause, _("smtp timeouts: %s: '%.*s' is "
			    "not a number of seconds from 1 to 3600"),
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

	s = xcalloc(1, sizeof *s);
	if ((s->conn = conn_new(loop, sa, salen, smtp_conn_event, s,
	    cause)) == NULL) {
		free(s);
		return NULL;
	}
	s->loop = loop;
	s->ev = *ev;
	s->arg = arg;
	smtp_parse_init(&s->parse);
	if (smtp_params_copy(s, p, cause) == -1) {
		smtp_free(s);
		return NULL;
	}
	tls_status_plain(&s->tls_status, s->policy);
	smtp_enter(s, SMTP_CONNECT);
	/* A connect refused at once closes the session before this returns
	 * (closed still comes from the loop). */
	if (conn_connect(s->conn, source, sourcelen, cause) == -1) {
		smtp_free(s);
		return NULL;
	}
	return s;
}
