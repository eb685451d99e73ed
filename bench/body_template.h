/*
 * body_template.h — a report body made distinct per request cheaply (bench/loadgen.c and
 * bench/bench_delivery.c): the report is serialised once with a marker in front of
 * description.summary and split there; each request is `pre + <sequence> + post`, so every
 * body differs (no idempotent replay, no deduplication) without re-serialising JSON.
 */
#ifndef BENCH_BODY_TEMPLATE_H
#define BENCH_BODY_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

struct body_template {
    char *pre, *post; /* heap, NUL-terminated */
    size_t pre_len, post_len;
};

/* Loads the report at path (tool: the program name for messages). doc_fix (may be NULL) may
 * change the document first. Returns 0, or -1 after printing why on stderr. */
int body_template_load(struct body_template *t, const char *path, const char *tool,
                       void (*doc_fix)(json_t *doc));
void body_template_release(struct body_template *t);

#endif
