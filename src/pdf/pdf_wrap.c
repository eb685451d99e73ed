/*
 * pdf_wrap.c — line wrapping for Japanese and English (pdf.h): paragraphs at newlines (report
 * narratives have them), breaks between any two Japanese characters and at spaces elsewhere,
 * the main kinsoku rules of JIS X 4051 (simplified), and unbreakable runs longer than a line
 * (URLs, hashes) cut between characters. Breaks fall only on character boundaries, so no line
 * ends inside a UTF-8 sequence.
 */
#include "pdf.h"

uint32_t pdf_utf8(const char *s, size_t *len)
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
    if ((u[0] & 0xf8) == 0xf0 && u[2] && u[3]) {
        *len = 4;
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) |
               ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
    }
    *len = 1; /* not UTF-8: one byte at a time, so every caller still advances */
    return u[0];
}

bool pdf_is_wide(uint32_t c)
{
    return c >= 0x2e80 && !(c >= 0xff61 && c <= 0xffdc); /* half-width katakana are narrow */
}

/* Closing punctuation, prolonged sound marks, small kana and the like never start a line;
 * opening brackets never end one (JIS X 4051's main rules, simplified). */
static bool no_start(uint32_t c)
{
    static const uint32_t set[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0x300d, 0x300f, 0xff09,
                                   0x30fc, 0x30fb, 0xff1a, 0x3011, 0x3009, 0xff1b, 0xff01,
                                   0xff1f, 0x3063, 0x30c3, 0x3083, 0x30e3, ')',    ',',
                                   '.',    ':',    ';',    '%',    ']',    '!',    '?'};
    for (size_t i = 0; i < ARRAY_SIZE(set); i++)
        if (set[i] == c)
            return true;
    return false;
}

static bool no_end(uint32_t c)
{
    return c == 0x300c || c == 0x300e || c == 0xff08 || c == 0x3010 || c == 0x3008 || c == '(' ||
           c == '[';
}

/* May a line break before cur, which follows prev? After a space, and on either side of a
 * wide character; never inside a Latin word. */
static bool can_break(uint32_t prev, uint32_t cur)
{
    if (no_start(cur) || no_end(prev))
        return false;
    return prev == ' ' || pdf_is_wide(prev) || pdf_is_wide(cur);
}

static double advance(struct pdf *p, const char *s, size_t len)
{
    char one[8];
    if (*s == '\t')
        return pdf_width(p, " ");
    memcpy(one, s, len);
    one[len] = '\0';
    return pdf_width(p, one);
}

static size_t trim_spaces(const char *s, size_t end)
{
    while (end > 0 && s[end - 1] == ' ')
        end--;
    return end;
}

/* Bytes of s[0..n) that fit in width as one line (trailing spaces dropped); *next receives
 * where the next line starts. Always takes at least one character. */
static size_t fit_line(struct pdf *p, const char *s, size_t n, double width, size_t *next)
{
    double x = 0;
    size_t i = 0, len, best = 0, best_next = 0;
    uint32_t prev = 0;
    while (i < n) {
        uint32_t c = pdf_utf8(s + i, &len);
        if (i > 0 && can_break(prev, c)) {
            best = trim_spaces(s, i);
            best_next = i;
        }
        x += advance(p, s + i, len);
        if (i > 0 && x > width) {
            if (c == ' ') { /* overflowing on a space: break right there */
                *next = i;
                return trim_spaces(s, i);
            }
            *next = best ? best_next : i;
            return best ? best : i; /* no break opportunity: cut the word */
        }
        prev = c;
        i += len;
    }
    *next = n;
    return n;
}

/* Called with each line (s[0..n), not terminated) and the text from its start to the end;
 * a non-zero return stops the wrap. */
typedef int (*line_fn)(void *ctx, const char *s, size_t n, const char *rest);

static void wrap(struct pdf *p, const char *s, double width, line_fn fn, void *ctx)
{
    while (true) {
        size_t para = strcspn(s, "\n"), used = 0, next;
        if (!para && fn(ctx, s, 0, s)) /* an empty paragraph keeps its blank line */
            return;
        while (used < para) {
            size_t n = fit_line(p, s + used, para - used, width, &next);
            if (fn(ctx, s + used, n, s + used))
                return;
            used += next;
            while (used < para && s[used] == ' ')
                used++;
        }
        if (!s[para])
            break;
        s += para + 1;
    }
}

/* A line as it is drawn: tabs and CRs as spaces. */
static void blank_controls(char *line)
{
    for (char *c = line; *c; c++)
        if (*c == '\t' || *c == '\r')
            *c = ' ';
}

static int push_line(void *ctx, const char *s, size_t n, const char *rest)
{
    struct pdf_lines *l = ctx;
    char *line = xstrndup(s, n);
    UNUSED(rest);
    blank_controls(line);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = line;
    return 0;
}

void pdf_wrap(struct pdf *p, const char *s, double width, struct pdf_lines *out)
{
    wrap(p, s, width, push_line, out);
}

void pdf_lines_release(struct pdf_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

struct draw_ctx {
    struct pdf *p;
    double x, y, width, leading;
    int lines, max_lines;
    struct buf line;
};

static int draw_line(void *ctx, const char *s, size_t n, const char *rest)
{
    struct draw_ctx *d = ctx;
    if (d->lines++)
        d->y += d->leading;
    if (d->max_lines > 0 && d->lines == d->max_lines) { /* the rest, shrunk or cut with "…" */
        pdf_text_fit(d->p, d->x, d->y, PDF_LEFT, d->width, rest);
        return 1;
    }
    buf_reset(&d->line);
    buf_append(&d->line, s, n);
    if (d->line.data)
        blank_controls(d->line.data);
    pdf_text(d->p, d->x, d->y, PDF_LEFT, buf_cstr(&d->line));
    return 0;
}

double pdf_wrap_draw(struct pdf *p, double x, double y, double width, double leading, const char *s,
                     int max_lines)
{
    struct draw_ctx d = {p, x, y, width, leading, 0, max_lines, {0}};
    buf_init(&d.line, BUF_UNLIMITED);
    wrap(p, s, width, draw_line, &d);
    buf_release(&d.line);
    return d.y;
}

static int count_line(void *ctx, const char *s, size_t n, const char *rest)
{
    UNUSED(s);
    UNUSED(n);
    UNUSED(rest);
    (*(size_t *)ctx)++;
    return 0;
}

size_t pdf_wrap_count(struct pdf *p, double width, const char *s)
{
    size_t n = 0;
    wrap(p, s, width, count_line, &n);
    return n;
}
