/*
 * itest_calendar.c — deadlines on people's clocks (issue 10 item 9), end to end: an
 * organisation's time zone (chosen, or derived from its prefecture), the open-obligations list
 * with local time beside UTC, and the iCalendar feed (RFC 5545) — its events match the ledger,
 * move when a deadline moves and leave when the incident is withdrawn; a calendar token reads
 * the feed from a URL and nothing else; another organisation's feed never shows these.
 */
#include "itest.h"
#include "core/buf.h"
#include "core/jsonx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;
static char org_j[40];      /* a company in Tokyo (prefecture JP-13, no zone chosen) */
static struct itest_user J; /* its reporter */
static char report_j[40];

/* text with RFC 5545 folds undone. Heap. */
static char *unfold(const char *text)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        buf_putc(&b, *p);
    }
    return buf_detach(&b, NULL);
}

/* GET /api/v1/calendar.ics as token (bearer) or with ?token=query; the unfolded body. */
static long feed(const char *bearer, const char *query, char **body)
{
    struct itest_resp r;
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/calendar.ics%s%s", query ? "?token=" : "",
             query ? query : "");
    itest_get(&F.srv, bearer, path, &r);
    *body = r.status == 200 ? unfold(r.body) : NULL;
    if (r.status == 200) {
        assert_non_null(strstr(r.content_type, "text/calendar"));
        for (const char *p = r.body; *p;) { /* CRLF lines of at most 75 octets */
            const char *e = strstr(p, "\r\n");
            assert_non_null(e);
            assert_true(e - p <= 75);
            p = e + 2;
        }
    }
    long st = r.status;
    itest_resp_release(&r);
    return st;
}

/* "2026-12-08T17:00:00+09:00" -> "20261208T170000". */
static void ics_local(const char *rfc, char out[20])
{
    snprintf(out, 20, "%.4s%.2s%.2sT%.2s%.2s%.2s", rfc, rfc + 5, rfc + 8, rfc + 11, rfc + 14,
             rfc + 17);
}

static int setup(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    if (itest_fixture_setup(&F, NULL))
        return -1;
    itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
               "{\"name_ja\":\"株式会社みなと物流\",\"name_en\":\"Minato Logistics\","
               "\"kind\":\"company\",\"prefecture\":\"JP-13\"}",
               &r);
    if (r.status != 201)
        return -1;
    xstrlcpy(org_j, itest_jstr(r.json, "/id"), sizeof(org_j));
    itest_resp_release(&r);
    return itest_add_user(&F.srv, org_j, "jrep", "reporter", &J);
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    return 0;
}

/* An organisation's zone: derived from a Japanese prefecture, chosen, or refused. */
static void test_org_zone(void **state)
{
    struct itest_resp r;
    char path[96];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/organizations/%s", org_j);
    assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/time_zone"), "Asia/Tokyo");
    assert_false(json_is_true(jsonx_ptr_get(r.json, "/time_zone_set")));
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
                                "{\"name_ja\":\"EU社\",\"name_en\":\"EU Co\",\"kind\":\"company\","
                                "\"time_zone\":\"Europe/Brussels\"}",
                                &r),
                     201);
    assert_string_equal(itest_jstr(r.json, "/time_zone"), "Europe/Brussels");
    assert_true(json_is_true(jsonx_ptr_get(r.json, "/time_zone_set")));
    itest_resp_release(&r);
    /* well-formed but not a zone, and not even a name: every problem named by its field */
    assert_int_equal(
        itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
                   "{\"name_ja\":\"火星社\",\"name_en\":\"Mars Co\",\"kind\":\"company\","
                   "\"time_zone\":\"Mars/Olympus_Mons\"}",
                   &r),
        422);
    assert_string_equal(itest_jstr(r.json, "/errors/0/pointer"), "/time_zone");
    assert_string_equal(itest_jstr(r.json, "/errors/0/code"), "unknown_time_zone");
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
                                "{\"name_ja\":\"x\",\"name_en\":\"x\",\"kind\":\"company\","
                                "\"time_zone\":\"../etc/passwd\"}",
                                &r),
                     422);
    assert_string_equal(itest_jstr(r.json, "/errors/0/pointer"), "/time_zone");
    itest_resp_release(&r);
    /* organisations made without one (the fixture's, by the CLI) show UTC */
    snprintf(path, sizeof(path), "/api/v1/organizations/%s", F.org_a);
    assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/time_zone"), "UTC");
    itest_resp_release(&r);
}

/* The open-obligations list shows each deadline in JST beside UTC, and the feed has one event
 * per open obligation at that local time, with the recipient and the rule. */
static void test_feed_matches_ledger(void **state)
{
    struct itest_resp r;
    char *ics, local[20], want[200];
    size_t i;
    json_t *it;
    UNUSED(state);
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    char *body = itest_dump(doc);
    json_decref(doc);
    assert_int_equal(itest_post(&F.srv, J.token, "/api/v1/reports", body, &r), 201);
    free(body);
    xstrlcpy(report_j, itest_jstr(r.json, "/id"), sizeof(report_j));
    itest_resp_release(&r);

    assert_int_equal(itest_get(&F.srv, J.token, "/api/v1/obligations", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/time_zone"), "Asia/Tokyo");
    size_t n = json_array_size(json_object_get(r.json, "items"));
    assert_true(n > 0);
    assert_int_equal(feed(J.token, NULL, &ics), 200);
    assert_non_null(strstr(ics, "TZID:Asia/Tokyo\r\n"));
    assert_non_null(strstr(ics, "X-WR-CALNAME:ichigen 報告期限 — 株式会社みなと物流\r\n"));
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        const char *loc = itest_jstr(it, "/due_at_local");
        assert_non_null(loc);
        assert_string_equal(loc + strlen(loc) - 6, "+09:00");
        ics_local(loc, local);
        snprintf(want, sizeof(want), "UID:%s@ichigen\r\n", itest_jstr(it, "/id"));
        const char *ev = strstr(ics, want);
        assert_non_null(ev);
        snprintf(want, sizeof(want), "DTSTART;TZID=Asia/Tokyo:%s\r\n", local);
        const char *end = strstr(ev, "END:VEVENT");
        const char *dt = strstr(ev, want);
        assert_true(dt && dt < end);
        snprintf(want, sizeof(want), "ルール: %s", itest_jstr(it, "/rule_id"));
        assert_true(strstr(ev, want) && strstr(ev, want) < end);
        /* names a person reads beside the ids (issue 12: the deadline dashboard) */
        if (!strcmp(itest_jstr(it, "/recipient_id"), "ppc")) {
            assert_string_equal(itest_jstr(it, "/recipient_name/ja"), "個人情報保護委員会");
            assert_non_null(itest_jstr(it, "/stage_name/en"));
            assert_non_null(itest_jstr(it, "/rule_title/ja"));
        }
        assert_non_null(itest_jstr(it, "/recipient_name/en"));
        assert_non_null(itest_jstr(it, "/stage_name/ja"));
    }
    size_t events = 0;
    for (const char *p = ics; (p = strstr(p, "BEGIN:VEVENT")); p++)
        events++;
    assert_int_equal(events, n);
    free(ics);
    itest_resp_release(&r);
}

/* A calendar token reads the feed from its URL, and nothing else; an API token in a URL, or a
 * token that does not exist, is refused; another organisation's feed shows none of J's. */
static void test_calendar_token(void **state)
{
    struct itest_resp r;
    char cal[128], path[200], *ics;
    UNUSED(state);
    assert_int_equal(itest_post(&F.srv, J.token, "/api/v1/tokens",
                                "{\"name\":\"Outlook\",\"kind\":\"calendar\"}", &r),
                     201);
    xstrlcpy(cal, itest_jstr(r.json, "/token"), sizeof(cal));
    assert_string_equal(itest_jstr(r.json, "/kind"), "calendar");
    itest_resp_release(&r);
    assert_int_equal(feed(NULL, cal, &ics), 200);
    assert_non_null(strstr(ics, report_j));
    free(ics);
    /* nothing else, even as a bearer token */
    assert_int_equal(itest_get(&F.srv, cal, "/api/v1/reports", &r), 403);
    assert_string_equal(itest_problem_code(&r), "forbidden");
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, cal, "/api/v1/tokens", "{\"name\":\"x\"}", &r), 403);
    itest_resp_release(&r);
    /* an API token in a URL, an unknown token, none at all */
    assert_int_equal(feed(NULL, J.token, &ics), 401);
    assert_int_equal(feed(NULL, "ichi_notatoken", &ics), 401);
    assert_int_equal(feed(NULL, NULL, &ics), 401);
    /* unknown parameters are refused */
    snprintf(path, sizeof(path), "/api/v1/calendar.ics?token=%s&x=1", cal);
    assert_int_equal(itest_get(&F.srv, NULL, path, &r), 400);
    itest_resp_release(&r);
    /* another organisation's feed, and roles that file no reports */
    assert_int_equal(feed(F.rep_b.token, NULL, &ics), 200);
    assert_null(strstr(ics, report_j));
    free(ics);
    assert_int_equal(feed(F.authority.token, NULL, &ics), 403);
    assert_int_equal(feed(F.admin.token, NULL, &ics), 403);
}

/* A deadline that moves keeps its event (same UID) at the new time; a withdrawn incident's
 * deadlines leave the feed. */
static void test_feed_follows_changes(void **state)
{
    struct itest_resp r, o;
    char path[160], *ics, *body, want[200], local[20];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/obligations", report_j);
    assert_int_equal(itest_get(&F.srv, J.token, path, &o), 200);
    /* awareness an hour earlier moves every deadline counted from it */
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    const char *aware = itest_jstr(doc, "/times/aware_at");
    assert_non_null(aware);
    char earlier[40];
    xstrlcpy(earlier, aware, sizeof(earlier));
    earlier[11] = (char)(earlier[11] - (earlier[12] == '0' ? 1 : 0));
    earlier[12] = earlier[12] == '0' ? '9' : (char)(earlier[12] - 1);
    json_object_set_new(json_object_get(doc, "times"), "aware_at", json_string(earlier));
    body = itest_dump(doc);
    json_decref(doc);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", report_j);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = J.token,
                                   .body = body,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    free(body);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, J.token, "/api/v1/obligations", &r), 200);
    assert_int_equal(feed(J.token, NULL, &ics), 200);
    size_t i, moved = 0;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        if (strcmp(itest_jstr(it, "/incident_id"), report_j))
            continue;
        ics_local(itest_jstr(it, "/due_at_local"), local);
        snprintf(want, sizeof(want), "UID:%s@ichigen\r\n", itest_jstr(it, "/id"));
        const char *ev = strstr(ics, want);
        assert_non_null(ev);
        snprintf(want, sizeof(want), "DTSTART;TZID=Asia/Tokyo:%s\r\n", local);
        assert_true(strstr(ev, want) && strstr(ev, want) < strstr(ev, "END:VEVENT"));
        /* compare with the deadline before the amendment */
        size_t k;
        json_t *before;
        json_array_foreach(json_object_get(o.json, "items"), k, before)
        {
            if (!strcmp(itest_jstr(before, "/id"), itest_jstr(it, "/id")) &&
                json_is_string(json_object_get(before, "due_at")) &&
                strcmp(itest_jstr(before, "/due_at"), itest_jstr(it, "/due_at")))
                moved++;
        }
    }
    assert_true(moved > 0);
    free(ics);
    itest_resp_release(&r);
    itest_resp_release(&o);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/withdraw", report_j);
    assert_int_equal(itest_post(&F.srv, J.token, path, "{\"reason\":\"テスト\"}", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(feed(J.token, NULL, &ics), 200);
    assert_null(strstr(ics, "BEGIN:VEVENT"));
    assert_non_null(strstr(ics, "END:VCALENDAR\r\n"));
    free(ics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_zone),
        cmocka_unit_test(test_feed_matches_ledger),
        cmocka_unit_test(test_calendar_token),
        cmocka_unit_test(test_feed_follows_changes),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
