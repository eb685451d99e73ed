/*
 * app_govern.c — what the governance use cases share: reading an organisation document or an
 * assessment the actor may use, the latest submitted assessment, scores and the peer
 * comparison (app_govern.h).
 *
 * Peer comparison: the latest submitted assessment of the same framework of every other
 * organisation, grouped by sector and size band, widening (sector+size → sector → size →
 * everyone) until a group has at least peer_min_k others (k-anonymity: no figure ever rests
 * on fewer organisations, and none is named). src/assess/ does the arithmetic.
 */
#include "app_govern.h"
#include "app_authz.h"
#include "../assess/assess.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

json_t *app_time_json(int64_t ms)
{
    char s[40];
    rtime_format_utc(ms, s, sizeof(s));
    return json_string(s);
}

char *app_canonical(const json_t *j)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(j, &b);
    char *s = xstrndup(b.data, b.len);
    buf_release(&b);
    return s;
}

enum app_problem app_doc_fetch(struct app *app, const struct principal *who, const char *kind,
                               enum auth_action a, const char *id, struct orgdoc_rec *d,
                               struct app_result *res)
{
    memset(d, 0, sizeof(*d));
    if (app_authz(who, a, NULL, res))
        return res->problem;
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_orgdoc_get(app->store, id, d);
    if (sr == STORE_OK && strcmp(d->kind, kind))
        sr = STORE_NOT_FOUND; /* another kind's id in this path */
    if (sr) {
        orgdoc_rec_release(d);
        return app_fail(res, app_store_problem(sr));
    }
    if (app_authz(who, a, d->org_id, res)) {
        orgdoc_rec_release(d);
        return res->problem;
    }
    return APP_OK;
}

enum app_problem app_assessment_fetch(struct app *app, const struct principal *who,
                                      enum auth_action act, const char *id,
                                      struct assessment_rec *a, struct app_result *res)
{
    memset(a, 0, sizeof(*a));
    if (app_authz(who, act, NULL, res))
        return res->problem;
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_assessment_get(app->store, id, a);
    if (sr)
        return app_fail(res, app_store_problem(sr));
    if (app_authz(who, act, a->org_id, res)) {
        assessment_rec_release(a);
        return res->problem;
    }
    return APP_OK;
}

int app_latest_submitted(struct app *app, const char *org_id, const char *framework,
                         struct assessment_rec *out)
{
    char after[UUID_STR_LEN] = "";
    bool found = false;
    memset(out, 0, sizeof(*out));
    for (;;) {
        struct assessment_list l;
        int res =
            store_assessment_list(app->store, org_id, framework, after[0] ? after : NULL, 200, &l);
        if (res)
            return res;
        for (size_t i = 0; i < l.n; i++) {
            const struct assessment_rec *a = &l.items[i];
            if (strcmp(a->status, "submitted") || (found && a->submitted_at <= out->submitted_at))
                continue;
            *out = *a;
            out->answers = out->scores = NULL;
            found = true;
        }
        bool more = l.more;
        if (l.n)
            xstrlcpy(after, l.items[l.n - 1].id, sizeof(after));
        assessment_list_release(&l);
        if (!more)
            break;
    }
    return found ? STORE_OK : STORE_NOT_FOUND;
}

static json_t *parse_stored(const char *text, const char *what, const char *id)
{
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        BUG("stored %s of assessment %s is not JSON", what, id);
    return j;
}

json_t *app_scores_of(struct app *app, const struct assessment_rec *a)
{
    if (a->scores)
        return parse_stored(a->scores, "scores", a->id);
    const struct assess_framework *fw = assess_catalog_get(app->frameworks, a->framework_id);
    if (!fw)
        return NULL;
    json_t *doc = parse_stored(a->answers, "answers", a->id);
    json_t *s = assess_score(fw, doc);
    json_decref(doc);
    return s;
}

/* The candidate groups for an organisation, narrowest first. Rows are borrowed. */
struct peer_groups {
    struct assess_peer_group g[4];
    const json_t **members[4];
    char names[4][96];
    size_t n;
};

static void groups_add(struct peer_groups *pg, const char *name, const struct peer_rows *rows,
                       json_t **parsed, const char *sector, const char *size)
{
    size_t k = pg->n++, m = 0;
    pg->members[k] = xcalloc(rows->n + 1, sizeof(json_t *));
    for (size_t i = 0; i < rows->n; i++) {
        if (sector && strcmp(rows->items[i].sector, sector))
            continue;
        if (size && strcmp(rows->items[i].size_band, size))
            continue;
        if (parsed[i])
            pg->members[k][m++] = parsed[i];
    }
    xstrlcpy(pg->names[k], name, sizeof(pg->names[k]));
    pg->g[k].name = pg->names[k];
    pg->g[k].scores = pg->members[k];
    pg->g[k].n = m;
}

/* The rating report's shape for a group: {"basis", "sector"?, "size_band"?}. */
static json_t *group_json(const char *basis, const struct org *o)
{
    json_t *g = json_pack("{s:s}", "basis", basis);
    if (strstr(basis, "sector"))
        json_object_set_new(g, "sector", json_string(o->sector));
    if (strstr(basis, "size_band"))
        json_object_set_new(g, "size_band", json_string(o->size_band));
    return g;
}

json_t *app_peers_of(struct app *app, const struct assessment_rec *a, const json_t *own)
{
    struct peer_rows rows;
    struct org o;
    struct peer_groups pg;
    json_t *res = NULL;
    memset(&pg, 0, sizeof(pg));
    if (store_org_get(app->store, a->org_id, &o) ||
        store_assessment_peers(app->store, a->framework_id, a->org_id, &rows))
        return NULL;
    json_t **parsed = xcalloc(rows.n + 1, sizeof(json_t *));
    for (size_t i = 0; i < rows.n; i++)
        parsed[i] = rows.items[i].scores ? json_loads(rows.items[i].scores, 0, NULL) : NULL;
    /* "none" means outside the critical-infrastructure sectors, which is not a peer group */
    bool has_sector = o.sector[0] && strcmp(o.sector, "none"), has_size = o.size_band[0];
    if (has_sector && has_size)
        groups_add(&pg, "sector+size_band", &rows, parsed, o.sector, o.size_band);
    if (has_sector)
        groups_add(&pg, "sector", &rows, parsed, o.sector, NULL);
    if (has_size)
        groups_add(&pg, "size_band", &rows, parsed, NULL, o.size_band);
    groups_add(&pg, "all", &rows, parsed, NULL, NULL);
    res = assess_peers(own, pg.g, pg.n, (size_t)app->cfg.peer_min_k);
    if (res) {
        json_t *g = json_object_get(res, "group");
        json_object_set_new(res, "group",
                            json_is_string(g) ? group_json(json_string_value(g), &o) : json_null());
    }
    for (size_t i = 0; i < pg.n; i++)
        free(pg.members[i]);
    for (size_t i = 0; i < rows.n; i++)
        json_decref(parsed[i]);
    free(parsed);
    peer_rows_release(&rows);
    return res;
}
