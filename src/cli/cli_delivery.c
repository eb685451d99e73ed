/*
 * cli_delivery.c — the operator's delivery file: loading it for `serve` and checking it with
 * `ichigen delivery check [FILE]`; and `ichigen delivery sign SECRET_FILE BODY_FILE`, which
 * prints the Ichigen-Signature value a webhook would carry (for receivers testing their
 * verification, docs/delivery.md).
 */
#include <errno.h>

#include "cli.h"
#include "../core/datafile.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"

#define DELIVERY_FILE_MAX (1024 * 1024)

static bool want_ja(void)
{
    const char *lang = getenv("LANG");
    return lang && !strncmp(lang, "ja", 2);
}

/* The delivery file through the data-file loader; problems of reading, parsing and of the
 * routes are printed as every data file's are (core/diag.h). */
int cli_load_delivery(const struct config *cfg, const struct ruleset *rs, const char *path,
                      struct outbox_config *out)
{
    static const struct datafile_limits lim = {DELIVERY_FILE_MAX, 16};
    const char *file = path ? path : cfg->delivery_file;
    struct datafile f = {.path = "(shipped recipients)"};
    struct diag_list d;
    struct verr_list errs;
    struct outbox_net_policy net = {cfg->delivery_allow_private != 0,
                                    cfg->delivery_allow_http_loopback != 0};
    int rc = -1;
    diag_list_init(&d);
    verr_list_init(&errs, 200);
    if (file[0] && datafile_load(&f, file, &lim, &d)) {
        fprintf(stderr, "ichigen: cannot use the delivery file %s:\n", file);
        goto out;
    }
    if (outbox_config_build(rs, f.doc, &net, (int)cfg->delivery_concurrency,
                            (int)cfg->delivery_timeout_s, out, &errs)) {
        fprintf(stderr, "ichigen: the delivery routes have %zu problem(s):\n", errs.n);
        datafile_diag_verrs(&f, &d, &errs);
        outbox_config_release(out);
        goto out;
    }
    rc = 0;
out:
    diag_list_print(&d, stderr, want_ja());
    diag_list_release(&d);
    verr_list_release(&errs);
    datafile_release(&f);
    return rc;
}

static int check(const struct config *cfg, const char *file)
{
    struct ruleset *rs = cli_load_rules(cfg, NULL);
    struct outbox_config oc;
    if (!rs)
        return CLI_PROBLEM;
    int rc = cli_load_delivery(cfg, rs, file, &oc);
    if (rc == 0) {
        size_t counts[3] = {0};
        for (size_t i = 0; i < oc.nroutes; i++)
            counts[oc.routes[i].channel]++;
        printf("delivery ok: %zu recipients — %zu webhook, %zu inbox, %zu document; exercise "
               "sink %s\n",
               oc.nroutes, counts[CHANNEL_WEBHOOK], counts[CHANNEL_INBOX],
               counts[CHANNEL_DOCUMENT], oc.has_sink ? "configured" : "internal");
        outbox_config_release(&oc);
    }
    rules_free(rs);
    return rc ? CLI_PROBLEM : CLI_OK;
}

static int sign(const char *secret_file, const char *body_file)
{
    size_t sn, bn;
    char *secret = cli_read_file(secret_file, OUTBOX_SECRET_MAX + 2, &sn);
    char *body = secret ? cli_read_file(body_file, 64 * 1024 * 1024, &bn) : NULL;
    char sig[OUTBOX_SIG_MAX];
    if (!secret || !body) {
        fprintf(stderr, "ichigen delivery sign: cannot read %s: %s\n",
                secret ? body_file : secret_file, strerror(errno));
        free(secret);
        return CLI_PROBLEM;
    }
    while (sn && (secret[sn - 1] == '\n' || secret[sn - 1] == '\r'))
        sn--; /* a secret file usually ends with a newline that is not part of it */
    outbox_sign((const unsigned char *)secret, sn, rtime_now_ms() / 1000, body, bn, sig);
    printf("Ichigen-Signature: %s\n", sig);
    free(secret);
    free(body);
    return CLI_OK;
}

int cli_delivery(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc >= 2 && !strcmp(argv[1], "check") && argc <= 3)
        return check(&cfg, argc == 3 ? argv[2] : NULL);
    if (argc == 4 && !strcmp(argv[1], "sign"))
        return sign(argv[2], argv[3]);
    return cli_usage("delivery", stderr);
}
