/*
 * fuzz_report.c — the report body path of POST /api/v1/reports: bounded JSON parsing, the
 * validator (structure, formats, RFC 3339 times, cross-field rules), canonical form and index
 * extraction. Invariants checked: a valid report's canonical form re-parses to an equal document
 * and re-validates; the error list never exceeds its bound.
 */
#include "../src/core/jsonx.h"
#include "../src/core/hash.h"
#include "../src/report/report.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonx_error je;
    struct schema_limits lim;
    struct verr_list errs;
    json_t *doc = NULL;
    if (size > 256 * 1024)
        return 0;
    if (jsonx_load_object((const char *)data, size, 32, &doc, &je))
        return 0;
    schema_limits_default(&lim);
    lim.max_errors = 50;
    verr_list_init(&errs, lim.max_errors);
    size_t n = report_validate(doc, &lim, FUZZ_NOW_MS, &errs);
    BUG_ON(errs.n > lim.max_errors);
    BUG_ON(n != errs.n + errs.dropped);
    for (size_t i = 0; i < errs.n; i++)
        BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0]);
    if (n == 0) {
        struct buf canon;
        struct report_index ix;
        struct verr_list again;
        json_t *back = NULL;
        buf_init(&canon, BUF_UNLIMITED);
        BUG_ON(jsonx_dump_canonical(doc, &canon));
        BUG_ON(jsonx_load_object(canon.data, canon.len, 64, &back, &je));
        BUG_ON(!json_equal(doc, back));
        verr_list_init(&again, 10);
        BUG_ON(report_validate(back, &lim, FUZZ_NOW_MS, &again) != 0);
        report_index_extract(back, &ix);
        BUG_ON(ix.categories[0] != ',');
        verr_list_release(&again);
        json_decref(back);
        buf_release(&canon);
    }
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
