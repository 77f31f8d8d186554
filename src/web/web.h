/*
 * src/web: one-click unsubscribe (RFC 8058) over HTTP, for the web server
 * an organisation already runs (herald unsubscribe --cgi, RFC 3875) and
 * for one it does not (herald serve). Both read a request into struct
 * web_in and answer it with the same handler (unsub.c), so a CGI request
 * and a request to the built-in listener get the same page, the same
 * status and the same suppression. http.c reads what the client sends
 * (request head, form bodies, Accept-Language): pure functions with a
 * fuzz harness (tests/fuzz/http.c); serve.c is the listener.
 *
 * May use: src/base, src/store, src/mail, src/config, src/feedback.
 */
#ifndef HERALD_WEB_H
#define HERALD_WEB_H

#include <stddef.h>

#include "base/util.h"

struct store;

#define WEB_HEAD_MAX	8192	/* request line and headers: else 431 */
#define WEB_BODY_MAX	1024	/* request body: else 413 */
#define WEB_HEADERS_MAX	64	/* header fields: else 431 */

/* ---- reading requests (http.c) ---- */

/* The head of a request as the built-in listener reads it. Strings point
 * into text, a copy of the head. */
struct http_request {
	char		*text;
	const char	*method;
	const char	*path;		/* the target before '?' */
	const char	*query;		/* after '?', or NULL */
	const char	*content_type;	/* or NULL */
	const char	*accept_language; /* or NULL */
	long long	 content_length; /* -1 when not given */
	int		 minor;		/* HTTP/1.minor */
	int		 host;		/* a Host field came */
};

/*
 * Read a request head (request line, header fields, blank line) from
 * buf[0..len). Returns the head's length when it is complete and r is
 * filled (free it with http_request_free), 0 when more bytes are needed,
 * or minus the status that refuses it: 400 (malformed; HTTP/1.1 without
 * one Host), 431 (longer than
 * WEB_HEAD_MAX, or too many fields), 501 (Transfer-Encoding), 505 (not
 * HTTP/1.x).
 */
int		 http_parse_head(const char *buf, size_t len,
		    struct http_request *r);
void		 http_request_free(struct http_request *);
/* A field of an application/x-www-form-urlencoded string (the query, a
 * form body), percent-decoded; allocated, or NULL when absent. */
char		*http_form_value(const char *s, size_t len, const char *name);
/*
 * Does a POST body say List-Unsubscribe=One-Click (RFC 8058), encoded as
 * content_type says: application/x-www-form-urlencoded (also taken when
 * there is no Content-Type) or multipart/form-data? 1 yes, 0 no.
 */
int		 http_one_click(const char *content_type, const char *body,
		    size_t len);
/* "ja" or "en": the one Accept-Language prefers (English by default). */
const char	*http_language(const char *accept_language);
/* The reason phrase of a status ("Not Found"). */
const char	*http_reason(int status);

/* ---- answering them (unsub.c) ---- */

/* A request, however it came. */
struct web_in {
	const char	*method;
	const char	*query;		/* or NULL */
	const char	*path_token;	/* a token in the path, or NULL */
	const char	*content_type;	/* or NULL */
	const char	*accept_language; /* or NULL */
	const char	*body;
	size_t		 body_len;
	long long	 content_length; /* declared, -1: none */
};

struct web_reply {
	int		 status;
	const char	*lang;		/* "ja" or "en" */
	const char	*allow;		/* for 405, else NULL */
	int		 head;		/* HEAD: headers only */
	struct buf	 body;		/* the page, UTF-8 HTML */
	char		 token[16];	/* for the log: the token's first
					 * letters, or "" */
	const char	*what;		/* for the log: what was done */
};

/*
 * Answer one unsubscribe request: GET and HEAD show the confirmation
 * page, POST with List-Unsubscribe=One-Click suppresses the address the
 * token names (source "one-click"); 404 for a missing, malformed or
 * unknown token (the page names nothing), 405 for another method, 413
 * for a body over WEB_BODY_MAX, 400 for a POST that does not ask, 500
 * when the database fails (said on stderr). Always fills r.
 */
void		 web_handle(struct store *, const struct web_in *,
		    struct web_reply *);
/* The page of an error status the caller decides (400, 408, 413, 431,
 * 500, 501, 503, 505) in the language accept_language prefers. */
void		 web_error(int status, const char *accept_language,
		    struct web_reply *);
/* The response: cgi ? "Status: ..." (RFC 3875) : "HTTP/1.1 ..." with
 * Connection: close; then the fields and, unless HEAD, the page. */
void		 web_reply_write(const struct web_reply *, int cgi,
		    struct buf *);
void		 web_reply_free(struct web_reply *);

/* ---- the built-in listener (serve.c) ---- */

struct web_serve_opts {
	const char	*listen;	/* ADDR:PORT, [V6]:PORT */
	const char	*cert, *key;	/* PEM files: TLS; both or neither */
	const char	*path;		/* the unsubscribe path: /unsubscribe */
	int		 timeout;	/* seconds for the head, the body */
	int		 max_conns;	/* then 503 */
};

struct web_server;
/* Bind the socket and load the certificate (before detaching, so that
 * the operator sees what fails). NULL with *cause. */
struct web_server *web_server_new(const struct web_serve_opts *,
		    char **cause);
/* The address it listens on, as "127.0.0.1:8080". */
const char	*web_server_addr(const struct web_server *);
/* Serve until SIGTERM or SIGINT: one line per request on stderr. */
int		 web_server_run(struct web_server *, struct store *,
		    char **cause);
void		 web_server_free(struct web_server *);
/*
 * Detach (a session of its own, no terminal, stdin /dev/null, output
 * appended to log_path) and take the lock of pid_path, which then holds
 * the pid. Returns 0 in the detached process, with *ready a descriptor
 * to write "ok PID\n" or "error: ...\n" to once it serves (or cannot);
 * 1 in the caller, with *msg (allocated) what the detached process
 * wrote, without the line end; -1 with *cause when it could not start.
 * The detached process keeps only its standard descriptors, s's listener,
 * the pid file and *ready, and works in "/" (pid_path, log_path and every
 * path it opens later must be absolute).
 */
int		 web_detach(const struct web_server *s, const char *pid_path,
		    const char *log_path,
		    int *ready, char **msg, char **cause);

#endif
