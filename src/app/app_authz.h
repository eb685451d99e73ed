/*
 * app_authz.h — every authorisation decision of the use cases, in one family that the HTTP
 * handlers and the CLI both call (issue 9 item 1).
 *
 * Three kinds of decision, each made here and nowhere else:
 *  - role: may this role ever perform the action (the permission matrix, auth_check)? No →
 *    APP_ST_FORBIDDEN (403);
 *  - ownership: is the object of the actor's organisation? No → APP_ST_NOT_FOUND (404), so that
 *    the existence of another organisation's report or submission is not revealed;
 *  - recipient binding: is a submission routed to a recipient the actor's organisation
 *    receives for (PUT /api/v1/recipients/{id}/binding), and electronic (documents are the
 *    reporter's to file, drills never arrive)? No → APP_ST_NOT_FOUND.
 * The role is decided before anything is read, so a role that may never act learns nothing,
 * not even whether an id exists.
 *
 * Layer: application. Callers: src/app/ use cases, http/ (route table and handlers), cli/.
 */
#ifndef APP_APP_AUTHZ_H
#define APP_APP_AUTHZ_H

#include "app_call.h"
#include "app_problem.h"

/* May who perform a on an object owned by object_org (NULL: no object, the role alone)?
 * APP_ST_OK, APP_ST_FORBIDDEN (role) or APP_ST_NOT_FOUND (another organisation's object). */
enum app_status app_authz(const struct principal *who, enum auth_action a, const char *object_org);

/* An organisation named by the caller (a path's {id}): the role, then a well-formed id,
 * then ownership. APP_ST_OK, APP_ST_FORBIDDEN or APP_ST_NOT_FOUND. */
/* The same decision as a row of the problem table, for the use cases that report through
 * struct app_result (app_problem.h): APP_OK, or NOT_FOUND / FORBIDDEN set in res. */
enum app_problem app_authz_result(const struct principal *who, enum auth_action a,
                                  const char *object_org, struct app_result *res);

enum app_status app_authz_org(const struct principal *who, enum auth_action a, const char *org_id);

/* Reads the report id (version 0 = latest) if the actor may perform a on it: role first,
 * then the lookup, then ownership. On APP_ST_OK the caller releases rec; otherwise rec is empty
 * (safe to release). APP_ST_FORBIDDEN, APP_ST_NOT_FOUND or APP_ST_UNAVAILABLE. */
enum app_status app_authz_report(const struct app_call *c, enum auth_action a, const char *id,
                                 int version, struct report_rec *rec);

/* Reads a submission of the actor's organisation (the reporting side) for action a. Same
 * contract as app_authz_report. */
enum app_status app_authz_sent(const struct app_call *c, enum auth_action a, const char *id,
                               struct submission_rec *s);

/* Reads a submission routed to a recipient the actor's organisation is bound to (the
 * receiving side) for action a. Same contract as app_authz_report. */
enum app_status app_authz_received(const struct app_call *c, enum auth_action a, const char *id,
                                   struct submission_rec *s);

/* The recipient ids org receives for (heap array of heap strings, *n of them; free with
 * app_strs_free). APP_ST_OK or APP_ST_UNAVAILABLE. */
enum app_status app_bound_recipients(struct store *st, const char *org, char ***out, size_t *n);
void app_strs_free(char **v, size_t n);

#endif
