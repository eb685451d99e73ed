/*
 * report_cross.c — validation rules that involve more than one field: time order, consistency
 * between related answers, indicator values by type, and "one of these is required".
 * Each rule checks the types it relies on and stays silent when the structural walk has
 * already reported them.
 */
#include "report_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

static json_t *at(const json_t *doc, const char *ptr)
{
    return jsonx_ptr_get((json_t *)doc, ptr);
}

static const char *str_at(const json_t *doc, const char *ptr)
{
    return json_string_value(at(doc, ptr));
}

static bool time_at(const json_t *doc, const char *ptr, int64_t *ms)
{
    const json_t *v = at(doc, ptr);
    struct rtime_parsed t;
    if (!json_is_string(v) ||
        rtime_parse_rfc3339(json_string_value(v), json_string_length(v), &t))
        return false;
    *ms = t.ms;
    return true;
}

/* Arrays the structural walk refused as too long are not walked again here. */
static const json_t *array_at(const json_t *doc, const char *ptr, const struct schema_limits *lim)
{
    const json_t *a = at(doc, ptr);
    const struct rf_field *f = report_field_lookup(ptr);
    if (!json_is_array(a) || !f)
        return NULL;
    int64_t max = MIN(schema_field_max(f), lim->max_array_items);
    return (int64_t)json_array_size(a) <= max ? a : NULL;
}

static bool is(const json_t *doc, const char *ptr, const char *value)
{
    const char *s = str_at(doc, ptr);
    return s && !strcmp(s, value);
}

/* later >= earlier, when both are valid times. */
static void order(const json_t *doc, struct verr_list *errs, const char *later,
                  const char *earlier)
{
    int64_t a, b;
    char when[40];
    struct buf en, ja;
    if (!time_at(doc, later, &a) || !time_at(doc, earlier, &b) || a >= b)
        return;
    rtime_format_utc(b, when, sizeof(when));
    buf_init(&en, 4096);
    buf_init(&ja, 4096);
    buf_puts(&en, "is earlier than ");
    schema_label_path(&report_root, earlier, false, &en);
    buf_appendf(&en, " (%s)", when);
    schema_label_path(&report_root, earlier, true, &ja);
    buf_appendf(&ja, "（%s）より前になっています", when);
    schema_emit_path(&report_root, errs, later, "time_order", buf_cstr(&en), buf_cstr(&ja));
    buf_release(&en);
    buf_release(&ja);
}

static void time_orders(const json_t *doc, const struct schema_limits *lim, struct verr_list *errs)
{
    /* Nothing can be detected, known, contained or closed before it happened; classification
     * follows detection (DORA RTS 2025/301 Art. 5 counts from both); closing follows awareness. */
    static const char *const after_occurrence[] = {
        "/times/occurred_until", "/times/detected_at", "/times/aware_at",
        "/times/personal_data_aware_at", "/times/classified_major_at",
        "/times/materiality_determined_at", "/times/significance_assessed_at",
        "/times/contained_at", "/times/recovered_at", "/times/resolved_at",
        "/times/root_cause_addressed_at", "/times/closed_at", "/ransom/payment/paid_at",
        "/ransom/demand/demanded_at"};
    for (size_t i = 0; i < ARRAY_SIZE(after_occurrence); i++)
        order(doc, errs, after_occurrence[i], "/times/occurred_at");
    order(doc, errs, "/times/classified_major_at", "/times/detected_at");
    order(doc, errs, "/times/closed_at", "/times/aware_at");
    order(doc, errs, "/threat/ddos/ended_at", "/threat/ddos/started_at");
    order(doc, errs, "/personal_data/individual_notification/completed_at",
          "/personal_data/individual_notification/started_at");
    /* Nobody is notified, nothing is published, no controller or police is told, and no
     * ransom falls due before the incident or the demand it answers. */
    static const char *const told_after_occurrence[] = {
        "/personal_data/individual_notification/started_at",
        "/personal_data/publication/published_at", "/personal_data/controller_notified_at",
        "/response/law_enforcement/contacted_at", "/threat/ddos/ended_at"};
    for (size_t i = 0; i < ARRAY_SIZE(told_after_occurrence); i++)
        order(doc, errs, told_after_occurrence[i], "/times/occurred_at");
    order(doc, errs, "/ransom/demand/deadline", "/ransom/demand/demanded_at");

    const json_t *ra = array_at(doc, "/times/regime_awareness", lim);
    for (size_t i = 0; json_is_array(ra) && i < json_array_size(ra); i++) {
        char p[64];
        snprintf(p, sizeof(p), "/times/regime_awareness/%zu/aware_at", i);
        order(doc, errs, p, "/times/occurred_at");
    }
    const json_t *inds = array_at(doc, "/threat/indicators", lim);
    for (size_t i = 0; json_is_array(inds) && i < json_array_size(inds); i++) {
        char l[64], e[64];
        snprintf(l, sizeof(l), "/threat/indicators/%zu/last_seen", i);
        snprintf(e, sizeof(e), "/threat/indicators/%zu/first_seen", i);
        order(doc, errs, l, e);
    }
}

static void indicator_values(const json_t *doc, const struct schema_limits *lim,
                             struct verr_list *errs)
{
    const json_t *inds = array_at(doc, "/threat/indicators", lim);
    for (size_t i = 0; json_is_array(inds) && i < json_array_size(inds); i++) {
        const json_t *ind = json_array_get(inds, i);
        const char *type = json_string_value(json_object_get(ind, "type"));
        const json_t *v = json_object_get(ind, "value");
        if (!type || !json_is_string(v) || !json_string_length(v))
            continue;
        enum fmt_result fr =
            schema_indicator_check(type, json_string_value(v), json_string_length(v));
        if (fr == FMT_OK)
            continue;
        const struct rf_enum *e = report_indicator_type_values;
        while (e->value && strcmp(e->value, type))
            e++;
        if (!e->value)
            continue; /* the enum check has reported the type */
        char p[64], en[200], ja[300];
        snprintf(p, sizeof(p), "/threat/indicators/%zu/value", i);
        if (fr == FMT_DEFANGED) {
            snprintf(en, sizeof(en), "is a defanged %s; write it as it is (hxxp → http, [.] → .)",
                     e->en);
            snprintf(ja, sizeof(ja), "%sが無害化表記になっています。元の表記で記載してください（hxxp → http、[.] → .）",
                     e->ja);
        } else {
            snprintf(en, sizeof(en), "is not a valid %s", e->en);
            snprintf(ja, sizeof(ja), "%sとして正しくありません", e->ja);
        }
        schema_emit_path(&report_root, errs, p, "indicator_value", en, ja);
    }
}

static void required_here(struct verr_list *errs, const char *ptr)
{
    schema_emit_path(&report_root, errs, ptr, "required", "is required", "必須項目です");
}

static void consistency(const json_t *doc, const struct schema_limits *lim,
                        struct verr_list *errs)
{
    const json_t *items = at(doc, "/personal_data/data_items");
    const json_t *count = at(doc, "/personal_data/individuals_count");
    if (is(doc, "/personal_data/involved", "no") &&
        ((json_is_integer(count) && json_integer_value(count) > 0) ||
         (json_is_array(items) && json_array_size(items) > 0)))
        schema_emit_path(&report_root, errs, "/personal_data/involved", "inconsistent",
                         "is \"no\" but individuals or data items are given",
                         "「いいえ」ですが、本人の数又は個人データの項目が記載されています");
    if (is(doc, "/ransom/paid", "yes") && is(doc, "/ransom/demanded", "no"))
        schema_emit_path(&report_root, errs, "/ransom/paid", "inconsistent",
                         "is \"yes\" but no ransom was demanded",
                         "「はい」ですが、身代金の要求が「いいえ」になっています");
    if (json_is_object(at(doc, "/ransom/payment")) && !is(doc, "/ransom/paid", "yes"))
        schema_emit_path(&report_root, errs, "/ransom/paid", "inconsistent",
                         "must be \"yes\" when payment details are given",
                         "支払の内容を記載する場合は「はい」にしてください");
    if (json_is_object(at(doc, "/ransom/demand")) && is(doc, "/ransom/demanded", "no"))
        schema_emit_path(&report_root, errs, "/ransom/demanded", "inconsistent",
                         "is \"no\" but demand details are given",
                         "「いいえ」ですが、要求の内容が記載されています");

    const json_t *cats = array_at(doc, "/classification/categories", lim);
    for (size_t i = 0; json_is_array(cats) && i < json_array_size(cats); i++) {
        const char *s = json_string_value(json_array_get(cats, i));
        if (s && !strcmp(s, "other") && !at(doc, "/classification/category_other"))
            required_here(errs, "/classification/category_other");
    }
}

static void inconsistent(struct verr_list *errs, const char *ptr, const char *en, const char *ja)
{
    schema_emit_path(&report_root, errs, ptr, "inconsistent", en, ja);
}

static bool int_at(const json_t *doc, const char *ptr, json_int_t *v)
{
    const json_t *j = at(doc, ptr);
    if (!json_is_integer(j))
        return false;
    *v = json_integer_value(j);
    return true;
}

/* A size band whose ceiling the headcount exceeds (an 850-employee organisation cannot be
 * "medium": fewer than 250 staff). Only the ceiling is checked: under the EU SME definition
 * (Recommendation 2003/361/EC Art. 2, which NIS2 Art. 2(1) uses) turnover or balance sheet can
 * put a small staff in a larger band, never a large staff in a smaller one. */
static void size_band(const json_t *doc, struct verr_list *errs)
{
    static const struct {
        const char *band;
        json_int_t below; /* staff ceiling (exclusive) */
        const char *ja;
    } bands[] = {{"micro", 10, "小規模（10人未満）"},
                 {"small", 50, "小企業（50人未満）"},
                 {"medium", 250, "中企業（250人未満）"}};
    json_int_t staff;
    char en[200], ja[300];
    if (!int_at(doc, "/entity/employees", &staff))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(bands); i++) {
        if (!is(doc, "/entity/size_band", bands[i].band) || staff < bands[i].below)
            continue;
        snprintf(en, sizeof(en),
                 "is \"%s\" (fewer than %lld staff) but the number of employees is %lld",
                 bands[i].band, (long long)bands[i].below, (long long)staff);
        snprintf(ja, sizeof(ja), "「%s」ですが、従業員数が%lld人です", bands[i].ja,
                 (long long)staff);
        inconsistent(errs, "/entity/size_band", en, ja);
    }
}

/* part > whole, when both are integers; the error is placed at the part. */
static void not_more_than(const json_t *doc, struct verr_list *errs, const char *part,
                          json_int_t whole, const char *whole_ptr)
{
    json_int_t v;
    char en[400], ja[500];
    struct buf le, lj;
    if (!int_at(doc, part, &v) || v <= whole)
        return;
    buf_init(&le, 4096);
    buf_init(&lj, 4096);
    schema_label_path(&report_root, whole_ptr, false, &le);
    schema_label_path(&report_root, whole_ptr, true, &lj);
    snprintf(en, sizeof(en), "is %lld, more than %s (%lld)", (long long)v, buf_cstr(&le),
             (long long)whole);
    snprintf(ja, sizeof(ja), "%lldで、%s（%lld）を超えています", (long long)v, buf_cstr(&lj),
             (long long)whole);
    inconsistent(errs, part, en, ja);
    buf_release(&le);
    buf_release(&lj);
}

/* Counts that are parts of a total cannot exceed it: individuals notified or broken down by
 * residence against the number of individuals (unless that number is only an estimate), the
 * users of one service against the users affected overall. */
static void counts(const json_t *doc, const struct schema_limits *lim, struct verr_list *errs)
{
    json_int_t total;
    if (int_at(doc, "/personal_data/individuals_count", &total) &&
        !is(doc, "/personal_data/individuals_count_basis", "estimate")) {
        not_more_than(doc, errs, "/personal_data/individual_notification/notified_count", total,
                      "/personal_data/individuals_count");
        not_more_than(doc, errs, "/personal_data/us_state_max_residents", total,
                      "/personal_data/individuals_count");
        const json_t *res = array_at(doc, "/personal_data/residence", lim);
        json_int_t sum = 0;
        for (size_t i = 0; json_is_array(res) && i < json_array_size(res); i++) {
            const json_t *n = json_object_get(json_array_get(res, i), "count");
            /* each count ≤ 10^10, at most 300 items: the sum cannot overflow */
            sum += json_is_integer(n) && json_integer_value(n) > 0 ? json_integer_value(n) : 0;
        }
        if (sum > total) {
            char en[200], ja[300];
            snprintf(en, sizeof(en),
                     "adds up to %lld individuals, more than the number of individuals (%lld)",
                     (long long)sum, (long long)total);
            snprintf(ja, sizeof(ja), "合計が%lld人で、本人の数（%lld人）を超えています",
                     (long long)sum, (long long)total);
            inconsistent(errs, "/personal_data/residence", en, ja);
        }
    }
    const json_t *svcs = array_at(doc, "/impact/services", lim);
    if (!int_at(doc, "/impact/users_affected", &total))
        svcs = NULL;
    for (size_t i = 0; json_is_array(svcs) && i < json_array_size(svcs); i++) {
        char p[64];
        snprintf(p, sizeof(p), "/impact/services/%zu/users_affected", i);
        not_more_than(doc, errs, p, total, "/impact/users_affected");
    }
}

/* "No service affected" contradicts a service listed as down or degraded. */
static void services(const json_t *doc, const struct schema_limits *lim, struct verr_list *errs)
{
    const json_t *svcs = array_at(doc, "/impact/services", lim);
    if (!is(doc, "/impact/services_affected", "no"))
        return;
    for (size_t i = 0; json_is_array(svcs) && i < json_array_size(svcs); i++) {
        const char *st = json_string_value(json_object_get(json_array_get(svcs, i), "status"));
        if (st && (!strcmp(st, "degraded") || !strcmp(st, "unavailable"))) {
            inconsistent(errs, "/impact/services_affected",
                         "is \"no\" but a service is listed as degraded or unavailable",
                         "「いいえ」ですが、停止又は低下したサービスが記載されています");
            return;
        }
    }
}

/* An attack cannot last longer than the time between its start and its end. */
static void ddos_duration(const json_t *doc, struct verr_list *errs)
{
    int64_t a, b;
    json_int_t minutes;
    char en[200], ja[300];
    if (!int_at(doc, "/threat/ddos/duration_minutes", &minutes) ||
        !time_at(doc, "/threat/ddos/started_at", &a) ||
        !time_at(doc, "/threat/ddos/ended_at", &b) || b < a || minutes * 60000 <= b - a + 59999)
        return;
    snprintf(en, sizeof(en),
             "is %lld minutes, longer than the %lld minutes from its start to its end",
             (long long)minutes, (long long)((b - a) / 60000));
    snprintf(ja, sizeof(ja), "%lld分ですが、攻撃開始日時から攻撃終了日時までは%lld分です",
             (long long)minutes, (long long)((b - a) / 60000));
    inconsistent(errs, "/threat/ddos/duration_minutes", en, ja);
}

/* Amounts without a currency cannot be compared or converted. */
static void currencies(const json_t *doc, struct verr_list *errs)
{
    static const char *const money[] = {"direct_costs", "indirect_costs", "losses", "recoveries"};
    const json_t *fin = at(doc, "/impact/financial");
    bool any = false;
    for (size_t i = 0; json_is_object(fin) && i < ARRAY_SIZE(money); i++)
        any |= json_object_get(fin, money[i]) != NULL;
    if (any && !at(doc, "/impact/financial/currency") && !at(doc, "/entity/reporting_currency"))
        required_here(errs, "/impact/financial/currency");
    if (at(doc, "/ransom/demand/amount") && !at(doc, "/ransom/demand/asset"))
        required_here(errs, "/ransom/demand/asset");
    if (at(doc, "/ransom/payment/amount") && !at(doc, "/ransom/payment/asset"))
        required_here(errs, "/ransom/payment/asset");
}

static void who(const json_t *doc, const struct schema_limits *lim, struct verr_list *errs)
{
    const json_t *entity = at(doc, "/entity");
    if (json_is_object(entity) && !json_object_get(entity, "name_ja") &&
        !json_object_get(entity, "name_en"))
        schema_emit_path(&report_root, errs, "/entity/name_ja", "required_one_of",
                         "name_ja or name_en is required (the organisation, not the person filing)",
                         "名称（日本語）又は名称（英語）が必要です（担当者ではなく組織の名称）");
    const json_t *contacts = array_at(doc, "/contacts", lim);
    for (size_t i = 0; json_is_array(contacts) && i < json_array_size(contacts); i++) {
        const json_t *ct = json_array_get(contacts, i);
        char p[48];
        if (!json_is_object(ct) || json_object_get(ct, "email") || json_object_get(ct, "phone"))
            continue;
        snprintf(p, sizeof(p), "/contacts/%zu/email", i);
        schema_emit_path(&report_root, errs, p, "required_one_of",
                         "an e-mail address or a telephone number is required",
                         "メールアドレス又は電話番号が必要です");
    }
}

void report_cross_check(const json_t *doc, const struct schema_limits *lim,
                        struct verr_list *errs)
{
    who(doc, lim, errs);
    time_orders(doc, lim, errs);
    indicator_values(doc, lim, errs);
    consistency(doc, lim, errs);
    currencies(doc, errs);
    size_band(doc, errs);
    counts(doc, lim, errs);
    services(doc, lim, errs);
    ddos_duration(doc, errs);
}
