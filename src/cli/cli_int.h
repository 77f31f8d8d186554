/* Shared between the CLI's files: commands, parsed arguments, output
 * (JSON documents are built with struct json, then cli_json_out). */
#ifndef HERALD_CLI_INT_H
#define HERALD_CLI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "base/i18n.h"
#include "base/util.h"

#define CLI_MAXOPTS	24
#define CLI_MAXARGS	256

/* A command's own option. */
struct json;

struct cli_opt {
	const char	*name;		/* without the leading "--" */
	const char	*arg;		/* metavar, or NULL for a flag */
	const char	*help;
};

struct cli_args {
	int		 argc;
	char		*argv[CLI_MAXARGS];
	const char	*val[CLI_MAXOPTS];	/* per cli_cmd.opts index */
	/* Every value given, in order, for options given more than once
	 * (--to A --to B): the option's index and the value. */
	int		 nrep;
	int		 repk[CLI_MAXARGS];
	const char	*rep[CLI_MAXARGS];
};

struct cli_cmd {
	const char		*path;		/* "list import" */
	const char		*args;		/* "LIST FILE" */
	int			 min, max;	/* positional count */
	const char		*summary;
	const char		*help;		/* longer text, or NULL */
	const struct cli_opt	*opts;
	int			(*fn)(struct cli_env *, const struct cli_cmd *,
				    struct cli_args *);
};

/* The value of option name, or NULL when not given. */
const char	*cli_opt(const struct cli_cmd *, const struct cli_args *,
		    const char *name);
/* The i-th value of option name (0 first) given on the command line, or
 * NULL past the last: for options that may be given more than once. */
const char	*cli_opt_each(const struct cli_cmd *, const struct cli_args *,
		    const char *name, int i);
/* Open the database (once); prints the error and returns an exit code
 * other than 0 on failure. */
int		 cli_store(struct cli_env *);
/* The list named name (*id), or 0 after saying there is none: the exit
 * status to return when not 0. */
int		 cli_list_lookup(struct cli_env *, const char *name, int64_t *id);
/* Print "herald: message" on stderr. */
void		 cli_err(const char *, ...) PRINTFLIKE(1, 2);
/* Print a cause, free it, return code. */
int		 cli_fail(int code, char *cause);
/* Write a JSON document followed by a newline to stdout. */
void		 cli_json_out(struct buf *);
/* Start a JSON document that is one object (buf_init, json_init, the
 * object opened); cli_json_print closes the level open last, prints the
 * document as cli_json_out does and frees the buffer. */
void		 cli_json_open(struct json *, struct buf *);
void		 cli_json_print(struct json *, struct buf *);
/* Print s padded with spaces to cols display columns, on the right (or
 * on the left when right is set), then sep: a column heading that may be
 * Japanese, two columns a character, lines up as ASCII does. */
void		 cli_pad(const char *s, int cols, int right, const char *sep);
/* A time as YYYY-MM-DD HH:MM in local time (the number if it has none). */
void		 cli_date(char *out, size_t len, int64_t t);
/* Set when SIGINT or SIGTERM arrives during a long command. */
extern volatile int cli_interrupted;
void		 cli_catch_signals(void);

/* Commands, one table per file cli_NAME.c. */
extern const struct cli_cmd cli_list_cmds[];
extern const struct cli_cmd cli_config_cmds[];
extern const struct cli_cmd cli_spf_cmds[];
extern const struct cli_cmd cli_sts_cmds[];
extern const struct cli_cmd cli_check_cmds[];
extern const struct cli_cmd cli_dkim_cmds[];
extern const struct cli_cmd cli_issue_cmds[];
extern const struct cli_cmd cli_send_cmds[];
extern const struct cli_cmd cli_feedback_cmds[];
extern const struct cli_cmd cli_feedback_fetch_cmds[];

/* --password-fd FD (send.c): checked before anything is opened (0 or an
 * exit status), then its first line read as the password (wipe it). */
int		 send_password_fd_check(const char *arg);
int		 send_password_read(const char *arg, char **out);
/* Ask for a password on the terminal without echo ("password for WHAT: "),
 * the line read into size bytes as by fgets; notty is the error when there
 * is no terminal (send.c). 0 or an exit status. */
int		 cli_password_prompt(const char *what, const char *notty,
		    int size, char **out);

/* After a send's engine started: the feedback watch, when feedback_source
 * is set and feedback_watch is not 0 (feedback_fetch.c). A watch that
 * cannot start is a warning only. */
void		 cli_feedback_watch_start(struct cli_env *);
/* One finding as herald feedback read and feedback fetch print it, a text
 * line (and why, indented) or a JSON object, on out (feedback.c). */
struct feedback_finding;
void		 cli_feedback_finding(FILE *out, int json,
		    const struct feedback_finding *, const char *action,
		    long long send, const char *why, const char *source);
extern const struct cli_cmd cli_web_cmds[];
extern const struct cli_cmd cli_tlsrpt_cmds[];
extern const struct cli_cmd cli_providers_cmds[];
extern const struct cli_cmd cli_segment_cmds[];

/* Parse a filter given with option opt (src/audience/filter.h); on an
 * error print it with the text and a caret under its column, return -1. */
struct filter;
int		 cli_filter_parse(const char *opt, const char *text,
		    struct filter **);
/* herald unsubscribe --cgi (web.c): one CGI/1.1 request. */
int		 cli_unsubscribe_cgi(struct cli_env *);

/* A resolver from the configuration (resolver, dns_timeout, dns_retries);
 * NULL after printing why. */
struct dns	*cli_dns(struct cli_env *);

#endif
