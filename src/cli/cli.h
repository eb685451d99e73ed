/*
 * cli.h — the `ichigen` command line: sub-commands, their options and exit codes.
 *
 * Exit codes: 0 success, 1 the command ran and found a problem (invalid report, broken audit
 * chain), 2 usage or configuration error, 3 runtime failure (cannot open the database …).
 * Settings (see `ichigen config`) are accepted by every sub-command as --key=value.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "../core/core.h"
#include "../config/config.h"
#include "../store/store.h"
#include "../rules/rules.h"

enum { CLI_OK = 0, CLI_PROBLEM = 1, CLI_USAGE = 2, CLI_FAILURE = 3 };

int cli_main(int argc, char **argv);

/* ---- usage (cli_help.c) ---- */

/* Prints the usage of a sub-command to f (stdout for --help, stderr for a mistake) and returns
 * CLI_USAGE. */
int cli_usage(const char *command, FILE *f);
/* True when argv[1..argc) holds --help or -h: cli_main then prints the usage and runs
 * nothing, so asking for help never reads a file or opens a database. */
bool cli_help_asked(int argc, char **argv);

/* ---- shared helpers (cli.c) ---- */

/* Loads defaults, environment and --settings into cfg; leaves other arguments in argv. */
int cli_config(struct config *cfg, int *argc, char **argv);
/* Removes "--name value" or "--name=value" from argv and returns the value (NULL if absent).
 * A flag without a value (--name alone at the end or followed by --x) returns "". */
const char *cli_take(int *argc, char **argv, const char *name);
/* True (and removes it) if the boolean flag is present. */
bool cli_flag(int *argc, char **argv, const char *name);
/* Fails with a usage message if arguments remain beyond the first `keep`. */
int cli_no_extra(int argc, char **argv, int keep);
/* Creates the data directory and opens the store. */
struct store *cli_open_store(const struct config *cfg);

/* The rules data directory: the rules_dir setting, else ../data next to the binary, else
 * ./data. Loads it, printing every problem; NULL when it has any. */
void cli_rules_dir(const struct config *cfg, char *out, size_t n);
struct ruleset *cli_load_rules(const struct config *cfg, const char *dir_override);
/* The questionnaires of <data>/frameworks (cli_assess.c), every problem printed; NULL when
 * any file has one (the service does not start with a broken questionnaire). */
struct assess_catalog;
struct assess_catalog *cli_load_frameworks(const struct config *cfg);
/* The security clearance levels (<rules_dir>/sharing/clearance.json, cli_sharing.c) into out:
 * 0, or -1 after printing every problem of the file. */
struct clearance_catalog;
int cli_load_clearance(const struct config *cfg, struct clearance_catalog *out);

/* Reads a whole file ("-": standard input) of at most max bytes, NUL-terminated (heap; *n
 * gets the length). NULL with errno set (EFBIG when larger than max). */
char *cli_read_file(const char *path, size_t max, size_t *n);

/* Reads, parses and validates a report file exactly as the API does (cli_report.c): the same
 * limits, the same problems with their pointer, code and message (ja or en), printed to
 * `problems` as "FILE: /pointer [code] message". now_ms is the reference for "in the future".
 * Returns the report (new reference), or NULL with *rc CLI_PROBLEM (not JSON, or invalid) or
 * CLI_FAILURE (unreadable). sha, when not NULL (HASH_SHA256_HEX bytes), gets the SHA-256 of
 * the file's bytes, as the service hashes a stored body. */
json_t *cli_load_report(const char *path, const struct config *cfg, int64_t now_ms, bool ja,
                        FILE *problems, char *sha, int *rc);

/* The delivery routes: shipped recipients merged with the operator's delivery file
 * (delivery_file setting, or path when not NULL). Prints every problem; returns 0 or -1. */
struct outbox_config;
struct ruleset;
int cli_load_delivery(const struct config *cfg, const struct ruleset *rs, const char *path,
                      struct outbox_config *out);

/* ---- sub-commands ---- */
int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_config_cmd(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_problems(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_obligations(int argc, char **argv);
int cli_frameworks(int argc, char **argv);
int cli_assess(int argc, char **argv);
int cli_risk(int argc, char **argv);
int cli_rating(int argc, char **argv);
int cli_render(int argc, char **argv);
int cli_delivery(int argc, char **argv);
int cli_stats(int argc, char **argv); /* cli_stats.c: statistics for authorities */
int cli_stix(int argc, char **argv);
int cli_store(int argc, char **argv); /* cli_store.c: copying a store (issue 14 item 3) */

/* `ichigen audit verify` on an open store (cli_audit.c): the chain, then every object its
 * entries pin, each problem printed; CLI_OK, CLI_PROBLEM (broken) or CLI_FAILURE. */
int cli_audit_verify(struct store *s);

#endif
