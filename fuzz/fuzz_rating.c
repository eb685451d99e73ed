/*
 * fuzz_rating.c — the rating document checker (src/rating/rating_build.c), which guards
 * `ichigen rating pdf FILE` and everything the PDF draws: any bytes either give problems (each
 * with a pointer, a code and both messages) or a document that rating_validate accepts; an
 * accepted document's parts, fed back through rating_build, must be accepted again. Drawing
 * the PDF is left out (cairo and fonts are slow and not ours); tests/unit/test_rating.c draws
 * the sample documents.
 */
#include "../src/core/jsonx.h"
#include "../src/rating/rating.h"
#include "fuzz.h"

static void check_errors(const struct verr_list *errs)
{
    BUG_ON(!verr_any(errs));
    for (size_t i = 0; i < errs->n; i++)
        BUG_ON(!errs->v[i].code || !errs->v[i].en[0] || !errs->v[i].ja[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    struct verr_list errs;
    if (size > 256 * 1024 || jsonx_load_object((const char *)data, size, 32, &doc, NULL))
        return 0;
    verr_list_init(&errs, 100);
    if (rating_validate(doc, &errs) != RATING_OK) {
        check_errors(&errs);
    } else {
        BUG_ON(verr_any(&errs));
        /* rebuild from the parts: the assembled document must pass as well */
        const char *lang = json_string_value(json_object_get(doc, "language"));
        json_t *again = rating_build(json_object_get(doc, "organization"),
                                     json_object_get(doc, "assessment"),
                                     json_object_get(doc, "peers"), json_object_get(doc, "risk"),
                                     FUZZ_NOW_MS, lang ? lang : "ja", &errs);
        BUG_ON(!again);
        BUG_ON(rating_validate(again, &errs) != RATING_OK);
        json_decref(again);
    }
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
