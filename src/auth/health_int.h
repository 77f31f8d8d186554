/*
 * Shared between health.c (the run, SPF, MX), health_rdns.c (PTR, FCrDNS,
 * HELO), health_auth.c (DMARC, alignment, DKIM) and health_jp.c (the
 * Japanese providers' rules, from what the others found).
 */
#ifndef HERALD_HEALTH_INT_H
#define HERALD_HEALTH_INT_H

#include "dmarc.h"
#include "dns.h"
#include "health.h"
#include "spf.h"
#include "base/util.h"

#define HEALTH_SHOW_MAX		400	/* bytes of a DNS string shown */
#define HEALTH_PTR_MAX		10	/* PTR names looked at (RFC 7208 5.5) */
#define HEALTH_DEAD		2	/* timeouts in a row: stop asking */

struct dkim_key;

struct health_run {
	struct dns			*dns;
	struct store			*store;
	const struct health_input	*in;
	health_cb			 cb;
	void				*arg;
	enum health_status		 worst;
	int				 timeouts;	/* in a row */
	int				 unanswered;	/* the check being
							 * decided met DNS that
							 * did not answer */

	char				*domain;	/* lower case */
	char				*org;		/* its org domain */
	char				*env_domain;	/* envelope-from's */
	char				*helo;		/* lower case */
	char				*ip;		/* as inet_ntop writes it */
	int				 family;	/* 0: no address */
	unsigned char			 addr[16];

	enum spf_result			 spf;
	char				*ptr[HEALTH_PTR_MAX];
	size_t				 nptr;
	int				 ptr_trouble;	/* lookup failed */
	char				*fcrdns;	/* a confirmed PTR name */

	int				 have_dmarc;
	struct dmarc_record		 dmarc;
	enum {
		HEALTH_DM_UNKNOWN,	/* DNS trouble: not known */
		HEALTH_DM_NONE,		/* no record */
		HEALTH_DM_BAD,		/* one receivers cannot use */
		HEALTH_DM_OK,		/* have_dmarc */
	}				 dmarc_state;
	enum dmarc_policy		 dmarc_policy;	/* for the domain */

	/* What the provider rules (health_jp.c) judge by, from the
	 * checks above. */
	char				*spf_fix;	/* the SPF check's */
	char				*spf99;		/* SPF only in type 99 */
	int				 spf_aligned;	/* and passing */
	size_t				 dkim_pass;	/* signing, published */
	char				*weak_sel;	/* an RSA key < 1024 */
	int				 weak_bits;

	struct dkim_key			*keys;		/* local keys of domain */
	size_t				 nkeys;
	size_t				 nactive;	/* of those, signing */
	char				*keys_trouble;	/* could not read them */
};

/* Hand a check to the caller; title, observed and fix (allocated, fix
 * may be NULL) are consumed. */
void	 health_emit(struct health_run *, const char *id,
	    enum health_status, char *title, char *observed, char *fix);
/* A lookup, or a DNS_TIMEOUT without asking once the resolver has not
 * answered HEALTH_DEAD times in a row. */
enum dns_status health_query(struct health_run *, const char *name,
	    enum dns_type, struct dns_answer *);
/* Why a lookup of name gave no answer, one line, allocated. */
char	*health_dns_trouble(struct health_run *, const char *name,
	    const struct dns_answer *);
/* Append s[0..len) as zone-file character-strings (255 bytes each). */
void	 health_zone_txt(struct buf *, const char *s, size_t len);

/* health_rdns.c */
void	 health_ptr(struct health_run *);
void	 health_fcrdns(struct health_run *);
void	 health_helo(struct health_run *);
void	 health_ptr_align(struct health_run *);

/* health_auth.c */
void	 health_load_keys(struct health_run *);
void	 health_free_keys(struct health_run *);
void	 health_dmarc(struct health_run *);
/* The DMARC record to start with (p=none, reports to the domain). */
char	*health_dmarc_starter(struct health_run *);
void	 health_spf_align(struct health_run *);
void	 health_dkim_align(struct health_run *);
void	 health_dkim(struct health_run *);

/* health_jp.c: the rules of the Japanese mailbox providers */
void	 health_jp(struct health_run *);

#endif
