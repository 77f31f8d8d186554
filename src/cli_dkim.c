/* herald dkim ... */
#include "cli_int.h"

const struct cli_cmd cli_dkim_cmds[] = {
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
