/*
 * The footer an advertising mail must carry under Japan's law on
 * specified electronic mail (特定電子メール法): who sends it, where they
 * are, where to complain, and how to refuse further mail. A template
 * (built in: share/footer/ja.txt and en.txt, compiled into the binary; or
 * the operator's own file) with placeholders filled per recipient:
 *
 *   {{sender_name}} {{sender_address}} {{contact}}   config, the same for all
 *   {{unsubscribe_url}}      the recipient's own one-click link
 *   {{unsubscribe_mailto}}   the recipient's own mailto: request
 *   {{date}}                 the message's date, in the template's language
 *
 * A line whose placeholders all come out empty is left out (no https
 * unsubscribe_url configured: the "Unsubscribe:" line goes, the mailto
 * one stays). Any other {{...}} in a template is an error when it loads.
 */
#ifndef HERALD_FOOTER_H
#define HERALD_FOOTER_H

#include <time.h>

struct buf;

/* A template compiled in (footers.c, made by share/footer/embed.sh). */
struct footer_builtin {
	const char	*name;		/* "ja", "en" */
	const char	*text;
};
extern const struct footer_builtin footer_builtins[];

struct footer {
	char	*text;			/* the template */
	char	*sender_name;
	char	*sender_address;
	char	*contact;
	int	 ja;			/* the date in Japanese */
};

/* The built-in template name, or NULL when there is none by that name. */
const char *footer_builtin(const char *name);
/*
 * Load a template: name is "ja" or "en" (built in) or the path of a file
 * (UTF-8; its language for the date is Japanese when it has any character
 * outside ASCII). The sender fields are copied (NULL: ""). -1 with *cause
 * when the file cannot be read or has an unknown placeholder.
 */
int	 footer_load(struct footer *, const char *name, const char *sender_name,
	    const char *sender_address, const char *contact, char **cause);
void	 footer_free(struct footer *);
/* Check a template's text: UTF-8, known placeholders only. */
int	 footer_check(const char *text, char **cause);
/*
 * Append the footer for one recipient to out (LF line ends; the caller
 * makes them CRLF with the body). url and mailto: their unsubscribe
 * URIs ("" or NULL: none).
 */
void	 footer_render(const struct footer *, time_t date, const char *url,
	    const char *mailto, struct buf *out);
/* The date as the footer writes it: "2026年12月8日" or "8 December 2026"
 * (local time). */
void	 footer_date(time_t, int ja, char *out, size_t size);

#endif
