/*
 * Command-line parsing and dispatch. Global options may stand before or
 * after the subcommand; every configuration key is also an option
 * (--source-ip or --source_ip for source_ip) that overrides the file for
 * this run.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "config/config.h"
#include "base/json.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "store/store.h"

volatile int cli_interrupted;

static int	cli_tui(struct cli_env *, const struct cli_cmd *,
		    struct cli_args *);

static cli_console_fn cli_console;

static const struct cli_cmd cli_root_cmds[] = {
	{ "tui", "", 0, 0, N_("open the console (same as herald alone)"),
	  N_("The full-screen console: lists, compose, keys, health, send, "
	  "settings and\nfeedback. Keys: F1 or ? help, Tab or 1-7 switch "
	  "screens, q or Esc back out of\n"
	  "a view, q on a screen quits (a running send goes on)."),
	  NULL, cli_tui },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct cli_cmd *const cli_tables[] = {
	cli_root_cmds, cli_list_cmds, cli_config_cmds, cli_spf_cmds,
	cli_sts_cmds,
	cli_check_cmds, cli_dkim_cmds, cli_issue_cmds, cli_send_cmds,
	cli_feedback_cmds, cli_feedback_fetch_cmds, cli_web_cmds, cli_tlsrpt_cmds,
	cli_providers_cmds, cli_segment_cmds, NULL
};

/* Print "herald: message" to stderr. */
void
cli_err(const char *fmt, ...)
{
	va_list	ap;

	fputs("herald: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print and free a cause; return code. */
int
cli_fail(int code, char *cause)
{
	cli_err("%s", cause != NULL ? cause : _("unknown error"));
	free(cause);
	return code;
}

/* Print a JSON document as one line. */
void
cli_json_out(struct buf *b)
{
	buf_addc(b, '\n');
	fwrite(b->data, 1, b->len, stdout);
}

/* Start a one-object JSON document (see cli_int.h). */
void
cli_json_open(struct json *j, struct buf *b)
{
	buf_init(b);
	json_init(j, b);
	json_open_object(j, NULL);
}

/* Close, print and free a JSON document. */
void
cli_json_print(struct json *j, struct buf *b)
{
	json_close(j);
	cli_json_out(b);
	buf_free(b);
}

/* Print s padded to cols display columns, then sep. */
void
cli_pad(const char *s, int cols, int right, const char *sep)
{
	int	pad = cols - utf8_width(s);

	if (pad < 0)
		pad = 0;
	if (right)
		printf("%*s%s%s", pad, "", s, sep);
	else
		printf("%s%*s%s", s, pad, "", sep);
}

/* A time as YYYY-MM-DD HH:MM in local time. */
void
cli_date(char *out, size_t len, int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(out, len,
	    "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, len, "%lld", (long long)t);
}

/* Note a termination request; long commands check between steps. */
static void
cli_on_signal(int sig)
{
	(void)sig;
	cli_interrupted = 1;
}

/* Let SIGINT and SIGTERM end a long command cleanly (with a rollback). */
void
cli_catch_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The value of a command's option. */
const char *
cli_opt(const struct cli_cmd *cmd, const struct cli_args *a, const char *name)
{
	int	i;

	for (i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++)
		if (strcmp(cmd->opts[i].name, name) == 0)
			return a->val[i];
	return NULL;
}

/* Open the database once per run. */
int
cli_store(struct cli_env *env)
{
	char	*cause = NULL;
	int	 rc;

	if (env->store != NULL)
		return 0;
	rc = store_open(env->db_path, &env->store, &cause);
	if (rc == -2)
		return cli_fail(EXIT_DATAERR, cause);
	if (rc == -1)
		return cli_fail(EXIT_CANTCREAT, cause);
	store_set_case_strict(env->store, config_local_part_strict(env->cfg));
	return 0;
}

/* `herald` and `herald tui`. */
static int
cli_tui(struct cli_env *env, const struct cli_cmd *cmd, struct cli_args *a)
{
	(void)cmd;
	(void)a;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_err(_("the console needs a terminal; see herald --help for "
		    "the commands"));
		return EXIT_USAGE;
	}
	return cli_console(env);
}

/* Does path start with the words of prefix (whole words)? */
static int
cli_path_has_prefix(const char *path, const char *prefix)
{
	size_t	n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == ' ' ||
	    path[n] == '\0');
}

/* Find the command named exactly path, or NULL. */
static const struct cli_cmd *
cli_find(const char *path)
{
	const struct cli_cmd	*c;
	int			 t;

	for (t = 0; cli_tables[t] != NULL; t++)
		for (c = cli_tables[t]; c->path != NULL; c++)
			if (strcmp(c->path, path) == 0)
				return c;
	return NULL;
}

/* Is path the beginning of some command? */
static int
cli_is_group(const char *path)
{
	const struct cli_cmd	*c;
	int			 t;

	for (t = 0; cli_tables[t] != NULL; t++)
		for (c = cli_tables[t]; c->path != NULL; c++)
			if (cli_path_has_prefix(c->path, path))
				return 1;
	return 0;
}

/* Print commands whose path starts with prefix ("" for all). */
static void
cli_list_commands(FILE *f, const char *prefix)
{
	const struct cli_cmd	*c;
	char			*left;
	int			 t;

	for (t = 0; cli_tables[t] != NULL; t++)
		for (c = cli_tables[t]; c->path != NULL; c++) {
			if (*prefix != '\0' &&
			    !cli_path_has_prefix(c->path, prefix))
				continue;
			left = xprintf("%s %s", c->path, c->args);
			fprintf(f, "  herald %-38s %s\n", left, _(c->summary));
			free(left);
		}
}

static const char cli_global_help[] = N_(
    "global options (before or after the command):\n"
    "  --db PATH          database (env HERALD_DB; default\n"
    "                     $XDG_DATA_HOME/herald/herald.db)\n"
    "  --config PATH      configuration file (env HERALD_CONFIG; default\n"
    "                     $XDG_CONFIG_HOME/herald/herald.conf)\n"
    "  --json             JSON output of what a command reports (report:\n"
    "                     JSON Lines); refused by tui, engine, list export\n"
    "                     and dkim sign, which print no report\n"
    "  --KEY VALUE        any configuration key for this run (herald config "
    "ls)\n"
    "  -h, --help         help for herald or for a command\n"
    "  --version          print the version\n");

/* herald --help. */
static void
cli_usage_all(FILE *f)
{
	fprintf(f, _("usage: herald [global options] [COMMAND [ARGS]]\n\n"
	    "herald sends one-off announcements from your organisation's own "
	    "domain,\nauthenticated and encrypted. With no command it opens "
	    "the console.\n\ncommands:\n"));
	cli_list_commands(f, "");
	fprintf(f, "\n%s\n", _(cli_global_help));
	fputs(_("herald COMMAND --help describes a command; man herald has the "
	    "whole story.\n"), f);
}

/* herald COMMAND --help. */
static void
cli_usage_cmd(FILE *f, const struct cli_cmd *c)
{
	const struct cli_opt	*o;
	char			*left;

	/* TRANSLATORS: the command and its arguments stay as they are. */
	fprintf(f, _("usage: herald %s%s%s%s\n\n"), c->path,
	    *c->args != '\0' ? " " : "", c->args,
	    c->opts != NULL ? _(" [options]") : "");
	/* TRANSLATORS: a command's one-line summary, as a sentence. */
	fprintf(f, _("%s.\n"), _(c->summary));
	if (c->help != NULL)
		fprintf(f, "\n%s\n", _(c->help));
	if (c->opts != NULL) {
		fprintf(f, "\n%s\n", _("options:"));
		for (o = c->opts; o->name != NULL; o++) {
			left = xprintf("--%s%s%s", o->name, o->arg ? " " : "",
			    o->arg ? o->arg : "");
			fprintf(f, "  %-22s %s\n", left, _(o->help));
			free(left);
		}
	}
	fprintf(f, "\n%s", _(cli_global_help));
}

struct cli_parse {
	const struct cli_cmd	*cmd;
	struct buf		 path;		/* command words so far */
	struct cli_args		 args;
	const char		*db, *config;
	const char		*okey[64], *oval[64];	/* config overrides */
	int			 nover;
	int			 help, version, json;
};

/* The config key an option names ("source-ip" -> "source_ip"), or NULL. */
static const char *
cli_config_key(const char *name, size_t len)
{
	const struct config_key	*k;
	size_t			 i;

	for (k = config_keys; k->name != NULL; k++) {
		if (strlen(k->name) != len)
			continue;
		for (i = 0; i < len; i++)
			if (k->name[i] != name[i] && !(k->name[i] == '_' &&
			    name[i] == '-'))
				break;
		if (i == len)
			return k->name;
	}
	return NULL;
}

/* Take an option's argument from "--x=v" or the next word. */
static int
cli_take_arg(int argc, char **argv, int *i, const char *eq, const char *name,
    const char **out)
{
	if (eq != NULL) {
		*out = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		cli_err(_("option --%s needs a value"), name);
		return -1;
	}
	*out = argv[++*i];
	return 0;
}

/* Handle one "--name[=value]" word. Returns 0 or an exit status. */
static int
cli_parse_option(struct cli_parse *p, int argc, char **argv, int *i)
{
	const char		*word = argv[*i] + 2, *eq, *key;
	char			*name;
	const struct cli_opt	*o;
	int			 k, rc = 0;

	eq = strchr(word, '=');
	name = xstrndup(word, eq != NULL ? (size_t)(eq - word) : strlen(word));
	if (strcmp(name, "help") == 0)
		p->help = 1;
	else if (strcmp(name, "version") == 0)
		p->version = 1;
	else if (strcmp(name, "json") == 0)
		p->json = 1;
	else if (strcmp(name, "db") == 0 || strcmp(name, "config") == 0) {
		if (cli_take_arg(argc, argv, i, eq, name, name[0] == 'd' ?
		    &p->db : &p->config) == -1)
			rc = EXIT_USAGE;
	} else {
		for (k = 0, o = p->cmd != NULL ? p->cmd->opts : NULL;
		    o != NULL && o->name != NULL; o++, k++)
			if (strcmp(o->name, name) == 0)
				break;
		if (o != NULL && o->name != NULL) {
			if (o->arg == NULL)
				p->args.val[k] = "1";
			else if (cli_take_arg(argc, argv, i, eq, name,
			    &p->args.val[k]) == -1)
				rc = EXIT_USAGE;
		} else if ((key = cli_config_key(name, strlen(name))) != NULL) {
			if (p->nover == (int)nitems(p->okey)) {
				cli_err(_("too many options"));
				rc = EXIT_USAGE;
			} else if (cli_take_arg(argc, argv, i, eq, name,
			    &p->oval[p->nover]) == -1)
				rc = EXIT_USAGE;
			else
				p->okey[p->nover++] = key;
		} else {
			if (p->cmd != NULL)
				cli_err(_("unknown option --%s for herald %s"),
				    name, p->cmd->path);
			else
				cli_err(_("unknown option --%s"), name);
			rc = EXIT_USAGE;
		}
	}
	free(name);
	return rc;
}

/* Handle one word that is not an option. Returns 0 or an exit status. */
static int
cli_parse_word(struct cli_parse *p, char *word)
{
	if (p->cmd != NULL) {
		if (p->args.argc == CLI_MAXARGS) {
			cli_err(_("too many arguments (at most "
			    "%d)"), CLI_MAXARGS);
			return EXIT_USAGE;
		}
		p->args.argv[p->args.argc++] = word;
		return 0;
	}
	if (p->path.len != 0)
		buf_addc(&p->path, ' ');
	buf_adds(&p->path, word);
	if ((p->cmd = cli_find(p->path.data)) != NULL)
		return 0;
	if (cli_is_group(p->path.data))
		return 0;
	cli_err(_("unknown command '%s' (herald --help lists them)"),
	    p->path.data);
	return EXIT_USAGE;
}

/* Is the next word a value that must not be read as an option? The
 * VALUE of config set KEY VALUE may be anything ("-3" is a bad number,
 * for config set to say, not an unknown option). */
static int
cli_value_next(const struct cli_parse *p)
{
	return p->cmd != NULL && strcmp(p->cmd->path, "config set") == 0 &&
	    p->args.argc == 1;
}

/* Does the command report nothing JSON could hold (the console, a
 * message, CSV)? --json is refused there rather than ignored. */
static int
cli_no_json(const struct cli_cmd *c)
{
	static const char *const paths[] = {
		"tui", "engine", NT("list export"), NT("dkim sign"),
	};
	size_t	i;

	for (i = 0; i < nitems(paths); i++)
		if (strcmp(c->path, paths[i]) == 0)
			return 1;
	return 0;
}

/* Parse argv into p. Returns 0 or an exit status. */
static int
cli_parse_argv(struct cli_parse *p, int argc, char **argv)
{
	int	i, rc, dashdash = 0;

	for (i = 1; i < argc; i++) {
		if (cli_value_next(p)) {
			if ((rc = cli_parse_word(p, argv[i])) != 0)
				return rc;
			continue;
		}
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && strcmp(argv[i], "-h") == 0) {
			p->help = 1;
			continue;
		}
		if (!dashdash && strncmp(argv[i], "--", 2) == 0)
			rc = cli_parse_option(p, argc, argv, &i);
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_err(_("unknown option %s"), argv[i]);
			rc = EXIT_USAGE;
		} else
			rc = cli_parse_word(p, argv[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Build the environment: configuration, overrides, database path. */
static int
cli_setup(struct cli_env *env, struct cli_parse *p)
{
	char		*cfgpath, *cause = NULL;
	const char	*e;
	int		 i;

	if (p->config != NULL)
		cfgpath = xstrdup(p->config);
	else if ((e = getenv("HERALD_CONFIG")) != NULL && *e != '\0')
		cfgpath = xstrdup(e);
	else
		cfgpath = config_default_file();
	env->cfg = config_load(cfgpath, &cause);
	free(cfgpath);
	if (env->cfg == NULL)
		return cli_fail(EXIT_CONFIG, cause);
	for (i = 0; config_warning(env->cfg, (size_t)i) != NULL; i++)
		cli_err(_("warning: %s"), config_warning(env->cfg, (size_t)i));
	for (i = 0; i < p->nover; i++)
		if (config_override(env->cfg, p->okey[i], p->oval[i],
		    &cause) == -1)
			return cli_fail(EXIT_USAGE, cause);
	if (p->db != NULL)
		env->db_path = xstrdup(p->db);
	else if ((e = getenv("HERALD_DB")) != NULL && *e != '\0')
		env->db_path = xstrdup(e);
	else
		env->db_path = config_default_db();
	env->json = p->json;
	return 0;
}

/* Run herald. */
int
cli_main(int argc, char **argv, cli_console_fn console)
{
	struct cli_parse	 p;
	struct cli_env		 env;
	int			 rc;

	cli_console = console;
	/* Only LC_CTYPE changes, so numbers in JSON keep their C form. */
	utf8_locale(NULL, 0);
	i18n_init();
	memset(&p, 0, sizeof p);
	memset(&env, 0, sizeof env);
	buf_init(&p.path);
	if ((rc = cli_parse_argv(&p, argc, argv)) != 0)
		goto out;
	/* JSON is for programs: its prose (causes, findings) stays English. */
	if (p.json)
		i18n_english();
	if (p.version) {
		printf(_("herald %s\n"), HERALD_VERSION);
		goto out;
	}
	if (p.cmd == NULL && p.path.len != 0) {
		/* A group such as "herald list": show its commands. */
		fprintf(p.help ? stdout : stderr, "%s\n", _("usage:"));
		cli_list_commands(p.help ? stdout : stderr, p.path.data);
		rc = p.help ? 0 : EXIT_USAGE;
		goto out;
	}
	if (p.help) {
		if (p.cmd != NULL)
			cli_usage_cmd(stdout, p.cmd);
		else
			cli_usage_all(stdout);
		goto out;
	}
	if (p.cmd == NULL)
		p.cmd = cli_find("tui");
	if (p.json && cli_no_json(p.cmd)) {
		cli_err(_("herald %s has no JSON output: --json does not apply "
		    "(herald %s --help)"), p.cmd->path, p.cmd->path);
		rc = EXIT_USAGE;
		goto out;
	}
	if (p.args.argc < p.cmd->min || p.args.argc > p.cmd->max) {
		cli_err(_("usage: herald %s %s (herald %s "
		    "--help)"), p.cmd->path,
		    p.cmd->args, p.cmd->path);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_setup(&env, &p)) != 0)
		goto out;
	rc = p.cmd->fn(&env, p.cmd, &p.args);
	if (fflush(stdout) != 0 && rc == 0) {
		cli_err(_("write error: %s"), strerror(errno));
		rc = EXIT_IOERR;
	}
out:
	store_close(env.store);
	config_free(env.cfg);
	free(env.db_path);
	buf_free(&p.path);
	return rc;
}
