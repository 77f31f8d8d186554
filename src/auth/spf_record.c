/*
 * SPF record syntax (RFC 7208 4.6, 5, 6 and 12): terms, qualifiers,
 * mechanisms with their domain-specs, dual CIDR lengths and networks, and
 * modifiers. The record is parsed whole before any of it is evaluated.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "base/i18n.h"

static const struct {
	const char	*name;
	enum spf_mech	 mech;
} spf_mechs[] = {
	{ "all", SPF_M_ALL }, { "include", SPF_M_INCLUDE }, { "a", SPF_M_A },
	{ "mx", SPF_M_MX }, { "ptr", SPF_M_PTR }, { "ip4", SPF_M_IP4 },
	{ "ip6", SPF_M_IP6 }, { "exists", SPF_M_EXISTS },
};

/* Case-insensitive ASCII compare of s[0..n) with a lower-case word. */
static int
spf_word(const char *s, size_t n, const char *word)
{
	size_t	i;

	if (strlen(word) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) != word[i])
			return 0;
	return 1;
}

/* Parse a prefix length: "0" or 1-3 digits without a leading zero, at
 * most max. */
static int
spf_prefix(const char *s, size_t n, int max)
{
	int	v = 0;
	size_t	i;

	if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* A dotted quad without leading zeros (RFC 7208 ip4-network). */
static int
spf_ip4(const char *s, size_t n, unsigned char *out)
{
	size_t	i = 0, start;
	int	part, v;

	for (part = 0; part < 4; part++) {
		if (part > 0 && (i >= n || s[i++] != '.'))
			return -1;
		/* Four digits already make a bad octet: stop there, before
		 * a long run of digits overflows v. */
		for (start = i, v = 0; i < n && s[i] >= '0' && s[i] <= '9' &&
		    i - start <= 3; i++)
			v = v * 10 + (s[i] - '0');
		if (i == start || i - start > 3 || v > 255 ||
		    (s[start] == '0' && i - start > 1))
			return -1;
		out[part] = (unsigned char)v;
	}
	return i == n ? 0 : -1;
}

/* Parse ":network[/prefix]" of ip4 and ip6. */
static int
spf_parse_ip(const char *s, size_t n, struct spf_term *t, char **why)
{
	const char	*slash;
	char		 addr[64];
	size_t		 alen;
	int		 v6 = t->mech == SPF_M_IP6, *cidr;

	if (n < 2 || s[0] != ':')
		return set_cause(why, _("'%s' needs an address"), t->text);
	s++;
	n--;
	slash = memchr(s, '/', n);
	alen = slash != NULL ? (size_t)(slash - s) : n;
	cidr = v6 ? &t->cidr6 : &t->cidr4;
	if (slash != NULL && (*cidr = spf_prefix(slash + 1, n - alen - 1,
	    v6 ? 128 : 32)) == -1)
		return set_cause(why, _("bad prefix length in '%s'"), t->text);
	if (!v6 && spf_ip4(s, alen, t->net) == 0)
		return 0;
	if (v6 && alen < sizeof addr) {
		memcpy(addr, s, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET6, addr, t->net) == 1)
			return 0;
	}
	return set_cause(why, _("bad address in '%s'"), t->text);
}

/* Parse [":" domain-spec] [ip4-cidr] ["//" ip6-cidr] after a or mx, or
 * [":" domain-spec] after ptr (cidr 0). */
static int
spf_parse_target(const char *s, size_t n, struct spf_term *t, int cidr,
    char **why)
{
	size_t	end = n, d;

	for (d = end; cidr && d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9';
	    d--)
		;
	if (d < end && d >= 2 && s[d - 1] == '/' && s[d - 2] == '/') {
		if ((t->cidr6 = spf_prefix(s + d, end - d, 128)) == -1)
			return set_cause(why, _("bad IPv6 prefix length in "
			    "'%s'"), t->text);
		end = d - 2;
	}
	for (d = end; cidr && d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9';
	    d--)
		;
	if (d < end && d >= 1 && s[d - 1] == '/') {
		if ((t->cidr4 = spf_prefix(s + d, end - d, 32)) == -1)
			return set_cause(why, _("bad IPv4 prefix length in "
			    "'%s'"), t->text);
		end = d - 1;
	}
	if (end == 0)
		return 0;
	if (s[0] != ':')
		return set_cause(why, _("syntax error in '%s'"), t->text);
	t->spec = s + 1;
	t->speclen = end - 1;
	return spf_domain_spec_check(t->spec, t->speclen, why);
}

/* Parse one directive (a qualifier and a mechanism). */
static int
spf_parse_directive(char *term, struct spf_term *t, char **why)
{
	const char	*p = term;
	size_t		 n, i;
	const char	*rest;

	memset(t, 0, sizeof *t);
	t->text = term;
	t->qual = '+';
	t->cidr4 = 32;
	t->cidr6 = 128;
	if (*p != '\0' && strchr("+-~?", *p) != NULL)
		t->qual = *p++;
	n = strcspn(p, ":/");
	rest = p + n;
	for (i = 0; i < nitems(spf_mechs); i++)
		if (spf_word(p, n, spf_mechs[i].name))
			break;
	if (i == nitems(spf_mechs))
		return set_cause(why, _("unknown mechanism '%.100s'"), term);
	t->mech = spf_mechs[i].mech;
	switch (t->mech) {
	case SPF_M_ALL:
		if (*rest != '\0')
			return set_cause(why, _("syntax error in '%.100s'"),
			    term);
		return 0;
	case SPF_M_INCLUDE:
	case SPF_M_EXISTS:
		if (*rest != ':')
			return set_cause(why, "'%.100s' needs a domain", term);
		t->spec = rest + 1;
		t->speclen = strlen(t->spec);
		return spf_domain_spec_check(t->spec, t->speclen, why);
	case SPF_M_A:
	case SPF_M_MX:
		return spf_parse_target(rest, strlen(rest), t, 1, why);
	case SPF_M_PTR:
		return spf_parse_target(rest, strlen(rest), t, 0, why);
	case SPF_M_IP4:
	case SPF_M_IP6:
		return spf_parse_ip(rest, strlen(rest), t, why);
	}
	return -1;
}

/* Parse a modifier "name=value". */
static int
spf_parse_modifier(char *term, char *eq, struct spf_record *r, char **why)
{
	const char	*name = term, *value = eq + 1, *p;
	size_t		 n = (size_t)(eq - term);

	if (n == 0 || !((*name >= 'a' && *name <= 'z') ||
	    (*name >= 'A' && *name <= 'Z')))
		return set_cause(why, _("bad modifier name in '%.100s'"), term);
	for (p = name; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return set_cause(why,
			    _("bad modifier name in '%.100s'"),
			    term);
	if (spf_word(name, n, "redirect") || spf_word(name, n, "exp")) {
		if (name[0] == 'r' || name[0] == 'R') {
			if (r->redirect != NULL)
				return set_cause(why,
				    _("more than one redirect"));
			r->redirect = value;
			r->redirect_term = term;
		} else {
			if (r->exp != NULL)
				return set_cause(why, _("more than one exp"));
			r->exp = value;
		}
		return spf_domain_spec_check(value, strlen(value), why);
	}
	return spf_macro_check(value, strlen(value), SPF_MK_MODIFIER, why);
}

/* Parse a whole record ("v=spf1" already checked); -1 with *why. */
int
spf_record_parse(const char *rec, size_t len, struct spf_record *r, char **why)
{
	char	*p, *term, *eq;
	size_t	 i, cap = 0;

	memset(r, 0, sizeof *r);
	for (i = 0; i < len; i++)
		if ((unsigned char)rec[i] < 0x20 || (unsigned char)rec[i] > 0x7e)
			return set_cause(why, _("byte 0x%02x in the record "
			    "(only printable ASCII is allowed)"),
			    (unsigned char)rec[i]);
	r->text = xstrndup(rec, len);
	for (p = r->text + 6; *p != '\0'; ) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		term = p;
		p += strcspn(p, " ");
		if (*p != '\0')
			*p++ = '\0';
		eq = term + strcspn(term, ":/=");
		if (*eq == '=') {
			if (spf_parse_modifier(term, eq, r, why) == -1)
				return -1;
			continue;
		}
		if (r->n == cap) {
			cap = cap != 0 ? cap * 2 : 8;
			r->terms = xreallocarray(r->terms, cap,
			    sizeof *r->terms);
		}
		if (spf_parse_directive(term, &r->terms[r->n], why) == -1)
			return -1;
		if (r->terms[r->n].mech == SPF_M_ALL && r->all == 0)
			r->all = r->terms[r->n].qual;
		r->n++;
	}
	return 0;
}

/* Free a parsed record. */
void
spf_record_free(struct spf_record *r)
{
	free(r->text);
	free(r->terms);
}
