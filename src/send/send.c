/*
 * Starting and resuming a send: the use case behind `herald send ID` and
 * `herald resume ID`, which the console runs for S and r. The front end
 * parses its options into the settings, gets the relay password its own
 * way (a prompt, a descriptor) and prints; every step between is here.
 *
 * Each step returns 0, or the exit status the command ends with (EXIT_*,
 * base/util.h) and in *cause the message to show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send.h"
#include "law.h"
#include "auth/dkim.h"
#include "auth/dns.h"
#include "base/i18n.h"
#include "base/util.h"
#include "config/config.h"
#include "mail/message.h"
#include "smtp/tls.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "store/store_timing.h"

/* A send's state now: its counts, the pause flag and its engine. */
int
send_state_read(const struct send_ctx *ctx, int64_t id, struct send_now *now,
    char **cause)
{
	struct send_timing	 t;
	struct send_window	 w;
	int64_t			 at = (int64_t)time(NULL);

	memset(now, 0, sizeof *now);
	if (store_send_counts(ctx->st, id, &now->counts, cause) == -1 ||
	    store_send_paused(ctx->st, id, &now->paused, cause) == -1 ||
	    (now->engine = send_lock_held(ctx->db_path, id, cause)) == -1 ||
	    store_timing_get(ctx->st, id, &t, cause) == -1)
		return -1;
	now->state = send_state_derive(&now->counts, now->engine,
	    now->paused);
	now->scheduled_at = t.scheduled_at;
	snprintf(now->schedule, sizeof now->schedule, "%s", t.schedule);
	snprintf(now->held_reason, sizeof now->held_reason, "%s",
	    t.held_reason != NULL ? t.held_reason : "");
	snprintf(now->window, sizeof now->window, "%s",
	    t.window != NULL ? t.window : "");
	store_timing_free(&t);
	/* Before its time, nothing of a send has started: its schedule
	 * says all. */
	if (strcmp(now->schedule, "scheduled") == 0)
		now->state = SEND_SCHEDULED;
	else if (strcmp(now->schedule, "held") == 0)
		now->state = SEND_HELD;
	else if (strcmp(now->schedule, "cancelled") == 0)
		now->state = SEND_CANCELLED;
	else if ((now->state == SEND_RUNNING || now->state == SEND_WAITING) &&
	    *now->window != '\0' &&
	    timing_window_parse(now->window, &w, NULL) == 0 &&
	    !timing_window_open(&w, at)) {
		now->state = SEND_OUTSIDE;
		now->window_opens = timing_window_next(&w, at);
	}
	return 0;
}

/* Where the relay password of a send comes from. */
enum send_password_from
send_password_from(const struct send_settings *set)
{
	if (*set->relay == '\0' || *set->relay_user == '\0')
		return SEND_PASSWORD_NONE;
	if (*set->relay_password_file == '\0')
		return SEND_PASSWORD_ASK;
	return SEND_PASSWORD_FILE;
}

/* The issue, and the settings the configuration gives. */
int
send_prepare(const struct send_ctx *ctx, int64_t id, struct issue *is,
    struct send_settings *set, char **cause)
{
	int	rc;

	memset(is, 0, sizeof *is);
	send_settings_init(set);
	if ((rc = store_issue_get(ctx->st, id, is, cause)) != 0) {
		if (rc == -1)
			return EXIT_IOERR;
		*cause = xprintf(_("no issue %lld (herald issue ls shows them)"),
		    (long long)id);
		return EXIT_NOINPUT;
	}
	if (send_settings_config(ctx->cfg, set, cause) == -1 ||
	    send_settings_footer(ctx->cfg, is, set, cause) == -1)
		return EXIT_CONFIG;
	return 0;
}

/* A resolver for the settings (to find the HELO name), or NULL. */
static struct dns *
send_dns(const struct send_settings *set)
{
	struct dns_options	o;
	char			*cause = NULL;
	struct dns		*dns;

	send_settings_dns(set, &o);
	if ((dns = dns_open(&o, &cause)) == NULL)
		free(cause);
	return dns;
}

/* Every character of the Subject and body must go into the issue's
 * charset (ISO-2022-JP) now: nothing is ever replaced by '?' on the way.
 * A member's merge value that cannot is refused for that member alone, as
 * its copy is rendered (herald issue check lists them beforehand). */
static int
send_check_charset(const struct issue *is, char **cause)
{
	struct charset_bad	*v;
	char			*report;
	size_t			 n;

	if (message_charset_check(is, &v, &n, cause) == -1)
		return EXIT_SOFTWARE;
	if (n == 0)
		return 0;
	report = message_charset_report(is, v, n);
	free(v);
	*cause = xprintf(_("issue %lld cannot be sent as it is: %s\n"
	    "(herald issue check %lld lists them; herald issue edit %lld "
	    "changes the text or the Charset)"), (long long)is->id, report,
	    (long long)is->id, (long long)is->id);
	free(report);
	return EXIT_DATAERR;
}

/* The From domain's DKIM keys must be usable now, not in the engine;
 * without any, the messages go out unsigned: *warning says so. */
static int
send_check_keys(const struct send_ctx *ctx, const struct issue *is,
    char **warning, char **cause)
{
	struct dkim_signer	*signer;
	char			*domain, *why;
	int			 active, rc = 0;

	if ((domain = message_from_domain(is, cause)) == NULL)
		return EXIT_DATAERR;
	if ((active = dkim_active_keys(ctx->st, domain, NULL, NULL,
	    cause)) == -1) {
		free(domain);
		return EXIT_IOERR;
	}
	if (active == 0) {
		why = dkim_unsigned_why(ctx->st, domain);
		*warning = xprintf(_("the messages go out unsigned: %s"), why);
		free(why);
	} else if ((signer = dkim_signer_new(ctx->st, domain,
	    cause)) == NULL)
		rc = EXIT_DATAERR;
	else
		dkim_signer_free(signer);
	free(domain);
	return rc;
}

/* What must hold before anything is recorded: the settings completed,
 * the trust file loadable, the DKIM keys usable. */
int
send_ready(const struct send_ctx *ctx, const struct issue *is,
    struct send_settings *set, char **warning, char **cause)
{
	struct tls_ctx	*tls;
	struct dns	*dns = NULL;
	int		 rc;

	*warning = NULL;
	if (*set->helo == '\0' && *set->source_ip != '\0')
		dns = send_dns(set);
	rc = send_settings_complete(ctx->cfg, is, set, dns, cause);
	if (dns != NULL)
		dns_close(dns);
	if (rc == -1)
		return EXIT_DATAERR;
	if ((rc = send_check_charset(is, cause)) != 0)
		return rc;
	/* A trust file OpenSSL cannot load is an error now, not halfway. */
	if ((tls = tls_ctx_new(*set->ca_file != '\0' ? set->ca_file : NULL,
	    cause)) == NULL)
		return EXIT_CONFIG;
	tls_ctx_free(tls);
	return send_check_keys(ctx, is, warning, cause);
}

/* Start the engine of a recorded send. */
static int
send_engine_start(const struct send_ctx *ctx, int64_t id, const char *password,
    int64_t *pid, char **cause)
{
	struct send_spawn	 sp;
	char			*why = NULL;

	memset(&sp, 0, sizeof sp);
	sp.db_path = ctx->db_path;
	sp.config_path = config_file(ctx->cfg);
	sp.id = id;
	sp.password = password;
	if (send_spawn(&sp, pid, &why) == -1) {
		*cause = xprintf(_("the engine did not start: %s"), why);
		free(why);
		return EXIT_TEMPFAIL;
	}
	return 0;
}

/* Record the send and its recipients, then start its engine. */
int
send_begin(const struct send_ctx *ctx, const struct issue *is,
    const struct send_settings *set, const struct send_when *when,
    const char *password, struct send_begun *out, char **cause)
{
	memset(out, 0, sizeof *out);
	switch (send_queue(ctx->st, is, set, &out->queued, &out->skipped,
	    cause)) {
	case -1:
		return is->list_id == 0 ? EXIT_DATAERR : EXIT_IOERR;
	case 1:
		*cause = xprintf(_("issue %lld was sent already (herald "
		    "status %lld); herald resume %lld continues a send that "
		    "stopped"),
		    (long long)is->id, (long long)is->id, (long long)is->id);
		return EXIT_DATAERR;
	case 2:
		if (is->naud > 1)
			*cause = xprintf(_("nothing to send: the issue's "
			    "audience has no member that is not suppressed "
			    "or excluded (herald issue audience %lld)"),
			    (long long)is->id);
		else
			*cause = xprintf(_("nothing to send: list %s has no "
			    "member that is not suppressed"),
			    is->list_name != NULL ? is->list_name : "?");
		return EXIT_DATAERR;
	}
	/* Before the engine: it reads them as it starts. */
	if (when != NULL && (((when->at != 0 || (when->window != NULL &&
	    *when->window != '\0')) && store_timing_set(ctx->st, is->id,
	    when->at, when->window, cause) == -1) ||
	    (when->law_override != NULL && store_send_set_law_override(ctx->st,
	    is->id, when->law_override, cause) == -1)))
		return EXIT_IOERR;
	return send_engine_start(ctx, is->id, password, &out->pid, cause);
}

/* Wait up to 15 s for a paused send's engine to finish what it had in
 * flight. 1 if it is still running. */
int
send_wait_engine(const struct send_ctx *ctx, int64_t id)
{
	struct timespec	 ts = { 0, 100000000 };
	char		*cause = NULL;
	int		 i, held = 1;

	for (i = 0; held == 1 && i < 150; i++) {
		nanosleep(&ts, NULL);
		if ((held = send_lock_held(ctx->db_path, id, &cause)) == -1)
			free(cause);
	}
	return held == 1;
}

/* A send to resume, as it stands; a pause asked for lets its engine
 * finish what it had in flight first. */
int
send_resume_check(const struct send_ctx *ctx, const struct send_info *info,
    struct send_now *now, int *finishing, char **cause)
{
	*finishing = 0;
	if (send_state_read(ctx, info->id, now, cause) == -1)
		return EXIT_IOERR;
	if (now->engine && info->paused &&
	    (now->engine = send_wait_engine(ctx, info->id)))
		*finishing = 1;
	return 0;
}

/* Record the resume: the settings, no pause, the unknown recipients
 * queued again when asked; *finished when nothing is left to do. */
int
send_resume_record(const struct send_ctx *ctx, const struct send_info *info,
    int retry_unknown, struct send_begun *out, int *finished, char **cause)
{
	memset(out, 0, sizeof *out);
	out->queued = -1;
	if (store_send_set_settings(ctx->st, info->id, &info->set,
	    cause) == -1 ||
	    store_send_set_paused(ctx->st, info->id, 0, cause) == -1 ||
	    (retry_unknown && store_send_retry_unknown(ctx->st, info->id,
	    &out->requeued, cause) == -1) ||
	    store_send_counts(ctx->st, info->id, &out->counts, cause) == -1)
		return EXIT_IOERR;
	*finished = send_state_derive(&out->counts, 0, 0) == SEND_FINISHED;
	return 0;
}

/* Start the resumed send's engine; out->last: its latest event before. */
int
send_resume_start(const struct send_ctx *ctx, int64_t id,
    const char *password, struct send_begun *out, char **cause)
{
	if (store_send_last_event(ctx->st, id, &out->last, cause) == -1)
		return EXIT_IOERR;
	return send_engine_start(ctx, id, password, &out->pid, cause);
}
