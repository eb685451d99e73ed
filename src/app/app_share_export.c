/*
 * app_share_export.c — advisories as STIX 2.1 bundles and MISP events, MISP events into TAXII
 * collections (app_share_export.h).
 */
#include "app_share_export.h"
#include "app_advisory.h"
#include "app_report.h"
#include "app_int.h"
#include "app_taxii.h"
#include "../core/rtime.h"
#include "../sharing/misp.h"
#include "../sharing/sharing.h"
#include "../sharing/stix.h"

#define LIST_MAX 500 /* the most any advisory list holds (ADVISORY_INDICATORS_MAX) */

/* {"ja", "en"} text of member key of o in one language, or NULL. */
static const char *text(const json_t *o, const char *key, const char *lang)
{
    return json_string_value(json_object_get(json_object_get(o, key), lang));
}

static int64_t time_of(const json_t *o, const char *key, int64_t fallback)
{
    const char *s = json_string_value(json_object_get(o, key));
    struct rtime_parsed p;
    return s && !rtime_parse_rfc3339(s, strlen(s), &p) ? p.ms : fallback;
}

/* ODNI ICD 203's three levels on the STIX 2.1 confidence scale (Appendix A, "None / Low / Med /
 * High": 0, 15, 50, 85); "none" (no attribution made) is no confidence at all. */
static int confidence(const json_t *actor)
{
    const char *c = json_string_value(json_object_get(actor, "attribution_confidence"));
    if (!c || !strcmp(c, "none"))
        return -1;
    return !strcmp(c, "high") ? 85 : !strcmp(c, "moderate") ? 50 : 15;
}

/* Borrowed string members of array key of o, at most max. */
static size_t strings(const json_t *o, const char *key, const char **out, size_t max)
{
    const json_t *a = json_object_get(o, key);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(a) && n < max; i++)
        if (json_is_string(json_array_get(a, i)))
            out[n++] = json_string_value(json_array_get(a, i));
    return n;
}

/* The advisory id as the caller may read it, and its body as that reader sees it. */
static enum app_problem readable_view(const struct app_call *c, const char *id, int version,
                                      struct advisory_rec *a, json_t **view, struct app_result *res)
{
    struct app_reader rd;
    int acked = 0;
    *view = NULL;
    if (app_advisory_get(c, id, version, a, &acked, res))
        return res->problem;
    if (app_share_reader(c, &rd, res)) {
        advisory_rec_release(a);
        return res->problem;
    }
    *view = app_advisory_view(&rd, a);
    if (!*view) {
        advisory_rec_release(a);
        return app_fail(res, APP_PROB_UNAVAILABLE);
    }
    return APP_OK;
}

/* The indicators of view as STIX indicator inputs (keys and texts borrowed from view/keys). */
static size_t stix_indicators(const struct advisory_rec *a, const json_t *view,
                              struct stix_indicator_in *out, char (*keys)[96])
{
    const json_t *arr = json_object_get(view, "indicators");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(arr) && n < LIST_MAX; i++) {
        const json_t *it = json_array_get(arr, i);
        enum ioc_type t = ioc_type_parse(json_string_value(json_object_get(it, "type")));
        const char *v = json_string_value(json_object_get(it, "value"));
        if (t == IOC_INVALID || !v)
            continue;
        /* one indicator per advisory and value: the same id in every version of the advisory */
        snprintf(keys[n], sizeof(keys[n]), "%s:%zu", a->id, i);
        out[n++] =
            (struct stix_indicator_in){.m = {.key = keys[n - 1],
                                             .created_ms = a->created_at,
                                             .modified_ms = a->version_created_at,
                                             .tlp = tlp_parse(a->tlp)},
                                       .type = t,
                                       .value = v,
                                       .valid_from_ms = time_of(view, "valid_from", a->created_at),
                                       .valid_until_ms = time_of(view, "valid_until", 0),
                                       .confidence = -1};
    }
    return n;
}

enum app_problem app_advisory_stix(const struct app_call *c, const char *id, int version,
                                   json_t **bundle, struct app_result *res)
{
    struct advisory_rec a;
    json_t *view;
    *bundle = NULL;
    if (readable_view(c, id, version, &a, &view, res))
        return res->problem;
    const char *techniques[LIST_MAX], *cves[LIST_MAX];
    struct stix_indicator_in *inds = xcalloc(LIST_MAX, sizeof(*inds));
    char(*keys)[96] = xcalloc(LIST_MAX, sizeof(*keys));
    const json_t *actor = json_object_get(view, "actor");
    const char *actor_name =
        text(actor, "name", "en") ? text(actor, "name", "en") : text(actor, "name", "ja");
    struct stix_advisory s = {
        .m = {.key = a.id,
              .created_ms = a.created_at,
              .modified_ms = a.version_created_at,
              .tlp = tlp_parse(a.tlp)},
        .title_ja = text(view, "title", "ja"),
        .title_en = text(view, "title", "en"),
        .description_ja = text(view, "summary", "ja"),
        .description_en = text(view, "summary", "en"),
        .published_ms = a.version_created_at,
        .actor = actor_name,
        .actor_kind = STIX_ACTOR_THREAT_ACTOR,
        .actor_confidence = confidence(actor),
        .techniques = techniques,
        .n_techniques = strings(view, "techniques", techniques, LIST_MAX),
        .cves = cves,
        .n_cves = strings(json_object_get(view, "affected"), "cves", cves, LIST_MAX),
        .indicators = inds,
        .n_indicators = stix_indicators(&a, view, inds, keys)};
    *bundle = stix_advisory_bundle(&s, &res->errs);
    if (!*bundle) /* a stored advisory the exporter refuses: ours to fix, not the caller's */
        app_fail(res, APP_PROB_RENDERING_FAILED);
    free(inds);
    free(keys);
    json_decref(view);
    advisory_rec_release(&a);
    return res->problem;
}

/* MISP's threat level from the advisory's importance (docs/sharing.md §6). */
static enum misp_threat_level threat_level(const json_t *view)
{
    const char *i = json_string_value(json_object_get(view, "importance"));
    if (i && (!strcmp(i, "critical") || !strcmp(i, "high")))
        return MISP_THREAT_HIGH;
    return i && !strcmp(i, "medium") ? MISP_THREAT_MEDIUM : MISP_THREAT_LOW;
}

enum app_problem app_advisory_misp(const struct app_call *c, const char *id, int version,
                                   json_t **event, struct app_result *res)
{
    struct advisory_rec a;
    json_t *view;
    struct org org;
    *event = NULL;
    if (readable_view(c, id, version, &a, &view, res))
        return res->problem;
    struct misp_ioc *iocs = xcalloc(LIST_MAX, sizeof(*iocs));
    const json_t *arr = json_object_get(view, "indicators");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(arr) && n < LIST_MAX; i++) {
        const json_t *it = json_array_get(arr, i);
        enum ioc_type t = ioc_type_parse(json_string_value(json_object_get(it, "type")));
        const char *v = json_string_value(json_object_get(it, "value"));
        if (t != IOC_INVALID && v) /* an advisory's indicators are for detection: to_ids */
            iocs[n++] = (struct misp_ioc){.type = t, .value = v, .role = "other", .to_ids = true};
    }
    bool named = !store_org_get(c->app->store, a.org_id, &org);
    const char *title =
        text(view, "title", "en") ? text(view, "title", "en") : text(view, "title", "ja");
    struct misp_event_in in = {.uuid = a.id,
                               .info = title,
                               .date_ms = a.created_at,
                               .timestamp_ms = a.version_created_at,
                               .threat_level = threat_level(view),
                               .analysis = MISP_ANALYSIS_COMPLETED,
                               .tlp = tlp_parse(a.tlp),
                               .org_name =
                                   named ? (org.name_en[0] ? org.name_en : org.name_ja) : NULL,
                               .org_uuid = named ? org.id : NULL,
                               .iocs = iocs,
                               .n_iocs = n};
    if (misp_export(&in, event, &res->errs))
        app_fail(res, APP_PROB_RENDERING_FAILED);
    free(iocs);
    json_decref(view);
    advisory_rec_release(&a);
    return res->problem;
}

/* ---- MISP into a TAXII collection ---- */

/* The STIX indicators (and their marking definitions) of the MISP event's indicators, as a
 * TAXII envelope's text; the event's uuid keys their ids, so a re-import is idempotent. */
static char *misp_envelope(const struct misp_import *m, int64_t now, struct app_result *res)
{
    json_t *objects = json_array();
    bool marked[TLP__COUNT] = {false};
    for (size_t i = 0; i < m->n; i++) {
        const struct misp_indicator *v = &m->v[i];
        char key[200];
        snprintf(key, sizeof(key), "misp:%s:%s", m->uuid ? m->uuid : "",
                 v->uuid ? v->uuid : v->value);
        struct stix_indicator_in in = {
            .m = {.key = key, .created_ms = now, .modified_ms = now, .tlp = v->tlp},
            .type = v->type,
            .value = v->value,
            .description = v->comment,
            .valid_from_ms = now,
            .confidence = -1};
        json_t *o = stix_indicator(&in, &res->errs);
        if (!o)
            continue; /* reported in errs; the rest still goes */
        json_array_append_new(objects, o);
        if ((int)v->tlp >= 0 && v->tlp < TLP__COUNT && !marked[v->tlp]) {
            marked[v->tlp] = true;
            json_array_append_new(objects, stix_tlp_marking(v->tlp));
        }
    }
    json_t *env = json_pack("{s:o}", "objects", objects);
    char *text = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    return text;
}

static json_t *misp_summary(const struct misp_import *m, size_t imported)
{
    json_t *un = json_object();
    for (size_t i = 0; i < m->n_unsupported_types; i++)
        json_object_set_new(un, m->unsupported[i].type,
                            json_integer((json_int_t)m->unsupported[i].count));
    return json_pack("{s:s?, s:s?, s:s, s:I, s:o, s:I}", "event", m->uuid, "info", m->info, "tlp",
                     tlp_label(m->tlp), "imported", (json_int_t)imported, "unsupported", un,
                     "deleted", (json_int_t)m->deleted);
}

enum app_problem app_taxii_misp_import(const struct app_call *c, const char *key, const char *body,
                                       size_t n, json_t **status, struct app_result *res)
{
    struct misp_import m;
    struct misp_import_limits lim = {(size_t)c->app->cfg.max_body_bytes, 100000,
                                     (int)c->app->cfg.max_json_depth};
    *status = NULL;
    misp_import_init(&m);
    if (misp_import(body, n, &lim, &m, &res->errs)) {
        app_fail(res, APP_PROB_VALIDATION);
        goto out;
    }
    char *env = misp_envelope(&m, c->now_ms, res);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION) || !env) {
        free(env);
        goto out;
    }
    if (!app_taxii_post(c, key, env, strlen(env), status, res)) {
        json_int_t ok = json_integer_value(json_object_get(*status, "success_count"));
        json_object_set_new(*status, "misp", misp_summary(&m, (size_t)ok));
    }
    free(env);
out:
    misp_import_release(&m);
    return res->problem;
}

/* ---- a report as a de-identified STIX bundle ---- */

/* "ransomware, data_leak (finance)": what happened and in which sector, nothing else. */
static void incident_name(const json_t *doc, const char *sector, char *out, size_t n)
{
    const json_t *cats = json_object_get(json_object_get(doc, "classification"), "categories");
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(cats) && used + 2 < n; i++) {
        const char *c = json_string_value(json_array_get(cats, i));
        if (c)
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "", c);
    }
    if (!used)
        used = (size_t)snprintf(out, n, "incident");
    if (sector && sector[0] && strcmp(sector, "none") && used + 4 < n)
        snprintf(out + used, n - used, " (%s)", sector);
}

struct report_export {
    struct stix_indicator_in inds[LIST_MAX];
    char keys[LIST_MAX][96];
    const char *refs[LIST_MAX + 2];
    size_t n;
};

static void report_indicators(const struct report_rec *r, const json_t *doc, enum tlp t,
                              struct report_export *x)
{
    const json_t *arr = json_object_get(json_object_get(doc, "threat"), "indicators");
    for (size_t i = 0; i < json_array_size(arr) && x->n < LIST_MAX; i++) {
        const json_t *it = json_array_get(arr, i);
        enum ioc_type ty = ioc_type_parse(json_string_value(json_object_get(it, "type")));
        const char *v = json_string_value(json_object_get(it, "value"));
        if (ty == IOC_INVALID || !v)
            continue; /* file names, wallets …: no STIX pattern of ours */
        snprintf(x->keys[x->n], sizeof(x->keys[0]), "%s:%zu", r->id, i);
        x->inds[x->n++] =
            (struct stix_indicator_in){.m = {.key = x->keys[x->n - 1],
                                             .created_ms = r->created_at,
                                             .modified_ms = r->version_created_at,
                                             .tlp = t},
                                       .type = ty,
                                       .value = v,
                                       .valid_from_ms = time_of(it, "first_seen", r->created_at),
                                       .confidence = -1};
    }
}

/* The bundle's objects: indicators, the incident, the identity (when asked), the report. */
static json_t *report_objects(const struct report_rec *r, const json_t *doc, const struct org *o,
                              bool identify, struct report_export *x, struct verr_list *errs)
{
    enum tlp t = tlp_parse(
        json_string_value(json_object_get(json_object_get(doc, "confidentiality"), "tlp")));
    if (t == TLP_INVALID)
        t = TLP_AMBER; /* unlabelled: the organisation and those it is shared with */
    struct stix_meta m = {r->id, r->created_at, r->version_created_at, t, NULL};
    char name[300], ikey[64];
    json_t *objs = json_array();
    /* the indicators' own section may be labelled more strictly (section_tlp.threat) */
    enum tlp ti = tlp_parse(json_string_value(json_object_get(
        json_object_get(json_object_get(doc, "confidentiality"), "section_tlp"), "threat")));
    report_indicators(r, doc, ti != TLP_INVALID && ti > t ? ti : t, x);
    size_t nrefs = 0;
    for (size_t i = 0; i < x->n; i++) {
        json_t *ind = stix_indicator(&x->inds[i], errs);
        if (ind) {
            x->refs[nrefs++] = json_string_value(json_object_get(ind, "id"));
            json_array_append_new(objs, ind);
        }
    }
    incident_name(doc, o->sector, name, sizeof(name));
    json_t *inc = stix_incident(
        &(struct stix_incident_in){.m = m, .name = name, .lang = "en", .sector = o->sector}, errs);
    if (inc) {
        x->refs[nrefs++] = json_string_value(json_object_get(inc, "id"));
        json_array_append_new(objs, inc);
    }
    if (identify) { /* the organisation names itself: its own consent, for this export */
        snprintf(ikey, sizeof(ikey), "org:%s", o->id);
        json_t *id = stix_identity(
            &(struct stix_identity_in){.m = {ikey, o->created_at, o->created_at, t, NULL},
                                       .name = o->name_en[0] ? o->name_en : o->name_ja},
            true, errs);
        if (id)
            json_array_append_new(objs, id);
    }
    json_t *rep = stix_report(&(struct stix_report_in){.m = m,
                                                       .name = name,
                                                       .lang = "en",
                                                       .published_ms = r->version_created_at,
                                                       .object_refs = x->refs,
                                                       .n_refs = nrefs},
                              errs);
    if (rep)
        json_array_append_new(objs, rep);
    return objs;
}

enum app_problem app_report_stix(const struct app_call *c, const char *id, int version,
                                 bool identify, json_t **bundle, struct app_result *res)
{
    struct report_rec r;
    struct org o;
    *bundle = NULL;
    if (app_report_get(c, id, version, &r, res))
        return res->problem;
    json_t *doc = r.body ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
    int sr = store_org_get(c->app->store, r.org_id, &o);
    if (!doc || sr) {
        json_decref(doc);
        report_rec_release(&r);
        return sr ? app_fail_store(res, sr) : app_fail(res, APP_PROB_UNAVAILABLE);
    }
    struct report_export *x = xcalloc(1, sizeof(*x));
    json_t *objs = report_objects(&r, doc, &o, identify, x, &res->errs);
    char key[64];
    snprintf(key, sizeof(key), "report:%s:%d", r.id, r.version);
    if (verr_any(&res->errs)) { /* a stored report the exporter refuses: ours to fix */
        json_decref(objs);
        app_fail(res, APP_PROB_RENDERING_FAILED);
    } else {
        *bundle = stix_bundle(key, objs); /* takes its own references */
        json_decref(objs);
    }
    free(x);
    json_decref(doc);
    report_rec_release(&r);
    return res->problem;
}
