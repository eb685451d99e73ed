/*
 * stats_out.c — a finished statistics table as JSON and as CSV (stats.h: stats_table_json,
 * stats_table_csv). Suppressed cells are written with no figure (null, an empty CSV field) and
 * suppressed true, never with a value a reader could take for a count.
 */
#include "stats.h"

#include <jansson.h>

static const char *measure_name(enum stats_kind kind)
{
    return kind == STATS_OBLIGATIONS ? "obligations" : "incidents";
}

static json_t *figure(const struct stats_cell *c, int64_t v)
{
    return c->suppressed ? json_null() : json_integer(v);
}

static json_t *cell_json(const struct stats_table *t, const struct stats_cell *c)
{
    const struct stats_query *q = stats_table_query(t);
    json_t *o = json_object();
    for (size_t j = 0; j < q->nby; j++)
        json_object_set_new(o, stats_dim_name(q->by[j]), json_string(stats_table_label(t, c, j)));
    json_object_set_new(o, measure_name(q->kind), figure(c, c->count));
    if (q->kind == STATS_OBLIGATIONS)
        for (int m = 0; m < STATS_OUTCOME__COUNT; m++)
            json_object_set_new(o, stats_outcome_name((enum stats_outcome)m),
                                figure(c, c->outcome[m]));
    json_object_set_new(o, "suppressed", json_boolean(c->suppressed));
    return o;
}

static json_t *month_json(int32_t m)
{
    char s[16];
    if (m < 0)
        return json_null();
    stats_month_format(m, s, sizeof(s));
    return json_string(s);
}

json_t *stats_table_json(const struct stats_table *t)
{
    int k = stats_table_k(t);
    const struct stats_query *q = stats_table_query(t);
    json_t *by = json_array(), *cells = json_array();
    for (size_t j = 0; j < q->nby; j++)
        json_array_append_new(by, json_string(stats_dim_name(q->by[j])));
    for (size_t i = 0; i < stats_table_ncells(t); i++)
        json_array_append_new(cells, cell_json(t, stats_table_cell(t, i)));
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:s, s:s, s:o}", "kind", measure_name(q->kind),
                     "scope", q->scope == STATS_SCOPE_PLATFORM ? "platform" : "inbox", "by", by,
                     "from", month_json(q->from_month), "to", month_json(q->to_month), "k", k,
                     "time_zone", "Asia/Tokyo", "total", STATS_TOTAL_LABEL, "cells", cells);
}

/* One CSV field (RFC 4180 §2): quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first: OWASP's CSV injection) gets a
 * leading apostrophe, which spreadsheets show as text. */
static void csv_text(struct buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (*s && strchr("=+-@\t\r", *s))
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    if (quote)
        buf_putc(b, '"');
}

static void csv_figure(struct buf *b, const struct stats_cell *c, int64_t v)
{
    buf_putc(b, ',');
    if (!c->suppressed)
        buf_appendf(b, "%lld", (long long)v);
}

static void csv_header(struct buf *b, const struct stats_query *q)
{
    for (size_t j = 0; j < q->nby; j++) {
        buf_puts(b, stats_dim_name(q->by[j]));
        buf_putc(b, ',');
    }
    buf_puts(b, measure_name(q->kind));
    if (q->kind == STATS_OBLIGATIONS)
        for (int m = 0; m < STATS_OUTCOME__COUNT; m++)
            buf_appendf(b, ",%s", stats_outcome_name((enum stats_outcome)m));
    buf_puts(b, ",suppressed\r\n");
}

void stats_table_csv(const struct stats_table *t, struct buf *b)
{
    const struct stats_query *q = stats_table_query(t);
    buf_puts(b, "\xEF\xBB\xBF");
    csv_header(b, q);
    for (size_t i = 0; i < stats_table_ncells(t); i++) {
        const struct stats_cell *c = stats_table_cell(t, i);
        for (size_t j = 0; j < q->nby; j++) {
            if (j)
                buf_putc(b, ',');
            csv_text(b, stats_table_label(t, c, j));
        }
        csv_figure(b, c, c->count);
        if (q->kind == STATS_OBLIGATIONS)
            for (int m = 0; m < STATS_OUTCOME__COUNT; m++)
                csv_figure(b, c, c->outcome[m]);
        buf_puts(b, c->suppressed ? ",true\r\n" : ",false\r\n");
    }
}
