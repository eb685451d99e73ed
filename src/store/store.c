/*
 * store.c — the backend-neutral part of the store (store.h): which backend a store URL names.
 *
 * Why URLs: one setting (store_url) says where the data lives whatever the backend, so the
 * CLI, the server and the tests open a store without knowing its kind; the PostgreSQL backend
 * (issue 14, in progress: pg/) is a branch here and nothing above. A URL never carries a password
 * (libpq reads one from PGPASSFILE), so it may be printed and logged; one that does is refused.
 */
#include "store.h"
#include "sqlite/store_sqlite.h"
#include "pg/store_pg.h"

/* The file a sqlite: URL names ("" when none), or NULL when the URL is not sqlite:. */
static const char *sqlite_path(const char *url)
{
    if (strncmp(url, "sqlite:", 7))
        return NULL;
    const char *path = url + 7;
    if (!strncmp(path, "//", 2)) /* sqlite:///abs/path, as other tools write it */
        path += 2;
    return path;
}

static bool is_postgresql(const char *url)
{
    return !strncmp(url, "postgresql:", 11) || !strncmp(url, "postgres:", 9);
}

struct store *store_open(const struct store_options *o, struct err *e)
{
    const char *url = o->url ? o->url : "";
    size_t scheme = strcspn(url, ":");
    const char *path = sqlite_path(url);
    if (path) {
        if (!*path) {
            err_set(e, STORE_UNAVAILABLE, "store_url: sqlite: needs a file path (sqlite:PATH)");
            return NULL;
        }
        struct store_sqlite_options so = {.path = path,
                                          .read_pool_size = o->read_pool_size,
                                          .commit_batch_max = o->commit_batch_max,
                                          .as_is = o->as_is};
        return store_sqlite_open(&so, e);
    }
    if (is_postgresql(url)) {
        /* read_pool_size: the same setting names the PostgreSQL backend's pool */
        struct store_pg_options po = {
            .url = url,
            .pool_size = o->read_pool_size,
            .commit_batch_max = o->commit_batch_max,
            .as_is = o->as_is};
        return store_pg_open(&po, e);
    }
    /* only the scheme is echoed: whatever follows could hold credentials */
    err_set(e, STORE_UNAVAILABLE, "store_url: unknown kind of store \"%.*s\" (use sqlite:PATH)",
            (int)MIN(scheme, 40), url);
    return NULL;
}

int store_target_schema_version(const char *url)
{
    if (url && sqlite_path(url))
        return store_sqlite_schema_version();
    if (url && is_postgresql(url))
        return store_pg_schema_version();
    return 0;
}
