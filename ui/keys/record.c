/*
 * The records to publish for one key: the DKIM TXT record between two
 * rules, in zone-file syntax, one character-string a line when the whole
 * record does not fit the terminal (the strings join into the same value),
 * at column 0 with nothing else on those rows, so a selection in any SSH
 * terminal copies exactly the record. Below it, whether it is published,
 * and the SPF and DMARC records from `herald dkim record --format json`
 * (a child: those need lookups). w writes them all to a file, whole lines
 * in zone-file syntax; c checks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "keys_ui.h"
#include "ui/kit/action.h"
#include "ui/kit/savefile.h"
#include "store/store.h"
#include "base/utf8.h"

#define KEYREC_POLL_MS	100

enum rline_kind {
	RL_TEXT,	/* at column 1 */
	RL_RECORD,	/* at column 0, alone on its row */
	RL_RULE,	/* a horizontal line */
};

struct rline {
	enum rline_kind	 kind;
	enum ui_role	 role;
	char		*text;
};

struct keyrec {
	struct keys	*keys;
	char		*domain, *selector;
	struct dkim_key	 key;
	int		 have;
	char		*error;
	struct subcmd	 job;		/* dkim record --format json */
	struct keys_extra	 spf, dmarc;
	int		 extra_done;
	char		*extra_error;
	struct rline	*v;
	size_t		 n;
	size_t		 top;
	int		 page;
	unsigned int	 frame;
};

/* ---- the lines of the view ---- */

/* Add a line of the view. */
static void
rl_add(struct keyrec *k, enum rline_kind kind, enum ui_role role,
    char *text)
{
	k->v = xreallocarray(k->v, k->n + 1, sizeof *k->v);
	k->v[k->n].kind = kind;
	k->v[k->n].role = role;
	k->v[k->n].text = text;
	k->n++;
}

/* Text word-wrapped to w columns, a line each. */
static void
rl_wrap(struct keyrec *k, enum ui_role role, const char *text, int w)
{
	struct buf	 line;

	buf_init(&line);
	while (ui_wrap_row(&text, w, &line))
		rl_add(k, RL_TEXT, role, line.len > 0 ? buf_take(&line) :
		    xstrdup(""));
	buf_free(&line);
}

/* Add a record's lines. */
static void
rl_record(struct keyrec *k, const char *name, char *const *strings,
    size_t ns, int cols)
{
	char	**v;
	size_t	  n, i;

	v = keys_zone_lines(name, strings, ns, cols, &n);
	for (i = 0; i < n; i++)
		rl_add(k, RL_RECORD, ROLE_NORMAL, v[i]);
	free(v);
}

/* The SPF or DMARC part. */
static void
rl_extra(struct keyrec *k, const char *what, const struct keys_extra *x,
    int cols)
{
	char	**s, *line;
	size_t	  ns;

	rl_add(k, RL_TEXT, ROLE_NORMAL, xstrdup(""));
	if (x->value != NULL) {
		line = x->placeholder ? xprintf(_("%s (replace "
		    "YOUR.SENDING.IP with the address herald sends from)"),
		    what) : xstrdup(what);
		rl_wrap(k, ROLE_EMPH, line, cols - 2);
		free(line);
		s = keys_zone_split(x->value, &ns);
		rl_record(k, x->name, s, ns, cols);
		keys_lines_free(s, ns);
	} else
		rl_add(k, RL_TEXT, ROLE_EMPH, xprintf(_("%s: nothing to "
		    "publish"), what));
	if (x->note != NULL)
		rl_wrap(k, ROLE_DIM, x->note, cols - 2);
}

/* Free the view's lines. */
static void
rl_free(struct keyrec *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].text);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

/* Every line of the view for a width of cols. */
static void
keyrec_build(struct keyrec *k, int cols)
{
	struct kcheck	 *c;
	char		**s, *name, *line, *tail;
	size_t		  ns, i;

	rl_free(k);
	if (!k->have) {
		rl_wrap(k, ROLE_FAIL, k->error != NULL ? k->error :
		    _("No such key"), cols - 2);
		return;
	}
	line = xprintf(_("Publish this TXT record in the %s zone. The lines "
	    "between the rules are plain text: select them and copy."),
	    k->key.domain);
	rl_wrap(k, ROLE_DIM, line, cols - 2);
	free(line);
	rl_add(k, RL_RULE, ROLE_DIM, NULL);
	name = xprintf("%s._domainkey.%s", k->key.selector, k->key.domain);
	s = dkim_record_strings(&k->key, &ns);
	/* The tags, then p= in one piece, split evenly to fit. */
	for (i = 2; i < ns; i++) {
		tail = xprintf("%s%s", s[1], s[i]);
		free(s[1]);
		s[1] = tail;
	}
	rl_record(k, name, s, ns > 2 ? 2 : ns, cols);
	dkim_record_strings_free(s, ns);
	free(name);
	rl_add(k, RL_RULE, ROLE_DIM, NULL);

	c = kchecks_get(&k->keys->checks, k->key.domain, k->key.selector);
	if (c->state == KC_QUEUED || c->state == KC_RUNNING)
		rl_add(k, RL_TEXT, ROLE_DIM, xprintf(_("%s Checking DNS…"),
		    subcmd_spinner(k->frame)));
	else if ((line = kcheck_line(c)) != NULL) {
		rl_wrap(k, c->verdict != NULL && strcmp(c->verdict,
		    "match") == 0 ? ROLE_OK : ROLE_WARN, line, cols - 2);
		free(line);
	}
	rl_wrap(k, ROLE_DIM, _("A DNS provider's web form wants the value "
	    "alone, in one piece: w writes it to a file (or: herald dkim "
	    "record DOMAIN SELECTOR --format value)."), cols - 2);

	if (k->job.running)
		rl_add(k, RL_TEXT, ROLE_DIM, xprintf(_("%s Looking up the "
		    "SPF and DMARC records of %s…"), subcmd_spinner(k->frame),
		    k->key.domain));
	else if (k->extra_done) {
		rl_extra(k, _("SPF: the sending address may send for the "
		    "domain"), &k->spf, cols);
		rl_extra(k, _("DMARC: what receivers do with mail that fails, "
		    "and where they report"), &k->dmarc, cols);
	} else if (k->extra_error != NULL)
		rl_wrap(k, ROLE_WARN, k->extra_error, cols - 2);
}

/* ---- the child: SPF and DMARC ---- */

/* A member of "spf" or "dmarc". */
static int
keyrec_extra_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct keys_extra	*x = arg;

	if (strcmp(key, "placeholder") == 0)
		x->placeholder = type == JSON_BOOL && strcmp(value,
		    "true") == 0;
	if (type != JSON_STRING)
		return 0;
	if (strcmp(key, "name") == 0 && x->name == NULL)
		x->name = xstrdup(value);
	else if (strcmp(key, "value") == 0 && x->value == NULL)
		x->value = xstrdup(value);
	else if (strcmp(key, "note") == 0 && x->note == NULL)
		x->note = xstrdup(value);
	return 0;
}

/* A member of the answer. */
static int
keyrec_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct keyrec	*k = arg;

	if (type != JSON_OBJECT)
		return 0;
	if (strcmp(key, "spf") == 0)
		json_each_value(value, keyrec_extra_member, &k->spf);
	else if (strcmp(key, "dmarc") == 0)
		json_each_value(value, keyrec_extra_member, &k->dmarc);
	return 0;
}

/* Free an SPF or DMARC part. */
static void
extra_free(struct keys_extra *x)
{
	free(x->name);
	free(x->value);
	free(x->note);
	memset(x, 0, sizeof *x);
}

/* The child is over. */
static void
keyrec_extra_done(struct keyrec *k)
{
	extra_free(&k->spf);
	extra_free(&k->dmarc);
	if (k->job.line != NULL && json_each_value(k->job.line,
	    keyrec_member, k) == 0 && k->spf.name != NULL &&
	    k->dmarc.name != NULL) {
		k->extra_done = 1;
		return;
	}
	free(k->extra_error);
	k->extra_error = xprintf(_("Could not work out the SPF and DMARC "
	    "records: %s"), k->job.error != NULL ? k->job.error :
	    _("no answer"));
}

/* ---- the view ---- */

/* Read the key; start the SPF and DMARC lookups. */
static void *
keyrec_open(struct ui *ui, void *arg)
{
	struct keyrec_arg	*a = arg;
	struct keyrec		*k = xcalloc(1, sizeof *k);
	const char		*args[7];
	char			*cause = NULL;
	int			 rc;

	k->keys = a->keys;
	k->domain = a->domain;
	k->selector = a->selector;
	free(a);
	subcmd_init(&k->job, k);
	rc = store_dkim_get(ui_store(ui), k->domain, k->selector, &k->key,
	    &cause);
	if (rc != 0) {
		k->error = rc == 1 ? xprintf(_("No key %s selector %s (removed "
		    "elsewhere?)"), k->domain, k->selector) : cause;
		return k;
	}
	k->have = 1;
	args[0] = "dkim";
	args[1] = "record";
	args[2] = k->domain;
	args[3] = k->selector;
	args[4] = "--format";
	args[5] = "json";
	args[6] = NULL;
	if (subcmd_start(ui, &k->job, args, subcmd_dns_limit(ui),
	    &cause) == -1) {
		k->extra_error = xprintf(_("Cannot look up SPF and DMARC: %s"),
		    cause != NULL ? cause : _("failed"));
		free(cause);
	}
	return k;
}

/* Stop the child; free everything. */
static void
keyrec_close(struct ui *ui, void *state)
{
	struct keyrec	*k = state;

	(void)ui;
	subcmd_free(&k->job);
	rl_free(k);
	extra_free(&k->spf);
	extra_free(&k->dmarc);
	if (k->have)
		dkim_key_free(&k->key);
	free(k->domain);
	free(k->selector);
	free(k->error);
	free(k->extra_error);
	free(k);
}

/* Settle the child once it ended; keep the spinners turning. */
static int
keyrec_tick(struct ui *ui, void *state)
{
	struct keyrec	*k = state;
	struct kcheck	*c;
	int		 busy = 0;

	if (subcmd_ended(&k->job)) {
		keyrec_extra_done(k);
		ui_dirty(ui);
	} else if (k->job.running) {
		busy = 1;
		ui_dirty(ui);
	}
	if (k->have) {
		c = kchecks_get(&k->keys->checks, k->key.domain,
		    k->key.selector);
		if (c->state == KC_QUEUED || c->state == KC_RUNNING)
			busy = 1;
	}
	if (!busy)
		return -1;
	k->frame++;
	ui_dirty(ui);
	return KEYREC_POLL_MS;
}

/* The title, then the lines from top. */
static void
keyrec_draw(struct ui *ui, void *state, const struct ui_rect *r)
{
	struct keyrec	*k = state;
	attr_t		 a;
	int		 y = r->y + 1, rows = r->h - 2, i;

	keyrec_build(k, r->w);
	if (k->have)
		ui_printf(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Keys › %s, "
		    "selector %s (%s, %s)"), k->key.domain, k->key.selector,
		    dkim_algo_name(k->key.algo), k->key.active ? _("active") :
		    k->key.pending ? _("awaiting publication") :
		    _("not active"));
	else
		ui_printf(ui, r->y, 1, r->w - 2, ROLE_EMPH, _("Keys › %s, "
		    "selector %s"), k->domain, k->selector);
	k->page = rows;
	if (k->top + (size_t)rows > k->n)
		k->top = k->n > (size_t)rows ? k->n - (size_t)rows : 0;
	for (i = 0; i < rows && k->top + (size_t)i < k->n; i++, y++) {
		struct rline	*l = &k->v[k->top + (size_t)i];

		switch (l->kind) {
		case RL_RULE:
			a = ui_attr(ui, l->role);
			attron(a);
			mvhline(y, 0, ACS_HLINE, r->w);
			attroff(a);
			break;
		case RL_RECORD:
			ui_print(ui, y, 0, r->w, l->role, l->text);
			break;
		default:
			ui_print(ui, y, 1, r->w - 2, l->role, l->text);
			break;
		}
	}
	if (k->top > 0 || k->top + (size_t)rows < k->n)
		ui_printf(ui, r->y + r->h - 1, 1, r->w - 2, ROLE_DIM,
		    _("lines %zu-%zu of %zu (↑↓ PgUp PgDn)"), k->top + 1,
		    k->top + (size_t)i, k->n);
}

/* ---- w ---- */

/* The file: the records as whole zone-file lines. */
static int
keyrec_put(FILE *f, void *arg, char **cause)
{
	struct keyrec	*k = arg;

	(void)cause;
	keys_zone_write(f, &k->key, k->extra_done ? &k->spf : NULL,
	    k->extra_done ? &k->dmarc : NULL);
	return 0;
}

/* w: write the records to a file. */
static enum ui_action
keyrec_act_write(struct ui *ui, void *state, int key)
{
	struct keyrec	*k = state;
	char		*def, *done;

	(void)key;
	if (!k->have)
		return UI_HANDLED;
	def = xprintf("./%s._domainkey.%s.txt", k->key.selector,
	    k->key.domain);
	done = xprintf(_("Wrote the records for %s selector %s to %s"),
	    k->key.domain, k->key.selector, "%s");
	save_start(ui, _("Write records"), _("Write the records (zone-file "
	    "lines) to:"), def, done, keyrec_put, k);
	free(done);
	free(def);
	return UI_REDRAW;
}

/* c: check the record again. */
static enum ui_action
keyrec_act_check(struct ui *ui, void *state, int key)
{
	struct keyrec	*k = state;

	(void)key;
	if (!k->have)
		return UI_HANDLED;
	kcheck_queue(kchecks_get(&k->keys->checks, k->key.domain,
	    k->key.selector));
	ui_tick_in(ui, k->keys, 0);
	ui_tick_in(ui, k, KEYREC_POLL_MS);
	return UI_REDRAW;
}

/* Scrolling keys. */
static enum ui_action
keyrec_act_scroll(struct ui *ui, void *state, int key)
{
	struct keyrec	*k = state;
	size_t		 page = k->page > 1 ? (size_t)k->page : 1;

	(void)ui;
	switch (key) {
	case UI_FKEY(KEY_UP):
	case 'k':
		if (k->top > 0)
			k->top--;
		return UI_REDRAW;
	case UI_FKEY(KEY_DOWN):
	case 'j':
		k->top++;
		return UI_REDRAW;
	case UI_FKEY(KEY_PPAGE):
	case UI_CTRL('b'):
		k->top = k->top > page ? k->top - page : 0;
		return UI_REDRAW;
	case UI_FKEY(KEY_NPAGE):
	case UI_CTRL('f'):
	case ' ':
		k->top += page;
		return UI_REDRAW;
	case UI_FKEY(KEY_HOME):
	case 'g':
		k->top = 0;
		return UI_REDRAW;
	case UI_FKEY(KEY_END):
	case 'G':
		k->top = k->n;
		return UI_REDRAW;
	}
	return UI_IGNORED;
}

static const struct action keyrec_actions[] = {
	{ "w", N_("Write file"), N_("write the records to a file, whole lines "
	    "in zone-file syntax"), { 'w' }, keyrec_act_write, NULL },
	{ "c", N_("Check"), N_("check again whether the record is published"),
	  { 'c' }, keyrec_act_check, NULL },
	{ N_("Esc"), N_("Back"), N_("back to the keys"), { UI_ESC, '\r', '\n',
	  UI_FKEY(KEY_ENTER), UI_FKEY(KEY_LEFT) }, action_pop, NULL },
	{ "↑↓ j k", NULL, N_("scroll; PgUp PgDn Home End"),
	  { 0 }, keyrec_act_scroll, NULL },
	{ NULL, NULL, NULL, { 0 }, NULL, NULL }
};

/* Keys of the record view. */
static enum ui_action
keyrec_key(struct ui *ui, void *state, int key)
{
	return action_key(keyrec_actions, ui, state, key);
}

const struct screen_ops screen_keyrec_ops = {
	.name = N_("Record"),
	.actions = keyrec_actions,
	.open = keyrec_open,
	.close = keyrec_close,
	.draw = keyrec_draw,
	.key = keyrec_key,
	.tick = keyrec_tick,
};
