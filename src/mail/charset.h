/*
 * The charset a message goes out in: UTF-8 (the default) or ISO-2022-JP
 * (RFC 1468), which older Japanese mail readers and some corporate
 * gateways still expect. Text is kept in UTF-8 everywhere else; it is
 * converted here (glibc's iconv "ISO-2022-JP") as the message is rendered.
 *
 * ISO-2022-JP carries ASCII, JIS X 0201 Roman and JIS X 0208 only. What it
 * cannot carry (circled digits ①, ㈱, 髙, emoji, FULLWIDTH TILDE ～ ...) is
 * never replaced by '?': it is reported, with the line and column, so the
 * operator rewrites it. Half-width katakana (JIS X 0201 kana, absent from
 * ISO-2022-JP) are written as their full-width JIS X 0208 forms, a voiced
 * mark joining the kana before it (ｶﾞ -> ガ), as Japanese mail readers have
 * always done: the text reads the same and nothing is lost.
 *
 * Display names go as ISO-2022-JP words too when they can; a name it
 * cannot carry stays in UTF-8 words (a header never refuses a recipient).
 * A merge value in the Subject or body it cannot carry refuses that
 * recipient alone, named in its recorded error; `herald issue check` finds
 * such members beforehand by rendering each one's values.
 */
#ifndef HERALD_CHARSET_H
#define HERALD_CHARSET_H

#include <stddef.h>

#include "base/util.h"

enum charset {
	CHARSET_UTF8,
	CHARSET_ISO2022JP,
};

/* "utf-8" or "iso-2022-jp" (any letter case; "utf8" too) into *cs:
 * 0, or -1 for another name. */
int		 charset_parse(const char *name, enum charset *cs);
/* The name as stored and configured: "utf-8", "iso-2022-jp". */
const char	*charset_name(enum charset);
/* The MIME name for Content-Type and encoded-words. */
const char	*charset_mime(enum charset);

/* One character the charset cannot carry. */
struct charset_bad {
	const char	*field;		/* "subject" or "body" */
	size_t		 line;		/* 1-based */
	size_t		 column;	/* 1-based, in characters */
	unsigned int	 cp;		/* the code point */
	char		 ch[5];		/* the character, UTF-8 */
};

/* Append to *v (n of them) the characters of UTF-8 text s[0..len) that cs
 * cannot carry; field names it. 0, or -1 when iconv cannot be opened. */
int		 charset_scan(enum charset cs, const char *field,
		    const char *s, size_t len, struct charset_bad **v,
		    size_t *n, char **cause);

/* Append s[0..len) (UTF-8, CRLF line ends) converted to ISO-2022-JP, each
 * line starting and ending in ASCII. -1 with *cause naming the first
 * character it cannot carry (what: "body", "Subject"). */
int		 charset_jis(struct buf *, const char *what, const char *s,
		    size_t len, char **cause);
/* Append s[0..len) (UTF-8, one line) as encoded-words
 * "=?ISO-2022-JP?B?...?=", each converted on its own so that it starts
 * and ends in ASCII (RFC 1468), at most 75 characters, folded so no line
 * passes 76 columns; *col is the current column. -1 as charset_jis. */
int		 charset_jis_words(struct buf *, const char *what,
		    const char *s, size_t len, size_t *col, char **cause);

/* Append s[0..len) in the MIME charset mime (ISO-2022-JP) converted to
 * UTF-8, for reading (the console's decoded preview). -1 for another
 * charset or text that does not decode (b as it was). */
int		 charset_to_utf8(struct buf *, const char *mime, const char *s,
		    size_t len);

/* Append s[0..len) with half-width katakana made full-width. */
void		 charset_fullwidth(struct buf *, const char *s, size_t len);

#endif
