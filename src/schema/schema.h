/*
 * schema.h — the one validation engine for JSON inputs: field tables, the structural walker
 * that gathers every problem (JSON Pointer, stable code, English and Japanese message), lookups
 * and label paths over a table, string formats, and generators of a JSON Schema (2020-12) and
 * a Markdown field reference from a table.
 *
 * What it is: pure domain code below every module that describes a JSON input as a table —
 * the report format (report/), account bodies (account/), assets and simulation requests
 * (risk/), calendars (calendar/), questionnaires (assess/), rule and recipient files (rules/),
 * and the request bodies of the HTTP layer. A table says the structure, types, enumerations,
 * lengths, counts and formats; what a table cannot say a module adds as a check hook on a
 * field (struct rf_field.check) or as cross-field rules after the walk (schema_emit_path).
 * What it is not: a parser (core/jsonx.h parses with limits and positions; schema_load.h reads
 * data files), nor a JSON Schema interpreter: the tables are the source, the schema is derived.
 * Who calls it: every domain module above, http/, cli/, tests, fuzz/, bench/.
 *
 * The table vocabulary keeps the rf_ ("record field") names it had when it lived in report/.
 */
#ifndef SCHEMA_SCHEMA_H
#define SCHEMA_SCHEMA_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/verr.h"

enum rf_type {
    RF_OBJECT,
    RF_ARRAY,
    RF_STRING,  /* single line: no control characters */
    RF_TEXT,    /* free text: newlines and tabs allowed */
    RF_INTEGER, /* JSON integer */
    RF_NUMBER,  /* JSON number (integer or real) */
    RF_BOOL,
    RF_TRI, /* "yes" / "no" / "unknown": facts an early report may not know yet */
    RF_ENUM,
    RF_TIME, /* RFC 3339 date-time with a mandatory UTC offset */
    RF_DATE, /* RFC 3339 full-date */
    RF_MAP,  /* object whose member names are data (ids); every member's value is `fields` */
};

/* Syntactic formats for strings, checked beyond length (schema_format.c). */
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

#define RF_REQUIRED 0x1u /* must be present (in the report: part of the early-warning core) */
#define RF_UNIQUE 0x2u   /* array: items must be distinct */
#define RF_FUTURE 0x4u   /* time: may lie in the future (a deadline), though not beyond 10 years */
#define RF_OPAQUE 0x8u   /* string: any characters (a secret or key); length is a hook's to check */

/* Default limits for fields whose table entry gives max = 0. */
#define RF_DEFAULT_STRING_MAX 200
#define RF_DEFAULT_TEXT_MAX 20000

struct rf_enum {
    const char *value;
    const char *ja;
    const char *en;
};

/* A code and its two messages; code is a string literal (verr_add keeps the pointer). */
struct rf_msg {
    const char *code;
    const char *en;
    const char *ja;
};

struct schema_walk;
struct rf_field;

/*
 * A check a table cannot say, run on a value of the field's JSON type after the engine's own
 * checks of that value (for an object or array: after its members or items were walked).
 * schema_walk_ok tells whether those found a problem. The hook reports through schema_walk_*.
 */
typedef void (*rf_check_fn)(struct schema_walk *w, const struct rf_field *f, const json_t *v);

struct rf_field {
    const char *name;
    enum rf_type type;
    unsigned flags;
    const struct rf_field
        *fields; /* RF_OBJECT: members, ended by {0}; RF_ARRAY, RF_MAP: the item */
    const struct rf_enum *values;  /* RF_ENUM: ended by {0} */
    enum rf_format format;
    int64_t min; /* RF_ARRAY, RF_MAP: fewest items; RF_INTEGER/RF_NUMBER: minimum */
    int64_t max; /* strings: most characters; RF_ARRAY, RF_MAP: most items; numbers: maximum;
                    0 = default */
    const char *ja;
    const char *en;
    const char *regimes; /* which regimes ask for it (documentation only), e.g. "PPC N2 DO" */
    /* Optional: the code and text for a value of the right type that fails this field's range,
     * enumeration or format (instead of below_minimum/above_maximum, enum, format). Inputs
     * that had their own codes before the engine (calendars, risk requests) keep them so. */
    const struct rf_msg *invalid;
    rf_check_fn check; /* optional, see rf_check_fn */
};

struct schema_limits {
    int64_t max_string_chars; /* caps every string, whatever the field allows */
    int64_t max_array_items;  /* caps every array */
    int64_t future_skew_ms;   /* times later than now + this are impossible */
    size_t max_errors;        /* problems reported before the rest are only counted */
};

/* 20000 characters, 1000 items, 300 s of clock skew, 200 problems. */
void schema_limits_default(struct schema_limits *lim);

/* One walk: the table, the limits, "now", and how the document is placed and named. */
struct schema_run {
    const struct rf_field *root;     /* an RF_OBJECT */
    const struct schema_limits *lim; /* NULL: schema_limits_default */
    int64_t now_ms;                  /* reference for "in the future" (RF_TIME) */
    const char *base;                /* JSON Pointer of the document in a larger one; NULL = "" */
    const struct rf_msg *unknown;    /* text for members not in the table; NULL: generic */
    void *user;                      /* for check hooks (schema_walk_user) */
};

/*
 * Validates doc against run->root: structure, types, enumerations, lengths, counts, formats,
 * then the fields' check hooks. Adds every problem to errs and returns the number added
 * (0 = valid; problems beyond the list's bound are counted). Never modifies doc.
 */
size_t schema_run(const struct schema_run *run, const json_t *doc, struct verr_list *errs);

/* schema_run with the given root, limits and now, at the document root, generic texts. */
size_t schema_check(const struct rf_field *root, const json_t *doc, const struct schema_limits *lim,
                    int64_t now_ms, struct verr_list *errs);

/* ---- for check hooks (valid only during the hook call) ---- */

/* True when the engine found no problem at or below the current value. */
bool schema_walk_ok(const struct schema_walk *w);
void *schema_walk_user(const struct schema_walk *w);
/* The whole document being walked (borrowed). */
const json_t *schema_walk_doc(const struct schema_walk *w);
/* Adds a problem at the current value, its member key, or its item i (with an optional member
 * key of that item); messages get the label path prefixed like the engine's own. */
void schema_walk_emit(struct schema_walk *w, const char *code, const char *en, const char *ja);
void schema_walk_emit_member(struct schema_walk *w, const char *key, const char *code,
                             const char *en, const char *ja);
void schema_walk_emit_item(struct schema_walk *w, size_t i, const char *key, const char *code,
                           const char *en, const char *ja);
/* Reports every item of arr equal to an earlier one with msg (a uniqueness rule with its own
 * code, where RF_UNIQUE's duplicate_item would not do). */
void schema_walk_unique(struct schema_walk *w, const json_t *arr, const struct rf_msg *msg);

/* ---- navigation ---- */

/* The field at a schema path such as "/times/aware_at" (array items as "/-") below root, or
 * NULL if there is none. */
const struct rf_field *schema_lookup(const struct rf_field *root, const char *path);

/* The member called name (n bytes) of an RF_OBJECT field, or NULL. */
const struct rf_field *schema_member(const struct rf_field *f, const char *name, size_t n);

/* Appends the label path of a JSON Pointer into a document of root ("Time anchors › Time of
 * detection", "連絡先 › 2件目 › 氏名") to out. Unknown tokens are shown as they are. */
void schema_label_path(const struct rf_field *root, const char *pointer, bool ja, struct buf *out);

/* Adds a problem at pointer with the label path prefixed to both messages: for the rules a
 * module checks after the walk (cross-field rules). */
void schema_emit_path(const struct rf_field *root, struct verr_list *errs, const char *pointer,
                      const char *code, const char *en, const char *ja);

/* Effective maximum length / item count of a field (its max, or the default of its type). */
int64_t schema_field_max(const struct rf_field *f);

/* ---- formats (schema_format.c) ---- */

enum fmt_result { FMT_OK = 0, FMT_BAD = 1, FMT_CHECK_DIGIT = 2, FMT_DEFANGED = 3 };

/* Checks s (n bytes, valid UTF-8) against a format. */
enum fmt_result schema_format_check(enum rf_format f, const char *s, size_t n);
/* The human name of a format, for messages. */
const char *schema_format_name(enum rf_format f, bool ja);
/* A regex that a generated JSON Schema uses for a format ("" if none is expressible). */
const char *schema_format_pattern(enum rf_format f);
/* Checks an indicator value against its type ("ipv4", "domain", "sha256" …; unknown types
 * accept any line). Defanged notation (hxxp://, example[.]com) is FMT_DEFANGED. */
enum fmt_result schema_indicator_check(const char *type, const char *s, size_t n);

/* ---- generators (schema_gen.c) ---- */

/* The JSON Schema (2020-12) of the document root describes, without $schema/$id (the owner
 * adds those). Deterministic. Returns a new reference. */
json_t *schema_json(const struct rf_field *root);

/* The Markdown field reference of root: one table row per field. Deterministic. */
void schema_markdown(const struct rf_field *root, struct buf *out);

#endif
