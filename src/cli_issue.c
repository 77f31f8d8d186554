/* herald issue ... */
#include "cli_int.h"

const struct cli_cmd cli_issue_cmds[] = {
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
