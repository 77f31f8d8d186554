/*
 * The preview view's state, shared by preview.c (building the
 * message, keys) and preview_draw.c (drawing it).
 */
#ifndef HERALD_UI_PREVIEW_H
#define HERALD_UI_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "compose_ui.h"
#include "mail/message.h"

struct preview {
	int64_t		 id;
	struct issue	 is;
	int		 have;		/* is loaded */
	char		*error;		/* no preview: why */

	/* the recipient */
	int64_t		 members;	/* of the issue's list */
	int64_t		 index;		/* its place, -1: typed with t */
	char		*want;		/* the address typed with t */
	char		*addr, *name, *attrs;
	int		 suppressed;

	/* the message */
	struct buf	 msg;
	char		**raw;		/* its lines as they are */
	size_t		 nraw;
	char		**dec;		/* decoded */
	size_t		 ndec;
	int		 decoded;	/* show dec */
	char		*domain;	/* of From */
	char		*envelope;	/* its MAIL FROM (VERP: with the token) */
	char		*sig;		/* signature status */
	enum ui_role	 sigrole;
	char		*sigdetail;	/* one result per signature */
	char		*encoding;	/* charset, transfer encoding and why */
	char		**mnames, **mvalues;	/* merge values used */
	size_t		 nm;

	size_t		 top;		/* first line shown */
	int		 left;		/* first column shown */
	int		 page;		/* lines shown at the last draw */
};

void	preview_draw(struct ui *, void *state, const struct ui_rect *);
/* Render, sign and check the message for the chosen member
 * (preview.c). */
void	preview_build(struct ui *, struct preview *);
/* Find the chosen member (preview_member.c); -1 with p->error. */
int	preview_member(struct ui *, struct preview *);
/* The prompt of t: a member's address (a prompt_done_fn). */
int	preview_to(struct ui *, const char *text, void *arg);
/* The lines shown now (raw or decoded). */
char	**preview_lines(struct preview *, size_t *n);

#endif
