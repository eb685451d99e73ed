/*
 * test_rules.c — src/rules/ with the synthetic data set tests/data/rules-mini (independent of
 * the real rules in data/): loading and the rules version; loader errors with file, line,
 * column and code (broken copies in temporary directories); deadline arithmetic in the
 * recipient's time zone and calendar (hours across DST and midnight, calendar days, months,
 * business days, rolls, caps, variants); anchors and their fallbacks; validity dates, stage
 * conditions, voluntary channels and statuses; explanations; ledger reconciliation.
 */
#include <ftw.h>

#include "rules/rules.h"
#include "core/buf.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define HOUR 3600000LL
#define DAY (24 * HOUR)

static struct ruleset *RS;
static struct rules_eval EV;
static char mini[512];

/* ---- helpers ---- */

static int64_t ms(const char *rfc3339)
{
    struct rtime_parsed t;
    if (rtime_parse_rfc3339(rfc3339, strlen(rfc3339), &t))
        fail_msg("bad time in the test: %s", rfc3339);
    return t.ms;
}

static const char *utc(int64_t t, char buf[40])
{
    rtime_format_utc(t, buf, 40);
    return buf;
}

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("fixture JSON: %s (line %d, column %d)", je.text, je.line, je.column);
    return j;
}

/* Sets the value at a JSON Pointer (no escapes, no array indexes), creating objects on the
 * way; takes the reference to v. NULL v deletes the member. */
static void put(json_t *doc, const char *ptr, json_t *v)
{
    char tok[128];
    json_t *cur = doc;
    const char *p = ptr + 1;
    for (;;) {
        size_t n = strcspn(p, "/");
        assert_true(n < sizeof(tok));
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (!p[n]) {
            if (v)
                json_object_set_new(cur, tok, v);
            else
                json_object_del(cur, tok);
            return;
        }
        json_t *next = json_object_get(cur, tok);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(cur, tok, next);
        }
        cur = next;
        p += n + 1;
    }
}

static void put_s(json_t *doc, const char *ptr, const char *s)
{
    put(doc, ptr, json_string(s));
}

/* A report with only an awareness time. */
static json_t *doc_aware(const char *aware_at)
{
    json_t *d = json_object();
    put_s(d, "/times/aware_at", aware_at);
    return d;
}

static void eval(const json_t *doc)
{
    rules_evaluate(RS, doc, &EV);
}

static const struct rules_result *find_in(const struct rules_eval *ev, const char *rule,
                                          const char *stage, int *index)
{
    for (size_t i = 0; i < ev->n; i++) {
        const struct rules_result *r = &ev->v[i];
        if (!strcmp(rules_rule_id(r->rule), rule) && !strcmp(rules_stage_id(r->stage), stage)) {
            if (index)
                *index = (int)i;
            return r;
        }
    }
    fail_msg("no result for %s/%s", rule, stage);
    return NULL;
}

static const struct rules_result *find(const char *rule, const char *stage)
{
    return find_in(&EV, rule, stage, NULL);
}

/* Evaluates doc and checks one stage's deadline (UTC, as rtime_format_utc writes it). */
static const struct rules_result *assert_due(const json_t *doc, const char *rule, const char *stage,
                                             const char *want_utc)
{
    char got[40];
    eval(doc);
    const struct rules_result *r = find(rule, stage);
    if (!r->applies)
        fail_msg("%s/%s does not apply", rule, stage);
    if (r->due_state != DUE_SET)
        fail_msg("%s/%s: due state %s, expected a deadline %s", rule, stage,
                 rules_due_state_name(r->due_state), want_utc);
    if (strcmp(utc(r->due_ms, got), want_utc))
        fail_msg("%s/%s: due %s, expected %s", rule, stage, got, want_utc);
    return r;
}

/* assert_due for a report holding only aware_at. */
static const struct rules_result *assert_due_aware(const char *aware, const char *rule,
                                                   const char *stage, const char *want_utc)
{
    json_t *d = doc_aware(aware);
    const struct rules_result *r = assert_due(d, rule, stage, want_utc);
    json_decref(d);
    return r;
}

static void assert_state(const json_t *doc, const char *rule, const char *stage,
                         enum rules_due_state want)
{
    eval(doc);
    const struct rules_result *r = find(rule, stage);
    if (!r->applies)
        fail_msg("%s/%s does not apply", rule, stage);
    if (r->due_state != want)
        fail_msg("%s/%s: due state %s, expected %s", rule, stage,
                 rules_due_state_name(r->due_state), rules_due_state_name(want));
}

static bool applies(const json_t *doc, const char *rule, const char *stage)
{
    eval(doc);
    return find(rule, stage)->applies;
}

/* rules_explain for the result of rule/stage in the current evaluation. */
static json_t *explain(const json_t *doc, const char *rule, const char *stage, int64_t now)
{
    eval(doc);
    return rules_explain(RS, find(rule, stage), doc, now, DAY);
}

static const char *jstr(json_t *j, const char *ptr)
{
    const char *s = json_string_value(jsonx_ptr_get(j, ptr));
    if (!s)
        fail_msg("no string at %s", ptr);
    return s;
}

/* ---- temporary copies of the data set ---- */

static int copy_tree(const char *from, const char *to)
{
    DIR *d = opendir(from);
    struct dirent *e;
    if (!d || (mkdir(to, 0700) && errno != EEXIST))
        return -1;
    while ((e = readdir(d))) {
        char a[1024], b[1024];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
        snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
        if (stat(a, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (copy_tree(a, b))
                return closedir(d), -1;
        } else {
            size_t n;
            char *text = unit_read_file(a, &n);
            int rc = text ? unit_write_file(b, text, n) : -1;
            free(text);
            if (rc)
                return closedir(d), -1;
        }
    }
    closedir(d);
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    UNUSED(st);
    UNUSED(flag);
    UNUSED(ftw);
    remove(path);
    return 0;
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh copy of rules-mini in out (64 bytes). */
static void copy_mini(char out[64])
{
    assert_int_equal(unit_tmpdir(out, "rules"), 0);
    if (copy_tree(mini, out))
        fail_msg("copying %s to %s failed", mini, out);
}

static void write_at(const char *dir, const char *rel, const char *text)
{
    char path[600], sub[600];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    xstrlcpy(sub, path, sizeof(sub));
    *strrchr(sub, '/') = '\0';
    mkdir(sub, 0700);
    if (unit_write_file(path, text, strlen(text)))
        fail_msg("cannot write %s", path);
}

/* text with the first occurrence of from replaced by to (heap). */
static char *subst(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    struct buf b;
    if (!at)
        fail_msg("\"%s\" is not in the template", from);
    buf_init(&b, BUF_UNLIMITED);
    buf_append(&b, text, (size_t)(at - text));
    buf_puts(&b, to);
    buf_puts(&b, at + strlen(from));
    return buf_detach(&b, NULL);
}

/* Line and column (1-based, columns in characters) of the first occurrence of mark in text. */
static void position_of(const char *text, const char *mark, int *line, int *col)
{
    const char *at = strstr(text, mark);
    if (!at)
        fail_msg("marker \"%s\" not found", mark);
    *line = 1, *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n')
            (*line)++, *col = 1;
        else if (((unsigned char)*p & 0xc0) != 0x80)
            (*col)++;
    }
}

/* ---- loading ---- */

static void test_load(void **state)
{
    UNUSED(state);
    assert_int_equal(rules_count(RS), 18);
    assert_int_equal(rules_stage_count(RS), 26);
    assert_int_equal(rules_recipient_count(RS), 3);
    const char *v = rules_version(RS);
    assert_int_equal(strlen(v), 64);
    for (const char *p = v; *p; p++)
        assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
    /* every stage is evaluated, in the rule set's order: rules_evaluate is deterministic */
    json_t *d = doc_aware("2026-06-01T10:00:00+09:00");
    eval(d);
    assert_int_equal(EV.n, 26);
    assert_string_equal(rules_rule_id(EV.v[0].rule), "t.eu.dora"); /* rules/eu/ sorts first */
    assert_string_equal(rules_rule_id(EV.v[EV.n - 1].rule), "t.us.gap");
    assert_string_equal(rules_recipient_id(find("t.us.sec", "form8k")->rule), "us-auth");
    assert_string_equal(rules_regime(find("t.jp.ppc", "final")->rule), "PPC");
    assert_string_equal(rules_due_kind(find("t.jp.ppc", "final")->stage), "legal");
    assert_string_equal(rules_due_kind(find("t.jp.ppc", "preliminary")->stage), "target");
    assert_string_equal(rules_due_kind(find("t.jp.previous", "ondemand")->stage), "none");
    /* a stage on request (NIS2 Art. 23(4)(c)) waits for the rule's first stage, not for the
     * stage listed before it; the others wait for the one before them */
    const struct rules_result *od = find("t.jp.previous", "ondemand");
    assert_true(rules_stage_on_request(od->stage));
    assert_false(rules_stage_on_request(find("t.jp.previous", "followup")->stage));
    assert_string_equal(rules_stage_id(rules_stage_after(od->rule, od->stage)), "initial");
    const struct rule_stage *fu = find("t.jp.previous", "followup")->stage;
    assert_string_equal(rules_stage_id(rules_stage_after(od->rule, fu)), "initial");
    assert_null(rules_stage_after(od->rule, find("t.jp.previous", "initial")->stage));
    assert_false(rules_mandatory(find("t.jp.voluntary", "consult")->rule));
    assert_true(rules_mandatory(find("t.jp.hours", "report")->rule));
    /* delivery: channel, sections as bits in report_section_values order, formats */
    struct rules_recipient_view rv;
    assert_true(rules_recipient_get(RS, "jp-auth", &rv));
    assert_int_equal(rv.delivery->channel, CHANNEL_WEBHOOK);
    assert_int_equal(rv.delivery->sections, RULES_SECTION_BIT(0) | RULES_SECTION_BIT(2) |
                                                RULES_SECTION_BIT(4) | RULES_SECTION_BIT(6));
    assert_int_equal(rv.delivery->formats, RULES_FORMAT_JSON | RULES_FORMAT_PDF);
    assert_false(rules_recipient_get(RS, "nobody", &rv));
    assert_true(rules_recipient_at(RS, 2, &rv));
    assert_false(rules_recipient_at(RS, 3, &rv));
    assert_string_equal(rules_channel_name(CHANNEL_DOCUMENT), "document");
    assert_int_equal(rules_channel_parse("inbox"), CHANNEL_INBOX);
    assert_int_equal(rules_channel_parse("fax"), -1);
    /* stages in order, with their required fields */
    const struct rule *ppc = rules_find(RS, "t.jp.ppc");
    assert_non_null(ppc);
    const struct rule_stage *fin = rules_find_stage(ppc, "final");
    assert_ptr_equal(rules_stage_previous(ppc, fin), rules_find_stage(ppc, "preliminary"));
    assert_null(rules_stage_previous(ppc, rules_find_stage(ppc, "preliminary")));
    assert_null(rules_find(RS, "t.none"));
    struct rules_eval again;
    rules_eval_init(&again);
    rules_evaluate(RS, d, &again);
    assert_int_equal(again.n, EV.n);
    for (size_t i = 0; i < EV.n; i++) {
        assert_ptr_equal(again.v[i].rule, EV.v[i].rule);
        assert_ptr_equal(again.v[i].stage, EV.v[i].stage);
        assert_int_equal(again.v[i].applies, EV.v[i].applies);
        assert_int_equal(again.v[i].due_state, EV.v[i].due_state);
        assert_int_equal(again.v[i].due_ms, EV.v[i].due_ms);
        assert_int_equal(again.v[i].variant, EV.v[i].variant);
    }
    rules_eval_release(&again);
    json_decref(d);
}

/* The version is a SHA-256 of the files (with their paths inside the data directory): the same
 * files anywhere give the same version, any change gives another. */
static void test_version(void **state)
{
    char dir[64], path[600];
    struct diag_list d;
    UNUSED(state);
    copy_mini(dir);
    diag_list_init(&d);
    struct ruleset *a = rules_load_dir(dir, &d);
    assert_non_null(a);
    assert_string_equal(rules_version(a), rules_version(RS));
    rules_free(a);

    /* one byte more in a rule file */
    snprintf(path, sizeof(path), "%s/rules/us/mini-us.json", dir);
    size_t n = 0;
    char *text = unit_read_file(path, &n);
    assert_non_null(text);
    char *changed = subst(text, "\"§3\"", "\"§3a\"");
    assert_int_equal(unit_write_file(path, changed, strlen(changed)), 0);
    struct ruleset *b = rules_load_dir(dir, &d);
    assert_non_null(b);
    assert_string_not_equal(rules_version(b), rules_version(RS));
    char first[HASH_SHA256_HEX];
    xstrlcpy(first, rules_version(b), sizeof(first));
    rules_free(b);
    /* restored: the version comes back */
    assert_int_equal(unit_write_file(path, text, n), 0);
    b = rules_load_dir(dir, &d);
    assert_string_equal(rules_version(b), rules_version(RS));
    rules_free(b);
    /* a calendar counts too */
    snprintf(path, sizeof(path), "%s/calendars/weekends.json", dir);
    free(text);
    free(changed);
    text = unit_read_file(path, &n);
    changed = subst(text, "\"2026-11-22\"", "\"2026-11-23\"");
    assert_int_equal(unit_write_file(path, changed, strlen(changed)), 0);
    b = rules_load_dir(dir, &d);
    assert_non_null(b);
    assert_string_not_equal(rules_version(b), rules_version(RS));
    assert_string_not_equal(rules_version(b), first);
    rules_free(b);
    assert_int_equal(d.n, 0);
    diag_list_release(&d);
    free(text);
    free(changed);
    rm_tree(dir);
}

/* ---- loader errors ---- */

static const char broken_rule[] =
    "{\n"
    "  \"format\": \"ichigen-rules/1\",\n"
    "  \"rules\": [\n"
    "    {\n"
    "      \"id\": \"t.zz.broken\",\n"
    "      \"regime\": \"NCO\",\n"
    "      \"jurisdiction\": \"JP\",\n"
    "      \"title\": {\n"
    "        \"ja\": \"壊れた規則\",\n"
    "        \"en\": \"A broken rule\"\n"
    "      },\n"
    "      \"recipient\": \"jp-auth\",\n"
    "      \"status\": \"in_force\",\n"
    "      \"applies_when\": \"personal_data.involved == \\\"yes\\\"\",\n"
    "      \"citations\": [{\"title\": {\"ja\": \"試験\", \"en\": \"Test\"}, \"article\": \"1\","
    " \"url\": \"https://example.jp/z\"}],\n"
    "      \"stages\": [\n"
    "        {\n"
    "          \"id\": \"only\",\n"
    "          \"name\": {\"ja\": \"唯一の段階\", \"en\": \"only\"},\n"
    "          \"deadline\": {\"kind\": \"legal\", \"anchor\": \"aware\", \"offset\": 3,"
    " \"unit\": \"calendar_days\"}\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

struct broken {
    const char *name;
    const char *from, *to; /* the change to broken_rule (from NULL: none) */
    const char *code;
    const char *pointer;
    const char *mark; /* the problem's position is where this first occurs after the change */
    int mark_skip;    /* characters to move right from the start of mark */
};

static const struct broken broken_cases[] = {
    {"unknown key", "\"regime\": \"NCO\",", "\"regime\": \"NCO\", \"colour\": \"red\",",
     "unknown_field", "/rules/0/colour", "\"red\"", 0},
    {"unknown recipient", "\"jp-auth\"", "\"nobody\"", "unknown_recipient", "/rules/0/recipient",
     "\"nobody\"", 0},
    {"unknown calendar", "\"id\": \"only\",", "\"id\": \"only\", \"calendar\": \"mars-gov\",",
     "unknown_calendar", "/rules/0/stages/0/calendar", "\"mars-gov\"", 0},
    {"unknown anchor", "\"anchor\": \"aware\"", "\"anchor\": \"sunrise\"", "enum",
     "/rules/0/stages/0/deadline/anchor", "\"sunrise\"", 0},
    {"unknown unit", "\"calendar_days\"", "\"fortnights\"", "enum",
     "/rules/0/stages/0/deadline/unit", "\"fortnights\"", 0},
    {"unknown regime", "\"NCO\"", "\"XYZ\"", "enum", "/rules/0/regime", "\"XYZ\"", 0},
    {"unknown roll", "\"id\": \"only\",", "\"id\": \"only\", \"roll\": \"sideways\",", "enum",
     "/rules/0/stages/0/roll", "\"sideways\"", 0},
    /* conditions: the column is the character inside the string, escapes counted as written */
    {"bad condition after escapes", "\\\"yes\\\"\"", "\\\"yes\\\" and bogus.field == 1\"",
     "condition", "/rules/0/applies_when", "bogus.field", 0},
    {"bad condition at the start", "\"personal_data.involved == ", "\"nobody.involved == ",
     "condition", "/rules/0/applies_when", "nobody.involved", 0},
    {"bad stage condition", "\"id\": \"only\",",
     "\"id\": \"only\", \"when\": \"entity.name_ja == '日本' and entity.kind == 3\",", "condition",
     "/rules/0/stages/0/when", "3\"", 0},
    {"bad variant condition", "\"unit\": \"calendar_days\"}",
     "\"unit\": \"calendar_days\", \"variants\": [{\"when\": \"entity.kind == \\u0022sme\\u0022"
     " and entity.country < \\\"JP\\\"\", \"offset\": 1, \"unit\": \"hours\", \"reason\": "
     "{\"ja\": \"理由\", \"en\": \"reason\"}}]}",
     "condition", "/rules/0/stages/0/deadline/variants/0/when", "< \\\"JP", 0},
    {"unterminated string in a condition", "== \\\"yes\\\"\"", "== \\\"yes\"", "condition",
     "/rules/0/applies_when", "\\\"yes\"", 0},
    {"required field not in the format", "\"id\": \"only\",",
     "\"id\": \"only\", \"required_fields\": [\"/entity/name_ja\", \"/entity/colour\"],",
     "unknown_field", "/rules/0/stages/0/required_fields/1", "\"/entity/colour\"", 0},
    {"required field under an array", "\"id\": \"only\",",
     "\"id\": \"only\", \"required_fields\": [\"/threat/indicators/-/colour\"],", "unknown_field",
     "/rules/0/stages/0/required_fields/0", "\"/threat/indicators/-/colour\"", 0},
    {"required field without a slash", "\"id\": \"only\",",
     "\"id\": \"only\", \"required_fields\": [\"entity/name_ja\"],", "unknown_field",
     "/rules/0/stages/0/required_fields/0", "\"entity/name_ja\"", 0},
    {"duplicate rule id across files", "\"t.zz.broken\"", "\"t.jp.hours\"", "duplicate_id",
     "/rules/0/id", "\"t.jp.hours\"", 0},
    {"duplicate stage id",
     "\"deadline\": {\"kind\": \"legal\", \"anchor\": \"aware\", "
     "\"offset\": 3, \"unit\": \"calendar_days\"}\n        }",
     "\"deadline\": {\"kind\": \"legal\", \"anchor\": \"aware\", \"offset\": 3, \"unit\": "
     "\"calendar_days\"}\n        },\n        {\"id\": \"only\", \"name\": {\"ja\": \"再\", "
     "\"en\": \"again\"}, \"deadline\": {\"kind\": \"none\"}}",
     "duplicate_id", "/rules/0/stages/1", "{\"id\": \"only\", \"name\": {\"ja\": \"再\"", 0},
    {"kind none with an anchor", "\"kind\": \"legal\"", "\"kind\": \"none\"", "deadline",
     "/rules/0/stages/0/deadline", "{\"kind\": \"none\"", 0},
    {"kind legal without an anchor", "\"anchor\": \"aware\", ", "", "deadline",
     "/rules/0/stages/0/deadline", "{\"kind\": \"legal\"", 0},
    {"bad due_time hour", "\"offset\": 3,", "\"offset\": 3, \"due_time\": \"25:00\",", "due_time",
     "/rules/0/stages/0/deadline/due_time", "\"25:00\"", 0},
    {"bad due_time minute", "\"offset\": 3,", "\"offset\": 3, \"due_time\": \"12:60\",", "due_time",
     "/rules/0/stages/0/deadline/due_time", "\"12:60\"", 0},
    {"bad due_time shape", "\"offset\": 3,", "\"offset\": 3, \"due_time\": \"9:30\",", "due_time",
     "/rules/0/stages/0/deadline/due_time", "\"9:30\"", 0},
    {"due_time past 24:00", "\"offset\": 3,", "\"offset\": 3, \"due_time\": \"24:01\",", "due_time",
     "/rules/0/stages/0/deadline/due_time", "\"24:01\"", 0},
    {"missing citations",
     "      \"citations\": [{\"title\": {\"ja\": \"試験\", \"en\": \"Test\"}, "
     "\"article\": \"1\", \"url\": \"https://example.jp/z\"}],\n",
     "", "required", "/rules/0/citations", NULL, 0},
    {"negative offset", "\"offset\": 3", "\"offset\": -3", "below_minimum",
     "/rules/0/stages/0/deadline/offset", "-3", 0},
    /* a stage on request is due by the date of the request, never by one of its own */
    {"on request with a deadline", "\"id\": \"only\",", "\"id\": \"only\", \"on_request\": true,",
     "on_request_deadline", "/rules/0/stages/0/on_request", "true", 0},
    /* and it comes after the chain, which "the stage before it" must not leave */
    {"on request before a stage that is not", "\"stages\": [\n",
     "\"stages\": [\n        {\"id\": \"asked\", \"name\": {\"ja\": \"要請\", \"en\": \"asked\"}, "
     "\"deadline\": {\"kind\": \"none\"}, \"on_request\": true},\n",
     "on_request_order", "/rules/0/stages/1", "{\n          \"id\": \"only\"", 0},
    /* issue 11 item 5: a rule needs a primary source, https on a domain of sources.json
     * (rules-mini lists example.jp), reported at its citations */
    {"no primary citation: a domain not on the list", "https://example.jp/z",
     "https://example.com/z", "no_primary_citation", "/rules/0/citations", "[{\"title\"", 0},
    {"no primary citation: http, not https", "https://example.jp/z", "http://example.jp/z",
     "no_primary_citation", "/rules/0/citations", "[{\"title\"", 0},
    {"no primary citation: a sub-domain of a listed domain", "https://example.jp/z",
     "https://www.example.jp/z", "no_primary_citation", "/rules/0/citations", "[{\"title\"", 0},
    {"no primary citation: the listed domain only in the path", "https://example.jp/z",
     "https://example.com/example.jp", "no_primary_citation", "/rules/0/citations", "[{\"title\"",
     0},
    {"no primary citation: the listed domain as user information", "https://example.jp/z",
     "https://example.jp@example.com/z", "no_primary_citation", "/rules/0/citations", "[{\"title\"",
     0},
    /* both languages of a citation's title, named by the citation's index */
    {"citation title without English", "{\"ja\": \"試験\", \"en\": \"Test\"}", "{\"ja\": \"試験\"}",
     "required", "/rules/0/citations/0/title/en", "{\"ja\": \"試験\"}", 0},
    /* an article in Japanese has its English form too ("§1" in rules-mini needs none) */
    {"Japanese article without English", "\"article\": \"1\",", "\"article\": \"第1条\",",
     "article_en_missing", "/rules/0/citations/0", "{\"title\": {\"ja\": \"試験\"", 0},
    {"Japanese article of a stage without English", "\"id\": \"only\",",
     "\"id\": \"only\", \"citation\": {\"title\": {\"ja\": \"規則\", \"en\": \"Rules\"}, "
     "\"article\": \"第8条（速報）\", \"url\": \"https://example.jp/8\"},",
     "article_en_missing", "/rules/0/stages/0/citation", "{\"title\": {\"ja\": \"規則\"", 0},
    {"citation title without Japanese", "{\"ja\": \"試験\", \"en\": \"Test\"}",
     "{\"en\": \"Test\"}", "required", "/rules/0/citations/0/title/ja", "{\"en\": \"Test\"}", 0},
};

/* The diagnostic with this code and pointer, or NULL. */
static const struct diag *find_diag(const struct diag_list *d, const char *file_suffix,
                                    const char *code, const char *pointer)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *x = &d->v[i];
        size_t fl = strlen(x->file), sl = strlen(file_suffix);
        if (fl >= sl && !strcmp(x->file + fl - sl, file_suffix) && !strcmp(x->code, code) &&
            !strcmp(x->pointer, pointer))
            return x;
    }
    return NULL;
}

static void print_diags(const struct diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "#   %s:%d:%d %s [%s] %s\n", d->v[i].file, d->v[i].line, d->v[i].column,
                d->v[i].pointer, d->v[i].code, d->v[i].en);
}

/* Writes text as rel into a fresh copy of rules-mini and loads it, expecting failure with a
 * diagnostic (code, pointer) at the position of mark in text (no position check when NULL).
 * Returns the number of diagnostics. */
static size_t expect_problem(const char *name, const char *rel, const char *text, const char *code,
                             const char *pointer, const char *mark, int skip)
{
    char dir[64];
    struct diag_list d;
    copy_mini(dir);
    write_at(dir, rel, text);
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    if (rs)
        fail_msg("%s: the broken data set loaded", name);
    const struct diag *x = find_diag(&d, rel, code, pointer);
    if (!x) {
        print_diags(&d);
        fail_msg("%s: no [%s] at %s in %s", name, code, pointer, rel);
    }
    if (mark) {
        int line, col;
        position_of(text, mark, &line, &col);
        col += skip;
        if (x->line != line || x->column != col) {
            print_diags(&d);
            fail_msg("%s: reported at %d:%d, expected %d:%d", name, x->line, x->column, line, col);
        }
    }
    assert_true(x->en[0] && x->ja[0]);
    assert_string_not_equal(x->en, x->ja);
    size_t n = d.n;
    diag_list_release(&d);
    rm_tree(dir);
    return n;
}

static void test_loader_errors(void **state)
{
    UNUSED(state);
    /* the template itself is fine */
    char dir[64];
    struct diag_list d;
    copy_mini(dir);
    write_at(dir, "rules/zz/broken.json", broken_rule);
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    if (!rs)
        print_diags(&d);
    assert_non_null(rs);
    assert_int_equal(rules_count(rs), 19);
    rules_free(rs);
    diag_list_release(&d);
    rm_tree(dir);

    for (size_t i = 0; i < ARRAY_SIZE(broken_cases); i++) {
        const struct broken *c = &broken_cases[i];
        char *text = subst(broken_rule, c->from, c->to);
        expect_problem(c->name, "rules/zz/broken.json", text, c->code, c->pointer, c->mark,
                       c->mark_skip);
        free(text);
    }
}

/* Problems that are not about one rule file: JSON syntax, recipients, calendars, time zones,
 * several problems at once, no rules at all. */
static void test_loader_errors_other(void **state)
{
    char *text;
    UNUSED(state);
    /* JSON syntax: a missing comma, reported on the line of the next member */
    text = subst(broken_rule, "\"in_force\",", "\"in_force\"");
    {
        char dir[64];
        struct diag_list d;
        int line, col;
        copy_mini(dir);
        write_at(dir, "rules/zz/broken.json", text);
        diag_list_init(&d);
        assert_null(rules_load_dir(dir, &d));
        const struct diag *x = find_diag(&d, "rules/zz/broken.json", "json_syntax", "");
        assert_non_null(x);
        position_of(text, "\"applies_when\"", &line, &col);
        assert_int_equal(x->line, line);
        assert_true(x->column >= col && x->column <= col + (int)strlen("\"applies_when\""));
        assert_non_null(strstr(x->en, "expected"));
        assert_true(x->ja[0]);
        /* the rest of the data set still loaded and reported nothing else */
        assert_int_equal(d.n, 1);
        diag_list_release(&d);
        rm_tree(dir);
    }
    free(text);

    /* business days without any calendar: only possible when the recipient is unknown (the
     * stage's calendar defaults to the recipient's) */
    text = subst(broken_rule, "\"jp-auth\"", "\"nobody\"");
    char *t2 = subst(text, "\"calendar_days\"", "\"business_days\"");
    expect_problem("business days without a calendar", "rules/zz/broken.json", t2,
                   "calendar_needed", "/rules/0/stages/0", "{\n          \"id\": \"only\"", 0);
    free(t2);
    t2 = subst(text, "\"id\": \"only\",", "\"id\": \"only\", \"roll\": \"next_business_day\",");
    expect_problem("roll without a calendar", "rules/zz/broken.json", t2, "calendar_needed",
                   "/rules/0/stages/0", "{\n          \"id\": \"only\"", 0);
    free(t2);
    free(text);

    /* several problems in one file: all of them are reported */
    text = subst(broken_rule, "\"jp-auth\"", "\"nobody\"");
    t2 = subst(text, "\"anchor\": \"aware\", ", "");
    char *t3 = subst(t2, "\"personal_data.involved", "\"personal_data.nothing");
    char dir[64];
    struct diag_list d;
    copy_mini(dir);
    write_at(dir, "rules/zz/broken.json", t3);
    diag_list_init(&d);
    assert_null(rules_load_dir(dir, &d));
    assert_non_null(find_diag(&d, "broken.json", "unknown_recipient", "/rules/0/recipient"));
    assert_non_null(find_diag(&d, "broken.json", "deadline", "/rules/0/stages/0/deadline"));
    assert_non_null(find_diag(&d, "broken.json", "condition", "/rules/0/applies_when"));
    /* printed as file:line:column: pointer [code] message */
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    diag_list_print(&d, f, false);
    fclose(f);
    assert_non_null(strstr(out, "broken.json:12:20: /rules/0/recipient [unknown_recipient] "));
    free(out);
    f = open_memstream(&out, &outlen);
    diag_list_print(&d, f, true);
    fclose(f);
    assert_non_null(strstr(out, "[unknown_recipient] data/recipients"));
    free(out);
    diag_list_release(&d);
    rm_tree(dir);
    free(text);
    free(t2);
    free(t3);

    /* recipients: an unknown calendar, a time zone the tz database does not have, a
     * duplicate id */
    static const char recips[] =
        "{\n"
        "  \"format\": \"ichigen-recipients/1\",\n"
        "  \"recipients\": [\n"
        "    {\"id\": \"zz-auth\", \"name\": {\"ja\": \"当局\", \"en\": \"Authority\"},\n"
        "     \"jurisdiction\": \"JP\", \"kind\": \"regulator\", \"timezone\": \"Asia/Tokyo\",\n"
        "     \"calendar\": \"jp-gov\",\n"
        "     \"delivery\": {\"channel\": \"inbox\", \"sections\": [\"entity\"]}}\n"
        "  ]\n"
        "}\n";
    text = subst(recips, "\"calendar\": \"jp-gov\"", "\"calendar\": \"mars-gov\"");
    expect_problem("recipient with an unknown calendar", "recipients/zz.json", text,
                   "unknown_calendar", "/recipients/0/calendar", "\"mars-gov\"", 0);
    free(text);
    text = subst(recips, "\"Asia/Tokyo\"", "\"Mars/Olympus_Mons\"");
    expect_problem("recipient with an unknown time zone", "recipients/zz.json", text, "timezone",
                   "/recipients/0/timezone", "\"Mars/Olympus_Mons\"", 0);
    free(text);
    text = subst(recips, "\"zz-auth\"", "\"jp-auth\"");
    expect_problem("duplicate recipient", "recipients/zz.json", text, "duplicate_id",
                   "/recipients/0/id", "\"jp-auth\"", 0);
    free(text);
    text = subst(recips, "\"kind\": \"regulator\"", "\"kind\": \"oracle\"");
    expect_problem("recipient kind", "recipients/zz.json", text, "enum", "/recipients/0/kind",
                   "\"oracle\"", 0);
    free(text);
    text = subst(recips, "\"channel\": \"inbox\"", "\"channel\": \"pigeon\"");
    expect_problem("delivery channel", "recipients/zz.json", text, "enum",
                   "/recipients/0/delivery/channel", "\"pigeon\"", 0);
    free(text);
    text = subst(recips, "[\"entity\"]", "[\"entity\", \"envelope\"]");
    expect_problem("delivered section", "recipients/zz.json", text, "enum",
                   "/recipients/0/delivery/sections/1", "\"envelope\"", 0);
    free(text);

    /* a calendar with a misspelt member */
    {
        char path[600];
        copy_mini(dir);
        snprintf(path, sizeof(path), "%s/calendars/weekends.json", dir);
        char *cal = unit_read_file(path, NULL);
        char *bad = subst(cal, "\"holidays\"", "\"holiday\"");
        assert_int_equal(unit_write_file(path, bad, strlen(bad)), 0);
        diag_list_init(&d);
        assert_null(rules_load_dir(dir, &d));
        bool found = false;
        for (size_t i = 0; i < d.n; i++)
            found |= strstr(d.v[i].file, "calendars/weekends.json") != NULL &&
                     !strcmp(d.v[i].pointer, "/holiday");
        if (!found)
            print_diags(&d);
        assert_true(found);
        /* its recipient's calendar is now unknown too */
        assert_non_null(
            find_diag(&d, "recipients/intl.json", "unknown_calendar", "/recipients/1/calendar"));
        diag_list_release(&d);
        free(cal);
        free(bad);
        rm_tree(dir);
    }

    /* an empty rules directory */
    assert_int_equal(unit_tmpdir(dir, "rules-empty"), 0);
    char sub[600];
    snprintf(sub, sizeof(sub), "%s/rules", dir);
    mkdir(sub, 0700);
    diag_list_init(&d);
    assert_null(rules_load_dir(dir, &d));
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].code, "no_rules");
    diag_list_release(&d);
    rm_tree(dir);
}

/* ---- citations: primary sources and further reading (issue 11 item 5) ---- */

/* The no-primary problem names the rule in both languages; a primary citation is recognised
 * whatever the case of its host and with a port; the others are listed apart as further
 * reading, each with its kind; the English article is kept. */
static void test_citation_sources(void **state)
{
    UNUSED(state);
    char dir[64], path[600];
    struct diag_list d;
    char *text = subst(broken_rule, "https://example.jp/z", "https://example.com/z");
    copy_mini(dir);
    write_at(dir, "rules/zz/broken.json", text);
    diag_list_init(&d);
    assert_null(rules_load_dir(dir, &d));
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.v[0].en, "\"t.zz.broken\""));
    assert_non_null(strstr(d.v[0].ja, "「t.zz.broken」"));
    assert_non_null(strstr(d.v[0].ja, "一次資料"));
    diag_list_release(&d);
    free(text);

    /* one primary source among blogs: accepted, and explained apart */
    text = subst(broken_rule, "\"article\": \"1\", \"url\": \"https://example.jp/z\"}]",
                 "\"article\": \"第1条\", \"article_en\": \"Art. 1\", \"url\": "
                 "\"https://blog.example.com/z\"}, {\"title\": {\"ja\": \"法\", \"en\": "
                 "\"Act\"}, \"article\": \"第2条\", \"article_en\": \"Art. 2\", \"url\": "
                 "\"https://EXAMPLE.JP:443/act#2\"}]");
    char *t2 = subst(text, "\"id\": \"only\",",
                     "\"id\": \"only\", \"citation\": {\"title\": {\"ja\": \"解説\", "
                     "\"en\": \"Commentary\"}, \"url\": \"https://example.org/c\"},");
    write_at(dir, "rules/zz/broken.json", t2);
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    if (!rs)
        print_diags(&d);
    assert_non_null(rs);
    json_t *e = rules_explain_static(rs, "t.zz.broken", "only");
    assert_non_null(e);
    assert_int_equal(json_array_size(json_object_get(e, "citations")), 1);
    assert_string_equal(jstr(e, "/citations/0/url"), "https://EXAMPLE.JP:443/act#2");
    assert_string_equal(jstr(e, "/citations/0/kind"), "primary");
    assert_string_equal(jstr(e, "/citations/0/article"), "第2条");
    assert_string_equal(jstr(e, "/citations/0/article_en"), "Art. 2");
    assert_int_equal(json_array_size(json_object_get(e, "further_reading")), 2);
    assert_string_equal(jstr(e, "/further_reading/0/url"), "https://blog.example.com/z");
    assert_string_equal(jstr(e, "/further_reading/0/kind"), "secondary");
    assert_string_equal(jstr(e, "/further_reading/1/url"), "https://example.org/c");
    assert_string_equal(jstr(e, "/further_reading/1/title/en"), "Commentary");
    json_decref(e);
    rules_free(rs);
    diag_list_release(&d);

    /* without sources.json: one problem naming the file, not one per rule */
    snprintf(path, sizeof(path), "%s/sources.json", dir);
    assert_int_equal(remove(path), 0);
    diag_list_init(&d);
    assert_null(rules_load_dir(dir, &d));
    if (d.n != 1)
        print_diags(&d);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].code, "no_sources");
    assert_non_null(strstr(d.v[0].file, "sources.json"));
    diag_list_release(&d);
    rm_tree(dir);
    free(text);
    free(t2);

    /* sources.json: a host written as a URL, and a host listed twice */
    static const char sources[] =
        "{\n"
        "  \"format\": \"ichigen-sources/1\",\n"
        "  \"domains\": [\n"
        "    {\"host\": \"example.jp\", \"name\": {\"ja\": \"試験\", \"en\": \"test\"},"
        " \"reason\": {\"ja\": \"試験用\", \"en\": \"for tests\"}},\n"
        "    {\"host\": \"https://example.us/\", \"name\": {\"ja\": \"試験\", \"en\": \"test\"},"
        " \"reason\": {\"ja\": \"試験用\", \"en\": \"for tests\"}},\n"
        "    {\"host\": \"example.jp\", \"name\": {\"ja\": \"試験\", \"en\": \"test\"},"
        " \"reason\": {\"ja\": \"試験用\", \"en\": \"for tests\"}}\n"
        "  ]\n"
        "}\n";
    expect_problem("a host written as a URL", "sources.json", sources, "host", "/domains/1/host",
                   "\"https://example.us/\"", 0);
    expect_problem("a host listed twice", "sources.json", sources, "duplicate_id",
                   "/domains/2/host",
                   "\"example.jp\", \"name\": {\"ja\": \"試験\", \"en\": \"test\"}, "
                   "\"reason\": {\"ja\": \"試験用\", \"en\": \"for tests\"}}\n  ]",
                   0);
    text =
        subst(sources,
              "\"reason\": {\"ja\": \"試験用\", \"en\": \"for tests\"}},\n    {\"host\": \"https",
              "\"reason\": {\"ja\": \"試験用\"}},\n    {\"host\": \"https");
    expect_problem("a domain without its reason in English", "sources.json", text, "required",
                   "/domains/0/reason/en", NULL, 0);
    free(text);
}

/* ---- deadline arithmetic ---- */

/* hours are exact: across midnight, and across both DST changes of America/New_York */
static void test_hours(void **state)
{
    UNUSED(state);
    /* 22:00 + 4 h in Tokyo is 02:00 the next day */
    const struct rules_result *r = assert_due_aware("2026-06-01T22:00:00+09:00", "t.jp.hours",
                                                    "report", "2026-06-01T17:00:00.000Z");
    json_t *d = doc_aware("2026-06-01T22:00:00+09:00");
    json_t *e = explain(d, "t.jp.hours", "report", ms("2026-06-01T23:00:00+09:00"));
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-06-02T02:00:00+09:00");
    assert_string_equal(jstr(e, "/deadline/timezone"), "Asia/Tokyo");
    json_decref(e);
    json_decref(d);
    /* spring forward (2026-03-08 02:00 EST → 03:00 EDT): 24 h later is 13:00 local */
    r = assert_due_aware("2026-03-07T12:00:00-05:00", "t.us.dst", "h24",
                         "2026-03-08T17:00:00.000Z");
    d = doc_aware("2026-03-07T12:00:00-05:00");
    e = explain(d, "t.us.dst", "h24", 0);
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-03-08T13:00:00-04:00");
    assert_string_equal(jstr(e, "/deadline/anchor/at"), "2026-03-07T12:00:00-05:00");
    json_decref(e);
    json_decref(d);
    /* fall back (2026-11-01 02:00 EDT → 01:00 EST): 24 h later is 11:00 local */
    r = assert_due_aware("2026-10-31T12:00:00-04:00", "t.us.dst", "h24",
                         "2026-11-01T16:00:00.000Z");
    d = doc_aware("2026-10-31T12:00:00-04:00");
    e = explain(d, "t.us.dst", "h24", 0);
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-11-01T11:00:00-05:00");
    json_decref(e);
    json_decref(d);
    assert_int_equal(r->anchor_ms, ms("2026-10-31T16:00:00Z"));
    assert_false(r->rolled);
    assert_false(r->capped);
    assert_int_equal(r->variant, -1);
    /* a day unit across DST: the end of the local day, whatever its length */
    assert_due_aware("2026-03-07T12:00:00-05:00", "t.us.dst", "d1", "2026-03-09T03:59:59.999Z");
    assert_due_aware("2026-10-31T12:00:00-04:00", "t.us.dst", "d1", "2026-11-02T04:59:59.999Z");
    /* the anchor's offset in the report does not matter, only the instant */
    assert_due_aware("2026-03-07T17:00:00Z", "t.us.dst", "d1", "2026-03-09T03:59:59.999Z");
}

/* calendar days: the anchor's own local day is not counted; the end of the N-th day, or
 * due_time, in the recipient's zone */
static void test_calendar_days(void **state)
{
    UNUSED(state);
    /* 01:00 on 21 Nov in Tokyo is still 20 Nov in UTC: the local date counts */
    assert_due_aware("2026-11-21T01:00:00+09:00", "t.jp.days", "eod", "2026-11-24T14:59:59.999Z");
    assert_due_aware("2026-11-21T01:00:00+09:00", "t.jp.days", "at10", "2026-11-24T01:00:00.000Z");
    assert_due_aware("2026-11-20T16:00:00Z", "t.jp.days", "eod", "2026-11-24T14:59:59.999Z");
    /* from the first to the last second of a day, the same deadline */
    assert_due_aware("2026-11-21T00:00:00+09:00", "t.jp.days", "eod", "2026-11-24T14:59:59.999Z");
    assert_due_aware("2026-11-21T23:59:59+09:00", "t.jp.days", "eod", "2026-11-24T14:59:59.999Z");
    /* across the year end; no calendar needed (no roll), even beyond the calendars' years */
    assert_due_aware("2026-12-30T12:00:00+09:00", "t.jp.days", "eod", "2027-01-02T14:59:59.999Z");
    assert_due_aware("2035-06-01T12:00:00+09:00", "t.jp.days", "at10", "2035-06-04T01:00:00.000Z");
    /* the local rendering ends the day at 23:59:59 */
    json_t *d = doc_aware("2026-11-21T01:00:00+09:00");
    json_t *e = explain(d, "t.jp.days", "eod", 0);
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-11-24T23:59:59+09:00");
    assert_string_equal(jstr(e, "/deadline/unit"), "calendar_days");
    assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/offset")), 3);
    json_decref(e);
    e = explain(d, "t.jp.days", "at10", 0);
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-11-24T10:00:00+09:00");
    json_decref(e);
    json_decref(d);
}

/* months: the same local date, or the last day of a shorter month (Reg. 1182/71 Art. 3(2)(c)) */
static void test_months(void **state)
{
    UNUSED(state);
    assert_due_aware("2027-01-31T10:00:00+09:00", "t.jp.months", "m1", "2027-02-28T14:59:59.999Z");
    assert_due_aware("2028-01-31T10:00:00+09:00", "t.jp.months", "m1", "2028-02-29T14:59:59.999Z");
    assert_due_aware("2028-01-31T10:00:00+09:00", "t.jp.months", "m1_0900",
                     "2028-02-29T00:00:00.000Z");
    assert_due_aware("2026-03-31T10:00:00+09:00", "t.jp.months", "m1", "2026-04-30T14:59:59.999Z");
    assert_due_aware("2026-12-15T10:00:00+09:00", "t.jp.months", "m1", "2027-01-15T14:59:59.999Z");
    assert_due_aware("2026-04-30T10:00:00+09:00", "t.jp.months", "m1", "2026-05-30T14:59:59.999Z");
    /* 31 January in Tokyo is 30 January in UTC: the local date counts */
    assert_due_aware("2027-01-31T05:00:00+09:00", "t.jp.months", "m1", "2027-02-28T14:59:59.999Z");
}

/* business days on us-federal (SEC Form 8-K: 4 business days, here due 17:30 ET) */
static void test_business_days(void **state)
{
    json_t *d = json_object();
    UNUSED(state);
    put_s(d, "/classification/regime_flags/sec_material", "yes");
    /* Friday before Labor Day (Monday 7 Sep 2026): Tue, Wed, Thu, Fri */
    put_s(d, "/times/materiality_determined_at", "2026-09-04T15:00:00-04:00");
    assert_due(d, "t.us.sec", "form8k", "2026-09-11T21:30:00.000Z");
    /* Saturday: counting starts on, and includes, Monday 9 March → Thursday 12 March, 17:30 EDT */
    put_s(d, "/times/materiality_determined_at", "2026-03-07T10:00:00-05:00");
    assert_due(d, "t.us.sec", "form8k", "2026-03-12T21:30:00.000Z");
    put_s(d, "/times/materiality_determined_at", "2026-03-08T10:00:00-04:00"); /* Sunday */
    assert_due(d, "t.us.sec", "form8k", "2026-03-12T21:30:00.000Z");
    put_s(d, "/times/materiality_determined_at", "2026-03-06T10:00:00-05:00"); /* Friday */
    assert_due(d, "t.us.sec", "form8k", "2026-03-12T21:30:00.000Z");
    /* Thursday 22:00 in New York is already Friday in UTC: New York's date counts */
    put_s(d, "/times/materiality_determined_at", "2026-03-05T22:00:00-05:00");
    assert_due(d, "t.us.sec", "form8k", "2026-03-11T21:30:00.000Z");
    /* Thanksgiving (Thu 26 Nov): Wed → Fri, Mon, Tue, Wed; 17:30 EST */
    put_s(d, "/times/materiality_determined_at", "2026-11-25T09:00:00-05:00");
    json_t *e = explain(d, "t.us.sec", "form8k", 0);
    assert_string_equal(jstr(e, "/deadline/due_at"), "2026-12-02T22:30:00.000Z");
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-12-02T17:30:00-05:00");
    assert_string_equal(jstr(e, "/deadline/calendar/id"), "us-federal");
    assert_string_equal(jstr(e, "/deadline/anchor/name"), "materiality_determined");
    assert_string_equal(jstr(e, "/deadline/anchor/field"), "/times/materiality_determined_at");
    json_decref(e);
    /* no materiality determination yet */
    put(d, "/times/materiality_determined_at", NULL);
    assert_state(d, "t.us.sec", "form8k", DUE_ANCHOR_MISSING);
    json_decref(d);
}

static void test_rolls(void **state)
{
    UNUSED(state);
    /* jp-gov, Golden Week 2026: 29 Apr + 3 days = Sat 2 May; 3–6 May are holidays → Thu 7 May */
    const struct rules_result *r = assert_due_aware("2026-04-29T10:00:00+09:00", "t.jp.roll",
                                                    "days", "2026-05-07T14:59:59.999Z");
    assert_true(r->rolled);
    r = assert_due_aware("2026-05-01T10:00:00+09:00", "t.jp.roll", "days",
                         "2026-05-07T14:59:59.999Z"); /* Mon 4 May, Greenery Day */
    assert_true(r->rolled);
    /* the year-end closure 12/29–1/3: 27 Dec + 3 = 30 Dec → Mon 4 Jan 2027 */
    r = assert_due_aware("2026-12-27T10:00:00+09:00", "t.jp.roll", "days",
                         "2027-01-04T14:59:59.999Z");
    assert_true(r->rolled);
    /* an ordinary Thursday stays */
    r = assert_due_aware("2026-06-01T10:00:00+09:00", "t.jp.roll", "days",
                         "2026-06-04T14:59:59.999Z");
    assert_false(r->rolled);
    /* hours keep the time of day: Thu 30 Apr 09:15:30 + 72 h = Sun 3 May → Thu 7 May 09:15:30 */
    r = assert_due_aware("2026-04-30T09:15:30+09:00", "t.jp.roll", "hours",
                         "2026-05-07T00:15:30.000Z");
    assert_true(r->rolled);
    json_t *d = doc_aware("2026-04-29T10:00:00+09:00");
    json_t *e = explain(d, "t.jp.roll", "days", 0);
    assert_string_equal(jstr(e, "/deadline/roll"), "next_business_day");
    assert_true(json_is_true(jsonx_ptr_get(e, "/deadline/rolled")));
    assert_string_equal(jstr(e, "/deadline/calendar/id"), "jp-gov");
    assert_string_equal(jstr(e, "/deadline/calendar/version"), "2026-11-22");
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "moved off a non-working day"));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/ja"), "繰り延べ"));
    json_decref(e);
    json_decref(d);
    /* next_business_day_noon (weekends, Brussels): Fri 10:00 + 24 h = Sat → Mon 12:00 */
    r = assert_due_aware("2026-06-05T10:00:00+02:00", "t.eu.noon", "noon",
                         "2026-06-08T10:00:00.000Z");
    assert_true(r->rolled);
    d = doc_aware("2026-06-05T10:00:00+02:00");
    e = explain(d, "t.eu.noon", "noon", 0);
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-06-08T12:00:00+02:00");
    assert_string_equal(jstr(e, "/deadline/roll"), "next_business_day_noon");
    json_decref(e);
    json_decref(d);
    /* Mon 10:00 + 24 h is a Tuesday: no roll, no noon */
    r = assert_due_aware("2026-06-01T10:00:00+02:00", "t.eu.noon", "noon",
                         "2026-06-02T08:00:00.000Z");
    assert_false(r->rolled);
}

/* DORA-style cap: 4 h after classification, no later than 24 h after awareness — unless the
 * classification came after those 24 h */
static void test_cap(void **state)
{
    json_t *d = doc_aware("2026-06-01T08:00:00Z");
    UNUSED(state);
    put_s(d, "/classification/regime_flags/dora_major", "yes");
    /* classified early: 4 h after it comes first */
    put_s(d, "/times/classified_major_at", "2026-06-01T22:00:00Z");
    const struct rules_result *r =
        assert_due(d, "t.eu.dora", "initial", "2026-06-02T02:00:00.000Z");
    assert_false(r->capped);
    /* classified 22 h after awareness: the cap (24 h after awareness) is earlier */
    put_s(d, "/times/classified_major_at", "2026-06-02T06:00:00Z");
    r = assert_due(d, "t.eu.dora", "initial", "2026-06-02T08:00:00.000Z");
    assert_true(r->capped);
    assert_int_equal(r->anchor_ms, ms("2026-06-02T06:00:00Z"));
    json_t *e = rules_explain(RS, r, d, 0, DAY);
    assert_string_equal(jstr(e, "/deadline/cap/anchor"), "aware");
    assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/cap/offset")), 24);
    assert_string_equal(jstr(e, "/deadline/cap/unit"), "hours");
    assert_true(json_is_true(jsonx_ptr_get(e, "/deadline/cap/applied")));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "capped"));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/ja"), "上限"));
    json_decref(e);
    /* classified after the 24 h: the cap had passed, it is ignored */
    put_s(d, "/times/classified_major_at", "2026-06-02T09:00:00Z");
    r = assert_due(d, "t.eu.dora", "initial", "2026-06-02T13:00:00.000Z");
    assert_false(r->capped);
    e = rules_explain(RS, r, d, 0, DAY);
    assert_true(json_is_false(jsonx_ptr_get(e, "/deadline/cap/applied")));
    json_decref(e);
    /* no awareness time: no cap to apply */
    put(d, "/times/aware_at", NULL);
    put_s(d, "/times/classified_major_at", "2026-06-02T06:00:00Z");
    r = assert_due(d, "t.eu.dora", "initial", "2026-06-02T10:00:00.000Z");
    assert_false(r->capped);
    /* not classified yet */
    put(d, "/times/classified_major_at", NULL);
    put_s(d, "/times/aware_at", "2026-06-01T08:00:00Z");
    assert_state(d, "t.eu.dora", "initial", DUE_ANCHOR_MISSING);
    json_decref(d);
}

/* variants: the first whose condition holds replaces offset and unit */
static void test_variants(void **state)
{
    static const struct {
        int count, variant;
        const char *due;
    } v[] = {
        {5000, 0, "2026-07-11T14:59:59.999Z"}, /* > 1000 and > 100 and > 10: the first wins */
        {500, 1, "2026-07-21T14:59:59.999Z"},
        {50, 2, "2026-08-01T14:59:59.999Z"}, /* one month */
        {5, -1, "2026-07-31T14:59:59.999Z"}, /* the default, 30 days */
    };
    json_t *d = doc_aware("2026-07-01T10:00:00+09:00");
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
        put(d, "/personal_data/individuals_count", json_integer(v[i].count));
        const struct rules_result *r = assert_due(d, "t.jp.variants", "notice", v[i].due);
        assert_int_equal(r->variant, v[i].variant);
        json_t *e = rules_explain(RS, r, d, 0, DAY);
        json_t *var = jsonx_ptr_get(e, "/deadline/variant");
        if (v[i].variant < 0) {
            assert_true(json_is_null(var));
            assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/offset")), 30);
        } else {
            assert_int_equal(json_integer_value(json_object_get(var, "index")), v[i].variant);
        }
        assert_int_equal(json_array_size(jsonx_ptr_get(e, "/deadline_variants")), 3);
        json_decref(e);
    }
    json_t *e = rules_explain(RS, find("t.jp.variants", "notice"), d, 0, DAY);
    assert_string_equal(jstr(e, "/deadline_variants/0/condition"),
                        "personal_data.individuals_count > 1000");
    assert_string_equal(jstr(e, "/deadline_variants/2/reason/en"), "more than 10");
    json_decref(e);
    /* the PPC-style 確報: 60 days (offset 59) for an unlawful purpose, else 30 (offset 29) */
    json_decref(d);
    d = doc_aware("2026-11-20T08:40:00+09:00");
    put_s(d, "/times/personal_data_aware_at", "2026-11-21T15:00:00+09:00");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    const struct rules_result *r = assert_due(d, "t.jp.ppc", "final", "2027-01-19T14:59:59.999Z");
    assert_int_equal(r->variant, 0);
    e = rules_explain(RS, r, d, 0, DAY);
    assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/offset")), 59);
    assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/variant/offset")), 59);
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "59 calendar_days"));
    json_decref(e);
    put_s(d, "/personal_data/unlawful_purpose", "no");
    put(d, "/personal_data/individuals_count", json_integer(5000));
    r = assert_due(d, "t.jp.ppc", "final", "2026-12-20T14:59:59.999Z");
    assert_int_equal(r->variant, -1);
    json_decref(d);
}

/* ---- anchors ---- */

static void test_anchors(void **state)
{
    json_t *d;
    const struct rules_result *r;
    UNUSED(state);
    /* aware: the regime's own awareness time first, else aware_at */
    d = doc_aware("2026-06-01T08:00:00Z");
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"DO\", \"aware_at\": \"2026-06-01T09:00:00Z\"},"
              " {\"regime\": \"GD\", \"aware_at\": \"2026-06-02T10:00:00Z\"}]"));
    r = assert_due(d, "t.eu.gdpr", "notify", "2026-06-05T10:00:00.000Z");
    assert_string_equal(r->anchor_source, "/times/regime_awareness/-/aware_at");
    assert_int_equal(r->anchor_ms, ms("2026-06-02T10:00:00Z"));
    /* … and the other regime's entry serves that regime's rules */
    r = assert_due(d, "t.eu.noon", "noon", "2026-06-02T09:00:00.000Z"); /* DO: Tue 11:00 CEST */
    assert_string_equal(r->anchor_source, "/times/regime_awareness/-/aware_at");
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"DO\", \"aware_at\": \"2026-06-01T09:00:00Z\"}]"));
    r = assert_due(d, "t.eu.gdpr", "notify", "2026-06-04T08:00:00.000Z");
    assert_string_equal(r->anchor_source, "/times/aware_at");
    /* an entry without a usable time does not count */
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"GD\", \"aware_at\": \"yesterday\"}, {\"regime\": \"GD\"}]"));
    r = assert_due(d, "t.eu.gdpr", "notify", "2026-06-04T08:00:00.000Z");
    assert_string_equal(r->anchor_source, "/times/aware_at");
    /* only the regime's entry: still found without aware_at */
    put(d, "/times/aware_at", NULL);
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"GD\", \"aware_at\": \"2026-06-02T10:00:00Z\"}]"));
    assert_due(d, "t.eu.gdpr", "notify", "2026-06-05T10:00:00.000Z");
    json_decref(d);

    /* personal_data_aware: the regime's awareness, else personal_data_aware_at, else aware_at */
    d = doc_aware("2026-11-20T08:40:00+09:00");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    put_s(d, "/times/personal_data_aware_at", "2026-11-21T15:00:00+09:00");
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"GD\", \"aware_at\": \"2026-11-19T00:00:00Z\"},"
              " {\"regime\": \"PPC\", \"aware_at\": \"2026-11-22T09:00:00+09:00\"}]"));
    r = assert_due(d, "t.jp.ppc", "preliminary", "2026-11-26T14:59:59.999Z");
    assert_string_equal(r->anchor_source, "/times/regime_awareness/-/aware_at");
    put(d, "/times/regime_awareness", NULL);
    r = assert_due(d, "t.jp.ppc", "preliminary", "2026-11-25T14:59:59.999Z");
    assert_string_equal(r->anchor_source, "/times/personal_data_aware_at");
    put(d, "/times/personal_data_aware_at", NULL);
    r = assert_due(d, "t.jp.ppc", "preliminary", "2026-11-24T14:59:59.999Z");
    assert_string_equal(r->anchor_source, "/times/aware_at");
    put(d, "/times/aware_at", NULL);
    assert_state(d, "t.jp.ppc", "preliminary", DUE_ANCHOR_MISSING);
    r = find("t.jp.ppc", "preliminary");
    assert_int_equal(r->anchor_ms, 0);
    assert_null(r->anchor_source);
    json_decref(d);

    /* aware_year_end: 00:00 on 1 January after the awareness year, in the recipient's zone.
     * 23:30 on 31 Dec in New York is already 2027 in UTC: the year is 2026. */
    r = assert_due_aware("2026-12-31T23:30:00-05:00", "t.us.yearend", "annual",
                         "2027-03-03T04:59:59.999Z"); /* 1 Jan + 60 days = 2 Mar, EST */
    assert_int_equal(r->anchor_ms, ms("2027-01-01T00:00:00-05:00"));
    d = doc_aware("2026-12-31T23:30:00-05:00");
    json_t *e = explain(d, "t.us.yearend", "annual", 0);
    assert_string_equal(jstr(e, "/deadline/anchor/name"), "aware_year_end");
    assert_string_equal(jstr(e, "/deadline/anchor/at"), "2027-01-01T00:00:00-05:00");
    assert_string_equal(jstr(e, "/deadline/anchor/field"), "/times/aware_at");
    json_decref(e);
    json_decref(d);
    r = assert_due_aware("2027-01-01T06:00:00Z", "t.us.yearend", "annual",
                         "2028-03-02T04:59:59.999Z"); /* 2028 is a leap year: 1 Mar */
    assert_int_equal(r->anchor_ms, ms("2028-01-01T00:00:00-05:00"));

    /* previous_stage: not yet determined; kind none: no deadline; a missing anchor */
    d = doc_aware("2026-06-01T10:00:00+09:00");
    assert_due(d, "t.jp.previous", "initial", "2026-06-02T01:00:00.000Z");
    assert_state(d, "t.jp.previous", "followup", DUE_AWAITING_PREVIOUS);
    assert_state(d, "t.jp.previous", "ondemand", DUE_NO_DEADLINE);
    /* once the previous stage is submitted, its submission is the anchor; another rule's or
     * the stage's own submission is not */
    const struct rules_stage_time other[] = {
        {"t.jp.hours", "initial", ms("2026-06-03T15:30:00+09:00")},
        {"t.jp.previous", "followup", ms("2026-06-03T15:30:00+09:00")}};
    EV.times = other;
    EV.ntimes = 2;
    assert_state(d, "t.jp.previous", "followup", DUE_AWAITING_PREVIOUS);
    const struct rules_stage_time sent[] = {
        {"t.jp.previous", "initial", ms("2026-06-03T15:30:00+09:00")}};
    EV.times = sent;
    EV.ntimes = 1;
    r = assert_due(d, "t.jp.previous", "followup", "2026-07-03T14:59:59.999Z");
    assert_int_equal(r->anchor_ms, ms("2026-06-03T15:30:00+09:00"));
    assert_string_equal(r->anchor_source, "previous_stage");
    assert_due(d, "t.jp.previous", "initial", "2026-06-02T01:00:00.000Z"); /* unchanged */
    e = explain(d, "t.jp.previous", "followup", 0);
    assert_string_equal(jstr(e, "/deadline/state"), "set");
    assert_string_equal(jstr(e, "/deadline/anchor/name"), "previous_stage");
    assert_string_equal(jstr(e, "/deadline/anchor/field"), "previous_stage");
    json_decref(e);
    EV.times = NULL;
    EV.ntimes = 0;
    assert_state(d, "t.jp.missing", "after_containment", DUE_ANCHOR_MISSING);
    put_s(d, "/times/contained_at", "2026-06-03T10:00:00+09:00");
    assert_due(d, "t.jp.missing", "after_containment", "2026-06-08T14:59:59.999Z");
    put_s(d, "/times/contained_at", "not a time");
    assert_state(d, "t.jp.missing", "after_containment", DUE_ANCHOR_MISSING);
    json_decref(d);

    /* dates outside the calendar's years (2020–2030) are an error, never a guess */
    d = doc_aware("2030-12-27T10:00:00-05:00"); /* Fri; Mon 30, Tue 31, then 2031 */
    assert_state(d, "t.us.gap", "bd", DUE_CALENDAR_GAP);
    put_s(d, "/times/aware_at", "2031-02-03T10:00:00-05:00");
    assert_state(d, "t.us.gap", "bd", DUE_CALENDAR_GAP);
    put_s(d, "/times/aware_at", "2019-06-03T10:00:00-04:00");
    assert_state(d, "t.us.gap", "bd", DUE_CALENDAR_GAP);
    /* Fri 20 Dec: Mon 23, Tue 24, (Christmas), Thu 26, Fri 27, Mon 30 — still inside */
    put_s(d, "/times/aware_at", "2030-12-20T10:00:00-05:00");
    assert_due(d, "t.us.gap", "bd", "2030-12-31T04:59:59.999Z");
    /* a roll that would need 2031 */
    put_s(d, "/times/aware_at", "2030-12-29T10:00:00+09:00");
    assert_state(d, "t.jp.roll", "days", DUE_CALENDAR_GAP);
    e = explain(d, "t.jp.roll", "days", 0);
    assert_string_equal(jstr(e, "/deadline/state"), "calendar_gap");
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/due_at")));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "calendar does not cover"));
    json_decref(e);
    json_decref(d);
}

/* valid_from (inclusive) / valid_until (exclusive) against the awareness time. Only instants
 * on the same side of both boundaries in UTC and in Japan are used: the spec says "UTC date",
 * tests/unit/test_obligations.c treats that as a known issue (a Japanese law in force from a
 * date applies from 00:00 JST), so the hours between the two readings are not pinned here. */
static void test_validity(void **state)
{
    static const struct {
        const char *aware;
        bool applies;
    } v[] = {
        {"2026-01-15T12:00:00Z", false},     {"2026-03-31T14:59:59Z", false}, /* 23:59:59 JST */
        {"2026-04-01T00:00:00Z", true}, /* the first instant of the UTC date */
        {"2026-07-01T12:00:00+09:00", true}, {"2026-12-31T14:59:59Z", true}, /* 23:59:59 JST */
        {"2027-01-01T00:00:00Z", false}, /* valid_until is exclusive */
        {"2027-06-01T00:00:00Z", false},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
        json_t *d = doc_aware(v[i].aware);
        if (applies(d, "t.jp.validity", "report") != v[i].applies)
            fail_msg("aware %s: applies should be %d", v[i].aware, v[i].applies);
        json_decref(d);
    }
    /* no awareness time at all: the rule is not hidden (its deadline waits for the anchor) */
    json_t *d = json_object();
    put_s(d, "/times/occurred_at", "2020-01-01T00:00:00Z");
    assert_true(applies(d, "t.jp.validity", "report"));
    assert_state(d, "t.jp.validity", "report", DUE_ANCHOR_MISSING);
    /* the regime's own awareness time decides, as for the deadline */
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"NCO\", \"aware_at\": \"2026-02-01T00:00:00Z\"}]"));
    put_s(d, "/times/aware_at", "2026-05-01T00:00:00Z");
    assert_false(applies(d, "t.jp.validity", "report"));
    put(d, "/times/regime_awareness",
        parse("[{\"regime\": \"NCO\", \"aware_at\": \"2026-05-01T00:00:00Z\"}]"));
    put_s(d, "/times/aware_at", "2026-02-01T00:00:00Z");
    assert_true(applies(d, "t.jp.validity", "report"));
    json_decref(d);
}

/* a stage's own condition */
static void test_stage_conditions(void **state)
{
    json_t *d = doc_aware("2026-06-01T10:00:00+09:00");
    UNUSED(state);
    put(d, "/classification/categories", parse("[\"ransomware\"]"));
    eval(d);
    assert_false(find("t.jp.when", "multi")->applies);
    assert_true(find("t.jp.when", "ransom")->applies);
    put(d, "/classification/categories", parse("[\"ddos\", \"phishing\"]"));
    eval(d);
    assert_true(find("t.jp.when", "multi")->applies);
    assert_false(find("t.jp.when", "ransom")->applies);
    json_t *e = rules_explain(RS, find("t.jp.when", "ransom"), d, 0, DAY);
    assert_true(json_is_false(json_object_get(e, "applies")));
    assert_string_equal(jstr(e, "/status"), "not_applicable");
    assert_true(json_is_null(json_object_get(e, "deadline")));
    assert_string_equal(jstr(e, "/conditions/stage_condition"),
                        "contains(classification.categories, \"ransomware\")");
    json_t *want = parse("{\"classification.categories\": [\"ddos\", \"phishing\"]}");
    assert_true(json_equal(jsonx_ptr_get(e, "/why/stage_facts"), want));
    json_decref(want);
    json_decref(e);
    /* the rule's own condition fails: no stage applies, whatever its condition */
    put(d, "/classification/categories", parse("[]"));
    eval(d);
    assert_false(find("t.jp.when", "multi")->applies);
    assert_false(find("t.jp.when", "ransom")->applies);
    json_decref(d);
}

/* ---- statuses ---- */

static void test_statuses(void **state)
{
    json_t *d = doc_aware("2026-06-01T10:00:00+09:00");
    UNUSED(state);
    put_s(d, "/classification/suspected_malicious", "yes");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    eval(d);
    const struct rules_result *r = find("t.jp.hours", "report"); /* legal, due 14:00 JST */
    int64_t due = ms("2026-06-01T14:00:00+09:00");
    assert_int_equal(r->due_ms, due);
    assert_int_equal(rules_result_status(r, due - 2 * DAY, DAY), ST_PENDING);
    assert_int_equal(rules_result_status(r, due - DAY - 1, DAY), ST_PENDING);
    assert_int_equal(rules_result_status(r, due - DAY, DAY), ST_DUE_SOON);
    assert_int_equal(rules_result_status(r, due - HOUR, DAY), ST_DUE_SOON);
    assert_int_equal(rules_result_status(r, due, DAY), ST_DUE_SOON);
    assert_int_equal(rules_result_status(r, due + 1, DAY), ST_OVERDUE);
    assert_string_equal(rules_status_name(ST_OVERDUE), "overdue");
    assert_string_equal(rules_status_name(ST_DUE_SOON), "due_soon");
    assert_string_equal(rules_status_name(ST_PENDING), "pending");
    /* a target that has passed is not an overdue legal deadline */
    r = find("t.jp.ppc", "preliminary");
    assert_int_equal(rules_result_status(r, r->due_ms + 1, DAY), ST_TARGET_PASSED);
    assert_int_equal(rules_result_status(r, r->due_ms - HOUR, DAY), ST_DUE_SOON);
    /* a voluntary channel is recommended, never overdue */
    r = find("t.jp.voluntary", "consult");
    assert_true(r->applies);
    assert_int_equal(rules_result_status(r, r->due_ms - 10 * DAY, DAY), ST_RECOMMENDED);
    assert_int_equal(rules_result_status(r, r->due_ms + 100 * DAY, DAY), ST_RECOMMENDED);
    assert_string_equal(rules_status_name(ST_RECOMMENDED), "recommended");
    /* no deadline yet, or none at all: pending */
    assert_int_equal(rules_result_status(find("t.jp.previous", "followup"), due + 100 * DAY, DAY),
                     ST_PENDING);
    assert_int_equal(rules_result_status(find("t.jp.previous", "ondemand"), due + 100 * DAY, DAY),
                     ST_PENDING);
    assert_int_equal(rules_result_status(find("t.jp.missing", "after_containment"), due, DAY),
                     ST_PENDING);
    /* not applicable */
    assert_int_equal(rules_result_status(find("t.us.sec", "form8k"), due, DAY), ST_NOT_APPLICABLE);
    assert_string_equal(rules_status_name(ST_NOT_APPLICABLE), "not_applicable");
    /* stored rows: the same, plus withdrawn */
    assert_int_equal(rules_row_status(true, true, true, DUE_SET, due, due + 1, DAY), ST_WITHDRAWN);
    assert_int_equal(rules_row_status(false, true, true, DUE_SET, due, due + 1, DAY), ST_OVERDUE);
    assert_int_equal(rules_row_status(false, true, false, DUE_SET, due, due + 1, DAY),
                     ST_TARGET_PASSED);
    assert_int_equal(rules_row_status(false, false, true, DUE_SET, due, due + 1, DAY),
                     ST_RECOMMENDED);
    assert_int_equal(rules_row_status(false, true, true, DUE_SET, due, due - HOUR, DAY),
                     ST_DUE_SOON);
    assert_int_equal(rules_row_status(false, true, true, DUE_ANCHOR_MISSING, 0, due, DAY),
                     ST_PENDING);
    assert_string_equal(rules_status_name(ST_WITHDRAWN), "withdrawn");
    /* the explanation carries the status at the given now */
    json_t *e = explain(d, "t.jp.hours", "report", due + 1);
    assert_string_equal(jstr(e, "/status"), "overdue");
    json_decref(e);
    e = explain(d, "t.jp.hours", "report", due - 2 * DAY);
    assert_string_equal(jstr(e, "/status"), "pending");
    json_decref(e);
    e = explain(d, "t.jp.voluntary", "consult", due + 100 * DAY);
    assert_string_equal(jstr(e, "/status"), "recommended");
    assert_true(json_is_false(json_object_get(e, "mandatory")));
    json_decref(e);
    json_decref(d);
}

/* Issue 11 item 4: a rule that is not in force (t.jp.previous is "proposed", t.jp.validity
 * "pending_ordinance") never makes an overdue obligation. Hand-computed: aware 2026-06-01 10:00
 * JST; t.jp.previous "initial" is legal, 24 hours after aware → due 2026-06-02 10:00 JST; an
 * hour after it, "proposed_deadline_passed"; an hour before it, still due soon (and marked). */
static void test_statuses_not_in_force(void **state)
{
    json_t *d = doc_aware("2026-06-01T10:00:00+09:00");
    UNUSED(state);
    eval(d);
    const struct rules_result *r = find("t.jp.previous", "initial");
    int64_t due = ms("2026-06-02T10:00:00+09:00");
    assert_true(r->applies);
    assert_int_equal(r->due_ms, due);
    assert_false(rules_in_force(r->rule));
    assert_string_equal(rules_rule_status(r->rule), "proposed");
    assert_string_equal(rules_rule_status_text(r->rule, false), "proposed rule, not in force");
    assert_string_equal(rules_rule_status_text(r->rule, true), "案（未施行）");
    assert_int_equal(rules_result_status(r, due + HOUR, DAY), ST_PROPOSED_PASSED);
    assert_int_equal(rules_result_status(r, due + 1000 * DAY, DAY), ST_PROPOSED_PASSED);
    assert_int_equal(rules_result_status(r, due - HOUR, DAY), ST_DUE_SOON);
    assert_int_equal(rules_result_status(r, due - 2 * DAY, DAY), ST_PENDING);
    assert_string_equal(rules_status_name(ST_PROPOSED_PASSED), "proposed_deadline_passed");
    /* a stored row of it: overdue and target_passed both become proposed_deadline_passed */
    assert_int_equal(rules_status_for_rule(
                         r->rule, rules_row_status(false, true, true, DUE_SET, due, due + 1, DAY)),
                     ST_PROPOSED_PASSED);
    assert_int_equal(rules_status_for_rule(
                         r->rule, rules_row_status(false, true, false, DUE_SET, due, due + 1, DAY)),
                     ST_PROPOSED_PASSED);
    assert_int_equal(rules_status_for_rule(r->rule, ST_WITHDRAWN), ST_WITHDRAWN);
    /* the law awaiting its ordinance: 1 calendar day after aware, end of 2026-06-02 JST */
    const struct rules_result *v = find("t.jp.validity", "report");
    assert_true(v->applies);
    assert_false(rules_in_force(v->rule));
    assert_string_equal(rules_rule_status(v->rule), "pending_ordinance");
    assert_int_equal(rules_result_status(v, v->due_ms + 1, DAY), ST_PROPOSED_PASSED);
    /* a rule in force in the same report is overdue as before; NULL (left the set) counts
     * as in force */
    const struct rules_result *h = find("t.jp.hours", "report");
    assert_true(h->applies);
    assert_true(rules_in_force(h->rule));
    assert_int_equal(rules_result_status(h, h->due_ms + 1, DAY), ST_OVERDUE);
    assert_true(rules_in_force(NULL));
    assert_null(rules_rule_status_text(NULL, false));
    assert_int_equal(rules_status_for_rule(NULL, ST_OVERDUE), ST_OVERDUE);
    /* the explanation marks it in words */
    json_t *e = explain(d, "t.jp.previous", "initial", due + HOUR);
    assert_string_equal(jstr(e, "/status"), "proposed_deadline_passed");
    assert_string_equal(jstr(e, "/rule_status"), "proposed");
    assert_true(json_is_false(json_object_get(e, "in_force")));
    assert_string_equal(jstr(e, "/rule_status_text/en"), "proposed rule, not in force");
    assert_string_equal(jstr(e, "/rule_status_text/ja"), "案（未施行）");
    json_decref(e);
    json_decref(d);
}

/* ---- explanations ---- */

static void test_explain(void **state)
{
    json_t *d = doc_aware("2026-11-20T08:40:00+09:00");
    UNUSED(state);
    put_s(d, "/times/personal_data_aware_at", "2026-11-21T15:00:00+09:00");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    put_s(d, "/entity/name_ja", "株式会社試験");
    put(d, "/threat/indicators", parse("[{\"type\": \"ipv4\"}, {\"value\": \"203.0.113.9\"}]"));
    json_t *e = explain(d, "t.jp.ppc", "preliminary", ms("2026-11-22T09:00:00+09:00"));
    assert_string_equal(jstr(e, "/rule_id"), "t.jp.ppc");
    assert_string_equal(jstr(e, "/stage/id"), "preliminary");
    assert_string_equal(jstr(e, "/stage/name/ja"), "速報");
    assert_string_equal(jstr(e, "/stage/name/en"), "preliminary report");
    assert_string_equal(jstr(e, "/regime"), "PPC");
    assert_string_equal(jstr(e, "/jurisdiction"), "JP");
    assert_string_equal(jstr(e, "/rule_status"), "in_force");
    assert_string_equal(jstr(e, "/title/en"), "Personal-data leak (test)");
    assert_string_equal(jstr(e, "/recipient/id"), "jp-auth");
    assert_string_equal(jstr(e, "/recipient/name/ja"), "試験当局（日本）");
    assert_string_equal(jstr(e, "/recipient/kind"), "regulator");
    assert_string_equal(jstr(e, "/recipient/timezone"), "Asia/Tokyo");
    assert_string_equal(jstr(e, "/status"), "pending");
    assert_true(json_is_true(json_object_get(e, "applies")));
    assert_true(json_is_true(json_object_get(e, "mandatory")));
    /* the deadline: kind, anchor (name, field, value), local time with its offset, calendar */
    assert_string_equal(jstr(e, "/deadline/kind"), "target");
    assert_string_equal(jstr(e, "/deadline/state"), "set");
    assert_string_equal(jstr(e, "/deadline/due_at"), "2026-11-25T14:59:59.999Z");
    assert_string_equal(jstr(e, "/deadline/due_local"), "2026-11-25T23:59:59+09:00");
    assert_string_equal(jstr(e, "/deadline/anchor/name"), "personal_data_aware");
    assert_string_equal(jstr(e, "/deadline/anchor/field"), "/times/personal_data_aware_at");
    assert_string_equal(jstr(e, "/deadline/anchor/at"), "2026-11-21T15:00:00+09:00");
    assert_string_equal(jstr(e, "/deadline/unit"), "calendar_days");
    assert_string_equal(jstr(e, "/deadline/roll"), "none");
    assert_true(json_is_false(jsonx_ptr_get(e, "/deadline/rolled")));
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/variant")));
    assert_null(jsonx_ptr_get(e, "/deadline/cap"));
    assert_string_equal(jstr(e, "/deadline/calendar/id"), "jp-gov");
    assert_string_equal(jstr(e, "/deadline/calendar/version"), "2026-11-22");
    assert_string_equal(jstr(e, "/deadline/explanation/en"),
                        "4 calendar_days after personal_data_aware (2026-11-21T15:00:00+09:00), "
                        "due 2026-11-25T23:59:59+09:00 (Asia/Tokyo).");
    assert_non_null(strstr(jstr(e, "/deadline/explanation/ja"), "2026-11-25T23:59:59+09:00"));
    /* citations: the rule's, then the stage's own */
    json_t *cits = json_object_get(e, "citations");
    assert_int_equal(json_array_size(cits), 3);
    assert_string_equal(jstr(e, "/citations/0/article"), "第26条");
    assert_string_equal(jstr(e, "/citations/2/article"), "第8条第1項");
    assert_string_equal(jstr(e, "/citations/2/url"), "https://example.jp/rules#8-1");
    assert_string_equal(jstr(e, "/citations/1/title/en"), "Test Rules");
    /* verification markers: the rule's and the recipient's */
    assert_int_equal(json_array_size(json_object_get(e, "verification")), 2);
    assert_string_equal(jstr(e, "/verification/0/marker"), "VERIFY");
    assert_string_equal(jstr(e, "/verification/1/marker"), "UNCONFIRMED");
    assert_string_equal(jstr(e, "/verification/1/note/en"), "Office hours are unconfirmed.");
    assert_string_equal(jstr(e, "/notes/ja"), "試験用の注記です。");
    /* why: the condition and the facts it read (short-circuited: the count was not needed) */
    assert_string_equal(jstr(e, "/conditions/condition"),
                        "personal_data.involved == \"yes\" and (personal_data.unlawful_purpose"
                        " == \"yes\" or personal_data.individuals_count > 1000)");
    json_t *want = parse("{\"personal_data.involved\": \"yes\","
                         " \"personal_data.unlawful_purpose\": \"yes\"}");
    assert_true(json_equal(jsonx_ptr_get(e, "/why/facts"), want));
    json_decref(want);
    /* required fields, and which are missing (an indicator has a value: present) */
    want = parse("[\"/entity/name_ja\", \"/personal_data/individuals_count\","
                 " \"/threat/indicators/-/value\"]");
    assert_true(json_equal(json_object_get(e, "required_fields"), want));
    json_decref(want);
    want = parse("[\"/personal_data/individuals_count\"]");
    assert_true(json_equal(json_object_get(e, "missing_fields"), want));
    json_decref(want);
    const char *src = jstr(e, "/source_file");
    assert_non_null(strstr(src, "rules/jp/mini-jp.json"));
    json_decref(e);

    /* the final stage: the variant with its reason */
    e = explain(d, "t.jp.ppc", "final", 0);
    assert_string_equal(jstr(e, "/deadline/kind"), "legal");
    assert_int_equal(json_integer_value(jsonx_ptr_get(e, "/deadline/variant/index")), 0);
    assert_string_equal(jstr(e, "/deadline_variants/0/reason/ja"), "不正の目的のおそれ（60日）");
    assert_int_equal(json_array_size(json_object_get(e, "citations")), 2);
    assert_int_equal(json_array_size(json_object_get(e, "missing_fields")), 0);
    json_decref(e);

    /* no indicator value, no name: both missing */
    put(d, "/threat/indicators", parse("[{\"type\": \"ipv4\"}]"));
    put(d, "/entity/name_ja", NULL);
    e = explain(d, "t.jp.ppc", "preliminary", 0);
    assert_int_equal(json_array_size(json_object_get(e, "missing_fields")), 3);
    json_decref(e);

    /* states without a deadline say so in both languages */
    e = explain(d, "t.jp.previous", "followup", 0);
    assert_string_equal(jstr(e, "/deadline/state"), "awaiting_previous_stage");
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/due_at")));
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/due_local")));
    assert_string_equal(jstr(e, "/deadline/anchor/name"), "previous_stage");
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "after the previous stage"));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/ja"), "前の段階"));
    assert_string_equal(jstr(e, "/rule_status"), "proposed");
    json_decref(e);
    e = explain(d, "t.jp.previous", "ondemand", 0);
    assert_string_equal(jstr(e, "/deadline/kind"), "none");
    assert_string_equal(jstr(e, "/deadline/state"), "no_deadline");
    assert_null(jsonx_ptr_get(e, "/deadline/anchor"));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "No deadline"));
    json_decref(e);
    e = explain(d, "t.jp.missing", "after_containment", 0);
    assert_string_equal(jstr(e, "/deadline/state"), "anchor_missing");
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/anchor/field")));
    assert_true(json_is_null(jsonx_ptr_get(e, "/deadline/anchor/at")));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/en"), "no contained time"));
    assert_non_null(strstr(jstr(e, "/deadline/explanation/ja"), "封じ込め日時"));
    json_decref(e);

    /* the static part alone, by id; NULL for a rule or stage that is not in the set */
    e = rules_explain_static(RS, "t.jp.ppc", "final");
    assert_non_null(e);
    assert_string_equal(jstr(e, "/title/ja"), "個人データの漏えい等（試験）");
    assert_string_equal(jstr(e, "/stage_name/ja"), "確報");
    json_decref(e);
    assert_null(rules_explain_static(RS, "t.jp.ppc", "interim"));
    assert_null(rules_explain_static(RS, "t.gone", "final"));

    /* explanations are deterministic */
    json_t *a = explain(d, "t.jp.ppc", "final", 5), *b = explain(d, "t.jp.ppc", "final", 5);
    char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    json_decref(a);
    json_decref(b);
    json_decref(d);
}

/* ---- ledger reconciliation ---- */

/* The ledger rows the actions would leave (what the store does with them). */
static size_t apply_actions(const struct rules_eval *ev, struct ledger_row *rows, size_t nrows,
                            const struct ledger_action *a, size_t na)
{
    for (size_t i = 0; i < na; i++) {
        struct ledger_row *row;
        if (a[i].op == LEDGER_CREATE) {
            row = &rows[nrows++];
            memset(row, 0, sizeof(*row));
            snprintf(row->id, sizeof(row->id), "ob-%zu", nrows);
            xstrlcpy(row->rule_id, rules_rule_id(ev->v[a[i].result].rule), sizeof(row->rule_id));
            xstrlcpy(row->stage_id, rules_stage_id(ev->v[a[i].result].stage),
                     sizeof(row->stage_id));
        } else {
            row = &rows[a[i].row];
        }
        if (a[i].op == LEDGER_WITHDRAW) {
            row->withdrawn = true;
            continue;
        }
        row->withdrawn = false;
        row->due_state = (int)ev->v[a[i].result].due_state;
        row->due_ms = ev->v[a[i].result].due_ms;
    }
    return nrows;
}

/* Counts actions by op; checks that every applicable result and every active row has exactly
 * one action, and that no op is anything but the five (never a delete). */
static void count_ops(const struct ledger_row *rows, size_t nrows, const struct rules_eval *ev,
                      const struct ledger_action *a, size_t na, int counts[5])
{
    size_t applicable = 0, active = 0;
    memset(counts, 0, 5 * sizeof(*counts));
    for (size_t i = 0; i < na; i++) {
        assert_true(a[i].op >= LEDGER_CREATE && a[i].op <= LEDGER_REINSTATE);
        counts[a[i].op]++;
        if (a[i].op == LEDGER_CREATE)
            assert_int_equal(a[i].row, -1);
        else
            assert_true(a[i].row >= 0 && (size_t)a[i].row < nrows);
        if (a[i].op != LEDGER_WITHDRAW)
            assert_true(a[i].result >= 0 && ev->v[a[i].result].applies);
    }
    for (size_t i = 0; i < ev->n; i++)
        applicable += ev->v[i].applies;
    for (size_t i = 0; i < nrows; i++)
        active += !rows[i].withdrawn;
    assert_int_equal(na - (size_t)counts[LEDGER_WITHDRAW], applicable);
    assert_int_equal((size_t)(counts[LEDGER_KEEP] + counts[LEDGER_MOVE] + counts[LEDGER_WITHDRAW]),
                     active);
}

static const struct ledger_action *action_for(const struct ledger_row *rows,
                                              const struct rules_eval *ev,
                                              const struct ledger_action *a, size_t na,
                                              const char *rule, const char *stage)
{
    for (size_t i = 0; i < na; i++) {
        const char *r =
            a[i].row >= 0 ? rows[a[i].row].rule_id : rules_rule_id(ev->v[a[i].result].rule);
        const char *s =
            a[i].row >= 0 ? rows[a[i].row].stage_id : rules_stage_id(ev->v[a[i].result].stage);
        if (!strcmp(r, rule) && !strcmp(s, stage))
            return &a[i];
    }
    return NULL;
}

static void test_reconcile(void **state)
{
    struct ledger_row rows[80];
    struct ledger_action *a;
    size_t nrows = 0, na;
    int c[5];
    UNUSED(state);
    json_t *d = doc_aware("2026-11-20T08:40:00+09:00");
    put_s(d, "/times/personal_data_aware_at", "2026-11-21T15:00:00+09:00");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    put(d, "/personal_data/individuals_count", json_integer(5000));

    /* version 1: everything applicable is created */
    eval(d);
    na = rules_reconcile(rows, 0, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, 0, &EV, a, na, c);
    assert_int_equal(c[LEDGER_CREATE], (int)na);
    assert_true(na >= 10);
    nrows = apply_actions(&EV, rows, 0, a, na);
    free(a);

    /* the same report again: every obligation is kept */
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_KEEP], (int)nrows);
    free(a);

    /* unlawful_purpose becomes "no": the 確報 moves from 60 to 30 days, the rest stays */
    put_s(d, "/personal_data/unlawful_purpose", "no");
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_MOVE], 1);
    assert_int_equal(c[LEDGER_KEEP], (int)nrows - 1);
    const struct ledger_action *x = action_for(rows, &EV, a, na, "t.jp.ppc", "final");
    assert_non_null(x);
    assert_int_equal(x->op, LEDGER_MOVE);
    assert_true(EV.v[x->result].due_ms < rows[x->row].due_ms);
    nrows = apply_actions(&EV, rows, nrows, a, na);
    free(a);

    /* personal data no longer involved: both PPC stages are withdrawn (with the result that
     * says why), the variants rule too (its count is gone); nothing is deleted */
    put_s(d, "/personal_data/involved", "no");
    put(d, "/personal_data/individuals_count", NULL);
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_WITHDRAW], 3);
    assert_int_equal(c[LEDGER_CREATE], 0);
    x = action_for(rows, &EV, a, na, "t.jp.ppc", "preliminary");
    assert_int_equal(x->op, LEDGER_WITHDRAW);
    assert_true(x->result >= 0);
    assert_false(EV.v[x->result].applies);
    assert_string_equal(rules_stage_id(EV.v[x->result].stage), "preliminary");
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.variants", "notice")->op, LEDGER_WITHDRAW);
    size_t before = nrows;
    nrows = apply_actions(&EV, rows, nrows, a, na);
    assert_int_equal(nrows, before);
    free(a);

    /* a withdrawn obligation gets no further action while it does not apply */
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_WITHDRAW], 0);
    assert_null(action_for(rows, &EV, a, na, "t.jp.ppc", "final"));
    free(a);

    /* back: reinstated (the same rows), with their deadlines */
    put_s(d, "/personal_data/involved", "yes");
    put(d, "/personal_data/individuals_count", json_integer(5000));
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_REINSTATE], 3);
    assert_int_equal(c[LEDGER_CREATE], 0);
    x = action_for(rows, &EV, a, na, "t.jp.ppc", "final");
    assert_int_equal(x->op, LEDGER_REINSTATE);
    assert_string_equal(rules_stage_id(EV.v[x->result].stage), "final");
    nrows = apply_actions(&EV, rows, nrows, a, na);
    free(a);

    /* a change of due state is a move: the containment time arrives */
    put_s(d, "/times/contained_at", "2026-11-22T10:00:00+09:00");
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    x = action_for(rows, &EV, a, na, "t.jp.missing", "after_containment");
    assert_int_equal(x->op, LEDGER_MOVE);
    assert_int_equal(rows[x->row].due_state, DUE_ANCHOR_MISSING);
    assert_int_equal(c[LEDGER_MOVE], 1);
    nrows = apply_actions(&EV, rows, nrows, a, na);
    free(a);

    /* a stage that starts to apply is created next to the existing ones */
    put(d, "/classification/categories", parse("[\"ransomware\"]"));
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_CREATE], 1);
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.when", "ransom")->op, LEDGER_CREATE);
    nrows = apply_actions(&EV, rows, nrows, a, na);
    free(a);

    /* rules that left the rule set: withdrawn with result -1 (active rows only) */
    struct ledger_row *g = &rows[nrows++];
    memset(g, 0, sizeof(*g));
    xstrlcpy(g->id, "gone-1", sizeof(g->id));
    xstrlcpy(g->rule_id, "t.gone", sizeof(g->rule_id));
    xstrlcpy(g->stage_id, "final", sizeof(g->stage_id));
    g = &rows[nrows++];
    memset(g, 0, sizeof(*g));
    xstrlcpy(g->id, "gone-2", sizeof(g->id));
    xstrlcpy(g->rule_id, "t.jp.ppc", sizeof(g->rule_id)); /* the rule stays, the stage left */
    xstrlcpy(g->stage_id, "interim", sizeof(g->stage_id));
    g = &rows[nrows++];
    memset(g, 0, sizeof(*g));
    xstrlcpy(g->id, "gone-3", sizeof(g->id));
    xstrlcpy(g->rule_id, "t.gone.too", sizeof(g->rule_id));
    xstrlcpy(g->stage_id, "final", sizeof(g->stage_id));
    g->withdrawn = true;
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    count_ops(rows, nrows, &EV, a, na, c);
    assert_int_equal(c[LEDGER_WITHDRAW], 2);
    assert_int_equal(c[LEDGER_CREATE], 0);
    x = action_for(rows, &EV, a, na, "t.gone", "final");
    assert_int_equal(x->op, LEDGER_WITHDRAW);
    assert_int_equal(x->result, -1);
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.ppc", "interim")->result, -1);
    assert_null(action_for(rows, &EV, a, na, "t.gone.too", "final"));
    free(a);

    /* an empty evaluation withdraws every active row and creates nothing */
    struct rules_eval empty;
    rules_eval_init(&empty);
    na = rules_reconcile(rows, nrows, &empty, LEDGER_ON_VERSION, &a);
    assert_int_equal(na, nrows - 1);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].op, LEDGER_WITHDRAW);
        assert_int_equal(a[i].result, -1);
    }
    free(a);

    assert_string_equal(rules_ledger_op_name(LEDGER_CREATE), "created");
    assert_string_equal(rules_ledger_op_name(LEDGER_MOVE), "moved");
    assert_string_equal(rules_ledger_op_name(LEDGER_KEEP), "kept");
    assert_string_equal(rules_ledger_op_name(LEDGER_WITHDRAW), "withdrawn");
    assert_string_equal(rules_ledger_op_name(LEDGER_REINSTATE), "reinstated");
    json_decref(d);
}

/* The index of the ledger row for (rule, stage), or -1. */
static int row_index(const struct ledger_row *rows, size_t nrows, const char *rule,
                     const char *stage)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].rule_id, rule) && !strcmp(rows[i].stage_id, stage))
            return (int)i;
    return -1;
}

/* The index of the evaluation's result for (rule, stage), or -1. */
static int result_index(const struct rules_eval *ev, const char *rule, const char *stage)
{
    for (size_t i = 0; i < ev->n; i++)
        if (!strcmp(rules_rule_id(ev->v[i].rule), rule) &&
            !strcmp(rules_stage_id(ev->v[i].stage), stage))
            return (int)i;
    return -1;
}

static json_t *doc_ledger(void)
{
    json_t *d = doc_aware("2026-11-20T08:40:00+09:00");
    put_s(d, "/times/personal_data_aware_at", "2026-11-21T15:00:00+09:00");
    put_s(d, "/personal_data/involved", "yes");
    put_s(d, "/personal_data/unlawful_purpose", "yes");
    put(d, "/personal_data/individuals_count", json_integer(5000));
    return d;
}

/* A new version never sends a set deadline back to awaiting a previous stage's submission:
 * the evaluation of an amendment written while a submit was being written does not see the
 * submission yet (the rule the store used to apply on its own; now rules_reconcile's). */
static void test_reconcile_set_never_awaits(void **state)
{
    struct ledger_row rows[80];
    struct ledger_action *a;
    size_t nrows, na;
    UNUSED(state);
    json_t *d = doc_ledger();
    eval(d);
    na = rules_reconcile(rows, 0, &EV, LEDGER_ON_VERSION, &a);
    nrows = apply_actions(&EV, rows, 0, a, na);
    free(a);
    int ri = row_index(rows, nrows, "t.jp.ppc", "final");
    int ei = result_index(&EV, "t.jp.ppc", "final");
    assert_true(ri >= 0 && ei >= 0);
    assert_int_equal(rows[ri].due_state, DUE_SET);

    /* the same version, evaluated as if the previous stage had not been submitted */
    eval(d);
    EV.v[ei].due_state = DUE_AWAITING_PREVIOUS;
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    assert_null(action_for(rows, &EV, a, na, "t.jp.ppc", "final"));
    for (size_t i = 0; i < na; i++)
        assert_int_equal(a[i].op, LEDGER_KEEP);
    assert_int_equal(na, nrows - 1);
    free(a);

    /* the other way is an ordinary move: a deadline that waited starts to run */
    rows[ri].due_state = DUE_AWAITING_PREVIOUS;
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.ppc", "final")->op, LEDGER_MOVE);
    free(a);
    json_decref(d);
}

/* A submission only starts the deadlines that waited for it: no creation, keep, other move or
 * withdrawal is written outside a new version. */
static void test_reconcile_on_submit(void **state)
{
    struct ledger_row rows[80];
    struct ledger_action *a;
    size_t nrows, na;
    UNUSED(state);
    json_t *d = doc_ledger();
    eval(d);
    na = rules_reconcile(rows, 0, &EV, LEDGER_ON_VERSION, &a);
    nrows = apply_actions(&EV, rows, 0, a, na);
    free(a);
    int waiting = row_index(rows, nrows, "t.jp.ppc", "preliminary");
    assert_true(waiting >= 0);
    rows[waiting].due_state = DUE_AWAITING_PREVIOUS;
    /* a row whose rule left the rule set (a version would withdraw it) */
    struct ledger_row *g = &rows[nrows++];
    memset(g, 0, sizeof(*g));
    xstrlcpy(g->id, "gone-1", sizeof(g->id));
    xstrlcpy(g->rule_id, "t.gone", sizeof(g->rule_id));
    xstrlcpy(g->stage_id, "final", sizeof(g->stage_id));
    /* a fact that changed (a version would move the 確報 from 60 to 30 days) and a stage that
     * starts to apply (a version would create it) */
    put_s(d, "/personal_data/unlawful_purpose", "no");
    put(d, "/classification/categories", parse("[\"ransomware\"]"));
    eval(d);
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_VERSION, &a);
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.ppc", "final")->op, LEDGER_MOVE);
    assert_int_equal(action_for(rows, &EV, a, na, "t.jp.when", "ransom")->op, LEDGER_CREATE);
    assert_int_equal(action_for(rows, &EV, a, na, "t.gone", "final")->op, LEDGER_WITHDRAW);
    free(a);

    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_SUBMIT, &a);
    assert_int_equal(na, 1);
    assert_int_equal(a[0].op, LEDGER_MOVE);
    assert_int_equal(a[0].row, waiting);
    assert_int_equal(EV.v[a[0].result].due_state, DUE_SET);
    free(a);

    /* nothing waited: a submission writes nothing */
    rows[waiting].due_state = DUE_SET;
    na = rules_reconcile(rows, nrows, &EV, LEDGER_ON_SUBMIT, &a);
    assert_int_equal(na, 0);
    free(a);
    json_decref(d);
}

/* The texts the ledger keeps with an obligation (they moved out of the store, issue 9): the
 * decision and the withdrawal reasons, as people read them through the API. */
static void test_ledger_texts(void **state)
{
    struct rules_result r;
    struct ledger_action a = {LEDGER_WITHDRAW, 0, 3};
    struct buf b;
    char d[256];
    UNUSED(state);
    memset(&r, 0, sizeof(r));
    r.variant = -1;
    rules_ledger_decision(&r, d, sizeof(d));
    assert_string_equal(d, "{\"anchor_field\":null,\"anchor_at\":null,\"variant\":-1,"
                           "\"capped\":false,\"rolled\":false}");
    r.anchor_source = "/times/aware_at";
    r.anchor_ms = 1795305600123LL;
    r.variant = 1;
    r.capped = true;
    r.rolled = true;
    rules_ledger_decision(&r, d, sizeof(d));
    assert_string_equal(d, "{\"anchor_field\":\"/times/aware_at\",\"anchor_at\":"
                           "\"2026-11-22T00:00:00.123Z\",\"variant\":1,\"capped\":true,"
                           "\"rolled\":true}");
    buf_init(&b, BUF_UNLIMITED);
    rules_ledger_withdraw_reason(&a, 4, "abc", &b);
    assert_string_equal(buf_cstr(&b), "{\"en\":\"The conditions no longer hold as of version 4.\","
                                      "\"ja\":\"第4版の時点で適用条件を満たさなくなりました。\","
                                      "\"version\":4}");
    buf_release(&b);
    buf_init(&b, BUF_UNLIMITED);
    a.result = -1;
    rules_ledger_withdraw_reason(&a, 4, "abc", &b);
    assert_string_equal(buf_cstr(&b),
                        "{\"en\":\"The rule is no longer in the rule set (rules version abc).\","
                        "\"ja\":\"このルールは現在のルールセット（版 abc）にありません。\"}");
    buf_release(&b);
}

/* ---- set-up ---- */

static int setup(void **state)
{
    struct diag_list d;
    UNUSED(state);
    snprintf(mini, sizeof(mini), "%s/tests/data/rules-mini", unit_source_root());
    diag_list_init(&d);
    RS = rules_load_dir(mini, &d);
    if (!RS) {
        diag_list_print(&d, stderr, false);
        diag_list_release(&d);
        return -1;
    }
    diag_list_release(&d);
    rules_eval_init(&EV);
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    rules_eval_release(&EV);
    rules_free(RS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),          cmocka_unit_test(test_version),
        cmocka_unit_test(test_loader_errors), cmocka_unit_test(test_loader_errors_other),
        cmocka_unit_test(test_hours),         cmocka_unit_test(test_calendar_days),
        cmocka_unit_test(test_months),        cmocka_unit_test(test_business_days),
        cmocka_unit_test(test_rolls),         cmocka_unit_test(test_cap),
        cmocka_unit_test(test_variants),      cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_validity),      cmocka_unit_test(test_stage_conditions),
        cmocka_unit_test(test_statuses),      cmocka_unit_test(test_explain),
        cmocka_unit_test(test_statuses_not_in_force),
        cmocka_unit_test(test_citation_sources),
        cmocka_unit_test(test_reconcile),
        cmocka_unit_test(test_reconcile_set_never_awaits),
        cmocka_unit_test(test_reconcile_on_submit),
        cmocka_unit_test(test_ledger_texts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
