/*
 * fuzz_advisory.c — the advisory format (src/sharing/advisory.c): any bytes either give
 * problems (each with a code, both messages and a JSON Pointer) or an advisory whose parts
 * hold together — its label parses, a TLP:RED one names its readers, its audience read back
 * targets within the lists it gave, and the event its audience's channels are told carries its
 * title only for TLP:CLEAR and TLP:GREEN without a required clearance (the rule the e-mail and
 * webhook bodies follow).
 */
#include "../src/core/jsonx.h"
#include "../src/sharing/advisory.h"
#include "fuzz.h"

static const struct clearance_catalog *levels(void)
{
    static struct clearance_catalog c;
    static bool made;
    if (!made) {
        c.n = 2;
        xstrlcpy(c.levels[0].id, "jp-ceis", sizeof(c.levels[0].id));
        c.levels[0].rank = 1;
        c.levels[0].validity_years = 10;
        xstrlcpy(c.levels[1].id, "jp-sds", sizeof(c.levels[1].id));
        c.levels[1].rank = 2;
        c.levels[1].validity_years = 5;
        made = true;
    }
    return &c;
}

static void check_valid(const json_t *doc)
{
    enum tlp t = tlp_parse(json_string_value(json_object_get(doc, "tlp")));
    BUG_ON(t == TLP_INVALID);
    const json_t *aud = json_object_get(doc, "audience");
    if (t == TLP_RED)
        BUG_ON(json_array_size(json_object_get(aud, "users")) == 0);
    char *text = aud ? json_dumps(aud, JSON_COMPACT) : NULL;
    struct advisory_audience a;
    advisory_audience_load(&a, text);
    BUG_ON(a.nusers != json_array_size(json_object_get(aud, "users")));
    BUG_ON(a.norgs != json_array_size(json_object_get(aud, "organizations")));
    struct share_audience sa = {.tlp = t, .owner_org = "org-own", .author_user = "u-author"};
    advisory_audience_apply(&a, &sa);
    struct share_reader anon = {.anonymous = true};
    BUG_ON(share_can_read(&anon, &sa) != (t == TLP_CLEAR));
    advisory_audience_release(&a);
    free(text);
    bool clearance = json_is_string(json_object_get(doc, "required_clearance"));
    json_t *ev = advisory_event("advisory.published", "0190aaaa-0000-7000-8000-000000000001", 1, t,
                                clearance, json_object_get(doc, "title"));
    bool titled = json_object_get(json_object_get(ev, "advisory"), "title") != NULL;
    BUG_ON(titled != ((t == TLP_CLEAR || t == TLP_GREEN) && !clearance));
    json_decref(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    struct verr_list errs;
    if (size > 256 * 1024 || jsonx_load_object((const char *)data, size, 32, &doc, NULL))
        return 0;
    verr_list_init(&errs, 100);
    bool amend = size && (data[0] & 1);
    int rc = advisory_validate(doc, levels(), amend, &errs);
    BUG_ON((rc == 0) == verr_any(&errs));
    if (rc == 0)
        check_valid(doc);
    for (size_t i = 0; i < errs.n; i++)
        BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0] ||
               (errs.v[i].pointer[0] && errs.v[i].pointer[0] != '/'));
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
