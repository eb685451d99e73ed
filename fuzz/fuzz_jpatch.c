/*
 * fuzz_jpatch.c — RFC 6902 diff and apply, and JSON Pointer resolution. The input is two JSON
 * texts separated by a NUL byte. Invariant: apply(diff(a, b), a) equals b. The second text is
 * also applied to the first as a patch (any outcome is fine, but no crash or leak).
 */
#include "../src/core/jpatch.h"
#include "../src/core/jsonx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *nul = memchr(data, 0, size);
    char err[128];
    if (!nul || size > 64 * 1024)
        return 0;
    size_t na = (size_t)(nul - p), nb = size - na - 1;
    if (jsonx_depth_exceeded(p, na, 32) || jsonx_depth_exceeded(nul + 1, nb, 32))
        return 0;
    json_t *a = json_loadb(p, na, JSON_DECODE_ANY, NULL);
    json_t *b = json_loadb(nul + 1, nb, JSON_DECODE_ANY, NULL);
    if (a && b) {
        json_t *patch = jpatch_diff(a, b);
        json_t *out = jpatch_apply(a, patch, err, sizeof(err));
        if (!out || !json_equal(out, b))
            BUG("diff/apply round trip failed: %s", out ? "result differs" : err);
        json_decref(out);
        json_decref(patch);
        json_decref(jpatch_apply(a, b, err, sizeof(err)));
        if (json_is_string(b))
            (void)jsonx_ptr_get(a, json_string_value(b));
    }
    json_decref(a);
    json_decref(b);
    return 0;
}
