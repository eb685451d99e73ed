/*
 * h_users.c — an organisation's users: created, listed and changed (role, disabled, name) by
 * the organisation's own administrators; the platform administrator only gives an
 * organisation its first administrator (issue 8.12; the rule is account_decide in
 * account.h, applied by the use cases app_user_* in src/app/app_account.c, which
 * `ichigen admin` calls too). Every change is audited and told to the organisation (its
 * notifications and reminder webhook) in the transaction that makes it; a disabled user's
 * tokens stop at once.
 */
#include <sodium.h>

#include "http_int.h"
#include "../app/app_account.h"

void h_user_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    struct app_result res;
    char generated[21] = "";
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_user_decode(doc, &r->app->limits, r->now_ms, &u, &res) ||
        app_user_create(r->app, &r->who, &u, json_string_value(json_object_get(doc, "password")),
                        false, false, r->now_ms, generated, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *j = http_user_json(&u);
        if (generated[0])
            json_object_set_new(j, "initial_password", json_string(generated)); /* shown once */
        http_json(r, 201, j);
    }
    app_result_release(&res);
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
    struct app_result res;
    size_t n = 0;
    bool more = false;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (org && !uuid_valid(org, strlen(org)))
        return http_bad_query(r, "org_id", "must be an organisation id",
                              "組織IDで指定してください");
    app_result_init(&res, 4);
    if (app_user_list(r->app, &r->who, org, after[0] ? after : NULL, limit, &users, &n, &more,
                      &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, http_user_json(&users[i]));
        http_page(r, items, more && n ? users[n - 1].id : NULL);
    }
    app_result_release(&res);
    free(users);
}

void h_user_update(struct req *r)
{
    struct user after;
    struct app_result res;
    json_t *doc;
    /* another organisation's user answers exactly like one that does not exist */
    if (!uuid_valid(r->params[0], strlen(r->params[0])))
        return http_not_found(r);
    if (!(doc = http_body_json(r)))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_user_update(r->app, &r->who, r->params[0], doc, r->now_ms, &after, &res)) {
        http_fail_result(r, &res);
    } else {
        /* the cached principals of this user carry its old role or its enabled state */
        http_tcache_clear(r->app->tokens);
        http_json(r, 200, http_user_json(&after));
    }
    app_result_release(&res);
    json_decref(doc);
}
