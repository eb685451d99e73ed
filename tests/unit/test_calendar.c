/*
 * test_calendar.c — src/calendar: the committed data files (data/calendars/<id>.json) give
 * the dates their legal sources give; business-day walks (SEC Form 8-K B.1 semantics); coverage
 * errors; validation of malformed documents, each problem with its JSON Pointer.
 */
#include "calendar/calendar.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static int64_t D(int64_t y, unsigned m, unsigned d)
{
    return rtime_days_from_civil(y, m, d);
}

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!doc)
        fail_msg("fixture JSON: %s (line %d)", je.text, je.line);
    return doc;
}

static struct calendar *load_cal(const char *id)
{
    char path[512];
    size_t n = 0;
    char *text;
    json_t *doc = NULL;
    struct jsonx_error je;
    struct verr_list errs;
    struct calendar *c;

    snprintf(path, sizeof(path), "%s/data/calendars/%s.json", unit_source_root(), id);
    text = unit_read_file(path, &n);
    if (!text)
        fail_msg("cannot read %s", path);
    if (jsonx_load_object(text, n, 32, &doc, &je) != 0)
        fail_msg("%s:%d:%d: %s", path, je.line, je.column, je.text);
    verr_list_init(&errs, 20);
    c = calendar_from_json(doc, &errs);
    if (!c)
        fail_msg("%s: %s: %s", path, errs.n ? errs.v[0].pointer : "?", errs.n ? errs.v[0].en : "?");
    assert_string_equal(calendar_id(c), id);
    verr_list_release(&errs);
    json_decref(doc);
    free(text);
    return c;
}

static void assert_open(const struct calendar *c, int64_t day)
{
    if (!calendar_is_business_day(c, day))
        fail_msg("%s: day %lld should be a business day (closed: %s)", calendar_id(c),
                 (long long)day, calendar_closed_reason(c, day, false));
    assert_null(calendar_closed_reason(c, day, true));
}

static void assert_closed(const struct calendar *c, int64_t day, const char *ja, const char *en)
{
    if (calendar_is_business_day(c, day))
        fail_msg("%s: day %lld should be closed (%s)", calendar_id(c), (long long)day,
                 en ? en : "-");
    if (ja)
        assert_string_equal(calendar_closed_reason(c, day, true), ja);
    if (en)
        assert_string_equal(calendar_closed_reason(c, day, false), en);
}

static int64_t next_bd(const struct calendar *c, int64_t day)
{
    int64_t out = -1;
    assert_int_equal(calendar_next_business_day(c, day, &out), CALENDAR_OK);
    return out;
}

static int64_t add_bd(const struct calendar *c, int64_t day, int n)
{
    int64_t out = -1;
    assert_int_equal(calendar_add_business_days(c, day, n, &out), CALENDAR_OK);
    return out;
}

/* ---- Japan ---- */

static void test_jp_national(void **state)
{
    struct calendar *c = load_cal("jp-national");
    static const size_t per_year[] = {18, 17, 16, 17, 21, 19, 18, 17, 16, 19, 19}; /* 2020… */
    (void)state;
    assert_string_equal(calendar_timezone(c), "Asia/Tokyo");
    assert_int_equal(calendar_year_from(c), 2020);
    assert_int_equal(calendar_year_to(c), 2030);
    assert_non_null(strstr(calendar_title(c, true), "祝日"));
    assert_non_null(calendar_version(c));
    for (int y = 2020; y <= 2030; y++)
        assert_int_equal(calendar_holiday_count(c, y), per_year[y - 2020]);
    assert_int_equal(calendar_holiday_count(c, 2019), 0);
    /* Golden Week 2026: 4/29 (Wed), then 5/2 (Sat) … 5/6 (Wed, 振替休日 for 5/3 Sunday) */
    assert_closed(c, D(2026, 4, 29), "昭和の日", "Showa Day");
    assert_open(c, D(2026, 4, 30));
    assert_open(c, D(2026, 5, 1));
    assert_closed(c, D(2026, 5, 2), "週末", "weekend");
    assert_closed(c, D(2026, 5, 3), "憲法記念日", "Constitution Memorial Day");
    assert_closed(c, D(2026, 5, 4), "みどりの日", NULL);
    assert_closed(c, D(2026, 5, 5), "こどもの日", NULL);
    assert_closed(c, D(2026, 5, 6), "振替休日", "Substitute holiday");
    assert_open(c, D(2026, 5, 7));
    /* 国民の休日 between 敬老の日 (9/21) and 秋分の日 (9/23) */
    assert_closed(c, D(2026, 9, 21), "敬老の日", NULL);
    assert_closed(c, D(2026, 9, 22), "国民の休日", "Citizens' holiday");
    assert_closed(c, D(2026, 9, 23), "秋分の日", NULL);
    assert_closed(c, D(2025, 5, 6), "振替休日", NULL);
    assert_closed(c, D(2024, 2, 12), "振替休日", NULL);
    assert_closed(c, D(2020, 2, 24), "振替休日", NULL); /* 天皇誕生日 2/23 on a Sunday */
    /* New Year: only 1 January is a national holiday */
    assert_closed(c, D(2026, 1, 1), "元日", "New Year's Day");
    assert_open(c, D(2026, 1, 2));
    /* the Olympic moves of 2020 and 2021, and the usual dates left open */
    assert_closed(c, D(2020, 7, 23), "海の日", NULL);
    assert_closed(c, D(2020, 7, 24), "スポーツの日", NULL);
    assert_closed(c, D(2020, 8, 10), "山の日", NULL);
    assert_open(c, D(2020, 7, 20));
    assert_open(c, D(2020, 10, 12));
    assert_open(c, D(2020, 8, 11));
    assert_closed(c, D(2021, 7, 22), "海の日", NULL);
    assert_closed(c, D(2021, 7, 23), "スポーツの日", NULL);
    assert_closed(c, D(2021, 8, 8), "山の日", NULL);
    assert_closed(c, D(2021, 8, 9), "振替休日", NULL);
    assert_open(c, D(2021, 7, 19));
    assert_open(c, D(2021, 10, 11));
    assert_open(c, D(2021, 8, 11));
    /* equinox days: fixed by the 官報 up to 2027, provisional after */
    assert_closed(c, D(2027, 3, 22), "振替休日", NULL); /* 春分の日 3/21 is a Sunday */
    assert_false(calendar_provisional_between(c, D(2020, 1, 1), D(2027, 12, 31)));
    assert_true(calendar_provisional_between(c, D(2028, 3, 20), D(2028, 3, 20)));
    assert_true(calendar_provisional_between(c, D(2029, 9, 24), D(2029, 9, 24))); /* its 振替 */
    assert_false(calendar_provisional_between(c, D(2028, 3, 21), D(2028, 9, 21)));
    /* next business day across Golden Week */
    assert_int_equal(next_bd(c, D(2026, 5, 1)), D(2026, 5, 7));
    assert_int_equal(next_bd(c, D(2026, 4, 28)), D(2026, 4, 30));
    assert_int_equal(next_bd(c, D(2026, 5, 3)), D(2026, 5, 7));
    calendar_free(c);
}

static void test_jp_gov(void **state)
{
    struct calendar *c = load_cal("jp-gov");
    (void)state;
    /* 行政機関の休日に関する法律 第1条: 12/29 … 1/3 */
    assert_open(c, D(2026, 12, 28));
    assert_closed(c, D(2026, 12, 29), "年末年始（行政機関の休日）", NULL);
    assert_closed(c, D(2026, 12, 31), NULL,
                  "Year-end and New Year closure of administrative agencies");
    assert_closed(c, D(2027, 1, 1), "元日", NULL); /* the holiday's name wins */
    assert_closed(c, D(2027, 1, 2), "年末年始（行政機関の休日）", NULL); /* a Saturday too */
    assert_closed(c, D(2026, 1, 2), "年末年始（行政機関の休日）", NULL); /* a Friday */
    assert_open(c, D(2027, 1, 4));
    assert_int_equal(next_bd(c, D(2026, 12, 28)), D(2027, 1, 4));
    assert_int_equal(next_bd(c, D(2025, 12, 26)), D(2026, 1, 5));
    /* and the national holidays are the same as jp-national */
    assert_closed(c, D(2026, 5, 6), "振替休日", NULL);
    assert_int_equal(next_bd(c, D(2026, 5, 1)), D(2026, 5, 7));
    calendar_free(c);
}

/* ---- United States / SEC ---- */

static void test_us_federal(void **state)
{
    struct calendar *c = load_cal("us-federal");
    (void)state;
    assert_string_equal(calendar_timezone(c), "America/New_York");
    assert_closed(c, D(2026, 7, 3), NULL, "Independence Day (observed)"); /* 7/4 is a Saturday */
    assert_closed(c, D(2026, 7, 4), NULL, "weekend");
    assert_open(c, D(2026, 7, 2));
    assert_closed(c, D(2022, 6, 20), NULL, "Juneteenth National Independence Day (observed)");
    assert_closed(c, D(2021, 6, 18), NULL, NULL); /* the first Juneteenth, observed */
    assert_open(c, D(2020, 6, 19));               /* not yet a holiday */
    assert_closed(c, D(2026, 11, 26), NULL, "Thanksgiving Day");
    assert_open(c, D(2026, 11, 27));
    assert_closed(c, D(2021, 12, 31), NULL, "New Year's Day (observed)"); /* for 2022-01-01 */
    assert_closed(c, D(2026, 1, 19), NULL, "Birthday of Martin Luther King, Jr.");
    assert_closed(c, D(2026, 5, 25), NULL, "Memorial Day"); /* last Monday of May */
    assert_closed(c, D(2020, 12, 24), NULL, NULL);          /* executive order */
    assert_closed(c, D(2025, 1, 9), NULL, NULL);            /* national day of mourning */
    assert_open(c, D(2021, 1, 20));                         /* Inauguration Day: DC only */
    calendar_free(c);
}

static void test_sec_business_days(void **state)
{
    struct calendar *c = load_cal("us-federal");
    int64_t out = 42;
    (void)state;
    /* Friday determination before the MLK Monday holiday: Tue, Wed, Thu, Fri */
    assert_int_equal(add_bd(c, D(2026, 1, 16), 4), D(2026, 1, 23));
    /* Saturday determination: counting starts on, and includes, Monday (B.1) */
    assert_int_equal(add_bd(c, D(2026, 3, 7), 4), D(2026, 3, 12));
    assert_int_equal(add_bd(c, D(2026, 3, 8), 4), D(2026, 3, 12)); /* Sunday */
    assert_int_equal(add_bd(c, D(2026, 3, 6), 4), D(2026, 3, 12)); /* Friday: the same */
    assert_int_equal(add_bd(c, D(2026, 3, 9), 4), D(2026, 3, 13)); /* Monday */
    assert_int_equal(add_bd(c, D(2026, 3, 7), 1), D(2026, 3, 9));  /* Monday itself is day 1 */
    /* Saturday before a Monday holiday: the count starts Tuesday */
    assert_int_equal(add_bd(c, D(2026, 1, 17), 4), D(2026, 1, 23));
    /* a holiday determination (Thanksgiving): Fri, Mon, Tue, Wed */
    assert_int_equal(add_bd(c, D(2026, 11, 26), 4), D(2026, 12, 2));
    /* across Independence Day observed on Friday 2026-07-03 */
    assert_int_equal(add_bd(c, D(2026, 7, 1), 4), D(2026, 7, 8));
    /* n = 0 is the day itself; n < 0 is refused */
    assert_int_equal(add_bd(c, D(2026, 3, 7), 0), D(2026, 3, 7));
    assert_int_equal(calendar_add_business_days(c, D(2026, 3, 7), -1, &out), CALENDAR_EARG);
    assert_int_equal(out, 42);
    calendar_free(c);
}

static void test_weekends(void **state)
{
    struct calendar *c = load_cal("weekends");
    (void)state;
    assert_non_null(strstr(calendar_title(c, false), "simplification"));
    assert_open(c, D(2026, 1, 1)); /* a Thursday: no holidays at all */
    assert_open(c, D(2026, 12, 25));
    assert_closed(c, D(2026, 1, 3), "週末", "weekend");
    assert_closed(c, D(2026, 1, 4), NULL, "weekend");
    assert_int_equal(next_bd(c, D(2026, 1, 2)), D(2026, 1, 5));
    for (int y = 2020; y <= 2030; y++)
        assert_int_equal(calendar_holiday_count(c, y), 0);
    calendar_free(c);
}

/* ---- coverage ---- */

static void test_coverage(void **state)
{
    struct calendar *c = load_cal("jp-gov");
    int64_t out = 42;
    (void)state;
    assert_false(calendar_covers(c, D(2019, 12, 31)));
    assert_true(calendar_covers(c, D(2020, 1, 1)));
    assert_true(calendar_covers(c, D(2030, 12, 31)));
    assert_false(calendar_covers(c, D(2031, 1, 1)));
    assert_false(calendar_is_business_day(c, D(2019, 12, 27)));
    assert_false(calendar_is_business_day(c, D(2031, 1, 6)));
    assert_false(calendar_is_business_day(c, INT64_MIN));
    assert_false(calendar_is_business_day(c, INT64_MAX));
    assert_string_equal(calendar_closed_reason(c, D(2031, 1, 6), false),
                        "outside the calendar's years");
    assert_string_equal(calendar_closed_reason(c, D(2019, 1, 7), true), "対象期間外");
    /* walks that would leave the years are errors, never guesses */
    assert_int_equal(calendar_next_business_day(c, D(2019, 12, 31), &out), CALENDAR_ERANGE);
    assert_int_equal(calendar_next_business_day(c, D(2030, 12, 27), &out), CALENDAR_ERANGE);
    assert_int_equal(calendar_add_business_days(c, D(2030, 12, 20), 10, &out), CALENDAR_ERANGE);
    assert_int_equal(calendar_add_business_days(c, D(2031, 1, 6), 0, &out), CALENDAR_ERANGE);
    assert_int_equal(calendar_add_business_days(c, INT64_MAX, 1, &out), CALENDAR_ERANGE);
    assert_int_equal(out, 42);
    assert_int_equal(calendar_add_business_days(c, D(2030, 12, 20), 3, &out), CALENDAR_OK);
    assert_int_equal(out, D(2030, 12, 25));
    calendar_free(c);
}

/* Every listed holiday is closed; walks agree with a naive day-by-day count; a closed reason is
 * given exactly for closed days. */
static void test_consistency(void **state)
{
    static const char *ids[] = {"jp-national", "jp-gov", "us-federal", "weekends"};
    uint64_t seed = 8;
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
        struct calendar *c = load_cal(ids[k]);
        int64_t first = D(2020, 1, 1), last = D(2030, 12, 31);
        for (int64_t d = first; d <= last; d++) {
            bool open = calendar_is_business_day(c, d);
            int wd = (int)(((d % 7) + 7 + 3) % 7) + 1;
            assert_true(open == (calendar_closed_reason(c, d, false) == NULL));
            if (wd >= 6)
                assert_false(open);
        }
        for (int i = 0; i < 2000; i++) {
            int64_t day = first + unit_rand_below(&seed, (unsigned)(last - first - 60));
            int n = (int)unit_rand_below(&seed, 20), left = n;
            int64_t want = day, got = -1;
            while (left > 0)
                if (calendar_is_business_day(c, ++want))
                    left--;
            assert_int_equal(calendar_add_business_days(c, day, n, &got), CALENDAR_OK);
            assert_int_equal(got, want);
        }
        calendar_free(c);
    }
}

/* Not a pass/fail check (benchmarks never fail a run): prints the query rate as a TAP comment. */
static void test_lookup_rate(void **state)
{
    struct calendar *c = load_cal("jp-gov");
    int64_t t0, t1, first = D(2020, 1, 1), span = D(2030, 12, 31) - first + 1;
    volatile unsigned sink = 0;
    unsigned acc = 0;
    const long n = 20000000;
    (void)state;
    t0 = rtime_mono_ns();
    for (long i = 0; i < n; i++)
        acc += calendar_is_business_day(c, first + (int64_t)((uint64_t)i * 7919 % span));
    t1 = rtime_mono_ns();
    sink = acc;
    (void)sink;
    printf("# calendar_is_business_day: %.1f M queries/s\n",
           (double)n / ((double)(t1 - t0) / 1e9) / 1e6);
    calendar_free(c);
}

/* ---- validation ---- */

static const char *const base_doc =
    "{\"format\": \"ichigen-calendar/1\", \"id\": \"test-cal\", \"version\": \"2026-11-22\","
    " \"title\": {\"ja\": \"試験\", \"en\": \"Test\"}, \"timezone\": \"Asia/Tokyo\","
    " \"weekend\": [6, 7], \"years\": {\"from\": 2026, \"to\": 2027},"
    " \"holidays\": ["
    "  {\"date\": \"2026-01-01\", \"name\": {\"ja\": \"元日\", \"en\": \"New Year's Day\"}},"
    "  {\"date\": \"2026-05-06\", \"name\": {\"ja\": \"振替休日\", \"en\": \"Substitute\"},"
    "   \"provisional\": true}],"
    " \"closures\": [{\"from\": \"12-29\", \"to\": \"01-03\","
    "   \"name\": {\"ja\": \"年末年始\", \"en\": \"Year end\"}}],"
    " \"sources\": [{\"title\": \"Act\", \"url\": \"https://example.org/act\"}]}";

struct vcase {
    const char *parent; /* JSON Pointer of the object or array to change */
    const char *key;    /* member name, or array index */
    const char *value;  /* JSON text to set; NULL deletes */
    const char *want_ptr, *want_code;
};

static const struct vcase vcases[] = {
    {"", "format", NULL, "/format", "required"},
    {"", "format", "\"ichigen-calendar/2\"", "/format", "format"},
    {"", "format", "1", "/format", "type"},
    {"", "id", "\"JP\"", "/id", "pattern"},
    {"", "id", "\"-jp\"", "/id", "pattern"},
    {"", "id", "\"jp gov\"", "/id", "pattern"},
    {"", "id",
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "/id",
     "pattern"},
    {"", "version", "\"2026-13-01\"", "/version", "date"},
    {"", "version", NULL, "/version", "required"},
    {"/title", "en", NULL, "/title/en", "required"},
    {"/title", "ja", "\"\"", "/title/ja", "empty"},
    {"/title", "fr", "\"Essai\"", "/title/fr", "unknown_field"},
    {"", "title", "\"Test\"", "/title", "type"},
    {"", "timezone", "\"../etc/passwd\"", "/timezone", "pattern"},
    {"", "timezone", "\"/usr/share/zoneinfo/UTC\"", "/timezone", "pattern"},
    {"", "weekend", "[0]", "/weekend/0", "range"},
    {"", "weekend", "[8]", "/weekend/0", "range"},
    {"", "weekend", "[6, 6]", "/weekend/1", "duplicate"},
    {"", "weekend", "[6.5]", "/weekend/0", "range"},
    {"", "weekend", "\"sat\"", "/weekend", "type"},
    {"/years", "from", "2028", "/years/to", "order"},
    {"/years", "from", "1800", "/years/from", "range"},
    {"/years", "to", "2201", "/years/to", "range"},
    {"/years", "to", NULL, "/years/to", "required"},
    {"/years", "from", "\"2026\"", "/years/from", "type"},
    {"", "holidays", NULL, "/holidays", "required"},
    {"/holidays/1", "date", "\"2026-01-01\"", "/holidays/1/date", "duplicate"},
    {"/holidays/1", "date", "\"2025-12-31\"", "/holidays/1/date", "order"},
    {"/holidays/0", "date", "\"2025-12-31\"", "/holidays/0/date", "range"},
    {"/holidays/1", "date", "\"2028-01-01\"", "/holidays/1/date", "range"},
    {"/holidays/0", "date", "\"2026-02-30\"", "/holidays/0/date", "date"},
    {"/holidays/0", "date", "\"2026-1-1\"", "/holidays/0/date", "date"},
    {"/holidays/0", "date", NULL, "/holidays/0/date", "required"},
    {"/holidays/0/name", "ja", NULL, "/holidays/0/name/ja", "required"},
    {"/holidays/0", "name", NULL, "/holidays/0/name", "required"},
    {"/holidays/1", "provisional", "\"yes\"", "/holidays/1/provisional", "type"},
    {"/holidays/0", "dat", "\"2026-01-01\"", "/holidays/0/dat", "unknown_field"},
    {"/holidays", "0", "\"2026-01-01\"", "/holidays/0", "type"},
    {"/closures/0", "from", "\"13-01\"", "/closures/0/from", "date"},
    {"/closures/0", "to", "\"02-30\"", "/closures/0/to", "date"},
    {"/closures/0", "to", "\"1-3\"", "/closures/0/to", "date"},
    {"/closures/0", "name", NULL, "/closures/0/name", "required"},
    {"", "closures", "{}", "/closures", "type"},
    {"", "sources", "[]", "/sources", "too_few_items"},
    {"", "sources", NULL, "/sources", "required"},
    {"/sources/0", "url", "\"ftp://example.org\"", "/sources/0/url", "format"},
    {"/sources/0", "title", "\"\"", "/sources/0/title", "empty"},
    {"", "holiday", "[]", "/holiday", "unknown_field"},
    {"", "a/b~c", "1", "/a~1b~0c", "unknown_field"},
    {"", "notes", "{\"ja\": \"メモ\"}", "/notes/en", "required"},
    {"", "verification", "[{\"marker\": \"MAYBE\", \"note\": {\"ja\": \"x\", \"en\": \"x\"}}]",
     "/verification/0/marker", "enum"},
    {"", "verification", "[{\"marker\": \"VERIFY\"}]", "/verification/0/note", "required"},
};

static void apply(json_t *doc, const struct vcase *vc)
{
    json_t *parent = jsonx_ptr_get(doc, vc->parent);
    assert_non_null(parent);
    if (json_is_array(parent)) {
        int64_t i;
        assert_int_equal(parse_int64(vc->key, 0, 1000, &i), 0);
        assert_int_equal(json_array_set_new(parent, (size_t)i, parse(vc->value)), 0);
    } else if (vc->value) {
        json_error_t je;
        json_t *v = json_loads(vc->value, JSON_DECODE_ANY, &je);
        assert_non_null(v);
        assert_int_equal(json_object_set_new(parent, vc->key, v), 0);
    } else {
        assert_int_equal(json_object_del(parent, vc->key), 0);
    }
}

static bool has_problem(const struct verr_list *l, const char *ptr, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, ptr) && !strcmp(l->v[i].code, code))
            return l->v[i].en[0] && l->v[i].ja[0];
    return false;
}

static void test_valid_document(void **state)
{
    json_t *doc = parse(base_doc);
    struct verr_list errs;
    struct calendar *c;
    (void)state;
    verr_list_init(&errs, 50);
    verr_add(&errs, "/elsewhere", "x", "an earlier problem", "以前の問題"); /* not ours */
    c = calendar_from_json(doc, &errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 1);
    assert_string_equal(calendar_id(c), "test-cal");
    assert_string_equal(calendar_title(c, true), "試験");
    /* a closure wrapping the year end, applying to both years */
    assert_false(calendar_is_business_day(c, D(2026, 1, 2)));
    assert_true(calendar_is_business_day(c, D(2026, 1, 5)));
    assert_false(calendar_is_business_day(c, D(2027, 12, 29)));
    assert_true(calendar_provisional_between(c, D(2026, 5, 1), D(2026, 5, 31)));
    calendar_free(c);
    verr_list_release(&errs);
    json_decref(doc);
}

static void test_validation_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(vcases); i++) {
        json_t *doc = parse(base_doc);
        struct verr_list errs;
        struct calendar *c;
        apply(doc, &vcases[i]);
        verr_list_init(&errs, 50);
        c = calendar_from_json(doc, &errs);
        if (c || !has_problem(&errs, vcases[i].want_ptr, vcases[i].want_code))
            fail_msg("case %zu (%s %s): want %s %s; got %zu problem(s), first %s %s", i,
                     vcases[i].parent, vcases[i].key, vcases[i].want_ptr, vcases[i].want_code,
                     errs.n, errs.n ? errs.v[0].pointer : "-", errs.n ? errs.v[0].code : "-");
        calendar_free(c);
        verr_list_release(&errs);
        json_decref(doc);
    }
}

static void test_validation_gathers_all(void **state)
{
    json_t *doc = parse("{\"format\": 1, \"id\": \"X\", \"weekend\": [9], \"extra\": true,"
                        " \"holidays\": [{\"date\": \"2026-02-30\"}, 5]}");
    struct verr_list errs;
    (void)state;
    verr_list_init(&errs, 100);
    assert_null(calendar_from_json(doc, &errs));
    assert_true(has_problem(&errs, "/format", "type"));
    assert_true(has_problem(&errs, "/id", "pattern"));
    assert_true(has_problem(&errs, "/weekend/0", "range"));
    assert_true(has_problem(&errs, "/extra", "unknown_field"));
    assert_true(has_problem(&errs, "/version", "required"));
    assert_true(has_problem(&errs, "/title", "required"));
    assert_true(has_problem(&errs, "/timezone", "required"));
    assert_true(has_problem(&errs, "/years", "required"));
    assert_true(has_problem(&errs, "/holidays/0/date", "date"));
    assert_true(has_problem(&errs, "/holidays/0/name", "required"));
    assert_true(has_problem(&errs, "/holidays/1", "type"));
    assert_true(has_problem(&errs, "/sources", "required"));
    verr_list_release(&errs);
    json_decref(doc);

    /* not an object at all */
    doc = parse("[1, 2]");
    verr_list_init(&errs, 100);
    assert_null(calendar_from_json(doc, &errs));
    assert_true(has_problem(&errs, "", "type"));
    verr_list_release(&errs);
    json_decref(doc);

    /* a bounded list: further problems are counted, and still make the document fail */
    doc = parse(base_doc);
    json_object_set_new(doc, "weekend", parse("[0, 0, 0, 0, 0, 0, 0, 0]"));
    verr_list_init(&errs, 2);
    assert_null(calendar_from_json(doc, &errs));
    assert_int_equal(errs.n, 2);
    assert_true(errs.dropped > 0);
    verr_list_release(&errs);
    json_decref(doc);
}

/* Messages name the place in the file like every field-table input: the label path of the
 * pointer, then the reason; a member not in the format names the format's version. */
static void test_validation_messages(void **state)
{
    json_t *doc = parse(base_doc);
    struct verr_list errs;
    (void)state;
    json_object_set_new(jsonx_ptr_get(doc, "/holidays/1"), "date", json_string("2026-01-01"));
    json_object_set_new(doc, "colour", json_string("red"));
    verr_list_init(&errs, 10);
    assert_null(calendar_from_json(doc, &errs));
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.v[0].pointer, "/colour");
    assert_string_equal(errs.v[0].en, "colour: is not a member of calendar format 1");
    assert_string_equal(errs.v[1].pointer, "/holidays/1/date");
    assert_string_equal(errs.v[1].en, "holidays › #2 › date: repeats the previous holiday's date");
    assert_string_equal(errs.v[1].ja, "休日 › 2件目 › 日付: 直前の休日と同じ日付です");
    verr_list_release(&errs);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jp_national),
        cmocka_unit_test(test_jp_gov),
        cmocka_unit_test(test_us_federal),
        cmocka_unit_test(test_sec_business_days),
        cmocka_unit_test(test_weekends),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_consistency),
        cmocka_unit_test(test_lookup_rate),
        cmocka_unit_test(test_valid_document),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_validation_gathers_all),
        cmocka_unit_test(test_validation_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
