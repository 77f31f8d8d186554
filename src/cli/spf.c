/* herald spf IP DOMAIN, and the resolver every DNS-using command shares. */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "config/config.h"
#include "auth/dns.h"
#include "base/json.h"
#include "auth/spf.h"

/* A resolver from the configuration (resolver, dns_timeout, dns_retries;
 * --resolver and the other keys override the file as usual). */
struct dns *
cli_dns(struct cli_env *env)
{
	struct dns_options	 o;
	struct dns		*dns;
	char			*cause = NULL;

	config_dns_options(env->cfg, &o);
	if ((dns = dns_open(&o, &cause)) == NULL) {
		cli_err("%s", cause != NULL ? cause : _("cannot set up DNS"));
		free(cause);
	}
	return dns;
}

/* Print "label  value" with control bytes shown as '?' (values come from
 * DNS and from the command line). */
static void
spf_line(const char *label, const char *value)
{
	const unsigned char	*p;

	if (value == NULL)
		return;
	printf("%-12s", label);
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
	putchar('\n');
}

/* The report as one JSON object. */
static void
spf_print_json(const struct spf_request *q, const struct spf_report *r)
{
	struct buf	b;
	struct json	j;

	cli_json_open(&j, &b);
	json_put_str(&j, "result", spf_result_name(r->result));
	json_put_strnull(&j, "ip", q->ip);
	json_put_strnull(&j, "domain", q->domain);
	json_put_strnull(&j, "sender", q->sender);
	json_put_strnull(&j, "helo", q->helo);
	json_put_strnull(&j, "record", r->record);
	json_put_strnull(&j, "mechanism", r->mechanism);
	json_put_strnull(&j, "matched_in", r->matched_in);
	json_put_int(&j, "lookups", r->lookups);
	json_put_int(&j, "void_lookups", r->void_lookups);
	json_put_strnull(&j, "explanation", r->explanation);
	json_put_strnull(&j, "problem", r->problem);
	cli_json_print(&j, &b);
}

/* The report as text. */
static void
spf_print_text(const struct spf_request *q, const struct spf_report *r)
{
	char	*s;

	spf_line("spf", spf_result_name(r->result));
	spf_line("ip", q->ip);
	spf_line("domain", q->domain);
	spf_line("sender", q->sender);
	spf_line("helo", q->helo);
	spf_line("record", r->record != NULL ? r->record : "(none)");
	if (r->mechanism != NULL) {
		s = xprintf(_("%s (in "
		    "%s)"), r->mechanism, r->matched_in != NULL ?
		    r->matched_in : q->domain);
		spf_line("mechanism", s);
		free(s);
	} else if (r->record != NULL && (r->result == SPF_NEUTRAL ||
	    r->result == SPF_FAIL))
		spf_line("mechanism", _("(none matched: the default result)"));
	s = xprintf(_("%d of 10 (void %d of 2)"), r->lookups, r->void_lookups);
	spf_line("lookups", s);
	free(s);
	spf_line("explanation", r->explanation);
	spf_line("problem", r->problem);
}

/* herald spf IP DOMAIN */
static int
cmd_spf(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	struct spf_request	 q;
	struct spf_report	 r;
	struct dns		*dns;
	unsigned char		 b[16];

	memset(&q, 0, sizeof q);
	q.ip = a->argv[0];
	q.domain = a->argv[1];
	q.sender = cli_opt(cmd, a, "sender");
	q.helo = cli_opt(cmd, a, "helo");
	if (q.helo == NULL && config_is_set(env->cfg, "helo"))
		q.helo = config_get(env->cfg, "helo");
	if (inet_pton(AF_INET, q.ip, b) != 1 &&
	    inet_pton(AF_INET6, q.ip, b) != 1) {
		cli_err(_("'%s' is not an IP address"), q.ip);
		return EXIT_USAGE;
	}
	if ((dns = cli_dns(env)) == NULL)
		return EXIT_UNAVAIL;
	spf_check_host(dns, &q, &r);
	if (env->json)
		spf_print_json(&q, &r);
	else
		spf_print_text(&q, &r);
	spf_report_free(&r);
	dns_close(dns);
	return 0;
}

static const struct cli_opt spf_opts[] = {
	{ "helo", "NAME", N_("the client's HELO/EHLO name") },
	{ "sender", "ADDR", N_("MAIL FROM (default: postmaster@HELO)") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_spf_cmds[] = {
	{ "spf", "IP DOMAIN", 2, 2, N_("the SPF result for a client IP and a "
	  "domain (RFC 7208)"),
	  N_("Runs check_host(): prints the result, the record, the mechanism "
	  "that decided\n(and in which domain's record), the DNS lookups "
	  "used (10 allowed, 2 void)\nand the explanation a fail "
	  "publishes. DOMAIN is normally the domain of the\nsender; pass "
	  "the HELO name to check the HELO identity. Exit status 0 when\n"
	  "the check ran, whatever its result; 64 for a bad IP; 69 when no "
	  "resolver\ncan be used."), spf_opts, cmd_spf },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
