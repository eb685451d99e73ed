/*
 * tz.c — TZif (RFC 8536) and POSIX TZ footer parsing; UTC <-> civil time conversion.
 *
 * Internally everything is in whole seconds (TZif transition times are seconds and may be as
 * far out as -2^59, which would overflow as milliseconds); milliseconds exist only at the API.
 *
 * A zone is a sequence of "segments": maximal spans [start, end) of UTC seconds with one UT
 * offset. seg_at() finds the segment containing an instant, from the transition table or, after
 * its last transition, from the footer rule. Local -> UTC enumerates the segments that can
 * contain the answer (offsets are bounded by ±26 h, RFC 8536 §3.2) and keeps those in which
 * "local - offset" falls: none is a gap, two or more an overlap.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tz.h"
#include "rtime.h"

#define DAY_S 86400
#define OFFSET_MAX 93600       /* |UT offset| < 26 h: RFC 8536 §3.2 allows -89999 … 93599 s */
#define RULE_TIME_MAX_H 167    /* RFC 8536 §3.3.1: rule times may range over ±167 h */
#define DEFAULT_RULE_TIME 7200 /* POSIX: transitions at 02:00:00 local unless given */
#define TZDIR_DEFAULT "/usr/share/zoneinfo"

/* ---- types ---- */

enum rule_kind {
    RULE_JULIAN1, /* Jn: day 1–365, February 29 never counted */
    RULE_JULIAN0, /* n: day 0–365, February 29 counted in leap years */
    RULE_MWD,     /* Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m */
};

struct rule_date {
    enum rule_kind kind;
    int day, month, week, wday;
    int32_t time; /* seconds after local midnight; may be negative or past 24 h */
};

struct footer {
    bool present;
    bool has_dst;
    int32_t std_east, dst_east;  /* seconds east of UTC */
    struct rule_date start, end; /* start: in standard time; end: in daylight time (POSIX) */
};

struct tz {
    char *name;
    size_t ntrans;
    int64_t *trans;      /* UTC seconds, strictly ascending */
    uint8_t *trans_type; /* index into type_off */
    size_t ntypes;
    int32_t *type_off; /* seconds east of UTC */
    struct footer footer;
};

struct seg {
    int64_t start, end; /* [start, end) in UTC seconds; INT64_MIN / INT64_MAX when unbounded */
    int32_t off;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* ---- names ---- */

static bool name_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-' || c == '/';
}

bool tz_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!name_char_ok(name[i]) || (name[i] == '/' && name[i + 1] == '/'))
            return false;
    }
    return true;
}

/* ---- POSIX TZ string (the TZif footer), RFC 8536 §3.3 ---- */

struct cur {
    const char *s;
    size_t n, i;
};

static int cur_ch(const struct cur *c)
{
    return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_alpha(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static int expect_ch(struct cur *c, int ch)
{
    if (cur_ch(c) != ch)
        return -1;
    c->i++;
    return 0;
}

/* Reads 1..maxdigits decimal digits with a value <= max. */
static int parse_num(struct cur *c, int maxdigits, int max, int *out)
{
    int v = 0, nd = 0;
    while (nd < maxdigits && is_digit(cur_ch(c))) {
        v = v * 10 + (cur_ch(c) - '0');
        c->i++;
        nd++;
    }
    if (nd == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* A zone abbreviation: three or more letters, or <…> quoting letters, digits, '+' and '-'. */
static int parse_abbr(struct cur *c)
{
    size_t start;
    if (cur_ch(c) == '<') {
        start = ++c->i;
        while (is_alpha(cur_ch(c)) || is_digit(cur_ch(c)) || cur_ch(c) == '+' || cur_ch(c) == '-')
            c->i++;
        if (c->i == start)
            return -1;
        return expect_ch(c, '>');
    }
    start = c->i;
    while (is_alpha(cur_ch(c)))
        c->i++;
    return c->i - start >= 3 ? 0 : -1;
}

/* [+|-]hh[:mm[:ss]] with hh <= max_h; the result is signed seconds. */
static int parse_hms(struct cur *c, int max_h, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (cur_ch(c) == '+' || cur_ch(c) == '-')
        sign = c->s[c->i++] == '-' ? -1 : 1;
    if (parse_num(c, 3, max_h, &h))
        return -1;
    if (cur_ch(c) == ':') {
        c->i++;
        if (parse_num(c, 2, 59, &m))
            return -1;
        if (cur_ch(c) == ':') {
            c->i++;
            if (parse_num(c, 2, 59, &s))
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

/* Jn | n | Mm.w.d, then an optional /time. */
static int parse_rule_date(struct cur *c, struct rule_date *r)
{
    int ch = cur_ch(c);
    if (ch == 'J') {
        c->i++;
        r->kind = RULE_JULIAN1;
        if (parse_num(c, 3, 365, &r->day) || r->day < 1)
            return -1;
    } else if (ch == 'M') {
        c->i++;
        r->kind = RULE_MWD;
        if (parse_num(c, 2, 12, &r->month) || r->month < 1 || expect_ch(c, '.') ||
            parse_num(c, 1, 5, &r->week) || r->week < 1 || expect_ch(c, '.') ||
            parse_num(c, 1, 6, &r->wday))
            return -1;
    } else {
        r->kind = RULE_JULIAN0;
        if (parse_num(c, 3, 365, &r->day))
            return -1;
    }
    r->time = DEFAULT_RULE_TIME;
    if (cur_ch(c) == '/') {
        c->i++;
        return parse_hms(c, RULE_TIME_MAX_H, &r->time);
    }
    return 0;
}

/* std offset [dst [offset] ,start[/time],end[/time]]. POSIX offsets count hours *west*. A DST
 * name without rules is refused: its meaning is implementation-defined (POSIX). Returns 0, or
 * the 1-based position of the offending character. */
static size_t parse_posix(const char *s, size_t n, struct footer *f)
{
    struct cur c = {s, n, 0};
    int32_t v;
    if (parse_abbr(&c) || parse_hms(&c, 24, &v))
        return c.i + 1;
    f->std_east = -v;
    if (c.i == n) {
        f->present = true;
        return 0;
    }
    if (parse_abbr(&c))
        return c.i + 1;
    f->dst_east = f->std_east + 3600;
    if (cur_ch(&c) == '+' || cur_ch(&c) == '-' || is_digit(cur_ch(&c))) {
        if (parse_hms(&c, 24, &v))
            return c.i + 1;
        f->dst_east = -v;
    }
    if (expect_ch(&c, ',') || parse_rule_date(&c, &f->start) || expect_ch(&c, ',') ||
        parse_rule_date(&c, &f->end) || c.i != n)
        return c.i + 1;
    f->present = f->has_dst = true;
    return 0;
}

/* ---- footer rule evaluation ---- */

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of the rule's date in year y. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
    int64_t jan1 = rtime_days_from_civil(y, 1, 1), first;
    int mday, dim;
    switch (r->kind) {
    case RULE_JULIAN1:
        return jan1 + r->day - 1 + (is_leap(y) && r->day >= 60);
    case RULE_JULIAN0:
        return jan1 + r->day;
    default:
        break;
    }
    first = rtime_days_from_civil(y, (unsigned)r->month, 1);
    /* the first r->wday of the month; 1970-01-01 was a Thursday (4 when Sunday = 0) */
    mday = 1 + (int)(((r->wday - ((first % 7 + 7 + 4) % 7)) % 7 + 7) % 7);
    mday += 7 * (r->week - 1);
    dim = rtime_days_in_month(y, (unsigned)r->month);
    while (mday > dim)
        mday -= 7;
    return first + mday - 1;
}

struct rule_trans {
    int64_t at;  /* UTC seconds */
    int kind;    /* 0 = end of DST, 1 = start of DST: at equal instants the start wins */
    int32_t off; /* offset from then on */
};

static void sort_trans(struct rule_trans *t, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct rule_trans x = t[i];
        size_t k = i;
        while (k > 0 && (t[k - 1].at > x.at || (t[k - 1].at == x.at && t[k - 1].kind > x.kind))) {
            t[k] = t[k - 1];
            k--;
        }
        t[k] = x;
    }
}

/* The footer's segment containing t. Transitions of year k fall within about eight days of
 * year k (rule times are at most ±167 h), so years Y-2 … Y+2 around t's year Y always hold
 * both the last transition at or before t and the first one after it. */
static void seg_footer(const struct footer *f, int64_t t, struct seg *s)
{
    struct rule_trans tr[10];
    size_t n = 0;
    int64_t y;
    unsigned m, d;

    s->start = INT64_MIN;
    s->end = INT64_MAX;
    s->off = f->std_east;
    if (!f->has_dst)
        return;
    rtime_civil_from_days(floor_div(t + f->std_east, DAY_S), &y, &m, &d);
    for (int64_t k = y - 2; k <= y + 2; k++) {
        tr[n++] = (struct rule_trans){rule_day(&f->end, k) * DAY_S + f->end.time - f->dst_east, 0,
                                      f->std_east};
        tr[n++] = (struct rule_trans){rule_day(&f->start, k) * DAY_S + f->start.time - f->std_east,
                                      1, f->dst_east};
    }
    sort_trans(tr, n);
    for (size_t i = 0; i < n; i++) {
        if (tr[i].at > t) {
            s->end = tr[i].at;
            break;
        }
        s->start = tr[i].at;
        s->off = tr[i].off;
    }
}

/* ---- segment lookup ---- */

/* Number of transitions at or before t. */
static size_t trans_upto(const struct tz *z, int64_t t)
{
    size_t lo = 0, hi = z->ntrans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The segment containing t. Before the first transition: type 0 (RFC 8536 §3.2). After the
 * last: the footer when there is one (for all instants when there are no transitions, §3.3),
 * else the last transition's type. */
static void seg_at(const struct tz *z, int64_t t, struct seg *s)
{
    size_t k = trans_upto(z, t);
    if (k == z->ntrans && z->footer.present) {
        seg_footer(&z->footer, t, s);
        if (k > 0 && s->start < z->trans[k - 1])
            s->start = z->trans[k - 1];
        return;
    }
    s->start = k ? z->trans[k - 1] : INT64_MIN;
    s->end = k < z->ntrans ? z->trans[k] : INT64_MAX;
    s->off = z->type_off[k ? z->trans_type[k - 1] : 0];
}

/* ---- conversions ---- */

int tz_offset_at(const struct tz *z, int64_t utc_ms)
{
    struct seg s;
    seg_at(z, floor_div(utc_ms, 1000), &s);
    return s.off;
}

void tz_utc_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out)
{
    int64_t t = floor_div(utc_ms, 1000), local, days, secs, y;
    unsigned m, d;
    struct seg s;

    seg_at(z, t, &s);
    local = t + s.off;
    days = floor_div(local, DAY_S);
    secs = local - days * DAY_S;
    rtime_civil_from_days(days, &y, &m, &d);
    out->year = y;
    out->month = (int)m;
    out->day = (int)d;
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
    out->ms = (int)floor_mod(utc_ms, 1000);
    out->weekday = (int)((days % 7 + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday (ISO 4) */
    out->offset_s = s.off;
}

static int64_t clamp_year(int64_t y, int *flags)
{
    if (y <= TZ_YEAR_MAX && y >= -TZ_YEAR_MAX)
        return y;
    *flags |= TZ_RANGE;
    return y > 0 ? TZ_YEAR_MAX : -TZ_YEAR_MAX;
}

/* Local wall-clock milliseconds since 1970-01-01T00:00 (local), fields taken linearly. Every
 * term is bounded (|year| <= TZ_YEAR_MAX, the rest are ints), so nothing overflows. */
static int64_t local_ms(const struct tz_civil *lc, int *flags)
{
    int64_t m = lc->month, carry = floor_div(m - 1, 12), y, days;
    y = clamp_year(clamp_year(lc->year, flags) + carry, flags);
    m -= carry * 12;
    days = rtime_days_from_civil(y, (unsigned)m, 1) + (int64_t)lc->day - 1;
    return days * DAY_S * 1000 + (int64_t)lc->hour * 3600000 + (int64_t)lc->minute * 60000 +
           (int64_t)lc->second * 1000 + lc->ms;
}

int64_t tz_local_to_utc(const struct tz *z, const struct tz_civil *local, int *flags)
{
    int f = 0, nsol = 0;
    int64_t lms = local_ms(local, &f);
    int64_t l = floor_div(lms, 1000), rem = floor_mod(lms, 1000);
    int64_t hi = l + OFFSET_MAX, best = 0, before_gap = 0;
    struct seg s;

    seg_at(z, l - OFFSET_MAX, &s);
    for (;;) {
        int64_t cand = l - s.off;
        if (cand >= s.start) {
            before_gap = cand; /* the latest segment that began before this wall time */
            if (cand < s.end && nsol++ == 0)
                best = cand;
        }
        if (s.end > hi)
            break;
        seg_at(z, s.end, &s);
    }
    if (nsol == 0) {
        f |= TZ_GAP;
        best = before_gap;
    } else if (nsol > 1) {
        f |= TZ_AMBIGUOUS;
    }
    if (flags)
        *flags = f;
    return best * 1000 + rem;
}

/* ---- TZif ---- */

struct tzif_hdr {
    unsigned char version; /* 0 for version 1, else '2', '3', '4' … */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

#define TZIF_HDR_LEN 44

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int fail(struct err *e, const char *what, const char *name)
{
    return err_set(e, TZ_EFORMAT, "time zone %s: not a valid TZif file: %s", name, what);
}

static int read_header(const unsigned char *d, size_t n, size_t *pos, struct tzif_hdr *h,
                       const char *name, struct err *e)
{
    const unsigned char *p = d + *pos;
    if (n - *pos < TZIF_HDR_LEN)
        return fail(e, "truncated header", name);
    if (memcmp(p, "TZif", 4) != 0)
        return fail(e, "bad magic (not \"TZif\")", name);
    h->version = p[4];
    if (h->version != 0 && (h->version < '2' || h->version > '9'))
        return fail(e, "unknown version", name);
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    *pos += TZIF_HDR_LEN;
    return 0;
}

/* Bytes of the data block that follows a header (RFC 8536 §3.2); at most about 2^38. */
static uint64_t block_size(const struct tzif_hdr *h, unsigned tsize)
{
    return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int check_counts(const struct tzif_hdr *h, uint64_t avail, unsigned tsize, const char *name,
                        struct err *e)
{
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
        return fail(e, "type or designation count is zero or too large", name);
    if ((h->isutcnt && h->isutcnt != h->typecnt) || (h->isstdcnt && h->isstdcnt != h->typecnt))
        return fail(e, "UT/standard indicator counts differ from the type count", name);
    if (h->leapcnt)
        return fail(e, "leap-second records (\"right/\" zones are not supported)", name);
    if (block_size(h, tsize) > avail)
        return fail(e, "the counts need more bytes than the file has", name);
    return 0;
}

static int read_types(const unsigned char *p, const struct tzif_hdr *h, struct tz *z,
                      const char *name, struct err *e)
{
    z->ntypes = h->typecnt;
    z->type_off = xcalloc(h->typecnt, sizeof(*z->type_off));
    for (size_t i = 0; i < h->typecnt; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < -89999 || off > 93599)
            return fail(e, "UT offset out of range", name);
        if (p[4] > 1 || p[5] >= h->charcnt)
            return fail(e, "bad DST flag or designation index", name);
        z->type_off[i] = off;
    }
    return 0;
}

/* Reads the data block at *pos (tsize 4 for version 1, 8 for the version 2+ block). */
static int read_block(const unsigned char *d, size_t n, size_t *pos, const struct tzif_hdr *h,
                      unsigned tsize, struct tz *z, struct err *e)
{
    const unsigned char *p = d + *pos;
    if (check_counts(h, n - *pos, tsize, z->name, e))
        return -1;
    z->ntrans = h->timecnt;
    z->trans = xcalloc(h->timecnt, sizeof(*z->trans));
    z->trans_type = xcalloc(h->timecnt, 1);
    for (size_t i = 0; i < h->timecnt; i++, p += tsize) {
        z->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && z->trans[i] <= z->trans[i - 1])
            return fail(e, "transition times are not ascending", z->name);
    }
    for (size_t i = 0; i < h->timecnt; i++, p++) {
        if (*p >= h->typecnt)
            return fail(e, "transition type index out of range", z->name);
        z->trans_type[i] = *p;
    }
    if (read_types(p, h, z, z->name, e))
        return -1;
    *pos += (size_t)block_size(h, tsize);
    return 0;
}

/* Copies s[0..n) for a message, with bytes outside printable ASCII shown as '?'. */
static void printable(char *out, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        out[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[k] = '\0';
}

/* The footer: "\n" TZ-string "\n" (RFC 8536 §3.3); an empty string means "no rule". */
static int read_footer(const unsigned char *d, size_t n, size_t pos, struct tz *z, struct err *e)
{
    const unsigned char *nl;
    size_t len, bad;
    char show[80];
    if (pos >= n || d[pos] != '\n')
        return fail(e, "missing footer", z->name);
    nl = memchr(d + pos + 1, '\n', n - pos - 1);
    if (!nl)
        return fail(e, "unterminated footer", z->name);
    len = (size_t)(nl - (d + pos + 1));
    if (len == 0)
        return 0;
    bad = parse_posix((const char *)d + pos + 1, len, &z->footer);
    if (bad == 0)
        return 0;
    printable(show, sizeof(show), (const char *)d + pos + 1, len);
    return err_set(e, TZ_EFORMAT,
                   "time zone %s: footer \"%s\" is not a usable POSIX TZ string (at character %zu)",
                   z->name, show, bad);
}

struct tz *tz_parse(const unsigned char *data, size_t n, const char *name, struct err *e)
{
    struct tz *z = xcalloc(1, sizeof(*z));
    struct tzif_hdr h;
    size_t pos = 0;
    uint64_t v1;
    int r;

    z->name = xstrdup(name ? name : "");
    if ((r = read_header(data, n, &pos, &h, z->name, e)))
        goto out;
    if (h.version == 0) {
        r = read_block(data, n, &pos, &h, 4, z, e);
        goto out;
    }
    /* Version 2+: skip the 32-bit block, then a second header, the 64-bit block, the footer. */
    v1 = block_size(&h, 4);
    if (v1 > n - pos) {
        r = fail(e, "truncated version 1 data block", z->name);
        goto out;
    }
    pos += (size_t)v1;
    if ((r = read_header(data, n, &pos, &h, z->name, e)) ||
        (r = read_block(data, n, &pos, &h, 8, z, e)))
        goto out;
    r = read_footer(data, n, pos, z, e);
out:
    if (r) {
        tz_free(z);
        return NULL;
    }
    return z;
}

void tz_free(struct tz *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->trans_type);
    free(z->type_off);
    free(z);
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* ---- loading (the I/O edge) ---- */

/* Reads a regular file of at most TZ_FILE_MAX bytes into a new heap block. */
static int read_zone_file(const char *path, const char *name, unsigned char **out, size_t *len,
                          struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
    struct stat st;
    unsigned char *buf = NULL;
    size_t n = 0;

    if (fd < 0)
        return err_set(e, (errno == ENOENT || errno == ENOTDIR) ? TZ_ENOENT : TZ_EIO,
                       "time zone %s: %s", name, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        r = err_set(e, TZ_ENOENT, "time zone %s: not a zone file", name);
        goto out;
    }
    buf = xmalloc(TZ_FILE_MAX + 1);
    for (;;) {
        ssize_t got = read(fd, buf + n, TZ_FILE_MAX + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r = err_set(e, TZ_EIO, "time zone %s: %s", name, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > TZ_FILE_MAX) {
            r = err_set(e, TZ_ETOOBIG, "time zone %s: file larger than %d bytes", name,
                        TZ_FILE_MAX);
            goto out;
        }
    }
out:
    close(fd);
    if (r) {
        free(buf);
        return r;
    }
    *out = buf;
    *len = n;
    return 0;
}

struct tz *tz_load(const char *name, struct err *e)
{
    const char *dir = getenv("TZDIR");
    char path[4096];
    unsigned char *data = NULL;
    size_t n = 0;
    struct tz *z = NULL;

    if (!tz_name_valid(name)) {
        err_set(e, TZ_ENAME, "\"%.64s\" is not a valid time zone name", name ? name : "");
        goto out;
    }
    if (!dir || !*dir)
        dir = TZDIR_DEFAULT;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        err_set(e, TZ_ENAME, "time zone %s: path too long", name);
        goto out;
    }
    if (read_zone_file(path, name, &data, &n, e) == 0)
        z = tz_parse(data, n, name, e);
out:
    free(data);
    return z;
}

void tz_format_rfc3339(const struct tz *z, int64_t utc_ms, char *out, size_t n)
{
    struct tz_civil c;
    tz_utc_to_local(z, utc_ms, &c);
    int off = c.offset_s / 60, aoff = off < 0 ? -off : off;
    snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02d%s%02d:%02d", (long long)c.year, c.month,
             c.day, c.hour, c.minute, c.second, off < 0 ? "-" : "+", aoff / 60, aoff % 60);
}
