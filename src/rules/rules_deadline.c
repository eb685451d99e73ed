/*
 * rules_deadline.c — anchors and deadline arithmetic in the recipient's time zone and
 * working-day calendar (docs/rules-authoring.md, "Deadline arithmetic").
 *
 * Day and month units end on a local calendar day: the anchor's own day is not counted
 * (民法140条 初日不算入; Regulation (EEC, Euratom) No 1182/71 Art. 3(1)), the deadline is at
 * due_time (default the end of that day) local time, and local times are turned into instants
 * with the tz database, so DST days are handled.
 */
#include "rules_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

static int64_t local_day(const struct tz *z, int64_t ms, struct tz_civil *c)
{
    tz_utc_to_local(z, ms, c);
    return rtime_days_from_civil(c->year, (unsigned)c->month, (unsigned)c->day);
}

/* The instant of local `minute` minutes after midnight on civil day `day`; 1440 means the
 * last millisecond of that day (00:00 of the next day minus 1 ms). */
static int64_t at_minute(const struct tz *z, int64_t day, int minute)
{
    struct tz_civil c;
    int64_t y;
    unsigned m, d;
    memset(&c, 0, sizeof(c));
    rtime_civil_from_days(minute >= 1440 ? day + 1 : day, &y, &m, &d);
    c.year = y, c.month = (int)m, c.day = (int)d;
    if (minute < 1440) {
        c.hour = minute / 60;
        c.minute = minute % 60;
        return tz_local_to_utc(z, &c, NULL);
    }
    return tz_local_to_utc(z, &c, NULL) - 1;
}

static int64_t add_months(int64_t day, int n)
{
    int64_t y;
    unsigned m, d;
    rtime_civil_from_days(day, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = (unsigned)(total % 12) + 1;
    int dim = rtime_days_in_month(y, m);
    if ((int)d > dim)
        d = (unsigned)dim; /* Reg. 1182/71 Art. 3(2)(c): the last day of that month */
    return rtime_days_from_civil(y, m, d);
}

int rules_add_span(const struct recipient *rc, const struct calendar *cal, int64_t from_ms,
                   int offset, enum dl_unit unit, int due_minute, int64_t *out_ms)
{
    struct tz_civil c;
    int64_t day, end;
    if (unit == DU_HOURS) {
        *out_ms = from_ms + (int64_t)offset * 3600000;
        return 0;
    }
    day = local_day(rc->tz, from_ms, &c);
    switch (unit) {
    case DU_CALENDAR_DAYS: end = day + offset; break;
    case DU_MONTHS: end = add_months(day, offset); break;
    default:
        if (!cal || calendar_add_business_days(cal, day, offset, &end))
            return -1;
    }
    *out_ms = at_minute(rc->tz, end, due_minute);
    return 0;
}

int rules_roll(const struct recipient *rc, const struct calendar *cal, enum roll roll,
               bool day_unit, int due_minute, int64_t *due_ms, bool *rolled)
{
    struct tz_civil c;
    int64_t day, next;
    *rolled = false;
    if (roll == ROLL_NONE || !cal)
        return 0;
    day = local_day(rc->tz, *due_ms, &c);
    if (!calendar_covers(cal, day))
        return -1;
    if (calendar_is_business_day(cal, day))
        return 0;
    if (calendar_next_business_day(cal, day, &next))
        return -1;
    int minute = roll == ROLL_NEXT_BD_NOON ? 12 * 60
                 : day_unit                ? due_minute
                                           : c.hour * 60 + c.minute;
    *due_ms = at_minute(rc->tz, next, minute);
    if (roll != ROLL_NEXT_BD_NOON && !day_unit)
        *due_ms += (int64_t)c.second * 1000 + c.ms;
    *rolled = true;
    return 0;
}

/* ---- anchors ---- */

static int time_at(const json_t *report, const char *ptr, int64_t *ms)
{
    const json_t *v = jsonx_ptr_get((json_t *)report, ptr);
    struct rtime_parsed t;
    if (!json_is_string(v) || rtime_parse_rfc3339(json_string_value(v), json_string_length(v), &t))
        return -1;
    *ms = t.ms;
    return 0;
}

/* /times/regime_awareness entry for the rule's regime. */
static int regime_awareness(const struct rule *r, const json_t *report, int64_t *ms,
                            const char **source)
{
    static const char src[] = "/times/regime_awareness/-/aware_at";
    const json_t *arr = jsonx_ptr_get((json_t *)report, "/times/regime_awareness");
    size_t i;
    const json_t *item;
    json_array_foreach((json_t *)arr, i, item)
    {
        const char *reg = json_string_value(json_object_get(item, "regime"));
        const json_t *at = json_object_get(item, "aware_at");
        struct rtime_parsed t;
        if (reg && !strcmp(reg, r->regime) && json_is_string(at) &&
            !rtime_parse_rfc3339(json_string_value(at), json_string_length(at), &t)) {
            *ms = t.ms;
            *source = src;
            return 0;
        }
    }
    return -1;
}

static int first_of(const json_t *report, const char *const *ptrs, int64_t *ms, const char **source)
{
    for (; *ptrs; ptrs++) {
        if (!time_at(report, *ptrs, ms)) {
            *source = *ptrs;
            return 0;
        }
    }
    return -1;
}

int rules_anchor(const struct rule *r, enum anchor a, const json_t *report, int64_t *ms,
                 const char **source)
{
    static const char *const aware[] = {"/times/aware_at", NULL};
    static const char *const pd[] = {"/times/personal_data_aware_at", "/times/aware_at", NULL};
    static const char *const direct[A__COUNT] = {
        [A_OCCURRED] = "/times/occurred_at", [A_DETECTED] = "/times/detected_at",
        [A_CLASSIFIED_MAJOR] = "/times/classified_major_at",
        [A_MATERIALITY] = "/times/materiality_determined_at",
        [A_SIGNIFICANCE] = "/times/significance_assessed_at",
        [A_CONTAINED] = "/times/contained_at", [A_RECOVERED] = "/times/recovered_at",
        [A_RESOLVED] = "/times/resolved_at", [A_CLOSED] = "/times/closed_at",
        [A_CORRECTIVE] = "/times/corrective_measure_available_at",
        [A_RANSOM_PAID] = "/ransom/payment/paid_at",
        /* Instruction 2 to Item 1.05: the 8-K/A is due within four business days after the
         * information the 8-K lacked is determined or becomes available */
        [A_SEC_INFORMATION] = "/times/sec_information_determined_at",
    };
    *source = NULL;
    switch (a) {
    case A_AWARE:
        return regime_awareness(r, report, ms, source) ? first_of(report, aware, ms, source) : 0;
    case A_PD_AWARE:
        return regime_awareness(r, report, ms, source) ? first_of(report, pd, ms, source) : 0;
    case A_AWARE_YEAR_END:
    case A_PD_AWARE_YEAR_END: {
        /* 00:00 on 1 January after the year of awareness (HIPAA < 500: the year of discovery
         * of the breach, i.e. of the personal-data aspect) */
        struct tz_civil c;
        if (rules_anchor(r, a == A_AWARE_YEAR_END ? A_AWARE : A_PD_AWARE, report, ms, source))
            return -1;
        tz_utc_to_local(r->recipient->tz, *ms, &c);
        *ms = at_minute(r->recipient->tz, rtime_days_from_civil(c.year + 1, 1, 1), 0);
        return 0;
    }
    case A_PREVIOUS_STAGE: return -1;
    default:
        if (!direct[a] || time_at(report, direct[a], ms))
            return -1;
        *source = direct[a];
        return 0;
    }
}
