/*
 * calendar.h — working-day calendars: which civil dates an authority is open for business.
 *
 * What it is: a calendar loaded from a data file (data/calendars/<id>.json, format
 * "ichigen-calendar/1", docs/rules-format-spec.md "Calendars") — weekend weekdays, dated
 * holidays and yearly closures (e.g. 12-29…01-03 for Japanese administrative agencies) over a
 * fixed range of years — and the queries deadline arithmetic needs: is a date a business day,
 * why is it closed, the next business day, the n-th business day after a date.
 * What it is not: a source of holiday rules. Holidays are data, generated and reviewed
 * (scripts/gen_calendars.py) with their legal sources, never computed here. Nor does it know
 * about time zones: dates are civil dates in the calendar's zone, and converting instants to
 * them is the caller's job (core/tz.h).
 *
 * Dates are "days": days since 1970-01-01 of a proleptic Gregorian date, as returned by
 * rtime_days_from_civil(). A date outside the calendar's years is never guessed about: queries
 * report it (calendar_covers, CALENDAR_ERANGE).
 *
 * Who may call it: anyone. calendar_from_json is pure; a loaded calendar is immutable, so the
 * queries are thread-safe. Lookups are a bit test (a bitmap of every covered day, built at load).
 */
#ifndef CALENDAR_CALENDAR_H
#define CALENDAR_CALENDAR_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/verr.h"

#define CALENDAR_FORMAT "ichigen-calendar/1"
#define CALENDAR_YEAR_MIN 1900
#define CALENDAR_YEAR_MAX 2200
#define CALENDAR_HOLIDAYS_MAX 20000
#define CALENDAR_CLOSURES_MAX 64

enum calendar_err {
    CALENDAR_OK = 0,
    CALENDAR_ERANGE = -1, /* the day, or the walk from it, leaves the calendar's years */
    CALENDAR_EARG = -2,   /* a negative count */
};

struct calendar;

/*
 * Validates a calendar document (borrowed; not modified) and builds the calendar.
 * The document: {"format": "ichigen-calendar/1", "id": [a-z0-9][a-z0-9._-]* (<= 80),
 * "version": "YYYY-MM-DD", "title": {ja, en}, "timezone": IANA name syntax (tz_name_valid; its
 * existence is the loader's check), "weekend": [ISO weekdays 1–7, unique],
 * "years": {"from", "to"} within CALENDAR_YEAR_MIN…MAX, from <= to,
 * "holidays": [{"date": "YYYY-MM-DD" within the years, strictly ascending, "name": {ja, en},
 * "provisional": bool (optional)}], "closures" (optional): [{"from": "MM-DD", "to": "MM-DD"
 * (inclusive; from > to wraps the year end), "name": {ja, en}}], "sources": [{"title", "url"
 * (http/https), "note" (optional)}, at least one], and optionally "notes": {ja, en} and
 * "verification": [{"marker": "VERIFY" | "UNCONFIRMED", "note": {ja, en}}] as in rule files.
 * Unknown members are errors (a misspelt "holiday" must not silently empty a calendar).
 * Every problem is added to errs with a JSON Pointer, a code and an en/ja message. Returns a new
 * calendar (calendar_free), or NULL when this document added any problem to errs.
 */
struct calendar *calendar_from_json(const json_t *doc, struct verr_list *errs);

void calendar_free(struct calendar *c);

/* Getters; strings are borrowed and live as long as c. */
const char *calendar_id(const struct calendar *c);
const char *calendar_version(const struct calendar *c);
const char *calendar_timezone(const struct calendar *c);
const char *calendar_title(const struct calendar *c, bool ja);
int calendar_year_from(const struct calendar *c);
int calendar_year_to(const struct calendar *c);

/* Number of holidays the calendar lists in a year (closures and weekends not counted). */
size_t calendar_holiday_count(const struct calendar *c, int year);

/* True when day lies within the calendar's years. */
bool calendar_covers(const struct calendar *c, int64_t day);

/* True when day is covered and is not a weekend day, holiday or closure day. A day outside the
 * years is reported as not a business day; callers that must tell the two apart check
 * calendar_covers (the walking functions below do). */
bool calendar_is_business_day(const struct calendar *c, int64_t day);

/* Why day is closed: the holiday's name, else the closure's name, else "weekend" ("週末"), in
 * Japanese when ja; "outside the calendar's years" ("対象期間外") for an uncovered day; NULL
 * for a business day. Borrowed. */
const char *calendar_closed_reason(const struct calendar *c, int64_t day, bool ja);

/* True when a holiday marked provisional (not yet fixed by its official source, e.g. an
 * equinox day before its 官報 announcement) lies in [from, to]. A deadline computed across such
 * a day may move when the calendar is updated. */
bool calendar_provisional_between(const struct calendar *c, int64_t from, int64_t to);

/* The first business day strictly after day, into *out. Returns 0, or CALENDAR_ERANGE when day
 * is not covered or no business day follows it within the years (*out unchanged). */
int calendar_next_business_day(const struct calendar *c, int64_t day, int64_t *out);

/*
 * The n-th business day after day (n >= 0), into *out — SEC semantics (Form 8-K General
 * Instruction B.1): when day is a business day the count starts on the next business day;
 * when it is not (a Saturday, Sunday or holiday), "the period shall begin to run on, and
 * include, the first business day thereafter". Both come to the same walk: count business days
 * strictly after day, the first of them being day 1. So a Friday or a Saturday determination
 * with n = 4 before an ordinary week both end on Thursday. n = 0 gives day itself.
 * Returns 0; CALENDAR_EARG for n < 0; CALENDAR_ERANGE when day is not covered or the walk
 * leaves the years (never a guess past them).
 */
int calendar_add_business_days(const struct calendar *c, int64_t day, int n, int64_t *out);

#endif
