/*
 * rules_tables.c — the structure of recipient and rule files as field tables, checked with the
 * report validator's engine (so data files get the same gather-all errors as reports), and the
 * names of anchors, units, kinds, rolls and statuses.
 */
#include "rules_int.h"
#include "../report/report.h"
#include "../schema/schema.h"

const char *const rules_anchor_names[A__COUNT] = {
    [A_OCCURRED] = "occurred", [A_DETECTED] = "detected", [A_AWARE] = "aware",
    [A_PD_AWARE] = "personal_data_aware", [A_CLASSIFIED_MAJOR] = "classified_major",
    [A_MATERIALITY] = "materiality_determined", [A_SIGNIFICANCE] = "significance_assessed",
    [A_CONTAINED] = "contained", [A_RECOVERED] = "recovered", [A_RESOLVED] = "resolved",
    [A_CLOSED] = "closed", [A_CORRECTIVE] = "corrective_measure_available",
    [A_RANSOM_PAID] = "ransom_paid", [A_AWARE_YEAR_END] = "aware_year_end",
    [A_PD_AWARE_YEAR_END] = "personal_data_aware_year_end",
    [A_PREVIOUS_STAGE] = "previous_stage", [A_SEC_INFORMATION] = "sec_information_determined",
};
const char *const rules_unit_names[] = {"hours", "calendar_days", "business_days", "months"};
const char *const rules_kind_names[] = {"legal", "target", "none"};
const char *const rules_roll_names[] = {"none", "next_business_day", "next_business_day_noon"};
const char *const rules_state_names[] = {"in_force", "proposed", "pending_ordinance"};

#define E(v) {v, v, v}
static const struct rf_enum anchor_values[] = {
    E("occurred"), E("detected"), E("aware"), E("personal_data_aware"), E("classified_major"),
    E("materiality_determined"), E("significance_assessed"), E("contained"), E("recovered"),
    E("resolved"), E("closed"), E("corrective_measure_available"), E("ransom_paid"),
    E("aware_year_end"), E("personal_data_aware_year_end"), E("previous_stage"),
    E("sec_information_determined"), {0}};
static const struct rf_enum unit_values[] = {E("hours"), E("calendar_days"), E("business_days"),
                                             E("months"), {0}};
static const struct rf_enum kind_values[] = {E("legal"), E("target"), E("none"), {0}};
static const struct rf_enum roll_values[] = {E("none"), E("next_business_day"),
                                             E("next_business_day_noon"), {0}};
static const struct rf_enum state_values[] = {E("in_force"), E("proposed"),
                                              E("pending_ordinance"), {0}};
static const struct rf_enum marker_values[] = {E("VERIFY"), E("UNCONFIRMED"), {0}};
static const struct rf_enum regime_values[] = {
    E("PPC"), E("NCO"), E("ACD"), E("CI_JP"), E("POLICE"), E("LG_JP"), E("N2"), E("DO"),
    E("CRA"), E("GD"), E("UK"), E("CI"), E("SEC"), E("HI"), E("FTC"), {0}};
static const struct rf_enum jurisdiction_values[] = {E("JP"), E("EU"), E("US"), E("UK"), {0}};
static const struct rf_enum recipient_kind_values[] = {
    E("regulator"), E("ministry"), E("csirt"), E("police"), E("local_government"),
    E("individuals"), E("media"), E("other"), {0}};
static const struct rf_enum channel_values[] = {E("webhook"), E("inbox"), E("document"), {0}};
static const struct rf_enum format_values[] = {E("json"), E("xlsx"), E("pdf"), {0}};
/* The authority's own form a workbook follows (src/render/render.h, enum render_form); a
 * recipient without one gets ichigen's unified layout, titled as such. */
static const struct rf_enum form_values[] = {E("jp-ppc-art8"), E("jp-nco-common"), {0}};
static const struct rf_enum rules_format_values[] = {E("ichigen-rules/1"), {0}};
static const struct rf_enum recipients_format_values[] = {E("ichigen-recipients/1"), {0}};
static const struct rf_enum sources_format_values[] = {E("ichigen-sources/1"), {0}};
#undef E

#define F(n, t, fl, kids, vals, fmt, mn, mx, en)                                                   \
    {n, t, fl, kids, vals, fmt, mn, mx, en, en, NULL}

static const struct rf_field text2_fields[] = {
    F("ja", RF_TEXT, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 4000, "Japanese"),
    F("en", RF_TEXT, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 4000, "English"),
    {0}};
#define TEXT2(n, fl, en) F(n, RF_OBJECT, fl, text2_fields, NULL, RFMT_NONE, 0, 0, en)

static const struct rf_field verification_fields[] = {
    F("marker", RF_ENUM, RF_REQUIRED, NULL, marker_values, RFMT_NONE, 0, 0, "marker"),
    TEXT2("note", RF_REQUIRED, "note"),
    {0}};
static const struct rf_field verification_item =
    F("", RF_OBJECT, 0, verification_fields, NULL, RFMT_NONE, 0, 0, "verification");

static const struct rf_field citation_fields[] = {
    TEXT2("title", RF_REQUIRED, "title"),
    F("article", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "article"),
    /* the article in English, so English output does not print only 「第23条（報告義務）」
     * (issue 11 item 5); `article` keeps the designation in the source's own language */
    F("article_en", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "article_en"),
    F("url", RF_STRING, 0, NULL, NULL, RFMT_URL, 0, 2048, "url"),
    {0}};
static const struct rf_field citation_item =
    F("", RF_OBJECT, 0, citation_fields, NULL, RFMT_NONE, 0, 0, "citation");

static const struct rf_field span_fields[] = {
    F("anchor", RF_ENUM, RF_REQUIRED, NULL, anchor_values, RFMT_NONE, 0, 0, "anchor"),
    F("offset", RF_INTEGER, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 100000, "offset"),
    F("unit", RF_ENUM, RF_REQUIRED, NULL, unit_values, RFMT_NONE, 0, 0, "unit"),
    {0}};

static const struct rf_field variant_fields[] = {
    F("when", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 4096, "when"),
    F("offset", RF_INTEGER, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 100000, "offset"),
    F("unit", RF_ENUM, RF_REQUIRED, NULL, unit_values, RFMT_NONE, 0, 0, "unit"),
    TEXT2("reason", RF_REQUIRED, "reason"),
    {0}};
static const struct rf_field variant_item =
    F("", RF_OBJECT, 0, variant_fields, NULL, RFMT_NONE, 0, 0, "variant");

static const struct rf_field deadline_fields[] = {
    F("kind", RF_ENUM, RF_REQUIRED, NULL, kind_values, RFMT_NONE, 0, 0, "kind"),
    F("anchor", RF_ENUM, 0, NULL, anchor_values, RFMT_NONE, 0, 0, "anchor"),
    F("offset", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 0, 100000, "offset"),
    F("unit", RF_ENUM, 0, NULL, unit_values, RFMT_NONE, 0, 0, "unit"),
    F("due_time", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 5, "due_time"),
    F("cap", RF_OBJECT, 0, span_fields, NULL, RFMT_NONE, 0, 0, "cap"),
    F("variants", RF_ARRAY, 0, &variant_item, NULL, RFMT_NONE, 0, 20, "variants"),
    {0}};

static const struct rf_field pointer_item = F("", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 300, "pointer");

static const struct rf_field stage_fields[] = {
    F("id", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 40, "id"),
    TEXT2("name", RF_REQUIRED, "name"),
    F("when", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 4096, "when"),
    F("deadline", RF_OBJECT, RF_REQUIRED, deadline_fields, NULL, RFMT_NONE, 0, 0, "deadline"),
    F("calendar", RF_STRING, 0, NULL, NULL, RFMT_IDENT, 0, 64, "calendar"),
    F("roll", RF_ENUM, 0, NULL, roll_values, RFMT_NONE, 0, 0, "roll"),
    F("required_fields", RF_ARRAY, RF_UNIQUE, &pointer_item, NULL, RFMT_NONE, 0, 200,
      "required_fields"),
    F("citation", RF_OBJECT, 0, citation_fields, NULL, RFMT_NONE, 0, 0, "citation"),
    F("on_request", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "on_request"),
    {0}};
static const struct rf_field stage_item = F("", RF_OBJECT, 0, stage_fields, NULL, RFMT_NONE, 0, 0, "stage");

static const struct rf_field rule_fields[] = {
    F("id", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 64, "id"),
    F("regime", RF_ENUM, RF_REQUIRED, NULL, regime_values, RFMT_NONE, 0, 0, "regime"),
    F("jurisdiction", RF_ENUM, RF_REQUIRED, NULL, jurisdiction_values, RFMT_NONE, 0, 0,
      "jurisdiction"),
    TEXT2("title", RF_REQUIRED, "title"),
    F("recipient", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 64, "recipient"),
    F("status", RF_ENUM, RF_REQUIRED, NULL, state_values, RFMT_NONE, 0, 0, "status"),
    F("mandatory", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "mandatory"),
    /* false: a fact answered "unknown" does not make this rule a determination (issue 11 item
     * 1) — for rules with their own "decide" recommendation (jp.appi.*-undetermined) */
    F("determination", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "determination"),
    F("valid_from", RF_DATE, 0, NULL, NULL, RFMT_NONE, 0, 0, "valid_from"),
    F("valid_until", RF_DATE, 0, NULL, NULL, RFMT_NONE, 0, 0, "valid_until"),
    F("applies_when", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 4096, "applies_when"),
    F("verification", RF_ARRAY, 0, &verification_item, NULL, RFMT_NONE, 0, 50, "verification"),
    F("citations", RF_ARRAY, RF_REQUIRED, &citation_item, NULL, RFMT_NONE, 1, 20, "citations"),
    TEXT2("notes", 0, "notes"),
    F("stages", RF_ARRAY, RF_REQUIRED, &stage_item, NULL, RFMT_NONE, 1, 20, "stages"),
    {0}};
static const struct rf_field rule_item = F("", RF_OBJECT, 0, rule_fields, NULL, RFMT_NONE, 0, 0, "rule");

static const struct rf_field rules_file_fields[] = {
    F("format", RF_ENUM, RF_REQUIRED, NULL, rules_format_values, RFMT_NONE, 0, 0, "format"),
    F("rules", RF_ARRAY, RF_REQUIRED, &rule_item, NULL, RFMT_NONE, 1, 1000, "rules"),
    {0}};
const struct rf_field rules_file_root =
    F("", RF_OBJECT, 0, rules_file_fields, NULL, RFMT_NONE, 0, 0, "rule file");

static const struct rf_field section_item =
    F("", RF_ENUM, 0, NULL, report_section_values, RFMT_NONE, 0, 0, "section");
static const struct rf_field format_item =
    F("", RF_ENUM, 0, NULL, format_values, RFMT_NONE, 0, 0, "format");
/* How a recipient receives (docs/rules-authoring.md, "Delivery"): the channel, the report
 * sections it is given, the renderings it accepts, and a default webhook endpoint (operators
 * set real endpoints and secrets in their delivery file, not in shipped data). */
static const struct rf_field delivery_fields[] = {
    F("channel", RF_ENUM, RF_REQUIRED, NULL, channel_values, RFMT_NONE, 0, 0, "channel"),
    F("sections", RF_ARRAY, RF_REQUIRED | RF_UNIQUE, &section_item, NULL, RFMT_NONE, 1, 11,
      "sections"),
    F("formats", RF_ARRAY, RF_UNIQUE, &format_item, NULL, RFMT_NONE, 1, 3, "formats"),
    F("endpoint", RF_STRING, 0, NULL, NULL, RFMT_URL, 0, 2048, "endpoint"),
    F("form", RF_ENUM, 0, NULL, form_values, RFMT_NONE, 0, 0, "form"),
    {0}};

static const struct rf_field recipient_fields[] = {
    F("id", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 64, "id"),
    TEXT2("name", RF_REQUIRED, "name"),
    F("jurisdiction", RF_ENUM, RF_REQUIRED, NULL, jurisdiction_values, RFMT_NONE, 0, 0,
      "jurisdiction"),
    F("kind", RF_ENUM, RF_REQUIRED, NULL, recipient_kind_values, RFMT_NONE, 0, 0, "kind"),
    F("timezone", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_TZ, 0, 64, "timezone"),
    F("calendar", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 64, "calendar"),
    F("url", RF_STRING, 0, NULL, NULL, RFMT_URL, 0, 2048, "url"),
    TEXT2("notes", 0, "notes"),
    F("verification", RF_ARRAY, 0, &verification_item, NULL, RFMT_NONE, 0, 50, "verification"),
    F("delivery", RF_OBJECT, RF_REQUIRED, delivery_fields, NULL, RFMT_NONE, 0, 0, "delivery"),
    {0}};
static const struct rf_field recipient_item =
    F("", RF_OBJECT, 0, recipient_fields, NULL, RFMT_NONE, 0, 0, "recipient");

static const struct rf_field recipients_file_fields[] = {
    F("format", RF_ENUM, RF_REQUIRED, NULL, recipients_format_values, RFMT_NONE, 0, 0, "format"),
    F("recipients", RF_ARRAY, RF_REQUIRED, &recipient_item, NULL, RFMT_NONE, 1, 1000, "recipients"),
    {0}};
const struct rf_field rules_recipients_root =
    F("", RF_OBJECT, 0, recipients_file_fields, NULL, RFMT_NONE, 0, 0, "recipients file");

/* data/sources.json: the official domains whose pages count as primary sources (issue 11 item
 * 5). Each entry says whose domain it is and why it is official, so a reviewer can check it. */
static const struct rf_field domain_fields[] = {
    F("host", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 1, 253, "host"),
    TEXT2("name", RF_REQUIRED, "name"),
    TEXT2("reason", RF_REQUIRED, "reason"),
    {0}};
static const struct rf_field domain_item =
    F("", RF_OBJECT, 0, domain_fields, NULL, RFMT_NONE, 0, 0, "domain");
static const struct rf_field sources_file_fields[] = {
    F("format", RF_ENUM, RF_REQUIRED, NULL, sources_format_values, RFMT_NONE, 0, 0, "format"),
    F("domains", RF_ARRAY, RF_REQUIRED, &domain_item, NULL, RFMT_NONE, 1, 500, "domains"),
    {0}};
const struct rf_field rules_sources_root =
    F("", RF_OBJECT, 0, sources_file_fields, NULL, RFMT_NONE, 0, 0, "sources file");

int rules_name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && s && !strcmp(names[i], s))
            return (int)i;
    return -1;
}
