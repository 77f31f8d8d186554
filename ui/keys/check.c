/*
 * Is each key published? One `herald dkim check DOMAIN SELECTOR --json`
 * child per key (a dead resolver costs the child its timeouts, never the
 * console), a few at once, the rest queued. A re-check keeps the last
 * result on screen, dimmed, until the new one arrives. The child activates
 * a key that awaited publication once its record matches ("activated").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "keys_ui.h"

/* Free every check, stopping the children. */
void
kchecks_free(struct kchecks *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		subcmd_free(&c->v[i]->job);
		free(c->v[i]->domain);
		free(c->v[i]->selector);
		free(c->v[i]->verdict);
		free(c->v[i]->observed);
		free(c->v[i]->fix);
		free(c->v[i]->error);
		free(c->v[i]);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* The check of domain/selector; a new one is never checked. */
struct kcheck *
kchecks_get(struct kchecks *c, const char *domain, const char *selector)
{
	struct kcheck	*k;
	size_t		 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i]->domain, domain) == 0 &&
		    strcmp(c->v[i]->selector, selector) == 0)
			return c->v[i];
	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	k = c->v[c->n++] = xcalloc(1, sizeof *k);
	k->domain = xstrdup(domain);
	k->selector = xstrdup(selector);
	subcmd_init(&k->job, c->owner);
	return k;
}

/* Ask for a check; one in flight starts again. */
void
kcheck_queue(struct kcheck *k)
{
	subcmd_stop(&k->job);
	k->stale = k->state == KC_DONE || k->state == KC_FAILED ||
	    k->stale;
	k->state = KC_QUEUED;
	k->quiet = 0;
}

/* A periodic re-check, quietly. */
void
kcheck_requeue(struct kcheck *k)
{
	if (k->state == KC_QUEUED || k->state == KC_RUNNING)
		return;
	kcheck_queue(k);
	k->quiet = k->verdict != NULL;
}

/* Replace a string. */
static void
kcheck_set(char **p, const char *s)
{
	free(*p);
	*p = s != NULL ? xstrdup(s) : NULL;
}

/* One member of the JSON answer. */
static int
kcheck_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct kcheck	*k = arg;

	if (type == JSON_BOOL && strcmp(key, "activated") == 0)
		k->activated = strcmp(value, "true") == 0;
	if (type != JSON_STRING && type != JSON_NULL)
		return 0;
	if (type == JSON_NULL)
		value = NULL;
	if (strcmp(key, "verdict") == 0)
		kcheck_set(&k->verdict, value);
	else if (strcmp(key, "observed") == 0)
		kcheck_set(&k->observed, value);
	else if (strcmp(key, "fix") == 0)
		kcheck_set(&k->fix, value);
	return 0;
}

/* The child is done: its verdict, or why there is none. */
static void
kcheck_finished(struct kcheck *k)
{
	struct subcmd	*j = &k->job;

	free(k->verdict);
	free(k->observed);
	free(k->fix);
	free(k->error);
	k->verdict = k->observed = k->fix = k->error = NULL;
	k->stale = 0;
	k->quiet = 0;
	k->when = time(NULL);
	if (j->line != NULL && json_each_value(j->line, kcheck_member,
	    k) == 0 && k->verdict != NULL) {
		k->state = KC_DONE;
		return;
	}
	k->state = KC_FAILED;
	/* Stopped for silence (by the flag: its words are translated). */
	if (j->error != NULL && j->c.silent)
		k->error = xprintf(_("the resolver did not answer (%s)"),
		    j->error);
	else
		k->error = xstrdup(j->error != NULL ? j->error :
		    _("the check printed no verdict"));
}

/* Settle the checks that ended and start queued ones. */
size_t
kchecks_run(struct ui *ui, struct kchecks *c, size_t max)
{
	const char	*args[6];
	struct kcheck	*k;
	size_t		 i, running = 0, waiting = 0;
	char		*cause = NULL;

	for (i = 0; i < c->n; i++) {
		k = c->v[i];
		if (k->state == KC_RUNNING) {
			if (subcmd_ended(&k->job)) {
				kcheck_finished(k);
				ui_dirty(ui);
			} else
				running++;
		}
	}
	for (i = 0; i < c->n; i++) {
		k = c->v[i];
		if (k->state != KC_QUEUED)
			continue;
		if (running >= max) {
			waiting++;
			continue;
		}
		args[0] = "dkim";
		args[1] = "check";
		args[2] = k->domain;
		args[3] = k->selector;
		args[4] = "--json";
		args[5] = NULL;
		if (subcmd_start(ui, &k->job, args, subcmd_dns_limit(ui),
		    &cause) == -1) {
			k->state = KC_FAILED;
			k->stale = 0;
			free(k->error);
			k->error = cause;
			cause = NULL;
		} else {
			k->state = KC_RUNNING;
			running++;
		}
		ui_dirty(ui);
	}
	return running + waiting;
}

static const struct {
	const char	*verdict, *word;
	enum ui_role	 role;
} kcheck_words[] = {
	{ "match", N_("✓ published"), ROLE_OK },
	{ "absent", N_("✗ not published"), ROLE_FAIL },
	{ "different", N_("✗ different key"), ROLE_FAIL },
	{ "revoked", N_("✗ revoked"), ROLE_FAIL },
	{ "syntax", N_("✗ syntax error"), ROLE_FAIL },
	{ "dnsfail", N_("! DNS failure"), ROLE_WARN },
};

/* The word for the table. */
const char *
kcheck_word(const struct kcheck *k, unsigned int frame, enum ui_role *role)
{
	static char	buf[64];
	size_t		i;

	*role = ROLE_DIM;
	if (k == NULL || k->state == KC_NONE)
		return "-";
	if ((k->state == KC_QUEUED || k->state == KC_RUNNING) && !k->quiet) {
		snprintf(buf, sizeof buf, _("%s checking…"),
		    subcmd_spinner(frame));
		return buf;
	}
	if (k->state == KC_FAILED || k->verdict == NULL) {
		*role = ROLE_WARN;
		return _("! check failed");
	}
	for (i = 0; i < nitems(kcheck_words); i++)
		if (strcmp(k->verdict, kcheck_words[i].verdict) == 0) {
			*role = kcheck_words[i].role;
			return _(kcheck_words[i].word);
		}
	*role = ROLE_WARN;
	return k->verdict;
}

/* What the last result says, on one line. */
char *
kcheck_line(const struct kcheck *k)
{
	if (k == NULL)
		return NULL;
	if (k->state == KC_FAILED || (k->stale && k->error != NULL))
		return xprintf(_("The check failed: %s"), k->error != NULL ?
		    k->error : _("no verdict"));
	if (k->verdict == NULL)
		return NULL;
	if (strcmp(k->verdict, "match") == 0)
		return k->observed != NULL ? xprintf(_("The published key is "
		    "the local key: %s"), k->observed) : xstrdup(_("The "
		    "published key is the local key"));
	if (strcmp(k->verdict, "dnsfail") == 0)
		return xprintf(_("DNS failure: %s"), k->observed != NULL ?
		    k->observed : _("the lookup failed"));
	if (strcmp(k->verdict, "absent") == 0)
		return xprintf(_("Not published: %s"), k->observed != NULL ?
		    k->observed : _("no record"));
	return xprintf("%s: %s", strcmp(k->verdict, "different") == 0 ?
	    _("A different key is published") : strcmp(k->verdict,
	    "revoked") == 0 ? _("Revoked (empty p=)") : _("Syntax error"),
	    k->observed != NULL ? k->observed : "");
}
