/*
 * fuzz_answers.c — the body of "save answers" (docs/assessment-and-risk.md, "Answers"): bounded
 * JSON parsing, assess_answers_check against a small built-in framework, then assess_score
 * (on every document, valid or not: scoring must never trust what validation refused), the peer
 * comparison of the result with copies of itself, and the resistance mapping. Inputs with a
 * "scale" member go through the framework validator instead.
 * Invariants: the error count matches the list; a valid document scores within 0–4 with tiers
 * 1–4, counts that add up to the number of questions and completeness within 0–1; peers of
 * identical scores put the organisation at the 50th percentile.
 */
#include <math.h>

#include "../src/assess/assess.h"
#include "../src/core/jsonx.h"
#include "fuzz.h"

/* Two functions and weights other than 1. */
static const char framework_json[] =
    "{\"format\": \"ichigen-framework/1\", \"id\": \"fuzz\", \"version\": \"1\","
    " \"title\": {\"ja\": \"ファズ\", \"en\": \"fuzz\"}, \"source\": {\"title\": \"fuzz\"},"
    " \"scale\": {\"levels\": ["
    "  {\"level\": 0, \"label\": {\"ja\": \"0\", \"en\": \"0\"}, \"description\": {\"ja\": \"0\", "
    "\"en\": \"0\"}},"
    "  {\"level\": 1, \"label\": {\"ja\": \"1\", \"en\": \"1\"}, \"description\": {\"ja\": \"1\", "
    "\"en\": \"1\"}},"
    "  {\"level\": 2, \"label\": {\"ja\": \"2\", \"en\": \"2\"}, \"description\": {\"ja\": \"2\", "
    "\"en\": \"2\"}},"
    "  {\"level\": 3, \"label\": {\"ja\": \"3\", \"en\": \"3\"}, \"description\": {\"ja\": \"3\", "
    "\"en\": \"3\"}},"
    "  {\"level\": 4, \"label\": {\"ja\": \"4\", \"en\": \"4\"}, \"description\": {\"ja\": \"4\", "
    "\"en\": \"4\"}}],"
    "  \"not_applicable\": {\"label\": {\"ja\": \"-\", \"en\": \"-\"}, \"description\": {\"ja\": "
    "\"-\", \"en\": \"-\"}}},"
    " \"functions\": ["
    "  {\"id\": \"GV\", \"name\": {\"ja\": \"統治\", \"en\": \"GOVERN\"}, \"categories\": ["
    "   {\"id\": \"GV.OC\", \"name\": {\"ja\": \"a\", \"en\": \"a\"}, \"weight\": 2, "
    "\"questions\": ["
    "    {\"id\": \"GV.OC-01\", \"text\": {\"ja\": \"q\", \"en\": \"q\"}},"
    "    {\"id\": \"GV.OC-02\", \"text\": {\"ja\": \"q\", \"en\": \"q\"}, \"weight\": 3}]},"
    "   {\"id\": \"GV.RM\", \"name\": {\"ja\": \"b\", \"en\": \"b\"}, \"questions\": ["
    "    {\"id\": \"GV.RM-01\", \"text\": {\"ja\": \"q\", \"en\": \"q\"}, \"weight\": 0.5}]}]},"
    "  {\"id\": \"PR\", \"name\": {\"ja\": \"防御\", \"en\": \"PROTECT\"}, \"weight\": 2, "
    "\"categories\": ["
    "   {\"id\": \"PR.AA\", \"name\": {\"ja\": \"c\", \"en\": \"c\"}, \"questions\": ["
    "    {\"id\": \"PR.AA-01\", \"text\": {\"ja\": \"q\", \"en\": \"q\"}},"
    "    {\"id\": \"PR.AA-02\", \"text\": {\"ja\": \"q\", \"en\": \"q\"}}]}]}]}";

static struct assess_framework *framework(void)
{
    static struct assess_framework *fw; /* built once; reachable until exit */
    if (!fw) {
        struct verr_list errs;
        json_t *doc = NULL;
        BUG_ON(jsonx_load_object(framework_json, sizeof(framework_json) - 1, 32, &doc, NULL));
        verr_list_init(&errs, 10);
        fw = assess_framework_from_json(doc, &errs);
        BUG_ON(!fw);
        verr_list_release(&errs);
        json_decref(doc);
    }
    return fw;
}

static void check_figures(const json_t *o)
{
    const json_t *s = json_object_get(o, "score"), *t = json_object_get(o, "tier");
    BUG_ON(json_is_null(s) != json_is_null(t));
    if (json_is_number(s)) {
        BUG_ON(json_number_value(s) < 0 || json_number_value(s) > 4);
        BUG_ON(json_integer_value(t) != assess_tier(json_number_value(s)));
    }
}

static void check_scores(const struct assess_framework *fw, const json_t *s)
{
    const json_t *ov = json_object_get(s, "overall"), *f, *c;
    size_t i, k;
    check_figures(ov);
    BUG_ON((size_t)(json_integer_value(json_object_get(ov, "answered")) +
                    json_integer_value(json_object_get(ov, "not_applicable")) +
                    json_integer_value(json_object_get(ov, "unanswered"))) != fw->nquestions);
    double done = json_number_value(json_object_get(ov, "completeness"));
    BUG_ON(done < 0 || done > 1);
    json_array_foreach(json_object_get(s, "functions"), i, f)
    {
        check_figures(f);
        json_array_foreach(json_object_get(f, "categories"), k, c) check_figures(c);
    }
    BUG_ON(json_array_size(json_object_get(s, "gaps")) > ASSESS_GAPS_DEFAULT);
}

static void check_peers(const json_t *s)
{
    const json_t *same[5] = {s, s, s, s, s};
    struct assess_peer_group g = {"all", same, 5};
    json_t *r = assess_peers(s, &g, 1, 5);
    BUG_ON(!r);
    const json_t *p = json_object_get(json_object_get(r, "overall"), "percentile");
    if (json_is_number(json_object_get(json_object_get(s, "overall"), "score")))
        BUG_ON(!json_is_number(p) || json_number_value(p) != 50.0);
    else
        BUG_ON(strcmp(json_string_value(json_object_get(r, "status")), "insufficient"));
    json_decref(r);
}

static void check_resistance(const json_t *s)
{
    static const char *const cats[] = {"GV.OC", "GV.RM", "PR.AA"};
    struct assess_resistance r;
    if (assess_resistance(s, cats, 3, &r, NULL) == 0) {
        BUG_ON(r.used < 1 || r.used > 3);
        BUG_ON(r.low < 0 || r.low > r.mode || r.mode > r.high || r.high > 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct assess_framework *fw = framework();
    struct verr_list errs;
    json_t *doc = NULL;
    if (size > 256 * 1024)
        return 0;
    if (jsonx_load_object((const char *)data, size, 32, &doc, NULL))
        return 0;
    verr_list_init(&errs, 50);
    if (json_object_get(doc, "scale")) {
        struct assess_framework *other = assess_framework_from_json(doc, &errs);
        BUG_ON(!other == !verr_any(&errs));
        assess_framework_free(other);
    } else {
        size_t n = assess_answers_check(fw, doc, &errs);
        BUG_ON(n != errs.n + errs.dropped);
        for (size_t i = 0; i < errs.n; i++)
            BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0]);
        json_t *s = assess_score(fw, doc);
        BUG_ON(!s);
        check_scores(fw, s);
        if (n == 0) {
            check_peers(s);
            check_resistance(s);
        }
        json_decref(s);
    }
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
