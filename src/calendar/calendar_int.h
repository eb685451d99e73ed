/*
 * calendar_int.h — the calendar's representation, shared by calendar.c (queries, the bitmap)
 * and calendar_json.c (document validation). Private to src/calendar/.
 */
#ifndef CALENDAR_CALENDAR_INT_H
#define CALENDAR_CALENDAR_INT_H

#include "calendar.h"

struct cal_holiday {
    int64_t day;
    char *ja, *en;
    bool provisional;
};

/* A yearly closure; from/to are month * 100 + day. from > to wraps the year end. */
struct cal_closure {
    int from, to;
    char *ja, *en;
};

struct calendar {
    char *id, *version, *timezone, *title_ja, *title_en;
    int year_from, year_to;
    unsigned weekend;        /* bit (w - 1) set: ISO weekday w is closed */
    struct cal_holiday *hol; /* ascending by day */
    size_t nhol;
    struct cal_closure *clo;
    size_t nclo;
    int64_t day0, ndays; /* covered days: [day0, day0 + ndays) */
    uint64_t *open;      /* bit i: day0 + i is a business day */
};

/* Fills day0, ndays and the bitmap from the other fields (calendar.c). */
void cal_build(struct calendar *c);

/* ISO weekday (1 = Monday … 7 = Sunday) of a day number. */
static inline int cal_weekday(int64_t day)
{
    return (int)(((day % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
}

#endif
