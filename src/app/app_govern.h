/*
 * app_govern.h — the governance use cases (issue 4): maturity self-assessments, the
 * organisation's versioned documents (assets, loss scenarios), FAIR risk simulations and the
 * rating report. The HTTP handlers (h_assess.c, h_docs.c, h_risk.c, h_rating.c) decode a
 * request, call one of these and encode the result; the CLI calls the same ones.
 *
 * Every use case takes the struct app, the actor (struct principal: user, role,
 * organisation), its decoded input and "now", decides whether the actor may (the permission
 * matrix of src/auth/: a role that may never → FORBIDDEN, another organisation's object →
 * NOT_FOUND, exactly as for an object that does not exist), and returns APP_OK or the row of
 * the problem table (app_problem.h) that res also holds, with every input problem in
 * res->errs. Nothing here knows HTTP: no request, header or status code.
 *
 * Layer: app (docs/architecture.md) — above store/ and the domain modules assess/, risk/,
 * rating/, below http/ and cli/.
 */
#ifndef APP_APP_GOVERN_H
#define APP_APP_GOVERN_H

#include <jansson.h>

#include "app.h"
#include "app_call.h"
#include "app_problem.h"
#include "../auth/auth.h"

struct assess_framework;

/* ---- shared (app_govern.c) ---- */

/* An RFC 3339 UTC time as a new JSON string. */
json_t *app_time_json(int64_t ms);

/* Reads the organisation document id of kind for action a. APP_OK (the caller releases d),
 * else NOT_FOUND for a malformed id, another kind's or another organisation's document. */
enum app_problem app_doc_fetch(struct app *app, const struct principal *who, const char *kind,
                               enum auth_action a, const char *id, struct orgdoc_rec *d,
                               struct app_result *res);

/* Reads assessment id for action act, the same way. The caller releases a on APP_OK. */
enum app_problem app_assessment_fetch(struct app *app, const struct principal *who,
                                      enum auth_action act, const char *id,
                                      struct assessment_rec *a, struct app_result *res);

/* The latest submitted assessment of framework (NULL: any) for org, answers and scores not
 * loaded. Returns STORE_OK, STORE_NOT_FOUND or a store error. */
int app_latest_submitted(struct app *app, const char *org_id, const char *framework,
                         struct assessment_rec *out);

/* a's scores: the frozen ones when submitted, else computed from the draft's answers. NULL
 * when its framework is not loaded. New reference. */
json_t *app_scores_of(struct app *app, const struct assessment_rec *a);

/* The peer comparison of own (a's scores) with the other organisations' latest submissions
 * (k-anonymous groups, src/assess/), "group" in the rating report's shape. NULL when the
 * store fails. New reference. */
json_t *app_peers_of(struct app *app, const struct assessment_rec *a, const json_t *own);

/* Canonical JSON text of j (heap), as documents are stored. */
char *app_canonical(const json_t *j);

/* ---- organisation documents: assets, loss scenarios (app_docs.c) ---- */

/* A kind of versioned organisation document: its store kind, its name in messages and the
 * check its content must pass (which may complete it: a scenario gets its id). */
struct app_doc_kind {
    const char *kind;
    const char *name_en, *name_ja;
    enum app_problem (*check)(struct app *app, const struct principal *who, json_t *doc,
                              const char *id, int64_t now_ms, struct app_result *res);
};
/* "asset" or "risk_scenario"; any other name is a BUG. Static. */
const struct app_doc_kind *app_doc_kind(const char *kind);

/* Creates a document of kind k from doc (checked, stored canonical) in who's organisation;
 * *out on APP_OK (the caller releases it). FORBIDDEN, VALIDATION_UNSAVED, store problems. */
enum app_problem app_doc_create(struct app *app, const struct principal *who,
                                const struct app_doc_kind *k, json_t *doc, int64_t now_ms,
                                struct orgdoc_rec *out, struct app_result *res);

/* Replaces document id of kind k by doc when exp names its current version; *out is the new
 * version on APP_OK. NOT_FOUND (also another organisation's), FORBIDDEN,
 * PRECONDITION_REQUIRED/FAILED (also when someone else wrote first), VALIDATION_UNSAVED. */
enum app_problem app_doc_update(struct app *app, const struct principal *who,
                                const struct app_doc_kind *k, const char *id,
                                const struct app_expect *exp, json_t *doc, int64_t now_ms,
                                struct orgdoc_rec *out, struct app_result *res);

/* One page of who's organisation's documents of kind (store kinds, "simulation" too), newest
 * first, after the id after (NULL: from the start). The caller releases out on APP_OK. */
enum app_problem app_doc_list(struct app *app, const struct principal *who, const char *kind,
                              const char *after, int limit, bool with_body, struct orgdoc_list *out,
                              struct app_result *res);

/* ---- self-assessments (app_assess.c) ---- */

/* Checks an answers document ({"framework", "answers"}) against fw: ANSWERS_INVALID with
 * every problem, else APP_OK. Also what `ichigen assess score` checks offline. */
enum app_problem app_assess_answers_check(const struct assess_framework *fw, const json_t *doc,
                                          struct app_result *res);

/* Creates a draft for who's organisation from {"framework", "period", "answers"?}; *out on
 * APP_OK (the caller releases it). FORBIDDEN, VALIDATION (the fields), ANSWERS_INVALID (an
 * unknown framework or answers that do not fit it), store problems. */
enum app_problem app_assessment_create(struct app *app, const struct principal *who,
                                       const json_t *body, int64_t now_ms,
                                       struct assessment_rec *out, struct app_result *res);

/* One page of who's organisation's assessments (of framework, or all), answers not loaded. */
enum app_problem app_assessment_list(struct app *app, const struct principal *who,
                                     const char *framework, const char *after, int limit,
                                     struct assessment_list *out, struct app_result *res);

/* Replaces the answers of draft id by body (an answers document of its framework) when exp
 * names its current version; *out is the new version on APP_OK. NOT_FOUND, FORBIDDEN,
 * ASSESSMENT_SUBMITTED, PRECONDITION_REQUIRED/FAILED, FRAMEWORK_UNAVAILABLE,
 * ANSWERS_INVALID. */
enum app_problem app_assessment_save(struct app *app, const struct principal *who, const char *id,
                                     const struct app_expect *exp, const json_t *body,
                                     int64_t now_ms, struct assessment_rec *out,
                                     struct app_result *res);

/* Submits draft id: its scores are computed and frozen, and it can no longer change. As save,
 * and INCOMPLETE (a function without an answered question, each listed). */
enum app_problem app_assessment_submit(struct app *app, const struct principal *who, const char *id,
                                       const struct app_expect *exp, int64_t now_ms,
                                       struct assessment_rec *out, struct app_result *res);

/* Assessment id (*a) with its scores and the peer comparison (new references) on APP_OK.
 * NOT_FOUND, FORBIDDEN, FRAMEWORK_UNAVAILABLE (a draft of a framework no longer loaded),
 * UNAVAILABLE. */
enum app_problem app_assessment_scores(struct app *app, const struct principal *who, const char *id,
                                       struct assessment_rec *a, json_t **scores, json_t **peers,
                                       struct app_result *res);

/* ---- the rating report (app_rating.c) ---- */

struct app_rating_query {
    const char *assessment; /* an id, or NULL: the latest submitted (NIST CSF 2.0 first) */
    const char *simulation; /* an id, "none", or NULL: the latest */
    const char *lang;       /* "ja" or "en" */
};

/* Assembles the rating document of who's organisation (rating_build, src/rating/): the chosen
 * or latest submitted assessment with its peers and gaps, and the chosen or latest
 * simulation. *out gets a new reference on APP_OK. Problems: FORBIDDEN, NOT_FOUND (the
 * assessment or simulation named), BAD_QUERY (a named draft assessment),
 * NO_SUBMITTED_ASSESSMENT, RATING_INCONSISTENT (errors listed), UNAVAILABLE. */
enum app_problem app_rating_build(struct app *app, const struct principal *who,
                                  const struct app_rating_query *q, int64_t now_ms, json_t **out,
                                  struct app_result *res);

/* Draws a rating document as A4 PDF bytes into pdf. PDF_FAILED with the reason otherwise. */
enum app_problem app_rating_pdf(const json_t *doc, struct buf *pdf, struct app_result *res);

/* ---- risk (app_risk.c) ---- */

/* The checks an asset document (the asset field table, csf_categories of the NIST CSF 2.0
 * questionnaire) and a loss scenario (src/risk/, assets of who's organisation, categories)
 * must pass; the scenario gets id as its "id". APP_OK or VALIDATION_UNSAVED with every
 * problem. id is the document's id. */
enum app_problem app_risk_check_asset(struct app *app, const struct principal *who, json_t *doc,
                                      const char *id, int64_t now_ms, struct app_result *res);
enum app_problem app_risk_check_scenario(struct app *app, const struct principal *who, json_t *doc,
                                         const char *id, int64_t now_ms, struct app_result *res);

/* Runs a simulation request body ({"name", "seed", "years", "thresholds", "scenarios"}) on
 * who's stored scenarios (those named, else all), resistance from the latest submitted NIST
 * CSF 2.0 assessment where asked, and stores it as a "simulation" document: *out (released by
 * the caller) on APP_OK. Problems: FORBIDDEN, VALIDATION (the body's fields),
 * VALIDATION_UNSAVED (scenarios, resolution, the server's bounds), SIMULATION_REFUSED,
 * UNAVAILABLE. One simulation runs at a time (app->sim_lock). */
enum app_problem app_risk_simulate(struct app *app, const struct principal *who, const json_t *body,
                                   int64_t now_ms, struct orgdoc_rec *out, struct app_result *res);

#endif
