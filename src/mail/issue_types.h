/*
 * An issue as the store keeps it (the issues row, or its send's copy of
 * the text): the row type message.c renders and the store reads and
 * writes. Types only, so the store may include this without the renderer
 * (message.h). issue_free is here, as a static inline function, because
 * whoever fills an issue (the store, the editor, the CLI) frees it the
 * same way.
 */
#ifndef HERALD_ISSUE_TYPES_H
#define HERALD_ISSUE_TYPES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One name of an issue's audience: a list or a segment it goes to, or
 * whose members it leaves out. */
struct issue_aud {
	char		*name;
	int		 exclude;	/* 0: To, 1: Exclude */
	int		 segment;	/* 0: a list, 1: a segment */
};

struct issue {
	int64_t		 id;
	int64_t		 list_id;	/* 0 when the list was removed */
	char		*list_name;	/* NULL when the list was removed */
	char		*from;		/* "Name <addr>" */
	char		*reply_to;	/* "" when none */
	char		*subject;
	char		*body;		/* LF or CRLF line ends, merge fields */
	char		*unsubscribe;	/* extra List-Unsubscribe URI, or "" */
	char		*encoding;	/* transfer encoding: "auto", "base64",
					 * "quoted-printable" or "8bit" */
	char		*kind;		/* "ad" (advertising: the law's gate
					 * and footer) or "notice"; NULL:
					 * notice */
	char		*charset;	/* "utf-8" or "iso-2022-jp" */
	int64_t		 created_at;
	int64_t		 updated_at;
	/* The audience in the order given (To and Exclude mixed); none:
	 * the list alone. The first list of the To is list_id. */
	struct issue_aud *aud;
	size_t		 naud;
};

/* Free what an issue holds (not the struct itself). */
static inline void
issue_free(struct issue *i)
{
	if (i == NULL)
		return;
	free(i->list_name);
	free(i->from);
	free(i->reply_to);
	free(i->subject);
	free(i->body);
	free(i->unsubscribe);
	free(i->encoding);
	free(i->kind);
	free(i->charset);
	while (i->naud > 0)
		free(i->aud[--i->naud].name);
	free(i->aud);
	memset(i, 0, sizeof *i);
}

#endif
