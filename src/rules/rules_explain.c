/*
 * rules_explain.c — the explanation of one evaluated (rule, stage): every deadline shown can be
 * explained by rule, anchor, calendar and citation (PRODUCT.md, "What good means").
 */
#include "rules_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

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
    rules_format_local(z, ms, s, sizeof(s));
    return json_string(s);
}

static json_t *citation_json(const struct citation *c)
{
    json_t *j = json_pack("{s:o}", "title", text2_json(c->title));
    json_object_set_new(j, "article", c->article ? json_string(c->article) : json_null());
    json_object_set_new(j, "url", c->url ? json_string(c->url) : json_null());
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
        [A_PREVIOUS_STAGE] = "前の段階の提出日時",
    };
    return names[a];
}

/* One sentence each in English and Japanese saying how the deadline was reached. */
static json_t *sentence(const struct rule *r, const struct rule_stage *st,
                        const struct rules_result *res, int offset, enum dl_unit unit)
{
    char en[600], ja[600], at[48] = "", due[48] = "";
    const char *zone = tz_name(r->recipient->tz);
    if (res->anchor_ms)
        rules_format_local(r->recipient->tz, res->anchor_ms, at, sizeof(at));
    if (res->due_state == DUE_SET)
        rules_format_local(r->recipient->tz, res->due_ms, due, sizeof(due));
    switch (res->due_state) {
    case DUE_NO_DEADLINE:
        snprintf(en, sizeof(en), "No deadline: this stage is due on request or when applicable.");
        snprintf(ja, sizeof(ja), "期限はありません（求めに応じて、又は該当時に提出）。");
        break;
    case DUE_ANCHOR_MISSING:
        snprintf(en, sizeof(en), "Not yet determined: the report has no %s time yet.",
                 rules_anchor_names[st->dl.main.anchor]);
        snprintf(ja, sizeof(ja), "未確定: 報告に%sがまだありません。", anchor_ja(st->dl.main.anchor));
        break;
    case DUE_AWAITING_PREVIOUS:
        snprintf(en, sizeof(en), "Not yet determined: %d %s after the previous stage is submitted.",
                 offset, rules_unit_names[unit]);
        snprintf(ja, sizeof(ja), "未確定: 前の段階の提出から%d%s後。", offset, unit_ja(unit));
        break;
    case DUE_CALENDAR_GAP:
        snprintf(en, sizeof(en), "Not determined: the calendar does not cover these dates.");
        snprintf(ja, sizeof(ja), "算定できません: カレンダーがこの期間を収録していません。");
        break;
    default:
        snprintf(en, sizeof(en), "%d %s after %s (%s), due %s (%s)%s%s.", offset,
                 rules_unit_names[unit], rules_anchor_names[st->dl.main.anchor], at, due, zone,
                 res->capped ? ", capped" : "", res->rolled ? ", moved off a non-working day" : "");
        snprintf(ja, sizeof(ja), "%s（%s）から%d%s後、%s（%s）まで%s%s。",
                 anchor_ja(st->dl.main.anchor), at, offset, unit_ja(unit), due, zone,
                 res->capped ? "（上限を適用）" : "", res->rolled ? "（休日のため繰り延べ）" : "");
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
        variant = json_pack("{s:s, s:i, s:s, s:o}", "condition", expr_source(v->when), "offset",
                            v->offset, "unit", rules_unit_names[v->unit], "reason",
                            text2_json(v->reason));
    }
    json_t *j = json_pack("{s:s, s:s, s:o, s:o}", "kind", rules_kind_names[dl->kind], "state",
                          rules_due_state_name(res->due_state), "variant", variant, "explanation",
                          sentence(r, st, res, offset, unit));
    bool set = res->due_state == DUE_SET;
    json_object_set_new(j, "due_at", set ? utc_json(res->due_ms) : json_null());
    json_object_set_new(j, "due_local", set ? local_json(r->recipient->tz, res->due_ms) : json_null());
    json_object_set_new(j, "timezone", json_string(tz_name(r->recipient->tz)));
    if (dl->kind != DL_NONE) {
        json_object_set_new(j, "anchor",
                            json_pack("{s:s, s:o, s:o}", "name", rules_anchor_names[dl->main.anchor],
                                      "field", res->anchor_source ? json_string(res->anchor_source)
                                                                  : json_null(),
                                      "at", res->anchor_ms ? utc_json(res->anchor_ms) : json_null()));
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

static json_t *required_json(const struct rule_stage *st, const json_t *report, size_t *missing)
{
    json_t *a = json_array();
    *missing = 0;
    for (size_t i = 0; i < st->nrequired; i++) {
        const char *p = st->required[i];
        bool present;
        const char *dash = strstr(p, "/-");
        if (dash) { /* "/threat/indicators/-/value": present when some item has it */
            char arr[300], rest[300];
            size_t alen = (size_t)(dash - p);
            snprintf(arr, sizeof(arr), "%.*s", (int)alen, p);
            snprintf(rest, sizeof(rest), "%s", dash + 2);
            const json_t *items = jsonx_ptr_get((json_t *)report, arr);
            present = false;
            for (size_t k = 0; json_is_array(items) && k < json_array_size(items) && !present; k++)
                present = !rest[0] || jsonx_ptr_get(json_array_get(items, k), rest);
        } else {
            present = jsonx_ptr_get((json_t *)report, p) != NULL;
        }
        *missing += !present;
        json_array_append_new(a, json_pack("{s:s, s:b}", "pointer", p, "present", present));
    }
    return a;
}

json_t *rules_explain(const struct ruleset *rs, const struct rules_result *res,
                      const json_t *report, int64_t now_ms, int64_t due_soon_ms)
{
    const struct rule *r = res->rule;
    const struct rule_stage *st = res->stage;
    const struct recipient *rc = r->recipient;
    json_t *facts = json_object(), *stage_facts = json_object();
    size_t missing;
    UNUSED(rs);
    expr_eval(r->applies, report, facts);
    if (st->when)
        expr_eval(st->when, report, stage_facts);
    json_t *why = json_pack("{s:s, s:o}", "condition", expr_source(r->applies), "facts", facts);
    if (st->when) {
        json_object_set_new(why, "stage_condition", json_string(expr_source(st->when)));
        json_object_set_new(why, "stage_facts", stage_facts);
    } else {
        json_decref(stage_facts);
    }
    json_t *cits = json_array();
    for (size_t i = 0; i < r->ncit; i++)
        json_array_append_new(cits, citation_json(&r->cit[i]));
    if (st->citation)
        json_array_append_new(cits, citation_json(st->citation));
    json_t *ver = verification_json(r->ver, r->nver);
    for (size_t i = 0; i < rc->nver; i++)
        json_array_append_new(ver, json_pack("{s:s, s:o}", "marker",
                                             rc->ver[i].unconfirmed ? "UNCONFIRMED" : "VERIFY",
                                             "note", text2_json(rc->ver[i].note)));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:b, s:o, s:{s:s, s:o, s:s, s:s}, s:{s:s, s:o}, s:s, s:b}",
        "rule_id", r->id, "regime", r->regime, "jurisdiction", r->jurisdiction, "rule_status",
        rules_state_names[r->state], "mandatory", r->mandatory, "title", text2_json(r->title),
        "recipient", "id", rc->id, "name", text2_json(rc->name), "kind", rc->kind, "timezone",
        tz_name(rc->tz), "stage", "id", st->id, "name", text2_json(st->name), "status",
        rules_status_name(rules_result_status(res, now_ms, due_soon_ms)), "applies", res->applies);
    json_object_set_new(j, "deadline", res->applies ? deadline_json(r, st, res) : json_null());
    json_object_set_new(j, "why", why);
    json_object_set_new(j, "citations", cits);
    json_object_set_new(j, "verification", ver);
    json_object_set_new(j, "notes", text2_json(r->notes));
    json_object_set_new(j, "required_fields", required_json(st, report, &missing));
    json_object_set_new(j, "missing_fields", json_integer((json_int_t)missing));
    json_object_set_new(j, "source_file", json_string(r->file));
    return j;
}
