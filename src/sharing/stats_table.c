/*
 * stats_table.c — a statistics table (stats.h): rows become facts (small integers: the
 * organisation and each dimension's value, interned), facts become cells (every combination of
 * value and total, counted in one pass over the facts sorted by organisation, so that the
 * distinct organisations of a cell are counted without a set per cell), and the cells are
 * suppressed: primary (fewer than k organisations), then complementary.
 */
#include "stats.h"

#define NONE16 0xffffu /* a total (in keys and ranks) */

/* ---- interning: a string to a small index ---- */

struct intern {
    char **s;
    uint32_t n, cap;
    uint32_t *slots; /* index + 1, 0 = empty; open addressing, at most half full */
    size_t nslots;
};

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void intern_grow(struct intern *in)
{
    size_t ns = in->nslots ? in->nslots * 2 : 64;
    uint32_t *slots = xcalloc(ns, sizeof(*slots));
    for (uint32_t i = 0; i < in->n; i++) {
        size_t h = (size_t)fnv1a(in->s[i], strlen(in->s[i])) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = i + 1;
    }
    free(in->slots);
    in->slots = slots;
    in->nslots = ns;
}

/* The index of s[0..n), added if new; -1 when max strings are already held. */
static int64_t intern_get(struct intern *in, const char *s, size_t n, uint32_t max)
{
    if ((size_t)in->n * 2 + 2 > in->nslots)
        intern_grow(in);
    size_t h = (size_t)fnv1a(s, n) & (in->nslots - 1);
    for (; in->slots[h]; h = (h + 1) & (in->nslots - 1)) {
        const char *x = in->s[in->slots[h] - 1];
        if (!strncmp(x, s, n) && x[n] == '\0')
            return in->slots[h] - 1;
    }
    if (in->n >= max)
        return -1;
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->s = xrealloc(in->s, in->cap * sizeof(*in->s));
    }
    in->s[in->n] = xstrndup(s, n);
    in->slots[h] = in->n + 1;
    return in->n++;
}

static void intern_release(struct intern *in)
{
    for (uint32_t i = 0; i < in->n; i++)
        free(in->s[i]);
    free(in->s);
    free(in->slots);
}

/* ---- the table ---- */

struct fact {
    uint32_t org;
    uint16_t v[STATS_BY_MAX];
    uint8_t outcome;
    uint8_t first; /* the row's first fact: the one totals over categories count */
};

struct stats_table {
    struct stats_query q;
    int cat_pos; /* position of STATS_CATEGORY in q.by, or -1 */
    struct intern orgs;
    struct intern vals[STATS_BY_MAX];
    struct fact *facts;
    size_t nfacts, capf;
    struct stats_cell *cells;
    uint64_t *sk; /* each cell's sort key: its values' ranks, position 0 most significant */
    size_t ncells;
    int k; /* the k it was finished with */
    bool finished;
};

struct stats_table *stats_table_new(const struct stats_query *q)
{
    struct stats_table *t = xcalloc(1, sizeof(*t));
    t->q = *q;
    t->cat_pos = -1;
    for (size_t j = 0; j < q->nby; j++)
        if (q->by[j] == STATS_CATEGORY)
            t->cat_pos = (int)j;
    return t;
}

void stats_table_free(struct stats_table *t)
{
    if (!t)
        return;
    intern_release(&t->orgs);
    for (size_t j = 0; j < STATS_BY_MAX; j++)
        intern_release(&t->vals[j]);
    free(t->facts);
    free(t->cells);
    free(t->sk);
    free(t);
}

/* The value of row r at dimension d (not category), into buf when it must be formatted. */
static const char *row_value(const struct stats_row *r, enum stats_dim d, char *buf, size_t size)
{
    const char *v = NULL;
    switch (d) {
    case STATS_SECTOR:
        v = r->sector;
        break;
    case STATS_PREFECTURE:
        v = r->prefecture;
        break;
    case STATS_SIZE_BAND:
        v = r->size_band;
        break;
    case STATS_MONTH:
        stats_month_format(stats_month_jst(r->created_at), buf, size);
        return buf;
    case STATS_RECIPIENT:
        v = r->recipient_id;
        break;
    case STATS_REGIME:
        v = r->regime;
        break;
    default:
        break;
    }
    return v ? v : "";
}

static int push_fact(struct stats_table *t, const struct fact *f)
{
    if (t->nfacts >= STATS_FACTS_MAX)
        return -1;
    if (t->nfacts == t->capf) {
        t->capf = t->capf ? t->capf * 2 : 1024;
        t->facts = xrealloc(t->facts, t->capf * sizeof(*t->facts));
    }
    t->facts[t->nfacts++] = *f;
    return 0;
}

/* One fact per distinct category of r (one with "" when it has none). */
static int add_categories(struct stats_table *t, struct fact *f, const char *cats)
{
    uint16_t seen[64];
    size_t nseen = 0;
    const char *p = cats ? cats : "";
    f->first = 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        int64_t ix;
        bool dup = false;
        if (n) {
            if ((ix = intern_get(&t->vals[t->cat_pos], p, n, STATS_VALUES_MAX)) < 0)
                return -1;
            for (size_t i = 0; i < nseen; i++)
                dup |= seen[i] == ix;
            if (!dup && nseen < ARRAY_SIZE(seen)) {
                seen[nseen++] = (uint16_t)ix;
                f->v[t->cat_pos] = (uint16_t)ix;
                if (push_fact(t, f))
                    return -1;
                f->first = 0;
            }
        }
        p += n + (p[n] == ',');
    }
    if (nseen)
        return 0;
    int64_t ix = intern_get(&t->vals[t->cat_pos], "", 0, STATS_VALUES_MAX);
    if (ix < 0)
        return -1;
    f->v[t->cat_pos] = (uint16_t)ix;
    return push_fact(t, f);
}

int stats_table_add(struct stats_table *t, const struct stats_row *r, int64_t now)
{
    struct fact f = {0};
    char buf[16];
    BUG_ON(t->finished);
    int64_t org = intern_get(&t->orgs, r->org_id, strlen(r->org_id), UINT32_MAX - 1);
    if (org < 0)
        return -1;
    f.org = (uint32_t)org;
    f.outcome = t->q.kind == STATS_OBLIGATIONS ? (uint8_t)stats_outcome_of(r, now) : 0;
    for (size_t j = 0; j < t->q.nby; j++) {
        if ((int)j == t->cat_pos)
            continue;
        const char *v = row_value(r, t->q.by[j], buf, sizeof(buf));
        int64_t ix = intern_get(&t->vals[j], v, strlen(v), STATS_VALUES_MAX);
        if (ix < 0)
            return -1;
        f.v[j] = (uint16_t)ix;
    }
    if (t->cat_pos >= 0)
        return add_categories(t, &f, r->categories);
    f.first = 1;
    return push_fact(t, &f);
}

/* ---- building the cells ---- */

static int by_org(const void *a, const void *b)
{
    const struct fact *x = a, *y = b;
    return x->org < y->org ? -1 : x->org > y->org;
}

static uint64_t pack(const uint16_t v[STATS_BY_MAX])
{
    return (uint64_t)v[0] << 48 | (uint64_t)v[1] << 32 | (uint64_t)v[2] << 16 | v[3];
}

struct cellmap {
    uint32_t *slots; /* cell index + 1 */
    size_t nslots;
    uint64_t *keys; /* each cell's packed key */
    uint32_t *last_org;
};

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void map_grow(struct stats_table *t, struct cellmap *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 1024;
    uint32_t *slots = xcalloc(ns, sizeof(*slots));
    for (size_t i = 0; i < t->ncells; i++) {
        size_t h = (size_t)mix(m->keys[i]) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
}

/* The cell of key v, created empty if new. */
static size_t map_cell(struct stats_table *t, struct cellmap *m, const uint16_t v[STATS_BY_MAX])
{
    uint64_t key = pack(v);
    if (t->ncells * 2 + 2 > m->nslots) {
        map_grow(t, m);
        t->cells = xrealloc(t->cells, (m->nslots / 2 + 1) * sizeof(*t->cells));
        m->keys = xrealloc(m->keys, (m->nslots / 2 + 1) * sizeof(*m->keys));
        m->last_org = xrealloc(m->last_org, (m->nslots / 2 + 1) * sizeof(*m->last_org));
    }
    size_t h = (size_t)mix(key) & (m->nslots - 1);
    for (; m->slots[h]; h = (h + 1) & (m->nslots - 1))
        if (m->keys[m->slots[h] - 1] == key)
            return m->slots[h] - 1;
    size_t i = t->ncells++;
    memset(&t->cells[i], 0, sizeof(t->cells[i]));
    memcpy(t->cells[i].key, v, sizeof(t->cells[i].key));
    m->keys[i] = key;
    m->last_org[i] = UINT32_MAX;
    m->slots[h] = (uint32_t)i + 1;
    return i;
}

/* Counts fact f into each of the 2^nby cells it belongs to (bit j of mask: the total at j). */
static void count_fact(struct stats_table *t, struct cellmap *m, const struct fact *f)
{
    size_t nby = t->q.nby;
    for (unsigned mask = 0; mask < (1u << nby); mask++) {
        uint16_t v[STATS_BY_MAX] = {NONE16, NONE16, NONE16, NONE16};
        if (t->cat_pos >= 0 && (mask >> t->cat_pos & 1) && !f->first)
            continue; /* an incident counts once in a total over its categories */
        for (size_t j = 0; j < nby; j++)
            v[j] = (mask >> j & 1) ? NONE16 : f->v[j];
        size_t c = map_cell(t, m, v);
        t->cells[c].count++;
        t->cells[c].outcome[f->outcome] += t->q.kind == STATS_OBLIGATIONS;
        if (m->last_org[c] != f->org) {
            m->last_org[c] = f->org;
            t->cells[c].orgs++;
        }
    }
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* rank[j][value] = the value's place among dimension j's values in byte order ("2026-03"
 * before "2026-10"; "JP-01" before "JP-47"). */
static uint16_t *value_ranks(struct intern *in)
{
    const char **sorted = xcalloc(in->n + 1, sizeof(*sorted));
    uint16_t *rank = xcalloc(in->n + 1, sizeof(*rank));
    if (in->n)
        memcpy(sorted, in->s, in->n * sizeof(*sorted));
    qsort(sorted, in->n, sizeof(*sorted), by_str);
    for (uint32_t i = 0; i < in->n; i++)
        rank[intern_get(in, sorted[i], strlen(sorted[i]), STATS_VALUES_MAX)] = (uint16_t)i;
    free(sorted);
    return rank;
}

struct order {
    uint64_t sk;
    size_t i;
};

static int by_sk(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    return x->sk < y->sk ? -1 : x->sk > y->sk;
}

/* Puts the cells in the order of their values' ranks, totals last (NONE16 is the largest). */
static void sort_cells(struct stats_table *t)
{
    uint16_t *rank[STATS_BY_MAX] = {0};
    struct order *o = xcalloc(t->ncells + 1, sizeof(*o));
    struct stats_cell *sorted = xcalloc(t->ncells + 1, sizeof(*sorted));
    for (size_t j = 0; j < t->q.nby; j++)
        rank[j] = value_ranks(&t->vals[j]);
    for (size_t i = 0; i < t->ncells; i++) {
        uint16_t r[STATS_BY_MAX] = {NONE16, NONE16, NONE16, NONE16};
        for (size_t j = 0; j < t->q.nby; j++)
            r[j] = t->cells[i].key[j] == NONE16 ? NONE16 : rank[j][t->cells[i].key[j]];
        o[i] = (struct order){pack(r), i};
    }
    qsort(o, t->ncells, sizeof(*o), by_sk);
    t->sk = xcalloc(t->ncells + 1, sizeof(*t->sk));
    for (size_t i = 0; i < t->ncells; i++) {
        sorted[i] = t->cells[o[i].i];
        t->sk[i] = o[i].sk;
    }
    free(t->cells);
    t->cells = sorted;
    for (size_t j = 0; j < t->q.nby; j++)
        free(rank[j]);
    free(o);
}

static void build_cells(struct stats_table *t)
{
    struct cellmap m = {0};
    if (t->nfacts) /* an empty table has no array (qsort's is never NULL, C11 7.22.5) */
        qsort(t->facts, t->nfacts, sizeof(*t->facts), by_org);
    for (size_t i = 0; i < t->nfacts; i++)
        count_fact(t, &m, &t->facts[i]);
    free(m.slots);
    free(m.keys);
    free(m.last_org);
    free(t->facts);
    t->facts = NULL;
    sort_cells(t);
}

void stats_table_finish(struct stats_table *t, int k)
{
    BUG_ON(t->finished);
    t->finished = true;
    t->k = k;
    build_cells(t);
    stats_suppress_primary(t, k);
    stats_suppress_complementary(t);
}

/* ---- suppression ---- */

void stats_suppress_primary(struct stats_table *t, int k)
{
    for (size_t i = 0; i < t->ncells; i++)
        t->cells[i].suppressed = t->cells[i].primary = t->cells[i].orgs < k;
}

/* The cell whose sort key is sk, or SIZE_MAX (cells are sorted by sk). */
static size_t find_sk(const struct stats_table *t, uint64_t sk)
{
    size_t lo = 0, hi = t->ncells;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->sk[mid] < sk)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->ncells && t->sk[lo] == sk ? lo : SIZE_MAX;
}

/* The equations along one dimension: for each total, its cells (CSR: the children of parent p
 * are child[start[p] .. start[p + 1])). */
struct lines {
    size_t *start, *child;
};

static void lines_build(const struct stats_table *t, size_t j, struct lines *l)
{
    unsigned shift = (unsigned)(48 - 16 * j);
    size_t *parent = xcalloc(t->ncells + 1, sizeof(*parent));
    size_t *fill = xcalloc(t->ncells + 1, sizeof(*fill));
    l->start = xcalloc(t->ncells + 2, sizeof(*l->start));
    l->child = xcalloc(t->ncells + 1, sizeof(*l->child));
    for (size_t i = 0; i < t->ncells; i++) {
        parent[i] = SIZE_MAX;
        if ((t->sk[i] >> shift & NONE16) == NONE16)
            continue;
        parent[i] = find_sk(t, t->sk[i] | (uint64_t)NONE16 << shift);
        BUG_ON(parent[i] == SIZE_MAX); /* every fact feeds its totals */
        l->start[parent[i] + 1]++;
    }
    for (size_t p = 0; p < t->ncells; p++)
        l->start[p + 1] += l->start[p];
    for (size_t i = 0; i < t->ncells; i++)
        if (parent[i] != SIZE_MAX)
            l->child[l->start[parent[i]] + fill[parent[i]]++] = i;
    free(parent);
    free(fill);
}

/* Whether cell a is a better second suppression than b: smaller count, then fewer organisations,
 * then earlier. */
static bool smaller(const struct stats_cell *c, size_t a, size_t b)
{
    if (c[a].count != c[b].count)
        return c[a].count < c[b].count;
    if (c[a].orgs != c[b].orgs)
        return c[a].orgs < c[b].orgs;
    return a < b;
}

/* One equation (total p and its cells): when exactly one member is suppressed, suppresses the
 * smallest other cell (the total only when no cell is left). Returns whether it did. */
static bool protect_line(struct stats_table *t, const struct lines *l, size_t p)
{
    struct stats_cell *c = t->cells;
    size_t nsup = c[p].suppressed, best = SIZE_MAX;
    for (size_t x = l->start[p]; x < l->start[p + 1]; x++) {
        size_t i = l->child[x];
        nsup += c[i].suppressed;
        if (!c[i].suppressed && (best == SIZE_MAX || smaller(c, i, best)))
            best = i;
    }
    if (nsup != 1)
        return false;
    if (best == SIZE_MAX)
        best = p;
    if (c[best].suppressed)
        return false; /* p alone, with no cells: not an equation */
    c[best].suppressed = true;
    return true;
}

void stats_suppress_complementary(struct stats_table *t)
{
    struct lines l[STATS_BY_MAX] = {0};
    size_t nby = t->q.nby;
    bool changed = true;
    for (size_t j = 0; j < nby; j++)
        lines_build(t, j, &l[j]);
    while (changed) {
        changed = false;
        for (size_t j = 0; j < nby; j++)
            for (size_t p = 0; p < t->ncells; p++)
                if (l[j].start[p + 1] > l[j].start[p])
                    changed |= protect_line(t, &l[j], p);
    }
    for (size_t j = 0; j < nby; j++) {
        free(l[j].start);
        free(l[j].child);
    }
}

/* ---- access ---- */

size_t stats_table_ncells(const struct stats_table *t)
{
    return t->ncells;
}

const struct stats_cell *stats_table_cell(const struct stats_table *t, size_t i)
{
    return i < t->ncells ? &t->cells[i] : NULL;
}

bool stats_cell_is_total(const struct stats_cell *c, size_t j)
{
    return c->key[j] == NONE16;
}

const char *stats_table_label(const struct stats_table *t, const struct stats_cell *c, size_t j)
{
    if (j >= t->q.nby || c->key[j] == NONE16)
        return STATS_TOTAL_LABEL;
    const char *s = t->vals[j].s[c->key[j]];
    return *s ? s : STATS_UNKNOWN_LABEL;
}

const struct stats_query *stats_table_query(const struct stats_table *t)
{
    return &t->q;
}

size_t stats_table_nfacts(const struct stats_table *t)
{
    return t->nfacts;
}

int stats_table_k(const struct stats_table *t)
{
    return t->k;
}
