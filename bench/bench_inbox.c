/*
 * bench_inbox.c — an authority's inbox page over 100,000 submissions (issue 10, item 7: "an
 * inbox list page of 50 items over 100,000 submissions ≤ 5 ms server time").
 *
 * What it measures: the server's work for GET /api/v1/inbox without the HTTP framing — the use
 * case app_inbox_list (authorisation, the organisation's bound recipients, the store's keyset
 * read of each recipient's page and their merge) and the JSON encoding of the page as the
 * handler writes it — in process, on a real SQLite file migrated by the service itself.
 *
 * The data: 200 reporting organisations (8 sectors), 25,000 incidents (3 categories), each with
 * 4 obligations to 4 recipients and one inbox submission per obligation: 100,000 submissions,
 * received over ~70 days, three quarters with a deadline, a third acknowledged. The authority
 * receives for 2 of the 4 recipients (50,000 submissions in its inbox), so every page merges two
 * recipients' reads. Written with SQL in one transaction after the service created the schema
 * (through the store it would take minutes of group commits; the schema and indexes are the
 * service's own).
 *
 * Usage: bench_inbox [--reps N] [--pages N] [--dir TMPDIR]
 * Prints one line per case (median, p90, p99, max of N pages, in ms) and one JSON line per
 * case. Never fails on a figure; exits 1 only when it cannot measure.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/app/app.h"
#include "../src/app/app_inbox.h"
#include "../src/core/log.h"
#include "../src/core/rtime.h"
#include "../src/store/store.h"

#define N_SUBMISSIONS 100000
#define PAGE 50

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The data set, in SQL on the migrated file (see the header). */
static const char *const populate[] = {
    "BEGIN",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)"
    " INSERT INTO organizations (id, name_ja, name_en, kind, sector, prefecture, listed,"
    " created_at, size_band) SELECT printf('00000000-0000-7000-8000-%012d', i),"
    " printf('株式会社ベンチ%d', i), printf('Bench Co. %d', i), 'company',"
    " (CASE i % 8 WHEN 0 THEN 'energy' WHEN 1 THEN 'finance' WHEN 2 THEN 'health'"
    " WHEN 3 THEN 'telecom' WHEN 4 THEN 'transport' WHEN 5 THEN 'water' WHEN 6 THEN 'government'"
    " ELSE 'none' END), printf('JP-%02d', 1 + i % 47), 0, 1700000000000, 'medium' FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 24999)"
    " INSERT INTO incidents (id, org_id, created_at, updated_at, latest_version, phase, tlp,"
    " drill, categories, summary) SELECT printf('10000000-0000-7000-8000-%012d', i),"
    " printf('00000000-0000-7000-8000-%012d', i % 200), 1760000000000 + i * 240000,"
    " 1760000000000 + i * 240000, 1, 'early_warning', 'amber', 0,"
    " (CASE i % 3 WHEN 0 THEN ',ransomware,' WHEN 1 THEN ',ddos,' ELSE ',data_leak,"
    "unauthorized_access,' END), printf('ベンチ事案 %d: 不正アクセスの疑い', i) FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)"
    " INSERT INTO obligations (id, incident_id, rule_id, stage_id, recipient_id, regime, state,"
    " due_state, due_at, kind, mandatory, became_applicable_at, first_version, last_version,"
    " explanation, rules_version, updated_at)"
    " SELECT printf('20000000-0000-7000-8000-%012d', i),"
    " printf('10000000-0000-7000-8000-%012d', i / 4), printf('bench.rule%d', i % 4),"
    " 'early_warning', printf('bench-r%d', i % 4), 'BN', 'active',"
    " (CASE WHEN i % 4 = 3 THEN 'none' ELSE 'set' END),"
    " (CASE WHEN i % 4 = 3 THEN NULL ELSE 1760000000000 + (i / 4) * 240000"
    " + ((i * 7919) % 72) * 3600000 END), 'legal', 1, 1760000000000 + (i / 4) * 240000, 1, 1,"
    " '{}', 'bench', 1760000000000 FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)"
    " INSERT INTO submissions (id, incident_id, org_id, obligation_id, rule_id, stage_id,"
    " recipient_id, version, channel, status, drill, payload, payload_sha256, withheld,"
    " next_attempt_at, created_at, delivered_at, acknowledged_at, submitted_by)"
    " SELECT printf('30000000-0000-7000-8000-%012d', i),"
    " printf('10000000-0000-7000-8000-%012d', i / 4),"
    " printf('00000000-0000-7000-8000-%012d', (i / 4) % 200),"
    " printf('20000000-0000-7000-8000-%012d', i), printf('bench.rule%d', i % 4),"
    " 'early_warning', printf('bench-r%d', i % 4), 1, 'inbox',"
    " (CASE i % 3 WHEN 0 THEN 'acknowledged' WHEN 1 THEN 'delivered' ELSE 'available' END), 0,"
    " CAST('{\"report\":{}}' AS BLOB), 'bench', NULL, 0,"
    " 1760000000000 + (i / 4) * 240000 + (i % 4) * 1000 + (i * 104729) % 997,"
    " (CASE WHEN i % 3 < 2 THEN 1760000000000 + (i / 4) * 240000 + 60000 END),"
    " (CASE WHEN i % 3 = 0 THEN 1760000000000 + (i / 4) * 240000 + 120000 END),"
    " '00000000-0000-7000-8000-000000000000' FROM n",
    "COMMIT",
};

static int fill(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(populate); i++) {
        char *msg = NULL;
        if (sqlite3_exec(db, populate[i], NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "bench_inbox: populate: %s\n", msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_close(db);
            return -1;
        }
    }
    sqlite3_close(db);
    return 0;
}

/* The page as the handler encodes it (h_delivery.c, inbox_item_json: submission_json's
 * receiver view and the inbox's members). */
static size_t encode(const struct inbox_page *l)
{
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const struct inbox_item *it = &l->items[i];
        const struct submission_rec *s = &it->s;
        json_t *j =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:s}", "id", s->id,
                      "incident_id", s->incident_id, "obligation_id", s->obligation_id, "rule_id",
                      s->rule_id, "stage_id", s->stage_id, "recipient_id", s->recipient_id,
                      "report_version", s->version, "channel", s->channel, "status", s->status,
                      "drill", s->drill, "payload_sha256", s->payload_sha256);
        char t[40];
        json_object_set_new(j, "withheld_sections",
                            s->withheld ? json_loads(s->withheld, 0, NULL) : json_null());
        const int64_t at[] = {s->created_at, s->delivered_at, s->acknowledged_at};
        const char *const names[] = {"created_at", "delivered_at", "acknowledged_at"};
        for (size_t k = 0; k < 3; k++) {
            rtime_format_utc(at[k], t, sizeof(t));
            json_object_set_new(j, names[k], at[k] ? json_string(t) : json_null());
        }
        json_object_set_new(j, "receipt_reference", json_null());
        json_object_set_new(j, "receipt",
                            s->receipt ? json_loads(s->receipt, 0, NULL) : json_null());
        rtime_format_utc(s->created_at, t, sizeof(t));
        json_object_set_new(j, "received_at", json_string(t));
        json_object_set_new(j, "update", json_false());
        json_object_set_new(j, "organization",
                            json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "id", s->org_id, "name",
                                      "ja", it->org_name_ja, "en", it->org_name_en, "sector",
                                      it->sector, "prefecture", it->prefecture));
        json_object_set_new(j, "incident",
                            json_pack("{s:s, s:s, s:s}", "id", s->incident_id, "title",
                                      it->title ? it->title : "", "categories", it->categories));
        if (it->due_set) {
            rtime_format_utc(it->due_ms, t, sizeof(t));
            json_object_set_new(j, "deadline", json_string(t));
        }
        json_object_set_new(j, "read", json_boolean(s->delivered_at != 0));
        json_object_set_new(j, "acknowledged", json_boolean(s->acknowledged_at != 0));
        json_array_append_new(items, j);
    }
    char *text = json_dumps(items, JSON_COMPACT);
    size_t n = text ? strlen(text) : 0;
    free(text);
    json_decref(items);
    return n;
}

struct bench_case {
    const char *name;
    struct app_inbox_query q;
    int deep; /* pages to walk first (a cursor deep into the inbox) */
};

/* Times `pages` requests of case k; each page continues from the previous one (a user paging)
 * until deep + pages pages or the end. Returns how many pages were timed. */
static size_t run_case(const struct app_call *c, const struct bench_case *k, int pages, double *ms,
                       double *uc, size_t *bytes)
{
    char after[UUID_STR_LEN] = "";
    struct app_inbox_query q = k->q;
    size_t n = 0;
    for (int p = 0; p < k->deep + pages; p++) {
        struct inbox_page l;
        struct app_result res;
        app_result_init(&res, 4);
        q.after = after[0] ? after : NULL;
        double t0 = now_ms();
        enum app_problem pr = app_inbox_list(c, &q, &l, &res);
        double tu = now_ms();
        size_t b = pr ? 0 : encode(&l);
        double t1 = now_ms();
        app_result_release(&res);
        if (pr)
            return n;
        if (p >= k->deep) {
            uc[n] = tu - t0;
            ms[n++] = t1 - t0;
            *bytes = b;
        }
        bool more = l.more && l.n;
        if (more)
            xstrlcpy(after, l.items[l.n - 1].s.id, sizeof(after));
        inbox_page_release(&l);
        if (!more)
            after[0] = '\0'; /* start again from the top */
    }
    return n;
}

int main(int argc, char **argv)
{
    int pages = 200;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--pages")) {
            long v = strtol(argv[i + 1], NULL, 10);
            pages = v > 0 && v < 100000 ? (int)v : pages;
        } else if (!strcmp(argv[i], "--dir"))
            tmp = argv[i + 1];
    }
    char dir[512], path[600], url[640];
    log_setup(LOG_WARN, 2);
    snprintf(dir, sizeof(dir), "%s/ichigen-bench-inbox-XXXXXX", tmp);
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof(path), "%s/ichigen.db", dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct store_options o = {.url = url, .read_pool_size = 4, .commit_batch_max = 64};
    struct err e;
    err_init(&e);
    struct store *st = store_open(&o, &e);
    struct org auth = {.id = "0f000000-0000-7000-8000-000000000001",
                       .kind = "authority",
                       .sector = "government",
                       .name_ja = "国家サイバー統括室",
                       .name_en = "National Cybersecurity Office"};
    if (!st || store_org_create(st, &auth, "bench", 1) ||
        store_binding_set(st, "bench-r0", auth.id, "bench", 1) ||
        store_binding_set(st, "bench-r1", auth.id, "bench", 1)) {
        fprintf(stderr, "bench_inbox: cannot set up the store: %s\n", e.msg);
        return 1;
    }
    store_close(st);
    double t0 = now_ms();
    if (fill(path))
        return 1;
    double t_fill = now_ms() - t0;
    if (!(st = store_open(&o, &e)))
        return 1;
    struct app a = {.store = st};
    struct principal who = {.role = ROLE_AUTHORITY};
    xstrlcpy(who.org_id, auth.id, sizeof(who.org_id));
    xstrlcpy(who.user_id, "0f000000-0000-7000-8000-000000000002", sizeof(who.user_id));
    struct app_call c = {.app = &a, .who = &who, .now_ms = rtime_now_ms()};
    fprintf(stderr,
            "inbox: %d submissions (%d in this authority's inbox, 2 recipients), written in "
            "%.0f ms; page of %d, %d pages per case\n",
            N_SUBMISSIONS, N_SUBMISSIONS / 2, t_fill, PAGE, pages);
    static const struct bench_case cases[] = {
        {"newest first (default)", {.limit = PAGE}, 0},
        {"oldest first", {.limit = PAGE, .sort = "oldest"}, 0},
        {"deadline, soonest first", {.limit = PAGE, .sort = "deadline"}, 0},
        {"newest, deep (after 200 pages)", {.limit = PAGE}, 200},
        {"deadline, deep (after 200 pages)", {.limit = PAGE, .sort = "deadline"}, 200},
        {"unacknowledged", {.limit = PAGE, .unacknowledged = true}, 0},
        {"category ransomware", {.limit = PAGE, .category = "ransomware"}, 0},
        {"sector health", {.limit = PAGE, .sector = "health"}, 0},
    };
    double *ms = xcalloc((size_t)pages + 1, sizeof(double));
    double *uc = xcalloc((size_t)pages + 1, sizeof(double));
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        size_t bytes = 0, n = run_case(&c, &cases[k], pages, ms, uc, &bytes);
        if (!n)
            continue;
        qsort(ms, n, sizeof(double), cmp_d);
        qsort(uc, n, sizeof(double), cmp_d);
        double p50 = ms[n / 2], p90 = ms[n * 9 / 10], p99 = ms[n * 99 / 100], mx = ms[n - 1];
        fprintf(stderr,
                "  %-34s p50 %6.3f ms  p90 %6.3f  p99 %6.3f  max %6.3f  (use case p50 %.3f; "
                "%zu B)\n",
                cases[k].name, p50, p90, p99, mx, uc[n / 2], bytes);
        printf("{\"bench\":\"inbox\",\"case\":\"%s\",\"submissions\":%d,\"page\":%d,"
               "\"pages\":%zu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
               "\"usecase_p50_ms\":%.3f}\n",
               cases[k].name, N_SUBMISSIONS, PAGE, n, p50, p90, p99, mx, uc[n / 2]);
    }
    free(ms);
    free(uc);
    store_close(st);
    char wal[640];
    unlink(path);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", path);
    unlink(wal);
    rmdir(dir);
    return 0;
}
