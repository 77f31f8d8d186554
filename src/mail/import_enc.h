/*
 * The character encoding of an imported file: naming, detecting from the
 * first bytes, and converting to UTF-8 with iconv while streaming. Used by
 * import.c only.
 */
#ifndef HERALD_IMPORT_ENC_H
#define HERALD_IMPORT_ENC_H

#include <stddef.h>

#include "import.h"

/*
 * A converted byte sequence that was not valid in the source encoding
 * becomes this byte, which UTF-8 never holds: the row it is in is then
 * reported invalid with its line number (newlines are kept, so lines
 * count the same before and after conversion).
 */
#define IMPORT_ENC_BAD	'\xff'

struct import_conv;

/* What the first bytes of a file decide. */
struct import_enc_choice {
	enum import_encoding	 enc;	/* what the file is read as */
	int			 big_endian;	/* UTF-16 */
	size_t			 skip;	/* a byte order mark to skip */
	enum import_encoding	 suggest; /* refused: what would read it */
};

/*
 * Decide how to read a file that starts with s[0..len) (eof: that is the
 * whole file) when given was asked for. Returns 0 with *ch filled, or -1
 * with *cause saying why (names path) and which --encoding to use.
 */
int	 import_enc_choose(const char *path, const char *s, size_t len,
	    int eof, enum import_encoding given, struct import_enc_choice *ch,
	    char **cause);
/* What s[0..len), not UTF-8, looks like: "Shift-JIS (CP932): use
 * --encoding cp932", for messages. Static storage. */
const char *import_enc_guess(const char *s, size_t len);

/* A converter to UTF-8, or NULL with *cause set. */
struct import_conv *import_conv_new(const struct import_enc_choice *,
	    char **cause);
/*
 * Convert in[0..*inlen) into out[0..outlen). Stops when out is nearly full
 * or at an incomplete sequence at the end of in (unless eof: then that is
 * an invalid one). Invalid sequences become IMPORT_ENC_BAD. Sets *inlen to
 * the bytes consumed; returns the bytes written.
 */
size_t	 import_conv_run(struct import_conv *, const char *in, size_t *inlen,
	    int eof, char *out, size_t outlen);
void	 import_conv_free(struct import_conv *);

#endif
