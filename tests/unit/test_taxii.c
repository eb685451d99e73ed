/*
 * test_taxii.c — the TAXII 2.1 protocol pieces (src/sharing/taxii.h): query parameters as the
 * spec's examples write them, the paginator against a brute-force filter (randomised, and while
 * objects are added between pages), cursors that must not be reused elsewhere, media-type
 * negotiation, the resources, and an envelope POST with its status.
 */
#include "sharing/taxii.h"
#include "core/rtime.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static int64_t ts(const char *s)
{
    struct rtime_parsed t;
    assert_int_equal(rtime_parse_rfc3339(s, strlen(s), &t), 0);
    return t.ms;
}

static bool has_error(const struct verr_list *e, const char *pointer, const char *code)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].pointer, pointer) && !strcmp(e->v[i].code, code) && e->v[i].ja[0])
            return true;
    return false;
}

/* ---- query parameters ---- */

static void test_query_spec_examples(void **state)
{
    UNUSED(state);
    struct taxii_query q;
    struct verr_list e;
    verr_list_init(&e, 50);
    /* §3.4.2's style: comma-separated types and an added_after timestamp, percent-encoded as a
     * client sends them. */
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    const char *qs = "added_after=2016-02-01T00%3A00%3A01.000Z&match%5Btype%5D=indicator,sighting"
                     "&match[version]=all&match[spec_version]=2.1&limit=50";
    assert_int_equal(taxii_query_parse(&q, qs, strlen(qs), &e), 0);
    assert_int_equal(e.n, 0);
    assert_true(q.has_added_after);
    assert_true(q.added_after_ms == ts("2016-02-01T00:00:01.000Z"));
    assert_int_equal(q.n_types, 2);
    assert_string_equal(q.types[0], "indicator");
    assert_string_equal(q.types[1], "sighting");
    assert_int_equal(q.version_flags, TAXII_VER_ALL);
    assert_int_equal(q.n_spec_versions, 1);
    assert_int_equal(q.spec_versions[0], 21);
    assert_int_equal(q.limit, 50);
    taxii_query_release(&q);

    /* Default match[version] is last (§3.4.2); versions of one object get all (§5.8). */
    taxii_query_init(&q, TAXII_EP_OBJECT);
    assert_int_equal(q.version_flags, TAXII_VER_LAST);
    taxii_query_release(&q);
    taxii_query_init(&q, TAXII_EP_VERSIONS);
    assert_int_equal(q.version_flags, TAXII_VER_ALL);
    qs = "match[version]=first&match[type]=indicator&foo=bar";
    assert_int_equal(taxii_query_parse(&q, qs, strlen(qs), &e), 0);
    /* Not taken by the versions endpoint, so ignored like an unknown parameter (§3.4.1). */
    assert_int_equal(q.version_flags, TAXII_VER_ALL);
    assert_int_equal(q.n_types, 0);
    assert_int_equal(q.n_ignored, 3);
    assert_string_equal(q.ignored[2], "foo");
    taxii_query_release(&q);

    /* Mixed version selectors and ids, repeated parameter adds, duplicates removed. */
    taxii_query_init(&q, TAXII_EP_MANIFEST);
    qs = "match[version]=first,2016-01-01T01:01:01.000Z&match[version]=last"
         "&match[id]=indicator--c410e480-e42b-47d1-9476-85307c12bcbf,"
         "indicator--c410e480-e42b-47d1-9476-85307c12bcbf";
    assert_int_equal(taxii_query_parse(&q, qs, strlen(qs), &e), 0);
    assert_int_equal(q.version_flags, TAXII_VER_FIRST | TAXII_VER_LAST);
    assert_int_equal(q.n_versions, 1);
    assert_int_equal(q.n_ids, 1);
    taxii_query_release(&q);
    verr_list_release(&e);
}

static void test_query_errors_gathered(void **state)
{
    UNUSED(state);
    struct taxii_query q;
    struct verr_list e;
    verr_list_init(&e, 50);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    const char *qs = "added_after=2016-02-01T09:00:00+09:00&limit=0&match[type]=Indicator"
                     "&match[id]=indicator--nope&match[version]=latest&match[spec_version]=21"
                     "&limit=5&next=&match[type]=a,,b";
    assert_int_equal(taxii_query_parse(&q, qs, strlen(qs), &e), -1);
    assert_true(has_error(&e, "?added_after", "bad_query")); /* not "Z" */
    assert_true(has_error(&e, "?limit", "bad_query"));       /* 0, then given twice */
    assert_true(has_error(&e, "?match[type]", "bad_query"));
    assert_true(has_error(&e, "?match[id]", "bad_query"));
    assert_true(has_error(&e, "?match[version]", "bad_query"));
    assert_true(has_error(&e, "?match[spec_version]", "bad_query"));
    assert_true(has_error(&e, "?next", "bad_query"));
    assert_true(e.n >= 9);
    taxii_query_release(&q);
    verr_list_release(&e);

    /* Bounds: more than 100 values, an overlong value, a long string, a bad escape, NUL. */
    verr_list_init(&e, 50);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, "match[type]=");
    for (int i = 0; i < 101; i++)
        buf_appendf(&b, "%stype-%03d", i ? "," : "", i);
    assert_int_equal(taxii_query_parse(&q, b.data, b.len, &e), -1);
    assert_true(has_error(&e, "?match[type]", "bad_query"));
    assert_int_equal(q.n_types, 100);
    taxii_query_release(&q);
    buf_reset(&b);
    buf_puts(&b, "match[type]=");
    for (int i = 0; i < 301; i++)
        buf_putc(&b, 'a');
    assert_int_equal(taxii_query_parse(&q, b.data, b.len, &e), -1);
    taxii_query_release(&q);
    buf_reset(&b);
    for (int i = 0; i < TAXII_QUERY_MAX_LEN + 1; i++)
        buf_putc(&b, 'x');
    assert_int_equal(taxii_query_parse(&q, b.data, b.len, &e), -1);
    assert_true(has_error(&e, "?", "bad_query"));
    buf_release(&b);
    assert_int_equal(taxii_query_parse(&q, "limit=%4", 8, &e), -1);
    assert_int_equal(taxii_query_parse(&q, "limit=1%00", 10, &e), -1);
    assert_int_equal(taxii_query_parse(&q, "limit=99999999999", 17, &e), 0);
    assert_int_equal(q.limit, UINT32_MAX); /* lowered to the server maximum later */
    taxii_query_release(&q);
    verr_list_release(&e);
}

/* ---- metadata and matching ---- */

static char ids[64][64];

static void make_ids(void)
{
    static const char *types[] = {"indicator", "malware", "sighting", "report"};
    for (int i = 0; i < 64; i++)
        snprintf(ids[i], sizeof(ids[i]), "%s--%08x-0000-4000-8000-%012x", types[i % 4], (unsigned)i,
                 (unsigned)i);
}

static int meta_qsort(const void *a, const void *b)
{
    return taxii_meta_cmp(a, b);
}

/* n entries over `nids` ids, date_added in [base, base + spread) ms (ties likely), sorted. */
static struct taxii_meta *make_meta(uint64_t *rng, size_t n, int nids, int64_t base,
                                    unsigned spread)
{
    struct taxii_meta *v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        for (;;) {
            v[i].id = ids[unit_rand_below(rng, (unsigned)nids)];
            v[i].date_added_ms = base + unit_rand_below(rng, spread);
            v[i].version_ms = 1450000000000LL + unit_rand_below(rng, 50) * 1000;
            bool dup = false;
            for (size_t j = 0; j < i && !dup; j++)
                dup = taxii_meta_cmp(&v[i], &v[j]) == 0;
            if (!dup)
                break;
        }
        v[i].spec_version = unit_rand_below(rng, 4) ? 21 : 20;
        v[i].ref = &v[i];
    }
    qsort(v, n, sizeof(*v), meta_qsort);
    taxii_meta_mark_versions(v, n);
    return v;
}

static void test_mark_versions_and_match(void **state)
{
    UNUSED(state);
    make_ids();
    struct taxii_meta v[] = {
        {ids[1], 1000, 300, 21, 0, NULL},
        {ids[1], 1001, 100, 21, 0, NULL},
        {ids[2], 1002, 100, 21, 0, NULL},
        {ids[1], 1003, 200, 21, 0, NULL},
    };
    taxii_meta_mark_versions(v, 4);
    assert_int_equal(v[0].flags, TAXII_META_LAST); /* newest version, added first */
    assert_int_equal(v[1].flags, TAXII_META_FIRST);
    assert_int_equal(v[2].flags, TAXII_META_FIRST | TAXII_META_LAST);
    assert_int_equal(v[3].flags, 0);
    struct taxii_query q;
    struct verr_list e;
    verr_list_init(&e, 10);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    assert_true(taxii_query_matches(&q, &v[0]));
    assert_false(taxii_query_matches(&q, &v[1]));
    assert_int_equal(taxii_query_add(&q, "match[type]", "malware", &e), 0);
    assert_true(taxii_query_matches(&q, &v[0])); /* ids[1] is a malware */
    assert_int_equal(taxii_query_add(&q, "match[version]", "1970-01-01T00:00:00.200Z", &e), 0);
    assert_false(taxii_query_matches(&q, &v[0]));
    assert_true(taxii_query_matches(&q, &v[3]));
    assert_int_equal(taxii_query_add(&q, "match[spec_version]", "2.0", &e), 0);
    assert_false(taxii_query_matches(&q, &v[3]));
    taxii_query_release(&q);
    verr_list_release(&e);
}

/* ---- the paginator against brute force ---- */

static uint64_t vis_salt;
static bool visible(const struct taxii_meta *m, void *ctx)
{
    UNUSED(ctx);
    return ((uint64_t)m->date_added_ms * 2654435761u ^ vis_salt ^ (uintptr_t)m->id) % 5 != 0;
}

static bool brute(const struct taxii_query *q, const struct taxii_page_params *pp,
                  const struct taxii_meta *m)
{
    if (q->has_added_after && m->date_added_ms <= q->added_after_ms)
        return false;
    return taxii_query_matches(q, m) && (!pp->visible || pp->visible(m, pp->visible_ctx));
}

static void random_query(uint64_t *rng, struct taxii_query *q, struct verr_list *e)
{
    static const char *vsel[] = {"last", "first", "all", "first,last"};
    char buf[200];
    taxii_query_init(q, TAXII_EP_OBJECTS);
    if (unit_rand_below(rng, 3) == 0)
        taxii_query_add(q, "match[type]", unit_rand_below(rng, 2) ? "indicator" : "malware,report",
                        e);
    if (unit_rand_below(rng, 4) == 0) {
        snprintf(buf, sizeof(buf), "%s,%s", ids[unit_rand_below(rng, 16)],
                 ids[unit_rand_below(rng, 16)]);
        taxii_query_add(q, "match[id]", buf, e);
    }
    if (unit_rand_below(rng, 2))
        taxii_query_add(q, "match[version]", vsel[unit_rand_below(rng, 4)], e);
    if (unit_rand_below(rng, 4) == 0)
        taxii_query_add(q, "match[spec_version]", "2.1", e);
    if (unit_rand_below(rng, 3) == 0) {
        taxii_timestamp(1700000000000LL + unit_rand_below(rng, 3000), buf);
        taxii_query_add(q, "added_after", buf, e);
    }
}

static void test_paginator_randomised(void **state)
{
    UNUSED(state);
    uint64_t rng = 20261206;
    make_ids();
    struct verr_list e;
    verr_list_init(&e, 10);
    for (int round = 0; round < 300; round++) {
        size_t n = unit_rand_below(&rng, 400);
        struct taxii_meta *v = make_meta(&rng, n, 16, 1700000000000LL, 3000);
        struct taxii_query q;
        random_query(&rng, &q, &e);
        assert_int_equal(e.n, 0);
        vis_salt = unit_rand(&rng);
        struct taxii_page_params pp = {
            .limit_default = 1 + unit_rand_below(&rng, 30),
            .limit_max = 25,
            .scan_max = unit_rand_below(&rng, 3) ? 0 : 1 + unit_rand_below(&rng, 40),
            .scope = "root/coll/objects",
            .visible = unit_rand_below(&rng, 2) ? visible : NULL};
        /* Brute force: every entry, in order. */
        size_t want = 0, got = 0, pages = 0;
        const struct taxii_meta **seen = xcalloc(n + 1, sizeof(*seen));
        for (size_t i = 0; i < n; i++)
            if (brute(&q, &pp, &v[i]))
                want++;
        size_t k = 0; /* position in the brute-force order */
        for (;;) {
            struct taxii_page p;
            assert_int_equal(taxii_page_select(v, n, &q, &pp, &p, &e), 0);
            assert_true(p.n <= 25 && p.n <= pp.limit_default);
            if (!pp.scan_max)
                assert_true(p.scanned <= n);
            for (size_t j = 0; j < p.n; j++) {
                while (k < n && !brute(&q, &pp, &v[k]))
                    k++;
                assert_true(k < n);
                assert_ptr_equal(p.items[j], &v[k]); /* same entries, same order */
                seen[got++] = p.items[j];
                k++;
            }
            if (p.n) {
                char t[TAXII_TS_LEN];
                taxii_timestamp(p.items[0]->date_added_ms, t);
                assert_string_equal(p.date_added_first, t);
                taxii_timestamp(p.items[p.n - 1]->date_added_ms, t);
                assert_string_equal(p.date_added_last, t);
            }
            pages++;
            bool more = p.more;
            if (more) {
                free(q.next);
                q.next = xstrdup(p.next);
            }
            taxii_page_release(&p);
            if (!more)
                break;
            assert_true(pages <= n + 2);
        }
        assert_int_equal(got, want);
        free(seen);
        taxii_query_release(&q);
        free(v);
    }
    verr_list_release(&e);
}

/* Objects and new versions arrive between pages: the continuation is exactly what a fresh
 * filter over the new state gives after the last entry already returned. */
static void test_paginator_stable_while_appending(void **state)
{
    UNUSED(state);
    uint64_t rng = 7;
    make_ids();
    struct verr_list e;
    verr_list_init(&e, 10);
    for (int round = 0; round < 100; round++) {
        size_t n0 = 50 + unit_rand_below(&rng, 100), extra = unit_rand_below(&rng, 60);
        struct taxii_meta *v = make_meta(&rng, n0, 32, 1700000000000LL, 500);
        struct taxii_meta *add = make_meta(&rng, extra, 40, 1700000000600LL, 200);
        struct taxii_query q;
        random_query(&rng, &q, &e);
        struct taxii_page_params pp = {.limit_default = 10, .limit_max = 10, .scope = "s"};
        struct taxii_page p;
        assert_int_equal(taxii_page_select(v, n0, &q, &pp, &p, &e), 0);
        if (!p.more) {
            taxii_page_release(&p);
            goto next;
        }
        struct taxii_meta last = *p.items[p.n - 1];
        q.next = xstrdup(p.next);
        taxii_page_release(&p);
        /* The store appends (later date_added) and keeps the version flags current. */
        struct taxii_meta *all = xcalloc(n0 + extra + 1, sizeof(*all));
        memcpy(all, v, n0 * sizeof(*v));
        memcpy(all + n0, add, extra * sizeof(*add));
        qsort(all, n0 + extra, sizeof(*all), meta_qsort);
        taxii_meta_mark_versions(all, n0 + extra);
        size_t i = 0, got = 0;
        while (i < n0 + extra && taxii_meta_cmp(&all[i], &last) <= 0)
            i++;
        for (;;) {
            assert_int_equal(taxii_page_select(all, n0 + extra, &q, &pp, &p, &e), 0);
            for (size_t j = 0; j < p.n; j++, i++, got++) {
                while (i < n0 + extra && !brute(&q, &pp, &all[i]))
                    i++;
                assert_true(i < n0 + extra);
                assert_ptr_equal(p.items[j], &all[i]);
            }
            bool more = p.more;
            if (more) {
                free(q.next);
                q.next = xstrdup(p.next);
            }
            taxii_page_release(&p);
            if (!more)
                break;
        }
        while (i < n0 + extra)
            assert_false(brute(&q, &pp, &all[i++])); /* nothing left out */
        free(all);
    next:
        taxii_query_release(&q);
        free(v);
        free(add);
    }
    verr_list_release(&e);
}

/* A deep page costs the page, not the depth: O(log n + page) entries examined. */
static void test_paginator_cost(void **state)
{
    UNUSED(state);
    size_t n = 100000;
    struct taxii_meta *v = xcalloc(n, sizeof(*v));
    make_ids();
    for (size_t i = 0; i < n; i++)
        v[i] = (struct taxii_meta){ids[i % 64], (int64_t)i, 5, 21, TAXII_META_LAST, NULL};
    struct taxii_query q;
    struct verr_list e;
    struct taxii_page p;
    verr_list_init(&e, 10);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    assert_int_equal(taxii_query_add(&q, "added_after", "1970-01-01T00:01:30.000Z", &e), 0);
    struct taxii_page_params pp = {.limit_default = 100, .limit_max = 1000, .scope = "s"};
    assert_int_equal(taxii_page_select(v, n, &q, &pp, &p, &e), 0);
    assert_int_equal(p.n, 100);
    assert_int_equal(p.items[0]->date_added_ms, 90001);
    assert_int_equal(p.scanned, 101); /* the page and one look-ahead for `more` */
    assert_string_equal(p.date_added_first, "1970-01-01T00:01:30.001Z");
    q.next = xstrdup(p.next);
    taxii_page_release(&p);
    assert_int_equal(taxii_page_select(v, n, &q, &pp, &p, &e), 0);
    assert_int_equal(p.items[0]->date_added_ms, 90101);
    assert_int_equal(p.scanned, 101);
    taxii_page_release(&p);
    /* A scan bound gives a short page with a cursor past what was examined. */
    taxii_query_release(&q);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    assert_int_equal(taxii_query_add(&q, "match[type]", "nothing-like-this", &e), 0);
    pp.scan_max = 1000;
    assert_int_equal(taxii_page_select(v, n, &q, &pp, &p, &e), 0);
    assert_int_equal(p.n, 0);
    assert_true(p.more);
    assert_int_equal(p.scanned, 1000);
    assert_string_equal(p.date_added_first, "");
    q.next = xstrdup(p.next);
    taxii_page_release(&p);
    assert_int_equal(taxii_page_select(v, n, &q, &pp, &p, &e), 0);
    assert_int_equal(p.scanned, 1000);
    taxii_page_release(&p);
    taxii_query_release(&q);
    verr_list_release(&e);
    free(v);
}

static void test_cursor_refused_elsewhere(void **state)
{
    UNUSED(state);
    uint64_t rng = 3;
    make_ids();
    struct taxii_meta *v = make_meta(&rng, 100, 16, 1700000000000LL, 1000);
    static const unsigned char key[32] = {1, 2, 3};
    static const unsigned char key2[32] = {9};
    struct taxii_page_params pp = {.limit_default = 5, .limit_max = 5, .scope = "a/b", .key = key};
    struct taxii_query q;
    struct verr_list e;
    struct taxii_page p;
    verr_list_init(&e, 50);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    assert_int_equal(taxii_query_add(&q, "match[version]", "all", &e), 0);
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), 0);
    assert_true(p.more);
    char next[TAXII_CURSOR_MAX + 1];
    xstrlcpy(next, p.next, sizeof(next));
    taxii_page_release(&p);
    q.next = xstrdup(next);
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), 0); /* the same query: fine */
    taxii_page_release(&p);
    pp.limit_default = 7; /* another page size is allowed */
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), 0);
    taxii_page_release(&p);
    pp.scope = "a/c"; /* another collection */
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), -1);
    assert_true(has_error(&e, "?next", "bad_cursor"));
    pp.scope = "a/b";
    pp.key = key2; /* another server key */
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), -1);
    pp.key = key;
    q.next[3] = q.next[3] == 'A' ? 'B' : 'A'; /* altered bytes */
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), -1);
    free(q.next);
    q.next = xstrdup("not base64url!");
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), -1);
    free(q.next);
    q.next = xstrdup(next);
    assert_int_equal(taxii_query_add(&q, "match[type]", "indicator", &e), 0); /* other filters */
    assert_int_equal(taxii_page_select(v, 100, &q, &pp, &p, &e), -1);
    taxii_query_release(&q);
    verr_list_release(&e);
    free(v);
}

/* ---- media types ---- */

static void test_accept(void **state)
{
    UNUSED(state);
    assert_true(taxii_accept_ok(NULL));
    assert_true(taxii_accept_ok(""));
    assert_true(taxii_accept_ok("application/taxii+json;version=2.1"));
    assert_true(taxii_accept_ok("Application/TAXII+JSON; Version=\"2.1\""));
    assert_true(taxii_accept_ok("application/taxii+json"));
    assert_true(taxii_accept_ok("*/*"));
    assert_true(taxii_accept_ok("application/*;q=0.5"));
    assert_true(taxii_accept_ok("text/html, application/taxii+json;version=2.1;q=0.9"));
    assert_false(taxii_accept_ok("application/taxii+json;version=2.0"));
    assert_false(taxii_accept_ok("application/json"));
    assert_false(taxii_accept_ok("application/stix+json;version=2.1"));
    assert_false(taxii_accept_ok("text/html"));
    assert_false(taxii_accept_ok("application/taxii+json;version=2.1;q=0"));
    /* The most specific range decides (RFC 9110 §12.5.1). */
    assert_false(taxii_accept_ok("application/taxii+json;version=2.1;q=0, */*"));
    assert_true(taxii_accept_ok("application/taxii+json;version=2.0, */*;q=0.1"));
    assert_false(taxii_accept_ok("application/taxii+json;q=2"));
    assert_false(taxii_accept_ok("garbage"));
}

static void test_content_type(void **state)
{
    UNUSED(state);
    assert_true(taxii_content_type_ok("application/taxii+json;version=2.1"));
    assert_true(taxii_content_type_ok("application/taxii+json; version=2.1; charset=UTF-8"));
    assert_true(taxii_content_type_ok("application/taxii+json"));
    assert_false(taxii_content_type_ok(NULL));
    assert_false(taxii_content_type_ok("application/json"));
    assert_false(taxii_content_type_ok("application/taxii+json;version=2.0"));
    assert_false(taxii_content_type_ok("application/taxii+json;charset=latin1"));
    assert_false(taxii_content_type_ok("application/stix+json;version=2.1"));
}

/* ---- resources ---- */

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(j);
    return s;
}

static void expect_json(json_t *j, const char *want)
{
    char *s = dump(j);
    assert_string_equal(s, want);
    free(s);
}

static void test_resources(void **state)
{
    UNUSED(state);
    /* §4.1's example discovery resource, in our words. */
    const char *roots[] = {"https://taxii.example.com/api1/", "https://taxii.example.com/api2/"};
    expect_json(taxii_discovery_json("Some TAXII Server", "This TAXII Server contains a listing of",
                                     "string containing contact information", roots[0], roots, 2),
                "{\"api_roots\":[\"https://taxii.example.com/api1/\",\"https://taxii.example.com/"
                "api2/\"],\"contact\":\"string containing contact information\",\"default\":"
                "\"https://taxii.example.com/api1/\",\"description\":\"This TAXII Server contains "
                "a listing of\",\"title\":\"Some TAXII Server\"}");
    expect_json(taxii_api_root_json("Malware Research Group", NULL, 104857600),
                "{\"max_content_length\":104857600,\"title\":\"Malware Research Group\","
                "\"versions\":[\"application/taxii+json;version=2.1\"]}");
    struct taxii_collection c = {"91a7b528-80eb-42ed-a74d-c6fbd5a26116",
                                 "High Value Indicator "
                                 "Collection",
                                 "This data collection contains high value IOCs",
                                 NULL,
                                 true,
                                 false};
    expect_json(taxii_collections_json(&c, 1),
                "{\"collections\":[{\"can_read\":true,\"can_write\":false,\"description\":\"This "
                "data collection contains high value IOCs\",\"id\":\"91a7b528-80eb-42ed-a74d-"
                "c6fbd5a26116\",\"media_types\":[\"application/stix+json;version=2.1\"],\"title\":"
                "\"High Value Indicator Collection\"}]}");
    expect_json(taxii_collections_json(NULL, 0), "{}");

    struct taxii_meta m[2] = {
        {"indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b", ts("2016-11-01T03:04:05.000Z"),
         ts("2016-11-03T12:30:59.000Z"), 21, 3, "{\"id\":1}"},
        {"indicator--ef0b28e1-308c-4a30-8770-9b4851b260a5", ts("2016-11-01T10:29:05.000Z"),
         ts("2016-11-01T10:29:05.000Z"), 20, 3, "{\"id\":2}"},
    };
    const struct taxii_meta *items[2] = {&m[0], &m[1]};
    struct taxii_page p = {.items = items, .n = 2, .more = true, .next = "abc"};
    expect_json(taxii_manifest_json(&p),
                "{\"more\":true,\"next\":\"abc\",\"objects\":[{\"date_added\":\"2016-11-01T03:04:"
                "05.000Z\",\"id\":\"indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b\",\"media_"
                "type\":\"application/stix+json;version=2.1\",\"version\":\"2016-11-03T12:30:59."
                "000Z\"},{\"date_added\":\"2016-11-01T10:29:05.000Z\",\"id\":\"indicator--ef0b28e1"
                "-308c-4a30-8770-9b4851b260a5\",\"media_type\":\"application/stix+json;version=2."
                "0\",\"version\":\"2016-11-01T10:29:05.000Z\"}]}");
    expect_json(taxii_versions_json(&p), "{\"more\":true,\"next\":\"abc\",\"versions\":[\"2016-11-"
                                         "03T12:30:59.000Z\",\"2016-11-01T10:29:05.000Z\"]}");
    struct taxii_page empty = {0};
    expect_json(taxii_manifest_json(&empty), "{\"more\":false}");
}

static int raw_of(const void *ref, const char **p, size_t *n, void *ctx)
{
    UNUSED(ctx);
    if (!strcmp(ref, "gone"))
        return -1;
    *p = ref;
    *n = strlen(ref);
    return 0;
}

static void test_envelope_write(void **state)
{
    UNUSED(state);
    struct taxii_meta m[3] = {{.ref = "{\"type\":\"a\"}"}, {.ref = "gone"}, {.ref = "{\"b\":1}"}};
    const struct taxii_meta *items[3] = {&m[0], &m[1], &m[2]};
    struct taxii_page p = {.items = items, .n = 3, .more = true, .next = "Q1"};
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(taxii_envelope_write(&b, &p, raw_of, NULL), 0);
    assert_string_equal(b.data,
                        "{\"more\":true,\"next\":\"Q1\",\"objects\":[{\"type\":\"a\"},{\"b\":1}]}");
    json_t *j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    json_decref(j);
    buf_reset(&b);
    struct taxii_page e = {0};
    assert_int_equal(taxii_envelope_write(&b, &e, raw_of, NULL), 0);
    assert_string_equal(b.data, "{\"more\":false}");
    buf_release(&b);
    buf_init(&b, 20); /* too small: nothing half-written */
    assert_int_equal(taxii_envelope_write(&b, &p, raw_of, NULL), BUF_EFULL);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_error_resource(void **state)
{
    UNUSED(state);
    struct verr_list e;
    verr_list_init(&e, 5);
    verr_add(&e, "?limit", "bad_query", "query parameter limit: not a positive whole number",
             "クエリパラメータ limit: 正の整数ではありません");
    json_t *j = taxii_error_json(400, "bad_query", "Bad query", "クエリが不正です",
                                 "one or more query parameters are invalid",
                                 "クエリパラメータに誤りがあります", &e);
    assert_string_equal(json_string_value(json_object_get(j, "http_status")), "400");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "Bad query");
    assert_non_null(json_object_get(j, "description"));
    json_t *d = json_object_get(j, "details");
    assert_string_equal(json_string_value(json_object_get(d, "title_ja")), "クエリが不正です");
    json_t *e0 = json_array_get(json_object_get(d, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(e0, "pointer")), "?limit");
    assert_non_null(json_object_get(e0, "ja"));
    json_decref(j);
    verr_list_release(&e);
}

/* ---- POST ---- */

static enum taxii_verdict check(json_t *obj, size_t index, const char *id, const char *version,
                                void *ctx, char *en, char *ja)
{
    UNUSED(obj);
    UNUSED(id);
    UNUSED(version);
    (*(int *)ctx)++;
    if (index == 3) {
        snprintf(en, 256, "pattern does not parse");
        snprintf(ja, 256, "パターンを解析できません");
        return TAXII_OBJ_FAILURE;
    }
    return index == 4 ? TAXII_OBJ_PENDING : TAXII_OBJ_SUCCESS;
}

static void test_envelope_post(void **state)
{
    UNUSED(state);
    const char *body =
        "{\"objects\":["
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--c410e480-e42b-47d1-"
        "9476-85307c12bcbf\",\"created\":\"2018-02-27T13:57:10.515Z\",\"modified\":\"2018-02-27T1"
        "3:57:10.515Z\",\"pattern\":\"[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']\"},"
        "{\"type\":\"malware\",\"id\":\"indicator--c410e480-e42b-47d1-9476-85307c12bcbf\"},"
        "42,"
        "{\"type\":\"indicator\",\"id\":\"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e\","
        "\"modified\":\"2018-02-27T13:57:10.515Z\"},"
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\","
        "\"value\":\"198.51.100.3\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"3.0\",\"id\":\"indicator--6770298f-0fd8-471a-"
        "ab8c-1c658a46574e\"},"
        "{\"type\":\"indicator\",\"id\":\"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e\","
        "\"modified\":\"2018-02-27 13:57\"}"
        "]}";
    struct taxii_post_limits lim = {1 << 20, 100, 64};
    struct taxii_status st;
    struct verr_list e;
    int calls = 0;
    verr_list_init(&e, 10);
    taxii_status_init(&st, "2d086da7-4bdc-4f91-900e-d77486753710", ts("2016-11-02T12:34:34.123Z"));
    assert_int_equal(taxii_envelope_post(body, strlen(body), &lim, check, &calls, &st, &e), 0);
    assert_int_equal(calls, 3); /* objects 0, 3 and 4 reached the caller's check */
    assert_int_equal(st.total, 7);
    assert_int_equal(st.n_successes, 1);
    assert_int_equal(st.n_failures, 5);
    assert_int_equal(st.n_pendings, 1);
    json_t *j = taxii_status_json(&st);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "pending");
    assert_string_equal(json_string_value(json_object_get(j, "request_timestamp")),
                        "2016-11-02T12:34:34.123Z");
    assert_int_equal(json_integer_value(json_object_get(j, "failure_count")), 5);
    json_t *s0 = json_array_get(json_object_get(j, "successes"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "version")),
                        "2018-02-27T13:57:10.515Z");
    json_t *f = json_object_get(j, "failures");
    const char *msg = json_string_value(json_object_get(json_array_get(f, 0), "message"));
    assert_non_null(strstr(msg, "type"));
    assert_non_null(strstr(msg, " / ")); /* English / Japanese */
    json_decref(j);
    taxii_status_release(&st);

    /* Limits and broken envelopes. */
    taxii_status_init(&st, "x", 0);
    lim.max_objects = 6;
    assert_int_equal(taxii_envelope_post(body, strlen(body), &lim, NULL, NULL, &st, &e),
                     TAXII_POST_TOO_LARGE);
    lim.max_bytes = 100;
    assert_int_equal(taxii_envelope_post(body, strlen(body), &lim, NULL, NULL, &st, &e),
                     TAXII_POST_TOO_LARGE);
    lim.max_bytes = 1 << 20;
    assert_int_equal(taxii_envelope_post("{\"objects\":{}}", 14, &lim, NULL, NULL, &st, &e),
                     TAXII_POST_INVALID);
    assert_true(has_error(&e, "/objects", "bad_envelope"));
    assert_int_equal(taxii_envelope_post("[1]", 3, &lim, NULL, NULL, &st, &e), TAXII_POST_INVALID);
    assert_int_equal(taxii_envelope_post("{}", 2, &lim, NULL, NULL, &st, &e), TAXII_POST_OK);
    j = taxii_status_json(&st);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "complete");
    assert_int_equal(json_integer_value(json_object_get(j, "total_count")), 0);
    json_decref(j);
    taxii_status_release(&st);
    verr_list_release(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_spec_examples),
        cmocka_unit_test(test_query_errors_gathered),
        cmocka_unit_test(test_mark_versions_and_match),
        cmocka_unit_test(test_paginator_randomised),
        cmocka_unit_test(test_paginator_stable_while_appending),
        cmocka_unit_test(test_paginator_cost),
        cmocka_unit_test(test_cursor_refused_elsewhere),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_resources),
        cmocka_unit_test(test_envelope_write),
        cmocka_unit_test(test_error_resource),
        cmocka_unit_test(test_envelope_post),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
