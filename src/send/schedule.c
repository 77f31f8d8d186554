/*
 * A scheduled send at its time: the law's gate and the health of the
 * domain's authentication, checked again. Nobody is there to answer a
 * question then, so whatever would have stopped `herald send` (or made
 * the console ask) holds the send instead, with the reason kept for
 * `herald status`. The engine runs this in English: the reason is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "law.h"
#include "setup.h"
#include "types.h"
#include "auth/dns.h"
#include "auth/health.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/addr.h"
#include "mail/message.h"
#include "store/store.h"
#include "store/store_consent.h"

struct start_health {
	struct buf	 failed;
	int		 n;
};

/* The checks that decide whether receivers trust the domain's mail; the
 * sending host's own checks (PTR, HELO, MX) were the operator's when the
 * send was scheduled and do not change with the zone. */
static int
start_health_counts(const char *id)
{
	return strcmp(id, "spf") == 0 || strcmp(id, "dmarc") == 0 ||
	    strcmp(id, "spf_align") == 0 || strcmp(id, "dkim_align") == 0 ||
	    strcmp(id, "dkim") == 0 || strncmp(id, "dkim:", 5) == 0;
}

static void
start_health_cb(const struct health_check *hc, void *arg)
{
	struct start_health	*sh = arg;

	if (hc->status != HEALTH_FAIL || !start_health_counts(hc->id))
		return;
	buf_printf(&sh->failed, "%s%s: %s", sh->n++ > 0 ? "; " : "",
	    hc->title, hc->observed != NULL ? hc->observed : "");
}

/* The health of the From domain's authentication, as the send goes. */
static int
start_health(struct store *st, const struct issue *is,
    const struct send_settings *set, char **reason, char **cause)
{
	struct start_health	 sh;
	struct health_input	 in;
	struct dns_options	 o;
	struct dns		*dns;
	enum dns_status		 ptr;
	const char		*why;
	char			 ip[64], env[ADDR_MAX + 1], *domain, *helo = NULL;
	int			 host;

	if ((domain = message_from_domain(is, cause)) == NULL)
		return -1;
	send_settings_dns(set, &o);
	if ((dns = dns_open(&o, cause)) == NULL) {
		free(domain);
		return -1;
	}
	if (*set->source_ip != '\0')
		snprintf(ip, sizeof ip, "%s", set->source_ip);
	else if (health_route_source(ip, sizeof ip) == -1)
		ip[0] = '\0';
	if (*set->helo != '\0')
		helo = xstrdup(set->helo);
	else if (*ip != '\0')
		helo = health_helo_default(dns, ip, &host, &ptr);
	if (health_envelope(set->envelope_from, is->from, domain, env,
	    &why) == -1)
		snprintf(env, sizeof env, "postmaster@%s", domain);
	memset(&in, 0, sizeof in);
	in.domain = domain;
	in.ip = ip;
	in.helo = helo != NULL ? helo : "";
	in.envelope_from = env;
	memset(&sh, 0, sizeof sh);
	buf_init(&sh.failed);
	health_run(dns, st, &in, start_health_cb, &sh);
	dns_close(dns);
	if (sh.n > 0)
		*reason = xprintf(_("the health check failed for %s: %s"),
		    domain, sh.failed.data);
	buf_free(&sh.failed);
	free(helo);
	free(domain);
	return *reason != NULL;
}

int
send_start_checks(struct store *st, const struct config *cfg, int64_t id,
    const struct send_settings *set, char **reason, char **cause)
{
	struct send_law	 law;
	struct issue	 is;
	char		*override = NULL, *text;
	int		 rc = -1;

	*reason = NULL;
	memset(&is, 0, sizeof is);
	if ((rc = store_issue_sent(st, id, &is, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("no issue %lld"), (long long)id);
		rc = -1;
		goto out;
	}
	rc = -1;
	if (send_law_check(st, cfg, &is, &law, cause) == -1 ||
	    store_send_law_override(st, id, &override, cause) == -1)
		goto out;
	/* --i-know when it was scheduled lets it through now too. */
	if (send_law_blocks(&law) && (override == NULL || *override == '\0')) {
		text = send_law_text(&law, is.list_name, 1);
		*reason = xprintf(_("the law gate: %s"), text);
		free(text);
		rc = 1;
		goto out;
	}
	rc = start_health(st, &is, set, reason, cause);
out:
	free(override);
	issue_free(&is);
	return rc;
}
