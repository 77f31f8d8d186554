/*
 * The VERP address arithmetic (mail/verp.h): a token put into an
 * envelope-from and read back out for every delimiter, the 64-octet
 * local part limit, addresses that carry no token, and the send named in
 * a Message-ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "mail/message.h"
#include "mail/verp.h"
#include "test.h"

#define TOK	"k7q2m4x5z6abcdefghij"

static void
test_address(void)
{
	char		 out[VERP_ADDR_MAX], tok[MESSAGE_TOKEN_LEN + 1];
	char		 local[VERP_LOCAL_MAX + 1], base[80], *cause = NULL;
	const char	*d;

	for (d = VERP_DELIMITERS; *d != '\0'; d++) {
		char	want[80];

		CHECK_INT(verp_address("bounce@example.org", *d, TOK, out,
		    sizeof out, &cause), 0);
		snprintf(want, sizeof want, "bounce%c%s@example.org", *d, TOK);
		CHECK_STR(out, want);
		memset(tok, 0, sizeof tok);
		CHECK_INT(verp_token(out, tok, local, sizeof local), 1);
		CHECK_STR(tok, TOK);
		CHECK_STR(local, "bounce");
	}
	/* upper case in: lower case out, both ways */
	CHECK_INT(verp_address("News.Bounce@Example.org", '-',
	    "K7Q2M4X5Z6ABCDEFGHIJ", out, sizeof out, &cause), 0);
	CHECK_STR(out, "News.Bounce-" TOK "@Example.org");
	CHECK_INT(verp_token("<bounce+K7Q2M4X5Z6ABCDEFGHIJ@example.org>", tok,
	    NULL, 0), 1);
	CHECK_STR(tok, TOK);
	/* a base local part of its own delimiters keeps them */
	CHECK_INT(verp_token("list-bounce+" TOK "@example.org", tok, local,
	    sizeof local), 1);
	CHECK_STR(local, "list-bounce");

	/* 43 octets + 1 + 20 = 64: fits; one more does not */
	memset(base, 'a', 43);
	strcpy(base + 43, "@example.org");
	CHECK_INT(verp_address(base, '+', TOK, out, sizeof out, &cause), 0);
	CHECK_INT(strchr(out, '@') - out, 64);
	memset(base, 'a', 44);
	strcpy(base + 44, "@example.org");
	CHECK_INT(verp_address(base, '+', TOK, out, sizeof out, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "64") != NULL &&
	    strstr(cause, "verp") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(verp_address("bounce@example.org", '*', TOK, out,
	    sizeof out, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(verp_address("bounce@example.org", '+', "short", out,
	    sizeof out, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(verp_address("no-at-sign", '+', TOK, out, sizeof out,
	    &cause), -1);
	free(cause);
	cause = NULL;
	/* out too small */
	CHECK_INT(verp_address("bounce@example.org", '+', TOK, out, 20,
	    &cause), -1);
	free(cause);
}

static void
test_no_token(void)
{
	static const char *const bad[] = {
		"bounce@example.org",
		"bounce+" TOK,					/* no domain */
		"bounce+k7q2m4x5z6abcdefgh1j@example.org",	/* '1' */
		"bounce+k7q2m4x5z6abcdefghi@example.org",	/* 19 */
		"bounce+xk7q2m4x5z6abcdefghij@example.org",	/* 21 */
		"bounce" TOK "@example.org",			/* no delim */
		"bounce." TOK "@example.org",			/* '.' */
		"+" TOK "@example.org",				/* no local */
		"a b+" TOK "@example.org",			/* space */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+" TOK
		    "@example.org",				/* > 64 */
		"",
	};
	char	tok[MESSAGE_TOKEN_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(verp_token(bad[i], tok, NULL, 0), 0);
	}
	CHECK_INT(verp_token(NULL, tok, NULL, 0), 0);
}

static void
test_msgid(void)
{
	char	 a[VERP_MSGID_LOCAL_MAX], b[VERP_MSGID_LOCAL_MAX], id[120];
	char	*cause = NULL;

	CHECK_INT(verp_msgid_local(4711, a, sizeof a, &cause), 0);
	CHECK_INT(verp_msgid_local(4711, b, sizeof b, &cause), 0);
	CHECK(strncmp(a, "s4711.", 6) == 0);
	CHECK_INT(strlen(a), 6 + 26);
	CHECK(strcmp(a, b) != 0);		/* random */
	snprintf(id, sizeof id, "<%s@example.org>", a);
	CHECK_INT(verp_msgid_send(id), 4711);
	snprintf(id, sizeof id, " %s@example.org", a);
	CHECK_INT(verp_msgid_send(id), 4711);
	/* without a send: only the random part, naming none */
	CHECK_INT(verp_msgid_local(0, a, sizeof a, &cause), 0);
	CHECK_INT(strlen(a), 26);
	snprintf(id, sizeof id, "<%s@example.org>", a);
	CHECK_INT(verp_msgid_send(id), 0);
	/* others' Message-IDs name no send */
	CHECK_INT(verp_msgid_send("<s12.abc@example.org>"), 0);
	CHECK_INT(verp_msgid_send("<s12abcdefghijklmnopqrstuvwxyz@x>"), 0);
	CHECK_INT(verp_msgid_send("<s.abcdefghijklmnopqrstuvwxyz@x>"), 0);
	CHECK_INT(verp_msgid_send("<s0.abcdefghijklmnopqrstuvwxyz@x>"), 0);
	CHECK_INT(verp_msgid_send("<s12.abcdefghijklmnopqrstuvwxy1@x>"), 0);
	CHECK_INT(verp_msgid_send("<s12.abcdefghijklmnopqrstuvwxyza@x>"), 0);
	CHECK_INT(verp_msgid_send("<s1234567890123456789.abcdefghijklmnopq"
	    "rstuvwxyz@x>"), 0);
	CHECK_INT(verp_msgid_send("<42.herald@example.net>"), 0);
	CHECK_INT(verp_msgid_send(""), 0);
	CHECK_INT(verp_msgid_send(NULL), 0);
	CHECK_INT(verp_msgid_send("s12.abcdefghijklmnopqrstuvwxyz@x"), 12);
}

int
main(void)
{
	test_address();
	test_no_token();
	test_msgid();
	TEST_END();
}
