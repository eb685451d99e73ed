/*
 * routes.c — the route table (one declarative list: method, path pattern, handler,
 * authentication, the permission checked up front) and the dispatcher.
 * docs/api/openapi.yaml documents exactly these routes; a test keeps the two in step.
 */
#include "http_int.h"
#include "../core/rtime.h"

#include <sodium.h>
#include <strings.h>

#define NO_ACTION (-1)

const struct route http_routes[] = {
    {"GET", "/healthz", h_healthz, RA_PUBLIC, NO_ACTION, false, "public"},
    {"GET", "/readyz", h_readyz, RA_PUBLIC, NO_ACTION, false, "public"},
    /* /metrics authenticates itself: admins, or the configured metrics token */
    {"GET", "/metrics", h_metrics, RA_PUBLIC, NO_ACTION, false, "admin or metrics_token"},
    {"GET", "/api/v1/report-format/schema", h_schema, RA_PUBLIC, NO_ACTION, false, "public"},
    {"POST", "/api/v1/auth/login", h_login, RA_PUBLIC, NO_ACTION, true, "public"},
    {"POST", "/api/v1/auth/logout", h_logout, RA_TOKEN, ACT_TOKEN_MANAGE, false, "any role"},
    {"GET", "/api/v1/me", h_me, RA_TOKEN, NO_ACTION, false, "any role"},
    {"POST", "/api/v1/organizations", h_org_create, RA_TOKEN, ACT_ORG_CREATE, true, "admin"},
    {"GET", "/api/v1/organizations", h_org_list, RA_TOKEN, ACT_ORG_LIST, false, "admin"},
    {"GET", "/api/v1/organizations/{id}", h_org_get, RA_TOKEN, NO_ACTION, false,
     "admin; members of the organisation"},
    {"POST", "/api/v1/users", h_user_create, RA_TOKEN, ACT_USER_CREATE, true,
     "org_admin of the organisation; admin for an organisation's first org_admin"},
    {"GET", "/api/v1/users", h_user_list, RA_TOKEN, ACT_USER_LIST, false,
     "admin; org_admin (own organisation)"},
    {"PATCH", "/api/v1/users/{id}", h_user_update, RA_TOKEN, ACT_USER_UPDATE, true,
     "org_admin of the organisation; admin to appoint an organisation's first org_admin"},
    {"POST", "/api/v1/me/password", h_password_change, RA_TOKEN, ACT_PASSWORD_CHANGE, true,
     "any role (own password)"},
    {"POST", "/api/v1/tokens", h_token_create, RA_TOKEN, ACT_TOKEN_MANAGE, true, "any role"},
    {"GET", "/api/v1/tokens", h_token_list, RA_TOKEN, ACT_TOKEN_MANAGE, false, "any role"},
    {"DELETE", "/api/v1/tokens/{id}", h_token_revoke, RA_TOKEN, ACT_TOKEN_MANAGE, false,
     "any role (own tokens); admin (any)"},
    {"GET", "/api/v1/audit", h_audit_list, RA_TOKEN, ACT_AUDIT_READ, false, "admin"},
    {"POST", "/api/v1/reports/validate", h_report_validate, RA_TOKEN, ACT_REPORT_VALIDATE, true,
     "reporter"},
    {"POST", "/api/v1/reports", h_report_create, RA_TOKEN, ACT_REPORT_CREATE, true, "reporter"},
    {"GET", "/api/v1/reports", h_report_list, RA_TOKEN, ACT_REPORT_LIST, false, "reporter"},
    {"GET", "/api/v1/reports/{id}", h_report_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"POST", "/api/v1/reports/{id}/versions", h_report_amend, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/versions", h_report_versions, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/versions/{version}", h_report_version_get, RA_TOKEN, NO_ACTION,
     false, "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/diff", h_report_diff, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/obligations", h_report_obligations, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/stix", h_report_stix, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"POST", "/api/v1/obligations/preview", h_obligations_preview, RA_TOKEN, ACT_REPORT_VALIDATE,
     true, "reporter"},
    /* delivery (issue 5): submit, follow, prove, file; inbox and receipts; recipients */
    {"POST", "/api/v1/reports/{id}/submit", h_report_submit, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"POST", "/api/v1/reports/{id}/withdraw", h_report_withdraw, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/sequence", h_report_sequence, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/reports/{id}/submissions", h_report_submissions, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/submissions/{id}", h_submission_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/submissions/{id}/proof", h_submission_proof, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/submissions/{id}/document", h_submission_document, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"POST", "/api/v1/submissions/{id}/filed", h_submission_filed, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"GET", "/api/v1/inbox", h_inbox_list, RA_TOKEN, ACT_INBOX_READ, false,
     "recipient, authority (of the bound organisation)"},
    {"GET", "/api/v1/inbox/{id}", h_inbox_get, RA_TOKEN, NO_ACTION, false,
     "recipient, authority (of the bound organisation)"},
    {"POST", "/api/v1/inbox/{id}/receipt", h_inbox_receipt, RA_TOKEN, NO_ACTION, true,
     "recipient, authority (of the bound organisation)"},
    {"GET", "/api/v1/calendar.ics", h_calendar_feed, RA_FEED, ACT_REPORT_LIST, false,
     "reporter (bearer, or a calendar token in ?token=)"},
    /* the inbox an authority works from (issue 10 item 7): the item in its own form, requests
     * to the reporter (answered by the reporter's next submit), the subscription to arrivals */
    {"GET", "/api/v1/inbox/{id}/document", h_inbox_document, RA_TOKEN, NO_ACTION, false,
     "recipient, authority (of the bound organisation)"},
    {"POST", "/api/v1/inbox/{id}/requests", h_inbox_request_create, RA_TOKEN, NO_ACTION, true,
     "recipient, authority (of the bound organisation)"},
    {"GET", "/api/v1/inbox/{id}/requests", h_inbox_requests, RA_TOKEN, NO_ACTION, false,
     "recipient, authority (of the bound organisation)"},
    /* correlation across reports (issue 13 item 3): counts, never who */
    {"GET", "/api/v1/reports/{id}/correlation", h_report_correlation, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/inbox/{id}/correlation", h_inbox_correlation, RA_TOKEN, NO_ACTION, false,
     "recipient, authority (of the bound organisation)"},
    {"POST", "/api/v1/sightings", h_sighting_create, RA_TOKEN, NO_ACTION, true,
     "any role but admin"},
    {"GET", "/api/v1/sightings", h_sighting_counts, RA_TOKEN, NO_ACTION, false,
     "any role but admin"},
    {"GET", "/api/v1/sightings/stix", h_sighting_stix, RA_TOKEN, NO_ACTION, false,
     "any role but admin (its own organisation's sightings)"},
    {"GET", "/api/v1/requests/{id}", h_request_get, RA_TOKEN, NO_ACTION, false,
     "the organisation that asked; reporter of the reporting organisation"},
    {"GET", "/api/v1/reports/{id}/requests", h_report_requests, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/organizations/{id}/inbox-subscription", h_subscription_get, RA_TOKEN,
     NO_ACTION, false, "recipient, authority of the organisation"},
    {"PUT", "/api/v1/organizations/{id}/inbox-subscription", h_subscription_set, RA_TOKEN,
     NO_ACTION, true, "recipient, authority of the organisation"},
    {"GET", "/api/v1/obligations", h_obligations_open, RA_TOKEN, ACT_REPORT_LIST, false,
     "reporter"},
    {"GET", "/api/v1/organizations/{id}/reminders", h_reminders_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"PUT", "/api/v1/organizations/{id}/reminders", h_reminders_set, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"GET", "/api/v1/organizations/{id}/notifications", h_notifications_list, RA_TOKEN, NO_ACTION,
     false, "reporter of the organisation"},
    {"GET", "/api/v1/recipients", h_recipient_list, RA_TOKEN, ACT_RECIPIENT_LIST, false,
     "any role"},
    {"PUT", "/api/v1/recipients/{id}/binding", h_recipient_bind, RA_TOKEN, ACT_RECIPIENT_BIND, true,
     "admin"},
    /* governance (issue 4): questionnaires, self-assessments, risk, rating */
    {"GET", "/api/v1/frameworks", h_framework_list, RA_TOKEN, ACT_FRAMEWORK_READ, false,
     "any role"},
    {"GET", "/api/v1/frameworks/{id}", h_framework_get, RA_TOKEN, ACT_FRAMEWORK_READ, false,
     "any role"},
    {"POST", "/api/v1/assessments", h_assessment_create, RA_TOKEN, ACT_ASSESS_WRITE, true,
     "reporter"},
    {"GET", "/api/v1/assessments", h_assessment_list, RA_TOKEN, ACT_ASSESS_READ, false, "reporter"},
    {"GET", "/api/v1/assessments/{id}", h_assessment_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"PUT", "/api/v1/assessments/{id}/answers", h_assessment_save, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"POST", "/api/v1/assessments/{id}/submit", h_assessment_submit, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/assessments/{id}/scores", h_assessment_scores, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"POST", "/api/v1/assets", h_asset_create, RA_TOKEN, ACT_RISK_WRITE, true, "reporter"},
    {"GET", "/api/v1/assets", h_asset_list, RA_TOKEN, ACT_RISK_READ, false, "reporter"},
    {"GET", "/api/v1/assets/{id}", h_asset_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"PUT", "/api/v1/assets/{id}", h_asset_update, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"POST", "/api/v1/risk/scenarios", h_scenario_create, RA_TOKEN, ACT_RISK_WRITE, true,
     "reporter"},
    {"GET", "/api/v1/risk/scenarios", h_scenario_list, RA_TOKEN, ACT_RISK_READ, false, "reporter"},
    {"GET", "/api/v1/risk/scenarios/{id}", h_scenario_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"PUT", "/api/v1/risk/scenarios/{id}", h_scenario_update, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"POST", "/api/v1/risk/simulations", h_simulation_create, RA_TOKEN, ACT_RISK_WRITE, true,
     "reporter"},
    {"GET", "/api/v1/risk/simulations", h_simulation_list, RA_TOKEN, ACT_RISK_READ, false,
     "reporter"},
    {"GET", "/api/v1/risk/simulations/{id}", h_simulation_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"GET", "/api/v1/rating", h_rating_json, RA_TOKEN, ACT_RISK_READ, false, "reporter"},
    {"GET", "/api/v1/rating.pdf", h_rating_pdf, RA_TOKEN, ACT_RISK_READ, false, "reporter"},
    /* the operator's read-only views for the web UI (issue 12) */
    {"GET", "/api/v1/operator/audit-chain", h_operator_audit_chain, RA_TOKEN, ACT_AUDIT_READ, false,
     "admin"},
    {"GET", "/api/v1/operator/deliveries", h_operator_deliveries, RA_TOKEN, ACT_AUDIT_READ, false,
     "admin"},
    /* the web UI (issue 12): a browser's cookie session */
    {"POST", "/api/v1/auth/session", h_session_create, RA_PUBLIC, NO_ACTION, true, "public"},
    {"GET", "/api/v1/auth/session", h_session_get, RA_TOKEN, NO_ACTION, false, "any role"},
    {"DELETE", "/api/v1/auth/session", h_session_delete, RA_TOKEN, NO_ACTION, false, "any role"},
    /* two-factor sign-in (issue 12): one's own */
    {"POST", "/api/v1/me/two-factor", h_two_factor_begin, RA_TOKEN, ACT_PASSWORD_CHANGE, false,
     "any role (own account)"},
    {"POST", "/api/v1/me/two-factor/confirm", h_two_factor_confirm, RA_TOKEN, ACT_PASSWORD_CHANGE,
     true, "any role (own account)"},
    {"DELETE", "/api/v1/me/two-factor", h_two_factor_disable, RA_TOKEN, ACT_PASSWORD_CHANGE, true,
     "any role (own account) whose role does not require it"},
    {"POST", "/api/v1/me/two-factor/recovery-codes", h_two_factor_codes, RA_TOKEN,
     ACT_PASSWORD_CHANGE, true, "any role (own account)"},
    /* drafts of reports, saved by the web UI's report form (issue 12) */
    {"POST", "/api/v1/drafts", h_draft_create, RA_TOKEN, ACT_REPORT_CREATE, true, "reporter"},
    {"GET", "/api/v1/drafts", h_draft_list, RA_TOKEN, ACT_REPORT_LIST, false, "reporter"},
    {"GET", "/api/v1/drafts/{id}", h_draft_get, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    {"PUT", "/api/v1/drafts/{id}", h_draft_save, RA_TOKEN, NO_ACTION, true,
     "reporter of the organisation"},
    {"DELETE", "/api/v1/drafts/{id}", h_draft_delete, RA_TOKEN, NO_ACTION, false,
     "reporter of the organisation"},
    /* statistics for authorities (issue 13 item 7): k-anonymous counts, JSON or CSV */
    {"GET", "/api/v1/statistics/incidents", h_stats_incidents, RA_TOKEN, ACT_STATS_READ, false,
     "authority (its inbox; or the platform's consenting reports)"},
    {"GET", "/api/v1/statistics/obligations", h_stats_obligations, RA_TOKEN, ACT_STATS_READ, false,
     "authority (its inbox; or the platform's consenting reports)"},
    /* TAXII 2.1 (issue 13 item 5): who reads a collection is its TLP label's rule
     * (sharing/share_policy.h); anonymous clients read TLP:CLEAR collections */
    {"GET", "/taxii2/", h_taxii_discovery, RA_TAXII, NO_ACTION, false,
     "anyone (credentials optional)"},
    {"GET", "/taxii2/ichigen/", h_taxii_root, RA_TAXII, NO_ACTION, false,
     "anyone (credentials optional)"},
    {"GET", "/taxii2/ichigen/status/{id}/", h_taxii_status, RA_TAXII, NO_ACTION, false,
     "the organisation that posted"},
    {"GET", "/taxii2/ichigen/collections/", h_taxii_collections, RA_TAXII, NO_ACTION, false,
     "anyone (the collections the reader may read)"},
    {"GET", "/taxii2/ichigen/collections/{id}/", h_taxii_collection, RA_TAXII, NO_ACTION, false,
     "readers of the collection (TLP)"},
    {"GET", "/taxii2/ichigen/collections/{id}/manifest/", h_taxii_manifest, RA_TAXII, NO_ACTION,
     false, "readers of the collection (TLP)"},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/", h_taxii_objects, RA_TAXII, NO_ACTION,
     false, "readers of the collection (TLP)"},
    {"POST", "/taxii2/ichigen/collections/{id}/objects/", h_taxii_add, RA_TAXII, NO_ACTION, true,
     "writers of the collection (owner and listed organisations; not admin)"},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/{object_id}/", h_taxii_object, RA_TAXII,
     NO_ACTION, false, "readers of the collection (TLP)"},
    {"DELETE", "/taxii2/ichigen/collections/{id}/objects/{object_id}/", h_taxii_delete,
     RA_TAXII, NO_ACTION, false, "writers of the owning organisation"},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/{object_id}/versions/", h_taxii_versions,
     RA_TAXII, NO_ACTION, false, "readers of the collection (TLP)"},
    /* ichigen's management of TAXII collections (TAXII defines none) */
    {"POST", "/api/v1/taxii/collections", h_taxii_collection_create, RA_TOKEN,
     ACT_ADVISORY_WRITE, true, "authority"},
    {"PUT", "/api/v1/taxii/collections/{id}", h_taxii_collection_update, RA_TOKEN,
     ACT_ADVISORY_WRITE, true, "authority of the owning organisation"},
    {"POST", "/api/v1/taxii/collections/{id}/misp", h_taxii_misp_import, RA_TOKEN, NO_ACTION,
     true, "writers of the collection (owner and listed organisations; not admin)"},
    /* advisories (issue 13 item 1): written by authorities, read by the TLP 2.0 rule */
    {"POST", "/api/v1/advisories", h_advisory_create, RA_TOKEN, ACT_ADVISORY_WRITE, true,
     "authority"},
    {"GET", "/api/v1/advisories", h_advisory_list, RA_OPTIONAL, NO_ACTION, false,
     "anyone: what the TLP rule lets the caller read (TLP:CLEAR without a token)"},
    {"GET", "/api/v1/advisories/{id}", h_advisory_get, RA_OPTIONAL, NO_ACTION, false,
     "anyone the TLP rule lets read it (TLP:CLEAR without a token)"},
    {"POST", "/api/v1/advisories/{id}/versions", h_advisory_amend, RA_TOKEN, ACT_ADVISORY_WRITE,
     true, "authority of the originating organisation"},
    {"PUT", "/api/v1/advisories/{id}/tlp", h_advisory_tlp, RA_TOKEN, ACT_ADVISORY_WRITE, true,
     "authority of the originating organisation"},
    {"POST", "/api/v1/advisories/{id}/withdraw", h_advisory_withdraw, RA_TOKEN,
     ACT_ADVISORY_WRITE, true, "authority of the originating organisation"},
    {"POST", "/api/v1/advisories/{id}/acknowledge", h_advisory_ack, RA_TOKEN, ACT_ADVISORY_ACK,
     false, "any role the TLP rule lets read it, for its organisation"},
    {"GET", "/api/v1/advisories/{id}/acknowledgements", h_advisory_acks, RA_TOKEN,
     ACT_ADVISORY_WRITE, false, "authority of the originating organisation"},
    {"GET", "/api/v1/advisories/{id}/correlation", h_advisory_correlation, RA_TOKEN,
     ACT_ADVISORY_WRITE, false, "authority of the originating organisation"},
    {"GET", "/api/v1/advisories/{id}/stix", h_advisory_stix, RA_OPTIONAL, NO_ACTION, false,
     "anyone the TLP rule lets read it (TLP:CLEAR without a token)"},
    {"GET", "/api/v1/advisories/{id}/misp", h_advisory_misp, RA_OPTIONAL, NO_ACTION, false,
     "anyone the TLP rule lets read it (TLP:CLEAR without a token)"},
    /* security clearances (issue 13 item 2): the platform administrator's, audited */
    {"GET", "/api/v1/users/{id}/clearance", h_clearance_get, RA_TOKEN, ACT_CLEARANCE_SET, false,
     "admin"},
    {"PUT", "/api/v1/users/{id}/clearance", h_clearance_set, RA_TOKEN, ACT_CLEARANCE_SET, true,
     "admin"},
};
const size_t http_nroutes = ARRAY_SIZE(http_routes);

static struct http_route_info route_infos[ARRAY_SIZE(http_routes)];

size_t http_route_count(void)
{
    return http_nroutes;
}

const struct http_route_info *http_route_at(size_t i)
{
    if (i >= http_nroutes)
        return NULL;
    route_infos[i].method = http_routes[i].method;
    route_infos[i].pattern = http_routes[i].pattern;
    route_infos[i].auth = http_routes[i].roles;
    return &route_infos[i];
}

/* Matches one pattern against a path, segment by segment; {name} captures a segment. */
static bool match(const char *pattern, const char *path, char params[][80])
{
    int np = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (*p != '/' || *u != '/')
            return false;
        p++, u++;
        size_t pl = strcspn(p, "/"), ul = strcspn(u, "/");
        if (*p == '{') {
            if (ul == 0 || ul >= 80 || np >= HTTP_MAX_PARAMS)
                return false;
            memcpy(params[np], u, ul);
            params[np++][ul] = '\0';
        } else if (pl != ul || memcmp(p, u, pl)) {
            return false;
        }
        p += pl, u += ul;
    }
    return !*p && !*u;
}

int http_route_match(const char *method, const char *path, char params[][80], char *allow,
                     size_t allowsz)
{
    bool path_matched = false;
    allow[0] = '\0';
    for (size_t i = 0; i < http_nroutes; i++) {
        if (!match(http_routes[i].pattern, path, params))
            continue;
        if (!strcmp(http_routes[i].method, method))
            return (int)i;
        path_matched = true;
        size_t len = strlen(allow);
        snprintf(allow + len, allowsz - len, "%s%s", len ? ", " : "", http_routes[i].method);
    }
    return path_matched ? -2 : -1;
}

/* Credentials that are not "Bearer <token>" exactly: RFC 6750 §3.1 invalid_request, 400. */
static void malformed_authorization(struct req *r)
{
    http_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                "Bearer realm=\"ichigen\", error=\"invalid_request\"");
    http_fail(r, APP_PROB_INVALID_AUTHORIZATION, NULL, NULL, NULL);
}

/* Looks the token up (the cache first) into r->who: 0, or STORE_NOT_FOUND (not a live token),
 * or another store result (unavailable). Answers nothing. */
static int token_lookup(struct req *r, const char *tok, size_t toklen)
{
    unsigned char hash[HASH_SHA256_LEN];
    if (auth_token_hash(tok, toklen, hash))
        return STORE_NOT_FOUND;
    if (!http_tcache_get(r->app->tokens, hash, r->now_ms, &r->who)) {
        uint64_t gen = http_tcache_generation(r->app->tokens);
        int res = store_token_lookup(r->app->store, hash, r->now_ms, &r->who);
        if (res)
            return res;
        http_tcache_put(r->app->tokens, hash, r->now_ms, &r->who, gen);
    }
    r->authed = true;
    return 0;
}

/* token_lookup, answering 401/503 and returning false when it is not a live token. */
static bool token_principal(struct req *r, const char *tok, size_t toklen)
{
    int res = token_lookup(r, tok, toklen);
    if (res == STORE_NOT_FOUND)
        http_unauthorized(r, true);
    else if (res)
        http_unavailable(r);
    return !res;
}

/* The session cookie is not a live browser session: 401, and the browser is told to drop it. */
static bool session_refused(struct req *r)
{
    r->authed = false;
    memset(&r->who, 0, sizeof(r->who));
    http_session_cookie(r, NULL);
    http_fail(r, APP_PROB_SESSION_INVALID, NULL, NULL, NULL);
    return false;
}

/* A browser's cookie session (issue 12): looked up in the store on every request (no cache, so
 * that a sign-out or a quiet period takes effect at once), only a token of kind "web" is taken,
 * and a use is recorded now and then (auth_session_touch_due). */
static bool cookie_authenticate(struct req *r, const char *cookie)
{
    unsigned char hash[HASH_SHA256_LEN];
    int64_t idle_ms = r->app->cfg.session_idle_minutes * 60000;
    if (auth_token_hash(cookie, strlen(cookie), hash))
        return session_refused(r);
    int res = store_token_lookup(r->app->store, hash, r->now_ms, &r->who);
    if (res && res != STORE_NOT_FOUND) {
        http_unavailable(r);
        return false;
    }
    if (res || !r->who.web_session || auth_session_idle(r->who.last_used_at, r->now_ms, idle_ms))
        return session_refused(r);
    if (auth_session_touch_due(r->who.last_used_at, r->now_ms, idle_ms))
        (void)store_token_touch(r->app->store, r->who.token_id, r->now_ms); /* best effort */
    r->authed = r->via_cookie = true;
    xstrlcpy(r->cookie, cookie, sizeof(r->cookie));
    return true;
}

/* Bearer authentication (RFC 6750 §2.1), else the session cookie when there is no
 * Authorization field at all (a bearer token wins: the cookie is then ignored). Only token
 * hashes are looked up or stored. */
bool http_authenticate(struct req *r)
{
    const char *tok, *authz = http_header_in(r, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    size_t toklen;
    if (!authz && cookie)
        return cookie_authenticate(r, cookie);
    switch (http_bearer_parse(authz, &tok, &toklen)) {
    case HTTP_BEARER_OK:
        if (!token_principal(r, tok, toklen))
            return false;
        if (r->who.web_session) { /* a cookie's token is only ever a cookie (CSRF, quiet period) */
            r->authed = false;
            memset(&r->who, 0, sizeof(r->who));
            http_unauthorized(r, true);
            return false;
        }
        return true;
    case HTTP_BEARER_MALFORMED:
        malformed_authorization(r);
        return false;
    default:
        http_unauthorized(r, false);
        return false;
    }
}

/* A feed (RA_FEED): the Authorization header when there is one, else ?token= holding a
 * calendar token. Only a calendar token may travel in a URL (RFC 6750 §2.3 warns that URLs are
 * logged and kept in histories): one that reads a calendar and nothing else, revocable on its
 * own; an API token given there is refused as if unknown. ichigen's own log never records a
 * query string. */
static bool feed_authenticate(struct req *r)
{
    const char *q = http_query(r, "token");
    if (http_header_in(r, MHD_HTTP_HEADER_AUTHORIZATION) || !q)
        return http_authenticate(r);
    if (!token_principal(r, q, strlen(q)))
        return false;
    if (!r->who.calendar_only) {
        r->authed = false;
        memset(&r->who, 0, sizeof(r->who));
        http_unauthorized(r, true);
        return false;
    }
    return true;
}

/* TAXII (RA_TAXII): Basic with the user name and an API token (RFC 7617 §2), a bearer token,
 * or no Authorization at all (anonymous: r->authed stays false). A browser's cookie is not
 * credentials here, and a calendar or cookie token is refused as unknown. */
static int basic_token(struct req *r, const char *b64)
{
    unsigned char dec[400];
    size_t n = 0;
    if (sodium_base642bin(dec, sizeof(dec) - 1, b64, strlen(b64), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL))
        return STORE_NOT_FOUND;
    dec[n] = '\0';
    char *colon = memchr(dec, ':', n);
    if (!colon || memchr(dec, '\0', n))
        return STORE_NOT_FOUND;
    *colon = '\0';
    int res = token_lookup(r, colon + 1, strlen(colon + 1));
    /* the user name must be the token's: a token pasted under another name is refused */
    return res ? res : strcmp((const char *)dec, r->who.username) ? STORE_NOT_FOUND : 0;
}

static bool taxii_authenticate(struct req *r)
{
    const char *authz = http_header_in(r, MHD_HTTP_HEADER_AUTHORIZATION), *tok;
    size_t toklen;
    int res = STORE_NOT_FOUND;
    if (!authz)
        return true;
    if (!strncasecmp(authz, "Basic ", 6))
        res = basic_token(r, authz + 6);
    else if (http_bearer_parse(authz, &tok, &toklen) == HTTP_BEARER_OK)
        res = token_lookup(r, tok, toklen);
    if (!res && !r->who.web_session && !r->who.calendar_only)
        return true;
    r->authed = false;
    memset(&r->who, 0, sizeof(r->who));
    http_taxii_fail(r, res && res != STORE_NOT_FOUND ? APP_PROB_UNAVAILABLE
                                                     : APP_PROB_INVALID_TOKEN);
    return false;
}

/* A token from signing in with a password someone else set reaches only these (issue 8.12):
 * until its owner has chosen a password, whoever set the initial one cannot use it. */
static bool setup_allows(const struct route *rt)
{
    return rt->fn == h_password_change || rt->fn == h_me || rt->fn == h_logout ||
           rt->fn == h_session_get || rt->fn == h_session_delete;
}

/* What a signed-in session of a role that requires two-factor sign-in reaches before it is set
 * up (issue 12): what the password-change restriction allows, and the two-factor routes. */
static bool two_factor_setup_allows(const struct route *rt)
{
    return setup_allows(rt) || rt->fn == h_two_factor_begin || rt->fn == h_two_factor_confirm ||
           rt->fn == h_two_factor_codes || rt->fn == h_two_factor_disable;
}

static bool two_factor_setup_pending(const struct principal *p)
{
    return p->signed_in && !p->two_factor_enabled && auth_role_requires_two_factor(p->role);
}

/* CSRF (issue 12), checked here once for every route: a request authenticated by the session
 * cookie that may change something (any method but GET and HEAD, RFC 9110 §9.2.1) carries the
 * session's CSRF token in X-CSRF-Token. A request with a bearer token is not affected: a page
 * of another site cannot make a browser send one. */
static bool csrf_ok(struct req *r)
{
    if (!r->via_cookie || !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
        return true;
    if (auth_csrf_ok(r->cookie, strlen(r->cookie), http_header_in(r, "X-CSRF-Token")))
        return true;
    http_fail(r, APP_PROB_CSRF_TOKEN_INVALID, NULL, NULL, NULL);
    return false;
}

/* Whether the request carries credentials of any kind (RA_OPTIONAL authenticates it then). */
static bool credentials_sent(struct req *r)
{
    return http_header_in(r, MHD_HTTP_HEADER_AUTHORIZATION) ||
           MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
}

void http_dispatch(struct req *r)
{
    const struct route *rt = r->route;
    if (rt->auth == RA_TAXII) {
        if (!taxii_authenticate(r))
            return;
        if (r->authed && (r->who.password_change_only || two_factor_setup_pending(&r->who)))
            return http_taxii_fail(r, APP_PROB_FORBIDDEN);
        return rt->fn(r);
    }
    if (rt->auth == RA_TOKEN || rt->auth == RA_FEED ||
        (rt->auth == RA_OPTIONAL && credentials_sent(r))) {
        if (!(rt->auth == RA_FEED ? feed_authenticate(r) : http_authenticate(r)) || !csrf_ok(r))
            return;
        if (r->who.password_change_only && !setup_allows(rt))
            return http_fail(r, APP_PROB_PASSWORD_CHANGE_REQUIRED, NULL, NULL, NULL);
        if (two_factor_setup_pending(&r->who) && !two_factor_setup_allows(rt))
            return http_fail(r, APP_PROB_TWO_FACTOR_SETUP_REQUIRED, NULL, NULL, NULL);
        if (r->who.calendar_only && rt->auth != RA_FEED)
            return http_fail(r, APP_PROB_FORBIDDEN,
                             "A calendar token only reads the deadline calendar "
                             "(GET /api/v1/calendar.ics).",
                             "カレンダー配信用のトークンは期限の予定表（GET /api/v1/calendar.ics）"
                             "の読取りにだけ使えます。",
                             NULL);
        if (rt->action != NO_ACTION && !http_allow(r, (enum auth_action)rt->action, NULL))
            return;
    }
    rt->fn(r);
}
