/*
 * DNS lookups through ldns: the system resolvers (/etc/resolv.conf) or one
 * given as IP[:PORT]; a timeout and retries per query; TCP when a UDP
 * answer is truncated. Answers are typed and their outcome is one of
 * enum dns_status, because SPF and the health report must tell "no such
 * record" (none) from "could not find out" (temperror).
 *
 * Lookups block: the console runs them in a worker (a child process whose
 * output its loop reads), never on its own loop.
 */
#ifndef HERALD_DNS_H
#define HERALD_DNS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

enum dns_status {
	DNS_OK,		/* NOERROR with at least one record of the type */
	DNS_NODATA,	/* NOERROR, the name exists, no record of the type */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_SERVFAIL,	/* SERVFAIL, REFUSED, or a malformed answer */
	DNS_TIMEOUT,	/* no answer from any server in time */
	DNS_ERROR,	/* the query could not be made (bad name, no socket) */
};

enum dns_type {
	DNS_A = 1,
	DNS_MX = 15,
	DNS_TXT = 16,
	DNS_PTR = 12,
	DNS_CNAME = 5,
	DNS_AAAA = 28,
	DNS_DS = 43,
	DNS_TLSA = 52,
	DNS_SPF = 99,	/* obsolete (RFC 7208 3.1): to say it is ignored */
};

struct dns_options {
	const char	*resolver;	/* "IP[:PORT]", or NULL: the system's */
	int		 timeout_ms;	/* per try; 0: 3000 */
	int		 retries;	/* tries per server; 0: 2 */
	const char	*dnssec_anchor;	/* DNSKEY or DS records (zone file):
					 * set, the resolver can validate
					 * (dnssec.h); NULL: it cannot */
};

struct dns_record {
	enum dns_type	 type;
	uint32_t	 ttl;
	union {
		struct in_addr	 a;
		struct in6_addr	 aaaa;
		struct {
			unsigned int	 pref;
			char		*host;	/* no trailing dot */
		} mx;
		char		*txt;	/* character-strings joined, RFC 7208 3.3;
					 * may hold NUL bytes: see len */
		char		*name;	/* PTR or CNAME target, no trailing dot */
	} u;
	size_t		 len;		/* TXT: bytes in u.txt; TLSA and DS:
					 * u.txt holds the raw rdata (TLSA:
					 * usage, selector, matching type,
					 * data), len bytes */
};

struct dns_answer {
	enum dns_status		 status;
	struct dns_record	*rr;	/* records of the asked type only */
	size_t			 n;
	char			*why;	/* a message for SERVFAIL/TIMEOUT/ERROR */
};

struct dns;

/* A resolver. NULL with *cause on failure (bad address, no resolv.conf,
 * an anchor file that cannot be read or holds no DNSKEY or DS). */
struct dns	*dns_open(const struct dns_options *, char **cause);
void		 dns_close(struct dns *);
/* "127.0.0.1:5353", or "system (192.0.2.53)" for messages. */
const char	*dns_describe(const struct dns *);

/*
 * Look up name (absolute; one trailing dot allowed) and type; returns
 * out->status. Names here are text: labels separated by dots, RFC 1035
 * escapes ("\.", "\DDD") for other bytes. Names in answers (MX hosts, PTR
 * and CNAME targets) come back the same way with every byte outside
 * printable ASCII escaped, and "" for the root (a null MX). The answer
 * holds the records of the asked type owned by name or by a name of the
 * CNAME chain the server included. MX answers are sorted by preference.
 * A name that cannot be a DNS name gives DNS_ERROR without a query.
 */
enum dns_status	 dns_query(struct dns *, const char *name, enum dns_type,
		    struct dns_answer *out);
void		 dns_answer_free(struct dns_answer *);
/* 1 if name can be queried (labels of 1-63 bytes, 255 bytes in all). */
int		 dns_name_valid(const char *name);
const char	*dns_status_name(enum dns_status);
/* The reverse-lookup name of an IPv4 or IPv6 address ("4.3.2.1.in-addr.arpa"),
 * allocated; NULL if ip is not an address. */
char		*dns_reverse_name(const char *ip);

struct buf;
/* Append one byte of a zone-file character-string (RFC 1035 5.1): '"'
 * and '\\' escaped, bytes outside printable ASCII as \\DDD. */
void		 dns_zone_byte(struct buf *, unsigned char);

#endif
