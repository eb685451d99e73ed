#include "verr.h"

void verr_list_init(struct verr_list *l, size_t max)
{
    l->v = NULL;
    l->n = l->cap = l->dropped = 0;
    l->max = max;
}

void verr_list_release(struct verr_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].pointer);
        free(l->v[i].en);
        free(l->v[i].ja);
    }
    free(l->v);
    verr_list_init(l, l->max);
}

void verr_add(struct verr_list *l, const char *pointer, const char *code, const char *en,
              const char *ja)
{
    if (l->n >= l->max) {
        l->dropped++;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n].pointer = xstrdup(pointer);
    l->v[l->n].code = code;
    l->v[l->n].en = xstrdup(en);
    l->v[l->n].ja = xstrdup(ja);
    l->n++;
}
