/*
 * test_store.c — the conformance suite for the store contract (src/store/store.h).
 *
 * Every test talks to a `struct store *` through its ops table only; the backend is chosen by
 * the `backends` table at the bottom: SQLite, or PostgreSQL when ICHIGEN_TEST_PG_URL names a
 * server (issue 14; e.g. the URL `scripts/pg.sh start DIR` prints; `make test` runs both):
 * each fixture location is then a fresh database made through that URL's database and dropped
 * at teardown, and reopening a location reopens the same database.
 * ICHIGEN_TEST_PG_ONLY=test_orgs,test_users runs only the tests named (a development aid).
 *
 * Coverage: every store a backend opens here is wrapped in the tracer (src/store/store_trace.h)
 * recording into suite_trace, and the last test fails naming each operation of struct
 * store_ops that no test called — a new operation needs its conformance test to pass.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <pthread.h>

#include "audit/audit.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/rtime.h"
#include "core/uuid.h"
#include "outbox/outbox.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_history.h"
#include "store/store_notify.h"
#include "store/store_int.h"
#include "store/store_trace.h"
#include "store/store_copy.h"
#include "store/store_migration.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define T0 1795305600000LL /* 2026-11-22T00:00:00Z */
#define HOUR 3600000LL
#define ACTOR "cli:test"

/* ---- backend selection ---- */

struct backend {
    const char *name;
    /* The store URL of the store kept at location (a fresh directory). */
    void (*url)(char *out, size_t n, const char *location);
    /* Opens the store kept at location (a fresh directory); again with the same location it
     * reopens the same data. NULL on failure. */
    struct store *(*open)(const char *location);
    /* Forgets the store kept at location after the fixture closed it, or NULL (the directory
     * holds it and is removed). */
    void (*drop)(const char *location);
};

/* Every store the suite opens through a backend is wrapped in the tracer and records here, so
 * that its last test can name each operation of the contract that no test called. */
static struct store_trace suite_trace;

static void url_sqlite(char *out, size_t n, const char *location)
{
    snprintf(out, n, "sqlite:%s/ichigen.db", location);
}

/* Through store_open and a URL, as the service opens its store. */
static struct store *open_sqlite(const char *location)
{
    char url[280];
    struct err e;
    url_sqlite(url, sizeof(url), location);
    struct store_options o = {.url = url, .read_pool_size = 4, .commit_batch_max = 64};
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        print_error("store_open(%s): %s\n", url, e.msg);
    return s ? store_trace_wrap(s, &suite_trace) : NULL;
}

/* ---- PostgreSQL (issue 14): a database per location, through ICHIGEN_TEST_PG_URL ---- */

/* The database of a location: "t_" and the directory's name (unique: mkdtemp), lower case. */
static void pg_dbname(char *out, size_t n, const char *location)
{
    const char *base = strrchr(location, '/');
    size_t i = 0;
    base = base ? base + 1 : location;
    i = (size_t)snprintf(out, n, "t_");
    for (; *base && i + 1 < n; base++)
        out[i++] = isalnum((unsigned char)*base) ? (char)tolower((unsigned char)*base) : '_';
    out[i] = 0;
}

/* The server's URL with dbname= added: libpq lets a query parameter name the database
 * (PostgreSQL 15 §34.1.1.2). */
static void url_pg(char *out, size_t n, const char *location)
{
    const char *base = getenv("ICHIGEN_TEST_PG_URL");
    char db[80];
    pg_dbname(db, sizeof(db), location);
    snprintf(out, n, "%s%cdbname=%s", base, strchr(base, '?') ? '&' : '?', db);
}

/* Runs one maintenance statement on the server URL's own database. */
static int pg_admin(const char *sql)
{
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {getenv("ICHIGEN_TEST_PG_URL"), NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        print_error("%s: %s\n", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

static struct store *open_pg(const char *location)
{
    char url[600], db[80], sql[160], marker[600];
    struct err e;
    pg_dbname(db, sizeof(db), location);
    /* the first open of a location makes its database; a reopen finds the marker file */
    snprintf(marker, sizeof(marker), "%s/pg-database", location);
    if (access(marker, F_OK)) {
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
        FILE *f = NULL;
        if (pg_admin(sql) || !(f = fopen(marker, "w")))
            return NULL;
        fclose(f);
    }
    url_pg(url, sizeof(url), location);
    struct store_options o = {.url = url, .read_pool_size = 4, .commit_batch_max = 64};
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        print_error("store_open(postgresql, %s): %s\n", db, e.msg);
    return s ? store_trace_wrap(s, &suite_trace) : NULL;
}

static void drop_pg(const char *location)
{
    char db[80], sql[160];
    pg_dbname(db, sizeof(db), location);
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    pg_admin(sql);
}

static const struct backend *backend; /* set by main for each run of the suite */

struct fx {
    char dir[64];
    struct store *s;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    if (unit_tmpdir(f->dir, "store") || !(f->s = backend->open(f->dir))) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    if (backend->drop)
        backend->drop(f->dir);
    unit_rmtree(f->dir);
    free(f);
    return 0;
}

#define S(state) (((struct fx *)*(state))->s)
#define f_dir(state) (((struct fx *)*(state))->dir)

/* ---- audit helpers ---- */

struct chain {
    struct audit_verifier v;
    int64_t n;
    struct audit_rec last;
};

static int chain_cb(const struct audit_rec *r, void *arg)
{
    struct chain *c = arg;
    audit_verifier_feed(&c->v, r);
    c->n++;
    c->last = *r;
    return 0;
}

/* Reads the whole audit log, asserts the chain verifies and the head agrees; returns its
 * length and (if last is given) the last entry. */
static int64_t audit_check(struct store *s, struct audit_rec *last)
{
    struct chain c;
    struct audit_rec head;
    audit_verifier_init(&c.v);
    c.n = 0;
    memset(&c.last, 0, sizeof(c.last));
    for (int64_t from = 1;; from += 500) {
        int64_t before = c.n;
        assert_int_equal(store_audit_scan(s, from, 500, chain_cb, &c), STORE_OK);
        if (c.n - before < 500)
            break;
    }
    if (c.v.first_bad_seq)
        fail_msg("audit chain broken at %lld: %s", (long long)c.v.first_bad_seq, c.v.reason);
    if (c.n) {
        assert_int_equal(store_audit_head(s, &head), STORE_OK);
        assert_int_equal(head.seq, c.n);
        assert_string_equal(head.hash, c.last.hash);
    } else {
        assert_int_equal(store_audit_head(s, &head), STORE_NOT_FOUND);
    }
    if (last)
        *last = c.last;
    return c.n;
}

/* The last mutation appended exactly one entry (count was the length before it). */
static void audit_expect(struct store *s, int64_t *count, const char *action, const char *oid)
{
    struct audit_rec last;
    int64_t n = audit_check(s, &last);
    if (n != *count + 1)
        fail_msg("%s: audit log grew by %lld entries, not 1", action, (long long)(n - *count));
    assert_string_equal(last.action, action);
    if (oid)
        assert_string_equal(last.object_id, oid);
    *count = n;
}

static void audit_unchanged(struct store *s, int64_t count)
{
    assert_int_equal(audit_check(s, NULL), count);
}

struct since {
    struct audit_rec *out;
    size_t n, max;
};

static int since_cb(const struct audit_rec *r, void *arg)
{
    struct since *c = arg;
    if (c->n < c->max)
        c->out[c->n] = *r;
    c->n++;
    return 0;
}

/* The entries after the first count ones, at most max of them into out; returns how many
 * there are. */
static size_t audit_since(struct store *s, int64_t count, struct audit_rec *out, size_t max)
{
    struct since c = {out, 0, max};
    assert_int_equal(store_audit_scan(s, count + 1, 1000, since_cb, &c), STORE_OK);
    return c.n;
}

/* ---- domain helpers ---- */

static int add_org(struct store *s, const char *corp, struct org *o, int64_t now)
{
    memset(o, 0, sizeof(*o));
    uuid_v7_new(o->id);
    snprintf(o->name_ja, sizeof(o->name_ja), "株式会社テスト%.8s", o->id + 28);
    snprintf(o->name_en, sizeof(o->name_en), "Test %.8s Co.", o->id + 28);
    xstrlcpy(o->corporate_number, corp ? corp : "", sizeof(o->corporate_number));
    xstrlcpy(o->kind, "company", sizeof(o->kind));
    xstrlcpy(o->sector, "none", sizeof(o->sector));
    xstrlcpy(o->prefecture, "JP-13", sizeof(o->prefecture));
    o->listed = corp != NULL;
    o->created_at = now;
    return store_org_create(s, o, ACTOR, now);
}

static int add_user(struct store *s, const char *org_id, const char *name, enum role r,
                    struct user *u, int64_t now)
{
    memset(u, 0, sizeof(*u));
    uuid_v7_new(u->id);
    xstrlcpy(u->org_id, org_id, sizeof(u->org_id));
    xstrlcpy(u->username, name, sizeof(u->username));
    snprintf(u->display_name, sizeof(u->display_name), "利用者 %s", name);
    u->role = r;
    xstrlcpy(u->password_hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
             sizeof(u->password_hash));
    u->created_at = now;
    return store_user_create(s, u, ACTOR, now);
}

static int add_token(struct store *s, const char *user_id, const char *kind, int64_t expires,
                     struct token_rec *t, char plain[AUTH_TOKEN_LEN + 1], int64_t now)
{
    memset(t, 0, sizeof(*t));
    uuid_v7_new(t->id);
    xstrlcpy(t->user_id, user_id, sizeof(t->user_id));
    auth_token_new(plain, t->hash);
    xstrlcpy(t->name, "ci", sizeof(t->name));
    xstrlcpy(t->kind, kind, sizeof(t->kind));
    t->created_at = now;
    t->expires_at = expires;
    return store_token_create(s, t, user_id, now);
}

/* A report body as the HTTP layer stores it: validated, canonical JSON and its SHA-256. */
struct body {
    json_t *doc;
    struct buf canon;
    char sha[HASH_SHA256_HEX];
    struct report_index ix;
};

static const char *const body_template =
    "{\"envelope\":{\"format_version\":\"1\",\"phase\":\"early_warning\"},"
    "\"entity\":{\"name_en\":\"Test Co.\"},"
    "\"contacts\":[{\"role\":\"primary\",\"name\":\"T\",\"email\":\"csirt@example.jp\"}],"
    "\"times\":{\"aware_at\":\"2026-11-20T08:40:00+09:00\"},"
    "\"classification\":{\"categories\":[\"ddos\"],\"suspected_malicious\":\"yes\","
    "\"cross_border\":\"no\"},"
    "\"description\":{\"summary\":\"x\"},\"impact\":{\"services_affected\":\"yes\"},"
    "\"personal_data\":{\"involved\":\"no\"},\"ransom\":{\"demanded\":\"no\"},"
    "\"confidentiality\":{\"tlp\":\"TLP:AMBER\"}}";

static void body_make(struct body *b, const char *summary, const char *phase, const char *cat,
                      bool drill, const char *change)
{
    struct schema_limits lim;
    struct verr_list errs;
    memset(b, 0, sizeof(*b));
    assert_int_equal(jsonx_load_object(body_template, strlen(body_template), 32, &b->doc, NULL), 0);
    json_t *env = json_object_get(b->doc, "envelope");
    json_object_set_new(env, "phase", json_string(phase));
    json_object_set_new(env, "drill", json_boolean(drill));
    if (change)
        json_object_set_new(env, "change_summary", json_string(change));
    json_object_set_new(json_object_get(b->doc, "description"), "summary", json_string(summary));
    json_object_set_new(json_object_get(b->doc, "classification"), "categories",
                        json_pack("[s]", cat));
    schema_limits_default(&lim);
    verr_list_init(&errs, 10);
    assert_int_equal(report_validate(b->doc, &lim, T0, &errs), 0);
    verr_list_release(&errs);
    buf_init(&b->canon, BUF_UNLIMITED);
    assert_int_equal(jsonx_dump_canonical(b->doc, &b->canon), 0);
    hash_sha256_hex(b->canon.data, b->canon.len, b->sha);
    report_index_extract(b->doc, &b->ix);
}

static void body_release(struct body *b)
{
    json_decref(b->doc);
    buf_release(&b->canon);
}

static void write_of(struct report_write *w, const struct body *b, const char *id, const char *org,
                     const char *author, int64_t now)
{
    memset(w, 0, sizeof(*w));
    w->id = id;
    w->org_id = org;
    w->author_id = author;
    w->body = b->canon.data;
    w->body_len = b->canon.len;
    w->body_sha256 = b->sha;
    w->phase = b->ix.phase;
    w->tlp = b->ix.tlp;
    w->summary = b->ix.summary;
    w->change_summary = b->ix.change_summary;
    w->categories = b->ix.categories;
    w->drill = b->ix.drill;
    w->now_ms = now;
    w->idem_retention_ms = 24 * HOUR;
}

/* Creates a report in org by author; id_out receives its id. */
static int create_report(struct store *s, const struct body *b, const char *org, const char *author,
                         int64_t now, char id_out[UUID_STR_LEN])
{
    struct report_write w;
    struct report_rec rec;
    uuid_v7_new(id_out);
    write_of(&w, b, id_out, org, author, now);
    int r = store_report_create(s, &w, &rec);
    report_rec_release(&rec);
    return r;
}

/* ---- basics ---- */

static void test_open_ready_stats(void **state)
{
    struct fx *f = *state;
    struct store *s = f->s;
    struct store_stats st;
    struct org o;
    char url[280];
    int version = -1;
    assert_non_null(s->ops->name);
    assert_int_equal(store_ready(s), STORE_OK);
    /* an opened store is at the schema this binary migrates a store of its URL to */
    backend->url(url, sizeof(url), f->dir);
    assert_int_equal(store_schema_version(s, &version), STORE_OK);
    assert_true(version > 0);
    assert_int_equal(version, store_target_schema_version(url));
    audit_unchanged(s, 0); /* a new store has an empty audit log */
    store_get_stats(s, &st);
    assert_int_equal(st.writes, 0);
    assert_int_equal(add_org(s, NULL, &o, T0), STORE_OK);
    store_get_stats(s, &st);
    assert_int_equal(st.writes, 1);
    assert_int_equal(st.commits, 1);
    assert_int_equal(st.failed_commits, 0);
    const struct histo *h = store_commit_latency(s);
    assert_int_equal(atomic_load(&h->count), 1);
    assert_int_equal(store_maintain(s, T0), STORE_OK);
    static const int codes[] = {
        STORE_REPLAYED,      STORE_OK,     STORE_NOT_FOUND,   STORE_CONFLICT,
        STORE_IDEM_MISMATCH, STORE_EXISTS, STORE_UNAVAILABLE, STORE_INVALID};
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(store_result_name(codes[i]), store_result_name(codes[k]));
}

/* ---- organisations ---- */

static void test_orgs(void **state)
{
    struct store *s = S(state);
    struct org o[4], got, *list;
    size_t n;
    bool more;
    int64_t count = 0;
    const char *corps[4] = {"7000012050002", NULL, "1180301018771", NULL};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(add_org(s, corps[i], &o[i], T0 + i), STORE_OK);
        audit_expect(s, &count, "organization.create", o[i].id);
    }
    assert_int_equal(store_org_get(s, o[0].id, &got), STORE_OK);
    assert_string_equal(got.id, o[0].id);
    assert_string_equal(got.name_ja, o[0].name_ja);
    assert_string_equal(got.name_en, o[0].name_en);
    assert_string_equal(got.corporate_number, "7000012050002");
    assert_string_equal(got.kind, "company");
    assert_string_equal(got.sector, "none");
    assert_string_equal(got.prefecture, "JP-13");
    assert_true(got.listed);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(store_org_get(s, o[1].id, &got), STORE_OK);
    assert_string_equal(got.corporate_number, ""); /* none, and not unique-constrained */
    assert_false(got.listed);
    assert_int_equal(store_org_get(s, "019ab0b0-cc00-7000-8000-000000000000", &got),
                     STORE_NOT_FOUND);
    /* a corporate number belongs to one organisation */
    struct org dup;
    assert_int_equal(add_org(s, "7000012050002", &dup, T0 + 9), STORE_EXISTS);
    audit_unchanged(s, count);
    assert_int_equal(store_org_get(s, dup.id, &got), STORE_NOT_FOUND);
    /* pages of 3 in id order, with a cursor */
    assert_int_equal(store_org_list(s, NULL, 3, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 3);
    assert_true(more);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(list[i].id, o[i].id); /* UUIDv7: creation order */
    char after[UUID_STR_LEN];
    xstrlcpy(after, list[2].id, sizeof(after));
    free(list);
    assert_int_equal(store_org_list(s, after, 3, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 1);
    assert_false(more);
    assert_string_equal(list[0].id, o[3].id);
    free(list);
    assert_int_equal(store_org_list(s, NULL, 4, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 4);
    assert_false(more); /* exactly a full page: no further page */
    free(list);
}

/* ---- users ---- */

static void test_users(void **state)
{
    struct store *s = S(state);
    struct org a, b;
    struct user u1, u2, u3, got, dup, *list;
    size_t n;
    bool more;
    int64_t count, k;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_org(s, NULL, &b, T0), STORE_OK);
    count = audit_check(s, NULL);
    assert_int_equal(add_user(s, a.id, "taro", ROLE_REPORTER, &u1, T0 + 1), STORE_OK);
    audit_expect(s, &count, "user.create", u1.id);
    assert_int_equal(add_user(s, b.id, "admin", ROLE_ADMIN, &u2, T0 + 2), STORE_OK);
    audit_expect(s, &count, "user.create", u2.id);
    memset(&u3, 0, sizeof(u3));
    assert_int_equal(add_user(s, a.id, "hanako", ROLE_RECIPIENT, &u3, T0 + 3), STORE_OK);
    audit_expect(s, &count, "user.create", u3.id);

    assert_int_equal(store_user_get(s, u1.id, &got), STORE_OK);
    assert_string_equal(got.username, "taro");
    assert_string_equal(got.org_id, a.id);
    assert_string_equal(got.display_name, "利用者 taro");
    assert_int_equal(got.role, ROLE_REPORTER);
    assert_string_equal(got.password_hash, u1.password_hash);
    assert_false(got.disabled);
    assert_int_equal(got.created_at, T0 + 1);
    assert_false(got.must_change_password);
    assert_int_equal(store_user_get_by_name(s, "admin", &got), STORE_OK);
    assert_string_equal(got.id, u2.id);
    assert_int_equal(got.role, ROLE_ADMIN);
    assert_int_equal(store_user_get_by_name(s, "nobody", &got), STORE_NOT_FOUND);
    assert_int_equal(store_user_get(s, "019ab0b0-cc00-7000-8000-000000000000", &got),
                     STORE_NOT_FOUND);

    /* an organisation that does not exist; a username already taken (in any organisation) */
    assert_int_equal(
        add_user(s, "019ab0b0-cc00-7000-8000-000000000000", "ghost", ROLE_REPORTER, &dup, T0),
        STORE_INVALID);
    assert_int_equal(add_user(s, b.id, "taro", ROLE_REPORTER, &dup, T0), STORE_EXISTS);
    audit_unchanged(s, count);

    /* roles are counted over enabled users */
    assert_int_equal(store_user_count_role(s, ROLE_REPORTER, &k), STORE_OK);
    assert_int_equal(k, 1);
    assert_int_equal(store_user_count_role(s, ROLE_ADMIN, &k), STORE_OK);
    assert_int_equal(k, 1);
    assert_int_equal(store_user_count_role(s, ROLE_AUTHORITY, &k), STORE_OK);
    assert_int_equal(k, 0);
    struct user off;
    memset(&off, 0, sizeof(off));
    uuid_v7_new(off.id);
    xstrlcpy(off.org_id, a.id, sizeof(off.org_id));
    xstrlcpy(off.username, "retired", sizeof(off.username));
    off.role = ROLE_ADMIN;
    off.disabled = true;
    assert_int_equal(store_user_create(s, &off, ACTOR, T0), STORE_OK);
    audit_expect(s, &count, "user.create", off.id);
    assert_int_equal(store_user_count_role(s, ROLE_ADMIN, &k), STORE_OK);
    assert_int_equal(k, 1);
    assert_int_equal(store_user_get(s, off.id, &got), STORE_OK);
    assert_true(got.disabled);
    assert_string_equal(got.password_hash, ""); /* signs in with tokens only */

    /* listing per organisation and overall, with a cursor */
    assert_int_equal(store_user_list(s, a.id, NULL, 10, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 3);
    assert_false(more);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(list[i].org_id, a.id);
    free(list);
    assert_int_equal(store_user_list(s, NULL, NULL, 2, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 2);
    assert_true(more);
    assert_true(strcmp(list[0].id, list[1].id) < 0);
    char after[UUID_STR_LEN];
    xstrlcpy(after, list[1].id, sizeof(after));
    free(list);
    assert_int_equal(store_user_list(s, NULL, after, 2, &list, &n, &more), STORE_OK);
    assert_int_equal(n, 2);
    assert_false(more);
    assert_true(strcmp(list[0].id, after) > 0);
    free(list);
}

/* ---- accounts (issue 8.12) ---- */

/* A user_write of u (create or change) with its event; returns the store's result. */
static int write_user(struct store *s, const struct user *u, bool create, enum account_pre pre,
                      bool keep_admin, int64_t now)
{
    char event[160];
    snprintf(event, sizeof(event), "{\"event\":\"account.%s\",\"user\":\"%s\"}",
             create ? "created" : "changed", u->id);
    struct user_write w = {.u = u,
                           .create = create,
                           .pre = pre,
                           .keep_admin = keep_admin,
                           .admin_role = ROLE_ORG_ADMIN,
                           .actor = ACTOR,
                           .audit_action = create ? "user.create" : "user.update",
                           .audit_detail = "role=org_admin",
                           .event = event,
                           .now = now};
    return store_user_write(s, &w);
}

static void new_user(struct user *u, const char *org_id, const char *name, enum role r)
{
    memset(u, 0, sizeof(*u));
    uuid_v7_new(u->id);
    xstrlcpy(u->org_id, org_id, sizeof(u->org_id));
    xstrlcpy(u->username, name, sizeof(u->username));
    xstrlcpy(u->display_name, name, sizeof(u->display_name));
    u->role = r;
    xstrlcpy(u->password_hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
             sizeof(u->password_hash));
    u->must_change_password = true;
}

static size_t account_events(struct store *s, const char *org_id, const char *status)
{
    struct notification_list l;
    size_t n = 0;
    assert_int_equal(store_notifications_list(s, org_id, 100, &l), STORE_OK);
    for (size_t i = 0; i < l.n; i++)
        n += !strcmp(l.items[i].kind, "account") && (!status || !strcmp(l.items[i].status, status));
    notification_list_release(&l);
    return n;
}

static void test_user_write(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct user adm, rep, late, got;
    struct org_members m;
    struct token_rec t;
    struct principal p;
    char plain[AUTH_TOKEN_LEN + 1];
    unsigned char h[HASH_SHA256_LEN];
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    int64_t count = audit_check(s, NULL);
    assert_int_equal(store_org_members(s, a.id, &m), STORE_OK);
    assert_int_equal(m.members, 0);
    /* the first administrator of an empty organisation, with its event (no webhook: listed,
     * not sent) and the must-change flag */
    new_user(&adm, a.id, "a-admin", ROLE_ORG_ADMIN);
    assert_int_equal(write_user(s, &adm, true, ACCOUNT_PRE_NO_MEMBERS, false, T0), STORE_OK);
    audit_expect(s, &count, "user.create", adm.id);
    assert_int_equal(account_events(s, a.id, "not_sent"), 1);
    assert_int_equal(store_user_get(s, adm.id, &got), STORE_OK);
    assert_true(got.must_change_password);
    /* the preconditions are checked in the transaction: no longer empty, has an admin */
    new_user(&late, a.id, "a-late", ROLE_ORG_ADMIN);
    assert_int_equal(write_user(s, &late, true, ACCOUNT_PRE_NO_MEMBERS, false, T0), STORE_CONFLICT);
    assert_int_equal(write_user(s, &late, true, ACCOUNT_PRE_NO_ADMIN, false, T0), STORE_CONFLICT);
    audit_unchanged(s, count);
    assert_int_equal(store_user_get(s, late.id, &got), STORE_NOT_FOUND);
    assert_int_equal(account_events(s, a.id, NULL), 1);
    /* the administrator adds a reporter; counts follow */
    new_user(&rep, a.id, "a-rep", ROLE_REPORTER);
    assert_int_equal(write_user(s, &rep, true, ACCOUNT_PRE_NONE, false, T0 + 1), STORE_OK);
    audit_expect(s, &count, "user.create", rep.id);
    assert_int_equal(store_org_members(s, a.id, &m), STORE_OK);
    assert_int_equal(m.members, 2);
    assert_int_equal(m.org_admins, 1);
    assert_int_equal(m.admins, 0);
    /* with the reminder webhook enabled, events are queued for it */
    struct reminder_settings rs;
    memset(&rs, 0, sizeof(rs));
    xstrlcpy(rs.org_id, a.id, sizeof(rs.org_id));
    xstrlcpy(rs.endpoint, "https://hooks.example/r", sizeof(rs.endpoint));
    memcpy(rs.secret, "0123456789abcdef0123456789abcdef", 32);
    rs.secret_len = 32;
    rs.enabled = true;
    assert_int_equal(store_reminders_set(s, &rs, ACTOR, T0 + 2), STORE_OK);
    count = audit_check(s, NULL);
    /* disabling revokes the user's tokens at once */
    assert_int_equal(add_token(s, rep.id, "api", 0, &t, plain, T0 + 2), STORE_OK);
    count = audit_check(s, NULL);
    assert_int_equal(auth_token_hash(plain, strlen(plain), h), 0);
    assert_int_equal(store_token_lookup(s, h, T0 + 3, &p), STORE_OK);
    rep.disabled = true;
    assert_int_equal(write_user(s, &rep, false, ACCOUNT_PRE_NONE, false, T0 + 3), STORE_OK);
    audit_expect(s, &count, "user.update", rep.id);
    assert_int_equal(account_events(s, a.id, "queued"), 1);
    assert_int_equal(store_token_lookup(s, h, T0 + 4, &p), STORE_NOT_FOUND);
    rep.disabled = false; /* re-enabled: the revoked token stays revoked */
    assert_int_equal(write_user(s, &rep, false, ACCOUNT_PRE_NONE, false, T0 + 4), STORE_OK);
    audit_expect(s, &count, "user.update", rep.id);
    assert_int_equal(store_token_lookup(s, h, T0 + 5, &p), STORE_NOT_FOUND);
    /* the last administrator cannot leave: keep_admin */
    adm.role = ROLE_REPORTER;
    assert_int_equal(write_user(s, &adm, false, ACCOUNT_PRE_NONE, true, T0 + 5), STORE_CONFLICT);
    audit_unchanged(s, count);
    assert_int_equal(store_user_get(s, adm.id, &got), STORE_OK);
    assert_int_equal(got.role, ROLE_ORG_ADMIN);
    /* a change to a user that does not exist */
    assert_int_equal(write_user(s, &late, false, ACCOUNT_PRE_NONE, false, T0), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(account_events(s, a.id, NULL), 4);
}

static void test_password_set(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct user u, got;
    struct token_rec setup, api;
    struct principal p;
    char plain[AUTH_TOKEN_LEN + 1], plain2[AUTH_TOKEN_LEN + 1];
    unsigned char h[HASH_SHA256_LEN], h2[HASH_SHA256_LEN];
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    new_user(&u, a.id, "newcomer", ROLE_REPORTER);
    assert_int_equal(write_user(s, &u, true, ACCOUNT_PRE_NONE, false, T0), STORE_OK);
    /* a token of kind "setup" only lets its holder change the password */
    assert_int_equal(add_token(s, u.id, "setup", 0, &setup, plain, T0), STORE_OK);
    assert_int_equal(add_token(s, u.id, "api", 0, &api, plain2, T0), STORE_OK);
    assert_int_equal(auth_token_hash(plain, strlen(plain), h), 0);
    assert_int_equal(auth_token_hash(plain2, strlen(plain2), h2), 0);
    assert_int_equal(store_token_lookup(s, h, T0, &p), STORE_OK);
    assert_true(p.password_change_only);
    assert_int_equal(store_token_lookup(s, h2, T0, &p), STORE_OK);
    assert_false(p.password_change_only);
    int64_t count = audit_check(s, NULL);
    struct password_write w = {u.id, a.id, "$argon2id$v=19$m=8,t=1,p=1$bmV3$bmV3", "{\"e\":1}",
                               T0 + 1};
    assert_int_equal(store_user_password_set(s, &w), STORE_OK);
    audit_expect(s, &count, "user.password_change", u.id);
    assert_int_equal(store_user_get(s, u.id, &got), STORE_OK);
    assert_false(got.must_change_password);
    assert_string_equal(got.password_hash, w.password_hash);
    /* every earlier token ends with the change */
    assert_int_equal(store_token_lookup(s, h, T0 + 2, &p), STORE_NOT_FOUND);
    assert_int_equal(store_token_lookup(s, h2, T0 + 2, &p), STORE_NOT_FOUND);
    assert_int_equal(account_events(s, a.id, NULL), 2);
    w.user_id = "019ab0b0-cc00-7000-8000-000000000000";
    assert_int_equal(store_user_password_set(s, &w), STORE_NOT_FOUND);
    audit_unchanged(s, count);
}

/* ---- sign-in throttling (issue 8.13) ---- */

static void test_throttle(void **state)
{
    struct store *s = S(state);
    unsigned char secret[32], again[32], zero[32] = {0};
    struct auth_throttle_policy pol = {
        .free = 2, .base_ms = 1000, .max_ms = 4000, .forget_ms = HOUR};
    struct throttle_key keys[2];
    struct auth_throttle_state st[2], out[2];
    assert_int_equal(store_throttle_secret(s, secret), STORE_OK);
    assert_int_equal(store_throttle_secret(s, again), STORE_OK);
    assert_memory_equal(secret, again, 32);
    assert_memory_not_equal(secret, zero, 32);
    memset(keys, 0, sizeof(keys));
    auth_throttle_key_name(secret, "taro", keys[0].key);
    auth_throttle_key_name(secret, "hanako", keys[1].key);
    keys[0].scope = keys[1].scope = "name";
    keys[0].policy = keys[1].policy = &pol;
    assert_int_equal(store_throttle_get(s, keys, 2, T0, st), STORE_OK);
    assert_int_equal(st[0].failures, 0);
    assert_int_equal(st[0].expires_at, 0);
    int64_t count = audit_check(s, NULL);
    struct throttle_failure f = {.keys = keys,
                                 .n = 1,
                                 .object_id = "",
                                 .detail = "d",
                                 .now = T0,
                                 .next = auth_throttle_fail,
                                 .out = out};
    /* the first failure is free; the second starts a delay, which is audited */
    assert_int_equal(store_throttle_fail(s, &f), STORE_OK);
    audit_expect(s, &count, "auth.login_failed", "");
    assert_int_equal(out[0].failures, 1);
    assert_int_equal(out[0].blocked_until, 0);
    f.now = T0 + 10;
    assert_int_equal(store_throttle_fail(s, &f), STORE_OK);
    assert_int_equal(audit_check(s, NULL), count + 2);
    struct audit_rec last;
    count = audit_check(s, &last);
    assert_string_equal(last.action, "auth.throttled");
    assert_non_null(strstr(last.detail, "scope=name failures=2 delay_ms=1000"));
    assert_int_equal(store_throttle_get(s, keys, 2, T0 + 20, st), STORE_OK);
    assert_int_equal(st[0].failures, 2);
    assert_int_equal(st[0].blocked_until, T0 + 1010);
    assert_int_equal(st[1].failures, 0); /* another key is another state */
    /* clear forgets; a forgotten state reads as none, and maintenance deletes it */
    assert_int_equal(store_throttle_clear(s, keys, 1), STORE_OK);
    assert_int_equal(store_throttle_get(s, keys, 1, T0 + 20, st), STORE_OK);
    assert_int_equal(st[0].failures, 0);
    f.keys = &keys[1];
    f.now = T0;
    assert_int_equal(store_throttle_fail(s, &f), STORE_OK);
    assert_int_equal(store_throttle_get(s, &keys[1], 1, T0 + HOUR - 1, st), STORE_OK);
    assert_int_equal(st[0].failures, 1);
    assert_int_equal(store_throttle_get(s, &keys[1], 1, T0 + HOUR, st), STORE_OK);
    assert_int_equal(st[0].failures, 0);
    assert_int_equal(store_maintain(s, T0 + HOUR), STORE_OK);
    assert_int_equal(store_throttle_get(s, &keys[1], 1, T0, st), STORE_OK);
    assert_int_equal(st[0].failures, 0);
}

/* ---- tokens ---- */

static void test_tokens(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct user u, other, off;
    struct token_rec t1, t2, t3, t4, *list;
    char p1[AUTH_TOKEN_LEN + 1], p2[AUTH_TOKEN_LEN + 1], p3[AUTH_TOKEN_LEN + 1],
        p4[AUTH_TOKEN_LEN + 1];
    struct principal who;
    size_t n;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_user(s, a.id, "taro", ROLE_REPORTER, &u, T0), STORE_OK);
    assert_int_equal(add_user(s, a.id, "jiro", ROLE_RECIPIENT, &other, T0), STORE_OK);
    int64_t count = audit_check(s, NULL);
    assert_int_equal(add_token(s, u.id, "session", T0 + HOUR, &t1, p1, T0), STORE_OK);
    audit_expect(s, &count, "token.create", t1.id);
    assert_int_equal(add_token(s, u.id, "api", 0, &t2, p2, T0), STORE_OK);
    audit_expect(s, &count, "token.create", t2.id);
    assert_int_equal(add_token(s, other.id, "api", 0, &t3, p3, T0), STORE_OK);
    audit_expect(s, &count, "token.create", t3.id);

    /* lookup by hash gives the principal */
    assert_int_equal(store_token_lookup(s, t1.hash, T0, &who), STORE_OK);
    assert_string_equal(who.user_id, u.id);
    assert_string_equal(who.org_id, a.id);
    assert_string_equal(who.token_id, t1.id);
    assert_string_equal(who.username, "taro");
    assert_int_equal(who.role, ROLE_REPORTER);
    assert_int_equal(who.expires_at, T0 + HOUR);
    /* expiry is exclusive: valid until the instant it expires */
    assert_int_equal(store_token_lookup(s, t1.hash, T0 + HOUR - 1, &who), STORE_OK);
    assert_int_equal(store_token_lookup(s, t1.hash, T0 + HOUR, &who), STORE_NOT_FOUND);
    assert_int_equal(store_token_lookup(s, t2.hash, T0 + 100000 * HOUR, &who), STORE_OK);
    unsigned char unknown[HASH_SHA256_LEN] = {0};
    assert_int_equal(store_token_lookup(s, unknown, T0, &who), STORE_NOT_FOUND);

    /* bad references and duplicate hashes */
    struct token_rec bad = t2;
    uuid_v7_new(bad.id);
    assert_int_equal(store_token_create(s, &bad, u.id, T0), STORE_EXISTS); /* same hash */
    assert_int_equal(add_token(s, "019ab0b0-cc00-7000-8000-000000000000", "api", 0, &t4, p4, T0),
                     STORE_INVALID);
    audit_unchanged(s, count);

    /* revocation is scoped to the owner unless no owner is given (an admin) */
    assert_int_equal(store_token_revoke(s, t2.id, other.id, other.id, T0 + 1), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(store_token_lookup(s, t2.hash, T0 + 2, &who), STORE_OK);
    assert_int_equal(store_token_revoke(s, t2.id, u.id, u.id, T0 + 3), STORE_OK);
    audit_expect(s, &count, "token.revoke", t2.id);
    assert_int_equal(store_token_lookup(s, t2.hash, T0 + 4, &who), STORE_NOT_FOUND);
    assert_int_equal(store_token_revoke(s, t2.id, u.id, u.id, T0 + 5), STORE_NOT_FOUND);
    assert_int_equal(store_token_revoke(s, t3.id, NULL, "admin", T0 + 6), STORE_OK);
    audit_expect(s, &count, "token.revoke", t3.id);
    assert_int_equal(store_token_lookup(s, t3.hash, T0 + 7, &who), STORE_NOT_FOUND);
    assert_int_equal(
        store_token_revoke(s, "019ab0b0-cc00-7000-8000-000000000000", NULL, "admin", T0),
        STORE_NOT_FOUND);

    /* listing a user's tokens, revoked ones included */
    assert_int_equal(store_token_list(s, u.id, &list, &n), STORE_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        bool is2 = !strcmp(list[i].id, t2.id);
        assert_true(is2 || !strcmp(list[i].id, t1.id));
        assert_int_equal(list[i].revoked_at, is2 ? T0 + 3 : 0);
        assert_string_equal(list[i].kind, is2 ? "api" : "session");
        assert_int_equal(list[i].expires_at, is2 ? 0 : T0 + HOUR);
    }
    free(list);

    /* a disabled user's token does not authenticate */
    memset(&off, 0, sizeof(off));
    uuid_v7_new(off.id);
    xstrlcpy(off.org_id, a.id, sizeof(off.org_id));
    xstrlcpy(off.username, "off", sizeof(off.username));
    off.role = ROLE_REPORTER;
    off.disabled = true;
    assert_int_equal(store_user_create(s, &off, ACTOR, T0), STORE_OK);
    assert_int_equal(add_token(s, off.id, "api", 0, &t4, p4, T0), STORE_OK);
    assert_int_equal(store_token_lookup(s, t4.hash, T0, &who), STORE_NOT_FOUND);
}

/* ---- reports ---- */

struct people {
    struct org a, b;
    struct user ua, ub;
};

static void people(struct store *s, struct people *p)
{
    assert_int_equal(add_org(s, NULL, &p->a, T0), STORE_OK);
    assert_int_equal(add_org(s, NULL, &p->b, T0), STORE_OK);
    assert_int_equal(add_user(s, p->a.id, "reporter-a", ROLE_REPORTER, &p->ua, T0), STORE_OK);
    assert_int_equal(add_user(s, p->b.id, "reporter-b", ROLE_REPORTER, &p->ub, T0), STORE_OK);
}

/* report_scan_latest (issue 13 item 3): every incident once, at its latest version, in id
 * order, withdrawn ones flagged; a callback's non-zero return stops the scan. */
struct scan_seen {
    int n, stop_after;
    char id[4][UUID_STR_LEN];
    int version[4];
    int64_t created_at[4], withdrawn_at[4];
    char sha[4][HASH_SHA256_HEX];
};

static int scan_cb(const struct report_rec *r, void *arg)
{
    struct scan_seen *v = arg;
    assert_true(v->n < 4);
    xstrlcpy(v->id[v->n], r->id, UUID_STR_LEN);
    v->version[v->n] = r->version;
    v->created_at[v->n] = r->created_at;
    v->withdrawn_at[v->n] = r->withdrawn_at;
    assert_non_null(r->body);
    hash_sha256_hex(r->body, r->body_len, v->sha[v->n]);
    v->n++;
    return v->stop_after && v->n == v->stop_after;
}

static void test_report_scan_latest(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct body b1, b2;
    struct report_write w;
    struct report_rec rec;
    char id1[UUID_STR_LEN], id2[UUID_STR_LEN];
    int written;
    struct scan_seen seen = {0};
    assert_int_equal(store_report_scan_latest(s, scan_cb, &seen), STORE_OK);
    assert_int_equal(seen.n, 0); /* an empty store */
    people(s, &p);
    body_make(&b1, "最初の報告", "early_warning", "ransomware", false, NULL);
    body_make(&b2, "続報", "update", "data_leak", false, "件数を追記");
    assert_int_equal(create_report(s, &b1, p.a.id, p.ua.id, T0, id1), STORE_OK);
    assert_int_equal(create_report(s, &b1, p.b.id, p.ub.id, T0 + 5, id2), STORE_OK);
    write_of(&w, &b2, id1, p.a.id, p.ua.id, T0 + HOUR);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    struct withdraw_write ww = {.incident_id = id2,
                                .org_id = p.b.id,
                                .actor = p.ub.id,
                                .reason = "filed twice",
                                .reason_json = "{\"code\":\"incident_withdrawn\"}",
                                .version = 1,
                                .now_ms = T0 + 2 * HOUR};
    assert_int_equal(store_report_withdraw(s, &ww, &written), STORE_OK);

    assert_int_equal(store_report_scan_latest(s, scan_cb, &seen), STORE_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.id[0], id1); /* UUIDv7: id order is creation order */
    assert_int_equal(seen.version[0], 2);
    assert_int_equal(seen.created_at[0], T0);
    assert_int_equal(seen.withdrawn_at[0], 0);
    assert_string_equal(seen.sha[0], b2.sha); /* the latest version's body */
    assert_string_equal(seen.id[1], id2);
    assert_int_equal(seen.version[1], 1);
    assert_int_equal(seen.withdrawn_at[1], T0 + 2 * HOUR);
    assert_string_equal(seen.sha[1], b1.sha);

    memset(&seen, 0, sizeof(seen));
    seen.stop_after = 1;
    assert_int_equal(store_report_scan_latest(s, scan_cb, &seen), STORE_OK);
    assert_int_equal(seen.n, 1);
    body_release(&b1);
    body_release(&b2);
}

/* Sightings (issue 13 item 3): stored with their audit entry, counted per kind with the
 * distinct organisations; another indicator's are not counted; an unknown organisation is
 * STORE_INVALID. */
static void sighting(struct sighting_write *w, char id[UUID_STR_LEN], const char *org,
                     const char *actor, const char *value, const char *kind, int64_t count)
{
    uuid_v7_new(id);
    *w = (struct sighting_write){.id = id,
                                 .org_id = org,
                                 .actor = actor,
                                 .type = "ipv4",
                                 .value = value,
                                 .kind = kind,
                                 .count = count,
                                 .now_ms = T0};
}

static void test_sightings(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct sighting_write w;
    struct sighting_counts c;
    char id[UUID_STR_LEN];
    people(s, &p);
    assert_int_equal(store_sighting_counts(s, "ipv4", "45.9.148.10", NULL, &c), STORE_OK);
    assert_int_equal(c.seen + c.seen_orgs + c.false_positive + c.false_positive_orgs, 0);
    int64_t count = audit_check(s, NULL);
    sighting(&w, id, p.a.id, p.ua.id, "45.9.148.10", "seen", 3);
    w.note = "VPN log";
    w.first_seen = T0 - HOUR;
    w.last_seen = T0;
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    audit_expect(s, &count, "sighting.create", id);
    sighting(&w, id, p.a.id, p.ua.id, "45.9.148.10", "seen", 2);
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    sighting(&w, id, p.b.id, p.ub.id, "45.9.148.10", "seen", 1);
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    sighting(&w, id, p.b.id, p.ub.id, "45.9.148.10", "false_positive", 1);
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    sighting(&w, id, p.b.id, p.ub.id, "45.9.148.11", "false_positive", 1);
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    sighting(&w, id, "019ab0b0-cc00-7000-8000-000000000000", p.ub.id, "45.9.148.10", "seen", 1);
    assert_int_equal(store_sighting_add(s, &w), STORE_INVALID);

    assert_int_equal(store_sighting_counts(s, "ipv4", "45.9.148.10", NULL, &c), STORE_OK);
    assert_int_equal(c.seen, 6);
    assert_int_equal(c.seen_orgs, 2);
    assert_int_equal(c.false_positive, 1);
    assert_int_equal(c.false_positive_orgs, 1);
    assert_int_equal(store_sighting_counts(s, "ipv6", "45.9.148.10", NULL, &c), STORE_OK);
    assert_int_equal(c.seen, 0);

    /* labels: kept, "TLP:AMBER" when none was given; except_tlp leaves that label's rows out */
    sighting(&w, id, p.b.id, p.ub.id, "45.9.148.10", "seen", 10);
    w.tlp = "TLP:RED";
    assert_int_equal(store_sighting_add(s, &w), STORE_OK);
    assert_int_equal(store_sighting_counts(s, "ipv4", "45.9.148.10", NULL, &c), STORE_OK);
    assert_int_equal(c.seen, 16);
    assert_int_equal(store_sighting_counts(s, "ipv4", "45.9.148.10", "TLP:RED", &c), STORE_OK);
    assert_int_equal(c.seen, 6);
    assert_int_equal(c.seen_orgs, 2);
    assert_int_equal(store_sighting_counts(s, "ipv4", "45.9.148.10", "TLP:AMBER", &c), STORE_OK);
    assert_int_equal(c.seen, 10);
    assert_int_equal(c.seen_orgs, 1);
    assert_int_equal(c.false_positive, 0);

    /* an organisation's own sightings of one value, newest first (ties: the later id) */
    struct sighting_rec *l;
    size_t n;
    assert_int_equal(store_sighting_list_org(s, p.a.id, "ipv4", "45.9.148.10", 10, &l, &n),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_true(strcmp(l[0].id, l[1].id) > 0);
    assert_int_equal(l[0].count + l[1].count, 5);
    const struct sighting_rec *first = l[0].count == 3 ? &l[0] : &l[1];
    assert_string_equal(first->kind, "seen");
    assert_string_equal(first->tlp, "TLP:AMBER");
    assert_int_equal(first->first_seen, T0 - HOUR);
    assert_int_equal(first->last_seen, T0);
    assert_int_equal(first->created_at, T0);
    free(l);
    assert_int_equal(store_sighting_list_org(s, p.b.id, "ipv4", "45.9.148.10", 1, &l, &n),
                     STORE_OK);
    assert_int_equal(n, 1); /* the limit */
    free(l);
    assert_int_equal(store_sighting_list_org(s, p.b.id, "ipv4", "45.9.148.10", 10, &l, &n),
                     STORE_OK);
    assert_int_equal(n, 3);
    assert_string_equal(l[0].tlp, "TLP:RED"); /* the newest */
    assert_true(!strcmp(l[0].kind, "false_positive") || !strcmp(l[1].kind, "false_positive"));
    free(l);
    assert_int_equal(store_sighting_list_org(s, p.a.id, "ipv4", "45.9.148.11", 10, &l, &n),
                     STORE_OK);
    assert_int_equal(n, 0); /* only org B said this one */
    free(l);
}

static void test_report_create_amend(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct body b1, b2, b3;
    struct report_write w;
    struct report_rec rec;
    struct report_list vl;
    char id[UUID_STR_LEN];
    people(s, &p);
    int64_t count = audit_check(s, NULL);
    body_make(&b1, "最初の報告", "early_warning", "ransomware", false, NULL);
    body_make(&b2, "続報", "update", "data_leak", true, "件数を追記");
    body_make(&b3, "確報", "final", "data_leak", false, "最終");

    uuid_v7_new(id);
    write_of(&w, &b1, id, p.a.id, p.ua.id, T0);
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    assert_string_equal(rec.id, id);
    assert_int_equal(rec.version, 1);
    assert_int_equal(rec.latest_version, 1);
    assert_int_equal(rec.created_at, T0);
    assert_int_equal(rec.body_len, b1.canon.len);
    assert_memory_equal(rec.body, b1.canon.data, b1.canon.len);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.create", id);
    struct audit_rec last;
    audit_check(s, &last);
    assert_string_equal(last.payload_sha256, b1.sha); /* the audit entry pins the body */
    assert_string_equal(last.actor, p.ua.id);

    /* read back: latest (0) and version 1 are the same */
    for (int v = 0; v <= 1; v++) {
        assert_int_equal(store_report_get(s, id, v, &rec), STORE_OK);
        assert_string_equal(rec.org_id, p.a.id);
        assert_int_equal(rec.version, 1);
        assert_string_equal(rec.body_sha256, b1.sha);
        assert_string_equal(rec.author_id, p.ua.id);
        assert_string_equal(rec.phase, "early_warning");
        assert_string_equal(rec.tlp, "TLP:AMBER");
        assert_string_equal(rec.categories, ",ransomware,");
        assert_string_equal(rec.summary, "最初の報告");
        assert_null(rec.change_summary);
        assert_false(rec.drill);
        assert_int_equal(rec.body_len, b1.canon.len);
        assert_memory_equal(rec.body, b1.canon.data, b1.canon.len);
        report_rec_release(&rec);
    }
    assert_int_equal(store_report_get(s, id, 2, &rec), STORE_NOT_FOUND);
    assert_int_equal(store_report_get(s, "019ab0b0-cc00-7000-8000-000000000000", 0, &rec),
                     STORE_NOT_FOUND);

    /* amend with the right expected version */
    write_of(&w, &b2, id, p.a.id, p.ua.id, T0 + HOUR);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_OK);
    assert_int_equal(rec.version, 2);
    assert_int_equal(rec.latest_version, 2);
    assert_int_equal(rec.created_at, T0);
    assert_int_equal(rec.updated_at, T0 + HOUR);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.amend", id);
    audit_check(s, &last);
    assert_string_equal(last.detail, "version=2");

    /* stale or future expected versions conflict; other organisations see nothing */
    write_of(&w, &b3, id, p.a.id, p.ua.id, T0 + 2 * HOUR);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_CONFLICT);
    report_rec_release(&rec);
    w.expected_version = 3;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_CONFLICT);
    report_rec_release(&rec);
    write_of(&w, &b3, id, p.b.id, p.ub.id, T0 + 2 * HOUR);
    w.expected_version = 2;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_NOT_FOUND);
    report_rec_release(&rec);
    write_of(&w, &b3, "019ab0b0-cc00-7000-8000-000000000000", p.a.id, p.ua.id, T0);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_NOT_FOUND);
    report_rec_release(&rec);
    audit_unchanged(s, count);

    /* latest is version 2; version 1 is unchanged (versions are immutable) */
    assert_int_equal(store_report_get(s, id, 0, &rec), STORE_OK);
    assert_int_equal(rec.version, 2);
    assert_string_equal(rec.phase, "update");
    assert_true(rec.drill);
    assert_string_equal(rec.categories, ",data_leak,");
    assert_string_equal(rec.change_summary, "件数を追記");
    assert_int_equal(rec.version_created_at, T0 + HOUR);
    assert_memory_equal(rec.body, b2.canon.data, b2.canon.len);
    report_rec_release(&rec);
    assert_int_equal(store_report_get(s, id, 1, &rec), STORE_OK);
    assert_int_equal(rec.version, 1);
    assert_int_equal(rec.latest_version, 2);
    assert_int_equal(rec.version_created_at, T0);
    assert_string_equal(rec.body_sha256, b1.sha);
    assert_memory_equal(rec.body, b1.canon.data, b1.canon.len);
    report_rec_release(&rec);

    /* the version history */
    assert_int_equal(store_report_versions(s, id, &vl), STORE_OK);
    assert_int_equal(vl.n, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(vl.items[i].version, (int)i + 1);
        assert_int_equal(vl.items[i].latest_version, 2);
        assert_null(vl.items[i].body);
        assert_string_equal(vl.items[i].body_sha256, i ? b2.sha : b1.sha);
    }
    assert_string_equal(vl.items[1].change_summary, "件数を追記");
    report_list_release(&vl);
    assert_int_equal(store_report_versions(s, "019ab0b0-cc00-7000-8000-000000000000", &vl),
                     STORE_NOT_FOUND);
    report_list_release(&vl);

    /* a report for an organisation that does not exist */
    char id2[UUID_STR_LEN];
    assert_int_equal(
        create_report(s, &b1, "019ab0b0-cc00-7000-8000-000000000000", p.ua.id, T0, id2),
        STORE_INVALID);
    audit_unchanged(s, count);
    body_release(&b1);
    body_release(&b2);
    body_release(&b3);
}

struct made {
    char id[UUID_STR_LEN];
    const char *cat, *phase;
    bool drill;
    int64_t at;
};

static bool matches(const struct made *m, const struct report_filter *f)
{
    return (!f->category || !strcmp(f->category, m->cat)) &&
           (!f->phase || !strcmp(f->phase, m->phase)) && (f->drill < 0 || f->drill == m->drill) &&
           (!f->created_from || m->at >= f->created_from) &&
           (!f->created_before || m->at < f->created_before);
}

/* Lists with f page by page (f->limit per page) and compares with the expected subset of
 * made[], newest first. */
static void expect_listing(struct store *s, struct report_filter f, const struct made *made,
                           size_t nmade)
{
    size_t want[32], nwant = 0, seen = 0;
    char cursor[UUID_STR_LEN] = "";
    for (size_t i = nmade; i-- > 0;)
        if (matches(&made[i], &f))
            want[nwant++] = i;
    for (int page = 0;; page++) {
        struct report_list l;
        f.after_id = cursor[0] ? cursor : NULL;
        assert_int_equal(store_report_list(s, &f, &l), STORE_OK);
        assert_true(l.n <= (size_t)f.limit);
        for (size_t i = 0; i < l.n; i++, seen++) {
            if (seen >= nwant || strcmp(l.items[i].id, made[want[seen]].id))
                fail_msg("listing item %zu is %s, expected %s", seen, l.items[i].id,
                         seen < nwant ? made[want[seen]].id : "(nothing)");
            assert_null(l.items[i].body); /* listings carry metadata only */
            assert_non_null(l.items[i].summary);
        }
        bool more = l.more;
        if (l.n)
            xstrlcpy(cursor, l.items[l.n - 1].id, sizeof(cursor));
        report_list_release(&l);
        assert_int_equal(more, seen < nwant);
        if (!more)
            break;
        assert_true(page < 40);
    }
    assert_int_equal(seen, nwant);
}

static void test_report_list(void **state)
{
    static const char *const cats[] = {"ransomware", "ddos", "data_leak"};
    static const char *const phases[] = {"early_warning", "update", "final"};
    struct store *s = S(state);
    struct people p;
    struct made made[14];
    people(s, &p);
    for (size_t i = 0; i < ARRAY_SIZE(made); i++) {
        struct body b;
        char summary[32];
        made[i].cat = cats[i % 3];
        made[i].phase = phases[(i / 2) % 3];
        made[i].drill = i % 5 == 4;
        made[i].at = T0 + (int64_t)i * HOUR;
        snprintf(summary, sizeof(summary), "report %zu", i);
        body_make(&b, summary, made[i].phase, made[i].cat, made[i].drill, NULL);
        assert_int_equal(create_report(s, &b, p.a.id, p.ua.id, made[i].at, made[i].id), STORE_OK);
        body_release(&b);
    }
    struct made other;
    struct body ob;
    body_make(&ob, "other org", "update", "ransomware", false, NULL);
    assert_int_equal(create_report(s, &ob, p.b.id, p.ub.id, T0, other.id), STORE_OK);
    body_release(&ob);

    struct report_filter all = {.org_id = p.a.id, .drill = -1, .limit = 100};
    expect_listing(s, all, made, ARRAY_SIZE(made));
    for (int limit = 1; limit <= 15; limit += 2) { /* pagination across pages */
        struct report_filter f = all;
        f.limit = limit;
        expect_listing(s, f, made, ARRAY_SIZE(made));
    }
    struct report_filter f = all;
    f.limit = 14; /* exactly one full page */
    expect_listing(s, f, made, ARRAY_SIZE(made));
    for (size_t c = 0; c < 3; c++) {
        f = all;
        f.category = cats[c];
        f.limit = 2;
        expect_listing(s, f, made, ARRAY_SIZE(made));
        f = all;
        f.phase = phases[c];
        f.limit = 3;
        expect_listing(s, f, made, ARRAY_SIZE(made));
    }
    for (int d = 0; d <= 1; d++) {
        f = all;
        f.drill = d;
        f.limit = 4;
        expect_listing(s, f, made, ARRAY_SIZE(made));
    }
    f = all;
    f.created_from = T0 + 3 * HOUR;
    f.created_before = T0 + 9 * HOUR; /* from inclusive, before exclusive */
    f.limit = 2;
    expect_listing(s, f, made, ARRAY_SIZE(made));
    f.category = "ddos";
    f.phase = "update";
    f.drill = 0;
    expect_listing(s, f, made, ARRAY_SIZE(made));
    f = all;
    f.category = "phishing"; /* nothing */
    expect_listing(s, f, made, ARRAY_SIZE(made));
    /* the other organisation sees only its own */
    struct report_list l;
    f = all;
    f.org_id = p.b.id;
    assert_int_equal(store_report_list(s, &f, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, other.id);
    report_list_release(&l);
}

static void test_idempotency(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct body b1, b2;
    struct report_write w;
    struct report_rec rec, got;
    char x[UUID_STR_LEN], y[UUID_STR_LEN], z[UUID_STR_LEN], q[UUID_STR_LEN];
    people(s, &p);
    body_make(&b1, "first", "early_warning", "ddos", false, NULL);
    body_make(&b2, "second", "early_warning", "ddos", false, NULL);
    int64_t count = audit_check(s, NULL);

    uuid_v7_new(x);
    write_of(&w, &b1, x, p.a.id, p.ua.id, T0);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.create", x);

    /* the same key and body: the original comes back, nothing new is stored */
    uuid_v7_new(y);
    write_of(&w, &b1, y, p.a.id, p.ua.id, T0 + HOUR);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_REPLAYED);
    assert_string_equal(rec.id, x);
    assert_int_equal(rec.version, 1);
    assert_int_equal(rec.created_at, T0);
    assert_string_equal(rec.body_sha256, b1.sha);
    assert_memory_equal(rec.body, b1.canon.data, b1.canon.len);
    report_rec_release(&rec);
    assert_int_equal(store_report_get(s, y, 0, &got), STORE_NOT_FOUND);
    audit_unchanged(s, count);

    /* the same key with another body */
    write_of(&w, &b2, y, p.a.id, p.ua.id, T0 + HOUR);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_IDEM_MISMATCH);
    report_rec_release(&rec);
    assert_int_equal(store_report_get(s, y, 0, &got), STORE_NOT_FOUND);
    audit_unchanged(s, count);

    /* keys are per organisation */
    uuid_v7_new(q);
    write_of(&w, &b2, q, p.b.id, p.ub.id, T0 + HOUR);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.create", q);

    /* after the retention (24 h here) the key may be used again, for anything */
    uuid_v7_new(z);
    write_of(&w, &b2, z, p.a.id, p.ua.id, T0 + 24 * HOUR - 1);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_IDEM_MISMATCH);
    report_rec_release(&rec);
    write_of(&w, &b2, z, p.a.id, p.ua.id, T0 + 24 * HOUR);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.create", z);
    uuid_v7_new(y);
    write_of(&w, &b2, y, p.a.id, p.ua.id, T0 + 25 * HOUR);
    w.idem_key = "key-1";
    assert_int_equal(store_report_create(s, &w, &rec), STORE_REPLAYED);
    assert_string_equal(rec.id, z);
    report_rec_release(&rec);
    /* without a key, the same body twice makes two reports */
    char n1[UUID_STR_LEN], n2[UUID_STR_LEN];
    assert_int_equal(create_report(s, &b1, p.a.id, p.ua.id, T0, n1), STORE_OK);
    assert_int_equal(create_report(s, &b1, p.a.id, p.ua.id, T0, n2), STORE_OK);
    assert_string_not_equal(n1, n2);
    body_release(&b1);
    body_release(&b2);
}

/* ---- audit ---- */

static void test_audit_append_and_head(void **state)
{
    struct store *s = S(state);
    struct audit_rec last, head;
    int64_t count = 0;
    assert_int_equal(store_audit_append(s, "cli:admin", "admin.note", "organization",
                                        "019ab0b0-cc00-7000-8000-000000000001", "reason=test", T0),
                     STORE_OK);
    audit_expect(s, &count, "admin.note", "019ab0b0-cc00-7000-8000-000000000001");
    audit_check(s, &last);
    assert_int_equal(last.seq, 1);
    assert_int_equal(last.at, T0);
    assert_string_equal(last.actor, "cli:admin");
    assert_string_equal(last.object_type, "organization");
    assert_string_equal(last.detail, "reason=test");
    assert_string_equal(last.prev_hash, AUDIT_GENESIS);
    for (int i = 0; i < 30; i++)
        assert_int_equal(store_audit_append(s, NULL, "system.tick", "system", NULL, NULL, T0 + i),
                         STORE_OK);
    assert_int_equal(audit_check(s, &last), 31);
    assert_string_equal(last.actor, "system"); /* NULL actor is the system */
    assert_int_equal(store_audit_head(s, &head), STORE_OK);
    assert_int_equal(head.seq, 31);
    /* scanning from the middle, with a limit, and stopping early */
    struct chain c = {.n = 0};
    audit_verifier_init(&c.v);
    assert_int_equal(store_audit_scan(s, 10, 5, chain_cb, &c), STORE_OK);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.last.seq, 14);
}

/* ---- concurrency ---- */

#define THREADS 8
#define PER_THREAD 200

struct worker {
    struct store *s;
    const char *org, *author;
    pthread_barrier_t *start;
    struct body bodies[PER_THREAD]; /* prepared up front: threads only call the store */
    char ids[PER_THREAD][UUID_STR_LEN];
    int failures;
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    pthread_barrier_wait(wk->start); /* all threads submit at once */
    for (int i = 0; i < PER_THREAD; i++)
        if (create_report(wk->s, &wk->bodies[i], wk->org, wk->author, T0 + i, wk->ids[i]))
            wk->failures++;
    return NULL;
}

static void test_concurrent_creates(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct store_stats before, after;
    struct worker *wk = xcalloc(THREADS, sizeof(*wk));
    pthread_t th[THREADS];
    pthread_barrier_t start;
    people(s, &p);
    int64_t count = audit_check(s, NULL);
    pthread_barrier_init(&start, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) {
        wk[t].s = s, wk[t].org = p.a.id, wk[t].author = p.ua.id, wk[t].start = &start;
        for (int i = 0; i < PER_THREAD; i++) {
            char summary[64];
            snprintf(summary, sizeof(summary), "thread %d report %d", t, i);
            body_make(&wk[t].bodies[i], summary, "early_warning", "ddos", false, NULL);
        }
    }
    store_get_stats(s, &before);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, worker_main, &wk[t]), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    store_get_stats(s, &after);
    pthread_barrier_destroy(&start);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(wk[t].failures, 0);
    /* every acknowledged create is readable with its body */
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < PER_THREAD; i++) {
            struct report_rec rec;
            const struct body *b = &wk[t].bodies[i];
            assert_int_equal(store_report_get(s, wk[t].ids[i], 0, &rec), STORE_OK);
            assert_string_equal(rec.body_sha256, b->sha);
            assert_int_equal(rec.body_len, b->canon.len);
            assert_memory_equal(rec.body, b->canon.data, b->canon.len);
            report_rec_release(&rec);
        }
    }
    uint64_t writes = after.writes - before.writes, commits = after.commits - before.commits;
    assert_int_equal(writes, THREADS * PER_THREAD);
    assert_int_equal(after.failed_commits, before.failed_commits);
    /* group commit: concurrent writers shared commits */
    if (commits >= writes)
        fail_msg("%llu commits for %llu writes: no batching", (unsigned long long)commits,
                 (unsigned long long)writes);
    print_message("# %llu writes in %llu commits\n", (unsigned long long)writes,
                  (unsigned long long)commits);
    assert_int_equal(audit_check(s, NULL), count + THREADS * PER_THREAD);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER_THREAD; i++)
            body_release(&wk[t].bodies[i]);
    free(wk);
}

/* ---- persistence ---- */

static void test_reopen(void **state)
{
    struct fx *f = *state;
    struct store *s = f->s;
    struct people p;
    struct token_rec t;
    char plain[AUTH_TOKEN_LEN + 1], id[UUID_STR_LEN];
    struct body b1, b2;
    struct report_write w;
    struct report_rec rec;
    struct audit_rec head_before, last;
    people(s, &p);
    assert_int_equal(add_token(s, p.ua.id, "api", 0, &t, plain, T0), STORE_OK);
    body_make(&b1, "before restart", "early_warning", "ransomware", false, NULL);
    body_make(&b2, "amended", "update", "ransomware", false, "more");
    assert_int_equal(create_report(s, &b1, p.a.id, p.ua.id, T0, id), STORE_OK);
    write_of(&w, &b2, id, p.a.id, p.ua.id, T0 + HOUR);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    int64_t count = audit_check(s, &head_before);

    store_close(s);
    f->s = s = backend->open(f->dir);
    assert_non_null(s);

    struct org o;
    struct user u;
    struct principal who;
    assert_int_equal(store_org_get(s, p.a.id, &o), STORE_OK);
    assert_string_equal(o.name_en, p.a.name_en);
    assert_int_equal(store_user_get_by_name(s, "reporter-b", &u), STORE_OK);
    assert_string_equal(u.id, p.ub.id);
    assert_int_equal(store_token_lookup(s, t.hash, T0, &who), STORE_OK);
    assert_string_equal(who.user_id, p.ua.id);
    assert_int_equal(store_report_get(s, id, 0, &rec), STORE_OK);
    assert_int_equal(rec.version, 2);
    assert_memory_equal(rec.body, b2.canon.data, b2.canon.len);
    report_rec_release(&rec);
    assert_int_equal(store_report_get(s, id, 1, &rec), STORE_OK);
    assert_memory_equal(rec.body, b1.canon.data, b1.canon.len);
    report_rec_release(&rec);

    /* the chain survived and continues from the same head */
    assert_int_equal(audit_check(s, &last), count);
    assert_string_equal(last.hash, head_before.hash);
    write_of(&w, &b1, id, p.a.id, p.ua.id, T0 + 2 * HOUR);
    w.expected_version = 2;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_OK);
    assert_int_equal(rec.version, 3);
    report_rec_release(&rec);
    audit_expect(s, &count, "report.amend", id);
    audit_check(s, &last);
    assert_int_equal(last.seq, head_before.seq + 1);
    assert_string_equal(last.prev_hash, head_before.hash);
    body_release(&b1);
    body_release(&b2);
}

struct appender {
    struct store *s;
    const char *tag;
    int n;
    int failures;
};

static void *appender_main(void *arg)
{
    struct appender *a = arg;
    for (int i = 0; i < a->n; i++) {
        char detail[32];
        snprintf(detail, sizeof(detail), "%s-%d", a->tag, i);
        if (store_audit_append(a->s, a->tag, "admin.note", "system", NULL, detail, T0 + i))
            a->failures++;
    }
    return NULL;
}

/* Two handles on the same store (`ichigen admin` while the server runs) keep one chain. */
static void test_two_handles(void **state)
{
    struct fx *f = *state;
    struct store *s1 = f->s, *s2 = backend->open(f->dir);
    struct org o;
    assert_non_null(s2);
    /* strictly alternating */
    for (int i = 0; i < 20; i++) {
        struct store *s = i % 2 ? s2 : s1;
        assert_int_equal(add_org(s, NULL, &o, T0 + i), STORE_OK);
        assert_int_equal(
            store_audit_append(s, "cli:admin", "admin.note", "system", NULL, "x", T0 + i),
            STORE_OK);
    }
    assert_int_equal(audit_check(s1, NULL), 40);
    assert_int_equal(audit_check(s2, NULL), 40);
    /* and concurrently, each handle from its own thread */
    struct appender a1 = {s1, "one", 150, 0}, a2 = {s2, "two", 150, 0};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, appender_main, &a1), 0);
    assert_int_equal(pthread_create(&t2, NULL, appender_main, &a2), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(a1.failures, 0);
    assert_int_equal(a2.failures, 0);
    assert_int_equal(audit_check(s2, NULL), 340);
    store_close(s2);
    assert_int_equal(audit_check(s1, NULL), 340);
    /* the first handle keeps appending after the other has gone */
    assert_int_equal(store_audit_append(s1, "system", "admin.note", "system", NULL, "", T0),
                     STORE_OK);
    assert_int_equal(audit_check(s1, NULL), 341);
}

/* ---- the change feed (issue 14 item 2; store.h changes_wait) ---- */

static int64_t head_seq(struct store *s)
{
    struct audit_rec h;
    return store_audit_head(s, &h) ? 0 : h.seq;
}

/* Whether s's feed reports an entry after `after`, in at most 60 waits of a second each (a
 * bounded poll: the feed answers as soon as it knows). */
static bool feed_reports(struct store *s, int64_t after)
{
    for (int i = 0; i < 60; i++) {
        bool changed = false;
        if (!store_changes_wait(s, after, 1000, &changed) && changed)
            return true;
    }
    return false;
}

static void *feed_writer_main(void *arg)
{
    struct appender *a = arg;
    a->failures = store_audit_append(a->s, a->tag, "admin.note", "system", NULL, "feed", T0) != 0;
    return NULL;
}

static int last_detail_cb(const struct audit_rec *r, void *arg)
{
    xstrlcpy(arg, r->detail, sizeof(((struct audit_rec *)0)->detail));
    return 0;
}

/* What another node committed reaches this one: a wait reports it (an entry from before the
 * first wait too), audit_scan from the last seq applied reads it, and a wait after it
 * reports nothing more. */
static void test_changes_wait(void **state)
{
    struct fx *f = *state;
    struct store *s1 = f->s, *s2;
    struct org o;
    bool changed = true;
    char detail[sizeof(((struct audit_rec *)0)->detail)] = "";
    assert_int_equal(add_org(s1, NULL, &o, T0), STORE_OK);
    int64_t h0 = head_seq(s1);
    assert_true(h0 > 0);
    assert_int_equal(store_changes_wait(s1, h0, 0, &changed), STORE_OK);
    assert_false(changed); /* nothing after the head */
    assert_int_equal(store_changes_wait(s1, h0 - 1, 0, &changed), STORE_OK);
    assert_true(changed); /* committed before the first wait */
    /* a write of this handle, from another thread, wakes a waiter */
    struct appender a = {s1, "cli:one", 1, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, feed_writer_main, &a), 0);
    assert_true(feed_reports(s1, h0));
    pthread_join(t, NULL);
    assert_int_equal(a.failures, 0);
    int64_t h1 = head_seq(s1);
    assert_int_equal(h1, h0 + 1);
    assert_int_equal(store_changes_wait(s1, h1, 0, &changed), STORE_OK);
    assert_false(changed);
    /* another handle on the same store (another node): its commit is reported here */
    assert_non_null(s2 = backend->open(f->dir));
    assert_int_equal(
        store_audit_append(s2, "cli:two", "admin.note", "organization", o.id, "node2", T0 + 1),
        STORE_OK);
    assert_true(feed_reports(s1, h1));
    assert_int_equal(store_audit_scan(s1, h1 + 1, 10, last_detail_cb, detail), STORE_OK);
    assert_string_equal(detail, "node2");
    assert_int_equal(store_changes_wait(s1, h1 + 1, 0, &changed), STORE_OK);
    assert_false(changed);
    store_close(s2);
}

/* ---- assessments and organisation documents (issue 4) ---- */

static int add_assessment(struct store *s, const char *org, const char *fw, int64_t now,
                          struct assessment_rec *a)
{
    memset(a, 0, sizeof(*a));
    uuid_v7_new(a->id);
    xstrlcpy(a->org_id, org, sizeof(a->org_id));
    xstrlcpy(a->framework_id, fw, sizeof(a->framework_id));
    xstrlcpy(a->framework_version, "2.0", sizeof(a->framework_version));
    xstrlcpy(a->period, "FY2026", sizeof(a->period));
    xstrlcpy(a->created_by, ACTOR, sizeof(a->created_by));
    return store_assessment_create(s, a, ACTOR, now);
}

static void test_assessments(void **state)
{
    struct store *s = S(state);
    struct org a, b;
    struct assessment_rec x, y, got;
    struct assessment_list l;
    int64_t count = 0;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_org(s, NULL, &b, T0), STORE_OK);
    count = audit_check(s, NULL);
    assert_int_equal(add_assessment(s, a.id, "nist-csf-2.0", T0 + 1, &x), STORE_OK);
    audit_expect(s, &count, "assessment.create", x.id);
    assert_int_equal(
        add_assessment(s, "019ab0b0-cc00-7000-8000-000000000000", "nist-csf-2.0", T0 + 1, &y),
        STORE_INVALID); /* no such organisation */
    audit_unchanged(s, count);
    assert_int_equal(store_assessment_get(s, x.id, &got), STORE_OK);
    assert_string_equal(got.status, "draft");
    assert_int_equal(got.version, 1);
    assert_string_equal(got.answers, "{}");
    assert_null(got.scores);
    assert_true(got.overall < 0);
    assert_int_equal(got.submitted_at, 0);
    assessment_rec_release(&got);

    /* save: optimistic concurrency */
    assert_int_equal(
        store_assessment_save(s, x.id, 1, "{\"GV.OC-01\":{\"level\":3}}", ACTOR, T0 + 2), STORE_OK);
    audit_expect(s, &count, "assessment.save", x.id);
    assert_int_equal(store_assessment_save(s, x.id, 1, "{}", ACTOR, T0 + 3), STORE_CONFLICT);
    assert_int_equal(store_assessment_save(s, y.id, 1, "{}", ACTOR, T0 + 3), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(store_assessment_get(s, x.id, &got), STORE_OK);
    assert_int_equal(got.version, 2);
    assert_string_equal(got.answers, "{\"GV.OC-01\":{\"level\":3}}");
    assert_int_equal(got.updated_at, T0 + 2);
    assessment_rec_release(&got);

    /* submit freezes it */
    assert_int_equal(store_assessment_submit(s, x.id, 1, "{}", 1.0, ACTOR, T0 + 4), STORE_CONFLICT);
    assert_int_equal(
        store_assessment_submit(s, x.id, 2, "{\"overall\":{\"score\":3}}", 3.0, ACTOR, T0 + 4),
        STORE_OK);
    audit_expect(s, &count, "assessment.submit", x.id);
    assert_int_equal(store_assessment_save(s, x.id, 3, "{}", ACTOR, T0 + 5), STORE_CONFLICT);
    assert_int_equal(store_assessment_submit(s, x.id, 3, "{}", 1.0, ACTOR, T0 + 5), STORE_CONFLICT);
    audit_unchanged(s, count);
    assert_int_equal(store_assessment_get(s, x.id, &got), STORE_OK);
    assert_string_equal(got.status, "submitted");
    assert_int_equal(got.version, 3);
    assert_int_equal(got.submitted_at, T0 + 4);
    assert_string_equal(got.submitted_by, ACTOR);
    assert_string_equal(got.scores, "{\"overall\":{\"score\":3}}");
    assert_true(got.overall > 2.99 && got.overall < 3.01);
    assessment_rec_release(&got);

    /* listing: per organisation, newest first, optional framework filter, cursor */
    struct assessment_rec more[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(add_assessment(s, a.id, i == 2 ? "sme-quick-check" : "nist-csf-2.0",
                                        T0 + 10 + i, &more[i]),
                         STORE_OK);
    assert_int_equal(store_assessment_list(s, a.id, NULL, NULL, 2, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_true(l.more);
    assert_string_equal(l.items[0].id, more[2].id);
    assert_null(l.items[0].answers);
    char after[UUID_STR_LEN];
    xstrlcpy(after, l.items[1].id, sizeof(after));
    assessment_list_release(&l);
    assert_int_equal(store_assessment_list(s, a.id, NULL, after, 2, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_false(l.more);
    assert_string_equal(l.items[1].id, x.id);
    assert_true(l.items[1].overall > 2.99);
    assessment_list_release(&l);
    assert_int_equal(store_assessment_list(s, a.id, "sme-quick-check", NULL, 10, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assessment_list_release(&l);
    assert_int_equal(store_assessment_list(s, b.id, NULL, NULL, 10, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    assessment_list_release(&l);
}

static void test_assessment_peers(void **state)
{
    struct store *s = S(state);
    struct org o[4];
    struct assessment_rec r;
    struct peer_rows p;
    for (int i = 0; i < 4; i++)
        assert_int_equal(add_org(s, NULL, &o[i], T0), STORE_OK);
    /* o0: two submissions (the later counts); o1: one submitted + a newer draft (the
     * submission counts); o2: draft only (absent); o3: another framework (absent) */
    char sc[64];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(add_assessment(s, o[0].id, "fw", T0 + k, &r), STORE_OK);
        snprintf(sc, sizeof(sc), "{\"k\":%d}", k);
        assert_int_equal(store_assessment_submit(s, r.id, 1, sc, k, ACTOR, T0 + 100 + k), STORE_OK);
    }
    assert_int_equal(add_assessment(s, o[1].id, "fw", T0, &r), STORE_OK);
    assert_int_equal(store_assessment_submit(s, r.id, 1, "{\"o1\":1}", 1, ACTOR, T0 + 5), STORE_OK);
    assert_int_equal(add_assessment(s, o[1].id, "fw", T0 + 9, &r), STORE_OK);
    assert_int_equal(add_assessment(s, o[2].id, "fw", T0, &r), STORE_OK);
    assert_int_equal(add_assessment(s, o[3].id, "other", T0, &r), STORE_OK);
    assert_int_equal(store_assessment_submit(s, r.id, 1, "{}", 1, ACTOR, T0 + 5), STORE_OK);

    assert_int_equal(store_assessment_peers(s, "fw", o[3].id, &p), STORE_OK);
    assert_int_equal(p.n, 2);
    for (size_t i = 0; i < p.n; i++) {
        assert_string_equal(p.items[i].sector, "none");
        if (strcmp(p.items[i].org_id, o[0].id) == 0)
            assert_string_equal(p.items[i].scores, "{\"k\":1}");
        else
            assert_string_equal(p.items[i].scores, "{\"o1\":1}");
    }
    peer_rows_release(&p);
    /* the asking organisation is excluded */
    assert_int_equal(store_assessment_peers(s, "fw", o[0].id, &p), STORE_OK);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.items[0].org_id, o[1].id);
    peer_rows_release(&p);
    assert_int_equal(store_assessment_peers(s, "none", o[0].id, &p), STORE_OK);
    assert_int_equal(p.n, 0);
    peer_rows_release(&p);
}

static int add_doc(struct store *s, const char *org, const char *kind, const char *body,
                   int64_t now, struct orgdoc_rec *d)
{
    memset(d, 0, sizeof(*d));
    uuid_v7_new(d->id);
    xstrlcpy(d->org_id, org, sizeof(d->org_id));
    xstrlcpy(d->kind, kind, sizeof(d->kind));
    xstrlcpy(d->created_by, ACTOR, sizeof(d->created_by));
    d->body = (char *)body;
    return store_orgdoc_create(s, d, ACTOR, now);
}

static void test_orgdocs(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct orgdoc_rec d[3], got;
    struct orgdoc_list l;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    int64_t count = audit_check(s, NULL);
    assert_int_equal(add_doc(s, a.id, "asset", "{\"n\":0}", T0 + 1, &d[0]), STORE_OK);
    audit_expect(s, &count, "asset.create", d[0].id);
    assert_int_equal(add_doc(s, a.id, "asset", "{\"n\":1}", T0 + 2, &d[1]), STORE_OK);
    assert_int_equal(add_doc(s, a.id, "risk_scenario", "{\"n\":2}", T0 + 3, &d[2]), STORE_OK);
    count = audit_check(s, NULL);
    assert_int_equal(add_doc(s, "019ab0b0-cc00-7000-8000-000000000000", "asset", "{}", T0, &got),
                     STORE_INVALID);
    assert_int_equal(store_orgdoc_get(s, d[0].id, &got), STORE_OK);
    assert_string_equal(got.kind, "asset");
    assert_string_equal(got.body, "{\"n\":0}");
    assert_int_equal(got.version, 1);
    orgdoc_rec_release(&got);
    assert_int_equal(store_orgdoc_update(s, d[0].id, 1, "{\"n\":9}", ACTOR, T0 + 5), STORE_OK);
    audit_expect(s, &count, "asset.update", d[0].id);
    assert_int_equal(store_orgdoc_update(s, d[0].id, 1, "{}", ACTOR, T0 + 6), STORE_CONFLICT);
    assert_int_equal(store_orgdoc_update(s, got.org_id, 1, "{}", ACTOR, T0 + 6), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(store_orgdoc_get(s, d[0].id, &got), STORE_OK);
    assert_int_equal(got.version, 2);
    assert_string_equal(got.body, "{\"n\":9}");
    assert_int_equal(got.updated_at, T0 + 5);
    assert_int_equal(got.created_at, T0 + 1);
    orgdoc_rec_release(&got);
    assert_int_equal(store_orgdoc_list(s, a.id, "asset", NULL, 1, false, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.more);
    assert_string_equal(l.items[0].id, d[1].id);
    assert_null(l.items[0].body);
    orgdoc_list_release(&l);
    /* with bodies and a look-ahead row (the ASan build checks nothing leaks) */
    assert_int_equal(store_orgdoc_list(s, a.id, "asset", NULL, 1, true, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.more);
    assert_string_equal(l.items[0].body, "{\"n\":1}");
    orgdoc_list_release(&l);
    assert_int_equal(store_orgdoc_list(s, a.id, "asset", d[1].id, 5, true, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_false(l.more);
    assert_string_equal(l.items[0].body, "{\"n\":9}");
    orgdoc_list_release(&l);
    assert_int_equal(store_orgdoc_list(s, a.id, "risk_scenario", NULL, 5, true, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    orgdoc_list_release(&l);
}

/* ---- delivery (issue 5) ---- */

struct outbox_fixture {
    struct people p;
    char incident[UUID_STR_LEN];
    char ob[4][UUID_STR_LEN]; /* obligation ids (no ledger here: met is tested over HTTP) */
};

static void outbox_setup(struct store *s, struct outbox_fixture *f)
{
    struct body b;
    people(s, &f->p);
    body_make(&b, "配信テスト", "early_warning", "ransomware", false, NULL);
    assert_int_equal(create_report(s, &b, f->p.a.id, f->p.ua.id, T0, f->incident), STORE_OK);
    body_release(&b);
    for (int i = 0; i < 4; i++)
        uuid_v7_new(f->ob[i]);
}

static void new_sub(struct submission_new *n, char id[UUID_STR_LEN], const char *ob,
                    const char *recipient, const char *channel, const char *status)
{
    static const char payload[] = "{\"report\":{}}";
    memset(n, 0, sizeof(*n));
    uuid_v7_new(id);
    n->id = id;
    n->obligation_id = ob;
    n->rule_id = "jp.test";
    n->stage_id = "final";
    n->recipient_id = recipient;
    n->channel = channel;
    n->status = status;
    n->payload = payload;
    n->payload_len = sizeof(payload) - 1;
    n->payload_sha256 = "00";
    n->withheld = "[\"personal_data\"]";
}

static int submit_items(struct store *s, struct outbox_fixture *f, int version,
                        const struct submission_new *items, size_t n, int *created)
{
    struct submit_write w = {.incident_id = f->incident,
                             .org_id = f->p.a.id,
                             .actor = f->p.ua.id,
                             .version = version,
                             .items = items,
                             .n = n,
                             .now_ms = T0 + 10};
    return store_submit(s, &w, created);
}

/* Issue 10 items 2 and 4: an update follows the stage's newest live submission (a stale one is
 * not written); a withdrawal marks the incident, cancels what has not reached its recipient and
 * writes a notice only for recipients something reached; then nothing more can be submitted. */
static void test_update_and_withdraw(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new items[4], up, notices[4];
    char ids[4][UUID_STR_LEN], upid[UUID_STR_LEN], up2[UUID_STR_LEN], nid[4][UUID_STR_LEN];
    struct submission_list l;
    struct submission_rec rec;
    struct report_rec rr;
    int created, written;
    outbox_setup(s, &f);
    new_sub(&items[0], ids[0], f.ob[0], "r-one", "webhook", "queued");
    new_sub(&items[1], ids[1], f.ob[1], "r-box", "inbox", "available");
    new_sub(&items[2], ids[2], f.ob[2], "r-doc", "document", "awaiting_filing");
    new_sub(&items[3], ids[3], f.ob[3], "r-two", "webhook", "queued");
    assert_int_equal(submit_items(s, &f, 1, items, 4, &created), STORE_OK);
    struct claim_request c = {
        .per_recipient = 5, .limit = 10, .now_ms = T0 + 20, .lease_ms = 30000};
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    submission_list_release(&l);
    /* r-one has it; r-two's attempt timed out: it may have arrived, and is due again */
    struct delivery_result d[] = {
        {.id = ids[0], .outcome = OUTCOME_DELIVERED, .http_status = 200, .at = T0 + 30},
        {.id = ids[3],
         .outcome = OUTCOME_RETRY,
         .error = "timeout",
         .at = T0 + 30,
         .next_attempt_at = T0 + 60000}};
    assert_int_equal(store_submissions_record(s, d, 2), STORE_OK);

    new_sub(&up, upid, f.ob[0], "r-one", "webhook", "queued");
    up.kind = "update";
    up.previous_id = ids[0];
    assert_int_equal(submit_items(s, &f, 1, &up, 1, &created), STORE_OK);
    assert_int_equal(created, 1);
    new_sub(&up, up2, f.ob[0], "r-one", "webhook", "queued");
    up.kind = "update";
    up.previous_id = ids[0]; /* stale: upid is the stage's newest now */
    assert_int_equal(submit_items(s, &f, 1, &up, 1, &created), STORE_OK);
    assert_int_equal(created, 0);
    assert_int_equal(store_submission_get(s, upid, &rec), STORE_OK);
    assert_string_equal(rec.kind, "update");
    assert_string_equal(rec.previous_id, ids[0]);
    submission_rec_release(&rec);
    assert_int_equal(store_submission_get(s, ids[1], &rec), STORE_OK);
    assert_string_equal(rec.kind, "stage");
    assert_string_equal(rec.previous_id, "");
    submission_rec_release(&rec);

    new_sub(&notices[0], nid[0], f.ob[0], "r-one", "webhook", "queued");
    new_sub(&notices[1], nid[1], f.ob[1], "r-box", "inbox", "available");
    new_sub(&notices[2], nid[2], f.ob[2], "r-doc", "document", "awaiting_filing");
    new_sub(&notices[3], nid[3], f.ob[3], "r-two", "webhook", "queued");
    for (int i = 0; i < 4; i++)
        notices[i].kind = "withdrawal";
    struct withdraw_write w = {.incident_id = f.incident,
                               .org_id = f.p.b.id,
                               .actor = f.p.ua.id,
                               .reason = "filed twice",
                               .reason_json = "{\"code\":\"incident_withdrawn\"}",
                               .notices = notices,
                               .n = 4,
                               .version = 1,
                               .now_ms = T0 + 100};
    int64_t count = audit_check(s, NULL);
    assert_int_equal(store_report_withdraw(s, &w, &written), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    w.org_id = f.p.a.id;
    assert_int_equal(store_report_withdraw(s, &w, &written), STORE_OK);
    assert_int_equal(written, 2); /* r-one had it, r-two may have: not r-box, not r-doc */
    assert_int_equal(store_report_withdraw(s, &w, &written), STORE_CONFLICT);
    assert_int_equal(store_report_get(s, f.incident, 0, &rr), STORE_OK);
    assert_int_equal(rr.withdrawn_at, T0 + 100);
    assert_string_equal(rr.withdrawn_reason, "filed twice");
    report_rec_release(&rr);
    const char *const cancelled[] = {ids[1], ids[2], upid, ids[3]};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(store_submission_get(s, cancelled[i], &rec), STORE_OK);
        assert_string_equal(rec.status, "cancelled");
        submission_rec_release(&rec);
    }
    assert_int_equal(store_submission_get(s, nid[0], &rec), STORE_OK);
    assert_string_equal(rec.kind, "withdrawal");
    assert_string_equal(rec.status, "queued");
    submission_rec_release(&rec);
    assert_int_equal(store_submission_get(s, nid[1], &rec), STORE_NOT_FOUND);
    assert_int_equal(store_submission_get(s, nid[3], &rec), STORE_OK);
    submission_rec_release(&rec);
    /* nothing further goes */
    new_sub(&up, up2, f.ob[3], "r-one", "webhook", "queued");
    assert_int_equal(submit_items(s, &f, 1, &up, 1, &created), STORE_CONFLICT);
    assert_int_equal(audit_check(s, NULL), count + 3); /* two notices and report.withdraw */
}

static void test_submit_and_claim(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new items[4];
    char ids[4][UUID_STR_LEN];
    struct submission_list l;
    int created;
    outbox_setup(s, &f);
    int64_t count = audit_check(s, NULL);
    new_sub(&items[0], ids[0], f.ob[0], "r-one", "webhook", "queued");
    new_sub(&items[1], ids[1], f.ob[1], "r-one", "webhook", "queued");
    new_sub(&items[2], ids[2], f.ob[2], "r-two", "webhook", "queued");
    new_sub(&items[3], ids[3], f.ob[3], "r-box", "inbox", "available");
    /* only the latest version can be submitted, only by its organisation */
    assert_int_equal(submit_items(s, &f, 2, items, 4, &created), STORE_CONFLICT);
    struct submit_write other = {.incident_id = f.incident,
                                 .org_id = f.p.b.id,
                                 .actor = "x",
                                 .version = 1,
                                 .items = items,
                                 .n = 4,
                                 .now_ms = T0};
    assert_int_equal(store_submit(s, &other, &created), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(submit_items(s, &f, 1, items, 4, &created), STORE_OK);
    assert_int_equal(created, 4);
    /* one entry per submission pinning its payload (hashed from the stored bytes, not the
     * caller's "00"), then the submit */
    struct audit_rec since[8];
    char psha[HASH_SHA256_HEX];
    hash_sha256_hex(items[0].payload, items[0].payload_len, psha);
    assert_int_equal(audit_since(s, count, since, 8), 5);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(since[i].action, "submission.create");
        assert_string_equal(since[i].object_type, "submission");
        assert_string_equal(since[i].object_id, ids[i]);
        assert_string_equal(since[i].payload_sha256, psha);
        assert_string_equal(since[i].actor, f.p.ua.id);
    }
    assert_string_equal(since[4].action, "report.submit");
    assert_string_equal(since[4].object_id, f.incident);
    count = audit_check(s, NULL);
    /* a second submit skips obligations that already have a live submission */
    char again[UUID_STR_LEN];
    struct submission_new dup;
    new_sub(&dup, again, f.ob[0], "r-one", "webhook", "queued");
    assert_int_equal(submit_items(s, &f, 1, &dup, 1, &created), STORE_OK);
    assert_int_equal(created, 0);
    count = audit_check(s, NULL);

    /* claims: due webhook rows only, at most one per recipient, none of the busy ones */
    const char *busy[] = {"r-two"};
    struct claim_request c = {.busy = busy,
                              .nbusy = 1,
                              .per_recipient = 1,
                              .limit = 10,
                              .now_ms = T0 + 20,
                              .lease_ms = 30000};
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, ids[0]); /* oldest first */
    assert_string_equal(l.items[0].status, "sending");
    assert_int_equal(l.items[0].attempts, 1);
    assert_string_equal(l.items[0].payload, "{\"report\":{}}");
    assert_string_equal(l.items[0].withheld, "[\"personal_data\"]");
    submission_list_release(&l);
    c.nbusy = 0;
    c.per_recipient = 5;
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 2); /* ids[1] and ids[2]; ids[0] is leased */
    submission_list_release(&l);
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    submission_list_release(&l);
    /* a lease that expires makes the row due again (a crashed worker's rows resume) */
    c.now_ms = T0 + 20 + 30001;
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.items[0].attempts, 2);
    submission_list_release(&l);

    /* outcomes: delivered, retry, failed; a late outcome for a finished row is ignored */
    struct delivery_result r[] = {
        {.id = ids[0],
         .outcome = OUTCOME_ACKNOWLEDGED,
         .http_status = 200,
         .receipt_reference = "PPC-2026-0001",
         .receipt = "{\"reference\":\"PPC-2026-0001\"}",
         .at = T0 + 40000},
        {.id = ids[1],
         .outcome = OUTCOME_RETRY,
         .http_status = 503,
         .error = "HTTP 503",
         .at = T0 + 40000,
         .next_attempt_at = T0 + 90000},
        {.id = ids[2], .outcome = OUTCOME_FAILED, .error = "connection refused", .at = T0 + 40000},
    };
    assert_int_equal(store_submissions_record(s, r, 3), STORE_OK);
    struct audit_rec last;
    assert_int_equal(audit_check(s, &last), count + 2); /* acknowledged, failed; not a retry */
    assert_string_equal(last.action, "submission.failed");
    count += 2;
    assert_int_equal(store_submissions_record(s, r, 1), STORE_OK); /* ignored */
    struct submission_rec g;
    assert_int_equal(store_submission_get(s, ids[0], &g), STORE_OK);
    assert_string_equal(g.status, "acknowledged");
    assert_string_equal(g.receipt_reference, "PPC-2026-0001");
    assert_int_equal(g.delivered_at, T0 + 40000);
    assert_int_equal(g.acknowledged_at, T0 + 40000);
    submission_rec_release(&g);
    assert_int_equal(store_submission_get(s, ids[1], &g), STORE_OK);
    assert_string_equal(g.status, "queued");
    assert_string_equal(g.last_error, "HTTP 503");
    assert_int_equal(g.next_attempt_at, T0 + 90000);
    submission_rec_release(&g);
    assert_int_equal(store_submission_get(s, ids[2], &g), STORE_OK);
    assert_string_equal(g.status, "failed");
    submission_rec_release(&g);
    c.now_ms = T0 + 89999;
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    assert_int_equal(l.n, 0); /* not due yet */
    submission_list_release(&l);
    /* a failed obligation can be submitted again */
    new_sub(&dup, again, f.ob[2], "r-two", "webhook", "queued");
    assert_int_equal(submit_items(s, &f, 1, &dup, 1, &created), STORE_OK);
    assert_int_equal(created, 1);

    /* history, with the row it belongs to (one snapshot: the retry is in both) */
    struct submission_events ev;
    struct submission_rec hr;
    assert_int_equal(store_submission_history(s, ids[1], &hr, &ev), STORE_OK);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.items[0].event, "created");
    assert_string_equal(ev.items[1].event, "interrupted"); /* its lease ran out (above) */
    assert_int_equal(ev.items[1].at, T0 + 20 + 30001);
    assert_string_equal(ev.items[2].event, "retry");
    assert_int_equal(ev.items[2].http_status, 503);
    assert_string_equal(hr.id, ids[1]);
    assert_string_equal(hr.status, "queued");
    assert_non_null(hr.last_error);
    submission_events_release(&ev);
    submission_rec_release(&hr);
    assert_int_equal(store_submission_history(s, "01a20000-0000-7000-8000-000000000000", &hr, &ev),
                     STORE_NOT_FOUND);
}

static void test_inbox_and_filing(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new items[2];
    char ids[2][UUID_STR_LEN];
    struct submission_list l;
    struct submission_rec g;
    int created;
    outbox_setup(s, &f);
    new_sub(&items[0], ids[0], f.ob[0], "r-box", "inbox", "available");
    new_sub(&items[1], ids[1], f.ob[1], "r-doc", "document", "awaiting_filing");
    assert_int_equal(submit_items(s, &f, 1, items, 2, &created), STORE_OK);
    int64_t count = audit_check(s, NULL);
    /* a receipt for a document is refused; a filing for an inbox item too */
    assert_int_equal(store_submission_receipt(s, ids[1], "R-1", NULL, false, "u", T0 + 5),
                     STORE_CONFLICT);
    assert_int_equal(store_submission_receipt(s, ids[0], "R-1", NULL, true, "u", T0 + 5),
                     STORE_CONFLICT);
    assert_int_equal(store_submission_receipt(s, f.ob[3], "R-1", NULL, true, "u", T0 + 5),
                     STORE_NOT_FOUND);
    audit_unchanged(s, count);
    /* first fetch delivers; the second changes nothing */
    assert_int_equal(store_submission_fetched(s, ids[0], "authority-user", T0 + 6), STORE_OK);
    audit_expect(s, &count, "submission.fetched", ids[0]);
    assert_int_equal(store_submission_fetched(s, ids[0], "authority-user", T0 + 7), STORE_OK);
    audit_unchanged(s, count);
    assert_int_equal(store_submission_get(s, ids[0], &g), STORE_OK);
    assert_string_equal(g.status, "delivered");
    assert_int_equal(g.delivered_at, T0 + 6);
    submission_rec_release(&g);
    assert_int_equal(store_submission_receipt(s, ids[0], "NCO-77", "{\"reference\":\"NCO-77\"}",
                                              false, "authority-user", T0 + 8),
                     STORE_OK);
    audit_expect(s, &count, "submission.acknowledged", ids[0]);
    assert_int_equal(store_submission_receipt(s, ids[0], "NCO-78", NULL, false, "x", T0 + 9),
                     STORE_CONFLICT); /* one receipt */
    assert_int_equal(
        store_submission_receipt(s, ids[1], "PPC-WEB-5", NULL, true, f.p.ua.id, T0 + 10), STORE_OK);
    audit_expect(s, &count, "submission.filed", ids[1]);
    assert_int_equal(store_submission_get(s, ids[1], &g), STORE_OK);
    assert_string_equal(g.status, "acknowledged");
    assert_string_equal(g.receipt_reference, "PPC-WEB-5");
    submission_rec_release(&g);

    /* listings: by recipient (an inbox), by organisation, by incident, with filters */
    const char *recips[] = {"r-box"};
    struct submission_filter flt = {.recipients = recips, .nrecipients = 1, .limit = 10};
    assert_int_equal(store_submissions_list(s, &flt, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, ids[0]);
    assert_null(l.items[0].payload);
    submission_list_release(&l);
    struct submission_filter mine = {.org_id = f.p.a.id, .limit = 1};
    assert_int_equal(store_submissions_list(s, &mine, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.more);
    assert_string_equal(l.items[0].id, ids[1]); /* newest first */
    submission_list_release(&l);
    struct submission_filter theirs = {.org_id = f.p.b.id, .limit = 10};
    assert_int_equal(store_submissions_list(s, &theirs, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    submission_list_release(&l);
    struct submission_filter st = {
        .incident_id = f.incident, .status = "acknowledged", .stage_id = "final", .limit = 10};
    assert_int_equal(store_submissions_list(s, &st, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    submission_list_release(&l);

    /* bindings */
    struct recipient_binding *b;
    size_t n;
    assert_int_equal(store_binding_set(s, "r-box", f.p.b.id, ACTOR, T0), STORE_OK);
    assert_int_equal(store_binding_set(s, "r-box", f.p.a.id, ACTOR, T0 + 1), STORE_OK);
    assert_int_equal(store_binding_set(s, "r-x", "019ab0b0-cc00-7000-8000-000000000000", ACTOR, T0),
                     STORE_INVALID);
    assert_int_equal(store_binding_list(s, &b, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(b[0].org_id, f.p.a.id);
    free(b);
}

/* Claims due submissions at now (lease ms) and returns how many were taken. */
static size_t claim_at(struct store *s, int64_t now, int64_t lease)
{
    struct submission_list l;
    struct claim_request c = {.per_recipient = 5, .limit = 10, .now_ms = now, .lease_ms = lease};
    assert_int_equal(store_submissions_claim(s, &c, &l), STORE_OK);
    size_t n = l.n;
    submission_list_release(&l);
    return n;
}

/* The event names of a submission's history, joined by spaces ("created interrupted …"). */
static void history_of(struct store *s, const char *id, char *out, size_t n,
                       struct submission_events *keep)
{
    struct submission_rec rec;
    struct submission_events ev;
    assert_int_equal(store_submission_history(s, id, &rec, &ev), STORE_OK);
    out[0] = '\0';
    for (size_t i = 0; i < ev.n; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", ev.items[i].event);
    submission_rec_release(&rec);
    if (keep)
        *keep = ev;
    else
        submission_events_release(&ev);
}

/* A claim whose lease runs out before any outcome (the process was killed mid-delivery) is
 * recorded in the history when the submission is taken again: which attempt, when it started,
 * when its lease ended. Claims that follow an outcome record nothing extra. */
static void test_interrupted_attempt(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new items[2];
    char ids[2][UUID_STR_LEN], hist[160], began[32], ended[32];
    struct submission_events ev;
    int created;
    outbox_setup(s, &f);
    new_sub(&items[0], ids[0], f.ob[0], "r-one", "webhook", "queued");
    new_sub(&items[1], ids[1], f.ob[1], "r-two", "webhook", "queued");
    assert_int_equal(submit_items(s, &f, 1, items, 2, &created), STORE_OK);

    /* both claimed; only ids[1] gets an outcome, ids[0]'s attempt is cut short */
    assert_int_equal(claim_at(s, T0 + 100, 1000), 2);
    struct delivery_result ok = {
        .id = ids[1], .outcome = OUTCOME_DELIVERED, .http_status = 200, .at = T0 + 300};
    assert_int_equal(store_submissions_record(s, &ok, 1), STORE_OK);
    assert_int_equal(claim_at(s, T0 + 1099, 1000), 0); /* the lease still holds */
    assert_int_equal(claim_at(s, T0 + 1500, 1000), 1); /* taken again after it ran out */
    history_of(s, ids[0], hist, sizeof(hist), &ev);
    assert_string_equal(hist, "created interrupted");
    assert_int_equal(ev.items[1].at, T0 + 1500); /* when it was noticed */
    assert_int_equal(ev.items[1].http_status, 0);
    rtime_format_utc(T0 + 100, began, sizeof(began));
    rtime_format_utc(T0 + 1100, ended, sizeof(ended));
    const char *d = ev.items[1].detail;
    assert_non_null(d);
    if (!strstr(d, "attempt 1 (started ") || !strstr(d, began) || !strstr(d, ended) ||
        !strstr(d, "attempt 2") || !strstr(d, "outlasted its lease"))
        fail_msg("detail \"%s\" should name attempt 1, %s, %s and attempt 2", d, began, ended);
    submission_events_release(&ev);

    /* an outcome, then a claim of the queued retry: nothing interrupted */
    struct delivery_result retry = {.id = ids[0],
                                    .outcome = OUTCOME_RETRY,
                                    .http_status = 503,
                                    .error = "HTTP 503",
                                    .at = T0 + 1600,
                                    .next_attempt_at = T0 + 2000};
    assert_int_equal(store_submissions_record(s, &retry, 1), STORE_OK);
    assert_int_equal(claim_at(s, T0 + 2000, 1000), 1);
    ok.id = ids[0];
    ok.at = T0 + 2100;
    assert_int_equal(store_submissions_record(s, &ok, 1), STORE_OK);
    history_of(s, ids[0], hist, sizeof(hist), NULL);
    assert_string_equal(hist, "created interrupted retry delivered");
    history_of(s, ids[1], hist, sizeof(hist), NULL);
    assert_string_equal(hist, "created delivered");
    assert_int_equal(claim_at(s, T0 + 9000, 1000), 0);
}

struct pins {
    int64_t upto;
    int n, by_verdict[AUDIT_PIN_LATER + 1];
    struct audit_pin seen[16];
};

static int pins_cb(const struct audit_pin *p, void *arg)
{
    struct pins *c = arg;
    char why[512];
    c->by_verdict[audit_pin_check(p, c->upto, why, sizeof(why))]++;
    if (c->n < (int)ARRAY_SIZE(c->seen))
        c->seen[c->n] = *p;
    c->n++;
    return 0;
}

static int stop_cb(const struct audit_pin *p, void *arg)
{
    UNUSED(p);
    ++*(int *)arg;
    return 1;
}

static const struct audit_pin *pin_of(const struct pins *c, const char *id, const char *part,
                                      int version)
{
    for (int i = 0; i < c->n && i < (int)ARRAY_SIZE(c->seen); i++)
        if (!strcmp(c->seen[i].id, id) && !strcmp(c->seen[i].part, part) &&
            c->seen[i].version == version)
            return &c->seen[i];
    fail_msg("no pin for %s %s version %d", id, part, version);
    return NULL;
}

static void expect_pin(const struct pins *c, const char *kind, const char *id, const char *part,
                       int version, const char *bytes, size_t len)
{
    char sha[HASH_SHA256_HEX];
    const struct audit_pin *p = pin_of(c, id, part, version);
    hash_sha256_hex(bytes, len, sha);
    assert_string_equal(p->kind, kind);
    assert_true(p->present);
    assert_true(p->seq > 0);
    assert_string_equal(p->stored_sha256, sha);
    assert_string_equal(p->recorded_sha256, sha);
}

/* Every object whose bytes an entry pins is reported with the hash of what is stored and the
 * entry that pinned it: the first one for report versions and submissions, the newest for
 * assessments and documents, which change. */
static void test_audit_pins(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct body b2;
    struct report_write w;
    struct report_rec rec;
    struct assessment_rec a, dr;
    struct orgdoc_rec d;
    struct submission_new item;
    char sub[UUID_STR_LEN];
    int created;
    struct pins c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(store_audit_pins(s, 0, pins_cb, &c), STORE_OK);
    assert_int_equal(c.n, 0); /* an empty store pins nothing */

    outbox_setup(s, &f); /* a report, version 1 */
    body_make(&b2, "続報", "update", "data_leak", false, "追記");
    write_of(&w, &b2, f.incident, f.p.a.id, f.p.ua.id, T0 + 5);
    w.expected_version = 1;
    assert_int_equal(store_report_amend(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    new_sub(&item, sub, f.ob[0], "r-one", "webhook", "queued");
    struct submit_write sw = {.incident_id = f.incident,
                              .org_id = f.p.a.id,
                              .actor = f.p.ua.id,
                              .version = 2,
                              .items = &item,
                              .n = 1,
                              .now_ms = T0 + 10};
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    assert_int_equal(add_assessment(s, f.p.a.id, "nist-csf-2.0", T0 + 11, &a), STORE_OK);
    assert_int_equal(store_assessment_save(s, a.id, 1, "{\"q\":1}", ACTOR, T0 + 12), STORE_OK);
    assert_int_equal(store_assessment_save(s, a.id, 2, "{\"q\":2}", ACTOR, T0 + 13), STORE_OK);
    assert_int_equal(store_assessment_submit(s, a.id, 3, "{\"o\":2}", 2.0, ACTOR, T0 + 14),
                     STORE_OK);
    assert_int_equal(add_assessment(s, f.p.a.id, "nist-csf-2.0", T0 + 15, &dr), STORE_OK);
    assert_int_equal(add_doc(s, f.p.a.id, "asset", "{\"n\":0}", T0 + 16, &d), STORE_OK);
    assert_int_equal(store_orgdoc_update(s, d.id, 1, "{\"n\":1}", ACTOR, T0 + 17), STORE_OK);
    int64_t head = audit_check(s, NULL);

    struct report_rec v1;
    assert_int_equal(store_report_get(s, f.incident, 1, &v1), STORE_OK);
    memset(&c, 0, sizeof(c));
    c.upto = head;
    assert_int_equal(store_audit_pins(s, head, pins_cb, &c), STORE_OK);
    assert_int_equal(c.n, 7);
    assert_int_equal(c.by_verdict[AUDIT_PIN_MATCH], 7);
    expect_pin(&c, "report", f.incident, "body", 1, v1.body, v1.body_len);
    expect_pin(&c, "report", f.incident, "body", 2, b2.canon.data, b2.canon.len);
    expect_pin(&c, "submission", sub, "payload", 0, item.payload, item.payload_len);
    assert_false(pin_of(&c, sub, "payload", 0)->required);            /* older ones have no entry */
    expect_pin(&c, "assessment", a.id, "answers", 0, "{\"q\":2}", 7); /* the newest save */
    expect_pin(&c, "assessment", a.id, "scores", 0, "{\"o\":2}", 7);
    expect_pin(&c, "assessment", dr.id, "answers", 0, "{}", 2); /* a draft has no scores */
    expect_pin(&c, "asset", d.id, "body", 0, "{\"n\":1}", 7);
    assert_true(pin_of(&c, f.incident, "body", 2)->seq > pin_of(&c, f.incident, "body", 1)->seq);

    /* judged against a shorter verified chain, pins by newer entries wait for the next run */
    memset(&c, 0, sizeof(c));
    c.upto = head - 3; /* before the draft's entry and the asset's two */
    assert_int_equal(store_audit_pins(s, head - 3, pins_cb, &c), STORE_OK);
    assert_int_equal(c.by_verdict[AUDIT_PIN_MATCH], 5);
    assert_int_equal(c.by_verdict[AUDIT_PIN_LATER], 2);

    /* the callback can stop the scan */
    int seen = 0;
    assert_int_equal(store_audit_pins(s, head, stop_cb, &seen), STORE_OK);
    assert_int_equal(seen, 1);
    report_rec_release(&v1);
    body_release(&b2);
}

/* ---- which entries pin which objects (store_audit.h, store_pinned_kinds) ---- */

/* The entries the builders of store_audit.h make, each builder at least once (the report
 * version's with and without obligation news, documents of two kinds); names[i] is the
 * builder of out[i], versions[i] the report version it was given (0: none). */
struct built {
    struct audit_rec e[32];
    const char *names[32];
    int versions[32];
    size_t n;
};

#define BUILT(b, name, version, call)                                                              \
    do {                                                                                           \
        assert_true((b)->n < ARRAY_SIZE((b)->e));                                                  \
        struct audit_rec *e = &(b)->e[(b)->n];                                                     \
        call;                                                                                      \
        (b)->names[(b)->n] = name;                                                                 \
        (b)->versions[(b)->n++] = version;                                                         \
    } while (0)

static void build_every_entry(struct built *b)
{
    static const char payload[] = "{}";
    struct org o = {.id = "org-1"};
    struct user u = {.id = "user-1", .role = ROLE_REPORTER};
    struct user_write uw = {.u = &u, .actor = "a", .audit_action = "user.update", .now = 1};
    struct password_write pw = {.user_id = "user-1", .now = 1};
    struct throttle_failure tf = {.object_id = "user-1", .detail = "d", .now = 1};
    struct throttle_key k = {.scope = "name"};
    struct auth_throttle_state v = {.failures = 1, .blocked_until = 2};
    struct token_rec t = {.id = "tok-1", .kind = "api"};
    struct report_write rw = {.id = "inc-1", .author_id = "user-1", .body_sha256 = "ab"};
    int counts[LEDGER_REINSTATE + 1] = {[LEDGER_CREATE] = 2};
    struct assessment_rec as = {.id = "as-1", .framework_id = "f"};
    struct orgdoc_rec d = {.id = "doc-1", .kind = "asset", .body = "{}"};
    struct submission_new sn = {
        .id = "sub-1", .recipient_id = "r", .payload = payload, .payload_len = 2};
    struct submit_write sw = {.incident_id = "inc-1", .actor = "a", .version = 7};
    struct delivery_result dr = {.id = "sub-1", .outcome = OUTCOME_FAILED};
    struct reminder_settings rs = {.org_id = "org-1"};
    memset(b, 0, sizeof(*b));
    BUILT(b, "store_audit_entry", 0, store_audit_entry(e, NULL, "x.y", "x", "1", "", "", 1));
    BUILT(b, "store_audit_org_create", 0, store_audit_org_create(e, &o, ACTOR, 1));
    BUILT(b, "store_audit_user_create", 0, store_audit_user_create(e, &u, ACTOR, 1));
    BUILT(b, "store_audit_user_write", 0, store_audit_user_write(e, &uw));
    BUILT(b, "store_audit_password_change", 0, store_audit_password_change(e, &pw));
    BUILT(b, "store_audit_login_failed", 0, store_audit_login_failed(e, &tf));
    BUILT(b, "store_audit_throttled", 0, store_audit_throttled(e, &k, &v, 1));
    BUILT(b, "store_audit_token_create", 0, store_audit_token_create(e, &t, ACTOR, 1));
    BUILT(b, "store_audit_token_revoke", 0, store_audit_token_revoke(e, "tok-1", ACTOR, 1));
    BUILT(b, "store_audit_report_version", 1, store_audit_report_version(e, &rw, 1, NULL));
    BUILT(b, "store_audit_report_version", 1, store_audit_report_version(e, &rw, 1, counts));
    BUILT(b, "store_audit_report_version", 12, store_audit_report_version(e, &rw, 12, NULL));
    BUILT(b, "store_audit_report_version", 3, store_audit_report_version(e, &rw, 3, counts));
    BUILT(b, "store_audit_assessment_create", 0, store_audit_assessment_create(e, &as, ACTOR, 1));
    BUILT(b, "store_audit_assessment_save", 0,
          store_audit_assessment_save(e, "as-1", "{}", 2, ACTOR, 1));
    BUILT(b, "store_audit_assessment_submit", 0,
          store_audit_assessment_submit(e, "as-1", "{}", 1.0, ACTOR, 1));
    BUILT(b, "store_audit_orgdoc_create", 0, store_audit_orgdoc_create(e, &d, ACTOR, 1));
    BUILT(b, "store_audit_orgdoc_update", 0,
          store_audit_orgdoc_update(e, "doc-2", "risk_scenario", "{}", 2, ACTOR, 1));
    BUILT(b, "store_audit_submission_create", 0, store_audit_submission_create(e, &sw, &sn));
    BUILT(b, "store_audit_report_submit", 0, store_audit_report_submit(e, &sw, 1));
    struct withdraw_write ww = {.incident_id = "inc-1", .actor = "a", .version = 7};
    BUILT(b, "store_audit_report_withdraw", 0, store_audit_report_withdraw(e, &ww, 1));
    BUILT(b, "store_audit_submission_done", 0,
          store_audit_submission_done(e, "sub-1", "delivered", "ref", ACTOR, 1));
    BUILT(b, "store_audit_submission_failed", 0, store_audit_submission_failed(e, &dr));
    BUILT(b, "store_audit_binding", 0, store_audit_binding(e, "r", "org-1", "", ACTOR, 1));
    BUILT(b, "store_audit_reminders_set", 0, store_audit_reminders_set(e, &rs, ACTOR, 1));
    struct request_rec rq = {.id = "rq-1", .kind = "information", .submission_id = "sub-1"};
    BUILT(b, "store_audit_request_create", 0, store_audit_request_create(e, &rq));
    BUILT(b, "store_audit_request_answer", 0,
          store_audit_request_answer(e, "rq-1", "sub-2", ACTOR, 1));
    BUILT(b, "store_audit_two_factor", 0,
          store_audit_two_factor(e, "two_factor.enable", "user-1", NULL, 1));
    BUILT(b, "store_audit_draft", 0, store_audit_draft(e, "draft.update", "dr-1", 2, ACTOR, 1));
    struct clearance_rec clr = {.user_id = "user-1", .level = "jp-ceis", .expires_at = 9};
    BUILT(b, "store_audit_advisory", 0,
          store_audit_advisory(e, "advisory.amend", "adv-1", 2, "TLP:AMBER", "ab", ACTOR, 1));
    BUILT(b, "store_audit_clearance", 0, store_audit_clearance(e, &clr, ACTOR, 1));
}

/* How many builders store_audit.h declares: each takes the entry first. */
static size_t builders_declared(void)
{
    char path[600];
    size_t n = 0;
    snprintf(path, sizeof(path), "%s/src/store/store_audit.h", unit_source_root());
    char *text = unit_read_file(path, NULL);
    assert_non_null(text);
    for (const char *p = text; (p = strstr(p, "(struct audit_rec *e,")); p++)
        n++;
    free(text);
    return n;
}

/* Checks built entry i against the table: an entry that pins a payload names a kind (and,
 * for a versioned kind, the version it was built with); one that pins nothing names none.
 * Marks the action it used in seen. */
static void entry_agrees(const struct built *b, size_t i, bool seen[STORE_PINNED__COUNT][2])
{
    const struct audit_rec *e = &b->e[i];
    int k = store_pinned_of(e->object_type, e->action);
    if (!e->payload_sha256[0]) { /* a document's kind is any type not named: look no further */
        if (k >= 0 && store_pinned_kinds[k].object_type)
            fail_msg("%s builds %s, which pins nothing, but store_pinned_kinds names it",
                     b->names[i], e->action);
        return;
    }
    if (k < 0)
        fail_msg("%s builds %s (object %s) pinning its payload, but no kind of "
                 "store_pinned_kinds names it: audit verify would never check it",
                 b->names[i], e->action, e->object_type);
    const struct store_pinned_kind *kind = &store_pinned_kinds[k];
    if (kind->versioned) {
        char exact[32], prefix[32];
        store_audit_version_match(b->versions[i], exact, prefix, sizeof(exact));
        assert_int_equal(store_audit_detail_version(e->detail), b->versions[i]);
        assert_true(!strcmp(e->detail, exact) || !strncmp(e->detail, prefix, strlen(prefix)));
    }
    for (size_t v = 0; v < 2; v++) {
        char action[64];
        if (store_pinned_action((enum store_pinned)k, e->object_type, v, action, sizeof(action)) &&
            !strcmp(action, e->action))
            seen[k][v] = true;
    }
}

/* The table of pinned objects and the builders agree, both ways: every entry built with a
 * payload hash names a kind of the table, and every action of the table is built. */
static void test_pinned_table(void **state)
{
    struct built b;
    bool seen[STORE_PINNED__COUNT][2] = {{false}};
    const char *counted[32];
    size_t ncounted = 0;
    UNUSED(state);
    build_every_entry(&b);
    for (size_t i = 0; i < b.n; i++) {
        entry_agrees(&b, i, seen);
        bool dup = false;
        for (size_t j = 0; j < ncounted; j++)
            dup = dup || !strcmp(counted[j], b.names[i]);
        if (!dup)
            counted[ncounted++] = b.names[i];
    }
    if (ncounted != builders_declared())
        fail_msg("store_audit.h declares %zu entry builders, build_every_entry calls %zu: call "
                 "each new one there",
                 builders_declared(), ncounted);
    for (size_t k = 0; k < STORE_PINNED__COUNT; k++)
        for (size_t v = 0; v < 2; v++)
            if (store_pinned_kinds[k].verbs[v] && !seen[k][v])
                fail_msg("store_pinned_kinds[%zu] (%s) lists the action verb %s that no builder "
                         "of store_audit.h makes",
                         k, store_pinned_kinds[k].part, store_pinned_kinds[k].verbs[v]);

    /* the look-ups themselves */
    char action[64];
    assert_int_equal(store_pinned_of("report", "report.amend"), STORE_PINNED_REPORT_BODY);
    assert_int_equal(store_pinned_of("report", "report.submit"), -1);
    assert_int_equal(store_pinned_of("report", "reports.create"), -1);
    assert_int_equal(store_pinned_of("assessment", "assessment.submit"),
                     STORE_PINNED_ASSESSMENT_SCORES);
    assert_int_equal(store_pinned_of("assessment", "assessment.update"), -1);
    assert_int_equal(store_pinned_of("simulation", "simulation.create"), STORE_PINNED_ORGDOC_BODY);
    assert_int_equal(store_pinned_of("submission", "submission.update"), -1); /* a named type */
    assert_int_equal(store_pinned_of("asset", "report.create"), -1);
    assert_true(store_pinned_action(STORE_PINNED_ORGDOC_BODY, "asset", 1, action, sizeof(action)));
    assert_string_equal(action, "asset.update");
    assert_false(store_pinned_action(STORE_PINNED_SUBMISSION_PAYLOAD, "submission", 1, action,
                                     sizeof(action)));
    assert_string_equal(action, "");
    assert_int_equal(store_audit_detail_version("version=12 obligations:created=1"), 12);
    assert_int_equal(store_audit_detail_version("overall=2.00"), 0);
    assert_int_equal(store_audit_detail_version(NULL), 0);
}

/* store_open: the URL names the backend; what it cannot open is refused with the scheme named
 * and nothing after it (a URL could hold credentials). */
/* ---- reminders: the mechanism (the policy is outbox_remind.c's, tested in test_outbox) ---- */

#define SCAN_MAX 64

/* What a test plan saw and what it returns: every candidate gets a notification keyed by
 * `prefix` and its obligation id (a new id each call). */
struct scan_rec {
    struct reminder_candidate seen[SCAN_MAX];
    char summary[SCAN_MAX][64];
    size_t n;
    const char *prefix; /* NULL: return nothing */
    int64_t at;
    int calls;
};

static size_t record_plan(const struct reminder_candidate *c, size_t n, void *arg,
                          struct notification_new **out)
{
    struct scan_rec *r = arg;
    size_t k = 0;
    r->calls++;
    r->n = 0;
    *out = NULL;
    for (size_t i = 0; i < n && r->n < SCAN_MAX; i++) {
        r->seen[r->n] = c[i];
        r->seen[r->n].incident_summary = NULL; /* the store frees its copy */
        snprintf(r->summary[r->n], sizeof(r->summary[0]), "%s",
                 c[i].incident_summary ? c[i].incident_summary : "(null)");
        r->n++;
    }
    if (!r->prefix || !n)
        return 0;
    *out = xcalloc(n, sizeof(**out));
    for (size_t i = 0; i < n; i++) {
        struct notification_new *v = &(*out)[k++];
        uuid_v7_new(v->id);
        xstrlcpy(v->org_id, c[i].org_id, sizeof(v->org_id));
        xstrlcpy(v->kind, "reminder", sizeof(v->kind));
        snprintf(v->dedupe, sizeof(v->dedupe), "%s:%s", r->prefix, c[i].obligation_id);
        v->payload = xstrdup("{\"event\":\"test\"}");
        v->at = r->at;
    }
    return k;
}

static const struct reminder_candidate *seen_of(const struct scan_rec *r, const char *ob)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->seen[i].obligation_id, ob))
            return &r->seen[i];
    return NULL;
}

static size_t notes_of(struct store *s, const char *org_id, const char *kind)
{
    struct notification_list l;
    size_t n = 0;
    assert_int_equal(store_notifications_list(s, org_id, 200, &l), STORE_OK);
    for (size_t i = 0; i < l.n; i++)
        n += !strcmp(l.items[i].kind, kind);
    notification_list_release(&l);
    return n;
}

/* Creates a report whose ledger is written from the rules-mini evaluation of its body. */
static void create_with_ledger(struct store *s, const struct ruleset *rs, const struct people *p,
                               char id[UUID_STR_LEN])
{
    struct body b;
    struct report_write w;
    struct report_rec rec;
    struct rules_eval ev;
    body_make(&b, "期限の通知", "early_warning", "ransomware", false, NULL);
    rules_eval_init(&ev);
    rules_evaluate(rs, b.doc, &ev);
    struct ledger_input li = {&ev, "test-rules"};
    uuid_v7_new(id);
    write_of(&w, &b, id, p->a.id, p->ua.id, T0);
    w.ledger = &li;
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    rules_eval_release(&ev);
    body_release(&b);
}

/* reminders_scan lists every open obligation with a deadline of an organisation with reminder
 * settings, with those settings, calls the plan once inside its transaction, and adds what
 * the plan returns at most once per dedupe key. A notification a delivery outcome carries is
 * added with the outcome, and only when the outcome is applied. */
static void test_reminders_scan(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct obligation_list ol;
    struct scan_rec *r = xcalloc(1, sizeof(*r));
    char inc[UUID_STR_LEN], dir[600];
    int created = -1;
    struct diag_list d;
    snprintf(dir, sizeof(dir), "%s/tests/data/rules-mini", unit_source_root());
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    diag_list_release(&d);
    assert_non_null(rs);
    people(s, &p);
    create_with_ledger(s, rs, &p, inc);
    assert_int_equal(store_obligations_list(s, inc, &ol), STORE_OK);
    assert_true(ol.n > 0);
    int64_t count = audit_check(s, NULL);

    /* settings for A (enabled, one lead): every open obligation with a deadline is listed
     * with what the policy needs, and each notification returned is added */
    struct reminder_settings rset;
    memset(&rset, 0, sizeof(rset));
    xstrlcpy(rset.org_id, p.a.id, sizeof(rset.org_id));
    xstrlcpy(rset.endpoint, "https://hooks.example/r", sizeof(rset.endpoint));
    memcpy(rset.secret, "0123456789abcdef0123456789abcdef", 32);
    rset.secret_len = 32;
    rset.lead_hours[0] = 72;
    rset.lead_hours[1] = 24;
    rset.nleads = 2;
    rset.enabled = true;
    assert_int_equal(store_reminders_set(s, &rset, ACTOR, T0 + 1), STORE_OK);
    count = audit_check(s, NULL);
    r->prefix = "t1";
    r->at = T0 + 2;
    assert_int_equal(store_reminders_scan(s, record_plan, r, &created), STORE_OK);
    assert_int_equal(r->calls, 1);
    size_t open = 0;
    for (size_t i = 0; i < ol.n; i++) {
        const struct obligation_rec *o = &ol.items[i];
        const struct reminder_candidate *c = seen_of(r, o->id);
        if (o->withdrawn || o->met_at || o->due_state != DUE_SET)
            continue;
        open++;
        assert_non_null(c);
        assert_string_equal(c->incident_id, inc);
        assert_string_equal(c->org_id, p.a.id);
        assert_string_equal(c->rule_id, o->rule_id);
        assert_string_equal(c->stage_id, o->stage_id);
        assert_string_equal(c->recipient_id, o->recipient_id);
        assert_string_equal(c->kind, o->kind);
        assert_int_equal(c->mandatory, o->mandatory);
        assert_false(c->withdrawn);
        assert_false(c->met);
        assert_false(c->drill);
        assert_true(c->due_set);
        assert_int_equal(c->due_ms, o->due_ms);
        assert_true(c->enabled);
        assert_int_equal(c->nleads, 2);
        assert_int_equal(c->lead_hours[0], 72);
        assert_int_equal(c->lead_hours[1], 24);
        assert_string_equal(r->summary[c - r->seen], "期限の通知");
    }
    assert_true(open > 0);
    assert_int_equal((size_t)created, r->n);
    assert_int_equal(notes_of(s, p.a.id, "reminder"), r->n);
    struct notification_list nl;
    assert_int_equal(store_notifications_list(s, p.a.id, 200, &nl), STORE_OK);
    assert_string_equal(nl.items[0].status, "queued");
    assert_string_equal(nl.items[0].payload, "{\"event\":\"test\"}");
    assert_int_equal(nl.items[0].created_at, T0 + 2);
    assert_int_equal(nl.items[0].next_attempt_at, T0 + 2);
    notification_list_release(&nl);
    audit_unchanged(s, count);

    /* the same keys again: nothing added; new keys: added; nothing returned: nothing added */
    size_t first = r->n;
    assert_int_equal(store_reminders_scan(s, record_plan, r, &created), STORE_OK);
    assert_int_equal(created, 0);
    assert_int_equal(notes_of(s, p.a.id, "reminder"), first);
    r->prefix = "t2";
    assert_int_equal(store_reminders_scan(s, record_plan, r, &created), STORE_OK);
    assert_int_equal((size_t)created, first);
    r->prefix = NULL;
    assert_int_equal(store_reminders_scan(s, record_plan, r, &created), STORE_OK);
    assert_int_equal(created, 0);
    assert_int_equal(notes_of(s, p.a.id, "reminder"), 2 * first);
    /* settings disabled: still listed (the policy decides), with enabled false */
    rset.enabled = false;
    assert_int_equal(store_reminders_set(s, &rset, ACTOR, T0 + 3), STORE_OK);
    assert_int_equal(store_reminders_scan(s, record_plan, r, &created), STORE_OK);
    assert_int_equal(r->n, first);
    assert_false(r->seen[0].enabled);

    /* a notification carried by a delivery outcome */
    struct submission_new item;
    char sid[UUID_STR_LEN];
    struct submission_list sl;
    struct submit_write sw = {.incident_id = inc,
                              .org_id = p.a.id,
                              .actor = p.ua.id,
                              .version = 1,
                              .items = &item,
                              .n = 1,
                              .now_ms = T0 + 10};
    new_sub(&item, sid, ol.items[0].id, "r-one", "webhook", "queued");
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    struct claim_request c = {
        .per_recipient = 1, .limit = 10, .now_ms = T0 + 20, .lease_ms = 30000};
    assert_int_equal(store_submissions_claim(s, &c, &sl), STORE_OK);
    assert_int_equal(sl.n, 1);
    submission_list_release(&sl);
    struct notification_new alert = {.org_id = "", .kind = "alert", .at = T0 + 40000};
    uuid_v7_new(alert.id);
    xstrlcpy(alert.org_id, p.a.id, sizeof(alert.org_id));
    snprintf(alert.dedupe, sizeof(alert.dedupe), "failed:%s", sid);
    alert.payload = "{\"event\":\"submission.failed\"}";
    struct delivery_result fail = {
        .id = sid, .outcome = OUTCOME_FAILED, .error = "x", .at = T0 + 40000, .note = &alert};
    assert_int_equal(store_submissions_record(s, &fail, 1), STORE_OK);
    assert_int_equal(notes_of(s, p.a.id, "alert"), 1);
    /* a late outcome for a finished submission is ignored, and so is its notification */
    uuid_v7_new(alert.id);
    snprintf(alert.dedupe, sizeof(alert.dedupe), "failed-again:%s", sid);
    assert_int_equal(store_submissions_record(s, &fail, 1), STORE_OK);
    assert_int_equal(notes_of(s, p.a.id, "alert"), 1);

    obligation_list_release(&ol);
    rules_free(rs);
    free(r);
}

/* ---- what a write announces (store_notify.c) ---- */

/* Who is told of a change of receiver, and how: each organisation once; queued for an enabled
 * webhook, else listed only. */
static void test_binding_told(void **state)
{
    const char *subs[] = {"org-a", "org-b", "org-a", "org-c"};
    const char **told;
    struct notification_new n;
    struct org cur = {.id = "org-c", .name_ja = "新", .name_en = "New"};
    char id[40];
    UNUSED(state);
    size_t k = store_binding_told(subs, 4, "org-c", "org-d", &told);
    assert_int_equal(k, 4);
    assert_string_equal(told[0], "org-a");
    assert_string_equal(told[1], "org-b");
    assert_string_equal(told[2], "org-c");
    assert_string_equal(told[3], "org-d");
    free(told);
    k = store_binding_told(NULL, 0, "org-c", "", &told);
    assert_int_equal(k, 1);
    assert_string_equal(told[0], "org-c");
    free(told);
    store_notification_id(id);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
    store_binding_note("org-a", true, "ppc", NULL, &cur, 1797692400005LL, id, &n);
    assert_string_equal(n.id, id);
    assert_string_equal(n.org_id, "org-a");
    assert_string_equal(n.kind, "binding");
    assert_string_equal(n.dedupe, "binding:ppc:1797692400005:org-a");
    assert_int_equal(n.at, 1797692400005LL);
    assert_false(n.listed_only);
    json_t *j = account_binding_event_json("org-a", "ppc", NULL, &cur, 1797692400005LL);
    char *want = json_dumps(j, JSON_COMPACT);
    assert_string_equal(n.payload, want);
    free(want);
    json_decref(j);
    free(n.payload);
    store_binding_note("org-a", false, "ppc", NULL, &cur, 1797692400005LL, id, &n);
    assert_true(n.listed_only);
    free(n.payload);
    store_org_event_note("org-a", "account", "{\"event\":\"x\"}", false, 7, id, &n);
    assert_string_equal(n.kind, "account");
    assert_string_equal(n.payload, "{\"event\":\"x\"}");
    assert_true(n.listed_only);
    assert_int_equal(strncmp(n.dedupe, "account:", 8), 0);
    assert_string_equal(n.dedupe + 8, id);
    free(n.payload);
}

static size_t binding_notes(struct store *s, const char *org_id, const char *status)
{
    struct notification_list l;
    size_t n = 0;
    assert_int_equal(store_notifications_list(s, org_id, 200, &l), STORE_OK);
    for (size_t i = 0; i < l.n; i++)
        n += !strcmp(l.items[i].kind, "binding") && !strcmp(l.items[i].status, status);
    notification_list_release(&l);
    return n;
}

/* binding_set tells, in its transaction, every organisation that submitted to the recipient,
 * the new receiver and the previous one — queued for an enabled webhook, else listed only —
 * and nobody when the receiver does not change. */
static void test_binding_announced(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new item;
    char sid[UUID_STR_LEN];
    struct org c;
    int created;
    outbox_setup(s, &f);
    assert_int_equal(add_org(s, NULL, &c, T0), STORE_OK);
    new_sub(&item, sid, f.ob[0], "r-x", "inbox", "available");
    assert_int_equal(submit_items(s, &f, 1, &item, 1, &created), STORE_OK);
    struct reminder_settings rs;
    memset(&rs, 0, sizeof(rs));
    xstrlcpy(rs.org_id, f.p.a.id, sizeof(rs.org_id));
    xstrlcpy(rs.endpoint, "https://hooks.example/r", sizeof(rs.endpoint));
    memcpy(rs.secret, "0123456789abcdef0123456789abcdef", 32);
    rs.secret_len = 32;
    rs.enabled = true;
    assert_int_equal(store_reminders_set(s, &rs, ACTOR, T0 + 1), STORE_OK);
    /* A submitted (webhook: queued), B receives (no webhook: listed), C is not concerned */
    assert_int_equal(store_binding_set(s, "r-x", f.p.b.id, ACTOR, T0 + 2), STORE_OK);
    assert_int_equal(binding_notes(s, f.p.a.id, "queued"), 1);
    assert_int_equal(binding_notes(s, f.p.b.id, "not_sent"), 1);
    assert_int_equal(binding_notes(s, c.id, "not_sent"), 0);
    struct notification_list l;
    assert_int_equal(store_notifications_list(s, f.p.a.id, 10, &l), STORE_OK);
    json_t *ev = json_loads(l.items[0].payload, 0, NULL);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "organization_id")), f.p.a.id);
    assert_true(json_is_null(json_object_get(ev, "previous")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(ev, "current"), "org_id")), f.p.b.id);
    json_decref(ev);
    notification_list_release(&l);
    /* the same receiver again: nobody is told */
    assert_int_equal(store_binding_set(s, "r-x", f.p.b.id, ACTOR, T0 + 3), STORE_OK);
    assert_int_equal(binding_notes(s, f.p.a.id, "queued"), 1);
    assert_int_equal(binding_notes(s, f.p.b.id, "not_sent"), 1);
    /* to C: A, B (the previous receiver) and C are told */
    assert_int_equal(store_binding_set(s, "r-x", c.id, ACTOR, T0 + 4), STORE_OK);
    assert_int_equal(binding_notes(s, f.p.a.id, "queued"), 2);
    assert_int_equal(binding_notes(s, f.p.b.id, "not_sent"), 2);
    assert_int_equal(binding_notes(s, c.id, "not_sent"), 1);
}

/* The words of the delivery history (store_history.c), as the SQLite backend wrote them. */
static void test_history_texts(void **state)
{
    char d[400];
    UNUSED(state);
    store_history_interrupted(2, true, T0, T0 + 30000, d, sizeof(d));
    assert_string_equal(d, "attempt 2 (started 2026-11-22T00:00:00.000Z) recorded no outcome "
                           "before its lease ended at 2026-11-22T00:00:30.000Z: the delivery "
                           "process stopped (crash or restart) or the attempt outlasted its "
                           "lease; the recipient may or may not have received it; taken again "
                           "as attempt 3");
    store_history_interrupted(1, false, 0, T0 + 30000, d, sizeof(d));
    assert_string_equal(d, "attempt 1 recorded no outcome before its lease ended at "
                           "2026-11-22T00:00:30.000Z: the delivery process stopped (crash or "
                           "restart) or the attempt outlasted its lease; the recipient may or may "
                           "not have received it; taken again as attempt 2");
    store_history_done("https://r.example/in", "R-1", d, sizeof(d));
    assert_string_equal(d, "endpoint=https://r.example/in reference=R-1");
    store_history_done("https://r.example/in", NULL, d, sizeof(d));
    assert_string_equal(d, "endpoint=https://r.example/in");
    store_history_done(NULL, "R-1", d, sizeof(d));
    assert_string_equal(d, "reference=R-1");
    store_history_done(NULL, NULL, d, sizeof(d));
    assert_string_equal(d, "");
}

/* ---- the words of the audit log (store_audit.c) ---- */

static void expect_entry(const struct audit_rec *e, const char *actor, const char *action,
                         const char *type, const char *id, const char *detail, const char *sha,
                         int64_t at)
{
    assert_int_equal(e->seq, 0); /* the chain is the backend's */
    assert_string_equal(e->prev_hash, "");
    assert_string_equal(e->hash, "");
    assert_string_equal(e->actor, actor);
    assert_string_equal(e->action, action);
    assert_string_equal(e->object_type, type);
    assert_string_equal(e->object_id, id);
    assert_string_equal(e->detail, detail);
    assert_string_equal(e->payload_sha256, sha);
    assert_int_equal(e->at, at);
}

#define SHA_EMPTY_OBJECT "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

/* Every write's entry, field by field: the texts the SQLite backend wrote before they moved to
 * backend-neutral code (issue 9), so existing chains and new ones read the same. */
static void test_audit_entries(void **state)
{
    struct audit_rec e;
    UNUSED(state);
    store_audit_entry(&e, NULL, "x.y", "thing", NULL, NULL, NULL, 5);
    expect_entry(&e, "system", "x.y", "thing", "", "", "", 5);

    struct org o = {.id = "org-1"};
    store_audit_org_create(&e, &o, ACTOR, 1);
    expect_entry(&e, ACTOR, "organization.create", "organization", "org-1", "", "", 1);
    struct user u = {.id = "user-1", .role = ROLE_REPORTER};
    store_audit_user_create(&e, &u, ACTOR, 2);
    expect_entry(&e, ACTOR, "user.create", "user", "user-1", "role=reporter", "", 2);
    struct user_write uw = {.u = &u,
                            .actor = "admin-1",
                            .audit_action = "user.update",
                            .audit_detail = "disabled=1",
                            .now = 3};
    store_audit_user_write(&e, &uw);
    expect_entry(&e, "admin-1", "user.update", "user", "user-1", "disabled=1", "", 3);
    struct password_write pw = {.user_id = "user-1", .now = 4};
    store_audit_password_change(&e, &pw);
    expect_entry(&e, "user-1", "user.password_change", "user", "user-1", "", "", 4);
    struct throttle_failure tf = {.object_id = "user-1", .detail = "reason=password", .now = 5};
    store_audit_login_failed(&e, &tf);
    expect_entry(&e, "anonymous", "auth.login_failed", "sign_in", "user-1", "reason=password", "",
                 5);
    struct throttle_key k = {.key = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5}, .scope = "name"};
    struct auth_throttle_state v = {.failures = 6, .blocked_until = 2006};
    store_audit_throttled(&e, &k, &v, 6);
    expect_entry(&e, "anonymous", "auth.throttled", "sign_in", "deadbeef01020304",
                 "scope=name failures=6 delay_ms=2000", "", 6);
    struct token_rec t = {.id = "tok-1", .kind = "api"};
    store_audit_token_create(&e, &t, ACTOR, 7);
    expect_entry(&e, ACTOR, "token.create", "token", "tok-1", "kind=api", "", 7);
    store_audit_token_revoke(&e, "tok-1", ACTOR, 8);
    expect_entry(&e, ACTOR, "token.revoke", "token", "tok-1", "", "", 8);

    /* report versions, with and without obligation news (kept ones are not news) */
    struct report_write rw = {
        .id = "inc-1", .author_id = "user-1", .body_sha256 = "ab12", .now_ms = 9};
    int counts[LEDGER_REINSTATE + 1] = {0};
    store_audit_report_version(&e, &rw, 1, NULL);
    expect_entry(&e, "user-1", "report.create", "report", "inc-1", "version=1", "ab12", 9);
    counts[LEDGER_KEEP] = 4;
    store_audit_report_version(&e, &rw, 2, counts);
    expect_entry(&e, "user-1", "report.amend", "report", "inc-1", "version=2", "ab12", 9);
    counts[LEDGER_CREATE] = 3;
    counts[LEDGER_MOVE] = 1;
    counts[LEDGER_WITHDRAW] = 2;
    counts[LEDGER_REINSTATE] = 5;
    store_audit_report_version(&e, &rw, 1, counts);
    expect_entry(&e, "user-1", "report.create", "report", "inc-1",
                 "version=1 obligations:created=3,moved=1,withdrawn=2,reinstated=5", "ab12", 9);
    store_audit_report_version(&e, &rw, 12, counts);
    expect_entry(&e, "user-1", "report.amend", "report", "inc-1",
                 "version=12 obligations:created=3,moved=1,withdrawn=2,reinstated=5", "ab12", 9);

    /* assessments and documents pin the SHA-256 of the stored text */
    struct assessment_rec as = {.id = "as-1", .framework_id = "nist-csf-2.0"};
    store_audit_assessment_create(&e, &as, ACTOR, 10);
    expect_entry(&e, ACTOR, "assessment.create", "assessment", "as-1", "nist-csf-2.0",
                 SHA_EMPTY_OBJECT, 10);
    store_audit_assessment_save(&e, "as-1", "{\"q1\":2}", 3, ACTOR, 11);
    expect_entry(&e, ACTOR, "assessment.save", "assessment", "as-1", "version=3",
                 "fd3c78c30e5f4d72e287d24fbf38c4bcda72b614c1aba7a498b2611d5811fefc", 11);
    store_audit_assessment_submit(&e, "as-1", "{\"total\":3.5}", 2.345, ACTOR, 12);
    expect_entry(&e, ACTOR, "assessment.submit", "assessment", "as-1", "overall=2.35",
                 "4fe9214046925c241feab2ba52f18a693c17c08846ff539d126ef0933ff99744", 12);
    struct orgdoc_rec d = {.id = "doc-1", .kind = "asset", .body = "{\"n\":1}"};
    store_audit_orgdoc_create(&e, &d, ACTOR, 13);
    expect_entry(&e, ACTOR, "asset.create", "asset", "doc-1", "",
                 "2bfd14f43d17fc7cea24e0917a8879b4b2f880b8baeec1b9d90fbaad655e71bd", 13);
    store_audit_orgdoc_update(&e, "doc-1", "risk_scenario", "{}", 4, ACTOR, 14);
    expect_entry(&e, ACTOR, "risk_scenario.update", "risk_scenario", "doc-1", "version=4",
                 SHA_EMPTY_OBJECT, 14);

    /* delivery */
    static const char payload[] = "{\"report\":{}}";
    struct submission_new n = {.id = "sub-1",
                               .recipient_id = "ppc",
                               .payload = payload,
                               .payload_len = sizeof(payload) - 1,
                               .payload_sha256 = "00"};
    struct submit_write sw = {
        .incident_id = "inc-1", .actor = "user-1", .version = 2, .now_ms = 15};
    store_audit_submission_create(&e, &sw, &n);
    expect_entry(&e, "user-1", "submission.create", "submission", "sub-1",
                 "version=2 recipient=ppc",
                 "d7dbb30612b795ee982108c8b93b7936884e1e21d68b85d001595e7d047a6647", 15);
    store_audit_report_submit(&e, &sw, 3);
    expect_entry(&e, "user-1", "report.submit", "report", "inc-1", "version=2 submissions=3", "",
                 15);
    store_audit_submission_done(&e, "sub-1", "delivered", NULL, "system:delivery", 16);
    expect_entry(&e, "system:delivery", "submission.delivered", "submission", "sub-1", "", "", 16);
    store_audit_submission_done(&e, "sub-1", "filed", "PPC-1", "user-1", 17);
    expect_entry(&e, "user-1", "submission.filed", "submission", "sub-1", "reference=PPC-1", "",
                 17);
    /* a long reference is cut to 99 bytes on a character boundary (3-byte characters: 33) */
    char longref[200] = "";
    for (int i = 0; i < 40; i++)
        memcpy(longref + 3 * i, "受", 3);
    store_audit_submission_done(&e, "sub-1", "acknowledged", longref, "user-1", 18);
    assert_int_equal(strlen(e.detail), strlen("reference=") + 99);
    assert_memory_equal(e.detail + strlen("reference="), longref, 99);
    struct delivery_result dr = {.id = "sub-1", .outcome = OUTCOME_FAILED, .at = 19};
    store_audit_submission_failed(&e, &dr);
    expect_entry(&e, "system:delivery", "submission.failed", "submission", "sub-1", "", "", 19);
    store_audit_binding(&e, "ppc", "org-2", "", ACTOR, 20);
    expect_entry(&e, ACTOR, "recipient.bind", "recipient", "ppc", "org=org-2 previous=none", "",
                 20);
    store_audit_binding(&e, "ppc", "org-3", "org-2", ACTOR, 21);
    expect_entry(&e, ACTOR, "recipient.bind", "recipient", "ppc", "org=org-3 previous=org-2", "",
                 21);
    struct reminder_settings rs = {.org_id = "org-1", .enabled = true, .nleads = 3};
    memcpy(rs.secret, "never-in-the-log", 16);
    rs.secret_len = 16;
    store_audit_reminders_set(&e, &rs, ACTOR, 22);
    expect_entry(&e, ACTOR, "reminders.set", "organization", "org-1", "enabled=1 leads=3", "", 22);
}

static void test_store_urls(void **state)
{
    static const char *const refused[][2] = {
        {"postgresql://ichigen:hunter2@db.example/ichigen", "PostgreSQL"},
        {"postgres://ichigen:hunter2@db.example/ichigen", "PostgreSQL"},
        {"mysql://root:hunter2@db.example/x", "\"mysql\""},
        {"sqlite:", "needs a file path"},
        {"", "unknown kind of store"},
        {"/var/lib/ichigen.db", "unknown kind of store"},
    };
    char dir[64], url[128];
    struct err e;
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        struct store_options o = {.url = refused[i][0], .read_pool_size = 2, .commit_batch_max = 8};
        err_init(&e);
        assert_null(store_open(&o, &e));
        assert_non_null(strstr(e.msg, refused[i][1]));
        assert_null(strstr(e.msg, "hunter2"));
        /* a URL naming no backend of this binary has no schema version to migrate to */
        if (strncmp(refused[i][0], "sqlite:", 7) && strncmp(refused[i][0], "postgres", 8))
            assert_int_equal(store_target_schema_version(refused[i][0]), 0);
    }
    assert_int_equal(store_target_schema_version(NULL), 0);
    /* PostgreSQL's migrations are numbered as SQLite's, one for one (issue 14) */
    assert_int_equal(store_target_schema_version("postgresql:///ichigen"),
                     store_target_schema_version("sqlite:/x.db"));
    assert_int_equal(store_target_schema_version("postgres://h/ichigen"),
                     store_target_schema_version("sqlite:/x.db"));
    /* sqlite:///abs/path, as other tools write it, names the same file as sqlite:/abs/path */
    assert_int_equal(unit_tmpdir(dir, "store-url"), 0);
    snprintf(url, sizeof(url), "sqlite://%s/x.db", dir);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 8};
    struct store *s = store_open(&o, &e);
    assert_non_null(s);
    assert_int_equal(store_ready(s), STORE_OK);
    store_close(s);
    snprintf(url, sizeof(url), "%s/x.db", dir);
    assert_int_equal(access(url, F_OK), 0);
    unit_rmtree(dir);
}

/* ---- obligations, reminders and notifications (the ledger a version writes, its open
 * deadlines, an organisation's reminder webhook and the notifications it is sent) ---- */

static struct ruleset *RS; /* tests/data/rules-mini: the rules the obligations name */

#define OB_N 5

/* The evaluation a version carries (struct ledger_input), made by hand so that each deadline
 * is known: rule, stage, applies, due state and deadline of each result. */
struct ob_spec {
    const char *rule, *stage;
    bool applies;
    enum rules_due_state due_state;
    int64_t due_ms;
};

struct ledger_fx {
    struct rules_result res[OB_N];
    struct rules_eval ev;
    struct ledger_input in;
};

/* The incident's obligations as the tests below start them: two mandatory legal deadlines, one
 * waiting for a previous stage, one voluntary channel, one rule that does not apply. */
static const struct ob_spec ob_base[OB_N] = {
    {"t.jp.hours", "report", true, DUE_SET, T0 + 10 * HOUR},
    {"t.jp.days", "eod", true, DUE_SET, T0 + 48 * HOUR},
    {"t.jp.previous", "followup", true, DUE_AWAITING_PREVIOUS, 0},
    {"t.jp.voluntary", "consult", true, DUE_SET, T0 + 5 * HOUR},
    {"t.jp.when", "ransom", false, DUE_SET, T0 + HOUR},
};

static void ledger_of(struct ledger_fx *l, const struct ob_spec *spec)
{
    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i < OB_N; i++) {
        struct rules_result *r = &l->res[i];
        r->rule = rules_find(RS, spec[i].rule);
        assert_non_null(r->rule);
        r->stage = rules_find_stage(r->rule, spec[i].stage);
        assert_non_null(r->stage);
        r->applies = spec[i].applies;
        r->due_state = spec[i].due_state;
        r->due_ms = spec[i].due_state == DUE_SET ? spec[i].due_ms : 0;
        r->anchor_ms = T0 - 3 * HOUR;
        r->anchor_source = "/times/aware_at";
        r->variant = -1;
    }
    l->ev.v = l->res;
    l->ev.n = OB_N;
    l->in = (struct ledger_input){&l->ev, rules_version(RS)};
}

/* Creates a report in org with the obligations of spec; id_out receives its id. */
static void create_with_spec(struct store *s, const char *org, const char *author, bool drill,
                             const struct ob_spec *spec, int64_t now, char id_out[UUID_STR_LEN])
{
    struct body b;
    struct ledger_fx l;
    struct report_write w;
    struct report_rec rec;
    body_make(&b, "義務のある報告", "early_warning", "ransomware", drill, NULL);
    ledger_of(&l, spec);
    uuid_v7_new(id_out);
    write_of(&w, &b, id_out, org, author, now);
    w.ledger = &l.in;
    assert_int_equal(store_report_create(s, &w, &rec), STORE_OK);
    report_rec_release(&rec);
    body_release(&b);
}

/* Amends it to version `version` with the obligations of spec. */
static int amend_with_ledger(struct store *s, const char *id, const char *org, const char *author,
                             int expected, const struct ob_spec *spec, int64_t now)
{
    struct body b;
    struct ledger_fx l;
    struct report_write w;
    struct report_rec rec;
    body_make(&b, "義務のある報告（続報）", "update", "ransomware", false, "続報");
    ledger_of(&l, spec);
    write_of(&w, &b, id, org, author, now);
    w.expected_version = expected;
    w.ledger = &l.in;
    int r = store_report_amend(s, &w, &rec);
    report_rec_release(&rec);
    body_release(&b);
    return r;
}

static const struct obligation_rec *ob_find(const struct obligation_list *l, const char *rule)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].rule_id, rule))
            return &l->items[i];
    fail_msg("no obligation of %s", rule);
    return NULL;
}

/* obligations_list: what a version's evaluation wrote, with the history amendments add. */
static void test_obligations_ledger(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct obligation_list l;
    char id[UUID_STR_LEN], other[UUID_STR_LEN];
    people(s, &p);
    /* an unknown incident has none */
    assert_int_equal(store_obligations_list(s, "01a20000-0000-7000-8000-000000000000", &l),
                     STORE_OK);
    assert_int_equal(l.n, 0);
    obligation_list_release(&l);
    /* a report created without an evaluation has none */
    struct body b;
    body_make(&b, "義務なし", "early_warning", "ddos", false, NULL);
    assert_int_equal(create_report(s, &b, p.a.id, p.ua.id, T0, other), STORE_OK);
    body_release(&b);
    assert_int_equal(store_obligations_list(s, other, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    obligation_list_release(&l);

    int64_t count = audit_check(s, NULL);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    audit_expect(s, &count, "report.create", id); /* one entry for the version and its ledger */
    assert_int_equal(store_obligations_list(s, id, &l), STORE_OK);
    assert_int_equal(l.n, 4); /* the rule that does not apply has no obligation */
    for (size_t i = 0; i < l.n; i++) {
        const struct obligation_rec *o = &l.items[i];
        assert_string_equal(o->rule_id, ob_base[i].rule); /* creation order */
        assert_string_equal(o->stage_id, ob_base[i].stage);
        assert_string_equal(o->recipient_id, "jp-auth");
        assert_int_equal(o->due_state, (int)ob_base[i].due_state);
        assert_int_equal(o->due_ms, ob_base[i].due_state == DUE_SET ? ob_base[i].due_ms : 0);
        assert_false(o->withdrawn);
        assert_int_equal(o->first_version, 1);
        assert_int_equal(o->last_version, 1);
        assert_int_equal(o->became_applicable_at, T0);
        assert_int_equal(o->met_at, 0);
        assert_string_equal(o->live_submission, "");
        assert_string_equal(o->rules_version, rules_version(RS));
        assert_non_null(strstr(o->explanation, "\"anchor_field\":\"/times/aware_at\""));
        assert_int_equal(o->nevents, 0); /* creation is the obligation itself */
        assert_true(strlen(o->id) == UUID_STR_LEN - 1);
    }
    assert_true(ob_find(&l, "t.jp.hours")->mandatory);
    assert_false(ob_find(&l, "t.jp.voluntary")->mandatory);
    assert_string_equal(ob_find(&l, "t.jp.hours")->kind, "legal");
    char hours_id[UUID_STR_LEN];
    xstrlcpy(hours_id, ob_find(&l, "t.jp.hours")->id, sizeof(hours_id));
    obligation_list_release(&l);

    /* version 2: one deadline moves, one rule stops applying */
    struct ob_spec v2[OB_N];
    memcpy(v2, ob_base, sizeof(v2));
    v2[0].applies = false;
    v2[1].due_ms = T0 + 72 * HOUR;
    assert_int_equal(amend_with_ledger(s, id, p.a.id, p.ua.id, 1, v2, T0 + HOUR), STORE_OK);
    assert_int_equal(store_obligations_list(s, id, &l), STORE_OK);
    assert_int_equal(l.n, 4); /* never deleted */
    const struct obligation_rec *o = ob_find(&l, "t.jp.hours");
    assert_string_equal(o->id, hours_id); /* the same obligation */
    assert_true(o->withdrawn);
    assert_int_equal(o->withdrawn_at, T0 + HOUR);
    assert_non_null(o->withdrawn_reason);
    assert_int_equal(o->nevents, 1);
    assert_string_equal(o->events[0].event, "withdrawn");
    assert_int_equal(o->events[0].version, 2);
    o = ob_find(&l, "t.jp.days");
    assert_false(o->withdrawn);
    assert_int_equal(o->due_ms, T0 + 72 * HOUR);
    assert_int_equal(o->last_version, 2);
    assert_int_equal(o->nevents, 1);
    assert_string_equal(o->events[0].event, "moved");
    assert_int_equal(o->events[0].old_due_ms, T0 + 48 * HOUR);
    assert_int_equal(o->events[0].new_due_ms, T0 + 72 * HOUR);
    assert_int_equal(ob_find(&l, "t.jp.voluntary")->nevents, 0); /* unchanged: no history */
    obligation_list_release(&l);

    /* version 3: it applies again */
    assert_int_equal(amend_with_ledger(s, id, p.a.id, p.ua.id, 2, ob_base, T0 + 2 * HOUR),
                     STORE_OK);
    assert_int_equal(store_obligations_list(s, id, &l), STORE_OK);
    o = ob_find(&l, "t.jp.hours");
    assert_false(o->withdrawn);
    assert_int_equal(o->nevents, 2);
    assert_string_equal(o->events[1].event, "reinstated");
    assert_int_equal(o->events[1].version, 3);
    obligation_list_release(&l);

    /* a stale amendment changes nothing, the ledger included */
    count = audit_check(s, NULL);
    assert_int_equal(amend_with_ledger(s, id, p.a.id, p.ua.id, 2, v2, T0 + 3 * HOUR),
                     STORE_CONFLICT);
    audit_unchanged(s, count);
    assert_int_equal(store_obligations_list(s, id, &l), STORE_OK);
    assert_false(ob_find(&l, "t.jp.hours")->withdrawn);
    obligation_list_release(&l);

    /* another organisation's incident has its own ledger; the other incident still none */
    char b_id[UUID_STR_LEN];
    create_with_spec(s, p.b.id, p.ub.id, false, v2, T0, b_id);
    assert_int_equal(store_obligations_list(s, b_id, &l), STORE_OK);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < l.n; i++)
        assert_string_not_equal(l.items[i].id, hours_id);
    obligation_list_release(&l);
    assert_int_equal(store_obligations_list(s, other, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    obligation_list_release(&l);
}

/* obligations_open: an organisation's active, unmet deadlines on real incidents, soonest
 * first, with the submission under way. */
/* ---- statistics (issue 13 item 7) ---- */

struct stats_seen {
    size_t n;
    char incident[8][UUID_STR_LEN];
    struct stats_row row[8]; /* strings not kept: only the flags and times are compared */
    char recipient[8][80], org[8][UUID_STR_LEN], sector[8][32];
    size_t stop_after; /* 0: never */
};

static int stats_cb(const struct stats_row *r, void *arg)
{
    struct stats_seen *v = arg;
    if (v->n < 8) {
        xstrlcpy(v->incident[v->n], r->incident_id, UUID_STR_LEN);
        xstrlcpy(v->org[v->n], r->org_id, UUID_STR_LEN);
        xstrlcpy(v->sector[v->n], r->sector, 32);
        xstrlcpy(v->recipient[v->n], r->recipient_id ? r->recipient_id : "", 80);
        v->row[v->n] = *r;
    }
    v->n++;
    return v->stop_after && v->n >= v->stop_after;
}

static const struct stats_row *stats_of(const struct stats_seen *v, const char *incident)
{
    for (size_t i = 0; i < v->n && i < 8; i++)
        if (!strcmp(v->incident[i], incident))
            return &v->row[i];
    return NULL;
}

/* The rows of the statistics (store.h: stats_scan): every incident with its flags and consent, or
 * only those with an electronic submission to the recipients given; obligations owed to them. */
static void test_stats_scan(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct stats_seen v = {0};
    char id[UUID_STR_LEN], drill[UUID_STR_LEN], b_id[UUID_STR_LEN], wd[UUID_STR_LEN];
    struct body b;
    people(s, &p);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    create_with_spec(s, p.a.id, p.ua.id, true, ob_base, T0 + 1, drill);
    /* b consents to anonymised statistics */
    body_make(&b, "統計に同意", "early_warning", "ddos", false, NULL);
    json_object_set_new(json_object_get(b.doc, "confidentiality"), "consent",
                        json_pack("{sb}", "anonymised_statistics", 1));
    buf_reset(&b.canon);
    assert_int_equal(jsonx_dump_canonical(b.doc, &b.canon), 0);
    hash_sha256_hex(b.canon.data, b.canon.len, b.sha);
    assert_int_equal(create_report(s, &b, p.b.id, p.ub.id, T0 + 2, b_id), STORE_OK);
    body_release(&b);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0 + 3, wd);
    struct withdraw_write w = {.incident_id = wd,
                               .org_id = p.a.id,
                               .actor = p.ua.id,
                               .reason = "filed twice",
                               .reason_json = "{}",
                               .version = 1,
                               .now_ms = T0 + 4};
    int written, created;
    assert_int_equal(store_report_withdraw(s, &w, &written), STORE_OK);

    /* the platform: all four, with what the policy decides on */
    struct stats_scan_filter all = {0};
    assert_int_equal(store_stats_scan(s, &all, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 4);
    const struct stats_row *r = stats_of(&v, id);
    assert_non_null(r);
    assert_false(r->drill || r->withdrawn);
    assert_int_equal(r->consent, -1); /* not asked: absent */
    assert_int_equal(r->created_at, T0);
    assert_true(stats_of(&v, drill)->drill);
    assert_true(stats_of(&v, wd)->withdrawn);
    assert_int_equal(stats_of(&v, b_id)->consent, 1);
    for (size_t i = 0; i < v.n; i++)
        assert_string_equal(v.sector[i], "none");
    /* the creation range */
    memset(&v, 0, sizeof(v));
    struct stats_scan_filter later = {.created_from = T0 + 2, .created_before = T0 + 3};
    assert_int_equal(store_stats_scan(s, &later, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 1);
    assert_string_equal(v.incident[0], b_id);
    /* cb stops it */
    memset(&v, 0, sizeof(v));
    v.stop_after = 2;
    assert_int_equal(store_stats_scan(s, &all, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 2);

    /* an inbox's scope: an electronic submission to one of its recipients, not a document */
    struct obligation_list ol;
    assert_int_equal(store_obligations_list(s, id, &ol), STORE_OK);
    assert_true(ol.n >= 2);
    char rcp[80], rcp2[80];
    xstrlcpy(rcp, ol.items[0].recipient_id, sizeof(rcp));
    xstrlcpy(rcp2, "r-stats-other", sizeof(rcp2));
    struct submission_new n[2];
    char sub[2][UUID_STR_LEN];
    new_sub(&n[0], sub[0], ol.items[0].id, rcp, "inbox", "available");
    new_sub(&n[1], sub[1], ol.items[1].id, rcp2, "document", "awaiting_filing");
    n[1].rule_id = ol.items[1].rule_id;
    struct submit_write sw = {.incident_id = id,
                              .org_id = p.a.id,
                              .actor = p.ua.id,
                              .version = 1,
                              .items = n,
                              .n = 2,
                              .now_ms = T0 + 10};
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    size_t owed = 0;
    for (size_t i = 0; i < ol.n; i++)
        owed += !strcmp(ol.items[i].recipient_id, rcp);
    obligation_list_release(&ol);
    const char *mine[] = {rcp}, *doc_only[] = {rcp2}, *nobody[] = {"r-none"};
    struct stats_scan_filter inbox = {.recipients = mine, .nrecipients = 1};
    memset(&v, 0, sizeof(v));
    assert_int_equal(store_stats_scan(s, &inbox, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 1);
    assert_string_equal(v.incident[0], id);
    assert_string_equal(v.org[0], p.a.id);
    inbox.recipients = doc_only; /* a document is the reporter's to file: not an inbox's */
    memset(&v, 0, sizeof(v));
    assert_int_equal(store_stats_scan(s, &inbox, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 0);
    inbox.recipients = nobody;
    assert_int_equal(store_stats_scan(s, &inbox, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, 0);
    /* obligations: owed to the recipients given, of incidents in their scope */
    struct stats_scan_filter obs = {.recipients = mine, .nrecipients = 1, .obligations = true};
    assert_int_equal(store_stats_scan(s, &obs, stats_cb, &v), STORE_OK);
    assert_int_equal(v.n, owed);
    for (size_t i = 0; i < v.n && i < 8; i++) {
        assert_string_equal(v.recipient[i], rcp);
        assert_string_equal(v.incident[i], id);
    }
    /* and every obligation of the platform without recipients (five rules, four incidents; the
     * one without obligations has none) */
    memset(&v, 0, sizeof(v));
    struct stats_scan_filter every = {.obligations = true};
    assert_int_equal(store_stats_scan(s, &every, stats_cb, &v), STORE_OK);
    assert_true(v.n > owed);
    for (size_t i = 0; i < v.n && i < 8; i++)
        assert_string_not_equal(v.incident[i], b_id);
}

static void test_obligations_open(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct open_obligations l;
    char id[UUID_STR_LEN], drill[UUID_STR_LEN], b_id[UUID_STR_LEN];
    people(s, &p);
    assert_int_equal(store_obligations_open(s, p.a.id, 10, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    open_obligations_release(&l);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    create_with_spec(s, p.a.id, p.ua.id, true, ob_base, T0, drill); /* drills: none */
    create_with_spec(s, p.b.id, p.ub.id, false, ob_base, T0, b_id); /* another org's */

    assert_int_equal(store_obligations_open(s, p.a.id, 10, &l), STORE_OK);
    assert_int_equal(l.n, 3); /* not the one waiting for a previous stage (no deadline yet) */
    static const char *const soonest[] = {"t.jp.voluntary", "t.jp.hours", "t.jp.days"};
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.items[i].rule_id, soonest[i]);
        assert_string_equal(l.items[i].incident_id, id);
        assert_string_equal(l.items[i].live_submission, "");
        assert_string_equal(l.items[i].summary, "義務のある報告");
    }
    assert_int_equal(l.items[0].due_ms, T0 + 5 * HOUR);
    assert_false(l.items[0].mandatory);
    assert_true(l.items[1].mandatory);
    assert_string_equal(l.items[1].kind, "legal");
    char hours_id[UUID_STR_LEN];
    xstrlcpy(hours_id, l.items[1].id, sizeof(hours_id));
    open_obligations_release(&l);
    assert_int_equal(store_obligations_open(s, p.a.id, 1, &l), STORE_OK); /* the limit */
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].rule_id, "t.jp.voluntary");
    open_obligations_release(&l);

    /* a submission under way is named; once delivered the obligation is met and leaves */
    struct submission_new n;
    char sub[UUID_STR_LEN];
    int created;
    new_sub(&n, sub, hours_id, "jp-auth", "inbox", "available");
    struct submit_write sw = {.incident_id = id,
                              .org_id = p.a.id,
                              .actor = p.ua.id,
                              .version = 1,
                              .items = &n,
                              .n = 1,
                              .now_ms = T0 + HOUR};
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(store_obligations_open(s, p.a.id, 10, &l), STORE_OK);
    assert_string_equal(l.items[1].id, hours_id);
    assert_string_equal(l.items[1].live_submission, sub);
    open_obligations_release(&l);
    assert_int_equal(store_submission_fetched(s, sub, "recipient", T0 + 2 * HOUR), STORE_OK);
    assert_int_equal(store_obligations_open(s, p.a.id, 10, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    for (size_t i = 0; i < l.n; i++)
        assert_string_not_equal(l.items[i].id, hours_id);
    open_obligations_release(&l);

    /* the other organisation sees only its own; an unknown one none */
    assert_int_equal(store_obligations_open(s, p.b.id, 10, &l), STORE_OK);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(l.items[i].incident_id, b_id);
    open_obligations_release(&l);
    assert_int_equal(store_obligations_open(s, "01a20000-0000-7000-8000-000000000000", 10, &l),
                     STORE_OK);
    assert_int_equal(l.n, 0);
    open_obligations_release(&l);
}

static void reminder_settings_of(struct reminder_settings *r, const char *org_id, bool enabled)
{
    memset(r, 0, sizeof(*r));
    xstrlcpy(r->org_id, org_id, sizeof(r->org_id));
    xstrlcpy(r->endpoint, "https://hooks.example/ichigen", sizeof(r->endpoint));
    memcpy(r->secret, "reminder-secret-0123456789abcdef", 32);
    r->secret_len = 32;
    r->lead_hours[0] = 24;
    r->lead_hours[1] = 4;
    r->nleads = 2;
    r->enabled = enabled;
}

/* reminders_get / reminders_set: an organisation's own reminder webhook. */
static void test_reminder_settings(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct reminder_settings r, got;
    people(s, &p);
    assert_int_equal(store_reminders_get(s, p.a.id, &got), STORE_NOT_FOUND);
    int64_t count = audit_check(s, NULL);
    reminder_settings_of(&r, p.a.id, true);
    r.lead_hours[0] = 72;
    r.lead_hours[1] = 24;
    r.lead_hours[2] = 4;
    r.nleads = 3;
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0 + 1), STORE_OK);
    audit_expect(s, &count, "reminders.set", p.a.id);
    struct audit_rec last;
    audit_check(s, &last);
    assert_string_equal(last.object_type, "organization");
    assert_null(strstr(last.detail, "reminder-secret")); /* never the secret */

    assert_int_equal(store_reminders_get(s, p.a.id, &got), STORE_OK);
    assert_string_equal(got.org_id, p.a.id);
    assert_string_equal(got.endpoint, r.endpoint);
    assert_int_equal(got.secret_len, 32);
    assert_memory_equal(got.secret, r.secret, 32);
    assert_int_equal(got.nleads, 3);
    assert_int_equal(got.lead_hours[0], 72);
    assert_int_equal(got.lead_hours[1], 24);
    assert_int_equal(got.lead_hours[2], 4);
    assert_true(got.enabled);
    assert_int_equal(got.updated_at, T0 + 1);

    /* setting again replaces everything */
    reminder_settings_of(&r, p.a.id, false);
    xstrlcpy(r.endpoint, "https://hooks.example/other", sizeof(r.endpoint));
    r.secret_len = 16;
    r.nleads = 1;
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0 + 2), STORE_OK);
    audit_expect(s, &count, "reminders.set", p.a.id);
    assert_int_equal(store_reminders_get(s, p.a.id, &got), STORE_OK);
    assert_string_equal(got.endpoint, "https://hooks.example/other");
    assert_int_equal(got.secret_len, 16);
    assert_int_equal(got.nleads, 1);
    assert_int_equal(got.lead_hours[0], 24);
    assert_false(got.enabled);
    assert_int_equal(got.updated_at, T0 + 2);

    /* settings are per organisation; an organisation that does not exist cannot have any */
    assert_int_equal(store_reminders_get(s, p.b.id, &got), STORE_NOT_FOUND);
    reminder_settings_of(&r, "01a20000-0000-7000-8000-000000000000", true);
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0 + 3), STORE_INVALID);
    audit_unchanged(s, count);
    assert_int_equal(store_reminders_get(s, r.org_id, &got), STORE_NOT_FOUND);
}

static void test_note_id(char id[40], void *arg)
{
    UNUSED(arg);
    store_notification_id(id);
}

/* The serving process's reminder scan at now: the store's mechanism with the policy of
 * outbox_remind.c, as the delivery worker calls it. */
static int scan_at(struct store *s, int64_t now, int *created)
{
    struct outbox_remind_ctx ctx = {now, test_note_id, NULL};
    return store_reminders_scan(s, outbox_remind_plan, &ctx, created);
}

static size_t notes_in(struct store *s, const char *org_id, const char *kind,
                       struct notification_list *l)
{
    size_t n = 0;
    assert_int_equal(store_notifications_list(s, org_id, 100, l), STORE_OK);
    for (size_t i = 0; i < l->n; i++)
        n += !kind || !strcmp(l->items[i].kind, kind);
    return n;
}

/* Looks up id in org_id's notifications; the list is released by the caller. */
static const struct notification_rec *note_of(struct store *s, const char *org_id, const char *id,
                                              struct notification_list *l)
{
    assert_int_equal(store_notifications_list(s, org_id, 100, l), STORE_OK);
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].id, id))
            return &l->items[i];
    fail_msg("notification %s not listed", id);
    return NULL;
}

/* mail_claim / mail_record (issue 10 item 8): a notification of an organisation whose enabled
 * settings list e-mail addresses gets an e-mail channel of its own — claimed, retried and
 * delivered independently of the webhook's —, with or without a webhook; none without
 * addresses; the addresses travel with the claim as they are now. */
static void test_notification_mail(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct reminder_settings r, got;
    struct notification_list l, c;
    char id[UUID_STR_LEN], b_id[UUID_STR_LEN], nid[40], b_nid[40] = "";
    int created = -1;
    people(s, &p);
    /* A: e-mail only (no webhook); B: a webhook and e-mail */
    reminder_settings_of(&r, p.a.id, true);
    r.endpoint[0] = '\0';
    r.secret_len = 0;
    xstrlcpy(r.emails[0], "soc@a.example.jp", REMINDER_EMAIL_LEN);
    xstrlcpy(r.emails[1], "ciso@a.example.jp", REMINDER_EMAIL_LEN);
    r.nemails = 2;
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0), STORE_OK);
    assert_int_equal(store_reminders_get(s, p.a.id, &got), STORE_OK);
    assert_int_equal(got.nemails, 2);
    assert_string_equal(got.emails[0], "soc@a.example.jp");
    assert_string_equal(got.emails[1], "ciso@a.example.jp");
    assert_string_equal(got.endpoint, "");
    reminder_settings_of(&r, p.b.id, true);
    xstrlcpy(r.emails[0], "soc@b.example.jp", REMINDER_EMAIL_LEN);
    r.nemails = 1;
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0), STORE_OK);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    create_with_spec(s, p.b.id, p.ub.id, false, ob_base, T0, b_id);
    assert_int_equal(scan_at(s, T0, &created), STORE_OK);
    assert_int_equal(created, 2);

    /* A's reminder: the webhook channel is not sent (no endpoint), the e-mail is queued */
    assert_int_equal(notes_in(s, p.a.id, "reminder", &l), 1);
    xstrlcpy(nid, l.items[0].id, sizeof(nid));
    assert_string_equal(l.items[0].status, "not_sent");
    assert_string_equal(l.items[0].mail_status, "queued");
    assert_int_equal(l.items[0].mail_attempts, 0);
    assert_null(l.items[0].emails); /* listings carry no destination */
    notification_list_release(&l);
    assert_int_equal(store_notifications_claim(s, T0, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 1); /* B's webhook only */
    assert_string_equal(c.items[0].org_id, p.b.id);
    notification_list_release(&c);

    /* both e-mails are claimed, with the addresses; leased ones are not due again */
    assert_int_equal(store_mail_claim(s, T0, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 2);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.items[i].mail_status, "sending");
        assert_int_equal(c.items[i].mail_attempts, 1);
        assert_non_null(c.items[i].payload);
        bool a = !strcmp(c.items[i].org_id, p.a.id);
        if (!a)
            xstrlcpy(b_nid, c.items[i].id, sizeof(b_nid));
        assert_string_equal(c.items[i].emails, a ? "[\"soc@a.example.jp\",\"ciso@a.example.jp\"]"
                                                 : "[\"soc@b.example.jp\"]");
    }
    notification_list_release(&c);
    assert_int_equal(store_mail_claim(s, T0 + 1, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 0);
    notification_list_release(&c);

    /* a retry of the e-mail leaves the webhook channel alone, and the other way round */
    struct delivery_result out[] = {{.id = nid,
                                     .outcome = OUTCOME_RETRY,
                                     .error = "RCPT failed: 451",
                                     .at = T0 + 2,
                                     .next_attempt_at = T0 + HOUR},
                                    {.id = b_nid, .outcome = OUTCOME_DELIVERED, .at = T0 + 2}};
    assert_int_equal(store_mail_record(s, out, 2), STORE_OK);
    const struct notification_rec *n = note_of(s, p.a.id, nid, &l);
    assert_string_equal(n->status, "not_sent");
    assert_string_equal(n->mail_status, "queued");
    assert_string_equal(n->mail_last_error, "RCPT failed: 451");
    assert_null(n->last_error);
    notification_list_release(&l);
    assert_int_equal(store_mail_claim(s, T0 + HOUR - 1, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 0);
    notification_list_release(&c);
    assert_int_equal(store_mail_claim(s, T0 + HOUR, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id, nid);
    assert_int_equal(c.items[0].mail_attempts, 2);
    notification_list_release(&c);
    out[0].outcome = OUTCOME_DELIVERED;
    out[0].error = NULL;
    out[0].at = T0 + HOUR + 5;
    assert_int_equal(store_mail_record(s, out, 1), STORE_OK);
    assert_int_equal(store_mail_record(s, out, 0), STORE_OK);
    n = note_of(s, p.a.id, nid, &l);
    assert_string_equal(n->mail_status, "delivered");
    assert_int_equal(n->mail_delivered_at, T0 + HOUR + 5);
    assert_null(n->mail_last_error);
    assert_string_equal(n->status, "not_sent");
    notification_list_release(&l);
    /* an outcome for an e-mail no longer sending is ignored */
    out[0].outcome = OUTCOME_FAILED;
    out[0].error = "late";
    assert_int_equal(store_mail_record(s, out, 1), STORE_OK);
    n = note_of(s, p.a.id, nid, &l);
    assert_string_equal(n->mail_status, "delivered");
    notification_list_release(&l);

    /* without addresses, no e-mail channel: B drops its addresses, its next reminder has none */
    r.nemails = 0;
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0 + 1), STORE_OK);
    assert_int_equal(scan_at(s, T0 + 7 * HOUR, &created), STORE_OK);
    assert_int_equal(created, 2); /* the 4 h lead of A and of B */
    assert_int_equal(notes_in(s, p.b.id, "reminder", &l), 2);
    assert_string_equal(l.items[0].status, "queued");         /* newest first: the webhook goes */
    assert_string_equal(l.items[0].mail_status, "");          /* and no e-mail */
    assert_string_equal(l.items[1].mail_status, "delivered"); /* the earlier one's stays */
    notification_list_release(&l);
    assert_int_equal(store_mail_claim(s, T0 + 7 * HOUR, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 1); /* A's new one */
    assert_string_equal(c.items[0].org_id, p.a.id);
    notification_list_release(&c);
}

/* notifications_scan / claim / record / list: reminders before each deadline at the lead
 * times (the latest lead only, once each), "overdue" once it passed, an alert when a
 * submission fails for good; claimed and completed like submissions. */
static void test_notifications(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct reminder_settings r;
    struct notification_list l;
    char id[UUID_STR_LEN], drill[UUID_STR_LEN], b_id[UUID_STR_LEN];
    int created = -1;
    people(s, &p);
    reminder_settings_of(&r, p.a.id, true); /* leads 24 h and 4 h; B has no webhook */
    assert_int_equal(store_reminders_set(s, &r, ACTOR, T0), STORE_OK);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    create_with_spec(s, p.a.id, p.ua.id, true, ob_base, T0, drill);
    create_with_spec(s, p.b.id, p.ub.id, false, ob_base, T0, b_id);
    int64_t count = audit_check(s, NULL);

    /* at T0: t.jp.hours (due T0+10h) is inside its 24 h lead; t.jp.days (T0+48h) not yet;
     * voluntary channels, deadlines not yet set and drills get none */
    assert_int_equal(scan_at(s, T0, &created), STORE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(scan_at(s, T0, &created), STORE_OK);
    assert_int_equal(created, 0); /* once per obligation and lead */
    assert_int_equal(notes_in(s, p.a.id, "reminder", &l), 1);
    assert_string_equal(l.items[0].org_id, p.a.id);
    assert_string_equal(l.items[0].status, "queued");
    assert_int_equal(l.items[0].created_at, T0);
    json_t *pl = json_loads(l.items[0].payload, 0, NULL);
    assert_non_null(pl);
    assert_string_equal(json_string_value(json_object_get(pl, "event")), "obligation.due_soon");
    assert_int_equal(json_integer_value(json_object_get(pl, "lead_hours")), 24);
    assert_string_equal(json_string_value(json_object_get(pl, "incident_id")), id);
    json_decref(pl);
    assert_string_equal(l.items[0].endpoint, ""); /* listings carry no destination */
    assert_int_equal(l.items[0].secret_len, 0);
    notification_list_release(&l);
    /* the 4 h lead at T0+7h, overdue at T0+11h (t.jp.days still outside its 24 h lead) */
    assert_int_equal(scan_at(s, T0 + 7 * HOUR, &created), STORE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(scan_at(s, T0 + 11 * HOUR, &created), STORE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(notes_in(s, p.a.id, "reminder", &l), 3);
    pl = json_loads(l.items[0].payload, 0, NULL); /* newest first */
    assert_string_equal(json_string_value(json_object_get(pl, "event")), "obligation.overdue");
    json_decref(pl);
    notification_list_release(&l);
    assert_int_equal(notes_in(s, p.b.id, NULL, &l), 0); /* no webhook, no reminders */
    notification_list_release(&l);
    audit_unchanged(s, count); /* notifications are not audited */

    /* claims: due ones, with where they go; leased ones are not due again until the lease
     * ends */
    struct notification_list c;
    assert_int_equal(store_notifications_claim(s, T0 + 11 * HOUR, 2, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 2); /* the limit */
    notification_list_release(&c);
    assert_int_equal(store_notifications_claim(s, T0 + 11 * HOUR, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 1);
    notification_list_release(&c);
    assert_int_equal(store_notifications_claim(s, T0 + 11 * HOUR, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 0);
    notification_list_release(&c);
    int64_t later = T0 + 11 * HOUR + 30000;
    assert_int_equal(store_notifications_claim(s, later, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 3);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.items[i].status, "sending");
        assert_int_equal(c.items[i].attempts, 2);
        assert_int_equal(c.items[i].next_attempt_at, later + 30000);
        assert_string_equal(c.items[i].endpoint, r.endpoint);
        assert_int_equal(c.items[i].secret_len, 32);
        assert_memory_equal(c.items[i].secret, r.secret, 32);
    }
    char nid[3][40];
    for (size_t i = 0; i < 3; i++)
        xstrlcpy(nid[i], c.items[i].id, sizeof(nid[i]));
    notification_list_release(&c);

    /* outcomes: delivered, retried later, failed; an unknown id is ignored */
    struct delivery_result out[] = {
        {.id = nid[0], .outcome = OUTCOME_DELIVERED, .http_status = 204, .at = later + 1},
        {.id = nid[1],
         .outcome = OUTCOME_RETRY,
         .http_status = 503,
         .error = "HTTP 503",
         .at = later + 1,
         .next_attempt_at = later + HOUR},
        {.id = nid[2], .outcome = OUTCOME_FAILED, .error = "refused", .at = later + 1},
        {.id = "00000000000000000000000000000000", .outcome = OUTCOME_DELIVERED, .at = later},
    };
    assert_int_equal(store_notifications_record(s, out, 4), STORE_OK);
    assert_int_equal(store_notifications_record(s, out, 0), STORE_OK);
    assert_int_equal(notes_in(s, p.a.id, "reminder", &l), 3);
    for (size_t i = 0; i < l.n; i++) {
        const struct notification_rec *n = &l.items[i];
        if (!strcmp(n->id, out[0].id)) {
            assert_string_equal(n->status, "delivered");
            assert_int_equal(n->delivered_at, later + 1);
            assert_null(n->last_error);
        } else if (!strcmp(n->id, out[1].id)) {
            assert_string_equal(n->status, "queued");
            assert_int_equal(n->next_attempt_at, later + HOUR);
            assert_string_equal(n->last_error, "HTTP 503");
        } else {
            assert_string_equal(n->id, out[2].id);
            assert_string_equal(n->status, "failed");
            assert_string_equal(n->last_error, "refused");
        }
    }
    notification_list_release(&l);
    /* a second outcome for one no longer sending is ignored */
    out[0].outcome = OUTCOME_FAILED;
    out[0].error = "late";
    assert_int_equal(store_notifications_record(s, out, 1), STORE_OK);
    assert_int_equal(notes_in(s, p.a.id, "reminder", &l), 3);
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.items[i].id, out[0].id))
            assert_string_equal(l.items[i].status, "delivered");
    notification_list_release(&l);
    /* only the retry is due again, at its time */
    assert_int_equal(store_notifications_claim(s, later + HOUR - 1, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 0);
    notification_list_release(&c);
    assert_int_equal(store_notifications_claim(s, later + HOUR, 10, 30000, &c), STORE_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id, out[1].id);
    notification_list_release(&c);

    /* a met obligation gets no more reminders: t.jp.days delivered before its lead */
    struct obligation_list ol;
    assert_int_equal(store_obligations_list(s, id, &ol), STORE_OK);
    struct submission_new sn;
    char sub[UUID_STR_LEN], days_id[UUID_STR_LEN];
    xstrlcpy(days_id, ob_find(&ol, "t.jp.days")->id, sizeof(days_id));
    obligation_list_release(&ol);
    new_sub(&sn, sub, days_id, "jp-auth", "inbox", "available");
    struct submit_write sw = {.incident_id = id,
                              .org_id = p.a.id,
                              .actor = p.ua.id,
                              .version = 1,
                              .items = &sn,
                              .n = 1,
                              .now_ms = T0 + 12 * HOUR};
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    assert_int_equal(store_submission_fetched(s, sub, "recipient", T0 + 13 * HOUR), STORE_OK);
    assert_int_equal(scan_at(s, T0 + 47 * HOUR, &created), STORE_OK);
    assert_int_equal(created, 0);

    /* a webhook submission that fails for good alerts the reporter through the webhook */
    struct claim_request cr = {.per_recipient = 5, .limit = 10, .now_ms = T0, .lease_ms = 1000};
    char wsub[UUID_STR_LEN];
    new_sub(&sn, wsub, "01a20000-0000-7000-8000-0000000000aa", "jp-auth", "webhook", "queued");
    sw.now_ms = T0 + 14 * HOUR;
    assert_int_equal(store_submit(s, &sw, &created), STORE_OK);
    assert_int_equal(created, 1);
    cr.now_ms = T0 + 14 * HOUR;
    struct submission_list sl;
    assert_int_equal(store_submissions_claim(s, &cr, &sl), STORE_OK);
    assert_int_equal(sl.n, 1);
    submission_list_release(&sl);
    struct submission_rec failed_rec;
    struct notification_new alert;
    char alert_id[40];
    assert_int_equal(store_submission_get(s, wsub, &failed_rec), STORE_OK);
    test_note_id(alert_id, NULL);
    outbox_alert_note(&failed_rec, "gone", T0 + 15 * HOUR, alert_id, &alert);
    struct delivery_result f = {.id = wsub,
                                .outcome = OUTCOME_FAILED,
                                .error = "gone",
                                .at = T0 + 15 * HOUR,
                                .note = &alert};
    assert_int_equal(store_submissions_record(s, &f, 1), STORE_OK);
    free(alert.payload);
    submission_rec_release(&failed_rec);
    assert_int_equal(notes_in(s, p.a.id, "alert", &l), 1);
    assert_string_equal(l.items[0].kind, "alert");
    pl = json_loads(l.items[0].payload, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(pl, "event")), "submission.failed");
    json_decref(pl);
    notification_list_release(&l);
    assert_int_equal(notes_in(s, p.b.id, NULL, &l), 0); /* never another organisation's */
    notification_list_release(&l);
}

/* The helpers every backend shares (src/store/store_int.h), without a backend. */
static void test_backend_helpers(void **state)
{
    struct audit_rec a, b;
    struct audit_verifier v;
    char out[8];
    UNUSED(state);
    /* a chain of two entries built by store_audit_entry and chained by store_audit_chain
     * verifies, defaults filled in */
    store_audit_entry(&a, NULL, "x.create", "x", NULL, NULL, NULL, T0);
    store_audit_chain(&a, 0, AUDIT_GENESIS);
    store_audit_entry(&b, ACTOR, "x.update", "x", "id", "d", "ab", T0 + 1);
    store_audit_chain(&b, a.seq, a.hash);
    assert_int_equal(a.seq, 1);
    assert_string_equal(a.actor, "system");
    assert_string_equal(a.object_id, "");
    assert_int_equal(b.seq, 2);
    assert_string_equal(b.prev_hash, a.hash);
    audit_verifier_init(&v);
    assert_int_equal(audit_verifier_feed(&v, &a), 0);
    assert_int_equal(audit_verifier_feed(&v, &b), 0);
    b.at++; /* any change breaks the seal */
    audit_verifier_init(&v);
    audit_verifier_feed(&v, &a);
    assert_int_not_equal(audit_verifier_feed(&v, &b), 0);
    /* bounded copies never cut a UTF-8 character */
    store_utf8_cut(out, sizeof(out), "abc");
    assert_string_equal(out, "abc");
    store_utf8_cut(out, sizeof(out), "abcdefghij");
    assert_string_equal(out, "abcdefg");
    store_utf8_cut(out, sizeof(out), "ab受理番号"); /* 3 bytes each: "ab受" + 2 bytes of 理 */
    assert_string_equal(out, "ab受");
    /* an account write's checks on member counts */
    struct user_write w = {.pre = ACCOUNT_PRE_NO_ADMIN, .admin_role = ROLE_ORG_ADMIN};
    struct org_members m = {.members = 2, .org_admins = 0, .admins = 0};
    assert_int_equal(store_account_pre_holds(&w, &m), STORE_OK);
    assert_int_equal(store_account_admin_left(&w, &m), STORE_CONFLICT);
    m.org_admins = 1;
    assert_int_equal(store_account_pre_holds(&w, &m), STORE_CONFLICT);
    assert_int_equal(store_account_admin_left(&w, &m), STORE_OK);
    w.pre = ACCOUNT_PRE_NO_MEMBERS;
    assert_int_equal(store_account_pre_holds(&w, &m), STORE_CONFLICT);
    w.admin_role = ROLE_ADMIN;
    assert_int_equal(store_account_admin_left(&w, &m), STORE_CONFLICT);
    /* a token is usable unless revoked, its user disabled, expired or without a role */
    struct principal pr = {.role = ROLE_REPORTER, .expires_at = T0 + 1};
    assert_int_equal(store_token_usable(&pr, 0, false, T0), STORE_OK);
    assert_int_equal(store_token_usable(&pr, 0, false, T0 + 1), STORE_NOT_FOUND);
    assert_int_equal(store_token_usable(&pr, T0 - 1, false, T0), STORE_NOT_FOUND);
    assert_int_equal(store_token_usable(&pr, 0, true, T0), STORE_NOT_FOUND);
    pr.expires_at = 0; /* never expires */
    assert_int_equal(store_token_usable(&pr, 0, false, T0 + 100 * HOUR), STORE_OK);
    pr.role = ROLE_NONE;
    assert_int_equal(store_token_usable(&pr, 0, false, T0), STORE_NOT_FOUND);
    /* a claim's busy recipients */
    const char *busy[] = {"r-one", "r-two"};
    struct claim_request cr = {.busy = busy, .nbusy = 2};
    assert_true(store_claim_busy(&cr, "r-two"));
    assert_false(store_claim_busy(&cr, "r-three"));
    cr.nbusy = 0;
    assert_false(store_claim_busy(&cr, "r-one"));
    /* a claim takes the earliest due of what each recipient offered, ties by id */
    struct store_claim_candidate cc[] = {{"c", T0 + 2}, {"b", T0}, {"a", T0 + 2}, {"d", T0 + 1}};
    assert_int_equal(store_claim_earliest(cc, 4, 3), 3);
    assert_string_equal(cc[0].id, "b");
    assert_string_equal(cc[1].id, "d");
    assert_string_equal(cc[2].id, "a");
    assert_string_equal(cc[3].id, "c");
    assert_int_equal(store_claim_earliest(cc, 4, 10), 4);
    assert_int_equal(store_claim_earliest(NULL, 0, 10), 0);
    /* due states as stored: every name read back, unknown ones as a set deadline */
    for (int i = 0; i <= DUE_CALENDAR_GAP; i++)
        assert_int_equal(store_due_state_parse(rules_due_state_name((enum rules_due_state)i)), i);
    assert_int_equal(store_due_state_parse(NULL), DUE_SET);
    assert_int_equal(store_due_state_parse("nonsense"), DUE_SET);
    /* reminder lead times as stored, round trip; a short buffer stays terminated */
    int leads[REMINDER_LEADS_MAX] = {72, 24, 4}, back[REMINDER_LEADS_MAX];
    char text[16 * REMINDER_LEADS_MAX + 4], small[6];
    store_leads_format(leads, 3, text, sizeof(text));
    assert_string_equal(text, "[72,24,4]");
    assert_int_equal(store_leads_parse(text, back, REMINDER_LEADS_MAX), 3);
    assert_memory_equal(back, leads, 3 * sizeof(int));
    assert_int_equal(store_leads_parse(text, back, 2), 2); /* at most max */
    store_leads_format(leads, 0, text, sizeof(text));
    assert_string_equal(text, "[]");
    assert_int_equal(store_leads_parse(text, back, REMINDER_LEADS_MAX), 0);
    assert_int_equal(store_leads_parse(NULL, back, REMINDER_LEADS_MAX), 0);
    store_leads_format(leads, 3, small, sizeof(small));
    assert_string_equal(small, "[72,2");
    for (int i = 0; i < REMINDER_LEADS_MAX; i++)
        leads[i] = 1000000 + i; /* the longest the settings allow fit the documented size */
    store_leads_format(leads, REMINDER_LEADS_MAX, text, sizeof(text));
    assert_int_equal(store_leads_parse(text, back, REMINDER_LEADS_MAX), REMINDER_LEADS_MAX);
    assert_int_equal(back[REMINDER_LEADS_MAX - 1], 1000000 + REMINDER_LEADS_MAX - 1);
    /* which status takes a receipt, and which a filing */
    assert_true(store_receipt_allowed("available", false));
    assert_true(store_receipt_allowed("delivered", false));
    assert_false(store_receipt_allowed("awaiting_filing", false));
    assert_false(store_receipt_allowed("acknowledged", false));
    assert_true(store_receipt_allowed("awaiting_filing", true));
    assert_false(store_receipt_allowed("delivered", true));
    /* a notification's delivery outcomes */
    struct store_note_outcome no;
    struct delivery_result nd = {.id = "n", .at = T0, .next_attempt_at = T0 + HOUR, .error = "503"};
    static const struct {
        enum delivery_outcome outcome;
        const char *status;
        int64_t delivered_at, next_at;
        bool error;
    } outcomes[] = {
        {OUTCOME_DELIVERED, "delivered", T0, T0, false},
        {OUTCOME_ACKNOWLEDGED, "delivered", T0, T0, false},
        {OUTCOME_RETRY, "queued", 0, T0 + HOUR, true},
        {OUTCOME_FAILED, "failed", 0, T0, true},
    };
    for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++) {
        nd.outcome = outcomes[i].outcome;
        store_note_outcome(&nd, &no);
        assert_string_equal(no.status, outcomes[i].status);
        assert_int_equal(no.delivered_at, outcomes[i].delivered_at);
        assert_int_equal(no.next_attempt_at, outcomes[i].next_at);
        assert_true(outcomes[i].error ? no.last_error == nd.error : no.last_error == NULL);
    }
    /* candidates a backend read for a reminder scan are freed with their summaries (ASan) */
    struct reminder_candidate *rc = xcalloc(2, sizeof(*rc));
    rc[0].incident_summary = xstrdup("要約");
    store_reminder_candidates_free(rc, 2);
}

/* The tracing wrapper (store_trace.h): each call counted and timed under its own operation,
 * delegated to the wrapped store, close included; the backend's name kept. */
static size_t trace_index(const char *op)
{
    for (size_t i = 0; i < STORE_TRACE_NOPS; i++)
        if (!strcmp(store_trace_op_name(i), op))
            return i;
    fail_msg("no traced operation %s", op);
    return 0;
}

static void test_trace_wrapper(void **state)
{
    struct fx *f = *state;
    struct store_trace t;
    struct org o;
    store_trace_init(&t);
    assert_null(store_trace_op_name(STORE_TRACE_NOPS));
    assert_string_equal(store_trace_op_name(0), "close");
    struct store *w = store_trace_wrap(f->s, &t);
    assert_string_equal(w->ops->name, f->s->ops->name);
    assert_int_equal(store_ready(w), STORE_OK);
    assert_int_equal(store_ready(w), STORE_OK);
    assert_int_equal(add_org(w, NULL, &o, T0), STORE_OK);
    assert_int_equal(store_org_get(w, o.id, &o), STORE_OK); /* delegated: the row is there */
    assert_int_equal(store_org_get(f->s, "01a20000-0000-7000-8000-000000000000", &o),
                     STORE_NOT_FOUND); /* the wrapped store directly: not counted */
    assert_int_equal(atomic_load(&t.op[trace_index("ready")].calls), 2);
    assert_int_equal(atomic_load(&t.op[trace_index("ready")].latency.count), 2);
    assert_int_equal(atomic_load(&t.op[trace_index("org_create")].calls), 1);
    assert_int_equal(atomic_load(&t.op[trace_index("org_get")].calls), 1);
    assert_int_equal(atomic_load(&t.op[trace_index("org_get")].unavailable), 0);
    assert_int_equal(atomic_load(&t.op[trace_index("user_get")].calls), 0);
    store_close(w); /* closes the wrapped store too */
    f->s = NULL;
    assert_int_equal(atomic_load(&t.op[trace_index("close")].calls), 1);
    store_trace_log(&t); /* below the suite's log level: only that it runs */
}

/* Issue 10 item 7: the inbox of a recipient in each order with keyset pages and filters; a
 * request with its reporter's notification, answered by the next submission to its recipient
 * in the submit's transaction; the arrival event of a subscribed receiving organisation. */
static void test_inbox_requests(void **state)
{
    struct store *s = S(state);
    struct outbox_fixture f;
    struct submission_new items[3];
    char ids[3][UUID_STR_LEN];
    struct inbox_page pg;
    int created;
    outbox_setup(s, &f);
    new_sub(&items[0], ids[0], f.ob[0], "r-box", "inbox", "available");
    new_sub(&items[1], ids[1], f.ob[1], "r-box", "webhook", "queued");
    new_sub(&items[2], ids[2], f.ob[2], "r-doc", "document", "awaiting_filing");
    assert_int_equal(submit_items(s, &f, 1, items, 3, &created), STORE_OK);
    const char *const rcps[] = {"r-box", "r-doc"};
    struct inbox_filter flt = {.recipients = rcps, .nrecipients = 2, .limit = 1};
    /* newest first, one a page: same created_at, so by id descending; documents never listed */
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 1);
    assert_true(pg.more);
    assert_string_equal(pg.items[0].s.id, ids[1]);
    assert_string_equal(pg.items[0].org_name_ja, f.p.a.name_ja);
    assert_non_null(pg.items[0].title);
    assert_non_null(strstr(pg.items[0].categories, ",ransomware,"));
    assert_null(pg.items[0].s.payload);
    flt.after_id = ids[1];
    inbox_page_release(&pg);
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 1);
    assert_false(pg.more);
    assert_string_equal(pg.items[0].s.id, ids[0]);
    inbox_page_release(&pg);
    flt.after_id = NULL;
    flt.sort = INBOX_RECEIVED_ASC;
    flt.limit = 5;
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 2);
    assert_string_equal(pg.items[0].s.id, ids[0]);
    inbox_page_release(&pg);
    flt.sort = INBOX_DEADLINE; /* no ledger rows here: nothing to walk by deadline */
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 0);
    inbox_page_release(&pg);
    flt.sort = INBOX_RECEIVED_DESC;
    flt.category = "ddos";
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 0);
    inbox_page_release(&pg);
    flt.category = NULL;
    flt.stage_id = "final";
    flt.unacknowledged = true;
    assert_int_equal(store_submission_receipt(s, ids[0], "R-1", NULL, false, "u", T0 + 20),
                     STORE_OK);
    assert_int_equal(store_inbox_list(s, &flt, &pg), STORE_OK);
    assert_int_equal(pg.n, 1);
    assert_string_equal(pg.items[0].s.id, ids[1]);
    inbox_page_release(&pg);

    /* a request, its audit entry and the reporter's notification (dedupe request:<id>) */
    struct request_rec rq = {0}, got;
    uuid_v7_new(rq.id);
    xstrlcpy(rq.submission_id, ids[0], sizeof(rq.submission_id));
    xstrlcpy(rq.incident_id, f.incident, sizeof(rq.incident_id));
    xstrlcpy(rq.org_id, f.p.a.id, sizeof(rq.org_id));
    xstrlcpy(rq.recipient_id, "r-box", sizeof(rq.recipient_id));
    xstrlcpy(rq.authority_org_id, f.p.b.id, sizeof(rq.authority_org_id));
    xstrlcpy(rq.kind, "information", sizeof(rq.kind));
    rq.message = (char *)"被害件数を教えてください";
    xstrlcpy(rq.lang, "ja", sizeof(rq.lang));
    rq.reply_by = T0 + 1000;
    xstrlcpy(rq.created_by, f.p.ub.id, sizeof(rq.created_by));
    rq.created_at = T0 + 30;
    int64_t count = audit_check(s, NULL);
    assert_int_equal(store_request_create(s, &rq, "{\"event\":\"request.created\"}"), STORE_OK);
    audit_expect(s, &count, "request.create", rq.id);
    struct notification_list nl;
    assert_int_equal(store_notifications_list(s, f.p.a.id, 10, &nl), STORE_OK);
    assert_int_equal(nl.n, 1);
    assert_string_equal(nl.items[0].kind, "request");
    assert_string_equal(nl.items[0].status, "not_sent"); /* no reminder webhook */
    notification_list_release(&nl);
    assert_int_equal(store_request_get(s, rq.id, &got), STORE_OK);
    assert_string_equal(got.message, rq.message);
    assert_int_equal(got.answered_at, 0);
    request_rec_release(&got);
    struct request_list rl;
    struct request_filter rf = {.open_of_org = f.p.a.id, .limit = 10};
    assert_int_equal(store_requests_list(s, &rf, &rl), STORE_OK);
    assert_int_equal(rl.n, 1);
    request_list_release(&rl);

    /* the organisation of r-box subscribes (an enabled webhook); the next submit to r-box
     * answers the request and announces its arrival, once */
    assert_int_equal(store_binding_set(s, "r-box", f.p.b.id, ACTOR, T0 + 40), STORE_OK);
    struct reminder_settings sub = {.enabled = true, .secret_len = 32};
    xstrlcpy(sub.org_id, f.p.b.id, sizeof(sub.org_id));
    xstrlcpy(sub.endpoint, "https://authority.example/arrivals", sizeof(sub.endpoint));
    memset(sub.secret, 's', 32);
    assert_int_equal(store_reminders_set(s, &sub, ACTOR, T0 + 41), STORE_OK);
    struct submission_new more;
    char more_id[UUID_STR_LEN];
    new_sub(&more, more_id, f.ob[3], "r-box", "inbox", "available");
    assert_int_equal(submit_items(s, &f, 1, &more, 1, &created), STORE_OK);
    assert_int_equal(store_request_get(s, rq.id, &got), STORE_OK);
    assert_string_equal(got.answered_by, more_id);
    assert_int_equal(got.answered_at, T0 + 10);
    request_rec_release(&got);
    assert_int_equal(store_requests_list(s, &rf, &rl), STORE_OK);
    assert_int_equal(rl.n, 0); /* no longer open */
    request_list_release(&rl);
    rf = (struct request_filter){.submission_id = ids[0], .limit = 10};
    assert_int_equal(store_requests_list(s, &rf, &rl), STORE_OK);
    assert_int_equal(rl.n, 1);
    request_list_release(&rl);
    assert_int_equal(store_notifications_list(s, f.p.b.id, 10, &nl), STORE_OK);
    size_t arrivals = 0;
    for (size_t i = 0; i < nl.n; i++)
        if (!strcmp(nl.items[i].kind, "arrival")) {
            arrivals++;
            assert_string_equal(nl.items[i].status, "queued");
            assert_non_null(strstr(nl.items[i].payload, more_id));
        }
    assert_int_equal(arrivals, 1);
    notification_list_release(&nl);
}

/* Which open request a new submission answers (store_request_answered_by, issue 10 item 7):
 * one to its recipient; for an intermediate report, only the requested stage's obligation;
 * never one already answered. */
static void test_request_answered_by(void **state)
{
    struct request_rec r = {.recipient_id = "nco"};
    UNUSED(state);
    assert_true(store_request_answered_by(&r, "nco", "ob-1"));
    assert_false(store_request_answered_by(&r, "ppc", "ob-1"));
    xstrlcpy(r.obligation_id, "ob-2", sizeof(r.obligation_id));
    assert_false(store_request_answered_by(&r, "nco", "ob-1"));
    assert_true(store_request_answered_by(&r, "nco", "ob-2"));
    r.answered_at = 5;
    assert_false(store_request_answered_by(&r, "nco", "ob-2"));
}

/* ---- the web UI (issue 12) ---- */

/* A token's last use: the lookup reports its creation, then each touch (never backwards), and a
 * revoked token is not touched. The lookup also tells whether the user has two-factor on and
 * whether the token is a browser session ("web", "web-setup"). */
static void test_token_touch(void **state)
{
    struct store *s = S(state);
    struct org o;
    struct user u;
    struct token_rec t, w;
    struct principal p;
    char plain[AUTH_TOKEN_LEN + 1], wplain[AUTH_TOKEN_LEN + 1];
    unsigned char h[HASH_SHA256_LEN], wh[HASH_SHA256_LEN];
    assert_int_equal(add_org(s, NULL, &o, T0), STORE_OK);
    assert_int_equal(add_user(s, o.id, "touchy", ROLE_REPORTER, &u, T0), STORE_OK);
    assert_int_equal(add_token(s, u.id, "session", 0, &t, plain, T0 + 5), STORE_OK);
    assert_int_equal(add_token(s, u.id, "web-setup", 0, &w, wplain, T0 + 5), STORE_OK);
    assert_int_equal(auth_token_hash(plain, strlen(plain), h), 0);
    assert_int_equal(auth_token_hash(wplain, strlen(wplain), wh), 0);
    int64_t count = audit_check(s, NULL);
    assert_int_equal(store_token_lookup(s, h, T0 + 6, &p), STORE_OK);
    assert_int_equal(p.last_used_at, T0 + 5);
    assert_false(p.web_session);
    assert_false(p.two_factor_enabled);
    assert_int_equal(store_token_touch(s, t.id, T0 + 100), STORE_OK);
    assert_int_equal(store_token_touch(s, t.id, T0 + 50), STORE_OK); /* never backwards */
    assert_int_equal(store_token_lookup(s, h, T0 + 101, &p), STORE_OK);
    assert_int_equal(p.last_used_at, T0 + 100);
    audit_unchanged(s, count); /* bookkeeping, not a change of rights */
    assert_int_equal(store_token_lookup(s, wh, T0 + 101, &p), STORE_OK);
    assert_true(p.web_session);
    assert_true(p.password_change_only);
    assert_int_equal(store_token_revoke(s, t.id, NULL, ACTOR, T0 + 200), STORE_OK);
    assert_int_equal(store_token_touch(s, t.id, T0 + 300), STORE_OK);
    assert_int_equal(store_token_lookup(s, h, T0 + 301, &p), STORE_NOT_FOUND);
}

static void recovery_fill(struct recovery_set *c, unsigned char seed)
{
    memset(c, 0, sizeof(*c));
    c->n = STORE_RECOVERY_CODES;
    for (size_t i = 0; i < c->n; i++)
        memset(c->hash[i], seed + (int)i, HASH_SHA256_LEN);
}

/* TOTP enrolment, its one-time steps and recovery codes, each audited without secrets. */
static void test_two_factor(void **state)
{
    struct store *s = S(state);
    struct org o;
    struct user u;
    struct totp_rec t, got;
    struct recovery_set codes, fresh;
    struct token_rec tok;
    struct principal p;
    char plain[AUTH_TOKEN_LEN + 1];
    unsigned char key[32], key2[32], h[HASH_SHA256_LEN];
    assert_int_equal(add_org(s, NULL, &o, T0), STORE_OK);
    assert_int_equal(add_user(s, o.id, "twofa", ROLE_AUTHORITY, &u, T0), STORE_OK);
    assert_int_equal(add_token(s, u.id, "session", 0, &tok, plain, T0), STORE_OK);
    assert_int_equal(auth_token_hash(plain, strlen(plain), h), 0);
    /* the server key is made once and stays */
    assert_int_equal(store_server_key(s, "totp", key), STORE_OK);
    assert_int_equal(store_server_key(s, "totp", key2), STORE_OK);
    assert_memory_equal(key, key2, 32);
    assert_int_equal(store_server_key(s, "no-such-key", key2), STORE_NOT_FOUND);
    int64_t count = audit_check(s, NULL);
    assert_int_equal(store_totp_get(s, u.id, &got), STORE_NOT_FOUND);
    memset(&t, 0, sizeof(t));
    xstrlcpy(t.user_id, u.id, sizeof(t.user_id));
    memset(t.sealed, 7, 60);
    t.sealed_len = 60;
    assert_int_equal(store_totp_begin(s, &t, T0 + 1), STORE_OK);
    audit_expect(s, &count, "two_factor.begin", u.id);
    t.sealed[0] = 8; /* a second enrolment replaces a pending one */
    assert_int_equal(store_totp_begin(s, &t, T0 + 2), STORE_OK);
    audit_expect(s, &count, "two_factor.begin", u.id);
    assert_int_equal(store_totp_get(s, u.id, &got), STORE_OK);
    assert_int_equal(got.sealed_len, 60);
    assert_int_equal(got.sealed[0], 8);
    assert_int_equal(got.enabled_at, 0);
    /* steps and recovery codes need an enabled enrolment */
    assert_int_equal(store_totp_use_step(s, u.id, 100), STORE_CONFLICT);
    recovery_fill(&codes, 1);
    assert_int_equal(store_recovery_set(s, u.id, &codes, T0 + 2), STORE_CONFLICT);
    assert_int_equal(store_token_lookup(s, h, T0 + 2, &p), STORE_OK);
    assert_false(p.two_factor_enabled);
    assert_int_equal(store_totp_enable(s, u.id, 100, &codes, T0 + 3), STORE_OK);
    audit_expect(s, &count, "two_factor.enable", u.id);
    assert_int_equal(store_totp_enable(s, u.id, 101, &codes, T0 + 3), STORE_CONFLICT);
    assert_int_equal(store_totp_begin(s, &t, T0 + 3), STORE_CONFLICT); /* enabled: kept */
    assert_int_equal(store_token_lookup(s, h, T0 + 3, &p), STORE_OK);
    assert_true(p.two_factor_enabled);
    /* a step is accepted once, and only a newer one after it */
    assert_int_equal(store_totp_use_step(s, u.id, 100), STORE_CONFLICT);
    assert_int_equal(store_totp_use_step(s, u.id, 99), STORE_CONFLICT);
    assert_int_equal(store_totp_use_step(s, u.id, 102), STORE_OK);
    assert_int_equal(store_totp_use_step(s, u.id, 101), STORE_CONFLICT);
    assert_int_equal(store_totp_get(s, u.id, &got), STORE_OK);
    assert_int_equal(got.last_step, 102);
    audit_unchanged(s, count);
    /* a recovery code works once */
    assert_int_equal(store_recovery_use(s, u.id, codes.hash[3], T0 + 4), STORE_OK);
    audit_expect(s, &count, "two_factor.recovery_used", u.id);
    assert_int_equal(store_recovery_use(s, u.id, codes.hash[3], T0 + 5), STORE_NOT_FOUND);
    /* a new set voids the old one */
    recovery_fill(&fresh, 100);
    assert_int_equal(store_recovery_set(s, u.id, &fresh, T0 + 6), STORE_OK);
    audit_expect(s, &count, "two_factor.recovery_codes", u.id);
    assert_int_equal(store_recovery_use(s, u.id, codes.hash[4], T0 + 7), STORE_NOT_FOUND);
    assert_int_equal(store_recovery_use(s, u.id, fresh.hash[4], T0 + 7), STORE_OK);
    count = audit_check(s, NULL);
    /* off: enrolment and codes gone */
    assert_int_equal(store_totp_disable(s, u.id, ACTOR, T0 + 8), STORE_OK);
    audit_expect(s, &count, "two_factor.disable", u.id);
    assert_int_equal(store_totp_disable(s, u.id, ACTOR, T0 + 8), STORE_NOT_FOUND);
    assert_int_equal(store_totp_get(s, u.id, &got), STORE_NOT_FOUND);
    assert_int_equal(store_recovery_use(s, u.id, fresh.hash[5], T0 + 9), STORE_NOT_FOUND);
}

static void new_draft(struct draft_rec *d, const char *org_id, const char *author,
                      const char *title, const char *body)
{
    memset(d, 0, sizeof(*d));
    uuid_v7_new(d->id);
    xstrlcpy(d->org_id, org_id, sizeof(d->org_id));
    xstrlcpy(d->author_id, author, sizeof(d->author_id));
    xstrlcpy(d->title, title, sizeof(d->title));
    d->body = (char *)body;
}

/* Drafts: created at version 1, saved only against the current version, listed per
 * organisation most recently saved first without bodies, deleted; each write audited. */
static void test_drafts(void **state)
{
    struct store *s = S(state);
    struct org a, b;
    struct user u;
    struct draft_rec d1, d2, d3, got, *list = NULL;
    size_t n = 0;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_org(s, NULL, &b, T0), STORE_OK);
    assert_int_equal(add_user(s, a.id, "drafter", ROLE_REPORTER, &u, T0), STORE_OK);
    int64_t count = audit_check(s, NULL);
    new_draft(&d1, a.id, u.id, "first", "{\"a\":1}");
    new_draft(&d2, a.id, u.id, "", "{}");
    new_draft(&d3, b.id, u.id, "other org", "{}");
    assert_int_equal(store_draft_create(s, &d1, T0 + 1), STORE_OK);
    audit_expect(s, &count, "draft.create", d1.id);
    assert_int_equal(store_draft_create(s, &d2, T0 + 2), STORE_OK);
    assert_int_equal(store_draft_create(s, &d3, T0 + 3), STORE_OK);
    count = audit_check(s, NULL);
    struct draft_rec bad;
    new_draft(&bad, "no-such-org", u.id, "x", "{}");
    assert_int_equal(store_draft_create(s, &bad, T0 + 3), STORE_INVALID);
    audit_unchanged(s, count);
    assert_int_equal(store_draft_get(s, d1.id, &got), STORE_OK);
    assert_string_equal(got.body, "{\"a\":1}");
    assert_string_equal(got.title, "first");
    assert_string_equal(got.org_id, a.id);
    assert_string_equal(got.incident_id, "");
    assert_int_equal(got.version, 1);
    assert_int_equal(got.updated_at, T0 + 1);
    draft_rec_release(&got);
    /* saved against the current version only */
    d1.body = "{\"a\":2}";
    xstrlcpy(d1.incident_id, "0190aaaa-0000-7000-8000-000000000001", sizeof(d1.incident_id));
    assert_int_equal(store_draft_update(s, &d1, 2, ACTOR, T0 + 4), STORE_CONFLICT);
    assert_int_equal(store_draft_update(s, &d1, 1, ACTOR, T0 + 4), STORE_OK);
    audit_expect(s, &count, "draft.update", d1.id);
    assert_int_equal(store_draft_update(s, &d1, 1, ACTOR, T0 + 5), STORE_CONFLICT);
    assert_int_equal(store_draft_get(s, d1.id, &got), STORE_OK);
    assert_string_equal(got.body, "{\"a\":2}");
    assert_string_equal(got.incident_id, d1.incident_id);
    assert_int_equal(got.version, 2);
    draft_rec_release(&got);
    /* the organisation's, most recently saved first, without bodies */
    assert_int_equal(store_draft_list(s, a.id, 10, &list, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].id, d1.id);
    assert_string_equal(list[1].id, d2.id);
    assert_null(list[0].body);
    free(list);
    assert_int_equal(store_draft_list(s, a.id, 1, &list, &n), STORE_OK);
    assert_int_equal(n, 1);
    free(list);
    /* deleted */
    assert_int_equal(store_draft_delete(s, d1.id, ACTOR, T0 + 6), STORE_OK);
    audit_expect(s, &count, "draft.delete", d1.id);
    assert_int_equal(store_draft_delete(s, d1.id, ACTOR, T0 + 6), STORE_NOT_FOUND);
    assert_int_equal(store_draft_get(s, d1.id, &got), STORE_NOT_FOUND);
    assert_int_equal(store_draft_update(s, &d1, 2, ACTOR, T0 + 7), STORE_NOT_FOUND);
}

/* ---- advisories and clearances (issue 13) ---- */

static struct advisory_write adv_write(const char *id, const char *org, const char *author,
                                       const char *tlp, const char *action, int64_t now)
{
    struct advisory_write w = {.id = id,
                               .org_id = org,
                               .author_id = author,
                               .tlp = tlp,
                               .clearance = "",
                               .audience = "{\"orgs\":[]}",
                               .title = "{\"en\":\"t\"}",
                               .body = "{\"v\":1}",
                               .body_sha256 = "00",
                               .audit_action = action,
                               .now_ms = now};
    return w;
}

/* Create, versions (immutable, If-Match semantics), lists newest first with acknowledgements,
 * withdrawal, acknowledgements, notifications written with a version. */
static void test_advisories(void **state)
{
    struct store *s = S(state);
    struct org a, b;
    struct user u;
    char id1[UUID_STR_LEN], id2[UUID_STR_LEN];
    struct advisory_rec got;
    struct advisory_list l;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_org(s, NULL, &b, T0), STORE_OK);
    assert_int_equal(add_user(s, a.id, "analyst", ROLE_AUTHORITY, &u, T0), STORE_OK);
    uuid_v7_new(id1);
    uuid_v7_new(id2);
    int64_t count = audit_check(s, NULL);
    struct advisory_write w = adv_write(id1, a.id, u.id, "TLP:AMBER", "advisory.create", T0 + 1);
    struct notification_new note = {.at = T0 + 1, .payload = "{\"event\":\"advisory.published\"}"};
    xstrlcpy(note.id, "note-adv-1", sizeof(note.id));
    xstrlcpy(note.org_id, b.id, sizeof(note.org_id));
    xstrlcpy(note.kind, "advisory", sizeof(note.kind));
    xstrlcpy(note.dedupe, "advisory:1:v1", sizeof(note.dedupe));
    w.notes = &note;
    w.nnotes = 1;
    assert_int_equal(store_advisory_create(s, &w), STORE_OK);
    audit_expect(s, &count, "advisory.create", id1);
    struct notification_list nl;
    assert_int_equal(store_notifications_list(s, b.id, 10, &nl), STORE_OK);
    assert_int_equal(nl.n, 1);
    assert_string_equal(nl.items[0].kind, "advisory");
    notification_list_release(&nl);
    struct advisory_write bad =
        adv_write(id2, "no-such-org", u.id, "TLP:RED", "advisory.create", T0 + 2);
    assert_int_equal(store_advisory_create(s, &bad), STORE_INVALID);
    audit_unchanged(s, count);
    w = adv_write(id2, a.id, u.id, "TLP:GREEN", "advisory.create", T0 + 2);
    assert_int_equal(store_advisory_create(s, &w), STORE_OK);
    count = audit_check(s, NULL);
    /* amended against the latest version only, by its organisation only */
    w = adv_write(id1, a.id, u.id, "TLP:GREEN", "advisory.tlp_downgrade", T0 + 3);
    w.body = "{\"v\":2}";
    w.clearance = "jp-ceis";
    w.expected_version = 2;
    assert_int_equal(store_advisory_amend(s, &w), STORE_CONFLICT);
    w.org_id = b.id;
    w.expected_version = 1;
    assert_int_equal(store_advisory_amend(s, &w), STORE_NOT_FOUND);
    w.org_id = a.id;
    assert_int_equal(store_advisory_amend(s, &w), STORE_OK);
    audit_expect(s, &count, "advisory.tlp_downgrade", id1);
    assert_int_equal(store_advisory_amend(s, &w), STORE_CONFLICT);
    w.id = "0190aaaa-0000-7000-8000-000000000009";
    assert_int_equal(store_advisory_amend(s, &w), STORE_NOT_FOUND);
    audit_unchanged(s, count);
    assert_int_equal(store_advisory_get(s, id1, 0, &got), STORE_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.latest_version, 2);
    assert_string_equal(got.tlp, "TLP:GREEN");
    assert_string_equal(got.clearance, "jp-ceis");
    assert_string_equal(got.body, "{\"v\":2}");
    assert_int_equal(got.created_at, T0 + 1);
    assert_int_equal(got.updated_at, T0 + 3);
    advisory_rec_release(&got);
    assert_int_equal(store_advisory_get(s, id1, 1, &got), STORE_OK); /* the old one as it was */
    assert_int_equal(got.version, 1);
    assert_string_equal(got.tlp, "TLP:AMBER");
    assert_string_equal(got.clearance, "");
    assert_string_equal(got.body, "{\"v\":1}");
    assert_string_equal(got.audience, "{\"orgs\":[]}");
    assert_string_equal(got.title, "{\"en\":\"t\"}");
    advisory_rec_release(&got);
    assert_int_equal(store_advisory_get(s, id1, 3, &got), STORE_NOT_FOUND);
    assert_int_equal(store_advisory_get(s, "nope", 0, &got), STORE_NOT_FOUND);
    /* acknowledged by an organisation: the list says which version, per organisation */
    assert_int_equal(store_advisory_ack(s, id1, b.id, u.id, 1, T0 + 4), STORE_OK);
    audit_expect(s, &count, "advisory.acknowledge", id1);
    assert_int_equal(store_advisory_ack(s, id1, b.id, u.id, 2, T0 + 5), STORE_OK);
    assert_int_equal(
        store_advisory_ack(s, "0190aaaa-0000-7000-8000-00000000000a", b.id, u.id, 1, T0 + 5),
        STORE_NOT_FOUND);
    struct advisory_ack *acks = NULL;
    size_t nacks = 0;
    assert_int_equal(store_advisory_acks(s, id1, &acks, &nacks), STORE_OK);
    assert_int_equal(nacks, 1);
    assert_string_equal(acks[0].org_id, b.id);
    assert_int_equal(acks[0].version, 2);
    free(acks);
    struct advisory_filter f = {.ack_org_id = b.id, .limit = 1};
    assert_int_equal(store_advisory_list(s, &f, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.more);
    assert_string_equal(l.items[0].id, id2); /* newest first */
    assert_null(l.items[0].body);
    assert_int_equal(l.items[0].acked_version, 0);
    f.after_id = id2;
    advisory_list_release(&l);
    assert_int_equal(store_advisory_list(s, &f, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_false(l.more);
    assert_string_equal(l.items[0].id, id1);
    assert_int_equal(l.items[0].version, 2); /* the latest version */
    assert_int_equal(l.items[0].acked_version, 2);
    advisory_list_release(&l);
    /* withdrawn once, by its organisation; then no amendment */
    count = audit_check(s, NULL);
    assert_int_equal(store_advisory_withdraw(s, id1, b.id, "r", ACTOR, T0 + 6), STORE_NOT_FOUND);
    assert_int_equal(store_advisory_withdraw(s, id1, a.id, "mistake", ACTOR, T0 + 6), STORE_OK);
    audit_expect(s, &count, "advisory.withdraw", id1);
    assert_int_equal(store_advisory_withdraw(s, id1, a.id, "again", ACTOR, T0 + 7), STORE_CONFLICT);
    assert_int_equal(store_advisory_withdraw(s, "nope", a.id, "r", ACTOR, T0 + 7), STORE_NOT_FOUND);
    w = adv_write(id1, a.id, u.id, "TLP:GREEN", "advisory.amend", T0 + 8);
    w.expected_version = 2;
    assert_int_equal(store_advisory_amend(s, &w), STORE_CONFLICT);
    audit_unchanged(s, count);
    assert_int_equal(store_advisory_get(s, id1, 0, &got), STORE_OK);
    assert_int_equal(got.withdrawn_at, T0 + 6);
    assert_string_equal(got.withdrawn_reason, "mistake");
    advisory_rec_release(&got);
}

/* A user's clearance: none, set, replaced, removed; audited; an unknown user refused. */
static void test_clearances(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct user u;
    struct clearance_rec c = {0}, got;
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    assert_int_equal(add_user(s, a.id, "cleared", ROLE_REPORTER, &u, T0), STORE_OK);
    assert_int_equal(store_clearance_get(s, u.id, &got), STORE_NOT_FOUND);
    int64_t count = audit_check(s, NULL);
    xstrlcpy(c.user_id, u.id, sizeof(c.user_id));
    xstrlcpy(c.level, "jp-ceis", sizeof(c.level));
    c.granted_at = T0;
    c.expires_at = T0 + 1000;
    assert_int_equal(store_clearance_set(s, &c, ACTOR, T0 + 1), STORE_OK);
    audit_expect(s, &count, "user.clearance_set", u.id);
    assert_int_equal(store_clearance_get(s, u.id, &got), STORE_OK);
    assert_string_equal(got.level, "jp-ceis");
    assert_int_equal(got.expires_at, T0 + 1000);
    assert_string_equal(got.granted_by, ACTOR);
    xstrlcpy(c.level, "jp-sds", sizeof(c.level));
    assert_int_equal(store_clearance_set(s, &c, ACTOR, T0 + 2), STORE_OK);
    assert_int_equal(store_clearance_get(s, u.id, &got), STORE_OK);
    assert_string_equal(got.level, "jp-sds");
    assert_int_equal(got.updated_at, T0 + 2);
    count = audit_check(s, NULL);
    c.level[0] = '\0';
    assert_int_equal(store_clearance_set(s, &c, ACTOR, T0 + 3), STORE_OK);
    audit_expect(s, &count, "user.clearance_revoke", u.id);
    assert_int_equal(store_clearance_set(s, &c, ACTOR, T0 + 3), STORE_NOT_FOUND);
    assert_int_equal(store_clearance_get(s, u.id, &got), STORE_NOT_FOUND);
    xstrlcpy(c.user_id, "no-such-user", sizeof(c.user_id));
    xstrlcpy(c.level, "jp-ceis", sizeof(c.level));
    assert_int_equal(store_clearance_set(s, &c, ACTOR, T0 + 4), STORE_INVALID);
    audit_unchanged(s, count + 0);
}

/* ---- TAXII 2.1 (issue 13 item 5) ---- */

static void new_collection(struct taxii_collection_rec *c, const char *owner, const char *alias,
                           const char *title)
{
    memset(c, 0, sizeof(*c));
    uuid_v7_new(c->id);
    xstrlcpy(c->owner_org, owner, sizeof(c->owner_org));
    xstrlcpy(c->alias, alias, sizeof(c->alias));
    xstrlcpy(c->title, title, sizeof(c->title));
    c->tlp = 1;
    c->audience = "{\"sectors\":[\"finance\"]}";
    c->writers = "[]";
}

static void obj_in(struct taxii_object_in *o, const char *id, int64_t version, char *body,
                   size_t bodysz)
{
    snprintf(body, bodysz, "{\"id\":\"%s\",\"v\":%lld}", id, (long long)version);
    *o = (struct taxii_object_in){.id = id,
                                  .type = strncmp(id, "indicator", 9) ? "malware" : "indicator",
                                  .spec_version = "2.1",
                                  .version_ms = version,
                                  .body = body,
                                  .body_len = strlen(body)};
}

/* Adds one version of id; returns its date added (ms). */
static int64_t add_version(struct store *s, const char *coll, const char *org, const char *id,
                           int64_t version, int64_t now_ms, int expect)
{
    char body[200];
    struct taxii_object_in o;
    int result = 99;
    int64_t added = 0;
    obj_in(&o, id, version, body, sizeof(body));
    struct taxii_add a = {coll, org, ACTOR, &o, 1, now_ms, &result, &added};
    assert_int_equal(store_taxii_objects_add(s, &a), STORE_OK);
    assert_int_equal(result, expect);
    return added;
}

static size_t page_ids(struct store *s, struct taxii_obj_query *q, struct taxii_obj_page *p)
{
    assert_int_equal(store_taxii_objects_query(s, q, p), STORE_OK);
    return p->n;
}

static void test_taxii(void **state)
{
    struct store *s = S(state);
    struct org a;
    struct taxii_collection_rec c1, c2, got, *list = NULL;
    struct taxii_obj_page p;
    size_t n = 0;
    const char *m1 = "malware--0f6d9c1e-3f4e-4a3b-9f42-6a8b7d0c1e21";
    const char *i1 = "indicator--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    assert_int_equal(add_org(s, NULL, &a, T0), STORE_OK);
    int64_t count = audit_check(s, NULL);

    /* collections: create, alias unique, update, get by id and alias, list by title */
    new_collection(&c1, a.id, "finance-amber", "Finance");
    new_collection(&c2, a.id, "", "Advisories");
    assert_int_equal(store_taxii_collection_put(s, &c1, ACTOR, T0 + 1), STORE_OK);
    audit_expect(s, &count, "taxii.collection_create", c1.id);
    assert_int_equal(store_taxii_collection_put(s, &c2, ACTOR, T0 + 2), STORE_OK);
    audit_expect(s, &count, "taxii.collection_create", c2.id);
    xstrlcpy(c2.alias, "finance-amber", sizeof(c2.alias));
    assert_int_equal(store_taxii_collection_put(s, &c2, ACTOR, T0 + 3), STORE_EXISTS);
    c2.alias[0] = '\0';
    c2.tlp = 2;
    assert_int_equal(store_taxii_collection_put(s, &c2, ACTOR, T0 + 4), STORE_OK);
    audit_expect(s, &count, "taxii.collection_update", c2.id);
    struct taxii_collection_rec bad;
    new_collection(&bad, "no-such-org", "", "x");
    assert_int_equal(store_taxii_collection_put(s, &bad, ACTOR, T0 + 4), STORE_INVALID);
    assert_int_equal(store_taxii_collection_get(s, "finance-amber", &got), STORE_OK);
    assert_string_equal(got.id, c1.id);
    assert_string_equal(got.audience, c1.audience);
    taxii_collection_rec_release(&got);
    assert_int_equal(store_taxii_collection_get(s, c2.id, &got), STORE_OK);
    assert_int_equal(got.tlp, 2);
    assert_string_equal(got.alias, "");
    taxii_collection_rec_release(&got);
    assert_int_equal(store_taxii_collection_get(s, "nothing", &got), STORE_NOT_FOUND);
    assert_int_equal(store_taxii_collection_list(s, &list, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].title, "Advisories");
    for (size_t i = 0; i < n; i++)
        taxii_collection_rec_release(&list[i]);
    free(list);

    /* objects: date_added strictly increasing even when the clock stands still; the same
     * version again is kept as it was; an unknown collection is not found */
    int64_t d1 = add_version(s, c1.id, a.id, m1, 1000, 5000, STORE_OK);
    audit_expect(s, &count, "taxii.objects_add", c1.id);
    int64_t d2 = add_version(s, c1.id, a.id, i1, 1000, 5000, STORE_OK);
    int64_t d3 = add_version(s, c1.id, a.id, m1, 3000, 4000, STORE_OK); /* newer version */
    int64_t d4 = add_version(s, c1.id, a.id, m1, 500, 9000, STORE_OK);  /* an older one */
    assert_true(d1 == 5000 && d2 == 5001 && d3 == 5002 && d4 == 9000);
    assert_int_equal(add_version(s, c1.id, a.id, m1, 3000, 9500, STORE_REPLAYED), d3);
    int result;
    int64_t added;
    char body[200];
    struct taxii_object_in o;
    obj_in(&o, m1, 1, body, sizeof(body));
    struct taxii_add none = {
        "00000000-0000-7000-8000-000000000000", a.id, ACTOR, &o, 1, 1, &result, &added};
    assert_int_equal(store_taxii_objects_add(s, &none), STORE_NOT_FOUND);

    /* queries: last (default), first, all, explicit versions, ids, types, added_after, limit */
    struct taxii_obj_query q = {.collection_id = c1.id, .limit = 100, .bodies = true};
    assert_int_equal(page_ids(s, &q, &p), 2); /* m1@3000 and i1@1000 */
    assert_string_equal(p.items[0].id, i1);
    assert_int_equal(p.items[1].version_ms, 3000);
    assert_string_equal(p.items[1].body,
                        "{\"id\":\"malware--0f6d9c1e-3f4e-4a3b-9f42-6a8b7d0c1e21\","
                        "\"v\":3000}");
    assert_false(p.more);
    taxii_obj_page_release(&p);
    q.versions = STORE_TAXII_V_FIRST;
    assert_int_equal(page_ids(s, &q, &p), 2); /* i1@1000 and m1@500 */
    assert_int_equal(p.items[1].version_ms, 500);
    taxii_obj_page_release(&p);
    q.versions = STORE_TAXII_V_ALL;
    q.bodies = false;
    assert_int_equal(page_ids(s, &q, &p), 4);
    assert_null(p.items[0].body);
    taxii_obj_page_release(&p);
    int64_t v1000 = 1000;
    q.versions = 0;
    q.version_ms = &v1000;
    q.nver = 1;
    assert_int_equal(page_ids(s, &q, &p), 2); /* both objects have a version 1000 */
    taxii_obj_page_release(&p);
    q.versions = STORE_TAXII_V_LAST;
    const char *types[] = {"malware"};
    q.types = types;
    q.ntypes = 1;
    assert_int_equal(page_ids(s, &q, &p), 2); /* m1@1000 by version, m1@3000 as last */
    taxii_obj_page_release(&p);
    q.nver = 0;
    q.versions = STORE_TAXII_V_ALL;
    q.ntypes = 0;
    q.added_after_ms = d2;
    q.limit = 1;
    assert_int_equal(page_ids(s, &q, &p), 1);
    assert_int_equal(p.items[0].date_added_ms, d3);
    assert_true(p.more);
    taxii_obj_page_release(&p);
    const char *ids[] = {i1};
    q = (struct taxii_obj_query){.collection_id = c1.id, .ids = ids, .nids = 1, .limit = 10};
    assert_int_equal(page_ids(s, &q, &p), 1);
    assert_string_equal(p.items[0].type, "indicator");
    taxii_obj_page_release(&p);

    /* delete: the newest version goes, the one before becomes last */
    int64_t v3000 = 3000;
    q = (struct taxii_obj_query){
        .collection_id = c1.id, .object_id = m1, .version_ms = &v3000, .nver = 1, .limit = 10};
    size_t deleted = 0;
    count = audit_check(s, NULL); /* each add above was audited once, replays too */
    assert_int_equal(store_taxii_object_delete(s, &q, ACTOR, T0 + 5, &deleted), STORE_OK);
    assert_int_equal(deleted, 1);
    audit_expect(s, &count, "taxii.object_delete", c1.id);
    assert_int_equal(store_taxii_object_delete(s, &q, ACTOR, T0 + 5, &deleted), STORE_NOT_FOUND);
    q = (struct taxii_obj_query){.collection_id = c1.id, .object_id = m1, .limit = 10};
    assert_int_equal(page_ids(s, &q, &p), 1);
    assert_int_equal(p.items[0].version_ms, 1000);
    taxii_obj_page_release(&p);
    q.versions = STORE_TAXII_V_ALL;
    assert_int_equal(store_taxii_object_delete(s, &q, ACTOR, T0 + 6, &deleted), STORE_OK);
    assert_int_equal(deleted, 2);
    q.object_id = NULL;
    assert_int_equal(page_ids(s, &q, &p), 1); /* only i1 is left */
    taxii_obj_page_release(&p);

    /* status resources belong to the organisation that posted */
    char org[UUID_STR_LEN], *sbody = NULL, sid[UUID_STR_LEN];
    uuid_v7_new(sid);
    assert_int_equal(store_taxii_status_put(s, sid, c1.id, a.id, "{\"status\":\"complete\"}", T0),
                     STORE_OK);
    assert_int_equal(store_taxii_status_get(s, sid, org, &sbody), STORE_OK);
    assert_string_equal(org, a.id);
    assert_string_equal(sbody, "{\"status\":\"complete\"}");
    free(sbody);
    assert_int_equal(store_taxii_status_get(s, c1.id, org, &sbody), STORE_NOT_FOUND);
    assert_null(sbody);
}

/* ---- copying a store (issue 14 item 3; store_copy.h) ---- */

/* The tables the backend's migrations create, read from their SQL text (not from the catalog
 * the backend's copy_tables reads), so a table copy_tables leaves out fails test_copy_tables. */
static size_t migration_tables(char names[][STORE_NAME_MAX], size_t max)
{
    bool pg = !strcmp(backend->name, "postgresql");
    const struct store_migration *m = pg ? pg_migrations : sq_migrations;
    size_t nm = pg ? pg_migrations_count : sq_migrations_count, n = 0;
    for (size_t i = 0; i < nm; i++)
        for (const char *p = m[i].sql; (p = strstr(p, "CREATE TABLE ")); p++) {
            const char *q = p + strlen("CREATE TABLE ");
            if (!strncmp(q, "IF NOT EXISTS ", 14))
                q += 14;
            size_t len = strcspn(q, " (");
            assert_true(n < max && len < STORE_NAME_MAX);
            memcpy(names[n], q, len);
            names[n++][len] = 0;
        }
    return n;
}

/* Opens the store kept at dir as it is (store_options.as_is), wrapped in the suite's tracer. */
static struct store *open_as_is(const char *dir)
{
    char url[600];
    struct err e;
    backend->url(url, sizeof(url), dir);
    struct store_options o = {
        .url = url, .read_pool_size = 2, .commit_batch_max = 8, .as_is = true};
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        print_error("store_open(as is): %s\n", e.msg);
    return s ? store_trace_wrap(s, &suite_trace) : NULL;
}

/* copy_tables: every table the migrations made (and only those), in dependency order, each
 * column carried; a store just migrated holds rows only in the tables store_copy_seeded names. */
static void test_copy_tables(void **state)
{
    struct store *s = S(state);
    struct store_table_list l;
    struct err e;
    char want[64][STORE_NAME_MAX];
    size_t nwant = migration_tables(want, ARRAY_SIZE(want));
    err_init(&e);
    assert_int_equal(store_copy_tables(s, &l, &e), STORE_OK);
    for (size_t i = 0; i < nwant; i++) {
        bool found = false;
        for (size_t j = 0; j < l.n && !found; j++)
            found = !strcmp(l.items[j].name, want[i]);
        if (!found && strcmp(want[i], "schema_version"))
            fail_msg("table %s is not copied", want[i]);
    }
    size_t bookkeeping = 0; /* a backend's own, if its migrations make it */
    for (size_t i = 0; i < nwant; i++)
        bookkeeping += !strcmp(want[i], "schema_version");
    assert_int_equal(l.n, nwant - bookkeeping);
    for (size_t j = 0; j < l.n; j++) {
        assert_true(l.items[j].ncols > 0);
        for (size_t r = 0; r < l.items[j].nrefs; r++) { /* what it references comes first */
            bool before = !strcmp(l.items[j].refs[r], l.items[j].name);
            for (size_t k = 0; k < j && !before; k++)
                before = !strcmp(l.items[k].name, l.items[j].refs[r]);
            assert_true(before);
        }
    }
    store_table_list_release(&l);
    struct store_copy_report d;
    assert_int_equal(store_copy_digest(s, &d, &e), STORE_OK);
    for (size_t i = 0; i < d.n; i++)
        if ((d.tables[i].rows > 0) != store_copy_seeded(d.tables[i].name))
            fail_msg("a migrated store's table %s has %lld rows", d.tables[i].name,
                     (long long)d.tables[i].rows);
    store_copy_report_release(&d);
}

/* Keeps the store at dir open in another process (SQLite: a reader of the file; PostgreSQL: an
 * ichigen session) until release_other. */
struct other {
    FILE *child;
    PGconn *pg;
};

static void hold_other(const char *dir, struct other *o)
{
    char url[600], cmd[1400], ready[300];
    memset(o, 0, sizeof(*o));
    backend->url(url, sizeof(url), dir);
    if (!strcmp(backend->name, "postgresql")) {
        const char *const keys[] = {"dbname", "application_name", NULL};
        const char *const vals[] = {url, "ichigen", NULL};
        o->pg = PQconnectdbParams(keys, vals, 1);
        assert_int_equal(PQstatus(o->pg), CONNECTION_OK);
        return;
    }
    snprintf(ready, sizeof(ready), "%s/other-ready", dir);
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import sqlite3,sys; c=sqlite3.connect(\"%s/ichigen.db\");"
             " c.execute(\"SELECT count(*) FROM sqlite_schema\").fetchall();"
             " open(\"%s\",\"w\").close(); sys.stdin.read()'",
             dir, ready);
    o->child = popen(cmd, "w");
    assert_non_null(o->child);
    for (int i = 0; i < 3000 && access(ready, F_OK); i++) /* bounded: 30 s */
        usleep(10000);
    assert_int_equal(access(ready, F_OK), 0);
}

static void release_other(struct other *o)
{
    if (o->pg)
        PQfinish(o->pg);
    if (o->child)
        pclose(o->child);
}

/* Moves the store at dir (closed) one schema version back behind the backend's back. */
static void version_back(const char *dir)
{
    char url[600];
    backend->url(url, sizeof(url), dir);
    if (!strcmp(backend->name, "postgresql")) {
        const char *const keys[] = {"dbname", NULL};
        const char *const vals[] = {url, NULL};
        PGconn *c = PQconnectdbParams(keys, vals, 1);
        PGresult *r = PQexec(c, "DELETE FROM schema_version WHERE version ="
                                " (SELECT max(version) FROM schema_version)");
        assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
        PQfinish(c);
        return;
    }
    char cmd[700];
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import sqlite3; c=sqlite3.connect(\"%s/ichigen.db\");"
             " c.execute(\"PRAGMA user_version=%d\"); c.commit()'",
             dir, store_target_schema_version(url) - 1);
    assert_int_equal(system(cmd), 0);
}

static int count_row(const struct store_table *t, const struct store_value *row, void *arg)
{
    UNUSED(t);
    UNUSED(row);
    (*(int64_t *)arg)++;
    return 0;
}

static void reports_equal(struct store *a, struct store *b, const char *id)
{
    struct report_rec x, y;
    assert_int_equal(store_report_get(a, id, 0, &x), STORE_OK);
    assert_int_equal(store_report_get(b, id, 0, &y), STORE_OK);
    assert_int_equal(x.version, y.version);
    assert_int_equal(x.body_len, y.body_len);
    assert_memory_equal(x.body, y.body, x.body_len);
    assert_string_equal(x.body_sha256, y.body_sha256);
    report_rec_release(&x);
    report_rec_release(&y);
    struct obligation_list l, m;
    assert_int_equal(store_obligations_list(a, id, &l), STORE_OK);
    assert_int_equal(store_obligations_list(b, id, &m), STORE_OK);
    assert_int_equal(l.n, m.n);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.items[i].seq, m.items[i].seq);
        assert_string_equal(l.items[i].id, m.items[i].id);
        assert_int_equal(l.items[i].due_ms, m.items[i].due_ms);
        assert_string_equal(l.items[i].explanation, m.items[i].explanation);
    }
    obligation_list_release(&l);
    obligation_list_release(&m);
}

static void digests_equal(struct store *a, struct store *b)
{
    struct store_copy_report x, y;
    struct err e;
    err_init(&e);
    assert_int_equal(store_copy_digest(a, &x, &e), STORE_OK);
    assert_int_equal(store_copy_digest(b, &y, &e), STORE_OK);
    assert_int_equal(x.n, y.n);
    for (size_t i = 0; i < x.n; i++) {
        assert_string_equal(x.tables[i].name, y.tables[i].name);
        assert_int_equal(x.tables[i].rows, y.tables[i].rows);
        assert_string_equal(x.tables[i].sha256, y.tables[i].sha256);
    }
    store_copy_report_release(&x);
    store_copy_report_release(&y);
}

/* store_copy between two stores of the backend: everything carried (the contract reads the
 * same, the server keys are the source's, the chain verifies with the same head), numbering
 * goes on after the copy, and it refuses a destination not empty, at another schema version,
 * and a source another process uses. */
static void test_copy(void **state)
{
    struct store *s = S(state);
    struct people p;
    struct token_rec t;
    struct principal who;
    char plain[AUTH_TOKEN_LEN + 1], id[UUID_STR_LEN], id2[UUID_STR_LEN], dir[64];
    struct err e;
    struct store_copy_report rep;
    people(s, &p);
    assert_int_equal(add_token(s, p.ua.id, "api", 0, &t, plain, T0), STORE_OK);
    create_with_spec(s, p.a.id, p.ua.id, false, ob_base, T0, id);
    assert_int_equal(amend_with_ledger(s, id, p.a.id, p.ua.id, 1, ob_base, T0 + HOUR), STORE_OK);
    if (!strcmp(backend->name, "sqlite")) { /* PostgreSQL's assessments: being ported */
        struct assessment_rec a;
        assert_int_equal(add_assessment(s, p.a.id, "nist-csf", T0, &a), STORE_OK);
        assert_int_equal(store_assessment_submit(s, a.id, 1, "{}", 0.1 + 0.2, ACTOR, T0), STORE_OK);
    }

    assert_int_equal(unit_tmpdir(dir, "copy"), 0);
    struct store *d = backend->open(dir); /* created and migrated */
    assert_non_null(d);
    store_close(d);
    d = open_as_is(dir);
    assert_non_null(d);
    err_init(&e);
    assert_int_equal(store_copy(s, d, &rep, &e), STORE_OK);
    assert_true(rep.n > 20);
    store_copy_report_release(&rep);
    digests_equal(s, d);
    reports_equal(s, d, id);
    unsigned char k1[32], k2[32];
    assert_int_equal(store_server_key(s, "totp", k1), STORE_OK);
    assert_int_equal(store_server_key(d, "totp", k2), STORE_OK);
    assert_memory_equal(k1, k2, 32);
    assert_int_equal(store_token_lookup(d, t.hash, T0, &who), STORE_OK);
    struct audit_rec ha, hb;
    assert_int_equal(audit_check(s, &ha), audit_check(d, &hb));
    assert_string_equal(ha.hash, hb.hash);

    /* not empty now: refused, and nothing changes */
    err_init(&e);
    assert_int_equal(store_copy(s, d, &rep, &e), STORE_CONFLICT);
    assert_non_null(strstr(e.msg, "not empty"));
    digests_equal(s, d);
    /* the copy serves on: generated keys (the ledger's seq) number on past the copied ones */
    create_with_spec(d, p.a.id, p.ua.id, false, ob_base, T0 + 2 * HOUR, id2);
    audit_check(d, NULL);

    /* a source another process uses is refused */
    struct other o;
    struct store_table_list l;
    hold_other(f_dir(state), &o);
    assert_int_equal(store_copy_tables(s, &l, &e), STORE_OK);
    err_init(&e);
    int64_t rows = 0;
    assert_int_equal(store_copy_scan(s, &l, count_row, &rows, &e), STORE_CONFLICT);
    assert_int_equal(rows, 0);
    release_other(&o);
    store_table_list_release(&l);
    store_close(d);
    if (backend->drop)
        backend->drop(dir);
    unit_rmtree(dir);

    /* a destination at another schema version is refused */
    assert_int_equal(unit_tmpdir(dir, "copy"), 0);
    d = backend->open(dir);
    store_close(d);
    version_back(dir);
    d = open_as_is(dir);
    assert_non_null(d);
    err_init(&e);
    assert_int_equal(store_copy(s, d, &rep, &e), STORE_CONFLICT);
    assert_non_null(strstr(e.msg, "schema version"));
    store_close(d);
    if (backend->drop)
        backend->drop(dir);
    unit_rmtree(dir);
}

/* Runs last: every operation of struct store_ops was called by the tests above (through the
 * tracer every backend store is wrapped in), so none is left without a conformance test. */
static void test_every_op_called(void **state)
{
    char missing[2048] = "";
    size_t n = 0;
    UNUSED(state);
    for (size_t i = 0; i < STORE_TRACE_NOPS; i++) {
        if (atomic_load(&suite_trace.op[i].calls))
            continue;
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof(missing) - used, " %s", store_trace_op_name(i));
        n++;
    }
    if (n)
        fail_msg("%zu operation(s) of struct store_ops no conformance test calls:%s", n, missing);
}

static const struct backend backends[] = {
    {"sqlite", url_sqlite, open_sqlite, NULL},
    {"postgresql", url_pg, open_pg, drop_pg},
};

/* Whether the suite runs on b: on PostgreSQL when ICHIGEN_TEST_PG_URL names a server, else on
 * SQLite — one backend per run, so the program prints one TAP plan (meson refuses two);
 * scripts/test.sh runs it once for each. */
static bool backend_enabled(const struct backend *b)
{
    const char *url = getenv("ICHIGEN_TEST_PG_URL");
    bool pg = url && *url;
    return pg == !strcmp(b->name, "postgresql");
}

/* The tests of the suite run on b: all of them, or for PostgreSQL while it is incomplete
 * those ICHIGEN_TEST_PG_ONLY names (comma-separated function names; development aid only). */
static size_t tests_for(const struct backend *b, const struct CMUnitTest *all, size_t n,
                        struct CMUnitTest *out)
{
    const char *only = getenv("ICHIGEN_TEST_PG_ONLY");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = true;
        if (!strcmp(b->name, "postgresql") && only && *only) {
            size_t len = strlen(all[i].name);
            const char *p = only;
            keep = false;
            while (!keep && (p = strstr(p, all[i].name))) {
                keep = (p == only || p[-1] == ',') && (p[len] == ',' || !p[len]);
                p += len;
            }
        }
        if (keep)
            out[k++] = all[i];
    }
    return k;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_ready_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orgs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_touch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_factor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drafts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_advisories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clearances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_taxii, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_create_amend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_scan_latest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sightings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assessments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assessment_peers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orgdocs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_and_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_and_withdraw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbox_and_filing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbox_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_attempt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminders_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binding_announced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_append_and_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_creates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminder_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notification_mail, setup, teardown),
        cmocka_unit_test(test_store_urls),
        cmocka_unit_test(test_audit_entries),
        cmocka_unit_test(test_pinned_table),
        cmocka_unit_test(test_binding_told),
        cmocka_unit_test(test_request_answered_by),
        cmocka_unit_test(test_history_texts),
        cmocka_unit_test(test_backend_helpers),
        cmocka_unit_test_setup_teardown(test_trace_wrapper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_wait, setup, teardown),
        cmocka_unit_test(test_every_op_called), /* last */
    };
    int failed = 0;
    if (hash_global_init())
        return 1;
    char rules_dir[600];
    struct diag_list diags;
    snprintf(rules_dir, sizeof(rules_dir), "%s/tests/data/rules-mini", unit_source_root());
    diag_list_init(&diags);
    RS = rules_load_dir(rules_dir, &diags);
    diag_list_print(&diags, stderr, false);
    diag_list_release(&diags);
    if (!RS)
        return 1;
    log_setup(LOG_WARN, 2); /* migrations log at info */
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        struct CMUnitTest run[ARRAY_SIZE(tests)];
        if (!backend_enabled(&backends[i]))
            continue;
        backend = &backends[i];
        store_trace_init(&suite_trace);
        size_t n = tests_for(backend, tests, ARRAY_SIZE(tests), run);
        /* cmocka_run_group_tests_name takes an array; _cmocka_run_group_tests its length */
        failed += _cmocka_run_group_tests(backends[i].name, run, n, NULL, NULL);
    }
    rules_free(RS);
    return failed;
}
