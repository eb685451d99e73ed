/*
 * app_authz.h — every authorisation decision of the use cases, in one family that the HTTP
 * handlers and the CLI both call (issue 9 item 1).
 *
 * Three kinds of decision, each made here and nowhere else:
 *  - role: may this role ever perform the action (the permission matrix, auth_check)? No →
 *    FORBIDDEN (403);
 *  - ownership: is the object of the actor's organisation? No → NOT_FOUND (404), so that the
 *    existence of another organisation's report or submission is not revealed;
 *  - recipient binding: is a submission routed to a recipient the actor's organisation
 *    receives for (PUT /api/v1/recipients/{id}/binding), and electronic (documents are the
 *    reporter's to file, drills never arrive)? No → NOT_FOUND.
 * The role is decided before anything is read, so a role that may never act learns nothing,
 * not even whether an id exists.
 *
 * Every function returns APP_OK or a row of the problem table (app_problem.h), which it also
 * sets in res, like every use case.
 *
 * Layer: application. Callers: src/app/ use cases, http/ (route table and handlers), cli/.
 */
#ifndef APP_APP_AUTHZ_H
#define APP_APP_AUTHZ_H

#include "app_call.h"
#include "app_problem.h"

/* May who perform a on an object owned by object_org (NULL: no object, the role alone)?
 * APP_OK, FORBIDDEN (role) or NOT_FOUND (another organisation's object). */
enum app_problem app_authz(const struct principal *who, enum auth_action a, const char *object_org,
                           struct app_result *res);

/* An organisation named by the caller (a path's {id}): the role, then a well-formed id,
 * then ownership. APP_OK, FORBIDDEN or NOT_FOUND. */
enum app_problem app_authz_org(const struct principal *who, enum auth_action a, const char *org_id,
                               struct app_result *res);

/* Reads the report id (version 0 = latest) if the actor may perform a on it: role first,
 * then the lookup, then ownership. On APP_OK the caller releases rec; otherwise rec is empty
 * (safe to release). FORBIDDEN, NOT_FOUND or UNAVAILABLE. */
enum app_problem app_authz_report(const struct app_call *c, enum auth_action a, const char *id,
                                  int version, struct report_rec *rec, struct app_result *res);

/* Reads a submission of the actor's organisation (the reporting side) for action a. Same
 * contract as app_authz_report. */
enum app_problem app_authz_sent(const struct app_call *c, enum auth_action a, const char *id,
                                struct submission_rec *s, struct app_result *res);

/* Reads a submission routed to a recipient the actor's organisation is bound to (the
 * receiving side) for action a. Same contract as app_authz_report. */
enum app_problem app_authz_received(const struct app_call *c, enum auth_action a, const char *id,
                                    struct submission_rec *s, struct app_result *res);

/* The recipient ids org receives for (heap array of heap strings, *n of them; free with
 * app_strs_free). APP_OK or UNAVAILABLE. */
enum app_problem app_bound_recipients(struct store *st, const char *org, char ***out, size_t *n,
                                      struct app_result *res);
void app_strs_free(char **v, size_t n);

#endif
