/*
 * rules.h — the obligations engine: which authorities must receive which stage of a report,
 * by when, from which clock anchor, and why.
 *
 * What it is: rule files, recipients and calendars loaded from data/ (rules_load), and a pure
 * evaluation of a report against them (rules_evaluate) producing one result per (rule, stage),
 * with deadlines computed in each recipient's time zone and working-day calendar. Also the pure
 * reconciliation of a new evaluation with an incident's existing obligation ledger
 * (rules_reconcile), so that obligations are never deleted: they become applicable, move, or
 * are withdrawn with a reason, and keep their history.
 * What it is not: storage (store/ persists the ledger) or HTTP.
 * Who calls it: cli/ (serve, rules check, obligations), http/, store/ (reconcile), tests,
 * bench/. The formats are specified in docs/rules-authoring.md.
 */
#ifndef RULES_RULES_H
#define RULES_RULES_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/hash.h"
#include "../core/verr.h"
#include "../core/diag.h"
#include "expr.h"

struct ruleset;
struct rule;
struct rule_stage;

/* ---- loading (the only I/O in this module: reading data files and tz files) ---- */

/* Loads data_dir/{calendars,recipients,rules} (every .json file; rules/ recursively). Returns
 * the rule set, or NULL when any problem was found (all of them are in diags, each at its
 * file:line:column; printed by diag_list_print). */
struct ruleset *rules_load_dir(const char *data_dir, struct diag_list *diags);
void rules_free(struct ruleset *rs);

/* SHA-256 over every loaded file, in path order: the "rules version" recorded with each
 * obligation so an explanation can say which rule set produced it. */
const char *rules_version(const struct ruleset *rs);
size_t rules_count(const struct ruleset *rs);
size_t rules_stage_count(const struct ruleset *rs);
size_t rules_recipient_count(const struct ruleset *rs);

/* ---- evaluation (pure) ---- */

enum rules_due_state {
    DUE_SET,               /* due_ms holds the deadline */
    DUE_NO_DEADLINE,       /* the stage has none (e.g. NIS2 intermediate "on request") */
    DUE_ANCHOR_MISSING,    /* the anchor's field is not in the report yet */
    DUE_AWAITING_PREVIOUS, /* anchored on the previous stage's submission, not made yet */
    DUE_CALENDAR_GAP,      /* the arithmetic left the calendar's covered years */
};

struct rules_result {
    const struct rule *rule;
    const struct rule_stage *stage;
    bool applies;              /* the rule's and the stage's conditions hold, within validity */
    enum rules_due_state due_state;
    int64_t due_ms;            /* DUE_SET only */
    int64_t anchor_ms;         /* 0 when missing */
    const char *anchor_source; /* the report pointer the anchor came from ("previous_stage"
                                  for a previous stage's submission), or NULL */
    int variant;               /* index of the deadline variant used, -1 for the default */
    bool capped;               /* the cap set the deadline */
    bool rolled;               /* moved off a non-working day */
    /* issue 11 item 1, "unknown is not no": the conditions hold or not depending on facts
     * answered "unknown" (their dotted paths, borrowed from the rule set): applies is true, the
     * deadline is the one that would apply if they held, and the reporter has a decision to
     * make — a determination obligation, until the facts are settled */
    bool undetermined;
    const char *const *unknown; /* nunknown paths (in rules_eval's storage) */
    size_t nunknown;
};

struct expr_cache;

/* When a stage of the incident was first submitted (a later failure does not move it: the
 * conservative reading, the deadline never gets later):
 * the anchor of a following stage whose deadline runs from the previous stage's submission
 * (NIS2 art. 23(4)(d) final report one month after the notification; DORA's intermediate
 * report after the initial notification). Strings are borrowed. */
struct rules_stage_time {
    const char *rule_id, *stage_id;
    int64_t at_ms;
};

struct rules_eval {
    struct rules_result *v;
    size_t n, cap;
    struct expr_cache *cache; /* field values shared by all conditions of one evaluation */
    /* Input, set by the caller after rules_eval_init and kept across evaluations (borrowed):
     * the incident's submitted stages. Without them, previous-stage deadlines stay
     * DUE_AWAITING_PREVIOUS. */
    const struct rules_stage_time *times;
    size_t ntimes;
    /* storage of the results' unknown facts (determinations), sized once per evaluation */
    const char **unk;
    size_t nunk, unk_cap;
};

void rules_eval_init(struct rules_eval *ev);
void rules_eval_release(struct rules_eval *ev);

/* Evaluates every stage of every rule against a report (need not be valid: missing or
 * mistyped fields simply do not satisfy conditions). ev is reset and refilled; reuse it across
 * calls to avoid allocation. Deterministic: the order is the rule set's. */
void rules_evaluate(const struct ruleset *rs, const json_t *report, struct rules_eval *ev);

/* ---- explanation and status (pure) ---- */

enum rules_status {
    ST_PENDING, ST_DUE_SOON, ST_OVERDUE, ST_MET, ST_WITHDRAWN, ST_NOT_APPLICABLE,
    ST_RECOMMENDED, /* applies, but the channel is voluntary (mandatory: false) */
    ST_TARGET_PASSED, /* a soft target (速やかに, without undue delay) has passed: shown as a
                         missed target, never as an overdue legal deadline */
    ST_UNDETERMINED,  /* a determination (issue 11 item 1): whether it applies depends on facts
                         answered "unknown"; its deadline is the one that would apply. Never
                         "overdue": the reporter's decision is what is due */
    ST_PROPOSED_PASSED, /* "proposed_deadline_passed": the deadline of a rule that is not in
                           force (a proposal such as the CIRCIA NPRM, or a law awaiting its
                           ordinance) has passed. Its own status, not "target_passed": a target
                           is part of a law in force and was missed; this deadline binds no one
                           yet, so it is neither overdue nor a missed target (issue 11 item 4) */
};
const char *rules_status_name(enum rules_status s);

/* ---- whether a rule is law (issue 11 item 4; docs/rules-authoring.md "status") ---- */

/* True when the rule's "status" is "in_force". A rule not in the loaded set (NULL) counts as
 * in force: a deadline that cannot be classified is shown as the law it was when it was
 * decided, never quietly downgraded. */
bool rules_in_force(const struct rule *r);
/* The rule's "status" as in the rule file: "in_force", "proposed", "pending_ordinance"
 * ("in_force" for NULL). */
const char *rules_rule_status(const struct rule *r);
/* The words every output puts beside a rule that is not in force ("proposed rule, not in
 * force" / 「案（未施行）」), or NULL when it is in force. Static strings. */
const char *rules_rule_status_text(const struct rule *r, bool ja);
/* {"rule_status", "in_force", "rule_status_text": {"en", "ja"} or null}: the members every JSON
 * output of an obligation carries (new reference). */
json_t *rules_rule_status_json(const struct rule *r);
/* s as it holds for an obligation of r: a passed deadline (overdue or target_passed) of a
 * rule that is not in force is ST_PROPOSED_PASSED; every other status is unchanged (a
 * proposal's deadline may still be due soon — shown with the words above). */
enum rules_status rules_status_for_rule(const struct rule *r, enum rules_status s);

/* The status of an applicable result at `now` (pending, due soon within due_soon_ms, overdue,
 * or recommended for voluntary channels; proposed_deadline_passed instead of overdue for a rule
 * not in force, rules_status_for_rule). Met/withdrawn come from the ledger, not from here. */
enum rules_status rules_result_status(const struct rules_result *r, int64_t now_ms,
                                      int64_t due_soon_ms);

/* A JSON explanation of one result (new reference): rule, regime, recipient, stage, status,
 * deadline (UTC and the recipient's local time), kind (legal/target/none), anchor (name, the
 * field used, its value), offset and unit, the variant or cap that applied and why, the
 * calendar (id and version) and any roll, citations, [VERIFY]/[UNCONFIRMED] notes, the
 * condition and the facts it read, and the stage's required fields with whether each is
 * present. Evaluates the conditions again with fact recording (not for hot paths). */
json_t *rules_explain(const struct ruleset *rs, const struct rules_result *r,
                      const json_t *report, int64_t now_ms, int64_t due_soon_ms);

/* A determination's question (issue 11 item 1; res->undetermined): {"unknown_facts": [dotted
 * paths], "question": {ja, en}, "what_to_do": {ja, en}}. New reference. */
json_t *rules_determination_json(const struct rules_result *res);

/* The two halves of rules_explain: the part computed from the report (status, applies,
 * deadline, the facts read, missing required fields) and the rule's texts by id (title,
 * recipient, stage name, citations, verification notes, notes, conditions), or NULL when the
 * rule is not in the loaded set. New references. */
json_t *rules_explain_dynamic(const struct ruleset *rs, const struct rules_result *r,
                              const json_t *report, int64_t now_ms, int64_t due_soon_ms);
json_t *rules_explain_static(const struct ruleset *rs, const char *rule_id, const char *stage_id);

/* The deadline explained in one English and one Japanese sentence, from a deadline object as
 * rules_explain_dynamic produces it (new reference). */
json_t *rules_deadline_sentence(const json_t *deadline);

/* Identity of a result for the ledger. */
const char *rules_rule_id(const struct rule *r);
const char *rules_stage_id(const struct rule_stage *s);
const char *rules_recipient_id(const struct rule *r);
const char *rules_regime(const struct rule *r);
bool rules_mandatory(const struct rule *r);
const char *rules_due_kind(const struct rule_stage *s); /* "legal", "target", "none" */
const char *rules_due_state_name(enum rules_due_state s);


/* ---- recipients and how they receive (issue 5) ---- */

enum rules_channel {
    CHANNEL_WEBHOOK,  /* HTTPS POST of the submission, signed */
    CHANNEL_INBOX,    /* the recipient's users fetch it from ichigen's API */
    CHANNEL_DOCUMENT, /* the reporter downloads a rendering, files it, and confirms */
};
const char *rules_channel_name(enum rules_channel c);
/* Returns -1 for an unknown name. */
int rules_channel_parse(const char *name);

/* Bits of report_section_values (src/report/report.h), in that order. */
#define RULES_SECTION_BIT(i) (1u << (i))
/* Bits of the renderings: json is always offered. */
#define RULES_FORMAT_JSON 1u
#define RULES_FORMAT_XLSX 2u
#define RULES_FORMAT_PDF 4u

struct rules_delivery {
    enum rules_channel channel;
    unsigned sections; /* RULES_SECTION_BIT of each section the recipient is given */
    unsigned formats;  /* RULES_FORMAT_* */
    const char *endpoint; /* the shipped default webhook endpoint, or NULL */
    const char *form;     /* the authority's own form its workbook follows ("jp-ppc-art8",
                           * "jp-nco-common"; render_form_parse), or NULL: ichigen's unified
                           * layout, titled as such */
};

/* A recipient's identity and delivery, by index (0 ≤ i < rules_recipient_count) or id; NULL
 * when out of range / unknown. Strings live as long as the rule set. */
struct rules_recipient_view {
    const char *id, *name_ja, *name_en, *kind, *jurisdiction, *url;
    const struct rules_delivery *delivery;
};
bool rules_recipient_at(const struct ruleset *rs, size_t i, struct rules_recipient_view *out);
bool rules_recipient_get(const struct ruleset *rs, const char *id,
                         struct rules_recipient_view *out);

/* True when the report has the field at pointer p; "/a/-/b" means "some item of /a has b". */
bool rules_field_present(const json_t *report, const char *p);
/* The stage's required fields (JSON pointers into the report), borrowed. */
const char *const *rules_stage_required(const struct rule_stage *s, size_t *n);
/* The rule's stage that comes before s (its index minus one), or NULL for the first. */
const struct rule_stage *rules_stage_previous(const struct rule *r, const struct rule_stage *s);
/* True for a stage that is due only when its recipient asks for it ("on_request" in the rule
 * file; the NIS2 intermediate report, Directive (EU) 2022/2555 Art. 23(4)(c)). The loader keeps
 * such stages after every stage that is not on request, so they never stand in a chain. */
bool rules_stage_on_request(const struct rule_stage *s);
/* The stage a submission of s waits for: for a stage on request, the rule's first stage (the
 * recipient must know of the incident before it can ask); otherwise rules_stage_previous. NULL
 * when none, or when that is s itself. */
const struct rule_stage *rules_stage_after(const struct rule *r, const struct rule_stage *s);
const struct rule *rules_find(const struct ruleset *rs, const char *rule_id);
const struct rule_stage *rules_find_stage(const struct rule *r, const char *stage_id);
const char *rules_stage_name(const struct rule_stage *s, bool ja);
const char *rules_title(const struct rule *r, bool ja);

/* ---- the obligation ledger (pure reconciliation; store/ persists it) ---- */

/* An obligation as the ledger holds it. */
struct ledger_row {
    char id[40];
    char rule_id[80];
    char stage_id[48];
    bool withdrawn;
    int due_state; /* enum rules_due_state */
    int64_t due_ms;
};

enum ledger_op {
    LEDGER_CREATE,    /* became applicable: a new obligation */
    LEDGER_MOVE,      /* still applicable, deadline changed (history kept) */
    LEDGER_KEEP,      /* still applicable, same deadline (explanation refreshed) */
    LEDGER_WITHDRAW,  /* no longer applicable: marked withdrawn with the reason, never deleted */
    LEDGER_REINSTATE, /* applicable again after a withdrawal */
};

struct ledger_action {
    enum ledger_op op;
    int row;    /* index into rows; -1 for LEDGER_CREATE */
    int result; /* index into the evaluation; -1 when the rule left the rule set */
};

/* What the ledger is reconciled for: a new version of the report, or a submission of one of
 * its stages (which only starts the deadlines that waited for it). */
enum ledger_trigger {
    LEDGER_ON_VERSION,
    LEDGER_ON_SUBMIT,
};

/* Compares an incident's ledger with a new evaluation (keyed by rule id + stage id) and returns
 * the final list of actions: the store writes every one of them as it is and nothing else (no
 * policy below this line; docs/architecture.md). Returns the number of actions written to *out
 * (heap; the caller frees). For LEDGER_ON_VERSION every applicable result gets one action and
 * every active row with no applicable result gets LEDGER_WITHDRAW, except that a deadline that
 * is set never moves back to awaiting a previous stage's submission. For LEDGER_ON_SUBMIT only
 * the moves of deadlines that awaited that submission are returned. */
size_t rules_reconcile(const struct ledger_row *rows, size_t nrows, const struct rules_eval *ev,
                       enum ledger_trigger trigger, struct ledger_action **out);
const char *rules_ledger_op_name(enum ledger_op op);

/* The decision kept with an obligation — what its deadline was computed from — as JSON text
 * {"anchor_field", "anchor_at", "variant", "capped", "rolled"} in out (size n;
 * RULES_DECISION_MAX holds it), with "undetermined": true and "unknown": [dotted paths] for a
 * determination (issue 11 item 1). Built with snprintf: the store calls it in its single
 * writer thread. */
#define RULES_DECISION_MAX (256 + EXPR_UNKNOWNS_MAX * 170)
void rules_ledger_decision(const struct rules_result *r, char *out, size_t n);
/* Whether a decision rules_ledger_decision wrote is a determination's (NULL: no). The SQLite
 * store reads the same text in SQL (OB_UNDETERMINED in store_sqlite.c). */
bool rules_decision_undetermined(const char *decision);

/* Why a LEDGER_WITHDRAW action withdraws its obligation, as JSON text appended to out:
 * {"en", "ja", "version"} when the conditions stopped holding at `version` (the facts are in
 * the explanation recomputed from that version), or {"en", "ja"} when the rule or stage left
 * the rule set (rules_version names the set). Shown to people as withdrawn_reason. */
void rules_ledger_withdraw_reason(const struct ledger_action *a, int version,
                                  const char *rules_version, struct buf *out);

/* Status of a stored obligation at `now` (the same rules as rules_result_status, plus
 * withdrawn). Met arrives with delivery receipts (issue 5). It does not know the rule: every
 * caller passes the result through rules_status_for_rule, so that a proposal is never overdue
 * (issue 11 item 4). */
enum rules_status rules_row_status(bool withdrawn, bool mandatory, bool legal, int due_state,
                                   int64_t due_ms, int64_t now_ms, int64_t due_soon_ms);

#endif
