/*
 * One recipient's message as it is sent: rendered (mail/message.h) and
 * DKIM-signed (auth/dkim.h). It sits in src/send, above both, so that the
 * renderer never needs the signer: mail and auth do not include each
 * other's way up. The engine's workers, the dry run, `herald issue
 * preview` and the console's preview all build it here.
 */
#ifndef HERALD_SEND_BUILD_H
#define HERALD_SEND_BUILD_H

#include <stddef.h>

struct buf;
struct config;
struct dkim_signer;
struct issue;
struct recipient;
struct render_options;
struct store;

/*
 * The token made and recorded (when opts->token is NULL), rendered, and
 * signed by signer (NULL: unsigned) with the DKIM-Signature fields in
 * front. Appended to out. opts may be NULL: now, a random Message-ID, no
 * https unsubscribe URI. This is what `herald issue preview` prints and
 * what the send engine sends.
 */
int	message_build(struct store *, const struct issue *,
	    const struct recipient *, struct dkim_signer *,
	    const struct render_options *, struct buf *out, char **cause);

/* What a preview was made with, for the front ends to say. */
struct message_preview {
	char	*domain;	/* the From domain, or NULL */
	size_t	 keys;		/* how many DKIM keys the domain has */
	int	 active;	/* of those, active: 0, the message is unsigned */
	char	*waiting;	/* the first key awaiting publication, or NULL */
	size_t	 signatures;	/* DKIM-Signature fields in front */
	char	*token;		/* the recipient's unsubscribe token, or NULL */
	char	*envelope_from;	/* its MAIL FROM (VERP: with the token) */
	enum {
		PREVIEW_OK,
		PREVIEW_FROM,	/* the From address has no domain */
		PREVIEW_KEYS,	/* the keys cannot be read */
		PREVIEW_SIGNER,	/* an active key cannot sign */
		PREVIEW_TOKEN,	/* the token cannot be made or recorded */
		PREVIEW_ENVELOPE, /* the envelope-from is too long for VERP */
		PREVIEW_RENDER,	/* the message cannot be rendered or signed */
	}	 failed;	/* the step that failed */
};
/*
 * The message r gets of is, now, as a send would send it (`herald issue
 * preview` and the console's preview): signed with the From domain's
 * active keys, with r's unsubscribe token (recorded), and the
 * configuration's unsubscribe_url, verp, verp_delimiter and
 * unsubscribe_mailto; pv->envelope_from is the MAIL FROM it would go
 * out with. Appended to out; -1 with *cause and pv->failed set on
 * failure. Free pv with message_preview_free.
 */
int	message_preview(struct store *, const struct config *,
	    const struct issue *, const struct recipient *r,
	    struct buf *out, struct message_preview *pv, char **cause);
void	message_preview_free(struct message_preview *);

#endif
