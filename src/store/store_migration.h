/*
 * store_migration.h — one schema migration of a store backend, as the build embeds it.
 *
 * Each backend keeps its migrations as SQL files, src/store/<backend>/migrations/NNNN_name.sql
 * (one per schema version, never edited once shipped; a change is a new file), and
 * scripts/embed_sql.py turns them into a table of these at build time, refusing gaps and
 * duplicates, so a backend reads its schema from one sorted list: entry i has version i + 1.
 * Only store backends include this header.
 */
#ifndef STORE_STORE_MIGRATION_H
#define STORE_STORE_MIGRATION_H

#include <stddef.h>

struct store_migration {
    int version;      /* NNNN of the file name: 1, 2, 3 … */
    const char *name; /* the file name's short_name, for logs */
    const char *sql;  /* the file's SQL (comments dropped), applied in one transaction */
};

/* The SQLite backend's migrations, in version order (generated from src/store/sqlite/migrations/).
 */
extern const struct store_migration sq_migrations[];
extern const size_t sq_migrations_count;

/* The PostgreSQL backend's (generated from src/store/pg/migrations/, numbered as SQLite's). */
extern const struct store_migration pg_migrations[];
extern const size_t pg_migrations_count;

#endif
