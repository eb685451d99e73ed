/*
 * itest_authz.c — who may call what. One row per route of the route table (http_route_at), so a
 * new route without a row fails the test; each row gives the expected status without
 * credentials, with an unknown token, and as each role. An organisation's administrator
 * (org_admin, issue 8.12) is a principal of every row too: it does what its organisation's
 * reporter does, except where org_admin_rows says otherwise. Then sign-out, the account rules
 * with their data (who may give an organisation users), and sign-in failures that do not
 * reveal whether a user exists (throttling: itest_throttle.c).
 */
#include "itest.h"
#include "core/buf.h"
#include "http/http.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define METRICS_TOKEN "itest-authz-metrics-token-0042"
#define BOGUS_TOKEN "ichi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" /* right shape, unknown */

static struct itest_fixture F;
static const char *const settings[] = {"--metrics-token=" METRICS_TOKEN, NULL};
static char report_a[40]; /* org A's report, two versions */
static char *report_body; /* a valid report */
/* Governance objects of org A (issue 4): a draft assessment (answered, then submitted by the
 * matrix itself), an asset, a loss scenario and a simulation; org B gets a submitted
 * assessment and a scenario so that its reporter's rating and simulation calls succeed. */
static char assess_a[40], asset_a[40], scenario_a[40], sim_a[40];
/* Delivery (issue 5): report_a submitted; one of its document submissions (the reporter's
 * side) and one of its inbox submissions, routed to the recipient org C is bound to. */
static char doc_sub[40], inbox_sub[40];
static char request_c[40]; /* org C's request about inbox_sub (issue 10 item 7) */
static char draft_a[40];   /* org A's draft of a report (issue 12) */
/* TAXII (issue 13): org C's TLP:AMBER collection for org A, one object in it, and the status
 * resource of org C's envelope that added it */
static char taxii_coll[40], taxii_obj[80], taxii_status[40];
static int envelope_seq;
/* An advisory of org C's authority, TLP:AMBER for org A (issue 13): A's members read it */
static char advisory_c[40];
static char *answers_body; /* every NIST CSF 2.0 question answered */
static struct itest_user login_user, probe_user;
/* Organisation administrators of A and B, and a reporter of A whose account the matrix changes */
static struct itest_user oadm_a, oadm_b, patch_user;

/* The columns of the matrix. */
enum who {
    W_NONE,
    W_BAD,
    W_REP_A,
    W_REP_B,
    W_RECIPIENT,
    W_AUTHORITY,
    W_ADMIN,
    W_OADM_A, /* from here on, expectations come from expected_for() */
    W_OADM_B,
    W__COUNT
};
static const char *const who_name[W__COUNT] = {"no credentials", "unknown token", "reporter A",
                                               "reporter B",     "recipient",     "authority",
                                               "admin",          "org admin A",   "org admin B"};

enum body {
    B_NONE,
    B_LOGIN,
    B_ORG,
    B_USER,
    B_TOKEN,
    B_REPORT,
    B_ASSESSMENT,
    B_ANSWERS,
    B_ASSET,
    B_SCENARIO,
    B_SIMULATION,
    B_FILED,
    B_BIND,
    B_REMINDERS,
    B_USER_PATCH,
    B_PASSWORD,
    B_WITHDRAW,
    B_REQUEST,        /* an authority's request about a received submission (issue 10 item 7) */
    B_SUBSCRIPTION,   /* a receiving organisation's arrival webhook */
    B_TOTP_WRONG,     /* a two-factor confirmation with a code that cannot be right (issue 12) */
    B_PASSWORD_WRONG, /* {"password"} that is not the caller's */
    B_DRAFT,          /* a draft of a report (issue 12) */
    B_SIGHTING,       /* a sighting of an indicator (issue 13 item 3) */
    B_ENVELOPE,       /* a TAXII 2.1 envelope of one new STIX object (issue 13) */
    B_COLLECTION,     /* a TAXII collection as ichigen's API takes it (issue 13) */
    B_ADVISORY,       /* an advisory for org A (issue 13) */
    B_TLP_DOWN,       /* {"tlp": "TLP:GREEN"}: lowering an AMBER advisory's label */
    B_CLEARANCE,      /* a user's clearance */
    B_MISP,           /* a MISP event of one indicator (issue 13) */
};

enum row_flags {
    FRESH_CALLER = 1, /* the call spends the caller's token (logout): use a throw-away one */
    VICTIM_TOKEN = 2, /* {id} is a fresh token of reporter A, made for each call */
    IF_MATCH = 4,     /* send If-Match with the object's current ETag */
    FRESH_REPORT =
        8, /* {id} is a new report of org A, made for each call (a withdrawal ends one) */
    FRESH_DRAFT = 16, /* {id} is a new draft of org A, made for each call (a deletion ends one) */
    FRESH_OBJECT = 64, /* {object_id}: a new object of the TAXII collection, for each call */
    FRESH_ADVISORY = 32, /* {id} is a new advisory of org C for org A, made for each call */
};

struct row {
    const char *method, *pattern;
    int expect[W__COUNT];
    enum body body;
    unsigned flags;
};

/* The matrix reads best as a table. */
/* clang-format off */
#define PUBLIC_200 {200, 200, 200, 200, 200, 200, 200}
#define ADMIN_ONLY(ok) {401, 401, 403, 403, 403, 403, ok}
#define ANY_ROLE(ok) {401, 401, ok, ok, ok, ok, ok}
#define REPORTERS(ok) {401, 401, ok, ok, 403, 403, 403}
#define OWNING_ORG(ok) {401, 401, ok, 404, 403, 403, 403}
#define RECEIVERS(ok) {401, 401, 403, 403, ok, ok, 403}
#define TAXII_READ {404, 401, 200, 404, 200, 200, 404}

static const struct row rows[] = {
    {"GET", "/healthz", PUBLIC_200, B_NONE, 0},
    {"GET", "/readyz", PUBLIC_200, B_NONE, 0},
    {"GET", "/metrics", ADMIN_ONLY(200), B_NONE, 0},
    {"GET", "/api/v1/report-format/schema", PUBLIC_200, B_NONE, 0},
    {"POST", "/api/v1/auth/login", {201, 201, 201, 201, 201, 201, 201}, B_LOGIN, 0},
    {"POST", "/api/v1/auth/logout", ANY_ROLE(204), B_NONE, FRESH_CALLER},
    {"GET", "/api/v1/me", ANY_ROLE(200), B_NONE, 0},
    {"POST", "/api/v1/organizations", ADMIN_ONLY(201), B_ORG, 0},
    {"GET", "/api/v1/organizations", ADMIN_ONLY(200), B_NONE, 0},
    {"GET", "/api/v1/organizations/{id}", {401, 401, 200, 404, 404, 404, 200}, B_NONE, 0},
    /* org A has its own administrator: the platform administrator no longer gives it users */
    {"POST", "/api/v1/users", ADMIN_ONLY(403), B_USER, 0},
    {"GET", "/api/v1/users", ADMIN_ONLY(200), B_NONE, 0},
    {"PATCH", "/api/v1/users/{id}", ADMIN_ONLY(403), B_USER_PATCH, 0},
    /* authorised for everyone; the weak new password is then refused */
    {"POST", "/api/v1/me/password", ANY_ROLE(422), B_PASSWORD, 0},
    {"POST", "/api/v1/tokens", ANY_ROLE(201), B_TOKEN, 0},
    {"GET", "/api/v1/tokens", ANY_ROLE(200), B_NONE, 0},
    {"DELETE", "/api/v1/tokens/{id}", {401, 401, 204, 404, 404, 404, 204}, B_NONE, VICTIM_TOKEN},
    {"GET", "/api/v1/audit", ADMIN_ONLY(200), B_NONE, 0},
    {"POST", "/api/v1/reports/validate", REPORTERS(200), B_REPORT, 0},
    {"POST", "/api/v1/reports", REPORTERS(201), B_REPORT, 0},
    {"GET", "/api/v1/reports", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}", OWNING_ORG(200), B_NONE, 0},
    {"POST", "/api/v1/reports/{id}/versions", OWNING_ORG(201), B_REPORT, IF_MATCH},
    {"GET", "/api/v1/reports/{id}/versions", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/versions/{version}", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/diff", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/obligations", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/stix", OWNING_ORG(200), B_NONE, 0},
    {"POST", "/api/v1/obligations/preview", REPORTERS(200), B_REPORT, 0},
    {"POST", "/api/v1/reports/{id}/submit", OWNING_ORG(200), B_NONE, IF_MATCH},
    {"GET", "/api/v1/calendar.ics", REPORTERS(200), B_NONE, 0},
    {"POST", "/api/v1/reports/{id}/withdraw", OWNING_ORG(200), B_WITHDRAW, FRESH_REPORT},
    {"GET", "/api/v1/reports/{id}/sequence", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/submissions", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/submissions/{id}", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/submissions/{id}/proof", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/submissions/{id}/document", OWNING_ORG(200), B_NONE, 0},
    {"POST", "/api/v1/submissions/{id}/filed", OWNING_ORG(200), B_FILED, 0},
    {"GET", "/api/v1/inbox", RECEIVERS(200), B_NONE, 0},
    {"GET", "/api/v1/inbox/{id}", RECEIVERS(200), B_NONE, 0},
    /* the recipient's receipt succeeds; the authority user of the same organisation then
     * passes authorisation and finds the receipt already given (409) */
    {"POST", "/api/v1/inbox/{id}/receipt", {401, 401, 403, 403, 200, 409, 403}, B_FILED, 0},
    /* issue 10 item 7: the inbox an authority works from */
    {"GET", "/api/v1/inbox/{id}/document", RECEIVERS(200), B_NONE, 0},
    {"POST", "/api/v1/inbox/{id}/requests", RECEIVERS(201), B_REQUEST, 0},
    {"GET", "/api/v1/inbox/{id}/requests", RECEIVERS(200), B_NONE, 0},
    /* correlation across reports (issue 13 item 3) */
    {"GET", "/api/v1/reports/{id}/correlation", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/inbox/{id}/correlation", RECEIVERS(200), B_NONE, 0},
    /* sightings: every organisation's members, never the platform administrator; the list
     * without ?type=&value= is then a 400 */
    {"POST", "/api/v1/sightings", {401, 401, 201, 201, 201, 201, 403}, B_SIGHTING, 0},
    {"GET", "/api/v1/sightings", {401, 401, 400, 400, 400, 400, 403}, B_NONE, 0},
    {"GET", "/api/v1/sightings/stix", {401, 401, 400, 400, 400, 400, 403}, B_NONE, 0},
    /* the organisation that asked (C) and the reporting one (A) */
    {"GET", "/api/v1/requests/{id}", {401, 401, 200, 404, 200, 200, 403}, B_NONE, 0},
    {"GET", "/api/v1/reports/{id}/requests", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/organizations/{id}/inbox-subscription", RECEIVERS(200), B_NONE, 0},
    {"PUT", "/api/v1/organizations/{id}/inbox-subscription", RECEIVERS(200), B_SUBSCRIPTION, 0},
    {"GET", "/api/v1/obligations", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/organizations/{id}/reminders", OWNING_ORG(200), B_NONE, 0},
    {"PUT", "/api/v1/organizations/{id}/reminders", OWNING_ORG(200), B_REMINDERS, 0},
    {"GET", "/api/v1/organizations/{id}/notifications", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/recipients", ANY_ROLE(200), B_NONE, 0},
    {"PUT", "/api/v1/recipients/{id}/binding", ADMIN_ONLY(200), B_BIND, 0},
    {"GET", "/api/v1/frameworks", ANY_ROLE(200), B_NONE, 0},
    {"GET", "/api/v1/frameworks/{id}", ANY_ROLE(200), B_NONE, 0},
    {"POST", "/api/v1/assessments", REPORTERS(201), B_ASSESSMENT, 0},
    {"GET", "/api/v1/assessments", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/assessments/{id}", OWNING_ORG(200), B_NONE, 0},
    {"PUT", "/api/v1/assessments/{id}/answers", OWNING_ORG(200), B_ANSWERS, IF_MATCH},
    {"POST", "/api/v1/assessments/{id}/submit", OWNING_ORG(200), B_NONE, IF_MATCH},
    {"GET", "/api/v1/assessments/{id}/scores", OWNING_ORG(200), B_NONE, 0},
    {"POST", "/api/v1/assets", REPORTERS(201), B_ASSET, 0},
    {"GET", "/api/v1/assets", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/assets/{id}", OWNING_ORG(200), B_NONE, 0},
    {"PUT", "/api/v1/assets/{id}", OWNING_ORG(200), B_ASSET, IF_MATCH},
    {"POST", "/api/v1/risk/scenarios", REPORTERS(201), B_SCENARIO, 0},
    {"GET", "/api/v1/risk/scenarios", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/risk/scenarios/{id}", OWNING_ORG(200), B_NONE, 0},
    {"PUT", "/api/v1/risk/scenarios/{id}", OWNING_ORG(200), B_SCENARIO, IF_MATCH},
    {"POST", "/api/v1/risk/simulations", REPORTERS(201), B_SIMULATION, 0},
    {"GET", "/api/v1/risk/simulations", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/risk/simulations/{id}", OWNING_ORG(200), B_NONE, 0},
    {"GET", "/api/v1/rating", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/rating.pdf", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/operator/audit-chain", ADMIN_ONLY(200), B_NONE, 0},
    {"GET", "/api/v1/operator/deliveries", ADMIN_ONLY(200), B_NONE, 0},
    /* the web UI (issue 12): with a bearer token the session routes describe and end that
     * token; the cookie itself: itest_session.c */
    {"POST", "/api/v1/auth/session", {201, 201, 201, 201, 201, 201, 201}, B_LOGIN, 0},
    {"GET", "/api/v1/auth/session", ANY_ROLE(200), B_NONE, 0},
    {"DELETE", "/api/v1/auth/session", ANY_ROLE(204), B_NONE, FRESH_CALLER},
    /* one's own two-factor sign-in: an enrolment starts, a wrong code and a wrong password are
     * refused; roles that require it cannot turn it off */
    {"POST", "/api/v1/me/two-factor", ANY_ROLE(201), B_NONE, 0},
    {"POST", "/api/v1/me/two-factor/confirm", ANY_ROLE(422), B_TOTP_WRONG, 0},
    {"DELETE", "/api/v1/me/two-factor", {401, 401, 422, 422, 422, 409, 409}, B_PASSWORD_WRONG, 0},
    {"POST", "/api/v1/me/two-factor/recovery-codes", ANY_ROLE(422), B_PASSWORD_WRONG, 0},
    /* drafts of reports (issue 12): the organisation's reporters */
    {"POST", "/api/v1/drafts", REPORTERS(201), B_DRAFT, 0},
    {"GET", "/api/v1/drafts", REPORTERS(200), B_NONE, 0},
    {"GET", "/api/v1/drafts/{id}", OWNING_ORG(200), B_NONE, 0},
    {"PUT", "/api/v1/drafts/{id}", OWNING_ORG(200), B_DRAFT, IF_MATCH},
    {"DELETE", "/api/v1/drafts/{id}", OWNING_ORG(204), B_NONE, FRESH_DRAFT},
    /* statistics for authorities (issue 13 item 7): the authority role only; another
     * organisation's inbox is a matter of scope, never named in the request: itest_stats.c */
    {"GET", "/api/v1/statistics/incidents", {401, 401, 403, 403, 403, 200, 403}, B_NONE, 0},
    {"GET", "/api/v1/statistics/obligations", {401, 401, 403, 403, 403, 200, 403}, B_NONE, 0},
    /* TAXII 2.1 (issue 13): org C's TLP:AMBER collection names org A as its audience; readers
     * outside it, anonymous ones included, find nothing (404); bad credentials are 401 even
     * where no credentials are needed; org C writes, and deletes as the owner */
    {"GET", "/taxii2/", {200, 401, 200, 200, 200, 200, 200}, B_NONE, 0},
    {"GET", "/taxii2/ichigen/", {200, 401, 200, 200, 200, 200, 200}, B_NONE, 0},
    {"GET", "/taxii2/ichigen/status/{id}/", {401, 401, 404, 404, 200, 200, 404}, B_NONE, 0},
    {"GET", "/taxii2/ichigen/collections/", {200, 401, 200, 200, 200, 200, 200}, B_NONE, 0},
    {"GET", "/taxii2/ichigen/collections/{id}/", TAXII_READ, B_NONE, 0},
    {"GET", "/taxii2/ichigen/collections/{id}/manifest/", TAXII_READ, B_NONE, 0},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/", TAXII_READ, B_NONE, 0},
    {"POST", "/taxii2/ichigen/collections/{id}/objects/", {401, 401, 403, 404, 202, 202, 404},
     B_ENVELOPE, 0},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/{object_id}/", TAXII_READ, B_NONE, 0},
    {"DELETE", "/taxii2/ichigen/collections/{id}/objects/{object_id}/",
     {401, 401, 403, 404, 200, 200, 404}, B_NONE, FRESH_OBJECT},
    {"GET", "/taxii2/ichigen/collections/{id}/objects/{object_id}/versions/", TAXII_READ, B_NONE,
     0},
    {"POST", "/api/v1/taxii/collections", {401, 401, 403, 403, 403, 201, 403}, B_COLLECTION, 0},
    {"PUT", "/api/v1/taxii/collections/{id}", {401, 401, 403, 403, 403, 200, 403},
     B_COLLECTION, 0},
    {"POST", "/api/v1/taxii/collections/{id}/misp", {401, 401, 403, 404, 202, 202, 404}, B_MISP,
     0},
    /* advisories (issue 13): written by org C's authority; read by the TLP rule (AMBER for org
     * A: anonymous, B and the platform administrator are told it does not exist) */
    {"POST", "/api/v1/advisories", {401, 401, 403, 403, 403, 201, 403}, B_ADVISORY, 0},
    {"GET", "/api/v1/advisories", {200, 401, 200, 200, 200, 200, 200}, B_NONE, 0},
    {"GET", "/api/v1/advisories/{id}", {404, 401, 200, 404, 200, 200, 404}, B_NONE, 0},
    {"POST", "/api/v1/advisories/{id}/versions", {401, 401, 403, 403, 403, 201, 403}, B_ADVISORY,
     IF_MATCH},
    {"PUT", "/api/v1/advisories/{id}/tlp", {401, 401, 403, 403, 403, 200, 403}, B_TLP_DOWN,
     FRESH_ADVISORY | IF_MATCH},
    {"POST", "/api/v1/advisories/{id}/withdraw", {401, 401, 403, 403, 403, 200, 403}, B_WITHDRAW,
     FRESH_ADVISORY},
    {"POST", "/api/v1/advisories/{id}/acknowledge", {401, 401, 200, 404, 200, 200, 404}, B_NONE, 0},
    {"GET", "/api/v1/advisories/{id}/acknowledgements", {401, 401, 403, 403, 403, 200, 403}, B_NONE,
     0},
    {"GET", "/api/v1/advisories/{id}/correlation", {401, 401, 403, 403, 403, 200, 403}, B_NONE,
     0},
    {"GET", "/api/v1/advisories/{id}/stix", {404, 401, 200, 404, 200, 200, 404}, B_NONE, 0},
    {"GET", "/api/v1/advisories/{id}/misp", {404, 401, 200, 404, 200, 200, 404}, B_NONE, 0},
    /* security clearances (issue 13): the platform administrator's */
    {"GET", "/api/v1/users/{id}/clearance", ADMIN_ONLY(200), B_NONE, 0},
    {"PUT", "/api/v1/users/{id}/clearance", ADMIN_ONLY(200), B_CLEARANCE, 0},
};
/* clang-format on */

/* Where an organisation's administrator is not simply its organisation's reporter: A's
 * administrator (of the objects' organisation) and B's (another organisation's). */
static const struct {
    const char *method, *pattern;
    int oadm_a, oadm_b;
} org_admin_rows[] = {
    {"POST", "/api/v1/users", 201, 404},
    {"GET", "/api/v1/users", 200, 200}, /* each its own organisation's */
    {"PATCH", "/api/v1/users/{id}", 200, 404},
    {"DELETE", "/api/v1/tokens/{id}", 404, 404}, /* reporter A's token: not theirs */
    /* authorised, but reporter A's call just before already did it */
    {"POST", "/api/v1/submissions/{id}/filed", 409, 404},
    {"POST", "/api/v1/assessments/{id}/submit", 409, 404},
    /* organisation administrators have two-factor sign-in on already (issue 12) */
    {"POST", "/api/v1/me/two-factor", 409, 409},
    {"POST", "/api/v1/me/two-factor/confirm", 409, 409},
    {"DELETE", "/api/v1/me/two-factor", 409, 409},
};

static int expected_for(const struct row *rw, enum who w)
{
    if (w < W_OADM_A)
        return rw->expect[w];
    for (size_t i = 0; i < ARRAY_SIZE(org_admin_rows); i++)
        if (!strcmp(org_admin_rows[i].method, rw->method) &&
            !strcmp(org_admin_rows[i].pattern, rw->pattern))
            return w == W_OADM_A ? org_admin_rows[i].oadm_a : org_admin_rows[i].oadm_b;
    return rw->expect[w == W_OADM_A ? W_REP_A : W_REP_B];
}

static const struct itest_user *user_of(enum who w)
{
    switch (w) {
    case W_OADM_A:
        return &oadm_a;
    case W_OADM_B:
        return &oadm_b;
    case W_REP_A:
        return &F.rep_a;
    case W_REP_B:
        return &F.rep_b;
    case W_RECIPIENT:
        return &F.recipient;
    case W_AUTHORITY:
        return &F.authority;
    case W_ADMIN:
        return &F.admin;
    default:
        return NULL;
    }
}

/* An envelope of one STIX indicator with a new id (issue 13). */
static void envelope(char *out, size_t n)
{
    snprintf(out, n,
             "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
             "\"id\":\"indicator--00000000-0000-4000-8000-%012d\","
             "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","
             "\"pattern\":\"[ipv4-addr:value = '198.51.100.7']\",\"pattern_type\":\"stix\","
             "\"valid_from\":\"2026-01-01T00:00:00Z\"}]}",
             ++envelope_seq);
}

/* Org C's authority adds a new object to the TAXII collection; its id goes to id_out and the
 * status resource's id to status_out (when not NULL). */
static int fresh_object(char id_out[80], char *status_out)
{
    char body[1024];
    struct itest_resp r;
    envelope(body, sizeof(body));
    snprintf(id_out, 80, "indicator--00000000-0000-4000-8000-%012d", envelope_seq);
    char path[120];
    snprintf(path, sizeof(path), "/taxii2/ichigen/collections/%s/objects/", taxii_coll);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = body,
                                   .content_type = "application/taxii+json;version=2.1"},
               &r);
    int ok = r.status == 202 && json_integer_value(json_object_get(r.json, "success_count")) == 1;
    if (ok && status_out)
        xstrlcpy(status_out, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
    return ok ? 0 : -1;
}

static void make_body(enum body b, char *out, size_t n)
{
    static int seq;
    seq++;
    switch (b) {
    case B_LOGIN:
        snprintf(out, n, "{\"username\":\"%s\",\"password\":\"%s\"}", login_user.username,
                 login_user.password);
        break;
    case B_ORG:
        snprintf(out, n, "{\"name_ja\":\"行列%d\",\"name_en\":\"Matrix %d\",\"kind\":\"company\"}",
                 seq, seq);
        break;
    case B_USER:
        snprintf(out, n,
                 "{\"org_id\":\"%s\",\"username\":\"matrix-%d\",\"display_name\":\"M %d\","
                 "\"role\":\"reporter\",\"password\":\"pw-matrix-secret\"}",
                 F.org_a, seq, seq);
        break;
    case B_TOKEN:
        snprintf(out, n, "{\"name\":\"matrix %d\"}", seq);
        break;
    case B_REPORT:
        xstrlcpy(out, report_body, n);
        break;
    case B_WITHDRAW:
        snprintf(out, n, "{\"reason\":\"matrix %d\"}", seq);
        break;
    case B_ASSESSMENT:
        snprintf(out, n, "{\"framework\":\"sme-quick-check\",\"period\":\"matrix %d\"}", seq);
        break;
    case B_ANSWERS:
        xstrlcpy(out, answers_body, n);
        break;
    case B_ASSET:
        snprintf(out, n, "{\"name_ja\":\"資産%d\",\"kind\":\"data\",\"criticality\":\"high\"}",
                 seq);
        break;
    case B_SCENARIO:
        snprintf(out, n,
                 "{\"name\":{\"ja\":\"シナリオ%d\",\"en\":\"Scenario %d\"},\"assets\":[],"
                 "\"tef\":{\"dist\":\"fixed\",\"value\":1},"
                 "\"vulnerability\":{\"dist\":\"fixed\",\"value\":0.5},"
                 "\"primary_loss\":{\"dist\":\"pert\",\"low\":1e6,\"mode\":5e6,\"high\":5e7}}",
                 seq, seq);
        break;
    case B_SIMULATION:
        xstrlcpy(out, "{\"years\":1000,\"seed\":1}", n);
        break;
    case B_FILED:
        snprintf(out, n, "{\"reference\":\"REF-%d\"}", seq);
        break;
    case B_BIND:
        snprintf(out, n, "{\"org_id\":\"%s\"}", F.org_c);
        break;
    case B_REQUEST:
        xstrlcpy(out,
                 "{\"kind\":\"information\",\"message\":\"被害の範囲を教えてください\","
                 "\"reply_by\":\"2035-01-01T00:00:00Z\"}",
                 n);
        break;
    case B_SUBSCRIPTION:
        xstrlcpy(out,
                 "{\"endpoint\":\"https://authority.example/arrivals\",\"secret\":"
                 "\"0123456789abcdef0123456789abcdef\",\"enabled\":false}",
                 n);
        break;
    case B_REMINDERS:
        xstrlcpy(out,
                 "{\"endpoint\":\"https://reminders.example/ichigen\",\"secret\":"
                 "\"0123456789abcdef0123456789abcdef\",\"lead_hours\":[24,4],\"enabled\":false}",
                 n);
        break;
    case B_USER_PATCH:
        snprintf(out, n, "{\"display_name\":\"Matrix %d\"}", seq);
        break;
    case B_PASSWORD:
        xstrlcpy(out, "{\"current_password\":\"whatever-it-is\",\"new_password\":\"short\"}", n);
        break;
    case B_TOTP_WRONG:
        xstrlcpy(out, "{\"code\":\"abcdef\"}", n);
        break;
    case B_PASSWORD_WRONG:
        xstrlcpy(out, "{\"password\":\"not-the-password\"}", n);
        break;
    case B_DRAFT:
        snprintf(out, n, "{\"title\":\"matrix %d\",\"report\":{\"step\":%d}}", seq, seq);
        break;
    case B_SIGHTING:
        xstrlcpy(out, "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":\"seen\"}", n);
        break;
    case B_ENVELOPE:
        envelope(out, n);
        break;
    case B_COLLECTION:
        snprintf(out, n, "{\"title\":\"Matrix %d\",\"tlp\":\"TLP:AMBER\",\"audience\":"
                         "{\"organizations\":[\"%s\"]}}", seq, F.org_a);
        break;
    case B_ADVISORY:
        snprintf(out, n,
                 "{\"title\":{\"en\":\"matrix %d\"},\"summary\":{\"ja\":\"行列\"},"
                 "\"urgency\":\"low\",\"importance\":\"low\",\"tlp\":\"TLP:AMBER\","
                 "\"audience\":{\"organizations\":[\"%s\"]}}",
                 seq, F.org_a);
        break;
    case B_MISP:
        xstrlcpy(out,
                 "{\"Event\":{\"uuid\":\"5f1b1c4e-0f6a-4d2b-9a51-2c0d3e4f5a6b\",\"info\":\"m\","
                 "\"Tag\":[{\"name\":\"tlp:green\"}],\"Attribute\":[{\"type\":\"domain\","
                 "\"category\":\"Network activity\",\"value\":\"matrix.example\"}]}}",
                 n);
        break;
    case B_TLP_DOWN:
        xstrlcpy(out, "{\"tlp\":\"TLP:GREEN\"}", n);
        break;
    case B_CLEARANCE:
        xstrlcpy(out,
                 "{\"level\":\"jp-ceis\",\"granted_at\":\"2026-01-01T00:00:00Z\","
                 "\"expires_at\":\"2030-01-01T00:00:00Z\"}",
                 n);
        break;
    default:
        out[0] = '\0';
    }
}

/* A new API token of reporter A through the API; its id goes to id_out. */
static void victim_token(char id_out[40])
{
    struct itest_resp r;
    assert_int_equal(
        itest_post(&F.srv, F.rep_a.token, "/api/v1/tokens", "{\"name\":\"victim\"}", &r), 201);
    xstrlcpy(id_out, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
}

/* A new report of org A through the API (with an Idempotency-Key-free create); its id goes to
 * id_out. */
static void fresh_report(char id_out[40])
{
    struct itest_resp r;
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", report_body, &r), 201);
    xstrlcpy(id_out, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
}

/* The pattern with its parameters filled in for the call. */
/* A new draft of org A (its reporter's); its id goes to id_out. */
static void fresh_draft(char id_out[40])
{
    struct itest_resp r;
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/drafts",
                                "{\"report\":{\"description\":{}}}", &r),
                     201);
    xstrlcpy(id_out, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
}

/* A new advisory of org C's authority for org A; its id goes to id_out. */
static void fresh_advisory(char id_out[40])
{
    struct itest_resp r;
    char body[1024];
    make_body(B_ADVISORY, body, sizeof(body));
    assert_int_equal(itest_post(&F.srv, F.authority.token, "/api/v1/advisories", body, &r), 201);
    xstrlcpy(id_out, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
}

static void concrete_path(const struct row *rw, char *out, size_t n)
{
    char id[40] = "", pat[128];
    if (rw->flags & FRESH_ADVISORY)
        fresh_advisory(id);
    else if (!strncmp(rw->pattern, "/api/v1/advisories/", 19))
        xstrlcpy(id, advisory_c, sizeof(id));
    else if (rw->flags & VICTIM_TOKEN)
        victim_token(id);
    else if (rw->flags & FRESH_REPORT)
        fresh_report(id);
    else if (rw->flags & FRESH_DRAFT)
        fresh_draft(id);
    else if (!strncmp(rw->pattern, "/api/v1/drafts/", 15))
        xstrlcpy(id, draft_a, sizeof(id));
    else if (!strncmp(rw->pattern, "/taxii2/ichigen/status/", 23))
        xstrlcpy(id, taxii_status, sizeof(id));
    else if (!strncmp(rw->pattern, "/taxii2/", 8) || !strncmp(rw->pattern, "/api/v1/taxii/", 14))
        xstrlcpy(id, taxii_coll, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/reports/", 16))
        xstrlcpy(id, report_a, sizeof(id));
    else if (strstr(rw->pattern, "/inbox-subscription"))
        xstrlcpy(id, F.org_c, sizeof(id)); /* the receiving organisation's own */
    else if (!strncmp(rw->pattern, "/api/v1/requests/", 17))
        xstrlcpy(id, request_c, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/organizations/", 22))
        xstrlcpy(id, F.org_a, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/users/", 14))
        xstrlcpy(id, patch_user.id, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/submissions/", 20))
        xstrlcpy(id, doc_sub, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/inbox/", 14))
        xstrlcpy(id, inbox_sub, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/recipients/", 19))
        xstrlcpy(id, "nco", sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/frameworks/", 19))
        xstrlcpy(id, "nist-csf-2.0", sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/assessments/", 20))
        xstrlcpy(id, assess_a, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/assets/", 15))
        xstrlcpy(id, asset_a, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/risk/scenarios/", 23))
        xstrlcpy(id, scenario_a, sizeof(id));
    else if (!strncmp(rw->pattern, "/api/v1/risk/simulations/", 25))
        xstrlcpy(id, sim_a, sizeof(id));
    char object_id[80];
    xstrlcpy(object_id, taxii_obj, sizeof(object_id));
    if (rw->flags & FRESH_OBJECT)
        assert_int_equal(fresh_object(object_id, NULL), 0);
    xstrlcpy(pat, rw->pattern, sizeof(pat));
    struct buf b;
    buf_init(&b, n - 1);
    for (const char *p = pat; *p;) {
        if (!strncmp(p, "{id}", 4)) {
            buf_puts(&b, id);
            p += 4;
        } else if (!strncmp(p, "{object_id}", 11)) {
            buf_puts(&b, object_id);
            p += 11;
        } else if (!strncmp(p, "{version}", 9)) {
            buf_puts(&b, "1");
            p += 9;
        } else {
            buf_putc(&b, *p++);
        }
    }
    xstrlcpy(out, buf_cstr(&b), n);
    buf_release(&b);
}

/* "If-Match: <ETag>" of the object a row changes: the resource the path names, without the
 * trailing action (/versions, /answers, /submit). */
static const char *current_etag(const char *path, char out[96])
{
    struct itest_resp r;
    char res[256];
    xstrlcpy(res, path, sizeof(res));
    res[strcspn(res, "?")] = '\0'; /* a query (…/submit?dry_run=true) names no other resource */
    static const char *const tails[] = {"/versions", "/answers", "/submit",
                                        "/tlp"}; /* + the action */
    for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
        size_t n = strlen(res), t = strlen(tails[i]);
        if (n > t && !strcmp(res + n - t, tails[i]))
            res[n - t] = '\0';
    }
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, res, &r), 200);
    snprintf(out, 96, "If-Match: %s", r.etag);
    itest_resp_release(&r);
    return out;
}

/* A new API token of u, made with its own (the CLI mints none for members of an organisation
 * that has an administrator). */
static void fresh_token(const struct itest_user *u, char token[64])
{
    struct itest_resp r;
    assert_int_equal(itest_post(&F.srv, u->token, "/api/v1/tokens", "{\"name\":\"fresh\"}", &r),
                     201);
    xstrlcpy(token, itest_jstr(r.json, "/token"), 64);
    itest_resp_release(&r);
}

/* One cell: calls the route as w; on a mismatch appends a line to problems. */
static void run_cell(const struct row *rw, enum who w, struct buf *problems)
{
    char path[256], body[16384], token[64] = "", im[96];
    struct itest_resp r;
    const struct itest_user *u = user_of(w);
    if (u && (rw->flags & FRESH_CALLER))
        fresh_token(u, token);
    else if (u)
        xstrlcpy(token, u->token, sizeof(token));
    else if (w == W_BAD)
        xstrlcpy(token, BOGUS_TOKEN, sizeof(token));
    concrete_path(rw, path, sizeof(path));
    make_body(rw->body, body, sizeof(body));
    itest_http(
        &F.srv,
        &(struct itest_req){.method = rw->method,
                            .path = path,
                            .token = token[0] ? token : NULL,
                            .body = rw->body != B_NONE ? body : NULL,
                            .content_type = rw->body == B_ENVELOPE
                                                ? "application/taxii+json;version=2.1"
                                                : NULL,
                            .headers = {rw->flags & IF_MATCH ? current_etag(path, im) : NULL}},
        &r);
    int want = expected_for(rw, w);
    const char *code = itest_problem_code(&r);
    bool ok = r.status == want;
    if (want == 401)
        ok = ok && !strncmp(r.www_authenticate, "Bearer", 6);
    if (want == 403)
        ok = ok && !strcmp(code, "forbidden");
    if (want == 404)
        ok = ok && !strcmp(code, "not_found");
    if (!ok)
        buf_appendf(problems, "  %s %s as %s: got %ld (%s), expected %d\n", rw->method, rw->pattern,
                    who_name[w], r.status, code, want);
    itest_resp_release(&r);
}

static const struct row *row_for(const char *method, const char *pattern)
{
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        if (!strcmp(rows[i].method, method) && !strcmp(rows[i].pattern, pattern))
            return &rows[i];
    return NULL;
}

static void test_every_route_has_a_row(void **state)
{
    struct buf missing;
    UNUSED(state);
    buf_init(&missing, BUF_UNLIMITED);
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        if (!row_for(ri->method, ri->pattern))
            buf_appendf(&missing, "  %s %s\n", ri->method, ri->pattern);
    }
    for (size_t k = 0; k < ARRAY_SIZE(rows); k++) {
        bool found = false;
        for (size_t i = 0; i < http_route_count(); i++) {
            const struct http_route_info *ri = http_route_at(i);
            found |= !strcmp(ri->method, rows[k].method) && !strcmp(ri->pattern, rows[k].pattern);
        }
        if (!found)
            buf_appendf(&missing, "  %s %s (a row for a route that no longer exists)\n",
                        rows[k].method, rows[k].pattern);
    }
    if (missing.len)
        fail_msg("routes without an authorisation row:\n%s", buf_cstr(&missing));
    buf_release(&missing);
}

static void test_matrix(void **state)
{
    struct buf problems;
    UNUSED(state);
    buf_init(&problems, BUF_UNLIMITED);
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        const struct row *rw = row_for(ri->method, ri->pattern);
        if (!rw)
            continue; /* reported by test_every_route_has_a_row */
        for (int w = 0; w < W__COUNT; w++)
            run_cell(rw, (enum who)w, &problems);
    }
    if (problems.len)
        fail_msg("authorisation matrix mismatches:\n%s", buf_cstr(&problems));
    buf_release(&problems);
}

/* Routes whose query parameter makes another use case, which the route table cannot list:
 * each has the matrix's cells too. The submit's preview (issue 10 item 3) is authorised as the
 * submit: another organisation 404, a receiving or administrating role 403. */
static const struct row query_rows[] = {
    {"POST", "/api/v1/reports/{id}/submit?dry_run=true", OWNING_ORG(200), B_NONE, IF_MATCH},
};

static void test_query_variants(void **state)
{
    struct buf problems;
    UNUSED(state);
    buf_init(&problems, BUF_UNLIMITED);
    for (size_t i = 0; i < ARRAY_SIZE(query_rows); i++)
        for (int w = 0; w < W__COUNT; w++)
            run_cell(&query_rows[i], (enum who)w, &problems);
    if (problems.len)
        fail_msg("authorisation mismatches of query variants:\n%s", buf_cstr(&problems));
    buf_release(&problems);
}

/* /metrics also accepts the configured metrics token, which is not a user token. */
static void test_metrics_token(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_get(&F.srv, METRICS_TOKEN, "/metrics", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, METRICS_TOKEN, "/api/v1/me", &r), 401);
    itest_resp_release(&r);
}

/* Another organisation's report answers exactly like one that does not exist. */
static void test_hidden_is_indistinguishable(void **state)
{
    struct itest_resp hidden, missing;
    char path[128];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/reports/%s", report_a);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &hidden), 404);
    /* same shape of id (UUIDv7), never issued */
    snprintf(path, sizeof(path), "/api/v1/reports/%.24s000000000000", report_a);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &missing), 404);
    assert_string_equal(itest_jstr(hidden.json, "/title"), itest_jstr(missing.json, "/title"));
    assert_string_equal(itest_jstr(hidden.json, "/detail"), itest_jstr(missing.json, "/detail"));
    assert_string_equal(itest_jstr(hidden.json, "/type"), itest_jstr(missing.json, "/type"));
    itest_resp_release(&hidden);
    itest_resp_release(&missing);
}

static void test_token_lists_are_private(void **state)
{
    struct itest_resp mine, theirs, made;
    UNUSED(state);
    assert_int_equal(
        itest_post(&F.srv, F.rep_b.token, "/api/v1/tokens", "{\"name\":\"b-only\"}", &made), 201);
    const char *id = itest_jstr(made.json, "/id");
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/tokens", &mine), 200);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, "/api/v1/tokens", &theirs), 200);
    assert_null(strstr(mine.body, id));
    assert_non_null(strstr(theirs.body, id));
    assert_null(strstr(theirs.body, "\"token\"")); /* secrets are shown once, at creation */
    itest_resp_release(&mine);
    itest_resp_release(&theirs);
    itest_resp_release(&made);
}

static void test_logout_revokes(void **state)
{
    struct itest_resp r;
    char body[256], session[64];
    UNUSED(state);
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", login_user.username,
             login_user.password);
    assert_int_equal(itest_post(&F.srv, NULL, "/api/v1/auth/login", body, &r), 201);
    xstrlcpy(session, itest_jstr(r.json, "/token"), sizeof(session));
    assert_non_null(itest_jstr(r.json, "/expires_at")); /* sessions expire */
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, session, "/api/v1/me", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/username"), login_user.username);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, session, "/api/v1/auth/logout", NULL, &r), 204);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, session, "/api/v1/me", &r), 401);
    assert_string_equal(itest_problem_code(&r), "invalid_token");
    assert_true(!strncmp(r.www_authenticate, "Bearer", 6));
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, session, "/api/v1/auth/logout", NULL, &r), 401);
    itest_resp_release(&r);
}

/* ---- the account rules that depend on data (account_decide, issue 8.12) ---- */

static long api(const char *method, const struct itest_user *u, const char *path, const char *body,
                struct itest_resp *r)
{
    itest_http(&F.srv,
               &(struct itest_req){.method = method, .path = path, .token = u->token, .body = body},
               r);
    return r->status;
}

static void new_org(const char *name, char id[40])
{
    struct itest_resp r;
    char body[200];
    snprintf(body, sizeof(body), "{\"name_ja\":\"%s\",\"name_en\":\"%s\",\"kind\":\"company\"}",
             name, name);
    assert_int_equal(api("POST", &F.admin, "/api/v1/organizations", body, &r), 201);
    xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
}

static long create_user(const struct itest_user *by, const char *org, const char *name,
                        const char *role, struct itest_resp *r)
{
    char body[300];
    snprintf(body, sizeof(body),
             "{\"org_id\":\"%s\",\"username\":\"%s\",\"display_name\":\"%s\",\"role\":\"%s\"}", org,
             name, name, role);
    return api("POST", by, "/api/v1/users", body, r);
}

/* The platform administrator gives an organisation its first administrator — created in an
 * organisation without users, or appointed from its members when it has none — and nothing
 * else; platform administrators exist only in the operator's organisation. */
static void test_account_rules(void **state)
{
    char fresh[40], staffed[40], path[128];
    struct itest_resp r;
    struct itest_user member;
    UNUSED(state);
    new_org("新設", fresh);
    new_org("既存", staffed);
    assert_int_equal(itest_add_user(&F.srv, staffed, "staffed-rep", "reporter", &member), 0);
    /* never a member it could sign in as: not a reporter, not even in an empty organisation */
    assert_int_equal(create_user(&F.admin, fresh, "fresh-rep", "reporter", &r), 403);
    assert_string_equal(itest_problem_code(&r), "forbidden");
    itest_resp_release(&r);
    /* nor a new administrator of an organisation that has users */
    assert_int_equal(create_user(&F.admin, staffed, "staffed-admin", "org_admin", &r), 403);
    itest_resp_release(&r);
    /* its first administrator: the initial password must be changed at first sign-in */
    assert_int_equal(create_user(&F.admin, fresh, "fresh-admin", "org_admin", &r), 201);
    assert_true(json_is_true(json_object_get(r.json, "password_change_required")));
    assert_non_null(itest_jstr(r.json, "/initial_password"));
    itest_resp_release(&r);
    /* ... once */
    assert_int_equal(create_user(&F.admin, fresh, "fresh-admin2", "org_admin", &r), 403);
    itest_resp_release(&r);
    /* an existing member is appointed (the platform knows nothing of their password) */
    snprintf(path, sizeof(path), "/api/v1/users/%s", member.id);
    assert_int_equal(api("PATCH", &F.admin, path, "{\"display_name\":\"x\"}", &r), 403);
    itest_resp_release(&r);
    assert_int_equal(api("PATCH", &F.admin, path, "{\"role\":\"org_admin\"}", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/role"), "org_admin");
    itest_resp_release(&r);
    assert_int_equal(api("PATCH", &F.admin, path, "{\"role\":\"reporter\"}", &r), 403);
    itest_resp_release(&r);
    /* and then it is the one who manages, and cannot leave the organisation without one */
    assert_int_equal(api("PATCH", &member, path, "{\"role\":\"reporter\"}", &r), 409);
    assert_string_equal(itest_problem_code(&r), "last_administrator");
    itest_resp_release(&r);
    /* platform administrators only in the operator's organisation, made by one */
    assert_int_equal(create_user(&oadm_a, F.org_a, "would-be-admin", "admin", &r), 422);
    assert_non_null(strstr(r.body, "role_refused"));
    itest_resp_release(&r);
    char operator_org[40];
    assert_int_equal(api("GET", &F.admin, "/api/v1/me", NULL, &r), 200);
    xstrlcpy(operator_org, itest_jstr(r.json, "/org_id"), sizeof(operator_org));
    itest_resp_release(&r);
    assert_int_equal(create_user(&F.admin, operator_org, "second-admin", "admin", &r), 201);
    itest_resp_release(&r);
    /* another organisation's users are invisible to an organisation's administrator */
    snprintf(path, sizeof(path), "/api/v1/users?org_id=%s", F.org_a);
    assert_int_equal(api("GET", &oadm_b, path, NULL, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(api("GET", &oadm_a, "/api/v1/users?limit=200", NULL, &r), 200);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        assert_string_equal(itest_jstr(it, "/org_id"), F.org_a);
    itest_resp_release(&r);
}

static long login(const struct itest_user *u, const char *password, struct itest_resp *r)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", u->username,
             password);
    return itest_post(&F.srv, NULL, "/api/v1/auth/login", body, r);
}

static void test_login_failures_look_alike(void **state)
{
    struct itest_resp wrong, unknown;
    struct itest_user ghost;
    UNUSED(state);
    memset(&ghost, 0, sizeof(ghost));
    xstrlcpy(ghost.username, "no-such-user", sizeof(ghost.username));
    assert_int_equal(login(&probe_user, "not-the-password", &wrong), 401);
    assert_int_equal(login(&ghost, "not-the-password", &unknown), 401);
    assert_non_null(wrong.json);
    assert_non_null(unknown.json);
    json_object_del(wrong.json, "request_id");
    json_object_del(unknown.json, "request_id");
    assert_true(json_equal(wrong.json, unknown.json));
    assert_string_equal(wrong.www_authenticate, unknown.www_authenticate);
    itest_resp_release(&wrong);
    itest_resp_release(&unknown);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

/* A report of org A with two versions (the diff row needs a predecessor). */
static int make_report_a(void)
{
    struct itest_resp r;
    char path[128];
    int rc = -1;
    if (itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", report_body, &r) != 201)
        goto out;
    xstrlcpy(report_a, itest_jstr(r.json, "/id"), sizeof(report_a));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", report_a);
    itest_http(&F.srv,
               &(struct itest_req){.path = path,
                                   .token = F.rep_a.token,
                                   .body = report_body,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    rc = r.status == 201 ? 0 : -1;
out:
    itest_resp_release(&r);
    return rc;
}

/* POSTs body to path as u; copies the new object's id to id (when not NULL). */
static int create(const struct itest_user *u, const char *path, const char *body, char *id)
{
    struct itest_resp r;
    long st = itest_post(&F.srv, u->token, path, body, &r);
    if (st != 201 && st != 200) {
        fprintf(stderr, "POST %s: %ld %s\n", path, st, r.body);
        itest_resp_release(&r);
        return -1;
    }
    if (id)
        xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
    return 0;
}

/* Answers every question of the NIST CSF 2.0 questionnaire with level 2. */
static char *all_answers(void)
{
    struct itest_resp r;
    json_t *ans = json_object(), *f, *c, *q;
    size_t i, k, m;
    if (itest_get(&F.srv, F.rep_a.token, "/api/v1/frameworks/nist-csf-2.0", &r) != 200)
        return NULL;
    json_array_foreach(json_object_get(r.json, "functions"), i, f)
        json_array_foreach(json_object_get(f, "categories"), k, c)
            json_array_foreach(json_object_get(c, "questions"), m, q) json_object_set_new(
                ans, json_string_value(json_object_get(q, "id")), json_pack("{s:i}", "level", 2));
    itest_resp_release(&r);
    json_t *doc = json_pack("{s:s, s:o}", "framework", "nist-csf-2.0", "answers", ans);
    char *s = itest_dump(doc);
    json_decref(doc);
    return s;
}

/* A submitted assessment of u's organisation (create, answer, submit). */
static int submitted_assessment(const struct itest_user *u)
{
    char id[40], path[128];
    struct itest_resp r;
    char *body = xstrdup("{\"framework\":\"nist-csf-2.0\",\"period\":\"FY2026\",\"answers\":");
    json_t *doc = json_loads(answers_body, 0, NULL);
    char *ans = itest_dump(json_object_get(doc, "answers"));
    json_decref(doc);
    size_t n = strlen(body) + strlen(ans) + 2;
    char *full = xmalloc(n);
    snprintf(full, n, "%s%s}", body, ans);
    free(body);
    free(ans);
    int rc = create(u, "/api/v1/assessments", full, id);
    free(full);
    if (rc)
        return -1;
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/submit", id);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .method = "POST", .path = path, .token = u->token, .headers = {"If-Match: \"v1\""}},
        &r);
    rc = r.status == 200 ? 0 : -1;
    if (rc)
        fprintf(stderr, "submit: %ld %s\n", r.status, r.body);
    itest_resp_release(&r);
    return rc;
}

static int make_governance(void)
{
    char body[2048];
    if (!(answers_body = all_answers()))
        return -1;
    if (create(&F.rep_a, "/api/v1/assessments",
               "{\"framework\":\"nist-csf-2.0\",\"period\":\"FY2026\"}", assess_a))
        return -1;
    make_body(B_ASSET, body, sizeof(body));
    if (create(&F.rep_a, "/api/v1/assets", body, asset_a))
        return -1;
    make_body(B_SCENARIO, body, sizeof(body));
    if (create(&F.rep_a, "/api/v1/risk/scenarios", body, scenario_a) ||
        create(&F.rep_b, "/api/v1/risk/scenarios", body, NULL))
        return -1;
    if (create(&F.rep_a, "/api/v1/risk/simulations", "{\"years\":1000}", sim_a) ||
        submitted_assessment(&F.rep_b))
        return -1;
    return 0;
}

/* Submits the report at path (If-Match: its current ETag); the answer in *r. */
static void submit(const char *report_id, struct itest_resp *r)
{
    struct itest_resp g;
    char path[128], im[96];
    snprintf(path, sizeof(path), "/api/v1/reports/%s", report_id);
    itest_get(&F.srv, F.rep_a.token, path, &g);
    snprintf(im, sizeof(im), "If-Match: %s", g.etag);
    itest_resp_release(&g);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", report_id);
    itest_http(&F.srv,
               &(struct itest_req){
                   .method = "POST", .path = path, .token = F.rep_a.token, .headers = {im}},
               r);
}

/* Org C's authority asks about inbox_sub (issue 10 item 7); the request's id to request_c. */
static int make_request(void)
{
    struct itest_resp r;
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/inbox/%s/requests", inbox_sub);
    long st = itest_post(&F.srv, F.authority.token, path,
                         "{\"kind\":\"information\",\"message\":\"x\","
                         "\"reply_by\":\"2035-01-01T00:00:00Z\"}",
                         &r);
    if (st == 201)
        xstrlcpy(request_c, itest_jstr(r.json, "/id"), sizeof(request_c));
    else
        fprintf(stderr, "request: %ld %s\n", r.status, r.body);
    itest_resp_release(&r);
    return st == 201 ? 0 : -1;
}

/* Binds the NCO (an inbox recipient) to org C; submits report_a, and a full report of org A
 * whose submissions include a document (PPC's form for the reporter to file) and an inbox
 * one (NCO's common form); keeps one of each. */
static int make_delivery(void)
{
    struct itest_resp r;
    char im[96], full_id[40];
    int rc = -1;
    snprintf(im, sizeof(im), "{\"org_id\":\"%s\"}", F.org_c);
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = "/api/v1/recipients/nco/binding",
                                   .token = F.admin.token,
                                   .body = im},
               &r);
    rc = r.status == 200 ? 0 : -1;
    itest_resp_release(&r);
    if (rc)
        return -1;
    submit(report_a, &r);
    itest_resp_release(&r);
    json_t *full = itest_load_json("docs/examples/full-report.json");
    char *body = itest_dump(full);
    json_decref(full);
    long st = itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &r);
    free(body);
    if (st != 201) {
        itest_resp_release(&r);
        return -1;
    }
    xstrlcpy(full_id, itest_jstr(r.json, "/id"), sizeof(full_id));
    itest_resp_release(&r);
    submit(full_id, &r);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "submitted"), i, it)
    {
        const char *ch = itest_jstr(it, "/channel");
        if (!strcmp(ch, "document") && !doc_sub[0])
            xstrlcpy(doc_sub, itest_jstr(it, "/id"), sizeof(doc_sub));
        if (!strcmp(ch, "inbox") && !inbox_sub[0])
            xstrlcpy(inbox_sub, itest_jstr(it, "/id"), sizeof(inbox_sub));
    }
    rc = r.status == 201 && doc_sub[0] && inbox_sub[0] ? 0 : -1;
    if (rc)
        fprintf(stderr, "submit: %ld %s\n", r.status, r.body);
    itest_resp_release(&r);
    return rc ? rc : make_request();
}

/* Issue 10 item 7: another receiving authority (organisation D, bound to no recipient of these
 * submissions) finds nothing of C's inbox, requests or subscription. */
static void test_another_authority(void **state)
{
    char org_d[40], path[160];
    struct itest_user other;
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_add_org(&F.srv, "Other authority", "authority", org_d), 0);
    assert_int_equal(itest_add_user(&F.srv, org_d, "other-authority", "authority", &other), 0);
    const char *const fmt[] = {"/api/v1/inbox/%s/document", "/api/v1/inbox/%s/requests",
                               "/api/v1/inbox/%s"};
    for (size_t i = 0; i < ARRAY_SIZE(fmt); i++) {
        snprintf(path, sizeof(path), fmt[i], inbox_sub);
        assert_int_equal(itest_get(&F.srv, other.token, path, &r), 404);
        itest_resp_release(&r);
    }
    snprintf(path, sizeof(path), "/api/v1/inbox/%s/requests", inbox_sub);
    assert_int_equal(itest_post(&F.srv, other.token, path,
                                "{\"kind\":\"information\",\"message\":\"x\","
                                "\"reply_by\":\"2035-01-01T00:00:00Z\"}",
                                &r),
                     404);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/requests/%s", request_c);
    assert_int_equal(itest_get(&F.srv, other.token, path, &r), 404);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/inbox-subscription", F.org_c);
    assert_int_equal(itest_get(&F.srv, other.token, path, &r), 404);
    itest_resp_release(&r);
    /* its own inbox is empty */
    assert_int_equal(itest_get(&F.srv, other.token, "/api/v1/inbox", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    itest_resp_release(&r);
}

static int make_draft(void)
{
    struct itest_resp r;
    long st =
        itest_post(&F.srv, F.rep_a.token, "/api/v1/drafts", "{\"title\":\"A\",\"report\":{}}", &r);
    if (st == 201)
        xstrlcpy(draft_a, itest_jstr(r.json, "/id"), sizeof(draft_a));
    itest_resp_release(&r);
    return st == 201 ? 0 : -1;
}

/* Org C's TLP:AMBER TAXII collection for org A, with one object (issue 13). */
static int make_taxii(void)
{
    char body[256];
    struct itest_resp r;
    snprintf(body, sizeof(body),
             "{\"title\":\"Matrix\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    long st = itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections", body, &r);
    if (st == 201)
        xstrlcpy(taxii_coll, itest_jstr(r.json, "/id"), sizeof(taxii_coll));
    itest_resp_release(&r);
    return st == 201 ? fresh_object(taxii_obj, taxii_status) : -1;
}

/* Org C's advisory for org A (issue 13). */
static int make_advisory(void)
{
    fresh_advisory(advisory_c);
    return advisory_c[0] ? 0 : -1;
}

static int setup(void **state)
{
    UNUSED(state);
    json_t *doc = itest_report_doc("authorisation matrix");
    report_body = itest_dump(doc);
    json_decref(doc);
    if (itest_fixture_setup(&F, settings) ||
        itest_add_user(&F.srv, F.org_a, "login-user", "reporter", &login_user) ||
        itest_add_user(&F.srv, F.org_a, "patch-me", "reporter", &patch_user) ||
        itest_add_user(&F.srv, F.org_b, "probe-user", "reporter", &probe_user) || make_report_a() ||
        make_governance() || make_delivery() || make_draft() || make_taxii() || make_advisory() ||
        itest_add_org_admin(&F.srv, F.org_a, "org-admin-a", &oadm_a) ||
        itest_add_org_admin(&F.srv, F.org_b, "org-admin-b", &oadm_b))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    free(report_body);
    free(answers_body);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_has_a_row),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_query_variants),
        cmocka_unit_test(test_metrics_token),
        cmocka_unit_test(test_hidden_is_indistinguishable),
        cmocka_unit_test(test_token_lists_are_private),
        cmocka_unit_test(test_logout_revokes),
        cmocka_unit_test(test_account_rules),
        cmocka_unit_test(test_login_failures_look_alike),
        cmocka_unit_test(test_another_authority),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
