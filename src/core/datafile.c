/*
 * datafile.c — reading and parsing the service's data files with limits, and placing their
 * problems at file:line:column (datafile.h).
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "datafile.h"
#include "jsonx.h"

static void limits_of(const struct datafile_limits *lim, size_t *bytes, int *depth)
{
    *bytes = lim && lim->max_bytes ? lim->max_bytes : DATAFILE_MAX_BYTES_DEFAULT;
    *depth = lim && lim->max_depth ? lim->max_depth : DATAFILE_MAX_DEPTH_DEFAULT;
}

static int parse(struct datafile *f, int depth, struct diag_list *d)
{
    struct jsonx_error je;
    if (jsonx_load_object(f->text, f->n, depth, &f->doc, &je)) {
        struct diag *x = diag_add(d, f->path, NULL, "json_syntax", je.text, je.text_ja);
        x->line = je.line, x->column = je.column;
        return -1;
    }
    return 0;
}

static void too_large(const struct datafile *f, size_t bytes, struct diag_list *d)
{
    char en[96], ja[96];
    if (bytes % (1024 * 1024) == 0) {
        snprintf(en, sizeof(en), "larger than %zu MiB", bytes / (1024 * 1024));
        snprintf(ja, sizeof(ja), "%zu MiBを超えています", bytes / (1024 * 1024));
    } else {
        snprintf(en, sizeof(en), "larger than %zu bytes", bytes);
        snprintf(ja, sizeof(ja), "%zuバイトを超えています", bytes);
    }
    diag_add(d, f->path, NULL, "too_large", en, ja);
}

int datafile_load(struct datafile *f, const char *path, const struct datafile_limits *lim,
                  struct diag_list *d)
{
    size_t bytes;
    int depth;
    FILE *fp;
    limits_of(lim, &bytes, &depth);
    memset(f, 0, sizeof(*f));
    f->path = path;
    if (!(fp = fopen(path, "rb"))) {
        diag_add(d, path, NULL, "io", strerror(errno), "ファイルを読めません");
        return -1;
    }
    f->text = xmalloc(bytes + 1);
    f->n = fread(f->text, 1, bytes + 1, fp);
    fclose(fp);
    f->text[MIN(f->n, bytes)] = '\0';
    if (f->n > bytes) {
        too_large(f, bytes, d);
        f->n = bytes;
        return -1;
    }
    return parse(f, depth, d);
}

int datafile_parse(struct datafile *f, const char *path, const char *text, size_t n,
                   const struct datafile_limits *lim, struct diag_list *d)
{
    size_t bytes;
    int depth;
    limits_of(lim, &bytes, &depth);
    memset(f, 0, sizeof(*f));
    f->path = path;
    if (n > bytes) {
        too_large(f, bytes, d);
        return -1;
    }
    f->text = xmalloc(n + 1);
    memcpy(f->text, text, n);
    f->text[n] = '\0';
    f->n = n;
    return parse(f, depth, d);
}

void datafile_release(struct datafile *f)
{
    json_decref(f->doc);
    free(f->text);
    memset(f, 0, sizeof(*f));
}

int datafile_locate(const struct datafile *f, const char *pointer, int *line, int *column)
{
    char *p;
    int r = 1;
    *line = *column = 0;
    if (!f->text || !pointer)
        return -1;
    if (!jsonx_locate(f->text, f->n, pointer, line, column))
        return 0;
    p = xstrdup(pointer);
    for (char *slash; (slash = strrchr(p, '/'));) {
        *slash = '\0'; /* the parent: '/' inside a token is escaped as ~1 */
        if (!jsonx_locate(f->text, f->n, p, line, column))
            goto out;
    }
    r = -1;
    *line = *column = 0;
out:
    free(p);
    return r;
}

struct diag *datafile_diag(const struct datafile *f, struct diag_list *d, const char *pointer,
                           const char *code, const char *en, const char *ja)
{
    struct diag *x = diag_add(d, f->path, pointer, code, en, ja);
    datafile_locate(f, pointer, &x->line, &x->column);
    return x;
}

void datafile_diag_verrs(const struct datafile *f, struct diag_list *d, const struct verr_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        datafile_diag(f, d, l->v[i].pointer, l->v[i].code, l->v[i].en, l->v[i].ja);
    if (l->dropped) {
        char en[96], ja[96];
        snprintf(en, sizeof(en), "%zu more problem(s) not shown", l->dropped);
        snprintf(ja, sizeof(ja), "ほかに%zu件の問題があります（省略）", l->dropped);
        diag_add(d, f->path, NULL, "more", en, ja);
    }
}

/* ---- directories ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_json_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".json");
}

static void list_into(const char *dir, bool deep, size_t max, char ***list, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) && *n < max) {
        char path[1024];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
            stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode) && deep) {
            list_into(path, deep, max, list, n);
        } else if (S_ISREG(st.st_mode) && is_json_name(e->d_name)) {
            *list = xrealloc(*list, (*n + 2) * sizeof(**list));
            (*list)[(*n)++] = xstrdup(path);
            (*list)[*n] = NULL;
        }
    }
    closedir(d);
}

char **datafile_list(const char *dir, bool deep, size_t max_files)
{
    DIR *top = opendir(dir);
    char **list;
    size_t n = 0;
    if (!top)
        return NULL; /* errno says why */
    closedir(top);
    list = xcalloc(1, sizeof(*list));
    list_into(dir, deep, max_files, &list, &n);
    qsort(list, n, sizeof(*list), cmp_str);
    return list;
}

void datafile_list_free(char **list)
{
    for (char **p = list; p && *p; p++)
        free(*p);
    free(list);
}
