/*
 * app_correlate.c — the correlation service's tables, updates and counting (app_correlate.h).
 * The store-facing rebuild and the use cases are in app_correlate_cases.c.
 */
#include <pthread.h>

#include "app_correlate.h"
#include "app_correlate_int.h"
#include "../core/jsonx.h"
#include "../core/log.h"
#include "../sharing/ioc_index.h"

/* ---- a small string → number table (open addressing, FNV-1a) ---- */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of key in t (which holds names through name_of). */
static size_t strmap_slot(const struct cx_strmap *t, const char *key,
                          const char *(*name_of)(const void *, uint32_t), const void *ctx)
{
    size_t mask = t->cap - 1, i = (size_t)str_hash(key) & mask;
    while (t->slots[i] != CX_EMPTY && strcmp(name_of(ctx, t->slots[i]), key))
        i = (i + 1) & mask;
    return i;
}

uint32_t cx_map_get(const struct cx_strmap *t, const char *key,
                    const char *(*name_of)(const void *, uint32_t), const void *ctx)
{
    return t->cap ? t->slots[strmap_slot(t, key, name_of, ctx)] : CX_EMPTY;
}

void cx_map_put(struct cx_strmap *t, const char *key, uint32_t v,
                const char *(*name_of)(const void *, uint32_t), const void *ctx)
{
    if ((t->n + 1) * 2 > t->cap) { /* at most half full */
        struct cx_strmap old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->slots = xmalloc(t->cap * sizeof(*t->slots));
        memset(t->slots, 0xff, t->cap * sizeof(*t->slots));
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i] != CX_EMPTY)
                t->slots[strmap_slot(t, name_of(ctx, old.slots[i]), name_of, ctx)] = old.slots[i];
        free(old.slots);
    }
    size_t i = strmap_slot(t, key, name_of, ctx);
    if (t->slots[i] == CX_EMPTY)
        t->n++;
    t->slots[i] = v;
}

static const char *inc_name(const void *ctx, uint32_t i)
{
    return ((const struct app_correlate *)ctx)->incs[i].id;
}

static const char *org_name(const void *ctx, uint32_t i)
{
    return ((const struct app_correlate *)ctx)->orgs[i].id;
}

/* ---- life cycle ---- */

struct app_correlate *app_correlate_new(uint64_t seed, const struct ioc_warnlists *warn)
{
    struct app_correlate *cx = xcalloc(1, sizeof(*cx));
    cx->ix = ioc_index_new(seed);
    cx->warn = warn;
    pthread_rwlock_init(&cx->lock, NULL);
    return cx;
}

void cx_iocs_free(struct cx_inc *in)
{
    for (uint32_t i = 0; i < in->n; i++)
        free(in->iocs[i].text);
    free(in->iocs);
    in->iocs = NULL;
    in->n = 0;
}

void app_correlate_free(struct app_correlate *cx)
{
    if (!cx)
        return;
    for (size_t i = 0; i < cx->nincs; i++)
        cx_iocs_free(&cx->incs[i]);
    free(cx->incs);
    free(cx->orgs);
    free(cx->inc_map.slots);
    free(cx->org_map.slots);
    cx_advs_free(cx);
    ioc_index_free(cx->ix);
    pthread_rwlock_destroy(&cx->lock);
    free(cx);
}

/* ---- indicators of a report ---- */

/* The report types the service correlates (docs/report-format.md, threat.indicators[].type). */
static enum ioc_type report_ioc_type(const char *t)
{
    static const char *const names[] = {"ipv4",  "ipv6", "domain", "url",
                                        "email", "md5",  "sha1",   "sha256"};
    for (size_t i = 0; t && i < ARRAY_SIZE(names); i++)
        if (!strcmp(t, names[i]))
            return ioc_type_parse(t);
    return IOC_INVALID;
}

/* The i-th indicator of report normalised into *v. 0; 1 when it is not correlated (another
 * type, or not a valid value: *invalid set). */
static int indicator_at(const json_t *list, size_t i, struct ioc_value *v, bool *invalid)
{
    const json_t *it = json_array_get(list, i);
    enum ioc_type t = report_ioc_type(json_string_value(json_object_get(it, "type")));
    const json_t *val = json_object_get(it, "value");
    *invalid = false;
    if (t == IOC_INVALID || !json_is_string(val))
        return 1;
    if (ioc_normalise(t, json_string_value(val), json_string_length(val), v, NULL, "")) {
        *invalid = true;
        return 1;
    }
    return 0;
}

const json_t *cx_indicators(const json_t *report)
{
    return jsonx_ptr_get((json_t *)report, "/threat/indicators");
}

static bool has_ioc(const struct cx_inc *in, const struct ioc_value *v)
{
    for (uint32_t i = 0; i < in->n; i++)
        if (in->iocs[i].type == v->type && in->iocs[i].len == v->len &&
            !memcmp(in->iocs[i].text, v->text, v->len))
            return true;
    return false;
}

void cx_collect(const struct app_correlate *cx, struct cx_inc *in, const json_t *report,
                struct app_correlate_stats *st)
{
    cx_collect_list(cx, in, cx_indicators(report), st);
}

void cx_collect_list(const struct app_correlate *cx, struct cx_inc *in, const json_t *list,
                     struct app_correlate_stats *st)
{
    struct ioc_value *v = xmalloc(sizeof(*v));
    size_t cap = 0;
    bool invalid;
    cx_iocs_free(in);
    for (size_t i = 0; i < json_array_size(list); i++) {
        if (indicator_at(list, i, v, &invalid)) {
            st->skipped_invalid += invalid;
            continue;
        }
        if (cx->warn && ioc_warnlists_match(cx->warn, v, NULL, 0)) {
            st->skipped_warninglist++;
            continue;
        }
        if (has_ioc(in, v))
            continue;
        if (in->n == cap) {
            cap = cap ? cap * 2 : 4;
            in->iocs = xrealloc(in->iocs, cap * sizeof(*in->iocs));
        }
        in->iocs[in->n++] = (struct cx_ioc){v->type, (uint32_t)v->len, xstrndup(v->text, v->len)};
    }
    free(v);
}

/* ---- updates (the write lock held) ---- */

uint32_t cx_org_intern(struct app_correlate *cx, const char *id, const char *sector)
{
    uint32_t o = cx_map_get(&cx->org_map, id, org_name, cx);
    if (o == CX_EMPTY) {
        if (cx->norgs == cx->orgcap) {
            cx->orgcap = cx->orgcap ? cx->orgcap * 2 : 16;
            cx->orgs = xrealloc(cx->orgs, cx->orgcap * sizeof(*cx->orgs));
        }
        o = (uint32_t)cx->norgs++;
        memset(&cx->orgs[o], 0, sizeof(cx->orgs[o]));
        xstrlcpy(cx->orgs[o].id, id, sizeof(cx->orgs[o].id));
        xstrlcpy(cx->orgs[o].sector, "none", sizeof(cx->orgs[o].sector));
        cx_map_put(&cx->org_map, id, o, org_name, cx);
    }
    if (sector && *sector)
        xstrlcpy(cx->orgs[o].sector, sector, sizeof(cx->orgs[o].sector));
    return o;
}

uint32_t cx_inc_intern(struct app_correlate *cx, const char *id)
{
    uint32_t p = cx_map_get(&cx->inc_map, id, inc_name, cx);
    if (p != CX_EMPTY)
        return p;
    if (cx->nincs == cx->inccap) {
        cx->inccap = cx->inccap ? cx->inccap * 2 : 64;
        cx->incs = xrealloc(cx->incs, cx->inccap * sizeof(*cx->incs));
    }
    p = (uint32_t)cx->nincs++;
    memset(&cx->incs[p], 0, sizeof(cx->incs[p]));
    xstrlcpy(cx->incs[p].id, id, sizeof(cx->incs[p].id));
    cx_map_put(&cx->inc_map, id, p, inc_name, cx);
    return p;
}

void cx_unindex(struct app_correlate *cx, struct cx_inc *in, uint64_t posting)
{
    for (uint32_t i = 0; i < in->n; i++)
        ioc_index_remove(cx->ix, in->iocs[i].type, in->iocs[i].text, in->iocs[i].len, posting);
    cx_iocs_free(in);
}

int cx_reindex(struct app_correlate *cx, const struct cx_inc *in, uint64_t posting)
{
    for (uint32_t i = 0; i < in->n; i++) {
        int r = ioc_index_add(cx->ix, in->iocs[i].type, in->iocs[i].text, in->iocs[i].len, posting);
        if (r == IOC_INDEX_EFULL) {
            LOG(LOG_ERROR, "correlate.index_full", LF_I("indicators", i));
            return -1;
        }
    }
    return 0;
}

bool app_correlate_org_known(struct app_correlate *cx, const char *org_id)
{
    pthread_rwlock_rdlock(&cx->lock);
    bool known = cx_map_get(&cx->org_map, org_id, org_name, cx) != CX_EMPTY;
    pthread_rwlock_unlock(&cx->lock);
    return known;
}

void cx_set_meta(struct cx_inc *in, uint32_t org, const struct app_correlate_incident *d)
{
    in->org = org;
    in->created_at = d->created_at;
    in->version = d->version;
    in->withdrawn = d->withdrawn;
    in->red = d->red;
}

int app_correlate_put(struct app_correlate *cx, const struct app_correlate_incident *d,
                      const json_t *report)
{
    struct app_correlate_stats st = {0};
    struct cx_inc fresh = {0};
    int r = 0;
    bool keep = !d->withdrawn && !d->drill;
    if (keep)
        cx_collect(cx, &fresh, report, &st); /* outside the lock: normalising is the work */
    pthread_rwlock_wrlock(&cx->lock);
    uint32_t p = cx_inc_intern(cx, d->id);
    if (cx->incs[p].withdrawn || cx->incs[p].version > d->version) {
        pthread_rwlock_unlock(&cx->lock);
        cx_iocs_free(&fresh);
        return 0;
    }
    cx_unindex(cx, &cx->incs[p], p);
    cx_set_meta(&cx->incs[p], cx_org_intern(cx, d->org_id, d->sector), d);
    cx->incs[p].iocs = fresh.iocs;
    cx->incs[p].n = fresh.n;
    r = cx_reindex(cx, &cx->incs[p], p);
    pthread_rwlock_unlock(&cx->lock);
    return r;
}

bool app_correlate_knows(struct app_correlate *cx, const char *incident_id, int version)
{
    pthread_rwlock_rdlock(&cx->lock);
    uint32_t p = cx_map_get(&cx->inc_map, incident_id, inc_name, cx);
    bool known = p != CX_EMPTY && (cx->incs[p].withdrawn || cx->incs[p].version >= version);
    pthread_rwlock_unlock(&cx->lock);
    return known;
}

void app_correlate_withdraw(struct app_correlate *cx, const char *incident_id)
{
    pthread_rwlock_wrlock(&cx->lock);
    uint32_t p = cx_map_get(&cx->inc_map, incident_id, inc_name, cx);
    if (p != CX_EMPTY) {
        cx_unindex(cx, &cx->incs[p], p);
        cx->incs[p].withdrawn = true;
    }
    pthread_rwlock_unlock(&cx->lock);
}

void app_correlate_stats(struct app_correlate *cx, struct app_correlate_stats *st)
{
    struct ioc_index_stats is;
    pthread_rwlock_rdlock(&cx->lock);
    ioc_index_stats(cx->ix, &is);
    st->incidents = cx->nincs;
    st->advisories = 0;
    for (size_t i = 0; i < cx->nadvs; i++)
        st->advisories += !cx->advs[i].withdrawn;
    pthread_rwlock_unlock(&cx->lock);
    st->indicators = is.indicators;
    st->postings = is.postings;
}

/* ---- counting (the read lock held) ---- */

struct u32vec {
    uint32_t *v;
    size_t n, cap;
};

static void u32_push(struct u32vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
    }
    a->v[a->n++] = x;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts a and drops repeats. */
static void u32_unique(struct u32vec *a)
{
    size_t w = 0;
    if (a->n)
        qsort(a->v, a->n, sizeof(*a->v), u32_cmp);
    for (size_t i = 0; i < a->n; i++)
        if (!w || a->v[w - 1] != a->v[i])
            a->v[w++] = a->v[i];
    a->n = w;
}

/* What a query met: every incident posting of every matching indicator (the index visits all:
 * no cap), and the advisories. */
struct gathered {
    struct u32vec incs;
    struct cx_advhits advs;
};

static int gather(const struct ioc_match *m, void *arg)
{
    struct gathered *g = arg;
    for (size_t i = 0; i < m->npostings; i++) {
        if (m->postings[i] & APP_CORRELATE_ADVISORY)
            cx_advhits_add(&g->advs, m, m->postings[i]);
        else
            u32_push(&g->incs, (uint32_t)m->postings[i]);
    }
    return 0;
}

/* One sector's figures. */
struct sector_count {
    const char *sector;
    uint64_t incidents;
    struct u32vec orgs;
};

static struct sector_count *sector_of(struct sector_count **s, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*s)[i].sector, name))
            return &(*s)[i];
    *s = xrealloc(*s, (*n + 1) * sizeof(**s));
    (*s)[*n] = (struct sector_count){.sector = name};
    return &(*s)[(*n)++];
}

static int sector_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sector_count *)a)->sector,
                  ((const struct sector_count *)b)->sector);
}

/* by_sector and other_sectors (sectors with fewer than k organisations pooled, the pool shown
 * only if it reaches k). */
static void put_sectors(json_t *o, struct sector_count *s, size_t n, size_t k)
{
    json_t *list = json_array();
    uint64_t rest_inc = 0, rest_orgs = 0;
    qsort(s, n, sizeof(*s), sector_cmp);
    for (size_t i = 0; i < n; i++) {
        u32_unique(&s[i].orgs);
        if (s[i].orgs.n >= k)
            json_array_append_new(list, json_pack("{s:s, s:I, s:I}", "sector", s[i].sector,
                                                  "incidents", (json_int_t)s[i].incidents,
                                                  "organisations", (json_int_t)s[i].orgs.n));
        else
            rest_inc += s[i].incidents, rest_orgs += s[i].orgs.n;
    }
    json_object_set_new(o, "by_sector", list);
    if (rest_orgs >= k)
        json_object_set_new(o, "other_sectors",
                            json_pack("{s:I, s:I}", "incidents", (json_int_t)rest_inc,
                                      "organisations", (json_int_t)rest_orgs));
}

struct tally {
    uint64_t incidents, recent, own;
    struct u32vec orgs, recent_orgs;
    struct sector_count *sectors;
    size_t nsectors;
};

static void tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->nsectors; i++)
        free(t->sectors[i].orgs.v);
    free(t->sectors);
    free(t->orgs.v);
    free(t->recent_orgs.v);
}

/* Counts the distinct incidents in hits as the view may see them. */
static void tally_hits(const struct app_correlate *cx, const struct app_correlate_view *v,
                       uint32_t self, uint32_t self_org, const struct u32vec *hits, struct tally *t)
{
    for (size_t i = 0; i < hits->n; i++) {
        uint32_t p = hits->v[i];
        if (p == self || p >= cx->nincs)
            continue;
        const struct cx_inc *in = &cx->incs[p];
        if (in->withdrawn)
            continue;
        if (in->org == self_org) {
            t->own += v->show_own; /* an authority's view leaves them out entirely */
            continue;
        }
        if (in->red) /* TLP:RED: for its own organisation only */
            continue;
        t->incidents++;
        u32_push(&t->orgs, in->org);
        if (in->created_at >= v->now_ms - APP_CORRELATE_WINDOW_MS) {
            t->recent++;
            u32_push(&t->recent_orgs, in->org);
        }
        struct sector_count *s = sector_of(&t->sectors, &t->nsectors, cx->orgs[in->org].sector);
        s->incidents++;
        u32_push(&s->orgs, in->org);
    }
    u32_unique(&t->orgs);
    u32_unique(&t->recent_orgs);
}

/* The figures of one indicator as the privacy rule allows (app_correlate.h). */
static json_t *indicator_json(const struct ioc_value *iv, const struct tally *t,
                              const struct app_correlate_view *v)
{
    size_t k = v->k < 2 ? 2 : (size_t)v->k;
    json_t *o = json_pack("{s:s, s:s%, s:b}", "type", ioc_type_name(iv->type), "value", iv->text,
                          iv->len, "seen_elsewhere", t->orgs.n > 0);
    if (t->orgs.n >= k) {
        json_object_set_new(o, "incidents", json_integer((json_int_t)t->incidents));
        json_object_set_new(o, "organisations", json_integer((json_int_t)t->orgs.n));
        if (t->recent_orgs.n >= k)
            json_object_set_new(o, "last_30_days", json_integer((json_int_t)t->recent));
        put_sectors(o, t->sectors, t->nsectors, k);
    }
    if (v->show_own)
        json_object_set_new(o, "own_incidents", json_integer((json_int_t)t->own));
    return o;
}

static json_t *warned_json(const struct app_correlate *cx, const struct ioc_value *iv)
{
    const struct ioc_warnlist *hits[8];
    size_t n = ioc_warnlists_match(cx->warn, iv, hits, ARRAY_SIZE(hits));
    json_t *ids = json_array();
    for (size_t i = 0; i < n && i < ARRAY_SIZE(hits); i++)
        json_array_append_new(ids, json_string(hits[i]->id));
    return json_pack("{s:s, s:s%, s:b, s:o}", "type", ioc_type_name(iv->type), "value", iv->text,
                     iv->len, "seen_elsewhere", false, "warninglists", ids);
}

/* gather for query q of ioc_index_query_many: into the q-th gathered. */
static int gather_nth(size_t q, const struct ioc_match *m, void *arg)
{
    return gather(m, &((struct gathered *)arg)[q]);
}

/* The summary of one indicator from what its query gathered, the read lock held. */
static json_t *summarise(const struct app_correlate *cx, const struct app_correlate_view *v,
                         uint32_t self, uint32_t self_org, const struct ioc_value *iv,
                         struct gathered *g)
{
    struct tally t = {0};
    u32_unique(&g->incs); /* an incident matched under two indicators counts once */
    tally_hits(cx, v, self, self_org, &g->incs, &t);
    json_t *o = indicator_json(iv, &t, v);
    if (v->may_read)
        json_object_set_new(o, "advisories", cx_advisories_json(cx, v, &g->advs));
    tally_release(&t);
    return o;
}

/* A report's distinct indicators, normalised, each with its index key (a warninglisted one
 * gets a key that matches nothing: it is answered from the warninglists). The keys borrow the
 * values' text, so they are made once every value is in place (report_iocs_keys). */
struct report_iocs {
    struct ioc_value *v;
    struct ioc_key *k;
    bool *warned;
    size_t n, cap;
};

static bool report_iocs_has(const struct report_iocs *r, const struct ioc_value *iv)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].type == iv->type && r->v[i].len == iv->len &&
            !memcmp(r->v[i].text, iv->text, iv->len))
            return true;
    return false;
}

static void report_iocs_add(const struct app_correlate *cx, struct report_iocs *r,
                            const struct ioc_value *iv)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
        r->k = xrealloc(r->k, r->cap * sizeof(*r->k));
        r->warned = xrealloc(r->warned, r->cap * sizeof(*r->warned));
    }
    r->v[r->n] = *iv;
    r->warned[r->n] = cx->warn && ioc_warnlists_match(cx->warn, iv, NULL, 0);
    r->n++;
}

static void report_iocs_keys(struct report_iocs *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->warned[i] || ioc_key_from_value(&r->k[i], &r->v[i]))
            r->k[i] = (struct ioc_key){.type = IOC__COUNT}; /* matches nothing */
}

static void report_iocs_release(struct report_iocs *r)
{
    free(r->v);
    free(r->k);
    free(r->warned);
}

/*
 * Every indicator of the report is asked of the index in one ioc_index_query_many call, which
 * overlaps their memory reads (about twice the lookups per second of one query at a time at 10
 * million indicators: bench/README.md, "Fourth pass"), then summarised in the report's order.
 */
json_t *app_correlate_summary(struct app_correlate *cx, const struct app_correlate_view *v,
                              const json_t *report)
{
    const json_t *list = cx_indicators(report);
    struct report_iocs r = {0};
    struct ioc_value *iv = xmalloc(sizeof(*iv));
    json_t *items = json_array();
    bool invalid;
    for (size_t i = 0; i < json_array_size(list); i++)
        if (!indicator_at(list, i, iv, &invalid) && !report_iocs_has(&r, iv))
            report_iocs_add(cx, &r, iv);
    report_iocs_keys(&r);
    struct gathered *g = xcalloc(r.n ? r.n : 1, sizeof(*g));
    pthread_rwlock_rdlock(&cx->lock);
    uint32_t self = cx_map_get(&cx->inc_map, v->incident_id, inc_name, cx);
    uint32_t self_org = cx_map_get(&cx->org_map, v->org_id, org_name, cx);
    ioc_index_query_many(cx->ix, r.k, r.n, gather_nth, g, NULL);
    for (size_t i = 0; i < r.n; i++)
        json_array_append_new(items, r.warned[i] ? warned_json(cx, &r.v[i])
                                                 : summarise(cx, v, self, self_org, &r.v[i], &g[i]));
    pthread_rwlock_unlock(&cx->lock);
    for (size_t i = 0; i < r.n; i++) {
        free(g[i].incs.v);
        cx_advhits_release(&g[i].advs);
    }
    free(g);
    report_iocs_release(&r);
    free(iv);
    return json_pack("{s:i, s:i, s:o}", "k", v->k, "window_days", 30, "indicators", items);
}
