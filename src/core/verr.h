/*
 * verr.h — a list of validation problems, each with a JSON Pointer (RFC 6901) to the offending
 * value, a stable machine code and a message in English and Japanese.
 *
 * Validators gather every problem instead of stopping at the first (STYLE.md, Errors); the HTTP
 * layer turns a list into one RFC 9457 problem+json response. The list is bounded: after `max`
 * entries further problems are counted but not stored (`dropped`), so hostile input cannot make
 * the error report itself huge.
 */
#ifndef CORE_VERR_H
#define CORE_VERR_H

#include "core.h"

struct verr {
    char *pointer; /* "" for the whole document */
    const char *code;
    char *en;
    char *ja;
};

struct verr_list {
    struct verr *v;
    size_t n, cap, max;
    size_t dropped;
};

void verr_list_init(struct verr_list *l, size_t max);
void verr_list_release(struct verr_list *l);

/* Adds a problem. pointer/en/ja are copied; code must be a string literal (static). */
void verr_add(struct verr_list *l, const char *pointer, const char *code, const char *en,
              const char *ja);

static inline bool verr_any(const struct verr_list *l)
{
    return l->n > 0 || l->dropped > 0;
}

#endif
