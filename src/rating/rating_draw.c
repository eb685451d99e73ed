/*
 * rating_draw.c — the drawing primitives of the rating PDF: the Noto Sans CJK JP faces (src/font),
 * text with alignment and line wrapping for Japanese and English, page
 * header and footer, and display helpers (JST dates, names, peer group).
 *
 * Text goes through cairo_show_text, which keeps the UTF-8 of every glyph run, so the PDF
 * carries a ToUnicode map and copy/paste or pdftotext give back the same characters.
 */
#include <math.h>

#include "rating_int.h"
#include "../font/font.h"
#include "../core/rtime.h"

/* ---- fonts ---- */

int rating_fonts_open(struct rating_draw *d, struct err *e)
{
    struct font_faces f;
    if (font_faces_open(&f, e))
        return RATING_EFONT;
    d->regular = f.regular;
    d->bold = f.bold;
    return RATING_OK;
}

void rating_fonts_close(struct rating_draw *d)
{
    font_faces_close(&(struct font_faces){d->regular, d->bold});
    d->regular = d->bold = NULL;
}

/* ---- text ---- */

void rating_rgb(struct rating_draw *d, unsigned rgb)
{
    rating_rgba(d, rgb, 1.0);
}

void rating_rgba(struct rating_draw *d, unsigned rgb, double alpha)
{
    cairo_set_source_rgba(d->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                          (rgb & 0xff) / 255.0, alpha);
}

void rating_font(struct rating_draw *d, double size, bool bold)
{
    cairo_set_font_face(d->cr, bold ? d->bold : d->regular);
    cairo_set_font_size(d->cr, size);
}

double rating_text_width(struct rating_draw *d, const char *s)
{
    cairo_text_extents_t ext;
    cairo_text_extents(d->cr, s, &ext);
    return ext.x_advance;
}

double rating_text(struct rating_draw *d, double x, double y, enum rating_align al, const char *s)
{
    double w = rating_text_width(d, s);
    if (al == RA_CENTER)
        x -= w / 2;
    else if (al == RA_RIGHT)
        x -= w;
    cairo_move_to(d->cr, x, y);
    cairo_show_text(d->cr, s);
    return w;
}

static uint32_t utf8_at(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80 || !u[1]) {
        *len = 1;
        return u[0];
    }
    if ((u[0] & 0xe0) == 0xc0) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
    }
    if ((u[0] & 0xf0) == 0xe0 && u[2]) {
        *len = 3;
        return ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
    }
    if (u[2] && u[3]) {
        *len = 4;
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) |
               ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
    }
    *len = 1;
    return u[0];
}

static bool is_wide(uint32_t c)
{
    return c >= 0x2e80;
}

/* Japanese line-breaking, simplified (JIS X 4051's main rules): no line starts with closing
 * punctuation or small kana marks, none ends with opening brackets. */
static bool no_start(uint32_t c)
{
    static const uint32_t set[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0x300d, 0x300f,
                                   0xff09, 0x30fc, 0x30fb, 0xff1a, 0x3011, ')',
                                   ',',    '.',    ':',    ';',    '%',    0x3009};
    for (size_t i = 0; i < ARRAY_SIZE(set); i++)
        if (set[i] == c)
            return true;
    return false;
}

static bool no_end(uint32_t c)
{
    return c == 0x300c || c == 0x300e || c == 0xff08 || c == 0x3010 || c == '(' || c == 0x3008;
}

/* May a line break before the code point `cur` that follows `prev`? Between wide characters,
 * after a space, and between a wide and a narrow one; never inside a Latin word. */
static bool can_break(uint32_t prev, uint32_t cur)
{
    if (no_start(cur) || no_end(prev))
        return false;
    if (prev == ' ')
        return true;
    return is_wide(prev) || is_wide(cur);
}

static double width_n(struct rating_draw *d, const char *s, size_t n)
{
    char tmp[1024];
    size_t m = MIN(n, sizeof(tmp) - 1);
    memcpy(tmp, s, m);
    tmp[m] = '\0';
    return rating_text_width(d, tmp);
}

/* Bytes of s that fit in width as one line; *next receives where the next line starts. */
static size_t fit_line(struct rating_draw *d, const char *s, double width, size_t *next)
{
    size_t i = 0, len, best = 0, best_next = 0;
    uint32_t prev = 0;
    while (s[i]) {
        uint32_t c = utf8_at(s + i, &len);
        if (i > 0 && can_break(prev, c)) {
            size_t end = i;
            while (end > 0 && s[end - 1] == ' ')
                end--;
            if (best > 0 && width_n(d, s, end) > width)
                break;
            best = end;
            best_next = i;
        }
        prev = c;
        i += len;
    }
    if (!s[i] && (best == 0 || width_n(d, s, i) <= width)) {
        *next = i;
        return i;
    }
    if (best == 0) { /* one unbreakable run longer than the line */
        *next = i;
        return i;
    }
    *next = best_next;
    return best;
}

double rating_wrap(struct rating_draw *d, double x, double y, double width, double leading,
                   const char *s)
{
    return rating_wrap_max(d, x, y, width, leading, s, 0);
}

double rating_wrap_max(struct rating_draw *d, double x, double y, double width, double leading,
                       const char *s, int max_lines)
{
    char line[1024];
    size_t next;
    int lines = 0;
    while (*s) {
        if (max_lines > 0 && ++lines == max_lines) { /* the rest, shrunk or cut with "…" */
            rating_text_fit(d, x, y, RA_LEFT, width, s);
            break;
        }
        size_t n = fit_line(d, s, width, &next);
        size_t m = MIN(n, sizeof(line) - 1);
        memcpy(line, s, m);
        line[m] = '\0';
        rating_text(d, x, y, RA_LEFT, line);
        s += next;
        while (*s == ' ')
            s++;
        if (*s)
            y += leading;
    }
    return y;
}

int rating_wrap_lines(struct rating_draw *d, double width, const char *s)
{
    int lines = 0;
    size_t next;
    while (*s) {
        fit_line(d, s, width, &next);
        s += next;
        while (*s == ' ')
            s++;
        lines++;
    }
    return lines;
}

void rating_line(struct rating_draw *d, double x0, double y0, double x1, double y1, double w)
{
    cairo_set_line_width(d->cr, w);
    cairo_move_to(d->cr, x0, y0);
    cairo_line_to(d->cr, x1, y1);
    cairo_stroke(d->cr);
}

void rating_rect(struct rating_draw *d, double x, double y, double w, double h)
{
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_fill(d->cr);
}

/* ---- pages ---- */

void rating_page_begin(struct rating_draw *d)
{
    const double right = RATING_PAGE_W - RATING_MARGIN;
    char pg[160], date[48];
    d->page++;
    d->y = 62;
    rating_font(d, 7.5, false);
    rating_rgb(d, RC_MUTED);
    if (d->page > 1) {
        double kind_w = rating_text(d, right, 30, RA_RIGHT, d->t->doc_kind);
        rating_text_fit(d, RATING_MARGIN, 30, RA_LEFT, RATING_CONTENT_W - kind_w - 24,
                        rating_org_name(d->doc, d->ja, false));
        rating_rgb(d, RC_RULE);
        rating_line(d, RATING_MARGIN, 36, right, 36, 0.5);
    }
    rating_rgb(d, RC_RULE);
    rating_line(d, RATING_MARGIN, RATING_PAGE_H - 36, right, RATING_PAGE_H - 36, 0.5);
    rating_rgb(d, RC_MUTED);
    rating_date_jst(rating_str(d->doc, "generated_at"), d->ja, date, sizeof(date));
    snprintf(pg, sizeof(pg), "ichigen · %s · %s", d->t->self_assessment, date);
    rating_text(d, RATING_MARGIN, RATING_PAGE_H - 24, RA_LEFT, pg);
    snprintf(pg, sizeof(pg), d->t->page_fmt, d->page, d->pages);
    rating_text(d, right, RATING_PAGE_H - 24, RA_RIGHT, pg);
}

void rating_page_end(struct rating_draw *d)
{
    cairo_show_page(d->cr);
}

void rating_heading(struct rating_draw *d, const char *s)
{
    rating_font(d, 13, true);
    rating_rgb(d, RC_NAVY);
    rating_text(d, RATING_MARGIN, d->y + 13, RA_LEFT, s);
    rating_rgb(d, RC_NAVY);
    rating_line(d, RATING_MARGIN, d->y + 20, RATING_PAGE_W - RATING_MARGIN, d->y + 20, 1.0);
    d->y += 34;
}

/* ---- display helpers ---- */

const json_t *rating_doc_peers(const struct rating_draw *d)
{
    const json_t *p = json_object_get(d->doc, "peers");
    return json_is_object(p) ? p : NULL;
}

const json_t *rating_doc_risk(const struct rating_draw *d)
{
    const json_t *r = json_object_get(d->doc, "risk");
    return json_is_object(r) ? r : NULL;
}

/* Starts a new page when fewer than h points are left. */
void rating_need(struct rating_draw *d, double h)
{
    if (d->y + h <= RATING_BOTTOM)
        return;
    rating_page_end(d);
    rating_page_begin(d);
}

void rating_fmt_score(double s, char *out, size_t n)
{
    if (isfinite(s))
        snprintf(out, n, "%.2f", s);
    else
        xstrlcpy(out, "—", n);
}

void rating_framework_label(const json_t *a, bool ja, char *out, size_t n)
{
    const char *id = rating_str(a, "framework"), *ver = rating_str(a, "framework_version");
    if (!strcmp(id, "nist-csf-2.0"))
        snprintf(out, n, "NIST CSF %s", ver);
    else if (!strcmp(id, "sme-quick-check"))
        snprintf(out, n, "%s %s", ja ? "中小企業向けクイックチェック" : "SME quick check", ver);
    else
        snprintf(out, n, "%s %s", id, ver);
}

void rating_date_jst(const char *rfc3339, bool ja, char *out, size_t n)
{
    struct rtime_parsed t;
    int64_t y;
    unsigned m, day;
    if (rtime_parse_rfc3339(rfc3339, strlen(rfc3339), &t)) {
        xstrlcpy(out, rfc3339, n);
        return;
    }
    /* Japan Standard Time is UTC+9 all year (no daylight saving since 1951). */
    int64_t ms = t.ms + 9 * 3600 * 1000LL;
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    rtime_civil_from_days(days, &y, &m, &day);
    if (ja)
        snprintf(out, n, "%lld年%u月%u日", (long long)y, m, day);
    else
        snprintf(out, n, "%04lld-%02u-%02u", (long long)y, m, day);
}

const char *rating_org_name(const json_t *doc, bool ja, bool other)
{
    const json_t *org = json_object_get(doc, "organization");
    const char *mine = rating_str(org, ja ? "name_ja" : "name_en");
    const char *theirs = rating_str(org, ja ? "name_en" : "name_ja");
    if (other)
        return *mine ? theirs : "";
    return *mine ? mine : theirs;
}

void rating_peer_group(const json_t *peers, bool ja, char *out, size_t n)
{
    const json_t *g = json_object_get(peers, "group");
    const char *basis = rating_basis_name(rating_str(g, "basis"), ja);
    const char *sector = rating_sector_label(rating_str(g, "sector"), ja);
    const char *size = rating_size_label(rating_str(g, "size_band"), ja);
    char vals[256] = "";
    if (*sector && *size)
        snprintf(vals, sizeof(vals), "%s / %s", sector, size);
    else
        snprintf(vals, sizeof(vals), "%s", *sector ? sector : size);
    if (*vals)
        snprintf(out, n, ja ? "%s: %s" : "%s: %s", basis ? basis : "", vals);
    else
        snprintf(out, n, "%s", basis ? basis : "");
}

double rating_text_fit(struct rating_draw *d, double x, double y, enum rating_align al,
                       double max_w, const char *s)
{
    cairo_matrix_t m;
    double size, w = rating_text_width(d, s);
    char cut[512];
    size_t n, len;
    if (w <= max_w)
        return rating_text(d, x, y, al, s);
    cairo_get_font_matrix(d->cr, &m);
    size = m.yy;
    if (w * 0.8 <= max_w) {
        cairo_set_font_size(d->cr, size * max_w / w);
        w = rating_text(d, x, y, al, s);
        cairo_set_font_size(d->cr, size);
        return w;
    }
    cairo_set_font_size(d->cr, size * 0.8);
    /* cut whole code points until the text and the ellipsis fit */
    n = strlen(s);
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        len = MIN(n, sizeof(cut) - 4);
        memcpy(cut, s, len);
        memcpy(cut + len, "…", 4);
        if (rating_text_width(d, cut) <= max_w)
            break;
    }
    w = rating_text(d, x, y, al, cut);
    cairo_set_font_size(d->cr, size);
    return w;
}

void rating_percent(double p, char *out, size_t n)
{
    if (!isfinite(p))
        xstrlcpy(out, "—", n);
    else if (p <= 0)
        xstrlcpy(out, "0%", n);
    else if (p < 0.001)
        xstrlcpy(out, "<0.1%", n);
    else if (p >= 1)
        xstrlcpy(out, "100%", n);
    else
        snprintf(out, n, "%.1f%%", p * 100);
}
