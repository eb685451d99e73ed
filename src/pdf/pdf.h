/*
 * pdf.h — the one PDF toolkit of ichigen: A4 documents drawn with cairo into a bounded buffer
 * (or a file), set in the one typeface (Noto Sans CJK JP regular and bold, found through
 * fontconfig; a fallback without Japanese is refused), with text runs that wrap Japanese and
 * English and are shortened with "…" only between whole UTF-8 characters, two-column tables
 * that break across pages, headings, the page flow with its running frame and page numbers,
 * and the colours every document shares.
 *
 * What it is not: a document. What a page says — the rating report (src/rating/), the PDF
 * summary of a report version (src/render/) — lives in those modules, which draw through
 * these functions; nothing here knows a rating or a report. No clock: a document's date is its
 * caller's, so the same input always gives the same bytes.
 *
 * Text goes through cairo_show_text, which keeps the UTF-8 of each glyph run, so the PDF
 * carries a ToUnicode map and pdftotext or copy/paste give back the characters.
 */
#ifndef PDF_PDF_H
#define PDF_PDF_H

#include <cairo.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/err.h"

/* Results. The values equal RATING_E* and RENDER_E* of the same names (static assertions in
 * rating_pdf.c and render_pdf.c), so the documents return them unchanged. */
enum pdf_status {
    PDF_OK = 0,
    PDF_EFONT = -2,  /* Noto Sans CJK JP is not installed (fonts-noto-cjk) */
    PDF_EIO = -3,    /* the output file cannot be created or written */
    PDF_EFULL = -4,  /* the PDF does not fit the buffer's maximum */
    PDF_ECAIRO = -5, /* cairo reported an error while drawing */
};

/* ISO 216 A4 in PDF points (1/72 in): 210 × 297 mm. */
#define PDF_A4_W 595.276
#define PDF_A4_H 841.890

/* The colours every document shares (0xRRGGBB). */
#define PDF_INK 0x1d2733u   /* body text */
#define PDF_MUTED 0x5f6b7au /* labels, running header and footer */
#define PDF_RULE 0xc9d0d9u  /* hairlines between rows */
#define PDF_FAINT 0xeef1f5u /* shaded rows and boxes */
#define PDF_NAVY 0x16324fu  /* headings */
#define PDF_WARN 0xb3261eu  /* what must not be missed: gaps, the drill banner */

/* ---- the typeface (pdf_font.c) ---- */

struct pdf_fonts {
    cairo_font_face_t *regular, *bold;
};

/* Opens both faces and checks that fontconfig's match really is Noto Sans CJK JP, not a
 * fallback (which would print Japanese as empty boxes). Returns PDF_OK, or PDF_EFONT with e
 * saying what is missing (and nothing left open). */
int pdf_fonts_open(struct pdf_fonts *f, struct err *e);
/* Releases what pdf_fonts_open opened; safe on a zeroed or already closed f. */
void pdf_fonts_close(struct pdf_fonts *f);

/* ---- the drawing context and the page flow (pdf_doc.c) ---- */

struct pdf;
/* Draws the running header and footer of the page pdf_page_begin has just started. */
typedef void (*pdf_frame_fn)(struct pdf *p);
/* Draws the whole document from its first page (p->page is 0 when it is called). */
typedef void (*pdf_draw_fn)(struct pdf *p);

struct pdf_layout {
    double margin; /* left and right; the content is PDF_A4_W - 2 * margin wide */
    double top;    /* the flow cursor on a new page */
    double bottom; /* the flow never goes below this (pdf_need) */
};

struct pdf {
    cairo_t *cr; /* valid while pdf_doc_write draws */
    struct pdf_fonts fonts;
    struct pdf_layout lay;
    pdf_frame_fn frame; /* NULL: pages without a frame */
    void *ctx;          /* the document's own state, for frame and draw (borrowed) */
    int page;           /* 1-based number of the page being drawn */
    int pages;          /* the total, known after the counting pass (0 during it) */
    double y;           /* the flow cursor on the current page */
};

/* The width between the margins. */
double pdf_content_w(const struct pdf *p);
/* Starts a page: counts it, puts the cursor at lay.top and calls frame. */
void pdf_page_begin(struct pdf *p);
void pdf_page_end(struct pdf *p);
/* Ends the page and begins the next. */
void pdf_page_break(struct pdf *p);
/* Breaks the page unless h points are left above lay.bottom. */
void pdf_need(struct pdf *p, double h);
/* Draws "n / N" through fmt (two %d: this page, the total) right-aligned at x_right in the
 * current font and colour; returns its width. */
double pdf_page_number(struct pdf *p, double x_right, double y, const char *fmt);

/* The document information dictionary (ISO 32000-1 §14.3.3). */
struct pdf_info {
    const char *title, *subject;
    bool dated;      /* CreationDate and ModDate are set from date_ms */
    int64_t date_ms; /* the document's own time, never the clock: same input, same bytes */
};

/*
 * Writes the document draw draws: opens the fonts into p->fonts, lays the document out once on
 * a 1×1 image surface to count its pages into p->pages, then draws it again on an A4 PDF
 * surface — so the "n / N" of the footer cannot drift from what is drawn. The PDF goes to the
 * file at path when path is non-NULL, else it is appended to out, whose maximum bounds it.
 * Returns PDF_OK, or PDF_EFONT / PDF_EIO / PDF_EFULL / PDF_ECAIRO with e. The fonts are closed
 * and p->cr is NULL again on return; p->lay, frame and ctx are the caller's.
 */
int pdf_doc_write(struct pdf *p, pdf_draw_fn draw, const struct pdf_info *info, const char *path,
                  struct buf *out, struct err *e);

/* ---- text (pdf_text.c) ---- */

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

void pdf_rgb(struct pdf *p, unsigned rgb);
void pdf_rgba(struct pdf *p, unsigned rgb, double alpha);
void pdf_font(struct pdf *p, double size, bool bold);
/* The advance of s in the current font. */
double pdf_width(struct pdf *p, const char *s);
/* Draws s with its baseline at y, x being its left, centre or right; returns its width. */
double pdf_text(struct pdf *p, double x, double y, enum pdf_align al, const char *s);
/* Draws s in at most max_w: as it is when it fits; else the font shrunk to as little as 80 %;
 * else at 80 % cut after a whole UTF-8 character with "…" appended. Returns the width drawn. */
double pdf_text_fit(struct pdf *p, double x, double y, enum pdf_align al, double max_w,
                    const char *s);
/* For an s wider than max_w: the longest proper start of s (in bytes, ending between two
 * UTF-8 characters) that with "…" appended is at most max_w wide in the current font; 0 when
 * none does. */
size_t pdf_fit_cut(struct pdf *p, const char *s, double max_w);
void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w);
/* A horizontal line from margin to margin at y. */
void pdf_hrule(struct pdf *p, double y, double w);
void pdf_rect(struct pdf *p, double x, double y, double w, double h);

/* ---- line wrapping (pdf_wrap.c) ---- */

/* Decodes the UTF-8 code point at s (NUL-terminated); *len gets its bytes. A byte that does
 * not start a complete sequence is one code point of one byte, so a caller always advances. */
uint32_t pdf_utf8(const char *s, size_t *len);
/* CJK, kana and full-width forms: glyphs one em wide, and a line may break on either side
 * (half-width katakana are narrow). */
bool pdf_is_wide(uint32_t c);

/* Lines of wrapped text, each a heap string (pdf_lines_release frees them). */
struct pdf_lines {
    char **v;
    size_t n, cap;
};

/*
 * Wraps s to width in the current font and appends the lines to out: paragraphs at newlines
 * (an empty paragraph is an empty line, so "" is one empty line), Japanese between any two
 * characters, other text at spaces; no line starts with closing punctuation or small kana and
 * none ends with an opening bracket (JIS X 4051's main rules, simplified). A word longer than
 * the line is cut between characters. Tabs and CRs become spaces; spaces at a break vanish.
 */
void pdf_wrap(struct pdf *p, const char *s, double width, struct pdf_lines *out);
void pdf_lines_release(struct pdf_lines *l);
/* Draws s wrapped to width, first baseline at y, lines leading apart; with max_lines > 0 the
 * last allowed line holds the rest of s through pdf_text_fit. Returns the last baseline. */
double pdf_wrap_draw(struct pdf *p, double x, double y, double width, double leading, const char *s,
                     int max_lines);
/* The number of lines pdf_wrap makes of s. */
size_t pdf_wrap_count(struct pdf *p, double width, const char *s);

/* ---- blocks: headings and tables (pdf_block.c) ---- */

struct pdf_heading {
    double size;     /* bold, PDF_NAVY */
    double baseline; /* below the cursor */
    double rule_w;   /* the rule margin to margin, 20 pt below the cursor */
    double advance;  /* what the heading takes of the flow */
};

/* Draws a section heading at the cursor with a rule under it and advances the cursor.
 * Returns the width of s (something may follow it on the baseline). */
double pdf_heading(struct pdf *p, const struct pdf_heading *h, const char *s);

/* A two-column table of label/value rows. */
struct pdf_table {
    double label_w, gap;       /* the label column and the space before the value column */
    double lead;               /* line pitch */
    double baseline;           /* of a line, below its top */
    double label_pt, value_pt; /* PDF_MUTED labels, PDF_INK values, regular weight */
    const char *continued;     /* in the label column where a value goes on on a new page */
};

/* One row at the cursor: label and value wrap in their columns (pdf_wrap), a PDF_RULE
 * hairline follows. A row that fits on a page is kept whole (a page break before it when it
 * does not fit on this one); a longer row flows on across pages, saying t->continued at the
 * top of a page whose first lines have no label. */
void pdf_table_row(struct pdf *p, const struct pdf_table *t, const char *label, const char *value);

#endif
