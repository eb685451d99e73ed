/*
 * fuzz_delivery.c — the small parsers of delivery (src/outbox/): the operator's delivery file
 * (outbox_config_build against the synthetic rule set tests/data/rules-mini), a receiver's
 * answer (outbox_receipt_parse), an endpoint URL (outbox_url_check) and a signature header
 * (outbox_verify). Invariants: every problem has a pointer, a code and both messages; a
 * webhook route that passes has an endpoint and a secret within bounds; a parsed receipt
 * reference is short and printable.
 */
#include "../src/core/jsonx.h"
#include "../src/outbox/outbox.h"
#include "fuzz.h"

static struct ruleset *rules(void)
{
    static struct ruleset *rs;
    static bool tried;
    if (!tried) {
        struct diag_list d;
        char dir[1024];
        tried = true;
        snprintf(dir, sizeof(dir), "%s/tests/data/rules-mini", ICHIGEN_SOURCE_ROOT);
        diag_list_init(&d);
        rs = rules_load_dir(dir, &d);
        diag_list_release(&d);
        BUG_ON(!rs);
    }
    return rs;
}

static void config(const json_t *doc)
{
    struct outbox_net_policy net = {false, true};
    struct outbox_config c;
    struct verr_list errs;
    verr_list_init(&errs, 100);
    size_t n = outbox_config_build(rules(), doc, &net, 4, 10, &c, &errs);
    BUG_ON(n != errs.n + errs.dropped);
    for (size_t i = 0; i < errs.n; i++)
        BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0]);
    if (n == 0)
        for (size_t i = 0; i < c.nroutes; i++)
            if (c.routes[i].channel == CHANNEL_WEBHOOK)
                BUG_ON(!c.routes[i].endpoint[0] || c.routes[i].secret_len < OUTBOX_SECRET_MIN ||
                       c.routes[i].secret_len > OUTBOX_SECRET_MAX);
    outbox_config_release(&c);
    verr_list_release(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    json_t *doc = NULL;
    char ref[129], url[2100];
    struct err e;
    struct outbox_net_policy strict = {false, false};
    if (size > 256 * 1024)
        return 0;
    if (!jsonx_load_object(text, size, 16, &doc, NULL)) {
        config(doc);
        json_decref(doc);
    }
    char *receipt = outbox_receipt_parse(text, size, ref, sizeof(ref));
    if (receipt) {
        size_t n = strlen(ref);
        BUG_ON(n == 0 || n > 128);
        for (size_t i = 0; i < n; i++)
            BUG_ON((unsigned char)ref[i] < 0x20);
        free(receipt);
    } else {
        BUG_ON(ref[0]);
    }
    size_t ul = size < sizeof(url) - 1 ? size : sizeof(url) - 1;
    memcpy(url, data, ul);
    url[ul] = '\0';
    err_init(&e);
    if (outbox_url_check(url, &strict, &e) == 0)
        BUG_ON(strncmp(url, "https://", 8)); /* strict: https only */
    static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
    BUG_ON(outbox_verify(secret, 32, url, "", 0, 0, 300) && strncmp(url, "t=", 2));
    return 0;
}
