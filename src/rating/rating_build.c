/*
 * rating_build.c — assembling and validating the rating document (assessment-and-risk.md,
 * "Rating report", with the Scores, Peers and Risk shapes it embeds).
 *
 * Validation gathers every problem with its JSON Pointer (STYLE.md, Errors). Besides types
 * and ranges it checks what a reader of the report would otherwise trust blindly: all six
 * functions are present once, tiers are ichigen's mapping of the score, quantiles are in
 * order, the exceedance curve falls, and a peer group is never smaller than its k.
 */
#include <math.h>

#include "rating_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

#define MAX_TEXT_CHARS 300
#define MAX_CATEGORIES 64
#define MAX_GAPS 50
#define MAX_YEN 1e15       /* 1,000 trillion yen: far above any organisation's loss */
#define MAX_YEARS 10000000 /* spec, "Risk": years ≤ 10,000,000 */
#define DEFAULT_K 5        /* spec, "Peers": default k */

struct vctx {
    struct verr_list *errs;
};

/* ---- reporting ---- */

static void problem(struct vctx *v, const char *at, const char *key, const char *code,
                    const char *en, const char *ja)
{
    char ptr[256], m_en[640], m_ja[640];
    /* pointers are short (our own keys, a few levels) and messages are literals: a cut
     * would only shorten a message, never overflow */
    if (snprintf(ptr, sizeof(ptr), "%s%s%s", at, key ? "/" : "", key ? key : "") >=
        (int)sizeof(ptr))
        ptr[sizeof(ptr) - 1] = '\0';
    if (snprintf(m_en, sizeof(m_en), "%s: %s", ptr[0] ? ptr : "/", en) >= (int)sizeof(m_en))
        m_en[sizeof(m_en) - 1] = '\0';
    if (snprintf(m_ja, sizeof(m_ja), "%s: %s", ptr[0] ? ptr : "/", ja) >= (int)sizeof(m_ja))
        m_ja[sizeof(m_ja) - 1] = '\0';
    verr_add(v->errs, ptr, code, m_en, m_ja);
}

/* Pointers are built from our own keys and indexes, a few levels deep: they fit. */
static void at_index(char *out, size_t n, const char *at, const char *key, size_t i)
{
    if (snprintf(out, n, "%s/%s/%zu", at, key, i) >= (int)n)
        BUG("JSON Pointer too long");
}

/* ---- typed field checks: each reports its own problem and says whether the value is usable */

static const json_t *field(struct vctx *v, const json_t *obj, const char *at, const char *key,
                           bool required)
{
    const json_t *x = json_object_get(obj, key);
    if ((!x || json_is_null(x)) && required)
        problem(v, at, key, "required", "is required", "必須です");
    return x && !json_is_null(x) ? x : NULL;
}

/* A finite number within [lo, hi]; null/absent allowed when !required. Returns true and sets
 * *out when the value is usable. (jansson cannot hold NaN or infinity: a NaN computed upstream
 * arrives here as null or a missing key, and is refused where the figure is required.) */
static bool num_in(struct vctx *v, const json_t *obj, const char *at, const char *key, double lo,
                   double hi, bool required, double *out)
{
    const json_t *x = field(v, obj, at, key, required);
    double d;
    *out = NAN;
    if (!x)
        return false;
    if (!json_is_number(x)) {
        problem(v, at, key, "type", "must be a number", "数値でなければなりません");
        return false;
    }
    d = json_number_value(x);
    if (!isfinite(d) || d < lo || d > hi) {
        char en[96], ja[96];
        snprintf(en, sizeof(en), "must be between %g and %g", lo, hi);
        snprintf(ja, sizeof(ja), "%g 以上 %g 以下でなければなりません", lo, hi);
        problem(v, at, key, "range", en, ja);
        return false;
    }
    *out = d;
    return true;
}

static bool int_in(struct vctx *v, const json_t *obj, const char *at, const char *key,
                   json_int_t lo, json_int_t hi, bool required, json_int_t *out)
{
    const json_t *x = field(v, obj, at, key, required);
    *out = 0;
    if (!x)
        return false;
    if (!json_is_integer(x)) {
        problem(v, at, key, "type", "must be an integer", "整数でなければなりません");
        return false;
    }
    if (json_integer_value(x) < lo || json_integer_value(x) > hi) {
        char en[96], ja[96];
        snprintf(en, sizeof(en), "must be between %lld and %lld", (long long)lo, (long long)hi);
        snprintf(ja, sizeof(ja), "%lld 以上 %lld 以下でなければなりません", (long long)lo,
                 (long long)hi);
        problem(v, at, key, "range", en, ja);
        return false;
    }
    *out = json_integer_value(x);
    return true;
}

static const char *str_in(struct vctx *v, const json_t *obj, const char *at, const char *key,
                          bool required)
{
    const json_t *x = field(v, obj, at, key, required);
    if (!x)
        return NULL;
    if (!json_is_string(x)) {
        problem(v, at, key, "type", "must be a string", "文字列でなければなりません");
        return NULL;
    }
    if (json_string_length(x) == 0 && required) {
        problem(v, at, key, "required", "must not be empty", "空にできません");
        return NULL;
    }
    if (json_string_length(x) > MAX_TEXT_CHARS * 4 ||
        jsonx_utf8_len(json_string_value(x), json_string_length(x)) > MAX_TEXT_CHARS) {
        problem(v, at, key, "too_long", "is longer than 300 characters", "300 文字を超えています");
        return NULL;
    }
    return json_string_value(x);
}

static void time_in(struct vctx *v, const json_t *obj, const char *at, const char *key)
{
    struct rtime_parsed t;
    const char *s = str_in(v, obj, at, key, true);
    if (s && rtime_parse_rfc3339(s, strlen(s), &t))
        problem(v, at, key, "format", "must be an RFC 3339 date-time with offset",
                "オフセット付きの RFC 3339 日時でなければなりません");
}

static const json_t *typed(struct vctx *v, const json_t *obj, const char *at, const char *key,
                           bool required, json_type type)
{
    const json_t *x = field(v, obj, at, key, required);
    if (!x)
        return NULL;
    if (json_typeof(x) != type) {
        bool arr = type == JSON_ARRAY;
        problem(v, at, key, "type", arr ? "must be an array" : "must be an object",
                arr ? "配列でなければなりません" : "オブジェクトでなければなりません");
        return NULL;
    }
    return x;
}

static const json_t *array_in(struct vctx *v, const json_t *obj, const char *at, const char *key,
                              bool required, size_t min, size_t max)
{
    const json_t *a = typed(v, obj, at, key, required, JSON_ARRAY);
    char en[96], ja[96];
    if (!a || (json_array_size(a) >= min && json_array_size(a) <= max))
        return a;
    snprintf(en, sizeof(en), "must have between %zu and %zu items", min, max);
    snprintf(ja, sizeof(ja), "要素数は %zu 以上 %zu 以下でなければなりません", min, max);
    problem(v, at, key, json_array_size(a) > max ? "too_many" : "too_few", en, ja);
    return NULL;
}

/* ---- organisation ---- */

static void check_org(struct vctx *v, const json_t *org)
{
    const char *at = "/organization";
    const char *ja, *en;
    str_in(v, org, at, "id", true);
    ja = str_in(v, org, at, "name_ja", false);
    en = str_in(v, org, at, "name_en", false);
    if ((!ja || !*ja) && (!en || !*en))
        problem(v, at, "name_ja", "required", "name_ja or name_en is required",
                "name_ja と name_en のどちらかが必要です");
    str_in(v, org, at, "sector", false);
    str_in(v, org, at, "size_band", false);
}

/* ---- scores ---- */

static void check_name(struct vctx *v, const json_t *item, const char *at)
{
    const json_t *name = typed(v, item, at, "name", false, JSON_OBJECT);
    char p[272]; /* at is at most 255 characters */
    if (!name)
        return;
    snprintf(p, sizeof(p), "%s/name", at);
    str_in(v, name, p, "ja", false);
    str_in(v, name, p, "en", false);
}

/* score (0–4 or null) and, when present, a tier that is ichigen's mapping of it. */
static void check_score_tier(struct vctx *v, const json_t *item, const char *at, bool tier_required)
{
    double score;
    json_int_t tier;
    bool has_score = num_in(v, item, at, "score", 0, 4, false, &score);
    bool has_tier = int_in(v, item, at, "tier", 1, 4, false, &tier);
    if (has_score && tier_required && !json_object_get(item, "tier"))
        problem(v, at, "tier", "required", "is required with a score",
                "スコアがあるときは必須です");
    if (has_score && has_tier && tier != rating_tier_of(score))
        problem(v, at, "tier", "tier_mismatch",
                "is not ichigen's tier for the score ([0,1.5)→1, [1.5,2.5)→2, [2.5,3.5)→3, "
                "[3.5,4]→4)",
                "スコアに対応するティアではありません ([0,1.5)→1、[1.5,2.5)→2、[2.5,3.5)→3、"
                "[3.5,4]→4)");
    if (!has_score && has_tier)
        problem(v, at, "tier", "tier_mismatch", "must be null without a score",
                "スコアがないときは null でなければなりません");
}

static void check_counts(struct vctx *v, const json_t *item, const char *at, bool required)
{
    static const char *const keys[] = {"answered", "not_applicable", "unanswered"};
    json_int_t n;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        int_in(v, item, at, keys[i], 0, 100000, required && i == 0, &n);
}

static void check_category(struct vctx *v, const json_t *c, const char *at)
{
    if (!json_is_object(c)) {
        problem(v, at, NULL, "type", "must be an object", "オブジェクトでなければなりません");
        return;
    }
    str_in(v, c, at, "id", true); /* "GV.OC" in CSF, "SME.GV" in the quick check */
    check_score_tier(v, c, at, false);
    check_counts(v, c, at, true);
    check_name(v, c, at);
}

static void check_function(struct vctx *v, const json_t *f, const char *at, bool seen[])
{
    const json_t *cats;
    const char *id;
    char p[256];
    int idx;
    if (!json_is_object(f)) {
        problem(v, at, NULL, "type", "must be an object", "オブジェクトでなければなりません");
        return;
    }
    id = str_in(v, f, at, "id", true);
    idx = id ? rating_function_index(id) : -1;
    if (id && idx < 0)
        problem(v, at, "id", "enum", "must be one of GV, ID, PR, DE, RS, RC",
                "GV, ID, PR, DE, RS, RC のいずれかでなければなりません");
    if (idx >= 0 && seen[idx])
        problem(v, at, "id", "duplicate", "appears twice", "重複しています");
    if (idx >= 0)
        seen[idx] = true;
    check_score_tier(v, f, at, true);
    check_counts(v, f, at, false);
    check_name(v, f, at);
    cats = array_in(v, f, at, "categories", true, 0, MAX_CATEGORIES);
    for (size_t i = 0; cats && idx >= 0 && i < json_array_size(cats); i++) {
        at_index(p, sizeof(p), at, "categories", i);
        check_category(v, json_array_get(cats, i), p);
    }
}

static void check_functions(struct vctx *v, const json_t *a, const char *at)
{
    const json_t *fns = array_in(v, a, at, "functions", true, 1, 32);
    bool seen[RATING_FUNCTIONS] = {false};
    char p[256];
    if (!fns)
        return;
    for (size_t i = 0; i < json_array_size(fns); i++) {
        at_index(p, sizeof(p), at, "functions", i);
        check_function(v, json_array_get(fns, i), p, seen);
    }
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        char en[96], ja[96];
        if (seen[i])
            continue;
        snprintf(en, sizeof(en), "function %s is missing (all six CSF functions are required)",
                 rating_functions[i].id);
        snprintf(ja, sizeof(ja), "機能 %s がありません (CSF の 6 機能すべてが必要です)",
                 rating_functions[i].id);
        problem(v, at, "functions", "missing_function", en, ja);
    }
}

static void check_gaps(struct vctx *v, const json_t *a, const char *at)
{
    const json_t *gaps = array_in(v, a, at, "gaps", true, 0, MAX_GAPS);
    char p[256];
    double s;
    for (size_t i = 0; gaps && i < json_array_size(gaps); i++) {
        const json_t *g = json_array_get(gaps, i);
        const char *fn;
        at_index(p, sizeof(p), at, "gaps", i);
        if (!json_is_object(g)) {
            problem(v, p, NULL, "type", "must be an object", "オブジェクトでなければなりません");
            continue;
        }
        str_in(v, g, p, "category", true);
        fn = str_in(v, g, p, "function", true);
        if (fn && rating_function_index(fn) < 0)
            problem(v, p, "function", "enum", "must be one of GV, ID, PR, DE, RS, RC",
                    "GV, ID, PR, DE, RS, RC のいずれかでなければなりません");
        num_in(v, g, p, "score", 0, 4, true, &s);
    }
}

static void check_assessment(struct vctx *v, const json_t *a)
{
    const char *at = "/assessment";
    const json_t *overall;
    double d;
    str_in(v, a, at, "id", true);
    time_in(v, a, at, "submitted_at");
    str_in(v, a, at, "framework", true);
    str_in(v, a, at, "framework_version", true);
    str_in(v, a, at, "method", true);
    overall = typed(v, a, at, "overall", true, JSON_OBJECT);
    if (overall) {
        char p[] = "/assessment/overall";
        if (!json_object_get(overall, "score") || json_is_null(json_object_get(overall, "score")))
            problem(v, p, "score", "required", "is required", "必須です");
        check_score_tier(v, overall, p, true);
        check_counts(v, overall, p, true);
        num_in(v, overall, p, "completeness", 0, 1, true, &d);
    }
    check_functions(v, a, at);
    check_gaps(v, a, at);
}

/* ---- peers ---- */

/* average, median, percentile (null when fewer than k peers have a figure) and their n. */
static void check_peer_stats(struct vctx *v, const json_t *s, const char *at, json_int_t k)
{
    double avg, d;
    json_int_t n;
    bool has_avg = num_in(v, s, at, "average", 0, 4, false, &avg);
    num_in(v, s, at, "median", 0, 4, false, &d);
    num_in(v, s, at, "percentile", 0, 100, false, &d);
    num_in(v, s, at, "score", 0, 4, false, &d);
    if (int_in(v, s, at, "n", 0, 100000000, false, &n) && has_avg && n < k)
        problem(v, at, "n", "peers_below_k",
                "figures rest on fewer than k organisations; they must be null",
                "k 社未満の組織に基づく数値です。null でなければなりません");
}

static void check_peer_functions(struct vctx *v, const json_t *peers, const char *at, json_int_t k)
{
    const json_t *fns = array_in(v, peers, at, "functions", true, 0, 32);
    bool seen[RATING_FUNCTIONS] = {false};
    char p[256];
    for (size_t i = 0; fns && i < json_array_size(fns); i++) {
        const json_t *f = json_array_get(fns, i);
        const char *id;
        int idx;
        at_index(p, sizeof(p), at, "functions", i);
        if (!json_is_object(f)) {
            problem(v, p, NULL, "type", "must be an object", "オブジェクトでなければなりません");
            continue;
        }
        id = str_in(v, f, p, "id", true);
        idx = id ? rating_function_index(id) : -1;
        if (id && idx < 0)
            problem(v, p, "id", "enum", "must be one of GV, ID, PR, DE, RS, RC",
                    "GV, ID, PR, DE, RS, RC のいずれかでなければなりません");
        else if (idx >= 0 && seen[idx])
            problem(v, p, "id", "duplicate", "appears twice", "重複しています");
        if (idx >= 0)
            seen[idx] = true;
        check_peer_stats(v, f, p, k);
    }
}

static void check_peers(struct vctx *v, const json_t *peers)
{
    const char *at = "/peers";
    const json_t *group = typed(v, peers, at, "group", true, JSON_OBJECT);
    const json_t *overall;
    json_int_t n = 0, k = DEFAULT_K;
    bool has_n;
    if (group) {
        const char *basis = str_in(v, group, "/peers/group", "basis", true);
        if (basis && !rating_basis_name(basis, false))
            problem(v, "/peers/group", "basis", "enum",
                    "must be sector+size_band, sector, size_band or all",
                    "sector+size_band、sector、size_band、all のいずれかでなければなりません");
        str_in(v, group, "/peers/group", "sector", false);
        str_in(v, group, "/peers/group", "size_band", false);
    }
    has_n = int_in(v, peers, at, "n", 1, 100000000, true, &n);
    int_in(v, peers, at, "k", 1, 1000, false, &k);
    if (!json_object_get(peers, "k"))
        k = DEFAULT_K;
    /* k-anonymity (spec, "Peers"): a group smaller than k must never be shown. */
    if (has_n && k > 0 && n < k)
        problem(v, at, "n", "peers_below_k",
                "the peer group is smaller than k; a comparison would expose its members",
                "比較グループが k 社未満です。比較を示すと個々の組織が推測されます");
    overall = typed(v, peers, at, "overall", true, JSON_OBJECT);
    if (overall)
        check_peer_stats(v, overall, "/peers/overall", k);
    check_peer_functions(v, peers, at, k);
}

/* ---- risk ---- */

static void check_exceedance(struct vctx *v, const json_t *s, const char *at)
{
    const json_t *ex = array_in(v, s, at, "exceedance", true, 0, RATING_MAX_THRESHOLDS);
    char p[256];
    double d;
    for (size_t i = 0; ex && i < json_array_size(ex); i++) {
        const json_t *e = json_array_get(ex, i);
        at_index(p, sizeof(p), at, "exceedance", i);
        if (!json_is_object(e)) {
            problem(v, p, NULL, "type", "must be an object", "オブジェクトでなければなりません");
            continue;
        }
        num_in(v, e, p, "threshold", 0, MAX_YEN, true, &d);
        num_in(v, e, p, "probability", 0, 1, true, &d);
    }
}

static void check_curve(struct vctx *v, const json_t *s, const char *at, bool required)
{
    const json_t *c = array_in(v, s, at, "lec", required, 0, RATING_MAX_CURVE_POINTS);
    double prev_loss = -1, prev_p = 2, loss, p;
    char ptr[256];
    for (size_t i = 0; c && i < json_array_size(c); i++) {
        const json_t *pt = json_array_get(c, i);
        at_index(ptr, sizeof(ptr), at, "lec", i);
        if (!json_is_object(pt)) {
            problem(v, ptr, NULL, "type", "must be an object", "オブジェクトでなければなりません");
            continue;
        }
        bool ok = num_in(v, pt, ptr, "loss", 0, MAX_YEN, true, &loss);
        ok = num_in(v, pt, ptr, "probability", 0, 1, true, &p) && ok;
        if (ok && (loss < prev_loss || p > prev_p))
            problem(v, ptr, NULL, "order",
                    "curve points must have ascending loss and non-increasing probability",
                    "曲線の点は損失額の昇順かつ確率が増えない順でなければなりません");
        if (ok) {
            prev_loss = loss;
            prev_p = p;
        }
    }
}

/* mean, stdev, quantiles and max: finite yen ≥ 0, quantiles in order. */
static void check_stats(struct vctx *v, const json_t *s, const char *at, bool curve_required)
{
    static const char *const q[] = {"p10", "p50", "p90", "p95", "p99", "max"};
    double d, prev = -1;
    bool ordered = true;
    num_in(v, s, at, "mean", 0, MAX_YEN, true, &d);
    num_in(v, s, at, "stdev", 0, MAX_YEN, false, &d); /* null for a single year */
    num_in(v, s, at, "p_loss", 0, 1, false, &d);
    for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
        if (!num_in(v, s, at, q[i], 0, MAX_YEN, true, &d))
            continue;
        if (d < prev && ordered) {
            problem(v, at, q[i], "order", "quantiles must satisfy p10 ≤ p50 ≤ … ≤ p99 ≤ max",
                    "分位点は p10 ≤ p50 ≤ … ≤ p99 ≤ max の順でなければなりません");
            ordered = false;
        }
        prev = d;
    }
    check_exceedance(v, s, at);
    check_curve(v, s, at, curve_required);
}

static void check_scenarios(struct vctx *v, const json_t *risk)
{
    const json_t *sc = array_in(v, risk, "/risk", "scenarios", true, 0, RATING_MAX_SCENARIOS);
    char p[256], pn[300];
    for (size_t i = 0; sc && i < json_array_size(sc); i++) {
        const json_t *s = json_array_get(sc, i);
        const json_t *name;
        at_index(p, sizeof(p), "/risk", "scenarios", i);
        if (!json_is_object(s)) {
            problem(v, p, NULL, "type", "must be an object", "オブジェクトでなければなりません");
            continue;
        }
        str_in(v, s, p, "id", true);
        name = typed(v, s, p, "name", false, JSON_OBJECT);
        snprintf(pn, sizeof(pn), "%s/name", p);
        if (name) {
            str_in(v, name, pn, "ja", false);
            str_in(v, name, pn, "en", false);
        }
        check_stats(v, s, p, false);
    }
}

static void check_risk(struct vctx *v, const json_t *risk)
{
    const json_t *th, *port;
    json_int_t n;
    char p[256];
    int_in(v, risk, "/risk", "seed", INT64_MIN, INT64_MAX, true, &n); /* uint64 bits */
    int_in(v, risk, "/risk", "years", 1, MAX_YEARS, true, &n);
    th = array_in(v, risk, "/risk", "thresholds", false, 0, RATING_MAX_THRESHOLDS);
    for (size_t i = 0; th && i < json_array_size(th); i++) {
        snprintf(p, sizeof(p), "%zu", i);
        if (!json_is_number(json_array_get(th, i)) || json_number_value(json_array_get(th, i)) <= 0)
            problem(v, "/risk/thresholds", p, "range", "must be a positive amount",
                    "正の金額でなければなりません");
    }
    port = typed(v, risk, "/risk", "portfolio", true, JSON_OBJECT);
    if (port)
        check_stats(v, port, "/risk/portfolio", true);
    check_scenarios(v, risk);
}

/* ---- the document ---- */

int rating_validate(const json_t *rating, struct verr_list *errs)
{
    struct vctx v = {.errs = errs};
    size_t before = errs->n + errs->dropped;
    const json_t *x;
    const char *lang;
    if (!json_is_object(rating)) {
        problem(&v, "", NULL, "type", "must be an object", "オブジェクトでなければなりません");
        return RATING_EINVALID;
    }
    if ((x = typed(&v, rating, "", "organization", true, JSON_OBJECT)))
        check_org(&v, x);
    time_in(&v, rating, "", "generated_at");
    lang = str_in(&v, rating, "", "language", true);
    if (lang && strcmp(lang, "ja") && strcmp(lang, "en"))
        problem(&v, "", "language", "enum", "must be \"ja\" or \"en\"",
                "\"ja\" か \"en\" でなければなりません");
    if ((x = typed(&v, rating, "", "assessment", true, JSON_OBJECT)))
        check_assessment(&v, x);
    if ((x = typed(&v, rating, "", "peers", false, JSON_OBJECT)))
        check_peers(&v, x);
    if ((x = typed(&v, rating, "", "risk", false, JSON_OBJECT)))
        check_risk(&v, x);
    return errs->n + errs->dropped > before ? RATING_EINVALID : RATING_OK;
}

static json_t *copy_or_null(const json_t *j)
{
    return j && !json_is_null(j) ? json_deep_copy(j) : json_null();
}

json_t *rating_build(const json_t *org, const json_t *assessment, const json_t *peers,
                     const json_t *risk, int64_t now_ms, const char *lang, struct verr_list *errs)
{
    char when[32];
    json_t *doc = json_object();
    rtime_format_utc(now_ms, when, sizeof(when));
    /* assess_peers says "no comparison" with a null group (spec, "Peers": none reached k) */
    if (json_is_object(peers) && (json_is_null(json_object_get(peers, "group")) ||
                                  !strcmp(rating_str(peers, "status"), "insufficient")))
        peers = NULL;
    json_object_set_new(doc, "organization", copy_or_null(org));
    json_object_set_new(doc, "generated_at", json_string(when));
    json_object_set_new(doc, "language", lang ? json_string(lang) : json_null());
    json_object_set_new(doc, "assessment", copy_or_null(assessment));
    json_object_set_new(doc, "peers", copy_or_null(peers));
    json_object_set_new(doc, "risk", copy_or_null(risk));
    if (rating_validate(doc, errs)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* ---- reading a validated document ---- */

double rating_num(const json_t *obj, const char *key)
{
    const json_t *x = json_object_get(obj, key);
    return json_is_number(x) ? json_number_value(x) : NAN;
}

const char *rating_str(const json_t *obj, const char *key)
{
    const json_t *x = json_object_get(obj, key);
    return json_is_string(x) ? json_string_value(x) : "";
}

json_t *rating_find_function(const json_t *functions, const char *id)
{
    size_t i;
    json_t *f;
    json_array_foreach(functions, i, f)
    {
        if (!strcmp(rating_str(f, "id"), id))
            return f;
    }
    return NULL;
}

const char *rating_display_name(const json_t *item, const char *id, bool ja)
{
    const json_t *name = json_object_get(item, "name");
    const char *s = rating_str(name, ja ? "ja" : "en");
    const struct rating_label *l;
    int fi;
    if (*s)
        return s;
    if ((fi = rating_function_index(id)) >= 0)
        return ja ? rating_functions[fi].ja : rating_functions[fi].en;
    if ((l = rating_category_label(id)))
        return ja ? l->ja : l->en;
    s = rating_str(name, ja ? "en" : "ja");
    return *s ? s : NULL;
}
