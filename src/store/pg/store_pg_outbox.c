/*
 * store_pg_outbox.c — delivery: submissions through the transactional outbox (issue 5) in
 * PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_outbox.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_report_submit(struct store *s, const struct submit_write *w, int *created)
{
    UNUSED(s);
    UNUSED(w);
    UNUSED(created);
    return pg_not_built("submit");
}

/* NOT BUILT (issue 14) */
int pg_report_withdraw(struct store *s, const struct withdraw_write *w, int *notices)
{
    UNUSED(s);
    UNUSED(w);
    UNUSED(notices);
    return pg_not_built("report_withdraw");
}

/* NOT BUILT (issue 14) */
int pg_submissions_claim(struct store *s, const struct claim_request *c,
                         struct submission_list *out)
{
    UNUSED(s);
    UNUSED(c);
    UNUSED(out);
    return pg_not_built("submissions_claim");
}

/* NOT BUILT (issue 14) */
int pg_submissions_record(struct store *s, const struct delivery_result *r, size_t n)
{
    UNUSED(s);
    UNUSED(r);
    UNUSED(n);
    return pg_not_built("submissions_record");
}

/* NOT BUILT (issue 14) */
int pg_submission_fetched(struct store *s, const char *id, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("submission_fetched");
}

/* NOT BUILT (issue 14) */
int pg_submission_receipt(struct store *s, const char *id, const char *reference,
                          const char *receipt_json, bool filing, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(reference);
    UNUSED(receipt_json);
    UNUSED(filing);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("submission_receipt");
}

/* NOT BUILT (issue 14) */
int pg_submission_get(struct store *s, const char *id, struct submission_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    return pg_not_built("submission_get");
}

/* NOT BUILT (issue 14) */
int pg_submissions_list(struct store *s, const struct submission_filter *f,
                        struct submission_list *out)
{
    UNUSED(s);
    UNUSED(f);
    UNUSED(out);
    return pg_not_built("submissions_list");
}

/* NOT BUILT (issue 14) */
int pg_submission_history(struct store *s, const char *id, struct submission_rec *rec,
                          struct submission_events *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(rec);
    UNUSED(out);
    return pg_not_built("submission_history");
}

/* NOT BUILT (issue 14) */
int pg_binding_set(struct store *s, const char *recipient_id, const char *org_id, const char *actor,
                   int64_t now)
{
    UNUSED(s);
    UNUSED(recipient_id);
    UNUSED(org_id);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("binding_set");
}

/* NOT BUILT (issue 14) */
int pg_binding_list(struct store *s, struct recipient_binding **out, size_t *n)
{
    UNUSED(s);
    UNUSED(out);
    UNUSED(n);
    return pg_not_built("binding_list");
}
