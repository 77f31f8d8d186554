/* herald check [DOMAIN]: the domain health report. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "cli_int.h"
#include "config/config.h"
#include "auth/dkim.h"
#include "auth/dns.h"
#include "auth/health.h"
#include "base/json.h"
#include "store/store.h"
#include "store/store_feedback.h"
#include "sts/own.h"

#define CHECK_MAX_SELECTORS	32
#define CHECK_MAX_NOTES		4

/* What the report is about, once the defaults are filled in. */
struct check_ctx {
	struct cli_env	*env;
	struct dns	*dns;
	int		 json, stream;
	char		 domain[ADDR_DOMAIN_MAX + 1];
	char		*org;
	char		 ip[INET6_ADDRSTRLEN];
	char		*helo;
	char		 envelope[ADDR_MAX + 1];
	const char	*selectors[CHECK_MAX_SELECTORS + 1];
	char		*selbuf;
	struct dkim_key	*keys;		/* local keys named in selectors */
	size_t		 nkeys;
	char		*notes[CHECK_MAX_NOTES];
	int		 nnotes;
	struct buf	 checks;	/* --json: the array "checks" */
	struct json	 checksj;	/* writing it */
	int		 count[3];	/* by enum health_status */
	int		 jp_head;	/* the providers' heading printed */
	int		 own_head;	/* the inbound side's heading printed */
};

static int	cmd_check(struct cli_env *, const struct cli_cmd *,
		    struct cli_args *);

static const struct cli_opt check_opts[] = {
	{ "ip", "IP", N_("sending address (default: source_ip, else the "
	  "kernel's)") },
	{ "helo", "NAME", N_("HELO name (default: helo, else the PTR name)") },
	{ "envelope-from", "ADDR", N_("MAIL FROM (default: bounce, else "
	  "From)") },
	{ "selector", "S[,S...]", N_("DKIM selectors (default: local keys that "
	  "sign or wait)") },
	{ "stream", NULL, N_("one JSON line per check as it completes, for the "
	  "console") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_check_cmds[] = {
	{ "check", "[DOMAIN]", 0, 1, N_("the domain health report: SPF, PTR, "
	  "DKIM, DMARC, MX, inbound TLS"),
	  N_("Checks that mail from DOMAIN (default: the configured domain), "
	  "sent from IP\nwith HELO NAME and envelope-from ADDR, is what "
	  "receivers trust: SPF passes,\nthe address has a forward-confirmed "
	  "PTR name that is the HELO name and lies\nunder DOMAIN, DMARC is "
	  "published and SPF and DKIM align with it, the DKIM\nkeys are "
	  "published, and DOMAIN has an MX for replies and bounces. Each "
	  "line\nis ok, warn or FAIL with what was seen and the fix, usually "
	  "the exact DNS\nrecord to publish. Without --ip: the source_ip "
	  "key, else the address the\nkernel would send from; without "
	  "--helo: the helo key, else the PTR name of\nthat address, else the "
	  "host name; without --envelope-from: the bounce key,\nelse the From "
	  "address, else postmaster@DOMAIN.\n\n"
	  "The domain's own inbound side follows (ids own.*): each MX host "
	  "(the first\nthree) is asked for STARTTLS on smtp_port and its "
	  "certificate verified for\nits name with the system's CAs and "
	  "ca_file (own.mx_tls: warn without\nSTARTTLS, with a certificate "
	  "that does not verify or does not name it, or\nwhen no MX answers "
	  "from here); the MTA-STS record and policy are fetched as\na send "
	  "would (own.mta_sts: warn when there is none, FAIL when the record "
	  "is\ninvalid, the policy cannot be fetched or does not cover every "
	  "MX); the\nTLS-RPT record (own.tlsrpt: warn when there is none); "
	  "and the BIMI record's\nsyntax when there is one (own.bimi).\n\n"
	  "Alerts of the last 14 days are listed after the checks, one warn "
	  "line each\n(id \"alert\"): a provider that refused the sender "
	  "during a send or in a\nbounce read later (policy, authentication, "
	  "reputation), with the likely\ncause.\n\n"
	  "For recipients in Japan, the rules of docomo, au (KDDI), SoftBank "
	  "and\nYahoo! JAPAN are judged from the same results (ids jp.*): "
	  "each rule the\ndomain would fail is a line of its own, with the "
	  "record to publish.\n\n"
	  "Exit status: 0 when nothing fails (warnings allowed), 1 when a "
	  "check fails,\n64 for a usage error, 69 when no resolver can be "
	  "set up.\n\n"
	  "--json prints one object: {\"domain\", \"ip\", \"helo\", "
	  "\"envelope_from\",\n\"org_domain\", \"resolver\", \"selectors\", "
	  "\"notes\", \"verdict\", \"counts\",\n\"checks\": [{\"id\", "
	  "\"title\", \"status\", \"observed\", \"fix\"}]}.\n"
	  "--stream prints {\"event\":\"start\", ...the same header...}, "
	  "then one line\n{\"event\":\"check\", \"id\", ...} as each check "
	  "is decided, then\n{\"event\":\"verdict\", ...the header..., "
	  "\"verdict\", \"counts\"}."),
	  check_opts, cmd_check },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

/* Remember a note about a default that was taken (shown on stderr or in
 * the JSON header). */
static void PRINTFLIKE(2, 3)
check_note(struct check_ctx *c, const char *fmt, ...)
{
	va_list	ap;

	if (c->nnotes == CHECK_MAX_NOTES)
		return;
	va_start(ap, fmt);
	c->notes[c->nnotes++] = xvprintf(fmt, ap);
	va_end(ap);
}

/* --ip, else source_ip, else the kernel's choice, else 127.0.0.1. */
static int
check_pick_ip(struct check_ctx *c, const char *opt)
{
	unsigned char	 addr[16];
	const char	*ip = opt;

	if (ip == NULL)
		ip = config_get(c->env->cfg, "source_ip");
	if (ip != NULL) {
		if (inet_pton(AF_INET, ip, addr) != 1 &&
		    inet_pton(AF_INET6, ip, addr) != 1) {
			cli_err(_("--ip: '%s' is not an IP address"), ip);
			return -1;
		}
		inet_ntop(strchr(ip, ':') != NULL ? AF_INET6 : AF_INET, addr,
		    c->ip, sizeof c->ip);
		return 0;
	}
	if (health_route_source(c->ip, sizeof c->ip) == 0) {
		if (health_ip_private(c->ip))
			check_note(c, _("%s is a private address: behind NAT "
			    "the internet sees another one; give it with --ip"),
			    c->ip);
		return 0;
	}
	snprintf(c->ip, sizeof c->ip, "127.0.0.1");
	check_note(c, _("no route to the internet: checking 127.0.0.1; give "
	    "the sending address with --ip"));
	return 0;
}

/* --helo, else helo, else the PTR name of the address, else the host
 * name. */
static int
check_pick_helo(struct check_ctx *c, const char *opt)
{
	enum dns_status	 ptr;
	const char	*h = opt;
	int		 host;

	if (h == NULL)
		h = config_get(c->env->cfg, "helo");
	if (h != NULL) {
		if (!health_helo_ok(h)) {
			cli_err(_("--helo: '%s' is not a host name"), h);
			return -1;
		}
		c->helo = xstrdup(h);
		return 0;
	}
	c->helo = health_helo_default(c->dns, c->ip, &host, &ptr);
	if (host) {
		if (ptr == DNS_NXDOMAIN || ptr == DNS_NODATA)
			check_note(c, _("%s has no PTR name: HELO is the host "
			    "name %s"), c->ip, c->helo);
		else
			check_note(c, _("the PTR of %s could not be looked up "
			    "(%s): HELO is the host name %s"), c->ip,
			    dns_status_name(ptr), c->helo);
	}
	return 0;
}

/* The From address of the configuration, normalised, or -1. */
static int
check_from(struct check_ctx *c, char *addr)
{
	char		 name[ADDR_NAME_MAX + 1];
	const char	*from, *reason;

	from = config_get(c->env->cfg, "from");
	if (from == NULL || addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == -1)
		return -1;
	return 0;
}

/* DOMAIN, else domain, else the From address's. */
static int
check_pick_domain(struct check_ctx *c, const char *arg)
{
	char		 addr[ADDR_MAX + 1], *tmp;
	const char	*d = arg, *reason;

	if (d == NULL)
		d = config_get(c->env->cfg, "domain");
	if (d == NULL) {
		if (check_from(c, addr) == -1) {
			cli_err(_("which domain? give one (herald check "
			    "DOMAIN) or configure from (herald config set from "
			    "...)"));
			return -1;
		}
		d = addr_domain(addr);
	}
	tmp = xprintf("postmaster@%s", d);
	if (*d == '[' || addr_normalise(tmp, strlen(tmp), addr, &reason) ==
	    -1) {
		cli_err(_("'%s' is not a domain: %s"), d, *d == '[' ?
		    _("an address literal") : reason);
		free(tmp);
		return -1;
	}
	free(tmp);
	snprintf(c->domain, sizeof c->domain, "%s", addr_domain(addr));
	return 0;
}

/* --envelope-from, else bounce, else From, else postmaster@DOMAIN. */
static int
check_pick_envelope(struct check_ctx *c, const char *opt)
{
	const char	*e = opt, *reason;

	if (e == NULL)
		e = config_get(c->env->cfg, "bounce");
	/* The domain was checked as postmaster@DOMAIN already. */
	if (health_envelope(e, config_get(c->env->cfg, "from"), c->domain,
	    c->envelope, &reason) == -1) {
		if (e != NULL)
			cli_err(_("--envelope-from: '%s': %s"), e, reason);
		return -1;
	}
	return 0;
}

/* --selector S[,S...]: DKIM selectors (dot-separated LDH labels). */
static int
check_pick_selectors(struct check_ctx *c, const char *opt)
{
	char	*s, *next;
	size_t	 i;
	int	 n = 0;

	if (opt == NULL)
		return 0;
	c->selbuf = xstrdup(opt);
	for (s = c->selbuf; s != NULL; s = next) {
		if ((next = strchr(s, ',')) != NULL)
			*next++ = '\0';
		for (i = 0; s[i] != '\0'; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
			    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
			    s[i] == '-' || s[i] == '_' || (s[i] == '.' &&
			    i != 0 && s[i + 1] != '\0' && s[i + 1] != '.')))
				break;
		if (i == 0 || i > 63 || s[i] != '\0') {
			cli_err(_("--selector: '%s' is not a selector"), s);
			return -1;
		}
		if (n == CHECK_MAX_SELECTORS) {
			cli_err(_("--selector: at most %d selectors"),
			    CHECK_MAX_SELECTORS);
			return -1;
		}
		c->selectors[n++] = s;
	}
	c->selectors[n] = NULL;
	return 0;
}

/* No --selector: the local keys the report checks, so that what it says
 * it checked is what it checked. A key that cannot be read is left to the
 * report, which says so. */
static void
check_local_selectors(struct check_ctx *c)
{
	if (c->selectors[0] == NULL)
		health_local_selectors(c->env->store, c->domain, &c->keys,
		    &c->nkeys, c->selectors, CHECK_MAX_SELECTORS);
}

/* The inputs as JSON members of the open object, for --json and
 * --stream. */
static void
check_json_header(struct check_ctx *c, struct json *j)
{
	int	i;

	json_put_str(j, "domain", c->domain);
	json_put_str(j, "ip", c->ip);
	json_put_str(j, "helo", c->helo);
	json_put_str(j, "envelope_from", c->envelope);
	json_put_str(j, "org_domain", c->org);
	json_put_str(j, "resolver", dns_describe(c->dns));
	json_open_array(j, "selectors");
	for (i = 0; c->selectors[i] != NULL; i++)
		json_put_str(j, NULL, c->selectors[i]);
	json_close(j);
	json_open_array(j, "notes");
	for (i = 0; i < c->nnotes; i++)
		json_put_str(j, NULL, c->notes[i]);
	json_close(j);
}

/* One check as JSON members of the open object. */
static void
check_json_check(struct json *j, const struct health_check *hc)
{
	json_put_str(j, "id", hc->id);
	json_put_str(j, "title", hc->title);
	json_put_str(j, "status", health_status_name(hc->status));
	json_put_str(j, "observed", hc->observed);
	json_put_strnull(j, "fix", hc->fix);
}

/* "counts":{"ok":N,"warn":N,"fail":N} */
static void
check_json_counts(struct check_ctx *c, struct json *j)
{
	json_open_object(j, "counts");
	json_put_int(j, "ok", c->count[HEALTH_OK]);
	json_put_int(j, "warn", c->count[HEALTH_WARN]);
	json_put_int(j, "fail", c->count[HEALTH_FAIL]);
	json_close(j);
}

/* A check is decided: print it (text, stream) or keep it (--json). */
static void
check_on_check(const struct health_check *hc, void *arg)
{
	static const char *const sym[] = { "[ ok ]", "[warn]", "[FAIL]" };
	struct check_ctx	*c = arg;
	struct buf		 b;
	struct json		 j;

	c->count[hc->status]++;
	if (c->stream) {
		cli_json_open(&j, &b);
		json_put_str(&j, "event", "check");
		check_json_check(&j, hc);
		/* The console tells a resolver that does not answer by this,
		 * not by the prose, which is in the operator's language. */
		if (hc->unanswered)
			json_put_bool(&j, "unanswered", 1);
		cli_json_print(&j, &b);
		fflush(stdout);
	} else if (c->json) {
		json_open_object(&c->checksj, NULL);
		check_json_check(&c->checksj, hc);
		json_close(&c->checksj);
	} else {
		/* The provider rules come last, under a heading of their own. */
		if (strncmp(hc->id, "jp.", 3) == 0 && !c->jp_head) {
			c->jp_head = 1;
			printf("\n%s\n", _("Japanese mailbox providers (docomo, "
			    "au, SoftBank, Yahoo! JAPAN): rules mail from this "
			    "domain fails"));
		}
		/* So do the inbound side's, after them. */
		if (strncmp(hc->id, "own.", 4) == 0 && !c->own_head) {
			c->own_head = 1;
			printf("\n%s\n", _("The domain's own inbound side "
			    "(bounces and replies come here): TLS, MTA-STS, "
			    "TLS-RPT, BIMI"));
		}
		printf("%s %s: %s\n", sym[hc->status], hc->title, hc->observed);
		if (hc->fix != NULL)
			printf(_("       fix: %s\n"), hc->fix);
		fflush(stdout);
	}
}

/* Print what is checked, before the checks. */
static void
check_begin(struct check_ctx *c)
{
	struct buf	b;
	struct json	j;
	int		i;

	if (c->stream) {
		cli_json_open(&j, &b);
		json_put_str(&j, "event", "start");
		check_json_header(c, &j);
		cli_json_print(&j, &b);
		fflush(stdout);
		return;
	}
	if (c->json)
		return;
	for (i = 0; i < c->nnotes; i++)
		cli_err(_("note: %s"), c->notes[i]);
	printf(_("herald check %s: sending address %s, HELO %s, envelope-from "
	    "%s"), c->domain, c->ip, c->helo, *c->envelope != '\0' ?
	    c->envelope : _("<> (null sender)"));
	for (i = 0; c->selectors[i] != NULL; i++)
		printf(i == 0 ? _(", selectors %s") : ",%s", c->selectors[i]);
	printf("\n");
	printf(_("  organisational domain %s, resolver %s\n\n"), c->org,
	    dns_describe(c->dns));
	fflush(stdout);
}

/* Print the verdict (and, for --json, the whole report). */
static void
check_end(struct check_ctx *c, enum health_status worst)
{
	struct buf	b;
	struct json	j;

	buf_init(&b);
	if (c->stream || c->json) {
		json_init(&j, &b);
		json_open_object(&j, NULL);
		if (c->stream)
			json_put_str(&j, "event", "verdict");
		check_json_header(c, &j);
		json_put_str(&j, "verdict", health_status_name(worst));
		check_json_counts(c, &j);
		if (!c->stream) {
			json_close(&c->checksj);
			json_put_raw(&j, "checks", c->checks.data);
		}
		json_close(&j);
		cli_json_out(&b);
	} else
		printf(worst == HEALTH_FAIL ? _("\nverdict: %s: %d ok, %d "
		    "warn, %d fail (publish the fixes above, then check "
		    "again)\n") : _("\nverdict: %s: %d ok, %d warn, %d fail\n"),
		    worst == HEALTH_FAIL ? "FAIL" : health_status_name(worst),
		    c->count[HEALTH_OK], c->count[HEALTH_WARN],
		    c->count[HEALTH_FAIL]);
	buf_free(&b);
}

/* Alerts raised in this many days are open: a provider that refused
 * the sender then may well refuse it now. */
#define CHECK_ALERT_DAYS	14

struct check_alerts {
	struct check_ctx	*c;
	int			 n;
};

/* An alert of a recent send: a warning in the report. */
static int
check_alert(const struct fb_alert *a, void *arg)
{
	struct check_alerts	*ca = arg;
	struct health_check	 hc;
	char			 when[32];

	ca->n++;
	cli_date(when, sizeof when, a->last_at);
	memset(&hc, 0, sizeof hc);
	hc.id = "alert";
	hc.title = xprintf(_("send %lld: %s refused the sender (%s)"),
	    (long long)a->send_id, a->provider, a->reason);
	hc.status = HEALTH_WARN;
	hc.observed = xprintf(ngettext("%lld time, last %s",
	    "%lld times, last %s", (unsigned long)a->count),
	    (long long)a->count, when);
	hc.fix = xstrdup(a->text);
	check_on_check(&hc, ca->c);
	free(hc.title);
	free(hc.observed);
	free(hc.fix);
	return 0;
}

/* The domain's own inbound side (sts/own.h), with the send's SMTP port,
 * trust anchors and policy fetch, so the report sees what a send sees. */
static enum health_status
check_own(struct check_ctx *c)
{
	struct own_options	 o;
	const char		*v;

	memset(&o, 0, sizeof o);
	if ((v = config_get(c->env->cfg, "smtp_port")) != NULL)
		o.smtp_port = atoi(v);
	if ((v = config_get(c->env->cfg, "ca_file")) != NULL && *v != '\0')
		o.ca_file = o.sts.ca_file = v;
	if ((v = config_get(c->env->cfg, "mta_sts_port")) != NULL)
		o.sts.port = atoi(v);
	o.helo = c->helo;
	return own_run(c->dns, c->domain, &o, check_on_check, c);
}

/* herald check [DOMAIN] */
static int
cmd_check(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct check_ctx	 c;
	struct health_input	 in;
	enum health_status	 worst, own;
	int			 rc = EXIT_USAGE, i;

	memset(&c, 0, sizeof c);
	c.env = env;
	c.stream = cli_opt(cmd, a, "stream") != NULL;
	c.json = env->json || c.stream;
	buf_init(&c.checks);
	json_init(&c.checksj, &c.checks);
	json_open_array(&c.checksj, NULL);
	if (check_pick_domain(&c, a->argc > 0 ? a->argv[0] : NULL) == -1 ||
	    check_pick_envelope(&c, cli_opt(cmd, a, "envelope-from")) == -1 ||
	    check_pick_selectors(&c, cli_opt(cmd, a, "selector")) == -1 ||
	    check_pick_ip(&c, cli_opt(cmd, a, "ip")) == -1)
		goto out;
	if ((c.dns = cli_dns(env)) == NULL) {
		rc = EXIT_UNAVAIL;
		goto out;
	}
	if (check_pick_helo(&c, cli_opt(cmd, a, "helo")) == -1)
		goto out;
	/* Local DKIM keys live in the database; without one there are none,
	 * and a report does not create it. */
	if (access(env->db_path, F_OK) == 0 && (rc = cli_store(env)) != 0)
		goto out;
	if ((c.org = health_org_domain(c.domain)) == NULL)
		c.org = xstrdup(c.domain);

	memset(&in, 0, sizeof in);
	in.domain = c.domain;
	in.ip = c.ip;
	in.helo = c.helo;
	in.envelope_from = c.envelope;
	check_local_selectors(&c);
	in.selectors = c.selectors;
	check_begin(&c);
	worst = health_run(c.dns, env->store, &in, check_on_check, &c);
	if ((own = check_own(&c)) > worst)
		worst = own;
	/* The alerts live in the store: the DNS checks cannot see them. */
	if (env->store != NULL) {
		struct check_alerts	 ca = { &c, 0 };
		char			*cause = NULL;

		if (store_fb_alerts(env->store, 0, (int64_t)time(NULL) -
		    CHECK_ALERT_DAYS * 86400, check_alert, &ca, &cause) == -1) {
			check_note(&c, _("alerts not read: %s"), cause);
			free(cause);
		}
		if (ca.n > 0 && worst == HEALTH_OK)
			worst = HEALTH_WARN;
	}
	check_end(&c, worst);
	rc = worst == HEALTH_FAIL ? 1 : 0;
out:
	if (c.dns != NULL)
		dns_close(c.dns);
	for (i = 0; i < c.nnotes; i++)
		free(c.notes[i]);
	buf_free(&c.checks);
	free(c.selbuf);
	for (i = 0; i < (int)c.nkeys; i++)
		dkim_key_free(&c.keys[i]);
	free(c.keys);
	free(c.helo);
	free(c.org);
	return rc;
}
