/*
 * The event loop: poll(2) over registered descriptors, a binary min-heap of
 * timers ordered by (deadline, insertion number), and one hook run before
 * each sleep. Time is CLOCK_MONOTONIC in milliseconds, read once per turn.
 *
 * Callbacks may add and delete descriptors and timers freely: a descriptor
 * deleted (or deleted and registered again) during a turn gets none of that
 * turn's stale events, and a timer added during a turn never fires in the
 * same turn, so a callback that re-arms a 0 ms timer cannot starve poll.
 */
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "loop.h"
#include "util.h"

struct loop_fd {
	int		 used;
	int		 events;
	unsigned int	 gen;		/* bumped on every add and del */
	loop_fd_cb	 cb;
	void		*arg;
};

struct loop_timer {
	uint64_t	 when;
	uint64_t	 seq;
	size_t		 slot;		/* index in the heap */
	loop_timer_cb	 cb;
	void		*arg;
};

struct loop {
	struct loop_fd		 *fds;		/* indexed by fd */
	size_t			  nfds;
	size_t			  nused;

	struct pollfd		 *pfd;		/* built each turn */
	unsigned int		 *pgen;
	size_t			  pcap;

	struct loop_timer	**heap;
	size_t			  nheap;
	size_t			  heapcap;
	uint64_t		  seq;

	loop_hook_cb		  hook;
	void			 *hook_arg;

	uint64_t		  now;
	int			  stop;
};

/* Read the monotonic clock in milliseconds. */
static uint64_t
loop_clock(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Make a loop. A process with a network loop ignores SIGPIPE, so that a
 * write to a socket the peer has closed is an EPIPE error (OpenSSL's socket
 * BIO uses write(2), which cannot pass MSG_NOSIGNAL).
 */
struct loop *
loop_new(void)
{
	struct loop		*l;
	struct sigaction	 sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		(void)sigaction(SIGPIPE, &sa, NULL);
	}
	l = xcalloc(1, sizeof *l);
	l->now = loop_clock();
	return l;
}

/* Free a loop and its pending timers (descriptors are the caller's). */
void
loop_free(struct loop *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nheap; i++)
		free(l->heap[i]);
	free(l->heap);
	free(l->fds);
	free(l->pfd);
	free(l->pgen);
	free(l);
}

/* Register fd; -1 (errno EEXIST or EBADF) if it cannot be. */
int
loop_fd_add(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	size_t	n;

	if (fd < 0 || cb == NULL) {
		errno = EBADF;
		return -1;
	}
	if ((size_t)fd >= l->nfds) {
		n = l->nfds == 0 ? 64 : l->nfds;
		while (n <= (size_t)fd)
			n *= 2;
		l->fds = xreallocarray(l->fds, n, sizeof *l->fds);
		memset(l->fds + l->nfds, 0, (n - l->nfds) * sizeof *l->fds);
		l->nfds = n;
	}
	if (l->fds[fd].used) {
		errno = EEXIST;
		return -1;
	}
	l->fds[fd].used = 1;
	l->fds[fd].events = events & (LOOP_READ|LOOP_WRITE);
	l->fds[fd].gen++;
	l->fds[fd].cb = cb;
	l->fds[fd].arg = arg;
	l->nused++;
	return 0;
}

/* Change what a registered fd waits for. */
void
loop_fd_set(struct loop *l, int fd, int events)
{
	if (fd >= 0 && (size_t)fd < l->nfds && l->fds[fd].used)
		l->fds[fd].events = events & (LOOP_READ|LOOP_WRITE);
}

/* Forget fd (it is not closed). */
void
loop_fd_del(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used)
		return;
	l->fds[fd].used = 0;
	l->fds[fd].events = 0;
	l->fds[fd].gen++;
	l->fds[fd].cb = NULL;
	l->fds[fd].arg = NULL;
	l->nused--;
}

/* Heap order: earlier deadline first, then earlier insertion. */
static int
loop_timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

/* Put t at slot i of the heap. */
static void
loop_heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i;
}

/* Move the timer at slot i up to its place. */
static void
loop_heap_up(struct loop *l, size_t i)
{
	struct loop_timer	*t = l->heap[i];
	size_t			 parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!loop_timer_before(t, l->heap[parent]))
			break;
		loop_heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	loop_heap_set(l, i, t);
}

/* Move the timer at slot i down to its place. */
static void
loop_heap_down(struct loop *l, size_t i)
{
	struct loop_timer	*t = l->heap[i];
	size_t			 child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    loop_timer_before(l->heap[child + 1], l->heap[child]))
			child++;
		if (!loop_timer_before(l->heap[child], t))
			break;
		loop_heap_set(l, i, l->heap[child]);
		i = child;
	}
	loop_heap_set(l, i, t);
}

/* Take the timer at slot i out of the heap (not freed). */
static void
loop_heap_remove(struct loop *l, size_t i)
{
	struct loop_timer	*last;

	last = l->heap[--l->nheap];
	if (i == l->nheap)
		return;
	loop_heap_set(l, i, last);
	loop_heap_down(l, i);
	loop_heap_up(l, last->slot);
}

/* Call cb(arg) once, ms milliseconds after this turn's time. */
struct loop_timer *
loop_timer_add(struct loop *l, uint64_t ms, loop_timer_cb cb, void *arg)
{
	struct loop_timer	*t;

	if (l->nheap == l->heapcap) {
		l->heapcap = l->heapcap == 0 ? 64 : l->heapcap * 2;
		l->heap = xreallocarray(l->heap, l->heapcap, sizeof *l->heap);
	}
	t = xcalloc(1, sizeof *t);
	t->when = ms > UINT64_MAX - l->now ? UINT64_MAX : l->now + ms;
	t->seq = l->seq++;
	t->cb = cb;
	t->arg = arg;
	l->heap[l->nheap] = t;
	t->slot = l->nheap++;
	loop_heap_up(l, t->slot);
	return t;
}

/* Cancel and free a timer that has not fired. */
void
loop_timer_del(struct loop *l, struct loop_timer *t)
{
	if (t == NULL)
		return;
	if (t->slot >= l->nheap || l->heap[t->slot] != t)
		fatal(NT("loop_timer_del: not a pending timer"));
	loop_heap_remove(l, t->slot);
	free(t);
}

/* Set the hook run before every sleep (NULL: none). */
void
loop_before_sleep(struct loop *l, loop_hook_cb cb, void *arg)
{
	l->hook = cb;
	l->hook_arg = arg;
}

/* This turn's monotonic time in milliseconds. */
uint64_t
loop_now(struct loop *l)
{
	return l->now;
}

/* Fire every timer due now that existed before this pass began. */
static int
loop_run_timers(struct loop *l)
{
	struct loop_timer	*t;
	uint64_t		 limit = l->seq;
	loop_timer_cb		 cb;
	void			*arg;
	int			 n = 0;

	while (l->nheap > 0) {
		t = l->heap[0];
		if (t->when > l->now || t->seq >= limit)
			break;
		/* A timer added during this pass sorts after every older
		 * due one (its deadline is now or later), so stopping at
		 * the first new one skips no older due timer. */
		loop_heap_remove(l, 0);
		cb = t->cb;
		arg = t->arg;
		free(t);
		cb(arg);
		n++;
	}
	return n;
}

/* Build the pollfd array of every fd with a non-zero interest. */
static size_t
loop_build_pfd(struct loop *l)
{
	size_t	i, n = 0;

	if (l->pcap < l->nused) {
		l->pcap = l->nused + 16;
		l->pfd = xreallocarray(l->pfd, l->pcap, sizeof *l->pfd);
		l->pgen = xreallocarray(l->pgen, l->pcap, sizeof *l->pgen);
	}
	for (i = 0; i < l->nfds && n < l->nused; i++) {
		if (!l->fds[i].used || l->fds[i].events == 0)
			continue;
		l->pfd[n].fd = (int)i;
		l->pfd[n].events = 0;
		if (l->fds[i].events & LOOP_READ)
			l->pfd[n].events |= POLLIN;
		if (l->fds[i].events & LOOP_WRITE)
			l->pfd[n].events |= POLLOUT;
		l->pfd[n].revents = 0;
		l->pgen[n] = l->fds[i].gen;
		n++;
	}
	return n;
}

/*
 * One turn: the before-sleep hook, poll until the next timer (or max_ms),
 * then descriptor callbacks, then due timers. Returns the number of
 * callbacks run, or -1 if poll failed (other than EINTR).
 */
int
loop_once(struct loop *l, int max_ms)
{
	struct loop_fd	*f;
	size_t		 i, n;
	uint64_t	 wait;
	int		 timeout, rv, events, fd, count = 0;

	if (l->hook != NULL)
		l->hook(l->hook_arg);
	if (l->stop)
		return 0;

	timeout = max_ms;
	if (l->nheap > 0) {
		l->now = loop_clock();
		wait = l->heap[0]->when > l->now ?
		    l->heap[0]->when - l->now : 0;
		if (timeout < 0 || wait < (uint64_t)timeout)
			timeout = wait > INT32_MAX ? INT32_MAX : (int)wait;
	}
	n = loop_build_pfd(l);
	rv = poll(l->pfd, (nfds_t)n, timeout);
	l->now = loop_clock();
	if (rv == -1) {
		if (errno == EINTR)
			return 0;
		return -1;
	}

	for (i = 0; rv > 0 && i < n; i++) {
		if (l->pfd[i].revents == 0)
			continue;
		fd = l->pfd[i].fd;
		f = &l->fds[fd];
		/* Deleted, or deleted and reused, by an earlier callback. */
		if (!f->used || f->gen != l->pgen[i])
			continue;
		events = 0;
		if (l->pfd[i].revents & POLLIN)
			events |= LOOP_READ;
		if (l->pfd[i].revents & POLLOUT)
			events |= LOOP_WRITE;
		/* Errors and hang-ups go to whatever the fd waits for, so
		 * the owner's read or write finds the error. */
		if (l->pfd[i].revents & (POLLERR|POLLHUP|POLLNVAL))
			events |= f->events;
		events &= f->events;
		if (events == 0)
			continue;
		f->cb(fd, events, f->arg);
		count++;
	}
	count += loop_run_timers(l);
	return count;
}

/* Turn until loop_stop() is called. */
void
loop_run(struct loop *l)
{
	l->stop = 0;
	while (!l->stop) {
		if (loop_once(l, -1) == -1)
			fatal("poll: %s", strerror(errno));
	}
}

/* Make loop_run() return after the current turn. */
void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
