/*
 * MTA-STS lookups and policy fetches (RFC 8461 3.3, 5.1). The fetch is
 * strict as the RFC asks: HTTPS only, a certificate valid for
 * mta-sts.DOMAIN (system store plus ca_file), no redirects, status 200,
 * Content-Type text/plain, at most 64 KB (the transfer is cut past it),
 * and time limits. The address comes from herald's resolver and is pinned
 * (CURLOPT_RESOLVE): the system resolver is never asked.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "sts.h"
#include "auth/dns.h"
#include "base/i18n.h"
#include "base/util.h"
#include "store/store_sts.h"

#define STS_TIMEOUT_CONNECT	10
#define STS_TIMEOUT_TOTAL	30

static pthread_once_t	sts_curl_once = PTHREAD_ONCE_INIT;
static int		sts_curl_ok;

/* libcurl's global state, once for every thread. */
static void
sts_curl_init(void)
{
	sts_curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

struct sts_body {
	struct buf	 b;
	int		 toolarge;
};

/* Keep the body; abort the transfer past the limit. */
static size_t
sts_write(char *p, size_t size, size_t n, void *arg)
{
	struct sts_body	*body = arg;

	if (body->b.len + n > STS_POLICY_MAX) {
		body->toolarge = 1;
		return 0;
	}
	buf_add(&body->b, p, n);
	(void)size;
	return n;
}

/* ca_file's certificates beside the system store. */
static CURLcode
sts_ssl_ctx(CURL *curl, void *sslctx, void *arg)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(sslctx);

	(void)curl;
	if (X509_STORE_load_locations(store, arg, NULL) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/* Is the media type text/plain (parameters such as charset allowed)? */
static int
sts_text_plain(const char *ct)
{
	size_t	n = strlen("text/plain"), i;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	if (strlen(ct) < n)
		return 0;
	for (i = 0; i < n; i++)
		if ((ct[i] | 0x20) != "text/plain"[i])
			return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* "mta-sts.DOMAIN:PORT:ADDR,ADDR" for CURLOPT_RESOLVE; NULL with *cause
 * when the name has no address. */
static char *
sts_resolve(struct dns *dns, const char *host, int port, char **cause)
{
	static const enum dns_type	 types[] = { DNS_A, DNS_AAAA };
	struct dns_answer		 a;
	struct buf			 b;
	char				 ip[INET6_ADDRSTRLEN];
	const char			*why = NULL;
	size_t				 i, k, n = 0;

	buf_init(&b);
	buf_printf(&b, "%s:%d:", host, port);
	for (k = 0; k < nitems(types); k++) {
		memset(&a, 0, sizeof a);
		dns_query(dns, host, types[k], &a);
		if (a.status != DNS_OK && a.status != DNS_NODATA &&
		    a.status != DNS_NXDOMAIN)
			why = dns_status_name(a.status);
		for (i = 0; a.status == DNS_OK && i < a.n && n < 8; i++) {
			if (types[k] == DNS_A) {
				inet_ntop(AF_INET, &a.rr[i].u.a, ip, sizeof ip);
				buf_printf(&b, "%s%s", n ? "," : "", ip);
			} else {
				inet_ntop(AF_INET6, &a.rr[i].u.aaaa, ip,
				    sizeof ip);
				buf_printf(&b, "%s[%s]", n ? "," : "", ip);
			}
			n++;
		}
		dns_answer_free(&a);
	}
	if (n == 0) {
		buf_free(&b);
		set_cause(cause, why != NULL ? NT("%s: the address lookup "
		    "failed (%s)") : NT("%s has no address"), host, why);
		return NULL;
	}
	return buf_take(&b);
}

int
sts_fetch(struct dns *dns, const char *domain, const struct sts_options *o,
    struct sts_policy *p, const char **fail_type, char **cause)
{
	CURL			*c = NULL;
	struct curl_slist	*pin = NULL;
	struct sts_body		 body;
	CURLcode		 rc;
	char			*host, *url = NULL, *resolve, *why = NULL;
	char			 errbuf[CURL_ERROR_SIZE];
	const char		*ct = NULL;
	long			 status = 0;
	int			 port = o->port > 0 ? o->port : STS_PORT_DEFAULT;
	int			 ret = -1;

	memset(p, 0, sizeof *p);
	buf_init(&body.b);
	body.toolarge = 0;
	*fail_type = "sts-policy-fetch-error";
	host = xprintf("mta-sts.%s", domain);
	if ((resolve = sts_resolve(dns, host, port, &why)) == NULL) {
		set_cause(cause, "%s", why);
		free(why);
		goto out;
	}
	pthread_once(&sts_curl_once, sts_curl_init);
	if (!sts_curl_ok || (c = curl_easy_init()) == NULL) {
		set_cause(cause, NT("cannot start libcurl"));
		goto out;
	}
	url = port == STS_PORT_DEFAULT ?
	    xprintf("https://%s/.well-known/mta-sts.txt", host) :
	    xprintf("https://%s:%d/.well-known/mta-sts.txt", host, port);
	pin = curl_slist_append(NULL, resolve);
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, pin);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);	/* 3.3 */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(o->connect_timeout >
	    0 ? o->connect_timeout : STS_TIMEOUT_CONNECT));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(o->timeout > 0 ?
	    o->timeout : STS_TIMEOUT_TOTAL));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "herald");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sts_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE, (long)STS_POLICY_MAX);
	if (o->ca_file != NULL && *o->ca_file != '\0') {
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, sts_ssl_ctx);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, (void *)o->ca_file);
	}
	rc = curl_easy_perform(c);
	if (body.toolarge || rc == CURLE_FILESIZE_EXCEEDED) {
		*fail_type = "sts-policy-invalid";
		set_cause(cause, NT("%s: the policy is larger than 64 KB"), url);
		goto out;
	}
	if (rc != CURLE_OK) {
		if (rc == CURLE_PEER_FAILED_VERIFICATION ||
		    rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE)
			*fail_type = "sts-webpki-invalid";
		set_cause(cause, "%s: %s", url, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		set_cause(cause, NT("%s: HTTP status %ld (only 200 counts, "
		    "redirects are not followed)"), url, status);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (!sts_text_plain(ct)) {
		*fail_type = "sts-policy-invalid";
		set_cause(cause, NT("%s: Content-Type %s, not text/plain"), url,
		    ct != NULL ? ct : "(none)");
		goto out;
	}
	if (sts_policy_parse(body.b.data != NULL ? body.b.data : "",
	    body.b.len, p, &why) == -1) {
		*fail_type = "sts-policy-invalid";
		set_cause(cause, "%s: %s", url, why);
		free(why);
		goto out;
	}
	*fail_type = NULL;
	ret = 0;
out:
	if (c != NULL)
		curl_easy_cleanup(c);
	curl_slist_free_all(pin);
	buf_free(&body.b);
	free(resolve);
	free(url);
	free(host);
	return ret;
}

void
sts_result_free(struct sts_result *r)
{
	sts_policy_free(&r->policy);
	free(r->error);
	memset(r, 0, sizeof *r);
}

/* The record at _mta-sts.DOMAIN: 1 valid (r->id), 0 none or invalid, -1
 * the lookup failed. Two STSv1 records are no record (RFC 8461 3.1). */
static int
sts_txt(struct dns *dns, const char *domain, struct sts_result *r)
{
	struct dns_answer	 a;
	char			*name, *why = NULL, id[STS_ID_MAX + 1];
	size_t			 i;
	int			 n = 0, rc;

	name = xprintf("_mta-sts.%s", domain);
	memset(&a, 0, sizeof a);
	dns_query(dns, name, DNS_TXT, &a);
	if (a.status != DNS_OK && a.status != DNS_NODATA &&
	    a.status != DNS_NXDOMAIN) {
		r->error = xprintf(NT("%s TXT: the lookup failed (%s)"), name,
		    dns_status_name(a.status));
		rc = -1;
		goto out;
	}
	for (i = 0; a.status == DNS_OK && i < a.n; i++) {
		if (a.rr[i].len < 7 || memcmp(a.rr[i].u.txt, "v=STSv1", 7) != 0)
			continue;
		snprintf(r->txt, sizeof r->txt, "%.*s", (int)a.rr[i].len,
		    a.rr[i].u.txt);
		if (sts_txt_parse(a.rr[i].u.txt, a.rr[i].len, id, &why) == -1) {
			free(r->error);
			r->error = why;
			why = NULL;
			continue;
		}
		memcpy(r->id, id, sizeof r->id);
		n++;
	}
	if (n > 1) {
		free(r->error);
		r->error = xprintf(NT("%s: more than one STSv1 record"), name);
	}
	rc = n == 1;
out:
	free(name);
	dns_answer_free(&a);
	return rc;
}

/* Take the cached policy as the one in force; 0, or -1 if unreadable. */
static int
sts_use_cache(const struct sts_cache_row *c, struct sts_result *r)
{
	char	*why = NULL;

	if (sts_policy_parse(c->policy, strlen(c->policy), &r->policy,
	    &why) == -1) {
		free(why);
		return -1;
	}
	snprintf(r->policy_id, sizeof r->policy_id, "%s", c->id);
	r->fetched_at = c->fetched_at;
	r->expires_at = c->expires_at;
	r->source = STS_SRC_CACHE;
	return 0;
}

void
sts_lookup(struct dns *dns, const char *domain, const struct sts_options *o,
    const struct sts_cache_row *cached, int64_t now, struct sts_result *r)
{
	const char	*ft;
	char		*why = NULL;
	int64_t		 left;
	int		 txt, fresh;

	memset(r, 0, sizeof *r);
	if (cached != NULL && cached->expires_at <= now)
		cached = NULL;		/* expired: as if never fetched */
	txt = sts_txt(dns, domain, r);
	r->have_txt = txt == 1;
	if (txt != 1) {
		/* No record (or no answer): a cached policy stays in force
		 * until it expires (5.1); without one there is none. */
		if (txt == 0 && r->error != NULL)
			r->fail_type = "sts-policy-invalid";
		if (cached != NULL)
			(void)sts_use_cache(cached, r);
		return;
	}
	/* The same id and not near expiry: the cached one. Refreshed when
	 * less than a day (or half its life) is left. */
	if (cached != NULL && strcmp(cached->id, r->id) == 0) {
		left = cached->expires_at - now;
		fresh = left > 86400 || left > (cached->expires_at -
		    cached->fetched_at) / 2;
		if (fresh && sts_use_cache(cached, r) == 0)
			return;
	}
	if (sts_fetch(dns, domain, o, &r->policy, &ft, &why) == 0) {
		memcpy(r->policy_id, r->id, sizeof r->policy_id);
		r->fetched_at = now;
		r->expires_at = now + r->policy.max_age;
		r->source = STS_SRC_FETCHED;
		return;
	}
	r->fail_type = ft;
	free(r->error);
	r->error = why;
	if (cached != NULL)
		(void)sts_use_cache(cached, r);
}
