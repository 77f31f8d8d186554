/* Allocation, buffers, paths and small parsing helpers. */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

/*
 * Print a message and exit: only for broken invariants and out of memory.
 * Their texts stay English (NT): a bug report for the developers, and at
 * out of memory nothing may allocate, as a catalogue lookup might.
 */
void
fatal(const char *fmt, ...)
{
	va_list	ap;

	fputs(NT("herald: fatal: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SOFTWARE);
}

/* malloc that never returns NULL. */
void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal(NT("out of memory (%zu bytes)"), n);
	return p;
}

/* calloc that never returns NULL. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal(NT("out of memory (%zu x %zu bytes)"), n, size);
	return p;
}

/* reallocarray that never returns NULL and checks for overflow. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal(NT("allocation overflow (%zu x %zu)"), n, size);
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		fatal(NT("out of memory (%zu x %zu bytes)"), n, size);
	return p;
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* strndup that never returns NULL. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* vasprintf that never returns NULL. */
char *
xvprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) == -1)
		fatal(NT("out of memory formatting a message"));
	return s;
}

/* asprintf that never returns NULL. */
char *
xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Hand an error message to the caller; always returns -1. */
int
set_cause(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	*cause = xvprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* An empty buffer. */
void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Release a buffer's memory. */
void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

/* Empty a buffer, keeping its memory. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	want;

	if (n > SIZE_MAX - b->len - 1)
		fatal(NT("buffer overflow"));
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap = b->cap > SIZE_MAX / 2 ? want : b->cap * 2;
	b->data = xreallocarray(b->data, b->cap, 1);
}

/* Append n bytes. */
void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Append one byte. */
void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Append a string. */
void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append formatted text. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

/* Give away the contents as a string; the buffer becomes empty. */
char *
buf_take(struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return xstrdup("");
	s = b->data;
	buf_init(b);
	return s;
}

/* The directory part of a path ("." when there is none). */
size_t
url_userinfo(const char *url, const char **start)
{
	const char	*p, *auth, *end, *at;

	*start = url;
	if ((p = strstr(url, "://")) == NULL)
		return 0;
	*start = auth = p + 3;
	if ((at = strrchr(auth, '@')) == NULL)
		return 0;
	/* A ':' before the last '@' may start a password, which may hold
	 * '/' or '@': all of it is userinfo. */
	if (memchr(auth, ':', (size_t)(at - auth)) != NULL)
		return (size_t)(at + 1 - auth);
	end = auth + strcspn(auth, "/?#");
	for (at = NULL, p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	return at == NULL ? 0 : (size_t)(at + 1 - auth);
}

char *
path_dirname(const char *path)
{
	const char	*slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Create dir and missing parents; a directory herald creates is 0700. */
int
mkdir_private(const char *dir, char **cause)
{
	char		*copy, *p;
	struct stat	 st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return set_cause(cause, _("%s is not a "
			    "directory"), dir);
		return 0;
	}
	copy = xstrdup(dir);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST) {
			set_cause(cause, _("cannot create %s: %s"), copy,
			    strerror(errno));
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return set_cause(cause, _("cannot create %s: %s"), dir,
		    strerror(errno));
	return 0;
}

/* The home directory from $HOME, or "/" when unset. */
const char *
home_dir(void)
{
	const char	*h;

	if ((h = getenv("HOME")) == NULL || *h == '\0')
		return "/";
	return h;
}

/* Compare two strings ignoring ASCII case. */
int
ascii_casecmp(const char *a, const char *b)
{
	int	ca, cb;

	for (;; a++, b++) {
		ca = tolower((unsigned char)*a);
		cb = tolower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/* Strip spaces and tabs at both ends, in place. */
char *
trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* Parse a whole decimal integer within [min, max]. */
int
parse_int(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A password from a file of mode 0600 (or stricter). */
int
secret_file_read(const char *key, const char *path, int max, char **out,
    char **cause)
{
	struct stat	 sb;
	char		*buf;
	size_t		 size = (size_t)max + 2, line;
	ssize_t		 n;
	int		 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return set_cause(cause, "%s %s: %s", key, path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return set_cause(cause, _("%s %s is not a file"), key, path);
	}
	if ((sb.st_mode & 077) != 0) {
		close(fd);
		return set_cause(cause, _("%s %s can be read by others (mode "
		    "%03o): chmod 600 %s"), key, path,
		    (unsigned int)(sb.st_mode & 0777), path);
	}
	buf = xmalloc(size);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		set_cause(cause, "%s %s: %s", key, path, strerror(errno));
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	/* A NUL in the line would cut the password short unseen. */
	line = 0;
	while (line < (size_t)n && buf[line] != '\r' && buf[line] != '\n') {
		if (buf[line] == '\0') {
			explicit_bzero(buf, size);
			free(buf);
			return set_cause(cause, _("%s %s: the password holds a "
			    "NUL byte"), key, path);
		}
		line++;
	}
	buf[line] = '\0';
	if (*buf == '\0' || strlen(buf) > (size_t)max) {
		explicit_bzero(buf, size);
		free(buf);
		return set_cause(cause, _("%s %s: no password on its first "
		    "line (or one over %d bytes)"), key, path, max);
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, size);
	free(buf);
	return 0;
}

static int
dir_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's names, sorted. */
int
dir_names(const char *dir, int (*skip)(const char *), char ***names,
    size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 cap = 0;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || (skip != NULL && skip(e->d_name)))
			continue;
		if (*n == cap) {
			cap = cap * 2 + 16;
			*names = xreallocarray(*names, cap, sizeof **names);
		}
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof **names, dir_namecmp);
	return 0;
}
