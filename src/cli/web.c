/*
 * herald unsubscribe --cgi (the one-click unsubscribe URL as a CGI/1.1
 * program, RFC 3875) and herald serve (the same URL from a listener of
 * herald's own). Both answer through src/web's one handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_int.h"
#include "config/config.h"
#include "web/web.h"

/* Write a reply to standard output as CGI wants it. */
static int
cgi_out(const struct web_reply *r)
{
	struct buf	b;

	buf_init(&b);
	web_reply_write(r, 1, &b);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return fflush(stdout) == EOF ? EXIT_IOERR : 0;
}

/* An error page from the CGI program itself. */
static int
cgi_error(int status, const char *lang)
{
	struct web_reply	r;
	int			rc;

	web_error(status, lang, &r);
	r.head = getenv("REQUEST_METHOD") != NULL &&
	    strcmp(getenv("REQUEST_METHOD"), "HEAD") == 0;
	rc = cgi_out(&r);
	web_reply_free(&r);
	return rc;
}

/* herald unsubscribe --cgi: one request from the environment and stdin. */
int
cli_unsubscribe_cgi(struct cli_env *env)
{
	struct web_in		 in;
	struct web_reply	 r;
	const char		*cl = getenv("CONTENT_LENGTH");
	const char		*pi = getenv("PATH_INFO");
	char			 body[WEB_BODY_MAX + 1];
	long long		 n = -1;
	size_t			 got = 0;
	ssize_t			 k;
	int			 rc;

	memset(&in, 0, sizeof in);
	if ((in.method = getenv("REQUEST_METHOD")) == NULL) {
		cli_err(_("unsubscribe --cgi is run by a web server, which "
		    "sets REQUEST_METHOD (see herald unsubscribe --help)"));
		return EXIT_USAGE;
	}
	in.accept_language = getenv("HTTP_ACCEPT_LANGUAGE");
	in.query = getenv("QUERY_STRING");
	in.content_type = getenv("CONTENT_TYPE");
	if (in.content_type != NULL && *in.content_type == '\0')
		in.content_type = NULL;
	/* PATH_INFO "/TOKEN": the script's URL with the token after it. */
	if (pi != NULL && *pi == '/' && strchr(pi + 1, '/') == NULL)
		in.path_token = pi + 1;
	if (cl != NULL && *cl != '\0' && parse_int(cl, 0, INT64_MAX,
	    &n) == -1)
		return cgi_error(400, in.accept_language);
	in.content_length = n;
	/* A body over the limit is not read: the server discards it. */
	if (n > 0 && n <= WEB_BODY_MAX) {
		while (got < (size_t)n) {
			k = read(STDIN_FILENO, body + got, (size_t)n - got);
			if (k == -1 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got < (size_t)n)
			return cgi_error(400, in.accept_language);
	}
	body[got] = '\0';
	in.body = body;
	in.body_len = got;
	if (strcmp(in.method, "GET") == 0 || strcmp(in.method, "HEAD") == 0 ||
	    strcmp(in.method, "POST") == 0) {
		/* The database's own error went to stderr: the server's
		 * error log. */
		if (n <= WEB_BODY_MAX && cli_store(env) != 0)
			return cgi_error(500, in.accept_language);
	}
	web_handle(env->store, &in, &r);
	rc = cgi_out(&r);
	web_reply_free(&r);
	return rc;
}

/* A number option, or its default. 0, or an exit status. */
static int
serve_int(const char *opt, const char *v, long long min, long long max,
    long long def, int *out)
{
	long long	n = def;

	if (v != NULL && parse_int(v, min, max, &n) == -1) {
		cli_err(_("--%s: '%s': expected a whole number from %lld to "
		    "%lld"), opt, v, min, max);
		return EXIT_USAGE;
	}
	*out = (int)n;
	return 0;
}

/* The path herald serve answers on: unsubscribe_url's, else
 * /unsubscribe. Allocated. */
static char *
serve_path(struct cli_env *env)
{
	const char	*u = config_get(env->cfg, "unsubscribe_url"), *p, *q;

	if (u == NULL || strncasecmp(u, "https://", 8) != 0 ||
	    (p = strchr(u + 8, '/')) == NULL)
		return xstrdup("/unsubscribe");
	q = p + strcspn(p, "?#");
	return xstrndup(p, (size_t)(q - p));
}

/* herald serve */
static int
cmd_serve(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	struct web_serve_opts	 o;
	struct web_server	*srv;
	char			*cause = NULL, *path, *pidf = NULL,
				*logf = NULL, *msg = NULL;
	int			 rc, ready = -1, fg;

	memset(&o, 0, sizeof o);
	o.listen = cli_opt(cmd, a, "listen");
	o.cert = cli_opt(cmd, a, "tls-cert");
	o.key = cli_opt(cmd, a, "tls-key");
	fg = cli_opt(cmd, a, "foreground") != NULL;
	if (env->json) {
		cli_err(_("serve prints no report: --json is not for it"));
		return EXIT_USAGE;
	}
	if (o.listen == NULL) {
		cli_err(_("serve needs --listen ADDR:PORT (herald serve "
		    "--help)"));
		return EXIT_USAGE;
	}
	if ((o.cert == NULL) != (o.key == NULL)) {
		cli_err(_("--tls-cert and --tls-key go together"));
		return EXIT_USAGE;
	}
	if ((rc = serve_int("timeout", cli_opt(cmd, a, "timeout"), 1, 3600,
	    10, &o.timeout)) != 0 || (rc = serve_int("max-conns",
	    cli_opt(cmd, a, "max-conns"), 1, 4096, 64, &o.max_conns)) != 0)
		return rc;
	path = serve_path(env);
	o.path = path;
	if ((srv = web_server_new(&o, &cause)) == NULL) {
		free(path);
		return cli_fail(EXIT_CANTCREAT, cause);
	}
	if (!fg) {
		/* The detached server works in "/": the database's path
		 * must not depend on where it was started. */
		if (env->db_path[0] != '/') {
			char	*cwd = getcwd(NULL, 0), *abs;

			if (cwd == NULL) {
				rc = cli_fail(EXIT_CANTCREAT, xprintf("getcwd: "
				    "%s", strerror(errno)));
				goto out;
			}
			abs = xprintf("%s/%s", cwd, env->db_path);
			free(cwd);
			free(env->db_path);
			env->db_path = abs;
		}
		pidf = xprintf("%s.serve.pid", env->db_path);
		logf = xprintf("%s.serve.log", env->db_path);
		rc = web_detach(srv, pidf, logf, &ready, &msg, &cause);
		if (rc == -1) {
			rc = cli_fail(EXIT_CANTCREAT, cause);
			goto out;
		}
		if (rc == 1) {
			/* Here: the caller, told how the server started. */
			if (strncmp(msg, "ok ", 3) == 0) {
				printf(_("herald serve: %s on %s, pid %s; "
				    "log %s\n"), o.cert != NULL ? "https" :
				    "http", web_server_addr(srv),
				    msg + 3, logf);
				rc = 0;
			} else {
				cli_err("%s", strncmp(msg, "error: ", 7) ==
				    0 ? msg + 7 : msg);
				rc = EXIT_SOFTWARE;
			}
			goto out;
		}
	}
	/* The database is opened here, after detaching: an SQLite
	 * connection never crosses a fork. */
	if (cli_store(env) != 0) {
		if (ready != -1) {
			/* "error: " is for the waiting parent, not a person. */
			char *why = xprintf(_("cannot open the database %s "
			    "(see %s)"), env->db_path, logf);

			dprintf(ready, "error: %s\n", why);
			free(why);
		}
		rc = EXIT_CANTCREAT;
		goto out;
	}
	fprintf(stderr, _("herald serve: %s on %s, path %s, pid %ld\n"),
	    o.cert != NULL ? "https" : "http", web_server_addr(srv), path,
	    (long)getpid());
	if (ready != -1) {
		dprintf(ready, "ok %ld\n", (long)getpid());
		close(ready);
		ready = -1;
	}
	if (web_server_run(srv, env->store, &cause) == -1) {
		rc = cli_fail(EXIT_IOERR, cause);
		goto out;
	}
	fprintf(stderr, _("herald serve: stopped\n"));
	rc = 0;
out:
	if (ready != -1)
		close(ready);
	if (pidf != NULL && rc == 0 && msg == NULL)
		unlink(pidf);
	web_server_free(srv);
	free(msg);
	free(pidf);
	free(logf);
	free(path);
	return rc;
}

static const struct cli_opt serve_opts[] = {
	{ "listen", "ADDR:PORT", N_("where: 127.0.0.1:8080, [::1]:443 "
	  "(required)") },
	{ "tls-cert", "FILE", N_("certificate chain, PEM: serve https (with "
	  "--tls-key)") },
	{ "tls-key", "FILE", N_("its private key, PEM") },
	{ "foreground", NULL, N_("do not detach; log to standard error (for "
	  "systemd)") },
	{ "timeout", "SECONDS", N_("for the request head, then for the body "
	  "(default 10)") },
	{ "max-conns", "N", N_("connections at once; more get 503 (default 64; "
	    "lowered to fit the limit of open files)") },
	{ NULL, NULL, NULL }
};

const struct cli_cmd cli_web_cmds[] = {
	{ "serve", "", 0, 0, N_("serve the one-click unsubscribe URL over "
	  "HTTP(S)"),
	  N_("A small HTTP/1.1 listener for an organisation without a web "
	  "server: it\nanswers only the unsubscribe URL herald puts in "
	  "List-Unsubscribe (the\npath of unsubscribe_url, default "
	  "/unsubscribe, with ?token=TOKEN or\n/TOKEN), exactly as herald "
	  "unsubscribe --cgi does: GET shows a page with\none button, POST "
	  "List-Unsubscribe=One-Click (RFC 8058) suppresses the\naddress, "
	  "an unknown token gets 404. Anything else is refused: the request\n"
	  "line and header fields over 8 KB (431), a body over 1 KB (413), a "
	  "head or\nbody not in within --timeout (408), more than "
	  "--max-conns connections\n(503). One request per connection. It "
	  "detaches (pid in DB.serve.pid, one\nline per request in "
	  "DB.serve.log, beside the database) unless\n--foreground, as "
	  "under systemd (share/systemd/herald-serve.service).\nStop it with "
	  "kill PID (SIGTERM). Set unsubscribe_url to the https URL that\n"
	  "reaches it; RFC 8058 wants https, so use --tls-cert and --tls-key "
	  "or a\nproxy in front."), serve_opts, cmd_serve },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
