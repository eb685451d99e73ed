/*
 * test_pdf.c — src/pdf, the PDF toolkit: UTF-8 decoding and character classes; wrapping
 * (every line fits, nothing is lost, Japanese breaks between characters and English at spaces,
 * kinsoku, over-long words cut, paragraphs, no line ending inside a UTF-8 sequence); cutting
 * with "…" only between whole characters; the two-column table keeping a row whole and
 * flowing a long one across pages; the page flow and the two-pass document (page numbers
 * known while drawing, deterministic bytes, the bounded buffer, an unwritable path); and the
 * refusal to draw without Noto Sans CJK JP.
 */
#include "pdf/pdf.h"
#include "unit.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

/* A drawing context with the fonts open, for measuring and wrapping: on a PDF surface that
 * writes nothing (cairo_pdf_surface_create with no file), so widths are the unhinted ones of
 * the documents themselves. */
struct fixture {
    struct pdf p;
    cairo_surface_t *img; /* no output */
};

static void fixture_open(struct fixture *f, double bottom)
{
    struct err e;
    memset(f, 0, sizeof(*f));
    err_init(&e);
    if (pdf_fonts_open(&f->p.fonts, &e))
        fail_msg("pdf_fonts_open: %s", e.msg);
    f->img = cairo_pdf_surface_create(NULL, PDF_A4_W, PDF_A4_H);
    f->p.cr = cairo_create(f->img);
    f->p.lay = (struct pdf_layout){.margin = 44, .top = 58, .bottom = bottom};
    pdf_font(&f->p, 10, false);
}

static void fixture_close(struct fixture *f)
{
    cairo_destroy(f->p.cr);
    cairo_surface_destroy(f->img);
    pdf_fonts_close(&f->p.fonts);
}

/* Is s[0..n) whole UTF-8 characters (RFC 3629 §3: no sequence cut off at either end)? */
static bool whole_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
        if ((c & 0xc0) == 0x80 || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] & 0xc0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static void test_utf8(void **state)
{
    size_t len;
    UNUSED(state);
    assert_int_equal(pdf_utf8("A", &len), 'A');
    assert_int_equal(len, 1);
    assert_int_equal(pdf_utf8("é", &len), 0xe9);
    assert_int_equal(len, 2);
    assert_int_equal(pdf_utf8("報", &len), 0x5831);
    assert_int_equal(len, 3);
    assert_int_equal(pdf_utf8("𠮷", &len), 0x20bb7);
    assert_int_equal(len, 4);
    assert_int_equal(pdf_utf8("\xe5\x00", &len), 0xe5); /* cut short: one byte, still advances */
    assert_int_equal(len, 1);
    assert_true(pdf_is_wide(0x5831));  /* 報 */
    assert_true(pdf_is_wide(0x3042));  /* あ */
    assert_true(pdf_is_wide(0xff21));  /* Ａ full width */
    assert_false(pdf_is_wide(0xff71)); /* ｱ half-width katakana */
    assert_false(pdf_is_wide('A'));
}

/* Wraps s to width and checks the contract; returns the lines (caller releases). */
static struct pdf_lines wrap_checked(struct fixture *f, const char *s, double width)
{
    struct pdf_lines l = {0};
    pdf_wrap(&f->p, s, width, &l);
    assert_int_equal(l.n, pdf_wrap_count(&f->p, width, s));
    for (size_t i = 0; i < l.n; i++) {
        assert_true(whole_utf8(l.v[i], strlen(l.v[i])));
        if (pdf_width(&f->p, l.v[i]) > width) {
            size_t n;
            pdf_utf8(l.v[i], &n); /* only a line of one character may be wider */
            assert_int_equal(strlen(l.v[i]), n);
        }
    }
    return l;
}

static char *joined(const struct pdf_lines *l, const char *sep)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    for (size_t i = 0; i < l->n; i++)
        buf_appendf(&b, "%s%s", i ? sep : "", l->v[i]);
    return buf_detach(&b, NULL);
}

static void test_wrap_japanese(void **state)
{
    /* breaks between characters; small kana and closing punctuation never start a line */
    static const char ja[] = "配送管理サーバのファイルが暗号化され、脅迫文が表示された。"
                             "ちょっと待ってください。（確認中）「報告」を提出しました。";
    struct fixture f;
    UNUSED(state);
    fixture_open(&f, 800);
    for (double width = 25; width <= 400; width += 7) {
        struct pdf_lines l = wrap_checked(&f, ja, width);
        char *all = joined(&l, "");
        assert_string_equal(all, ja); /* nothing lost, nothing added */
        for (size_t i = 1; i < l.n; i++) {
            size_t n;
            uint32_t first = pdf_utf8(l.v[i], &n);
            assert_true(first != 0x3001 && first != 0x3002 && first != 0x3063 && first != 0x30c3 &&
                        first != 0x3083 && first != 0xff09 && first != 0x300d);
            assert_false(strlen(l.v[i - 1]) >= 3 &&
                         (!strcmp(l.v[i - 1] + strlen(l.v[i - 1]) - 3, "（") ||
                          !strcmp(l.v[i - 1] + strlen(l.v[i - 1]) - 3, "「")));
        }
        if (width < 200)
            assert_true(l.n > 1);
        free(all);
        pdf_lines_release(&l);
    }
    fixture_close(&f);
}

static void test_wrap_english_and_long_words(void **state)
{
    static const char en[] = "The ransomware encrypted the delivery management server and a "
                             "ransom note was displayed on every workstation.";
    static const char hash[] = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f"
                               "00a089f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0";
    struct fixture f;
    struct pdf_lines l;
    char *all;
    UNUSED(state);
    fixture_open(&f, 800);
    for (double width = 90; width <= 300; width += 11) {
        l = wrap_checked(&f, en, width);
        all = joined(&l, " ");
        assert_string_equal(all, en); /* broken at spaces only, each space exactly once */
        free(all);
        pdf_lines_release(&l);
    }
    /* an unbreakable run longer than the line is cut between characters, never overflows */
    l = wrap_checked(&f, hash, 120);
    assert_true(l.n > 2);
    all = joined(&l, "");
    assert_string_equal(all, hash);
    for (size_t i = 0; i < l.n; i++)
        assert_true(pdf_width(&f.p, l.v[i]) <= 120);
    free(all);
    pdf_lines_release(&l);
    fixture_close(&f);
}

static void test_wrap_paragraphs(void **state)
{
    struct fixture f;
    struct pdf_lines l = {0};
    UNUSED(state);
    fixture_open(&f, 800);
    pdf_wrap(&f.p, "first\n\nthird\tline\r", 300, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "first");
    assert_string_equal(l.v[1], ""); /* an empty paragraph keeps its blank line */
    assert_string_equal(l.v[2], "third line ");
    pdf_lines_release(&l);
    pdf_wrap(&f.p, "", 300, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0], "");
    pdf_lines_release(&l);
    /* drawing returns the last baseline: three lines 12 apart from 100 */
    assert_true(pdf_wrap_draw(&f.p, 0, 100, 300, 12, "a\nb\nc", 0) == 124);
    /* at most two lines: the second holds the rest, fitted */
    assert_true(pdf_wrap_draw(&f.p, 0, 100, 300, 12, "a\nb\nc", 2) == 112);
    fixture_close(&f);
}

/* Mixed 1-, 2-, 3- and 4-byte characters: at every width the cut falls between characters,
 * the kept start and "…" fit, and one character more would not. */
static void test_fit_cut_utf8_boundary(void **state)
{
    static const char s[] = "株式会社é𠮷野家ホールディングス Yoshinoya 𩸽と鮨の店";
    struct fixture f;
    struct buf b;
    UNUSED(state);
    fixture_open(&f, 800);
    buf_init(&b, BUF_UNLIMITED);
    double full = pdf_width(&f.p, s);
    for (double w = 0; w < full; w += 0.5) { /* s itself does not fit */
        size_t n = pdf_fit_cut(&f.p, s, w), next;
        assert_true(n < sizeof(s));
        assert_true(whole_utf8(s, n));
        buf_reset(&b);
        buf_append(&b, s, n);
        buf_puts(&b, "…");
        if (n > 0)
            assert_true(pdf_width(&f.p, buf_cstr(&b)) <= w);
        if (n < strlen(s)) { /* the longest such start */
            pdf_utf8(s + n, &next);
            buf_reset(&b);
            buf_append(&b, s, n + next);
            buf_puts(&b, "…");
            assert_true(pdf_width(&f.p, buf_cstr(&b)) > w);
        }
    }
    /* pdf_text_fit never draws wider than asked, whatever it has to do */
    for (double w = 20; w < full + 20; w += 13)
        assert_true(pdf_text_fit(&f.p, 0, 10, PDF_LEFT, w, s) <= w + 1e-9);
    buf_release(&b);
    fixture_close(&f);
}

static int frames;
static void count_frame(struct pdf *p)
{
    UNUSED(p);
    frames++;
}

static const struct pdf_table table = {.label_w = 100,
                                       .gap = 10,
                                       .lead = 12,
                                       .baseline = 9,
                                       .label_pt = 8,
                                       .value_pt = 9,
                                       .continued = "(continued)"};

static void test_table_page_breaks(void **state)
{
    struct fixture f;
    struct buf long_value;
    int page;
    UNUSED(state);
    fixture_open(&f, 58 + 200); /* a page of 200 points of flow: 16 lines of 12 */
    f.p.frame = count_frame;
    frames = 0;
    pdf_page_begin(&f.p);
    assert_int_equal(f.p.page, 1);
    assert_int_equal(frames, 1);
    assert_true(f.p.y == 58);
    /* a one-line row: 12 + 5 points */
    pdf_table_row(&f.p, &table, "Label", "value");
    assert_int_equal(f.p.page, 1);
    assert_true(f.p.y == 58 + 17);
    /* a three-line row that does not fit in what is left is moved whole to the next page */
    f.p.y = 58 + 200 - 30;
    pdf_table_row(&f.p, &table, "Label", "one\ntwo\nthree");
    assert_int_equal(f.p.page, 2);
    assert_int_equal(frames, 2);
    assert_true(f.p.y == 58 + 3 * 12 + 5);
    /* a row longer than a page flows on across pages from where the cursor is */
    buf_init(&long_value, BUF_UNLIMITED);
    for (int i = 0; i < 40; i++)
        buf_appendf(&long_value, "%sline %d", i ? "\n" : "", i + 1);
    page = f.p.page;
    pdf_table_row(&f.p, &table, "Narrative", buf_cstr(&long_value));
    assert_int_equal(f.p.page, page + 2); /* 40 lines: 13 on this page, 16 on the next, 11 */
    assert_int_equal(frames, f.p.page);
    assert_true(f.p.y <= f.p.lay.bottom + 5);
    buf_release(&long_value);
    /* pdf_need breaks only when h does not fit */
    f.p.y = 58 + 200 - 20;
    page = f.p.page;
    pdf_need(&f.p, 20);
    assert_int_equal(f.p.page, page);
    pdf_need(&f.p, 20.5);
    assert_int_equal(f.p.page, page + 1);
    fixture_close(&f);
}

/* A document of `rows` table rows whose frame records what the footer would say. */
struct doc {
    int rows;
    int frames_counting, frames_drawing, last_total;
    double width_counting, width_drawing; /* of one line of text, in each pass */
};

static void doc_frame(struct pdf *p)
{
    struct doc *d = p->ctx;
    if (p->pages == 0) {
        d->frames_counting++;
    } else {
        d->frames_drawing++;
        d->last_total = p->pages;
        assert_true(p->page <= p->pages); /* "n / N" is known, and right, while drawing */
    }
    pdf_font(p, 8, false);
    pdf_page_number(p, PDF_A4_W - p->lay.margin, PDF_A4_H - 30, "%d / %d");
}

static void doc_draw(struct pdf *p)
{
    struct doc *d = p->ctx;
    char label[32];
    assert_int_equal(p->page, 0);
    pdf_font(p, 8.8, false);
    *(p->pages ? &d->width_drawing : &d->width_counting) =
        pdf_width(p, "VPN機器の脆弱性を悪用した侵入 The ransomware encrypted the server");
    pdf_page_begin(p);
    for (int i = 0; i < d->rows; i++) {
        snprintf(label, sizeof(label), "行 %d", i + 1);
        pdf_table_row(p, &table, label, "サイバーインシデント報告の値 value");
    }
    pdf_page_end(p);
}

static int write_doc(struct doc *d, const char *path, struct buf *out, struct err *e)
{
    struct pdf p = {.lay = {44, 58, PDF_A4_H - 60}, .frame = doc_frame, .ctx = d};
    struct pdf_info info = {"title — 表題", "subject", true, 1795000000000};
    return pdf_doc_write(&p, doc_draw, &info, path, out, e);
}

static void test_doc(void **state)
{
    struct doc d = {.rows = 130};
    struct buf a, b, small;
    struct err e;
    UNUSED(state);
    buf_init(&a, 16u << 20);
    buf_init(&b, 16u << 20);
    buf_init(&small, 2000);
    err_init(&e);
    assert_int_equal(write_doc(&d, NULL, &a, &e), PDF_OK);
    assert_true(a.len > 1000 && !memcmp(a.data, "%PDF-", 5));
    assert_true(d.last_total >= 2);                    /* 130 rows of 17 pt: several pages */
    assert_int_equal(d.frames_counting, d.last_total); /* both passes drew the same pages */
    assert_int_equal(d.frames_drawing, d.last_total);
    /* the counting pass measures text exactly as the PDF does, or it would wrap differently
     * and count pages that are not drawn */
    assert_true(d.width_counting > 0 && d.width_counting == d.width_drawing);
    d = (struct doc){.rows = 130};
    assert_int_equal(write_doc(&d, NULL, &b, &e), PDF_OK);
    assert_true(a.len == b.len && !memcmp(a.data, b.data, a.len)); /* same input, same bytes */
    assert_int_equal(write_doc(&d, NULL, &small, &e), PDF_EFULL);
    assert_non_null(strstr(e.msg, "2000"));
    assert_int_equal(write_doc(&d, "/nonexistent-dir/x/doc.pdf", NULL, &e), PDF_EIO);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x/doc.pdf"));
    buf_release(&a);
    buf_release(&b);
    buf_release(&small);
}

/* A font file of a family without Japanese (DejaVu and the like), or "" when there is none. */
static void other_font(char *out, size_t n)
{
    FcPattern *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_FAMILY, FC_LANG, (char *)NULL);
    FcFontSet *fs;
    FcLangSet *langs;
    FcChar8 *file;
    out[0] = '\0';
    assert_true(FcInit());
    fs = FcFontList(NULL, pat, os);
    for (int i = 0; fs && i < fs->nfont && !out[0]; i++)
        if (FcPatternGetLangSet(fs->fonts[i], FC_LANG, 0, &langs) == FcResultMatch &&
            FcLangSetHasLang(langs, (const FcChar8 *)"ja") == FcLangDifferentLang &&
            FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) == FcResultMatch)
            xstrlcpy(out, (const char *)file, n);
    if (fs)
        FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
}

/* In a child whose fontconfig sees only the fonts in dir (none, or one without Japanese):
 * neither the faces nor a document may be had. Returns the child's exit status. */
static int refused_in_child(const char *dir)
{
    char conf[256], body[512];
    int status, n;
    pid_t pid;
    snprintf(conf, sizeof(conf), "%s/fonts.conf", dir);
    n = snprintf(body, sizeof(body),
                 "<fontconfig><dir>%s/fonts</dir><cachedir>%s/cache</cachedir></fontconfig>\n", dir,
                 dir);
    assert_int_equal(unit_write_file(conf, body, (size_t)n), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct pdf_fonts fonts;
        struct doc d = {.rows = 1};
        struct buf out;
        struct err e;
        bool ok;
        setenv("FONTCONFIG_FILE", conf, 1);
        FcInitReinitialize(); /* the parent's configuration is replaced */
        err_init(&e);
        buf_init(&out, 1u << 20);
        ok = pdf_fonts_open(&fonts, &e) == PDF_EFONT && strstr(e.msg, "Noto Sans CJK JP") &&
             !fonts.regular && !fonts.bold;
        ok = ok && write_doc(&d, NULL, &out, &e) == PDF_EFONT && out.len == 0 &&
             d.frames_counting == 0;
        _exit(ok ? 0 : 1); /* no atexit work in the child */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Without Noto Sans CJK JP nothing is drawn: a fallback family would print Japanese as empty
 * boxes, so a match of another family is refused as firmly as no font at all. */
static void test_refuses_without_japanese_font(void **state)
{
    char dir[64], fonts[128], cache[128], other[512], link[256];
    UNUSED(state);
    other_font(other, sizeof(other));
    assert_int_equal(unit_tmpdir(dir, "pdf"), 0);
    snprintf(fonts, sizeof(fonts), "%s/fonts", dir);
    snprintf(cache, sizeof(cache), "%s/cache", dir);
    assert_int_equal(mkdir(fonts, 0700), 0);
    assert_int_equal(mkdir(cache, 0700), 0);
    assert_int_equal(refused_in_child(dir), 0); /* no font at all */
    if (other[0]) {
        snprintf(link, sizeof(link), "%s/other.ttf", fonts);
        assert_int_equal(symlink(other, link), 0);
        assert_int_equal(refused_in_child(dir), 0); /* only a font without Japanese */
        unlink(link);
    } else {
        print_message("# no font without Japanese installed: the fallback case is skipped\n");
    }
    unit_rmtree(cache);
    unit_rmtree(fonts);
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_wrap_japanese),
        cmocka_unit_test(test_wrap_english_and_long_words),
        cmocka_unit_test(test_wrap_paragraphs),
        cmocka_unit_test(test_fit_cut_utf8_boundary),
        cmocka_unit_test(test_table_page_breaks),
        cmocka_unit_test(test_doc),
        cmocka_unit_test(test_refuses_without_japanese_font),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
