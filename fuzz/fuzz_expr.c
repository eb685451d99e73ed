/*
 * fuzz_expr.c — the rule condition language: lexer, parser and compile-time checks on arbitrary
 * text, then evaluation (with and without fact recording) against a fixed report. Invariant:
 * compiling either succeeds or reports an error position inside the text; evaluating the same
 * expression twice gives the same answer.
 */
#include "../src/rules/expr.h"
#include "fuzz.h"

static const char report[] =
    "{\"personal_data\":{\"involved\":\"yes\",\"individuals_count\":1500,\"residence\":"
    "[{\"country\":\"DE\",\"count\":3}],\"data_items\":[\"name\"]},\"classification\":"
    "{\"categories\":[\"ransomware\"]},\"entity\":{\"public_body\":false}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char src[EXPR_MAX_LEN + 2];
    struct expr *e;
    struct expr_error err;
    static json_t *doc;
    if (!doc)
        doc = json_loads(report, 0, NULL);
    if (size > EXPR_MAX_LEN + 1 || memchr(data, 0, size))
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    if (expr_compile(src, &e, &err)) {
        BUG_ON(err.pos < 0 || (size_t)err.pos > size + 1);
        BUG_ON(!err.en[0] || !err.ja[0]);
        return 0;
    }
    json_t *facts = json_object();
    bool a = expr_eval(e, doc, NULL), b = expr_eval(e, doc, facts);
    BUG_ON(a != b);
    json_decref(facts);
    expr_free(e);
    return 0;
}
