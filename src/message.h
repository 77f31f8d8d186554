/*
 * Rendering one recipient's copy of an issue (RFC 5322, MIME RFC 2045-2047):
 * CRLF line ends, Date, Message-ID under the From domain, MIME-Version,
 * text/plain; charset=UTF-8, a transfer encoding chosen by content (7bit,
 * quoted-printable, or 8bit on request), RFC 2047 encoded-words folded
 * under 78 columns for non-ASCII Subject and display names, no line over
 * 998 octets, To: the one recipient, merge fields ({{name}}, {{email}},
 * {{ATTR}}, {{name|default}}), List-Unsubscribe (RFC 2369/8058).
 *
 * CR or LF in a header value from outside is refused; stray CR or LF in
 * the body become CRLF. Lines beginning with "." are left alone: the SMTP
 * writer dot-stuffs.
 */
#ifndef HERALD_MESSAGE_H
#define HERALD_MESSAGE_H

#include <stdint.h>
#include <time.h>

#include "util.h"

struct issue {
	int64_t		 id;
	int64_t		 list_id;	/* 0 when the list was removed */
	char		*list_name;	/* NULL when the list was removed */
	char		*from;		/* "Name <addr>" */
	char		*reply_to;	/* "" when none */
	char		*subject;
	char		*body;		/* LF or CRLF line ends, merge fields */
	char		*unsubscribe;	/* extra List-Unsubscribe URI, or "" */
	char		*encoding;	/* "auto" or "8bit" */
	int64_t		 created_at;
	int64_t		 updated_at;
};
void	issue_free(struct issue *);

struct recipient {
	const char	*addr;		/* normalised */
	const char	*name;		/* may be "" */
	const char	*attrs;		/* JSON object of attributes */
};

struct render_options {
	time_t		 date;		/* the Date header */
	const char	*token;		/* this recipient's unsubscribe token */
	const char	*unsubscribe_url; /* config unsubscribe_url, or NULL */
	const char	*message_id;	/* the local part of Message-ID; NULL:
					 * random */
};

/* Check an issue's headers and merge fields before it is saved: CR/LF or
 * bad addresses in headers, unknown merge fields no member can fill
 * (attrs is the list's attribute names). */
int	message_check(const struct issue *, char *const *attrs, size_t nattrs,
	    char **cause);
/* Render the message for one recipient into out (headers, blank line,
 * body; CRLF; not yet signed). */
int	message_render(const struct issue *, const struct recipient *,
	    const struct render_options *, struct buf *out, char **cause);

#endif
