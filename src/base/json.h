/* Writing JSON text: strings escaped per RFC 8259, output always valid UTF-8. */
#ifndef HERALD_JSON_H
#define HERALD_JSON_H

#include "util.h"

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
