/*
 * store.c — the backend-neutral part of the store (store.h): which backend a store URL names.
 *
 * Why URLs: one setting (store_url) says where the data lives whatever the backend, so the
 * CLI, the server and the tests open a store without knowing its kind; the PostgreSQL backend
 * (issue 14) adds a branch here and nothing above. A URL never carries a password (libpq reads
 * one from PGPASSFILE), so it may be printed and logged; one that does is refused.
 */
#include "store.h"

struct store *store_open(const struct store_options *o, struct err *e)
{
    const char *url = o->url ? o->url : "";
    size_t scheme = strcspn(url, ":");
    if (!strncmp(url, "sqlite:", 7)) {
        const char *path = url + 7;
        if (!strncmp(path, "//", 2)) /* sqlite:///abs/path, as other tools write it */
            path += 2;
        if (!*path) {
            err_set(e, STORE_UNAVAILABLE, "store_url: sqlite: needs a file path (sqlite:PATH)");
            return NULL;
        }
        struct store_sqlite_options so = {.path = path,
                                          .read_pool_size = o->read_pool_size,
                                          .commit_batch_max = o->commit_batch_max};
        return store_sqlite_open(&so, e);
    }
    if (!strncmp(url, "postgresql:", 11) || !strncmp(url, "postgres:", 9)) {
        err_set(e, STORE_UNAVAILABLE,
                "store_url: the PostgreSQL backend is not built yet; use sqlite:PATH");
        return NULL;
    }
    /* only the scheme is echoed: whatever follows could hold credentials */
    err_set(e, STORE_UNAVAILABLE, "store_url: unknown kind of store \"%.*s\" (use sqlite:PATH)",
            (int)MIN(scheme, 40), url);
    return NULL;
}
