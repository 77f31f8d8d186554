/*
 * The rules of the large Japanese mailbox providers, judged from what the
 * checks before found (no lookup of their own):
 *
 *   docomo (docomo.ne.jp) warns of spoofing, or refuses, mail whose From
 *   domain has no DMARC record or fails DMARC;
 *   au/KDDI (ezweb.ne.jp, au.com) evaluates SPF, from TXT only, for the
 *   IPv4 address the mail arrives from;
 *   SoftBank (softbank.ne.jp, i.softbank.jp) refuses spoofed mail by
 *   DMARC, which needs an aligned SPF or DKIM pass;
 *   Yahoo! JAPAN (yahoo.co.jp) wants SPF or DKIM to pass, and ignores DKIM
 *   keys under 1024 bits.
 *
 * A finding (id "jp.PROVIDER.WHAT") is given only for a rule the domain
 * fails; where a check before could not tell (DNS trouble), none is.
 */
#include <stdlib.h>

#include "health_int.h"
#include "base/i18n.h"

/* Does DMARC pass for mail herald sends (relaxed or strict: herald signs
 * with d= the From domain)? -1 when SPF could not be decided. */
static int
health_jp_dmarc_pass(struct health_run *r)
{
	if (r->spf_aligned || r->dkim_pass != 0)
		return 1;
	return r->spf == SPF_TEMPERROR ? -1 : 0;
}

/* What makes DMARC, or authentication, pass: the SPF record when SPF
 * fails for the address, else a DKIM key herald signs with, else an
 * aligned envelope-from. Allocated. */
static char *
health_jp_auth_fix(struct health_run *r)
{
	if (r->spf != SPF_PASS && r->spf_fix != NULL)
		return xstrdup(r->spf_fix);
	if (r->nactive == 0)
		return xprintf(_("herald dkim keygen %s SELECTOR, then publish "
		    "the record it prints"), r->domain);
	if (r->spf == SPF_PASS && !r->spf_aligned)
		return xprintf(_("send with an envelope-from at %s: herald "
		    "config set bounce bounces@%s"), r->domain, r->domain);
	return xprintf(_("publish the record of herald's DKIM key: herald "
	    "dkim record %s SELECTOR"), r->domain);
}

/* docomo: a DMARC record, and DMARC passing. */
static void
health_jp_docomo(struct health_run *r)
{
	const char	*id = "jp.docomo.dmarc";
	char		*title = xstrdup(_("Mail to docomo (docomo.ne.jp)"));

	if (r->dmarc_state == HEALTH_DM_NONE)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("docomo shows "
		    "a spoofing warning for mail whose From domain has no "
		    "DMARC record, and %s publishes none"), r->domain),
		    health_dmarc_starter(r));
	else if (r->dmarc_state == HEALTH_DM_BAD)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("docomo shows "
		    "a spoofing warning for mail whose From domain has no "
		    "usable DMARC record, and the one of %s cannot be used "
		    "(see the DMARC check)"), r->domain),
		    health_dmarc_starter(r));
	else if (r->dmarc_state == HEALTH_DM_OK &&
	    health_jp_dmarc_pass(r) == 0 && r->spf != SPF_PASS)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("docomo shows "
		    "a spoofing warning for, or refuses, mail that fails "
		    "DMARC, as mail from %s does: SPF gives %s for %s, and "
		    "herald signs with no published DKIM key of %s"),
		    r->domain, spf_result_name(r->spf), r->env_domain,
		    r->domain), health_jp_auth_fix(r));
	else if (r->dmarc_state == HEALTH_DM_OK &&
	    health_jp_dmarc_pass(r) == 0)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("docomo shows "
		    "a spoofing warning for, or refuses, mail that fails "
		    "DMARC, as mail from %s does: the envelope-from domain %s "
		    "does not align with it, and herald signs with no "
		    "published DKIM key of %s"), r->domain, r->env_domain,
		    r->domain), health_jp_auth_fix(r));
	else
		free(title);
}

/* SoftBank: DMARC decides what is spoofed. */
static void
health_jp_softbank(struct health_run *r)
{
	const char	*id = "jp.softbank.dmarc";
	char		*title = xstrdup(_("Mail to SoftBank (softbank.ne.jp, "
			    "i.softbank.jp)"));

	if (r->dmarc_state == HEALTH_DM_NONE ||
	    r->dmarc_state == HEALTH_DM_BAD)
		health_emit(r, id, HEALTH_WARN, title, xprintf(_("SoftBank "
		    "tells spoofed mail by the From domain's DMARC record, "
		    "and %s has no usable one: its mail cannot be told from "
		    "spoofed mail, and recipients who refuse spoofed mail may "
		    "not get it"), r->domain), health_dmarc_starter(r));
	else if (r->dmarc_state != HEALTH_DM_OK ||
	    r->dmarc_policy == DMARC_P_NONE || health_jp_dmarc_pass(r) != 0)
		free(title);
	else if (r->spf != SPF_PASS)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("SoftBank "
		    "refuses mail that fails DMARC under p=%s, as mail from %s "
		    "does: SPF gives %s for %s, and herald signs with no "
		    "published DKIM key of %s"),
		    dmarc_policy_name(r->dmarc_policy), r->domain,
		    spf_result_name(r->spf), r->env_domain, r->domain),
		    health_jp_auth_fix(r));
	else
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("SoftBank "
		    "refuses mail that fails DMARC under p=%s, as mail from %s "
		    "does: the envelope-from domain %s does not align with it, "
		    "and herald signs with no published DKIM key of %s"),
		    dmarc_policy_name(r->dmarc_policy), r->domain,
		    r->env_domain, r->domain), health_jp_auth_fix(r));
}

/* au (KDDI): SPF from TXT, passing for the IPv4 address. */
static void
health_jp_au(struct health_run *r)
{
	const char	*id = "jp.au.spf";
	char		*title = xstrdup(_("Mail to au (ezweb.ne.jp, au.com)"));

	if (r->spf99 != NULL)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("au (KDDI) "
		    "reads SPF only from TXT records, and %s publishes its SPF "
		    "only as an SPF (type 99) record: SPF fails there"),
		    r->env_domain), r->spf_fix != NULL ? xstrdup(r->spf_fix) :
		    NULL);
	else if (r->family == 6)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("au (KDDI) "
		    "checks SPF for the IPv4 address mail arrives from, and %s "
		    "is an IPv6 address: mail sent from it fails SPF at au"),
		    r->ip), xprintf(_("send from an IPv4 address (herald "
		    "config set source_ip ADDRESS) and list it in the SPF "
		    "record of %s with ip4:"), r->env_domain));
	else if (r->family == 4 && r->spf != SPF_PASS &&
	    r->spf != SPF_TEMPERROR)
		health_emit(r, id, HEALTH_FAIL, title, xprintf(_("au (KDDI) "
		    "refuses mail whose SPF does not pass for the IPv4 sending "
		    "address, and SPF gives %s for %s and %s"),
		    spf_result_name(r->spf), r->ip, r->env_domain),
		    r->spf_fix != NULL ? xstrdup(r->spf_fix) : NULL);
	else
		free(title);
}

/* Yahoo! JAPAN: SPF or DKIM passes; no DKIM key under 1024 bits. */
static void
health_jp_yahoo(struct health_run *r)
{
	if (r->spf != SPF_PASS && r->spf != SPF_TEMPERROR &&
	    r->dkim_pass == 0)
		health_emit(r, "jp.yahoo.auth", HEALTH_FAIL, xstrdup(_("Mail "
		    "to Yahoo! JAPAN (yahoo.co.jp)")), xprintf(_("Yahoo! JAPAN "
		    "refuses mail that passes neither SPF nor DKIM, and SPF "
		    "gives %s for %s while herald signs with no published DKIM "
		    "key of %s"), spf_result_name(r->spf), r->env_domain,
		    r->domain), health_jp_auth_fix(r));
	if (r->weak_sel != NULL)
		health_emit(r, "jp.yahoo.dkim_key", HEALTH_FAIL,
		    xstrdup(_("Mail "
		    "to Yahoo! JAPAN (yahoo.co.jp)")), xprintf(_("Yahoo! JAPAN "
		    "does not accept DKIM keys under 1024 bits, and %s holds a "
		    "%d-bit RSA key"), r->weak_sel, r->weak_bits), xprintf(
		    _("herald dkim keygen %s NEWSELECTOR --algo rsa-2048, then "
		    "publish its record"), r->domain));
}

/* Each provider's rules the domain fails, in a fixed order. */
void
health_jp(struct health_run *r)
{
	health_jp_docomo(r);
	health_jp_au(r);
	health_jp_softbank(r);
	health_jp_yahoo(r);
}
