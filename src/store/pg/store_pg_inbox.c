/*
 * store_pg_inbox.c — the receiving side's inbox and requests (issue 10 item 7) in PostgreSQL (issue
 * 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_inbox.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_inbox_list(struct store *s, const struct inbox_filter *f, struct inbox_page *out)
{
    UNUSED(s);
    UNUSED(f);
    UNUSED(out);
    return pg_not_built("inbox_list");
}

/* NOT BUILT (issue 14) */
int pg_request_create(struct store *s, const struct request_rec *r, const char *note)
{
    UNUSED(s);
    UNUSED(r);
    UNUSED(note);
    return pg_not_built("request_create");
}

/* NOT BUILT (issue 14) */
int pg_request_get(struct store *s, const char *id, struct request_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    return pg_not_built("request_get");
}

/* NOT BUILT (issue 14) */
int pg_requests_list(struct store *s, const struct request_filter *f, struct request_list *out)
{
    UNUSED(s);
    UNUSED(f);
    UNUSED(out);
    return pg_not_built("requests_list");
}
