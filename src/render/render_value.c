/*
 * render_value.c — a report read through its field table: labels, display values (enumeration
 * labels, はい/いいえ, numbers, JST times, prefecture names), and the two walks the renderings
 * are built from — the compact one (facts as label/value pairs, for the PDF sections, the
 * header blocks and the PPC items) and the full one (one row per value, for the workbook's
 * "all fields" sheet).
 */
#include <math.h>

#include "render_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

#define LABEL_SEP " › "
#define PTR_MAX 4096    /* a JSON Pointer into a valid report is far shorter */
#define LABEL_MAX 16384 /* label paths: a few dozen labels at most */

/* ---- scalars ---- */

const char *render_label(const struct rf_field *f, bool ja)
{
    if (!f)
        return "";
    return ja ? f->ja : f->en;
}

void render_ms_jst(int64_t ms, char *out, size_t n)
{
    /* Japan Standard Time is UTC+9 all year (no daylight saving since 1951). */
    int64_t local = ms + 9 * 3600 * 1000LL;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int64_t sec = (local - days * 86400000) / 1000, y;
    unsigned mo, d;
    int hh = (int)(sec / 3600), mm = (int)(sec / 60 % 60), ss = (int)(sec % 60);
    rtime_civil_from_days(days, &y, &mo, &d);
    if (ss)
        snprintf(out, n, "%04lld-%02u-%02u %02d:%02d:%02d JST (UTC+09:00)", (long long)y, mo, d, hh,
                 mm, ss);
    else
        snprintf(out, n, "%04lld-%02u-%02u %02d:%02d JST (UTC+09:00)", (long long)y, mo, d, hh, mm);
}

void render_time_jst(const char *rfc3339, char *out, size_t n)
{
    struct rtime_parsed t;
    if (rtime_parse_rfc3339(rfc3339, strlen(rfc3339), &t)) {
        xstrlcpy(out, rfc3339, n);
        return;
    }
    render_ms_jst(t.ms, out, n);
}

void render_number(double v, char *out, size_t n)
{
    char digits[32];
    size_t len, o = 0, lead;
    bool neg = v < 0;
    if (!isfinite(v) || fabs(v) >= 1e15 || v != floor(v)) {
        snprintf(out, n, "%.10g", v);
        return;
    }
    snprintf(digits, sizeof(digits), "%lld", (long long)fabs(v));
    len = strlen(digits);
    lead = len % 3 ? len % 3 : 3;
    if (neg && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i >= lead && (i - lead) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[MIN(o, n - 1)] = '\0';
}

static const struct prefecture {
    const char *ja, *en;
} prefectures[47] = {
    {"北海道", "Hokkaido"},    {"青森県", "Aomori"},     {"岩手県", "Iwate"},
    {"宮城県", "Miyagi"},      {"秋田県", "Akita"},      {"山形県", "Yamagata"},
    {"福島県", "Fukushima"},   {"茨城県", "Ibaraki"},    {"栃木県", "Tochigi"},
    {"群馬県", "Gunma"},       {"埼玉県", "Saitama"},    {"千葉県", "Chiba"},
    {"東京都", "Tokyo"},       {"神奈川県", "Kanagawa"}, {"新潟県", "Niigata"},
    {"富山県", "Toyama"},      {"石川県", "Ishikawa"},   {"福井県", "Fukui"},
    {"山梨県", "Yamanashi"},   {"長野県", "Nagano"},     {"岐阜県", "Gifu"},
    {"静岡県", "Shizuoka"},    {"愛知県", "Aichi"},      {"三重県", "Mie"},
    {"滋賀県", "Shiga"},       {"京都府", "Kyoto"},      {"大阪府", "Osaka"},
    {"兵庫県", "Hyogo"},       {"奈良県", "Nara"},       {"和歌山県", "Wakayama"},
    {"鳥取県", "Tottori"},     {"島根県", "Shimane"},    {"岡山県", "Okayama"},
    {"広島県", "Hiroshima"},   {"山口県", "Yamaguchi"},  {"徳島県", "Tokushima"},
    {"香川県", "Kagawa"},      {"愛媛県", "Ehime"},      {"高知県", "Kochi"},
    {"福岡県", "Fukuoka"},     {"佐賀県", "Saga"},       {"長崎県", "Nagasaki"},
    {"熊本県", "Kumamoto"},    {"大分県", "Oita"},       {"宮崎県", "Miyazaki"},
    {"鹿児島県", "Kagoshima"}, {"沖縄県", "Okinawa"},
};

const char *render_prefecture(const char *code, bool ja)
{
    /* ISO 3166-2:JP numbers the prefectures 01–47 in the order of the table above */
    if (!code || strlen(code) != 5 || strncmp(code, "JP-", 3) || code[3] < '0' || code[3] > '4' ||
        code[4] < '0' || code[4] > '9')
        return NULL;
    int i = (code[3] - '0') * 10 + (code[4] - '0');
    if (i < 1 || i > 47)
        return NULL;
    return ja ? prefectures[i - 1].ja : prefectures[i - 1].en;
}

static const struct rf_enum *enum_of(const struct rf_field *f, const char *value)
{
    if (!f || (f->type != RF_ENUM && f->type != RF_TRI) || !f->values)
        return NULL;
    for (const struct rf_enum *e = f->values; e->value; e++)
        if (!strcmp(e->value, value))
            return e;
    return NULL;
}

static void string_value(const struct rf_field *f, const char *s, const struct render_fmt *fmt,
                         struct buf *out)
{
    const struct rf_enum *e = enum_of(f, s);
    const char *pref = f && f->format == RFMT_PREFECTURE ? render_prefecture(s, fmt->ja) : NULL;
    char t[64];
    struct rtime_parsed tp;
    if (e) {
        buf_puts(out, fmt->ja ? e->ja : e->en);
        if (fmt->codes && strcmp(e->value, fmt->ja ? e->ja : e->en))
            buf_appendf(out, " (%s)", e->value);
    } else if (pref) {
        buf_appendf(out, "%s (%s)", pref, s);
    } else if (f && f->type == RF_TIME && !rtime_parse_rfc3339(s, strlen(s), &tp)) {
        render_ms_jst(tp.ms, t, sizeof(t));
        buf_puts(out, t);
        if (fmt->codes && tp.offset_min != 540) /* keep what the reporter wrote */
            buf_appendf(out, fmt->ja ? "（記載: %s）" : " (as written: %s)", s);
    } else {
        buf_puts(out, s);
    }
}

void render_value(const struct rf_field *f, const json_t *v, const struct render_fmt *fmt,
                  struct buf *out)
{
    char num[48];
    switch (json_typeof(v)) {
    case JSON_STRING:
        string_value(f, json_string_value(v), fmt, out);
        break;
    case JSON_INTEGER:
        render_number((double)json_integer_value(v), num, sizeof(num));
        buf_puts(out, num);
        break;
    case JSON_REAL:
        render_number(json_real_value(v), num, sizeof(num));
        buf_puts(out, num);
        break;
    case JSON_TRUE:
        buf_puts(out, fmt->ja ? "はい" : "yes");
        break;
    case JSON_FALSE:
        buf_puts(out, fmt->ja ? "いいえ" : "no");
        break;
    default:
        break; /* null, arrays and objects are not scalars */
    }
}

static bool is_scalar(const json_t *v)
{
    return v && !json_is_object(v) && !json_is_array(v);
}

/* The member of an object field named key, or NULL. */
static const struct rf_field *member(const struct rf_field *f, const char *key)
{
    if (!f || f->type != RF_OBJECT)
        return NULL;
    for (const struct rf_field *m = f->fields; m->name; m++)
        if (!strcmp(m->name, key))
            return m;
    return NULL;
}

/* The field of a JSON Pointer with array indices ("/contacts/0/name"), or NULL. */
static const struct rf_field *field_at(const char *pointer)
{
    const struct rf_field *f = &report_root;
    const char *p = pointer;
    char key[256];
    while (f && *p == '/') {
        size_t n = strcspn(p + 1, "/");
        if (f->type == RF_ARRAY) {
            f = f->fields;
        } else {
            if (n >= sizeof(key))
                return NULL;
            memcpy(key, p + 1, n);
            key[n] = '\0';
            f = member(f, key);
        }
        p += 1 + n;
    }
    return f;
}

/* ---- the compact walk ---- */

struct facts {
    const struct render_facts_opts *o;
    render_kv_fn fn;
    void *ctx;
    struct buf ptr, label, value;
    size_t count;
};

static bool skipped(const struct facts *st)
{
    for (const char *const *s = st->o->skip; s && *s; s++)
        if (!strcmp(*s, buf_cstr(&st->ptr)))
            return true;
    return false;
}

static void emit(struct facts *st)
{
    char *l = st->label.data; /* NULL while the label is empty */
    bool cap = l && !st->o->fmt.ja && l[0] >= 'a' && l[0] <= 'z';
    struct render_kv kv;
    /* the table's English labels are lower case ("time of detection"); a label opening a line
     * reads as a heading, so its first letter is capitalised for the caller */
    if (cap)
        l[0] = (char)(l[0] - 'a' + 'A');
    kv = (struct render_kv){buf_cstr(&st->ptr), buf_cstr(&st->label), buf_cstr(&st->value)};
    st->fn(st->ctx, &kv);
    if (cap)
        l[0] = (char)(l[0] - 'A' + 'a');
    st->count++;
}

/* Appends the values of an array of scalars, joined. */
static void join_scalars(const struct rf_field *item, const json_t *arr,
                         const struct render_fmt *fmt, struct buf *out)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (i)
            buf_puts(out, fmt->ja ? "、" : ", ");
        render_value(item, json_array_get(arr, i), fmt, out);
    }
}

static void item_text(const struct rf_field *f, const json_t *v, const struct render_fmt *fmt,
                      const char *prefix, struct buf *out);

/* One member of an object inside an array item: "label: value", nested objects spelled out. */
static void member_text(const struct rf_field *m, const char *key, const json_t *v,
                        const struct render_fmt *fmt, const char *prefix, struct buf *out)
{
    const char *label = m ? render_label(m, fmt->ja) : key;
    char sub[512];
    if (json_is_object(v)) {
        snprintf(sub, sizeof(sub), "%s%s" LABEL_SEP, prefix, label);
        item_text(m, v, fmt, sub, out);
        return;
    }
    if (out->len && out->data[out->len - 1] != '(')
        buf_puts(out, " / ");
    buf_appendf(out, "%s%s: ", prefix, label);
    if (is_scalar(v)) {
        render_value(m, v, fmt, out);
        return;
    }
    for (size_t i = 0; i < json_array_size(v); i++) { /* arrays */
        const json_t *it = json_array_get(v, i);
        const struct rf_field *itf = m ? m->fields : NULL;
        if (!json_is_object(it)) {
            if (i)
                buf_puts(out, fmt->ja ? "、" : ", ");
            render_value(itf, it, fmt, out);
            continue;
        }
        buf_puts(out, i ? "; (" : "(");
        item_text(itf, it, fmt, "", out);
        buf_putc(out, ')');
    }
}

/* The members of an object as "label: value / label: value". */
static void item_text(const struct rf_field *f, const json_t *v, const struct render_fmt *fmt,
                      const char *prefix, struct buf *out)
{
    const char *key;
    json_t *mv;
    if (!json_is_object(v)) {
        render_value(f, v, fmt, out);
        return;
    }
    for (const struct rf_field *m = f && f->type == RF_OBJECT ? f->fields : NULL; m && m->name; m++)
        if ((mv = json_object_get(v, m->name)))
            member_text(m, m->name, mv, fmt, prefix, out);
    json_object_foreach((json_t *)v, key, mv) if (!member(f, key))
        member_text(NULL, key, mv, fmt, prefix, out);
}

static void facts_node(struct facts *st, const struct rf_field *f, const json_t *v, bool top);

static void facts_array(struct facts *st, const struct rf_field *f, const json_t *v)
{
    const struct rf_field *item = f ? f->fields : NULL;
    const struct render_fmt *fmt = &st->o->fmt;
    size_t n = json_array_size(v), shown = n, base = st->label.len;
    bool objects = n && json_is_object(json_array_get(v, 0));
    if (!n)
        return;
    if (!objects) {
        buf_reset(&st->value);
        join_scalars(item, v, fmt, &st->value);
        emit(st);
        return;
    }
    if (st->o->max_items && n > st->o->max_items)
        shown = st->o->max_items;
    for (size_t i = 0; i < shown; i++) {
        buf_reset(&st->value);
        item_text(item, json_array_get(v, i), fmt, "", &st->value);
        if (n > 1)
            buf_appendf(&st->label, " %zu", i + 1);
        emit(st);
        buf_truncate(&st->label, base);
    }
    if (shown < n) {
        buf_reset(&st->value);
        buf_appendf(&st->value, fmt->ja ? "ほか %zu 件" : "%zu more", n - shown);
        emit(st);
    }
}

static void facts_member(struct facts *st, const struct rf_field *m, const char *key,
                         const json_t *mv, bool top)
{
    size_t pbase = st->ptr.len, lbase = st->label.len;
    jsonx_ptr_push(&st->ptr, key, strlen(key));
    if (!top && st->label.len)
        buf_puts(&st->label, LABEL_SEP);
    buf_puts(&st->label, m ? render_label(m, st->o->fmt.ja) : key);
    facts_node(st, m, mv, false);
    buf_truncate(&st->ptr, pbase);
    buf_truncate(&st->label, lbase);
}

static void facts_node(struct facts *st, const struct rf_field *f, const json_t *v, bool top)
{
    const char *key;
    json_t *mv;
    if (skipped(st))
        return;
    if (json_is_array(v)) {
        facts_array(st, f, v);
    } else if (json_is_object(v)) {
        for (const struct rf_field *m = f && f->type == RF_OBJECT ? f->fields : NULL; m && m->name;
             m++)
            if ((mv = json_object_get(v, m->name)))
                facts_member(st, m, m->name, mv, top);
        json_object_foreach((json_t *)v, key, mv) if (!member(f, key))
            facts_member(st, NULL, key, mv, top);
    } else if (!json_is_null(v)) {
        buf_reset(&st->value);
        render_value(f, v, &st->o->fmt, &st->value);
        emit(st);
    }
}

size_t render_facts(const json_t *report, const char *pointer, const struct render_facts_opts *o,
                    render_kv_fn fn, void *ctx)
{
    struct facts st = {.o = o, .fn = fn, .ctx = ctx};
    const json_t *v = jsonx_ptr_get((json_t *)report, pointer);
    const struct rf_field *f = field_at(pointer);
    if (!v)
        return 0;
    buf_init(&st.ptr, PTR_MAX);
    buf_init(&st.label, LABEL_MAX);
    buf_init(&st.value, RENDER_TEXT_MAX);
    buf_puts(&st.ptr, pointer);
    if (!json_is_object(v))
        buf_puts(&st.label, render_label(f, o->fmt.ja));
    facts_node(&st, f, v, true);
    buf_release(&st.ptr);
    buf_release(&st.label);
    buf_release(&st.value);
    return st.count;
}

/* ---- the full walk ---- */

struct walk {
    render_row_fn fn;
    void *ctx;
    struct render_fmt fmt;
    struct buf ptr, ja, en, value;
    int rc;
};

static void walk_node(struct walk *w, const struct rf_field *f, const json_t *v);

static void walk_push(struct walk *w, const char *tok, const char *ja, const char *en,
                      const struct rf_field *f, const json_t *v)
{
    size_t p = w->ptr.len, j = w->ja.len, e = w->en.len;
    jsonx_ptr_push(&w->ptr, tok, strlen(tok));
    buf_appendf(&w->ja, "%s%s", j ? LABEL_SEP : "", ja);
    buf_appendf(&w->en, "%s%s", e ? LABEL_SEP : "", en);
    walk_node(w, f, v);
    buf_truncate(&w->ptr, p);
    buf_truncate(&w->ja, j);
    buf_truncate(&w->en, e);
}

static void walk_row(struct walk *w, const struct rf_field *f, const json_t *v)
{
    struct render_row row;
    buf_reset(&w->value);
    render_value(f, v, &w->fmt, &w->value);
    row.pointer = buf_cstr(&w->ptr);
    row.label_ja = buf_cstr(&w->ja);
    row.label_en = buf_cstr(&w->en);
    row.value = buf_cstr(&w->value);
    w->rc = w->fn(w->ctx, &row);
}

static void walk_node(struct walk *w, const struct rf_field *f, const json_t *v)
{
    const char *key;
    json_t *mv;
    char idx[32], ja[32], en[32];
    if (w->rc)
        return;
    if (json_is_object(v) && json_object_size(v)) {
        for (const struct rf_field *m = f && f->type == RF_OBJECT ? f->fields : NULL; m && m->name;
             m++)
            if ((mv = json_object_get(v, m->name)))
                walk_push(w, m->name, m->ja, m->en, m, mv);
        json_object_foreach((json_t *)v, key, mv) if (!member(f, key))
            walk_push(w, key, key, key, NULL, mv);
    } else if (json_is_array(v) && json_array_size(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            snprintf(idx, sizeof(idx), "%zu", i);
            snprintf(ja, sizeof(ja), "%zu件目", i + 1);
            snprintf(en, sizeof(en), "#%zu", i + 1);
            walk_push(w, idx, ja, en, f ? f->fields : NULL, json_array_get(v, i));
        }
    } else {
        walk_row(w, f, v);
    }
}

int render_walk(const json_t *report, bool ja, render_row_fn fn, void *ctx)
{
    struct walk w = {.fn = fn, .ctx = ctx, .fmt = {.ja = ja, .codes = true}};
    buf_init(&w.ptr, PTR_MAX);
    buf_init(&w.ja, LABEL_MAX);
    buf_init(&w.en, LABEL_MAX);
    buf_init(&w.value, RENDER_TEXT_MAX);
    walk_node(&w, &report_root, report);
    buf_release(&w.ptr);
    buf_release(&w.ja);
    buf_release(&w.en);
    buf_release(&w.value);
    return w.rc;
}

/* ---- small shared helpers ---- */

unsigned render_tlp_rgb(const char *tlp)
{
    if (!tlp)
        return 0xffffffu;
    if (!strcmp(tlp, "TLP:RED"))
        return 0xff2b2bu;
    if (!strncmp(tlp, "TLP:AMBER", 9))
        return 0xffc000u;
    if (!strcmp(tlp, "TLP:GREEN"))
        return 0x33ff00u;
    return 0xffffffu;
}
