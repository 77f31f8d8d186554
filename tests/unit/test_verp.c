/*
 * The VERP address arithmetic (mail/verp.h): a token put into an
 * envelope-from and read back out for every delimiter, the 64-octet
 * local part limit, addresses that carry no token, and the send named in
 * a Message-ID.
 */
#include <stdint.h>
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
	char	 a[VERP_MSGID_MAX], b[VERP_MSGID_MAX], id[160];
	char	 tok[MESSAGE_TOKEN_LEN + 1];

	verp_msgid(a, sizeof a, 4711, 99, TOK);
	CHECK_STR(a, "herald.4711.99." TOK);
	snprintf(id, sizeof id, "<%s@example.org>", a);
	memset(tok, 0, sizeof tok);
	CHECK_INT(verp_msgid_send(id, tok), 4711);
	CHECK_STR(tok, TOK);
	snprintf(id, sizeof id, " %s@example.org", a);
	CHECK_INT(verp_msgid_send(id, NULL), 4711);
	/* a test send's names the send too, and differs each time */
	verp_msgid_test(a, sizeof a, 12, 1700000000, 555, TOK);
	verp_msgid_test(b, sizeof b, 12, 1700000001, 555, TOK);
	CHECK(strcmp(a, b) != 0);
	snprintf(id, sizeof id, "<%s@example.org>", a);
	CHECK_INT(verp_msgid_send(id, tok), 12);
	CHECK_STR(tok, TOK);
	/* the longest fits */
	verp_msgid_test(a, sizeof a, INT64_MAX, INT64_MAX, 2147483647L, TOK);
	CHECK(strlen(a) < sizeof a - 1);
	/* others' Message-IDs name no send */
	CHECK_INT(verp_msgid_send("<42.herald@example.net>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12.3.abc@example.org>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12.3." TOK "x@example.org>", tok),
	    0);
	CHECK_INT(verp_msgid_send("<herald.12.3." TOK ">", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.0.3." TOK "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12.0." TOK "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald..3." TOK "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12." TOK "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12.testx.1." TOK "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.1234567890123456789.3." TOK
	    "@x>", tok), 0);
	CHECK_INT(verp_msgid_send("<herald.12.3.k7q2m4x5z6abcdefgh1j@x>",
	    tok), 0);
	CHECK_INT(verp_msgid_send("", tok), 0);
	CHECK_INT(verp_msgid_send(NULL, tok), 0);
}

int
main(void)
{
	test_address();
	test_no_token();
	test_msgid();
	TEST_END();
}
