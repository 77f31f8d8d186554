/*
 * One recipient's message as it is sent: rendered by mail/message.c, then
 * signed by auth/dkim_sign.c with the DKIM-Signature fields in front.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build.h"
#include "setup.h"
#include "auth/dkim.h"
#include "config/config.h"
#include "mail/addr.h"
#include "mail/message.h"
#include "mail/verp.h"
#include "base/i18n.h"
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
			return set_cause(cause, _("no unsubscribe token"));
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
message_preview(struct store *st, const struct config *cfg,
    const struct issue *is, const struct recipient *r, struct buf *out,
    struct message_preview *pv, char **cause)
{
	struct dkim_signer	*signer = NULL;
	struct render_options	 o;
	struct send_settings	 set;
	char			 token[MESSAGE_TOKEN_LEN + 1];
	char			 base[ADDR_MAX + 1], from[VERP_ADDR_MAX];
	const char		*url;
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
	/* The envelope and the unsubscribe mailbox as a send would have
	 * them. */
	memset(&set, 0, sizeof set);
	send_settings_verp(cfg, &set);
	if (send_envelope_base(cfg, is, base, cause) == -1) {
		free(set.unsubscribe_mailto);
		pv->failed = PREVIEW_FROM;
		goto out;
	}
	set.envelope_from = base;
	if (send_settings_verp_check(&set, cause) == -1 ||
	    send_envelope_rcpt(&set, token, from, sizeof from, cause) == -1) {
		free(set.unsubscribe_mailto);
		pv->failed = PREVIEW_ENVELOPE;
		goto out;
	}
	pv->envelope_from = xstrdup(from);
	memset(&o, 0, sizeof o);
	o.date = time(NULL);
	o.token = token;
	url = config_get(cfg, "unsubscribe_url");
	o.unsubscribe_url = url != NULL && *url != '\0' ? url : NULL;
	o.verp = set.verp;
	o.unsubscribe_mailto = *set.unsubscribe_mailto != '\0' ?
	    set.unsubscribe_mailto : NULL;
	rc = message_build(st, is, r, signer, &o, out, cause);
	free(set.unsubscribe_mailto);
	if (rc == -1) {
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
	free(pv->envelope_from);
	pv->domain = pv->waiting = pv->token = pv->envelope_from = NULL;
}
