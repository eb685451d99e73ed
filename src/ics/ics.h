/*
 * ics.h — iCalendar (RFC 5545) text for a feed of deadlines (issue 10 item 9): one VCALENDAR
 * with the VTIMEZONE of the zone its times are written in and one VEVENT per deadline.
 *
 * What it is: pure writing — content lines of at most 75 octets folded without splitting a
 * UTF-8 character (§3.1), TEXT values escaped (§3.3.11), CRLF line ends, local times with a
 * TZID whose VTIMEZONE (§3.6.5) is computed from the tz database's transitions over the range
 * the events cover, so a client needs nothing but the file.
 * What it is not: a parser, a scheduler (no RRULE, no iTIP beyond METHOD:PUBLISH), or the
 * choice of what goes in the feed (app/app_calendar.c decides).
 *
 * Who may call it: anyone; every function is pure and writes into the caller's buffer.
 */
#ifndef ICS_ICS_H
#define ICS_ICS_H

#include "../core/buf.h"
#include "../core/tz.h"

#define ICS_LINE_OCTETS 75 /* RFC 5545 §3.1: lines SHOULD NOT be longer, excluding CRLF */

/* One deadline. Strings are UTF-8 and may hold newlines (escaped as \n); none may be NULL
 * except alarm_text. */
struct ics_event {
    const char *uid;         /* globally unique and stable: the same deadline keeps it */
    int64_t start_ms;        /* the deadline, an instant */
    int64_t stamp_ms;        /* DTSTAMP: when this feed was made */
    int64_t modified_ms;     /* LAST-MODIFIED: when the deadline last changed, or 0 */
    const char *summary;     /* SUMMARY */
    const char *description; /* DESCRIPTION */
    const char *categories;  /* CATEGORIES, comma-separated (escaped as a list) or "" */
    int alarm_minutes;       /* a VALARM this long before start; 0: none */
    const char *alarm_text;  /* its DESCRIPTION (NULL: the summary) */
};

/* BEGIN:VCALENDAR with PRODID, VERSION, CALSCALE, METHOD:PUBLISH, the feed's name
 * (X-WR-CALNAME, X-WR-TIMEZONE: widely read, outside the RFC), then the VTIMEZONE of z
 * covering [from_ms, to_ms] (a year either side is added, so an event moved a little stays
 * covered). Every observance in that range is written with its own DTSTART (no RRULE): exact
 * for any zone the tz database describes, past rule changes included. */
void ics_begin(struct buf *out, const char *name, const struct tz *z, int64_t from_ms,
               int64_t to_ms);

/* One VEVENT at e->start_ms written as local time in z (DTSTART;TZID=…), without DTEND: a
 * deadline is an instant (§3.6.1: the event ends when it starts). */
void ics_event(struct buf *out, const struct tz *z, const struct ics_event *e);

/* END:VCALENDAR. */
void ics_end(struct buf *out);

/* Appends one content line "name:value" (value already escaped as its type requires), folded
 * at ICS_LINE_OCTETS octets on UTF-8 character boundaries, with CRLF. Exposed for tests. */
void ics_line(struct buf *out, const char *name, const char *value);

/* Appends s escaped as a TEXT value (§3.3.11): backslash, semicolon, comma and newline
 * escaped; other control characters dropped. list: a comma stays a list separator. */
void ics_text(struct buf *out, const char *s, bool list);

#endif
