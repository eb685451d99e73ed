/*
 * cli_render.c — `ichigen render FILE --format xlsx|pdf --out OUT [--version N] [--incident ID]
 * [--lang ja|en] [--recipient ID] [--recipient-ja NAME] [--recipient-en NAME] [--stage NAME]
 * [--created TIME] [--filed TIME] [--submission ID] [--form NAME]` renders a report file as the
 * document an authority that takes files receives (src/render/): the workbook in the
 * recipient's own form (or ichigen's unified layout) or the PDF summary. The report is
 * validated first, exactly as the API does (problems printed, exit 1); its SHA-256 is that of
 * the file's bytes, as the service hashes the stored body. Without --created the documents are
 * dated by /times/aware_at. --recipient names a recipient of the recipients directory: the
 * document is addressed to its name (宛先), follows its form, and shows the view it is given
 * (its sections, less what the report withholds from it), as the service renders it.
 */
#include "cli.h"
#include "../core/hash.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"
#include "../render/render.h"
#include "../rules/rules.h"
#include "../report/report.h"

#define RENDER_OUT_MAX (256u << 20) /* a workbook of a 1 MiB report is a few MiB */

struct render_args {
    const char *format, *out, *version, *incident, *lang, *created, *filed, *form, *recipient;
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
    a->meta.version_created_ms = a->created ? t.ms : 0;
    if (a->filed && rtime_parse_rfc3339(a->filed, strlen(a->filed), &t)) {
        fprintf(stderr, "ichigen render: --filed must be an RFC 3339 time with an offset\n");
        return CLI_USAGE;
    }
    a->meta.filed_ms = a->filed ? t.ms : 0;
    if (a->form && render_form_parse(a->form) < 0) {
        fprintf(stderr, "ichigen render: --form must be jp-ppc-art8 or jp-nco-common\n");
        return CLI_USAGE;
    }
    a->meta.form = a->form ? (enum render_form)render_form_parse(a->form) : RENDER_FORM_UNIFIED;
    if (a->meta.recipient_name_ja && !*a->meta.recipient_name_ja)
        a->meta.recipient_name_ja = NULL;
    if (a->meta.recipient_name_en && !*a->meta.recipient_name_en)
        a->meta.recipient_name_en = NULL;
    if (a->meta.stage_name_ja && !*a->meta.stage_name_ja)
        a->meta.stage_name_ja = NULL;
    a->meta.version = (int)v;
    a->meta.incident_id = a->incident && *a->incident ? a->incident : NULL;
    if (a->meta.submission_id && !*a->meta.submission_id)
        a->meta.submission_id = NULL;
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

/* The recipient's view of doc (a new reference; doc is released) with meta addressed to it,
 * or NULL (a message printed) when the recipients directory has no such recipient. */
static json_t *for_recipient(json_t *doc, struct render_args *a, const struct ruleset *rs)
{
    struct rules_recipient_view rv;
    json_t *withheld, *view;
    if (!rules_recipient_get(rs, a->recipient, &rv)) {
        fprintf(stderr, "ichigen render: no recipient \"%s\" in the recipients directory\n",
                a->recipient);
        json_decref(doc);
        return NULL;
    }
    view = outbox_project(doc, rv.delivery->sections, rv.id, &withheld);
    a->meta.sections_given = rv.delivery->sections & ~outbox_withheld(doc, rv.id);
    if (!a->meta.recipient_name_ja)
        a->meta.recipient_name_ja = rv.name_ja;
    if (!a->meta.recipient_name_en)
        a->meta.recipient_name_en = rv.name_en;
    if (!a->form && render_form_parse(rv.delivery->form) > 0)
        a->meta.form = (enum render_form)render_form_parse(rv.delivery->form);
    json_decref(withheld);
    json_decref(doc);
    return view;
}

static int render_file(const char *path, struct render_args *a, const struct config *cfg)
{
    char sha[HASH_SHA256_HEX];
    int rc;
    json_t *doc = cli_load_report(path, cfg, rtime_now_ms(), false, stderr, sha, &rc);
    const char *lang;
    struct buf out;
    struct err e;
    struct ruleset *rs = NULL;
    if (!doc)
        return rc;
    if (a->recipient && (!(rs = cli_load_rules(cfg, NULL)) || !(doc = for_recipient(doc, a, rs)))) {
        if (!rs)
            json_decref(doc);
        rules_free(rs);
        return CLI_FAILURE;
    }
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
    rules_free(rs); /* after rendering: meta borrows the recipient's names from it */
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
    a.filed = cli_take(&argc, argv, "--filed");
    a.form = cli_take(&argc, argv, "--form");
    a.recipient = cli_take(&argc, argv, "--recipient");
    a.meta.submission_id = cli_take(&argc, argv, "--submission");
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
