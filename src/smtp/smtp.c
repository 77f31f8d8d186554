/*
 * The SMTP client: one non-blocking session per connection, a state
 * machine after OpenSMTPD's smtp_client.c. One function sends each
 * command; replies are matched against what was sent, in order, so
 * pipelined commands need no special case; results leave only through the
 * callbacks. The connection itself (socket, TLS, buffers, timers) is
 * smtp_io.c; the wire format (replies, EHLO keywords, dot-stuffing) is
 * smtp_wire.c.
 *
 * Callbacks are only ever called from the loop (a descriptor or timer
 * event), never from inside smtp_connect, smtp_submit, smtp_quit or
 * smtp_abort. A session that ends is torn down at once (no more I/O) and
 * its last callbacks (done for a message in flight, then closed) run from
 * a 0 ms timer, after which it is freed: so a callback may call any
 * function on its own session and the session is still there afterwards.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_session.h"

static const char *strcmd[] = { "rset", "mail", "rcpt", "data" };

static void	smtp_enter_ready(struct smtp_session *);

/* The stage word of the current state, for replies. */
const char *
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

/*
 * Say QUIT and end when it is answered (or the server hangs up); the
 * session then closes with outcome and r, or as a clean QUIT if r is NULL.
 */
void
smtp_quit_with(struct smtp_session *s, enum smtp_outcome outcome,
    const struct smtp_reply *r)
{
	if (s->state == SMTP_CLOSED || s->state == SMTP_QUIT)
		return;
	if (r != NULL && !s->close_set) {
		s->close_set = 1;
		s->close_outcome = outcome;
		s->close_reply = *r;
	}
	smtp_set_state(s, SMTP_QUIT);
	smtp_send(s, "QUIT");
	smtp_timer_arm(s, s->t_command < SMTP_QUIT_MAX ? s->t_command :
	    SMTP_QUIT_MAX);
}

/* smtp_quit_with a message made here. */
void
smtp_quit_withf(struct smtp_session *s, enum smtp_outcome outcome,
    const char *fmt, ...)
{
	struct smtp_reply	r;
	va_list			ap;

	memset(&r, 0, sizeof r);
	snprintf(r.stage, sizeof r.stage, "%s", smtp_stage(s));
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof r.text, fmt, ap);
	va_end(ap);
	smtp_quit_with(s, outcome, &r);
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
	smtp_timer_stop(s);
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
	smtp_enter_ready(s);
}

/* The last callbacks of a closed session, or a deferred local result. */
void
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
		smtp_flush(s);
		smtp_update(s);
	}
}

/* Tell the engine the session is ready (or quit if it asked to). */
static void
smtp_enter_ready(struct smtp_session *s)
{
	if (s->quit_wanted) {
		smtp_quit_with(s, SMTP_DELIVERED, NULL);
		return;
	}
	smtp_timer_stop(s);
	smtp_set_state(s, SMTP_READY);
	s->ev.ready(s, s->arg);
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
		smtp_timer_arm(s, s->t_data);
	else
		smtp_timer_arm(s, s->t_command);
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
	s->body_hold = 0;
	smtp_set_state(s, SMTP_TRANS);

	if (m->mail_from == NULL || m->rcpt == NULL || m->data == NULL ||
	    smtp_arg_ok(m->mail_from, 256) == -1 || m->rcpt[0] == '\0' ||
	    smtp_arg_ok(m->rcpt, 256) == -1) {
		smtp_refuse(s, SMTP_BOUNCED, "address not usable in SMTP "
		    "(control characters, spaces, non-ASCII, or too long)");
		return 0;
	}
	if (m->eightbit && !(s->ext.flags & SMTP_EXT_8BITMIME)) {
		smtp_refuse(s, SMTP_DEFERRED, "message has 8-bit data and %s "
		    "does not offer 8BITMIME (RFC 6152)", s->host);
		return 0;
	}
	if ((s->ext.flags & SMTP_EXT_SIZE) && s->ext.size > 0 &&
	    m->len > s->ext.size) {
		smtp_refuse(s, SMTP_BOUNCED, "message size %zu exceeds the "
		    "server's limit of %llu (SIZE)", m->len, s->ext.size);
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
	smtp_update(s);
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
		smtp_update(s);
	}
}

/* Close now; callbacks follow from the loop. */
void
smtp_abort(struct smtp_session *s)
{
	if (s->state == SMTP_CLOSED)
		return;
	smtp_closef(s, SMTP_DEFERRED, 0, "session aborted by herald");
}

/* What TLS was negotiated. */
const struct tls_status *
smtp_tls_status(const struct smtp_session *s)
{
	return &s->tls_status;
}

/* The peer as text. */
const char *
smtp_peer(const struct smtp_session *s)
{
	return s->peer;
}

/* Start the greeting wait (after connect, or after implicit TLS). */
void
smtp_wait_banner(struct smtp_session *s)
{
	smtp_set_state(s, SMTP_BANNER);
	smtp_timer_arm(s, s->t_greeting);
}

/* TLS is up: apply the policy, then read the greeting (implicit TLS) or
 * say EHLO again. */
void
smtp_tls_up(struct smtp_session *s)
{
	char	*cause = NULL;

	if (tls_conn_status(s->tls, s->policy, &s->tls_status, &cause) == -1) {
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
	if (s->state == SMTP_TLS_IMPLICIT) {
		smtp_wait_banner(s);
		return;
	}
	/* RFC 3207 4.2: forget what was said in plaintext. */
	memset(&s->ext, 0, sizeof s->ext);
	smtp_set_state(s, SMTP_EHLO);
	smtp_send(s, "EHLO %s", s->helo);
	smtp_timer_arm(s, s->t_command);
}

/* Whether the policy demands TLS on this connection. */
static int
smtp_tls_required(const struct smtp_session *s)
{
	return s->policy == TLS_POLICY_ENCRYPT ||
	    s->policy == TLS_POLICY_VERIFY ||
	    (s->policy == TLS_POLICY_DANE && (s->ntlsa > 0 ||
	    s->tls_required));
}

/* EHLO (or HELO) done: STARTTLS, AUTH, or ready. */
static void
smtp_after_ehlo(struct smtp_session *s)
{
	unsigned char	 raw[2 * SMTP_SECRET_MAX + 2];
	size_t		 ulen, plen;

	if (!s->tls_on) {
		if (s->policy != TLS_POLICY_NONE && !s->no_starttls &&
		    (s->ext.flags & SMTP_EXT_STARTTLS)) {
			smtp_set_state(s, SMTP_STARTTLS);
			smtp_send(s, "STARTTLS");
			smtp_timer_arm(s, s->t_command);
			return;
		}
		if (smtp_tls_required(s)) {
			smtp_set_state(s, SMTP_STARTTLS);
			smtp_quit_withf(s, SMTP_DEFERRED, s->no_starttls ?
			    "TLS required (policy %s) but a plaintext retry "
			    "was asked for" : "TLS required (policy %s) but "
			    "not offered by %s", tls_policy_name(s->policy),
			    s->host);
			return;
		}
	}
	if (s->auth_user == NULL) {
		smtp_enter_ready(s);
		return;
	}
	smtp_set_state(s, SMTP_AUTH_PLAIN);
	if (!s->tls_on) {
		smtp_quit_withf(s, SMTP_DEFERRED, "AUTH needs TLS: credentials "
		    "are never sent in plaintext");
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
	} else if (s->ext.auth & SMTP_MECH_LOGIN) {
		smtp_set_state(s, SMTP_AUTH_LOGIN);
		smtp_send(s, "AUTH LOGIN");
	} else {
		smtp_quit_withf(s, SMTP_DEFERRED, "%s offers neither AUTH "
		    "PLAIN nor AUTH LOGIN", s->host);
		return;
	}
	smtp_timer_arm(s, s->t_command);
}

/* Keep the body back until smtp_body_release (smtp.h). */
void
smtp_body_wait(struct smtp_session *s)
{
	if (s->state == SMTP_BODY)
		s->body_wait = 1;
}

/* The 354 is on record: the body may go now (the turn it came in is
 * over, since the caller learnt that after it). */
void
smtp_body_release(struct smtp_session *s)
{
	if (!s->body_wait)
		return;
	s->body_wait = 0;
	s->body_hold = 0;
	if (s->state != SMTP_BODY)
		return;
	smtp_flush(s);
	smtp_update(s);
}

/*
 * The 354 came: tell the caller, and stream the message from the next
 * loop turn on (smtp_io clears body_hold when the loop next calls it), so
 * that the caller's before-sleep hook runs in between (smtp.h).
 */
static void
smtp_body_start(struct smtp_session *s)
{
	smtp_set_state(s, SMTP_BODY);
	smtp_stuff_init(&s->stuff);
	s->body_off = 0;
	s->body_end = 0;
	s->body_hold = 1;
	s->body_wait = 0;
	smtp_timer_arm(s, s->t_block);
	if (s->ev.data != NULL)
		s->ev.data(s, s->msg, s->arg);
}

/* One reply in a transaction (RSET, MAIL, RCPT, DATA). */
static void
smtp_reply_trans(struct smtp_session *s, const struct smtp_reply *r)
{
	enum smtp_cmd	cmd;
	int		ok;

	if (s->nreplied >= s->nsent) {
		smtp_closef(s, SMTP_DEFERRED, 0, "unexpected reply: %d %.400s",
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
			smtp_closef(s, SMTP_DEFERRED, 0, "354 to DATA after a "
			    "refused command: closing");
			return;
		}
		smtp_body_start(s);
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
			    "unexpected reply %d to %s: %.400s", r->code,
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
void
smtp_reply(struct smtp_session *s, const struct smtp_reply *r)
{
	unsigned char	raw[SMTP_SECRET_MAX];
	size_t		len;
	int		pos = r->code / 100 == 2;

	smtp_trace(s, "<<< %d %s%s%s", r->code, r->enhanced,
	    r->enhanced[0] != '\0' ? " " : "", r->text);
	switch (s->state) {
	case SMTP_BANNER:
		if (!pos) {
			smtp_quit_with(s, smtp_class(r), r);
			break;
		}
		smtp_set_state(s, SMTP_EHLO);
		smtp_send(s, "EHLO %s", s->helo);
		smtp_timer_arm(s, s->t_command);
		break;
	case SMTP_EHLO:
		if (pos) {
			smtp_ext_parse(&s->ext, s->parse.text.data,
			    s->parse.text.len);
			smtp_after_ehlo(s);
		} else if (r->code / 100 == 5 && !s->tls_on) {
			smtp_set_state(s, SMTP_HELO);
			smtp_send(s, "HELO %s", s->helo);
			smtp_timer_arm(s, s->t_command);
		} else
			smtp_quit_with(s, smtp_class(r), r);
		break;
	case SMTP_HELO:
		if (!pos) {
			smtp_quit_with(s, smtp_class(r), r);
			break;
		}
		memset(&s->ext, 0, sizeof s->ext);
		smtp_after_ehlo(s);
		break;
	case SMTP_STARTTLS:
		if (pos) {
			smtp_tls_start(s, SMTP_TLS);
			if (s->state == SMTP_TLS)
				smtp_handshake(s);
		} else if (smtp_tls_required(s))
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
			smtp_enter_ready(s);
		else
			smtp_quit_with(s, SMTP_DEFERRED, r);
		break;
	case SMTP_AUTH_LOGIN:
	case SMTP_AUTH_USER:
		if (r->code != 334) {
			smtp_quit_with(s, SMTP_DEFERRED, r);
			break;
		}
		if (s->state == SMTP_AUTH_LOGIN) {
			len = strlen(s->auth_user);
			memcpy(raw, s->auth_user, len);
			smtp_set_state(s, SMTP_AUTH_USER);
		} else {
			len = strlen(s->auth_pass);
			memcpy(raw, s->auth_pass, len);
			smtp_set_state(s, SMTP_AUTH_PASS);
		}
		smtp_send_secret(s, "", raw, len);
		explicit_bzero(raw, sizeof raw);
		smtp_timer_arm(s, s->t_command);
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
		smtp_closef(s, SMTP_DEFERRED, 0, "reply %d before the end of "
		    "the message: %.400s", r->code, r->text);
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

