/*
 * itest_cli.c — the `ichigen` command line as an operator or a rule author meets it (issue 8
 * items 5, 6, 7, 8, 11): every command and every form of it answers --help and -h with its
 * usage and exit 0, in an empty directory that stays empty; wrong or missing arguments neither
 * create nor migrate a database; `obligations` refuses an invalid report with the API's
 * messages; `delivery check` names each problem once; `make run` prints the address bound;
 * `risk simulate` reports its time in microseconds and counts in agreeing words.
 * Every command runs the real binary ($ICHIGEN_BIN) in a fresh temporary directory.
 */
#include "itest.h"
#include "core/buf.h"
#include "store/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static char home[256]; /* the empty directory every command runs in */

/* Entries of dir other than "." and "..". */
static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int run(char **out, const char *const *argv)
{
    return itest_run(NULL, NULL, out, argv);
}

/* `ichigen ARGV… --help` and `… -h`: exit 0, the usage on stdout. Returns the usage text. */
static char *help_of(const char *const *argv, size_t n)
{
    const char *args[16];
    char *out = NULL, *again = NULL;
    assert_true(n < ARRAY_SIZE(args) - 2);
    memcpy(args, argv, n * sizeof(*args));
    for (int form = 0; form < 2; form++) {
        args[n] = form ? "-h" : "--help";
        args[n + 1] = NULL;
        int rc = run(form ? &again : &out, args);
        if (rc != 0)
            fail_msg("`ichigen %s %s %s` exited %d", argv[0], n > 1 ? argv[1] : "", args[n], rc);
    }
    if (strncmp(out, "usage:", 6) || strcmp(out, again))
        fail_msg("`ichigen %s … --help` did not print its usage: %.200s", argv[0], out);
    free(again);
    return out;
}

/* The command names listed by `ichigen --help` ("  NAME  what it does" lines). */
static size_t command_names(char names[][32], size_t max)
{
    static const char *const top[] = {"--help", NULL};
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(run(&out, top), 0);
    for (char *line = out; line && *line && n < max; line = strchr(line, '\n')) {
        char word[32];
        line += *line == '\n';
        if (line[0] == ' ' && line[1] == ' ' && sscanf(line, " %31s", word) == 1)
            xstrlcpy(names[n++], word, sizeof(names[0]));
    }
    free(out);
    return n;
}

/* Every command, and every "ichigen CMD SUB" form its usage lists, answers --help and -h
 * without leaving anything behind (no ./var, no database). */
static void test_help_everywhere(void **state)
{
    char names[32][32];
    UNUSED(state);
    size_t n = command_names(names, ARRAY_SIZE(names)), forms = 0;
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++) {
        const char *cmd[] = {names[i], NULL, NULL};
        char *usage = help_of(cmd, 1), *p = usage, prefix[1100];
        forms++;
        snprintf(prefix, sizeof(prefix), "ichigen %s ", names[i]);
        while ((p = strstr(p, prefix))) {
            char sub[32];
            p += strlen(prefix);
            if (sscanf(p, "%31[a-z-]", sub) == 1 && sub[0] != '-') {
                cmd[1] = sub;
                free(help_of(cmd, 2));
                forms++;
            }
        }
        free(usage);
    }
    print_message("# %zu commands, %zu forms answered --help and -h\n", n, forms);
    assert_int_equal(entries(home), 0);
}

/* Wrong or missing arguments: a usage error (exit 2), and still nothing in the directory. */
static void test_bad_arguments_touch_nothing(void **state)
{
    static const char *const cases[][8] = {
        {"admin", NULL},
        {"admin", "nonsense", NULL},
        {"admin", "bootstrap", "extra", NULL},
        {"admin", "create-org", NULL},
        {"admin", "create-org", "--name-ja", "テスト", NULL},
        {"admin", "create-user", "--username", "x", NULL},
        {"admin", "create-admin", NULL},
        {"admin", "create-token", NULL},
        {"admin", "create-token", "--username", "x", "--days", "0", NULL},
        {"admin", "list-orgs", "extra", NULL},
        {"migrate", "extra", NULL},
        {"serve", "extra", NULL},
        {"audit", NULL},
        {"audit", "verify", "extra", NULL},
        {"audit", "nonsense", NULL},
        {"audit", "verify", "--expect-head", "garbage", NULL},
        {"audit", "head", "--expect-head", "1:ab", NULL},
        {"obligations", NULL},
        {"risk", "simulate", NULL},
        {"risk", "simulate", "x.json", "--threads", "999", NULL},
        {"render", "x.json", NULL},
        {"report", NULL},
        {"delivery", NULL},
        {"rating", "pdf", NULL},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int rc = run(NULL, cases[i]);
        if (rc != 2)
            fail_msg("`ichigen %s %s` exited %d, not 2", cases[i][0],
                     cases[i][1] ? cases[i][1] : "", rc);
        if (entries(home))
            fail_msg("`ichigen %s %s` left files behind", cases[i][0],
                     cases[i][1] ? cases[i][1] : "");
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Whether the line of text holding the first occurrence of what also holds label. */
static bool line_has(const char *text, const char *what, const char *label)
{
    const char *at = strstr(text, what);
    if (!at)
        return false;
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    const char *end = strchr(at, '\n');
    const char *l = strstr(start, label);
    return l && (!end || l < end);
}

/* `obligations FILE` reads only reports the API would accept, with the API's messages. */
static void test_obligations_validates(void **state)
{
    struct itest_server s;
    char empty[400], bad[400];
    UNUSED(state);
    assert_int_equal(itest_server_init(&s, NULL), 0);
    snprintf(empty, sizeof(empty), "%s/empty.json", s.dir);
    snprintf(bad, sizeof(bad), "%s/bad.json", s.dir);
    write_text(empty, "{}");
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    json_object_set_new(json_object_get(doc, "personal_data"), "individuals_count",
                        json_string("1200"));
    json_object_set_new(json_object_get(doc, "times"), "aware_at",
                        json_string("2026-11-20T08:40:00"));
    char *text = itest_dump(doc);
    write_text(bad, text);
    free(text);
    const char *a1[] = {"obligations", empty, NULL}, *a2[] = {"obligations", bad, NULL};
    char *out = NULL;
    assert_int_equal(itest_run(&s, NULL, &out, a1), 1);
    assert_null(strstr(out, "obligation(s)"));
    free(out);
    assert_int_equal(itest_run(&s, NULL, &out, a2), 1);
    assert_null(strstr(out, "obligation(s)"));
    free(out);
    char *log = itest_read_file(s.cli_log, NULL);
    assert_non_null(strstr(log, "empty.json: /envelope [required]"));
    assert_non_null(strstr(log, "bad.json: /personal_data/individuals_count [type]"));
    assert_non_null(strstr(log, "bad.json: /times/aware_at [time_offset_missing]"));
    free(log);
    /* the valid example still lists its obligations */
    const char *a3[] = {"obligations", "--now", "2026-11-22T12:00:00+09:00", NULL, NULL};
    char path[600];
    snprintf(path, sizeof(path), "%s/docs/examples/full-report.json",
             getenv("ICHIGEN_SOURCE_ROOT"));
    a3[3] = path;
    assert_int_equal(itest_run(&s, NULL, &out, a3), 0);
    assert_non_null(strstr(out, "obligation(s)"));
    /* issue 11 item 5: the law's own text as [source], with the article in English; a
     * commentary only as [further reading] */
    assert_true(line_has(out, "https://laws.e-gov.go.jp/law/415AC0000000057", "[source] "));
    assert_non_null(strstr(out, "(APPI, Act No. 57 of 2003) Art. 26(1) "));
    assert_true(line_has(out, "https://www.businesslawyers.jp/", "[further reading] "));
    free(out);
    json_decref(doc);
    itest_server_release(&s);
}

/* Issue 11 item 4: `obligations FILE` never prints a proposal as law. The example with a
 * CIRCIA substantial incident, at 2027-01-25T00:00Z: the CIRCIA report (proposed rule, 72 hours
 * after aware 2026-11-20T08:40+09:00 → 2026-11-22T23:40Z) has passed but is not overdue and
 * says "[proposed rule, not in force]" where a law's deadline says "[legal]"; the PPC 確報 (in
 * force, due 2027-01-19T23:59:59+09:00) is overdue. */
static void test_obligations_proposed(void **state)
{
    struct itest_server s;
    char file[400];
    char *out = NULL;
    UNUSED(state);
    assert_int_equal(itest_server_init(&s, NULL), 0);
    snprintf(file, sizeof(file), "%s/circia.json", s.dir);
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    json_object_set_new(json_object_get(json_object_get(doc, "classification"), "regime_flags"),
                        "circia_substantial", json_string("yes"));
    json_object_set_new(json_object_get(doc, "entity"), "circia_covered", json_string("yes"));
    char *text = itest_dump(doc);
    write_text(file, text);
    free(text);
    const char *a[] = {"obligations", "--now", "2027-01-25T00:00:00Z", file, NULL};
    assert_int_equal(itest_run(&s, NULL, &out, a), 0);
    const char *ci = strstr(out, "proposed_deadline_passed us.circia.covered-incident   report");
    assert_non_null(ci);
    const char *nl = strchr(ci, '\n');
    assert_non_null(nl);
    assert_int_equal(
        strncmp(nl + 1, "            [proposed rule, not in force] 72 hours after", 56), 0);
    assert_null(strstr(out, "overdue     us.circia"));
    assert_null(strstr(out, "[legal] 72 hours after aware"));
    assert_non_null(strstr(out, "overdue     jp.appi.private              final"));
    free(out);
    json_decref(doc);
    itest_server_release(&s);
}

/* `render --recipient ID` addresses the document to a recipient of the recipients directory
 * in its own form (issue 10 items 5, 6); an unknown recipient or form is refused. */
static void test_render_for_recipient(void **state)
{
    struct itest_server s;
    char full[600], out_nco[400], out_bad[400];
    char *out = NULL;
    UNUSED(state);
    assert_int_equal(itest_server_init(&s, NULL), 0);
    snprintf(full, sizeof(full), "%s/docs/examples/full-report.json",
             getenv("ICHIGEN_SOURCE_ROOT"));
    snprintf(out_nco, sizeof(out_nco), "%s/nco.xlsx", s.dir);
    snprintf(out_bad, sizeof(out_bad), "%s/bad.xlsx", s.dir);
    const char *ok[] = {"render", full, "--format", "xlsx", "--out", out_nco, "--recipient", "nco",
                        "--filed", "2026-11-22T11:00:00+09:00", NULL};
    assert_int_equal(itest_run(&s, NULL, &out, ok), 0);
    free(out);
    size_t n = 0;
    char *bytes = itest_read_file(out_nco, &n);
    assert_non_null(bytes);
    assert_true(n > 4000);
    assert_memory_equal(bytes, "PK\x03\x04", 4);
    free(bytes);
    const char *unknown[] = {"render", full, "--format", "xlsx", "--out", out_bad,
                             "--recipient", "no-such-authority", NULL};
    assert_int_equal(itest_run(&s, NULL, &out, unknown), 3); /* CLI_FAILURE */
    free(out);
    const char *bad_form[] = {"render", full, "--format", "xlsx", "--out", out_bad,
                              "--form", "jp-bogus", NULL};
    assert_int_equal(itest_run(&s, NULL, &out, bad_form), 2); /* CLI_USAGE */
    free(out);
    assert_null(itest_read_file(out_bad, NULL)); /* nothing written */
    char *log = itest_read_file(s.cli_log, NULL);
    assert_non_null(strstr(log, "no recipient \"no-such-authority\""));
    assert_non_null(strstr(log, "--form must be jp-ppc-art8 or jp-nco-common"));
    free(log);
    itest_server_release(&s);
}

/* `delivery check` prints each problem of the file once. */
static void test_delivery_check_once(void **state)
{
    struct itest_server s;
    char file[400], opt[440];
    UNUSED(state);
    assert_int_equal(itest_server_init(&s, NULL), 0);
    snprintf(file, sizeof(file), "%s/delivery.json", s.dir);
    write_text(file, "{\"format\":\"ichigen-delivery/1\",\"recipients\":{"
                     "\"ppc\":{\"channel\":\"webhook\",\"endpoint\":\"http://10.0.0.1/x\","
                     "\"secret\":\"short\"},\"nco\":{\"channel\":\"webhook\","
                     "\"endpoint\":\"https://receiver.example/\",\"secret\":\"tiny\"}}}");
    snprintf(opt, sizeof(opt), "--delivery-file=%s", file);
    const char *args[] = {"delivery", "check", opt, NULL};
    assert_int_equal(itest_run(&s, NULL, NULL, args), 1);
    char *log = itest_read_file(s.cli_log, NULL);
    assert_non_null(strstr(log, "3 problem(s)"));
    assert_null(strstr(log, "needs an endpoint"));
    assert_null(strstr(log, "needs a signing secret"));
    free(log);
    itest_server_release(&s);
}

/* Reads lines of fd (non-blocking) into b until one holds `needle` or ms pass. */
static bool read_until(int fd, struct buf *b, const char *needle, int ms)
{
    for (int waited = 0; waited < ms; waited += 50) {
        char chunk[4096];
        ssize_t got;
        while ((got = read(fd, chunk, sizeof(chunk))) > 0)
            buf_append(b, chunk, (size_t)got);
        if (strstr(buf_cstr(b), needle))
            return true;
        if (got == 0)
            return false; /* the script ended */
        itest_sleep_ms(50);
    }
    return false;
}

/* `make run ARGS="--port=0"` (scripts/run.sh) prints the address the service bound — the
 * port from its ready file — not the default 8080, and stops cleanly on SIGINT. */
static void test_make_run_prints_address(void **state)
{
    char data[300], script[600], ready[400], want[96];
    int out[2];
    UNUSED(state);
    snprintf(data, sizeof(data), "%s/run-data", home);
    snprintf(script, sizeof(script), "%s/scripts/run.sh", getenv("ICHIGEN_SOURCE_ROOT"));
    snprintf(ready, sizeof(ready), "%s/ready", data);
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(out[1], 1);
        close(out[0]);
        setenv("ICHIGEN_DATA_DIR", data, 1);
        setenv("ARGS", "--port=0", 1);
        execl("/bin/sh", "sh", script, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    bool seen = read_until(out[0], &b, "/api/v1 — described", 180000);
    char *port = itest_read_file(ready, NULL);
    kill(pid, SIGINT); /* as Ctrl-C reaches the script */
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(out[0]);
    if (!seen || !port)
        fail_msg("scripts/run.sh did not print the API address: %.600s", buf_cstr(&b));
    port[strcspn(port, "\n")] = '\0';
    snprintf(want, sizeof(want), "API: http://127.0.0.1:%s/api/v1", port);
    if (!strstr(buf_cstr(&b), want) || !strcmp(port, "8080"))
        fail_msg("expected \"%s\" in: %.600s", want, buf_cstr(&b));
    free(port);
    buf_release(&b);
    char rm[400];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", data);
    assert_int_equal(system(rm), 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) /* the server stopped cleanly */
        fail_msg("scripts/run.sh ended with status %#x", st);
}

/* `risk simulate`: one thread per core with --threads 0, the engine's time in microseconds in
 * both forms, "1 scenario" and no portfolio row that only repeats it. */
static void test_risk_timing(void **state)
{
    char path[600], *out = NULL;
    UNUSED(state);
    snprintf(path, sizeof(path), "%s/fuzz/corpus/scenarios/minimal.json",
             getenv("ICHIGEN_SOURCE_ROOT"));
    const char *text[] = {"risk", "simulate", path, "--threads", "0", "--lang", "en", NULL};
    assert_int_equal(run(&out, text), 0);
    assert_non_null(strstr(out, "1 scenario ×"));
    assert_non_null(strstr(out, " µs ("));
    assert_null(strstr(out, "portfolio"));
    free(out);
    const char *js[] = {"risk", "simulate", path, "--json", NULL};
    assert_int_equal(run(&out, js), 0);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_true(json_is_integer(json_object_get(json_object_get(doc, "run"), "elapsed_us")));
    assert_true(itest_jint(doc, "/run/elapsed_us") >= 0);
    assert_true(itest_jint(doc, "/run/threads") >= 1);
    json_decref(doc);
    free(out);
    assert_int_equal(entries(home), 0);
}

/* `version` names the schema this binary migrates the configured store to, whatever its
 * backend, without creating it (and only the scheme of a URL it has no backend for); `migrate`
 * says the version the store it opened is at — the same number. */
static void test_version_and_migrate(void **state)
{
    char want[64], dir[300], *out = NULL;
    int schema = store_target_schema_version("sqlite:x.db");
    UNUSED(state);
    assert_true(schema > 0);
    snprintf(want, sizeof(want), "database schema %d)", schema);
    const char *plain[] = {"version", NULL};
    assert_int_equal(run(&out, plain), 0);
    assert_non_null(strstr(out, want));
    free(out);
    /* PostgreSQL (issue 14): its migrations are numbered as SQLite's */
    const char *pg[] = {"--version", "--store-url=postgresql://ichigen:hunter2@db/x", NULL};
    assert_int_equal(run(&out, pg), 0);
    assert_non_null(strstr(out, want));
    assert_null(strstr(out, "hunter2"));
    free(out);
    const char *other[] = {"--version", "--store-url=mysql://root:hunter2@db/x", NULL};
    assert_int_equal(run(&out, other), 0);
    assert_non_null(strstr(out, "no database backend for store_url \"mysql\""));
    assert_null(strstr(out, "hunter2"));
    free(out);
    assert_int_equal(entries(home), 0); /* asking created nothing */

    snprintf(dir, sizeof(dir), "%s/var", home);
    snprintf(want, sizeof(want), "is at schema version %d\n", schema);
    const char *migrate[] = {"migrate", "--data-dir", dir, NULL};
    assert_int_equal(run(&out, migrate), 0);
    assert_non_null(strstr(out, want));
    free(out);
    char rm[400];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

/* `rules check DIR` and the server refuse a rule whose only source is not on an official
 * domain, naming the rule (issue 11 item 5); citing the law's own page makes it pass. */
static void test_rules_check_primary_sources(void **state)
{
    static const char rule[] =
        "{\"format\": \"ichigen-rules/1\", \"rules\": [{\"id\": \"t.cli.blog\", "
        "\"regime\": \"NCO\", \"jurisdiction\": \"JP\", \"title\": {\"ja\": \"試験\", "
        "\"en\": \"test\"}, \"recipient\": \"jp-auth\", \"status\": \"in_force\", "
        "\"applies_when\": \"personal_data.involved == \\\"yes\\\"\", \"citations\": "
        "[{\"title\": {\"ja\": \"解説\", \"en\": \"A blog\"}, \"url\": \"https://%s/x\"}], "
        "\"stages\": [{\"id\": \"only\", \"name\": {\"ja\": \"報告\", \"en\": \"report\"}, "
        "\"deadline\": {\"kind\": \"none\"}}]}]}\n";
    static const char *const linked[] = {"calendars", "recipients", "sources.json"};
    struct itest_server s;
    char dir[400], path[600], target[600], text[1200], opt[500];
    char *out = NULL;
    UNUSED(state);
    assert_int_equal(itest_server_init(&s, NULL), 0);
    snprintf(dir, sizeof(dir), "%s/data-sources", home);
    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < ARRAY_SIZE(linked); i++) {
        snprintf(target, sizeof(target), "%s/tests/data/rules-mini/%s",
                 getenv("ICHIGEN_SOURCE_ROOT"), linked[i]);
        snprintf(path, sizeof(path), "%s/%s", dir, linked[i]);
        assert_int_equal(symlink(target, path), 0);
    }
    snprintf(path, sizeof(path), "%s/rules", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/rules/t.json", dir);
    snprintf(text, sizeof(text), rule, "blog.example.com");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);

    const char *check[] = {"rules", "check", dir, NULL};
    assert_int_equal(itest_run(&s, NULL, &out, check), 1);
    free(out);
    char *log = itest_read_file(s.cli_log, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, "/rules/0/citations [no_primary_citation] rule \"t.cli.blog\""));
    free(log);
    /* the server loads its rules with the same loader: it does not start */
    snprintf(opt, sizeof(opt), "--rules_dir=%s", dir);
    int rc = itest_cli(&s, NULL, &out, "serve", opt, "--port", "0", NULL);
    free(out);
    assert_true(rc > 0 && rc < 128);

    snprintf(text, sizeof(text), rule, "example.jp"); /* listed in rules-mini's sources.json */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(itest_run(&s, NULL, &out, check), 0);
    assert_non_null(strstr(out, "rules ok: 1 rules"));
    free(out);
    char rm[500];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
    itest_server_release(&s);
}

static int setup(void **state)
{
    UNUSED(state);
    snprintf(home, sizeof(home), "%s/ichigen-cli-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(home) || chdir(home))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    if (chdir("/"))
        return -1;
    return rmdir(home); /* fails, and so fails the run, if anything was left in it */
}

int main(void)
{
    itest_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_everywhere),
        cmocka_unit_test(test_bad_arguments_touch_nothing),
        cmocka_unit_test(test_obligations_validates),
        cmocka_unit_test(test_obligations_proposed),
        cmocka_unit_test(test_delivery_check_once),
        cmocka_unit_test(test_render_for_recipient),
        cmocka_unit_test(test_make_run_prints_address),
        cmocka_unit_test(test_risk_timing),
        cmocka_unit_test(test_version_and_migrate),
        cmocka_unit_test(test_rules_check_primary_sources),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
