/*
 * fuzz_taxii_query.c — the TAXII 2.1 request parsers (src/sharing/taxii.h). The first byte picks
 * what the rest is: a query string for one of the endpoints, an Accept / Content-Type header,
 * or an envelope POST body.
 * Invariants: a query that parses selects a page whose every item matches it and lies after
 * added_after; a `next` it issues is accepted back and continues strictly after the page; the
 * status of a POST accounts for every object of the envelope exactly once.
 */
#include "../src/sharing/taxii.h"
#include "fuzz.h"

static char ids[6][64];
static struct taxii_meta meta[60];

static int cmp(const void *a, const void *b)
{
    return taxii_meta_cmp(a, b);
}

static void setup(void)
{
    static const char *types[] = {"indicator", "malware", "sighting"};
    if (meta[0].id)
        return;
    for (int i = 0; i < 6; i++)
        snprintf(ids[i], sizeof(ids[i]), "%s--%08x-0000-4000-8000-%012x", types[i % 3], (unsigned)i,
                 (unsigned)i);
    for (int i = 0; i < 60; i++)
        meta[i] = (struct taxii_meta){ids[i % 6],
                                      1451606400000LL + i / 2 * 1000,
                                      1451606400000LL + (i % 7) * 1000,
                                      i % 4 ? 21 : 20,
                                      0,
                                      NULL};
    qsort(meta, 60, sizeof(meta[0]), cmp);
    taxii_meta_mark_versions(meta, 60);
}

static void check_page(const struct taxii_query *q, const struct taxii_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        BUG_ON(!taxii_query_matches(q, p->items[i]));
        BUG_ON(q->has_added_after && p->items[i]->date_added_ms <= q->added_after_ms);
        BUG_ON(i && taxii_meta_cmp(p->items[i - 1], p->items[i]) >= 0);
    }
    BUG_ON(p->more != (p->next[0] != '\0'));
}

static void query(enum taxii_endpoint ep, const char *s, size_t n)
{
    struct taxii_query q;
    struct verr_list e;
    struct taxii_page p, p2;
    struct taxii_page_params pp = {.limit_default = 7, .limit_max = 10, .scope = "fuzz"};
    verr_list_init(&e, 20);
    taxii_query_init(&q, ep);
    if (taxii_query_parse(&q, s, n, &e) == 0) {
        BUG_ON(e.n != 0);
        if (taxii_page_select(meta, 60, &q, &pp, &p, &e) == 0) {
            check_page(&q, &p);
            if (p.more && p.n) {
                free(q.next);
                q.next = xstrdup(p.next);
                BUG_ON(taxii_page_select(meta, 60, &q, &pp, &p2, &e) != 0);
                check_page(&q, &p2);
                BUG_ON(p2.n && taxii_meta_cmp(p2.items[0], p.items[p.n - 1]) <= 0);
                taxii_page_release(&p2);
            }
            json_decref(taxii_manifest_json(&p));
            taxii_page_release(&p);
        }
    } else
        BUG_ON(e.n == 0 && e.dropped == 0);
    json_decref(taxii_error_json(400, "bad_query", "Bad query", "不正", NULL, NULL, &e));
    taxii_query_release(&q);
    verr_list_release(&e);
}

static void post(const char *s, size_t n)
{
    struct taxii_post_limits lim = {1 << 16, 50, 16};
    struct taxii_status st;
    struct verr_list e;
    verr_list_init(&e, 20);
    taxii_status_init(&st, "00000000-0000-4000-8000-000000000000", FUZZ_NOW_MS);
    if (taxii_envelope_post(s, n, &lim, NULL, NULL, &st, &e) == TAXII_POST_OK) {
        BUG_ON(st.n_successes + st.n_failures + st.n_pendings != st.total);
        json_decref(taxii_status_json(&st));
    }
    taxii_status_release(&st);
    verr_list_release(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    setup();
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    unsigned mode = data[0] % 8;
    if (mode < 5) {
        query((enum taxii_endpoint)mode, s, n);
    } else if (mode < 7) {
        char *h = xstrndup(s, n);
        (void)(mode == 5 ? taxii_accept_ok(h) : taxii_content_type_ok(h));
        free(h);
    } else
        post(s, n);
    return 0;
}
