/*
 * The SMTP client session's insides, shared by the protocol (smtp.c: what
 * to say and what replies mean) and the connection (smtp_io.c: socket,
 * TLS, buffers, timers). Not for other modules: they use smtp.h.
 */
#ifndef HERALD_SMTP_SESSION_H
#define HERALD_SMTP_SESSION_H

#include <stdint.h>

#include "base/loop.h"
#include "wire.h"

#define SMTP_CHUNK	16384		/* bytes read at a time */
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
	int			 fd;
	enum smtp_state		 state;
	char			 peer[64];

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

	/* Wire. */
	struct tls_conn		*tls;
	int			 tls_on;
	int			 hs_want;	/* handshake: LOOP_READ/WRITE */
	int			 read_wants_write;
	int			 write_wants_read;
	struct tls_status	 tls_status;
	struct smtp_parse	 parse;
	struct smtp_ext		 ext;
	struct buf		 out;
	size_t			 outoff;
	int			 out_secret;	/* wipe out once written */

	struct loop_timer	*timer;
	uint64_t		 deadline;
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
	int			 body_hold;	/* 354 read this turn: the body
						 * waits for the next one */
	int			 body_wait;	/* and for smtp_body_release */
	struct smtp_stuff	 stuff;
	unsigned int		 ntrans;	/* MAIL commands sent */
	int			 broken;	/* no further transaction */
	int			 quit_wanted;

	/* How it ends. */
	int			 close_set;
	enum smtp_outcome	 close_outcome;
	struct smtp_reply	 close_reply;
	int			 tls_failed;
};


/* smtp.c: the protocol. */
const char	*smtp_stage(const struct smtp_session *);
void		 smtp_reply(struct smtp_session *, const struct smtp_reply *);
void		 smtp_wait_banner(struct smtp_session *);
void		 smtp_tls_up(struct smtp_session *);
void		 smtp_kick(void *);
void		 smtp_quit_with(struct smtp_session *, enum smtp_outcome,
		    const struct smtp_reply *);
void		 smtp_quit_withf(struct smtp_session *, enum smtp_outcome,
		    const char *, ...) PRINTFLIKE(3, 4);

/* smtp_io.c: the connection. */
void		 smtp_trace(struct smtp_session *, const char *, ...)
		    PRINTFLIKE(2, 3);
void		 smtp_set_state(struct smtp_session *, enum smtp_state);
void		 smtp_timer_arm(struct smtp_session *, unsigned int);
void		 smtp_timer_stop(struct smtp_session *);
void		 smtp_kick_schedule(struct smtp_session *);
void		 smtp_send(struct smtp_session *, const char *, ...)
		    PRINTFLIKE(2, 3);
void		 smtp_send_secret(struct smtp_session *, const char *,
		    const unsigned char *, size_t);
void		 smtp_close(struct smtp_session *, enum smtp_outcome,
		    const struct smtp_reply *, int);
void		 smtp_closef(struct smtp_session *, enum smtp_outcome, int,
		    const char *, ...) PRINTFLIKE(4, 5);
void		 smtp_free(struct smtp_session *);
void		 smtp_tls_start(struct smtp_session *, enum smtp_state);
void		 smtp_handshake(struct smtp_session *);
void		 smtp_read(struct smtp_session *);
void		 smtp_flush(struct smtp_session *);
void		 smtp_update(struct smtp_session *);

#endif
