/*
 * The wire format (wire.c): the SMTP client's pure pieces, used by smtp.c
 * and the unit tests (tests/unit/test_smtp.c): the bounded reply parser,
 * the EHLO keyword parser, dot-stuffing with CRLF normalisation, argument
 * checks, base64. Nothing here does I/O.
 */
#ifndef HERALD_SMTP_WIRE_H
#define HERALD_SMTP_WIRE_H

#include <stddef.h>

#include "smtp.h"
#include "base/util.h"

#define SMTP_LINE_MAX	2048	/* bytes in one reply line, CRLF excluded */
#define SMTP_REPLY_MAX	65536	/* bytes in one reply, all lines */
#define SMTP_CMD_MAX	512	/* bytes in a command line, CRLF included */

/* A reply being read, line by line; each line's text after "ddd-" is kept
 * (cleaned: bytes outside printable ASCII become '?'), lines separated by
 * '\n', for the EHLO parser and the reply text. */
struct smtp_parse {
	char	 line[SMTP_LINE_MAX];
	size_t	 linelen;
	int	 code;			/* of the reply being read */
	size_t	 nlines;
	size_t	 total;			/* bytes of all its lines */
	int	 done;			/* the reply is complete */
	struct buf text;
};

enum {
	SMTP_PARSE_MORE,		/* need more bytes */
	SMTP_PARSE_REPLY,		/* a whole reply is in the parser */
	SMTP_PARSE_ERROR,		/* hostile or broken: end the session */
};

void	 smtp_parse_init(struct smtp_parse *);
void	 smtp_parse_free(struct smtp_parse *);
/*
 * Feed bytes; *used is set to how many were consumed (up to the end of a
 * reply, so call again with the rest). After SMTP_PARSE_REPLY the reply
 * stays readable until the next feed, which starts a new one. On
 * SMTP_PARSE_ERROR *err says why (static text).
 */
int	 smtp_parse_feed(struct smtp_parse *, const char *, size_t,
	    size_t *used, const char **err);
/* The complete reply as the public struct (stage copied in). */
void	 smtp_parse_reply(const struct smtp_parse *, const char *stage,
	    struct smtp_reply *);
/* Find an RFC 3463 code "c.sss.ddd" at the start of text, c matching the
 * reply class; its length (without the space after it), or 0. */
size_t	 smtp_enhanced(const char *text, int code, char *out, size_t outsz);

/* What EHLO advertised. */
#define SMTP_EXT_STARTTLS	0x01
#define SMTP_EXT_PIPELINING	0x02
#define SMTP_EXT_SIZE		0x04
#define SMTP_EXT_8BITMIME	0x08
#define SMTP_EXT_ENHANCED	0x10
#define SMTP_EXT_AUTH		0x20
#define SMTP_EXT_SMTPUTF8	0x40
#define SMTP_EXT_CHUNKING	0x80

#define SMTP_MECH_PLAIN		0x01
#define SMTP_MECH_LOGIN		0x02

struct smtp_ext {
	unsigned int		 flags;
	unsigned long long	 size;	/* SIZE's fixed maximum, 0: none */
	unsigned int		 auth;	/* SMTP_MECH_* */
};
/* Parse an EHLO reply's lines ('\n'-separated, the first is the
 * greeting and skipped) into ext, which is cleared first. */
void	 smtp_ext_parse(struct smtp_ext *, const char *lines, size_t len);

/* Dot-stuffing and CRLF normalisation of a message, chunk by chunk: CRLF,
 * a lone CR and a lone LF each become CRLF; a "." at the start of a line
 * becomes ".."; the end adds CRLF if the last line lacks one, then ".". */
struct smtp_stuff {
	int	 bol;			/* at the start of a line */
	int	 cr;			/* last byte was a CR (CRLF written) */
};
void	 smtp_stuff_init(struct smtp_stuff *);
void	 smtp_stuff(struct smtp_stuff *, struct buf *, const char *, size_t);
void	 smtp_stuff_end(struct smtp_stuff *, struct buf *);

/* An address or name for a command line: printable ASCII, no '<', '>' or
 * space (a name) and at most max bytes. 0 if fine, -1 if not. */
int	 smtp_arg_ok(const char *, size_t max);
/* Base64 of in (no line breaks) into out, which the caller wipes. */
void	 smtp_base64(struct buf *out, const unsigned char *in, size_t len);

#endif
