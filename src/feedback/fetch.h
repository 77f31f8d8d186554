/*
 * src/feedback/fetch.c: reading the mailbox feedback arrives in (config
 * feedback_source) and marking what was handled, so the next fetch reads
 * only what is new:
 *
 *   imaps://[USER@]HOST[:PORT]/MAILBOX   IMAP over TLS (libcurl)
 *   imap://[USER@]HOST[:PORT]/MAILBOX    IMAP, STARTTLS required
 *   pop3s://[USER@]HOST[:PORT]           POP3 over TLS
 *   maildir:/PATH                        new/ and cur/
 *   mbox:/PATH                           read, never written
 *
 * Each message's bytes go to the caller's function (feedback_fetch_once:
 * feedback_process, on a dry run without recording); only when it says
 * the message was handled is it marked, per feedback_processed: "flag" (IMAP \Seen and
 * $HeraldDone, Maildir S) or "move:FOLDER" (IMAP UID MOVE, or UID COPY
 * then the flags; a Maildir's .FOLDER). Nothing is ever expunged or
 * deleted. POP3 cannot mark: the UIDLs handled are kept in the store. An
 * mbox is left as it is: the recorder notices a message read before.
 *
 * May use: src/base, src/store, src/config.
 */
#ifndef HERALD_FEEDBACK_FETCH_H
#define HERALD_FEEDBACK_FETCH_H

#include <stddef.h>

#include "record.h"

struct store;
struct config;

/*
 * One message: its bytes and the source naming it ("imaps://HOST/INBOX;
 * UID=7", "pop3s://HOST;UIDL=...", a file, "mbox:/PATH:LINE"). Returns 0
 * when it was handled (it is then marked), 1 when it was not but the
 * fetch goes on, -1 with *cause to stop (a database error: nothing of
 * this message was kept).
 */
typedef int	(*feedback_fetch_fn)(const char *buf, size_t len,
		    const char *source, void *arg, char **cause);
/* A message left unprocessed (too large, unreadable) and why. */
typedef void	(*feedback_skip_fn)(const char *source, const char *why,
		    void *arg);

struct feedback_fetch {
	const char		*source;	/* feedback_source */
	const char		*password;	/* IMAP, POP3; else NULL */
	const char		*ca_file;	/* extra trust anchors, or
						 * NULL: the system's only */
	const char		*processed;	/* "flag", "move:FOLDER" */
	int			 dry_run;	/* mark nothing */
	struct store		*st;		/* POP3's UIDLs handled */
	feedback_fetch_fn	 message;
	feedback_skip_fn	 skip;
	void			*arg;
	volatile int		*stop;		/* set: stop after this
						 * message (may be NULL) */
};

struct feedback_fetch_stats {
	int	messages;	/* given to message() */
	int	marked;		/* marked processed */
	int	skipped;	/* left as they were (skip() told) */
};

/* Does the source need a password (imap, imaps, pop3s)? */
int		 feedback_fetch_remote(const char *source);
/*
 * The source as it may be shown: without user or password. Allocated.
 */
char		*feedback_fetch_display(const char *source);
/*
 * Read every message not yet handled. 0 when all were read, -1 with
 * *cause when the fetch stopped (the server could not be reached, refused
 * the login, dropped the connection: the cause names the message); what
 * was handled before stays marked, and the next fetch resumes.
 */
int		 feedback_fetch_run(const struct feedback_fetch *,
		    struct feedback_fetch_stats *, char **cause);

/*
 * Fetch once what config's feedback_source holds, each message read,
 * recorded and acted on by feedback_process (on a dry run only read:
 * nothing recorded, nothing marked), then marked as feedback_processed
 * says. What the CLI, the watch and the console call. done gets each
 * message's result (its findings, and per finding the action and send:
 * NONE and 0 on a dry run), skip each message left as it was. password:
 * for imaps, imap, pop3s, or NULL: then feedback_password_file's (an
 * error when it is not set). The console's Feedback view calls this with
 * the store and configuration it holds and stop set by its cancel key.
 */
struct feedback_fetch_summary {
	int	messages;	/* read */
	int	recorded;	/* new: recorded and acted on */
	int	duplicates;	/* read before: nothing done again */
	int	errors;		/* unreadable, or left unread (too large) */
	int	marked;		/* marked processed in the mailbox */
};
typedef void	(*feedback_fetched_fn)(const char *source,
		    const struct feedback_result *, void *arg);
int		 feedback_fetch_once(struct store *, const struct config *,
		    const char *source, const char *password, int dry_run,
		    feedback_fetched_fn done, feedback_skip_fn skip,
		    void *arg, volatile int *stop,
		    struct feedback_fetch_summary *, char **cause);
/* The action taken on r's i-th finding: "none" on a dry run. */
const char	*feedback_fetch_action(const struct feedback_result *r,
		    size_t i);
/*
 * The password of a remote source from config feedback_password_file (the
 * first line of a file of mode 0600). 0 with *out (allocated; wipe it
 * with feedback_password_free), 1 when the key is not set, -1 with
 * *cause.
 */
int		 feedback_fetch_password(const struct config *, char **out,
		    char **cause);
void		 feedback_password_free(char *);

/*
 * The server answers a fetch reads (fetch_reply.c), as libcurl hands
 * them over: the UIDs of "* SEARCH" lines (*uids allocated; their
 * number), the RFC822.SIZE (and whether FLAGS hold \Seen; seen may be
 * NULL) of each of uids[0..n) from "* N FETCH (...)" lines (left as they
 * were when a line does not say), POP3's UIDL listing and LIST sizes.
 * Lines not understood are skipped.
 */
size_t		 feedback_imap_search(const char *text, unsigned long **uids);
void		 feedback_imap_sizes(const char *text,
		    const unsigned long *uids, size_t n, long long *size,
		    int *seen);
struct feedback_pop3 {
	unsigned long	 num;	/* in this session */
	long long	 size;	/* -1: unknown */
	char		*uidl;
};
size_t		 feedback_pop3_uidl(const char *text,
		    struct feedback_pop3 **out);
void		 feedback_pop3_sizes(const char *text,
		    struct feedback_pop3 *, size_t n);
void		 feedback_pop3_free(struct feedback_pop3 *, size_t n);

/*
 * The watch (watch.c): `herald feedback watch` detached, one per database
 * (its lock DB.feedback.lock beside the database, its log DB.feedback.log).
 * Started when a send's engine is started; it fetches every
 * feedback_interval minutes while a send runs or finished less than
 * feedback_watch hours ago.
 */
char		*feedback_watch_lock_path(const char *db_path);
char		*feedback_watch_log_path(const char *db_path);
/* Take the watch's lock for this process (held until exit). 0, 1 when
 * another process holds it, -1 with *cause. */
int		 feedback_watch_lock(const char *db_path, char **cause);
/* Start `herald [--db DB] [--config FILE] feedback watch` detached. 0, or
 * -1 with *cause. A watch already running makes the new one exit. */
int		 feedback_watch_spawn(const char *db_path,
		    const char *config_path, char **cause);

#endif
