/*
 * Reading the feedback mailbox (fetch.h). IMAP and POP3 are libcurl's: a
 * maintained client that speaks both with TLS, rather than a hand-written
 * protocol parser. One easy handle serves a whole fetch, so its requests
 * share one connection (and one login).
 *
 * IMAP: UID SEARCH UNKEYWORD $HeraldDone finds what is new, UID FETCH
 * (RFC822.SIZE) what each costs, and a message over FEEDBACK_MAX_BYTES is
 * never downloaded. The password goes to libcurl apart from the URL, so
 * the URL can be shown as it is.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fetch.h"
#include "feedback.h"
#include "base/i18n.h"
#include "base/util.h"
#include "config/config.h"
#include "store/store.h"

/* Where the source is. */
enum fetch_kind { FK_IMAPS, FK_IMAP, FK_POP3S, FK_MAILDIR, FK_MBOX };

struct fetch {
	const struct feedback_fetch	*f;
	struct feedback_fetch_stats	*stats;
	enum fetch_kind			 kind;
	CURL				*curl;
	char				*base;	/* scheme://host[:port] */
	char				*shown;	/* the same, for sources */
	char				*mailbox;	/* IMAP, decoded */
	char				*mailbox_url;	/* as in the URL */
	char				*account;	/* POP3: the UIDLs' key */
	char				 errbuf[CURL_ERROR_SIZE];
	struct buf			 body;
	int				 over;	/* body passed the cap */
};

int
feedback_fetch_remote(const char *source)
{
	return strncmp(source, "imaps://", 8) == 0 ||
	    strncmp(source, "imap://", 7) == 0 ||
	    strncmp(source, "pop3s://", 8) == 0;
}

/* The source without user or password (anything before '@' of the
 * authority). */
char *
feedback_fetch_display(const char *source)
{
	const char	*auth;
	size_t		 n;

	/* Never the userinfo: it may hold a password. */
	if ((n = url_userinfo(source, &auth)) == 0)
		return xstrdup(source);
	return xprintf("%.*s%s", (int)(auth - source), source, auth + n);
}

/* Keep what libcurl downloads, never more than the cap. */
static size_t
fetch_write(char *p, size_t sz, size_t n, void *arg)
{
	struct fetch	*fx = arg;
	size_t		 len = sz * n;

	if (fx->body.len + len > FEEDBACK_MAX_BYTES) {
		fx->over = 1;
		return 0;	/* libcurl stops the transfer */
	}
	buf_add(&fx->body, p, len);
	return len;
}

/* The system's trust anchors (libcurl's default) and ca_file too. */
static CURLcode
fetch_ssl_ctx(CURL *curl, void *sslctx, void *arg)
{
	const char	*ca = arg;
	X509_STORE	*store = SSL_CTX_get_cert_store(sslctx);

	(void)curl;
	if (X509_STORE_load_locations(store, ca, NULL) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/* A failed request in words; the URL shown never has a password. */
static int
fetch_fail(struct fetch *fx, CURLcode rc, const char *what, char **cause)
{
	const char	*detail = fx->errbuf[0] ? fx->errbuf :
			    curl_easy_strerror(rc);

	if (rc == CURLE_LOGIN_DENIED)
		return set_cause(cause, _("%s: the login was refused (user "
		    "name or password wrong): %s"), fx->shown, detail);
	if (rc == CURLE_USE_SSL_FAILED)
		return set_cause(cause, _("%s: the server does not offer "
		    "STARTTLS, and herald never logs in without TLS"),
		    fx->shown);
	return set_cause(cause, "%s: %s: %s", fx->shown, what, detail);
}

/* One request: url under base, an optional command; the answer in
 * fx->body. */
static CURLcode
fetch_do(struct fetch *fx, const char *path, const char *custom)
{
	char		*url = xprintf("%s%s", fx->base, path);
	CURLcode	 rc;

	buf_reset(&fx->body);
	fx->over = 0;
	fx->errbuf[0] = '\0';
	curl_easy_setopt(fx->curl, CURLOPT_URL, url);
	curl_easy_setopt(fx->curl, CURLOPT_CUSTOMREQUEST, custom);
	rc = curl_easy_perform(fx->curl);
	free(url);
	buf_addc(&fx->body, '\0');
	fx->body.len--;
	return rc;
}

/* Parse the source URL into fx (base, shown, mailbox, account) and set
 * up the handle. */
static int
fetch_open(struct fetch *fx, char **cause)
{
	const struct feedback_fetch	*f = fx->f;
	CURLU				*u;
	char				*scheme = NULL, *host = NULL;
	char				*port = NULL, *user = NULL;
	char				*pass = NULL, *path = NULL;
	const char			*mb;
	int				 rc = -1;

	fx->shown = feedback_fetch_display(f->source);
	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, f->source, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		set_cause(cause, _("feedback_source %s: not a URL herald can "
		    "read"), fx->shown);
		goto out;
	}
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	(void)curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE);
	(void)curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	(void)curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		set_cause(cause, _("feedback_source: a password in the URL: "
		    "put it in feedback_password_file (mode 0600) or give it "
		    "with --password-fd"));
		goto out;
	}
	if (user == NULL || *user == '\0') {
		set_cause(cause, _("feedback_source %s: no user name "
		    "(%s://USER@HOST/...)"), fx->shown, scheme);
		goto out;
	}
	fx->base = xprintf("%s://%s%s%s", scheme, host, port ? ":" : "",
	    port ? port : "");
	free(fx->shown);
	fx->shown = xstrdup(fx->base);
	if (fx->kind == FK_POP3S)
		fx->account = xprintf("%s://%s@%s%s%s", scheme, user, host,
		    port ? ":" : "", port ? port : "");
	else {
		mb = path != NULL ? path : "";
		while (*mb == '/')
			mb++;
		fx->mailbox_url = xstrdup(*mb != '\0' ? mb : "INBOX");
		fx->mailbox = curl_easy_unescape(NULL, fx->mailbox_url, 0,
		    NULL);
		if (fx->mailbox == NULL || strpbrk(fx->mailbox,
		    "\"\\\r\n") != NULL || strchr(fx->mailbox_url, '/')) {
			set_cause(cause, _("feedback_source %s: mailbox name "
			    "'%s' is not one herald can use"), fx->shown,
			    fx->mailbox_url);
			goto out;
		}
		free(fx->shown);
		fx->shown = xprintf("%s/%s", fx->base, fx->mailbox_url);
	}
	if ((fx->curl = curl_easy_init()) == NULL) {
		set_cause(cause, _("cannot start libcurl"));
		goto out;
	}
	curl_easy_setopt(fx->curl, CURLOPT_USERNAME, user);
	curl_easy_setopt(fx->curl, CURLOPT_PASSWORD, f->password != NULL ?
	    f->password : "");
	curl_easy_setopt(fx->curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(fx->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(fx->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(fx->curl, CURLOPT_PROTOCOLS_STR, "imap,imaps,pop3s");
	curl_easy_setopt(fx->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A server that stops sending is a failure, not a hang. */
	curl_easy_setopt(fx->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(fx->curl, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(fx->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(fx->curl, CURLOPT_ERRORBUFFER, fx->errbuf);
	curl_easy_setopt(fx->curl, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(fx->curl, CURLOPT_WRITEDATA, fx);
	if (f->ca_file != NULL && *f->ca_file != '\0') {
		curl_easy_setopt(fx->curl, CURLOPT_SSL_CTX_FUNCTION,
		    fetch_ssl_ctx);
		curl_easy_setopt(fx->curl, CURLOPT_SSL_CTX_DATA,
		    (void *)f->ca_file);
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

/* Give one message to the caller and count it: 0 handled, 1 not, -1
 * stop. */
static int
fetch_give(struct fetch *fx, const char *buf, size_t len, const char *src,
    char **cause)
{
	fx->stats->messages++;
	return fx->f->message(buf, len, src, fx->f->arg, cause);
}

static void
fetch_skip(struct fetch *fx, const char *src, const char *why)
{
	fx->stats->skipped++;
	if (fx->f->skip != NULL)
		fx->f->skip(src, why, fx->f->arg);
}

static int
fetch_stopped(const struct fetch *fx)
{
	return fx->f->stop != NULL && *fx->f->stop;
}

/* ---- IMAP ---- */

/* The folder name as an IMAP quoted string, '%' written %25: libcurl
 * URL-decodes a command before sending it. NULL for a name a quoted
 * string cannot carry as it is. */
static char *
imap_quoted(const char *name)
{
	struct buf	 b;
	const char	*p;

	if (*name == '\0' || strpbrk(name, "\"\\\r\n") != NULL)
		return NULL;
	buf_init(&b);
	buf_addc(&b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '%')
			buf_adds(&b, "%25");
		else
			buf_addc(&b, *p);
	}
	buf_adds(&b, "\"");
	buf_addc(&b, '\0');
	return buf_take(&b);
}

/* Mark one message processed: the flags, or moved. */
static int
imap_mark(struct fetch *fx, unsigned long uid, int *has_move, char **cause)
{
	const char	*proc = fx->f->processed;
	char		*cmd, *q, *path;
	CURLcode	 rc;
	int		 tried_create = 0;

	path = xprintf("/%s", fx->mailbox_url);
	if (strncmp(proc, "move:", 5) == 0) {
		if (*has_move == -1) {
			rc = fetch_do(fx, "", "CAPABILITY");
			if (rc != CURLE_OK) {
				free(path);
				return fetch_fail(fx, rc, "CAPABILITY",
				    cause);
			}
			*has_move = strstr(fx->body.data, " MOVE") != NULL;
		}
		if ((q = imap_quoted(proc + 5)) == NULL) {
			free(path);
			return set_cause(cause, _("feedback_processed %s: a "
			    "folder name without quotes, backslashes or line "
			    "breaks"), proc);
		}
again:
		cmd = xprintf("UID %s %lu %s", *has_move ? "MOVE" : "COPY",
		    uid, q);
		rc = fetch_do(fx, path, cmd);
		free(cmd);
		if (rc == CURLE_QUOTE_ERROR && !tried_create) {
			/* No such folder: made once, then tried again. */
			tried_create = 1;
			cmd = xprintf("CREATE %s", q);
			(void)fetch_do(fx, "", cmd);
			free(cmd);
			goto again;
		}
		free(q);
		if (rc != CURLE_OK) {
			free(path);
			return set_cause(cause, _("%s;UID=%lu: read, but "
			    "could not be moved to %s: %s"), fx->shown, uid,
			    proc + 5, fx->errbuf[0] ? fx->errbuf :
			    curl_easy_strerror(rc));
		}
		if (*has_move) {
			free(path);
			return 0;
		}
	}
	cmd = xprintf("UID STORE %lu +FLAGS (\\Seen $HeraldDone)", uid);
	rc = fetch_do(fx, path, cmd);
	free(cmd);
	free(path);
	if (rc != CURLE_OK)
		return set_cause(cause, _("%s;UID=%lu: read, but could not be "
		    "flagged: %s"), fx->shown, uid, fx->errbuf[0] ?
		    fx->errbuf : curl_easy_strerror(rc));
	return 0;
}

#define IMAP_SIZE_BATCH	200

/* Take \Seen away again (its failure changes nothing that matters). */
static void
imap_unseen(struct fetch *fx, const char *path, unsigned long uid)
{
	char	*cmd = xprintf("UID STORE %lu -FLAGS.SILENT (\\Seen)", uid);

	(void)fetch_do(fx, path, cmd);
	free(cmd);
}

static int
fetch_imap(struct fetch *fx, char **cause)
{
	unsigned long	*uids = NULL;
	long long	*size = NULL;
	int		*seen = NULL;
	size_t		 n, i, j;
	struct buf	 set;
	char		*path, *cmd, *src;
	CURLcode	 rc;
	int		 has_move = -1, r, ret = -1;

	path = xprintf("/%s", fx->mailbox_url);
	rc = fetch_do(fx, path, "UID SEARCH UNKEYWORD $HeraldDone");
	if (rc != CURLE_OK) {
		fetch_fail(fx, rc, _("searching the mailbox"), cause);
		goto out;
	}
	if ((n = feedback_imap_search(fx->body.data, &uids)) == 0) {
		ret = 0;
		goto out;
	}
	size = xreallocarray(NULL, n, sizeof(*size));
	seen = xcalloc(n, sizeof(*seen));
	for (i = 0; i < n; i++)
		size[i] = -1;
	/* What each costs, before anything is downloaded. */
	for (i = 0; i < n; i += IMAP_SIZE_BATCH) {
		buf_init(&set);
		for (j = i; j < n && j < i + IMAP_SIZE_BATCH; j++)
			buf_printf(&set, "%s%lu", j > i ? "," : "", uids[j]);
		buf_addc(&set, '\0');
		cmd = xprintf("UID FETCH %s (UID FLAGS RFC822.SIZE)",
		    set.data);
		buf_free(&set);
		rc = fetch_do(fx, path, cmd);
		free(cmd);
		if (rc != CURLE_OK) {
			fetch_fail(fx, rc, _("reading message sizes"), cause);
			goto out;
		}
		feedback_imap_sizes(fx->body.data, uids + i,
		    n - i < IMAP_SIZE_BATCH ? n - i : IMAP_SIZE_BATCH,
		    size + i, seen + i);
	}
	for (i = 0; i < n && !fetch_stopped(fx); i++) {
		src = xprintf("%s;UID=%lu", fx->shown, uids[i]);
		if (size[i] > FEEDBACK_MAX_BYTES) {
			cmd = xprintf(_("%lld bytes, over the %d MB a message "
			    "may have: left unread in the mailbox"), size[i],
			    FEEDBACK_MAX_BYTES / (1024 * 1024));
			fetch_skip(fx, src, cmd);
			free(cmd);
			free(src);
			continue;
		}
		cmd = xprintf("%s/;UID=%lu", path, uids[i]);
		rc = fetch_do(fx, cmd, NULL);
		free(cmd);
		if (rc != CURLE_OK && fx->over) {
			fetch_skip(fx, src, _("over the size a message may "
			    "have: left unread in the mailbox"));
			free(src);
			continue;
		}
		if (rc != CURLE_OK) {
			set_cause(cause, _("%s: the fetch stopped while reading "
			    "this message: %s (what was read before is kept; "
			    "the next fetch goes on from here)"), src,
			    fx->errbuf[0] ? fx->errbuf :
			    curl_easy_strerror(rc));
			free(src);
			goto out;
		}
		r = fetch_give(fx, fx->body.data, fx->body.len, src, cause);
		free(src);
		if (r != 0 || fx->f->dry_run) {
			/* Downloading set \Seen: a message left unmarked is
			 * left as it was found. */
			if (!seen[i])
				imap_unseen(fx, path, uids[i]);
			if (r == -1)
				goto out;
			continue;
		}
		if (imap_mark(fx, uids[i], &has_move, cause) == -1)
			goto out;
		fx->stats->marked++;
	}
	ret = 0;
out:
	free(path);
	free(uids);
	free(size);
	free(seen);
	return ret;
}

/* ---- POP3 ---- */

static int
fetch_pop3(struct fetch *fx, char **cause)
{
	struct feedback_pop3	*m = NULL;
	char			*src, *path, *why;
	size_t			 n, i;
	CURLcode		 rc;
	int			 seen, r, ret = -1;

	rc = fetch_do(fx, "/", "UIDL");
	if (rc != CURLE_OK) {
		fetch_fail(fx, rc, "UIDL", cause);
		return -1;
	}
	n = feedback_pop3_uidl(fx->body.data, &m);
	if (n > 0) {
		rc = fetch_do(fx, "/", NULL);	/* LIST */
		if (rc != CURLE_OK) {
			fetch_fail(fx, rc, "LIST", cause);
			goto out;
		}
		feedback_pop3_sizes(fx->body.data, m, n);
	}
	for (i = 0; i < n && !fetch_stopped(fx); i++) {
		if ((seen = store_fetch_seen(fx->f->st, fx->account,
		    m[i].uidl, cause)) == -1)
			goto out;
		if (seen)
			continue;
		src = xprintf("%s;UIDL=%s", fx->shown, m[i].uidl);
		if (m[i].size > FEEDBACK_MAX_BYTES) {
			why = xprintf(_("%lld bytes, over the %d MB a message "
			    "may have: left unread on the server"), m[i].size,
			    FEEDBACK_MAX_BYTES / (1024 * 1024));
			fetch_skip(fx, src, why);
			free(why);
			free(src);
			continue;
		}
		path = xprintf("/%lu", m[i].num);
		rc = fetch_do(fx, path, NULL);
		free(path);
		if (rc != CURLE_OK && fx->over) {
			fetch_skip(fx, src, _("over the size a message may "
			    "have: left unread on the server"));
			free(src);
			continue;
		}
		if (rc != CURLE_OK) {
			set_cause(cause, _("%s (message %lu): the fetch stopped "
			    "while reading this message: %s (what was read "
			    "before is kept; the next fetch goes on from "
			    "here)"), src, m[i].num, fx->errbuf[0] ?
			    fx->errbuf : curl_easy_strerror(rc));
			free(src);
			goto out;
		}
		r = fetch_give(fx, fx->body.data, fx->body.len, src, cause);
		free(src);
		if (r == -1)
			goto out;
		if (r == 1 || fx->f->dry_run)
			continue;
		if (store_fetch_mark(fx->f->st, fx->account, m[i].uidl,
		    cause) == -1)
			goto out;
		fx->stats->marked++;
	}
	ret = 0;
out:
	feedback_pop3_free(m, n);
	return ret;
}

/* ---- Maildir ---- */

/* Has a Maildir name the S flag (its info ":2,FLAGS")? */
static int
maildir_seen(const char *name)
{
	const char	*info = strstr(name, ":2,");

	return info != NULL && strchr(info + 3, 'S') != NULL;
}

/* The name with S among its flags (kept in ASCII order, as the Maildir
 * convention asks). */
static char *
maildir_flagged(const char *name)
{
	const char	*info = strstr(name, ":2,");
	struct buf	 b;
	const char	*f;
	int		 put = 0;

	if (info == NULL)
		return xprintf("%s:2,S", name);
	buf_init(&b);
	buf_add(&b, name, (size_t)(info - name) + 3);
	for (f = info + 3; *f != '\0'; f++) {
		if (!put && *f > 'S') {
			buf_addc(&b, 'S');
			put = 1;
		}
		buf_addc(&b, *f);
	}
	if (!put)
		buf_addc(&b, 'S');
	buf_addc(&b, '\0');
	return buf_take(&b);
}

/* A sub-Maildir dir/.FOLDER, made when missing. 0 or -1. */
static int
maildir_make(const char *dir, const char *folder, char **cause)
{
	static const char *const sub[] = { "", "/cur", "/new", "/tmp" };
	char	*p;
	size_t	 i;

	if (strchr(folder, '/') != NULL || strcmp(folder, ".") == 0 ||
	    strcmp(folder, "..") == 0)
		return set_cause(cause, _("feedback_processed move:%s: a "
		    "folder name, not a path"), folder);
	for (i = 0; i < 4; i++) {
		p = xprintf("%s/.%s%s", dir, folder, sub[i]);
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			set_cause(cause, "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

/*
 * Read one Maildir entry into memory; *len its whole size (content kept
 * only up to the cap). NULL with *cause (the fetch stops), or NULL with
 * *why (allocated) for an entry to leave where it is: a symbolic link
 * (never followed: it could name any file), anything but a regular file
 * (a FIFO would hang the fetch), a read that failed (a cut message must
 * not be recorded and marked).
 */
static char *
fetch_file(const char *path, size_t *len, char **why, char **cause)
{
	struct stat	 sb;
	struct buf	 b;
	char		 tmp[65536];
	ssize_t		 n;
	int		 fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP)
			*why = xstrdup(_("a symbolic link: not followed, left "
			    "where it is"));
		else
			set_cause(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		*why = xstrdup(_("not a regular file: not read, left where it "
		    "is"));
		return NULL;
	}
	if (sb.st_size > FEEDBACK_MAX_BYTES) {
		close(fd);
		*len = (size_t)sb.st_size;
		return xstrdup("");
	}
	buf_init(&b);
	while ((n = read(fd, tmp, sizeof tmp)) > 0 &&
	    b.len + (size_t)n <= FEEDBACK_MAX_BYTES)
		buf_add(&b, tmp, (size_t)n);
	if (n < 0) {
		*why = xprintf(_("%s: not read, left where it is"),
		    strerror(errno));
		close(fd);
		buf_free(&b);
		return NULL;
	}
	close(fd);
	*len = b.len + (n > 0 ? (size_t)n : 0);
	buf_addc(&b, '\0');
	return buf_take(&b);
}

static int
fetch_maildir(struct fetch *fx, const char *dir, char **cause)
{
	static const char *const sub[] = { "new", "cur" };
	const char	*proc = fx->f->processed;
	char		**names, *p, *t, *to, *why, *base;
	size_t		 n, i, k, len;
	int		 any = 0, r, ret = 0;

	if (strncmp(proc, "move:", 5) == 0 && !fx->f->dry_run &&
	    maildir_make(dir, proc + 5, cause) == -1)
		return -1;
	for (k = 0; k < 2 && ret == 0; k++) {
		p = xprintf("%s/%s", dir, sub[k]);
		/* Names marked seen (S) were processed before. */
		if (dir_names(p, maildir_seen, &names, &n) == -1) {
			free(p);
			continue;
		}
		any = 1;
		for (i = 0; i < n; i++) {
			if (ret != 0 || fetch_stopped(fx)) {
				free(names[i]);
				continue;
			}
			t = xprintf("%s/%s", p, names[i]);
			if ((base = fetch_file(t, &len, &why,
			    cause)) == NULL) {
				if (why != NULL) {
					fetch_skip(fx, t, why);
					free(why);
				} else
					ret = -1;
			} else if (len > FEEDBACK_MAX_BYTES) {
				why = xprintf(_("%zu bytes, over the %d MB a "
				    "message may have: left where it is"), len,
				    FEEDBACK_MAX_BYTES / (1024 * 1024));
				fetch_skip(fx, t, why);
				free(why);
			} else if ((r = fetch_give(fx, base, len, t,
			    cause)) == -1)
				ret = -1;
			else if (r == 0 && !fx->f->dry_run) {
				char *flagged = maildir_flagged(names[i]);

				if (strncmp(proc, "move:", 5) == 0)
					to = xprintf("%s/.%s/cur/%s", dir,
					    proc + 5, flagged);
				else
					to = xprintf("%s/cur/%s", dir,
					    flagged);
				free(flagged);
				if (rename(t, to) == -1) {
					set_cause(cause, _("%s: read, but "
					    "could not be marked (rename to "
					    "%s): %s"), t, to,
					    strerror(errno));
					ret = -1;
				} else
					fx->stats->marked++;
				free(to);
			}
			free(base);
			free(t);
			free(names[i]);
		}
		free(names);
		free(p);
	}
	if (!any && ret == 0)
		return set_cause(cause, _("%s: not a Maildir (it has neither "
		    "cur/ nor new/)"), dir);
	return ret;
}

/* ---- mbox ---- */

struct mbox_walk {
	struct fetch	*fx;
	const char	*path;
	char		*cause;
	int		 failed;
};

static void
mbox_message(const char *msg, size_t len, size_t line, void *arg)
{
	struct mbox_walk	*w = arg;
	char			*src, *why;

	if (w->failed || fetch_stopped(w->fx))
		return;
	src = xprintf("mbox:%s:%zu", w->path, line);
	if (len > FEEDBACK_MAX_BYTES) {
		why = xprintf(_("%zu bytes, over the %d MB a message may have: "
		    "not read"), len, FEEDBACK_MAX_BYTES / (1024 * 1024));
		fetch_skip(w->fx, src, why);
		free(why);
	} else if (fetch_give(w->fx, msg, len, src, &w->cause) == -1)
		w->failed = 1;
	free(src);
}

static int
fetch_mbox(struct fetch *fx, const char *path, char **cause)
{
	struct mbox_walk	 w = { fx, path, NULL, 0 };
	struct stat		 sb;
	char			*map, *why = NULL;
	int			 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return set_cause(cause, _("%s: not a file"), path);
	}
	if (sb.st_size == 0) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	if (!feedback_is_mbox(map, (size_t)sb.st_size)) {
		munmap(map, (size_t)sb.st_size);
		return set_cause(cause, _("%s:1: not an mbox (it does not "
		    "start with a From_ line)"), path);
	}
	rc = feedback_mbox_each(map, (size_t)sb.st_size, mbox_message, &w,
	    &why);
	munmap(map, (size_t)sb.st_size);
	if (w.failed) {
		free(why);
		*cause = w.cause;
		return -1;
	}
	if (rc == -1) {
		set_cause(cause, _("%s:%s; the messages before it were read, "
		    "the rest was not"), path, why);
		free(why);
		return -1;
	}
	return 0;
}

int
feedback_fetch_run(const struct feedback_fetch *f,
    struct feedback_fetch_stats *stats, char **cause)
{
	struct fetch	fx;
	int		rc = -1;

	memset(stats, 0, sizeof *stats);
	memset(&fx, 0, sizeof fx);
	fx.f = f;
	fx.stats = stats;
	if (strncmp(f->source, "maildir:", 8) == 0)
		return fetch_maildir(&fx, f->source + 8, cause);
	if (strncmp(f->source, "mbox:", 5) == 0)
		return fetch_mbox(&fx, f->source + 5, cause);
	if (strncmp(f->source, "imaps://", 8) == 0)
		fx.kind = FK_IMAPS;
	else if (strncmp(f->source, "imap://", 7) == 0)
		fx.kind = FK_IMAP;
	else if (strncmp(f->source, "pop3s://", 8) == 0)
		fx.kind = FK_POP3S;
	else {
		char *shown = feedback_fetch_display(f->source);

		set_cause(cause, _("feedback_source '%s': expected imaps://, "
		    "imap://, pop3s://, maildir:/PATH or mbox:/PATH"), shown);
		free(shown);
		return -1;
	}
	if (fx.kind == FK_POP3S && f->st == NULL)
		return set_cause(cause, _("a POP3 fetch needs the database"));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return set_cause(cause, _("cannot start libcurl"));
	buf_init(&fx.body);
	if (fetch_open(&fx, cause) == 0)
		rc = fx.kind == FK_POP3S ? fetch_pop3(&fx, cause) :
		    fetch_imap(&fx, cause);
	if (fx.curl != NULL) {
		/* The handle keeps a copy of the password: emptied here,
		 * then freed with the handle; libcurl does not wipe it. */
		curl_easy_setopt(fx.curl, CURLOPT_PASSWORD, "");
		curl_easy_cleanup(fx.curl);
	}
	if (fx.body.data != NULL)
		explicit_bzero(fx.body.data, fx.body.len);
	buf_free(&fx.body);
	free(fx.base);
	free(fx.shown);
	curl_free(fx.mailbox);
	free(fx.mailbox_url);
	free(fx.account);
	curl_global_cleanup();
	return rc;
}

/* ---- Once, from the configuration ---- */

#define FETCH_PASSWORD_MAX	511

const char *
feedback_fetch_action(const struct feedback_result *r, size_t i)
{
	if (r->action == NULL)
		return "none";
	return feedback_action_name(r->action[i]);
}

int
feedback_fetch_password(const struct config *cfg, char **out, char **cause)
{
	const char	*path = config_get(cfg, "feedback_password_file");

	*out = NULL;
	if (path == NULL || *path == '\0')
		return 1;
	return secret_file_read("feedback_password_file", path,
	    FETCH_PASSWORD_MAX, out, cause);
}

void
feedback_password_free(char *pw)
{
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

struct fetch_once {
	struct store			*st;
	struct feedback_opts		 opts;
	int				 dry_run;
	feedback_fetched_fn		 done;
	feedback_skip_fn		 skip;
	void				*arg;
	struct feedback_fetch_summary	*sum;
};

/* One message: read (a dry run) or processed. */
static int
fetch_once_message(const char *buf, size_t len, const char *source,
    void *arg, char **cause)
{
	struct fetch_once	*o = arg;
	struct feedback_result	 r;

	o->sum->messages++;
	memset(&r, 0, sizeof r);
	if (feedback_process(o->st, &o->opts, buf, len, source, &r,
	    cause) == -1)
		return -1;
	if (r.duplicate)
		o->sum->duplicates++;
	else if (!o->dry_run)
		o->sum->recorded++;
	if (r.msg.error != NULL)
		o->sum->errors++;
	if (o->done != NULL)
		o->done(source, &r, o->arg);
	feedback_result_free(&r);
	/* A dry run matches and classifies, and marks nothing. */
	return o->dry_run ? 1 : 0;
}

static void
fetch_once_skip(const char *source, const char *why, void *arg)
{
	struct fetch_once	*o = arg;

	o->sum->errors++;
	if (o->skip != NULL)
		o->skip(source, why, o->arg);
}

int
feedback_fetch_once(struct store *st, const struct config *cfg,
    const char *source, const char *password, int dry_run,
    feedback_fetched_fn done, feedback_skip_fn skip, void *arg,
    volatile int *stop, struct feedback_fetch_summary *sum, char **cause)
{
	struct feedback_fetch		f;
	struct feedback_fetch_stats	stats;
	struct fetch_once		o;
	char				*own = NULL;
	int				rc;

	memset(sum, 0, sizeof *sum);
	/* No password given (the console, the watch): the file's. */
	if (password == NULL && feedback_fetch_remote(source)) {
		if ((rc = feedback_fetch_password(cfg, &own, cause)) == -1)
			return -1;
		if (rc == 1) {
			char *shown = feedback_fetch_display(source);

			set_cause(cause, _("%s needs a password: set "
			    "feedback_password_file (a file of mode 0600)"),
			    shown);
			free(shown);
			return -1;
		}
		password = own;
	}
	memset(&o, 0, sizeof o);
	o.st = st;
	o.dry_run = dry_run;
	o.done = done;
	o.skip = skip;
	o.arg = arg;
	o.sum = sum;
	feedback_opts_from(cfg, &o.opts);
	o.opts.dry_run = dry_run;
	memset(&f, 0, sizeof f);
	f.source = source;
	f.password = password;
	f.ca_file = config_get(cfg, "ca_file");
	f.processed = config_get(cfg, "feedback_processed");
	if (f.processed == NULL)
		f.processed = "flag";
	f.dry_run = dry_run;
	f.st = st;
	f.message = fetch_once_message;
	f.skip = fetch_once_skip;
	f.arg = &o;
	f.stop = stop;
	rc = feedback_fetch_run(&f, &stats, cause);
	feedback_password_free(own);
	sum->marked = stats.marked;
	return rc;
}
