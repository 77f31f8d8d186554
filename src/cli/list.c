/* herald list ... and herald suppress ... */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "cli_int.h"
#include "mail/export.h"
#include "mail/import.h"
#include "base/json.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "store/store_segment.h"
#include "audience/filter.h"
#include "base/utf8.h"

/* Rows per import step: small enough to notice Ctrl-C promptly. */
#define IMPORT_STEP_ROWS	4096

/* Parse --format. */
static int
list_format(const char *s, enum import_format *f)
{
	if (s == NULL || strcmp(s, "auto") == 0)
		*f = IMPORT_AUTO;
	else if (strcmp(s, "csv") == 0)
		*f = IMPORT_CSV;
	else if (strcmp(s, "tsv") == 0)
		*f = IMPORT_TSV;
	else if (strcmp(s, "lines") == 0)
		*f = IMPORT_LINES;
	else {
		cli_err(_("--format: '%s': expected csv, tsv, lines or "
		    "auto"), s);
		return -1;
	}
	return 0;
}

/* Parse --format and --encoding into o. */
static int
list_import_opts(const struct cli_cmd *cmd, struct cli_args *a,
    struct import_options *o)
{
	const char	*enc = cli_opt(cmd, a, "encoding");

	memset(o, 0, sizeof *o);
	if (list_format(cli_opt(cmd, a, "format"), &o->format) == -1)
		return -1;
	if (enc != NULL && import_encoding_parse(enc, &o->encoding) == -1) {
		cli_err(_("--encoding: '%s': expected cp932, euc-jp, "
		    "iso-2022-jp, latin1, utf-16, utf-8 or auto"), enc);
		return -1;
	}
	return 0;
}

/* Show progress on a terminal for big files. */
static void
list_progress(struct importer *imp, time_t *last)
{
	off_t	done, total;
	time_t	now;

	if (!isatty(STDERR_FILENO) || (now = time(NULL)) == *last)
		return;
	*last = now;
	import_progress(imp, &done, &total);
	fputc('\r', stderr);
	if (total > 0)
		fprintf(stderr, _("importing... %3d%%"),
		    (int)(done * 100 / total));
	else
		fprintf(stderr, _("importing... %llu rows"),
		    (unsigned long long)import_stats(imp)->rows);
}

/* Print one invalid row as text. */
static int
list_error_text(uint64_t line, const char *reason, void *arg)
{
	(void)arg;
	printf(_("  line %llu: %s\n"), (unsigned long long)line, reason);
	return 0;
}

/* Add one invalid row to the JSON errors array. */
static int
list_error_json(uint64_t line, const char *reason, void *arg)
{
	struct json	*j = arg;

	json_open_object(j, NULL);
	json_put_uint(j, "line", line);
	json_put_str(j, "reason", reason);
	json_close(j);
	return 0;
}

/* Print one duplicate row as text. */
static int
list_dup_text(uint64_t line, uint64_t first, const char *addr,
    const char *kept, void *arg)
{
	(void)arg;
	if (strcmp(addr, kept) == 0)
		printf(_("  line %llu duplicates line %llu: %s\n"),
		    (unsigned long long)line, (unsigned long long)first, addr);
	else
		printf(_("  line %llu duplicates line %llu: %s (kept as %s)\n"),
		    (unsigned long long)line, (unsigned long long)first, addr,
		    kept);
	return 0;
}

/* Add one duplicate row to the JSON duplicate_rows array. */
static int
list_dup_json(uint64_t line, uint64_t first, const char *addr,
    const char *kept, void *arg)
{
	struct json	*j = arg;

	json_open_object(j, NULL);
	json_put_uint(j, "line", line);
	json_put_uint(j, "duplicates", first);
	json_put_str(j, "email", addr);
	json_put_str(j, "kept", kept);
	json_close(j);
	return 0;
}

/* Print the import summary. */
static void
list_import_report(struct cli_env *env, struct importer *imp,
    const char *list, const char *path)
{
	const struct import_stats	*s = import_stats(imp);
	const char			*hint;
	struct buf			 b;
	struct json			 j;

	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "list", list);
		json_put_str(&j, "file", path);
		json_put_str(&j, "format",
		    import_format_name(import_format(imp)));
		json_put_str(&j, "encoding",
		    import_encoding_name(import_encoding(imp)));
		json_put_uint(&j, "rows", s->rows);
		json_put_uint(&j, "imported", s->imported);
		json_put_uint(&j, "updated", s->updated);
		json_put_uint(&j, "duplicates", s->duplicates);
		json_put_uint(&j, "invalid", s->invalid);
		json_put_uint(&j, "suppressed", s->suppressed);
		json_open_array(&j, "errors");
		import_errors(imp, 0, list_error_json, &j);
		json_close(&j);
		json_open_array(&j, "duplicate_rows");
		import_duplicates(imp, 0, list_dup_json, &j);
		json_close(&j);
		if ((hint = import_encoding_hint(imp)) != NULL)
			json_put_str(&j, "encoding_hint", hint);
		cli_json_print(&j, &b);
		return;
	}
	printf(_("list %s: %llu rows read from %s (%s, %s)\n"), list,
	    (unsigned long long)s->rows, strcmp(path, "-") == 0 ?
	    _("standard input") : path, import_format_name(import_format(imp)),
	    import_encoding_name(import_encoding(imp)));
	printf(_("  imported    %llu\n  updated     %llu\n  duplicates  %llu\n"
	    "  invalid     %llu\n  suppressed  %llu\n"),
	    (unsigned long long)s->imported, (unsigned long long)s->updated,
	    (unsigned long long)s->duplicates, (unsigned long long)s->invalid,
	    (unsigned long long)s->suppressed);
	if (s->duplicates != 0) {
		printf(_("duplicate rows (the first row is kept):\n"));
		import_duplicates(imp, 0, list_dup_text, NULL);
	}
	if (s->invalid != 0) {
		printf(_("invalid rows (not imported):\n"));
		import_errors(imp, 0, list_error_text, NULL);
	}
	if ((hint = import_encoding_hint(imp)) != NULL)
		printf(_("rows that are not UTF-8 look like %s\n"), hint);
}

/*
 * Run an import to the end. Returns 0 with the committed importer in *out,
 * or an exit status (the import rolled back and the reason printed).
 */
static int
list_run_import(struct cli_env *env, const char *list, const char *path,
    const struct import_options *o, struct importer **out)
{
	struct importer	*imp;
	char		*cause = NULL;
	int		 rc, code = 0;
	time_t		 last = 0;

	if ((rc = cli_store(env)) != 0)
		return rc;
	cli_catch_signals();
	imp = import_open(env->store, list, path, o, &cause, &code);
	if (imp == NULL)
		return cli_fail(code != 0 ? code : EXIT_DATAERR, cause);
	while ((rc = import_step(imp, IMPORT_STEP_ROWS, &cause, &code)) == 1) {
		if (cli_interrupted)
			break;
		list_progress(imp, &last);
	}
	if (last != 0)
		fputs("\r\033[K", stderr);
	if (cli_interrupted) {
		import_free(imp);
		free(cause);
		if (list != NULL)
			cli_err(_("interrupted: nothing was imported, list %s "
			    "is as it was"), list);
		else
			cli_err(_("interrupted: nothing was imported, the "
			    "suppressions are as they were"));
		return 130;
	}
	if (rc == -1) {
		import_free(imp);
		cli_err("%s", cause);
		free(cause);
		if (list != NULL)
			cli_err(_("nothing was imported; list %s is as it "
			    "was"), list);
		else
			cli_err(_("nothing was imported; the suppressions are "
			    "as they were"));
		return code != 0 ? code : EXIT_DATAERR;
	}
	if ((rc = import_commit(imp, &cause)) == -1) {
		import_free(imp);
		return cli_fail(EXIT_IOERR, cause);
	}
	if (rc == 1) {
		list_import_report(env, imp, list, path);
		import_free(imp);
		cli_err(_("no valid row in %s: list %s was not created"),
		    strcmp(path, "-") == 0 ? _("standard input") : path, list);
		return EXIT_DATAERR;
	}
	*out = imp;
	return 0;
}

/* herald list import LIST FILE */
static int
cmd_list_import(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct import_options	 o;
	struct importer		*imp;
	int			 rc;

	if (list_import_opts(cmd, a, &o) == -1)
		return EXIT_USAGE;
	o.strict = cli_opt(cmd, a, "strict") != NULL;
	if (*a->argv[0] == '\0') {
		cli_err(_("a list needs a name"));
		return EXIT_USAGE;
	}
	if ((rc = list_run_import(env, a->argv[0], a->argv[1], &o, &imp)) != 0)
		return rc;
	list_import_report(env, imp, a->argv[0], a->argv[1]);
	rc = import_stats(imp)->invalid != 0 ? EXIT_DATAERR : 0;
	import_free(imp);
	return rc;
}

/* herald suppress import FILE */
static int
cmd_suppress_import(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct import_options		 o;
	struct importer			*imp;
	const struct import_stats	*s;
	struct buf			 b;
	struct json			 j;
	int				 rc;

	if (list_import_opts(cmd, a, &o) == -1)
		return EXIT_USAGE;
	o.to_suppressions = 1;
	if ((rc = list_run_import(env, NULL, a->argv[0], &o, &imp)) != 0)
		return rc;
	s = import_stats(imp);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "file", a->argv[0]);
		json_put_uint(&j, "rows", s->rows);
		json_put_uint(&j, "suppressed", s->imported);
		json_put_uint(&j, "already", s->duplicates);
		json_put_uint(&j, "invalid", s->invalid);
		json_open_array(&j, "errors");
		import_errors(imp, 0, list_error_json, &j);
		json_close(&j);
		cli_json_print(&j, &b);
	} else {
		printf(_("%llu rows read from %s\n  suppressed  %llu\n"
		    "  already     %llu\n  invalid     %llu\n"),
		    (unsigned long long)s->rows, a->argv[0],
		    (unsigned long long)s->imported,
		    (unsigned long long)s->duplicates,
		    (unsigned long long)s->invalid);
		if (s->invalid != 0) {
			printf(_("invalid rows (not suppressed):\n"));
			import_errors(imp, 0, list_error_text, NULL);
		}
	}
	rc = s->invalid != 0 ? EXIT_DATAERR : 0;
	import_free(imp);
	return rc;
}

/* Print s cropped and padded to cols display columns, then a space. */
static void
list_cell(const char *s, int cols)
{
	char	*fit = utf8_fit(s, cols, 1);

	printf("%s ", fit);
	free(fit);
}

/* herald list ls */
static int
cmd_list_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct list_info	*v;
	size_t			 n, i;
	char			*cause = NULL, date[32];
	struct buf		 b;
	struct json		 j;
	int			 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	if (store_lists(env->store, &v, &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
		for (i = 0; i < n; i++) {
			json_open_object(&j, NULL);
			json_put_str(&j, "name", v[i].name);
			json_put_int(&j, "members", v[i].members);
			json_put_int(&j, "suppressed", v[i].suppressed);
			json_put_int(&j, "created", v[i].created_at);
			json_close(&j);
		}
		cli_json_print(&j, &b);
	} else if (n == 0)
		printf(_("no lists yet: herald list import LIST FILE makes "
		    "one\n"));
	else {
		/* TRANSLATORS: column headings of herald list ls. */
		list_cell(_("LIST"), 24);
		cli_pad(_("MEMBERS"), 10, 1, " ");
		cli_pad(_("SUPPRESSED"), 10, 1, "  ");
		printf("%s\n", _("CREATED"));
		for (i = 0; i < n; i++) {
			cli_date(date, sizeof date, v[i].created_at);
			list_cell(v[i].name, 24);
			printf("%10lld %10lld  %s\n", (long long)v[i].members,
			    (long long)v[i].suppressed, date);
		}
	}
	store_lists_free(v, n);
	return 0;
}

struct show_ctx {
	struct cli_env	*env;
	struct buf	 b;
	struct json	 j;	/* --json: the array, a member at a time */
};

/* Append "k=v; " for the text view of attributes. */
static int
list_attr_text(const char *key, const char *value, void *arg)
{
	struct buf	*b = arg;

	if (b->len != 0)
		buf_adds(b, "; ");
	buf_printf(b, "%s=%s", key, value);
	return 0;
}

/* Print one member. */
static int
list_show_row(const struct contact *c, void *arg)
{
	struct show_ctx	*x = arg;
	struct buf	 attrs;

	if (x->env->json) {
		buf_reset(&x->b);
		json_open_object(&x->j, NULL);
		json_put_str(&x->j, "email", c->addr);
		json_put_str(&x->j, "name", c->name);
		json_put_bool(&x->j, "suppressed", c->suppressed);
		json_put_raw(&x->j, "attrs", c->attrs);
		json_close(&x->j);
		fwrite(x->b.data, 1, x->b.len, stdout);
		return ferror(stdout) ? 1 : 0;
	}
	buf_init(&attrs);
	json_each_pair(c->attrs, list_attr_text, &attrs);
	list_cell(c->addr, 36);
	list_cell(c->name, 24);
	list_cell(c->suppressed ? "suppressed" : "ok", 10);
	printf("%s\n", attrs.data != NULL ? attrs.data : "");
	buf_free(&attrs);
	return ferror(stdout) ? 1 : 0;
}

/* Find a list or report that it does not exist (cli_int.h). */
int
cli_list_lookup(struct cli_env *env, const char *name, int64_t *id)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = cli_store(env)) != 0)
		return rc;
	if ((rc = store_list_find(env->store, name, id, &cause)) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no list named '%s' (herald list ls shows "
		    "them)"), name);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* herald list show LIST */
static int
cmd_list_show(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct show_ctx	 x;
	struct filter	*f = NULL;
	const char	*where = cli_opt(cmd, a, "where");
	int64_t		 id;
	char		*cause = NULL;
	int		 rc;

	/* Before the database: a filter that does not parse is a usage
	 * error whatever the list. */
	if (where != NULL && cli_filter_parse("--where", where, &f) == -1)
		return EXIT_USAGE;
	if ((rc = cli_list_lookup(env, a->argv[0], &id)) != 0) {
		filter_free(f);
		return rc;
	}
	memset(&x, 0, sizeof x);
	x.env = env;
	buf_init(&x.b);
	json_init(&x.j, &x.b);
	x.j.wrap = 1;		/* one member a line */
	if (env->json) {
		json_open_array(&x.j, NULL);
		fwrite(x.b.data, 1, x.b.len, stdout);
	} else {
		/* TRANSLATORS: column headings of herald list show. */
		list_cell(_("EMAIL"), 36);
		list_cell(_("NAME"), 24);
		list_cell(_("STATUS"), 10);
		printf("%s\n", _("ATTRIBUTES"));
	}
	if (f != NULL) {
		rc = store_contacts_filter(env->store, id, f, 0, 0,
		    list_show_row, &x, &cause);
		filter_free(f);
	} else
		rc = store_contacts(env->store, id, cli_opt(cmd, a, "filter"),
		    0, 0, list_show_row, &x, &cause);
	if (env->json) {
		buf_reset(&x.b);
		json_close(&x.j);
		cli_json_out(&x.b);
	}
	buf_free(&x.b);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	return 0;
}

/* herald list export LIST */
static int
cmd_list_export(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const char	*path = cli_opt(cmd, a, "output");
	FILE		*f = stdout;
	char		*cause = NULL;
	uint64_t	 rows;
	int64_t		 id;
	int		 rc;

	if ((rc = cli_list_lookup(env, a->argv[0], &id)) != 0)
		return rc;
	if (path != NULL && strcmp(path, "-") != 0 &&
	    (f = fopen(path, "w")) == NULL) {
		cli_err(_("cannot write %s: %s"), path, strerror(errno));
		return EXIT_CANTCREAT;
	}
	rc = export_list(env->store, a->argv[0], f, &rows, &cause);
	if (f != stdout && fclose(f) != 0 && rc == 0)
		rc = set_cause(&cause, _("cannot write %s: %s"), path,
		    strerror(errno));
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (f != stdout)
		fprintf(stderr, _("exported %llu members of %s to %s\n"),
		    (unsigned long long)rows, a->argv[0], path);
	return 0;
}

/* The clock the consent records are pruned by: now, or HERALD_NOW (Unix
 * seconds), so that a test can be a month later without waiting. */
static int64_t
list_now(void)
{
	const char	*e = getenv("HERALD_NOW");
	long long	 n;

	if (e != NULL && parse_int(e, 0, INT64_MAX, &n) == 0)
		return (int64_t)n;
	return (int64_t)time(NULL);
}

/* Remove the consent records the law no longer asks to keep. */
static int
list_consent_prune(struct cli_env *env)
{
	char	*cause = NULL;
	int64_t	 n;

	if (store_consent_prune(env->store, list_now(), &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	return 0;
}

/* How an address came to be suppressed, as a channel word; NULL when the
 * suppression is no refusal of mail (a bounce). */
static const char *
list_opt_out_channel(const char *reason, const char *detail)
{
	size_t	len = strlen(detail);

	if (strcmp(reason, "unsubscribe") == 0) {
		if (strncmp(detail, "unsubscribe mail", 16) == 0)
			return "mail";
		if (len > 12 && strcmp(detail + len - 11, "(one-click)") == 0)
			return "one-click";
		if ((len > 6 && strcmp(detail + len - 5, "(cli)") == 0) ||
		    strcmp(detail, "herald unsubscribe") == 0)
			return "cli";
		return "unsubscribe";
	}
	if (strcmp(reason, "complaint") == 0 || strcmp(reason, "manual") == 0 ||
	    strcmp(reason, "import") == 0)
		return reason;
	return NULL;
}

/* A time for the consent export: ISO 8601 UTC, "" for none. */
static void
list_iso(char *out, size_t len, int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	*out = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void
list_csv(const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") != NULL || *s == ' ') {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

struct list_consent_out {
	int		 form;		/* 0 text, 1 csv, 2 json */
	struct json	*j;
	int64_t		 n, without;
};

/* One row of herald list consent. */
static int
list_consent_row(const struct consent_row *r, void *arg)
{
	struct list_consent_out	*o = arg;
	const char		*ch = list_opt_out_channel(r->opt_out_reason,
				    r->opt_out_detail);
	char			 mailed[32], out[32];

	list_iso(mailed, sizeof mailed, r->last_mailed_at);
	list_iso(out, sizeof out, ch != NULL ? r->opted_out_at : 0);
	o->n++;
	if (*r->consent_at == '\0')
		o->without++;
	if (o->form == 2) {
		json_open_object(o->j, NULL);
		json_put_str(o->j, "address", r->addr);
		json_put_str(o->j, "name", r->name);
		json_put_str(o->j, "consent_at", r->consent_at);
		json_put_str(o->j, "consent_source", r->consent_source);
		json_put_str(o->j, "last_mailed_at", mailed);
		json_put_str(o->j, "opted_out_at", out);
		json_put_str(o->j, "opt_out_channel", ch != NULL ? ch : "");
		json_put_bool(o->j, "member", r->member);
		json_close(o->j);
	} else if (o->form == 1) {
		list_csv(r->addr, 0);
		list_csv(r->name, 0);
		list_csv(r->consent_at, 0);
		list_csv(r->consent_source, 0);
		list_csv(mailed, 0);
		list_csv(out, 0);
		list_csv(ch != NULL ? ch : "", 1);
	} else {
		list_cell(r->addr, 28);
		list_cell(r->name, 14);
		list_cell(*r->consent_at != '\0' ? r->consent_at : "-", 25);
		list_cell(*r->consent_source != '\0' ? r->consent_source :
		    "-", 12);
		list_cell(*mailed != '\0' ? mailed : "-", 20);
		list_cell(*out != '\0' ? out : "-", 20);
		printf("%s%s\n", ch != NULL ? ch : "-", r->member ? "" :
		    _(" (removed from the list)"));
	}
	return 0;
}

/* herald list consent LIST */
static int
cmd_list_consent(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct list_consent_out	 o;
	struct buf		 b;
	struct json		 j;
	char			*cause = NULL;
	int			 rc;

	if ((rc = cli_store(env)) != 0 || (rc = list_consent_prune(env)) != 0)
		return rc;
	memset(&o, 0, sizeof o);
	o.form = env->json ? 2 : cli_opt(cmd, a, "csv") != NULL ? 1 : 0;
	if (o.form == 2) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
		o.j = &j;
	} else if (o.form == 1)
		printf("address,name,consent_at,consent_source,last_mailed_at,"
		    "opted_out_at,opt_out_channel\n");
	else {
		/* TRANSLATORS: column headings of herald list consent. */
		list_cell(_("ADDRESS"), 28);
		list_cell(_("NAME"), 14);
		list_cell(_("CONSENT_AT"), 25);
		list_cell(_("SOURCE"), 12);
		list_cell(_("LAST_MAILED"), 20);
		list_cell(_("OPTED_OUT"), 20);
		printf("%s\n", _("CHANNEL"));
	}
	rc = store_consent_rows(env->store, a->argv[0], list_consent_row, &o,
	    &cause);
	if (rc == -1) {
		if (o.form == 2)
			buf_free(&b);
		return cli_fail(EXIT_IOERR, cause);
	}
	if (o.form == 2)
		cli_json_print(&j, &b);
	else if (o.form == 0 && o.n == 0) {
		cli_err(_("list %s has no members and no consent records"),
		    a->argv[0]);
		return EXIT_NOINPUT;
	} else if (o.form == 0 && o.without > 0)
		printf(ngettext("%lld address has no consent record: an "
		    "advertisement (kind ad) to this list is refused until it "
		    "has one\n", "%lld addresses have no consent record: an "
		    "advertisement (kind ad) to this list is refused until they "
		    "have one\n", (unsigned long)o.without),
		    (long long)o.without);
	return 0;
}

/* herald list rm LIST */
static int
cmd_list_rm(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct list_info	 li;
	struct buf		 b;
	struct json		 j;
	char			*cause = NULL;
	int			 rc;

	(void)cmd;
	if ((rc = cli_store(env)) != 0)
		return rc;
	rc = store_list_info(env->store, a->argv[0], &li, &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no list named '%s' (herald list ls shows them)"),
		    a->argv[0]);
		return EXIT_NOINPUT;
	}
	if (store_list_remove(env->store, a->argv[0], &cause) == -1) {
		free(li.name);
		return cli_fail(EXIT_IOERR, cause);
	}
	/* The consent records stay (the law keeps them a month past the
	 * last mail); the ones past that go now. */
	if ((rc = list_consent_prune(env)) != 0) {
		free(li.name);
		return rc;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "list", li.name);
		json_put_int(&j, "members", li.members);
		json_put_bool(&j, "removed", 1);
		cli_json_print(&j, &b);
	} else
		printf(_("removed list %s (%lld members)\n"), li.name,
		    (long long)li.members);
	free(li.name);
	return 0;
}

/* herald suppress add ADDR... */
static int
cmd_suppress_add(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	char		(*norm)[ADDR_MAX + 1];
	char		 name[ADDR_NAME_MAX + 1], *cause = NULL;
	const char	*reason, *why = cli_opt(cmd, a, "reason");
	struct buf	 b;
	struct json	 j;
	int		 i, rc, added, bad = 0;

	norm = xcalloc((size_t)a->argc, sizeof *norm);
	for (i = 0; i < a->argc; i++)
		if (addr_parse_mailbox(a->argv[i], strlen(a->argv[i]), name,
		    norm[i], &reason) == -1) {
			cli_err("'%s': %s", a->argv[i], reason);
			bad = 1;
		}
	if (bad) {
		free(norm);
		cli_err(_("nothing was suppressed"));
		return EXIT_DATAERR;
	}
	if ((rc = cli_store(env)) != 0 || store_begin(env->store, &cause) == -1) {
		free(norm);
		return rc != 0 ? rc : cli_fail(EXIT_IOERR, cause);
	}
	/* Said once the whole transaction is in: one line each, or
	 * (--json) one array of {"email","added"}. */
	buf_init(&b);
	json_init(&j, &b);
	if (env->json)
		json_open_array(&j, NULL);
	for (i = 0; i < a->argc; i++) {
		if (store_suppress_add(env->store, norm[i], "manual",
		    why, &added, &cause) == -1) {
			store_rollback(env->store);
			free(norm);
			buf_free(&b);
			return cli_fail(EXIT_IOERR, cause);
		}
		if (env->json) {
			json_open_object(&j, NULL);
			json_put_str(&j, "email", norm[i]);
			json_put_bool(&j, "added", added);
			json_close(&j);
		} else
			buf_printf(&b, added ? _("suppressed %s\n") :
			    _("%s was already suppressed\n"), norm[i]);
	}
	free(norm);
	if (store_commit(env->store, &cause) == -1) {
		buf_free(&b);
		return cli_fail(EXIT_IOERR, cause);
	}
	if (env->json) {
		json_close(&j);
		cli_json_out(&b);
	} else if (b.len != 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return 0;
}

/* Print one suppression. */
static int
suppress_row(const struct suppression *s, void *arg)
{
	struct json	*j = arg;
	char		 date[32];

	if (j != NULL) {
		json_open_object(j, NULL);
		json_put_str(j, "email", s->addr);
		json_put_str(j, "reason", s->reason);
		json_put_str(j, "detail", s->detail);
		json_put_int(j, "created", s->created_at);
		json_close(j);
		return 0;
	}
	cli_date(date, sizeof date, s->created_at);
	list_cell(s->addr, 36);
	list_cell(s->reason, 12);
	printf("%s  %s\n", date, s->detail);
	return 0;
}

/* herald suppress ls */
static int
cmd_suppress_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL;
	int		 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	buf_init(&b);
	json_init(&j, &b);
	if (env->json)
		json_open_array(&j, NULL);
	else {
		/* TRANSLATORS: column headings of herald suppress ls. */
		list_cell(_("EMAIL"), 36);
		list_cell(_("REASON"), 12);
		cli_pad(_("ADDED"), 16, 0, "  ");
		printf("%s\n", _("DETAIL"));
	}
	rc = store_suppressions(env->store, suppress_row, env->json ? &j : NULL,
	    &cause);
	if (rc == 0 && env->json) {
		json_close(&j);
		cli_json_out(&b);
	}
	buf_free(&b);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	return 0;
}

#define IMPORT_ENCODING_OPT						\
	{ "encoding", "ENC", N_("cp932, euc-jp, iso-2022-jp, latin1, "	\
	  "utf-16, utf-8 or auto (default)") }
static const struct cli_opt import_opts[] = {
	{ "format", "FMT", N_("csv, tsv, lines or auto (default: detect)") },
	IMPORT_ENCODING_OPT,
	{ "strict", NULL, N_("any invalid row aborts the import (nothing is "
	  "stored)") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt suppress_import_opts[] = {
	{ "format", "FMT", N_("csv, tsv, lines or auto (default: detect)") },
	IMPORT_ENCODING_OPT,
	{ NULL, NULL, NULL }
};
static const struct cli_opt show_opts[] = {
	{ "filter", "TEXT", N_("only members whose address or name contains "
	  "TEXT") },
	{ "where", "EXPR", N_("only members matching the filter EXPR (as "
	  "herald segment add takes)") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt export_opts[] = {
	{ "output", "FILE", N_("write to FILE instead of standard output") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt consent_opts[] = {
	{ "csv", NULL, N_("CSV with a header line instead of the table") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt suppress_opts[] = {
	{ "reason", "TEXT", N_("a note kept with the suppression") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_list_cmds[] = {
	{ NT("list import"), "LIST FILE", 2, 2, N_("add or update contacts of "
	  "LIST from FILE (- for standard input)"),
	  N_("FILE is CSV (RFC 4180), TSV, or one address a line (\"Name "
	  "<a@b>\" is fine).\nA header row naming an email column (email, "
	  "e-mail, mail, address) and\noptionally a name column is detected; "
	  "every other column is kept as an\nattribute for merge fields. "
	  "Invalid rows are reported with their line\nnumbers and skipped; "
	  "the rest is imported in one transaction, so an\ninterrupted import "
	  "changes nothing. A row repeating an earlier row's address\n(or one "
	  "differing only in the letter case of the part before @, unless\n"
	  "config local_part_case is strict) is a duplicate: the first is "
	  "kept.\nFILE is read as UTF-8 unless --encoding names another "
	  "encoding (converted\nas it is read). Without it, a UTF-16 byte "
	  "order mark or ISO-2022-JP escapes\nare detected and converted; a "
	  "file that looks like Shift-JIS or EUC-JP is\nrefused, naming the "
	  "--encoding to use. Exit "
	  "status: 0, or 65 when some\nrows were invalid (the valid ones are "
	  "imported) or none was valid (a new\nlist is then not created), "
	  "66 for a missing file."),
	  import_opts, cmd_list_import },
	{ NT("list ls"), "", 0, 0, N_("list the lists with member "
	  "counts"), NULL,
	  NULL, cmd_list_ls },
	{ NT("list show"), "LIST", 1, 1, N_("print a list's "
	  "members"), NULL, show_opts,
	  cmd_list_show },
	{ NT("list export"), "LIST", 1, 1, N_("write a list as CSV that "
	  "re-imports to the same list"), NULL, export_opts, cmd_list_export },
	{ NT("list rm"), "LIST", 1, 1, N_("remove a list and its "
	  "members"), NULL, NULL,
	  cmd_list_rm },
	{ NT("list consent"), "LIST", 1, 1, N_("the consent record of every "
	  "member: when and how they agreed, last mailed, opted out"),
	  N_("One row per member of LIST, and per address removed from it "
	  "whose record is\nstill kept: address, name, consent_at, "
	  "consent_source (as imported: a\nlist import reads the columns "
	  "consent_at, an ISO 8601 date or time, and\nconsent_source, how "
	  "consent was given), last_mailed_at (the last delivery\nto the "
	  "address), opted_out_at and opt_out_channel (one-click, mail, cli,\n"
	  "complaint, manual, import: from the suppression list). --csv "
	  "writes a\nfile list import reads back with the consent kept. A "
	  "record outlives its\ncontact until a month after the last mail "
	  "to the address, as Japan's law\non advertising mail asks; then "
	  "it is removed."), consent_opts,
	  cmd_list_consent },
	{ NT("suppress add"), "ADDR...", 1, CLI_MAXARGS,
	  N_("never send to these addresses"), N_("Suppressed addresses may stay on lists; they are "
	  "flagged there and never\nsent to. Matching ignores letter case."),
	  suppress_opts, cmd_suppress_add },
	{ NT("suppress import"), "FILE", 1, 1, N_("suppress every address in "
	  "FILE"),
	  N_("FILE is read as list import reads it (CSV, TSV or one address a "
	  "line).\nInvalid rows are reported with their line numbers; the "
	  "rest is added in\none transaction. Exit status 65 when some rows "
	  "were invalid."), suppress_import_opts, cmd_suppress_import },
	{ NT("suppress ls"), "", 0, 0, N_("list suppressed "
	  "addresses"), NULL, NULL,
	  cmd_suppress_ls },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
