/* herald config get | set | unset | ls */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "config/config.h"
#include "base/json.h"
#include "base/utf8.h"

/* The members "value" and "source" of a key (source "unset" without a
 * value), as config get and config ls print them. */
static void
config_value_json(struct json *j, const char *v, const char *source)
{
	json_put_strnull(j, "value", v);
	json_put_str(j, "source", v == NULL ? "unset" : source);
}

/* Refuse a key herald does not know; 0 or an exit status. */
static int
config_key_arg(const char *key)
{
	if (config_key_find(key) != NULL)
		return 0;
	cli_err(_("unknown key '%s' (herald config ls lists them)"), key);
	return EXIT_USAGE;
}

/* herald config get KEY */
static int
cmd_config_get(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const char	*source;
	char		*v;
	struct buf	 b;
	struct json	 j;
	int		 rc;

	(void)cmd;
	if ((rc = config_key_arg(a->argv[0])) != 0)
		return rc;
	v = config_effective(env->cfg, a->argv[0], &source);
	if (env->json) {
		cli_json_open(&j, &b);
		json_put_str(&j, "key", a->argv[0]);
		config_value_json(&j, v, source);
		cli_json_print(&j, &b);
	} else if (v != NULL)
		printf("%s\n", v);
	if (v == NULL)
		return 1;	/* unset, as git config does */
	free(v);
	return 0;
}

/* Say what config set or unset did: the key, its value now (NULL when
 * removed), the file, and the other lines changed (NULL: none). */
static void
config_said(struct cli_env *env, const char *key, const char *value,
    const char *note)
{
	struct buf	b;
	struct json	j;

	if (!env->json) {
		if (note != NULL)
			printf("%s\n", note);
		return;
	}
	cli_json_open(&j, &b);
	json_put_str(&j, "key", key);
	json_put_strnull(&j, "value", value);
	json_put_str(&j, "file", config_file(env->cfg));
	json_put_strnull(&j, "note", note);
	cli_json_print(&j, &b);
}

/* herald config set KEY VALUE (value) and config unset KEY (NULL). */
static int
config_change(struct cli_env *env, const char *key, const char *value)
{
	char	*cause = NULL, *note;
	int	 rc;

	if ((rc = config_key_arg(key)) != 0)
		return rc;
	if (config_write(env->cfg, key, value, &note, &cause) == -1)
		return cli_fail(value != NULL ? EXIT_DATAERR : EXIT_IOERR,
		    cause);
	if (value == NULL && note == NULL && !env->json)
		printf(_("%s was not set in %s: nothing to do\n"), key,
		    config_file(env->cfg));
	config_said(env, key, value != NULL ? config_get(env->cfg, key) :
	    NULL, note);
	free(note);
	return 0;
}

static int
cmd_config_set(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	(void)cmd;
	return config_change(env, a->argv[0], a->argv[1]);
}

static int
cmd_config_unset(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	(void)cmd;
	return config_change(env, a->argv[0], NULL);
}

/* herald config ls */
/* One line (or member) of config ls: name, its value and help. */
static void
config_ls_one(struct cli_env *env, struct json *j, const char *name,
    const char *help)
{
	const char	*source;
	char		*v, *left;
	int		 pad;

	v = config_effective(env->cfg, name, &source);
	if (env->json) {
		json_open_object(j, name);
		config_value_json(j, v, source);
		json_close(j);
	} else {
		left = xprintf("%s = %s", name, v != NULL ? v : "");
		/* Padded by display width: a value may be Japanese. */
		pad = utf8_width(left) < 40 ? 40 - utf8_width(left) : 0;
		if (strcmp(source, "set") == 0)
			printf("%s%*s # %s\n", left, pad, "", _(help));
		else
			printf(v == NULL ? _("%s%*s # unset: %s\n") :
			    _("%s%*s # default: %s\n"), left, pad, "",
			    _(help));
		free(left);
	}
	free(v);
}

static int
cmd_config_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const struct config_key	*k;
	const char		*key, *val, *dot;
	char			*prefix;
	struct buf		 b;
	struct json		 j;
	size_t			 i;

	(void)cmd;
	(void)a;
	buf_init(&b);
	json_init(&j, &b);
	if (env->json)
		json_open_object(&j, NULL);
	else
		printf("# %s\n", config_file(env->cfg));
	for (k = config_keys; k->name != NULL; k++) {
		config_ls_one(env, &j, k->name, k->help);
		/* A key named by a pattern ("provider.NAME"): the ones set
		 * follow it. */
		if ((dot = strchr(k->name, '.')) == NULL)
			continue;
		prefix = xstrndup(k->name, (size_t)(dot - k->name) + 1);
		for (i = 0; config_prefixed_at(env->cfg, prefix, i, &key, &val);
		    i++)
			config_ls_one(env, &j, key, k->help);
		free(prefix);
	}
	if (env->json) {
		json_close(&j);
		cli_json_out(&b);
	}
	buf_free(&b);
	return 0;
}

const struct cli_cmd cli_config_cmds[] = {
	{ NT("config get"), "KEY", 1, 1, N_("print a configuration value"),
	  N_("Prints the value in effect (command line, file or default);\n"
	  "exits 1 without output when the key has no value (--json: the\n"
	  "object, with \"value\": null and \"source\": \"unset\", and exit "
	  "1)."),
	  NULL, cmd_config_get },
	{ NT("config set"), "KEY VALUE", 2, 2, N_("write a value to "
	  "herald.conf"),
	  N_("The value is checked first, its outer white space trimmed (as "
	  "when\n"
	  "the file is read); the file keeps its comments and order and is\n"
	  "created mode 0600 in a 0700 directory. VALUE is taken as it is, "
	  "even\n"
	  "when it starts with a dash. A key set on several lines counts by "
	  "its\n"
	  "last one (loading warns, naming the lines): that line is replaced\n"
	  "and the earlier ones are commented out, which is said. --json:\n"
	  "{\"key\",\"value\",\"file\",\"note\"}."), NULL, cmd_config_set },
	{ NT("config unset"), "KEY", 1, 1, N_("remove a key from herald.conf "
	  "(back to its default)"),
	  N_("Every line setting KEY is removed; comments and other lines "
	  "stay.\n"
	  "A key that is not set is not an error. --json: {\"key\",\"value\":\n"
	  "null,\"file\",\"note\"}, note naming the removed lines or null."),
	  NULL, cmd_config_unset },
	{ NT("config ls"), "", 0, 0, N_("list every key, its value and where "
	  "it comes from"), NULL, NULL, cmd_config_ls },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
