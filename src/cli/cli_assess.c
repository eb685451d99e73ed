/*
 * cli_assess.c — `ichigen frameworks check [DIR]` validates the maturity framework files
 * (errors as file:line:column; the NIST CSF file is cross-checked against NIST's core when the
 * shared data is present); `ichigen assess score FILE` validates an answers file and prints
 * its scores (docs/assessment-and-risk.md).
 */
#include <limits.h>
#include <sys/stat.h>

#include "cli.h"
#include "../app/app_govern.h"
#include "../assess/assess.h"
#include "../core/jsonx.h"

#define NIST_CORE_REL "nist-csf-2.0/csf-2.0-core.json"
#define MAX_ANSWERS_BYTES (4 * 1024 * 1024)

static bool is_file(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISREG(st.st_mode);
}

static bool want_ja(const char *lang)
{
    if (lang)
        return !strcmp(lang, "ja");
    return getenv("LANG") && !strncmp(getenv("LANG"), "ja", 2);
}

/* <data>/frameworks, the data directory being the one `ichigen rules` uses (cli_rules_dir). */
static void cli_frameworks_dir(const struct config *cfg, char *out, size_t n)
{
    char data[1024];
    cli_rules_dir(cfg, data, sizeof(data));
    snprintf(out, n, "%s/frameworks", data);
}

/* The NIST CSF core for the cross-check: $ICHIGEN_SHARED_DATA/…, else the shared data next to
 * the repository (DIR/../../../shared/data/…, DIR being data/frameworks). NULL if absent. */
static const char *nist_core_path(const char *dir, char *out, size_t n)
{
    const char *shared = getenv("ICHIGEN_SHARED_DATA");
    if (shared && *shared) {
        snprintf(out, n, "%s/%s", shared, NIST_CORE_REL);
        if (is_file(out))
            return out;
    }
    snprintf(out, n, "%s/../../../shared/data/%s", dir, NIST_CORE_REL);
    if (!is_file(out))
        return NULL;
    char *real = realpath(out, NULL); /* for a readable message */
    if (real)
        xstrlcpy(out, real, n);
    free(real);
    return out;
}

static struct assess_catalog *load(const char *dir, const char *core, bool ja)
{
    struct diag_list d;
    diag_list_init(&d);
    struct assess_catalog *cat = assess_load_dir(dir, core, &d);
    if (!cat) {
        fprintf(stderr, "ichigen: the frameworks in %s have %zu problem(s):\n", dir, d.n);
        diag_list_print(&d, stderr, ja);
    }
    diag_list_release(&d);
    return cat;
}

struct assess_catalog *cli_load_frameworks(const struct config *cfg)
{
    char dir[1100];
    cli_frameworks_dir(cfg, dir, sizeof(dir));
    return load(dir, NULL, want_ja(NULL));
}

static int frameworks_check(const char *dir, const char *core, bool ja)
{
    struct assess_catalog *cat = load(dir, core, ja);
    if (!cat)
        return CLI_PROBLEM;
    for (size_t i = 0; i < assess_catalog_count(cat); i++) {
        const struct assess_framework *fw = assess_catalog_at(cat, i);
        printf("%s %s: %zu functions, %zu categories, %zu questions — %s\n", fw->id, fw->version,
               fw->nfunctions, fw->ncategories, fw->nquestions, ja ? fw->title.ja : fw->title.en);
    }
    if (core)
        printf("ids of %s cross-checked against %s\n", ASSESS_NIST_CSF_ID, core);
    else
        printf("NIST CSF core data not found: ids of %s not cross-checked\n", ASSESS_NIST_CSF_ID);
    printf("frameworks ok: %zu\n", assess_catalog_count(cat));
    assess_catalog_free(cat);
    return CLI_OK;
}

int cli_frameworks(int argc, char **argv)
{
    struct config cfg;
    const char *core_opt = cli_take(&argc, argv, "--nist-core"),
               *lang = cli_take(&argc, argv, "--lang");
    char dir[1100], core[1300];
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3 || strcmp(argv[1], "check") || (core_opt && !*core_opt)) {
        return cli_usage("frameworks", stderr);
    }
    if (argc == 3)
        xstrlcpy(dir, argv[2], sizeof(dir));
    else
        cli_frameworks_dir(&cfg, dir, sizeof(dir));
    const char *cp = core_opt ? core_opt : nist_core_path(dir, core, sizeof(core));
    return frameworks_check(dir, cp, want_ja(lang));
}

/* ---- assess score FILE ---- */

static const char *score_str(const json_t *o, char *buf, size_t n)
{
    const json_t *s = json_object_get(o, "score");
    if (!json_is_number(s))
        return "  -  ";
    snprintf(buf, n, "%5.2f", json_number_value(s));
    return buf;
}

static const char *tier_str(const json_t *o, bool ja, char *buf, size_t n)
{
    const json_t *t = json_object_get(o, "tier");
    if (!json_is_integer(t))
        return "";
    int tier = (int)json_integer_value(t);
    snprintf(buf, n, ja ? "ティア%d（%s）" : "tier %d (%s)", tier, assess_tier_name(tier, ja));
    return buf;
}

static void print_counts(const json_t *o, bool ja)
{
    printf(ja ? "回答 %lld、該当なし %lld、未回答 %lld"
              : "answered %lld, n/a %lld, unanswered %lld",
           (long long)json_integer_value(json_object_get(o, "answered")),
           (long long)json_integer_value(json_object_get(o, "not_applicable")),
           (long long)json_integer_value(json_object_get(o, "unanswered")));
}

static const char *name_of(const struct assess_framework *fw, const char *id, bool ja)
{
    for (size_t i = 0; i < fw->nfunctions; i++)
        if (!strcmp(fw->functions[i].id, id))
            return ja ? fw->functions[i].name.ja : fw->functions[i].name.en;
    for (size_t i = 0; i < fw->ncategories; i++)
        if (!strcmp(fw->categories[i].id, id))
            return ja ? fw->categories[i].name.ja : fw->categories[i].name.en;
    return "";
}

static void print_scores(const struct assess_framework *fw, const json_t *s, bool ja)
{
    const json_t *ov = json_object_get(s, "overall"), *f, *c;
    char b1[16], b2[128];
    size_t i, k;
    printf("%s (%s %s)\n", ja ? fw->title.ja : fw->title.en, fw->id, fw->version);
    printf("%-9s %s  %s\n  ", ja ? "総合" : "overall", score_str(ov, b1, sizeof(b1)),
           tier_str(ov, ja, b2, sizeof(b2)));
    print_counts(ov, ja);
    printf(ja ? "、完了率 %.0f%%\n" : ", completeness %.0f%%\n",
           json_number_value(json_object_get(ov, "completeness")) * 100);
    json_array_foreach(json_object_get(s, "functions"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        printf("\n%-9s %s  %s  %s\n", id, score_str(f, b1, sizeof(b1)),
               tier_str(f, ja, b2, sizeof(b2)), name_of(fw, id, ja));
        json_array_foreach(json_object_get(f, "categories"), k, c)
        {
            const char *cid = json_string_value(json_object_get(c, "id"));
            printf("  %-9s %s  %s  (", cid, score_str(c, b1, sizeof(b1)), name_of(fw, cid, ja));
            print_counts(c, ja);
            printf(")\n");
        }
    }
    printf(ja ? "\n優先して改善すべきカテゴリ:\n" : "\ngaps (lowest categories):\n");
    json_array_foreach(json_object_get(s, "gaps"), i, c)
    {
        const char *cid = json_string_value(json_object_get(c, "category"));
        printf("  %zu. %-9s %5.2f  %s (%s)\n", i + 1, cid,
               json_number_value(json_object_get(c, "score")), name_of(fw, cid, ja),
               json_string_value(json_object_get(c, "function")));
    }
}

/* Reads FILE ("-": stdin) as a JSON object. */
static json_t *read_answers(const char *file, bool ja)
{
    struct jsonx_error je;
    json_t *doc = NULL;
    FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
    char *text = xmalloc(MAX_ANSWERS_BYTES + 1);
    size_t n = f ? fread(text, 1, MAX_ANSWERS_BYTES + 1, f) : 0;
    if (f && f != stdin)
        fclose(f);
    if (!f)
        fprintf(stderr, "%s: %s\n", file, strerror(errno));
    else if (n > MAX_ANSWERS_BYTES)
        fprintf(stderr, "%s: larger than 4 MiB\n", file);
    else if (jsonx_load_object(text, n, 32, &doc, &je))
        fprintf(stderr, "%s:%d:%d: %s\n", file, je.line, je.column, ja ? je.text_ja : je.text);
    free(text);
    return doc;
}

static int assess_score_cmd(const char *file, const char *dir, bool as_json, bool ja)
{
    struct app_result res;
    json_t *doc = read_answers(file, ja), *scores = NULL;
    struct assess_catalog *cat = NULL;
    const struct assess_framework *fw;
    int rc = CLI_PROBLEM;
    if (!doc)
        return CLI_PROBLEM;
    app_result_init(&res, 200);
    if (!(cat = load(dir, NULL, ja))) {
        rc = CLI_FAILURE;
        goto out;
    }
    fw = assess_catalog_get(cat, json_string_value(json_object_get(doc, "framework")));
    if (!fw) {
        fprintf(stderr, "%s: /framework: %s\n", file,
                ja ? "frameworks ディレクトリにないフレームワークです"
                   : "is not a framework of the frameworks directory");
        goto out;
    }
    if (app_assess_answers_check(fw, doc, &res)) { /* what the service checks */
        for (size_t i = 0; i < res.errs.n; i++)
            fprintf(stderr, "%s: %s [%s] %s\n", file, res.errs.v[i].pointer, res.errs.v[i].code,
                    ja ? res.errs.v[i].ja : res.errs.v[i].en);
        goto out;
    }
    scores = assess_score(fw, doc);
    if (as_json) {
        char *s = json_dumps(scores, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
        puts(s);
        free(s);
    } else {
        print_scores(fw, scores, ja);
    }
    rc = CLI_OK;
out:
    json_decref(scores);
    assess_catalog_free(cat);
    app_result_release(&res);
    json_decref(doc);
    return rc;
}

int cli_assess(int argc, char **argv)
{
    struct config cfg;
    const char *dir_opt = cli_take(&argc, argv, "--framework-dir");
    const char *lang = cli_take(&argc, argv, "--lang");
    bool as_json = cli_flag(&argc, argv, "--json");
    char dir[1100];
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc != 3 || strcmp(argv[1], "score") || (dir_opt && !*dir_opt)) {
        return cli_usage("assess", stderr);
    }
    if (dir_opt)
        xstrlcpy(dir, dir_opt, sizeof(dir));
    else
        cli_frameworks_dir(&cfg, dir, sizeof(dir));
    return assess_score_cmd(argv[2], dir, as_json, want_ja(lang));
}
