/*
 * assess_load.c — reading the *.json files of data/frameworks into a catalog through the data-file
 * loader (core/datafile.h), with every problem reported as file:line:column in a diag_list like
 * every other data file. This file is the module's only I/O.
 */
#include <errno.h>

#include "assess_int.h"
#include "../core/datafile.h"

#define MAX_FILE_BYTES (4 * 1024 * 1024)
#define MAX_FILES 200
#define MAX_DEPTH 32

struct assess_catalog {
    struct assess_framework **v;
    size_t n;
};

/* ---- files ---- */

static const struct datafile_limits limits = {MAX_FILE_BYTES, MAX_DEPTH};

/* The file must be named <id>.json (spec: data/frameworks/<id>.json). */
static void check_file_name(const struct assess_framework *fw, const struct datafile *f,
                            struct diag_list *d)
{
    const char *base = strrchr(f->path, '/');
    char want[128], en[256], ja[256];
    base = base ? base + 1 : f->path;
    snprintf(want, sizeof(want), "%s.json", fw->id);
    if (!strcmp(base, want))
        return;
    snprintf(en, sizeof(en), "the file of framework %s must be named %s", fw->id, want);
    snprintf(ja, sizeof(ja), "フレームワーク %s のファイル名は %s にしてください", fw->id, want);
    datafile_diag(f, d, "/id", "file_name", en, ja);
}

/* Cross-checks the NIST CSF framework against the core file; positions are in fw's file. */
static void check_core(const struct assess_framework *fw, const struct datafile *f,
                       const char *core_path, struct diag_list *d)
{
    struct datafile cf;
    struct verr_list errs;
    if (datafile_load(&cf, core_path, &limits, d) == 0) {
        verr_list_init(&errs, 500);
        assess_check_nist_core(fw, cf.doc, &errs);
        datafile_diag_verrs(f, d, &errs);
        verr_list_release(&errs);
    }
    datafile_release(&cf);
}

static void load_one(struct assess_catalog *cat, const char *path, const char *core_path,
                     struct diag_list *d)
{
    struct datafile f;
    struct verr_list errs;
    struct assess_framework *fw = NULL;
    if (datafile_load(&f, path, &limits, d))
        goto out;
    verr_list_init(&errs, 500);
    fw = assess_framework_from_json(f.doc, &errs);
    datafile_diag_verrs(&f, d, &errs);
    verr_list_release(&errs);
    if (!fw)
        goto out;
    check_file_name(fw, &f, d);
    if (assess_catalog_get(cat, fw->id))
        datafile_diag(&f, d, "/id", "duplicate_framework",
                      "another file has a framework with this id",
                      "同じIDのフレームワークが別のファイルにあります");
    if (core_path && !strcmp(fw->id, ASSESS_NIST_CSF_ID))
        check_core(fw, &f, core_path, d);
    cat->v = xrealloc(cat->v, (cat->n + 1) * sizeof(*cat->v));
    cat->v[cat->n++] = fw;
out:
    datafile_release(&f);
}

struct assess_catalog *assess_load_dir(const char *dir, const char *nist_core, struct diag_list *d)
{
    struct assess_catalog *cat = xcalloc(1, sizeof(*cat));
    size_t before = d->n;
    char **files = datafile_list(dir, false, MAX_FILES);
    if (!files)
        diag_add(d, dir, NULL, "io", strerror(errno), "ディレクトリを開けません");
    else if (!files[0])
        diag_add(d, dir, NULL, "no_frameworks", "no framework files (*.json) found",
                 "フレームワークのファイル（*.json）がありません");
    for (char **p = files; p && *p; p++)
        load_one(cat, *p, nist_core, d);
    datafile_list_free(files);
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
