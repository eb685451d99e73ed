/*
 * render_xlsx.c — the Excel workbook of a report version (render.h): sheet 1 lays out the items
 * of the recipient's form (the nine items of the PPC leak report, 個人情報保護法施行規則8条1項;
 * the NCO common forms' items, render_nco.c; or ichigen's unified layout) under a filing block,
 * sheet 2 lists every value of the version.
 *
 * Row heights are computed here, not left to the spreadsheet: Excel does not fit the height of
 * a row to wrapped text that a program wrote, and LibreOffice does so differently, so a row's
 * height comes from an estimate of its wrapped lines (generous rather than tight). A row cannot
 * be taller than 409 pt, so a long text (the details of an incident run to 20,000 characters)
 * continues in further rows, its heading cell merged across them, instead of being cut off.
 *
 * libxlsxwriter can only write to a path: xlsx_via_tempfile is the one function that touches
 * the file system.
 */
#include <fcntl.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "render_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

/* 游ゴシック ships with Windows 8.1+ and macOS Office, where these files are opened; elsewhere
 * the spreadsheet substitutes a Japanese font (fontconfig picks Noto Sans CJK JP). */
#define FONT "游ゴシック"
#define PT 10.0          /* body text */
#define PT_SMALL 8.0     /* English sub-headings */
#define PT_LIST 9.0      /* the all-fields sheet */
#define LINE_RATIO 1.65  /* line height / font size: 游ゴシック's lines are tall */
#define ROW_MAX_PT 380.0 /* Excel's maximum row height is 409 pt */
#define SHEET_REPORT "報告書 (Report)"
#define SHEET_FIELDS "全項目 (All fields)" /* a sheet name may not contain "/" */

/* colours (0 means "unset" to libxlsxwriter, so black is LXW_COLOR_BLACK) */
#define XC_INK 0x1d2733
#define XC_MUTED 0x5f6b7a
#define XC_NAVY 0x16324f
#define XC_RULE 0x9aa5b1
#define XC_LABEL_FILL 0xeef1f5
#define XC_SECTION_FILL 0xdfe6ee
#define XC_DRILL 0xb3261e

/* sheet 1: item number, heading, text; sheet 2: pointer, labels, value */
static const double report_cols[] = {4.5, 29, 64};
static const double fields_cols[] = {30, 32, 32, 50};

struct formats {
    lxw_format *title, *subtitle, *label, *value, *missing, *no, *drill, *tlp, *section;
    lxw_format *frag_ja, *frag_en, *frag_sec_ja, *frag_sec_en, *list_head, *list, *list_ptr;
};

struct xl {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    const json_t *report;
    const struct render_meta *meta;
    bool ja;
    struct formats f;
    lxw_row_t row;
    double height; /* of the sheet's rows so far, in points */
    lxw_error rc;  /* the first error libxlsxwriter reported */
    struct buf text;
    enum render_form form; /* meta's, or unified for an NCO incident of neither kind */
    unsigned nco_kinds;
    struct render_title title;
};

static void check(struct xl *x, lxw_error rc)
{
    if (rc && !x->rc)
        x->rc = rc;
}

static void set_height(struct xl *x, lxw_row_t r, double h)
{
    h = MIN(h, 409); /* Excel's maximum */
    check(x, worksheet_set_row(x->ws, r, h, NULL));
    x->height += h;
}

/* ---- estimating wrapped lines ---- */

/* Width of a character in Excel's column unit (the default font's "0": 7 px at 96 dpi), by
 * class: Japanese one em; Latin capitals, digits and small letters as proportional fonts draw
 * them on average; spaces and punctuation narrow. */
static double char_units(uint32_t c, double pt)
{
    double em = pt * 96.0 / 72.0 / 7.0;
    if (pdf_is_wide(c))
        return em;
    if (c == '\t')
        return 2.5 * em;
    if (c >= 'A' && c <= 'Z')
        return 0.64 * em;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c > 0x7f)
        return 0.54 * em;
    if (c == ' ' || strchr(".,:;/|!'()[]-", (int)c))
        return 0.32 * em;
    return 0.6 * em; /* @ # % & and the like */
}

struct piece {
    size_t len;  /* bytes of text in this piece */
    size_t skip; /* bytes after it that belong to no piece (the newline it was cut at) */
    int lines;
};

/* The longest start of s that wraps into at most max_lines lines of a column `width` units
 * wide, cut after a whole line (at the last newline when there is one). Latin text wraps at
 * spaces, which wastes part of a line: the usable width is taken a little narrower. */
static struct piece next_piece(const char *s, double width, double pt, int max_lines)
{
    double usable = (width - 1.0) * 0.92, x = 0;
    struct piece p = {0, 0, 1}, at_nl = {0, 0, 0};
    size_t i = 0, len;
    while (s[i]) {
        uint32_t c = pdf_utf8(s + i, &len);
        double cw = char_units(c, pt);
        if (c == '\n') {
            if (p.lines >= max_lines)
                return (struct piece){i, len, p.lines};
            at_nl = (struct piece){i, len, p.lines};
            p.lines++;
            x = 0;
        } else if (x > 0 && x + cw > usable) {
            if (p.lines >= max_lines)
                return at_nl.lines ? at_nl : (struct piece){i, 0, p.lines};
            p.lines++;
            x = cw;
        } else {
            x += cw;
        }
        i += len;
    }
    p.len = i;
    return p;
}

static int text_lines(const char *s, double width, double pt)
{
    return next_piece(s, width, pt, 1 << 30).lines;
}

static double lines_pt(int lines, double pt)
{
    return lines * pt * LINE_RATIO + 6;
}

/* Lines a piece may have so that its row stays under Excel's limit. */
static int max_piece_lines(double pt)
{
    return (int)((ROW_MAX_PT - 6) / (pt * LINE_RATIO));
}

/* ---- formats ---- */

static lxw_format *fmt(struct xl *x, double size, bool bold, unsigned color)
{
    lxw_format *f = workbook_add_format(x->wb);
    format_set_font_name(f, FONT);
    format_set_font_size(f, size);
    if (bold)
        format_set_bold(f);
    if (color)
        format_set_font_color(f, color);
    return f;
}

static lxw_format *cell_fmt(struct xl *x, double size, bool bold, unsigned color, unsigned fill)
{
    lxw_format *f = fmt(x, size, bold, color);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, XC_RULE);
    if (fill)
        format_set_bg_color(f, fill);
    return f;
}

static void make_formats(struct xl *x, const char *tlp)
{
    struct formats *f = &x->f;
    f->title = fmt(x, 15, true, XC_NAVY);
    f->subtitle = fmt(x, 9, false, XC_MUTED);
    format_set_text_wrap(f->subtitle);
    format_set_align(f->subtitle, LXW_ALIGN_VERTICAL_TOP);
    f->label = cell_fmt(x, PT, true, XC_INK, XC_LABEL_FILL);
    f->value = cell_fmt(x, PT, false, XC_INK, 0);
    f->missing = cell_fmt(x, PT, false, XC_MUTED, 0);
    format_set_italic(f->missing);
    f->no = cell_fmt(x, 11, true, XC_NAVY, XC_LABEL_FILL);
    format_set_align(f->no, LXW_ALIGN_CENTER);
    f->drill = cell_fmt(x, 11, true, 0xffffff, XC_DRILL);
    f->tlp = cell_fmt(x, 11, true, render_tlp_rgb(tlp), LXW_COLOR_BLACK);
    f->section = cell_fmt(x, 11, true, XC_NAVY, XC_SECTION_FILL);
    f->frag_ja = fmt(x, PT, true, XC_INK);
    f->frag_en = fmt(x, PT_SMALL, false, XC_MUTED);
    f->frag_sec_ja = fmt(x, 11, true, XC_NAVY);
    f->frag_sec_en = fmt(x, PT_SMALL, false, XC_MUTED);
    f->list_head = cell_fmt(x, PT_LIST, true, 0xffffff, XC_NAVY);
    f->list = cell_fmt(x, PT_LIST, false, XC_INK, 0);
    f->list_ptr = cell_fmt(x, PT_LIST, false, XC_MUTED, 0);
}

/* ---- cells ---- */

/* A heading: Japanese, and English beneath it in smaller type (a rich string). */
static void put_heading(struct xl *x, lxw_row_t r, lxw_col_t c, const char *ja, const char *en,
                        lxw_format *cell, bool section)
{
    char en_line[512];
    lxw_rich_string_tuple a = {section ? x->f.frag_sec_ja : x->f.frag_ja, (char *)ja};
    lxw_rich_string_tuple b = {section ? x->f.frag_sec_en : x->f.frag_en, en_line};
    lxw_rich_string_tuple *rich[] = {&a, &b, NULL};
    if (!en || !*en) {
        check(x, worksheet_write_string(x->ws, r, c, ja, cell));
        return;
    }
    snprintf(en_line, sizeof(en_line), "%s%s", section ? "  " : "\n", en);
    check(x, worksheet_write_rich_string(x->ws, r, c, rich, cell));
}

static double heading_pt(const char *ja, const char *en, double width)
{
    int ja_lines = text_lines(ja, width, PT);
    int en_lines = en && *en ? text_lines(en, width, PT_SMALL) : 0;
    return ja_lines * PT * LINE_RATIO + en_lines * PT_SMALL * LINE_RATIO + 6;
}

/* A row of sheet 1 that may continue into more rows: number (or nothing), heading, text. */
struct block {
    const char *no;      /* item number in column A, or NULL: the heading spans A:B */
    const char *ja, *en; /* the heading */
    const char *text;    /* the value */
    lxw_format *text_fmt;
};

static void put_block(struct xl *x, const struct block *b)
{
    double head_w = b->no ? report_cols[1] : report_cols[0] + report_cols[1];
    double head_h = heading_pt(b->ja, b->en, head_w), h;
    lxw_row_t first = x->row;
    const char *s = b->text;
    int max_lines = max_piece_lines(PT);
    do {
        struct piece p = next_piece(s, report_cols[2], PT, max_lines);
        char *chunk = xstrndup(s, p.len);
        check(x, worksheet_write_string(x->ws, x->row, 2, chunk, b->text_fmt));
        free(chunk);
        h = lines_pt(p.lines, PT);
        if (x->row == first)
            h = MAX(h, head_h);
        set_height(x, x->row, h);
        s += p.len + p.skip;
        x->row++;
    } while (*s);
    if (b->no) {
        if (x->row - 1 > first)
            check(x, worksheet_merge_range(x->ws, first, 0, x->row - 1, 0, "", x->f.no));
        check(x, worksheet_write_string(x->ws, first, 0, b->no, x->f.no));
    }
    if (b->no && x->row - 1 > first)
        check(x, worksheet_merge_range(x->ws, first, 1, x->row - 1, 1, "", x->f.label));
    else if (!b->no)
        check(x, worksheet_merge_range(x->ws, first, 0, x->row - 1, 1, "", x->f.label));
    put_heading(x, first, b->no ? 1 : 0, b->ja, b->en, x->f.label, false);
}

/* A header-block row: label across A:B, text in C (未記入 when empty). */
static void put_fact(struct xl *x, const char *ja, const char *en, const char *text)
{
    struct block b = {NULL, ja, en, text, x->f.value};
    if (!text || !*text) {
        b.text = x->ja ? RENDER_MISSING_JA : RENDER_MISSING_JA "\n" RENDER_MISSING_EN;
        b.text_fmt = x->f.missing;
    }
    put_block(x, &b);
}

/* A header-block row answered from the report at pointer: when empty and the recipient is not
 * given the pointer's section, it says so rather than 未記入 (render_item). */
static void put_fact_of(struct xl *x, const char *ja, const char *en, const char *text,
                        const char *pointer)
{
    struct buf note;
    const struct render_part parts[] = {{pointer, false}, {0}};
    if ((text && *text) || render_section_given(x->meta, pointer)) {
        put_fact(x, ja, en, text);
        return;
    }
    buf_init(&note, 4096);
    render_item(x->report, x->meta, parts, x->ja, &note);
    struct block b = {NULL, ja, en, buf_cstr(&note), x->f.missing};
    put_block(x, &b);
    buf_release(&note);
}

/* A full-width line: the title, a section heading. */
static void put_wide(struct xl *x, const char *ja, const char *en, lxw_format *f, double h)
{
    check(x, worksheet_merge_range(x->ws, x->row, 0, x->row, 2, "", f));
    if (f == x->f.section)
        put_heading(x, x->row, 0, ja, en, f, true);
    else
        check(x, worksheet_write_string(x->ws, x->row, 0, ja, f));
    set_height(x, x->row, h);
    x->row++;
}

/* ---- sheet 1: header block ---- */

static void text_reset(struct xl *x)
{
    buf_reset(&x->text);
}

static void kv_lines(void *ctx, const struct render_kv *kv)
{
    struct buf *b = ctx;
    if (b->len)
        buf_putc(b, '\n');
    if (kv->label && *kv->label)
        buf_appendf(b, "%s: %s", kv->label, kv->value);
    else
        buf_puts(b, kv->value);
}

/* Only the values, one bulleted line each: for a list the row's heading already names
 * ("連絡先"), whose items wrap over several lines. */
static void kv_values(void *ctx, const struct render_kv *kv)
{
    struct buf *b = ctx;
    buf_appendf(b, "%s・%s", b->len ? "\n" : "", kv->value);
}

static void fact_at(struct xl *x, const char *ja, const char *en, const char *pointer)
{
    struct render_facts_opts o = {.fmt = {.ja = x->ja}};
    const json_t *v = jsonx_ptr_get((json_t *)x->report, pointer);
    text_reset(x);
    if (json_is_array(v))
        render_facts(x->report, pointer, &o, kv_values, &x->text);
    else if (json_is_object(v))
        render_facts(x->report, pointer, &o, kv_lines, &x->text);
    else
        render_value_at(x->report, pointer, x->ja, &x->text);
    put_fact_of(x, ja, en, buf_cstr(&x->text), pointer);
}

/* 宛先 is the authority's name from the recipients directory, never its code; then the
 * filing date (issue 10 item 6). */
static void recipient_and_phase(struct xl *x)
{
    const struct render_meta *m = x->meta;
    int64_t filed = render_filed_ms(x->report, m);
    char t[64] = "";
    text_reset(x);
    if (m->recipient_name_ja || m->recipient_name_en) { /* unnamed: a generic rendering */
        buf_appendf(&x->text, "%s%s%s", m->recipient_name_ja ? m->recipient_name_ja : "",
                    m->recipient_name_ja && m->recipient_name_en ? "\n" : "",
                    m->recipient_name_en ? m->recipient_name_en : "");
        put_fact(x, "宛先", "To", buf_cstr(&x->text));
    }
    if (filed > 0)
        render_ms_jst(filed, t, sizeof(t));
    put_fact(x, "提出日", "Filing date", t);
    text_reset(x);
    render_value_at(x->report, "/envelope/phase", x->ja, &x->text);
    if (m->stage_name_ja)
        buf_appendf(&x->text, "%s%s%s", x->text.len ? "\n" : "",
                    x->ja ? "報告先の段階: " : "Stage for this recipient: ", m->stage_name_ja);
    if (m->rule_status_ja) /* a proposal's stage, not law's (issue 11 item 4) */
        buf_appendf(&x->text, "%s%s%s", x->text.len ? "\n" : "",
                    x->ja ? "規則の状態: " : "Rule status: ",
                    x->ja || !m->rule_status_en ? m->rule_status_ja : m->rule_status_en);
    put_fact(x, "報告の段階（速報・確報）", "Reporting phase", buf_cstr(&x->text));
}

/* The drill marker (a drill filed as real would start real obligations) and the TLP label in
 * TLP 2.0's colours, with the sections that carry a label of their own. */
static void drill_and_tlp(struct xl *x)
{
    struct render_facts_opts o = {.fmt = {.ja = x->ja}};
    struct block drill = {NULL, "訓練", "Drill",
                          "訓練（演習）の報告です。実際の事案ではありません。\n"
                          "This report is an exercise, not a real incident.",
                          x->f.drill};
    struct block tlp = {NULL, "取扱区分（TLP）", "Traffic Light Protocol", NULL, x->f.tlp};
    if (json_is_true(jsonx_ptr_get((json_t *)x->report, "/envelope/drill")))
        put_block(x, &drill);
    if (!render_str(x->report, "/confidentiality/tlp")) {
        put_fact(x, tlp.ja, tlp.en, "");
        return;
    }
    text_reset(x);
    render_value_at(x->report, "/confidentiality/tlp", x->ja, &x->text);
    render_facts(x->report, "/confidentiality/section_tlp", &o, kv_lines, &x->text);
    tlp.text = buf_cstr(&x->text);
    put_block(x, &tlp);
}

/* The name in both languages, the kind of organisation and where it is. */
static void organisation(struct xl *x)
{
    const char *name = render_org_name(x->report, x->ja);
    const char *other = render_org_other_name(x->report, x->ja);
    text_reset(x);
    buf_appendf(&x->text, "%s%s%s", name, *other ? "\n" : "", other);
    put_fact_of(x, "報告者の名称", "Reporting organisation", buf_cstr(&x->text), "/entity");
    text_reset(x);
    render_representative(x->report, &x->text);
    put_fact_of(x, "代表者", "Representative", buf_cstr(&x->text), "/entity/representative");
    fact_at(x, "法人番号", "Corporate number", "/entity/corporate_number");
    text_reset(x);
    render_value_at(x->report, "/entity/prefecture", x->ja, &x->text);
    if (render_str(x->report, "/entity/country")) {
        buf_puts(&x->text, x->text.len ? (x->ja ? "、" : ", ") : "");
        render_value_at(x->report, "/entity/country", x->ja, &x->text);
    }
    put_fact_of(x, "所在地（都道府県・国）", "Location (prefecture, country)", buf_cstr(&x->text),
                "/entity");
    fact_at(x, "連絡先", "Contacts", "/contacts");
}

/* Every time anchor, one per line, in JST (the PPC form asks for 発生日時 and 発覚日時; the
 * other clocks matter to other recipients and cost a line each). */
static void times(struct xl *x)
{
    static const char *const skip[] = {"/times/timezone", NULL}; /* all times shown in JST */
    struct render_facts_opts o = {.fmt = {.ja = x->ja}, .skip = skip};
    text_reset(x);
    render_facts(x->report, "/times", &o, kv_lines, &x->text);
    put_fact_of(x, "日時（日本時間）", "Time anchors (JST)", buf_cstr(&x->text), "/times");
}

/* Which version of which incident this is, and the hash that pins its exact bytes. */
static void version_facts(struct xl *x)
{
    const struct render_meta *m = x->meta;
    const char *none = x->ja ? "未登録（サービス外で作成）" : "not registered (rendered offline)";
    char t[64] = "";
    if (m->version_created_ms > 0)
        render_ms_jst(m->version_created_ms, t, sizeof(t));
    text_reset(x);
    buf_appendf(&x->text, "%s: %s\n", x->ja ? "事案ID" : "Incident ID",
                m->incident_id ? m->incident_id : none);
    if (m->version > 0)
        buf_appendf(&x->text, x->ja ? "版: 第%d版\n" : "Version: %d\n", m->version);
    if (m->submission_id)
        buf_appendf(&x->text, "%s: %s\n", x->ja ? "提出ID" : "Submission ID", m->submission_id);
    if (render_str(x->report, "/envelope/reporter_reference"))
        buf_appendf(&x->text, "%s: %s\n", x->ja ? "報告者側の管理番号" : "Reporter's reference",
                    render_str(x->report, "/envelope/reporter_reference"));
    buf_appendf(&x->text, "%s: %s\n", x->ja ? "版の作成日時" : "Version created", *t ? t : none);
    buf_appendf(&x->text, "SHA-256: %s", m->report_sha256 ? m->report_sha256 : "—");
    put_fact(x, "報告の版", "Report version", buf_cstr(&x->text));
}

/* ---- sheet 1 ---- */

/* One numbered item: its facts, 未記入, or the note that the recipient is not given them. */
static void put_item(struct xl *x, const char *no, const char *ja, const char *en,
                     const struct render_part *parts)
{
    struct block b = {no, ja, en, NULL, x->f.value};
    text_reset(x);
    if (render_item(x->report, x->meta, parts, x->ja, &x->text) != RENDER_ANSWERED)
        b.text_fmt = x->f.missing;
    b.text = buf_cstr(&x->text);
    put_block(x, &b);
}

static void items_ppc(struct xl *x)
{
    char no[8];
    put_wide(x, "報告事項（個人情報保護法施行規則第8条第1項各号）",
             "Report items (APPI Enforcement Rules, Art. 8(1))", x->f.section, 26);
    for (int i = 0; i < RENDER_PPC_ITEMS; i++) {
        const struct render_ppc_item *it = &render_ppc_items[i];
        snprintf(no, sizeof(no), "%d", it->no);
        put_item(x, no, it->ja, it->en, render_ppc_parts(i));
    }
}

/* The common items, then those of each form the incident is filed on (render_nco.c). */
static void items_nco(struct xl *x, unsigned kinds)
{
    static const struct {
        unsigned kind;
        const char *ja, *en;
    } groups[] = {{0, "共通項目", "Common items"},
                  {RENDER_NCO_RANSOMWARE, "ランサムウェア事案の項目", "Ransomware items"},
                  {RENDER_NCO_DDOS, "DDoS攻撃事案の項目", "DDoS attack items"}};
    for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
        if (groups[g].kind && !(kinds & groups[g].kind))
            continue;
        put_wide(x, groups[g].ja, groups[g].en, x->f.section, 26);
        for (size_t i = 0; i < render_nco_item_count; i++) {
            const struct render_item_def *it = &render_nco_items[i];
            if (it->kinds == groups[g].kind)
                put_item(x, it->no, it->ja, it->en, it->parts);
        }
    }
}

/* ichigen's unified layout: the report's sections, in the order the PDF shows them. */
static void items_unified(struct xl *x)
{
    static const char *const sections[] = {"/classification", "/description", "/impact",
                                           "/personal_data",  "/threat",      "/ransom",
                                           "/product",        "/response"};
    char no[8];
    put_wide(x, "報告内容", "Report contents", x->f.section, 26);
    for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
        const struct rf_field *f = report_field_lookup(sections[i]);
        const struct render_part parts[] = {{sections[i], false}, {0}};
        snprintf(no, sizeof(no), "%zu", i + 1);
        put_item(x, no, f->ja, f->en, parts);
    }
}

/* Header and footer codes start with "&": a literal one is written "&&". */
static void hf_escape(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; s && *s && o + 2 < n; s++) {
        if (*s == '&')
            out[o++] = '&';
        out[o++] = *s;
    }
    out[o] = '\0';
}

/* A4's printable height in points with the margins below, portrait and landscape. */
#define A4_PRINT_H (841.89 - 1.4 * 72)
#define A4_PRINT_H_LANDSCAPE (595.28 - 1.4 * 72)

static void page_setup(struct xl *x, lxw_col_t last_col, bool landscape)
{
    double page_h = landscape ? A4_PRINT_H_LANDSCAPE : A4_PRINT_H;
    char id[80], tlp[40], head[160], foot[200];
    hf_escape(x->meta->incident_id ? x->meta->incident_id : "", id, sizeof(id));
    hf_escape(render_str(x->report, "/confidentiality/tlp"), tlp, sizeof(tlp));
    snprintf(head, sizeof(head), "&L&8%s&R&8&B%s",
             x->ja ? "サイバーインシデント報告" : "Cyber incident report", tlp);
    /* "&8" sets the size and would swallow digits that follow it: a word comes first */
    if (x->meta->version > 0)
        snprintf(foot, sizeof(foot), "&L&8%s %s · %s %d&R&8&P / &N", x->ja ? "事案ID" : "Incident",
                 *id ? id : "—", x->ja ? "版" : "version", x->meta->version);
    else
        snprintf(foot, sizeof(foot), "&L&8%s %s&R&8&P / &N", x->ja ? "事案ID" : "Incident",
                 *id ? id : "—");
    worksheet_set_paper(x->ws, 9); /* A4 */
    if (landscape)
        worksheet_set_landscape(x->ws);
    else
        worksheet_set_portrait(x->ws);
    worksheet_set_margins(x->ws, 0.5, 0.5, 0.7, 0.7);
    /* One page wide. A sheet that two pages hold at 80 % or more is fitted to two (a filing
     * reads best on one sheet of paper, front and back); longer narratives get the pages they
     * need rather than shrinking into illegibility. */
    worksheet_fit_to_pages(x->ws, 1, x->height <= 2 * page_h / 0.8 ? 2 : 0);
    worksheet_gridlines(x->ws, LXW_HIDE_ALL_GRIDLINES);
    worksheet_center_horizontally(x->ws);
    check(x, worksheet_set_header(x->ws, head));
    check(x, worksheet_set_footer(x->ws, foot));
    check(x, worksheet_print_area(x->ws, 0, 0, x->row ? x->row - 1 : 0, last_col));
}

static void sheet_report(struct xl *x)
{
    x->ws = workbook_add_worksheet(x->wb, SHEET_REPORT);
    if (!x->ws) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    for (lxw_col_t c = 0; c < ARRAY_SIZE(report_cols); c++)
        check(x, worksheet_set_column(x->ws, c, c, report_cols[c], NULL));
    x->row = 0;
    x->height = 0;
    text_reset(x); /* headings are Japanese, with English beside them in an English document */
    buf_appendf(&x->text, "%s%s%s", x->title.ja, x->ja ? "" : " — ", x->ja ? "" : x->title.en);
    put_wide(x, buf_cstr(&x->text), NULL, x->f.title, 26);
    text_reset(x);
    buf_appendf(&x->text, "%s / %s", x->title.note_ja, x->title.note_en);
    put_wide(x, buf_cstr(&x->text), NULL, x->f.subtitle, 28);
    recipient_and_phase(x);
    drill_and_tlp(x);
    organisation(x);
    times(x);
    version_facts(x);
    x->row++;
    if (x->form == RENDER_FORM_PPC)
        items_ppc(x);
    else if (x->form == RENDER_FORM_NCO)
        items_nco(x, x->nco_kinds);
    else
        items_unified(x);
    page_setup(x, 2, false);
}

/* ---- sheet 2: every value ---- */

static int field_row(void *ctx, const struct render_row *r)
{
    struct xl *x = ctx;
    const char *s = r->value;
    lxw_row_t first = x->row;
    int max_lines = max_piece_lines(PT_LIST);
    double head = MAX(text_lines(r->pointer, fields_cols[0], PT_LIST),
                      MAX(text_lines(r->label_ja, fields_cols[1], PT_LIST),
                          text_lines(r->label_en, fields_cols[2], PT_LIST))),
           h;
    do {
        struct piece p = next_piece(s, fields_cols[3], PT_LIST, max_lines);
        char *chunk = xstrndup(s, p.len);
        check(x, worksheet_write_string(x->ws, x->row, 3, chunk, x->f.list));
        free(chunk);
        h = lines_pt(x->row == first ? MAX(p.lines, (int)head) : p.lines, PT_LIST);
        set_height(x, x->row, h);
        s += p.len + p.skip;
        x->row++;
    } while (*s && x->row < LXW_ROW_MAX);
    for (lxw_col_t c = 0; c < 3 && x->row - 1 > first; c++)
        check(x, worksheet_merge_range(x->ws, first, c, x->row - 1, c, "", x->f.list));
    check(x, worksheet_write_string(x->ws, first, 0, r->pointer, x->f.list_ptr));
    check(x, worksheet_write_string(x->ws, first, 1, r->label_ja, x->f.list));
    check(x, worksheet_write_string(x->ws, first, 2, r->label_en, x->f.list));
    return x->rc || x->row >= LXW_ROW_MAX ? -1 : 0;
}

static void sheet_fields(struct xl *x)
{
    static const char *const head[] = {"JSON Pointer", "項目名", "Field", "値 / Value"};
    x->ws = workbook_add_worksheet(x->wb, SHEET_FIELDS);
    if (!x->ws) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    for (lxw_col_t c = 0; c < ARRAY_SIZE(fields_cols); c++) {
        check(x, worksheet_set_column(x->ws, c, c, fields_cols[c], NULL));
        check(x, worksheet_write_string(x->ws, 0, c, head[c], x->f.list_head));
    }
    set_height(x, 0, lines_pt(1, PT_LIST));
    worksheet_freeze_panes(x->ws, 1, 0);
    check(x, worksheet_repeat_rows(x->ws, 0, 0));
    x->row = 1;
    x->height = 0;
    render_walk(x->report, x->ja, field_row, x);
    check(x, worksheet_autofilter(x->ws, 0, 0, x->row - 1, 3));
    page_setup(x, 3, true);
}

/* ---- the workbook ---- */

static void properties(struct xl *x)
{
    struct buf title; /* not a fixed array: a cut name would end inside a character */
    lxw_doc_properties p = {0};
    buf_init(&title, BUF_UNLIMITED);
    buf_appendf(&title, "%s — %s", x->title.ja, render_org_name(x->report, x->ja));
    p.title = (char *)buf_cstr(&title);
    p.subject = (char *)x->title.note_en;
    p.author = "ichigen " ICHIGEN_VERSION;
    p.comments = (char *)(x->meta->incident_id ? x->meta->incident_id : "");
    /* the version's own time, so that the same version always gives the same bytes */
    p.created = (time_t)(render_created_ms(x->report, x->meta) / 1000);
    check(x, workbook_set_properties(x->wb, &p));
    buf_release(&title);
}

static void layout(struct xl *x)
{
    make_formats(x, render_str(x->report, "/confidentiality/tlp"));
    properties(x);
    sheet_report(x);
    sheet_fields(x);
}

/* Appends what fd holds, from its start, to out; on failure out is as it was. */
static int read_back(int fd, struct buf *out, struct err *e)
{
    size_t before = out->len;
    char chunk[65536];
    ssize_t got;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return err_set(e, RENDER_EIO, "cannot read the workbook back: %s", strerror(errno));
    while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || buf_append(out, chunk, (size_t)got)) {
            int rc =
                got < 0
                    ? err_set(e, RENDER_EIO, "cannot read the workbook back: %s", strerror(errno))
                    : err_set(e, RENDER_EFULL,
                              "the workbook exceeds the buffer's maximum (%zu bytes)", out->max);
            buf_truncate(out, before);
            return rc;
        }
    }
    return RENDER_OK;
}

/*
 * The one function that touches the file system. libxlsxwriter writes the workbook to a path:
 * the path is a file mkstemp created (0600, only ours) in $TMPDIR or /tmp, and libxlsxwriter
 * truncates and fills that same file, so it is read back through the descriptor mkstemp gave.
 * The file is removed whatever happens.
 */
static int xlsx_via_tempfile(struct xl *x, struct buf *out, struct err *e)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    lxw_workbook_options opt = {0};
    lxw_error rc;
    int fd, res;
    if (!dir || !*dir)
        dir = "/tmp";
    if ((size_t)snprintf(path, sizeof(path), "%s/ichigen-render-XXXXXX", dir) >= sizeof(path))
        return err_set(e, RENDER_EIO, "TMPDIR is too long");
    if ((fd = mkstemp(path)) < 0)
        return err_set(e, RENDER_EIO, "cannot create a temporary file in %s: %s", dir,
                       strerror(errno));
    opt.tmpdir = (char *)dir;
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb) {
        res = err_set(e, RENDER_EXLSX, "libxlsxwriter cannot start a workbook");
        goto out;
    }
    layout(x);
    rc = workbook_close(x->wb); /* writes the file and frees the workbook, even on error */
    x->wb = NULL;
    if (x->rc || rc) {
        res = err_set(e, RENDER_EXLSX, "libxlsxwriter: %s", lxw_strerror(x->rc ? x->rc : rc));
        goto out;
    }
    res = read_back(fd, out, e);
out:
    close(fd);
    unlink(path);
    return res;
}

int render_xlsx(const json_t *report, const struct render_meta *meta, struct buf *out,
                struct err *e)
{
    struct xl x = {.report = report, .meta = meta};
    int rc;
    if (!json_is_object(report) || !meta || !out)
        return err_set(e, RENDER_EINVALID, "render_xlsx: the report must be a JSON object");
    x.ja = meta->ja;
    x.form = meta->form;
    x.nco_kinds = render_nco_kinds(report);
    if (x.form == RENDER_FORM_NCO && !x.nco_kinds)
        x.form = RENDER_FORM_UNIFIED; /* neither form fits: say so rather than force one */
    render_form_title(x.form, x.nco_kinds, &x.title);
    buf_init(&x.text, RENDER_TEXT_MAX);
    rc = xlsx_via_tempfile(&x, out, e);
    buf_release(&x.text);
    return rc;
}
