/*
 * The Keys screen's parts: the screen (screen.c: the table of DKIM
 * keys, a for active, the detail of the selected key), the published
 * checks (check.c: one `herald dkim check --json` child per key, a
 * few at once), the form that generates a key (form.c, with the
 * `herald dkim keygen` child), and the record view (record.c: the
 * TXT records to publish as plain lines, w to a file).
 */
#ifndef HERALD_UI_KEYS_H
#define HERALD_UI_KEYS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include "auth/dkim.h"
#include "ui/kit/child.h"
#include "ui/kit/widget.h"

/* ---- the published check of one key (check.c) ---- */

enum kcheck_state {
	KC_NONE,	/* never checked */
	KC_QUEUED,	/* waiting for a free child */
	KC_RUNNING,
	KC_DONE,	/* verdict set */
	KC_FAILED,	/* the check itself failed: error set */
};

struct kcheck {
	char			*domain;
	char			*selector;
	enum kcheck_state	 state;
	int			 stale;		/* re-checking: the last result
						 * stays, dimmed */
	int			 quiet;		/* a periodic re-check: the
						 * table keeps the last word */
	int			 activated;	/* the check activated the key
						 * (it awaited publication) */
	struct subcmd		 job;
	char			*verdict;	/* "match", "absent", ... */
	char			*observed;
	char			*fix;
	char			*error;
	time_t			 when;		/* of the last result */
};

struct kchecks {
	struct kcheck	**v;		/* each allocated: the loop holds the
					 * address of a running child */
	size_t		 n;
	void		*owner;		/* whose tick runs when a check ends */
};

void	 kchecks_free(struct kchecks *);
/* The check of domain/selector, made (never checked) if new. */
struct kcheck *kchecks_get(struct kchecks *, const char *domain,
	    const char *selector);
/* Queue a check (a running one is restarted). */
void	 kcheck_queue(struct kcheck *);
/* Queue a periodic re-check: shown as the last result until it is done;
 * one already queued or running is left alone. */
void	 kcheck_requeue(struct kcheck *);
/* Settle the checks that ended; start queued ones while fewer than max
 * run. Returns how many are queued or running. */
size_t	 kchecks_run(struct ui *, struct kchecks *, size_t max);
/* Status word and role for the table; spinner frame for running ones. */
const char *kcheck_word(const struct kcheck *, unsigned int frame,
	    enum ui_role *);
/* One line about the result ("DNS failure: ..."), allocated, or NULL. */
char	*kcheck_line(const struct kcheck *);

/* ---- the screen's state (screen.c) ---- */

struct keys {
	struct dkim_key	*v;
	size_t		 n;
	char		*error;		/* the keys could not be read */
	struct table	 table;
	struct kchecks	 checks;
	int		 visible;
	int		 checked;	/* the first checks were started */
	int64_t		 next_check;	/* ui_now() of the next re-check */
	unsigned int	 frame;
	/* a key being generated */
	struct subcmd	 gen;
	char		*gen_domain, *gen_selector, *gen_algo;
	char		*select_domain, *select_selector;
	char		 cell[64];
};

/* Read the keys again, keeping (or moving) the selection. */
void	keys_load(struct ui *, struct keys *);
/* The sending domain: config domain, else From's; allocated, or NULL. */
char	*keys_sending_domain(struct ui *);

/* ---- generating (form.c) ---- */

/* g: the form; on Enter, `herald dkim keygen` in a child. */
void	keys_form_open(struct ui *, struct keys *);
/* Settle keygen once it ended; 1 while it runs. */
int	keys_gen_settle(struct ui *, struct keys *);

/* ---- the record view (record.c) ---- */

struct keyrec_arg {
	struct keys	*keys;
	char		*domain;
	char		*selector;
};
extern const struct screen_ops screen_keys_ops;	/* the tab */
extern const struct screen_ops screen_keyrec_ops;	/* arg: keyrec_arg */

/* ---- zone-file text (zone.c) ---- */

/* An SPF or DMARC record offered beside a key. */
struct keys_extra {
	char	*name;
	char	*value;		/* NULL: nothing to publish */
	char	*note;
	int	 placeholder;	/* value holds YOUR.SENDING.IP */
};

/* The zone-file lines of a TXT record at name (no trailing dot) for
 * strings, fitted to cols columns: one line when it fits, else the name
 * with "(" and one string a line, split to fit (the strings join into
 * the same value). Allocated lines, *n set. */
char	**keys_zone_lines(const char *name, char *const *strings, size_t ns,
	    int cols, size_t *n);
void	 keys_lines_free(char **, size_t);
/* value as character-strings of at most 255 bytes. */
char	**keys_zone_split(const char *value, size_t *n);
/* The file: k's record on one line, its value alone as a comment, and
 * the SPF and DMARC records (both NULL: not known yet). */
void	 keys_zone_write(FILE *, const struct dkim_key *k,
	    const struct keys_extra *spf, const struct keys_extra *dmarc);

#endif
