/*
 * schema_walk.c — the structural walker: checks a parsed document against a field table
 * (structure, types, enumerations, lengths, counts, formats), then the fields' check hooks.
 * Every problem is reported; nothing stops at the first (STYLE.md, Errors).
 *
 * Messages are "<label path>: <reason>" in English and Japanese, e.g.
 *   "Time anchors › Time of detection: must be an RFC 3339 date-time …".
 */
#include "schema.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

#define MAX_LABEL_DEPTH 16
#define TIME_FLOOR_MS 631152000000LL /* 1990-01-01T00:00:00Z: nothing reported happened before */

struct schema_walk {
    const struct schema_run *run;
    const struct schema_limits *lim;
    const json_t *doc;
    struct verr_list *errs;
    struct buf ptr;
    const struct rf_field *field; /* the field of the value a hook is called for */
    size_t value_start;           /* problems in errs when that value's walk began */
    const char *lab_ja[MAX_LABEL_DEPTH];
    const char *lab_en[MAX_LABEL_DEPTH];
    long lab_idx[MAX_LABEL_DEPTH]; /* >= 0: an array item number; -1: a field */
    int depth;
};

void schema_limits_default(struct schema_limits *lim)
{
    lim->max_string_chars = 20000;
    lim->max_array_items = 1000;
    lim->future_skew_ms = 300000;
    lim->max_errors = 200;
}

static size_t problems(const struct verr_list *l)
{
    return l->n + l->dropped;
}

/* ---- label path and error emission ---- */

static void label_path(const struct schema_walk *c, bool ja, struct buf *out)
{
    for (int i = 0; i < c->depth && i < MAX_LABEL_DEPTH; i++) {
        if (out->len)
            buf_puts(out, " › ");
        if (c->lab_idx[i] >= 0)
            buf_appendf(out, ja ? "%ld件目" : "#%ld", c->lab_idx[i] + 1);
        else
            buf_puts(out, ja ? c->lab_ja[i] : c->lab_en[i]);
    }
}

static void emit(struct schema_walk *c, const char *code, const char *en, const char *ja)
{
    struct buf me, mj;
    buf_init(&me, 8192);
    buf_init(&mj, 8192);
    label_path(c, false, &me);
    label_path(c, true, &mj);
    buf_appendf(&me, "%s%s", me.len ? ": " : "", en);
    buf_appendf(&mj, "%s%s", mj.len ? ": " : "", ja);
    verr_add(c->errs, buf_cstr(&c->ptr), code, buf_cstr(&me), buf_cstr(&mj));
    buf_release(&me);
    buf_release(&mj);
}

/* A value problem: the field's own code and text when its table entry gives one. */
static void emit_invalid(struct schema_walk *c, const struct rf_field *f, const char *code,
                         const char *en, const char *ja)
{
    if (f->invalid)
        emit(c, f->invalid->code, f->invalid->en, f->invalid->ja);
    else
        emit(c, code, en, ja);
}

static void push(struct schema_walk *c, const struct rf_field *f, const char *key, long idx,
                 size_t *saved)
{
    *saved = c->ptr.len;
    if (idx >= 0)
        jsonx_ptr_push_index(&c->ptr, (size_t)idx);
    else
        jsonx_ptr_push(&c->ptr, key, strlen(key));
    if (c->depth < MAX_LABEL_DEPTH) {
        c->lab_ja[c->depth] = f ? f->ja : key;
        c->lab_en[c->depth] = f ? f->en : key;
        c->lab_idx[c->depth] = idx;
    }
    c->depth++;
}

static void pop(struct schema_walk *c, size_t saved)
{
    buf_truncate(&c->ptr, saved);
    c->depth--;
}

/* ---- per-type checks ---- */

static void check_value(struct schema_walk *c, const struct rf_field *f, const json_t *v);

static const char *type_name(enum rf_type t, bool ja)
{
    switch (t) {
    case RF_OBJECT:
        return ja ? "オブジェクト（{…}）" : "an object";
    case RF_ARRAY:
        return ja ? "配列（[…]）" : "an array";
    case RF_INTEGER:
        return ja ? "整数" : "a whole number";
    case RF_NUMBER:
        return ja ? "数値" : "a number";
    case RF_BOOL:
        return ja ? "true 又は false" : "true or false";
    default:
        return ja ? "文字列" : "a string";
    }
}

static void type_error(struct schema_walk *c, enum rf_type t)
{
    char en[96], ja[96];
    snprintf(en, sizeof(en), "must be %s", type_name(t, false));
    snprintf(ja, sizeof(ja), "%sで指定してください", type_name(t, true));
    emit(c, "type", en, ja);
}

static void unknown_member(struct schema_walk *c)
{
    const struct rf_msg *u = c->run->unknown;
    if (u)
        emit(c, u->code, u->en, u->ja);
    else
        emit(c, "unknown_field", "is not a recognised field", "認識できない項目です");
}

static void check_object(struct schema_walk *c, const struct rf_field *f, const json_t *obj)
{
    const char *key;
    json_t *val;
    size_t saved;
    json_object_foreach((json_t *)obj, key, val)
    {
        if (schema_member(f, key, strlen(key)))
            continue;
        push(c, NULL, key, -1, &saved);
        unknown_member(c);
        pop(c, saved);
    }
    for (const struct rf_field *m = f->fields; m->name; m++) {
        const json_t *v = json_object_get(obj, m->name);
        push(c, m, m->name, -1, &saved);
        if (!v && (m->flags & RF_REQUIRED))
            emit(c, "required", "is required", "必須項目です");
        else if (v)
            check_value(c, m, v);
        pop(c, saved);
    }
}

static void check_unique(struct schema_walk *c, const json_t *arr, const struct rf_msg *msg)
{
    size_t n = json_array_size(arr), saved;
    for (size_t i = 1; i < n; i++) {
        for (size_t k = 0; k < i; k++) {
            if (!json_equal(json_array_get(arr, i), json_array_get(arr, k)))
                continue;
            char en[96], ja[96];
            snprintf(en, sizeof(en), "repeats item #%zu", k + 1);
            snprintf(ja, sizeof(ja), "%zu件目と重複しています", k + 1);
            push(c, NULL, "", (long)i, &saved);
            if (msg)
                emit(c, msg->code, msg->en, msg->ja);
            else
                emit(c, "duplicate_item", en, ja);
            pop(c, saved);
            break;
        }
    }
}

static void check_array(struct schema_walk *c, const struct rf_field *f, const json_t *arr)
{
    size_t n = json_array_size(arr), saved;
    int64_t max = MIN(schema_field_max(f), c->lim->max_array_items);
    char en[128], ja[128];
    if ((int64_t)n > max) {
        snprintf(en, sizeof(en), "has %zu items; at most %lld are allowed", n, (long long)max);
        snprintf(ja, sizeof(ja), "%zu件あります。%lld件以内にしてください", n, (long long)max);
        emit(c, "too_many_items", en, ja);
        return; /* do not walk what we refuse to store */
    }
    if ((int64_t)n < f->min) {
        snprintf(en, sizeof(en), "needs at least %lld item(s)", (long long)f->min);
        snprintf(ja, sizeof(ja), "%lld件以上指定してください", (long long)f->min);
        emit(c, "too_few_items", en, ja);
    }
    for (size_t i = 0; i < n; i++) {
        push(c, NULL, "", (long)i, &saved);
        check_value(c, f->fields, json_array_get(arr, i));
        pop(c, saved);
    }
    if (f->flags & RF_UNIQUE)
        check_unique(c, arr, NULL);
}

/* Members of a map are named by data: each is shown by its name and checked against the item. */
static void check_map(struct schema_walk *c, const struct rf_field *f, const json_t *obj)
{
    size_t n = json_object_size(obj), saved;
    int64_t max = MIN(schema_field_max(f), c->lim->max_array_items);
    char en[128], ja[128];
    const char *key;
    json_t *val;
    if ((int64_t)n > max) {
        snprintf(en, sizeof(en), "has %zu members; at most %lld are allowed", n, (long long)max);
        snprintf(ja, sizeof(ja), "%zu件あります。%lld件以内にしてください", n, (long long)max);
        emit(c, "too_many_items", en, ja);
        return;
    }
    if ((int64_t)n < f->min) {
        snprintf(en, sizeof(en), "needs at least %lld member(s)", (long long)f->min);
        snprintf(ja, sizeof(ja), "%lld件以上指定してください", (long long)f->min);
        emit(c, "too_few_items", en, ja);
    }
    json_object_foreach((json_t *)obj, key, val)
    {
        push(c, NULL, key, -1, &saved);
        check_value(c, f->fields, val);
        pop(c, saved);
    }
}

static void enum_list(const struct rf_enum *vals, struct buf *out)
{
    for (const struct rf_enum *e = vals; e->value; e++) {
        if (out->len > 600) {
            buf_puts(out, ", …");
            return;
        }
        buf_appendf(out, "%s%s", e == vals ? "" : ", ", e->value);
    }
}

static void check_enum(struct schema_walk *c, const struct rf_field *f, const char *s)
{
    struct buf list, en, ja;
    for (const struct rf_enum *e = f->values; e->value; e++)
        if (!strcmp(e->value, s))
            return;
    buf_init(&list, 2048);
    buf_init(&en, 4096);
    buf_init(&ja, 4096);
    enum_list(f->values, &list);
    /* quote at most 80 bytes, cut at a character boundary: messages must stay valid UTF-8 */
    int q = (int)strnlen(s, 80);
    while (s[q] && q > 0 && ((unsigned char)s[q] & 0xc0) == 0x80)
        q--;
    buf_appendf(&en, "\"%.*s\" is not allowed; use one of: %s", q, s, buf_cstr(&list));
    buf_appendf(&ja, "「%.*s」は使用できません。次のいずれかを指定してください: %s", q, s,
                buf_cstr(&list));
    emit_invalid(c, f, "enum", buf_cstr(&en), buf_cstr(&ja));
    buf_release(&list);
    buf_release(&en);
    buf_release(&ja);
}

static void check_time(struct schema_walk *c, const struct rf_field *f, const char *s, size_t n)
{
    struct rtime_parsed t;
    char when[40], en[160], ja[160];
    int r = rtime_parse_rfc3339(s, n, &t);
    if (r == RTIME_ENOOFFSET) {
        emit(c, "time_offset_missing",
             "needs a UTC offset such as +09:00 or Z (-00:00, an unknown offset, is refused)",
             "+09:00 や Z のような時差（UTCオフセット）が必要です（-00:00 "
             "は不明を意味するため使用できません）");
        return;
    }
    if (r == RTIME_ERANGE) {
        emit(c, "time_invalid", "is not a real date or time", "存在しない日付・時刻です");
        return;
    }
    if (r) {
        emit(c, "time_format",
             "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-04-01T09:30:00+09:00",
             "2026-04-01T09:30:00+09:00 のような時差付きの日時（RFC 3339）で指定してください");
        return;
    }
    int64_t horizon = (f->flags & RF_FUTURE) ? 10 * 366 * 86400000LL : c->lim->future_skew_ms;
    if (t.ms > c->run->now_ms + horizon) {
        rtime_format_utc(c->run->now_ms, when, sizeof(when));
        snprintf(en, sizeof(en), "lies in the future (the server's time is %s)", when);
        snprintf(ja, sizeof(ja), "未来の日時です（サーバの現在時刻は %s）", when);
        emit(c, "time_in_future", en, ja);
    } else if (t.ms < TIME_FLOOR_MS) {
        emit(c, "time_too_old", "is before 1990-01-01", "1990年1月1日より前の日時です");
    }
}

static void check_format(struct schema_walk *c, const struct rf_field *f, const char *s, size_t n)
{
    char en[160], ja[160];
    enum fmt_result r = schema_format_check(f->format, s, n);
    if (r == FMT_CHECK_DIGIT) {
        snprintf(en, sizeof(en), "is not a valid %s: the check digit does not match",
                 schema_format_name(f->format, false));
        snprintf(ja, sizeof(ja), "%sとして正しくありません（検査用数字が一致しません）",
                 schema_format_name(f->format, true));
        emit_invalid(c, f, "check_digit", en, ja);
    } else if (r) {
        snprintf(en, sizeof(en), "is not a valid %s", schema_format_name(f->format, false));
        snprintf(ja, sizeof(ja), "%sとして正しくありません", schema_format_name(f->format, true));
        emit_invalid(c, f, "format", en, ja);
    }
}

/* Length and characters; false when a problem was reported. */
static bool check_chars(struct schema_walk *c, const struct rf_field *f, const char *s, size_t n)
{
    int64_t max = MIN(schema_field_max(f), c->lim->max_string_chars);
    bool multiline = f->type == RF_TEXT;
    char en[160], ja[160];
    size_t chars;
    if (n == 0) {
        emit(c, "empty", "must not be empty; leave the field out when it is not known",
             "空にはできません。不明な場合は項目ごと省略してください");
        return false;
    }
    chars = jsonx_utf8_len(s, n);
    if ((int64_t)chars > max) {
        snprintf(en, sizeof(en), "is %zu characters long; at most %lld are allowed", chars,
                 (long long)max);
        snprintf(ja, sizeof(ja), "%zu文字あります。%lld文字以内にしてください", chars,
                 (long long)max);
        emit(c, "too_long", en, ja);
        return false;
    }
    for (size_t i = 0; i < n && !(f->flags & RF_OPAQUE); i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 || ch == 0x7f) && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) {
            if (multiline)
                emit(c, "control_character",
                     "must not contain control characters other than line breaks and tabs",
                     "改行とタブ以外の制御文字は使用できません");
            else
                emit(c, "control_character", "must be one line without control characters",
                     "改行や制御文字は使用できません");
            return false;
        }
    }
    return true;
}

static void check_string(struct schema_walk *c, const struct rf_field *f, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!check_chars(c, f, s, n))
        return;
    switch (f->type) {
    case RF_ENUM:
    case RF_TRI:
        check_enum(c, f, s);
        break;
    case RF_TIME:
        check_time(c, f, s, n);
        break;
    case RF_DATE: {
        int64_t ms;
        if (rtime_parse_date(s, n, &ms))
            emit_invalid(c, f, "date_format", "must be a date such as 2026-04-01",
                         "2026-04-01 のような日付で指定してください");
        break;
    }
    default:
        check_format(c, f, s, n);
    }
}

static void check_number(struct schema_walk *c, const struct rf_field *f, const json_t *v)
{
    double d = json_number_value(v);
    char en[96], ja[96];
    if (d < (double)f->min) {
        snprintf(en, sizeof(en), "must be at least %lld", (long long)f->min);
        snprintf(ja, sizeof(ja), "%lld以上にしてください", (long long)f->min);
        emit_invalid(c, f, "below_minimum", en, ja);
    } else if (f->max && d > (double)f->max) {
        snprintf(en, sizeof(en), "must be at most %lld", (long long)f->max);
        snprintf(ja, sizeof(ja), "%lld以下にしてください", (long long)f->max);
        emit_invalid(c, f, "above_maximum", en, ja);
    }
}

/* Checks v against its field's type; false (reported) when v is of another JSON type. */
static bool check_typed(struct schema_walk *c, const struct rf_field *f, const json_t *v)
{
    switch (f->type) {
    case RF_OBJECT:
        if (!json_is_object(v))
            return type_error(c, RF_OBJECT), false;
        return check_object(c, f, v), true;
    case RF_ARRAY:
        if (!json_is_array(v))
            return type_error(c, RF_ARRAY), false;
        return check_array(c, f, v), true;
    case RF_MAP:
        if (!json_is_object(v))
            return type_error(c, RF_OBJECT), false;
        return check_map(c, f, v), true;
    case RF_INTEGER:
        if (!json_is_integer(v))
            return type_error(c, RF_INTEGER), false;
        return check_number(c, f, v), true;
    case RF_NUMBER:
        if (!json_is_number(v))
            return type_error(c, RF_NUMBER), false;
        return check_number(c, f, v), true;
    case RF_BOOL:
        if (!json_is_boolean(v))
            return type_error(c, RF_BOOL), false;
        return true;
    default:
        if (!json_is_string(v))
            return type_error(c, RF_STRING), false;
        return check_string(c, f, v), true;
    }
}

static void check_value(struct schema_walk *c, const struct rf_field *f, const json_t *v)
{
    size_t start = problems(c->errs);
    const struct rf_field *saved_field;
    size_t saved_start;
    if (!check_typed(c, f, v) || !f->check)
        return;
    saved_field = c->field;
    saved_start = c->value_start;
    c->field = f;
    c->value_start = start;
    f->check(c, f, v);
    c->field = saved_field;
    c->value_start = saved_start;
}

/* ---- hooks' interface ---- */

bool schema_walk_ok(const struct schema_walk *w)
{
    return problems(w->errs) == w->value_start;
}

void *schema_walk_user(const struct schema_walk *w)
{
    return w->run->user;
}

const json_t *schema_walk_doc(const struct schema_walk *w)
{
    return w->doc;
}

void schema_walk_emit(struct schema_walk *w, const char *code, const char *en, const char *ja)
{
    emit(w, code, en, ja);
}

void schema_walk_emit_member(struct schema_walk *w, const char *key, const char *code,
                             const char *en, const char *ja)
{
    size_t saved;
    push(w, schema_member(w->field, key, strlen(key)), key, -1, &saved);
    emit(w, code, en, ja);
    pop(w, saved);
}

void schema_walk_emit_item(struct schema_walk *w, size_t i, const char *key, const char *code,
                           const char *en, const char *ja)
{
    const struct rf_field *item = w->field && w->field->type == RF_ARRAY ? w->field->fields : NULL;
    size_t saved, saved2;
    push(w, NULL, "", (long)i, &saved);
    if (key) {
        push(w, schema_member(item, key, strlen(key)), key, -1, &saved2);
        emit(w, code, en, ja);
        pop(w, saved2);
    } else {
        emit(w, code, en, ja);
    }
    pop(w, saved);
}

void schema_walk_unique(struct schema_walk *w, const json_t *arr, const struct rf_msg *msg)
{
    check_unique(w, arr, msg);
}

/* ---- the walk ---- */

size_t schema_run(const struct schema_run *run, const json_t *doc, struct verr_list *errs)
{
    struct schema_limits def;
    struct schema_walk c = {.run = run, .lim = run->lim, .doc = doc, .errs = errs};
    size_t before = problems(errs);
    if (!c.lim) {
        schema_limits_default(&def);
        c.lim = &def;
    }
    buf_init(&c.ptr, 64 * 1024);
    buf_puts(&c.ptr, run->base ? run->base : "");
    if (!json_is_object(doc))
        emit(&c, "type", "the document must be a JSON object",
             "JSONオブジェクトで指定してください");
    else
        check_value(&c, run->root, doc);
    buf_release(&c.ptr);
    return problems(errs) - before;
}

size_t schema_check(const struct rf_field *root, const json_t *doc, const struct schema_limits *lim,
                    int64_t now_ms, struct verr_list *errs)
{
    struct schema_run run = {.root = root, .lim = lim, .now_ms = now_ms};
    return schema_run(&run, doc, errs);
}
