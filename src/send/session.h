/*
 * The engine's SMTP sessions (session.c): opened for a destination,
 * reused for its next messages, held back by the rate, told apart when
 * they fail.
 */
#ifndef HERALD_SEND_SESSION_H
#define HERALD_SEND_SESSION_H

struct dest;
struct engine;

int		 sess_open(struct engine *, struct dest *);
int		 sess_give(struct engine *, struct dest *);
void		 sess_release(struct engine *, struct dest *);
void		 sess_drain(struct engine *);
void		 sess_rate_kick(struct engine *);

#endif
