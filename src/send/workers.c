/*
 * The engine's worker threads: the blocking work that must never stall
 * its event loop, DNS routing and rendering+signing. Each thread has its
 * own resolver (ldns) and its own DKIM signer (libopendkim handles are not
 * shared between threads); the issue is read only. Finished jobs are put
 * on a list and a byte is written to a pipe the loop watches.
 *
 * The store is touched only by the engine's thread: signers read their
 * keys in workers_new(), before any thread starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "workers.h"
#include "build.h"
#include "auth/dkim.h"
#include "mail/message.h"
#include "store/store.h"

#define WORKERS_MAX	16

struct worker {
	struct workers		*w;
	pthread_t		 thread;
	int			 started;
	struct dns		*dns;
	struct dkim_signer	*signer;
};

struct workers {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct job		*todo, *todo_tail;
	struct job		*done, *done_tail;
	int			 stop;
	int			 pipe[2];
	const struct issue	*issue;
	const char		*unsubscribe_url;
	char			 verp;
	const char		*unsubscribe_mailto;
	const struct footer	*footer;
	struct sts_options	 sts;
	size_t			 nsigs;
	struct worker		 t[WORKERS_MAX];
	int			 n;
};

/* Free a job and what it holds. */
void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->name);
	route_free(&j->route);
	if (j->sts_cached != NULL) {
		sts_cache_row_free(j->sts_cached);
		free(j->sts_cached);
	}
	sts_result_free(&j->sts);
	buf_free(&j->msg);
	buf_free(&j->msg7);
	free(j->error);
	free(j);
}

/* Does the message have bytes outside ASCII? */
static int
workers_eightbit(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/* Render and sign one recipient's message. */
static void
workers_render(struct worker *t, struct job *j)
{
	struct recipient	r;
	struct render_options	o;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.addr = j->addr;
	r.name = j->rname;
	r.attrs = j->attrs;
	memset(&o, 0, sizeof o);
	o.date = time(NULL);
	o.token = j->token;
	o.unsubscribe_url = t->w->unsubscribe_url;
	o.verp = t->w->verp;
	o.unsubscribe_mailto = t->w->unsubscribe_mailto;
	o.footer = t->w->footer;
	o.message_id = j->msgid[0] != '\0' ? j->msgid : NULL;
	buf_init(&j->msg);
	if (message_build(NULL, t->w->issue, &r, t->signer, &o, &j->msg,
	    &cause) == -1) {
		buf_free(&j->msg);
		j->error = cause != NULL ? cause : xstrdup(NT("cannot render"));
		return;
	}
	j->eightbit = workers_eightbit(j->msg.data, j->msg.len);
	/* 8bit goes only to a server that offers 8BITMIME, known once the
	 * session is open, after signing: the 7-bit form is signed now too
	 * and the session sends the one the server takes (message.h). */
	buf_init(&j->msg7);
	if (j->eightbit) {
		o.sevenbit = 1;
		if (message_build(NULL, t->w->issue, &r, t->signer, &o,
		    &j->msg7, &cause) == -1) {
			buf_free(&j->msg);
			buf_free(&j->msg7);
			j->error = cause != NULL ? cause :
			    xstrdup(NT("cannot render"));
		}
	}
}

/* Tell the loop that jobs are done (the pipe is non-blocking: a full pipe
 * already says so). */
static void
workers_wake(struct workers *w)
{
	ssize_t	n;

	do
		n = write(w->pipe[1], "", 1);
	while (n == -1 && errno == EINTR);
}

/* A worker thread: take jobs until told to stop. */
static void *
workers_main(void *arg)
{
	struct worker	*t = arg;
	struct workers	*w = t->w;
	struct job	*j;
	int		 wake;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->todo == NULL && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		j = w->todo;
		if ((w->todo = j->next) == NULL)
			w->todo_tail = NULL;
		pthread_mutex_unlock(&w->lock);

		j->next = NULL;
		if (j->type == JOB_ROUTE) {
			if (j->relay)
				route_relay(t->dns, j->name, j->port,
				    &j->route);
			else
				route_mx(t->dns, j->name, j->port, &j->route);
			/* The policy fetch blocks too: here, never in the
			 * loop. A domain that cannot take mail needs none. */
			if (j->sts_on && !j->relay &&
			    j->route.status == ROUTE_OK)
				sts_lookup(t->dns, j->name, &w->sts,
				    j->sts_cached, (int64_t)time(NULL),
				    &j->sts);
		} else
			workers_render(t, j);

		pthread_mutex_lock(&w->lock);
		wake = w->done == NULL;
		if (w->done_tail != NULL)
			w->done_tail->next = j;
		else
			w->done = j;
		w->done_tail = j;
		pthread_mutex_unlock(&w->lock);
		if (wake)
			workers_wake(w);
	}
}

/* Does the domain have an active key? 1 yes, 0 no, -1 error. */
static int
workers_have_key(struct store *st, const char *domain, char **cause)
{
	int	active;

	if ((active = dkim_active_keys(st, domain, NULL, NULL, cause)) == -1)
		return -1;
	return active != 0;
}

/* Start the threads. */
struct workers *
workers_new(const struct workers_setup *setup, char **cause)
{
	struct workers	*w;
	struct worker	*t;
	int		 i, sign = 0;

	w = xcalloc(1, sizeof *w);
	w->pipe[0] = w->pipe[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->issue = setup->issue;
	w->unsubscribe_url = setup->unsubscribe_url;
	w->verp = setup->verp;
	w->unsubscribe_mailto = setup->unsubscribe_mailto;
	w->footer = setup->footer;
	w->sts = setup->sts;
	w->n = setup->n < 1 ? 1 : setup->n > WORKERS_MAX ? WORKERS_MAX :
	    setup->n;
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		set_cause(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (setup->sign_domain != NULL && (sign = workers_have_key(
	    setup->store, setup->sign_domain, cause)) == -1)
		goto fail;
	for (i = 0; i < w->n; i++) {
		t = &w->t[i];
		t->w = w;
		if ((t->dns = dns_open(&setup->dns, cause)) == NULL)
			goto fail;
		if (sign && (t->signer = dkim_signer_new(setup->store,
		    setup->sign_domain, cause)) == NULL)
			goto fail;
	}
	if (sign)
		w->nsigs = dkim_signer_count(w->t[0].signer);
	for (i = 0; i < w->n; i++) {
		t = &w->t[i];
		if ((errno = pthread_create(&t->thread, NULL, workers_main,
		    t)) != 0) {
			set_cause(cause, "pthread_create: %s",
			    strerror(errno));
			goto fail;
		}
		t->started = 1;
	}
	return w;
fail:
	workers_free(w);
	return NULL;
}

/* Stop and join the threads, drop what is left. */
void
workers_free(struct workers *w)
{
	struct job	*j, *next;
	int		 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->n; i++) {
		if (w->t[i].started)
			pthread_join(w->t[i].thread, NULL);
		if (w->t[i].dns != NULL)
			dns_close(w->t[i].dns);
		dkim_signer_free(w->t[i].signer);
	}
	for (j = w->todo; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	for (j = w->done; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	if (w->pipe[0] != -1)
		close(w->pipe[0]);
	if (w->pipe[1] != -1)
		close(w->pipe[1]);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* The descriptor the loop watches. */
int
workers_fd(struct workers *w)
{
	return w->pipe[0];
}

/* How many DKIM signatures each message gets. */
size_t
workers_signatures(struct workers *w)
{
	return w->nsigs;
}

/* Queue a job for the next free thread. */
void
workers_submit(struct workers *w, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->todo_tail != NULL)
		w->todo_tail->next = j;
	else
		w->todo = j;
	w->todo_tail = j;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Take the finished jobs (and empty the pipe). */
struct job *
workers_done(struct workers *w)
{
	struct job	*j;
	char		 drain[256];

	while (read(w->pipe[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&w->lock);
	j = w->done;
	w->done = w->done_tail = NULL;
	pthread_mutex_unlock(&w->lock);
	return j;
}
