/*
 * rating_text.c — the report's words: CSF 2.0 function and category titles, ichigen's tier
 * names, peer-group bases, every sentence of the PDF in Japanese and English, and number/yen
 * formatting.
 *
 * Function and category titles follow the structure of NIST CSWP 29 (CSF 2.0 core); the
 * Japanese titles are our own short wording. The tier names label ichigen's score bands
 * (assessment-and-risk.md, "Scores"), not NIST's tier definitions.
 */
#include <math.h>

#include "rating_int.h"
#include "../report/report.h"

const struct rating_label rating_functions[RATING_FUNCTIONS] = {
    {"GV", "統治", "Govern"}, {"ID", "識別", "Identify"}, {"PR", "防御", "Protect"},
    {"DE", "検知", "Detect"}, {"RS", "対応", "Respond"},  {"RC", "復旧", "Recover"},
};

static const struct rating_label categories[] = {
    {"GV.OC", "組織の状況", "Organizational Context"},
    {"GV.RM", "リスクマネジメント戦略", "Risk Management Strategy"},
    {"GV.RR", "役割・責任・権限", "Roles, Responsibilities, and Authorities"},
    {"GV.PO", "方針", "Policy"},
    {"GV.OV", "監督", "Oversight"},
    {"GV.SC", "サプライチェーンリスク管理", "Cybersecurity Supply Chain Risk Management"},
    {"ID.AM", "資産管理", "Asset Management"},
    {"ID.RA", "リスクアセスメント", "Risk Assessment"},
    {"ID.IM", "改善", "Improvement"},
    {"PR.AA", "ID管理・認証・アクセス制御",
     "Identity Management, Authentication, and Access Control"},
    {"PR.AT", "意識向上・訓練", "Awareness and Training"},
    {"PR.DS", "データセキュリティ", "Data Security"},
    {"PR.PS", "プラットフォームセキュリティ", "Platform Security"},
    {"PR.IR", "技術基盤のレジリエンス", "Technology Infrastructure Resilience"},
    {"DE.CM", "継続的モニタリング", "Continuous Monitoring"},
    {"DE.AE", "有害事象の分析", "Adverse Event Analysis"},
    {"RS.MA", "インシデント管理", "Incident Management"},
    {"RS.AN", "インシデント分析", "Incident Analysis"},
    {"RS.CO", "インシデント対応の報告と連絡", "Incident Response Reporting and Communication"},
    {"RS.MI", "インシデントの封じ込め・低減", "Incident Mitigation"},
    {"RC.RP", "復旧計画の実行", "Incident Recovery Plan Execution"},
    {"RC.CO", "復旧に関する連絡", "Incident Recovery Communication"},
};

int rating_function_index(const char *id)
{
    for (int i = 0; i < RATING_FUNCTIONS; i++)
        if (!strcmp(rating_functions[i].id, id))
            return i;
    return -1;
}

const struct rating_label *rating_category_label(const char *id)
{
    for (size_t i = 0; i < ARRAY_SIZE(categories); i++)
        if (!strcmp(categories[i].id, id))
            return &categories[i];
    return NULL;
}

int rating_tier_of(double score)
{
    return score < 1.5 ? 1 : score < 2.5 ? 2 : score < 3.5 ? 3 : 4;
}

const char *rating_tier_name(int tier, bool ja)
{
    static const char *const names[4][2] = {
        {"部分的", "Partial"},
        {"リスク情報活用", "Risk Informed"},
        {"反復可能", "Repeatable"},
        {"適応", "Adaptive"},
    };
    if (tier < 1 || tier > 4)
        return "";
    return names[tier - 1][ja ? 0 : 1];
}

static const struct {
    const char *basis, *ja, *en;
} bases[] = {
    {"sector+size_band", "同業種・同規模", "Same sector & size band"},
    {"sector", "同業種", "Same sector"},
    {"size_band", "同規模", "Same size band"},
    {"all", "全組織", "All organisations"},
};

const char *rating_basis_name(const char *basis, bool ja)
{
    for (size_t i = 0; i < ARRAY_SIZE(bases); i++)
        if (!strcmp(bases[i].basis, basis))
            return ja ? bases[i].ja : bases[i].en;
    return NULL;
}

/* Size bands as organisations record them (src/account/account.c). */
static const struct rf_enum size_bands[] = {
    {"micro", "小規模（10人未満）", "micro (< 10 staff)"},
    {"small", "小企業（50人未満）", "small (< 50 staff)"},
    {"medium", "中企業（250人未満）", "medium (< 250 staff)"},
    {"large", "大企業（250人以上）", "large (250+ staff)"},
    {0}};

static const char *label_of(const struct rf_enum *vals, const char *id, bool ja)
{
    for (const struct rf_enum *e = vals; e->value; e++)
        if (!strcmp(e->value, id))
            return ja ? e->ja : e->en;
    return id; /* an id we have no words for is still better than nothing */
}

const char *rating_sector_label(const char *id, bool ja)
{
    if (!strcmp(id, "none"))
        return ja ? "重要インフラ以外" : "not critical infrastructure";
    return label_of(report_ci_sector_values, id, ja);
}

const char *rating_size_label(const char *id, bool ja)
{
    return label_of(size_bands, id, ja);
}

static const struct rating_text text_ja = {
    .doc_kind = "サイバーセキュリティ成熟度 レーティングレポート",
    .self_assessment = "自己評価",
    .self_assessment_note =
        "本レポートは組織自身の回答に基づく自己評価です。第三者による監査・認証ではありません。",
    .generated = "作成日",
    .framework = "フレームワーク",
    .submitted = "評価の提出日",
    .assessment_id = "評価ID",
    .sector_size = "業種・規模",
    .jst = "日本時間",
    .overall = "総合スコア",
    .tier = "ティア",
    .completeness = "回答率",
    .answered_fmt = "回答 %s ・ 該当なし %s ・ 未回答 %s",
    .peer_card = "ピア比較",
    .peer_avg = "ピア平均",
    .percentile = "パーセンタイル",
    .no_peers_short = "比較対象なし",
    .risk_card = "年間損失額の平均 (推計)",
    .no_risk_short = "リスク定量化なし",
    .mean_loss = "年間損失額の平均",
    .radar_title = "機能別スコア",
    .radar_self = "自社 (自己評価)",
    .radar_peer_fmt = "ピア平均 (%s、n = %s)",
    .radar_no_peers =
        "ピア比較は表示していません。比較に必要な数の他組織がそろう比較グループがありません。",
    .radar_unanswered = "未回答",
    .scores_title = "機能・カテゴリ別スコア",
    .col_id = "ID",
    .col_name = "名称",
    .col_score = "スコア",
    .col_tier = "ティア",
    .col_peer = "ピア平均",
    .col_answered = "回答",
    .unanswered = "未回答",
    .gaps_title = "改善の優先候補 (スコアの低いカテゴリ)",
    .col_rank = "順位",
    .col_function = "機能",
    .gaps_none = "ギャップは算出されていません。",
    .risk_title = "サイバーリスクの定量化 (FAIR・モンテカルロ法)",
    .risk_intro_fmt = "%s 年分の年間損失を模擬した結果です (シナリオ %s 件、乱数シード %s)。",
    .stat_mean = "平均",
    .stat_p50 = "中央値 (P50)",
    .stat_p90 = "P90",
    .stat_p95 = "P95",
    .stat_p99 = "P99",
    .stat_stdev = "標準偏差",
    .stat_max = "最大",
    .exceed_title = "年間損失がしきい値を超える確率",
    .exceed_fmt = "%s 超",
    .lec_title = "損失超過曲線 (LEC)",
    .lec_x = "年間損失額 (対数目盛)",
    .lec_y = "超過確率",
    .lec_portfolio = "全シナリオ合計",
    .scen_title = "シナリオ別の年間損失額",
    .col_scenario = "シナリオ",
    .scen_more_fmt = "ほか %s 件のシナリオは省略しています (合計には含まれます)。",
    .no_risk_title = "サイバーリスクの定量化",
    .no_risk_body =
        "このレポートにはリスク定量化 (FAIR・モンテカルロ法) の結果が含まれていません。"
        "シナリオを登録してシミュレーションを実行すると、年間損失額の推計と損失超過曲線が"
        "加わります。",
    .method_title = "算出方法と留意事項",
    .m_scoring_h = "スコアの算出",
    .m_scoring_fmt =
        "各設問の回答 (0〜4) の加重平均をカテゴリのスコア、カテゴリの加重平均を機能の"
        "スコアとし、総合スコアは回答のある機能の単純平均です (方式 %s)。「該当なし」と"
        "未回答の設問は計算に含めません。今回の回答率は %s です。",
    .m_tier_h = "ティア",
    .m_tier = "ティアは ichigen 独自の区分です: 1.5 未満 → 1 部分的、1.5 以上 2.5 未満 → 2 "
              "リスク情報活用、2.5 以上 3.5 未満 → 3 反復可能、3.5 以上 → 4 適応。NIST CSF の"
              "ティアはリスク管理の厳格さを表すもので、点数の区分ではありません。",
    .m_peers_h = "ピア比較",
    .m_peers_fmt =
        "比較グループは「%s」(他組織 %s 社) です。グループは 同業種・同規模 → 同業種 → "
        "同規模 → 全組織 の順に、他組織が %s 社以上そろう最初のものを使います (k-匿名性)。"
        "各組織の名称やスコアは示しません。パーセンタイルは自社より低いピアの割合に同点の"
        "半分を加えた値 (0〜100) です。",
    .m_no_peers = "他組織が k 社 (既定 5 社) 以上そろう比較グループがないため、ピア比較は表示して"
                  "いません。少数のグループから個々の組織が推測されるのを防ぐためです。",
    .m_risk_h = "リスクの定量化",
    .m_risk_fmt =
        "FAIR (Factor Analysis of Information Risk) の考え方により、シナリオごとに脅威"
        "事象の頻度、脆弱性 (または脅威能力と抵抗力)、一次損失・二次損失を確率分布で与え、"
        "%s 年分をモンテカルロ法で模擬しました (乱数シード %s。同じ入力とシードからは同じ"
        "結果が得られます)。金額は校正された入力に基づく推計であり、将来の損失を予測・"
        "保証するものではありません。",
    .m_no_risk = "このレポートにはリスク定量化の結果が含まれていません。",
    .m_caveats_h = "留意事項",
    .m_caveats =
        "本レポートは自己評価に基づくもので、回答の正確性は第三者により検証されていません。"
        "保険の引受や開示資料に用いる場合は、根拠資料の確認を併せて行ってください。日付は"
        "日本時間です。",
    .m_framework_h = "フレームワーク",
    .m_framework =
        "NIST サイバーセキュリティフレームワーク (CSF) 2.0 の機能とカテゴリに基づきます。"
        "設問とカテゴリ名の日本語は ichigen 独自の表現です。本レポートは NIST の承認・"
        "認証を受けたものではありません。",
    .m_framework_sme =
        "中小企業向けクイックチェックは、NIST サイバーセキュリティフレームワーク (CSF) 2.0 "
        "の 6 つの機能に沿って ichigen が独自にまとめた簡易版の設問です。CSF の全カテゴリを"
        "網羅するものではなく、本レポートは NIST の承認・認証を受けたものではありません。",
    .m_framework_other_fmt = "設問票「%s」に基づき、CSF 2.0 の 6 つの機能ごとに集計しています。",
    .page_fmt = "%d / %d",
    .any_loss = "損失の発生",
    .inputs_title = "シナリオの前提 (校正された推定値)",
    .col_tef = "脅威事象 (回/年)",
    .col_susc = "脆弱性 / 脅威能力と抵抗力",
    .col_primary = "一次損失 (1件あたり)",
    .col_secondary = "二次損失 (確率・額)",
    .inputs_note = "「最頻値 (最小–最大)」は修正PERT分布、「(90%)」は 5〜95 パーセンタイルで与えた"
                   "対数正規分布です。V は脅威事象が損失事象になる確率、TCap と RS は脅威能力と"
                   "抵抗力 (0〜1) で、「←」は評価結果のカテゴリから導いた抵抗力を表します。",
};

static const struct rating_text text_en = {
    .doc_kind = "Cyber Security Maturity Rating Report",
    .self_assessment = "Self-assessment",
    .self_assessment_note = "This report rests on the organisation's own answers. It is a "
                            "self-assessment, not an independent audit or certification.",
    .generated = "Generated",
    .framework = "Framework",
    .submitted = "Assessment submitted",
    .assessment_id = "Assessment ID",
    .sector_size = "Sector / size band",
    .jst = "JST",
    .overall = "Overall score",
    .tier = "Tier",
    .completeness = "Completeness",
    .answered_fmt = "answered %s · not applicable %s · unanswered %s",
    .peer_card = "Peer comparison",
    .peer_avg = "Peer average",
    .percentile = "Percentile",
    .no_peers_short = "No peer group",
    .risk_card = "Mean annual loss (estimate)",
    .no_risk_short = "Not quantified",
    .mean_loss = "Mean annual loss",
    .radar_title = "Scores by function",
    .radar_self = "Your organisation (self-assessed)",
    .radar_peer_fmt = "Peer average (%s, n = %s)",
    .radar_no_peers = "No peer comparison is shown: no peer group has enough other organisations.",
    .radar_unanswered = "unanswered",
    .scores_title = "Scores by function and category",
    .col_id = "ID",
    .col_name = "Name",
    .col_score = "Score",
    .col_tier = "Tier",
    .col_peer = "Peer avg.",
    .col_answered = "Answered",
    .unanswered = "unanswered",
    .gaps_title = "Improvement priorities (lowest-scoring categories)",
    .col_rank = "#",
    .col_function = "Function",
    .gaps_none = "No gaps were computed.",
    .risk_title = "Quantified cyber risk (FAIR, Monte Carlo)",
    .risk_intro_fmt = "Results of simulating %s years of annual loss (%s scenarios, seed %s).",
    .stat_mean = "Mean",
    .stat_p50 = "Median (P50)",
    .stat_p90 = "P90",
    .stat_p95 = "P95",
    .stat_p99 = "P99",
    .stat_stdev = "Std. deviation",
    .stat_max = "Maximum",
    .exceed_title = "Probability that the annual loss exceeds",
    .exceed_fmt = "over %s",
    .lec_title = "Loss exceedance curve (LEC)",
    .lec_x = "Annual loss (log scale)",
    .lec_y = "Probability of exceeding",
    .lec_portfolio = "All scenarios",
    .scen_title = "Annual loss by scenario",
    .col_scenario = "Scenario",
    .scen_more_fmt = "%s more scenarios are not listed (they are included in the total).",
    .no_risk_title = "Quantified cyber risk",
    .no_risk_body = "This report contains no risk quantification (FAIR Monte Carlo). Once "
                    "scenarios are entered and simulated, annual loss estimates and a loss "
                    "exceedance curve are added.",
    .method_title = "Method and caveats",
    .m_scoring_h = "Scoring",
    .m_scoring_fmt = "A category's score is the weighted mean of its answers (0-4), a function's "
                     "the weighted mean of its categories, and the overall score the plain mean "
                     "of the answered functions (method %s). Not-applicable and unanswered "
                     "questions are left out. Completeness of this assessment: %s.",
    .m_tier_h = "Tiers",
    .m_tier = "Tiers are ichigen's own bands: below 1.5 → 1 Partial, 1.5 to below 2.5 → 2 Risk "
              "Informed, 2.5 to below 3.5 → 3 Repeatable, 3.5 and above → 4 Adaptive. NIST's CSF "
              "tiers describe the rigour of risk management; they are not score bands.",
    .m_peers_h = "Peer comparison",
    .m_peers_fmt = "The peer group is \"%s\" (%s other organisations). Groups are tried in the "
                   "order sector and size band → sector → size band → all, and the first with at "
                   "least %s other organisations is used (k-anonymity). No organisation's name or "
                   "score is shown. The percentile is the share of peers scoring lower plus half "
                   "of the ties (0-100).",
    .m_no_peers = "No peer group has at least k (by default 5) other organisations, so no "
                  "comparison is shown: a small group could reveal individual organisations.",
    .m_risk_h = "Risk quantification",
    .m_risk_fmt = "Following FAIR (Factor Analysis of Information Risk), each scenario gives "
                  "distributions for threat event frequency, vulnerability (or threat capability "
                  "and resistance) and primary and secondary loss; %s years were simulated by "
                  "Monte Carlo (seed %s; the same inputs and seed give the same results). The "
                  "amounts are estimates from calibrated inputs, not a forecast or guarantee of "
                  "future losses.",
    .m_no_risk = "This report contains no risk quantification.",
    .m_caveats_h = "Caveats",
    .m_caveats = "This report is based on a self-assessment; the answers have not been verified "
                 "by a third party. Check the supporting evidence before using it for insurance "
                 "underwriting or disclosure. Dates are in Japan Standard Time.",
    .m_framework_h = "Framework",
    .m_framework = "Based on the functions and categories of the NIST Cybersecurity Framework "
                   "(CSF) 2.0. The questions are ichigen's own wording. This report is not "
                   "endorsed or certified by NIST.",
    .m_framework_sme =
        "The SME quick check is ichigen's own short questionnaire grouped under the six "
        "functions of the NIST Cybersecurity Framework (CSF) 2.0. It does not cover "
        "every CSF category, and this report is not endorsed or certified by NIST.",
    .m_framework_other_fmt = "Based on the questionnaire \"%s\", totalled under the six CSF 2.0 "
                             "functions.",
    .page_fmt = "%d / %d",
    .any_loss = "any loss",
    .inputs_title = "Scenario inputs (calibrated estimates)",
    .col_tef = "Threat events / year",
    .col_susc = "Vulnerability / TCap vs RS",
    .col_primary = "Primary loss / event",
    .col_secondary = "Secondary (prob., loss)",
    .inputs_note = "\"mode (min–max)\" is a modified PERT distribution, \"(90%)\" a lognormal "
                   "given by its 5th and 95th percentiles. V is the probability that a threat "
                   "event becomes a loss event; TCap and RS are threat capability and resistance "
                   "(0-1), and \"←\" marks a resistance derived from the assessment's categories.",
};

const struct rating_text *rating_text_for(bool ja)
{
    return ja ? &text_ja : &text_en;
}

/* ---- numbers ---- */

char *rating_format_int(double v, char *out, size_t n)
{
    char digits[32];
    size_t len, o = 0;
    long long x;
    if (!isfinite(v) || fabs(v) > 9.0e18) {
        xstrlcpy(out, "-", n);
        return out;
    }
    x = llround(v);
    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(x < 0 ? -x : x));
    len = strlen(digits);
    if (x < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < n)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

char *rating_format_yen(double v, bool ja, char *out, size_t n)
{
    char num[40];
    rating_format_int(fabs(v), num, sizeof(num));
    if (ja)
        snprintf(out, n, "%s%s円", v < 0 ? "-" : "", num);
    else
        snprintf(out, n, "%s¥%s", v < 0 ? "-" : "", num);
    return out;
}

/* The amount in a unit with three significant digits at most ("2.45", "10.3", "5,542"), no
 * trailing zeros ("1", not "1.00"). */
static void scaled(double v, double unit, char *out, size_t n)
{
    double q = v / unit;
    int decimals = q < 9.995 ? 2 : q < 99.95 ? 1 : 0;
    size_t len;
    if (decimals == 0) {
        rating_format_int(q, out, n);
        return;
    }
    snprintf(out, n, "%.*f", decimals, q);
    len = strlen(out);
    while (len > 0 && out[len - 1] == '0')
        out[--len] = '\0';
    if (len > 0 && out[len - 1] == '.')
        out[--len] = '\0';
}

char *rating_format_yen_short(double v, bool ja, char *out, size_t n)
{
    static const struct {
        double unit;
        const char *ja, *en;
    } units[] = {{1e12, "兆", "T"}, {1e8, "億", NULL}, {1e9, NULL, "B"},
                 {1e6, NULL, "M"},  {1e4, "万", NULL}, {1e3, NULL, "K"}};
    char num[40];
    if (!isfinite(v) || v < 0)
        return rating_format_yen(v, ja, out, n);
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        const char *suffix = ja ? units[i].ja : units[i].en;
        if (!suffix || v < units[i].unit * 0.9995)
            continue;
        scaled(v, units[i].unit, num, sizeof(num));
        if (ja)
            snprintf(out, n, "%s%s円", num, suffix);
        else
            snprintf(out, n, "¥%s%s", num, suffix);
        return out;
    }
    return rating_format_yen(v, ja, out, n);
}
