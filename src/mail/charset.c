/*
 * UTF-8 to ISO-2022-JP for a message (RFC 1468, RFC 2047): the body line
 * by line, the Subject as encoded-words, each piece converted on its own so
 * that it starts and ends in ASCII whatever the converter does inside it.
 * Nothing unmappable is ever dropped or replaced: iconv stops with EILSEQ
 * and the character is named with its line and column.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

#define CHARSET_WORD_OPEN	"=?ISO-2022-JP?B?"
#define CHARSET_WORD_OVERHEAD	18	/* "=?ISO-2022-JP?B?" and "?=" */
#define CHARSET_LINE_MAX	76
#define CHARSET_WORD_MAX	75

/* Full-width forms of U+FF61..U+FF9F (JIS X 0201 kana). */
static const unsigned short charset_kana[] = {
	0x3002, 0x300c, 0x300d, 0x3001, 0x30fb, 0x30f2, 0x30a1, 0x30a3,
	0x30a5, 0x30a7, 0x30a9, 0x30e3, 0x30e5, 0x30e7, 0x30c3, 0x30fc,
	0x30a2, 0x30a4, 0x30a6, 0x30a8, 0x30aa, 0x30ab, 0x30ad, 0x30af,
	0x30b1, 0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd, 0x30bf,
	0x30c1, 0x30c4, 0x30c6, 0x30c8, 0x30ca, 0x30cb, 0x30cc, 0x30cd,
	0x30ce, 0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db, 0x30de, 0x30df,
	0x30e0, 0x30e1, 0x30e2, 0x30e4, 0x30e6, 0x30e8, 0x30e9, 0x30ea,
	0x30eb, 0x30ec, 0x30ed, 0x30ef, 0x30f3, 0x309b, 0x309c,
};

static const char charset_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
charset_parse(const char *name, enum charset *cs)
{
	if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0) {
		*cs = CHARSET_UTF8;
		return 0;
	}
	if (strcasecmp(name, "iso-2022-jp") == 0) {
		*cs = CHARSET_ISO2022JP;
		return 0;
	}
	return -1;
}

const char *
charset_name(enum charset cs)
{
	return cs == CHARSET_ISO2022JP ? "iso-2022-jp" : "utf-8";
}

const char *
charset_mime(enum charset cs)
{
	return cs == CHARSET_ISO2022JP ? "ISO-2022-JP" : "UTF-8";
}

/* The kana cp takes with a voiced (mark 0xff9e) or semi-voiced (0xff9f)
 * mark after it, or 0 when JIS X 0208 has no such character. */
static unsigned int
charset_voiced(unsigned int cp, unsigned int mark)
{
	if (mark == 0xff9e) {
		if (cp == 0x30a6)
			return 0x30f4;
		if ((cp >= 0x30ab && cp <= 0x30c2 && (cp & 1)) ||
		    cp == 0x30c4 || cp == 0x30c6 || cp == 0x30c8)
			return cp + 1;
	}
	if ((cp >= 0x30cf && cp <= 0x30dd && (cp - 0x30cf) % 3 == 0))
		return cp + (mark == 0xff9e ? 1 : 2);
	return 0;
}

/* Half-width kana at s? Its full-width form (joined with a following
 * voiced mark) in *cp, the bytes it took in *used; else 0. */
static int
charset_kana_at(const char *s, size_t len, unsigned int *cp, size_t *used)
{
	unsigned int	c, m, v;
	int		n, k;

	if ((n = utf8_decode(s, len, &c)) <= 0 || c < 0xff61 || c > 0xff9f)
		return 0;
	*cp = charset_kana[c - 0xff61];
	*used = (size_t)n;
	if (c < 0xff9e && (k = utf8_decode(s + n, len - (size_t)n,
	    &m)) > 0 && (m == 0xff9e || m == 0xff9f) &&
	    (v = charset_voiced(*cp, m)) != 0) {
		*cp = v;
		*used += (size_t)k;
	}
	return 1;
}

void
charset_fullwidth(struct buf *b, const char *s, size_t len)
{
	size_t		i = 0, start = 0, used;
	unsigned int	cp;
	char		u[4];

	while (i < len) {
		if ((unsigned char)s[i] != 0xef ||
		    !charset_kana_at(s + i, len - i, &cp, &used)) {
			i++;
			continue;
		}
		buf_add(b, s + start, i - start);
		buf_add(b, u, utf8_encode(cp, u));
		i += used;
		start = i;
	}
	buf_add(b, s + start, len - start);
}

/* Convert in[0..len) into b as one piece ending in the initial (ASCII)
 * state. 0; -1 with errno (EILSEQ: a character it cannot carry). */
static int
charset_conv(iconv_t cd, struct buf *b, const char *in, size_t len)
{
	char	*ip = (char *)(uintptr_t)in, *op;
	size_t	 il = len, ol, room;
	int	 flushed = 0;

	iconv(cd, NULL, NULL, NULL, NULL);
	for (;;) {
		room = il * 4 + 16;
		buf_grow(b, room);
		op = b->data + b->len;
		ol = room;
		if (!flushed && il > 0 &&
		    iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			b->len = (size_t)(op - b->data);
			b->data[b->len] = '\0';
			return -1;
		}
		if (il == 0 && !flushed) {
			/* Back to ASCII: the escape sequence, if any. */
			if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1 &&
			    errno != E2BIG) {
				b->len = (size_t)(op - b->data);
				b->data[b->len] = '\0';
				return -1;
			}
			flushed = 1;
		}
		b->len = (size_t)(op - b->data);
		b->data[b->len] = '\0';
		if (flushed)
			return 0;
	}
}

/* Can cs carry the one character c[0..n)? */
static int
charset_carries(iconv_t cd, struct buf *tmp, const char *c, size_t n)
{
	tmp->len = 0;
	return charset_conv(cd, tmp, c, n) == 0;
}

static iconv_t
charset_open(char **cause)
{
	iconv_t	cd;

	if ((cd = iconv_open("ISO-2022-JP", "UTF-8")) == (iconv_t)-1)
		set_cause(cause, _("iconv cannot convert UTF-8 to "
		    "ISO-2022-JP: %s"), strerror(errno));
	return cd;
}

int
charset_scan(enum charset cs, const char *field, const char *s, size_t len,
    struct charset_bad **v, size_t *n, char **cause)
{
	struct charset_bad	*bad;
	struct buf		 tmp;
	iconv_t			 cd;
	size_t			 i = 0, line = 1, col = 1, used;
	unsigned int		 cp;
	int			 k;

	if (cs == CHARSET_UTF8)
		return 0;
	if ((cd = charset_open(cause)) == (iconv_t)-1)
		return -1;
	buf_init(&tmp);
	while (i < len) {
		if (s[i] == '\n' || s[i] == '\r') {
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			i++;
			line++;
			col = 1;
			continue;
		}
		if ((unsigned char)s[i] < 0x80 && s[i] != '\033') {
			i++;
			col++;
			continue;
		}
		if (charset_kana_at(s + i, len - i, &cp, &used)) {
			/* Written full-width; a joined mark was a
			 * character of its own in the text. */
			col += used / 3;
			i += used;
			continue;
		}
		if (s[i] == '\033') {
			/* iconv passes ESC on, and a reader takes it for
			 * a shift of ISO-2022-JP's own: refused. */
			k = 1;
			cp = 0x1b;
		} else if ((k = utf8_decode(s + i, len - i, &cp)) <= 0) {
			/* Not UTF-8: one byte, reported as U+FFFD so that
			 * the report itself stays UTF-8. */
			k = 1;
			cp = 0xfffd;
		}
		if (cp == 0xfffd || cp == 0x1b ||
		    !charset_carries(cd, &tmp, s + i, (size_t)k)) {
			*v = xreallocarray(*v, *n + 1, sizeof **v);
			bad = &(*v)[(*n)++];
			memset(bad, 0, sizeof *bad);
			bad->field = field;
			bad->line = line;
			bad->column = col;
			bad->cp = cp;
			utf8_encode(cp, bad->ch);
		}
		i += (size_t)k;
		col++;
	}
	buf_free(&tmp);
	iconv_close(cd);
	return 0;
}

/* Set *cause naming the first character of s that cannot be carried. */
static int
charset_refuse(const char *what, const char *s, size_t len, char **cause)
{
	struct charset_bad	*v = NULL;
	size_t			 n = 0;

	if (charset_scan(CHARSET_ISO2022JP, what, s, len, &v, &n,
	    cause) == -1)
		return -1;
	if (n == 0) {
		set_cause(cause, _("%s: iconv cannot convert the text to "
		    "ISO-2022-JP"), what);
		return -1;
	}
	if (strcmp(what, "Subject") == 0)
		set_cause(cause, _("Subject, column %zu: '%s' (U+%04X) cannot "
		    "be written in ISO-2022-JP"), v[0].column, v[0].ch,
		    v[0].cp);
	else
		set_cause(cause, _("body line %zu, column %zu: '%s' (U+%04X) "
		    "cannot be written in ISO-2022-JP"), v[0].line,
		    v[0].column, v[0].ch, v[0].cp);
	free(v);
	return -1;
}

int
charset_jis(struct buf *b, const char *what, const char *s, size_t len,
    char **cause)
{
	struct buf	 fw;
	iconv_t		 cd;
	const char	*p, *end, *eol;
	int		 rc = -1;

	if (memchr(s, '\033', len) != NULL)
		return charset_refuse(what, s, len, cause);
	if ((cd = charset_open(cause)) == (iconv_t)-1)
		return -1;
	buf_init(&fw);
	charset_fullwidth(&fw, s, len);
	p = fw.data != NULL ? fw.data : "";
	end = p + fw.len;
	/* Line by line: every line starts and ends in ASCII (RFC 1468). */
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		if (charset_conv(cd, b, p, (size_t)(eol - p)) == -1) {
			if (errno == EILSEQ || errno == EINVAL)
				charset_refuse(what, s, len, cause);
			else
				set_cause(cause, "%s: iconv: %s", what,
				    strerror(errno));
			goto out;
		}
		p = eol;
	}
	rc = 0;
out:
	buf_free(&fw);
	iconv_close(cd);
	return rc;
}

/* Append in[0..len) in base64. */
static void
charset_b64_add(struct buf *b, const unsigned char *s, size_t len)
{
	uint32_t	v;
	size_t		i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		buf_addc(b, charset_b64[v >> 18]);
		buf_addc(b, charset_b64[(v >> 12) & 63]);
		buf_addc(b, charset_b64[(v >> 6) & 63]);
		buf_addc(b, charset_b64[v & 63]);
	}
	if (i < len) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		buf_addc(b, charset_b64[v >> 18]);
		buf_addc(b, charset_b64[(v >> 12) & 63]);
		buf_addc(b, i + 1 < len ? charset_b64[(v >> 6) & 63] : '=');
		buf_addc(b, '=');
	}
}

int
charset_jis_words(struct buf *b, const char *what, const char *s,
    size_t len, size_t *col, char **cause)
{
	struct buf	 fw, piece, best, best3;
	iconv_t		 cd;
	const char	*p;
	size_t		 off = 0, n, n3, clen, room, plen;
	unsigned int	 cp;
	int		 k, first = 1, rc = -1;

	if (memchr(s, '\033', len) != NULL)
		return charset_refuse(what, s, len, cause);
	if ((cd = charset_open(cause)) == (iconv_t)-1)
		return -1;
	buf_init(&fw);
	buf_init(&piece);
	buf_init(&best);
	buf_init(&best3);
	charset_fullwidth(&fw, s, len);
	p = fw.data != NULL ? fw.data : "";
	plen = fw.len;
	do {
		/* One word a line, the first where it starts when a
		 * character fits (as mime_encode_words). */
		if (!first || *col + CHARSET_WORD_OVERHEAD + 12 >
		    CHARSET_LINE_MAX) {
			buf_adds(b, "\r\n ");
			*col = 1;
		}
		first = 0;
		room = CHARSET_LINE_MAX - *col;
		if (room > CHARSET_WORD_MAX)
			room = CHARSET_WORD_MAX;
		room -= CHARSET_WORD_OVERHEAD;
		/*
		 * Whole characters while the converted piece, escape
		 * sequences and all, still fits in base64. A word that is
		 * not the last ends, where it can, on a multiple of 3 bytes
		 * (no "=" padding): GMime, among others, joins the base64
		 * of adjacent words of one charset before decoding it, and
		 * stops at padding in the middle.
		 */
		n = n3 = 0;
		best.len = best3.len = 0;
		while (off + n < plen) {
			if ((k = utf8_decode(p + off + n, plen - off - n,
			    &cp)) <= 0)
				k = 1;
			clen = (size_t)k;
			piece.len = 0;
			if (charset_conv(cd, &piece, p + off, n + clen) == -1) {
				charset_refuse(what, s, len, cause);
				goto out;
			}
			if (n != 0 && (piece.len + 2) / 3 * 4 > room)
				break;
			n += clen;
			best.len = 0;
			buf_add(&best, piece.data, piece.len);
			if (piece.len % 3 == 0) {
				n3 = n;
				best3.len = 0;
				buf_add(&best3, piece.data, piece.len);
			}
		}
		if (off + n < plen && n3 != 0) {
			n = n3;
			best.len = 0;
			buf_add(&best, best3.data, best3.len);
		}
		buf_adds(b, CHARSET_WORD_OPEN);
		charset_b64_add(b, (const unsigned char *)best.data, best.len);
		buf_adds(b, "?=");
		*col += CHARSET_WORD_OVERHEAD + (best.len + 2) / 3 * 4;
		off += n;
	} while (off < plen);
	rc = 0;
out:
	buf_free(&fw);
	buf_free(&piece);
	buf_free(&best);
	buf_free(&best3);
	iconv_close(cd);
	return rc;
}

int
charset_to_utf8(struct buf *b, const char *mime, const char *s, size_t len)
{
	iconv_t	 cd;
	char	*ip = (char *)(uintptr_t)s, *op;
	size_t	 il = len, ol, room, mark = b->len;

	if (strcasecmp(mime, "ISO-2022-JP") != 0)
		return -1;
	if ((cd = iconv_open("UTF-8", "ISO-2022-JP")) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		room = il * 2 + 16;
		buf_grow(b, room);
		op = b->data + b->len;
		ol = room;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			b->len = mark;
			if (b->data != NULL)
				b->data[mark] = '\0';
			iconv_close(cd);
			return -1;
		}
		b->len = (size_t)(op - b->data);
		b->data[b->len] = '\0';
	}
	iconv_close(cd);
	return 0;
}
