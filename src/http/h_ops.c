/*
 * h_ops.c — operational endpoints: liveness, readiness, Prometheus metrics, the report-format
 * schema, and the audit log listing.
 */
#include <pthread.h>

#include "http_int.h"
#include "../app/app_audit.h"
#include "../core/jsonx.h"

void h_healthz(struct req *r)
{
    http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready = the database answers a query. Load balancers stop sending traffic otherwise. */
void h_readyz(struct req *r)
{
    if (store_ready(r->app->store))
        http_json(r, 503, json_pack("{s:s}", "status", "unavailable"));
    else
        http_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

static bool metrics_token_ok(struct req *r)
{
    const char *want = r->app->cfg.metrics_token, *h = http_header_in(r, "Authorization");
    size_t n = strlen(want);
    if (!n || !h || strncasecmp(h, "Bearer ", 7) || strlen(h + 7) != n)
        return false;
    return hash_ct_equal(h + 7, want, n);
}

void h_metrics(struct req *r)
{
    struct buf out;
    /* the configured metrics token, or an administrator's token */
    if (!metrics_token_ok(r) && (!http_authenticate(r) || !http_allow(r, ACT_METRICS_READ, NULL)))
        return;
    buf_init(&out, BUF_UNLIMITED);
    http_metrics_render(r->app->metrics, r->app, &out);
    http_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_cstr(&out), out.len);
    buf_release(&out);
}

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static struct buf schema_text;

static void schema_build(void)
{
    json_t *s = report_schema();
    buf_init(&schema_text, BUF_UNLIMITED);
    jsonx_dump_canonical(s, &schema_text);
    json_decref(s);
}

void h_schema(struct req *r)
{
    pthread_once(&schema_once, schema_build);
    http_raw(r, 200, "application/schema+json", buf_cstr(&schema_text), schema_text.len);
}

static int audit_item(const struct audit_rec *a, void *arg)
{
    json_t *items = arg;
    json_t *o =
        json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)a->seq,
                  "at", http_time(a->at), "actor", a->actor, "action", a->action, "object_type",
                  a->object_type, "object_id", a->object_id, "detail", a->detail, "payload_sha256",
                  a->payload_sha256, "prev_hash", a->prev_hash, "hash", a->hash);
    json_array_append_new(items, o);
    return 0;
}

void h_audit_list(struct req *r)
{
    static const char *const allowed[] = {"from_seq", "limit", NULL};
    const char *fs = http_query(r, "from_seq"), *ls = http_query(r, "limit");
    int64_t from = 1, limit = r->app->cfg.page_size_default, next = 0;
    json_t *items = json_array();
    struct app_result res;
    app_result_init(&res, r->app->limits.max_errors);
    if (!http_query_only(r, allowed))
        goto out;
    if (fs && parse_int64(fs, 1, INT64_MAX, &from)) {
        http_bad_query(r, "from_seq", "must be a whole number of 1 or more",
                       "1以上の整数で指定してください");
        goto out;
    }
    if (ls && parse_int64(ls, 1, r->app->cfg.page_size_max, &limit)) {
        http_bad_query(r, "limit", "is out of range", "範囲外です");
        goto out;
    }
    if (app_audit_page(r->app, &r->who, from, (int)limit, audit_item, items, &next, &res)) {
        http_fail_result(r, &res);
        goto out;
    }
    http_json(r, 200,
              json_pack("{s:O, s:o}", "items", items, "next_from_seq",
                        next ? json_integer((json_int_t)next) : json_null()));
out:
    app_result_release(&res);
    json_decref(items);
}
