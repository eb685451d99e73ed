/*
 * risk_json.c — a simulation request and a scenario (docs/assessment-and-risk.md, "Risk") as
 * field tables on the validation engine (src/schema/), with hooks for what a table cannot say:
 * an estimate's members depend on its "dist" and its numbers must be in order; a resistance is
 * either an estimate or {"from_assessment": [...]}; a scenario gives either vulnerability or
 * threat_capability with resistance; ids are unique. Every problem is reported with a JSON
 * Pointer, a code and English and Japanese messages; nothing stops at the first (STYLE.md,
 * Errors). The structs of risk.h are filled only from a document that added no problem.
 *
 * Codes are those the format has always had: "range" for numbers, "pattern" for ids,
 * "duplicate", "order", "exclusive", "dist_not_allowed", "too_much_work", besides the engine's
 * own (required, type, empty, too_long, enum, unknown_field, too_few_items, too_many_items …).
 */
#include "risk_int.h"
#include "../schema/schema.h"

#define PTR_MAX 512 /* caller-given base pointers are at most 256 bytes (risk.h) */

/* The tables' integer bounds: RISK_TEF_MAX and RISK_AMOUNT_MAX (risk.h) as integers. */
#define AMOUNT_MAX 1000000000000000LL
_Static_assert(AMOUNT_MAX == (long long)RISK_AMOUNT_MAX, "AMOUNT_MAX follows RISK_AMOUNT_MAX");
_Static_assert(1000000 == (long long)RISK_TEF_MAX, "the tef bound follows RISK_TEF_MAX");

/* ---- estimate kinds ---- */

struct kind_info {
    double max;
    bool lognormal_ok;
    double lognormal_min_low; /* a lognormal's low must be ≥ this and > 0 */
    struct rf_msg range;
};

static const struct kind_info kinds[] = {
    [RISK_K_FREQUENCY] = {RISK_TEF_MAX,
                          true,
                          0.0,
                          {"range", "must be from 0 to 1,000,000 (threat events a year)",
                           "0〜1,000,000（年間の脅威イベント数）で指定してください"}},
    [RISK_K_PROBABILITY] = {1.0,
                            false,
                            0.0,
                            {"range", "must be a probability from 0 to 1",
                             "0〜1 の確率で指定してください"}},
    [RISK_K_SCALE] = {1.0,
                      false,
                      0.0,
                      {"range",
                       "must be from 0 to 1 (the scale threat capability and resistance share)",
                       "0〜1（脅威能力と抵抗力に共通の尺度）で指定してください"}},
    [RISK_K_AMOUNT] = {RISK_AMOUNT_MAX,
                       true,
                       1.0,
                       {"range", "must be an amount from 0 to 1,000,000,000,000,000 yen",
                        "0〜1,000兆円の金額で指定してください"}},
};

static int dist_of(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "pert"))
        return RISK_DIST_PERT;
    if (!strcmp(s, "lognormal90"))
        return RISK_DIST_LOGNORMAL90;
    if (!strcmp(s, "fixed"))
        return RISK_DIST_FIXED;
    return -1;
}

/* The members each distribution takes, after "dist". */
static const char *const pert_keys[] = {"low", "mode", "high", NULL};
static const char *const lognormal_keys[] = {"low", "high", NULL};
static const char *const fixed_keys[] = {"value", NULL};

static const char *const *keys_of(int dist, const char **what_en, const char **what_ja)
{
    switch (dist) {
    case RISK_DIST_PERT:
        *what_en = "a pert estimate";
        *what_ja = "pert 推定値";
        return pert_keys;
    case RISK_DIST_LOGNORMAL90:
        *what_en = "a lognormal90 estimate";
        *what_ja = "lognormal90 推定値";
        return lognormal_keys;
    default:
        *what_en = "a fixed estimate";
        *what_ja = "fixed 推定値";
        return fixed_keys;
    }
}

/* A member that is a number within the kind's range (the walk reported any other). */
static bool number_at(const json_t *o, const char *key, enum risk_kind kind, double *out)
{
    const json_t *j = json_object_get(o, key);
    double x = json_number_value(j);
    if (!json_is_number(j) || !(x >= 0.0 && x <= kinds[kind].max))
        return false;
    *out = x;
    return true;
}

static bool listed(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (!strcmp(*keys, key))
            return true;
    return false;
}

/* Members of the table that this distribution does not take, and those it needs. */
static void estimate_members(struct schema_walk *w, const struct rf_field *f, const json_t *v,
                             int dist)
{
    const char *what_en, *what_ja, *key;
    const char *const *keys = keys_of(dist, &what_en, &what_ja);
    char en[128], ja[128];
    json_t *val;
    json_object_foreach((json_t *)v, key, val)
    {
        if (!strcmp(key, "dist") || listed(key, keys) || !schema_member(f, key, strlen(key)))
            continue; /* the walk named members of no estimate */
        snprintf(en, sizeof(en), "is not a member of %s", what_en);
        snprintf(ja, sizeof(ja), "%sにない項目です", what_ja);
        schema_walk_emit_member(w, key, "unknown_field", en, ja);
    }
    for (; *keys; keys++)
        if (!json_object_get(v, *keys))
            schema_walk_emit_member(w, *keys, "required", "is required", "必須項目です");
}

static void pert_order(struct schema_walk *w, const json_t *v, enum risk_kind kind)
{
    double lo = 0.0, mo = 0.0, hi = 0.0;
    if (!number_at(v, "low", kind, &lo) || !number_at(v, "mode", kind, &mo) ||
        !number_at(v, "high", kind, &hi))
        return;
    if (!(lo <= mo && mo <= hi))
        schema_walk_emit_member(w, "mode", "order", "must lie between low and high",
                                "low 以上 high 以下にしてください");
    else if (!(lo < hi))
        schema_walk_emit_member(
            w, "high", "order", "must be greater than low (use \"fixed\" for a single value)",
            "low より大きい値にしてください（単一の値には \"fixed\" を使ってください）");
}

static void lognormal_order(struct schema_walk *w, const json_t *v, enum risk_kind kind)
{
    double lo = 0.0, hi = 0.0;
    bool has_lo = number_at(v, "low", kind, &lo), has_hi = number_at(v, "high", kind, &hi);
    if (has_lo && !(lo > 0.0 && lo >= kinds[kind].lognormal_min_low)) {
        if (kind == RISK_K_AMOUNT)
            schema_walk_emit_member(w, "low", "range",
                                    "must be at least 1 yen (a lognormal's 5th percentile)",
                                    "1円以上（対数正規分布の5パーセンタイル）にしてください");
        else
            schema_walk_emit_member(
                w, "low", "range", "must be greater than 0 (a lognormal's 5th percentile)",
                "0 より大きい値（対数正規分布の5パーセンタイル）にしてください");
    } else if (has_lo && has_hi && !(lo < hi)) {
        schema_walk_emit_member(
            w, "high", "order", "must be greater than low (use \"fixed\" for a single value)",
            "low より大きい値にしてください（単一の値には \"fixed\" を使ってください）");
    }
}

/* What the table of an estimate cannot say: which members its "dist" takes, and their order. */
static void estimate_check(struct schema_walk *w, const struct rf_field *f, const json_t *v,
                           enum risk_kind kind)
{
    const json_t *d = json_object_get(v, "dist");
    int dist = dist_of(json_string_value(d));
    if (dist == RISK_DIST_LOGNORMAL90 && !kinds[kind].lognormal_ok) {
        schema_walk_emit_member(
            w, "dist", "dist_not_allowed",
            "a lognormal90 has no upper bound: use \"pert\" or \"fixed\" for a value from 0 to 1",
            "lognormal90 は上限がないため、0〜1 の値には \"pert\" 又は \"fixed\" を使ってください");
        return;
    }
    if (dist < 0)
        return; /* missing or not one of the three: the walk said so */
    estimate_members(w, f, v, dist);
    if (dist == RISK_DIST_PERT)
        pert_order(w, v, kind);
    else if (dist == RISK_DIST_LOGNORMAL90)
        lognormal_order(w, v, kind);
}

static void check_frequency(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    estimate_check(w, f, v, RISK_K_FREQUENCY);
}

static void check_probability(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    estimate_check(w, f, v, RISK_K_PROBABILITY);
}

static void check_scale(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    estimate_check(w, f, v, RISK_K_SCALE);
}

static void check_amount(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    estimate_check(w, f, v, RISK_K_AMOUNT);
}

/* ---- ids ---- */

static bool id_char(char c, bool upper_ok)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           (upper_ok && c >= 'A' && c <= 'Z');
}

/* 1–RISK_ID_MAX characters [a-z0-9._-] (category ids: also A-Z, as in "PR.AA"), starting
 * with a letter or digit. */
static bool id_ok(const char *s, bool upper_ok)
{
    size_t n = strlen(s);
    if (n == 0 || n > RISK_ID_MAX || s[0] == '.' || s[0] == '_' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!id_char(s[i], upper_ok))
            return false;
    return true;
}

static void check_scenario_id(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && !id_ok(json_string_value(v), false))
        schema_walk_emit(w, "pattern",
                         "must be 1–80 characters [a-z0-9._-], starting with a letter or digit",
                         "英小文字・数字・「._-」の1〜80文字（先頭は英小文字又は数字）で指定してく"
                         "ださい");
}

static void check_category_id(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && !id_ok(json_string_value(v), true))
        schema_walk_emit(w, "pattern",
                         "must be 1–80 characters [A-Za-z0-9._-], starting with a letter or digit",
                         "英数字・「._-」の1〜80文字（先頭は英数字）で指定してください");
}

static const struct rf_msg repeated_item = {"duplicate", "repeats an item listed before",
                                            "既に指定された項目と重複しています"};

static void check_id_list(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    schema_walk_unique(w, v, &repeated_item);
}

/* ---- resistance: an estimate, or the categories of an assessment ---- */

static void check_resistance(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    const char *key;
    json_t *val;
    if (!json_object_get(v, "from_assessment")) {
        if (!json_object_get(v, "dist"))
            schema_walk_emit_member(w, "dist", "required", "is required", "必須項目です");
        estimate_check(w, f, v, RISK_K_SCALE);
        return;
    }
    json_object_foreach((json_t *)v, key, val)
    {
        if (!strcmp(key, "from_assessment") || !schema_member(f, key, strlen(key)))
            continue;
        schema_walk_emit_member(w, key, "unknown_field",
                                "is not a member of a resistance from an assessment",
                                "評価結果による抵抗力にない項目です");
    }
}

/* ---- a scenario: vulnerability, or threat capability with resistance ---- */

static void check_susceptibility(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    bool has_v = json_object_get(v, "vulnerability") != NULL;
    bool has_tc = json_object_get(v, "threat_capability") != NULL;
    bool has_rs = json_object_get(v, "resistance") != NULL;
    (void)f;
    if (!has_v && !has_tc && !has_rs) {
        schema_walk_emit_member(w, "vulnerability", "required",
                                "is required (or threat_capability with resistance)",
                                "必須項目です（又は threat_capability と resistance の組）");
        return;
    }
    if (has_v && (has_tc || has_rs))
        schema_walk_emit_member(
            w, has_tc ? "threat_capability" : "resistance", "exclusive",
            "give either vulnerability, or threat_capability with resistance, not both",
            "vulnerability か、threat_capability と resistance の組か、どちらか一方を指定してくだ"
            "さい");
    if (!has_v && !has_tc)
        schema_walk_emit_member(w, "threat_capability", "required", "is required", "必須項目です");
    if (!has_v && !has_rs)
        schema_walk_emit_member(w, "resistance", "required", "is required with threat_capability",
                                "threat_capability を指定する場合は必須です");
}

/* ---- the tables ---- */

#define ESTIMATE_FIELDS(kind, max_)                                                                \
    {                                                                                              \
        {.name = "dist",                                                                           \
         .type = RF_ENUM,                                                                          \
         .flags = RF_REQUIRED,                                                                     \
         .values = dist_values,                                                                    \
         .ja = "分布",                                                                             \
         .en = "distribution"},                                                                    \
            {.name = "low",                                                                        \
             .type = RF_NUMBER,                                                                    \
             .max = max_,                                                                          \
             .ja = "下限",                                                                         \
             .en = "low",                                                                          \
             .invalid = &kinds[kind].range},                                                       \
            {.name = "mode",                                                                       \
             .type = RF_NUMBER,                                                                    \
             .max = max_,                                                                          \
             .ja = "最頻値",                                                                       \
             .en = "mode",                                                                         \
             .invalid = &kinds[kind].range},                                                       \
            {.name = "high",                                                                       \
             .type = RF_NUMBER,                                                                    \
             .max = max_,                                                                          \
             .ja = "上限",                                                                         \
             .en = "high",                                                                         \
             .invalid = &kinds[kind].range},                                                       \
            {.name = "value",                                                                      \
             .type = RF_NUMBER,                                                                    \
             .max = max_,                                                                          \
             .ja = "値",                                                                           \
             .en = "value",                                                                        \
             .invalid = &kinds[kind].range},                                                       \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

static const struct rf_enum dist_values[] = {
    {"pert", "PERT分布", "PERT"},
    {"lognormal90", "対数正規分布（90%区間）", "lognormal (90% interval)"},
    {"fixed", "固定値", "fixed value"},
    {0}};

static const struct rf_field frequency_fields[] = ESTIMATE_FIELDS(RISK_K_FREQUENCY, 1000000);
static const struct rf_field probability_fields[] = ESTIMATE_FIELDS(RISK_K_PROBABILITY, 1);
static const struct rf_field amount_fields[] = ESTIMATE_FIELDS(RISK_K_AMOUNT, AMOUNT_MAX);
static const struct rf_field scale_fields[] = ESTIMATE_FIELDS(RISK_K_SCALE, 1);

static const struct rf_field category_id = {
    .type = RF_STRING, .ja = "カテゴリー", .en = "category", .check = check_category_id};

/* A resistance takes the members of a scale estimate, or from_assessment alone; which members
 * go together is check_resistance's to say. */
static const struct rf_field resistance_fields[] = {
    {.name = "dist", .type = RF_ENUM, .values = dist_values, .ja = "分布", .en = "distribution"},
    {.name = "low",
     .type = RF_NUMBER,
     .max = 1,
     .ja = "下限",
     .en = "low",
     .invalid = &kinds[RISK_K_SCALE].range},
    {.name = "mode",
     .type = RF_NUMBER,
     .max = 1,
     .ja = "最頻値",
     .en = "mode",
     .invalid = &kinds[RISK_K_SCALE].range},
    {.name = "high",
     .type = RF_NUMBER,
     .max = 1,
     .ja = "上限",
     .en = "high",
     .invalid = &kinds[RISK_K_SCALE].range},
    {.name = "value",
     .type = RF_NUMBER,
     .max = 1,
     .ja = "値",
     .en = "value",
     .invalid = &kinds[RISK_K_SCALE].range},
    {.name = "from_assessment",
     .type = RF_ARRAY,
     .fields = &category_id,
     .min = 1,
     .max = RISK_CATEGORIES_MAX,
     .ja = "評価結果のカテゴリー",
     .en = "categories of an assessment",
     .check = check_id_list},
    {0}};

static const struct rf_field name_fields[] = {{.name = "ja",
                                               .type = RF_STRING,
                                               .flags = RF_REQUIRED,
                                               .max = RISK_NAME_MAX,
                                               .ja = "日本語",
                                               .en = "Japanese"},
                                              {.name = "en",
                                               .type = RF_STRING,
                                               .flags = RF_REQUIRED,
                                               .max = RISK_NAME_MAX,
                                               .ja = "英語",
                                               .en = "English"},
                                              {0}};

static const struct rf_field asset_id = {
    .type = RF_STRING, .max = RISK_ID_MAX, .ja = "資産", .en = "asset"};

static const struct rf_field secondary_fields[] = {{.name = "probability",
                                                    .type = RF_OBJECT,
                                                    .flags = RF_REQUIRED,
                                                    .fields = probability_fields,
                                                    .ja = "発生確率",
                                                    .en = "probability",
                                                    .check = check_probability},
                                                   {.name = "loss",
                                                    .type = RF_OBJECT,
                                                    .flags = RF_REQUIRED,
                                                    .fields = amount_fields,
                                                    .ja = "損失額",
                                                    .en = "loss",
                                                    .check = check_amount},
                                                   {0}};

static const struct rf_field scenario_fields[] = {{.name = "id",
                                                   .type = RF_STRING,
                                                   .flags = RF_REQUIRED,
                                                   .ja = "ID",
                                                   .en = "id",
                                                   .check = check_scenario_id},
                                                  {.name = "name",
                                                   .type = RF_OBJECT,
                                                   .flags = RF_REQUIRED,
                                                   .fields = name_fields,
                                                   .ja = "名称",
                                                   .en = "name"},
                                                  {.name = "assets",
                                                   .type = RF_ARRAY,
                                                   .fields = &asset_id,
                                                   .max = RISK_ASSETS_MAX,
                                                   .ja = "資産",
                                                   .en = "assets",
                                                   .check = check_id_list},
                                                  {.name = "tef",
                                                   .type = RF_OBJECT,
                                                   .flags = RF_REQUIRED,
                                                   .fields = frequency_fields,
                                                   .ja = "脅威イベント頻度",
                                                   .en = "threat event frequency",
                                                   .check = check_frequency},
                                                  {.name = "vulnerability",
                                                   .type = RF_OBJECT,
                                                   .fields = probability_fields,
                                                   .ja = "脆弱性",
                                                   .en = "vulnerability",
                                                   .check = check_probability},
                                                  {.name = "threat_capability",
                                                   .type = RF_OBJECT,
                                                   .fields = scale_fields,
                                                   .ja = "脅威能力",
                                                   .en = "threat capability",
                                                   .check = check_scale},
                                                  {.name = "resistance",
                                                   .type = RF_OBJECT,
                                                   .fields = resistance_fields,
                                                   .ja = "抵抗力",
                                                   .en = "resistance strength",
                                                   .check = check_resistance},
                                                  {.name = "primary_loss",
                                                   .type = RF_OBJECT,
                                                   .flags = RF_REQUIRED,
                                                   .fields = amount_fields,
                                                   .ja = "一次損失",
                                                   .en = "primary loss",
                                                   .check = check_amount},
                                                  {.name = "secondary",
                                                   .type = RF_OBJECT,
                                                   .fields = secondary_fields,
                                                   .ja = "二次損失",
                                                   .en = "secondary loss"},
                                                  {0}};

static const struct rf_field scenario_root = {.type = RF_OBJECT,
                                              .fields = scenario_fields,
                                              .ja = "シナリオ",
                                              .en = "scenario",
                                              .check = check_susceptibility};

/* Scenario ids are unique within a request (compared among the valid ones). */
static void check_scenario_ids(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const char *id = json_string_value(json_object_get(json_array_get(v, i), "id"));
        if (!id || !id_ok(id, false))
            continue;
        for (size_t k = 0; k < i; k++) {
            const char *other = json_string_value(json_object_get(json_array_get(v, k), "id"));
            if (!other || strcmp(other, id))
                continue;
            schema_walk_emit_item(w, i, "id", "duplicate", "repeats the id of an earlier scenario",
                                  "前のシナリオと同じ id です");
            break;
        }
    }
}

static const struct rf_msg seed_msg = {"range", "must be a whole number ≥ 0",
                                       "0 以上の整数で指定してください"};
static const struct rf_msg years_msg = {"range", "must be a whole number from 1 to 10,000,000",
                                        "1〜10,000,000 の整数で指定してください"};

static const struct rf_field threshold = {.type = RF_NUMBER,
                                          .max = AMOUNT_MAX,
                                          .ja = "閾値",
                                          .en = "threshold",
                                          .invalid = &kinds[RISK_K_AMOUNT].range};

static const struct rf_field request_fields[] = {
    {.name = "seed", .type = RF_INTEGER, .ja = "乱数の種", .en = "seed", .invalid = &seed_msg},
    {.name = "years",
     .type = RF_INTEGER,
     .min = 1,
     .max = RISK_YEARS_MAX,
     .ja = "年数",
     .en = "years",
     .invalid = &years_msg},
    {.name = "thresholds",
     .type = RF_ARRAY,
     .fields = &threshold,
     .max = RISK_THRESHOLDS_MAX,
     .ja = "閾値",
     .en = "thresholds"},
    {.name = "scenarios",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &scenario_root,
     .min = 1,
     .max = RISK_SCENARIOS_MAX,
     .ja = "シナリオ",
     .en = "scenarios",
     .check = check_scenario_ids},
    {0}};

static const struct rf_field request_root = {.type = RF_OBJECT,
                                             .fields = request_fields,
                                             .ja = "シミュレーション要求",
                                             .en = "simulation request"};

/* ---- filling the structs from a valid document ---- */

static void fill_estimate(const json_t *j, struct risk_estimate *e)
{
    e->dist = (enum risk_dist)dist_of(json_string_value(json_object_get(j, "dist")));
    switch (e->dist) {
    case RISK_DIST_FIXED:
        e->low = e->mode = e->high = json_number_value(json_object_get(j, "value"));
        break;
    case RISK_DIST_PERT:
        e->low = json_number_value(json_object_get(j, "low"));
        e->mode = json_number_value(json_object_get(j, "mode"));
        e->high = json_number_value(json_object_get(j, "high"));
        break;
    case RISK_DIST_LOGNORMAL90:
        e->low = json_number_value(json_object_get(j, "low"));
        e->mode = 0.0;
        e->high = json_number_value(json_object_get(j, "high"));
        break;
    }
}

static char **string_list(const json_t *arr, size_t *n)
{
    char **out;
    *n = json_array_size(arr);
    out = xcalloc(*n + 1, sizeof(*out));
    for (size_t i = 0; i < *n; i++)
        out[i] = xstrdup(json_string_value(json_array_get(arr, i)));
    return out;
}

static void fill_scenario(const json_t *j, struct risk_scenario *sc)
{
    const json_t *name = json_object_get(j, "name"), *sec = json_object_get(j, "secondary");
    const json_t *rs = json_object_get(j, "resistance"), *assets = json_object_get(j, "assets");
    sc->id = xstrdup(json_string_value(json_object_get(j, "id")));
    sc->name_ja = xstrdup(json_string_value(json_object_get(name, "ja")));
    sc->name_en = xstrdup(json_string_value(json_object_get(name, "en")));
    if (assets)
        sc->assets = string_list(assets, &sc->nassets);
    fill_estimate(json_object_get(j, "tef"), &sc->tef);
    if (json_object_get(j, "vulnerability")) {
        sc->susceptibility = RISK_BY_VULNERABILITY;
        fill_estimate(json_object_get(j, "vulnerability"), &sc->vulnerability);
    } else {
        sc->susceptibility = RISK_BY_TCAP_RS;
        fill_estimate(json_object_get(j, "threat_capability"), &sc->threat_capability);
        if (json_object_get(rs, "from_assessment"))
            sc->categories = string_list(json_object_get(rs, "from_assessment"), &sc->ncategories);
        else
            fill_estimate(rs, &sc->resistance);
    }
    fill_estimate(json_object_get(j, "primary_loss"), &sc->primary_loss);
    if (sec) {
        sc->has_secondary = true;
        fill_estimate(json_object_get(sec, "probability"), &sc->secondary_probability);
        fill_estimate(json_object_get(sec, "loss"), &sc->secondary_loss);
    }
}

static void limits(struct schema_limits *lim, const struct verr_list *errs)
{
    schema_limits_default(lim);
    lim->max_errors = errs->max;
}

size_t risk_scenario_from_json(const json_t *j, const char *pointer, struct risk_scenario *out,
                               struct verr_list *errs)
{
    struct schema_limits lim;
    struct schema_run run = {.root = &scenario_root, .lim = &lim, .base = pointer};
    size_t n;
    BUG_ON(strlen(pointer) > 256);
    limits(&lim, errs);
    n = schema_run(&run, j, errs);
    if (n == 0)
        fill_scenario(j, out);
    return n;
}

void risk_scenario_init(struct risk_scenario *sc)
{
    memset(sc, 0, sizeof(*sc));
}

static void string_list_free(char **l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i]);
    free(l);
}

void risk_scenario_release(struct risk_scenario *sc)
{
    free(sc->id);
    free(sc->name_ja);
    free(sc->name_en);
    string_list_free(sc->assets, sc->nassets);
    string_list_free(sc->categories, sc->ncategories);
    risk_scenario_init(sc);
}

/* ---- the request ---- */

static struct risk_request *fill_request(const json_t *doc)
{
    struct risk_request *req = xcalloc(1, sizeof(*req));
    const json_t *seed = json_object_get(doc, "seed"), *years = json_object_get(doc, "years");
    const json_t *th = json_object_get(doc, "thresholds"), *sc = json_object_get(doc, "scenarios");
    req->seed = seed ? (uint64_t)json_integer_value(seed) : RISK_DEFAULT_SEED;
    req->years = years ? json_integer_value(years) : RISK_DEFAULT_YEARS;
    for (size_t i = 0; i < json_array_size(th); i++)
        req->thresholds[req->nthresholds++] = json_number_value(json_array_get(th, i));
    req->nscenarios = json_array_size(sc);
    req->scenarios = xcalloc(req->nscenarios, sizeof(*req->scenarios));
    for (size_t i = 0; i < req->nscenarios; i++) {
        risk_scenario_init(&req->scenarios[i]);
        fill_scenario(json_array_get(sc, i), &req->scenarios[i]);
    }
    return req;
}

struct risk_request *risk_request_from_json(const json_t *doc, struct verr_list *errs)
{
    struct schema_limits lim;
    struct schema_run run = {.root = &request_root, .lim = &lim};
    struct risk_request *req;
    char en[256], ja[256];
    double w;
    limits(&lim, errs);
    if (schema_run(&run, doc, errs))
        return NULL;
    req = fill_request(doc);
    if ((w = risk_request_work(req)) <= RISK_EVENTS_MAX)
        return req;
    snprintf(en, sizeof(en),
             "years × expected threat events a year = %.3g, above the limit of 1e10: "
             "simulate fewer years or scenarios",
             w);
    snprintf(ja, sizeof(ja),
             "年数 × 年間の脅威イベント数の期待値 = %.3g で、上限 1e10 を超えています。"
             "年数かシナリオを減らしてください",
             w);
    schema_emit_path(&request_root, errs, "/years", "too_much_work", en, ja);
    risk_request_free(req);
    return NULL;
}

void risk_request_free(struct risk_request *req)
{
    if (!req)
        return;
    for (size_t i = 0; i < req->nscenarios; i++)
        risk_scenario_release(&req->scenarios[i]);
    free(req->scenarios);
    free(req);
}

/* ---- resistance from an assessment ---- */

void risk_scenario_set_assessment_score(struct risk_scenario *sc, double s)
{
    risk_resistance_from_score(s, &sc->resistance);
    sc->assessment_score = MIN(MAX(s, 0.0), 4.0);
    sc->resolved = true;
}

size_t risk_request_unresolved(const struct risk_request *req)
{
    size_t n = 0;
    for (size_t i = 0; i < req->nscenarios; i++)
        n += req->scenarios[i].categories && !req->scenarios[i].resolved;
    return n;
}

size_t risk_request_resolve(struct risk_request *req, risk_score_fn fn, void *ctx,
                            struct verr_list *errs)
{
    size_t added = 0;
    char ptr[PTR_MAX];
    for (size_t i = 0; i < req->nscenarios; i++) {
        struct risk_scenario *sc = &req->scenarios[i];
        double s = 0.0;
        if (!sc->categories || sc->resolved)
            continue;
        if (fn(ctx, (const char *const *)sc->categories, sc->ncategories, &s) == 0 && s >= 0.0 &&
            s <= 4.0) {
            risk_scenario_set_assessment_score(sc, s);
            continue;
        }
        snprintf(ptr, sizeof(ptr), "/scenarios/%zu/resistance/from_assessment", i);
        verr_add(errs, ptr, "no_assessment_score",
                 "none of these categories has a score in a submitted assessment",
                 "提出済みの評価にこれらのカテゴリーのスコアがありません");
        added++;
    }
    return added;
}
