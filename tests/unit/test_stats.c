/*
 * test_stats.c — statistics for authorities (src/sharing/stats.h): the query's parameters, months
 * in Japan Standard Time at their boundaries, which rows count, cells against a brute-force count,
 * k-anonymity counted in organisations, and complementary suppression against an attacker that
 * subtracts (a checker written independently of the algorithm: it knows only the published table).
 */
#include "unit.h"
#include "sharing/stats.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* 2026-01-01T00:00:00+09:00 = 2025-12-31T15:00:00Z */
#define JAN_2026_JST 1767193200000LL

static void test_month_jst(void **state)
{
    UNUSED(state);
    char s[16];
    int32_t jan = 2026 * 12 + 0;
    assert_int_equal(stats_month_jst(JAN_2026_JST), jan);
    assert_int_equal(stats_month_jst(JAN_2026_JST - 1), jan - 1); /* 23:59:59.999 JST, 31 Dec */
    assert_true(stats_month_start_ms(jan) == JAN_2026_JST);
    stats_month_format(stats_month_jst(JAN_2026_JST - 1), s, sizeof(s));
    assert_string_equal(s, "2025-12");
    /* 2024-02-29T15:00Z is 1 March in Tokyo; 14:59:59.999Z still 29 February */
    int64_t mar2024 = stats_month_start_ms(2024 * 12 + 2);
    assert_int_equal(stats_month_jst(mar2024), 2024 * 12 + 2);
    assert_int_equal(stats_month_jst(mar2024 - 1), 2024 * 12 + 1);
    stats_month_format(stats_month_jst(mar2024 - 1), s, sizeof(s));
    assert_string_equal(s, "2024-02");
    /* every month start from 1970 to 2100 is the first instant of its month */
    for (int32_t m = 1970 * 12; m < 2100 * 12; m++) {
        assert_int_equal(stats_month_jst(stats_month_start_ms(m)), m);
        assert_int_equal(stats_month_jst(stats_month_start_ms(m) - 1), m - 1);
    }
    assert_int_equal(stats_month_parse("2026-03"), 2026 * 12 + 2);
    assert_int_equal(stats_month_parse("2026-13"), -1);
    assert_int_equal(stats_month_parse("2026-3"), -1);
    assert_int_equal(stats_month_parse("202a-03"), -1);
    assert_int_equal(stats_month_parse("1899-12"), -1);
    assert_int_equal(stats_month_parse(NULL), -1);
}

static void test_query_parse(void **state)
{
    UNUSED(state);
    struct stats_query q;
    struct verr_list e;
    verr_list_init(&e, 20);
    assert_int_equal(stats_query_parse(&q, STATS_INCIDENTS, "sector,month", "2026-01", "2026-12",
                                       NULL, "7", "csv", &e),
                     0);
    assert_int_equal(q.nby, 2);
    assert_int_equal(q.by[0], STATS_SECTOR);
    assert_int_equal(q.by[1], STATS_MONTH);
    assert_int_equal(q.from_month, 2026 * 12);
    assert_int_equal(q.to_month, 2026 * 12 + 11);
    assert_int_equal(q.scope, STATS_SCOPE_INBOX);
    assert_int_equal(q.k, 7);
    assert_true(q.csv);
    /* defaults */
    assert_int_equal(
        stats_query_parse(&q, STATS_INCIDENTS, NULL, NULL, NULL, "platform", NULL, NULL, &e), 0);
    assert_int_equal(q.nby, 1);
    assert_int_equal(q.by[0], STATS_MONTH);
    assert_int_equal(q.from_month, -1);
    assert_int_equal(q.scope, STATS_SCOPE_PLATFORM);
    assert_false(q.csv);
    assert_int_equal(e.n, 0);
    /* every problem at once, each naming its parameter */
    assert_int_equal(
        stats_query_parse(&q, STATS_INCIDENTS, "recipient", "2026-1", NULL, "all", "0", "xml", &e),
        -1);
    assert_int_equal(e.n, 5);
    assert_string_equal(e.v[0].pointer, "?by");
    assert_string_equal(e.v[1].pointer, "?from");
    assert_string_equal(e.v[2].pointer, "?scope");
    assert_string_equal(e.v[3].pointer, "?k");
    assert_string_equal(e.v[4].pointer, "?format");
    assert_string_equal(e.v[0].code, "bad_query");
    verr_list_release(&e);
    static const char *const bad_by[] = {
        "",       "month,", "sector,sector", "category,sector,prefecture,size_band,month",
        "Sector", "regime"};
    for (size_t i = 0; i < ARRAY_SIZE(bad_by); i++) {
        verr_list_init(&e, 20);
        assert_int_equal(
            stats_query_parse(&q, STATS_INCIDENTS, bad_by[i], NULL, NULL, NULL, NULL, NULL, &e),
            -1);
        verr_list_release(&e);
    }
    verr_list_init(&e, 20);
    assert_int_equal(stats_query_parse(&q, STATS_OBLIGATIONS, "recipient,regime,month,sector",
                                       "2026-05", "2026-04", NULL, NULL, NULL, &e),
                     -1);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.v[0].pointer, "?to");
    verr_list_release(&e);
}

static struct stats_row row(const char *org, int64_t at, const char *cats, const char *sector)
{
    struct stats_row r = {.incident_id = "i",
                          .org_id = org,
                          .created_at = at,
                          .categories = cats,
                          .sector = sector,
                          .prefecture = "JP-13",
                          .size_band = "small",
                          .consent = 1,
                          .recipient_id = "npa",
                          .regime = "jp",
                          .mandatory = true};
    return r;
}

static void test_row_counts(void **state)
{
    UNUSED(state);
    struct stats_query q = {.kind = STATS_INCIDENTS,
                            .scope = STATS_SCOPE_INBOX,
                            .from_month = 2026 * 12,
                            .to_month = 2026 * 12 + 11};
    struct stats_row r = row("a", JAN_2026_JST, ",ransomware,", "finance");
    assert_true(stats_row_counts(&q, &r));
    r.created_at = JAN_2026_JST - 1; /* still 2025 in Tokyo */
    assert_false(stats_row_counts(&q, &r));
    r = row("a", JAN_2026_JST, ",ransomware,", "finance");
    r.drill = true;
    assert_false(stats_row_counts(&q, &r));
    r.drill = false, r.withdrawn = true;
    assert_false(stats_row_counts(&q, &r));
    r.withdrawn = false, r.consent = -1;
    assert_true(stats_row_counts(&q, &r)); /* the authority's own inbox needs no consent */
    q.scope = STATS_SCOPE_PLATFORM;
    assert_false(stats_row_counts(&q, &r)); /* absent is not consent */
    r.consent = 0;
    assert_false(stats_row_counts(&q, &r));
    r.consent = 1;
    assert_true(stats_row_counts(&q, &r));
    q.kind = STATS_OBLIGATIONS;
    assert_true(stats_row_counts(&q, &r));
    r.mandatory = false;
    assert_false(stats_row_counts(&q, &r));
    r.mandatory = true, r.ob_withdrawn = true;
    assert_false(stats_row_counts(&q, &r));
}

static void test_outcomes(void **state)
{
    UNUSED(state);
    struct stats_row r = row("a", 0, "", "");
    r.due_set = true, r.due_ms = 1000;
    assert_int_equal(stats_outcome_of(&r, 999), STATS_OPEN);
    assert_int_equal(stats_outcome_of(&r, 1001), STATS_MISSED);
    r.met = true, r.met_at = 1000;
    assert_int_equal(stats_outcome_of(&r, 5000),
                     STATS_MET_ON_TIME); /* at the deadline is on time */
    r.met_at = 1001;
    assert_int_equal(stats_outcome_of(&r, 5000), STATS_MET_LATE);
    r.due_set = false;
    assert_int_equal(stats_outcome_of(&r, 5000), STATS_MET_ON_TIME);
    r.met = false;
    assert_int_equal(stats_outcome_of(&r, 5000), STATS_OPEN);
}

/* ---- cells against brute force ---- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static const char *const orgs[] = {"o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9",
                                   "oa", "ob", "oc", "od", "oe", "of", "og", "oh", "oi", "oj"};
static const char *const sectors[] = {"finance", "health", "energy", "none", ""};
static const char *const prefs[] = {"JP-01", "JP-13", "JP-27", "JP-47"};
static const char *const catsets[] = {",ransomware,",    ",ddos,",      ",ransomware,data_leak,",
                                      ",phishing,ddos,", ",data_leak,", ",ransomware,ransomware,"};
static const char *const recips[] = {"npa", "ppc", "fsa"};

#define NROWS 400
static struct stats_row rows[NROWS];

static void make_rows(uint64_t seed, size_t norgs)
{
    rng_state = seed;
    for (size_t i = 0; i < NROWS; i++) {
        /* orgs fixed to sector and prefecture, as in life */
        size_t o = rnd((uint32_t)norgs);
        rows[i] = row(orgs[o], JAN_2026_JST + (int64_t)rnd(200) * 86400000LL - 3 * 3600000LL,
                      catsets[rnd(ARRAY_SIZE(catsets))], sectors[o % ARRAY_SIZE(sectors)]);
        rows[i].prefecture = prefs[(o / 2) % ARRAY_SIZE(prefs)];
        rows[i].size_band = o % 3 ? "small" : "large";
        rows[i].recipient_id = recips[rnd(ARRAY_SIZE(recips))];
        rows[i].due_set = rnd(4) != 0;
        rows[i].due_ms = 1000;
        rows[i].met = rnd(3) != 0;
        rows[i].met_at = 500 + rnd(1000);
    }
}

/* The label a row has at dimension d (month formatted, "" → unknown); category is separate. */
static void label_of(const struct stats_row *r, enum stats_dim d, char *out, size_t n)
{
    const char *v = "";
    if (d == STATS_MONTH) {
        stats_month_format(stats_month_jst(r->created_at), out, n);
        return;
    }
    v = d == STATS_SECTOR       ? r->sector
        : d == STATS_PREFECTURE ? r->prefecture
        : d == STATS_SIZE_BAND  ? r->size_band
        : d == STATS_RECIPIENT  ? r->recipient_id
                                : r->regime;
    snprintf(out, n, "%s", *v ? v : STATS_UNKNOWN_LABEL);
}

static bool has_category(const char *cats, const char *c)
{
    char needle[64];
    snprintf(needle, sizeof(needle), ",%s,", c);
    return strstr(cats, needle) != NULL;
}

static bool row_in_cell(const struct stats_table *t, const struct stats_row *r,
                        const struct stats_cell *c)
{
    const struct stats_query *q = stats_table_query(t);
    for (size_t j = 0; j < q->nby; j++) {
        const char *want = stats_table_label(t, c, j);
        char have[64];
        if (stats_cell_is_total(c, j))
            continue;
        if (q->by[j] == STATS_CATEGORY) {
            if (!has_category(r->categories, want))
                return false;
            continue;
        }
        label_of(r, q->by[j], have, sizeof(have));
        if (strcmp(have, want))
            return false;
    }
    return true;
}

static void check_brute(const struct stats_query *q, int64_t now)
{
    struct stats_table *t = stats_table_new(q);
    int64_t total = 0;
    for (size_t i = 0; i < NROWS; i++)
        assert_int_equal(stats_table_add(t, &rows[i], now), 0);
    stats_table_finish(t, 1);
    for (size_t ci = 0; ci < stats_table_ncells(t); ci++) {
        const struct stats_cell *c = stats_table_cell(t, ci);
        int64_t n = 0, out[STATS_OUTCOME__COUNT] = {0};
        bool seen[ARRAY_SIZE(orgs)] = {0};
        int64_t norgs = 0;
        for (size_t i = 0; i < NROWS; i++) {
            if (!row_in_cell(t, &rows[i], c))
                continue;
            n++;
            out[stats_outcome_of(&rows[i], now)]++;
            size_t o = (size_t)(rows[i].org_id[1] <= '9' ? rows[i].org_id[1] - '0'
                                                         : rows[i].org_id[1] - 'a' + 10);
            norgs += !seen[o];
            seen[o] = true;
        }
        assert_true(n > 0); /* no empty cell is listed */
        assert_int_equal(c->count, n);
        assert_int_equal(c->orgs, norgs);
        assert_false(c->suppressed); /* k = 1 */
        if (q->kind == STATS_OBLIGATIONS)
            for (int o = 0; o < STATS_OUTCOME__COUNT; o++)
                assert_int_equal(c->outcome[o], out[o]);
        bool all_total = true;
        for (size_t j = 0; j < q->nby; j++)
            all_total &= stats_cell_is_total(c, j);
        if (all_total)
            total = c->count;
    }
    assert_int_equal(total, NROWS); /* the grand total counts each incident once */
    stats_table_free(t);
}

static void test_cells_brute_force(void **state)
{
    UNUSED(state);
    static const enum stats_dim combos[][STATS_BY_MAX] = {
        {STATS_SECTOR},
        {STATS_CATEGORY},
        {STATS_SECTOR, STATS_MONTH},
        {STATS_CATEGORY, STATS_SECTOR, STATS_PREFECTURE},
        {STATS_MONTH, STATS_CATEGORY, STATS_SIZE_BAND, STATS_PREFECTURE},
        {STATS_RECIPIENT, STATS_MONTH},
    };
    static const size_t ns[] = {1, 1, 2, 3, 4, 2};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        make_rows(seed * 7919, ARRAY_SIZE(orgs));
        for (size_t c = 0; c < ARRAY_SIZE(combos); c++) {
            struct stats_query q = {.kind = combos[c][0] == STATS_RECIPIENT ? STATS_OBLIGATIONS
                                                                            : STATS_INCIDENTS,
                                    .nby = ns[c],
                                    .from_month = -1,
                                    .to_month = -1};
            memcpy(q.by, combos[c], sizeof(q.by));
            check_brute(&q, 1200);
        }
    }
}

/* ---- k-anonymity in organisations ---- */

static void test_k_counts_organisations(void **state)
{
    UNUSED(state);
    struct stats_query q = {
        .kind = STATS_INCIDENTS, .nby = 1, .by = {STATS_SECTOR}, .from_month = -1, .to_month = -1};
    struct stats_table *t = stats_table_new(&q);
    /* one hospital files ten incidents; five banks one each */
    for (int i = 0; i < 10; i++) {
        struct stats_row r = row("hospital", JAN_2026_JST, ",ransomware,", "health");
        assert_int_equal(stats_table_add(t, &r, 0), 0);
    }
    for (int i = 0; i < 5; i++) {
        struct stats_row r = row(orgs[i], JAN_2026_JST, ",ransomware,", "finance");
        assert_int_equal(stats_table_add(t, &r, 0), 0);
    }
    stats_table_finish(t, 5);
    assert_int_equal(stats_table_ncells(t), 3);
    const struct stats_cell *fin = stats_table_cell(t, 0), *health = stats_table_cell(t, 1),
                            *all = stats_table_cell(t, 2);
    assert_string_equal(stats_table_label(t, fin, 0), "finance");
    assert_string_equal(stats_table_label(t, health, 0), "health");
    assert_string_equal(stats_table_label(t, all, 0), STATS_TOTAL_LABEL);
    assert_int_equal(health->count, 10);
    assert_int_equal(health->orgs, 1);
    assert_true(health->primary); /* ten incidents, but one organisation */
    assert_int_equal(fin->count, 5);
    assert_false(fin->primary); /* five organisations */
    assert_int_equal(all->orgs, 6);
    /* the total would give the hospital's ten away (15 - 5): finance goes too */
    assert_true(fin->suppressed);
    assert_false(all->suppressed);
    stats_table_free(t);
}

/* ---- complementary suppression: an attacker that subtracts ---- */

/* Whether cells a and b agree on every position but j, where a is the total and b is not. */
static bool child_of(const struct stats_table *t, const struct stats_cell *a,
                     const struct stats_cell *b, size_t j)
{
    size_t nby = stats_table_query(t)->nby;
    if (!stats_cell_is_total(a, j) || stats_cell_is_total(b, j))
        return false;
    for (size_t x = 0; x < nby; x++)
        if (x != j && strcmp(stats_table_label(t, a, x), stats_table_label(t, b, x)))
            return false;
    return true;
}

/* The attacker: knows the published cells, and that each total is the sum of its cells along
 * any one dimension (true for every dimension but category, where it is taken to be true
 * anyway). Solves every such equation with one unknown member, again and again. Returns how
 * many primary (fewer than k organisations) cells it recovered. */
static size_t attack(const struct stats_table *t)
{
    size_t n = stats_table_ncells(t), nby = stats_table_query(t)->nby, got = 0;
    bool *known = calloc(n, sizeof(*known)), changed = true;
    for (size_t i = 0; i < n; i++)
        known[i] = !stats_table_cell(t, i)->suppressed;
    while (changed) {
        changed = false;
        for (size_t p = 0; p < n; p++) {
            for (size_t j = 0; j < nby; j++) {
                size_t unknown = !known[p], last = p, members = 0;
                for (size_t c = 0; c < n; c++) {
                    if (!child_of(t, stats_table_cell(t, p), stats_table_cell(t, c), j))
                        continue;
                    members++;
                    if (!known[c])
                        unknown++, last = c;
                }
                if (members && unknown == 1) {
                    known[last] = true;
                    changed = true;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        got += known[i] && stats_table_cell(t, i)->primary;
    free(known);
    return got;
}

static struct stats_table *table_of(const struct stats_query *q, size_t nrows)
{
    struct stats_table *t = stats_table_new(q);
    for (size_t i = 0; i < nrows; i++)
        assert_int_equal(stats_table_add(t, &rows[i], 1200), 0);
    return t;
}

static void test_complementary_defeats_subtraction(void **state)
{
    UNUSED(state);
    static const enum stats_dim combos[][STATS_BY_MAX] = {
        {STATS_SECTOR},
        {STATS_SECTOR, STATS_MONTH},
        {STATS_PREFECTURE, STATS_SIZE_BAND},
        {STATS_CATEGORY, STATS_SECTOR},
        {STATS_SECTOR, STATS_PREFECTURE, STATS_MONTH},
    };
    static const size_t ns[] = {1, 2, 2, 2, 3};
    size_t primaries = 0, recovered_without = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        make_rows(seed * 104729, 6 + seed % 14);
        for (size_t c = 0; c < ARRAY_SIZE(combos); c++) {
            struct stats_query q = {
                .kind = STATS_INCIDENTS, .nby = ns[c], .from_month = -1, .to_month = -1};
            memcpy(q.by, combos[c], sizeof(q.by));
            int k = 2 + (int)(seed % 4);
            size_t nrows = 20 + (size_t)rnd(NROWS - 20);
            /* primary only: the attacker must succeed somewhere, or it proves nothing */
            struct stats_table *t = table_of(&q, nrows);
            stats_table_finish(t, 1);
            stats_suppress_primary(t, k);
            recovered_without += attack(t);
            stats_table_free(t);
            /* with complementary suppression: never */
            t = table_of(&q, nrows);
            stats_table_finish(t, k);
            for (size_t i = 0; i < stats_table_ncells(t); i++) {
                const struct stats_cell *cell = stats_table_cell(t, i);
                assert_int_equal(cell->primary, cell->orgs < k);
                assert_true(!cell->primary || cell->suppressed);
                primaries += cell->primary;
            }
            assert_int_equal(attack(t), 0);
            stats_table_free(t);
        }
    }
    assert_true(primaries > 50);
    assert_true(recovered_without > 10);
}

/* The worked example of docs/sharing.md §7: one cell alone under its total on one side. */
static void test_complementary_single_cell_line(void **state)
{
    UNUSED(state);
    struct stats_query q = {.kind = STATS_INCIDENTS,
                            .nby = 2,
                            .by = {STATS_SECTOR, STATS_MONTH},
                            .from_month = -1,
                            .to_month = -1};
    struct stats_table *t = stats_table_new(&q);
    int64_t feb = stats_month_start_ms(2026 * 12 + 1);
    for (int i = 0; i < 6; i++) { /* finance, January: six banks */
        struct stats_row r = row(orgs[i], JAN_2026_JST, ",ddos,", "finance");
        assert_int_equal(stats_table_add(t, &r, 0), 0);
    }
    for (int i = 0; i < 2; i++) { /* finance, February: two banks */
        struct stats_row r = row(orgs[i], feb, ",ddos,", "finance");
        assert_int_equal(stats_table_add(t, &r, 0), 0);
    }
    for (int i = 6; i < 12; i++) { /* health, February: six hospitals */
        struct stats_row r = row(orgs[i], feb, ",ddos,", "health");
        assert_int_equal(stats_table_add(t, &r, 0), 0);
    }
    stats_table_finish(t, 3);
    assert_int_equal(attack(t), 0);
    /* as docs/sharing.md §7 tells it: all but the grand total */
    assert_int_equal(stats_table_ncells(t), 8);
    for (size_t i = 0; i < 7; i++)
        assert_true(stats_table_cell(t, i)->suppressed);
    assert_false(stats_table_cell(t, 7)->suppressed);
    assert_int_equal(stats_table_cell(t, 7)->count, 14);
    stats_table_free(t);
}

static void test_category_total_counts_once(void **state)
{
    UNUSED(state);
    struct stats_query q = {.kind = STATS_INCIDENTS,
                            .nby = 1,
                            .by = {STATS_CATEGORY},
                            .from_month = -1,
                            .to_month = -1};
    struct stats_table *t = stats_table_new(&q);
    struct stats_row r = row("a", JAN_2026_JST, ",ransomware,data_leak,ransomware,", "x");
    assert_int_equal(stats_table_add(t, &r, 0), 0);
    r.categories = "";
    assert_int_equal(stats_table_add(t, &r, 0), 0);
    stats_table_finish(t, 1);
    assert_int_equal(stats_table_ncells(t), 4); /* data_leak, ransomware, unknown, total */
    assert_string_equal(stats_table_label(t, stats_table_cell(t, 0), 0), STATS_UNKNOWN_LABEL);
    assert_string_equal(stats_table_label(t, stats_table_cell(t, 1), 0), "data_leak");
    assert_int_equal(stats_table_cell(t, 2)->count, 1); /* ransomware listed twice: once */
    assert_int_equal(stats_table_cell(t, 3)->count, 2);
    stats_table_free(t);
}

/* The sparse case: nothing counts (an authority bound to no recipient, a range with no
 * report): no cell, and both encodings still well formed. */
static void test_empty_table(void **state)
{
    UNUSED(state);
    struct stats_query q = {.kind = STATS_OBLIGATIONS,
                            .nby = 2,
                            .by = {STATS_RECIPIENT, STATS_CATEGORY},
                            .from_month = -1,
                            .to_month = -1};
    struct stats_table *t = stats_table_new(&q);
    struct buf b;
    stats_table_finish(t, 5);
    assert_int_equal(stats_table_ncells(t), 0);
    json_t *j = stats_table_json(t);
    assert_int_equal(json_array_size(json_object_get(j, "cells")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "k")), 5);
    assert_true(json_is_null(json_object_get(j, "from")));
    json_decref(j);
    buf_init(&b, BUF_UNLIMITED);
    stats_table_csv(t, &b);
    assert_string_equal(buf_cstr(&b), "\xEF\xBB\xBF"
                                      "recipient,category,obligations,met_on_time,met_late,missed,"
                                      "open,suppressed\r\n");
    buf_release(&b);
    stats_table_free(t);
}

/* CSV quoting and the guard against formulas (a value a spreadsheet would run). */
static void test_csv_fields(void **state)
{
    UNUSED(state);
    struct stats_query q = {
        .kind = STATS_INCIDENTS, .nby = 1, .by = {STATS_SECTOR}, .from_month = -1, .to_month = -1};
    struct stats_table *t = stats_table_new(&q);
    struct buf b;
    struct stats_row r = row("a", JAN_2026_JST, ",x,", "=HYPERLINK(\"http://x\",\"a,b\")");
    assert_int_equal(stats_table_add(t, &r, 0), 0);
    stats_table_finish(t, 1);
    buf_init(&b, BUF_UNLIMITED);
    stats_table_csv(t, &b);
    assert_non_null(
        strstr(buf_cstr(&b), "\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",1,false\r\n"));
    assert_non_null(strstr(buf_cstr(&b), "\r\n_T,1,false\r\n"));
    buf_release(&b);
    stats_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_jst),
        cmocka_unit_test(test_query_parse),
        cmocka_unit_test(test_row_counts),
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test(test_cells_brute_force),
        cmocka_unit_test(test_k_counts_organisations),
        cmocka_unit_test(test_complementary_defeats_subtraction),
        cmocka_unit_test(test_complementary_single_cell_line),
        cmocka_unit_test(test_category_total_counts_once),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_csv_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
