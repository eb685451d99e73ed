/*
 * assess.h — maturity self-assessment: questionnaires kept as data (framework files), the
 * answers an organisation gives, their scores, the comparison with peers, and the bridge from
 * scores to a FAIR resistance-strength estimate.
 *
 * What it is: pure domain code working on parsed JSON (docs/assessment-and-risk.md, sections
 * "Framework files", "Answers", "Scores", "Peers" and "Resistance from an assessment"). The one
 * exception is assess_load_dir, which reads the framework files of a directory.
 * What it is not: storage (which answers are the latest submitted ones), HTTP, the Monte Carlo
 * simulation (src/risk/) or the rating report (src/rating/).
 * Who calls it: cli/ (ichigen frameworks check, ichigen assess score), http/, risk/, rating/,
 * tests and fuzz/.
 *
 * Scores are on the framework's 0–4 scale. The method ("weighted-mean-v1"):
 *   category = weighted mean of the levels of its answered questions (question weights);
 *   function = weighted mean of its scored categories (category weights);
 *   overall  = weighted mean of the scored functions (function weights; the shipped files give
 *              every function weight 1, so each counts equally, as the spec asks).
 * Not-applicable and unanswered questions are left out; nothing answered gives null. Means
 * are computed from the unrounded means below them; each score is rounded to two decimals when
 * written, and its tier is taken from the rounded value so that the score shown and its tier
 * always agree (a mean that rounds to 1.50 is tier 2). Gaps compare the rounded scores.
 *
 * Ownership (jansson): "new reference" results must be json_decref'd by the caller; arguments
 * are borrowed unless said otherwise.
 */
#ifndef ASSESS_ASSESS_H
#define ASSESS_ASSESS_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/err.h"
#include "../core/verr.h"
#include "../core/diag.h"

#define ASSESS_FORMAT "ichigen-framework/1"
#define ASSESS_METHOD "weighted-mean-v1"
#define ASSESS_NIST_CSF_ID "nist-csf-2.0"

#define ASSESS_MAX_QUESTIONS 1000  /* per framework: an answers document can cover all of them */
#define ASSESS_MAX_ANSWERS 1000    /* entries in one answers document */
#define ASSESS_MAX_NOTE_CHARS 2000 /* characters (code points) of one note */
#define ASSESS_LEVEL_MAX 4         /* levels are 0..4 */
#define ASSESS_WEIGHT_MAX 100      /* weights are in (0, 100] */
#define ASSESS_GAPS_DEFAULT 5
#define ASSESS_PEER_MIN_K 5 /* default k: fewer other organisations → no comparison */

enum assess_err {
    ASSESS_OK = 0,
    ASSESS_ENOSCORE = -1, /* assess_resistance: none of the named categories has a score */
    ASSESS_EINVAL = -2,   /* an argument is not what the contract asks for */
};

/* ---- frameworks ---- */

/* A text in both languages, borrowed from the framework's JSON document. */
struct assess_text {
    const char *ja;
    const char *en;
};

struct assess_question {
    const char *id;
    struct assess_text text;
    double weight;
    size_t category; /* index into framework->categories */
};

struct assess_category {
    const char *id;
    struct assess_text name;
    double weight;
    size_t function;       /* index into framework->functions */
    size_t first_question; /* questions[first_question .. first_question + nquestions) */
    size_t nquestions;
};

struct assess_function {
    const char *id;
    struct assess_text name;
    double weight;
    size_t first_category; /* categories[first_category .. first_category + ncategories) */
    size_t ncategories;
};

/* A validated framework. Read-only for callers; every string is borrowed from doc, which the
 * framework holds a reference to, and lives as long as the framework. */
struct assess_framework {
    const char *id;
    const char *version;
    struct assess_text title;
    struct assess_function *functions;
    size_t nfunctions;
    struct assess_category *categories;
    size_t ncategories;
    struct assess_question *questions;
    size_t nquestions;
    json_t *doc;   /* the file as parsed: scale wording, descriptions, source */
    size_t *by_id; /* question indices sorted by id, for assess_framework_find */
};

/*
 * Validates a framework document (spec "Framework files") and builds the framework. Every
 * problem is added to errs (pointer, code, en, ja), gathered: structure and types, unknown
 * keys, both languages everywhere, ids well formed and unique across functions, categories and
 * questions, for "nist-csf-2.0" category ids prefixed by their function's id and question ids
 * by their category's, the scale's levels 0..4 each exactly once with a label and description
 * in both languages (likewise any per-question levels), weights in (0, 100], at most
 * ASSESS_MAX_QUESTIONS questions. Returns the framework (free with assess_framework_free), or
 * NULL when any problem was found. doc is borrowed; the framework takes its own reference.
 */
struct assess_framework *assess_framework_from_json(json_t *doc, struct verr_list *errs);
void assess_framework_free(struct assess_framework *fw);

/* Index of the question with this id, or -1. O(log n). */
long assess_framework_find(const struct assess_framework *fw, const char *id);

/*
 * Compares a framework's ids with the NIST CSF 2.0 core (the shape of
 * shared/data/nist-csf-2.0/csf-2.0-core.json: functions[].categories[].subcategories[], each
 * with "id"): every function, category and subcategory of the core must be in fw under the
 * same parent, and fw must have nothing else. Problems point into the framework document.
 * Returns the number of problems added (0 = the ids match exactly, gaps included).
 */
size_t assess_check_nist_core(const struct assess_framework *fw, const json_t *core,
                              struct verr_list *errs);

/* ---- loading a directory (the module's only I/O) ---- */

struct assess_catalog;

/*
 * Loads every *.json of dir (not recursive) as a framework. Each file must be named after its
 * id (<id>.json). When nist_core is not NULL it is read as the NIST CSF 2.0 core and the
 * framework with id "nist-csf-2.0" is cross-checked against it (assess_check_nist_core).
 * Returns the catalog, or NULL when any problem was found; every problem is in diags with its
 * file, line and column (the data-file loader, core/datafile.h; printed by diag_list_print).
 */
struct assess_catalog *assess_load_dir(const char *dir, const char *nist_core,
                                       struct diag_list *diags);
void assess_catalog_free(struct assess_catalog *cat);
size_t assess_catalog_count(const struct assess_catalog *cat);
/* Frameworks in file-name order; NULL past the end or for an unknown id. Borrowed. */
const struct assess_framework *assess_catalog_at(const struct assess_catalog *cat, size_t i);
const struct assess_framework *assess_catalog_get(const struct assess_catalog *cat, const char *id);

/* ---- answers ---- */

/*
 * Validates an answers document (spec "Answers") against fw: "framework" must be fw's id,
 * "framework_version" (optional) fw's version, "answers" an object of at most
 * ASSESS_MAX_ANSWERS entries keyed by question id, each {"level": 0..4 | "not_applicable":
 * true, "note": "…"} — unknown ids or keys, levels outside 0..4 or not whole numbers, both a
 * level and not_applicable, notes over ASSESS_MAX_NOTE_CHARS characters or with control
 * characters other than line breaks and tabs are problems, with pointers such as
 * /answers/GV.OC-01/level. An entry with neither a level nor not_applicable (a note kept for
 * later) is allowed and counts as unanswered. Gathers every problem; returns how many were
 * added (0 = valid). Never modifies doc.
 */
size_t assess_answers_check(const struct assess_framework *fw, const json_t *doc,
                            struct verr_list *errs);

/* ---- scores ---- */

/* Tier of a score (ichigen's mapping, not NIST's definition): [0, 1.5) → 1, [1.5, 2.5) → 2,
 * [2.5, 3.5) → 3, [3.5, 4] → 4. */
int assess_tier(double score);
/* "Partial", "Risk Informed", "Repeatable", "Adaptive" (or Japanese); "" outside 1..4. */
const char *assess_tier_name(int tier, bool ja);

/*
 * Scores a valid answers document (assess_answers_check returned 0; anything it would refuse
 * is ignored here rather than trusted). Returns a new reference shaped as the spec's "Scores":
 * framework, framework_version, method, overall {score, tier, answered, not_applicable,
 * unanswered, completeness}, functions[] {id, score, tier, answered, not_applicable,
 * unanswered, categories[] {id, score, tier, answered, not_applicable, unanswered}},
 * gaps[] {category, function, score}: the max_gaps lowest scored categories, lowest first,
 * ties by id. score and tier are null when nothing is answered; completeness = (answered +
 * not applicable) / questions, two decimals.
 */
json_t *assess_score_gaps(const struct assess_framework *fw, const json_t *answers,
                          size_t max_gaps);
/* assess_score_gaps with ASSESS_GAPS_DEFAULT gaps. */
json_t *assess_score(const struct assess_framework *fw, const json_t *answers);

/* ---- peers (pure) ---- */

/* One candidate peer group: the latest submitted score documents (assess_score output) of the
 * *other* organisations in it. Borrowed. */
struct assess_peer_group {
    const char *name; /* e.g. "sector+size_band", "sector", "size_band", "all"; echoed */
    const json_t *const *scores;
    size_t n;
};

/*
 * Compares an organisation's scores with its peers (spec "Peers"). Peer documents for another
 * framework or with no overall score are not counted. The first group (in the order given)
 * with at least k counted peers is used; per function and overall the result gives the
 * organisation's score, the peers' average and median and the organisation's percentile
 * (share of peers strictly below + half of the ties, × 100, one decimal). A function for which
 * fewer than k peers have a score shows n but null figures, so no comparison ever rests on
 * fewer than k organisations. No peer is ever named.
 * Returns a new reference:
 *   {"status": "ok", "group": NAME, "n": N, "k": K, "overall": {...}, "functions": [...]}
 *   {"status": "insufficient", "group": null, "n": LARGEST N FOUND, "k": K}
 * or NULL when own is not a score document. k < 1 counts as 1.
 */
json_t *assess_peers(const json_t *own, const struct assess_peer_group *groups, size_t ngroups,
                     size_t k);

/* ---- resistance strength for src/risk/ (pure) ---- */

struct assess_resistance {
    double s;               /* mean score of the named categories that have one (0..4) */
    size_t used;            /* how many of the named categories had a score */
    double low, mode, high; /* PERT on the 0..1 scale threat capability uses */
};

/*
 * Spec "Resistance from an assessment": s = plain mean of the scores of the named categories
 * in a score document (categories with a null score or not in it are skipped), then
 * low = max(0, s/4 − 0.15), mode = s/4, high = min(1, s/4 + 0.15).
 * Returns 0, or ASSESS_ENOSCORE when none of them has a score, or ASSESS_EINVAL when scores is
 * not a score document or n is 0; e (optional) says why.
 */
int assess_resistance(const json_t *scores, const char *const *categories, size_t n,
                      struct assess_resistance *out, struct err *e);

#endif
