/*
 * store_pg.c — the PostgreSQL backend (issue 14, in progress): checking the URL, connections,
 * the read pool, the group-commit writer thread, statements and their results, migrations.
 * Operations live in store_pg_q.c and the other store_pg_*.c files; the design is in
 * store_pg_int.h.
 */
#include <errno.h>
#include <poll.h>

#include "store_pg.h"
#include "store_pg_int.h"
#include "../store_int.h"
#include "../store_migration.h"
#include "../../core/log.h"
#include "../../core/rtime.h"

int store_pg_schema_version(void)
{
    return pg_migrations[pg_migrations_count - 1].version;
}

/* ---- the URL ---- */

int store_pg_url_check(const char *url, struct err *e)
{
    char *msg = NULL;
    bool has_password = false;
    /* PQconninfoParse also takes "key=value" strings; the store names its backend by scheme */
    if (strncmp(url, "postgresql://", 13) && strncmp(url, "postgres://", 11))
        return err_set(e, STORE_UNAVAILABLE,
                       "store_url: a PostgreSQL URL is postgresql://[host][/dbname][?param=…]");
    PQconninfoOption *opts = PQconninfoParse(url, &msg);
    if (!opts) {
        /* libpq's message may quote the URL: it is not repeated */
        PQfreemem(msg);
        return err_set(e, STORE_UNAVAILABLE,
                       "store_url: not a PostgreSQL connection URI (PostgreSQL 15 §34.1.1.2)");
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (!strcmp(o->keyword, "password") && o->val && *o->val)
            has_password = true;
    PQconninfoFree(opts);
    if (has_password)
        return err_set(e, STORE_UNAVAILABLE,
                       "store_url: a PostgreSQL URL must not carry a password (it is printed "
                       "and logged); put it in the file PGPASSFILE names (PostgreSQL 15 §34.16)");
    return STORE_OK;
}

/* ---- parameters and results ---- */

void pg_params_init(struct pg_params *p)
{
    p->n = 0;
}

static int param_slot(struct pg_params *p)
{
    /* a statement with more parameters than PG_PARAMS_MAX is a programming error */
    if (p->n >= PG_PARAMS_MAX)
        abort();
    int i = p->n++;
    p->len[i] = 0;
    p->fmt[i] = 0;
    return i;
}

void pg_p_text(struct pg_params *p, const char *s)
{
    int i = param_slot(p);
    p->v[i] = s;
}

void pg_p_text_opt(struct pg_params *p, const char *s)
{
    pg_p_text(p, s && *s ? s : NULL);
}

/* Exactly n bytes as text: libpq sends a text parameter up to its NUL, so the bytes are sent
 * as binary, which for text is the string itself (PostgreSQL 15 §34.3.1, PQexecParams). */
void pg_p_textn(struct pg_params *p, const char *s, size_t n)
{
    int i = param_slot(p);
    p->v[i] = s ? s : "";
    p->len[i] = (int)n;
    p->fmt[i] = 1;
}

void pg_p_int(struct pg_params *p, int64_t v)
{
    int i = param_slot(p);
    snprintf(p->num[i], sizeof(p->num[i]), "%lld", (long long)v);
    p->v[i] = p->num[i];
}

void pg_p_bytea(struct pg_params *p, const void *b, size_t n)
{
    int i = param_slot(p);
    p->v[i] = b;
    p->len[i] = (int)n;
    p->fmt[i] = 1; /* binary bytea is the bytes themselves */
}

bool pg_retryable(const char *sqlstate)
{
    return !strcmp(sqlstate, "40001") || !strcmp(sqlstate, "40P01");
}

int pg_result_of(const char *sqlstate)
{
    if (!strcmp(sqlstate, "23505"))
        return STORE_EXISTS;
    if (!strcmp(sqlstate, "23503"))
        return STORE_INVALID;
    if (!strncmp(sqlstate, "23", 2))
        return STORE_EXISTS;
    return STORE_UNAVAILABLE;
}

/* ---- prepared statements (struct pg_stmt) ---- */

static uint64_t stmt_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *q = (const unsigned char *)sql; *q; q++)
        h = (h ^ *q) * 1099511628211ull;
    return h;
}

void pg_stmts_clear(struct pg_conn *c)
{
    if (c->stmts)
        for (size_t i = 0; i < PG_STMT_SLOTS; i++)
            free(c->stmts[i].sql);
    free(c->stmts);
    c->stmts = NULL;
    c->nstmts = 0;
}

/* The slot holding sql, or the empty slot where it would go (NULL when the table is full or
 * cannot be allocated: the statement then runs unnamed). */
static struct pg_stmt *stmt_slot(struct pg_conn *c, const char *sql, uint64_t h)
{
    if (!c->stmts && !(c->stmts = calloc(PG_STMT_SLOTS, sizeof(*c->stmts))))
        return NULL;
    for (size_t i = h & (PG_STMT_SLOTS - 1);; i = (i + 1) & (PG_STMT_SLOTS - 1)) {
        struct pg_stmt *t = &c->stmts[i];
        if (!t->sql)
            return c->nstmts < PG_STMT_MAX ? t : NULL;
        if (t->hash == h && !strcmp(t->sql, sql))
            return t;
    }
}

/* Removes t from the table without breaking the probe sequences of the others (backward-shift
 * deletion for linear probing). */
static void stmt_forget(struct pg_conn *c, struct pg_stmt *t)
{
    size_t i = (size_t)(t - c->stmts), mask = PG_STMT_SLOTS - 1;
    free(t->sql);
    t->sql = NULL;
    c->nstmts--;
    for (size_t j = (i + 1) & mask; c->stmts[j].sql; j = (j + 1) & mask) {
        size_t home = c->stmts[j].hash & mask;
        /* j's entry may move to the hole i when i lies on its probe path home … j */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            c->stmts[i] = c->stmts[j];
            c->stmts[j].sql = NULL;
            i = j;
        }
    }
}

/* Whether sql is a filtered read whose plan depends on its parameters' values: an `OR` in it
 * (`$1 IS NULL OR org_id = $1`, `$2 = 0 OR created_at >= $2`, a keyset page's `(at > $1 OR
 * id > $2)`). Such a statement runs unnamed, which PostgreSQL plans anew with the values each
 * time (§55.2.3 unnamed statement), so the branch the filter does not use folds away; a
 * prepared one could fall to a generic plan under plan_cache_mode = auto (conn_setup). */
bool pg_stmt_custom(const char *sql)
{
    return strstr(sql, " OR ") != NULL;
}

/* Runs sql on c: by name when it is (or can now be) prepared there, else unnamed. */
static PGresult *stmt_run(struct pg_conn *c, const char *sql, const struct pg_params *p,
                          struct pg_stmt **used)
{
    int n = p ? p->n : 0;
    const char *const *v = p ? p->v : NULL;
    const int *len = p ? p->len : NULL, *fmt = p ? p->fmt : NULL;
    uint64_t h = stmt_hash(sql);
    struct pg_stmt *t = pg_stmt_custom(sql) ? NULL : stmt_slot(c, sql, h);
    *used = NULL;
    if (!t)
        return PQexecParams(c->db, sql, n, NULL, v, len, fmt, 0);
    if (!t->sql) {
        char name[sizeof(t->name)];
        snprintf(name, sizeof(name), "ichigen_%llu", (unsigned long long)++c->stmt_serial);
        /* the parameters' types are inferred by the server, as PQexecParams lets it */
        PGresult *r = PQprepare(c->db, name, sql, 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return r; /* the statement itself is refused: its error is the answer */
        PQclear(r);
        t->sql = xstrdup(sql);
        t->hash = h;
        xstrlcpy(t->name, name, sizeof(t->name));
        c->nstmts++;
    }
    *used = t;
    return PQexecPrepared(c->db, t->name, n, v, len, fmt, 0);
}

/* A prepared statement the server no longer has (26000: a pooler's DISCARD ALL), or whose plan
 * no longer fits the tables (0A000 "cached plan must not change result type", after another
 * node migrated): forgotten, so the next run prepares it again. */
static bool stmt_stale(const char *sqlstate)
{
    return !strcmp(sqlstate, "26000") || !strcmp(sqlstate, "0A000");
}
/* While the database is down every statement and every batch fails, thousands a second under
 * load: one line a second of each kind says so, with how many were left out since the last
 * (`suppressed`). /readyz is what to alert on (docs/operations.md, "When the database dies"). */
static struct log_limit statement_log = LOG_LIMIT_INIT(1000000000LL),
                        commit_log = LOG_LIMIT_INIT(1000000000LL),
                        listen_log = LOG_LIMIT_INIT(1000000000LL);

int pg_exec(struct pg_conn *c, const char *sql, const struct pg_params *p, PGresult **res)
{
    struct pg_stmt *used;
    if (res)
        *res = NULL;
    if (!c->db)
        return STORE_UNAVAILABLE;
    PGresult *r = stmt_run(c, sql, p, &used);
    ExecStatusType st = PQresultStatus(r);
    const char *state = NULL;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && used && r &&
        (state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) && stmt_stale(state)) {
        stmt_forget(c, used);
        /* outside a transaction nothing was aborted: run it again, prepared afresh */
        if (PQtransactionStatus(c->db) == PQTRANS_IDLE) {
            PQclear(r);
            r = stmt_run(c, sql, p, &used);
            st = PQresultStatus(r);
        }
    }
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        c->sqlstate[0] = 0;
        if (res)
            *res = r;
        else
            PQclear(r);
        return STORE_OK;
    }
    state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* no SQLSTATE: libpq's own failure, e.g. the connection was lost (08006 is its class) */
    xstrlcpy(c->sqlstate, state ? state : "08006", sizeof(c->sqlstate));
    int out = pg_result_of(c->sqlstate);
    /* constraint failures are expected answers (taken names, replays); the rest is logged
     * with the server's message, which names no parameter values */
    long long quiet;
    if (out == STORE_UNAVAILABLE && log_limit_due(&statement_log, rtime_mono_ns(), &quiet)) {
        const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        LOG(LOG_WARN, "store.pg.statement_failed", LF_S("sqlstate", c->sqlstate),
            LF_S("message", msg ? msg : PQerrorMessage(c->db)), LF_I("suppressed", quiet));
    }
    PQclear(r);
    return out;
}

int pg_exec_changes(struct pg_conn *c, const char *sql, const struct pg_params *p, int64_t *changed)
{
    PGresult *r;
    int rc = pg_exec(c, sql, p, &r);
    *changed = 0;
    if (rc)
        return rc;
    *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return STORE_OK;
}

int64_t pg_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool pg_bool(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return false;
    const char *v = PQgetvalue(r, row, col);
    return !strcmp(v, "t") || strtoll(v, NULL, 10) != 0;
}

bool pg_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col);
}

void pg_copy(const PGresult *r, int row, int col, char *dst, size_t n)
{
    xstrlcpy(dst, PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col), n);
}

char *pg_dup(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return xstrndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* bytea's text output is hex, "\x0a1b…" (PostgreSQL 15 §8.4.1, bytea_output = hex, the
 * default; pg_connect sets it on every connection) */
long pg_bytea(const PGresult *r, int row, int col, unsigned char *dst, size_t max)
{
    if (PQgetisnull(r, row, col))
        return -1;
    const char *v = PQgetvalue(r, row, col);
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len < 2 || v[0] != '\\' || v[1] != 'x' || (len - 2) % 2 || (len - 2) / 2 > max)
        return -1;
    for (size_t i = 0; i < (len - 2) / 2; i++) {
        int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return -1;
        dst[i] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(len - 2) / 2;
}

/* ---- connections ---- */

/* Each connection: UTF-8, bytea as hex, and synchronous_commit on whatever the server's
 * default — a COMMIT returns only once its WAL is flushed to disk (§20.5.1), which is what
 * lets a 201 promise durability. Statements are prepared once per connection (pg_exec), and
 * PostgreSQL may keep a generic plan for one once it costs no more than the plans made for
 * its values have (plan_cache_mode = auto, §20.7.2): inserts, updates and reads by key. The
 * filtered reads whose plan depends on the values run unnamed instead (pg_stmt_custom).
 * Planning every statement anew (force_custom_plan) had taken some 40 % of the database's CPU
 * per report filed: 1.51 → 0.88 ms, intake at 64 connections 572 → 915 reports/s
 * (bench/README.md, "PostgreSQL and several nodes"). */
static const char *const conn_setup = /* several commands: PQexec, not PQexecParams */
    "SET synchronous_commit = on; SET bytea_output = hex; SET client_min_messages = warning;"
    " SET default_transaction_isolation = 'read committed';"
    " SET plan_cache_mode = auto";

static bool conn_prepare(struct pg_conn *c)
{
    PGresult *r = PQexec(c->db, conn_setup);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

static int pg_connect(struct pg_conn *c, const char *url, struct err *e)
{
    const char *const keys[] = {"dbname", "client_encoding", "application_name", "connect_timeout",
                                NULL};
    const char *const vals[] = {url, "UTF8", "ichigen", "10", NULL};
    c->sqlstate[0] = 0;
    c->db = PQconnectdbParams(keys, vals, 1);
    if (!c->db || PQstatus(c->db) != CONNECTION_OK) {
        /* libpq's message names the host and the reason, never the password */
        err_set(e, STORE_UNAVAILABLE, "cannot connect to PostgreSQL: %s",
                c->db ? PQerrorMessage(c->db) : "out of memory");
        PQfinish(c->db);
        c->db = NULL;
        return STORE_UNAVAILABLE;
    }
    return conn_prepare(c)
               ? STORE_OK
               : err_set(e, STORE_UNAVAILABLE, "cannot set up a PostgreSQL connection: %s",
                         PQerrorMessage(c->db));
}

/* A connection found broken (server restarted, network cut) is reset before its next use;
 * PQreset reconnects with the same parameters, bounded by connect_timeout. */
static void pg_heal(struct pg_conn *c)
{
    if (!c->db || PQstatus(c->db) == CONNECTION_OK)
        return;
    PQreset(c->db);
    pg_stmts_clear(c); /* a new session: the server has none of them */
    if (PQstatus(c->db) == CONNECTION_OK && conn_prepare(c))
        LOG(LOG_INFO, "store.pg.reconnected");
}

static void pg_disconnect(struct pg_conn *c)
{
    pg_stmts_clear(c);
    PQfinish(c->db);
    c->db = NULL;
}

struct pg_conn *pg_read_get(struct pg_store *s)
{
    struct pg_conn *c;
    pthread_mutex_lock(&s->plock);
    while (!s->pool_free)
        pthread_cond_wait(&s->pcond, &s->plock);
    c = s->pool_free;
    s->pool_free = c->next_free;
    pthread_mutex_unlock(&s->plock);
    pg_heal(c);
    return c;
}

void pg_read_put(struct pg_store *s, struct pg_conn *c)
{
    /* a read that left a transaction open (an error between begin and end) ends it here */
    if (c->db && PQtransactionStatus(c->db) != PQTRANS_IDLE)
        PQclear(PQexec(c->db, "ROLLBACK"));
    pthread_mutex_lock(&s->plock);
    c->next_free = s->pool_free;
    s->pool_free = c;
    pthread_cond_signal(&s->pcond);
    pthread_mutex_unlock(&s->plock);
}

int pg_read_begin(struct pg_conn *c)
{
    return pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, NULL);
}

void pg_read_end(struct pg_conn *c)
{
    pg_exec(c, "COMMIT", NULL, NULL);
}

/* ---- audit ---- */

static int load_audit_head(struct pg_store *s)
{
    PGresult *r;
    int rc = pg_exec(&s->w, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", NULL, &r);
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        s->audit_seq = pg_int(r, 0, 0);
        pg_copy(r, 0, 1, s->audit_hash, sizeof(s->audit_hash));
    } else {
        s->audit_seq = 0;
        xstrlcpy(s->audit_hash, AUDIT_GENESIS, sizeof(s->audit_hash));
    }
    PQclear(r);
    return STORE_OK;
}

int pg_audit_put(struct pg_store *s, const struct audit_rec *e)
{
    struct audit_rec r = *e;
    struct pg_params p;
    store_audit_chain(&r, s->audit_seq, s->audit_hash);
    pg_params_init(&p);
    pg_p_int(&p, r.seq);
    pg_p_int(&p, r.at);
    pg_p_text(&p, r.actor);
    pg_p_text(&p, r.action);
    pg_p_text(&p, r.object_type);
    pg_p_text(&p, r.object_id);
    pg_p_text(&p, r.detail);
    pg_p_text(&p, r.payload_sha256);
    pg_p_text(&p, r.prev_hash);
    pg_p_text(&p, r.hash);
    int rc = pg_exec(&s->w,
                     "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id,"
                     " detail, payload_sha256, prev_hash, hash)"
                     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                     &p, NULL);
    if (rc)
        return rc == STORE_EXISTS ? STORE_UNAVAILABLE : rc; /* a taken seq: never expected */
    s->audit_seq = r.seq;
    xstrlcpy(s->audit_hash, r.hash, sizeof(s->audit_hash));
    return STORE_OK;
}

/* ---- writer ---- */

static int run_batch_job(struct pg_store *s, struct pg_job *j)
{
    int64_t seq = s->audit_seq;
    char hash[HASH_SHA256_HEX];
    xstrlcpy(hash, s->audit_hash, sizeof(hash));
    int r = STORE_UNAVAILABLE;
    /* a job that met a deadlock or a serialization failure runs again from its savepoint
     * (PostgreSQL 15 §13.4: such a transaction is to be retried), at most PG_RETRIES times */
    for (int attempt = 0; attempt < PG_RETRIES; attempt++) {
        if (pg_exec(&s->w, "SAVEPOINT job", NULL, NULL))
            return STORE_UNAVAILABLE;
        r = j->run(s, &s->w, j->arg);
        /* a job that went on after a failed statement left the transaction aborted */
        if (r >= 0 && PQtransactionStatus(s->w.db) == PQTRANS_INERROR)
            r = STORE_UNAVAILABLE;
        bool again = r < 0 && pg_retryable(s->w.sqlstate);
        if (r < 0) {
            pg_exec(&s->w, "ROLLBACK TO SAVEPOINT job", NULL, NULL);
            s->audit_seq = seq; /* the job's audit entries were rolled back with it */
            xstrlcpy(s->audit_hash, hash, sizeof(s->audit_hash));
        }
        pg_exec(&s->w, "RELEASE SAVEPOINT job", NULL, NULL);
        if (!again)
            break;
    }
    return r;
}

static int notify_changes(struct pg_store *s)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, PG_CHANGES_CHANNEL);
    pg_p_int(&p, s->audit_seq);
    return pg_exec(&s->w, "SELECT pg_notify($1, $2::text)", &p, NULL);
}

/* One attempt at a batch: BEGIN, the write lock, the chain head, the jobs, COMMIT. Returns
 * STORE_OK when committed (each job's own result in j->result). */
static int batch_attempt(struct pg_store *s, struct pg_job *batch, bool *retry)
{
    char lock[96];
    snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%d, %d)", PG_LOCK_CLASS,
             PG_LOCK_WRITE);
    *retry = false;
    int rc = pg_exec(&s->w, "BEGIN", NULL, NULL);
    if (!rc)
        rc = pg_exec(&s->w, lock, NULL, NULL);
    /* re-read under the lock: another node (or `ichigen admin`) may have appended */
    if (!rc)
        rc = load_audit_head(s);
    int64_t head = s->audit_seq;
    for (struct pg_job *j = batch; j; j = j->next)
        j->result = rc ? STORE_UNAVAILABLE : run_batch_job(s, j);
    /* every node's listener learns of the batch's entries when it commits, and only then
     * (PostgreSQL 15, NOTIFY: delivered at commit, never for a rolled-back transaction) */
    if (!rc && s->audit_seq > head)
        rc = notify_changes(s);
    if (!rc) {
        PGresult *r = NULL;
        rc = pg_exec(&s->w, "COMMIT", NULL, &r);
        /* a COMMIT of an aborted transaction "succeeds" as ROLLBACK */
        if (!rc && strcmp(PQcmdStatus(r), "COMMIT"))
            rc = STORE_UNAVAILABLE;
        PQclear(r);
    }
    if (rc) {
        *retry = pg_retryable(s->w.sqlstate);
        if (s->w.db && PQtransactionStatus(s->w.db) != PQTRANS_IDLE)
            PQclear(PQexec(s->w.db, "ROLLBACK"));
    }
    return rc;
}

static void run_batch(struct pg_store *s, struct pg_job *batch)
{
    int64_t t0 = rtime_mono_ns();
    int rc, n = 0, attempt = 0;
    bool retry;
    for (struct pg_job *j = batch; j; j = j->next)
        n++;
    pg_heal(&s->w);
    do
        rc = batch_attempt(s, batch, &retry);
    while (rc && retry && ++attempt < PG_RETRIES);
    if (rc) {
        long long quiet;
        if (log_limit_due(&commit_log, rtime_mono_ns(), &quiet))
            LOG(LOG_ERROR, "store.commit_failed", LF_S("sqlstate", s->w.sqlstate), LF_I("jobs", n),
                LF_I("attempts", attempt + 1), LF_I("suppressed", quiet));
        for (struct pg_job *j = batch; j; j = j->next)
            j->result = STORE_UNAVAILABLE;
        atomic_fetch_add(&s->failed_commits, 1);
    } else {
        atomic_fetch_add(&s->commits, 1);
        atomic_fetch_add(&s->writes, (unsigned long long)n);
    }
    histo_observe_ns(&s->commit_hist, rtime_mono_ns() - t0);
}

static void *writer_main(void *arg)
{
    struct pg_store *s = arg;
    pthread_mutex_lock(&s->qlock);
    for (;;) {
        while (!s->qhead && !s->stopping)
            pthread_cond_wait(&s->qcond, &s->qlock);
        if (!s->qhead && s->stopping)
            break;
        struct pg_job *batch = s->qhead, *last = batch;
        for (int n = 1; n < s->batch_max && last->next; n++)
            last = last->next;
        s->qhead = last->next;
        if (!s->qhead)
            s->qtail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->qlock);

        run_batch(s, batch);

        pthread_mutex_lock(&s->qlock);
        for (struct pg_job *j = batch, *next; j; j = next) {
            next = j->next; /* j lives on the waiter's stack: read next before signalling */
            j->done = true;
            pthread_cond_signal(&j->cond);
        }
    }
    pthread_mutex_unlock(&s->qlock);
    return NULL;
}

int pg_submit(struct pg_store *s, int (*run)(struct pg_store *, struct pg_conn *, void *),
              void *arg)
{
    struct pg_job j = {.run = run, .arg = arg, .result = STORE_UNAVAILABLE};
    pthread_cond_init(&j.cond, NULL);
    pthread_mutex_lock(&s->qlock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->qlock);
        pthread_cond_destroy(&j.cond);
        return STORE_UNAVAILABLE;
    }
    if (s->qtail)
        s->qtail->next = &j;
    else
        s->qhead = &j;
    s->qtail = &j;
    pthread_cond_signal(&s->qcond);
    while (!j.done)
        pthread_cond_wait(&j.cond, &s->qlock);
    pthread_mutex_unlock(&s->qlock);
    pthread_cond_destroy(&j.cond);
    return j.result;
}

/* ---- the change feed (store.h, changes_wait) ---- */

/* Opens the listener and starts listening, then reads the head: whatever was committed before
 * LISTEN took effect (while the connection was down, or before the first wait) is seen there,
 * everything after is notified. */
static int listen_open(struct pg_store *s)
{
    struct err e;
    PGresult *r;
    err_init(&e);
    pg_disconnect(&s->listen);
    long long quiet;
    if (pg_connect(&s->listen, s->url, &e)) {
        if (log_limit_due(&listen_log, rtime_mono_ns(), &quiet)) /* retried every 200 ms */
            LOG(LOG_WARN, "store.pg.listen_failed", LF_S("error", e.msg),
                LF_I("suppressed", quiet));
        pg_disconnect(&s->listen); /* connected but not set up: not a listener either */
        return STORE_UNAVAILABLE;
    }
    int rc = pg_exec(&s->listen, "LISTEN " PG_CHANGES_CHANNEL, NULL, NULL);
    if (!rc)
        rc = pg_exec(&s->listen, "SELECT coalesce(max(seq), 0) FROM audit_log", NULL, &r);
    if (rc) {
        pg_disconnect(&s->listen);
        return rc;
    }
    int64_t head = pg_int(r, 0, 0);
    PQclear(r);
    if (head > s->listen_seen)
        s->listen_seen = head;
    return STORE_OK;
}

/* Reads what the server sent and takes every notification in it into s->listen_seen. */
static int listen_drain(struct pg_store *s)
{
    PGnotify *n;
    if (!PQconsumeInput(s->listen.db)) /* broken: the next wait reconnects and reads the head */
        return STORE_UNAVAILABLE;
    while ((n = PQnotifies(s->listen.db))) {
        int64_t seq = strtoll(n->extra, NULL, 10);
        if (seq > s->listen_seen)
            s->listen_seen = seq;
        PQfreemem(n);
    }
    return STORE_OK;
}

int pg_changes_wait(struct store *base, int64_t after_seq, int timeout_ms, bool *changed)
{
    struct pg_store *s = PG(base);
    int rc = STORE_OK;
    *changed = false;
    if (!s->listen.db || PQstatus(s->listen.db) != CONNECTION_OK)
        rc = listen_open(s);
    if (!rc)
        rc = listen_drain(s);
    if (rc || (*changed = s->listen_seen > after_seq) || timeout_ms <= 0)
        return rc;
    struct pollfd pfd = {.fd = PQsocket(s->listen.db), .events = POLLIN};
    int n = poll(&pfd, 1, timeout_ms);
    if (n < 0 && errno != EINTR)
        return STORE_UNAVAILABLE;
    if (n > 0 && (rc = listen_drain(s)))
        return rc;
    *changed = s->listen_seen > after_seq;
    return STORE_OK;
}

/* ---- migrations ---- */

/* The version the database is at, inside the migration lock's transaction. */
static int schema_at(struct pg_conn *c, int *have)
{
    PGresult *r;
    int rc = pg_exec(c,
                     "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY,"
                     " name TEXT NOT NULL)",
                     NULL, NULL);
    if (!rc)
        rc = pg_exec(c, "SELECT coalesce(max(version), 0) FROM schema_version", NULL, &r);
    if (rc)
        return rc;
    *have = (int)pg_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

/* Applies migration m unless the database has it: one transaction that first takes the
 * migration lock (§13.3.5), so nodes starting together migrate once — a second node waits
 * for the first's COMMIT, then reads the new version and skips. *have: the version after. */
static int migrate_one(struct pg_conn *c, const struct store_migration *m, int *have, struct err *e)
{
    char lock[96];
    struct pg_params p;
    snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%d, %d)", PG_LOCK_CLASS,
             PG_LOCK_MIGRATE);
    int rc = pg_exec(c, "BEGIN", NULL, NULL);
    if (!rc)
        rc = pg_exec(c, lock, NULL, NULL);
    if (!rc)
        rc = schema_at(c, have);
    if (!rc && *have > store_pg_schema_version()) {
        PQclear(PQexec(c->db, "ROLLBACK"));
        return err_set(e, STORE_UNAVAILABLE,
                       "database schema version %d is newer than this binary (%d)", *have,
                       store_pg_schema_version());
    }
    if (!rc && *have < m->version) {
        pg_params_init(&p);
        pg_p_int(&p, m->version);
        pg_p_text(&p, m->name);
        /* the migration's statements in one simple-protocol call (§55.2.2: several statements
         * in one query run in the enclosing transaction) */
        PGresult *r = PQexec(c->db, m->sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            err_set(e, STORE_UNAVAILABLE, "migration %d (%s) failed: %s", m->version, m->name,
                    PQresultErrorMessage(r));
            rc = STORE_UNAVAILABLE;
        }
        PQclear(r);
        if (!rc)
            rc = pg_exec(c, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", &p, NULL);
        if (!rc)
            LOG(LOG_INFO, "store.migrated", LF_I("schema_version", m->version),
                LF_S("migration", m->name));
    }
    if (!rc)
        rc = pg_exec(c, "COMMIT", NULL, NULL);
    if (rc) {
        PQclear(PQexec(c->db, "ROLLBACK"));
        if (!e->msg[0])
            err_set(e, STORE_UNAVAILABLE, "migration %d (%s) failed: SQLSTATE %s", m->version,
                    m->name, c->sqlstate);
        return STORE_UNAVAILABLE;
    }
    if (*have < m->version)
        *have = m->version;
    return STORE_OK;
}

static int migrate(struct pg_conn *c, struct err *e)
{
    int have = 0;
    for (size_t i = 0; i < pg_migrations_count; i++)
        if (migrate_one(c, &pg_migrations[i], &have, e))
            return STORE_UNAVAILABLE;
    return STORE_OK;
}

/* ---- open / close ---- */

static int pool_open(struct pg_store *s, struct err *e)
{
    for (int i = 0; i < s->pool_max; i++) {
        struct pg_conn *c = xcalloc(1, sizeof(*c));
        s->pool_all[i] = c;
        s->pool_n = i + 1;
        if (pg_connect(c, s->url, e))
            return STORE_UNAVAILABLE;
        c->next_free = s->pool_free;
        s->pool_free = c;
    }
    return STORE_OK;
}

void pg_close_store(struct store *base)
{
    struct pg_store *s = PG(base);
    if (!s)
        return;
    pthread_mutex_lock(&s->qlock);
    atomic_store(&s->stopping, true);
    pthread_cond_broadcast(&s->qcond);
    pthread_mutex_unlock(&s->qlock);
    if (s->writer_started)
        pthread_join(s->writer, NULL);
    for (int i = 0; i < s->pool_n; i++) {
        pg_disconnect(s->pool_all[i]);
        free(s->pool_all[i]);
    }
    free(s->pool_all);
    pg_disconnect(&s->w);
    pg_disconnect(&s->listen);
    pthread_mutex_destroy(&s->qlock);
    pthread_cond_destroy(&s->qcond);
    pthread_mutex_destroy(&s->plock);
    pthread_cond_destroy(&s->pcond);
    free(s->url);
    free(s);
}

struct store *store_pg_open(const struct store_pg_options *o, struct err *e)
{
    if (store_pg_url_check(o->url, e))
        return NULL;
    struct pg_store *s = xcalloc(1, sizeof(*s));
    s->base.ops = &pg_ops;
    s->url = xstrdup(o->url);
    s->batch_max = o->commit_batch_max > 0 ? o->commit_batch_max : 512;
    s->pool_max = o->pool_size > 0 ? o->pool_size : 8;
    s->pool_all = xcalloc((size_t)s->pool_max, sizeof(*s->pool_all));
    pthread_mutex_init(&s->qlock, NULL);
    pthread_cond_init(&s->qcond, NULL);
    pthread_mutex_init(&s->plock, NULL);
    pthread_cond_init(&s->pcond, NULL);
    histo_init(&s->commit_hist);
    if (pg_connect(&s->w, s->url, e) || (!o->as_is && migrate(&s->w, e)) || pool_open(s, e))
        goto fail;
    if (pthread_create(&s->writer, NULL, writer_main, s)) {
        err_set(e, STORE_UNAVAILABLE, "cannot start the writer thread");
        goto fail;
    }
    s->writer_started = true;
    return &s->base;
fail:
    pg_close_store(&s->base);
    return NULL;
}
