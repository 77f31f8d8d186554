/*
 * src/base: what any C program could use, with no herald knowledge (this
 * header, UTF-8, JSON, the event loop, ...). It includes nothing of
 * herald; every other folder may include it.
 *
 * Small helpers every module uses: allocation that cannot fail (out of
 * memory is fatal), a growable byte buffer, and private directories.
 *
 * Error convention (as in tmux): a function that can fail returns -1 (or
 * NULL) and, when cause is not NULL, stores an allocated message in *cause
 * that the caller shows and frees.
 */
#ifndef HERALD_UTIL_H
#define HERALD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define HERALD_VERSION "0.1.0"

/* sysexits.h values, named here so the core need not include it. */
#define EXIT_USAGE	64	/* EX_USAGE */
#define EXIT_DATAERR	65	/* EX_DATAERR */
#define EXIT_NOINPUT	66	/* EX_NOINPUT */
#define EXIT_UNAVAIL	69	/* EX_UNAVAILABLE */
#define EXIT_SOFTWARE	70	/* EX_SOFTWARE */
#define EXIT_CANTCREAT	73	/* EX_CANTCREAT */
#define EXIT_IOERR	74	/* EX_IOERR */
#define EXIT_TEMPFAIL	75	/* EX_TEMPFAIL */
#define EXIT_CONFIG	78	/* EX_CONFIG */

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))
#define nitems(a) (sizeof (a) / sizeof (a)[0])

void	 fatal(const char *, ...) PRINTFLIKE(1, 2) NORETURN;
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Allocated printf; never returns NULL. */
char	*xprintf(const char *, ...) PRINTFLIKE(1, 2);
char	*xvprintf(const char *, va_list) PRINTFLIKE(1, 0);
/* Set *cause (if cause is not NULL) to an allocated message; returns -1. */
int	 set_cause(char **cause, const char *, ...) PRINTFLIKE(2, 3);

/* A growable byte buffer, always NUL-terminated after its len bytes. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, char);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...) PRINTFLIKE(2, 3);
/* Take the contents as an allocated string; the buffer is left empty. */
char	*buf_take(struct buf *);

/* Create dir and its parents, the last one mode 0700 (existing ones kept). */
int	 mkdir_private(const char *dir, char **cause);
/* The names in dir that neither start with '.' nor are ones skip (when
 * not NULL) says to leave, in strcmp order (a Maildir's delivery order):
 * *names (free each, then it) and *n. -1 when dir cannot be opened. */
int	 dir_names(const char *dir, int (*skip)(const char *), char ***names,
	    size_t *n);
/* The first line of path, a regular file nobody else can read (opened
 * never through a symlink), as a secret of 1 to max bytes: 0 with *out
 * allocated (wipe it after use), or -1 with *cause naming key, the setting
 * the path came from. */
int	 secret_file_read(const char *key, const char *path, int max,
	    char **out, char **cause);
/* In a URL "scheme://...", the userinfo "USER[:PASSWORD]@": its start
 * (after "://") in *start and its length with the '@' (0 for none). With
 * a ':' before the last '@' it runs to that last '@', so a password
 * holding '/' or '@' is never left out (a port with an '@' in the path
 * then counts too); else to the last '@' before the first '/', '?' or
 * '#'. */
size_t	 url_userinfo(const char *url, const char **start);
/* The directory part of path, allocated. */
char	*path_dirname(const char *path);
/* "~/x" and relative names are left alone; returns $HOME or "/" . */
const char *home_dir(void);

/* Case-insensitive ASCII compare, for keywords. */
int	 ascii_casecmp(const char *, const char *);
/* Trim ASCII space and tab at both ends in place; returns s. */
char	*trim(char *s);
/* Parse a decimal integer in [min, max]; -1 on anything else. */
int	 parse_int(const char *s, long long min, long long max, long long *out);

#endif
