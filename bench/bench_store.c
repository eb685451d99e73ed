/*
 * bench_store.c — the durable part of a create, in process and without HTTP: many threads call
 * store_report_create (each with its own new incident, its obligations evaluated by the real
 * rule set, and an Idempotency-Key) against a real SQLite file, as the request handlers do.
 *
 * Why: the store has one writer thread (group commit, docs/architecture.md), so the writer's
 * CPU per report caps the whole service's intake at 10⁶ / writer-µs reports per second however
 * many cores handle requests. The HTTP benchmark cannot separate that cost from parsing,
 * validation and TCP; this one measures it alone: reports/s, the whole process's CPU per report
 * (callers, writer, checkpointer) and the writer thread's own CPU per report (from
 * /proc/self/task/TID/stat of the thread the store started).
 *
 * Usage: bench_store [--body FILE] [--data DIR] [--threads N] [--seconds S] [--reps N]
 *                    [--dir TMPDIR]
 * Prints one line per repetition and the medians, then one JSON line. Never fails on a figure;
 * exits 1 only when it cannot measure.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/core/buf.h"
#include "../src/core/hash.h"
#include "../src/core/jsonx.h"
#include "../src/core/rtime.h"
#include "../src/core/uuid.h"
#include "../src/report/report.h"
#include "../src/rules/rules.h"
#include "../src/store/store.h"

#define MAX_TASKS 4096
#define MAX_REPS 15

struct shared {
    struct store *store;
    const struct ruleset *rules;
    const json_t *doc;
    const char *canon;
    size_t canon_len;
    const char *sha;
    struct report_index ix;
    char org_id[UUID_STR_LEN], user_id[UUID_STR_LEN];
    atomic_bool stop;
    atomic_long done, failed;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* user+system ticks of one thread (tid) or of the whole process (tid 0) */
static long ticks_of(pid_t tid)
{
    char path[64], line[1024];
    if (tid)
        snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
    else
        snprintf(path, sizeof(path), "/proc/self/stat");
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = '\0';
    char *p = strrchr(line, ')'); /* the command name may hold spaces */
    long ut = 0, st = 0;
    if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st) == 2)
        return ut + st;
    return 0;
}

/* The thread ids of this process, for finding the ones the store starts. */
static size_t task_ids(pid_t *out, size_t max)
{
    DIR *d = opendir("/proc/self/task");
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max)
        if (e->d_name[0] != '.')
            out[n++] = (pid_t)strtol(e->d_name, NULL, 10);
    if (d)
        closedir(d);
    return n;
}

static int one_create(struct shared *sh, long seq)
{
    char id[UUID_STR_LEN], key[64];
    struct rules_eval ev;
    struct report_rec rec;
    uuid_v7_new(id);
    snprintf(key, sizeof(key), "bench-store-%ld-%s", seq, id + 24);
    rules_eval_init(&ev);
    rules_evaluate(sh->rules, sh->doc, &ev);
    struct ledger_input li = {.ev = &ev, .rules_version = rules_version(sh->rules)};
    struct report_write w = {.id = id,
                             .org_id = sh->org_id,
                             .author_id = sh->user_id,
                             .body = sh->canon,
                             .body_len = sh->canon_len,
                             .body_sha256 = sh->sha,
                             .phase = sh->ix.phase,
                             .tlp = sh->ix.tlp,
                             .summary = sh->ix.summary,
                             .categories = sh->ix.categories,
                             .drill = sh->ix.drill,
                             .idem_key = key,
                             .now_ms = rtime_now_ms(),
                             .idem_retention_ms = 86400000,
                             .ledger = &li};
    int rc = store_report_create(sh->store, &w, &rec);
    rules_eval_release(&ev);
    return rc;
}

static void *worker(void *arg)
{
    struct shared *sh = arg;
    while (!atomic_load(&sh->stop)) {
        long seq = atomic_fetch_add(&sh->done, 1);
        if (one_create(sh, seq) != STORE_OK) {
            atomic_fetch_add(&sh->failed, 1);
            atomic_fetch_sub(&sh->done, 1);
        }
    }
    return NULL;
}

static int setup_accounts(struct shared *sh)
{
    struct org o;
    struct user u;
    int64_t now = rtime_now_ms();
    memset(&o, 0, sizeof(o));
    uuid_v7_new(o.id);
    snprintf(o.name_ja, sizeof(o.name_ja), "ベンチマーク株式会社");
    snprintf(o.name_en, sizeof(o.name_en), "Bench Co.");
    snprintf(o.kind, sizeof(o.kind), "company");
    snprintf(o.sector, sizeof(o.sector), "none");
    snprintf(o.prefecture, sizeof(o.prefecture), "JP-13");
    o.created_at = now;
    if (store_org_create(sh->store, &o, "bench", now) != STORE_OK)
        return -1;
    memset(&u, 0, sizeof(u));
    uuid_v7_new(u.id);
    snprintf(u.org_id, sizeof(u.org_id), "%s", o.id);
    snprintf(u.username, sizeof(u.username), "benchreporter");
    snprintf(u.display_name, sizeof(u.display_name), "Bench reporter");
    u.role = ROLE_REPORTER;
    snprintf(u.password_hash, sizeof(u.password_hash), "%s",
             "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    u.created_at = now;
    if (store_user_create(sh->store, &u, "bench", now) != STORE_OK)
        return -1;
    memcpy(sh->org_id, o.id, sizeof(sh->org_id));
    memcpy(sh->user_id, u.id, sizeof(sh->user_id));
    return 0;
}

struct result {
    double per_s, cpu_us, writer_us;
};

static int run_once(struct shared *sh, int threads, double seconds, pid_t writer,
                    struct result *out)
{
    pthread_t th[MAX_TASKS];
    int started = 0;
    atomic_store(&sh->stop, false);
    atomic_store(&sh->done, 0);
    atomic_store(&sh->failed, 0);
    long c0 = ticks_of(0), w0 = writer ? ticks_of(writer) : 0;
    double t0 = now_s();
    for (; started < threads; started++)
        if (pthread_create(&th[started], NULL, worker, sh))
            break;
    struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&d, NULL);
    atomic_store(&sh->stop, true);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double el = now_s() - t0;
    long c1 = ticks_of(0), w1 = writer ? ticks_of(writer) : 0;
    long n = atomic_load(&sh->done), hz = sysconf(_SC_CLK_TCK);
    if (n <= 0 || atomic_load(&sh->failed))
        return -1;
    out->per_s = (double)n / el;
    out->cpu_us = (double)(c1 - c0) * 1e6 / (double)hz / (double)n;
    out->writer_us = writer ? (double)(w1 - w0) * 1e6 / (double)hz / (double)n : 0;
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int load_body(struct shared *sh, const char *file, struct buf *canon, json_t **doc,
                     char sha[HASH_SHA256_HEX])
{
    struct buf raw;
    struct schema_limits lim;
    struct verr_list errs;
    int rc = -1;
    buf_init(&raw, 1 << 20);
    FILE *f = fopen(file, "rb");
    char chunk[4096];
    size_t k;
    while (f && (k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(&raw, chunk, k))
            break;
    if (f)
        fclose(f);
    schema_limits_default(&lim);
    verr_list_init(&errs, 10);
    if (!f || jsonx_load_object(raw.data, raw.len, 32, doc, NULL) ||
        report_validate(*doc, &lim, rtime_now_ms(), &errs) || jsonx_dump_canonical(*doc, canon))
        goto out;
    hash_sha256_hex(canon->data, canon->len, sha);
    report_index_extract(*doc, &sh->ix);
    rc = 0;
out:
    verr_list_release(&errs);
    buf_release(&raw);
    return rc;
}

int main(int argc, char **argv)
{
    const char *body = "docs/examples/full-report.json", *data = "data", *tmp = "/tmp";
    int threads = 64, reps = 3, rc = 1;
    double seconds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--body"))
            body = argv[i + 1];
        else if (!strcmp(argv[i], "--data"))
            data = argv[i + 1];
        else if (!strcmp(argv[i], "--threads"))
            threads = MAX(1, MIN(MAX_TASKS, (int)strtol(argv[i + 1], NULL, 10)));
        else if (!strcmp(argv[i], "--seconds"))
            seconds = MAX(0.2, strtod(argv[i + 1], NULL));
        else if (!strcmp(argv[i], "--reps"))
            reps = MAX(1, MIN(MAX_REPS, (int)strtol(argv[i + 1], NULL, 10)));
        else if (!strcmp(argv[i], "--dir"))
            tmp = argv[i + 1];
    }
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: bench_store [--body FILE] [--data DIR] [--threads N] [--seconds S]"
               " [--reps N] [--dir TMPDIR]\n");
        return 0;
    }

    struct shared sh;
    struct buf canon;
    json_t *doc = NULL;
    char sha[HASH_SHA256_HEX], dir[512], url[600];
    struct diag_list diags;
    struct ruleset *rules = NULL;
    struct err e = {0};
    memset(&sh, 0, sizeof(sh));
    buf_init(&canon, BUF_UNLIMITED);
    diag_list_init(&diags);
    snprintf(dir, sizeof(dir), "%s/bench-store.XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_store: cannot make a directory under %s\n", tmp);
        goto out;
    }
    if (load_body(&sh, body, &canon, &doc, sha)) {
        fprintf(stderr, "bench_store: %s is not a valid report\n", body);
        goto out;
    }
    if (!(rules = rules_load_dir(data, &diags))) {
        diag_list_print(&diags, stderr, false);
        goto out;
    }
    pid_t before[MAX_TASKS], after[MAX_TASKS], writer = 0;
    size_t nb = task_ids(before, MAX_TASKS);
    snprintf(url, sizeof(url), "sqlite:%s/ichigen.db", dir);
    struct store_options so = {.url = url, .read_pool_size = 4, .commit_batch_max = 256};
    if (!(sh.store = store_open(&so, &e))) {
        fprintf(stderr, "bench_store: %s\n", e.msg);
        goto out;
    }
    /* the writer is the first thread the store started (store_sqlite.c starts it first) */
    size_t na = task_ids(after, MAX_TASKS);
    for (size_t i = 0; i < na && !writer; i++) {
        bool old = false;
        for (size_t k = 0; k < nb && !old; k++)
            old = before[k] == after[i];
        if (!old)
            writer = after[i];
    }
    sh.rules = rules, sh.doc = doc, sh.canon = canon.data, sh.canon_len = canon.len, sh.sha = sha;
    if (setup_accounts(&sh)) {
        fprintf(stderr, "bench_store: could not create the accounts\n");
        goto out;
    }
    double ps[MAX_REPS], cpu[MAX_REPS], wr[MAX_REPS];
    printf("bench_store: %s (%zu bytes canonical), %d threads, %.1f s × %d\n", body, canon.len,
           threads, seconds, reps);
    for (int r = 0; r < reps; r++) {
        struct result res;
        if (run_once(&sh, threads, seconds, writer, &res)) {
            fprintf(stderr, "bench_store: creates failed\n");
            goto out;
        }
        ps[r] = res.per_s, cpu[r] = res.cpu_us, wr[r] = res.writer_us;
        printf("  run %d: %8.0f creates/s  process CPU %6.1f µs/create  writer thread %6.1f "
               "µs/create\n",
               r + 1, res.per_s, res.cpu_us, res.writer_us);
    }
    double mps = median(ps, reps), mcpu = median(cpu, reps), mwr = median(wr, reps);
    printf("  median: %.0f creates/s, process CPU %.1f µs, writer %.1f µs (writer cap %.0f/s)\n",
           mps, mcpu, mwr, mwr > 0 ? 1e6 / mwr : 0);
    printf("{\"body\":\"%s\",\"threads\":%d,\"creates_per_s\":%.0f,\"cpu_us\":%.1f,"
           "\"writer_us\":%.1f}\n",
           body, threads, mps, mcpu, mwr);
    rc = 0;
out:
    if (sh.store)
        store_close(sh.store);
    rules_free(rules);
    diag_list_release(&diags);
    json_decref(doc);
    buf_release(&canon);
    if (dir[0] && strncmp(dir + strlen(dir) - 6, "XXXXXX", 6)) {
        char cmd[700];
        snprintf(cmd, sizeof(cmd), "%s/ichigen.db", dir);
        unlink(cmd);
        snprintf(cmd, sizeof(cmd), "%s/ichigen.db-wal", dir);
        unlink(cmd);
        snprintf(cmd, sizeof(cmd), "%s/ichigen.db-shm", dir);
        unlink(cmd);
        rmdir(dir);
    }
    return rc;
}
