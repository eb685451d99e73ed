/*
 * calendar.c — a loaded calendar: the business-day bitmap, getters and the date walks.
 * Validation of the document is in calendar_json.c.
 */
#include "calendar_int.h"
#include "../core/rtime.h"

/* ---- building ---- */

/* The yearly closure that contains day, or NULL. */
static const struct cal_closure *closure_at(const struct calendar *c, int64_t day)
{
    int64_t y;
    unsigned m, d;
    int md;
    if (c->nclo == 0)
        return NULL;
    rtime_civil_from_days(day, &y, &m, &d);
    md = (int)(m * 100 + d);
    for (size_t i = 0; i < c->nclo; i++) {
        const struct cal_closure *k = &c->clo[i];
        if (k->from <= k->to ? (md >= k->from && md <= k->to) : (md >= k->from || md <= k->to))
            return k;
    }
    return NULL;
}

void cal_build(struct calendar *c)
{
    size_t h = 0;
    c->day0 = rtime_days_from_civil(c->year_from, 1, 1);
    c->ndays = rtime_days_from_civil((int64_t)c->year_to + 1, 1, 1) - c->day0;
    c->open = xcalloc((size_t)(c->ndays + 63) / 64, sizeof(*c->open));
    for (int64_t i = 0; i < c->ndays; i++) {
        int64_t day = c->day0 + i;
        bool closed = (c->weekend >> (cal_weekday(day) - 1)) & 1;
        while (h < c->nhol && c->hol[h].day < day)
            h++;
        closed = closed || (h < c->nhol && c->hol[h].day == day) || closure_at(c, day);
        if (!closed)
            c->open[i / 64] |= 1ULL << (i % 64);
    }
}

void calendar_free(struct calendar *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nhol; i++) {
        free(c->hol[i].ja);
        free(c->hol[i].en);
    }
    for (size_t i = 0; i < c->nclo; i++) {
        free(c->clo[i].ja);
        free(c->clo[i].en);
    }
    free(c->hol);
    free(c->clo);
    free(c->open);
    free(c->id);
    free(c->version);
    free(c->timezone);
    free(c->title_ja);
    free(c->title_en);
    free(c);
}

/* ---- getters ---- */

const char *calendar_id(const struct calendar *c)
{
    return c->id;
}

const char *calendar_version(const struct calendar *c)
{
    return c->version;
}

const char *calendar_timezone(const struct calendar *c)
{
    return c->timezone;
}

const char *calendar_title(const struct calendar *c, bool ja)
{
    return ja ? c->title_ja : c->title_en;
}

int calendar_year_from(const struct calendar *c)
{
    return c->year_from;
}

int calendar_year_to(const struct calendar *c)
{
    return c->year_to;
}

/* Index of the first holiday on or after day. */
static size_t hol_lower_bound(const struct calendar *c, int64_t day)
{
    size_t lo = 0, hi = c->nhol;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->hol[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t calendar_holiday_count(const struct calendar *c, int year)
{
    return hol_lower_bound(c, rtime_days_from_civil((int64_t)year + 1, 1, 1)) -
           hol_lower_bound(c, rtime_days_from_civil(year, 1, 1));
}

/* ---- queries ---- */

bool calendar_covers(const struct calendar *c, int64_t day)
{
    return day >= c->day0 && day < c->day0 + c->ndays; /* no subtraction: day may be extreme */
}

bool calendar_is_business_day(const struct calendar *c, int64_t day)
{
    uint64_t i;
    if (!calendar_covers(c, day))
        return false;
    i = (uint64_t)(day - c->day0);
    return (c->open[i / 64] >> (i % 64)) & 1;
}

const char *calendar_closed_reason(const struct calendar *c, int64_t day, bool ja)
{
    const struct cal_closure *k;
    size_t h;
    if (!calendar_covers(c, day))
        return ja ? "対象期間外" : "outside the calendar's years";
    if (calendar_is_business_day(c, day))
        return NULL;
    h = hol_lower_bound(c, day);
    if (h < c->nhol && c->hol[h].day == day)
        return ja ? c->hol[h].ja : c->hol[h].en;
    if ((k = closure_at(c, day)))
        return ja ? k->ja : k->en;
    return ja ? "週末" : "weekend";
}

bool calendar_provisional_between(const struct calendar *c, int64_t from, int64_t to)
{
    for (size_t h = hol_lower_bound(c, from); h < c->nhol && c->hol[h].day <= to; h++)
        if (c->hol[h].provisional)
            return true;
    return false;
}

int calendar_next_business_day(const struct calendar *c, int64_t day, int64_t *out)
{
    return calendar_add_business_days(c, day, 1, out);
}

int calendar_add_business_days(const struct calendar *c, int64_t day, int n, int64_t *out)
{
    if (n < 0)
        return CALENDAR_EARG;
    if (!calendar_covers(c, day))
        return CALENDAR_ERANGE;
    for (int64_t d = day + 1; n > 0; d++) {
        if (!calendar_covers(c, d))
            return CALENDAR_ERANGE;
        if (calendar_is_business_day(c, d) && --n == 0) {
            *out = d;
            return CALENDAR_OK;
        }
    }
    *out = day; /* n == 0 */
    return CALENDAR_OK;
}
