/*
 * itest_obligations.c — the obligations of a report over HTTP, with the real rule set (data/
 * next to the binary): the ledger created with a report, moved, withdrawn and reinstated by
 * amendments (never deleted, history kept, audited), the preview that stores nothing, and who
 * may see what. Only facts that hold whatever the exact rules are asserted: the one rule named
 * is the PPC leak report (jp.appi.private), whose 確報 has a longer deadline for an unlawful
 * purpose (施行規則7条3号).
 */
#include "itest.h"
#include "core/jsonx.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;

static const char REPORTS[] = "/api/v1/reports";
static const char PREVIEW[] = "/api/v1/obligations/preview";
#define PPC_RULE "jp.appi.private"

/* The report the ledger tests share. */
static struct {
    char id[40];
    char etag[16];
    json_t *v1;            /* docs/examples/full-report.json */
    char final_due_v1[40]; /* the PPC 確報's due_at with the 60-day variant */
    char final_due_v2[40];
} R;

/* ---- helpers ---- */

static int64_t ms_of(const char *t)
{
    struct rtime_parsed p;
    if (!t || rtime_parse_rfc3339(t, strlen(t), &p))
        fail_msg("not a time: %s", t ? t : "(null)");
    return p.ms;
}

static long post_doc(const struct itest_user *u, const char *path, const json_t *doc,
                     struct itest_resp *r)
{
    char *body = itest_dump(doc);
    long st = itest_post(&F.srv, u->token, path, body, r);
    free(body);
    return st;
}

/* Amends R with doc (If-Match: the last ETag); expects 201 and keeps the new ETag. */
static void amend(const json_t *doc)
{
    struct itest_resp r;
    char path[160], im[64];
    char *body = itest_dump(doc);
    snprintf(path, sizeof(path), "%s/%s/versions", REPORTS, R.id);
    snprintf(im, sizeof(im), "If-Match: %s", R.etag);
    itest_http(
        &F.srv,
        &(struct itest_req){.path = path, .token = F.rep_a.token, .body = body, .headers = {im}},
        &r);
    free(body);
    if (r.status != 201)
        fail_msg("amendment: %ld %s", r.status, r.body);
    xstrlcpy(R.etag, r.etag, sizeof(R.etag));
    itest_resp_release(&r);
}

/* GET …/obligations of id as u; returns the status, the body in *r. */
static long get_obligations(const struct itest_user *u, const char *id, struct itest_resp *r)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/%s/obligations", REPORTS, id);
    return itest_get(&F.srv, u ? u->token : NULL, path, r);
}

/* The item for rule/stage in an obligations listing (borrowed), or NULL. */
static json_t *item_for(json_t *items, const char *rule, const char *stage)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!strcmp(itest_jstr(it, "/rule_id"), rule) &&
            !strcmp(itest_jstr(it, "/stage_id"), stage))
            return it;
    }
    return NULL;
}

static json_t *must_item(json_t *items, const char *rule, const char *stage)
{
    json_t *it = item_for(items, rule, stage);
    if (!it)
        fail_msg("no obligation %s/%s", rule, stage);
    return it;
}

/* The last history event of an item (borrowed). */
static json_t *last_event(json_t *it)
{
    json_t *h = json_object_get(it, "history");
    assert_true(json_array_size(h) > 0);
    return json_array_get(h, json_array_size(h) - 1);
}

/* Invariants every listed obligation keeps, whatever the rules are. */
static void check_invariants(json_t *resp, const char *id)
{
    json_t *items = json_object_get(resp, "items"), *it;
    size_t i;
    assert_string_equal(itest_jstr(resp, "/id"), id);
    assert_int_equal(strlen(itest_jstr(resp, "/rules_version")), 64);
    assert_non_null(itest_jstr(resp, "/evaluated_at"));
    assert_true(json_array_size(items) > 0);
    json_array_foreach(items, i, it)
    {
        const char *rule = itest_jstr(it, "/rule_id"), *state = itest_jstr(it, "/state");
        assert_non_null(rule);
        assert_non_null(itest_jstr(it, "/stage_id"));
        assert_non_null(itest_jstr(it, "/recipient_id"));
        assert_non_null(itest_jstr(it, "/recipient_name/ja")); /* what a person reads */
        assert_non_null(itest_jstr(it, "/stage_name/en"));
        assert_non_null(itest_jstr(it, "/rule_title/ja"));
        assert_non_null(itest_jstr(it, "/status"));
        assert_non_null(itest_jstr(it, "/kind"));
        assert_non_null(state);
        assert_true(!strcmp(state, "active") || !strcmp(state, "withdrawn"));
        json_t *cits = jsonx_ptr_get(it, "/explanation/citations");
        if (!json_is_array(cits) || json_array_size(cits) == 0)
            fail_msg("%s: no citations in the explanation", rule);
        assert_string_equal(itest_jstr(it, "/history/0/event"), "created");
        assert_int_equal(itest_jint(it, "/history/0/version"), itest_jint(it, "/first_version"));
        assert_string_equal(itest_jstr(it, "/explanation/rule_id"), rule);
        assert_string_equal(itest_jstr(it, "/explanation/status"), itest_jstr(it, "/status"));
        if (!strcmp(state, "withdrawn")) {
            assert_string_equal(itest_jstr(it, "/status"), "withdrawn");
            assert_true(json_is_null(json_object_get(it, "due_at")));
            assert_non_null(itest_jstr(it, "/withdrawn_at"));
            assert_non_null(itest_jstr(it, "/withdrawn_reason/en"));
            assert_non_null(itest_jstr(it, "/withdrawn_reason/ja"));
        } else {
            assert_true(json_is_null(json_object_get(it, "withdrawn_reason")));
            assert_true(json_is_null(json_object_get(it, "withdrawn_at")));
        }
        if (!strcmp(itest_jstr(it, "/due_state"), "set") && !strcmp(state, "active"))
            ms_of(itest_jstr(it, "/due_at"));
    }
}

/* Shifts every date-time string in doc by delta_ms (keeping their order). */
static void shift_times(json_t *doc, int64_t delta_ms)
{
    const char *key;
    size_t i;
    json_t *v;
    struct rtime_parsed t;
    if (json_is_object(doc)) {
        void *tmp;
        json_object_foreach_safe(doc, tmp, key, v)
        {
            const char *s = json_string_value(v);
            if (s && strlen(s) > 18 && s[10] == 'T' && !rtime_parse_rfc3339(s, strlen(s), &t)) {
                char out[40];
                rtime_format_utc(t.ms + delta_ms, out, sizeof(out));
                json_object_set_new(doc, key, json_string(out));
            } else {
                shift_times(v, delta_ms);
            }
        }
    } else if (json_is_array(doc)) {
        json_array_foreach(doc, i, v) shift_times(v, delta_ms);
    }
}

/* Audit entries with this action and object, in order (new array). */
static json_t *audit_entries(const char *action, const char *object_id)
{
    json_t *out = json_array();
    long long from = 1;
    while (from > 0) {
        struct itest_resp r;
        char path[96];
        size_t i;
        json_t *it;
        snprintf(path, sizeof(path), "/api/v1/audit?limit=50&from_seq=%lld", from);
        assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
        json_array_foreach(json_object_get(r.json, "items"), i, it)
        {
            if (!strcmp(itest_jstr(it, "/action"), action) &&
                (!object_id || !strcmp(itest_jstr(it, "/object_id"), object_id)))
                json_array_append(out, it);
        }
        from = itest_jint(r.json, "/next_from_seq");
        itest_resp_release(&r);
    }
    return out;
}

static long long audit_count(void)
{
    long long n = 0, from = 1;
    while (from > 0) {
        struct itest_resp r;
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/audit?limit=50&from_seq=%lld", from);
        assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
        n += (long long)json_array_size(json_object_get(r.json, "items"));
        from = itest_jint(r.json, "/next_from_seq");
        itest_resp_release(&r);
    }
    return n;
}

/* ---- the ledger through a report's versions ---- */

static void test_created_with_the_report(void **state)
{
    struct itest_resp c, o;
    UNUSED(state);
    R.v1 = itest_load_json("docs/examples/full-report.json");
    assert_non_null(R.v1);
    assert_string_equal(itest_jstr(R.v1, "/personal_data/unlawful_purpose"), "yes");
    assert_int_equal(post_doc(&F.rep_a, REPORTS, R.v1, &c), 201);
    xstrlcpy(R.id, itest_jstr(c.json, "/id"), sizeof(R.id));
    xstrlcpy(R.etag, c.etag, sizeof(R.etag));
    itest_resp_release(&c);

    assert_int_equal(get_obligations(&F.rep_a, R.id, &o), 200);
    check_invariants(o.json, R.id);
    json_t *items = json_object_get(o.json, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        assert_string_equal(itest_jstr(it, "/state"), "active");
        assert_int_equal(itest_jint(it, "/first_version"), 1);
        assert_int_equal(json_array_size(json_object_get(it, "history")), 1);
    }
    /* the PPC 確報: a legal deadline, the 60-day variant (unlawful purpose "yes") */
    json_t *fin = must_item(items, PPC_RULE, "final");
    assert_string_equal(itest_jstr(fin, "/kind"), "legal");
    assert_string_equal(itest_jstr(fin, "/recipient_id"), "ppc");
    assert_string_equal(itest_jstr(fin, "/regime"), "PPC");
    assert_string_equal(itest_jstr(fin, "/due_state"), "set");
    xstrlcpy(R.final_due_v1, itest_jstr(fin, "/due_at"), sizeof(R.final_due_v1));
    assert_string_equal(itest_jstr(fin, "/explanation/deadline/due_at"), R.final_due_v1);
    json_t *variant = jsonx_ptr_get(fin, "/explanation/deadline/variant");
    assert_true(json_is_object(variant));
    assert_int_equal(itest_jint(fin, "/explanation/deadline/offset"),
                     json_integer_value(json_object_get(variant, "offset")));
    assert_string_equal(itest_jstr(fin, "/explanation/deadline/anchor/name"),
                        "personal_data_aware");
    assert_string_equal(itest_jstr(fin, "/explanation/deadline/timezone"), "Asia/Tokyo");
    assert_non_null(strstr(itest_jstr(fin, "/explanation/deadline/due_local"), "+09:00"));
    assert_non_null(itest_jstr(fin, "/explanation/deadline/explanation/en"));
    assert_non_null(itest_jstr(fin, "/explanation/deadline/explanation/ja"));
    assert_string_equal(itest_jstr(fin, "/explanation/why/facts/personal_data.unlawful_purpose"),
                        "yes");
    assert_non_null(itest_jstr(fin, "/explanation/title/ja"));
    assert_non_null(itest_jstr(fin, "/explanation/recipient/name/en"));
    /* the anchor is the PPC's own awareness time in the report */
    assert_int_equal(ms_of(itest_jstr(fin, "/explanation/deadline/anchor/at")),
                     ms_of(itest_jstr(R.v1, "/times/regime_awareness/0/aware_at")));
    /* the 速報 comes before the 確報 */
    json_t *pre = must_item(items, PPC_RULE, "preliminary");
    assert_true(ms_of(itest_jstr(pre, "/due_at")) < ms_of(R.final_due_v1));
    itest_resp_release(&o);
}

static void test_amend_moves(void **state)
{
    struct itest_resp o;
    UNUSED(state);
    json_t *v2 = json_deep_copy(R.v1);
    json_object_set_new(json_object_get(v2, "personal_data"), "unlawful_purpose",
                        json_string("no"));
    amend(v2);
    json_decref(v2);
    assert_int_equal(get_obligations(&F.rep_a, R.id, &o), 200);
    check_invariants(o.json, R.id);
    json_t *items = json_object_get(o.json, "items");
    /* still applicable (more than 1,000 persons), 30 days instead of 60: moved earlier */
    json_t *fin = must_item(items, PPC_RULE, "final");
    assert_string_equal(itest_jstr(fin, "/state"), "active");
    xstrlcpy(R.final_due_v2, itest_jstr(fin, "/due_at"), sizeof(R.final_due_v2));
    assert_true(ms_of(R.final_due_v2) < ms_of(R.final_due_v1));
    assert_true(json_is_null(jsonx_ptr_get(fin, "/explanation/deadline/variant")));
    assert_int_equal(itest_jint(fin, "/last_version"), 2);
    assert_int_equal(itest_jint(fin, "/first_version"), 1);
    json_t *ev = last_event(fin);
    assert_string_equal(itest_jstr(ev, "/event"), "moved");
    assert_int_equal(itest_jint(ev, "/version"), 2);
    assert_string_equal(itest_jstr(ev, "/old_due_at"), R.final_due_v1);
    assert_string_equal(itest_jstr(ev, "/new_due_at"), R.final_due_v2);
    assert_string_equal(itest_jstr(ev, "/old_due_state"), "set");
    assert_int_equal(json_array_size(json_object_get(fin, "history")), 2);
    /* the 速報 did not change: kept, no new event */
    json_t *pre = must_item(items, PPC_RULE, "preliminary");
    assert_int_equal(json_array_size(json_object_get(pre, "history")), 1);
    assert_int_equal(itest_jint(pre, "/last_version"), 2);
    itest_resp_release(&o);
}

static void test_amend_withdraws(void **state)
{
    struct itest_resp o, v;
    UNUSED(state);
    /* no personal data: the details go too, so the report stays valid */
    json_t *v3 = json_deep_copy(R.v1);
    json_object_set_new(v3, "personal_data", json_pack("{s:s}", "involved", "no"));
    assert_int_equal(post_doc(&F.rep_a, "/api/v1/reports/validate", v3, &v), 200);
    if (!json_is_true(json_object_get(v.json, "valid")))
        fail_msg("the amended report should be valid: %s", v.body);
    itest_resp_release(&v);
    amend(v3);
    json_decref(v3);

    assert_int_equal(get_obligations(&F.rep_a, R.id, &o), 200);
    check_invariants(o.json, R.id);
    json_t *items = json_object_get(o.json, "items"), *it;
    size_t i, withdrawn = 0;
    json_array_foreach(items, i, it)
    {
        if (strcmp(itest_jstr(it, "/rule_id"), PPC_RULE))
            continue;
        /* still listed, withdrawn with the reason, never deleted */
        withdrawn++;
        assert_string_equal(itest_jstr(it, "/state"), "withdrawn");
        assert_string_equal(itest_jstr(it, "/status"), "withdrawn");
        assert_non_null(strstr(itest_jstr(it, "/withdrawn_reason/en"), "version 3"));
        assert_non_null(strstr(itest_jstr(it, "/withdrawn_reason/ja"), "第3版"));
        /* the explanation is recomputed from the withdrawing version: it shows why not */
        assert_string_equal(itest_jstr(it, "/explanation/why/facts/personal_data.involved"), "no");
        assert_true(json_is_false(json_object_get(json_object_get(it, "explanation"), "applies")));
        assert_int_equal(itest_jint(it, "/explanation/explained_with/version"), 3);
        json_t *ev = last_event(it);
        assert_string_equal(itest_jstr(ev, "/event"), "withdrawn");
        assert_int_equal(itest_jint(ev, "/version"), 3);
        assert_int_equal(itest_jint(it, "/last_version"), 3);
    }
    assert_int_equal(withdrawn, 2); /* 速報 and 確報 */
    itest_resp_release(&o);
}

static void test_amend_back_reinstates(void **state)
{
    struct itest_resp o;
    UNUSED(state);
    amend(R.v1);
    assert_int_equal(get_obligations(&F.rep_a, R.id, &o), 200);
    check_invariants(o.json, R.id);
    json_t *items = json_object_get(o.json, "items");
    json_t *fin = must_item(items, PPC_RULE, "final");
    assert_string_equal(itest_jstr(fin, "/state"), "active");
    assert_string_equal(itest_jstr(fin, "/due_at"), R.final_due_v1); /* 60 days again */
    json_t *h = json_object_get(fin, "history");
    assert_int_equal(json_array_size(h), 4);
    assert_string_equal(itest_jstr(fin, "/history/0/event"), "created");
    assert_string_equal(itest_jstr(fin, "/history/1/event"), "moved");
    assert_string_equal(itest_jstr(fin, "/history/2/event"), "withdrawn");
    assert_string_equal(itest_jstr(fin, "/history/3/event"), "reinstated");
    assert_int_equal(itest_jint(fin, "/history/3/version"), 4);
    assert_string_equal(itest_jstr(fin, "/history/3/new_due_at"), R.final_due_v1);
    json_t *pre = must_item(items, PPC_RULE, "preliminary");
    assert_string_equal(itest_jstr(last_event(pre), "/event"), "reinstated");
    /* the same obligation (one per rule and stage), not a new one */
    size_t i, n = 0;
    json_t *it;
    json_array_foreach(items, i, it) n += !strcmp(itest_jstr(it, "/rule_id"), PPC_RULE) &&
                                          !strcmp(itest_jstr(it, "/stage_id"), "final");
    assert_int_equal(n, 1);
    itest_resp_release(&o);
}

/* Each change of the ledger is one obligations.update entry; the chain still verifies. */
/* Each version's own audit entry (report.create, report.amend) records what happened to its
 * obligations: "version=N obligations:created=…,moved=…,withdrawn=…,reinstated=…". */
static void test_audited(void **state)
{
    char *out = NULL;
    UNUSED(state);
    json_t *entries = audit_entries("report.create", R.id);
    json_t *amends = audit_entries("report.amend", R.id);
    json_array_extend(entries, amends);
    json_decref(amends);
    size_t i;
    json_t *e;
    int seen[5] = {0};
    json_array_foreach(entries, i, e)
    {
        int version = 0, created = -1, moved = -1, withdrawn = -1, reinstated = -1;
        const char *detail = itest_jstr(e, "/detail");
        assert_int_equal(sscanf(detail,
                                "version=%d obligations:created=%d,moved=%d,withdrawn=%d,"
                                "reinstated=%d",
                                &version, &created, &moved, &withdrawn, &reinstated),
                         5);
        assert_true(version >= 1 && version <= 4);
        seen[version]++;
        if (version == 1)
            assert_true(created > 0);
        if (version == 2)
            assert_true(moved >= 1);
        if (version == 3)
            assert_true(withdrawn >= 2);
        if (version == 4)
            assert_true(reinstated >= 2);
        assert_string_equal(itest_jstr(e, "/actor"), F.rep_a.id);
    }
    for (int v = 1; v <= 4; v++)
        if (seen[v] != 1)
            fail_msg("version %d has %d audit entries with obligation changes", v, seen[v]);
    json_decref(entries);
    int rc = itest_cli(&F.srv, NULL, &out, "audit", "verify", NULL);
    if (rc != 0)
        fail_msg("audit verify exited %d: %s", rc, out ? out : "");
    assert_non_null(strstr(out, "audit log intact"));
    free(out);
}

/* Statuses are as of now: a report whose times lie a little in the past has a 速報 target that
 * has passed (never "overdue": it is a target) and a 確報 still ahead. */
static void test_status_as_of_now(void **state)
{
    struct itest_resp c, o;
    UNUSED(state);
    json_t *doc = json_deep_copy(R.v1);
    /* the PPC awareness time moves to 9 days ago; every other time keeps its distance */
    int64_t pd = ms_of(itest_jstr(doc, "/times/regime_awareness/0/aware_at"));
    shift_times(doc, rtime_now_ms() - 9 * 86400000LL - pd);
    assert_int_equal(post_doc(&F.rep_a, REPORTS, doc, &c), 201);
    char id[40];
    xstrlcpy(id, itest_jstr(c.json, "/id"), sizeof(id));
    itest_resp_release(&c);
    assert_int_equal(get_obligations(&F.rep_a, id, &o), 200);
    check_invariants(o.json, id);
    json_t *items = json_object_get(o.json, "items");
    json_t *pre = must_item(items, PPC_RULE, "preliminary");
    assert_string_equal(itest_jstr(pre, "/kind"), "target");
    assert_string_equal(itest_jstr(pre, "/status"), "target_passed");
    json_t *fin = must_item(items, PPC_RULE, "final");
    assert_string_equal(itest_jstr(fin, "/status"), "pending");
    assert_true(ms_of(itest_jstr(fin, "/due_at")) > rtime_now_ms() + 30 * 86400000LL);
    itest_resp_release(&o);
    json_decref(doc);
}

/* ---- proposed rules (issue 11 item 4) ---- */

/* The item of the incident for rule/stage in GET /api/v1/obligations?status=… (borrowed from
 * r), or NULL. */
static json_t *open_item(struct itest_resp *r, const char *statuses, const char *incident,
                         const char *rule)
{
    char path[160];
    size_t i;
    json_t *it;
    snprintf(path, sizeof(path), "/api/v1/obligations?limit=100&status=%s", statuses);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, r), 200);
    json_array_foreach(json_object_get(r->json, "items"), i, it)
    {
        if (!strcmp(itest_jstr(it, "/incident_id"), incident) &&
            !strcmp(itest_jstr(it, "/rule_id"), rule))
            return it;
    }
    return NULL;
}

/* A CIRCIA substantial incident (the CIRCIA rule is a proposal, NPRM 2024: "status":
 * "proposed") whose times lie 70 days in the past. Hand-computed from the texts: the CIRCIA
 * report would be due 72 hours after awareness (6 U.S.C. 681b(a)(1); proposed 6 CFR 226.5),
 * about 67 days ago: the deadline passed, but it binds no one, so "proposed_deadline_passed",
 * never "overdue", and not in the overdue listing. The PPC 確報 of the same report (施行規則
 * 8条1項2号, 60 days counting the day of knowing) passed about 10 days ago and is overdue. */
static void test_proposed_never_overdue(void **state)
{
    struct itest_resp c, o, l;
    UNUSED(state);
    json_t *doc = json_deep_copy(R.v1);
    json_object_set_new(jsonx_ptr_get(doc, "/classification/regime_flags"), "circia_substantial",
                        json_string("yes"));
    json_object_set_new(json_object_get(doc, "entity"), "circia_covered", json_string("yes"));
    int64_t pd = ms_of(itest_jstr(doc, "/times/regime_awareness/0/aware_at"));
    shift_times(doc, rtime_now_ms() - 70 * 86400000LL - pd);
    int64_t aware = ms_of(itest_jstr(doc, "/times/aware_at"));
    assert_int_equal(post_doc(&F.rep_a, REPORTS, doc, &c), 201);
    char id[40];
    xstrlcpy(id, itest_jstr(c.json, "/id"), sizeof(id));
    itest_resp_release(&c);

    assert_int_equal(get_obligations(&F.rep_a, id, &o), 200);
    check_invariants(o.json, id);
    json_t *items = json_object_get(o.json, "items");
    json_t *ci = must_item(items, "us.circia.covered-incident", "report");
    assert_int_equal(ms_of(itest_jstr(ci, "/due_at")), aware + 72 * 3600000LL);
    assert_string_equal(itest_jstr(ci, "/status"), "proposed_deadline_passed");
    assert_string_equal(itest_jstr(ci, "/rule_status"), "proposed");
    assert_true(json_is_false(json_object_get(ci, "in_force")));
    assert_string_equal(itest_jstr(ci, "/rule_status_text/en"), "proposed rule, not in force");
    assert_string_equal(itest_jstr(ci, "/rule_status_text/ja"), "案（未施行）");
    assert_true(json_is_false(jsonx_ptr_get(ci, "/explanation/in_force")));
    json_t *fin = must_item(items, PPC_RULE, "final");
    assert_string_equal(itest_jstr(fin, "/status"), "overdue");
    assert_string_equal(itest_jstr(fin, "/rule_status"), "in_force");
    assert_true(json_is_true(json_object_get(fin, "in_force")));
    assert_true(json_is_null(json_object_get(fin, "rule_status_text")));
    char ci_id[40];
    xstrlcpy(ci_id, itest_jstr(ci, "/id"), sizeof(ci_id));

    /* the organisation's overdue deadlines: the PPC 確報, not the proposal */
    assert_non_null(open_item(&l, "overdue", id, PPC_RULE));
    itest_resp_release(&l);
    assert_null(open_item(&l, "overdue", id, "us.circia.covered-incident"));
    itest_resp_release(&l);
    json_t *p = open_item(&l, "proposed_deadline_passed", id, "us.circia.covered-incident");
    assert_non_null(p);
    assert_string_equal(itest_jstr(p, "/status"), "proposed_deadline_passed");
    assert_true(json_is_false(json_object_get(p, "in_force")));
    assert_string_equal(itest_jstr(p, "/rule_status_text/ja"), "案（未施行）");
    itest_resp_release(&l);

    /* the calendar feed: its event says 案（未施行）, not 期限超過 (lines unfolded, RFC 5545
     * §3.1; the comma escaped, §3.3.11) */
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/calendar.ics", &l), 200);
    struct buf ics;
    buf_init(&ics, BUF_UNLIMITED);
    for (const char *q = l.body; *q; q++) {
        if (q[0] == '\r' && q[1] == '\n' && (q[2] == ' ' || q[2] == '\t'))
            q += 2;
        else
            buf_append(&ics, q, 1);
    }
    char want[96];
    snprintf(want, sizeof(want), "UID:%s@ichigen\r\n", ci_id);
    const char *ev = strstr(buf_cstr(&ics), want), *end = ev ? strstr(ev, "END:VEVENT") : NULL;
    assert_non_null(end);
    const char *sum = strstr(ev, "SUMMARY:【案（未施行） proposed rule\\, not in force】");
    assert_true(sum && sum < end);
    const char *over = strstr(ev, "期限超過");
    assert_true(!over || over > end);
    const char *cat = strstr(ev, "CATEGORIES:ichigen,案 proposed\r\n");
    assert_true(cat && cat < end);
    buf_release(&ics);
    itest_resp_release(&l);
    itest_resp_release(&o);
    json_decref(doc);
}

/* ---- preview ---- */

static long long report_count(const struct itest_user *u)
{
    long long n = 0;
    char path[300];
    const char *cursor = NULL;
    char cur[200] = "";
    do {
        struct itest_resp r;
        if (cursor)
            snprintf(path, sizeof(path), "%s?limit=100&cursor=%s", REPORTS, cursor);
        else
            snprintf(path, sizeof(path), "%s?limit=100", REPORTS);
        assert_int_equal(itest_get(&F.srv, u->token, path, &r), 200);
        n += (long long)json_array_size(json_object_get(r.json, "items"));
        const char *next = itest_jstr(r.json, "/next_cursor");
        cursor = NULL;
        if (next) {
            xstrlcpy(cur, next, sizeof(cur));
            cursor = cur;
        }
        itest_resp_release(&r);
    } while (cursor);
    return n;
}

static void check_preview(json_t *resp, bool valid)
{
    json_t *obs = json_object_get(resp, "obligations"),
           *na = json_object_get(resp, "not_applicable");
    json_t *it;
    size_t i;
    assert_true(json_is_boolean(json_object_get(resp, "valid")));
    assert_int_equal(json_is_true(json_object_get(resp, "valid")), valid);
    assert_int_equal(strlen(itest_jstr(resp, "/rules_version")), 64);
    assert_true(json_array_size(obs) > 0);
    assert_true(json_array_size(na) > 0);
    json_array_foreach(obs, i, it)
    {
        assert_non_null(itest_jstr(it, "/rule_id"));
        assert_non_null(itest_jstr(it, "/stage/id"));
        assert_non_null(itest_jstr(it, "/recipient/id"));
        assert_non_null(itest_jstr(it, "/status"));
        assert_true(json_is_true(json_object_get(it, "applies")));
        assert_true(json_is_object(json_object_get(it, "deadline")));
        assert_true(json_array_size(json_object_get(it, "citations")) > 0);
    }
    bool sec = false;
    json_array_foreach(na, i, it)
    {
        assert_non_null(itest_jstr(it, "/rule_id"));
        assert_true(json_is_object(json_object_get(it, "why")));
        /* issue 11 item 6: what would change the answer */
        json_t *w = jsonx_ptr_get(it, "/why/would_apply_if");
        assert_true(json_is_array(w));
        if (!strcmp(itest_jstr(it, "/rule_id"), "us.sec.8k-item-1-05"))
            sec = json_array_size(w) > 0 && !strcmp(itest_jstr(json_array_get(w, 0), "/condition"),
                                                    "entity.sec_registrant == \"yes\"");
    }
    assert_true(sec);
    bool ppc = false;
    json_array_foreach(obs, i, it) ppc |= !strcmp(itest_jstr(it, "/rule_id"), PPC_RULE);
    assert_true(ppc);
}

static void test_preview(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    long long reports = report_count(&F.rep_a), audit = audit_count();
    /* a valid draft */
    assert_int_equal(post_doc(&F.rep_a, PREVIEW, R.v1, &r), 200);
    check_preview(r.json, true);
    assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 0);
    itest_resp_release(&r);
    /* an invalid draft is still evaluated */
    json_t *draft = json_deep_copy(R.v1);
    json_object_del(json_object_get(draft, "description"), "summary");
    json_object_set_new(json_object_get(draft, "personal_data"), "individuals_count",
                        json_string("about twenty thousand"));
    assert_int_equal(post_doc(&F.rep_b, PREVIEW, draft, &r), 200);
    check_preview(r.json, false);
    assert_true(json_array_size(json_object_get(r.json, "errors")) >= 2);
    assert_non_null(itest_jstr(r.json, "/errors/0/pointer"));
    itest_resp_release(&r);
    json_decref(draft);
    /* nothing was stored */
    assert_int_equal(report_count(&F.rep_a), reports);
    assert_int_equal(audit_count(), audit);
    /* not JSON */
    itest_post(&F.srv, F.rep_a.token, PREVIEW, "{\"times\":", &r);
    assert_int_equal(r.status, 400);
    itest_resp_release(&r);
}

/* ---- who may see what ---- */

static void test_authorisation(void **state)
{
    struct itest_resp r;
    char path[160];
    UNUSED(state);
    /* another organisation's reporter: the report does not exist for them */
    assert_int_equal(get_obligations(&F.rep_b, R.id, &r), 404);
    assert_string_equal(itest_problem_code(&r), "not_found");
    itest_resp_release(&r);
    /* roles that do not read reports */
    const struct itest_user *others[] = {&F.recipient, &F.authority, &F.admin};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        assert_int_equal(get_obligations(others[i], R.id, &r), 403);
        itest_resp_release(&r);
        assert_int_equal(post_doc(others[i], PREVIEW, R.v1, &r), 403);
        itest_resp_release(&r);
    }
    /* no token */
    assert_int_equal(get_obligations(NULL, R.id, &r), 401);
    assert_non_null(strstr(r.www_authenticate, "Bearer"));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "%s", PREVIEW);
    assert_int_equal(itest_post(&F.srv, NULL, path, "{}", &r), 401);
    itest_resp_release(&r);
    /* unknown and malformed ids */
    assert_int_equal(get_obligations(&F.rep_a, "01890000-0000-7000-8000-000000000000", &r), 404);
    itest_resp_release(&r);
    assert_int_equal(get_obligations(&F.rep_a, "not-a-uuid", &r), 404);
    itest_resp_release(&r);
    /* the owner still can */
    assert_int_equal(get_obligations(&F.rep_a, R.id, &r), 200);
    itest_resp_release(&r);
}

/* Issue 11 item 2: a regime brought in by an amendment (CIRCIA's substantial-incident flag
 * answered "yes" in version 2, days after the awareness of version 1) counts from the
 * incident's awareness when the report gives no awareness for that regime — and the
 * explanation says which time it used and asks for the regime's own; once given, the deadline
 * counts from it (72 h: 2026-11-20 10:00 EST → 2026-11-23 10:00 EST = 15:00Z). */
static void test_regime_awareness_asked(void **state)
{
    struct itest_resp r;
    char id[40], path[160], etag[64], im[96];
    UNUSED(state);
    json_t *doc = itest_load_json("tests/data/obligations/bases/us-company.json");
    assert_non_null(doc);
    json_object_set_new(json_object_get(doc, "entity"), "circia_covered", json_string("yes"));
    json_object_set_new(json_object_get(doc, "times"), "aware_at",
                        json_string("2026-11-16T09:00:00-05:00"));
    json_t *cls = json_object_get(doc, "classification");
    json_object_set_new(cls, "categories", json_pack("[s]", "ransomware"));
    json_object_set_new(cls, "suspected_malicious", json_string("yes"));
    json_object_set_new(cls, "regime_flags", json_pack("{s:s}", "circia_substantial", "unknown"));
    assert_int_equal(post_doc(&F.rep_a, REPORTS, doc, &r), 201);
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    xstrlcpy(etag, r.etag, sizeof(etag));
    itest_resp_release(&r);
    /* version 1: the substantial-incident question is open — a determination (issue 11 item
     * 1), with the deadline that would apply and the fact to settle */
    assert_int_equal(get_obligations(&F.rep_a, id, &r), 200);
    json_t *d = must_item(json_object_get(r.json, "items"), "us.circia.covered-incident", "report");
    assert_string_equal(itest_jstr(d, "/status"), "undetermined");
    assert_string_equal(itest_jstr(d, "/due_at"), "2026-11-19T14:00:00.000Z");
    assert_string_equal(itest_jstr(d, "/explanation/determination/unknown_facts/0"),
                        "classification.regime_flags.circia_substantial");
    assert_null(jsonx_ptr_get(d, "/explanation/deadline/anchor/note")); /* not amended yet */
    char ob[40];
    xstrlcpy(ob, itest_jstr(d, "/id"), sizeof(ob));
    itest_resp_release(&r);
    /* the cross-incident list shows it as a decision to make, never as overdue */
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/obligations?status=undetermined", &r),
                     200);
    assert_non_null(strstr(r.body, ob));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/obligations?status=overdue", &r), 200);
    assert_null(strstr(r.body, ob));
    itest_resp_release(&r);

    for (int v = 2; v <= 3; v++) {
        if (v == 2)
            json_object_set_new(json_object_get(cls, "regime_flags"), "circia_substantial",
                                json_string("yes"));
        else
            json_object_set_new(
                json_object_get(doc, "times"), "regime_awareness",
                json_pack("[{s:s, s:s}]", "regime", "CI", "aware_at", "2026-11-20T10:00:00-05:00"));
        char *body = itest_dump(doc);
        snprintf(path, sizeof(path), "%s/%s/versions", REPORTS, id);
        snprintf(im, sizeof(im), "If-Match: %s", etag);
        itest_http(&F.srv,
                   &(struct itest_req){
                       .path = path, .token = F.rep_a.token, .body = body, .headers = {im}},
                   &r);
        free(body);
        assert_int_equal(r.status, 201);
        xstrlcpy(etag, r.etag, sizeof(etag));
        itest_resp_release(&r);
        assert_int_equal(get_obligations(&F.rep_a, id, &r), 200);
        json_t *it =
            item_for(json_object_get(r.json, "items"), "us.circia.covered-incident", "report");
        assert_non_null(it);
        assert_int_equal(itest_jint(it, "/first_version"), 1); /* the determination's row */
        /* settled: the determination became the report itself */
        assert_string_not_equal(itest_jstr(it, "/status"), "undetermined");
        assert_null(jsonx_ptr_get(it, "/explanation/determination"));
        json_t *note = jsonx_ptr_get(it, "/explanation/deadline/anchor/note");
        if (v == 2) {
            /* from the incident's awareness: 2026-11-16 09:00 EST + 72 h */
            assert_string_equal(itest_jstr(it, "/due_at"), "2026-11-19T14:00:00.000Z");
            assert_non_null(note);
            assert_non_null(strstr(itest_jstr(note, "/ja"), "times.regime_awareness"));
            assert_non_null(strstr(itest_jstr(note, "/en"), "(version 2)"));
        } else {
            assert_string_equal(itest_jstr(it, "/due_at"), "2026-11-23T15:00:00.000Z");
            assert_null(note);
        }
        itest_resp_release(&r);
    }
    json_decref(doc);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static int setup(void **state)
{
    UNUSED(state);
    return itest_fixture_setup(&F, NULL);
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    json_decref(R.v1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_created_with_the_report),
        cmocka_unit_test(test_amend_moves),
        cmocka_unit_test(test_amend_withdraws),
        cmocka_unit_test(test_amend_back_reinstates),
        cmocka_unit_test(test_audited),
        cmocka_unit_test(test_status_as_of_now),
        cmocka_unit_test(test_proposed_never_overdue),
        cmocka_unit_test(test_preview),
        cmocka_unit_test(test_authorisation),
        cmocka_unit_test(test_regime_awareness_asked),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
