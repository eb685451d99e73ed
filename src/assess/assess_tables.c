/*
 * assess_tables.c — the structure of a framework file (docs/assessment-and-risk.md, "Framework
 * files") as a field table, so data files get the same gather-all, bilingual errors as
 * reports. What a table cannot say (unique ids, each level exactly once, weights above 0, id
 * prefixes) is checked in assess_framework.c.
 */
#include "assess_int.h"

static const struct rf_enum format_values[] = {{ASSESS_FORMAT, ASSESS_FORMAT, ASSESS_FORMAT}, {0}};

#define F(n, t, fl, kids, vals, fmt, mn, mx, ja, en)                                               \
    {                                                                                              \
        n, t, fl, kids, vals, fmt, mn, mx, ja, en, NULL                                            \
    }

#define NAME_MAX_CHARS 300  /* names, labels, titles */
#define TEXT_MAX_CHARS 4000 /* questions, descriptions, notes */

/* A short text in both languages (names, labels). */
static const struct rf_field name2_fields[] = {
    F("ja", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, NAME_MAX_CHARS, "日本語", "ja"),
    F("en", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, NAME_MAX_CHARS, "英語", "en"),
    {0}};
/* A longer text in both languages (questions, descriptions). */
static const struct rf_field text2_fields[] = {
    F("ja", RF_TEXT, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, TEXT_MAX_CHARS, "日本語", "ja"),
    F("en", RF_TEXT, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, TEXT_MAX_CHARS, "英語", "en"),
    {0}};
#define NAME2(n, fl, ja) F(n, RF_OBJECT, fl, name2_fields, NULL, RFMT_NONE, 0, 0, ja, n)
#define TEXT2(n, fl, ja) F(n, RF_OBJECT, fl, text2_fields, NULL, RFMT_NONE, 0, 0, ja, n)
#define ID(fl) F("id", RF_STRING, fl, NULL, NULL, RFMT_NONE, 0, 40, "ID", "id")
#define LEVEL                                                                                      \
    F("level", RF_INTEGER, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, ASSESS_LEVEL_MAX, "段階", "level")
/* 0 is allowed by the table so that the message for 0 can say "greater than 0" (semantic). */
#define WEIGHT                                                                                     \
    F("weight", RF_NUMBER, 0, NULL, NULL, RFMT_NONE, 0, ASSESS_WEIGHT_MAX, "重み", "weight")

static const struct rf_field scale_level_fields[] = {
    LEVEL, NAME2("label", RF_REQUIRED, "名称"), TEXT2("description", RF_REQUIRED, "説明"), {0}};
static const struct rf_field scale_level_item =
    F("", RF_OBJECT, 0, scale_level_fields, NULL, RFMT_NONE, 0, 0, "段階", "level");

static const struct rf_field na_fields[] = {
    NAME2("label", RF_REQUIRED, "名称"), TEXT2("description", RF_REQUIRED, "説明"), {0}};

static const struct rf_field scale_fields[] = {
    F("levels", RF_ARRAY, RF_REQUIRED, &scale_level_item, NULL, RFMT_NONE, 1, 10, "段階", "levels"),
    F("not_applicable", RF_OBJECT, RF_REQUIRED, na_fields, NULL, RFMT_NONE, 0, 0, "該当なし",
      "not_applicable"),
    {0}};

static const struct rf_field question_level_fields[] = {
    LEVEL, TEXT2("description", RF_REQUIRED, "説明"), {0}};
static const struct rf_field question_level_item =
    F("", RF_OBJECT, 0, question_level_fields, NULL, RFMT_NONE, 0, 0, "段階", "level");

static const struct rf_field question_fields[] = {
    ID(RF_REQUIRED),
    TEXT2("text", RF_REQUIRED, "設問文"),
    WEIGHT,
    TEXT2("help", 0, "補足"),
    F("levels", RF_ARRAY, 0, &question_level_item, NULL, RFMT_NONE, 1, 10, "段階", "levels"),
    {0}};
static const struct rf_field question_item =
    F("", RF_OBJECT, 0, question_fields, NULL, RFMT_NONE, 0, 0, "設問", "question");

static const struct rf_field category_fields[] = {ID(RF_REQUIRED),
                                                  NAME2("name", RF_REQUIRED, "名称"),
                                                  WEIGHT,
                                                  TEXT2("description", 0, "説明"),
                                                  F("questions", RF_ARRAY, RF_REQUIRED,
                                                    &question_item, NULL, RFMT_NONE, 1, 200, "設問",
                                                    "questions"),
                                                  {0}};
static const struct rf_field category_item =
    F("", RF_OBJECT, 0, category_fields, NULL, RFMT_NONE, 0, 0, "カテゴリ", "category");

static const struct rf_field function_fields[] = {ID(RF_REQUIRED),
                                                  NAME2("name", RF_REQUIRED, "名称"),
                                                  WEIGHT,
                                                  TEXT2("description", 0, "説明"),
                                                  F("categories", RF_ARRAY, RF_REQUIRED,
                                                    &category_item, NULL, RFMT_NONE, 1, 100,
                                                    "カテゴリ", "categories"),
                                                  {0}};
static const struct rf_field function_item =
    F("", RF_OBJECT, 0, function_fields, NULL, RFMT_NONE, 0, 0, "機能", "function");

static const struct rf_field source_fields[] = {
    F("title", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, NAME_MAX_CHARS, "題名", "title"),
    F("url", RF_STRING, 0, NULL, NULL, RFMT_URL, 0, 2048, "URL", "url"),
    F("data", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, NAME_MAX_CHARS, "データ", "data"),
    F("license", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, NAME_MAX_CHARS, "ライセンス", "license"),
    TEXT2("note", 0, "注記"),
    {0}};

static const struct rf_field root_fields[] = {
    F("format", RF_ENUM, RF_REQUIRED, NULL, format_values, RFMT_NONE, 0, 0, "形式", "format"),
    F("id", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_IDENT, 0, 64, "ID", "id"),
    F("version", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 40, "版", "version"),
    NAME2("title", RF_REQUIRED, "題名"),
    TEXT2("description", 0, "説明"),
    F("source", RF_OBJECT, RF_REQUIRED, source_fields, NULL, RFMT_NONE, 0, 0, "出典", "source"),
    F("scale", RF_OBJECT, RF_REQUIRED, scale_fields, NULL, RFMT_NONE, 0, 0, "尺度", "scale"),
    F("functions", RF_ARRAY, RF_REQUIRED, &function_item, NULL, RFMT_NONE, 1, 50, "機能",
      "functions"),
    {0}};

const struct rf_field assess_framework_root =
    F("", RF_OBJECT, 0, root_fields, NULL, RFMT_NONE, 0, 0, "フレームワーク", "framework");
