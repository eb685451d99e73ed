/*
 * fuzz_jparse.c — differential: our JSON parser (jsonx_parse, src/core/jparse.c) against
 * jansson's json_loadb with the flags jsonx_load_object passed it before (duplicate keys
 * refused, any top-level value, jansson's own depth limit of JSON_PARSER_MAX_DEPTH).
 *
 * Invariants, for every input:
 *  1. both accept or both refuse;
 *  2. when both accept: json_equal holds, the canonical dumps (jsonx_dump_canonical: sorted
 *     keys, shortest round-trip reals, so equal bytes mean bit-identical doubles, -0.0
 *     included) are identical, and so are the compact dumps in insertion order (same key order);
 *  3. with a small depth limit D (1–8, from the first byte), the new parser refuses with
 *     JSONX_EDEPTH exactly when jansson's value nests deeper than D, and refuses whatever
 *     jansson refuses; when it refuses for depth a text that also has a syntax error, the
 *     depth error is the one further left (it is met first);
 *  4. jsonx_load_object says JSONX_ENOTOBJ exactly for accepted texts whose top level is not
 *     an object;
 *  5. every error has line, column >= 1, a position within the text, and English and
 *     Japanese texts that are valid UTF-8 (they go into problem+json bodies).
 * Error positions are not compared with jansson's: jansson points after the token it could not
 * use (and validates UTF-8 before anything else), we point at its first byte (jsonx.h).
 *
 * One documented difference: a text with a NUL byte. RFC 8259 allows NUL nowhere outside a
 * string and only escaped inside one, and jsonx_parse refuses every such text; jansson 2.14
 * silently drops a NUL that directly follows a number or a literal (its stream cannot put a
 * NUL back: a NUL in its look-ahead buffer means "empty"), so it accepts "9\0" and "[true\0]".
 * For those inputs the target only checks that we refuse them. (The HTTP layer refuses
 * NUL bytes before any parser sees them, src/http/nulguard.c; data files and the CLI gain it.)
 */
#include "../src/core/buf.h"
#include "../src/core/jsonx.h"
#include "fuzz.h"

/* How deeply containers nest in j (0 for a scalar), as jansson and jsonx_parse count. */
static int depth_of(const json_t *j)
{
    int max = 0, d;
    size_t i;
    const char *k;
    json_t *v;
    if (!json_is_object(j) && !json_is_array(j))
        return 0;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v)
        {
            if ((d = depth_of(v)) > max)
                max = d;
        }
    } else {
        json_array_foreach(j, i, v)
        {
            if ((d = depth_of(v)) > max)
                max = d;
        }
    }
    return max + 1;
}

static void check_error(const struct jsonx_error *e, size_t n)
{
    json_t *en = json_string(e->text), *ja = json_string(e->text_ja);
    if (e->line < 1 || e->column < 1 || e->position < 0 || (size_t)e->position > n)
        BUG("error at line %d column %d position %ld of %zu", e->line, e->column, e->position, n);
    if (!en || !ja || !e->text[0] || !e->text_ja[0])
        BUG("error text empty or not UTF-8: %s", e->text);
    json_decref(en);
    json_decref(ja);
}

static void same_dumps(const json_t *ref, const json_t *got)
{
    struct buf a, b;
    char *ca, *cb;
    buf_init(&a, BUF_UNLIMITED);
    buf_init(&b, BUF_UNLIMITED);
    if (!json_equal(ref, got))
        BUG("json_equal fails");
    if (jsonx_dump_canonical(ref, &a) || jsonx_dump_canonical(got, &b))
        BUG("canonical dump failed");
    if (a.len != b.len || memcmp(buf_cstr(&a), buf_cstr(&b), a.len))
        BUG("canonical dumps differ: %s vs %s", buf_cstr(&a), buf_cstr(&b));
    ca = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);
    cb = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!ca || !cb || strcmp(ca, cb))
        BUG("insertion-order dumps differ: %s vs %s", ca ? ca : "-", cb ? cb : "-");
    free(ca);
    free(cb);
    buf_release(&a);
    buf_release(&b);
}

static void check_small_depth(const char *p, size_t n, const json_t *ref,
                              const struct jsonx_error *full)
{
    int limit = n ? 1 + (unsigned char)p[0] % 8 : 1, rc;
    struct jsonx_error e;
    json_t *got;
    rc = jsonx_parse(p, n, limit, &got, &e);
    if (ref) {
        int want = depth_of(ref) > limit ? JSONX_EDEPTH : JSONX_OK;
        if (rc != want)
            BUG("limit %d: got %d, want %d", limit, rc, want);
        if (!rc)
            same_dumps(ref, got);
    } else if (rc == JSONX_OK) {
        BUG("limit %d: accepted what jansson refuses", limit);
    } else if (rc == JSONX_EDEPTH && e.position > full->position) {
        BUG("depth error at %ld after the syntax error at %ld", e.position, full->position);
    }
    if (rc)
        check_error(&e, n);
    json_decref(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    json_error_t je;
    struct jsonx_error e;
    json_t *got, *obj;
    if (size > 256 * 1024)
        return 0;
    json_t *ref = json_loadb(p, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    int rc = jsonx_parse(p, size, JSON_PARSER_MAX_DEPTH, &got, &e);
    if (memchr(p, '\0', size)) {
        if (!rc)
            BUG("accepted a text with a NUL byte");
        check_error(&e, size);
        json_decref(ref);
        return 0;
    }
    if (!ref != !!rc)
        BUG("jansson %s (%s at %d), jsonx_parse %s (%s at %ld)", ref ? "accepts" : "refuses",
            ref ? "-" : je.text, ref ? 0 : je.position, rc ? "refuses" : "accepts",
            rc ? e.text : "-", rc ? e.position : 0L);
    if (ref)
        same_dumps(ref, got);
    else
        check_error(&e, size);
    check_small_depth(p, size, ref, &e);
    rc = jsonx_load_object(p, size, JSON_PARSER_MAX_DEPTH, &obj, NULL);
    if ((rc == JSONX_ENOTOBJ) != (ref && !json_is_object(ref)) || (!rc != json_is_object(ref)))
        BUG("jsonx_load_object says %d", rc);
    json_decref(obj);
    json_decref(got);
    json_decref(ref);
    return 0;
}
