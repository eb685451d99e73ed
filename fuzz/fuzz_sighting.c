/*
 * fuzz_sighting.c — the sightings body parser (app_sighting_decode, src/app/app_sighting.h;
 * issue 13 item 3). Invariants, for every input that parses as JSON: the decoder either
 * accepts with no problem listed, or refuses with at least one, each with a pointer and a code;
 * an accepted sighting has a canonical value that normalises to itself, a kind, a count in
 * 1..APP_SIGHTING_COUNT_MAX, last_seen not before first_seen, a note of at most the limit.
 */
#include "../src/app/app_sighting.h"
#include "fuzz.h"

static void check_accepted(const struct app_sighting_in *in)
{
    struct ioc_value *again = xmalloc(sizeof(*again));
    BUG_ON(in->count < 1 || in->count > APP_SIGHTING_COUNT_MAX);
    BUG_ON(in->first_seen && in->last_seen && in->last_seen < in->first_seen);
    BUG_ON(in->note && strlen(in->note) > APP_SIGHTING_NOTE_MAX);
    BUG_ON(ioc_normalise(in->value.type, in->value.text, in->value.len, again, NULL, ""));
    BUG_ON(again->len != in->value.len || memcmp(again->text, in->value.text, in->value.len));
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct verr_list errs;
    struct app_sighting_in *in;
    if (size > 8192)
        return 0;
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!doc)
        return 0;
    in = xmalloc(sizeof(*in));
    verr_list_init(&errs, 50);
    int r = app_sighting_decode(doc, in, &errs);
    if (r == 0) {
        BUG_ON(errs.n != 0);
        check_accepted(in);
    } else {
        BUG_ON(errs.n == 0);
        for (size_t i = 0; i < errs.n; i++)
            BUG_ON(!errs.v[i].code[0]);
    }
    verr_list_release(&errs);
    free(in);
    json_decref(doc);
    return 0;
}
