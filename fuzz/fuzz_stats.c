/*
 * fuzz_stats.c — the statistics query (src/sharing/stats.h: stats_query_parse) from a query
 * string "by=…&from=…&to=…&scope=…&k=…&format=…" (the first byte chooses incidents or
 * obligations), then a small table built with what it accepted. Invariants: an accepted query
 * has 1–4 distinct dimensions allowed for its kind, months that format back to themselves, from
 * not after to; a refused one names a parameter in every problem; the table lists the grand
 * total, and every cell below k organisations is suppressed.
 */
#include "../src/sharing/stats.h"
#include "fuzz.h"

#define NPARAMS 6
static const char *const names[NPARAMS] = {"by", "from", "to", "scope", "k", "format"};

/* Splits s at '&' and '=' into the six parameters (the last of each name wins; unknown names
 * ignored). The values point into s, which is modified. */
static void split(char *s, const char *v[NPARAMS])
{
    for (char *p = s; p && *p;) {
        char *amp = strchr(p, '&'), *eq;
        if (amp)
            *amp = '\0';
        if ((eq = strchr(p, '=')) != NULL) {
            *eq = '\0';
            for (int i = 0; i < NPARAMS; i++)
                if (!strcmp(p, names[i]))
                    v[i] = eq + 1;
        }
        p = amp ? amp + 1 : NULL;
    }
}

static void check_query(const struct stats_query *q)
{
    char m[16];
    BUG_ON(q->nby < 1 || q->nby > STATS_BY_MAX);
    for (size_t i = 0; i < q->nby; i++) {
        BUG_ON(q->by[i] < 0 || q->by[i] >= STATS_DIM__COUNT);
        BUG_ON(q->kind == STATS_INCIDENTS &&
               (q->by[i] == STATS_RECIPIENT || q->by[i] == STATS_REGIME));
        for (size_t j = 0; j < i; j++)
            BUG_ON(q->by[i] == q->by[j]);
    }
    BUG_ON(q->from_month >= 0 && q->to_month >= 0 && q->from_month > q->to_month);
    BUG_ON(q->k < 0 || q->k > 1000);
    if (q->from_month >= 0) {
        stats_month_format(q->from_month, m, sizeof(m));
        BUG_ON(stats_month_parse(m) != q->from_month);
        BUG_ON(stats_month_jst(stats_month_start_ms(q->from_month)) != q->from_month);
    }
}

/* A few rows across two organisations, months and categories, through a table of q. */
static void check_table(const struct stats_query *q)
{
    static const char *const orgs[] = {"a", "b", "c"};
    struct stats_table *t = stats_table_new(q);
    bool total = false;
    for (int i = 0; i < 9; i++) {
        struct stats_row r = {.incident_id = "i", .org_id = orgs[i % 3],
                              .created_at = FUZZ_NOW_MS + (int64_t)i * 20 * 86400000LL,
                              .categories = i % 2 ? ",ddos,ransomware," : ",phishing,",
                              .sector = i % 4 ? "finance" : "", .prefecture = "JP-13",
                              .size_band = "small", .recipient_id = "npa", .regime = "jp",
                              .mandatory = true, .due_set = true, .due_ms = FUZZ_NOW_MS};
        BUG_ON(stats_table_add(t, &r, FUZZ_NOW_MS) != 0);
    }
    int k = q->k ? q->k : 2;
    stats_table_finish(t, k);
    for (size_t i = 0; i < stats_table_ncells(t); i++) {
        const struct stats_cell *c = stats_table_cell(t, i);
        bool all = true;
        for (size_t j = 0; j < q->nby; j++)
            all &= stats_cell_is_total(c, j);
        total |= all;
        BUG_ON(c->orgs < k && !c->suppressed);
        BUG_ON(c->count < c->orgs || c->orgs < 1);
    }
    BUG_ON(!total);
    stats_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v[NPARAMS] = {0};
    struct stats_query q;
    struct verr_list errs;
    if (size < 1 || size > 512)
        return 0;
    char *s = xstrndup((const char *)data + 1, size - 1);
    enum stats_kind kind = data[0] & 1 ? STATS_OBLIGATIONS : STATS_INCIDENTS;
    split(s, v);
    verr_list_init(&errs, 16);
    if (stats_query_parse(&q, kind, v[0], v[1], v[2], v[3], v[4], v[5], &errs) == 0) {
        BUG_ON(verr_any(&errs));
        check_query(&q);
        check_table(&q);
    } else {
        BUG_ON(!verr_any(&errs));
        for (size_t i = 0; i < errs.n; i++)
            BUG_ON(errs.v[i].pointer[0] != '?');
    }
    verr_list_release(&errs);
    free(s);
    return 0;
}
