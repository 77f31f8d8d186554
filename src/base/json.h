/*
 * JSON text (RFC 8259), with no herald knowledge; uses only util and utf8.
 *
 * Writing: struct json appends a document to a struct buf, in the one
 * format herald prints: no spaces, members in the order written, integers
 * in decimal, strings escaped and always valid UTF-8. It places the commas
 * and closes what it opened, so no caller spells out JSON punctuation.
 * json_str and json_key are the low-level pieces it is made of.
 *
 * Reading: json_each_value walks an object member by member, and
 * json_each_pair a flat object of strings.
 */
#ifndef HERALD_JSON_H
#define HERALD_JSON_H

#include "util.h"

#define JSON_MAX_OPEN	16	/* objects and arrays open at once */

/*
 * A document being written to b. Every json_put_* and json_open_* takes
 * the member's key inside an object, NULL inside an array or for the
 * document itself. The buffer may be written out and reset between
 * values (a long array streamed a row at a time); the state is here.
 */
struct json {
	struct buf	*b;
	int		 depth;			/* objects and arrays open */
	char		 close[JSON_MAX_OPEN];	/* '}' or ']' per level */
	unsigned char	 more[JSON_MAX_OPEN + 1]; /* a value is written */
	int		 wrap;	/* a newline after each comma between the
				 * elements of the outermost array */
};

void	json_init(struct json *, struct buf *);
/* Open an object or array; json_close closes the innermost one. */
void	json_open_object(struct json *, const char *key);
void	json_open_array(struct json *, const char *key);
void	json_close(struct json *);
/* A string (NULL is written as ""). */
void	json_put_str(struct json *, const char *key, const char *s);
void	json_put_strn(struct json *, const char *key, const char *s,
	    size_t len);
/* A string, or null when s is NULL. */
void	json_put_strnull(struct json *, const char *key, const char *s);
void	json_put_int(struct json *, const char *key, long long);
void	json_put_uint(struct json *, const char *key, unsigned long long);
void	json_put_bool(struct json *, const char *key, int);
void	json_put_null(struct json *, const char *key);
/* A value that is JSON text already (stored attributes, say). */
void	json_put_raw(struct json *, const char *key, const char *text);

/* Append s as a quoted JSON string (invalid UTF-8 becomes U+FFFD). */
void	json_str(struct buf *, const char *s);
void	json_strn(struct buf *, const char *s, size_t len);
/* Append "key": with a leading comma unless first. */
void	json_key(struct buf *, const char *key, int first);

/*
 * A minimal reader for flat JSON objects of string values, as stored in
 * contacts.attrs: calls cb for each key/value (decoded, NUL-terminated).
 * Returns 0, or -1 if text is not such an object.
 */
typedef int (*json_pair_cb)(const char *key, const char *value, void *arg);
int	json_each_pair(const char *text, json_pair_cb cb, void *arg);

/*
 * The same walk over any object (a line of `herald check --stream`): cb
 * gets each member's type and value, strings decoded, numbers, true and
 * false as written, null as "", a nested object or array as its JSON text.
 * A non-zero return from cb stops the walk. Returns 0, or -1 if text is
 * not an object or is malformed (or nested more than 64 deep).
 */
enum json_type {
	JSON_STRING,
	JSON_NUMBER,
	JSON_BOOL,
	JSON_NULL,
	JSON_OBJECT,
	JSON_ARRAY,
};
typedef int (*json_value_cb)(const char *key, enum json_type,
	    const char *value, void *arg);
int	json_each_value(const char *text, json_value_cb cb, void *arg);

#endif
