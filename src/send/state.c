/*
 * The send's pure pieces: recipient and send states, the retry schedule,
 * destination back-off, the rate limit, settings and the JSON event line.
 * Nothing here does I/O; tests/unit/test_deliver.c covers it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state.h"
#include "base/i18n.h"
#include "base/json.h"
#include "mail/footer.h"
#include "smtp/reply_class.h"
#include "store/store.h"
#include "base/util.h"

/*
 * The moves the engine makes. From queued: bound to a session, or an
 * outcome decided without one (a null MX bounces, a dead destination
 * defers). From connecting: the server's 354 to DATA (sent-data), back to
 * queued (the engine stopped before handing it over), or an outcome decided
 * before any of the message went out (the connection failed, MAIL or RCPT
 * refused): never delivered or unknown, which need the body on the wire.
 * From sent-data: the transaction's outcome. From deferred: due again, or
 * given up. From unknown: only the operator's --retry-unknown.
 */
int
rcpt_state_move_ok(enum rcpt_state from, enum rcpt_state to)
{
	switch (from) {
	case RCPT_QUEUED:
		return to == RCPT_CONNECTING || to == RCPT_DEFERRED ||
		    to == RCPT_BOUNCED;
	case RCPT_CONNECTING:
		return to == RCPT_SENT_DATA || to == RCPT_QUEUED ||
		    to == RCPT_DEFERRED || to == RCPT_BOUNCED;
	case RCPT_SENT_DATA:
		return to == RCPT_DELIVERED || to == RCPT_DEFERRED ||
		    to == RCPT_BOUNCED || to == RCPT_UNKNOWN;
	case RCPT_DEFERRED:
		return to == RCPT_QUEUED || to == RCPT_BOUNCED;
	case RCPT_UNKNOWN:
		return to == RCPT_QUEUED;
	case RCPT_DELIVERED:
	case RCPT_BOUNCED:
		return 0;
	}
	return 0;
}

/* Is this state the outcome of an attempt? */
int
rcpt_state_is_outcome(enum rcpt_state s)
{
	return s == RCPT_DELIVERED || s == RCPT_DEFERRED ||
	    s == RCPT_BOUNCED || s == RCPT_UNKNOWN;
}

/* The name of a send state. */
const char *
send_state_name(enum send_state s)
{
	switch (s) {
	case SEND_RUNNING:
		return "running";
	case SEND_PAUSED:
		return "paused";
	case SEND_INTERRUPTED:
		return "interrupted";
	case SEND_WAITING:
		return "waiting";
	case SEND_FINISHED:
		return "finished";
	case SEND_SCHEDULED:
		return "scheduled";
	case SEND_HELD:
		return "held";
	case SEND_CANCELLED:
		return "cancelled";
	case SEND_OUTSIDE:
		return "outside-window";
	}
	return "?";
}

/* What a send is doing, from its counts and its engine. */
enum send_state
send_state_derive(const struct send_counts *c, int engine, int paused)
{
	int64_t	active, deferred;

	active = c->n[RCPT_QUEUED] + c->n[RCPT_CONNECTING] +
	    c->n[RCPT_SENT_DATA];
	deferred = c->n[RCPT_DEFERRED];
	if (active == 0 && deferred == 0)
		return SEND_FINISHED;
	if (paused)
		return SEND_PAUSED;
	if (!engine)
		return SEND_INTERRUPTED;
	if (active == 0)
		return SEND_WAITING;
	return SEND_RUNNING;
}

/* Count a group of recipients by its class. */
void
send_classes_add(struct send_classes *c, enum rcpt_state state,
    const char *cls, const char *reason, int64_t n)
{
	enum reply_class	 k = reply_class_parse(cls);
	size_t			 len, rlen;
	const char		*p;

	if (state == RCPT_BOUNCED)
		c->bounced[k] += n;
	else if (state == RCPT_DEFERRED && k == REPLY_SENDER)
		c->sender_deferred += n;
	else
		return;
	if (k != REPLY_SENDER || reason == NULL || *reason == '\0')
		return;
	/* Each reason once, in the order first seen; what does not fit is
	 * left out (the report has every row). */
	rlen = strlen(reason);
	for (p = c->sender_reasons; (p = strstr(p, reason)) != NULL; p++)
		if ((p == c->sender_reasons || p[-1] == ' ') &&
		    (p[rlen] == ',' || p[rlen] == '\0'))
			return;
	len = strlen(c->sender_reasons);
	if (len + rlen + 3 > sizeof c->sender_reasons)
		return;
	snprintf(c->sender_reasons + len, sizeof c->sender_reasons - len,
	    "%s%s", len != 0 ? ", " : "", reason);
}

/* Say that the sender's configuration was refused. */
int
send_classes_warning(const struct send_classes *c, char *buf, size_t len)
{
	int64_t		 refused = c->bounced[REPLY_SENDER];
	int64_t		 deferred = c->sender_deferred;
	const char	*why;

	if (refused == 0 && deferred == 0)
		return 0;
	/* The reasons are reply_class codes, never translated. */
	why = *c->sender_reasons != '\0' ? c->sender_reasons : "policy";
	if (refused != 0 && deferred != 0)
		snprintf(buf, len, _("%lld refused and %lld deferred because "
		    "of the sender's configuration (%s): run herald check"),
		    (long long)refused, (long long)deferred, why);
	else if (refused != 0)
		snprintf(buf, len, _("%lld refused because of the sender's "
		    "configuration (%s): run herald check"),
		    (long long)refused, why);
	else
		snprintf(buf, len, _("%lld deferred because of the sender's "
		    "configuration (%s): run herald check"),
		    (long long)deferred, why);
	return 1;
}

/* The defaults of every limit. */
void
send_limits_default(struct send_limits *l)
{
	static const struct send_limits def = SEND_LIMITS_DEFAULT;

	*l = def;
}

/* When to try a deferred recipient again, or whether to give up. */
int
send_retry(const struct send_limits *l, int attempts, int64_t first_at,
    int64_t now, int64_t *next_at)
{
	int64_t	wait, giveup, max;
	int	i;

	giveup = first_at + l->retry_giveup;
	if (now >= giveup)
		return 1;
	wait = l->retry_first > 0 ? l->retry_first : 1;
	max = l->retry_max > wait ? l->retry_max : wait;
	for (i = 1; i < attempts && wait < max; i++)
		wait *= 2;
	if (wait > max)
		wait = max;
	*next_at = now + wait;
	/* The last try is at the give-up time, not after it. */
	if (*next_at > giveup)
		*next_at = giveup;
	return 0;
}

/* A destination's controls at the start. */
void
dest_ctl_init(struct dest_ctl *d, int max)
{
	memset(d, 0, sizeof *d);
	d->max = max > 0 ? max : 1;
	d->limit = d->max;
}

/* May a destination have one more session now? */
int
dest_ctl_can_open(const struct dest_ctl *d, int nsessions, uint64_t now)
{
	return now >= d->hold_until && nsessions < d->limit;
}

/* Back off after a temporary failure: wait, then fewer sessions. */
void
dest_ctl_fail(struct dest_ctl *d, const struct send_limits *l, uint64_t now)
{
	uint64_t	hold;
	int		i;

	hold = l->hold_first > 0 ? (uint64_t)l->hold_first : 1;
	for (i = 0; i < d->strikes && hold < (uint64_t)l->hold_max; i++)
		hold *= 2;
	if (l->hold_max > 0 && hold > (uint64_t)l->hold_max)
		hold = (uint64_t)l->hold_max;
	d->strikes++;
	if (now + hold * 1000 > d->hold_until)
		d->hold_until = now + hold * 1000;
	if (d->limit > 1)
		d->limit--;
}

/* A delivery went through: forgive, and give a session back. */
void
dest_ctl_ok(struct dest_ctl *d)
{
	d->strikes = 0;
	if (d->limit < d->max)
		d->limit++;
}

/* Take a slot of the overall rate, or say how long to wait for one. */
uint64_t
rate_ctl_take(struct rate_ctl *r, uint64_t now_us)
{
	uint64_t	step;

	if (r->rate <= 0)
		return 0;
	if (now_us < r->next_us)
		return r->next_us - now_us;
	step = 1000000 / (uint64_t)r->rate;
	/* No credit saved up while idle: a burst never exceeds the rate. */
	r->next_us = now_us + (step > 0 ? step : 1);
	return 0;
}

/* Settings with every default and empty strings. */
void
send_settings_init(struct send_settings *s)
{
	memset(s, 0, sizeof *s);
	s->policy = TLS_POLICY_AUTO;
	s->relay = xstrdup("");
	s->relay_user = xstrdup("");
	s->relay_password_file = xstrdup("");
	s->helo = xstrdup("");
	s->source_ip = xstrdup("");
	s->resolver = xstrdup("");
	s->ca_file = xstrdup("");
	s->envelope_from = xstrdup("");
	s->unsubscribe_url = xstrdup("");
	s->smtp_timeouts = xstrdup("");
	s->unsubscribe_mailto = xstrdup("");
	s->dns_timeout = 3;
	s->dns_retries = 2;
	s->smtp_port = 25;
	send_limits_default(&s->limits);
}

/* Free the strings of settings. */
void
send_settings_free(struct send_settings *s)
{
	free(s->relay);
	free(s->relay_user);
	free(s->relay_password_file);
	free(s->helo);
	free(s->source_ip);
	free(s->resolver);
	free(s->ca_file);
	free(s->envelope_from);
	free(s->unsubscribe_url);
	free(s->smtp_timeouts);
	free(s->unsubscribe_mailto);
	if (s->footer != NULL) {
		footer_free(s->footer);
		free(s->footer);
	}
	memset(s, 0, sizeof *s);
}

/* Free a send's strings. */
void
send_info_free(struct send_info *i)
{
	send_settings_free(&i->set);
}

/* Split "HOST[:PORT]" or "[HOST]:PORT". */
int
send_relay_parse(const char *s, char *host, int *port, char **cause)
{
	const char	*colon, *end;
	size_t		 len;
	long long	 v;

	*port = 587;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return set_cause(cause, _("relay '%s': no ']'"), s);
		len = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return set_cause(cause, _("relay '%s': junk after "
			    "']'"), s);
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon)
			return set_cause(cause, _("relay '%s': write an IPv6 "
			    "address as [ADDRESS]:PORT"), s);
		len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len > 255)
		return set_cause(cause, _("relay '%s': no host name"), s);
	memcpy(host, s, len);
	host[len] = '\0';
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:") != len)
		return set_cause(cause, _("relay '%s': not a host name or "
		    "address"), host);
	if (colon != NULL) {
		if (parse_int(colon + 1, 1, 65535, &v) == -1)
			return set_cause(cause, _("relay: '%s' is not a port"),
			    colon + 1);
		*port = (int)v;
	}
	return 0;
}

/* A string member, null for "" as for NULL. */
static void
event_str(struct json *j, const char *key, const char *v)
{
	json_put_strnull(j, key, v != NULL && *v != '\0' ? v : NULL);
}

/* The JSON object of one recipient event, with exactly DESIGN.md's fields
 * (class and reason: null when no reply failed). */
void
send_event_json(struct json *j, const struct send_event *e)
{
	char		 at[32];
	time_t		 t = (time_t)e->at;
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(at, sizeof at, "%lld", (long long)e->at);
	json_open_object(j, NULL);
	event_str(j, "rcpt", e->rcpt);
	event_str(j, "state", rcpt_state_name(e->state));
	event_str(j, "mx", e->mx);
	event_str(j, "ip", e->ip);
	json_open_object(j, "tls");
	event_str(j, "version", e->tls_version);
	event_str(j, "cipher", e->tls_cipher);
	event_str(j, "verify", *e->tls_verify != '\0' ? e->tls_verify :
	    "none");
	event_str(j, "dane", *e->tls_dane != '\0' ? e->tls_dane : "none");
	event_str(j, "policy", e->tls_policy);
	json_close(j);
	if (e->code > 0)
		json_put_int(j, "code", e->code);
	else
		json_put_null(j, "code");
	event_str(j, "enhanced", e->enhanced);
	event_str(j, "reply", e->reply);
	json_put_int(j, "attempts", e->attempts);
	event_str(j, "at", at);
	event_str(j, "class", e->cls);
	event_str(j, "reason", e->reason);
	json_close(j);
}
