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

/* The time fields anchors read, by index into rules_anchors.field_ms. */
enum anchor_field {
    F_AWARE, F_PD_AWARE, F_OCCURRED, F_DETECTED, F_CLASSIFIED_MAJOR, F_MATERIALITY,
    F_SIGNIFICANCE, F_CONTAINED, F_RECOVERED, F_RESOLVED, F_CLOSED, F_CORRECTIVE, F_RANSOM_PAID,
    F_SEC_INFORMATION, F__COUNT
};
_Static_assert(F__COUNT <= ANCHOR_FIELDS, "rules_anchors holds every anchor field");

static const char *const field_ptr[F__COUNT] = {
    [F_AWARE] = "/times/aware_at",
    [F_PD_AWARE] = "/times/personal_data_aware_at",
    [F_OCCURRED] = "/times/occurred_at",
    [F_DETECTED] = "/times/detected_at",
    [F_CLASSIFIED_MAJOR] = "/times/classified_major_at",
    [F_MATERIALITY] = "/times/materiality_determined_at",
    [F_SIGNIFICANCE] = "/times/significance_assessed_at",
    [F_CONTAINED] = "/times/contained_at",
    [F_RECOVERED] = "/times/recovered_at",
    [F_RESOLVED] = "/times/resolved_at",
    [F_CLOSED] = "/times/closed_at",
    [F_CORRECTIVE] = "/times/corrective_measure_available_at",
    [F_RANSOM_PAID] = "/ransom/payment/paid_at",
    /* Instruction 2 to Item 1.05: the 8-K/A is due within four business days after the
     * information the 8-K lacked is determined or becomes available */
    [F_SEC_INFORMATION] = "/times/sec_information_determined_at",
};

/* The field an anchor reads directly (-1: none, or not a single field). */
static int direct_field(enum anchor a)
{
    switch (a) {
    case A_OCCURRED: return F_OCCURRED;
    case A_DETECTED: return F_DETECTED;
    case A_CLASSIFIED_MAJOR: return F_CLASSIFIED_MAJOR;
    case A_MATERIALITY: return F_MATERIALITY;
    case A_SIGNIFICANCE: return F_SIGNIFICANCE;
    case A_CONTAINED: return F_CONTAINED;
    case A_RECOVERED: return F_RECOVERED;
    case A_RESOLVED: return F_RESOLVED;
    case A_CLOSED: return F_CLOSED;
    case A_CORRECTIVE: return F_CORRECTIVE;
    case A_RANSOM_PAID: return F_RANSOM_PAID;
    case A_SEC_INFORMATION: return F_SEC_INFORMATION;
    default: return -1;
    }
}

void rules_anchors_init(struct rules_anchors *m, const json_t *report)
{
    memset(m, 0, sizeof(*m));
    m->report = report;
}

static bool parse_time(const json_t *v, int64_t *ms)
{
    struct rtime_parsed t;
    if (!json_is_string(v) || rtime_parse_rfc3339(json_string_value(v), json_string_length(v), &t))
        return false;
    *ms = t.ms;
    return true;
}

/* A time field: 0 and *ms, or -1 when absent or not a time. */
static int field_at(struct rules_anchors *m, int f, int64_t *ms, const char **source)
{
    unsigned bit = 1u << f;
    if (!(m->tried & bit)) {
        m->tried |= bit;
        if (parse_time(jsonx_ptr_get((json_t *)m->report, field_ptr[f]), &m->field_ms[f]))
            m->found |= bit;
    }
    if (!(m->found & bit))
        return -1;
    *ms = m->field_ms[f];
    *source = field_ptr[f];
    return 0;
}

/* The unmemoised search, for an (invalid) report with more entries than the memo holds. */
static int regime_awareness_scan(const struct rule *r, const json_t *report, int64_t *ms,
                                 const char **source)
{
    const json_t *arr = jsonx_ptr_get((json_t *)report, "/times/regime_awareness");
    size_t i;
    const json_t *item;
    json_array_foreach((json_t *)arr, i, item)
    {
        const char *reg = json_string_value(json_object_get(item, "regime"));
        if (reg && !strcmp(reg, r->regime) && parse_time(json_object_get(item, "aware_at"), ms)) {
            *source = "/times/regime_awareness/-/aware_at";
            return 0;
        }
    }
    return -1;
}

/* /times/regime_awareness entry for the rule's regime (the first with a valid time). */
static int regime_awareness(const struct rule *r, struct rules_anchors *m, int64_t *ms,
                            const char **source)
{
    static const char src[] = "/times/regime_awareness/-/aware_at";
    if (!m->regimes_read) {
        const json_t *arr = jsonx_ptr_get((json_t *)m->report, "/times/regime_awareness");
        size_t i;
        const json_t *item;
        m->regimes_read = true;
        json_array_foreach((json_t *)arr, i, item)
        {
            const char *reg = json_string_value(json_object_get(item, "regime"));
            int64_t at;
            if (!reg || !parse_time(json_object_get(item, "aware_at"), &at))
                continue;
            if (m->nregimes == ANCHOR_REGIMES) {
                m->regimes_overflow = true;
                break;
            }
            m->regime[m->nregimes] = reg;
            m->regime_ms[m->nregimes++] = at;
        }
    }
    for (int i = 0; i < m->nregimes; i++) {
        if (!strcmp(m->regime[i], r->regime)) {
            *ms = m->regime_ms[i];
            *source = src;
            return 0;
        }
    }
    return m->regimes_overflow ? regime_awareness_scan(r, m->report, ms, source) : -1;
}

int rules_anchor_memo(const struct rule *r, enum anchor a, struct rules_anchors *m, int64_t *ms,
                      const char **source)
{
    *source = NULL;
    switch (a) {
    case A_AWARE:
        return regime_awareness(r, m, ms, source) ? field_at(m, F_AWARE, ms, source) : 0;
    case A_PD_AWARE:
        if (!regime_awareness(r, m, ms, source) || !field_at(m, F_PD_AWARE, ms, source))
            return 0;
        return field_at(m, F_AWARE, ms, source);
    case A_AWARE_YEAR_END:
    case A_PD_AWARE_YEAR_END: {
        /* 00:00 on 1 January after the year of awareness (HIPAA < 500: the year of discovery
         * of the breach, i.e. of the personal-data aspect) */
        struct tz_civil c;
        if (rules_anchor_memo(r, a == A_AWARE_YEAR_END ? A_AWARE : A_PD_AWARE, m, ms, source))
            return -1;
        tz_utc_to_local(r->recipient->tz, *ms, &c);
        *ms = at_minute(r->recipient->tz, rtime_days_from_civil(c.year + 1, 1, 1), 0);
        return 0;
    }
    default: {
        int f = direct_field(a);
        return f < 0 ? -1 : field_at(m, f, ms, source);
    }
    }
}

int rules_anchor(const struct rule *r, enum anchor a, const json_t *report, int64_t *ms,
                 const char **source)
{
    struct rules_anchors m;
    rules_anchors_init(&m, report);
    return rules_anchor_memo(r, a, &m, ms, source);
}
