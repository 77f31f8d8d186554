/*
 * MIME for one text/plain message: RFC 2047 encoded-words for non-ASCII
 * header text, RFC 5322 folding, CRLF line ends and the transfer encodings
 * of RFC 2045 (7bit, 8bit, quoted-printable).
 *
 * Encoded-words use Q for the whole value unless it would be a quarter
 * longer than B (so "Café" stays legible and Japanese takes B), hold whole
 * UTF-8 characters only (a decoder that meets half a character in one
 * word shows garbage), and Q uses the set RFC 2047 5(3) allows in a
 * phrase, so the same words are valid in a display name and in Subject.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

/* The longest run plain text keeps on one folded line (with "Subject: "
 * in front it stays under 76 columns). */
#define MIME_PLAIN_SEG		66

static const char mime_hex[] = "0123456789ABCDEF";
static const char mime_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define MIME_WORD_OPEN_B	"=?UTF-8?B?"
#define MIME_WORD_OPEN_Q	"=?UTF-8?Q?"
#define MIME_WORD_OVERHEAD	12	/* "=?UTF-8?X?" and "?=" */

/* The name of a Content-Transfer-Encoding. */
const char *
mime_cte_name(enum mime_cte cte)
{
	switch (cte) {
	case MIME_7BIT:
		return "7bit";
	case MIME_8BIT:
		return "8bit";
	case MIME_BASE64:
		return "base64";
	case MIME_QP:
		break;
	}
	return "quoted-printable";
}

/* Is every byte ASCII? */
int
mime_is_ascii(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* May c stand for itself in a Q encoded-word in a phrase (RFC 2047 5(3))? */
static int
mime_q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/' || c == ' ';
}

/* Characters the Q form of byte c takes ("_" for a space). */
static size_t
mime_q_len(unsigned char c)
{
	return mime_q_plain(c) ? 1 : 3;
}

/* Append byte c in the Q form. */
static void
mime_q_add(struct buf *b, unsigned char c)
{
	if (c == ' ')
		buf_addc(b, '_');
	else if (mime_q_plain(c))
		buf_addc(b, (char)c);
	else {
		buf_addc(b, '=');
		buf_addc(b, mime_hex[c >> 4]);
		buf_addc(b, mime_hex[c & 15]);
	}
}

/* Append s[0..len) in base64. */
static void
mime_b64_add(struct buf *b, const unsigned char *s, size_t len)
{
	uint32_t	v;
	size_t		i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		buf_addc(b, mime_b64[v >> 18]);
		buf_addc(b, mime_b64[(v >> 12) & 63]);
		buf_addc(b, mime_b64[(v >> 6) & 63]);
		buf_addc(b, mime_b64[v & 63]);
	}
	if (i < len) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		buf_addc(b, mime_b64[v >> 18]);
		buf_addc(b, mime_b64[(v >> 12) & 63]);
		buf_addc(b, i + 1 < len ? mime_b64[(v >> 6) & 63] : '=');
		buf_addc(b, '=');
	}
}

/* Length of the character at s (1 for a stray byte, which the caller has
 * refused before; this only keeps the walk moving). */
static size_t
mime_char_len(const char *s, size_t len)
{
	unsigned int	cp;
	int		n;

	n = utf8_decode(s, len, &cp);
	return n > 0 ? (size_t)n : 1;
}

/* Encoded length of s[0..n) as a B or Q payload. */
static size_t
mime_payload_len(const char *s, size_t n, int q)
{
	size_t	i, total = 0;

	if (!q)
		return (n + 2) / 3 * 4;
	for (i = 0; i < n; i++)
		total += mime_q_len((unsigned char)s[i]);
	return total;
}

/* Append encoded-words, folding so each line stays within 76 columns. */
void
mime_encode_words(struct buf *b, const char *s, size_t len, size_t *col)
{
	size_t	off = 0, n, n3, clen, room;
	int	q, first = 1;

	/* Q unless it is a quarter longer than B: mostly-ASCII text stays
	 * legible in the raw message, CJK text takes B. */
	q = mime_payload_len(s, len, 1) * 4 <= mime_payload_len(s, len, 0) * 5;
	do {
		/* One word a line (the first where it starts when a character
		 * fits); the white space between two encoded-words is not
		 * part of the text. */
		if (!first || *col + MIME_WORD_OVERHEAD + 12 > MIME_LINE_MAX) {
			buf_adds(b, "\r\n ");
			*col = 1;
		}
		first = 0;
		room = MIME_LINE_MAX - *col;
		if (room > MIME_WORD_MAX)
			room = MIME_WORD_MAX;
		room -= MIME_WORD_OVERHEAD;
		/* Take whole characters while the payload fits; a B word
		 * that is not the last ends on a multiple of 3 bytes where
		 * it can (no "=" padding inside: GMime, among others, joins
		 * adjacent words' base64 before decoding it). */
		n = n3 = 0;
		while (off + n < len) {
			clen = mime_char_len(s + off + n, len - off - n);
			if (n != 0 && mime_payload_len(s + off, n + clen, q) >
			    room)
				break;
			n += clen;
			if (n % 3 == 0)
				n3 = n;
		}
		if (!q && off + n < len && n3 != 0)
			n = n3;
		buf_adds(b, q ? MIME_WORD_OPEN_Q : MIME_WORD_OPEN_B);
		if (q) {
			for (clen = 0; clen < n; clen++)
				mime_q_add(b, (unsigned char)s[off + clen]);
		} else
			mime_b64_add(b, (const unsigned char *)s + off, n);
		buf_adds(b, "?=");
		*col += MIME_WORD_OVERHEAD + mime_payload_len(s + off, n, q);
		off += n;
	} while (off < len);
}

/* Is c a byte a plain (unencoded) unstructured value may hold? */
static int
mime_plain_byte(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

/*
 * Can s go out as it is? Printable ASCII, no "=?" (a reader would try to
 * decode it), and no word so long that folding cannot keep lines short.
 */
static int
mime_plain_ok(const char *s, size_t len)
{
	size_t	i, seg = 0;
	int	ws;

	for (i = 0; i < len; i++) {
		if (!mime_plain_byte((unsigned char)s[i]))
			return 0;
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?')
			return 0;
		/* A segment (white space, then a word) is what folding
		 * moves to a line of its own. */
		ws = s[i] == ' ' || s[i] == '\t';
		if (ws && i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t')
			seg = 0;
		if (++seg > MIME_PLAIN_SEG)
			return 0;
	}
	return 1;
}

/* Append plain text folded before white space to stay within 78 columns. */
static void
mime_fold_plain(struct buf *b, const char *s, size_t len, size_t *col)
{
	size_t	i = 0, j, k;

	while (i < len) {
		/* A segment: white space, then a word. */
		j = i;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		k = j;
		while (j < len && s[j] != ' ' && s[j] != '\t')
			j++;
		/* Trailing white space cannot be folded (see
		 * mime_unstructured): drop it, never run past the limit. */
		if (j == k)
			break;
		/* Fold before white space, never leaving a blank line. */
		if (i != 0 && k != i && j != k &&
		    *col + (j - i) > MIME_SOFT_MAX) {
			buf_adds(b, "\r\n");
			*col = 0;
		}
		buf_add(b, s + i, j - i);
		*col += j - i;
		i = j;
	}
}

/* Append an unstructured header value. */
void
mime_unstructured(struct buf *b, const char *s, size_t len, size_t *col)
{
	/* RFC 5322 unstructured ends in *WSP with no FWS before it: white
	 * space at the end cannot be folded, so it would run past 78
	 * columns. It means nothing to a reader: drop it, plain or
	 * encoded alike. */
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	if (mime_plain_ok(s, len))
		mime_fold_plain(b, s, len, col);
	else
		mime_encode_words(b, s, len, col);
}

/* Is c atext (RFC 5322 3.2.3)? */
static int
mime_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Can the name be written as atoms separated by single spaces, each
 * short enough to fold? */
static int
mime_atoms_ok(const char *s)
{
	size_t	i, atom = 0;

	if (*s == ' ' || strstr(s, "=?") != NULL || strstr(s, "  ") != NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ')
			atom = 0;
		else if (!mime_atext((unsigned char)s[i]) ||
		    ++atom > MIME_PLAIN_SEG)
			return 0;
	}
	return i != 0 && s[i - 1] != ' ';
}

/* Can the name go out as a quoted-string on the line it starts? */
static int
mime_quoted_ok(const char *s)
{
	size_t	i, n = 2;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"' || s[i] == '\\')
			n++;
		n++;
	}
	return n <= MIME_PLAIN_SEG;
}

/* Append a mailbox: "addr" or "name <addr>". */
void
mime_mailbox(struct buf *b, const char *name, const char *addr, size_t *col)
{
	size_t	len = strlen(name), i, start;

	if (len == 0) {
		buf_adds(b, addr);
		*col += strlen(addr);
		return;
	}
	if (mime_is_ascii(name, len) && mime_atoms_ok(name))
		mime_fold_plain(b, name, len, col);
	else if (!mime_is_ascii(name, len) || !mime_quoted_ok(name))
		mime_encode_words(b, name, len, col);
	else {
		/* A short quoted-string: specials are fine inside, '"' and
		 * '\' are escaped. (A long one goes as encoded-words, which
		 * fold.) */
		start = b->len;
		buf_addc(b, '"');
		for (i = 0; i < len; i++) {
			if (name[i] == '"' || name[i] == '\\')
				buf_addc(b, '\\');
			buf_addc(b, name[i]);
		}
		buf_addc(b, '"');
		*col += b->len - start;
	}
	if (*col + 3 + strlen(addr) > MIME_SOFT_MAX) {
		buf_adds(b, "\r\n");
		*col = 0;
	}
	buf_printf(b, " <%s>", addr);
	*col += 3 + strlen(addr);
}

/* Value of one base64 digit, or -1. */
static int
mime_b64_val(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(mime_b64, c)) == NULL)
		return -1;
	return (int)(p - mime_b64);
}

/* Value of one hex digit, or -1. */
static int
mime_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode one encoded-word's payload (B or Q) into b. */
static int
mime_decode_payload(struct buf *b, const char *p, size_t n, int q)
{
	size_t		i;
	uint32_t	v = 0;
	int		bits = 0, d, e;

	for (i = 0; i < n; i++) {
		if (q) {
			if (p[i] == '_')
				buf_addc(b, ' ');
			else if (p[i] != '=')
				buf_addc(b, p[i]);
			else {
				if (i + 2 >= n)
					return -1;
				d = mime_hex_val(p[i + 1]);
				e = mime_hex_val(p[i + 2]);
				if (d == -1 || e == -1)
					return -1;
				buf_addc(b, (char)(d << 4 | e));
				i += 2;
			}
			continue;
		}
		if (p[i] == '=')
			break;
		if ((d = mime_b64_val(p[i])) == -1)
			return -1;
		v = v << 6 | (uint32_t)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_addc(b, (char)((v >> bits) & 0xff));
		}
	}
	return 0;
}

/*
 * If s[0..len) starts with an encoded-word, decode it into b and return its
 * length; 0 if it is not one; -1 if it is malformed.
 */
static ssize_t
mime_decode_word(struct buf *b, const char *s, size_t len)
{
	const char	*cs, *enc, *text, *end;
	int		 q;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	if ((enc = memchr(cs, '?', len - 2)) == NULL || enc + 3 > s + len ||
	    enc[2] != '?')
		return 0;
	q = enc[1] == 'Q' || enc[1] == 'q';
	if (!q && enc[1] != 'B' && enc[1] != 'b')
		return -1;
	text = enc + 3;
	for (end = text; end + 1 < s + len; end++)
		if (end[0] == '?' && end[1] == '=')
			break;
	if (end + 1 >= s + len)
		return -1;
	if (enc - cs != 5 || strncasecmp(cs, "UTF-8", 5) != 0)
		return -1;
	if (mime_decode_payload(b, text, (size_t)(end - text), q) == -1)
		return -1;
	return end + 2 - s;
}

/* Decode a header value: unfold, decode words, drop the space between
 * adjacent words. */
int
mime_decode_words(struct buf *b, const char *s, size_t len)
{
	size_t	i = 0, ws, mark;
	ssize_t	n;
	int	last_word = 0;

	while (i < len) {
		if (s[i] == '\r' || s[i] == '\n') {
			i++;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t') {
			ws = i;
			while (i < len && (s[i] == ' ' || s[i] == '\t' ||
			    s[i] == '\r' || s[i] == '\n'))
				i++;
			mark = b->len;
			n = mime_decode_word(b, s + i, len - i);
			if (n == -1)
				return -1;
			if (n > 0 && last_word) {
				i += (size_t)n;
				continue;
			}
			/* Nothing may have been decoded (and nothing
			 * allocated): only then is data NULL. */
			b->len = mark;
			if (b->data != NULL)
				b->data[b->len] = '\0';
			for (; ws < i; ws++)
				if (s[ws] != '\r' && s[ws] != '\n')
					buf_addc(b, s[ws]);
			last_word = 0;
			continue;
		}
		if ((n = mime_decode_word(b, s + i, len - i)) == -1)
			return -1;
		if (n > 0) {
			i += (size_t)n;
			last_word = 1;
			continue;
		}
		buf_addc(b, s[i++]);
		last_word = 0;
	}
	return 0;
}

/* Append text with every line end made CRLF, ending with one. */
void
mime_crlf(struct buf *b, const char *s, size_t len)
{
	size_t	i, start = 0;

	buf_grow(b, len + len / 32 + 2);
	for (i = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\n')
			continue;
		buf_add(b, s + start, i - start);
		buf_adds(b, "\r\n");
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
	if (len != 0 && start != len)
		buf_adds(b, "\r\n");
}

/*
 * Pick the transfer encoding for a CRLF body. By content (auto):
 * quoted-printable costs 3 octets for each octet outside ASCII and 1 for
 * the rest, base64 4/3 for all: base64 is the smaller once more than a
 * sixth of the octets are outside ASCII (Japanese text: nearly all), QP
 * below, where it also keeps the text legible. 8bit is never chosen
 * unasked: it needs the server's 8BITMIME, which is known only once the
 * session is open, after the message was signed (see MIME_PREF_8BIT).
 */
void
mime_choose(const char *s, size_t len, enum mime_pref pref,
    int sevenbit_charset, struct mime_choice *ch)
{
	size_t		i, line = 0, longest = 0, high = 0;
	unsigned char	c;
	int		ctl = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			if (line > longest)
				longest = line;
			line = 0;
			i++;
			continue;
		}
		line++;
		if (c >= 0x80)
			high++;
		else if (((c < 0x20 && c != '\t') || c == 0x7f) &&
		    !(sevenbit_charset && c == 0x1b))
			ctl = 1;
	}
	if (line > longest)
		longest = line;
	memset(ch, 0, sizeof *ch);
	ch->pct = len != 0 ? (unsigned int)((high * 100 + len / 2) / len) : 0;
	ch->fallback = MIME_7BIT;
	if (sevenbit_charset && high == 0 && !ctl) {
		/* ISO-2022-JP is 7bit by nature; only a line too long for
		 * SMTP needs an encoding. */
		if (longest <= MIME_HARD_MAX) {
			ch->cte = MIME_7BIT;
			ch->why = MIME_WHY_7BIT_CHARSET;
		} else {
			ch->cte = MIME_BASE64;
			ch->why = MIME_WHY_CHARSET_LONG;
		}
		return;
	}
	if (high == 0 && !ctl && longest <= MIME_SOFT_MAX) {
		ch->cte = MIME_7BIT;
		ch->why = MIME_WHY_ASCII;
		return;
	}
	switch (pref) {
	case MIME_PREF_QP:
		ch->cte = MIME_QP;
		ch->why = MIME_WHY_ASKED;
		return;
	case MIME_PREF_BASE64:
		ch->cte = MIME_BASE64;
		ch->why = MIME_WHY_ASKED;
		return;
	case MIME_PREF_8BIT:
		if (!ctl && longest <= MIME_HARD_MAX) {
			if (high == 0) {
				ch->cte = MIME_7BIT;
				ch->why = MIME_WHY_ASCII_LONG;
				return;
			}
			/* The 7-bit form for a server without 8BITMIME. */
			mime_choose(s, len, MIME_PREF_AUTO, 0, ch);
			ch->fallback = ch->cte;
			ch->cte = MIME_8BIT;
			ch->why = MIME_WHY_8BIT;
			return;
		}
		mime_choose(s, len, MIME_PREF_AUTO, 0, ch);
		if (!ctl)
			ch->why = MIME_WHY_8BIT_LONG;
		return;
	case MIME_PREF_AUTO:
		break;
	}
	if (ctl) {
		ch->cte = MIME_QP;
		ch->why = MIME_WHY_CONTROL;
	} else if (high * 6 > len) {
		ch->cte = MIME_BASE64;
		ch->why = MIME_WHY_NON_ASCII;
	} else {
		ch->cte = MIME_QP;
		ch->why = high == 0 ? MIME_WHY_LONG : MIME_WHY_MOSTLY_ASCII;
	}
}

/* Base64 (RFC 2045 6.8) in lines of 76 characters. */
void
mime_base64(struct buf *b, const char *s, size_t len)
{
	size_t	i, n;

	buf_grow(b, len / 57 * 78 + 82);
	for (i = 0; i < len; i += n) {
		n = len - i < 57 ? len - i : 57;
		mime_b64_add(b, (const unsigned char *)s + i, n);
		buf_adds(b, "\r\n");
	}
}

/*
 * Quoted-printable (RFC 2045 6.7) for a CRLF body: CRLF are line breaks.
 * Written straight into room made once (an input byte is at most "=XX",
 * with a soft break "=" CRLF before it): this runs for every recipient.
 */
void
mime_qp(struct buf *b, const char *s, size_t len)
{
	size_t		i, col = 0, n;
	unsigned char	c;
	char		*o;
	int		eol, plain;

	/* At most 3 bytes an input byte, and a 3-byte soft break at most
	 * every 72 output bytes: len / 8 covers those. */
	if (len > (SIZE_MAX - 32) / 4)
		fatal(NT("quoted-printable: body too large"));
	buf_grow(b, len * 3 + len / 8 + 32);
	o = b->data + b->len;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
			i++;
			continue;
		}
		/* Space and tab are encoded at the end of a line only. */
		eol = i + 1 == len || (s[i + 1] == '\r' && i + 2 < len &&
		    s[i + 2] == '\n');
		plain = (c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol);
		n = plain ? 1 : 3;
		if (col + n > MIME_LINE_MAX - 1) {
			*o++ = '=';
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
		}
		if (plain)
			*o++ = (char)c;
		else {
			*o++ = '=';
			*o++ = mime_hex[c >> 4];
			*o++ = mime_hex[c & 15];
		}
		col += n;
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

/* Write len bytes of s in lower-case base32 (no padding) to out. */
void
mime_base32(char *out, size_t outlen, const unsigned char *s, size_t len)
{
	size_t		i, o = 0;
	uint32_t	acc = 0;
	int		bits = 0;

	for (i = 0; i < len && o + 1 < outlen; i++) {
		acc = acc << 8 | s[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outlen) {
			bits -= 5;
			out[o++] = MIME_BASE32[(acc >> bits) & 31];
		}
	}
	if (bits > 0 && o + 1 < outlen)
		out[o++] = MIME_BASE32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}
