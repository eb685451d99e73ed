/*
 * render_ppc.c — the nine items of the PPC leak report (個人情報保護法施行規則8条1項; the same
 * nine for 速報 and 確報, reporting-regimes.md §1.4) and which report fields answer each one,
 * as one table; plus the header facts both renderings share.
 *
 * The mapping, item by item (pointers into the report format, docs/report-format.md):
 *   1 概要: description.summary and .details; classification.categories (and category_other);
 *     how and when it was discovered, current status, affected systems.
 *   2 項目: personal_data.data_items and their description; whether they include 要配慮個人情報
 *     (規則7条1号), data whose misuse may cause financial harm (7条2号) or My Number; the
 *     encryption status (data under 高度な暗号化 is outside 7条 altogether).
 *   3 本人の数: individuals_count with its basis (exact / estimate / upper bound), records,
 *     kinds of data subjects, residence.
 *   4 原因: response.root_cause; a possibly unlawful purpose (7条3号) and information being
 *     acquired (7条3号 as amended 2024); attack vectors and their details, CVEs, vulnerability
 *     details, malware, the threat actor, the origin.
 *   5 二次被害: personal_data.secondary_damage (occurred, description), likely consequences,
 *     and whether the attacker has published data.
 *   6 本人への対応: personal_data.individual_notification (status, dates, method, count, text).
 *   7 公表: personal_data.publication (status, date, URL).
 *   8 再発防止: response.recurrence_prevention; containment and mitigation done and ongoing,
 *     next steps, when the root cause was addressed, lessons learned.
 *   9 その他: response.other; the handling role (委託元/委託先) and when the controller was
 *     told; a delegated ministry; public-body status; police, other authorities, outside help;
 *     what changed in this version, reasons for delay, a third-party submitter.
 * An item none of whose fields is present is "not answered yet" (未記入), or "not given to
 * this recipient" when its fields lie in sections the recipient's view lacks (render_item).
 */
#include "render_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

const struct render_ppc_item render_ppc_items[RENDER_PPC_ITEMS] = {
    {1, "概要", "Summary of the incident"},
    {2, "漏えい等が発生し、又は発生したおそれがある個人データの項目",
     "Items of personal data leaked, lost or damaged (or possibly so)"},
    {3, "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
     "Number of individuals concerned"},
    {4, "原因", "Cause"},
    {5, "二次被害又はそのおそれの有無及びその内容", "Secondary damage or its risk, and its nature"},
    {6, "本人への対応の実施状況", "Response to the individuals concerned"},
    {7, "公表の実施状況", "Public announcement"},
    {8, "再発防止のための措置", "Measures to prevent recurrence"},
    {9, "その他参考となる事項", "Other relevant information"},
};

static const struct render_part item_summary[] = {{"/description/summary", true},
                                           {"/description/details", true},
                                           {"/classification/categories", false},
                                           {"/classification/category_other", false},
                                           {"/description/how_discovered", false},
                                           {"/description/discovery_details", false},
                                           {"/description/status", false},
                                           {"/description/affected_systems", false},
                                           {0}};
static const struct render_part item_data_items[] = {{"/personal_data/data_items", false},
                                              {"/personal_data/data_items_detail", false},
                                              {"/personal_data/sensitive", false},
                                              {"/personal_data/financial_harm_risk", false},
                                              {"/personal_data/my_number", false},
                                              {"/personal_data/encryption", false},
                                              {0}};
static const struct render_part item_individuals[] = {
    {"/personal_data/individuals_count", false}, {"/personal_data/individuals_count_basis", false},
    {"/personal_data/records_count", false},     {"/personal_data/data_subjects", false},
    {"/personal_data/residence", false},         {0}};
static const struct render_part item_cause[] = {{"/response/root_cause", true},
                                         {"/personal_data/unlawful_purpose", false},
                                         {"/personal_data/being_acquired", false},
                                         {"/threat/attack_vectors", false},
                                         {"/threat/vector_details", false},
                                         {"/threat/cves", false},
                                         {"/threat/vulnerability_details", false},
                                         {"/threat/malware_families", false},
                                         {"/threat/threat_actor", false},
                                         {"/description/origin", false},
                                         {0}};
static const struct render_part item_secondary[] = {{"/personal_data/secondary_damage", false},
                                             {"/personal_data/likely_consequences", false},
                                             {"/threat/ransomware/data_published", false},
                                             {0}};
static const struct render_part item_individual_response[] = {
    {"/personal_data/individual_notification", false}, {0}};
static const struct render_part item_publication[] = {{"/personal_data/publication", false}, {0}};
static const struct render_part item_prevention[] = {
    {"/response/recurrence_prevention", true}, {"/response/containment", false},
    {"/response/mitigation_applied", false},   {"/response/mitigation_ongoing", false},
    {"/response/next_steps", false},           {"/times/root_cause_addressed_at", false},
    {"/response/lessons_learned", false},      {0}};
static const struct render_part item_other[] = {{"/response/other", true},
                                         {"/personal_data/handling_role", false},
                                         {"/personal_data/controller_notified_at", false},
                                         {"/entity/delegated_ministry", false},
                                         {"/entity/public_body", false},
                                         {"/response/law_enforcement", false},
                                         {"/response/authorities_informed", false},
                                         {"/response/third_party_assistance", false},
                                         {"/envelope/change_summary", false},
                                         {"/envelope/reason_for_delay", false},
                                         {"/envelope/submitter", false},
                                         {0}};

static const struct render_part *const item_parts[RENDER_PPC_ITEMS] = {
    item_summary,     item_data_items, item_individuals,
    item_cause,       item_secondary,  item_individual_response,
    item_publication, item_prevention, item_other,
};

size_t render_ppc_item(const json_t *report, int i, bool ja, struct buf *out)
{
    return render_parts_text(report, render_ppc_parts(i), ja, out);
}

const struct render_part *render_ppc_parts(int i)
{
    BUG_ON(i < 0 || i >= RENDER_PPC_ITEMS);
    return item_parts[i];
}

/* ---- header facts ---- */

const char *render_str(const json_t *report, const char *pointer)
{
    return json_string_value(jsonx_ptr_get((json_t *)report, pointer));
}

const char *render_org_name(const json_t *report, bool ja)
{
    const char *mine = render_str(report, ja ? "/entity/name_ja" : "/entity/name_en");
    const char *other = render_str(report, ja ? "/entity/name_en" : "/entity/name_ja");
    return mine ? mine : other ? other : "";
}

const char *render_org_other_name(const json_t *report, bool ja)
{
    const char *mine = render_str(report, ja ? "/entity/name_ja" : "/entity/name_en");
    const char *other = render_str(report, ja ? "/entity/name_en" : "/entity/name_ja");
    return mine && other ? other : "";
}

void render_value_at(const json_t *report, const char *pointer, bool ja, struct buf *out)
{
    const json_t *v = jsonx_ptr_get((json_t *)report, pointer);
    struct render_fmt fmt = {.ja = ja};
    if (v)
        render_value(report_field_lookup(pointer), v, &fmt, out);
}

int64_t render_created_ms(const json_t *report, const struct render_meta *meta)
{
    const char *aware = render_str(report, "/times/aware_at");
    struct rtime_parsed t;
    if (meta->version_created_ms > 0)
        return meta->version_created_ms;
    if (aware && !rtime_parse_rfc3339(aware, strlen(aware), &t))
        return t.ms;
    return 0;
}
