/*
 * risk_asset.c — the asset field table (risk_asset.h).
 */
#include "risk_asset.h"

static const struct rf_enum asset_kind_values[] = {
    {"information_system", "業務システム", "business information system"},
    {"data", "データ", "data set"},
    {"service", "顧客向けサービス", "customer-facing service"},
    {"infrastructure", "基盤（ネットワーク・サーバ）", "infrastructure (network, servers)"},
    {"endpoint", "端末", "endpoints"},
    {"cloud", "クラウドサービス", "cloud service"},
    {"ot", "制御システム（OT）", "operational technology"},
    {"supplier", "委託先・サプライヤー", "supplier or outsourcee"},
    {"other", "その他", "other"},
    {0}};

/* Four levels, as business-impact analyses commonly grade them. */
static const struct rf_enum asset_criticality_values[] = {
    {"low", "低", "low"},
    {"medium", "中", "medium"},
    {"high", "高", "high"},
    {"critical", "最重要", "critical"},
    {0}};

/* A CSF 2.0 category id such as "PR.AA" (the scenario's resistance may be derived from it). */
static const struct rf_field asset_category = {
    "", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 5, "CSFカテゴリ", "CSF category", NULL};

static const struct rf_field asset_fields[] = {
    {"name_ja", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 200, "名称（日本語）",
     "name (Japanese)", NULL},
    {"name_en", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "名称（英語）", "name (English)",
     NULL},
    {"kind", RF_ENUM, RF_REQUIRED, NULL, asset_kind_values, RFMT_NONE, 0, 0, "種類", "kind",
     NULL},
    {"criticality", RF_ENUM, RF_REQUIRED, NULL, asset_criticality_values, RFMT_NONE, 0, 0,
     "重要度", "criticality", NULL},
    /* replacement or business value in yen; up to 10^15 (a quadrillion yen) */
    {"value_yen", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 0, 1000000000000000LL, "資産価値（円）",
     "value (yen)", NULL},
    {"personal_records", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 0, 10000000000LL,
     "保有する個人データの件数", "personal-data records held", NULL},
    {"internet_facing", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "インターネットに公開",
     "internet-facing", NULL},
    {"owner", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "管理責任者", "owner", NULL},
    {"location", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "所在", "location", NULL},
    {"csf_categories", RF_ARRAY, RF_UNIQUE, &asset_category, NULL, RFMT_NONE, 0, 22,
     "関連するCSFカテゴリ", "related CSF categories", NULL},
    {"notes", RF_TEXT, 0, NULL, NULL, RFMT_NONE, 0, 2000, "備考", "notes", NULL},
    {0}};

const struct rf_field risk_asset_root = {"", RF_OBJECT, 0, asset_fields, NULL, RFMT_NONE, 0, 0,
                                         "資産", "asset", NULL};
