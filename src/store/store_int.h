/*
 * Inside the store module: what its files (store.c, store_*.c) share.
 * Nothing outside src/store includes this.
 */
#ifndef HERALD_STORE_INT_H
#define HERALD_STORE_INT_H

#include <stdint.h>

#include <sqlite3.h>

struct store;

/* The open connection. */
sqlite3		*store_db(struct store *);
/* Set *cause to "PATH: what: SQLite's message"; returns -1. */
int		 store_error(struct store *, char **cause, const char *what);
/* Run SQL that returns no rows. */
int		 store_exec(struct store *, const char *sql, char **cause);
/* Prepare, or NULL with *cause. */
sqlite3_stmt	*store_prepare(struct store *, const char *sql, char **cause);
/* A statement kept prepared for the connection, found by the address of
 * its constant SQL; reset it after use, never finalize it. */
#define STORE_CACHE_MAX	32
sqlite3_stmt	*store_cached(struct store *, const char *sql, char **cause);
/* Step a kept statement that returns no rows, then reset it. */
int		 store_run_kept(struct store *, sqlite3_stmt *, char **cause);
/*
 * A query of one row at most, prepared and bound by the caller: stepped,
 * its row given to fn (NULL: nothing to read), finalized. 0 for a row (or
 * -1 with *cause from fn), 1 when there is none, -1 with *cause ("PATH:
 * what: SQLite's message").
 */
typedef int (*store_row_fn)(struct store *, sqlite3_stmt *, void *arg,
		    char **cause);
int		 store_one(struct store *, sqlite3_stmt *, store_row_fn,
		    void *arg, const char *what, char **cause);
/* The same, reading column 0 as an integer or an allocated string (*out
 * left alone when there is no row). */
int		 store_one_int(struct store *, sqlite3_stmt *, int64_t *out,
		    const char *what, char **cause);
int		 store_one_text(struct store *, sqlite3_stmt *, char **out,
		    const char *what, char **cause);
/* One integer from a query without parameters (0 when no row). */
int		 store_int(struct store *, const char *sql, int64_t *out,
		    char **cause);
/* Step a statement that returns no rows, then finalize it. */
int		 store_run(struct store *, sqlite3_stmt *, char **cause);
/* A column as a string, "" for NULL. */
const char	*store_text(sqlite3_stmt *, int col);

/*
 * A parsed audience filter (src/audience/filter_types.h) as an SQL
 * condition over the contacts row aliased c (store_filter.c): sql uses
 * the placeholders ?first, ?first+1, ...; every value and attribute name
 * is one of them, never part of the text. store_filter_bind binds them to
 * a statement prepared from SQL holding sql.
 */
struct filter;
struct filter_param {
	char	*text;		/* bound as text, unless is_num */
	double	 num;
	int	 is_num;
};
struct filter_sql {
	char			*sql;
	struct filter_param	*params;
	size_t			 nparams;
	int			 first;
};
void		 store_filter_sql(const struct filter *, int first,
		    struct filter_sql *);
void		 store_filter_bind(sqlite3_stmt *, const struct filter_sql *);
void		 store_filter_sql_free(struct filter_sql *);
/* Register the SQL functions the filters use (store_open). */
int		 store_filter_functions(sqlite3 *);

/* Give each row of a members query (addr, name, attrs, suppressed) to
 * cb, then finalize it (store_lists.c). */
struct contact;
int		 store_contacts_walk(struct store *, sqlite3_stmt *,
		    int (*cb)(const struct contact *, void *), void *arg,
		    char **cause);
/*
 * The members a send goes to (store_contacts_to_send): ?1 the list, ?2
 * case_strict; more conditions may follow with AND. "Written first":
 * added earlier, else by an earlier import line. The index is named, as
 * for ST_CONTACT_LOOKUP_LC.
 */
#define CONTACTS_TO_SEND_SQL						\
	"SELECT c.addr, c.name, c.attrs,"				\
	" EXISTS (SELECT 1 FROM suppressions s"				\
	"  WHERE s.addr_lc = lower(c.addr))"				\
	" FROM contacts c WHERE c.list_id = ?1 AND (?2"			\
	" OR (NOT EXISTS (SELECT 1 FROM contacts d"			\
	"  INDEXED BY contacts_addr_lc"					\
	"  WHERE d.list_id = ?1 AND lower(d.addr) = lower(c.addr)"	\
	"  AND d.caps = 1"						\
	"  AND (d.added_at, d.import_id, d.line, d.addr) <"		\
	"  (c.added_at, c.import_id, c.line, c.addr))"			\
	" AND NOT EXISTS (SELECT 1 FROM contacts d"			\
	"  WHERE d.list_id = ?1 AND d.addr = lower(c.addr)"		\
	"  AND (d.added_at, d.import_id, d.line, d.addr) <"		\
	"  (c.added_at, c.import_id, c.line, c.addr))))"

/* The statements of the import path (store_lists.c), prepared when the
 * store opens. */
/* Statements on the import path, prepared once. */
enum store_stmt {
	ST_CONTACT_INSERT,
	ST_CONTACT_LOOKUP,
	ST_CONTACT_LOOKUP_LC,
	ST_CONTACT_UPDATE,
	ST_SUPPRESSED,
	ST_COUNT
};
extern const char *const store_stmt_sql[ST_COUNT];

/* The connection and what its files keep with it. */
struct store {
	sqlite3		*db;
	char		*path;
	int		 version;
	int		 bulk;		/* foreign keys off for this transaction */
	sqlite3_stmt	*stmt[ST_COUNT];
	int		 case_strict;	/* local parts differ by case */
	/* The list an import writes, and whether it may hold an address
	 * with capitals: without one, an all-lower-case address has no
	 * other spelling to look up. */
	int64_t		 import_list;
	int		 import_caps;
	/* Statements run on every engine turn, prepared once (store_cached):
	 * parsing them anew each turn cost more than running them. */
	struct {
		const char	*sql;
		sqlite3_stmt	*s;
	} cache[STORE_CACHE_MAX];
	int		 ncache;
};

#endif
