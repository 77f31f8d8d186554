/* The SPF and DMARC records to publish beside a DKIM key. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "publish.h"
#include "base/util.h"
#include "base/i18n.h"

/* A TXT record line for value at name (255-byte strings). */
char *
publish_txt(const char *name, int ttl, const char *value)
{
	struct buf	b;
	size_t		len = strlen(value), i;

	buf_init(&b);
	buf_printf(&b, "%s. %d IN TXT \"", name, ttl);
	for (i = 0; i < len; i++) {
		if (i != 0 && i % 255 == 0)
			buf_adds(&b, "\" \"");
		dns_zone_byte(&b, (unsigned char)value[i]);
	}
	buf_adds(&b, "\"\n");
	return buf_take(&b);
}

/* A published string made safe to quote in a message, allocated. */
static char *
publish_show(const char *s)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; s[i] != '\0' && i < 300; i++)
		dns_zone_byte(&b, (unsigned char)s[i]);
	if (s[i] != '\0')
		buf_adds(&b, "...");
	return buf_take(&b);
}

/* Does an SPF record already list mech (as a whole word)? */
static int
publish_spf_has(const char *spf, const char *mech)
{
	size_t		 len = strlen(mech);
	const char	*p = spf;

	while ((p = strstr(p, mech)) != NULL) {
		if ((p == spf || p[-1] == ' ') && (p[len] == ' ' ||
		    p[len] == '\0'))
			return 1;
		p += len;
	}
	return 0;
}

/* Find the TXT record of name starting with prefix (case-insensitive):
 * 0 found (*out), 1 none, -1 lookup failed (*why). */
static int
publish_find_txt(struct dns *dns, const char *name, const char *prefix,
    char **out, char **why)
{
	struct dns_answer	ans;
	enum dns_status		st;
	size_t			i, plen = strlen(prefix);
	int			rc = 1;

	*out = NULL;
	if (dns == NULL) {
		*why = xstrdup(_("no resolver"));
		return -1;
	}
	memset(&ans, 0, sizeof ans);
	st = dns_query(dns, name, DNS_TXT, &ans);
	if (st == DNS_OK) {
		for (i = 0; i < ans.n; i++)
			if (ans.rr[i].len >= plen && strncasecmp(
			    ans.rr[i].u.txt, prefix, plen) == 0 &&
			    (ans.rr[i].len == plen || ans.rr[i].u.txt[plen] ==
			    ' ' || ans.rr[i].u.txt[plen] == ';') &&
			    memchr(ans.rr[i].u.txt, '\0', ans.rr[i].len) ==
			    NULL) {
				*out = xstrndup(ans.rr[i].u.txt, ans.rr[i].len);
				rc = 0;
				break;
			}
	} else if (st != DNS_NXDOMAIN && st != DNS_NODATA) {
		*why = xprintf("%s%s%s", dns_status_name(st), ans.why != NULL ?
		    ": " : "", ans.why != NULL ? ans.why : "");
		rc = -1;
	}
	dns_answer_free(&ans);
	return rc;
}

/* Work out the SPF and DMARC records to offer beside the DKIM key. */
void
publish_records(struct dns *dns, const char *domain, const char *ip,
    struct publish *x)
{
	char	*mech, *why = NULL, *show;
	int	 rc;

	memset(x, 0, sizeof x[0]);
	x->spf_name = xstrdup(domain);
	if (ip != NULL && *ip != '\0')
		mech = xprintf("%s:%s", strchr(ip, ':') != NULL ? "ip6" : "ip4",
		    ip);
	else {
		mech = xstrdup("ip4:YOUR.SENDING.IP");
		x->spf_placeholder = 1;
	}
	rc = publish_find_txt(dns, domain, "v=spf1", &x->spf_existing, &why);
	if (rc == 0 && !x->spf_placeholder &&
	    publish_spf_has(x->spf_existing, mech)) {
		x->spf_note = xprintf(_("%s already publishes SPF with %s: "
		    "nothing to change"), domain, mech);
	} else if (rc == 0) {
		x->spf_value = xprintf("v=spf1 %s%s", mech,
		    x->spf_existing + 6);
		show = publish_show(x->spf_existing);
		x->spf_note = xprintf(_("%s already publishes SPF (\"%s\"); a "
		    "domain has one SPF record: add %s to it"), domain, show,
		    mech);
		free(show);
	} else {
		x->spf_value = xprintf("v=spf1 %s -all", mech);
		if (rc == -1)
			x->spf_note = xprintf(_("could not look up %s's SPF "
			    "record (%s): if it has one, add %s to it instead"),
			    domain, why, mech);
	}
	free(mech);

	x->dmarc_name = xprintf("_dmarc.%s", domain);
	/* A resolver that did not answer once is not asked again. */
	if (rc == -1 && why != NULL) {
		show = why;
		why = xprintf(_("not looked up: %s"), show);
		free(show);
	} else
		rc = publish_find_txt(dns, x->dmarc_name, "v=DMARC1",
		    &x->dmarc_existing, &why);
	if (rc == 0) {
		show = publish_show(x->dmarc_existing);
		x->dmarc_note = xprintf(_("%s publishes DMARC already: \"%s\""),
		    x->dmarc_name, show);
		free(show);
	} else {
		x->dmarc_value = xprintf("v=DMARC1; p=none; rua=mailto:"
		    "dmarc-reports@%s", domain);
		if (rc == -1)
			x->dmarc_note = xprintf(_("could not look up %s (%s): "
			    "if the domain has no DMARC record yet, start "
			    "with this one"), x->dmarc_name, why);
		else
			x->dmarc_note = xprintf(_("%s has no DMARC record: "
			    "start by monitoring (p=none; reports go to "
			    "dmarc-reports@%s, create that mailbox)"), domain,
			    domain);
	}
	free(why);
}

/* Free what publish_records made. */
void
publish_free(struct publish *x)
{
	free(x->spf_name);
	free(x->spf_value);
	free(x->spf_existing);
	free(x->spf_note);
	free(x->dmarc_name);
	free(x->dmarc_value);
	free(x->dmarc_existing);
	free(x->dmarc_note);
}
