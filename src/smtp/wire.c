/*
 * The SMTP client's wire format, without I/O: replies are read line by line
 * with every line and every reply bounded (a server that sends an endless
 * line or an endless reply ends its session, it does not eat memory), and
 * every byte that reaches our strings is printable ASCII; messages are
 * dot-stuffed with CRLF the only line end that ever leaves (RFC 5321
 * 2.3.8, 4.5.2).
 */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "wire.h"

/* Start with an empty parser. */
void
smtp_parse_init(struct smtp_parse *p)
{
	memset(p, 0, sizeof *p);
	buf_init(&p->text);
}

/* Free a parser's memory. */
void
smtp_parse_free(struct smtp_parse *p)
{
	buf_free(&p->text);
	memset(p, 0, sizeof *p);
}

/* A digit. */
static int
smtp_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Take one complete line (CR LF or a lone LF stripped) into the reply;
 * SMTP_PARSE_REPLY when it was the last line.
 */
static int
smtp_parse_line(struct smtp_parse *p, const char **err)
{
	const char	*l = p->line;
	size_t		 len = p->linelen, i;
	int		 code;
	char		 c;

	if (len > 0 && l[len - 1] == '\r')
		len--;
	if (len < 3 || l[0] < '1' || l[0] > '5' || !smtp_isdigit(l[1]) ||
	    !smtp_isdigit(l[2]) || (len > 3 && l[3] != ' ' && l[3] != '-')) {
		*err = NT("malformed reply line");
		return SMTP_PARSE_ERROR;
	}
	code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (p->nlines > 0 && code != p->code) {
		*err = NT("reply lines with different codes");
		return SMTP_PARSE_ERROR;
	}
	p->total += len + 2;
	if (p->total > SMTP_REPLY_MAX) {
		*err = NT("reply longer than 64 KiB");
		return SMTP_PARSE_ERROR;
	}
	p->code = code;
	if (p->nlines++ > 0)
		buf_addc(&p->text, '\n');
	for (i = 4; i < len; i++) {
		c = l[i];
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			c = '?';
		buf_addc(&p->text, c);
	}
	if (len > 3 && l[3] == '-')
		return SMTP_PARSE_MORE;
	return SMTP_PARSE_REPLY;
}

/* Feed bytes until a reply is complete. */
int
smtp_parse_feed(struct smtp_parse *p, const char *in, size_t len,
    size_t *used, const char **err)
{
	const char	*nl;
	size_t		 off = 0, n;
	int		 rv;

	/* The previous call returned a whole reply: start the next. */
	if (p->done) {
		p->done = 0;
		p->nlines = 0;
		p->total = 0;
		p->code = 0;
		buf_reset(&p->text);
	}
	*used = 0;
	while (off < len) {
		nl = memchr(in + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (in + off)) : len - off;
		if (n > sizeof p->line - p->linelen) {
			*err = NT("reply line longer than 2 KiB");
			return SMTP_PARSE_ERROR;
		}
		memcpy(p->line + p->linelen, in + off, n);
		p->linelen += n;
		off += n;
		if (nl == NULL)
			break;
		off++;			/* the LF */
		rv = smtp_parse_line(p, err);
		p->linelen = 0;
		if (rv == SMTP_PARSE_ERROR)
			return rv;
		if (rv == SMTP_PARSE_REPLY) {
			*used = off;
			p->done = 1;		/* reset on the next feed */
			return rv;
		}
	}
	*used = off;
	return SMTP_PARSE_MORE;
}

/* Find an enhanced status code at the start of text. */
size_t
smtp_enhanced(const char *text, int code, char *out, size_t outsz)
{
	size_t	i = 0, n, part;

	if (text[0] != '0' + code / 100 ||
	    (text[0] != '2' && text[0] != '4' && text[0] != '5') ||
	    text[1] != '.')
		return 0;
	i = 2;
	for (part = 0; part < 2; part++) {
		for (n = 0; n < 3 && smtp_isdigit(text[i]); n++)
			i++;
		if (n == 0 || smtp_isdigit(text[i]))
			return 0;
		if (part == 0) {
			if (text[i] != '.')
				return 0;
			i++;
		}
	}
	if (text[i] != '\0' && text[i] != ' ' && text[i] != '\n')
		return 0;
	if (i >= outsz)
		return 0;
	memcpy(out, text, i);
	out[i] = '\0';
	return i;
}

/* The complete reply as code, enhanced code and joined text. */
void
smtp_parse_reply(const struct smtp_parse *p, const char *stage,
    struct smtp_reply *r)
{
	const char	*s = p->text.data != NULL ? p->text.data : "";
	const char	*end, *line;
	size_t		 len, n, out = 0, skip;
	char		 enh[sizeof r->enhanced];

	memset(r, 0, sizeof *r);
	r->code = p->code;
	snprintf(r->stage, sizeof r->stage, "%s", stage);
	smtp_enhanced(s, p->code, r->enhanced, sizeof r->enhanced);

	for (line = s; ; line = end + 1) {
		end = strchr(line, '\n');
		len = end != NULL ? (size_t)(end - line) : strlen(line);
		/* Servers repeat the enhanced code on every line. */
		skip = r->enhanced[0] != '\0' ?
		    smtp_enhanced(line, p->code, enh, sizeof enh) : 0;
		if (skip > 0 && strcmp(enh, r->enhanced) == 0) {
			while (skip < len && line[skip] == ' ')
				skip++;
			line += skip;
			len -= skip;
		}
		if (len > 0) {
			if (out > 0 && out + 3 < sizeof r->text) {
				memcpy(r->text + out, " / ", 3);
				out += 3;
			}
			n = sizeof r->text - 1 - out;
			if (len > n) {
				memcpy(r->text + out, line, n);
				out += n;
				if (out >= 3)
					memcpy(r->text + out - 3, "...", 3);
				break;
			}
			memcpy(r->text + out, line, len);
			out += len;
		}
		if (end == NULL)
			break;
	}
	r->text[out] = '\0';
}

/* Case-insensitive match of a keyword of length len against word. */
static int
smtp_kw(const char *kw, size_t len, const char *word)
{
	size_t	i;
	char	a, b;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++) {
		a = kw[i];
		b = word[i];
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (a != b)
			return 0;
	}
	return 1;
}

/* The AUTH mechanisms in a space-separated list. */
static unsigned int
smtp_auth_mechs(const char *s, const char *end)
{
	const char	*w;
	unsigned int	 mechs = 0;

	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		for (w = s; s < end && *s != ' '; s++)
			;
		if (smtp_kw(w, (size_t)(s - w), "PLAIN"))
			mechs |= SMTP_MECH_PLAIN;
		else if (smtp_kw(w, (size_t)(s - w), "LOGIN"))
			mechs |= SMTP_MECH_LOGIN;
	}
	return mechs;
}

/* Parse SIZE's argument: a decimal number, 0 if absent or unreadable. */
static unsigned long long
smtp_size_arg(const char *s, const char *end)
{
	unsigned long long	v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end || !smtp_isdigit(*s))
		return 0;
	for (; s < end && smtp_isdigit(*s); s++) {
		if (v > (~0ULL - 9) / 10)
			return 0;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	return v;
}

/* Parse an EHLO reply's keyword lines. */
void
smtp_ext_parse(struct smtp_ext *ext, const char *lines, size_t len)
{
	const char	*s, *end, *lend, *kw;
	size_t		 kwlen;

	memset(ext, 0, sizeof *ext);
	end = lines + len;
	s = memchr(lines, '\n', len);	/* skip the greeting line */
	while (s != NULL && s < end) {
		s++;
		lend = memchr(s, '\n', (size_t)(end - s));
		if (lend == NULL)
			lend = end;
		for (kw = s; s < lend && ((*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || smtp_isdigit(*s) || *s == '-');
		    s++)
			;
		kwlen = (size_t)(s - kw);
		if (s < lend && *s != ' ' && *s != '=')
			kwlen = 0;	/* not a keyword line */
		if (smtp_kw(kw, kwlen, "STARTTLS"))
			ext->flags |= SMTP_EXT_STARTTLS;
		else if (smtp_kw(kw, kwlen, "PIPELINING"))
			ext->flags |= SMTP_EXT_PIPELINING;
		else if (smtp_kw(kw, kwlen, "8BITMIME"))
			ext->flags |= SMTP_EXT_8BITMIME;
		else if (smtp_kw(kw, kwlen, "ENHANCEDSTATUSCODES"))
			ext->flags |= SMTP_EXT_ENHANCED;
		else if (smtp_kw(kw, kwlen, "SMTPUTF8"))
			ext->flags |= SMTP_EXT_SMTPUTF8;
		else if (smtp_kw(kw, kwlen, "CHUNKING"))
			ext->flags |= SMTP_EXT_CHUNKING;
		else if (smtp_kw(kw, kwlen, "SIZE")) {
			ext->flags |= SMTP_EXT_SIZE;
			ext->size = smtp_size_arg(s, lend);
		} else if (smtp_kw(kw, kwlen, "AUTH") && s < lend) {
			/* "AUTH PLAIN LOGIN", or the old "AUTH=LOGIN". */
			ext->auth |= smtp_auth_mechs(s + 1, lend);
			if (ext->auth != 0)
				ext->flags |= SMTP_EXT_AUTH;
		}
		s = lend;
	}
}

/* Start stuffing a message. */
void
smtp_stuff_init(struct smtp_stuff *st)
{
	st->bol = 1;
	st->cr = 0;
}

/*
 * Append in[0..len), stuffed and with CRLF line ends, to out. A line that
 * already ends in CRLF is copied with it in one piece; memchr finds the
 * line ends (the next CR and the next LF are kept, so a body without CRs
 * is not searched again for every line).
 */
void
smtp_stuff(struct smtp_stuff *st, struct buf *out, const char *in,
    size_t len)
{
	const char	*p = in, *end = in + len, *cr, *lf, *stop;

	buf_grow(out, len + len / 32 + 8);
	cr = memchr(p, '\r', len);
	lf = memchr(p, '\n', len);
	while (p < end) {
		if (*p == '\n' && st->cr) {
			/* The LF of a CRLF whose CR ended the last chunk. */
			st->cr = 0;
			p++;
			continue;
		}
		st->cr = 0;
		if (st->bol && *p == '.')
			buf_addc(out, '.');
		if (cr != NULL && cr < p)
			cr = memchr(p, '\r', (size_t)(end - p));
		if (lf != NULL && lf < p)
			lf = memchr(p, '\n', (size_t)(end - p));
		stop = cr == NULL ? lf : lf == NULL || cr < lf ? cr : lf;
		if (stop == NULL) {
			buf_add(out, p, (size_t)(end - p));
			st->bol = 0;
			return;
		}
		st->bol = 1;
		if (*stop == '\r' && stop + 1 < end && stop[1] == '\n') {
			buf_add(out, p, (size_t)(stop + 2 - p));
			p = stop + 2;
			continue;
		}
		/* A bare CR or LF becomes CRLF; a CR at the end of the chunk
		 * remembers that an LF starting the next is its pair. */
		buf_add(out, p, (size_t)(stop - p));
		buf_add(out, "\r\n", 2);
		st->cr = *stop == '\r';
		p = stop + 1;
	}
}

/* End the message: CRLF if the last line has none, then ".". */
void
smtp_stuff_end(struct smtp_stuff *st, struct buf *out)
{
	if (!st->bol)
		buf_add(out, "\r\n", 2);
	buf_add(out, ".\r\n", 3);
	st->bol = 1;
	st->cr = 0;
}

/* Check a command argument. */
int
smtp_arg_ok(const char *s, size_t max)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max || (unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '<' || s[i] == '>')
			return -1;
	}
	return 0;
}

/* Base64 without line breaks (RFC 4648). */
void
smtp_base64(struct buf *out, const unsigned char *in, size_t len)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int		 v;
	size_t			 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 |
		    in[i + 2];
		buf_addc(out, b64[v >> 18]);
		buf_addc(out, b64[(v >> 12) & 63]);
		buf_addc(out, b64[(v >> 6) & 63]);
		buf_addc(out, b64[v & 63]);
	}
	if (i < len) {
		v = (unsigned int)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned int)in[i + 1] << 8;
		buf_addc(out, b64[v >> 18]);
		buf_addc(out, b64[(v >> 12) & 63]);
		buf_addc(out, i + 1 < len ? b64[(v >> 6) & 63] : '=');
		buf_addc(out, '=');
	}
}
