/* stats.c — statistics for authorities: the query, JST months, which rows count (stats.h). The
 * table itself (aggregation and suppression) is stats_table.c. */
#include "stats.h"
#include "../core/rtime.h"

static const char *const dim_names[STATS_DIM__COUNT] = {
    [STATS_CATEGORY] = "category",   [STATS_SECTOR] = "sector", [STATS_PREFECTURE] = "prefecture",
    [STATS_SIZE_BAND] = "size_band", [STATS_MONTH] = "month",   [STATS_RECIPIENT] = "recipient",
    [STATS_REGIME] = "regime",
};

static const char *const outcome_names[STATS_OUTCOME__COUNT] = {
    [STATS_MET_ON_TIME] = "met_on_time",
    [STATS_MET_LATE] = "met_late",
    [STATS_MISSED] = "missed",
    [STATS_OPEN] = "open",
};

const char *stats_dim_name(enum stats_dim d)
{
    return (unsigned)d < STATS_DIM__COUNT ? dim_names[d] : "";
}

int stats_dim_parse(const char *s, size_t n)
{
    for (int i = 0; i < STATS_DIM__COUNT; i++)
        if (strlen(dim_names[i]) == n && !memcmp(dim_names[i], s, n))
            return i;
    return -1;
}

const char *stats_outcome_name(enum stats_outcome o)
{
    return (unsigned)o < STATS_OUTCOME__COUNT ? outcome_names[o] : "";
}

/* ---- months in JST ---- */

#define JST_OFFSET_MS (9 * 3600 * 1000LL)
#define DAY_MS 86400000LL

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t stats_month_jst(int64_t ms)
{
    int64_t y;
    unsigned m, d;
    rtime_civil_from_days(floor_div(ms + JST_OFFSET_MS, DAY_MS), &y, &m, &d);
    if (y < 0)
        return 0;
    return y > 99999 ? 99999 * 12 : (int32_t)(y * 12 + (int)m - 1);
}

int64_t stats_month_start_ms(int32_t mo)
{
    return rtime_days_from_civil(mo / 12, (unsigned)(mo % 12 + 1), 1) * DAY_MS - JST_OFFSET_MS;
}

void stats_month_format(int32_t mo, char *out, size_t size)
{
    snprintf(out, size, "%04d-%02d", (int)(mo / 12), (int)(mo % 12 + 1));
}

int32_t stats_month_parse(const char *s)
{
    int y = 0, m = 0;
    if (!s || strlen(s) != 7 || s[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++) {
        if (i == 4)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (i < 4)
            y = y * 10 + (s[i] - '0');
        else
            m = m * 10 + (s[i] - '0');
    }
    if (y < 1900 || m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
}

/* ---- the query ---- */

static void bad(struct verr_list *errs, const char *name, const char *en, const char *ja)
{
    char ptr[32], e[300], j[300];
    snprintf(ptr, sizeof(ptr), "?%s", name);
    snprintf(e, sizeof(e), "query parameter %s: %s", name, en);
    snprintf(j, sizeof(j), "クエリパラメータ %s: %s", name, ja);
    verr_add(errs, ptr, "bad_query", e, j);
}

static bool dim_allowed(enum stats_kind kind, int d)
{
    return d >= 0 && (kind == STATS_OBLIGATIONS || (d != STATS_RECIPIENT && d != STATS_REGIME));
}

/* by: a comma-separated list of dimensions, each once, at most STATS_BY_MAX. */
static void parse_by(struct stats_query *q, const char *by, struct verr_list *errs)
{
    const char *p = by;
    bool ok = true;
    q->nby = 0;
    while (ok) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int d = stats_dim_parse(p, n);
        bool dup = false;
        for (size_t i = 0; i < q->nby; i++)
            dup |= (int)q->by[i] == d;
        if (!dim_allowed(q->kind, d) || dup || q->nby == STATS_BY_MAX) {
            ok = false;
            break;
        }
        q->by[q->nby++] = (enum stats_dim)d;
        if (!e)
            break;
        p = e + 1;
    }
    if (ok)
        return;
    if (q->kind == STATS_OBLIGATIONS)
        bad(errs, "by",
            "must list 1 to 4 different dimensions of category, sector, prefecture, size_band, "
            "month, recipient, regime, separated by commas",
            "category, sector, prefecture, size_band, month, recipient, regime から異なるものを "
            "1〜4 個、カンマ区切りで指定してください");
    else
        bad(errs, "by",
            "must list 1 to 4 different dimensions of category, sector, prefecture, size_band, "
            "month, separated by commas",
            "category, sector, prefecture, size_band, month から異なるものを 1〜4 個、"
            "カンマ区切りで指定してください");
}

static void parse_month(const char *name, const char *s, int32_t *out, struct verr_list *errs)
{
    *out = -1;
    if (!s)
        return;
    if ((*out = stats_month_parse(s)) < 0)
        bad(errs, name, "must be a month YYYY-MM (1900-01 to 9999-12)",
            "YYYY-MM 形式の年月（1900-01〜9999-12）で指定してください");
}

static void parse_k(struct stats_query *q, const char *k, struct verr_list *errs)
{
    int64_t v;
    q->k = 0;
    if (!k)
        return;
    if (parse_int64(k, 1, 1000, &v))
        bad(errs, "k", "must be an integer from 1 to 1000", "1〜1000 の整数で指定してください");
    else
        q->k = (int)v;
}

int stats_query_parse(struct stats_query *q, enum stats_kind kind, const char *by, const char *from,
                      const char *to, const char *scope, const char *k, const char *format,
                      struct verr_list *errs)
{
    size_t before = errs->n + errs->dropped;
    memset(q, 0, sizeof(*q));
    q->kind = kind;
    parse_by(q, by ? by : "month", errs);
    parse_month("from", from, &q->from_month, errs);
    parse_month("to", to, &q->to_month, errs);
    if (q->from_month >= 0 && q->to_month >= 0 && q->from_month > q->to_month)
        bad(errs, "to", "must not be before from", "from より前にはできません");
    if (!scope || !strcmp(scope, "inbox"))
        q->scope = STATS_SCOPE_INBOX;
    else if (!strcmp(scope, "platform"))
        q->scope = STATS_SCOPE_PLATFORM;
    else
        bad(errs, "scope", "must be inbox or platform", "inbox か platform を指定してください");
    parse_k(q, k, errs);
    if (format && strcmp(format, "json") && strcmp(format, "csv"))
        bad(errs, "format", "must be json or csv", "json か csv を指定してください");
    q->csv = format && !strcmp(format, "csv");
    return errs->n + errs->dropped > before ? -1 : 0;
}

/* ---- which rows count ---- */

bool stats_row_counts(const struct stats_query *q, const struct stats_row *r)
{
    int32_t m = stats_month_jst(r->created_at);
    if (r->drill || r->withdrawn)
        return false;
    if ((q->from_month >= 0 && m < q->from_month) || (q->to_month >= 0 && m > q->to_month))
        return false;
    if (q->scope == STATS_SCOPE_PLATFORM && r->consent != 1)
        return false;
    if (q->kind == STATS_OBLIGATIONS && (!r->mandatory || r->ob_withdrawn))
        return false;
    return true;
}

enum stats_outcome stats_outcome_of(const struct stats_row *r, int64_t now)
{
    if (r->met)
        return r->due_set && r->met_at > r->due_ms ? STATS_MET_LATE : STATS_MET_ON_TIME;
    return r->due_set && r->due_ms < now ? STATS_MISSED : STATS_OPEN;
}
