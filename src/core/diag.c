/*
 * diag.c — the list of diagnostics about data files and its one printed form (diag.h).
 */
#include "diag.h"

void diag_list_init(struct diag_list *d)
{
    memset(d, 0, sizeof(*d));
}

void diag_list_release(struct diag_list *d)
{
    free(d->v);
    diag_list_init(d);
}

struct diag *diag_add(struct diag_list *d, const char *file, const char *pointer, const char *code,
                      const char *en, const char *ja)
{
    struct diag *x;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    x = &d->v[d->n++];
    memset(x, 0, sizeof(*x));
    xstrlcpy(x->file, file ? file : "", sizeof(x->file));
    xstrlcpy(x->pointer, pointer ? pointer : "", sizeof(x->pointer));
    x->code = code;
    xstrlcpy(x->en, en, sizeof(x->en));
    xstrlcpy(x->ja, ja, sizeof(x->ja));
    return x;
}

void diag_list_print(const struct diag_list *d, FILE *out, bool ja)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *x = &d->v[i];
        if (x->line)
            fprintf(out, "%s:%d:%d: ", x->file, x->line, x->column);
        else
            fprintf(out, "%s: ", x->file);
        fprintf(out, "%s%s[%s] %s\n", x->pointer, x->pointer[0] ? " " : "", x->code,
                ja ? x->ja : x->en);
    }
}
