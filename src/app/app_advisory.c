/*
 * app_advisory.c — advisories and clearances (app_advisory.h, issue 13 items 1 and 2).
 */
#include <limits.h>

#include "app_advisory.h"
#include "app_authz.h"
#include "app_correlate.h"
#include "app_govern.h"
#include "app_int.h"
#include "../core/hash.h"
#include "../core/rtime.h"
#include "../core/uuid.h"
#include "../sharing/advisory.h"
#include "../sharing/clearance.h"

#define SCAN_BATCH 100
#define SCAN_MAX 5000 /* rows one feed request examines at most; then a cursor continues */

/* ---- the reader and the rule ---- */

enum app_problem app_share_reader(const struct app_call *c, struct app_reader *out,
                                  struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (!c->who || !c->who->user_id[0]) {
        out->r.anonymous = true;
        return APP_OK;
    }
    int sr = store_org_get(c->app->store, c->who->org_id, &out->org);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail_store(res, sr);
    struct clearance_rec cl;
    sr = store_clearance_get(c->app->store, c->who->user_id, &cl);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail_store(res, sr);
    out->r.user_id = c->who->user_id;
    out->r.org_id = c->who->org_id;
    out->r.role = c->who->role;
    out->r.org_sector = out->org.sector;
    out->r.org_kind = out->org.kind;
    out->r.org_prefecture = out->org.prefecture;
    /* an expired clearance counts as none (clearance_rank_at) */
    out->r.clearance_rank =
        sr ? 0 : clearance_rank_at(c->app->clearance, cl.level, cl.expires_at, c->now_ms);
    return APP_OK;
}

/* The rank a's required clearance needs: 0 when none; a level this platform no longer has
 * needs more than anyone holds (fail closed). */
static int required_rank(const struct app_call *c, const char *level)
{
    if (!level || !level[0])
        return 0;
    const struct clearance_level *l = clearance_find(c->app->clearance, level);
    return l ? l->rank : INT_MAX;
}

bool app_advisory_readable(const struct app_call *c, const struct app_reader *rd,
                           const struct advisory_rec *a)
{
    struct advisory_audience aud;
    struct share_audience sa = {.tlp = tlp_parse(a->tlp),
                                .owner_org = a->org_id,
                                .author_user = a->author_id,
                                .required_rank = required_rank(c, a->clearance)};
    advisory_audience_load(&aud, a->audience);
    advisory_audience_apply(&aud, &sa);
    bool ok = share_can_read(&rd->r, &sa);
    advisory_audience_release(&aud);
    return ok;
}

/* ---- what is written ---- */

/* The parts of a validated body the store keeps beside it (heap strings). */
struct adv_parts {
    char *body, *title, *audience;
    char sha[HASH_SHA256_HEX];
    enum tlp tlp;
    char clearance[32];
};

static void parts_release(struct adv_parts *p)
{
    free(p->body);
    free(p->title);
    free(p->audience);
    memset(p, 0, sizeof(*p));
}

/* The audience as stored: the body's, with what the feed filters on without the body beside it:
 * the affected sectors (the sector filter reads both) and the validity period (expired
 * advisories leave the feed unless asked for). */
static char *audience_text(const json_t *doc)
{
    const json_t *aud = json_object_get(doc, "audience");
    json_t *a = json_is_object(aud) ? json_deep_copy(aud) : json_object();
    const json_t *sec = json_object_get(json_object_get(doc, "affected"), "sectors");
    if (json_is_array(sec))
        json_object_set_new(a, "affected_sectors", json_deep_copy(sec));
    static const char *const period[] = {"valid_from", "valid_until"};
    for (size_t i = 0; i < ARRAY_SIZE(period); i++) {
        const json_t *t = json_object_get(doc, period[i]);
        if (json_is_string(t))
            json_object_set_new(a, period[i], json_deep_copy(t));
    }
    char *t = app_canonical(a);
    json_decref(a);
    return t;
}

static enum app_problem decode(const struct app_call *c, const json_t *doc, bool amend,
                               struct adv_parts *p, struct app_result *res)
{
    memset(p, 0, sizeof(*p));
    if (advisory_validate(doc, c->app->clearance, amend, &res->errs))
        return app_fail(res, APP_PROB_VALIDATION);
    p->body = app_canonical(doc);
    if (strlen(p->body) > ADVISORY_BODY_MAX) {
        parts_release(p);
        return app_fail_detail(res, APP_PROB_PAYLOAD_TOO_LARGE,
                               "An advisory may be at most 512 KiB.", "注意喚起は512KiBまでです。");
    }
    hash_sha256_hex(p->body, strlen(p->body), p->sha);
    p->title = app_canonical(json_object_get(doc, "title"));
    p->audience = audience_text(doc);
    p->tlp = tlp_parse(json_string_value(json_object_get(doc, "tlp")));
    const char *cl = json_string_value(json_object_get(doc, "required_clearance"));
    xstrlcpy(p->clearance, cl ? cl : "", sizeof(p->clearance));
    return APP_OK;
}

/* The organisations whose reports name the advisory's indicators (app_correlate_orgs_matching;
 * none when the service is off): give and take — the reporters learn that an authority's
 * analysis names what they reported. */
struct matched {
    char (*ids)[UUID_STR_LEN];
    size_t n;
};

static void matched_load(const struct app_call *c, const char *body, struct matched *m)
{
    json_t *doc = c->app->correlate && body ? json_loads(body, 0, NULL) : NULL;
    m->ids = NULL;
    m->n = 0;
    if (doc)
        m->n = app_correlate_orgs_matching(c->app->correlate, json_object_get(doc, "indicators"),
                                           &m->ids);
    json_decref(doc);
}

static bool matched_has(const struct matched *m, const char *org_id)
{
    return m->n && bsearch(org_id, m->ids, m->n, sizeof(*m->ids),
                           (int (*)(const void *, const void *))strcmp) != NULL;
}

/* The notifications of version `version` of advisory id: one per organisation of the audience
 * (share_org_targeted), the originating one excepted; none for TLP:RED, whose readers are named
 * people, not organisations' shared channels. An organisation whose reports name one of its
 * indicators is told so (event advisory.matches_reports) — in the audience, or outside it when
 * the label lets every member of the platform read it (TLP:CLEAR, TLP:GREEN without a required
 * clearance); never otherwise, as it could not read what it is told about. Heap array
 * (notification_new_free). */
static enum app_problem plan_notes(const struct app_call *c, const char *id, int version,
                                   const char *org_id, const struct adv_parts *p,
                                   const json_t *title, struct notification_new **out, size_t *nout,
                                   struct app_result *res)
{
    struct advisory_audience aud;
    struct share_audience sa = {.tlp = p->tlp, .owner_org = org_id};
    char *after = NULL;
    size_t cap = 0;
    bool more = true;
    *out = NULL;
    *nout = 0;
    if (p->tlp == TLP_RED)
        return APP_OK;
    json_t *ev = advisory_event(version == 1 ? "advisory.published" : "advisory.amended", id,
                                version, p->tlp, p->clearance[0] != '\0', title);
    char *payload = app_canonical(ev);
    json_object_set_new(ev, "event", json_string("advisory.matches_reports"));
    char *payload_match = app_canonical(ev);
    json_decref(ev);
    bool open_to_all = (p->tlp == TLP_CLEAR || p->tlp == TLP_GREEN) && !p->clearance[0];
    struct matched m;
    matched_load(c, p->body, &m);
    advisory_audience_load(&aud, p->audience);
    advisory_audience_apply(&aud, &sa);
    while (more && !res->problem) {
        struct org *orgs = NULL;
        size_t n = 0;
        if (store_org_list(c->app->store, after, 200, &orgs, &n, &more)) {
            app_fail(res, APP_PROB_UNAVAILABLE);
            break;
        }
        for (size_t i = 0; i < n; i++) {
            struct share_reader r = {.org_id = orgs[i].id,
                                     .org_sector = orgs[i].sector,
                                     .org_kind = orgs[i].kind,
                                     .org_prefecture = orgs[i].prefecture};
            bool match = matched_has(&m, orgs[i].id);
            if (!strcmp(orgs[i].id, org_id) ||
                !(share_org_targeted(&r, &sa) || (match && open_to_all)))
                continue;
            if (*nout == cap)
                *out = xrealloc(*out, (cap = cap ? cap * 2 : 8) * sizeof(**out));
            struct notification_new *nn = &(*out)[(*nout)++];
            memset(nn, 0, sizeof(*nn));
            uuid_v7_new(nn->id);
            xstrlcpy(nn->org_id, orgs[i].id, sizeof(nn->org_id));
            xstrlcpy(nn->kind, "advisory", sizeof(nn->kind));
            /* a dedupe key names one notification of one organisation (it is unique) */
            snprintf(nn->dedupe, sizeof(nn->dedupe), "advisory:%s:v%d:%s", id, version, orgs[i].id);
            nn->payload = xstrdup(match ? payload_match : payload);
            nn->at = c->now_ms;
        }
        free(after);
        after = n ? xstrdup(orgs[n - 1].id) : NULL;
        more = more && n;
        free(orgs);
    }
    free(after);
    free(payload);
    free(payload_match);
    free(m.ids);
    advisory_audience_release(&aud);
    if (res->problem) {
        notification_new_free(*out, *nout);
        *out = NULL;
        *nout = 0;
    }
    return res->problem;
}

/* After a write: the advisory as now stored (out, read back as sr says) goes to the correlation
 * index, whose summaries name it to the reporters who may read it (issue 13 item 3). */
static enum app_problem written(const struct app_call *c, int sr, const struct advisory_rec *out,
                                struct app_result *res)
{
    if (sr)
        return app_fail_store(res, sr);
    app_correlate_advisory_stored(c, out);
    return APP_OK;
}

/* Writes version `version` (1: create) of advisory id with its notifications. */
static int write_version(const struct app_call *c, const char *id, const char *org_id, int expected,
                         const struct adv_parts *p, const json_t *title, const char *action,
                         struct app_result *res)
{
    struct notification_new *notes = NULL;
    size_t nnotes = 0;
    if (plan_notes(c, id, expected + 1, org_id, p, title, &notes, &nnotes, res))
        return STORE_UNAVAILABLE;
    struct advisory_write w = {.id = id,
                               .org_id = org_id,
                               .author_id = c->who->user_id,
                               .expected_version = expected,
                               .tlp = tlp_label(p->tlp),
                               .clearance = p->clearance,
                               .audience = p->audience,
                               .title = p->title,
                               .body = p->body,
                               .body_sha256 = p->sha,
                               .audit_action = action,
                               .notes = notes,
                               .nnotes = nnotes,
                               .now_ms = c->now_ms};
    int sr = expected ? store_advisory_amend(c->app->store, &w)
                      : store_advisory_create(c->app->store, &w);
    notification_new_free(notes, nnotes);
    return sr;
}

enum app_problem app_advisory_create(const struct app_call *c, const json_t *body,
                                     struct advisory_rec *out, struct app_result *res)
{
    struct adv_parts p;
    char id[UUID_STR_LEN];
    memset(out, 0, sizeof(*out));
    if (app_authz(c->who, ACT_ADVISORY_WRITE, NULL, res) || decode(c, body, false, &p, res))
        return res->problem;
    uuid_v7_new(id);
    int sr = write_version(c, id, c->who->org_id, 0, &p, json_object_get(body, "title"),
                           "advisory.create", res);
    parts_release(&p);
    if (res->problem)
        return res->problem;
    if (sr)
        return app_fail_store(res, sr);
    sr = store_advisory_get(c->app->store, id, 0, out);
    return written(c, sr, out, res);
}

/* ---- reading ---- */

static int acked_by(const struct app_call *c, const char *id, const char *org_id)
{
    struct advisory_ack *acks = NULL;
    size_t n = 0;
    int v = 0;
    if (!org_id || !org_id[0] || store_advisory_acks(c->app->store, id, &acks, &n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(acks[i].org_id, org_id))
            v = acks[i].version;
    free(acks);
    return v;
}

/* Advisory id, version `version`, if rd may read both it and the latest version. */
static enum app_problem fetch_readable(const struct app_call *c, const struct app_reader *rd,
                                       const char *id, int version, struct advisory_rec *out,
                                       struct app_result *res)
{
    struct advisory_rec latest;
    memset(out, 0, sizeof(*out));
    if (!id || !uuid_valid(id, strlen(id)) || version < 0)
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_advisory_get(c->app->store, id, 0, &latest);
    if (sr)
        return app_fail_store(res, sr);
    bool ok = app_advisory_readable(c, rd, &latest);
    if (ok && version && version != latest.version) {
        sr = store_advisory_get(c->app->store, id, version, out);
        ok = !sr && app_advisory_readable(c, rd, out);
        if (sr && sr != STORE_NOT_FOUND) {
            advisory_rec_release(&latest);
            return app_fail_store(res, sr);
        }
        advisory_rec_release(&latest);
    } else {
        *out = latest;
    }
    if (!ok) {
        advisory_rec_release(out);
        return app_fail(res, APP_PROB_NOT_FOUND); /* the same answer as for no advisory */
    }
    return APP_OK;
}

enum app_problem app_advisory_get(const struct app_call *c, const char *id, int version,
                                  struct advisory_rec *out, int *acked, struct app_result *res)
{
    struct app_reader rd;
    *acked = 0;
    memset(out, 0, sizeof(*out));
    if (app_share_reader(c, &rd, res) || fetch_readable(c, &rd, id, version, out, res))
        return res->problem;
    *acked = acked_by(c, id, rd.r.org_id);
    return APP_OK;
}

static bool lists_sector(const struct advisory_rec *a, const char *sector)
{
    json_t *doc = json_loads(a->audience ? a->audience : "", 0, NULL);
    static const char *const keys[] = {"sectors", "affected_sectors"};
    bool hit = false;
    for (size_t k = 0; k < ARRAY_SIZE(keys) && !hit; k++) {
        const json_t *l = json_object_get(doc, keys[k]);
        for (size_t i = 0; i < json_array_size(l) && !hit; i++) {
            const char *s = json_string_value(json_array_get(l, i));
            hit = s && !strcmp(s, sector);
        }
    }
    json_decref(doc);
    return hit;
}

void app_advisory_validity(const struct advisory_rec *a, int64_t *from, int64_t *until)
{
    json_t *aud = json_loads(a->audience ? a->audience : "", 0, NULL);
    advisory_validity(aud, from, until);
    json_decref(aud);
    if (!*from && !*until && a->body) { /* a version stored before the period was kept there */
        json_t *doc = json_loads(a->body, 0, NULL);
        advisory_validity(doc, from, until);
        json_decref(doc);
    }
}

static bool expired(const struct app_call *c, const struct advisory_rec *a)
{
    int64_t from, until;
    app_advisory_validity(a, &from, &until);
    return advisory_expired(until, c->now_ms);
}

static bool wanted(const struct app_call *c, const struct app_reader *rd,
                   const struct app_advisory_query *q, const struct advisory_rec *a)
{
    if (!q->include_expired && expired(c, a))
        return false;
    if (q->unacknowledged && a->acked_version >= a->latest_version)
        return false;
    if (q->since && a->updated_at < q->since)
        return false;
    if (q->sector && !lists_sector(a, q->sector))
        return false;
    return app_advisory_readable(c, rd, a);
}

enum app_problem app_advisory_list(const struct app_call *c, const struct app_advisory_query *q,
                                   struct app_advisory_page *out, struct app_result *res)
{
    struct app_reader rd;
    char last[UUID_STR_LEN] = "";
    size_t scanned = 0;
    int limit = q->limit > 0 ? q->limit : 50;
    memset(out, 0, sizeof(*out));
    out->list.items = xcalloc((size_t)limit, sizeof(*out->list.items));
    if (app_share_reader(c, &rd, res))
        return res->problem;
    if (q->cursor && !uuid_valid(q->cursor, strlen(q->cursor)))
        return app_fail(res, APP_PROB_BAD_QUERY);
    xstrlcpy(last, q->cursor ? q->cursor : "", sizeof(last));
    for (bool more = true; more && out->list.n < (size_t)limit;) {
        struct advisory_list b;
        struct advisory_filter f = {last[0] ? last : NULL, rd.r.org_id, SCAN_BATCH};
        int sr = store_advisory_list(c->app->store, &f, &b);
        if (sr)
            return app_fail_store(res, sr);
        size_t i = 0;
        for (; i < b.n && out->list.n < (size_t)limit; i++) {
            xstrlcpy(last, b.items[i].id, sizeof(last));
            if (wanted(c, &rd, q, &b.items[i])) {
                out->list.items[out->list.n++] = b.items[i];
                memset(&b.items[i], 0, sizeof(b.items[i]));
            }
        }
        more = i < b.n || b.more;
        scanned += i;
        advisory_list_release(&b);
        if (more && (out->list.n == (size_t)limit || scanned >= SCAN_MAX)) {
            out->list.more = true;
            xstrlcpy(out->next_cursor, last, sizeof(out->next_cursor));
            break;
        }
    }
    return APP_OK;
}

void app_advisory_page_release(struct app_advisory_page *p)
{
    advisory_list_release(&p->list);
}

json_t *app_advisory_view(const struct app_reader *rd, const struct advisory_rec *a)
{
    json_t *doc = a->body ? json_loads(a->body, 0, NULL) : NULL;
    if (!doc)
        return json_object();
    bool owner = !rd->r.anonymous && rd->r.org_id && !strcmp(rd->r.org_id, a->org_id);
    json_t *src = json_object_get(doc, "sources"), *refs = json_array();
    for (size_t i = 0; i < json_array_size(src); i++) {
        const char *inc = json_string_value(json_array_get(src, i));
        char in[128], sha[HASH_SHA256_HEX], ref[24];
        snprintf(in, sizeof(in), "ichigen advisory source:%s:%s", a->id, inc ? inc : "");
        hash_sha256_hex(in, strlen(in), sha);
        snprintf(ref, sizeof(ref), "SRC-%.16s", sha);
        json_t *o = json_pack("{s:s}", "ref", ref);
        if (owner && inc)
            json_object_set_new(o, "incident_id", json_string(inc));
        json_array_append_new(refs, o);
    }
    json_object_set_new(doc, "sources", refs);
    /* Who else was named is the originating organisation's business: a reader learns that the
     * advisory is for it, not which other organisations or people it went to (the attribute
     * targeting — sectors, kinds, prefectures — is what the advisory is about and stays). */
    json_t *aud = json_object_get(doc, "audience");
    if (!owner && json_is_object(aud)) {
        json_object_del(aud, "organizations");
        json_object_del(aud, "users");
    }
    return doc;
}

/* ---- changing ---- */

/* The latest version of advisory id of the caller's organisation, for a change. */
static enum app_problem fetch_own(const struct app_call *c, const char *id,
                                  struct advisory_rec *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_authz(c->who, ACT_ADVISORY_WRITE, NULL, res))
        return res->problem;
    if (!id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_advisory_get(c->app->store, id, 0, out);
    if (sr)
        return app_fail_store(res, sr);
    if (app_authz(c->who, ACT_ADVISORY_WRITE, out->org_id, res))
        advisory_rec_release(out);
    else if (out->withdrawn_at)
        app_fail(res, APP_PROB_ADVISORY_WITHDRAWN);
    if (res->problem)
        advisory_rec_release(out);
    return res->problem;
}

static int latest_version(const struct app_call *c, const char *id, int fallback)
{
    struct advisory_rec now;
    if (store_advisory_get(c->app->store, id, 0, &now))
        return fallback;
    advisory_rec_release(&now);
    return now.version;
}

/* Writes body as the next version of cur (the caller's, in force, exp checked). */
static enum app_problem amend_with(const struct app_call *c, struct advisory_rec *cur,
                                   const json_t *body, struct advisory_rec *out,
                                   struct app_result *res)
{
    struct adv_parts p;
    if (decode(c, body, true, &p, res))
        return res->problem;
    bool lower = (int)p.tlp < (int)tlp_parse(cur->tlp);
    int sr =
        write_version(c, cur->id, cur->org_id, cur->version, &p, json_object_get(body, "title"),
                      lower ? "advisory.tlp_downgrade" : "advisory.amend", res);
    parts_release(&p);
    if (res->problem)
        return res->problem;
    if (sr == STORE_CONFLICT)
        return app_fail_precondition(res, APP_PRECOND_STALE,
                                     latest_version(c, cur->id, cur->version + 1), "advisory",
                                     "注意喚起");
    if (sr)
        return app_fail_store(res, sr);
    sr = store_advisory_get(c->app->store, cur->id, 0, out);
    return written(c, sr, out, res);
}

/* The caller's own advisory in force, with exp naming its latest version. */
static enum app_problem fetch_for_change(const struct app_call *c, const char *id,
                                         const struct app_expect *exp, struct advisory_rec *cur,
                                         struct app_result *res)
{
    if (fetch_own(c, id, cur, res))
        return res->problem;
    enum app_precond pc = app_expect_check(exp, cur->version);
    if (pc != APP_PRECOND_MATCH) {
        app_fail_precondition(res, pc, cur->version, "advisory", "注意喚起");
        advisory_rec_release(cur);
    }
    return res->problem;
}

enum app_problem app_advisory_amend(const struct app_call *c, const char *id,
                                    const struct app_expect *exp, const json_t *body,
                                    struct advisory_rec *out, struct app_result *res)
{
    struct advisory_rec cur;
    memset(out, 0, sizeof(*out));
    if (fetch_for_change(c, id, exp, &cur, res))
        return res->problem;
    amend_with(c, &cur, body, out, res);
    advisory_rec_release(&cur);
    return res->problem;
}

enum app_problem app_advisory_downgrade(const struct app_call *c, const char *id,
                                        const struct app_expect *exp, const json_t *body,
                                        struct advisory_rec *out, struct app_result *res)
{
    struct advisory_rec cur;
    memset(out, 0, sizeof(*out));
    if (fetch_for_change(c, id, exp, &cur, res))
        return res->problem;
    const char *label = json_string_value(json_object_get(body, "tlp"));
    enum tlp to = tlp_parse(label);
    json_t *doc = cur.body ? json_loads(cur.body, 0, NULL) : NULL;
    if (!json_is_object(body) || json_object_size(body) != 1 || to == TLP_INVALID ||
        (int)to >= (int)tlp_parse(cur.tlp)) {
        verr_add(&res->errs, "/tlp", "not_lower",
                 "tlp: must be a TLP 2.0 label less restrictive than the advisory's (the only "
                 "member of the body)",
                 "tlp: 現在より制限の緩い TLP 2.0 のラベルにしてください（本文の唯一の項目）");
        app_fail(res, APP_PROB_VALIDATION);
    } else if (!doc) {
        app_fail(res, APP_PROB_UNAVAILABLE);
    } else {
        json_object_set_new(doc, "tlp", json_string(tlp_label(to)));
        json_object_del(doc, "change_summary");
        amend_with(c, &cur, doc, out, res);
    }
    json_decref(doc);
    advisory_rec_release(&cur);
    return res->problem;
}

enum app_problem app_advisory_withdraw(const struct app_call *c, const char *id, const json_t *body,
                                       struct advisory_rec *out, struct app_result *res)
{
    struct advisory_rec cur;
    memset(out, 0, sizeof(*out));
    if (fetch_own(c, id, &cur, res))
        return res->problem;
    advisory_rec_release(&cur);
    const json_t *reason = json_object_get(body, "reason");
    size_t n = json_string_length(reason);
    if (!json_is_string(reason) || n == 0 || n > 2000) {
        verr_add(&res->errs, "/reason", reason ? "type" : "required",
                 "reason: why it is withdrawn, 1 to 2000 bytes",
                 "reason: 取下げの理由（1〜2000バイト）が必要です");
        return app_fail(res, APP_PROB_VALIDATION);
    }
    int sr = store_advisory_withdraw(c->app->store, id, c->who->org_id, json_string_value(reason),
                                     c->who->user_id, c->now_ms);
    if (sr == STORE_CONFLICT)
        return app_fail(res, APP_PROB_ADVISORY_WITHDRAWN);
    if (sr)
        return app_fail_store(res, sr);
    sr = store_advisory_get(c->app->store, id, 0, out);
    return written(c, sr, out, res);
}

enum app_problem app_advisory_ack(const struct app_call *c, const char *id, int *version,
                                  struct app_result *res)
{
    struct app_reader rd;
    struct advisory_rec a;
    *version = 0;
    if (app_authz(c->who, ACT_ADVISORY_ACK, NULL, res) || app_share_reader(c, &rd, res) ||
        fetch_readable(c, &rd, id, 0, &a, res))
        return res->problem;
    *version = a.version;
    advisory_rec_release(&a);
    int sr =
        store_advisory_ack(c->app->store, id, c->who->org_id, c->who->user_id, *version, c->now_ms);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_advisory_acks(const struct app_call *c, const char *id,
                                   struct advisory_ack **out, size_t *n, struct app_result *res)
{
    struct advisory_rec a;
    *out = NULL;
    *n = 0;
    memset(&a, 0, sizeof(a));
    if (app_authz(c->who, ACT_ADVISORY_WRITE, NULL, res))
        return res->problem;
    if (!id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_advisory_get(c->app->store, id, 0, &a);
    if (sr)
        return app_fail_store(res, sr);
    bool own = !app_authz(c->who, ACT_ADVISORY_WRITE, a.org_id, res);
    advisory_rec_release(&a);
    if (!own)
        return res->problem;
    sr = store_advisory_acks(c->app->store, id, out, n);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

/* ---- clearances ---- */

static enum app_problem user_exists(const struct app_call *c, const char *user_id,
                                    struct app_result *res)
{
    struct user u;
    if (app_authz(c->who, ACT_CLEARANCE_SET, NULL, res))
        return res->problem;
    if (!user_id || !uuid_valid(user_id, strlen(user_id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_user_get(c->app->store, user_id, &u);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_clearance_get(const struct app_call *c, const char *user_id,
                                   struct clearance_rec *out, bool *has, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    *has = false;
    if (user_exists(c, user_id, res))
        return res->problem;
    int sr = store_clearance_get(c->app->store, user_id, out);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail_store(res, sr);
    *has = sr == STORE_OK;
    return APP_OK;
}

static int64_t time_member(const json_t *body, const char *key, struct app_result *res)
{
    const char *s = json_string_value(json_object_get(body, key));
    struct rtime_parsed p;
    char ptr[32];
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (!s || rtime_parse_rfc3339(s, strlen(s), &p)) {
        verr_add(&res->errs, ptr, s ? "format" : "required",
                 "must be an RFC 3339 date-time with an offset",
                 "時差付きの RFC 3339 日時にしてください");
        return 0;
    }
    return p.ms;
}

/* Checks body and fills out's level and times (level "" to remove). */
static enum app_problem clearance_decode(const struct app_call *c, const json_t *body,
                                         struct clearance_rec *out, struct app_result *res)
{
    const json_t *lv = json_object_get(body, "level");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "level") && strcmp(key, "granted_at") && strcmp(key, "expires_at"))
            verr_add(&res->errs, "", "unknown_field", "only level, granted_at and expires_at",
                     "level・granted_at・expires_at だけを指定してください");
    }
    if (json_is_null(lv) && json_object_size(body) == 1)
        return APP_OK; /* removal */
    const struct clearance_level *l = clearance_find(c->app->clearance, json_string_value(lv));
    if (!l)
        verr_add(&res->errs, "/level", lv ? "enum" : "required",
                 "level: a level of data/sharing/clearance.json, or null to remove",
                 "level: data/sharing/clearance.json の区分、又は取消しの null です");
    int64_t from = time_member(body, "granted_at", res),
            until = time_member(body, "expires_at", res);
    if (l && from && until &&
        (until <= from || until > from + (int64_t)l->validity_years * 366 * 86400000LL))
        verr_add(&res->errs, "/expires_at", "range",
                 "expires_at: after granted_at, and no later than the level's validity allows",
                 "expires_at: granted_at より後で、区分の有効期間内にしてください");
    if (verr_any(&res->errs))
        return app_fail(res, APP_PROB_VALIDATION);
    xstrlcpy(out->level, l->id, sizeof(out->level));
    out->granted_at = from;
    out->expires_at = until;
    return APP_OK;
}

enum app_problem app_clearance_set(const struct app_call *c, const char *user_id,
                                   const json_t *body, struct clearance_rec *out,
                                   struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (user_exists(c, user_id, res))
        return res->problem;
    if (!json_is_object(body) || clearance_decode(c, body, out, res))
        return res->problem ? res->problem : app_fail(res, APP_PROB_VALIDATION);
    xstrlcpy(out->user_id, user_id, sizeof(out->user_id));
    int sr = store_clearance_set(c->app->store, out, c->who->user_id, c->now_ms);
    if (sr == STORE_NOT_FOUND && !out->level[0])
        return APP_OK; /* removing none: already so */
    if (sr)
        return app_fail_store(res, sr);
    xstrlcpy(out->granted_by, c->who->user_id, sizeof(out->granted_by));
    out->updated_at = c->now_ms;
    return APP_OK;
}
