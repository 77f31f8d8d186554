/*
 * The character encoding of an imported file. herald stores UTF-8; a file
 * in another encoding is converted with iconv (glibc's converters know
 * every encoding address lists come in) as it is read, a buffer at a time,
 * so an import still streams and still names the line of a bad row.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_enc.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

/* Refusing a file takes at least four double-byte characters. */
#define IMPORT_ENC_EVIDENCE	8

struct import_conv {
	iconv_t	cd;
	size_t	unit;		/* bytes skipped past an invalid sequence */
	int	by_line;	/* each line starts in the initial state */
	int	flushed;
};

static const struct {
	const char		*name;		/* as --encoding takes it */
	enum import_encoding	 enc;
	const char		*iconv;		/* glibc's name */
} import_encs[] = {
	{ "auto", IMPORT_ENC_AUTO, NULL },
	{ "utf-8", IMPORT_ENC_UTF8, NULL },
	{ "cp932", IMPORT_ENC_CP932, "CP932" },
	{ "euc-jp", IMPORT_ENC_EUCJP, "EUC-JP" },
	{ "iso-2022-jp", IMPORT_ENC_ISO2022JP, "ISO-2022-JP" },
	/* Files called Latin-1 are nearly always Windows-1252, which only
	 * adds printable characters where Latin-1 has C1 controls. */
	{ "latin1", IMPORT_ENC_LATIN1, "CP1252" },
	{ "utf-16", IMPORT_ENC_UTF16, NULL },
	/* Other names people know them by. */
	{ "utf8", IMPORT_ENC_UTF8, NULL },
	{ "shift-jis", IMPORT_ENC_CP932, NULL },
	{ "shift_jis", IMPORT_ENC_CP932, NULL },
	{ "sjis", IMPORT_ENC_CP932, NULL },
	{ "windows-31j", IMPORT_ENC_CP932, NULL },
	{ "eucjp", IMPORT_ENC_EUCJP, NULL },
	{ "latin-1", IMPORT_ENC_LATIN1, NULL },
	{ "iso-8859-1", IMPORT_ENC_LATIN1, NULL },
	{ "cp1252", IMPORT_ENC_LATIN1, NULL },
	{ "windows-1252", IMPORT_ENC_LATIN1, NULL },
	{ "utf16", IMPORT_ENC_UTF16, NULL },
};

/* Parse an --encoding name (any letter case); -1 if unknown. */
int
import_encoding_parse(const char *s, enum import_encoding *enc)
{
	size_t	i;

	for (i = 0; i < nitems(import_encs); i++) {
		if (strcasecmp(s, import_encs[i].name) == 0) {
			*enc = import_encs[i].enc;
			return (0);
		}
	}
	return (-1);
}

/* The name of an encoding, as --encoding takes it. */
const char *
import_encoding_name(enum import_encoding enc)
{
	size_t	i;

	for (i = 0; i < nitems(import_encs); i++)
		if (import_encs[i].enc == enc)
			return (import_encs[i].name);
	return ("unknown");
}

/* glibc's name for an encoding. */
static const char *
import_enc_iconv(const struct import_enc_choice *ch)
{
	size_t	i;

	if (ch->enc == IMPORT_ENC_UTF16)
		return (ch->big_endian ? "UTF-16BE" : "UTF-16LE");
	for (i = 0; i < nitems(import_encs); i++)
		if (import_encs[i].enc == ch->enc && import_encs[i].iconv != NULL)
			return (import_encs[i].iconv);
	return (NULL);
}

/* 1 if iconv decodes s[0..len) from code without an invalid sequence (a
 * character cut at the end of the sample is fine). */
static int
import_enc_decodes(const char *code, const char *s, size_t len)
{
	char	 tmp[4096], *in = (char *)s, *out;
	size_t	 inleft = len, outleft;
	iconv_t	 cd;
	int	 ok = 1;

	if ((cd = iconv_open("UTF-8", code)) == (iconv_t)-1)
		return (0);
	while (inleft > 0) {
		out = tmp;
		outleft = sizeof tmp;
		if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		ok = errno == EINVAL;
		break;
	}
	iconv_close(cd);
	return (ok);
}

/* High bytes a guess for messages needs (a refusal needs more). */
#define IMPORT_ENC_GUESS_MIN	2

/*
 * What a sample that is not UTF-8 looks like. Shift-JIS text is full of
 * lead bytes 0x81-0x9F (kana and the common kanji), which EUC-JP and
 * Latin-1 text almost never hold; EUC-JP is bytes 0xA1-0xFE in pairs;
 * anything else is taken for Latin-1/Windows-1252, where every byte is a
 * character.
 */
static enum import_encoding
import_enc_likely(const char *s, size_t len, size_t min_high)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, high = 0, lead = 0;

	for (i = 0; i < len; i++) {
		high += u[i] >= 0x80;
		lead += u[i] >= 0x81 && u[i] <= 0x9f;
	}
	if (high < min_high)
		return (IMPORT_ENC_LATIN1);
	if (lead * 4 >= high && import_enc_decodes("CP932", s, len))
		return (IMPORT_ENC_CP932);
	if (import_enc_decodes("EUC-JP", s, len))
		return (IMPORT_ENC_EUCJP);
	return (IMPORT_ENC_LATIN1);
}

/* What s[0..len) looks like, and the option that reads it. */
const char *
import_enc_guess(const char *s, size_t len)
{
	switch (import_enc_likely(s, len, IMPORT_ENC_GUESS_MIN)) {
	case IMPORT_ENC_CP932:
		return (_("Shift-JIS (CP932); use --encoding cp932"));
	case IMPORT_ENC_EUCJP:
		return (_("EUC-JP; use --encoding euc-jp"));
	default:
		return (_("Latin-1 (Windows-1252); use --encoding latin1"));
	}
}

/* 1 if s[0..len) is 7-bit and switches to a JIS character set. */
static int
import_enc_iso2022(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	int		 esc = 0;
	size_t		 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return (0);
	while ((p = memchr(p, '\x1b', (size_t)(end - p))) != NULL) {
		if (end - p >= 3 && (memcmp(p, "\x1b$B", 3) == 0 ||
		    memcmp(p, "\x1b$@", 3) == 0 || memcmp(p, "\x1b(J", 3) == 0))
			esc = 1;
		p++;
	}
	return (esc);
}

/* 1 if a line of s[0..len) holding non-ASCII bytes is valid UTF-8: then
 * the file is UTF-8 and its bad bytes are damage, not another encoding. */
static int
import_enc_some_utf8(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *nl;
	size_t		 n, i, bad;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return (0);	/* the last line may be cut */
		n = (size_t)(nl - p);
		for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
			/* nothing */;
		if (i < n && utf8_valid(p, n, &bad))
			return (1);
	}
	return (0);
}

/*
 * Decide how to read a file; see import_enc.h.
 *
 * Without --encoding a file is converted only when it says what it is: a
 * UTF-16 byte order mark, or ISO-2022-JP's escape sequences (which no
 * other text holds). Bytes that are not UTF-8 say nothing for sure: the
 * same bytes are valid Shift-JIS and Latin-1 ("Renée" in Latin-1 reads
 * as a kanji in CP932), and a wrong guess would store every name garbled
 * and mail them so without a word. So a file that looks Japanese (its
 * bytes pair up as Shift-JIS or EUC-JP throughout) is refused before
 * anything is stored, naming the encoding and the option that reads it:
 * one more command, and nothing silently lost or mangled. High bytes that
 * only Latin-1 explains are as often a few corrupt bytes in a UTF-8 file:
 * those rows are reported invalid one by one, with the same hint.
 */
int
import_enc_choose(const char *path, const char *s, size_t len, int eof,
    enum import_encoding given, struct import_enc_choice *ch, char **cause)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 bad, i;
	unsigned long long	 line = 1;

	memset(ch, 0, sizeof *ch);
	ch->enc = given;
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		if (given != IMPORT_ENC_AUTO && given != IMPORT_ENC_UTF16) {
			ch->suggest = IMPORT_ENC_UTF16;
			return (set_cause(cause, _("%s starts with a UTF-16 byte "
			    "order mark: use --encoding utf-16"), path));
		}
		ch->enc = IMPORT_ENC_UTF16;
		ch->big_endian = u[0] == 0xfe;
		ch->skip = 2;
		return (0);
	}
	if (given == IMPORT_ENC_UTF16) {
		/* No byte order mark: text starts with an ASCII character,
		 * whose zero byte comes first in big-endian. */
		ch->big_endian = len >= 2 && u[0] == 0 && u[1] != 0;
		return (0);
	}
	if (given != IMPORT_ENC_AUTO)
		return (0);
	ch->enc = IMPORT_ENC_UTF8;
	if (import_enc_iso2022(s, len)) {
		ch->enc = IMPORT_ENC_ISO2022JP;
		return (0);
	}
	/* A NUL is left to the binary-file check; a character cut by the
	 * end of the sample is no error. */
	if (utf8_valid(s, len, &bad) || (!eof && len - bad < 4) ||
	    memchr(s, '\0', len) != NULL || import_enc_some_utf8(s, len) ||
	    import_enc_likely(s, len, IMPORT_ENC_EVIDENCE) == IMPORT_ENC_LATIN1)
		return (0);
	for (i = 0; i < bad; i++)
		line += s[i] == '\n';
	ch->suggest = import_enc_likely(s, len, IMPORT_ENC_GUESS_MIN);
	return (set_cause(cause, _("%s is not UTF-8 (line %llu): this file looks "
	    "like %s"), path, line, import_enc_guess(s, len)));
}

/* A converter to UTF-8 for the choice; see import_enc.h. */
struct import_conv *
import_conv_new(const struct import_enc_choice *ch, char **cause)
{
	struct import_conv	*c;
	const char		*code = import_enc_iconv(ch);

	if (code == NULL) {
		set_cause(cause, _("no converter for %s"),
		    import_encoding_name(ch->enc));
		return (NULL);
	}
	c = xcalloc(1, sizeof *c);
	if ((c->cd = iconv_open("UTF-8", code)) == (iconv_t)-1) {
		set_cause(cause, _("cannot convert from %s: %s"), code,
		    strerror(errno));
		free(c);
		return (NULL);
	}
	c->unit = ch->enc == IMPORT_ENC_UTF16 ? 2 : 1;
	/* An ISO-2022-JP line ends in ASCII (RFC 1468); glibc carries a JIS
	 * set over a newline, so a line that does not would spoil the rest
	 * of the file: each line is converted on its own. */
	c->by_line = ch->enc == IMPORT_ENC_ISO2022JP;
	return (c);
}

/* Convert a buffer; see import_enc.h. */
size_t
import_conv_run(struct import_conv *c, const char *in, size_t *inlen,
    int eof, char *out, size_t outlen)
{
	char		*ip = (char *)in, *op = out, *nl = NULL;
	size_t		 il = *inlen, ol = outlen, skip, n, left, r;

	/* Keep room for a marker and a newline, or a shift sequence. */
	while (il > 0 && ol > 8) {
		n = il;
		if (c->by_line && (nl = memchr(ip, '\n', il)) != NULL)
			n = (size_t)(nl - ip) + 1;
		left = n;
		r = iconv(c->cd, &ip, &left, &op, &ol);
		il -= n - left;
		if (r != (size_t)-1) {
			if (c->by_line)
				iconv(c->cd, NULL, NULL, NULL, NULL);
			continue;
		}
		/* A character cut by the end of what was read is whole
		 * once more is read. */
		if (errno == E2BIG || (errno == EINVAL && !eof && nl == NULL))
			break;
		*op++ = IMPORT_ENC_BAD;
		ol--;
		skip = il < c->unit ? il : c->unit;
		/* A newline the converter refuses (ISO-2022-JP left in a JIS
		 * set) still ends the line, and the next starts afresh. */
		if (c->unit == 1 && *ip == '\n') {
			*op++ = '\n';
			ol--;
			iconv(c->cd, NULL, NULL, NULL, NULL);
		}
		ip += skip;
		il -= skip;
	}
	if (eof && il == 0 && !c->flushed && ol > 8) {
		iconv(c->cd, NULL, NULL, &op, &ol);
		c->flushed = 1;
	}
	*inlen = (size_t)(ip - in);
	return ((size_t)(op - out));
}

/* Free a converter. */
void
import_conv_free(struct import_conv *c)
{
	if (c == NULL)
		return;
	iconv_close(c->cd);
	free(c);
}
