/*
 * DNSSEC validation of single answers with ldns. The resolver asks with
 * DO set (dns_open did that when it loaded anchors), so signatures and
 * NSEC/NSEC3 proofs come in the answer; ldns_verify_trusted then builds
 * the chain from the signer's DNSKEYs up through DS records to one of the
 * anchors, asking the same resolver for each link.
 *
 * An answer without signatures is insecure only when that can be proven:
 * no anchor covers the name, or, walking down from the closest anchor, a
 * delegation is shown (by a validated NSEC or NSEC3) to have no DS. Any
 * other unsigned answer under an anchor is bogus: an attacker may have
 * stripped the signatures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "dnssec.h"
#include "util.h"

/* Names of the states, for messages. */
const char *
dnssec_state_name(enum dnssec_state s)
{
	switch (s) {
	case DNSSEC_SECURE:
		return "secure";
	case DNSSEC_INSECURE:
		return "insecure";
	case DNSSEC_BOGUS:
		return "bogus";
	case DNSSEC_FAILED:
		return "failed";
	}
	return "?";
}

/* Does the resolver validate? */
int
dnssec_enabled(const struct dns *d)
{
	const ldns_rr_list	*a = ldns_resolver_dnssec_anchors(d->res);

	return a != NULL && ldns_rr_list_rr_count(a) > 0;
}

/* A name as text without the trailing dot, allocated. */
static char *
dnssec_name(const ldns_rdf *name)
{
	char	*s = ldns_rdf2str(name), *out;
	size_t	 len;

	if (s == NULL)
		return xstrdup("?");
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[len - 1] = '\0';
	out = xstrdup(s);
	free(s);
	return out;
}

/* A type's mnemonic, allocated. */
static char *
dnssec_type(ldns_rr_type t)
{
	char	*s = ldns_rr_type2str(t), *out;

	out = xstrdup(s != NULL ? s : "?");
	free(s);
	return out;
}

/* The RRSIGs of a list that cover owner and type (clones). */
static ldns_rr_list *
dnssec_sigs(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list	*out = ldns_rr_list_new();
	const ldns_rr	*rr;
	size_t		 i;

	if (out == NULL)
		fatal("ldns: out of memory");
	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_rrsig_typecovered(rr) == NULL ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != type ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

/* The records of a list with owner and type (clones). */
static ldns_rr_list *
dnssec_rrset(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list	*out = ldns_rr_list_new();
	const ldns_rr	*rr;
	size_t		 i;

	if (out == NULL)
		fatal("ldns: out of memory");
	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == type &&
		    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

/*
 * Verify the RRset of owner and type in a section against the anchors:
 * SECURE, BOGUS (*why set), or INSECURE when it has no RRSIG at all (the
 * caller decides whether that is allowed).
 */
static enum dnssec_state
dnssec_verify_rrset(struct dns *d, const ldns_rr_list *l,
    const ldns_rdf *owner, ldns_rr_type type, char **why)
{
	ldns_rr_list		*set, *sigs;
	ldns_status		 st;
	enum dnssec_state	 ret = DNSSEC_SECURE;
	char			*n, *t;

	set = dnssec_rrset(l, owner, type);
	sigs = dnssec_sigs(l, owner, type);
	if (ldns_rr_list_rr_count(sigs) == 0)
		ret = DNSSEC_INSECURE;
	else if ((st = ldns_verify_trusted(d->res, set, sigs, NULL)) !=
	    LDNS_STATUS_OK) {
		n = dnssec_name(owner);
		t = dnssec_type(type);
		free(*why);
		*why = xprintf("the RRSIG of %s %s does not verify: %s", n, t,
		    ldns_get_errorstr_by_id(st));
		free(t);
		free(n);
		ret = DNSSEC_BOGUS;
	}
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
	return ret;
}

/* Verify every RRset (but RRSIGs) of a section; *nosig when one has none. */
static enum dnssec_state
dnssec_verify_section(struct dns *d, const ldns_rr_list *l, int only_nsec,
    int *nosig, char **why)
{
	const ldns_rr	*rr, *prev;
	ldns_rr_type	 t;
	size_t		 i, j;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_RRSIG || (only_nsec &&
		    t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3))
			continue;
		/* Once per RRset. */
		for (j = 0; j < i; j++) {
			prev = ldns_rr_list_rr(l, j);
			if (ldns_rr_get_type(prev) == t &&
			    ldns_dname_compare(ldns_rr_owner(prev),
			    ldns_rr_owner(rr)) == 0)
				break;
		}
		if (j < i)
			continue;
		switch (dnssec_verify_rrset(d, l, ldns_rr_owner(rr), t, why)) {
		case DNSSEC_BOGUS:
			return DNSSEC_BOGUS;
		case DNSSEC_INSECURE:
			*nosig = 1;
			break;
		default:
			break;
		}
	}
	return DNSSEC_SECURE;
}

/* Do the validated NSEC or NSEC3 records of a DS denial for c show a
 * delegation without DS (or an opt-out span over it)? */
static int
dnssec_unsigned_cut(struct dns *d, ldns_pkt *pkt, ldns_rdf *c)
{
	ldns_rr_list	*auth = ldns_pkt_authority(pkt), *nsec3, *sigs;
	ldns_rr		*rr, *q, *match = NULL;
	ldns_rdf	*bm;
	char		*why = NULL;
	size_t		 i;
	int		 cut = 0, nosig = 0;

	for (i = 0; auth != NULL && i < ldns_rr_list_rr_count(auth); i++) {
		rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC ||
		    ldns_dname_compare(ldns_rr_owner(rr), c) != 0)
			continue;
		bm = ldns_nsec_get_bitmap(rr);
		if (bm != NULL &&
		    ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_DS) &&
		    dnssec_verify_rrset(d, auth, c, LDNS_RR_TYPE_NSEC,
		    &why) == DNSSEC_SECURE)
			cut = 1;
		free(why);
		return cut;
	}
	nsec3 = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC3,
	    LDNS_SECTION_AUTHORITY);
	if (nsec3 == NULL)
		return 0;
	sigs = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_RRSIG,
	    LDNS_SECTION_AUTHORITY);
	if ((q = ldns_rr_new()) == NULL)
		fatal("ldns: out of memory");
	ldns_rr_set_owner(q, ldns_rdf_clone(c));
	ldns_rr_set_type(q, LDNS_RR_TYPE_DS);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	if (sigs != NULL && ldns_dnssec_verify_denial_nsec3_match(q, nsec3,
	    sigs, ldns_pkt_get_rcode(pkt), LDNS_RR_TYPE_DS,
	    ldns_pkt_get_rcode(pkt) == LDNS_RCODE_NOERROR, &match) ==
	    LDNS_STATUS_OK && match != NULL &&
	    (ldns_nsec3_optout(match) || ldns_nsec_bitmap_covers_type(
	    ldns_nsec3_bitmap(match), LDNS_RR_TYPE_NS)) &&
	    dnssec_verify_section(d, auth, 1, &nosig, &why) == DNSSEC_SECURE &&
	    !nosig)
		cut = 1;
	free(why);
	ldns_rr_free(q);
	ldns_rr_list_deep_free(nsec3);
	ldns_rr_list_deep_free(sigs);
	return cut;
}

/*
 * An answer about name came without signatures: INSECURE if no anchor
 * covers name or a delegation between the closest anchor and name is
 * proven unsigned; FAILED if a DS lookup failed; else BOGUS.
 */
static enum dnssec_state
dnssec_insecure(struct dns *d, const ldns_rdf *name, char **why)
{
	const ldns_rr_list	*anchors = ldns_resolver_dnssec_anchors(d->res);
	const ldns_rdf		*best = NULL, *o;
	struct dns_answer	 a;
	ldns_pkt		*pkt;
	ldns_rdf		*c;
	enum dns_status		 st;
	enum dnssec_state	 ret = DNSSEC_BOGUS;
	char			*text, *n;
	size_t			 i, nl, bl, k;

	for (i = 0; anchors != NULL && i < ldns_rr_list_rr_count(anchors);
	    i++) {
		o = ldns_rr_owner(ldns_rr_list_rr(anchors, i));
		if ((ldns_dname_compare(o, name) == 0 ||
		    ldns_dname_is_subdomain(name, o)) && (best == NULL ||
		    ldns_dname_label_count(o) > ldns_dname_label_count(best)))
			best = o;
	}
	if (best == NULL) {
		n = dnssec_name(name);
		free(*why);
		*why = xprintf("no trust anchor covers %s", n);
		free(n);
		return DNSSEC_INSECURE;
	}
	nl = ldns_dname_label_count(name);
	bl = ldns_dname_label_count(best);
	for (k = bl + 1; k <= nl; k++) {
		if ((c = ldns_dname_clone_from(name, nl - k)) == NULL)
			fatal("ldns: out of memory");
		text = dnssec_name(c);
		st = dns_query_pkt(d, text, DNS_DS, &a, &pkt);
		if (st != DNS_OK && st != DNS_NODATA && st != DNS_NXDOMAIN) {
			free(*why);
			*why = xprintf("the DS lookup for %s failed (%s%s%s)",
			    text, dns_status_name(st), a.why != NULL ? ": " :
			    "", a.why != NULL ? a.why : "");
			ret = DNSSEC_FAILED;
		} else if (st != DNS_OK && dnssec_unsigned_cut(d, pkt, c)) {
			free(*why);
			*why = xprintf("%s is delegated without DS (unsigned)",
			    text);
			ret = DNSSEC_INSECURE;
		}
		dns_answer_free(&a);
		ldns_pkt_free(pkt);
		ldns_rdf_deep_free(c);
		free(text);
		if (ret != DNSSEC_BOGUS)
			return ret;
	}
	return DNSSEC_BOGUS;
}

/* Is the NODATA or NXDOMAIN in pkt for name and type proven? */
static enum dnssec_state
dnssec_denial(struct dns *d, ldns_pkt *pkt, const ldns_rdf *qname,
    ldns_rr_type type, int *nosig, char **why)
{
	ldns_rr_list		*auth = ldns_pkt_authority(pkt), *nsec, *nsec3;
	ldns_rr_list		*sigs;
	ldns_rr			*q;
	ldns_status		 st;
	enum dnssec_state	 ret;
	char			*n, *t;

	nsec = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC,
	    LDNS_SECTION_AUTHORITY);
	nsec3 = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC3,
	    LDNS_SECTION_AUTHORITY);
	sigs = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_RRSIG,
	    LDNS_SECTION_AUTHORITY);
	if (nsec == NULL && nsec3 == NULL) {
		*nosig = 1;
		ret = DNSSEC_INSECURE;
		goto out;
	}
	if ((ret = dnssec_verify_section(d, auth, 1, nosig, why)) !=
	    DNSSEC_SECURE || *nosig)
		goto out;
	if ((q = ldns_rr_new()) == NULL)
		fatal("ldns: out of memory");
	ldns_rr_set_owner(q, ldns_rdf_clone(qname));
	ldns_rr_set_type(q, type);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	if (nsec != NULL)
		st = ldns_dnssec_verify_denial(q, nsec, sigs);
	else
		st = ldns_dnssec_verify_denial_nsec3(q, nsec3, sigs,
		    ldns_pkt_get_rcode(pkt), type,
		    ldns_pkt_get_rcode(pkt) == LDNS_RCODE_NOERROR);
	ldns_rr_free(q);
	if (st != LDNS_STATUS_OK) {
		n = dnssec_name(qname);
		t = dnssec_type(type);
		free(*why);
		*why = xprintf("the denial of %s %s is not proven: %s", n, t,
		    ldns_get_errorstr_by_id(st));
		free(t);
		free(n);
		ret = DNSSEC_BOGUS;
	}
out:
	ldns_rr_list_deep_free(nsec);
	ldns_rr_list_deep_free(nsec3);
	ldns_rr_list_deep_free(sigs);
	return ret;
}

/* Look up and validate. */
enum dnssec_state
dnssec_query(struct dns *d, const char *name, enum dns_type type,
    struct dns_answer *out, char **why)
{
	ldns_pkt		*pkt = NULL;
	const ldns_rr_list	*q;
	const ldns_rdf		*qname;
	enum dns_status		 st;
	enum dnssec_state	 ret;
	int			 nosig = 0;
	char			*t;

	*why = NULL;
	st = dns_query_pkt(d, name, type, out, &pkt);
	if (pkt == NULL) {
		*why = xprintf("%s%s%s", dns_status_name(st), out->why != NULL ?
		    ": " : "", out->why != NULL ? out->why : "");
		return DNSSEC_FAILED;
	}
	if (!dnssec_enabled(d)) {
		ldns_pkt_free(pkt);
		*why = xstrdup("no trust anchor is configured");
		return DNSSEC_INSECURE;
	}
	q = ldns_pkt_question(pkt);
	if (q == NULL || ldns_rr_list_rr_count(q) != 1) {
		ldns_pkt_free(pkt);
		*why = xprintf("the answer for %s has no question", name);
		return DNSSEC_BOGUS;
	}
	qname = ldns_rr_owner(ldns_rr_list_rr(q, 0));
	if (st == DNS_OK)
		ret = dnssec_verify_section(d, ldns_pkt_answer(pkt), 0,
		    &nosig, why);
	else
		ret = dnssec_denial(d, pkt, qname, (ldns_rr_type)type, &nosig,
		    why);
	if (ret == DNSSEC_SECURE && nosig) {
		ret = dnssec_insecure(d, qname, why);
		if (ret == DNSSEC_BOGUS) {
			t = dnssec_type((ldns_rr_type)type);
			free(*why);
			*why = xprintf("%s %s has no RRSIG%s, in a signed zone",
			    name, t, st == DNS_OK ? "" : " nor NSEC proof");
			free(t);
		}
	}
	ldns_pkt_free(pkt);
	if (ret == DNSSEC_SECURE) {
		free(*why);
		*why = NULL;
	}
	return ret;
}
