/*
 * calendar_json.c — validates a calendar document (docs/rules-format-spec.md, "Calendars") and
 * fills a struct calendar from it. Every problem is reported with a JSON Pointer; nothing stops
 * at the first (STYLE.md, Errors). Values that fail are left unset, and the calendar is only
 * built when the document added no problem.
 */
#include "calendar_int.h"
#include "../core/buf.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/tz.h"

#define ID_MAX 80
#define PTR_MAX 256

struct vctx {
    struct verr_list *errs;
    size_t before; /* problems in errs when this document's validation started */
};

enum kind { K_STR, K_OBJ, K_ARR, K_INT, K_BOOL };

static const char *const top_keys[] = {
    "format",   "id",       "version", "title", "timezone",     "weekend", "years",
    "holidays", "closures", "sources", "notes", "verification", NULL};
static const char *const text_keys[] = {"ja", "en", NULL};
static const char *const years_keys[] = {"from", "to", NULL};
static const char *const holiday_keys[] = {"date", "name", "provisional", NULL};
static const char *const closure_keys[] = {"from", "to", "name", NULL};
static const char *const source_keys[] = {"title", "url", "note", NULL};
static const char *const verification_keys[] = {"marker", "note", NULL};

/* ---- reporting ---- */

static void bad(struct vctx *v, const char *ptr, const char *code, const char *en, const char *ja)
{
    verr_add(v->errs, ptr, code, en, ja);
}

/* Pointers built here are a fixed key path plus array indexes, far below PTR_MAX. */
static void ptr_key(char *out, const char *base, const char *key)
{
    int r = snprintf(out, PTR_MAX, "%s/%s", base, key);
    BUG_ON(r < 0 || r >= PTR_MAX);
}

static void ptr_index(char *out, const char *base, size_t i)
{
    int r = snprintf(out, PTR_MAX, "%s/%zu", base, i);
    BUG_ON(r < 0 || r >= PTR_MAX);
}

static const char *kind_en(enum kind k)
{
    static const char *const names[] = {"a string", "an object", "an array", "a whole number",
                                        "true or false"};
    return names[k];
}

static const char *kind_ja(enum kind k)
{
    static const char *const names[] = {"文字列", "オブジェクト（{…}）", "配列（[…]）", "整数",
                                        "true 又は false"};
    return names[k];
}

static bool is_kind(const json_t *j, enum kind k)
{
    switch (k) {
    case K_STR:
        return json_is_string(j);
    case K_OBJ:
        return json_is_object(j);
    case K_ARR:
        return json_is_array(j);
    case K_INT:
        return json_is_integer(j);
    default:
        return json_is_boolean(j);
    }
}

static void type_error(struct vctx *v, const char *ptr, enum kind k)
{
    char en[64], ja[96];
    snprintf(en, sizeof(en), "must be %s", kind_en(k));
    snprintf(ja, sizeof(ja), "%sで指定してください", kind_ja(k));
    bad(v, ptr, "type", en, ja);
}

/* ---- generic members ---- */

/* obj[key] when present and of kind k (borrowed); reports a missing required member or a
 * wrong type and returns NULL. */
static const json_t *member(struct vctx *v, const json_t *obj, const char *base, const char *key,
                            enum kind k, bool required)
{
    char ptr[PTR_MAX];
    const json_t *j = json_object_get(obj, key);
    ptr_key(ptr, base, key);
    if (!j) {
        if (required)
            bad(v, ptr, "required", "is required", "必須項目です");
        return NULL;
    }
    if (!is_kind(j, k)) {
        type_error(v, ptr, k);
        return NULL;
    }
    return j;
}

/* A required, non-empty string member. */
static const char *nonempty(struct vctx *v, const json_t *obj, const char *base, const char *key)
{
    char ptr[PTR_MAX];
    const json_t *j = member(v, obj, base, key, K_STR, true);
    if (!j)
        return NULL;
    if (json_string_length(j) == 0) {
        ptr_key(ptr, base, key);
        bad(v, ptr, "empty", "must not be empty", "空にできません");
        return NULL;
    }
    return json_string_value(j);
}

static void check_members(struct vctx *v, const json_t *obj, const char *base,
                          const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        const char *const *a = allowed;
        struct buf p;
        while (*a && strcmp(*a, key))
            a++;
        if (*a)
            continue;
        buf_init(&p, 1024);
        buf_puts(&p, base);
        jsonx_ptr_push(&p, key, strlen(key));
        bad(v, buf_cstr(&p), "unknown_field", "is not a member of calendar format 1",
            "カレンダー形式第1版にない項目です");
        buf_release(&p);
    }
}

/* A {ja, en} text member; on success the two strings are copied into *ja / *en (may be NULL). */
static bool text(struct vctx *v, const json_t *obj, const char *base, const char *key,
                 bool required, char **ja, char **en)
{
    char ptr[PTR_MAX];
    const json_t *t = member(v, obj, base, key, K_OBJ, required);
    const char *sja, *sen;
    if (!t)
        return false;
    ptr_key(ptr, base, key);
    check_members(v, t, ptr, text_keys);
    sja = nonempty(v, t, ptr, "ja");
    sen = nonempty(v, t, ptr, "en");
    if (!sja || !sen)
        return false;
    if (ja)
        *ja = xstrdup(sja);
    if (en)
        *en = xstrdup(sen);
    return true;
}

/* ---- top-level members ---- */

static void check_format(struct vctx *v, const json_t *doc)
{
    const json_t *j = member(v, doc, "", "format", K_STR, true);
    if (j && strcmp(json_string_value(j), CALENDAR_FORMAT) != 0)
        bad(v, "/format", "format", "must be \"" CALENDAR_FORMAT "\"",
            "\"" CALENDAR_FORMAT "\" を指定してください");
}

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ID_MAX || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return false;
    }
    return true;
}

static void check_id(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *j = member(v, doc, "", "id", K_STR, true);
    if (!j)
        return;
    if (!id_ok(json_string_value(j))) {
        bad(v, "/id", "pattern",
            "must be 1–80 characters [a-z0-9._-], starting with a letter or digit",
            "英小文字・数字・「._-」の1〜80文字（先頭は英小文字又は数字）で指定してください");
        return;
    }
    c->id = xstrdup(json_string_value(j));
}

/* Parses "YYYY-MM-DD" into a day number. Returns 0 or -1. */
static int parse_day(const char *s, int64_t *day)
{
    int64_t ms;
    if (rtime_parse_date(s, strlen(s), &ms) != RTIME_OK)
        return -1;
    *day = ms / 86400000;
    return 0;
}

static void check_version(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *j = member(v, doc, "", "version", K_STR, true);
    int64_t day;
    if (!j)
        return;
    if (parse_day(json_string_value(j), &day)) {
        bad(v, "/version", "date", "must be the date of this version, YYYY-MM-DD",
            "この版の日付を YYYY-MM-DD 形式で指定してください");
        return;
    }
    c->version = xstrdup(json_string_value(j));
}

static void check_timezone(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *j = member(v, doc, "", "timezone", K_STR, true);
    if (!j)
        return;
    if (!tz_name_valid(json_string_value(j))) {
        bad(v, "/timezone", "pattern", "must be an IANA time zone name such as \"Asia/Tokyo\"",
            "\"Asia/Tokyo\" のような IANA タイムゾーン名で指定してください");
        return;
    }
    c->timezone = xstrdup(json_string_value(j));
}

static void check_weekend(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *arr = member(v, doc, "", "weekend", K_ARR, true);
    char ptr[PTR_MAX];
    if (!arr)
        return;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *w = json_array_get(arr, i);
        json_int_t d = json_is_integer(w) ? json_integer_value(w) : 0;
        ptr_index(ptr, "/weekend", i);
        if (d < 1 || d > 7)
            bad(v, ptr, "range", "must be an ISO weekday, 1 (Monday) to 7 (Sunday)",
                "ISO 曜日番号 1（月曜日）〜7（日曜日）で指定してください");
        else if (c->weekend & (1u << (d - 1)))
            bad(v, ptr, "duplicate", "repeats a weekday already listed",
                "既に指定された曜日と重複しています");
        else
            c->weekend |= 1u << (d - 1);
    }
}

static bool year_ok(struct vctx *v, const json_t *years, const char *key, int *out)
{
    char ptr[PTR_MAX];
    const json_t *j = member(v, years, "/years", key, K_INT, true);
    if (!j)
        return false;
    if (json_integer_value(j) < CALENDAR_YEAR_MIN || json_integer_value(j) > CALENDAR_YEAR_MAX) {
        ptr_key(ptr, "/years", key);
        bad(v, ptr, "range", "must be a year from 1900 to 2200",
            "1900年から2200年までの年で指定してください");
        return false;
    }
    *out = (int)json_integer_value(j);
    return true;
}

/* Returns true when both years are valid (holiday dates can then be range-checked). */
static bool check_years(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *y = member(v, doc, "", "years", K_OBJ, true);
    bool ok;
    if (!y)
        return false;
    check_members(v, y, "/years", years_keys);
    ok = year_ok(v, y, "from", &c->year_from);
    ok = year_ok(v, y, "to", &c->year_to) && ok;
    if (ok && c->year_from > c->year_to) {
        bad(v, "/years/to", "order", "must not be earlier than \"from\"",
            "\"from\" より前の年は指定できません");
        return false;
    }
    return ok;
}

/* ---- holidays ---- */

static void check_holiday_date(struct vctx *v, const json_t *h, const char *base,
                               struct calendar *c, bool years_ok, int64_t *prev, int64_t *day)
{
    char ptr[PTR_MAX], en[128], ja[128];
    const json_t *j = member(v, h, base, "date", K_STR, true);
    int64_t y;
    unsigned m, d;
    if (!j)
        return;
    ptr_key(ptr, base, "date");
    if (parse_day(json_string_value(j), day)) {
        bad(v, ptr, "date", "must be a valid date YYYY-MM-DD",
            "存在する日付を YYYY-MM-DD 形式で指定してください");
        return;
    }
    rtime_civil_from_days(*day, &y, &m, &d);
    if (years_ok && (y < c->year_from || y > c->year_to)) {
        snprintf(en, sizeof(en), "lies outside the calendar's years (%d–%d)", c->year_from,
                 c->year_to);
        snprintf(ja, sizeof(ja), "対象期間（%d年〜%d年）外の日付です", c->year_from, c->year_to);
        bad(v, ptr, "range", en, ja);
    }
    if (*day == *prev)
        bad(v, ptr, "duplicate", "repeats the previous holiday's date", "直前の休日と同じ日付です");
    else if (*day < *prev)
        bad(v, ptr, "order", "is earlier than the previous holiday (list holidays in date order)",
            "直前の休日より前の日付です（日付順に並べてください）");
    *prev = MAX(*prev, *day);
}

static void check_holidays(struct vctx *v, const json_t *doc, struct calendar *c, bool years_ok)
{
    const json_t *arr = member(v, doc, "", "holidays", K_ARR, true);
    int64_t prev = INT64_MIN;
    char base[PTR_MAX];
    if (!arr)
        return;
    if (json_array_size(arr) > CALENDAR_HOLIDAYS_MAX) {
        bad(v, "/holidays", "too_many_items", "has more than 20000 items", "20000件を超えています");
        return;
    }
    c->nhol = json_array_size(arr);
    c->hol = xcalloc(c->nhol, sizeof(*c->hol));
    for (size_t i = 0; i < c->nhol; i++) {
        const json_t *h = json_array_get(arr, i);
        const json_t *p;
        ptr_index(base, "/holidays", i);
        if (!json_is_object(h)) {
            type_error(v, base, K_OBJ);
            continue;
        }
        check_members(v, h, base, holiday_keys);
        check_holiday_date(v, h, base, c, years_ok, &prev, &c->hol[i].day);
        text(v, h, base, "name", true, &c->hol[i].ja, &c->hol[i].en);
        p = member(v, h, base, "provisional", K_BOOL, false);
        c->hol[i].provisional = p && json_is_true(p);
    }
}

/* ---- closures ---- */

/* "MM-DD" (February 29 allowed: it is simply absent in common years) -> month * 100 + day. */
static int parse_month_day(const char *s, int *out)
{
    int m, d;
    if (strlen(s) != 5 || s[2] != '-')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    d = (s[3] - '0') * 10 + (s[4] - '0');
    if (m < 1 || m > 12 || d < 1 || d > rtime_days_in_month(2000, (unsigned)m))
        return -1;
    *out = m * 100 + d;
    return 0;
}

static void check_month_day(struct vctx *v, const json_t *k, const char *base, const char *key,
                            int *out)
{
    char ptr[PTR_MAX];
    const json_t *j = member(v, k, base, key, K_STR, true);
    if (!j)
        return;
    if (parse_month_day(json_string_value(j), out)) {
        ptr_key(ptr, base, key);
        bad(v, ptr, "date", "must be a month and day MM-DD, e.g. \"12-29\"",
            "\"12-29\" のような MM-DD 形式の月日で指定してください");
    }
}

static void check_closures(struct vctx *v, const json_t *doc, struct calendar *c)
{
    const json_t *arr = member(v, doc, "", "closures", K_ARR, false);
    char base[PTR_MAX];
    if (!arr)
        return;
    if (json_array_size(arr) > CALENDAR_CLOSURES_MAX) {
        bad(v, "/closures", "too_many_items", "has more than 64 items", "64件を超えています");
        return;
    }
    c->nclo = json_array_size(arr);
    c->clo = xcalloc(c->nclo, sizeof(*c->clo));
    for (size_t i = 0; i < c->nclo; i++) {
        const json_t *k = json_array_get(arr, i);
        ptr_index(base, "/closures", i);
        if (!json_is_object(k)) {
            type_error(v, base, K_OBJ);
            continue;
        }
        check_members(v, k, base, closure_keys);
        check_month_day(v, k, base, "from", &c->clo[i].from);
        check_month_day(v, k, base, "to", &c->clo[i].to);
        text(v, k, base, "name", true, &c->clo[i].ja, &c->clo[i].en);
    }
}

/* ---- provenance: sources, notes, verification ---- */

static void check_source(struct vctx *v, const json_t *s, const char *base)
{
    char ptr[PTR_MAX];
    const char *url;
    if (!json_is_object(s)) {
        type_error(v, base, K_OBJ);
        return;
    }
    check_members(v, s, base, source_keys);
    (void)nonempty(v, s, base, "title");
    (void)member(v, s, base, "note", K_STR, false);
    url = nonempty(v, s, base, "url");
    if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        ptr_key(ptr, base, "url");
        bad(v, ptr, "format", "must be an http(s) URL", "http(s) の URL で指定してください");
    }
}

static void check_sources(struct vctx *v, const json_t *doc)
{
    const json_t *arr = member(v, doc, "", "sources", K_ARR, true);
    char base[PTR_MAX];
    if (!arr)
        return;
    if (json_array_size(arr) == 0)
        bad(v, "/sources", "too_few_items", "must cite at least one source",
            "出典を1件以上指定してください");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        ptr_index(base, "/sources", i);
        check_source(v, json_array_get(arr, i), base);
    }
}

static void check_verification(struct vctx *v, const json_t *doc)
{
    const json_t *arr = member(v, doc, "", "verification", K_ARR, false);
    char base[PTR_MAX], ptr[PTR_MAX];
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        const json_t *x = json_array_get(arr, i);
        const char *marker;
        ptr_index(base, "/verification", i);
        if (!json_is_object(x)) {
            type_error(v, base, K_OBJ);
            continue;
        }
        check_members(v, x, base, verification_keys);
        marker = nonempty(v, x, base, "marker");
        if (marker && strcmp(marker, "VERIFY") != 0 && strcmp(marker, "UNCONFIRMED") != 0) {
            ptr_key(ptr, base, "marker");
            bad(v, ptr, "enum", "must be \"VERIFY\" or \"UNCONFIRMED\"",
                "\"VERIFY\" 又は \"UNCONFIRMED\" を指定してください");
        }
        text(v, x, base, "note", true, NULL, NULL);
    }
}

/* ---- the document ---- */

static size_t problems(const struct verr_list *l)
{
    return l->n + l->dropped;
}

struct calendar *calendar_from_json(const json_t *doc, struct verr_list *errs)
{
    struct vctx v = {errs, problems(errs)};
    struct calendar *c;
    bool years_ok;

    if (!json_is_object(doc)) {
        type_error(&v, "", K_OBJ);
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    check_members(&v, doc, "", top_keys);
    check_format(&v, doc);
    check_id(&v, doc, c);
    check_version(&v, doc, c);
    text(&v, doc, "", "title", true, &c->title_ja, &c->title_en);
    check_timezone(&v, doc, c);
    check_weekend(&v, doc, c);
    years_ok = check_years(&v, doc, c);
    check_holidays(&v, doc, c, years_ok);
    check_closures(&v, doc, c);
    check_sources(&v, doc);
    text(&v, doc, "", "notes", false, NULL, NULL);
    check_verification(&v, doc);
    if (problems(errs) != v.before) {
        calendar_free(c);
        return NULL;
    }
    cal_build(c);
    return c;
}
