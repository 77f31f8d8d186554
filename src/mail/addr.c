/*
 * Mailboxes: RFC 5321 validation and normalisation.
 *
 * The local part is a dot-atom or a quoted string and is kept as written;
 * the domain is LDH labels (lower-cased) or an address literal. A domain
 * written in Unicode is converted to its A-labels by libidn2 (UTS #46
 * non-transitional processing), which knows the IDNA 2008 tables we would
 * otherwise have to carry. Every rejection has a short static reason.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <idn2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "base/i18n.h"
#include "base/utf8.h"

/* Input longer than this cannot be an address; refused before any work. */
#define ADDR_INPUT_MAX	1024

static const char addr_smtputf8[] =
    N_("non-ASCII local part (SMTPUTF8) is not supported");

/* Is c an RFC 5321 atext character? */
static int
addr_is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '/': case '=': case '?':
	case '^': case '_': case '`': case '{': case '|': case '}':
	case '~':
		return (1);
	}
	return (0);
}

/* Is c a letter, digit or hyphen? */
static int
addr_is_ldh(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-');
}

/* Lower-case one ASCII character. */
static char
addr_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c + ('a' - 'A'));
	return (c);
}

/*
 * The reason a character c outside the quoted/atext sets is refused. A
 * printable one is named; the buffer is per thread, as workers parse too.
 */
static const char *
addr_bad_char(unsigned char c, int domain)
{
	static _Thread_local char	 why[128];

	if (c >= 0x80)
		return (domain ? _("invalid character in domain") :
		    _(addr_smtputf8));
	if (c < 0x20 || c == 0x7f)
		return (domain ? _("control character in domain") :
		    _("control character in local part"));
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.')
		return (domain ? _("invalid character in domain") :
		    _("invalid character in local part"));
	if (domain)
		snprintf(why, sizeof why, _("invalid character '%c' in domain"),
		    c);
	else
		snprintf(why, sizeof why,
		    _("invalid character '%c' in local part"), c);
	return (why);
}

/* Find the end of a quoted local part starting at s[0] == '"'; -1 if open. */
static ssize_t
addr_quoted_end(const char *s, size_t len)
{
	size_t	i;

	for (i = 1; i < len; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			return ((ssize_t)i);
	}
	return (-1);
}

/* Check a quoted-string local part s[0..len), quotes included. */
static const char *
addr_check_quoted(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 1; i + 1 < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\\') {
			i++;
			c = (unsigned char)s[i];
			if (i + 1 >= len)
				return (_("unterminated quoted local part"));
		}
		if (c >= 0x80)
			return (_(addr_smtputf8));
		if (c < 0x20 || c == 0x7f)
			return (_("control character in quoted local part"));
	}
	return (NULL);
}

/* Check a dot-atom local part s[0..len). */
static const char *
addr_check_atom(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	if (s[0] == '.')
		return (_("local part starts with a dot"));
	if (s[len - 1] == '.')
		return (_("local part ends with a dot"));
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return (_("consecutive dots in local part"));
			continue;
		}
		if (!addr_is_atext(c))
			return (addr_bad_char(c, 0));
	}
	return (NULL);
}

/* Strict dotted-quad IPv4 (RFC 5321 Snum: 1-3 digits, 0-255). */
static int
addr_ipv4(const char *s, size_t len)
{
	size_t	i = 0;
	int	part, digits, v;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return (-1);
			i++;
		}
		digits = v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			v = v * 10 + (s[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || v > 255)
			return (-1);
	}
	return (i == len ? 0 : -1);
}

/* Check and normalise an address literal d[0..len) ("[...]") into out. */
static const char *
addr_literal(const char *d, size_t len, char *out, size_t *outlen)
{
	const char	*in = d + 1;
	size_t		 inlen, i;
	char		 tmp[64];
	struct in6_addr	 a6;

	if (len < 2 || d[len - 1] != ']')
		return (_("unterminated address literal"));
	/* inet_pton would stop at a NUL and the copy below keep it. */
	if (memchr(d, '\0', len) != NULL)
		return (_("control character in domain"));
	inlen = len - 2;
	if (inlen >= 5 && strncasecmp(in, "IPv6:", 5) == 0) {
		if (inlen - 5 >= sizeof tmp)
			return (_("invalid IPv6 address literal"));
		memcpy(tmp, in + 5, inlen - 5);
		tmp[inlen - 5] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1)
			return (_("invalid IPv6 address literal"));
		memcpy(out, "[IPv6:", 6);
		for (i = 0; i < inlen - 5; i++)
			out[6 + i] = addr_lower(tmp[i]);
		out[6 + i] = ']';
		*outlen = inlen + 2;
		return (NULL);
	}
	if (memchr(in, ':', inlen) != NULL)
		return (_("unsupported address literal"));
	if (addr_ipv4(in, inlen) != 0)
		return (_("invalid IPv4 address literal"));
	memcpy(out, d, len);
	*outlen = len;
	return (NULL);
}

/* Check an ASCII domain d[0..len) and write it lower-cased to out. */
static const char *
addr_check_domain(const char *d, size_t len, char *out)
{
	size_t		i, label = 0, dots = 0, tld = 0;
	int		tld_digits = 1;
	unsigned char	c;

	if (len > ADDR_DOMAIN_MAX)
		return (_("domain longer than 255 characters"));
	if (d[0] == '.')
		return (_("domain starts with a dot"));
	if (d[len - 1] == '.')
		return (_("domain ends with a dot"));
	for (i = 0; i < len; i++) {
		c = (unsigned char)d[i];
		if (c == '.') {
			if (d[i + 1] == '.')
				return (_("consecutive dots in domain"));
			if (d[i - 1] == '-')
				return (_("domain label ends with a hyphen"));
			out[i] = '.';
			dots++;
			label = 0;
			tld_digits = 1;
			continue;
		}
		if (c == '@')
			return (_("more than one @"));
		if (!addr_is_ldh(c))
			return (addr_bad_char(c, 1));
		if (c == '-' && label == 0)
			return (_("domain label starts with a hyphen"));
		if (++label > 63)
			return (_("domain label longer than 63 characters"));
		if (c < '0' || c > '9')
			tld_digits = 0;
		tld = label;
		out[i] = addr_lower((char)c);
	}
	if (d[len - 1] == '-')
		return (_("domain label ends with a hyphen"));
	if (dots == 0)
		return (_("domain has no dot"));
	if (tld_digits && tld > 0)
		return (_("top-level domain is numeric (write an IP as [1.2.3.4])"));
	return (NULL);
}

/* Convert a Unicode domain to A-labels with libidn2, then check it. */
static const char *
addr_idn_domain(const char *d, size_t len, char *out, size_t *outlen)
{
	char		 tmp[ADDR_INPUT_MAX + 1], *ace;
	const char	*reason;
	int		 rc;

	/* libidn2 reads a C string: a NUL would end the domain early. */
	if (memchr(d, '\0', len) != NULL)
		return (_("control character in domain"));
	memcpy(tmp, d, len);
	tmp[len] = '\0';
	rc = idn2_to_ascii_8z(tmp, &ace, IDN2_NONTRANSITIONAL);
	switch (rc) {
	case IDN2_OK:
		break;
	case IDN2_TOO_BIG_LABEL:
		return (_("domain label longer than 63 characters"));
	case IDN2_TOO_BIG_DOMAIN:
		return (_("domain longer than 255 characters"));
	case IDN2_ENCODING_ERROR:
		return (_("invalid UTF-8 in domain"));
	case IDN2_DISALLOWED:
		return (_("disallowed character in international domain name"));
	default:
		return (_("invalid international domain name"));
	}
	*outlen = strlen(ace);
	if (*outlen == 0)
		reason = _("missing domain");
	else
		reason = addr_check_domain(ace, *outlen, out);
	idn2_free(ace);
	return (reason);
}

/* Validate and normalise an address; see addr.h. */
int
addr_normalise(const char *s, size_t len, char *out, const char **reason)
{
	const char	*local, *dom, *why;
	char		 dbuf[ADDR_DOMAIN_MAX + 1];
	size_t		 llen, dlen, olen = 0, i;
	ssize_t		 q;
	int		 ascii;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		*reason = _("empty address");
		return (-1);
	}
	if (len > ADDR_INPUT_MAX) {
		*reason = _("address longer than 254 characters");
		return (-1);
	}

	/* Split at the @ after the local part (which may be quoted). */
	local = s;
	if (s[0] == '"') {
		if ((q = addr_quoted_end(s, len)) == -1) {
			*reason = _("unterminated quoted local part");
			return (-1);
		}
		llen = (size_t)q + 1;
		if (llen == len) {
			*reason = _("missing @");
			return (-1);
		}
		if (s[llen] != '@') {
			*reason = _("text after quoted local part");
			return (-1);
		}
	} else {
		dom = memchr(s, '@', len);
		if (dom == NULL) {
			*reason = _("missing @");
			return (-1);
		}
		llen = dom - s;
	}
	dom = s + llen + 1;
	dlen = len - llen - 1;

	if (llen == 0) {
		*reason = _("empty local part");
		return (-1);
	}
	if (local[0] == '"')
		why = addr_check_quoted(local, llen);
	else
		why = addr_check_atom(local, llen);
	if (why != NULL) {
		*reason = why;
		return (-1);
	}
	if (llen > ADDR_LOCAL_MAX) {
		*reason = _("local part longer than 64 characters");
		return (-1);
	}

	if (dlen == 0) {
		*reason = _("missing domain");
		return (-1);
	}
	ascii = 1;
	for (i = 0; i < dlen; i++) {
		if ((unsigned char)dom[i] >= 0x80) {
			ascii = 0;
			break;
		}
	}
	if (dom[0] == '[')
		why = addr_literal(dom, dlen, dbuf, &olen);
	else if (ascii) {
		why = addr_check_domain(dom, dlen, dbuf);
		olen = dlen;
	} else if (memchr(dom, '@', dlen) != NULL)
		why = _("more than one @");
	else
		why = addr_idn_domain(dom, dlen, dbuf, &olen);
	if (why != NULL) {
		*reason = why;
		return (-1);
	}

	if (llen + 1 + olen > ADDR_MAX) {
		*reason = _("address longer than 254 characters");
		return (-1);
	}
	memcpy(out, local, llen);
	out[llen] = '@';
	memcpy(out + llen + 1, dbuf, olen);
	out[llen + 1 + olen] = '\0';
	*reason = NULL;
	return (0);
}

/* Scan for c outside double quotes in s[from..len); -1 if absent. */
static ssize_t
addr_find_unquoted(const char *s, size_t from, size_t len, char c)
{
	size_t	i;
	int	quoted = 0;

	for (i = from; i < len; i++) {
		if (quoted && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == c)
			return ((ssize_t)i);
	}
	return (-1);
}

/*
 * Copy a display name into name[ADDR_NAME_MAX + 1]; see addr.h. With
 * unquote, quoted parts lose their quotes and backslashes.
 */
const char *
addr_clean_name(const char *s, size_t len, char *name, int unquote)
{
	size_t		i, o = 0, bad;
	int		quoted = 0, space = 0;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (unquote && c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && c == '\\' && i + 1 < len)
			c = (unsigned char)s[++i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = (o > 0);
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return (_("control character in name"));
		if (o + space + 1 > ADDR_NAME_MAX)
			return (_("name longer than 256 bytes"));
		if (space)
			name[o++] = ' ';
		space = 0;
		name[o++] = (char)c;
	}
	if (quoted)
		return (_("unterminated quote in name"));
	name[o] = '\0';
	if (!utf8_valid(name, o, &bad))
		return (_("invalid UTF-8 in name"));
	return (NULL);
}

/* Parse "a@b", "Name <a@b>", "\"Doe, Jane\" <a@b>" or "<a@b>"; see addr.h. */
int
addr_parse_mailbox(const char *s, size_t len, char *name, char *addr,
    const char **reason)
{
	ssize_t		 lt, gt;
	size_t		 i;
	const char	*why;

	name[0] = '\0';
	addr[0] = '\0';
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		*reason = _("empty address");
		return (-1);
	}

	lt = addr_find_unquoted(s, 0, len, '<');
	if (lt == -1)
		return (addr_normalise(s, len, addr, reason));

	gt = addr_find_unquoted(s, (size_t)lt + 1, len, '>');
	if (gt == -1) {
		*reason = _("missing > after address");
		return (-1);
	}
	for (i = (size_t)gt + 1; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t') {
			*reason = _("text after >");
			return (-1);
		}
	}
	if ((why = addr_clean_name(s, (size_t)lt, name, 1)) != NULL) {
		name[0] = '\0';
		*reason = why;
		return (-1);
	}
	if (addr_normalise(s + lt + 1, (size_t)(gt - lt - 1), addr,
	    reason) != 0) {
		name[0] = '\0';
		return (-1);
	}
	return (0);
}

/* The domain of a normalised address: what follows the last '@'. */
const char *
addr_domain(const char *addr)
{
	const char	*at;

	if ((at = strrchr(addr, '@')) == NULL)
		return (addr + strlen(addr));
	return (at + 1);
}
