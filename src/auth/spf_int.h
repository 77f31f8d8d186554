/*
 * SPF internals shared by spf.c, spf_record.c (record syntax) and
 * spf_macro.c (the macro language of RFC 7208 section 7 and the
 * domain-spec syntax), and by the unit tests.
 */
#ifndef HERALD_SPF_INT_H
#define HERALD_SPF_INT_H

#include <stddef.h>

#include "base/util.h"

#define SPF_EXPAND_MAX	8192	/* bytes one expansion may produce */
#define SPF_DOMAIN_MAX	253	/* a domain name in text form */

/* Where a macro-string stands, which decides what it may contain. */
enum spf_mkind {
	SPF_MK_DOMAIN,		/* domain-spec: no c, r, t; no spaces */
	SPF_MK_MODIFIER,	/* an unknown modifier's value: no spaces */
	SPF_MK_EXP,		/* explanation text: every letter, spaces */
};

/* The values the macro letters stand for (RFC 7208 7.2). */
struct spf_macros {
	const char	*s, *l, *o, *d, *i, *c, *v, *h, *r, *t;
	/* p needs DNS lookups: asked for only when a macro uses it. */
	const char	*(*p)(void *arg, const char *d);
	void		*arg;
};

/* The mechanisms. */
enum spf_mech {
	SPF_M_ALL, SPF_M_INCLUDE, SPF_M_A, SPF_M_MX, SPF_M_PTR, SPF_M_IP4,
	SPF_M_IP6, SPF_M_EXISTS,
};

/* One mechanism of a parsed record. */
struct spf_term {
	const char	*text;		/* as written (NUL-terminated) */
	char		 qual;		/* '+', '-', '~', '?' */
	enum spf_mech	 mech;
	const char	*spec;		/* domain-spec, NULL: current domain */
	size_t		 speclen;
	int		 cidr4, cidr6;	/* prefix lengths */
	unsigned char	 net[16];	/* ip4 / ip6 network */
};

/* A parsed record; every pointer points into text. */
struct spf_record {
	char		*text;		/* the record, terms NUL-separated */
	struct spf_term	*terms;
	size_t		 n;
	const char	*redirect, *redirect_term, *exp;
	char		 all;		/* qualifier of "all", 0 if none */
};

/* Parse a record that starts with "v=spf1" (checked by the caller):
 * -1 with *why on any syntax error (RFC 7208 4.6: anywhere in it). */
int	 spf_record_parse(const char *rec, size_t len, struct spf_record *,
	    char **why);
void	 spf_record_free(struct spf_record *);

/* Check macro-string syntax; -1 with *why (allocated) if invalid. */
int	 spf_macro_check(const char *s, size_t len, enum spf_mkind,
	    char **why);
/* Check a domain-spec: macro-string syntax and the domain-end rule. */
int	 spf_domain_spec_check(const char *s, size_t len, char **why);
/* Is s[0..len) a toplabel (RFC 7208 7.1)? */
int	 spf_toplabel_ok(const char *s, size_t len);
/* Append the expansion of s[0..len) to out; -1 with *why on a syntax
 * error or when the result would pass SPF_EXPAND_MAX. */
int	 spf_macro_expand(const struct spf_macros *, const char *s, size_t len,
	    enum spf_mkind, struct buf *out, char **why);
/* Make an expanded domain-spec a query name (RFC 7208 7.3): drop one
 * trailing dot, then labels from the left until it fits 253 bytes. */
void	 spf_domain_fit(struct buf *);

#endif
