/* Every complete day's TLS reports, delivered and recorded (tlsreport.h). */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "mailone.h"
#include "run.h"
#include "setup.h"
#include "state.h"
#include "tlsreport.h"
#include "types.h"
#include "auth/dns.h"
#include "auth/tlsrpt.h"
#include "base/i18n.h"
#include "base/util.h"
#include "config/config.h"
#include "mail/addr.h"
#include "mail/issue_types.h"
#include "store/store_tls.h"

/* A day to report. */
struct tlsreport_due {
	char	*domain;
	char	 day[11];
};
struct tlsreport_dues {
	struct tlsreport_due	*d;
	size_t			 n, cap;
	char			 today[11];
};

static int
tlsreport_due_add(const struct tls_day *d, void *arg)
{
	struct tlsreport_dues	*ds = arg;

	/* only days that are over (UTC), and not yet sent everywhere */
	if (strcmp(d->day, ds->today) >= 0 || d->sent_at != 0)
		return 0;
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 16;
		ds->d = xreallocarray(ds->d, ds->cap, sizeof *ds->d);
	}
	ds->d[ds->n].domain = xstrdup(d->domain);
	snprintf(ds->d[ds->n].day, sizeof ds->d[ds->n].day, "%s", d->day);
	ds->n++;
	return 0;
}

/* By domain, then day: each domain's record is looked up once a run. */
static int
tlsreport_due_cmp(const void *a, const void *b)
{
	const struct tlsreport_due	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	return strcmp(x->day, y->day);
}

/* The run's state. */
struct tlsreport_run {
	struct store		*st;
	const struct config	*cfg;
	struct send_settings	 set;
	const char		*password;
	const char		*dnssec_anchor;	/* for tls dane */
	const char		*dry_dir;
	int64_t			 now;
	struct dns		*dns;
	tlsreport_event_fn	 fn;
	void			*arg;
	struct tlsreport_totals	*tot;
	/* the domain whose record was looked up last */
	char			*rec_domain;
	int			 rec_rc;	/* tlsrpt_lookup's */
	struct tlsrpt_record	 rec;
	const char		*rec_why;
	char			*rec_cause;
};

static void
tlsreport_event(struct tlsreport_run *run, enum tlsreport_what what,
    const char *domain, const char *day, const char *uri,
    const char *detail)
{
	struct tlsreport_event	 ev;

	ev.what = what;
	ev.domain = domain;
	ev.day = day;
	ev.uri = uri;
	ev.detail = detail;
	switch (what) {
	case TLSREPORT_SENT:
		run->tot->sent++;
		break;
	case TLSREPORT_FAILED:
		run->tot->failed++;
		break;
	case TLSREPORT_WRITTEN:
		run->tot->written++;
		break;
	default:
		run->tot->skipped++;
		break;
	}
	if (run->fn != NULL)
		run->fn(&ev, run->arg);
}

/* The extra trust anchors of ca_file for libcurl, beside the system's. */
static CURLcode
tlsreport_ssl_ctx(CURL *curl, void *sslctx, void *arg)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(sslctx);

	(void)curl;
	if (X509_STORE_load_locations(store, arg, NULL) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/* Discard what the server answers. */
static size_t
tlsreport_sink(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * The addresses of the URL's host by herald's resolver (the one sends
 * use), as a CURLOPT_RESOLVE entry "HOST:PORT:ADDR,...", so the POST goes
 * where herald's DNS says. NULL when the host is an address or has none
 * (libcurl then says so itself).
 */
static struct curl_slist *
tlsreport_resolve(struct dns *dns, const char *url)
{
	CURLU			*u;
	char			*host = NULL, *port = NULL, ip[64];
	struct dns_answer	 a;
	struct buf		 b;
	struct curl_slist	*l = NULL;
	enum dns_type		 types[2] = { DNS_A, DNS_AAAA };
	size_t			 i, j, k;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK || *host == '[' || !dns_name_valid(host)) {
		curl_free(host);
		curl_free(port);
		curl_url_cleanup(u);
		return NULL;
	}
	buf_init(&b);
	buf_printf(&b, "%s:%s:", host, port);
	k = b.len;
	for (i = 0; i < 2; i++) {
		memset(&a, 0, sizeof a);
		if (dns_query(dns, host, types[i], &a) == DNS_OK) {
			for (j = 0; j < a.n; j++) {
				if (types[i] == DNS_A)
					inet_ntop(AF_INET, &a.rr[j].u.a, ip,
					    sizeof ip);
				else
					inet_ntop(AF_INET6, &a.rr[j].u.aaaa,
					    ip, sizeof ip);
				buf_printf(&b, "%s%s%s%s", b.len > k ? "," :
				    "", i == 1 ? "[" : "", ip, i == 1 ? "]" :
				    "");
			}
		}
		dns_answer_free(&a);
	}
	buf_addc(&b, '\0');
	if (b.len - 1 > k)
		l = curl_slist_append(NULL, b.data);
	buf_free(&b);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return l;
}

/* RFC 8460 5.4: POST the gzip to an https: URI; a 2xx took it. */
static int
tlsreport_post(struct dns *dns, const char *url, const struct buf *gz,
    const char *ca_file, char **cause)
{
	CURL			*c;
	struct curl_slist	*h = NULL, *res;
	char			 err[CURL_ERROR_SIZE];
	long			 code = 0;
	CURLcode		 rc;

	if ((c = curl_easy_init()) == NULL)
		return set_cause(cause, _("libcurl cannot start"));
	err[0] = '\0';
	if ((res = tlsreport_resolve(dns, url)) != NULL)
		curl_easy_setopt(c, CURLOPT_RESOLVE, res);
	h = curl_slist_append(h, "Content-Type: application/tlsrpt+gzip");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, gz->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)gz->len);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "herald");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, tlsreport_sink);
	if (ca_file != NULL && *ca_file != '\0') {
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION,
		    tlsreport_ssl_ctx);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, (void *)ca_file);
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	curl_slist_free_all(res);
	if (rc != CURLE_OK)
		return set_cause(cause, "%s", *err != '\0' ? err :
		    curl_easy_strerror(rc));
	if (code < 200 || code > 299)
		return set_cause(cause, "HTTP %ld", code);
	return 0;
}

/* Write len bytes to dir/name (mode 0600). */
static int
tlsreport_write(const char *dir, const char *name, const char *p,
    size_t len, char **path, char **cause)
{
	int	 fd;
	ssize_t	 n;

	*path = xprintf("%s/%s", dir, name);
	if ((fd = open(*path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return set_cause(cause, "%s: %s", *path, strerror(errno));
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			set_cause(cause, "%s: %s", *path, strerror(errno));
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) == -1)
		return set_cause(cause, "%s: %s", *path, strerror(errno));
	return 0;
}

/* One URI of one report: 0 took it, -1 did not (*cause). */
static int
tlsreport_uri(struct tlsreport_run *run, const struct tlsreport *r,
    const struct buf *gz, const char *file, const char *uri, char **written,
    char **cause)
{
	struct buf	 mail;
	char		*addr, *name;
	int		 rc;

	*written = NULL;
	if (strncasecmp(uri, "https://", 8) == 0) {
		/* dry run: what would be POSTed is the .json.gz written */
		if (run->dry_dir != NULL) {
			*written = xprintf("%s/%s", run->dry_dir, file);
			return 0;
		}
		return tlsreport_post(run->dns, uri, gz, run->set.ca_file,
		    cause);
	}
	if ((addr = tlsrpt_mailto_addr(uri)) == NULL)
		return set_cause(cause, _("'%s' is not a mailto: URI of one "
		    "address"), uri);
	buf_init(&mail);
	rc = tlsreport_mail(run->st, run->cfg, r, gz, addr, run->now, &mail,
	    cause);
	if (rc == 0 && run->dry_dir != NULL) {
		name = xprintf("%.*s!%s.eml", (int)(strlen(file) - 8), file,
		    addr);
		rc = tlsreport_write(run->dry_dir, name, mail.data, mail.len,
		    written, cause);
		free(name);
	} else if (rc == 0)
		rc = mailone_send(&run->set, run->password,
		    run->dnssec_anchor, run->set.envelope_from, addr,
		    mail.data, mail.len, cause);
	buf_free(&mail);
	free(addr);
	return rc;
}

/* The record of domain, looked up once for its days in a row. */
static void
tlsreport_record(struct tlsreport_run *run, const char *domain)
{
	if (run->rec_domain != NULL && strcmp(run->rec_domain, domain) == 0)
		return;
	free(run->rec_domain);
	free(run->rec_cause);
	run->rec_cause = NULL;
	tlsrpt_record_free(&run->rec);
	run->rec_domain = xstrdup(domain);
	run->rec_rc = tlsrpt_lookup(run->dns, domain, &run->rec,
	    &run->rec_why, &run->rec_cause);
}

/* One day of one domain: 0 every URI took it, 1 one did not, -1. */
static int
tlsreport_day_run(struct tlsreport_run *run, const struct tlsreport_due *d,
    char **cause)
{
	struct tlsreport	 r;
	struct buf		 gz;
	char			*file, *why = NULL, *written = NULL;
	size_t			 i;
	int			 rc, failed = 0;

	tlsreport_record(run, d->domain);
	if (run->rec_rc == 1) {
		tlsreport_event(run, TLSREPORT_NORECORD, d->domain, d->day,
		    NULL, run->rec_why);
		return 0;
	}
	if (run->rec_rc == -1) {
		tlsreport_event(run, TLSREPORT_NODNS, d->domain, d->day, NULL,
		    run->rec_cause);
		return 1;
	}
	/* the report id (the recorded one, else new) is recorded before
	 * anything goes out, so a retry sends the same report */
	if ((rc = tlsreport_build(run->st, run->cfg, d->domain, d->day, NULL,
	    run->now, &r, cause)) != 0) {
		tlsreport_free(&r);
		return rc == 1 ? 0 : -1;
	}
	if (run->dry_dir == NULL && store_tlsrpt_add(run->st, d->domain,
	    d->day, r.report_id, run->now, cause) == -1) {
		tlsreport_free(&r);
		return -1;
	}
	run->tot->reports++;
	buf_init(&gz);
	if (tlsreport_gzip(r.json.data, r.json.len, &gz, cause) == -1) {
		buf_free(&gz);
		tlsreport_free(&r);
		return -1;
	}
	file = tlsreport_filename(&r);
	if (run->dry_dir != NULL && tlsreport_write(run->dry_dir, file,
	    gz.data, gz.len, &written, cause) == -1)
		goto fail;
	free(written);
	written = NULL;
	for (i = 0; i < run->rec.n; i++) {
		const char *uri = run->rec.uri[i];

		if (run->dry_dir == NULL && (rc = store_tlsrpt_uri_sent(run->st,
		    d->domain, d->day, uri, cause)) != 0) {
			if (rc == -1)
				goto fail;
			continue;	/* took it on an earlier run */
		}
		if (tlsreport_uri(run, &r, &gz, file, uri, &written,
		    &why) == 0) {
			if (run->dry_dir != NULL)
				tlsreport_event(run, TLSREPORT_WRITTEN,
				    d->domain, d->day, uri, written);
			else {
				tlsreport_event(run, TLSREPORT_SENT, d->domain,
				    d->day, uri, NULL);
				if (store_tlsrpt_uri_set(run->st, d->domain,
				    d->day, uri, "sent", NULL, run->now,
				    cause) == -1)
					goto fail;
			}
		} else {
			failed = 1;
			tlsreport_event(run, TLSREPORT_FAILED, d->domain,
			    d->day, uri, why);
			if (run->dry_dir == NULL && store_tlsrpt_uri_set(run->st,
			    d->domain, d->day, uri, "failed", why, run->now,
			    cause) == -1)
				goto fail;
		}
		free(written);
		written = NULL;
		free(why);
		why = NULL;
	}
	if (!failed && run->dry_dir == NULL && store_tlsrpt_done(run->st,
	    d->domain, d->day, run->now, cause) == -1)
		goto fail;
	free(file);
	buf_free(&gz);
	tlsreport_free(&r);
	return failed;
fail:
	free(written);
	free(why);
	free(file);
	buf_free(&gz);
	tlsreport_free(&r);
	return -1;
}

/* The send's settings for the reports' mail: the configuration's, the
 * envelope-from (bounce, else From) and a HELO name. */
static int
tlsreport_settings(struct tlsreport_run *run, char **cause)
{
	struct issue	 is;

	if (send_settings_config(run->cfg, &run->set, cause) == -1)
		return -1;
	memset(&is, 0, sizeof is);
	if ((is.from = (char *)(uintptr_t)config_get(run->cfg,
	    "from")) == NULL)
		return set_cause(cause, _("TLS reports need a From address: "
		    "herald config set from ADDRESS"));
	run->set.verp = '\0';
	return send_settings_complete(run->cfg, &is, &run->set, run->dns,
	    cause);
}

int
tlsreport_run(struct store *st, const struct config *cfg,
    const char *password, const char *dry_dir, int64_t now,
    tlsreport_event_fn fn, void *arg, struct tlsreport_totals *tot,
    char **cause)
{
	struct tlsreport_run	 run;
	struct tlsreport_dues	 ds;
	struct dns_options	 o;
	char			*pw = NULL;
	size_t			 i;
	int			 rc = 0, one;

	memset(tot, 0, sizeof *tot);
	memset(&run, 0, sizeof run);
	memset(&ds, 0, sizeof ds);
	run.st = st;
	run.cfg = cfg;
	run.dry_dir = dry_dir;
	run.now = now;
	run.fn = fn;
	run.arg = arg;
	run.tot = tot;
	run.password = password;
	run.dnssec_anchor = config_get(cfg, "dnssec_anchor");
	if (run.dnssec_anchor == NULL || *run.dnssec_anchor == '\0')
		run.dnssec_anchor = ENGINE_DNSSEC_ANCHOR;
	send_settings_init(&run.set);
	config_dns_options(cfg, &o);
	if ((run.dns = dns_open(&o, cause)) == NULL) {
		send_settings_free(&run.set);
		return -1;
	}
	if (tlsreport_settings(&run, cause) == -1) {
		rc = -1;
		goto out;
	}
	if (password == NULL && dry_dir == NULL && *run.set.relay_user != '\0' &&
	    *run.set.relay_password_file != '\0') {
		if (send_password_file(run.set.relay_password_file, &pw,
		    cause) == -1) {
			rc = -1;
			goto out;
		}
		run.password = pw;
	}
	if (dry_dir != NULL && mkdir(dry_dir, 0700) == -1 && errno != EEXIST) {
		set_cause(cause, "%s: %s", dry_dir, strerror(errno));
		rc = -1;
		goto out;
	}
	tlsreport_day(now, ds.today);
	if (store_tls_days(st, NULL, tlsreport_due_add, &ds, cause) == -1) {
		rc = -1;
		goto out;
	}
	if (ds.n > 1)
		qsort(ds.d, ds.n, sizeof *ds.d, tlsreport_due_cmp);
	for (i = 0; i < ds.n; i++) {
		if ((one = tlsreport_day_run(&run, &ds.d[i], cause)) == -1) {
			rc = -1;
			break;
		}
		if (one == 1)
			rc = 1;
	}
out:
	for (i = 0; i < ds.n; i++)
		free(ds.d[i].domain);
	free(ds.d);
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	free(run.rec_domain);
	free(run.rec_cause);
	tlsrpt_record_free(&run.rec);
	dns_close(run.dns);
	send_settings_free(&run.set);
	return rc;
}
