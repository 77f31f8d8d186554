/*
 * One request to one reply: the one-click unsubscribe pages. A page is
 * self-contained (inline style, no script, no image, no font: nothing is
 * fetched from anywhere, and a form that works without JavaScript) and
 * names neither the list nor the address, so a forwarded or guessed link
 * tells nobody who is subscribed to what. The token is the one herald
 * puts in List-Unsubscribe: <unsubscribe_url?token=TOKEN> (or &token=
 * when the URL has a query already); a token as the last path segment
 * (/unsubscribe/TOKEN, PATH_INFO /TOKEN) works too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "web.h"
#include "feedback/record.h"
#include "mail/message.h"
#include "store/store.h"

/* The texts of a page, in one language. */
struct web_text {
	const char	*title, *text, *button;
};

/* NT: the English page; the Japanese one beside it, chosen by Accept-Language */
static const struct web_text web_en[] = {
	{ "Unsubscribe", "To stop receiving these announcements at this "
	  "address, press the button.", "Unsubscribe" },
	{ "Unsubscribed", "You are unsubscribed: no more announcements will "
	  "be sent to this address.", NULL },
	{ "Link not valid", "This unsubscribe link is not valid. If you "
	  "copied it from a message, copy the whole link, or reply to the "
	  "message asking to unsubscribe.", NULL },
	{ "Bad request", "This request could not be understood.", NULL },
	{ "Not allowed", "This page is opened, or its button pressed; "
	  "nothing else.", NULL },
	{ "Too large", "The request is too large.", NULL },
	{ "Too slow", "The request did not arrive in time. Please try "
	  "again.", NULL },
	{ "Please try again", "The unsubscribe could not be recorded just "
	  "now. Please try again later.", NULL },
	{ "Busy", "Too many requests at once. Please try again in a "
	  "moment.", NULL },
};

static const struct web_text web_ja[] = {
	{ "配信停止", "このアドレスへのお知らせの配信を停止するには、ボタン"
	  "を押してください。", "配信を停止する" },
	{ "配信を停止しました", "このアドレスには今後お知らせをお送りしま"
	  "せん。", NULL },
	{ "無効なリンク", "この配信停止のリンクは無効です。メールからコピー"
	  "した場合はリンク全体をコピーしてください。または、そのメールに"
	  "配信停止を希望する旨を返信してください。", NULL },
	{ "不正なリクエスト", "このリクエストは処理できません。", NULL },
	{ "許可されていない操作", "このページでは、開くこととボタンを押す"
	  "ことのみができます。", NULL },
	{ "リクエストが大きすぎます", "リクエストが大きすぎます。", NULL },
	{ "タイムアウト", "リクエストが時間内に届きませんでした。もう一度"
	  "お試しください。", NULL },
	{ "もう一度お試しください", "ただいま配信停止を記録できませんでし"
	  "た。しばらくしてからもう一度お試しください。", NULL },
	{ "混雑しています", "リクエストが集中しています。しばらくしてから"
	  "もう一度お試しください。", NULL },
};

enum { P_CONFIRM, P_DONE, P_NOTFOUND, P_BAD, P_METHOD, P_LARGE,
    P_TIMEOUT, P_ERROR, P_BUSY };

/* The page of a status. */
static int
web_page_of(int status)
{
	switch (status) {
	case 404: return P_NOTFOUND;
	case 405: return P_METHOD;
	case 408: return P_TIMEOUT;
	case 413: case 431: return P_LARGE;
	case 500: return P_ERROR;
	case 503: return P_BUSY;
	default: return P_BAD;
	}
}

/* Fill r with a page. */
static void
web_page(struct web_reply *r, int status, const char *lang, int page)
{
	const struct web_text	*t = strcmp(lang, "ja") == 0 ? &web_ja[page] :
				    &web_en[page];

	r->status = status;
	r->lang = lang;
	buf_reset(&r->body);
	buf_printf(&r->body, NT("<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n"
	    "<title>%s</title>\n<style>\nbody{font-family:sans-serif;"
	    "max-width:32em;margin:3em auto;padding:0 1em;line-height:1.6;"
	    "color:#222;background:#fff}\nh1{font-size:1.4em}\nbutton{"
	    "font-size:1.1em;padding:.5em 1.5em;cursor:pointer}\n</style>\n"
	    "</head>\n<body>\n<h1>%s</h1>\n<p>%s</p>\n"), lang, t->title,
	    t->title, t->text);
	/* No action: the form posts back to this very URL, token and all
	 * (RFC 8058's body, as a mail client would send it). */
	if (t->button != NULL)
		buf_printf(&r->body, NT("<form method=\"post\" enctype="
		    "\"application/x-www-form-urlencoded\">\n<input "
		    "type=\"hidden\" name=\"List-Unsubscribe\" "
		    "value=\"One-Click\">\n<button type=\"submit\">%s"
		    "</button>\n</form>\n"), t->button);
	buf_adds(&r->body, "</body>\n</html>\n");
}

/* The page of an error status (see web.h). */
void
web_error(int status, const char *accept_language, struct web_reply *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->body);
	r->what = "refused";
	r->token[0] = '\0';
	web_page(r, status, http_language(accept_language),
	    web_page_of(status));
}

/*
 * The token of a request: the query's token field, else the path's. Into
 * out, lower-cased (tokens are written in lower case; a mail client may
 * have changed the case). 0, or -1 when there is none that could be one.
 */
static int
web_token(const struct web_in *in, char out[MESSAGE_TOKEN_LEN + 1])
{
	char	*t = NULL;
	size_t	 i;
	int	 rc = -1;

	if (in->query != NULL)
		t = http_form_value(in->query, strlen(in->query), "token");
	if (t == NULL && in->path_token != NULL && *in->path_token != '\0')
		t = xstrdup(in->path_token);
	if (t != NULL && message_is_token(t)) {
		for (i = 0; i < MESSAGE_TOKEN_LEN; i++)
			out[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ?
			    t[i] - 'A' + 'a' : t[i]);
		out[i] = '\0';
		rc = 0;
	}
	free(t);
	return rc;
}

/*
 * Suppress the address token names, by the way every unsubscribe goes
 * (kept in the feedback trail, source "one-click"). 1 done (or done
 * before), 0 unknown token, -1 with *cause.
 */
static int
web_unsubscribe(struct store *st, const char *token, char **cause)
{
	char	*addr = NULL;
	int	 rc;

	rc = feedback_unsubscribe(st, token, "one-click", &addr, cause);
	free(addr);
	return rc;
}

/* Is the token known? 1 yes, 0 no, -1 with *cause. */
static int
web_token_known(struct store *st, const char *token, char **cause)
{
	char	*addr = NULL;
	int	 rc;

	rc = store_token_find(st, token, &addr, cause);
	free(addr);
	return rc == 0 ? 1 : rc == 1 ? 0 : -1;
}

/* Answer one request (see web.h). */
void
web_handle(struct store *st, const struct web_in *in, struct web_reply *r)
{
	char		 token[MESSAGE_TOKEN_LEN + 1], *cause = NULL;
	const char	*lang = http_language(in->accept_language);
	int		 post = strcmp(in->method, "POST") == 0, rc;

	memset(r, 0, sizeof *r);
	buf_init(&r->body);
	r->what = "refused";
	r->head = strcmp(in->method, "HEAD") == 0;
	if (!post && !r->head && strcmp(in->method, "GET") != 0) {
		r->allow = "GET, HEAD, POST";
		web_page(r, 405, lang, P_METHOD);
		return;
	}
	if (in->content_length > WEB_BODY_MAX ||
	    in->body_len > WEB_BODY_MAX) {
		web_page(r, 413, lang, P_LARGE);
		return;
	}
	if (web_token(in, token) == -1) {
		r->what = NT("no token");
		web_page(r, 404, lang, P_NOTFOUND);
		return;
	}
	/* The log keeps enough to find the request, not the token. */
	snprintf(r->token, sizeof r->token, "%.4s...", token);
	if (post && !http_one_click(in->content_type, in->body,
	    in->body_len)) {
		r->what = NT("not one-click");
		web_page(r, 400, lang, P_BAD);
		return;
	}
	rc = post ? web_unsubscribe(st, token, &cause) :
	    web_token_known(st, token, &cause);
	if (rc == -1) {
		fprintf(stderr, NT("herald: unsubscribe: %s\n"), cause);
		free(cause);
		r->what = NT("database error");
		web_page(r, 500, lang, P_ERROR);
	} else if (rc == 0) {
		r->what = NT("unknown token");
		web_page(r, 404, lang, P_NOTFOUND);
	} else if (post) {
		r->what = "unsubscribed";
		web_page(r, 200, lang, P_DONE);
	} else {
		r->what = "page";
		web_page(r, 200, lang, P_CONFIRM);
	}
}

/* The response's bytes (see web.h). */
void
web_reply_write(const struct web_reply *r, int cgi, struct buf *out)
{
	if (cgi)
		buf_printf(out, "Status: %d %s\r\n", r->status,
		    http_reason(r->status));
	else
		buf_printf(out, NT("HTTP/1.1 %d %s\r\nConnection: close\r\n"),
		    r->status, http_reason(r->status));
	/* The URL carries the token: nothing may keep or pass it on. */
	buf_printf(out, NT("Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nContent-Language: %s\r\n"
	    "Vary: Accept-Language\r\nCache-Control: no-store\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; style-src "
	    "'unsafe-inline'; form-action 'self'; frame-ancestors 'none'\r\n"),
	    r->body.len, r->lang);
	if (r->allow != NULL)
		buf_printf(out, "Allow: %s\r\n", r->allow);
	buf_adds(out, "\r\n");
	if (!r->head)
		buf_add(out, r->body.data, r->body.len);
}

void
web_reply_free(struct web_reply *r)
{
	buf_free(&r->body);
}
