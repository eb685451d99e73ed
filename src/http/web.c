/*
 * web.c — the web UI's files (issue 12): read once from the setting web_dir at start-up into a
 * table, then served from memory. What it is: the table, its loading, and the pure decision of
 * the answer for a request path (http_web_resolve), which is all a request ever touches — no path
 * from a request reaches the file system, so "..", encoded dots or slashes and symlinks can
 * only fail to match a name in the table. What it is not: the HTTP answer (server.c sends it,
 * with the headers every response carries: respond.c).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"

#define WEB_MAX_FILES 4096
#define WEB_MAX_FILE_BYTES ((size_t)32 * 1024 * 1024)
#define WEB_MAX_TOTAL_BYTES ((size_t)256 * 1024 * 1024)
#define WEB_MAX_DEPTH 8

struct http_web {
    struct http_web_file *files; /* sorted by name */
    size_t n, cap;
    size_t total;
    const struct http_web_file *index;
};

struct http_web *http_web_new(void)
{
    return xcalloc(1, sizeof(struct http_web));
}

void http_web_free(struct http_web *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->files[i].name);
        free(w->files[i].data);
    }
    free(w->files);
    free(w);
}

/* Content types by extension (RFC 9239 for JavaScript; charset on every text type so that a
 * browser never guesses). */
static const struct {
    const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"gz", "application/gzip"},
};

const char *http_web_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < ARRAY_SIZE(types); i++)
            if (!strcmp(dot + 1, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

/* Names the table may hold: segments of letters, digits, '.', '_', '-', '@', '+', '~', none
 * empty or starting with '.' (no "..", no hidden files). Anything else is skipped at load. */
static bool name_ok(const char *name)
{
    size_t seg = 0;
    if (!*name || strlen(name) > 255)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (seg == 0)
                return false;
            seg = 0;
            continue;
        }
        if (seg == 0 && c == '.')
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("._-@+~", c)))
            return false;
        seg++;
    }
    return seg > 0;
}

int http_web_add(struct http_web *w, const char *name, const void *data, size_t len, struct err *e)
{
    if (!name_ok(name))
        return 0; /* not a name we serve: skipped, not an error */
    if (w->n >= WEB_MAX_FILES)
        return err_set(e, -1, "web_dir: more than %d files", WEB_MAX_FILES);
    if (len > WEB_MAX_FILE_BYTES || w->total + len > WEB_MAX_TOTAL_BYTES)
        return err_set(e, -1, "web_dir: %s: the files are larger than %zu MiB in all", name,
                       WEB_MAX_TOTAL_BYTES >> 20);
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
    }
    struct http_web_file *f = &w->files[w->n++];
    memset(f, 0, sizeof(*f));
    f->name = xstrdup(name);
    f->data = xmalloc(len ? len : 1);
    if (len)
        memcpy(f->data, data, len);
    f->len = len;
    f->type = http_web_type(name);
    w->total += len;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct http_web_file *)a)->name, ((const struct http_web_file *)b)->name);
}

static const struct http_web_file *find(const struct http_web *w, const char *name)
{
    struct http_web_file key = {.name = (char *)name};
    return w->n ? bsearch(&key, w->files, w->n, sizeof(*w->files), by_name) : NULL;
}

void http_web_finish(struct http_web *w)
{
    char gzname[300];
    if (w->n)
        qsort(w->files, w->n, sizeof(*w->files), by_name);
    for (size_t i = 0; i < w->n; i++) {
        snprintf(gzname, sizeof(gzname), "%s.gz", w->files[i].name);
        w->files[i].gz = find(w, gzname);
    }
    w->index = find(w, "index.html");
}

size_t http_web_count(const struct http_web *w)
{
    return w ? w->n : 0;
}

bool http_web_has_index(const struct http_web *w)
{
    return w && w->index;
}

/* ---- loading (the only file-system access) ---- */

static int read_whole(int dirfd, const char *leaf, const char *name, struct http_web *w,
                      struct err *e)
{
    int fd = openat(dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    int rc = 0;
    if (fd < 0)
        return 0; /* vanished or a symlink: not served */
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    if ((size_t)st.st_size > WEB_MAX_FILE_BYTES) {
        close(fd);
        return err_set(e, -1, "web_dir: %s is larger than %zu MiB", name, WEB_MAX_FILE_BYTES >> 20);
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *data = xmalloc(len ? len : 1);
    while (got < len) {
        ssize_t k = read(fd, data + got, len - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (got != len)
        rc = err_set(e, -1, "web_dir: cannot read %s", name);
    else
        rc = http_web_add(w, name, data, len, e);
    free(data);
    return rc;
}

static int load_dir(int dirfd, const char *prefix, int depth, struct http_web *w, struct err *e)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *de;
    int rc = 0;
    if (!d) {
        close(dirfd);
        return 0;
    }
    while (!rc && (de = readdir(d))) {
        char name[300];
        struct stat st;
        if (de->d_name[0] == '.')
            continue; /* ".", "..", hidden files */
        snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
            continue;
        if (S_ISDIR(st.st_mode) && depth < WEB_MAX_DEPTH && name_ok(name)) {
            int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                rc = load_dir(sub, name, depth + 1, w, e);
        } else if (S_ISREG(st.st_mode)) {
            rc = read_whole(dirfd, de->d_name, name, w, e);
        }
    }
    closedir(d);
    return rc;
}

struct http_web *http_web_load(const char *dir, struct err *e)
{
    struct http_web *w = http_web_new();
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && load_dir(fd, "", 0, w, e)) {
        http_web_free(w);
        return NULL;
    }
    http_web_finish(w);
    return w;
}

/* ---- the answer for a request path (pure) ---- */

/* Paths that belong to the API and the operator's endpoints: never the web UI's. */
static bool reserved(const char *path)
{
    static const char *const prefixes[] = {"/api", "/healthz", "/readyz", "/metrics"};
    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        size_t n = strlen(prefixes[i]);
        if (!strncmp(path, prefixes[i], n) && (path[n] == '\0' || path[n] == '/'))
            return true;
    }
    return false;
}

enum http_web_kind http_web_resolve(const struct http_web *w, const char *path, bool gzip_ok,
                                    struct http_web_hit *out)
{
    memset(out, 0, sizeof(*out));
    if (!path || path[0] != '/' || reserved(path))
        return HTTP_WEB_NOT_OURS;
    const struct http_web_file *f = w && path[1] ? find(w, path + 1) : NULL;
    if (f) {
        out->file = f;
        out->immutable = !strncmp(path, "/assets/", 8);
        if (gzip_ok && f->gz) {
            out->body = f->gz;
            out->gzip = true;
        } else {
            out->body = f;
        }
        return HTTP_WEB_FILE;
    }
    /* Vite names every asset by its content hash: one that is not there is a 404, never the
     * page (a stale page asking for an old script must not get HTML back as script) */
    if (!strncmp(path, "/assets/", 8) || !strcmp(path, "/assets"))
        return HTTP_WEB_MISSING;
    if (!w || !w->index)
        return HTTP_WEB_NOT_BUILT;
    out->file = out->body = w->index;
    return HTTP_WEB_INDEX;
}

/* One coding of an Accept-Encoding list (RFC 9110 §12.5.3): its name and whether its weight
 * is above zero ("q=0" means "not acceptable"; §12.4.2 allows up to three decimals). */
static bool weight_positive(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
        return true; /* another parameter: ignored, the default weight is 1 */
    for (p += 2; p < end && *p != ' ' && *p != '\t'; p++)
        if (*p >= '1' && *p <= '9')
            return true;
    return false;
}

bool http_accepts_gzip(const char *h)
{
    int gzip = -1, star = -1; /* -1 not named, 0 refused, 1 accepted */
    if (!h)
        return false;
    while (*h) {
        size_t n = strcspn(h, ",");
        const char *item = h, *end = h + n;
        while (item < end && (*item == ' ' || *item == '\t'))
            item++;
        size_t nl = strcspn(item, ";, \t");
        if (item + nl > end)
            nl = (size_t)(end - item);
        const char *semi = memchr(item, ';', (size_t)(end - item));
        int ok = semi ? weight_positive(semi + 1, end) : 1;
        if ((nl == 4 && !strncasecmp(item, "gzip", 4)) ||
            (nl == 6 && !strncasecmp(item, "x-gzip", 6)))
            gzip = ok;
        else if (nl == 1 && *item == '*')
            star = ok;
        h = *end ? end + 1 : end;
    }
    return gzip == 1 || (gzip == -1 && star == 1);
}
