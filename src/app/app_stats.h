/*
 * app_stats.h — statistics for authorities (issue 13 item 7; docs/sharing.md §7): the use case
 * behind GET /api/v1/statistics/incidents and /obligations and `ichigen stats`.
 *
 * Who sees what:
 *  - only authority users (ACT_STATS_READ): reporters, recipient users, organisation
 *    administrators and the platform operator are refused (403) before anything is read;
 *  - scope "inbox" (the default): the incidents routed to the recipients the actor's own
 *    organisation receives for — exactly what its inbox lists —, consent or not: the authority
 *    holds these reports by law (an organisation bound to no recipient gets an empty table);
 *  - scope "platform": every incident of the platform whose reporter consented to anonymised
 *    statistics, whoever received it;
 *  - in both, every figure rests on at least k distinct reporting organisations, k the setting
 *    sharing_k_anonymity (a caller may ask for a larger k, never a smaller one), with
 *    complementary suppression (src/sharing/stats.h).
 * Drills and withdrawn incidents never count (stats_row_counts).
 *
 * Layer: application. Callers: http/h_stats.c, cli/, tests.
 */
#ifndef APP_APP_STATS_H
#define APP_APP_STATS_H

#include "app_call.h"
#include "../sharing/stats.h"

/* The query parameters as given (each NULL when absent; stats_query_parse). */
struct app_stats_params {
    const char *by, *from, *to, *scope, *k, *format;
};

/* The table of kind the actor asked for, finished (cells, suppression) with k = max(the
 * parameter k, sharing_k_anonymity). BAD_QUERY (every parameter in error named, a k below the
 * setting too), FORBIDDEN, UNAVAILABLE. On APP_OK the caller frees *out (stats_table_free). */
enum app_problem app_stats_table(const struct app_call *c, enum stats_kind kind,
                                 const struct app_stats_params *p, struct stats_table **out,
                                 struct app_result *res);

/* The same table without an actor, read from st (the operator's CLI on the server, which can
 * read the database anyway): q's scope must be the platform — there is no inbox without an
 * organisation, and the platform view is the one that may be published —; k at least 2.
 * BAD_QUERY, UNAVAILABLE. */
enum app_problem app_stats_platform(struct store *st, const struct stats_query *q, int k,
                                    int64_t now, struct stats_table **out, struct app_result *res);

#endif
