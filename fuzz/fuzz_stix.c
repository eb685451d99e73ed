/*
 * fuzz_stix.c — the STIX 2.1 importer (stix_import_bundle) and the pattern reader
 * (stix_pattern_extract), src/sharing/stix_import.c and stix_pattern.c.
 *
 * The first byte chooses: even, the rest is a bundle; odd, the rest is one pattern.
 * Invariants, for every input:
 *  1. import returns 0 exactly when it recorded no problem, else 1; never crashes or leaks;
 *  2. the per-type counts add up to at most the number of objects read, and every problem has
 *     a pointer that is "" or starts with "/", a stable code and both texts;
 *  3. every indicator taken from a pattern (in a bundle or alone) survives the round trip:
 *     writing its pattern with stix_pattern_build and reading that back gives the same kind and
 *     the same value (so escaping and unescaping agree).
 */
#include "../src/core/buf.h"
#include "../src/sharing/stix.h"
#include "fuzz.h"

static void round_trip(enum ioc_type t, const char *value)
{
    struct buf b;
    struct stix_pattern_ioc again;
    buf_init(&b, 1u << 20);
    BUG_ON(stix_pattern_build(&b, t, value, strlen(value)));
    BUG_ON(stix_pattern_extract(b.data, b.len, &again));
    BUG_ON(again.type != t || strcmp(again.value, value));
    free(again.value);
    buf_release(&b);
}

static void bundle(const char *p, size_t n)
{
    struct stix_limits lim = stix_default_limits;
    struct stix_import r;
    size_t sum = 0;
    lim.max_objects = 2000;
    lim.max_errors = 50;
    stix_import_init(&r, &lim);
    int rc = stix_import_bundle(p, n, &r);
    BUG_ON(rc != (verr_any(&r.errs) ? 1 : 0));
    for (size_t i = 0; i < r.n_types; i++)
        sum += r.types[i].n;
    BUG_ON(sum > r.objects);
    for (size_t i = 0; i < r.errs.n; i++)
        BUG_ON((r.errs.v[i].pointer[0] && r.errs.v[i].pointer[0] != '/') || !r.errs.v[i].code ||
               !r.errs.v[i].en[0] || !r.errs.v[i].ja[0]);
    for (size_t i = 0; i < r.n_iocs; i++)
        round_trip(r.iocs[i].type, r.iocs[i].value);
    stix_import_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct stix_pattern_ioc x;
    if (size < 1)
        return 0;
    const char *p = (const char *)data + 1;
    if (!(data[0] & 1)) {
        bundle(p, size - 1);
        return 0;
    }
    if (!stix_pattern_extract(p, size - 1, &x)) {
        round_trip(x.type, x.value);
        free(x.value);
    }
    return 0;
}
