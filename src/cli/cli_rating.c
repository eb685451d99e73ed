/*
 * cli_rating.c — `ichigen rating pdf INPUT.json OUTPUT.pdf [--lang ja|en]` renders a rating
 * document (docs/assessment-and-risk.md, "Rating report") as the PDF the API serves; --lang
 * overrides the document's language. Invalid documents print every problem and exit 1.
 */
#include "cli.h"
#include "../core/jsonx.h"
#include "../rating/rating.h"

/* Rating documents carry loss curves for up to 200 scenarios: larger than a report body. */
#define RATING_INPUT_MAX (64u << 20)

static json_t *load_rating(const char *path, const struct config *cfg)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    struct buf b;
    struct jsonx_error je;
    json_t *doc = NULL;
    char chunk[65536];
    size_t got;
    bool too_big = false;
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    buf_init(&b, RATING_INPUT_MAX);
    while (!too_big && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        too_big = buf_append(&b, chunk, got) != BUF_OK;
    if (f != stdin)
        fclose(f);
    if (too_big)
        fprintf(stderr, "%s: larger than %u bytes\n", path, RATING_INPUT_MAX);
    else if (jsonx_load_object(b.data ? b.data : "", b.len, (int)cfg->max_json_depth, &doc, &je))
        fprintf(stderr, "%s: line %d, column %d: %s\n", path, je.line, je.column, je.text);
    buf_release(&b);
    return doc;
}

static int rating_pdf_cmd(const char *in, const char *out, const char *lang,
                          const struct config *cfg)
{
    struct verr_list errs;
    struct err e;
    json_t *doc = load_rating(in, cfg);
    int rc = CLI_OK;
    if (!doc)
        return CLI_PROBLEM;
    if (lang)
        json_object_set_new(doc, "language", json_string(lang));
    verr_list_init(&errs, 100);
    if (rating_validate(doc, &errs)) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "%s: [%s] %s\n", in, errs.v[i].code, errs.v[i].en);
        if (errs.dropped)
            fprintf(stderr, "%s: … and %zu more\n", in, errs.dropped);
        rc = CLI_PROBLEM;
        goto out;
    }
    err_init(&e);
    if (rating_pdf(doc, out, NULL, &e)) {
        fprintf(stderr, "ichigen rating: %s\n", e.msg);
        rc = CLI_FAILURE;
        goto out;
    }
    printf("%s: written\n", out);
out:
    verr_list_release(&errs);
    json_decref(doc);
    return rc;
}

int cli_rating(int argc, char **argv)
{
    struct config cfg;
    const char *lang = cli_take(&argc, argv, "--lang");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (lang && strcmp(lang, "ja") && strcmp(lang, "en")) {
        fprintf(stderr, "ichigen rating: --lang must be ja or en\n");
        return CLI_USAGE;
    }
    if (argc == 4 && !strcmp(argv[1], "pdf"))
        return rating_pdf_cmd(argv[2], argv[3], lang, &cfg);
    return cli_usage("rating", stderr);
}
