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
 * stripped the signatures. So is a denial without any NSEC or NSEC3.
 *
 * Only RRSIGs by the owner's zone or above count (another zone under the
 * same anchor must not sign for it). NSEC denials are checked here (RFC
 * 4035 5.4, RFC 6840 4.1): the parent's NSEC at a zone cut proves nothing
 * at or below it but the DS; NXDOMAIN needs the name and the wildcard
 * covered, NODATA the name's own NSEC (or a wildcard's, or an empty
 * non-terminal's). A wildcard expansion needs its proof of no closer name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "dnssec.h"
#include "base/util.h"
#include "base/i18n.h"

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

/* Is name equal to or below zone? */
static int
dnssec_at_or_below(const ldns_rdf *name, const ldns_rdf *zone)
{
	return ldns_dname_compare(name, zone) == 0 ||
	    ldns_dname_is_subdomain(name, zone);
}

/*
 * May this RRSIG sign records of owner? Its signer must be the owner or an
 * ancestor of it (else anyone with a signed zone under the anchor could sign
 * any name), and its labels field no more than the owner's labels, a leading
 * wildcard not counted (RFC 4035 5.3.1).
 */
int
dnssec_sig_fits(const ldns_rr *sig, const ldns_rdf *owner)
{
	const ldns_rdf	*signer = ldns_rr_rrsig_signame(sig);
	const ldns_rdf	*labels = ldns_rr_rrsig_labels(sig);
	size_t		 n = ldns_dname_label_count(owner);

	if (signer == NULL || labels == NULL ||
	    ldns_rdf_get_type(signer) != LDNS_RDF_TYPE_DNAME)
		return 0;
	if (ldns_dname_is_wildcard(owner))
		n--;
	if (ldns_rdf2native_int8(labels) > n)
		return 0;
	return dnssec_at_or_below(owner, signer);
}

/* The RRSIGs of a list that cover owner and type (clones). */
static ldns_rr_list *
dnssec_sigs(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list	*out = ldns_rr_list_new();
	const ldns_rr	*rr;
	size_t		 i;

	if (out == NULL)
		fatal(NT("ldns: out of memory"));
	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_rrsig_typecovered(rr) == NULL ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != type ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0 ||
		    !dnssec_sig_fits(rr, owner))
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
		fatal(NT("ldns: out of memory"));
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
		*why = xprintf(NT("the RRSIG of %s %s does not verify: %s"), n,
		    t,
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

/* The closest common ancestor of a and b (allocated). */
static ldns_rdf *
dnssec_common(const ldns_rdf *a, const ldns_rdf *b)
{
	ldns_rdf	*c;
	size_t		 la = ldns_dname_label_count(a), k;

	for (k = 0; k <= la; k++) {
		if ((c = ldns_dname_clone_from(a, (uint16_t)k)) == NULL)
			fatal(NT("ldns: out of memory"));
		if (dnssec_at_or_below(b, c))
			return c;
		ldns_rdf_deep_free(c);
	}
	if ((c = ldns_dname_new_frm_str(".")) == NULL)
		fatal(NT("ldns: out of memory"));
	return c;
}

/* *.name (allocated). */
static ldns_rdf *
dnssec_wildcard(const ldns_rdf *name)
{
	ldns_rdf	*w;

	if ((w = ldns_dname_new_frm_str("*")) == NULL ||
	    ldns_dname_cat(w, name) != LDNS_STATUS_OK)
		fatal(NT("ldns: out of memory"));
	return w;
}

/*
 * May this NSEC speak about qname? One at a delegation (NS without SOA)
 * comes from the parent side of the cut: it says nothing about the names
 * at or below the cut, but for the DS at the cut itself; nor does one with
 * DNAME about the names below it (RFC 4035 5.4, RFC 6840 4.1).
 */
static int
dnssec_nsec_usable(const ldns_rr *nsec, const ldns_rdf *qname,
    ldns_rr_type type)
{
	const ldns_rdf	*bm = ldns_nsec_get_bitmap(nsec);
	const ldns_rdf	*o = ldns_rr_owner(nsec);

	if (bm == NULL || ldns_rr_rdf(nsec, 0) == NULL)
		return 0;
	if (ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
	    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA) &&
	    dnssec_at_or_below(qname, o) &&
	    !(type == LDNS_RR_TYPE_DS && ldns_dname_compare(qname, o) == 0))
		return 0;
	if (ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_DNAME) &&
	    ldns_dname_is_subdomain(qname, o))
		return 0;
	return 1;
}

/* Does the NSEC's span hold name strictly between its owner and its next
 * name (the last NSEC's next name is the apex: all later names of the
 * zone)? */
static int
dnssec_nsec_covers(const ldns_rr *nsec, const ldns_rdf *name)
{
	const ldns_rdf	*o = ldns_rr_owner(nsec), *next = ldns_rr_rdf(nsec, 0);

	if (next == NULL || ldns_dname_compare(o, name) >= 0)
		return 0;
	if (ldns_dname_compare(o, next) < 0)
		return ldns_dname_compare(name, next) < 0;
	return dnssec_at_or_below(name, next);	/* the last one */
}

/* A usable NSEC of l for qname and type with owner name (match) or covering
 * name (!match), NULL if none. */
static const ldns_rr *
dnssec_nsec_find(const ldns_rr_list *l, const ldns_rdf *qname,
    ldns_rr_type type, const ldns_rdf *name, int match)
{
	const ldns_rr	*rr;
	size_t		 i;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC ||
		    !dnssec_nsec_usable(rr, qname, type))
			continue;
		if (match ? ldns_dname_compare(ldns_rr_owner(rr), name) == 0 :
		    dnssec_nsec_covers(rr, name))
			return rr;
	}
	return NULL;
}

/* Does a matching NSEC deny type (and CNAME) at its owner? */
static int
dnssec_nsec_notype(const ldns_rr *nsec, ldns_rr_type type)
{
	const ldns_rdf	*bm = ldns_nsec_get_bitmap(nsec);

	return !ldns_nsec_bitmap_covers_type(bm, type) &&
	    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_CNAME);
}

/*
 * Do the NSEC records of l (their signatures checked elsewhere) prove that
 * qname does not exist (nx: NXDOMAIN) or has no type (NODATA)? NULL if
 * they do, else why not (static). RFC 4035 5.4, RFC 6840 4.1 and 4.3.
 */
const char *
dnssec_nsec_proof(const ldns_rr_list *l, const ldns_rdf *qname,
    ldns_rr_type type, int nx)
{
	const ldns_rr	*m, *cov, *wm;
	ldns_rdf	*ce, *c2, *w;
	const char	*why = NULL;

	m = dnssec_nsec_find(l, qname, type, qname, 1);
	cov = dnssec_nsec_find(l, qname, type, qname, 0);
	if (m != NULL) {
		if (nx)
			return NT("an NSEC shows the name exists");
		return dnssec_nsec_notype(m, type) ? NULL :
		    NT("the NSEC of the name lists the type");
	}
	if (cov == NULL)
		return NT("no NSEC matches or covers the name");
	/* An empty non-terminal: the next name is below qname. */
	if (ldns_dname_is_subdomain(ldns_rr_rdf(cov, 0), qname))
		return nx ? NT("an NSEC shows the name exists (empty "
		    "non-terminal)") :
		    NULL;
	/* qname does not exist; the closest encloser is the longer of its
	 * common ancestors with the NSEC's owner and next name. */
	ce = dnssec_common(qname, ldns_rr_owner(cov));
	c2 = dnssec_common(qname, ldns_rr_rdf(cov, 0));
	if (ldns_dname_label_count(c2) > ldns_dname_label_count(ce)) {
		ldns_rdf_deep_free(ce);
		ce = c2;
	} else
		ldns_rdf_deep_free(c2);
	w = dnssec_wildcard(ce);
	wm = dnssec_nsec_find(l, qname, type, w, 1);
	if (nx) {
		if (wm != NULL)
			why = NT("an NSEC shows the wildcard exists");
		else if (dnssec_nsec_find(l, qname, type, w, 0) == NULL)
			why = NT("no NSEC covers the wildcard");
	} else if (wm == NULL)
		why = NT("NODATA without an NSEC of the name");
	else if (!dnssec_nsec_notype(wm, type))
		why = NT("the NSEC of the wildcard lists the type");
	ldns_rdf_deep_free(w);
	ldns_rdf_deep_free(ce);
	return why;
}

/* The hashed NSEC3 owner of name in the zone of nsec3 (allocated), NULL
 * if it cannot be made. */
static ldns_rdf *
dnssec_nsec3_name(const ldns_rr *nsec3, const ldns_rdf *name)
{
	ldns_rdf	*h, *zone;

	if ((h = ldns_nsec3_hash_name_frm_nsec3(nsec3, name)) == NULL)
		return NULL;
	if ((zone = ldns_dname_left_chop(ldns_rr_owner(nsec3))) == NULL ||
	    ldns_dname_cat(h, zone) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(zone);
		ldns_rdf_deep_free(h);
		return NULL;
	}
	ldns_rdf_deep_free(zone);
	return h;
}

/* The NSEC3 of l matching (match) or covering (!match) name, NULL if
 * none. */
static const ldns_rr *
dnssec_nsec3_find(const ldns_rr_list *l, const ldns_rdf *name, int match)
{
	const ldns_rr	*rr;
	ldns_rdf	*h;
	size_t		 i;
	int		 eq;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 ||
		    (h = dnssec_nsec3_name(rr, name)) == NULL)
			continue;
		eq = ldns_dname_compare(h, ldns_rr_owner(rr)) == 0;
		if (match ? eq : (!eq && ldns_nsec_covers_name(rr, h))) {
			ldns_rdf_deep_free(h);
			return rr;
		}
		ldns_rdf_deep_free(h);
	}
	return NULL;
}

/*
 * Do the NSEC3 records of l, a DS denial for c, show a delegation without
 * DS? The NSEC3 matching c must have NS, neither SOA (the child's apex
 * NSEC3 says nothing about its DS) nor DS nor CNAME; without one, an
 * opt-out NSEC3 must cover the next closer name of c's closest provable
 * encloser (RFC 5155 8.6). Pure: signatures are checked elsewhere.
 */
int
dnssec_nsec3_unsigned(const ldns_rr_list *l, const ldns_rdf *c)
{
	const ldns_rr	*m, *cov;
	const ldns_rdf	*bm;
	ldns_rdf	*ce, *nc;
	size_t		 n;

	if ((m = dnssec_nsec3_find(l, c, 1)) != NULL) {
		bm = ldns_nsec3_bitmap(m);
		return bm != NULL &&
		    ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_DS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_CNAME);
	}
	/* The closest provable encloser: the longest ancestor with a
	 * matching NSEC3. */
	n = ldns_dname_label_count(c);
	for (ce = NULL; n > 0; n--) {
		if ((nc = ldns_dname_clone_from(c, (uint16_t)(
		    ldns_dname_label_count(c) - n + 1))) == NULL)
			fatal(NT("ldns: out of memory"));
		if (dnssec_nsec3_find(l, nc, 1) != NULL) {
			ce = nc;
			break;
		}
		ldns_rdf_deep_free(nc);
	}
	if (ce == NULL)
		return 0;
	/* The next closer name: one label more than ce. */
	nc = ldns_dname_clone_from(c, (uint16_t)(ldns_dname_label_count(c) -
	    ldns_dname_label_count(ce) - 1));
	ldns_rdf_deep_free(ce);
	if (nc == NULL)
		fatal(NT("ldns: out of memory"));
	cov = dnssec_nsec3_find(l, nc, 0);
	ldns_rdf_deep_free(nc);
	return cov != NULL && ldns_nsec3_optout(cov);
}

/* Do the validated NSEC or NSEC3 records of a DS denial for c show a
 * delegation without DS (or an opt-out span over it)? An NSEC must be the
 * parent's, at c: NS, no SOA (the child's apex), no DS. */
static int
dnssec_unsigned_cut(struct dns *d, ldns_pkt *pkt, ldns_rdf *c)
{
	ldns_rr_list	*auth = ldns_pkt_authority(pkt), *nsec3;
	ldns_rr		*rr;
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
	if (dnssec_nsec3_unsigned(nsec3, c) &&
	    dnssec_verify_section(d, auth, 1, &nosig, &why) == DNSSEC_SECURE &&
	    !nosig)
		cut = 1;
	free(why);
	ldns_rr_list_deep_free(nsec3);
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
		*why = xprintf(NT("no trust anchor covers %s"), n);
		free(n);
		return DNSSEC_INSECURE;
	}
	nl = ldns_dname_label_count(name);
	bl = ldns_dname_label_count(best);
	for (k = bl + 1; k <= nl; k++) {
		if ((c = ldns_dname_clone_from(name, nl - k)) == NULL)
			fatal(NT("ldns: out of memory"));
		text = dnssec_name(c);
		st = dns_query_pkt(d, text, DNS_DS, &a, &pkt);
		if (st != DNS_OK && st != DNS_NODATA && st != DNS_NXDOMAIN) {
			free(*why);
			*why = xprintf(NT("the DS lookup for %s failed "
			    "(%s%s%s)"), text, dns_status_name(st), a.why !=
			    NULL ? ": " : "", a.why != NULL ? a.why : "");
			ret = DNSSEC_FAILED;
		} else if (st != DNS_OK && dnssec_unsigned_cut(d, pkt, c)) {
			free(*why);
			*why = xprintf(NT("%s is delegated without DS "
			    "(unsigned)"),
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
	ldns_rr			*q, *match = NULL;
	const ldns_rdf		*bm;
	ldns_status		 st;
	enum dnssec_state	 ret;
	const char		*reason;
	char			*n, *t;
	int			 nx = ldns_pkt_get_rcode(pkt) == LDNS_RCODE_NXDOMAIN;

	nsec = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC,
	    LDNS_SECTION_AUTHORITY);
	nsec3 = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC3,
	    LDNS_SECTION_AUTHORITY);
	sigs = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_RRSIG,
	    LDNS_SECTION_AUTHORITY);
	if (nsec == NULL && nsec3 == NULL) {
		/* Unsigned, or stripped: dnssec_query asks which. */
		*nosig = 1;
		ret = DNSSEC_SECURE;
		goto out;
	}
	if ((ret = dnssec_verify_section(d, auth, 1, nosig, why)) !=
	    DNSSEC_SECURE || *nosig)
		goto out;
	if (nsec != NULL) {
		if ((reason = dnssec_nsec_proof(nsec, qname, type, nx)) == NULL)
			goto out;
		n = dnssec_name(qname);
		t = dnssec_type(type);
		free(*why);
		*why = xprintf(NT("the denial of %s %s is not proven: %s"), n,
		    t,
		    reason);
		free(t);
		free(n);
		ret = DNSSEC_BOGUS;
		goto out;
	}
	if ((q = ldns_rr_new()) == NULL)
		fatal(NT("ldns: out of memory"));
	ldns_rr_set_owner(q, ldns_rdf_clone(qname));
	ldns_rr_set_type(q, type);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	st = ldns_dnssec_verify_denial_nsec3_match(q, nsec3, sigs,
	    ldns_pkt_get_rcode(pkt), type, !nx, &match);
	/* NODATA from the parent side of a delegation says nothing about
	 * the names at the cut but its DS (RFC 5155 8.5, 8.6). */
	if (st == LDNS_STATUS_OK && !nx && match != NULL &&
	    type != LDNS_RR_TYPE_DS && (bm = ldns_nsec3_bitmap(match)) != NULL &&
	    ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
	    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA))
		st = LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
	ldns_rr_free(q);
	if (st != LDNS_STATUS_OK) {
		n = dnssec_name(qname);
		t = dnssec_type(type);
		free(*why);
		*why = xprintf(NT("the denial of %s %s is not proven: %s"), n,
		    t,
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

/*
 * A positive answer expanded from a wildcard (an RRSIG with fewer labels
 * than its owner) holds only with the proof, in the authority section,
 * that no closer name exists: a validated NSEC or NSEC3 covering the next
 * closer name (RFC 4035 5.3.4, RFC 5155 8.8). Else a wildcard's records
 * could stand in for a name that has others.
 */
static enum dnssec_state
dnssec_wildcard_proof(struct dns *d, ldns_pkt *pkt, char **why)
{
	ldns_rr_list	*ans = ldns_pkt_answer(pkt), *auth;
	const ldns_rr	*rr;
	const ldns_rdf	*owner;
	ldns_rdf	*nc;
	size_t		 i, n, labels;
	int		 need = 0, ok, nosig = 0;
	char		*s;

	auth = ldns_pkt_authority(pkt);
	for (i = 0; ans != NULL && i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		owner = ldns_rr_owner(rr);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    !dnssec_sig_fits(rr, owner))
			continue;
		n = ldns_dname_label_count(owner);
		labels = ldns_rdf2native_int8(ldns_rr_rrsig_labels(rr));
		if (ldns_dname_is_wildcard(owner) || labels >= n)
			continue;
		if ((nc = ldns_dname_clone_from(owner,
		    (uint16_t)(n - labels - 1))) == NULL)
			fatal(NT("ldns: out of memory"));
		ok = dnssec_nsec_find(auth, nc, LDNS_RR_TYPE_ANY, nc, 0) !=
		    NULL || dnssec_nsec3_find(auth, nc, 0) != NULL;
		ldns_rdf_deep_free(nc);
		if (!ok) {
			s = dnssec_name(owner);
			free(*why);
			*why = xprintf(NT("%s is expanded from a wildcard "
			    "without proof that no closer name exists"), s);
			free(s);
			return DNSSEC_BOGUS;
		}
		need = 1;
	}
	if (need && (dnssec_verify_section(d, auth, 1, &nosig, why) !=
	    DNSSEC_SECURE || nosig)) {
		if (nosig) {
			free(*why);
			*why = xstrdup(NT("the proof that no closer name than "
			    "the wildcard exists is not signed"));
		}
		return DNSSEC_BOGUS;
	}
	return DNSSEC_SECURE;
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
		*why = xstrdup(NT("no trust anchor is configured"));
		return DNSSEC_INSECURE;
	}
	q = ldns_pkt_question(pkt);
	if (q == NULL || ldns_rr_list_rr_count(q) != 1) {
		ldns_pkt_free(pkt);
		*why = xprintf(NT("the answer for %s has no question"), name);
		return DNSSEC_BOGUS;
	}
	qname = ldns_rr_owner(ldns_rr_list_rr(q, 0));
	if (st == DNS_OK) {
		ret = dnssec_verify_section(d, ldns_pkt_answer(pkt), 0,
		    &nosig, why);
		if (ret == DNSSEC_SECURE && !nosig)
			ret = dnssec_wildcard_proof(d, pkt, why);
	} else
		ret = dnssec_denial(d, pkt, qname, (ldns_rr_type)type, &nosig,
		    why);
	if (ret == DNSSEC_SECURE && nosig) {
		ret = dnssec_insecure(d, qname, why);
		if (ret == DNSSEC_BOGUS) {
			t = dnssec_type((ldns_rr_type)type);
			free(*why);
			*why = xprintf(NT("%s %s has no RRSIG of its zone%s, "
			    "in a signed zone"),
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
