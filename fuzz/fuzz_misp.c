/*
 * fuzz_misp.c — the MISP event import (src/sharing/misp.h). Invariants: an accepted document
 * yields indicators with a TLP label and a non-empty value; exporting them again succeeds (the
 * import admits only values the export admits) and importing that export gives the same
 * indicators with the same label.
 */
#include "../src/sharing/misp.h"
#include "fuzz.h"

static const struct misp_import_limits lim = {1 << 16, 500, 32};

static void round_trip(const struct misp_import *r)
{
    struct misp_ioc *iocs = xcalloc(r->n + 1, sizeof(*iocs));
    struct misp_event_in in = {.uuid = "01938a2e-5b6c-7d8e-9f00-112233445566",
                               .info = "fuzz",
                               .date_ms = FUZZ_NOW_MS,
                               .timestamp_ms = FUZZ_NOW_MS,
                               .threat_level = MISP_THREAT_UNDEFINED,
                               .analysis = MISP_ANALYSIS_INITIAL,
                               .tlp = r->tlp,
                               .iocs = iocs,
                               .n_iocs = r->n};
    struct verr_list e;
    struct misp_import back;
    json_t *out;
    for (size_t i = 0; i < r->n; i++)
        iocs[i] = (struct misp_ioc){r->v[i].type, r->v[i].value, NULL, r->v[i].to_ids, NULL};
    verr_list_init(&e, 20);
    BUG_ON(misp_export(&in, &out, &e) != 0);
    char *s = json_dumps(out, JSON_COMPACT);
    misp_import_init(&back);
    BUG_ON(misp_import(s, strlen(s), &(struct misp_import_limits){1 << 24, 1000, 32}, &back, &e) !=
           0);
    BUG_ON(back.n != r->n || back.tlp != r->tlp);
    for (size_t i = 0; i < r->n; i++)
        BUG_ON(back.v[i].type != r->v[i].type || strcmp(back.v[i].value, r->v[i].value));
    misp_import_release(&back);
    free(s);
    json_decref(out);
    verr_list_release(&e);
    free(iocs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct misp_import r;
    struct verr_list e;
    if (size > 64 * 1024)
        return 0;
    verr_list_init(&e, 20);
    misp_import_init(&r);
    if (misp_import((const char *)data, size, &lim, &r, &e) == 0) {
        BUG_ON((int)r.tlp < 0 || r.tlp >= TLP__COUNT);
        for (size_t i = 0; i < r.n; i++)
            BUG_ON(!r.v[i].value[0] || (int)r.v[i].tlp < (int)r.tlp || r.v[i].tlp >= TLP__COUNT);
        round_trip(&r);
    } else
        BUG_ON(e.n == 0 && e.dropped == 0);
    misp_import_release(&r);
    verr_list_release(&e);
    return 0;
}
