/*
 * itest.c — the integration-test helpers declared in itest.h: server processes, the CLI, an
 * HTTP client on libcurl, JSON helpers and the common fixture.
 */
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ctype.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <oath.h>
#include <sqlite3.h>

#include "itest.h"
#include "core/buf.h"
#include "core/enc.h"
#include "core/jsonx.h"

/* ---- small utilities ---- */

void itest_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *env_or_die(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "# itest: %s is not set (run the tests through meson)\n", name);
        abort();
    }
    return v;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *itest_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[8192];
    size_t n;
    if (!f)
        return NULL;
    buf_init(&b, BUF_UNLIMITED);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len ? len : &n);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    UNUSED(st);
    UNUSED(flag);
    UNUSED(ftw);
    remove(path);
    return 0;
}

/* ---- servers still running at exit are killed (a failed assertion must not leak them) ---- */

static struct itest_server *live[8];

static void reap_all(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(live); i++)
        if (live[i])
            itest_server_release(live[i]);
}

static void track(struct itest_server *s, bool on)
{
    static bool registered;
    if (!registered) {
        atexit(reap_all);
        registered = true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(live); i++) {
        if (on && !live[i]) {
            live[i] = s;
            return;
        }
        if (!on && live[i] == s) {
            live[i] = NULL;
            return;
        }
    }
}

/* ---- the server process ---- */

bool itest_on_pg(void)
{
    const char *u = getenv("ICHIGEN_ITEST_PG_URL");
    return u && *u;
}

/* One maintenance statement on the PostgreSQL server's own database. */
static int pg_admin(const char *sql)
{
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {getenv("ICHIGEN_ITEST_PG_URL"), NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "# itest: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* On PostgreSQL: a fresh database named after the data directory (mkdtemp: unique), and the
 * --store-url setting naming it (libpq takes dbname= as a query parameter, PostgreSQL 15
 * §34.1.1.2). */
static int pg_database(struct itest_server *s)
{
    const char *base = getenv("ICHIGEN_ITEST_PG_URL"), *name = strrchr(s->dir, '/');
    char sql[128];
    size_t i = (size_t)snprintf(s->pg_db, sizeof(s->pg_db), "it_");
    for (name = name ? name + 1 : s->dir; *name && i + 1 < sizeof(s->pg_db); name++)
        s->pg_db[i++] = isalnum((unsigned char)*name) ? (char)tolower((unsigned char)*name) : '_';
    s->pg_db[i] = '\0';
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", s->pg_db);
    if (pg_admin(sql)) {
        s->pg_db[0] = '\0';
        return -1;
    }
    snprintf(s->store_arg, sizeof(s->store_arg), "--store-url=%s%cdbname=%s", base,
             strchr(base, '?') ? '&' : '?', s->pg_db);
    return 0;
}

/* itest_server_init without the store: the directory, files and settings; *n how many. */
static int server_dirs(struct itest_server *s, const char *const *settings, size_t *n)
{
    const char *tmp = getenv("TMPDIR");
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "%s/ichigen-itest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "# itest: mkdtemp %s: %s\n", s->dir, strerror(errno));
        return -1;
    }
    snprintf(s->ready, sizeof(s->ready), "%s/ready", s->dir);
    snprintf(s->log, sizeof(s->log), "%s/server.log", s->dir);
    snprintf(s->cli_log, sizeof(s->cli_log), "%s/cli.log", s->dir);
    for (*n = 0; settings && settings[*n] && *n < ITEST_MAX_SETTINGS; (*n)++)
        s->settings[*n] = settings[*n];
    track(s, true);
    return 0;
}

int itest_server_init_node(struct itest_server *s, const struct itest_server *first,
                           const char *const *settings)
{
    size_t n;
    if (!itest_on_pg() || !first->store_arg[0] || server_dirs(s, settings, &n) ||
        n == ITEST_MAX_SETTINGS)
        return -1;
    xstrlcpy(s->store_arg, first->store_arg, sizeof(s->store_arg)); /* pg_db stays "": not ours */
    s->settings[n] = s->store_arg;
    return 0;
}

int itest_server_init(struct itest_server *s, const char *const *settings)
{
    size_t n = 0;
    if (server_dirs(s, settings, &n))
        return -1;
    if (itest_on_pg()) {
        if (n == ITEST_MAX_SETTINGS || pg_database(s))
            return -1;
        s->settings[n] = s->store_arg;
    }
    return 0;
}

/* In the child between fork and exec: only async-signal-safe calls. */
static _Noreturn void exec_child(const char *bin, char *const *argv, int in_fd, int out_fd,
                                 int err_fd, pid_t parent)
{
    signal(SIGPIPE, SIG_DFL); /* not inherited from the test's SIG_IGN */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127); /* the test died before prctl took effect */
    if (in_fd >= 0)
        dup2(in_fd, 0);
    if (out_fd >= 0)
        dup2(out_fd, 1);
    if (err_fd >= 0)
        dup2(err_fd, 2);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    execv(bin, argv);
    _exit(127);
}

static int wait_ready(struct itest_server *s)
{
    int64_t deadline = mono_ms() + ITEST_READY_TIMEOUT_MS;
    while (mono_ms() < deadline) {
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            fprintf(stderr, "# itest: the server exited during start-up (see %s)\n", s->log);
            s->pid = 0;
            return -1;
        }
        char *text = itest_read_file(s->ready, NULL);
        int64_t port = 0;
        if (text) {
            text[strcspn(text, "\n")] = '\0';
            bool ok = !parse_int64(text, 1, 65535, &port);
            free(text);
            if (ok) {
                s->port = (int)port;
                snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
                return 0;
            }
        }
        itest_sleep_ms(10);
    }
    fprintf(stderr, "# itest: the server did not become ready in %d ms\n", ITEST_READY_TIMEOUT_MS);
    itest_server_stop(s, SIGKILL);
    return -1;
}

int itest_server_start(struct itest_server *s)
{
    const char *bin = env_or_die("ICHIGEN_BIN");
    char *argv[ITEST_MAX_SETTINGS + 12];
    int n = 0, log_fd;
    if (s->pid)
        return -1;
    unlink(s->ready); /* a restart must not read the previous port */
    argv[n++] = (char *)bin;
    argv[n++] = "serve";
    argv[n++] = "--data-dir";
    argv[n++] = s->dir;
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--ready-file";
    argv[n++] = s->ready;
    for (int i = 0; s->settings[i]; i++)
        argv[n++] = (char *)s->settings[i];
    argv[n] = NULL;
    log_fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0)
        return -1;
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        exec_child(bin, argv, -1, log_fd, log_fd, parent);
    close(log_fd);
    if (pid < 0)
        return -1;
    s->pid = pid;
    return wait_ready(s);
}

static int decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/* Waits up to ms for pid; returns its decoded status, or -2 when it is still running. */
static int reap(pid_t pid, int ms)
{
    int64_t deadline = mono_ms() + ms;
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return decode_status(status);
        if (r < 0 && errno != EINTR)
            return -1;
        if (mono_ms() >= deadline)
            return -2;
        itest_sleep_ms(5);
    }
}

int itest_server_stop(struct itest_server *s, int sig)
{
    int rc;
    if (!s->pid)
        return -1;
    kill(s->pid, sig);
    rc = reap(s->pid, 30000);
    if (rc == -2) {
        fprintf(stderr, "# itest: the server ignored signal %d for 30 s; killing it\n", sig);
        kill(s->pid, SIGKILL);
        rc = reap(s->pid, 30000);
        rc = rc == -2 ? -1 : rc;
    }
    s->pid = 0;
    s->port = 0;
    return rc;
}

static bool file_clean(const char *path)
{
    static const char *const marks[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                        "runtime error:", "WARNING: ThreadSanitizer", NULL};
    char *text = itest_read_file(path, NULL);
    bool clean = true;
    for (const char *const *m = marks; text && *m; m++) {
        const char *hit = strstr(text, *m);
        if (!hit)
            continue;
        fprintf(stderr, "# itest: sanitizer report in %s:\n%.4000s\n", path, hit);
        clean = false;
        break;
    }
    free(text);
    return clean;
}

static void dump_tail(const char *path, size_t tail)
{
    size_t len = 0;
    char *text = itest_read_file(path, &len);
    if (!text)
        return;
    size_t from = len > tail ? len - tail : 0;
    fprintf(stderr, "# itest: last %zu bytes of %s:\n%s\n", len - from, path, text + from);
    free(text);
}

void itest_dump_logs(const struct itest_server *s, size_t tail)
{
    dump_tail(s->log, tail);
    dump_tail(s->cli_log, tail);
}

bool itest_logs_clean(const struct itest_server *s)
{
    bool server = file_clean(s->log);
    return file_clean(s->cli_log) && server;
}

int itest_server_finish(struct itest_server *s)
{
    int rc = itest_server_stop(s, SIGTERM);
    if (rc != 0)
        fprintf(stderr, "# itest: the server's exit status after SIGTERM was %d\n", rc);
    return itest_logs_clean(s) && rc == 0 ? 0 : -1;
}

void itest_server_release(struct itest_server *s)
{
    if (s->pid)
        itest_server_stop(s, SIGKILL);
    if (s->dir[0] && !getenv("ITEST_KEEP"))
        nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    s->dir[0] = '\0';
    if (s->pg_db[0] && !getenv("ITEST_KEEP")) {
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pg_db);
        pg_admin(sql);
    }
    s->pg_db[0] = '\0';
    track(s, false);
}

/* ---- the store, behind the service's back ---- */

/* A value as itest_sql gives it: bytes as lowercase hex, anything else as printed text. */
static json_t *sql_value(const void *p, size_t len, bool bytes)
{
    if (!bytes)
        return json_stringn((const char *)p, len);
    char *hex = malloc(2 * len + 1);
    if (!hex)
        return NULL;
    enc_hex(p, len, hex);
    json_t *v = json_string(hex);
    free(hex);
    return v;
}

static json_t *sql_sqlite(const struct itest_server *s, const char *sql, const char *const *params,
                          size_t n, long long *changes)
{
    char path[300], name[24];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    json_t *rows = json_array();
    int rc = SQLITE_ERROR;
    snprintf(path, sizeof(path), "%s/ichigen.db", s->dir);
    /* READWRITE without CREATE: a wrong path is an error, not a new empty database */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(db, 30000); /* the server's writer may hold the lock for a batch */
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "$%zu", i + 1);
        int at = sqlite3_bind_parameter_index(st, name);
        if (at > 0)
            sqlite3_bind_text(st, at, params[i], -1, SQLITE_STATIC);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_array();
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            int type = sqlite3_column_type(st, c);
            const void *v = type == SQLITE_BLOB ? sqlite3_column_blob(st, c)
                                                : (const void *)sqlite3_column_text(st, c);
            size_t len = (size_t)sqlite3_column_bytes(st, c);
            json_array_append_new(row, type == SQLITE_NULL
                                           ? json_null()
                                           : sql_value(v ? v : "", len, type == SQLITE_BLOB));
        }
        json_array_append_new(rows, row);
    }
    if (rc == SQLITE_DONE && changes)
        *changes = sqlite3_changes(db);
out:
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "# itest: %s: %s\n", sql, db ? sqlite3_errmsg(db) : "cannot open");
        json_decref(rows);
        rows = NULL;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

#define PG_BYTEA_OID 17 /* pg_type.oid of bytea (src/include/catalog/pg_type.dat) */

static json_t *sql_pg(const struct itest_server *s, const char *sql, const char *const *params,
                      size_t n, long long *changes)
{
    /* the first dbname is the base URL (expanded), the second names s's own database
     * (PostgreSQL 15 §34.1, PQconnectdbParams with expand_dbname) */
    const char *const keys[] = {"dbname", "dbname", NULL};
    const char *const vals[] = {getenv("ICHIGEN_ITEST_PG_URL"), s->pg_db, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = NULL;
    json_t *rows = NULL;
    if (PQstatus(c) != CONNECTION_OK)
        goto out;
    r = PQexecParams(c, sql, (int)n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        goto out;
    rows = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *row = json_array();
        for (int f = 0; f < PQnfields(r); f++) {
            if (PQgetisnull(r, i, f)) {
                json_array_append_new(row, json_null());
            } else if (PQftype(r, f) == PG_BYTEA_OID) {
                size_t len = 0;
                unsigned char *b =
                    PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, f), &len);
                json_array_append_new(row, b ? sql_value(b, len, true) : NULL);
                PQfreemem(b);
            } else {
                json_array_append_new(row, json_string(PQgetvalue(r, i, f)));
            }
        }
        json_array_append_new(rows, row);
    }
    if (changes)
        *changes = strtoll(PQcmdTuples(r), NULL, 10);
out:
    if (!rows)
        fprintf(stderr, "# itest: %s: %s\n", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rows;
}

json_t *itest_sql(const struct itest_server *s, const char *sql, const char *const *params,
                  size_t n, long long *changes)
{
    if (changes)
        *changes = -1;
    return s->pg_db[0] ? sql_pg(s, sql, params, n, changes)
                       : sql_sqlite(s, sql, params, n, changes);
}

/* ---- the CLI ---- */

/* Feeds stdin_text, collects stdout until EOF or the deadline. Returns 0 or -1 (timeout). */
static int talk(int in_fd, int out_fd, const char *stdin_text, struct buf *out)
{
    int64_t deadline = mono_ms() + ITEST_CLI_TIMEOUT_MS;
    if (in_fd >= 0) {
        /* inputs are a line or two: far below the pipe buffer, so this cannot block */
        if (stdin_text && write(in_fd, stdin_text, strlen(stdin_text)) < 0)
            fprintf(stderr, "# itest: writing the CLI's stdin: %s\n", strerror(errno));
        close(in_fd);
    }
    for (;;) {
        struct pollfd p = {out_fd, POLLIN, 0};
        int64_t left = deadline - mono_ms();
        char chunk[4096];
        if (left <= 0)
            return -1;
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = read(out_fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        buf_append(out, chunk, (size_t)n);
    }
}

int itest_run(const struct itest_server *s, const char *stdin_text, char **out,
              const char *const *argv)
{
    const char *bin = env_or_die("ICHIGEN_BIN");
    char *args[40];
    int inp[2], outp[2], err_fd = -1, n = 0, rc;
    struct buf b;
    args[n++] = (char *)bin;
    for (; argv[n - 1] && n < (int)ARRAY_SIZE(args) - 1; n++)
        args[n] = (char *)argv[n - 1];
    args[n] = NULL;
    if (out)
        *out = NULL;
    if (pipe2(inp, O_CLOEXEC))
        return -1;
    if (pipe2(outp, O_CLOEXEC)) {
        close(inp[0]);
        close(inp[1]);
        return -1;
    }
    if (s)
        err_fd = open(s->cli_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        exec_child(bin, args, inp[0], outp[1], err_fd, parent);
    close(inp[0]);
    close(outp[1]);
    if (err_fd >= 0)
        close(err_fd);
    if (pid < 0) {
        close(inp[1]);
        close(outp[0]);
        return -1;
    }
    buf_init(&b, BUF_UNLIMITED);
    int timed_out = talk(inp[1], outp[0], stdin_text, &b);
    close(outp[0]);
    if (timed_out) {
        fprintf(stderr, "# itest: `ichigen %s …` timed out\n", argv[0] ? argv[0] : "");
        kill(pid, SIGKILL);
    }
    rc = reap(pid, ITEST_CLI_TIMEOUT_MS);
    if (rc == -2) {
        kill(pid, SIGKILL);
        rc = reap(pid, 10000);
    }
    if (out)
        *out = buf_detach(&b, NULL);
    else
        buf_release(&b);
    return timed_out || rc < 0 ? -1 : rc;
}

int itest_cli(const struct itest_server *s, const char *stdin_text, char **out, ...)
{
    const char *argv[34];
    int n = 0;
    va_list ap;
    va_start(ap, out);
    for (const char *a; n < 30 && (a = va_arg(ap, const char *));)
        argv[n++] = a;
    va_end(ap);
    argv[n++] = "--data-dir";
    argv[n++] = s->dir;
    if (s->store_arg[0])
        argv[n++] = s->store_arg;
    argv[n] = NULL;
    return itest_run(s, stdin_text, out, argv);
}

/* ---- HTTP ---- */

void itest_global_init(void)
{
    signal(SIGPIPE, SIG_IGN); /* a CLI that exits before reading its stdin must not kill us */
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void itest_global_cleanup(void)
{
    curl_global_cleanup();
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    buf_append(arg, p, size * n);
    return size * n;
}

/* Copies the value of a header we care about into the response. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct itest_resp *r = arg;
    size_t len = size * n, colon;
    size_t have = r->headers ? strlen(r->headers) : 0;
    if (!strncmp(p, "HTTP/", 5)) /* a new response (after a 1xx): its own header lines */
        have = 0;
    r->headers = xrealloc(r->headers, have + len + 1);
    memcpy(r->headers + have, p, len);
    r->headers[have + len] = '\0';
    static const struct {
        const char *name;
        size_t off, cap;
    } want[] = {
#define W(h, f) {h, offsetof(struct itest_resp, f), sizeof(((struct itest_resp *)0)->f)}
        W("ETag", etag),
        W("Location", location),
        W("Content-Location", content_location),
        W("Content-Type", content_type),
        W("Retry-After", retry_after),
        W("WWW-Authenticate", www_authenticate),
        W("Allow", allow),
        W("Idempotent-Replayed", idempotent_replayed),
        W("X-Request-Id", request_id),
#undef W
    };
    for (colon = 0; colon < len && p[colon] != ':'; colon++)
        ;
    if (colon == len)
        return len;
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        if (strlen(want[i].name) != colon || strncasecmp(p, want[i].name, colon))
            continue;
        size_t v = colon + 1, e = len;
        while (v < e && p[v] == ' ')
            v++;
        while (e > v && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' '))
            e--;
        char *dst = (char *)r + want[i].off;
        size_t m = MIN(e - v, want[i].cap - 1);
        memcpy(dst, p + v, m);
        dst[m] = '\0';
    }
    return len;
}

struct upload {
    const char *p;
    size_t left;
};

/* Chunked uploads: curl asks for data until we return 0. Small pieces make several chunks. */
static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t m = MIN(MIN(size * n, u->left), (size_t)4096);
    memcpy(dst, u->p, m);
    u->p += m;
    u->left -= m;
    return m;
}

static struct curl_slist *request_headers(const struct itest_req *rq, bool has_body)
{
    struct curl_slist *h = NULL;
    char line[300];
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (rq->token) {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", rq->token);
        h = curl_slist_append(h, line);
    }
    if (has_body) {
        snprintf(line, sizeof(line), "Content-Type: %s",
                 rq->content_type ? rq->content_type : "application/json");
        h = curl_slist_append(h, line);
    } else {
        h = curl_slist_append(h, "Content-Type:"); /* drop curl's form default on bare POSTs */
    }
    if (rq->chunked)
        h = curl_slist_append(h, "Transfer-Encoding: chunked");
    for (size_t i = 0; i < ARRAY_SIZE(rq->headers) && rq->headers[i]; i++)
        h = curl_slist_append(h, rq->headers[i]);
    return h;
}

static void parse_json_body(struct itest_resp *r)
{
    const char *ct = r->content_type;
    size_t n = strcspn(ct, ";");
    bool json = (n >= 16 && !strncasecmp(ct, "application/json", 16)) ||
                (n >= 5 && !strncasecmp(ct + n - 5, "+json", 5));
    if (json && r->len)
        r->json = json_loadb(r->body, r->len, 0, NULL);
}

/* The method and, for POST and PUT, the body (whole, or chunked through on_read from *up). */
static void set_method(CURL *c, const struct itest_req *rq, struct upload *up)
{
    bool has_body = rq->body != NULL;
    const char *method = rq->method ? rq->method : has_body ? "POST" : "GET";
    if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(method, "POST") || (has_body && strcmp(method, "GET"))) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        if (strcmp(method, "POST")) /* PUT …: a POST-style upload under another method */
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        up->left = has_body ? (rq->body_len ? rq->body_len : strlen(rq->body)) : 0;
        if (rq->chunked) {
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, up);
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, has_body ? rq->body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)up->left);
        }
    } else if (strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
}

int itest_http(const struct itest_server *s, const struct itest_req *rq, struct itest_resp *out)
{
    char url[1024];
    struct buf body;
    struct upload up = {rq->body, 0};
    CURL *c = curl_easy_init();
    memset(out, 0, sizeof(*out));
    if (!c)
        return -1;
    buf_init(&body, BUF_UNLIMITED);
    snprintf(url, sizeof(url), "%s%s", s->base, rq->path);
    struct curl_slist *hdrs = request_headers(rq, rq->body != NULL);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)ITEST_HTTP_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (rq->source_addr) { /* another client address: any 127.x.y.z reaches 127.0.0.1 */
        char iface[64];
        snprintf(iface, sizeof(iface), "host!%s", rq->source_addr);
        curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
    }
    if (rq->path_as_is)
        curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    set_method(c, rq, &up);
    CURLcode cr = curl_easy_perform(c);
    if (cr == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    out->body = buf_detach(&body, &out->len);
    if (cr != CURLE_OK) {
        out->status = 0;
        return -1;
    }
    parse_json_body(out);
    return 0;
}

const char *itest_header(const struct itest_resp *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *l = r->headers; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
        if (strncasecmp(l, name, nl) || l[nl] != ':')
            continue;
        const char *v = l + nl + 1;
        while (*v == ' ')
            v++;
        size_t m = strcspn(v, "\r\n");
        m = MIN(m, n - 1);
        memcpy(out, v, m);
        out[m] = '\0';
        return out;
    }
    return NULL;
}

void itest_resp_release(struct itest_resp *r)
{
    free(r->headers);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

long itest_get(const struct itest_server *s, const char *token, const char *path,
               struct itest_resp *out)
{
    itest_http(s, &(struct itest_req){.path = path, .token = token}, out);
    return out->status;
}

long itest_post(const struct itest_server *s, const char *token, const char *path, const char *body,
                struct itest_resp *out)
{
    itest_http(s, &(struct itest_req){.method = "POST", .path = path, .token = token, .body = body},
               out);
    return out->status;
}

const char *itest_problem_code(const struct itest_resp *r)
{
    static const char prefix[] = "urn:ichigen:problem:";
    const char *t = itest_jstr(r->json, "/type");
    if (!t && itest_jstr(r->json, "/error_code")) /* a TAXII error message (issue 13) */
        return itest_jstr(r->json, "/error_code");
    if (!t || strncmp(t, prefix, sizeof(prefix) - 1))
        return "";
    return t + sizeof(prefix) - 1;
}

/* ---- JSON ---- */

const char *itest_jstr(json_t *doc, const char *ptr)
{
    return doc ? json_string_value(jsonx_ptr_get(doc, ptr)) : NULL;
}

json_int_t itest_jint(json_t *doc, const char *ptr)
{
    json_t *v = doc ? jsonx_ptr_get(doc, ptr) : NULL;
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

json_t *itest_load_json(const char *relpath)
{
    char path[1024];
    json_error_t je;
    snprintf(path, sizeof(path), "%s/%s", env_or_die("ICHIGEN_SOURCE_ROOT"), relpath);
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fprintf(stderr, "# itest: %s: %s (line %d)\n", path, je.text, je.line);
    return j;
}

json_t *itest_report_doc(const char *summary)
{
    json_t *doc = itest_load_json("docs/examples/early-warning.json");
    if (doc && summary)
        json_object_set_new(json_object_get(doc, "description"), "summary", json_string(summary));
    return doc;
}

char *itest_dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

/* ---- the common fixture ---- */

/* Copies the first line of text (without its newline) into out; -1 if empty or too long. */
static int first_line(const char *text, char *out, size_t n)
{
    size_t len = text ? strcspn(text, "\n") : 0;
    if (!len || len >= n)
        return -1;
    memcpy(out, text, len);
    out[len] = '\0';
    return 0;
}

int itest_add_org(const struct itest_server *s, const char *name, const char *kind, char org_id[40])
{
    char *out = NULL;
    char en[128];
    snprintf(en, sizeof(en), "%s Ltd.", name);
    int rc = itest_cli(s, NULL, &out, "admin", "create-org", "--name-ja", name, "--name-en", en,
                       "--kind", kind, NULL);
    if (!rc)
        rc = first_line(out, org_id, 40);
    if (rc)
        fprintf(stderr, "# itest: create-org %s failed (%d): %s\n", name, rc, out ? out : "");
    free(out);
    return rc ? -1 : 0;
}

int itest_add_org_in(const struct itest_server *s, const char *name, const char *kind,
                     const char *sector, const char *prefecture, char org_id[40])
{
    char *out = NULL;
    char en[128];
    snprintf(en, sizeof(en), "%s Ltd.", name);
    int rc = itest_cli(s, NULL, &out, "admin", "create-org", "--name-ja", name, "--name-en", en,
                       "--kind", kind, "--sector", sector, "--prefecture", prefecture, NULL);
    if (!rc)
        rc = first_line(out, org_id, 40);
    if (rc)
        fprintf(stderr, "# itest: create-org %s failed (%d): %s\n", name, rc, out ? out : "");
    free(out);
    return rc ? -1 : 0;
}

int itest_new_token(const struct itest_server *s, const char *username, char token[64])
{
    char *out = NULL;
    int rc = itest_cli(s, NULL, &out, "admin", "create-token", "--username", username, NULL);
    if (!rc)
        rc = first_line(out, token, 64);
    if (rc)
        fprintf(stderr, "# itest: create-token %s failed (%d)\n", username, rc);
    free(out);
    return rc ? -1 : 0;
}

/* "user NAME (ID) created…" → ID */
static int user_id_from(const char *out, char id[40])
{
    const char *open = out ? strchr(out, '(') : NULL;
    const char *close = open ? strchr(open, ')') : NULL;
    if (!close || close - open - 1 <= 0 || close - open - 1 >= 40)
        return -1;
    memcpy(id, open + 1, (size_t)(close - open - 1));
    id[close - open - 1] = '\0';
    return 0;
}

static void user_names(struct itest_user *u, const char *org_id, const char *username)
{
    memset(u, 0, sizeof(*u));
    xstrlcpy(u->username, username, sizeof(u->username));
    snprintf(u->password, sizeof(u->password), "pw-%s-secret", username);
    if (org_id)
        xstrlcpy(u->org_id, org_id, sizeof(u->org_id));
}

int itest_add_user(const struct itest_server *s, const char *org_id, const char *username,
                   const char *role, struct itest_user *u)
{
    char *out = NULL, pw[80];
    user_names(u, org_id, username);
    snprintf(pw, sizeof(pw), "%s\n", u->password);
    int rc =
        itest_cli(s, pw, &out, "admin", "create-user", "--org-id", org_id, "--username", username,
                  "--display-name", username, "--role", role, "--password-stdin", NULL);
    if (!rc)
        rc = user_id_from(out, u->id);
    if (!rc)
        rc = itest_new_token(s, username, u->token);
    if (rc)
        fprintf(stderr, "# itest: create-user %s failed (%d): %s\n", username, rc, out ? out : "");
    free(out);
    return rc ? -1 : 0;
}

int itest_login(const struct itest_server *s, struct itest_user *u, char token[64])
{
    struct itest_resp r;
    char body[300], code[7] = "", extra[40] = "";
    if (u->totp[0]) {
        if (itest_totp_next(u, code))
            return -1;
        snprintf(extra, sizeof(extra), ",\"totp_code\":\"%s\"", code);
    }
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"%s}", u->username,
             u->password, extra);
    long st = itest_post(s, NULL, "/api/v1/auth/login", body, &r);
    const char *t = st == 201 ? itest_jstr(r.json, "/token") : NULL;
    int rc = t && strlen(t) < 64 ? 0 : -1;
    if (!rc)
        xstrlcpy(token, t, 64);
    else
        fprintf(stderr, "# itest: sign-in as %s failed (%ld): %s\n", u->username, st, r.body);
    itest_resp_release(&r);
    return rc;
}

int itest_totp(const char *b32, int64_t step, char code[7])
{
    char *secret = NULL;
    size_t n = 0;
    if (oath_init() != OATH_OK || oath_base32_decode(b32, strlen(b32), &secret, &n) != OATH_OK)
        return -1;
    int rc = oath_totp_generate(secret, n, (time_t)(step * 30), 30, 0, 6, code) == OATH_OK ? 0 : -1;
    free(secret);
    oath_done();
    return rc;
}

int itest_totp_next(struct itest_user *u, char code[7])
{
    /* the server takes the steps now-1 … now+1 it has not seen yet; now or later keeps a step
     * of margin should the clock tick before the server looks; wait (at most a step and a
     * bit) when they are used */
    for (int i = 0; i < 400; i++) {
        int64_t now = (int64_t)time(NULL) / 30;
        int64_t step = u->totp_step + 1 > now ? u->totp_step + 1 : now;
        if (step <= now + 1) {
            u->totp_step = step;
            return itest_totp(u->totp, step, code);
        }
        itest_sleep_ms(100);
    }
    return -1;
}

int itest_two_factor_on(const struct itest_server *s, const char *token, struct itest_user *u)
{
    struct itest_resp r;
    char body[64], code[7];
    long st = itest_post(s, token, "/api/v1/me/two-factor", NULL, &r);
    const char *secret = st == 201 ? itest_jstr(r.json, "/secret") : NULL;
    if (!secret || strlen(secret) >= sizeof(u->totp)) {
        fprintf(stderr, "# itest: two-factor enrolment failed (%ld): %s\n", st, r.body);
        itest_resp_release(&r);
        return -1;
    }
    xstrlcpy(u->totp, secret, sizeof(u->totp));
    itest_resp_release(&r);
    u->totp_step = 0;
    if (itest_totp_next(u, code))
        return -1;
    snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
    st = itest_post(s, token, "/api/v1/me/two-factor/confirm", body, &r);
    if (st != 200)
        fprintf(stderr, "# itest: two-factor confirmation failed (%ld): %s\n", st, r.body);
    itest_resp_release(&r);
    return st == 200 ? 0 : -1;
}

int itest_add_org_admin(const struct itest_server *s, const char *org_id, const char *username,
                        struct itest_user *u)
{
    char *out = NULL, pw[80];
    user_names(u, org_id, username);
    snprintf(pw, sizeof(pw), "%s\n", u->password);
    int rc =
        itest_cli(s, pw, &out, "admin", "create-user", "--org-id", org_id, "--username", username,
                  "--display-name", username, "--role", "org_admin", "--password-stdin", NULL);
    if (!rc)
        rc = user_id_from(out, u->id);
    if (rc)
        fprintf(stderr, "# itest: create-user %s failed (%d): %s\n", username, rc, out ? out : "");
    free(out);
    return rc || itest_login(s, u, u->token) || itest_two_factor_on(s, u->token, u) ? -1 : 0;
}

static int add_admin(const struct itest_server *s, struct itest_user *u)
{
    char *out = NULL, pw[80];
    user_names(u, NULL, "admin");
    snprintf(pw, sizeof(pw), "%s\n", u->password);
    int rc = itest_cli(s, pw, &out, "admin", "create-admin", "--username", u->username,
                       "--password-stdin", NULL);
    if (!rc)
        rc = user_id_from(out, u->id);
    if (!rc)
        rc = itest_new_token(s, u->username, u->token);
    if (rc)
        fprintf(stderr, "# itest: create-admin failed (%d)\n", rc);
    free(out);
    return rc ? -1 : 0;
}

int itest_fixture_setup(struct itest_fixture *f, const char *const *settings)
{
    memset(f, 0, sizeof(*f));
    if (itest_server_init(&f->srv, settings) || add_admin(&f->srv, &f->admin) ||
        itest_add_org(&f->srv, "組織A", "company", f->org_a) ||
        itest_add_org(&f->srv, "組織B", "company", f->org_b) ||
        itest_add_org(&f->srv, "受領機関C", "authority", f->org_c) ||
        itest_add_user(&f->srv, f->org_a, "rep-a", "reporter", &f->rep_a) ||
        itest_add_user(&f->srv, f->org_b, "rep-b", "reporter", &f->rep_b) ||
        itest_add_user(&f->srv, f->org_c, "recipient-c", "recipient", &f->recipient) ||
        itest_add_user(&f->srv, f->org_c, "authority-c", "authority", &f->authority) ||
        itest_server_start(&f->srv)) {
        itest_fixture_teardown(f);
        return -1;
    }
    return 0;
}

void itest_fixture_teardown(struct itest_fixture *f)
{
    itest_server_release(&f->srv);
}
