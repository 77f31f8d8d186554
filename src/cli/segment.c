/* herald segment ...: saved filters over a list's members. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "audience/filter.h"
#include "audience/segment.h"
#include "base/json.h"
#include "base/utf8.h"
#include "store/store.h"
#include "store/store_segment.h"

/*
 * Parse what, telling where it is wrong: the message, then the text with
 * a caret under the column (display columns, so under Japanese text too).
 */
int
cli_filter_parse(const char *opt, const char *what, struct filter **f)
{
	char	*cause = NULL, *head;
	size_t	 col, i, off;

	if (filter_parse(what, f, &col, &cause) == 0)
		return 0;
	cli_err("%s: %s", opt, cause);
	free(cause);
	/* The bytes before the column'th character. */
	for (i = 1, off = 0; what[off] != '\0' && i < col; i++)
		do
			off++;
		while (((unsigned char)what[off] & 0xc0) == 0x80);
	head = xstrndup(what, off);
	if (strchr(what, '\n') == NULL)
		fprintf(stderr, "  %s\n  %*s^\n", what, utf8_width(head), "");
	free(head);
	return -1;
}

/* Print one member: the columns of herald list show. */
static int
segment_row(const struct contact *c, void *arg)
{
	struct json	*j = arg;
	char		*fit;

	if (j != NULL) {
		json_open_object(j, NULL);
		json_put_str(j, "email", c->addr);
		json_put_str(j, "name", c->name);
		json_put_bool(j, "suppressed", c->suppressed);
		json_put_raw(j, "attrs", c->attrs);
		json_close(j);
		return 0;
	}
	fit = utf8_fit(c->addr, 36, 1);
	printf("%s ", fit);
	free(fit);
	fit = utf8_fit(c->name, 24, 1);
	printf("%s %s\n", fit, c->suppressed ? "suppressed" : "ok");
	free(fit);
	return ferror(stdout) ? 1 : 0;
}

/* herald segment add NAME --list LIST --where EXPR */
static int
cmd_segment_add(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const char	*name = a->argv[0], *lname, *where;
	struct filter	*f;
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL, *text;
	int64_t		 list, count;
	int		 rc;

	lname = cli_opt(cmd, a, "list");
	where = cli_opt(cmd, a, "where");
	if (lname == NULL || where == NULL) {
		cli_err(_("segment add needs --list LIST and --where EXPR"));
		return EXIT_USAGE;
	}
	if (*name == '\0') {
		cli_err(_("a segment needs a name"));
		return EXIT_USAGE;
	}
	if (cli_filter_parse("--where", where, &f) == -1)
		return EXIT_USAGE;
	if ((rc = cli_list_lookup(env, lname, &list)) != 0)
		goto out;
	/* Lists and segments share one namespace in an issue's audience
	 * (To, Exclude): a segment may not take a list's name. */
	{
		int64_t	other;

		if ((rc = store_list_find(env->store, name, &other,
		    &cause)) == -1) {
			rc = cli_fail(EXIT_IOERR, cause);
			goto out;
		}
		if (rc == 0) {
			cli_err(_("'%s' is the name of a list: a segment needs "
			    "a name of its own (lists and segments share one "
			    "namespace in an issue's audience)"), name);
			rc = EXIT_DATAERR;
			goto out;
		}
	}
	/* Kept as printed back: one spelling of each filter. */
	text = filter_print(f);
	rc = store_segment_add(env->store, name, list, text, &cause);
	free(text);
	if (rc == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (rc == 1) {
		cli_err(_("a segment named '%s' exists already (herald segment "
		    "rm %s first)"), name, name);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (store_contacts_count_filter(env->store, list, f, 1, &count,
	    &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "name", name);
		json_put_str(&j, "list", lname);
		json_put_int(&j, "count", count);
		cli_json_print(&j, &b);
	} else
		printf(ngettext("segment %s saved: %lld member of list %s "
		    "matches\n", "segment %s saved: %lld members of list %s "
		    "match\n", (unsigned long)count), name, (long long)count,
		    lname);
	rc = 0;
out:
	filter_free(f);
	return rc;
}

/* Resolve a segment by name, or say there is none. */
static int
segment_find(struct cli_env *env, const char *name, struct segment_row *r)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = cli_store(env)) != 0)
		return rc;
	if ((rc = store_segment_get(env->store, name, r, &cause)) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no segment named '%s' (herald segment ls shows "
		    "them)"), name);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* The number of r's members that are not suppressed, -1 on error. */
static int
segment_count(struct cli_env *env, const struct segment_row *r,
    int64_t *count)
{
	struct filter	*f;
	char		*cause = NULL;

	if (filter_parse(r->expr, &f, NULL, &cause) == -1) {
		cli_err(_("segment %s: %s"), r->name, cause);
		free(cause);
		return -1;
	}
	if (store_contacts_count_filter(env->store, r->list_id, f, 1, count,
	    &cause) == -1) {
		filter_free(f);
		cli_fail(EXIT_IOERR, cause);
		return -1;
	}
	filter_free(f);
	return 0;
}

/* herald segment ls */
static int
cmd_segment_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct segment_row	*v;
	struct buf		 b;
	struct json		 j;
	size_t			 n, i;
	int64_t			 count;
	char			*cause = NULL, *fit;
	int			 rc;

	(void)cmd;
	(void)a;
	if ((rc = cli_store(env)) != 0)
		return rc;
	if (store_segments(env->store, &v, &n, &cause) == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (env->json) {
		buf_init(&b);
		json_init(&j, &b);
		json_open_array(&j, NULL);
	} else if (n == 0)
		printf(_("no segments yet: herald segment add NAME --list LIST "
		    "--where EXPR makes one\n"));
	else {
		/* TRANSLATORS: column headings of herald segment ls. */
		cli_pad(_("SEGMENT"), 20, 0, " ");
		cli_pad(_("LIST"), 16, 0, " ");
		cli_pad(_("MEMBERS"), 8, 1, "  ");
		printf("%s\n", _("FILTER"));
	}
	for (i = 0; i < n; i++) {
		if (segment_count(env, &v[i], &count) == -1) {
			rc = EXIT_DATAERR;
			break;
		}
		if (env->json) {
			json_open_object(&j, NULL);
			json_put_str(&j, "name", v[i].name);
			json_put_str(&j, "list", v[i].list);
			json_put_str(&j, "where", v[i].expr);
			json_put_int(&j, "count", count);
			json_put_int(&j, "created", v[i].created_at);
			json_close(&j);
			continue;
		}
		fit = utf8_fit(v[i].name, 20, 1);
		printf("%s ", fit);
		free(fit);
		fit = utf8_fit(v[i].list, 16, 1);
		printf("%s %8lld  %s\n", fit, (long long)count, v[i].expr);
		free(fit);
	}
	if (env->json) {
		if (rc == 0)
			cli_json_print(&j, &b);
		else
			buf_free(&b);
	}
	store_segments_free(v, n);
	return rc;
}

/* herald segment show NAME [--count] */
static int
cmd_segment_show(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct segment_row	 r;
	struct filter		*f = NULL;
	struct buf		 b;
	struct json		 j;
	int64_t			 count;
	char			*cause = NULL;
	int			 rc;

	if ((rc = segment_find(env, a->argv[0], &r)) != 0)
		return rc;
	if (segment_count(env, &r, &count) == -1) {
		rc = EXIT_DATAERR;
		goto out;
	}
	if (cli_opt(cmd, a, "count") != NULL) {
		if (env->json) {
			cli_json_open(&j, &b);
			json_put_str(&j, "name", r.name);
			json_put_int(&j, "count", count);
			cli_json_print(&j, &b);
		} else
			printf("%lld\n", (long long)count);
		goto out;
	}
	/* Parsed by segment_count already: it parses. */
	filter_parse(r.expr, &f, NULL, NULL);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "name", r.name);
		json_put_str(&j, "list", r.list);
		json_put_str(&j, "where", r.expr);
		json_put_int(&j, "count", count);
		json_put_int(&j, "created", r.created_at);
		json_open_array(&j, "members");
		rc = store_contacts_filter(env->store, r.list_id, f, 0, 0,
		    segment_row, &j, &cause);
		json_close(&j);
		if (rc == 0)
			cli_json_print(&j, &b);
		else
			buf_free(&b);
	} else {
		printf(_("segment %s of list %s: %s\n"), r.name, r.list,
		    r.expr);
		printf(ngettext("%lld member matches (suppressed members "
		    "left out)\n", "%lld members match (suppressed members "
		    "left out)\n", (unsigned long)count), (long long)count);
		/* TRANSLATORS: column headings of herald segment show, as
		 * those of herald list show. */
		cli_pad(_("EMAIL"), 36, 0, " ");
		cli_pad(_("NAME"), 24, 0, " ");
		printf("%s\n", _("STATUS"));
		rc = store_contacts_filter(env->store, r.list_id, f, 0, 0,
		    segment_row, NULL, &cause);
	}
	if (rc == -1)
		rc = cli_fail(EXIT_IOERR, cause);
out:
	filter_free(f);
	store_segment_row_free(&r);
	return rc;
}

/* herald segment rm NAME */
static int
cmd_segment_rm(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct buf	 b;
	struct json	 j;
	char		*cause = NULL;
	int		 rc;

	(void)cmd;
	if ((rc = cli_store(env)) != 0)
		return rc;
	rc = store_segment_remove(env->store, a->argv[0], &cause);
	if (rc == -1)
		return cli_fail(EXIT_IOERR, cause);
	if (rc == 1) {
		cli_err(_("no segment named '%s' (herald segment ls shows "
		    "them)"), a->argv[0]);
		return EXIT_NOINPUT;
	}
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "removed", a->argv[0]);
		cli_json_print(&j, &b);
	} else
		printf(_("segment %s removed\n"), a->argv[0]);
	return 0;
}

static const struct cli_opt add_opts[] = {
	{ "list", "LIST", N_("the list whose members the segment picks") },
	{ "where", "EXPR", N_("the filter members must match (see herald "
	  "segment add --help)") },
	{ NULL, NULL, NULL }
};
static const struct cli_opt show_opts[] = {
	{ "count", NULL, N_("print only the number of matching members that "
	  "are not suppressed") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_segment_cmds[] = {
	{ NT("segment add"), "NAME", 1, 1, N_("save the members of a list "
	  "that match a filter as a segment"),
	  N_("EXPR compares fields with values: email, domain, name, or an "
	  "imported\nattribute (a bare word, or \"double quoted\"). Operators: "
	  "= != < <= > >= ~\n(contains), in ('a', 'b'), is empty, is not "
	  "empty; combined with and, or,\nnot and parentheses. Values: "
	  "'text' ('' is a quote), numbers, dates\nYYYY-MM-DD with an optional "
	  "time. Numbers and dates compare as such; = on\ntext ignores ASCII "
	  "letter case. A member without the attribute matches\nneither = "
	  "nor <, and does match != and is empty. Example:\n"
	  "  city = '東京' and joined < 2025-01-01\n"
	  "An error names the column of the text at fault. Exit status 64 "
	  "for a filter\nthat does not parse, 65 when the name is taken, 66 "
	  "for a missing list."),
	  add_opts, cmd_segment_add },
	{ NT("segment ls"), "", 0, 0, N_("list the segments with their "
	  "member counts"), NULL, NULL, cmd_segment_ls },
	{ NT("segment show"), "NAME", 1, 1, N_("print a segment's filter and "
	  "its matching members"),
	  N_("Members whose address is suppressed are listed (flagged) but "
	  "not counted:\nthe count is who a send to the segment would reach."),
	  show_opts, cmd_segment_show },
	{ NT("segment rm"), "NAME", 1, 1, N_("remove a segment (its list "
	  "stays)"), NULL, NULL, cmd_segment_rm },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
