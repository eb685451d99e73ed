/*
 * itest_correlate.c — correlation across reports (issue 13 item 3; src/app/app_correlate.h)
 * through the real server: the 201 of a create and of an amendment carries the summary; counts
 * appear only from k organisations (k = 2 here, the setting sharing_k_anonymity), sectors under
 * the same rule; the organisation's own incidents are counted apart; no answer holds another
 * organisation's or incident's id or name; an amendment removes the old indicators, a
 * withdrawal all of them; a restart rebuilds the same picture from the store; the authority a
 * submission was routed to sees the same counts without the reporter's own incidents.
 */
#include "itest.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;
static const char *const settings[] = {"--sharing-k-anonymity=2", NULL};
/* D and E: companies in the finance sector; G in electricity. */
static char org_d[40], org_e[40], org_g[40];
static struct itest_user rep_d, rep_e, rep_g;

#define IP "45.9.148.10"
#define PARENT "bad-c2.xyz"
#define CHILD "a.bad-c2.xyz"

static int add_org(const char *name, const char *sector, char id[40], const char *user,
                   struct itest_user *u)
{
    char *out = NULL;
    int rc = itest_cli(&F.srv, NULL, &out, "admin", "create-org", "--name-ja", name, "--name-en",
                       name, "--kind", "company", "--sector", sector, NULL);
    size_t n = out ? strcspn(out, "\n") : 0;
    if (rc || n == 0 || n >= 40) {
        fprintf(stderr, "create-org %s: %d %s\n", name, rc, out ? out : "");
        free(out);
        return -1;
    }
    memcpy(id, out, n);
    id[n] = '\0';
    free(out);
    return itest_add_user(&F.srv, id, user, "reporter", u);
}

static int setup(void **state)
{
    (void)state;
    if (itest_fixture_setup(&F, settings))
        return -1;
    return add_org("相関金融D", "finance", org_d, "rep-d", &rep_d) ||
           add_org("相関金融E", "finance", org_e, "rep-e", &rep_e) ||
           add_org("相関電力G", "electricity", org_g, "rep-g", &rep_g);
}

static int teardown(void **state)
{
    (void)state;
    itest_fixture_teardown(&F);
    return 0;
}

/* A report (the early-warning example, or the full one) with the indicators given as
 * type, value pairs, NULL-ended. Caller frees. */
static char *report_body(bool full, const char *type, ...)
{
    va_list ap;
    json_t *doc =
        full ? itest_load_json("docs/examples/full-report.json") : itest_report_doc("相関テスト");
    json_t *threat = json_object_get(doc, "threat");
    if (!threat)
        json_object_set_new(doc, "threat", threat = json_object());
    json_t *list = json_array();
    va_start(ap, type);
    for (; type; type = va_arg(ap, const char *))
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "type", type, "value",
                                              va_arg(ap, const char *), "role", "c2"));
    va_end(ap);
    json_object_set_new(threat, "indicators", list);
    char *body = itest_dump(doc);
    json_decref(doc);
    return body;
}

/* Files a report; its id to id, the answer's correlation (new reference) returned. */
static json_t *file(const struct itest_user *u, char *body, char id[40], char **raw)
{
    struct itest_resp r;
    assert_int_equal(itest_post(&F.srv, u->token, "/api/v1/reports", body, &r), 201);
    free(body);
    xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    json_t *c = json_incref(json_object_get(r.json, "correlation"));
    assert_non_null(c);
    if (raw) /* the summary alone: the rest of the answer is the reporter's own report */
        *raw = itest_dump(c);
    itest_resp_release(&r);
    return c;
}

/* GET …/correlation of a report (as u); new reference, the raw body to *raw when wanted. */
static json_t *picture(const struct itest_user *u, const char *fmt, const char *id, char **raw)
{
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), fmt, id);
    long st = itest_get(&F.srv, u->token, path, &r);
    if (st != 200)
        fprintf(stderr, "%s: %ld %s\n", path, st, r.body);
    assert_int_equal(st, 200);
    json_t *c = json_incref(r.json);
    if (raw)
        *raw = xstrdup(r.body);
    itest_resp_release(&r);
    return c;
}

/* The summary of the indicator with this value. */
static json_t *ind(json_t *c, const char *value)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c, "indicators"), i, it)
    {
        if (!strcmp(itest_jstr(it, "/value"), value))
            return it;
    }
    fail_msg("no indicator %s", value);
    return NULL;
}

static bool seen(json_t *c, const char *value)
{
    return json_is_true(json_object_get(ind(c, value), "seen_elsewhere"));
}

static json_int_t count(json_t *c, const char *value, const char *key)
{
    return itest_jint(ind(c, value), key);
}

static char rep_a1[40], rep_a2[40], rep_b1[40], rep_d1[40], rep_e1[40];
static char *saved_picture; /* A's picture before the restart */

static void assert_no_ids(const char *raw)
{
    const char *const others[] = {F.org_b, org_d,  org_e,      org_g,     rep_b1,
                                  rep_d1,  rep_e1, "相関金融", "相関電力"};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++)
        if (others[i][0] && strstr(raw, others[i]))
            fail_msg("the answer names %s: %s", others[i], raw);
}

static void test_counts_and_k(void **state)
{
    (void)state;
    char *raw;
    /* A first: nothing elsewhere */
    json_t *c = file(&F.rep_a, report_body(false, "ipv4", IP, "domain", CHILD, NULL), rep_a1, NULL);
    assert_false(seen(c, IP));
    assert_int_equal(count(c, IP, "/own_incidents"), 0);
    assert_int_equal(itest_jint(c, "/k"), 2);
    json_decref(c);
    /* B (sector none): one other organisation — seen, no counts */
    c = file(&F.rep_b, report_body(false, "ipv4", IP, NULL), rep_b1, &raw);
    assert_true(seen(c, IP));
    assert_null(json_object_get(ind(c, IP), "incidents"));
    assert_null(json_object_get(ind(c, IP), "organisations"));
    assert_no_ids(raw);
    free(raw);
    json_decref(c);
    /* D (finance) with the address and the parent domain of A's: A and B have the address
     * (reports carry single addresses: blocks are matched in the unit test) */
    c = file(&rep_d, report_body(false, "ipv4", IP, "domain", PARENT, NULL), rep_d1, NULL);
    assert_int_equal(count(c, IP, "/incidents"), 2);
    assert_int_equal(count(c, IP, "/organisations"), 2);
    assert_int_equal(count(c, IP, "/last_30_days"), 2);
    /* a domain finds itself and the domains above it, not the names under it (ioc_index.h):
     * A's a.bad-c2.xyz is not D's match, while D's bad-c2.xyz is A's (below) */
    assert_false(seen(c, PARENT));
    json_decref(c);
    /* E (finance), exact address */
    c = file(&rep_e, report_body(false, "ipv4", IP, NULL), rep_e1, NULL);
    json_decref(c);

    /* A's picture now: B, D and E — three organisations */
    c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, &raw);
    assert_int_equal(count(c, IP, "/incidents"), 3);
    assert_int_equal(count(c, IP, "/organisations"), 3);
    assert_int_equal(count(c, IP, "/own_incidents"), 0);
    json_t *bs = json_object_get(ind(c, IP), "by_sector");
    assert_int_equal(json_array_size(bs), 1); /* finance: D and E; "none" (B) alone is hidden */
    assert_string_equal(itest_jstr(json_array_get(bs, 0), "/sector"), "finance");
    assert_int_equal(itest_jint(json_array_get(bs, 0), "/organisations"), 2);
    assert_null(json_object_get(ind(c, IP), "other_sectors")); /* one organisation: not shown */
    assert_no_ids(raw);
    free(raw);
    json_decref(c);

    /* A's second incident: its own first one is counted apart, never mixed */
    c = file(&F.rep_a, report_body(false, "ipv4", IP, NULL), rep_a2, NULL);
    assert_int_equal(count(c, IP, "/own_incidents"), 1);
    assert_int_equal(count(c, IP, "/incidents"), 3);
    json_decref(c);
}

static void test_other_org_and_roles(void **state)
{
    (void)state;
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/correlation", rep_a1);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.authority.token, path, &r), 403);
    itest_resp_release(&r);
}

/* Amends rep_b1 (If-Match v1) to carry another address instead. */
static void amend_b(void)
{
    struct itest_resp r;
    char path[160];
    char *body = report_body(false, "ipv4", "45.9.149.20", NULL);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", rep_b1);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.rep_b.token,
                                   .body = body,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    free(body);
    assert_int_equal(r.status, 201);
    assert_false(seen(json_object_get(r.json, "correlation"), "45.9.149.20"));
    itest_resp_release(&r);
}

static void withdraw(const struct itest_user *u, const char *id)
{
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/withdraw", id);
    assert_int_equal(itest_post(&F.srv, u->token, path, "{\"reason\":\"重複\"}", &r), 200);
    itest_resp_release(&r);
}

static void test_amend_withdraw_restart(void **state)
{
    (void)state;
    amend_b(); /* B no longer has the address: D and E remain */
    json_t *c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, NULL);
    assert_int_equal(count(c, IP, "/incidents"), 2);
    assert_int_equal(count(c, IP, "/organisations"), 2);
    assert_int_equal(count(c, IP, "/own_incidents"), 1);
    json_decref(c);
    withdraw(&rep_e, rep_e1); /* E withdrawn: only D, one organisation */
    c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, &saved_picture);
    assert_true(seen(c, IP));
    assert_null(json_object_get(ind(c, IP), "incidents"));
    assert_true(seen(c, CHILD)); /* D's parent domain */
    json_decref(c);

    /* the index is rebuilt from the store: the same picture */
    assert_int_equal(itest_server_stop(&F.srv, SIGTERM), 0);
    assert_int_equal(itest_server_start(&F.srv), 0);
    char *raw;
    c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, &raw);
    assert_string_equal(raw, saved_picture);
    free(raw);
    free(saved_picture);
    json_decref(c);
    /* and D's withdrawal afterwards still removes it */
    withdraw(&rep_d, rep_d1);
    c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, NULL);
    assert_false(seen(c, IP));
    assert_false(seen(c, CHILD));
    json_decref(c);
}

/* Submits a full report of A to the NCO (an inbox recipient bound to C); its inbox submission's
 * id to sub. */
static void submit_full(const char *report_id, char sub[40])
{
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", report_id);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.rep_a.token,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    assert_int_equal(r.status, 201);
    size_t i;
    json_t *it;
    sub[0] = '\0';
    json_array_foreach(json_object_get(r.json, "submitted"), i, it)
    {
        if (!strcmp(itest_jstr(it, "/channel"), "inbox"))
            xstrlcpy(sub, itest_jstr(it, "/id"), 40);
    }
    assert_true(sub[0] != '\0');
    itest_resp_release(&r);
}

static void test_authority_view(void **state)
{
    (void)state;
    struct itest_resp r;
    char bind[96], full_id[40], sub[40], other[40], *raw;
    snprintf(bind, sizeof(bind), "{\"org_id\":\"%s\"}", F.org_c);
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = "/api/v1/recipients/nco/binding",
                                   .token = F.admin.token,
                                   .body = bind},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    /* G and B (two organisations) and A itself have the hash elsewhere */
    const char *h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    json_decref(file(&rep_g, report_body(false, "sha256", h, NULL), other, NULL));
    json_decref(file(&F.rep_b, report_body(false, "sha256", h, NULL), other, NULL));
    json_decref(file(&F.rep_a, report_body(false, "sha256", h, NULL), other, NULL));
    json_t *c = file(&F.rep_a, report_body(true, "sha256", h, NULL), full_id, NULL);
    assert_int_equal(count(c, h, "/own_incidents"), 1);
    json_decref(c);
    submit_full(full_id, sub);

    c = picture(&F.authority, "/api/v1/inbox/%s/correlation", sub, &raw);
    assert_int_equal(count(c, h, "/incidents"), 2);
    assert_int_equal(count(c, h, "/organisations"), 2);
    assert_null(json_object_get(ind(c, h), "own_incidents")); /* A's other one: not said */
    assert_no_ids(raw);
    assert_null(strstr(raw, other));
    free(raw);
    json_decref(c);
    /* the reporting side cannot use the inbox route */
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/inbox/%s/correlation", sub);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 403);
    itest_resp_release(&r);
}

/* Sightings: any organisation's member records one (the administrator cannot); counts come
 * back only from k organisations, never who; false positives from k organisations mark the
 * indicator disputed in correlation summaries. */
static long sight(const struct itest_user *u, const char *body, struct itest_resp *r)
{
    return itest_post(&F.srv, u->token, "/api/v1/sightings", body, r);
}

static void test_sightings(void **state)
{
    (void)state;
    struct itest_resp r;
    const char *fp = "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":\"false_positive\","
                     "\"count\":2,\"first_seen\":\"2026-12-05T22:10:00+09:00\"}";
    const char *q = "/api/v1/sightings?type=ipv4&value=45.9.148.10";
    assert_int_equal(sight(&F.admin, fp, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(sight(&F.rep_b, "{\"type\":\"ipv4\",\"value\":\"1.2.3\",\"kind\":\"x\"}", &r),
                     422);
    assert_non_null(strstr(r.body, "\"/kind\""));
    assert_non_null(strstr(r.body, "\"/value\""));
    itest_resp_release(&r);
    assert_int_equal(sight(&F.rep_b, fp, &r), 201);
    itest_resp_release(&r);

    /* a label that is not TLP 2.0's is named; a TLP:RED false positive of a second organisation
     * is its own only: not "reported", not counted, never disputing */
    assert_int_equal(sight(&rep_d,
                           "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":\"seen\","
                           "\"tlp\":\"TLP:PURPLE\"}",
                           &r),
                     422);
    assert_non_null(strstr(r.body, "\"/tlp\""));
    itest_resp_release(&r);
    assert_int_equal(sight(&rep_d,
                           "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":"
                           "\"false_positive\",\"count\":5,\"tlp\":\"TLP:RED\"}",
                           &r),
                     201);
    itest_resp_release(&r);
    assert_int_equal(sight(&rep_d,
                           "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":\"seen\","
                           "\"tlp\":\"TLP:RED\"}",
                           &r),
                     201);
    itest_resp_release(&r);

    /* one organisation: reported, no figures, not disputed */
    assert_int_equal(itest_get(&F.srv, rep_g.token, q, &r), 200);
    assert_false(json_is_true(json_object_get(json_object_get(r.json, "seen"), "reported")));
    assert_true(
        json_is_true(json_object_get(json_object_get(r.json, "false_positive"), "reported")));
    assert_null(json_object_get(json_object_get(r.json, "false_positive"), "organisations"));
    assert_false(json_is_true(json_object_get(r.json, "disputed")));
    itest_resp_release(&r);
    json_t *c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, NULL);
    assert_false(json_is_true(json_object_get(ind(c, IP), "disputed")));
    json_decref(c);

    /* a second organisation (k = 2): figures, disputed */
    assert_int_equal(sight(&rep_g, fp, &r), 201);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, q, &r), 200);
    assert_int_equal(itest_jint(r.json, "/false_positive/organisations"), 2);
    assert_int_equal(itest_jint(r.json, "/false_positive/sightings"), 4);
    assert_false(json_is_true(json_object_get(json_object_get(r.json, "seen"), "reported")));
    assert_true(json_is_true(json_object_get(r.json, "disputed")));
    assert_no_ids(r.body);
    itest_resp_release(&r);
    c = picture(&F.rep_a, "/api/v1/reports/%s/correlation", rep_a1, NULL);
    assert_true(json_is_true(json_object_get(ind(c, IP), "disputed")));
    json_decref(c);
    assert_int_equal(
        itest_get(&F.srv, F.rep_a.token, "/api/v1/sightings?type=file_name&value=x", &r), 400);
    itest_resp_release(&r);
}

/* A report whose indicators' own section is labelled TLP:RED (confidentiality.section_tlp.threat)
 * counts, like a TLP:RED report, for its own organisation only: another organisation filing the
 * same address is not told it was seen elsewhere. */
static void test_section_red(void **state)
{
    char g1[40], d2[40];
    (void)state;
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    json_object_set_new(
        json_object_get(doc, "threat"), "indicators",
        json_pack("[{s:s, s:s, s:s}]", "type", "ipv4", "value", "45.9.148.99", "role", "c2"));
    json_object_set_new(json_object_get(json_object_get(doc, "confidentiality"), "section_tlp"),
                        "threat", json_string("TLP:RED"));
    json_decref(file(&rep_g, itest_dump(doc), g1, NULL));
    json_decref(doc);
    json_t *c = file(&rep_d, report_body(false, "ipv4", "45.9.148.99", NULL), d2, NULL);
    assert_false(seen(c, "45.9.148.99"));
    json_decref(c);
}

/* ---- advisories in the correlation (issue 13 item 3: "every other report and advisory") ---- */

#define ADV_DOMAIN "adv-c2.top"
#define ADV_SUB "x.adv-c2.top"
#define ADV_IP "45.9.149.7"

/* An advisory of the authority (C) with the label, audience, indicators (a JSON array) and
 * validity given; its id to id. */
static void advise(const char *title, const char *tlp, const char *audience, const char *inds,
                   const char *from, const char *until, char id[40])
{
    struct itest_resp r;
    char *b = NULL;
    int n = asprintf(&b,
                     "{\"title\":{\"ja\":\"%s\",\"en\":\"%s\"},"
                     "\"summary\":{\"ja\":\"要約\",\"en\":\"Summary\"},"
                     "\"urgency\":\"high\",\"importance\":\"high\","
                     "\"indicators\":%s,\"valid_from\":\"%s\",\"valid_until\":\"%s\","
                     "\"tlp\":\"%s\",\"audience\":%s}",
                     title, title, inds, from, until, tlp, audience);
    assert_true(n > 0);
    long st = itest_post(&F.srv, F.authority.token, "/api/v1/advisories", b, &r);
    if (st != 201)
        fail_msg("advisory %s: %ld %s", title, st, r.body);
    xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
    free(b);
}

/* The ids of the advisories named under an indicator's summary, in order, space-separated. */
static void named(json_t *c, const char *value, char *out, size_t n)
{
    size_t i;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(ind(c, value), "advisories"), i, it)
    {
        snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", itest_jstr(it, "/id"));
    }
}

static char adv_green[40], adv_amber[40], adv_red[40], adv_old[40], adv_gone[40];
static char rep_dx[40], rep_gx[40], rep_ex[40];

#define FAR "2036-01-01T00:00:00Z"

/* Whether u's organisation was notified of advisory id (with event, when not NULL). */
static bool notified(const struct itest_user *u, const char *id, const char *event)
{
    struct itest_resp r;
    char path[160];
    bool hit = false;
    size_t i;
    json_t *it;
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications?limit=200", u->org_id);
    assert_int_equal(itest_get(&F.srv, u->token, path, &r), 200);
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        char *text = json_dumps(it, 0);
        if (strstr(text, id) && (!event || strstr(text, event)))
            hit = true;
        free(text);
    }
    itest_resp_release(&r);
    return hit;
}

/* A new version of advisory id (the authority's) with the address only. */
static void amend_keeping(const char *id, const char *title, const char *tlp, const char *audience)
{
    struct itest_resp r;
    char path[160], im[16], *b = NULL;
    assert_true(asprintf(&b,
                         "{\"title\":{\"ja\":\"%s\",\"en\":\"%s\"},"
                         "\"summary\":{\"ja\":\"要約\",\"en\":\"Summary\"},"
                         "\"urgency\":\"high\",\"importance\":\"high\","
                         "\"indicators\":[{\"type\":\"ipv4\",\"value\":\"" ADV_IP "\"}],"
                         "\"valid_from\":\"2026-01-01T00:00:00Z\",\"valid_until\":\"" FAR "\","
                         "\"tlp\":\"%s\",\"audience\":%s}",
                         title, title, tlp, audience) > 0);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", id);
    assert_int_equal(itest_get(&F.srv, F.authority.token, path, &r), 200);
    snprintf(im, sizeof(im), "If-Match: \"v%d\"", (int)itest_jint(r.json, "/latest_version"));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/versions", id);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .method = "POST", .path = path, .token = F.authority.token, .body = b, .headers = {im}},
        &r);
    free(b);
    if (r.status != 201)
        fail_msg("amend %s: %ld %s", id, r.status, r.body);
    itest_resp_release(&r);
}

static void test_advisories(void **state)
{
    char aud_red[96], want[256], got[256];
    (void)state;
    const char *both = "[{\"type\":\"domain\",\"value\":\"" ADV_DOMAIN "\"},"
                       "{\"type\":\"ipv4\",\"value\":\"" ADV_IP "\"}]";
    advise("緑", "TLP:GREEN", "{}", both, "2026-01-01T00:00:00Z", FAR, adv_green);
    advise("琥珀", "TLP:AMBER", "{\"sectors\":[\"electricity\"]}", both, "2026-01-01T00:00:00Z",
           FAR, adv_amber);
    snprintf(aud_red, sizeof(aud_red), "{\"users\":[\"%s\"]}", rep_d.id);
    advise("赤", "TLP:RED", aud_red, both, "2026-01-01T00:00:00Z", FAR, adv_red);
    advise("期限切れ", "TLP:GREEN", "{}", both, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z",
           adv_old);
    advise("取下げ", "TLP:GREEN", "{}", both, "2026-01-01T00:00:00Z", FAR, adv_gone);
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/withdraw", adv_gone);
    assert_int_equal(itest_post(&F.srv, F.authority.token, path, "{\"reason\":\"誤り\"}", &r), 200);
    itest_resp_release(&r);

    /* D (finance, named in the RED one): the expired one, red and green, newest first; the
     * amber one is for electricity; the withdrawn one is gone. A subdomain is covered. */
    json_t *c =
        file(&rep_d, report_body(false, "domain", ADV_SUB, "ipv4", ADV_IP, NULL), rep_dx, NULL);
    snprintf(want, sizeof(want), "%s %s %s", adv_old, adv_red, adv_green);
    named(c, ADV_SUB, got, sizeof(got));
    assert_string_equal(got, want);
    named(c, ADV_IP, got, sizeof(got));
    assert_string_equal(got, want);
    json_t *first = json_array_get(json_object_get(ind(c, ADV_SUB), "advisories"), 2);
    assert_string_equal(itest_jstr(first, "/indicator/value"), ADV_DOMAIN);
    assert_string_equal(itest_jstr(first, "/indicator/match"), "covers");
    assert_string_equal(itest_jstr(first, "/tlp"), "TLP:GREEN");
    assert_string_equal(itest_jstr(first, "/title/ja"), "緑");
    assert_true(json_is_true(json_object_get(first, "in_force")));
    json_t *old = json_array_get(json_object_get(ind(c, ADV_SUB), "advisories"), 0);
    assert_true(json_is_false(json_object_get(old, "in_force")));
    /* advisories are not incidents: nothing was seen elsewhere */
    assert_false(seen(c, ADV_SUB));
    assert_false(seen(c, ADV_IP));
    json_decref(c);

    /* G (electricity): the amber one too, not the red one; E (finance): neither */
    c = file(&rep_g, report_body(false, "ipv4", ADV_IP, NULL), rep_gx, NULL);
    snprintf(want, sizeof(want), "%s %s %s", adv_old, adv_amber, adv_green);
    named(c, ADV_IP, got, sizeof(got));
    assert_string_equal(got, want);
    json_decref(c);
    char *raw;
    c = file(&rep_e, report_body(false, "ipv4", ADV_IP, NULL), rep_ex, &raw);
    snprintf(want, sizeof(want), "%s %s", adv_old, adv_green);
    named(c, ADV_IP, got, sizeof(got));
    assert_string_equal(got, want);
    assert_null(strstr(raw, adv_red)); /* no trace of what E may not read */
    assert_null(strstr(raw, adv_amber));
    free(raw);
    json_decref(c);

    /* the author's view of its advisory: the incidents (D, G, E: three organisations, k = 2),
     * never who, and its other advisories naming the address, not itself */
    c = picture(&F.authority, "/api/v1/advisories/%s/correlation", adv_green, &raw);
    assert_int_equal(count(c, ADV_IP, "/incidents"), 3);
    assert_int_equal(count(c, ADV_IP, "/organisations"), 3);
    assert_null(json_object_get(ind(c, ADV_IP), "own_incidents"));
    snprintf(want, sizeof(want), "%s %s %s", adv_old, adv_red, adv_amber);
    named(c, ADV_IP, got, sizeof(got));
    assert_string_equal(got, want);
    assert_no_ids(raw);
    assert_null(strstr(raw, rep_dx));
    free(raw);
    json_decref(c);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/correlation", adv_green);
    assert_int_equal(itest_get(&F.srv, rep_d.token, path, &r), 403); /* a reporter */
    itest_resp_release(&r);

    /* an amendment that drops the domain takes the green one off the domain only */
    char *b = NULL;
    assert_true(asprintf(&b, "{\"title\":{\"ja\":\"緑\",\"en\":\"Green\"},"
                             "\"summary\":{\"ja\":\"要約\",\"en\":\"Summary\"},"
                             "\"urgency\":\"high\",\"importance\":\"high\","
                             "\"indicators\":[{\"type\":\"ipv4\",\"value\":\"" ADV_IP "\"}],"
                             "\"valid_from\":\"2026-01-01T00:00:00Z\",\"valid_until\":\"" FAR "\","
                             "\"tlp\":\"TLP:GREEN\",\"audience\":{}}") > 0);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/versions", adv_green);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = b,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    free(b);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    /* give and take: the amendment (published after their reports) tells D, G and E, whose
     * reports name its address, that it does — a GREEN advisory every member may read — and
     * tells B, whose reports do not, nothing */
    const struct itest_user *told[] = {&rep_d, &rep_g, &rep_e};
    for (size_t i = 0; i < ARRAY_SIZE(told); i++)
        assert_true(notified(told[i], adv_green, "advisory.matches_reports"));
    assert_false(notified(&F.rep_b, adv_green, NULL));
    /* an AMBER one for electricity: G (in its audience) is told of the match; E (finance) is
     * not told anything, as it may not read it */
    amend_keeping(adv_amber, "琥珀", "TLP:AMBER", "{\"sectors\":[\"electricity\"]}");
    assert_true(notified(&rep_g, adv_amber, "advisory.matches_reports"));
    assert_false(notified(&rep_e, adv_amber, NULL));

    c = picture(&rep_d, "/api/v1/reports/%s/correlation", rep_dx, &saved_picture);
    snprintf(want, sizeof(want), "%s %s", adv_old, adv_red);
    named(c, ADV_SUB, got, sizeof(got));
    assert_string_equal(got, want);
    snprintf(want, sizeof(want), "%s %s %s", adv_old, adv_red, adv_green);
    named(c, ADV_IP, got, sizeof(got));
    assert_string_equal(got, want);
    json_decref(c);

    /* the index is rebuilt from the store with the advisories: the same picture */
    assert_int_equal(itest_server_stop(&F.srv, SIGTERM), 0);
    assert_int_equal(itest_server_start(&F.srv), 0);
    c = picture(&rep_d, "/api/v1/reports/%s/correlation", rep_dx, &raw);
    assert_string_equal(raw, saved_picture);
    free(raw);
    free(saved_picture);
    saved_picture = NULL;
    json_decref(c);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_k),
        cmocka_unit_test(test_other_org_and_roles),
        cmocka_unit_test(test_amend_withdraw_restart),
        cmocka_unit_test(test_authority_view),
        cmocka_unit_test(test_sightings),
        cmocka_unit_test(test_section_red),
        cmocka_unit_test(test_advisories),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
