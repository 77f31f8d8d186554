/*
 * A progress meter: a bar and a percentage. The filled part is drawn in
 * reverse video without colour, so it reads on any terminal; an unknown
 * total (a pipe) shows a block moving back and forth instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widget.h"

#define METER_BLOCK	6	/* width of the block for unknown totals */

/* Cells [from, to) of the bar in role, with ch. */
static void
meter_span(struct ui *ui, int y, int x, int from, int to, enum ui_role role,
    const char *ch)
{
	struct buf	b;
	int		i;

	if (to <= from)
		return;
	buf_init(&b);
	for (i = from; i < to; i++)
		buf_adds(&b, ch);
	ui_print(ui, y, x + from, to - from, role, b.data);
	buf_free(&b);
}

/* Draw the meter. */
void
meter_draw(struct ui *ui, int y, int x, int w, int64_t done, int64_t total,
    unsigned int frame)
{
	char	pct[8];
	int	bar = w - 5, fill, pos, span;

	if (bar < 4)
		return;
	if (total > 0) {
		if (done > total)
			done = total;
		if (done < 0)
			done = 0;
		fill = (int)((double)done * bar / (double)total);
		meter_span(ui, y, x, 0, fill, ROLE_METER_DONE, " ");
		meter_span(ui, y, x, fill, bar, ROLE_METER_TODO, "·");
		snprintf(pct, sizeof pct, "%3d%%",
		    (int)((double)done * 100 / (double)total));
		ui_print(ui, y, x + bar + 1, 4, ROLE_EMPH, pct);
		return;
	}
	span = bar - METER_BLOCK;
	pos = span > 0 ? (int)(frame % (unsigned int)(2 * span)) : 0;
	if (pos > span)
		pos = 2 * span - pos;
	meter_span(ui, y, x, 0, bar, ROLE_METER_TODO, "·");
	meter_span(ui, y, x, pos, pos + METER_BLOCK, ROLE_METER_DONE, " ");
}
