/*
 * herald tlsrpt: the TLS reports (RFC 8460) herald sends as a sender, day
 * by day per destination domain, from the TLS outcome of its sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_int.h"
#include "base/json.h"
#include "config/config.h"
#include "send/tlsreport.h"
#include "store/store_tls.h"

/* A day's state in words kept in JSON (never translated). */
static const char *
tlsrpt_state(const struct tls_day *d, const char *today)
{
	if (strcmp(d->day, today) >= 0)
		return "open";		/* the day is not over (UTC) */
	if (d->sent_at != 0)
		return "sent";
	if (d->failed > 0)
		return "retry";
	return *d->report_id != '\0' ? "partial" : "due";
}

/* What ls prints: a table or JSON. */
struct tlsrpt_ls {
	struct json	*j;
	char		 today[11];
	size_t		 n;
};

static int
tlsrpt_ls_row(const struct tls_day *d, void *arg)
{
	struct tlsrpt_ls	*ls = arg;
	const char		*state = tlsrpt_state(d, ls->today);

	if (ls->j != NULL) {
		json_open_object(ls->j, NULL);
		json_put_str(ls->j, "day", d->day);
		json_put_str(ls->j, "domain", d->domain);
		json_put_int(ls->j, "successful", d->success);
		json_put_int(ls->j, "failed", d->failure);
		json_put_str(ls->j, "state", state);
		json_put_strnull(ls->j, "report_id", *d->report_id != '\0' ?
		    d->report_id : NULL);
		if (d->sent_at != 0)
			json_put_int(ls->j, "sent_at", d->sent_at);
		else
			json_put_null(ls->j, "sent_at");
		json_close(ls->j);
	} else {
		if (ls->n == 0) {
			/* TRANSLATORS: column headings of herald tlsrpt ls. */
			cli_pad(_("DAY"), 11, 0, " ");
			cli_pad(_("DOMAIN"), 32, 0, " ");
			cli_pad(_("SUCCESSFUL"), 10, 1, " ");
			cli_pad(_("FAILED"), 8, 1, "  ");
			printf("%s\n", _("REPORT"));
		}
		printf("%-11s ", d->day);
		cli_pad(d->domain, 32, 0, " ");
		printf("%10lld %8lld  %s\n", (long long)d->success,
		    (long long)d->failure, state);
	}
	ls->n++;
	return 0;
}

static int
cmd_tlsrpt_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct tlsrpt_ls	 ls;
	struct json		 j;
	struct buf		 b;
	char			*cause = NULL;
	int			 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	memset(&ls, 0, sizeof ls);
	tlsreport_day(time(NULL), ls.today);
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
		ls.j = &j;
	}
	if (store_tls_days(env->store, NULL, tlsrpt_ls_row, &ls,
	    &cause) == -1) {
		if (env->json)
			buf_free(&b);
		return cli_fail(EXIT_IOERR, cause);
	}
	if (env->json)
		cli_json_print(&j, &b);
	else if (ls.n == 0)
		printf(_("no TLS sessions kept yet: a send keeps each "
		    "session's TLS outcome\n"));
	return 0;
}

static int
cmd_tlsrpt_show(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct tlsreport	 r;
	char			*cause = NULL;
	int			 rc;

	(void)cmd;
	if ((rc = cli_store(env)) != 0)
		return rc;
	rc = tlsreport_build(env->store, env->cfg, a->argv[0], a->argv[1],
	    NULL, time(NULL), &r, &cause);
	if (rc == -1) {
		tlsreport_free(&r);
		return cli_fail(EXIT_DATAERR, cause);
	}
	if (rc == 1) {
		tlsreport_free(&r);
		cli_err(_("no TLS sessions with %s on %s (herald tlsrpt ls "
		    "lists them)"), a->argv[0], a->argv[1]);
		return EXIT_NOINPUT;
	}
	/* the report is JSON with or without --json */
	cli_json_out(&r.json);
	tlsreport_free(&r);
	return 0;
}

/* One line of what send did. */
static void
tlsrpt_send_event(const struct tlsreport_event *ev, void *arg)
{
	struct json	*j = arg;
	static const char *what[] = { "sent", "failed", "written",
	    "no-record", "dns-error" };

	if (j != NULL) {
		json_open_object(j, NULL);
		json_put_str(j, "domain", ev->domain);
		json_put_str(j, "day", ev->day);
		json_put_str(j, "outcome", what[ev->what]);
		json_put_strnull(j, "uri", ev->uri);
		json_put_strnull(j, "detail", ev->detail);
		json_close(j);
		return;
	}
	switch (ev->what) {
	case TLSREPORT_SENT:
		printf(_("%s %s: sent to %s\n"), ev->domain, ev->day, ev->uri);
		break;
	case TLSREPORT_FAILED:
		printf(_("%s %s: not sent to %s (tried again next time): "
		    "%s\n"), ev->domain, ev->day, ev->uri, ev->detail);
		break;
	case TLSREPORT_WRITTEN:
		printf(_("%s %s: for %s: %s\n"), ev->domain, ev->day, ev->uri,
		    ev->detail);
		break;
	case TLSREPORT_NORECORD:
		printf(_("%s %s: the domain asks for no TLS reports (%s)\n"),
		    ev->domain, ev->day, ev->detail);
		break;
	case TLSREPORT_NODNS:
		printf(_("%s %s: its TLS-RPT record could not be looked up "
		    "(tried again next time): %s\n"), ev->domain, ev->day,
		    ev->detail);
		break;
	}
}

static int
cmd_tlsrpt_send(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct tlsreport_totals	 t;
	struct json		 j;
	struct buf		 b;
	const char		*dry = cli_opt(cmd, a, "dry-run");
	const char		*v;
	char			*cause = NULL;
	int			 rc;

	v = config_get(env->cfg, "tlsrpt");
	if (v != NULL && strcmp(v, "off") == 0) {
		cli_err(_("TLS reports are off (config tlsrpt): nothing sent"));
		return 0;
	}
	if ((rc = cli_store(env)) != 0)
		return rc;
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
	}
	rc = tlsreport_run(env->store, env->cfg, NULL, dry, time(NULL),
	    tlsrpt_send_event, env->json ? &j : NULL, &t, &cause);
	if (rc == -1) {
		if (env->json)
			buf_free(&b);
		return cli_fail(EXIT_CONFIG, cause);
	}
	if (env->json)
		cli_json_print(&j, &b);
	else if (t.reports == 0 && t.skipped == 0)
		printf(_("no TLS report is due\n"));
	else if (dry != NULL)
		printf(_("%lld reports built, %lld files written in %s; "
		    "nothing sent\n"), (long long)t.reports,
		    (long long)t.written, dry);
	else
		printf(_("%lld reports built: %lld deliveries, %lld failed\n"),
		    (long long)t.reports, (long long)t.sent,
		    (long long)t.failed);
	return rc == 1 ? EXIT_TEMPFAIL : 0;
}

static const struct cli_opt tlsrpt_send_opts[] = {
	{ "dry-run", "DIR", N_("write the reports (.json.gz) and the mails "
	  "(.eml) into DIR; send and record nothing") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_tlsrpt_cmds[] = {
	{ NT("tlsrpt ls"), "", 0, 0, N_("list the days and domains with TLS "
	  "sessions, and their reports"),
	  N_("One line per UTC day and destination domain herald had SMTP "
	  "sessions with:\nthe successful and failed sessions and the "
	  "report's state: open (the day\nis not over), due (not built), "
	  "partial (some URIs took it), retry (a\ndelivery failed, tried "
	  "again by the next herald tlsrpt send), sent.\nWith --json an "
	  "array of objects (day, domain, successful, failed, state,\n"
	  "report_id, sent_at)."), NULL, cmd_tlsrpt_ls },
	{ NT("tlsrpt show"), "DOMAIN DAY", 2, 2, N_("print the TLS report "
	  "(RFC 8460 JSON) of a domain and day"),
	  N_("Prints the aggregate TLS report of DOMAIN for DAY (YYYY-MM-DD, "
	  "UTC) as it is\nsent: RFC 8460 section 4 JSON built from the "
	  "sessions kept, with the report\nid it was sent with (or a new one "
	  "when it has not been). Always JSON."),
	  NULL, cmd_tlsrpt_show },
	{ NT("tlsrpt send"), "", 0, 0, N_("send the TLS reports of every "
	  "complete day not yet reported"),
	  N_("For each UTC day that is over and each destination domain herald "
	  "had\nsessions with, looks up _smtp._tls.DOMAIN (v=TLSRPTv1; "
	  "rua=...) and sends the\nday's report to each URI: mailto: as a "
	  "DKIM-signed multipart/report with the\nreport gzipped (through "
	  "the relay, or the domain's MX, as a send goes),\nhttps: by POST "
	  "(application/tlsrpt+gzip; certificates verified with the\n"
	  "system's CAs and config ca_file). A day is sent once; a failed "
	  "URI is tried\nagain by the next run. Needs config from (the "
	  "reports' From; its domain's\nDKIM keys sign them). Config tlsrpt "
	  "= off sends none. Exit status 0; 75\nwhen a delivery failed."),
	  tlsrpt_send_opts, cmd_tlsrpt_send },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
