/*
 * Reading what an HTTP client sends (RFC 9112 request heads, RFC 8058
 * form bodies, RFC 9110 Accept-Language). Pure: no I/O, bounded by the
 * caller's buffer, fuzzed by tests/fuzz/http.c. Strict where a lax
 * reading could be smuggled past a proxy (obs-fold, bare CR, a second
 * Content-Length, Transfer-Encoding), lenient where clients differ
 * harmlessly (bare LF line ends, empty lines before the request line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

/* RFC 9110 tchar. */
static int
http_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The end of the line at s (its LF), or NULL within len. */
static const char *
http_eol(const char *s, size_t len)
{
	return memchr(s, '\n', len);
}

/* Read the request line [s, e) (e at its LF). 0, or a status. */
static int
http_request_line(char *s, char *e, struct http_request *r)
{
	char	*sp1, *sp2, *v;

	if (e > s && e[-1] == '\r')
		e--;
	*e = '\0';
	if ((sp1 = strchr(s, ' ')) == NULL || sp1 == s)
		return 400;
	*sp1 = '\0';
	for (v = s; *v != '\0'; v++)
		if (!http_tchar((unsigned char)*v))
			return 400;
	if ((sp2 = strchr(sp1 + 1, ' ')) == NULL || sp2 == sp1 + 1)
		return 400;
	*sp2 = '\0';
	for (v = sp1 + 1; *v != '\0'; v++)
		if ((unsigned char)*v <= 0x20 || (unsigned char)*v >= 0x7f)
			return 400;
	v = sp2 + 1;
	if (strncmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9' || v[8] != '\0')
		return 400;
	if (v[5] != '1')
		return 505;
	r->minor = v[7] - '0';
	/* Only origin-form: no proxying, no OPTIONS *. */
	if (sp1[1] != '/')
		return 400;
	r->method = s;
	r->path = sp1 + 1;
	if ((v = strchr(sp1 + 1, '?')) != NULL) {
		*v = '\0';
		r->query = v + 1;
	}
	return 0;
}

/* Read one header field [s, e). 0, or a status. */
static int
http_field(char *s, char *e, struct http_request *r)
{
	char		*colon, *v, *end;
	long long	 n;
	unsigned char	 c;

	if (e > s && e[-1] == '\r')
		e--;
	*e = '\0';
	/* obs-fold is refused (RFC 9112 5.2), and so is a bare CR. */
	if ((colon = strchr(s, ':')) == NULL || colon == s)
		return 400;
	*colon = '\0';
	for (v = s; *v != '\0'; v++)
		if (!http_tchar((unsigned char)*v))
			return 400;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v; *end != '\0'; end++) {
		c = (unsigned char)*end;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 400;
	}
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (strcasecmp(s, "Content-Length") == 0) {
		if (*v == '\0')
			return 400;
		/* Past 15 digits it is only "too large" (413). */
		for (n = 0; *v != '\0'; v++) {
			if (*v < '0' || *v > '9')
				return 400;
			if (n < 1000000000000000LL)
				n = n * 10 + (*v - '0');
		}
		if (r->content_length != -1 && r->content_length != n)
			return 400;
		r->content_length = n;
	} else if (strcasecmp(s, "Transfer-Encoding") == 0)
		return 501;
	else if (strcasecmp(s, "Content-Type") == 0)
		r->content_type = v;
	else if (strcasecmp(s, "Accept-Language") == 0)
		r->accept_language = v;
	else if (strcasecmp(s, "Host") == 0) {
		/* One Host (RFC 9112 3.2): two could name two servers. */
		if (r->host)
			return 400;
		r->host = 1;
	}
	return 0;
}

/* Read a request head (see web.h). */
int
http_parse_head(const char *buf, size_t len, struct http_request *r)
{
	const char	*p = buf, *end = buf + len, *nl;
	char		*t, *line, *e;
	size_t		 skip, hlen, nfields = 0;
	int		 st, first = 1;

	memset(r, 0, sizeof *r);
	r->content_length = -1;
	/* Empty lines before the request line are ignored (RFC 9112 2.2). */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	skip = (size_t)(p - buf);
	/* The head ends at the first empty line. */
	for (;;) {
		nl = http_eol(p, (size_t)(end - p));
		if (nl == NULL || (size_t)(nl + 1 - buf) > WEB_HEAD_MAX)
			return len >= WEB_HEAD_MAX ? -431 : 0;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
			return -400;
		if (first) {
			first = 0;
			/* Refuse a bad request line at once, without waiting
			 * for the rest. */
			t = xstrndup(p, (size_t)(nl - p));
			st = http_request_line(t, t + (nl - p), r);
			free(t);
			memset(r, 0, sizeof *r);
			r->content_length = -1;
			if (st != 0)
				return -st;
		} else if (nl == p || (nl == p + 1 && *p == '\r'))
			break;
		else if (++nfields > WEB_HEADERS_MAX)
			return -431;
		p = nl + 1;
	}
	hlen = (size_t)(nl + 1 - buf);
	r->text = xstrndup(buf + skip, hlen - skip);
	line = r->text;
	e = strchr(line, '\n');
	if ((st = http_request_line(line, e, r)) != 0)
		goto fail;
	for (line = e + 1; (e = strchr(line, '\n')) != NULL; line = e + 1) {
		if (e == line || (e == line + 1 && *line == '\r'))
			break;
		if ((st = http_field(line, e, r)) != 0)
			goto fail;
	}
	if (r->minor >= 1 && !r->host) {
		st = 400;	/* HTTP/1.1 requires Host */
		goto fail;
	}
	return (int)hlen;
fail:
	http_request_free(r);
	return st < 0 ? st : -st;
}

void
http_request_free(struct http_request *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
	r->content_length = -1;
}

static int
http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..len) ('+' is a space): allocated. */
static char *
http_decode(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && len - i >= 3 &&
		    http_hex(s[i + 1]) >= 0 && http_hex(s[i + 2]) >= 0) {
			*o++ = (char)(http_hex(s[i + 1]) * 16 +
			    http_hex(s[i + 2]));
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* A field of a form-encoded string (see web.h). */
char *
http_form_value(const char *s, size_t len, const char *name)
{
	const char	*end = s + len, *amp, *eq, *kend;
	char		*key;
	int		 same;

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		eq = memchr(s, '=', (size_t)(amp - s));
		kend = eq != NULL ? eq : amp;
		key = http_decode(s, (size_t)(kend - s));
		same = strcmp(key, name) == 0;
		free(key);
		if (same)
			return eq != NULL ? http_decode(eq + 1,
			    (size_t)(amp - eq - 1)) : xstrdup("");
		s = amp + 1;
	}
	return NULL;
}

/* The media type of a Content-Type is type (case-insensitive)? */
static int
http_media_is(const char *ct, const char *type)
{
	size_t	n = strlen(type);

	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' ||
	    ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/*
 * A parameter of a header value ("a; name=v; x="q""), unquoted, into out
 * (at most outsz - 1 bytes). 0, or -1 when absent or too long.
 */
static int
http_param(const char *s, const char *name, char *out, size_t outsz)
{
	size_t	 n = strlen(name), i;
	char	 q;

	while ((s = strchr(s, ';')) != NULL) {
		for (s++; *s == ' ' || *s == '\t'; s++)
			;
		if (strncasecmp(s, name, n) != 0 || s[n] != '=')
			continue;
		s += n + 1;
		q = *s == '"' ? *s++ : '\0';
		for (i = 0; *s != '\0' && (q ? *s != '"' : *s != ';' &&
		    *s != ' ' && *s != '\t'); s++) {
			if (q && *s == '\\' && s[1] != '\0')
				s++;
			if (i + 1 >= outsz)
				return -1;
			out[i++] = *s;
		}
		out[i] = '\0';
		return i != 0 ? 0 : -1;
	}
	return -1;
}

/* Find needle[0..nlen) in h[0..hlen). */
static const char *
http_find(const char *h, size_t hlen, const char *needle, size_t nlen)
{
	return nlen <= hlen ? memmem(h, hlen, needle, nlen) : NULL;
}

/*
 * multipart/form-data (RFC 7578): is there a part named
 * List-Unsubscribe whose content is One-Click?
 */
static int
http_multipart_one_click(const char *ct, const char *body, size_t len)
{
	char		 boundary[71], delim[76], disp[128], name[32];
	const char	*p, *end = body + len, *hend, *next, *line, *le;
	size_t		 dlen, skip;
	int		 named;

	if (http_param(ct, "boundary", boundary, sizeof boundary) == -1)
		return 0;
	/* The first delimiter may open the body; the others follow CRLF. */
	dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = http_find(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return 0;
	for (;;) {
		/* After a delimiter: "--" ends, else padding and CRLF. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else
			return 0;
		/* The part's header fields, to an empty line. */
		if ((hend = http_find(p, (size_t)(end - p), "\r\n\r\n", 4))
		    != NULL)
			skip = 4;
		else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p;	/* no fields at all */
			skip = 2;
		} else
			return 0;
		named = 0;
		for (line = p; line < hend; line = le + 2) {
			if ((le = http_find(line, (size_t)(hend - line),
			    "\r\n", 2)) == NULL)
				le = hend;
			if ((size_t)(le - line) < sizeof disp &&
			    strncasecmp(line, "Content-Disposition:", 20) ==
			    0) {
				memcpy(disp, line, (size_t)(le - line));
				disp[le - line] = '\0';
				if (http_param(disp + 20, "name", name,
				    sizeof name) == 0 &&
				    strcmp(name, "List-Unsubscribe") == 0)
					named = 1;
			}
		}
		p = hend + skip;
		if ((next = http_find(p, (size_t)(end - p), delim, dlen)) ==
		    NULL)
			return 0;
		if (named && (size_t)(next - p) == 9 &&
		    memcmp(p, "One-Click", 9) == 0)
			return 1;
		p = next + dlen;
	}
}

/* Does the body ask for one-click unsubscribe? (see web.h) */
int
http_one_click(const char *content_type, const char *body, size_t len)
{
	char	*v;
	int	 yes;

	if (content_type != NULL && http_media_is(content_type,
	    "multipart/form-data"))
		return http_multipart_one_click(content_type, body, len);
	if (content_type != NULL && !http_media_is(content_type,
	    "application/x-www-form-urlencoded"))
		return 0;
	/* A trailing line end, as some clients add, is not the value's. */
	while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r'))
		len--;
	if ((v = http_form_value(body, len, "List-Unsubscribe")) == NULL)
		return 0;
	yes = strcmp(v, "One-Click") == 0;
	free(v);
	return yes;
}

/* A q-value in thousandths: "1", "0.5", "0.125"; -1 when malformed. */
static int
http_qvalue(const char *s, size_t len)
{
	int	v, i, scale = 100;

	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	v = (s[0] - '0') * 1000;
	if (len == 1)
		return v;
	if (s[1] != '.' || len > 5)
		return -1;
	for (i = 2; i < (int)len; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v += (s[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

/* Accept-Language: the preferred of "ja" and "en" (see web.h). */
const char *
http_language(const char *al)
{
	const char	*p, *e, *semi, *lang = "en";
	size_t		 n, l;
	int		 best = 0, q;

	for (p = al; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(e - p));
		n = (size_t)((semi != NULL ? semi : e) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		q = 1000;
		if (semi != NULL) {
			for (semi++; *semi == ' ' || *semi == '\t'; semi++)
				;
			if ((semi[0] == 'q' || semi[0] == 'Q') &&
			    semi[1] == '=') {
				for (l = 0; semi + 2 + l < e &&
				    semi[2 + l] != ' ' && semi[2 + l] != ';' &&
				    semi[2 + l] != '\t'; l++)
					;
				q = http_qvalue(semi + 2, l);
			}
		}
		if (q <= best)
			continue;
		if ((n == 2 || (n > 2 && p[2] == '-')) &&
		    strncasecmp(p, "ja", 2) == 0) {
			lang = "ja";
			best = q;
		} else if (((n == 2 || (n > 2 && p[2] == '-')) &&
		    strncasecmp(p, "en", 2) == 0) || (n == 1 && *p == '*')) {
			lang = "en";
			best = q;
		}
	}
	return lang;
}

/* The reason phrase of a status. */
const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
