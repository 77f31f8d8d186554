/*
 * Tab completion of file names in a text field, as a shell does it: one
 * match completes (a directory gets its '/'), several complete their common
 * prefix and are listed in the status line.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "widget.h"

#define COMPLETE_SHOW	6	/* names listed in the status line */

/* Expand a leading "~" to the home directory. */
char *
path_expand(const char *path)
{
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
		return xprintf("%s%s", home_dir(), path + 1);
	return xstrdup(path);
}

/* qsort on strings. */
static int
complete_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir starting with base, sorted; hidden ones only if asked. */
static char **
complete_scan(const char *dir, const char *base, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL;
	size_t		 cap = 0, blen = strlen(base);

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(e->d_name, base, blen) != 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof *names, complete_cmp);
	return names;
}

/* Length of the prefix every name shares. */
static size_t
complete_common(char **names, size_t n)
{
	size_t	i, len = strlen(names[0]);

	for (i = 1; i < n; i++) {
		size_t j = 0;

		while (j < len && names[i][j] == names[0][j])
			j++;
		len = j;
	}
	/* Never stop inside a UTF-8 character. */
	while (len > 0 && ((unsigned char)names[0][len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Tab in a path field: complete as a shell would. */
void
complete_path(struct ui *ui, struct field *f)
{
	char		*typed, *slash, *dirpart, *dir, *base, *full, *text;
	char		**names;
	struct stat	 sb;
	size_t		 n, i, len;
	struct buf	 msg;

	typed = xstrndup(f->text, f->cur);
	if ((slash = strrchr(typed, '/')) != NULL) {
		dirpart = xstrndup(typed, (size_t)(slash - typed) + 1);
		base = slash + 1;
	} else {
		dirpart = xstrdup("");
		base = typed;
	}
	dir = dirpart[0] == '\0' ? xstrdup(".") : path_expand(dirpart);
	names = complete_scan(dir, base, &n);
	if (n == 0)
		ui_info(ui, _("No file name starts with \"%s\""), typed);
	else if (n == 1) {
		full = xprintf("%s/%s", dir, names[0]);
		text = xprintf("%s%s%s%s", dirpart, names[0],
		    stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) ? "/" : "",
		    f->text + f->cur);
		len = strlen(text) - strlen(f->text + f->cur);
		field_set(f, text);
		f->cur = len;
		free(text);
		free(full);
	} else {
		len = complete_common(names, n);
		text = xprintf("%s%.*s%s", dirpart, (int)len, names[0],
		    f->text + f->cur);
		len = strlen(dirpart) + len;
		field_set(f, text);
		f->cur = len;
		free(text);
		buf_init(&msg);
		buf_printf(&msg, ngettext("%zu match:", "%zu matches:", n), n);
		for (i = 0; i < n && i < COMPLETE_SHOW; i++)
			buf_printf(&msg, "  %s", names[i]);
		if (n > COMPLETE_SHOW)
			buf_adds(&msg, "  …");
		ui_info(ui, "%s", msg.data);
		buf_free(&msg);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	free(dirpart);
	free(typed);
}
