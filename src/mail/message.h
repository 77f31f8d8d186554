/*
 * src/mail: what a list and an issue are made of: addresses, CSV import
 * (any encoding, as UTF-8) and export, the message rendered per
 * recipient (MIME, merge fields, unsubscribe tokens) and the editor.
 * It may use src/base and src/store; never src/auth, src/smtp or
 * src/send.
 *
 * Rendering one recipient's copy of an issue (RFC 5322, MIME RFC 2045-2047):
 * CRLF line ends, Date, Message-ID under the From domain, MIME-Version,
 * text/plain; charset=UTF-8 (or ISO-2022-JP, charset.h), a transfer
 * encoding chosen by content (7bit, quoted-printable for mostly ASCII,
 * base64 for mostly non-ASCII; or as the issue's Encoding asks: base64,
 * quoted-printable, or 8bit with a 7-bit form for a server without
 * 8BITMIME), RFC 2047 encoded-words folded
 * under 78 columns for non-ASCII Subject and display names, no line over
 * 998 octets, To: the one recipient, merge fields ({{name}}, {{email}},
 * {{ATTR}}, {{name|default}}, {{date}}, {{date:ja}}), List-Unsubscribe (RFC 2369/8058): its
 * mailto: is the issue's own, else config unsubscribe_mailto, else
 * unsubscribe+TOKEN@ the From domain with VERP on, else From; the token
 * is in its subject every time.
 *
 * CR or LF in a header value from outside is refused; stray CR or LF in
 * the body become CRLF. Lines beginning with "." are left alone: the SMTP
 * writer dot-stuffs.
 */
#ifndef HERALD_MESSAGE_H
#define HERALD_MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/util.h"
#include "charset.h"
#include "issue_types.h"

struct footer;
struct store;

/* Bounds on what an issue may hold. */
#define MESSAGE_SUBJECT_MAX	1000		/* bytes, before merging */
#define MESSAGE_BODY_MAX	(10 << 20)	/* bytes of a body */
#define MESSAGE_URI_MAX		800		/* an unsubscribe URI */
/* An unsubscribe token: lower-case base32, this many characters. */
#define MESSAGE_TOKEN_LEN	20

struct recipient {
	const char	*addr;		/* normalised */
	const char	*name;		/* may be "" */
	const char	*attrs;		/* JSON object of attributes */
};

struct render_options {
	time_t		 date;		/* the Date header (0: now) */
	const char	*token;		/* this recipient's unsubscribe token */
	const char	*unsubscribe_url; /* config unsubscribe_url, or NULL */
	const char	*message_id;	/* the local part of Message-ID; NULL:
					 * random */
	char		 verp;		/* config verp_delimiter when verp is
					 * on, else '\0' */
	const char	*unsubscribe_mailto; /* config unsubscribe_mailto, or
					 * NULL */
	const struct footer *footer;	/* appended to the body, or NULL
					 * (mail/footer.h) */
	int		 sevenbit;	/* an 8bit message's 7-bit form (base64
					 * or quoted-printable): for a server
					 * without 8BITMIME */
};

/*
 * An issue's Encoding: "auto" (or "" / NULL), "base64", "quoted-printable"
 * or "8bit" (*eightbit set for that); config transfer_encoding takes the
 * same values. 0, or -1 for another.
 *
 * Why 8bit is only ever asked for, never chosen by auto: the DKIM signature
 * covers the body, so the encoding is fixed before the message is signed,
 * by a worker, before the session that will carry it has said whether it
 * offers 8BITMIME. An 8bit message is therefore signed twice: as 8bit, and
 * in its 7-bit form (render_options.sevenbit); the session sends the one
 * the server can take. auto keeps one signed form per recipient, and
 * base64 already brings Japanese from three times its size (QP) to 4/3.
 */
int	message_encoding_parse(const char *enc, int *eightbit);
/* An issue's Charset: "utf-8" (or "" / NULL) or "iso-2022-jp" (*jis set).
 * 0, or -1 for another. */
int	message_charset_parse(const char *name, int *jis);

/* The transfer encoding a recipient's copy takes, and why. */
struct message_encoding {
	const char	*cte;		/* "base64", "8bit", ... */
	const char	*fallback;	/* with 8bit: the 7-bit form's, else
					 * NULL */
	const char	*charset;	/* "UTF-8" or "ISO-2022-JP" */
	unsigned int	 pct;		/* octets outside ASCII, percent */
	char		*why;		/* "base64: 83% of the body is
					 * non-ASCII (...)", translated;
					 * free it */
};
int	message_encoding(const struct issue *, const struct recipient *,
	    struct message_encoding *, char **cause);
/*
 * The characters of the issue's Subject and body (as written, before
 * merging) that its charset cannot carry, with line and column (*v, *n;
 * free *v). Values merged in per recipient are checked as each copy is
 * rendered: such a recipient is refused with the character named.
 */
int	message_charset_check(const struct issue *, struct charset_bad **v,
	    size_t *n, char **cause);
/* Those characters as a report for a person: how many, then one line
 * each ("body line 3, column 7: '①' (U+2460)"). Allocated. */
char	*message_charset_report(const struct issue *,
	    const struct charset_bad *v, size_t n);
/* Can r's copy (Subject and body merged with r's values) be written in
 * the issue's charset? 0, or -1 with *cause naming the first character
 * that cannot (its line and column in the merged text). */
int	message_recipient_charset(const struct issue *,
	    const struct recipient *, char **cause);

/* Check an issue's headers and merge fields before it is saved: CR/LF or
 * bad addresses in headers, unknown merge fields no member can fill
 * (attrs is the list's attribute names). */
int	message_check(const struct issue *, char *const *attrs, size_t nattrs,
	    char **cause);
/* Render the message for one recipient into out (headers, blank line,
 * body; CRLF; not yet signed). */
int	message_render(const struct issue *, const struct recipient *,
	    const struct render_options *, struct buf *out, char **cause);

/*
 * An issue's audience (issue_types.h): add the names of a comma-separated
 * text (white space around each trimmed; a name given twice kept once) to
 * its To (exclude 0) or its Exclude (1).
 */
void	message_audience_add(struct issue *, const char *names, int exclude);
/* Its To (exclude 0) or Exclude names as "a, b" (allocated; "" none). */
char   *message_audience_text(const struct issue *, int exclude);
/* The List: line of the editor's file and of herald issue show: the
 * first list of the To (list_name), or NULL when the To starts with a
 * segment (then list_name is that segment's list, for merge fields). */
const char *message_audience_list(const struct issue *);
/* The To names but that list: the To: line (allocated; "" none). */
char   *message_audience_rest(const struct issue *);
/*
 * Look each name up (a list, else a segment: store_audience_lookup), set
 * list_id and list_name to the first list of the To, or with segments
 * alone to the first segment's list (merge fields and the preview read
 * its members), and refuse an empty To, an unknown or ambiguous name, and
 * one both in To and in Exclude.
 */
int	message_audience_settle(struct store *, struct issue *, char **cause);

/* message_check against the attribute names of the issue's list (an
 * issue whose list is gone, list_id 0, is refused). */
int	message_check_list(struct store *, const struct issue *, char **cause);
/* Refuse NUL bytes and invalid UTF-8 in text read from a file, naming
 * what ("body") and the line. */
int	message_check_text(const char *what, const char *s, size_t len,
	    char **cause);
/* The domain of the issue's From address (allocated), or NULL. */
char	*message_from_domain(const struct issue *, char **cause);

/*
 * The merge fields an issue uses (Subject, then body; each once) and what
 * each holds for recipient r: its value, or NULL when r has none (a default
 * then applies). For the console's "merge values used". Free with
 * message_merge_free.
 */
int	message_merge_values(const struct issue *, const struct recipient *,
	    char ***names, char ***values, size_t *n, char **cause);
void	message_merge_free(char **names, char **values, size_t n);

/*
 * The unsubscribe token of addr for an issue: HMAC-SHA256 of the issue id
 * and address under a secret kept in the meta table (made on first use),
 * in lower-case base32; recorded in unsub_tokens so `herald unsubscribe
 * TOKEN` finds the address. out has MESSAGE_TOKEN_LEN + 1 bytes.
 */
int	message_token(struct store *, int64_t issue_id, const char *addr,
	    char *out, char **cause);
/* The same for many addresses: the secret read once. */
struct message_tokens;
struct message_tokens *message_tokens_new(struct store *, char **cause);
int	message_tokens_make(struct message_tokens *, struct store *,
	    int64_t issue_id, const char *addr, char *out, char **cause);
void	message_tokens_free(struct message_tokens *);
/* 1 if s looks like a token (MESSAGE_TOKEN_LEN base32 characters in
 * either case), else 0. */
int	message_is_token(const char *s);

/*
 * Editing an issue in $VISUAL / $EDITOR (fallback vi), as mutt does: a
 * temporary file (mode 0600) holds the editable headers (From, Reply-To,
 * Subject, List, Unsubscribe, Encoding, Kind) above a blank line and the
 * body.
 * A file that does not parse (unknown header, bad address, no Subject, CR
 * in a value, unknown list, unfillable merge field) is shown again with
 * "# error: ..." at the top, until it parses or is left unchanged or
 * emptied.
 */
enum message_edit_result {
	MESSAGE_EDIT_SAVED,		/* parsed and saved */
	MESSAGE_EDIT_UNCHANGED,		/* the file was left as it was */
	MESSAGE_EDIT_ABORTED,		/* emptied, or unchanged after an
					 * error: the issue is as it was */
	MESSAGE_EDIT_COPIED,		/* the issue got a send while it
					 * was edited: saved as a new issue
					 * (its id now in the issue) */
};
/* Runs argv (the editor on the file) in the foreground and returns its
 * wait status, or -1 with *cause. The console passes ui_run_external. */
typedef int (*message_editor_fn)(char *const argv[], void *arg,
    char **cause);
/* A message_editor_fn for a plain terminal: proc_run (base/proc.h). */
int	message_editor_run(char *const argv[], void *arg, char **cause);
/* The editor loop above for issue; on SAVED the issue is updated in the
 * store (added when its id is 0: a new issue, id then set) and in *issue;
 * on COPIED it is added as a new issue (the edit is not lost).
 * -1 when the editor could not run or failed (exit status not 0), or the
 * store failed. */
int	message_edit(struct store *, struct issue *, message_editor_fn,
	    void *arg, enum message_edit_result *, char **cause);
/* The text of the edit file; error (may be NULL) goes on top as
 * "# error: ..." lines. Allocated. */
char	*message_edit_text(const struct issue *, const char *error);
/* Parse an edited file into issue (from, reply_to, subject, list_id,
 * list_name, unsubscribe, encoding, body replaced) and check it against
 * the store. 0, 1 when the file is empty (nothing but comments and white
 * space), -1 with *cause (the error to show). On -1 and 1 the issue is
 * unchanged. */
int	message_edit_parse(struct store *, const char *text, size_t len,
	    struct issue *, char **cause);

#endif
