/*
 * cli_render.c — `ichigen render FILE --format xlsx|pdf --out OUT [--version N] [--incident ID]
 * [--lang ja|en] [--recipient-ja NAME] [--recipient-en NAME] [--stage NAME] [--created TIME]`
 * renders a report file as the document an authority that takes files receives (src/render/):
 * the PPC-item workbook or the PDF summary. The report is validated first, exactly as the API
 * does (problems printed, exit 1); its SHA-256 is that of the file's bytes, as the service
 * hashes the stored body. Without --created the documents are dated by /times/aware_at.
 */
#include "cli.h"
#include "../core/hash.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../render/render.h"
#include "../report/report.h"

#define RENDER_OUT_MAX (256u << 20) /* a workbook of a 1 MiB report is a few MiB */

struct render_args {
    const char *format, *out, *version, *incident, *lang, *created;
    struct render_meta meta;
};

static int usage(void)
{
    return cli_usage("render", stderr);
}

/* Checks the options and fills meta's fields that come from them. */
static int parse_meta(struct render_args *a)
{
    int64_t v = 0;
    struct rtime_parsed t;
    if (!a->format || (strcmp(a->format, "xlsx") && strcmp(a->format, "pdf")) || !a->out ||
        !*a->out)
        return usage();
    if (a->version && parse_int64(a->version, 1, 1000000, &v)) {
        fprintf(stderr, "ichigen render: --version must be a whole number from 1\n");
        return CLI_USAGE;
    }
    if (a->lang && strcmp(a->lang, "ja") && strcmp(a->lang, "en")) {
        fprintf(stderr, "ichigen render: --lang must be ja or en\n");
        return CLI_USAGE;
    }
    if (a->created && rtime_parse_rfc3339(a->created, strlen(a->created), &t)) {
        fprintf(stderr, "ichigen render: --created must be an RFC 3339 time with an offset\n");
        return CLI_USAGE;
    }
    if (a->meta.recipient_name_ja && !*a->meta.recipient_name_ja)
        a->meta.recipient_name_ja = NULL;
    if (a->meta.recipient_name_en && !*a->meta.recipient_name_en)
        a->meta.recipient_name_en = NULL;
    if (a->meta.stage_name_ja && !*a->meta.stage_name_ja)
        a->meta.stage_name_ja = NULL;
    a->meta.version = (int)v;
    a->meta.incident_id = a->incident && *a->incident ? a->incident : NULL;
    a->meta.version_created_ms = a->created ? t.ms : 0;
    return CLI_OK;
}

static int write_out(const char *path, const struct buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && f != stdout)
        ok = !fclose(f) && ok;
    else if (f)
        ok = !fflush(f) && ok;
    if (!ok) {
        fprintf(stderr, "ichigen render: cannot write %s: %s\n", path, strerror(errno));
        return CLI_FAILURE;
    }
    return CLI_OK;
}

static int render_file(const char *path, struct render_args *a, const struct config *cfg)
{
    char sha[HASH_SHA256_HEX];
    int rc;
    json_t *doc = cli_load_report(path, cfg, rtime_now_ms(), false, stderr, sha, &rc);
    const char *lang;
    struct buf out;
    struct err e;
    if (!doc)
        return rc;
    lang = a->lang ? a->lang : json_string_value(jsonx_ptr_get(doc, "/envelope/language"));
    a->meta.ja = !lang || strcmp(lang, "en");
    a->meta.report_sha256 = sha;
    buf_init(&out, RENDER_OUT_MAX);
    err_init(&e);
    rc = !strcmp(a->format, "xlsx") ? render_xlsx(doc, &a->meta, &out, &e)
                                    : render_pdf(doc, &a->meta, &out, &e);
    if (rc) {
        fprintf(stderr, "ichigen render: %s\n", e.msg);
        rc = CLI_FAILURE;
    } else {
        rc = write_out(a->out, &out);
    }
    if (!rc && strcmp(a->out, "-"))
        printf("%s: written (%zu bytes)\n", a->out, out.len);
    buf_release(&out);
    json_decref(doc);
    return rc;
}

int cli_render(int argc, char **argv)
{
    struct config cfg;
    struct render_args a = {0};
    int rc;
    a.format = cli_take(&argc, argv, "--format");
    a.out = cli_take(&argc, argv, "--out");
    a.version = cli_take(&argc, argv, "--version");
    a.incident = cli_take(&argc, argv, "--incident");
    a.lang = cli_take(&argc, argv, "--lang");
    a.created = cli_take(&argc, argv, "--created");
    a.meta.recipient_name_ja = cli_take(&argc, argv, "--recipient-ja");
    a.meta.recipient_name_en = cli_take(&argc, argv, "--recipient-en");
    a.meta.stage_name_ja = cli_take(&argc, argv, "--stage");
    if ((rc = cli_config(&cfg, &argc, argv)))
        return rc;
    if (argc != 2)
        return usage();
    if ((rc = parse_meta(&a)))
        return rc;
    return render_file(argv[1], &a, &cfg);
}
