/* UTF-8 validation, decoding and display width. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "util.h"

/* Decode one UTF-8 character; rejects overlongs, surrogates and > U+10FFFF. */
int
utf8_decode(const char *s, size_t len, unsigned int *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned int		 c, min;
	int			 n, i;

	if (len == 0)
		return -1;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else
		return -1;
	if (len < (size_t)n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

/* Check a whole buffer, reporting where the first bad byte is. */
int
utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t		i = 0;
	unsigned int	cp;
	int		n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += (size_t)n;
	}
	return 1;
}

/* Columns one code point takes; unprintable ones are shown as one '?'. */
int
utf8_cpwidth(unsigned int cp)
{
	int	w;

	if (cp < 0x20 || cp == 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w;
}

/* Columns of a whole string. */
int
utf8_width(const char *s)
{
	size_t		len = strlen(s), i = 0;
	unsigned int	cp;
	int		n, w = 0;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			w++;
			i++;
			continue;
		}
		w += utf8_cpwidth(cp);
		i += (size_t)n;
	}
	return w;
}

/* Bytes of s that fit within cols columns, ending on a character boundary. */
size_t
utf8_prefix(const char *s, int cols)
{
	size_t		len = strlen(s), i = 0;
	unsigned int	cp;
	int		n, cw, w = 0;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			n = 1;
			cw = 1;
		} else
			cw = utf8_cpwidth(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += (size_t)n;
	}
	return i;
}

/* Crop and pad s to exactly cols columns; control bytes shown as '?'. */
char *
utf8_fit(const char *s, int cols, int ellipsis)
{
	struct buf	 b;
	size_t		 len, i = 0;
	unsigned int	 cp;
	int		 n, cw, w = 0, limit;

	if (cols <= 0)
		return xstrdup("");
	buf_init(&b);
	len = strlen(s);
	limit = cols;
	if (ellipsis && utf8_width(s) > cols)
		limit = cols - 1;
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			n = 1;
			cp = '?';
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		cw = utf8_cpwidth(cp);
		if (w + cw > limit)
			break;
		if (cp == '?' && (unsigned char)s[i] != '?')
			buf_addc(&b, '?');
		else
			buf_add(&b, s + i, (size_t)n);
		w += cw;
		i += (size_t)n;
	}
	if (i < len && ellipsis && w < cols) {
		buf_adds(&b, "\xe2\x80\xa6");	/* … */
		w++;
	}
	while (w < cols) {
		buf_addc(&b, ' ');
		w++;
	}
	return buf_take(&b);
}

/* One code point as UTF-8. */
size_t
utf8_encode(unsigned int cp, char u[4])
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Display widths (wcwidth) and wide-character curses need a UTF-8
 * character type, and everything herald prints is UTF-8 (its data is),
 * so a locale that is not UTF-8 (LANG=C, unset, Latin-1) gets LC_CTYPE
 * C.UTF-8. Returns 0 when the operator's locale is UTF-8, 1 after that
 * fallback, -1 when no UTF-8 locale could be set; was (if not NULL) gets
 * the operator's codeset.
 */
int
utf8_locale(char *was, size_t len)
{
	const char	*cs, *env = NULL;

	if (setlocale(LC_CTYPE, "") != NULL) {
		if (strcmp(cs = nl_langinfo(CODESET), "UTF-8") == 0)
			return 0;
	} else {
		/* Not installed: name what was asked for. */
		if ((env = getenv("LC_ALL")) == NULL || *env == '\0')
			if ((env = getenv("LC_CTYPE")) == NULL || *env == '\0')
				env = getenv("LANG");
		cs = env != NULL && *env != '\0' ? env : "C";
	}
	if (was != NULL)
		snprintf(was, len, "%s", cs);
	return setlocale(LC_CTYPE, "C.UTF-8") != NULL ? 1 : -1;
}
