/*
 * cli.c — sub-command dispatch and the helpers every sub-command uses.
 */
#include <sys/stat.h>

#include "cli.h"
#include "../core/hash.h"
#include "../core/log.h"

extern char **environ;

static int cli_version(int argc, char **argv);

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", cli_serve, "run the HTTP API (--ready-file FILE writes the port once listening)"},
    {"migrate", cli_migrate, "create or upgrade the database, then exit"},
    {"version", cli_version,
     "the version, the report format and the database schema (also --version)"},
    {"admin", cli_admin,
     "bootstrap | create-admin | create-org | create-user | create-token | list-orgs"},
    {"audit", cli_audit, "verify | head: check the hash-chained audit log and the objects it pins"},
    {"report", cli_report, "validate FILE… | schema | fields: the unified report format"},
    {"config", cli_config_cmd, "list the settings with defaults (--markdown for a table)"},
    {"routes", cli_routes, "list the HTTP routes"},
    {"problems", cli_problems, "list the problems the API answers with (--markdown for a table)"},
    {"rules", cli_rules, "check [DIR]: validate rule, recipient and calendar files"},
    {"obligations", cli_obligations,
     "FILE [--now T] [--json] [--all]: the obligations a report triggers"},
    {"frameworks", cli_frameworks,
     "check [DIR]: validate maturity framework files (questionnaires)"},
    {"assess", cli_assess, "score FILE [--json]: validate and score a maturity self-assessment"},
    {"risk", cli_risk,
     "simulate FILE [--years N] [--seed S] [--threads T] [--json]: FAIR Monte Carlo"},
    {"delivery", cli_delivery,
     "check [FILE] | sign SECRET_FILE BODY_FILE: delivery routes and webhook signatures"},
    {"rating", cli_rating,
     "pdf INPUT.json OUTPUT.pdf [--lang ja|en]: render a rating report as PDF"},
    {"render", cli_render,
     "FILE --format xlsx|pdf --out OUT [--version N] [--incident ID]: a report as a document to "
     "file"},
    {"stats", cli_stats,
     "incidents|obligations [--by D,…] [--from YYYY-MM] [--to YYYY-MM] [--k N] [--csv]: "
     "k-anonymous statistics of the consenting reports"},
    {"stix", cli_stix, "validate FILE [--json] | sample: STIX 2.1 bundles (import check, export)"},
    {"store", cli_store,
     "copy SRC_URL DST_URL: copy every row of a stopped store into an empty migrated one"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ichigen <command> [options] [--setting=value …]\n\ncommands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nSettings come from defaults, --config FILE, ICHIGEN_<SETTING> variables and "
               "--setting=value, in that order; `ichigen config` lists them.\n");
}

/* The schema version is the one this binary migrates the configured store (store_url) to,
 * whatever its backend; without opening it, so that asking never creates a database. */
static int cli_version(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_config(&cfg, &argc, argv);
    if (rc || (rc = cli_no_extra(argc, argv, 1)))
        return rc;
    int schema = store_target_schema_version(cfg.store_url);
    if (schema > 0)
        printf("ichigen %s (report format %s, revision %s, database schema %d)\n", ICHIGEN_VERSION,
               REPORT_FORMAT_VERSION, REPORT_FORMAT_REVISION, schema);
    else /* only the scheme: the rest of a URL could hold credentials */
        printf("ichigen %s (report format %s, revision %s, no database backend for store_url "
               "\"%.*s\")\n",
               ICHIGEN_VERSION, REPORT_FORMAT_VERSION, REPORT_FORMAT_REVISION,
               (int)MIN(strcspn(cfg.store_url, ":"), 40), cfg.store_url);
    return CLI_OK;
}

int cli_main(int argc, char **argv)
{
    if (hash_global_init()) {
        fprintf(stderr,
                "ichigen: the hash libraries (libsodium, libcrypto) failed to initialise\n");
        return CLI_FAILURE;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (!strcmp(argv[1], "--version"))
        return cli_version(argc - 1, argv + 1);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        if (cli_help_asked(argc - 1, argv + 1)) { /* before the command touches anything */
            cli_usage(commands[i].name, stdout);
            return CLI_OK;
        }
        return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "ichigen: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}

int cli_config(struct config *cfg, int *argc, char **argv)
{
    struct err e;
    enum log_level lvl;
    err_init(&e);
    config_defaults(cfg);
    /* precedence, lowest first: defaults, --config files, ICHIGEN_* variables, --settings */
    if (config_load_files(cfg, argc, argv, &e) || config_load_env(cfg, environ, &e) ||
        config_load_args(cfg, argc, argv, &e) || config_finish(cfg, &e)) {
        fprintf(stderr, "ichigen: %s\n", e.msg);
        return CLI_USAGE;
    }
    if (!log_level_parse(cfg->log_level, &lvl))
        log_setup(lvl, 2);
    return CLI_OK;
}

const char *cli_take(int *argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int used = 1;
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=') {
            v = argv[i] + n + 1;
        } else if (!strcmp(argv[i], name)) {
            if (i + 1 < *argc && strncmp(argv[i + 1], "--", 2)) {
                v = argv[i + 1];
                used = 2;
            } else {
                v = "";
            }
        } else {
            continue;
        }
        memmove(argv + i, argv + i + used, (size_t)(*argc - i - used + 1) * sizeof(*argv));
        *argc -= used;
        return v;
    }
    return NULL;
}

bool cli_flag(int *argc, char **argv, const char *name)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], name))
            continue;
        memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof(*argv));
        (*argc)--;
        return true;
    }
    return false;
}

int cli_no_extra(int argc, char **argv, int keep)
{
    if (argc <= keep)
        return CLI_OK;
    fprintf(stderr, "ichigen %s: unexpected argument \"%s\"\n", argv[0], argv[keep]);
    return CLI_USAGE;
}

struct store *cli_open_store(const struct config *cfg)
{
    struct err e;
    struct store_options o = {.url = cfg->store_url,
                              .read_pool_size = (int)cfg->read_pool_size,
                              .commit_batch_max = (int)cfg->commit_batch_max};
    if (mkdir(cfg->data_dir, 0700) && errno != EEXIST) {
        fprintf(stderr, "ichigen: cannot create data directory %s: %s\n", cfg->data_dir,
                strerror(errno));
        return NULL;
    }
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        fprintf(stderr, "ichigen: %s\n", e.msg);
    return s;
}

int cli_migrate(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_config(&cfg, &argc, argv);
    if (rc || (rc = cli_no_extra(argc, argv, 1)))
        return rc;
    struct store *s = cli_open_store(&cfg);
    if (!s)
        return CLI_FAILURE;
    int have = 0;
    if (store_schema_version(s, &have)) {
        fprintf(stderr, "ichigen migrate: cannot read the schema version of %s\n", cfg.store_url);
        store_close(s);
        return CLI_FAILURE;
    }
    printf("database %s is at schema version %d\n", cfg.store_url, have);
    store_close(s);
    return CLI_OK;
}

int cli_config_cmd(int argc, char **argv)
{
    struct config cfg;
    bool md = cli_flag(&argc, argv, "--markdown");
    int rc = cli_config(&cfg, &argc, argv);
    struct buf out;
    if (rc || (rc = cli_no_extra(argc, argv, 1)))
        return rc;
    buf_init(&out, BUF_UNLIMITED);
    config_describe(&out, md);
    fputs(buf_cstr(&out), stdout);
    buf_release(&out);
    return CLI_OK;
}
