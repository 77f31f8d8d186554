/* The TLS-RPT policy record (tlsrpt.h), RFC 8460 3. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "tlsrpt.h"
#include "base/i18n.h"
#include "base/util.h"

#define WSP(c)	((c) == ' ' || (c) == '\t')

int
tlsrpt_is_record(const char *txt, size_t len)
{
	size_t	i = 10;

	if (len < 10 || memcmp(txt, "v=TLSRPTv1", 10) != 0)
		return 0;
	while (i < len && WSP(txt[i]))
		i++;
	return i < len && txt[i] == ';';
}

void
tlsrpt_record_free(struct tlsrpt_record *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->uri[i]);
	memset(r, 0, sizeof *r);
}

/* A URI byte: visible ASCII but the separators of the record. */
static int
tlsrpt_uri_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != ';' && c != '!';
}

/* One URI of rua (p, len): kept when mailto: or https:. */
static int
tlsrpt_uri(struct tlsrpt_record *r, const char *p, size_t len,
    const char **why)
{
	size_t	i;
	char	*a, *addr;

	if (len == 0)
		return *why = NT("rua: an empty URI"), -1;
	for (i = 0; i < len; i++)
		if (!tlsrpt_uri_byte((unsigned char)p[i]))
			return *why = NT("rua: a URI with a space or a control "
			    "character"), -1;
	if (len > 7 && strncasecmp(p, "mailto:", 7) == 0) {
		a = xstrndup(p, len);
		if ((addr = tlsrpt_mailto_addr(a)) == NULL) {
			free(a);
			return *why = NT("rua: a mailto: URI without an "
			    "address"), -1;
		}
		free(addr);
	} else if (len > 8 && strncasecmp(p, "https://", 8) == 0)
		a = xstrndup(p, len);
	else {
		for (i = 0; i < len && p[i] != ':'; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '+' &&
			    p[i] != '-' && p[i] != '.')
				break;
		if (i == 0 || i == len || p[i] != ':')
			return *why = NT("rua: not a URI"), -1;
		r->skipped++;
		return 0;
	}
	if (r->n == TLSRPT_MAX_URIS) {
		free(a);
		return *why = NT("rua: more than 8 URIs"), -1;
	}
	r->uri[r->n++] = a;
	return 0;
}

/* The value of rua= (p, len): URIs separated by commas. */
static int
tlsrpt_rua(struct tlsrpt_record *r, const char *p, size_t len,
    const char **why)
{
	size_t	i = 0, s, e;

	for (;;) {
		while (i < len && WSP(p[i]))
			i++;
		s = i;
		while (i < len && p[i] != ',')
			i++;
		e = i;
		while (e > s && WSP(p[e - 1]))
			e--;
		if (tlsrpt_uri(r, p + s, e - s, why) == -1)
			return -1;
		if (i == len)
			return 0;
		i++;	/* the comma */
	}
}

/* An extension's name: (ALPHA / DIGIT) *31(ALPHA / DIGIT / _ - .). */
static int
tlsrpt_ext_name(const char *p, size_t len)
{
	size_t	i;

	if (len == 0 || len > 32 || !isalnum((unsigned char)p[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-' && p[i] != '.')
			return 0;
	return 1;
}

int
tlsrpt_parse(const char *txt, size_t len, struct tlsrpt_record *r,
    const char **why)
{
	size_t		 i, s, e, eq;
	int		 rua = 0;

	memset(r, 0, sizeof *r);
	if (len > TLSRPT_RECORD_MAX)
		return *why = NT("the record is longer than 4096 bytes"), -1;
	if (memchr(txt, '\0', len) != NULL)
		return *why = NT("the record holds a NUL byte"), -1;
	if (!tlsrpt_is_record(txt, len))
		return *why = NT("the record does not start with "
		    "v=TLSRPTv1;"), -1;
	i = 10;
	while (i < len) {
		/* a field delimiter: *WSP ";" *WSP, the last one optional */
		while (i < len && WSP(txt[i]))
			i++;
		if (i == len)
			break;
		if (txt[i] != ';')
			return *why = NT("fields must be separated by ';'"),
			    -1;
		i++;
		while (i < len && WSP(txt[i]))
			i++;
		if (i == len)
			break;
		s = i;
		while (i < len && txt[i] != ';')
			i++;
		e = i;
		while (e > s && WSP(txt[e - 1]))
			e--;
		for (eq = s; eq < e && txt[eq] != '='; eq++)
			;
		if (eq == e || !tlsrpt_ext_name(txt + s, eq - s))
			return *why = NT("a field is not NAME=VALUE"), -1;
		if (eq - s == 3 && memcmp(txt + s, "rua", 3) == 0) {
			if (rua++)
				return *why = NT("rua appears twice"), -1;
			if (tlsrpt_rua(r, txt + eq + 1, e - eq - 1, why) == -1)
				return -1;
		} else if (eq + 1 == e)
			return *why = NT("a field has an empty value"), -1;
	}
	if (!rua)
		return *why = NT("the record has no rua="), -1;
	if (r->n == 0)
		return *why = NT("rua names no mailto: or https: URI"), -1;
	return 0;
}

/* A hex digit's value, or -1. */
static int
tlsrpt_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *
tlsrpt_mailto_addr(const char *uri)
{
	struct buf	 b;
	const char	*p;
	int		 hi, lo, at = 0;

	if (strncasecmp(uri, "mailto:", 7) != 0)
		return NULL;
	buf_init(&b);
	for (p = uri + 7; *p != '\0' && *p != '?'; p++) {
		if (*p == '%') {
			if ((hi = tlsrpt_hex((unsigned char)p[1])) == -1 ||
			    (lo = tlsrpt_hex((unsigned char)p[2])) == -1)
				goto bad;
			buf_addc(&b, (char)(hi << 4 | lo));
			p += 2;
		} else
			buf_addc(&b, *p);
		if (b.data[b.len - 1] == '@')
			at++;
		/* one address: no list, nothing that ends a header */
		if (b.data[b.len - 1] == ',' ||
		    (unsigned char)b.data[b.len - 1] <= 0x20 ||
		    b.data[b.len - 1] == 0x7f)
			goto bad;
	}
	if (at != 1 || b.len < 3 || b.data[0] == '@' ||
	    b.data[b.len - 1] == '@')
		goto bad;
	buf_addc(&b, '\0');
	return b.data;
bad:
	buf_free(&b);
	return NULL;
}

int
tlsrpt_lookup(struct dns *dns, const char *domain, struct tlsrpt_record *r,
    const char **why, char **cause)
{
	struct dns_answer	 a;
	char			*name;
	size_t			 i, found = 0, which = 0;
	int			 rc;

	memset(r, 0, sizeof *r);
	*why = NULL;
	name = xprintf("_smtp._tls.%s", domain);
	memset(&a, 0, sizeof a);
	switch (dns_query(dns, name, DNS_TXT, &a)) {
	case DNS_OK:
		break;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		*why = NT("no TXT record");
		dns_answer_free(&a);
		free(name);
		return 1;
	default:
		set_cause(cause, _("%s TXT: %s"), name, a.why != NULL ?
		    a.why : dns_status_name(a.status));
		dns_answer_free(&a);
		free(name);
		return -1;
	}
	free(name);
	for (i = 0; i < a.n; i++)
		if (tlsrpt_is_record(a.rr[i].u.txt, a.rr[i].len)) {
			found++;
			which = i;
		}
	if (found != 1) {
		*why = found == 0 ? NT("no v=TLSRPTv1 record") :
		    NT("more than one v=TLSRPTv1 record");
		dns_answer_free(&a);
		return 1;
	}
	rc = tlsrpt_parse(a.rr[which].u.txt, a.rr[which].len, r, why) == 0 ?
	    0 : 1;
	if (rc != 0)
		tlsrpt_record_free(r);
	dns_answer_free(&a);
	return rc;
}
