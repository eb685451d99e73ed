/*
 * app_account.c — organisations, users, tokens and password work as use cases
 * (app_account.h). The rule that depends on data is account_decide (src/account/); this file
 * reads what it needs, asks it, and writes the decided change with its audit entry and the
 * event told to the organisation, for the API and the CLI alike.
 */
#include <pthread.h>
#include <sodium.h>

#include "app_account.h"
#include "app_authz.h"
#include "app_zone.h"
#include "../core/enc.h"
#include "../core/hash.h"
#include "../core/uuid.h"

/* The permission matrix (src/auth/) for a signed-in actor; the CLI (who NULL) is the
 * operator at the machine and is bound by account_decide only. (The lead moves this to the
 * one authorisation function of src/app/ when the application layer merges.) */
/* The operator at the machine (who NULL: `ichigen admin`) is bound by account_decide's CLI
 * rules instead of the permission matrix. */
static enum app_problem allow(const struct principal *who, enum auth_action a,
                              const char *object_org, struct app_result *res)
{
    return who ? app_authz(who, a, object_org, res) : APP_OK;
}

/* ---- password work ---- */

static void pw_enter(struct app *a)
{
    pthread_mutex_lock(&a->pw_lock);
    while (a->pw_inflight >= a->cfg.password_hash_concurrency)
        pthread_cond_wait(&a->pw_cond, &a->pw_lock);
    a->pw_inflight++;
    pthread_mutex_unlock(&a->pw_lock);
}

static void pw_leave(struct app *a)
{
    pthread_mutex_lock(&a->pw_lock);
    a->pw_inflight--;
    pthread_cond_signal(&a->pw_cond);
    pthread_mutex_unlock(&a->pw_lock);
}

int app_password_hash(struct app *app, const char *pw, char out[128])
{
    pw_enter(app);
    int rc = auth_password_hash_cost(pw, app->cfg.password_hash_ops, app->cfg.password_hash_mem_kib,
                                     out);
    pw_leave(app);
    return rc;
}

/* A hash of a random password at the configured cost, verified in place of a real one when a
 * name has none, so that the answer takes as long. Made once per process. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[128];

static const char *dummy(struct app *a)
{
    pthread_mutex_lock(&dummy_lock);
    if (!dummy_hash[0]) {
        char pw[33];
        unsigned char rnd[16];
        hash_random(rnd, sizeof(rnd));
        enc_hex(rnd, sizeof(rnd), pw);
        if (auth_password_hash_cost(pw, a->cfg.password_hash_ops, a->cfg.password_hash_mem_kib,
                                    dummy_hash))
            dummy_hash[0] = '\0';
        sodium_memzero(pw, sizeof(pw));
    }
    pthread_mutex_unlock(&dummy_lock);
    return dummy_hash;
}

bool app_password_verify(struct app *app, const char *stored, const char *pw)
{
    bool ok;
    const char *d = stored && stored[0] ? NULL : dummy(app);
    pw_enter(app);
    if (d) {
        /* unknown user or no password: spend the same time so timing does not reveal it */
        auth_password_verify(d, pw);
        ok = false;
    } else {
        ok = auth_password_verify(stored, pw);
    }
    pw_leave(app);
    return ok;
}

/* ---- organisations ---- */

enum app_problem app_org_decode(const json_t *body, const struct schema_limits *lim, int64_t now_ms,
                                struct org *o, struct app_result *res)
{
    schema_check(&account_org_root, body, lim, now_ms, &res->errs);
    /* the table checks the name's shape; whether the zone exists takes the tz database */
    const char *zone = json_string_value(json_object_get(body, "time_zone"));
    if (zone && tz_name_valid(zone) && !app_zone(zone))
        verr_add(&res->errs, "/time_zone", "unknown_time_zone",
                 "is not a time zone of the tz database (e.g. Asia/Tokyo, Europe/Brussels)",
                 "tz データベースにないタイムゾーンです（例：Asia/Tokyo、Europe/Brussels）");
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        return res->problem;
    account_org_from_json(body, now_ms, o);
    return APP_OK;
}

enum app_problem app_org_create(struct app *app, const struct principal *who, const struct org *o,
                                int64_t now_ms, struct app_result *res)
{
    if (allow(who, ACT_ORG_CREATE, NULL, res))
        return res->problem;
    int sr = store_org_create(app->store, o, who ? who->user_id : APP_ACTOR_CLI, now_ms);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_org_list(struct app *app, const struct principal *who, const char *after,
                              int limit, struct org **orgs, size_t *n, bool *more,
                              struct app_result *res)
{
    *orgs = NULL;
    *n = 0;
    *more = false;
    if (allow(who, ACT_ORG_LIST, NULL, res))
        return res->problem;
    if (store_org_list(app->store, after, limit, orgs, n, more)) {
        free(*orgs);
        *orgs = NULL;
        return app_fail(res, APP_PROB_UNAVAILABLE);
    }
    return APP_OK;
}

enum app_problem app_org_get(struct app *app, const struct principal *who, const char *id,
                             struct org *out, struct app_result *res)
{
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    if (allow(who, ACT_ORG_READ, id, res))
        return res->problem;
    int sr = store_org_get(app->store, id, out);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

/* ---- users ---- */

enum app_problem app_user_decode(const json_t *body, const struct schema_limits *lim,
                                 int64_t now_ms, struct user *u, struct app_result *res)
{
    /* the table's checks and the ones it cannot express, reported together */
    schema_check(&account_user_root, body, lim, now_ms, &res->errs);
    account_user_from_json(body, now_ms, u, &res->errs);
    return app_fail_if_errors(res, APP_PROB_INVALID_FIELDS);
}

/* How the organisation's event and the audit entry name the actor. */
static const char *by_kind(const struct principal *who)
{
    if (!who)
        return "operator_cli";
    return who->role == ROLE_ADMIN ? "platform_admin" : "organization_admin";
}

/* The organisation and its members, read for account_decide. The organisation named in a
 * body that does not exist is UNKNOWN_ORGANIZATION; one in a path is NOT_FOUND. */
static enum app_problem load_scene(struct app *app, const struct principal *who, const char *org_id,
                                   bool in_body, struct account_scene *sc, struct app_result *res)
{
    struct org o;
    struct org_members m;
    int sr = store_org_get(app->store, org_id, &o);
    if (sr == STORE_NOT_FOUND && in_body) {
        verr_add(&res->errs, "/org_id", "unknown_organization",
                 "organisation id: no such organisation", "組織ID: 該当する組織がありません");
        res->store = sr;
        return app_fail(res, APP_PROB_UNKNOWN_ORGANIZATION);
    }
    if (!sr)
        sr = store_org_members(app->store, org_id, &m);
    if (sr)
        return app_fail_store(res, sr);
    /* the matrix has passed, so a caller of another organisation is the platform admin */
    sc->who = !who                          ? ACCOUNT_BY_CLI
              : strcmp(who->org_id, org_id) ? ACCOUNT_BY_PLATFORM
                                            : ACCOUNT_BY_MEMBER_ADMIN;
    sc->actor_role = who ? who->role : ROLE_NONE;
    sc->org_is_operator = !strcmp(o.kind, "operator");
    sc->members = m.members;
    sc->administrators = sc->org_is_operator ? m.admins : m.org_admins;
    return APP_OK;
}

/* The row of a refusal of account_decide. */
static enum app_problem refuse(enum account_verdict v, struct app_result *res)
{
    switch (v) {
    case ACCOUNT_HAS_ADMIN:
        return app_fail(res, APP_PROB_ORG_HAS_ADMIN);
    case ACCOUNT_ONBOARDING:
        return app_fail(res, APP_PROB_ONBOARDING_ONLY);
    case ACCOUNT_LAST_ADMIN:
        return app_fail(res, APP_PROB_LAST_ADMINISTRATOR);
    case ACCOUNT_ROLE_REFUSED:
    default:
        verr_add(&res->errs, "/role", "role_refused",
                 "role: admin (platform administrator) is given only in the platform operator's "
                 "organisation, by a platform administrator",
                 "ロール: admin（プラットフォーム管理者）はプラットフォーム運営者の組織で、"
                 "プラットフォーム管理者だけが付与できます");
        return app_fail(res, APP_PROB_ROLE_REFUSED);
    }
}

struct decided {
    enum account_pre pre;
    bool keep;
    bool break_glass;
    const char *detail;
};

/* Writes a decided change with its audit entry and the organisation's event. */
static enum app_problem write_user(struct app *app, const struct principal *who,
                                   const struct account_scene *sc, const struct decided *dc,
                                   int64_t now_ms, struct app_result *res)
{
    json_t *ev = account_event_json(sc->create ? "account.created" : "account.changed", sc->after,
                                    sc->before, by_kind(who), who ? who->user_id : NULL,
                                    dc->break_glass, now_ms);
    char *evs = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    struct user_write w = {.u = sc->after,
                           .create = sc->create,
                           .pre = dc->pre,
                           .keep_admin = dc->keep,
                           .admin_role = account_admin_role(sc->org_is_operator),
                           .actor = who ? who->user_id : APP_ACTOR_CLI,
                           .audit_action = sc->create ? "user.create" : "user.update",
                           .audit_detail = dc->detail,
                           .event = evs,
                           .now = now_ms};
    int sr = store_user_write(app->store, &w);
    free(evs);
    if (sr == STORE_CONFLICT) {
        res->store = sr;
        return app_fail(res, APP_PROB_ADMINS_CHANGED);
    }
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_user_create(struct app *app, const struct principal *who, struct user *u,
                                 const char *password, bool owner_password, bool break_glass,
                                 int64_t now_ms, char generated[21], struct app_result *res)
{
    struct account_scene sc = {.create = true, .break_glass = break_glass, .after = u};
    struct decided dc = {.break_glass = break_glass};
    char detail[96];
    generated[0] = '\0';
    if (allow(who, ACT_USER_CREATE, u->org_id, res) ||
        load_scene(app, who, u->org_id, true, &sc, res))
        return res->problem;
    enum account_verdict v = account_decide(&sc, &dc.pre, &dc.keep);
    if (v != ACCOUNT_OK)
        return refuse(v, res);
    /* whoever set it knows it: its owner must replace it at first sign-in */
    u->must_change_password = !(password && owner_password);
    if (!password) {
        auth_password_generate(generated, 21);
        password = generated;
    }
    if (app_password_hash(app, password, u->password_hash))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    if (who)
        snprintf(detail, sizeof(detail), "role=%s by=%s", auth_role_name(u->role), by_kind(who));
    else
        snprintf(detail, sizeof(detail), "role=%s by=cli%s", auth_role_name(u->role),
                 break_glass ? " break_glass" : "");
    dc.detail = detail;
    return write_user(app, who, &sc, &dc, now_ms, res);
}

/* Validates a PATCH body onto after. */
static enum app_problem user_patch(struct app *app, const json_t *doc, int64_t now_ms,
                                   struct user *after, struct app_result *res)
{
    schema_check(&account_user_patch_root, doc, &app->limits, now_ms, &res->errs);
    if (!verr_any(&res->errs))
        account_user_patch(doc, after, &res->errs);
    return app_fail_if_errors(res, APP_PROB_INVALID_FIELDS);
}

enum app_problem app_user_update(struct app *app, const struct principal *who, const char *id,
                                 const json_t *patch, int64_t now_ms, struct user *out,
                                 struct app_result *res)
{
    struct user before;
    struct account_scene sc = {.before = &before, .after = out};
    struct decided dc = {0};
    char detail[160];
    /* another organisation's user answers exactly like one that does not exist */
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_user_get(app->store, id, &before);
    if (sr)
        return app_fail_store(res, sr);
    if (allow(who, ACT_USER_UPDATE, before.org_id, res))
        return res->problem;
    *out = before;
    if (user_patch(app, patch, now_ms, out, res) ||
        load_scene(app, who, before.org_id, false, &sc, res))
        return res->problem;
    enum account_verdict v = account_decide(&sc, &dc.pre, &dc.keep);
    if (v != ACCOUNT_OK)
        return refuse(v, res);
    snprintf(detail, sizeof(detail), "role=%s->%s disabled=%d->%d by=%s",
             auth_role_name(before.role), auth_role_name(out->role), before.disabled, out->disabled,
             by_kind(who));
    dc.detail = detail;
    return write_user(app, who, &sc, &dc, now_ms, res);
}

enum app_problem app_user_list(struct app *app, const struct principal *who, const char *org,
                               const char *after, int limit, struct user **users, size_t *n,
                               bool *more, struct app_result *res)
{
    *users = NULL;
    *n = 0;
    *more = false;
    /* an organisation's administrator sees its own organisation's users only */
    if (who && who->role != ROLE_ADMIN && !org)
        org = who->org_id;
    if (org && allow(who, ACT_USER_LIST, org, res))
        return res->problem;
    if (store_user_list(app->store, org, after, limit, users, n, more)) {
        free(*users);
        *users = NULL;
        return app_fail(res, APP_PROB_UNAVAILABLE);
    }
    return APP_OK;
}

/* ---- tokens ---- */

enum app_problem app_token_issue(struct app *app, const struct user *u, const char *kind,
                                 const char *name, int64_t ttl_ms, const char *actor,
                                 int64_t now_ms, struct token_rec *t, char *token,
                                 struct app_result *res)
{
    memset(t, 0, sizeof(*t));
    uuid_v7_new(t->id);
    xstrlcpy(t->user_id, u->id, sizeof(t->user_id));
    xstrlcpy(t->name, name, sizeof(t->name));
    xstrlcpy(t->kind, kind, sizeof(t->kind));
    t->created_at = now_ms;
    t->expires_at = ttl_ms ? now_ms + ttl_ms : 0;
    auth_token_new(token, t->hash);
    int sr = store_token_create(app->store, t, actor, now_ms);
    if (sr) {
        sodium_memzero(token, AUTH_TOKEN_LEN + 1);
        return app_fail_store(res, sr);
    }
    return APP_OK;
}

enum app_problem app_token_revoke(struct app *app, const struct principal *who, const char *id,
                                  int64_t now_ms, struct app_result *res)
{
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    if (allow(who, ACT_TOKEN_MANAGE, NULL, res))
        return res->problem;
    /* owners revoke their own; admins any (a stolen token must be stoppable) */
    const char *owner = who->role == ROLE_ADMIN ? NULL : who->user_id;
    int sr = store_token_revoke(app->store, id, owner, who->user_id, now_ms);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_token_create(struct app *app, const struct principal *who, const json_t *body,
                                  int64_t now_ms, struct user *u, struct token_rec *t, char *token,
                                  struct app_result *res)
{
    schema_check(&account_token_root, body, &app->limits, now_ms, &res->errs);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION) || allow(who, ACT_TOKEN_MANAGE, NULL, res))
        return res->problem;
    if (store_user_get(app->store, who->user_id, u))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *kind = json_string_value(json_object_get(body, "kind"));
    json_int_t days = json_integer_value(json_object_get(body, "expires_in_days"));
    return app_token_issue(app, u, kind ? kind : "api", name ? name : "api",
                           (int64_t)days * 86400000LL, who->user_id, now_ms, t, token, res);
}

enum app_problem app_token_list(struct app *app, const struct principal *who, struct token_rec **t,
                                size_t *n, struct app_result *res)
{
    *t = NULL;
    *n = 0;
    if (allow(who, ACT_TOKEN_MANAGE, NULL, res))
        return res->problem;
    if (store_token_list(app->store, who->user_id, t, n)) {
        free(*t);
        *t = NULL;
        return app_fail(res, APP_PROB_UNAVAILABLE);
    }
    return APP_OK;
}
