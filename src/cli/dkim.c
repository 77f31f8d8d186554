/* herald dkim ... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_int.h"
#include "config/config.h"
#include "auth/dkim.h"
#include "auth/dns.h"
#include "auth/publish.h"
#include "base/json.h"
#include "store/store.h"
#include "base/utf8.h"

#define DKIM_MSG_MAX	(64 * 1024 * 1024)	/* bytes sign/verify read */
#define DKIM_CLI_TTL	3600

/* Check DOMAIN SELECTOR arguments; prints why not. */
static int
dkim_cli_names(struct cli_args *a, char **dom, char **sel)
{
	char	*cause = NULL;

	if (dkim_names(a->argv[0], a->argv[1], dom, sel, &cause) == -1) {
		cli_fail(0, cause);
		return -1;
	}
	return 0;
}

/* Find the local key domain/selector: 0, or an exit status (printed). */
static int
dkim_cli_key(struct cli_env *env, const char *dom, const char *sel,
    struct dkim_key *k)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = cli_store(env)) != 0)
		return rc;
	rc = store_dkim_get(env->store, dom, sel, k, &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no DKIM key for %s selector %s (herald dkim ls "
		    "lists them; herald dkim keygen %s %s makes "
		    "one)"), dom, sel, dom,
		    sel);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* The record of k as JSON members name, type, value, strings. */
static void
dkim_json_record(struct json *j, const struct dkim_key *k)
{
	char	**v, *value, *name;
	size_t	  n, i;

	name = xprintf("%s._domainkey.%s", k->selector, k->domain);
	value = dkim_record_value(k);
	json_put_str(j, "name", name);
	json_put_str(j, "type", "TXT");
	json_put_str(j, "value", value);
	json_open_array(j, "strings");
	v = dkim_record_strings(k, &n);
	for (i = 0; i < n; i++)
		json_put_str(j, NULL, v[i]);
	json_close(j);
	dkim_record_strings_free(v, n);
	free(value);
	free(name);
}

/* herald dkim keygen DOMAIN SELECTOR [--algo A] */
static int
cmd_dkim_keygen(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_key	 k, old;
	enum dkim_algo	 algo = DKIM_RSA2048;
	const char	*s = cli_opt(cmd, a, "algo");
	char		*dom, *sel, *cause = NULL, *zone;
	struct buf	 b;
	struct json	 j;
	int		 rc;

	if (s != NULL && dkim_algo_parse(s, &algo) == -1) {
		cli_err(_("--algo: '%s': expected rsa-2048, rsa-3072 or "
		    "ed25519"),
		    s);
		return EXIT_USAGE;
	}
	if (dkim_cli_names(a, &dom, &sel) == -1)
		return EXIT_USAGE;
	if ((rc = cli_store(env)) != 0)
		goto out;
	if ((rc = store_dkim_get(env->store, dom, sel, &old, &cause)) != 1) {
		if (rc == 0) {
			dkim_key_free(&old);
			cli_err(_("%s has a key with selector %s already; to "
			    "rotate, generate one with a new selector (herald "
			    "dkim ls)"), dom, sel);
			rc = EXIT_DATAERR;
		} else
			rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (dkim_keygen(env->store, env->db_path, dom, sel, algo, &k,
	    &cause) == -1) {
		rc = cli_fail(EXIT_CANTCREAT, cause);
		goto out;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "domain", k.domain);
		json_put_str(&j, "selector", k.selector);
		json_put_str(&j, "algo", dkim_algo_name(k.algo));
		json_put_str(&j, "key_file", k.key_file);
		dkim_json_record(&j, &k);
		zone = dkim_record_zone(&k);
		json_put_str(&j, "zone", zone);
		free(zone);
		json_put_bool(&j, "active", 0);
		json_put_bool(&j, "pending", 1);
		cli_json_print(&j, &b);
	} else {
		zone = dkim_record_zone(&k);
		printf(_("generated a new %s DKIM key for %s, selector %s\n"
		    "inactive until its record is published: messages are not "
		    "signed with it yet\n"), dkim_algo_name(k.algo), k.domain,
		    k.selector);
		printf(_("private key: %s (mode 0600; keep it secret, back it "
		    "up)\n\npublish this TXT record in the %s zone:\n\n%s\n\n"),
		    k.key_file, k.domain, zone);
		printf(_("then: herald dkim check %s %s\n(it activates the key "
		    "once the published record matches)\nherald dkim record "
		    "%s %s prints the record again, with SPF and DMARC\n"),
		    k.domain, k.selector, k.domain, k.selector);
		free(zone);
	}
	dkim_key_free(&k);
	rc = 0;
out:
	free(dom);
	free(sel);
	return rc;
}

/* Print a TXT record line for value at name. */
static void
dkim_print_txt(const char *name, const char *value)
{
	char	*line = publish_txt(name, DKIM_CLI_TTL, value);

	fputs(line, stdout);
	free(line);
}

/* herald dkim record DOMAIN SELECTOR [--format F] */
static int
cmd_dkim_record(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_key		 k;
	struct publish		 x;
	struct dns		*dns;
	const char		*fmt = cli_opt(cmd, a, "format");
	char			*dom, *sel, *s;
	struct buf		 b;
	struct json		 j;
	int			 rc;

	if (fmt == NULL)
		fmt = env->json ? "json" : "zone";
	if (strcmp(fmt, "zone") != 0 && strcmp(fmt, "value") != 0 &&
	    strcmp(fmt, "json") != 0) {
		cli_err(_("--format: '%s': expected zone, value or json"), fmt);
		return EXIT_USAGE;
	}
	if (dkim_cli_names(a, &dom, &sel) == -1)
		return EXIT_USAGE;
	rc = dkim_cli_key(env, dom, sel, &k);
	free(dom);
	free(sel);
	if (rc != 0)
		return rc;
	if (strcmp(fmt, "value") == 0) {
		s = dkim_record_value(&k);
		printf("%s\n", s);
		free(s);
		dkim_key_free(&k);
		return 0;
	}
	dns = cli_dns(env);
	publish_records(dns, k.domain, config_get(env->cfg, "source_ip"), &x);
	if (dns != NULL)
		dns_close(dns);
	if (strcmp(fmt, "json") == 0) {
		cli_json_open(&j, &b);
		dkim_json_record(&j, &k);
		json_open_object(&j, "spf");
		json_put_str(&j, "name", x.spf_name);
		json_put_str(&j, "type", "TXT");
		json_put_strnull(&j, "value", x.spf_value);
		json_put_bool(&j, "placeholder", x.spf_placeholder);
		json_put_strnull(&j, "existing", x.spf_existing);
		json_put_strnull(&j, "note", x.spf_note);
		json_close(&j);
		json_open_object(&j, "dmarc");
		json_put_str(&j, "name", x.dmarc_name);
		json_put_str(&j, "type", "TXT");
		json_put_strnull(&j, "value", x.dmarc_value);
		json_put_strnull(&j, "existing", x.dmarc_existing);
		json_put_strnull(&j, "note", x.dmarc_note);
		json_close(&j);
		cli_json_print(&j, &b);
	} else {
		s = dkim_record_zone(&k);
		printf(_("; DNS records to publish for %s\n;\n"), k.domain);
		if (k.pending)
			printf(_("; DKIM public key, selector %s (%s, awaiting "
			    "publication)\n"), k.selector,
			    dkim_algo_name(k.algo));
		else if (k.active)
			printf(_("; DKIM public key, selector %s (%s)\n"),
			    k.selector, dkim_algo_name(k.algo));
		else
			printf(_("; DKIM public key, selector %s (%s, not "
			    "active)\n"), k.selector, dkim_algo_name(k.algo));
		printf("%s\n;\n", s);
		free(s);
		if (x.spf_placeholder)
			printf(_("; SPF: PLACEHOLDER: replace YOUR.SENDING.IP "
			    "with the address herald sends from\n; (herald "
			    "config set source_ip IP fills it in)\n"));
		else
			printf(_("; SPF: the sending address may send for "
			    "%s\n"),
			    k.domain);
		if (x.spf_note != NULL)
			printf("; %s\n", x.spf_note);
		if (x.spf_value != NULL)
			dkim_print_txt(x.spf_name, x.spf_value);
		printf(_(";\n; DMARC: %s\n"), x.dmarc_note);
		if (x.dmarc_value != NULL)
			dkim_print_txt(x.dmarc_name, x.dmarc_value);
	}
	publish_free(&x);
	dkim_key_free(&k);
	return 0;
}

/* herald dkim ls */
static int
cmd_dkim_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_key	*v;
	size_t		 n, i;
	char		*cause = NULL, date[32], *fit;
	struct buf	 b;
	struct json	 j;
	int		 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	if (store_dkim_keys(env->store, NULL, &v, &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
		for (i = 0; i < n; i++) {
			json_open_object(&j, NULL);
			json_put_str(&j, "domain", v[i].domain);
			json_put_str(&j, "selector", v[i].selector);
			json_put_str(&j, "algo", dkim_algo_name(v[i].algo));
			json_put_int(&j, "created", v[i].created_at);
			json_put_bool(&j, "active", v[i].active);
			json_put_bool(&j, "pending", v[i].pending);
			json_put_str(&j, "key_file", v[i].key_file);
			json_close(&j);
		}
		cli_json_print(&j, &b);
	} else if (n == 0)
		printf(_("no DKIM keys yet: herald dkim keygen DOMAIN SELECTOR "
		    "makes one\n"));
	else {
		/* TRANSLATORS: column headings of herald dkim ls. */
		cli_pad(_("DOMAIN"), 30, 0, " ");
		cli_pad(_("SELECTOR"), 16, 0, " ");
		cli_pad(_("ALGO"), 9, 0, " ");
		cli_pad(_("CREATED"), 16, 0, "  ");
		printf("%s\n", _("ACTIVE"));
		for (i = 0; i < n; i++) {
			cli_date(date, sizeof date, v[i].created_at);
			fit = utf8_fit(v[i].domain, 30, 1);
			printf("%s ", fit);
			free(fit);
			fit = utf8_fit(v[i].selector, 16, 1);
			printf("%s %-9s %-16s  %s\n", fit,
			    dkim_algo_name(v[i].algo), date, v[i].active ?
			    _("yes") : v[i].pending ? _("no (awaiting "
			    "publication: herald dkim check)") : _("no"));
			free(fit);
		}
	}
	for (i = 0; i < n; i++)
		dkim_key_free(&v[i]);
	free(v);
	return 0;
}

/* What to do about a verdict, one line (allocated), or NULL. */
static char *
dkim_check_fix(enum dkim_published p, const struct dkim_key *k)
{
	char	*zone = dkim_record_zone(k), *s;

	switch (p) {
	case DKIM_PUB_ABSENT:
		s = xprintf(_("publish: %s"), zone);
		break;
	case DKIM_PUB_DIFFERENT:
	case DKIM_PUB_SYNTAX:
		s = xprintf(_("replace it with: %s"), zone);
		break;
	case DKIM_PUB_REVOKED:
		s = xprintf(_("the key was revoked; to sign with it again "
		    "publish: %s (or generate a new selector)"), zone);
		break;
	case DKIM_PUB_DNSFAIL:
		s = xstrdup(_("try again later, or check the resolver "
		    "(--resolver IP[:PORT])"));
		break;
	default:
		s = NULL;
		break;
	}
	free(zone);
	return s;
}

/* herald dkim check DOMAIN SELECTOR */
static int
cmd_dkim_check(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_key		 k;
	struct dns		*dns;
	enum dkim_published	 p;
	char			*dom, *sel, *obs = NULL, *fix, *value;
	char			*cause = NULL;
	struct buf		 b;
	struct json		 j;
	int			 rc, activated;

	(void)cmd;
	if (dkim_cli_names(a, &dom, &sel) == -1)
		return EXIT_USAGE;
	rc = dkim_cli_key(env, dom, sel, &k);
	free(dom);
	free(sel);
	if (rc != 0)
		return rc;
	if ((dns = cli_dns(env)) == NULL) {
		dkim_key_free(&k);
		return EXIT_UNAVAIL;
	}
	rc = dkim_check_activate(env->store, dns, &k, &p, &obs, &activated,
	    &cause);
	dns_close(dns);
	if (rc == -1) {
		dkim_key_free(&k);
		return cli_fail(EXIT_IOERR, cause);
	}
	fix = dkim_check_fix(p, &k);
	if (env->json) {
		value = dkim_record_value(&k);
		cli_json_open(&j, &b);
		json_put_str(&j, "domain", k.domain);
		json_put_str(&j, "selector", k.selector);
		json_put_str(&j, "verdict", dkim_published_name(p));
		json_put_str(&j, "observed", obs);
		json_put_str(&j, "expected", value);
		json_put_strnull(&j, "fix", fix);
		json_put_bool(&j, "active", k.active);
		json_put_bool(&j, "pending", k.pending);
		json_put_bool(&j, "activated", activated);
		cli_json_print(&j, &b);
		free(value);
	} else {
		switch (p) {
		case DKIM_PUB_MATCH:
			printf(_("ok: the published key for %s selector %s is "
			    "the local key\n"), k.domain, k.selector);
			break;
		case DKIM_PUB_ABSENT:
			printf(_("not published: no DKIM key for %s selector "
			    "%s in DNS\n"), k.domain, k.selector);
			break;
		case DKIM_PUB_DIFFERENT:
			printf(_("different key: DNS holds another key for %s "
			    "selector %s\n"), k.domain, k.selector);
			break;
		case DKIM_PUB_REVOKED:
			printf(_("revoked: the record for %s selector %s has "
			    "an empty p=\n"), k.domain, k.selector);
			break;
		case DKIM_PUB_SYNTAX:
			printf(_("syntax error: the record for %s selector %s "
			    "is not a usable key record\n"), k.domain,
			    k.selector);
			break;
		case DKIM_PUB_DNSFAIL:
			printf(_("DNS failure: could not look up the key for "
			    "%s selector %s\n"), k.domain, k.selector);
			break;
		}
		printf("  %s\n", obs);
		if (fix != NULL)
			printf("  %s\n", fix);
		if (activated)
			printf(_("activated: new messages from %s are signed "
			    "with selector %s\n"), k.domain, k.selector);
		else if (k.pending)
			printf(_("inactive: selector %s awaits publication; "
			    "messages are not signed with it until this check "
			    "sees the record\n"
			    "(herald dkim activate %s %s signs at once, "
			    "knowingly)\n"), k.selector, k.domain, k.selector);
	}
	free(obs);
	free(fix);
	dkim_key_free(&k);
	if (p == DKIM_PUB_MATCH)
		return 0;
	return p == DKIM_PUB_DNSFAIL ? EXIT_TEMPFAIL : 1;
}

/* herald dkim activate|deactivate DOMAIN SELECTOR */
static int
dkim_set_active(struct cli_env *env, struct cli_args *a, int on)
{
	struct dkim_key	 k;
	struct buf	 b;
	struct json	 j;
	size_t		 active;
	char		*dom, *sel, *cause = NULL;
	int		 rc, pending, n;

	if (dkim_names(a->argv[0], a->argv[1], &dom, &sel, &cause) == -1)
		return cli_fail(EXIT_USAGE, cause);
	if ((rc = dkim_cli_key(env, dom, sel, &k)) != 0)
		goto out;
	pending = k.pending;
	dkim_key_free(&k);
	if (store_dkim_set_active(env->store, dom, sel, on, &cause) != 0) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if ((n = dkim_active_keys(env->store, dom, NULL, NULL,
	    &cause)) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	active = (size_t)n;
	if (env->json) {
		/* {"domain","selector","active","active_keys"} */
		cli_json_open(&j, &b);
		json_put_str(&j, "domain", dom);
		json_put_str(&j, "selector", sel);
		json_put_bool(&j, "active", on);
		json_put_uint(&j, "active_keys", active);
		cli_json_print(&j, &b);
		if (!on && active == 0)
			cli_err(_("warning: %s has no active key now: messages "
			    "from it will not be signed"), dom);
	} else if (on) {
		printf(ngettext("%s selector %s is active: new messages are "
		    "signed with it (%zu active key for %s)\n", "%s selector "
		    "%s is active: new messages are signed with it (%zu active "
		    "keys for %s)\n", active), dom, sel, active, dom);
	} else {
		printf(_("%s selector %s is inactive: new messages are not "
		    "signed with it.\nThe key and its record stay: keep the "
		    "record published for a few days, until\nmail signed with "
		    "it has been delivered and checked.\n"), dom, sel);
		if (active == 0)
			printf(_("warning: %s has no active key now: messages "
			    "from it will not be signed\n"), dom);
	}
	/* No lookup here: the operator chose, perhaps without DNS. */
	if (on && pending)
		cli_err(_("warning: the record of %s selector %s has not been "
		    "seen published (herald dkim check %s %s looks): until it "
		    "is, receivers fail its signatures"), dom, sel, dom, sel);
	rc = 0;
out:
	free(dom);
	free(sel);
	return rc;
}

/* herald dkim activate DOMAIN SELECTOR */
static int
cmd_dkim_activate(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	(void)cmd;
	return dkim_set_active(env, a, 1);
}

/* herald dkim deactivate DOMAIN SELECTOR */
static int
cmd_dkim_deactivate(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	(void)cmd;
	return dkim_set_active(env, a, 0);
}

/*
 * Read a message from path ("-" or NULL: standard input) with every line
 * ending made CRLF (bare LF and bare CR become CRLF). 0 or an exit status.
 */
static int
dkim_read_message(const char *path, struct buf *out)
{
	FILE	*f = stdin;
	char	 chunk[65536];
	size_t	 n, i;
	int	 cr = 0;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (f = fopen(path, "rb")) == NULL) {
		cli_err(_("cannot open %s: %s"), path, strerror(errno));
		return EXIT_NOINPUT;
	}
	buf_init(out);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		for (i = 0; i < n; i++) {
			if (cr && chunk[i] != '\n')
				buf_addc(out, '\n');
			if (chunk[i] == '\n' && !cr)
				buf_addc(out, '\r');
			buf_addc(out, chunk[i]);
			cr = chunk[i] == '\r';
		}
		if (out->len > DKIM_MSG_MAX) {
			cli_err(_("%s: more than %d MB"), path != NULL ? path :
			    _("standard input"), DKIM_MSG_MAX / 1024 / 1024);
			goto fail;
		}
	}
	if (cr)
		buf_addc(out, '\n');
	if (ferror(f)) {
		cli_err(_("cannot read %s: %s"), path != NULL ? path :
		    _("standard input"), strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	if (out->len == 0) {
		cli_err(_("%s is empty"), path != NULL ? path : _("standard "
		    "input"));
		return EXIT_DATAERR;
	}
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	buf_free(out);
	return EXIT_IOERR;
}

/* herald dkim sign DOMAIN [FILE] */
static int
cmd_dkim_sign(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_signer	*s;
	struct buf		 msg, sigs;
	char			*cause = NULL, *dom, *sel;
	int			 rc;

	(void)cmd;
	/* The domain checked as keygen checks it ("x": any selector). */
	if (dkim_names(a->argv[0], "x", &dom, &sel, &cause) == -1)
		return cli_fail(EXIT_USAGE, cause);
	free(sel);
	if ((rc = cli_store(env)) != 0 ||
	    (rc = dkim_read_message(a->argc > 1 ? a->argv[1] : NULL,
	    &msg)) != 0) {
		free(dom);
		return rc;
	}
	buf_init(&sigs);
	if ((s = dkim_signer_new(env->store, dom, &cause)) == NULL)
		rc = cli_fail(EXIT_DATAERR, cause);
	else if (dkim_signer_sign(s, msg.data, msg.len, &sigs, &cause) == -1)
		rc = cli_fail(EXIT_DATAERR, cause);
	else {
		fwrite(sigs.data, 1, sigs.len, stdout);
		fwrite(msg.data, 1, msg.len, stdout);
	}
	dkim_signer_free(s);
	buf_free(&sigs);
	buf_free(&msg);
	free(dom);
	return rc;
}

/* herald dkim verify [FILE] */
static int
cmd_dkim_verify(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct dkim_verdict	 v;
	struct dns		*dns;
	struct buf		 msg, b;
	struct json		 j;
	const char		*p, *start, *nl;
	char			*cause = NULL;
	int			 rc;

	(void)cmd;
	if ((rc = dkim_read_message(a->argc > 0 ? a->argv[0] : NULL,
	    &msg)) != 0)
		return rc;
	/* A message saved from an mbox starts with a "From " line. */
	start = msg.data;
	if (strncmp(start, "From ", 5) == 0 && (nl = strstr(start, "\r\n")) !=
	    NULL)
		start = nl + 2;
	if ((dns = cli_dns(env)) == NULL) {
		buf_free(&msg);
		return EXIT_UNAVAIL;
	}
	rc = dkim_verify_message(dns, start, msg.len - (size_t)(start -
	    msg.data), &v, &cause);
	dns_close(dns);
	buf_free(&msg);
	if (rc == -1)
		return cli_fail(EXIT_DATAERR, cause);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "signatures", v.signatures);
		json_put_int(&j, "passed", v.passed);
		json_put_int(&j, "temperror", v.temperror);
		json_open_array(&j, "results");
		for (p = v.summary; v.signatures > 0 && *p != '\0';
		    p = nl + 1) {
			nl = strchr(p, '\n');
			json_put_strn(&j, NULL, p, (size_t)(nl - p));
		}
		json_close(&j);
		cli_json_print(&j, &b);
	} else {
		fputs(v.summary, stdout);
		printf(ngettext("%d of %d signature verifies\n",
		    "%d of %d signatures "
		        "verify\n", (unsigned long)v.signatures),
		    v.passed, v.signatures);
		if (v.temperror > 0)
			printf(ngettext("temperror: %d key lookup failed for "
			    "now (the resolver did not answer): try again "
			    "later\n",
			    "temperror: %d key lookups failed for now (the "
			    "resolver did not answer): try again later\n",
			    (unsigned long)v.temperror), v.temperror);
	}
	/* Only lookups that failed for now stand between it and a pass:
	 * a temporary error, not a verdict. */
	if (v.signatures > 0 && v.passed == v.signatures)
		rc = 0;
	else if (v.temperror > 0 && v.passed + v.temperror == v.signatures)
		rc = EXIT_TEMPFAIL;
	else
		rc = 1;
	dkim_verdict_free(&v);
	return rc;
}

static const struct cli_opt keygen_opts[] = {
	{ "algo", "ALGO", N_("rsa-2048 (default), rsa-3072 or ed25519") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt record_opts[] = {
	{ "format", "FMT", N_("zone (default; with SPF and DMARC), value or "
	  "json") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_dkim_cmds[] = {
	{ NT("dkim keygen"), "DOMAIN SELECTOR", 2, 2, N_("generate a DKIM key "
	  "and print the record to publish"),
	  N_("The private key is written as PKCS#8 PEM, mode 0600, to the keys "
	  "directory\nbeside the database (mode 0700), and recorded as "
	  "inactive, awaiting publication:\nherald dkim check activates it "
	  "once the published record matches (until\nthen messages are not "
	  "signed with it: a signature receivers cannot check\nfails). It is "
	  "never printed. Ed25519 (RFC 8463) keys are small, but not\nevery "
	  "receiver checks them yet: publish an RSA key too and both sign."),
	  keygen_opts, cmd_dkim_keygen },
	{ NT("dkim record"), "DOMAIN SELECTOR", 2, 2, N_("the DNS TXT record "
	  "to publish for a key"),
	  N_("zone: the zone-file line (strings of at most 255 bytes), with "
	  "the SPF record\n"
	  "for the sending address (source_ip) and, when DOMAIN has none, a "
	  "starting\n"
	  "DMARC record. value: the TXT value alone, for a web form. json: "
	  "{\"name\",\n"
	  "\"type\", \"value\", \"strings\", \"spf\", \"dmarc\"}."),
	  record_opts, cmd_dkim_record },
	{ NT("dkim ls"), "", 0, 0, N_("list the DKIM "
	  "keys"), NULL, NULL, cmd_dkim_ls },
	{ NT("dkim check"), "DOMAIN SELECTOR", 2, 2, N_("compare the published "
	  "key with the local key"),
	  N_("Looks up SELECTOR._domainkey.DOMAIN and compares it with the "
	  "local key.\n"
	  "A new key awaiting publication becomes active when they match (it "
	  "says\n"
	  "so; --json: \"activated\": true).\n"
	  "Exit status: 0 when they match; 1 when the key is not published, a\n"
	  "different key is, the key is revoked (empty p=) or the record does "
	  "not\n"
	  "parse; 75 when DNS fails; 66 for an unknown "
	  "key."), NULL, cmd_dkim_check },
	{ NT("dkim activate"), "DOMAIN SELECTOR", 2, 2, N_("sign new messages "
	  "with this key"),
	  N_("Rotation: generate a key with a new selector, publish its "
	  "record, check it\n"
	  "(herald dkim check activates it), then deactivate the old one. "
	  "Every\n"
	  "active key signs (RSA and Ed25519 together give two signatures).\n"
	  "Activating a key whose record was never seen published warns: "
	  "receivers\n"
	  "fail its signatures until it is. --json:\n"
	  "{\"domain\",\"selector\",\"active\",\"active_keys\"} (the domain's "
	  "active\n"
	  "keys now); so for deactivate."), NULL,
	  cmd_dkim_activate },
	{ NT("dkim deactivate"), "DOMAIN SELECTOR", 2, 2, N_("stop signing "
	  "with this key (it is kept)"),
	  N_("The key and its record stay; keep the record published until "
	  "mail signed\n"
	  "with it has been delivered. --json: as dkim activate's."), NULL,
	  cmd_dkim_deactivate },
	{ NT("dkim sign"), "DOMAIN [FILE]", 1, 2, N_("sign a message with "
	  "DOMAIN's active keys and print it"),
	  N_("Reads an RFC 5322 message from FILE or standard input (LF line "
	  "ends become\nCRLF) and prints it with one DKIM-Signature per "
	  "active key of DOMAIN in\nfront."), NULL, cmd_dkim_sign },
	{ NT("dkim verify"), "[FILE]", 0, 1, N_("check the DKIM signatures of "
	  "a received message"),
	  N_("Reads a message from FILE or standard input and verifies each "
	  "DKIM-Signature,\nlooking the keys up in DNS (--resolver). A "
	  "signature whose key lookup fails\n(timeout, SERVFAIL) is a "
	  "temperror. Exit status: 0 when there are\nsignatures and all "
	  "verify; 75 when the only ones that do not are\ntemperrors (try "
	  "again later); 1 otherwise."),
	  NULL, cmd_dkim_verify },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
