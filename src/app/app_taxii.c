/*
 * app_taxii.c — the TAXII 2.1 server's use cases (app_taxii.h, issue 13 item 5). The protocol
 * pieces (query parameters, resources, envelopes) are sharing/taxii.h; the read rule is
 * sharing/share_policy.h; the store pages objects by date added (store.h).
 */
#include "app_taxii.h"
#include "app_advisory.h"
#include "app_authz.h"
#include "app_int.h"
#include "../core/rtime.h"
#include "../core/uuid.h"
#include "../sharing/clearance.h"
#include "../sharing/share_policy.h"
#include "../sharing/sharing.h"

#define AUD_LISTS 5
#define AUD_MAX 64 /* values of one audience list */
#define OBJECT_MAX_BYTES (1u << 20)

static const char *const aud_keys[AUD_LISTS] = {"sectors", "org_kinds", "prefectures",
                                                "organizations", "users"};

void app_taxii_page_release(struct app_taxii_page *p)
{
    buf_release(&p->body);
}

/* ---- who reads ---- */

/* The reader is app_share_reader's (app_advisory.h): the one description of a reader that
 * every sharing read path gives the policy. */

/* A collection's audience as the policy takes it; strings borrowed from doc. */
struct audience {
    json_t *doc, *writers;
    const char *v[AUD_LISTS][AUD_MAX];
    struct share_audience a;
};

static struct share_list list_of(struct audience *au, int k)
{
    const json_t *arr = json_object_get(au->doc, aud_keys[k]);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(arr) && n < AUD_MAX; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s)
            au->v[k][n++] = s;
    }
    return (struct share_list){au->v[k], n};
}

static void audience_open(const struct app_call *c, const struct taxii_collection_rec *col,
                          struct audience *au)
{
    memset(au, 0, sizeof(*au));
    au->doc = json_loads(col->audience ? col->audience : "{}", 0, NULL);
    au->writers = json_loads(col->writers ? col->writers : "[]", 0, NULL);
    au->a.tlp = (enum tlp)col->tlp;
    au->a.owner_org = col->owner_org;
    au->a.author_user = "";
    au->a.sectors = list_of(au, 0);
    au->a.org_kinds = list_of(au, 1);
    au->a.prefectures = list_of(au, 2);
    au->a.orgs = list_of(au, 3);
    au->a.users = list_of(au, 4);
    const char *level = json_string_value(json_object_get(au->doc, "clearance"));
    const struct clearance_level *l =
        level && c->app->clearance ? clearance_find(c->app->clearance, level) : NULL;
    /* a level the catalogue no longer has is required all the same: nobody holds it */
    au->a.required_rank = l ? l->rank : level ? 1000 : 0;
    au->a.clearance_holders = json_is_true(json_object_get(au->doc, "clearance_holders"));
}

static void audience_close(struct audience *au)
{
    json_decref(au->doc);
    json_decref(au->writers);
}

static bool can_read(const struct app_reader *t, const struct audience *au)
{
    return share_can_read(&t->r, &au->a);
}

/* Users of the owning organisation or of a listed writer, who may read it; not the platform
 * administrator, whose role gives no right to publish intelligence. */
static bool can_write(const struct app_reader *t, const struct audience *au)
{
    const struct share_reader *r = &t->r;
    if (r->anonymous || r->role == ROLE_ADMIN || !can_read(t, au))
        return false;
    if (!strcmp(r->org_id, au->a.owner_org))
        return true;
    for (size_t i = 0; i < json_array_size(au->writers); i++) {
        const char *w = json_string_value(json_array_get(au->writers, i));
        if (w && !strcmp(w, r->org_id))
            return true;
    }
    return false;
}

/* ---- discovery, API root, collections ---- */

enum app_problem app_taxii_discovery(const struct app_call *c, const char *host, json_t **out,
                                     struct app_result *res)
{
    char root[1200];
    const char *roots[1] = {root};
    const char *pub = c->app->cfg.public_url;
    UNUSED(res);
    /* The Host header is whatever the client sent, and behind a TLS-terminating proxy it names
     * neither the public scheme nor, often, the public name: only the operator's setting is
     * trustworthy. The Host fallback keeps a server on a developer's machine usable. */
    if (pub[0])
        snprintf(root, sizeof(root), "%s/taxii2/%s/", pub, APP_TAXII_ROOT);
    else
        snprintf(root, sizeof(root), "http://%.400s/taxii2/%s/", host ? host : "localhost",
                 APP_TAXII_ROOT);
    *out = taxii_discovery_json("ichigen TAXII 2.1",
                                "Advisories, indicators and sightings shared through ichigen "
                                "(一元): who reads each collection follows its TLP 2.0 label.",
                                NULL, root, roots, 1); /* the one root is the default */
    return APP_OK;
}

enum app_problem app_taxii_api_root(const struct app_call *c, json_t **out, struct app_result *res)
{
    UNUSED(res);
    /* the largest body the server reads (setting max_body_bytes) is what a client may POST */
    *out = taxii_api_root_json("ichigen", "The one API root of this ichigen server.",
                               (size_t)c->app->cfg.max_body_bytes);
    return APP_OK;
}

static void collection_view(const struct taxii_collection_rec *col, bool write,
                            struct taxii_collection *v)
{
    *v = (struct taxii_collection){.id = col->id,
                                   .title = col->title,
                                   .description = col->description[0] ? col->description : NULL,
                                   .alias = col->alias[0] ? col->alias : NULL,
                                   .can_read = true,
                                   .can_write = write};
}

enum app_problem app_taxii_collections(const struct app_call *c, json_t **out,
                                       struct app_result *res)
{
    struct app_reader t;
    struct taxii_collection_rec *all = NULL;
    size_t n = 0, k = 0;
    *out = NULL;
    if (app_share_reader(c, &t, res))
        return res->problem;
    int sr = store_taxii_collection_list(c->app->store, &all, &n);
    if (sr)
        return app_fail_store(res, sr);
    struct taxii_collection *v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        struct audience au;
        audience_open(c, &all[i], &au);
        if (can_read(&t, &au) && k < APP_TAXII_MAX_COLLECTIONS)
            collection_view(&all[i], can_write(&t, &au), &v[k++]);
        audience_close(&au);
    }
    *out = taxii_collections_json(v, k);
    free(v);
    for (size_t i = 0; i < n; i++)
        taxii_collection_rec_release(&all[i]);
    free(all);
    return APP_OK;
}

/* Collection key as the reader may see it: NOT_FOUND when missing or not readable. */
static enum app_problem open_collection(const struct app_call *c, const char *key,
                                        struct app_reader *t, struct taxii_collection_rec *col,
                                        struct audience *au, struct app_result *res)
{
    memset(au, 0, sizeof(*au));
    if (app_share_reader(c, t, res))
        return res->problem;
    int sr = store_taxii_collection_get(c->app->store, key, col);
    if (sr)
        return app_fail_store(res, sr);
    audience_open(c, col, au);
    if (can_read(t, au))
        return APP_OK;
    audience_close(au);
    memset(au, 0, sizeof(*au));
    taxii_collection_rec_release(col);
    return app_fail(res, APP_PROB_NOT_FOUND);
}

enum app_problem app_taxii_collection(const struct app_call *c, const char *key, json_t **out,
                                      struct app_result *res)
{
    struct app_reader t;
    struct taxii_collection_rec col;
    struct audience au;
    struct taxii_collection v;
    *out = NULL;
    if (open_collection(c, key, &t, &col, &au, res))
        return res->problem;
    collection_view(&col, can_write(&t, &au), &v);
    *out = taxii_collection_json(&v);
    audience_close(&au);
    taxii_collection_rec_release(&col);
    return APP_OK;
}

/* ---- reading objects ---- */

/* `next` is the date added of the last version a page held: opaque to clients (§3.6), and
 * because dates added are unique within a collection it continues exactly where the page
 * ended whatever is added meanwhile. */
static int cursor_parse(const char *next, int64_t *out)
{
    size_t n = strlen(next);
    if (n == 0 || n > 18 || strspn(next, "0123456789") != n)
        return -1;
    *out = strtoll(next, NULL, 10);
    return 0;
}

/* The parsed query as the store takes it; spec versions as text. */
struct store_q {
    struct taxii_obj_query q;
    char spec[8][8];
    const char *specp[8];
};

static unsigned store_versions(unsigned flags)
{
    return (flags & TAXII_VER_LAST ? STORE_TAXII_V_LAST : 0) |
           (flags & TAXII_VER_FIRST ? STORE_TAXII_V_FIRST : 0) |
           (flags & TAXII_VER_ALL ? STORE_TAXII_V_ALL : 0);
}

static void to_store_query(const struct taxii_query *tq, const char *coll, const char *object_id,
                           struct store_q *s)
{
    memset(s, 0, sizeof(*s));
    s->q.collection_id = coll;
    s->q.object_id = object_id;
    s->q.added_after_ms = tq->has_added_after ? tq->added_after_ms : 0;
    s->q.ids = (const char *const *)tq->ids;
    s->q.nids = tq->n_ids;
    s->q.types = (const char *const *)tq->types;
    s->q.ntypes = tq->n_types;
    for (size_t i = 0; i < tq->n_spec_versions && i < ARRAY_SIZE(s->spec); i++) {
        snprintf(s->spec[i], sizeof(s->spec[i]), "%u.%u", tq->spec_versions[i] / 10u,
                 tq->spec_versions[i] % 10u);
        s->specp[s->q.nspec++] = s->spec[i];
    }
    s->q.spec_versions = s->specp;
    s->q.versions = store_versions(tq->version_flags);
    s->q.version_ms = tq->versions;
    s->q.nver = tq->n_versions;
    uint32_t limit = tq->limit ? tq->limit : APP_TAXII_PAGE_DEFAULT;
    s->q.limit = limit > APP_TAXII_PAGE_MAX ? APP_TAXII_PAGE_MAX : limit;
}

static enum app_problem parse_args(const struct app_taxii_args *args, struct taxii_query *tq,
                                   struct app_result *res)
{
    for (size_t i = 0; i < args->n; i++)
        taxii_query_add(tq, args->names[i], args->values[i] ? args->values[i] : "", &res->errs);
    if (app_fail_if_errors(res, APP_PROB_BAD_QUERY))
        return res->problem;
    return APP_OK;
}

static int raw_body(const void *ref, const char **p, size_t *n, void *ctx)
{
    const struct taxii_object_row *o = ref;
    UNUSED(ctx);
    if (!o->body)
        return -1;
    *p = o->body;
    *n = o->body_len;
    return 0;
}

/* The rows of a store page as the protocol module's page (metas: one per row, caller frees). */
static void protocol_page(const struct taxii_obj_page *sp, struct taxii_meta *metas,
                          struct taxii_page *p)
{
    taxii_page_init(p);
    p->items = xcalloc(sp->n ? sp->n : 1, sizeof(*p->items));
    for (size_t i = 0; i < sp->n; i++) {
        const struct taxii_object_row *o = &sp->items[i];
        metas[i] = (struct taxii_meta){
            .id = o->id,
            .date_added_ms = o->date_added_ms,
            .version_ms = o->version_ms,
            .spec_version =
                (uint8_t)(o->spec_version[0] == '2' && o->spec_version[2] == '0' ? 20 : 21),
            .ref = o};
        p->items[p->n++] = &metas[i];
    }
    p->more = sp->more;
    if (sp->n) {
        taxii_timestamp(sp->items[0].date_added_ms, p->date_added_first);
        taxii_timestamp(sp->items[sp->n - 1].date_added_ms, p->date_added_last);
        if (sp->more)
            snprintf(p->next, sizeof(p->next), "%lld",
                     (long long)sp->items[sp->n - 1].date_added_ms);
    }
}

static int write_page(enum taxii_endpoint ep, const struct taxii_page *p, struct buf *out)
{
    json_t *j = NULL;
    if (ep == TAXII_EP_OBJECTS || ep == TAXII_EP_OBJECT)
        return taxii_envelope_write(out, p, raw_body, NULL);
    j = ep == TAXII_EP_MANIFEST ? taxii_manifest_json(p) : taxii_versions_json(p);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    int r = text ? buf_puts(out, text) : -1;
    free(text);
    json_decref(j);
    return r;
}

static enum app_problem query_objects(const struct app_call *c, const struct taxii_query *tq,
                                      const char *coll, const char *object_id,
                                      struct taxii_obj_page *sp, struct app_result *res)
{
    struct store_q s;
    to_store_query(tq, coll, object_id, &s);
    int64_t after = 0;
    if (tq->next && cursor_parse(tq->next, &after))
        return app_fail_param(res, "next",
                              "is not a cursor this server gave (pass the value of \"next\" "
                              "from the previous page unchanged)",
                              "このサーバが返したカーソルではありません（前のページの「next」の"
                              "値をそのまま指定してください）");
    if (after > s.q.added_after_ms)
        s.q.added_after_ms = after;
    s.q.bodies = tq->ep == TAXII_EP_OBJECTS || tq->ep == TAXII_EP_OBJECT;
    s.q.max_bytes = APP_TAXII_PAGE_MAX_BYTES;
    int sr = store_taxii_objects_query(c->app->store, &s.q, sp);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_taxii_get(const struct app_call *c, const char *key, const char *object_id,
                               enum taxii_endpoint ep, const struct app_taxii_args *args,
                               struct app_taxii_page *out, struct app_result *res)
{
    struct app_reader t;
    struct taxii_collection_rec col;
    struct audience au;
    struct taxii_query tq;
    struct taxii_obj_page sp = {0};
    struct taxii_page p;
    memset(out, 0, sizeof(*out));
    buf_init(&out->body, BUF_UNLIMITED);
    taxii_query_init(&tq, ep);
    taxii_page_init(&p);
    if (open_collection(c, key, &t, &col, &au, res))
        goto out;
    if (parse_args(args, &tq, res) || query_objects(c, &tq, col.id, object_id, &sp, res))
        goto done;
    if (object_id && !sp.n && !tq.next) { /* §5.6, §5.8: no such object (as filtered) */
        app_fail(res, APP_PROB_NOT_FOUND);
        goto done;
    }
    struct taxii_meta *metas = xcalloc(sp.n ? sp.n : 1, sizeof(*metas));
    protocol_page(&sp, metas, &p);
    if (write_page(ep, &p, &out->body))
        app_fail(res, APP_PROB_UNAVAILABLE);
    xstrlcpy(out->date_first, p.date_added_first, sizeof(out->date_first));
    xstrlcpy(out->date_last, p.date_added_last, sizeof(out->date_last));
    free(metas);
done:
    audience_close(&au);
    taxii_collection_rec_release(&col);
out:
    taxii_page_release(&p);
    taxii_obj_page_release(&sp);
    taxii_query_release(&tq);
    return res->problem;
}

/* ---- adding objects ---- */

/* TLP 1.0 as STIX 2.x marked it (STIX 2.1 §7.2.1.4): white is CLEAR under TLP 2.0. */
static const struct {
    const char *id;
    enum tlp tlp;
} tlp1_ids[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLP_RED},
};

static enum tlp marking_tlp(const char *ref)
{
    enum tlp t = tlp_from_stix_marking_id(ref);
    for (size_t i = 0; t == TLP_INVALID && i < ARRAY_SIZE(tlp1_ids); i++)
        if (!strcmp(ref, tlp1_ids[i].id))
            t = tlp1_ids[i].tlp;
    return t;
}

static enum tlp more_restrictive(enum tlp most, const char *ref)
{
    enum tlp t = ref ? marking_tlp(ref) : TLP_INVALID;
    return t != TLP_INVALID && (most == TLP_INVALID || t > most) ? t : most;
}

/* The most restrictive TLP the object's markings name, or TLP_INVALID for none: those of the
 * whole object (object_marking_refs, STIX 2.1 §7.2.2) and those of its parts
 * (granular_markings[].marking_ref, §7.2.3) — a part marked TLP:RED is served with the rest. */
static enum tlp object_tlp(const json_t *obj)
{
    const json_t *refs = json_object_get(obj, "object_marking_refs");
    const json_t *granular = json_object_get(obj, "granular_markings");
    enum tlp most = TLP_INVALID;
    for (size_t i = 0; i < json_array_size(refs); i++)
        most = more_restrictive(most, json_string_value(json_array_get(refs, i)));
    for (size_t i = 0; i < json_array_size(granular); i++)
        most = more_restrictive(
            most, json_string_value(json_object_get(json_array_get(granular, i), "marking_ref")));
    return most;
}

struct pending {
    struct taxii_object_in *objs; /* their strings owned */
    size_t n, cap;
    enum tlp ceiling;
    int64_t now_ms;
};

static void pending_release(struct pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free((char *)p->objs[i].id);
        free((char *)p->objs[i].type);
        free((char *)p->objs[i].spec_version);
        free((char *)p->objs[i].body);
    }
    free(p->objs);
    memset(p, 0, sizeof(*p));
}

static enum taxii_verdict refuse(char *en, char *ja, const char *why_en, const char *why_ja)
{
    snprintf(en, 256, "%s", why_en);
    snprintf(ja, 256, "%s", why_ja);
    return TAXII_OBJ_FAILURE;
}

/* Each object of the envelope that passed its own checks: kept if its label fits. */
static enum taxii_verdict take_object(json_t *obj, size_t index, const char *id,
                                      const char *version, void *ctx, char *en, char *ja)
{
    struct pending *p = ctx;
    UNUSED(index);
    enum tlp t = object_tlp(obj);
    if (t != TLP_INVALID && t > p->ceiling) {
        char e[256], j[256];
        snprintf(e, sizeof(e), "marked %s, more restrictive than this collection's %s",
                 tlp_label(t), tlp_label(p->ceiling));
        snprintf(j, sizeof(j),
                 "%sの指定があり、このコレクションの%sより制限が厳しいため受け付けません",
                 tlp_label(t), tlp_label(p->ceiling));
        return refuse(en, ja, e, j);
    }
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text || strlen(text) > OBJECT_MAX_BYTES) {
        free(text);
        return refuse(en, ja, "larger than 1 MiB", "1MiBを超えています");
    }
    struct rtime_parsed v = {.ms = p->now_ms}; /* unversioned: its date added (§3.4.2) */
    if (version && rtime_parse_rfc3339(version, strlen(version), &v)) {
        free(text);
        return refuse(en, ja, "its version is not a timestamp", "版が日時ではありません");
    }
    const char *sv = json_string_value(json_object_get(obj, "spec_version"));
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->objs = xrealloc(p->objs, p->cap * sizeof(*p->objs));
    }
    const char *type = json_string_value(json_object_get(obj, "type"));
    p->objs[p->n++] = (struct taxii_object_in){.id = xstrdup(id),
                                               .type = xstrdup(type ? type : ""),
                                               .spec_version = xstrdup(sv ? sv : "2.0"),
                                               .version_ms = v.ms,
                                               .body = text,
                                               .body_len = strlen(text)};
    return TAXII_OBJ_SUCCESS;
}

static enum app_problem store_pending(const struct app_call *c, const char *coll, struct pending *p,
                                      struct app_result *res)
{
    if (!p->n)
        return APP_OK;
    int *results = xcalloc(p->n, sizeof(*results));
    int64_t *added = xcalloc(p->n, sizeof(*added));
    struct taxii_add a = {coll, c->who->org_id, c->who->user_id, p->objs,
                          p->n, c->now_ms,      results,         added};
    int sr = store_taxii_objects_add(c->app->store, &a);
    free(results);
    free(added);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_taxii_post(const struct app_call *c, const char *key, const char *body,
                                size_t n, json_t **status, struct app_result *res)
{
    struct app_reader t;
    struct taxii_collection_rec col;
    struct audience au;
    struct taxii_status st;
    struct pending p = {.now_ms = c->now_ms};
    char sid[UUID_STR_LEN];
    *status = NULL;
    uuid_v7_new(sid);
    taxii_status_init(&st, sid, c->now_ms);
    if (open_collection(c, key, &t, &col, &au, res))
        goto out;
    if (!can_write(&t, &au)) {
        app_fail(res, APP_PROB_FORBIDDEN);
        goto done;
    }
    p.ceiling = (enum tlp)col.tlp;
    struct taxii_post_limits lim = {(size_t)c->app->cfg.max_body_bytes, APP_TAXII_MAX_OBJECTS,
                                    (int)c->app->cfg.max_json_depth};
    int pr = taxii_envelope_post(body, n, &lim, take_object, &p, &st, &res->errs);
    if (pr == TAXII_POST_TOO_LARGE)
        app_fail(res, APP_PROB_PAYLOAD_TOO_LARGE);
    else if (pr)
        app_fail(res, APP_PROB_VALIDATION);
    else if (!store_pending(c, col.id, &p, res)) {
        *status = taxii_status_json(&st);
        char *text = json_dumps(*status, JSON_COMPACT);
        int sr = text ? store_taxii_status_put(c->app->store, sid, col.id, c->who->org_id, text,
                                               c->now_ms)
                      : STORE_UNAVAILABLE;
        free(text);
        if (sr) {
            json_decref(*status);
            *status = NULL;
            app_fail_store(res, sr);
        }
    }
done:
    audience_close(&au);
    taxii_collection_rec_release(&col);
out:
    pending_release(&p);
    taxii_status_release(&st);
    return res->problem;
}

/* ---- deleting, status ---- */

enum app_problem app_taxii_delete(const struct app_call *c, const char *key, const char *object_id,
                                  const struct app_taxii_args *args, struct app_result *res)
{
    struct app_reader t;
    struct taxii_collection_rec col;
    struct audience au;
    struct taxii_query tq;
    struct store_q s;
    size_t deleted = 0;
    taxii_query_init(&tq, TAXII_EP_DELETE);
    if (open_collection(c, key, &t, &col, &au, res))
        goto out;
    if (!can_write(&t, &au) || strcmp(t.r.org_id, col.owner_org)) {
        app_fail(res, APP_PROB_FORBIDDEN);
        goto done;
    }
    if (parse_args(args, &tq, res))
        goto done;
    to_store_query(&tq, col.id, object_id, &s);
    int sr = store_taxii_object_delete(c->app->store, &s.q, c->who->user_id, c->now_ms, &deleted);
    if (sr)
        app_fail_store(res, sr);
done:
    audience_close(&au);
    taxii_collection_rec_release(&col);
out:
    taxii_query_release(&tq);
    return res->problem;
}

enum app_problem app_taxii_status(const struct app_call *c, const char *id, char **body,
                                  struct app_result *res)
{
    char org[UUID_STR_LEN];
    *body = NULL;
    if (!c->who || !id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_taxii_status_get(c->app->store, id, org, body);
    if (sr)
        return app_fail_store(res, sr);
    if (strcmp(org, c->who->org_id)) { /* another organisation's: as if there were none */
        free(*body);
        *body = NULL;
        return app_fail(res, APP_PROB_NOT_FOUND);
    }
    return APP_OK;
}

/* ---- managing collections (ichigen's API) ---- */

static bool alias_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= STORE_TAXII_ALIAS_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n && s[0] != '-' &&
           !uuid_valid(s, n);
}

static void bad(struct app_result *res, const char *ptr, const char *code, const char *en,
                const char *ja)
{
    verr_add(&res->errs, ptr, code, en, ja);
}

static void check_text(const json_t *in, const char *key, size_t max, bool required,
                       struct app_result *res)
{
    const json_t *v = json_object_get(in, key);
    char ptr[40], en[160], ja[160];
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (!v && !required)
        return;
    if (!json_is_string(v) || (required && !json_string_length(v)) || json_string_length(v) > max) {
        snprintf(en, sizeof(en), "%s: must be a text of %s%zu bytes", key,
                 required ? "1 to " : "at most ", max);
        snprintf(ja, sizeof(ja), "%s: %s%zuバイトの文字列にしてください", key,
                 required ? "1〜" : "", max);
        bad(res, ptr, v ? "type" : "required", en, ja);
    }
}

/* A list of the audience: strings of at most 64 bytes; ids where uuids is set. */
static void check_list(const json_t *arr, const char *key, bool uuids, struct app_result *res)
{
    char ptr[80];
    snprintf(ptr, sizeof(ptr), "/audience/%s", key);
    if (!json_is_array(arr) || json_array_size(arr) > AUD_MAX) {
        bad(res, ptr, "type", "must be an array of at most 64 values",
            "64個以内の配列にしてください");
        return;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        size_t n = s ? strlen(s) : 0;
        if (!s || !n || n > 64 || (uuids && !uuid_valid(s, n))) {
            snprintf(ptr, sizeof(ptr), "/audience/%s/%zu", key, i);
            bad(res, ptr, "format", uuids ? "must be an id" : "must be a text of 1 to 64 bytes",
                uuids ? "IDを指定してください" : "1〜64バイトの文字列にしてください");
        }
    }
}

static void check_audience(const struct app_call *c, const json_t *aud, struct app_result *res)
{
    const char *key;
    json_t *v;
    if (!aud)
        return;
    if (!json_is_object(aud)) {
        bad(res, "/audience", "type", "audience: must be an object",
            "audience: オブジェクトにしてください");
        return;
    }
    json_object_foreach((json_t *)aud, key, v)
    {
        int k = -1;
        for (int i = 0; i < AUD_LISTS; i++)
            if (!strcmp(key, aud_keys[i]))
                k = i;
        if (k >= 0)
            check_list(v, key, k >= 3, res);
        else if (!strcmp(key, "clearance")) {
            const char *l = json_string_value(v);
            /* no catalogue loaded: no level exists (app.h), so none may be required */
            if (!l || !clearance_find(c->app->clearance, l))
                bad(res, "/audience/clearance", "unknown_level",
                    "audience.clearance: is not a clearance level of this server",
                    "audience.clearance: このサーバのクリアランス区分ではありません");
        } else if (!strcmp(key, "clearance_holders")) {
            if (!json_is_boolean(v))
                bad(res, "/audience/clearance_holders", "type", "must be true or false",
                    "true か false にしてください");
        } else {
            char ptr[80];
            snprintf(ptr, sizeof(ptr), "/audience/%.60s", key);
            bad(res, ptr, "unknown_field", "is not a field of an audience",
                "対象の項目にありません");
        }
    }
}

static void check_collection(const struct app_call *c, const json_t *in, struct app_result *res)
{
    const char *key;
    json_t *v;
    static const char *const known[] = {"title", "description", "alias",
                                        "tlp",   "audience",    "writers"};
    json_object_foreach((json_t *)in, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < ARRAY_SIZE(known); i++)
            ok = ok || !strcmp(key, known[i]);
        if (!ok) {
            char ptr[80];
            snprintf(ptr, sizeof(ptr), "/%.60s", key);
            bad(res, ptr, "unknown_field", "is not a field of a collection",
                "コレクションの項目にありません");
        }
    }
    check_text(in, "title", 200, true, res);
    check_text(in, "description", 1000, false, res);
    const json_t *alias = json_object_get(in, "alias");
    if (alias && !json_is_null(alias) &&
        (!json_is_string(alias) || !alias_ok(json_string_value(alias))))
        bad(res, "/alias", "format",
            "alias: 1 to 64 of a-z, 0-9 and '-', not starting with '-', and not an id",
            "alias: "
            "英小文字・数字・「-」の1〜64文字（先頭は「-」以外、IDの形は不可）にしてください");
    enum tlp t = tlp_parse(json_string_value(json_object_get(in, "tlp")));
    if (t == TLP_INVALID)
        bad(res, "/tlp", json_object_get(in, "tlp") ? "enum" : "required",
            "tlp: must be TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED",
            "tlp: TLP:CLEAR、TLP:GREEN、TLP:AMBER、TLP:AMBER+STRICT、TLP:RED "
            "のいずれかにしてください");
    const json_t *aud = json_object_get(in, "audience");
    check_audience(c, aud, res);
    if (t == TLP_RED && !json_array_size(json_object_get(aud, "users")))
        bad(res, "/audience/users", "required",
            "a TLP:RED collection names its individual readers (audience.users)",
            "TLP:RED のコレクションは閲覧者を個人で指定します（audience.users）");
    const json_t *w = json_object_get(in, "writers");
    if (w) {
        if (!json_is_array(w) || json_array_size(w) > AUD_MAX)
            bad(res, "/writers", "type", "writers: must be an array of at most 64 organisation ids",
                "writers: 組織IDの64個以内の配列にしてください");
        for (size_t i = 0; json_is_array(w) && i < json_array_size(w); i++) {
            const char *s = json_string_value(json_array_get(w, i));
            if (!s || !uuid_valid(s, strlen(s))) {
                char ptr[40];
                snprintf(ptr, sizeof(ptr), "/writers/%zu", i);
                bad(res, ptr, "format", "must be an organisation id", "組織IDを指定してください");
            }
        }
    }
}

static void collection_from(const json_t *in, struct taxii_collection_rec *col)
{
    const char *alias = json_string_value(json_object_get(in, "alias"));
    const char *desc = json_string_value(json_object_get(in, "description"));
    const json_t *aud = json_object_get(in, "audience"), *w = json_object_get(in, "writers");
    xstrlcpy(col->title, json_string_value(json_object_get(in, "title")), sizeof(col->title));
    xstrlcpy(col->description, desc ? desc : "", sizeof(col->description));
    xstrlcpy(col->alias, alias ? alias : "", sizeof(col->alias));
    col->tlp = tlp_parse(json_string_value(json_object_get(in, "tlp")));
    col->audience = aud ? json_dumps(aud, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
    col->writers = w ? json_dumps(w, JSON_COMPACT) : xstrdup("[]");
}

/* The collection as ichigen's API shows it to its managers. */
static json_t *collection_json(const struct taxii_collection_rec *col)
{
    return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:I, s:I}", "id", col->id, "title",
                     col->title, "description", col->description, "alias",
                     col->alias[0] ? col->alias : NULL, "tlp", tlp_label((enum tlp)col->tlp),
                     "audience", json_loads(col->audience, 0, NULL), "writers",
                     json_loads(col->writers, 0, NULL), "created_at", (json_int_t)col->created_at,
                     "updated_at", (json_int_t)col->updated_at);
}

/* The most restrictive TLP the objects of collection coll are marked with (every version; an
 * unmarked object counts for nothing), read a page at a time: TLP_INVALID when none is marked.
 * Returns a store result. */
static int contents_tlp(const struct app_call *c, const char *coll, enum tlp *out)
{
    struct taxii_obj_query q = {.collection_id = coll,
                                .versions = STORE_TAXII_V_ALL,
                                .limit = APP_TAXII_PAGE_MAX,
                                .bodies = true,
                                .max_bytes = APP_TAXII_PAGE_MAX_BYTES};
    bool more = true;
    *out = TLP_INVALID;
    while (more) {
        struct taxii_obj_page p;
        int sr = store_taxii_objects_query(c->app->store, &q, &p);
        if (sr)
            return sr;
        for (size_t i = 0; i < p.n; i++) {
            json_t *o = json_loadb(p.items[i].body, p.items[i].body_len, 0, NULL);
            enum tlp t = o ? object_tlp(o) : TLP_INVALID;
            json_decref(o);
            if (t != TLP_INVALID && (*out == TLP_INVALID || t > *out))
                *out = t;
        }
        more = p.more && p.n;
        if (p.n)
            q.added_after_ms = p.items[p.n - 1].date_added_ms;
        taxii_obj_page_release(&p);
    }
    return STORE_OK;
}

/* A collection's label may not go below what its objects are marked with: the read rule is
 * asked once per collection (app_taxii.h), so a lower label would hand those objects to
 * readers their own label excludes (TLP 2.0: only the originator may loosen a label, and the
 * writer organisations' objects are not the collection owner's to loosen). Adds a problem at
 * /tlp when it would. */
static enum app_problem check_label_lowering(const struct app_call *c,
                                             const struct taxii_collection_rec *cur,
                                             const json_t *in, struct app_result *res)
{
    enum tlp want = tlp_parse(json_string_value(json_object_get(in, "tlp"))), held;
    if (want == TLP_INVALID || (int)want >= cur->tlp)
        return APP_OK;
    int sr = contents_tlp(c, cur->id, &held);
    if (sr)
        return app_fail_store(res, sr);
    if (held != TLP_INVALID && held > want) {
        char en[200], ja[240];
        snprintf(en, sizeof(en),
                 "tlp: the collection holds objects marked %s; its label may not be lower",
                 tlp_label(held));
        snprintf(ja, sizeof(ja),
                 "tlp: このコレクションには%sの指定があるオブジェクトがあるため、それより緩い区分に"
                 "はできません",
                 tlp_label(held));
        bad(res, "/tlp", "below_contents", en, ja);
    }
    return APP_OK;
}

enum app_problem app_taxii_collection_put(const struct app_call *c, const char *id,
                                          const json_t *in, json_t **out, struct app_result *res)
{
    struct taxii_collection_rec col = {0}, cur = {0};
    *out = NULL;
    if (app_authz(c->who, ACT_ADVISORY_WRITE, NULL, res))
        return res->problem;
    if (id) { /* another organisation's collection is as good as none */
        int sr = id && uuid_valid(id, strlen(id))
                     ? store_taxii_collection_get(c->app->store, id, &cur)
                     : STORE_NOT_FOUND;
        if (sr || strcmp(cur.owner_org, c->who->org_id)) {
            taxii_collection_rec_release(&cur);
            return sr ? app_fail_store(res, sr) : app_fail(res, APP_PROB_NOT_FOUND);
        }
    }
    if (!json_is_object(in))
        bad(res, "", "type", "the body must be a JSON object",
            "本文はJSONオブジェクトにしてください");
    else
        check_collection(c, in, res);
    if (id && json_is_object(in) && check_label_lowering(c, &cur, in, res)) {
        taxii_collection_rec_release(&cur);
        return res->problem;
    }
    if (app_fail_if_errors(res, APP_PROB_VALIDATION)) {
        taxii_collection_rec_release(&cur);
        return res->problem;
    }
    if (id)
        xstrlcpy(col.id, cur.id, sizeof(col.id));
    else
        uuid_v7_new(col.id);
    xstrlcpy(col.owner_org, c->who->org_id, sizeof(col.owner_org));
    collection_from(in, &col);
    col.created_at = id ? cur.created_at : c->now_ms;
    col.updated_at = c->now_ms;
    int sr = store_taxii_collection_put(c->app->store, &col, c->who->user_id, c->now_ms);
    if (sr == STORE_EXISTS)
        app_fail_detail(res, APP_PROB_CONFLICT_UNIQUE, "Another collection has this alias.",
                        "このaliasは他のコレクションが使っています。");
    else if (sr)
        app_fail_store(res, sr);
    else
        *out = collection_json(&col);
    taxii_collection_rec_release(&col);
    taxii_collection_rec_release(&cur);
    return res->problem;
}
