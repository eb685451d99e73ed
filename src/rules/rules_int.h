/*
 * rules_int.h — the loaded rule set's structures, shared by the files of src/rules/ only.
 */
#ifndef RULES_RULES_INT_H
#define RULES_RULES_INT_H

#include "rules.h"
#include "expr.h"
#include "../core/tz.h"
#include "../calendar/calendar.h"

enum anchor {
    A_OCCURRED, A_DETECTED, A_AWARE, A_PD_AWARE, A_CLASSIFIED_MAJOR, A_MATERIALITY,
    A_SIGNIFICANCE, A_CONTAINED, A_RECOVERED, A_RESOLVED, A_CLOSED, A_CORRECTIVE,
    A_RANSOM_PAID, A_AWARE_YEAR_END, A_PD_AWARE_YEAR_END, A_PREVIOUS_STAGE, A_SEC_INFORMATION,
    A__COUNT
};
extern const char *const rules_anchor_names[A__COUNT];

enum dl_kind { DL_LEGAL, DL_TARGET, DL_NONE };
enum dl_unit { DU_HOURS, DU_CALENDAR_DAYS, DU_BUSINESS_DAYS, DU_MONTHS };
enum roll { ROLL_NONE, ROLL_NEXT_BD, ROLL_NEXT_BD_NOON };
enum rule_state { RS_IN_FORCE, RS_PROPOSED, RS_PENDING_ORDINANCE };

extern const char *const rules_unit_names[];
extern const char *const rules_kind_names[];
extern const char *const rules_roll_names[];
extern const char *const rules_state_names[];

struct text2 {
    const char *ja, *en;
};

struct citation {
    struct text2 title;
    const char *article, *article_en, *url;
    /* its URL is https on a domain of data/sources.json (the law's own text, an official
     * guideline); otherwise it is further reading (issue 11 item 5) */
    bool primary;
};

struct verification {
    bool unconfirmed; /* UNCONFIRMED rather than VERIFY */
    struct text2 note;
};

struct span {
    enum anchor anchor;
    int offset;
    enum dl_unit unit;
};

struct variant {
    struct expr *when;
    int offset;
    enum dl_unit unit;
    struct text2 reason;
};

struct deadline {
    enum dl_kind kind;
    struct span main;
    int due_minute; /* minutes after local midnight on the last day; 1440 = end of day */
    bool has_cap;
    struct span cap;
    struct variant *variants;
    size_t nvariants;
};

struct rule_stage {
    const char *id;
    struct text2 name;
    struct expr *when; /* NULL: always */
    struct deadline dl;
    const struct calendar *cal; /* resolved: the stage's, else the recipient's */
    enum roll roll;
    const char **required;
    size_t nrequired;
    const struct citation *citation; /* NULL when none */
    bool on_request; /* sent only when chosen (or, later, requested): NIS2 Art. 23(4)(c) */
};

struct recipient {
    const char *id;
    struct text2 name;
    const char *jurisdiction, *kind, *url;
    struct text2 notes;
    const struct tz *tz;
    const struct calendar *cal;
    struct verification *ver;
    size_t nver;
    struct rules_delivery delivery;
};

struct rule {
    const char *id, *regime, *jurisdiction, *file;
    struct text2 title, notes;
    const struct recipient *recipient;
    enum rule_state state;
    bool mandatory;
    /* an "unknown" answer to a fact its condition reads makes it a determination obligation
     * (issue 11 item 1): the "determination" key is not false and the condition reads a
     * yes/no/unknown fact */
    bool determinable;
    int64_t valid_from_ms, valid_until_ms; /* 0: unbounded */
    struct expr *applies;
    struct verification *ver;
    size_t nver;
    struct citation *cit;
    size_t ncit;
    struct rule_stage *stages;
    size_t nstages;
};

/* Everything a rule set owns is allocated from its pool and freed at once. */
struct pool_block;

struct ruleset {
    struct pool_block *pool;
    struct rule *rules;
    size_t nrules, nstages;
    struct recipient *recips;
    size_t nrecips;
    struct calendar **cals;
    size_t ncals;
    struct tz **tzs;
    size_t ntzs;
    struct expr **exprs;
    size_t nexprs;
    struct expr_slots *slots; /* the distinct fields all conditions read */
    const char **hosts;       /* official domains (data/sources.json), lower case */
    size_t nhosts;
    bool no_sources; /* data/sources.json is missing */
    char version[HASH_SHA256_HEX];
};

void *rules_pool_alloc(struct ruleset *rs, size_t n);
const char *rules_pool_strdup(struct ruleset *rs, const char *s);

/* Deadline arithmetic (rules_deadline.c). Returns 0, or -1 when a calendar does not cover the
 * dates involved (DUE_CALENDAR_GAP). */
int rules_add_span(const struct recipient *rc, const struct calendar *cal, int64_t from_ms,
                   int offset, enum dl_unit unit, int due_minute, int64_t *out_ms);
int rules_roll(const struct recipient *rc, const struct calendar *cal, enum roll roll,
               bool day_unit, int due_minute, int64_t *due_ms, bool *rolled);
/* Resolves an anchor for a rule from a report: 0 and *ms and *source, or -1 when missing. */
int rules_anchor(const struct rule *r, enum anchor a, const json_t *report, int64_t *ms,
                 const char **source);

/* One report's times, read once per evaluation rather than once per rule and stage (the
 * anchors were a quarter of evaluation time): each time field parsed at most once, the
 * regime-specific awareness entries parsed in one pass. Fill with rules_anchors_init; valid
 * while the report is. */
#define ANCHOR_FIELDS 16
#define ANCHOR_REGIMES 20 /* the report format's limit on regime_awareness entries */
struct rules_anchors {
    const json_t *report;
    unsigned tried, found; /* bit i: field i looked up / present and parseable */
    int64_t field_ms[ANCHOR_FIELDS];
    bool regimes_read, regimes_overflow; /* overflow: an invalid report with more entries */
    int nregimes;
    const char *regime[ANCHOR_REGIMES]; /* into the report's strings; first entry wins */
    int64_t regime_ms[ANCHOR_REGIMES];
};
void rules_anchors_init(struct rules_anchors *m, const json_t *report);
/* rules_anchor through the memo. */
int rules_anchor_memo(const struct rule *r, enum anchor a, struct rules_anchors *m, int64_t *ms,
                      const char **source);

/* Field tables of the data files (rules_tables.c). */
struct rf_field;
extern const struct rf_field rules_file_root;
extern const struct rf_field rules_recipients_root;
extern const struct rf_field rules_sources_root;
/* Index of s in names[0..n), or -1. */
int rules_name_index(const char *const *names, size_t n, const char *s);

#endif
