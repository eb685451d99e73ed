/*
 * test_obligations.c — table-driven obligation fixtures (tests/data/obligations/, format in its
 * README.md): which authorities must receive which stage of a report, by when and why, checked
 * against deadlines computed by hand from the law and the calendars.
 *
 * The real rule set is loaded once from $ICHIGEN_SOURCE_ROOT/data. For each fixture file the
 * report versions are built by JSON merge patch (RFC 7396) on a base report, each version must
 * be a valid report at the fixture's "now" (an invalid one is a fixture bug), each is evaluated
 * with rules_evaluate, and the obligation ledger is simulated across the versions by applying
 * every action of rules_reconcile (LEDGER_ON_VERSION), as the store does: the store writes the
 * list it is given and decides nothing (store_sqlite_ledger.c). The expectations are
 * checked against the last version's evaluation and the recorded ledger actions.
 *
 * One TAP case per fixture file, named after it; a fixture marked "known_issue" (a
 * disagreement between the legally correct expectation and the shipped rules or engine) carries
 * "# TODO <reason>" in its name, so TAP counts its failure as expected. The program's exit
 * status ignores those failures. Two more cases check that there are enough fixtures and that
 * every stage of every rule is expected to apply in at least one of them.
 */
#include "core/buf.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "report/report.h"
#include "rules/rules.h"
#include "rules/rules_int.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define FIXTURE_DIR "tests/data/obligations"
#define MIN_FIXTURES 60
#define DUE_SOON_MS (24LL * 3600 * 1000) /* "due soon": within 24 hours, as the API shows it */
#define MSG_MAX 60000

static struct ruleset *rules;
static int todo_failures; /* failures of known_issue fixtures: expected, not counted in the exit */

struct fixture_file {
    char file[256];
    char path[1300];     /* the directory (< 1024) and the file name */
    char test_name[700]; /* file, plus " # TODO <known issue>" */
    bool known_issue;
};

static struct fixture_file *files;
static size_t nfiles;

/* ---- one fixture run: its mismatches, versions, ledger ---- */

struct ledger_rec {
    int version;
    char rule[80], stage[48];
    enum ledger_op op;
    int due_state;
    int64_t due_ms;
};

struct run {
    const char *file;
    struct buf msg;
    int problems;
    json_t *fx;
    int64_t now;
    json_t **versions;
    size_t nversions;
    struct rules_eval ev; /* of the last version */
    struct ledger_row *rows;
    size_t nrows;
    struct ledger_rec *recs;
    size_t nrecs;
};

static void problem(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct run *r, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    buf_appendf(&r->msg, "%s: %s\n", r->file, line);
    r->problems++;
}

static const char *utc(int64_t ms, char out[32])
{
    rtime_format_utc(ms, out, 32);
    return out;
}

/* Parses an RFC 3339 time member; false (and a problem) when it is missing or malformed. */
static bool time_of(struct run *r, const json_t *j, const char *what, int64_t *ms)
{
    struct rtime_parsed t;
    const char *s = json_string_value(j);
    if (!s || rtime_parse_rfc3339(s, strlen(s), &t)) {
        problem(r, "fixture error: %s must be an RFC 3339 time with an offset", what);
        return false;
    }
    *ms = t.ms;
    return true;
}

/* Every member of obj must be one of the names (a misspelt expectation must not pass silently). */
static void check_keys(struct run *r, const json_t *obj, const char *where,
                       const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const char *const *n = names;
        while (*n && strcmp(*n, key))
            n++;
        if (!*n)
            problem(r, "fixture error: %s has an unknown member \"%s\"", where, key);
    }
}

/* ---- building the versions ---- */

/* RFC 7396 JSON merge patch. Consumes target (may be NULL); returns a new reference. */
static json_t *merge_patch(json_t *target, const json_t *patch)
{
    const char *key;
    json_t *v;
    if (!json_is_object(patch)) {
        json_decref(target);
        return json_deep_copy(patch);
    }
    if (!json_is_object(target)) {
        json_decref(target);
        target = json_object();
    }
    json_object_foreach((json_t *)patch, key, v)
    {
        if (json_is_null(v)) {
            json_object_del(target, key);
            continue;
        }
        json_t *cur = json_object_get(target, key);
        json_object_set_new(target, key, merge_patch(json_incref(cur), v));
    }
    return target;
}

static json_t *load_json_file(struct run *r, const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        problem(r, "cannot read %s: line %d: %s", path, je.line, je.text);
    return j;
}

/* The base report: "report" inline, or "base": early-warning / full (docs/examples/) or the
 * name of a file in tests/data/obligations/bases/. New reference or NULL. */
static json_t *base_report(struct run *r)
{
    const json_t *inline_report = json_object_get(r->fx, "report");
    const char *base = json_string_value(json_object_get(r->fx, "base"));
    char path[1024];
    if (inline_report && base) {
        problem(r, "fixture error: give either \"base\" or \"report\", not both");
        return NULL;
    }
    if (json_is_object(inline_report))
        return json_deep_copy(inline_report);
    if (!base || !base[0] ||
        strspn(base, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(base)) {
        problem(r,
                "fixture error: \"base\" must name a base report ([a-z0-9-]+) or give \"report\"");
        return NULL;
    }
    if (!strcmp(base, "early-warning"))
        snprintf(path, sizeof(path), "%s/docs/examples/early-warning.json", unit_source_root());
    else if (!strcmp(base, "full"))
        snprintf(path, sizeof(path), "%s/docs/examples/full-report.json", unit_source_root());
    else
        snprintf(path, sizeof(path), "%s/%s/bases/%s.json", unit_source_root(), FIXTURE_DIR, base);
    return load_json_file(r, path);
}

static void validate_version(struct run *r, size_t v, const json_t *doc)
{
    struct schema_limits lim;
    struct verr_list errs;
    schema_limits_default(&lim);
    verr_list_init(&errs, 20);
    if (report_validate(doc, &lim, r->now, &errs))
        for (size_t i = 0; i < errs.n; i++)
            problem(r, "fixture error: version %zu is not a valid report at now: %s %s: %s", v + 1,
                    errs.v[i].pointer, errs.v[i].code, errs.v[i].en);
    verr_list_release(&errs);
}

static bool build_versions(struct run *r)
{
    const json_t *patches = json_object_get(r->fx, "versions");
    json_t *doc = base_report(r);
    if (!doc)
        return false;
    if (!json_is_array(patches) || json_array_size(patches) == 0) {
        problem(r, "fixture error: \"versions\" must be an array of at least one merge patch");
        json_decref(doc);
        return false;
    }
    r->nversions = json_array_size(patches);
    r->versions = xcalloc(r->nversions, sizeof(*r->versions));
    for (size_t i = 0; i < r->nversions; i++) {
        const json_t *p = json_array_get(patches, i);
        if (!json_is_object(p))
            problem(r, "fixture error: versions[%zu] must be an object (a merge patch)", i);
        doc = merge_patch(doc, p);
        r->versions[i] = json_deep_copy(doc);
        validate_version(r, i, r->versions[i]);
    }
    json_decref(doc);
    return true;
}

/* ---- the ledger: every action rules_reconcile returns, as the store writes them ---- */

static void record(struct run *r, int version, const struct ledger_row *row, enum ledger_op op)
{
    r->recs = xrealloc(r->recs, (r->nrecs + 1) * sizeof(*r->recs));
    struct ledger_rec *rec = &r->recs[r->nrecs++];
    memset(rec, 0, sizeof(*rec));
    rec->version = version;
    snprintf(rec->rule, sizeof(rec->rule), "%s", row->rule_id);
    snprintf(rec->stage, sizeof(rec->stage), "%s", row->stage_id);
    rec->op = op;
    rec->due_state = row->due_state;
    rec->due_ms = row->due_ms;
}

static void set_due(struct ledger_row *row, const struct rules_result *res)
{
    row->withdrawn = false;
    row->due_state = (int)res->due_state;
    row->due_ms = res->due_state == DUE_SET ? res->due_ms : 0;
}

static void apply_action(struct run *r, int version, const struct ledger_action *a)
{
    const struct rules_result *res = a->result >= 0 ? &r->ev.v[a->result] : NULL;
    struct ledger_row *row;
    if (a->op == LEDGER_CREATE) {
        r->rows = xrealloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
        row = &r->rows[r->nrows++];
        memset(row, 0, sizeof(*row));
        snprintf(row->id, sizeof(row->id), "ob-%zu", r->nrows);
        snprintf(row->rule_id, sizeof(row->rule_id), "%s", rules_rule_id(res->rule));
        snprintf(row->stage_id, sizeof(row->stage_id), "%s", rules_stage_id(res->stage));
        set_due(row, res);
    } else {
        row = &r->rows[a->row];
        if (a->op == LEDGER_WITHDRAW)
            row->withdrawn = true;
        else
            set_due(row, res);
    }
    record(r, version, row, a->op);
}

static void evaluate_versions(struct run *r)
{
    for (size_t v = 0; v < r->nversions; v++) {
        struct ledger_action *acts = NULL;
        rules_evaluate(rules, r->versions[v], &r->ev);
        size_t n = rules_reconcile(r->rows, r->nrows, &r->ev, LEDGER_ON_VERSION, &acts);
        /* CREATE appends rows; the other actions index rows that existed before, so the
         * indices stay valid while the array grows. */
        for (size_t i = 0; i < n; i++)
            apply_action(r, (int)v + 1, &acts[i]);
        free(acts);
    }
}

/* ---- looking things up ---- */

static const struct rules_result *find_result(const struct run *r, const char *rule,
                                              const char *stage)
{
    for (size_t i = 0; i < r->ev.n; i++) {
        const struct rules_result *res = &r->ev.v[i];
        if (!strcmp(rules_rule_id(res->rule), rule) && !strcmp(rules_stage_id(res->stage), stage))
            return res;
    }
    return NULL;
}

static const struct rule *find_rule(const char *id)
{
    for (size_t i = 0; i < rules->nrules; i++)
        if (!strcmp(rules->rules[i].id, id))
            return &rules->rules[i];
    return NULL;
}

static const struct rule_stage *find_stage(const struct rule *ru, const char *id)
{
    for (size_t k = 0; ru && k < ru->nstages; k++)
        if (!strcmp(ru->stages[k].id, id))
            return &ru->stages[k];
    return NULL;
}

static void local_of(const struct rule *ru, int64_t ms, char *out, size_t n)
{
    tz_format_rfc3339(ru->recipient->tz, ms, out, n);
}

/* The facts the rule's condition read, and its validity dates, for messages about a rule that
 * (does not) apply. Heap string. */
static char *facts_of(const struct run *r, const struct rules_result *res)
{
    json_t *ex =
        rules_explain_dynamic(rules, res, r->versions[r->nversions - 1], r->now, DUE_SOON_MS);
    char *facts = json_dumps(json_object_get(json_object_get(ex, "why"), "facts"), JSON_COMPACT);
    char from[32] = "-", until[32] = "-";
    struct buf b;
    json_decref(ex);
    if (res->rule->valid_from_ms)
        utc(res->rule->valid_from_ms, from);
    if (res->rule->valid_until_ms)
        utc(res->rule->valid_until_ms, until);
    buf_init(&b, BUF_UNLIMITED);
    buf_appendf(&b, "%s; validity from %s until %s", facts ? facts : "{}", from, until);
    free(facts);
    return buf_detach(&b, NULL);
}

/* ---- checking one "expect" entry ---- */

/* Expected is a subset of actual: every member of an expected object matches; arrays and
 * scalars match exactly (element-wise subset for arrays of objects). */
static bool json_subset(const json_t *exp, const json_t *act)
{
    const char *key;
    json_t *v;
    if (json_is_object(exp)) {
        if (!json_is_object(act))
            return false;
        json_object_foreach((json_t *)exp, key, v)
        {
            if (!json_subset(v, json_object_get(act, key)))
                return false;
        }
        return true;
    }
    if (json_is_array(exp)) {
        if (!json_is_array(act) || json_array_size(exp) != json_array_size(act))
            return false;
        for (size_t i = 0; i < json_array_size(exp); i++)
            if (!json_subset(json_array_get(exp, i), json_array_get(act, i)))
                return false;
        return true;
    }
    return act && json_equal((json_t *)exp, (json_t *)act);
}

static void expect_str(struct run *r, const char *what, const json_t *e, const char *key,
                       const char *actual)
{
    const json_t *x = json_object_get(e, key);
    if (!x)
        return;
    if (!json_is_string(x))
        problem(r, "fixture error: %s: \"%s\" must be a string", what, key);
    else if (!actual || strcmp(json_string_value(x), actual))
        problem(r, "%s: %s expected \"%s\", actual \"%s\"", what, key, json_string_value(x),
                actual ? actual : "(none)");
}

static void expect_bool(struct run *r, const char *what, const json_t *e, const char *key,
                        bool actual)
{
    const json_t *x = json_object_get(e, key);
    if (!x)
        return;
    if (!json_is_boolean(x))
        problem(r, "fixture error: %s: \"%s\" must be true or false", what, key);
    else if (json_is_true(x) != actual)
        problem(r, "%s: %s expected %s, actual %s", what, key, json_is_true(x) ? "true" : "false",
                actual ? "true" : "false");
}

static void expect_due(struct run *r, const char *what, const json_t *e,
                       const struct rules_result *res)
{
    const json_t *x = json_object_get(e, "due_at");
    int64_t want;
    char a[32], b[32], loc[64];
    if (!x || !time_of(r, x, "due_at", &want))
        return;
    if (res->due_state != DUE_SET) {
        problem(r, "%s: due_at expected %s (%s), actual: no deadline (due_state %s)", what,
                json_string_value(x), utc(want, a), rules_due_state_name(res->due_state));
        return;
    }
    if (want != res->due_ms) {
        local_of(res->rule, res->due_ms, loc, sizeof(loc));
        problem(r, "%s: due_at expected %s (%s), actual %s (%s)", what, json_string_value(x),
                utc(want, a), utc(res->due_ms, b), loc);
    }
}

static void expect_local(struct run *r, const char *what, const json_t *e,
                         const struct rules_result *res)
{
    char loc[64];
    if (!json_object_get(e, "due_local"))
        return;
    if (res->due_state == DUE_SET)
        local_of(res->rule, res->due_ms, loc, sizeof(loc));
    else
        snprintf(loc, sizeof(loc), "(no deadline: %s)", rules_due_state_name(res->due_state));
    expect_str(r, what, e, "due_local", loc);
}

static void expect_variant(struct run *r, const char *what, const json_t *e,
                           const struct rules_result *res)
{
    const json_t *x = json_object_get(e, "variant");
    if (!x)
        return;
    if (json_is_boolean(x) && json_is_true(x) != (res->variant >= 0))
        problem(r, "%s: variant expected %s, actual %s (index %d)", what,
                json_is_true(x) ? "a variant" : "none (the default offset)",
                res->variant >= 0 ? "a variant" : "none", res->variant);
    else if (json_is_integer(x) && json_integer_value(x) != res->variant)
        problem(r, "%s: variant expected index %lld, actual %d", what,
                (long long)json_integer_value(x), res->variant);
    else if (!json_is_boolean(x) && !json_is_integer(x))
        problem(r, "fixture error: %s: \"variant\" must be a boolean or an index", what);
}

static void expect_anchor(struct run *r, const char *what, const json_t *e,
                          const struct rules_result *res)
{
    const json_t *x = json_object_get(e, "anchor");
    int64_t want;
    char a[32], b[32];
    if (json_is_null(x) && res->anchor_source)
        problem(r, "%s: anchor expected none, actual %s", what, res->anchor_source);
    else if (json_is_string(x))
        expect_str(r, what, e, "anchor", res->anchor_source);
    x = json_object_get(e, "anchor_at");
    if (x && time_of(r, x, "anchor_at", &want) && want != res->anchor_ms)
        problem(r, "%s: anchor_at expected %s, actual %s", what, utc(want, a),
                res->anchor_ms ? utc(res->anchor_ms, b) : "(none)");
}

static void expect_explain(struct run *r, const char *what, const json_t *e,
                           const struct rules_result *res)
{
    const json_t *x = json_object_get(e, "explain");
    if (!x)
        return;
    json_t *ex = rules_explain(rules, res, r->versions[r->nversions - 1], r->now, DUE_SOON_MS);
    if (!json_subset(x, ex)) {
        char *want = json_dumps(x, JSON_COMPACT);
        char *got = json_dumps(json_object_get(ex, "deadline"), JSON_COMPACT);
        problem(r, "%s: explain expected to contain %s; actual deadline part %s", what, want, got);
        free(want);
        free(got);
    }
    json_decref(ex);
}

static void expect_status(struct run *r, const char *what, const json_t *e,
                          const struct rules_result *res)
{
    const json_t *x = json_object_get(e, "now");
    int64_t now = r->now;
    if (x && !time_of(r, x, "expect[].now", &now))
        return;
    expect_str(r, what, e, "status", rules_status_name(rules_result_status(res, now, DUE_SOON_MS)));
}

static const char *const expect_keys[] = {
    "rule",      "stage",     "applies",   "status",      "now",     "kind",   "due_state",
    "due_at",    "due_local", "variant",   "capped",      "rolled",  "anchor", "anchor_at",
    "recipient", "regime",    "mandatory", "rule_status", "explain", "note",   NULL};

static void check_expect(struct run *r, size_t i, const json_t *e)
{
    const char *rule = json_string_value(json_object_get(e, "rule"));
    const char *stage = json_string_value(json_object_get(e, "stage"));
    const json_t *app = json_object_get(e, "applies");
    char what[200];
    snprintf(what, sizeof(what), "expect[%zu] %s/%s", i, rule ? rule : "?", stage ? stage : "?");
    check_keys(r, e, what, expect_keys);
    const struct rules_result *res = rule && stage ? find_result(r, rule, stage) : NULL;
    if (!res) {
        problem(r, "fixture error: %s: no such rule and stage in the rule set", what);
        return;
    }
    bool want_applies = !json_is_false(app);
    if (want_applies != res->applies) {
        char *facts = facts_of(r, res);
        problem(r, "%s: applies expected %s, actual %s; facts read: %s", what,
                want_applies ? "true" : "false", res->applies ? "true" : "false", facts);
        free(facts);
        return;
    }
    expect_status(r, what, e, res);
    expect_str(r, what, e, "recipient", rules_recipient_id(res->rule));
    expect_str(r, what, e, "regime", rules_regime(res->rule));
    expect_str(r, what, e, "rule_status", rules_state_names[res->rule->state]);
    expect_bool(r, what, e, "mandatory", rules_mandatory(res->rule));
    if (!res->applies)
        return;
    expect_str(r, what, e, "kind", rules_due_kind(res->stage));
    expect_str(r, what, e, "due_state", rules_due_state_name(res->due_state));
    expect_due(r, what, e, res);
    expect_local(r, what, e, res);
    expect_variant(r, what, e, res);
    expect_bool(r, what, e, "capped", res->capped);
    expect_bool(r, what, e, "rolled", res->rolled);
    expect_anchor(r, what, e, res);
    expect_explain(r, what, e, res);
}

/* ---- "absent" and "exhaustive" ---- */

static void check_absent(struct run *r, size_t i, const char *spec)
{
    char rule[100];
    const char *slash = strchr(spec, '/');
    const char *stage = slash ? slash + 1 : NULL;
    snprintf(rule, sizeof(rule), "%.*s", slash ? (int)(slash - spec) : (int)strlen(spec), spec);
    const struct rule *ru = find_rule(rule);
    if (!ru || (stage && !find_stage(ru, stage))) {
        problem(r,
                "fixture error: absent[%zu] \"%s\" is not a rule (or rule/stage) of the rule set",
                i, spec);
        return;
    }
    for (size_t k = 0; k < r->ev.n; k++) {
        const struct rules_result *res = &r->ev.v[k];
        if (res->rule != ru || !res->applies ||
            (stage && strcmp(rules_stage_id(res->stage), stage)))
            continue;
        char *facts = facts_of(r, res);
        problem(r, "absent[%zu]: %s/%s expected not to apply, but it applies; facts read: %s", i,
                rule, rules_stage_id(res->stage), facts);
        free(facts);
    }
}

static bool expected_to_apply(const json_t *expect, const char *rule, const char *stage)
{
    size_t i;
    const json_t *e;
    json_array_foreach((json_t *)expect, i, e)
    {
        const char *er = json_string_value(json_object_get(e, "rule"));
        const char *es = json_string_value(json_object_get(e, "stage"));
        if (er && es && !strcmp(er, rule) && !strcmp(es, stage) &&
            !json_is_false(json_object_get(e, "applies")))
            return true;
    }
    return false;
}

static void check_exhaustive(struct run *r, const json_t *expect)
{
    for (size_t k = 0; k < r->ev.n; k++) {
        const struct rules_result *res = &r->ev.v[k];
        if (res->applies &&
            !expected_to_apply(expect, rules_rule_id(res->rule), rules_stage_id(res->stage)))
            problem(r, "exhaustive: %s/%s applies but is not in \"expect\"",
                    rules_rule_id(res->rule), rules_stage_id(res->stage));
    }
}

/* ---- "ledger" ---- */

static const struct ledger_rec *find_rec(const struct run *r, int version, const char *rule,
                                         const char *stage)
{
    for (size_t i = 0; i < r->nrecs; i++)
        if (r->recs[i].version == version && !strcmp(r->recs[i].rule, rule) &&
            !strcmp(r->recs[i].stage, stage))
            return &r->recs[i];
    return NULL;
}

static const char *const ledger_keys[] = {"version", "rule",      "stage", "op",
                                          "due_at",  "due_state", "note",  NULL};

static void check_ledger_entry(struct run *r, size_t i, const json_t *e)
{
    int version = (int)json_integer_value(json_object_get(e, "version"));
    const char *rule = json_string_value(json_object_get(e, "rule"));
    const char *stage = json_string_value(json_object_get(e, "stage"));
    const char *op = json_string_value(json_object_get(e, "op"));
    char what[200], a[32], b[32];
    int64_t want;
    snprintf(what, sizeof(what), "ledger[%zu] version %d %s/%s", i, version, rule ? rule : "?",
             stage ? stage : "?");
    check_keys(r, e, what, ledger_keys);
    if (version < 1 || (size_t)version > r->nversions || !rule || !stage || !op) {
        problem(r, "fixture error: %s: needs version (1..%zu), rule, stage and op", what,
                r->nversions);
        return;
    }
    const struct ledger_rec *rec = find_rec(r, version, rule, stage);
    const char *actual = rec ? rules_ledger_op_name(rec->op) : "none";
    if (strcmp(op, actual)) {
        problem(r, "%s: op expected \"%s\", actual \"%s\"", what, op, actual);
        return;
    }
    if (!rec)
        return;
    expect_str(r, what, e, "due_state", rules_due_state_name((enum rules_due_state)rec->due_state));
    const json_t *x = json_object_get(e, "due_at");
    if (x && time_of(r, x, "ledger[].due_at", &want) &&
        (rec->due_state != DUE_SET || rec->due_ms != want))
        problem(r, "%s: due_at expected %s, actual %s", what, utc(want, a),
                rec->due_state == DUE_SET ? utc(rec->due_ms, b) : "(no deadline)");
}

/* With "ledger_complete": every action other than "kept" in a version the fixture mentions
 * must be listed. */
static void check_ledger_complete(struct run *r, const json_t *ledger)
{
    for (size_t k = 0; k < r->nrecs; k++) {
        const struct ledger_rec *rec = &r->recs[k];
        bool mentioned = false, listed = false;
        size_t i;
        const json_t *e;
        json_array_foreach((json_t *)ledger, i, e)
        {
            if (json_integer_value(json_object_get(e, "version")) != rec->version)
                continue;
            mentioned = true;
            const char *er = json_string_value(json_object_get(e, "rule"));
            const char *es = json_string_value(json_object_get(e, "stage"));
            listed = listed || (er && es && !strcmp(er, rec->rule) && !strcmp(es, rec->stage));
        }
        if (mentioned && !listed && rec->op != LEDGER_KEEP)
            problem(r, "ledger_complete: version %d %s/%s was %s but is not listed", rec->version,
                    rec->rule, rec->stage, rules_ledger_op_name(rec->op));
    }
}

/* ---- "spans": a stage's arithmetic from a given anchor time (previous_stage chains) ---- */

static const char *const span_keys[] = {"rule",      "stage",  "from", "due_at",
                                        "due_local", "rolled", "note", NULL};

static void check_span(struct run *r, size_t i, const json_t *e)
{
    const char *rule = json_string_value(json_object_get(e, "rule"));
    const char *stage = json_string_value(json_object_get(e, "stage"));
    const struct rule *ru = rule ? find_rule(rule) : NULL;
    const struct rule_stage *st = stage ? find_stage(ru, stage) : NULL;
    char what[200], loc[64], a[32], b[32];
    int64_t from, due, want;
    bool rolled = false;
    snprintf(what, sizeof(what), "spans[%zu] %s/%s", i, rule ? rule : "?", stage ? stage : "?");
    check_keys(r, e, what, span_keys);
    if (!st || st->dl.kind == DL_NONE) {
        problem(r, "fixture error: %s: no such stage with a deadline", what);
        return;
    }
    if (!time_of(r, json_object_get(e, "from"), "spans[].from", &from))
        return;
    const struct deadline *dl = &st->dl;
    if (rules_add_span(ru->recipient, st->cal, from, dl->main.offset, dl->main.unit, dl->due_minute,
                       &due) ||
        rules_roll(ru->recipient, st->cal, st->roll, dl->main.unit != DU_HOURS, dl->due_minute,
                   &due, &rolled)) {
        problem(r, "%s: the calendar does not cover the dates (calendar_gap)", what);
        return;
    }
    local_of(ru, due, loc, sizeof(loc));
    expect_str(r, what, e, "due_local", loc);
    expect_bool(r, what, e, "rolled", rolled);
    const json_t *x = json_object_get(e, "due_at");
    if (x && time_of(r, x, "spans[].due_at", &want) && want != due)
        problem(r, "%s: due_at expected %s, actual %s (%s)", what, utc(want, a), utc(due, b), loc);
}

/* ---- one fixture ---- */

static const char *const fixture_keys[] = {
    "description", "base",   "report",          "versions", "now",         "expect", "absent",
    "exhaustive",  "ledger", "ledger_complete", "spans",    "known_issue", NULL};

static void check_arrays(struct run *r)
{
    size_t i;
    const json_t *e;
    const json_t *expect = json_object_get(r->fx, "expect");
    json_array_foreach((json_t *)expect, i, e) check_expect(r, i, e);
    json_array_foreach(json_object_get(r->fx, "absent"), i, e)
    {
        if (json_is_string(e))
            check_absent(r, i, json_string_value(e));
        else
            problem(r, "fixture error: absent[%zu] must be a string", i);
    }
    if (json_is_true(json_object_get(r->fx, "exhaustive")))
        check_exhaustive(r, expect);
    json_array_foreach(json_object_get(r->fx, "ledger"), i, e) check_ledger_entry(r, i, e);
    if (json_is_true(json_object_get(r->fx, "ledger_complete")))
        check_ledger_complete(r, json_object_get(r->fx, "ledger"));
    json_array_foreach(json_object_get(r->fx, "spans"), i, e) check_span(r, i, e);
}

static void run_fixture(struct run *r)
{
    check_keys(r, r->fx, "the fixture", fixture_keys);
    if (!json_is_string(json_object_get(r->fx, "description")))
        problem(r, "fixture error: \"description\" (the case and its arithmetic) is required");
    if (!json_is_array(json_object_get(r->fx, "expect")) &&
        !json_is_array(json_object_get(r->fx, "absent")) &&
        !json_is_array(json_object_get(r->fx, "spans")))
        problem(r, "fixture error: \"expect\", \"absent\" or \"spans\" is required");
    if (!time_of(r, json_object_get(r->fx, "now"), "\"now\"", &r->now) || !build_versions(r))
        return;
    evaluate_versions(r);
    check_arrays(r);
}

static void run_release(struct run *r)
{
    for (size_t i = 0; i < r->nversions; i++)
        json_decref(r->versions[i]);
    free(r->versions);
    free(r->rows);
    free(r->recs);
    rules_eval_release(&r->ev);
    json_decref(r->fx);
    buf_release(&r->msg);
}

static void test_fixture(void **state)
{
    const struct fixture_file *f = *state;
    static char msg[MSG_MAX];
    struct run r;
    memset(&r, 0, sizeof(r));
    r.file = f->file;
    buf_init(&r.msg, BUF_UNLIMITED);
    rules_eval_init(&r.ev);
    assert_non_null(rules);
    r.fx = load_json_file(&r, f->path);
    if (r.fx)
        run_fixture(&r);
    int problems = r.problems;
    snprintf(msg, sizeof(msg), "%s", buf_cstr(&r.msg));
    run_release(&r); /* before failing: fail_msg does not return */
    if (problems) {
        if (f->known_issue)
            todo_failures++;
        fail_msg("%d mismatch(es):\n%s", problems, msg);
    }
}

/* ---- coverage of the rule set ---- */

static void test_fixture_count(void **state)
{
    UNUSED(state);
    if (nfiles < MIN_FIXTURES)
        fail_msg("%zu fixtures in %s; at least %d are expected", nfiles, FIXTURE_DIR, MIN_FIXTURES);
}

/* Every stage of every rule is expected to apply in at least one fixture, so a rule that
 * silently stops applying (a broken condition) is caught. */
static void test_stage_coverage(void **state)
{
    json_t *all = json_array();
    UNUSED(state);
    for (size_t i = 0; i < nfiles; i++) {
        json_t *fx = json_load_file(files[i].path, 0, NULL);
        json_array_extend(all, json_object_get(fx, "expect"));
        json_decref(fx);
    }
    size_t missing = 0;
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    for (size_t i = 0; i < rules->nrules; i++)
        for (size_t k = 0; k < rules->rules[i].nstages; k++)
            if (!expected_to_apply(all, rules->rules[i].id, rules->rules[i].stages[k].id)) {
                buf_appendf(&b, " %s/%s", rules->rules[i].id, rules->rules[i].stages[k].id);
                missing++;
            }
    json_decref(all);
    static char msg[8192];
    snprintf(msg, sizeof(msg), "%s", buf_cstr(&b));
    buf_release(&b);
    if (missing)
        fail_msg("%zu stage(s) are expected to apply in no fixture:%s", missing, msg);
}

/* ---- main: one cmocka case per fixture file ---- */

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const struct fixture_file *)a)->file, ((const struct fixture_file *)b)->file);
}

/* The known_issue text, for the TAP "# TODO" directive (one line, no '#'). */
static void known_issue_of(struct fixture_file *f)
{
    json_t *fx = json_load_file(f->path, 0, NULL);
    const char *ki = json_string_value(json_object_get(fx, "known_issue"));
    char text[400];
    snprintf(f->test_name, sizeof(f->test_name), "%s", f->file);
    if (ki) {
        snprintf(text, sizeof(text), "%s", ki);
        for (char *p = text; *p; p++)
            if (*p == '#' || *p == '\n' || *p == '\r')
                *p = ' ';
        snprintf(f->test_name, sizeof(f->test_name), "%s # TODO known issue: %s", f->file, text);
        f->known_issue = true;
    }
    json_decref(fx);
}

static void list_fixtures(void)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/%s", unit_source_root(), FIXTURE_DIR);
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
            continue;
        if (nfiles == cap) {
            cap = cap ? cap * 2 : 64;
            files = xrealloc(files, cap * sizeof(*files));
        }
        struct fixture_file *f = &files[nfiles++];
        memset(f, 0, sizeof(*f));
        snprintf(f->file, sizeof(f->file), "%s", e->d_name);
        snprintf(f->path, sizeof(f->path), "%s/%s", dir, e->d_name);
    }
    if (d)
        closedir(d);
    if (nfiles)
        qsort(files, nfiles, sizeof(*files), cmp_files);
    for (size_t i = 0; i < nfiles; i++)
        known_issue_of(&files[i]);
}

static struct ruleset *load_rules(void)
{
    char dir[1024];
    struct diag_list diags;
    snprintf(dir, sizeof(dir), "%s/data", unit_source_root());
    diag_list_init(&diags);
    struct ruleset *rs = rules_load_dir(dir, &diags);
    if (!rs)
        diag_list_print(&diags, stderr, false);
    diag_list_release(&diags);
    return rs;
}

static void test_rules_load(void **state)
{
    UNUSED(state);
    if (!rules)
        fail_msg("the rule set in %s/data does not load (problems on stderr)", unit_source_root());
}

int main(void)
{
    rules = load_rules();
    list_fixtures();
    struct CMUnitTest *tests = xcalloc(nfiles + 3, sizeof(*tests));
    size_t n = 0;
    tests[n++] = (struct CMUnitTest){"rule set loads", test_rules_load, NULL, NULL, NULL};
    for (size_t i = 0; rules && i < nfiles; i++)
        tests[n++] = (struct CMUnitTest){files[i].test_name, test_fixture, NULL, NULL, &files[i]};
    tests[n++] = (struct CMUnitTest){"fixture count", test_fixture_count, NULL, NULL, NULL};
    if (rules)
        tests[n++] = (struct CMUnitTest){"stage coverage", test_stage_coverage, NULL, NULL, NULL};
    int failed = _cmocka_run_group_tests("obligations", tests, n, NULL, NULL);
    free(tests);
    free(files);
    rules_free(rules);
    return failed - todo_failures > 0 ? 1 : 0;
}
