/*
 * DNS records as zone-file text: a TXT record fitted to the terminal (one
 * line when it fits, else one character-string a line between
 * parentheses: the strings join into the same value), and the file w
 * writes on the record view, whole lines that a zone file can include.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys_ui.h"
#include "auth/dns.h"
#include "base/utf8.h"

#define KEYREC_TTL	3600
#define KEYREC_STR_MAX	255	/* bytes of a character-string */

/* Append s quoted. */
static void
zone_string(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++)
		dns_zone_byte(b, (unsigned char)s[i]);
	buf_addc(b, '"');
}

/* Add a line to an array. */
static void
lines_add(char ***v, size_t *n, char *line)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = line;
}

/* Free lines. */
void
keys_lines_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A TXT record as zone-file lines fitted to cols. */
char **
keys_zone_lines(const char *name, char *const *strings, size_t ns, int cols,
    size_t *n)
{
	struct buf	  b;
	char		**v = NULL;
	size_t		  i, off, len, chunk;

	*n = 0;
	buf_init(&b);
	buf_printf(&b, "%s. %d IN TXT", name, KEYREC_TTL);
	for (i = 0; i < ns; i++) {
		buf_addc(&b, ' ');
		zone_string(&b, strings[i], strlen(strings[i]));
	}
	for (i = 0; i < ns; i++)
		if (strlen(strings[i]) > KEYREC_STR_MAX)
			break;
	if (i == ns && utf8_width(b.data) <= cols) {
		lines_add(&v, n, buf_take(&b));
		return v;
	}
	buf_reset(&b);
	buf_printf(&b, "%s. %d IN TXT (", name, KEYREC_TTL);
	lines_add(&v, n, buf_take(&b));
	/* Four spaces and two quotes around each piece. */
	chunk = cols > 6 + 16 ? (size_t)cols - 6 : 16;
	if (chunk > KEYREC_STR_MAX)
		chunk = KEYREC_STR_MAX;
	for (i = 0; i < ns; i++) {
		len = strlen(strings[i]);
		off = 0;
		do {
			size_t	take = len - off < chunk ? len - off : chunk;

			buf_adds(&b, "    ");
			zone_string(&b, strings[i] + off, take);
			lines_add(&v, n, buf_take(&b));
			off += take;
		} while (off < len);
	}
	lines_add(&v, n, xstrdup("    )"));
	buf_free(&b);
	return v;
}

/* value split into character-strings of at most 255 bytes. */
char **
keys_zone_split(const char *value, size_t *n)
{
	char	**v = NULL;
	size_t	  len = strlen(value), off = 0, take;

	*n = 0;
	do {
		take = len - off < KEYREC_STR_MAX ? len - off : KEYREC_STR_MAX;
		lines_add(&v, n, xstrndup(value + off, take));
		off += take;
	} while (off < len);
	return v;
}

/* A record as one zone-file line, under a comment. */
static void
keys_put_extra(FILE *f, const char *what, const struct keys_extra *x)
{
	char	**s, **l;
	size_t	  ns, nl, i;

	fprintf(f, ";\n; %s", what);
	if (x->note != NULL) {
		fputs(": ", f);
		for (i = 0; x->note[i] != '\0'; i++)
			fputc(x->note[i] == '\n' ? ' ' : x->note[i], f);
	}
	fputc('\n', f);
	if (x->value == NULL)
		return;
	s = keys_zone_split(x->value, &ns);
	l = keys_zone_lines(x->name, s, ns, INT_MAX, &nl);
	fprintf(f, "%s\n", l[0]);
	keys_lines_free(l, nl);
	keys_lines_free(s, ns);
}

/* The records of k (and the SPF and DMARC ones when known) as whole
 * zone-file lines, everything else a comment. */
void
keys_zone_write(FILE *f, const struct dkim_key *k,
    const struct keys_extra *spf, const struct keys_extra *dmarc)
{
	char		 date[64], *zone, *value;
	time_t		 now = time(NULL);
	struct tm	 tm;

	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z",
	    localtime_r(&now, &tm));
	/* The comments are the operator's to read: in their language. */
	fprintf(f, _("; DNS records to publish for %s, written by herald %s "
	    "on %s\n;\n"), k->domain, HERALD_VERSION, date);
	fprintf(f, k->active ? _("; DKIM public key, selector %s (%s)\n") :
	    k->pending ? _("; DKIM public key, selector %s (%s, awaiting "
	    "publication)\n") : _("; DKIM public key, selector %s (%s, not "
	    "active)\n"), k->selector, dkim_algo_name(k->algo));
	zone = dkim_record_zone(k);
	fprintf(f, "%s\n", zone);
	free(zone);
	value = dkim_record_value(k);
	fprintf(f, _(";\n; The same value in one piece, for a DNS "
	    "provider's web form\n; (name %s._domainkey, type TXT):\n; %s\n"),
	    k->selector, value);
	free(value);
	if (spf != NULL && dmarc != NULL) {
		keys_put_extra(f, "SPF", spf);
		keys_put_extra(f, "DMARC", dmarc);
	} else
		fprintf(f, _(";\n; SPF and DMARC: not looked up yet; herald "
		    "dkim record %s %s prints them.\n"), k->domain,
		    k->selector);
}
