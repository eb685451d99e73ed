/*
 * clearance.h — security clearance levels as data (issue 13 item 2): data/sharing/clearance.json
 * names the levels an advisory (or any shared object) may require, each with an id, a rank
 * (higher is stricter), Japanese and English names, the legal basis and how long an assessment
 * stays valid. Japan's levels are the suitability assessments (適性評価) of the Act on the
 * Protection and Utilization of Critical Economic Security Information (Act No. 27 of 2024,
 * Art. 12; valid 10 years) and of the Act on the Protection of Specially Designated Secrets
 * (Act No. 108 of 2013, Art. 12; 5 years).
 *
 * A user's clearance (store.h, struct clearance_rec) names a level by id with granted_at and
 * expires_at; clearance_rank_at turns it into the rank the read rule (share_policy.h) takes —
 * 0 when it has expired or names no level.
 *
 * Pure: the caller reads the file (core/datafile.h) and hands the parsed document here.
 * Who calls it: cli/ (start-up), app/ (clearance use cases, read paths), tests.
 */
#ifndef SHARING_CLEARANCE_H
#define SHARING_CLEARANCE_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/verr.h"

#define CLEARANCE_LEVELS_MAX 16
#define CLEARANCE_ID_MAX 32 /* bytes of an id with its NUL */
#define CLEARANCE_NAME_MAX 256

struct clearance_level {
    char id[CLEARANCE_ID_MAX];
    int rank; /* ≥ 1, unique */
    char name_ja[CLEARANCE_NAME_MAX], name_en[CLEARANCE_NAME_MAX];
    int validity_years; /* an assessment is valid at most this long (1–50) */
};

struct clearance_catalog {
    struct clearance_level levels[CLEARANCE_LEVELS_MAX];
    size_t n;
};

/* Reads the levels of doc into *out, gathering every problem into errs (JSON Pointers into
 * the file): ids of [a-z0-9-] (1–31 bytes, unique), ranks 1–100 (unique), both names, a
 * validity of 1–50 years, at least one and at most CLEARANCE_LEVELS_MAX levels, no unknown
 * member. Returns 0, or -1 with errs filled (out is then empty). */
int clearance_catalog_parse(const json_t *doc, struct clearance_catalog *out,
                            struct verr_list *errs);

/* The level named id, or NULL. */
const struct clearance_level *clearance_find(const struct clearance_catalog *c, const char *id);

/* The rank a clearance of level id, expiring at expires_at (ms), gives at now (ms): the level's
 * rank while now < expires_at, else 0; 0 for an unknown or empty id. */
int clearance_rank_at(const struct clearance_catalog *c, const char *id, int64_t expires_at,
                      int64_t now);

#endif
