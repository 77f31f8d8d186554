/*
 * TLS for the SMTP client with OpenSSL 3: one SSL_CTX per send, one SSL per
 * connection over a non-blocking socket, and what the peer proved,
 * recorded in Postfix's words.
 *
 * The handshake runs with SSL_VERIFY_NONE so that "may" and "encrypt"
 * proceed with any certificate; a verify callback that never refuses
 * records what the chain and the name checks found (the first chain error,
 * and whether the name did not match) so that the trust word is right even
 * when a certificate has several faults: OpenSSL checks the name before
 * the dates, so an expired certificate for another name must still read
 * "untrusted", not "trusted". tls_conn_status() then applies the policy.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "base/i18n.h"
#include "base/util.h"

#define TLS_HOST_MAX	253

struct tls_ctx {
	SSL_CTX		*ctx;
};

struct tls_conn {
	SSL		*ssl;
	char		 host[TLS_HOST_MAX + 1];
	int		 ndane;		/* usable TLSA records */
	int		 chain_err;	/* first chain error, or X509_V_OK */
	int		 chain_depth;
	int		 name_bad;	/* the certificate does not name host */
	int		 shut;
};

static int	tls_exidx = -1;

/* The status of a plaintext session under policy: "POLICY:none". */
void
tls_status_plain(struct tls_status *st, enum tls_policy policy)
{
	memset(st, 0, sizeof *st);
	snprintf(st->verify, sizeof st->verify, "none");
	snprintf(st->dane, sizeof st->dane, "none");
	snprintf(st->summary, sizeof st->summary, "%s:none",
	    tls_policy_name(policy));
	snprintf(st->policy, sizeof st->policy, "%s", tls_policy_name(policy));
}

/* Copy text into dst with every byte outside printable ASCII as '?'. */
static void
tls_clean(char *dst, size_t size, const char *src)
{
	size_t	i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++) {
		if ((unsigned char)src[i] < 0x20 ||
		    (unsigned char)src[i] >= 0x7f)
			dst[i] = '?';
		else
			dst[i] = src[i];
	}
	if (size > 0)
		dst[i] = '\0';
}

/*
 * Set *cause to "what: reason" from OpenSSL's error queue (or errno for a
 * system call error, or "connection closed" when there is neither), and
 * empty the queue. Returns -1.
 */
static int
tls_error(char **cause, const char *what, int sslerr, int saved_errno)
{
	unsigned long	 e;
	const char	*reason;
	char		 text[256];

	e = ERR_peek_last_error();
	if (e != 0) {
		reason = ERR_reason_error_string(e);
		if (reason == NULL)
			snprintf(text, sizeof text, "error %lu", e);
		else
			tls_clean(text, sizeof text, reason);
	} else if (sslerr == SSL_ERROR_SYSCALL && saved_errno != 0)
		snprintf(text, sizeof text, "%s", strerror(saved_errno));
	else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN)
		snprintf(text, sizeof text, NT("connection closed by the server"));
	else
		snprintf(text, sizeof text, "error %d", sslerr);
	ERR_clear_error();
	return set_cause(cause, "%s: %s", what, text);
}

/* Record chain and name errors; never refuse (the policy decides later). */
static int
tls_verify_cb(int ok, X509_STORE_CTX *xctx)
{
	SSL		*ssl;
	struct tls_conn	*c;
	int		 err;

	if (ok)
		return 1;
	ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (c = SSL_get_ex_data(ssl, tls_exidx)) == NULL)
		return 1;
	err = X509_STORE_CTX_get_error(xctx);
	if (err == X509_V_ERR_HOSTNAME_MISMATCH ||
	    err == X509_V_ERR_IP_ADDRESS_MISMATCH)
		c->name_bad = 1;
	else if (c->chain_err == X509_V_OK) {
		c->chain_err = err;
		c->chain_depth = X509_STORE_CTX_get_error_depth(xctx);
	}
	return 1;
}

/* A client context: TLS 1.2+, system trust store plus ca_file. */
struct tls_ctx *
tls_ctx_new(const char *ca_file, char **cause)
{
	struct tls_ctx	*t;
	SSL_CTX		*ctx;

	if (tls_exidx == -1) {
		tls_exidx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
		if (tls_exidx == -1) {
			tls_error(cause, "TLS", SSL_ERROR_SSL, 0);
			return NULL;
		}
	}
	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_error(cause, "TLS context", SSL_ERROR_SSL, 0);
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_dane_enable(ctx) <= 0) {
		tls_error(cause, "TLS context", SSL_ERROR_SSL, 0);
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* A missing system store is not fatal: --ca-file may be enough. */
	if (SSL_CTX_set_default_verify_paths(ctx) != 1)
		ERR_clear_error();
	if (ca_file != NULL && *ca_file != '\0' &&
	    SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
		tls_error(cause, ca_file, SSL_ERROR_SSL, 0);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, tls_verify_cb);
	/* Our output buffer may move between a WANT_WRITE and the retry;
	 * a partial write is fine, we keep the rest. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	/* Many MTAs close after QUIT without close_notify: that is EOF. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	t = xcalloc(1, sizeof *t);
	t->ctx = ctx;
	return t;
}

/* Free a context (connections made from it must be freed first). */
void
tls_ctx_free(struct tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* Check a host name for SNI and name checks; copy it without a final dot. */
static int
tls_host_copy(char *dst, size_t size, const char *host)
{
	size_t	i, len;

	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len >= size)
		return -1;
	for (i = 0; i < len; i++) {
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z') ||
		    (host[i] >= '0' && host[i] <= '9') ||
		    host[i] == '-' || host[i] == '.' || host[i] == '_' ||
		    host[i] == ':'))
			return -1;
	}
	memcpy(dst, host, len);
	dst[len] = '\0';
	return 0;
}

/* Start a client session on fd for host, with DANE if tlsa is given. */
struct tls_conn *
tls_conn_new(struct tls_ctx *t, int fd, const char *host,
    const struct tls_tlsa *tlsa, size_t ntlsa, char **cause)
{
	struct tls_conn	*c;
	unsigned char	 ip[16];
	size_t		 i;
	int		 isip, rv;

	c = xcalloc(1, sizeof *c);
	c->chain_err = X509_V_OK;
	if (host == NULL ||
	    tls_host_copy(c->host, sizeof c->host, host) == -1) {
		set_cause(cause, NT("TLS: bad host name"));
		free(c);
		return NULL;
	}
	isip = inet_pton(AF_INET, c->host, ip) == 1 ||
	    inet_pton(AF_INET6, c->host, ip) == 1;
	ERR_clear_error();
	if ((c->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set_ex_data(c->ssl, tls_exidx, c) != 1 ||
	    SSL_set_fd(c->ssl, fd) != 1)
		goto fail;
	/* RFC 6066: SNI names a host, never an address literal. */
	if (!isip && SSL_set_tlsext_host_name(c->ssl, c->host) != 1)
		goto fail;
	SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (ntlsa > 0 && !isip) {
		/* The TLSA base domain is the reference identifier. */
		if (SSL_dane_enable(c->ssl, c->host) <= 0)
			goto fail;
		/* RFC 7672 3.1.1: DANE-EE(3) binds the key, not a name;
		 * DANE-TA(2) still checks the MX host name. */
		SSL_dane_set_flags(c->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
		for (i = 0; i < ntlsa; i++) {
			rv = SSL_dane_tlsa_add(c->ssl, tlsa[i].usage,
			    tlsa[i].selector, tlsa[i].mtype, tlsa[i].data,
			    tlsa[i].len);
			if (rv > 0)
				c->ndane++;
		}
		ERR_clear_error();	/* unusable records are not errors */
		if (c->ndane == 0) {
			/* RFC 7672 2.2: unusable TLSA: TLS without
			 * authentication; check the name for the record. */
			if (SSL_set1_host(c->ssl, c->host) != 1)
				goto fail;
		}
	} else if (isip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
		    c->host) != 1)
			goto fail;
	} else if (SSL_set1_host(c->ssl, c->host) != 1)
		goto fail;
	SSL_set_connect_state(c->ssl);
	return c;

fail:
	tls_error(cause, "TLS session", SSL_ERROR_SSL, 0);
	SSL_free(c->ssl);
	free(c);
	return NULL;
}

/* Free a session. */
void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	ERR_clear_error();
	free(c);
}

/* Map an SSL result to TLS_WANT_*, or -1 with *cause. */
static int
tls_result(struct tls_conn *c, int rv, const char *what, char **cause)
{
	int	err, saved = errno;

	err = SSL_get_error(c->ssl, rv);
	switch (err) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	default:
		return tls_error(cause, what, err, saved);
	}
}

/* Advance the handshake. */
int
tls_conn_handshake(struct tls_conn *c, char **cause)
{
	int	rv;

	ERR_clear_error();
	errno = 0;
	rv = SSL_connect(c->ssl);
	if (rv == 1)
		return 0;
	return tls_result(c, rv, "TLS handshake", cause);
}

/* Read decrypted bytes. */
long
tls_conn_read(struct tls_conn *c, void *buf, size_t len, char **cause)
{
	int	rv, err, saved;

	if (len > INT_MAX)
		len = INT_MAX;
	ERR_clear_error();
	errno = 0;
	rv = SSL_read(c->ssl, buf, (int)len);
	if (rv > 0)
		return rv;
	saved = errno;
	err = SSL_get_error(c->ssl, rv);
	if (err == SSL_ERROR_ZERO_RETURN ||
	    (err == SSL_ERROR_SYSCALL && saved == 0 && ERR_peek_error() == 0)) {
		ERR_clear_error();
		return 0;
	}
	errno = saved;
	return tls_result(c, rv, "TLS read", cause);
}

/* Write bytes; a partial write returns what was taken. */
long
tls_conn_write(struct tls_conn *c, const void *buf, size_t len,
    char **cause)
{
	int	rv;

	if (len > INT_MAX)
		len = INT_MAX;
	ERR_clear_error();
	errno = 0;
	rv = SSL_write(c->ssl, buf, (int)len);
	if (rv > 0)
		return rv;
	return tls_result(c, rv, "TLS write", cause);
}

/* Send close_notify (once), ignoring any error. */
void
tls_conn_close_notify(struct tls_conn *c)
{
	if (c == NULL || c->shut)
		return;
	c->shut = 1;
	ERR_clear_error();
	(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
}

/* The peer certificate's subject and issuer, cleaned. */
static void
tls_peer_names(struct tls_conn *c, struct tls_status *st)
{
	X509	*cert;
	char	 text[256];

	if ((cert = SSL_get0_peer_certificate(c->ssl)) == NULL)
		return;
	if (X509_NAME_oneline(X509_get_subject_name(cert), text,
	    sizeof text) != NULL)
		tls_clean(st->peer_subject, sizeof st->peer_subject, text);
	if (X509_NAME_oneline(X509_get_issuer_name(cert), text,
	    sizeof text) != NULL)
		tls_clean(st->peer_issuer, sizeof st->peer_issuer, text);
	ERR_clear_error();
}

/* Record what the handshake negotiated and proved; apply the policy. */
int
tls_conn_status(struct tls_conn *c, enum tls_policy policy,
    struct tls_status *st, char **cause)
{
	const SSL_CIPHER	*cipher;
	long			 result;
	int			 chain_err = c->chain_err;
	int			 name_bad = c->name_bad;
	int			 havecert, validated = 0;

	memset(st, 0, sizeof *st);
	st->active = 1;
	snprintf(st->version, sizeof st->version, "%s",
	    SSL_get_version(c->ssl));
	if ((cipher = SSL_get_current_cipher(c->ssl)) != NULL) {
		snprintf(st->cipher, sizeof st->cipher, "%s",
		    SSL_CIPHER_get_name(cipher));
		st->bits = SSL_CIPHER_get_bits(cipher, NULL);
	}
	tls_peer_names(c, st);

	havecert = SSL_get0_peer_certificate(c->ssl) != NULL;
	/* A failure the callback did not see (an internal error) still
	 * counts against the chain. */
	result = SSL_get_verify_result(c->ssl);
	if (result != X509_V_OK && chain_err == X509_V_OK && !name_bad) {
		if (result == X509_V_ERR_HOSTNAME_MISMATCH ||
		    result == X509_V_ERR_IP_ADDRESS_MISMATCH)
			name_bad = 1;
		else
			chain_err = (int)result;
	}
	if (c->ndane > 0)
		validated = SSL_get0_dane_authority(c->ssl, NULL, NULL) >= 0 &&
		    chain_err == X509_V_OK && !name_bad;

	if (!havecert || chain_err != X509_V_OK)
		snprintf(st->verify, sizeof st->verify, "untrusted");
	else if (name_bad)
		snprintf(st->verify, sizeof st->verify, "trusted");
	else
		snprintf(st->verify, sizeof st->verify, "verified");
	if (c->ndane == 0)
		snprintf(st->dane, sizeof st->dane, "none");
	else
		snprintf(st->dane, sizeof st->dane, "%s",
		    validated ? "validated" : "failed");
	snprintf(st->summary, sizeof st->summary, "%s:%s",
	    tls_policy_name(policy), st->verify);
	snprintf(st->policy, sizeof st->policy, "%s", tls_policy_name(policy));
	/* What a TLS report would say failed, whatever the policy asked:
	 * MTA-STS in testing mode records it and delivers. */
	if (chain_err == X509_V_ERR_CERT_HAS_EXPIRED)
		snprintf(st->fail, sizeof st->fail, "certificate-expired");
	else if (c->ndane > 0) {
		if (!validated)
			snprintf(st->fail, sizeof st->fail,
			    "validation-failure");
	} else if (!havecert || chain_err != X509_V_OK)
		snprintf(st->fail, sizeof st->fail, "certificate-not-trusted");
	else if (name_bad)
		snprintf(st->fail, sizeof st->fail,
		    "certificate-host-mismatch");

	if (policy == TLS_POLICY_DANE && c->ndane > 0 && !validated) {
		if (chain_err != X509_V_OK &&
		    chain_err != X509_V_ERR_DANE_NO_MATCH)
			return set_cause(cause, "TLS: DANE: %s",
			    X509_verify_cert_error_string(chain_err));
		if (name_bad)
			return set_cause(cause, NT("TLS: DANE: certificate does "
			    "not name %s"), c->host);
		return set_cause(cause, NT("TLS: DANE: no TLSA record matches "
		    "the certificate of %s"), c->host);
	}
	if (policy != TLS_POLICY_VERIFY && policy != TLS_POLICY_STS)
		return 0;
	if (!havecert)
		return set_cause(cause, NT("TLS: no peer certificate"));
	if (chain_err != X509_V_OK)
		return set_cause(cause, NT("TLS: untrusted chain: %s%s"),
		    X509_verify_cert_error_string(chain_err),
		    name_bad ? NT(" (and it does not name the host)") : "");
	if (name_bad)
		return set_cause(cause, NT("TLS: certificate does not name %s"),
		    c->host);
	return 0;
}
