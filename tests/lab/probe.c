/*
 * probe: drive one SMTP client session (src/smtp/smtp.h) against a lab server,
 * for tests/lab/smtp-suite, until the send engine exists to do it.
 *
 *   probe [options] ADDR PORT [RCPT FILE]...
 *
 * Sends each FILE to its RCPT over one connection (RSET between) and
 * prints a JSON line when the server answers 354 to a message's DATA (the
 * data callback, after which the body goes out), one per outcome, then
 * one for the end of the session:
 *
 *   {"event":"data","n":1,"rcpt":"a@b"}
 *   {"event":"done","n":1,"rcpt":"a@b","outcome":"delivered","code":250,
 *    "enhanced":"2.0.0","stage":"dot","reply":"...","tls":{...}}
 *   {"event":"closed","outcome":"delivered","code":221,...,"tls_failed":0,
 *    "peer":"127.0.0.10:2525","tls":{...}}
 *
 * With --retry-plain, a session that ends with tls_failed is retried once
 * with no_starttls, as the engine does under "may"; unsent messages go on
 * the new connection. Exit status: 0 when the run completed (whatever the
 * outcomes), 1 on a setup error, 2 on a usage error.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/loop.h"
#include "smtp/smtp.h"
#include "smtp/tls.h"
#include "base/util.h"

#define PROBE_MAX_MSGS	64
#define PROBE_MAX_TLSA	8

struct probe {
	struct loop		*loop;
	struct sockaddr_storage	 ss, src;
	socklen_t		 sslen, srclen;
	struct smtp_params	 p;
	struct smtp_events	 ev;
	struct smtp_msg		 msgs[PROBE_MAX_MSGS];
	size_t			 nmsgs, next, ndone;
	int			 retry_plain, retried, abort_in_ready;
	int			 finished;
};

static const char *outcome_names[] = {
	"delivered", "deferred", "bounced", "unknown",
};

/* Say how to run it. */
static void
usage(void)
{
	fprintf(stderr, "usage: probe [--host NAME] [--helo NAME] "
	    "[--from ADDR] [--policy P] [--ca-file F] [--no-starttls] "
	    "[--implicit-tls] [--auth-user U --auth-pass-file F] [--max N] "
	    "[--tlsa 'U S M HEX'] [--retry-plain] [--source IP] "
	    "[--abort-in-ready] [--t-connect|--t-greeting|--t-command|"
	    "--t-data|--t-block|--t-dot SECS] ADDR PORT [RCPT FILE]...\n");
	exit(2);
}

/* Read a whole file. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	struct buf b;
	char	 chunk[8192];
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "probe: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	if (b.data == NULL)
		return xstrdup("");
	return b.data;
}

/* Parse an address into a sockaddr with port. */
static socklen_t
parse_addr(const char *ip, unsigned int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return sizeof *s4;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof *s6;
	}
	fprintf(stderr, "probe: bad address %s\n", ip);
	exit(2);
}

/* Parse "U S M HEX" into a TLSA record. */
static void
parse_tlsa(const char *text, struct tls_tlsa *t)
{
	unsigned int	u, s, m;
	char		hex[1024];
	size_t		i, n;

	if (sscanf(text, "%u %u %u %1023s", &u, &s, &m, hex) != 4 ||
	    u > 255 || s > 255 || m > 255 || strlen(hex) % 2 != 0) {
		fprintf(stderr, "probe: bad TLSA '%s'\n", text);
		exit(2);
	}
	t->usage = (unsigned char)u;
	t->selector = (unsigned char)s;
	t->mtype = (unsigned char)m;
	n = strlen(hex) / 2;
	t->data = xmalloc(n);
	for (i = 0; i < n; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
			fprintf(stderr, "probe: bad TLSA hex\n");
			exit(2);
		}
		t->data[i] = (unsigned char)byte;
	}
	t->len = n;
}

/* Append the session's TLS status as "tls":{...}. */
static void
json_tls(struct buf *b, const struct tls_status *st)
{
	json_key(b, "tls", 0);
	buf_addc(b, '{');
	json_key(b, "version", 1);
	json_str(b, st->version);
	json_key(b, "cipher", 0);
	json_str(b, st->cipher);
	json_key(b, "bits", 0);
	buf_printf(b, "%d", st->bits);
	json_key(b, "verify", 0);
	json_str(b, st->verify);
	json_key(b, "dane", 0);
	json_str(b, st->dane);
	json_key(b, "summary", 0);
	json_str(b, st->summary);
	json_key(b, "subject", 0);
	json_str(b, st->peer_subject);
	json_key(b, "issuer", 0);
	json_str(b, st->peer_issuer);
	buf_addc(b, '}');
}

/* Append code, enhanced, stage and reply. */
static void
json_reply(struct buf *b, const struct smtp_reply *r)
{
	json_key(b, "code", 0);
	buf_printf(b, "%d", r->code);
	json_key(b, "enhanced", 0);
	json_str(b, r->enhanced);
	json_key(b, "stage", 0);
	json_str(b, r->stage);
	json_key(b, "reply", 0);
	json_str(b, r->text);
}

/* Print and free a line. */
static void
emit(struct buf *b)
{
	buf_addc(b, '}');
	printf("%s\n", b->data);
	fflush(stdout);
	buf_free(b);
}

static void	probe_start(struct probe *);

/* The session wants a message: the next one, or QUIT. */
static void
on_ready(struct smtp_session *s, void *arg)
{
	struct probe	*pr = arg;

	if (pr->abort_in_ready) {
		smtp_abort(s);
		return;
	}
	if (pr->next >= pr->nmsgs) {
		smtp_quit(s);
		return;
	}
	if (smtp_submit(s, &pr->msgs[pr->next]) == -1) {
		fprintf(stderr, "probe: smtp_submit refused\n");
		smtp_abort(s);
		return;
	}
	pr->next++;
}

/* The server answered 354: the body goes from the next loop turn. */
static void
on_data(struct smtp_session *s, struct smtp_msg *m, void *arg)
{
	struct probe	*pr = arg;
	struct buf	 b;

	(void)s;
	buf_init(&b);
	buf_adds(&b, "{\"event\":\"data\"");
	json_key(&b, "n", 0);
	buf_printf(&b, "%zu", (size_t)((m - pr->msgs) + 1));
	json_key(&b, "rcpt", 0);
	json_str(&b, m->rcpt);
	emit(&b);
}

/* One message's outcome. */
static void
on_done(struct smtp_session *s, struct smtp_msg *m, enum smtp_outcome o,
    const struct smtp_reply *r, void *arg)
{
	struct probe	*pr = arg;
	struct buf	 b;

	pr->ndone++;
	buf_init(&b);
	buf_adds(&b, "{\"event\":\"done\"");
	json_key(&b, "n", 0);
	buf_printf(&b, "%zu", (size_t)((m - pr->msgs) + 1));
	json_key(&b, "rcpt", 0);
	json_str(&b, m->rcpt);
	json_key(&b, "outcome", 0);
	json_str(&b, outcome_names[o]);
	json_reply(&b, r);
	json_tls(&b, smtp_tls_status(s));
	emit(&b);
}

/* The session ended. */
static void
on_closed(struct smtp_session *s, enum smtp_outcome o,
    const struct smtp_reply *r, int tls_failed, void *arg)
{
	struct probe	*pr = arg;
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "{\"event\":\"closed\"");
	json_key(&b, "outcome", 0);
	json_str(&b, outcome_names[o]);
	json_reply(&b, r);
	json_key(&b, "tls_failed", 0);
	buf_printf(&b, "%d", tls_failed);
	json_key(&b, "peer", 0);
	json_str(&b, smtp_peer(s));
	json_tls(&b, smtp_tls_status(s));
	emit(&b);
	if (tls_failed && pr->retry_plain && !pr->retried) {
		pr->retried = 1;
		pr->p.no_starttls = 1;
		/* Messages that never reached a transaction go again. */
		pr->next = pr->ndone;
		probe_start(pr);
		return;
	}
	pr->finished = 1;
	loop_stop(pr->loop);
}

/* Open a session. */
static void
probe_start(struct probe *pr)
{
	char	*cause = NULL;

	if (smtp_connect(pr->loop, (struct sockaddr *)&pr->ss, pr->sslen,
	    pr->srclen ? (struct sockaddr *)&pr->src : NULL, pr->srclen,
	    &pr->p, &pr->ev, pr, &cause) == NULL) {
		fprintf(stderr, "probe: smtp_connect: %s\n", cause);
		exit(1);
	}
}

/* A run that takes too long is a failure of the code under test. */
static void
watchdog(void *arg)
{
	(void)arg;
	fprintf(stderr, "probe: watchdog: no end after 90 s\n");
	exit(3);
}

/* Parse the options, connect, run the loop until the session ends. */
int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "helo", required_argument, NULL, 'e' },
		{ "from", required_argument, NULL, 'f' },
		{ "policy", required_argument, NULL, 'p' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "no-starttls", no_argument, NULL, 'n' },
		{ "implicit-tls", no_argument, NULL, 'i' },
		{ "auth-user", required_argument, NULL, 'u' },
		{ "auth-pass-file", required_argument, NULL, 'P' },
		{ "max", required_argument, NULL, 'm' },
		{ "tlsa", required_argument, NULL, 'a' },
		{ "retry-plain", no_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' },
		{ "abort-in-ready", no_argument, NULL, 'A' },
		{ "t-connect", required_argument, NULL, 1 },
		{ "t-greeting", required_argument, NULL, 2 },
		{ "t-command", required_argument, NULL, 3 },
		{ "t-data", required_argument, NULL, 4 },
		{ "t-block", required_argument, NULL, 5 },
		{ "t-dot", required_argument, NULL, 6 },
		{ NULL, 0, NULL, 0 },
	};
	static struct probe	 pr;
	struct tls_tlsa		 tlsa[PROBE_MAX_TLSA];
	const char		*from = "sender@herald.test", *ca = NULL;
	char			*cause = NULL, *pass = NULL;
	size_t			 ntlsa = 0, len, i;
	long long		 v;
	int			 c, port;

	pr.p.helo = "probe.lab.test";
	pr.p.policy = TLS_POLICY_MAY;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			pr.p.host = optarg;
			break;
		case 'e':
			pr.p.helo = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'p':
			if (tls_policy_parse(optarg, &pr.p.policy) == -1)
				usage();
			break;
		case 'c':
			ca = optarg;
			break;
		case 'n':
			pr.p.no_starttls = 1;
			break;
		case 'i':
			pr.p.implicit_tls = 1;
			break;
		case 'u':
			pr.p.auth_user = optarg;
			break;
		case 'P':
			pass = slurp(optarg, &len);
			while (len > 0 && (pass[len - 1] == '\n' ||
			    pass[len - 1] == '\r'))
				pass[--len] = '\0';
			pr.p.auth_pass = pass;
			break;
		case 'm':
			if (parse_int(optarg, 1, 100000, &v) == -1)
				usage();
			pr.p.max_messages = (unsigned int)v;
			break;
		case 'a':
			if (ntlsa == PROBE_MAX_TLSA)
				usage();
			parse_tlsa(optarg, &tlsa[ntlsa++]);
			break;
		case 'r':
			pr.retry_plain = 1;
			break;
		case 's':
			pr.srclen = parse_addr(optarg, 0, &pr.src);
			break;
		case 'A':
			pr.abort_in_ready = 1;
			break;
		case 1: case 2: case 3: case 4: case 5: case 6:
			if (parse_int(optarg, 1, 3600, &v) == -1)
				usage();
			if (c == 1)
				pr.p.t_connect = (unsigned int)v;
			else if (c == 2)
				pr.p.t_greeting = (unsigned int)v;
			else if (c == 3)
				pr.p.t_command = (unsigned int)v;
			else if (c == 4)
				pr.p.t_data = (unsigned int)v;
			else if (c == 5)
				pr.p.t_block = (unsigned int)v;
			else
				pr.p.t_dot = (unsigned int)v;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc % 2 != 0 || (argc - 2) / 2 > PROBE_MAX_MSGS)
		usage();
	if ((port = atoi(argv[1])) <= 0 || port > 65535)
		usage();
	pr.sslen = parse_addr(argv[0], (unsigned int)port, &pr.ss);
	if (pr.p.host == NULL)
		pr.p.host = argv[0];
	for (i = 2; i + 1 < (size_t)argc; i += 2) {
		struct smtp_msg	*m = &pr.msgs[pr.nmsgs++];
		size_t		 j;

		m->mail_from = from;
		m->rcpt = argv[i];
		m->data = slurp(argv[i + 1], &m->len);
		for (j = 0; j < m->len; j++) {
			if ((unsigned char)m->data[j] >= 0x80)
				m->eightbit = 1;
		}
	}
	if (ntlsa > 0) {
		pr.p.tlsa = tlsa;
		pr.p.ntlsa = ntlsa;
	}
	if ((pr.p.tls = tls_ctx_new(ca, &cause)) == NULL) {
		fprintf(stderr, "probe: %s\n", cause);
		return 1;
	}
	pr.ev.ready = on_ready;
	pr.ev.data = on_data;
	pr.ev.done = on_done;
	pr.ev.closed = on_closed;
	pr.loop = loop_new();
	loop_timer_add(pr.loop, 90000, watchdog, NULL);
	probe_start(&pr);
	loop_run(pr.loop);
	tls_ctx_free(pr.p.tls);
	for (i = 0; i < ntlsa; i++)
		free(tlsa[i].data);
	return pr.finished ? 0 : 1;
}
