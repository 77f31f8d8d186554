/*
 * One recipient's message as it is sent: rendered by mail/message.c, then
 * signed by auth/dkim_sign.c with the DKIM-Signature fields in front.
 */
#include <stdlib.h>
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

/* Find the domain and its signer, make the token, build the message. */
int
message_preview(struct store *st, const struct issue *is,
    const struct recipient *r, const char *unsubscribe_url, struct buf *out,
    struct message_preview *pv, char **cause)
{
	struct dkim_signer	*signer = NULL;
	struct render_options	 o;
	char			 token[MESSAGE_TOKEN_LEN + 1];
	int			 rc = -1;

	memset(pv, 0, sizeof *pv);
	if ((pv->domain = message_from_domain(is, cause)) == NULL) {
		pv->failed = PREVIEW_FROM;
		return -1;
	}
	if ((pv->active = dkim_active_keys(st, pv->domain, &pv->keys,
	    &pv->waiting, cause)) == -1) {
		pv->active = 0;
		pv->failed = PREVIEW_KEYS;
		return -1;
	}
	if (pv->active > 0 && (signer = dkim_signer_new(st, pv->domain,
	    cause)) == NULL) {
		pv->failed = PREVIEW_SIGNER;
		return -1;
	}
	if (message_token(st, is->id, r->addr, token, cause) == -1) {
		pv->failed = PREVIEW_TOKEN;
		goto out;
	}
	pv->token = xstrdup(token);
	memset(&o, 0, sizeof o);
	o.date = time(NULL);
	o.token = token;
	o.unsubscribe_url = unsubscribe_url;
	if (message_build(st, is, r, signer, &o, out, cause) == -1) {
		pv->failed = PREVIEW_RENDER;
		goto out;
	}
	pv->signatures = signer != NULL ? dkim_signer_count(signer) : 0;
	rc = 0;
out:
	dkim_signer_free(signer);
	return rc;
}

/* Free what a preview found. */
void
message_preview_free(struct message_preview *pv)
{
	free(pv->domain);
	free(pv->waiting);
	free(pv->token);
	pv->domain = pv->waiting = pv->token = NULL;
}
