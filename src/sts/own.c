/*
 * The sending domain's own inbound side (own.h): its MX hosts' STARTTLS,
 * its MTA-STS and TLS-RPT records and policy, its BIMI record.
 *
 * Everything that comes from DNS or a server is hostile: shown only
 * through health_cleans, put in a proposed record only through
 * health_txt_record.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "own.h"
#include "policy.h"
#include "auth/bimi.h"
#include "auth/dns.h"
#include "auth/tlsrpt.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/util.h"
#include "smtp/smtp.h"
#include "smtp/tls.h"

#define OWN_MX_MAX	3	/* MX hosts probed, by preference */
#define OWN_MX_KEEP	16	/* MX hosts named in the policy fix */
#define OWN_TIMEOUT	15	/* seconds per SMTP step */
#define OWN_MAX_AGE	604800	/* max_age of a proposed policy: a week */

struct own_run {
	struct dns			*dns;
	const char			*domain;
	const struct own_options	*o;
	health_cb			 cb;
	void				*arg;
	enum health_status		 worst;
	char				*mx[OWN_MX_KEEP];	/* lower case */
	size_t				 nmx;
	int				 mx_state;	/* 0 ok (or implicit),
							 * -1 DNS trouble, 1 no
							 * usable MX */
	int				 dead;		/* the MX lookup timed
							 * out: ask no more */
};

/* Hand a check to the caller; title, observed and fix are consumed. */
static void
own_emit(struct own_run *r, const char *id, enum health_status st,
    char *title, char *observed, char *fix, int unanswered)
{
	struct health_check	c;

	memset(&c, 0, sizeof c);
	c.id = id;
	c.title = title;
	c.status = st;
	c.observed = observed;
	c.fix = fix;
	c.unanswered = unanswered;
	if (st > r->worst)
		r->worst = st;
	if (r->cb != NULL)
		r->cb(&c, r->arg);
	free(title);
	free(observed);
	free(fix);
}

/* ---- the MX hosts ---- */

static int
own_mx_cmp(const void *a, const void *b)
{
	const struct dns_record	*x = a, *y = b;

	return x->u.mx.pref < y->u.mx.pref ? -1 : x->u.mx.pref > y->u.mx.pref;
}

/* The domain's MX hosts by preference (no MX: the domain itself, as a
 * sender would use it). */
static void
own_mx_list(struct own_run *r)
{
	struct dns_answer	 a;
	const char		*h;
	size_t			 i;

	memset(&a, 0, sizeof a);
	dns_query(r->dns, r->domain, DNS_MX, &a);
	if (a.status == DNS_OK) {
		if (a.n > 1)
			qsort(a.rr, a.n, sizeof a.rr[0], own_mx_cmp);
		for (i = 0; i < a.n && r->nmx < OWN_MX_KEEP; i++) {
			h = a.rr[i].u.mx.host;
			if (*h == '\0' || strcmp(h, ".") == 0 ||
			    !health_is_hostname(h))
				continue;
			r->mx[r->nmx++] = health_lower(h);
		}
		r->mx_state = r->nmx == 0;
	} else if (a.status == DNS_NODATA) {
		r->mx[r->nmx++] = xstrdup(r->domain);
	} else
		r->mx_state = a.status == DNS_NXDOMAIN ? 1 : -1;
	/* The report before gave up on a resolver that stopped answering;
	 * three more lookups to wait for would only say the same. */
	r->dead = a.status == DNS_TIMEOUT;
	dns_answer_free(&a);
}

/* A check not asked because the resolver stopped answering: 1. */
static int
own_dead(struct own_run *r, const char *id, char *title)
{
	if (!r->dead)
		return 0;
	own_emit(r, id, HEALTH_WARN, title, xprintf(_("not asked: the "
	    "resolver %s timed out on the MX of %s"), dns_describe(r->dns),
	    r->domain), xstrdup(_("check again once DNS answers")), 1);
	return 1;
}

/* ---- own.mx_tls ---- */

/* What one MX host said. */
struct own_probe {
	struct loop		*loop;
	int			 ready;		/* EHLO (and TLS) done */
	int			 offered;	/* STARTTLS in the EHLO reply */
	int			 tls_failed;	/* the handshake failed */
	struct tls_status	 tls;
	struct smtp_reply	 reply;		/* how it ended, if not ready */
	struct smtp_session	*s;
	struct loop_timer	*timer;		/* the watchdog, until it fires */
	int			 done;
};

static void
own_on_ready(struct smtp_session *s, void *arg)
{
	struct own_probe	*p = arg;

	p->ready = 1;
	p->offered = smtp_starttls_offered(s) == 1;
	p->tls = *smtp_tls_status(s);
	smtp_quit(s);
}

static void
own_on_done(struct smtp_session *s, struct smtp_msg *m, enum smtp_outcome o,
    const struct smtp_reply *rep, void *arg)
{
	/* No message is ever submitted. */
	(void)s;
	(void)m;
	(void)o;
	(void)rep;
	(void)arg;
}

static void
own_on_closed(struct smtp_session *s, enum smtp_outcome o,
    const struct smtp_reply *rep, int tls_failed, void *arg)
{
	struct own_probe	*p = arg;

	(void)o;
	if (!p->ready) {
		p->reply = *rep;
		p->tls_failed = tls_failed;
		p->offered = smtp_starttls_offered(s) == 1;
	}
	p->s = NULL;
	p->done = 1;
	loop_stop(p->loop);
}

/* A server that keeps every step just under its timeout must not hold
 * the report for long: the whole session has this bound. */
static void
own_watchdog(void *arg)
{
	struct own_probe	*p = arg;

	p->timer = NULL;
	if (p->s != NULL)
		smtp_abort(p->s);
}

/* The first address of host on port, in ss; 0, or -1 with *why. */
static int
own_addr(struct own_run *r, const char *host, int port,
    struct sockaddr_storage *ss, socklen_t *len, char **why)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	struct dns_answer	 a;

	memset(ss, 0, sizeof *ss);
	dns_query(r->dns, host, DNS_A, &a);
	if (a.status == DNS_OK) {
		s4->sin_family = AF_INET;
		s4->sin_addr = a.rr[0].u.a;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
		dns_answer_free(&a);
		return 0;
	}
	dns_answer_free(&a);
	dns_query(r->dns, host, DNS_AAAA, &a);
	if (a.status == DNS_OK) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a.rr[0].u.aaaa;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		dns_answer_free(&a);
		return 0;
	}
	*why = xprintf(_("%s has no address (%s)"), host,
	    dns_status_name(a.status));
	dns_answer_free(&a);
	return -1;
}

/* Kinds of outcome of one host, worst last. */
enum own_mx {
	OWN_MX_VERIFIED,	/* STARTTLS, chain and name verified */
	OWN_MX_NAME,		/* trusted chain, another name */
	OWN_MX_UNTRUSTED,	/* a chain that does not verify */
	OWN_MX_TLSFAIL,		/* the handshake failed */
	OWN_MX_PLAIN,		/* no STARTTLS offered */
	OWN_MX_DOWN,		/* no session at all */
};

/* Probe one MX host: what it came to, with a line for the report. */
static enum own_mx
own_probe_host(struct own_run *r, struct tls_ctx *tls, const char *host,
    struct buf *obs)
{
	struct sockaddr_storage	 ss;
	struct smtp_params	 sp;
	struct smtp_events	 ev;
	struct own_probe	 p;
	socklen_t		 sslen;
	char			*why = NULL, *h = health_cleans(host), *x;
	unsigned int		 step;
	int			 port;
	enum own_mx		 k;

	port = r->o->smtp_port > 0 ? r->o->smtp_port : 25;
	step = r->o->timeout > 0 ? r->o->timeout : OWN_TIMEOUT;
	if (own_addr(r, host, port, &ss, &sslen, &why) == -1) {
		buf_printf(obs, "%s%s", obs->len ? "; " : "", why);
		free(why);
		free(h);
		return OWN_MX_DOWN;
	}
	memset(&sp, 0, sizeof sp);
	sp.helo = r->o->helo;
	sp.host = host;
	/* "may" records what the certificate proved without refusing it:
	 * the report judges. */
	sp.policy = TLS_POLICY_MAY;
	sp.tls = tls;
	sp.t_connect = step;
	sp.t_greeting = step;
	sp.t_command = step;
	memset(&ev, 0, sizeof ev);
	ev.ready = own_on_ready;
	ev.done = own_on_done;
	ev.closed = own_on_closed;
	memset(&p, 0, sizeof p);
	p.loop = loop_new();
	if ((p.s = smtp_connect(p.loop, (struct sockaddr *)&ss, sslen, NULL,
	    0, &sp, &ev, &p, &why)) == NULL) {
		if (obs->len)
			buf_adds(obs, "; ");
		buf_printf(obs, _("%s: cannot connect (%s)"), h, why);
		free(why);
		loop_free(p.loop);
		free(h);
		return OWN_MX_DOWN;
	}
	p.timer = loop_timer_add(p.loop, (uint64_t)step * 4 * 1000,
	    own_watchdog, &p);
	while (!p.done)
		loop_run(p.loop);
	if (p.timer != NULL)
		loop_timer_del(p.loop, p.timer);
	loop_free(p.loop);

	if (obs->len)
		buf_adds(obs, "; ");
	/* Without a reply code the text is the client's own cause, in the
	 * reader's language; a server's words are shown escaped. */
	x = p.reply.code == 0 ? xstrdup(p.reply.text) :
	    health_cleans(p.reply.text);
	if (!p.ready && p.tls_failed) {
		k = OWN_MX_TLSFAIL;
		buf_printf(obs, _("%s: STARTTLS offered, but the TLS handshake "
		    "failed (%s)"), h, x);
	} else if (!p.ready) {
		k = OWN_MX_DOWN;
		if (p.reply.code != 0)
			buf_printf(obs, _("%s port %d: no session (%s: %d %s)"),
			    h, port, p.reply.stage, p.reply.code, x);
		else
			buf_printf(obs, _("%s port %d: no session (%s: %s)"),
			    h, port, p.reply.stage, x);
	} else if (!p.tls.active) {
		k = OWN_MX_PLAIN;
		buf_printf(obs, _("%s: no STARTTLS: mail to it travels in "
		    "plain text"), h);
	} else if (strcmp(p.tls.verify, "verified") == 0) {
		k = OWN_MX_VERIFIED;
		buf_printf(obs, _("%s: STARTTLS, %s, certificate verified for "
		    "its name"), h, p.tls.version);
	} else {
		k = strcmp(p.tls.verify, "trusted") == 0 ? OWN_MX_NAME :
		    OWN_MX_UNTRUSTED;
		free(x);
		x = health_cleans(p.tls.peer_subject);
		if (k == OWN_MX_NAME)
			buf_printf(obs, _("%s: STARTTLS, %s, but the certificate "
			    "does not name it (subject %s)"), h, p.tls.version,
			    x);
		else
			buf_printf(obs, _("%s: STARTTLS, %s, but the certificate "
			    "does not verify (%s; subject %s)"), h,
			    p.tls.version, *p.tls.fail != '\0' ? p.tls.fail :
			    NT("untrusted"), x);
	}
	free(x);
	free(h);
	return k;
}

/*
 * Do the MX hosts offer STARTTLS with a certificate for their name?
 * Without it mail to the domain (bounces, replies) crosses the internet
 * readable, and MTA-STS or DANE cannot be used. A host that cannot be
 * reached from here is a warning, never a failure: many networks block
 * outgoing port 25, and the MX check has said whether the hosts exist.
 */
static void
own_mx_tls(struct own_run *r)
{
	struct tls_ctx	*tls;
	struct buf	 obs;
	char		*title, *cause = NULL, *fix = NULL, *h;
	size_t		 i, n;
	enum own_mx	 k, worst = OWN_MX_VERIFIED, best = OWN_MX_DOWN;
	const char	*bad = NULL;
	enum own_mx	 badk = OWN_MX_VERIFIED;
	int		 port = r->o->smtp_port > 0 ? r->o->smtp_port : 25;

	title = xprintf(_("STARTTLS on the MX hosts of %s (bounces and "
	    "replies)"), r->domain);
	if (r->nmx == 0) {
		own_emit(r, "own.mx_tls", HEALTH_WARN, title, xstrdup(
		    r->mx_state == -1 ? _("not tested: DNS did not answer "
		    "for the MX") : _("not tested: no MX host to connect to")),
		    xstrdup(_("publish an MX first (see the MX check), then "
		    "check again")), r->mx_state == -1);
		return;
	}
	if ((tls = tls_ctx_new(r->o->ca_file, &cause)) == NULL) {
		own_emit(r, "own.mx_tls", HEALTH_WARN, title, xprintf(
		    _("not tested: %s"), cause), xstrdup(_("check ca_file "
		    "(herald config get ca_file)")), 0);
		free(cause);
		return;
	}
	buf_init(&obs);
	n = r->nmx < OWN_MX_MAX ? r->nmx : OWN_MX_MAX;
	for (i = 0; i < n; i++) {
		k = own_probe_host(r, tls, r->mx[i], &obs);
		if (k != OWN_MX_DOWN && k > badk) {
			badk = k;
			bad = r->mx[i];
		}
		if (k > worst)
			worst = k;
		if (k < best)
			best = k;
	}
	tls_ctx_free(tls);
	if (r->nmx > n)
		buf_printf(&obs, "; %s", _("the other MX hosts were not "
		    "tested"));
	h = bad != NULL ? health_cleans(bad) : NULL;
	switch (badk) {
	case OWN_MX_PLAIN:
	case OWN_MX_TLSFAIL:
		fix = xprintf(_("enable STARTTLS on %s with a certificate "
		    "for %s from a public CA (Postfix: smtpd_tls_security_level "
		    "= may and smtpd_tls_chain_files)"), h, h);
		break;
	case OWN_MX_NAME:
		fix = xprintf(_("install a certificate whose names include %s: "
		    "senders under MTA-STS or DANE verify the MX name"), h);
		break;
	case OWN_MX_UNTRUSTED:
		fix = xprintf(_("install a certificate for %s from a public "
		    "CA, with its intermediate certificates, and renew it "
		    "before it expires"), h);
		break;
	default:
		break;
	}
	free(h);
	if (best == OWN_MX_DOWN) {
		free(fix);
		fix = xprintf(_("make sure the MX hosts accept connections on "
		    "port %d from the internet; if this host cannot connect "
		    "out on port %d (many networks block it), run the check "
		    "from another"), port, port);
		own_emit(r, "own.mx_tls", HEALTH_WARN, title, buf_take(&obs),
		    fix, 0);
	} else
		own_emit(r, "own.mx_tls", badk == OWN_MX_VERIFIED ? HEALTH_OK :
		    HEALTH_WARN, title, buf_take(&obs), fix, 0);
}

/* ---- own.mta_sts ---- */

/* A fresh policy id: the time, which changes whenever the policy is
 * published again (1*32 ALPHA/DIGIT). */
static void
own_sts_id(char *id, size_t len)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(id, len, "%Y%m%d%H%M%S", &tm);
}

/* The policy to publish, with mode and the domain's MX names, one line
 * each (CRLF in the file; shown here as quoted lines). */
static void
own_sts_policy(struct own_run *r, struct buf *b, const char *mode)
{
	size_t	i;
	char	*h;

	buf_printf(b, "\"version: STSv1\" \"mode: %s\"", mode);
	for (i = 0; i < r->nmx; i++) {
		h = health_cleans(r->mx[i]);
		buf_printf(b, " \"mx: %s\"", h);
		free(h);
	}
	buf_printf(b, " \"max_age: %d\"", OWN_MAX_AGE);
}

/* The TXT record with a new id, then (prose) the policy file to serve
 * with mode. */
static char *
own_sts_fix(struct own_run *r, const char *mode, int txt)
{
	struct buf	 b, pol;
	char		 id[32], *v, *rec, *owner, *s;

	buf_init(&pol);
	own_sts_policy(r, &pol, mode);
	if (!txt) {
		s = xprintf(_("serve https://mta-sts.%s/.well-known/mta-sts.txt "
		    "(a certificate for mta-sts.%s from a public CA), one "
		    "line each: %s"), r->domain, r->domain, pol.data);
		buf_free(&pol);
		return s;
	}
	own_sts_id(id, sizeof id);
	v = xprintf("v=STSv1; id=%s", id);
	owner = xprintf("_mta-sts.%s", r->domain);
	rec = health_txt_record(owner, v);
	buf_init(&b);
	buf_adds(&b, rec);
	buf_printf(&b, _(" (and serve https://mta-sts.%s/.well-known/"
	    "mta-sts.txt with a certificate for mta-sts.%s, one line each: "
	    "%s; a new id whenever the policy changes)"), r->domain,
	    r->domain, pol.data);
	buf_free(&pol);
	free(rec);
	free(owner);
	free(v);
	return buf_take(&b);
}

/* Does the policy cover every MX host? The first one not, or NULL. */
static const char *
own_sts_uncovered(struct own_run *r, const struct sts_policy *p)
{
	size_t	i;

	for (i = 0; i < r->nmx; i++)
		if (!sts_mx_match(p, r->mx[i]))
			return r->mx[i];
	return NULL;
}

/* MTA-STS: can senders require TLS to the domain? */
static void
own_mta_sts(struct own_run *r)
{
	struct sts_result	 s;
	struct buf		 obs;
	const char		*miss;
	char			*title, *x, *y;
	long long		 age;
	size_t			 i;

	title = xprintf(_("MTA-STS of %s (senders require TLS to it)"),
	    r->domain);
	if (own_dead(r, "own.mta_sts", title))
		return;
	sts_lookup(r->dns, r->domain, &r->o->sts, NULL, (int64_t)time(NULL),
	    &s);
	buf_init(&obs);
	if (!s.have_txt && s.error == NULL) {
		own_emit(r, "own.mta_sts", HEALTH_WARN, title, xprintf(
		    _("no MTA-STS record at _mta-sts.%s: senders cannot "
		    "require TLS to you, and an attacker on the path can "
		    "strip STARTTLS"), r->domain), own_sts_fix(r, "testing",
		    1), 0);
	} else if (!s.have_txt && s.fail_type == NULL) {
		x = health_cleans(s.error);
		own_emit(r, "own.mta_sts", HEALTH_WARN, title, xprintf(
		    _("not known: %s"), x), xstrdup(_("check again once DNS "
		    "answers")), 1);
		free(x);
	} else if (!s.have_txt) {
		x = health_cleans(s.txt);
		y = health_cleans(s.error);
		own_emit(r, "own.mta_sts", HEALTH_FAIL, title, xprintf(
		    _("the record \"%s\" is not valid (%s): senders ignore "
		    "it"), x, y), own_sts_fix(r, "testing", 1), 0);
		free(x);
		free(y);
	} else if (s.source == STS_SRC_NONE) {
		x = health_cleans(s.error);
		own_emit(r, "own.mta_sts", HEALTH_FAIL, title, xprintf(
		    _("record id=%s, but the policy cannot be fetched (%s: %s):"
		    " senders that cached it may refuse to deliver"), s.id,
		    s.fail_type, x), own_sts_fix(r, "testing", 0), 0);
		free(x);
	} else {
		for (i = 0; i < s.policy.nmx; i++) {
			x = health_cleans(s.policy.mx[i]);
			buf_printf(&obs, "%s%s", i == 0 ? "" : ", ", x);
			free(x);
		}
		if (obs.len == 0)
			buf_adds(&obs, "-");
		if (r->nmx == 0 && r->mx_state == -1)
			miss = NULL;
		else
			miss = own_sts_uncovered(r, &s.policy);
		age = (long long)s.policy.max_age;
		if (miss != NULL) {
			x = health_cleans(miss);
			own_emit(r, "own.mta_sts", HEALTH_FAIL, title, xprintf(
			    _("record id=%s; policy mode %s, max_age %lld, mx "
			    "%s: the MX host %s matches no mx: line, so senders "
			    "that apply the policy refuse it"), s.id,
			    sts_mode_name(s.policy.mode), age, obs.data, x),
			    own_sts_fix(r, sts_mode_name(s.policy.mode), 1), 0);
			free(x);
		} else if (s.policy.mode == STS_MODE_NONE)
			own_emit(r, "own.mta_sts", HEALTH_WARN, title, xprintf(
			    _("record id=%s; policy mode none, which withdraws "
			    "the policy; max_age %lld, mx %s"), s.id, age,
			    obs.data), own_sts_fix(r, "testing", 1), 0);
		else if (s.policy.mode == STS_MODE_TESTING)
			own_emit(r, "own.mta_sts", HEALTH_OK, title, xprintf(
			    _("record id=%s; policy mode testing, max_age %lld, "
			    "mx %s: failures are only reported (TLS-RPT); "
			    "switch to mode enforce once the reports are "
			    "clean"), s.id, age, obs.data), NULL, 0);
		else
			own_emit(r, "own.mta_sts", HEALTH_OK, title, xprintf(
			    _("record id=%s; policy mode enforce, max_age %lld, "
			    "mx %s"), s.id, age, obs.data), NULL, 0);
	}
	buf_free(&obs);
	sts_result_free(&s);
}

/* ---- own.tlsrpt ---- */

/* TLS-RPT: where senders report TLS failures to the domain. */
static void
own_tlsrpt(struct own_run *r)
{
	struct tlsrpt_record	 t;
	struct buf		 obs;
	const char		*why = NULL;
	char			*title, *cause = NULL, *v, *owner, *x;
	size_t			 i;
	int			 rc;

	title = xprintf(_("TLS-RPT of %s (reports of TLS failures to it)"),
	    r->domain);
	if (own_dead(r, "own.tlsrpt", title))
		return;
	memset(&t, 0, sizeof t);
	rc = tlsrpt_lookup(r->dns, r->domain, &t, &why, &cause);
	owner = xprintf("_smtp._tls.%s", r->domain);
	v = xprintf("v=TLSRPTv1; rua=mailto:tlsrpt@%s", r->domain);
	buf_init(&obs);
	if (rc == 0) {
		for (i = 0; i < t.n; i++) {
			x = health_cleans(t.uri[i]);
			buf_printf(&obs, "%s%s", i == 0 ? "" : ", ", x);
			free(x);
		}
		own_emit(r, "own.tlsrpt", HEALTH_OK, title, xprintf(
		    _("reports go to %s"), obs.data), NULL, 0);
	} else if (rc == -1) {
		x = health_cleans(cause);
		own_emit(r, "own.tlsrpt", HEALTH_WARN, title, xprintf(
		    _("not known: %s"), x), xstrdup(_("check again once DNS "
		    "answers")), 1);
		free(x);
	} else if (why != NULL && strcmp(why, "no TXT record") != 0 &&
	    strcmp(why, "no v=TLSRPTv1 record") != 0) {
		x = health_cleans(why);
		own_emit(r, "own.tlsrpt", HEALTH_WARN, title, xprintf(
		    _("the record at %s is not usable (%s): senders send no "
		    "reports"), owner, x), health_txt_record(owner, v), 0);
		free(x);
	} else
		own_emit(r, "own.tlsrpt", HEALTH_WARN, title, xprintf(
		    _("no TLS-RPT record at %s: you do not hear when senders "
		    "fail to reach you over TLS"), owner),
		    health_txt_record(owner, v), 0);
	buf_free(&obs);
	tlsrpt_record_free(&t);
	free(owner);
	free(v);
	free(cause);
}

/* ---- own.bimi ---- */

/* BIMI: a brand logo some mailbox providers show. Optional; a record
 * that is there should parse. */
static void
own_bimi(struct own_run *r)
{
	struct dns_answer	 a;
	struct bimi_record	 b;
	const char		*why = NULL;
	char			*title, *owner, *x, *y, *v;
	size_t			 i, which = 0, found = 0;

	title = xprintf(_("BIMI of %s (a brand logo, optional)"), r->domain);
	if (own_dead(r, "own.bimi", title))
		return;
	owner = xprintf("default._bimi.%s", r->domain);
	v = xprintf("v=BIMI1; l=https://%s/logo.svg; a=", r->domain);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	dns_query(r->dns, owner, DNS_TXT, &a);
	for (i = 0; a.status == DNS_OK && i < a.n; i++)
		if (bimi_is_record(a.rr[i].u.txt, a.rr[i].len)) {
			which = i;
			found++;
		}
	if (a.status != DNS_OK && a.status != DNS_NODATA &&
	    a.status != DNS_NXDOMAIN) {
		own_emit(r, "own.bimi", HEALTH_WARN, title, xprintf(
		    _("not known: %s TXT: %s"), owner, dns_status_name(
		    a.status)), xstrdup(_("check again once DNS answers")), 1);
	} else if (found == 0) {
		own_emit(r, "own.bimi", HEALTH_OK, title, xprintf(_("no BIMI "
		    "record at %s (none is needed)"), owner), NULL, 0);
	} else if (found > 1) {
		own_emit(r, "own.bimi", HEALTH_WARN, title, xprintf(
		    _("%zu BIMI records at %s: receivers use none"), found,
		    owner), health_txt_record(owner, v), 0);
	} else if (bimi_parse(a.rr[which].u.txt, a.rr[which].len, &b,
	    &why) == -1) {
		x = health_clean(a.rr[which].u.txt, a.rr[which].len);
		own_emit(r, "own.bimi", HEALTH_WARN, title, xprintf(
		    _("the record \"%s\" is not valid: %s"), x, _(why)),
		    health_txt_record(owner, v), 0);
		free(x);
	} else if (*b.l == '\0') {
		own_emit(r, "own.bimi", HEALTH_OK, title, xprintf(_("a "
		    "declination record at %s: no logo"), owner), NULL, 0);
	} else {
		x = health_cleans(b.l);
		y = health_cleans(b.a != NULL && *b.a != '\0' ? b.a : "-");
		if (!b.svg)
			own_emit(r, "own.bimi", HEALTH_WARN, title, xprintf(
			    _("logo %s is not an .svg file (BIMI takes SVG "
			    "Tiny PS); evidence %s"), x, y),
			    health_txt_record(owner, v), 0);
		else
			own_emit(r, "own.bimi", HEALTH_OK, title, xprintf(
			    _("logo %s, evidence %s (the syntax only: "
			    "providers also want DMARC at quarantine or "
			    "reject)"), x, y), NULL, 0);
		free(x);
		free(y);
	}
	bimi_record_free(&b);
	dns_answer_free(&a);
	free(owner);
	free(v);
}

enum health_status
own_run(struct dns *dns, const char *domain, const struct own_options *o,
    health_cb cb, void *arg)
{
	struct own_run	r;
	size_t		i;

	memset(&r, 0, sizeof r);
	r.dns = dns;
	r.o = o;
	r.cb = cb;
	r.arg = arg;
	r.worst = HEALTH_OK;
	r.domain = domain;
	own_mx_list(&r);
	own_mx_tls(&r);
	own_mta_sts(&r);
	own_tlsrpt(&r);
	own_bimi(&r);
	for (i = 0; i < r.nmx; i++)
		free(r.mx[i]);
	return r.worst;
}
