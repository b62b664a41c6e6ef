/*
 * db_sql - the SQL files of sql/, compiled into the tools.
 *
 * The definitions are generated at build time by sql/embed.sh from
 * sql/schema.sql and sql/NNN-*.sql (see the Makefile), so a fresh install
 * or a test needs no schema file on disk.
 *
 * Thread safety: constant data.
 */
#ifndef DMARC_COMMON_DB_SQL_H
#define DMARC_COMMON_DB_SQL_H

/* one numbered migration, sql/NNN-name.sql */
struct db_sql_migration {
    const char *name; /* file name; NULL ends the table */
    int version;      /* NNN: the schema version it leads to */
    const char *sql;  /* its statements */
};

/* db_sql_schema - sql/schema.sql: the current schema in full */
extern const char db_sql_schema[];

/* db_sql_migrations - the migrations in ascending version order */
extern const struct db_sql_migration db_sql_migrations[];

#endif
