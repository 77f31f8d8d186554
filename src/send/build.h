/*
 * One recipient's message as it is sent: rendered (mail/message.h) and
 * DKIM-signed (auth/dkim.h). It sits in src/send, above both, so that the
 * renderer never needs the signer: mail and auth do not include each
 * other's way up. The engine's workers, the dry run, `herald issue
 * preview` and the console's preview all build it here.
 */
#ifndef HERALD_SEND_BUILD_H
#define HERALD_SEND_BUILD_H

struct buf;
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

#endif
