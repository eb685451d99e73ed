/*
 * h_users.c — an organisation's users: created, listed and changed (role, disabled, name) by
 * the organisation's own administrators; the platform administrator only gives an
 * organisation its first administrator (issue 8.12; the rule is account_decide in
 * account.h). Every change is audited and told to the organisation (its notifications and
 * reminder webhook) in the transaction that makes it; a disabled user's tokens stop at once.
 */
#include <sodium.h>

#include "http_int.h"

/* What the caller is to the organisation of the user concerned. auth_check has passed, so a
 * caller of another organisation can only be the platform administrator. */
static enum account_who who_is(const struct req *r, const char *org_id)
{
    return strcmp(r->who.org_id, org_id) ? ACCOUNT_BY_PLATFORM : ACCOUNT_BY_MEMBER_ADMIN;
}

static const char *by_kind(const struct req *r)
{
    return r->who.role == ROLE_ADMIN ? "platform_admin" : "organization_admin";
}

/* Answers a refusal of account_decide. */
static void refuse(struct req *r, enum account_verdict v)
{
    struct verr_list errs;
    switch (v) {
    case ACCOUNT_HAS_ADMIN:
        return http_problem(
            r, 403, "forbidden", "Forbidden", "権限がありません",
            "This organisation has its own administrator: only they create and change its users.",
            "この組織には組織管理者がいます。ユーザーの作成・変更は組織管理者だけが行えます。",
            NULL);
    case ACCOUNT_ONBOARDING:
        return http_problem(
            r, 403, "forbidden", "Forbidden", "権限がありません",
            "For another organisation the platform administrator may only give it its first "
            "administrator: create a user with role org_admin while it has no users, or make an "
            "existing member org_admin while it has no administrator.",
            "他の組織に対してプラットフォーム管理者ができるのは最初の組織管理者を置くことだけです"
            "（ユーザーがいない組織に role org_admin "
            "のユーザーを作成する、又は組織管理者がいない組織"
            "の既存のユーザーを org_admin にする）。",
            NULL);
    case ACCOUNT_LAST_ADMIN:
        return http_problem(r, 409, "last_administrator", "Conflict", "競合しています",
                            "This would leave the organisation without an enabled administrator; "
                            "appoint another first.",
                            "組織に有効な管理者がいなくなります。先に別の管理者を置いてください。",
                            NULL);
    case ACCOUNT_ROLE_REFUSED:
    default:
        verr_list_init(&errs, 2);
        verr_add(&errs, "/role", "role_refused",
                 "role: admin (platform administrator) is given only in the platform operator's "
                 "organisation, by a platform administrator",
                 "ロール: admin（プラットフォーム管理者）はプラットフォーム運営者の組織で、"
                 "プラットフォーム管理者だけが付与できます");
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", NULL, NULL, &errs);
        verr_list_release(&errs);
    }
}

static void unknown_org(struct req *r)
{
    struct verr_list errs;
    verr_list_init(&errs, 2);
    verr_add(&errs, "/org_id", "unknown_organization", "organisation id: no such organisation",
             "組織ID: 該当する組織がありません");
    http_problem(r, 422, "validation", "The request has invalid fields", "入力内容に誤りがあります",
                 NULL, NULL, &errs);
    verr_list_release(&errs);
}

/* The organisation and its members, read for account_decide. Returns 0, or -1 after
 * answering (422 for an unknown organisation in a body, 404 for one in a path). */
static int load_scene(struct req *r, const char *org_id, bool in_body, struct org *o,
                      struct account_scene *sc)
{
    struct org_members m;
    int res = store_org_get(r->app->store, org_id, o);
    if (res == STORE_NOT_FOUND && in_body) {
        unknown_org(r);
        return -1;
    }
    if (!res)
        res = store_org_members(r->app->store, org_id, &m);
    if (res) {
        http_store_error(r, res);
        return -1;
    }
    sc->who = who_is(r, org_id);
    sc->actor_role = r->who.role;
    sc->org_is_operator = !strcmp(o->kind, "operator");
    sc->members = m.members;
    sc->administrators = sc->org_is_operator ? m.admins : m.org_admins;
    return 0;
}

/* Writes a decided change with its audit entry and event; answers errors. Returns 0 or -1. */
static int write_user(struct req *r, const struct account_scene *sc, enum account_pre pre,
                      bool keep_admin, const char *detail)
{
    json_t *ev = account_event_json(sc->create ? "account.created" : "account.changed", sc->after,
                                    sc->before, by_kind(r), r->who.user_id, false, r->now_ms);
    char *evs = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    struct user_write w = {.u = sc->after,
                           .create = sc->create,
                           .pre = pre,
                           .keep_admin = keep_admin,
                           .admin_role = account_admin_role(sc->org_is_operator),
                           .actor = r->who.user_id,
                           .audit_action = sc->create ? "user.create" : "user.update",
                           .audit_detail = detail,
                           .event = evs,
                           .now = r->now_ms};
    int res = store_user_write(r->app->store, &w);
    free(evs);
    if (res == STORE_CONFLICT)
        http_problem(r, 409, "conflict", "Conflict", "競合しています",
                     "The organisation's administrators changed meanwhile; reload and retry.",
                     "組織の管理者がその間に変更されました。再読み込みして再試行してください。",
                     NULL);
    else if (res)
        http_store_error(r, res);
    return res ? -1 : 0;
}

/* Validates a new user's body; fills u. Returns true, or false after answering 422. */
static bool new_user(struct req *r, const json_t *doc, struct user *u)
{
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    /* the table's checks and the ones it cannot express, reported together */
    schema_check(&account_user_root, doc, &r->app->limits, r->now_ms, &errs);
    account_user_from_json(doc, r->now_ms, u, &errs);
    bool ok = !verr_any(&errs);
    if (!ok)
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", NULL, NULL, &errs);
    verr_list_release(&errs);
    return ok;
}

/* Hashes the initial password (generated when none was given: *generated holds it). */
static int initial_password(struct req *r, const json_t *doc, struct user *u, char generated[21])
{
    const char *pw = json_string_value(json_object_get(doc, "password"));
    if (!pw) {
        auth_password_generate(generated, 21);
        pw = generated;
    }
    /* whoever set it knows it: its owner must replace it at first sign-in */
    u->must_change_password = true;
    return http_password_hash(r->app, pw, u->password_hash);
}

void h_user_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    struct org o;
    struct account_scene sc = {.create = true, .after = &u};
    enum account_pre pre;
    bool keep;
    char generated[21] = "", detail[96];
    if (!doc)
        return;
    if (!new_user(r, doc, &u) || !http_allow(r, ACT_USER_CREATE, u.org_id) ||
        load_scene(r, u.org_id, true, &o, &sc))
        goto out;
    enum account_verdict v = account_decide(&sc, &pre, &keep);
    if (v != ACCOUNT_OK) {
        refuse(r, v);
        goto out;
    }
    if (initial_password(r, doc, &u, generated)) {
        http_unavailable(r);
        goto out;
    }
    snprintf(detail, sizeof(detail), "role=%s by=%s", auth_role_name(u.role), by_kind(r));
    if (write_user(r, &sc, pre, keep, detail))
        goto out;
    json_t *j = http_user_json(&u);
    if (generated[0])
        json_object_set_new(j, "initial_password", json_string(generated)); /* shown once */
    http_json(r, 201, j);
out:
    sodium_memzero(generated, sizeof(generated));
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    json_decref(doc);
}

void h_user_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", "org_id", NULL};
    char after[UUID_STR_LEN];
    const char *org = http_query(r, "org_id");
    struct user *users = NULL;
    size_t n = 0;
    bool more = false;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (org && !uuid_valid(org, strlen(org)))
        return http_bad_query(r, "org_id", "must be an organisation id",
                              "組織IDで指定してください");
    /* an organisation's administrator sees its own organisation's users only */
    if (r->who.role != ROLE_ADMIN && !org)
        org = r->who.org_id;
    if (org && !http_allow(r, ACT_USER_LIST, org))
        return;
    if (store_user_list(r->app->store, org, after[0] ? after : NULL, limit, &users, &n, &more)) {
        free(users);
        return http_unavailable(r);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, http_user_json(&users[i]));
    http_page(r, items, more && n ? users[n - 1].id : NULL);
    free(users);
}

/* Validates a PATCH body onto after. Returns true, or false after answering 422. */
static bool user_patch(struct req *r, const json_t *doc, struct user *after)
{
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    schema_check(&account_user_patch_root, doc, &r->app->limits, r->now_ms, &errs);
    if (!verr_any(&errs))
        account_user_patch(doc, after, &errs);
    bool ok = !verr_any(&errs);
    if (!ok)
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", NULL, NULL, &errs);
    verr_list_release(&errs);
    return ok;
}

void h_user_update(struct req *r)
{
    struct user before, after;
    struct org o;
    struct account_scene sc = {.before = &before, .after = &after};
    enum account_pre pre;
    bool keep;
    char detail[160];
    json_t *doc = NULL;
    /* another organisation's user answers exactly like one that does not exist */
    if (!uuid_valid(r->params[0], strlen(r->params[0])))
        return http_not_found(r);
    int res = store_user_get(r->app->store, r->params[0], &before);
    if (res)
        return http_store_error(r, res);
    if (!http_allow(r, ACT_USER_UPDATE, before.org_id) || !(doc = http_body_json(r)))
        goto out;
    after = before;
    if (!user_patch(r, doc, &after) || load_scene(r, before.org_id, false, &o, &sc))
        goto out;
    enum account_verdict v = account_decide(&sc, &pre, &keep);
    if (v != ACCOUNT_OK) {
        refuse(r, v);
        goto out;
    }
    snprintf(detail, sizeof(detail), "role=%s->%s disabled=%d->%d by=%s",
             auth_role_name(before.role), auth_role_name(after.role), before.disabled,
             after.disabled, by_kind(r));
    if (write_user(r, &sc, pre, keep, detail))
        goto out;
    /* the cached principals of this user carry its old role or its enabled state */
    http_tcache_clear(r->app->tokens);
    http_json(r, 200, http_user_json(&after));
out:
    json_decref(doc);
}
