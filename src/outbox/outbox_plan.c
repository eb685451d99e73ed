/*
 * outbox_plan.c — which obligations a "submit" sends (outbox.h). The reporter decides when a
 * version goes out, and which stage: incidents are reported stage by stage as facts emerge (a
 * 速報 within days and a 確報 when the investigation is done, 個人情報保護法施行規則8条1項・2項;
 * NIS2's early warning, notification and final report, Directive (EU) 2022/2555 Art. 23(4)).
 * The stages of one rule for its recipient form a chain. Per chain a submit sends the stages
 * the reporter names, or, when it names none, the earliest stage not yet sent — never a later
 * one merely because its fields happen to be filled in. A stage never overtakes the one before
 * it, goes only with the fields it requires, and a stage on request (NIS2's intermediate
 * report, Art. 23(4)(c)) only when named or requested by its recipient. Whatever does not go is
 * reported with the reason.
 */
#include "outbox.h"

static const char *const skip_names[] = {"",
                                         "withdrawn",
                                         "already_submitted",
                                         "previous_stage_not_submitted",
                                         "missing_fields",
                                         "rule_not_loaded",
                                         "not_selected",
                                         "later_stage",
                                         "on_request",
                                         "no_changes"};

const char *outbox_skip_name(enum outbox_skip s)
{
    return (unsigned)s < ARRAY_SIZE(skip_names) ? skip_names[s] : "";
}

/* Why an obligation did not go, for the person who submitted (en, ja). */
static const char *const skip_texts[][2] = {
    {"", ""},
    {"It no longer applies to this incident.", "この事案には適用されなくなりました。"},
    {"It has been submitted already (met, or a submission is on its way).",
     "提出済みです（完了、又は送付中の提出があります）。"},
    {"It waits for the earlier stage to the same recipient, which has not been submitted and "
     "does not go now.",
     "同じ報告先への前の段階が提出されておらず、今回も送られないため、待っています。"},
    {"This version lacks fields the stage requires (missing_fields; a field in a section "
     "withheld from the recipient counts as missing).",
     "この版には、この段階に必要な項目がありません（missing_fields。この報告先に提供しない区分の"
     "項目も不足として扱います）。"},
    {"The rule or the stage is no longer in the loaded rule set.",
     "ルール又は段階が、読み込まれているルールにありません。"},
    {"It is not among the obligations named in this submit.",
     "今回の提出で指定された義務ではありません。"},
    {"A later stage: the earlier one goes in this submit, and a submit that names no "
     "obligations sends one stage per recipient. Submit again once the earlier stage has gone, "
     "or name both in obligations to send them together.",
     "後の段階です。前の段階が今回送られ、義務を指定しない提出は報告先ごとに1段階だけを送ります。"
     "前の段階の提出後にもう一度提出するか、両方を obligations に指定すると一緒に送れます。"},
    {"This stage is sent only on request of the recipient: name it in obligations when the "
     "recipient has asked for it.",
     "この段階は報告先から要請があった場合にだけ送ります。要請を受けたら obligations に指定して"
     "ください。"},
    {"An update (続報) carries what changed since what this recipient last received; in what it "
     "receives (its sections, after the reporter's withholding) nothing changed, so no update "
     "goes.",
     "続報は、この報告先が最後に受け取った内容からの変更を送ります。この報告先が受け取る内容（提供"
     "する"
     "区分、提供しない区分を除く）に変更がないため、続報は送りません。"},
};

const char *outbox_skip_text(enum outbox_skip s, bool ja)
{
    return (unsigned)s < ARRAY_SIZE(skip_texts) ? skip_texts[s][ja] : "";
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
    } else if (rules_stage_on_request(st) && !only && !o->requested) {
        /* a stage on request goes when named, or when its recipient has an open request for
         * it (POST /api/v1/inbox/{id}/requests, kind intermediate_report; issue 10 item 7):
         * the request then counts as the choice, and a submit that names nothing sends it */
        it->skip = SKIP_ON_REQUEST;
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

/* The item of the same chain (rule, recipient) for stage, or NULL. */
static const struct outbox_plan_item *find_item(const struct outbox_plan *p,
                                                const struct obligation_rec *o, const char *stage)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct obligation_rec *x = p->items[i].ob;
        if (!strcmp(x->rule_id, o->rule_id) && !strcmp(x->recipient_id, o->recipient_id) &&
            !strcmp(x->stage_id, stage))
            return &p->items[i];
    }
    return NULL;
}

/* What it_ becomes, given the stage it waits for (rules_stage_after): unchanged when that
 * stage is sent, withdrawn or never applied (none holds a successor back); when it goes now,
 * unchanged if the reporter named obligations (both named: they go together, for a reporter who
 * already knows everything the later stage asks for) and SKIP_LATER_STAGE otherwise (one stage
 * per chain); SKIP_PREVIOUS_STAGE when it is held back. */
static enum outbox_skip chained(const struct ruleset *rs, const struct outbox_plan *p,
                                const struct outbox_plan_item *it, bool named)
{
    const struct rule *r = rules_find(rs, it->ob->rule_id);
    const struct rule_stage *prev = rules_stage_after(r, rules_find_stage(r, it->ob->stage_id));
    const struct outbox_plan_item *pi = prev ? find_item(p, it->ob, rules_stage_id(prev)) : NULL;
    if (!pi || pi->skip == SKIP_WITHDRAWN || pi->skip == SKIP_ALREADY)
        return it->skip;
    if (pi->skip == SKIP_NONE)
        return named ? it->skip : SKIP_LATER_STAGE;
    return SKIP_PREVIOUS_STAGE;
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
    /* a stage held back holds back the stages after it: repeat until nothing changes. Items
     * only move from "goes" to "later" to "held back", so the loop ends (at most two rounds
     * per stage of the longest rule) and its result does not depend on the items' order. */
    while (changed) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            struct outbox_plan_item *it = &out->items[i];
            if (it->skip != SKIP_NONE && it->skip != SKIP_LATER_STAGE)
                continue;
            enum outbox_skip s = chained(rs, out, it, only != NULL);
            if (s != it->skip) {
                it->skip = s;
                changed = true;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        out->nsend += out->items[i].skip == SKIP_NONE;
}

void outbox_plan_updates(struct outbox_plan *p, const char *const *updates, size_t n)
{
    for (size_t i = 0; i < p->n; i++) {
        struct outbox_plan_item *it = &p->items[i];
        const struct obligation_rec *o = it->ob;
        if (!updates || !selected(o->id, updates, n) || !(o->met_at || o->live_submission[0]))
            continue;
        if (it->skip == SKIP_NONE)
            continue; /* cannot happen: a stage sent is SKIP_ALREADY or SKIP_WITHDRAWN */
        free(it->missing);
        it->missing = NULL;
        it->nmissing = 0;
        it->skip = SKIP_NONE;
        it->update = true;
        p->nsend++;
    }
}
