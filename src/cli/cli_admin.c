/*
 * cli_admin.c — `ichigen admin …`: the first administrator, organisations, users and tokens,
 * for operators working on the server itself (the same validation as the HTTP API, because the
 * flags are turned into the same JSON body and checked against the same field tables).
 *
 * What the CLI may still do in an organisation (issue 8.12; account_decide in account.h): it
 * is the operator at the machine, who could read the database file, so the rule is that it
 * never acts silently. While an organisation has no administrator of its own, create-user
 * sets it up (its first org_admin, or a whole starting team for a scripted set-up). Once it
 * has one, create-user refuses unless --break-glass is given — then the user is created,
 * audited as such and the organisation is told (its notifications and reminder webhook) —
 * and create-token refuses outright: acting as one of its members is for that member.
 * Every user the CLI creates is audited (actor "cli") and announced like the API's.
 */
#include <sodium.h>

#include "cli.h"
#include "../core/rtime.h"
#include "../account/account.h"
#include "../app/app_account.h"
#include "../app/app_advisory.h"
#include "../sharing/clearance.h"

/* Builds a JSON body from --flag values named after the table's fields (underscores written as
 * hyphens). Booleans are present/absent flags; integers are parsed. */
static json_t *flags_to_json(int *argc, char **argv, const struct rf_field *root)
{
    json_t *doc = json_object();
    for (const struct rf_field *f = root->fields; f->name; f++) {
        char flag[80];
        snprintf(flag, sizeof(flag), "--%s", f->name);
        for (char *p = flag + 2; *p; p++)
            if (*p == '_')
                *p = '-';
        if (f->type == RF_BOOL) {
            if (cli_flag(argc, argv, flag))
                json_object_set_new(doc, f->name, json_true());
            continue;
        }
        const char *v = cli_take(argc, argv, flag);
        if (!v)
            continue;
        int64_t n;
        if (f->type == RF_INTEGER && !parse_int64(v, INT64_MIN, INT64_MAX, &n))
            json_object_set_new(doc, f->name, json_integer((json_int_t)n));
        else
            json_object_set_new(doc, f->name, json_string(v));
    }
    return doc;
}

/* What a sub-command works with. The database is opened only once its arguments have been
 * checked (open_db), so that a mistyped command never creates or migrates one (issue 8 item 5). */
struct admin_ctx {
    const struct config *cfg;
    struct store *s;
    struct app app; /* the use cases' context (src/app/), once the store is open */
};

static struct store *open_db(struct admin_ctx *c)
{
    if (!c->s && (c->s = cli_open_store(c->cfg))) {
        c->app.cfg = *c->cfg;
        c->app.store = c->s;
        schema_limits_default(&c->app.limits);
        pthread_mutex_init(&c->app.pw_lock, NULL);
        pthread_cond_init(&c->app.pw_cond, NULL);
    }
    return c->s;
}

static bool prefer_ja(void)
{
    const char *l = getenv("LANG");
    return l && !strncmp(l, "ja", 2);
}

static void print_errors(const struct verr_list *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "  %s: %s\n", errs->v[i].pointer[0] ? errs->v[i].pointer : "/",
                prefer_ja() ? errs->v[i].ja : errs->v[i].en);
}

/* Prints the problems of an input that failed its checks (app_*_decode). */
static int invalid_input(const struct app_result *res)
{
    fprintf(stderr, "ichigen admin: invalid input:\n");
    print_errors(&res->errs);
    return CLI_USAGE;
}

static int read_password_stdin(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int store_fail(const char *what, int res)
{
    fprintf(stderr, "ichigen admin: %s: %s\n", what,
            res == STORE_EXISTS    ? "already exists (a unique value is taken)"
            : res == STORE_INVALID ? "refers to something that does not exist"
                                   : store_result_name(res));
    return res == STORE_UNAVAILABLE ? CLI_FAILURE : CLI_PROBLEM;
}

/* The organisation's state for account_decide. Returns CLI_OK or an exit code. */
static int cli_scene(struct store *s, const char *org_id, struct account_scene *sc)
{
    struct org o;
    struct org_members m;
    int res = store_org_get(s, org_id, &o);
    if (res == STORE_NOT_FOUND)
        res = STORE_INVALID;
    if (!res)
        res = store_org_members(s, org_id, &m);
    if (res)
        return store_fail("find organisation", res);
    sc->who = ACCOUNT_BY_CLI;
    sc->actor_role = ROLE_NONE;
    sc->org_is_operator = !strcmp(o.kind, "operator");
    sc->members = m.members;
    sc->administrators = sc->org_is_operator ? m.admins : m.org_admins;
    return CLI_OK;
}

/* What a refused or failed app_user_create means at the terminal. */
static int create_failed(const struct app_result *res, const char *org_id)
{
    switch (res->problem) {
    case APP_PROB_ORG_HAS_ADMIN:
        fprintf(stderr,
                "ichigen admin: organisation %s has its own administrator; its users are created "
                "and changed by them (POST /api/v1/users).\n"
                "  In an emergency, repeat with --break-glass: the user is created and the "
                "organisation is told who did it.\n",
                org_id);
        return CLI_PROBLEM;
    case APP_PROB_ROLE_REFUSED:
    case APP_PROB_ONBOARDING_ONLY:
    case APP_PROB_LAST_ADMINISTRATOR:
        fprintf(stderr, "ichigen admin: role admin exists only in the platform operator's "
                        "organisation (use `ichigen admin create-admin`)\n");
        return CLI_PROBLEM;
    case APP_PROB_UNKNOWN_ORGANIZATION:
        return store_fail("find organisation", STORE_INVALID);
    case APP_PROB_ADMINS_CHANGED:
        return store_fail("create user (its organisation changed meanwhile)", res->store);
    default:
        return res->store ? store_fail("create user", res->store) : CLI_FAILURE;
    }
}

/* Creates a user (app_user_create, as the API does); the password comes from `password` (the
 * operator chose it and passes it on as the owner's own) or is generated, printed once, and
 * must be changed at first sign-in. */
static int make_user(struct admin_ctx *c, json_t *doc, const char *password, bool glass)
{
    struct user u;
    struct app_result res;
    struct schema_limits lim;
    char generated[21] = "";
    int rc = CLI_OK;
    if (password)
        json_object_set_new(doc, "password", json_string(password));
    schema_limits_default(&lim);
    app_result_init(&res, 100);
    if (app_user_decode(doc, &lim, rtime_now_ms(), &u, &res))
        rc = invalid_input(&res);
    else if (!open_db(c))
        rc = CLI_FAILURE;
    else if (app_user_create(&c->app, NULL, &u, password, true, glass, rtime_now_ms(), generated,
                             &res))
        rc = create_failed(&res, u.org_id);
    else if (generated[0])
        printf("user %s (%s) created; initial password (shown once): %s\n", u.username, u.id,
               generated);
    else
        printf("user %s (%s) created\n", u.username, u.id);
    sodium_memzero(generated, sizeof(generated));
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    app_result_release(&res);
    return rc;
}

/* The platform operator's organisation: reused if one exists, created otherwise. */
static int operator_org(struct app *app, char id_out[UUID_STR_LEN])
{
    struct store *s = app->store;
    struct org o, *orgs = NULL;
    size_t n = 0;
    bool more = true;
    char after[UUID_STR_LEN] = "";
    while (more && !store_org_list(s, after[0] ? after : NULL, 500, &orgs, &n, &more)) {
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(orgs[i].kind, "operator")) {
                xstrlcpy(id_out, orgs[i].id, UUID_STR_LEN);
                free(orgs);
                return CLI_OK;
            }
        }
        if (n)
            xstrlcpy(after, orgs[n - 1].id, sizeof(after));
        free(orgs);
        orgs = NULL;
    }
    free(orgs);
    json_t *doc = json_pack("{s:s, s:s, s:s}", "name_ja", "プラットフォーム運営者", "name_en",
                            "Platform operator", "kind", "operator");
    struct app_result res;
    account_org_from_json(doc, rtime_now_ms(), &o);
    json_decref(doc);
    app_result_init(&res, 4);
    int rc = app_org_create(app, NULL, &o, rtime_now_ms(), &res)
                 ? store_fail("create operator organisation", res.store)
                 : CLI_OK;
    app_result_release(&res);
    if (!rc)
        xstrlcpy(id_out, o.id, UUID_STR_LEN);
    return rc;
}

static int create_admin(struct admin_ctx *c, const char *username, const char *password)
{
    char org[UUID_STR_LEN];
    struct store *s = open_db(c);
    if (!s)
        return CLI_FAILURE;
    int rc = operator_org(&c->app, org);
    if (rc)
        return rc;
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "org_id", org, "username", username,
                            "display_name", "Administrator", "role", "admin");
    rc = make_user(c, doc, password, false);
    json_decref(doc);
    return rc;
}

static void sign_in_hint(const struct config *cfg, const char *username)
{
    char where[300];
    bool v6 = strchr(cfg->listen_addr, ':') != NULL;
    if (cfg->port) /* with --port=0 the port is known only once the service listens */
        snprintf(where, sizeof(where), "%s%s%s:%lld", v6 ? "[" : "", cfg->listen_addr,
                 v6 ? "]" : "", (long long)cfg->port);
    else
        snprintf(where, sizeof(where), "<the address printed when the service starts>");
    printf("\nSign in (the token in the answer goes in 'Authorization: Bearer <token>'):\n"
           "  curl -s -X POST http://%s/api/v1/auth/login \\\n"
           "       -H 'Content-Type: application/json' \\\n"
           "       -d '{\"username\":\"%s\",\"password\":\"<password>\"}'\n"
           "A generated password only lets you choose your own first: POST /api/v1/me/password\n"
           "with {\"current_password\": …, \"new_password\": …} and that token.\n",
           where, username);
}

/* `admin bootstrap`: the first administrator, once. Idempotent for `make run`. */
static int bootstrap(struct admin_ctx *c, int argc, char **argv)
{
    const char *user = cli_take(&argc, argv, "--username");
    const struct config *cfg = c->cfg;
    int64_t admins = 0;
    int rc = cli_no_extra(argc, argv, 2);
    struct store *s;
    if (rc)
        return rc;
    user = user && *user ? user : "admin";
    if (!(s = open_db(c)) || store_user_count_role(s, ROLE_ADMIN, &admins))
        return CLI_FAILURE;
    if (admins > 0) {
        printf("An administrator already exists; sign in with that account "
               "(`ichigen admin create-admin --username NAME` adds another).\n");
        sign_in_hint(cfg, user);
        return CLI_OK;
    }
    printf("First start: creating the platform administrator.\n");
    rc = create_admin(c, user, NULL);
    if (!rc)
        sign_in_hint(cfg, user);
    return rc;
}

static int cmd_create_org(struct admin_ctx *c, int argc, char **argv)
{
    json_t *doc = flags_to_json(&argc, argv, &account_org_root);
    struct org o;
    struct app_result res;
    struct schema_limits lim;
    int rc = cli_no_extra(argc, argv, 2);
    schema_limits_default(&lim);
    app_result_init(&res, 100);
    if (!rc && app_org_decode(doc, &lim, rtime_now_ms(), &o, &res))
        rc = invalid_input(&res);
    if (!rc && !open_db(c))
        rc = CLI_FAILURE;
    if (!rc) {
        if (app_org_create(&c->app, NULL, &o, rtime_now_ms(), &res))
            rc = store_fail("create organisation", res.store);
        else
            printf("%s\n", o.id);
    }
    app_result_release(&res);
    json_decref(doc);
    return rc;
}

static int cmd_create_user(struct admin_ctx *c, int argc, char **argv)
{
    bool from_stdin = cli_flag(&argc, argv, "--password-stdin");
    bool glass = cli_flag(&argc, argv, "--break-glass");
    json_t *doc = flags_to_json(&argc, argv, &account_user_root);
    char pw[300];
    int rc = cli_no_extra(argc, argv, 2);
    if (!rc && from_stdin && read_password_stdin(pw, sizeof(pw)))
        rc = CLI_USAGE;
    if (!rc)
        rc = make_user(c, doc, from_stdin ? pw : NULL, glass);
    sodium_memzero(pw, sizeof(pw));
    json_decref(doc);
    return rc;
}

static int cmd_create_admin(struct admin_ctx *c, int argc, char **argv)
{
    bool from_stdin = cli_flag(&argc, argv, "--password-stdin");
    const char *user = cli_take(&argc, argv, "--username");
    char pw[300];
    int rc = cli_no_extra(argc, argv, 2);
    if (!rc && (!user || !*user)) {
        fprintf(stderr, "ichigen admin create-admin: --username is required\n");
        rc = CLI_USAGE;
    }
    if (!rc && from_stdin && read_password_stdin(pw, sizeof(pw)))
        rc = CLI_USAGE;
    if (!rc)
        rc = create_admin(c, user, from_stdin ? pw : NULL);
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

/* `admin create-token --username U [--name N] [--days D]`: prints a bearer token (for scripts,
 * the benchmark and CI) and nothing else on stdout. */
static int cmd_create_token(struct admin_ctx *c, int argc, char **argv)
{
    struct store *s;
    const char *user = cli_take(&argc, argv, "--username");
    const char *name = cli_take(&argc, argv, "--name"), *days = cli_take(&argc, argv, "--days");
    struct user u;
    struct token_rec t;
    char token[AUTH_TOKEN_LEN + 1];
    int64_t d = 0, now = rtime_now_ms();
    int rc = cli_no_extra(argc, argv, 2);
    if (rc)
        return rc;
    if (!user || !*user || (days && parse_int64(days, 1, 3650, &d)))
        return cli_usage("admin", stderr);
    if (!(s = open_db(c)))
        return CLI_FAILURE;
    int res = store_user_get_by_name(s, user, &u);
    if (res)
        return store_fail("find user", res);
    struct account_scene sc = {0};
    if ((rc = cli_scene(s, u.org_id, &sc)))
        return rc;
    if (!sc.org_is_operator && sc.administrators > 0) {
        fprintf(stderr,
                "ichigen admin: %s belongs to an organisation with its own administrator; "
                "only the user mints its tokens (POST /api/v1/tokens).\n",
                user);
        return CLI_PROBLEM;
    }
    struct app_result ar;
    app_result_init(&ar, 4);
    if (app_token_issue(&c->app, &u, "api", name && *name ? name : "cli", d * 86400000LL,
                        APP_ACTOR_CLI, now, &t, token, &ar))
        rc = store_fail("create token", ar.store);
    else
        printf("%s\n", token);
    app_result_release(&ar);
    sodium_memzero(token, sizeof(token));
    return rc;
}

static int cmd_list_orgs(struct admin_ctx *c, int argc, char **argv)
{
    struct org *orgs = NULL;
    size_t n = 0;
    bool more = true;
    char after[UUID_STR_LEN] = "";
    int rc = cli_no_extra(argc, argv, 2);
    if (!rc && !open_db(c))
        rc = CLI_FAILURE;
    struct app_result res;
    app_result_init(&res, 4);
    while (!rc && more) {
        if (app_org_list(&c->app, NULL, after[0] ? after : NULL, 500, &orgs, &n, &more, &res)) {
            rc = CLI_FAILURE;
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%s  %-16s %-12s %s / %s\n", orgs[i].id, orgs[i].kind, orgs[i].sector,
                       orgs[i].name_ja, orgs[i].name_en);
            if (n)
                xstrlcpy(after, orgs[n - 1].id, sizeof(after));
        }
        free(orgs);
        orgs = NULL;
    }
    app_result_release(&res);
    return rc;
}

/* `admin set-clearance --username U --level L --expires-at T [--granted-at T]` (RFC 3339; the
 * grant defaults to now), or `--level none` to remove it: the operator at the machine sets a
 * user's security clearance with the same checks and audit entry as the platform
 * administrator's PUT /api/v1/users/{id}/clearance (app_clearance_set; issue 13 item 2). */
static int cmd_set_clearance(struct admin_ctx *c, int argc, char **argv)
{
    static struct clearance_catalog levels;
    const char *user = cli_take(&argc, argv, "--username"),
               *level = cli_take(&argc, argv, "--level");
    const char *expires = cli_take(&argc, argv, "--expires-at");
    const char *granted = cli_take(&argc, argv, "--granted-at");
    struct principal cli = {.role = ROLE_ADMIN};
    char now_text[32];
    struct user u;
    struct clearance_rec out;
    int64_t now = rtime_now_ms();
    int rc = cli_no_extra(argc, argv, 2);
    if (rc)
        return rc;
    if (!user || !level || (strcmp(level, "none") && !expires))
        return cli_usage("admin", stderr);
    if (cli_load_clearance(c->cfg, &levels) || !open_db(c))
        return CLI_FAILURE;
    int sr = store_user_get_by_name(c->s, user, &u);
    if (sr)
        return store_fail("find user", sr);
    rtime_format_utc(now, now_text, sizeof(now_text));
    json_t *doc = strcmp(level, "none")
                      ? json_pack("{s:s, s:s, s:s}", "level", level, "granted_at",
                                  granted ? granted : now_text, "expires_at", expires)
                      : json_pack("{s:n}", "level");
    xstrlcpy(cli.user_id, APP_ACTOR_CLI, sizeof(cli.user_id));
    c->app.clearance = &levels;
    struct app_call call = {&c->app, &cli, now};
    struct app_result res;
    app_result_init(&res, 32);
    if (app_clearance_set(&call, u.id, doc, &out, &res))
        rc = res.problem == APP_PROB_VALIDATION ? invalid_input(&res)
                                                : store_fail("set clearance", res.store);
    else if (out.level[0])
        printf("clearance of %s: %s until %s\n", user, out.level, expires);
    else
        printf("clearance of %s removed\n", user);
    app_result_release(&res);
    json_decref(doc);
    return rc;
}

int cli_admin(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(struct admin_ctx *c, int argc, char **argv);
    } subs[] = {{"bootstrap", bootstrap},
                {"create-admin", cmd_create_admin},
                {"create-org", cmd_create_org},
                {"create-user", cmd_create_user},
                {"create-token", cmd_create_token},
                {"list-orgs", cmd_list_orgs},
                {"set-clearance", cmd_set_clearance}};
    struct config cfg;
    struct admin_ctx c = {&cfg, NULL};
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(subs); i++) {
        if (strcmp(argv[1], subs[i].name))
            continue;
        rc = subs[i].fn(&c, argc, argv);
        store_close(c.s);
        return rc;
    }
    if (argc >= 2)
        fprintf(stderr, "ichigen admin: unknown sub-command \"%s\"\n", argv[1]);
    return cli_usage("admin", stderr);
}
