/*
 * Drawing helpers: the colour table, text cropped and padded by display
 * columns (never by bytes, so wide characters stay aligned and are never
 * cut in half), boxes and centring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "base/utf8.h"

struct colour_role {
	short	fg, bg;
	attr_t	attr, mono;
};

static const struct colour_role colour_roles[ROLE_COUNT] = {
#define X(name, fg, bg, attr, mono) { fg, bg, attr, mono },
	UI_ROLES
#undef X
};

/* One colour pair per role, numbered from 1. */
void
colour_init(void)
{
	int	i;

	for (i = 0; i < ROLE_COUNT; i++)
		init_pair((short)(i + 1), colour_roles[i].fg,
		    colour_roles[i].bg);
}

/* The attributes to draw role with, in colour or not. */
attr_t
colour_attr(int colour, enum ui_role role)
{
	if (role < 0 || role >= ROLE_COUNT)
		role = ROLE_NORMAL;
	if (!colour)
		return colour_roles[role].mono;
	return COLOR_PAIR(role + 1) | colour_roles[role].attr;
}

const char *
ui_tr(const char *s)
{
	return s == NULL || *s == '\0' ? s : _(s);
}

/* Write an already fitted string with role's attributes. */
static void
draw_put(struct ui *ui, int y, int x, enum ui_role role, const char *s)
{
	attr_t	a = ui_attr(ui, role);

	attron(a);
	mvaddstr(y, x, s);
	attroff(a);
}

/* Text cropped to w columns (never padded); returns columns used. */
int
ui_print(struct ui *ui, int y, int x, int w, enum ui_role role, const char *s)
{
	char	*fit;
	int	 cw;

	if (w <= 0 || x < 0 || y < 0 || x >= COLS || y >= LINES)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	if ((cw = utf8_width(s)) > w)
		cw = w;
	fit = utf8_fit(s, cw, 1);
	draw_put(ui, y, x, role, fit);
	free(fit);
	return cw;
}

/* ui_print with a format. */
int
ui_printf(struct ui *ui, int y, int x, int w, enum ui_role role,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	n = ui_print(ui, y, x, w, role, s);
	free(s);
	return n;
}

/* Text cropped or padded to exactly w columns. */
void
ui_fill(struct ui *ui, int y, int x, int w, enum ui_role role, const char *s)
{
	char	*fit;

	if (w <= 0 || x < 0 || y < 0 || x >= COLS || y >= LINES)
		return;
	if (x + w > COLS)
		w = COLS - x;
	fit = utf8_fit(s, w, 1);
	draw_put(ui, y, x, role, fit);
	free(fit);
}

/* 1 if s holds a wide (East Asian) character. */
static int
wrap_has_wide(const char *s)
{
	unsigned int	cp;
	size_t		len = strlen(s);
	int		n;

	while (len > 0) {
		if ((n = utf8_decode(s, len, &cp)) <= 0)
			n = 1;
		else if (utf8_cpwidth(cp) == 2)
			return 1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The next row of text wrapped at spaces to w columns, into line. A run
 * with wide characters (Japanese writes no spaces between words) breaks
 * anywhere, at a character boundary, as Japanese text does; an English
 * word wider than the row stays whole (the caller crops it).
 */
int
ui_wrap_row(const char **pp, int w, struct buf *line)
{
	const char	*p = *pp, *end;
	char		*word;
	size_t		 n;
	int		 lw = 0, ww, room;

	buf_reset(line);
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0') {
			*pp = p;
			return lw > 0;
		}
		if (*p == '\n') {
			*pp = p + 1;
			return 1;
		}
		end = p + strcspn(p, " \n");
		word = xstrndup(p, (size_t)(end - p));
		ww = utf8_width(word);
		room = w - lw - (lw > 0);
		if (ww > room && wrap_has_wide(word) &&
		    (n = utf8_prefix(word, room)) > 0) {
			end = p + n;
			word[n] = '\0';
		} else if (ww > room && lw > 0) {
			free(word);
			*pp = p;
			return 1;
		}
		if (lw > 0)
			buf_addc(line, ' ');
		buf_adds(line, word);
		lw += (lw > 0) + utf8_width(word);
		free(word);
		p = end;
		if (lw >= w || ww > room) {
			*pp = p;
			return 1;
		}
	}
}

/* Word-wrap text by display width; returns the rows used. */
int
ui_wrap(struct ui *ui, int y, int x, int w, int maxrows, enum ui_role role,
    const char *text)
{
	struct buf	 line;
	const char	*p = text;
	int		 rows = 0;

	buf_init(&line);
	while (rows < maxrows && ui_wrap_row(&p, w, &line))
		ui_print(ui, y + rows++, x, w, role,
		    line.len > 0 ? line.data : "");
	buf_free(&line);
	return rows;
}

/* A framed box with its inside cleared and an optional title. */
void
ui_box(struct ui *ui, const struct ui_rect *r, enum ui_role role,
    const char *title)
{
	attr_t	a = ui_attr(ui, role);
	int	i;

	for (i = 0; i < r->h; i++)
		ui_fill(ui, r->y + i, r->x, r->w, role, "");
	attron(a);
	mvhline(r->y, r->x + 1, ACS_HLINE, r->w - 2);
	mvhline(r->y + r->h - 1, r->x + 1, ACS_HLINE, r->w - 2);
	mvvline(r->y + 1, r->x, ACS_VLINE, r->h - 2);
	mvvline(r->y + 1, r->x + r->w - 1, ACS_VLINE, r->h - 2);
	mvaddch(r->y, r->x, ACS_ULCORNER);
	mvaddch(r->y, r->x + r->w - 1, ACS_URCORNER);
	mvaddch(r->y + r->h - 1, r->x, ACS_LLCORNER);
	mvaddch(r->y + r->h - 1, r->x + r->w - 1, ACS_LRCORNER);
	attroff(a);
	if (title != NULL && *title != '\0') {
		char *t = xprintf(" %s ", title);

		ui_print(ui, r->y, r->x + 2, r->w - 4, ROLE_DIALOG_TITLE, t);
		free(t);
	}
}

/* The column that centres s in w columns. */
int
ui_centre_col(const char *s, int w)
{
	int	sw = utf8_width(s);

	return sw >= w ? 0 : (w - sw) / 2;
}

/* Centred in the area between the tab row and the status line. */
struct ui_rect
ui_centre(int h, int w)
{
	struct ui_rect	r;
	int		top = 2, avail = LINES - 4;

	if (w > COLS - 2)
		w = COLS - 2;
	if (h > avail)
		h = avail;
	r.h = h;
	r.w = w;
	r.y = top + (avail - h) / 2;
	r.x = (COLS - w) / 2;
	return r;
}

/* A count with thousands separators: 1,234,567. */
const char *
ui_count(char *buf, size_t len, int64_t n)
{
	char		digits[32];
	size_t		nd, i, o = 0;
	int		neg = n < 0;
	uint64_t	u = neg ? (uint64_t)-(n + 1) + 1 : (uint64_t)n;

	nd = (size_t)snprintf(digits, sizeof digits, "%llu",
	    (unsigned long long)u);
	if (neg && o + 1 < len)
		buf[o++] = '-';
	for (i = 0; i < nd && o + 1 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}
