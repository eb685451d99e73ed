#include <time.h>

#include "rtime.h"

int64_t rtime_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void rtime_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int rtime_days_in_month(int64_t y, unsigned m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return (m >= 1 && m <= 12) ? dim[m - 1] : 0;
}

/* Reads exactly `width` decimal digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int width, int *out)
{
    int v = 0;
    if (*i + (size_t)width > n)
        return -1;
    for (int k = 0; k < width; k++) {
        char c = s[*i + (size_t)k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)width;
    *out = v;
    return 0;
}

static int expect(const char *s, size_t n, size_t *i, char c)
{
    if (*i >= n || s[*i] != c)
        return -1;
    (*i)++;
    return 0;
}

static int parse_date_part(const char *s, size_t n, size_t *i, int *y, int *mo, int *d)
{
    if (digits(s, n, i, 4, y) || expect(s, n, i, '-') || digits(s, n, i, 2, mo) ||
        expect(s, n, i, '-') || digits(s, n, i, 2, d))
        return RTIME_ESYNTAX;
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > rtime_days_in_month(*y, (unsigned)*mo))
        return RTIME_ERANGE;
    return RTIME_OK;
}

static int parse_fraction(const char *s, size_t n, size_t *i, int *ms)
{
    int nd = 0;
    *ms = 0;
    if (*i >= n || s[*i] != '.')
        return RTIME_OK;
    (*i)++;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (nd < 3)
            *ms = *ms * 10 + (s[*i] - '0');
        nd++;
        (*i)++;
    }
    if (nd == 0 || nd > 9)
        return RTIME_ESYNTAX;
    for (int k = nd; k < 3; k++)
        *ms *= 10;
    return RTIME_OK;
}

static int parse_offset(const char *s, size_t n, size_t *i, int *off)
{
    int sign, oh, om;
    if (*i >= n)
        return RTIME_ENOOFFSET;
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        *off = 0;
        return RTIME_OK;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return RTIME_ESYNTAX;
    sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    if (digits(s, n, i, 2, &oh) || expect(s, n, i, ':') || digits(s, n, i, 2, &om))
        return RTIME_ESYNTAX;
    if (oh > 23 || om > 59)
        return RTIME_ERANGE;
    if (sign < 0 && oh == 0 && om == 0)
        return RTIME_ENOOFFSET;
    *off = sign * (oh * 60 + om);
    return RTIME_OK;
}

int rtime_parse_rfc3339(const char *s, size_t n, struct rtime_parsed *out)
{
    size_t i = 0;
    int y, mo, d, h, mi, se, frac, off, r;

    if ((r = parse_date_part(s, n, &i, &y, &mo, &d)))
        return r;
    if (i >= n || (s[i] != 'T' && s[i] != 't'))
        return RTIME_ESYNTAX; /* a date alone is not a date-time */
    i++;
    if (digits(s, n, &i, 2, &h) || expect(s, n, &i, ':') || digits(s, n, &i, 2, &mi) ||
        expect(s, n, &i, ':') || digits(s, n, &i, 2, &se))
        return RTIME_ESYNTAX;
    if (h > 23 || mi > 59 || se > 60) /* 60: leap second, RFC 3339 §5.7 */
        return RTIME_ERANGE;
    if ((r = parse_fraction(s, n, &i, &frac)) || (r = parse_offset(s, n, &i, &off)))
        return r;
    if (i != n)
        return RTIME_ESYNTAX;
    int64_t days = rtime_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
    out->ms = secs * 1000 + frac;
    out->offset_min = off;
    return RTIME_OK;
}

int rtime_parse_date(const char *s, size_t n, int64_t *ms_out)
{
    size_t i = 0;
    int y, mo, d, r;
    if ((r = parse_date_part(s, n, &i, &y, &mo, &d)))
        return r;
    if (i != n)
        return RTIME_ESYNTAX;
    *ms_out = rtime_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000LL;
    return RTIME_OK;
}

int rtime_format_utc(int64_t ms, char *out, size_t n)
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int msr = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    rtime_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), msr);
    return 0;
}

int64_t rtime_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rtime_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
