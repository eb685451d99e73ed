/*
 * report_table.c — navigation of the field table: lookups by path, label paths for messages,
 * and the index facts the store keeps for listing.
 */
#include "report_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

static const struct rf_field *child(const struct rf_field *f, const char *name, size_t n)
{
    if (!f || f->type != RF_OBJECT)
        return NULL;
    for (const struct rf_field *m = f->fields; m->name; m++)
        if (strlen(m->name) == n && !memcmp(m->name, name, n))
            return m;
    return NULL;
}

const struct rf_field *report_field_lookup(const char *path)
{
    const struct rf_field *f = &report_root;
    const char *p = path;
    while (f && *p == '/') {
        const char *tok = p + 1;
        size_t n = strcspn(tok, "/");
        if (f->type == RF_ARRAY && n == 1 && tok[0] == '-')
            f = f->fields;
        else
            f = child(f, tok, n);
        p = tok + n;
    }
    return *p ? NULL : f;
}

void report_label_path(const char *pointer, bool ja, struct buf *out)
{
    const struct rf_field *f = &report_root;
    const char *p = pointer;
    size_t start = out->len;
    while (*p == '/') {
        const char *tok = p + 1;
        size_t n = strcspn(tok, "/");
        if (out->len > start)
            buf_puts(out, " › ");
        if (f && f->type == RF_ARRAY) {
            buf_appendf(out, ja ? "%lld件目" : "#%lld", strtoll(tok, NULL, 10) + 1);
            f = f->fields;
        } else {
            const struct rf_field *m = child(f, tok, n);
            if (m)
                buf_puts(out, ja ? m->ja : m->en);
            else
                buf_append(out, tok, n);
            f = m;
        }
        p = tok + n;
    }
}

void report_emit(struct verr_list *errs, const char *pointer, const char *code, const char *en,
                 const char *ja)
{
    struct buf me, mj;
    buf_init(&me, 16384);
    buf_init(&mj, 16384);
    report_label_path(pointer, false, &me);
    report_label_path(pointer, true, &mj);
    buf_appendf(&me, "%s%s", me.len ? ": " : "", en);
    buf_appendf(&mj, "%s%s", mj.len ? ": " : "", ja);
    verr_add(errs, pointer, code, buf_cstr(&me), buf_cstr(&mj));
    buf_release(&me);
    buf_release(&mj);
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
