/* One message now, through the relay or the MX (mailone.h). */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailone.h"
#include "route.h"
#include "setup.h"
#include "state.h"
#include "types.h"
#include "auth/dns.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/util.h"
#include "smtp/smtp.h"
#include "smtp/tls.h"

/* One session's course. */
struct mailone {
	struct loop		*loop;
	struct smtp_msg		 msg;
	int			 submitted;
	enum smtp_outcome	 outcome;	/* of the message */
	int			 done;		/* the message has one */
	int			 closed;
	int			 tls_failed;
	struct smtp_reply	 reply;		/* the message's, else the
						 * session's last */
};

static void
mailone_ready(struct smtp_session *s, void *arg)
{
	struct mailone	*m = arg;

	if (!m->submitted && smtp_submit(s, &m->msg) == 0)
		m->submitted = 1;
	else
		smtp_quit(s);
}

static void
mailone_done(struct smtp_session *s, struct smtp_msg *msg,
    enum smtp_outcome o, const struct smtp_reply *r, void *arg)
{
	struct mailone	*m = arg;

	(void)s;
	(void)msg;
	m->outcome = o;
	m->done = 1;
	m->reply = *r;
}

static void
mailone_closed(struct smtp_session *s, enum smtp_outcome o,
    const struct smtp_reply *r, int tls_failed, void *arg)
{
	struct mailone	*m = arg;

	(void)s;
	if (!m->done) {
		m->outcome = o == SMTP_BOUNCED ? SMTP_BOUNCED : SMTP_DEFERRED;
		m->reply = *r;
	}
	m->tls_failed = tls_failed;
	m->closed = 1;
	loop_stop(m->loop);
}

static const struct smtp_events mailone_events = {
	mailone_ready, NULL, mailone_done, mailone_closed
};

/* The settings' source address for family af, or 0 bytes. */
static socklen_t
mailone_source(const struct send_settings *set, int af,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (*set->source_ip == '\0')
		return 0;
	if (af == AF_INET && inet_pton(AF_INET, set->source_ip,
	    &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return sizeof *sin;
	}
	if (af == AF_INET6 && inet_pton(AF_INET6, set->source_ip,
	    &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return sizeof *sin6;
	}
	return 0;
}

/* One session to target t: 0 delivered, 1 try the next, -1 give up. */
static int
mailone_try(const struct send_settings *set, const char *password,
    struct tls_ctx *tls, const struct smtp_timeouts *to, int relay465,
    struct target *t, struct smtp_msg *msg, char **last)
{
	struct mailone		 m;
	struct smtp_params	 p;
	struct smtp_session	*s;
	struct sockaddr_storage	 src;
	socklen_t		 srclen;
	char			*cause = NULL;
	int			 plain;

	for (plain = t->no_tls; plain < 2; plain++) {
		memset(&m, 0, sizeof m);
		m.msg = *msg;
		if ((m.loop = loop_new()) == NULL)
			return set_cause(last, _("out of memory")), -1;
		memset(&p, 0, sizeof p);
		p.helo = set->helo;
		p.host = t->host;
		p.policy = set->policy;
		p.no_starttls = plain;
		p.tlsa = t->tlsa;
		p.ntlsa = t->ntlsa;
		p.tls_required = t->tls_required;
		p.implicit_tls = relay465;
		p.tls = tls;
		p.auth_user = *set->relay_user != '\0' && password != NULL ?
		    set->relay_user : NULL;
		p.auth_pass = p.auth_user != NULL ? password : NULL;
		p.max_messages = 1;
		smtp_timeouts_apply(to, &p);
		srclen = mailone_source(set, t->ss.ss_family, &src);
		s = smtp_connect(m.loop, (const struct sockaddr *)&t->ss,
		    t->sslen, srclen != 0 ? (struct sockaddr *)&src : NULL,
		    srclen, &p, &mailone_events, &m, &cause);
		if (s == NULL) {
			free(*last);
			*last = xprintf("%s [%s]: %s", t->host, t->ip, cause);
			free(cause);
			loop_free(m.loop);
			return 1;
		}
		while (!m.closed)
			loop_run(m.loop);
		loop_free(m.loop);
		free(*last);
		*last = xprintf("%s [%s]: %s%s%d %s %s", t->host, t->ip,
		    m.reply.stage, *m.reply.stage != '\0' ? ": " : "",
		    m.reply.code, m.reply.enhanced, m.reply.text);
		if (m.done && m.outcome == SMTP_DELIVERED)
			return 0;
		if (m.outcome == SMTP_BOUNCED || m.outcome == SMTP_UNKNOWN)
			return -1;
		/* "may": a failed handshake is retried in plaintext, as the
		 * engine does */
		if (!(m.tls_failed && set->policy == TLS_POLICY_MAY))
			return 1;
	}
	return 1;
}

int
mailone_send(const struct send_settings *set, const char *password,
    const char *dnssec_anchor, const char *mail_from, const char *rcpt,
    const char *data, size_t len, char **cause)
{
	struct dns_options	 o;
	struct dns		*dns;
	struct route		 r;
	struct tls_ctx		*tls;
	struct smtp_timeouts	 to;
	struct smtp_msg		 msg;
	const char		*at, *p;
	char			 host[256], *last = NULL;
	int			 port, rc = -1, relay465 = 0;
	size_t			 i;

	if ((at = strrchr(rcpt, '@')) == NULL || at[1] == '\0')
		return set_cause(cause, _("'%s' is not an address"), rcpt);
	memset(&to, 0, sizeof to);
	if (smtp_timeouts_parse(set->smtp_timeouts, &to, cause) == -1)
		return -1;
	send_settings_dns(set, &o);
	if (set->policy == TLS_POLICY_DANE)
		o.dnssec_anchor = dnssec_anchor;
	if ((dns = dns_open(&o, cause)) == NULL)
		return -1;
	memset(&r, 0, sizeof r);
	if (*set->relay != '\0') {
		if (send_relay_parse(set->relay, host, &port, cause) == -1) {
			dns_close(dns);
			return -1;
		}
		relay465 = port == 465;
		route_relay(dns, host, port, &r);
	} else
		route_mx(dns, at + 1, set->smtp_port > 0 ? set->smtp_port : 25,
		    &r);
	dns_close(dns);
	if (r.status != ROUTE_OK) {
		set_cause(cause, _("no route to %s: %d %s %s"), at + 1, r.code,
		    r.enhanced, r.reply);
		route_free(&r);
		return -1;
	}
	if ((tls = tls_ctx_new(*set->ca_file != '\0' ? set->ca_file : NULL,
	    cause)) == NULL) {
		route_free(&r);
		return -1;
	}
	memset(&msg, 0, sizeof msg);
	msg.mail_from = mail_from;
	msg.rcpt = rcpt;
	msg.data = data;
	msg.len = len;
	for (p = data; p < data + len; p++)
		if ((unsigned char)*p >= 0x80)
			msg.eightbit = 1;
	for (i = 0; i < r.n; i++)
		if ((rc = mailone_try(set, password, tls, &to, relay465,
		    &r.t[i], &msg, &last)) != 1)
			break;
	if (rc != 0) {
		set_cause(cause, "%s", last != NULL ? last :
		    _("no server to try"));
		rc = -1;
	}
	free(last);
	tls_ctx_free(tls);
	route_free(&r);
	return rc;
}
