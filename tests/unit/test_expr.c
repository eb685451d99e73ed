/*
 * test_expr.c — src/rules/expr.h, the condition language of rule files
 * (docs/rules-format-spec.md, "Expression language"): every operator and function, precedence
 * and short-circuiting, the missing-value rules, numbers, tri-state enums and booleans; every
 * compile-time error with its position and both languages; the limits; facts recording;
 * determinism.
 */
#include "rules/expr.h"
#include "core/buf.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The report the evaluation cases read. Not a valid report (it lacks the required core): the
 * language must not care. */
static const char report_text[] =
    "{\"entity\": {\"public_body\": false, \"kind\": \"company\", \"country\": \"JP\","
    "              \"employees\": 250, \"listed\": true},"
    " \"personal_data\": {\"involved\": \"yes\", \"individuals_count\": 1500,"
    "                    \"sensitive\": \"unknown\", \"data_items\": [\"name\", \"email\"],"
    "                    \"residence\": [{\"country\": \"DE\", \"count\": 3}, {\"country\": "
    "\"FR\"},"
    "                                  {\"subdivision\": \"Bayern\"}]},"
    " \"classification\": {\"categories\": [\"ransomware\", \"ddos\"], \"cross_border\": \"no\"},"
    " \"impact\": {\"countries\": [], \"financial\": {\"direct_costs\": 1234.5, \"losses\": 10}},"
    " \"threat\": {\"indicators\": []},"
    " \"times\": {\"aware_at\": \"2026-11-20T08:40:00+09:00\"}}";

static json_t *report;

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("fixture JSON: %s (line %d, column %d)", je.text, je.line, je.column);
    return j;
}

static struct expr *compile_ok(const char *src)
{
    struct expr *e = NULL;
    struct expr_error err;
    if (expr_compile(src, &e, &err))
        fail_msg("\"%s\" should compile; error at %d: %s", src, err.pos, err.en);
    assert_non_null(e);
    assert_string_equal(expr_source(e), src);
    return e;
}

/* Compiles and evaluates src against doc, with and without facts (the answers must agree). */
static bool eval_on(const json_t *doc, const char *src)
{
    struct expr *e = compile_ok(src);
    json_t *facts = json_object();
    bool a = expr_eval(e, doc, NULL), b = expr_eval(e, doc, facts);
    if (a != b)
        fail_msg("\"%s\": %d without facts, %d with facts", src, a, b);
    json_decref(facts);
    expr_free(e);
    return a;
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* Compiles src, expecting an error at pos whose English message contains en. Both messages
 * must be there, and the Japanese one must be Japanese. */
static void compile_fails(const char *src, int pos, const char *en)
{
    struct expr *e = (struct expr *)&e; /* must be reset to NULL */
    struct expr_error err;
    if (!expr_compile(src, &e, &err))
        fail_msg("\"%.200s\" should not compile", src);
    assert_null(e);
    if (!strstr(err.en, en))
        fail_msg("\"%.200s\": message \"%s\" lacks \"%s\"", src, err.en, en);
    if (err.pos != pos)
        fail_msg("\"%.200s\" (%s): position %d, expected %d", src, err.en, err.pos, pos);
    assert_true(err.ja[0] != '\0');
    assert_true(has_non_ascii(err.ja));
    assert_string_not_equal(err.en, err.ja);
}

/* The offset of the first occurrence of mark in src. */
static int at(const char *src, const char *mark)
{
    const char *p = strstr(src, mark);
    if (!p)
        fail_msg("marker \"%s\" not in \"%s\"", mark, src);
    return (int)(p - src);
}

/* ---- evaluation ---- */

static const struct {
    const char *src;
    bool want;
} cases[] = {
    /* == and != on strings and enums */
    {"entity.kind == \"company\"", true},
    {"entity.kind == 'company'", true},
    {"entity.kind != \"company\"", false},
    {"entity.kind == \"sme\"", false},
    {"entity.kind != \"sme\"", true},
    {"entity.country == \"JP\"", true},
    {"\"JP\" == entity.country", true},
    /* tri-state enums */
    {"personal_data.involved == \"yes\"", true},
    {"personal_data.sensitive == \"unknown\"", true},
    {"personal_data.sensitive == \"yes\"", false},
    {"personal_data.sensitive != \"yes\"", true},
    {"classification.cross_border == \"no\"", true},
    /* booleans */
    {"entity.public_body == false", true},
    {"entity.public_body != true", true},
    {"entity.public_body == true", false},
    {"entity.public_body", false},
    {"not entity.public_body", true},
    {"entity.listed", true},
    {"entity.listed == true and not entity.public_body", true},
    {"true", true},
    {"false", false},
    /* numbers: integer fields against literals (literals are reals), real fields */
    {"personal_data.individuals_count > 1000", true},
    {"personal_data.individuals_count >= 1500", true},
    {"personal_data.individuals_count > 1500", false},
    {"personal_data.individuals_count < 1500.5", true},
    {"personal_data.individuals_count <= 1500.0", true},
    {"personal_data.individuals_count < 1500", false},
    {"personal_data.individuals_count == 1500.0", true},
    {"personal_data.individuals_count == 1500", true},
    {"personal_data.individuals_count != 1500", false},
    {"personal_data.individuals_count > -1", true},
    {"1000 < personal_data.individuals_count", true},
    {"1500 >= personal_data.individuals_count", true},
    {"impact.financial.direct_costs > 1234", true},
    {"impact.financial.direct_costs == 1234.5", true},
    {"impact.financial.direct_costs < 1234.5", false},
    {"impact.financial.losses == 10", true},
    {"impact.financial.losses == 10.0", true},
    {"entity.employees >= 250 and entity.employees <= 250", true},
    /* in / not in */
    {"entity.kind in [\"sme\", \"company\"]", true},
    {"entity.kind in [\"sme\", \"listed_company\"]", false},
    {"entity.kind not in [\"sme\", \"listed_company\"]", true},
    {"entity.kind not in [\"company\"]", false},
    {"personal_data.sensitive in [\"yes\", \"unknown\"]", true},
    {"personal_data.sensitive not in [\"yes\", \"unknown\"]", false},
    {"personal_data.individuals_count in [1, 1500]", true},
    {"personal_data.individuals_count in [1, 1500.0, 2]", true},
    {"personal_data.individuals_count not in [1, 2]", true},
    {"entity.public_body in [false]", true},
    {"not entity.kind in [\"company\"]", false},
    /* exists */
    {"exists(entity.kind)", true},
    {"exists(entity.ci_sector)", false},
    {"not exists(entity.ci_sector)", true},
    {"exists(personal_data.residence)", true},
    {"exists(personal_data.residence[].country)", true},
    {"exists(personal_data.residence[].subdivision)", true},
    {"exists(personal_data.residence[].count)", true},
    {"exists(impact.countries)", true},    /* an empty array is a value */
    {"exists(impact.countries[])", false}, /* … with no items */
    {"exists(threat.indicators[].value)", false},
    {"exists(threat.cves)", false},
    /* count */
    {"count(classification.categories) == 2", true},
    {"count(personal_data.residence) == 3", true},
    {"count(personal_data.residence[]) == 3", true},
    {"count(personal_data.residence[].country) == 2", true},
    {"count(personal_data.residence[].count) == 1", true},
    {"count(impact.countries) == 0", true},
    {"count(threat.cves) == 0", true}, /* missing: 0 */
    {"count(threat.cves) > 0", false},
    {"count(threat.indicators[].value) == 0", true},
    {"count(personal_data.data_items) >= 2", true},
    {"2 == count(classification.categories)", true},
    /* contains */
    {"contains(classification.categories, \"ddos\")", true},
    {"contains(classification.categories, \"phishing\")", false},
    {"contains(personal_data.data_items, \"email\")", true},
    {"contains(personal_data.residence[].country, \"FR\")", true},
    {"contains(personal_data.residence[].country, \"JP\")", false},
    {"contains(personal_data.residence[].count, 3)", true},
    {"contains(personal_data.residence[].count, 3.0)", true},
    {"contains(personal_data.residence[].count, 4)", false},
    {"contains(entity.country, \"JP\")", true}, /* a single value is a list of one */
    {"contains(threat.cves, \"CVE-2024-3400\")", false},
    /* any_in */
    {"any_in(personal_data.residence[].country, [\"AT\", \"FR\"])", true},
    {"any_in(personal_data.residence[].country, [\"JP\", \"US\"])", false},
    {"any_in(classification.categories, [\"phishing\", \"ransomware\"])", true},
    {"any_in(classification.categories, [\"phishing\"])", false},
    {"any_in(entity.country, [\"JP\"])", true},
    {"any_in(threat.cves, [\"CVE-2024-3400\"])", false},
    /* string lists are searched by length and bytes; mixed lists item by item */
    {"any_in(personal_data.residence[].country, [\"AT\",\"BE\",\"BG\",\"HR\",\"CY\",\"CZ\","
     "\"DK\",\"EE\",\"FI\",\"FR\",\"DE\",\"GR\",\"HU\",\"IE\",\"IT\",\"LV\",\"LT\",\"LU\","
     "\"MT\",\"NL\",\"PL\",\"PT\",\"RO\",\"SK\",\"SI\",\"ES\",\"SE\"])",
     true},
    {"entity.country in [\"J\", \"JPN\", \"jp\", \"JP \"]", false},
    {"entity.kind in [\"company\", null]", true},
    {"entity.employees in [250, null]", true},
    /* escapes in string literals */
    {"entity.country == 'J\\'P'", false},
    {"entity.country in ['JP', \"X\\\"Y\"]", true},
    /* precedence: not > and > or */
    {"entity.kind == \"company\" or entity.public_body == true and personal_data.involved == "
     "\"no\"",
     true},
    {"(entity.kind == \"company\" or entity.public_body == true) and personal_data.involved == "
     "\"no\"",
     false},
    {"not entity.kind == \"company\" and entity.public_body == true", false},
    {"not entity.kind == \"sme\" and entity.public_body == false", true},
    {"not (entity.kind == \"company\" and entity.public_body == true)", true},
    {"not not entity.listed", true},
    {"entity.public_body == true and entity.kind == \"company\" or personal_data.involved == "
     "\"yes\"",
     true},
    {"entity.public_body == true and (entity.kind == \"company\" or personal_data.involved == "
     "\"yes\")",
     false},
    {"((((entity.kind == \"company\"))))", true},
    /* whitespace of any kind */
    {"  entity.kind\t==\n\"company\"\r\n", true},
};

static void test_eval_table(void **state)
{
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        bool got = eval_on(report, cases[i].src);
        if (got != cases[i].want)
            fail_msg("\"%s\" gave %s, expected %s", cases[i].src, got ? "true" : "false",
                     cases[i].want ? "true" : "false");
    }
}

/* A comparison with a missing value is false — for != too; `in` and `not in` as well. */
static void test_missing_values(void **state)
{
    static const char *const always_false[] = {
        "entity.ci_sector == \"electricity\"",
        "entity.ci_sector != \"electricity\"",
        "entity.designated_operator == true",
        "entity.designated_operator != true",
        "entity.designated_operator == false",
        "entity.designated_operator != false",
        "personal_data.records_count > 0",
        "personal_data.records_count < 0",
        "personal_data.records_count == 0",
        "personal_data.records_count != 0",
        "personal_data.records_count >= -1",
        "personal_data.financial_harm_risk in [\"yes\", \"no\", \"unknown\"]",
        "personal_data.financial_harm_risk not in [\"yes\"]",
        "product.name == \"x\"", /* the whole section is missing */
        "product.name != \"x\"",
        "entity.kind == null", /* null is "no value" */
        "entity.kind != null",
        "entity.designated_operator",
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(always_false); i++)
        if (eval_on(report, always_false[i]))
            fail_msg("\"%s\" should be false: a value is missing", always_false[i]);
    /* the way to test absence */
    assert_true(eval_on(report, "not exists(personal_data.records_count)"));
    assert_true(eval_on(report, "not (entity.ci_sector == \"electricity\")"));
    /* a JSON null in the report is missing too */
    json_t *doc = parse("{\"entity\": {\"kind\": null, \"employees\": null}}");
    assert_false(eval_on(doc, "entity.kind == \"company\""));
    assert_false(eval_on(doc, "entity.kind != \"company\""));
    assert_false(eval_on(doc, "exists(entity.kind)"));
    assert_false(eval_on(doc, "entity.employees >= 0"));
    assert_true(eval_on(doc, "count(entity.employees) == 0"));
    json_decref(doc);
    /* an empty document */
    doc = json_object();
    assert_false(eval_on(doc, "personal_data.involved != \"no\""));
    assert_true(eval_on(doc, "count(classification.categories) == 0"));
    assert_false(eval_on(doc, "any_in(classification.categories, [\"ddos\"])"));
    assert_false(eval_on(doc, "contains(classification.categories, \"ddos\")"));
    json_decref(doc);
}

/* The report need not be valid: a value of the wrong JSON type is as good as missing, so
 * every comparison with it is false (expr.h: "a missing or mistyped value makes the
 * comparison false"). */
static void test_mistyped_values(void **state)
{
    static const char *const always_false[] = {
        "entity.public_body == true",
        "entity.public_body != true",
        "entity.public_body == false",
        "entity.public_body != false",
        "entity.public_body in [true, false]",
        "entity.public_body not in [true]",
        "personal_data.individuals_count > 10",
        "personal_data.individuals_count != 10",
        "personal_data.individuals_count not in [10]",
        "personal_data.involved == \"yes\"",
        "personal_data.involved != \"yes\"",
        "personal_data.involved not in [\"no\"]",
        "entity.kind != \"sme\"",
        "entity.public_body",
    };
    json_t *doc =
        parse("{\"entity\": {\"public_body\": \"yes\", \"kind\": 7},"
              " \"personal_data\": {\"individuals_count\": \"many\", \"involved\": true}}");
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(always_false); i++)
        if (eval_on(doc, always_false[i]))
            fail_msg("\"%s\" should be false: the value has the wrong type", always_false[i]);
    /* it still exists, and is still evidence */
    assert_true(eval_on(doc, "exists(entity.public_body)"));
    json_decref(doc);
}

/* ---- facts ---- */

static json_t *facts_of(const char *src, const json_t *doc, bool *result)
{
    struct expr *e = compile_ok(src);
    json_t *facts = json_object();
    *result = expr_eval(e, doc, facts);
    expr_free(e);
    return facts;
}

static void assert_facts(const char *src, bool want, const char *facts_json)
{
    bool got;
    json_t *facts = facts_of(src, report, &got), *expected = parse(facts_json);
    if (got != want || !json_equal(facts, expected)) {
        char *s = json_dumps(facts, JSON_SORT_KEYS | JSON_COMPACT);
        fail_msg("\"%s\": result %d, facts %s; expected %d, %s", src, got, s, want, facts_json);
    }
    json_decref(expected);
    json_decref(facts);
}

static void test_facts(void **state)
{
    UNUSED(state);
    /* or: the first true operand decides; and: the first false one */
    assert_facts("entity.kind == \"company\" or personal_data.sensitive == \"yes\"", true,
                 "{\"entity.kind\": \"company\"}");
    assert_facts("entity.kind == \"sme\" or personal_data.sensitive == \"yes\"", false,
                 "{\"entity.kind\": \"company\", \"personal_data.sensitive\": \"unknown\"}");
    assert_facts("entity.kind == \"sme\" and personal_data.sensitive == \"yes\"", false,
                 "{\"entity.kind\": \"company\"}");
    assert_facts("entity.kind == \"company\" and personal_data.sensitive == \"unknown\"", true,
                 "{\"entity.kind\": \"company\", \"personal_data.sensitive\": \"unknown\"}");
    /* missing values are recorded as null */
    assert_facts("exists(entity.ci_sector) or entity.employees > 100", true,
                 "{\"entity.ci_sector\": null, \"entity.employees\": 250}");
    assert_facts("personal_data.records_count > 0", false,
                 "{\"personal_data.records_count\": null}");
    /* [] paths record every value they yield; plain array paths the array */
    assert_facts("any_in(personal_data.residence[].country, [\"FR\"])", true,
                 "{\"personal_data.residence[].country\": [\"DE\", \"FR\"]}");
    assert_facts("count(classification.categories) == 2", true,
                 "{\"classification.categories\": [\"ransomware\", \"ddos\"]}");
    assert_facts("contains(personal_data.residence[].count, 3)", true,
                 "{\"personal_data.residence[].count\": [3]}");
    assert_facts("count(threat.cves) == 0", true, "{\"threat.cves\": null}");
    assert_facts("exists(threat.indicators[].value)", false, "{\"threat.indicators[].value\": []}");
    /* not, in, and a path read twice is recorded once */
    assert_facts("not (entity.kind in [\"sme\"]) and entity.kind != \"sme\"", true,
                 "{\"entity.kind\": \"company\"}");
    assert_facts("entity.public_body", false, "{\"entity.public_body\": false}");
    assert_facts("true or entity.public_body", true, "{}");
}

/* ---- compile-time errors ---- */

static void test_compile_errors(void **state)
{
    const char *s;
    UNUSED(state);
    /* unknown fields, also under [] and inside calls */
    compile_fails("entity.colour == \"red\"", 0, "\"entity.colour\" is not a field of the report");
    s = "exists(personal_data.residence[].planet)";
    compile_fails(s, at(s, "personal_data"), "\"personal_data.residence[].planet\" is not a field");
    s = "entity.kind == \"company\" and bogus.x == 1";
    compile_fails(s, at(s, "bogus"), "is not a field");
    compile_fails("personal_data.residence.country == \"JP\"", 0, "is not a field"); /* needs [] */
    /* a value the enum does not allow */
    s = "personal_data.involved == \"maybe\"";
    compile_fails(s, at(s, "\"maybe\""),
                  "\"maybe\" is not a value personal_data.involved can take");
    s = "entity.kind in [\"company\", \"spaceship\"]";
    compile_fails(s, at(s, "["), "\"spaceship\" is not a value entity.kind can take");
    s = "contains(classification.categories, \"spaceship\")";
    compile_fails(s, at(s, "\"spaceship\""), "is not a value classification.categories");
    s = "any_in(classification.categories, [\"ddos\", \"meteor\"])";
    compile_fails(s, at(s, "["), "\"meteor\" is not a value");
    s = "\"sometimes\" == personal_data.sensitive";
    compile_fails(s, 0, "\"sometimes\" is not a value personal_data.sensitive can take");
    /* a literal of the wrong type */
    s = "personal_data.individuals_count == \"many\"";
    compile_fails(s, at(s, "\"many\""),
                  "does not have the type of personal_data.individuals_count");
    s = "entity.public_body == 1";
    compile_fails(s, at(s, "1"), "does not have the type of entity.public_body");
    s = "entity.public_body == \"true\"";
    compile_fails(s, at(s, "\"true\""), "does not have the type");
    s = "entity.kind == 3";
    compile_fails(s, at(s, "3"), "does not have the type");
    s = "entity.employees in [1, \"2\"]";
    compile_fails(s, at(s, "["), "does not have the type");
    s = "contains(personal_data.residence[].count, \"3\")";
    compile_fails(s, at(s, "\"3\""), "does not have the type");
    /* ordering is for numbers only */
    s = "entity.country < \"JP\"";
    compile_fails(s, at(s, "<"), "only numbers can be ordered");
    s = "personal_data.involved >= \"no\"";
    compile_fails(s, at(s, ">="), "only numbers can be ordered");
    s = "entity.country > entity.country";
    compile_fails(s, at(s, ">"), "only numeric fields can be ordered");
    s = "entity.employees < entity.country";
    compile_fails(s, at(s, "<"), "only numeric fields can be ordered");
    s = "\"a\" < \"b\"";
    compile_fails(s, at(s, "<"), "only numbers can be ordered");
    s = "count(classification.categories) <= \"two\"";
    compile_fails(s, at(s, "<="), "only numbers can be ordered");
    s = "entity.public_body > false";
    compile_fails(s, at(s, ">"), "only numbers can be ordered");
    /* comparing a condition */
    s = "(entity.kind == \"company\") == true";
    compile_fails(s, at(s, ") ==") + 2, "a condition cannot be compared");
    s = "exists(entity.kind) != false";
    compile_fails(s, at(s, "!="), "a condition cannot be compared");
    s = "count(threat.cves) == exists(threat.cves)";
    compile_fails(s, at(s, "=="), "a condition cannot be compared");
    /* [] paths have many values */
    s = "personal_data.residence[].country == \"JP\"";
    compile_fails(s, 0, "a path with [] has many values; use contains() or any_in()");
    s = "\"JP\" != personal_data.residence[].country";
    compile_fails(s, at(s, "personal_data"), "a path with [] has many values");
    s = "entity.country == personal_data.residence[].country";
    compile_fails(s, at(s, "personal_data"), "a path with [] has many values");
    s = "personal_data.residence[].country in [\"JP\"]";
    compile_fails(s, 0, "a path with [] has many values; use any_in()");
    s = "personal_data.residence[].count > 2";
    compile_fails(s, 0, "a path with [] has many values");
    /* objects and lists are not values */
    compile_fails("personal_data.residence == \"x\"",
                  at("personal_data.residence == \"x\"", "\"x\""),
                  "an object or a list cannot be compared");
    s = "classification.categories == \"ddos\"";
    compile_fails(s, at(s, "\"ddos\""), "an object or a list cannot be compared");
    s = "any_in(personal_data.residence, [\"JP\"])";
    compile_fails(s, at(s, "["), "an object or a list cannot be compared");
    /* lexical and syntax errors */
    s = "entity.kind == \"company";
    compile_fails(s, at(s, "\""), "unterminated string literal");
    s = "entity.kind == 'company\"";
    compile_fails(s, at(s, "'"), "unterminated string literal");
    s = "(entity.kind == \"company\"";
    compile_fails(s, (int)strlen(s), "expected ')'");
    s = "((entity.kind == \"company\") and (entity.public_body == false)";
    compile_fails(s, (int)strlen(s), "expected ')'");
    s = "entity.kind == \"company\")";
    compile_fails(s, at(s, ")"), "unexpected text after the end of the expression");
    s = "entity.kind == \"company\" entity.public_body";
    compile_fails(s, at(s, " entity") + 1, "unexpected text after the end");
    s = "entity.kind == \"company\" and";
    compile_fails(s, (int)strlen(s), "expected a field, a value, or '('");
    s = "entity.kind == \"company\" & entity.listed";
    compile_fails(s, at(s, "&"), "unexpected character");
    s = "entity.employees == 1.2.3";
    compile_fails(s, at(s, "1.2.3"), "bad number");
    s = "entity.kind in \"company\"";
    compile_fails(s, at(s, "\"company\""), "'in' needs a list");
    s = "entity.kind not \"company\"";
    compile_fails(s, at(s, "not"), "expected 'in' after 'not'");
    s = "entity.kind in [\"company\" \"sme\"]";
    compile_fails(s, at(s, "\"sme\""), "expected ',' or ']'");
    s = "entity.kind in [entity.country]";
    compile_fails(s, at(s, "entity.country"), "a list holds literals only");
    s = "any_in(classification.categories, \"ddos\")";
    compile_fails(s, at(s, "\"ddos\""), "any_in needs a list");
    s = "contains(classification.categories, entity.kind)";
    compile_fails(s, at(s, "entity.kind"), "contains needs a literal value");
    s = "count(3) == 1";
    compile_fails(s, at(s, "3"), "the first argument must be a field path");
    s = "exists entity.kind";
    compile_fails(s, at(s, "entity"), "expected '('");
    s = "exists(entity.kind";
    compile_fails(s, (int)strlen(s), "expected ')'");
    s = "entity.";
    compile_fails(s, (int)strlen(s), "a field name must follow '.'");
    compile_fails("", 0, "expected a field, a value, or '('");
    compile_fails("   ", 3, "expected a field, a value, or '('");
    /* the whole expression must be a condition; and/or/not combine conditions */
    compile_fails("personal_data.involved", 0, "the expression must be a condition");
    compile_fails("count(classification.categories)", 0, "the expression must be a condition");
    compile_fails("\"yes\"", 0, "the expression must be a condition");
    compile_fails("[\"yes\"]", 0, "the expression must be a condition");
    s = "entity.kind and entity.public_body";
    compile_fails(s, at(s, "and"), "and/or/not combine conditions");
    s = "entity.public_body or 3";
    compile_fails(s, at(s, "or"), "and/or/not combine conditions");
    s = "not entity.employees";
    compile_fails(s, 0, "and/or/not combine conditions");
    s = "\"yes\" in [\"yes\"]";
    compile_fails(s, 0, "the left side of 'in' must be a field path");
}

/* ---- limits ---- */

static char *repeat_join(const char *item_fmt, int n, const char *sep, const char *prefix,
                         const char *suffix)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, prefix);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, sep);
        buf_appendf(&b, item_fmt, i);
    }
    buf_puts(&b, suffix);
    return buf_detach(&b, NULL);
}

/* prefix + unit × n + suffix */
static char *repeat(const char *prefix, const char *unit, int n, const char *suffix)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, prefix);
    for (int i = 0; i < n; i++)
        buf_puts(&b, unit);
    buf_puts(&b, suffix);
    return buf_detach(&b, NULL);
}

static void test_limits(void **state)
{
    char *s;
    struct buf b;
    UNUSED(state);
    /* lists: 64 items, not 65 */
    s = repeat_join("%d", 64, ", ", "entity.employees in [", "]");
    assert_true(eval_on(report, s) == false);
    free(s);
    s = repeat_join("%d", 65, ", ", "entity.employees in [", "]");
    compile_fails(s, at(s, ", 64]") + 2, "list too long (64 items at most)");
    free(s);
    s = repeat_join("%d", 65, ", ", "any_in(personal_data.residence[].count, [", "])");
    compile_fails(s, at(s, ", 64]") + 2, "list too long");
    free(s);

    /* length: 4,096 characters, not 4,097 */
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, "entity.kind == \"company\"");
    while (b.len < EXPR_MAX_LEN)
        buf_putc(&b, ' ');
    assert_true(eval_on(report, buf_cstr(&b)));
    buf_putc(&b, ' ');
    compile_fails(buf_cstr(&b), EXPR_MAX_LEN, "expression longer than 4,096 characters");
    buf_release(&b);

    /* nesting: 31 parentheses (32 levels with the operand inside) compile, 33 do not */
    char *open = repeat("", "(", 31, "entity.listed");
    s = repeat(open, ")", 31, "");
    assert_true(eval_on(report, s));
    free(open);
    free(s);
    s = repeat("", "(", 33, "entity.listed");
    struct expr *e = NULL;
    struct expr_error err;
    assert_int_equal(expr_compile(s, &e, &err), -1);
    assert_null(e);
    assert_non_null(strstr(err.en, "nested too deeply (32 levels at most)"));
    assert_true(err.pos >= 31 && err.pos <= 33);
    assert_true(has_non_ascii(err.ja));
    free(s);
    /* … and the same for chains of not */
    s = repeat("", "not ", 31, "entity.listed");
    assert_false(eval_on(report, s)); /* an odd number of nots */
    free(s);
    s = repeat("", "not ", 40, "entity.listed");
    assert_int_equal(expr_compile(s, &e, &err), -1);
    assert_non_null(strstr(err.en, "nested too deeply"));
    free(s);

    /* nodes: 64 comparisons joined by or are 255 nodes; 65 are 259 */
    s = repeat_join("entity.employees == %d", 64, " or ", "", "");
    assert_false(eval_on(report, s));
    free(s);
    s = repeat_join("entity.employees == %d", 65, " or ", "", "");
    assert_int_equal(expr_compile(s, &e, &err), -1);
    assert_null(e);
    assert_non_null(strstr(err.en, "expression too large (256 nodes at most)"));
    assert_true(err.pos > at(s, "== 63") && err.pos < (int)strlen(s));
    assert_true(has_non_ascii(err.ja));
    free(s);
    /* the same count reached through a long path at the end still fails cleanly */
    s = repeat_join("entity.employees == %d", 64, " or ", "", " or entity.listed");
    assert_int_equal(expr_compile(s, &e, &err), -1);
    assert_non_null(strstr(err.en, "256 nodes"));
    free(s);
}

/* Long names: a path's dotted form has a fixed-size buffer; names longer than it must be an
 * error, never a write past it (run under ASan). */
static void test_long_paths(void **state)
{
    struct buf b;
    UNUSED(state);
    const char *tails[] = {".x == 1", "[] == 1", ".a.b.c == 1", "[].y[] == 1", ""};
    for (size_t t = 0; t < ARRAY_SIZE(tails); t++) {
        for (int len = 100; len <= 400; len += 50) {
            struct expr *e = NULL;
            struct expr_error err;
            buf_init(&b, BUF_UNLIMITED);
            for (int i = 0; i < len; i++)
                buf_putc(&b, (char)('a' + i % 26));
            buf_puts(&b, tails[t]);
            assert_int_equal(expr_compile(buf_cstr(&b), &e, &err), -1);
            assert_null(e);
            assert_true(err.pos >= 0 && (size_t)err.pos <= b.len);
            assert_true(err.en[0] && has_non_ascii(err.ja));
            buf_release(&b);
        }
    }
    /* the longest real paths are fine */
    assert_false(eval_on(report, "confidentiality.consent.anonymised_statistics == true"));
    assert_false(eval_on(report, "exists(personal_data.individual_notification.notified_count)"));
    /* twelve segments at most */
    struct expr *e = NULL;
    struct expr_error err;
    assert_int_equal(expr_compile("a.b.c.d.e.f.g.h.i.j.k.l.m == 1", &e, &err), -1);
    assert_non_null(strstr(err.en, "path too deep"));
}

/* ---- determinism ---- */

static void test_determinism(void **state)
{
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct expr *a = compile_ok(cases[i].src), *b = compile_ok(cases[i].src);
        json_t *fa = json_object(), *fb = json_object();
        bool ra = expr_eval(a, report, fa);
        for (int k = 0; k < 5; k++)
            assert_int_equal(expr_eval(a, report, NULL), ra);
        assert_int_equal(expr_eval(b, report, fb), ra);
        char *sa = json_dumps(fa, JSON_SORT_KEYS | JSON_COMPACT);
        char *sb = json_dumps(fb, JSON_SORT_KEYS | JSON_COMPACT);
        assert_string_equal(sa, sb);
        /* recording into facts that already hold the values changes nothing */
        assert_int_equal(expr_eval(a, report, fa), ra);
        char *sc = json_dumps(fa, JSON_SORT_KEYS | JSON_COMPACT);
        assert_string_equal(sa, sc);
        free(sa);
        free(sb);
        free(sc);
        json_decref(fa);
        json_decref(fb);
        expr_free(a);
        expr_free(b);
    }
    /* the evaluation does not modify the report */
    json_t *copy = json_deep_copy(report);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        eval_on(report, cases[i].src);
    assert_true(json_equal(copy, report));
    json_decref(copy);
    expr_free(NULL);
}

/* ---- shared field reads (expr_slots, expr_cache) ---- */

/* Every expression bound to one registry and read through one cache gives the answers of
 * expr_eval, document after document (expr_cache_next makes every cached value stale). */
static void test_cache(void **state)
{
    static const char *const shared[] = {
        "entity.kind == \"company\" and entity.employees > 10",
        "entity.kind in [\"sme\"] or any_in(personal_data.residence[].country, [\"JP\"])",
        "count(classification.categories) > 1 and exists(entity.kind)",
    };
    struct expr *ex[ARRAY_SIZE(cases)];
    struct expr_slots *slots = expr_slots_new();
    struct expr_cache cache;
    UNUSED(state);
    /* distinct single-valued paths get one slot each; [] paths none */
    for (size_t i = 0; i < ARRAY_SIZE(shared); i++) {
        struct expr *e = compile_ok(shared[i]);
        expr_bind(e, slots);
        expr_free(e);
    }
    assert_int_equal(expr_slots_count(slots), 3);

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        ex[i] = compile_ok(cases[i].src);
        expr_bind(ex[i], slots);
    }
    expr_cache_init(&cache, expr_slots_count(slots));
    json_t *other = parse("{\"entity\": {\"kind\": \"sme\", \"public_body\": true,"
                          " \"employees\": 3, \"country\": \"FR\"},"
                          " \"personal_data\": {\"involved\": \"no\", \"individuals_count\": 5,"
                          " \"residence\": [{\"country\": \"JP\"}]},"
                          " \"classification\": {\"categories\": [\"phishing\"]}}");
    const json_t *docs[] = {report, other, report, other};
    size_t differ = 0;
    for (size_t d = 0; d < ARRAY_SIZE(docs); d++) {
        expr_cache_next(&cache);
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
            bool plain = expr_eval(ex[i], docs[d], NULL);
            bool cached = expr_eval_cached(ex[i], docs[d], &cache);
            if (plain != cached)
                fail_msg("document %zu, \"%s\": %d uncached, %d cached", d, cases[i].src, plain,
                         cached);
            if (d == 1 && plain != cases[i].want)
                differ++;
        }
    }
    assert_true(differ > 20); /* the second document really reads differently */
    expr_cache_release(&cache);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        expr_free(ex[i]);
    expr_slots_free(slots);
    json_decref(other);
}

static int setup(void **state)
{
    UNUSED(state);
    report = parse(report_text);
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    json_decref(report);
    return 0;
}

/* Issue 11 item 6: what would change the answer of a condition that does not hold — each
 * failing part of an and, each alternative of an or, a not's inside reversed — in the
 * language's syntax; nothing when it holds. */
static void test_would_change(void **state)
{
    UNUSED(state);
    json_t *doc = json_loads("{\"entity\":{\"sec_registrant\":\"no\"},\"classification\":"
                             "{\"regime_flags\":{\"sec_material\":\"yes\"}},"
                             "\"personal_data\":{\"encryption\":\"strong\",\"individuals_count\":"
                             "12}}",
                             0, NULL);
    static const struct {
        const char *src, *want;
    } wc[] = {
        {"entity.sec_registrant == \"yes\" and classification.regime_flags.sec_material == \"yes\"",
         "[{\"condition\":\"entity.sec_registrant == \\\"yes\\\"\",\"must_hold\":true}]"},
        {"personal_data.individuals_count > 1000 or entity.sec_registrant in [\"yes\", "
         "\"unknown\"]",
         "[{\"condition\":\"personal_data.individuals_count > 1000\",\"must_hold\":true},"
         "{\"condition\":\"entity.sec_registrant in "
         "[\\\"yes\\\",\\\"unknown\\\"]\",\"must_hold\":true}]"},
        {"not (personal_data.encryption == \"strong\") and exists(personal_data.individuals_count)",
         "[{\"condition\":\"personal_data.encryption == \\\"strong\\\"\",\"must_hold\":false}]"},
        {"classification.regime_flags.sec_material == \"yes\"", "[]"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(wc); i++) {
        struct expr *e = compile_ok(wc[i].src);
        json_t *got = expr_would_change(e, doc), *want = json_loads(wc[i].want, 0, NULL);
        assert_non_null(want);
        if (!json_equal(got, want)) {
            char *g = json_dumps(got, JSON_COMPACT);
            fail_msg("%s\n  got  %s\n  want %s", wc[i].src, g, wc[i].want);
        }
        json_decref(got);
        json_decref(want);
        expr_free(e);
    }
    json_decref(doc);
}

/* Issue 11 item 1: Kleene's logic over yes/no/unknown facts — unknown and no is no, unknown or
 * yes is yes, a comparison with "unknown" itself is decided, non-tri "unknown" values (an
 * enum such as an encryption strength) are ordinary facts — and the facts left open. */
static void test_tri(void **state)
{
    UNUSED(state);
    json_t *doc = json_loads("{\"impact\":{\"services_affected\":\"unknown\","
                             "\"ci_service_level_deviation\":\"no\"},\"personal_data\":"
                             "{\"involved\":\"unknown\",\"encryption\":\"unknown\"},"
                             "\"classification\":{\"regime_flags\":{\"sec_material\":\"yes\"}}}",
                             0, NULL);
    static const struct {
        const char *src;
        enum expr_tri want;
        const char *fact; /* the one unknown fact listed, or NULL */
    } tc[] = {
        {"impact.services_affected == \"yes\" or impact.ci_service_level_deviation == \"yes\"",
         EXPR_UNKNOWN, "impact.services_affected"},
        {"impact.services_affected == \"yes\" and impact.ci_service_level_deviation == \"yes\"",
         EXPR_FALSE, NULL},
        {"impact.services_affected == \"yes\" or classification.regime_flags.sec_material == "
         "\"yes\"",
         EXPR_TRUE, NULL},
        {"personal_data.involved == \"unknown\"", EXPR_TRUE, NULL},
        {"personal_data.involved in [\"no\", \"unknown\"]", EXPR_TRUE, NULL},
        {"not (personal_data.involved == \"yes\")", EXPR_UNKNOWN, "personal_data.involved"},
        {"not (personal_data.encryption == \"strong\")", EXPR_TRUE, NULL},
        {"exists(impact.services_affected)", EXPR_TRUE, NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(tc); i++) {
        struct expr *e = compile_ok(tc[i].src);
        struct expr_unknowns u;
        bool two;
        enum expr_tri got = expr_eval_tri(e, doc, NULL, &u, &two);
        assert_int_equal(two, expr_eval(e, doc, NULL));
        /* the engine runs the three-valued pass only when the ordinary one read an unknown
         * answer: when it did not, both must agree */
        bool saw = false, b = expr_eval_noting(e, doc, NULL, &saw);
        assert_int_equal(b, two);
        if (!saw)
            assert_int_equal(got, b ? EXPR_TRUE : EXPR_FALSE);
        if (got == EXPR_UNKNOWN)
            assert_true(saw);
        if (got != tc[i].want)
            fail_msg("%s: got %d, want %d", tc[i].src, (int)got, (int)tc[i].want);
        assert_int_equal(u.n, tc[i].fact ? 1 : 0);
        if (tc[i].fact)
            assert_string_equal(u.path[0], tc[i].fact);
        expr_free(e);
    }
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_table),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_mistyped_values),
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_long_paths),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_would_change),
        cmocka_unit_test(test_tri),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
