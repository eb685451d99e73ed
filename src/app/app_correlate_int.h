/*
 * app_correlate_int.h — the correlation service's tables, shared by app_correlate.c (updates and
 * counting) and app_correlate_cases.c (rebuild and use cases). Private to those two files.
 */
#ifndef APP_APP_CORRELATE_INT_H
#define APP_APP_CORRELATE_INT_H

#include <pthread.h>

#include "app_correlate.h"
#include "../sharing/ioc_index.h"

#define CX_EMPTY 0xffffffffu

/* An indicator an incident holds (canonical text, heap). */
struct cx_ioc {
    enum ioc_type type;
    uint32_t len;
    char *text;
};

/* One incident; its index in the table is its posting. */
struct cx_inc {
    char id[UUID_STR_LEN];
    uint32_t org; /* index in orgs */
    int64_t created_at;
    int version; /* the report version its indicators are of */
    bool withdrawn, red;
    struct cx_ioc *iocs;
    uint32_t n;
};

struct cx_org {
    char id[UUID_STR_LEN];
    char sector[32];
};

/* id → index, open addressing; slots hold indexes (CX_EMPTY: free). */
struct cx_strmap {
    uint32_t *slots;
    size_t cap, n;
};

/* One advisory (issue 13 item 3: "match against every other report and advisory"); its index
 * in the table, with APP_CORRELATE_ADVISORY set, is its posting. rec holds the latest version's
 * facts the read rule needs (id, org, author, label, clearance, audience, title, version; no
 * body), so a summary can ask whether its viewer may read it without the store. */
struct cx_adv {
    struct advisory_rec rec;
    int64_t valid_from, valid_until; /* ms, 0: open */
    bool withdrawn;
    struct cx_inc ind; /* its indicators (only iocs and n are used) */
};

/* An advisory a query met: its number, how its indicator matched, and that indicator. */
struct cx_advhit {
    uint32_t adv;
    enum ioc_type type;
    enum ioc_match_kind kind;
    char *text; /* heap */
};

struct cx_advhits {
    struct cx_advhit *v;
    size_t n, cap;
};

struct ioc_index;

struct app_correlate {
    pthread_rwlock_t lock; /* guards everything below; the index has its own lock too */
    struct ioc_index *ix;
    const struct ioc_warnlists *warn;
    struct cx_inc *incs;
    size_t nincs, inccap;
    struct cx_org *orgs;
    size_t norgs, orgcap;
    struct cx_strmap inc_map, org_map;
    struct cx_adv *advs;
    size_t nadvs, advcap;
    struct cx_strmap adv_map;
};

/* The /threat/indicators array of a report (borrowed), or NULL. */
const json_t *cx_indicators(const json_t *report);
/* Replaces in's indicators with those of report worth indexing (counted in *st). */
void cx_collect(const struct app_correlate *cx, struct cx_inc *in, const json_t *report,
                struct app_correlate_stats *st);
/* The same from an array of {"type", "value"} (a report's /threat/indicators, an advisory's
 * /indicators). */
void cx_collect_list(const struct app_correlate *cx, struct cx_inc *in, const json_t *list,
                     struct app_correlate_stats *st);
/* With the write lock held: the organisation's (sector NULL keeps it) and the incident's
 * numbers, made on first sight. */
uint32_t cx_org_intern(struct app_correlate *cx, const char *id, const char *sector);
uint32_t cx_inc_intern(struct app_correlate *cx, const char *id);
void cx_set_meta(struct cx_inc *in, uint32_t org, const struct app_correlate_incident *d);

/* With the read lock held: the advisories of hits that v's viewer may read (v->may_read), as
 * the summary's "advisories" array (app_correlate.h). New reference. */
json_t *cx_advisories_json(const struct app_correlate *cx, const struct app_correlate_view *v,
                           const struct cx_advhits *hits);
/* Records advisory posting p met through m in hits, once per advisory (the first match, which
 * is the most specific: exact, then covering from the closest). */
void cx_advhits_add(struct cx_advhits *hits, const struct ioc_match *m, uint64_t p);
void cx_advhits_release(struct cx_advhits *hits);
/* Frees the advisory table (app_correlate_free). */
void cx_advs_free(struct app_correlate *cx);
/* The string table helpers app_correlate.c keeps (open addressing by name). */
uint32_t cx_map_get(const struct cx_strmap *t, const char *key,
                    const char *(*name_of)(const void *, uint32_t), const void *ctx);
void cx_map_put(struct cx_strmap *t, const char *key, uint32_t v,
                const char *(*name_of)(const void *, uint32_t), const void *ctx);
void cx_iocs_free(struct cx_inc *in);
/* With the write lock held: in's indicators leave the index under posting (and are freed), or
 * enter it (0, or -1 when the index is full, logged). */
void cx_unindex(struct app_correlate *cx, struct cx_inc *in, uint64_t posting);
int cx_reindex(struct app_correlate *cx, const struct cx_inc *in, uint64_t posting);

#endif
