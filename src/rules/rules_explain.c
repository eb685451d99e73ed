/*
 * rules_explain.c — the explanation of one evaluated (rule, stage): every deadline shown can be
 * explained by rule, anchor, calendar and citation (PRODUCT.md, "What good means").
 */
#include "rules_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../report/report.h"
#include "../schema/schema.h"

static json_t *text2_json(struct text2 t)
{
    if (!t.ja && !t.en)
        return json_null();
    return json_pack("{s:s, s:s}", "ja", t.ja ? t.ja : "", "en", t.en ? t.en : "");
}

static json_t *utc_json(int64_t ms)
{
    char s[40];
    rtime_format_utc(ms, s, sizeof(s));
    return json_string(s);
}

static json_t *local_json(const struct tz *z, int64_t ms)
{
    char s[48];
    tz_format_rfc3339(z, ms, s, sizeof(s));
    return json_string(s);
}

static json_t *citation_json(const struct citation *c)
{
    json_t *j = json_pack("{s:o}", "title", text2_json(c->title));
    json_object_set_new(j, "article", c->article ? json_string(c->article) : json_null());
    if (c->article_en)
        json_object_set_new(j, "article_en", json_string(c->article_en));
    json_object_set_new(j, "url", c->url ? json_string(c->url) : json_null());
    json_object_set_new(j, "kind", json_string(c->primary ? "primary" : "secondary"));
    return j;
}

static json_t *verification_json(const struct verification *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:o}", "marker",
                                           v[i].unconfirmed ? "UNCONFIRMED" : "VERIFY", "note",
                                           text2_json(v[i].note)));
    return a;
}

static const char *unit_ja(enum dl_unit u)
{
    static const char *const names[] = {"時間", "日（暦日）", "営業日", "か月"};
    return names[u];
}

static const char *anchor_ja(enum anchor a)
{
    static const char *const names[A__COUNT] = {
        [A_OCCURRED] = "発生日時", [A_DETECTED] = "検知日時", [A_AWARE] = "認知日時",
        [A_PD_AWARE] = "個人データの漏えい等を知った日時", [A_CLASSIFIED_MAJOR] = "重大と分類した日時",
        [A_MATERIALITY] = "重要性を判断した日時", [A_SIGNIFICANCE] = "重大性を評価した日時",
        [A_CONTAINED] = "封じ込め日時", [A_RECOVERED] = "回復日時", [A_RESOLVED] = "解決日時",
        [A_CLOSED] = "終結日時", [A_CORRECTIVE] = "是正措置の提供開始日時",
        [A_RANSOM_PAID] = "身代金の支払日時", [A_AWARE_YEAR_END] = "認知した年の翌年1月1日",
        [A_PD_AWARE_YEAR_END] = "個人データの漏えい等を知った年の翌年1月1日",
        [A_PREVIOUS_STAGE] = "前の段階の提出日時",
        [A_SEC_INFORMATION] = "8-Kで未確定とした情報が判明した日時",
    };
    return names[a];
}

static int anchor_index(const char *name)
{
    return rules_name_index(rules_anchor_names, A__COUNT, name);
}

static int unit_index(const char *name)
{
    return rules_name_index(rules_unit_names, 4, name);
}

/* One sentence each in English and Japanese saying how the deadline was reached, from a stored
 * deadline object (so the ledger keeps facts, and the words are rendered when read). */
json_t *rules_deadline_sentence(const json_t *dl)
{
    char en[700], ja[700];
    const char *state = json_string_value(json_object_get(dl, "state"));
    const json_t *anchor = json_object_get(dl, "anchor");
    const char *aname = json_string_value(json_object_get(anchor, "name"));
    const char *at = json_string_value(json_object_get(anchor, "at"));
    const char *due = json_string_value(json_object_get(dl, "due_local"));
    const char *zone = json_string_value(json_object_get(dl, "timezone"));
    const char *unit = json_string_value(json_object_get(dl, "unit"));
    int offset = (int)json_integer_value(json_object_get(dl, "offset"));
    int ai = anchor_index(aname), ui = unit_index(unit);
    bool capped = json_is_true(json_object_get(json_object_get(dl, "cap"), "applied"));
    bool rolled = json_is_true(json_object_get(dl, "rolled"));
    const char *aja = ai >= 0 ? anchor_ja((enum anchor)ai) : "起算点";
    const char *uja = ui >= 0 ? unit_ja((enum dl_unit)ui) : "";
    if (!state || !strcmp(state, "no_deadline")) {
        snprintf(en, sizeof(en), "No deadline: this stage is due on request or when applicable.");
        snprintf(ja, sizeof(ja), "期限はありません（求めに応じて、又は該当時に提出）。");
    } else if (!strcmp(state, "anchor_missing")) {
        snprintf(en, sizeof(en), "Not yet determined: the report has no %s time yet.",
                 aname ? aname : "anchor");
        snprintf(ja, sizeof(ja), "未確定: 報告に%sがまだありません。", aja);
    } else if (!strcmp(state, "awaiting_previous_stage")) {
        snprintf(en, sizeof(en), "Not yet determined: %d %s after the previous stage is submitted.",
                 offset, unit ? unit : "");
        snprintf(ja, sizeof(ja), "未確定: 前の段階の提出から%d%s後。", offset, uja);
    } else if (!strcmp(state, "calendar_gap")) {
        snprintf(en, sizeof(en), "Not determined: the calendar does not cover these dates.");
        snprintf(ja, sizeof(ja), "算定できません: カレンダーがこの期間を収録していません。");
    } else {
        snprintf(en, sizeof(en), "%d %s after %s (%s), due %s (%s)%s%s.", offset,
                 unit ? unit : "", aname ? aname : "", at ? at : "", due ? due : "",
                 zone ? zone : "", capped ? ", capped" : "",
                 rolled ? ", moved off a non-working day" : "");
        snprintf(ja, sizeof(ja), "%s（%s）から%d%s後、%s（%s）まで%s%s。", aja, at ? at : "",
                 offset, uja, due ? due : "", zone ? zone : "", capped ? "（上限を適用）" : "",
                 rolled ? "（休日のため繰り延べ）" : "");
    }
    return json_pack("{s:s, s:s}", "en", en, "ja", ja);
}

static json_t *deadline_json(const struct rule *r, const struct rule_stage *st,
                             const struct rules_result *res)
{
    const struct deadline *dl = &st->dl;
    int offset = dl->main.offset;
    enum dl_unit unit = dl->main.unit;
    json_t *variant = json_null();
    if (res->variant >= 0) {
        const struct variant *v = &dl->variants[res->variant];
        offset = v->offset, unit = v->unit;
        variant = json_pack("{s:i, s:i, s:s}", "index", res->variant, "offset", v->offset,
                            "unit", rules_unit_names[v->unit]);
    }
    json_t *j = json_pack("{s:s, s:s, s:o}", "kind", rules_kind_names[dl->kind], "state",
                          rules_due_state_name(res->due_state), "variant", variant);
    bool set = res->due_state == DUE_SET;
    json_object_set_new(j, "due_at", set ? utc_json(res->due_ms) : json_null());
    json_object_set_new(j, "due_local", set ? local_json(r->recipient->tz, res->due_ms) : json_null());
    json_object_set_new(j, "timezone", json_string(tz_name(r->recipient->tz)));
    if (dl->kind != DL_NONE) {
        json_object_set_new(j, "anchor",
                            json_pack("{s:s, s:o, s:o}", "name", rules_anchor_names[dl->main.anchor],
                                      "field", res->anchor_source ? json_string(res->anchor_source)
                                                                  : json_null(),
                                      "at", res->anchor_ms ? local_json(r->recipient->tz, res->anchor_ms)
                                                           : json_null()));
        json_object_set_new(j, "offset", json_integer(offset));
        json_object_set_new(j, "unit", json_string(rules_unit_names[unit]));
    }
    if (dl->has_cap)
        json_object_set_new(j, "cap", json_pack("{s:s, s:i, s:s, s:b}", "anchor",
                                                rules_anchor_names[dl->cap.anchor], "offset",
                                                dl->cap.offset, "unit",
                                                rules_unit_names[dl->cap.unit], "applied",
                                                res->capped));
    json_object_set_new(j, "roll", json_string(rules_roll_names[st->roll]));
    json_object_set_new(j, "rolled", json_boolean(res->rolled));
    json_object_set_new(j, "calendar",
                        st->cal ? json_pack("{s:s, s:s}", "id", calendar_id(st->cal), "version",
                                            calendar_version(st->cal))
                                : json_null());
    return j;
}

bool rules_field_present(const json_t *report, const char *p)
{
    const char *dash = strstr(p, "/-");
    if (!dash)
        return jsonx_ptr_get((json_t *)report, p) != NULL;
    /* "/threat/indicators/-/value": present when some item has it */
    char arr[300], rest[300];
    size_t alen = (size_t)(dash - p);
    snprintf(arr, sizeof(arr), "%.*s", (int)alen, p);
    snprintf(rest, sizeof(rest), "%s", dash + 2);
    const json_t *items = jsonx_ptr_get((json_t *)report, arr);
    for (size_t k = 0; json_is_array(items) && k < json_array_size(items); k++)
        if (!rest[0] || jsonx_ptr_get(json_array_get(items, k), rest))
            return true;
    return false;
}

/* The stage's required fields that the report does not have yet. */
static json_t *missing_json(const struct rule_stage *st, const json_t *report)
{
    json_t *a = json_array();
    for (size_t i = 0; i < st->nrequired; i++) {
        if (!rules_field_present(report, st->required[i]))
            json_array_append_new(a, json_string(st->required[i]));
    }
    return a;
}

/* The rule's texts, which do not depend on the report. */
static json_t *static_part(const struct rule *r, const struct rule_stage *st)
{
    const struct recipient *rc = r->recipient;
    /* primary sources (the rule's, then the stage's own article) in `citations`; secondary
     * ones apart, as further reading (issue 11 item 5) */
    json_t *cits = json_array(), *further = json_array();
    for (size_t i = 0; i < r->ncit; i++)
        json_array_append_new(r->cit[i].primary ? cits : further, citation_json(&r->cit[i]));
    if (st->citation)
        json_array_append_new(st->citation->primary ? cits : further, citation_json(st->citation));
    json_t *ver = verification_json(r->ver, r->nver);
    for (size_t i = 0; i < rc->nver; i++)
        json_array_append_new(ver, json_pack("{s:s, s:o}", "marker",
                                             rc->ver[i].unconfirmed ? "UNCONFIRMED" : "VERIFY",
                                             "note", text2_json(rc->ver[i].note)));
    json_t *req = json_array(), *variants = json_array();
    for (size_t i = 0; i < st->nrequired; i++)
        json_array_append_new(req, json_string(st->required[i]));
    for (size_t i = 0; i < st->dl.nvariants; i++)
        json_array_append_new(variants, json_pack("{s:s, s:o}", "condition",
                                                  expr_source(st->dl.variants[i].when), "reason",
                                                  text2_json(st->dl.variants[i].reason)));
    json_t *conds = json_pack("{s:s}", "condition", expr_source(r->applies));
    if (st->when)
        json_object_set_new(conds, "stage_condition", json_string(expr_source(st->when)));
    json_t *j = json_pack("{s:o, s:o, s:o, s:o}", "required_fields", req, "deadline_variants",
                          variants, "conditions", conds, "further_reading", further);
    json_t *k = json_pack("{s:s, s:s, s:s, s:b, s:o, s:{s:s, s:o, s:s, s:s}, s:o, s:o, s:o, s:o, s:s}",
                     "regime", r->regime, "jurisdiction", r->jurisdiction, "rule_status",
                     rules_state_names[r->state], "mandatory", r->mandatory, "title",
                     text2_json(r->title), "recipient", "id", rc->id, "name",
                     text2_json(rc->name), "kind", rc->kind, "timezone", tz_name(rc->tz),
                     "stage_name", text2_json(st->name), "citations", cits, "verification", ver,
                     "notes", text2_json(r->notes), "source_file", r->file);
    json_object_update(j, k);
    json_decref(k);
    /* "rule_status" again, with whether it binds and the words to show (issue 11 item 4) */
    k = rules_rule_status_json(r);
    json_object_update(j, k);
    json_decref(k);
    return j;
}

json_t *rules_explain_static(const struct ruleset *rs, const char *rule_id, const char *stage_id)
{
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct rule *r = &rs->rules[i];
        if (strcmp(r->id, rule_id))
            continue;
        for (size_t k = 0; k < r->nstages; k++)
            if (!strcmp(r->stages[k].id, stage_id))
                return static_part(r, &r->stages[k]);
    }
    return NULL;
}

json_t *rules_determination_json(const struct rules_result *res)
{
    json_t *facts = json_array();
    struct buf ja, en;
    buf_init(&ja, 4096);
    buf_init(&en, 4096);
    for (size_t i = 0; i < res->nunknown; i++) {
        /* the fact by its labels in the report format too: "影響 › サービスへの影響" */
        char ptr[200];
        size_t k = 0;
        ptr[k++] = '/';
        for (const char *c = res->unknown[i]; *c && k + 1 < sizeof(ptr); c++)
            ptr[k++] = *c == '.' ? '/' : *c;
        ptr[k] = '\0';
        json_array_append_new(facts, json_string(res->unknown[i]));
        buf_appendf(&ja, "%s「", i ? "、" : "");
        schema_label_path(&report_root, ptr, true, &ja);
        buf_appendf(&ja, "」（%s）", res->unknown[i]);
        buf_appendf(&en, "%s\"", i ? ", " : "");
        schema_label_path(&report_root, ptr, false, &en);
        buf_appendf(&en, "\" (%s)", res->unknown[i]);
    }
    json_t *q = json_pack(
        "{s:s+, s:s+}", "ja", "次の事実がまだ「不明」のため、この報告が必要かどうか決まっていません：",
        buf_cstr(&ja),
        "en", "Whether this report is due depends on facts still answered \"unknown\": ",
        buf_cstr(&en));
    json_t *j = json_pack(
        "{s:o, s:o, s:{s:s, s:s}}", "unknown_facts", facts, "question", q, "what_to_do", "ja",
        "事実を確認して \"yes\" 又は \"no\" に改めてください。\"yes\" ならこの期限の報告義務になり、"
        "\"no\" なら取り下げられます。表示の期限は \"yes\" の場合に適用される期限で、起算点は事実を"
        "改めた時点ではありません。",
        "en",
        "Settle the facts and answer \"yes\" or \"no\". With \"yes\" this becomes the report due by "
        "the deadline shown; with \"no\" it is withdrawn. The deadline shown is the one that applies "
        "if the answer is yes, and it does not start when the answer changes.");
    buf_release(&ja);
    buf_release(&en);
    return j;
}

json_t *rules_explain_dynamic(const struct ruleset *rs, const struct rules_result *res,
                              const json_t *report, int64_t now_ms, int64_t due_soon_ms)
{
    const struct rule *r = res->rule;
    const struct rule_stage *st = res->stage;
    json_t *facts = json_object();
    UNUSED(rs);
    bool holds = expr_eval(r->applies, report, facts);
    json_t *why = json_pack("{s:o}", "facts", facts);
    if (st->when) {
        json_t *stage_facts = json_object();
        holds = expr_eval(st->when, report, stage_facts) && holds;
        json_object_set_new(why, "stage_facts", stage_facts);
    }
    if (!holds) { /* which facts would change the answer (issue 11 item 6) */
        json_t *w = expr_would_change(r->applies, report);
        if (st->when) {
            json_t *sw = expr_would_change(st->when, report);
            json_array_extend(w, sw);
            json_decref(sw);
        }
        json_object_set_new(why, "would_apply_if", w);
    }
    json_t *j = json_pack("{s:s, s:{s:s}, s:s, s:b, s:o, s:o}", "rule_id", r->id, "stage", "id",
                          st->id, "status",
                          rules_status_name(rules_result_status(res, now_ms, due_soon_ms)),
                          "applies", res->applies, "why", why, "missing_fields",
                          missing_json(st, report));
    json_object_set_new(j, "deadline", res->applies ? deadline_json(r, st, res) : json_null());
    if (res->undetermined)
        json_object_set_new(j, "determination", rules_determination_json(res));
    return j;
}

json_t *rules_explain(const struct ruleset *rs, const struct rules_result *res,
                      const json_t *report, int64_t now_ms, int64_t due_soon_ms)
{
    json_t *j = rules_explain_dynamic(rs, res, report, now_ms, due_soon_ms);
    json_t *dl = json_object_get(j, "deadline");
    if (json_is_object(dl))
        json_object_set_new(dl, "explanation", rules_deadline_sentence(dl));
    json_t *st = static_part(res->rule, res->stage);
    json_object_update(j, st);
    json_object_set_new(json_object_get(j, "stage"), "name",
                        json_incref(json_object_get(st, "stage_name")));
    json_object_del(j, "stage_name");
    json_decref(st);
    return j;
}
