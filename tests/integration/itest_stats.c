/*
 * itest_stats.c — statistics for authorities over HTTP (issue 13 item 7; app_stats.h): reports
 * filed by several organisations reach org C's inbox (it receives for the NCO); its authority
 * user counts them by sector and month with k = 3 (the setting), sees a sector resting on one
 * organisation suppressed and the other sector suppressed with it (else the total gives it
 * away), the platform view without the report whose reporter did not consent, withdrawals not
 * counted, CSV with a byte order mark, obligations by recipient; another authority's
 * organisation sees nothing of C's inbox; other roles are refused.
 */
#include "itest.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

static struct itest_fixture F;
static char tmpdir[64], dfile[128], dfile_set[160];
static const char *settings[] = {"--sharing-k-anonymity=3", NULL, NULL};
/* Four banks (the first files twice, the last withholds consent) and one hospital. */
#define NREP 5
static struct itest_user rep[NREP];
static char org[NREP][40];
static char first_of_bank0[40], second_of_bank0[40];
static struct itest_user other_authority; /* org D: an authority bound to no recipient */
static char org_d[40];

static int add_company(const char *name, const char *sector, const char *pref, char id[40])
{
    struct itest_resp r;
    char body[256];
    snprintf(body, sizeof(body),
             "{\"name_ja\":\"%s\",\"name_en\":\"%s Ltd.\",\"kind\":\"company\","
             "\"sector\":\"%s\",\"prefecture\":\"%s\",\"size_band\":\"large\"}",
             name, name, sector, pref);
    long st = itest_post(&F.srv, F.admin.token, "/api/v1/organizations", body, &r);
    if (st == 201)
        xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
    return st == 201 ? 0 : -1;
}

/* Files the full example report as u (consent to statistics as given) and submits it. */
static int file_and_submit(const struct itest_user *u, bool consent, char id[40])
{
    struct itest_resp r, g;
    char path[128], im[96];
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    json_t *c = json_object_get(json_object_get(doc, "confidentiality"), "consent");
    json_object_set_new(c, "anonymised_statistics", json_boolean(consent));
    char *text = itest_dump(doc);
    json_decref(doc);
    long st = itest_post(&F.srv, u->token, "/api/v1/reports", text, &r);
    free(text);
    if (st != 201) {
        itest_resp_release(&r);
        return -1;
    }
    xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s", id);
    if (itest_get(&F.srv, u->token, path, &g) != 200)
        return -1;
    snprintf(im, sizeof(im), "If-Match: %s", g.etag);
    itest_resp_release(&g);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", id);
    itest_http(
        &F.srv,
        &(struct itest_req){.method = "POST", .path = path, .token = u->token, .headers = {im}},
        &r);
    st = r.status;
    itest_resp_release(&r);
    return st == 200 || st == 201 ? 0 : -1;
}

static int bind(const char *recipient)
{
    struct itest_resp r;
    char body[96], path[96];
    snprintf(body, sizeof(body), "{\"org_id\":\"%s\"}", F.org_c);
    snprintf(path, sizeof(path), "/api/v1/recipients/%s/binding", recipient);
    itest_http(
        &F.srv,
        &(struct itest_req){.method = "PUT", .path = path, .token = F.admin.token, .body = body},
        &r);
    long st = r.status;
    itest_resp_release(&r);
    return st == 200 ? 0 : -1;
}

static int setup(void **state)
{
    static const char *const sectors[NREP] = {"finance", "finance", "finance", "finance",
                                              "medical"};
    char id[40], name[32];
    UNUSED(state);
    /* the PPC receives through the inbox here (its default channel is a document to file): its
     * APPI reports are mandatory, the NCO's common forms are not */
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ichigen-stats-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dfile, sizeof(dfile), "%s/delivery.json", tmpdir);
    snprintf(dfile_set, sizeof(dfile_set), "--delivery-file=%s", dfile);
    settings[1] = dfile_set;
    FILE *f = fopen(dfile, "w");
    if (!f)
        return -1;
    fputs("{\"format\":\"ichigen-delivery/1\",\"recipients\":{\"ppc\":{\"channel\":\"inbox\"}}}\n",
          f);
    if (fclose(f) || itest_fixture_setup(&F, settings) || bind("nco") || bind("ppc"))
        return -1;
    for (int i = 0; i < NREP; i++) {
        snprintf(name, sizeof(name), "statsorg%d", i);
        if (add_company(name, sectors[i], i < 4 ? "JP-13" : "JP-27", org[i]))
            return -1;
        snprintf(name, sizeof(name), "stats-rep-%d", i);
        if (itest_add_user(&F.srv, org[i], name, "reporter", &rep[i]))
            return -1;
        if (file_and_submit(&rep[i], i != 3, i == 0 ? first_of_bank0 : id))
            return -1;
    }
    if (file_and_submit(&rep[0], true, second_of_bank0))
        return -1;
    if (itest_add_org(&F.srv, "他の機関", "authority", org_d) ||
        itest_add_user(&F.srv, org_d, "stats-authority-d", "authority", &other_authority))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    unlink(dfile);
    rmdir(tmpdir);
    return 0;
}

/* GET path as token; the status, the JSON in *out (the caller releases). */
static long get(const char *token, const char *path, struct itest_resp *out)
{
    return itest_get(&F.srv, token, path, out);
}

/* The cell of a table whose dimension dim has value v (one-dimension tables). */
static json_t *cell(json_t *doc, const char *dim, const char *v)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "cells"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, dim)), v))
            return c;
    }
    return NULL;
}

static bool suppressed(json_t *doc, const char *dim, const char *v)
{
    json_t *c = cell(doc, dim, v);
    assert_non_null(c);
    bool s = json_is_true(json_object_get(c, "suppressed"));
    if (s)
        assert_true(json_is_null(json_object_get(c, "incidents")));
    return s;
}

static json_int_t figure(json_t *doc, const char *dim, const char *v, const char *measure)
{
    json_t *c = cell(doc, dim, v);
    assert_non_null(c);
    assert_true(json_is_integer(json_object_get(c, measure)));
    return json_integer_value(json_object_get(c, measure));
}

static void test_inbox_by_sector(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?by=sector", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/scope"), "inbox");
    assert_int_equal(itest_jint(r.json, "/k"), 3);
    assert_string_equal(itest_jstr(r.json, "/time_zone"), "Asia/Tokyo");
    /* six incidents, five organisations: the total is published */
    assert_int_equal(figure(r.json, "sector", "_T", "incidents"), 6);
    /* the hospital alone is below k; finance (five incidents, four banks) would then be the
     * total minus the hospital's: suppressed with it */
    assert_true(suppressed(r.json, "sector", "medical"));
    assert_true(suppressed(r.json, "sector", "finance"));
    assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 3);
    itest_resp_release(&r);
    /* by prefecture: Tokyo's four banks would be enough on their own, but Osaka's hospital is
     * not, and Tokyo would be the total minus Osaka */
    assert_int_equal(get(F.authority.token,
                         "/api/v1/statistics/incidents?by=prefecture&from=2020-01&to=2099-12", &r),
                     200);
    assert_true(suppressed(r.json, "prefecture", "JP-27"));
    assert_true(suppressed(r.json, "prefecture", "JP-13"));
    itest_resp_release(&r);
    /* a larger k than the setting suppresses everything */
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?by=sector&k=6", &r), 200);
    assert_int_equal(itest_jint(r.json, "/k"), 6);
    assert_true(suppressed(r.json, "sector", "_T"));
    itest_resp_release(&r);
}

static void test_platform_consent_and_withdrawal(void **state)
{
    struct itest_resp r;
    char month[8], path[160];
    UNUSED(state);
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?by=month", &r), 200);
    json_t *cells = json_object_get(r.json, "cells");
    assert_int_equal(json_array_size(cells), 2); /* this month, and the total */
    xstrlcpy(month, json_string_value(json_object_get(json_array_get(cells, 0), "month")),
             sizeof(month));
    assert_int_equal(figure(r.json, "month", month, "incidents"), 6);
    itest_resp_release(&r);
    /* the platform: only reports that consent (the fourth bank's does not) */
    assert_int_equal(
        get(F.authority.token, "/api/v1/statistics/incidents?by=month&scope=platform", &r), 200);
    assert_int_equal(figure(r.json, "month", month, "incidents"), 5);
    assert_int_equal(figure(r.json, "month", "_T", "incidents"), 5);
    itest_resp_release(&r);
    /* months outside the range: nothing */
    assert_int_equal(
        get(F.authority.token, "/api/v1/statistics/incidents?by=month&from=2001-01&to=2001-12", &r),
        200);
    assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 0);
    itest_resp_release(&r);
    /* a withdrawn incident (filed twice) is not counted */
    snprintf(path, sizeof(path), "/api/v1/reports/%s/withdraw", second_of_bank0);
    assert_int_equal(itest_post(&F.srv, rep[0].token, path, "{\"reason\":\"filed twice\"}", &r),
                     200);
    itest_resp_release(&r);
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?by=month", &r), 200);
    assert_int_equal(figure(r.json, "month", month, "incidents"), 5);
    itest_resp_release(&r);
}

static void test_obligations_by_recipient(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/obligations?by=recipient", &r),
                     200);
    assert_string_equal(itest_jstr(r.json, "/kind"), "obligations");
    /* only the mandatory obligations owed to the recipients C receives for: the PPC's (the
     * NCO's common forms are voluntary); no other recipient's */
    assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 2);
    assert_null(cell(r.json, "recipient", "nco"));
    json_int_t n = figure(r.json, "recipient", "ppc", "obligations");
    assert_true(n >= 6);
    assert_int_equal(figure(r.json, "recipient", "_T", "obligations"), n);
    json_int_t sum = figure(r.json, "recipient", "ppc", "met_on_time") +
                     figure(r.json, "recipient", "ppc", "met_late") +
                     figure(r.json, "recipient", "ppc", "missed") +
                     figure(r.json, "recipient", "ppc", "open");
    assert_int_equal(sum, n);
    itest_resp_release(&r);
}

static void test_csv(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(
        get(F.authority.token, "/api/v1/statistics/incidents?by=sector&format=csv", &r), 200);
    assert_non_null(strstr(r.content_type, "text/csv"));
    assert_memory_equal(r.body,
                        "\xEF\xBB\xBF"
                        "sector,incidents,suppressed\r\n",
                        32);
    assert_non_null(strstr(r.body, "\r\nmedical,,true\r\n"));
    assert_non_null(strstr(r.body, "\r\n_T,"));
    itest_resp_release(&r);
    /* or by Accept */
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/statistics/obligations?by=recipient",
                                   .token = F.authority.token,
                                   .headers = {"Accept: text/csv"}},
               &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "recipient,obligations,met_on_time,met_late,missed,open,"
                                   "suppressed\r\n"));
    itest_resp_release(&r);
}

static void test_who_sees_what(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    static const char *const paths[] = {"/api/v1/statistics/incidents",
                                        "/api/v1/statistics/obligations"};
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        /* the wrong roles, even of the receiving organisation */
        const char *refused[] = {rep[0].token, F.recipient.token, F.admin.token};
        for (size_t j = 0; j < ARRAY_SIZE(refused); j++) {
            assert_int_equal(get(refused[j], paths[i], &r), 403);
            assert_string_equal(itest_problem_code(&r), "forbidden");
            itest_resp_release(&r);
        }
        assert_int_equal(get(NULL, paths[i], &r), 401);
        itest_resp_release(&r);
        /* the wrong organisation: D's authority has no inbox, so C's counts are not D's */
        assert_int_equal(get(other_authority.token, paths[i], &r), 200);
        assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 0);
        itest_resp_release(&r);
    }
    /* D sees the platform's consenting reports, as C does */
    assert_int_equal(
        get(other_authority.token, "/api/v1/statistics/incidents?by=month&scope=platform", &r),
        200);
    assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 2);
    itest_resp_release(&r);
}

/* The operator's CLI on the server: the platform view, as the API gives it. */
static void test_cli(void **state)
{
    char *out = NULL;
    UNUSED(state);
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "stats", "incidents", "--by", "sector",
                               "--sharing-k-anonymity=3", NULL),
                     0);
    json_t *doc = json_loads(out, 0, NULL);
    free(out);
    assert_non_null(doc);
    assert_string_equal(itest_jstr(doc, "/scope"), "platform");
    assert_int_equal(figure(doc, "sector", "_T", "incidents"), 5); /* the fourth bank withheld */
    assert_true(suppressed(doc, "sector", "medical"));
    json_decref(doc);
    out = NULL;
    assert_int_equal(
        itest_cli(&F.srv, NULL, &out, "stats", "obligations", "--by", "recipient", "--csv", NULL),
        0);
    assert_non_null(out);
    assert_memory_equal(out,
                        "\xEF\xBB\xBF"
                        "recipient,obligations,",
                        25);
    free(out);
    out = NULL;
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "stats", "incidents", "--k", "2",
                               "--sharing-k-anonymity=3", NULL),
                     2); /* never below the setting */
    free(out);
}

static void test_bad_queries(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(get(F.authority.token,
                         "/api/v1/statistics/incidents?by=recipient&from=2026-13&scope=all", &r),
                     400);
    assert_string_equal(itest_problem_code(&r), "bad_query");
    json_t *errs = json_object_get(r.json, "errors");
    assert_int_equal(json_array_size(errs), 3); /* every one, each named */
    assert_string_equal(itest_jstr(r.json, "/errors/0/pointer"), "?by");
    assert_string_equal(itest_jstr(r.json, "/errors/1/pointer"), "?from");
    assert_string_equal(itest_jstr(r.json, "/errors/2/pointer"), "?scope");
    itest_resp_release(&r);
    /* never a k below the setting */
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?k=2", &r), 400);
    assert_string_equal(itest_jstr(r.json, "/errors/0/pointer"), "?k");
    itest_resp_release(&r);
    assert_int_equal(get(F.authority.token, "/api/v1/statistics/incidents?limit=5", &r), 400);
    itest_resp_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inbox_by_sector),
        cmocka_unit_test(test_obligations_by_recipient),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_who_sees_what),
        cmocka_unit_test(test_bad_queries),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_platform_consent_and_withdrawal), /* withdraws: last */
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
