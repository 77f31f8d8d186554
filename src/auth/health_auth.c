/*
 * The health report's DMARC, alignment and DKIM checks.
 */
#include <stdlib.h>
#include <string.h>

#include "dkim.h"
#include "dkimrec.h"
#include "health_int.h"
#include "base/i18n.h"
#include "store/store.h"

/* A starting DMARC record for domain: monitoring, reports to the domain. */
char *
health_dmarc_starter(struct health_run *r)
{
	char	*owner, *v, *s;

	owner = xprintf("_dmarc.%s", r->domain);
	v = xprintf("v=DMARC1; p=none; rua=mailto:dmarc-reports@%s",
	    r->domain);
	s = health_txt_record(owner, v);
	free(v);
	free(owner);
	return s;
}

/* The record d rewritten with the effective policy (p, or sp for a
 * record found at the organisational domain) set to policy and pct
 * dropped: what to publish at owner to enforce. */
static char *
health_dmarc_rewrite(const struct dmarc_record *d, const char *owner,
    int from_org, enum dmarc_policy policy)
{
	struct buf	 b;
	char		*s;
	int		 sub = from_org && d->has_sp;

	buf_init(&b);
	buf_printf(&b, "v=DMARC1; p=%s", dmarc_policy_name(sub ? d->p :
	    policy));
	if (d->has_sp)
		buf_printf(&b, "; sp=%s", dmarc_policy_name(sub ? policy :
		    d->sp));
	if (d->adkim == 's')
		buf_adds(&b, "; adkim=s");
	if (d->aspf == 's')
		buf_adds(&b, "; aspf=s");
	if (d->rua != NULL)
		buf_printf(&b, "; rua=%s", d->rua);
	if (d->ruf != NULL)
		buf_printf(&b, "; ruf=%s", d->ruf);
	if (d->fo != NULL)
		buf_printf(&b, "; fo=%s", d->fo);
	s = health_txt_record(owner, b.data);
	buf_free(&b);
	return s;
}

/*
 * Look for the DMARC record at owner. Returns 1 found (*txt, *len point
 * into a, which the caller frees), 0 none (*broken set when a TXT there
 * looks like a DMARC record written wrongly), -1 DNS trouble or more than
 * one record (*why allocated).
 */
static int
health_dmarc_find(struct health_run *r, const char *owner,
    struct dns_answer *a, const char **txt, size_t *len, char **broken,
    char **why)
{
	size_t	i, n = 0;

	if (health_query(r, owner, DNS_TXT, a) == DNS_NXDOMAIN ||
	    a->status == DNS_NODATA)
		return 0;
	if (a->status != DNS_OK) {
		*why = health_dns_trouble(r, owner, a);
		return -1;
	}
	for (i = 0; i < a->n; i++) {
		if (dmarc_is_record(a->rr[i].u.txt, a->rr[i].len)) {
			*txt = a->rr[i].u.txt;
			*len = a->rr[i].len;
			n++;
		} else if (*broken == NULL && dmarc_looks_like(a->rr[i].u.txt,
		    a->rr[i].len))
			*broken = health_clean(a->rr[i].u.txt, a->rr[i].len);
	}
	if (n > 1) {
		*why = xprintf(_("%zu DMARC records at %s: receivers ignore "
		    "them all"), n, owner);
		return -1;
	}
	return n == 1;
}

/* Describe a parsed record in b. */
static void
health_dmarc_describe(struct buf *b, const struct dmarc_record *d)
{
	char	*s;

	buf_printf(b, "p=%s", dmarc_policy_name(d->p));
	if (d->has_sp)
		buf_printf(b, " sp=%s", dmarc_policy_name(d->sp));
	buf_printf(b, " pct=%d adkim=%c aspf=%c", d->pct, d->adkim, d->aspf);
	if (d->rua != NULL) {
		s = health_cleans(d->rua);
		buf_printf(b, " rua=%s", s);
		free(s);
	} else
		buf_adds(b, _(" (no rua: no aggregate reports)"));
	if (d->ruf != NULL) {
		s = health_cleans(d->ruf);
		buf_printf(b, " ruf=%s", s);
		free(s);
	}
}

/* DMARC: _dmarc.DOMAIN, else _dmarc.ORGDOMAIN; parsed; the policy. */
void
health_dmarc(struct health_run *r)
{
	struct dns_answer	 a;
	struct buf		 obs;
	enum dmarc_policy	 pol;
	enum health_status	 st = HEALTH_OK;
	const char		*txt = NULL;
	size_t			 len = 0;
	char			*title, *owner, *broken = NULL, *why = NULL;
	char			*cause = NULL, *s, *fix = NULL;
	int			 rc, from_org = 0;

	title = xstrdup(_("DMARC policy"));
	owner = xprintf("_dmarc.%s", r->domain);
	rc = health_dmarc_find(r, owner, &a, &txt, &len, &broken, &why);
	if (rc == 0 && strcmp(r->org, r->domain) != 0) {
		dns_answer_free(&a);
		free(owner);
		owner = xprintf("_dmarc.%s", r->org);
		from_org = 1;
		rc = health_dmarc_find(r, owner, &a, &txt, &len, &broken,
		    &why);
	}
	if (rc == -1) {
		/* Several records: as good as none; DNS trouble: unknown. */
		r->dmarc_state = a.status == DNS_OK ? HEALTH_DM_BAD :
		    HEALTH_DM_UNKNOWN;
		health_emit(r, "dmarc", HEALTH_FAIL, title, why, xstrdup(
		    a.status == DNS_OK ? _("keep one DMARC record and remove "
		    "the others") : _("check again once DNS answers")));
		goto out;
	}
	if (rc == 0) {
		r->dmarc_state = broken != NULL ? HEALTH_DM_BAD :
		    HEALTH_DM_NONE;
		if (broken != NULL)
			s = xprintf(_("not a DMARC record (it must begin with "
			    "v=DMARC1): \"%s\""), broken);
		else if (from_org)
			s = xprintf(_("no DMARC record at _dmarc.%s or %s"),
			    r->domain, owner);
		else
			s = xprintf(_("no DMARC record at %s"), owner);
		health_emit(r, "dmarc", HEALTH_FAIL, title, s,
		    health_dmarc_starter(r));
		goto out;
	}
	if (dmarc_parse(txt, len, &r->dmarc, &cause) == -1) {
		dmarc_record_free(&r->dmarc);
		r->dmarc_state = HEALTH_DM_BAD;
		s = health_cleans(cause);
		why = health_clean(txt, len);
		health_emit(r, "dmarc", HEALTH_FAIL, title, xprintf("%s: %s: "
		    "\"%s\"", owner, s, why), health_dmarc_starter(r));
		free(s);
		free(why);
		free(cause);
		goto out;
	}
	r->have_dmarc = 1;
	r->dmarc_state = HEALTH_DM_OK;
	pol = from_org ? r->dmarc.sp : r->dmarc.p;
	r->dmarc_policy = pol;
	buf_init(&obs);
	buf_printf(&obs, "%s: ", owner);
	health_dmarc_describe(&obs, &r->dmarc);
	if (from_org)
		buf_printf(&obs, _("; for %s (a subdomain) the policy is %s"),
		    r->domain, dmarc_policy_name(pol));
	if (pol == DMARC_P_NONE) {
		st = HEALTH_WARN;
		buf_adds(&obs, _("; monitoring only: receivers still deliver "
		    "mail that fails DMARC"));
		fix = health_dmarc_rewrite(&r->dmarc, owner, from_org,
		    DMARC_P_QUARANTINE);
		s = xprintf(_("once reports show your mail passes: %s"), fix);
		free(fix);
		fix = s;
	} else if (r->dmarc.pct < 100) {
		st = HEALTH_WARN;
		buf_printf(&obs, _("; the policy applies to only %d%% of "
		    "failing mail"), r->dmarc.pct);
		fix = health_dmarc_rewrite(&r->dmarc, owner, from_org, pol);
	}
	health_emit(r, "dmarc", st, title, buf_take(&obs), fix);
out:
	free(broken);
	free(owner);
	dns_answer_free(&a);
}

/* The alignment mode in force: the record's, or relaxed without one. */
static const char *
health_mode_name(char mode)
{
	return mode == 's' ? _("strict") : _("relaxed");
}

/* SPF alignment: the envelope-from domain against the From domain. */
void
health_spf_align(struct health_run *r)
{
	char		 mode = r->have_dmarc ? r->dmarc.aspf : 'r';
	char		*title, *obs, *fix = NULL, *o;
	enum health_status st;

	title = xstrdup(_("SPF aligned with From (DMARC)"));
	if (dmarc_aligned(r->env_domain, r->domain, mode)) {
		if (r->spf == SPF_PASS) {
			st = HEALTH_OK;
			r->spf_aligned = 1;
			obs = xprintf(_("envelope-from domain %s aligns with "
			    "%s (%s) and SPF passes"), r->env_domain,
			    r->domain, health_mode_name(mode));
		} else {
			st = r->nactive != 0 ? HEALTH_WARN : HEALTH_FAIL;
			obs = xprintf(r->nactive != 0 ? _("envelope-from "
			    "domain %s aligns with %s (%s), but SPF gives %s: "
			    "fix SPF (above); DMARC then rests on DKIM alone") :
			    _("envelope-from domain %s aligns with %s (%s), "
			    "but SPF gives %s: fix SPF (above)"),
			    r->env_domain, r->domain, health_mode_name(mode),
			    spf_result_name(r->spf));
		}
	} else {
		st = r->nactive != 0 ? HEALTH_WARN : HEALTH_FAIL;
		if (mode == 's')
			obs = xprintf(_("envelope-from domain %s is not %s "
			    "(aspf=s: strict)"), r->env_domain, r->domain);
		else {
			o = dmarc_org_domain(r->env_domain);
			obs = xprintf(_("envelope-from domain %s (under %s) "
			    "is not under %s (relaxed)"), r->env_domain,
			    o != NULL ? o : "?", r->org);
			free(o);
		}
		if (r->nactive != 0)
			o = xprintf(_("%s; DMARC then rests on DKIM alone"),
			    obs);
		else
			o = xprintf(_("%s; with no DKIM signature DMARC fails"),
			    obs);
		free(obs);
		obs = o;
		fix = xprintf(_("send with an envelope-from at %s: herald "
		    "config set bounce bounces@%s"), r->domain, r->domain);
	}
	health_emit(r, "spf_align", st, title, obs, fix);
}

/* DKIM alignment: herald signs with d= the From domain. */
void
health_dkim_align(struct health_run *r)
{
	char	mode = r->have_dmarc ? r->dmarc.adkim : 'r';
	char	*title = xstrdup(_("DKIM aligned with From (DMARC)"));

	const char	*waiting = NULL;
	size_t		 i;

	for (i = 0; i < r->nkeys && waiting == NULL; i++)
		if (r->keys[i].pending)
			waiting = r->keys[i].selector;
	if (r->nactive != 0)
		health_emit(r, "dkim_align", HEALTH_OK, title,
		    xprintf(_("herald "
		    "signs with d=%s, the From domain: aligned (%s)"),
		    r->domain, health_mode_name(mode)), NULL);
	else if (waiting != NULL)
		health_emit(r, "dkim_align", HEALTH_WARN, title,
		    xprintf(_("the "
		    "DKIM key of %s (selector %s) awaits publication: herald "
		    "does not sign yet, so DMARC rests on SPF alone"),
		    r->domain, waiting), xprintf(_("publish its record, then "
		    "herald dkim check %s %s activates it"), r->domain,
		    waiting));
	else
		health_emit(r, "dkim_align", HEALTH_WARN, title, xprintf(_("no "
		    "DKIM key for %s yet: herald does not sign, so DMARC rests "
		    "on SPF alone"), r->domain), xprintf(_("herald dkim keygen "
		    "%s SELECTOR, then publish the record it prints"),
		    r->domain));
}

/* The local key of a selector, or NULL. */
static const struct dkim_key *
health_local_key(struct health_run *r, const char *selector)
{
	size_t	i;

	for (i = 0; i < r->nkeys; i++)
		if (ascii_casecmp(r->keys[i].selector, selector) == 0)
			return &r->keys[i];
	return NULL;
}

/* Judge one parsed key record against the local key; sets *st, appends
 * to obs, may set *fix. Returns 1 when it is the local key. */
static int
health_dkim_judge(struct health_run *r, const struct dkimrec *k,
    const struct dkim_key *local, enum health_status *st, struct buf *obs,
    char **fix)
{
	int		 same = 0;
	unsigned char	*pub = NULL;
	size_t		 publen = 0;

	if (k->revoked) {
		*st = HEALTH_FAIL;
		buf_adds(obs, _("revoked (p= is empty)"));
		*fix = local != NULL ? dkim_record_zone(local) :
		    xstrdup(_("publish the key again, or use another "
		    "selector"));
		return 0;
	}
	buf_printf(obs, _("%s %d-bit key"), dkimrec_key_name(k->key),
	    k->bits);
	if (k->key == DKIMREC_RSA && k->bits < 1024) {
		*st = HEALTH_FAIL;
		buf_adds(obs, _(": verifiers ignore RSA keys under 1024 bits "
		    "(RFC 8301)"));
	} else if (k->sha1_only) {
		*st = HEALTH_FAIL;
		buf_adds(obs, _(": h= allows only sha1, which verifiers no "
		    "longer accept (RFC 8301)"));
	} else if (k->key == DKIMREC_RSA && k->bits < 2048) {
		*st = HEALTH_WARN;
		buf_adds(obs, _(": use 2048 bits"));
	}
	if (*st != HEALTH_OK && *fix == NULL)
		*fix = xprintf(_("herald dkim keygen %s NEWSELECTOR --algo "
		    "rsa-2048, then publish its record"), r->domain);
	if (k->testing) {
		if (*st == HEALTH_OK)
			*st = HEALTH_WARN;
		buf_adds(obs, _("; t=y (testing): receivers treat a failing "
		    "signature as no signature"));
		if (*fix == NULL)
			*fix = xstrdup(_("remove t=y from the record once "
			    "signatures verify"));
	}
	if (local == NULL) {
		buf_adds(obs, _("; no local key to compare with"));
		return 0;
	}
	if (local->public_key == NULL || dkimrec_base64(local->public_key,
	    strlen(local->public_key), &pub, &publen) == -1 ||
	    publen != k->publen || memcmp(pub, k->pub, publen) != 0) {
		*st = HEALTH_FAIL;
		buf_adds(obs, _("; it is NOT the local key"));
		free(*fix);
		*fix = dkim_record_zone(local);
	} else if (local->pending) {
		same = 1;
		buf_printf(obs, _("; it is the local key, not signing yet "
		    "(herald dkim check %s %s activates it)"), r->domain,
		    local->selector);
	} else {
		same = 1;
		buf_adds(obs, _("; it is the local key"));
	}
	free(pub);
	return same;
}

/* Remember the smallest RSA key published, for the providers that
 * ignore small ones (health_jp.c). */
static void
health_dkim_weak(struct health_run *r, const char *name,
    const struct dkimrec *k)
{
	if (k->revoked || k->key != DKIMREC_RSA || k->bits >= 1024 ||
	    (r->weak_sel != NULL && k->bits >= r->weak_bits))
		return;
	free(r->weak_sel);
	r->weak_sel = xstrdup(name);
	r->weak_bits = k->bits;
}

/* One selector: SELECTOR._domainkey.DOMAIN exists, parses, holds a good
 * key (the local one, when herald has it). */
static void
health_dkim_one(struct health_run *r, const char *sel)
{
	const struct dkim_key	*local = health_local_key(r, sel);
	struct dns_answer	 a;
	struct dkimrec		 k;
	enum health_status	 st = HEALTH_OK;
	struct buf		 obs;
	char			*id, *title, *name, *cause = NULL, *s, *fix = NULL;
	size_t			 i;
	int			 same;

	id = xprintf("dkim:%s", sel);
	name = xprintf("%s._domainkey.%s", sel, r->domain);
	title = xprintf(_("DKIM key %s"), name);
	buf_init(&obs);
	if (health_query(r, name, DNS_TXT, &a) != DNS_OK) {
		if (a.status == DNS_NXDOMAIN || a.status == DNS_NODATA) {
			buf_printf(&obs, _("nothing published at %s"), name);
			/* Said where a send is about to start unsigned. */
			if (local != NULL && local->pending)
				buf_adds(&obs, _("; the key awaits "
				    "publication: messages are not signed with "
				    "it"));
			fix = local != NULL ? dkim_record_zone(local) :
			    xprintf(_("publish the key record: %s. %d IN TXT "
			    "\"v=DKIM1; k=rsa; p=PUBLIC-KEY\""), name,
			    HEALTH_TTL);
		} else {
			s = health_dns_trouble(r, name, &a);
			buf_adds(&obs, s);
			free(s);
			fix = xstrdup(_("check again once DNS answers"));
		}
		st = HEALTH_FAIL;
		goto out;
	}
	/* Several records: the first that parses is what most verifiers
	 * would end up with; say there are several. */
	for (i = 0; i < a.n; i++) {
		free(cause);
		cause = NULL;
		if (dkimrec_parse(a.rr[i].u.txt, a.rr[i].len, &k, &cause) == 0)
			break;
		dkimrec_free(&k);
	}
	if (i == a.n) {
		s = health_cleans(cause);
		buf_printf(&obs, _("the record does not parse: %s"), s);
		free(s);
		s = health_clean(a.rr[0].u.txt, a.rr[0].len);
		buf_printf(&obs, ": \"%s\"", s);
		free(s);
		st = HEALTH_FAIL;
		fix = local != NULL ? dkim_record_zone(local) : xprintf(
		    _("publish a valid key record: %s. %d IN TXT \"v=DKIM1; "
		    "k=rsa; p=PUBLIC-KEY\""), name, HEALTH_TTL);
		goto out;
	}
	same = health_dkim_judge(r, &k, local, &st, &obs, &fix);
	health_dkim_weak(r, name, &k);
	if (a.n > 1) {
		buf_printf(&obs, _("; %zu TXT records at %s: verifiers may use "
		    "any of them"), a.n, name);
		if (st == HEALTH_OK) {
			st = HEALTH_WARN;
			fix = xstrdup(_("keep only the one key record"));
		}
	}
	/* Mail herald signs with this key verifies. */
	if (same && local->active && st != HEALTH_FAIL)
		r->dkim_pass++;
	dkimrec_free(&k);
out:
	health_emit(r, id, st, title, buf_take(&obs), fix);
	free(cause);
	dns_answer_free(&a);
	free(name);
	free(id);
}

/* Read the local keys of the domain (none without a store). */
void
health_load_keys(struct health_run *r)
{
	char	*cause = NULL;
	size_t	 i;

	if (r->store == NULL)
		return;
	if (store_dkim_keys(r->store, r->domain, &r->keys, &r->nkeys,
	    &cause) == -1) {
		r->keys_trouble = cause;
		r->keys = NULL;
		r->nkeys = 0;
		return;
	}
	for (i = 0; i < r->nkeys; i++)
		if (r->keys[i].active)
			r->nactive++;
}

/* Free the local keys. */
void
health_free_keys(struct health_run *r)
{
	size_t	i;

	for (i = 0; i < r->nkeys; i++)
		dkim_key_free(&r->keys[i]);
	free(r->keys);
	free(r->keys_trouble);
}

/* Checked when no selector is asked for: a key that signs, or one that
 * waits for its record to be seen. */
int
health_key_checked(const struct dkim_key *k)
{
	return k->active || k->pending;
}

/* DKIM: each selector asked for, else each local key that signs or
 * awaits publication. */
void
health_dkim(struct health_run *r)
{
	const char	**sel = r->in->selectors;
	char		 *s;
	size_t		  i;
	int		  n = 0;

	for (; sel != NULL && *sel != NULL; sel++, n++)
		health_dkim_one(r, *sel);
	if (n != 0)
		return;
	for (i = 0; i < r->nkeys; i++)
		if (health_key_checked(&r->keys[i])) {
			health_dkim_one(r, r->keys[i].selector);
			n++;
		}
	if (n != 0)
		return;
	if (r->keys_trouble != NULL) {
		s = health_cleans(r->keys_trouble);
		health_emit(r, "dkim", HEALTH_FAIL, xstrdup(_("DKIM keys")),
		    xprintf(_("could not read the local keys: %s"), s), NULL);
		free(s);
		return;
	}
	health_emit(r, "dkim", HEALTH_WARN, xstrdup(_("DKIM keys")),
	    xprintf(_("no DKIM keys yet for %s"), r->domain),
	    xprintf(_("herald "
	    "dkim keygen %s SELECTOR and publish the record it prints (to "
	    "check a key published elsewhere: herald check %s --selector S)"),
	    r->domain, r->domain));
}
