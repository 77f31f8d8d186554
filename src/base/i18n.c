#include <limits.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static char	 i18n_path[PATH_MAX] = LOCALEDIR;

/* build/locale beside the running binary, when herald runs from its tree. */
static int
i18n_tree_dir(char *out, size_t len)
{
	char		 exe[PATH_MAX], *slash;
	struct stat	 sb;
	ssize_t		 n;
	int		 w;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	w = snprintf(out, len, "%s/build/locale", exe);
	if (w < 0 || (size_t)w >= len)
		return -1;
	return stat(out, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

/* The locale the environment asks messages to be in, as setlocale reads it. */
static const char *
i18n_wanted(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	return NULL;
}

void
i18n_init(void)
{
	const char	*env, *want, *lg;
	char		 lang[64];
	size_t		 n;

	if (setlocale(LC_MESSAGES, "") == NULL &&
	    (want = i18n_wanted()) != NULL && strcmp(want, "C") != 0 &&
	    strcmp(want, "POSIX") != 0) {
		/*
		 * LANG=ja_JP.UTF-8 on a machine without that locale built:
		 * gettext would stay English under "C". It honours LANGUAGE
		 * under any other locale, so keep the operator's language
		 * with C.UTF-8 (catalogues are read as UTF-8, see below).
		 */
		n = strcspn(want, ".@");
		if (n > 0 && n < sizeof lang &&
		    setlocale(LC_MESSAGES, "C.UTF-8") != NULL) {
			memcpy(lang, want, n);
			lang[n] = '\0';
			/* An empty LANGUAGE is no choice: gettext skips it. */
			if ((lg = getenv("LANGUAGE")) == NULL || *lg == '\0')
				setenv("LANGUAGE", lang, 1);
		}
	}
	if ((env = getenv("HERALD_LOCALEDIR")) != NULL && *env != '\0' &&
	    strlen(env) < sizeof i18n_path)
		strcpy(i18n_path, env);
	else if (i18n_tree_dir(i18n_path, sizeof i18n_path) == -1)
		strcpy(i18n_path, LOCALEDIR);
	bindtextdomain("herald", i18n_path);
	/* herald prints UTF-8 whatever LC_CTYPE says (utf8_locale). */
	bind_textdomain_codeset("herald", "UTF-8");
	textdomain("herald");
}

void
i18n_english(void)
{
	/* gettext returns the msgid under "C" and ignores LANGUAGE there. */
	setlocale(LC_MESSAGES, "C");
	unsetenv("LANGUAGE");
}

const char *
i18n_dir(void)
{
	return i18n_path;
}
