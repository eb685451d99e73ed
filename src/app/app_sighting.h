/*
 * app_sighting.h — sightings of indicators by the organisations that receive them (issue 13
 * item 3, "Sightings (seen, false positive) by recipients"; docs/sharing.md §3): a signed-in
 * member of any organisation says it saw an indicator too, or that it is a false positive
 * there. Sightings are stored (audited) and only ever counted back, under the same k rule as
 * correlation (app_correlate.h): who made one is never shown to anyone else. A false positive
 * reported by at least k organisations marks the indicator "disputed" in correlation summaries.
 *
 * Layer: application. Callers: http/h_correlate.c, app_correlate_cases.c, fuzz/, tests.
 */
#ifndef APP_APP_SIGHTING_H
#define APP_APP_SIGHTING_H

#include "app_call.h"
#include "../sharing/ioc.h"

#define APP_SIGHTING_NOTE_MAX 1000 /* bytes of the note */
#define APP_SIGHTING_COUNT_MAX 1000000000

/* A decoded sighting. */
struct app_sighting_in {
    struct ioc_value value;        /* normalised */
    bool false_positive;           /* kind "false_positive"; else "seen" */
    int64_t count;                 /* 1 when absent */
    int64_t first_seen, last_seen; /* ms, 0 when absent */
    const char *note;              /* borrowed from the body, or NULL */
    enum tlp tlp;                  /* TLP:AMBER when absent */
};

/*
 * Decodes {type, value, kind: "seen"|"false_positive", count?, first_seen?, last_seen?, note?}
 * (types ipv4, ipv6, domain, url, email, md5, sha1, sha256; value normalised, ioc.h). Pure.
 * Returns 0, or -1 after adding every problem to errs with a JSON Pointer and a stable code:
 * not_an_object, unknown_field, required, not_a_string, not_an_integer, unknown_type,
 * unknown_kind, out_of_range, not_a_date_time, time_order, too_long, and ioc_normalise's codes
 * at /value.
 */
int app_sighting_decode(const json_t *body, struct app_sighting_in *out, struct verr_list *errs);

/* POST /api/v1/sightings: records a sighting of the actor's organisation (any role but the
 * platform administrator, which reports nothing). APP_OK with id_out its id; VALIDATION,
 * FORBIDDEN, UNAVAILABLE. */
enum app_problem app_sighting_create(const struct app_call *c, const json_t *body,
                                     char id_out[UUID_STR_LEN], struct app_result *res);

/* GET /api/v1/sightings?type=&value=: {type, value (canonical), seen: {reported, sightings?,
 * organisations?}, false_positive: {…}, disputed}; the figures of a kind only when at least k
 * organisations made such sightings. BAD_QUERY (type or value), FORBIDDEN, UNAVAILABLE. *out a
 * new reference on APP_OK. */
enum app_problem app_sighting_counts(const struct app_call *c, const char *type, const char *value,
                                     json_t **out, struct app_result *res);

/*
 * GET /api/v1/sightings/stix?type=&value=[&identify=true]: the sightings of one indicator as a
 * STIX 2.1 bundle (docs/sharing.md §4), within the privacy rule of §3 (no other organisation is
 * ever identified, counts only from k organisations):
 *  - the indicator, an object that is a function of the value alone (id from "ioc:type:value",
 *    times at the Unix epoch): every organisation's export names the same object, and no time
 *    taken from the platform tells when someone first saw it;
 *  - each sighting the caller's own organisation made (the newest APP_SIGHTING_STIX_MAX), with
 *    its count, first_seen and last_seen, a false positive as x_ichigen_false_positive; its id
 *    derived from the stored sighting's, so a later export names the same object. The note and
 *    the user who recorded it are not exported. With identify (the organisation's consent, for
 *    this export) its identity object, created_by_ref and where_sighted_refs name it; never
 *    otherwise;
 *  - per kind, when at least k organisations (all of them, the caller's included, as GET
 *    /api/v1/sightings counts) made such sightings, one sighting of the platform: the sum of
 *    their counts and x_ichigen_organisations, no where_sighted_refs and no times; one object a
 *    UTC day (created at the day's start, modified at the export), so a consumer keeps a daily
 *    series and a figure below k is never published.
 * Counts above STIX's 999,999,999 (§5.2) are exported as 999,999,999. Everything is
 * TLP:AMBER: the organisation's own observations, and what the platform tells its members.
 * Any member of an organisation; the platform administrator FORBIDDEN; BAD_QUERY (type or
 * value); UNAVAILABLE. *bundle a new reference on APP_OK.
 */
#define APP_SIGHTING_STIX_MAX 1000
enum app_problem app_sighting_stix(const struct app_call *c, const char *type, const char *value,
                                   bool identify, json_t **bundle, struct app_result *res);

/* Whether false positives of (type, canonical value) come from at least k organisations. A
 * store failure counts as not disputed (the summary is advice). */
bool app_sighting_disputed(const struct app_call *c, enum ioc_type type, const char *value);

#endif
