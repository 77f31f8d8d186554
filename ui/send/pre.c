/*
 * Before a send: the issue, how many recipients (members of its list that
 * are not suppressed) in how many domains, the health verdict for its
 * From domain, and the TLS policy the send will use.
 *
 * Domains are counted a page of members per tick, so a list of a million
 * never stalls the console. The health verdict comes from a child
 * `herald check DOMAIN --stream` (ui/kit/child.h, and the Health screen's
 * report parser): DNS can hang, the console must not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "config/config.h"
#include "mail/message.h"
#include "send_ui.h"
#include "send/law.h"
#include "send/setup.h"
#include "store/store.h"

#define SEND_PRE_PAGE		5000	/* members counted per tick */
#define SEND_PRE_HEALTH_MS	200	/* the spinner of the check */
#define SEND_PRE_IDLE_MIN_MS	30000	/* a check silent this long is dead */

static void	send_pre_line(const char *, void *);
static void	send_pre_done(struct ui *, void *);

/* Nothing loaded. */
void
send_pre_init(struct send_pre *p)
{
	memset(p, 0, sizeof *p);
	send_doms_init(&p->doms);
	child_init(&p->w, send_pre_line, send_pre_done, p);
	hreport_init(&p->rep);
	p->policy = TLS_POLICY_MAY;
}

/* Forget the issue (stopping its check). */
static void
send_pre_clear(struct send_pre *p)
{
	child_stop(&p->w);
	hreport_clear(&p->rep, NULL);
	send_doms_free(&p->doms);
	free(p->subject);
	free(p->list);
	free(p->from);
	free(p->domain);
	free(p->envelope);
	p->envelope = NULL;
	free(p->problem);
	free(p->law);
	p->law = NULL;
	free(p->herror);
	free(p->test_to);
	free(p->test_text);
	p->subject = p->list = p->from = p->domain = p->problem = NULL;
	p->herror = p->test_to = p->test_text = NULL;
	p->issue = 0;
	p->list_id = p->members = p->suppressed = 0;
	p->offset = p->recipients = 0;
	p->counted = p->hrunning = p->hdone = 0;
	p->ntop = 0;
}

/* Free everything. */
void
send_pre_free(struct send_pre *p)
{
	send_pre_clear(p);
	child_free(&p->w);
	hreport_free(&p->rep);
}

/* The envelope-from the send would use: with VERP each recipient's own
 * (the pattern is shown); one too long for a token is the problem. */
static void
send_pre_envelope(struct ui *ui, struct send_pre *p, const struct issue *is)
{
	struct send_settings	 set;
	char			 base[ADDR_MAX + 1], *cause = NULL;
	const char		*at;

	memset(&set, 0, sizeof set);
	send_settings_verp(ui_config(ui), &set);
	if (send_envelope_base(ui_config(ui), is, base, &cause) == -1)
		goto out;
	set.envelope_from = base;
	if (send_settings_verp_check(&set, &cause) == -1) {
		if (p->problem == NULL)
			p->problem = xprintf("%s", cause);
		goto out;
	}
	at = strrchr(base, '@');
	if (set.verp != '\0' && at != NULL)
		p->envelope = xprintf(_("%.*s%cTOKEN%s (VERP: each "
		    "recipient's own, so a bounce names them)"),
		    (int)(at - base), base, set.verp, at);
	else
		p->envelope = xprintf(_("%s (verp off)"), base);
out:
	free(cause);
	free(set.unsubscribe_mailto);
}

/* The configured TLS policy (auto when unset or unknown). */
static enum tls_policy
send_pre_policy(struct ui *ui)
{
	const char	*v = config_get(ui_config(ui), "tls_policy");
	enum tls_policy	 pol;

	if (v == NULL || tls_policy_parse(v, &pol) == -1)
		return TLS_POLICY_AUTO;
	return pol;
}

/* Load an issue: its headers and list now, counts and health later. */
void
send_pre_load(struct ui *ui, struct send_pre *p, int64_t id)
{
	struct issue		 is;
	struct list_info	 li;
	struct send_law		 law;
	char			*cause = NULL;
	int			 rc;

	send_pre_clear(p);
	p->issue = id;
	p->policy = send_pre_policy(ui);
	memset(&is, 0, sizeof is);
	if ((rc = store_issue_get(ui_store(ui), id, &is, &cause)) != 0) {
		p->problem = rc == -1 ? xprintf(_("Cannot read issue %lld: %s"),
		    (long long)id, cause) : xprintf(_("There is no issue "
		    "%lld."), (long long)id);
		free(cause);
		p->counted = 1;
		return;
	}
	p->subject = xstrdup(is.subject != NULL ? is.subject : "");
	p->from = xstrdup(is.from != NULL ? is.from : "");
	p->list_id = is.list_id;
	if (is.list_id == 0 || is.list_name == NULL) {
		p->problem = xstrdup(_("Its list was removed: there is nobody "
		    "to send it to."));
		p->counted = 1;
	} else {
		p->list = xstrdup(is.list_name);
		memset(&li, 0, sizeof li);
		if (store_list_info(ui_store(ui), is.list_name, &li,
		    &cause) == 0) {
			p->members = li.members;
			p->suppressed = li.suppressed;
			free(li.name);
		} else {
			free(cause);
			cause = NULL;
		}
	}
	if ((p->domain = message_from_domain(&is, &cause)) == NULL) {
		if (p->problem == NULL)
			p->problem = xprintf(_("Its From address does not "
			    "work: %s"), cause != NULL ? cause :
			    _("no domain"));
		free(cause);
	}
	send_pre_envelope(ui, p, &is);
	if (send_law_check(ui_store(ui), ui_config(ui), &is, &law,
	    &cause) == 0)
		p->law = send_law_text(&law, is.list_name, 0);
	else {
		free(cause);
		cause = NULL;
	}
	issue_free(&is);
	hreport_clear(&p->rep, p->domain);
}

/* Count one member of the list (suppressed ones are not sent to). */
static int
send_pre_member(const struct contact *c, void *arg)
{
	struct send_pre	*p = arg;
	size_t		 i;

	p->offset++;
	if (c->suppressed)
		return 0;
	p->recipients++;
	i = send_doms_add(&p->doms, addr_domain(c->addr));
	p->doms.v[i].total++;
	return 0;
}

/* The largest domains, once every member is counted. */
static void
send_pre_top(struct send_pre *p)
{
	size_t	i, j, k;

	p->ntop = 0;
	for (i = 0; i < p->doms.n; i++) {
		for (j = 0; j < p->ntop; j++)
			if (p->doms.v[i].total > p->doms.v[p->top[j]].total)
				break;
		if (j == SEND_TOPDOMS)
			continue;
		if (p->ntop < SEND_TOPDOMS)
			p->ntop++;
		for (k = p->ntop - 1; k > j; k--)
			p->top[k] = p->top[k - 1];
		p->top[j] = i;
	}
}

/* Count the next page of members; 1 while there are more. */
static int
send_pre_count(struct ui *ui, struct send_pre *p)
{
	int64_t	 before = p->offset;
	char	*cause = NULL;

	if (p->counted)
		return 0;
	if (store_contacts(ui_store(ui), p->list_id, NULL, p->offset,
	    SEND_PRE_PAGE, send_pre_member, p, &cause) == -1) {
		free(p->problem);
		p->problem = xprintf(_("Cannot count the recipients: %s"),
		    cause);
		free(cause);
		p->counted = 1;
		return 0;
	}
	if (p->offset - before < SEND_PRE_PAGE) {
		p->counted = 1;
		send_pre_top(p);
	}
	ui_dirty(ui);
	return !p->counted;
}

/* Append --opt VALUE when key is configured. */
static void
send_pre_opt(struct ui *ui, char **argv, int *n, const char *key,
    const char *opt)
{
	const char	*v = config_get(ui_config(ui), key);

	if (!config_is_set(ui_config(ui), key) || v == NULL || *v == '\0')
		return;
	argv[(*n)++] = xstrdup(opt);
	argv[(*n)++] = xstrdup(v);
}

/* Start `herald check DOMAIN --stream` for the issue's From domain. */
void
send_pre_check(struct ui *ui, struct send_pre *p)
{
	char		**argv, *cause = NULL;
	int		  n = 0, i;

	child_stop(&p->w);
	p->hrunning = 0;
	free(p->herror);
	p->herror = NULL;
	if (p->domain == NULL)
		return;
	argv = subcmd_globals(ui, 10, &n);
	argv[n++] = xstrdup("check");
	argv[n++] = xstrdup(p->domain);
	/* The stream in the console's language, as ui/health reads it
	 * (health_argv): its findings are formatted in the child. */
	argv[n++] = xstrdup("--stream");
	send_pre_opt(ui, argv, &n, "source_ip", "--ip");
	send_pre_opt(ui, argv, &n, "helo", "--helo");
	send_pre_opt(ui, argv, &n, "bounce", "--envelope-from");
	argv[n] = NULL;
	p->hidle = subcmd_dns_limit(ui);
	if (p->hidle < SEND_PRE_IDLE_MIN_MS)
		p->hidle = SEND_PRE_IDLE_MIN_MS;
	if (child_start(ui, &p->w, SEND_EXE, argv, -1, p->hidle,
	    &cause) == -1) {
		p->herror = xprintf(_("cannot run the check: %s"), cause);
		free(cause);
	} else {
		hreport_begin(&p->rep);
		p->hrunning = 1;
		p->hdone = 0;
	}
	for (i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	ui_dirty(ui);
}

/* One line of the check. */
static void
send_pre_line(const char *line, void *arg)
{
	struct send_pre	*p = arg;

	hreport_line(&p->rep, line, ui_now());
}

/* The check is over: complete, or why not. */
static void
send_pre_checked(struct send_pre *p)
{
	char	*err = child_last_error(&p->w);
	int	 complete = p->rep.verdict != NULL;

	hreport_end(&p->rep, complete, ui_now());
	p->hrunning = 0;
	p->hdone = complete;
	free(p->herror);
	p->herror = NULL;
	if (!complete)
		p->herror = err != NULL ? xstrdup(err) :
		    xstrdup(_("the check printed no verdict"));
	free(err);
}

/* The check is over, or was stopped for silence. */
static void
send_pre_done(struct ui *ui, void *arg)
{
	struct send_pre	*p = arg;

	if (p->w.silent) {
		hreport_end(&p->rep, 0, ui_now());
		p->hrunning = 0;
		free(p->herror);
		p->herror = xprintf(_("no answer from the resolver for "
		    "%lld s: the check was stopped"),
		    (long long)(p->hidle / 1000));
	} else
		send_pre_checked(p);
	ui_dirty(ui);
}

/* Count members; turn the check's spinner. */
int
send_pre_tick(struct ui *ui, struct send_pre *p)
{
	int	more = send_pre_count(ui, p);

	if (p->hrunning) {
		p->frame++;
		ui_dirty(ui);
	}
	if (more)
		return 0;
	return p->hrunning ? SEND_PRE_HEALTH_MS : -1;
}

/* The failing checks, one a line, or NULL when nothing fails. */
char *
send_pre_failures(const struct send_pre *p)
{
	const char	*x = send_utf8() ? "✗" : "x";
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < p->rep.n; i++) {
		if (p->rep.v[i].status != HS_FAIL)
			continue;
		buf_printf(&b, "%s%s %s: %s", b.len > 0 ? "\n" : "", x,
		    p->rep.v[i].title != NULL ? _(p->rep.v[i].title) :
		    p->rep.v[i].id, p->rep.v[i].observed != NULL ?
		    p->rep.v[i].observed : "");
	}
	if (!p->hdone && p->hrunning)
		buf_printf(&b, _("%s%s The health check has not finished "
		    "yet"), b.len > 0 ? "\n" : "", x);
	else if (!p->hdone && p->herror != NULL)
		buf_printf(&b, _("%s%s The health check failed: %s"),
		    b.len > 0 ? "\n" : "", x, p->herror);
	else if (!p->hdone)
		buf_printf(&b, _("%s%s The health check did not run"),
		    b.len > 0 ? "\n" : "", x);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The newest issue that was never sent. */
int64_t
send_pre_default(struct ui *ui, char **cause)
{
	struct issue	*v = NULL;
	int64_t		*ids = NULL, pick = 0;
	size_t		 n = 0, nids = 0, i, j;

	if (store_issues(ui_store(ui), &v, &n, cause) == -1)
		return -1;
	if (store_send_ids(ui_store(ui), &ids, &nids, cause) == -1) {
		for (i = 0; i < n; i++)
			issue_free(&v[i]);
		free(v);
		return -1;
	}
	for (i = 0; i < n && pick == 0; i++) {
		for (j = 0; j < nids && ids[j] != v[i].id; j++)
			;
		if (j == nids)
			pick = v[i].id;
	}
	for (i = 0; i < n; i++)
		issue_free(&v[i]);
	free(v);
	free(ids);
	return pick;
}
