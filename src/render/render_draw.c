/*
 * render_draw.c — drawing primitives of the report PDF: the Noto Sans CJK JP faces (src/font),
 * text, line wrapping for Japanese and English (with newlines, which
 * report narratives have), the TLP badge, and the page frame (drill banner, running header,
 * footer with the version's identity and page numbers).
 *
 * These are the module's own rather than src/rating/'s: rating's helpers draw rating pages and
 * wrap single paragraphs, while a report's free text has paragraphs and unbreakable runs
 * (URLs, hashes) longer than a line. Text goes through cairo_show_text, which keeps the UTF-8
 * of each glyph run, so pdftotext and copy/paste give back the characters.
 */
#include "render_int.h"
#include "../font/font.h"

/* ---- fonts ---- */

int rdraw_fonts_open(struct rdraw *d, struct err *e)
{
    struct font_faces f;
    if (font_faces_open(&f, e))
        return RENDER_EFONT;
    d->regular = f.regular;
    d->bold = f.bold;
    return RENDER_OK;
}

void rdraw_fonts_close(struct rdraw *d)
{
    font_faces_close(&(struct font_faces){d->regular, d->bold});
    d->regular = d->bold = NULL;
}

/* ---- text ---- */

void rdraw_rgb(struct rdraw *d, unsigned rgb)
{
    cairo_set_source_rgb(d->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0);
}

void rdraw_font(struct rdraw *d, double size, bool bold)
{
    cairo_set_font_face(d->cr, bold ? d->bold : d->regular);
    cairo_set_font_size(d->cr, size);
}

double rdraw_width(struct rdraw *d, const char *s)
{
    cairo_text_extents_t ext;
    cairo_text_extents(d->cr, s, &ext);
    return ext.x_advance;
}

double rdraw_text(struct rdraw *d, double x, double y, enum rdraw_align al, const char *s)
{
    double w = rdraw_width(d, s);
    cairo_move_to(d->cr, al == RDA_RIGHT ? x - w : x, y);
    cairo_show_text(d->cr, s);
    return w;
}

void rdraw_rect(struct rdraw *d, double x, double y, double w, double h)
{
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_fill(d->cr);
}

void rdraw_line(struct rdraw *d, double x0, double y0, double x1, double y1, double w)
{
    cairo_set_line_width(d->cr, w);
    cairo_move_to(d->cr, x0, y0);
    cairo_line_to(d->cr, x1, y1);
    cairo_stroke(d->cr);
}

/* ---- wrapping ---- */

/* Closing punctuation, prolonged sound marks and the like never start a line; opening
 * brackets never end one (JIS X 4051's main rules, simplified). */
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

static bool can_break(uint32_t prev, uint32_t cur)
{
    if (no_start(cur) || no_end(prev))
        return false;
    return prev == ' ' || render_is_wide(prev) || render_is_wide(cur);
}

static double advance(struct rdraw *d, const char *s, size_t len)
{
    char one[8];
    if (*s == '\t')
        return rdraw_width(d, " ");
    memcpy(one, s, len);
    one[len] = '\0';
    return rdraw_width(d, one);
}

/* Bytes of s[0..n) that fit in width as one line (trailing spaces dropped); *next receives
 * where the next line starts. Always takes at least one character. */
static size_t fit_line(struct rdraw *d, const char *s, size_t n, double width, size_t *next)
{
    double x = 0;
    size_t i = 0, len, best = 0, best_next = 0, end;
    uint32_t prev = 0;
    while (i < n) {
        uint32_t c = render_utf8(s + i, &len);
        if (i > 0 && can_break(prev, c)) {
            for (end = i; end > 0 && s[end - 1] == ' '; end--)
                ;
            best = end;
            best_next = i;
        }
        x += advance(d, s + i, len);
        if (i > 0 && x > width) {
            if (c == ' ') { /* overflowing on a space: break right there */
                for (end = i; end > 0 && s[end - 1] == ' '; end--)
                    ;
                *next = i;
                return end;
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

static void lines_push(struct rdraw_lines *l, const char *s, size_t n)
{
    char *line = xstrndup(s, n);
    for (char *p = line; *p; p++)
        if (*p == '\t' || *p == '\r')
            *p = ' ';
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = line;
}

void rdraw_wrap(struct rdraw *d, const char *s, double width, struct rdraw_lines *out)
{
    while (true) {
        size_t para = strcspn(s, "\n"), used = 0, next;
        if (!para)
            lines_push(out, "", 0); /* an empty paragraph keeps its blank line */
        while (used < para) {
            size_t n = fit_line(d, s + used, para - used, width, &next);
            lines_push(out, s + used, n);
            used += next;
            while (used < para && s[used] == ' ')
                used++;
        }
        if (!s[para])
            break;
        s += para + 1;
    }
}

void rdraw_lines_release(struct rdraw_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- page frame ---- */

double rdraw_tlp_badge(struct rdraw *d, double x_right, double y, double size, const char *tlp)
{
    double pad = size * 0.55, w;
    rdraw_font(d, size, true);
    w = rdraw_width(d, tlp) + 2 * pad;
    rdraw_rgb(d, 0x000000u);
    rdraw_rect(d, x_right - w, y, w, size * 1.7);
    rdraw_rgb(d, render_tlp_rgb(tlp));
    rdraw_text(d, x_right - w + pad, y + size * 1.22, RDA_LEFT, tlp);
    return w;
}

static void drill_banner(struct rdraw *d)
{
    rdraw_rgb(d, RPC_DRILL);
    rdraw_rect(d, 0, 0, RP_W, 20);
    rdraw_rgb(d, 0xffffffu);
    rdraw_font(d, 9, true);
    rdraw_text(d, RP_MARGIN, 14, RDA_LEFT,
               "訓練（演習）— この報告は訓練です。実際の事案ではありません。"
               " DRILL — this report is an exercise, not a real incident.");
}

static void footer(struct rdraw *d)
{
    const struct render_meta *m = d->meta;
    const double right = RP_W - RP_MARGIN, base = RP_H - 36;
    char line[256], pg[32];
    rdraw_rgb(d, RPC_RULE);
    rdraw_line(d, RP_MARGIN, RP_H - 48, right, RP_H - 48, 0.5);
    rdraw_font(d, 7, false);
    rdraw_rgb(d, RPC_MUTED);
    snprintf(line, sizeof(line), "%s %s · %s", d->ja ? "事案ID" : "Incident",
             m->incident_id ? m->incident_id : (d->ja ? "未登録" : "not registered"),
             d->ja ? "版" : "version");
    if (m->version > 0)
        snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", m->version);
    else
        snprintf(line + strlen(line), sizeof(line) - strlen(line), " —");
    rdraw_text(d, RP_MARGIN, base, RDA_LEFT, line);
    snprintf(line, sizeof(line), "SHA-256 %s", m->report_sha256 ? m->report_sha256 : "—");
    rdraw_text(d, RP_MARGIN, base + 10, RDA_LEFT, line);
    snprintf(pg, sizeof(pg), "%d / %d", d->page, d->pages);
    rdraw_font(d, 8, false);
    rdraw_text(d, right, base + 10, RDA_RIGHT, pg);
    if (d->tlp)
        rdraw_tlp_badge(d, right, base - 9, 6.5, d->tlp);
}

void rdraw_page_begin(struct rdraw *d)
{
    const double right = RP_W - RP_MARGIN;
    struct buf head; /* not a fixed array: a cut name would end inside a character */
    double badge = 0;
    d->page++;
    d->y = RP_TOP;
    if (d->drill)
        drill_banner(d);
    if (d->page > 1) { /* page 1 carries the label large, in the title block */
        if (d->tlp)
            badge = rdraw_tlp_badge(d, right, 26, 8, d->tlp);
        buf_init(&head, BUF_UNLIMITED);
        buf_appendf(&head, "%s — %s", render_org_name(d->report, d->ja),
                    d->ja ? "サイバーインシデント報告" : "Cyber incident report");
        rdraw_font(d, 7.5, false);
        rdraw_rgb(d, RPC_MUTED);
        cairo_save(d->cr);
        cairo_rectangle(d->cr, RP_MARGIN, 24, RP_CONTENT_W - badge - 12, 16);
        cairo_clip(d->cr);
        rdraw_text(d, RP_MARGIN, 36, RDA_LEFT, buf_cstr(&head));
        cairo_restore(d->cr);
        buf_release(&head);
        rdraw_rgb(d, RPC_RULE);
        rdraw_line(d, RP_MARGIN, 44, right, 44, 0.5);
    }
    footer(d);
}

void rdraw_page_end(struct rdraw *d)
{
    cairo_show_page(d->cr);
}

void rdraw_need(struct rdraw *d, double h)
{
    if (d->y + h <= RP_BOTTOM)
        return;
    rdraw_page_end(d);
    rdraw_page_begin(d);
}
