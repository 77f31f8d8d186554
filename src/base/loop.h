/*
 * One event loop per process (the send engine's): file descriptors with
 * read/write interest, timers, and a hook run before each sleep (where the
 * engine commits the turn's state changes in one transaction). poll(2)
 * based, like redis's ae.c; nothing here knows about SMTP.
 */
#ifndef HERALD_LOOP_H
#define HERALD_LOOP_H

#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2

struct loop;
struct loop_timer;

typedef void (*loop_fd_cb)(int fd, int events, void *arg);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_hook_cb)(void *arg);

struct loop	*loop_new(void);
void		 loop_free(struct loop *);
/* Watch fd for events (LOOP_READ|LOOP_WRITE; 0 keeps it registered but
 * idle). One registration per fd. */
int		 loop_fd_add(struct loop *, int fd, int events, loop_fd_cb,
		    void *arg);
void		 loop_fd_set(struct loop *, int fd, int events);
void		 loop_fd_del(struct loop *, int fd);
/* Call cb once after ms milliseconds; the timer is freed after it fires
 * or when deleted. */
struct loop_timer *loop_timer_add(struct loop *, uint64_t ms, loop_timer_cb,
		    void *arg);
void		 loop_timer_del(struct loop *, struct loop_timer *);
/* Run cb before every sleep. */
void		 loop_before_sleep(struct loop *, loop_hook_cb, void *arg);
/* Monotonic milliseconds, fixed for the duration of one turn. */
uint64_t	 loop_now(struct loop *);
/* One turn: wait up to max_ms (-1: until something happens). */
int		 loop_once(struct loop *, int max_ms);
/* Turn until loop_stop(). */
void		 loop_run(struct loop *);
void		 loop_stop(struct loop *);

#endif
