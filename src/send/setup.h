/*
 * Getting a send ready (setup.c): its settings from the configuration and
 * from options, each checked; what it must know before it starts; the
 * relay password from a mode 0600 file; the snapshot of the list into
 * recipients; and the dry run. Uses the store, config, mail and auth.
 */
#ifndef HERALD_SEND_SETUP_H
#define HERALD_SEND_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct store;
struct config;
struct dns;
struct dns_options;
struct issue;

/* Set one setting by option name ("per-domain", "tls", "auth") or
 * configuration key ("per_domain", "tls_policy", "relay_user") from
 * text, checked. */
int		 send_setting(struct send_settings *, const char *name,
		    const char *value, char **cause);
/* The resolver the settings name (resolver, dns_timeout, dns_retries),
 * for dns_open; no DNSSEC anchor. */
void		 send_settings_dns(const struct send_settings *,
		    struct dns_options *);
/* Every setting the configuration has (over the defaults). */
int		 send_settings_config(const struct config *,
		    struct send_settings *, char **cause);
/* Check the settings together (AUTH only with a relay). */
int		 send_settings_check(const struct send_settings *,
		    char **cause);
/* config verp, verp_delimiter and unsubscribe_mailto into set (a send
 * takes them from the configuration each time an engine starts). */
void		 send_settings_verp(const struct config *,
		    struct send_settings *);
/* With VERP on, would envelope_from with a token stay within 64 octets
 * of local part? -1 with *cause naming the keys when not. */
int		 send_settings_verp_check(const struct send_settings *,
		    char **cause);
/* The envelope-from before VERP: config bounce, else the issue's From
 * (out: ADDR_MAX + 1 bytes). This is what status and report show. */
int		 send_envelope_base(const struct config *, const struct issue *,
		    char *out, char **cause);
/* One recipient's MAIL FROM: envelope_from, with DELIM TOKEN in its local
 * part when VERP is on (mail/verp.h). */
int		 send_envelope_rcpt(const struct send_settings *,
		    const char *token, char *out, size_t size, char **cause);
/* Fill in the envelope-from (config bounce, else the issue's From) and,
 * when unset, the HELO name (the PTR of source_ip looked up with dns,
 * which may be NULL, else this host's name). */
int		 send_settings_complete(const struct config *,
		    const struct issue *, struct send_settings *, struct dns *,
		    char **cause);
#define SEND_PASSWORD_MAX	511	/* bytes of a relay password (the
					 * SMTP client's SMTP_SECRET_MAX, 512,
					 * with its NUL) */

/* The relay password from the first line of a file that must be mode
 * 0600 (nobody else may read it); allocated, wipe it after use. */
int		 send_password_file(const char *path, char **out,
		    char **cause);
/*
 * Start a send of an issue: record it with its settings and snapshot
 * every member of its list that is not suppressed as a queued recipient
 * (with its unsubscribe token), in one transaction. 0; 1 when the issue
 * has a send already; 2 when no member is left to send to; -1.
 */
int		 send_queue(struct store *, const struct issue *,
		    const struct send_settings *, int64_t *queued,
		    int64_t *skipped, char **cause);
/*
 * Instead of sending, write each recipient's exact signed message (with
 * the settings' unsubscribe_url, verp and unsubscribe_mailto) to
 * DIR/NNNN-ADDRESS.eml (mode 0600; DIR made 0700 if need be); nothing is
 * recorded as sent. *nsigs: DKIM signatures per message (0: the From
 * domain has no active key). stop (may be NULL) is polled between
 * messages.
 */
int		 send_dry_run(struct store *, const struct issue *,
		    const struct send_settings *, const char *dir,
		    volatile int *stop, int64_t *written, int64_t *skipped,
		    size_t *nsigs, char **cause);

#endif
