/*
 * What the Send screen keeps in memory while it watches a send: a ring of
 * the latest outcomes for the per-recipient panel (bounded, so 10,000 or a
 * million recipients cost the same), each destination domain's counts and
 * TLS trust, one small entry per recipient so an event can move it from
 * one count to another, and outcomes per second for the sparkline. And
 * the words and glyphs they are shown with: every trust word has a symbol
 * as well as a colour, and an ASCII form when the terminal is not UTF-8.
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "send_ui.h"

/* ---- glyphs and words ---- */

/* Is the terminal's character set UTF-8? (Asked once.) */
int
send_utf8(void)
{
	static int	utf8 = -1;
	const char	*cs;

	if (utf8 == -1) {
		cs = nl_langinfo(CODESET);
		utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
		    strcasecmp(cs, "utf8") == 0);
	}
	return utf8;
}

/* Each trust: its symbol, with an ASCII twin, its word (translated where
 * shown: it is the panel's word, not a state the CLI and JSON print) and
 * its colour. */
static const struct {
	const char	*sym, *ascii, *name;
	enum ui_role	 role;
} send_trusts[TRUST_COUNT] = {
	[TRUST_UNSET] = { "-", "-", "", ROLE_DIM },
	[TRUST_PLAIN] = { "✗", "x", N_("plaintext"), ROLE_FAIL },
	[TRUST_UNTRUSTED] = { "!", "!", N_("untrusted"), ROLE_WARN },
	[TRUST_TRUSTED] = { "~", "~", N_("trusted"), ROLE_WARN },
	[TRUST_VERIFIED] = { "✓", "+", N_("verified"), ROLE_OK },
	[TRUST_DANE_OK] = { "✓", "+", N_("validated"), ROLE_OK },
	[TRUST_DANE_FAIL] = { "✗", "x", N_("dane failed"), ROLE_FAIL },
};

/* The trust of an attempt from its verify and dane words. */
enum send_trust
send_trust_of(const char *verify, const char *dane)
{
	if (dane != NULL && strcmp(dane, "validated") == 0)
		return TRUST_DANE_OK;
	if (dane != NULL && strcmp(dane, "failed") == 0)
		return TRUST_DANE_FAIL;
	if (verify == NULL || *verify == '\0')
		return TRUST_UNSET;
	if (strcmp(verify, "verified") == 0)
		return TRUST_VERIFIED;
	if (strcmp(verify, "trusted") == 0)
		return TRUST_TRUSTED;
	if (strcmp(verify, "untrusted") == 0)
		return TRUST_UNTRUSTED;
	return TRUST_PLAIN;
}

/* The symbol of a trust (ASCII when the terminal is not UTF-8). */
const char *
send_trust_sym(enum send_trust t)
{
	if (t < 0 || t >= TRUST_COUNT)
		t = TRUST_UNSET;
	return send_utf8() ? send_trusts[t].sym : send_trusts[t].ascii;
}

/* The word of a trust. */
const char *
send_trust_name(enum send_trust t)
{
	if (t < 0 || t >= TRUST_COUNT)
		t = TRUST_UNSET;
	return *send_trusts[t].name != '\0' ? _(send_trusts[t].name) : "";
}

/* Symbol and word: "✓ verified". */
const char *
send_trust_word(enum send_trust t)
{
	static char	*words[TRUST_COUNT];

	if (t < 0 || t >= TRUST_COUNT)
		t = TRUST_UNSET;
	if (t == TRUST_UNSET)
		return "-";
	/* Made once: the language and the character set do not change
	 * while the console runs. */
	if (words[t] == NULL)
		words[t] = xprintf("%s %s", send_trust_sym(t),
		    send_trust_name(t));
	return words[t];
}

/* The colour of a trust (never its only sign). */
enum ui_role
send_trust_role(enum send_trust t)
{
	if (t < 0 || t >= TRUST_COUNT)
		return ROLE_DIM;
	return send_trusts[t].role;
}

/* The colour of a recipient state. */
enum ui_role
send_state_role(enum rcpt_state s)
{
	switch (s) {
	case RCPT_DELIVERED:
		return ROLE_OK;
	case RCPT_DEFERRED:
	case RCPT_UNKNOWN:
		return ROLE_WARN;
	case RCPT_BOUNCED:
		return ROLE_FAIL;
	default:
		return ROLE_NORMAL;
	}
}

/* One sparkline cell: level 0-7, -1 for nothing at all. */
const char *
send_spark_glyph(int level)
{
	static const char *const bars[8] = {
		"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"
	};
	static const char *const ascii[8] = {
		"_", ".", "-", ":", "=", "+", "*", "#"
	};

	if (level < 0)
		return " ";
	if (level > 7)
		level = 7;
	return send_utf8() ? bars[level] : ascii[level];
}

/* ---- the ring ---- */

/* An empty ring. */
void
send_ring_init(struct send_ring *r)
{
	memset(r, 0, sizeof *r);
}

/* Free one row's strings. */
static void
send_row_clear(struct send_row *row)
{
	free(row->rcpt);
	free(row->domain);
	free(row->mx);
	free(row->version);
	free(row->cipher);
	free(row->enhanced);
	free(row->reply);
	memset(row, 0, sizeof *row);
}

/* Free every row. */
void
send_ring_free(struct send_ring *r)
{
	size_t	i;

	for (i = 0; r->v != NULL && i < r->n; i++)
		send_row_clear(&r->v[(r->start + i) % SEND_RING]);
	free(r->v);
	send_ring_init(r);
}

/* Keep an outcome; the oldest goes when full. */
void
send_ring_push(struct send_ring *r, const struct send_event *e)
{
	struct send_row	*row;

	if (r->v == NULL)
		r->v = xcalloc(SEND_RING, sizeof *r->v);
	if (r->n == SEND_RING) {
		row = &r->v[r->start];
		send_row_clear(row);
		r->start = (r->start + 1) % SEND_RING;
		r->n--;
		r->dropped++;
	}
	row = &r->v[(r->start + r->n) % SEND_RING];
	r->n++;
	row->id = e->id;
	row->rcpt_id = e->rcpt_id;
	row->domain = xstrdup(e->domain != NULL ? e->domain : "");
	row->at = e->at;
	row->next_at = e->next_at;
	row->state = e->state;
	row->trust = send_trust_of(e->tls_verify, e->tls_dane);
	row->code = e->code;
	row->rcpt = xstrdup(e->rcpt);
	row->mx = xstrdup(*e->mx != '\0' ? e->mx : e->ip);
	row->version = xstrdup(e->tls_version);
	row->cipher = xstrdup(e->tls_cipher);
	row->enhanced = xstrdup(e->enhanced);
	row->reply = xstrdup(e->reply);
}

/* Row i, oldest first. */
const struct send_row *
send_ring_at(const struct send_ring *r, size_t i)
{
	if (i >= r->n)
		return NULL;
	return &r->v[(r->start + i) % SEND_RING];
}

/* ---- domains ---- */

/* No domains. */
void
send_doms_init(struct send_doms *d)
{
	memset(d, 0, sizeof *d);
	hashtab_init(&d->byname, 1);
}

/* Free the domains and the recipients. */
void
send_doms_free(struct send_doms *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	hashtab_free(&d->byname);
	free(d->order);
	free(d->r);
	send_doms_init(d);
}

/* Find or add a domain. */
size_t
send_doms_add(struct send_doms *d, const char *name)
{
	uintptr_t	i;

	if ((i = (uintptr_t)hashtab_get(&d->byname, name)) != 0)
		return i - 1;
	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	memset(&d->v[d->n], 0, sizeof d->v[d->n]);
	d->v[d->n].name = xstrdup(name);
	hashtab_add(&d->byname, d->v[d->n].name,
	    (void *)(uintptr_t)(d->n + 1));
	free(d->order);
	d->order = NULL;
	return d->n++;
}

/* Count a recipient as it stands now. */
void
send_doms_rcpt(struct send_doms *d, const struct send_event *e)
{
	struct send_rmap	*m;
	struct send_dom		*dom;
	size_t			 i = send_doms_add(d, e->domain);

	if (d->nr == d->rcap) {
		d->rcap = d->rcap == 0 ? 256 : d->rcap * 2;
		d->r = xreallocarray(d->r, d->rcap, sizeof *d->r);
	}
	m = &d->r[d->nr++];
	m->id = e->rcpt_id;
	m->dom = (uint32_t)i;
	m->state = (uint8_t)e->state;
	m->trust = (uint8_t)send_trust_of(e->tls_verify, e->tls_dane);
	dom = &d->v[i];
	dom->total++;
	dom->n[e->state]++;
	dom->trust[m->trust]++;
}

/* The recipient with this id, or NULL. */
static struct send_rmap *
send_doms_find(struct send_doms *d, int64_t id)
{
	size_t	lo = 0, hi = d->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->r[mid].id == id)
			return &d->r[mid];
		if (d->r[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Move a recipient to the state (and trust) an event gives it. */
void
send_doms_event(struct send_doms *d, const struct send_event *e)
{
	struct send_rmap	*m;
	struct send_dom		*dom;
	enum send_trust		 t;

	if ((m = send_doms_find(d, e->rcpt_id)) == NULL)
		return;
	dom = &d->v[m->dom];
	dom->n[m->state]--;
	m->state = (uint8_t)e->state;
	dom->n[m->state]++;
	/* Only an attempt a server answered says anything about TLS. */
	if ((t = send_trust_of(e->tls_verify, e->tls_dane)) != TRUST_UNSET) {
		dom->trust[m->trust]--;
		m->trust = (uint8_t)t;
		dom->trust[m->trust]++;
	}
}

/* Compare two domains by name (qsort_r). */
static int
send_doms_cmp(const void *a, const void *b, void *arg)
{
	const struct send_doms	*d = arg;

	return strcasecmp(d->v[*(const size_t *)a].name,
	    d->v[*(const size_t *)b].name);
}

/* Order the domains by name. */
void
send_doms_sort(struct send_doms *d)
{
	size_t	i;

	free(d->order);
	d->order = xcalloc(d->n + 1, sizeof *d->order);
	for (i = 0; i < d->n; i++)
		d->order[i] = i;
	qsort_r(d->order, d->n, sizeof *d->order, send_doms_cmp, d);
}

/* The i-th domain by name (in insertion order until sorted). */
const struct send_dom *
send_doms_at(const struct send_doms *d, size_t i)
{
	if (i >= d->n)
		return NULL;
	return &d->v[d->order != NULL ? d->order[i] : i];
}

/* ---- throughput ---- */

/* Count an outcome in its second. */
void
send_spark_add(struct send_spark *s, int64_t at)
{
	size_t	i = (size_t)(at % SEND_SPARK);

	if (at <= 0)
		return;
	if (s->sec[i] != at) {
		s->sec[i] = at;
		s->n[i] = 0;
	}
	s->n[i]++;
	if (at > s->last)
		s->last = at;
}

/* Outcomes in second t. */
int32_t
send_spark_get(const struct send_spark *s, int64_t t)
{
	size_t	i;

	if (t <= 0)
		return 0;
	i = (size_t)(t % SEND_SPARK);
	return s->sec[i] == t ? s->n[i] : 0;
}
