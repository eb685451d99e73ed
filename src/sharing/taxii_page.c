/* taxii_page.c — TAXII 2.1 filtering and pagination (§3.3, §3.4, §3.6) over sorted object
 * metadata, and the `next` cursor (taxii.h). */
#include "taxii.h"

#include <sodium.h>

#include "../core/enc.h"
#include "../core/rtime.h"

#define CURSOR_VERSION 1
#define CURSOR_TAG 16
#define CURSOR_ID_MAX 300
/* version, date_added, version_ms, id length, id, tag */
#define CURSOR_RAW_MAX (1 + 8 + 8 + 2 + CURSOR_ID_MAX + CURSOR_TAG)

void taxii_timestamp(int64_t ms, char out[TAXII_TS_LEN])
{
    rtime_format_utc(ms, out, TAXII_TS_LEN);
}

static int cmp_key(const struct taxii_meta *m, int64_t da, const char *id, int64_t ver)
{
    if (m->date_added_ms != da)
        return m->date_added_ms < da ? -1 : 1;
    int c = strcmp(m->id, id);
    if (c)
        return c < 0 ? -1 : 1;
    return (m->version_ms > ver) - (m->version_ms < ver);
}

int taxii_meta_cmp(const struct taxii_meta *a, const struct taxii_meta *b)
{
    return cmp_key(a, b->date_added_ms, b->id, b->version_ms);
}

static int cmp_by_id_version(const void *pa, const void *pb)
{
    const struct taxii_meta *a = *(struct taxii_meta *const *)pa;
    const struct taxii_meta *b = *(struct taxii_meta *const *)pb;
    int c = strcmp(a->id, b->id);
    if (c)
        return c;
    if (a->version_ms != b->version_ms)
        return a->version_ms < b->version_ms ? -1 : 1;
    return (a->date_added_ms > b->date_added_ms) - (a->date_added_ms < b->date_added_ms);
}

void taxii_meta_mark_versions(struct taxii_meta *v, size_t n)
{
    if (n == 0)
        return;
    struct taxii_meta **ix = xmalloc(n * sizeof(*ix));
    for (size_t i = 0; i < n; i++) {
        ix[i] = &v[i];
        v[i].flags &= (uint8_t) ~(TAXII_META_FIRST | TAXII_META_LAST);
    }
    qsort(ix, n, sizeof(*ix), cmp_by_id_version);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(ix[i - 1]->id, ix[i]->id))
            ix[i]->flags |= TAXII_META_FIRST;
        if (i + 1 == n || strcmp(ix[i + 1]->id, ix[i]->id))
            ix[i]->flags |= TAXII_META_LAST;
    }
    free(ix);
}

void taxii_page_init(struct taxii_page *p)
{
    memset(p, 0, sizeof(*p));
}

void taxii_page_release(struct taxii_page *p)
{
    free(p->items);
    taxii_page_init(p);
}

static void put64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        p[i] = (unsigned char)u;
}

static int64_t get64(const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    return (int64_t)u;
}

static void h_str(crypto_generichash_state *h, const char *s)
{
    crypto_generichash_update(h, (const unsigned char *)s, strlen(s) + 1);
}

static void h_i64(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    put64(b, v);
    crypto_generichash_update(h, b, 8);
}

/* The tag binds a position to the scope and the filters it was issued for. The limit is not
 * part of it: a client may change the page size between pages. */
static void cursor_tag(const struct taxii_page_params *pp, const struct taxii_query *q,
                       const unsigned char *pos, size_t pos_len, unsigned char tag[CURSOR_TAG])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, pp->key, pp->key ? 32 : 0, CURSOR_TAG);
    h_str(&h, "ichigen taxii cursor 1");
    h_str(&h, pp->scope ? pp->scope : "");
    h_i64(&h, q->ep);
    h_i64(&h, q->has_added_after ? q->added_after_ms : INT64_MIN);
    h_i64(&h, (int64_t)q->n_ids);
    for (size_t i = 0; i < q->n_ids; i++)
        h_str(&h, q->ids[i]);
    h_i64(&h, (int64_t)q->n_types);
    for (size_t i = 0; i < q->n_types; i++)
        h_str(&h, q->types[i]);
    h_i64(&h, q->version_flags);
    h_i64(&h, (int64_t)q->n_versions);
    for (size_t i = 0; i < q->n_versions; i++)
        h_i64(&h, q->versions[i]);
    h_i64(&h, (int64_t)q->n_spec_versions);
    crypto_generichash_update(&h, q->spec_versions, q->n_spec_versions);
    crypto_generichash_update(&h, pos, pos_len);
    crypto_generichash_final(&h, tag, CURSOR_TAG);
}

static void cursor_encode(const struct taxii_page_params *pp, const struct taxii_query *q,
                          const struct taxii_meta *m, char out[TAXII_CURSOR_MAX + 1])
{
    unsigned char raw[CURSOR_RAW_MAX];
    size_t idl = strlen(m->id);
    BUG_ON(idl > CURSOR_ID_MAX);
    raw[0] = CURSOR_VERSION;
    put64(raw + 1, m->date_added_ms);
    put64(raw + 9, m->version_ms);
    raw[17] = (unsigned char)(idl >> 8);
    raw[18] = (unsigned char)idl;
    memcpy(raw + 19, m->id, idl);
    cursor_tag(pp, q, raw, 19 + idl, raw + 19 + idl);
    BUG_ON(enc_b64url_len(19 + idl + CURSOR_TAG) > TAXII_CURSOR_MAX);
    enc_b64url(raw, 19 + idl + CURSOR_TAG, out);
}

struct cursor_pos {
    int64_t date_added_ms, version_ms;
    char id[CURSOR_ID_MAX + 1];
};

static int cursor_decode(const struct taxii_page_params *pp, const struct taxii_query *q,
                         const char *s, struct cursor_pos *pos)
{
    unsigned char raw[CURSOR_RAW_MAX], tag[CURSOR_TAG];
    long n = enc_unb64url(s, strlen(s), raw, sizeof(raw));
    if (n < 19 + CURSOR_TAG || raw[0] != CURSOR_VERSION)
        return -1;
    size_t idl = (size_t)raw[17] << 8 | raw[18];
    if (idl > CURSOR_ID_MAX || (size_t)n != 19 + idl + CURSOR_TAG || memchr(raw + 19, 0, idl))
        return -1;
    cursor_tag(pp, q, raw, 19 + idl, tag);
    if (sodium_memcmp(tag, raw + 19 + idl, CURSOR_TAG))
        return -1;
    pos->date_added_ms = get64(raw + 1);
    pos->version_ms = get64(raw + 9);
    memcpy(pos->id, raw + 19, idl);
    pos->id[idl] = '\0';
    return 0;
}

/* The first index whose key is greater than (da, id, ver); id NULL means "any id": the first
 * index with date_added > da. Binary search: O(log n). */
static size_t upper_bound(const struct taxii_meta *v, size_t n, int64_t da, const char *id,
                          int64_t ver)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = id ? cmp_key(&v[mid], da, id, ver) : (v[mid].date_added_ms > da ? 1 : -1);
        if (c <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t page_limit(const struct taxii_query *q, const struct taxii_page_params *pp)
{
    uint32_t max = pp->limit_max ? pp->limit_max : 1000;
    uint32_t lim = q->limit ? q->limit : (pp->limit_default ? pp->limit_default : max);
    return lim > max ? max : lim;
}

static bool selected(const struct taxii_query *q, const struct taxii_page_params *pp,
                     const struct taxii_meta *m)
{
    return taxii_query_matches(q, m) && (!pp->visible || pp->visible(m, pp->visible_ctx));
}

int taxii_page_select(const struct taxii_meta *v, size_t n, const struct taxii_query *q,
                      const struct taxii_page_params *pp, struct taxii_page *out,
                      struct verr_list *errs)
{
    struct cursor_pos pos;
    size_t i, stop_at = SIZE_MAX;
    uint32_t lim = page_limit(q, pp);
    taxii_page_init(out);
    if (q->next) {
        if (cursor_decode(pp, q, q->next, &pos)) {
            verr_add(errs, "?next", "bad_cursor",
                     "query parameter next: not a cursor this server issued for this "
                     "collection and these filters",
                     "クエリパラメータ next: このコレクションとこの条件に対して本サーバが発行した"
                     "カーソルではありません");
            return -1;
        }
        i = upper_bound(v, n, pos.date_added_ms, pos.id, pos.version_ms);
    } else
        i = q->has_added_after ? upper_bound(v, n, q->added_after_ms, NULL, 0) : 0;
    out->items = xmalloc(lim * sizeof(*out->items));
    for (; i < n; i++) {
        if (pp->scan_max && out->scanned == pp->scan_max) {
            out->more = true; /* budget spent: continue after the last entry examined */
            stop_at = i - 1;
            break;
        }
        out->scanned++;
        if (!selected(q, pp, &v[i]))
            continue;
        if (out->n == lim) {
            out->more = true;
            break;
        }
        out->items[out->n++] = &v[i];
    }
    if (out->more)
        cursor_encode(pp, q, stop_at != SIZE_MAX ? &v[stop_at] : out->items[out->n - 1], out->next);
    if (out->n) {
        taxii_timestamp(out->items[0]->date_added_ms, out->date_added_first);
        taxii_timestamp(out->items[out->n - 1]->date_added_ms, out->date_added_last);
    }
    return 0;
}
