/*
 * The command line: global options, subcommands, their text and JSON
 * output and sysexits exit codes. The console is handed in by the program's
 * main (ui/), so the core never depends on the UI.
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
