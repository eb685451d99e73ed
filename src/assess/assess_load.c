/*
 * assess_load.c — reading the *.json files of data/frameworks into a catalog, with every problem
 * reported as file:line:column (positions recovered with jsonx_locate, since jansson keeps none),
 * in the manner of src/rules/rules_load.c. This file is the module's only I/O.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "assess_int.h"
#include "../core/jsonx.h"

#define MAX_FILE_BYTES (4 * 1024 * 1024)
#define MAX_FILES 200
#define MAX_DEPTH 32

struct assess_catalog {
    struct assess_framework **v;
    size_t n;
};

/* ---- diagnostics ---- */

void assess_diags_init(struct assess_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void assess_diags_release(struct assess_diags *d)
{
    free(d->v);
    assess_diags_init(d);
}

/* The file being read, for positions. */
struct src {
    const char *path;
    const char *text; /* NULL when unread */
    size_t n;
};

/* Position of the value at pointer, or of its nearest ancestor that exists (a missing member
 * such as /scale/levels/2/description/en is reported at the object that lacks it). */
static void locate(const struct src *f, const char *pointer, int *line, int *column)
{
    char p[256];
    xstrlcpy(p, pointer, sizeof(p));
    for (;;) {
        if (!jsonx_locate(f->text, f->n, p, line, column))
            return;
        char *slash = strrchr(p, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
}

static struct assess_diag *diag(struct assess_diags *d, const struct src *f, const char *pointer,
                                const char *code, const char *en, const char *ja)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    struct assess_diag *x = &d->v[d->n++];
    memset(x, 0, sizeof(*x));
    xstrlcpy(x->file, f->path, sizeof(x->file));
    xstrlcpy(x->pointer, pointer ? pointer : "", sizeof(x->pointer));
    if (f->text && pointer)
        locate(f, pointer, &x->line, &x->column);
    x->code = code;
    xstrlcpy(x->en, en, sizeof(x->en));
    xstrlcpy(x->ja, ja, sizeof(x->ja));
    return x;
}

static void diag_verrs(struct assess_diags *d, const struct src *f, const struct verr_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        diag(d, f, l->v[i].pointer, l->v[i].code, l->v[i].en, l->v[i].ja);
    if (l->dropped) {
        char en[96], ja[96];
        snprintf(en, sizeof(en), "%zu more problem(s) not shown", l->dropped);
        snprintf(ja, sizeof(ja), "ほかに%zu件の問題があります（省略）", l->dropped);
        diag(d, f, NULL, "more", en, ja);
    }
}

void assess_diags_print(const struct assess_diags *d, FILE *out, bool ja)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct assess_diag *x = &d->v[i];
        if (x->line)
            fprintf(out, "%s:%d:%d: ", x->file, x->line, x->column);
        else
            fprintf(out, "%s: ", x->file);
        fprintf(out, "%s%s[%s] %s\n", x->pointer, x->pointer[0] ? " " : "", x->code,
                ja ? x->ja : x->en);
    }
}

/* ---- files ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_json_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".json");
}

/* The regular *.json files of dir, sorted, NULL-ended. NULL when dir cannot be opened. */
static char **sorted_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **list;
    *n = 0;
    if (!d)
        return NULL;
    list = xcalloc(1, sizeof(*list));
    while ((e = readdir(d)) && *n < MAX_FILES) {
        char path[1024];
        struct stat st;
        if (!is_json_name(e->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) || !S_ISREG(st.st_mode))
            continue;
        list = xrealloc(list, (*n + 2) * sizeof(*list));
        list[(*n)++] = xstrdup(path);
        list[*n] = NULL;
    }
    closedir(d);
    qsort(list, *n, sizeof(*list), cmp_str);
    return list;
}

static void free_list(char **list)
{
    for (char **p = list; p && *p; p++)
        free(*p);
    free(list);
}

/* Reads and parses one JSON file; problems go to diags. On success f->text is the heap text
 * (the caller frees it) and *doc a new reference. Returns 0 or -1. */
static int read_json(struct src *f, json_t **doc, struct assess_diags *d)
{
    FILE *fp = fopen(f->path, "rb");
    struct jsonx_error je;
    char *text;
    *doc = NULL;
    f->text = NULL;
    if (!fp) {
        diag(d, f, NULL, "io", strerror(errno), "ファイルを読めません");
        return -1;
    }
    text = xmalloc(MAX_FILE_BYTES + 1);
    f->n = fread(text, 1, MAX_FILE_BYTES + 1, fp);
    fclose(fp);
    text[MIN(f->n, (size_t)MAX_FILE_BYTES)] = '\0';
    if (f->n > MAX_FILE_BYTES) {
        free(text);
        diag(d, f, NULL, "too_large", "larger than 4 MiB", "4 MiBを超えています");
        return -1;
    }
    f->text = text;
    if (jsonx_load_object(text, f->n, MAX_DEPTH, doc, &je)) {
        struct assess_diag *x = diag(d, f, NULL, "json_syntax", je.text, je.text_ja);
        x->line = je.line, x->column = je.column;
        return -1;
    }
    return 0;
}

/* The file must be named <id>.json (spec: data/frameworks/<id>.json). */
static void check_file_name(const struct assess_framework *fw, const struct src *f,
                            struct assess_diags *d)
{
    const char *base = strrchr(f->path, '/');
    char want[128], en[256], ja[256];
    base = base ? base + 1 : f->path;
    snprintf(want, sizeof(want), "%s.json", fw->id);
    if (!strcmp(base, want))
        return;
    snprintf(en, sizeof(en), "the file of framework %s must be named %s", fw->id, want);
    snprintf(ja, sizeof(ja), "フレームワーク %s のファイル名は %s にしてください", fw->id, want);
    diag(d, f, "/id", "file_name", en, ja);
}

/* Cross-checks the NIST CSF framework against the core file; positions are in fw's file. */
static void check_core(const struct assess_framework *fw, const struct src *f,
                       const char *core_path, struct assess_diags *d)
{
    struct src cf = {core_path, NULL, 0};
    json_t *core;
    struct verr_list errs;
    if (read_json(&cf, &core, d)) {
        free((char *)cf.text);
        return;
    }
    verr_list_init(&errs, 500);
    assess_check_nist_core(fw, core, &errs);
    diag_verrs(d, f, &errs);
    verr_list_release(&errs);
    json_decref(core);
    free((char *)cf.text);
}

static void load_one(struct assess_catalog *cat, const char *path, const char *core_path,
                     struct assess_diags *d)
{
    struct src f = {path, NULL, 0};
    struct verr_list errs;
    struct assess_framework *fw = NULL;
    json_t *doc;
    if (read_json(&f, &doc, d))
        goto out;
    verr_list_init(&errs, 500);
    fw = assess_framework_from_json(doc, &errs);
    diag_verrs(d, &f, &errs);
    verr_list_release(&errs);
    if (!fw)
        goto out;
    check_file_name(fw, &f, d);
    if (assess_catalog_get(cat, fw->id))
        diag(d, &f, "/id", "duplicate_framework", "another file has a framework with this id",
             "同じIDのフレームワークが別のファイルにあります");
    if (core_path && !strcmp(fw->id, ASSESS_NIST_CSF_ID))
        check_core(fw, &f, core_path, d);
    cat->v = xrealloc(cat->v, (cat->n + 1) * sizeof(*cat->v));
    cat->v[cat->n++] = fw;
out:
    json_decref(doc);
    free((char *)f.text);
}

struct assess_catalog *assess_load_dir(const char *dir, const char *nist_core,
                                       struct assess_diags *d)
{
    struct assess_catalog *cat = xcalloc(1, sizeof(*cat));
    struct src where = {dir, NULL, 0};
    size_t n, before = d->n;
    char **files = sorted_files(dir, &n);
    if (!files)
        diag(d, &where, NULL, "io", strerror(errno), "ディレクトリを開けません");
    else if (n == 0)
        diag(d, &where, NULL, "no_frameworks", "no framework files (*.json) found",
             "フレームワークのファイル（*.json）がありません");
    for (char **p = files; p && *p; p++)
        load_one(cat, *p, nist_core, d);
    free_list(files);
    if (d->n > before) {
        assess_catalog_free(cat);
        return NULL;
    }
    return cat;
}

void assess_catalog_free(struct assess_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++)
        assess_framework_free(cat->v[i]);
    free(cat->v);
    free(cat);
}

size_t assess_catalog_count(const struct assess_catalog *cat)
{
    return cat ? cat->n : 0;
}

const struct assess_framework *assess_catalog_at(const struct assess_catalog *cat, size_t i)
{
    return cat && i < cat->n ? cat->v[i] : NULL;
}

const struct assess_framework *assess_catalog_get(const struct assess_catalog *cat, const char *id)
{
    for (size_t i = 0; cat && id && i < cat->n; i++)
        if (!strcmp(cat->v[i]->id, id))
            return cat->v[i];
    return NULL;
}
