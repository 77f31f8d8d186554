/*
 * src/smtp: the SMTP client, its connection and its wire format. It uses
 * src/base only (and OpenSSL, in tls.c). Its users (src/config for the
 * timeouts, src/send, the lab probe) include this header, tls.h and
 * reply_class.h; conn.h and wire.h are for src/smtp (and its unit tests).
 *
 *   smtp.c         the protocol: one state machine per session (this header)
 *   conn.c         the connection below it: socket, TLS, buffers, timer,
 *                  events; knows nothing of SMTP (conn.h)
 *   wire.c         replies, EHLO keywords, dot-stuffing, no I/O (wire.h)
 *   tls.c          OpenSSL: contexts, handshakes, what was proved (tls.h)
 *   reply_class.c  what a failure reply means (reply_class.h)
 *
 * The SMTP client: one non-blocking session per connection, a state
 * machine driven by the event loop (base/loop.h), as OpenSMTPD's
 * smtp_client.c. EHLO (HELO fallback), STARTTLS then EHLO again forgetting
 * the old extensions, AUTH PLAIN/LOGIN only over TLS, SIZE, PIPELINING
 * where offered, 8BITMIME when needed, enhanced status codes, multi-line
 * replies, the RFC 5321 4.5.3.2 timeouts, dot-stuffing, CRLF only on the
 * wire, several messages per connection (RSET between transactions), QUIT.
 *
 * Results leave only through the callbacks in struct smtp_events.
 *
 * When the message body goes out: a transaction is MAIL, RCPT, DATA (sent
 * together where PIPELINING is offered), then, once the server has
 * answered 354 to DATA, the body and its final "." (BDAT/CHUNKING is never
 * used). The 354 is reported through events->data, and the session writes
 * no byte of the body before the next turn of the loop (base/loop.h), that
 * is, not before the loop's before-sleep hook has run again. So what the
 * caller records in the data callback and commits in its before-sleep hook
 * is on disk before any of the message, the final "." above all, can be
 * on the wire; a caller killed before that commit has sent MAIL, RCPT and
 * DATA at most, which delivers nothing. Pipelining changes none of this:
 * the 354 is always read before the body is written.
 */
#ifndef HERALD_SMTP_H
#define HERALD_SMTP_H

#include <sys/socket.h>

#include <stddef.h>

#include "tls.h"

struct loop;
struct smtp_session;

enum smtp_outcome {
	SMTP_DELIVERED,		/* 2xx after the final "." */
	SMTP_DEFERRED,		/* 4xx, or the connection failed before "." */
	SMTP_BOUNCED,		/* 5xx */
	SMTP_UNKNOWN,		/* "." sent, no reply: never resend silently */
};

struct smtp_reply {
	int	 code;			/* 0 when there was no reply */
	char	 enhanced[16];		/* "5.1.1", "" when none */
	char	 text[512];		/* the reply, lines joined by " / ",
					 * control characters replaced */
	char	 stage[12];		/* connect, banner, ehlo, helo, starttls,
					 * auth, mail, rcpt, data, dot, rset,
					 * quit, idle */
};

struct smtp_params {
	const char		*helo;		/* our name */
	const char		*host;		/* the MX (or relay) name: SNI and
						 * the certificate name check */
	enum tls_policy		 policy;
	int			 no_starttls;	/* retry after a failed handshake
						 * under "may": plaintext */
	int			 implicit_tls;	/* port 465 relays */
	struct tls_ctx		*tls;
	const struct tls_tlsa	*tlsa;		/* for dane, validated */
	size_t			 ntlsa;
	int			 tls_required;	/* dane: TLS even without
						 * usable TLSA records */
	const char		*auth_user;	/* relay AUTH, NULL: none */
	const char		*auth_pass;
	unsigned int		 max_messages;	/* per connection; 0: 100 */
	/* Timeouts in seconds (0: RFC 5321 4.5.3.2 defaults: connect 30,
	 * greeting 300, EHLO/MAIL/RCPT 300, DATA 120, block 180, "." 600). */
	unsigned int		 t_connect, t_greeting, t_command, t_data,
				 t_block, t_dot;
};

/*
 * The RFC 5321 4.5.3.2 timeouts in seconds, 0 for the default. As text
 * (option --smtp-timeouts, key smtp_timeouts): "NAME=SECS,..." with names
 * connect, greeting, command (EHLO, MAIL, RCPT, RSET), data (the DATA
 * command), block (each body write) and dot (the reply to ".").
 */
struct smtp_timeouts {
	unsigned int	 connect, greeting, command, data, block, dot;
};
int		 smtp_timeouts_parse(const char *, struct smtp_timeouts *,
		    char **cause);
void		 smtp_timeouts_apply(const struct smtp_timeouts *,
		    struct smtp_params *);

/* One message for one recipient. The data are not dot-stuffed: the
 * session stuffs as it writes. */
struct smtp_msg {
	const char	*mail_from;
	const char	*rcpt;
	const char	*data;		/* CRLF line ends */
	size_t		 len;
	int		 eightbit;	/* has 8-bit bytes: BODY=8BITMIME */
	void		*cookie;	/* the caller's */
};

struct smtp_events {
	/* Ready for a message: after the greeting, EHLO, TLS and AUTH, and
	 * after each transaction. Call smtp_submit() or smtp_quit(). */
	void	(*ready)(struct smtp_session *, void *arg);
	/* The server answered 354 to the DATA of msg: the body goes next.
	 * Guaranteed: no byte of the body (nor the final ".") is written
	 * before the next loop turn, so the before-sleep hook runs between
	 * this callback and the body. Called at most once per message, and
	 * never for one refused before DATA; done follows in every case (an
	 * outcome of UNKNOWN only ever after this callback). NULL: not
	 * wanted (the body is still held for a turn). */
	void	(*data)(struct smtp_session *, struct smtp_msg *, void *arg);
	/* One submitted message's outcome. */
	void	(*done)(struct smtp_session *, struct smtp_msg *,
		    enum smtp_outcome, const struct smtp_reply *, void *arg);
	/* The session is over; the session is freed after this returns.
	 * outcome is DELIVERED for a clean QUIT, else DEFERRED (or BOUNCED
	 * for a 5xx greeting or EHLO) with the reply and why. tls_failed is
	 * set when a STARTTLS handshake failed (under "may" the caller may
	 * retry the host with no_starttls). */
	void	(*closed)(struct smtp_session *, enum smtp_outcome,
		    const struct smtp_reply *, int tls_failed, void *arg);
};

/*
 * Connect to addr (from source, which may be NULL) and run a session.
 * Returns NULL with *cause if the socket cannot even be made; every later
 * failure arrives through events->closed.
 */
struct smtp_session *smtp_connect(struct loop *, const struct sockaddr *,
		    socklen_t, const struct sockaddr *source, socklen_t,
		    const struct smtp_params *, const struct smtp_events *,
		    void *arg, char **cause);
/* Hand a message to a ready session. -1 if the session is not ready. */
int		 smtp_submit(struct smtp_session *, struct smtp_msg *);
/* Say QUIT and close when idle. */
void		 smtp_quit(struct smtp_session *);
/* Close now (messages in flight: DEFERRED, or UNKNOWN after "."). */
void		 smtp_abort(struct smtp_session *);
/*
 * From the data callback: keep this message's body back until
 * smtp_body_release(), for a caller that records the 354 on disk in the
 * background and may let the body go only once it is there.
 */
void		 smtp_body_wait(struct smtp_session *);
void		 smtp_body_release(struct smtp_session *);
/* What TLS was negotiated (or not) on this session. */
const struct tls_status *smtp_tls_status(const struct smtp_session *);
/* The peer's address as text. */
const char	*smtp_peer(const struct smtp_session *);
/* 1 once the server's EHLO reply offered 8BITMIME (RFC 6152), else 0. */
int		 smtp_offers_8bitmime(const struct smtp_session *);
/* Did the server offer STARTTLS (1), not (0), or has it not said yet
 * (-1: no EHLO reply)? For the TLS report of a session. */
int		 smtp_starttls_offered(const struct smtp_session *);
/* Our address on the connection ("" before it is up). */
const char	*smtp_local(const struct smtp_session *);

#endif
