/*
 * app_ledger.c — the evaluation attached to a written version (app_ledger.h).
 */
#include "app_ledger.h"

struct rules_stage_time *app_stage_times(const struct obligation_rec *obs, size_t n,
                                         const bool *send, int64_t now_ms, size_t *count)
{
    struct rules_stage_time *t = xcalloc(n + 1, sizeof(*t));
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t at = obs[i].submitted_at ? obs[i].submitted_at : send && send[i] ? now_ms : 0;
        if (at)
            t[(*count)++] = (struct rules_stage_time){obs[i].rule_id, obs[i].stage_id, at};
    }
    return t;
}

void app_ledger_build(const struct app *a, const json_t *doc, const struct obligation_list *obs,
                      const bool *send, int64_t now_ms, struct app_ledger *lb)
{
    rules_eval_init(&lb->ev);
    lb->times = obs ? app_stage_times(obs->items, obs->n, send, now_ms, &lb->ev.ntimes) : NULL;
    lb->ev.times = lb->times;
    rules_evaluate(a->rules, doc, &lb->ev);
    lb->in.ev = &lb->ev;
    lb->in.rules_version = rules_version(a->rules);
}

void app_ledger_release(struct app_ledger *lb)
{
    if (lb->in.ev)
        rules_eval_release(&lb->ev);
    free(lb->times);
    lb->times = NULL;
    lb->in.ev = NULL;
}
