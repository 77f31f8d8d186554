/*
 * Acting on what came back (record.h): match each finding to its send
 * and recipient, decide, act and keep the evidence, in one transaction
 * per message.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "config/config.h"
#include "mail/addr.h"
#include "smtp/alert.h"
#include "store/store.h"
#include "store/store_feedback.h"

#define RECORD_MSGID_MAX	998	/* a header line's limit */

void
feedback_opts_from(const struct config *cf, struct feedback_opts *o)
{
	const char	*v;

	memset(o, 0, sizeof *o);
	o->soft_limit = 3;
	o->delimiter = '+';
	o->verp = 1;
	if (cf == NULL)
		return;
	if ((v = config_get(cf, "verp")) != NULL && strcmp(v, "off") == 0)
		o->verp = 0;
	if ((v = config_get(cf, "soft_bounce_limit")) != NULL && atoi(v) > 0)
		o->soft_limit = atoi(v);
	if ((v = config_get(cf, "verp_delimiter")) != NULL && *v != '\0')
		o->delimiter = *v;
}

const char *
feedback_action_name(enum feedback_action a)
{
	switch (a) {
	case FEEDBACK_ACT_SUPPRESSED:
		return "suppressed";
	case FEEDBACK_ACT_COUNTED:
		return "counted";
	case FEEDBACK_ACT_ALERT:
		return "alert";
	case FEEDBACK_ACT_IGNORED:
		return "ignored";
	case FEEDBACK_ACT_NONE:
		break;
	}
	return "none";
}

void
feedback_result_free(struct feedback_result *r)
{
	size_t	i;

	if (r->why != NULL)
		for (i = 0; i < r->msg.n; i++)
			free(r->why[i]);
	free(r->why);
	free(r->action);
	free(r->send);
	feedback_msg_free(&r->msg);
	memset(r, 0, sizeof *r);
}

/* The SHA-256 of the bytes, in hex. */
static void
record_hash(const char *buf, size_t len, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1)
		fatal("feedback: SHA-256 failed");
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/*
 * The message's own Message-ID (not the returned message's), from its
 * header, unfolded and trimmed; "" when it has none.
 */
static char *
record_message_id(const char *buf, size_t len)
{
	struct buf	 b;
	const char	*p = buf, *end = buf + len, *eol;
	int		 in = 0;

	buf_init(&b);
	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (eol == p || (eol == p + 1 && *p == '\r'))
			break;		/* the header's end */
		if (*p == ' ' || *p == '\t') {
			if (in && b.len < RECORD_MSGID_MAX)
				buf_add(&b, p, (size_t)(eol - p));
		} else if (in)
			break;
		else if ((size_t)(eol - p) > 11 &&
		    strncasecmp(p, "Message-ID:", 11) == 0) {
			in = 1;
			buf_add(&b, p + 11, (size_t)(eol - p - 11));
		}
		p = eol + (eol < end);
	}
	buf_addc(&b, '\0');
	/* Trim white space (and a CR) around the value, drop any inside. */
	{
		char	*s = b.data, *d = b.data;
		size_t	 i;

		for (i = 0; s[i] != '\0'; i++)
			if (!isspace((unsigned char)s[i]))
				*d++ = s[i];
		*d = '\0';
		if (strlen(b.data) > RECORD_MSGID_MAX)
			b.data[RECORD_MSGID_MAX] = '\0';
	}
	return buf_take(&b);
}

/* What one finding was matched to. */
struct record_match {
	char	*addr;		/* the recipient acted on, or NULL */
	int64_t	 send;		/* its send, 0: none */
	char	*how;		/* how it was matched */
	int	 by_token;	/* by a herald token, not by address */
	int	 had_token;	/* the message had one, not acted on */
};

static void
match_free(struct record_match *m)
{
	free(m->addr);
	free(m->how);
	memset(m, 0, sizeof *m);
}

/* The token (lower-case, as herald makes them) into out. */
static void
token_lower(const char *t, char *out, size_t len)
{
	size_t	i;

	for (i = 0; t[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)t[i]);
	out[i] = '\0';
}

/*
 * The message's token, looked up once. Only the address a message came
 * to (VERP, the unsubscribe address) is strong: herald wrote it for that
 * recipient alone, so a report naming someone else there is forwarding.
 * A subject or a returned message's header can travel with a forwarded
 * copy, so when it disagrees with the report it is not believed.
 */
struct record_token {
	int		 state;		/* 0 none, 1 ours, 2 not ours */
	char		 tok[128];
	const char	*from;		/* token_from */
	char		*addr;		/* the address it names */
	int64_t		 send;
	int		 strong;
	int		 named;		/* a finding names addr itself */
	int		 acted;		/* addr was acted on already */
};

/* 0, or -1 on a database error. */
static int
record_token_find(struct store *st, const struct feedback_msg *msg,
    struct record_token *t, char **cause)
{
	size_t	i;
	int	rc;

	memset(t, 0, sizeof *t);
	if (msg->token == NULL || *msg->token == '\0')
		return 0;
	token_lower(msg->token, t->tok, sizeof t->tok);
	t->from = msg->token_from != NULL ? msg->token_from : "message";
	t->strong = strcmp(t->from, "verp") == 0 ||
	    strcmp(t->from, "unsubscribe-address") == 0;
	/* A reader's unsubscribe mail carries the subject herald wrote in
	 * its mailto: the token is their credential, as in the one-click
	 * URL, and names the address herald sent to even when the request
	 * comes from another of theirs (a forwarding alias). */
	if (strcmp(t->from, "subject") == 0 && msg->n > 0 &&
	    msg->v[0].kind == FEEDBACK_UNSUBSCRIBE &&
	    strcmp(msg->v[0].reason, "opt-out") != 0)
		t->strong = 1;
	if ((rc = store_fb_token(st, t->tok, &t->addr, &t->send, cause)) ==
	    -1)
		return -1;
	t->state = rc == 0 ? 1 : 2;
	for (i = 0; t->state == 1 && i < msg->n; i++)
		if (strcasecmp(msg->v[i].rcpt, t->addr) == 0)
			t->named = 1;
	return 0;
}

/*
 * Match a finding: the message's token names the recipient and the
 * send; else the recipient the report names, in the newest send to it
 * (by address: whether that may be acted on is record_act's to say).
 * 0 matched, 1 not, -1 error.
 */
static int
record_match(struct store *st, const struct record_token *t,
    const struct feedback_finding *f, struct record_match *m, char **cause)
{
	char	*addr = NULL, *note = NULL, *how;
	int64_t	 send = 0;
	int	 rc, same;

	memset(m, 0, sizeof *m);
	if (t->state == 1) {
		same = *f->rcpt == '\0' || strcasecmp(f->rcpt, t->addr) == 0;
		/* A strong token disagreeing with the report is the
		 * forwarded address's: acted on once per message, and not
		 * when another finding names the token's address itself. */
		if (same || (t->strong && !t->named && !t->acted)) {
			m->addr = xstrdup(t->addr);
			m->send = t->send;
			m->by_token = 1;
			if (t->send != 0)
				m->how = xprintf(NT("token %s (%s) names %s in "
				    "send %lld"), t->tok, t->from, t->addr,
				    (long long)t->send);
			else
				m->how = xprintf(NT("token %s (%s) names %s; "
				    "its issue has no send"), t->tok, t->from,
				    t->addr);
			if (!same) {
				how = m->how;
				m->how = xprintf(NT("%s; the report names %s "
				    "(a forward: the token's address is the "
				    "one herald sent to)"), how, f->rcpt);
				free(how);
			}
			return 0;
		}
		if (!t->strong)
			note = xprintf(NT("token %s (%s) names %s but the report "
			    "names %s: a token from the %s is not believed "
			    "against the report; "), t->tok, t->from, t->addr,
			    f->rcpt, strcmp(t->from, "subject") == 0 ?
			    "subject" : NT("returned message"));
		else
			note = xprintf("token %s (%s) names %s, %s; ", t->tok,
			    t->from, t->addr, t->named ? NT("which another "
			    "finding names") : NT("acted on once for this "
			    "message"));
	} else if (t->state == 2)
		note = xprintf(NT("token %s (%s) is not one of this database's; "),
		    t->tok, t->from);
	m->had_token = t->state != 0;
	if (*f->rcpt != '\0') {
		rc = store_fb_rcpt_send(st, f->rcpt, &send, &addr, cause);
		if (rc == -1) {
			free(note);
			return -1;
		}
		if (rc == 0) {
			m->addr = addr;
			m->send = send;
			m->how = xprintf(NT("%srecipient %s of send %lld (the "
			    "newest send to it)"), note != NULL ? note : "",
			    addr, (long long)send);
			free(note);
			return 0;
		}
	}
	m->how = xprintf(NT("%sno send or recipient matches"), note != NULL ?
	    note : "");
	free(note);
	return 1;
}

/*
 * Would the finding suppress or count? With verp on only a token may
 * make it (a report by address alone could be forged): an opt-out
 * report (RFC 5965) too. An unsubscribe mail without one is its
 * sender's own request, and a refusal of the sender suppresses nothing.
 */
static int
record_needs_token(const struct feedback_finding *f)
{
	if (f->kind == FEEDBACK_COMPLAINT)
		return 1;
	if (f->kind == FEEDBACK_UNSUBSCRIBE)
		return strcmp(f->reason, "opt-out") == 0;
	return f->kind == FEEDBACK_BOUNCE && (f->cls == REPLY_HARD ||
	    f->cls == REPLY_SOFT);
}

/* The suppression's detail: the evidence, short. */
static char *
record_detail(const struct feedback_finding *f, const char *source)
{
	char	*d, code[16] = "";

	if (f->code != 0)
		snprintf(code, sizeof code, "%d ", f->code);
	d = xprintf("%s%s%s%s%s%s (%s)", code, f->status, *f->status ? " " :
	    "", f->reason, *f->diagnostic ? ": " : "", f->diagnostic, source);
	if (strlen(d) > 400)
		strcpy(d + 396, "...");
	return d;
}

/* What was concluded, after how it was matched. */
static void
record_why(char **why, const char *how, const char *fmt, ...)
    PRINTFLIKE(3, 4);
static void
record_why(char **why, const char *how, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		fatal(NT("out of memory"));
	va_end(ap);
	*why = xprintf("%s: %s", how, what);
	free(what);
}

/*
 * Decide and (unless dry) act on one matched finding. *act and *why are
 * set; -1 on a database error.
 */
static int
record_act(struct store *st, const struct feedback_opts *o,
    const struct feedback_finding *f, const struct record_match *m,
    const char *source, int64_t now, enum feedback_action *act, char **why,
    char **cause)
{
	char		*detail, pbuf[256], text[512];
	const char	*reason, *provider, *dom;
	int		 added = 0, count = 0, suppressed = 0, rc = 0;

	*act = FEEDBACK_ACT_IGNORED;
	if (o->verp && !m->by_token && record_needs_token(f)) {
		record_why(why, m->how, NT("matched by address only, %s: not "
		    "acted on (verp is on; a report without the token could "
		    "be forged)"), m->had_token ? NT("not by a token naming it") :
		    NT("no herald token"));
		return 0;
	}
	switch (f->kind) {
	case FEEDBACK_AUTOREPLY:
		record_why(why, m->how, NT("an automatic reply (RFC 3834), not a "
		    "bounce"));
		return 0;
	case FEEDBACK_UNKNOWN:
		record_why(why, m->how, NT("nothing tells what it is: kept for "
		    "the operator, nothing done"));
		return 0;
	case FEEDBACK_COMPLAINT:
	case FEEDBACK_UNSUBSCRIBE:
		reason = f->kind == FEEDBACK_COMPLAINT ? "complaint" :
		    "unsubscribe";
		detail = f->kind == FEEDBACK_COMPLAINT ?
		    xprintf(NT("abuse report%s%s (%s)"), *f->reporting_mta ?
		    " from " : "", f->reporting_mta, source) :
		    xprintf(NT("unsubscribe mail (%s)"), source);
		if (!o->dry_run)
			rc = store_suppress_add(st, m->addr, reason, detail,
			    &added, cause);
		free(detail);
		if (rc == -1)
			return -1;
		*act = FEEDBACK_ACT_SUPPRESSED;
		record_why(why, m->how, "%s: %s%s", f->kind ==
		    FEEDBACK_COMPLAINT ? "a complaint" : NT("an unsubscribe "
		    "request"), o->dry_run ? NT("would suppress") : "suppressed",
		    !o->dry_run && !added ? NT(" (it already was)") : "");
		return 0;
	case FEEDBACK_BOUNCE:
	case FEEDBACK_DELAY:
		break;
	}
	switch (f->cls) {
	case REPLY_HARD:
		if (f->kind == FEEDBACK_DELAY)
			break;
		detail = record_detail(f, source);
		if (!o->dry_run)
			rc = store_suppress_add(st, m->addr, "bounce", detail,
			    &added, cause);
		free(detail);
		if (rc == -1)
			return -1;
		*act = FEEDBACK_ACT_SUPPRESSED;
		record_why(why, m->how, NT("hard (%s): the address is gone: %s%s"),
		    f->reason, o->dry_run ? NT("would suppress") : "suppressed",
		    !o->dry_run && !added ? NT(" (it already was)") : "");
		return 0;
	case REPLY_SOFT:
		if (f->kind == FEEDBACK_DELAY)
			break;
		if (m->send == 0) {
			record_why(why, m->how, NT("soft (%s), but no send to "
			    "count it in: nothing done"), f->reason);
			return 0;
		}
		detail = record_detail(f, source);
		if (!o->dry_run)
			rc = store_fb_soft_bounce(st, m->addr, m->send, detail,
			    o->soft_limit, now, &count, &suppressed, cause);
		free(detail);
		if (rc == -1)
			return -1;
		if (o->dry_run) {
			record_why(why, m->how, NT("soft (%s): would count it "
			    "(suppressed after %d distinct sends)"), f->reason,
			    o->soft_limit);
			*act = FEEDBACK_ACT_COUNTED;
		} else if (count >= o->soft_limit && o->soft_limit > 0) {
			*act = FEEDBACK_ACT_SUPPRESSED;
			record_why(why, m->how, NT("soft (%s) in %d distinct "
			    "sends, the limit is %d: suppressed%s"), f->reason,
			    count, o->soft_limit, suppressed ? "" :
			    NT(" (it already was)"));
		} else {
			*act = FEEDBACK_ACT_COUNTED;
			record_why(why, m->how, NT("soft (%s): counted, %d of %d "
			    "distinct sends before it is suppressed"),
			    f->reason, count, o->soft_limit);
		}
		return 0;
	case REPLY_SENDER:
		if (m->send == 0) {
			record_why(why, m->how, NT("the sender was refused (%s), "
			    "but no send to raise it in: nothing done"),
			    f->reason);
			return 0;
		}
		dom = addr_domain(m->addr);
		provider = alert_provider(dom, f->reporting_mta, f->diagnostic,
		    pbuf, sizeof pbuf);
		alert_text(provider, f->reason, text, sizeof text);
		if (!o->dry_run && store_fb_alert(st, m->send, provider,
		    f->reason, text, now, cause) == -1)
			return -1;
		*act = FEEDBACK_ACT_ALERT;
		record_why(why, m->how, NT("the sender was refused (%s), not "
		    "the address: never suppressed; %s \"%s\""), f->reason,
		    o->dry_run ? NT("would raise") : "alert", text);
		return 0;
	case REPLY_UNKNOWN:
	case REPLY_NONE:
		record_why(why, m->how, NT("unclassified (%s): kept for the "
		    "operator, nothing done"), *f->reason ? f->reason : NT("no "
		    "status"));
		return 0;
	}
	/* A delay notice (not refused as the sender). */
	record_why(why, m->how, NT("a delay notice: the reporting MTA is still "
	    "trying, nothing done"));
	return 0;
}

/*
 * Act on the parsed message r->msg (feedback_process after parsing; a
 * test may set r->msg.token itself). buf[0..len) is the message's bytes
 * (len over FEEDBACK_MAX_BYTES: only that many kept in buf).
 */
int
feedback_record(struct store *st, const struct feedback_opts *o,
    const char *buf, size_t len, const char *source,
    struct feedback_result *r, char **cause)
{
	struct feedback_finding	*f;
	struct record_match	 m;
	struct record_token	 t;
	struct fb_finding	 row;
	char			 hash[65], *msgid;
	size_t			 i, kept;
	int64_t			 now = (int64_t)time(NULL), prev = 0;
	int			 rc, matched;

	memset(&t, 0, sizeof t);
	kept = len > FEEDBACK_MAX_BYTES ? FEEDBACK_MAX_BYTES : len;
	r->action = xcalloc(r->msg.n + 1, sizeof *r->action);
	r->send = xcalloc(r->msg.n + 1, sizeof *r->send);
	r->why = xcalloc(r->msg.n + 1, sizeof *r->why);
	record_hash(buf, kept, hash);
	msgid = record_message_id(buf, kept);
	if (!o->dry_run) {
		if (store_begin(st, cause) == -1) {
			free(msgid);
			return -1;
		}
		rc = store_fb_message_find(st, msgid, hash, &prev, cause);
		if (rc == -1)
			goto fail;
		if (rc == 0) {
			/* Read before: nothing again. */
			store_rollback(st);
			r->duplicate = 1;
			for (i = 0; i < r->msg.n; i++)
				r->why[i] = xprintf(NT("read before (message "
				    "%lld): nothing done again"),
				    (long long)prev);
			free(msgid);
			return 0;
		}
		if (store_fb_message_add(st, msgid, hash, source,
		    r->msg.error, now, &r->id, cause) == -1)
			goto fail;
	}
	if (record_token_find(st, &r->msg, &t, cause) == -1)
		goto fail;
	for (i = 0; i < r->msg.n; i++) {
		f = &r->msg.v[i];
		if ((matched = record_match(st, &t, f, &m, cause)) == -1)
			goto fail;
		if (matched == 1) {
			r->action[i] = FEEDBACK_ACT_IGNORED;
			r->why[i] = xstrdup(m.how);
		} else {
			r->send[i] = m.send;
			if (record_act(st, o, f, &m, source, now,
			    &r->action[i], &r->why[i], cause) == -1) {
				match_free(&m);
				goto fail;
			}
			/* The trail's recipient is the address acted on
			 * (why names the reported one when it differs); a
			 * finding nothing was done for keeps the report's. */
			if (r->action[i] != FEEDBACK_ACT_IGNORED) {
				if (m.by_token)
					t.acted = 1;
				if (strcmp(f->rcpt, m.addr) != 0) {
					free(f->rcpt);
					f->rcpt = xstrdup(m.addr);
				}
			}
		}
		match_free(&m);
		if (o->dry_run) {
			r->action[i] = FEEDBACK_ACT_NONE;
			continue;
		}
		memset(&row, 0, sizeof row);
		row.msg_id = r->id;
		row.send_id = r->send[i];
		row.kind = feedback_kind_name(f->kind);
		row.rcpt = f->rcpt;
		row.reason = f->reason;
		row.cls = reply_class_name(f->cls);
		row.status = f->status;
		row.code = f->code;
		row.action = feedback_action_name(r->action[i]);
		row.diagnostic = f->diagnostic;
		row.reporting_mta = f->reporting_mta;
		row.message_id = f->message_id;
		row.source = source;
		row.why = r->why[i];
		row.at = now;
		if (store_fb_finding_add(st, &row, NULL, cause) == -1)
			goto fail;
	}
	free(msgid);
	free(t.addr);
	if (!o->dry_run && store_commit(st, cause) == -1) {
		store_rollback(st);
		r->id = 0;
		return -1;
	}
	return 0;
fail:
	free(msgid);
	free(t.addr);
	if (!o->dry_run)
		store_rollback(st);
	r->id = 0;
	return -1;
}

int
feedback_process(struct store *st, const struct feedback_opts *o,
    const char *buf, size_t len, const char *source,
    struct feedback_result *r, char **cause)
{
	memset(r, 0, sizeof *r);
	/* An unreadable message still gives its finding (kind unknown)
	 * and m.error, which the trail keeps. */
	(void)feedback_parse(buf, len, &r->msg);
	return feedback_record(st, o, buf, len, source, r, cause);
}

int
feedback_unsubscribe_as(struct store *st, const char *token,
    const char *source, char **addr, int *added, char **cause)
{
	struct fb_finding	 row;
	char			 tok[128], *detail, *why;
	int64_t			 send = 0;
	int			 rc, fresh = 0;

	*addr = NULL;
	if (added != NULL)
		*added = 0;
	token_lower(token, tok, sizeof tok);
	if (store_begin(st, cause) == -1)
		return -1;
	rc = store_fb_token(st, tok, addr, &send, cause);
	if (rc != 0) {
		store_rollback(st);
		return rc == 1 ? 0 : -1;
	}
	detail = xprintf("token %s (%s)", tok, source);
	rc = store_suppress_add(st, *addr, "unsubscribe", detail, &fresh,
	    cause);
	free(detail);
	if (rc == -1)
		goto fail;
	/* Suppressed before: nothing changed, so nothing is added (a
	 * repeated POST must not grow the trail). */
	if (!fresh) {
		store_rollback(st);
		return 1;
	}
	if (send != 0)
		why = xprintf(NT("token %s names %s in send %lld: an unsubscribe "
		    "request: suppressed"), tok, *addr, (long long)send);
	else
		why = xprintf(NT("token %s names %s: an unsubscribe request: "
		    "suppressed"), tok, *addr);
	memset(&row, 0, sizeof row);
	row.send_id = send;
	row.kind = "unsubscribe";
	row.rcpt = *addr;
	row.action = "suppressed";
	row.source = source;
	row.why = why;
	row.at = (int64_t)time(NULL);
	rc = store_fb_finding_add(st, &row, NULL, cause);
	free(why);
	if (rc == -1)
		goto fail;
	if (store_commit(st, cause) == -1)
		goto fail;
	if (added != NULL)
		*added = fresh;
	return 1;
fail:
	store_rollback(st);
	free(*addr);
	*addr = NULL;
	return -1;
}

int
feedback_unsubscribe(struct store *st, const char *token, const char *source,
    char **addr, char **cause)
{
	return feedback_unsubscribe_as(st, token, source, addr, NULL, cause);
}
