/*
 * The few server answers a fetch reads (fetch.h): IMAP's "* SEARCH" and
 * "* N FETCH (UID u FLAGS (...) RFC822.SIZE s)" lines and POP3's UIDL and
 * LIST listings, as libcurl hands them over. Pure: text in, numbers out;
 * anything not understood is skipped, never guessed (tests/fuzz/fetch.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"
#include "base/util.h"

/* The next line of t from *p: its start, its end (before CR LF). */
static const char *
reply_line(const char **p, const char **end)
{
	const char	*s = *p, *nl;

	if (*s == '\0')
		return NULL;
	nl = s + strcspn(s, "\n");
	*p = *nl ? nl + 1 : nl;
	*end = nl;
	if (*end > s && (*end)[-1] == '\r')
		(*end)--;
	return s;
}

/* A decimal number of at most 18 digits at *p; -1 when none. */
static long long
reply_num(const char **p, const char *end)
{
	long long	v = 0;
	int		n = 0;

	while (*p < end && isdigit((unsigned char)**p) && n < 18) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || (*p < end && isdigit((unsigned char)**p)))
		return -1;
	return v;
}

size_t
feedback_imap_search(const char *t, unsigned long **out)
{
	const char	*p = t, *s, *end;
	unsigned long	*v = NULL;
	long long	 u;
	size_t		 n = 0, cap = 0;

	while ((s = reply_line(&p, &end)) != NULL) {
		if (end - s < 8 || strncasecmp(s, "* SEARCH", 8) != 0)
			continue;
		for (s += 8; s < end; ) {
			while (s < end && *s == ' ')
				s++;
			if (s >= end || (u = reply_num(&s, end)) <= 0 ||
			    u > 4294967295LL)
				break;
			if (n == cap) {
				cap = cap * 2 + 64;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[n++] = (unsigned long)u;
		}
	}
	*out = v;
	return n;
}

/* The number after key (a whole word) in s..end, or -1. */
static long long
reply_item(const char *s, const char *end, const char *key)
{
	size_t		 kl = strlen(key);
	const char	*p;

	for (p = s; p + kl < end; p++)
		if (strncasecmp(p, key, kl) == 0 && p[kl] == ' ' &&
		    p > s && (p[-1] == '(' || p[-1] == ' ')) {
			p += kl + 1;
			return reply_num(&p, end);
		}
	return -1;
}

/* Does the FLAGS list in s..end hold \Seen? */
static int
reply_seen(const char *s, const char *end)
{
	const char	*p, *q;

	for (p = s; p + 7 < end; p++)
		if (strncasecmp(p, "FLAGS (", 7) == 0)
			break;
	if (p + 7 >= end)
		return 0;
	for (p += 7; p < end && *p != ')'; p = q) {
		while (p < end && *p == ' ')
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != ')')
			q++;
		if (q - p == 5 && strncasecmp(p, "\\Seen", 5) == 0)
			return 1;
		if (q == p)
			break;
	}
	return 0;
}

void
feedback_imap_sizes(const char *t, const unsigned long *uids, size_t n,
    long long *size, int *seen)
{
	const char	*p = t, *s, *end;
	long long	 u, sz;
	size_t		 i;

	while ((s = reply_line(&p, &end)) != NULL) {
		if (end - s < 2 || s[0] != '*' ||
		    (u = reply_item(s, end, "UID")) < 0)
			continue;
		sz = reply_item(s, end, "RFC822.SIZE");
		for (i = 0; i < n; i++) {
			if (uids[i] != (unsigned long)u)
				continue;
			if (sz >= 0)
				size[i] = sz;
			if (seen != NULL)
				seen[i] = reply_seen(s, end);
		}
	}
}

size_t
feedback_pop3_uidl(const char *t, struct feedback_pop3 **out)
{
	struct feedback_pop3	*m = NULL;
	const char		*p = t, *s, *end, *u;
	long long		 num;
	size_t			 n = 0, cap = 0, l;

	while ((s = reply_line(&p, &end)) != NULL) {
		if ((num = reply_num(&s, end)) <= 0 || s >= end || *s != ' ')
			continue;
		while (s < end && *s == ' ')
			s++;
		/* RFC 1939: 1 to 70 characters from 0x21 to 0x7E. */
		for (u = s; u < end && *u > 0x20 && *u < 0x7f; u++)
			;
		l = (size_t)(u - s);
		if (l == 0 || l > 70 || u != end)
			continue;
		if (n == cap) {
			cap = cap * 2 + 32;
			m = xreallocarray(m, cap, sizeof(*m));
		}
		m[n].num = (unsigned long)num;
		m[n].size = -1;
		m[n++].uidl = xstrndup(s, l);
	}
	*out = m;
	return n;
}

void
feedback_pop3_sizes(const char *t, struct feedback_pop3 *m, size_t n)
{
	const char	*p = t, *s, *end;
	long long	 num, sz;
	size_t		 i;

	while ((s = reply_line(&p, &end)) != NULL) {
		if ((num = reply_num(&s, end)) <= 0 || s >= end || *s != ' ')
			continue;
		while (s < end && *s == ' ')
			s++;
		if ((sz = reply_num(&s, end)) < 0)
			continue;
		for (i = 0; i < n; i++)
			if (m[i].num == (unsigned long)num)
				m[i].size = sz;
	}
}

void
feedback_pop3_free(struct feedback_pop3 *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(m[i].uidl);
	free(m);
}
