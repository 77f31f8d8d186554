/* herald's entry point: the command line, which may open the console. */
#include "cli/cli.h"
#include "ui.h"

/* Hand `herald` and `herald tui` to the console. */
static int
open_console(struct cli_env *env)
{
	return ui_main(env->cfg, env->db_path);
}

int
main(int argc, char **argv)
{
	return cli_main(argc, argv, open_console);
}
