/*
 * app_advisory.h — advisories and security clearances as use cases (issue 13 items 1 and 2).
 *
 * An advisory is written by an authority analyst (role authority) for its organisation, in the
 * format of sharing/advisory.h, and read by whoever the one TLP 2.0 read rule lets read it
 * (sharing/share_policy.h): every read here — by id, by version, the feed and its count —
 * asks app_advisory_readable, and an advisory the caller may not read is NOT_FOUND exactly as
 * one that does not exist (lists are filtered before they are counted or cut into pages).
 * Amendments add immutable versions under If-Match; lowering the label is an amendment too,
 * allowed only to the originating organisation and audited as advisory.tlp_downgrade; a
 * withdrawal keeps the advisory readable, marked withdrawn. The organisations an advisory
 * targets are told through their notification channels (webhook, e-mail) in the write's
 * transaction, with what its label allows (advisory_event).
 *
 * A clearance is set by the platform administrator (audited), from the levels of
 * data/sharing/clearance.json (app->clearance); an expired one counts as none.
 *
 * Layer: application. Callers: http/ (h_advisories.c), cli/, tests; later read paths (feeds,
 * exports, TAXII) reuse app_share_reader and app_advisory_readable.
 */
#ifndef APP_APP_ADVISORY_H
#define APP_APP_ADVISORY_H

#include <jansson.h>

#include "app_call.h"
#include "../sharing/share_policy.h"
#include "../store/store.h"

/* The caller as the read rule sees them: anonymous when the call has no user, else their
 * organisation's attributes and their clearance's rank now. */
struct app_reader {
    struct share_reader r;
    struct org org; /* the reader's organisation (empty when anonymous) */
};

/* Fills out for c's caller. APP_OK or UNAVAILABLE. */
enum app_problem app_share_reader(const struct app_call *c, struct app_reader *out,
                                  struct app_result *res);

/* Whether rd may read version a (as stored) under the read rule. */
bool app_advisory_readable(const struct app_call *c, const struct app_reader *rd,
                           const struct advisory_rec *a);

/* The validity period of version a (valid_from, valid_until in ms; 0: open), from what the
 * store keeps beside the audience (lists have no body), else from the body. */
void app_advisory_validity(const struct advisory_rec *a, int64_t *from, int64_t *until);

/* Creates an advisory from body (sharing/advisory.h), version 1; *out is it as stored (the
 * caller releases it). FORBIDDEN (not an authority), VALIDATION (every problem),
 * PAYLOAD_TOO_LARGE, store problems. */
enum app_problem app_advisory_create(const struct app_call *c, const json_t *body,
                                     struct advisory_rec *out, struct app_result *res);

/* Version `version` (0: the latest) of advisory id, if the caller may read it and the latest
 * version; *acked is the version the caller's organisation acknowledged (0: none). NOT_FOUND
 * otherwise. */
enum app_problem app_advisory_get(const struct app_call *c, const char *id, int version,
                                  struct advisory_rec *out, int *acked, struct app_result *res);

/* The caller's feed: every advisory they may read, newest first, narrowed by the filters. */
struct app_advisory_query {
    const char *cursor;   /* next_cursor of the previous page, or NULL */
    int limit;            /* 1–200 */
    bool unacknowledged;  /* only those whose latest version the caller's organisation has not
                             acknowledged */
    const char *sector;   /* only those targeting or affecting this sector, or NULL */
    int64_t since;        /* only those written or amended at or after (ms), or 0 */
    bool include_expired; /* also those whose validity period ended (left out by default: the
                             feed is what is in force or about to be) */
};
struct app_advisory_page {
    struct advisory_list list;      /* the page (no bodies); acked_version is the caller's org's */
    char next_cursor[UUID_STR_LEN]; /* "" when there is no further page */
};
enum app_problem app_advisory_list(const struct app_call *c, const struct app_advisory_query *q,
                                   struct app_advisory_page *out, struct app_result *res);
void app_advisory_page_release(struct app_advisory_page *p);

/* A new version of advisory id from body (as create, "change_summary" allowed) if exp names
 * the latest version: PRECONDITION_REQUIRED / PRECONDITION_FAILED, ADVISORY_WITHDRAWN,
 * FORBIDDEN (role), NOT_FOUND (another organisation's, or none). A version with a less
 * restrictive label is audited advisory.tlp_downgrade. */
enum app_problem app_advisory_amend(const struct app_call *c, const char *id,
                                    const struct app_expect *exp, const json_t *body,
                                    struct advisory_rec *out, struct app_result *res);

/* Lowers the label of advisory id to body's {"tlp"}: a new version, the latest one's content
 * with the label replaced; VALIDATION when it is not less restrictive. Otherwise as amend. */
enum app_problem app_advisory_downgrade(const struct app_call *c, const char *id,
                                        const struct app_expect *exp, const json_t *body,
                                        struct advisory_rec *out, struct app_result *res);

/* Withdraws advisory id with body's {"reason"} (1–2000 bytes). ADVISORY_WITHDRAWN when it
 * already is; FORBIDDEN, NOT_FOUND as amend. *out: the advisory after. */
enum app_problem app_advisory_withdraw(const struct app_call *c, const char *id, const json_t *body,
                                       struct advisory_rec *out, struct app_result *res);

/* The caller's organisation acknowledges the latest version of advisory id (one it may read;
 * NOT_FOUND otherwise); *version is that version. */
enum app_problem app_advisory_ack(const struct app_call *c, const char *id, int *version,
                                  struct app_result *res);

/* Who acknowledged advisory id: for its originating organisation's authority analysts only
 * (FORBIDDEN by role, NOT_FOUND otherwise). *out freed with free. */
enum app_problem app_advisory_acks(const struct app_call *c, const char *id,
                                   struct advisory_ack **out, size_t *n, struct app_result *res);

/* The body of a as reader rd sees it (new reference): as written for its originating
 * organisation; for anyone else each "sources" id (an incident of a reporting organisation) is
 * replaced by a de-identified reference {"ref": "SRC-<16 hex>"} — the same for every reader of
 * the advisory, different between advisories — so that no reader learns which organisation
 * reported what. */
json_t *app_advisory_view(const struct app_reader *rd, const struct advisory_rec *a);

/* ---- clearances ---- */

/* User user_id's clearance; *has false when none is recorded. FORBIDDEN (not the platform
 * administrator), NOT_FOUND (no such user). */
enum app_problem app_clearance_get(const struct app_call *c, const char *user_id,
                                   struct clearance_rec *out, bool *has, struct app_result *res);

/* Sets user user_id's clearance from body {"level", "granted_at", "expires_at"} (RFC 3339;
 * expires_at after granted_at and at most the level's validity after it), or removes it with
 * {"level": null}. Audited. FORBIDDEN, NOT_FOUND, VALIDATION. *out: as stored. */
enum app_problem app_clearance_set(const struct app_call *c, const char *user_id,
                                   const json_t *body, struct clearance_rec *out,
                                   struct app_result *res);

#endif
