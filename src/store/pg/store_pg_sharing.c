/*
 * store_pg_sharing.c — sightings of indicators (issue 13 item 3) in PostgreSQL (issue 14), with
 * the semantics of src/store/sqlite/store_sqlite_sharing.c: each stored with its audit entry
 * (which never names the value: counts only), counted by kind, and read back by the
 * organisation that made them.
 */
#include "store_pg_int.h"
#include "../store_int.h"

static int sighting_add_run(struct pg_store *s, struct pg_conn *c, void *arg)
{
    const struct sighting_write *w = arg;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, w->id);
    pg_p_text(&p, w->org_id);
    pg_p_text(&p, w->actor);
    pg_p_text(&p, w->type);
    pg_p_text(&p, w->value);
    pg_p_text(&p, w->kind);
    pg_p_int(&p, w->count);
    pg_p_int(&p, w->first_seen);
    pg_p_int(&p, w->last_seen);
    pg_p_text_opt(&p, w->note);
    pg_p_int(&p, w->now_ms);
    pg_p_text(&p, w->tlp && *w->tlp ? w->tlp : "TLP:AMBER");
    /* an unknown organisation is 23503: STORE_INVALID */
    int r = pg_exec(c,
                    "INSERT INTO sightings (id, org_id, user_id, ioc_type, value, kind, count,"
                    " first_seen, last_seen, note, created_at, tlp)"
                    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                    &p, NULL);
    if (r)
        return r;
    struct audit_rec e;
    char detail[40];
    snprintf(detail, sizeof(detail), "kind=%s", w->kind);
    store_audit_entry(&e, w->actor, "sighting.create", "sighting", w->id, detail, NULL, w->now_ms);
    return pg_audit_put(s, &e);
}

int pg_sighting_add(struct store *s, const struct sighting_write *w)
{
    return pg_submit(PG(s), sighting_add_run, (void *)w);
}

/* Per kind, the sum of counts and the distinct organisations; rows labelled except_tlp are
 * left out ("" or NULL: none is). */
int pg_sighting_counts(struct store *s, const char *type, const char *value, const char *except_tlp,
                       struct sighting_counts *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, type);
    pg_p_text(&p, value);
    pg_p_text(&p, except_tlp ? except_tlp : "");
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT kind, sum(count), count(DISTINCT org_id) FROM sightings"
                     " WHERE ioc_type = $1 AND value = $2 AND tlp <> $3 GROUP BY kind",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        bool fp = !strcmp(PQgetvalue(r, i, 0), "false_positive");
        *(fp ? &out->false_positive : &out->seen) = pg_int(r, i, 1);
        *(fp ? &out->false_positive_orgs : &out->seen_orgs) = pg_int(r, i, 2);
    }
    PQclear(r);
    return STORE_OK;
}

/* An organisation's own sightings of one value, newest first (ties: the later id), at most
 * limit of them. */
int pg_sighting_list_org(struct store *s, const char *org_id, const char *type, const char *value,
                         int limit, struct sighting_rec **out, size_t *n)
{
    struct pg_params p;
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_params_init(&p);
    pg_p_text(&p, type);
    pg_p_text(&p, value);
    pg_p_text(&p, org_id);
    pg_p_int(&p, limit > 0 ? limit : 0);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT id, kind, count, first_seen, last_seen, created_at, tlp"
                     " FROM sightings WHERE ioc_type = $1 AND value = $2 AND org_id = $3"
                     " ORDER BY created_at DESC, id DESC LIMIT $4",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    if (limit > 0)
        *out = xcalloc((size_t)limit, sizeof(**out));
    for (int i = 0; i < PQntuples(r) && *n < (size_t)(limit > 0 ? limit : 0); i++) {
        struct sighting_rec *k = &(*out)[(*n)++];
        pg_copy(r, i, 0, k->id, sizeof(k->id));
        pg_copy(r, i, 1, k->kind, sizeof(k->kind));
        k->count = pg_int(r, i, 2);
        k->first_seen = pg_int(r, i, 3);
        k->last_seen = pg_int(r, i, 4);
        k->created_at = pg_int(r, i, 5);
        pg_copy(r, i, 6, k->tlp, sizeof(k->tlp));
    }
    PQclear(r);
    return STORE_OK;
}
