/*
 * Reading one message that came back (feedback.h). GMime takes the MIME
 * structure apart (broken boundaries, encodings, charsets); this file
 * picks out the machine-readable reports (message/delivery-status,
 * message/feedback-report, the returned headers) and, when there is
 * none, reads the human text of a bounce the way its MTA wrote it.
 *
 * Bounded: the message, the nesting, the number of parts, the text kept
 * per part and the findings per message all have limits (feedback.h);
 * beyond them the message is reported unreadable, never guessed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "feedback.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/util.h"
#include "base/utf8.h"
#include "mail/message.h"
#include "mail/mime.h"
#include "mail/verp.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* What the walk over the MIME tree collects. */
struct collect {
	int		 parts;
	int		 inner;		/* inside the returned message */
	int		 too_deep, too_many;
	int		 is_report;	/* multipart/report */
	struct buf	 dsn;		/* message/delivery-status text */
	struct buf	 arf;		/* message/feedback-report text */
	struct buf	 body;		/* the bounce's own text parts */
	struct buf	 html;		/* its HTML, tags dropped */
	struct buf	 rethdr;	/* the returned message's headers */
	char		*ret_msgid, *ret_to, *ret_from;
};

const char *
feedback_kind_name(enum feedback_kind k)
{
	static const char *const names[] = {
		"bounce", "delay", "complaint", "unsubscribe", "auto-reply",
		"unknown",
	};

	return (size_t)k < nitems(names) ? names[k] : "unknown";
}

static void
finding_free(struct feedback_finding *f)
{
	free(f->rcpt);
	free(f->status);
	free(f->diagnostic);
	free(f->reporting_mta);
	free(f->message_id);
	free(f->dsn_action);
}

void
feedback_msg_free(struct feedback_msg *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		finding_free(&m->v[i]);
	free(m->v);
	free(m->error);
	free(m->token);
	memset(m, 0, sizeof(*m));
}

/* A copy of s[0..len) as one line of valid UTF-8: controls and runs of
 * white space become one space, invalid bytes U+FFFD, at most max bytes. */
static char *
clean_line(const char *s, size_t len, size_t max)
{
	struct buf	 b;
	size_t		 i, n;
	int		 space = 0;

	buf_init(&b);
	for (i = 0; i < len && b.len < max; ) {
		unsigned char	c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.len > 0;
			i++;
			continue;
		}
		if (space)
			buf_addc(&b, ' ');
		space = 0;
		if (c < 0x80) {
			buf_addc(&b, (char)c);
			i++;
			continue;
		}
		{
			unsigned int	cp;
			int		r = utf8_decode(s + i, len - i, &cp);

			n = r > 0 ? (size_t)r : 0;
		}
		if (n == 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			i++;
		} else {
			buf_add(&b, s + i, n);
			i += n;
		}
	}
	buf_addc(&b, '\0');
	return buf_take(&b);
}

static char *
clean(const char *s)
{
	return clean_line(s != NULL ? s : "", s != NULL ? strlen(s) : 0, 1024);
}

/* Append what is left of limit from s[0..len), CRLF made LF. */
static void
add_text(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len && b->len < FEEDBACK_MAX_TEXT; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			buf_addc(b, s[i] == '\0' ? ' ' : s[i]);
}

/* The decoded content of a leaf part, in UTF-8 when it names a charset
 * iconv knows (else as it is: the words that matter are ASCII). */
static void
part_text(GMimeObject *o, int text, struct buf *out)
{
	GMimeDataWrapper	*w;
	GMimeStream		*mem, *filt;
	GMimeFilter		*f;
	GByteArray		*ba;
	const char		*cs;

	if (!GMIME_IS_PART(o) ||
	    (w = g_mime_part_get_content(GMIME_PART(o))) == NULL)
		return;
	mem = g_mime_stream_mem_new();
	filt = g_mime_stream_filter_new(mem);
	cs = g_mime_object_get_content_type_parameter(o, "charset");
	if (text && cs != NULL && g_ascii_strcasecmp(cs, "utf-8") != 0 &&
	    g_ascii_strcasecmp(cs, "us-ascii") != 0 &&
	    (f = g_mime_filter_charset_new(cs, "UTF-8")) != NULL) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filt), f);
		g_object_unref(f);
	}
	g_mime_data_wrapper_write_to_stream(w, filt);
	g_mime_stream_flush(filt);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (ba != NULL && ba->len > 0) {
		if (out->len > 0)
			buf_addc(out, '\n');
		add_text(out, (const char *)ba->data, ba->len);
	}
	g_object_unref(filt);
	g_object_unref(mem);
}

/* HTML's text, tags dropped, for bounces that come only in HTML. */
static void
strip_tags(struct buf *out, const char *s, size_t len)
{
	size_t	i;
	int	tag = 0;

	for (i = 0; i < len && out->len < FEEDBACK_MAX_TEXT; i++) {
		if (s[i] == '<')
			tag = 1;
		else if (s[i] == '>' && tag) {
			tag = 0;
			buf_addc(out, ' ');
		} else if (!tag)
			buf_addc(out, s[i]);
	}
}

/* The value of header name in a block of header lines text[0..len),
 * unfolded, or NULL. */
static char *
block_get(const char *text, size_t len, const char *name)
{
	size_t		 nlen = strlen(name), i = 0, e;
	struct buf	 b;

	while (i < len) {
		for (e = i; e < len && text[e] != '\n'; e++)
			;
		if (e - i > nlen && strncasecmp(text + i, name, nlen) == 0 &&
		    (text[i + nlen] == ':' ||
		    ((text[i + nlen] == ' ' || text[i + nlen] == '\t') &&
		    memchr(text + i + nlen, ':', e - i - nlen) != NULL))) {
			const char *v = (const char *)memchr(text + i, ':', e - i) + 1;

			buf_init(&b);
			buf_add(&b, v, text + e - v);
			/* folded continuation lines */
			while (e + 1 < len && (text[e + 1] == ' ' ||
			    text[e + 1] == '\t')) {
				i = e + 1;
				for (e = i; e < len && text[e] != '\n'; e++)
					;
				buf_addc(&b, ' ');
				buf_add(&b, text + i, e - i);
			}
			buf_addc(&b, '\0');
			v = b.data;
			{
				char *r = clean_line(v, strlen(v), 1024);

				buf_free(&b);
				return r;
			}
		}
		i = e + 1;
	}
	return NULL;
}

/* An address out of a header or field value ("rfc822; <a@b>", "Ann
 * <a@b>"), or NULL when there is none. */
static char *
value_addr(const char *v)
{
	const char	*s, *e, *at;

	if (v == NULL)
		return NULL;
	if ((s = strchr(v, '<')) != NULL && (e = strchr(s, '>')) != NULL)
		s++;
	else {
		if ((s = strchr(v, ';')) != NULL)
			s++;
		else
			s = v;
		while (*s == ' ' || *s == '"' || *s == '\'')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != ',' &&
		    *e != '"' && *e != '\'' && *e != '>'; e++)
			;
	}
	at = memchr(s, '@', e - s);
	if (at == NULL || at == s || at + 1 >= e || memchr(s, ' ', e - s))
		return NULL;
	return xstrndup(s, e - s);
}

/* The headers of the returned message: its Message-ID, To and From. */
static void
returned_headers(struct collect *c, const char *text, size_t len)
{
	size_t	 e;
	char	*v;

	/* headers end at the first empty line */
	for (e = 0; e + 1 < len && !(text[e] == '\n' && text[e + 1] == '\n');
	    e++)
		;
	len = e + 1 < len ? e + 1 : len;
	if (c->ret_msgid == NULL &&
	    (v = block_get(text, len, "Message-ID")) != NULL) {
		c->ret_msgid = value_addr(v);
		if (c->ret_msgid == NULL)
			c->ret_msgid = xstrdup(trim(v));
		free(v);
	}
	if (c->ret_to == NULL && (v = block_get(text, len, "To")) != NULL) {
		c->ret_to = value_addr(v);
		free(v);
	}
	if (c->ret_from == NULL && (v = block_get(text, len, "From")) != NULL) {
		c->ret_from = value_addr(v);
		free(v);
	}
}

static int
is_type(GMimeContentType *ct, const char *type, const char *sub)
{
	return ct != NULL && g_mime_content_type_is_type(ct, type, sub);
}

/* Walk the tree; the returned message (message/rfc822) gives only its
 * headers, its body is the sender's own text, not the bounce's. */
static void
walk(struct collect *c, GMimeObject *o, int depth)
{
	GMimeContentType	*ct;
	struct buf		 tmp;
	int			 i, n;

	if (depth > FEEDBACK_MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	if (++c->parts > FEEDBACK_MAX_PARTS) {
		c->too_many = 1;
		return;
	}
	ct = g_mime_object_get_content_type(o);
	if (GMIME_IS_MULTIPART(o)) {
		if (is_type(ct, "multipart", "report"))
			c->is_report = 1;
		n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < n && !c->too_many && !c->too_deep; i++)
			walk(c, g_mime_multipart_get_part(GMIME_MULTIPART(o),
			    i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage	*inner;
		char		*h;

		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (inner == NULL)
			return;
		h = g_mime_object_get_headers(GMIME_OBJECT(inner), NULL);
		if (h != NULL && !c->inner) {
			buf_init(&tmp);
			add_text(&tmp, h, strlen(h));
			if (c->rethdr.len == 0)
				add_text(&c->rethdr, tmp.data, tmp.len);
			returned_headers(c, tmp.data, tmp.len);
			buf_free(&tmp);
		}
		g_free(h);
		/* A bounce forwarded whole, or relayed and bounced again,
		 * carries its delivery status inside: only that is read
		 * from there, never the returned message's text. */
		if (g_mime_message_get_mime_part(inner) != NULL) {
			int	was = c->inner;

			c->inner = 1;
			walk(c, g_mime_message_get_mime_part(inner), depth + 1);
			c->inner = was;
		}
		return;
	}
	if (!GMIME_IS_PART(o))
		return;
	if (c->inner && !is_type(ct, "message", "delivery-status"))
		return;
	if (is_type(ct, "message", "delivery-status") ||
	    is_type(ct, "message", "global-delivery-status") ||
	    is_type(ct, "text", "delivery-status"))
		part_text(o, 0, &c->dsn);
	else if (is_type(ct, "message", "feedback-report"))
		part_text(o, 0, &c->arf);
	else if (is_type(ct, "text", "rfc822-headers") ||
	    is_type(ct, "message", "rfc822-headers") ||
	    is_type(ct, "message", "rfc822") ||
	    is_type(ct, "message", "global-headers")) {
		buf_init(&tmp);
		part_text(o, 0, &tmp);
		if (c->rethdr.len == 0)
			add_text(&c->rethdr, tmp.data, tmp.len);
		returned_headers(c, tmp.data, tmp.len);
		buf_free(&tmp);
	} else if (ct == NULL || is_type(ct, "text", "plain"))
		part_text(o, 1, &c->body);
	else if (is_type(ct, "text", "html") && c->html.len == 0) {
		buf_init(&tmp);
		part_text(o, 1, &tmp);
		strip_tags(&c->html, tmp.data, tmp.len);
		buf_free(&tmp);
	}
}

/* --- findings --------------------------------------------------------- */

static struct feedback_finding *
add_finding(struct feedback_msg *m, enum feedback_kind kind)
{
	struct feedback_finding	*f;

	if (m->n >= FEEDBACK_MAX_FINDINGS)
		return NULL;
	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	f = &m->v[m->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->cls = REPLY_NONE;
	f->reason = "";
	return f;
}

/* Fill the strings left NULL with "", so every finding has all. keyed:
 * the message came to a VERP address, which names the recipient. */
static void
finish(struct feedback_finding *f, const char *msgid, int keyed)
{
	char	**s[] = { &f->rcpt, &f->status, &f->diagnostic,
		    &f->reporting_mta, &f->message_id, &f->dsn_action };
	size_t	  i;

	if (f->message_id == NULL && msgid != NULL)
		f->message_id = clean(msgid);
	/* Exim gives up on a queue lifetime that ran out with no code, in
	 * its own words ("retry timeout exceeded", "all hosts have been
	 * failing for a long time"; GMX's "delivery retry timeout" is
	 * final): every attempt failed temporarily, so
	 * RFC 3463's X.4.7 (delivery time expired) in its transient class,
	 * as Postfix reports it. */
	if (f->kind == FEEDBACK_BOUNCE && strcmp(f->reason, "expired") == 0 &&
	    (f->status == NULL || f->status[0] == '\0') && f->code == 0 &&
	    f->diagnostic != NULL &&
	    ((strcasestr(f->diagnostic, "retry timeout exceeded") != NULL &&
	    strcasestr(f->diagnostic, "delivery retry timeout") == NULL) ||
	    strcasestr(f->diagnostic, "been failing for a long time") !=
	    NULL)) {
		free(f->status);
		f->status = xstrdup("4.4.7");
	}
	for (i = 0; i < nitems(s); i++)
		if (*s[i] == NULL)
			*s[i] = xstrdup("");
	/* Nothing is hard without the address it would suppress (which
	 * the VERP token names when the report does not). */
	if (f->cls == REPLY_HARD && f->rcpt[0] == '\0' && !keyed)
		f->cls = REPLY_UNKNOWN;
}

/* An RFC 3463 code "C.S.D" at s, not part of a longer dotted number. */
static size_t
status_at(const char *s, const char *start)
{
	const char	*p = s;
	int		 n;

	if (p > start && (isdigit((unsigned char)p[-1]) || p[-1] == '.' ||
	    isalpha((unsigned char)p[-1])))
		return 0;
	if (*p != '2' && *p != '4' && *p != '5')
		return 0;
	p++;
	for (int part = 0; part < 2; part++) {
		if (*p++ != '.')
			return 0;
		for (n = 0; isdigit((unsigned char)*p); n++, p++)
			;
		if (n == 0 || n > 3)
			return 0;
	}
	if (*p == '.' && isdigit((unsigned char)p[1]))
		return 0;
	if (isdigit((unsigned char)*p) || isalpha((unsigned char)*p))
		return 0;
	return p - s;
}

/* The first reply code followed by an enhanced code of its class
 * ("550 5.1.1", "550-'5.7.1"): the code, with the status in out[16];
 * 0 when there is no such pair. */
static int
find_pair(const char *text, char *out)
{
	const char	*p, *q;
	size_t		 n;

	for (p = text; *p != '\0'; p++) {
		if ((*p != '4' && *p != '5') || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]) || (p > text &&
		    isalnum((unsigned char)p[-1])))
			continue;
		for (q = p + 3; *q == ' ' || *q == '-' || *q == '\'' ||
		    *q == '"'; q++)
			;
		if (q > p + 3 && *q == *p && (n = status_at(q, text)) > 0 &&
		    n < 16) {
			memcpy(out, q, n);
			out[n] = '\0';
			return (p[0] - '0') * 100 + (p[1] - '0') * 10 +
			    (p[2] - '0');
		}
	}
	return 0;
}

/* The first enhanced status code in text, into out[16]: one paired with
 * a reply code first; 0 or -1. */
static int
find_status(const char *text, char *out)
{
	const char	*p;
	size_t		 n;

	if (find_pair(text, out) != 0)
		return 0;
	for (p = text; *p != '\0'; p++)
		if ((n = status_at(p, text)) > 0 && n < 16) {
			memcpy(out, p, n);
			out[n] = '\0';
			return 0;
		}
	return -1;
}

/* The first SMTP reply code in text: three digits 4xx or 5xx standing
 * alone (followed by a space, '-' or the end), not in a number, a date
 * or an address. */
static int
find_code(const char *text)
{
	const char	*p;

	/* Zoho's own field: "Invalid Address, ERROR_CODE :550, ..." */
	if ((p = strstr(text, "ERROR_CODE :")) != NULL &&
	    (p[12] == '4' || p[12] == '5') && isdigit((unsigned char)p[13]) &&
	    isdigit((unsigned char)p[14]) && !isdigit((unsigned char)p[15]))
		return (p[12] - '0') * 100 + (p[13] - '0') * 10 + (p[14] - '0');
	for (p = text; *p != '\0'; p++) {
		if ((*p != '4' && *p != '5') || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    strchr(".:-/@+#=_", p[-1]) != NULL))
			continue;
		if (p[3] != '\0' && p[3] != ' ' && p[3] != '-' &&
		    p[3] != '\n' && p[3] != '\t')
			continue;
		if (p[3] == '-' && !isalpha((unsigned char)p[4]) &&
		    p[4] != ' ' && !(p[4] >= '4' && p[4] <= '5'))
			continue;
		if (p[1] > '5')
			continue;
		return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	}
	return 0;
}

/* The diagnostic's type prefix ("smtp; ", "X-Postfix; ") dropped. */
static const char *
diag_text(const char *d)
{
	const char	*semi;

	if (d == NULL)
		return "";
	semi = strchr(d, ';');
	if (semi != NULL && semi - d < 16 && memchr(d, ' ', semi - d) == NULL)
		d = semi + 1;
	while (*d == ' ')
		d++;
	return d;
}

static void
classify(struct feedback_finding *f, const char *text, int perm)
{
	struct reply_verdict	v;

	reply_classify_bounce(f->code, f->status, text, perm, &v);
	f->cls = v.cls;
	f->reason = v.reason;
	if (v.cls == REPLY_NONE && strcmp(v.reason, "delivered") == 0)
		f->kind = FEEDBACK_UNKNOWN;
}

/* Does the line s[0..len) name an address other than rcpt? */
static int
other_addr(const char *s, size_t len, const char *rcpt)
{
	return memchr(s, '@', len) != NULL &&
	    memmem(s, len, rcpt, strlen(rcpt)) == NULL;
}

/*
 * The human text's words about rcpt: each paragraph that names it (from
 * the empty line before to the one after, narrowed to the lines that
 * name no other address), at most 1 KB in all; NULL when it is not
 * named. A transcript often says why a line before it names the address
 * ("mail.local: unknown user: ann" above "554 <ann@...>... Service
 * unavailable").
 */
static char *
rcpt_paragraph(const char *text, const char *rcpt)
{
	const char	*p, *s, *e, *q, *nl;
	struct buf	 b;
	char		*r;

	if (text == NULL || rcpt == NULL || rcpt[0] == '\0' ||
	    strcasestr(text, rcpt) == NULL)
		return NULL;
	buf_init(&b);
	for (p = text; (p = strcasestr(p, rcpt)) != NULL && b.len < 1024;
	    p = e) {
		/* back to the empty line, not past another address */
		for (s = p; s > text && s[-1] != '\n'; s--)
			;
		while (s > text + 1 && s[-2] != '\n') {
			for (q = s - 1; q > text && q[-1] != '\n'; q--)
				;
			if (other_addr(q, s - 1 - q, rcpt))
				break;
			s = q;
		}
		/* on to the empty line, not into another address */
		if ((e = strstr(p, "\n\n")) == NULL)
			e = p + strlen(p);
		for (q = strchr(p, '\n'); q != NULL && q < e;
		    q = strchr(q + 1, '\n')) {
			if ((nl = strchr(q + 1, '\n')) == NULL || nl > e)
				nl = e;
			if (other_addr(q + 1, nl - q - 1, rcpt)) {
				e = q;
				break;
			}
		}
		if (b.len > 0)
			buf_addc(&b, '\n');
		buf_add(&b, s, e - s);
		if (e == p)
			e = p + 1;
	}
	r = clean_line(b.data, b.len, 1024);
	buf_free(&b);
	return r;
}

/* Was it refused after the message was sent (at DATA or its end)? A
 * "user unknown" then is a recipient's filter, not a missing mailbox
 * (the address was accepted at RCPT). */
static int
data_stage(const char *text)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const words[] = {
		"end of data", "after data", "command data", ">>> data",
		"smtp command: data", "after end of data", "data command",
		"command was data",
	};
	size_t	i;

	for (i = 0; text != NULL && i < nitems(words); i++)
		if (strcasestr(text, words[i]) != NULL)
			return 1;
	return 0;
}

static int
rcpt_stage(const char *text)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const words[] = {
		"rcpt to", "rcpt command", "after rcpt", ">>> rcpt",
		"does not like recipient",	/* qmail-remote at RCPT */
		"[rcpt_to]",			/* Yahoo's stage tag */
		/* DATA answered so: the refusal before it, logged after
		 * ">>> DATA" by a pipelining client, was RCPT TO's. */
		"no valid recipients",
	};
	size_t	i;

	for (i = 0; text != NULL && i < nitems(words); i++)
		if (strcasestr(text, words[i]) != NULL)
			return 1;
	return 0;
}

/*
 * "User unknown" without an address code (5.1.x) is hard only when it
 * answered RCPT TO; after DATA it is the recipient's filter (the address
 * was accepted at RCPT), and Postfix's 5.1.x at DATA (smtpd_delay_reject)
 * still names the address. Said with X.2.1 (RFC 3463: mailbox disabled,
 * which Sendmail's and Sun's rulesets also send for a recipient they
 * filter) the code and the words disagree: hard only when the stage was
 * RCPT TO. The texts: what the report says about this recipient (NULL
 * when nothing).
 */
static void
after_data(struct feedback_finding *f, const char *a, const char *b,
    const char *c, int accepted)
{
	const char	*t[3] = { a, b, c };
	int		 data = 0, rcpt = 0, x21, i;

	if (f->status != NULL && strlen(f->status) > 2 &&
	    strncmp(f->status + 1, ".1.", 3) == 0)
		return;
	x21 = f->status != NULL && strlen(f->status) == 5 &&
	    strcmp(f->status + 1, ".2.1") == 0;
	if (f->cls != REPLY_HARD || strcmp(f->reason, "user-unknown") != 0)
		return;
	/* Yahoo refuses unknown users only after DATA, in these words. */
	for (i = 0; i < 3; i++)
		if (t[i] != NULL && strcasestr(t[i], "this user doesn't have a"))
			return;
	data = accepted;
	for (i = 0; i < 3; i++) {
		data |= data_stage(t[i]);
		rcpt |= rcpt_stage(t[i]);
	}
	if ((data || x21) && !rcpt) {
		f->cls = REPLY_SOFT;
		f->reason = "filtered";
	}
}

/* --- RFC 3464 ----------------------------------------------------------- */

/* The next block of field lines in text from *pos (blank lines divide
 * them); 0 at the end. */
static int
next_block(const char *text, size_t len, size_t *pos, size_t *bs,
    size_t *be)
{
	size_t	i = *pos;
	int	seen;

	while (i < len && (text[i] == '\n' || text[i] == ' ' ||
	    text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i >= len)
		return 0;
	*bs = i;
	while (i < len && !(text[i] == '\n' && (i + 1 >= len ||
	    text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < len &&
	    text[i + 2] == '\n'))))
		i++;
	*be = i < len ? i + 1 : len;
	*pos = *be;
	/* Recipients not divided by empty lines (AOL): a block ends
	 * before its second Final-Recipient line. */
	for (i = *bs, seen = 0; i + 16 <= *be; i++) {
		if (i != *bs && text[i - 1] != '\n')
			continue;
		if (strncasecmp(text + i, "Final-Recipient:", 16) != 0)
			continue;
		if (seen++) {
			*be = *pos = i;
			break;
		}
	}
	return 1;
}

/* Does s end where the text does (the report was cut inside it)? */
static int
cut_short(const char *text, size_t len, const char *s)
{
	const char	*p = text, *e = text + len, *q;
	size_t		 n = strlen(s);

	while (p < e && (q = memmem(p, e - p, s, n)) != NULL) {
		if (q + n == e)
			return 1;
		p = q + 1;
	}
	return 0;
}

/* How many recipients a delivery-status text names. */
static int
nrcpt(const char *text, size_t len)
{
	const char	*p = text, *e = text + len;
	int		 n = 0;

	while ((p = memmem(p, e - p, "Final-Recipient:", 16)) != NULL) {
		n++;
		p += 16;
	}
	return n;
}

/* One finding per recipient block of a delivery-status text. */
static void
read_dsn(struct feedback_msg *m, struct collect *c, const char *text,
    size_t len)
{
	size_t			 pos = 0, bs, be;
	char			*reporting = NULL, *v, *rcpt, *orig, *para;
	char			 st[16];
	struct feedback_finding	*f;
	const char		*d, *human;
	int			 perm, ec;

	human = c->body.len > 0 ? c->body.data : "";
	while (next_block(text, len, &pos, &bs, &be)) {
		if (reporting == NULL)
			reporting = block_get(text + bs, be - bs,
			    "Reporting-MTA");
		rcpt = block_get(text + bs, be - bs, "Final-Recipient");
		orig = block_get(text + bs, be - bs, "Original-Recipient");
		if (rcpt == NULL && orig == NULL) {
			v = block_get(text + bs, be - bs, "Status");
			if (v == NULL) {
				continue;
			}
			free(v);	/* a recipient block without one */
		}
		if ((f = add_finding(m, FEEDBACK_BOUNCE)) == NULL) {
			free(rcpt);
			free(orig);
			break;
		}
		f->rcpt = value_addr(rcpt);
		if (f->rcpt == NULL)
			f->rcpt = value_addr(orig);
		free(rcpt);
		free(orig);
		/* A report cut short inside the address names nobody. */
		if (f->rcpt != NULL && cut_short(text, len, f->rcpt)) {
			free(f->rcpt);
			f->rcpt = NULL;
		}
		/* A Final-Recipient that is no address (Sendmail's "RFC822;
		 * @mx.example.org"): the returned message's To, when it is
		 * the one recipient reported and the human part names it. */
		else if (f->rcpt == NULL && c->ret_to != NULL &&
		    nrcpt(text, len) == 1 && strcasestr(human, c->ret_to) !=
		    NULL)
			f->rcpt = xstrdup(c->ret_to);
		f->dsn_action = block_get(text + bs, be - bs, "Action");
		if (f->dsn_action != NULL)
			for (char *p = trim(f->dsn_action); *p; p++)
				*p = tolower((unsigned char)*p);
		v = block_get(text + bs, be - bs, "Status");
		f->diagnostic = block_get(text + bs, be - bs,
		    "Diagnostic-Code");
		d = diag_text(f->diagnostic);
		if ((f->code = find_pair(d, st)) == 0)
			f->code = find_code(d);
		if (v != NULL && find_status(v, st) == 0)
			f->status = xstrdup(st);
		free(v);
		/* The diagnostic's own code ("550 5.7.1") outranks the
		 * Status field when its class agrees with the reply's: MTAs
		 * often fill Status from their own guess, even of the class
		 * (La Poste's "550 5.5.0" reported as Status 4.5.0). A
		 * generic Status (X.0.0) gives way to any of the
		 * diagnostic's. */
		if (find_status(d, st) == 0 && (f->status == NULL ||
		    (strcmp(f->status + 1, ".0.0") == 0 &&
		    st[0] == f->status[0]) || f->code / 100 == st[0] - '0')) {
			free(f->status);
			f->status = xstrdup(st);
		}
		if (f->diagnostic != NULL) {
			char *t = xstrdup(d);

			free(f->diagnostic);
			f->diagnostic = t;
			d = t;
		}
		f->reporting_mta = xstrdup(diag_text(reporting));
		ec = f->status != NULL ? reply_enhanced_class(f->status) : 0;
		if (f->dsn_action != NULL &&
		    strcmp(f->dsn_action, "delayed") == 0)
			f->kind = FEEDBACK_DELAY;
		else if (f->dsn_action != NULL &&
		    (strcmp(f->dsn_action, "delivered") == 0 ||
		    strcmp(f->dsn_action, "relayed") == 0 ||
		    strcmp(f->dsn_action, "expanded") == 0))
			f->kind = FEEDBACK_UNKNOWN;
		else if (ec == 4 && (f->dsn_action == NULL ||
		    strcmp(f->dsn_action, "failed") != 0))
			f->kind = FEEDBACK_DELAY;
		perm = f->kind == FEEDBACK_BOUNCE ? 1 : 0;
		/* The human part's paragraph on this recipient fills what
		 * the fields leave out (a missing or generic code). */
		para = rcpt_paragraph(human, f->rcpt);
		if (para != NULL) {
			if (f->code == 0)
				f->code = find_code(para);
			if ((f->status == NULL ||
			    strcmp(f->status + 1, ".0.0") == 0) &&
			    find_status(para, st) == 0 &&
			    (f->status == NULL || st[0] == f->status[0])) {
				free(f->status);
				f->status = xstrdup(st);
			}
			if (d[0] == '\0') {
				free(f->diagnostic);
				f->diagnostic = xstrdup(para);
				d = f->diagnostic;
			}
		}
		/* The diagnostic names the reason, else the human part's
		 * words about this recipient; never the words about
		 * another (a truncated report has no guess to offer). */
		classify(f, d, perm);
		after_data(f, para, d, nrcpt(text, len) == 1 ? human : NULL, 0);
		free(para);
		/* PowerMTA adds its own verdict on the recipient; where the
		 * code and the words disagree (X.2.1 "User Unknown"), its
		 * "bad-mailbox" settles it. */
		v = block_get(text + bs, be - bs, "X-PowerMTA-BounceCategory");
		if (v != NULL && strcasecmp(trim(v), "bad-mailbox") == 0 &&
		    perm && f->cls == REPLY_SOFT &&
		    strcmp(f->reason, "filtered") == 0 && f->status != NULL &&
		    f->status[0] == '5') {
			f->cls = REPLY_HARD;
			f->reason = "user-unknown";
		}
		free(v);
		if (f->kind == FEEDBACK_UNKNOWN && f->cls != REPLY_NONE)
			f->cls = REPLY_NONE, f->reason = "delivered";
	}
	free(reporting);
}

/* --- RFC 5965 ----------------------------------------------------------- */

static void
read_arf(struct feedback_msg *m, struct collect *c)
{
	const char		*t = c->arf.data;
	size_t			 len = c->arf.len, i, e;
	char			*type, *v, *reporting;
	struct feedback_finding	*f;
	enum feedback_kind	 kind;
	int			 any = 0;

	type = block_get(t, len, "Feedback-Type");
	if (type == NULL)
		type = xstrdup("abuse");
	trim(type);
	for (char *p = type; *p; p++)
		*p = tolower((unsigned char)*p);
	kind = strncmp(type, "opt-out", 7) == 0 ? FEEDBACK_UNSUBSCRIBE :
	    FEEDBACK_COMPLAINT;
	reporting = block_get(t, len, "Reporting-MTA");
	/* Original-Rcpt-To may repeat: one finding each. */
	for (i = 0; i < len; i = e + 1) {
		for (e = i; e < len && t[e] != '\n'; e++)
			;
		if (e - i < 17 || strncasecmp(t + i, "Original-Rcpt-To:", 17))
			continue;
		v = clean_line(t + i + 17, e - i - 17, 512);
		if ((f = add_finding(m, kind)) == NULL) {
			free(v);
			break;
		}
		f->rcpt = value_addr(v);
		free(v);
		any = 1;
		f->reason = kind == FEEDBACK_UNSUBSCRIBE ? "opt-out" : "";
		f->dsn_action = NULL;
		f->diagnostic = clean(type);
		f->reporting_mta = xstrdup(diag_text(reporting));
	}
	if (!any && (f = add_finding(m, kind)) != NULL) {
		f->rcpt = c->ret_to != NULL ? xstrdup(c->ret_to) : NULL;
		f->diagnostic = clean(type);
		f->reporting_mta = xstrdup(diag_text(reporting));
	}
	/* the reason word is the feedback type (abuse, fraud, ...) */
	for (i = 0; i < m->n; i++)
		if (m->v[i].reason[0] == '\0')
			m->v[i].reason = strcmp(type, "abuse") == 0 ? "abuse" :
			    strcmp(type, "fraud") == 0 ? "fraud" :
			    strcmp(type, "virus") == 0 ? "virus" :
			    strncmp(type, "auth-failure", 12) == 0 ?
			    "auth-failure" : strcmp(type, "not-spam") == 0 ?
			    "not-spam" : "other";
	free(reporting);
	free(type);
}

/* --- bounces in words -------------------------------------------------- */

/* Where the copy of the returned message starts in a bounce's text. */
static size_t
text_end(const char *t, size_t len)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const marks[] = {
		"this is a copy of the message",
		"below this line is a copy of the message",
		"original message follows",
		"----- original message -----",
		"original message header",
		"------ original message",
		"the header of the original message",
		"the original message was received",
		"--- undelivered message",
		"----- message header follows",
		"unsent message below",
		"original message headers",
		"------ this is a copy",
		"content-type: message/rfc822",
		"content-type: text/rfc822-headers",
		"--- the following is the original message",
		"-- below this line is a copy",
		"copy of the message",
		"included is a copy",
		"below is a copy of the original message",
		"message headers follow",
		"\nreceived: from ",
		"\nreturn-path: <",
	};
	size_t		 i, best = len;
	const char	*p;

	for (i = 0; i < nitems(marks); i++)
		if ((p = strcasestr(t, marks[i])) != NULL &&
		    (size_t)(p - t) < best && p - t > 40)
			best = p - t;
	return best;
}

/* Local parts that name a mail system, not a recipient. */
static int
system_addr(const char *a, size_t len)
{
	static const char *const names[] = {
		"mailer-daemon@", "postmaster@", "mail-daemon@", "root@",
		"abuse@", "noreply@", "no-reply@", "double-bounce@",
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++)
		if (len > strlen(names[i]) &&
		    strncasecmp(a, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

static int
addr_char(int c)
{
	return isalnum(c) || (c != 0 && strchr(".!#$%&'*+-/=?^_`{|}~", c));
}

/* The next address in t from *pos: its start and length, 0 at the end. */
static int
next_addr(const char *t, size_t len, size_t *pos, size_t *as, size_t *al)
{
	size_t	i, s, e, dots;

	for (i = *pos; i < len; i++) {
		if (t[i] != '@' || i == 0)
			continue;
		for (s = i; s > 0 && addr_char((unsigned char)t[s - 1]); s--)
			;
		for (e = i + 1, dots = 0; e < len &&
		    (isalnum((unsigned char)t[e]) || t[e] == '-' ||
		    t[e] == '.'); e++)
			dots += t[e] == '.';
		while (e > i + 1 && t[e - 1] == '.') {
			e--;
			dots--;
		}
		*pos = e;
		/* One that runs into the end of the text may be cut short
		 * (a truncated message): not an address to act on. */
		if (s == i || dots == 0 || e - s > 254 || e == len)
			continue;
		while (s < i && (t[s] == '.' || t[s] == '-'))
			s++;
		*as = s;
		*al = e - s;
		return 1;
	}
	*pos = len;
	return 0;
}

/* Is this line (from ls) one that names the message, not a recipient? */
static int
header_line(const char *t, size_t ls)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const skip[] = {
		"message-id", "references", "in-reply-to", "from:",
		"return-path", "sender:", "reply-to", "mail from", "received:",
		">>> mail from", "x-",
	};
	size_t	i;

	while (t[ls] == ' ' || t[ls] == '\t' || t[ls] == '>')
		ls++;
	for (i = 0; i < nitems(skip); i++)
		if (strncasecmp(t + ls, skip[i], strlen(skip[i])) == 0)
			return 1;
	return 0;
}

/* Words that say the MTA is still trying. */
static int
is_delay(const char *subject, const char *text)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const words[] = {
		"delayed", "will retry", "will continue to", "still trying",
		"not yet been delivered", "delivery delay", "is being retried",
		"warning: message", "will be retried", "warning message only",
	};
	size_t	i;

	for (i = 0; i < nitems(words); i++)
		if (strcasestr(subject, words[i]) != NULL)
			return 1;
	if (strcasestr(text, "has been delayed") != NULL ||
	    strcasestr(text, "warning message only") != NULL ||
	    strcasestr(text, "delivery attempts will continue") != NULL ||
	    strcasestr(text, "will retry") != NULL ||
	    strcasestr(text, "will continue trying") != NULL)
		return 1;
	return 0;
}

struct cand {
	size_t	at;		/* offset of its first mention */
	char	*addr;
};

/* Is the line t[0..len) Sendmail's report on another host, "550
 * example.org (smtp)... 550 Host unknown", the host being dom? */
static int
sendmail_host_line(const char *t, size_t len, const char *dom)
{
	size_t	dl = strlen(dom);

	return len > dl + 6 && isdigit((unsigned char)t[0]) &&
	    isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) &&
	    t[3] == ' ' && strncasecmp(t + 4, dom, dl) == 0 &&
	    t[4 + dl] == ' ' && t[5 + dl] == '(';
}

/* Does t[0..len) hold Sendmail's final line on addr, "<addr>... "? */
static int
own_final(const char *t, size_t len, const char *addr)
{
	const char	*p, *e = t + len;
	size_t		 al = strlen(addr);

	for (p = t; p < e && (p = memmem(p, e - p, addr, al)) != NULL;
	    p += al)
		if (p > t && p[-1] == '<' && p + al + 4 <= e &&
		    memcmp(p + al, ">...", 4) == 0)
			return 1;
	return 0;
}

/* Where candidate k's text ends, from ds: before the first later line
 * that names another candidate (a bounce that lists them twice, or
 * lists them all and then the reasons) or, in a Sendmail transcript,
 * another candidate's host, at most 4 KB on. */
static size_t
cand_end(const char *t, size_t ds, size_t de, const struct cand *cand,
    size_t n, size_t k)
{
	size_t		 ls, le, j;
	const char	*dom, *mine = strchr(cand[k].addr, '@');

	if (de - ds > 4096)
		de = ds + 4096;
	for (ls = ds; ls < de; ls = le + 1) {
		for (le = ls; le < de && t[le] != '\n'; le++)
			;
		if (ls == ds)
			continue;
		for (j = 0; j < n; j++)
			if (j != k && memmem(t + ls, le - ls, cand[j].addr,
			    strlen(cand[j].addr)) != NULL)
				return ls;
		for (j = 0; j < n; j++)
			if (j != k && (dom = strchr(cand[j].addr, '@')) !=
			    NULL && (mine == NULL ||
			    strcasecmp(dom, mine) != 0) &&
			    sendmail_host_line(t + ls, le - ls, dom + 1))
				return ls;
		/* its own host's line after its own final "554 <addr>...":
		 * the next recipient's at that host */
		if (mine != NULL && sendmail_host_line(t + ls, le - ls,
		    mine + 1) && own_final(t + ds, ls - ds, cand[k].addr))
			return ls;
	}
	return de;
}

static void
read_text(struct feedback_msg *m, struct collect *c, const char *subject,
    const char *failed, char *const *mine, size_t nmine)
{
	const char		*t;
	size_t			 len, end, pos = 0, as, al, ls, i, j, n = 0;
	struct cand		 cand[FEEDBACK_MAX_FINDINGS];
	struct feedback_finding	*f;
	char			 st[16], *whole, *diag;
	int			 delay, code;

	if (c->body.len > 0) {
		t = c->body.data;
		len = c->body.len;
	} else {
		t = c->html.len > 0 ? c->html.data : "";
		len = c->html.len;
	}
	end = text_end(t, len);
	delay = is_delay(subject, t);
	/* Exim names them in a header; else every address in the text
	 * that is not the bounce's own or a mail system's. */
	while (n < nitems(cand) && next_addr(t, end, &pos, &as, &al)) {
		for (ls = as; ls > 0 && t[ls - 1] != '\n'; ls--)
			;
		/* DragonFly's "error delivering your mail to <ADDR>" names
		 * the recipient, even a postmaster. */
		if ((system_addr(t + as, al) && !(as >= 25 &&
		    strncasecmp(t + as - 25, "delivering your mail to <",
		    25) == 0)) || header_line(t, ls))
			continue;
		for (i = 0; i < nmine; i++)
			if (strlen(mine[i]) == al &&
			    strncasecmp(mine[i], t + as, al) == 0)
				break;
		if (i < nmine)
			continue;
		for (i = 0; i < n; i++)
			if (strlen(cand[i].addr) == al &&
			    strncasecmp(cand[i].addr, t + as, al) == 0)
				break;
		if (i < n)
			continue;
		if (failed != NULL && strcasestr(failed, "@") != NULL) {
			char *a = xstrndup(t + as, al);
			int in = strcasestr(failed, a) != NULL;

			free(a);
			if (!in)
				continue;
		}
		cand[n].at = ls;
		cand[n].addr = xstrndup(t + as, al);
		n++;
	}
	if (n == 0 && failed != NULL && (cand[0].addr = value_addr(failed))) {
		cand[0].at = 0;
		n = 1;
	}
	if (n == 0 && c->ret_to != NULL) {
		cand[0].addr = xstrdup(c->ret_to);
		cand[0].at = 0;
		n = 1;
	}
	whole = clean_line(t, end, 4096);
	if (n == 0) {
		f = add_finding(m, delay ? FEEDBACK_DELAY : FEEDBACK_BOUNCE);
		f->diagnostic = clean_line(whole, strlen(whole), 1024);
		f->code = find_code(whole);
		if (find_status(whole, st) == 0)
			f->status = xstrdup(st);
		classify(f, whole, -1);
	}
	for (i = 0; i < n; i++) {
		size_t	ds = cand[i].at, de = i + 1 < n ? cand[i + 1].at : end;

		if (de <= ds)
			de = end;
		de = cand_end(t, ds, de, cand, n, i);
		diag = clean_line(t + ds, de - ds, 1024);
		f = add_finding(m, delay ? FEEDBACK_DELAY : FEEDBACK_BOUNCE);
		if (f == NULL) {
			free(diag);
			for (j = i; j < n; j++)
				free(cand[j].addr);
			break;
		}
		f->rcpt = cand[i].addr;
		code = find_code(diag);
		if (find_status(diag, st) != 0 && find_status(whole, st) != 0)
			st[0] = '\0';
		if (code == 0)
			code = find_code(whole);
		f->code = code;
		if (st[0] != '\0')
			f->status = xstrdup(st);
		/* The recipient's own lines name the reason; when they are
		 * only the address, the whole text. */
		f->diagnostic = diag;
		{
			struct reply_verdict v;

			reply_classify_bounce(f->code, f->status, diag,
			    delay ? 0 : 1, &v);
			/* Unclassified: the whole text's words, unless
			 * Sendmail's final line on this recipient is there
			 * and the rest is about the others. */
			if (v.cls == REPLY_UNKNOWN && !(n > 1 &&
			    own_final(diag, strlen(diag), f->rcpt)))
				reply_classify_bounce(f->code, f->status,
				    whole, delay ? 0 : 1, &v);
			f->cls = v.cls;
			f->reason = v.reason;
		}
		after_data(f, diag, n == 1 ? whole : NULL, NULL, 0);
	}
	free(whole);
}

/* --- Amazon SES notifications ------------------------------------------ */

/* The length of the JSON object or array at p (strings and escapes
 * skipped), or 0 when it does not close. */
static size_t
json_span(const char *p)
{
	const char	*s = p;
	int		 depth = 0, str = 0;

	for (; *p != '\0'; p++) {
		if (str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				str = 0;
		} else if (*p == '"')
			str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p - s + 1;
	}
	return 0;
}

/* What one object of the notification holds that herald reads. */
struct ses_obj {
	char	*type, *bounce, *complaint, *delivery, *mail;
	char	*rcpts, *kind, *mta, *smtp, *msgid, *fbtype;
	char	*addr, *status, *diag, *action;
	char	*message;	/* SNS's envelope: the notification as text */
};

static int
ses_cb(const char *key, enum json_type t, const char *v, void *arg)
{
	struct ses_obj	*o = arg;
	char		**slot = NULL;

	if (strcmp(key, "notificationType") == 0) slot = &o->type;
	else if (strcmp(key, "bounce") == 0) slot = &o->bounce;
	else if (strcmp(key, "complaint") == 0) slot = &o->complaint;
	else if (strcmp(key, "delivery") == 0) slot = &o->delivery;
	else if (strcmp(key, "mail") == 0) slot = &o->mail;
	else if (strcmp(key, "bouncedRecipients") == 0 ||
	    strcmp(key, "complainedRecipients") == 0 ||
	    strcmp(key, "recipients") == 0) slot = &o->rcpts;
	else if (strcmp(key, "bounceType") == 0) slot = &o->kind;
	else if (strcmp(key, "reportingMTA") == 0) slot = &o->mta;
	else if (strcmp(key, "smtpResponse") == 0) slot = &o->smtp;
	else if (strcmp(key, "messageId") == 0) slot = &o->msgid;
	else if (strcmp(key, "complaintFeedbackType") == 0) slot = &o->fbtype;
	else if (strcmp(key, "emailAddress") == 0) slot = &o->addr;
	else if (strcmp(key, "status") == 0) slot = &o->status;
	else if (strcmp(key, "diagnosticCode") == 0) slot = &o->diag;
	else if (strcmp(key, "action") == 0) slot = &o->action;
	else if (strcmp(key, "Message") == 0) slot = &o->message;
	(void)t;
	if (slot != NULL && *slot == NULL)
		*slot = xstrdup(v);
	return 0;
}

static void
ses_free(struct ses_obj *o)
{
	char	**p[] = { &o->type, &o->bounce, &o->complaint, &o->delivery,
		    &o->mail, &o->rcpts, &o->kind, &o->mta, &o->smtp,
		    &o->msgid, &o->fbtype, &o->addr, &o->status, &o->diag,
		    &o->action, &o->message };
	size_t	  i;

	for (i = 0; i < nitems(p); i++)
		free(*p[i]);
	memset(o, 0, sizeof(*o));
}

/*
 * Amazon SES's notifications by mail (SNS): a JSON document instead of a
 * report, {"notificationType":"Bounce"|"Complaint"|"Delivery", ...}
 * with one entry per recipient, sometimes inside SNS's envelope
 * ({"Type":"Notification","Message":"<that document as a string>"}).
 * Returns 0 when text is not one.
 */
static int
read_ses(struct feedback_msg *m, const char *text, int depth)
{
	struct ses_obj		 top, sub, r;
	struct feedback_finding	*f;
	const char		*p, *detail;
	char			*json, st[16];
	size_t			 n;
	int			 bounce, complaint;

	if (depth > 1 || (p = strchr(text, '{')) == NULL ||
	    strstr(p, "notificationType") == NULL || (n = json_span(p)) == 0)
		return 0;
	memset(&top, 0, sizeof(top));
	memset(&sub, 0, sizeof(sub));
	json = xstrndup(p, n);
	if (json_each_value(json, ses_cb, &top) == -1 || top.type == NULL) {
		free(json);
		n = top.message != NULL ? read_ses(m, top.message, depth + 1) :
		    0;
		ses_free(&top);
		return n > 0;
	}
	free(json);
	bounce = strcmp(top.type, "Bounce") == 0;
	complaint = strcmp(top.type, "Complaint") == 0;
	detail = bounce ? top.bounce : complaint ? top.complaint : top.delivery;
	if (detail == NULL || json_each_value(detail, ses_cb, &sub) == -1 ||
	    sub.rcpts == NULL) {
		ses_free(&top);
		ses_free(&sub);
		return 0;
	}
	if (top.mail != NULL) {
		struct ses_obj	mo;

		memset(&mo, 0, sizeof(mo));
		json_each_value(top.mail, ses_cb, &mo);
		top.msgid = mo.msgid;
		mo.msgid = NULL;
		ses_free(&mo);
	}
	/* the recipients: objects (bounce, complaint) or strings */
	for (p = sub.rcpts + 1; *p != '\0' && m->n < FEEDBACK_MAX_FINDINGS;
	    p++) {
		memset(&r, 0, sizeof(r));
		if (*p == '{' && (n = json_span(p)) > 0) {
			json = xstrndup(p, n);
			json_each_value(json, ses_cb, &r);
			free(json);
			p += n - 1;
		} else if (*p == '"') {
			const char *e = strchr(p + 1, '"');

			if (e == NULL)
				break;
			r.addr = xstrndup(p + 1, e - p - 1);
			p = e;
		} else
			continue;
		f = add_finding(m, bounce ? (sub.kind != NULL &&
		    strcmp(sub.kind, "Transient") == 0 ? FEEDBACK_DELAY :
		    FEEDBACK_BOUNCE) : complaint ? FEEDBACK_COMPLAINT :
		    FEEDBACK_UNKNOWN);
		f->rcpt = value_addr(r.addr);
		f->reporting_mta = clean(diag_text(sub.mta));
		f->message_id = top.msgid != NULL ? clean(top.msgid) : NULL;
		if (complaint) {
			f->reason = "abuse";
			f->diagnostic = clean(sub.fbtype);
		} else {
			f->diagnostic = clean(diag_text(r.diag != NULL ?
			    r.diag : sub.smtp));
			f->code = find_code(f->diagnostic);
			if (r.status != NULL && find_status(r.status, st) == 0)
				f->status = xstrdup(st);
			else if (find_status(f->diagnostic, st) == 0)
				f->status = xstrdup(st);
			f->dsn_action = r.action != NULL ? clean(r.action) :
			    NULL;
			classify(f, f->diagnostic, bounce &&
			    f->kind == FEEDBACK_BOUNCE ? 1 : 0);
		}
		ses_free(&r);
	}
	ses_free(&top);
	ses_free(&sub);
	return m->n > 0;
}

/* --- the message ------------------------------------------------------- */

static int
has_word(const char *s, const char *const *words, size_t n)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcasestr(s, words[i]) != NULL)
			return 1;
	return 0;
}

/* Does the message say it is a bounce (from a mail system, or worded
 * as one)? */
/*
 * Was the bounce written by a filtering gateway (McAfee Email Gateway,
 * SurfControl, MXLogic, ActiveHunter, MailFoundry), known by the marks
 * it leaves in its own header? Such a gateway accepted the recipient at
 * RCPT and relays a refusal from behind it without saying at which stage
 * that came: its "user unknown" is no proof the address is gone.
 */
static int
from_gateway(const char *buf, size_t len)
{
	static const char *const marks[] = {
		"\nX-NAI-Header:", "\nX-SEF-", "\nX-AHMAILID:",
		"(MAILFOUNDRY)", "X-Mailer: SurfControl",
	};
	const char	*e;
	size_t		 i, hlen;

	/* the message's own header only, not the returned one */
	if ((e = memmem(buf, len, "\n\n", 2)) == NULL &&
	    (e = memmem(buf, len, "\n\r\n", 3)) == NULL)
		e = buf + len;
	hlen = e - buf;
	for (i = 0; i < nitems(marks); i++)
		if (memmem(buf, hlen, marks[i], strlen(marks[i])) != NULL)
			return 1;
	/* MXLogic's own daemon */
	for (e = buf; (e = memmem(e, buf + hlen - e, "\nFrom:", 6)) != NULL;
	    e++) {
		const char *nl = memchr(e + 1, '\n', buf + hlen - e - 1);

		if (nl != NULL && memmem(e, nl - e, ".mxlogic.net", 12) != NULL)
			return 1;
	}
	return 0;
}

static int
looks_bounce(GMimeMessage *msg, const char *from, const char *subject,
    struct collect *c)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const subj[] = {
		"undeliver", "delivery status", "delivery failure",
		"failure notice", "returned mail", "mail delivery",
		"delivery has failed", "could not be delivered", "undelivered",
		"non-delivery", "nondeliver", "non delivery", "delivery notif",
		"not delivered", "delayed mail", "delivery problem",
		"returned to sender", "delivery fail", "mail system error",
		"rejected", "bounce", "error sending", "unable to deliver",
		"warning: could not", "delivery report", "failed delivery",
		"message not delivered", "no se pudo", "unzustellbar",
		"non remis", "mail failure", "permanent error", "unknown user",
	};
	/* NT: words mail systems write, matched and never shown */
	static const char *const who[] = {
		"mailer-daemon", "postmaster", "mail delivery",
		"mail-daemon", "maildelivery", "mail administrator",
		"mailer_daemon",
	};

	if (c->is_report || c->dsn.len > 0 ||
	    g_mime_object_get_header(GMIME_OBJECT(msg),
	    "X-Failed-Recipients") != NULL)
		return 1;
	return has_word(subject, subj, nitems(subj)) ||
	    has_word(from, who, nitems(who));
}

static int
looks_autoreply(GMimeMessage *msg, const char *subject)
{
	/* NT: words mail systems write, matched and never shown */
	static const char *const subj[] = {
		"out of office", "out of the office", "auto reply",
		"autoreply", "auto-reply", "automatic reply", "auto response",
		"autoresponse", "vacation", "away from", "on leave",
		"abwesenheit", "absence",
		"\xe8\x87\xaa\xe5\x8b\x95\xe8\xbf\x94\xe4\xbf\xa1",	/* jidou henshin */
		"\xe4\xb8\x8d\xe5\x9c\xa8",			/* fuzai */
	};
	GMimeObject	*o = GMIME_OBJECT(msg);
	const char	*v;

	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL &&
	    strncasecmp(v, "auto-replied", 12) == 0)
		return 1;
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL ||
	    g_mime_object_get_header(o, "X-Autoresponder") != NULL ||
	    ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    strcasestr(v, "auto_reply") != NULL))
		return 1;
	return has_word(subject, subj, nitems(subj));
}

/* The addresses of a header of msg, in mine[] (the bounce's own: they
 * are never the failed recipient). */
static void
own_addrs(GMimeMessage *msg, const char *name, char **mine, size_t *n,
    size_t max)
{
	const char	*v = g_mime_object_get_header(GMIME_OBJECT(msg), name);
	char		*a;

	if (v != NULL && *n < max && (a = value_addr(v)) != NULL)
		mine[(*n)++] = a;
}

/* --- the token naming the recipient ---------------------------------- */

/* Can c stand in a local part as herald writes them? */
static int
local_char(int c)
{
	return c > ' ' && c < 0x7f && strchr("<>,;:\"()[]\\@", c) == NULL;
}

/* The first address in v[0..len) carrying a token (verp.h): its token
 * into token, its base local part into local. 1 if found. */
static int
scan_token(const char *v, size_t len, char *token, char *local,
    size_t localsz)
{
	char	 a[VERP_LOCAL_MAX + 3];
	size_t	 i, s;

	for (i = 0; i < len; i++) {
		if (v[i] != '@')
			continue;
		for (s = i; s > 0 && local_char((unsigned char)v[s - 1]); s--)
			;
		if (i - s > VERP_LOCAL_MAX || i == s)
			continue;
		/* only the local part and the '@' matter */
		memcpy(a, v + s, i - s);
		a[i - s] = '@';
		a[i - s + 1] = 'x';
		a[i - s + 2] = '\0';
		if (verp_token(a, token, local, localsz))
			return 1;
	}
	return 0;
}

/* A token standing at p: MESSAGE_TOKEN_LEN base32 characters, not part
 * of a longer word. */
static int
token_at(const char *p, const char *end, char *token)
{
	size_t	i;

	if (end - p < MESSAGE_TOKEN_LEN)
		return 0;
	for (i = 0; i < MESSAGE_TOKEN_LEN; i++) {
		int c = tolower((unsigned char)p[i]);

		if (strchr(MIME_BASE32, c) == NULL || c == '\0')
			return 0;
		token[i] = (char)c;
	}
	token[i] = '\0';
	return p + i == end || !isalnum((unsigned char)p[i]);
}

/* "unsubscribe TOKEN" (after any "Re:"), as the List-Unsubscribe mailto
 * writes it. */
static int
subject_token(const char *subject, char *token)
{
	static const char *const pre[] = { "re:", "aw:", "fwd:", "fw:",
	    "wg:", "tr:" };
	const char	*p = subject, *end;
	size_t		 i;
	int		 again = 1;

	end = p + strlen(p);
	while (again) {
		again = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		for (i = 0; i < nitems(pre); i++)
			if (strncasecmp(p, pre[i], strlen(pre[i])) == 0) {
				p += strlen(pre[i]);
				again = 1;
			}
	}
	if (strncasecmp(p, "unsubscribe", 11) != 0 ||
	    (p[11] != ' ' && p[11] != '\t'))
		return 0;
	for (p += 11; *p == ' ' || *p == '\t'; p++)
		;
	if (!token_at(p, end, token))
		return 0;
	for (p += MESSAGE_TOKEN_LEN; *p == ' ' || *p == '\t'; p++)
		;
	return *p == '\0';
}

/* The token in the List-Unsubscribe of the returned message's header
 * hdr[0..len): unsubscribe+TOKEN@ in the mailto, its "unsubscribe%20TOKEN"
 * subject, or the https URI's token=TOKEN. */
static int
returned_token(const char *hdr, size_t len, char *token)
{
	static const char *const marks[] = { "unsubscribe%20", "token=" };
	const char	*e, *p, *end;
	char		*v, local[VERP_LOCAL_MAX + 1];
	size_t		 i;
	int		 found = 0;

	if ((e = memmem(hdr, len, "\n\n", 2)) != NULL)
		len = (size_t)(e - hdr) + 1;
	if ((v = block_get(hdr, len, "List-Unsubscribe")) == NULL)
		return 0;
	end = v + strlen(v);
	if (scan_token(v, strlen(v), token, local, sizeof local) &&
	    strcasecmp(local, "unsubscribe") == 0)
		found = 1;
	for (i = 0; !found && i < nitems(marks); i++)
		for (p = v; !found && (p = strcasestr(p, marks[i])) != NULL;
		    p++)
			found = token_at(p + strlen(marks[i]), end, token);
	free(v);
	return found;
}

/* Fill m->token and m->token_from: the address the message came to
 * (the first of these headers that has one), its subject, the returned
 * message's List-Unsubscribe or Message-ID. */
static void
find_token(struct feedback_msg *m, GMimeMessage *msg, const char *subject,
    const struct collect *c)
{
	static const char *const names[] = { "Delivered-To", "X-Original-To",
	    "Envelope-To", "X-Envelope-To", "To" };
	GMimeHeaderList	*hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader	*h;
	const char	*v;
	char		 token[MESSAGE_TOKEN_LEN + 1];
	char		 local[VERP_LOCAL_MAX + 1];
	size_t		 i;
	int		 k, n;

	n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;
	for (i = 0; i < nitems(names); i++)
		for (k = 0; k < n; k++) {
			h = g_mime_header_list_get_header_at(hl, k);
			if (h == NULL || g_mime_header_get_name(h) == NULL ||
			    strcasecmp(g_mime_header_get_name(h), names[i]) !=
			    0 || (v = g_mime_header_get_raw_value(h)) == NULL)
				continue;
			if (scan_token(v, strlen(v), token, local,
			    sizeof local)) {
				m->token = xstrdup(token);
				m->token_from = strcasecmp(local,
				    "unsubscribe") == 0 ?
				    "unsubscribe-address" : "verp";
				return;
			}
		}
	if (subject_token(subject, token)) {
		m->token = xstrdup(token);
		m->token_from = "subject";
		return;
	}
	/* the returned header's List-Unsubscribe, else its Message-ID
	 * (verp.h), when an MTA returned only a few fields */
	if ((c->rethdr.len > 0 &&
	    returned_token(c->rethdr.data, c->rethdr.len, token)) ||
	    verp_msgid_send(c->ret_msgid, token) > 0) {
		m->token = xstrdup(token);
		m->token_from = "returned-message";
	}
}

static void
unreadable(struct feedback_msg *m, const char *why)
{
	struct feedback_finding	*f;

	free(m->error);
	m->error = xstrdup(why);
	if ((f = add_finding(m, FEEDBACK_UNKNOWN)) != NULL) {
		f->cls = REPLY_UNKNOWN;
		f->reason = "unreadable";
		f->diagnostic = xstrdup(why);
		finish(f, NULL, 0);
	}
}

/* Nesting written into the bytes, counted before GMime (whose parser
 * recurses) sees them: a multipart bomb is refused unread. */
static int
nesting(const char *buf, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i + 10 < len; i++)
		if ((buf[i] == 'm' || buf[i] == 'M') &&
		    (strncasecmp(buf + i, "multipart/", 10) == 0 ||
		    strncasecmp(buf + i, "message/rfc822", 14) == 0))
			n++;
	return n > FEEDBACK_MAX_PARTS ? -1 : 0;
}

static void
gmime_once(void)
{
	static int	done;

	if (!done) {
		g_mime_init();
		done = 1;
	}
}

int
feedback_parse(const char *buf, size_t len, struct feedback_msg *m)
{
	struct collect	 c;
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;
	GMimeObject	*top;
	const char	*subject, *from, *failed;
	char		*mine[4], *why;
	size_t		 nmine = 0, i;

	memset(m, 0, sizeof(*m));
	if (len > FEEDBACK_MAX_BYTES) {
		why = xprintf(NT("message of %zu bytes is larger than the %d MiB "
		    "limit; not read"), len, FEEDBACK_MAX_BYTES >> 20);
		unreadable(m, why);
		free(why);
		return -1;
	}
	if (len == 0) {
		unreadable(m, N_("empty message"));
		return -1;
	}
	if (nesting(buf, len) == -1) {
		unreadable(m, N_("more MIME parts than a report can have (a "
		    "multipart bomb?); not read"));
		return -1;
	}
	gmime_once();
	memset(&c, 0, sizeof(c));
	buf_init(&c.dsn);
	buf_init(&c.arf);
	buf_init(&c.body);
	buf_init(&c.html);
	buf_init(&c.rethdr);
	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL) {
		unreadable(m, N_("not a mail message (no header could be "
		    "read)"));
		goto out;
	}
	top = g_mime_message_get_mime_part(msg);
	if (top != NULL)
		walk(&c, top, 0);
	buf_addc(&c.dsn, '\0');
	c.dsn.len--;
	buf_addc(&c.arf, '\0');
	c.arf.len--;
	buf_addc(&c.body, '\0');
	c.body.len--;
	buf_addc(&c.html, '\0');
	c.html.len--;
	if (c.too_deep || c.too_many) {
		unreadable(m, c.too_deep ? N_("MIME parts nested deeper than "
		    "a report can be; not read") : N_("more MIME parts than a "
		    "report can have; not read"));
		goto out;
	}
	/* MIME that GMime could not split (a multipart without its
	 * boundaries): the raw body is the bounce's text. */
	if (c.body.len == 0 && c.dsn.len == 0 && c.arf.len == 0) {
		const char *p = memmem(buf, len, "\n\n", 2);
		const char *q = memmem(buf, len, "\r\n\r\n", 4);

		if (p == NULL || (q != NULL && q < p))
			p = q;
		if (p != NULL) {
			add_text(&c.body, p, buf + len - p);
			buf_addc(&c.body, '\0');
			c.body.len--;
		}
	}
	subject = g_mime_message_get_subject(msg);
	if (subject == NULL)
		subject = "";
	from = g_mime_object_get_header(GMIME_OBJECT(msg), "From");
	failed = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "X-Failed-Recipients");
	/* A DSN sent as plain text: its fields are in the body. */
	if (c.dsn.len == 0 && c.arf.len == 0 && c.body.len > 0 &&
	    strcasestr(c.body.data, "\nFinal-Recipient:") != NULL &&
	    strcasestr(c.body.data, "\nStatus:") != NULL) {
		const char *p = strcasestr(c.body.data, "\nFinal-Recipient:");
		const char *r = strcasestr(c.body.data, "\nReporting-MTA:");

		if (r != NULL && r < p)
			p = r;
		add_text(&c.dsn, p + 1, c.body.data + c.body.len - p - 1);
		buf_addc(&c.dsn, '\0');
		c.dsn.len--;
	}
	if (c.arf.len > 0)
		read_arf(m, &c);
	else if (c.dsn.len > 0)
		read_dsn(m, &c, c.dsn.data, c.dsn.len);
	else if (c.body.len > 0)
		read_ses(m, c.body.data, 0);
	if (m->n == 0 && looks_bounce(msg, from, subject, &c) &&
	    !(looks_autoreply(msg, subject) && c.dsn.len == 0 &&
	    !c.is_report && strcasestr(from ? from : "", "mailer-daemon") ==
	    NULL && strcasestr(from ? from : "", "postmaster") == NULL)) {
		own_addrs(msg, "From", mine, &nmine, nitems(mine));
		own_addrs(msg, "To", mine, &nmine, nitems(mine));
		own_addrs(msg, "Return-Path", mine, &nmine, nitems(mine));
		if (c.ret_from != NULL && nmine < nitems(mine))
			mine[nmine++] = xstrdup(c.ret_from);
		read_text(m, &c, subject, failed, mine, nmine);
		for (i = 0; i < nmine; i++)
			free(mine[i]);
	}
	if (m->n == 0) {
		struct feedback_finding	*f;
		char			*a = value_addr(from);

		if (looks_autoreply(msg, subject)) {
			f = add_finding(m, FEEDBACK_AUTOREPLY);
			f->reason = "vacation";
		} else if (strncasecmp(subject, "unsubscribe", 11) == 0) {
			f = add_finding(m, FEEDBACK_UNSUBSCRIBE);
			f->reason = "unsubscribe";
		} else {
			f = add_finding(m, FEEDBACK_UNKNOWN);
			f->cls = REPLY_UNKNOWN;
			f->reason = "unclassified";
		}
		f->rcpt = a;
		f->diagnostic = clean(subject);
	}
	if (from_gateway(buf, len))
		for (i = 0; i < m->n; i++)
			if (m->v[i].kind == FEEDBACK_BOUNCE)
				after_data(&m->v[i], m->v[i].diagnostic, NULL,
				    NULL, 1);
	find_token(m, msg, subject, &c);
	/* A mail to unsubscribe+TOKEN@ asks to unsubscribe whatever it
	 * says, unless a machine wrote it: an automatic reply, or a report
	 * about the unsubscribe mail itself. Its recipient is the token's,
	 * not its From (which may be any address the member writes from). */
	if (m->token_from != NULL &&
	    strcmp(m->token_from, "unsubscribe-address") == 0 &&
	    c.dsn.len == 0 && c.arf.len == 0 && !c.is_report &&
	    !looks_autoreply(msg, subject) &&
	    strcasestr(from ? from : "", "mailer-daemon") == NULL &&
	    strcasestr(from ? from : "", "postmaster") == NULL) {
		struct feedback_finding	*f;

		for (i = 0; i < m->n; i++)
			finding_free(&m->v[i]);
		m->n = 0;
		f = add_finding(m, FEEDBACK_UNSUBSCRIBE);
		f->reason = "unsubscribe";
		f->diagnostic = clean(subject);
	}
	for (i = 0; i < m->n; i++)
		finish(&m->v[i], c.ret_msgid, m->token_from != NULL &&
		    strcmp(m->token_from, "verp") == 0 && m->n == 1);
out:
	if (msg != NULL)
		g_object_unref(msg);
	buf_free(&c.dsn);
	buf_free(&c.arf);
	buf_free(&c.body);
	buf_free(&c.html);
	buf_free(&c.rethdr);
	free(c.ret_msgid);
	free(c.ret_to);
	free(c.ret_from);
	return m->error != NULL ? -1 : 0;
}
