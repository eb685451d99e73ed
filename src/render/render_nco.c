/*
 * render_nco.c — the items of the NCO common forms and which report fields answer each one
 * (issue 10 item 5), as one table the workbook walks.
 *
 * The forms: 「ランサムウェア事案共通様式」 and 「DDoS攻撃事案共通様式」, Excel files published by
 * 内閣官房国家サイバー統括室 (National Cybersecurity Office, NCO; formerly NISC) under its page
 * 「サイバー攻撃被害に係る情報の共有・報告の円滑化」, decided 2025-09-25 after a public comment
 * period (2025-07-10 to 08-09) and in force 2025-10-01; usable for APPI leak reports to the
 * PPC, consultations with prefectural police and other reports to 官公署, and shared with NCO
 * only with the victim's consent. NCO's own page could not be reached from where this was
 * written; the item list below is taken from these published accounts of it:
 *   - INTERNET Watch, 「DDoS攻撃、ランサムウェア被害のインシデント報告様式を統一し、被害組織の
 *     報告負担軽減へ。国家サイバー統括室」, 2025-10-02,
 *     https://internet.watch.impress.co.jp/docs/news/2051853.html
 *   - ニュートン・コンサルティング, 「サイバー攻撃被害報告、10月1日から共通様式での運用を開始
 *     NCO」, 2025-10, https://www.newton-consulting.co.jp/itilnavi/flash/id=8740 — the
 *     ransomware items: ランサムノート（スクリーンショット等でも可）, 暗号化されたファイルの拡張子,
 *     ランサムウェアの類型, 侵入方法, ランサムウェアの特徴（インディケータ情報）.
 *   - hspace173, 「共通様式の書き方総まとめ──DDoS／ランサム」, 2025-10-13 (secondary): the
 *     common items (overview, occurrence and discovery, status, impact on customers and
 *     business, initial measures, contacts) and the DDoS classes after MITRE ATT&CK — T1498
 *     network DoS, T1498.001 direct network flood, T1498.002 reflection/amplification,
 *     T1499.* endpoint/service exhaustion, other/unknown — with peak Gbps and pps, duration,
 *     mitigation and business impact.
 * (reference/reporting-regimes.md §2.3, sources S19–S25.)
 *
 * What is ours: the item numbers (共1…, R1…, D1…), the wording of every heading, the grouping
 * of the common items and which report fields answer each item are ichigen's, written from the
 * accounts above; the form's own cell layout and numbering are not reproduced. The workbook's
 * subtitle says so (render_form_title).
 */
#include "render_int.h"
#include "../core/jsonx.h"

/* ---- the common items (共通項目) ---- */

static const struct render_part c_summary[] = {
    {"/description/summary", true},           {"/description/details", true},
    {"/classification/categories", false},    {"/classification/category_other", false},
    {"/description/affected_systems", false}, {0}};
static const struct render_part c_occurred[] = {
    {"/times/occurred_at", false}, {"/times/occurred_until", false}, {0}};
static const struct render_part c_discovered[] = {{"/times/detected_at", false},
                                                  {"/times/aware_at", false},
                                                  {"/description/how_discovered", false},
                                                  {"/description/discovery_details", false},
                                                  {0}};
static const struct render_part c_status[] = {
    {"/description/status", false},        {"/times/contained_at", false},
    {"/times/recovered_at", false},        {"/times/resolved_at", false},
    {"/description/bcp_activated", false}, {0}};
static const struct render_part c_customers[] = {
    {"/impact/users_affected", false},           {"/impact/services", false},
    {"/impact/client_financial_impact", false},  {"/personal_data/involved", false},
    {"/personal_data/individuals_count", false}, {"/personal_data/individuals_count_basis", false},
    {"/personal_data/data_items", false},        {0}};
static const struct render_part c_business[] = {{"/impact/services_affected", false},
                                                {"/impact/business_functions", false},
                                                {"/impact/infrastructure_components", false},
                                                {"/impact/outage_minutes", false},
                                                {"/impact/ci_service_level_deviation", false},
                                                {"/impact/ripple_effects", false},
                                                {"/impact/financial", false},
                                                {0}};
static const struct render_part c_measures[] = {
    {"/response/containment", true},           {"/response/mitigation_applied", false},
    {"/response/mitigation_ongoing", false},   {"/response/law_enforcement", false},
    {"/response/authorities_informed", false}, {"/response/third_party_assistance", false},
    {"/response/next_steps", false},           {0}};
/* The forms are shared with NCO only with the victim's consent (reference §2.3). */
static const struct render_part c_consent[] = {{"/confidentiality/consent/onward_sharing", false},
                                               {"/confidentiality/consent/share_with", false},
                                               {"/confidentiality/consent/share_indicators", false},
                                               {0}};

/* ---- ransomware (ランサムウェア事案共通様式) ---- */

static const struct render_part r_note[] = {{"/threat/ransomware/note_text", true}, {0}};
static const struct render_part r_extension[] = {{"/threat/ransomware/encrypted_extension", true},
                                                 {0}};
static const struct render_part r_type[] = {{"/threat/ransomware/types", false},
                                            {"/ransom/demanded", false},
                                            {"/ransom/demand", false},
                                            {"/threat/ransomware/leak_site_url", false},
                                            {"/threat/ransomware/data_published", false},
                                            {0}};
static const struct render_part r_intrusion[] = {{"/threat/attack_vectors", false},
                                                 {"/threat/vector_details", false},
                                                 {"/threat/cves", false},
                                                 {"/threat/vulnerability_details", false},
                                                 {0}};
static const struct render_part r_indicators[] = {{"/threat/ransomware/family", false},
                                                  {"/threat/malware_families", false},
                                                  {"/threat/attack_techniques", false},
                                                  {"/threat/indicators", false},
                                                  {0}};

/* ---- DDoS (DDoS攻撃事案共通様式) ---- */

/* with the ATT&CK ids: the form classifies by them */
static const struct render_part d_class[] = {{"/threat/ddos/techniques", true, true}, {0}};
static const struct render_part d_volume[] = {{"/threat/ddos/peak_gbps", false},
                                              {"/threat/ddos/peak_pps", false},
                                              {"/threat/ddos/peak_rps", false},
                                              {0}};
static const struct render_part d_duration[] = {{"/threat/ddos/started_at", false},
                                                {"/threat/ddos/ended_at", false},
                                                {"/threat/ddos/duration_minutes", false},
                                                {0}};
static const struct render_part d_targets[] = {{"/threat/ddos/targets", true}, {0}};
static const struct render_part d_mitigation[] = {{"/threat/ddos/mitigation", true}, {0}};

#define R RENDER_NCO_RANSOMWARE
#define D RENDER_NCO_DDOS

const struct render_item_def render_nco_items[] = {
    {"共1", "事案の概要", "Summary of the incident", 0, c_summary},
    {"共2", "発生日時", "Time of occurrence", 0, c_occurred},
    {"共3", "発見日時・発見の経緯", "Time and manner of discovery", 0, c_discovered},
    {"共4", "現在の状況", "Current status", 0, c_status},
    {"共5", "顧客への影響", "Impact on customers", 0, c_customers},
    {"共6", "業務への影響", "Impact on business", 0, c_business},
    {"共7", "初動対応", "Initial measures", 0, c_measures},
    {"共8", "情報共有への同意", "Consent to sharing", 0, c_consent},
    {"R1", "ランサムノート（脅迫文）", "Ransom note", R, r_note},
    {"R2", "暗号化されたファイルの拡張子", "Extension of encrypted files", R, r_extension},
    {"R3", "ランサムウェアの類型（暗号化・リークサイト等での脅迫・金銭要求）",
     "Ransomware type (encryption, leak-site threat, demand)", R, r_type},
    {"R4", "侵入方法", "Intrusion method", R, r_intrusion},
    {"R5", "ランサムウェアの特徴（インディケータ情報）", "Characteristics (indicators)", R,
     r_indicators},
    {"D1", "攻撃の分類（MITRE ATT&CK）",
     "Attack class (MITRE ATT&CK T1498, T1498.001, T1498.002, T1499.*, other / unknown)", D,
     d_class},
    {"D2", "攻撃の規模（最大通信量・パケット数）", "Volume (peak Gbps, pps)", D, d_volume},
    {"D3", "攻撃の期間", "Duration", D, d_duration},
    {"D4", "攻撃対象", "Targets", D, d_targets},
    {"D5", "緩和策", "Mitigation", D, d_mitigation},
};
const size_t render_nco_item_count = ARRAY_SIZE(render_nco_items);

#undef R
#undef D

unsigned render_nco_kinds(const json_t *report)
{
    const json_t *cats = jsonx_ptr_get((json_t *)report, "/classification/categories");
    unsigned kinds = 0;
    size_t i;
    const json_t *c;
    json_array_foreach(cats, i, c)
    {
        const char *s = json_string_value(c);
        if (s && !strcmp(s, "ransomware"))
            kinds |= RENDER_NCO_RANSOMWARE;
        else if (s && !strcmp(s, "ddos"))
            kinds |= RENDER_NCO_DDOS;
    }
    return kinds;
}
