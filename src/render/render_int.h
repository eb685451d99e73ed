/*
 * render_int.h — private to src/render/: reading a report through the field table (labels,
 * display values, JST times), the two walks both renderings are built from, and the nine items
 * of the PPC leak report (規則8条1項).
 *
 * Everything here is pure: it reads the borrowed report and writes into caller buffers.
 */
#ifndef RENDER_RENDER_INT_H
#define RENDER_RENDER_INT_H

#include "render.h"
#include "../pdf/pdf.h"
#include "../report/report.h"
#include "../schema/schema.h"

/* What a document says where the version does not answer an item yet. The PPC accepts a 速報
 * with what is known at the time (規則8条1項: 「知った後、速やかに」 report what is known), so
 * the gap is stated rather than left blank, which a reader could take for an omission. */
#define RENDER_MISSING_JA "未記入（報告時点で不明）"
#define RENDER_MISSING_EN "Not provided (unknown at the time of reporting)"

/* Caps on what a rendering builds from one report (the report itself is capped far lower by
 * the service's limits; these only keep a hostile document from growing without bound). */
#define RENDER_TEXT_MAX (4u << 20) /* one composed text: an item, a row's value */

/* ---- values (render_value.c) ---- */

/* The field's label in a language; "" for NULL. */
const char *render_label(const struct rf_field *f, bool ja);

/* The instant as JST with its offset, "2026-11-20 08:40 JST (UTC+09:00)" (seconds only when
 * not zero); Japan has kept UTC+9 all year since 1951. A string that is not an RFC 3339 time
 * is copied as it is. n ≥ 40 always suffices. */
void render_time_jst(const char *rfc3339, char *out, size_t n);
void render_ms_jst(int64_t ms, char *out, size_t n);

/* "12,345" / "2.5": integers with thousands separators, other numbers as written. */
void render_number(double v, char *out, size_t n);

/* The prefecture of an ISO 3166-2:JP code in a language ("東京都" / "Tokyo"); NULL if unknown. */
const char *render_prefecture(const char *code, bool ja);

struct render_fmt {
    bool ja;
    bool codes; /* enumerations as "label (code)", times also as written when not +09:00 */
};

/* Appends the display text of a scalar value v whose field is f (NULL: unknown to the table)
 * to out: enumeration labels, はい/いいえ, numbers with separators, times in JST, prefecture
 * names. Arrays and objects are not scalars and append nothing. */
void render_value(const struct rf_field *f, const json_t *v, const struct render_fmt *fmt,
                  struct buf *out);

/* ---- the compact walk: facts as (label, value) pairs (render_value.c) ---- */

struct render_kv {
    const char *pointer; /* JSON Pointer of the fact */
    const char *label;   /* label path relative to where the walk started */
    const char *value;   /* display text; may hold newlines */
};
typedef void (*render_kv_fn)(void *ctx, const struct render_kv *kv);

struct render_facts_opts {
    struct render_fmt fmt;
    size_t max_items;        /* array of objects: items shown (0 = all), then "… more" */
    const char *const *skip; /* pointers not to show (NULL-terminated list, or NULL) */
};

/*
 * Emits the facts at pointer (absent: nothing). A scalar is one pair; an array of scalars is
 * one pair with the values joined (、 / ", "); an object emits its members in table order,
 * their labels prefixed with the object's ("警察への相談 › 相談先") except at the start
 * pointer itself; each item of an array of objects is one pair whose value lists the item's
 * members ("氏名: 山田 太郎 / 部署: …"). Returns the number of pairs emitted.
 */
size_t render_facts(const json_t *report, const char *pointer, const struct render_facts_opts *o,
                    render_kv_fn fn, void *ctx);

/* ---- the full walk: one row per value (render_value.c) ---- */

struct render_row {
    const char *pointer;  /* "/contacts/0/name" */
    const char *label_ja; /* "連絡先 › 1件目 › 氏名" */
    const char *label_en; /* "contacts › #1 › name" */
    const char *value;    /* display text with codes (struct render_fmt.codes) */
};
typedef int (*render_row_fn)(void *ctx, const struct render_row *row);

/* Calls fn for every scalar of the report, in the field table's order (members the table does
 * not know follow, labelled by their key); an empty array or object gets one row with an empty
 * value. Stops at the first non-zero return of fn and returns it; else 0. */
int render_walk(const json_t *report, bool ja, render_row_fn fn, void *ctx);

/* ---- items of a form, and what a recipient is not given (render_form.c) ---- */

/* What an item says when every report field that answers it lies in sections the recipient is
 * not given: the fact may well be known, so 未記入 would mislead. */
#define RENDER_NOT_GIVEN_JA "この報告先には提供していない項目です"
#define RENDER_NOT_GIVEN_EN "Not given to this recipient"

/* One report fact that answers an item. bare: the fact is the item itself, so its label would
 * only repeat the heading (the summary under 概要, the cause under 原因 …). */
struct render_part {
    const char *pointer;
    bool bare;
    bool codes; /* enumerations as "label (code)": the code is what the form asks for */
};

/* Appends the facts of parts (terminated by a NULL pointer) to out, one per line ("label:
 * value", bare facts without a label). Returns the number of facts appended. */
size_t render_parts_text(const json_t *report, const struct render_part *parts, bool ja,
                         struct buf *out);

/* Whether the recipient is given the section the pointer lies in (envelope and
 * confidentiality always are; meta->sections_given 0 means every section is). */
bool render_section_given(const struct render_meta *m, const char *pointer);

enum render_answer {
    RENDER_ANSWERED = 0, /* out holds the facts */
    RENDER_MISSING = 1,  /* out holds 未記入: the version does not answer the item yet */
    RENDER_NOT_GIVEN = 2 /* out says the recipient is not given the sections that answer it */
};

/* The text of an item: its facts, plus a line naming the sections of its parts the recipient
 * is not given; with no fact, RENDER_MISSING_* or RENDER_NOT_GIVEN_* (Japanese, and English
 * beneath it when !ja). */
enum render_answer render_item(const json_t *report, const struct render_meta *m,
                               const struct render_part *parts, bool ja, struct buf *out);

/* The filing date: meta->filed_ms, else the version's creation (render_created_ms). */
int64_t render_filed_ms(const json_t *report, const struct render_meta *m);

/* The representative as one line ("代表取締役社長 山田 太郎"), "" when absent. */
void render_representative(const json_t *report, struct buf *out);

/* The title and subtitle a document of the form carries (the NCO form's title depends on the
 * kinds of the incident). Borrowed static strings. */
struct render_title {
    const char *ja, *en;           /* the title */
    const char *note_ja, *note_en; /* one sentence each saying whose layout this is */
};
void render_form_title(enum render_form form, unsigned nco_kinds, struct render_title *t);

/* ---- the NCO common forms (render_nco.c) ---- */

#define RENDER_NCO_RANSOMWARE 1u
#define RENDER_NCO_DDOS 2u

/* Which of the two forms an incident is filed on, from /classification/categories: ransomware,
 * ddos, both, or 0 (neither: the unified layout). */
unsigned render_nco_kinds(const json_t *report);

struct render_item_def {
    const char *no;      /* the item's number as the workbook shows it ("共1", "R2" …) */
    const char *ja, *en; /* heading */
    unsigned kinds;      /* 0: a common item; else RENDER_NCO_* */
    const struct render_part *parts;
};
extern const struct render_item_def render_nco_items[];
extern const size_t render_nco_item_count;

/* ---- the nine items of 規則8条1項 (render_ppc.c) ---- */

#define RENDER_PPC_ITEMS 9

struct render_ppc_item {
    int no;
    const char *ja; /* the rule's own wording */
    const char *en;
};
extern const struct render_ppc_item render_ppc_items[RENDER_PPC_ITEMS];

/* Appends the text of item i (0-based) to out, one fact per line ("label: value"; the facts
 * that are the item itself — the summary, the cause, the measures — without a label).
 * Returns the number of facts appended: 0 means the version does not answer the item, and the
 * caller writes RENDER_MISSING_*. */
size_t render_ppc_item(const json_t *report, int i, bool ja, struct buf *out);
/* The report fields that answer item i (0-based). */
const struct render_part *render_ppc_parts(int i);

/* ---- shared header facts (render_ppc.c) ---- */

/* The organisation's name in the language, else in the other one; "" if neither. */
const char *render_org_name(const json_t *report, bool ja);
/* The name in the other language when both are given, else "". */
const char *render_org_other_name(const json_t *report, bool ja);
/* Borrowed string at a pointer, or NULL when absent or not a string. */
const char *render_str(const json_t *report, const char *pointer);
/* The display text of the value at pointer through its field (render_value), "" if absent. */
void render_value_at(const json_t *report, const char *pointer, bool ja, struct buf *out);
/* The version's creation instant: meta's, else /times/aware_at, else 0 (see render_meta). */
int64_t render_created_ms(const json_t *report, const struct render_meta *meta);

/* The text colour of a TLP 2.0 label (FIRST, "TLP 2.0": coloured text on black): RED
 * #FF2B2B, AMBER and AMBER+STRICT #FFC000, GREEN #33FF00, CLEAR (and anything else) white. */
unsigned render_tlp_rgb(const char *tlp);

/* ---- drawing the PDF (render_draw.c; the toolkit is src/pdf/) ---- */

#define RP_MARGIN 44.0
#define RP_CONTENT_W (PDF_A4_W - 2 * RP_MARGIN)
#define RP_TOP 58.0               /* where the flow starts on a page, below the running header */
#define RP_BOTTOM (PDF_A4_H - 60) /* where it must end, above the footer */

struct rdraw {
    struct pdf p;                   /* p.ctx points back here */
    const json_t *report;           /* borrowed */
    const struct render_meta *meta; /* borrowed */
    bool ja, drill;
    const char *tlp; /* /confidentiality/tlp, borrowed; NULL if absent */
};

/* A TLP label as TLP 2.0 shows it (coloured text on black) with its right edge at x_right and
 * its top at y; returns the width used. */
double rdraw_tlp_badge(struct rdraw *d, double x_right, double y, double size, const char *tlp);

/* The page frame (pdf_frame_fn): drill banner, running header from page 2 (organisation and
 * TLP label), footer with the version's identity and "n / N". */
void rdraw_frame(struct pdf *p);

#endif
