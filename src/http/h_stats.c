/*
 * h_stats.c — GET /api/v1/statistics/incidents and /api/v1/statistics/obligations (issue 13
 * item 7; app_stats.h says who sees what): decode the parameters, call app_stats_table, answer
 * JSON or — with ?format=csv, or an Accept header naming text/csv — CSV for spreadsheets.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_stats.h"

/* CSV when ?format=csv, or when the client's Accept names text/csv and no ?format overrides it
 * (a plain substring test: media-range weights are not weighed; ?format is exact). */
static bool wants_csv(struct req *r, const char *format)
{
    const char *accept = http_header_in(r, "Accept");
    if (format)
        return !strcmp(format, "csv");
    return accept && strstr(accept, "text/csv") != NULL;
}

static void answer(struct req *r, enum stats_kind kind)
{
    static const char *const allowed[] = {"by", "from", "to", "scope", "k", "format", NULL};
    struct app_stats_params p;
    struct stats_table *t = NULL;
    struct app_result res;
    if (!http_query_only(r, allowed))
        return;
    p = (struct app_stats_params){http_query(r, "by"), http_query(r, "from"),
                                  http_query(r, "to"), http_query(r, "scope"),
                                  http_query(r, "k"),  http_query(r, "format")};
    app_result_init(&res, 8);
    struct app_call c = http_app_call(r);
    if (app_stats_table(&c, kind, &p, &t, &res))
        return http_fail_result_release(r, &res);
    app_result_release(&res);
    if (wants_csv(r, p.format)) {
        struct buf csv;
        buf_init(&csv, BUF_UNLIMITED);
        stats_table_csv(t, &csv);
        http_header(r, "Content-Disposition",
                    kind == STATS_OBLIGATIONS
                        ? "attachment; filename=\"ichigen-statistics-obligations.csv\""
                        : "attachment; filename=\"ichigen-statistics-incidents.csv\"");
        http_raw(r, 200, "text/csv; charset=utf-8; header=present", csv.data, csv.len);
        buf_release(&csv);
    } else {
        http_json(r, 200, stats_table_json(t));
    }
    stats_table_free(t);
}

void h_stats_incidents(struct req *r)
{
    answer(r, STATS_INCIDENTS);
}

void h_stats_obligations(struct req *r)
{
    answer(r, STATS_OBLIGATIONS);
}
