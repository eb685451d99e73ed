/*
 * rules_ledger.c — reconciling an incident's obligation ledger with a new evaluation. Pure:
 * the store runs it inside the transaction that adds the version, so the ledger always matches
 * the latest version. Obligations are never deleted (issue 3: "one that stops applying is
 * marked withdrawn with the reason, never deleted").
 */
#include "rules_int.h"
#include "../core/rtime.h"

static int find_result(const struct rules_eval *ev, const struct ledger_row *row)
{
    for (size_t i = 0; i < ev->n; i++) {
        const struct rules_result *r = &ev->v[i];
        if (!strcmp(r->rule->id, row->rule_id) && !strcmp(r->stage->id, row->stage_id))
            return (int)i;
    }
    return -1;
}

static int find_row(const struct ledger_row *rows, size_t nrows, const struct rules_result *r)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(r->rule->id, rows[i].rule_id) && !strcmp(r->stage->id, rows[i].stage_id))
            return (int)i;
    return -1;
}

static bool same_due(const struct ledger_row *row, const struct rules_result *r)
{
    return row->due_state == (int)r->due_state &&
           (r->due_state != DUE_SET || row->due_ms == r->due_ms);
}

/* The actions a trigger leaves out (they are not written at all: no row update, no history).
 * - A submission is not a new version: it only sets the deadlines that waited for the stage it
 *   sends (due_state "awaiting_previous" → set); nothing is created, kept or withdrawn then.
 * - A deadline that already runs from a submission made never goes back to waiting for it: an
 *   evaluation that does not yet see the submission (an amendment evaluated while a submit was
 *   being written) must not undo it. */
static bool left_out(const struct ledger_row *rows, const struct ledger_action *a,
                     const struct rules_eval *ev, enum ledger_trigger trigger)
{
    if (trigger == LEDGER_ON_SUBMIT &&
        (a->op != LEDGER_MOVE || rows[a->row].due_state != DUE_AWAITING_PREVIOUS))
        return true;
    return a->op == LEDGER_MOVE && rows[a->row].due_state == DUE_SET &&
           ev->v[a->result].due_state == DUE_AWAITING_PREVIOUS;
}

size_t rules_reconcile(const struct ledger_row *rows, size_t nrows, const struct rules_eval *ev,
                       enum ledger_trigger trigger, struct ledger_action **out)
{
    size_t n = 0;
    struct ledger_action *a = xcalloc(ev->n + nrows + 1, sizeof(*a));
    for (size_t i = 0; i < ev->n; i++) {
        const struct rules_result *r = &ev->v[i];
        if (!r->applies)
            continue;
        int row = find_row(rows, nrows, r);
        enum ledger_op op = row < 0                   ? LEDGER_CREATE
                            : rows[row].withdrawn     ? LEDGER_REINSTATE
                            : same_due(&rows[row], r) ? LEDGER_KEEP
                                                      : LEDGER_MOVE;
        a[n] = (struct ledger_action){op, row, (int)i};
        if (!left_out(rows, &a[n], ev, trigger))
            n++;
    }
    for (size_t k = 0; k < nrows; k++) {
        if (rows[k].withdrawn)
            continue;
        int res = find_result(ev, &rows[k]);
        if (res < 0 || !ev->v[res].applies) {
            a[n] = (struct ledger_action){LEDGER_WITHDRAW, (int)k, res};
            if (!left_out(rows, &a[n], ev, trigger))
                n++;
        }
    }
    *out = a;
    return n;
}

void rules_ledger_decision(const struct rules_result *r, char *out, size_t n)
{
    char at[40] = "";
    if (r->anchor_ms)
        rtime_format_utc(r->anchor_ms, at, sizeof(at));
    int k = snprintf(out, n,
                     "{\"anchor_field\":%s%s%s,\"anchor_at\":%s%s%s,\"variant\":%d,\"capped\":%s,"
                     "\"rolled\":%s",
                     r->anchor_source ? "\"" : "", r->anchor_source ? r->anchor_source : "null",
                     r->anchor_source ? "\"" : "", at[0] ? "\"" : "", at[0] ? at : "null",
                     at[0] ? "\"" : "", r->variant, r->capped ? "true" : "false",
                     r->rolled ? "true" : "false");
    /* a determination (issue 11 item 1): which facts are still unknown. Paths are the rule
     * file's dotted field names (letters, digits, '_', '.'): no escaping needed */
    if (r->undetermined && k > 0 && (size_t)k < n) {
        k += snprintf(out + k, n - (size_t)k, ",\"undetermined\":true,\"unknown\":[");
        for (size_t i = 0; i < r->nunknown && k > 0 && (size_t)k < n; i++)
            k += snprintf(out + k, n - (size_t)k, "%s\"%s\"", i ? "," : "", r->unknown[i]);
        if (k > 0 && (size_t)k < n)
            k += snprintf(out + k, n - (size_t)k, "]");
    }
    if (k > 0 && (size_t)k < n)
        snprintf(out + k, n - (size_t)k, "}");
}

bool rules_decision_undetermined(const char *decision)
{
    return decision && strstr(decision, "\"undetermined\":true");
}

void rules_ledger_withdraw_reason(const struct ledger_action *a, int version,
                                  const char *rules_version, struct buf *out)
{
    if (a->result >= 0)
        buf_appendf(out,
                    "{\"en\":\"The conditions no longer hold as of version %d.\",\"ja\":\"第%d版の"
                    "時点で適用条件を満たさなくなりました。\",\"version\":%d}",
                    version, version, version);
    else
        buf_appendf(out,
                    "{\"en\":\"The rule is no longer in the rule set (rules version %s).\","
                    "\"ja\":\"このルールは現在のルールセット（版 %s）にありません。\"}",
                    rules_version, rules_version);
}

const char *rules_ledger_op_name(enum ledger_op op)
{
    static const char *const names[] = {"created", "moved", "kept", "withdrawn", "reinstated"};
    return (unsigned)op < ARRAY_SIZE(names) ? names[op] : "kept";
}

enum rules_status rules_row_status(bool withdrawn, bool mandatory, bool legal, int due_state,
                                   int64_t due_ms, int64_t now_ms, int64_t due_soon_ms)
{
    if (withdrawn)
        return ST_WITHDRAWN;
    if (!mandatory)
        return ST_RECOMMENDED;
    if (due_state != DUE_SET)
        return ST_PENDING;
    if (now_ms > due_ms)
        return legal ? ST_OVERDUE : ST_TARGET_PASSED;
    return due_ms - now_ms <= due_soon_ms ? ST_DUE_SOON : ST_PENDING;
}
