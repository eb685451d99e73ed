/*
 * app_correlate_int.h — the correlation service's tables, shared by app_correlate.c (updates and
 * counting) and app_correlate_cases.c (rebuild and use cases). Private to those two files.
 */
#ifndef APP_APP_CORRELATE_INT_H
#define APP_APP_CORRELATE_INT_H

#include <pthread.h>

#include "app_correlate.h"

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
};

/* The /threat/indicators array of a report (borrowed), or NULL. */
const json_t *cx_indicators(const json_t *report);
/* Replaces in's indicators with those of report worth indexing (counted in *st). */
void cx_collect(const struct app_correlate *cx, struct cx_inc *in, const json_t *report,
                struct app_correlate_stats *st);
/* With the write lock held: the organisation's (sector NULL keeps it) and the incident's
 * numbers, made on first sight. */
uint32_t cx_org_intern(struct app_correlate *cx, const char *id, const char *sector);
uint32_t cx_inc_intern(struct app_correlate *cx, const char *id);
void cx_set_meta(struct cx_inc *in, uint32_t org, const struct app_correlate_incident *d);

#endif
