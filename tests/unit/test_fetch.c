/*
 * The feedback mailbox's answers as a fetch reads them (src/feedback/
 * fetch_reply.c), the source as shown (no user, no password), and the
 * store's POP3 UIDLs and watch query (src/store/store_fetch.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "base/util.h"
#include "feedback/fetch.h"
#include "store/store.h"

static void
test_search(void)
{
	unsigned long	*u;
	size_t		 n;

	n = feedback_imap_search("* SEARCH 3 17 4294967295\r\n", &u);
	CHECK_INT(n, 3);
	CHECK_INT(u[0], 3);
	CHECK_INT(u[1], 17);
	CHECK_INT(u[2], 4294967295UL);
	free(u);
	/* Two lines (a server may split), other untagged lines skipped. */
	n = feedback_imap_search("* 4 EXISTS\r\n* SEARCH 1\r\n* search 2\r\n",
	    &u);
	CHECK_INT(n, 2);
	CHECK_INT(u[1], 2);
	free(u);
	CHECK_INT(feedback_imap_search("* SEARCH\r\n", &u), 0);
	free(u);
	/* Past 32 bits, zero, or not a number: the rest is not guessed. */
	CHECK_INT(feedback_imap_search("* SEARCH 4294967296 5\r\n", &u), 0);
	free(u);
	CHECK_INT(feedback_imap_search("* SEARCH 0 5\r\n", &u), 0);
	free(u);
	CHECK_INT(feedback_imap_search("* SEARCH 7 x 8\r\n", &u), 1);
	free(u);
}

static void
test_sizes(void)
{
	unsigned long	uids[3] = { 5, 9, 12 };
	long long	size[3] = { -1, -1, -1 };
	int		seen[3] = { 0, 0, 0 };

	feedback_imap_sizes("* 1 FETCH (UID 5 FLAGS (\\Seen $HeraldDone) "
	    "RFC822.SIZE 1234)\r\n"
	    "* 2 FETCH (RFC822.SIZE 52428905 FLAGS () UID 9)\r\n"
	    "* 3 FETCH (FLAGS (\\Answered) UID 99 RFC822.SIZE 1)\r\n",
	    uids, 3, size, seen);
	CHECK_INT(size[0], 1234);
	CHECK_INT(seen[0], 1);
	CHECK_INT(size[1], 52428905);
	CHECK_INT(seen[1], 0);
	CHECK_INT(size[2], -1);		/* not in the answer */
	/* "UID" inside another word is not the item. */
	size[0] = -1;
	feedback_imap_sizes("* 1 FETCH (XUID 5 RFC822.SIZE 7)\r\n", uids, 1,
	    size, NULL);
	CHECK_INT(size[0], -1);
}

static void
test_pop3(void)
{
	struct feedback_pop3	*m;
	size_t			 n;

	n = feedback_pop3_uidl("1 000000016b172ccd\r\n2 abc\r\n"
	    "3 \r\nx junk\r\n4 has space\r\n", &m);
	CHECK_INT(n, 2);
	CHECK_INT(m[0].num, 1);
	CHECK_STR(m[0].uidl, "000000016b172ccd");
	CHECK_STR(m[1].uidl, "abc");
	CHECK_INT(m[1].size, -1);
	feedback_pop3_sizes("1 2550\r\n2 52428905\r\n7 1\r\n", m, n);
	CHECK_INT(m[0].size, 2550);
	CHECK_INT(m[1].size, 52428905);
	feedback_pop3_free(m, n);
}

static void
test_display(void)
{
	char	*s;

	s = feedback_fetch_display("imaps://bounces@mail.example.org:993/INBOX");
	CHECK_STR(s, "imaps://mail.example.org:993/INBOX");
	free(s);
	s = feedback_fetch_display("imaps://a%40b:secret@h/INBOX");
	CHECK_STR(s, "imaps://h/INBOX");
	free(s);
	s = feedback_fetch_display("pop3s://h");
	CHECK_STR(s, "pop3s://h");
	free(s);
	/* An @ after the authority is not a user's. */
	s = feedback_fetch_display("imaps://h/Lists@x");
	CHECK_STR(s, "imaps://h/Lists@x");
	free(s);
	/* A password holding '/' or '@' is never shown. */
	s = feedback_fetch_display("imaps://u:s3cr/et@h/INBOX");
	CHECK_STR(s, "imaps://h/INBOX");
	free(s);
	s = feedback_fetch_display("imaps://u:a@b/c@h:993/INBOX");
	CHECK_STR(s, "imaps://h:993/INBOX");
	free(s);
	s = feedback_fetch_display("imaps://u:12/x@h");
	CHECK_STR(s, "imaps://h");
	free(s);
	CHECK(feedback_fetch_remote("imap://u@h/INBOX"));
	CHECK(feedback_fetch_remote("pop3s://u@h"));
	CHECK(!feedback_fetch_remote("maildir:/var/mail/x"));
	CHECK(!feedback_fetch_remote("mbox:/var/mail/x"));
}

static void
test_store(void)
{
	char		 dir[] = "/tmp/herald-test-fetch.XXXXXX", *path;
	char		*cause = NULL;
	struct store	*st = NULL;
	int64_t		 n = -1;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	path = xprintf("%s/db", dir);
	CHECK_INT(store_open(path, &st, &cause), 0);
	if (st == NULL) {
		free(cause);
		free(path);
		return;
	}
	CHECK_INT(store_fetch_seen(st, "pop3s://u@h", "abc", &cause), 0);
	CHECK_INT(store_fetch_mark(st, "pop3s://u@h", "abc", &cause), 0);
	CHECK_INT(store_fetch_mark(st, "pop3s://u@h", "abc", &cause), 0);
	CHECK_INT(store_fetch_seen(st, "pop3s://u@h", "abc", &cause), 1);
	/* Another account's UIDL is another message. */
	CHECK_INT(store_fetch_seen(st, "pop3s://v@h", "abc", &cause), 0);
	CHECK_INT(store_fetch_watching(st, 0, &n, &cause), 0);
	CHECK_INT(n, 0);
	store_close(st);
	unlink(path);
	free(path);
	path = xprintf("%s/db-wal", dir);
	unlink(path);
	free(path);
	path = xprintf("%s/db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

int
main(void)
{
	test_search();
	test_sizes();
	test_pop3();
	test_display();
	test_store();
	TEST_END();
}
