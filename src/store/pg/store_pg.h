/*
 * store_pg.h — opening the PostgreSQL backend of the store contract (store.h) directly
 * (issue 14; IN PROGRESS: operations not yet built answer STORE_UNAVAILABLE, see the functions
 * marked NOT BUILT in store_pg_<area>.c and docs/operations.md).
 *
 * What it is not: the contract. Everything above the store opens a store by URL (store_open,
 * "postgresql:///ichigen?host=/run/ichigen-pg&user=ichigen") so nothing above names a backend.
 * Who calls it: store.c (store_open's postgresql: branch) and this backend's own tests.
 */
#ifndef STORE_PG_STORE_PG_H
#define STORE_PG_STORE_PG_H

#include "../store.h"

struct store_pg_options {
    const char *url;      /* postgresql://… or postgres://…, never with a password */
    int pool_size;        /* pooled read connections (one more is the writer's); 0 = 8 */
    int commit_batch_max; /* most writes one group commit may carry; 0 = 512 */
    bool as_is;           /* do not migrate (store_options.as_is) */
};

/* Checks a store URL for this backend without connecting: a libpq connection URI
 * (PostgreSQL 15 §34.1.1.2) that carries no password (a URL is printed and logged; libpq reads
 * a password from PGPASSFILE, §34.16). STORE_OK, or STORE_UNAVAILABLE with e set; the message
 * never repeats the URL. */
int store_pg_url_check(const char *url, struct err *e);

/* Connects, migrates (src/store/pg/migrations/, once across every node starting at once) and
 * opens the pool. NULL with e set on failure; e never carries the URL. */
struct store *store_pg_open(const struct store_pg_options *o, struct err *e);

/* The schema version this binary migrates a PostgreSQL database to: the newest file of
 * src/store/pg/migrations/ (the same numbering as SQLite's). */
int store_pg_schema_version(void);

#endif
