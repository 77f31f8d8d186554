/*
 * One recipient's copy of an issue: the header fields of RFC 5322 with
 * MIME (RFC 2045-2047), merge fields filled, List-Unsubscribe (RFC 2369,
 * RFC 8058), the body in CRLF lines with a transfer encoding chosen by
 * content. Signing is not done here: send/build.c puts the DKIM
 * signatures in front (message_build).
 *
 * The header layout, in this order:
 *
 *   Date: Tue, 03 Jun 2025 10:00:00 +0000
 *   From: Info <info@example.org>
 *   To: Jane Doe <jane@example.net>
 *   Reply-To: help@example.org                  (when set)
 *   Subject: News for Jane
 *   Message-ID: <RANDOM@example.org>
 *   MIME-Version: 1.0
 *   Content-Type: text/plain; charset=UTF-8     (or ISO-2022-JP)
 *   Content-Transfer-Encoding: 7bit | 8bit | quoted-printable | base64
 *   List-Unsubscribe:
 *    <mailto:unsubscribe+TOKEN@example.org?subject=unsubscribe%20TOKEN>,
 *    <https://example.org/unsubscribe?token=TOKEN>       (when configured)
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click   (with an https URI)
 *
 * then a blank line and the body. Non-ASCII display names and Subjects are
 * RFC 2047 encoded-words, folded under 78 columns.
 *
 * Everything that comes from outside is refused when it could break a
 * header: a line break (CR or LF) in From, Reply-To, Subject or the
 * recipient's name, invalid UTF-8, control characters.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "addr.h"
#include "charset.h"
#include "footer.h"
#include "merge.h"
#include "message.h"
#include "mime.h"
#include "verp.h"
#include "store/store.h"
#include "store/store_segment.h"
#include "base/i18n.h"
#include "base/utf8.h"

#define MESSAGE_ID_MAX		128
/* A Subject after merging: folded, it may be long, but not endless. */
#define MESSAGE_MERGED_MAX	16384

/* A parsed From or Reply-To. */
struct message_mailbox {
	char	name[ADDR_NAME_MAX + 1];
	char	addr[ADDR_MAX + 1];
};

/* Refuse NUL and invalid UTF-8 in text from a file, naming the line. */
int
message_check_text(const char *what, const char *s, size_t len, char **cause)
{
	const char	*nul;
	size_t		 bad, line = 1, i;

	nul = memchr(s, '\0', len);
	if (utf8_valid(s, len, &bad)) {
		if (nul == NULL)
			return 0;
		bad = len;
	}
	if (nul != NULL && (size_t)(nul - s) < bad)
		bad = (size_t)(nul - s);
	for (i = 0; i < bad; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len ||
		    s[i + 1] != '\n')))
			line++;
	if (s[bad] == '\0')
		return set_cause(cause, _("%s line %zu: a NUL byte"), what, line);
	return set_cause(cause, _("%s line %zu: invalid UTF-8 (byte 0x%02x)"),
	    what, line, (unsigned char)s[bad]);
}

/* Refuse what cannot go into a header field: line breaks above all. */
static int
message_header_text(const char *what, const char *s, size_t max,
    char **cause)
{
	size_t		len = strlen(s), i, bad;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			return set_cause(cause, _("%s: a line break (CR or LF) "
			    "in a header is refused (header injection)"), what);
	}
	if (!utf8_valid(s, len, &bad))
		return set_cause(cause, _("%s: invalid UTF-8 (byte 0x%02x)"),
		    what, (unsigned char)s[bad]);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return set_cause(cause, _("%s: control character 0x%02x "
			    "refused"), what, c);
	}
	if (len > max)
		return set_cause(cause, _("%s: longer than %zu bytes"), what,
		    max);
	return 0;
}

/* Parse a mailbox header value ("Name <a@b>" or "a@b"). */
static int
message_mailbox(const char *what, const char *s, struct message_mailbox *mb,
    char **cause)
{
	const char	*reason;

	if (message_header_text(what, s, 1024, cause) == -1)
		return -1;
	if (addr_parse_mailbox(s, strlen(s), mb->name, mb->addr,
	    &reason) == -1)
		return set_cause(cause, "%s: '%s': %s", what, s, reason);
	return 0;
}

/* Is the URI one herald can put in List-Unsubscribe? */
static int
message_check_uri(const char *what, const char *uri, char **cause)
{
	const char	*p, *rest;
	char		 addr[ADDR_MAX + 1];
	const char	*reason;

	if (message_header_text(what, uri, MESSAGE_URI_MAX, cause) == -1)
		return -1;
	if (strncasecmp(uri, "mailto:", 7) == 0) {
		rest = uri + 7;
		p = strchr(rest, '?');
		if (addr_normalise(rest, p != NULL ? (size_t)(p - rest) :
		    strlen(rest), addr, &reason) == -1)
			return set_cause(cause, "%s: '%s': %s", what, uri,
			    reason);
		return 0;
	}
	if (strncasecmp(uri, "https://", 8) == 0)
		rest = uri + 8;
	else if (strncasecmp(uri, "http://", 7) == 0)
		rest = uri + 7;
	else
		return set_cause(cause, _("%s: '%s': expected an https:// (or "
		    "http://, or mailto:) URI"), what, uri);
	if (*rest == '\0' || *rest == '/')
		return set_cause(cause, _("%s: '%s': no host"), what, uri);
	for (p = uri; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("<>\"\\^`{|}#", *p) != NULL)
			return set_cause(cause, _("%s: '%s': character '%c' is "
			    "not allowed in the URI"), what, uri, *p);
	return 0;
}

/* An issue's Encoding ("" or NULL: auto) as a preference: 0, or -1. */
static int
message_pref(const char *enc, enum mime_pref *pref)
{
	enum mime_pref	p;

	if (enc == NULL || *enc == '\0' || strcmp(enc, "auto") == 0)
		p = MIME_PREF_AUTO;
	else if (strcmp(enc, "base64") == 0)
		p = MIME_PREF_BASE64;
	else if (strcmp(enc, "quoted-printable") == 0)
		p = MIME_PREF_QP;
	else if (strcmp(enc, "8bit") == 0)
		p = MIME_PREF_8BIT;
	else
		return -1;
	if (pref != NULL)
		*pref = p;
	return 0;
}

int
message_encoding_parse(const char *enc, int *eightbit)
{
	enum mime_pref	p;

	if (message_pref(enc, &p) == -1)
		return -1;
	if (eightbit != NULL)
		*eightbit = p == MIME_PREF_8BIT;
	return 0;
}

int
message_charset_parse(const char *name, int *jis)
{
	enum charset	cs = CHARSET_UTF8;

	if (name != NULL && *name != '\0' && charset_parse(name, &cs) == -1)
		return -1;
	if (jis != NULL)
		*jis = cs == CHARSET_ISO2022JP;
	return 0;
}

/* The issue's charset (checked before). */
static enum charset
message_charset(const struct issue *is)
{
	enum charset	cs = CHARSET_UTF8;

	if (is->charset != NULL && *is->charset != '\0')
		(void)charset_parse(is->charset, &cs);
	return cs;
}

/* Check the header fields of an issue (everything but merge fields). */
static int
message_check_headers(const struct issue *is, struct message_mailbox *from,
    char **cause)
{
	struct message_mailbox	 rt;
	const char		*s;

	if (is->from == NULL || *is->from == '\0')
		return set_cause(cause, _("From: missing (herald config set "
		    "from 'Name <address>' sets a default)"));
	if (message_mailbox("From", is->from, from, cause) == -1)
		return -1;
	if (is->reply_to != NULL && *is->reply_to != '\0' &&
	    message_mailbox("Reply-To", is->reply_to, &rt, cause) == -1)
		return -1;
	if (is->subject == NULL)
		return set_cause(cause, _("Subject: missing"));
	if (message_header_text("Subject", is->subject, MESSAGE_SUBJECT_MAX,
	    cause) == -1)
		return -1;
	for (s = is->subject; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '\0')
		return set_cause(cause, _("Subject: missing (it is empty)"));
	if (is->unsubscribe != NULL && *is->unsubscribe != '\0' &&
	    message_check_uri("Unsubscribe", is->unsubscribe, cause) == -1)
		return -1;
	if (message_encoding_parse(is->encoding, NULL) == -1)
		return set_cause(cause, _("Encoding: '%s': expected auto, "
		    "base64, quoted-printable or 8bit"), is->encoding);
	if (message_charset_parse(is->charset, NULL) == -1)
		return set_cause(cause, _("Charset: '%s': expected utf-8 or "
		    "iso-2022-jp"), is->charset);
	if (is->kind != NULL && *is->kind != '\0' &&
	    strcmp(is->kind, "ad") != 0 && strcmp(is->kind, "notice") != 0)
		return set_cause(cause, _("Kind: '%s': expected ad or notice"),
		    is->kind);
	if (is->body == NULL)
		return set_cause(cause, _("the body is missing"));
	if (strlen(is->body) > MESSAGE_BODY_MAX)
		return set_cause(cause, _("the body is longer than %d bytes"),
		    MESSAGE_BODY_MAX);
	return message_check_text(_("body"), is->body, strlen(is->body), cause);
}

/* Check an issue before it is saved. */
int
message_check(const struct issue *is, char *const *attrs, size_t nattrs,
    char **cause)
{
	struct message_mailbox	from;

	if (message_check_headers(is, &from, cause) == -1)
		return -1;
	if (merge_check(is->subject, strlen(is->subject), "Subject", attrs,
	    nattrs, cause) == -1)
		return -1;
	return merge_check(is->body, strlen(is->body), _("body"), attrs, nattrs,
	    cause);
}

/* Add one name to the audience unless it is there. */
static void
message_audience_one(struct issue *is, const char *name, size_t len,
    int exclude)
{
	size_t	i;

	for (i = 0; i < is->naud; i++)
		if (is->aud[i].exclude == exclude &&
		    strlen(is->aud[i].name) == len &&
		    memcmp(is->aud[i].name, name, len) == 0)
			return;
	is->aud = xreallocarray(is->aud, is->naud + 1, sizeof *is->aud);
	is->aud[is->naud].name = xstrndup(name, len);
	is->aud[is->naud].exclude = exclude;
	is->aud[is->naud].segment = 0;
	is->naud++;
}

void
message_audience_add(struct issue *is, const char *names, int exclude)
{
	const char	*p = names, *e, *end;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		end = e;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > p)
			message_audience_one(is, p, (size_t)(end - p),
			    exclude);
		p = *e == ',' ? e + 1 : e;
	}
}

char *
message_audience_text(const struct issue *is, int exclude)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < is->naud; i++) {
		if (is->aud[i].exclude != exclude)
			continue;
		if (b.len != 0)
			buf_adds(&b, ", ");
		buf_adds(&b, is->aud[i].name);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

/* A To of segments alone: the first one's list gives the merge fields
 * (list_id and list_name), though the issue does not go to all of it. */
static int
message_audience_segment_list(struct store *st, struct issue *is,
    char **cause)
{
	struct segment_row	r;
	size_t			i;
	int			rc;

	for (i = 0; i < is->naud; i++)
		if (!is->aud[i].exclude && is->aud[i].segment)
			break;
	if (i == is->naud)
		return 0;
	if ((rc = store_segment_get(st, is->aud[i].name, &r, cause)) == 1)
		set_cause(cause, _("no list or segment named '%s' (herald "
		    "list ls shows them)"), is->aud[i].name);
	if (rc != 0)
		return -1;
	is->list_id = r.list_id;
	free(is->list_name);
	is->list_name = r.list;
	r.list = NULL;
	store_segment_row_free(&r);
	return 0;
}

int
message_audience_settle(struct store *st, struct issue *is, char **cause)
{
	size_t	i, k;
	int64_t	id;
	int	rc, nto = 0, first = 1;

	for (i = 0; i < is->naud; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(is->aud[k].name, is->aud[i].name) == 0 &&
			    is->aud[k].exclude != is->aud[i].exclude)
				return set_cause(cause, _("'%s' is both in To "
				    "and in Exclude"), is->aud[i].name);
		if (store_audience_lookup(st, is->aud[i].name,
		    &is->aud[i].segment, cause) != 0)
			return -1;
		if (is->aud[i].exclude)
			continue;
		nto++;
		if (is->aud[i].segment || !first)
			continue;
		if ((rc = store_list_find(st, is->aud[i].name, &id,
		    cause)) == 1)
			set_cause(cause, _("no list named '%s' (herald list ls "
			    "shows them)"), is->aud[i].name);
		if (rc != 0)
			return -1;
		is->list_id = id;
		free(is->list_name);
		is->list_name = xstrdup(is->aud[i].name);
		first = 0;
	}
	if (nto == 0)
		return set_cause(cause, _("To: no list to send to"));
	if (first)
		return message_audience_segment_list(st, is, cause);
	return 0;
}

const char *
message_audience_list(const struct issue *is)
{
	size_t	i;

	for (i = 0; is->list_name != NULL && i < is->naud; i++)
		if (!is->aud[i].exclude && !is->aud[i].segment)
			return strcmp(is->aud[i].name, is->list_name) == 0 ?
			    is->list_name : NULL;
	return NULL;
}

/* Check an issue against its list's attribute names. */
int
message_check_list(struct store *st, const struct issue *is, char **cause)
{
	char	**names = NULL;
	size_t	  n = 0, i;
	int	  rc;

	if (is->list_id == 0)
		return set_cause(cause, _("List: the issue has no list (it was "
		    "removed); choose one"));
	if (store_list_attr_names(st, is->list_id, &names, &n, cause) == -1)
		return -1;
	rc = message_check(is, names, n, cause);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The From domain, for DKIM d= and the Message-ID. */
char *
message_from_domain(const struct issue *is, char **cause)
{
	struct message_mailbox	from;

	if (is->from == NULL || message_mailbox("From", is->from, &from,
	    cause) == -1)
		return NULL;
	return xstrdup(addr_domain(from.addr));
}

/* Append the Date field (RFC 5322 3.3, always in UTC). */
static void
message_date(struct buf *b, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	/* Names from our own tables: strftime's follow the locale. */
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Is s a dot-atom-text fit for the left of a Message-ID? */
static int
message_id_ok(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > MESSAGE_ID_MAX || s[0] == '.' ||
	    s[len - 1] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("!#$%&'*+-/=?^_`{|}~.", s[i]) != NULL))
			return 0;
	return 1;
}

/* Append the Message-ID field: <LOCAL@domain>, LOCAL random by default. */
static int
message_msgid(struct buf *b, const char *local, const char *domain,
    char **cause)
{
	unsigned char	rnd[16];
	char		id[40];

	if (local != NULL) {
		if (!message_id_ok(local))
			return set_cause(cause, _("Message-ID: '%s' is not a "
			    "dot-atom"), local);
		buf_printf(b, "Message-ID: <%s@%s>\r\n", local, domain);
		return 0;
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return set_cause(cause, _("Message-ID: no random bytes from "
		    "OpenSSL"));
	mime_base32(id, sizeof id, rnd, sizeof rnd);
	buf_printf(b, "Message-ID: <%s@%s>\r\n", id, domain);
	return 0;
}

/* Append s percent-encoded for the address part of a mailto: URI. */
static void
message_pct(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~!$'()*+,;:@",
		    *s) != NULL)
			buf_addc(b, *s);
		else
			buf_printf(b, "%%%c%c", hex[(unsigned char)*s >> 4],
			    hex[*s & 15]);
	}
}

/* Is the token safe to put in a URI unchanged? */
static int
message_token_ok(const char *t)
{
	size_t	i;

	for (i = 0; t[i] != '\0'; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' &&
		    t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9')))
			return 0;
	return i != 0 && i <= 64;
}

/*
 * Append List-Unsubscribe (and List-Unsubscribe-Post). The mailto: goes
 * to the address the issue names, else to config unsubscribe_mailto,
 * else (VERP on) to unsubscribe+TOKEN@ the From domain, which `herald
 * feedback read` matches by the address alone, else to From. The token
 * is in the subject every time, so a request that reaches a mailbox a
 * person reads is matched too (`herald unsubscribe TOKEN`). The https
 * URI is the issue's own, else the configured unsubscribe_url; only an
 * https URI gets the one-click Post field (RFC 8058 requires https).
 */
static int
message_unsubscribe(struct buf *b, const struct issue *is,
    const struct message_mailbox *from, const struct render_options *o,
    struct buf *fweb, struct buf *fmail, char **cause)
{
	const char	*web = NULL, *own = is->unsubscribe, *q;
	char		 addr[ADDR_MAX + 1];
	const char	*reason;
	struct buf	 uri;
	size_t		 col;

	if (o->token == NULL || !message_token_ok(o->token))
		return set_cause(cause, _("List-Unsubscribe: no valid token"));
	snprintf(addr, sizeof addr, "%s", from->addr);
	if (own != NULL && strncasecmp(own, "mailto:", 7) == 0) {
		q = strchr(own + 7, '?');
		if (addr_normalise(own + 7, q != NULL ? (size_t)(q - own - 7) :
		    strlen(own + 7), addr, &reason) == -1)
			return set_cause(cause, "Unsubscribe: %s", reason);
	} else {
		if (own != NULL && *own != '\0')
			web = own;
		if (o->unsubscribe_mailto != NULL &&
		    *o->unsubscribe_mailto != '\0') {
			if (addr_normalise(o->unsubscribe_mailto,
			    strlen(o->unsubscribe_mailto), addr,
			    &reason) == -1)
				return set_cause(cause, _("unsubscribe_mailto: "
				    "'%s': %s"), o->unsubscribe_mailto, reason);
		} else if (o->verp != '\0') {
			char	base[ADDR_MAX + 1];

			snprintf(base, sizeof base, "unsubscribe@%s",
			    addr_domain(from->addr));
			if (verp_address(base, o->verp, o->token, addr,
			    sizeof addr, cause) == -1)
				return -1;
		}
	}
	if (web == NULL && o->unsubscribe_url != NULL &&
	    *o->unsubscribe_url != '\0') {
		if (message_check_uri("unsubscribe_url", o->unsubscribe_url,
		    cause) == -1)
			return -1;
		if (strncasecmp(o->unsubscribe_url, "mailto:", 7) == 0)
			return set_cause(cause, _("unsubscribe_url: expected "
			    "an https:// URI"));
		web = o->unsubscribe_url;
	}
	/* A URI is never folded inside: when the first does not fit after
	 * the field name, it starts the next line. */
	buf_init(&uri);
	buf_adds(&uri, "<mailto:");
	message_pct(&uri, addr);
	buf_printf(&uri, "?subject=unsubscribe%%20%s>", o->token);
	buf_adds(b, "List-Unsubscribe:");
	col = 17;
	if (col + 1 + uri.len > MIME_SOFT_MAX) {
		buf_adds(b, "\r\n");
		col = 0;
	}
	buf_addc(b, ' ');
	buf_add(b, uri.data, uri.len);
	col += 1 + uri.len;
	/* The footer shows the same URIs, without the angle brackets. */
	buf_add(fmail, uri.data + 1, uri.len - 2);
	buf_free(&uri);
	if (web != NULL) {
		if (col + 3 + strlen(web) + 7 + strlen(o->token) >
		    MIME_SOFT_MAX)
			buf_adds(b, ",\r\n <");
		else
			buf_adds(b, ", <");
		buf_printf(b, "%s%stoken=%s>", web, strchr(web, '?') != NULL ?
		    "&" : "?", o->token);
		buf_printf(fweb, "%s%stoken=%s", web, strchr(web, '?') !=
		    NULL ? "&" : "?", o->token);
	}
	buf_adds(b, "\r\n");
	if (web != NULL && strncasecmp(web, "https://", 8) == 0)
		buf_adds(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
		    "\r\n");
	return 0;
}

/* Check what the recipient brings: an address and a name for To. */
static int
message_check_recipient(const struct recipient *r, char **cause)
{
	char		 norm[ADDR_MAX + 1];
	const char	*reason;

	if (r->addr == NULL)
		return set_cause(cause, _("To: no address"));
	if (message_header_text("To", r->addr, ADDR_MAX, cause) == -1)
		return -1;
	if (addr_normalise(r->addr, strlen(r->addr), norm, &reason) == -1)
		return set_cause(cause, _("To: '%s': %s"), r->addr, reason);
	if (r->name != NULL && message_header_text(_("To (the recipient's "
	    "name)"), r->name, ADDR_NAME_MAX, cause) == -1)
		return -1;
	return 0;
}

/*
 * Append "Name: " and a mailbox. In an ISO-2022-JP message a non-ASCII
 * display name goes as ISO-2022-JP encoded-words too, for the readers that
 * expect only that charset; a name it cannot carry (髙橋) stays in UTF-8
 * words, which RFC 2047 allows beside them: a header is never a reason to
 * refuse a recipient.
 */
static void
message_mailbox_field(struct buf *b, const struct issue *is,
    const char *field, const char *name, const char *addr)
{
	struct buf	 w;
	size_t		 col, len = strlen(name);
	char		*cause = NULL;

	buf_printf(b, "%s: ", field);
	col = strlen(field) + 2;
	buf_init(&w);
	if (message_charset(is) == CHARSET_ISO2022JP && len != 0 &&
	    !mime_is_ascii(name, len) &&
	    charset_jis_words(&w, field, name, len, &col, &cause) == 0) {
		buf_add(b, w.data, w.len);
		if (col + 3 + strlen(addr) > MIME_SOFT_MAX) {
			buf_adds(b, "\r\n");
			col = 0;
		}
		buf_printf(b, " <%s>", addr);
	} else {
		free(cause);
		col = strlen(field) + 2;
		mime_mailbox(b, name, addr, &col);
	}
	buf_free(&w);
	buf_adds(b, "\r\n");
}

/*
 * The merged body of r's copy in CRLF lines, with the footer (if any, its
 * opt-out links fweb and fmail), in the issue's charset, and the transfer
 * encoding it takes (ch). A character the charset cannot
 * carry (from a merge value: the issue's own text was checked by
 * message_charset_check) refuses this recipient, naming it.
 */
static int
message_body(const struct issue *is, const struct recipient *r, time_t date,
    const struct footer *footer, const char *fweb, const char *fmail,
    struct buf *crlf, struct mime_choice *ch, char **cause)
{
	struct buf	 body, utf;
	enum charset	 cs = message_charset(is);
	enum mime_pref	 pref = MIME_PREF_AUTO;
	int		 rc = -1;

	(void)message_pref(is->encoding, &pref);
	buf_init(&body);
	buf_init(&utf);
	if (merge_expand(&body, is->body, strlen(is->body), "body", r, date,
	    0, cause) == -1)
		goto out;
	if (body.len != 0 && message_check_text(_("body (merged)"), body.data,
	    body.len, cause) == -1)
		goto out;
	if (footer != NULL) {
		if (body.len != 0 && body.data[body.len - 1] != '\n')
			buf_addc(&body, '\n');
		footer_render(footer, date, fweb, fmail, &body);
	}
	if (body.len != 0)
		mime_crlf(cs == CHARSET_UTF8 ? crlf : &utf, body.data,
		    body.len);
	if (cs == CHARSET_ISO2022JP && utf.len != 0 && charset_jis(crlf,
	    "body", utf.data, utf.len, cause) == -1)
		goto out;
	mime_choose(crlf->data, crlf->len, pref, cs != CHARSET_UTF8, ch);
	rc = 0;
out:
	buf_free(&body);
	buf_free(&utf);
	return rc;
}

/* The sentence that says why ch was chosen (allocated). */
static char *
message_why(const struct mime_choice *ch)
{
	const char	*cte = mime_cte_name(ch->cte);

	switch (ch->why) {
	case MIME_WHY_ASCII:
		return xstrdup(_("7bit: the body is ASCII with lines of at "
		    "most 78 octets"));
	case MIME_WHY_ASCII_LONG:
		return xstrdup(_("7bit: the body is ASCII and no line passes "
		    "998 octets (8bit was asked for)"));
	case MIME_WHY_CONTROL:
		return xstrdup(_("quoted-printable: the body has control "
		    "characters"));
	case MIME_WHY_LONG:
		return xstrdup(_("quoted-printable: a line is longer than 78 "
		    "octets"));
	case MIME_WHY_MOSTLY_ASCII:
		return xprintf(_("quoted-printable: %u%% of the body is "
		    "non-ASCII (base64 would be larger)"), ch->pct);
	case MIME_WHY_NON_ASCII:
		return xprintf(_("base64: %u%% of the body is non-ASCII "
		    "(quoted-printable would be larger)"), ch->pct);
	case MIME_WHY_ASKED:
		return xprintf(_("%s: as the issue's Encoding asks"), cte);
	case MIME_WHY_8BIT:
		return xprintf(_("8bit to a server that offers 8BITMIME, "
		    "else %s (%u%% of the body is non-ASCII)"),
		    mime_cte_name(ch->fallback), ch->pct);
	case MIME_WHY_8BIT_LONG:
		return xprintf(_("%s: 8bit was asked for, but a line is "
		    "longer than 998 octets"), cte);
	case MIME_WHY_7BIT_CHARSET:
		return xstrdup(_("7bit: ISO-2022-JP is a 7-bit charset"));
	case MIME_WHY_CHARSET_LONG:
		break;
	}
	return xstrdup(_("base64: ISO-2022-JP, but a line is longer than "
	    "998 octets"));
}

int
message_encoding(const struct issue *is, const struct recipient *r,
    struct message_encoding *me, char **cause)
{
	struct mime_choice	ch;
	struct buf		crlf;
	struct message_mailbox	from;

	memset(me, 0, sizeof *me);
	if (message_check_headers(is, &from, cause) == -1)
		return -1;
	buf_init(&crlf);
	if (message_body(is, r, 0, NULL, NULL, NULL, &crlf, &ch,
	    cause) == -1) {
		buf_free(&crlf);
		return -1;
	}
	buf_free(&crlf);
	me->cte = mime_cte_name(ch.cte);
	me->fallback = ch.cte == MIME_8BIT ? mime_cte_name(ch.fallback) :
	    NULL;
	me->charset = charset_mime(message_charset(is));
	me->pct = ch.pct;
	me->why = message_why(&ch);
	return 0;
}

/* Append the Subject field: in ISO-2022-JP words when the issue's charset
 * is that and the text is not plain ASCII. */
static int
message_subject(struct buf *out, const struct issue *is, const char *s,
    size_t len, char **cause)
{
	size_t	col = 9;

	buf_adds(out, "Subject: ");
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (message_charset(is) == CHARSET_ISO2022JP && len != 0 &&
	    !mime_is_ascii(s, len)) {
		if (charset_jis_words(out, "Subject", s, len, &col,
		    cause) == -1)
			return -1;
	} else
		mime_unstructured(out, s, len, &col);
	buf_adds(out, "\r\n");
	return 0;
}

/* Render one recipient's message. */
int
message_render(const struct issue *is, const struct recipient *r,
    const struct render_options *o, struct buf *out, char **cause)
{
	struct message_mailbox	 from, rt;
	struct mime_choice	 ch;
	struct buf		 subj, crlf, unsub, fweb, fmail;
	enum mime_cte		 cte;
	time_t			 date;
	int			 rc = -1;

	buf_init(&subj);
	buf_init(&crlf);
	buf_init(&unsub);
	buf_init(&fweb);
	buf_init(&fmail);
	date = o->date != 0 ? o->date : time(NULL);
	if (message_check_headers(is, &from, cause) == -1 ||
	    message_check_recipient(r, cause) == -1)
		goto out;
	if (merge_expand(&subj, is->subject, strlen(is->subject), "Subject",
	    r, date, 1, cause) == -1 ||
	    message_header_text(_("Subject (merged)"),
	    subj.data != NULL ? subj.data : "", MESSAGE_MERGED_MAX,
	    cause) == -1)
		goto out;
	/* The footer carries the same opt-out links as List-Unsubscribe. */
	if (message_unsubscribe(&unsub, is, &from, o, &fweb, &fmail,
	    cause) == -1)
		goto out;
	if (message_body(is, r, date, o->footer, fweb.data, fmail.data, &crlf,
	    &ch, cause) == -1)
		goto out;
	/* The 7-bit form of an 8bit message, for a server without
	 * 8BITMIME: base64 or quoted-printable as by content. */
	cte = ch.cte == MIME_8BIT && o->sevenbit ? ch.fallback : ch.cte;

	message_date(out, date);
	message_mailbox_field(out, is, "From", from.name, from.addr);
	message_mailbox_field(out, is, "To", r->name != NULL ? r->name : "",
	    r->addr);
	if (is->reply_to != NULL && *is->reply_to != '\0') {
		if (message_mailbox("Reply-To", is->reply_to, &rt, cause) == -1)
			goto out;
		message_mailbox_field(out, is, "Reply-To", rt.name, rt.addr);
	}
	if (message_subject(out, is, subj.data != NULL ? subj.data : "",
	    subj.len, cause) == -1)
		goto out;
	if (message_msgid(out, o->message_id, addr_domain(from.addr),
	    cause) == -1)
		goto out;
	buf_printf(out, NT("MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=%s\r\n"),
	    charset_mime(message_charset(is)));
	buf_printf(out, "Content-Transfer-Encoding: %s\r\n",
	    mime_cte_name(cte));
	buf_add(out, unsub.data, unsub.len);
	buf_adds(out, "\r\n");
	if (cte == MIME_QP)
		mime_qp(out, crlf.data, crlf.len);
	else if (cte == MIME_BASE64)
		mime_base64(out, crlf.data, crlf.len);
	else
		buf_add(out, crlf.data != NULL ? crlf.data : "", crlf.len);
	rc = 0;
out:
	buf_free(&subj);
	buf_free(&crlf);
	buf_free(&unsub);
	buf_free(&fweb);
	buf_free(&fmail);
	return rc;
}

/* The characters of the issue's Subject and body its charset cannot
 * carry. */
int
message_charset_check(const struct issue *is, struct charset_bad **v,
    size_t *n, char **cause)
{
	enum charset	cs = message_charset(is);

	*v = NULL;
	*n = 0;
	if (charset_scan(cs, "subject", is->subject, strlen(is->subject), v,
	    n, cause) == -1 || charset_scan(cs, "body", is->body,
	    strlen(is->body), v, n, cause) == -1) {
		free(*v);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* The report of what the issue's charset cannot carry: one line a
 * character, under a line that says how many. Allocated. */
char *
message_charset_report(const struct issue *is, const struct charset_bad *v,
    size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_printf(&b, ngettext("%zu character cannot be written in %s:",
	    "%zu characters cannot be written in %s:", n), n,
	    charset_mime(message_charset(is)));
	for (i = 0; i < n; i++) {
		buf_adds(&b, "\n  ");
		if (strcmp(v[i].field, "subject") == 0)
			buf_printf(&b, _("Subject, column %zu: '%s' (U+%04X)"),
			    v[i].column, v[i].ch, v[i].cp);
		else
			buf_printf(&b, _("body line %zu, column %zu: '%s' "
			    "(U+%04X)"), v[i].line, v[i].column, v[i].ch,
			    v[i].cp);
	}
	return buf_take(&b);
}

/* Can r's copy be written in the issue's charset (its merged Subject and
 * body)? 0, or -1 with *cause naming the first character that cannot. */
int
message_recipient_charset(const struct issue *is, const struct recipient *r,
    char **cause)
{
	struct buf	m, out;
	int		rc = -1;

	if (message_charset(is) == CHARSET_UTF8)
		return 0;
	buf_init(&m);
	buf_init(&out);
	if (merge_expand(&m, is->subject, strlen(is->subject), "Subject", r,
	    0, 1, cause) == -1 || (m.len != 0 && charset_jis(&out, "Subject",
	    m.data, m.len, cause) == -1))
		goto out;
	buf_reset(&m);
	if (merge_expand(&m, is->body, strlen(is->body), "body", r, 0, 0,
	    cause) == -1 || (m.len != 0 && charset_jis(&out, "body", m.data,
	    m.len, cause) == -1))
		goto out;
	rc = 0;
out:
	buf_free(&m);
	buf_free(&out);
	return rc;
}
