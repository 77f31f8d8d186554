/*
 * The Compose screen's parts: the list of issues (screen.c), the
 * editor round trip (edit.c: message_edit through
 * ui_run_external, so the console leaves curses for $VISUAL or $EDITOR
 * and comes back), the preview of one recipient's signed copy
 * (preview.c, drawn by preview_draw.c) and its readable,
 * decoded form (preview_text.c).
 */
#ifndef HERALD_UI_COMPOSE_H
#define HERALD_UI_COMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "ui/kit/widget.h"

struct issue;

/* ---- editing (edit.c) ---- */

/* Edit is in the operator's editor (a new issue when its id is 0) until
 * it parses or they give up; says what happened in the status line. An
 * issue whose send is not finished is refused (the status line says to
 * copy it).
 * Returns 1 when saved (is updated, with its id), 0 when not, -1 when
 * the editor or the store failed. */
int	compose_edit(struct ui *, struct issue *is);
/* A new issue with the text of issue id (c): its id, or 0; the status
 * line says which. */
int64_t	compose_copy(struct ui *, int64_t id);
/* A new issue: From from the configuration, List list (may be NULL). */
void	compose_new_issue(struct ui *, struct issue *is, const char *list);

/* ---- the preview (preview.c) ---- */

extern const struct screen_ops screen_compose_ops;	/* the tab */
extern const struct screen_ops screen_preview_ops;	/* arg: int64_t * */

/* ---- message text for the screen (preview_text.c) ---- */

/* The lines of a message (CRLF or LF), tabs expanded, as they are. */
char	**ptext_raw(const char *msg, size_t len, size_t *n);
/* The same message made readable: header fields unfolded with RFC 2047
 * encoded-words decoded, the body decoded from quoted-printable or
 * base64 (UTF-8 shown as text). */
char	**ptext_decoded(const char *msg, size_t len, size_t *n);
void	 ptext_free(char **, size_t);
/* Draw s from display column left on, in w columns at y,x (a wide
 * character cut by left becomes a space). */
void	 ptext_draw(struct ui *, int y, int x, int w, enum ui_role,
	    const char *s, int left);

#endif
