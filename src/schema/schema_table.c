/*
 * schema_table.c — navigation of a field table: members, lookups by path, label paths for
 * messages, and the problems modules add after the walk (cross-field rules).
 */
#include "schema.h"

const struct rf_field *schema_member(const struct rf_field *f, const char *name, size_t n)
{
    if (!f || f->type != RF_OBJECT)
        return NULL;
    for (const struct rf_field *m = f->fields; m->name; m++)
        if (strlen(m->name) == n && !memcmp(m->name, name, n))
            return m;
    return NULL;
}

const struct rf_field *schema_lookup(const struct rf_field *root, const char *path)
{
    const struct rf_field *f = root;
    const char *p = path;
    while (f && *p == '/') {
        const char *tok = p + 1;
        size_t n = strcspn(tok, "/");
        if ((f->type == RF_ARRAY && n == 1 && tok[0] == '-') || f->type == RF_MAP)
            f = f->fields; /* an array's items as "-"; a map's under any name */
        else
            f = schema_member(f, tok, n);
        p = tok + n;
    }
    return *p ? NULL : f;
}

void schema_label_path(const struct rf_field *root, const char *pointer, bool ja, struct buf *out)
{
    const struct rf_field *f = root;
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
        } else if (f && f->type == RF_MAP) {
            buf_append(out, tok, n); /* a map's member is named by its data */
            f = f->fields;
        } else {
            const struct rf_field *m = schema_member(f, tok, n);
            if (m)
                buf_puts(out, ja ? m->ja : m->en);
            else
                buf_append(out, tok, n);
            f = m;
        }
        p = tok + n;
    }
}

void schema_emit_path(const struct rf_field *root, struct verr_list *errs, const char *pointer,
                      const char *code, const char *en, const char *ja)
{
    struct buf me, mj;
    buf_init(&me, 16384);
    buf_init(&mj, 16384);
    schema_label_path(root, pointer, false, &me);
    schema_label_path(root, pointer, true, &mj);
    buf_appendf(&me, "%s%s", me.len ? ": " : "", en);
    buf_appendf(&mj, "%s%s", mj.len ? ": " : "", ja);
    verr_add(errs, pointer, code, buf_cstr(&me), buf_cstr(&mj));
    buf_release(&me);
    buf_release(&mj);
}

int64_t schema_field_max(const struct rf_field *f)
{
    if (f->max)
        return f->max;
    return f->type == RF_TEXT ? RF_DEFAULT_TEXT_MAX : RF_DEFAULT_STRING_MAX;
}
