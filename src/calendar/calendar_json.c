/*
 * calendar_json.c — the calendar file format (docs/rules-format-spec.md, "Calendars") as a
 * field table on the validation engine (src/schema/), the checks a table cannot say as hooks
 * (identifier and time-zone syntax, month-days, weekdays, the order of years and of holidays),
 * and the filling of a struct calendar from a valid document. Every problem is reported with
 * a JSON Pointer; nothing stops at the first (STYLE.md, Errors). The calendar is only built
 * when the document added no problem.
 *
 * Codes are those the format has always had: "pattern" (id, timezone), "date", "range",
 * "duplicate", "order" and "format", besides the engine's own (required, type, empty, enum,
 * unknown_field, too_few_items, too_many_items …).
 */
#include "calendar_int.h"
#include "../core/rtime.h"
#include "../core/tz.h"
#include "../schema/schema.h"

#define ID_MAX 80
#define NAME_MAX 500 /* a title, a holiday's or a source's name */

/* ---- hooks ---- */

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

static void check_id(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && !id_ok(json_string_value(v)))
        schema_walk_emit(w, "pattern",
                         "must be 1–80 characters [a-z0-9._-], starting with a letter or digit",
                         "英小文字・数字・「._-」の1〜80文字（先頭は英小文字又は数字）で指定してく"
                         "ださい");
}

/* The syntax only: whether the tz database has the zone is the loader's check. */
static void check_timezone(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && !tz_name_valid(json_string_value(v)))
        schema_walk_emit(w, "pattern", "must be an IANA time zone name such as \"Asia/Tokyo\"",
                         "\"Asia/Tokyo\" のような IANA タイムゾーン名で指定してください");
}

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

static void check_month_day(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    int md;
    (void)f;
    if (schema_walk_ok(w) && parse_month_day(json_string_value(v), &md))
        schema_walk_emit(w, "date", "must be a month and day MM-DD, e.g. \"12-29\"",
                         "\"12-29\" のような MM-DD 形式の月日で指定してください");
}

static void check_url(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    const char *url = json_string_value(v);
    (void)f;
    if (schema_walk_ok(w) && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        schema_walk_emit(w, "format", "must be an http(s) URL",
                         "http(s) の URL で指定してください");
}

static const struct rf_msg weekday_msg = {
    "range", "must be an ISO weekday, 1 (Monday) to 7 (Sunday)",
    "ISO 曜日番号 1（月曜日）〜7（日曜日）で指定してください"};

/* A number from 1 to 7 that is not whole (6.5) is no weekday either. */
static void check_weekday(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && !json_is_integer(v))
        schema_walk_emit(w, weekday_msg.code, weekday_msg.en, weekday_msg.ja);
}

/* A weekday listed twice (among the valid ones, whatever problems the others have). */
static void check_weekend(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    unsigned seen = 0;
    (void)f;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *d = json_array_get(v, i);
        json_int_t n = json_is_integer(d) ? json_integer_value(d) : 0;
        if (n < 1 || n > 7)
            continue;
        if (seen & (1u << (n - 1)))
            schema_walk_emit_item(w, i, NULL, "duplicate", "repeats a weekday already listed",
                                  "既に指定された曜日と重複しています");
        seen |= 1u << (n - 1);
    }
}

static void check_years(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && json_integer_value(json_object_get(v, "from")) >
                                 json_integer_value(json_object_get(v, "to")))
        schema_walk_emit_member(w, "to", "order", "must not be earlier than \"from\"",
                                "\"from\" より前の年は指定できません");
}

/* The calendar's years when both are valid and in order (holiday dates are then checked
 * against them). */
static bool years_of(const json_t *doc, int *from, int *to)
{
    const json_t *y = json_object_get(doc, "years");
    const json_t *f = json_object_get(y, "from"), *t = json_object_get(y, "to");
    json_int_t a = json_integer_value(f), b = json_integer_value(t);
    if (!json_is_integer(f) || !json_is_integer(t) || a < CALENDAR_YEAR_MIN ||
        b > CALENDAR_YEAR_MAX || a > b)
        return false;
    *from = (int)a;
    *to = (int)b;
    return true;
}

/* Parses "YYYY-MM-DD" into a day number. Returns 0 or -1. */
static int parse_day(const json_t *v, int64_t *day)
{
    int64_t ms;
    if (!json_is_string(v) ||
        rtime_parse_date(json_string_value(v), json_string_length(v), &ms) != RTIME_OK)
        return -1;
    *day = ms / 86400000;
    return 0;
}

static void holiday_date(struct schema_walk *w, size_t i, int64_t day, int64_t prev, int from,
                         int to)
{
    char en[128], ja[128];
    int64_t y;
    unsigned m, d;
    rtime_civil_from_days(day, &y, &m, &d);
    if (from && (y < from || y > to)) {
        snprintf(en, sizeof(en), "lies outside the calendar's years (%d–%d)", from, to);
        snprintf(ja, sizeof(ja), "対象期間（%d年〜%d年）外の日付です", from, to);
        schema_walk_emit_item(w, i, "date", "range", en, ja);
    }
    if (day == prev)
        schema_walk_emit_item(w, i, "date", "duplicate", "repeats the previous holiday's date",
                              "直前の休日と同じ日付です");
    else if (day < prev)
        schema_walk_emit_item(w, i, "date", "order",
                              "is earlier than the previous holiday (list holidays in date order)",
                              "直前の休日より前の日付です（日付順に並べてください）");
}

/* Holidays in strictly ascending order, within the years: across items, so on the array. */
static void check_holidays(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    int from = 0, to = 0;
    int64_t prev = INT64_MIN, day;
    if ((int64_t)json_array_size(v) > f->max)
        return; /* refused as a whole */
    if (!years_of(schema_walk_doc(w), &from, &to))
        from = to = 0;
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (parse_day(json_object_get(json_array_get(v, i), "date"), &day))
            continue;
        holiday_date(w, i, day, prev, from, to);
        prev = MAX(prev, day);
    }
}

/* ---- the table ---- */

static const struct rf_field name_fields[] = {{.name = "ja",
                                               .type = RF_STRING,
                                               .flags = RF_REQUIRED,
                                               .max = NAME_MAX,
                                               .ja = "日本語",
                                               .en = "Japanese"},
                                              {.name = "en",
                                               .type = RF_STRING,
                                               .flags = RF_REQUIRED,
                                               .max = NAME_MAX,
                                               .ja = "英語",
                                               .en = "English"},
                                              {0}};

static const struct rf_field note_fields[] = {
    {.name = "ja", .type = RF_TEXT, .flags = RF_REQUIRED, .ja = "日本語", .en = "Japanese"},
    {.name = "en", .type = RF_TEXT, .flags = RF_REQUIRED, .ja = "英語", .en = "English"},
    {0}};

static const struct rf_enum format_values[] = {
    {CALENDAR_FORMAT, "カレンダー形式第1版", "calendar format 1"}, {0}};
static const struct rf_msg format_msg = {"format", "must be \"" CALENDAR_FORMAT "\"",
                                         "\"" CALENDAR_FORMAT "\" を指定してください"};
static const struct rf_msg version_msg = {"date", "must be the date of this version, YYYY-MM-DD",
                                          "この版の日付を YYYY-MM-DD 形式で指定してください"};
static const struct rf_msg date_msg = {"date", "must be a valid date YYYY-MM-DD",
                                       "存在する日付を YYYY-MM-DD 形式で指定してください"};
static const struct rf_msg year_msg = {"range", "must be a year from 1900 to 2200",
                                       "1900年から2200年までの年で指定してください"};

static const struct rf_field weekday = {.type = RF_NUMBER,
                                        .min = 1,
                                        .max = 7,
                                        .ja = "曜日",
                                        .en = "weekday",
                                        .invalid = &weekday_msg,
                                        .check = check_weekday};

static const struct rf_field year_fields[] = {{.name = "from",
                                               .type = RF_INTEGER,
                                               .flags = RF_REQUIRED,
                                               .min = CALENDAR_YEAR_MIN,
                                               .max = CALENDAR_YEAR_MAX,
                                               .ja = "開始年",
                                               .en = "first year",
                                               .invalid = &year_msg},
                                              {.name = "to",
                                               .type = RF_INTEGER,
                                               .flags = RF_REQUIRED,
                                               .min = CALENDAR_YEAR_MIN,
                                               .max = CALENDAR_YEAR_MAX,
                                               .ja = "終了年",
                                               .en = "last year",
                                               .invalid = &year_msg},
                                              {0}};

static const struct rf_field holiday_fields[] = {
    {.name = "date",
     .type = RF_DATE,
     .flags = RF_REQUIRED,
     .ja = "日付",
     .en = "date",
     .invalid = &date_msg},
    {.name = "name",
     .type = RF_OBJECT,
     .flags = RF_REQUIRED,
     .fields = name_fields,
     .ja = "名称",
     .en = "name"},
    {.name = "provisional", .type = RF_BOOL, .ja = "暫定", .en = "provisional"},
    {0}};
static const struct rf_field holiday = {
    .type = RF_OBJECT, .fields = holiday_fields, .ja = "休日", .en = "holiday"};

static const struct rf_field closure_fields[] = {{.name = "from",
                                                  .type = RF_STRING,
                                                  .flags = RF_REQUIRED,
                                                  .ja = "開始月日",
                                                  .en = "from",
                                                  .check = check_month_day},
                                                 {.name = "to",
                                                  .type = RF_STRING,
                                                  .flags = RF_REQUIRED,
                                                  .ja = "終了月日",
                                                  .en = "to",
                                                  .check = check_month_day},
                                                 {.name = "name",
                                                  .type = RF_OBJECT,
                                                  .flags = RF_REQUIRED,
                                                  .fields = name_fields,
                                                  .ja = "名称",
                                                  .en = "name"},
                                                 {0}};
static const struct rf_field closure = {
    .type = RF_OBJECT, .fields = closure_fields, .ja = "閉庁期間", .en = "closure"};

static const struct rf_field source_fields[] = {
    {.name = "title",
     .type = RF_STRING,
     .flags = RF_REQUIRED,
     .max = NAME_MAX,
     .ja = "題名",
     .en = "title"},
    {.name = "url",
     .type = RF_STRING,
     .flags = RF_REQUIRED,
     .max = 2000,
     .ja = "URL",
     .en = "URL",
     .check = check_url},
    {.name = "note", .type = RF_TEXT, .ja = "注記", .en = "note"},
    {0}};
static const struct rf_field source = {
    .type = RF_OBJECT, .fields = source_fields, .ja = "出典", .en = "source"};

static const struct rf_enum marker_values[] = {
    {"VERIFY", "要確認", "to verify"}, {"UNCONFIRMED", "未確認", "unconfirmed"}, {0}};
static const struct rf_field verification_fields[] = {{.name = "marker",
                                                       .type = RF_ENUM,
                                                       .flags = RF_REQUIRED,
                                                       .values = marker_values,
                                                       .ja = "区分",
                                                       .en = "marker"},
                                                      {.name = "note",
                                                       .type = RF_OBJECT,
                                                       .flags = RF_REQUIRED,
                                                       .fields = note_fields,
                                                       .ja = "注記",
                                                       .en = "note"},
                                                      {0}};
static const struct rf_field verification = {
    .type = RF_OBJECT, .fields = verification_fields, .ja = "確認事項", .en = "verification"};

static const struct rf_field calendar_fields[] = {
    {.name = "format",
     .type = RF_ENUM,
     .flags = RF_REQUIRED,
     .values = format_values,
     .ja = "形式",
     .en = "format",
     .invalid = &format_msg},
    {.name = "id",
     .type = RF_STRING,
     .flags = RF_REQUIRED,
     .ja = "ID",
     .en = "id",
     .check = check_id},
    {.name = "version",
     .type = RF_DATE,
     .flags = RF_REQUIRED,
     .ja = "版",
     .en = "version",
     .invalid = &version_msg},
    {.name = "title",
     .type = RF_OBJECT,
     .flags = RF_REQUIRED,
     .fields = name_fields,
     .ja = "名称",
     .en = "title"},
    {.name = "timezone",
     .type = RF_STRING,
     .flags = RF_REQUIRED,
     .ja = "タイムゾーン",
     .en = "time zone",
     .check = check_timezone},
    {.name = "weekend",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &weekday,
     .ja = "週末",
     .en = "weekend",
     .check = check_weekend},
    {.name = "years",
     .type = RF_OBJECT,
     .flags = RF_REQUIRED,
     .fields = year_fields,
     .ja = "対象年",
     .en = "years",
     .check = check_years},
    {.name = "holidays",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &holiday,
     .max = CALENDAR_HOLIDAYS_MAX,
     .ja = "休日",
     .en = "holidays",
     .check = check_holidays},
    {.name = "closures",
     .type = RF_ARRAY,
     .fields = &closure,
     .max = CALENDAR_CLOSURES_MAX,
     .ja = "閉庁期間",
     .en = "closures"},
    {.name = "sources",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &source,
     .min = 1,
     .ja = "出典",
     .en = "sources"},
    {.name = "notes", .type = RF_OBJECT, .fields = note_fields, .ja = "注記", .en = "notes"},
    {.name = "verification",
     .type = RF_ARRAY,
     .fields = &verification,
     .ja = "確認事項",
     .en = "verification"},
    {0}};

static const struct rf_field calendar_root = {
    .type = RF_OBJECT, .fields = calendar_fields, .ja = "カレンダー", .en = "calendar"};

static const struct rf_msg unknown_member = {
    "unknown_field", "is not a member of calendar format 1", "カレンダー形式第1版にない項目です"};

/* ---- building a calendar from a valid document ---- */

static void names_of(const json_t *o, char **ja, char **en)
{
    *ja = xstrdup(json_string_value(json_object_get(o, "ja")));
    *en = xstrdup(json_string_value(json_object_get(o, "en")));
}

static struct calendar *build(const json_t *doc)
{
    struct calendar *c = xcalloc(1, sizeof(*c));
    const json_t *hol = json_object_get(doc, "holidays"), *clo = json_object_get(doc, "closures");
    const json_t *wk = json_object_get(doc, "weekend");
    c->id = xstrdup(json_string_value(json_object_get(doc, "id")));
    c->version = xstrdup(json_string_value(json_object_get(doc, "version")));
    c->timezone = xstrdup(json_string_value(json_object_get(doc, "timezone")));
    names_of(json_object_get(doc, "title"), &c->title_ja, &c->title_en);
    for (size_t i = 0; i < json_array_size(wk); i++)
        c->weekend |= 1u << (json_integer_value(json_array_get(wk, i)) - 1);
    years_of(doc, &c->year_from, &c->year_to);
    c->nhol = json_array_size(hol);
    c->hol = xcalloc(c->nhol, sizeof(*c->hol));
    for (size_t i = 0; i < c->nhol; i++) {
        const json_t *h = json_array_get(hol, i);
        BUG_ON(parse_day(json_object_get(h, "date"), &c->hol[i].day));
        names_of(json_object_get(h, "name"), &c->hol[i].ja, &c->hol[i].en);
        c->hol[i].provisional = json_is_true(json_object_get(h, "provisional"));
    }
    c->nclo = json_array_size(clo);
    c->clo = xcalloc(c->nclo, sizeof(*c->clo));
    for (size_t i = 0; i < c->nclo; i++) {
        const json_t *k = json_array_get(clo, i);
        BUG_ON(parse_month_day(json_string_value(json_object_get(k, "from")), &c->clo[i].from));
        BUG_ON(parse_month_day(json_string_value(json_object_get(k, "to")), &c->clo[i].to));
        names_of(json_object_get(k, "name"), &c->clo[i].ja, &c->clo[i].en);
    }
    cal_build(c);
    return c;
}

struct calendar *calendar_from_json(const json_t *doc, struct verr_list *errs)
{
    /* a calendar of 200 years has about 3,000 holidays; the format allows 20,000 */
    struct schema_limits lim = {.max_string_chars = 20000,
                                .max_array_items = CALENDAR_HOLIDAYS_MAX,
                                .max_errors = errs->max};
    struct schema_run run = {.root = &calendar_root, .lim = &lim, .unknown = &unknown_member};
    if (schema_run(&run, doc, errs))
        return NULL;
    return build(doc);
}
