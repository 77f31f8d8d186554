/*
 * The TLS policy of each MX host, and what each session's TLS came to in
 * RFC 8460 terms (tls_sessions, read to build TLS reports).
 *
 * Under auto a host with DNSSEC-validated TLSA records gets DANE (RFC
 * 7672; RFC 8461 2: DANE wins where both apply); otherwise, when the
 * domain has an MTA-STS policy in enforce mode, a host the policy names
 * gets mta-sts (TLS verified against the host's name, no plaintext) and a
 * host it does not name is not used at all; testing mode delivers as may
 * and records what enforcing would have done; no policy, or mode none,
 * is may. mta-sts is the same without DANE; the other policies apply to
 * every host as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commit.h"
#include "engine.h"
#include "base/i18n.h"
#include "base/json.h"
#include "smtp/smtp.h"
#include "store/store_sts.h"
#include "store/store_tls.h"
#include "sts/sts.h"

/* Keep one TLS report row (a test records nothing). */
static void
tlspol_row(struct engine *e, const char *domain, const char *type,
    const char *strings, const char *mx, const char *ip, const char *local,
    const char *result, const char *detail)
{
	struct tls_session_rec	r;

	if (e->test || e->cm == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.send_id = e->id;
	r.at = (int64_t)time(NULL);
	r.domain = domain;
	r.policy_type = type;
	r.policy_string = strings != NULL ? strings : "[]";
	r.mx_host = mx;
	r.mx_ip = ip;
	r.sending_ip = local;
	r.result = result;
	r.detail = detail;
	committer_tls(e->cm, &r);
}

/* A target's TLSA records as RFC 8460 policy strings ("3 1 1 ab12..."). */
static char *
tlspol_tlsa_strings(const struct target *t)
{
	struct buf	 b, line;
	struct json	 j;
	size_t		 i, k;

	buf_init(&b);
	json_init(&j, &b);
	json_open_array(&j, NULL);
	for (i = 0; i < t->ntlsa; i++) {
		buf_init(&line);
		buf_printf(&line, "%u %u %u ", t->tlsa[i].usage,
		    t->tlsa[i].selector, t->tlsa[i].mtype);
		for (k = 0; k < t->tlsa[i].len; k++)
			buf_printf(&line, "%02x", t->tlsa[i].data[k]);
		json_put_str(&j, NULL, line.data);
		buf_free(&line);
	}
	json_close(&j);
	return buf_take(&b);
}

/* Keep a policy fetched now in the cache. */
static void
tlspol_cache(struct engine *e, struct dest *d, const struct sts_result *sr)
{
	struct sts_cache_row	 row;
	char			*cause = NULL;

	memset(&row, 0, sizeof row);
	row.domain = d->name;
	row.id = (char *)sr->policy_id;
	row.policy = d->sts->text;
	row.fetched_at = sr->fetched_at;
	row.expires_at = sr->expires_at;
	if (e->cm != NULL)
		committer_sts(e->cm, &row);
	else if (store_sts_put(e->st, &row, &cause) == -1)
		free(cause);	/* a test fetches it again next time */
}

/* A route came back: take its MTA-STS policy and give each host its TLS
 * policy; under enforce, hosts the policy does not name are dropped. */
void
tlspol_route(struct engine *e, struct dest *d, struct sts_result *sr)
{
	enum tls_policy	 send = e->info.set.policy;
	struct route	*r = &d->route;
	struct target	*t;
	char		*why;
	size_t		 i, keep = 0;
	int		 enforce, match, sts_ok;

	if (d->sts != NULL) {
		sts_policy_free(d->sts);
		free(d->sts);
		d->sts = NULL;
	}
	free(d->sts_strings);
	d->sts_strings = NULL;
	if (sr->source != STS_SRC_NONE) {
		d->sts = xmalloc(sizeof *d->sts);
		*d->sts = sr->policy;
		memset(&sr->policy, 0, sizeof sr->policy);
		d->sts_strings = sts_policy_strings(d->sts);
		if (sr->source == STS_SRC_FETCHED)
			tlspol_cache(e, d, sr);
	}
	if (sr->fail_type != NULL)
		tlspol_row(e, d->name, d->sts != NULL ? "sts" :
		    "no-policy-found", d->sts_strings, "", "", "",
		    sr->fail_type, sr->error);
	/* Hosts DANE left out: their TLSA or addresses did not validate
	 * (RFC 8460: no valid records from the resolver). */
	for (i = 0; i < r->ndrops; i++)
		tlspol_row(e, d->name, "tlsa", "[]", r->drops[i].host, "", "",
		    "dnssec-invalid", r->drops[i].why);
	if (r->status != ROUTE_OK)
		return;
	sts_ok = send == TLS_POLICY_AUTO || send == TLS_POLICY_STS;
	enforce = sts_ok && d->sts != NULL &&
	    d->sts->mode == STS_MODE_ENFORCE;
	for (i = 0; i < r->n; i++) {
		t = &r->t[i];
		match = d->sts != NULL && sts_mx_match(d->sts, t->host);
		if (send == TLS_POLICY_DANE || ((send == TLS_POLICY_AUTO) &&
		    (t->ntlsa > 0 || t->tls_required)))
			t->policy = TLS_POLICY_DANE;
		else if (enforce && match)
			t->policy = TLS_POLICY_STS;
		else if (enforce) {
			/* Never this host: it is not one the domain named. */
			why = xprintf(NT("the MX host %s is not in the MTA-STS "
			    "policy of %s"), t->host, d->name);
			tlspol_row(e, d->name, "sts", d->sts_strings, t->host,
			    t->ip, "", "validation-failure", why);
			free(why);
			route_tlsa_free(t->tlsa, t->ntlsa);
			continue;
		} else if (sts_ok) {
			t->policy = TLS_POLICY_MAY;
			t->sts_miss = d->sts != NULL &&
			    d->sts->mode == STS_MODE_TESTING && !match;
		} else
			t->policy = send;
		if (keep != i)
			r->t[keep] = *t;
		keep++;
	}
	r->n = keep;
	if (keep == 0) {
		r->status = ROUTE_DEFER;
		r->code = 451;
		snprintf(r->enhanced, sizeof r->enhanced, "4.7.5");
		snprintf(r->reply, sizeof r->reply, NT("MTA-STS: no MX host of "
		    "%s is in its policy (mode enforce)"), d->name);
		snprintf(r->policy, sizeof r->policy, "mta-sts");
	}
}

/* What a session opened for target t of d reports, and under what. */
void
tlspol_sess_open(struct sess *sess, const struct dest *d,
    const struct target *t)
{
	free(sess->rpt_strings);
	sess->policy = t->policy;
	sess->sts_miss = t->sts_miss;
	sess->plain_retry = t->no_tls;
	sess->dane_auth = t->policy == TLS_POLICY_DANE && t->ntlsa > 0;
	if (t->policy == TLS_POLICY_DANE && (t->ntlsa > 0 ||
	    t->tls_required)) {
		sess->rpt_type = "tlsa";
		sess->rpt_strings = tlspol_tlsa_strings(t);
	} else if (d->sts != NULL) {
		sess->rpt_type = "sts";
		sess->rpt_strings = xstrdup(d->sts_strings);
	} else {
		sess->rpt_type = "no-policy-found";
		sess->rpt_strings = xstrdup("[]");
	}
}

/*
 * A session ended, or goes on for another domain (reply NULL): its TLS
 * outcome as a TLS report row of the domain it served. Nothing for a
 * session that never got to offer STARTTLS (no TLS was tried), one under
 * policy none, or a plaintext retry (its failed handshake was the row).
 */
void
tlspol_session(struct engine *e, struct sess *sess,
    const struct smtp_reply *reply, int tls_failed)
{
	const struct tls_status	*tls = smtp_tls_status(sess->s);
	const char		*result = "success", *detail = NULL;
	const char		*text = reply != NULL ? reply->text : NULL;
	char			*why = NULL;
	int			 offered = smtp_starttls_offered(sess->s);

	if (sess->policy == TLS_POLICY_NONE || sess->plain_retry ||
	    sess->rpt_type == NULL)
		return;
	if (tls->active) {
		if (strcmp(sess->rpt_type, "tlsa") == 0) {
			if (sess->dane_auth && strcmp(tls->dane,
			    "validated") != 0)
				result = *tls->fail != '\0' ? tls->fail :
				    "validation-failure";
		} else if (strcmp(sess->rpt_type, "sts") == 0) {
			if (sess->sts_miss)
				result = "validation-failure";
			else if (*tls->fail != '\0')
				result = tls->fail;
		}
		if (sess->sts_miss && strcmp(result, "validation-failure") ==
		    0)
			detail = why = xprintf(NT("the MX host %s is not in "
			    "the MTA-STS policy"), sess->host);
		else if (strcmp(result, "success") != 0)
			detail = text;
	} else if (tls_failed) {
		result = "validation-failure";
		detail = text;
	} else if (offered == 0) {
		result = "starttls-not-supported";
		detail = text;
	} else
		return;
	tlspol_row(e, sess->dest->name, sess->rpt_type, sess->rpt_strings,
	    sess->host, sess->ip, smtp_local(sess->s), result,
	    detail != NULL && *detail != '\0' ? detail : NULL);
	free(why);
}

/* The policy that applied, as recorded: dane without TLSA acted as may. */
const char *
tlspol_word(const struct tls_status *tls)
{
	if (strcmp(tls->policy, "dane") == 0 && strcmp(tls->dane, "none") == 0)
		return "may";
	return tls->policy;
}
