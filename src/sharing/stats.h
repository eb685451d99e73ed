/*
 * stats.h — statistics for authorities (issue 13 item 7; docs/sharing.md §7): how many incidents
 * were reported, by category, sector, prefecture, size band and month, and how many reporting
 * obligations were met on time, by recipient and regime — the kind of table the National Police
 * Agency publishes each year (警察庁「令和X年におけるサイバー空間をめぐる脅威の情勢等について」:
 * ransomware reports by half-year, by sector, by organisation size under 中小企業基本法 第2条).
 *
 * What it is: pure aggregation and disclosure control. Rows come in (one per incident, or one per
 * obligation with its incident's attributes), a table of cells comes out: every combination of
 * the requested dimensions that occurs, and the totals over each dimension ("_T", SDMX's code for
 * a total), each cell published only when it rests on at least k distinct ORGANISATIONS
 * (k-anonymity counted in reporters, not incidents: one organisation filing ten incidents must
 * not make a cell of "ten" publishable, or the cell would describe that one organisation), and
 * complementary suppression so that no suppressed cell can be recovered by subtracting published
 * cells from a published total (stats_suppress_complementary says how, and what it does not do).
 * Which rows count (scope, consent, drills, withdrawals) is stats_row_counts, decided here once.
 * What it is not: a store reader or an encoder (app/app_stats.c reads, http/h_stats.c encodes).
 * Who may call it: anyone. No I/O and no clock: "now" is an argument. A table is not shared
 * between threads.
 */
#ifndef SHARING_STATS_H
#define SHARING_STATS_H

#include "../core/core.h"
#include "../core/verr.h"
#include "../core/buf.h"

#include <jansson.h>

/* The dimensions a table may be broken down by. recipient and regime exist only for
 * obligations. */
enum stats_dim {
    STATS_CATEGORY,   /* the incident's categories (report format: categories[]) */
    STATS_SECTOR,     /* the reporting organisation's critical-infrastructure sector */
    STATS_PREFECTURE, /* its prefecture, ISO 3166-2 ("JP-13") */
    STATS_SIZE_BAND,  /* its size band (micro, small, medium, large) */
    STATS_MONTH,      /* the month of the first report, in Japan Standard Time ("2026-03") */
    STATS_RECIPIENT,  /* obligations: the recipient owed the report */
    STATS_REGIME,     /* obligations: the legal regime (rules data) */
    STATS_DIM__COUNT
};

/* At most this many dimensions in one table: each row feeds 2^n cells (every combination of
 * value and total), so the cost and the number of cells grow fast; four already give
 * category x sector x prefecture x month. */
#define STATS_BY_MAX 4
/* Most facts one table takes (16 bytes each; an incident with n categories is n facts in a
 * table by category): a bound on one request's memory (160 MiB, twice that while growing), far
 * above any national count (the NPA's ransomware reports of a year are a few hundred). */
#define STATS_FACTS_MAX 10000000u
/* Most distinct values of one dimension (category values, months …). */
#define STATS_VALUES_MAX 65000u
/* The value shown for a total over a dimension (SDMX's code "_T") and for an attribute the
 * organisation left empty (no size band given). */
#define STATS_TOTAL_LABEL "_T"
#define STATS_UNKNOWN_LABEL "unknown"

const char *stats_dim_name(enum stats_dim d);
/* The dimension named by s[0..n), or -1. */
int stats_dim_parse(const char *s, size_t n);

enum stats_kind { STATS_INCIDENTS, STATS_OBLIGATIONS };

/* Whose incidents a table counts (docs/sharing.md §7):
 *  - INBOX: the incidents routed to the asking authority (an electronic submission of them to a
 *    recipient its organisation receives for: exactly what its inbox lists), whether or not the
 *    reporter consented to statistics — the authority holds these reports by law and may count
 *    what it holds;
 *  - PLATFORM: every incident on the platform whose reporter consented to anonymised statistics
 *    (confidentiality.consent.anonymised_statistics true in its latest version): the view that
 *    may be published, since it includes reports that never went to the asking authority. */
enum stats_scope { STATS_SCOPE_INBOX, STATS_SCOPE_PLATFORM };

/* What became of a mandatory obligation, as of now. */
enum stats_outcome {
    STATS_MET_ON_TIME, /* met at or before its deadline (or met, with no deadline set) */
    STATS_MET_LATE,    /* met after its deadline */
    STATS_MISSED,      /* not met, and its deadline has passed */
    STATS_OPEN,        /* not met, deadline still ahead or not yet set */
    STATS_OUTCOME__COUNT
};
const char *stats_outcome_name(enum stats_outcome o);

/* One table asked for. Months are counted from year 0 (year * 12 + month - 1). */
struct stats_query {
    enum stats_kind kind;
    enum stats_scope scope;
    enum stats_dim by[STATS_BY_MAX];
    size_t nby;
    int32_t from_month, to_month; /* inclusive, -1: unbounded */
    int k;                        /* 0: not given (the caller's configured k applies) */
    bool csv;
};

/* Reads a table's query parameters (each NULL when absent): by ("sector,month"; default
 * "month"), from and to ("2026-01", inclusive), scope ("inbox", the default, or "platform"), k (an
 * integer 1–1000; the caller refuses one below its configured k) and format ("json", the default,
 * or "csv"). Gathers every problem into errs (pointer "?name", code "bad_query", English and
 * Japanese) and returns -1 if there was any, else 0 with q filled. */
int stats_query_parse(struct stats_query *q, enum stats_kind kind, const char *by, const char *from,
                      const char *to, const char *scope, const char *k, const char *format,
                      struct verr_list *errs);

/* ---- months in Japan Standard Time ---- */

/* The month (from year 0) of an instant (UTC milliseconds) in Japan Standard Time. JST, not UTC:
 * the authorities count by the Japanese calendar (令和X年 is January–December in Japan), so an
 * incident reported at 00:30 on 1 January in Tokyo belongs to the new year although it is still
 * 31 December in UTC. A fixed UTC+9: Japan has kept no daylight-saving time since 1951, and the
 * tz database's Asia/Tokyo is +09:00 for every instant after that, so the fixed offset is exact
 * for everything this platform stores. */
int32_t stats_month_jst(int64_t ms);
/* The instant (UTC ms) 00:00 JST on the first of month m starts. */
int64_t stats_month_start_ms(int32_t m);
/* "2026-03" (out has at least 16 bytes). */
void stats_month_format(int32_t m, char *out, size_t size);
/* Parses "YYYY-MM" (years 1900–9999) into a month; -1 otherwise. */
int32_t stats_month_parse(const char *s);

/* ---- rows ---- */

/* One incident, or one obligation with its incident's attributes, as the store reads it
 * (store.h: stats_scan). Strings are borrowed for the duration of one call. */
struct stats_row {
    const char *incident_id, *org_id;
    int64_t created_at;     /* the incident's first report (version 1), UTC ms */
    const char *categories; /* as stored: ",ransomware,data_leak," */
    const char *sector, *prefecture, *size_band; /* the reporting organisation's, "" when none */
    bool drill;
    bool withdrawn; /* the incident was withdrawn (filed by mistake or twice) */
    int consent;    /* anonymised_statistics of the latest version: 1 true, 0 false, -1 absent */
    /* obligation rows only */
    const char *recipient_id, *regime;
    bool mandatory, ob_withdrawn, due_set, met;
    int64_t due_ms, met_at;
};

/* Whether the row counts in q's table: never drills (exercises are not incidents) nor withdrawn
 * incidents (a withdrawal says the report was a mistake or a duplicate: counting it would count
 * one incident twice), never an incident outside q's months; in the platform scope only
 * incidents whose reporter consented (consent 1: an absent answer is not consent, since the
 * report form asks the question and silence is no answer); for obligations only mandatory ones that
 * were not withdrawn (a voluntary stage cannot be "missed"). */
bool stats_row_counts(const struct stats_query *q, const struct stats_row *r);

/* What became of the obligation of r at now. */
enum stats_outcome stats_outcome_of(const struct stats_row *r, int64_t now);

/* ---- tables ---- */

/* One cell: a value (or the total) of each dimension of the query, with its counts. */
struct stats_cell {
    uint16_t key[STATS_BY_MAX]; /* value index per dimension (stats_table_value), or total */
    int64_t count;              /* incidents, or obligations */
    int64_t orgs;               /* distinct reporting organisations */
    int64_t outcome[STATS_OUTCOME__COUNT]; /* obligations: how many of each */
    bool primary;                          /* fewer than k organisations */
    bool suppressed; /* not published: primary, or chosen to protect one (complementary) */
};

struct stats_table;

/* A new, empty table for q (copied). */
struct stats_table *stats_table_new(const struct stats_query *q);
void stats_table_free(struct stats_table *t);

/* Adds a row that counts (stats_row_counts; the caller checks) with its obligation's outcome
 * at now. An incident with several categories feeds each of its categories' cells once, and
 * each total over categories once. Returns 0, or -1 when the table is full (STATS_FACTS_MAX
 * rows, STATS_VALUES_MAX values of a dimension). */
int stats_table_add(struct stats_table *t, const struct stats_row *r, int64_t now);

/* Builds the cells from the rows added (the table takes no rows afterwards), marks the cells
 * resting on fewer than k organisations (primary), then applies complementary suppression.
 * The cells are in a stable order: by each dimension's value in turn, the total last. */
void stats_table_finish(struct stats_table *t, int k);

/* The two steps of stats_table_finish after the cells are built, separately for tests.
 *
 * stats_suppress_primary: suppressed = primary = orgs < k.
 *
 * stats_suppress_complementary: every total is the sum of the cells it totals (for categories
 * an upper bound: an incident with two categories is in two cells and once in the total; the
 * same rule is applied as if it were a sum), so each total with its cells is an equation
 * published values must not let a reader solve. The rule, repeated until nothing changes: an
 * equation (a total and the cells along one dimension under it) holding exactly one suppressed
 * member gets a second one — the unsuppressed cell with the smallest count (then fewest
 * organisations, then the first in order), and a total only when no cell remains. It ends
 * because each pass suppresses one more cell. What it gives: within one table (its cells and its
 * totals, as one response carries them), no suppressed cell can be found by subtracting, even
 * through a chain of subtractions (tests/unit/test_stats.c tries). What it does not give: a
 * solution of several equations together can still narrow or, rarely, pin a value (bounds from
 * linear programming); and two different tables — other dimensions, overlapping month ranges —
 * can be differenced against each other; only a fixed plan of tables released together
 * prevents that (docs/sharing.md §7). A cell with few incidents that are mostly one
 * organisation's (dominance, the p% rule) is not treated either. */
void stats_suppress_primary(struct stats_table *t, int k);
void stats_suppress_complementary(struct stats_table *t);

/* Cell access after finishing. */
size_t stats_table_ncells(const struct stats_table *t);
const struct stats_cell *stats_table_cell(const struct stats_table *t, size_t i);
/* The label of the value of the cell at dimension position j of the query: the value as stored,
 * "YYYY-MM" for months, STATS_UNKNOWN_LABEL for an empty one, STATS_TOTAL_LABEL for a total.
 * Borrowed from the table. */
const char *stats_table_label(const struct stats_table *t, const struct stats_cell *c, size_t j);
/* Whether position j of c is a total. */
bool stats_cell_is_total(const struct stats_cell *c, size_t j);
const struct stats_query *stats_table_query(const struct stats_table *t);
/* The k the table was finished with. */
int stats_table_k(const struct stats_table *t);
/* Rows added (facts: an incident with n categories is n facts when categories is a dimension). */
size_t stats_table_nfacts(const struct stats_table *t);

/* ---- output ---- */

/* The table as JSON (a new reference): {"kind", "scope", "by", "from", "to" (null when
 * unbounded), "k", "time_zone": "Asia/Tokyo", "total": "_T", "cells": [{<dimension>: label …,
 * "incidents" | "obligations", and for obligations "met_on_time", "met_late", "missed", "open",
 * each null when suppressed, "suppressed"}]}. */
json_t *stats_table_json(const struct stats_table *t);

/* The table as CSV (RFC 4180: CRLF, quoted where needed) appended to b, which must have room
 * (BUF_UNLIMITED: a table's size is bounded by its cells). It starts with a UTF-8 byte order
 * mark: Excel, the statisticians' tool, reads a CSV without one in the system's ANSI code page
 * (CP932 on Japanese Windows) and garbles anything not ASCII; with it, Excel reads UTF-8. A
 * header row names the columns (the dimensions, the figures, suppressed); a suppressed figure is
 * an empty field. */
void stats_table_csv(const struct stats_table *t, struct buf *b);

#endif
