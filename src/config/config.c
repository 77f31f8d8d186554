/*
 * herald.conf: "key = value" lines, '#' comments. Unknown keys and bad
 * values are errors naming the line, so a typo never silently falls back
 * to a default. config_set rewrites the file keeping comments and order.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/dns.h"
#include "mail/addr.h"
#include "mail/footer.h"
#include "mail/message.h"
#include "config.h"
#include "smtp/provider.h"
#include "smtp/smtp.h"
#include "base/i18n.h"
#include "base/util.h"

const struct config_key config_keys[] = {
	{ "from", NULL, N_("default From, e.g. 'Info <info@example.org>'") },
	{ "domain", NULL, N_("sending domain (default: the From address's)") },
	{ "bounce", NULL, N_("envelope-from address (default: From)") },
	{ "helo", NULL, N_("HELO/EHLO name (default: the PTR name of the "
	    "sending address)") },
	{ "source_ip", NULL, N_("address to send from (default: the kernel's "
	    "choice)") },
	{ "resolver", NULL, N_("DNS resolver IP[:PORT] (default: the "
	  "system's)") },
	{ "tls_policy", "auto", N_("auto (DANE where TLSA records validate, "
	    "else MTA-STS where the domain has a policy, else may), none, "
	    "may, encrypt, verify, dane or mta-sts") },
	{ "concurrency", "20", N_("SMTP sessions at once") },
	{ "per_domain", "2", N_("SMTP sessions per destination") },
	{ "rate", "0", N_("messages per second overall (0: no limit)") },
	{ "relay", NULL, N_("send through HOST[:PORT] instead of MX") },
	{ "relay_user", NULL, N_("AUTH user for the relay") },
	{ "relay_password_file", NULL, N_("file (mode 0600) holding the relay "
	    "password") },
	{ "smtp_port", "25", N_("port for direct-to-MX delivery") },
	{ "ca_file", NULL, N_("extra trust anchors (PEM) for TLS "
	  "verification") },
	{ "mta_sts_port", "443", N_("the HTTPS port MTA-STS policies are "
	    "fetched from (a test or lab setting: RFC 8461 says 443)") },
	{ "dnssec_anchor", NULL, N_("DNSKEY or DS records (zone file) DNSSEC "
	    "is validated from, for tls dane (default: "
	    "/usr/share/dns/root.key)") },
	{ "unsubscribe_url", NULL, N_("https URI for one-click unsubscribe") },
	{ "health_interval", "30", N_("seconds between live health checks") },
	{ "dns_timeout", "3", N_("seconds to wait for a DNS answer per try") },
	{ "dns_retries", "2", N_("tries per DNS server") },
	{ "local_part_case", "fold", N_("fold: addresses differing only in "
	    "the letter case of the part before @ are one member; strict: "
	    "they are different members") },
	{ "smtp_timeouts", NULL, N_("SMTP timeouts to change, "
	    "NAME=SECONDS,...: connect 30, greeting 300, command 300, data "
	    "120, block 180, dot 600") },
	{ "verp", "on", N_("on: each message's envelope-from carries a token "
	    "naming its send and recipient (bounce+TOKEN@domain), so any "
	    "bounce finds its recipient; off: the bounce address as it is") },
	{ "verp_delimiter", "+", N_("the character between the local part and "
	    "the token (+, -, = or _), as the mail server splits it") },
	{ "unsubscribe_mailto", NULL, N_("address for unsubscribe requests by "
	    "mail, the token in the subject (default: "
	    "unsubscribe+TOKEN@domain, or From when verp is off)") },
	{ "transfer_encoding", "auto", N_("the Encoding of a new issue: auto "
	    "(7bit, quoted-printable for mostly ASCII, base64 for mostly "
	    "non-ASCII), base64, quoted-printable, or 8bit (to servers that "
	    "offer 8BITMIME; the others get the 7-bit form)") },
	{ "charset", "utf-8", N_("the Charset of a new issue: utf-8, or "
	    "iso-2022-jp for Japanese mail readers that expect it") },
	{ "soft_bounce_limit", "3", N_("soft bounces (mailbox full, expired, "
	    "4xx) in distinct sends after which an address is suppressed") },
	{ "feedback_source", NULL, N_("where bounces, complaints and "
	    "unsubscribe mails arrive: imaps://user@host/INBOX, imap://... "
	    "(STARTTLS), pop3s://user@host, maildir:/path or mbox:/path; "
	    "a password in it is refused") },
	{ "feedback_password_file", NULL, N_("file (mode 0600) holding the "
	    "feedback mailbox's password") },
	{ "feedback_processed", "flag", N_("what is done to a message once "
	    "read: flag (IMAP \\Seen and $HeraldDone, Maildir S) or "
	    "move:FOLDER; never deleted") },
	{ "feedback_watch", "72", N_("hours after a send finished during which "
	    "herald feedback watch (started with the send) keeps fetching "
	    "feedback; it needs feedback_password_file for IMAP and POP3 "
	    "(0: no watch)") },
	{ "feedback_interval", "10", N_("minutes between fetches while "
	    "watching") },
	{ "sender_name", NULL, N_("the sender's name for the footer of an "
	    "advertisement (a company's legal name)") },
	{ "sender_address", NULL, N_("the sender's postal address for the "
	    "footer") },
	{ "contact", NULL, N_("where recipients complain or ask: an address, "
	    "a telephone number or a URL") },
	{ "footer", "auto", N_("the footer under every message: ja or en "
	    "(built in), off, the path of a template file, or auto (ja or "
	    "en by the issue's text for an advertisement, none for a "
	    "notice)") },
	{ "tlsrpt", "on", N_("on: herald tlsrpt send sends the TLS reports "
	    "(RFC 8460) of the sessions herald had to the domains that ask "
	    "for them; off: none") },
	/* Keys named by a pattern: the part after the dot is the
	 * operator's (config_key_find). */
	{ "provider.NAME", NULL, N_("a provider's pace over its built-in "
	    "one (herald providers lists them): sessions=N per_session=N "
	    "per_minute=N, any of the three") },
	{ "pace.DOMAIN", NULL, N_("a recipient domain's own pace, over its "
	    "provider's: sessions=N per_session=N per_minute=N") },
	{ NULL, NULL, NULL }
};

struct config_entry {
	char		*key;
	char		*value;
	unsigned long	 line;		/* in the file; 0 for an override */
};

static struct config_entry *config_find(struct config_entry *, size_t,
		    const char *);

struct config {
	char			*path;
	struct config_entry	*file;		/* from the file */
	size_t			 nfile;
	struct config_entry	*over;		/* from the command line */
	size_t			 nover;
	char			**warn;		/* see config_warning */
	size_t			 nwarn;
};

/* Is k a pattern key ("provider.NAME"): the length of its fixed part
 * ("provider."), else 0. */
static size_t
config_pattern(const struct config_key *k)
{
	const char	*dot = strchr(k->name, '.');

	if (dot == NULL || dot[1] < 'A' || dot[1] > 'Z')
		return 0;
	return (size_t)(dot - k->name) + 1;
}

/* Look up a key's description; "provider.yahoo" finds "provider.NAME". */
const struct config_key *
config_key_find(const char *name)
{
	const struct config_key	*k;
	size_t			 n;

	for (k = config_keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	for (k = config_keys; k->name != NULL; k++)
		if ((n = config_pattern(k)) != 0 &&
		    strncmp(k->name, name, n) == 0 && name[n] != '\0')
			return k;
	return NULL;
}

/* The i-th key set (in the file or on the command line) that starts with
 * prefix, each once, with the value in effect: 1, or 0 past the last. */
int
config_prefixed_at(const struct config *cfg, const char *prefix, size_t i,
    const char **key, const char **value)
{
	size_t	k, plen = strlen(prefix);

	for (k = 0; k < cfg->nfile + cfg->nover; k++) {
		const struct config_entry *e = k < cfg->nfile ?
		    &cfg->file[k] : &cfg->over[k - cfg->nfile];

		if (strncmp(e->key, prefix, plen) != 0)
			continue;
		/* Set in both: counted once, from the file. */
		if (k >= cfg->nfile && config_find(cfg->file, cfg->nfile,
		    e->key) != NULL)
			continue;
		if (i-- == 0) {
			*key = e->key;
			*value = config_get(cfg, e->key);
			return 1;
		}
	}
	return 0;
}

/* $VAR/herald/leaf, or $HOME/fallback/herald/leaf when VAR is unset. */
static char *
config_xdg(const char *var, const char *fallback, const char *leaf)
{
	const char	*base;

	base = getenv(var);
	if (base != NULL && base[0] == '/')
		return xprintf("%s/herald/%s", base, leaf);
	return xprintf("%s/%s/herald/%s", home_dir(), fallback, leaf);
}

/* The database path when neither --db nor HERALD_DB is given. */
char *
config_default_db(void)
{
	return config_xdg("XDG_DATA_HOME", ".local/share", "herald.db");
}

/* The config file path when neither --config nor HERALD_CONFIG is given. */
char *
config_default_file(void)
{
	return config_xdg("XDG_CONFIG_HOME", ".config", "herald.conf");
}

/* Is s an IPv4 or IPv6 address? */
static int
config_is_ip(const char *s)
{
	unsigned char	b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* Check HOST[:PORT] or IP[:PORT] ([IPv6]:PORT for IPv6 with a port). */
static int
config_check_hostport(const char *v, int want_ip, char **cause)
{
	char		*host, *colon, *end;
	long long	 port;
	int		 rc = 0;

	if (v[0] == '[') {
		if ((end = strchr(v, ']')) == NULL)
			return set_cause(cause, _("missing ']' in '%s'"), v);
		host = xstrndup(v + 1, (size_t)(end - v - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			rc = set_cause(cause, _("junk after ']' in '%s'"), v);
	} else if ((colon = strchr(v, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		host = xstrndup(v, (size_t)(colon - v));
	} else {
		host = xstrdup(v);
		colon = NULL;
	}
	if (rc == 0 && colon != NULL &&
	    parse_int(colon + 1, 1, 65535, &port) == -1)
		rc = set_cause(cause, _("bad port in '%s' (1-65535)"), v);
	if (rc == 0 && want_ip && !config_is_ip(host))
		rc = set_cause(cause, _("'%s' is not an IP address"), host);
	if (rc == 0 && !want_ip && *host == '\0')
		rc = set_cause(cause, _("missing host name in '%s'"), v);
	free(host);
	return rc;
}

/* Validate value for key; messages name the key and what is expected. */
int
config_validate(const char *key, const char *v, char **cause)
{
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	const char	*reason, *p;
	long long	 n;
	char		*inner = NULL;

	if (config_key_find(key) == NULL)
		return set_cause(cause, _("unknown key '%s' (see herald config "
		    "ls)"), key);
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return set_cause(cause, _("%s: control characters are "
			    "not allowed in a value"), key);
	if (strlen(v) > 1024)
		return set_cause(cause, _("%s: value longer than 1024 bytes"),
		    key);
	if (strncmp(key, "provider.", 9) == 0 || strncmp(key, "pace.", 5) == 0) {
		struct pace	 pc;
		const char	*what = strchr(key, '.') + 1;

		if (strncmp(key, "provider.", 9) == 0 &&
		    provider_find(what) == NULL)
			return set_cause(cause, _("%s: no provider called '%s' "
			    "(herald providers lists them)"), key, what);
		if (strncmp(key, "pace.", 5) == 0) {
			char *a = xprintf("x@%s", what);
			int bad = addr_normalise(a, strlen(a), addr,
			    &reason) == -1;
			free(a);
			if (bad || *what == '[')
				return set_cause(cause, _("%s: '%s' is not a "
				    "domain name"), key, what);
		}
		if (pace_parse(v, &pc, &inner) == -1) {
			set_cause(cause, "%s: %s", key, inner);
			free(inner);
			return -1;
		}
	} else if (strcmp(key, "from") == 0) {
		if (addr_parse_mailbox(v, strlen(v), name, addr, &reason) == -1)
			return set_cause(cause, _("from: '%s': %s"), v, reason);
	} else if (strcmp(key, "bounce") == 0) {
		if (addr_normalise(v, strlen(v), addr, &reason) == -1)
			return set_cause(cause, _("bounce: '%s': "
			    "%s"), v, reason);
	} else if (strcmp(key, "domain") == 0 || strcmp(key, "helo") == 0) {
		char *a = xprintf("x@%s", v);
		int bad = addr_normalise(a, strlen(a), addr, &reason) == -1;
		free(a);
		if (bad || v[0] == '[')
			return set_cause(cause, _("%s: '%s' is not a domain "
			    "name"), key, v);
	} else if (strcmp(key, "source_ip") == 0) {
		if (!config_is_ip(v))
			return set_cause(cause, _("source_ip: '%s' is not an "
			    "IP address"), v);
	} else if (strcmp(key, "resolver") == 0 || strcmp(key, "relay") == 0) {
		if (config_check_hostport(v, strcmp(key, "resolver") == 0,
		    &inner) == -1) {
			set_cause(cause, "%s: %s", key, inner);
			free(inner);
			return -1;
		}
	} else if (strcmp(key, "tls_policy") == 0) {
		if (strcmp(v, "none") != 0 && strcmp(v, "may") != 0 &&
		    strcmp(v, "encrypt") != 0 && strcmp(v, "verify") != 0 &&
		    strcmp(v, "dane") != 0 && strcmp(v, "auto") != 0 &&
		    strcmp(v, "mta-sts") != 0)
			return set_cause(cause, _("tls_policy: '%s': expected "
			    "auto, none, may, encrypt, verify, dane or mta-sts"),
			    v);
	} else if (strcmp(key, "concurrency") == 0 ||
	    strcmp(key, "per_domain") == 0) {
		if (parse_int(v, 1, 1000, &n) == -1)
			return set_cause(cause, _("%s: '%s': expected a number "
			    "from 1 to 1000"), key, v);
	} else if (strcmp(key, "rate") == 0) {
		if (parse_int(v, 0, 1000000, &n) == -1)
			return set_cause(cause, _("rate: '%s': expected "
			    "messages per second, 0 for no limit"), v);
	} else if (strcmp(key, "mta_sts_port") == 0) {
		if (parse_int(v, 1, 65535, &n) == -1)
			return set_cause(cause, _("mta_sts_port: '%s': expected "
			    "a port from 1 to 65535"), v);
	} else if (strcmp(key, "smtp_port") == 0) {
		if (parse_int(v, 1, 65535, &n) == -1)
			return set_cause(cause, _("smtp_port: '%s': expected "
			    "1-65535"), v);
	} else if (strcmp(key, "health_interval") == 0) {
		if (parse_int(v, 5, 86400, &n) == -1)
			return set_cause(cause, _("health_interval: '%s': "
			    "expected seconds from 5 to 86400"), v);
	} else if (strcmp(key, "dns_timeout") == 0) {
		if (parse_int(v, 1, 60, &n) == -1)
			return set_cause(cause, _("dns_timeout: '%s': expected "
			    "seconds from 1 to 60"), v);
	} else if (strcmp(key, "dns_retries") == 0) {
		if (parse_int(v, 1, 10, &n) == -1)
			return set_cause(cause, _("dns_retries: '%s': expected "
			    "1 to 10"), v);
	} else if (strcmp(key, "smtp_timeouts") == 0) {
		struct smtp_timeouts	 t;

		memset(&t, 0, sizeof t);
		if (smtp_timeouts_parse(v, &t, cause) == -1)
			return -1;
	} else if (strcmp(key, "local_part_case") == 0) {
		if (strcmp(v, "fold") != 0 && strcmp(v, "strict") != 0)
			return set_cause(cause, _("local_part_case: '%s': "
			    "expected fold or strict"), v);
	} else if (strcmp(key, "dnssec_anchor") == 0) {
		/* The engine reads it from wherever it runs: no relative
		 * paths. Whether it holds keys is checked when it is used. */
		if (v[0] != '/')
			return set_cause(cause, _("dnssec_anchor: '%s': "
			    "expected an absolute path"), v);
	} else if (strcmp(key, "unsubscribe_url") == 0) {
		if (strncmp(v, "https://", 8) != 0 || v[8] == '\0')
			return set_cause(cause, _("unsubscribe_url: '%s': "
			    "expected an https:// URI"), v);
	} else if (strcmp(key, "verp") == 0) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return set_cause(cause, _("verp: '%s': expected on or "
			    "off"), v);
	} else if (strcmp(key, "tlsrpt") == 0) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return set_cause(cause, _("tlsrpt: '%s': expected on "
			    "or off"), v);
	} else if (strcmp(key, "verp_delimiter") == 0) {
		if (strlen(v) != 1 || strchr("+-=_", v[0]) == NULL)
			return set_cause(cause, _("verp_delimiter: '%s': "
			    "expected one of + - = _"), v);
	} else if (strcmp(key, "unsubscribe_mailto") == 0) {
		if (addr_normalise(v, strlen(v), addr, &reason) == -1)
			return set_cause(cause, _("unsubscribe_mailto: '%s': "
			    "%s"),
			    v, reason);
	} else if (strcmp(key, "transfer_encoding") == 0) {
		if (message_encoding_parse(v, NULL) == -1 || *v == '\0')
			return set_cause(cause, _("transfer_encoding: '%s': "
			    "expected auto, base64, quoted-printable or 8bit"),
			    v);
	} else if (strcmp(key, "charset") == 0) {
		if (message_charset_parse(v, NULL) == -1 || *v == '\0')
			return set_cause(cause, _("charset: '%s': expected "
			    "utf-8 or iso-2022-jp"), v);
	} else if (strcmp(key, "soft_bounce_limit") == 0) {
		if (parse_int(v, 1, 100, &n) == -1)
			return set_cause(cause, _("soft_bounce_limit: '%s': "
			    "expected a number from 1 to 100"), v);
	} else if (strcmp(key, "feedback_source") == 0) {
		const char	*ui;
		size_t		 uin = url_userinfo(v, &ui);

		/* A password here would be shown and stored in clear: the
		 * message echoes nothing of the userinfo. */
		if (memchr(ui, ':', uin) != NULL)
			return set_cause(cause, _("feedback_source: a password "
			    "in the URL is refused: give USER@HOST only and "
			    "put the password in a file of mode 0600 named "
			    "by feedback_password_file"));
		if (strncmp(v, "imaps://", 8) != 0 &&
		    strncmp(v, "imap://", 7) != 0 &&
		    strncmp(v, "pop3s://", 8) != 0 &&
		    strncmp(v, "maildir:/", 9) != 0 &&
		    strncmp(v, "mbox:/", 6) != 0)
			return set_cause(cause, _("feedback_source: '%s': "
			    "expected imaps://, imap://, pop3s://, "
			    "maildir:/PATH or mbox:/PATH"), v);
	} else if (strcmp(key, "feedback_password_file") == 0) {
		if (v[0] != '/')
			return set_cause(cause, _("feedback_password_file: "
			    "'%s': expected an absolute path"), v);
	} else if (strcmp(key, "feedback_processed") == 0) {
		if (strcmp(v, "flag") != 0 && (strncmp(v, "move:", 5) != 0 ||
		    v[5] == '\0'))
			return set_cause(cause, _("feedback_processed: '%s': "
			    "expected flag or move:FOLDER"), v);
	} else if (strcmp(key, "feedback_watch") == 0) {
		if (parse_int(v, 0, 24 * 60, &n) == -1)
			return set_cause(cause, _("feedback_watch: '%s': "
			    "expected hours from 0 to 1440"), v);
	} else if (strcmp(key, "feedback_interval") == 0) {
		if (parse_int(v, 1, 24 * 60, &n) == -1)
			return set_cause(cause, _("feedback_interval: '%s': "
			    "expected minutes from 1 to 1440"), v);
	} else if (strcmp(key, "footer") == 0) {
		struct footer	f;

		if (strcmp(v, "auto") == 0 || strcmp(v, "off") == 0 ||
		    footer_builtin(v) != NULL)
			return 0;
		if (v[0] != '/')
			return set_cause(cause, _("footer: '%s': expected ja, "
			    "en, off, auto or the absolute path of a template "
			    "file"), v);
		if (footer_load(&f, v, NULL, NULL, NULL, cause) == -1)
			return -1;
		footer_free(&f);
	} else if (*v == '\0' && strcmp(key, "relay_user") != 0)
		return set_cause(cause, _("%s: empty value"), key);
	return 0;
}

/* Is local_part_case strict? */
int
config_local_part_strict(const struct config *cfg)
{
	const char	*v = config_get(cfg, "local_part_case");

	return v != NULL && strcmp(v, "strict") == 0;
}

/* The value a key takes in effect, with derived defaults spelled out:
 * domain and bounce follow From when unset. Allocated, or NULL. */
char *
config_effective(const struct config *cfg, const char *key,
    const char **source)
{
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	const char	*v, *from, *reason;

	v = config_get(cfg, key);
	*source = config_is_set(cfg, key) ? "set" : "default";
	if (config_is_set(cfg, key) || (strcmp(key, "domain") != 0 &&
	    strcmp(key, "bounce") != 0))
		return v != NULL ? xstrdup(v) : NULL;
	from = config_get(cfg, "from");
	if (from == NULL || addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == -1)
		return NULL;
	*source = "from";
	if (strcmp(key, "domain") == 0)
		return xstrdup(addr_domain(addr));
	return xstrdup(addr);
}

/* Find an entry in a vector. */
static struct config_entry *
config_find(struct config_entry *v, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

/* Set key in a vector, replacing an earlier value: the last setting
 * counts. The entry, whose line is the one it had before (0 if new). */
static struct config_entry *
config_put(struct config_entry **v, size_t *n, const char *key,
    const char *value)
{
	struct config_entry	*e;

	if ((e = config_find(*v, *n, key)) != NULL) {
		free(e->value);
		e->value = xstrdup(value);
		return e;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	e = &(*v)[(*n)++];
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = 0;
	return e;
}

/* Drop key from a vector. */
static void
config_drop(struct config_entry *v, size_t *n, const char *key)
{
	struct config_entry	*e;

	if ((e = config_find(v, *n, key)) == NULL)
		return;
	free(e->key);
	free(e->value);
	*e = v[--*n];
}

/*
 * Split one line into key and value (in place). Returns 1 for a setting,
 * 0 for a blank or comment line, -1 for a line that is neither.
 */
static int
config_split(char *line, char **key, char **value)
{
	char	*eq, *p;

	p = trim(line);
	if (*p == '\0' || *p == '#')
		return 0;
	if ((eq = strchr(p, '=')) == NULL)
		return -1;
	*eq = '\0';
	*key = trim(p);
	*value = trim(eq + 1);
	return 1;
}

/* Read the file; a missing file is an empty configuration. */
struct config *
config_load(const char *path, char **cause)
{
	struct config		*cfg;
	struct config_entry	*e;
	FILE			*f;
	char			*line = NULL, *key, *value;
	size_t		 cap = 0;
	ssize_t		 len;
	unsigned long	 lineno = 0;
	char		*inner;
	int		 rc;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->path = xstrdup(path);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return cfg;
		set_cause(cause, _("cannot read %s: "
		    "%s"), path, strerror(errno));
		config_free(cfg);
		return NULL;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if ((size_t)len != strlen(line)) {
			set_cause(cause, _("%s:%lu: NUL byte in line"), path,
			    lineno);
			goto fail;
		}
		rc = config_split(line, &key, &value);
		if (rc == 0)
			continue;
		if (rc == -1) {
			set_cause(cause, _("%s:%lu: expected 'key = value'"),
			    path, lineno);
			goto fail;
		}
		if (config_validate(key, value, &inner) == -1) {
			set_cause(cause, "%s:%lu: %s", path, lineno, inner);
			free(inner);
			goto fail;
		}
		e = config_put(&cfg->file, &cfg->nfile, key, value);
		/* Loading and config set agree: the last setting counts.
		 * An earlier one is no error (the file still means one
		 * thing) but is said, so nobody edits the dead line. */
		if (e->line != 0) {
			cfg->warn = xreallocarray(cfg->warn, cfg->nwarn + 1,
			    sizeof *cfg->warn);
			cfg->warn[cfg->nwarn++] = xprintf(_("%s:%lu: %s is set "
			    "again; the setting on line %lu no longer counts"),
			    path, lineno, key, e->line);
		}
		e->line = lineno;
	}
	if (ferror(f)) {
		set_cause(cause, _("cannot read %s: "
		    "%s"), path, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	return cfg;
fail:
	free(line);
	fclose(f);
	config_free(cfg);
	return NULL;
}

/* Free a configuration. */
void
config_free(struct config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nfile; i++) {
		free(cfg->file[i].key);
		free(cfg->file[i].value);
	}
	for (i = 0; i < cfg->nover; i++) {
		free(cfg->over[i].key);
		free(cfg->over[i].value);
	}
	for (i = 0; i < cfg->nwarn; i++)
		free(cfg->warn[i]);
	free(cfg->warn);
	free(cfg->file);
	free(cfg->over);
	free(cfg->path);
	free(cfg);
}

/* The i-th thing loading noticed that is not an error, or NULL. */
const char *
config_warning(const struct config *cfg, size_t i)
{
	return i < cfg->nwarn ? cfg->warn[i] : NULL;
}

/* The file this configuration was read from (and is written to). */
const char *
config_file(const struct config *cfg)
{
	return cfg->path;
}

/* A key's value: command line, then file, then default. */
const char *
config_get(const struct config *cfg, const char *key)
{
	struct config_entry	*e;
	const struct config_key	*k;

	if ((e = config_find(cfg->over, cfg->nover, key)) != NULL)
		return e->value;
	if ((e = config_find(cfg->file, cfg->nfile, key)) != NULL)
		return e->value;
	if ((k = config_key_find(key)) != NULL)
		return k->def;
	return NULL;
}

/* The resolver options from resolver, dns_timeout and dns_retries. */
void
config_dns_options(const struct config *cfg, struct dns_options *o)
{
	const char	*v;
	long long	 n;

	memset(o, 0, sizeof *o);
	o->resolver = config_get(cfg, "resolver");
	if ((v = config_get(cfg, "dns_timeout")) != NULL &&
	    parse_int(v, 1, 60, &n) == 0)
		o->timeout_ms = (int)n * 1000;
	if ((v = config_get(cfg, "dns_retries")) != NULL &&
	    parse_int(v, 1, 10, &n) == 0)
		o->retries = (int)n;
}

/* Whether the value comes from the operator rather than a default. */
int
config_is_set(const struct config *cfg, const char *key)
{
	return config_find(cfg->over, cfg->nover, key) != NULL ||
	    config_find(cfg->file, cfg->nfile, key) != NULL;
}

/* A value for this run only (from --key value). */
int
config_override(struct config *cfg, const char *key, const char *value,
    char **cause)
{
	if (config_validate(key, value, cause) == -1)
		return -1;
	config_put(&cfg->over, &cfg->nover, key, value);
	return 0;
}

/* The i-th command-line override: 1 with *key and *value, 0 past the
 * last. */
int
config_override_at(const struct config *cfg, size_t i, const char **key,
    const char **value)
{
	if (i >= cfg->nover)
		return 0;
	*key = cfg->over[i].key;
	*value = cfg->over[i].value;
	return 1;
}

/*
 * Rewrite the file with key set to value, or removed when value is NULL.
 * The value is trimmed as loading trims it, so what is kept in memory is
 * what the next run reads. The setting that counts (the last) is
 * replaced; earlier ones are commented out, not deleted, so nothing the
 * operator wrote is lost. *note (if note is not NULL) says what else
 * changed, or is NULL.
 */
int
config_write(struct config *cfg, const char *key, const char *value,
    char **note, char **cause)
{
	FILE		*in, *out;
	char		*line = NULL, *copy, *k, *v, *dir, *tmp, *val = NULL;
	struct buf	 lines;
	size_t		 cap = 0, nset = 0, seen = 0;
	ssize_t		 len;
	unsigned long	 lineno = 0;
	int		 fd, rc = -1;

	if (note != NULL)
		*note = NULL;
	if (value != NULL) {
		copy = xstrdup(value);
		val = xstrdup(trim(copy));
		free(copy);
		if (config_validate(key, val, cause) == -1)
			goto out;
	} else if (config_key_find(key) == NULL) {
		set_cause(cause, _("unknown key '%s' (see herald config "
		    "ls)"), key);
		goto out;
	}
	/* How many times is key set now? The last one is replaced. A file
	 * that exists but cannot be read is not replaced by one line. */
	if ((in = fopen(cfg->path, "r")) != NULL) {
		while (getline(&line, &cap, in) != -1) {
			copy = xstrdup(line);
			if (config_split(copy, &k, &v) == 1 &&
			    strcmp(k, key) == 0)
				nset++;
			free(copy);
		}
		fclose(in);
	} else if (errno != ENOENT) {
		set_cause(cause, _("cannot read %s: %s"), cfg->path,
		    strerror(errno));
		goto out;
	}
	if (value == NULL && nset == 0) {
		/* Nothing to unset: the file (if any) stays as it is. */
		config_drop(cfg->file, &cfg->nfile, key);
		rc = 0;
		goto out;
	}
	dir = path_dirname(cfg->path);
	if (mkdir_private(dir, cause) == -1) {
		free(dir);
		goto out;
	}
	free(dir);
	tmp = xprintf("%s.tmp.%ld", cfg->path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (out = fdopen(fd, "w")) == NULL) {
		set_cause(cause, _("cannot write %s: "
		    "%s"), tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		free(tmp);
		goto out;
	}
	buf_init(&lines);
	if ((in = fopen(cfg->path, "r")) == NULL && errno != ENOENT) {
		set_cause(cause, _("cannot read %s: %s"), cfg->path,
		    strerror(errno));
		fclose(out);
		unlink(tmp);
		goto done;
	}
	if (in != NULL) {
		while ((len = getline(&line, &cap, in)) != -1) {
			lineno++;
			copy = xstrdup(line);
			if (config_split(copy, &k, &v) != 1 ||
			    strcmp(k, key) != 0) {
				fputs(line, out);
				if (len > 0 && line[len - 1] != '\n')
					fputc('\n', out);
			} else if (value != NULL && ++seen == nset)
				fprintf(out, "%s = %s\n", key, val);
			else {
				/* Removed by unset; an earlier duplicate is
				 * kept as a comment by set. */
				if (value != NULL) {
					fprintf(out, NT("# duplicate, "
					    "commented out by herald config "
					    "set: %s"),
					    line);
					if (len > 0 && line[len - 1] != '\n')
						fputc('\n', out);
				}
				buf_printf(&lines, "%s%lu", lines.len != 0 ?
				    ", " : "", lineno);
			}
			free(copy);
		}
		fclose(in);
	}
	if (value != NULL && nset == 0)
		fprintf(out, "%s = %s\n", key, val);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
		set_cause(cause, _("cannot write %s: "
		    "%s"), tmp, strerror(errno));
		fclose(out);
		unlink(tmp);
		goto done;
	}
	fclose(out);
	if (rename(tmp, cfg->path) == -1) {
		set_cause(cause, _("cannot replace %s: %s"), cfg->path,
		    strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (value != NULL)
		config_put(&cfg->file, &cfg->nfile, key, val);
	else
		config_drop(cfg->file, &cfg->nfile, key);
	if (note != NULL && lines.len != 0) {
		int	several = strchr(lines.data, ',') != NULL;

		if (value != NULL)
			*note = xprintf(several ? _("%s: commented out the "
			    "earlier settings on lines %s") : _("%s: commented "
			    "out the earlier setting on line %s"), cfg->path,
			    lines.data);
		else
			*note = xprintf(several ? _("%s: removed on lines %s") :
			    _("%s: removed on line %s"), cfg->path, lines.data);
	}
	rc = 0;
done:
	buf_free(&lines);
	free(tmp);
out:
	free(line);
	free(val);
	return rc;
}

/* Write key = value into the file; see config_write. */
int
config_set(struct config *cfg, const char *key, const char *value,
    char **cause)
{
	return config_write(cfg, key, value, NULL, cause);
}
