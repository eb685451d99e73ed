/*
 * app_correlate.h — correlation across reports (issue 13 item 3; docs/sharing.md §3,
 * "Correlation across reports"): when a report is filed or amended, its indicators are matched
 * against every other report with no cap, and the reporter (and the authorities it was sent to)
 * learn "seen in N other incidents (sector X, last 30 days)" without learning who.
 *
 * What it is: one process-wide service held by struct app (app->correlate): the in-memory
 * index of src/sharing/ioc_index.h plus a table of postings. A posting is the dense number of an
 * incident; per incident the service keeps its id, its organisation (and that organisation's
 * sector), when it was first filed, whether it is withdrawn or TLP:RED, and its canonical
 * indicators (so that an amendment removes the old ones). Advisories' indicators are in the same
 * index under postings with APP_CORRELATE_ADVISORY set (the advisory's number in a second
 * table): an incident's figures never count them; a summary names the advisories its viewer
 * may read that share an indicator.
 *
 * What it is not: the store (the index is rebuilt from it at start-up, app_correlate_rebuild,
 * and kept current by app_report_create / app_report_amend / app_report_withdraw), nor a way to
 * read other organisations' reports: nothing it returns names another organisation or incident.
 *
 * The privacy rule (docs/sharing.md §1 and §3; k is the setting sharing_k_anonymity):
 *   - the viewer's own organisation's other incidents are counted apart ("own_incidents") and
 *     never mixed with other organisations' figures;
 *   - for other organisations, "seen_elsewhere" is true when any of their incidents matches;
 *     the counts (incidents, organisations) are shown only when the matches come from at least
 *     k distinct organisations; "last_30_days" only when the matching incidents of the last 30
 *     days come from at least k organisations;
 *   - by sector: a sector is listed only with at least k organisations; the others are summed
 *     into "other_sectors" only if that sum has at least k organisations, else left out;
 *   - never an organisation id or name, never an incident id;
 *   - a TLP:RED incident counts only for its own organisation (RED is for named people only:
 *     even "someone else has this" would tell others something about it); drills (exercises)
 *     are never indexed; withdrawn incidents leave the index;
 *   - an authority's view (a submission routed to it) counts the other organisations exactly
 *     the same way and says nothing of the reporting organisation's other incidents (they may
 *     never have been sent to that authority).
 *
 * Who may call it: src/app/ (the use cases), cli/cli_serve.c (new, rebuild, free), tests.
 * Thread safety: every function may be called from any thread; the tables are guarded by one
 * reader-writer lock (queries share it, updates take it alone).
 */
#ifndef APP_APP_CORRELATE_H
#define APP_APP_CORRELATE_H

#include <jansson.h>

#include "app_call.h"
#include "../sharing/ioc_warn.h"

/* The high bit of a posting marks an advisory's indicator (see above). */
#define APP_CORRELATE_ADVISORY (1ULL << 63)
/* "last 30 days", relative to the call's now_ms */
#define APP_CORRELATE_WINDOW_MS (30LL * 24 * 3600 * 1000)

struct app_correlate;

/* A new, empty service. seed randomises the index's hashing; warn (borrowed, may be NULL: no
 * lists) must outlive it: an indicator on a warninglist is never indexed nor counted. */
struct app_correlate *app_correlate_new(uint64_t seed, const struct ioc_warnlists *warn);
void app_correlate_free(struct app_correlate *cx);

/* One incident as the service keeps it. */
struct app_correlate_incident {
    const char *id, *org_id;
    const char *sector; /* the organisation's sector; NULL: keep the one known */
    int64_t created_at; /* first filed */
    int version;        /* of the report given: an older one than known is ignored */
    bool withdrawn, drill, red;
};

/* Whether the organisation's sector is known already (so a caller can skip reading it). */
bool app_correlate_org_known(struct app_correlate *cx, const char *org_id);

/* Adds the incident, or replaces what is known of it, with the indicators of report (the
 * report document; its /threat/indicators of types ipv4, ipv6, domain, url, email, md5, sha1,
 * sha256; values that do not normalise or are on a warninglist are skipped). A withdrawn or
 * drill incident keeps no indicator; a withdrawal is final (a put after it changes nothing), and
 * so is a newer version (two amendments finishing out of order leave the newer one). Returns 0,
 * or -1 when the index is full (logged). */
int app_correlate_put(struct app_correlate *cx, const struct app_correlate_incident *in,
                      const json_t *report);
/* Whether the service holds version `version` of the incident, or a newer one, or knows it
 * withdrawn: a put of that version would change nothing (app_changes.c skips reading it). */
bool app_correlate_knows(struct app_correlate *cx, const char *incident_id, int version);
/* The incident is withdrawn: its indicators leave the index. No-op when unknown. */
void app_correlate_withdraw(struct app_correlate *cx, const char *incident_id);

/* Adds advisory a (its latest version as the store gives it, body included: its "indicators",
 * which are normalised and indexed like a report's, and its validity period), or replaces what
 * is known of it. A withdrawn advisory (withdrawn_at set) leaves the index for good; a version
 * older than the one known is ignored. Returns 0, or -1 when the index is full (logged). */
int app_correlate_put_advisory(struct app_correlate *cx, const struct advisory_rec *a);

/* The organisations with a live incident (filed, not withdrawn; drills are never indexed) whose
 * indicators match any of indicators (an array of {"type", "value"}, an advisory's), asked
 * from the advisory's side: the same value, a report's parent domain of it, a report's block
 * containing its address, a report's address or block inside its block. Not a report's
 * subdomain of its domain (the index keeps no order for that direction; the report's own
 * summary does name the advisory then). *out a new array of their ids sorted by strcmp (free
 * it), the count returned.
 * For telling those organisations that an advisory names their indicators (give and take); it
 * says nothing to anyone else. */
size_t app_correlate_orgs_matching(struct app_correlate *cx, const json_t *indicators,
                                   char (**out)[UUID_STR_LEN]);

/* Whose picture a summary is. */
struct app_correlate_view {
    const char *incident_id; /* the incident the report is (excluded from every count) */
    const char *org_id;      /* its organisation */
    bool show_own;           /* the reporter's view: count org_id's other incidents apart;
                                false (an authority's view): leave them out entirely */
    int k;                   /* sharing_k_anonymity */
    int64_t now_ms;
    /* Whether the viewer may read an advisory (its latest version's facts, no body): the TLP
     * read rule, app_advisory_readable. NULL: the summary names no advisory (and has no
     * "advisories" member). */
    bool (*may_read)(const struct advisory_rec *a, void *arg);
    void *may_read_arg;
    const char *advisory_id; /* an advisory's own view: not named in its own summary, or NULL */
};

/*
 * The correlation summary of the indicators of report, as the view sees it (rule above): a new
 * reference to {"k", "window_days", "indicators": [{"type", "value", "seen_elsewhere",
 * "incidents"?, "organisations"?, "last_30_days"?, "by_sector"?: [{"sector", "incidents",
 * "organisations"}], "other_sectors"?: {"incidents", "organisations"}, "own_incidents"?,
 * "warninglists"?: [ids], "advisories"?: [{"id", "version", "tlp", "title": {"ja", "en"},
 * "in_force", "indicator": {"type", "value", "match": "exact" | "covers" | "inside"}}]}]}.
 * Each distinct canonical indicator once, in the report's order. "advisories" (present when
 * v->may_read is set) names every advisory in the index that shares the indicator and that the
 * viewer may read, newest first; no k applies to them (an advisory is written to be read by
 * its audience, and the viewer is in it), and one the viewer may not read is left out without
 * a trace (docs/sharing.md §1: no count reveals a forbidden object).
 */
json_t *app_correlate_summary(struct app_correlate *cx, const struct app_correlate_view *v,
                              const json_t *report);

struct app_correlate_stats {
    uint64_t advisories; /* indexed (in force or expired; withdrawn ones are not) */
    uint64_t incidents, indicators, postings, skipped_invalid, skipped_warninglist, withdrawn,
        drills, unreadable;
    int64_t elapsed_ms;
};

/* Rebuilds the service from the store (start-up): every organisation's sector, then every
 * incident's latest version (store_report_scan_latest), then every advisory's latest version.
 * STORE_OK or the store's error. */
int app_correlate_rebuild(struct app_correlate *cx, struct store *s,
                          struct app_correlate_stats *st);
void app_correlate_stats(struct app_correlate *cx, struct app_correlate_stats *st);

/* ---- the use cases ---- */

/* Brings the service up to date after an advisory was created, amended (its label lowered
 * included) or withdrawn: a is its latest version as stored, with its body. A failure is
 * logged, never returned. No-op when c->app->correlate is NULL. */
void app_correlate_advisory_stored(const struct app_call *c, const struct advisory_rec *a);

/* Brings the service up to date after a create or an amendment stored as rec (doc its report):
 * reads the organisation's sector the first time. A failure is logged, never returned: the
 * report is filed whatever happens here. No-op when c->app->correlate is NULL. */
void app_correlate_report_stored(const struct app_call *c, const struct report_rec *rec,
                                 const json_t *doc);

/* The summary for the reporter of rec (show_own); NULL when the service is off or the report
 * has no indicator that is correlated (so that the answer to such a create is exactly what a
 * read of the report answers). */
json_t *app_correlate_for_report(const struct app_call *c, const struct report_rec *rec,
                                 const json_t *doc);

/* GET /api/v1/reports/{id}/correlation: the current picture for the reporting organisation's
 * reporters (ACT_REPORT_READ). APP_OK with *out a new reference; NOT_FOUND, FORBIDDEN,
 * UNAVAILABLE (also when the service is off). */
enum app_problem app_correlation_of_report(const struct app_call *c, const char *id, json_t **out,
                                           struct app_result *res);

/* GET /api/v1/advisories/{id}/correlation: how widespread the indicators of an advisory are,
 * for the authority users of its originating organisation (ACT_ADVISORY_WRITE on it): each
 * indicator as an authority's view sees it (k-anonymous incident figures, no own_incidents)
 * and the other advisories that name it which the caller may read. NOT_FOUND (no advisory, or
 * another organisation's), FORBIDDEN (role), UNAVAILABLE. */
enum app_problem app_correlation_of_advisory(const struct app_call *c, const char *id, json_t **out,
                                             struct app_result *res);

/* GET /api/v1/inbox/{id}/correlation: the picture of the indicators the submission carried (as
 * sent to that recipient: withheld sections stay withheld) for the receiving organisation
 * (ACT_INBOX_READ), the authority's view (no own_incidents). Same results. */
enum app_problem app_correlation_of_submission(const struct app_call *c, const char *id,
                                               json_t **out, struct app_result *res);

#endif
