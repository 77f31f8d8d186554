/* herald mta-sts DOMAIN: a domain's MTA-STS record, policy, cache and
 * what a send would do with each of its MX hosts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_int.h"
#include "auth/dns.h"
#include "base/json.h"
#include "config/config.h"
#include "store/store_sts.h"
#include "sts/sts.h"

/* What a send does with an MX host under the policy: the word for
 * --json, which is not translated. */
static const char *
sts_action(const struct sts_result *r, const char *host)
{
	if (r->source == STS_SRC_NONE)
		return "may";
	switch (r->policy.mode) {
	case STS_MODE_ENFORCE:
		return sts_mx_match(&r->policy, host) ? "mta-sts" : "deferred";
	case STS_MODE_TESTING:
		return sts_mx_match(&r->policy, host) ? "may" :
		    "may-reported";
	case STS_MODE_NONE:
		break;
	}
	return "may";
}

/* The same in words. */
static const char *
sts_action_text(const char *action)
{
	if (strcmp(action, "mta-sts") == 0)
		return _("TLS verified against this name, never plaintext");
	if (strcmp(action, "deferred") == 0)
		return _("not in the policy: never used, mail deferred");
	if (strcmp(action, "may-reported") == 0)
		return _("not in the policy: used (testing), failure reported");
	return _("may (STARTTLS when offered)");
}

static const char *
sts_source_name(enum sts_source s)
{
	switch (s) {
	case STS_SRC_CACHE:
		return "cache";
	case STS_SRC_FETCHED:
		return "fetched";
	case STS_SRC_NONE:
		break;
	}
	return "none";
}

/* Print a value from DNS or the web with control bytes as '?'. */
static void
sts_put(const char *label, const char *value)
{
	const unsigned char	*p;

	cli_pad(label, 12, 0, " ");
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
	putchar('\n');
}

static void
sts_print_json(const char *domain, const struct sts_result *r,
    const struct sts_cache_row *c, int cached, const struct dns_answer *mx)
{
	struct buf	 b;
	struct json	 j;
	size_t		 i;

	cli_json_open(&j, &b);
	json_put_str(&j, "domain", domain);
	json_put_strnull(&j, "record", *r->txt != '\0' ? r->txt : NULL);
	json_put_strnull(&j, "id", r->have_txt ? r->id : NULL);
	json_put_str(&j, "source", sts_source_name(r->source));
	if (r->source != STS_SRC_NONE) {
		json_open_object(&j, "policy");
		json_put_str(&j, "id", r->policy_id);
		json_put_str(&j, "mode", sts_mode_name(r->policy.mode));
		json_put_int(&j, "max_age", r->policy.max_age);
		json_open_array(&j, "mx");
		for (i = 0; i < r->policy.nmx; i++)
			json_put_str(&j, NULL, r->policy.mx[i]);
		json_close(&j);
		json_put_int(&j, "fetched_at", r->fetched_at);
		json_put_int(&j, "expires_at", r->expires_at);
		json_close(&j);
	} else
		json_put_null(&j, "policy");
	if (cached) {
		json_open_object(&j, "cache");
		json_put_str(&j, "id", c->id);
		json_put_int(&j, "fetched_at", c->fetched_at);
		json_put_int(&j, "expires_at", c->expires_at);
		json_close(&j);
	} else
		json_put_null(&j, "cache");
	if (r->fail_type != NULL || r->error != NULL) {
		json_open_object(&j, "problem");
		json_put_strnull(&j, "result", r->fail_type);
		json_put_strnull(&j, "error", r->error);
		json_close(&j);
	} else
		json_put_null(&j, "problem");
	json_open_array(&j, "mx");
	for (i = 0; mx->status == DNS_OK && i < mx->n; i++) {
		json_open_object(&j, NULL);
		json_put_str(&j, "host", mx->rr[i].u.mx.host);
		json_put_int(&j, "pref", mx->rr[i].u.mx.pref);
		json_put_bool(&j, "match", r->source != STS_SRC_NONE &&
		    sts_mx_match(&r->policy, mx->rr[i].u.mx.host));
		json_put_str(&j, "action", sts_action(r, mx->rr[i].u.mx.host));
		json_close(&j);
	}
	json_close(&j);
	cli_json_print(&j, &b);
}

static void
sts_print_text(const char *domain, const struct sts_result *r,
    const struct sts_cache_row *c, int cached, const struct dns_answer *mx)
{
	char	 a[32], e[32], *s;
	size_t	 i;

	sts_put(_("domain"), domain);
	sts_put(_("record"), *r->txt != '\0' ? r->txt : _("(none)"));
	if (r->source != STS_SRC_NONE) {
		s = xprintf(_("mode %s, max_age %lld, id %s (%s)"),
		    sts_mode_name(r->policy.mode),
		    (long long)r->policy.max_age, r->policy_id,
		    r->source == STS_SRC_FETCHED ? _("fetched now") :
		    _("from the cache"));
		sts_put(_("policy"), s);
		free(s);
		for (i = 0; i < r->policy.nmx; i++)
			sts_put(_("mx pattern"), r->policy.mx[i]);
	} else
		sts_put(_("policy"), _("(none: mail goes as may)"));
	if (cached) {
		cli_date(a, sizeof a, c->fetched_at);
		cli_date(e, sizeof e, c->expires_at);
		s = xprintf(_("id %s, fetched %s, expires %s"), c->id, a, e);
		sts_put(_("cache"), s);
		free(s);
	} else
		sts_put(_("cache"), _("(none)"));
	if (r->error != NULL) {
		s = xprintf("%s%s%s%s", r->fail_type != NULL ? r->fail_type :
		    "", r->fail_type != NULL ? " (" : "", r->error,
		    r->fail_type != NULL ? ")" : "");
		sts_put(_("problem"), s);
		free(s);
	}
	if (mx->status != DNS_OK) {
		sts_put("MX", dns_status_name(mx->status));
		return;
	}
	for (i = 0; i < mx->n; i++) {
		s = xprintf("%u %s: %s", mx->rr[i].u.mx.pref,
		    mx->rr[i].u.mx.host,
		    sts_action_text(sts_action(r, mx->rr[i].u.mx.host)));
		sts_put("MX", s);
		free(s);
	}
}

/* herald mta-sts DOMAIN */
static int
cmd_mta_sts(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct sts_options	 o;
	struct sts_cache_row	 c, row;
	struct sts_result	 r;
	struct dns_answer	 mx;
	struct dns		*dns;
	const char		*domain = a->argv[0], *v;
	char			*cause = NULL;
	int			 rc, cached;

	(void)cmd;
	if (!dns_name_valid(domain)) {
		cli_err(_("'%s' is not a domain name"), domain);
		return EXIT_USAGE;
	}
	if ((rc = cli_store(env)) != 0)
		return rc;
	if ((dns = cli_dns(env)) == NULL)
		return EXIT_UNAVAIL;
	memset(&o, 0, sizeof o);
	if ((v = config_get(env->cfg, "mta_sts_port")) != NULL)
		o.port = atoi(v);
	if ((v = config_get(env->cfg, "ca_file")) != NULL && *v != '\0')
		o.ca_file = v;
	if ((cached = store_sts_get(env->store, domain, &c, &cause)) == -1) {
		dns_close(dns);
		return cli_fail(EXIT_IOERR, cause);
	}
	sts_lookup(dns, domain, &o, cached ? &c : NULL, (int64_t)time(NULL),
	    &r);
	if (r.source == STS_SRC_FETCHED) {
		/* What was fetched is what a send would have cached. */
		memset(&row, 0, sizeof row);
		row.domain = (char *)domain;
		row.id = r.policy_id;
		row.policy = r.policy.text;
		row.fetched_at = r.fetched_at;
		row.expires_at = r.expires_at;
		if (store_sts_put(env->store, &row, &cause) == -1) {
			cli_err("%s", cause);
			free(cause);
			cause = NULL;
		}
		if (cached)
			sts_cache_row_free(&c);
		cached = store_sts_get(env->store, domain, &c, &cause) == 1;
		free(cause);
	}
	memset(&mx, 0, sizeof mx);
	dns_query(dns, domain, DNS_MX, &mx);
	if (env->json)
		sts_print_json(domain, &r, &c, cached, &mx);
	else
		sts_print_text(domain, &r, &c, cached, &mx);
	dns_answer_free(&mx);
	if (cached)
		sts_cache_row_free(&c);
	sts_result_free(&r);
	dns_close(dns);
	return 0;
}

const struct cli_cmd cli_sts_cmds[] = {
	{ "mta-sts", "DOMAIN", 1, 1, N_("a domain's MTA-STS policy and what a "
	  "send does with each MX (RFC 8461)"),
	  N_("Looks up _mta-sts.DOMAIN (TXT), fetches the policy from\n"
	  "https://mta-sts.DOMAIN/.well-known/mta-sts.txt when the cache has "
	  "none, its id\nchanged or it nears expiry (and keeps it in the "
	  "cache, as a send would), and\nprints the record, the policy, the "
	  "cache and, for each MX host, whether it\nmatches the policy and "
	  "what a send under tls_policy auto does with it.\nDANE, where "
	  "DNSSEC-validated TLSA records exist, takes precedence over it.\n"
	  "A failed fetch leaves a cached policy in force until it expires. "
	  "Exit status 0\nwhen the lookup ran, whatever it found; 69 when no "
	  "resolver can be used."), NULL, cmd_mta_sts },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
