/*
 * Importing an address list: a streaming parser for CSV (RFC 4180), TSV and
 * one-mailbox-a-line files, fed by read(2) into one fixed buffer and driven
 * in steps of at most N rows so the console can redraw in between.
 *
 * Memory does not depend on the input: the read buffer holds one longest
 * record plus one read, the record is decoded into a buffer of the same
 * size, and invalid rows are spooled to a temporary file.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "datefmt.h"
#include "import.h"
#include "import_enc.h"
#include "base/i18n.h"
#include "base/json.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

#define IMPORT_CHUNK		(64 * 1024)
#define IMPORT_LAW_AT		0	/* consent_at */
#define IMPORT_LAW_SOURCE	1	/* consent_source */
#define IMPORT_LAW_N		5
#define IMPORT_FIELDS_MAX	256
#define IMPORT_BINARY_SPAN	8192	/* a NUL in here: a binary file */
#define IMPORT_BUF_SIZE		(IMPORT_RECORD_MAX + 2 + IMPORT_CHUNK)

/* What scanning the buffer for one record found. */
enum import_scan {
	SCAN_OK,	/* a whole record */
	SCAN_MORE,	/* the record goes on past the data read so far */
	SCAN_LONG,	/* longer than IMPORT_RECORD_MAX */
	SCAN_OPEN,	/* end of input inside a quoted field */
};

struct import_field {
	uint32_t	off;
	uint32_t	len;
};

struct importer {
	struct store		*store;
	struct import_options	 opts;
	enum import_format	 format;
	char			*path;		/* as shown in messages */
	int			 fd;
	int			 own_fd;
	off_t			 size;
	off_t			 base;		/* file offset of rbuf[0] */

	char			*rbuf;
	size_t			 rpos;
	size_t			 rlen;
	int			 eof;
	int			 discard;	/* skipping to the next line */
	uint64_t		 line;		/* line of rbuf[rpos] */
	unsigned char		 special[256];	/* bytes ending a CSV run */

	/* Input in another encoding is read into ibuf and converted into
	 * rbuf (conv NULL: read straight into rbuf). */
	struct import_enc_choice enc;
	struct import_conv	*conv;
	char			*ibuf;
	size_t			 ilen;
	int			 ieof;
	off_t			 raw_done;	/* input bytes converted */
	const char		*hint;		/* what bad UTF-8 looks like */

	/* The current record: fields decoded into rec, NUL-terminated. */
	char			*rec;
	struct import_field	 fields[IMPORT_FIELDS_MAX];
	size_t			 nfields;
	int			 too_many;
	size_t			 used;		/* raw bytes, terminator too */
	size_t			 rawlen;	/* raw bytes, no terminator */
	unsigned int		 nl;		/* newlines inside the record */
	size_t			 first_nl;	/* offset of the first one */
	uint64_t		 rec_line;
	const char		*rec_reason;	/* invalid record, or NULL */
	char			 reason[160];

	/* Columns, from the header row if there is one. */
	int			 header_done;
	int			 has_header;
	int			 email_col;
	int			 name_col;
	char			**colnames;
	size_t			 ncols;
	/* The consent columns (IMPORT_LAW_*, -1: none): kept apart from
	 * the attributes, in the consent records. */
	int			 law_col[IMPORT_LAW_N];
	char			*list_name;

	int64_t			 list_id;
	int			 new_list;	/* created by this import */
	int64_t			 import_id;
	int			 in_txn;
	int			 committed;
	int			 failed;
	int			 check_suppressed;
	int			 to_suppressions;
	struct buf		 json;
	FILE			*spool;
	FILE			*dspool;	/* duplicate rows */
	struct import_stats	 stats;
	char			 addr[ADDR_MAX + 1];
	char			 kept[ADDR_MAX + 1];
	char			 name[ADDR_NAME_MAX + 1];
	char			 mname[ADDR_NAME_MAX + 1];
};

/* NT: header names matched, never shown */
static const char *const import_email_words[] = {
	"email", "e-mail", "mail", "address", "email address",
	"e-mail address",
};
/* NT: header names matched, never shown */
static const char *const import_name_words[] = {
	"name", "full name", "fullname", "display name",
};
/* The columns of herald list consent: the first two are kept, the others
 * are what herald itself knows (left out, so an export re-imports). */
static const char *const import_law_words[IMPORT_LAW_N] = {
	"consent_at", "consent_source", "last_mailed_at", "opted_out_at",
	"opt_out_channel",
};

/*
 * Read input in another encoding into ibuf and convert what it holds to
 * the end of rbuf. The scanner asks for more only with at least a chunk
 * free in rbuf, so each call converts something or reads more.
 */
static int
import_fill_conv(struct importer *imp, char **cause, int *exitcode)
{
	ssize_t	n;
	size_t	in;

	if (!imp->ieof && imp->ilen < IMPORT_CHUNK) {
		n = read(imp->fd, imp->ibuf + imp->ilen,
		    IMPORT_BUF_SIZE - imp->ilen);
		if (n == -1 && errno == EINTR)
			return (1);
		if (n == -1) {
			*exitcode = EXIT_IOERR;
			return (set_cause(cause, "%s: %s", imp->path,
			    strerror(errno)));
		}
		if (n == 0)
			imp->ieof = 1;
		imp->ilen += (size_t)n;
	}
	in = imp->ilen;
	imp->rlen += import_conv_run(imp->conv, imp->ibuf, &in, imp->ieof,
	    imp->rbuf + imp->rlen, IMPORT_BUF_SIZE - imp->rlen);
	memmove(imp->ibuf, imp->ibuf + in, imp->ilen - in);
	imp->ilen -= in;
	imp->raw_done += (off_t)in;
	if (imp->ieof && imp->ilen == 0)
		imp->eof = 1;
	return (0);
}

/*
 * Read more input, first moving the unconsumed bytes to the front. Returns
 * 0, or 1 if a signal interrupted the read (so the caller can look at its
 * flags instead of blocking again on a pipe), or -1 on error.
 */
static int
import_fill(struct importer *imp, char **cause, int *exitcode)
{
	ssize_t	n;

	if (imp->rpos > 0) {
		memmove(imp->rbuf, imp->rbuf + imp->rpos, imp->rlen - imp->rpos);
		imp->base += imp->rpos;
		imp->rlen -= imp->rpos;
		imp->rpos = 0;
	}
	if (imp->rlen == IMPORT_BUF_SIZE)
		fatal(NT("%s: import buffer full"), __func__);
	if (imp->conv != NULL)
		return (import_fill_conv(imp, cause, exitcode));
	n = read(imp->fd, imp->rbuf + imp->rlen, IMPORT_BUF_SIZE - imp->rlen);
	if (n == -1 && errno == EINTR)
		return (1);
	if (n == -1) {
		*exitcode = EXIT_IOERR;
		return (set_cause(cause, "%s: %s", imp->path, strerror(errno)));
	}
	if (n == 0)
		imp->eof = 1;
	imp->rlen += (size_t)n;
	return (0);
}

/*
 * Set the format, and with it the bytes that stop the fast copy loop of a
 * field: a line is one field in which quotes mean nothing.
 */
static void
import_set_format(struct importer *imp, enum import_format f)
{
	imp->format = f;
	memset(imp->special, 0, sizeof imp->special);
	imp->special['\n'] = 1;
	if (f != IMPORT_LINES) {
		imp->special['"'] = 1;
		imp->special[f == IMPORT_TSV ? '\t' : ','] = 1;
	}
}

/* End the field that started at fstart and ends at o. */
static void
import_end_field(struct importer *imp, char *fstart, char *o)
{
	*o = '\0';
	if (imp->nfields == IMPORT_FIELDS_MAX) {
		imp->too_many = 1;
		return;
	}
	imp->fields[imp->nfields].off = (uint32_t)(fstart - imp->rec);
	imp->fields[imp->nfields].len = (uint32_t)(o - fstart);
	imp->nfields++;
}

/*
 * Scan one record at rbuf[rpos..rlen) and decode its fields (RFC 4180,
 * leniently: spaces may precede an opening quote, and a quote inside an
 * unquoted field or after a closing one is kept literally).
 */
static enum import_scan
import_scan(struct importer *imp)
{
	const char		*start = imp->rbuf + imp->rpos, *p = start;
	const char		*end = imp->rbuf + imp->rlen, *rawend;
	const unsigned char	*sp = imp->special;
	char			*o = imp->rec, *fstart = o, *t;
	int			 quoted = 0, can_quote = 1;

	imp->nfields = 0;
	imp->too_many = 0;
	imp->nl = 0;
	imp->first_nl = 0;
	for (;;) {
		if (quoted) {
			while (p < end && *p != '"') {
				if (*p == '\n' && imp->nl++ == 0)
					imp->first_nl = (size_t)(p - start);
				*o++ = *p++;
			}
			if (p == end) {
				if (!imp->eof)
					goto more;
				if ((size_t)(p - start) > IMPORT_RECORD_MAX + 1)
					return (SCAN_LONG);
				return (SCAN_OPEN);
			}
			if (p + 1 == end && !imp->eof)
				goto more;
			if (p + 1 < end && p[1] == '"') {
				*o++ = '"';
				p += 2;
				continue;
			}
			p++;
			quoted = can_quote = 0;
			continue;
		}
		while (p < end && !sp[(unsigned char)*p])
			*o++ = *p++;
		if (p == end) {
			if (!imp->eof)
				goto more;
			rawend = end;
			if (rawend > start && rawend[-1] == '\r') {
				rawend--;
				o--;
			}
			imp->used = (size_t)(end - start);
			break;
		}
		if (*p == '"') {
			for (t = fstart; t < o && *t == ' '; t++)
				/* nothing */;
			if (can_quote && t == o) {
				o = fstart;
				quoted = 1;
			} else
				*o++ = '"';
			p++;
			continue;
		}
		if (*p == '\n') {
			rawend = p;
			if (p > start && p[-1] == '\r') {
				rawend--;
				o--;
			}
			imp->used = (size_t)(p + 1 - start);
			break;
		}
		/* The delimiter. */
		import_end_field(imp, fstart, o);
		fstart = ++o;
		can_quote = 1;
		p++;
	}
	import_end_field(imp, fstart, o);
	imp->rawlen = (size_t)(rawend - start);
	if (imp->rawlen > IMPORT_RECORD_MAX)
		return (SCAN_LONG);
	return (SCAN_OK);

more:
	if ((size_t)(p - start) > IMPORT_RECORD_MAX + 1)
		return (SCAN_LONG);
	return (SCAN_MORE);
}

/* 1 if s[0..len) is all ASCII: checked a word at a time. */
static int
import_ascii(const char *s, size_t len)
{
	uint64_t	w, acc = 0;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < len; i++)
		acc |= (unsigned char)s[i];
	return ((acc & 0x8080808080808080ULL) == 0);
}

/*
 * A record that is not valid UTF-8: after conversion, a sequence that was
 * not valid in the file's encoding (counted in characters, which is what
 * an editor shows); else bad UTF-8, and when no encoding was given, a
 * guess of the file's from the first such row.
 */
static void
import_bad_text(struct importer *imp, const char *raw, size_t bad)
{
	size_t	i, chars = 1;

	if (imp->conv != NULL && raw[bad] == IMPORT_ENC_BAD) {
		for (i = 0; i < bad; i++)
			chars += ((unsigned char)raw[i] & 0xc0) != 0x80;
		snprintf(imp->reason, sizeof imp->reason, _("not valid %s at "
		    "character %zu"), import_encoding_name(imp->enc.enc), chars);
	} else {
		if (imp->hint == NULL &&
		    imp->opts.encoding == IMPORT_ENC_AUTO)
			imp->hint = import_enc_guess(raw, imp->rawlen);
		snprintf(imp->reason, sizeof imp->reason,
		    _("invalid UTF-8 at byte %zu"), bad + 1);
	}
	imp->rec_reason = imp->reason;
}

/* Check the raw bytes of the record just scanned: NUL and UTF-8. */
static void
import_check_raw(struct importer *imp, const char *raw)
{
	const char	*nul;
	size_t		 bad;

	if ((nul = memchr(raw, '\0', imp->rawlen)) != NULL) {
		snprintf(imp->reason, sizeof imp->reason, _("NUL byte at byte %zu"),
		    (size_t)(nul - raw) + 1);
		imp->rec_reason = imp->reason;
	} else if (!import_ascii(raw, imp->rawlen) &&
	    !utf8_valid(raw, imp->rawlen, &bad))
		import_bad_text(imp, raw, bad);
}

/*
 * Make a record too long (or open at the end of input) an invalid row and
 * skip it. A single line too long is skipped to its end, discarding as it
 * is read. A record of several lines can only be a quoted field left open:
 * parsing resumes at the line after the one where it started, so a stray
 * quote costs one row, not the rest of the file.
 */
static void
import_skip(struct importer *imp, int open)
{
	const char	*start = imp->rbuf + imp->rpos, *q;
	size_t		 avail = imp->rlen - imp->rpos, first;

	imp->rec_line = imp->line;
	imp->nfields = 0;
	if (open)
		imp->rec_reason = _("unterminated quoted field");
	else
		imp->rec_reason = _("record longer than 65536 bytes");
	q = memchr(start, '\n', avail > IMPORT_RECORD_MAX + 2 ?
	    IMPORT_RECORD_MAX + 2 : avail);
	if (q == NULL) {
		imp->discard = 1;
		return;
	}
	first = (size_t)(q - start);
	if (first > 0 && q[-1] == '\r')
		first--;
	if (!open && first <= IMPORT_RECORD_MAX)
		imp->rec_reason = _("unterminated quoted field (record longer "
		    "than 65536 bytes)");
	imp->rpos += (size_t)(q + 1 - start);
	imp->line++;
}

/*
 * Get the next record into imp->rec (rec_reason set if it is invalid).
 * Returns 1, 0 at the end of input, 2 if interrupted, -1 on a read error.
 */
static int
import_next(struct importer *imp, char **cause, int *exitcode)
{
	const char	*q;
	int		 r;

	for (;;) {
		if (imp->discard) {
			q = memchr(imp->rbuf + imp->rpos, '\n',
			    imp->rlen - imp->rpos);
			if (q != NULL) {
				imp->rpos = (size_t)(q + 1 - imp->rbuf);
				imp->line++;
				imp->discard = 0;
				continue;
			}
			imp->rpos = imp->rlen;
			if (imp->eof)
				return (0);
			if ((r = import_fill(imp, cause, exitcode)) != 0)
				return (r == 1 ? 2 : -1);
			continue;
		}
		if (imp->rpos == imp->rlen && imp->eof)
			return (0);

		imp->rec_reason = NULL;
		switch ((r = (int)import_scan(imp))) {
		case SCAN_MORE:
			if ((r = import_fill(imp, cause, exitcode)) != 0)
				return (r == 1 ? 2 : -1);
			continue;
		case SCAN_OK:
			imp->rec_line = imp->line;
			import_check_raw(imp, imp->rbuf + imp->rpos);
			imp->rpos += imp->used;
			imp->line += 1 + imp->nl;
			return (1);
		case SCAN_LONG:
		case SCAN_OPEN:
			import_skip(imp, r == SCAN_OPEN);
			return (1);
		}
	}
}

/* Field i of the record, trimmed of spaces and tabs. */
static const char *
import_col(const struct importer *imp, size_t i, size_t *len)
{
	const char	*s = imp->rec + imp->fields[i].off;
	size_t		 n = imp->fields[i].len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return (s);
}

/* 1 if s[0..len) is one of words, ignoring case. */
static int
import_word_in(const char *s, size_t len, const char *const *words,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
			return (1);
	}
	return (0);
}

/*
 * Is the current record a header row? It is if no field holds an '@' and
 * one names the email or the name column. With apply, remember the columns.
 */
static int
import_header(struct importer *imp, int apply)
{
	const char	*s;
	size_t		 i, j, len;
	int		 email = -1, name = -1;

	if (imp->rec_reason != NULL || imp->too_many || imp->nfields == 0)
		return (0);
	for (i = 0; i < imp->nfields; i++) {
		s = import_col(imp, i, &len);
		if (memchr(s, '@', len) != NULL)
			return (0);
		if (email == -1 && import_word_in(s, len, import_email_words,
		    nitems(import_email_words)))
			email = (int)i;
		else if (name == -1 && import_word_in(s, len,
		    import_name_words, nitems(import_name_words)))
			name = (int)i;
	}
	if (email == -1 && name == -1)
		return (0);
	if (!apply)
		return (1);

	imp->has_header = 1;
	imp->email_col = email;
	imp->name_col = name;
	imp->ncols = imp->nfields;
	imp->colnames = xcalloc(imp->ncols, sizeof *imp->colnames);
	for (i = 0; i < imp->ncols; i++) {
		s = import_col(imp, i, &len);
		for (j = 0; j < IMPORT_LAW_N; j++)
			if (imp->law_col[j] == -1 && (int)i != email &&
			    (int)i != name && import_word_in(s, len,
			    &import_law_words[j], 1))
				imp->law_col[j] = (int)i;
		if (len == 0)
			imp->colnames[i] = xprintf("column %zu", i + 1);
		else
			imp->colnames[i] = xstrndup(s, len);
	}
	return (1);
}

/* 1 if every field of the record is empty or white space. */
static int
import_blank(const struct importer *imp)
{
	const char	*s;
	size_t		 i, j;

	if (imp->too_many)
		return (0);
	for (i = 0; i < imp->nfields; i++) {
		s = imp->rec + imp->fields[i].off;
		for (j = 0; j < imp->fields[i].len; j++) {
			if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r')
				return (0);
		}
	}
	return (1);
}

/* Count an invalid row and spool it; in strict mode, fail the import. */
static int
import_invalid(struct importer *imp, uint64_t line, const char *reason,
    char **cause, int *exitcode)
{
	imp->stats.invalid++;
	if (imp->spool == NULL && (imp->spool = tmpfile()) == NULL) {
		*exitcode = EXIT_CANTCREAT;
		return (set_cause(cause, _("temporary file: %s"),
		    strerror(errno)));
	}
	fprintf(imp->spool, "%" PRIu64 "\t%s\n", line, reason);
	if (imp->opts.strict) {
		*exitcode = EXIT_DATAERR;
		return (set_cause(cause, _("line %llu: %s"),
		    (unsigned long long)line, reason));
	}
	return (0);
}

/* Is column i one of the consent columns? */
static int
import_law_col(const struct importer *imp, size_t i)
{
	size_t	j;

	for (j = 0; j < IMPORT_LAW_N; j++)
		if (imp->law_col[j] == (int)i)
			return (1);
	return (0);
}

/* The row's value of consent column k ("" when none). */
static const char *
import_law_value(struct importer *imp, int k, size_t *len)
{
	int	c = imp->law_col[k];

	*len = 0;
	if (c == -1 || (size_t)c >= imp->nfields)
		return ("");
	return (import_col(imp, (size_t)c, len));
}

/* Build the attributes of the row: every column but address and name. */
static void
import_attrs(struct importer *imp, int ecol, int ncol)
{
	struct json	 j;
	const char	*key, *v;
	char		 tmp[32];
	size_t		 i, n, len;

	buf_reset(&imp->json);
	json_init(&j, &imp->json);
	json_open_object(&j, NULL);
	n = imp->nfields;
	if (imp->ncols > n)
		n = imp->ncols;
	for (i = 0; i < n; i++) {
		if ((int)i == ecol || (int)i == ncol || import_law_col(imp, i))
			continue;
		if (i < imp->ncols)
			key = imp->colnames[i];
		else {
			snprintf(tmp, sizeof tmp, "column %zu", i + 1);
			key = tmp;
		}
		/* An empty cell is no value: merge defaults apply to it, and
		 * an export with every column re-imports to the same list. */
		if (i >= imp->nfields ||
		    (v = import_col(imp, i, &len), len == 0))
			continue;
		json_put_strn(&j, key, v, len);
	}
	json_close(&j);
}

/* 1 if field i holds an '@'. */
static int
import_has_at(const struct importer *imp, size_t i)
{
	return (memchr(imp->rec + imp->fields[i].off, '@',
	    imp->fields[i].len) != NULL);
}

/*
 * Find the address, name and attributes of a data row: the address column
 * is the header's, or else the first with an '@'; without a header the
 * next column, unless it too holds an '@', is the name. Returns NULL, or
 * why the row is invalid.
 */
static const char *
import_parse_row(struct importer *imp, const char **name)
{
	const char	*s, *why;
	size_t		 len, i;
	int		 ecol = 0, ncol = -1;

	if (imp->too_many)
		return (_("more than 256 fields"));
	if (imp->format != IMPORT_LINES && (ecol = imp->email_col) == -1) {
		for (i = 0; i < imp->nfields && ecol == -1; i++) {
			if ((int)i != imp->name_col && import_has_at(imp, i))
				ecol = (int)i;
		}
		if (ecol == -1)
			return (_("no address in row"));
	}
	if ((size_t)ecol >= imp->nfields)
		return (_("missing address"));
	s = import_col(imp, (size_t)ecol, &len);
	if (addr_parse_mailbox(s, len, imp->mname, imp->addr, &why) != 0)
		return (why);
	*name = imp->mname;
	if (imp->format == IMPORT_LINES) {
		buf_reset(&imp->json);
		buf_adds(&imp->json, "{}");
		return (NULL);
	}

	ncol = imp->name_col;
	i = (size_t)ecol + 1;
	if (!imp->has_header && i < imp->nfields && !import_has_at(imp, i))
		ncol = (int)i;
	if (ncol != -1 && (size_t)ncol < imp->nfields) {
		s = import_col(imp, (size_t)ncol, &len);
		if (len > 0) {
			if ((why = addr_clean_name(s, len, imp->name, 0)) != NULL)
				return (why);
			*name = imp->name;
		}
	}
	import_attrs(imp, ecol, ncol);
	s = import_law_value(imp, IMPORT_LAW_AT, &len);
	if (len != 0) {
		switch (datefmt_iso_check(s, len)) {
		case DATEFMT_ISO_OK:
			break;
		case DATEFMT_ISO_SYNTAX:
			return (_("consent_at: not an ISO 8601 date or time "
			    "(2025-06-03 or 2025-06-03T10:00:00+09:00)"));
		case DATEFMT_ISO_RANGE:
			return (_("consent_at: no such date or time (a month "
			    "has 28 to 31 days, an hour 0 to 23, a minute 0 "
			    "to 59)"));
		}
	}
	return (NULL);
}

/* Keep the row's consent record, when it has one. An empty consent_at
 * leaves a record there was alone: a later list without the columns
 * does not erase what an earlier one said. */
static int
import_consent(struct importer *imp, const char *name, char **cause)
{
	const char	*at, *src;
	char		*a, *b;
	size_t		 alen, slen;
	int		 rc;

	at = import_law_value(imp, IMPORT_LAW_AT, &alen);
	src = import_law_value(imp, IMPORT_LAW_SOURCE, &slen);
	if (alen == 0 && slen == 0)
		return (0);
	a = xstrndup(at, alen);
	b = xstrndup(src, slen);
	rc = store_consent_put(imp->store, imp->list_name, imp->kept,
	    name, a, b, (int64_t)time(NULL), cause);
	free(a);
	free(b);
	return (rc);
}

/* Store a valid row and count what became of it. */
static int
import_store(struct importer *imp, const char *name, char **cause,
    int *exitcode)
{
	enum store_put	 put;
	uint64_t	 first_line;
	int		 r;

	*exitcode = EXIT_IOERR;
	if (imp->to_suppressions) {
		if (store_suppress_add(imp->store, imp->addr, "import",
		    imp->path, &r, cause) != 0)
			return (-1);
		if (r)
			imp->stats.imported++;
		else
			imp->stats.duplicates++;
		return (0);
	}
	if (store_contact_put_kept(imp->store, imp->list_id, imp->import_id,
	    imp->rec_line, imp->addr, name, imp->json.data, &put, &first_line,
	    imp->kept, sizeof imp->kept, cause) != 0)
		return (-1);
	if (import_consent(imp, name, cause) != 0)
		return (-1);
	if (put == STORE_PUT_NEW)
		imp->stats.imported++;
	else if (put == STORE_PUT_UPDATED)
		imp->stats.updated++;
	else {
		imp->stats.duplicates++;
		if (imp->dspool == NULL && (imp->dspool = tmpfile()) == NULL) {
			*exitcode = EXIT_CANTCREAT;
			return (set_cause(cause, _("temporary file: %s"),
			    strerror(errno)));
		}
		/* Normalised addresses hold no tab or newline. */
		fprintf(imp->dspool, "%" PRIu64 "\t%" PRIu64 "\t%s\t%s\n",
		    imp->rec_line, first_line, imp->addr, imp->kept);
	}
	if (imp->check_suppressed) {
		if ((r = store_is_suppressed(imp->store, imp->addr, cause)) < 0)
			return (-1);
		if (r > 0)
			imp->stats.suppressed++;
	}
	return (0);
}

/* Handle the record just read: skip it, take it as the header, or a row. */
static int
import_record(struct importer *imp, char **cause, int *exitcode)
{
	const char	*why, *name = "";

	if (imp->rec_reason == NULL && import_blank(imp))
		return (0);
	if (!imp->header_done) {
		imp->header_done = 1;
		if (import_header(imp, 1))
			return (0);
	}
	imp->stats.rows++;
	if ((why = imp->rec_reason) == NULL)
		why = import_parse_row(imp, &name);
	if (why != NULL)
		return (import_invalid(imp, imp->rec_line, why, cause,
		    exitcode));
	return (import_store(imp, name, cause, exitcode));
}

/*
 * Guess the format from the first line s[0..len): a tab means TSV; a
 * header row means CSV; a line that is a whole mailbox means one mailbox a
 * line (so "\"Doe, Jane\" <j@x>" is not split); otherwise a comma means CSV.
 */
static enum import_format
import_detect(struct importer *imp, const char *s, size_t len)
{
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	const char	*why;

	if (memchr(s, '\t', len) != NULL)
		return (IMPORT_TSV);
	import_set_format(imp, IMPORT_CSV);
	if (import_scan(imp) == SCAN_OK && import_header(imp, 0))
		return (IMPORT_CSV);
	if (len <= IMPORT_RECORD_MAX &&
	    addr_parse_mailbox(s, len, name, addr, &why) == 0)
		return (IMPORT_LINES);
	if (memchr(s, ',', len) != NULL)
		return (IMPORT_CSV);
	return (IMPORT_LINES);
}

/* Read more input while opening: an interrupted read is an error here. */
static int
import_fill_open(struct importer *imp, char **cause, int *exitcode)
{
	int	r;

	if ((r = import_fill(imp, cause, exitcode)) == 1) {
		*exitcode = EXIT_TEMPFAIL;
		return (set_cause(cause, "%s: %s", imp->path, strerror(EINTR)));
	}
	return (r);
}

/*
 * Read the start of the input: refuse a binary or empty file, skip a BOM
 * and leading blank lines, and detect the format if it was not given.
 */
static int
import_start(struct importer *imp, char **cause, int *exitcode)
{
	const char	*nul, *p, *q;
	size_t		 span, i, len;
	uint64_t	 line;

	while (imp->rlen < IMPORT_BINARY_SPAN && !imp->eof) {
		if (import_fill_open(imp, cause, exitcode) != 0)
			return (-1);
	}
	span = imp->rlen < IMPORT_BINARY_SPAN ? imp->rlen : IMPORT_BINARY_SPAN;
	if ((nul = memchr(imp->rbuf, '\0', span)) != NULL) {
		line = 1;
		for (p = imp->rbuf; p < nul; p++)
			line += (*p == '\n');
		*exitcode = EXIT_DATAERR;
		/* ASCII text in UTF-16 has every other byte zero. */
		if (span >= 4 && imp->conv == NULL &&
		    ((imp->rbuf[1] == 0 && imp->rbuf[3] == 0) ||
		    (imp->rbuf[0] == 0 && imp->rbuf[2] == 0))) {
			if (imp->opts.suggested != NULL)
				*imp->opts.suggested = IMPORT_ENC_UTF16;
			return (set_cause(cause, _("%s looks like UTF-16 without a "
			    "byte order mark: use --encoding utf-16"),
			    imp->path));
		}
		return (set_cause(cause, _("%s looks like a binary file (NUL byte "
		    "at line %llu)"), imp->path, (unsigned long long)line));
	}
	if (imp->rlen >= 3 && memcmp(imp->rbuf, "\xef\xbb\xbf", 3) == 0)
		imp->rpos = 3;

	/* Skip blank lines; stop at the start of the first other line. */
	for (;;) {
		for (i = imp->rpos; i < imp->rlen; i++) {
			if (imp->rbuf[i] == '\n') {
				imp->rpos = i + 1;
				imp->line++;
			} else if (imp->rbuf[i] != ' ' &&
			    imp->rbuf[i] != '\t' && imp->rbuf[i] != '\r')
				break;
		}
		if (i < imp->rlen || imp->rlen - imp->rpos > IMPORT_RECORD_MAX)
			break;
		if (imp->eof) {
			*exitcode = EXIT_DATAERR;
			return (set_cause(cause, _("%s is empty"), imp->path));
		}
		if (import_fill_open(imp, cause, exitcode) != 0)
			return (-1);
	}

	/* Have the whole first line in the buffer (or enough of it). */
	for (;;) {
		p = imp->rbuf + imp->rpos;
		len = imp->rlen - imp->rpos;
		if ((q = memchr(p, '\n', len)) != NULL || imp->eof ||
		    len > IMPORT_RECORD_MAX + 1)
			break;
		if (import_fill_open(imp, cause, exitcode) != 0)
			return (-1);
	}
	if (q != NULL)
		len = (size_t)(q - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;

	if (imp->format == IMPORT_AUTO)
		import_set_format(imp, import_detect(imp, p, len));
	else
		import_set_format(imp, imp->format);
	return (0);
}

/*
 * Decide the file's encoding from its first bytes (read raw into rbuf: a
 * whole read from a file, at least 8 KiB from a pipe, as import_start
 * waits for) and, if it is not UTF-8, move them to ibuf for conversion.
 */
static int
import_encoding_start(struct importer *imp, char **cause, int *exitcode)
{
	while (imp->rlen < IMPORT_BINARY_SPAN && !imp->eof) {
		if (import_fill_open(imp, cause, exitcode) != 0)
			return (-1);
	}
	if (import_enc_choose(imp->path, imp->rbuf, imp->rlen, imp->eof,
	    imp->opts.encoding, &imp->enc, cause) != 0) {
		if (imp->opts.suggested != NULL)
			*imp->opts.suggested = imp->enc.suggest;
		*exitcode = EXIT_DATAERR;
		return (-1);
	}
	if (imp->enc.enc == IMPORT_ENC_UTF8 || imp->enc.enc == IMPORT_ENC_AUTO)
		return (0);
	if ((imp->conv = import_conv_new(&imp->enc, cause)) == NULL) {
		*exitcode = EXIT_UNAVAIL;
		return (-1);
	}
	imp->ibuf = xmalloc(IMPORT_BUF_SIZE);
	imp->ilen = imp->rlen - imp->enc.skip;
	memcpy(imp->ibuf, imp->rbuf + imp->enc.skip, imp->ilen);
	imp->raw_done = (off_t)imp->enc.skip;
	imp->ieof = imp->eof;
	imp->eof = 0;
	imp->rlen = 0;
	return (0);
}

/* 1 once a suppression is seen: stops the walk at the first one. */
static int
import_any_suppression(const struct suppression *s, void *arg)
{
	(void)s;
	*(int *)arg = 1;
	return (1);
}

/* Begin the transaction, find or create the list, record the import. */
static int
import_begin(struct importer *imp, const char *list, char **cause,
    int *exitcode)
{
	char	*cause2 = NULL;
	int	 found = 0, r;

	*exitcode = EXIT_IOERR;
	if (store_begin_bulk(imp->store, cause) != 0)
		return (-1);
	imp->in_txn = 1;
	if (imp->to_suppressions)
		return (0);
	r = store_list_find(imp->store, list, &imp->list_id, cause);
	if (r == -1)
		return (-1);
	if (r == 1 && store_list_create(imp->store, list, &imp->list_id,
	    cause) != 0)
		return (-1);
	imp->new_list = r == 1;
	if (store_import_begin(imp->store, imp->list_id, imp->path,
	    &imp->import_id, cause) != 0)
		return (-1);

	/* With no suppressions at all, skip the per-row lookup. */
	r = store_suppressions(imp->store, import_any_suppression, &found,
	    &cause2);
	if (!found && r != 0) {
		if (cause != NULL)
			*cause = cause2;
		else
			free(cause2);
		return (-1);
	}
	free(cause2);
	imp->check_suppressed = found;
	return (0);
}

/* Open path ("-": stdin) and start importing it into list; see import.h. */
struct importer *
import_open(struct store *st, const char *list, const char *path,
    const struct import_options *opts, char **cause, int *exitcode)
{
	struct importer	*imp;
	struct stat	 sb;
	off_t		 pos;
	size_t		 i;

	if ((opts == NULL || !opts->to_suppressions) &&
	    (list == NULL || *list == '\0')) {
		*exitcode = EXIT_USAGE;
		set_cause(cause, _("empty list name"));
		return (NULL);
	}
	imp = xcalloc(1, sizeof *imp);
	imp->store = st;
	if (opts != NULL)
		imp->opts = *opts;
	imp->to_suppressions = imp->opts.to_suppressions;
	imp->format = imp->opts.format;
	imp->email_col = imp->name_col = -1;
	for (i = 0; i < IMPORT_LAW_N; i++)
		imp->law_col[i] = -1;
	imp->list_name = xstrdup(list != NULL ? list : "");
	imp->line = 1;
	imp->fd = -1;
	buf_init(&imp->json);

	if (strcmp(path, "-") == 0) {
		imp->path = xstrdup(NT("standard input"));
		imp->fd = STDIN_FILENO;
	} else {
		imp->path = xstrdup(path);
		if ((imp->fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
			*exitcode = EXIT_NOINPUT;
			set_cause(cause, "%s: %s", path, strerror(errno));
			goto fail;
		}
		imp->own_fd = 1;
	}
	if (fstat(imp->fd, &sb) != 0) {
		*exitcode = EXIT_NOINPUT;
		set_cause(cause, "%s: %s", imp->path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		*exitcode = EXIT_NOINPUT;
		set_cause(cause, "%s: %s", imp->path, strerror(EISDIR));
		goto fail;
	}
	if (S_ISREG(sb.st_mode)) {
		imp->size = sb.st_size;
		if ((pos = lseek(imp->fd, 0, SEEK_CUR)) > 0 && pos <= sb.st_size)
			imp->size -= pos;
		posix_fadvise(imp->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}

	imp->rbuf = xmalloc(IMPORT_BUF_SIZE);
	imp->rec = xmalloc(IMPORT_BUF_SIZE + 16);
	if (import_encoding_start(imp, cause, exitcode) != 0 ||
	    import_start(imp, cause, exitcode) != 0)
		goto fail;
	if (import_begin(imp, list, cause, exitcode) != 0)
		goto fail;
	return (imp);

fail:
	import_free(imp);
	return (NULL);
}

/* Read and store up to max_rows records; see import.h. */
int
import_step(struct importer *imp, unsigned int max_rows, char **cause,
    int *exitcode)
{
	unsigned int	n;
	int		r;

	if (imp->failed) {
		*exitcode = EXIT_SOFTWARE;
		return (set_cause(cause, _("import already failed")));
	}
	for (n = 0; n < max_rows; n++) {
		r = import_next(imp, cause, exitcode);
		if (r == 0 || r == 2)
			return (r == 0 ? 0 : 1);
		if (r == -1 || import_record(imp, cause, exitcode) != 0) {
			imp->failed = 1;
			return (-1);
		}
	}
	return (1);
}

/* Bytes consumed and input size. */
void
import_progress(const struct importer *imp, off_t *done, off_t *total)
{
	/* Converted input is counted in the file's bytes, as the size is. */
	*done = imp->conv != NULL ? imp->raw_done :
	    imp->base + (off_t)imp->rpos;
	*total = imp->size;
}

/* The counts so far. */
const struct import_stats *
import_stats(const struct importer *imp)
{
	return (&imp->stats);
}

/* The format detected or given. */
enum import_format
import_format(const struct importer *imp)
{
	return (imp->format);
}

/* The encoding the file is read in. */
enum import_encoding
import_encoding(const struct importer *imp)
{
	return (imp->enc.enc);
}

/* What rows that were not UTF-8 look like, or NULL. */
const char *
import_encoding_hint(const struct importer *imp)
{
	return (imp->hint);
}

/* Name of a format, for messages and --json. */
const char *
import_format_name(enum import_format f)
{
	static const char *const names[] = { "auto", "csv", "tsv", "lines" };

	if ((unsigned int)f >= nitems(names))
		return ("unknown");
	return (names[f]);
}

/*
 * Replay a spool of tab-separated lines, in file order: fn gets each
 * line's nf fields (a line with fewer is skipped); up to limit lines.
 */
static int
import_replay(FILE *spool, uint64_t limit, int nf,
    int (*fn)(char **, void *), void *arg)
{
	char		*line = NULL, *f[4], *p;
	size_t		 size = 0;
	ssize_t		 n;
	uint64_t	 count = 0;
	int		 i, error = 0;

	if (spool == NULL)
		return (0);
	if (fflush(spool) != 0 || fseeko(spool, 0, SEEK_SET) != 0)
		return (-1);
	while (limit == 0 || count < limit) {
		if ((n = getline(&line, &size, spool)) <= 0)
			break;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		p = line;
		for (i = 0; i < nf && p != NULL; i++) {
			f[i] = p;
			/* The last field takes the rest: a reason may hold
			 * tabs. */
			if (i < nf - 1 && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (p == NULL)
			continue;
		count++;
		if (fn(f, arg) != 0)
			break;
	}
	free(line);
	if (ferror(spool))
		error = -1;
	if (fseeko(spool, 0, SEEK_END) != 0)
		error = -1;
	return (error);
}

struct import_replay_arg {
	import_error_cb	 err;
	import_dup_cb	 dup;
	void		*arg;
};

/* One spooled invalid row: line, reason. */
static int
import_replay_error(char **f, void *arg)
{
	struct import_replay_arg	*a = arg;

	return (a->err(strtoull(f[0], NULL, 10), f[1], a->arg));
}

/* One spooled duplicate: line, first line, address, address kept. */
static int
import_replay_dup(char **f, void *arg)
{
	struct import_replay_arg	*a = arg;

	return (a->dup(strtoull(f[0], NULL, 10), strtoull(f[1], NULL, 10),
	    f[2], f[3], a->arg));
}

/* Replay the spooled invalid rows, in file order. */
int
import_errors(struct importer *imp, uint64_t limit, import_error_cb cb,
    void *arg)
{
	struct import_replay_arg	a = { cb, NULL, arg };

	return (import_replay(imp->spool, limit, 2, import_replay_error, &a));
}

/* Replay the spooled duplicate rows, in file order. */
int
import_duplicates(struct importer *imp, uint64_t limit, import_dup_cb cb,
    void *arg)
{
	struct import_replay_arg	a = { NULL, cb, arg };

	return (import_replay(imp->dspool, limit, 4, import_replay_dup, &a));
}

/* Record the counts and commit the transaction. */
int
import_commit(struct importer *imp, char **cause)
{
	const struct import_stats	*s = &imp->stats;

	if (imp->failed || !imp->in_txn)
		return (set_cause(cause, _("import cannot be committed")));
	/* A list is made by importing members into it: with none, it is
	 * not made (as a strict import with a bad row does not). */
	if (imp->new_list && s->imported == 0) {
		store_rollback(imp->store);
		imp->in_txn = 0;
		return (1);
	}
	if (!imp->to_suppressions && store_import_finish(imp->store, imp->import_id, s->rows,
	    s->imported, s->updated, s->duplicates, s->invalid, s->suppressed,
	    cause) != 0)
		return (-1);
	if (store_commit(imp->store, cause) != 0)
		return (-1);
	imp->in_txn = 0;
	imp->committed = 1;
	return (0);
}

/* Free the importer, rolling back unless committed. */
void
import_free(struct importer *imp)
{
	size_t	i;

	if (imp == NULL)
		return;
	if (imp->in_txn && !imp->committed)
		store_rollback(imp->store);
	if (imp->own_fd && imp->fd != -1)
		close(imp->fd);
	if (imp->spool != NULL)
		fclose(imp->spool);
	if (imp->dspool != NULL)
		fclose(imp->dspool);
	import_conv_free(imp->conv);
	free(imp->ibuf);
	for (i = 0; i < imp->ncols; i++)
		free(imp->colnames[i]);
	free(imp->colnames);
	free(imp->list_name);
	buf_free(&imp->json);
	free(imp->rbuf);
	free(imp->rec);
	free(imp->path);
	free(imp);
}
