/*
 * cli_help.c — the usage of every sub-command, in one table.
 *
 * Why one table: `ichigen CMD … --help` (or -h) is answered here, before the command runs, so
 * that no command can treat --help as a file name or open, create or migrate a database before
 * it notices (issue 8 item 5). The commands print the same text when their arguments are
 * wrong. Each text starts with "usage:" and lists each form as "ichigen CMD SUB …" on its own
 * line (tests/integration/itest_cli.c walks these lines to try every form with --help).
 */
#include "cli.h"

struct cli_usage {
    const char *command;
    const char *text;
};

static const struct cli_usage usages[] = {
    {"serve", "usage: ichigen serve [--ready-file FILE] [--setting=value …]\n"
              "\n"
              "Runs the HTTP API and the delivery worker until SIGINT or SIGTERM.\n"
              "The database is created and migrated if needed.\n"
              "  --ready-file FILE   write the port actually bound to FILE once listening\n"
              "  --port=N, --listen-addr=A, --db-path=P …   any setting (`ichigen config`)\n"},
    {"store",
     "usage: ichigen store copy SRC_URL DST_URL\n"
     "\n"
     "Copies everything the store SRC_URL holds (sqlite:PATH or postgresql://…) into DST_URL,\n"
     "e.g. a SQLite deployment into PostgreSQL (docs/operations.md, \"Migrating from SQLite\").\n"
     "Stop every ichigen process using either store first: the copy refuses a source another\n"
     "process has open or is writing to. DST_URL must be migrated to the source's schema\n"
     "version (`ichigen migrate --store-url=DST_URL`) and empty. Neither store is created or\n"
     "migrated; the source is only read. The audit log is verified on the source before and\n"
     "on the destination after, and each table is read back and compared (rows and SHA-256).\n"
     "Exit 1 when refused or when a check fails, 3 when a store cannot be opened.\n"},
    {"migrate", "usage: ichigen migrate [--setting=value …]\n"
                "\n"
                "Creates the database (db_path) or upgrades it to this binary's schema, then "
                "exits.\n"},
    {"admin",
     "usage: ichigen admin bootstrap [--username NAME]\n"
     "       ichigen admin create-admin --username NAME [--password-stdin]\n"
     "       ichigen admin create-org --name-ja N --name-en N --kind K [--sector S] "
     "[--corporate-number N] [--prefecture JP-NN] [--size-band B] [--time-zone Z] [--listed]\n"
     "       ichigen admin create-user --org-id ID --username U --display-name N --role R "
     "[--password-stdin] [--break-glass]\n"
     "       ichigen admin create-token --username U [--name N] [--days 1-3650]\n"
     "       ichigen admin list-orgs\n"
     "       ichigen admin set-clearance --username U --level L|none --expires-at T "
     "[--granted-at T]\n"
     "\n"
     "Operator's tools on the server itself, with the same checks as the API. bootstrap creates\n"
     "the platform administrator once (and the database if there is none). Roles: reporter,\n"
     "recipient, authority, org_admin, admin. Once an organisation has its own administrator\n"
     "(org_admin), only it manages its users: create-user then needs --break-glass (and the\n"
     "organisation is told), and create-token refuses. A password is generated, printed once and\n"
     "must be changed at first sign-in, unless --password-stdin reads the owner's own from one\n"
     "line. set-clearance gives a user a security clearance of data/sharing/clearance.json\n"
     "(RFC 3339 times; audited), or removes it. Nothing is opened or created before the\n"
     "arguments are checked.\n"},
    {"audit", "usage: ichigen audit verify [--expect-head SEQ:HASH]\n"
              "       ichigen audit head\n"
              "\n"
              "verify checks the hash chain of the audit log (and, with --expect-head, that it "
              "still ends at an\n"
              "anchor kept elsewhere); head prints the anchor to keep. Exit 1 when broken.\n"},
    {"report", "usage: ichigen report validate [--lang ja|en] FILE…\n"
               "       ichigen report schema\n"
               "       ichigen report fields\n"
               "\n"
               "validate checks report files as the API does (exit 1 on any problem); schema "
               "prints the JSON\n"
               "Schema of the unified report format; fields prints its field reference "
               "(Markdown).\n"},
    {"config", "usage: ichigen config [--markdown] [--setting=value …]\n"
               "\n"
               "Lists every setting with its value after defaults, --config files, ICHIGEN_* "
               "variables and\n"
               "--settings, and what it does.\n"},
    {"version", "usage: ichigen version [--setting=value …]\n"
                "\n"
                "Prints the version, the report format and the database schema version this "
                "binary migrates\n"
                "the configured store_url to (without opening the database).\n"},
    {"routes", "usage: ichigen routes\n"
               "\n"
               "Lists the HTTP routes with the authorisation each needs.\n"},
    {"problems", "usage: ichigen problems [--markdown]\n"
                 "\n"
                 "Lists every problem the API answers with: its code, HTTP status and titles; "
                 "--markdown prints\n"
                 "the table of docs/problems.md (with the details and when each is answered).\n"},
    {"rules", "usage: ichigen rules check [DIR]\n"
              "\n"
              "Checks rule, recipient and calendar files (DIR holds calendars/, recipients/, "
              "rules/; default:\n"
              "the rules_dir setting) and prints every problem as file:line:column. Exit 1 on "
              "any problem.\n"},
    {"obligations", "usage: ichigen obligations FILE [--now 2026-11-22T09:00:00+09:00] [--json] "
                    "[--all] [--lang ja|en]\n"
                    "\n"
                    "Validates the report FILE as the API does (exit 1 with every problem), then "
                    "lists the\n"
                    "obligations it triggers with their deadlines explained. --all includes "
                    "rules that do not\n"
                    "apply; --json prints the full explanations.\n"},
    {"frameworks", "usage: ichigen frameworks check [DIR] [--nist-core FILE] [--lang ja|en]\n"
                   "\n"
                   "Checks maturity questionnaire files (DIR: default data/frameworks next to "
                   "the binary).\n"},
    {"assess", "usage: ichigen assess score FILE [--framework-dir DIR] [--json] [--lang ja|en]\n"
               "\n"
               "Validates and scores a maturity self-assessment offline.\n"},
    {"risk", "usage: ichigen risk simulate FILE [--years N] [--seed S] [--threads T] [--score S] "
             "[--json] [--lang ja|en]\n"
             "\n"
             "Runs the FAIR Monte Carlo simulation of the loss scenarios in FILE. --threads 0 "
             "(the default)\n"
             "uses one thread per core; the figures do not depend on the thread count.\n"},
    {"delivery", "usage: ichigen delivery check [FILE]\n"
                 "       ichigen delivery sign SECRET_FILE BODY_FILE\n"
                 "\n"
                 "check validates the operator's delivery file (default: the delivery_file "
                 "setting) against the\n"
                 "shipped recipients; sign prints the Ichigen-Signature header a webhook "
                 "receiver should see.\n"},
    {"rating", "usage: ichigen rating pdf INPUT.json OUTPUT.pdf [--lang ja|en]\n"
               "\n"
               "Renders a rating report document as an A4 PDF.\n"},
    {"render", "usage: ichigen render FILE --format xlsx|pdf --out OUT [--version N] "
               "[--incident ID] [--lang ja|en]\n"
               "                      [--recipient ID] [--recipient-ja NAME] [--recipient-en "
               "NAME] [--stage NAME]\n"
               "                      [--created RFC3339] [--filed RFC3339] [--submission ID] "
               "[--form jp-ppc-art8|jp-nco-common]\n"
               "\n"
               "Renders a report file as the document an authority that takes files receives "
               "(--out - writes\n"
               "to standard output). The report is validated first. --recipient ID addresses it "
               "to a recipient of\n"
               "the recipients directory, in that recipient's form and view; without it (or "
               "--form) the workbook\n"
               "is ichigen's unified layout.\n"},
    {"stats", "usage: ichigen stats incidents [--by D,...] [--from YYYY-MM] [--to YYYY-MM] [--k N] "
              "[--csv]\n"
              "       ichigen stats obligations [--by D,...] [--from YYYY-MM] [--to YYYY-MM] "
              "[--k N] [--csv]\n"
              "\n"
              "Statistics for authorities (docs/sharing.md section 7) of the reports whose "
              "reporters consented to\n"
              "anonymised statistics: counts by 1-4 of category, sector, prefecture, size_band, "
              "month (JST)\n"
              "(obligations also recipient, regime; default month), with the totals (_T). A "
              "figure resting on\n"
              "fewer than k organisations (sharing_k_anonymity, or a larger --k) is suppressed, "
              "and so is a\n"
              "second one wherever a total would give it away. JSON, or CSV (UTF-8 with BOM) "
              "with --csv.\n"},
    {"stix", "usage: ichigen stix validate FILE [--json] [--lang ja|en]\n"
             "       ichigen stix sample\n"
             "\n"
             "validate reads a STIX 2.1 bundle as the importer does (size, nesting and string "
             "limits, the\n"
             "common properties of every object) and prints the objects per type, their TLP, the "
             "indicators\n"
             "taken from simple patterns and the ATT&CK techniques, then every problem with its "
             "JSON Pointer.\n"
             "Exit 1 on any problem. sample prints a bundle with every kind of object ichigen "
             "exports.\n"},
};

static const struct cli_usage *find(const char *command)
{
    for (size_t i = 0; i < ARRAY_SIZE(usages); i++)
        if (!strcmp(usages[i].command, command))
            return &usages[i];
    return NULL;
}

int cli_usage(const char *command, FILE *f)
{
    const struct cli_usage *u = find(command);
    fputs(u ? u->text : "usage: ichigen --help\n", f);
    return CLI_USAGE;
}

bool cli_help_asked(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}
