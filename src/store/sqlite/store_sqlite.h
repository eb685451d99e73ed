/*
 * store_sqlite.h — opening the SQLite backend of the store contract (store.h) directly.
 *
 * What it is not: the contract. Everything above the store opens a store by URL (store_open,
 * "sqlite:PATH") and asks it its schema version through the contract (store_schema_version,
 * store_target_schema_version), so nothing above names a backend.
 * Who calls it: store.c (store_open's sqlite: branch) and the SQLite backend's own tests
 * (tests/unit/test_store_sqlite.c).
 */
#ifndef STORE_SQLITE_STORE_SQLITE_H
#define STORE_SQLITE_STORE_SQLITE_H

#include "../store.h"

struct store_sqlite_options {
    const char *path;
    int read_pool_size;
    int commit_batch_max;
    bool as_is; /* neither create nor migrate (store_options.as_is) */
};

/* Opens (creating if needed) and migrates a SQLite store. Returns NULL with e set on failure. */
struct store *store_sqlite_open(const struct store_sqlite_options *o, struct err *e);

/* The schema version this binary migrates a SQLite file to (PRAGMA user_version): the newest
 * file of src/store/sqlite/migrations/. */
int store_sqlite_schema_version(void);

#endif
