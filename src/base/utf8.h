/*
 * UTF-8 validation and display width. Text on screen is cropped and padded
 * by display columns (wcwidth), never by bytes, so wide characters (CJK)
 * stay aligned and no character is cut in half.
 */
#ifndef HERALD_UTF8_H
#define HERALD_UTF8_H

#include <stddef.h>

/* 1 if s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF);
 * else 0 with *bad set to the offset of the first bad byte. */
int	 utf8_valid(const char *s, size_t len, size_t *bad);
/* Decode one character at s (len bytes available); returns its length,
 * or -1 if invalid. */
int	 utf8_decode(const char *s, size_t len, unsigned int *cp);
/* Encode code point cp (at most U+10FFFF) as UTF-8 into u; returns its
 * length, 1 to 4. */
size_t	 utf8_encode(unsigned int cp, char u[4]);
/* Display columns of one code point (0 for combining, 2 for wide). */
int	 utf8_cpwidth(unsigned int cp);
/* Display columns of a NUL-terminated string (invalid bytes count 1). */
int	 utf8_width(const char *s);
/*
 * Copy s into an allocated string exactly cols columns wide: cropped at a
 * character boundary (with "…" as the last column when cropped and
 * ellipsis is set) and padded with spaces. Control characters become '?'.
 */
char	*utf8_fit(const char *s, int cols, int ellipsis);
/* Bytes of s that fit in cols columns (character boundary). */
size_t	 utf8_prefix(const char *s, int cols);

/* LC_CTYPE from the environment if it is UTF-8, else C.UTF-8: 0 kept,
 * 1 fell back (was: the environment's codeset), -1 no UTF-8 locale. */
int	 utf8_locale(char *was, size_t len);

#endif
