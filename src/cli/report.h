/* What send.c (send, resume, pause, engine) and report.c (status, report,
 * following a send) share, and report.c's functions. */
#ifndef HERALD_CLI_SEND_H
#define HERALD_CLI_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "send/send.h"

struct cli_env;

/* Parse a send's id (the issue's). 0 or an exit status. */
int	send_id_arg(const char *, int64_t *);
/* Open the store and load send id. 0 or an exit status (66: none). */
int	send_load(struct cli_env *, int64_t id, struct send_info *);
/* The send subsystem's context: the store, configuration and database
 * path of the command line's environment (the store open). */
void	send_ctx_cli(struct cli_env *, struct send_ctx *);
/* The send's state now (send_state_read): counts, whether its engine
 * runs. 0 or an exit status. */
int	send_state_now(struct cli_env *, int64_t id, struct send_counts *,
	    int *engine, enum send_state *);
/* "2026-11-23 10:00:01" in local time. */
void	send_time(char *, size_t, int64_t);
/* Local time with its offset ("2026-12-24 09:00:00 +0900"). */
void	send_time_zone(char *, size_t, int64_t);
struct json;
/* A time as JSON: "2026-12-24T00:00:00Z". */
void	send_json_time(struct json *, const char *key, int64_t);
/*
 * Print the send's events after event id after (a line each, or JSON
 * lines with --json) until it is finished, waiting, paused or interrupted,
 * then say so (on stderr with --json, so that standard output holds only
 * the events). Returns the exit status: 0, or 75 when the engine stopped
 * with work left.
 */
int	send_follow(struct cli_env *, int64_t id, int64_t after);

struct cli_cmd;
struct cli_args;
/* herald status ID and herald report ID (report.c). */
int	cmd_send_status(struct cli_env *, const struct cli_cmd *,
	    struct cli_args *);
int	cmd_send_report(struct cli_env *, const struct cli_cmd *,
	    struct cli_args *);

#endif
