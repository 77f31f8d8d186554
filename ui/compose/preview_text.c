/*
 * A message as lines for the screen: exactly as it is (tabs expanded,
 * nothing else changed), or made readable: header fields unfolded with
 * their RFC 2047 encoded-words decoded, and the body decoded from
 * quoted-printable or base64, so a Japanese subject and body show as
 * text. Only UTF-8 (and ASCII) is decoded; anything else, or anything
 * malformed, stays as it was sent.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose_ui.h"
#include "base/utf8.h"
#include "mail/charset.h"

#define PTEXT_TAB	8

/* Add a line, tabs expanded to the next multiple of 8 columns. */
static void
ptext_add(char ***v, size_t *n, const char *s, size_t len)
{
	struct buf	b;
	size_t		i;
	int		col = 0;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (s[i] == '\t') {
			do
				buf_addc(&b, ' ');
			while (++col % PTEXT_TAB != 0);
			continue;
		}
		buf_addc(&b, s[i]);
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;	/* near enough for tab stops */
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* Split text at CRLF (or a lone LF). */
static void
ptext_split(char ***v, size_t *n, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *nl;
	size_t		 l;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (nl != NULL && l > 0 && p[l - 1] == '\r')
			l--;
		ptext_add(v, n, p, l);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* The lines of a message as they are. */
char **
ptext_raw(const char *msg, size_t len, size_t *n)
{
	char	**v = NULL;

	*n = 0;
	ptext_split(&v, n, msg, len);
	return v;
}

/* Free lines. */
void
ptext_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The value of a hex digit, or -1. */
static int
ptext_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The value of a base64 character, or -1. */
static int
ptext_b64(char c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*p;

	if (c == '\0' || (p = strchr(a, c)) == NULL)
		return -1;
	return (int)(p - a);
}

/* Append base64 s[0..len) decoded (white space skipped); -1 if bad. */
static int
ptext_unbase64(struct buf *b, const char *s, size_t len)
{
	unsigned int	acc = 0;
	int		bits = 0, v;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (s[i] == '=')
			break;
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n')
			continue;
		if ((v = ptext_b64(s[i])) == -1)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(b, (char)((acc >> bits) & 0xff));
		}
	}
	return 0;
}

/* Append an encoded-word's text decoded (Q: "_" is a space). */
static int
ptext_unq(struct buf *b, const char *s, size_t len)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '_')
			buf_addc(b, ' ');
		else if (s[i] == '=' && i + 2 < len &&
		    (hi = ptext_hex(s[i + 1])) != -1 &&
		    (lo = ptext_hex(s[i + 2])) != -1) {
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else if (s[i] == '=')
			return -1;
		else
			buf_addc(b, s[i]);
	}
	return 0;
}

/* One encoded-word at s: its decoded text appended and its length
 * returned, or 0 when s does not start one herald can decode. */
static size_t
ptext_word(struct buf *b, const char *s)
{
	const char	*cs, *q1, *q2, *end;
	struct buf	 t;
	size_t		 cslen;
	int		 rc, jis;

	if (strncmp(s, "=?", 2) != 0)
		return 0;
	cs = s + 2;
	if ((q1 = strchr(cs, '?')) == NULL || q1[1] == '\0' || q1[2] != '?')
		return 0;
	q2 = q1 + 2;
	if ((end = strstr(q2 + 1, "?=")) == NULL)
		return 0;
	cslen = (size_t)(q1 - cs);
	if (memchr(cs, '*', cslen) != NULL)
		cslen = (size_t)((const char *)memchr(cs, '*', cslen) - cs);
	jis = cslen == 11 && strncasecmp(cs, "iso-2022-jp", 11) == 0;
	if (!((cslen == 5 && strncasecmp(cs, "utf-8", 5) == 0) ||
	    (cslen == 8 && strncasecmp(cs, "us-ascii", 8) == 0) || jis))
		return 0;
	if (memchr(q2 + 1, ' ', (size_t)(end - q2 - 1)) != NULL)
		return 0;
	buf_init(&t);
	if (q1[1] == 'B' || q1[1] == 'b')
		rc = ptext_unbase64(&t, q2 + 1, (size_t)(end - q2 - 1));
	else if (q1[1] == 'Q' || q1[1] == 'q')
		rc = ptext_unq(&t, q2 + 1, (size_t)(end - q2 - 1));
	else
		rc = -1;
	if (rc == 0 && t.len > 0 && jis)
		rc = charset_to_utf8(b, "ISO-2022-JP", t.data, t.len);
	else if (rc == 0 && t.len > 0)
		buf_add(b, t.data, t.len);
	buf_free(&t);
	return rc == 0 ? (size_t)(end + 2 - s) : 0;
}

/* A header field's text with its encoded-words decoded. */
static char *
ptext_header(const char *s)
{
	struct buf	 b;
	const char	*p = s, *ws;
	size_t		 n, keep;

	buf_init(&b);
	while (*p != '\0') {
		if ((n = ptext_word(&b, p)) > 0) {
			p += n;
			/* White space between two encoded-words goes. */
			for (ws = p; *ws == ' ' || *ws == '\t'; ws++)
				;
			if (ws != p && strncmp(ws, "=?", 2) == 0) {
				keep = b.len;
				if (ptext_word(&b, ws) > 0) {
					b.len = keep;
					b.data[keep] = '\0';
					p = ws;
				}
			}
			continue;
		}
		buf_addc(&b, *p++);
	}
	if (!utf8_valid(b.data != NULL ? b.data : "", b.len, &n)) {
		buf_free(&b);
		return xstrdup(s);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* Append quoted-printable s[0..len) decoded. */
static void
ptext_unqp(struct buf *b, const char *s, size_t len)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] != '=') {
			buf_addc(b, s[i]);
			continue;
		}
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			i += 2;		/* a soft line break */
		else if (i + 1 < len && s[i + 1] == '\n')
			i += 1;
		else if (i + 2 < len && (hi = ptext_hex(s[i + 1])) != -1 &&
		    (lo = ptext_hex(s[i + 2])) != -1) {
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else
			buf_addc(b, s[i]);
	}
}

/* The message made readable. */
char **
ptext_decoded(const char *msg, size_t len, size_t *n)
{
	char		**v = NULL, *field;
	const char	 *p = msg, *end = msg + len, *nl, *body = end;
	struct buf	  h, dec;
	size_t		  l, bad;
	int		  cte = 0;	/* 1 quoted-printable, 2 base64 */
	int		  jis = 0;	/* charset=ISO-2022-JP */
	int		  ok = 0;

	*n = 0;
	buf_init(&h);
	/* Header fields, unfolded. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > 0 && (*p == ' ' || *p == '\t') && h.len > 0) {
			/* Unfolded: the line break and its indent become
			 * one space. */
			while (l > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				l--;
			}
			buf_addc(&h, ' ');
			buf_add(&h, p, l);
		} else {
			if (h.len > 0) {
				field = ptext_header(h.data);
				if (strncasecmp(field, "Content-Type:", 13) ==
				    0 && strcasestr(field, "iso-2022-jp") !=
				    NULL)
					jis = 1;
				if (strncasecmp(field, "Content-Transfer-"
				    "Encoding:", 26) == 0) {
					if (strcasestr(field + 26,
					    "quoted-printable") != NULL)
						cte = 1;
					else if (strcasestr(field + 26,
					    "base64") != NULL)
						cte = 2;
				}
				ptext_add(&v, n, field, strlen(field));
				free(field);
				buf_reset(&h);
			}
			if (l == 0) {
				body = nl != NULL ? nl + 1 : end;
				break;
			}
			buf_add(&h, p, l);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (h.len > 0) {
		field = ptext_header(h.data);
		ptext_add(&v, n, field, strlen(field));
		free(field);
	}
	buf_free(&h);
	if (body == end)
		return v;
	ptext_add(&v, n, "", 0);
	buf_init(&dec);
	if (cte == 1) {
		ptext_unqp(&dec, body, (size_t)(end - body));
		ok = 1;
	} else if (cte == 2)
		ok = ptext_unbase64(&dec, body, (size_t)(end - body)) == 0;
	else if (jis) {
		buf_add(&dec, body, (size_t)(end - body));
		ok = 1;
	}
	if (ok && jis) {
		/* Shown in UTF-8, as a mail reader would. */
		struct buf	u;

		buf_init(&u);
		ok = charset_to_utf8(&u, "ISO-2022-JP", dec.data != NULL ?
		    dec.data : "", dec.len) == 0;
		buf_free(&dec);
		dec = u;
	}
	if (ok && dec.len > 0 && utf8_valid(dec.data, dec.len, &bad))
		ptext_split(&v, n, dec.data, dec.len);
	else
		ptext_split(&v, n, body, (size_t)(end - body));
	buf_free(&dec);
	return v;
}

/* Draw s from display column left on. */
void
ptext_draw(struct ui *ui, int y, int x, int w, enum ui_role role,
    const char *s, int left)
{
	size_t	 start;
	char	*head, *shown;
	int	 skip, lead = 0;
	unsigned int cp;
	int	 clen;

	if (left <= 0) {
		ui_print(ui, y, x, w, role, s);
		return;
	}
	start = utf8_prefix(s, left);
	head = xstrndup(s, start);
	skip = utf8_width(head);
	free(head);
	if (skip < left && s[start] != '\0') {
		/* A wide character straddles the edge: a space for it. */
		clen = utf8_decode(s + start, strlen(s + start), &cp);
		start += clen > 0 ? (size_t)clen : 1;
		lead = skip + (clen > 0 ? utf8_cpwidth(cp) : 1) - left;
	}
	shown = xprintf("%*s%s", lead, "", s + start);
	ui_print(ui, y, x, w, role, shown);
	free(shown);
}
