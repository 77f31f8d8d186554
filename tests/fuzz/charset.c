/*
 * A fuzz harness for the ISO-2022-JP writer (src/mail/charset.c): any
 * bytes in as UTF-8 text.
 *
 *   charset_scan      every character it reports is one of the text, at
 *                     the line and column a reader counts (CR, LF and CRLF
 *                     end a line; a column is a character), in order
 *   charset_jis       succeeds exactly when the scan found nothing; 7-bit,
 *                     every line ends in ASCII, and it reads back (iconv)
 *                     as the text with half-width kana made full-width
 *   charset_jis_words the same for encoded-words: no line past 76
 *                     columns, each word at most 75 characters and
 *                     decoding on its own, all of them the text again
 *
 * Text that is not UTF-8 is refused (scan reports it, both writers fail
 * with a cause), never crashes.
 *
 *   make fuzz                 builds build/fuzz/charset (clang, libFuzzer,
 *                             ASan + UBSan)
 *   build/fuzz/charset -max_len=4096 tests/data/charset
 *
 * Built with FUZZ_REPLAY (as build/tests/test_fuzz_charset, by `make
 * unit-bin`) it has its own main: every file of tests/data/charset, whole
 * and cut at every length, goes through the same entry point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "mail/charset.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
seven_bit(const struct buf *b)
{
	size_t	i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			abort();
}

/* Every line of ISO-2022-JP text j[0..len) ends in ASCII (ESC ( B). */
static void
ends_ascii(const char *j, size_t len)
{
	size_t	i;
	int	ascii = 1;

	for (i = 0; i < len; i++) {
		if (j[i] == '\033' && i + 2 < len) {
			ascii = j[i + 1] == '(' && j[i + 2] == 'B';
			i += 2;
		} else if (j[i] == '\n' && !ascii)
			abort();
	}
	if (!ascii)
		abort();
}

/* The reported characters are the text's, at its lines and columns. */
static void
positions(const char *s, size_t len, const struct charset_bad *v, size_t n)
{
	size_t		i = 0, k = 0, line = 1, col = 1, cl;
	unsigned int	cp;
	int		c;

	while (i < len && k < n) {
		if (s[i] == '\r' || s[i] == '\n') {
			i += s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ?
			    2 : 1;
			line++;
			col = 1;
			continue;
		}
		cl = (c = utf8_decode(s + i, len - i, &cp)) > 0 ? (size_t)c : 1;
		if (v[k].line == line && v[k].column == col) {
			if (c > 0 && (v[k].cp != cp || memcmp(v[k].ch, s + i,
			    cl) != 0 || v[k].ch[cl] != '\0'))
				abort();
			/* Not UTF-8: named as U+FFFD, never its raw byte. */
			if (c <= 0 && (v[k].cp != 0xfffd ||
			    strcmp(v[k].ch, "\xef\xbf\xbd") != 0))
				abort();
			k++;
		}
		i += cl;
		col++;
	}
	if (k != n)
		abort();
}

/* Append the base64 s[0..len) decoded; -1 when it is not base64. */
static int
b64_dec(struct buf *b, const char *s, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*c;
	uint32_t		 v = 0;
	size_t			 i, bits = 0;

	for (i = 0; i < len && s[i] != '='; i++) {
		if ((c = strchr(a, s[i])) == NULL || s[i] == '\0')
			return -1;
		v = v << 6 | (uint32_t)(c - a);
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_addc(b, (char)(v >> bits & 0xff));
		}
	}
	for (; i < len; i++)
		if (s[i] != '=')
			return -1;
	return 0;
}

/* Check the words charset_jis_words wrote at w[from..) from column col0;
 * their text (decoded) goes into *text. */
static void
words(const struct buf *w, size_t col0, size_t col, struct buf *text)
{
	const char	*p = w->data, *end = w->data + w->len, *eol, *q;
	const char	*word, *wend;
	size_t		 linecol = col0, n;
	struct buf	 raw;

	buf_init(&raw);
	seven_bit(w);
	for (;;) {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			eol = end;
		if (linecol + (size_t)(eol - p) > 76)
			abort();
		linecol += (size_t)(eol - p);
		/* one or more words, separated by nothing: here one */
		for (q = p; q < eol; q = wend) {
			if (*q == ' ') {
				wend = q + 1;
				continue;
			}
			word = q;
			if (strncmp(q, "=?ISO-2022-JP?B?", 16) != 0)
				abort();
			q += 16;
			for (wend = q; wend < eol && *wend != '?'; wend++)
				;
			if (wend + 2 > eol || wend[1] != '=')
				abort();
			wend += 2;
			if (wend - word > 75)
				abort();
			raw.len = 0;
			n = (size_t)(wend - 2 - q);
			if (n % 4 != 0 || b64_dec(&raw, q, n) == -1)
				abort();
			ends_ascii(raw.data != NULL ? raw.data : "", raw.len);
			if (charset_to_utf8(text, "ISO-2022-JP", raw.data !=
			    NULL ? raw.data : "", raw.len) == -1)
				abort();
		}
		if (eol == end)
			break;
		p = eol + 2;
		if (*p != ' ')
			abort();
		linecol = 0;
	}
	if (linecol != col)
		abort();
	buf_free(&raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*s;
	char			*copy, *cause = NULL;
	struct charset_bad	*v = NULL;
	struct buf		 j, fw, back, w, text;
	size_t			 n = 0, bad, col, col0;
	int			 valid, rj, rw;

	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	s = copy;
	valid = utf8_valid(s, size, &bad);
	if (charset_scan(CHARSET_UTF8, "body", s, size, &v, &n, &cause) != 0 ||
	    n != 0)
		abort();
	if (charset_scan(CHARSET_ISO2022JP, "body", s, size, &v, &n,
	    &cause) != 0)
		abort();
	positions(s, size, v, n);
	if (!valid && n == 0)
		abort();

	buf_init(&j);
	buf_init(&fw);
	buf_init(&back);
	buf_init(&w);
	buf_init(&text);
	rj = charset_jis(&j, "body", s, size, &cause);
	if ((rj == 0) != (n == 0) || (rj == -1) != (cause != NULL))
		abort();
	free(cause);
	cause = NULL;
	if (rj == 0) {
		seven_bit(&j);
		ends_ascii(j.data != NULL ? j.data : "", j.len);
		charset_fullwidth(&fw, s, size);
		if (charset_to_utf8(&back, "ISO-2022-JP", j.data != NULL ?
		    j.data : "", j.len) == -1 || back.len != fw.len ||
		    (fw.len != 0 && memcmp(back.data, fw.data, fw.len) != 0))
			abort();
	}

	/* The words: one line of text, from a column the input picks. */
	if (size > 0 && memchr(s, '\n', size) == NULL &&
	    memchr(s, '\r', size) == NULL) {
		col0 = col = (unsigned char)s[0] % 70;
		rw = charset_jis_words(&w, "Subject", s, size, &col, &cause);
		if ((rw == 0) != (n == 0) || (rw == -1) != (cause != NULL))
			abort();
		if (rw == 0) {
			words(&w, col0, col, &text);
			if (text.len != fw.len || memcmp(text.data, fw.data,
			    fw.len) != 0)
				abort();
		}
		free(cause);
	}
	buf_free(&j);
	buf_free(&fw);
	buf_free(&back);
	buf_free(&w);
	buf_free(&text);
	free(v);
	free(copy);
	return 0;
}

#ifdef FUZZ_REPLAY
#include "replay.h"

static int
replay(const char *path, int *files)
{
	return replay_every_cut(path, files, 8192);
}

int
main(int argc, char **argv)
{
	return replay_dir(argc > 1 ? argv[1] : "tests/data/charset", replay,
	    1);
}
#endif
