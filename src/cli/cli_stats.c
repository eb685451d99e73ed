/*
 * cli_stats.c — `ichigen stats incidents|obligations`: the statistics for authorities (issue 13
 * item 7; app_stats.h) for the operator on the server, in the platform view — the reports whose
 * reporters consented to anonymised statistics, with k-anonymity and complementary suppression
 * exactly as the API applies them (k at least the setting sharing_k_anonymity). JSON, or CSV
 * with --csv.
 */
#include "cli.h"
#include "../app/app_stats.h"
#include "../core/rtime.h"

static void print_problem(const struct app_result *res)
{
    for (size_t i = 0; i < res->errs.n; i++)
        fprintf(stderr, "ichigen stats: %s\n", res->errs.v[i].en);
    if (!res->errs.n)
        fprintf(stderr, "ichigen stats: %s\n", app_problem_def(res->problem)->title_en);
}

/* Prints the finished table t as JSON or CSV on stdout. */
static void print_table(const struct stats_table *t, bool csv)
{
    if (csv) {
        struct buf b;
        buf_init(&b, BUF_UNLIMITED);
        stats_table_csv(t, &b);
        fwrite(b.data, 1, b.len, stdout);
        buf_release(&b);
        return;
    }
    json_t *j = stats_table_json(t);
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(j);
}

int cli_stats(int argc, char **argv)
{
    struct config cfg;
    struct stats_query q;
    struct stats_table *t = NULL;
    struct app_result res;
    const char *by = cli_take(&argc, argv, "--by"), *from = cli_take(&argc, argv, "--from");
    const char *to = cli_take(&argc, argv, "--to"), *k = cli_take(&argc, argv, "--k");
    bool csv = cli_flag(&argc, argv, "--csv");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc != 2 || (strcmp(argv[1], "incidents") && strcmp(argv[1], "obligations")))
        return cli_usage("stats", stderr);
    enum stats_kind kind = !strcmp(argv[1], "obligations") ? STATS_OBLIGATIONS : STATS_INCIDENTS;
    app_result_init(&res, 8);
    if (stats_query_parse(&q, kind, by, from, to, "platform", k, NULL, &res.errs) ||
        (q.k && q.k < cfg.sharing_k_anonymity)) {
        if (res.errs.n)
            print_problem(&res);
        else
            fprintf(stderr, "ichigen stats: --k must be at least %lld (sharing_k_anonymity)\n",
                    (long long)cfg.sharing_k_anonymity);
        app_result_release(&res);
        return CLI_USAGE;
    }
    struct store *s = cli_open_store(&cfg);
    if (!s) {
        app_result_release(&res);
        return CLI_FAILURE;
    }
    int want = q.k > cfg.sharing_k_anonymity ? q.k : (int)cfg.sharing_k_anonymity;
    if (app_stats_platform(s, &q, want, rtime_now_ms(), &t, &res)) {
        print_problem(&res);
        rc = CLI_FAILURE;
    } else {
        print_table(t, csv);
    }
    stats_table_free(t);
    store_close(s);
    app_result_release(&res);
    return rc;
}
