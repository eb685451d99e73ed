/*
 * app_calendar.h — an organisation's deadlines as a calendar feed (issue 10 item 9): its open
 * obligations as iCalendar events (RFC 5545; src/ics/), one per deadline, with the rule and the
 * recipient, written in the organisation's time zone (account_org_zone). A calendar program
 * subscribed to the feed sees a deadline move when the ledger moves it: the event keeps its UID
 * (the obligation's id) and takes the new time; a deadline met or withdrawn leaves the feed.
 *
 * Layer: application. Callers: http/h_reminders.c, tests.
 */
#ifndef APP_APP_CALENDAR_H
#define APP_APP_CALENDAR_H

#include "app_call.h"
#include "../core/buf.h"

#define APP_CALENDAR_EVENTS_MAX 2000     /* open obligations read for one feed */
#define APP_CALENDAR_ALARM_MIN (24 * 60) /* each mandatory deadline's VALARM, before it */

/* The feed of the actor's organisation (ACT_REPORT_LIST) appended to out: open obligations of
 * real (not drill) incidents with a deadline, soonest first, overdue ones included (they are
 * still owed). APP_OK, FORBIDDEN, UNAVAILABLE (the store, or no usable time zone). */
enum app_problem app_calendar_feed(const struct app_call *c, struct buf *out,
                                   struct app_result *res);

#endif
