/*
 * store_sqlite_sharing.c — the SQLite backend's sharing operations (issue 13 item 3):
 * sightings of indicators, stored with their audit entry and counted by kind.
 */
#include "store_sqlite_int.h"
#include "../store_audit.h"

#define SQ(s) ((struct sq_store *)(s))

static int sighting_add_run(struct sq_store *s, struct wjob *j)
{
    const struct sighting_write *w = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SIGHTING_INSERT);
    sq_bind_text(st, 1, w->id);
    sq_bind_text(st, 2, w->org_id);
    sq_bind_text(st, 3, w->actor);
    sq_bind_text(st, 4, w->type);
    sq_bind_text(st, 5, w->value);
    sq_bind_text(st, 6, w->kind);
    sqlite3_bind_int64(st, 7, w->count);
    sqlite3_bind_int64(st, 8, w->first_seen);
    sqlite3_bind_int64(st, 9, w->last_seen);
    sq_bind_text_opt(st, 10, w->note);
    sqlite3_bind_int64(st, 11, w->now_ms);
    sq_bind_text(st, 12, w->tlp && *w->tlp ? w->tlp : "TLP:AMBER");
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    char detail[40];
    snprintf(detail, sizeof(detail), "kind=%s", w->kind); /* never the value: counts only */
    store_audit_entry(&e, w->actor, "sighting.create", "sighting", w->id, detail, NULL, w->now_ms);
    return sq_audit_put(s, &e);
}

int sq_sighting_add(struct store *s, const struct sighting_write *w)
{
    return sq_submit(SQ(s), sighting_add_run, (void *)w);
}

int sq_sighting_counts(struct store *s, const char *type, const char *value, const char *except_tlp,
                       struct sighting_counts *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_SIGHTING_COUNTS);
    sq_bind_text(st, 1, type);
    sq_bind_text(st, 2, value);
    sq_bind_text(st, 3, except_tlp ? except_tlp : ""); /* "" is no label: every row counts */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        bool fp = kind && !strcmp(kind, "false_positive");
        *(fp ? &out->false_positive : &out->seen) = sqlite3_column_int64(st, 1);
        *(fp ? &out->false_positive_orgs : &out->seen_orgs) = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

int sq_sighting_list_org(struct store *s, const char *org_id, const char *type, const char *value,
                         int limit, struct sighting_rec **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_SIGHTING_LIST_ORG);
    sq_bind_text(st, 1, type);
    sq_bind_text(st, 2, value);
    sq_bind_text(st, 3, org_id);
    sqlite3_bind_int(st, 4, limit);
    if (limit > 0)
        *out = xcalloc((size_t)limit, sizeof(**out));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < (size_t)limit) {
        struct sighting_rec *r = &(*out)[(*n)++];
        xstrlcpy(r->id, (const char *)sqlite3_column_text(st, 0), sizeof(r->id));
        xstrlcpy(r->kind, (const char *)sqlite3_column_text(st, 1), sizeof(r->kind));
        r->count = sqlite3_column_int64(st, 2);
        r->first_seen = sqlite3_column_int64(st, 3);
        r->last_seen = sqlite3_column_int64(st, 4);
        r->created_at = sqlite3_column_int64(st, 5);
        xstrlcpy(r->tlp, (const char *)sqlite3_column_text(st, 6), sizeof(r->tlp));
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}
