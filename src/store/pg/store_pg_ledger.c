/*
 * store_pg_ledger.c — the obligation ledger in PostgreSQL (issue 14; the semantics of
 * store_sqlite_ledger.c): applying a reconciliation inside the transaction that writes a report
 * version, and listing an incident's obligations with their history. The decisions are
 * rules_reconcile's (pure); this file writes every action it returns and nothing else, with
 * the texts rules/ gives (rules_ledger_decision, rules_ledger_withdraw_reason).
 */
#include "store_pg_int.h"
#include "../store_int.h"
#include "../../core/buf.h"

/* A result's due state and time (NULL unless set), as two parameters. */
static void p_due(struct pg_params *p, const struct rules_result *r)
{
    pg_p_text(p, rules_due_state_name(r->due_state));
    if (r->due_state == DUE_SET)
        pg_p_int(p, r->due_ms);
    else
        pg_p_text(p, NULL);
}

static int load_rows(struct pg_conn *w, const char *incident, struct ledger_row **rows, size_t *n)
{
    struct pg_params p;
    PGresult *r;
    *rows = NULL;
    *n = 0;
    pg_params_init(&p);
    pg_p_text(&p, incident);
    int rc = pg_exec(w,
                     "SELECT seq, rule_id, stage_id, state, due_state, due_at FROM obligations"
                     " WHERE incident_id = $1 ORDER BY seq",
                     &p, &r);
    if (rc)
        return rc;
    *n = (size_t)PQntuples(r);
    *rows = xcalloc(*n + 1, sizeof(**rows));
    for (size_t i = 0; i < *n; i++) {
        struct ledger_row *row = &(*rows)[i];
        char state[16], due[28];
        pg_copy(r, (int)i, 0, row->id, sizeof(row->id));
        pg_copy(r, (int)i, 1, row->rule_id, sizeof(row->rule_id));
        pg_copy(r, (int)i, 2, row->stage_id, sizeof(row->stage_id));
        pg_copy(r, (int)i, 3, state, sizeof(state));
        row->withdrawn = !strcmp(state, "withdrawn");
        pg_copy(r, (int)i, 4, due, sizeof(due));
        row->due_state = store_due_state_parse(due);
        row->due_ms = pg_int(r, (int)i, 5);
    }
    PQclear(r);
    return STORE_OK;
}

/* The ledger row's key is the obligation's seq, kept as text in ledger_row.id. */
static int64_t seq_of(const struct ledger_row *row)
{
    return strtoll(row->id, NULL, 10);
}

static int event(struct pg_conn *c, const struct ledger_row *old, const struct report_write *w,
                 int version, enum ledger_op op, const struct rules_result *r)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_int(&p, seq_of(old));
    pg_p_int(&p, w->now_ms);
    pg_p_int(&p, version);
    pg_p_text(&p, rules_ledger_op_name(op));
    pg_p_text(&p, rules_due_state_name((enum rules_due_state)old->due_state));
    if (old->due_state == DUE_SET)
        pg_p_int(&p, old->due_ms);
    else
        pg_p_text(&p, NULL);
    if (r) {
        p_due(&p, r);
    } else {
        pg_p_text(&p, NULL);
        pg_p_text(&p, NULL);
    }
    return pg_exec(c,
                   "INSERT INTO obligation_events (obligation_seq, at, version, event,"
                   " old_due_state, old_due_at, new_due_state, new_due_at)"
                   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                   &p, NULL);
}

static int create(struct pg_conn *c, const struct report_write *w, int version, int i)
{
    const struct rules_result *r = &w->ledger->ev->v[i];
    char id[UUID_STR_LEN], decision[RULES_DECISION_MAX];
    struct pg_params p;
    uuid_v7_new(id);
    rules_ledger_decision(r, decision, sizeof(decision));
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_text(&p, w->id);
    pg_p_text(&p, rules_rule_id(r->rule));
    pg_p_text(&p, rules_stage_id(r->stage));
    pg_p_text(&p, rules_recipient_id(r->rule));
    pg_p_text(&p, rules_regime(r->rule));
    p_due(&p, r);
    pg_p_text(&p, rules_due_kind(r->stage));
    pg_p_int(&p, rules_mandatory(r->rule));
    pg_p_int(&p, w->now_ms);
    pg_p_int(&p, version);
    pg_p_text(&p, decision);
    pg_p_text(&p, w->ledger->rules_version);
    /* creation is the row itself, not a history entry */
    return pg_exec(c,
                   "INSERT INTO obligations (id, incident_id, rule_id, stage_id, recipient_id,"
                   " regime, state, due_state, due_at, kind, mandatory, became_applicable_at,"
                   " first_version, last_version, explanation, rules_version, updated_at)"
                   " VALUES ($1,$2,$3,$4,$5,$6,'active',$7,$8,$9,$10,$11,$12,$12,$13,$14,$11)",
                   &p, NULL);
}

static int update(struct pg_conn *c, const struct report_write *w, int version,
                  const struct ledger_action *a, const struct ledger_row *row)
{
    const struct rules_result *r = &w->ledger->ev->v[a->result];
    char decision[RULES_DECISION_MAX];
    struct pg_params p;
    rules_ledger_decision(r, decision, sizeof(decision));
    pg_params_init(&p);
    pg_p_int(&p, seq_of(row));
    p_due(&p, r);
    pg_p_int(&p, version);
    pg_p_text(&p, decision);
    pg_p_text(&p, w->ledger->rules_version);
    pg_p_int(&p, w->now_ms);
    int rc = pg_exec(c,
                     "UPDATE obligations SET state = 'active', withdrawn_at = NULL,"
                     " withdrawn_reason = NULL, due_state = $2, due_at = $3, last_version = $4,"
                     " explanation = $5, rules_version = $6, updated_at = $7 WHERE seq = $1",
                     &p, NULL);
    if (rc || a->op == LEDGER_KEEP)
        return rc;
    return event(c, row, w, version, a->op, r);
}

/* A withdrawal, with the reason rules_ledger_withdraw_reason gives. */
static int withdraw(struct pg_conn *c, const struct report_write *w, int version,
                    const struct ledger_action *a, const struct ledger_row *row)
{
    struct buf reason;
    struct pg_params p;
    buf_init(&reason, BUF_UNLIMITED);
    rules_ledger_withdraw_reason(a, version, w->ledger->rules_version, &reason);
    pg_params_init(&p);
    pg_p_int(&p, seq_of(row));
    pg_p_int(&p, w->now_ms);
    pg_p_text(&p, buf_cstr(&reason));
    pg_p_int(&p, version);
    pg_p_text(&p, w->ledger->rules_version);
    int rc = pg_exec(c,
                     "UPDATE obligations SET state = 'withdrawn', withdrawn_at = $2,"
                     " withdrawn_reason = $3, last_version = $4, rules_version = $5,"
                     " updated_at = $2 WHERE seq = $1",
                     &p, NULL);
    buf_release(&reason);
    return rc ? rc : event(c, row, w, version, LEDGER_WITHDRAW, NULL);
}

int pg_ledger_apply(struct pg_store *s, struct pg_conn *c, const struct report_write *w,
                    int version, enum ledger_trigger trigger, int counts[LEDGER_REINSTATE + 1])
{
    struct ledger_row *rows = NULL;
    struct ledger_action *acts = NULL;
    size_t nrows, nacts;
    int rc;
    UNUSED(s);
    memset(counts, 0, (LEDGER_REINSTATE + 1) * sizeof(*counts));
    if (!w->ledger)
        return STORE_OK;
    if ((rc = load_rows(c, w->id, &rows, &nrows)))
        goto out;
    /* every action is written as it is: which ones there are is rules_reconcile's decision */
    nacts = rules_reconcile(rows, nrows, w->ledger->ev, trigger, &acts);
    for (size_t i = 0; i < nacts && !rc; i++) {
        const struct ledger_action *a = &acts[i];
        counts[a->op]++;
        if (a->op == LEDGER_CREATE)
            rc = create(c, w, version, a->result);
        else if (a->op == LEDGER_WITHDRAW)
            rc = withdraw(c, w, version, a, &rows[a->row]);
        else
            rc = update(c, w, version, a, &rows[a->row]);
    }
out:
    free(rows);
    free(acts);
    return rc;
}

/* ---- listing ---- */

static void read_ob(const PGresult *r, int i, struct obligation_rec *o)
{
    char state[16], due[28];
    memset(o, 0, sizeof(*o));
    pg_copy(r, i, 0, o->id, sizeof(o->id));
    pg_copy(r, i, 1, o->rule_id, sizeof(o->rule_id));
    pg_copy(r, i, 2, o->stage_id, sizeof(o->stage_id));
    pg_copy(r, i, 3, o->recipient_id, sizeof(o->recipient_id));
    pg_copy(r, i, 4, o->regime, sizeof(o->regime));
    pg_copy(r, i, 5, state, sizeof(state));
    o->withdrawn = !strcmp(state, "withdrawn");
    pg_copy(r, i, 6, due, sizeof(due));
    o->due_state = store_due_state_parse(due);
    o->due_ms = pg_int(r, i, 7);
    pg_copy(r, i, 8, o->kind, sizeof(o->kind));
    o->mandatory = pg_bool(r, i, 9);
    o->became_applicable_at = pg_int(r, i, 10);
    o->withdrawn_at = pg_int(r, i, 11);
    o->updated_at = pg_int(r, i, 12);
    o->first_version = (int)pg_int(r, i, 13);
    o->last_version = (int)pg_int(r, i, 14);
    pg_copy(r, i, 15, o->rules_version, sizeof(o->rules_version));
    o->explanation = pg_dup(r, i, 16);
    o->withdrawn_reason = pg_dup(r, i, 17);
    o->seq = pg_int(r, i, 18);
    o->met_at = pg_int(r, i, 19);
    pg_copy(r, i, 20, o->met_submission, sizeof(o->met_submission));
    pg_copy(r, i, 21, o->live_submission, sizeof(o->live_submission));
    o->submitted_at = pg_int(r, i, 22);
    o->requested = pg_bool(r, i, 23);
}

static void read_event(const PGresult *r, int i, struct obligation_list *l)
{
    int64_t ob = pg_int(r, i, 0);
    for (size_t k = 0; k < l->n; k++) {
        struct obligation_rec *o = &l->items[k];
        if (o->seq != ob)
            continue;
        o->events = xrealloc(o->events, (o->nevents + 1) * sizeof(*o->events));
        struct obligation_event *e = &o->events[o->nevents++];
        memset(e, 0, sizeof(*e));
        e->at = pg_int(r, i, 1);
        e->version = (int)pg_int(r, i, 2);
        pg_copy(r, i, 3, e->event, sizeof(e->event));
        pg_copy(r, i, 4, e->old_due_state, sizeof(e->old_due_state));
        e->old_due_ms = pg_int(r, i, 5);
        pg_copy(r, i, 6, e->new_due_state, sizeof(e->new_due_state));
        e->new_due_ms = pg_int(r, i, 7);
        return;
    }
}

/* Built: the obligations and their histories in one snapshot (§13.2.2). */
int pg_obligations_list(struct store *s, const char *incident_id, struct obligation_list *out)
{
    struct pg_params p;
    PGresult *r = NULL, *ev = NULL;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, incident_id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_read_begin(c);
    if (!rc)
        rc = pg_exec(c,
                     "SELECT o.id, o.rule_id, o.stage_id, o.recipient_id, o.regime, o.state,"
                     " o.due_state, o.due_at, o.kind, o.mandatory, o.became_applicable_at,"
                     " o.withdrawn_at, o.updated_at, o.first_version, o.last_version,"
                     " o.rules_version, o.explanation, o.withdrawn_reason, o.seq, o.met_at,"
                     " o.met_submission, (SELECT s.id FROM submissions s"
                     " WHERE s.obligation_id = o.id AND s.status NOT IN ('failed', 'cancelled')"
                     " AND s.kind <> 'withdrawal' ORDER BY s.id DESC LIMIT 1),"
                     " (SELECT min(s.created_at) FROM submissions s WHERE s.obligation_id = o.id),"
                     " EXISTS (SELECT 1 FROM requests q WHERE q.obligation_id = o.id"
                     " AND q.answered_at IS NULL)"
                     " FROM obligations o WHERE o.incident_id = $1 ORDER BY o.seq",
                     &p, &r);
    if (!rc)
        rc = pg_exec(c,
                     "SELECT e.obligation_seq, e.at, e.version, e.event, e.old_due_state,"
                     " e.old_due_at, e.new_due_state, e.new_due_at FROM obligation_events e"
                     " JOIN obligations o ON o.seq = e.obligation_seq WHERE o.incident_id = $1"
                     " ORDER BY e.seq",
                     &p, &ev);
    if (!rc)
        pg_read_end(c);
    pg_read_put(PG(s), c);
    if (!rc) {
        out->n = (size_t)PQntuples(r);
        out->items = xcalloc(out->n + 1, sizeof(*out->items));
        for (size_t i = 0; i < out->n; i++)
            read_ob(r, (int)i, &out->items[i]);
        for (int i = 0; i < PQntuples(ev); i++)
            read_event(ev, i, out);
    }
    PQclear(r);
    PQclear(ev);
    return rc;
}
