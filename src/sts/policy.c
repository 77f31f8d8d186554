/*
 * MTA-STS records and policies (RFC 8461 3.1, 3.2, 4.1). The policy is
 * read strictly where the RFC says a policy is invalid (no version, no
 * mode, a bad max_age, a key twice, enforce or testing without an mx) and
 * leniently where it allows it: unknown keys are ignored, lines end in
 * CRLF or LF, spaces around values are dropped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/util.h"

const char *
sts_mode_name(enum sts_mode m)
{
	switch (m) {
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_NONE:
		break;
	}
	return "none";
}

/* Skip spaces and tabs. */
static const char *
sts_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The TXT record: "v=STSv1; id=ID" and maybe other fields (3.1). */
int
sts_txt_parse(const char *txt, size_t len, char *id, char **cause)
{
	const char	*p = txt, *end = txt + len, *k, *ke, *v, *ve;
	int		 n = 0, have_id = 0;
	size_t		 i;

	*id = '\0';
	while (p < end) {
		p = sts_ws(p, end);
		if (p == end)
			break;
		k = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		if (p == end || *p != '=')
			return set_cause(cause, NT("MTA-STS record: a field "
			    "without '='"));
		ke = p++;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		v = p = sts_ws(p, end);
		while (p < end && *p != ';')
			p++;
		ve = p;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (p < end)
			p++;
		if (n++ == 0) {
			/* The version comes first, exactly. */
			if (ke - k != 1 || *k != 'v' || ve - v != 5 ||
			    memcmp(v, "STSv1", 5) != 0)
				return set_cause(cause, NT("MTA-STS record: "
				    "does not start with v=STSv1"));
			continue;
		}
		if (ke - k == 2 && memcmp(k, "id", 2) == 0) {
			if (have_id)
				return set_cause(cause, NT("MTA-STS record: "
				    "id twice"));
			if (ve == v || ve - v > STS_ID_MAX)
				return set_cause(cause, NT("MTA-STS record: "
				    "id must be 1 to 32 letters and digits"));
			for (i = 0; i < (size_t)(ve - v); i++)
				if (!isalnum((unsigned char)v[i]))
					return set_cause(cause, NT("MTA-STS "
					    "record: id must be 1 to 32 letters "
					    "and digits"));
			memcpy(id, v, (size_t)(ve - v));
			id[ve - v] = '\0';
			have_id = 1;
		}
	}
	if (n == 0)
		return set_cause(cause, NT("MTA-STS record: empty"));
	if (!have_id)
		return set_cause(cause, NT("MTA-STS record: no id"));
	return 0;
}

void
sts_policy_free(struct sts_policy *p)
{
	size_t	i;

	for (i = 0; i < p->nmx; i++)
		free(p->mx[i]);
	free(p->text);
	memset(p, 0, sizeof *p);
}

/* A lowercase copy of a host name or pattern without a trailing dot;
 * NULL if it is not one ("*." only as the whole leftmost label). */
static char *
sts_host_norm(const char *s, size_t len)
{
	char	*out;
	size_t	 i, label = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return NULL;
	out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '*') {
			if (i != 0 || len < 3 || s[1] != '.')
				goto bad;
		} else if (c == '.') {
			if (label == 0)
				goto bad;
			label = 0;
			out[i] = '.';
			continue;
		} else if (!isalnum(c) && c != '-' && c != '_')
			goto bad;
		if (++label > 63)
			goto bad;
		out[i] = (char)tolower(c);
	}
	if (label == 0)
		goto bad;		/* an empty last label: "a.." */
	out[len] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* One "key: value" line; 0, or -1 with *cause. seen: keys met so far. */
static int
sts_policy_line(struct sts_policy *p, const char *k, size_t klen,
    const char *v, size_t vlen, unsigned int *seen, char **cause)
{
	char		*h, num[16];
	long long	 age;
	size_t		 i;

	if (klen == 7 && memcmp(k, "version", 7) == 0) {
		if (*seen & 1)
			return set_cause(cause, NT("MTA-STS policy: version "
			    "twice"));
		*seen |= 1;
		if (vlen != 5 || memcmp(v, "STSv1", 5) != 0)
			return set_cause(cause, NT("MTA-STS policy: version "
			    "is not STSv1"));
	} else if (klen == 4 && memcmp(k, "mode", 4) == 0) {
		if (*seen & 2)
			return set_cause(cause, NT("MTA-STS policy: mode "
			    "twice"));
		*seen |= 2;
		if (vlen == 7 && memcmp(v, "enforce", 7) == 0)
			p->mode = STS_MODE_ENFORCE;
		else if (vlen == 7 && memcmp(v, "testing", 7) == 0)
			p->mode = STS_MODE_TESTING;
		else if (vlen == 4 && memcmp(v, "none", 4) == 0)
			p->mode = STS_MODE_NONE;
		else
			return set_cause(cause, NT("MTA-STS policy: mode is "
			    "not enforce, testing or none"));
	} else if (klen == 7 && memcmp(k, "max_age", 7) == 0) {
		if (*seen & 4)
			return set_cause(cause, NT("MTA-STS policy: max_age "
			    "twice"));
		*seen |= 4;
		if (vlen == 0 || vlen > 10)
			goto badage;
		for (i = 0; i < vlen; i++)
			if (!isdigit((unsigned char)v[i]))
				goto badage;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		age = strtoll(num, NULL, 10);
		if (age > STS_MAX_AGE_MAX)
			goto badage;
		p->max_age = age;
	} else if (klen == 2 && memcmp(k, "mx", 2) == 0) {
		if ((h = sts_host_norm(v, vlen)) == NULL)
			return set_cause(cause, NT("MTA-STS policy: an mx "
			    "pattern is not a host name"));
		if (p->nmx == STS_MX_MAX) {
			free(h);
			return set_cause(cause, NT("MTA-STS policy: more than "
			    "64 mx patterns"));
		}
		p->mx[p->nmx++] = h;
		*seen |= 8;
	}
	/* Other keys are extensions: ignored (RFC 8461 3.2). */
	return 0;
badage:
	return set_cause(cause, NT("MTA-STS policy: max_age is not a number "
	    "of seconds up to 31557600"));
}

int
sts_policy_parse(const char *text, size_t len, struct sts_policy *p,
    char **cause)
{
	const char	*s = text, *end = text + len, *nl, *e, *colon, *k, *ke;
	const char	*v, *ve;
	unsigned int	 seen = 0;

	memset(p, 0, sizeof *p);
	if (len > STS_POLICY_MAX)
		return set_cause(cause, NT("MTA-STS policy: larger than 64 "
		    "KB"));
	if (memchr(text, '\0', len) != NULL)
		return set_cause(cause, NT("MTA-STS policy: a NUL byte"));
	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		e = nl;
		if (e > s && e[-1] == '\r')
			e--;
		if (e == s) {
			s = nl + 1;
			continue;	/* a blank line, e.g. the last */
		}
		if ((colon = memchr(s, ':', (size_t)(e - s))) == NULL) {
			set_cause(cause, NT("MTA-STS policy: a line without "
			    "':'"));
			goto fail;
		}
		k = sts_ws(s, colon);
		ke = colon;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		v = sts_ws(colon + 1, e);
		ve = e;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (sts_policy_line(p, k, (size_t)(ke - k), v,
		    (size_t)(ve - v), &seen, cause) == -1)
			goto fail;
		s = nl + 1;
	}
	if (!(seen & 1)) {
		set_cause(cause, NT("MTA-STS policy: no version"));
		goto fail;
	}
	if (!(seen & 2)) {
		set_cause(cause, NT("MTA-STS policy: no mode"));
		goto fail;
	}
	if (!(seen & 4)) {
		set_cause(cause, NT("MTA-STS policy: no max_age"));
		goto fail;
	}
	if (p->mode != STS_MODE_NONE && p->nmx == 0) {
		set_cause(cause, NT("MTA-STS policy: no mx for mode %s"),
		    sts_mode_name(p->mode));
		goto fail;
	}
	p->text = xstrndup(text, len);
	return 0;
fail:
	sts_policy_free(p);
	return -1;
}

int
sts_mx_match(const struct sts_policy *p, const char *host)
{
	char		*h;
	const char	*dot;
	size_t		 i;
	int		 match = 0;

	if ((h = sts_host_norm(host, strlen(host))) == NULL)
		return 0;
	for (i = 0; i < p->nmx && !match; i++) {
		if (p->mx[i][0] == '*') {
			/* "*.example.net": exactly one label before it. */
			dot = strchr(h, '.');
			match = dot != NULL && dot != h &&
			    strcmp(dot, p->mx[i] + 1) == 0;
		} else
			match = strcmp(h, p->mx[i]) == 0;
	}
	free(h);
	return match;
}

char *
sts_policy_strings(const struct sts_policy *p)
{
	struct buf	 b;
	struct json	 j;
	char		*line;
	size_t		 i;

	buf_init(&b);
	json_init(&j, &b);
	json_open_array(&j, NULL);
	json_put_str(&j, NULL, "version: STSv1");
	line = xprintf("mode: %s", sts_mode_name(p->mode));
	json_put_str(&j, NULL, line);
	free(line);
	for (i = 0; i < p->nmx; i++) {
		line = xprintf("mx: %s", p->mx[i]);
		json_put_str(&j, NULL, line);
		free(line);
	}
	line = xprintf("max_age: %lld", (long long)p->max_age);
	json_put_str(&j, NULL, line);
	free(line);
	json_close(&j);
	return buf_take(&b);
}
