/*
 * risk_json.c — validates a simulation request or one scenario (docs/assessment-and-risk.md,
 * "Risk") and fills the structs of risk.h. Every problem is reported with a JSON Pointer, a code
 * and English and Japanese messages; nothing stops at the first (STYLE.md, Errors). Unknown
 * members are refused at every level. Values that fail are left unset, and a request is only
 * returned when the document added no problem.
 */
#include "risk_int.h"
#include "../core/buf.h"
#include "../core/jsonx.h"

#define PTR_MAX 512 /* caller-given base pointers are at most 256 bytes (risk.h) */

struct vctx {
    struct verr_list *errs;
};

enum kind { K_STR, K_OBJ, K_ARR, K_NUM, K_INT };

static const char *const request_keys[] = {"seed", "years", "thresholds", "scenarios", NULL};
static const char *const scenario_keys[] = {
    "id",         "name",         "assets",    "tef", "vulnerability", "threat_capability",
    "resistance", "primary_loss", "secondary", NULL};
static const char *const name_keys[] = {"ja", "en", NULL};
static const char *const secondary_keys[] = {"probability", "loss", NULL};
static const char *const assessment_keys[] = {"from_assessment", NULL};
static const char *const pert_keys[] = {"dist", "low", "mode", "high", NULL};
static const char *const lognormal_keys[] = {"dist", "low", "high", NULL};
static const char *const fixed_keys[] = {"dist", "value", NULL};
static const char *const any_estimate_keys[] = {"dist", "low", "mode", "high", "value", NULL};

/* ---- reporting ---- */

static size_t problems(const struct vctx *v)
{
    return v->errs->n + v->errs->dropped;
}

static void bad(struct vctx *v, const char *ptr, const char *code, const char *en, const char *ja)
{
    verr_add(v->errs, ptr, code, en, ja);
}

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

static bool is_kind(const json_t *j, enum kind k)
{
    switch (k) {
    case K_STR:
        return json_is_string(j);
    case K_OBJ:
        return json_is_object(j);
    case K_ARR:
        return json_is_array(j);
    case K_NUM:
        return json_is_number(j);
    default:
        return json_is_integer(j);
    }
}

static void type_error(struct vctx *v, const char *ptr, enum kind k)
{
    static const char *const en[] = {"must be a string", "must be an object", "must be an array",
                                     "must be a number", "must be a whole number"};
    static const char *const ja[] = {
        "文字列で指定してください", "オブジェクト（{…}）で指定してください",
        "配列（[…]）で指定してください", "数値で指定してください", "整数で指定してください"};
    bad(v, ptr, "type", en[k], ja[k]);
}

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

static void check_members(struct vctx *v, const json_t *obj, const char *base,
                          const char *const *allowed, const char *what_en, const char *what_ja)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        const char *const *a = allowed;
        char en[128], ja[128];
        struct buf p;
        while (*a && strcmp(*a, key))
            a++;
        if (*a)
            continue;
        buf_init(&p, 4096);
        buf_puts(&p, base);
        jsonx_ptr_push(&p, key, strlen(key));
        snprintf(en, sizeof(en), "is not a member of %s", what_en);
        snprintf(ja, sizeof(ja), "%sにない項目です", what_ja);
        bad(v, buf_cstr(&p), "unknown_field", en, ja);
        buf_release(&p);
    }
}

/* ---- strings ---- */

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

static void id_error(struct vctx *v, const char *ptr, bool upper_ok)
{
    if (upper_ok)
        bad(v, ptr, "pattern",
            "must be 1–80 characters [A-Za-z0-9._-], starting with a letter or digit",
            "英数字・「._-」の1〜80文字（先頭は英数字）で指定してください");
    else
        bad(v, ptr, "pattern",
            "must be 1–80 characters [a-z0-9._-], starting with a letter or digit",
            "英小文字・数字・「._-」の1〜80文字（先頭は英小文字又は数字）で指定してください");
}

/* A string of 1…max characters (code points) without control characters; NULL otherwise. */
static const char *text_value(struct vctx *v, const json_t *j, const char *ptr, size_t max)
{
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    char en[96], ja[96];
    if (n == 0) {
        bad(v, ptr, "empty", "must not be empty", "空にできません");
        return NULL;
    }
    if (jsonx_utf8_len(s, n) > max) {
        snprintf(en, sizeof(en), "must be at most %zu characters", max);
        snprintf(ja, sizeof(ja), "%zu文字以内で指定してください", max);
        bad(v, ptr, "too_long", en, ja);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            bad(v, ptr, "control_character", "must not contain control characters",
                "制御文字を含めることはできません");
            return NULL;
        }
    }
    return s;
}

static char **string_list(struct vctx *v, const json_t *arr, const char *base, size_t max, bool ids,
                          size_t *n_out)
{
    size_t n = json_array_size(arr);
    char ptr[PTR_MAX], en[96], ja[96];
    char **out;
    if (n > max) {
        snprintf(en, sizeof(en), "must have at most %zu items", max);
        snprintf(ja, sizeof(ja), "%zu件以内で指定してください", max);
        bad(v, base, "too_many_items", en, ja);
        return NULL;
    }
    out = xcalloc(n + 1, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const json_t *j = json_array_get(arr, i);
        const char *s;
        ptr_index(ptr, base, i);
        if (!json_is_string(j)) {
            type_error(v, ptr, K_STR);
            continue;
        }
        s = ids ? json_string_value(j) : text_value(v, j, ptr, RISK_ID_MAX);
        if (!s)
            continue;
        if (ids && !id_ok(s, true)) {
            id_error(v, ptr, true);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (out[k] && !strcmp(out[k], s)) {
                bad(v, ptr, "duplicate", "repeats an item listed before",
                    "既に指定された項目と重複しています");
                s = NULL;
                break;
            }
        out[i] = s ? xstrdup(s) : NULL;
    }
    *n_out = n;
    return out;
}

static void string_list_free(char **l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i]);
    free(l);
}

/* ---- estimates ---- */

struct kind_info {
    double max;
    bool lognormal_ok;
    double lognormal_min_low; /* a lognormal's low must be ≥ this and > 0 */
    const char *en, *ja;
};

static const struct kind_info kinds[] = {
    [RISK_K_FREQUENCY] = {RISK_TEF_MAX, true, 0.0,
                          "must be from 0 to 1,000,000 (threat events a year)",
                          "0〜1,000,000（年間の脅威イベント数）で指定してください"},
    [RISK_K_PROBABILITY] = {1.0, false, 0.0, "must be a probability from 0 to 1",
                            "0〜1 の確率で指定してください"},
    [RISK_K_SCALE] = {1.0, false, 0.0,
                      "must be from 0 to 1 (the scale threat capability and resistance share)",
                      "0〜1（脅威能力と抵抗力に共通の尺度）で指定してください"},
    [RISK_K_AMOUNT] = {RISK_AMOUNT_MAX, true, 1.0,
                       "must be an amount from 0 to 1,000,000,000,000,000 yen",
                       "0〜1,000兆円の金額で指定してください"},
};

/* A required number member within the kind's range; false (reported) otherwise. */
static bool number(struct vctx *v, const json_t *obj, const char *base, const char *key,
                   enum risk_kind kind, double *out)
{
    char ptr[PTR_MAX];
    const json_t *j = member(v, obj, base, key, K_NUM, true);
    double x;
    if (!j)
        return false;
    x = json_number_value(j);
    if (!(x >= 0.0 && x <= kinds[kind].max)) {
        ptr_key(ptr, base, key);
        bad(v, ptr, "range", kinds[kind].en, kinds[kind].ja);
        return false;
    }
    *out = x;
    return true;
}

static int dist_of(const char *s)
{
    if (!strcmp(s, "pert"))
        return RISK_DIST_PERT;
    if (!strcmp(s, "lognormal90"))
        return RISK_DIST_LOGNORMAL90;
    if (!strcmp(s, "fixed"))
        return RISK_DIST_FIXED;
    return -1;
}

static void pert_check(struct vctx *v, const json_t *j, const char *base, enum risk_kind kind,
                       struct risk_estimate *e, bool *ok)
{
    char ptr[PTR_MAX];
    bool lo = number(v, j, base, "low", kind, &e->low);
    bool mo = number(v, j, base, "mode", kind, &e->mode);
    bool hi = number(v, j, base, "high", kind, &e->high);
    *ok = lo && mo && hi;
    if (!*ok)
        return;
    if (!(e->low <= e->mode && e->mode <= e->high)) {
        ptr_key(ptr, base, "mode");
        bad(v, ptr, "order", "must lie between low and high", "low 以上 high 以下にしてください");
        *ok = false;
    } else if (!(e->low < e->high)) {
        ptr_key(ptr, base, "high");
        bad(v, ptr, "order", "must be greater than low (use \"fixed\" for a single value)",
            "low より大きい値にしてください（単一の値には \"fixed\" を使ってください）");
        *ok = false;
    }
}

static void lognormal_check(struct vctx *v, const json_t *j, const char *base, enum risk_kind kind,
                            struct risk_estimate *e, bool *ok)
{
    char ptr[PTR_MAX];
    bool lo = number(v, j, base, "low", kind, &e->low);
    bool hi = number(v, j, base, "high", kind, &e->high);
    *ok = lo && hi;
    if (lo && !(e->low > 0.0 && e->low >= kinds[kind].lognormal_min_low)) {
        ptr_key(ptr, base, "low");
        if (kind == RISK_K_AMOUNT)
            bad(v, ptr, "range", "must be at least 1 yen (a lognormal's 5th percentile)",
                "1円以上（対数正規分布の5パーセンタイル）にしてください");
        else
            bad(v, ptr, "range", "must be greater than 0 (a lognormal's 5th percentile)",
                "0 より大きい値（対数正規分布の5パーセンタイル）にしてください");
        *ok = false;
    } else if (*ok && !(e->low < e->high)) {
        ptr_key(ptr, base, "high");
        bad(v, ptr, "order", "must be greater than low (use \"fixed\" for a single value)",
            "low より大きい値にしてください（単一の値には \"fixed\" を使ってください）");
        *ok = false;
    }
    e->mode = 0.0;
}

/* An ESTIMATE at ptr (j may be any JSON value). Returns true when *e was filled. */
static bool estimate_value(struct vctx *v, const json_t *j, const char *base, enum risk_kind kind,
                           struct risk_estimate *e)
{
    char ptr[PTR_MAX];
    const json_t *d;
    bool ok = false;
    int dist = -1;
    if (!json_is_object(j)) {
        type_error(v, base, K_OBJ);
        return false;
    }
    d = member(v, j, base, "dist", K_STR, true);
    if (d && (dist = dist_of(json_string_value(d))) < 0) {
        ptr_key(ptr, base, "dist");
        bad(v, ptr, "enum", "must be \"pert\", \"lognormal90\" or \"fixed\"",
            "\"pert\"、\"lognormal90\" 又は \"fixed\" を指定してください");
    }
    if (dist == RISK_DIST_LOGNORMAL90 && !kinds[kind].lognormal_ok) {
        ptr_key(ptr, base, "dist");
        bad(v, ptr, "dist_not_allowed",
            "a lognormal90 has no upper bound: use \"pert\" or \"fixed\" for a value from 0 to 1",
            "lognormal90 は上限がないため、0〜1 の値には \"pert\" 又は \"fixed\" を使ってください");
        dist = -2;
    }
    switch (dist) {
    case RISK_DIST_PERT:
        check_members(v, j, base, pert_keys, "a pert estimate", "pert 推定値");
        pert_check(v, j, base, kind, e, &ok);
        break;
    case RISK_DIST_LOGNORMAL90:
        check_members(v, j, base, lognormal_keys, "a lognormal90 estimate", "lognormal90 推定値");
        lognormal_check(v, j, base, kind, e, &ok);
        break;
    case RISK_DIST_FIXED:
        check_members(v, j, base, fixed_keys, "a fixed estimate", "fixed 推定値");
        ok = number(v, j, base, "value", kind, &e->low);
        e->mode = e->high = e->low;
        break;
    default:
        check_members(v, j, base, any_estimate_keys, "an estimate", "推定値");
        break;
    }
    if (ok)
        e->dist = (enum risk_dist)dist;
    return ok;
}

static bool estimate(struct vctx *v, const json_t *obj, const char *base, const char *key,
                     enum risk_kind kind, struct risk_estimate *e)
{
    char ptr[PTR_MAX];
    const json_t *j = json_object_get(obj, key);
    ptr_key(ptr, base, key);
    if (!j) {
        bad(v, ptr, "required", "is required", "必須項目です");
        return false;
    }
    return estimate_value(v, j, ptr, kind, e);
}

/* ---- scenario members ---- */

static void scenario_name(struct vctx *v, const json_t *j, const char *base,
                          struct risk_scenario *sc)
{
    char ptr[PTR_MAX], p2[PTR_MAX];
    const json_t *n = member(v, j, base, "name", K_OBJ, true), *s;
    const char *t;
    if (!n)
        return;
    ptr_key(ptr, base, "name");
    check_members(v, n, ptr, name_keys, "a name", "名称");
    if ((s = member(v, n, ptr, "ja", K_STR, true))) {
        ptr_key(p2, ptr, "ja");
        if ((t = text_value(v, s, p2, RISK_NAME_MAX)))
            sc->name_ja = xstrdup(t);
    }
    if ((s = member(v, n, ptr, "en", K_STR, true))) {
        ptr_key(p2, ptr, "en");
        if ((t = text_value(v, s, p2, RISK_NAME_MAX)))
            sc->name_en = xstrdup(t);
    }
}

static void scenario_resistance(struct vctx *v, const json_t *j, const char *base,
                                struct risk_scenario *sc)
{
    char ptr[PTR_MAX], p2[PTR_MAX];
    const json_t *r = json_object_get(j, "resistance"), *cats;
    ptr_key(ptr, base, "resistance");
    if (!r) {
        bad(v, ptr, "required", "is required with threat_capability",
            "threat_capability を指定する場合は必須です");
        return;
    }
    if (!json_is_object(r) || !json_object_get(r, "from_assessment")) {
        estimate_value(v, r, ptr, RISK_K_SCALE, &sc->resistance);
        return;
    }
    check_members(v, r, ptr, assessment_keys, "a resistance from an assessment",
                  "評価結果による抵抗力");
    if (!(cats = member(v, r, ptr, "from_assessment", K_ARR, true)))
        return;
    ptr_key(p2, ptr, "from_assessment");
    if (json_array_size(cats) == 0) {
        bad(v, p2, "too_few_items", "must name at least one category",
            "カテゴリーを1件以上指定してください");
        return;
    }
    sc->categories = string_list(v, cats, p2, RISK_CATEGORIES_MAX, true, &sc->ncategories);
}

static void scenario_susceptibility(struct vctx *v, const json_t *j, const char *base,
                                    struct risk_scenario *sc)
{
    char ptr[PTR_MAX];
    bool has_v = json_object_get(j, "vulnerability") != NULL;
    bool has_tc = json_object_get(j, "threat_capability") != NULL;
    bool has_rs = json_object_get(j, "resistance") != NULL;
    if (!has_v && !has_tc && !has_rs) {
        ptr_key(ptr, base, "vulnerability");
        bad(v, ptr, "required", "is required (or threat_capability with resistance)",
            "必須項目です（又は threat_capability と resistance の組）");
        return;
    }
    if (has_v && (has_tc || has_rs)) {
        ptr_key(ptr, base, has_tc ? "threat_capability" : "resistance");
        bad(v, ptr, "exclusive",
            "give either vulnerability, or threat_capability with resistance, not both",
            "vulnerability か、threat_capability と resistance "
            "の組か、どちらか一方を指定してください");
    }
    if (has_v)
        estimate(v, j, base, "vulnerability", RISK_K_PROBABILITY, &sc->vulnerability);
    if (!has_v)
        sc->susceptibility = RISK_BY_TCAP_RS;
    /* with vulnerability too, the pair is still checked (as far as it is given) */
    if (has_tc || !has_v)
        estimate(v, j, base, "threat_capability", RISK_K_SCALE, &sc->threat_capability);
    if (has_rs || !has_v)
        scenario_resistance(v, j, base, sc);
}

static void scenario_secondary(struct vctx *v, const json_t *j, const char *base,
                               struct risk_scenario *sc)
{
    char ptr[PTR_MAX];
    const json_t *s = member(v, j, base, "secondary", K_OBJ, false);
    if (!s)
        return;
    ptr_key(ptr, base, "secondary");
    check_members(v, s, ptr, secondary_keys, "secondary", "二次損失");
    sc->has_secondary = true;
    estimate(v, s, ptr, "probability", RISK_K_PROBABILITY, &sc->secondary_probability);
    estimate(v, s, ptr, "loss", RISK_K_AMOUNT, &sc->secondary_loss);
}

size_t risk_scenario_from_json(const json_t *j, const char *pointer, struct risk_scenario *out,
                               struct verr_list *errs)
{
    struct vctx v = {errs};
    size_t before = problems(&v);
    char ptr[PTR_MAX];
    const json_t *m;
    BUG_ON(strlen(pointer) > 256);
    if (!json_is_object(j)) {
        type_error(&v, pointer, K_OBJ);
        return problems(&v) - before;
    }
    check_members(&v, j, pointer, scenario_keys, "a scenario", "シナリオ");
    if ((m = member(&v, j, pointer, "id", K_STR, true))) {
        ptr_key(ptr, pointer, "id");
        if (id_ok(json_string_value(m), false))
            out->id = xstrdup(json_string_value(m));
        else
            id_error(&v, ptr, false);
    }
    scenario_name(&v, j, pointer, out);
    if ((m = member(&v, j, pointer, "assets", K_ARR, false))) {
        ptr_key(ptr, pointer, "assets");
        out->assets = string_list(&v, m, ptr, RISK_ASSETS_MAX, false, &out->nassets);
    }
    estimate(&v, j, pointer, "tef", RISK_K_FREQUENCY, &out->tef);
    scenario_susceptibility(&v, j, pointer, out);
    estimate(&v, j, pointer, "primary_loss", RISK_K_AMOUNT, &out->primary_loss);
    scenario_secondary(&v, j, pointer, out);
    return problems(&v) - before;
}

void risk_scenario_init(struct risk_scenario *sc)
{
    memset(sc, 0, sizeof(*sc));
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

static void request_numbers(struct vctx *v, const json_t *doc, struct risk_request *req)
{
    const json_t *j;
    if ((j = member(v, doc, "", "seed", K_INT, false))) {
        if (json_integer_value(j) < 0)
            bad(v, "/seed", "range", "must be a whole number ≥ 0",
                "0 以上の整数で指定してください");
        else
            req->seed = (uint64_t)json_integer_value(j);
    }
    if ((j = member(v, doc, "", "years", K_INT, false))) {
        if (json_integer_value(j) < 1 || json_integer_value(j) > RISK_YEARS_MAX)
            bad(v, "/years", "range", "must be a whole number from 1 to 10,000,000",
                "1〜10,000,000 の整数で指定してください");
        else
            req->years = json_integer_value(j);
    }
}

static void request_thresholds(struct vctx *v, const json_t *doc, struct risk_request *req)
{
    const json_t *arr = member(v, doc, "", "thresholds", K_ARR, false);
    char ptr[PTR_MAX];
    if (!arr)
        return;
    if (json_array_size(arr) > RISK_THRESHOLDS_MAX) {
        bad(v, "/thresholds", "too_many_items", "must have at most 32 items",
            "32件以内で指定してください");
        return;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *t = json_array_get(arr, i);
        double x = json_is_number(t) ? json_number_value(t) : 0.0;
        ptr_index(ptr, "/thresholds", i);
        if (!json_is_number(t))
            type_error(v, ptr, K_NUM);
        else if (!(x >= 0.0 && x <= RISK_AMOUNT_MAX))
            bad(v, ptr, "range", kinds[RISK_K_AMOUNT].en, kinds[RISK_K_AMOUNT].ja);
        else
            req->thresholds[req->nthresholds++] = x;
    }
}

static void request_scenarios(struct vctx *v, const json_t *doc, struct risk_request *req)
{
    const json_t *arr = member(v, doc, "", "scenarios", K_ARR, true);
    char ptr[PTR_MAX], p2[PTR_MAX];
    size_t n;
    if (!arr)
        return;
    n = json_array_size(arr);
    if (n == 0 || n > RISK_SCENARIOS_MAX) {
        bad(v, "/scenarios", n ? "too_many_items" : "too_few_items",
            "must have from 1 to 200 scenarios", "シナリオを1〜200件で指定してください");
        return;
    }
    req->scenarios = xcalloc(n, sizeof(*req->scenarios));
    req->nscenarios = n;
    for (size_t i = 0; i < n; i++) {
        struct risk_scenario *sc = &req->scenarios[i];
        ptr_index(ptr, "/scenarios", i);
        risk_scenario_init(sc);
        risk_scenario_from_json(json_array_get(arr, i), ptr, sc, v->errs);
        for (size_t k = 0; sc->id && k < i; k++)
            if (req->scenarios[k].id && !strcmp(req->scenarios[k].id, sc->id)) {
                ptr_key(p2, ptr, "id");
                bad(v, p2, "duplicate", "repeats the id of an earlier scenario",
                    "前のシナリオと同じ id です");
                break;
            }
    }
}

struct risk_request *risk_request_from_json(const json_t *doc, struct verr_list *errs)
{
    struct vctx v = {errs};
    size_t before = problems(&v);
    struct risk_request *req = xcalloc(1, sizeof(*req));
    req->seed = RISK_DEFAULT_SEED;
    req->years = RISK_DEFAULT_YEARS;
    if (!json_is_object(doc)) {
        type_error(&v, "", K_OBJ);
        goto out;
    }
    check_members(&v, doc, "", request_keys, "a simulation request", "シミュレーション要求");
    request_numbers(&v, doc, req);
    request_thresholds(&v, doc, req);
    request_scenarios(&v, doc, req);
    if (problems(&v) == before && risk_request_work(req) > RISK_EVENTS_MAX) {
        char en[256], ja[256];
        double w = risk_request_work(req);
        snprintf(en, sizeof(en),
                 "years × expected threat events a year = %.3g, above the limit of 1e10: "
                 "simulate fewer years or scenarios",
                 w);
        snprintf(ja, sizeof(ja),
                 "年数 × 年間の脅威イベント数の期待値 = %.3g で、上限 1e10 を超えています。"
                 "年数かシナリオを減らしてください",
                 w);
        bad(&v, "/years", "too_much_work", en, ja);
    }
out:
    if (problems(&v) == before)
        return req;
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
