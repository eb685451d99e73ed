/*
 * store_pg_advisory.c — advisories and users' clearances (issue 13 items 1 and 2) in PostgreSQL
 * (issue 14), with the semantics of src/store/sqlite/store_sqlite_advisory.c. Mechanism only:
 * who may read an advisory and who is told is decided above, in app/ (sharing/share_policy.h);
 * the writer's jobs re-check, under the batch lock (store_pg_int.h), the preconditions the
 * contract names, so they hold across nodes sharing the database.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- reading (the service reads every advisory at start-up, app_correlate) ---- */

#define ADV_COLS                                                                                   \
    "SELECT a.id, a.org_id, v.author_id, v.version, a.latest_version, v.tlp, v.clearance,"         \
    " v.audience, v.title, "
#define ADV_COLS_TAIL                                                                              \
    ", v.body_sha256, a.created_at, a.updated_at, v.created_at, a.withdrawn_at,"                   \
    " a.withdrawn_reason, "

static void adv_row(const PGresult *r, int i, struct advisory_rec *a)
{
    memset(a, 0, sizeof(*a));
    pg_copy(r, i, 0, a->id, sizeof(a->id));
    pg_copy(r, i, 1, a->org_id, sizeof(a->org_id));
    pg_copy(r, i, 2, a->author_id, sizeof(a->author_id));
    a->version = (int)pg_int(r, i, 3);
    a->latest_version = (int)pg_int(r, i, 4);
    pg_copy(r, i, 5, a->tlp, sizeof(a->tlp));
    pg_copy(r, i, 6, a->clearance, sizeof(a->clearance));
    a->audience = pg_dup(r, i, 7);
    a->title = pg_dup(r, i, 8);
    a->body = pg_dup(r, i, 9);
    pg_copy(r, i, 10, a->body_sha256, sizeof(a->body_sha256));
    a->created_at = pg_int(r, i, 11);
    a->updated_at = pg_int(r, i, 12);
    a->version_created_at = pg_int(r, i, 13);
    a->withdrawn_at = pg_int(r, i, 14);
    a->withdrawn_reason = pg_dup(r, i, 15);
    a->acked_version = (int)pg_int(r, i, 16);
}

/* One version of id (version 0: the latest) with its body. */
int pg_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, version);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     ADV_COLS "v.body" ADV_COLS_TAIL "0 FROM advisories a JOIN advisory_versions v"
                              " ON v.advisory_id = a.id AND v.version = CASE WHEN $2::bigint > 0"
                              " THEN $2::bigint ELSE a.latest_version END WHERE a.id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc)
        adv_row(r, 0, out);
    PQclear(r);
    return rc;
}

/* Newest first, without bodies; one more row says whether another page exists. */
int pg_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out)
{
    struct pg_params p;
    PGresult *r;
    int limit = f->limit > 0 ? f->limit : 1;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text_opt(&p, f->after_id);
    pg_p_text_opt(&p, f->ack_org_id);
    pg_p_int(&p, limit + 1);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     ADV_COLS "NULL" ADV_COLS_TAIL "coalesce(k.version, 0) FROM advisories a"
                              " JOIN advisory_versions v ON v.advisory_id = a.id"
                              " AND v.version = a.latest_version LEFT JOIN advisory_acks k"
                              " ON k.advisory_id = a.id AND k.org_id = $2"
                              " WHERE ($1::text IS NULL OR a.id < $1) ORDER BY a.id DESC LIMIT $3",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    out->more = rows > (size_t)limit;
    out->n = out->more ? (size_t)limit : rows;
    out->items = xcalloc((size_t)limit, sizeof(*out->items));
    for (size_t i = 0; i < out->n; i++)
        adv_row(r, (int)i, &out->items[i]);
    PQclear(r);
    return STORE_OK;
}

/* The organisations that acknowledged id, each with the version it last acknowledged. */
int pg_advisory_acks(struct store *s, const char *id, struct advisory_ack **out, size_t *n)
{
    struct pg_params p;
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_params_init(&p);
    pg_p_text(&p, id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT org_id, user_id, version, at FROM advisory_acks"
                     " WHERE advisory_id = $1 ORDER BY at, org_id",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    if (rows)
        *out = xcalloc(rows, sizeof(**out));
    for (size_t i = 0; i < rows; i++) {
        struct advisory_ack *k = &(*out)[i];
        pg_copy(r, (int)i, 0, k->org_id, sizeof(k->org_id));
        pg_copy(r, (int)i, 1, k->user_id, sizeof(k->user_id));
        k->version = (int)pg_int(r, (int)i, 2);
        k->at = pg_int(r, (int)i, 3);
    }
    *n = rows;
    PQclear(r);
    return STORE_OK;
}

/* ---- writing: jobs of the writer (store_pg_int.h), re-checking under the batch lock what the
 * contract names — the expected version, in force, the originating organisation ---- */

struct adv_job {
    const struct advisory_write *w;
    const char *id, *org_id, *user_id, *reason, *actor;
    int version;
    int64_t now;
};

/* Writer: the advisory's organisation, latest version and withdrawal; STORE_NOT_FOUND. */
static int adv_state(struct pg_conn *w, const char *id, char org[UUID_STR_LEN], int *latest,
                     int64_t *withdrawn)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, id);
    int rc = pg_exec(w, "SELECT org_id, latest_version, withdrawn_at FROM advisories WHERE id = $1",
                     &p, &r);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc) {
        pg_copy(r, 0, 0, org, UUID_STR_LEN);
        *latest = (int)pg_int(r, 0, 1);
        *withdrawn = pg_int(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

/* Writer: version `version` of w, its audit entry and its notifications. */
static int adv_version_put(struct pg_store *s, struct pg_conn *w, const struct advisory_write *a,
                           int version)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->id);
    pg_p_int(&p, version);
    pg_p_text(&p, a->tlp);
    pg_p_text(&p, a->clearance ? a->clearance : "");
    pg_p_text(&p, a->audience);
    pg_p_text(&p, a->title);
    pg_p_text(&p, a->body);
    pg_p_text(&p, a->body_sha256);
    pg_p_text(&p, a->author_id);
    pg_p_int(&p, a->now_ms);
    int r = pg_exec(w,
                    "INSERT INTO advisory_versions (advisory_id, version, tlp, clearance, audience,"
                    " title, body, body_sha256, author_id, created_at)"
                    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                    &p, NULL);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_advisory(&e, a->audit_action, a->id, version, a->tlp, a->body_sha256, a->author_id,
                         a->now_ms);
    r = pg_audit_put(s, &e);
    for (size_t i = 0; !r && i < a->nnotes; i++)
        r = pg_note_add(s, w, &a->notes[i], NULL);
    return r;
}

static int adv_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct adv_job *a = arg;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->w->id);
    pg_p_text(&p, a->w->org_id);
    pg_p_text(&p, a->w->author_id);
    pg_p_int(&p, a->w->now_ms);
    /* an unknown organisation is 23503 (STORE_INVALID), a taken id 23505 (STORE_EXISTS), as
     * SQLite's constraint codes map */
    int r = pg_exec(w,
                    "INSERT INTO advisories (id, org_id, author_id, latest_version, created_at,"
                    " updated_at) VALUES ($1,$2,$3,1,$4,$4)",
                    &p, NULL);
    return r ? r : adv_version_put(s, w, a->w, 1);
}

int pg_advisory_create(struct store *s, const struct advisory_write *w)
{
    struct adv_job a = {.w = w};
    return pg_submit(PG(s), adv_create_run, &a);
}

static int adv_amend_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct adv_job *a = arg;
    char org[UUID_STR_LEN] = "";
    int latest = 0;
    int64_t withdrawn = 0, changed = 0;
    int r = adv_state(w, a->w->id, org, &latest, &withdrawn);
    if (r)
        return r;
    if (strcmp(org, a->w->org_id))
        return STORE_NOT_FOUND;
    if (withdrawn || latest != a->w->expected_version)
        return STORE_CONFLICT;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->w->id);
    pg_p_int(&p, latest + 1);
    pg_p_int(&p, a->w->now_ms);
    r = pg_exec_changes(w,
                        "UPDATE advisories SET latest_version = $2, updated_at = $3"
                        " WHERE id = $1 AND latest_version = $2::bigint - 1 AND withdrawn_at = 0",
                        &p, &changed);
    if (r)
        return r;
    if (!changed)
        return STORE_CONFLICT;
    return adv_version_put(s, w, a->w, latest + 1);
}

int pg_advisory_amend(struct store *s, const struct advisory_write *w)
{
    struct adv_job a = {.w = w};
    return pg_submit(PG(s), adv_amend_run, &a);
}

static int adv_withdraw_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct adv_job *a = arg;
    struct pg_params p;
    int64_t changed = 0;
    pg_params_init(&p);
    pg_p_text(&p, a->id);
    pg_p_text(&p, a->org_id);
    pg_p_int(&p, a->now);
    pg_p_text(&p, a->reason);
    pg_p_text(&p, a->actor);
    int r = pg_exec_changes(w,
                            "UPDATE advisories SET withdrawn_at = $3, withdrawn_reason = $4,"
                            " withdrawn_by = $5 WHERE id = $1 AND org_id = $2 AND withdrawn_at = 0",
                            &p, &changed);
    if (r)
        return r;
    if (!changed) {
        char org[UUID_STR_LEN] = "";
        int latest = 0;
        int64_t withdrawn = 0;
        if ((r = adv_state(w, a->id, org, &latest, &withdrawn)))
            return r;
        return strcmp(org, a->org_id) ? STORE_NOT_FOUND : STORE_CONFLICT;
    }
    struct audit_rec e;
    store_audit_advisory(&e, "advisory.withdraw", a->id, 0, NULL, NULL, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_advisory_withdraw(struct store *s, const char *id, const char *org_id, const char *reason,
                         const char *actor, int64_t now)
{
    struct adv_job a = {.id = id, .org_id = org_id, .reason = reason, .actor = actor, .now = now};
    return pg_submit(PG(s), adv_withdraw_run, &a);
}

static int adv_ack_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct adv_job *a = arg;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->id);
    pg_p_text(&p, a->org_id);
    pg_p_text(&p, a->user_id);
    pg_p_int(&p, a->version);
    pg_p_int(&p, a->now);
    int r = pg_exec(w,
                    "INSERT INTO advisory_acks (advisory_id, org_id, user_id, version, at)"
                    " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (advisory_id, org_id) DO UPDATE SET"
                    " user_id = excluded.user_id, version = excluded.version, at = excluded.at",
                    &p, NULL);
    if (r)
        return r == STORE_INVALID ? STORE_NOT_FOUND : r; /* 23503: no such advisory */
    struct audit_rec e;
    store_audit_advisory(&e, "advisory.acknowledge", a->id, a->version, NULL, NULL, a->user_id,
                         a->now);
    return pg_audit_put(s, &e);
}

int pg_advisory_ack(struct store *s, const char *id, const char *org_id, const char *user_id,
                    int version, int64_t now)
{
    struct adv_job a = {
        .id = id, .org_id = org_id, .user_id = user_id, .version = version, .now = now};
    return pg_submit(PG(s), adv_ack_run, &a);
}

/* ---- clearances ---- */

int pg_clearance_get(struct store *s, const char *user_id, struct clearance_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, user_id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT level, granted_at, expires_at, granted_by, updated_at"
                     " FROM user_clearances WHERE user_id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc) {
        xstrlcpy(out->user_id, user_id, sizeof(out->user_id));
        pg_copy(r, 0, 0, out->level, sizeof(out->level));
        out->granted_at = pg_int(r, 0, 1);
        out->expires_at = pg_int(r, 0, 2);
        pg_copy(r, 0, 3, out->granted_by, sizeof(out->granted_by));
        out->updated_at = pg_int(r, 0, 4);
    }
    PQclear(r);
    return rc;
}

struct clr_job {
    const struct clearance_rec *c;
    const char *actor;
    int64_t now;
};

/* An empty level removes the clearance (STORE_NOT_FOUND when there was none); any other sets
 * or replaces it (STORE_INVALID for an unknown user). Audited either way. */
static int clr_set_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct clr_job *a = arg;
    struct pg_params p;
    int r;
    pg_params_init(&p);
    pg_p_text(&p, a->c->user_id);
    if (!a->c->level[0]) {
        int64_t changed = 0;
        r = pg_exec_changes(w, "DELETE FROM user_clearances WHERE user_id = $1", &p, &changed);
        if (!r && !changed)
            r = STORE_NOT_FOUND;
    } else {
        pg_p_text(&p, a->c->level);
        pg_p_int(&p, a->c->granted_at);
        pg_p_int(&p, a->c->expires_at);
        pg_p_text(&p, a->actor ? a->actor : "system");
        pg_p_int(&p, a->now);
        r = pg_exec(w,
                    "INSERT INTO user_clearances (user_id, level, granted_at, expires_at,"
                    " granted_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6)"
                    " ON CONFLICT (user_id) DO UPDATE SET level = excluded.level,"
                    " granted_at = excluded.granted_at, expires_at = excluded.expires_at,"
                    " granted_by = excluded.granted_by, updated_at = excluded.updated_at",
                    &p, NULL);
    }
    if (r)
        return r;
    struct audit_rec e;
    store_audit_clearance(&e, a->c, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_clearance_set(struct store *s, const struct clearance_rec *c, const char *actor, int64_t now)
{
    struct clr_job a = {c, actor, now};
    return pg_submit(PG(s), clr_set_run, &a);
}
