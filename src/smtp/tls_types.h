/*
 * The TLS policy of a send and what a session's TLS came to: types only,
 * so the store can keep them (sends.tls_policy, the recipients' TLS
 * columns) without the TLS code (tls.h).
 *
 * The policy's words are part of the type: they are herald.conf's and the
 * CLI's values and what the store writes, so the one table sits here, as
 * small static inline functions, rather than in tls.c, which the store
 * must not call.
 */
#ifndef HERALD_TLS_TYPES_H
#define HERALD_TLS_TYPES_H

#include <stddef.h>

#include "base/util.h"

enum tls_policy {
	TLS_POLICY_NONE,	/* never STARTTLS */
	TLS_POLICY_MAY,		/* STARTTLS when offered; plaintext otherwise */
	TLS_POLICY_ENCRYPT,	/* defer without TLS */
	TLS_POLICY_VERIFY,	/* defer unless the chain is trusted and names
				 * the MX host */
	TLS_POLICY_DANE,	/* DNSSEC-validated TLSA when present, else may */
	TLS_POLICY_AUTO,	/* dane where TLSA validates, else mta-sts
				 * where the domain has a policy, else may */
	TLS_POLICY_STS,		/* a send: MTA-STS where a policy exists, else
				 * may; a session: TLS verified against the
				 * MX name an enforced policy allows */
};
#define TLS_NPOLICIES	7

/* The name of a policy: "none", "may", "encrypt", "verify", "dane",
 * "auto", "mta-sts". */
static inline const char *
tls_policy_name(enum tls_policy p)
{
	static const char *const names[TLS_NPOLICIES] = {
		[TLS_POLICY_NONE] = "none",
		[TLS_POLICY_MAY] = "may",
		[TLS_POLICY_ENCRYPT] = "encrypt",
		[TLS_POLICY_VERIFY] = "verify",
		[TLS_POLICY_DANE] = "dane",
		[TLS_POLICY_AUTO] = "auto",
		[TLS_POLICY_STS] = "mta-sts",
	};

	if ((size_t)p >= TLS_NPOLICIES)
		return "?";
	return names[p];
}

/* Parse a policy name, in any letter case; -1 if unknown. */
static inline int
tls_policy_parse(const char *s, enum tls_policy *out)
{
	int	i;

	for (i = 0; i < TLS_NPOLICIES; i++)
		if (ascii_casecmp(s, tls_policy_name((enum tls_policy)i)) == 0) {
			*out = (enum tls_policy)i;
			return 0;
		}
	return -1;
}

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
	char	 policy[12];		/* the policy that applied: dane,
					 * mta-sts, may, encrypt, verify,
					 * none ("" when unknown) */
	char	 fail[32];		/* what the certificate failed, as
					 * an RFC 8460 result type
					 * (certificate-expired, ...), "" */
};

#endif
