/* herald config get | set | ls */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli_int.h"
#include "config.h"
#include "json.h"

/* The value a key takes in effect, with derived defaults spelled out:
 * domain and bounce follow From when unset. Allocated, or NULL. */
static char *
config_effective(struct config *cfg, const char *key, const char **source)
{
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	const char	*v, *from, *reason;

	v = config_get(cfg, key);
	*source = config_is_set(cfg, key) ? "set" : "default";
	if (config_is_set(cfg, key) || (strcmp(key, "domain") != 0 &&
	    strcmp(key, "bounce") != 0))
		return v != NULL ? xstrdup(v) : NULL;
	from = config_get(cfg, "from");
	if (from == NULL || addr_parse_mailbox(from, strlen(from), name, addr,
	    &reason) == -1)
		return NULL;
	*source = "from";
	if (strcmp(key, "domain") == 0)
		return xstrdup(addr_domain(addr));
	return xstrdup(addr);
}

/* herald config get KEY */
static int
cmd_config_get(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const char	*source;
	char		*v;

	(void)cmd;
	if (config_key_find(a->argv[0]) == NULL) {
		cli_err("unknown key '%s' (herald config ls lists them)",
		    a->argv[0]);
		return EXIT_USAGE;
	}
	if ((v = config_effective(env->cfg, a->argv[0], &source)) == NULL)
		return 1;	/* unset, as git config does */
	printf("%s\n", v);
	free(v);
	return 0;
}

/* herald config set KEY VALUE */
static int
cmd_config_set(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	char	*cause = NULL;

	(void)cmd;
	if (config_key_find(a->argv[0]) == NULL) {
		cli_err("unknown key '%s' (herald config ls lists them)",
		    a->argv[0]);
		return EXIT_USAGE;
	}
	if (config_set(env->cfg, a->argv[0], a->argv[1], &cause) == -1)
		return cli_fail(EXIT_DATAERR, cause);
	return 0;
}

/* herald config ls */
static int
cmd_config_ls(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const struct config_key	*k;
	const char		*source;
	char			*v, *left;
	struct buf		 b;
	int			 first = 1;

	(void)cmd;
	(void)a;
	buf_init(&b);
	if (env->json)
		buf_addc(&b, '{');
	else
		printf("# %s\n", config_file(env->cfg));
	for (k = config_keys; k->name != NULL; k++) {
		v = config_effective(env->cfg, k->name, &source);
		if (env->json) {
			json_key(&b, k->name, first);
			buf_adds(&b, "{\"value\":");
			if (v != NULL)
				json_str(&b, v);
			else
				buf_adds(&b, "null");
			buf_adds(&b, ",\"source\":");
			json_str(&b, v == NULL ? "unset" : source);
			buf_addc(&b, '}');
			first = 0;
		} else {
			left = xprintf("%s = %s", k->name, v != NULL ? v : "");
			printf("%-40s # %s%s\n", left, strcmp(source, "set") ==
			    0 ? "" : v == NULL ? "unset: " : "default: ",
			    k->help);
			free(left);
		}
		free(v);
	}
	if (env->json) {
		buf_addc(&b, '}');
		cli_json_out(&b);
	}
	buf_free(&b);
	return 0;
}

const struct cli_cmd cli_config_cmds[] = {
	{ "config get", "KEY", 1, 1, "print a configuration value",
	  "Prints the value in effect (command line, file or default);\n"
	  "exits 1 without output when the key has no value.",
	  NULL, cmd_config_get },
	{ "config set", "KEY VALUE", 2, 2, "write a value to herald.conf",
	  "The value is checked first; the file keeps its comments and order\n"
	  "and is created mode 0600 in a 0700 directory.", NULL,
	  cmd_config_set },
	{ "config ls", "", 0, 0, "list every key, its value and where it "
	  "comes from", NULL, NULL, cmd_config_ls },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
