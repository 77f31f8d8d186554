/*
 * The engine's committer: a thread with a database connection of its own
 * that writes the recipients' state changes, so the event loop never waits
 * for SQLite. The loop hands over each turn's changes and goes on; while
 * one transaction is being written the next turns' changes gather, and go
 * in the following one (a group commit). A session whose 354 is among the
 * changes keeps its body back until the transaction holding that change is
 * committed (smtp_body_wait), so "sent-data" is always on disk before a
 * byte of the message leaves.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "commit.h"
#include "store/store.h"
#include "store/store_sts.h"
#include "store/store_tls.h"

/* A row beside the recipients' changes: a session's TLS outcome or an
 * MTA-STS policy for the cache, written after the batch it came with. */
struct side {
	int			 is_sts;
	struct tls_session_rec	 tls;		/* strings owned */
	struct sts_cache_row	 sts;
	struct side		*next;
};

struct committer {
	pthread_t		 thread;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 work;		/* changes are waiting */
	pthread_cond_t		 done_cv;	/* a transaction ended */
	int			 efd;		/* readable: one ended */
	struct store		*st;
	int64_t			 send_id;

	struct send_change	*pend;		/* handed over, not written */
	size_t			 npend, cappend;
	uint64_t		 submitted;	/* batches handed over */
	uint64_t		 done;		/* batches on disk */
	struct side		*side, **side_tail;	/* handed over */
	char			*error;		/* the first failure */
	int			 quit;
};

/* Free side rows. */
static void
committer_side_free(struct side *sd)
{
	struct side	*next;

	for (; sd != NULL; sd = next) {
		next = sd->next;
		if (sd->is_sts)
			sts_cache_row_free(&sd->sts);
		else {
			free((char *)sd->tls.domain);
			free((char *)sd->tls.policy_type);
			free((char *)sd->tls.policy_string);
			free((char *)sd->tls.mx_host);
			free((char *)sd->tls.mx_ip);
			free((char *)sd->tls.sending_ip);
			free((char *)sd->tls.result);
			free((char *)sd->tls.detail);
		}
		free(sd);
	}
}

/* Write side rows. A row that cannot be written is dropped: a TLS report
 * short of a session, or a policy fetched again, is no reason to stop
 * the send. */
static void
committer_side_write(struct committer *c, struct side *sd)
{
	char	*cause;

	for (; sd != NULL; sd = sd->next) {
		cause = NULL;
		if (sd->is_sts)
			(void)store_sts_put(c->st, &sd->sts, &cause);
		else
			(void)store_tls_session_add(c->st, &sd->tls, &cause);
		free(cause);
	}
}

/* Write one gathered batch, as engine turns did: retried a few times when
 * the database is busy or locked. */
static int
committer_write(struct committer *c, const struct send_change *chg,
    size_t n, char **cause)
{
	int	try;

	for (try = 0; try < 5; try++) {
		if (store_send_record(c->st, c->send_id, chg, n, cause) == 0)
			return 0;
		if (try < 4) {
			free(*cause);
			*cause = NULL;
			usleep(200000);
		}
	}
	return -1;
}

static void *
committer_main(void *arg)
{
	struct committer	*c = arg;
	struct send_change	*work = NULL, *t;
	struct side		*side;
	size_t			 n, capwork = 0, tc;
	uint64_t		 seq, one = 1;
	char			*cause;
	int			 rc;

	pthread_mutex_lock(&c->mtx);
	for (;;) {
		while (c->npend == 0 && c->side == NULL && !c->quit)
			pthread_cond_wait(&c->work, &c->mtx);
		if (c->npend == 0 && c->side == NULL)
			break;
		/* Take everything handed over so far: one transaction. The
		 * buffers change places; the loop fills the other meanwhile. */
		n = c->npend;
		seq = c->submitted;
		t = work;
		work = c->pend;
		c->pend = t;
		tc = capwork;
		capwork = c->cappend;
		c->cappend = tc;
		c->npend = 0;
		side = c->side;
		c->side = NULL;
		c->side_tail = &c->side;
		rc = c->error != NULL ? -1 : 0;
		pthread_mutex_unlock(&c->mtx);

		cause = NULL;
		if (rc == 0 && n > 0)
			rc = committer_write(c, work, n, &cause);
		if (rc == 0)
			committer_side_write(c, side);
		committer_side_free(side);

		pthread_mutex_lock(&c->mtx);
		if (rc == 0)
			c->done = seq;
		else if (c->error == NULL)
			c->error = cause != NULL ? cause :
			    xstrdup(_("cannot write to the database"));
		else
			free(cause);
		pthread_cond_broadcast(&c->done_cv);
		/* The loop reads how far it got; the count itself is not
		 * needed, only the wake-up. */
		while (write(c->efd, &one, sizeof one) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&c->mtx);
	free(work);
	return NULL;
}

/* Open a connection to the database at path and start the thread. */
struct committer *
committer_new(const char *path, int64_t send_id, char **cause)
{
	struct committer	*c;

	c = xcalloc(1, sizeof *c);
	c->send_id = send_id;
	c->efd = -1;
	c->side_tail = &c->side;
	if (store_open(path, &c->st, cause) != 0) {
		free(c);
		return NULL;
	}
	if (store_send_writer(c->st, cause) == -1) {
		store_close(c->st);
		free(c);
		return NULL;
	}
	if ((c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		set_cause(cause, "eventfd: %s", strerror(errno));
		store_close(c->st);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mtx, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->done_cv, NULL);
	if ((errno = pthread_create(&c->thread, NULL, committer_main,
	    c)) != 0) {
		set_cause(cause, _("cannot start the committer: %s"),
		    strerror(errno));
		pthread_cond_destroy(&c->done_cv);
		pthread_cond_destroy(&c->work);
		pthread_mutex_destroy(&c->mtx);
		close(c->efd);
		store_close(c->st);
		free(c);
		return NULL;
	}
	return c;
}

/* The descriptor the loop watches: readable when a transaction ended. */
int
committer_fd(struct committer *c)
{
	return c->efd;
}

/* Hand over n changes; returns the batch's number (committer_done says
 * when it is on disk). */
uint64_t
committer_submit(struct committer *c, const struct send_change *chg,
    size_t n)
{
	uint64_t	seq;

	pthread_mutex_lock(&c->mtx);
	if (c->npend + n > c->cappend) {
		while (c->npend + n > c->cappend)
			c->cappend = c->cappend == 0 ? 256 : c->cappend * 2;
		c->pend = xreallocarray(c->pend, c->cappend, sizeof *c->pend);
	}
	memcpy(c->pend + c->npend, chg, n * sizeof *chg);
	c->npend += n;
	seq = ++c->submitted;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mtx);
	return seq;
}

/* Hand over a side row (taken over: the caller's strings are copied). */
static uint64_t
committer_side(struct committer *c, struct side *sd)
{
	uint64_t	seq;

	pthread_mutex_lock(&c->mtx);
	*c->side_tail = sd;
	c->side_tail = &sd->next;
	seq = ++c->submitted;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mtx);
	return seq;
}

/* A copy of s, "" for NULL. */
static char *
committer_dup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

void
committer_tls(struct committer *c, const struct tls_session_rec *r)
{
	struct side	*sd = xcalloc(1, sizeof *sd);

	sd->tls = *r;
	sd->tls.domain = committer_dup(r->domain);
	sd->tls.policy_type = committer_dup(r->policy_type);
	sd->tls.policy_string = committer_dup(r->policy_string != NULL ?
	    r->policy_string : "[]");
	sd->tls.mx_host = committer_dup(r->mx_host);
	sd->tls.mx_ip = committer_dup(r->mx_ip);
	sd->tls.sending_ip = committer_dup(r->sending_ip);
	sd->tls.result = committer_dup(r->result);
	sd->tls.detail = committer_dup(r->detail);
	committer_side(c, sd);
}

void
committer_sts(struct committer *c, const struct sts_cache_row *r)
{
	struct side	*sd = xcalloc(1, sizeof *sd);

	sd->is_sts = 1;
	sd->sts.domain = committer_dup(r->domain);
	sd->sts.id = committer_dup(r->id);
	sd->sts.policy = committer_dup(r->policy);
	sd->sts.fetched_at = r->fetched_at;
	sd->sts.expires_at = r->expires_at;
	committer_side(c, sd);
}

/*
 * After the descriptor was readable: the last batch on disk in *done.
 * -1 with *cause once a write has failed (nothing after it is written).
 */
int
committer_poll(struct committer *c, uint64_t *done, char **cause)
{
	uint64_t	v;
	int		rc = 0;

	while (read(c->efd, &v, sizeof v) == -1 && errno == EINTR)
		;
	pthread_mutex_lock(&c->mtx);
	*done = c->done;
	if (c->error != NULL) {
		*cause = xstrdup(c->error);
		rc = -1;
	}
	pthread_mutex_unlock(&c->mtx);
	return rc;
}

/* Is every batch handed over on disk? (Never after a failed write: the
 * loop learns of that from committer_poll and stops.) */
int
committer_idle(struct committer *c)
{
	int	idle;

	pthread_mutex_lock(&c->mtx);
	idle = c->done == c->submitted && c->error == NULL;
	pthread_mutex_unlock(&c->mtx);
	return idle;
}

/* Wait until every batch handed over is on disk; -1 with *cause if a
 * write failed. */
int
committer_wait(struct committer *c, char **cause)
{
	int	rc = 0;

	pthread_mutex_lock(&c->mtx);
	while (c->done != c->submitted && c->error == NULL)
		pthread_cond_wait(&c->done_cv, &c->mtx);
	if (c->error != NULL) {
		*cause = xstrdup(c->error);
		rc = -1;
	}
	pthread_mutex_unlock(&c->mtx);
	return rc;
}

/* Write what is still handed over, stop the thread, close. */
void
committer_free(struct committer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mtx);
	c->quit = 1;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mtx);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->done_cv);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->mtx);
	close(c->efd);
	store_close(c->st);
	free(c->pend);
	committer_side_free(c->side);
	free(c->error);
	free(c);
}
