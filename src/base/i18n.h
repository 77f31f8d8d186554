/*
 * Messages a person reads go through gettext (domain "herald"): _() at
 * the point of use, N_() in static tables whose entries are translated
 * where they are shown. JSON, state names, config keys, protocol text
 * and DNS records are never marked: scripts and servers read them.
 */
#ifndef HERALD_I18N_H
#define HERALD_I18N_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)
/* Prose that stays English because programs read it (JSON, the store,
 * protocol text): says so to the reader and to tests/i18n/unmarked.py. */
#define NT(s)	(s)

/*
 * Choose the catalogue language from LC_ALL / LC_MESSAGES / LANG (and
 * LANGUAGE) and find the catalogues: $HERALD_LOCALEDIR, else build/locale
 * beside the binary (a checkout), else the installed LOCALEDIR. Call once,
 * early, after the LC_CTYPE choice (utf8_locale).
 */
void	 i18n_init(void);
/* Messages in English from now on: a --json run prints and stores prose
 * only in English, whatever the operator's language. */
void	 i18n_english(void);
/* The catalogue directory in use (for `herald --version` and tests). */
const char *i18n_dir(void);

#endif
