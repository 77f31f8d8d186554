/*
 * src/cli: the command line, a front end on the core like the console
 * (ui/). It parses arguments (global options, subcommands, one file per
 * command group), calls the core, and prints: text, or JSON written with
 * base/json.h's writer, and a sysexits exit status. The work itself (the
 * store, DNS, DKIM, SPF, importing, rendering, sending) is done by the
 * core folders; a command strings their calls together and says what
 * happened.
 *
 * It may include any core folder (src/base, store, mail, auth, smtp,
 * config, send) and nothing of ui/. Nothing in the core includes it; the
 * console is handed in by the program's main (ui/main.c), so neither
 * front end depends on the other.
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stddef.h>

struct config;
struct store;

struct cli_env {
	struct config	*cfg;
	char		*db_path;	/* --db, HERALD_DB or the default */
	int		 json;		/* --json */
	struct store	*store;		/* opened by cli_store() */
};

/* Opens the console; returns the process exit status. */
typedef int (*cli_console_fn)(struct cli_env *);

/* Run herald with argv; returns the process exit status. */
int	cli_main(int argc, char **argv, cli_console_fn console);

#endif
