/* import: CSV/TSV/lines parsing, header detection, bad input, counts, the
 * transaction (strict mode, rollback), progress, and reading a pipe. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <iconv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/import.h"
#include "store/store.h"
#include "test.h"
#include "base/util.h"

static char		 dir[] = "/tmp/herald-import-XXXXXX";
static struct store	*st;
static int		 nfile;

/* What one import did. */
struct result {
	int			 opened;	/* import_open succeeded */
	int			 step;		/* last import_step result */
	int			 commit;	/* import_commit's result */
	int			 exitcode;
	char			*cause;
	struct import_stats	 s;
	enum import_format	 format;
	off_t			 done, total;
	struct buf		 errors;	/* "line:reason;" ... */
	struct buf		 dups;		/* "line<first:addr>kept;" ... */
	enum import_encoding	 enc;
	const char		*hint;
};

/* Write data[0..len) to a new file under dir; returns its path. */
static char *
file_n(const char *data, size_t len)
{
	char	*path;
	FILE	*f;

	path = xprintf("%s/in%d.txt", dir, ++nfile);
	if ((f = fopen(path, "w")) == NULL)
		fatal("fopen %s", path);
	fwrite(data, 1, len, f);
	fclose(f);
	return (path);
}

/* Write a string to a new file. */
static char *
file_s(const char *data)
{
	return (file_n(data, strlen(data)));
}

/* Collect an invalid row into the result. */
static int
collect_error(uint64_t line, const char *reason, void *arg)
{
	buf_printf(arg, "%llu:%s;", (unsigned long long)line, reason);
	return (0);
}

/* Collect a duplicate row into the result. */
static int
collect_dup(uint64_t line, uint64_t first, const char *addr,
    const char *kept, void *arg)
{
	buf_printf(arg, "%llu<%llu:%s>%s;", (unsigned long long)line,
	    (unsigned long long)first, addr, kept);
	return (0);
}

/* Import path into list in encoding enc; commit if asked and all went
 * well. */
static void
run_enc(const char *list, const char *path, enum import_format fmt,
    enum import_encoding enc, int strict, int commit, struct result *r)
{
	struct import_options	 o = { .format = fmt, .strict = strict,
				       .encoding = enc };
	struct importer		*imp;

	memset(r, 0, sizeof *r);
	buf_init(&r->errors);
	buf_adds(&r->errors, "");
	buf_init(&r->dups);
	buf_adds(&r->dups, "");
	imp = import_open(st, list, path, &o, &r->cause, &r->exitcode);
	if (imp == NULL)
		return;
	r->opened = 1;
	r->format = import_format(imp);
	r->enc = import_encoding(imp);
	while ((r->step = import_step(imp, 1000, &r->cause,
	    &r->exitcode)) == 1)
		/* nothing */;
	import_progress(imp, &r->done, &r->total);
	r->s = *import_stats(imp);
	r->hint = import_encoding_hint(imp);
	import_errors(imp, 0, collect_error, &r->errors);
	import_duplicates(imp, 0, collect_dup, &r->dups);
	if (r->step == 0 && commit &&
	    (r->commit = import_commit(imp, &r->cause)) == -1)
		r->step = -2;
	import_free(imp);
}

/* Import path into list as UTF-8 (or what its first bytes say). */
static void
run(const char *list, const char *path, enum import_format fmt, int strict,
    int commit, struct result *r)
{
	run_enc(list, path, fmt, IMPORT_ENC_AUTO, strict, commit, r);
}

/* Release what run() allocated. */
static void
done(struct result *r)
{
	free(r->cause);
	buf_free(&r->errors);
	buf_free(&r->dups);
}

/* Append one contact as "addr|name|attrs\n". */
static int
collect_contact(const struct contact *c, void *arg)
{
	buf_printf(arg, "%s|%s|%s%s\n", c->addr, c->name, c->attrs,
	    c->suppressed ? "|S" : "");
	return (0);
}

/* The members of a list, one a line; allocated ("" if no such list). */
static char *
members(const char *list)
{
	struct buf	b;
	int64_t		id;

	buf_init(&b);
	buf_adds(&b, "");
	if (store_list_find(st, list, &id, NULL) == 0)
		store_contacts(st, id, NULL, 0, 0, collect_contact, &b, NULL);
	return (buf_take(&b));
}

/* Number of members of a list, -1 if there is no such list. */
static int64_t
count(const char *list)
{
	int64_t	id, n = -1;

	if (store_list_find(st, list, &id, NULL) != 0)
		return (-1);
	if (store_contacts_count(st, id, NULL, &n, NULL) != 0)
		return (-2);
	return (n);
}

/* Import a string as a committed auto-detected import; check counts. */
static void
simple(const char *list, const char *data, enum import_format want_fmt,
    uint64_t imported, uint64_t invalid, const char *errors,
    const char *want_members)
{
	struct result	 r;
	char		*path = file_s(data), *m;

	run(list, path, IMPORT_AUTO, 0, 1, &r);
	CHECK(r.opened);
	CHECK_INT(r.step, 0);
	if (r.cause != NULL)
		fprintf(stderr, "cause: %s\n", r.cause);
	CHECK_STR(import_format_name(r.format), import_format_name(want_fmt));
	CHECK_INT(r.s.imported, imported);
	CHECK_INT(r.s.invalid, invalid);
	CHECK_STR(r.errors.data, errors);
	if (want_members != NULL) {
		m = members(list);
		CHECK_STR(m, want_members);
		free(m);
	}
	done(&r);
	free(path);
}

/* CSV with a header row, attributes, quoting and embedded newlines. */
static void
test_csv(void)
{
	simple("csv1",
	    "Email,Name,Company,City\n"
	    "a@example.org,Alice,ACME,Paris\n"
	    "\"b@example.org\",\"Bob \"\"the builder\"\"\",\"Foo, Inc.\",\n"
	    "c@Example.ORG,,,\"Multi\nline\"\n"
	    "d@example.org,  Dee  ,x\n",
	    IMPORT_CSV, 4, 0, "",
	    "a@example.org|Alice|{\"Company\":\"ACME\",\"City\":\"Paris\"}\n"
	    "b@example.org|Bob \"the builder\"|{\"Company\":\"Foo, Inc.\"}\n"
	    "c@example.org||{\"City\":\"Multi\\nline\"}\n"
	    "d@example.org|Dee|{\"Company\":\"x\"}\n");

	/* Line numbers count the lines inside quoted fields. */
	simple("csv2",
	    "email,note\n"
	    "a@x.org,\"one\ntwo\r\nthree\"\n"
	    "bad,\"x\"\n"
	    "b@x.org,\"\"\n"
	    "c@x,\n",
	    IMPORT_CSV, 2, 2, "5:missing @;7:domain has no dot;", NULL);

	/* Header words in any case and spacing; name column beats <...>;
	 * an empty header cell is "column N"; an extra cell likewise. */
	simple("csv3",
	    " E-Mail Address ,FULL NAME,,Tier\n"
	    "Jane <j@x.org>,Janet,v,gold,extra\n"
	    "Joe <jo@x.org>,,w\n",
	    IMPORT_CSV, 2, 0, "",
	    "j@x.org|Janet|{\"column 3\":\"v\",\"Tier\":\"gold\","
	    "\"column 5\":\"extra\"}\n"
	    "jo@x.org|Joe|{\"column 3\":\"w\"}\n");

	/* No header: the first cell with an @ is the mailbox, the next the
	 * name, the others "column N". */
	simple("csv4",
	    "a@x.org,Alice,VIP\n"
	    "7,b@x.org,Bob\n"
	    "c@x.org,d@x.org\n"
	    "no address here,at all\n",
	    IMPORT_CSV, 3, 1, "4:no address in row;",
	    "a@x.org|Alice|{\"column 3\":\"VIP\"}\n"
	    "b@x.org|Bob|{\"column 1\":\"7\"}\n"
	    "c@x.org||{\"column 2\":\"d@x.org\"}\n");

	/* Lenient quoting: spaces before a quote, stray quotes kept. */
	simple("csv5",
	    "email,name,size\n"
	    "a@x.org, \"Doe, Jane\",5\" screen\n"
	    "b@x.org,\"Bob\" Jr,1\n",
	    IMPORT_CSV, 2, 0, "",
	    "a@x.org|Doe, Jane|{\"size\":\"5\\\" screen\"}\n"
	    "b@x.org|Bob Jr|{\"size\":\"1\"}\n");

	/* A header-only file imports nothing and is fine. */
	simple("csv6", "email,name\n", IMPORT_CSV, 0, 0, "", "");
	simple("csv7", "name,email\r\n", IMPORT_CSV, 0, 0, "", "");
}

/* TSV, with and without a header. */
static void
test_tsv(void)
{
	simple("tsv1",
	    "email\tname\tcity\n"
	    "a@x.org\tAlice\tRome, Italy\n"
	    "\"b@x.org\"\t\"Bob\tB\"\t\"Oslo\"\n",
	    IMPORT_TSV, 2, 0, "",
	    "a@x.org|Alice|{\"city\":\"Rome, Italy\"}\n"
	    "b@x.org|Bob B|{\"city\":\"Oslo\"}\n");
	simple("tsv2", "a@x.org\tAlice\nb@x.org\n\tc@x.org\tCee\n",
	    IMPORT_TSV, 3, 0, "",
	    "a@x.org|Alice|{}\nb@x.org||{}\nc@x.org|Cee|{}\n");
}

/* One mailbox a line. */
static void
test_lines(void)
{
	simple("lines1",
	    "a@x.org\n"
	    "Bob <b@X.org>\n"
	    "\"Doe, Jane\" <j@x.org>\n"
	    "not an address\n"
	    "  <c@x.org>  \n"
	    "Doe, John <jd@x.org>\n",
	    IMPORT_LINES, 5, 1, "4:missing @;",
	    "a@x.org||{}\nb@x.org|Bob|{}\nc@x.org||{}\nj@x.org|Doe, Jane|{}\n"
	    "jd@x.org|Doe, John|{}\n");
	/* A header word on its own line is a header, not an error. */
	simple("lines2", "Email\nBob <b@x.org>\n", IMPORT_CSV, 1, 0, "",
	    "b@x.org|Bob|{}\n");
}

/* BOM, CRLF, no final newline, blank lines. */
static void
test_framing(void)
{
	simple("frame1",
	    "\xef\xbb\xbf" "email,name\r\na@x.org,Alice\r\nb@x.org,Bob",
	    IMPORT_CSV, 2, 0, "",
	    "a@x.org|Alice|{}\nb@x.org|Bob|{}\n");
	simple("frame2",
	    "\n\r\n  \nemail\n\na@x.org\n   \n,,\n\"\"\nbad\n\n\nb@x.org\n\n",
	    IMPORT_CSV, 2, 1, "10:missing @;", "a@x.org||{}\nb@x.org||{}\n");
	simple("frame3", "\xef\xbb\xbf" "a@x.org\r\n", IMPORT_LINES, 1, 0, "",
	    "a@x.org||{}\n");
	simple("frame4", "a@x.org\rb@x.org", IMPORT_LINES, 0, 1,
	    "1:control character in domain;", "");
}

/* Over-long records, unterminated quotes, too many fields. */
static void
test_long(void)
{
	struct buf	 b;
	struct result	 r;
	char		*path;
	size_t		 i;

	/* A 1 MB line, then rows that are still imported. */
	buf_init(&b);
	buf_adds(&b, "email,name\na@x.org,A\n");
	for (i = 0; i < 1024 * 1024; i++)
		buf_addc(&b, (i % 100) == 50 ? '"' : 'x');
	buf_adds(&b, "\nb@x.org,B\nbad\n");
	path = file_n(b.data, b.len);
	run("long1", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.step, 0);
	CHECK_INT(r.s.rows, 4);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(r.s.invalid, 2);
	CHECK_STR(r.errors.data,
	    "3:record longer than 65536 bytes;5:missing @;");
	CHECK_INT(r.done, b.len);
	CHECK_INT(r.total, b.len);
	done(&r);
	free(path);

	/* The same as the last line, with CRLF, without a final newline. */
	buf_reset(&b);
	buf_adds(&b, "a@x.org\r\n");
	for (i = 0; i < 200000; i++)
		buf_addc(&b, 'y');
	path = file_n(b.data, b.len);
	run("long2", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.step, 0);
	CHECK_INT(r.s.imported, 1);
	CHECK_STR(r.errors.data, "2:record longer than 65536 bytes;");
	done(&r);
	free(path);

	/* Exactly IMPORT_RECORD_MAX bytes is accepted; one more is not. */
	buf_reset(&b);
	buf_adds(&b, "email,pad\r\n");
	buf_adds(&b, "a@x.org,");
	for (i = 8; i < IMPORT_RECORD_MAX; i++)
		buf_addc(&b, 'p');
	buf_adds(&b, "\r\nb@x.org,");
	for (i = 8; i < IMPORT_RECORD_MAX + 1; i++)
		buf_addc(&b, 'p');
	buf_adds(&b, "\r\nc@x.org,c\r\n");
	path = file_n(b.data, b.len);
	run("long3", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	CHECK_STR(r.errors.data, "3:record longer than 65536 bytes;");
	done(&r);
	free(path);

	/* An unterminated quote costs only its own line... */
	simple("open1", "email,name\na@x.org,\"Alice\nb@x.org,Bob\n",
	    IMPORT_CSV, 1, 1, "2:unterminated quoted field;",
	    "b@x.org|Bob|{}\n");
	/* ...even when the rest of the file is longer than a record. */
	buf_reset(&b);
	buf_adds(&b, "email,name\na@x.org,\"Alice\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "u%zu@x.org,U\n", i);
	path = file_n(b.data, b.len);
	run("open2", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 5000);
	CHECK_STR(r.errors.data, "2:unterminated quoted field (record longer "
	    "than 65536 bytes);");
	done(&r);
	free(path);

	/* More than 256 fields. */
	buf_reset(&b);
	buf_adds(&b, "email\na@x.org");
	for (i = 0; i < 300; i++)
		buf_addc(&b, ',');
	buf_adds(&b, "\nb@x.org\n");
	path = file_n(b.data, b.len);
	run("many", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 1);
	CHECK_STR(r.errors.data, "2:more than 256 fields;");
	done(&r);
	free(path);
	buf_free(&b);
}

/* Invalid UTF-8, NUL bytes, binary, empty, missing, directory. */
static void
test_bad_input(void)
{
	struct buf	 b;
	struct result	 r;
	char		*path;
	size_t		 i;

	simple("utf1", "email,name\na@x.org,Al\xffice\nb@x.org,Bö\n",
	    IMPORT_CSV, 1, 1, "2:invalid UTF-8 at byte 11;", "b@x.org|Bö|{}\n");
	simple("utf2", "a@x.org\n\xc0\xaf@x.org\n", IMPORT_LINES, 1, 1,
	    "2:invalid UTF-8 at byte 1;", NULL);

	/* A NUL in the first 8 KiB: a binary file, refused whole. */
	path = file_n("a@x.org\nb@\0x.org\n", 17);
	run("nul1", path, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	CHECK(r.cause != NULL && strstr(r.cause, "looks like a binary file "
	    "(NUL byte at line 2)") != NULL);
	CHECK_INT(count("nul1"), -1);
	done(&r);
	free(path);

	/* UTF-16 with a byte order mark is read as such (test_encodings);
	 * asked to read it as something else, it is refused, named. */
	path = file_n("\xff\xfe" "e\0m\0a\0i\0l\0\n\0", 14);
	run_enc("utf16", path, IMPORT_AUTO, IMPORT_ENC_CP932, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	CHECK(r.cause != NULL && strstr(r.cause, "UTF-16 byte order mark: "
	    "use --encoding utf-16") != NULL);
	done(&r);
	free(path);

	/* A NUL later: that row is invalid. */
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "n%zu@x.org\n", i);
	buf_add(&b, "late@x\0.org\nlast@x.org\n", 23);
	path = file_n(b.data, b.len);
	run("nul2", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 1001);
	CHECK_STR(r.errors.data, "1001:NUL byte at byte 7;");
	done(&r);
	free(path);
	buf_free(&b);

	/* Empty files. */
	path = file_s("");
	run("empty1", path, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	CHECK(r.cause != NULL && strstr(r.cause, "is empty") != NULL);
	done(&r);
	free(path);
	path = file_s("\xef\xbb\xbf\r\n\n  \n\t\n");
	run("empty2", path, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	CHECK(r.cause != NULL && strstr(r.cause, "is empty") != NULL);
	CHECK_INT(count("empty2"), -1);
	done(&r);
	free(path);

	/* Missing file, directory. */
	path = xprintf("%s/nonexistent.csv", dir);
	run("missing", path, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_NOINPUT);
	CHECK(r.cause != NULL &&
	    strstr(r.cause, "No such file or directory") != NULL);
	done(&r);
	free(path);
	run("dir", dir, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_NOINPUT);
	CHECK(r.cause != NULL && strstr(r.cause, "Is a directory") != NULL);
	done(&r);
}

/* Duplicates in the file, updates on re-import, suppressions. */
static void
test_counts(void)
{
	struct result	 r;
	char		*path, *m;
	int		 added;

	/* B@x.org differs from b@x.org only in the case of its local part:
	 * the same member (local_part_case = fold, the default). */
	path = file_s("email,name\na@x.org,A\na@X.ORG,A2\nb@x.org,B\n"
	    "a@x.org,A3\nB@x.org,Big B\n");
	run("dup", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.rows, 5);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(r.s.duplicates, 3);
	CHECK_INT(r.s.updated, 0);
	CHECK_INT(count("dup"), 2);
	CHECK_STR(r.dups.data, "3<2:a@x.org>a@x.org;5<2:a@x.org>a@x.org;"
	    "6<4:B@x.org>b@x.org;");
	done(&r);
	free(path);

	/* Re-import: known addresses are updates, new ones imported. */
	path = file_s("email,name\na@x.org,Alice\nc@x.org,C\nc@x.org,C\n");
	run("dup", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 1);
	CHECK_INT(r.s.updated, 1);
	CHECK_INT(r.s.duplicates, 1);
	CHECK_INT(count("dup"), 3);
	m = members("dup");
	CHECK(strstr(m, "a@x.org|Alice|{}\n") != NULL);
	free(m);
	done(&r);
	free(path);

	/* Suppressed addresses are counted, and still stored (flagged). */
	CHECK_INT(store_suppress_add(st, "S@x.org", "manual", "", &added,
	    NULL), 0);
	path = file_s("s@x.org\nt@x.org\nS@X.org\n");
	run("sup", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(r.s.duplicates, 1);
	CHECK_INT(r.s.suppressed, 2);
	m = members("sup");
	CHECK_STR(m, "s@x.org||{}|S\nt@x.org||{}\n");
	free(m);
	done(&r);
	free(path);
}

/* Local parts differing only in letter case: one member unless strict. */
static void
test_case(void)
{
	struct result	 r;
	char		*path, *m;

	path = file_s("email,name\nANN.LEE@TLS.TEST,Ann\nbob@tls.test,Bob\n"
	    "ann.lee@tls.test,ann\n");
	run("case", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(r.s.duplicates, 1);
	CHECK_STR(r.dups.data, "4<2:ann.lee@tls.test>ANN.LEE@tls.test;");
	m = members("case");
	CHECK_STR(m, "ANN.LEE@tls.test|Ann|{}\nbob@tls.test|Bob|{}\n");
	free(m);
	done(&r);
	free(path);

	/* A later import updates the member, keeping its first spelling. */
	path = file_s("email,name\nAnn.Lee@tls.test,Ann Lee\n");
	run("case", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 0);
	CHECK_INT(r.s.updated, 1);
	m = members("case");
	CHECK_STR(m, "ANN.LEE@tls.test|Ann Lee|{}\nbob@tls.test|Bob|{}\n");
	free(m);
	done(&r);
	free(path);
	/* An all-lower-case spelling finds the member with capitals that
	 * an earlier import wrote. */
	path = file_s("email,name\nann.lee@tls.test,A. Lee\n");
	run("case", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 0);
	CHECK_INT(r.s.updated, 1);
	CHECK_INT(count("case"), 2);
	done(&r);
	free(path);

	/* local_part_case = strict: two members. */
	store_set_case_strict(st, 1);
	path = file_s("ANN.LEE@TLS.TEST\nann.lee@tls.test\n");
	run("case-strict", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(r.s.duplicates, 0);
	CHECK_INT(count("case-strict"), 2);
	done(&r);
	free(path);
	store_set_case_strict(st, 0);
}

/* An import with no valid row makes no new list; an existing one stays. */
static void
test_empty_list(void)
{
	struct result	 r;
	char		*path;

	path = file_s("email,name\nnot-an-address,X\n,Y\n");
	run("none", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.step, 0);
	CHECK_INT(r.commit, 1);
	CHECK_INT(r.s.invalid, 2);
	CHECK_INT(count("none"), -1);
	done(&r);
	free(path);
	path = file_s("email\n");
	run("none", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.commit, 1);
	CHECK_INT(count("none"), -1);
	done(&r);
	free(path);

	simple("some", "a@x.org\n", IMPORT_LINES, 1, 0, "", NULL);
	path = file_s("email,name\nnot-an-address,X\n");
	run("some", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.commit, 0);
	CHECK_INT(count("some"), 1);
	done(&r);
	free(path);
}

/* Append utf8 converted to code to b. */
static void
add_enc(struct buf *b, const char *utf8, const char *code)
{
	iconv_t		 cd;
	char		*in = (char *)utf8, *out;
	size_t		 inleft = strlen(utf8), outleft = inleft * 4 + 16;

	if ((cd = iconv_open(code, "UTF-8")) == (iconv_t)-1)
		fatal("iconv_open %s", code);
	buf_grow(b, outleft);
	out = b->data + b->len;
	if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &out, &outleft) == (size_t)-1)
		fatal("iconv %s: %s", code, strerror(errno));
	iconv_close(cd);
	b->len = (size_t)(out - b->data);
}

/* Write utf8 converted to code (with bom before it) to a new file. */
static char *
file_enc(const char *utf8, const char *code, const char *bom, size_t bomlen)
{
	struct buf	 b;
	char		*path;

	buf_init(&b);
	buf_add(&b, bom, bomlen);
	add_enc(&b, utf8, code);
	path = file_n(b.data, b.len);
	buf_free(&b);
	return (path);
}

#define JP_LIST								\
	"email,name\n"							\
	"yamada@tls.test,山田太郎\n"					\
	"ANN.LEE@TLS.TEST,リー・アン\n"				\
	"sato@tls.test,佐藤花子\n"					\
	"ann.lee@tls.test,李安\n"
#define JP_MEMBERS							\
	"ANN.LEE@tls.test|リー・アン|{}\n"				\
	"sato@tls.test|佐藤花子|{}\n"					\
	"yamada@tls.test|山田太郎|{}\n"

/* Import path in enc into list: the Japanese list, every row kept. */
static void
check_jp(const char *list, const char *path, enum import_encoding enc,
    enum import_encoding want)
{
	struct result	 r;
	char		*m;

	run_enc(list, path, IMPORT_AUTO, enc, 0, 1, &r);
	CHECK(r.opened);
	if (r.cause != NULL)
		fprintf(stderr, "%s: %s\n", list, r.cause);
	CHECK_STR(import_encoding_name(r.enc), import_encoding_name(want));
	CHECK_INT(r.step, 0);
	CHECK_INT(r.s.rows, 4);
	CHECK_INT(r.s.imported, 3);
	CHECK_INT(r.s.invalid, 0);
	CHECK_STR(r.dups.data, "5<3:ann.lee@tls.test>ANN.LEE@tls.test;");
	m = members(list);
	CHECK_STR(m, JP_MEMBERS);
	free(m);
	done(&r);
}

/* Refused without --encoding, naming the one to use; no list made. */
static void
check_refused(const char *list, const char *path, const char *why)
{
	struct result	 r;

	run(list, path, IMPORT_AUTO, 0, 1, &r);
	CHECK(!r.opened);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	if (r.cause == NULL || strstr(r.cause, why) == NULL)
		fprintf(stderr, "%s: cause %s\n", list, r.cause);
	CHECK(r.cause != NULL && strstr(r.cause, why) != NULL);
	CHECK_INT(count(list), -1);
	done(&r);
}

/* Files in the encodings address lists come in. */
static void
test_encodings(void)
{
	struct result	 r;
	struct buf	 b, raw;
	char		*path, *m;
	size_t		 i;

	path = file_enc(JP_LIST, "CP932", "", 0);
	check_refused("sjis-auto", path, "is not UTF-8 (line 2): this file "
	    "looks like Shift-JIS (CP932); use --encoding cp932");
	check_jp("sjis", path, IMPORT_ENC_CP932, IMPORT_ENC_CP932);
	free(path);

	path = file_enc(JP_LIST, "EUC-JP", "", 0);
	check_refused("euc-auto", path, "looks like EUC-JP; use --encoding "
	    "euc-jp");
	check_jp("euc", path, IMPORT_ENC_EUCJP, IMPORT_ENC_EUCJP);
	free(path);

	/* Escape sequences and byte order marks say what a file is. */
	path = file_enc(JP_LIST, "ISO-2022-JP", "", 0);
	check_jp("jis-auto", path, IMPORT_ENC_AUTO, IMPORT_ENC_ISO2022JP);
	check_jp("jis", path, IMPORT_ENC_ISO2022JP, IMPORT_ENC_ISO2022JP);
	free(path);
	path = file_enc(JP_LIST, "UTF-16LE", "\xff\xfe", 2);
	check_jp("u16le", path, IMPORT_ENC_AUTO, IMPORT_ENC_UTF16);
	free(path);
	path = file_enc(JP_LIST, "UTF-16BE", "\xfe\xff", 2);
	check_jp("u16be", path, IMPORT_ENC_UTF16, IMPORT_ENC_UTF16);
	free(path);
	path = file_enc(JP_LIST, "UTF-16LE", "", 0);
	check_refused("u16le-nobom-auto", path, "looks like UTF-16 without a "
	    "byte order mark: use --encoding utf-16");
	check_jp("u16le-nobom", path, IMPORT_ENC_UTF16, IMPORT_ENC_UTF16);
	free(path);

	/* Latin-1 (Windows-1252): converted when asked; else each row is
	 * invalid, with a hint. */
	path = file_enc("email,name\nm@x.org,Müller\nr@x.org,Renée “R”\n",
	    "CP1252", "", 0);
	run_enc("latin", path, IMPORT_AUTO, IMPORT_ENC_LATIN1, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	m = members("latin");
	CHECK_STR(m, "m@x.org|Müller|{}\nr@x.org|Renée “R”|{}\n");
	free(m);
	done(&r);
	run("latin-auto", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.invalid, 2);
	CHECK_STR(r.errors.data, "2:invalid UTF-8 at byte 10;"
	    "3:invalid UTF-8 at byte 12;");
	CHECK_STR(r.hint, "Latin-1 (Windows-1252); use --encoding latin1");
	done(&r);
	free(path);

	/* A Shift-JIS row in a UTF-8 file: invalid, with a hint. */
	simple("mixed", "email,name\na@x.org,山田\nb@x.org,\x8e\x52\x93\x63\n",
	    IMPORT_CSV, 1, 1, "3:invalid UTF-8 at byte 9;", NULL);
	path = file_s("email,name\na@x.org,山田\nb@x.org,\x8e\x52\x93\x63\n");
	run("mixed2", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_STR(r.hint, "Shift-JIS (CP932); use --encoding cp932");
	done(&r);
	free(path);

	/* Bytes not valid in the encoding given: that row, by its line. */
	path = file_s("email,name\na@x.org,\x8e\x52\nb@x.org,\x85\x40\n"
	    "c@x.org,\x82\nd@x.org,\x93\x63\n");
	run_enc("bad932", path, IMPORT_AUTO, IMPORT_ENC_CP932, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	CHECK_STR(r.errors.data, "3:not valid cp932 at character 9;"
	    "4:not valid cp932 at character 9;");
	done(&r);
	free(path);

	/* ISO-2022-JP left in a JIS set at a newline spoils that line only. */
	path = file_s("email,name\nx@x.org,\x1b$B;3ED\nb@x.org,B\n");
	run_enc("jis-open", path, IMPORT_AUTO, IMPORT_ENC_ISO2022JP, 0, 1, &r);
	CHECK_INT(r.s.imported, 2);
	m = members("jis-open");
	CHECK_STR(m, "b@x.org|B|{}\nx@x.org|山田|{}\n");
	free(m);
	done(&r);
	free(path);

	/* Streaming: characters cut by every read boundary, line numbers
	 * exact after 600 KB of conversion. */
	buf_init(&b);
	buf_adds(&b, "email,name\n");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "u%zu@x.org,山田太郎%zu\n", i, i);
	buf_adds(&b, "bad@x.org,");
	buf_init(&raw);
	buf_add(&raw, "\xff\xfe", 2);
	add_enc(&raw, b.data, "UTF-16LE");
	buf_add(&raw, "\x00\xd8\n\0", 4);	/* a lone surrogate */
	add_enc(&raw, "last@x.org,佐藤\n", "UTF-16LE");
	path = file_n(raw.data, raw.len);
	buf_free(&raw);
	run("u16-big", path, IMPORT_AUTO, 0, 1, &r);
	CHECK_INT(r.s.imported, 20001);
	CHECK_INT(r.s.invalid, 1);
	CHECK_STR(r.errors.data, "20002:not valid utf-16 at character 11;");
	CHECK(r.done == r.total && r.total > 600000);
	done(&r);
	free(path);
	buf_free(&b);
}

/* Strict mode fails on the first invalid row; no commit leaves the list
 * as it was. */
static void
test_transaction(void)
{
	struct result	 r;
	char		*path, *before, *after;

	simple("tx", "a@x.org\nb@x.org\n", IMPORT_LINES, 2, 0, "", NULL);
	before = members("tx");

	path = file_s("c@x.org\nd@x.org\nbad\ne@x.org\n");
	run("tx", path, IMPORT_AUTO, 1, 1, &r);
	CHECK_INT(r.step, -1);
	CHECK_INT(r.exitcode, EXIT_DATAERR);
	CHECK_STR(r.cause, "line 3: missing @");
	CHECK_INT(count("tx"), 2);
	done(&r);
	/* Strict into a new list: not even the list remains. */
	run("tx-new", path, IMPORT_AUTO, 1, 1, &r);
	CHECK_INT(r.step, -1);
	CHECK_INT(count("tx-new"), -1);
	done(&r);
	free(path);

	/* A good import freed without commit is rolled back. */
	path = file_s("c@x.org\nd@x.org\na@x.org,Changed\n");
	run("tx", path, IMPORT_CSV, 0, 0, &r);
	CHECK_INT(r.step, 0);
	CHECK_INT(r.s.imported, 2);
	CHECK_INT(count("tx"), 2);
	after = members("tx");
	CHECK_STR(after, before);
	free(after);
	done(&r);
	free(path);
	free(before);
}

/* Explicit formats, stepping, the error list's limit. */
static void
test_api(void)
{
	struct import_options	 o = { .format = IMPORT_CSV };
	struct importer		*imp;
	struct buf		 b;
	char			*path, *cause = NULL;
	int			 ec = 0, steps = 0, r;
	off_t			 d, t;

	CHECK_STR(import_format_name(IMPORT_AUTO), "auto");
	CHECK_STR(import_format_name(IMPORT_CSV), "csv");
	CHECK_STR(import_format_name(IMPORT_TSV), "tsv");
	CHECK_STR(import_format_name(IMPORT_LINES), "lines");

	path = file_s("\"Doe, Jane\" <j@x.org>\nx\ny\nz\nk@x.org\n");
	imp = import_open(st, "api", path, &o, &cause, &ec);
	CHECK(imp != NULL);
	CHECK_INT(import_format(imp), IMPORT_CSV);
	while ((r = import_step(imp, 1, &cause, &ec)) == 1)
		steps++;
	CHECK_INT(r, 0);
	CHECK_INT(steps, 5);
	CHECK_INT(import_stats(imp)->invalid, 3);
	buf_init(&b);
	buf_adds(&b, "");
	CHECK_INT(import_errors(imp, 2, collect_error, &b), 0);
	CHECK_STR(b.data, "2:no address in row;3:no address in row;");
	buf_reset(&b);
	buf_adds(&b, "");
	CHECK_INT(import_errors(imp, 0, collect_error, &b), 0);
	CHECK_STR(b.data, "2:no address in row;3:no address in row;"
	    "4:no address in row;");
	buf_free(&b);
	import_progress(imp, &d, &t);
	CHECK_INT(d, t);
	CHECK_INT(import_commit(imp, &cause), 0);
	import_free(imp);
	free(path);
	path = members("api");
	CHECK_STR(path, "j@x.org|Doe, Jane|{}\nk@x.org||{}\n");
	free(path);
}

/* Reading stdin from a pipe: no size known, same result. */
static void
test_pipe(void)
{
	struct result	 r;
	int		 p[2], saved;
	pid_t		 pid;
	size_t		 i;
	char		 line[64];

	if (pipe(p) != 0)
		fatal("pipe");
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (i = 0; i < 20000; i++) {
			snprintf(line, sizeof line, "p%zu@x.org,P %zu\n", i, i);
			if (write(p[1], line, strlen(line)) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	saved = dup(STDIN_FILENO);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	run("pipe", "-", IMPORT_AUTO, 0, 1, &r);
	dup2(saved, STDIN_FILENO);
	close(saved);
	waitpid(pid, NULL, 0);
	CHECK_INT(r.step, 0);
	CHECK_INT(r.format, IMPORT_CSV);
	CHECK_INT(r.s.imported, 20000);
	CHECK_INT(r.total, 0);
	CHECK(r.done > 0);
	done(&r);
}

static volatile sig_atomic_t alarmed;

/* SIGALRM: note it (installed without SA_RESTART). */
static void
on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* A signal while waiting on a pipe returns control to the caller. */
static void
test_interrupt(void)
{
	struct importer		*imp;
	struct sigaction	 sa;
	struct itimerval	 it;
	char			 line[64], *cause = NULL;
	int			 p[2], saved, ec = 0, r;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	if (pipe(p) != 0)
		fatal("pipe");
	for (i = 0; i < 1000; i++) {
		snprintf(line, sizeof line, "i%zu@x.org\n", i);
		if (write(p[1], line, strlen(line)) < 0)
			fatal("write");
	}
	saved = dup(STDIN_FILENO);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	imp = import_open(st, "intr", "-", NULL, &cause, &ec);
	CHECK(imp != NULL);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 100000;
	setitimer(ITIMER_REAL, &it, NULL);
	r = import_step(imp, 1000000, &cause, &ec);
	CHECK_INT(r, 1);
	CHECK(alarmed);
	CHECK_INT(import_stats(imp)->imported, 1000);
	close(p[1]);
	while ((r = import_step(imp, 1000, &cause, &ec)) == 1)
		/* nothing */;
	CHECK_INT(r, 0);
	CHECK_INT(import_stats(imp)->imported, 1000);
	import_free(imp);
	CHECK_INT(count("intr"), -1);
	dup2(saved, STDIN_FILENO);
	close(saved);
	signal(SIGALRM, SIG_DFL);
}

int
main(void)
{
	char	*path, *cause = NULL, *cmd;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	path = xprintf("%s/db/herald.db", dir);
	if (store_open(path, &st, &cause) != 0)
		fatal("store_open: %s", cause);
	free(path);

	test_csv();
	test_tsv();
	test_lines();
	test_framing();
	test_long();
	test_bad_input();
	test_counts();
	test_case();
	test_empty_list();
	test_encodings();
	test_transaction();
	test_api();
	test_pipe();
	test_interrupt();

	store_close(st);
	cmd = xprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	TEST_END();
}
