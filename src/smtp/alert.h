/*
 * The words of an alert against the sender: which provider refused (from
 * the recipient's domain, the MX or reporting MTA, the diagnostic's
 * words) and the likely cause of a sender-level reason of reply_class.h,
 * with what to do about it: "Gmail: unauthenticated, SPF or DKIM not
 * passing: run herald check". Shared by the send engine (a refusal
 * during the session) and the feedback reader (a bounce reported later),
 * so both raise the same alert. Pure: no I/O, no state.
 */
#ifndef HERALD_SMTP_ALERT_H
#define HERALD_SMTP_ALERT_H

#include <stddef.h>

/*
 * The provider behind a refusal: "Gmail", "Yahoo", "Microsoft" (Outlook,
 * Hotmail, Office 365), "iCloud", "docomo", "au", "SoftBank", else the
 * recipient's domain (copied into buf), else "unknown provider". Any of
 * the hints may be NULL or "".
 */
const char	*alert_provider(const char *domain, const char *mx,
		    const char *diagnostic, char *buf, size_t len);
/* The likely cause of a sender-level reason ("authentication",
 * "reputation", ...) and what to do. */
const char	*alert_cause(const char *reason);
/* "PROVIDER: CAUSE" into buf, in English: the text an alert is stored
 * with. */
void		 alert_text(const char *provider, const char *reason,
		    char *buf, size_t len);
/* The same in the reader's language, for display from the stored
 * provider and reason (the stored text stays English). */
void		 alert_display(const char *provider, const char *reason,
		    char *buf, size_t len);

#endif
