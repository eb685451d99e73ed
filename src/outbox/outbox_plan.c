/*
 * outbox_plan.c — which obligations a "submit" sends (outbox.h). The reporter decides when a
 * version goes out; this decides to whom: every active obligation not yet submitted whose
 * stage may go now. A stage goes after the rule's previous stage (a 確報 after its 速報,
 * 規則8条1項・2項; NIS2's final report after its notification) or together with it, and only
 * with the fields the stage requires, so nobody receives a stage that says less than the
 * rule asks for; what is missing is reported per recipient instead.
 */
#include "outbox.h"

static const char *const skip_names[] = {"",
                                         "withdrawn",
                                         "already_submitted",
                                         "previous_stage_not_submitted",
                                         "missing_fields",
                                         "rule_not_loaded",
                                         "not_selected"};

const char *outbox_skip_name(enum outbox_skip s)
{
    return (unsigned)s < ARRAY_SIZE(skip_names) ? skip_names[s] : "";
}

void outbox_plan_release(struct outbox_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].missing);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

static bool selected(const char *id, const char *const *only, size_t nonly)
{
    if (!only)
        return true;
    for (size_t i = 0; i < nonly; i++)
        if (!strcmp(only[i], id))
            return true;
    return false;
}

/* Whether the required field ptr ("/section/…") lies in a section of `held`. */
static bool in_withheld(const char *ptr, unsigned held)
{
    size_t len = strcspn(ptr + 1, "/");
    for (unsigned b = 0; held && report_section_values[b].value; b++)
        if ((held & RULES_SECTION_BIT(b)) && strlen(report_section_values[b].value) == len &&
            !memcmp(report_section_values[b].value, ptr + 1, len))
            return true;
    return false;
}

/* First look at one obligation on its own. */
static void judge(const struct ruleset *rs, const json_t *report, const char *const *only,
                  size_t nonly, struct outbox_plan_item *it)
{
    const struct obligation_rec *o = it->ob;
    const struct rule *r;
    const struct rule_stage *st;
    if (o->withdrawn) {
        it->skip = SKIP_WITHDRAWN;
    } else if (o->met_at || o->live_submission[0]) {
        it->skip = SKIP_ALREADY;
    } else if (!selected(o->id, only, nonly)) {
        it->skip = SKIP_NOT_SELECTED;
    } else if (!(r = rules_find(rs, o->rule_id)) || !(st = rules_find_stage(r, o->stage_id))) {
        it->skip = SKIP_UNKNOWN_RULE;
    } else {
        size_t nreq;
        const char *const *req = rules_stage_required(st, &nreq);
        unsigned held = outbox_withheld(report, o->recipient_id);
        it->missing = xcalloc(nreq + 1, sizeof(*it->missing));
        for (size_t i = 0; i < nreq; i++)
            if (!rules_field_present(report, req[i]) ||
                (req[i][0] == '/' && in_withheld(req[i], held)))
                it->missing[it->nmissing++] = req[i];
        it->skip = it->nmissing ? SKIP_MISSING_FIELDS : SKIP_NONE;
    }
}

/* The item of the same incident for (rule, stage), or NULL. */
static const struct outbox_plan_item *find_item(const struct outbox_plan *p, const char *rule,
                                                const char *stage)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->items[i].ob->rule_id, rule) && !strcmp(p->items[i].ob->stage_id, stage))
            return &p->items[i];
    return NULL;
}

/* Whether the stage before it_'s is submitted, or goes in this plan. A previous stage with no
 * obligation (it never applied) or a withdrawn one does not hold the next back. */
static bool previous_ok(const struct ruleset *rs, const struct outbox_plan *p,
                        const struct outbox_plan_item *it)
{
    const struct rule *r = rules_find(rs, it->ob->rule_id);
    const struct rule_stage *prev = rules_stage_previous(r, rules_find_stage(r, it->ob->stage_id));
    if (!prev)
        return true;
    const struct outbox_plan_item *pi = find_item(p, it->ob->rule_id, rules_stage_id(prev));
    if (!pi || pi->skip == SKIP_WITHDRAWN || pi->skip == SKIP_ALREADY)
        return true;
    return pi->skip == SKIP_NONE;
}

void outbox_plan_make(const struct ruleset *rs, const struct obligation_rec *obs, size_t n,
                      const json_t *report, const char *const *only, size_t nonly,
                      struct outbox_plan *out)
{
    bool changed = true;
    memset(out, 0, sizeof(*out));
    out->items = xcalloc(n + 1, sizeof(*out->items));
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->items[i].ob = &obs[i];
        judge(rs, report, only, nonly, &out->items[i]);
    }
    /* a stage held back holds back the stages after it: repeat until nothing changes (at most
     * one round per stage of the longest rule) */
    while (changed) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            struct outbox_plan_item *it = &out->items[i];
            if (it->skip == SKIP_NONE && !previous_ok(rs, out, it)) {
                it->skip = SKIP_PREVIOUS_STAGE;
                changed = true;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        out->nsend += out->items[i].skip == SKIP_NONE;
}
