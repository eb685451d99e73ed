/*
 * body_template.c — see body_template.h.
 */
#include "body_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/banned.h"

#define SEQ_MARKER "@@BENCH_SEQ@@"

int body_template_load(struct body_template *t, const char *path, const char *tool,
                       void (*doc_fix)(json_t *doc))
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    memset(t, 0, sizeof(*t));
    if (!doc) {
        fprintf(stderr, "%s: %s:%d: %s\n", tool, path, je.line, je.text);
        return -1;
    }
    json_t *desc = json_object_get(doc, "description");
    json_t *sum = json_object_get(desc, "summary");
    if (!json_is_string(sum)) {
        fprintf(stderr, "%s: %s has no description.summary string\n", tool, path);
        json_decref(doc);
        return -1;
    }
    if (doc_fix)
        doc_fix(doc);
    size_t sl = strlen(SEQ_MARKER) + 1 + json_string_length(sum) + 1;
    char *s = malloc(sl);
    snprintf(s, sl, "%s %s", SEQ_MARKER, json_string_value(sum));
    json_object_set_new(desc, "summary", json_string(s));
    free(s);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    char *m = text ? strstr(text, SEQ_MARKER) : NULL;
    if (!m) {
        free(text);
        return -1;
    }
    t->pre_len = (size_t)(m - text);
    t->pre = strndup(text, t->pre_len);
    t->post = strdup(m + strlen(SEQ_MARKER));
    t->post_len = strlen(t->post);
    free(text);
    return 0;
}

void body_template_release(struct body_template *t)
{
    free(t->pre);
    free(t->post);
    memset(t, 0, sizeof(*t));
}
