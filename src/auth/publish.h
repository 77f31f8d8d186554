/*
 * The records to publish beside a DKIM key: the domain's SPF record with
 * the sending address added (or a new one), and a DMARC record to start
 * with, from what the domain publishes now; and TXT records written as
 * zone-file lines. Uses the resolver (auth/dns.h) and base only.
 */
#ifndef HERALD_PUBLISH_H
#define HERALD_PUBLISH_H

struct dns;

/* NULL members: nothing to publish (value), nothing published (existing),
 * nothing to say (note). All allocated. */
struct publish {
	char	*spf_name;		/* the domain */
	char	*spf_value;		/* the SPF record to publish */
	char	*spf_existing;		/* the one published now */
	char	*spf_note;
	int	 spf_placeholder;	/* no source_ip: YOUR.SENDING.IP */
	char	*dmarc_name;		/* _dmarc.DOMAIN */
	char	*dmarc_value;
	char	*dmarc_existing;
	char	*dmarc_note;
};

/*
 * Work out the SPF and DMARC records for domain, sending from ip (NULL
 * or "": unknown, a placeholder is offered). dns may be NULL (no
 * resolver): the records are offered as if none were published, with a
 * note saying they could not be looked up.
 */
void	 publish_records(struct dns *, const char *domain, const char *ip,
	    struct publish *);
void	 publish_free(struct publish *);

/* "NAME. TTL IN TXT "..."" and a newline: value in 255-byte strings,
 * escaped for a zone file. Allocated. */
char	*publish_txt(const char *name, int ttl, const char *value);

#endif
