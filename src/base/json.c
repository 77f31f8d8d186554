/* JSON text: a writer for documents, escaping for output, and reading
 * objects member by member. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json.h"
#include "utf8.h"

/* Append s[0..len) as a JSON string literal. */
void
json_strn(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		  i;
	int		  n;
	unsigned int	  cp;
	unsigned char	  c;

	buf_addc(b, '"');
	for (i = 0; i < len; ) {
		/* Copy a run of characters that need no escape at once. */
		for (n = 0; i + (size_t)n < len; n++) {
			c = (unsigned char)s[i + (size_t)n];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				break;
		}
		if (n > 0) {
			buf_add(b, s + i, (size_t)n);
			i += (size_t)n;
			continue;
		}
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			n = utf8_decode(s + i, len - i, &cp);
			if (n < 0) {
				buf_adds(b, "\xef\xbf\xbd");	/* U+FFFD */
				i++;
			} else {
				buf_add(b, s + i, (size_t)n);
				i += (size_t)n;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"':  buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				buf_adds(b, "\\u00");
				buf_addc(b, hex[c >> 4]);
				buf_addc(b, hex[c & 0xf]);
			} else
				buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

/* Append a NUL-terminated string as a JSON string literal. */
void
json_str(struct buf *b, const char *s)
{
	json_strn(b, s == NULL ? "" : s, s == NULL ? 0 : strlen(s));
}

/* Append "key": preceded by a comma unless it is the first member. */
void
json_key(struct buf *b, const char *key, int first)
{
	if (!first)
		buf_addc(b, ',');
	json_str(b, key);
	buf_addc(b, ':');
}

/* Start a document written to b. */
void
json_init(struct json *j, struct buf *b)
{
	memset(j, 0, sizeof *j);
	j->b = b;
}

/* Before a value: the comma after the one before it, and its key. */
static void
json_next(struct json *j, const char *key)
{
	if (j->more[j->depth]) {
		buf_addc(j->b, ',');
		if (j->wrap && j->depth == 1 && j->close[0] == ']')
			buf_addc(j->b, '\n');
	}
	j->more[j->depth] = 1;
	if (key != NULL) {
		json_str(j->b, key);
		buf_addc(j->b, ':');
	}
}

/* Open an object or array: the bracket, and a level with no value yet. */
static void
json_open(struct json *j, const char *key, char open, char close)
{
	json_next(j, key);
	if (j->depth == JSON_MAX_OPEN)
		fatal(NT("json: more than %d levels open"), JSON_MAX_OPEN);
	buf_addc(j->b, open);
	j->close[j->depth++] = close;
	j->more[j->depth] = 0;
}

void
json_open_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void
json_open_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

/* Close the innermost open object or array. */
void
json_close(struct json *j)
{
	if (j->depth == 0)
		fatal(NT("json: nothing open to close"));
	buf_addc(j->b, j->close[--j->depth]);
}

void
json_put_str(struct json *j, const char *key, const char *s)
{
	json_next(j, key);
	json_str(j->b, s);
}

void
json_put_strn(struct json *j, const char *key, const char *s, size_t len)
{
	json_next(j, key);
	json_strn(j->b, s, len);
}

void
json_put_strnull(struct json *j, const char *key, const char *s)
{
	if (s == NULL)
		json_put_null(j, key);
	else
		json_put_str(j, key, s);
}

void
json_put_int(struct json *j, const char *key, long long v)
{
	json_next(j, key);
	buf_printf(j->b, "%lld", v);
}

void
json_put_uint(struct json *j, const char *key, unsigned long long v)
{
	json_next(j, key);
	buf_printf(j->b, "%llu", v);
}

void
json_put_bool(struct json *j, const char *key, int v)
{
	json_put_raw(j, key, v ? "true" : "false");
}

void
json_put_null(struct json *j, const char *key)
{
	json_put_raw(j, key, "null");
}

void
json_put_raw(struct json *j, const char *key, const char *text)
{
	json_next(j, key);
	buf_adds(j->b, text);
}

/* Skip JSON white space. */
static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Append code point cp to b as UTF-8. */
static void
json_put_utf8(struct buf *b, unsigned int cp)
{
	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Read four hex digits. */
static int
json_hex4(const char *p, unsigned int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		*v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			*v |= (unsigned int)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			*v |= (unsigned int)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			*v |= (unsigned int)(p[i] - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Decode the string literal at *pp into out; advances *pp past it. */
static int
json_read_str(const char **pp, struct buf *out)
{
	const char	*p = *pp;
	unsigned int	 cp, lo;

	buf_reset(out);
	if (*p++ != '"')
		return -1;
	for (;;) {
		if (*p == '\0')
			return -1;
		if (*p == '"')
			break;
		if (*p != '\\') {
			buf_addc(out, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/': buf_addc(out, *p); break;
		case 'b': buf_addc(out, '\b'); break;
		case 'f': buf_addc(out, '\f'); break;
		case 'n': buf_addc(out, '\n'); break;
		case 'r': buf_addc(out, '\r'); break;
		case 't': buf_addc(out, '\t'); break;
		case 'u':
			if (json_hex4(p + 1, &cp) == -1)
				return -1;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' &&
			    p[2] == 'u' && json_hex4(p + 3, &lo) == 0 &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			json_put_utf8(out, cp);
			break;
		default:
			return -1;
		}
		p++;
	}
	*pp = p + 1;
	return 0;
}

#define JSON_MAX_DEPTH	64

static const char	*json_skip(const char *, struct buf *, int);

/* Skip a number as JSON writes it; NULL if p does not start one. */
static const char *
json_skip_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* Skip the members of an object or the elements of an array (p is past
 * the opening bracket); NULL if malformed. */
static const char *
json_skip_members(const char *p, struct buf *scratch, int object, int depth)
{
	const char	end = object ? '}' : ']';

	p = json_ws(p);
	if (*p == end)
		return p + 1;
	for (;;) {
		p = json_ws(p);
		if (object) {
			if (json_read_str(&p, scratch) == -1)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		if ((p = json_skip(json_ws(p), scratch, depth + 1)) == NULL)
			return NULL;
		p = json_ws(p);
		if (*p == end)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

/* Skip any JSON value at p; NULL if malformed or nested too deeply. */
static const char *
json_skip(const char *p, struct buf *scratch, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return NULL;
	switch (*p) {
	case '"':
		return json_read_str(&p, scratch) == -1 ? NULL : p;
	case '{':
		return json_skip_members(p + 1, scratch, 1, depth);
	case '[':
		return json_skip_members(p + 1, scratch, 0, depth);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_skip_number(p);
	}
}

/* Read the value at *pp into val (strings decoded, others as written);
 * advances *pp past it. */
static int
json_read_value(const char **pp, struct buf *val, enum json_type *type)
{
	const char	*p = *pp, *end;

	if (*p == '"') {
		*type = JSON_STRING;
		return json_read_str(pp, val);
	}
	if ((end = json_skip(p, val, 0)) == NULL)
		return -1;
	switch (*p) {
	case '{':	*type = JSON_OBJECT; break;
	case '[':	*type = JSON_ARRAY; break;
	case 't':
	case 'f':	*type = JSON_BOOL; break;
	case 'n':	*type = JSON_NULL; break;
	default:	*type = JSON_NUMBER; break;
	}
	buf_reset(val);
	if (*type != JSON_NULL)
		buf_add(val, p, (size_t)(end - p));
	*pp = end;
	return 0;
}

/* Walk an object, calling cb for each member with its value and type. */
int
json_each_value(const char *text, json_value_cb cb, void *arg)
{
	struct buf	 key, val;
	const char	*p;
	enum json_type	 type;
	int		 rc = -1;

	buf_init(&key);
	buf_init(&val);
	p = json_ws(text);
	if (*p++ != '{')
		goto out;
	p = json_ws(p);
	if (*p == '}') {
		rc = 0;
		goto out;
	}
	for (;;) {
		p = json_ws(p);
		if (json_read_str(&p, &key) == -1)
			goto out;
		p = json_ws(p);
		if (*p++ != ':')
			goto out;
		p = json_ws(p);
		if (json_read_value(&p, &val, &type) == -1)
			goto out;
		if (cb(key.data != NULL ? key.data : "", type,
		    val.data != NULL ? val.data : "", arg) != 0)
			break;
		p = json_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '}')
			goto out;
		break;
	}
	rc = 0;
out:
	buf_free(&key);
	buf_free(&val);
	return rc;
}

struct json_pairs {
	json_pair_cb	 cb;
	void		*arg;
	int		 bad;	/* a value was not a string */
};

/* json_each_value's callback for json_each_pair: strings only. */
static int
json_pair_value(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct json_pairs	*jp = arg;

	if (type != JSON_STRING) {
		jp->bad = 1;
		return 1;
	}
	return jp->cb(key, value, jp->arg);
}

/* Walk a flat object of string values, calling cb for each pair. */
int
json_each_pair(const char *text, json_pair_cb cb, void *arg)
{
	struct json_pairs	jp;

	jp.cb = cb;
	jp.arg = arg;
	jp.bad = 0;
	if (json_each_value(text, json_pair_value, &jp) == -1 || jp.bad)
		return -1;
	return 0;
}
