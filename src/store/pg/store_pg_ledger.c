/*
 * store_pg_ledger.c — the obligation ledger in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_ledger.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_obligations_list(struct store *s, const char *incident_id, struct obligation_list *out)
{
    UNUSED(s);
    UNUSED(incident_id);
    UNUSED(out);
    return pg_not_built("obligations_list");
}

/* NOT BUILT (issue 14): only a version written without obligations (w->ledger NULL) passes,
 * with every count zero; one with obligations answers STORE_UNAVAILABLE until the ledger is
 * ported from store_sqlite_ledger.c (sq_ledger_apply). */
int pg_ledger_apply(struct pg_store *s, struct pg_conn *w, const struct report_write *w_,
                    int version, enum ledger_trigger trigger, int counts[LEDGER_REINSTATE + 1])
{
    UNUSED(s);
    UNUSED(w);
    UNUSED(version);
    UNUSED(trigger);
    memset(counts, 0, sizeof(int) * (LEDGER_REINSTATE + 1));
    return w_->ledger ? pg_not_built("ledger_apply") : STORE_OK;
}
