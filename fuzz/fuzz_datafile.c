/*
 * fuzz_datafile.c — the data-file loader (src/core/datafile.c): any bytes either parse into an
 * object or give exactly one diagnostic with its code and both messages; in a parsed file every
 * value's JSON Pointer is located exactly (at a line and column inside the text), and a member
 * that is not there is placed at its parent's position.
 */
#include "../src/core/buf.h"
#include "../src/core/datafile.h"
#include "../src/core/jsonx.h"
#include "fuzz.h"

#define MAX_CHECKS 2000

static int checks;

static void check_at(const struct datafile *f, struct buf *ptr)
{
    int line, col, pline, pcol;
    size_t saved = ptr->len;
    BUG_ON(datafile_locate(f, buf_cstr(ptr), &line, &col) != 0);
    BUG_ON(line < 1 || col < 1 || (size_t)line > f->n + 1);
    jsonx_ptr_push(ptr, "\x01missing", 8);
    BUG_ON(datafile_locate(f, buf_cstr(ptr), &pline, &pcol) != 1);
    BUG_ON(pline != line || pcol != col);
    buf_truncate(ptr, saved);
}

static void walk(const struct datafile *f, const json_t *v, struct buf *ptr)
{
    const char *key;
    json_t *m;
    size_t saved = ptr->len;
    if (++checks > MAX_CHECKS)
        return;
    check_at(f, ptr);
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, m)
        {
            jsonx_ptr_push(ptr, key, strlen(key));
            walk(f, m, ptr);
            buf_truncate(ptr, saved);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            jsonx_ptr_push_index(ptr, i);
            walk(f, json_array_get(v, i), ptr);
            buf_truncate(ptr, saved);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct datafile_limits lim = {64 * 1024, 16};
    struct datafile f;
    struct diag_list d;
    struct buf ptr;
    diag_list_init(&d);
    if (datafile_parse(&f, "fuzz.json", (const char *)data, size, &lim, &d) == 0) {
        BUG_ON(d.n != 0 || !json_is_object(f.doc));
        buf_init(&ptr, 1024 * 1024);
        buf_puts(&ptr, "");
        checks = 0;
        walk(&f, f.doc, &ptr);
        buf_release(&ptr);
    } else {
        BUG_ON(d.n != 1 || f.doc);
        BUG_ON(!d.v[0].code || !d.v[0].en[0] || !d.v[0].ja[0]);
    }
    datafile_release(&f);
    diag_list_release(&d);
    return 0;
}
