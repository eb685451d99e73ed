/*
 * report_table.c — lookups in the report format's field table, and the index facts the store
 * keeps for listing.
 */
#include "report_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

const struct rf_field *report_field_lookup(const char *path)
{
    return schema_lookup(&report_root, path);
}

void report_index_extract(const json_t *doc, struct report_index *ix)
{
    json_t *d = (json_t *)doc;
    const json_t *cats = jsonx_ptr_get(d, "/classification/categories");
    const json_t *aware = jsonx_ptr_get(d, "/times/aware_at");
    struct rtime_parsed t;
    size_t o = 0;

    memset(ix, 0, sizeof(*ix));
    ix->phase = json_string_value(jsonx_ptr_get(d, "/envelope/phase"));
    ix->drill = json_is_true(jsonx_ptr_get(d, "/envelope/drill"));
    ix->summary = json_string_value(jsonx_ptr_get(d, "/description/summary"));
    ix->tlp = json_string_value(jsonx_ptr_get(d, "/confidentiality/tlp"));
    ix->change_summary = json_string_value(jsonx_ptr_get(d, "/envelope/change_summary"));
    if (json_is_string(aware) &&
        !rtime_parse_rfc3339(json_string_value(aware), json_string_length(aware), &t))
        ix->aware_at_ms = t.ms;
    ix->categories[o++] = ',';
    for (size_t i = 0; json_is_array(cats) && i < json_array_size(cats); i++) {
        const char *s = json_string_value(json_array_get(cats, i));
        size_t n = s ? strlen(s) : 0;
        if (!n || o + n + 2 >= sizeof(ix->categories))
            continue;
        memcpy(ix->categories + o, s, n);
        o += n;
        ix->categories[o++] = ',';
    }
    ix->categories[o] = '\0';
}
