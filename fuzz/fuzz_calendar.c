/*
 * fuzz_calendar.c — the calendar file validator (src/calendar/calendar_json.c, a field table on
 * the engine of src/schema/): any bytes either give problems (each with a pointer, a code and
 * both messages) or a calendar whose queries agree with one another — a business day is
 * covered and has no closing reason, the next business day is one, and counting n business
 * days lands on a business day after the start.
 */
#include "../src/calendar/calendar.h"
#include "../src/core/jsonx.h"
#include "../src/core/rtime.h"
#include "fuzz.h"

static void check_queries(const struct calendar *c)
{
    int64_t first = rtime_days_from_civil(calendar_year_from(c), 1, 1);
    int64_t last = rtime_days_from_civil(calendar_year_to(c), 12, 31);
    int64_t step = MAX((last - first) / 400, 1), out;
    BUG_ON(calendar_year_from(c) > calendar_year_to(c));
    BUG_ON(!calendar_covers(c, first) || !calendar_covers(c, last));
    BUG_ON(calendar_covers(c, first - 1) || calendar_covers(c, last + 1));
    for (int64_t d = first; d <= last; d += step) {
        bool open = calendar_is_business_day(c, d);
        BUG_ON(open != (calendar_closed_reason(c, d, false) == NULL));
        BUG_ON(open != (calendar_closed_reason(c, d, true) == NULL));
        if (calendar_next_business_day(c, d, &out) == CALENDAR_OK)
            BUG_ON(out <= d || !calendar_is_business_day(c, out));
        if (calendar_add_business_days(c, d, 3, &out) == CALENDAR_OK)
            BUG_ON(out <= d || !calendar_is_business_day(c, out));
    }
    BUG_ON(calendar_add_business_days(c, first, -1, &out) != CALENDAR_EARG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    struct verr_list errs;
    struct calendar *c;
    if (size > 256 * 1024 || jsonx_load_object((const char *)data, size, 32, &doc, NULL))
        return 0;
    verr_list_init(&errs, 100);
    c = calendar_from_json(doc, &errs);
    if (c) {
        BUG_ON(verr_any(&errs));
        BUG_ON(!calendar_id(c)[0] || !calendar_timezone(c)[0]);
        check_queries(c);
        calendar_free(c);
    } else {
        BUG_ON(!verr_any(&errs));
        for (size_t i = 0; i < errs.n; i++)
            BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0] ||
                   (errs.v[i].pointer[0] && errs.v[i].pointer[0] != '/'));
    }
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
