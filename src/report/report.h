/*
 * report.h — the unified incident report format, version 1: its field table, validation,
 * index extraction, and the generated JSON Schema and field reference.
 *
 * What it is: pure domain code. It takes a parsed JSON document, limits and "now", and says
 * whether the document is a valid report, listing every problem. What it is not: storage,
 * HTTP, or the rules that decide which stage a recipient needs (that is src/rules/, issue 3).
 * Who calls it: http/ (create, amend, validate), cli/ (ichigen report …), tests, fuzz/, bench/.
 *
 * The format is declared once, as a table of fields (report_fields.c). Validation, the JSON
 * Schema file (schema/report-v1.schema.json) and the field reference in docs/report-format.md
 * are all derived from that table; a test keeps the committed files in step with it.
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

#define REPORT_FORMAT_VERSION "1"

enum rf_type {
    RF_OBJECT,
    RF_ARRAY,
    RF_STRING,  /* single line: no control characters */
    RF_TEXT,    /* free text: newlines and tabs allowed */
    RF_INTEGER, /* JSON integer */
    RF_NUMBER,  /* JSON number (integer or real) */
    RF_BOOL,
    RF_TRI,     /* "yes" / "no" / "unknown": facts an early report may not know yet */
    RF_ENUM,
    RF_TIME,    /* RFC 3339 date-time with a mandatory UTC offset */
    RF_DATE,    /* RFC 3339 full-date */
};

/* Syntactic formats for strings, checked beyond length. */
enum rf_format {
    RFMT_NONE = 0,
    RFMT_EMAIL,
    RFMT_PHONE,
    RFMT_URL,
    RFMT_CORPORATE_NUMBER, /* 法人番号: 13 digits with check digit (国税庁 specification) */
    RFMT_LEI,              /* ISO 17442: 20 characters, ISO 7064 MOD 97-10 */
    RFMT_COUNTRY,          /* ISO 3166-1 alpha-2 */
    RFMT_CURRENCY,         /* ISO 4217 alphabetic code */
    RFMT_ASSET,            /* ISO 4217 code or a crypto-asset ticker (BTC, XMR …) */
    RFMT_CVE,              /* CVE-YYYY-NNNN… */
    RFMT_ATTACK_ID,        /* MITRE ATT&CK technique id, T1234 or T1234.001 */
    RFMT_PREFECTURE,       /* ISO 3166-2:JP, JP-01 … JP-47 */
    RFMT_IDENT,            /* lower-case identifier: recipient ids and the like */
    RFMT_TZ,               /* IANA time-zone name */
    RFMT_FILE_EXT,         /* a file-name extension such as ".lockbit" */
    RFMT_SECURITIES_CODE,  /* Japanese securities code: 4 characters, e.g. 7203 or 130A */
};

#define RF_REQUIRED 0x1u /* part of the early-warning core: present in every version */
#define RF_UNIQUE 0x2u   /* array: items must be distinct */
#define RF_FUTURE 0x4u   /* time: may lie in the future (a deadline), though not beyond 10 years */

struct rf_enum {
    const char *value;
    const char *ja;
    const char *en;
};

struct rf_field {
    const char *name;
    enum rf_type type;
    unsigned flags;
    const struct rf_field *fields; /* RF_OBJECT: members, ended by {0}; RF_ARRAY: the item */
    const struct rf_enum *values;  /* RF_ENUM: ended by {0} */
    enum rf_format format;
    int64_t min; /* RF_ARRAY: fewest items; RF_INTEGER/RF_NUMBER: minimum */
    int64_t max; /* strings: most characters; RF_ARRAY: most items; numbers: maximum; 0 = default */
    const char *ja;
    const char *en;
    const char *regimes; /* which regimes ask for it (documentation only), e.g. "PPC N2 DO" */
};

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

struct report_limits {
    int64_t max_string_chars; /* caps every string, whatever the field allows */
    int64_t max_array_items;  /* caps every array */
    int64_t future_skew_ms;   /* times later than now + this are impossible */
    size_t max_errors;        /* problems reported before the rest are only counted */
};

void report_limits_default(struct report_limits *lim);

/*
 * Validates a parsed report. Adds every problem to errs (pointer, code, en, ja) and returns the
 * number added (0 = valid). now_ms is the reference for "in the future". Never modifies doc.
 */
size_t report_validate(const json_t *doc, const struct report_limits *lim, int64_t now_ms,
                       struct verr_list *errs);

/*
 * Validates doc against any field table rooted at root (an RF_OBJECT) with the same structural
 * checks as report_validate, without the report-specific cross-field rules. The HTTP layer uses
 * it for small request bodies (organisations, users, sign-in) so they get the same errors.
 */
size_t report_check_fields(const struct rf_field *root, const json_t *doc,
                           const struct report_limits *lim, int64_t now_ms,
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

/* Looks a field up by a schema path such as "/times/aware_at" (array items as "/-").
 * Returns NULL if there is none. For tests and the rules engine. */
const struct rf_field *report_field_lookup(const char *path);

#endif
