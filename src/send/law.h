/*
 * What Japan's law on advertising mail (特定電子メール法) asks of a send
 * that herald can check (law.c): the footer with the sender's display and
 * the way to refuse further mail on every message of an advertisement
 * (kind = ad), and a consent record for every recipient. A notice has no
 * gate. This is guidance built into the tool, not legal advice.
 */
#ifndef HERALD_SEND_LAW_H
#define HERALD_SEND_LAW_H

#include <stdint.h>

struct config;
struct footer;
struct issue;
struct send_settings;
struct store;

/* 1 if the issue is an advertisement. */
int	 send_is_ad(const struct issue *);
/*
 * The footer config gives for the issue, in set->footer (NULL: none):
 * footer = off: none; ja, en or a path: that one; auto (the default):
 * for an advertisement ja when its text has Japanese in it, else en, and
 * none for a notice. The sender display comes from sender_name,
 * sender_address and contact.
 */
int	 send_settings_footer(const struct config *, const struct issue *,
	    struct send_settings *, char **cause);
/* The same for the issue a send sends (its copy of the text). */
int	 send_settings_footer_id(const struct config *, struct store *,
	    int64_t id, struct send_settings *, char **cause);

/* What the gate found. */
struct send_law {
	int		 ad;		/* the issue is an advertisement */
	int		 no_name, no_address, no_contact; /* display keys unset */
	int		 footer_off;	/* no footer would be added */
	int64_t		 no_consent;	/* recipients without a consent record */
};
/* Check an issue against the law (nothing to find for a notice). */
int	 send_law_check(struct store *, const struct config *,
	    const struct issue *, struct send_law *, char **cause);
/* 1 if the gate stops the send. */
int	 send_law_blocks(const struct send_law *);
/* What is missing, one sentence per line, allocated (NULL: nothing);
 * list names the issue's list; english: untranslated, for the send's
 * record. */
char	*send_law_text(const struct send_law *, const char *list,
	    int english);

#endif
