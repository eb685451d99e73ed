/*
 * itest_advisory.c — advisories (issue 13 item 1) and clearances (item 2) over HTTP.
 *
 * The read matrix: one advisory at each TLP 2.0 label (and AMBER ones requiring a clearance)
 * × every kind of reader (anonymous, the author, the author's organisation, a targeted sector,
 * another sector, an authority outside the audience, the platform administrator, a RED-named
 * user, cleared / uncleared / expired-clearance users) × every read path (by id, by version,
 * the feed and its count, acknowledging). Every forbidden read must answer 404 with exactly
 * the body of an id that was never issued, and no list may name or count it. Then the life of
 * an advisory: amendments under If-Match, a TLP downgrade only by its originating organisation
 * (audited), withdrawal, acknowledgements the author sees, the notifications the targeted
 * organisations receive (content only when the label allows), validation, clearances.
 */
#include "itest.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

static struct itest_fixture F;
static char org_e[40], org_g[40];          /* an electricity operator; a second authority */
static struct itest_user rep_e, auth_g;    /* their users */
static struct itest_user cleared, expired; /* electricity operator users with clearances */

enum reader {
    R_ANON,
    R_AUTHOR,
    R_SAME_ORG,
    R_SAME_SECTOR,
    R_OTHER_SECTOR,
    R_AUTHORITY_OTHER,
    R_ADMIN,
    R_RED_NAMED,
    R_CLEARED,
    R_EXPIRED,
    R__COUNT
};
static const char *const reader_name[R__COUNT] = {
    "anonymous",        "author",           "same organisation", "same sector",
    "other sector",     "other authority",  "platform admin",    "RED-named user",
    "cleared (sector)", "expired clearance"};

static const char *token_of(enum reader r)
{
    switch (r) {
    case R_AUTHOR:
        return F.authority.token;
    case R_SAME_ORG:
        return F.recipient.token;
    case R_SAME_SECTOR:
        return rep_e.token;
    case R_OTHER_SECTOR:
        return F.rep_a.token;
    case R_AUTHORITY_OTHER:
        return auth_g.token;
    case R_ADMIN:
        return F.admin.token;
    case R_RED_NAMED:
        return F.rep_b.token;
    case R_CLEARED:
        return cleared.token;
    case R_EXPIRED:
        return expired.token;
    default:
        return NULL;
    }
}

/* The advisories of the matrix: each label targeting the electricity sector, and two AMBER
 * ones requiring the CEIS clearance (one with its holders as the audience). */
enum adv { A_CLEAR, A_GREEN, A_AMBER, A_STRICT, A_RED, A_CLEARANCE, A_HOLDERS, A__COUNT };
static const char *const adv_label[A__COUNT] = {
    "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED", "TLP:AMBER", "TLP:AMBER"};
static char adv_id[A__COUNT][40];

/* Who reads what (1) and who gets 404 (0). */
static const bool can_read[A__COUNT][R__COUNT] = {
    /*                anon auth same sect oth  gov  adm  red  clr  exp */
    [A_CLEAR] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},   [A_GREEN] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    [A_AMBER] = {0, 1, 1, 1, 0, 0, 0, 0, 1, 1},   [A_STRICT] = {0, 1, 1, 1, 0, 0, 0, 0, 1, 1},
    [A_RED] = {0, 1, 0, 0, 0, 0, 0, 1, 0, 0},     [A_CLEARANCE] = {0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
    [A_HOLDERS] = {0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
};

static long call(const char *method, const char *token, const char *path, const char *body,
                 const char *if_match, struct itest_resp *r)
{
    char im[96];
    snprintf(im, sizeof(im), "If-Match: %s", if_match ? if_match : "");
    itest_http(&F.srv,
               &(struct itest_req){.method = method,
                                   .path = path,
                                   .token = token,
                                   .body = body,
                                   .headers = {if_match ? im : NULL}},
               r);
    return r->status;
}

/* An advisory body with the label, audience and clearance given (JSON fragments). */
static char *advisory_body(const char *title, const char *tlp, const char *audience,
                           const char *clearance)
{
    char *out = NULL;
    int n = asprintf(
        &out,
        "{\"title\":{\"ja\":\"%s\",\"en\":\"%s\"},"
        "\"summary\":{\"ja\":\"制御系への侵入の兆候\",\"en\":\"Signs of intrusion into control "
        "systems\"},"
        "\"actor\":{\"name\":{\"en\":\"Example Group\"},\"attribution_confidence\":\"moderate\"},"
        "\"purpose\":{\"en\":\"disruption\"},\"urgency\":\"high\",\"importance\":\"critical\","
        "\"expected_damage\":{\"ja\":\"停電\"},\"initial_response\":{\"en\":\"Block the "
        "addresses\"},"
        "\"affected\":{\"sectors\":[\"electricity\"],\"prefectures\":[\"JP-13\"],"
        "\"products\":[\"cpe:2.3:a:example:scada:1.0:*:*:*:*:*:*:*\"],"
        "\"cves\":[\"CVE-2024-12345\"]},"
        "\"indicators\":[{\"type\":\"ipv4\",\"value\":\"192.0.2.10\"},"
        "{\"type\":\"domain\",\"value\":\"bad.example\"}],"
        "\"techniques\":[\"T1566.001\",\"T0817\"],"
        "\"sources\":[\"0190aaaa-0000-7000-8000-00000000beef\"],"
        "\"valid_from\":\"2026-01-01T00:00:00Z\",\"valid_until\":\"2036-01-01T00:00:00Z\","
        "\"tlp\":\"%s\",\"audience\":%s%s%s}",
        title, title, tlp, audience, clearance ? ",\"required_clearance\":" : "",
        clearance ? clearance : "");
    assert_true(n > 0);
    return out;
}

static void create(const char *token, const char *body, char id_out[40])
{
    struct itest_resp r;
    if (call("POST", token, "/api/v1/advisories", body, NULL, &r) != 201)
        fail_msg("create: %ld %s", r.status, r.body);
    xstrlcpy(id_out, itest_jstr(r.json, "/id"), 40);
    assert_string_equal(r.etag, "\"v1\"");
    itest_resp_release(&r);
}

static void iso(int64_t s, char out[32])
{
    time_t t = (time_t)s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void set_clearance(const char *user_id, const char *level, int64_t from, int64_t until,
                          long want)
{
    char path[128], body[256], a[32], b[32];
    struct itest_resp r;
    iso(from, a);
    iso(until, b);
    snprintf(path, sizeof(path), "/api/v1/users/%s/clearance", user_id);
    snprintf(body, sizeof(body), "{\"level\":\"%s\",\"granted_at\":\"%s\",\"expires_at\":\"%s\"}",
             level, a, b);
    if (call("PUT", F.admin.token, path, body, NULL, &r) != want)
        fail_msg("clearance: %ld %s", r.status, r.body);
    itest_resp_release(&r);
}

static int setup(void **state)
{
    (void)state;
    if (itest_fixture_setup(&F, NULL) ||
        itest_add_org_in(&F.srv, "電力E", "company", "electricity", "JP-13", org_e) ||
        itest_add_org_in(&F.srv, "機関G", "authority", "none", "JP-27", org_g) ||
        itest_add_user(&F.srv, org_e, "rep-e", "reporter", &rep_e) ||
        itest_add_user(&F.srv, org_e, "cleared-e", "reporter", &cleared) ||
        itest_add_user(&F.srv, org_e, "expired-e", "reporter", &expired) ||
        itest_add_user(&F.srv, org_g, "auth-g", "authority", &auth_g))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    itest_fixture_teardown(&F);
    return 0;
}

/* Clearances: set by the platform administrator only (audited), validated against the
 * levels' data; an expired one is stored and reported as not effective. */
static void test_clearances(void **state)
{
    struct itest_resp r;
    char path[128];
    int64_t now = (int64_t)time(NULL);
    (void)state;
    set_clearance(cleared.id, "jp-ceis", now - 86400, now + 365 * 86400, 200);
    set_clearance(expired.id, "jp-ceis", now - 3 * 86400, now - 86400, 200);
    set_clearance(cleared.id, "jp-ceis", now, now + 11 * 366 * 86400LL, 422); /* beyond 10 y */
    set_clearance(cleared.id, "no-such-level", now, now + 86400, 422);
    snprintf(path, sizeof(path), "/api/v1/users/%s/clearance", cleared.id);
    assert_int_equal(call("GET", F.admin.token, path, NULL, NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/level"), "jp-ceis");
    assert_true(json_is_true(json_object_get(r.json, "effective")));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/users/%s/clearance", expired.id);
    assert_int_equal(call("GET", F.admin.token, path, NULL, NULL, &r), 200);
    assert_true(json_is_false(json_object_get(r.json, "effective")));
    itest_resp_release(&r);
    /* only the platform administrator; a user's own organisation administrator cannot */
    assert_int_equal(call("GET", F.authority.token, path, NULL, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("PUT", F.rep_a.token, path, "{\"level\":null}", NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.admin.token,
                          "/api/v1/users/0190aaaa-0000-7000-8000-000000000001/clearance", NULL,
                          NULL, &r),
                     404);
    itest_resp_release(&r);
    /* audited */
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "user.clearance_set"));
    itest_resp_release(&r);
}

static void make_matrix_advisories(void)
{
    static const char *const sector = "{\"sectors\":[\"electricity\"]}";
    char red[160], *b;
    snprintf(red, sizeof(red), "{\"users\":[\"%s\"]}", F.rep_b.id);
    for (int a = 0; a < A__COUNT; a++) {
        const char *aud = a == A_RED ? red : sector, *clr = NULL;
        if (a == A_CLEARANCE)
            clr = "\"jp-ceis\"";
        if (a == A_HOLDERS) {
            aud = "{\"clearance_holders\":true}";
            clr = "\"jp-ceis\"";
        }
        b = advisory_body(adv_label[a], adv_label[a], aud, clr);
        create(F.authority.token, b, adv_id[a]);
        free(b);
    }
}

/* The 404 of an id that was never issued, to compare forbidden reads with. */
static void missing_body(struct itest_resp *out)
{
    assert_int_equal(call("GET", F.rep_a.token,
                          "/api/v1/advisories/0190aaaa-0000-7000-8000-000000000fff", NULL, NULL,
                          out),
                     404);
}

/* A problem body without what echoes the request (its path, its request id): the rest must be
 * the same for a forbidden advisory and for one never issued. New reference. */
static json_t *problem_core(const struct itest_resp *r)
{
    json_t *j = r->json ? json_deep_copy(r->json) : json_object();
    json_object_del(j, "instance");
    json_object_del(j, "request_id");
    return j;
}

static void same_404(const struct itest_resp *missing, const struct itest_resp *r, const char *what,
                     struct buf *problems)
{
    json_t *a = problem_core(missing), *b = problem_core(r);
    if (r->status != 404 || !json_equal(a, b))
        buf_appendf(problems, "  %s: %ld %s\n", what, r->status, r->body);
    json_decref(a);
    json_decref(b);
}

/* Every advisory id the reader's whole feed lists, and its count. */
static void feed_of(enum reader rd, char *seen, size_t n, long *count)
{
    char path[256] = "/api/v1/advisories?limit=2";
    *count = 0;
    seen[0] = '\0';
    for (int page = 0; page < 50; page++) {
        struct itest_resp r;
        assert_int_equal(call("GET", token_of(rd), path, NULL, NULL, &r), 200);
        json_t *items = json_object_get(r.json, "items");
        assert_int_equal(itest_jint(r.json, "/count"), (json_int_t)json_array_size(items));
        *count += (long)json_array_size(items);
        for (size_t i = 0; i < json_array_size(items); i++) {
            size_t len = strlen(seen);
            snprintf(seen + len, n - len, "%s ", itest_jstr(json_array_get(items, i), "/id"));
        }
        const char *next = itest_jstr(r.json, "/next_cursor");
        if (next)
            snprintf(path, sizeof(path), "/api/v1/advisories?limit=2&cursor=%s", next);
        itest_resp_release(&r);
        if (!next)
            return;
    }
    fail_msg("the feed did not end");
}

static void check_cell(int a, enum reader rd, const struct itest_resp *missing, struct buf *bad)
{
    char path[384], what[160];
    struct itest_resp r;
    snprintf(what, sizeof(what), "%s × %s", adv_label[a], reader_name[rd]);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", adv_id[a]);
    call("GET", token_of(rd), path, NULL, NULL, &r);
    if (can_read[a][rd] && r.status != 200)
        buf_appendf(bad, "  %s: GET refused (%ld)\n", what, r.status);
    if (!can_read[a][rd])
        same_404(missing, &r, what, bad);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s?version=1", adv_id[a]);
    call("GET", token_of(rd), path, NULL, NULL, &r);
    if (can_read[a][rd] ? r.status != 200 : r.status != 404)
        buf_appendf(bad, "  %s: GET version 1 answered %ld\n", what, r.status);
    if (!can_read[a][rd])
        same_404(missing, &r, what, bad);
    itest_resp_release(&r);
    if (rd == R_ANON)
        return; /* acknowledging needs a token */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/acknowledge", adv_id[a]);
    call("POST", token_of(rd), path, NULL, NULL, &r);
    if (can_read[a][rd] ? r.status != 200 : r.status != 404)
        buf_appendf(bad, "  %s: acknowledge answered %ld\n", what, r.status);
    itest_resp_release(&r);
}

/* Every label × every reader × every read path: allowed reads answer, forbidden ones are
 * indistinguishable from a missing advisory, and feeds list and count exactly the readable. */
static void test_read_matrix(void **state)
{
    struct itest_resp missing;
    struct buf bad;
    char seen[4096];
    long count;
    (void)state;
    make_matrix_advisories();
    missing_body(&missing);
    buf_init(&bad, BUF_UNLIMITED);
    for (int rd = 0; rd < R__COUNT; rd++) {
        long want = 0;
        for (int a = 0; a < A__COUNT; a++) {
            check_cell(a, (enum reader)rd, &missing, &bad);
            want += can_read[a][rd];
        }
        feed_of((enum reader)rd, seen, sizeof(seen), &count);
        if (count != want)
            buf_appendf(&bad, "  feed of %s counts %ld, expected %ld\n", reader_name[rd], count,
                        want);
        for (int a = 0; a < A__COUNT; a++)
            if (!can_read[a][rd] && strstr(seen, adv_id[a]))
                buf_appendf(&bad, "  feed of %s lists %s\n", reader_name[rd], adv_label[a]);
    }
    itest_resp_release(&missing);
    if (bad.len)
        fail_msg("read matrix:\n%s", buf_cstr(&bad));
    buf_release(&bad);
}

/* The sources an advisory draws on: their ids for the originating organisation only; everyone
 * else sees the same de-identified reference. */
static void test_sources_deidentified(void **state)
{
    struct itest_resp r, s;
    char path[128];
    (void)state;
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", adv_id[A_GREEN]);
    assert_int_equal(call("GET", F.authority.token, path, NULL, NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/advisory/sources/0/incident_id"),
                        "0190aaaa-0000-7000-8000-00000000beef");
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &s), 200);
    assert_null(strstr(s.body, "0190aaaa-0000-7000-8000-00000000beef"));
    assert_string_equal(itest_jstr(s.json, "/advisory/sources/0/ref"),
                        itest_jstr(r.json, "/advisory/sources/0/ref"));
    itest_resp_release(&r);
    itest_resp_release(&s);
}

/* Amend (If-Match), downgrade (originator only, audited), withdraw, acknowledgements. */
static void test_life(void **state)
{
    struct itest_resp r;
    char id[40], path[160], *b;
    (void)state;
    b = advisory_body("life", "TLP:AMBER", "{\"sectors\":[\"electricity\"]}", NULL);
    create(F.authority.token, b, id);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/versions", id);
    assert_int_equal(call("POST", F.authority.token, path, b, NULL, &r), 428);
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.authority.token, path, b, "\"v2\"", &r), 412);
    assert_string_equal(r.etag, "\"v1\"");
    itest_resp_release(&r);
    /* wrong role, wrong organisation (an authority that cannot read it, one that can) */
    assert_int_equal(call("POST", rep_e.token, path, b, "\"v1\"", &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("POST", auth_g.token, path, b, "\"v1\"", &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.authority.token, path, b, "\"v1\"", &r), 201);
    assert_int_equal(itest_jint(r.json, "/version"), 2);
    itest_resp_release(&r);
    /* the energy operator acknowledges v2; the author sees it; the feed's filter */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/acknowledge", id);
    assert_int_equal(call("POST", rep_e.token, path, NULL, NULL, &r), 200);
    assert_int_equal(itest_jint(r.json, "/acknowledged_version"), 2);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/acknowledgements", id);
    assert_int_equal(call("GET", F.authority.token, path, NULL, NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/items/0/organization_id"), org_e);
    itest_resp_release(&r);
    assert_int_equal(call("GET", rep_e.token, path, NULL, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("GET", auth_g.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("GET", rep_e.token, "/api/v1/advisories?unacknowledged=true&limit=200",
                          NULL, NULL, &r),
                     200);
    assert_null(strstr(r.body, id));
    itest_resp_release(&r);
    /* a downgrade: not by another authority, not upwards, then by the originator */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/tlp", id);
    assert_int_equal(call("PUT", auth_g.token, path, "{\"tlp\":\"TLP:GREEN\"}", "\"v2\"", &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("PUT", F.authority.token, path, "{\"tlp\":\"TLP:RED\"}", "\"v2\"", &r),
                     422);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", id);
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/tlp", id);
    assert_int_equal(call("PUT", F.authority.token, path, "{\"tlp\":\"TLP:GREEN\"}", "\"v2\"", &r),
                     200);
    assert_string_equal(itest_jstr(r.json, "/tlp"), "TLP:GREEN");
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", id);
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 200); /* now GREEN */
    itest_resp_release(&r);
    /* the older AMBER version stays AMBER */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s?version=1", id);
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
    /* a GREEN advisory another authority can read is still not its to change */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/tlp", id);
    assert_int_equal(call("PUT", auth_g.token, path, "{\"tlp\":\"TLP:CLEAR\"}", "\"v3\"", &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "advisory.tlp_downgrade"));
    assert_non_null(strstr(r.body, "advisory.amend"));
    assert_non_null(strstr(r.body, "advisory.acknowledge"));
    itest_resp_release(&r);
    /* withdrawn: kept, marked; no further change */
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/withdraw", id);
    assert_int_equal(call("POST", F.authority.token, path, "{}", NULL, &r), 422);
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.authority.token, path, "{\"reason\":\"superseded\"}", NULL, &r),
                     200);
    assert_string_equal(itest_jstr(r.json, "/withdrawn/reason"), "superseded");
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.authority.token, path, "{\"reason\":\"again\"}", NULL, &r),
                     409);
    assert_string_equal(itest_problem_code(&r), "advisory_withdrawn");
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/versions", id);
    assert_int_equal(call("POST", F.authority.token, path, b, "\"v3\"", &r), 409);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "advisory.withdraw"));
    itest_resp_release(&r);
    free(b);
}

/* The targeted organisation is told; an AMBER notification carries no content, a GREEN one
 * its title; an organisation outside the audience is told nothing. */
static void test_notifications(void **state)
{
    struct itest_resp r;
    char path[160], id_amber[40], id_green[40], *b;
    (void)state;
    b = advisory_body("秘密の表題", "TLP:AMBER", "{\"sectors\":[\"electricity\"]}", NULL);
    create(F.authority.token, b, id_amber);
    free(b);
    b = advisory_body("公開の表題", "TLP:GREEN", "{\"sectors\":[\"electricity\"]}", NULL);
    create(F.authority.token, b, id_green);
    free(b);
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications", org_e);
    assert_int_equal(call("GET", rep_e.token, path, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, id_amber));
    assert_non_null(strstr(r.body, id_green));
    assert_null(strstr(r.body, "秘密の表題"));
    assert_non_null(strstr(r.body, "公開の表題"));
    assert_non_null(strstr(r.body, "advisory.published"));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications", F.org_a);
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 200);
    assert_null(strstr(r.body, id_amber));
    assert_null(strstr(r.body, id_green));
    itest_resp_release(&r);
    /* every organisation of the audience is told, each once, and again for an amendment */
    char aud[160], both[40];
    snprintf(aud, sizeof(aud), "{\"sectors\":[\"electricity\"],\"organizations\":[\"%s\"]}",
             F.org_a);
    b = advisory_body("二組織宛て", "TLP:AMBER", aud, NULL);
    create(F.authority.token, b, both);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/versions", both);
    assert_int_equal(call("POST", F.authority.token, path, b, "\"v1\"", &r), 201);
    itest_resp_release(&r);
    free(b);
    const struct {
        const char *org, *token;
    } told[] = {{org_e, rep_e.token}, {F.org_a, F.rep_a.token}};
    for (size_t i = 0; i < ARRAY_SIZE(told); i++) {
        snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications", told[i].org);
        assert_int_equal(call("GET", told[i].token, path, NULL, NULL, &r), 200);
        const char *p = strstr(r.body, both);
        if (!p || !strstr(r.body, "advisory.amended"))
            fail_msg("organisation %zu was not told of the advisory and its amendment: %s", i,
                     r.body);
        itest_resp_release(&r);
    }
}

/* The feed's filters: by sector (audience or affected), by time, and bad queries refused. */
static void test_feed_filters(void **state)
{
    struct itest_resp r;
    (void)state;
    assert_int_equal(
        call("GET", rep_e.token, "/api/v1/advisories?sector=electricity&limit=200", NULL, NULL, &r),
        200);
    assert_non_null(strstr(r.body, adv_id[A_GREEN]));
    itest_resp_release(&r);
    assert_int_equal(
        call("GET", rep_e.token, "/api/v1/advisories?sector=finance&limit=200", NULL, NULL, &r),
        200);
    assert_int_equal(itest_jint(r.json, "/count"), 0);
    itest_resp_release(&r);
    assert_int_equal(
        call("GET", rep_e.token, "/api/v1/advisories?since=2999-01-01T00:00:00Z", NULL, NULL, &r),
        200);
    assert_int_equal(itest_jint(r.json, "/count"), 0);
    itest_resp_release(&r);
    assert_int_equal(call("GET", rep_e.token, "/api/v1/advisories?since=yesterday", NULL, NULL, &r),
                     400);
    itest_resp_release(&r);
    assert_int_equal(
        call("GET", rep_e.token, "/api/v1/advisories?unacknowledged=maybe", NULL, NULL, &r), 400);
    itest_resp_release(&r);
    assert_int_equal(call("GET", rep_e.token, "/api/v1/advisories?cursor=zz", NULL, NULL, &r), 400);
    itest_resp_release(&r);
    assert_int_equal(
        call("GET", rep_e.token, "/api/v1/advisories?include_expired=1", NULL, NULL, &r), 400);
    assert_non_null(strstr(r.body, "include_expired"));
    itest_resp_release(&r);
}

/* The validity period: an advisory whose period ended leaves the feed (it is still readable by
 * id, marked not in force) unless include_expired=true; one in its period is in force. */
static void test_validity(void **state)
{
    struct itest_resp r;
    char old[40], cur[40], path[96];
    (void)state;
    char *b = advisory_body("expired", "TLP:GREEN", "{}", NULL);
    json_t *doc = json_loads(b, 0, NULL);
    free(b);
    json_object_set_new(doc, "valid_from", json_string("2020-01-01T00:00:00Z"));
    json_object_set_new(doc, "valid_until", json_string("2021-01-01T00:00:00Z"));
    b = itest_dump(doc);
    json_decref(doc);
    create(F.authority.token, b, old);
    free(b);
    b = advisory_body("current", "TLP:GREEN", "{}", NULL);
    create(F.authority.token, b, cur);
    free(b);
    assert_int_equal(call("GET", rep_e.token, "/api/v1/advisories?limit=200", NULL, NULL, &r), 200);
    assert_null(strstr(r.body, old));
    assert_non_null(strstr(r.body, cur));
    assert_true(json_is_true(
        json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "in_force")));
    itest_resp_release(&r);
    assert_int_equal(call("GET", rep_e.token, "/api/v1/advisories?limit=200&include_expired=true",
                          NULL, NULL, &r),
                     200);
    assert_non_null(strstr(r.body, old));
    assert_non_null(strstr(r.body, cur));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", old);
    assert_int_equal(call("GET", rep_e.token, path, NULL, NULL, &r), 200);
    assert_true(json_is_false(json_object_get(r.json, "in_force")));
    assert_string_equal(itest_jstr(r.json, "/valid_until"), "2021-01-01T00:00:00.000Z");
    itest_resp_release(&r);
}

static bool has_error(const struct itest_resp *r, const char *ptr, const char *code)
{
    json_t *errs = json_object_get(r->json, "errors");
    for (size_t i = 0; i < json_array_size(errs); i++) {
        json_t *e = json_array_get(errs, i);
        if (!strcmp(json_string_value(json_object_get(e, "pointer")) ?: "", ptr) &&
            !strcmp(json_string_value(json_object_get(e, "code")) ?: "", code))
            return true;
    }
    return false;
}

/* Every problem of a bad advisory at once, each with its pointer; writers only. */
static void test_validation_and_roles(void **state)
{
    struct itest_resp r;
    (void)state;
    const char *bad =
        "{\"title\":{\"fr\":\"x\"},\"urgency\":\"soon\",\"importance\":\"high\","
        "\"summary\":{\"en\":\"s\"},\"tlp\":\"TLP:PURPLE\",\"techniques\":[\"X1234\"],"
        "\"affected\":{\"cves\":[\"CVE-1\"],\"products\":[\"cpe:/a:x\"]},"
        "\"indicators\":[{\"type\":\"ipv4\",\"value\":\"999.1.1.1\"},"
        "{\"type\":\"domain\",\"value\":\"bad[.]example\"}],\"required_clearance\":\"nope\","
        "\"audience\":{\"sectors\":[\"moon\"]},\"bogus\":1}";
    assert_int_equal(call("POST", F.authority.token, "/api/v1/advisories", bad, NULL, &r), 422);
    assert_true(has_error(&r, "/title/fr", "unknown_field"));
    assert_true(has_error(&r, "/title", "required"));
    assert_true(has_error(&r, "/urgency", "enum"));
    assert_true(has_error(&r, "/tlp", "enum"));
    assert_true(has_error(&r, "/techniques/0", "format"));
    assert_true(has_error(&r, "/affected/cves/0", "format"));
    assert_true(has_error(&r, "/affected/products/0", "format"));
    assert_true(has_error(&r, "/indicators/0/value", "format"));
    assert_true(has_error(&r, "/indicators/1/value", "format"));
    assert_true(has_error(&r, "/required_clearance", "enum"));
    assert_true(has_error(&r, "/audience/sectors/0", "format"));
    assert_true(has_error(&r, "/bogus", "unknown_field"));
    itest_resp_release(&r);
    char *b = advisory_body("roles", "TLP:GREEN", "{}", NULL);
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/advisories", b, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.recipient.token, "/api/v1/advisories", b, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.admin.token, "/api/v1/advisories", b, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("POST", NULL, "/api/v1/advisories", b, NULL, &r), 401);
    itest_resp_release(&r);
    /* a token that is sent must be valid even where none is needed */
    assert_int_equal(call("GET", "ichi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          "/api/v1/advisories", NULL, NULL, &r),
                     401);
    itest_resp_release(&r);
    free(b);
}

/* The operator's CLI sets and removes a clearance with the API's checks and audit entry. */
static void test_cli_set_clearance(void **state)
{
    struct itest_resp r;
    char until[32], path[128], *out = NULL;
    (void)state;
    iso((int64_t)time(NULL) + 30 * 86400, until);
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "admin", "set-clearance", "--username", "rep-e",
                               "--level", "jp-sds", "--expires-at", until, NULL),
                     0);
    free(out);
    out = NULL;
    snprintf(path, sizeof(path), "/api/v1/users/%s/clearance", rep_e.id);
    assert_int_equal(call("GET", F.admin.token, path, NULL, NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/level"), "jp-sds");
    itest_resp_release(&r);
    assert_int_not_equal(itest_cli(&F.srv, NULL, &out, "admin", "set-clearance", "--username",
                                   "rep-e", "--level", "bogus", "--expires-at", until, NULL),
                         0);
    free(out);
    out = NULL;
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "admin", "set-clearance", "--username", "rep-e",
                               "--level", "none", NULL),
                     0);
    free(out);
    assert_int_equal(call("GET", F.admin.token, path, NULL, NULL, &r), 200);
    assert_true(json_is_null(json_object_get(r.json, "level")));
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "user.clearance_revoke"));
    itest_resp_release(&r);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clearances),
        cmocka_unit_test(test_read_matrix),
        cmocka_unit_test(test_sources_deidentified),
        cmocka_unit_test(test_life),
        cmocka_unit_test(test_notifications),
        cmocka_unit_test(test_feed_filters),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_validation_and_roles),
        cmocka_unit_test(test_cli_set_clearance),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
