/*
 * Alert wording: the provider and the likely cause of a refusal of the
 * sender (alert.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alert.h"
#include "base/i18n.h"

/* Providers by the names their domains and MX hosts carry. Order
 * matters: the first whose word any hint contains wins. */
static const struct {
	const char	*word;
	const char	*name;
} providers[] = {
	{ "gmail.com", "Gmail" }, { "googlemail.com", "Gmail" },
	{ "google.com", "Gmail" }, { "gmail", "Gmail" },
	{ "yahoo", "Yahoo" }, { "ymail.com", "Yahoo" },
	{ "aol.com", "Yahoo" }, { "yahoodns.net", "Yahoo" },
	{ "outlook.com", "Microsoft" }, { "hotmail.", "Microsoft" },
	{ "live.com", "Microsoft" }, { "msn.com", "Microsoft" },
	{ "office365", "Microsoft" }, { "protection.outlook",
	  "Microsoft" }, { "exchangelabs", "Microsoft" },
	{ "icloud.com", "iCloud" }, { "me.com", "iCloud" },
	{ "mac.com", "iCloud" }, { "apple.com", "iCloud" },
	{ "docomo.ne.jp", "docomo" }, { "ezweb.ne.jp", "au" },
	{ "au.com", "au" }, { "kddi.com", "au" },
	{ "softbank.ne.jp", "SoftBank" }, { "softbank.jp", "SoftBank" },
};

/* s contains word, ignoring ASCII case; a word with a dot must start
 * s or follow a dot or '@' in it (so "me.com" is not "home.com"). */
static int
has_word(const char *s, const char *word)
{
	size_t	n = strlen(word), i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (strncasecmp(s + i, word, n) != 0)
			continue;
		if (strchr(word, '.') == NULL || i == 0 || s[i - 1] == '.' ||
		    s[i - 1] == '@' || s[i - 1] == ' ' || s[i - 1] == '(' ||
		    s[i - 1] == '[')
			return 1;
	}
	return 0;
}

static const char *
provider_of(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (has_word(s, providers[i].word))
			return providers[i].name;
	return NULL;
}

const char *
alert_provider(const char *domain, const char *mx, const char *diagnostic,
    char *buf, size_t len)
{
	const char	*p;

	/* The domain first (a Workspace domain's MX is Google's, but a
	 * gmail.com address says it outright), then the MX or reporting
	 * MTA, then the words (Gmail's replies name gsmtp). */
	if ((p = provider_of(domain)) != NULL || (p = provider_of(mx)) != NULL)
		return p;
	if (diagnostic != NULL && (strstr(diagnostic, "gsmtp") != NULL ||
	    strstr(diagnostic, "support.google.com") != NULL))
		return "Gmail";
	if ((p = provider_of(diagnostic)) != NULL)
		return p;
	if (domain != NULL && *domain != '\0') {
		snprintf(buf, len, "%s", domain);
		return buf;
	}
	return N_("unknown provider");
}

static const struct {
	const char	*reason;
	const char	*cause;
} causes[] = {
	{ "authentication", N_("unauthenticated, SPF or DKIM not passing: "
	  "run herald check") },
	{ "credentials", N_("the relay refused herald's credentials: "
	  "check relay_user and relay_password_file") },
	{ "policy", N_("refused by policy (often authentication or DMARC): "
	  "run herald check") },
	{ "reputation", N_("the sending IP or domain has a poor reputation "
	  "or is listed: check blocklists and slow down (rate, per_domain)") },
	{ "require-ptr", N_("no reverse DNS (PTR) matching the sending IP: "
	  "run herald check") },
	{ "tls", N_("TLS required and not agreed: check tls_policy and the "
	  "server's certificate") },
	{ "rate-limited", N_("rate limited: lower rate and per_domain, the "
	  "rest is retried") },
	{ "too-many-connections", N_("too many connections: lower per_domain") },
	{ "spam-detected", N_("judged spam: review the content, check "
	  "herald check") },
	{ "virus-detected", N_("judged to carry malware: review the "
	  "content") },
	{ "content", N_("the content was refused: review the message") },
	{ "not-compliant-rfc", N_("the message is not RFC 5322 compliant: "
	  "review its headers") },
	{ "sender-address", N_("the sender address was refused: check "
	  "from and bounce, and their DNS") },
	{ "no-relaying", N_("relaying denied: check the relay setting") },
};

const char *
alert_cause(const char *reason)
{
	size_t	i;

	for (i = 0; reason != NULL && i < sizeof causes / sizeof causes[0];
	    i++)
		if (strcmp(reason, causes[i].reason) == 0)
			return causes[i].cause;
	return N_("the sender was refused: run herald check");
}

void
alert_text(const char *provider, const char *reason, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", provider, alert_cause(reason));
}

void
alert_display(const char *provider, const char *reason, char *buf,
    size_t len)
{
	/* Only "unknown provider" has a msgid; a name or domain is itself. */
	snprintf(buf, len, "%s: %s", _(provider), _(alert_cause(reason)));
}
