/*
 * Getting a send ready, for the command line and the console alike: its
 * settings (configuration keys, then options, each checked), what it must
 * know before it starts (envelope-from, HELO name), the relay password
 * from a mode 0600 file, the snapshot of the list into recipients, and a
 * dry run that writes every message to a directory instead.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "mail/addr.h"
#include "config/config.h"
#include "setup.h"
#include "state.h"
#include "build.h"
#include "auth/dkim.h"
#include "auth/dns.h"
#include "mail/message.h"
#include "mail/verp.h"
#include "smtp/smtp.h"
#include "store/store.h"

enum setting_type {
	SET_STR,
	SET_INT,
	SET_INT64,
	SET_POLICY,
	SET_RELAY,
	SET_HELO,
	SET_IP,
	SET_FILE,
	SET_TIMEOUTS,
};

/* Every setting: its option name, its configuration key, where it goes. */
static const struct setting {
	const char		*name;		/* option, without "--" */
	const char		*key;		/* configuration key, or NULL */
	enum setting_type	 type;
	size_t			 off;
	long long		 min, max;
} settings[] = {
#define S(f)	offsetof(struct send_settings, f)
#define L(f)	(offsetof(struct send_settings, limits) + \
		    offsetof(struct send_limits, f))
	{ "tls", "tls_policy", SET_POLICY, S(policy), 0, 0 },
	{ "relay", "relay", SET_RELAY, S(relay), 0, 0 },
	{ "auth", "relay_user", SET_STR, S(relay_user), 0, 0 },
	{ "relay-password-file", "relay_password_file", SET_STR,
	  S(relay_password_file), 0, 0 },
	{ "helo", "helo", SET_HELO, S(helo), 0, 0 },
	{ "source-ip", "source_ip", SET_IP, S(source_ip), 0, 0 },
	{ "resolver", "resolver", SET_STR, S(resolver), 0, 0 },
	{ "ca-file", "ca_file", SET_FILE, S(ca_file), 0, 0 },
	{ "unsubscribe-url", "unsubscribe_url", SET_STR, S(unsubscribe_url),
	  0, 0 },
	{ "dns-timeout", "dns_timeout", SET_INT, S(dns_timeout), 1, 60 },
	{ "dns-retries", "dns_retries", SET_INT, S(dns_retries), 1, 10 },
	{ "smtp-port", "smtp_port", SET_INT, S(smtp_port), 1, 65535 },
	{ "smtp-timeouts", "smtp_timeouts", SET_TIMEOUTS, S(smtp_timeouts),
	  0, 0 },
	{ "concurrency", "concurrency", SET_INT, L(concurrency), 1, 1000 },
	{ "per-domain", "per_domain", SET_INT, L(per_domain), 1, 100 },
	{ "rate", "rate", SET_INT, L(rate), 0, 100000 },
	{ "retry-first", NULL, SET_INT64, L(retry_first), 1, 7 * 86400 },
	{ "retry-giveup", NULL, SET_INT64, L(retry_giveup), 0, 60 * 86400 },
#undef S
#undef L
};

/* Is s usable as a HELO name (a host name or an address literal)? */
static int
send_helo_ok(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || len > 255)
		return 0;
	if (s[0] == '[' && s[len - 1] == ']')
		return 1;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == len && s[0] != '.' && s[0] != '-';
}

/* Find a setting by option name ("per-domain") or key ("per_domain"). */
static const struct setting *
send_setting_find(const char *name)
{
	size_t	i, k;

	for (i = 0; i < nitems(settings); i++) {
		if (settings[i].key != NULL &&
		    strcmp(settings[i].key, name) == 0)
			return &settings[i];
		for (k = 0; name[k] != '\0'; k++)
			if (settings[i].name[k] != name[k] &&
			    !(settings[i].name[k] == '-' && name[k] == '_'))
				break;
		if (name[k] == '\0' && settings[i].name[k] == '\0')
			return &settings[i];
	}
	return NULL;
}

/* Set one setting from text, checked. */
int
send_setting(struct send_settings *set, const char *name,
    const char *value, char **cause)
{
	const struct setting	*s;
	char			*base = (char *)set, **str, host[256];
	unsigned char		 addr[16];
	long long		 n;
	int			 port;

	if ((s = send_setting_find(name)) == NULL)
		return set_cause(cause, _("no setting called '%s'"), name);
	str = (char **)(base + s->off);
	switch (s->type) {
	case SET_POLICY:
		if (tls_policy_parse(value, &set->policy) == -1)
			return set_cause(cause, _("--%s: '%s': expected auto, "
			    "none, may, encrypt, verify, dane or mta-sts"),
			    s->name, value);
		return 0;
	case SET_INT:
	case SET_INT64:
		if (parse_int(value, s->min, s->max, &n) == -1)
			return set_cause(cause, _("--%s: '%s' is not a number "
			    "from %lld to %lld"), s->name, value, s->min,
			    s->max);
		if (s->type == SET_INT)
			*(int *)(base + s->off) = (int)n;
		else
			*(int64_t *)(base + s->off) = n;
		return 0;
	case SET_RELAY:
		if (*value != '\0' && send_relay_parse(value, host, &port,
		    cause) == -1)
			return -1;
		break;
	case SET_HELO:
		if (*value != '\0' && !send_helo_ok(value))
			return set_cause(cause, _("--%s: '%s' is not a host "
			    "name"), s->name, value);
		break;
	case SET_IP:
		if (*value != '\0' && inet_pton(AF_INET, value, addr) != 1 &&
		    inet_pton(AF_INET6, value, addr) != 1)
			return set_cause(cause, _("--%s: '%s' is not an IP "
			    "address"), s->name, value);
		break;
	case SET_FILE:
		if (*value != '\0' && access(value, R_OK) == -1)
			return set_cause(cause, _("--%s: cannot read %s: %s"),
			    s->name, value, strerror(errno));
		break;
	case SET_TIMEOUTS: {
		struct smtp_timeouts	 t;

		memset(&t, 0, sizeof t);
		if (smtp_timeouts_parse(value, &t, cause) == -1)
			return -1;
		break;
	}
	case SET_STR:
		break;
	}
	free(*str);
	*str = xstrdup(value);
	return 0;
}

/* The resolver options of the settings. */
void
send_settings_dns(const struct send_settings *set, struct dns_options *o)
{
	memset(o, 0, sizeof *o);
	o->resolver = *set->resolver != '\0' ? set->resolver : NULL;
	o->timeout_ms = set->dns_timeout * 1000;
	o->retries = set->dns_retries;
}

/* VERP and the unsubscribe mailbox from the configuration. */
void
send_settings_verp(const struct config *cfg, struct send_settings *set)
{
	const char	*v, *d;

	v = config_get(cfg, "verp");
	d = config_get(cfg, "verp_delimiter");
	set->verp = v != NULL && strcmp(v, "off") == 0 ? '\0' :
	    d != NULL && *d != '\0' ? *d : '+';
	v = config_get(cfg, "unsubscribe_mailto");
	free(set->unsubscribe_mailto);
	set->unsubscribe_mailto = xstrdup(v != NULL ? v : "");
}

/* Would every recipient's envelope-from fit (the 64-octet local part)? */
int
send_settings_verp_check(const struct send_settings *set, char **cause)
{
	char	out[VERP_ADDR_MAX], *inner = NULL;

	if (set->verp == '\0' || *set->envelope_from == '\0')
		return 0;
	/* any token: they all have the same length */
	if (verp_address(set->envelope_from, set->verp,
	    "aaaaaaaaaaaaaaaaaaaa", out, sizeof out, &inner) == -1) {
		set_cause(cause, _("%s (the bounce key gives the address)"),
		    inner);
		free(inner);
		return -1;
	}
	return 0;
}

/* The envelope-from a send of is would start from: config bounce, else
 * the issue's From (the address alone). */
int
send_envelope_base(const struct config *cfg, const struct issue *is,
    char *out, char **cause)
{
	const char	*v, *reason;
	char		 name[ADDR_NAME_MAX + 1];

	if ((v = config_get(cfg, "bounce")) != NULL) {
		if (addr_parse_mailbox(v, strlen(v), name, out,
		    &reason) == -1)
			return set_cause(cause, _("bounce '%s': %s"), v, reason);
	} else if (addr_parse_mailbox(is->from, strlen(is->from), name, out,
	    &reason) == -1)
		return set_cause(cause, _("issue %lld: From '%s': %s"),
		    (long long)is->id, is->from, reason);
	return 0;
}

/* The MAIL FROM of one recipient's message: the base with the token in
 * it when VERP is on. */
int
send_envelope_rcpt(const struct send_settings *set, const char *token,
    char *out, size_t size, char **cause)
{
	if (set->verp == '\0' || token == NULL) {
		snprintf(out, size, "%s", set->envelope_from);
		return 0;
	}
	return verp_address(set->envelope_from, set->verp, token, out, size,
	    cause);
}

/* The settings a new send takes from the configuration. */
int
send_settings_config(const struct config *cfg, struct send_settings *set,
    char **cause)
{
	const char	*v;
	char		*inner;
	size_t		 i;

	send_settings_verp(cfg, set);

	for (i = 0; i < nitems(settings); i++) {
		if (settings[i].key == NULL ||
		    (v = config_get(cfg, settings[i].key)) == NULL)
			continue;
		if (send_setting(set, settings[i].key, v, cause) == -1) {
			inner = *cause;
			set_cause(cause, "%s: %s", config_file(cfg), inner);
			free(inner);
			return -1;
		}
	}
	return 0;
}

/* Check the settings together. */
int
send_settings_check(const struct send_settings *set, char **cause)
{
	if (*set->relay_user != '\0' && *set->relay == '\0')
		return set_cause(cause, _("--auth (relay_user) needs --relay: "
		    "AUTH is for a relay, never for recipients' MX hosts"));
	return 0;
}

/* The envelope-from and the HELO name, when not set. */
int
send_settings_complete(const struct config *cfg, const struct issue *is,
    struct send_settings *set, struct dns *dns, char **cause)
{
	struct dns_answer	 a;
	char			 from[ADDR_MAX + 1];
	char			 host[256], *rev;

	if (send_envelope_base(cfg, is, from, cause) == -1)
		return -1;
	free(set->envelope_from);
	set->envelope_from = xstrdup(from);
	if (send_settings_verp_check(set, cause) == -1)
		return -1;
	if (*set->helo != '\0')
		return 0;
	if (dns != NULL && *set->source_ip != '\0' &&
	    (rev = dns_reverse_name(set->source_ip)) != NULL) {
		memset(&a, 0, sizeof a);
		if (dns_query(dns, rev, DNS_PTR, &a) == DNS_OK &&
		    send_helo_ok(a.rr[0].u.name)) {
			free(set->helo);
			set->helo = xstrdup(a.rr[0].u.name);
		}
		dns_answer_free(&a);
		free(rev);
		if (*set->helo != '\0')
			return 0;
	}
	if (gethostname(host, sizeof host) == -1)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	free(set->helo);
	set->helo = xstrdup(send_helo_ok(host) ? host : "localhost");
	return 0;
}

/* Read the relay password from a file nobody else can read. */
int
send_password_file(const char *path, char **out, char **cause)
{
	return secret_file_read("relay_password_file", path,
	    SEND_PASSWORD_MAX, out, cause);
}

/* What queueing or a dry run walks through. */
struct send_walk {
	struct store		*st;
	const struct issue	*is;
	int64_t			 n, skipped;
	const char		*dir;		/* dry run */
	struct dkim_signer	*signer;
	struct message_tokens	*tokens;
	const char		*unsubscribe_url;
	const char		*unsubscribe_mailto;
	const struct footer	*footer;
	char			 verp;
	volatile int		*stop;
	char			*cause;
};

/* Queue one member as a recipient. */
static int
send_queue_cb(const struct contact *c, void *arg)
{
	struct send_walk	*w = arg;
	char			 token[MESSAGE_TOKEN_LEN + 1];

	if (c->suppressed) {
		w->skipped++;
		return 0;
	}
	if (message_tokens_make(w->tokens, w->st, w->is->id, c->addr, token,
	    &w->cause) == -1 ||
	    store_send_add_rcpt(w->st, w->is->id, c->addr, c->name, c->attrs,
	    addr_domain(c->addr), token, &w->cause) == -1)
		return 1;
	w->n++;
	return 0;
}

/* Snapshot the issue's list into a new send, in one transaction. */
int
send_queue(struct store *st, const struct issue *is,
    const struct send_settings *set, int64_t *queued, int64_t *skipped,
    char **cause)
{
	struct send_walk	w;
	int			rc;

	*queued = *skipped = 0;
	if (is->list_id == 0)
		return set_cause(cause, _("issue %lld has no list (it was "
		    "removed)"), (long long)is->id);
	memset(&w, 0, sizeof w);
	w.st = st;
	w.is = is;
	if (store_begin(st, cause) == -1)
		return -1;
	/* The send keeps the text it was started with: a later change to
	 * the issue must not reach the recipients still to come. */
	if ((rc = store_send_create(st, is->id, set, cause)) != 0 ||
	    (rc = store_issue_freeze(st, is, cause)) != 0) {
		store_rollback(st);
		return rc;
	}
	if ((w.tokens = message_tokens_new(st, cause)) == NULL) {
		store_rollback(st);
		return -1;
	}
	rc = store_contacts_to_send(st, is->list_id, send_queue_cb, &w,
	    cause);
	message_tokens_free(w.tokens);
	if (rc == -1 || w.cause != NULL) {
		store_rollback(st);
		if (w.cause != NULL) {
			free(*cause);
			*cause = w.cause;
		}
		return -1;
	}
	*skipped = w.skipped;
	if (w.n == 0) {
		store_rollback(st);
		return 2;
	}
	if (store_commit(st, cause) == -1)
		return -1;
	*queued = w.n;
	return 0;
}

/* A dry run's file name: NNNN-ADDRESS.eml, bytes outside
 * [A-Za-z0-9@._+-] replaced by '_'. */
static char *
send_dry_name(const char *dir, int64_t n, const char *addr)
{
	char	*name, *p;

	name = xprintf("%s/%04lld-%s.eml", dir, (long long)n, addr);
	for (p = name + strlen(dir) + 1; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._+-", *p) == NULL ||
		    (p[0] == '.' && p[-1] == '/'))
			*p = '_';
	return name;
}

/* Write one member's exact signed message to the dry run's directory. */
static int
send_dry_cb(const struct contact *c, void *arg)
{
	struct send_walk	*w = arg;
	struct recipient	 r;
	struct render_options	 o;
	struct buf		 msg;
	char			 token[MESSAGE_TOKEN_LEN + 1], *path;
	ssize_t			 n;
	int			 fd;

	if (c->suppressed) {
		w->skipped++;
		return 0;
	}
	if (w->stop != NULL && *w->stop) {
		w->cause = xstrdup("interrupted");
		return 1;
	}
	if (message_tokens_make(w->tokens, w->st, w->is->id, c->addr, token,
	    &w->cause) == -1)
		return 1;
	memset(&r, 0, sizeof r);
	r.addr = c->addr;
	r.name = c->name;
	r.attrs = c->attrs;
	memset(&o, 0, sizeof o);
	o.date = time(NULL);
	o.token = token;
	o.unsubscribe_url = w->unsubscribe_url;
	o.verp = w->verp;
	o.unsubscribe_mailto = w->unsubscribe_mailto;
	o.footer = w->footer;
	buf_init(&msg);
	if (message_build(NULL, w->is, &r, w->signer, &o, &msg,
	    &w->cause) == -1) {
		/* Name the member: a merge value may be what fails (a
		 * character ISO-2022-JP cannot carry). */
		path = w->cause;
		w->cause = xprintf("%s: %s", c->addr, path);
		free(path);
		buf_free(&msg);
		return 1;
	}
	path = send_dry_name(w->dir, w->n + 1, c->addr);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	n = fd == -1 ? -1 : write(fd, msg.data, msg.len);
	if (fd == -1 || n != (ssize_t)msg.len || close(fd) == -1)
		w->cause = xprintf("%s: %s", path, strerror(errno));
	free(path);
	buf_free(&msg);
	if (w->cause != NULL)
		return 1;
	w->n++;
	return 0;
}

/* Write every recipient's message to dir instead of sending. */
int
send_dry_run(struct store *st, const struct issue *is,
    const struct send_settings *set, const char *dir, volatile int *stop,
    int64_t *written, int64_t *skipped, size_t *nsigs, char **cause)
{
	struct send_walk	 w;
	char			*domain, *ignore = NULL;
	int			 rc = -1;

	*written = *skipped = 0;
	*nsigs = 0;
	if (is->list_id == 0)
		return set_cause(cause, _("issue %lld has no list (it was "
		    "removed)"), (long long)is->id);
	if (mkdir_private(dir, cause) == -1)
		return -1;
	if ((domain = message_from_domain(is, cause)) == NULL)
		return -1;
	memset(&w, 0, sizeof w);
	w.st = st;
	w.is = is;
	w.dir = dir;
	w.unsubscribe_url = *set->unsubscribe_url != '\0' ?
	    set->unsubscribe_url : NULL;
	w.verp = set->verp;
	w.footer = set->footer;
	w.unsubscribe_mailto = set->unsubscribe_mailto != NULL &&
	    *set->unsubscribe_mailto != '\0' ? set->unsubscribe_mailto : NULL;
	w.stop = stop;
	/* No active key: the messages are written unsigned (*nsigs 0). */
	if ((w.signer = dkim_signer_new(st, domain, &ignore)) != NULL)
		*nsigs = dkim_signer_count(w.signer);
	free(ignore);
	free(domain);
	/* One transaction for the unsubscribe tokens it records. */
	if (store_begin(st, cause) == -1)
		goto out;
	if ((w.tokens = message_tokens_new(st, cause)) == NULL) {
		store_rollback(st);
		goto out;
	}
	if (store_contacts_to_send(st, is->list_id, send_dry_cb, &w,
	    cause) == -1 || w.cause != NULL) {
		store_rollback(st);
		if (w.cause != NULL) {
			free(*cause);
			*cause = w.cause;
		}
		goto out;
	}
	if (store_commit(st, cause) == -1)
		goto out;
	*written = w.n;
	*skipped = w.skipped;
	rc = 0;
out:
	message_tokens_free(w.tokens);
	dkim_signer_free(w.signer);
	return rc;
}
