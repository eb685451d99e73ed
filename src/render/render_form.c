/*
 * render_form.c — what every form shares (issue 10 items 5 and 6): which layout a workbook
 * follows and how it is titled, the text of an item from the report fields that answer it, the
 * difference between "the version does not answer this yet" (未記入) and "this recipient is not
 * given the sections that answer it", and the filing facts (filing date, representative).
 *
 * Why the difference matters: a recipient's view leaves out the sections outside its delivery
 * scope and those the reporter withheld from it (docs/delivery.md §1). Rendering such a view
 * as if it were the whole report printed 未記入 for facts the reporter had given — the NCO
 * workbook said the number of individuals was unknown although 5,000 were reported, because
 * NCO is not given /personal_data. An item now says which sections it lacks for that reason.
 */
#include "render_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

int render_form_parse(const char *name)
{
    if (!name || !*name)
        return RENDER_FORM_UNIFIED;
    if (!strcmp(name, "jp-ppc-art8"))
        return RENDER_FORM_PPC;
    if (!strcmp(name, "jp-nco-common"))
        return RENDER_FORM_NCO;
    return -1;
}

/* ---- the text of an item ---- */

struct item_out {
    struct buf *out;
    bool bare;
};

static void item_line(void *ctx, const struct render_kv *kv)
{
    struct item_out *o = ctx;
    if (o->out->len)
        buf_putc(o->out, '\n');
    if (o->bare)
        buf_puts(o->out, kv->value);
    else
        buf_appendf(o->out, "%s: %s", kv->label, kv->value);
}

size_t render_parts_text(const json_t *report, const struct render_part *parts, bool ja,
                         struct buf *out)
{
    size_t n = 0;
    for (const struct render_part *p = parts; p->pointer; p++) {
        struct render_facts_opts o = {.fmt = {.ja = ja, .codes = p->codes}};
        struct item_out io = {out, p->bare};
        n += render_facts(report, p->pointer, &o, item_line, &io);
    }
    return n;
}

/* The index of the pointer's section in report_section_values, or -1 (envelope,
 * confidentiality: every recipient is given them). */
static int section_of(const char *pointer)
{
    const char *name = pointer + (*pointer == '/');
    size_t len = strcspn(name, "/");
    for (int i = 0; report_section_values[i].value; i++)
        if (strlen(report_section_values[i].value) == len &&
            !strncmp(report_section_values[i].value, name, len))
            return i;
    return -1;
}

bool render_section_given(const struct render_meta *m, const char *pointer)
{
    int i = section_of(pointer);
    return !m->sections_given || i < 0 || (m->sections_given & (1u << i));
}

/* Appends the names of the sections of parts that the recipient is not given, each once;
 * returns how many. */
static size_t not_given(const struct render_meta *m, const struct render_part *parts, bool ja,
                        struct buf *out)
{
    unsigned seen = 0;
    size_t n = 0;
    for (const struct render_part *p = parts; p->pointer; p++) {
        int i = section_of(p->pointer);
        if (render_section_given(m, p->pointer) || (seen & (1u << i)))
            continue;
        seen |= 1u << i;
        buf_appendf(out, "%s%s", n++ ? (ja ? "、" : ", ") : "",
                    ja ? report_section_values[i].ja : report_section_values[i].en);
    }
    return n;
}

enum render_answer render_item(const json_t *report, const struct render_meta *m,
                               const struct render_part *parts, bool ja, struct buf *out)
{
    struct buf names;
    enum render_answer a = RENDER_ANSWERED;
    buf_init(&names, 4096);
    size_t facts = render_parts_text(report, parts, ja, out);
    size_t held = not_given(m, parts, ja, &names);
    if (facts && held) {
        buf_appendf(out,
                    ja ? "\n※ この報告先には提供していない項目（%s）を除きます"
                       : "\nExcept what this recipient is not given (%s)",
                    buf_cstr(&names));
    } else if (held) {
        a = RENDER_NOT_GIVEN; /* Japanese always, English beneath it as 未記入 is written */
        buf_puts(out, RENDER_NOT_GIVEN_JA "（");
        not_given(m, parts, true, out);
        buf_puts(out, "）");
        if (!ja) {
            buf_puts(out, "\n" RENDER_NOT_GIVEN_EN " (");
            not_given(m, parts, false, out);
            buf_putc(out, ')');
        }
    } else if (!facts) {
        a = RENDER_MISSING;
        buf_puts(out, ja ? RENDER_MISSING_JA : RENDER_MISSING_JA "\n" RENDER_MISSING_EN);
    }
    buf_release(&names);
    return a;
}

/* ---- filing facts ---- */

int64_t render_filed_ms(const json_t *report, const struct render_meta *m)
{
    return m->filed_ms > 0 ? m->filed_ms : render_created_ms(report, m);
}

void render_representative(const json_t *report, struct buf *out)
{
    const char *title = render_str(report, "/entity/representative/title");
    const char *name = render_str(report, "/entity/representative/name");
    if (name)
        buf_appendf(out, "%s%s%s", title ? title : "", title ? " " : "", name);
}

/* ---- titles ---- */

void render_form_title(enum render_form form, unsigned nco_kinds, struct render_title *t)
{
    if (form == RENDER_FORM_PPC) {
        *t = (struct render_title){
            "サイバーインシデント報告（個人データの漏えい等報告）",
            "Cyber incident report (personal data breach report)",
            "個人情報保護法施行規則第8条第1項の報告事項に沿って ichigen が報告内容から作成",
            "Laid out as the report items of APPI Enforcement Rules Art. 8(1), generated by "
            "ichigen from the report version"};
        return;
    }
    if (form == RENDER_FORM_NCO && nco_kinds) {
        static const char *const ja[] = {"", "ランサムウェア事案 報告（共通様式）",
                                         "DDoS攻撃事案 報告（共通様式）",
                                         "ランサムウェア事案・DDoS攻撃事案 報告（共通様式）"};
        static const char *const en[] = {"", "Ransomware incident report (common form)",
                                         "DDoS attack report (common form)",
                                         "Ransomware and DDoS incident report (common forms)"};
        *t = (struct render_title){
            ja[nco_kinds & 3u], en[nco_kinds & 3u],
            "国家サイバー統括室「ランサムウェア事案共通様式」「DDoS攻撃事案共通様式」（2025年10月"
            "1日運用開始）の記載事項に沿って ichigen が作成。項目の番号と見出しの文言は ichigen "
            "のもので、様式のセル配置は再現していません",
            "Follows the items of the NCO common "
            "forms for ransomware and DDoS incidents (in force 2025-10-01); item numbers and "
            "heading wording are ichigen's, not the form's cell layout"};
        return;
    }
    *t = (struct render_title){
        "サイバーインシデント報告（ichigen 統一様式）",
        "Cyber incident report (ichigen unified layout)",
        "ichigen の統一様式で報告内容を示したもので、いずれの機関の様式でもありません",
        "ichigen's unified layout of the report version — not any authority's own form"};
}
