/*
 * One recipient's message as it is sent: rendered by mail/message.c, then
 * signed by auth/dkim_sign.c with the DKIM-Signature fields in front.
 */
#include <string.h>
#include <time.h>

#include "build.h"
#include "auth/dkim.h"
#include "mail/message.h"
#include "base/util.h"

/* Render and sign one recipient's message. */
int
message_build(struct store *st, const struct issue *is,
    const struct recipient *r, struct dkim_signer *signer,
    const struct render_options *opts, struct buf *out, char **cause)
{
	struct render_options	o;
	struct buf		msg;
	char			token[MESSAGE_TOKEN_LEN + 1];
	int			rc = -1;

	if (opts != NULL)
		o = *opts;
	else {
		memset(&o, 0, sizeof o);
		o.date = time(NULL);
	}
	if (o.token == NULL) {
		if (st == NULL)
			return set_cause(cause, "no unsubscribe token");
		if (message_token(st, is->id, r->addr, token, cause) == -1)
			return -1;
		o.token = token;
	}
	buf_init(&msg);
	if (message_render(is, r, &o, &msg, cause) == -1)
		goto out;
	if (signer != NULL && dkim_signer_sign(signer, msg.data, msg.len, out,
	    cause) == -1)
		goto out;
	buf_add(out, msg.data, msg.len);
	rc = 0;
out:
	buf_free(&msg);
	return rc;
}
