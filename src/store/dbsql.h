/* The SQL of db/, compiled into the binary by db/embed.sh. */
#ifndef HERALD_DBSQL_H
#define HERALD_DBSQL_H

struct db_migration {
	int		 version;	/* upgrades version-1 to version */
	const char	*name;
	const char	*sql;
};

/* The complete current schema, for a new database. */
extern const char db_schema_sql[];
/* Migrations in ascending order, ended by version 0. */
extern const struct db_migration db_migrations[];

#endif
