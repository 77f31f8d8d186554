/*
 * The send: an issue delivered to the members of its list, recipient by
 * recipient, by one engine process per send. This header is src/send's
 * front door: the use case the front ends run (send.c), and the headers
 * they need beside it.
 *
 * `herald send ID` snapshots the members into recipients rows and starts
 * the engine detached (send_begin); the engine (engine_run) runs one
 * non-blocking event loop driving every SMTP session, with DNS lookups and
 * rendering+signing in a few worker threads, and commits every state
 * change of the turn, with an event row each, before the loop sleeps. The
 * console and `send --follow` read the database only: the recipients'
 * states and the send_events rows, tailed by id.
 *
 * A recipient: queued -> connecting -> sent-data -> delivered | deferred |
 * bounced | unknown. "connecting": bound to a session being set up, or
 * handed to one for its transaction while MAIL, RCPT and DATA are under
 * way (nothing of the message has gone out). "sent-data": the server
 * answered 354 to DATA, and the body is written only once that is
 * committed (smtp.h); from here on the final "." may have gone out, so an
 * engine that dies leaves it "unknown" (never resent without `herald
 * resume ID --retry-unknown`), while one left "connecting" goes back to
 * "queued". "deferred" carries the time of its next attempt; a deferred
 * recipient whose time has come is "queued" again.
 *
 * What lives in src/send:
 *   send.c     starting and resuming a send, a send's state (this header)
 *   types.h    the send's row and enum types (the store's too)
 *   state.c    pure pieces: states, retry schedule, back-off, rate
 *   timing.c   pure pieces: start times (--at) and send windows
 *   schedule.c a scheduled send's wait, its checks at its time, and
 *              resuming every send after a reboot
 *   setup.c    settings, the recipients' snapshot, the dry run
 *   law.c      the law on advertising mail: the footer, the gate
 *   lock.c     one engine per send; starting it detached
 *   run.c      the engine's life: `herald engine ID` and the test mode
 *   engine.c   the engine's event loop: window, destinations, outcomes
 *   session.c  the engine's SMTP sessions
 *   route.c    MX, addresses and DANE's TLSA for a domain, or the relay
 *   workers.c  routing and rendering+signing threads
 *   commit.c   the thread that writes the state changes
 * It may use src/base, src/store, src/smtp, src/auth, src/mail and
 * src/config; never src/cli or ui/ (the front ends, which use it).
 */
#ifndef HERALD_SEND_H
#define HERALD_SEND_H

#include <stdint.h>

#include "law.h"
#include "lock.h"
#include "run.h"
#include "setup.h"
#include "state.h"
#include "timing.h"
#include "types.h"

struct config;
struct issue;
struct store;

/* What a front end brings to the send subsystem. */
struct send_ctx {
	struct store		*st;
	const struct config	*cfg;
	const char		*db_path;
};

/* A send as it stands now. */
struct send_now {
	struct send_counts	 counts;
	int			 paused;	/* a pause was asked for */
	int			 engine;	/* an engine holds the lock (a
						 * scheduled send's: waiting) */
	enum send_state		 state;		/* from all of these */
	/* Its timing (timing.h, store_timing.h). */
	int64_t			 scheduled_at;	/* 0: started at once */
	char			 schedule[16];	/* "", scheduled, held,
						 * cancelled */
	char			 held_reason[1024]; /* English, as stored */
	char			 window[48];	/* "": any time */
	int64_t			 window_opens;	/* SEND_OUTSIDE: when */
};
/* A send's state now: its counts, its pause flag, whether an engine
 * holds its lock, its schedule and its window, as `herald status` and
 * the Send screen show it. 0, or -1 with *cause. */
int		 send_state_read(const struct send_ctx *, int64_t id,
		    struct send_now *, char **cause);

/* Where the relay password of a send comes from. */
enum send_password_from {
	SEND_PASSWORD_NONE,	/* the send does not authenticate */
	SEND_PASSWORD_FILE,	/* relay_password_file */
	SEND_PASSWORD_ASK,	/* the front end asks for it */
};
enum send_password_from send_password_from(const struct send_settings *);

/*
 * Starting and resuming a send. Each step returns 0, or the exit status
 * the command ends with (EXIT_*, base/util.h) with *cause, the message to
 * show. The front end parses its options into the settings between
 * send_prepare and send_ready, and gets the relay password (when
 * send_password_from says so) before send_begin or send_resume_start.
 */
struct send_begun {
	int64_t			 queued, skipped;  /* send_begin */
	int64_t			 requeued;	/* --retry-unknown */
	struct send_counts	 counts;	/* after the resume */
	int64_t			 last;		/* latest event before */
	int64_t			 pid;		/* the engine's */
};
/* The issue and the settings the configuration gives (*is and *set are
 * initialised in any case: free them). */
int		 send_prepare(const struct send_ctx *, int64_t id,
		    struct issue *, struct send_settings *, char **cause);
/* Complete the settings and check what must hold before anything is
 * recorded (the trust file, the DKIM keys). *warning, when not NULL:
 * allocated, the messages go out unsigned. */
int		 send_ready(const struct send_ctx *, const struct issue *,
		    struct send_settings *, char **warning, char **cause);
/* When a send starts, and what it was let through with: kept with the
 * send before its engine starts. */
struct send_when {
	int64_t		 at;		/* --at: it waits until then; 0: now */
	const char	*window;	/* as timing_window_format writes it;
					 * NULL or "": any time */
	const char	*law_override;	/* --i-know: what the law gate found
					 * missing (English); NULL: nothing */
};
/* Record the send and snapshot its recipients, then start its engine
 * (which, for a send with a time, waits for it: a waiter that holds the
 * send's lock). EXIT_TEMPFAIL: recorded, but the engine did not start
 * (resume starts it once that is put right). */
int		 send_begin(const struct send_ctx *, const struct issue *,
		    const struct send_settings *, const struct send_when *,
		    const char *password, struct send_begun *, char **cause);
/* Wait up to 15 s for a paused send's engine to finish what it had in
 * flight. 1 if it is still running. */
int		 send_wait_engine(const struct send_ctx *, int64_t id);
/* A send to resume as it stands; when a pause was asked for, its engine
 * is given time to finish (*finishing: it is still at it). */
int		 send_resume_check(const struct send_ctx *,
		    const struct send_info *, struct send_now *, int *finishing,
		    char **cause);
/* Record the resume (its settings, no pause, the unknown recipients
 * queued again when asked); *finished: nothing is left to do. */
int		 send_resume_record(const struct send_ctx *,
		    const struct send_info *, int retry_unknown,
		    struct send_begun *, int *finished, char **cause);
/* Start the resumed send's engine. EXIT_TEMPFAIL as send_begin. */
int		 send_resume_start(const struct send_ctx *, int64_t id,
		    const char *password, struct send_begun *, char **cause);

#endif
