/*
 * cli_report.c — `ichigen report validate FILE…` checks reports offline exactly as the API
 * does; `report schema` and `report fields` print the generated JSON Schema and the Markdown
 * field reference (docs/ and schema/ hold committed copies, kept in step by a test).
 */
#include "cli.h"
#include "../core/hash.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../app/app_report.h"
#include "../http/http.h"

char *cli_read_file(const char *path, size_t max, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    struct buf b;
    char chunk[65536];
    size_t got;
    if (!f)
        return NULL;
    buf_init(&b, max);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(&b, chunk, got)) {
            errno = EFBIG;
            buf_release(&b);
            if (f != stdin)
                fclose(f);
            return NULL;
        }
    }
    if (f != stdin)
        fclose(f);
    return buf_detach(&b, n);
}

json_t *cli_load_report(const char *path, const struct config *cfg, int64_t now_ms, bool ja,
                        FILE *problems, char *sha, int *rc)
{
    size_t n;
    char *text = cli_read_file(path, (size_t)cfg->max_body_bytes, &n);
    struct jsonx_error je;
    struct schema_limits lim;
    struct app_result res;
    json_t *doc = NULL;
    *rc = CLI_PROBLEM;
    if (!text) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        *rc = CLI_FAILURE;
        return NULL;
    }
    if (sha)
        hash_sha256_hex(text, n, sha);
    if (jsonx_load_object(text, n, (int)cfg->max_json_depth, &doc, &je)) {
        fprintf(problems, "%s: line %d, column %d: %s\n", path, je.line, je.column,
                ja ? je.text_ja : je.text);
        free(text);
        return NULL;
    }
    free(text);
    app_limits_from_config(&lim, cfg);
    app_result_init(&res, lim.max_errors);
    app_report_validate(&lim, doc, now_ms, &res); /* exactly as the API validates */
    const struct verr_list *errs = &res.errs;
    for (size_t i = 0; i < errs->n; i++)
        fprintf(problems, "%s: %s [%s] %s\n", path,
                errs->v[i].pointer[0] ? errs->v[i].pointer : "/", errs->v[i].code,
                ja ? errs->v[i].ja : errs->v[i].en);
    if (errs->dropped)
        fprintf(problems, "%s: … and %zu more\n", path, errs->dropped);
    if (verr_any(errs)) {
        json_decref(doc);
        doc = NULL;
    } else {
        *rc = CLI_OK;
    }
    app_result_release(&res);
    return doc;
}

static int validate_one(const char *path, const struct config *cfg, bool ja)
{
    int rc;
    json_t *doc = cli_load_report(path, cfg, rtime_now_ms(), ja, stdout, NULL, &rc);
    if (doc)
        printf("%s: valid\n", path);
    json_decref(doc);
    return rc;
}

int cli_report(int argc, char **argv)
{
    struct config cfg;
    const char *lang = cli_take(&argc, argv, "--lang");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc >= 3 && !strcmp(argv[1], "validate")) {
        bool ja =
            lang ? !strcmp(lang, "ja") : (getenv("LANG") && !strncmp(getenv("LANG"), "ja", 2));
        for (int i = 2; i < argc; i++) {
            int r = validate_one(argv[i], &cfg, ja);
            rc = MAX(rc, r);
        }
        return rc;
    }
    if (argc == 2 && !strcmp(argv[1], "schema")) {
        json_t *s = report_schema();
        char *text = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
        puts(text);
        free(text);
        json_decref(s);
        return CLI_OK;
    }
    if (argc == 2 && !strcmp(argv[1], "fields")) {
        struct buf out;
        buf_init(&out, BUF_UNLIMITED);
        report_fields_markdown(&out);
        fputs(buf_cstr(&out), stdout);
        buf_release(&out);
        return CLI_OK;
    }
    return cli_usage("report", stderr);
}

int cli_routes(int argc, char **argv)
{
    UNUSED(argv);
    if (argc != 1) {
        return cli_usage("routes", stderr);
    }
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        printf("%-6s %-44s %s\n", ri->method, ri->pattern, ri->auth);
    }
    return CLI_OK;
}
