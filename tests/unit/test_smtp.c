/*
 * The SMTP client's pure pieces: the reply parser (multi-line, enhanced
 * codes, hostile replies: endless lines, endless replies, NUL, bare LF,
 * bare CR, non-ASCII), EHLO keywords, dot-stuffing with CRLF
 * normalisation (never a bare CR or LF on the wire, chunk boundaries
 * anywhere), command arguments, base64; the event loop's timers and
 * descriptors; and a session against a scripted server on loopback: the
 * data callback at 354, and no byte of the body before the loop's next
 * before-sleep hook, with and without PIPELINING.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/loop.h"
#include "smtp/wire.h"
#include "test.h"

/* Feed all of text; the result of the last feed, the reply in r. */
static int
parse_all(struct smtp_parse *p, const char *text, size_t len,
    struct smtp_reply *r, const char **err, size_t *used)
{
	int	rv;

	*err = NULL;
	rv = smtp_parse_feed(p, text, len, used, err);
	if (rv == SMTP_PARSE_REPLY)
		smtp_parse_reply(p, "test", r);
	return rv;
}

/* Parse one reply given as a string. */
static int
parse1(const char *text, struct smtp_reply *r)
{
	struct smtp_parse	 p;
	const char		*err;
	size_t			 used;
	int			 rv;

	smtp_parse_init(&p);
	rv = parse_all(&p, text, strlen(text), r, &err, &used);
	smtp_parse_free(&p);
	return rv;
}

/* Single and multi-line replies, split anywhere, several per read. */
static void
test_reply_basic(void)
{
	struct smtp_reply	 r;
	struct smtp_parse	 p;
	const char		*err, *two = "250 one\r\n251 two\r\n";
	size_t			 used, i;
	int			 rv = SMTP_PARSE_MORE;
	static const char	 multi[] =
	    "250-mx.example.org hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n";

	CHECK_INT(parse1("220 mx.example.org ESMTP\r\n", &r), SMTP_PARSE_REPLY);
	CHECK_INT(r.code, 220);
	CHECK_STR(r.text, "mx.example.org ESMTP");
	CHECK_STR(r.enhanced, "");
	CHECK_STR(r.stage, "test");

	CHECK_INT(parse1(multi, &r), SMTP_PARSE_REPLY);
	CHECK_INT(r.code, 250);
	CHECK_STR(r.text, "mx.example.org hello / PIPELINING / SIZE 1000");

	/* Byte by byte: the same reply, complete only at the last LF. */
	smtp_parse_init(&p);
	for (i = 0; i < sizeof multi - 1; i++) {
		rv = smtp_parse_feed(&p, multi + i, 1, &used, &err);
		CHECK_INT(used, 1);
		if (i + 1 < sizeof multi - 1)
			CHECK_INT(rv, SMTP_PARSE_MORE);
	}
	CHECK_INT(rv, SMTP_PARSE_REPLY);
	smtp_parse_reply(&p, "ehlo", &r);
	CHECK_STR(r.text, "mx.example.org hello / PIPELINING / SIZE 1000");
	CHECK_STR(p.text.data, "mx.example.org hello\nPIPELINING\nSIZE 1000");
	smtp_parse_free(&p);

	/* Two replies in one read: the first stops at its end. */
	smtp_parse_init(&p);
	CHECK_INT(parse_all(&p, two, strlen(two), &r, &err, &used),
	    SMTP_PARSE_REPLY);
	CHECK_INT(used, 9);
	CHECK_INT(r.code, 250);
	CHECK_INT(parse_all(&p, two + used, strlen(two) - used, &r, &err,
	    &used), SMTP_PARSE_REPLY);
	CHECK_INT(r.code, 251);
	CHECK_STR(r.text, "two");
	smtp_parse_free(&p);

	/* A code alone, a bare LF, "250-" with nothing after. */
	CHECK_INT(parse1("250\r\n", &r), SMTP_PARSE_REPLY);
	CHECK_STR(r.text, "");
	CHECK_INT(parse1("220 bare lf\n", &r), SMTP_PARSE_REPLY);
	CHECK_STR(r.text, "bare lf");
	CHECK_INT(parse1("250-\r\n250 x\r\n", &r), SMTP_PARSE_REPLY);
	CHECK_STR(r.text, "x");
	CHECK_INT(parse1("250 incomplete", &r), SMTP_PARSE_MORE);
}

/* RFC 3463 codes: found, checked against the class, said once. */
static void
test_reply_enhanced(void)
{
	struct smtp_reply	r;
	char			enh[16];

	CHECK_INT(parse1("550 5.1.1 <a@b>: Recipient address rejected\r\n",
	    &r), SMTP_PARSE_REPLY);
	CHECK_INT(r.code, 550);
	CHECK_STR(r.enhanced, "5.1.1");
	CHECK_STR(r.text, "<a@b>: Recipient address rejected");

	/* Repeated on every line: said once. */
	CHECK_INT(parse1("451-4.3.0 one\r\n451 4.3.0 two\r\n", &r),
	    SMTP_PARSE_REPLY);
	CHECK_STR(r.enhanced, "4.3.0");
	CHECK_STR(r.text, "one / two");

	CHECK_INT(parse1("250 2.0.0\r\n", &r), SMTP_PARSE_REPLY);
	CHECK_STR(r.enhanced, "2.0.0");
	CHECK_STR(r.text, "");

	/* The class must match the reply's. */
	CHECK_INT(parse1("550 4.1.1 odd\r\n", &r), SMTP_PARSE_REPLY);
	CHECK_STR(r.enhanced, "");
	CHECK_STR(r.text, "4.1.1 odd");

	CHECK_INT(smtp_enhanced("5.7.1 x", 550, enh, sizeof enh), 5);
	CHECK_STR(enh, "5.7.1");
	CHECK_INT(smtp_enhanced("5.123.456", 554, enh, sizeof enh), 9);
	CHECK_INT(smtp_enhanced("5.1234.1 x", 550, enh, sizeof enh), 0);
	CHECK_INT(smtp_enhanced("5.1 x", 550, enh, sizeof enh), 0);
	CHECK_INT(smtp_enhanced("5.1.1x", 550, enh, sizeof enh), 0);
	CHECK_INT(smtp_enhanced("3.1.1 x", 354, enh, sizeof enh), 0);
	CHECK_INT(smtp_enhanced("5..1 x", 550, enh, sizeof enh), 0);
	CHECK_INT(smtp_enhanced("", 550, enh, sizeof enh), 0);
}

/* What a hostile server sends: bounded, cleaned, or refused. */
static void
test_reply_hostile(void)
{
	struct smtp_reply	 r;
	struct smtp_parse	 p;
	const char		*err;
	char			*big;
	size_t			 used, i, n;
	int			 rv;
	static const char	 hostile[] =
	    "250 a\0b\rc\x1b[31m caf\xc3\xa9\r\n";
	static const char	 line40[] =
	    "250-a line of some forty bytes of text ....\r\n";

	/* An endless line: refused at 2 KiB, however it is fed. */
	big = malloc(10000);
	memset(big, 'x', 10000);
	memcpy(big, "250 ", 4);
	smtp_parse_init(&p);
	CHECK_INT(parse_all(&p, big, 10000, &r, &err, &used),
	    SMTP_PARSE_ERROR);
	CHECK(err != NULL && strstr(err, "2 KiB") != NULL);
	smtp_parse_free(&p);
	smtp_parse_init(&p);
	rv = SMTP_PARSE_MORE;
	for (i = 0; i < 10000 && rv == SMTP_PARSE_MORE; i += 100)
		rv = smtp_parse_feed(&p, big + i, 100, &used, &err);
	CHECK_INT(rv, SMTP_PARSE_ERROR);
	CHECK(i <= 2200);
	smtp_parse_free(&p);

	/* A line of exactly the limit is fine. */
	smtp_parse_init(&p);
	memset(big, 'y', SMTP_LINE_MAX);
	memcpy(big, "250 ", 4);
	memcpy(big + SMTP_LINE_MAX - 1, "\n", 1);
	CHECK_INT(parse_all(&p, big, SMTP_LINE_MAX, &r, &err, &used),
	    SMTP_PARSE_REPLY);
	CHECK_INT(strlen(r.text), sizeof r.text - 1);
	CHECK(strcmp(r.text + strlen(r.text) - 3, "...") == 0);
	smtp_parse_free(&p);
	free(big);

	/* An endless reply of short lines: refused at 64 KiB. */
	smtp_parse_init(&p);
	rv = SMTP_PARSE_MORE;
	for (n = 0; n < 20000 && rv == SMTP_PARSE_MORE; n++)
		rv = smtp_parse_feed(&p, "250-xxxxxxxxxxxxxx\r\n", 20, &used,
		    &err);
	CHECK_INT(rv, SMTP_PARSE_ERROR);
	CHECK(n * 20 <= SMTP_REPLY_MAX + 40);
	CHECK(p.text.len <= SMTP_REPLY_MAX);
	smtp_parse_free(&p);

	/* NUL, bare CR, control and non-ASCII bytes never reach the text. */
	smtp_parse_init(&p);
	CHECK_INT(parse_all(&p, hostile, sizeof hostile - 1, &r, &err, &used),
	    SMTP_PARSE_REPLY);
	CHECK_STR(r.text, "a?b?c?[31m caf??");
	smtp_parse_free(&p);

	/* Malformed lines. */
	CHECK_INT(parse1("hello\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("25\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("250x\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("650 x\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("2a0 x\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("\r\n", &r), SMTP_PARSE_ERROR);
	CHECK_INT(parse1("250-a\r\n251 b\r\n", &r), SMTP_PARSE_ERROR);

	/* Many lines: the text is cut, never overflows. */
	smtp_parse_init(&p);
	for (n = 0; n < 30; n++)
		rv = smtp_parse_feed(&p, line40, sizeof line40 - 1, &used,
		    &err);
	rv = smtp_parse_feed(&p, "250 end\r\n", 9, &used, &err);
	CHECK_INT(rv, SMTP_PARSE_REPLY);
	smtp_parse_reply(&p, "x", &r);
	CHECK_INT(strlen(r.text), sizeof r.text - 1);
	smtp_parse_free(&p);
}

/* EHLO keywords and their parameters. */
static void
test_ehlo(void)
{
	struct smtp_ext	 e;
	const char	*t;

	t = "mx.example.org Hello\nPIPELINING\nSIZE 10240000\nVRFY\nETRN\n"
	    "STARTTLS\nENHANCEDSTATUSCODES\n8BITMIME\nDSN\nSMTPUTF8\n"
	    "CHUNKING\nAUTH PLAIN LOGIN CRAM-MD5";
	smtp_ext_parse(&e, t, strlen(t));
	CHECK_INT(e.flags, SMTP_EXT_STARTTLS | SMTP_EXT_PIPELINING |
	    SMTP_EXT_SIZE | SMTP_EXT_8BITMIME | SMTP_EXT_ENHANCED |
	    SMTP_EXT_AUTH | SMTP_EXT_SMTPUTF8 | SMTP_EXT_CHUNKING);
	CHECK_INT(e.size, 10240000);
	CHECK_INT(e.auth, SMTP_MECH_PLAIN | SMTP_MECH_LOGIN);

	/* Case-insensitive; the old AUTH= form; SIZE without a limit. */
	t = "hi\nstarttls\nAuth=LOGIN\nsize";
	smtp_ext_parse(&e, t, strlen(t));
	CHECK_INT(e.flags, SMTP_EXT_STARTTLS | SMTP_EXT_AUTH | SMTP_EXT_SIZE);
	CHECK_INT(e.auth, SMTP_MECH_LOGIN);
	CHECK_INT(e.size, 0);

	/* The greeting line is not a keyword; near-misses are not. */
	t = "STARTTLS PIPELINING\nSTARTTLSX\nX-STARTTLS\nSTARTTLS?\n"
	    "AUTH CRAM-MD5\nSIZE 99999999999999999999999\n PIPELINING";
	smtp_ext_parse(&e, t, strlen(t));
	CHECK_INT(e.flags, SMTP_EXT_SIZE);
	CHECK_INT(e.size, 0);
	CHECK_INT(e.auth, 0);

	/* Nothing but a greeting; nothing at all. */
	smtp_ext_parse(&e, "mx", 2);
	CHECK_INT(e.flags, 0);
	smtp_ext_parse(&e, "", 0);
	CHECK_INT(e.flags, 0);
}

/* Stuff in as one chunk; the result as a string (caller frees). */
static char *
stuff1(const char *in, size_t len)
{
	struct smtp_stuff	st;
	struct buf		b;

	buf_init(&b);
	smtp_stuff_init(&st);
	smtp_stuff(&st, &b, in, len);
	smtp_stuff_end(&st, &b);
	return buf_take(&b);
}

/* Stuffing in as a string gives want. */
static void
check_stuff(const char *in, const char *want, int line)
{
	char	*got = stuff1(in, strlen(in));

	if (strcmp(got, want) == 0)
		test_passed++;
	else {
		test_failed++;
		fprintf(stderr, "%s:%d: FAILED: stuffing gave the wrong "
		    "bytes\n", __FILE__, line);
	}
	free(got);
}

/* No bare CR or LF, and the data ends with CRLF.CRLF. */
static int
wire_clean(const char *w, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (w[i] == '\r' && (i + 1 == len || w[i + 1] != '\n'))
			return 0;
		if (w[i] == '\n' && (i == 0 || w[i - 1] != '\r'))
			return 0;
	}
	return len >= 3 && memcmp(w + len - 3, ".\r\n", 3) == 0 &&
	    (len == 3 || (len >= 5 && memcmp(w + len - 5, "\r\n", 2) == 0));
}

/* What a server reads back: unstuffed, the end line removed. */
static char *
unstuff(const char *w, size_t len)
{
	struct buf	b;
	size_t		i = 0;

	buf_init(&b);
	buf_addc(&b, '\0');
	b.len = 0;
	while (i < len) {
		if (w[i] == '.' && (i + 3 == len))
			break;		/* the end line */
		if (w[i] == '.')
			i++;		/* a stuffed dot */
		while (i < len && w[i] != '\n')
			buf_addc(&b, w[i++]);
		if (i < len)
			buf_addc(&b, w[i++]);
	}
	return buf_take(&b);
}

/* The input with every line end made CRLF, plus a final CRLF if missing. */
static char *
normalise(const char *in, size_t len)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_addc(&b, '\0');
	b.len = 0;
	for (i = 0; i < len; i++) {
		if (in[i] == '\r') {
			buf_add(&b, "\r\n", 2);
			if (i + 1 < len && in[i + 1] == '\n')
				i++;
		} else if (in[i] == '\n')
			buf_add(&b, "\r\n", 2);
		else
			buf_addc(&b, in[i]);
	}
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_add(&b, "\r\n", 2);
	return buf_take(&b);
}

/* Dot-stuffing and CRLF normalisation, in one chunk or many. */
static void
test_stuff(void)
{
	static const char	 alpha[] = { 'a', '.', '\r', '\n', 'b', '.' };
	struct smtp_stuff	 st;
	struct buf		 b;
	char			 in[300], *whole, *back, *norm;
	size_t			 len, off, n, i;
	int			 round, ok = 1;

	check_stuff("", ".\r\n", __LINE__);
	check_stuff("x\r\n", "x\r\n.\r\n", __LINE__);
	check_stuff("a\r\nb", "a\r\nb\r\n.\r\n", __LINE__);
	check_stuff(".", "..\r\n.\r\n", __LINE__);
	check_stuff(".x", "..x\r\n.\r\n", __LINE__);
	check_stuff("a\nb", "a\r\nb\r\n.\r\n", __LINE__);
	check_stuff("a\rb", "a\r\nb\r\n.\r\n", __LINE__);
	check_stuff("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n", __LINE__);
	check_stuff("a\n\rb", "a\r\n\r\nb\r\n.\r\n", __LINE__);
	check_stuff("\n.\n", "\r\n..\r\n.\r\n", __LINE__);
	check_stuff("a\r\n.\r\n", "a\r\n..\r\n.\r\n", __LINE__);
	check_stuff("x.y\r\n..\r\n", "x.y\r\n...\r\n.\r\n", __LINE__);
	check_stuff("\r\n", "\r\n.\r\n", __LINE__);

	/* Chunk boundaries between CR and LF, and before a dot. */
	buf_init(&b);
	smtp_stuff_init(&st);
	smtp_stuff(&st, &b, "a\r", 2);
	smtp_stuff(&st, &b, "\n.b\r", 4);
	smtp_stuff(&st, &b, "", 0);
	smtp_stuff(&st, &b, ".", 1);
	smtp_stuff_end(&st, &b);
	CHECK_STR(b.data, "a\r\n..b\r\n..\r\n.\r\n");
	buf_free(&b);

	/* Random data cut at random places: the same bytes as one chunk,
	 * clean on the wire, and the server reads the normalised input. */
	srand(5321);
	for (round = 0; round < 3000 && ok; round++) {
		len = (size_t)rand() % sizeof in;
		for (i = 0; i < len; i++)
			in[i] = alpha[rand() % (int)sizeof alpha];
		whole = stuff1(in, len);
		buf_init(&b);
		smtp_stuff_init(&st);
		for (off = 0; off < len; off += n) {
			n = 1 + (size_t)rand() % 7;
			if (n > len - off)
				n = len - off;
			smtp_stuff(&st, &b, in + off, n);
		}
		smtp_stuff_end(&st, &b);
		back = unstuff(b.data, b.len);
		norm = normalise(in, len);
		if (strcmp(whole, b.data) != 0 || !wire_clean(b.data, b.len) ||
		    strcmp(back, norm) != 0)
			ok = 0;
		free(whole);
		free(back);
		free(norm);
		buf_free(&b);
	}
	CHECK(ok);
}

/* Command arguments and AUTH base64. */
static void
test_args(void)
{
	struct buf	b;
	char		long_addr[300];

	CHECK_INT(smtp_arg_ok("a@example.org", 256), 0);
	CHECK_INT(smtp_arg_ok("", 256), 0);
	CHECK_INT(smtp_arg_ok("a b@c", 256), -1);
	CHECK_INT(smtp_arg_ok("a@b\r\nRCPT TO:<x@y>", 256), -1);
	CHECK_INT(smtp_arg_ok("a@b\n", 256), -1);
	CHECK_INT(smtp_arg_ok("a>@b", 256), -1);
	CHECK_INT(smtp_arg_ok("<a@b", 256), -1);
	CHECK_INT(smtp_arg_ok("caf\xc3\xa9@b", 256), -1);
	CHECK_INT(smtp_arg_ok("a\x7f@b", 256), -1);
	memset(long_addr, 'a', sizeof long_addr - 1);
	long_addr[sizeof long_addr - 1] = '\0';
	CHECK_INT(smtp_arg_ok(long_addr, 256), -1);

	buf_init(&b);
	smtp_base64(&b, (const unsigned char *)"", 0);
	CHECK_INT(b.len, 0);
	smtp_base64(&b, (const unsigned char *)"f", 1);
	CHECK_STR(b.data, "Zg==");
	buf_reset(&b);
	smtp_base64(&b, (const unsigned char *)"fo", 2);
	CHECK_STR(b.data, "Zm8=");
	buf_reset(&b);
	smtp_base64(&b, (const unsigned char *)"foobar", 6);
	CHECK_STR(b.data, "Zm9vYmFy");
	buf_reset(&b);
	smtp_base64(&b, (const unsigned char *)"\0user\0pass", 10);
	CHECK_STR(b.data, "AHVzZXIAcGFzcw==");
	buf_free(&b);
}

static char	trail[64];
static char	marks[] = "acxbAzR";

/* Record a timer's firing. */
static void
timer_mark(void *arg)
{
	size_t	n = strlen(trail);

	if (n + 1 < sizeof trail) {
		trail[n] = *(const char *)arg;
		trail[n + 1] = '\0';
	}
}

/* A timer that adds a 0 ms timer: which must wait for the next turn. */
static void
timer_readd(void *arg)
{
	struct loop	*l = arg;

	timer_mark(&marks[6]);
	loop_timer_add(l, 0, timer_mark, &marks[5]);
}

static int	fd_events, fd_calls;

/* Record a descriptor event. */
static void
fd_mark(int fd, int events, void *arg)
{
	char	c;

	(void)arg;
	fd_events = events;
	fd_calls++;
	if (events & LOOP_READ)
		(void)read(fd, &c, 1);
}

/* Timers in order, 0 ms timers on the next turn, fd interest. */
static void
test_loop(void)
{
	struct loop		*l = loop_new();
	struct loop_timer	*t;
	uint64_t		 before;
	int			 p[2];

	/* Order by deadline, then by insertion; a deleted one never. */
	trail[0] = '\0';
	loop_timer_add(l, 30, timer_mark, &marks[1]);
	loop_timer_add(l, 10, timer_mark, &marks[0]);
	t = loop_timer_add(l, 20, timer_mark, &marks[2]);
	loop_timer_add(l, 20, timer_mark, &marks[3]);
	loop_timer_add(l, 10, timer_mark, &marks[4]);
	loop_timer_del(l, t);
	before = loop_now(l);
	while (strlen(trail) < 4)
		loop_once(l, 1000);
	CHECK_STR(trail, "aAbc");
	CHECK(loop_now(l) - before >= 30);

	/* A 0 ms timer added by a timer runs on the next turn. */
	trail[0] = '\0';
	loop_timer_add(l, 0, timer_readd, l);
	loop_once(l, 0);
	CHECK_STR(trail, "R");
	loop_once(l, 0);
	CHECK_STR(trail, "Rz");

	/* Descriptors: read interest, idle (0), deleted. */
	CHECK_INT(pipe(p), 0);
	CHECK_INT(loop_fd_add(l, p[0], LOOP_READ, fd_mark, NULL), 0);
	CHECK_INT(loop_fd_add(l, p[0], LOOP_READ, fd_mark, NULL), -1);
	(void)write(p[1], "x", 1);
	fd_calls = 0;
	loop_once(l, 1000);
	CHECK_INT(fd_calls, 1);
	CHECK_INT(fd_events, LOOP_READ);
	loop_fd_set(l, p[0], 0);
	(void)write(p[1], "y", 1);
	loop_once(l, 20);
	CHECK_INT(fd_calls, 1);
	loop_fd_set(l, p[0], LOOP_READ);
	loop_once(l, 1000);
	CHECK_INT(fd_calls, 2);
	loop_fd_del(l, p[0]);
	(void)write(p[1], "z", 1);
	loop_once(l, 20);
	CHECK_INT(fd_calls, 2);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/*
 * A scripted SMTP server in the same loop as the client session: it
 * answers a whole read's commands in one write, so with PIPELINING the
 * client gets "250 250 354" together and reads the 354 in the turn it
 * reads the others.
 */
struct fake {
	struct loop		*loop;
	int			 lfd, cfd;
	int			 pipelining;
	int			 rcpt_code;		/* 250 or 550 */
	char			 in[8192];
	size_t			 inlen;
	int			 in_data;
	int			 rcpt_ok;
	size_t			 body;			/* this message's */
	int			 batched;		/* MAIL+RCPT+DATA in
							 * one read */
	int			 turn;			/* hooks run */
	int			 data_turn, body_turn;	/* -1: not yet */
	int			 check;			/* hook: look now */
	int			 hold_ok, hold_bad;	/* per message */
	struct smtp_msg		 msgs[2];
	size_t			 nmsgs, next;
	int			 ndata, ndone, closed;
	int			 data_msg_ok;
	enum smtp_outcome	 outcome[2];
	enum smtp_outcome	 close_outcome;
};

/* Write all of a reply (the socket has room: replies are small). */
static void
fake_write(struct fake *f, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = send(f->cfd, s, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* The server's side of the connection: read, answer each line. */
static void
fake_conn(int fd, int events, void *arg)
{
	struct fake	*f = arg;
	char		 out[1024], *line, *eol;
	size_t		 outlen = 0, used = 0;
	ssize_t		 n;
	int		 mail = 0, rcpt = 0, data = 0, closing = 0;

	(void)events;
	n = recv(fd, f->in + f->inlen, sizeof f->in - f->inlen - 1, 0);
	if (n <= 0) {
		loop_fd_del(f->loop, fd);
		close(fd);
		f->cfd = -1;
		return;
	}
	f->inlen += (size_t)n;
	f->in[f->inlen] = '\0';
	while (used < f->inlen) {
		line = f->in + used;
		if (f->in_data) {
			/* The body: count it, answer the final ".". */
			if (f->body == 0 && f->body_turn == -1)
				f->body_turn = f->turn;
			if ((eol = strstr(line, "\r\n.\r\n")) == NULL) {
				f->body += f->inlen - used;
				used = f->inlen;
				break;
			}
			f->body += (size_t)(eol + 5 - line);
			used += (size_t)(eol + 5 - line);
			f->in_data = 0;
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "250 2.0.0 queued\r\n");
			continue;
		}
		if ((eol = strstr(line, "\r\n")) == NULL)
			break;
		used += (size_t)(eol + 2 - line);
		if (strncmp(line, "EHLO", 4) == 0)
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "250-fake\r\n%s250 8BITMIME\r\n",
			    f->pipelining ? "250-PIPELINING\r\n" : "");
		else if (strncmp(line, "MAIL", 4) == 0) {
			mail = 1;
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "250 2.1.0 ok\r\n");
		} else if (strncmp(line, "RCPT", 4) == 0) {
			rcpt = 1;
			f->rcpt_ok = f->rcpt_code / 100 == 2;
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "%d 5.1.1 rcpt\r\n",
			    f->rcpt_code);
		} else if (strncmp(line, "DATA", 4) == 0) {
			data = 1;
			if (f->rcpt_ok) {
				f->in_data = 1;
				f->body = 0;
				f->body_turn = -1;
				outlen += (size_t)snprintf(out + outlen,
				    sizeof out - outlen, "354 go on\r\n");
			} else
				outlen += (size_t)snprintf(out + outlen,
				    sizeof out - outlen, "554 5.5.1 no valid "
				    "recipients\r\n");
		} else if (strncmp(line, "RSET", 4) == 0)
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "250 2.0.0 ok\r\n");
		else if (strncmp(line, "QUIT", 4) == 0) {
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "221 2.0.0 bye\r\n");
			closing = 1;
		} else
			outlen += (size_t)snprintf(out + outlen,
			    sizeof out - outlen, "500 5.5.2 what\r\n");
	}
	memmove(f->in, f->in + used, f->inlen - used);
	f->inlen -= used;
	if (mail && rcpt && data)
		f->batched = 1;
	fake_write(f, out, outlen);
	if (closing) {
		loop_fd_del(f->loop, fd);
		close(fd);
		f->cfd = -1;
	}
}

/* A connection: greet, then listen to it. */
static void
fake_accept(int fd, int events, void *arg)
{
	struct fake	*f = arg;

	(void)events;
	if ((f->cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1)
		return;
	loop_fd_add(f->loop, f->cfd, LOOP_READ, fake_conn, f);
	fake_write(f, "220 fake ESMTP\r\n", 16);
}

/* Before every sleep: the first hook after a data callback must find no
 * byte of that message's body written, or waiting at the server. */
static void
fake_hook(void *arg)
{
	struct fake	*f = arg;
	char		 c;

	f->turn++;
	if (!f->check)
		return;
	f->check = 0;
	if (f->body == 0 && f->cfd != -1 &&
	    recv(f->cfd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK))
		f->hold_ok++;
	else
		f->hold_bad++;
}

static void
fake_ready(struct smtp_session *s, void *arg)
{
	struct fake	*f = arg;

	if (f->next < f->nmsgs)
		CHECK_INT(smtp_submit(s, &f->msgs[f->next++]), 0);
	else
		smtp_quit(s);
}

static void
fake_data(struct smtp_session *s, struct smtp_msg *m, void *arg)
{
	struct fake	*f = arg;

	(void)s;
	f->ndata++;
	f->data_turn = f->turn;
	if (m == &f->msgs[f->next - 1])
		f->data_msg_ok++;
	f->check = 1;
}

static void
fake_done(struct smtp_session *s, struct smtp_msg *m, enum smtp_outcome o,
    const struct smtp_reply *r, void *arg)
{
	struct fake	*f = arg;

	(void)s;
	(void)r;
	if (f->ndone < 2)
		f->outcome[f->ndone] = o;
	f->ndone++;
	(void)m;
}

static void
fake_closed(struct smtp_session *s, enum smtp_outcome o,
    const struct smtp_reply *r, int tls_failed, void *arg)
{
	struct fake	*f = arg;

	(void)s;
	(void)r;
	(void)tls_failed;
	f->close_outcome = o;
	f->closed = 1;
}

/* Run one session of nmsgs messages against the fake server. */
static void
fake_run(struct fake *f, int pipelining, int rcpt_code, size_t nmsgs)
{
	static const struct smtp_events	 ev = {
		.ready = fake_ready,
		.data = fake_data,
		.done = fake_done,
		.closed = fake_closed,
	};
	static char		 body[200000];
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	struct smtp_params	 p;
	char			*cause = NULL;
	size_t			 i;
	int			 turns;

	memset(f, 0, sizeof *f);
	f->pipelining = pipelining;
	f->rcpt_code = rcpt_code;
	f->cfd = -1;
	f->data_turn = f->body_turn = -1;
	/* A body larger than the socket buffers: written over turns. */
	for (i = 0; i < sizeof body - 1; i++)
		body[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i % 26);
	for (i = 0; i < nmsgs; i++) {
		f->msgs[i].mail_from = "from@herald.test";
		f->msgs[i].rcpt = i == 0 ? "one@fake.test" : "two@fake.test";
		f->msgs[i].data = body;
		f->msgs[i].len = sizeof body - 1;
	}
	f->nmsgs = nmsgs;
	f->loop = loop_new();
	loop_before_sleep(f->loop, fake_hook, f);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(f->lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	CHECK_INT(listen(f->lfd, 4), 0);
	CHECK_INT(getsockname(f->lfd, (struct sockaddr *)&sin, &len), 0);
	loop_fd_add(f->loop, f->lfd, LOOP_READ, fake_accept, f);

	memset(&p, 0, sizeof p);
	p.helo = "client.herald.test";
	p.host = "fake.test";
	p.policy = TLS_POLICY_NONE;
	p.t_connect = p.t_greeting = p.t_command = p.t_data = p.t_block =
	    p.t_dot = 5;
	CHECK(smtp_connect(f->loop, (struct sockaddr *)&sin, sizeof sin,
	    NULL, 0, &p, &ev, f, &cause) != NULL);
	free(cause);
	for (turns = 0; !f->closed && turns < 5000; turns++)
		loop_once(f->loop, 1000);
	CHECK(f->closed);
	if (f->cfd != -1) {
		loop_fd_del(f->loop, f->cfd);
		close(f->cfd);
	}
	loop_fd_del(f->loop, f->lfd);
	close(f->lfd);
	loop_free(f->loop);
}

/* The data callback and the body held for a turn. */
static void
test_session_data(void)
{
	struct fake	f;

	/* PIPELINING: MAIL, RCPT and DATA in one write, "250 250 354"
	 * in one read; two messages, RSET between. */
	fake_run(&f, 1, 250, 2);
	CHECK(f.batched);
	CHECK_INT(f.ndata, 2);
	CHECK_INT(f.data_msg_ok, 2);
	CHECK_INT(f.ndone, 2);
	CHECK_INT(f.outcome[0], SMTP_DELIVERED);
	CHECK_INT(f.outcome[1], SMTP_DELIVERED);
	CHECK_INT(f.hold_ok, 2);
	CHECK_INT(f.hold_bad, 0);
	CHECK(f.body_turn > f.data_turn);
	CHECK_INT(f.close_outcome, SMTP_DELIVERED);

	/* One command at a time. */
	fake_run(&f, 0, 250, 1);
	CHECK(!f.batched);
	CHECK_INT(f.ndata, 1);
	CHECK_INT(f.hold_ok, 1);
	CHECK_INT(f.hold_bad, 0);
	CHECK(f.body_turn > f.data_turn);
	CHECK_INT(f.outcome[0], SMTP_DELIVERED);

	/* RCPT refused, DATA refused: no data callback, nothing sent. */
	fake_run(&f, 1, 550, 1);
	CHECK(f.batched);
	CHECK_INT(f.ndata, 0);
	CHECK_INT(f.ndone, 1);
	CHECK_INT(f.outcome[0], SMTP_BOUNCED);
	CHECK_INT(f.body, 0);
}

/* --smtp-timeouts: names, bounds, and the fields left alone. */
static void
test_timeouts(void)
{
	struct smtp_timeouts	 t;
	struct smtp_params	 p;
	char			*cause = NULL;

	memset(&t, 0, sizeof t);
	CHECK(smtp_timeouts_parse("", &t, &cause) == 0);
	CHECK_INT(t.greeting, 0);
	CHECK(smtp_timeouts_parse("connect=10,dot=900", &t, &cause) == 0);
	CHECK_INT(t.connect, 10);
	CHECK_INT(t.dot, 900);
	CHECK_INT(t.command, 0);
	CHECK(smtp_timeouts_parse("greeting=60,", &t, &cause) == 0);
	CHECK_INT(t.greeting, 60);
	CHECK_INT(t.connect, 10);
	memset(&p, 0, sizeof p);
	smtp_timeouts_apply(&t, &p);
	CHECK_INT(p.t_connect, 10);
	CHECK_INT(p.t_greeting, 60);
	CHECK_INT(p.t_dot, 900);
	CHECK_INT(p.t_data, 0);

	CHECK(smtp_timeouts_parse("greeting", &t, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "expected NAME=SECONDS") != NULL);
	free(cause);
	cause = NULL;
	CHECK(smtp_timeouts_parse("hello=5", &t, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "no timeout called 'hello'") !=
	    NULL);
	free(cause);
	cause = NULL;
	CHECK(smtp_timeouts_parse("data=0", &t, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "data: '0'") != NULL);
	free(cause);
	cause = NULL;
	CHECK(smtp_timeouts_parse("block=3601", &t, &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(smtp_timeouts_parse("block=99999999999999999999", &t,
	    &cause) == -1);
	free(cause);
	CHECK_INT(t.block, 0);
	/* Too long to read whole: refused, not cut to its first digits. */
	cause = NULL;
	CHECK(smtp_timeouts_parse("dot=0000000000000060", &t, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "dot: '0000000000000060'") !=
	    NULL);
	free(cause);
	CHECK_INT(t.dot, 900);
	cause = NULL;
	CHECK(smtp_timeouts_parse("dot=000000000000060", &t, &cause) == 0);
	CHECK_INT(t.dot, 60);
	free(cause);
}

int
main(void)
{
	test_reply_basic();
	test_reply_enhanced();
	test_reply_hostile();
	test_ehlo();
	test_stuff();
	test_args();
	test_loop();
	test_session_data();
	test_timeouts();
	TEST_END();
}
