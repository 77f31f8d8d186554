/*
 * The MIME pieces of a message (RFC 2045-2047, RFC 5322 folding): header
 * values as plain or encoded-words, mailboxes, the body's line ends and
 * transfer encodings. Inside the message module only (message*.c):
 * nothing here validates its input, the caller has already refused line
 * breaks and invalid UTF-8.
 */
#ifndef HERALD_MIME_H
#define HERALD_MIME_H

#include <stddef.h>

#include "base/util.h"

/* Lines holding encoded-words are kept to this many columns (RFC 2047). */
#define MIME_LINE_MAX	76
/* An encoded-word is at most this long (RFC 2047 section 2). */
#define MIME_WORD_MAX	75
/* The longest line SMTP carries, without its CRLF (RFC 5322 2.1.1). */
#define MIME_HARD_MAX	998
/* Lines of a 7bit body are at most this long (RFC 5322 2.1.1 SHOULD). */
#define MIME_SOFT_MAX	78

enum mime_cte {
	MIME_7BIT,
	MIME_8BIT,
	MIME_QP,
	MIME_BASE64,
};
const char	*mime_cte_name(enum mime_cte);

/* 1 if s[0..len) is all ASCII. */
int		 mime_is_ascii(const char *s, size_t len);
/*
 * Append s[0..len) as encoded-words ("=?UTF-8?Q?...?=", or "?B?" when Q
 * would be a quarter longer), each at most 75 characters and never
 * splitting a character, folded so that no line passes 76 columns. *col is
 * the current column, updated. Safe in a phrase (display name) as well as
 * in unstructured text.
 */
void		 mime_encode_words(struct buf *, const char *s, size_t len,
		    size_t *col);
/* Append an unstructured value (Subject): folded at white space when it is
 * plain short-worded ASCII, otherwise as encoded-words. */
void		 mime_unstructured(struct buf *, const char *s, size_t len,
		    size_t *col);
/* Append a mailbox: addr alone, or "phrase <addr>" with the display name
 * as atoms, a quoted-string or encoded-words. */
void		 mime_mailbox(struct buf *, const char *name, const char *addr,
		    size_t *col);
/* Append the decoded form of an RFC 2047 header value (for tests):
 * encoded-words decoded, white space between them dropped.
 * Returns -1 if an encoded-word is malformed. */
int		 mime_decode_words(struct buf *, const char *s, size_t len);

/* Append s[0..len) with every CR, LF and CRLF turned into CRLF, and a
 * final CRLF added when the text does not end with one. */
void		 mime_crlf(struct buf *, const char *s, size_t len);
/* What the issue asks for (its Encoding, config transfer_encoding). */
enum mime_pref {
	MIME_PREF_AUTO,		/* by content: 7bit, quoted-printable or
				 * base64 */
	MIME_PREF_QP,
	MIME_PREF_BASE64,
	MIME_PREF_8BIT,		/* 8bit when lines allow, with a 7-bit form
				 * for servers without 8BITMIME */
};
/* Why an encoding was chosen, for the previews. */
enum mime_why {
	MIME_WHY_ASCII,		/* 7bit: ASCII, short lines */
	MIME_WHY_ASCII_LONG,	/* 7bit: ASCII, lines up to 998 (8bit asked) */
	MIME_WHY_CONTROL,	/* QP: control characters */
	MIME_WHY_LONG,		/* QP: an ASCII line over 78 octets */
	MIME_WHY_MOSTLY_ASCII,	/* QP: little non-ASCII */
	MIME_WHY_NON_ASCII,	/* base64: mostly non-ASCII */
	MIME_WHY_ASKED,		/* the issue asked for it */
	MIME_WHY_8BIT,		/* 8bit asked, lines fit */
	MIME_WHY_8BIT_LONG,	/* 8bit asked, a line over 998: fallback */
	MIME_WHY_7BIT_CHARSET,	/* 7bit: ISO-2022-JP, lines fit */
	MIME_WHY_CHARSET_LONG,	/* base64: ISO-2022-JP, a line over 998 */
};
struct mime_choice {
	enum mime_cte	 cte;
	enum mime_cte	 fallback;	/* with 8bit: the 7-bit form */
	enum mime_why	 why;
	unsigned int	 pct;		/* octets outside ASCII, percent */
};
/* Choose the transfer encoding for a CRLF body (UTF-8; or 7-bit charset
 * text when sevenbit_charset, ISO-2022-JP, whose escape sequences are not
 * control characters here). */
void		 mime_choose(const char *s, size_t len, enum mime_pref,
		    int sevenbit_charset, struct mime_choice *);
/* Append a body in base64, lines of 76 characters, CRLF. */
void		 mime_base64(struct buf *, const char *s, size_t len);
/* Append a CRLF body quoted-printable encoded (lines of at most 76). */
void		 mime_qp(struct buf *, const char *s, size_t len);

/* RFC 4648 base32 in lower case, for Message-IDs and tokens. */
#define MIME_BASE32	"abcdefghijklmnopqrstuvwxyz234567"
/* Write s[0..len) in base32 (no padding) to out[outlen], NUL-terminated,
 * cut to fit. */
void		 mime_base32(char *out, size_t outlen, const unsigned char *s,
		    size_t len);

#endif
