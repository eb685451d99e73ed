/*
 * fuzz_web.c — what a request path gets from the web UI's table (http_web_resolve), the
 * Accept-Encoding list (http_accepts_gzip) and the names the table admits (http_web_add). The
 * first byte picks: 0 a path against a fixed table, 1 an Accept-Encoding value, 2 a name added
 * to a table. Invariants: a file is served only under its exact name, the page only for paths
 * outside the API's, and no admitted name has an empty, "." or ".." segment.
 */
#include "../src/http/http_int.h"
#include "fuzz.h"

static struct http_web *table(void)
{
    static const char *const names[] = {"index.html", "assets/app-1a2b.js", "assets/app-1a2b.js.gz",
                                        "assets/site.css", "favicon.ico"};
    struct http_web *w = http_web_new();
    struct err e;
    err_init(&e);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        BUG_ON(http_web_add(w, names[i], names[i], strlen(names[i]), &e));
    http_web_finish(w);
    BUG_ON(http_web_count(w) != ARRAY_SIZE(names) || !http_web_has_index(w));
    return w;
}

static void resolve(const char *path)
{
    static struct http_web *w;
    struct http_web_hit hit;
    if (!w)
        w = table(); /* kept for the process: the fuzzer calls this millions of times */
    enum http_web_kind k = http_web_resolve(w, path, path[0] & 1, &hit);
    BUG_ON(k > HTTP_WEB_NOT_BUILT);
    if (k == HTTP_WEB_FILE) {
        BUG_ON(strcmp(hit.file->name, path + 1));
        BUG_ON(hit.gzip != (hit.body == hit.file->gz) || !hit.body);
    }
    if (k == HTTP_WEB_INDEX)
        BUG_ON(strncmp(path, "/api", 4) == 0 && (path[4] == '/' || !path[4]));
    BUG_ON((k == HTTP_WEB_FILE || k == HTTP_WEB_INDEX) != (hit.file != NULL));
}

static void add_name(const char *name)
{
    struct http_web *w = http_web_new();
    struct err e;
    err_init(&e);
    BUG_ON(http_web_add(w, name, "x", 1, &e));
    http_web_finish(w);
    if (http_web_count(w)) {
        char padded[300];
        snprintf(padded, sizeof(padded), "/%s/", name);
        BUG_ON(strstr(padded, "//") || strstr(padded, "/./") || strstr(padded, "/../") ||
               strstr(padded, "/."));
    }
    http_web_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *s = xmalloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 3) {
    case 0:
        resolve(s);
        break;
    case 1:
        (void)http_accepts_gzip(s);
        break;
    default:
        add_name(s);
        break;
    }
    free(s);
    return 0;
}
