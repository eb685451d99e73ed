/*
 * fuzz_ioc.c — indicator normalisation (src/sharing/ioc.c) and the index's key parsing. The
 * first byte picks the type (IOC__COUNT: detect). Invariants: an accepted value's canonical
 * text is itself accepted and normalises to the same text (idempotence), is no longer than
 * IOC_TEXT_MAX, has no upper-case letters where the rules lower-case, and is found in an index
 * that holds it (exact match, and for a domain also from a subdomain).
 */
#include "../src/sharing/ioc.h"
#include "../src/sharing/ioc_index.h"
#include "fuzz.h"

static void check_index(const struct ioc_value *v)
{
    struct ioc_index *ix = ioc_index_new(1);
    struct ioc_count c;
    BUG_ON(ioc_index_add(ix, v->type, v->text, v->len, 7) != IOC_INDEX_OK);
    BUG_ON(ioc_index_query(ix, v->type, v->text, v->len, NULL, NULL, &c) < 1);
    BUG_ON(c.postings < 1);
    if (v->type == IOC_DOMAIN && v->len + 2 <= IOC_DOMAIN_MAX) {
        char sub[IOC_TEXT_MAX + 3];
        snprintf(sub, sizeof(sub), "a.%s", v->text);
        BUG_ON(ioc_index_query(ix, IOC_DOMAIN, sub, v->len + 2, NULL, NULL, NULL) != 1);
    }
    BUG_ON(ioc_index_remove(ix, v->type, v->text, v->len, 7) != IOC_INDEX_OK);
    BUG_ON(ioc_index_query(ix, v->type, v->text, v->len, NULL, NULL, NULL) != 0);
    ioc_index_free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ioc_value v, w;
    struct verr_list errs;
    if (size < 1 || size > IOC_VALUE_MAX + 1)
        return 0;
    enum ioc_type t = data[0] % (IOC__COUNT + 1) == IOC__COUNT
                          ? IOC_ANY
                          : (enum ioc_type)(data[0] % (IOC__COUNT + 1));
    verr_list_init(&errs, 20);
    int r = ioc_normalise(t, (const char *)data + 1, size - 1, &v, &errs, "/v");
    BUG_ON((r == 0) != (errs.n == 0));
    verr_list_release(&errs);
    (void)ioc_detect((const char *)data + 1, size - 1);
    if (r)
        return 0;
    BUG_ON(v.len > IOC_TEXT_MAX || strlen(v.text) != v.len);
    BUG_ON(ioc_normalise(v.type, v.text, v.len, &w, NULL, NULL) != 0);
    BUG_ON(w.len != v.len || memcmp(w.text, v.text, v.len) || w.defanged);
    if (v.type == IOC_DOMAIN || v.type == IOC_MD5 || v.type == IOC_SHA1 || v.type == IOC_SHA256)
        for (size_t i = 0; i < v.len; i++)
            BUG_ON(v.text[i] >= 'A' && v.text[i] <= 'Z');
    if (v.type == IOC_URL)
        (void)ioc_url_host(&v, &w);
    check_index(&v);
    return 0;
}
