/*
 * report.h — the unified incident report format, version 1: its field table, validation,
 * index extraction, and the generated JSON Schema and field reference.
 *
 * What it is: pure domain code. It takes a parsed JSON document, limits and "now", and says
 * whether the document is a valid report, listing every problem. What it is not: storage,
 * HTTP, or the rules that decide which stage a recipient needs (that is src/rules/, issue 3).
 * Who calls it: http/ (create, amend, validate), cli/ (ichigen report …), tests, fuzz/, bench/.
 *
 * The format is declared once, as a table of fields (report_fields.c) in the vocabulary of the
 * validation engine (src/schema/schema.h). Validation (the engine's walk, then this module's
 * cross-field rules), the JSON Schema file (schema/report-v1.schema.json) and the field
 * reference in docs/report-format.md are all derived from that table; a test keeps the
 * committed files in step with it.
 *
 * Staging: every version must carry the early-warning core (reference/reporting-regimes.md §7,
 * last paragraph), marked RF_REQUIRED; everything else may arrive in later versions.
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/verr.h"
#include "../schema/schema.h"

#define REPORT_FORMAT_VERSION "1"
/* Revision of version 1: bumped by every compatible addition (new optional fields or values;
 * docs/report-format.md §2 lists what each revision added). Documents say only the version
 * ("1"); the revision tells a sender which fields this server knows. */
#define REPORT_FORMAT_REVISION "1.3"

/* Kinds of reporting organisations, shared by the report format (/entity/kind) and account
 * organisations (which add receiving authorities and the platform operator). */
#define REPORT_ORG_KINDS                                                                           \
    {"company", "民間企業", "company"}, {"listed_company", "上場企業", "listed company"},           \
        {"sme", "中小企業", "small or medium enterprise"},                                       \
        {"municipality", "市区町村", "municipality"}, {"prefecture", "都道府県", "prefecture"},    \
        {"national_agency", "国の行政機関", "national government agency"},                       \
        {"independent_agency", "独立行政法人等", "incorporated administrative agency"},          \
        {"hospital", "医療機関", "hospital or clinic"},                                          \
        {"school", "教育機関", "school or university"},                                          \
        {"nonprofit", "非営利団体", "non-profit organisation"}

/* The root of the report format (an RF_OBJECT). */
extern const struct rf_field report_root;
extern const struct rf_enum report_tri_values[];
extern const struct rf_enum report_ci_sector_values[];
extern const struct rf_enum report_category_values[];
extern const struct rf_enum report_tlp_values[];
extern const struct rf_enum report_indicator_type_values[];
extern const struct rf_enum report_section_values[]; /* sections delivery can withhold */

/*
 * Validates a parsed report: the engine's walk over report_root, then the cross-field rules.
 * Adds every problem to errs (pointer, code, en, ja) and returns the number added (0 = valid).
 * now_ms is the reference for "in the future". Never modifies doc.
 */
size_t report_validate(const json_t *doc, const struct schema_limits *lim, int64_t now_ms,
                       struct verr_list *errs);

/*
 * Facts the store indexes for listing and filtering, taken from a valid report. Strings are
 * borrowed from doc (valid while doc lives) except categories, which is written into the
 * caller's buffer as ",a,b," so a LIKE '%,x,%' filter works.
 */
struct report_index {
    const char *phase;
    bool drill;
    const char *summary;
    int64_t aware_at_ms; /* 0 when absent (cannot happen for a valid report) */
    char categories[512];
    const char *tlp;
    const char *change_summary;
};
void report_index_extract(const json_t *doc, struct report_index *ix);

/* Generated artefacts: the JSON Schema (2020-12) of the format, and the Markdown field
 * reference. Both are deterministic. report_schema returns a new reference. */
json_t *report_schema(void);
void report_fields_markdown(struct buf *out);

/* Looks a field of the report format up by a schema path such as "/times/aware_at" (array
 * items as "/-"): schema_lookup(&report_root, path). NULL if there is none. */
const struct rf_field *report_field_lookup(const char *path);

#endif
