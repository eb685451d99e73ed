/*
 * app_obligations.h — what a report obliges its organisation to do (src/rules/; docs/
 * obligations.md): a stored report's ledger with each obligation's status now and its
 * explanation, the evaluation of a draft without storing it (the preview the web form calls
 * on every change, and `ichigen obligations FILE`), and the organisation's open obligations
 * across its incidents (the deadlines not to miss).
 *
 * Layer: application. Callers: http/h_obligations.c, http/h_reminders.c, cli/cli_rules.c,
 * tests.
 */
#ifndef APP_APP_OBLIGATIONS_H
#define APP_APP_OBLIGATIONS_H

#include "app_call.h"

/* One obligation of a report's ledger as of now. */
struct app_obligation {
    const struct obligation_rec *ob; /* borrowed from the list */
    const char *status;      /* met (a submission delivered or acknowledged) unless no longer
                                applicable, else rules_row_status as of now (static string) */
    json_t *explanation;     /* rules_explain of the version it was last evaluated on, with
                                "status" and "explained_with"; NULL when the rule has left the
                                rule set (new reference) */
    const struct rule *rule; /* in the loaded rule set (whether it is in force), or NULL */
};

struct app_obligations {
    struct obligation_list list;
    struct app_obligation *items; /* parallel to list.items */
    size_t n;
    struct request_list requests; /* what receiving authorities asked about the incident's
                                     submissions (issue 10 item 7), oldest first */
};
void app_obligations_release(struct app_obligations *o);

/* The ledger of a report of the actor's organisation (ACT_REPORT_READ). APP_OK (release out
 * in every case), FORBIDDEN, NOT_FOUND, UNAVAILABLE. */
enum app_problem app_report_obligations(const struct app_call *c, const char *report_id,
                                        struct app_obligations *out, struct app_result *res);

/* Evaluates the rule set on a report document, storing nothing: the explanation
 * (rules_explain) of every obligation that applies into *applies, in rule order, and of every
 * rule that does not into *others — or, when others is NULL, into *applies too, in rule order.
 * New references. Pure. */
void app_obligations_explain(const struct ruleset *rs, const json_t *doc, int64_t now_ms,
                             int64_t due_soon_ms, json_t **applies, json_t **others);

/* One open obligation of the organisation with its status now. */
struct app_open_item {
    const struct open_obligation *ob; /* borrowed from the list */
    const char *status;               /* pending, due_soon, overdue, recommended, target_passed,
                                         proposed_deadline_passed (a rule not in force; never overdue) */
    const struct rule *rule;          /* in the loaded rule set (whether it is in force), or NULL */
};
struct app_open {
    struct open_obligations list;
    struct app_open_item *items;
    size_t n;
    const struct tz *zone; /* the organisation's (account_org_zone), for local times; kept by
                              app_zone, not released */
};
void app_open_release(struct app_open *o);

/* The actor's organisation's open obligations on real incidents, soonest first, at most limit,
 * only those whose status is in statuses (a comma-separated list; NULL: every one).
 * BAD_QUERY (the parameter "status") for a status that is not one of those above; FORBIDDEN,
 * UNAVAILABLE. Release out in every case. */
enum app_problem app_obligations_open(const struct app_call *c, const char *statuses, int limit,
                                      struct app_open *out, struct app_result *res);

#endif
