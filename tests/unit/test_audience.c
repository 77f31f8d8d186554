/* An issue's audience (src/send/audience.c): names settled as lists or
 * segments (one namespace, a name that is both refused),
 * members of overlapping lists met once whatever the letter case of the
 * address (or, with local_part_case strict, of its domain alone), an
 * excluded member counted once however many lists have it, the counts by
 * name, domain and provider, and the provider of a domain without DNS. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/issue_types.h"
#include "mail/message.h"
#include "send/audience.h"
#include "store/store.h"
#include "store/store_segment.h"
#include "test.h"
#include "base/util.h"

static char dir[] = "/tmp/herald-audience-XXXXXX";

/* Make list name with the addresses, NULL-ended. */
static void
mklist(struct store *st, const char *name, const char *const *addrs)
{
	enum store_put	 put;
	uint64_t	 first, line = 1;
	int64_t		 list, imp;
	char		*cause = NULL;

	CHECK(store_begin(st, &cause) == 0);
	CHECK(store_list_create(st, name, &list, &cause) == 0);
	CHECK(store_import_begin(st, list, "t", &imp, &cause) == 0);
	for (; *addrs != NULL; addrs++)
		CHECK(store_contact_put(st, list, imp, line++, *addrs, "",
		    "{}", &put, &first, &cause) == 0);
	CHECK(store_commit(st, &cause) == 0);
}

/* The addresses a walk gives, one string. */
static int
collect(const struct contact *c, void *arg)
{
	struct buf	*b = arg;

	buf_printf(b, "%s%s%s", b->len != 0 ? " " : "", c->suppressed ? "!" :
	    "", c->addr);
	return 0;
}

/* The count of group key, or -1. */
static int64_t
group(const struct audience_group *v, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].n;
	return -1;
}

static void
test_walk(void)
{
	static const char *const members[] = { "User@example.com",
	    "ann@example.org", "bob@gmail.com", "sup@example.org",
	    "gone@example.org", NULL };
	static const char *const volunteers[] = { "user@example.com",
	    "carol@docomo.ne.jp", "BOB@gmail.com", "gone@example.org", NULL };
	static const char *const board[] = { "Gone@example.org", NULL };
	struct audience_counts	 c;
	struct store		*st;
	struct issue		 is;
	struct buf		 b;
	char			*path, *cause = NULL;
	int64_t			 vol;
	int			 added;

	path = xprintf("%s/a.db", dir);
	CHECK(store_open(path, &st, &cause) == 0);
	free(path);
	mklist(st, "members", members);
	mklist(st, "volunteers", volunteers);
	mklist(st, "board", board);
	CHECK(store_suppress_add(st, "sup@example.org", "manual", NULL,
	    &added, &cause) == 0);

	memset(&is, 0, sizeof is);
	message_audience_add(&is, "members, volunteers", 0);
	message_audience_add(&is, " board ", 1);
	message_audience_add(&is, "members", 0);	/* given twice: once */
	CHECK(is.naud == 3);
	CHECK(message_audience_settle(st, &is, &cause) == 0);
	CHECK_STR(is.list_name, "members");
	CHECK(is.list_id != 0);
	CHECK(is.aud[2].exclude && strcmp(is.aud[2].name, "board") == 0);

	buf_init(&b);
	CHECK(audience_walk(st, &is, collect, &b, &c, &cause) == 0);
	/* The first spelling met is kept; gone@ is out wherever it is. */
	CHECK_STR(b.data, "User@example.com ann@example.org bob@gmail.com "
	    "!sup@example.org carol@docomo.ne.jp");
	buf_free(&b);
	CHECK_INT(c.total, 4);
	CHECK_INT(c.duplicates, 2);
	CHECK_INT(c.excluded, 1);
	CHECK_INT(c.suppressed, 1);
	CHECK(c.nsrc == 3);
	CHECK_INT(c.src[0].members, 5);
	CHECK_INT(c.src[1].members, 4);
	CHECK_INT(c.src[2].members, 1);
	CHECK_INT(group(c.domains, c.ndomains, "example.com"), 1);
	CHECK_INT(group(c.domains, c.ndomains, "example.org"), 1);
	CHECK_INT(group(c.providers, c.nproviders, "google"), 1);
	CHECK_INT(group(c.providers, c.nproviders, "docomo"), 1);
	CHECK_INT(group(c.providers, c.nproviders, "other"), 2);
	audience_free(&c);

	/* Strict local parts: User@ and user@ are two recipients, BOB@
	 * and bob@ too, and board's Gone@ no longer excludes gone@ (in
	 * both lists: one duplicate). */
	store_set_case_strict(st, 1);
	CHECK(audience_count(st, &is, &c, &cause) == 0);
	CHECK_INT(c.total, 7);
	CHECK_INT(c.duplicates, 1);
	CHECK_INT(c.excluded, 0);
	audience_free(&c);
	store_set_case_strict(st, 0);

	/* A segment: volunteers at gmail.com; excluded, BOB@/bob@ goes. */
	CHECK(store_list_find(st, "volunteers", &vol, &cause) == 0);
	CHECK(store_segment_add(st, "gm", vol, "domain = 'gmail.com'",
	    &cause) == 0);
	issue_free(&is);
	message_audience_add(&is, "members", 0);
	message_audience_add(&is, "gm", 1);
	CHECK(message_audience_settle(st, &is, &cause) == 0);
	CHECK(is.aud[1].segment == 1);
	CHECK(audience_count(st, &is, &c, &cause) == 0);
	CHECK_INT(c.total, 3);
	CHECK_INT(c.excluded, 1);
	CHECK_INT(c.src[1].members, 1);
	audience_free(&c);
	/* Segments alone: the first one's list gives the merge fields. */
	issue_free(&is);
	message_audience_add(&is, "gm", 0);
	CHECK(message_audience_settle(st, &is, &cause) == 0);
	CHECK_STR(is.list_name, "volunteers");
	CHECK(message_audience_list(&is) == NULL);
	CHECK(audience_count(st, &is, &c, &cause) == 0);
	CHECK_INT(c.total, 1);
	audience_free(&c);
	/* A name both a list's and a segment's is refused. */
	CHECK(store_segment_add(st, "board", vol, "domain = 'gmail.com'",
	    &cause) == 0);
	issue_free(&is);
	message_audience_add(&is, "members", 0);
	message_audience_add(&is, "board", 1);
	CHECK(message_audience_settle(st, &is, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "both a list and a segment") !=
	    NULL);
	free(cause);
	cause = NULL;

	/* Refused: unknown names, one both in To and Exclude, no To. */
	issue_free(&is);
	message_audience_add(&is, "members, nosuch", 0);
	CHECK(message_audience_settle(st, &is, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "'nosuch'") != NULL);
	free(cause);
	cause = NULL;
	issue_free(&is);
	message_audience_add(&is, "members", 0);
	message_audience_add(&is, "members", 1);
	CHECK(message_audience_settle(st, &is, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "both in To") != NULL);
	free(cause);
	cause = NULL;
	issue_free(&is);
	message_audience_add(&is, "board", 1);
	CHECK(message_audience_settle(st, &is, &cause) == -1);
	free(cause);
	issue_free(&is);
	store_close(st);
}

static void
test_provider(void)
{
	CHECK_STR(audience_provider("gmail.com"), "google");
	CHECK_STR(audience_provider("GMAIL.COM"), "google");
	CHECK_STR(audience_provider("docomo.ne.jp"), "docomo");
	CHECK_STR(audience_provider("ezweb.ne.jp"), "au");
	CHECK_STR(audience_provider("i.softbank.jp"), "softbank");
	CHECK_STR(audience_provider("aol.com"), "yahoo");
	CHECK_STR(audience_provider("icloud.com"), "apple");
	CHECK(audience_provider("example.org") == NULL);
	/* Not a label boundary: not docomo's. */
	CHECK(audience_provider("notdocomo.ne.jp") == NULL);
}

int
main(void)
{
	char	*cmd;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_walk();
	test_provider();
	cmd = xprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		test_failed++;
	free(cmd);
	TEST_END();
}
