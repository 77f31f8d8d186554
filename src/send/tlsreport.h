/*
 * TLS reports as a sender (RFC 8460): each day's aggregate report per
 * policy domain, built from the sessions kept in tls_sessions, and its
 * delivery to the URIs the domain publishes at _smtp._tls (auth/tlsrpt.h):
 * mailto: as a DKIM-signed multipart/report with the report gzipped
 * (sent by mailone.h), https: by POST (libcurl, certificates verified).
 * What went where is kept (tlsrpt_reports), so a day is sent once and a
 * failed URI is tried again on the next run.
 *
 *   tlsreport.c       the report's JSON, its gzip, file name and mail
 *   tlsreport_send.c  the run over every complete day: look up, deliver,
 *                     record; the POST
 */
#ifndef HERALD_SEND_TLSREPORT_H
#define HERALD_SEND_TLSREPORT_H

#include <stdint.h>

#include "base/util.h"

struct config;
struct store;

/* The day's span in Unix seconds, [from, to): 0, -1 if day is not
 * YYYY-MM-DD. */
int	tlsreport_day_span(const char *day, int64_t *from, int64_t *to);
/* The UTC day of t, YYYY-MM-DD (out: 11 bytes). */
void	tlsreport_day(int64_t t, char *out);

/* One report, built. */
struct tlsreport {
	char		*domain;	/* the policy domain */
	char		 day[11];
	char		*submitter;	/* config domain (the From's) */
	char		*report_id;
	int64_t		 from, to;	/* the day: [from, to) */
	int64_t		 success, failure;
	size_t		 policies;
	struct buf	 json;		/* RFC 8460 4 */
};
/*
 * The report of domain's sessions on day (UTC), report_id NULL: the one
 * recorded for the day, else a new one (not recorded). 0; 1 when there
 * are no sessions; -1 with *cause (no From configured, the store).
 */
int	tlsreport_build(struct store *, const struct config *,
	    const char *domain, const char *day, const char *report_id,
	    int64_t now, struct tlsreport *, char **cause);
void	tlsreport_free(struct tlsreport *);
/* A new report id: DAY.RANDOM.DOMAIN@SUBMITTER (allocated). */
char	*tlsreport_new_id(const char *day, const char *domain,
	    const char *submitter);
/* gzip (RFC 1952) of len bytes, appended to out. */
int	tlsreport_gzip(const char *, size_t, struct buf *out, char **cause);
/* RFC 8460 5.1: submitter!policy-domain!begin!end!unique-id.json.gz
 * (allocated). */
char	*tlsreport_filename(const struct tlsreport *);
/*
 * The mail of the report to rcpt (RFC 8460 5.3): multipart/report;
 * report-type="tlsrpt", the gzip attached as application/tlsrpt+gzip,
 * signed with the From domain's active DKIM keys (none: -1, the RFC asks
 * for a signature). Appended to out, CRLF line ends.
 */
int	tlsreport_mail(struct store *, const struct config *,
	    const struct tlsreport *, const struct buf *gz, const char *rcpt,
	    int64_t now, struct buf *out, char **cause);

/* What a run did, one line of it, for the front end to show. */
enum tlsreport_what {
	TLSREPORT_SENT,		/* uri took the report */
	TLSREPORT_FAILED,	/* it did not: tried again next time */
	TLSREPORT_WRITTEN,	/* dry run: detail names the file */
	TLSREPORT_NORECORD,	/* the domain asks for none: detail why */
	TLSREPORT_NODNS,	/* its record could not be looked up */
};
struct tlsreport_event {
	enum tlsreport_what	 what;
	const char		*domain, *day;
	const char		*uri;		/* NULL for NORECORD, NODNS */
	const char		*detail;	/* English: stored or logged */
};
typedef void (*tlsreport_event_fn)(const struct tlsreport_event *,
	    void *arg);
struct tlsreport_totals {
	int64_t	 reports;	/* days built */
	int64_t	 sent, failed, written, skipped;
};
/*
 * Build and deliver every complete UTC day (before now's) not yet
 * reported, for each domain whose _smtp._tls record asks; password is
 * the relay's (NULL: none). dry_dir: write each report's .json.gz and
 * each mail (.eml) there instead, recording nothing. 0 when every URI
 * took its report (or nothing was due); 1 when one failed; -1 with *cause
 * when the run could not start (no From, no resolver, the store).
 */
int	tlsreport_run(struct store *, const struct config *,
	    const char *password, const char *dry_dir, int64_t now,
	    tlsreport_event_fn, void *arg, struct tlsreport_totals *,
	    char **cause);

#endif
