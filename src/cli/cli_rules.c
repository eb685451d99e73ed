/*
 * cli_rules.c — `ichigen rules check [DIR]` validates the data files (errors as
 * file:line:column); `ichigen obligations FILE [--now TIME] [--json] [--all]` evaluates a
 * report offline exactly as the service does and explains every obligation.
 */
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "../app/app_obligations.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../rules/rules.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISDIR(st.st_mode);
}

void cli_rules_dir(const struct config *cfg, char *out, size_t n)
{
    char exe[1024], cand[1100];
    ssize_t len;
    if (cfg->rules_dir[0]) {
        xstrlcpy(out, cfg->rules_dir, n);
        return;
    }
    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(cand, sizeof(cand), "%s/../data/rules", exe);
            if (is_dir(cand)) {
                snprintf(out, n, "%s/../data", exe);
                return;
            }
        }
    }
    xstrlcpy(out, "data", n);
}

struct ruleset *cli_load_rules(const struct config *cfg, const char *dir_override)
{
    char dir[1100];
    struct diag_list d;
    const char *lang = getenv("LANG");
    if (dir_override)
        xstrlcpy(dir, dir_override, sizeof(dir));
    else
        cli_rules_dir(cfg, dir, sizeof(dir));
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    if (!rs) {
        fprintf(stderr, "ichigen: the rules in %s have %zu problem(s):\n", dir, d.n);
        diag_list_print(&d, stderr, lang && !strncmp(lang, "ja", 2));
    }
    diag_list_release(&d);
    return rs;
}

static int rules_check(const struct config *cfg, const char *dir)
{
    struct ruleset *rs = cli_load_rules(cfg, dir);
    if (!rs)
        return CLI_PROBLEM;
    printf("rules ok: %zu rules, %zu stages, %zu recipients; rules version %s\n", rules_count(rs),
           rules_stage_count(rs), rules_recipient_count(rs), rules_version(rs));
    rules_free(rs);
    return CLI_OK;
}

int cli_rules(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3 || strcmp(argv[1], "check")) {
        return cli_usage("rules", stderr);
    }
    return rules_check(&cfg, argc == 3 ? argv[2] : NULL);
}

/* ---- obligations FILE ---- */

static const char *text_of(const json_t *o, const char *key, bool ja)
{
    const char *s = json_string_value(json_object_get(json_object_get(o, key), ja ? "ja" : "en"));
    return s ? s : "";
}

/* The sources under an obligation: primary ones as [source]/[出典], the others apart as
 * [further reading]/[参考] (issue 11 item 5); the article in the reader's language when the
 * rule gives it. */
static void print_citations(const json_t *cits, const char *label, bool ja)
{
    size_t i;
    const json_t *c;
    json_array_foreach((json_t *)cits, i, c)
    {
        const char *art = json_string_value(json_object_get(c, "article"));
        const char *art_en = json_string_value(json_object_get(c, "article_en"));
        if (!ja && art_en)
            art = art_en;
        printf("            [%s] %s%s%s <%s>\n", label, text_of(c, "title", ja), art ? " " : "",
               art ? art : "", json_string_value(json_object_get(c, "url")));
    }
}

static void print_one(const json_t *e, bool ja)
{
    const json_t *dl = json_object_get(e, "deadline");
    printf("%-11s %-28s %-16s %s\n", json_string_value(json_object_get(e, "status")),
           json_string_value(json_object_get(e, "rule_id")),
           json_string_value(json_object_get(json_object_get(e, "stage"), "id")),
           text_of(json_object_get(e, "recipient"), "name", ja));
    /* a rule not in force is marked in words instead of its deadline's kind: "[legal]" beside
     * a proposal's deadline would present it as law (issue 11 item 4) */
    const json_t *words = json_object_get(e, "rule_status_text");
    const char *kind = json_is_object(words) ? text_of(e, "rule_status_text", ja)
                                             : json_string_value(json_object_get(dl, "kind"));
    if (dl && !json_is_null(dl))
        printf("            [%s] %s\n", kind, text_of(dl, "explanation", ja));
    else if (json_is_object(words))
        printf("            [%s]\n", kind);
    /* a determination (issue 11 item 1): the question comes first, before any note */
    const json_t *det = json_object_get(e, "determination");
    if (det)
        printf("            [%s] %s\n", ja ? "判断が必要" : "decide", text_of(det, "question", ja));
    const json_t *ver = json_object_get(e, "verification");
    size_t i;
    const json_t *v;
    json_array_foreach((json_t *)ver, i, v)
        printf("            [%s] %s\n", json_string_value(json_object_get(v, "marker")),
               text_of(v, "note", ja));
    /* a rule that does not apply: what would change the answer (issue 11 item 6) */
    const json_t *would = json_object_get(json_object_get(e, "why"), "would_apply_if");
    json_array_foreach((json_t *)would, i, v)
    {
        bool hold = json_is_true(json_object_get(v, "must_hold"));
        printf("            [%s] %s\n",
               ja ? (hold ? "この条件が成り立てば適用" : "この条件が成り立たなければ適用")
                  : (hold ? "would apply if" : "would apply unless"),
               json_string_value(json_object_get(v, "condition")));
    }
    print_citations(json_object_get(e, "citations"), ja ? "出典" : "source", ja);
    print_citations(json_object_get(e, "further_reading"), ja ? "参考" : "further reading", ja);
}

static int obligations(const struct config *cfg, const char *file, int64_t now, bool as_json,
                       bool all, bool ja)
{
    int rc;
    /* the rules read a report the API would accept, and nothing else (issue 8 item 6: "{}"
     * and a count written as a string printed "0 obligation(s)" and exit 0) */
    json_t *doc = cli_load_report(file, cfg, now, ja, stderr, NULL, &rc);
    if (!doc)
        return rc;
    struct ruleset *rs = cli_load_rules(cfg, NULL);
    if (!rs) {
        json_decref(doc);
        return CLI_FAILURE;
    }
    json_t *out, *others = NULL;
    /* the same evaluation as the API's preview (POST /api/v1/obligations/preview) */
    app_obligations_explain(rs, doc, now, cfg->due_soon_h * 3600000LL, &out, all ? NULL : &others);
    json_decref(others);
    if (as_json) {
        char *s = json_dumps(out, JSON_INDENT(2));
        puts(s);
        free(s);
    } else {
        size_t i;
        const json_t *e;
        json_array_foreach(out, i, e) print_one(e, ja);
        printf("%zu obligation(s); rules version %s\n", json_array_size(out), rules_version(rs));
    }
    rules_free(rs);
    json_decref(out);
    json_decref(doc);
    return CLI_OK;
}

int cli_obligations(int argc, char **argv)
{
    struct config cfg;
    const char *now_s = cli_take(&argc, argv, "--now"), *lang = cli_take(&argc, argv, "--lang");
    bool as_json = cli_flag(&argc, argv, "--json"), all = cli_flag(&argc, argv, "--all");
    struct rtime_parsed now = {rtime_now_ms(), 0};
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc != 2 || (now_s && rtime_parse_rfc3339(now_s, strlen(now_s), &now))) {
        return cli_usage("obligations", stderr);
    }
    bool ja = lang ? !strcmp(lang, "ja") : (getenv("LANG") && !strncmp(getenv("LANG"), "ja", 2));
    return obligations(&cfg, argv[1], now.ms, as_json, all, ja);
}
