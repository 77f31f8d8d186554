/* herald issue new | edit | copy | show | ls | preview, and herald
 * unsubscribe. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "cli_int.h"
#include "config/config.h"
#include "auth/dkim.h"
#include "base/json.h"
#include "mail/message.h"
#include "feedback/record.h"
#include "send/audience.h"
#include "send/build.h"
#include "smtp/provider.h"
#include "store/store.h"
#include "base/utf8.h"

/* Parse an issue id argument. */
static int
issue_id_arg(const char *s, int64_t *id)
{
	long long	v;

	if (parse_int(s, 1, INT64_MAX, &v) == -1) {
		cli_err(_("'%s': an issue id is a number (herald issue ls "
		    "shows them)"), s);
		return EXIT_USAGE;
	}
	*id = (int64_t)v;
	return 0;
}

/* Open the store and load issue id: as stored, or (sent) as its send
 * sends it. Returns 0 or an exit status. */
static int
issue_load(struct cli_env *env, const char *arg, int sent, struct issue *is)
{
	char	*cause = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = issue_id_arg(arg, &id)) != 0 || (rc = cli_store(env)) != 0)
		return rc;
	rc = sent ? store_issue_sent(env->store, id, is, &cause) :
	    store_issue_get(env->store, id, is, &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no issue %lld (herald issue ls shows them)"),
		    (long long)id);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* Read a body file ("-": standard input), bounded and checked. */
static int
issue_read_body(const char *path, char **out)
{
	struct buf	 b;
	FILE		*f = stdin;
	char		 chunk[65536], *cause = NULL;
	size_t		 n;

	if (strcmp(path, "-") != 0 && (f = fopen(path, "r")) == NULL) {
		cli_err(_("cannot read %s: %s"), path, strerror(errno));
		return errno == ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > MESSAGE_BODY_MAX) {
			cli_err(_("%s: a body is at most %d bytes"), path,
			    MESSAGE_BODY_MAX);
			goto fail;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		cli_err(_("cannot read %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (b.len != 0 && message_check_text(path, b.data, b.len,
	    &cause) == -1) {
		cli_fail(0, cause);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*out = b.data != NULL ? buf_take(&b) : xstrdup("");
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	buf_free(&b);
	return EXIT_DATAERR;
}

/* The audience of issue new's options: --list and each --to in the order
 * given, then each --exclude; looked up and settled. 0 or an exit status. */
static int
issue_audience_opts(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a, struct issue *is)
{
	const char	*v;
	char		*cause = NULL;
	size_t		 i;
	int		 k, seg, rc;

	for (k = 0; k < a->nrep; k++) {
		if (strcmp(cmd->opts[a->repk[k]].name, "list") == 0 ||
		    strcmp(cmd->opts[a->repk[k]].name, "to") == 0)
			message_audience_add(is, a->rep[k], 0);
	}
	for (k = 0; (v = cli_opt_each(cmd, a, "exclude", k)) != NULL; k++)
		message_audience_add(is, v, 1);
	/* An unknown name is exit status 66, as an unknown list always was. */
	for (i = 0; i < is->naud; i++) {
		if ((rc = store_audience_lookup(env->store, is->aud[i].name,
		    &seg, &cause)) == 1) {
			cli_fail(0, cause);
			return EXIT_NOINPUT;
		}
		if (rc == -1)
			return cli_fail(EXIT_DATAERR, cause);
	}
	if (message_audience_settle(env->store, is, &cause) == -1)
		return cli_fail(EXIT_DATAERR, cause);
	return 0;
}

/* herald issue new */
static int
cmd_issue_new(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct issue	 is;
	const char	*list = cli_opt(cmd, a, "list");
	const char	*from = cli_opt(cmd, a, "from");
	const char	*subject = cli_opt(cmd, a, "subject");
	const char	*body = cli_opt(cmd, a, "body-file");
	const char	*enc = cli_opt(cmd, a, "encoding");
	const char	*kind = cli_opt(cmd, a, "kind");
	const char	*cs = cli_opt(cmd, a, "charset");
	char		*cause = NULL;
	struct buf	 b;
	struct json	 j;
	int		 rc;

	/* The configuration gives a new issue its encoding and charset. */
	if (enc == NULL)
		enc = config_get(env->cfg, "transfer_encoding");
	if (cs == NULL)
		cs = config_get(env->cfg, "charset");
	if (from == NULL)
		from = config_get(env->cfg, "from");
	if ((list == NULL && cli_opt(cmd, a, "to") == NULL) ||
	    subject == NULL || body == NULL) {
		cli_err(_("issue new needs --to (or --list), --subject and "
		    "--body-file (herald issue new --help)"));
		return EXIT_USAGE;
	}
	if (from == NULL) {
		cli_err(_("no From address: give --from 'Name <address>' or "
		    "set one with herald config set from 'Name <address>'"));
		return EXIT_USAGE;
	}
	memset(&is, 0, sizeof is);
	if ((rc = issue_read_body(body, &is.body)) != 0)
		return rc;
	if ((rc = cli_store(env)) != 0)
		goto out;
	if ((rc = issue_audience_opts(env, cmd, a, &is)) != 0)
		goto out;
	is.from = xstrdup(from);
	is.reply_to = xstrdup(cli_opt(cmd, a, "reply-to") != NULL ?
	    cli_opt(cmd, a, "reply-to") : "");
	is.subject = xstrdup(subject);
	is.unsubscribe = xstrdup(cli_opt(cmd, a, "unsubscribe") != NULL ?
	    cli_opt(cmd, a, "unsubscribe") : "");
	is.encoding = xstrdup(enc != NULL ? enc : "auto");
	is.kind = xstrdup(kind != NULL ? kind : "notice");
	is.charset = xstrdup(cs != NULL ? cs : "utf-8");
	if (message_check_list(env->store, &is, &cause) == -1) {
		rc = cli_fail(EXIT_DATAERR, cause);
		goto out;
	}
	if (store_issue_add(env->store, &is, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", is.id);
		cli_json_print(&j, &b);
	} else
		printf("%lld\n", (long long)is.id);
	rc = 0;
out:
	issue_free(&is);
	return rc;
}

/* herald issue edit ID --charset X | --encoding X: set them without the
 * editor, checked as the editor's file is. Frees is. */
static int
issue_set(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a, struct issue *is)
{
	const char	*cs = cli_opt(cmd, a, "charset");
	const char	*enc = cli_opt(cmd, a, "encoding");
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL;
	int		 rc;

	if (cs != NULL) {
		free(is->charset);
		is->charset = xstrdup(cs);
	}
	if (enc != NULL) {
		free(is->encoding);
		is->encoding = xstrdup(enc);
	}
	if (message_check_list(env->store, is, &cause) == -1) {
		rc = cli_fail(EXIT_DATAERR, cause);
		goto out;
	}
	/* A send that started since issue edit looked is refused here. */
	if (store_issue_update(env->store, is, &cause) == -1) {
		rc = cli_fail(EXIT_DATAERR, cause);
		goto out;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", is->id);
		json_put_str(&j, "result", "saved");
		cli_json_print(&j, &b);
	} else
		printf(_("issue %lld saved (Charset %s, Encoding %s)\n"),
		    (long long)is->id, is->charset, is->encoding);
	rc = 0;
out:
	issue_free(is);
	return rc;
}

/* herald issue edit ID */
static int
cmd_issue_edit(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	static const char *const names[] = { "saved", "unchanged", "aborted",
	    "copied" };
	enum message_edit_result res;
	struct issue		 is;
	struct buf		 b;
	struct json		 j;
	char			*cause = NULL;
	int64_t			 id;
	int			 rc;

	if ((rc = issue_load(env, a->argv[0], 0, &is)) != 0)
		return rc;
	/* Refused before the editor opens, not when the edit is saved. */
	switch (store_issue_busy(env->store, is.id, &cause)) {
	case -1:
		issue_free(&is);
		return cli_fail(EXIT_IOERR, cause);
	case 1:
		cli_err("%s", store_issue_busy_why(is.id));
		issue_free(&is);
		return EXIT_DATAERR;
	}
	id = is.id;
	if (cli_opt(cmd, a, "charset") != NULL ||
	    cli_opt(cmd, a, "encoding") != NULL)
		return issue_set(env, cmd, a, &is);
	if (message_edit(env->store, &is, message_editor_run, NULL, &res,
	    &cause) == -1) {
		issue_free(&is);
		return cli_fail(1, cause);
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", is.id);
		json_put_str(&j, "result", names[res]);
		if (res == MESSAGE_EDIT_COPIED)
			json_put_int(&j, "copy_of", id);
		cli_json_print(&j, &b);
	} else if (res == MESSAGE_EDIT_COPIED)
		printf(_("issue %lld saved: a copy of issue %lld, whose send "
		    "started while it was edited (herald status %lld)\n"),
		    (long long)is.id, (long long)id, (long long)id);
	else if (res == MESSAGE_EDIT_SAVED)
		printf(_("issue %lld saved\n"), (long long)is.id);
	else if (res == MESSAGE_EDIT_UNCHANGED)
		printf(_("issue %lld unchanged\n"), (long long)is.id);
	if (res == MESSAGE_EDIT_ABORTED)
		cli_err(_("aborted: issue %lld is "
		    "unchanged"), (long long)is.id);
	issue_free(&is);
	return res == MESSAGE_EDIT_ABORTED ? 1 : 0;
}

/* herald issue copy ID */
static int
cmd_issue_copy(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL;
	int64_t		 id, copy;
	int		 rc;

	(void)cmd;
	if ((rc = issue_id_arg(a->argv[0], &id)) != 0 ||
	    (rc = cli_store(env)) != 0)
		return rc;
	rc = store_issue_copy(env->store, id, &copy, &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no issue %lld (herald issue ls shows them)"),
		    (long long)id);
		return EXIT_NOINPUT;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", copy);
		json_put_int(&j, "copy_of", id);
		cli_json_print(&j, &b);
	} else
		printf("%lld\n", (long long)copy);
	return 0;
}

/* An issue as a JSON object (with the body when asked). */
static void
issue_json(struct json *j, const struct issue *is, int body)
{
	size_t	i;

	json_open_object(j, NULL);
	json_put_int(j, "id", is->id);
	json_put_strnull(j, "list", is->list_name);
	json_open_array(j, "to");
	for (i = 0; i < is->naud; i++)
		if (!is->aud[i].exclude)
			json_put_str(j, NULL, is->aud[i].name);
	json_close(j);
	json_open_array(j, "exclude");
	for (i = 0; i < is->naud; i++)
		if (is->aud[i].exclude)
			json_put_str(j, NULL, is->aud[i].name);
	json_close(j);
	json_put_str(j, "from", is->from);
	json_put_str(j, "reply_to", is->reply_to);
	json_put_str(j, "subject", is->subject);
	json_put_str(j, "unsubscribe", is->unsubscribe);
	json_put_str(j, "encoding", is->encoding);
	json_put_str(j, "kind", is->kind);
	json_put_str(j, "charset", is->charset);
	json_put_int(j, "created", is->created_at);
	json_put_int(j, "updated", is->updated_at);
	if (body)
		json_put_str(j, "body", is->body);
	json_close(j);
}

/* herald issue show ID */
static int
cmd_issue_show(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct issue	 is;
	struct buf	 b;
	struct json	 j;
	size_t		 len;
	char		*to, *exclude;
	int		 rc;

	(void)cmd;
	if ((rc = issue_load(env, a->argv[0], 0, &is)) != 0)
		return rc;
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		issue_json(&j, &is, 1);
		cli_json_out(&b);
		buf_free(&b);
	} else {
		/* As the editor's file has them; To and Exclude only when
		 * the issue goes to more than its list. */
		to = message_audience_rest(&is);
		exclude = message_audience_text(&is, 1);
		printf("From: %s\nReply-To: %s\nSubject: %s\nList: %s\n",
		    is.from, is.reply_to, is.subject,
		    message_audience_list(&is) != NULL ?
		    message_audience_list(&is) : *to != '\0' ? "" :
		    "(removed)");
		if (*to != '\0' || *exclude != '\0')
			printf("To: %s\nExclude: %s\n", to, exclude);
		printf("Unsubscribe: %s\nEncoding: %s\nKind: %s\n"
		    "Charset: %s\n\n", is.unsubscribe, is.encoding, is.kind,
		    is.charset);
		free(to);
		free(exclude);
		len = strlen(is.body);
		fwrite(is.body, 1, len, stdout);
		if (len != 0 && is.body[len - 1] != '\n')
			putchar('\n');
	}
	issue_free(&is);
	return 0;
}

/* A provider's name as shown ("other" for none known). */
static const char *
issue_provider_label(const char *name)
{
	const struct provider	*p = provider_find(name);

	return p != NULL ? p->label : _("other");
}

/* The audience's counts as JSON. */
static void
issue_audience_json(const struct issue *is, const struct audience_counts *c)
{
	struct buf	b;
	struct json	j;
	size_t		i;

	cli_json_open(&j, &b);
	json_put_int(&j, "id", is->id);
	json_open_array(&j, "sources");
	for (i = 0; i < c->nsrc; i++) {
		json_open_object(&j, NULL);
		json_put_str(&j, "name", c->src[i].name);
		json_put_str(&j, "kind", c->src[i].exclude ? "exclude" : "to");
		json_put_str(&j, "type", c->src[i].segment ? "segment" :
		    "list");
		json_put_int(&j, "members", c->src[i].members);
		json_close(&j);
	}
	json_close(&j);
	json_put_int(&j, "duplicates", c->duplicates);
	json_put_int(&j, "excluded", c->excluded);
	json_put_int(&j, "suppressed", c->suppressed);
	json_put_int(&j, "total", c->total);
	json_open_array(&j, "providers");
	for (i = 0; i < c->nproviders; i++) {
		json_open_object(&j, NULL);
		json_put_str(&j, "provider", c->providers[i].key);
		json_put_int(&j, "recipients", c->providers[i].n);
		json_close(&j);
	}
	json_close(&j);
	json_open_array(&j, "domains");
	for (i = 0; i < c->ndomains; i++) {
		json_open_object(&j, NULL);
		json_put_str(&j, "domain", c->domains[i].key);
		json_put_int(&j, "recipients", c->domains[i].n);
		json_close(&j);
	}
	json_close(&j);
	cli_json_print(&j, &b);
}

/* One line of the counts: a label padded, then the number. */
static void
issue_audience_line(const char *label, int64_t n)
{
	printf("  ");
	cli_pad(label, 24, 0, " ");
	printf("%8lld\n", (long long)n);
}

/* herald issue audience ID [--count] */
static int
cmd_issue_audience(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct audience_counts	 c;
	struct issue		 is;
	char			*cause = NULL, *label;
	size_t			 i;
	int			 rc;

	if ((rc = issue_load(env, a->argv[0], 0, &is)) != 0)
		return rc;
	if (audience_count(env->store, &is, &c, &cause) == -1) {
		audience_free(&c);
		issue_free(&is);
		return cli_fail(EXIT_DATAERR, cause);
	}
	if (env->json)
		issue_audience_json(&is, &c);
	else if (cli_opt(cmd, a, "count") != NULL)
		printf("%lld\n", (long long)c.total);
	else {
		printf(_("issue %lld: %lld recipients\n"), (long long)is.id,
		    (long long)c.total);
		for (i = 0; i < c.nsrc; i++) {
			/* TRANSLATORS: To: list NAME, Exclude: segment NAME. */
			if (c.src[i].exclude)
				label = xprintf(c.src[i].segment ?
				    _("Exclude: segment %s") :
				    _("Exclude: list %s"), c.src[i].name);
			else
				label = xprintf(c.src[i].segment ?
				    _("To: segment %s") : _("To: list %s"),
				    c.src[i].name);
			issue_audience_line(label, c.src[i].members);
			free(label);
		}
		issue_audience_line(_("in more than one To"), c.duplicates);
		issue_audience_line(_("excluded"), c.excluded);
		issue_audience_line(_("suppressed"), c.suppressed);
		issue_audience_line(_("recipients"), c.total);
		printf("%s\n", _("by provider (known by the domain):"));
		for (i = 0; i < c.nproviders; i++)
			issue_audience_line(issue_provider_label(
			    c.providers[i].key), c.providers[i].n);
		printf("%s\n", _("by domain:"));
		for (i = 0; i < c.ndomains; i++)
			issue_audience_line(c.domains[i].key, c.domains[i].n);
	}
	audience_free(&c);
	issue_free(&is);
	return 0;
}

/* Print s cropped and padded to cols columns, then a space. */
static void
issue_cell(const char *s, int cols)
{
	char	*fit = utf8_fit(s, cols, 1);

	printf("%s ", fit);
	free(fit);
}

/* herald issue ls */
static int
cmd_issue_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct issue	*v;
	struct buf	 b;
	struct json	 j;
	size_t		 n, i;
	char		*cause = NULL, date[32], *to;
	int		 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	if (store_issues(env->store, &v, &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
		for (i = 0; i < n; i++)
			issue_json(&j, &v[i], 0);
		cli_json_print(&j, &b);
	} else if (n == 0)
		printf(_("no issues yet: herald issue new --list L --subject S "
		    "--body-file F writes one\n"));
	else {
		/* TRANSLATORS: column headings of herald issue ls. */
		cli_pad(_("ID"), 5, 1, " ");
		issue_cell(_("LIST"), 16);
		issue_cell(_("SUBJECT"), 40);
		issue_cell(_("KIND"), 6);
		printf("%s\n", _("UPDATED"));
		for (i = 0; i < n; i++) {
			cli_date(date, sizeof date, v[i].updated_at);
			printf("%5lld ", (long long)v[i].id);
			/* The To names: the list, or the lists and
			 * segments an issue goes to. */
			to = message_audience_text(&v[i], 0);
			issue_cell(*to != '\0' ? to : _("(removed)"), 16);
			free(to);
			issue_cell(v[i].subject, 40);
			issue_cell(v[i].kind, 6);
			printf("%s\n", date);
		}
	}
	for (i = 0; i < n; i++)
		issue_free(&v[i]);
	free(v);
	return 0;
}

/* herald issue preview ID --to ADDR */
static int
cmd_issue_preview(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct issue		 is;
	struct member		 m;
	struct recipient	 r;
	struct message_preview	 pv;
	struct message_encoding	 me;
	struct buf		 out, b;
	struct json		 j;
	const char		*to = cli_opt(cmd, a, "to"), *reason;
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	char			*cause = NULL, *why;
	int			 rc, any = cli_opt(cmd, a, "any") != NULL;

	if (to == NULL) {
		cli_err(_("issue preview needs --to ADDR (a member of the "
		    "issue's list)"));
		return EXIT_USAGE;
	}
	if (addr_parse_mailbox(to, strlen(to), name, addr, &reason) == -1) {
		cli_err(_("--to '%s': %s"), to, reason);
		return EXIT_DATAERR;
	}
	/* What recipients get: an issue with a send, that send's copy. */
	if ((rc = issue_load(env, a->argv[0], 1, &is)) != 0)
		return rc;
	memset(&m, 0, sizeof m);
	memset(&pv, 0, sizeof pv);
	memset(&me, 0, sizeof me);
	buf_init(&out);
	if (is.list_id != 0 && store_member_find(env->store, is.list_id, addr,
	    &m, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (m.addr == NULL && !any) {
		if (is.list_id == 0)
			cli_err(_("issue %lld has no list (it was removed); "
			    "--any previews for any "
			    "address"), (long long)is.id);
		else
			cli_err(_("%s is not a member of list %s (--any "
			    "previews for an address outside the list)"), addr,
			    is.list_name);
		rc = EXIT_NOINPUT;
		goto out;
	}
	memset(&r, 0, sizeof r);
	r.addr = m.addr != NULL ? m.addr : addr;
	r.name = m.addr != NULL ? m.name : name;
	r.attrs = m.addr != NULL ? m.attrs : "{}";
	if (m.suppressed)
		cli_err(_("note: %s is suppressed: a send skips it"), m.addr);
	rc = message_preview(env->store, env->cfg, &is, &r, &out, &pv,
	    &cause);
	/* The keys were read and none is active. */
	if (pv.domain != NULL && pv.failed != PREVIEW_KEYS && pv.active == 0) {
		why = dkim_unsigned_why(env->store, pv.domain);
		cli_err(_("note: this message is not signed: %s"), why);
		free(why);
	}
	if (rc == -1) {
		rc = cli_fail(pv.failed == PREVIEW_FROM ||
		    pv.failed == PREVIEW_RENDER ? EXIT_DATAERR :
		    pv.failed == PREVIEW_ENVELOPE ? EXIT_CONFIG : EXIT_IOERR,
		    cause);
		goto out;
	}
	/* Which transfer encoding, and why (as the console says). */
	if (message_encoding(&is, &r, &me, &cause) == -1) {
		rc = cli_fail(EXIT_DATAERR, cause);
		goto out;
	}
	if (!env->json)
		cli_err(_("note: %s, %s"), me.charset, me.why);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "to", r.addr);
		json_put_str(&j, "charset", me.charset);
		json_put_str(&j, "transfer_encoding", me.cte);
		json_put_strnull(&j, "transfer_encoding_7bit", me.fallback);
		json_put_str(&j, "transfer_encoding_why", me.why);
		json_put_bool(&j, "member", m.addr != NULL);
		json_put_uint(&j, "signatures", pv.signatures);
		json_put_str(&j, "token", pv.token);
		json_put_str(&j, "envelope_from", pv.envelope_from);
		json_put_strn(&j, "message", out.data, out.len);
		cli_json_print(&j, &b);
	} else
		fwrite(out.data, 1, out.len, stdout);
	rc = 0;
out:
	free(me.why);
	message_preview_free(&pv);
	store_member_free(&m);
	buf_free(&out);
	issue_free(&is);
	return rc;
}

/* A member whose merge values the issue's charset cannot carry. */
struct issue_check_member {
	char	*addr;
	char	*error;
};
struct issue_check_ctx {
	const struct issue		*is;
	struct issue_check_member	*v;
	size_t				 n;
};

/* Render-check one member's values (store_contacts_to_send callback). */
static int
issue_check_one(const struct contact *c, void *arg)
{
	struct issue_check_ctx	*x = arg;
	struct recipient	 r;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.addr = c->addr;
	r.name = c->name;
	r.attrs = c->attrs;
	if (c->suppressed ||
	    message_recipient_charset(x->is, &r, &cause) == 0)
		return 0;
	x->v = xreallocarray(x->v, x->n + 1, sizeof *x->v);
	x->v[x->n].addr = xstrdup(c->addr);
	x->v[x->n].error = cause;
	x->n++;
	return 0;
}

#define ISSUE_CHECK_SHOWN	20	/* members listed in the text output */

/* herald issue check ID */
static int
cmd_issue_check(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct issue		 is;
	struct issue_check_ctx	 x;
	struct charset_bad	*v = NULL;
	struct buf		 b;
	struct json		 j;
	char			*cause = NULL, *problem = NULL, *report;
	char			 cp[16];
	size_t			 n = 0, i;
	int			 rc, jis = 0;

	(void)cmd;
	if ((rc = issue_load(env, a->argv[0], 0, &is)) != 0)
		return rc;
	memset(&x, 0, sizeof x);
	x.is = &is;
	/* What saving it would refuse (the headers, the merge fields). */
	if (message_check_list(env->store, &is, &problem) == -1 &&
	    problem == NULL)
		problem = xstrdup("?");
	if (message_charset_check(&is, &v, &n, &cause) == -1) {
		rc = cli_fail(EXIT_SOFTWARE, cause);
		goto out;
	}
	/* The members' values, as the send would merge them: a member
	 * refused then is named now. */
	if (problem == NULL && n == 0 && is.list_id != 0 &&
	    message_charset_parse(is.charset, &jis) == 0 && jis &&
	    audience_walk(env->store, &is, issue_check_one, &x, NULL,
	    &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	rc = problem != NULL || n != 0 || x.n != 0 ? EXIT_DATAERR : 0;
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_int(&j, "id", is.id);
		json_put_str(&j, "charset", is.charset);
		json_put_bool(&j, "ok", rc == 0);
		json_open_array(&j, "unencodable");
		for (i = 0; i < n; i++) {
			json_open_object(&j, NULL);
			json_put_str(&j, "field", v[i].field);
			json_put_uint(&j, "line", v[i].line);
			json_put_uint(&j, "column", v[i].column);
			json_put_str(&j, "char", v[i].ch);
			snprintf(cp, sizeof cp, "U+%04X", v[i].cp);
			json_put_str(&j, "codepoint", cp);
			json_close(&j);
		}
		json_close(&j);
		json_open_array(&j, "members");
		for (i = 0; i < x.n; i++) {
			json_open_object(&j, NULL);
			json_put_str(&j, "addr", x.v[i].addr);
			json_put_str(&j, "error", x.v[i].error);
			json_close(&j);
		}
		json_close(&j);
		json_open_array(&j, "problems");
		if (problem != NULL)
			json_put_str(&j, NULL, problem);
		json_close(&j);
		cli_json_print(&j, &b);
		goto out;
	}
	if (problem != NULL)
		printf(_("issue %lld does not check: %s\n"), (long long)is.id,
		    problem);
	if (n != 0) {
		report = message_charset_report(&is, v, n);
		printf("%s\n", report);
		free(report);
	}
	if (x.n != 0)
		printf(ngettext("%zu member has a merge value that cannot be "
		    "written in %s (the send refuses that member):\n",
		    "%zu members have merge values that cannot be written in "
		    "%s (the send refuses those members):\n", x.n), x.n,
		    is.charset);
	for (i = 0; i < x.n && i < ISSUE_CHECK_SHOWN; i++)
		printf("  %s: %s\n", x.v[i].addr, x.v[i].error);
	if (x.n > ISSUE_CHECK_SHOWN)
		printf(_("  and %zu more (--json lists them all)\n"),
		    x.n - ISSUE_CHECK_SHOWN);
	if (rc == 0)
		printf(_("issue %lld checks: every character can be written "
		    "in %s\n"), (long long)is.id, is.charset);
out:
	for (i = 0; i < x.n; i++) {
		free(x.v[i].addr);
		free(x.v[i].error);
	}
	free(x.v);
	free(v);
	free(problem);
	issue_free(&is);
	return rc;
}

/* herald unsubscribe TOKEN|ADDR */
static int
cmd_unsubscribe(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const char	*arg = a->argv[0], *reason;
	char		 name[ADDR_NAME_MAX + 1], norm[ADDR_MAX + 1];
	char		 token[MESSAGE_TOKEN_LEN + 1], *addr = NULL;
	char		*cause = NULL, *detail;
	struct buf	 b;
	struct json	 j;
	size_t		 i;
	int		 rc, added;

	if (cli_opt(cmd, a, "cgi") != NULL) {
		if (a->argc != 0) {
			cli_err(_("unsubscribe --cgi takes no TOKEN: the web "
			    "server's request carries it"));
			return EXIT_USAGE;
		}
		return cli_unsubscribe_cgi(env);
	}
	if (a->argc != 1) {
		cli_err(_("unsubscribe needs a TOKEN or an address (herald "
		    "unsubscribe --help)"));
		return EXIT_USAGE;
	}
	token[0] = '\0';
	if (strchr(arg, '@') != NULL) {
		if (addr_parse_mailbox(arg, strlen(arg), name, norm,
		    &reason) == -1) {
			cli_err("'%s': %s", arg, reason);
			return EXIT_DATAERR;
		}
		addr = xstrdup(norm);
	} else if (!message_is_token(arg)) {
		cli_err(_("'%s' is neither an unsubscribe token (%d letters "
		    "and digits, from the List-Unsubscribe header) nor an "
		    "address"), arg, MESSAGE_TOKEN_LEN);
		return EXIT_DATAERR;
	}
	if ((rc = cli_store(env)) != 0) {
		free(addr);
		return rc;
	}
	if (addr == NULL) {
		for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
			token[i] = (char)(arg[i] >= 'A' && arg[i] <= 'Z' ?
			    arg[i] - 'A' + 'a' : arg[i]);
		token[i] = '\0';
		/* The same path as a one-click or a mailed unsubscribe:
		 * suppressed, and kept in the feedback trail. */
		rc = feedback_unsubscribe_as(env->store, token, "cli", &addr,
		    &added, &cause);
		if (rc == -1)
			return cli_fail(EXIT_IOERR, cause);
		if (rc == 0) {
			cli_err(_("no unsubscribe token '%s' in this database"),
			    token);
			return EXIT_NOINPUT;
		}
	} else {
		detail = xstrdup(NT("herald unsubscribe"));
		rc = store_suppress_add(env->store, addr, "unsubscribe",
		    detail, &added, &cause);
		free(detail);
		if (rc == -1) {
			free(addr);
			return cli_fail(EXIT_IOERR, cause);
		}
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "addr", addr);
		json_put_strnull(&j, "token", *token != '\0' ? token : NULL);
		json_put_bool(&j, "added", added);
		cli_json_print(&j, &b);
	} else if (added && *token != '\0')
		printf(_("unsubscribed %s (token %s): suppressed, never sent "
		    "to again\n"), addr, token);
	else if (added)
		printf(_("unsubscribed %s: suppressed, never sent to again\n"),
		    addr);
	else
		printf(_("%s was already suppressed: nothing to do\n"), addr);
	free(addr);
	return 0;
}

static const struct cli_opt unsubscribe_opts[] = {
	{ "cgi", NULL, N_("answer one HTTP request as a CGI program (the "
	  "one-click URL)") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt new_opts[] = {
	{ "to", "NAME", N_("a list or segment to send to (give --to once a "
	  "name; one at least)") },
	{ "exclude", "NAME", N_("a list or segment whose members are left out "
	  "(give --exclude once a name)") },
	{ "list", "LIST", N_("the same as --to LIST") },
	{ "from", "MAILBOX", N_("'Name <address>' (default: config from)") },
	{ "subject", "TEXT", N_("the Subject, merge fields allowed "
	  "(required)") },
	{ "body-file", "FILE", N_("the plain-text body, UTF-8 (- for standard "
	  "input; required)") },
	{ "reply-to", "MAILBOX", N_("a Reply-To address") },
	{ "unsubscribe", "URI", N_("an https:// one-click URI (default: config "
	  "unsubscribe_url) or a mailto: address for unsubscribe requests") },
	{ "encoding", "ENC", N_("auto (by content: 7bit, quoted-printable or "
	  "base64), base64, quoted-printable or 8bit (default: config "
	  "transfer_encoding)") },
	{ "kind", "KIND", N_("ad (an advertisement: the law's footer and "
	  "checks before sending) or notice (the default)") },
	{ "charset", "CS", N_("utf-8 or iso-2022-jp (default: config "
	  "charset)") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt audience_opts[] = {
	{ "count", NULL, N_("print the number of recipients alone") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt edit_opts[] = {
	{ "charset", "CS", N_("set the Charset, utf-8 or iso-2022-jp, without "
	  "the editor") },
	{ "encoding", "ENC", N_("set the Encoding, auto, base64, "
	  "quoted-printable or 8bit, without the editor") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt preview_opts[] = {
	{ "to", "ADDR", N_("the recipient: a member of the issue's list "
	  "(required)") },
	{ "any", NULL, N_("allow an address that is not on the list (no name, "
	  "no attributes: defaults apply)") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_issue_cmds[] = {
	{ NT("issue new"), "", 0, 0, N_("write an issue (an announcement to a "
	  "list); prints its id"),
	  N_("Merge fields in the Subject and body: {{name}}, {{email}} and "
	  "every column\n"
	  "imported with the list ({{city}}), {{FIELD|default}} when a member "
	  "has\n"
	  "no value, {{{{ for a literal {{. A field no member can fill is an "
	  "error\n"
	  "now rather than in the middle of a send. CR or LF in a header value "
	  "is\n"
	  "refused. Exit status 65 when the issue does not check, 66 for an "
	  "unknown\n"
	  "list or a missing body file."),
	  new_opts, cmd_issue_new },
	{ NT("issue edit"), "ID", 1, 1, N_("edit an issue in $VISUAL or "
	  "$EDITOR"),
	  N_("The editor (fallback vi) gets the headers From, Reply-To, "
	  "Subject, List,\n"
	  "Unsubscribe and Encoding above a blank line and the body, as mutt "
	  "does.\n"
	  "List is the first list the issue goes to; To names the other lists "
	  "and\n"
	  "segments it goes to and Exclude those whose members it leaves out\n"
	  "(names separated by commas).\n"
	  "If the result does not check, the editor opens again with the error "
	  "on\n"
	  "top. Leaving the file unchanged keeps the issue (exit 0); emptying "
	  "it,\n"
	  "or leaving it unchanged after an error, aborts (exit 1).\n"
	  "An issue whose send is not finished (running, paused, waiting or\n"
	  "interrupted) cannot be edited (exit 65): the send keeps the text "
	  "it\n"
	  "started with. herald issue copy ID makes a new issue to edit "
	  "instead. If a\n"
	  "send starts while the editor is open, the edit is saved as a new "
	  "issue."), edit_opts, cmd_issue_edit },
	{ NT("issue copy"), "ID", 1, 1, N_("a new issue from an old one; "
	  "prints its id"),
	  N_("The new issue has the list, headers and body of issue ID as "
	  "stored, and no\n"
	  "send: edit it with herald issue edit NEW and send it with herald "
	  "send NEW.\n"
	  "This is how to change an issue whose send is not finished (which "
	  "cannot\n"
	  "be edited). Exit status 66 when there is no issue "
	  "ID."), NULL, cmd_issue_copy },
	{ NT("issue audience"), "ID", 1, 1, N_("count an issue's recipients "
	  "before it is sent"),
	  N_("The members of each list and segment of the issue's To and "
	  "Exclude, then\n"
	  "those in more than one To (sent to once), those left out by "
	  "Exclude, the\n"
	  "suppressed (never sent to) and the recipients a send would start "
	  "with now,\n"
	  "by provider and by domain. An address is the same recipient "
	  "whatever the\n"
	  "letter case of its domain and, unless local_part_case is strict, "
	  "of its\n"
	  "local part. The provider is known from the domain alone, without "
	  "DNS\n"
	  "(gmail.com, docomo.ne.jp, ...): a domain of one's own hosted at a "
	  "provider\n"
	  "counts as other. --count prints the number of recipients alone. "
	  "With --json:\n"
	  "sources (name, kind, type, members), duplicates, excluded, "
	  "suppressed,\n"
	  "total, providers and domains (with recipients)."), audience_opts,
	  cmd_issue_audience },
	{ NT("issue show"), "ID", 1, 1, N_("print an issue's headers and body "
	  "as stored"), NULL, NULL, cmd_issue_show },
	{ NT("issue check"), "ID", 1, 1, N_("check that an issue can be sent "
	  "as written"),
	  N_("Checks what saving checks (headers, merge fields) and, for an "
	  "issue in\niso-2022-jp, every character of the Subject and body: "
	  "one that\nISO-2022-JP cannot carry (①, ㈱, 髙, emoji, ～) is "
	  "listed with its line and\ncolumn (in characters, from 1), never "
	  "replaced by '?'. Half-width katakana\nare sent as their "
	  "full-width forms (ｶﾞ as ガ) and are not reported. The\nmembers' "
	  "merge values are checked too: a member whose values cannot be\n"
	  "written is listed (a send refuses that member alone). herald send "
	  "refuses\nan issue whose own text cannot be written. Exit status 0 "
	  "when all is well,\n65 when something cannot be sent. With --json: "
	  "unencodable (field, line,\ncolumn, char, codepoint), members "
	  "(addr, error) and problems."), NULL,
	  cmd_issue_check },
	{ NT("issue ls"), "", 0, 0, N_("list the issues, newest "
	  "first"), NULL, NULL,
	  cmd_issue_ls },
	{ NT("issue preview"), "ID", 1, 1, N_("print exactly the message one "
	  "member gets, signed"),
	  N_("The bytes (CRLF line ends) that recipient would receive: merge "
	  "fields filled\nwith their name and attributes, their own "
	  "unsubscribe token (recorded, so\nherald unsubscribe TOKEN works), "
	  "and DKIM-Signature fields from the From\ndomain's active keys. "
	  "Without a key the message is printed unsigned and a\nnote says so "
	  "(exit 0). The SMTP writer dot-stuffs when it sends; this\ndoes "
	  "not. An issue that has a send is previewed from that send's own "
	  "copy\nof the text, taken when it started. With --json, "
	  "envelope_from is the MAIL\nFROM it goes out with (with verp = on, "
	  "bounce+TOKEN@domain)."), preview_opts,
	  cmd_issue_preview },
	{ "unsubscribe", "TOKEN|ADDR", 0, 1, N_("record an unsubscribe (adds a "
	  "suppression)"),
	  N_("TOKEN is the one in a recipient's List-Unsubscribe header (the "
	  "subject of\n"
	  "the mailto: request reads \"unsubscribe TOKEN\"); an address works "
	  "too.\n"
	  "The address is suppressed with reason unsubscribe: no send reaches "
	  "it again. A token goes the way a one-click or\n"
	  "mailed unsubscribe goes: it is kept in the feedback trail too "
	  "(source\n"
	  "\"cli\"; herald feedback ls).\n"
	  "\n"
	  "With --cgi (no TOKEN) it is the one-click unsubscribe URL as a "
	  "CGI/1.1\n"
	  "program for the web server (RFC 3875 variables: REQUEST_METHOD,\n"
	  "QUERY_STRING token=TOKEN or PATH_INFO /TOKEN, CONTENT_LENGTH, "
	  "CONTENT_TYPE,\n"
	  "HTTP_ACCEPT_LANGUAGE). GET shows a page with one button (Japanese "
	  "or\n"
	  "English); POST List-Unsubscribe=One-Click (RFC 8058) suppresses "
	  "(source\n"
	  "\"one-click\" in the trail) and answers 200; an unknown token gets "
	  "404 and\n"
	  "a page that names nothing; another method 405, a body over 1 KB "
	  "413. The\n"
	  "web server's user needs write access to the database: see man "
	  "herald,\n"
	  "ONE-CLICK UNSUBSCRIBE."), unsubscribe_opts,
	  cmd_unsubscribe },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
