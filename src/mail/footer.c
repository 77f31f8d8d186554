/*
 * The law's footer: a template read once per send, filled per recipient.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "footer.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

#define FOOTER_MAX	(64 << 10)	/* bytes of a template file */

static const char *const footer_names[] = {
	"sender_name", "sender_address", "contact", "unsubscribe_url",
	"unsubscribe_mailto", "date"
};

/* The index of the placeholder s[0..len) in footer_names, or -1. */
static int
footer_name(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(footer_names); i++)
		if (strlen(footer_names[i]) == len &&
		    memcmp(footer_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

const char *
footer_builtin(const char *name)
{
	const struct footer_builtin	*b;

	for (b = footer_builtins; b->name != NULL; b++)
		if (strcmp(b->name, name) == 0)
			return b->text;
	return NULL;
}

int
footer_check(const char *text, char **cause)
{
	const char	*p, *end;
	size_t		 bad, line = 1;

	if (!utf8_valid(text, strlen(text), &bad))
		return set_cause(cause, _("footer template: invalid UTF-8 "
		    "(byte 0x%02x)"), (unsigned char)text[bad]);
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			line++;
		if (p[0] != '{' || p[1] != '{')
			continue;
		if ((end = strstr(p + 2, "}}")) == NULL ||
		    memchr(p, '\n', (size_t)(end - p)) != NULL ||
		    footer_name(p + 2, (size_t)(end - p - 2)) == -1)
			return set_cause(cause, _("footer template line %zu: "
			    "unknown placeholder (known: {{sender_name}}, "
			    "{{sender_address}}, {{contact}}, "
			    "{{unsubscribe_url}}, {{unsubscribe_mailto}}, "
			    "{{date}})"), line);
		p = end + 1;
	}
	return 0;
}

/* Read a template file of at most FOOTER_MAX bytes. */
static char *
footer_read(const char *path, char **cause)
{
	struct buf	 b;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		set_cause(cause, _("footer %s: %s"), path, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > FOOTER_MAX) {
			set_cause(cause, _("footer %s: longer than %d bytes"),
			    path, FOOTER_MAX);
			goto fail;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	if (n == -1) {
		set_cause(cause, _("footer %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (memchr(b.data != NULL ? b.data : "", '\0', b.len) != NULL) {
		set_cause(cause, _("footer %s: a NUL byte"), path);
		goto fail;
	}
	close(fd);
	return buf_take(&b);
fail:
	close(fd);
	buf_free(&b);
	return NULL;
}

int
footer_load(struct footer *f, const char *name, const char *sender_name,
    const char *sender_address, const char *contact, char **cause)
{
	const char	*builtin, *p;

	memset(f, 0, sizeof *f);
	if ((builtin = footer_builtin(name)) != NULL) {
		f->text = xstrdup(builtin);
		f->ja = strcmp(name, "ja") == 0;
	} else if ((f->text = footer_read(name, cause)) == NULL)
		return -1;
	else {
		for (p = f->text; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				f->ja = 1;
	}
	if (footer_check(f->text, cause) == -1) {
		char *inner = *cause;

		if (builtin == NULL) {
			*cause = xprintf("%s: %s", name, inner);
			free(inner);
		}
		footer_free(f);
		return -1;
	}
	f->sender_name = xstrdup(sender_name != NULL ? sender_name : "");
	f->sender_address = xstrdup(sender_address != NULL ?
	    sender_address : "");
	f->contact = xstrdup(contact != NULL ? contact : "");
	return 0;
}

void
footer_free(struct footer *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f->sender_name);
	free(f->sender_address);
	free(f->contact);
	memset(f, 0, sizeof *f);
}

void
footer_date(time_t t, int ja, char *out, size_t size)
{
	static const char *const months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	/* Our own month names: strftime's follow the locale, the message
	 * must not. */
	if (ja)
		snprintf(out, size, "%d年%d月%d日", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	else
		snprintf(out, size, "%d %s %d", tm.tm_mday,
		    months[tm.tm_mon % 12], tm.tm_year + 1900);
}

void
footer_render(const struct footer *f, time_t date, const char *url,
    const char *mailto, struct buf *out)
{
	const char	*vals[nitems(footer_names)], *p, *eol, *end, *v;
	char		 day[64];
	struct buf	 line;
	int		 i, placeholders, filled;

	footer_date(date, f->ja, day, sizeof day);
	vals[0] = f->sender_name;
	vals[1] = f->sender_address;
	vals[2] = f->contact;
	vals[3] = url != NULL ? url : "";
	vals[4] = mailto != NULL ? mailto : "";
	vals[5] = day;
	buf_init(&line);
	for (p = f->text; *p != '\0'; p = eol) {
		if ((eol = strchr(p, '\n')) != NULL)
			eol++;
		else
			eol = p + strlen(p);
		buf_reset(&line);
		placeholders = filled = 0;
		while (p < eol) {
			if (p[0] == '{' && p[1] == '{' &&
			    (end = strstr(p + 2, "}}")) != NULL && end < eol &&
			    (i = footer_name(p + 2, (size_t)(end - p - 2))) !=
			    -1) {
				v = vals[i];
				placeholders++;
				if (*v != '\0')
					filled++;
				/* A value is one line: a CR or LF in it
				 * (config, a hand-edited file) would start
				 * a line of its own in the message. */
				for (; *v != '\0'; v++)
					buf_addc(&line, *v == '\r' ||
					    *v == '\n' ? ' ' : *v);
				p = end + 2;
			} else
				buf_addc(&line, *p++);
		}
		if (placeholders == 0 || filled != 0)
			buf_add(out, line.data, line.len);
	}
	buf_free(&line);
}
