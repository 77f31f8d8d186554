/*
 * TLS for the SMTP client (OpenSSL 3): a context per send (system trust
 * store plus an optional CA file, TLS 1.2 or later), a session per
 * connection with SNI, and what happened, recorded as Postfix does: the
 * protocol, cipher and bits, the trust word (none, untrusted, trusted,
 * verified), DANE (none, validated, failed), the peer's subject and issuer,
 * and a "POLICY:TRUST" summary such as "may:none".
 */
#ifndef HERALD_TLS_H
#define HERALD_TLS_H

#include <stddef.h>

enum tls_policy {
	TLS_POLICY_NONE,	/* never STARTTLS */
	TLS_POLICY_MAY,		/* STARTTLS when offered; plaintext otherwise */
	TLS_POLICY_ENCRYPT,	/* defer without TLS */
	TLS_POLICY_VERIFY,	/* defer unless the chain is trusted and names
				 * the MX host */
	TLS_POLICY_DANE,	/* DNSSEC-validated TLSA when present, else may */
};
int		 tls_policy_parse(const char *, enum tls_policy *);
const char	*tls_policy_name(enum tls_policy);

struct tls_status {
	int	 active;		/* TLS was negotiated */
	char	 version[16];		/* "TLSv1.3", "" without TLS */
	char	 cipher[64];
	int	 bits;
	char	 verify[12];		/* none, untrusted, trusted, verified */
	char	 dane[12];		/* none, validated, failed */
	char	 peer_subject[256];
	char	 peer_issuer[256];
	char	 summary[32];		/* "may:verified", "may:none", ... */
};
/* A status for a plaintext session under policy. */
void		 tls_status_plain(struct tls_status *, enum tls_policy);

/* One DNSSEC-validated TLSA record for a DANE session. */
struct tls_tlsa {
	unsigned char	 usage, selector, mtype;
	unsigned char	*data;
	size_t		 len;
};

struct tls_ctx;
/* A client context: system trust store plus ca_file (may be NULL). */
struct tls_ctx	*tls_ctx_new(const char *ca_file, char **cause);
void		 tls_ctx_free(struct tls_ctx *);

#endif
