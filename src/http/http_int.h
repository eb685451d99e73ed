/*
 * http_int.h — shared by the files of src/http/ only: the per-request context, the route
 * table entry, and response helpers.
 */
#ifndef HTTP_HTTP_INT_H
#define HTTP_HTTP_INT_H

#include <microhttpd.h>
#include <jansson.h>
#include <stdatomic.h>

#include "http.h"
#include "../auth/auth.h"
#include "../core/buf.h"
#include "../core/verr.h"
#include "../core/uuid.h"
#include "../app/app_problem.h"
#include "../schema/schema.h"

#define HTTP_MAX_PARAMS 3

struct req;
typedef void (*http_handler)(struct req *r);

enum route_auth {
    RA_PUBLIC, /* no credentials needed */
    RA_TOKEN,  /* a valid bearer token; the handler checks the permission with its object */
    RA_FEED,   /* a bearer token, or a calendar token (kind "calendar") in ?token= — calendar
                  programs subscribe to a URL and send no headers (issue 10 item 9) */
    RA_TAXII,  /* TAXII 2.1 (issue 13): HTTP Basic (user name, API token) or a bearer token, or
                  none at all (an anonymous reader of TLP:CLEAR collections); never the cookie */
    RA_OPTIONAL, /* credentials when any are sent (checked as RA_TOKEN), else an anonymous
                    caller (issue 13: TLP:CLEAR is readable by anyone) */
};

struct route {
    const char *method;
    const char *pattern;
    http_handler fn;
    enum route_auth auth;
    int action;        /* enum auth_action checked before the handler, or -1 */
    bool takes_body;   /* POST with a JSON body */
    const char *roles; /* for documentation and `ichigen routes` */
};

struct req {
    struct MHD_Connection *conn;
    struct app *app;
    const char *method;
    char path[512];
    const struct route *route;
    int route_index; /* -1 when no route matched */
    char params[HTTP_MAX_PARAMS][80];
    struct buf body;
    bool body_too_big;
    bool responded;
    char request_id[40];
    int64_t t0_ns;
    int64_t now_ms;
    struct principal who;
    bool authed;
    /* authenticated by the session cookie (issue 12): CSRF applies; cookie is its value */
    bool via_cookie;
    char cookie[AUTH_TOKEN_LEN + 1];
    json_t *problem_extra; /* members added to the next problem answer (owned), or NULL */
    bool ja; /* Accept-Language prefers Japanese */
    int status;
    bool started; /* the access handler has seen this request (server.c) */
    bool close;   /* answer with Connection: close (a refused head, head.c) */
    int target;   /* enum http_target of the request-target as received */
    int nhdr;
    char hdr_name[6][32];
    char hdr_val[6][300];
};

/* ---- responses (respond.c) ---- */

/* Sends body (stolen) as application/json with the given status. */
void http_json(struct req *r, int status, json_t *body);
/* Sends bytes as they are. data is copied. */
void http_raw(struct req *r, int status, const char *content_type, const char *data, size_t n);
/* Adds a header to the next response (ETag, Location, Retry-After …). At most 6. */
void http_header(struct req *r, const char *name, const char *value);

/* RFC 9457 problem+json for row p of the problem table (src/app/app_problem.c): its code
 * (the type URN), status and titles; the detail is detail_en/_ja when given (a text that names
 * a value of the request), else the row's own; errs (may be NULL) becomes the "errors" array.
 * The language follows Accept-Language. 503 also sends Retry-After: 1. */
void http_fail(struct req *r, enum app_problem p, const char *detail_en, const char *detail_ja,
               const struct verr_list *errs);
/* Answers a use case's failure (res->problem != APP_OK): its row, its detail if it has one,
 * its errors if any, and for 412 the ETag of res->version. */
void http_fail_result(struct req *r, const struct app_result *res);
/* The same, then app_result_release(res): the one-line exit of a handler whose use case
 * failed. */
void http_fail_result_release(struct req *r, struct app_result *res);

/* Shorthands for the common problems. */
void http_not_found(struct req *r);
void http_unauthorized(struct req *r, bool invalid_token);
void http_unavailable(struct req *r);
void http_bad_query(struct req *r, const char *param, const char *why_en, const char *why_ja);

/* Parses the request body as a JSON object within the configured limits. On failure it has
 * already answered (400 with line and column, or 413) and returns NULL. New reference. */
json_t *http_body_json(struct req *r);
/* Validation problems as the API gives them everywhere: [{pointer, code, message (in the
 * request's language), message_en, message_ja}]. */
json_t *http_verr_array(const struct req *r, const struct verr_list *errs);

/* Query-string parameter, or NULL. */
const char *http_query(struct req *r, const char *name);
/* Answers 400 and returns false if the query has a parameter not in allowed (NULL-ended). */
bool http_query_only(struct req *r, const char *const *allowed);
const char *http_header_in(struct req *r, const char *name);

/* Pagination cursors: opaque to clients (base64url of the last id seen). decode returns 0, or
 * -1 after answering 400. out holds UUID_STR_LEN bytes. */
json_t *http_cursor(const char *last_id);
int http_cursor_decode(struct req *r, const char *param, char *out);

/* Answers 200 {"items": items (stolen), "next_cursor": cursor of last_id, or null}. */
void http_page(struct req *r, json_t *items, const char *last_id);

/* Reads ?limit= within 1..page_size_max (default page_size_default). -1 after answering 400. */
int http_limit(struct req *r);

/* Formats ms as RFC 3339 UTC into a new json string. */
json_t *http_time(int64_t ms);

/* Authorisation with the standard answers: 403 for the wrong role, 404 for another
 * organisation's object. Returns true when allowed. */
bool http_allow(struct req *r, enum auth_action a, const char *object_org);

/* ---- accounts (h_accounts.c) ---- */

struct app_client;
struct app_signin;
/* The TCP peer of r (sign-in throttling): 4 bytes (IPv4) or 16 (IPv6); len 0 when unknown. */
void http_client_of(struct req *r, struct app_client *c);
/* Answers a failed sign-in: 429 with Retry-After in seconds (RFC 6585 §4, RFC 9110 §10.2.3)
 * when throttled, else the problem. */
void http_signin_failed(struct req *r, const struct app_signin *out, const struct app_result *res);

/* A user as the API shows it (never a password hash). New reference. */
json_t *http_user_json(const struct user *u);

/* ---- pure parsers (parse.c) ---- */

/* Accept-Language (RFC 9110 §12.5.4): true when Japanese has a higher q-value than English. */
bool http_lang_prefers_ja(const char *accept_language);
/* One entity tag "vN". Returns N, 0 when absent (NULL), -1 when it is not one of ours. */
int http_parse_if_match(const char *if_match);

/* If-Match against the current version (RFC 9110 §13.1.1: lists, strong comparison). */
enum http_ifm { IFM_ABSENT, IFM_STAR, IFM_MATCH, IFM_NO_MATCH };
enum http_ifm http_if_match(const char *if_match, int current_version);
/* If-None-Match (RFC 9110 §13.1.2: lists, weak comparison, "*"): true → 304. */
bool http_if_none_match_hits(const char *if_none_match, int current_version);
/* A pagination cursor back to the id it encodes. Returns 0 or -1. */
int http_cursor_parse(const char *cursor, char out[UUID_STR_LEN]);

/* Longest request-target (RFC 9112 §3: at least 8000 octets should be supported) and request
 * head (request line and header fields) accepted: 414 and 431 above. Both stay well inside
 * libmicrohttpd's 64 KiB of connection memory (server.c), so that these answers are ours. */
#define HTTP_MAX_TARGET_BYTES 8192
#define HTTP_MAX_HEAD_BYTES 16384

/* The request-target exactly as received, before any decoding (RFC 9112 §3.2, RFC 3986):
 * visible ASCII without '#', every '%' followed by two hex digits, no "%00" (it would cut the
 * decoded path or value short), no "%2F" in the path (it would become a segment separator). */
enum http_target {
    HTTP_TARGET_OK,
    HTTP_TARGET_EMPTY,
    HTTP_TARGET_TOO_LONG, /* longer than HTTP_MAX_TARGET_BYTES */
    HTTP_TARGET_BAD_CHAR, /* control, space, non-ASCII or '#' */
    HTTP_TARGET_BAD_ESCAPE,
    HTTP_TARGET_NUL,
    HTTP_TARGET_SLASH,
};
enum http_target http_target_check(const char *target, size_t n);

/* Content-Type for a JSON body: application/json, whose only tolerated parameter is charset,
 * and only utf-8 (RFC 8259 §8.1, §11). NULL is HTTP_CTYPE_OTHER. */
enum http_ctype { HTTP_CTYPE_JSON, HTTP_CTYPE_OTHER, HTTP_CTYPE_CHARSET };
enum http_ctype http_content_type_json(const char *content_type);

/* Authorization: Bearer credentials (RFC 9110 §11.4, RFC 6750 §2.1): the scheme, one or more
 * spaces, one b64token, optional trailing whitespace. On HTTP_BEARER_OK *tok points into h
 * (borrowed) for *toklen bytes. Another scheme is HTTP_BEARER_OTHER_SCHEME (401); anything
 * else that is not exactly that form is HTTP_BEARER_MALFORMED (400, RFC 6750 §3.1). */
enum http_bearer {
    HTTP_BEARER_OK,
    HTTP_BEARER_ABSENT,
    HTTP_BEARER_OTHER_SCHEME,
    HTTP_BEARER_MALFORMED,
};
enum http_bearer http_bearer_parse(const char *h, const char **tok, size_t *toklen);

/* A header field name is a token (RFC 9110 §5.1): no whitespace, no separators. */
bool http_field_name_ok(const char *name, size_t n);
/* A header field value holds no control character but HTAB (RFC 9110 §5.5). */
bool http_field_value_ok(const char *value, size_t n);
/* Host: uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2); empty is allowed. */
bool http_host_ok(const char *host, size_t n);

/* ---- handlers ---- */
void h_healthz(struct req *r);
void h_readyz(struct req *r);
void h_metrics(struct req *r);
void h_schema(struct req *r);
void h_login(struct req *r);
void h_logout(struct req *r);
void h_me(struct req *r);
void h_org_create(struct req *r);
void h_org_list(struct req *r);
void h_org_get(struct req *r);
void h_user_create(struct req *r);
void h_user_list(struct req *r);
void h_user_update(struct req *r);
void h_password_change(struct req *r);
void h_token_create(struct req *r);
void h_token_list(struct req *r);
void h_token_revoke(struct req *r);
void h_audit_list(struct req *r);
void h_operator_audit_chain(struct req *r); /* h_operator.c */
void h_operator_deliveries(struct req *r);
void h_report_validate(struct req *r);
void h_report_create(struct req *r);
void h_report_list(struct req *r);
void h_report_get(struct req *r);
void h_report_amend(struct req *r);
void h_report_versions(struct req *r);
void h_report_version_get(struct req *r);
void h_report_diff(struct req *r);
void h_report_obligations(struct req *r);
void h_obligations_preview(struct req *r);
void h_framework_list(struct req *r);
void h_framework_get(struct req *r);
void h_assessment_create(struct req *r);
void h_assessment_list(struct req *r);
void h_assessment_get(struct req *r);
void h_assessment_save(struct req *r);
void h_assessment_submit(struct req *r);
void h_assessment_scores(struct req *r);
void h_asset_create(struct req *r);
void h_asset_list(struct req *r);
void h_asset_get(struct req *r);
void h_asset_update(struct req *r);
void h_scenario_create(struct req *r);
void h_scenario_list(struct req *r);
void h_scenario_get(struct req *r);
void h_scenario_update(struct req *r);
void h_simulation_create(struct req *r);
void h_simulation_list(struct req *r);
void h_simulation_get(struct req *r);
void h_rating_json(struct req *r);
void h_rating_pdf(struct req *r);
void h_report_submit(struct req *r);
void h_report_withdraw(struct req *r);
void h_report_sequence(struct req *r);
void h_report_submissions(struct req *r);
void h_submission_get(struct req *r);
void h_submission_proof(struct req *r);
void h_submission_document(struct req *r);
void h_submission_filed(struct req *r);
void h_inbox_list(struct req *r);
void h_inbox_get(struct req *r);
void h_inbox_receipt(struct req *r);
void h_recipient_list(struct req *r);
void h_recipient_bind(struct req *r);
/* issue 10 item 7 (h_requests.c): the inbox a receiving authority works from, the item in its
 * own form, requests to the reporter and the subscription to new arrivals */
void h_inbox_document(struct req *r);
void h_inbox_request_create(struct req *r);
void h_inbox_requests(struct req *r);
void h_request_get(struct req *r);
void h_report_requests(struct req *r);
/* correlation across reports (issue 13 item 3, h_correlate.c) */
void h_report_correlation(struct req *r);
void h_inbox_correlation(struct req *r);
void h_advisory_correlation(struct req *r);
void h_sighting_create(struct req *r);
void h_sighting_counts(struct req *r);
void h_subscription_get(struct req *r);
void h_subscription_set(struct req *r);
struct request_list;
/* The requests as the API shows them, each with its status as of now_ms (open, due_soon,
 * overdue, answered). New reference. */
json_t *h_requests_json(const struct request_list *l, int64_t now_ms, int64_t due_soon_ms);
void h_obligations_open(struct req *r);
void h_calendar_feed(struct req *r);
void h_reminders_get(struct req *r);
void h_reminders_set(struct req *r);
void h_notifications_list(struct req *r);
/* the web UI (issue 12): cookie sessions (h_session.c), two-factor sign-in (h_two_factor.c),
 * drafts (h_drafts.c) */
void h_session_create(struct req *r);
void h_session_get(struct req *r);
void h_session_delete(struct req *r);
void h_two_factor_begin(struct req *r);
void h_two_factor_confirm(struct req *r);
void h_two_factor_disable(struct req *r);
void h_two_factor_codes(struct req *r);
void h_draft_create(struct req *r);
void h_draft_list(struct req *r);
void h_draft_get(struct req *r);
void h_draft_save(struct req *r);
void h_draft_delete(struct req *r);
/* statistics for authorities (issue 13 item 7): h_stats.c */
void h_stats_incidents(struct req *r);
void h_stats_obligations(struct req *r);
/* TAXII 2.1 (issue 13 item 5, h_taxii.c) */
void h_taxii_discovery(struct req *r);
void h_taxii_root(struct req *r);
void h_taxii_collections(struct req *r);
void h_taxii_collection(struct req *r);
void h_taxii_manifest(struct req *r);
void h_taxii_objects(struct req *r);
void h_taxii_add(struct req *r);
void h_taxii_object(struct req *r);
void h_taxii_delete(struct req *r);
void h_taxii_versions(struct req *r);
void h_taxii_status(struct req *r);
void h_taxii_collection_create(struct req *r);
void h_taxii_collection_update(struct req *r);
/* exports of advisories, MISP into TAXII (issue 13 items 4 and 6; h_share_export.c) */
void h_advisory_stix(struct req *r);
void h_advisory_misp(struct req *r);
void h_taxii_misp_import(struct req *r);
void h_report_stix(struct req *r);
void h_sighting_stix(struct req *r);
/* A TAXII error message (§3.7) for problem p, as application/taxii+json (h_taxii.c). */
void http_taxii_fail(struct req *r, enum app_problem p);
/* advisories and clearances (issue 13; h_advisories.c) */
void h_advisory_create(struct req *r);
void h_advisory_list(struct req *r);
void h_advisory_get(struct req *r);
void h_advisory_amend(struct req *r);
void h_advisory_tlp(struct req *r);
void h_advisory_withdraw(struct req *r);
void h_advisory_ack(struct req *r);
void h_advisory_acks(struct req *r);
void h_clearance_get(struct req *r);
void h_clearance_set(struct req *r);

/* The session cookie's name, and the Set-Cookie value that opens (secret) or clears (NULL) it:
 * Path=/, HttpOnly, SameSite=Strict, Secure as the setting cookie_secure says (RFC 6265
 * §4.1; SameSite: RFC 6265bis §4.1.2.7). */
#define HTTP_SESSION_COOKIE "ichigen_session"
void http_session_cookie(struct req *r, const char *secret);
/* The session object (issue 12) of the request's principal (r->who): user, organisation, CSRF
 * token (when signed in by cookie; secret is that cookie's token, NULL otherwise), when it
 * ends, and the two-factor state. New reference, or NULL when the user cannot be read (the
 * caller answers 503). */
json_t *http_session_json(struct req *r, const char *secret, int64_t expires_at);

/* ---- the request head (head.c) ---- */

/* Checks what libmicrohttpd let through (head.c lists what it does not): the request-target,
 * the head's size, field names and values, fields that must appear once, Host, framing, and
 * repeated query parameters. Called once per request before routing; on failure it has
 * answered 400, 414, 431 or 501 (closing the connection) and returns false. version is the
 * request's HTTP version string. */
bool http_head_check(struct req *r, const char *version);

/* Answers 415 and returns false unless the request's Content-Type is JSON in UTF-8
 * (http_content_type_json). */
bool http_require_json(struct req *r);

/* ---- the web UI's files (web.c; issue 12) ---- */

/* One file of the table: its name relative to web_dir ("index.html", "assets/app-1a2b.js"),
 * its bytes, its Content-Type, and its precompressed "<name>.gz" companion when there is one. */
struct http_web_file {
    char *name;
    unsigned char *data;
    size_t len;
    const char *type;
    const struct http_web_file *gz;
};
struct http_web;

/* Reads every regular file under dir (no symlinks, no hidden names, at most 8 levels, 4096
 * files, 256 MiB) into a new table. A missing directory gives an empty table (the UI is not
 * built: / answers 503). NULL with e set when a limit is passed or a file cannot be read. */
struct http_web *http_web_load(const char *dir, struct err *e);
/* An empty table; http_web_add copies a file into it (a name outside the allowed alphabet is
 * skipped, returning 0; -1 with e set past a limit); http_web_finish sorts it and links the
 * .gz companions. For tests and the fuzz target; http_web_load uses them. */
struct http_web *http_web_new(void);
int http_web_add(struct http_web *w, const char *name, const void *data, size_t len,
                 struct err *e);
void http_web_finish(struct http_web *w);
void http_web_free(struct http_web *w);
size_t http_web_count(const struct http_web *w);
bool http_web_has_index(const struct http_web *w);
/* The Content-Type for a file name, by its extension. */
const char *http_web_type(const char *name);

enum http_web_kind {
    HTTP_WEB_NOT_OURS,  /* /api/..., /healthz, /readyz, /metrics: the API's 404 */
    HTTP_WEB_FILE,      /* a file of the table (hit->file; hit->body the bytes to send) */
    HTTP_WEB_MISSING,   /* under /assets/ but not in the table: 404 */
    HTTP_WEB_INDEX,     /* any other path: the page (history-mode routing) */
    HTTP_WEB_NOT_BUILT, /* the page was asked for and the table has no index.html: 503 */
};
struct http_web_hit {
    const struct http_web_file *file; /* what was asked for */
    const struct http_web_file *body; /* file, or its .gz companion when gzip is true */
    bool gzip;                        /* send with Content-Encoding: gzip */
    bool immutable;                   /* an asset: cached for a year (its name has its hash) */
};
/* What the (decoded) request path gets from table w (NULL: empty). Pure; only exact names of
 * the table ever match. gzip_ok: the client accepts gzip (http_accepts_gzip). */
enum http_web_kind http_web_resolve(const struct http_web *w, const char *path, bool gzip_ok,
                                    struct http_web_hit *out);
/* Accept-Encoding (RFC 9110 §12.5.3): true when gzip (or x-gzip, or "*" when gzip is not
 * named) has a weight above zero. NULL is false. */
bool http_accepts_gzip(const char *accept_encoding);

/* Sends n bytes that outlive the response (the web table's) with status, type and
 * Cache-Control; the response also carries every header of respond.c's other answers. */
void http_static(struct req *r, int status, const char *content_type, const void *data, size_t n,
                 const char *cache_control);

/* ---- open connections and the request-head deadline (conns.c) ---- */

struct http_conns;
struct http_conn;
struct sockaddr;

/* Starts the thread that closes connections whose request head has not arrived within
 * head_timeout_ms. Returns NULL if the thread cannot start. */
struct http_conns *http_conns_new(int64_t head_timeout_ms);
/* Stops the thread. Every connection must have been removed (the daemon stopped). */
void http_conns_free(struct http_conns *cs);
/* Registers a connection libmicrohttpd accepted (fd, client address may be NULL); it waits
 * for a head from now. The result is owned by cs until http_conns_remove. */
struct http_conn *http_conns_add(struct http_conns *cs, int fd, const struct sockaddr *addr);
/* The connection's socket. */
int http_conns_fd(const struct http_conn *c);
/* Forgets a connection; call before its descriptor is closed. Frees c. */
void http_conns_remove(struct http_conns *cs, struct http_conn *c);
/* A head arrived: no deadline until http_conns_head_again. Returns false if the deadline had
 * already closed the connection (then the request must not be served). */
bool http_conns_head_done(struct http_conns *cs, struct http_conn *c);
/* A response ended: the next head is due within the deadline from now. */
void http_conns_head_again(struct http_conns *cs, struct http_conn *c);

/* ---- NUL bytes from clients (nulguard.c) ---- */

/* A client connection's socket, to be checked from its first read on / no longer. */
void http_nul_watch(int fd);
void http_nul_forget(int fd);
/* True when a NUL byte was read from the watched socket fd (the request must be refused). */
bool http_nul_seen(int fd);

/* ---- routing (routes.c) ---- */
extern const struct route http_routes[];
extern const size_t http_nroutes;
/* Finds the route for method+path, filling params. Returns its index, -1 if no path matches,
 * -2 if the path matches but not the method (then allow gets the allowed methods). */
int http_route_match(const char *method, const char *path, char params[][80], char *allow,
                     size_t allowsz);
void http_dispatch(struct req *r);
/* Checks the bearer token (cache, then store) and fills r->who. On failure it has answered
 * 401 (or 503) and returns false. */
bool http_authenticate(struct req *r);

/* ---- token cache (tcache.c) ---- */
bool http_tcache_get(struct http_tcache *c, const unsigned char *hash, int64_t now,
                     struct principal *out);
/* The cache's generation, taken before reading the store for a miss and given to the put,
 * which is dropped when a clear came in between. */
uint64_t http_tcache_generation(struct http_tcache *c);
void http_tcache_put(struct http_tcache *c, const unsigned char *hash, int64_t now,
                     const struct principal *who, uint64_t generation);
/* Forgets every entry (after any revocation). */
void http_tcache_clear(struct http_tcache *c);

/* ---- metrics (metrics.c) ---- */
void http_metrics_record(struct http_metrics *m, int route_index, int status, int64_t ns);
void http_metrics_inflight(struct http_metrics *m, int delta);
void http_metrics_render(struct http_metrics *m, struct app *app, struct buf *out);

#endif
