/*
 * test_app.c — the use cases of src/app/ (issue 9 item 1) against a real SQLite store in a
 * temporary directory, the shipped rules (data/) and the shipped recipients' default routes:
 * what each returns for the right actor, the wrong organisation and the wrong role, and the
 * gather-all problem lists. The HTTP answers for the same cases are itest_*.c's.
 */
#include "app/app_authz.h"
#include "app/app_changes.h"
#include "app/app_inbox.h"
#include "app/app_ledger.h"
#include "app/app_obligations.h"
#include "app/app_reminders.h"
#include "app/app_report.h"
#include "app/app_requests.h"
#include "app/app_submit.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "core/uuid.h"
#include "outbox/outbox.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define T0 1795305600000LL /* 2026-11-22T00:00:00Z, after the example's aware_at */
#define ACTOR "cli:test"

static struct ruleset *RS;          /* data/: the shipped rules */
static struct outbox_config ROUTES; /* the shipped recipients' default routes */
static char *REPORT;                /* docs/examples/full-report.json, submittable */

/* Organisations: A and B report; C receives for the NCO (bound), D is an unbound authority. */
struct party {
    struct org o;
    struct user u;
    struct principal who;
};

struct fx {
    char dir[64];
    struct app app;
    struct app_result res; /* the outcome of the latest use case called (fresh) */
    bool replayed;         /* create(): the latest create was an idempotent replay */
    struct party a, a_admin, b, c, d;
};

static void add_party(struct fx *f, struct party *p, const char *kind, enum role role,
                      const struct party *same_org)
{
    memset(p, 0, sizeof(*p));
    if (same_org) {
        p->o = same_org->o;
    } else {
        uuid_v7_new(p->o.id);
        snprintf(p->o.name_ja, sizeof(p->o.name_ja), "組織%.8s", p->o.id + 28);
        snprintf(p->o.name_en, sizeof(p->o.name_en), "Org %.8s", p->o.id + 28);
        xstrlcpy(p->o.kind, kind, sizeof(p->o.kind));
        xstrlcpy(p->o.sector, "none", sizeof(p->o.sector));
        p->o.created_at = T0;
        assert_int_equal(store_org_create(f->app.store, &p->o, ACTOR, T0), STORE_OK);
    }
    uuid_v7_new(p->u.id);
    xstrlcpy(p->u.org_id, p->o.id, sizeof(p->u.org_id));
    snprintf(p->u.username, sizeof(p->u.username), "u%.8s", p->u.id + 28);
    xstrlcpy(p->u.display_name, "利用者", sizeof(p->u.display_name));
    p->u.role = role;
    xstrlcpy(p->u.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
             sizeof(p->u.password_hash));
    p->u.created_at = T0;
    assert_int_equal(store_user_create(f->app.store, &p->u, ACTOR, T0), STORE_OK);
    xstrlcpy(p->who.user_id, p->u.id, sizeof(p->who.user_id));
    xstrlcpy(p->who.org_id, p->o.id, sizeof(p->who.org_id));
    xstrlcpy(p->who.username, p->u.username, sizeof(p->who.username));
    p->who.role = role;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char url[128];
    struct err e;
    if (unit_tmpdir(f->dir, "app"))
        return -1;
    snprintf(url, sizeof(url), "sqlite:%s/ichigen.db", f->dir);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 8};
    err_init(&e);
    if (!(f->app.store = store_open(&o, &e))) {
        print_error("store_open: %s\n", e.msg);
        return -1;
    }
    config_defaults(&f->app.cfg);
    app_limits_from_config(&f->app.limits, &f->app.cfg);
    f->app.rules = RS;
    f->app.delivery = &ROUTES;
    f->app.due_soon_ms = 24 * 3600000LL;
    app_result_init(&f->res, 100);
    add_party(f, &f->a, "company", ROLE_REPORTER, NULL);
    add_party(f, &f->a_admin, "company", ROLE_ADMIN, &f->a);
    add_party(f, &f->b, "company", ROLE_REPORTER, NULL);
    add_party(f, &f->c, "authority", ROLE_RECIPIENT, NULL);
    add_party(f, &f->d, "authority", ROLE_RECIPIENT, NULL);
    assert_int_equal(store_binding_set(f->app.store, "nco", f->c.o.id, ACTOR, T0), STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    app_result_release(&f->res);
    store_close(f->app.store);
    unit_rmtree(f->dir);
    free(f);
    return 0;
}

/* The fixture's result, emptied for the next use case. */
static struct app_result *fresh(struct fx *f)
{
    app_result_release(&f->res);
    app_result_init(&f->res, 100);
    return &f->res;
}

/* The call of actor p at T0 (and an emptied result). */
static struct app_call call(struct fx *f, const struct party *p)
{
    fresh(f);
    return (struct app_call){&f->app, &p->who, T0};
}

/* Whether the latest result's problem list holds code at pointer. */
static bool has_problem(const struct fx *f, const char *pointer, const char *code)
{
    for (size_t i = 0; i < f->res.errs.n; i++)
        if (!strcmp(f->res.errs.v[i].pointer, pointer) && !strcmp(f->res.errs.v[i].code, code))
            return true;
    return false;
}

/* Creates text as actor p; returns the problem (the result's own, checked) and on success the
 * incident id, with f->replayed. */
static enum app_problem create(struct fx *f, const struct party *p, const char *text,
                               const char *key, char id[UUID_STR_LEN])
{
    struct report_rec rec;
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    struct app_call c = call(f, p);
    struct app_report_in in = {.body = text, .body_len = strlen(text), .doc = doc, .idem_key = key};
    enum app_problem pr = app_report_create(&c, &in, &rec, &f->replayed, &f->res);
    assert_int_equal(pr, f->res.problem);
    if (pr == APP_OK) {
        xstrlcpy(id, rec.id, UUID_STR_LEN);
        assert_string_equal(rec.org_id, p->o.id);
        report_rec_release(&rec);
    } else {
        assert_false(f->replayed);
    }
    json_decref(doc);
    return pr;
}

/* Amends id as actor p naming version if_match (0: none); a 412's current version is
 * f->res.version. */
static enum app_problem amend(struct fx *f, const struct party *p, const char *id, int if_match)
{
    struct report_rec rec;
    json_t *doc = json_loads(REPORT, 0, NULL);
    struct app_call c = call(f, p);
    struct app_report_in in = {.body = REPORT,
                               .body_len = strlen(REPORT),
                               .doc = doc,
                               .report_id = id,
                               .pre = {app_expect_version, &if_match}};
    enum app_problem pr = app_report_amend(&c, &in, &rec, &f->res);
    assert_int_equal(pr, f->res.problem);
    report_rec_release(&rec);
    json_decref(doc);
    return pr;
}

/* ---- authorisation ---- */

static void test_authz(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN];
    struct report_rec rec;
    assert_int_equal(app_authz(&f->a.who, ACT_REPORT_CREATE, NULL, fresh(f)), APP_OK);
    assert_int_equal(f->res.problem, APP_OK);
    assert_int_equal(app_authz(&f->a.who, ACT_REPORT_READ, f->a.o.id, fresh(f)), APP_OK);
    assert_int_equal(app_authz(&f->a.who, ACT_REPORT_READ, f->b.o.id, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(f->res.problem, APP_PROB_NOT_FOUND);
    assert_int_equal(app_authz(&f->c.who, ACT_REPORT_READ, NULL, fresh(f)), APP_PROB_FORBIDDEN);
    assert_int_equal(f->res.problem, APP_PROB_FORBIDDEN);
    assert_int_equal(app_authz(&f->a_admin.who, ACT_REPORT_READ, f->a.o.id, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_authz_org(&f->a.who, ACT_SUBMIT, f->a.o.id, fresh(f)), APP_OK);
    assert_int_equal(app_authz_org(&f->a.who, ACT_SUBMIT, f->b.o.id, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_authz_org(&f->a.who, ACT_SUBMIT, "not-a-uuid", fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_authz_org(&f->c.who, ACT_SUBMIT, f->c.o.id, fresh(f)), APP_PROB_FORBIDDEN);

    assert_int_equal(create(f, &f->a, REPORT, NULL, id), APP_OK);
    struct app_call c = call(f, &f->a);
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, id, 0, &rec, fresh(f)), APP_OK);
    report_rec_release(&rec);
    c = call(f, &f->b); /* another organisation's report: as if it did not exist */
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, id, 0, &rec, fresh(f)),
                     APP_PROB_NOT_FOUND);
    report_rec_release(&rec);
    c = call(f, &f->c); /* a role that never reads reports learns nothing, not even existence */
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, id, 0, &rec, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, "nope", 0, &rec, fresh(f)),
                     APP_PROB_FORBIDDEN);
    c = call(f, &f->a);
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, "nope", 0, &rec, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_authz_report(&c, ACT_REPORT_READ, "019ab0b0-cc00-7000-8000-000000000000",
                                      0, &rec, fresh(f)),
                     APP_PROB_NOT_FOUND);
}

/* ---- create and amend ---- */

static void test_create(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN], again[UUID_STR_LEN];
    assert_int_equal(create(f, &f->a, REPORT, "k1", id), APP_OK);
    assert_false(f->replayed);
    assert_int_equal(create(f, &f->a, REPORT, "k1", again), APP_OK);
    assert_true(f->replayed); /* the first result again, nothing written */
    assert_string_equal(again, id);
    assert_int_equal(create(f, &f->a, "{\"envelope\":{}}", "k1", again), APP_PROB_REPORT_INVALID);
    assert_int_equal(
        create(f, &f->a, "{\"envelope\":{\"format\":\"ichigen-report/1\"}}", NULL, again),
        APP_PROB_REPORT_INVALID);
    assert_true(f->res.errs.n > 1); /* every problem, not the first */
    /* the same key with other (valid) bytes */
    json_t *doc = json_loads(REPORT, 0, NULL);
    json_object_set_new(json_object_get(doc, "response"), "other", json_string("別の内容"));
    char *other = json_dumps(doc, JSON_COMPACT);
    assert_int_equal(create(f, &f->a, other, "k1", again), APP_PROB_IDEMPOTENCY_KEY_REUSED);
    free(other);
    json_decref(doc);
    /* roles that do not file reports */
    assert_int_equal(create(f, &f->c, REPORT, NULL, again), APP_PROB_FORBIDDEN);
    assert_int_equal(create(f, &f->a_admin, REPORT, NULL, again), APP_PROB_FORBIDDEN);
}

static void test_amend(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN];
    assert_int_equal(create(f, &f->a, REPORT, NULL, id), APP_OK);
    assert_int_equal(amend(f, &f->a, id, 0), APP_PROB_AMEND_PRECONDITION_REQUIRED);
    assert_int_equal(amend(f, &f->a, id, 2), APP_PROB_PRECONDITION_FAILED);
    assert_int_equal(f->res.version, 1);
    assert_non_null(strstr(f->res.detail_en, "latest version is 1"));
    assert_int_equal(amend(f, &f->b, id, 1), APP_PROB_NOT_FOUND);
    assert_int_equal(amend(f, &f->c, id, 1), APP_PROB_FORBIDDEN);
    assert_int_equal(amend(f, &f->a, id, 1), APP_OK);
    assert_int_equal(amend(f, &f->a, id, 1), APP_PROB_PRECONDITION_FAILED);
    assert_int_equal(f->res.version, 2);
}

/* ---- submit and the inbox ---- */

/* Submits id's latest version (naming version) as actor p with body (NULL: everything due). */
static enum app_problem submit(struct fx *f, const struct party *p, const char *id, int version,
                               const char *body, struct app_submit_out *out)
{
    json_t *doc = body ? json_loads(body, 0, NULL) : NULL;
    struct app_call c = call(f, p);
    struct app_submit_in in = {id, {app_expect_version, &version}, doc};
    enum app_problem pr = app_report_submit(&c, &in, out, &f->res);
    assert_int_equal(pr, f->res.problem);
    json_decref(doc);
    return pr;
}

/* Previews id's latest version (naming version) as actor p with body (NULL: no choice). */
static enum app_problem preview(struct fx *f, const struct party *p, const char *id, int version,
                                const char *body, struct app_submit_out *out)
{
    json_t *doc = body ? json_loads(body, 0, NULL) : NULL;
    struct app_call c = call(f, p);
    struct app_submit_in in = {id, {app_expect_version, &version}, doc};
    enum app_problem pr = app_report_submit_preview(&c, &in, out, &f->res);
    assert_int_equal(pr, f->res.problem);
    json_decref(doc);
    return pr;
}

/* What the store holds of an incident that a submit changes: its submissions, its ledger
 * (every obligation's state and live submission) and the audit log's head. */
static void store_state(struct fx *f, const char *id, struct buf *out)
{
    struct submission_list l = {0};
    struct obligation_list obs = {0};
    struct audit_rec head;
    struct submission_filter sf = {.incident_id = id, .limit = 100};
    assert_int_equal(store_submissions_list(f->app.store, &sf, &l), STORE_OK);
    for (size_t i = 0; i < l.n; i++)
        buf_appendf(out, "s %s %s\n", l.items[i].id, l.items[i].payload_sha256);
    submission_list_release(&l);
    assert_int_equal(store_obligations_list(f->app.store, id, &obs), STORE_OK);
    for (size_t i = 0; i < obs.n; i++)
        buf_appendf(out, "o %s %s %lld %lld %d %d\n", obs.items[i].id, obs.items[i].live_submission,
                    (long long)obs.items[i].submitted_at, (long long)obs.items[i].updated_at,
                    obs.items[i].due_state, obs.items[i].last_version);
    obligation_list_release(&obs);
    if (store_audit_head(f->app.store, &head) == STORE_OK)
        buf_appendf(out, "a %lld\n", (long long)head.seq);
}

/* The preview plans what the submit sends, writes nothing, and the submit that follows sends
 * exactly the previewed bytes under the previewed ids (issue 10 item 3). */
static void test_preview(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN];
    struct app_submit_out pv, again, out;
    struct buf before, after;
    assert_int_equal(create(f, &f->a, REPORT, NULL, id), APP_OK);
    /* the submit's authorisation and precondition */
    assert_int_equal(preview(f, &f->b, id, 1, NULL, &pv), APP_PROB_NOT_FOUND);
    app_submit_out_release(&pv);
    assert_int_equal(preview(f, &f->c, id, 1, NULL, &pv), APP_PROB_FORBIDDEN);
    app_submit_out_release(&pv);
    assert_int_equal(preview(f, &f->a, id, 2, NULL, &pv), APP_PROB_PRECONDITION_FAILED);
    app_submit_out_release(&pv);
    assert_int_equal(preview(f, &f->a, id, 1, "{\"obligations\":[\"x\"]}", &pv),
                     APP_PROB_VALIDATION);
    app_submit_out_release(&pv);

    buf_init(&before, BUF_UNLIMITED);
    buf_init(&after, BUF_UNLIMITED);
    store_state(f, id, &before);
    assert_int_equal(preview(f, &f->a, id, 1, NULL, &pv), APP_OK);
    assert_int_equal(preview(f, &f->a, id, 1, NULL, &again), APP_OK);
    store_state(f, id, &after);
    assert_string_equal(buf_cstr(&after), buf_cstr(&before)); /* nothing written */
    assert_false(pv.created);
    assert_int_equal(pv.nsent, 0);
    assert_true(pv.nplanned > 0);
    assert_int_equal(pv.nplanned, pv.plan.nsend);
    assert_int_equal(again.nplanned, pv.nplanned);
    for (size_t i = 0; i < pv.nplanned; i++) {
        char sha[HASH_SHA256_HEX];
        hash_sha256_hex(pv.planned[i].payload.data, pv.planned[i].payload.len, sha);
        assert_string_equal(sha, pv.planned[i].sha);
        assert_string_equal(again.planned[i].sha, pv.planned[i].sha); /* deterministic */
        assert_non_null(pv.planned[i].name_ja);
    }
    app_submit_out_release(&again);

    /* a minute later, the submit sends the previewed bytes: same ids, SHA-256 and bytes */
    int v1 = 1;
    struct app_call later = call(f, &f->a);
    later.now_ms += 60000;
    struct app_submit_in in = {id, {app_expect_version, &v1}, NULL};
    assert_int_equal(app_report_submit(&later, &in, &out, &f->res), APP_OK);
    assert_int_equal(out.nsent, pv.nplanned);
    for (size_t i = 0; i < pv.nplanned; i++) {
        const struct submission_rec *s = NULL;
        for (size_t k = 0; k < out.nsent && !s; k++)
            if (!strcmp(out.sent[k].id, pv.planned[i].id))
                s = &out.sent[k];
        assert_non_null(s);
        assert_string_equal(s->obligation_id, pv.planned[i].ob->id);
        assert_string_equal(s->payload_sha256, pv.planned[i].sha);
        assert_int_equal(s->payload_len, pv.planned[i].payload.len);
        assert_memory_equal(s->payload, pv.planned[i].payload.data, s->payload_len);
    }
    app_submit_out_release(&out);
    app_submit_out_release(&pv);
    buf_release(&before);
    buf_release(&after);
}

static const struct submission_rec *sent_to(const struct app_submit_out *o, const char *channel)
{
    for (size_t i = 0; i < o->nsent; i++)
        if (!strcmp(o->sent[i].channel, channel))
            return &o->sent[i];
    return NULL;
}

static void test_submit(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN];
    struct app_submit_out out;
    assert_int_equal(create(f, &f->a, REPORT, NULL, id), APP_OK);

    assert_int_equal(submit(f, &f->b, id, 1, NULL, &out), APP_PROB_NOT_FOUND);
    app_submit_out_release(&out);
    assert_int_equal(submit(f, &f->c, id, 1, NULL, &out), APP_PROB_FORBIDDEN);
    app_submit_out_release(&out);
    assert_int_equal(submit(f, &f->a, id, 0, NULL, &out), APP_PROB_PRECONDITION_REQUIRED);
    app_submit_out_release(&out);
    assert_int_equal(submit(f, &f->a, id, 2, NULL, &out), APP_PROB_PRECONDITION_FAILED);
    assert_int_equal(f->res.version, 1);
    app_submit_out_release(&out);
    assert_int_equal(submit(f, &f->a, id, 1, "{\"obligations\":[\"x\",\"y\"]}", &out),
                     APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/obligations/0", "unknown_obligation"));
    assert_true(has_problem(f, "/obligations/1", "unknown_obligation"));
    app_submit_out_release(&out);

    assert_int_equal(submit(f, &f->a, id, 1, NULL, &out), APP_OK);
    assert_true(out.created);
    const struct submission_rec *inbox = sent_to(&out, "inbox");
    assert_non_null(inbox);
    assert_string_equal(inbox->recipient_id, "nco");
    assert_string_equal(inbox->status, "available");
    assert_string_equal(inbox->org_id, f->a.o.id);
    char sub[UUID_STR_LEN];
    xstrlcpy(sub, inbox->id, sizeof(sub));
    app_submit_out_release(&out);

    /* the reporting side reads it, another organisation does not */
    struct submission_rec s;
    struct submission_events ev;
    struct app_call c = call(f, &f->a);
    assert_int_equal(app_submission_get(&c, sub, &s, &ev, fresh(f)), APP_OK);
    assert_true(ev.n >= 1);
    submission_rec_release(&s);
    submission_events_release(&ev);
    c = call(f, &f->b);
    assert_int_equal(app_submission_get(&c, sub, &s, &ev, fresh(f)), APP_PROB_NOT_FOUND);
    c = call(f, &f->c); /* the recipient reads it through its inbox, not as a sender */
    assert_int_equal(app_submission_get(&c, sub, &s, &ev, fresh(f)), APP_PROB_FORBIDDEN);

    /* the receiving side: the bound organisation only */
    c = call(f, &f->d);
    assert_int_equal(app_inbox_get(&c, sub, true, &s, fresh(f)), APP_PROB_NOT_FOUND);
    c = call(f, &f->a); /* the reporter's role has no inbox */
    assert_int_equal(app_inbox_get(&c, sub, true, &s, fresh(f)), APP_PROB_FORBIDDEN);
    c = call(f, &f->c);
    assert_int_equal(app_inbox_get(&c, sub, true, &s, fresh(f)), APP_OK);
    assert_string_equal(s.status, "delivered");
    assert_non_null(s.payload);
    submission_rec_release(&s);

    struct inbox_page l;
    struct app_inbox_query q = {.limit = 50};
    assert_int_equal(app_inbox_list(&c, &q, &l, fresh(f)), APP_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].s.id, sub);
    inbox_page_release(&l);
    c = call(f, &f->d); /* bound to nothing: an empty inbox */
    assert_int_equal(app_inbox_list(&c, &q, &l, fresh(f)), APP_OK);
    assert_int_equal(l.n, 0);
    inbox_page_release(&l);
    q.status = "lost";
    c = call(f, &f->c);
    assert_int_equal(app_inbox_list(&c, &q, &l, fresh(f)), APP_PROB_BAD_QUERY);
    assert_true(has_problem(f, "?status", "bad_query"));
    q.status = NULL;
    q.sort = "priority"; /* issue 10 item 7: newest, oldest or deadline */
    assert_int_equal(app_inbox_list(&c, &q, &l, fresh(f)), APP_PROB_BAD_QUERY);
    assert_true(has_problem(f, "?sort", "bad_query"));

    /* a receipt: once, by the bound organisation */
    json_t *body = json_pack("{s:s}", "reference", "NCO-1");
    c = call(f, &f->d);
    assert_int_equal(app_inbox_receipt(&c, sub, body, &s, fresh(f)), APP_PROB_NOT_FOUND);
    c = call(f, &f->c);
    assert_int_equal(app_inbox_receipt(&c, sub, body, &s, fresh(f)), APP_OK);
    assert_string_equal(s.status, "acknowledged");
    assert_string_equal(s.receipt_reference, "NCO-1");
    submission_rec_release(&s);
    assert_int_equal(app_inbox_receipt(&c, sub, body, &s, fresh(f)), APP_PROB_SUBMISSION_STATE);
    assert_string_equal(f->res.detail_en,
                        "This submission already has a receipt, or has not reached you yet.");
    json_decref(body);
    body = json_pack("{s:i}", "reference", 7);
    assert_int_equal(app_inbox_receipt(&c, sub, body, &s, fresh(f)), APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/reference", "type"));
    json_decref(body);

    /* issue 10 item 7: an authority's request holds the reporter to its reply-by date like a
     * legal deadline — overdue once it has passed, never a mere target that passed */
    struct request_rec rq;
    struct app_open open;
    c = call(f, &f->c);
    body = json_pack("{s:s, s:s, s:s}", "kind", "information", "message", "件数は判明しましたか",
                     "reply_by", "2026-11-23T00:00:00Z");
    assert_int_equal(app_request_create(&c, sub, body, &rq, fresh(f)), APP_OK);
    json_decref(body);
    struct app_call later = call(f, &f->a);
    later.now_ms = T0 + 2 * 86400000LL;
    assert_int_equal(app_obligations_open(&later, NULL, 100, &open, fresh(f)), APP_OK);
    bool listed = false;
    for (size_t i = 0; i < open.n; i++)
        if (!strcmp(open.items[i].ob->id, rq.id)) {
            listed = true;
            assert_string_equal(open.items[i].ob->kind, "request");
            assert_int_equal(open.items[i].ob->due_ms, T0 + 86400000LL);
            assert_string_equal(open.items[i].status, "overdue");
        }
    assert_true(listed);
    app_open_release(&open);
    request_rec_release(&rq);

    /* without a choice one stage per chain (issue 10 item 1): a second submit of the same
     * version sends the PPC 確報 that waited for the 速報, and nothing else; a third nothing */
    assert_int_equal(submit(f, &f->a, id, 1, NULL, &out), APP_OK);
    assert_true(out.created);
    assert_int_equal(out.nsent, 1);
    assert_string_equal(out.sent[0].recipient_id, "ppc");
    assert_string_equal(out.sent[0].stage_id, "final");
    app_submit_out_release(&out);
    assert_int_equal(submit(f, &f->a, id, 1, NULL, &out), APP_OK);
    assert_false(out.created);
    assert_int_equal(out.nsent, 0);
    app_submit_out_release(&out);
}

/* ---- obligations and reminders ---- */

static void test_obligations(void **state)
{
    struct fx *f = *state;
    char id[UUID_STR_LEN];
    struct app_obligations l;
    assert_int_equal(create(f, &f->a, REPORT, NULL, id), APP_OK);
    struct app_call c = call(f, &f->a);
    assert_int_equal(app_report_obligations(&c, id, &l, fresh(f)), APP_OK);
    assert_true(l.n > 0);
    for (size_t i = 0; i < l.n; i++) {
        assert_ptr_equal(l.items[i].ob, &l.list.items[i]);
        assert_non_null(l.items[i].status);
        assert_non_null(l.items[i].explanation); /* every rule is still in the rule set */
        assert_string_equal(json_string_value(json_object_get(l.items[i].explanation, "status")),
                            l.items[i].status);
    }
    size_t n = l.n;
    app_obligations_release(&l);
    c = call(f, &f->b);
    assert_int_equal(app_report_obligations(&c, id, &l, fresh(f)), APP_PROB_NOT_FOUND);
    app_obligations_release(&l);
    c = call(f, &f->c);
    assert_int_equal(app_report_obligations(&c, id, &l, fresh(f)), APP_PROB_FORBIDDEN);
    app_obligations_release(&l);

    /* the draft evaluation the preview and `ichigen obligations` share */
    json_t *doc = json_loads(REPORT, 0, NULL), *applies, *others, *all;
    app_obligations_explain(RS, doc, T0, f->app.due_soon_ms, &applies, &others);
    assert_int_equal(json_array_size(applies), n); /* the ledger holds what applies */
    app_obligations_explain(RS, doc, T0, f->app.due_soon_ms, &all, NULL);
    assert_int_equal(json_array_size(all), json_array_size(applies) + json_array_size(others));
    assert_true(json_array_size(others) > 0);
    json_decref(applies);
    json_decref(others);
    json_decref(all);
    json_decref(doc);

    /* the organisation's open obligations */
    struct app_open o;
    c = call(f, &f->a);
    assert_int_equal(app_obligations_open(&c, NULL, 100, &o, fresh(f)), APP_OK);
    size_t open = o.n;
    assert_true(open > 0);
    app_open_release(&o);
    assert_int_equal(app_obligations_open(&c, "overdue,pending", 1, &o, fresh(f)), APP_OK);
    assert_true(o.n <= 1);
    app_open_release(&o);
    assert_int_equal(app_obligations_open(&c, "pending,late", 100, &o, fresh(f)),
                     APP_PROB_BAD_QUERY);
    assert_true(has_problem(f, "?status", "bad_query"));
    app_open_release(&o);
    c = call(f, &f->b); /* another organisation has none of them */
    assert_int_equal(app_obligations_open(&c, NULL, 100, &o, fresh(f)), APP_OK);
    assert_int_equal(o.n, 0);
    app_open_release(&o);
    c = call(f, &f->c);
    assert_int_equal(app_obligations_open(&c, NULL, 100, &o, fresh(f)), APP_PROB_FORBIDDEN);
    app_open_release(&o);
}

static void test_reminders(void **state)
{
    struct fx *f = *state;
    struct reminder_settings s;
    struct notification_list nl;
    bool configured = true;
    struct app_call c = call(f, &f->a);
    assert_int_equal(app_reminders_get(&c, f->a.o.id, &s, &configured, fresh(f)), APP_OK);
    assert_false(configured);
    json_t *good = json_pack("{s:s, s:s, s:[i,i]}", "endpoint", "https://hooks.example.com/r",
                             "secret", "0123456789abcdef0123456789abcdef", "lead_hours", 4, 24);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, good, &s, fresh(f)), APP_OK);
    assert_int_equal(s.nleads, 2);
    assert_int_equal(s.lead_hours[0], 24); /* kept in descending order */
    assert_true(s.enabled);
    assert_int_equal(app_reminders_get(&c, f->a.o.id, &s, &configured, fresh(f)), APP_OK);
    assert_true(configured);
    assert_string_equal(s.endpoint, "https://hooks.example.com/r");
    /* every problem of the endpoint and the secret at once */
    json_t *bad = json_pack("{s:s, s:s, s:[i]}", "endpoint", "http://10.0.0.1/r", "secret", "short",
                            "lead_hours", 4);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, bad, &s, fresh(f)), APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/endpoint", "endpoint"));
    assert_true(has_problem(f, "/secret", "secret"));
    json_decref(bad);
    /* the wrong organisation, an id that is none, the wrong role */
    assert_int_equal(app_reminders_set(&c, f->b.o.id, good, &s, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_reminders_get(&c, f->b.o.id, &s, &configured, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_reminders_get(&c, "x", &s, &configured, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_notifications_list(&c, f->b.o.id, 10, &nl, fresh(f)), APP_PROB_NOT_FOUND);
    c = call(f, &f->c);
    assert_int_equal(app_reminders_set(&c, f->c.o.id, good, &s, fresh(f)), APP_PROB_FORBIDDEN);
    assert_int_equal(app_notifications_list(&c, f->c.o.id, 10, &nl, fresh(f)), APP_PROB_FORBIDDEN);
    c = call(f, &f->a);
    assert_int_equal(app_notifications_list(&c, f->a.o.id, 10, &nl, fresh(f)), APP_OK);
    notification_list_release(&nl);
    json_decref(good);
}

/* E-mail addresses (issue 10 item 8): the webhook optional once addresses are given, as
 * before without them; every bad address named along with the other problems; kept as given. */
static void test_reminders_email(void **state)
{
    struct fx *f = *state;
    struct reminder_settings s;
    bool configured;
    struct app_call c = call(f, &f->a);
    json_t *only = json_pack("{s:[s,s], s:[i,i,i]}", "email", "soc@a.example.jp",
                             "ciso@a.example.jp", "lead_hours", 4, 72, 24);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, only, &s, fresh(f)), APP_OK);
    assert_int_equal(app_reminders_get(&c, f->a.o.id, &s, &configured, fresh(f)), APP_OK);
    assert_string_equal(s.endpoint, "");
    assert_int_equal(s.secret_len, 0);
    assert_int_equal(s.nemails, 2);
    assert_string_equal(s.emails[1], "ciso@a.example.jp");
    assert_int_equal(s.nleads, 3);
    assert_int_equal(s.lead_hours[0], 72);
    assert_int_equal(s.lead_hours[2], 4);
    json_decref(only);
    /* no webhook and no addresses: the endpoint is required, as it always was */
    json_t *none = json_pack("{s:[], s:[i]}", "email", "lead_hours", 24);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, none, &s, fresh(f)), APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/endpoint", "required"));
    json_decref(none);
    /* a webhook needs its secret */
    json_t *nosecret = json_pack("{s:s, s:[i]}", "endpoint", "https://hooks.example.com/r",
                                 "lead_hours", 24);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, nosecret, &s, fresh(f)),
                     APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/secret", "required"));
    json_decref(nosecret);
    /* every problem at once: bad addresses, a duplicate, a lead time out of range */
    json_t *bad = json_pack("{s:[s,s,s,s], s:[i]}", "email", "ok@example.jp", "x@y",
                            "a@example.jp\r\nBcc: evil@example.jp", "ok@example.jp",
                            "lead_hours", 0);
    assert_int_equal(app_reminders_set(&c, f->a.o.id, bad, &s, fresh(f)), APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/email/1", "email"));
    /* the CR LF one is named (by the field check's control-character rule or the address
     * check), and so is the lead time */
    bool crlf = false, lead = false;
    for (size_t i = 0; i < f->res.errs.n; i++) {
        crlf |= !strcmp(f->res.errs.v[i].pointer, "/email/2");
        lead |= !strcmp(f->res.errs.v[i].pointer, "/lead_hours/0");
    }
    assert_true(crlf);
    assert_true(lead);
    json_decref(bad);
    /* more than REMINDER_EMAILS_MAX addresses */
    json_t *many = json_pack("{s:[], s:[i]}", "email", "lead_hours", 24);
    for (int i = 0; i <= REMINDER_EMAILS_MAX; i++) {
        char a[40];
        snprintf(a, sizeof(a), "u%d@example.jp", i);
        json_array_append_new(json_object_get(many, "email"), json_string(a));
    }
    assert_int_equal(app_reminders_set(&c, f->a.o.id, many, &s, fresh(f)), APP_PROB_VALIDATION);
    json_decref(many);
}

/* Binding a recipient decides who reads its inbox: the operator only, and only to a receiving
 * organisation. */
static void test_bindings(void **state)
{
    struct fx *f = *state;
    struct app_recipients l;
    json_t *to_b = json_pack("{s:s}", "org_id", f->b.o.id);
    json_t *to_d = json_pack("{s:s}", "org_id", f->d.o.id);
    struct app_call c = call(f, &f->a);
    assert_int_equal(app_recipient_bind(&c, "nco", to_d, fresh(f)), APP_PROB_FORBIDDEN);
    c = call(f, &f->a_admin);
    assert_int_equal(app_recipient_bind(&c, "no-such-recipient", to_d, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_recipient_bind(&c, "nco", to_b, fresh(f)), APP_PROB_VALIDATION);
    assert_true(has_problem(f, "/org_id", "not_an_authority"));
    assert_int_equal(app_recipient_bind(&c, "nco", to_d, fresh(f)), APP_OK);
    c = call(f, &f->a); /* every role sees who receives for whom */
    assert_int_equal(app_recipients_list(&c, &l, fresh(f)), APP_OK);
    bool seen = false;
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.items[i].v.id, "nco")) {
            seen = true;
            assert_non_null(l.items[i].binding);
            assert_string_equal(l.items[i].binding->org_id, f->d.o.id);
            assert_true(l.items[i].org_known);
            assert_string_equal(l.items[i].org.name_en, f->d.o.name_en);
        }
    assert_true(seen);
    app_recipients_release(&l);
    json_decref(to_b);
    json_decref(to_d);
}

/* The ledger a submit writes counts the stages it sends as submitted (one function for create,
 * amend and submit). */
static void test_ledger(void **state)
{
    struct fx *f = *state;
    struct obligation_rec obs[2];
    bool send[2] = {false, true};
    size_t n;
    memset(obs, 0, sizeof(obs));
    xstrlcpy(obs[0].rule_id, "r", sizeof(obs[0].rule_id));
    xstrlcpy(obs[0].stage_id, "first", sizeof(obs[0].stage_id));
    obs[0].submitted_at = T0 - 5;
    xstrlcpy(obs[1].rule_id, "r", sizeof(obs[1].rule_id));
    xstrlcpy(obs[1].stage_id, "second", sizeof(obs[1].stage_id));
    struct rules_stage_time *t = app_stage_times(obs, 2, NULL, T0, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].at_ms, T0 - 5);
    free(t);
    t = app_stage_times(obs, 2, send, T0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(t[1].stage_id, "second");
    assert_int_equal(t[1].at_ms, T0);
    free(t);
    UNUSED(f);
}

static int group_setup(void **state)
{
    char dir[600], path[700];
    struct diag_list d;
    struct verr_list errs;
    struct outbox_net_policy net = {false, false};
    UNUSED(state);
    snprintf(dir, sizeof(dir), "%s/data", unit_source_root());
    diag_list_init(&d);
    RS = rules_load_dir(dir, &d);
    diag_list_print(&d, stderr, false);
    diag_list_release(&d);
    if (!RS)
        return -1;
    verr_list_init(&errs, 50);
    int rc = outbox_config_build(RS, NULL, &net, 4, 10, &ROUTES, &errs);
    verr_list_release(&errs);
    if (rc)
        return -1;
    /* the example made submittable to the PPC (/response/other, which the example lacks) */
    snprintf(path, sizeof(path), "%s/docs/examples/full-report.json", unit_source_root());
    char *text = unit_read_file(path, NULL);
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!doc)
        return -1;
    json_object_set_new(json_object_get(doc, "response"), "other",
                        json_string("委託先への監査を実施予定"));
    REPORT = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return 0;
}

static int group_teardown(void **state)
{
    UNUSED(state);
    free(REPORT);
    outbox_config_release(&ROUTES);
    rules_free(RS);
    return 0;
}

/* Issue 14 item 2: what another node's write makes stale here, by its audit entry. */
static void test_change_of(void **state)
{
    static const struct {
        const char *action, *object_type;
        unsigned want;
    } cases[] = {
        {"token.revoke", "token", APP_CHANGE_TOKENS},
        {"token.create", "token", 0}, /* a new token is not cached anywhere yet */
        {"user.update", "user", APP_CHANGE_TOKENS},
        {"user.password_change", "user", APP_CHANGE_TOKENS},
        {"user.clearance_set", "user", APP_CHANGE_TOKENS},
        {"two_factor.enable", "user", APP_CHANGE_TOKENS},
        {"two_factor.disable", "user", APP_CHANGE_TOKENS},
        {"report.create", "report", APP_CHANGE_REPORT},
        {"report.amend", "report", APP_CHANGE_REPORT},
        {"report.withdraw", "report", APP_CHANGE_WITHDRAW},
        {"report.submit", "report", 0},
        {"advisory.create", "advisory", APP_CHANGE_ADVISORY},
        {"advisory.amend", "advisory", APP_CHANGE_ADVISORY},
        {"advisory.tlp_downgrade", "advisory", APP_CHANGE_ADVISORY},
        {"advisory.withdraw", "advisory", APP_CHANGE_ADVISORY},
        {"advisory.acknowledge", "advisory", 0},
        {"submission.create", "submission", APP_CHANGE_DELIVERY},
        {"auth.login_failed", "sign_in", 0},
        {"organization.create", "organization", 0},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct audit_rec e = {0};
        xstrlcpy(e.action, cases[i].action, sizeof(e.action));
        xstrlcpy(e.object_type, cases[i].object_type, sizeof(e.object_type));
        if (app_change_of(&e) != cases[i].want)
            fail_msg("%s: %u, want %u", cases[i].action, app_change_of(&e), cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_of),
        cmocka_unit_test_setup_teardown(test_authz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_amend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preview, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bindings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminders_email, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
