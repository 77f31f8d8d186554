/*
 * T on the Send screen: one message of the issue to one address, now, in
 * the foreground of a child `herald send ID --test ADDR --tls POLICY
 * --json` (the engine's own test mode: a member of the list gets their
 * merge fields, anyone else none; nothing is recorded, the send is
 * neither made nor touched). Its outcome, the JSON line of DESIGN.md, is
 * shown as the panel shows a recipient: state, MX, TLS and the trust
 * word with its symbol, and the server's reply.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "base/json.h"
#include "send_ui.h"
#include "store/store.h"

#define SEND_TEST_FIELD	1024	/* bytes kept of one field */

/* The fields of an outcome line. */
struct send_test_line {
	char	*state, *mx, *ip, *tls, *code, *enhanced, *reply;
	char	*version, *cipher, *verify, *dane;
};

/* Keep the members an outcome line (or its "tls" object) has. */
static int
send_test_member(const char *key, enum json_type type, const char *value,
    void *arg)
{
	struct send_test_line	 *l = arg;
	char			**slot = NULL;
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
		{ "state", offsetof(struct send_test_line, state) },
		{ "mx", offsetof(struct send_test_line, mx) },
		{ "ip", offsetof(struct send_test_line, ip) },
		{ "tls", offsetof(struct send_test_line, tls) },
		{ "code", offsetof(struct send_test_line, code) },
		{ "enhanced", offsetof(struct send_test_line, enhanced) },
		{ "reply", offsetof(struct send_test_line, reply) },
		{ "version", offsetof(struct send_test_line, version) },
		{ "cipher", offsetof(struct send_test_line, cipher) },
		{ "verify", offsetof(struct send_test_line, verify) },
		{ "dane", offsetof(struct send_test_line, dane) },
	};
	size_t	i;

	if (type == JSON_ARRAY || (type == JSON_OBJECT &&
	    strcmp(key, "tls") != 0))
		return 0;
	for (i = 0; i < nitems(keys); i++)
		if (strcmp(key, keys[i].key) == 0)
			slot = (char **)((char *)l + keys[i].off);
	if (slot == NULL || *slot != NULL)
		return 0;
	*slot = xstrndup(value, strnlen(value, SEND_TEST_FIELD));
	return 0;
}

/* Free a parsed line. */
static void
send_test_line_free(struct send_test_line *l)
{
	free(l->state);
	free(l->mx);
	free(l->ip);
	free(l->tls);
	free(l->code);
	free(l->enhanced);
	free(l->reply);
	free(l->version);
	free(l->cipher);
	free(l->verify);
	free(l->dane);
}

/* "" for a field the line did not have. */
static const char *
send_test_str(const char *s)
{
	return s != NULL ? s : "";
}

/* "delivered via mx.lab.test [127.0.0.11], TLSv1.3 ✓ verified: 250 2.0.0
 * Ok", and its colour; NULL if line is not an outcome. */
static char *
send_test_text(const char *line, enum ui_role *role)
{
	struct send_test_line	 l;
	enum rcpt_state		 state;
	enum send_trust		 trust;
	struct buf		 b;
	int			 code;

	memset(&l, 0, sizeof l);
	if (json_each_value(line, send_test_member, &l) == -1 ||
	    l.state == NULL || rcpt_state_parse(l.state, &state) == -1) {
		send_test_line_free(&l);
		return NULL;
	}
	if (l.tls != NULL)
		json_each_value(l.tls, send_test_member, &l);
	code = l.code != NULL ? atoi(l.code) : 0;
	/* "none" is also what a test no server answered says. */
	trust = code == 0 && *send_test_str(l.version) == '\0' ?
	    TRUST_UNSET : send_trust_of(l.verify, l.dane);
	buf_init(&b);
	buf_adds(&b, l.state);
	if (*send_test_str(l.mx) != '\0' || *send_test_str(l.ip) != '\0') {
		buf_printf(&b, _(" via %s"), *send_test_str(l.mx) != '\0' ?
		    l.mx : l.ip);
		if (*send_test_str(l.ip) != '\0')
			buf_printf(&b, " [%s]", l.ip);
	}
	if (*send_test_str(l.version) != '\0')
		buf_printf(&b, ", %s %s", l.version, send_trust_word(trust));
	else if (trust != TRUST_UNSET)
		buf_printf(&b, ", %s", send_trust_word(trust));
	if (code > 0)
		buf_printf(&b, ": %d", code);
	if (*send_test_str(l.enhanced) != '\0')
		buf_printf(&b, " %s", l.enhanced);
	if (*send_test_str(l.reply) != '\0')
		buf_printf(&b, "%s %s", code > 0 ? "" : ":", l.reply);
	*role = send_state_role(state);
	if (state == RCPT_DELIVERED && trust != TRUST_UNSET &&
	    send_trust_role(trust) != ROLE_OK)
		*role = ROLE_WARN;
	send_test_line_free(&l);
	return buf_take(&b);
}

/* Start the test to addr (password: the relay's, or NULL). */
void
send_test_run(struct ui *ui, struct send_screen *s, const char *addr,
    const char *password)
{
	struct send_pre	*p = &s->pre;
	char		*cause = NULL;

	if (s->mode != SEND_MODE_PRE || send_busy(ui, s))
		return;
	if (send_cmd_start(ui, &s->cmd, SEND_CMD_TEST, p->issue, p->policy,
	    addr, password, &cause) == -1) {
		ui_cause(ui, _("Cannot run herald"), cause);
		return;
	}
	free(p->test_to);
	free(p->test_text);
	p->test_to = xstrdup(addr);
	p->test_text = NULL;
	ui_info(ui, _("Sending a test of issue %lld to %s…"), (long long)p->issue,
	    addr);
	ui_tick_in(ui, s, SEND_CMD_MS);
}

/* The address typed: send the test to it (after the relay password, when
 * one must be typed). */
static int
send_test_to(struct ui *ui, const char *text, void *arg)
{
	struct send_screen	*s = arg;
	const char		*reason;
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];

	if (text == NULL)
		return 0;
	if (addr_parse_mailbox(text, strlen(text), name, addr,
	    &reason) == -1) {
		ui_error(ui, _("Not an address: %s"), reason);
		return -1;
	}
	if (s->mode != SEND_MODE_PRE || send_busy(ui, s))
		return 0;
	if (!send_password_config(ui, s, SEND_CMD_TEST, s->pre.issue, addr))
		send_test_run(ui, s, addr, NULL);
	return 0;
}

/* T: ask for the address, the From address to begin with. */
void
send_test_start(struct ui *ui, struct send_screen *s)
{
	struct send_pre	*p = &s->pre;
	const char	*reason, *initial = "";
	char		 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	char		*label;

	if (send_busy(ui, s))
		return;
	if (p->problem != NULL) {
		ui_error(ui, _("Issue %lld cannot be sent: %s"),
		    (long long)p->issue, p->problem);
		return;
	}
	if (p->test_to != NULL)
		initial = p->test_to;
	else if (p->from != NULL && addr_parse_mailbox(p->from,
	    strlen(p->from), name, addr, &reason) == 0)
		initial = addr;
	label = xprintf(_("Send issue %lld to (a list member gets their own "
	    "fields):"), (long long)p->issue);
	prompt_open(ui, _("Send a test"), label, initial, 0, send_test_to, s);
	free(label);
}

/* The test is over: keep its outcome for the screen. */
void
send_test_done(struct ui *ui, struct send_screen *s, int ok,
    const char *msg)
{
	struct send_pre	*p = &s->pre;
	enum ui_role	 role = ROLE_FAIL;
	char		*text = ok && msg != NULL ? send_test_text(msg, &role) :
			    NULL;

	free(p->test_text);
	if (text == NULL)
		text = xprintf(_("failed: %s"), msg != NULL ? msg :
		    _("no outcome"));
	p->test_text = text;
	p->test_role = role;
	if (role == ROLE_FAIL)
		ui_error(ui, _("Test to %s: %s"), p->test_to != NULL ?
		    p->test_to : "?", text);
	else
		ui_info(ui, _("Test to %s: %s"), p->test_to != NULL ?
		    p->test_to : "?", text);
	ui_dirty(ui);
}
