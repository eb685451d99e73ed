/*
 * store_sqlite_ledger.c — the obligation ledger in SQLite: applying a reconciliation inside the
 * transaction that writes a report version, and listing an incident's obligations with their
 * history. The decisions, including which changes a submission may make, are rules_reconcile's
 * (pure); this file writes every action it returns and nothing else, with the decision and
 * withdrawal texts rules/ gives (rules_ledger_decision, rules_ledger_withdraw_reason).
 */
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../../core/buf.h"

static void bind_due(sqlite3_stmt *st, int i, const struct rules_result *r)
{
    sq_bind_text(st, i, rules_due_state_name(r->due_state));
    if (r->due_state == DUE_SET)
        sqlite3_bind_int64(st, i + 1, r->due_ms);
    else
        sqlite3_bind_null(st, i + 1);
}

static int load_rows(struct sq_store *s, const char *incident, struct ledger_row **rows, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_OB_ROWS);
    size_t cap = 0;
    int rc;
    *rows = NULL;
    *n = 0;
    sq_bind_text(st, 1, incident);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof(**rows));
        }
        struct ledger_row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof(*r));
        sq_col_copy(st, 0, r->id, sizeof(r->id));
        sq_col_copy(st, 1, r->rule_id, sizeof(r->rule_id));
        sq_col_copy(st, 2, r->stage_id, sizeof(r->stage_id));
        r->withdrawn = !strcmp((const char *)sqlite3_column_text(st, 3), "withdrawn");
        r->due_state = store_due_state_parse((const char *)sqlite3_column_text(st, 4));
        r->due_ms = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* The ledger row's key is the obligation's rowid (seq), kept as text in ledger_row.id. */
static int64_t seq_of(const struct ledger_row *row)
{
    return strtoll(row->id, NULL, 10);
}

static int event(struct sq_store *s, const struct ledger_row *row, const struct report_write *w,
                 int version, enum ledger_op op, const struct rules_result *r)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_OB_EVENT);
    const struct ledger_row *old = row;
    sqlite3_bind_int64(st, 1, seq_of(row));
    sqlite3_bind_int64(st, 2, w->now_ms);
    sqlite3_bind_int(st, 3, version);
    sq_bind_text(st, 4, rules_ledger_op_name(op));
    if (old) {
        sq_bind_text(st, 5, rules_due_state_name((enum rules_due_state)old->due_state));
        if (old->due_state == DUE_SET)
            sqlite3_bind_int64(st, 6, old->due_ms);
    }
    if (r)
        bind_due(st, 7, r);
    return sq_result(sqlite3_step(st));
}

static int create(struct sq_store *s, const struct report_write *w, int version, int i)
{
    const struct rules_result *r = &w->ledger->ev->v[i];
    char id[UUID_STR_LEN];
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_OB_INSERT);
    uuid_v7_new(id);
    sq_bind_text(st, 1, id);
    sq_bind_text(st, 2, w->id);
    sq_bind_text(st, 3, rules_rule_id(r->rule));
    sq_bind_text(st, 4, rules_stage_id(r->stage));
    sq_bind_text(st, 5, rules_recipient_id(r->rule));
    sq_bind_text(st, 6, rules_regime(r->rule));
    bind_due(st, 7, r);
    sq_bind_text(st, 9, rules_due_kind(r->stage));
    sqlite3_bind_int(st, 10, rules_mandatory(r->rule));
    sqlite3_bind_int64(st, 11, w->now_ms);
    sqlite3_bind_int(st, 12, version);
    char decision[RULES_DECISION_MAX];
    rules_ledger_decision(r, decision, sizeof(decision));
    sq_bind_text(st, 13, decision);
    sq_bind_text(st, 14, w->ledger->rules_version);
    return sq_result(sqlite3_step(st)); /* creation is the row itself, not a history entry */
}

static int update(struct sq_store *s, const struct report_write *w, int version,
                  const struct ledger_action *a, const struct ledger_row *row)
{
    const struct rules_result *r = &w->ledger->ev->v[a->result];
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_OB_UPDATE);
    sqlite3_bind_int64(st, 1, seq_of(row));
    bind_due(st, 2, r);
    sqlite3_bind_int(st, 4, version);
    char decision[RULES_DECISION_MAX];
    rules_ledger_decision(r, decision, sizeof(decision));
    sq_bind_text(st, 5, decision);
    sq_bind_text(st, 6, w->ledger->rules_version);
    sqlite3_bind_int64(st, 7, w->now_ms);
    int rc = sq_result(sqlite3_step(st));
    if (rc || a->op == LEDGER_KEEP)
        return rc;
    return event(s, row, w, version, a->op, r);
}

/* A withdrawal, with the reason rules_ledger_withdraw_reason gives. */
static int withdraw(struct sq_store *s, const struct report_write *w, int version,
                    const struct ledger_action *a, const struct ledger_row *row)
{
    struct buf reason;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_OB_WITHDRAW);
    buf_init(&reason, BUF_UNLIMITED);
    rules_ledger_withdraw_reason(a, version, w->ledger->rules_version, &reason);
    sqlite3_bind_int64(st, 1, seq_of(row));
    sqlite3_bind_int64(st, 2, w->now_ms);
    sq_bind_text(st, 3, buf_cstr(&reason));
    sqlite3_bind_int(st, 4, version);
    sq_bind_text(st, 5, w->ledger->rules_version);
    int rc = sq_result(sqlite3_step(st));
    buf_release(&reason);
    return rc ? rc : event(s, row, w, version, LEDGER_WITHDRAW, NULL);
}

int sq_ledger_apply(struct sq_store *s, const struct report_write *w, int version,
                    enum ledger_trigger trigger, int counts[LEDGER_REINSTATE + 1])
{
    struct ledger_row *rows = NULL;
    struct ledger_action *acts = NULL;
    size_t nrows, nacts;
    int rc;
    memset(counts, 0, (LEDGER_REINSTATE + 1) * sizeof(*counts));
    if (!w->ledger)
        return STORE_OK;
    if ((rc = load_rows(s, w->id, &rows, &nrows)))
        goto out;
    /* every action is written as it is: which ones there are is rules_reconcile's decision */
    nacts = rules_reconcile(rows, nrows, w->ledger->ev, trigger, &acts);
    for (size_t i = 0; i < nacts && !rc; i++) {
        const struct ledger_action *a = &acts[i];
        counts[a->op]++;
        if (a->op == LEDGER_CREATE)
            rc = create(s, w, version, a->result);
        else if (a->op == LEDGER_WITHDRAW)
            rc = withdraw(s, w, version, a, &rows[a->row]);
        else
            rc = update(s, w, version, a, &rows[a->row]);
    }
out:
    free(rows);
    free(acts);
    return rc;
}

/* ---- listing ---- */

static void read_ob(sqlite3_stmt *st, struct obligation_rec *o)
{
    char state[16], due[28];
    memset(o, 0, sizeof(*o));
    sq_col_copy(st, 0, o->id, sizeof(o->id));
    sq_col_copy(st, 1, o->rule_id, sizeof(o->rule_id));
    sq_col_copy(st, 2, o->stage_id, sizeof(o->stage_id));
    sq_col_copy(st, 3, o->recipient_id, sizeof(o->recipient_id));
    sq_col_copy(st, 4, o->regime, sizeof(o->regime));
    sq_col_copy(st, 5, state, sizeof(state));
    o->withdrawn = !strcmp(state, "withdrawn");
    sq_col_copy(st, 6, due, sizeof(due));
    o->due_state = store_due_state_parse(due);
    o->due_ms = sqlite3_column_int64(st, 7);
    sq_col_copy(st, 8, o->kind, sizeof(o->kind));
    o->mandatory = sqlite3_column_int(st, 9) != 0;
    o->became_applicable_at = sqlite3_column_int64(st, 10);
    o->withdrawn_at = sqlite3_column_int64(st, 11);
    o->updated_at = sqlite3_column_int64(st, 12);
    o->first_version = sqlite3_column_int(st, 13);
    o->last_version = sqlite3_column_int(st, 14);
    sq_col_copy(st, 15, o->rules_version, sizeof(o->rules_version));
    o->explanation = sq_col_dup(st, 16);
    o->withdrawn_reason = sq_col_dup(st, 17);
    o->seq = sqlite3_column_int64(st, 18);
    o->met_at = sqlite3_column_int64(st, 19);
    sq_col_copy(st, 20, o->met_submission, sizeof(o->met_submission));
    sq_col_copy(st, 21, o->live_submission, sizeof(o->live_submission));
    o->submitted_at = sqlite3_column_int64(st, 22);
    o->requested = sqlite3_column_int(st, 23) != 0;
}

static void read_event(sqlite3_stmt *st, struct obligation_list *l)
{
    int64_t ob = sqlite3_column_int64(st, 0);
    for (size_t i = 0; i < l->n; i++) {
        struct obligation_rec *o = &l->items[i];
        if (o->seq != ob)
            continue;
        o->events = xrealloc(o->events, (o->nevents + 1) * sizeof(*o->events));
        struct obligation_event *e = &o->events[o->nevents++];
        memset(e, 0, sizeof(*e));
        e->at = sqlite3_column_int64(st, 1);
        e->version = sqlite3_column_int(st, 2);
        sq_col_copy(st, 3, e->event, sizeof(e->event));
        sq_col_copy(st, 4, e->old_due_state, sizeof(e->old_due_state));
        e->old_due_ms = sqlite3_column_int64(st, 5);
        sq_col_copy(st, 6, e->new_due_state, sizeof(e->new_due_state));
        e->new_due_ms = sqlite3_column_int64(st, 7);
        return;
    }
}

int sq_obligations_list(struct store *base, const char *incident_id, struct obligation_list *out)
{
    struct sq_store *s = (struct sq_store *)base;
    struct sq_conn *c = sq_read_get(s);
    size_t cap = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_OB_LIST);
    sq_bind_text(st, 1, incident_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        read_ob(st, &out->items[out->n++]);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        st = sq_stmt(c, SQ_OB_EVENTS);
        sq_bind_text(st, 1, incident_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            read_event(st, out);
        sqlite3_reset(st);
    }
    sq_read_put(s, c);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}
