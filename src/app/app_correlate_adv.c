/*
 * app_correlate_adv.c — advisories in the correlation service (app_correlate.h, issue 13 item 3:
 * a filed report is matched "against every other report and advisory"). An advisory's
 * indicators go into the same index as incidents', under postings with APP_CORRELATE_ADVISORY
 * set; a summary names the advisories its viewer may read (the TLP rule, asked through the
 * view's may_read) and never counts or hints at the others.
 */
#include "app_correlate.h"
#include "app_correlate_int.h"
#include "../core/log.h"
#include "../sharing/advisory.h"

static const char *adv_name(const void *ctx, uint32_t i)
{
    return ((const struct app_correlate *)ctx)->advs[i].rec.id;
}

/* The facts of a the read rule and a summary need, copied (no body, no withdrawal reason). */
static void facts_copy(struct advisory_rec *to, const struct advisory_rec *a)
{
    advisory_rec_release(to);
    *to = *a;
    to->body = NULL;
    to->withdrawn_reason = NULL;
    to->audience = a->audience ? xstrdup(a->audience) : NULL;
    to->title = a->title ? xstrdup(a->title) : NULL;
}

void cx_advs_free(struct app_correlate *cx)
{
    for (size_t i = 0; i < cx->nadvs; i++) {
        cx_iocs_free(&cx->advs[i].ind);
        advisory_rec_release(&cx->advs[i].rec);
    }
    free(cx->advs);
    free(cx->adv_map.slots);
}

/* The advisory's number (the write lock held), made on first sight. */
static uint32_t adv_intern(struct app_correlate *cx, const char *id)
{
    uint32_t p = cx_map_get(&cx->adv_map, id, adv_name, cx);
    if (p != CX_EMPTY)
        return p;
    if (cx->nadvs == cx->advcap) {
        cx->advcap = cx->advcap ? cx->advcap * 2 : 16;
        cx->advs = xrealloc(cx->advs, cx->advcap * sizeof(*cx->advs));
    }
    p = (uint32_t)cx->nadvs++;
    memset(&cx->advs[p], 0, sizeof(cx->advs[p]));
    xstrlcpy(cx->advs[p].rec.id, id, sizeof(cx->advs[p].rec.id));
    cx_map_put(&cx->adv_map, id, p, adv_name, cx);
    return p;
}

int app_correlate_put_advisory(struct app_correlate *cx, const struct advisory_rec *a)
{
    struct app_correlate_stats st = {0};
    struct cx_inc fresh = {0};
    int64_t from = 0, until = 0;
    if (!a->withdrawn_at) { /* normalising is the work: outside the lock */
        json_t *doc = a->body ? json_loads(a->body, 0, NULL) : NULL;
        cx_collect_list(cx, &fresh, json_object_get(doc, "indicators"), &st);
        advisory_validity(doc, &from, &until);
        json_decref(doc);
    }
    pthread_rwlock_wrlock(&cx->lock);
    uint32_t p = adv_intern(cx, a->id);
    struct cx_adv *ad = &cx->advs[p];
    int r = 0;
    if (ad->withdrawn || ad->rec.version > a->version) { /* final, or a newer one is known */
        pthread_rwlock_unlock(&cx->lock);
        cx_iocs_free(&fresh);
        return 0;
    }
    cx_unindex(cx, &ad->ind, APP_CORRELATE_ADVISORY | p);
    facts_copy(&ad->rec, a);
    ad->withdrawn = a->withdrawn_at != 0;
    ad->valid_from = from;
    ad->valid_until = until;
    ad->ind = fresh;
    r = cx_reindex(cx, &ad->ind, APP_CORRELATE_ADVISORY | p);
    pthread_rwlock_unlock(&cx->lock);
    return r;
}

/* ---- naming them in a summary (the read lock held) ---- */

void cx_advhits_add(struct cx_advhits *hits, const struct ioc_match *m, uint64_t p)
{
    uint32_t adv = (uint32_t)(p & ~APP_CORRELATE_ADVISORY);
    for (size_t i = 0; i < hits->n; i++)
        if (hits->v[i].adv == adv)
            return;
    if (hits->n == hits->cap) {
        hits->cap = hits->cap ? hits->cap * 2 : 8;
        hits->v = xrealloc(hits->v, hits->cap * sizeof(*hits->v));
    }
    hits->v[hits->n++] = (struct cx_advhit){adv, m->type, m->kind, xstrndup(m->text, m->len)};
}

void cx_advhits_release(struct cx_advhits *hits)
{
    for (size_t i = 0; i < hits->n; i++)
        free(hits->v[i].text);
    free(hits->v);
    memset(hits, 0, sizeof(*hits));
}

static const char *match_name(enum ioc_match_kind k)
{
    return k == IOC_MATCH_EXACT ? "exact" : k == IOC_MATCH_COVERS ? "covers" : "inside";
}

struct named {
    const struct cx_adv *ad;
    const struct cx_advhit *hit;
};

static int newest_first(const void *a, const void *b) /* ids are UUIDv7: time-ordered */
{
    return strcmp(((const struct named *)b)->ad->rec.id, ((const struct named *)a)->ad->rec.id);
}

static json_t *named_json(const struct named *n, int64_t now_ms)
{
    const struct advisory_rec *a = &n->ad->rec;
    json_t *title = a->title ? json_loads(a->title, 0, NULL) : NULL;
    return json_pack("{s:s, s:i, s:s, s:o, s:b, s:{s:s, s:s, s:s}}", "id", a->id, "version",
                     a->version, "tlp", a->tlp, "title", title ? title : json_object(), "in_force",
                     advisory_in_force(n->ad->valid_from, n->ad->valid_until, now_ms), "indicator",
                     "type", ioc_type_name(n->hit->type), "value", n->hit->text, "match",
                     match_name(n->hit->kind));
}

json_t *cx_advisories_json(const struct app_correlate *cx, const struct app_correlate_view *v,
                           const struct cx_advhits *hits)
{
    struct named *list = xcalloc(hits->n + 1, sizeof(*list));
    size_t n = 0;
    json_t *out = json_array();
    for (size_t i = 0; i < hits->n; i++) {
        const struct cx_adv *ad = hits->v[i].adv < cx->nadvs ? &cx->advs[hits->v[i].adv] : NULL;
        /* withdrawn ones left the index; the check keeps a race with a withdrawal harmless */
        if (ad && !ad->withdrawn && !(v->advisory_id && !strcmp(v->advisory_id, ad->rec.id)) &&
            v->may_read(&ad->rec, v->may_read_arg))
            list[n++] = (struct named){ad, &hits->v[i]};
    }
    qsort(list, n, sizeof(*list), newest_first);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, named_json(&list[i], v->now_ms));
    free(list);
    return out;
}

/* ---- the organisations whose reports name an advisory's indicators ---- */

struct org_hits {
    const struct app_correlate *cx;
    uint32_t *orgs;
    size_t n, cap;
};

static int collect_orgs(const struct ioc_match *m, void *arg)
{
    struct org_hits *h = arg;
    for (size_t i = 0; i < m->npostings; i++) {
        uint64_t p = m->postings[i];
        if (p & APP_CORRELATE_ADVISORY || p >= h->cx->nincs || h->cx->incs[p].withdrawn)
            continue;
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 16;
            h->orgs = xrealloc(h->orgs, h->cap * sizeof(*h->orgs));
        }
        h->orgs[h->n++] = h->cx->incs[p].org;
    }
    return 0;
}

static int collect_orgs_nth(size_t q, const struct ioc_match *m, void *arg)
{
    (void)q; /* every indicator's organisations go to one list */
    return collect_orgs(m, arg);
}

static int u32_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int id_order(const void *a, const void *b)
{
    return strcmp(a, b);
}

size_t app_correlate_orgs_matching(struct app_correlate *cx, const json_t *indicators,
                                   char (**out)[UUID_STR_LEN])
{
    struct app_correlate_stats st = {0};
    struct cx_inc mine = {0};
    struct org_hits h = {.cx = cx};
    size_t n = 0;
    *out = NULL;
    cx_collect_list(cx, &mine, indicators, &st); /* normalised; warninglisted ones dropped */
    struct ioc_key *keys = xcalloc(mine.n ? mine.n : 1, sizeof(*keys));
    for (uint32_t i = 0; i < mine.n; i++)
        if (ioc_key_parse(&keys[i], mine.iocs[i].type, mine.iocs[i].text, mine.iocs[i].len))
            keys[i] = (struct ioc_key){.type = IOC__COUNT}; /* matches nothing */
    pthread_rwlock_rdlock(&cx->lock);
    ioc_index_query_many(cx->ix, keys, mine.n, collect_orgs_nth, &h, NULL); /* all at once */
    if (h.n)
        qsort(h.orgs, h.n, sizeof(*h.orgs), u32_order);
    *out = xcalloc(h.n + 1, sizeof(**out));
    for (size_t i = 0; i < h.n; i++)
        if (!i || h.orgs[i] != h.orgs[i - 1])
            xstrlcpy((*out)[n++], cx->orgs[h.orgs[i]].id, UUID_STR_LEN);
    pthread_rwlock_unlock(&cx->lock);
    qsort(*out, n, sizeof(**out), id_order); /* for bsearch by id */
    free(h.orgs);
    free(keys);
    cx_iocs_free(&mine);
    return n;
}
