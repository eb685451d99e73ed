/*
 * test_outbox.c — the pure half of src/outbox/: planning a submit, what a recipient is given,
 * the payload, webhook signatures, the retry schedule, the SSRF guard, the operator's delivery
 * file, receivers' receipts, and the reminder policy (windows, payloads, alerts). The worker and
 * the HTTP side are tested over HTTP (tests/integration/itest_delivery.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "outbox/outbox.h"
#include "core/jsonx.h"
#include "sharing/advisory.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct ruleset *RS; /* tests/data/rules-mini */

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("test JSON: %s at %d:%d", e.text, e.line, e.column);
    return j;
}

/* ---- planning ---- */

static void ob(struct obligation_rec *o, const char *id, const char *rule, const char *stage)
{
    memset(o, 0, sizeof(*o));
    xstrlcpy(o->id, id, sizeof(o->id));
    xstrlcpy(o->rule_id, rule, sizeof(o->rule_id));
    xstrlcpy(o->stage_id, stage, sizeof(o->stage_id));
    xstrlcpy(o->recipient_id, "jp-auth", sizeof(o->recipient_id));
}

static enum outbox_skip skip_of(const struct outbox_plan *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->items[i].ob->id, id))
            return p->items[i].skip;
    fail_msg("no plan item %s", id);
    return SKIP_NONE;
}

static void test_plan(void **state)
{
    struct obligation_rec obs[4];
    struct outbox_plan p;
    UNUSED(state);
    /* t.jp.ppc: preliminary needs /entity/name_ja, /personal_data/individuals_count and some
     * /threat/indicators/-/value; final needs nothing but comes after preliminary */
    json_t *full =
        parse("{\"entity\":{\"name_ja\":\"株式会社\"},"
              "\"personal_data\":{\"individuals_count\":1200},"
              "\"threat\":{\"indicators\":[{\"type\":\"ipv4\"},{\"value\":\"192.0.2.1\"}]}}");
    json_t *thin = parse("{\"entity\":{\"name_ja\":\"株式会社\"},\"threat\":{\"indicators\":"
                         "[{\"type\":\"ipv4\"}]}}");
    ob(&obs[0], "a", "t.jp.ppc", "preliminary");
    ob(&obs[1], "b", "t.jp.ppc", "final");
    ob(&obs[2], "c", "t.jp.hours", "report");
    ob(&obs[3], "d", "t.gone", "x");
    outbox_plan_make(RS, obs, 4, full, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_NONE);
    /* without a choice, one stage per chain: the 確報 waits although its fields are there */
    assert_int_equal(skip_of(&p, "b"), SKIP_LATER_STAGE);
    assert_int_equal(skip_of(&p, "d"), SKIP_UNKNOWN_RULE);
    assert_int_equal(p.nsend, 1 + (skip_of(&p, "c") == SKIP_NONE));
    outbox_plan_release(&p);
    /* named together, the 速報 and the 確報 go in one go (one report serving as both) */
    const char *both[] = {"a", "b"};
    outbox_plan_make(RS, obs, 4, full, both, 2, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_NONE);
    assert_int_equal(skip_of(&p, "b"), SKIP_NONE);
    assert_int_equal(skip_of(&p, "c"), SKIP_NOT_SELECTED);
    assert_int_equal(p.nsend, 2);
    outbox_plan_release(&p);

    /* missing fields hold the stage back, and the stage after it */
    outbox_plan_make(RS, obs, 2, thin, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_MISSING_FIELDS);
    assert_int_equal(p.items[0].nmissing, 2);
    assert_string_equal(p.items[0].missing[0], "/personal_data/individuals_count");
    assert_string_equal(p.items[0].missing[1], "/threat/indicators/-/value");
    assert_int_equal(skip_of(&p, "b"), SKIP_PREVIOUS_STAGE);
    assert_int_equal(p.nsend, 0);
    assert_string_equal(outbox_skip_name(SKIP_PREVIOUS_STAGE), "previous_stage_not_submitted");
    outbox_plan_release(&p);

    /* once preliminary is submitted (live) or met, final may go alone */
    xstrlcpy(obs[0].live_submission, "sub-1", sizeof(obs[0].live_submission));
    outbox_plan_make(RS, obs, 2, thin, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_ALREADY);
    assert_int_equal(skip_of(&p, "b"), SKIP_NONE);
    outbox_plan_release(&p);
    obs[0].live_submission[0] = '\0';
    obs[0].met_at = 1;
    outbox_plan_make(RS, obs, 2, thin, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "b"), SKIP_NONE);
    outbox_plan_release(&p);

    /* a withdrawn previous stage does not hold the next back; withdrawn ones never go */
    obs[0].met_at = 0;
    obs[0].withdrawn = true;
    outbox_plan_make(RS, obs, 2, thin, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_WITHDRAWN);
    assert_int_equal(skip_of(&p, "b"), SKIP_NONE);
    outbox_plan_release(&p);

    /* selecting obligations: the others are not sent; a selected stage still needs its
     * previous one */
    obs[0].withdrawn = false;
    const char *only[] = {"b"};
    outbox_plan_make(RS, obs, 2, full, only, 1, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_NOT_SELECTED);
    assert_int_equal(skip_of(&p, "b"), SKIP_PREVIOUS_STAGE);
    outbox_plan_release(&p);

    /* a required field in a section withheld from the recipient is one it would not get:
     * missing; withheld from someone else, it goes */
    json_t *held = parse("{\"entity\":{\"name_ja\":\"株式会社\"},"
                         "\"personal_data\":{\"individuals_count\":1200},"
                         "\"threat\":{\"indicators\":[{\"value\":\"192.0.2.1\"}]},"
                         "\"confidentiality\":{\"consent\":{\"withhold\":[{\"recipient\":"
                         "\"jp-auth\",\"sections\":[\"threat\"]}]}}}");
    outbox_plan_make(RS, obs, 2, held, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_MISSING_FIELDS);
    assert_int_equal(p.items[0].nmissing, 1);
    assert_string_equal(p.items[0].missing[0], "/threat/indicators/-/value");
    assert_int_equal(skip_of(&p, "b"), SKIP_PREVIOUS_STAGE);
    outbox_plan_release(&p);
    xstrlcpy(obs[0].recipient_id, "someone-else", sizeof(obs[0].recipient_id));
    outbox_plan_make(RS, obs, 2, held, NULL, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_NONE);
    outbox_plan_release(&p);
    json_decref(held);
    json_decref(full);
    json_decref(thin);
}

/* Plans for the chain t.jp.previous (initial → followup, and ondemand on request), none with
 * required fields, obligations given in the order ids lists them: each obligation's reason. */
struct chain_case {
    const char *name;
    const char *order;        /* the obligations' order in the ledger: letters of i, f, o */
    const char *sent;         /* those already submitted (live) */
    const char *named;        /* those named by the reporter; NULL: no choice */
    enum outbox_skip want[3]; /* initial, followup, ondemand */
    const char *requested;    /* those the recipient has an open request for (issue 10 item 7) */
};

static const struct chain_case chain_cases[] = {
    /* no choice: the earliest stage not yet sent, and only that one */
    {"nothing sent", "ifo", "", NULL, {SKIP_NONE, SKIP_LATER_STAGE, SKIP_ON_REQUEST}},
    {"nothing sent, ledger in reverse",
     "ofi",
     "",
     NULL,
     {SKIP_NONE, SKIP_LATER_STAGE, SKIP_ON_REQUEST}},
    /* the earliest sent: the next one is the default */
    {"first sent", "ifo", "i", NULL, {SKIP_ALREADY, SKIP_NONE, SKIP_ON_REQUEST}},
    {"all but the request sent", "ifo", "if", NULL, {SKIP_ALREADY, SKIP_ALREADY, SKIP_ON_REQUEST}},
    /* named: exactly the stages chosen, in chain order */
    {"later stage named alone",
     "ifo",
     "",
     "f",
     {SKIP_NOT_SELECTED, SKIP_PREVIOUS_STAGE, SKIP_NOT_SELECTED}},
    {"later stage named after the first was sent",
     "ifo",
     "i",
     "f",
     {SKIP_ALREADY, SKIP_NONE, SKIP_NOT_SELECTED}},
    {"both named", "fio", "", "if", {SKIP_NONE, SKIP_NONE, SKIP_NOT_SELECTED}},
    /* on request: only when named, once the recipient knows of the incident (the first
     * stage), whatever is listed before it */
    {"on request named", "ifo", "i", "o", {SKIP_ALREADY, SKIP_NOT_SELECTED, SKIP_NONE}},
    {"on request named before anything was sent",
     "ifo",
     "",
     "o",
     {SKIP_NOT_SELECTED, SKIP_NOT_SELECTED, SKIP_PREVIOUS_STAGE}},
    {"on request named with the first", "oif", "", "io", {SKIP_NONE, SKIP_NOT_SELECTED, SKIP_NONE}},
    /* requested by the recipient (issue 10 item 7): the request counts as the choice, so a
     * submit that names nothing sends it — still never before the recipient knows of the
     * incident, and never overtaking the stage before it */
    {"on request requested", "ifo", "if", NULL, {SKIP_ALREADY, SKIP_ALREADY, SKIP_NONE}, "o"},
    {"on request requested, ledger in reverse",
     "ofi",
     "if",
     NULL,
     {SKIP_ALREADY, SKIP_ALREADY, SKIP_NONE},
     "o"},
    {"on request requested, first sent",
     "ifo",
     "i",
     NULL,
     {SKIP_ALREADY, SKIP_NONE, SKIP_NONE},
     "o"},
    {"on request requested, others named",
     "ifo",
     "i",
     "f",
     {SKIP_ALREADY, SKIP_NONE, SKIP_NOT_SELECTED},
     "o"},
};

static void test_plan_chain(void **state)
{
    static const char *const stage[] = {"initial", "followup", "ondemand"};
    static const char letters[] = "ifo";
    struct obligation_rec obs[3];
    struct outbox_plan p;
    json_t *doc = parse("{}");
    UNUSED(state);
    for (size_t c = 0; c < ARRAY_SIZE(chain_cases); c++) {
        const struct chain_case *k = &chain_cases[c];
        const char *only[3];
        size_t nonly = 0;
        for (size_t i = 0; i < 3; i++) {
            size_t s = (size_t)(strchr(letters, k->order[i]) - letters);
            char id[2] = {letters[s], 0};
            ob(&obs[i], id, "t.jp.previous", stage[s]);
            if (strchr(k->sent, letters[s]))
                xstrlcpy(obs[i].live_submission, "sub", sizeof(obs[i].live_submission));
            obs[i].requested = k->requested && strchr(k->requested, letters[s]);
        }
        for (const char *n = k->named; n && *n; n++)
            only[nonly++] = n[0] == 'i' ? "i" : n[0] == 'f' ? "f" : "o";
        outbox_plan_make(RS, obs, 3, doc, k->named ? only : NULL, nonly, &p);
        for (size_t s = 0; s < 3; s++) {
            char id[2] = {letters[s], 0};
            if (skip_of(&p, id) != k->want[s])
                fail_msg("%s: %s is %s, not %s", k->name, stage[s],
                         outbox_skip_name(skip_of(&p, id)), outbox_skip_name(k->want[s]));
        }
        outbox_plan_release(&p);
    }
    json_decref(doc);
}

/* Every reason has its code and a text in both languages. */
static void test_plan_reason_texts(void **state)
{
    UNUSED(state);
    assert_string_equal(outbox_skip_name(SKIP_LATER_STAGE), "later_stage");
    assert_string_equal(outbox_skip_name(SKIP_ON_REQUEST), "on_request");
    for (int s = SKIP_WITHDRAWN; s <= SKIP_NO_CHANGES; s++) {
        assert_true(outbox_skip_name((enum outbox_skip)s)[0]);
        assert_true(outbox_skip_text((enum outbox_skip)s, false)[0]);
        assert_non_null(strstr(outbox_skip_text((enum outbox_skip)s, true), "。"));
    }
    assert_string_equal(outbox_skip_text((enum outbox_skip)(SKIP_NO_CHANGES + 1), true), "");
}

/* ---- projection and payload ---- */

static const char report_text[] =
    "{\"envelope\":{\"phase\":\"final\"},\"confidentiality\":{\"tlp\":\"TLP:AMBER\",\"consent\":"
    "{\"withhold\":[{\"recipient\":\"jp-auth\",\"sections\":[\"personal_data\",\"threat\"]},"
    "{\"recipient\":\"other\",\"sections\":[\"entity\"]}]}},"
    "\"entity\":{\"name_ja\":\"株式会社テスト\"},\"times\":{\"aware_at\":\"2026-11-20T10:00:00+09:"
    "00\"},"
    "\"personal_data\":{\"individuals_count\":5},\"threat\":{\"cves\":[\"CVE-2024-3400\"]},"
    "\"ransom\":{\"demanded\":\"no\"}}";

static unsigned bits(const char *const *names, size_t n)
{
    unsigned b = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned k = 0; report_section_values[k].value; k++)
            if (!strcmp(report_section_values[k].value, names[i]))
                b |= RULES_SECTION_BIT(k);
    return b;
}

static void test_project(void **state)
{
    json_t *report = parse(report_text), *withheld;
    UNUSED(state);
    static const char *const given[] = {"entity", "times", "personal_data", "product"};
    json_t *v = outbox_project(report, bits(given, 4), "jp-auth", &withheld);
    /* always the envelope and confidentiality; entity and times given; personal_data
     * withheld by the reporter; threat withheld but never given anyway; ransom not given */
    assert_non_null(json_object_get(v, "envelope"));
    assert_non_null(json_object_get(v, "confidentiality"));
    assert_non_null(json_object_get(v, "entity"));
    assert_non_null(json_object_get(v, "times"));
    assert_null(json_object_get(v, "personal_data"));
    assert_null(json_object_get(v, "threat"));
    assert_null(json_object_get(v, "ransom"));
    assert_null(json_object_get(v, "product")); /* given, but not in the report */
    assert_int_equal(json_object_size(v), 4);
    assert_int_equal(json_array_size(withheld), 1);
    assert_string_equal(json_string_value(json_array_get(withheld, 0)), "personal_data");
    json_decref(v);
    json_decref(withheld);
    /* another recipient: its own withholding only */
    v = outbox_project(report, bits(given, 4), "other", &withheld);
    assert_null(json_object_get(v, "entity"));
    assert_non_null(json_object_get(v, "personal_data"));
    assert_int_equal(json_array_size(withheld), 1);
    json_decref(v);
    json_decref(withheld);
    json_decref(report);
}

/* Issue 8 item 3: a recipient's confidentiality block carries only the terms that concern it —
 * not what was withheld from others, not who else is on share_with, not the labels of sections
 * it does not receive. */
static const char consent_text[] =
    "{\"envelope\":{\"phase\":\"final\"},\"confidentiality\":{\"tlp\":\"TLP:AMBER\","
    "\"section_tlp\":{\"entity\":\"TLP:GREEN\",\"ransom\":\"TLP:RED\"},"
    "\"consent\":{\"onward_sharing\":\"yes\",\"share_with\":[\"nco\",\"npa\"],"
    "\"anonymised_statistics\":true,"
    "\"withhold\":[{\"recipient\":\"mlit\",\"sections\":[\"ransom\"]},"
    "{\"recipient\":\"ppc\",\"sections\":[\"threat\"]}]}},"
    "\"entity\":{\"name_ja\":\"株式会社テスト\"},\"threat\":{\"cves\":[\"CVE-2024-3400\"]},"
    "\"ransom\":{\"demanded\":\"yes\"}}";

static json_t *conf_of(const json_t *report, unsigned sections, const char *id)
{
    json_t *withheld, *v = outbox_project(report, sections, id, &withheld);
    json_t *c = json_incref(json_object_get(v, "confidentiality"));
    json_decref(withheld);
    json_decref(v);
    return c;
}

static void test_project_consent(void **state)
{
    json_t *report = parse(consent_text);
    UNUSED(state);
    static const char *const given[] = {"entity", "threat", "ransom"};
    /* PPC: not on share_with, so it may not pass the report on; sees its own withholding only,
     * and no label for the ransom section it is not given (the label alone would say there is
     * a ransom section, at TLP:RED) */
    static const char *const ppc_given[] = {"entity", "threat"};
    json_t *c = conf_of(report, bits(ppc_given, 2), "ppc");
    assert_string_equal(json_string_value(json_object_get(c, "tlp")), "TLP:AMBER");
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/section_tlp/entity")), "TLP:GREEN");
    assert_null(jsonx_ptr_get(c, "/section_tlp/ransom"));
    assert_null(jsonx_ptr_get(c, "/consent/share_with"));
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/onward_sharing")), "no");
    assert_true(json_is_true(jsonx_ptr_get(c, "/consent/anonymised_statistics")));
    assert_int_equal(json_array_size(jsonx_ptr_get(c, "/consent/withhold")), 1);
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/withhold/0/recipient")),
                        "ppc");
    json_decref(c);
    /* NCO: on share_with, sees itself there and onward_sharing as the reporter gave it; nothing
     * withheld from it, so no withhold list at all (not even an empty one) */
    c = conf_of(report, bits(given, 3), "nco");
    assert_int_equal(json_array_size(jsonx_ptr_get(c, "/consent/share_with")), 1);
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/share_with/0")), "nco");
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/onward_sharing")), "yes");
    assert_null(jsonx_ptr_get(c, "/consent/withhold"));
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/section_tlp/ransom")), "TLP:RED");
    json_decref(c);
    /* MLIT: the ransom section is withheld from it, so its label goes too */
    c = conf_of(report, bits(given, 3), "mlit");
    assert_null(jsonx_ptr_get(c, "/section_tlp/ransom"));
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/withhold/0/sections/0")),
                        "ransom");
    json_decref(c);
    /* an empty share_with means "any authority": nobody's onward_sharing changes */
    json_object_set_new(jsonx_ptr_get(report, "/confidentiality/consent"), "share_with",
                        json_array());
    c = conf_of(report, bits(given, 3), "ppc");
    assert_string_equal(json_string_value(jsonx_ptr_get(c, "/consent/onward_sharing")), "yes");
    assert_null(jsonx_ptr_get(c, "/consent/share_with"));
    json_decref(c);
    json_decref(report);
}

static void test_payload(void **state)
{
    json_t *report = parse(report_text), *withheld;
    struct buf a, b;
    UNUSED(state);
    static const char *const given[] = {"entity", "personal_data"};
    json_t *v = outbox_project(report, bits(given, 2), "jp-auth", &withheld);
    struct outbox_meta m = {.submission_id = "019ab0b0-cc00-7000-8000-000000000001",
                            .incident_id = "019ab0b0-cc00-7000-8000-000000000002",
                            .obligation_id = "ob",
                            .rule_id = "t.jp.ppc",
                            .stage_id = "final",
                            .stage_name_ja = "確報",
                            .stage_name_en = "final",
                            .recipient_id = "jp-auth",
                            .recipient_name_ja = "当局",
                            .recipient_name_en = "Authority",
                            .org_id = "org",
                            .org_name_ja = "株式会社テスト",
                            .org_name_en = "Test",
                            .corporate_number = "",
                            .version = 3,
                            .report_sha256 = "ab",
                            .created_ms = 1795305600000LL,
                            .drill = false};
    buf_init(&a, BUF_UNLIMITED);
    buf_init(&b, BUF_UNLIMITED);
    assert_int_equal(outbox_payload(&m, v, withheld, &a), 0);
    assert_int_equal(outbox_payload(&m, v, withheld, &b), 0);
    assert_int_equal(a.len, b.len); /* the same inputs, the same bytes */
    assert_memory_equal(a.data, b.data, a.len);
    assert_null(memchr(a.data, '\n', a.len)); /* canonical: compact */
    json_t *p = parse(buf_cstr(&a));
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/format")),
                        "ichigen-submission/1");
    assert_int_equal(json_integer_value(jsonx_ptr_get(p, "/submission/report_version")), 3);
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/kind")), "stage");
    assert_null(jsonx_ptr_get(p, "/submission/update"));
    assert_null(jsonx_ptr_get(p, "/changes"));
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/stage/ja")), "確報");
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/created_at")),
                        "2026-11-22T00:00:00.000Z");
    assert_true(
        json_is_null(jsonx_ptr_get(p, "/submission/reporting_organization/corporate_number")));
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/withheld_sections/0")),
                        "personal_data");
    assert_non_null(jsonx_ptr_get(p, "/report/entity/name_ja"));
    assert_null(jsonx_ptr_get(p, "/report/personal_data"));
    json_decref(p);
    /* an update carries the link and the patch; a withdrawal notice carries no report */
    json_t *changes = parse("[{\"op\":\"replace\",\"path\":\"/entity/name_ja\",\"value\":\"x\"}]");
    m.update_of = "019ab0b0-cc00-7000-8000-000000000009";
    m.update_of_version = 2;
    m.update_sequence = 1;
    m.changes = changes;
    buf_reset(&a);
    assert_int_equal(outbox_payload(&m, v, withheld, &a), 0);
    p = parse(buf_cstr(&a));
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/kind")), "update");
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/update/of")), m.update_of);
    assert_int_equal(json_integer_value(jsonx_ptr_get(p, "/submission/update/of_version")), 2);
    assert_int_equal(json_integer_value(jsonx_ptr_get(p, "/submission/update/sequence")), 1);
    assert_true(json_equal(jsonx_ptr_get(p, "/changes"), changes));
    json_decref(p);
    buf_reset(&a);
    assert_int_equal(outbox_withdrawal_payload(&m, "二重報告", &a), 0);
    p = parse(buf_cstr(&a));
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/kind")), "withdrawal");
    assert_string_equal(json_string_value(jsonx_ptr_get(p, "/submission/withdrawal/reason")),
                        "二重報告");
    assert_non_null(strstr(json_string_value(jsonx_ptr_get(p, "/submission/withdrawal/effect/ja")),
                           "取り下げ"));
    assert_null(jsonx_ptr_get(p, "/report"));
    assert_null(jsonx_ptr_get(p, "/submission/update"));
    json_decref(p);
    json_decref(changes);
    buf_release(&a);
    buf_release(&b);
    json_decref(v);
    json_decref(withheld);
    json_decref(report);
}

/* Updates (続報): a stage that went is sent again when named, whatever the plan said of it; one
 * not yet sent is left as it was; nothing else changes. */
static void test_plan_updates(void **state)
{
    struct obligation_rec obs[2];
    struct outbox_plan p;
    UNUSED(state);
    json_t *thin = parse("{\"entity\":{\"name_ja\":\"株式会社\"}}");
    ob(&obs[0], "a", "t.jp.ppc", "preliminary");
    ob(&obs[1], "b", "t.jp.ppc", "final");
    obs[0].met_at = 5;
    xstrlcpy(obs[0].met_submission, "s1", sizeof(obs[0].met_submission));
    static const char *const none[] = {NULL};
    outbox_plan_make(RS, obs, 2, thin, none, 0, &p);
    assert_int_equal(skip_of(&p, "a"), SKIP_ALREADY);
    static const char *const both[] = {"a", "b"};
    outbox_plan_updates(&p, both, 2);
    assert_int_equal(skip_of(&p, "a"), SKIP_NONE);
    assert_true(p.items[0].update);
    assert_int_equal(skip_of(&p, "b"), SKIP_NOT_SELECTED); /* not sent: not an update */
    assert_false(p.items[1].update);
    assert_int_equal(p.nsend, 1);
    outbox_plan_release(&p);
    json_decref(thin);
}

/* ---- signatures and backoff ---- */

static void test_sign(void **state)
{
    static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
    const char *body = "{\"a\":1}";
    char sig[OUTBOX_SIG_MAX];
    UNUSED(state);
    outbox_sign(secret, 32, 1795305600, body, strlen(body), sig);
    /* independently computed: Python hmac.new(secret, b'1795305600.{"a":1}', sha256) */
    assert_string_equal(sig, "t=1795305600,v1=c7b1909dd28db96c14db732c3a565a578c09e6aa1fb91a8"
                             "7e4bbe45ad88971fc");
    assert_true(outbox_verify(secret, 32, sig, body, strlen(body), 1795305600 + 200, 300));
    assert_false(outbox_verify(secret, 32, sig, body, strlen(body), 1795305600 + 301, 300));
    assert_false(outbox_verify(secret, 32, sig, "{\"a\":2}", 7, 1795305600, 300));
    assert_false(outbox_verify((const unsigned char *)"another secret of thirty-two byte", 32, sig,
                               body, strlen(body), 1795305600, 300));
    assert_false(
        outbox_verify(secret, 32, "t=1795305600,v1=00", body, strlen(body), 1795305600, 300));
    assert_false(outbox_verify(secret, 32, "v1=abc", body, strlen(body), 1795305600, 300));
    assert_false(outbox_verify(secret, 32, NULL, body, strlen(body), 1795305600, 300));
}

static void test_backoff(void **state)
{
    UNUSED(state);
    for (uint64_t rnd = 0; rnd < 2000; rnd += 37) {
        int64_t d1 = outbox_backoff_ms(1, rnd, 1000, 600000);
        assert_true(d1 >= 500 && d1 <= 1000);
        int64_t d4 = outbox_backoff_ms(4, rnd, 1000, 600000);
        assert_true(d4 >= 4000 && d4 <= 8000);
        int64_t d30 = outbox_backoff_ms(30, rnd, 1000, 600000); /* capped, no overflow */
        assert_true(d30 >= 300000 && d30 <= 600000);
    }
    /* jitter: different random values spread the delays */
    assert_int_not_equal(outbox_backoff_ms(3, 1, 1000, 600000),
                         outbox_backoff_ms(3, 2000, 1000, 600000));
}

/* ---- where a webhook may go ---- */

static bool v4(const char *addr, const struct outbox_net_policy *p)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    assert_int_equal(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
    return outbox_addr_allowed((struct sockaddr *)&sa, p);
}

static bool v6(const char *addr, const struct outbox_net_policy *p)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
    assert_int_equal(inet_pton(AF_INET6, addr, &sa.sin6_addr), 1);
    return outbox_addr_allowed((struct sockaddr *)&sa, p);
}

static void test_addresses(void **state)
{
    struct outbox_net_policy strict = {false, false}, tests = {false, true}, lan = {true, false};
    UNUSED(state);
    static const char *const refused[] = {
        "127.0.0.1",  "10.1.2.3", "172.16.0.1", "172.31.255.1",    "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0",  "224.0.0.1",  "255.255.255.255", "192.0.2.10",  "198.18.0.1"};
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
        if (v4(refused[i], &strict))
            fail_msg("%s allowed", refused[i]);
    assert_true(v4("203.0.113.0", &strict) == false); /* documentation range */
    assert_true(v4("8.8.8.8", &strict));
    assert_true(v4("172.32.0.1", &strict)); /* just outside 172.16/12 */
    assert_true(v4("127.0.0.1", &tests));
    assert_false(v4("10.0.0.1", &tests));
    assert_true(v4("10.0.0.1", &lan));
    assert_true(v4("169.254.169.254", &lan)); /* the operator opted in */
    assert_false(v4("127.0.0.1", &lan));
    assert_false(v6("::1", &strict));
    assert_true(v6("::1", &tests));
    assert_false(v6("::", &strict));
    assert_false(v6("fd00::1", &strict));
    assert_false(v6("fe80::1", &strict));
    assert_false(v6("ff02::1", &strict));
    assert_false(v6("2001:db8::1", &strict));
    assert_false(v6("::ffff:10.0.0.1", &strict)); /* IPv4-mapped private */
    assert_false(v6("::ffff:169.254.169.254", &strict));
    assert_true(v6("::ffff:8.8.8.8", &strict));
    assert_true(v6("2606:4700::1111", &strict));
    assert_true(v6("fd00::1", &lan));
}

static void test_urls(void **state)
{
    struct outbox_net_policy strict = {false, false}, tests = {false, true};
    struct err e;
    UNUSED(state);
    err_init(&e);
    assert_int_equal(outbox_url_check("https://receiver.example.go.jp/ichigen", &strict, &e), 0);
    assert_int_equal(outbox_url_check("https://[2001:db8::1]:8443/x", &strict, &e), 0);
    assert_int_equal(outbox_url_check("http://receiver.example/x", &strict, &e), -1);
    assert_non_null(strstr(e.msg, "loopback"));
    assert_int_equal(outbox_url_check("http://127.0.0.1:8080/x", &strict, &e), -1);
    assert_int_equal(outbox_url_check("http://127.0.0.1:8080/x", &tests, &e), 0);
    assert_int_equal(outbox_url_check("http://localhost/x", &tests, &e), 0);
    assert_int_equal(outbox_url_check("http://[::1]:9/x", &tests, &e), 0);
    assert_int_equal(outbox_url_check("http://evil.example/x", &tests, &e), -1);
    assert_int_equal(outbox_url_check("ftp://x.example/", &strict, &e), -1);
    assert_int_equal(outbox_url_check("https://user:pw@x.example/", &strict, &e), -1);
    assert_non_null(strstr(e.msg, "user"));
    assert_int_equal(outbox_url_check("https://x.example/a b", &strict, &e), -1);
    assert_int_equal(outbox_url_check("https:///path", &strict, &e), -1);
    assert_int_equal(outbox_url_check("https://[::1/x", &strict, &e), -1);
}

/* ---- the delivery file ---- */

static bool has(const struct verr_list *errs, const char *pointer, const char *code)
{
    for (size_t i = 0; i < errs->n; i++)
        if (!strcmp(errs->v[i].pointer, pointer) && !strcmp(errs->v[i].code, code) &&
            errs->v[i].en[0] && errs->v[i].ja[0])
            return true;
    return false;
}

static void test_config(void **state)
{
    struct outbox_net_policy net = {false, true};
    struct outbox_config c;
    struct verr_list errs;
    UNUSED(state);
    /* the mini set ships jp-auth and us-auth as webhooks without endpoints or secrets */
    verr_list_init(&errs, 50);
    assert_int_equal(outbox_config_build(RS, NULL, &net, 4, 10, &c, &errs), 4);
    assert_true(has(&errs, "/recipients/jp-auth/endpoint", "required"));
    assert_true(has(&errs, "/recipients/us-auth/secret", "required"));
    assert_int_equal(c.nroutes, 3);
    outbox_config_release(&c);
    verr_list_release(&errs);

    json_t *ok = parse(
        "{\"format\":\"ichigen-delivery/1\",\"recipients\":{"
        "\"jp-auth\":{\"endpoint\":\"http://127.0.0.1:9/x\","
        "\"secret\":\"0123456789abcdef0123456789abcdef\",\"concurrency\":8,\"timeout_s\":3},"
        "\"us-auth\":{\"channel\":\"document\"},\"eu-auth\":{\"channel\":\"webhook\","
        "\"endpoint\":\"https://eu.example/in\",\"secret\":\"abcdefghijklmnopqrstuvwxyz012345\"}},"
        "\"exercise_sink\":{\"endpoint\":\"http://127.0.0.1:10/sink\","
        "\"secret\":\"sink-secret-sink-secret-sink-secret\"}}");
    verr_list_init(&errs, 50);
    assert_int_equal(outbox_config_build(RS, ok, &net, 4, 10, &c, &errs), 0);
    const struct outbox_route *r = outbox_route_of(&c, "jp-auth");
    assert_int_equal(r->channel, CHANNEL_WEBHOOK);
    assert_string_equal(r->endpoint, "http://127.0.0.1:9/x");
    assert_int_equal(r->secret_len, 32);
    assert_int_equal(r->concurrency, 8);
    assert_int_equal(r->timeout_s, 3);
    assert_int_equal(outbox_route_of(&c, "us-auth")->channel, CHANNEL_DOCUMENT);
    assert_int_equal(outbox_route_of(&c, "eu-auth")->concurrency, 4); /* the default */
    assert_true(c.has_sink);
    assert_int_equal(c.sink.channel, CHANNEL_WEBHOOK);
    assert_null(outbox_route_of(&c, "nobody"));
    outbox_config_release(&c);
    verr_list_release(&errs);
    json_decref(ok);

    json_t *bad =
        parse("{\"format\":\"ichigen-delivery/2\",\"extra\":1,\"recipients\":{"
              "\"nobody\":{},\"jp-auth\":{\"channel\":\"fax\",\"endpoint\":\"https://a@b/\","
              "\"secret\":\"short\",\"concurrency\":0,\"timeout_s\":301,\"colour\":\"red\"},"
              "\"us-auth\":{\"endpoint\":\"http://192.168.0.1/"
              "x\",\"secret\":\"0123456789abcdef0123456789abcdef\"}},"
              "\"exercise_sink\":{\"endpoint\":\"https://sink.example/\"}}");
    verr_list_init(&errs, 50);
    /* each problem once: a refused endpoint or secret is not also "required" (issue 8.7) */
    assert_int_equal(outbox_config_build(RS, bad, &net, 4, 10, &c, &errs), 11);
    for (size_t i = 0; i < errs.n; i++)
        for (size_t k = i + 1; k < errs.n; k++)
            if (!strcmp(errs.v[i].pointer, errs.v[k].pointer))
                fail_msg("%s is reported twice", errs.v[i].pointer);
    assert_true(has(&errs, "/format", "format"));
    assert_true(has(&errs, "/extra", "unknown_field"));
    assert_true(has(&errs, "/recipients/nobody", "unknown_recipient"));
    assert_true(has(&errs, "/recipients/jp-auth/channel", "enum"));
    assert_true(has(&errs, "/recipients/jp-auth/endpoint", "endpoint"));
    assert_true(has(&errs, "/recipients/jp-auth/secret", "secret"));
    assert_true(has(&errs, "/recipients/jp-auth/concurrency", "range"));
    assert_true(has(&errs, "/recipients/jp-auth/timeout_s", "range"));
    assert_true(has(&errs, "/recipients/jp-auth/colour", "unknown_field"));
    assert_true(has(&errs, "/recipients/us-auth/endpoint", "endpoint")); /* http to a LAN */
    assert_true(has(&errs, "/exercise_sink/secret", "required"));
    outbox_config_release(&c);
    verr_list_release(&errs);
    json_decref(bad);
}

/* The file's shape is the engine's (src/schema/): "recipients" that is not an object is a
 * problem, not silently no routes; an id that needs escaping is pointed at correctly (RFC
 * 6901); a secret is opaque (any characters, measured in bytes); values the walk refused are
 * not used for the route. */
static void test_config_file_shape(void **state)
{
    struct outbox_net_policy net = {false, true};
    struct outbox_config c;
    struct verr_list errs;
    json_t *doc;
    UNUSED(state);
    doc = parse("{\"format\":\"ichigen-delivery/1\",\"recipients\":[\"jp-auth\"]}");
    verr_list_init(&errs, 50);
    outbox_config_build(RS, doc, &net, 4, 10, &c, &errs);
    assert_true(has(&errs, "/recipients", "type"));
    outbox_config_release(&c);
    verr_list_release(&errs);
    json_decref(doc);

    doc = parse("{\"format\":\"ichigen-delivery/1\",\"recipients\":{\"a/b~c\":{},"
                "\"jp-auth\":{\"endpoint\":\"http://127.0.0.1:9/x\","
                "\"secret\":\"\\u0001123456789abcdef0123456789abcdef\",\"concurrency\":65},"
                "\"us-auth\":{\"endpoint\":\"http://127.0.0.1:9/y\","
                "\"secret\":\"0123456789abcdef0123456789abcdef\"}}}");
    verr_list_init(&errs, 50);
    assert_int_equal(outbox_config_build(RS, doc, &net, 4, 10, &c, &errs), 2);
    assert_true(has(&errs, "/recipients/a~1b~0c", "unknown_recipient"));
    assert_true(has(&errs, "/recipients/jp-auth/concurrency", "range"));
    assert_int_equal(outbox_route_of(&c, "jp-auth")->secret_len, 32);
    assert_int_equal(outbox_route_of(&c, "jp-auth")->secret[0], 1);
    assert_int_equal(outbox_route_of(&c, "jp-auth")->concurrency, 4); /* refused: the default */
    outbox_config_release(&c);
    verr_list_release(&errs);
    json_decref(doc);
}

/* ---- receipts ---- */

static void test_receipts(void **state)
{
    char ref[129];
    UNUSED(state);
    const char *a = "{\"receipt\":{\"reference\":\"PPC-2026-0042\",\"received_at\":\"x\"}}";
    char *r = outbox_receipt_parse(a, strlen(a), ref, sizeof(ref));
    assert_non_null(r);
    assert_string_equal(ref, "PPC-2026-0042");
    assert_non_null(strstr(r, "received_at"));
    free(r);
    const char *b = "{\"reference\":\"受付第12号\"}";
    r = outbox_receipt_parse(b, strlen(b), ref, sizeof(ref));
    assert_non_null(r);
    assert_string_equal(ref, "受付第12号");
    free(r);
    static const char *const none[] = {"",
                                       "ok",
                                       "[]",
                                       "{\"receipt\":{}}",
                                       "{\"reference\":7}",
                                       "{\"reference\":\"\"}",
                                       "{\"reference\":\"a\\u0001b\"}",
                                       "{\"reference\":\"a\"",
                                       "null"};
    for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
        r = outbox_receipt_parse(none[i], strlen(none[i]), ref, sizeof(ref));
        if (r)
            fail_msg("a receipt in %s", none[i]);
        assert_string_equal(ref, "");
    }
    char longref[300];
    snprintf(longref, sizeof(longref), "{\"reference\":\"%0200d\"}", 1);
    assert_null(outbox_receipt_parse(longref, strlen(longref), ref, sizeof(ref)));
}

static int setup(void **state)
{
    char dir[600];
    struct diag_list d;
    UNUSED(state);
    snprintf(dir, sizeof(dir), "%s/tests/data/rules-mini", unit_source_root());
    diag_list_init(&d);
    RS = rules_load_dir(dir, &d);
    diag_list_print(&d, stderr, false);
    diag_list_release(&d);
    return RS ? 0 : -1;
}

static int teardown(void **state)
{
    UNUSED(state);
    rules_free(RS);
    return 0;
}

/* ---- reminders and alerts ---- */

#define H (3600000LL)
#define DUE 1797778799999LL /* 2026-12-20T14:59:59.999Z */

/* An open mandatory obligation with a deadline, lead times 72, 24 and 4 hours, enabled. */
static void cand(struct reminder_candidate *c)
{
    memset(c, 0, sizeof(*c));
    xstrlcpy(c->obligation_id, "ob-1", sizeof(c->obligation_id));
    xstrlcpy(c->incident_id, "inc-1", sizeof(c->incident_id));
    xstrlcpy(c->org_id, "org-1", sizeof(c->org_id));
    xstrlcpy(c->rule_id, "jp.appi.private", sizeof(c->rule_id));
    xstrlcpy(c->stage_id, "final", sizeof(c->stage_id));
    xstrlcpy(c->recipient_id, "ppc", sizeof(c->recipient_id));
    xstrlcpy(c->kind, "legal", sizeof(c->kind));
    c->mandatory = true;
    c->due_set = true;
    c->due_ms = DUE;
    c->enabled = true;
    c->lead_hours[0] = 72;
    c->lead_hours[1] = 24;
    c->lead_hours[2] = 4;
    c->nleads = 3;
}

/* The window arithmetic at its edges: a lead's window opens exactly at due - lead (<=), the
 * smallest opened lead wins, and the deadline itself is overdue (0). */
static void test_remind_windows(void **state)
{
    struct reminder_candidate c;
    UNUSED(state);
    cand(&c);
    assert_int_equal(outbox_remind_lead(&c, DUE - 72 * H - 1), -1);
    assert_int_equal(outbox_remind_lead(&c, DUE - 72 * H), 72);
    assert_int_equal(outbox_remind_lead(&c, DUE - 24 * H - 1), 72);
    assert_int_equal(outbox_remind_lead(&c, DUE - 24 * H), 24);
    assert_int_equal(outbox_remind_lead(&c, DUE - 4 * H - 1), 24);
    assert_int_equal(outbox_remind_lead(&c, DUE - 4 * H), 4);
    assert_int_equal(outbox_remind_lead(&c, DUE - 1), 4);
    assert_int_equal(outbox_remind_lead(&c, DUE), 0);
    assert_int_equal(outbox_remind_lead(&c, DUE + 1), 0);
    assert_int_equal(outbox_remind_lead(&c, DUE + 1000 * H), 0);
    /* a configuration made late sends the nearest lead only, whatever the order stored */
    c.lead_hours[0] = 4;
    c.lead_hours[2] = 72;
    assert_int_equal(outbox_remind_lead(&c, DUE - 5 * H), 24);
    assert_int_equal(outbox_remind_lead(&c, DUE - 2 * H), 4);
    /* the largest lead the API accepts (2160 hours) */
    c.lead_hours[0] = 2160;
    c.nleads = 1;
    assert_int_equal(outbox_remind_lead(&c, DUE - 2160 * H - 1), -1);
    assert_int_equal(outbox_remind_lead(&c, DUE - 2160 * H), 2160);
    /* no lead times: overdue only */
    c.nleads = 0;
    assert_int_equal(outbox_remind_lead(&c, DUE - 1), -1);
    assert_int_equal(outbox_remind_lead(&c, DUE), 0);
}

/* Who gets none: each exclusion alone, with a lead window open and with the deadline passed. */
static void test_remind_excluded(void **state)
{
    struct reminder_candidate c;
    UNUSED(state);
    for (int k = 0; k < 6; k++) {
        cand(&c);
        assert_int_equal(outbox_remind_lead(&c, DUE - H), 4);
        assert_int_equal(outbox_remind_lead(&c, DUE + H), 0);
        switch (k) {
        case 0:
            c.withdrawn = true;
            break;
        case 1:
            c.met = true;
            break;
        case 2:
            c.mandatory = false;
            break; /* a voluntary channel: a target, no reminder */
        case 3:
            c.drill = true;
            break;
        case 4:
            c.due_set = false;
            break;
        default:
            c.enabled = false;
            break;
        }
        assert_int_equal(outbox_remind_lead(&c, DUE - H), -1);
        assert_int_equal(outbox_remind_lead(&c, DUE + H), -1);
    }
}

/* The payloads are a public contract (ReminderEvent, docs/api/openapi.yaml): the expected
 * texts are what the SQL json_object() that built them before issue 9 gave for these values,
 * byte for byte. */
static void test_remind_payload(void **state)
{
    struct reminder_candidate c;
    UNUSED(state);
    cand(&c);
    c.incident_summary = "サーバ\"侵害\"\n/x";
    char *p = outbox_remind_payload(&c, 24, 1797692400000LL);
    assert_string_equal(
        p, "{\"event\":\"obligation.due_soon\",\"lead_hours\":24,\"organization_id\":\"org-1\","
           "\"incident_id\":\"inc-1\",\"incident_summary\":\"サーバ\\\"侵害\\\"\\n/x\","
           "\"obligation\":{\"id\":\"ob-1\",\"rule_id\":\"jp.appi.private\",\"stage_id\":"
           "\"final\",\"recipient_id\":\"ppc\",\"kind\":\"legal\",\"due_at\":"
           "\"2026-12-20T14:59:59.999Z\"},\"created_at\":\"2026-12-19T15:00:00.000Z\"}");
    free(p);
    c.incident_summary = NULL;
    p = outbox_remind_payload(&c, 0, 1797778800000LL);
    assert_string_equal(
        p, "{\"event\":\"obligation.overdue\",\"lead_hours\":0,\"organization_id\":\"org-1\","
           "\"incident_id\":\"inc-1\",\"incident_summary\":null,\"obligation\":{\"id\":\"ob-1\","
           "\"rule_id\":\"jp.appi.private\",\"stage_id\":\"final\",\"recipient_id\":\"ppc\","
           "\"kind\":\"legal\",\"due_at\":\"2026-12-20T14:59:59.999Z\"},\"created_at\":"
           "\"2026-12-20T15:00:00.000Z\"}");
    free(p);
}

static void counter_id(char id[40], void *arg)
{
    int *n = arg;
    snprintf(id, 40, "note-%d", ++*n);
}

/* The plan: one notification per candidate with a lead due, keyed (obligation, lead). */
static void test_remind_plan(void **state)
{
    struct reminder_candidate c[3];
    struct notification_new *v;
    int ids = 0;
    UNUSED(state);
    cand(&c[0]);
    cand(&c[1]);
    xstrlcpy(c[1].obligation_id, "ob-2", sizeof(c[1].obligation_id));
    c[1].due_ms = DUE + 100 * H; /* no window open yet */
    cand(&c[2]);
    xstrlcpy(c[2].obligation_id, "ob-3", sizeof(c[2].obligation_id));
    c[2].due_ms = DUE - 4 * H; /* passed an hour ago */
    struct outbox_remind_ctx ctx = {DUE - 3 * H, counter_id, &ids};
    size_t n = outbox_remind_plan(c, 3, &ctx, &v);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "note-1");
    assert_string_equal(v[0].org_id, "org-1");
    assert_string_equal(v[0].kind, "reminder");
    assert_string_equal(v[0].dedupe, "reminder:ob-1:4");
    assert_int_equal(v[0].at, DUE - 3 * H);
    char *want = outbox_remind_payload(&c[0], 4, DUE - 3 * H);
    assert_string_equal(v[0].payload, want);
    free(want);
    assert_string_equal(v[1].dedupe, "reminder:ob-3:0");
    assert_non_null(strstr(v[1].payload, "\"event\":\"obligation.overdue\""));
    notification_new_free(v, n);
    ctx.now = DUE - 1000 * H;
    assert_int_equal(outbox_remind_plan(c, 3, &ctx, &v), 0);
    notification_new_free(v, 0);
}

/* A determination (issue 11 item 1): reminded at its lead times as a decision to make, under
 * its own keys (so the real reminders still go once it is settled), never as overdue. */
static void test_remind_undetermined(void **state)
{
    struct reminder_candidate c[2];
    struct notification_new *v;
    int ids = 0;
    UNUSED(state);
    cand(&c[0]);
    c[0].undetermined = true;
    cand(&c[1]);
    xstrlcpy(c[1].obligation_id, "ob-2", sizeof(c[1].obligation_id));
    c[1].undetermined = true;
    c[1].due_ms = DUE - 4 * H; /* passed an hour ago */
    assert_int_equal(outbox_remind_lead(&c[0], DUE - H), 4);
    assert_int_equal(outbox_remind_lead(&c[1], DUE - 3 * H), -1);
    struct outbox_remind_ctx ctx = {DUE - 3 * H, counter_id, &ids};
    size_t n = outbox_remind_plan(c, 2, &ctx, &v);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].dedupe, "decide:ob-1:4");
    assert_non_null(strstr(v[0].payload, "\"event\":\"obligation.undetermined\""));
    notification_new_free(v, n);
}

/* Issue 11 item 4: a proposal's deadline (t.jp.previous is "proposed" in rules-mini) that has
 * passed gets no "obligation.overdue" reminder; its due-soon reminder says in words that the
 * rule is not in force; an in-force rule's obligation in the same scan is overdue as before. */
static void test_remind_plan_proposed(void **state)
{
    struct reminder_candidate c[3];
    struct notification_new *v;
    int ids = 0;
    UNUSED(state);
    cand(&c[0]); /* jp.appi.private: not in rules-mini, counts as in force */
    c[0].due_ms = DUE - 4 * H;
    cand(&c[1]);
    xstrlcpy(c[1].obligation_id, "ob-2", sizeof(c[1].obligation_id));
    xstrlcpy(c[1].rule_id, "t.jp.previous", sizeof(c[1].rule_id));
    c[1].due_ms = DUE - 4 * H; /* passed an hour ago, like c[0] */
    cand(&c[2]);
    xstrlcpy(c[2].obligation_id, "ob-3", sizeof(c[2].obligation_id));
    xstrlcpy(c[2].rule_id, "t.jp.hours", sizeof(c[2].rule_id)); /* in force in rules-mini */
    c[2].due_ms = DUE - 4 * H;
    struct outbox_remind_ctx ctx = {DUE - 3 * H, counter_id, &ids, RS};
    size_t n = outbox_remind_plan(c, 3, &ctx, &v);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].dedupe, "reminder:ob-1:0");
    assert_non_null(strstr(v[0].payload, "\"event\":\"obligation.overdue\""));
    assert_string_equal(v[1].dedupe, "reminder:ob-3:0");
    assert_non_null(strstr(v[1].payload, "\"event\":\"obligation.overdue\""));
    assert_null(strstr(v[1].payload, "in_force"));
    notification_new_free(v, n);
    /* before its deadline (3 hours to go, the 4-hour window): a due-soon reminder, marked */
    ctx.now = DUE - 7 * H;
    n = outbox_remind_plan(&c[1], 1, &ctx, &v);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].dedupe, "reminder:ob-2:4");
    assert_non_null(strstr(v[0].payload, "\"event\":\"obligation.due_soon\""));
    assert_non_null(strstr(v[0].payload, "\"rule_status\":\"proposed\",\"in_force\":false,"
                                         "\"rule_status_text\":{\"en\":\"proposed rule, not in "
                                         "force\",\"ja\":\"案（未施行）\"}"));
    notification_new_free(v, n);
    /* without the rule set every rule counts as in force (the overdue event is sent) */
    ctx.now = DUE - 3 * H;
    ctx.rules = NULL;
    n = outbox_remind_plan(&c[1], 1, &ctx, &v);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].dedupe, "reminder:ob-2:0");
    notification_new_free(v, n);
}

static void test_alert(void **state)
{
    struct submission_rec s;
    struct notification_new n;
    UNUSED(state);
    memset(&s, 0, sizeof(s));
    xstrlcpy(s.id, "sub-1", sizeof(s.id));
    xstrlcpy(s.org_id, "org-1", sizeof(s.org_id));
    xstrlcpy(s.incident_id, "inc-1", sizeof(s.incident_id));
    xstrlcpy(s.obligation_id, "ob-1", sizeof(s.obligation_id));
    xstrlcpy(s.rule_id, "jp.mlit", sizeof(s.rule_id));
    xstrlcpy(s.stage_id, "report", sizeof(s.stage_id));
    xstrlcpy(s.recipient_id, "mlit", sizeof(s.recipient_id));
    s.attempts = 7;
    outbox_alert_note(&s, "connection refused (HTTP 503)", 1797692400123LL, "id-1", &n);
    assert_string_equal(n.id, "id-1");
    assert_string_equal(n.org_id, "org-1");
    assert_string_equal(n.kind, "alert");
    assert_string_equal(n.dedupe, "failed:sub-1");
    assert_int_equal(n.at, 1797692400123LL);
    assert_string_equal(n.payload,
                        "{\"event\":\"submission.failed\",\"organization_id\":\"org-1\","
                        "\"incident_id\":\"inc-1\",\"submission\":{\"id\":\"sub-1\","
                        "\"obligation_id\":\"ob-1\",\"rule_id\":\"jp.mlit\",\"stage_id\":"
                        "\"report\",\"recipient_id\":\"mlit\",\"attempts\":7,\"last_error\":"
                        "\"connection refused (HTTP 503)\"},\"created_at\":"
                        "\"2026-12-19T15:00:00.123Z\"}");
    free(n.payload);
    outbox_alert_note(&s, NULL, 1797692400123LL, "id-1", &n);
    assert_non_null(strstr(n.payload, "\"attempts\":7,\"last_error\":null}"));
    free(n.payload);
}

/* ---- e-mail (outbox_mail.c, issue 10 item 8) ---- */

/* Addresses: the RFC 5321/5322 subset people type; never a line break (header injection). */
static void test_mail_addresses(void **state)
{
    static const char *const good[] = {
        "soc@example.jp", "a.b+tag@sub.example.co.jp", "x_y-z@a-b.example", "!#$%&'*+/=?^`{|}~@e.jp",
        NULL};
    static const char *const bad[] = {
        "", "plain", "a@b", "@example.jp", "a@", "a@@example.jp", "a@b@example.jp", ".a@example.jp",
        "a.@example.jp", "a..b@example.jp", "a b@example.jp", "a@exa mple.jp",
        "a@example.jp\r\nBcc: x@evil.jp", "a@example.jp\n", "\"q\"@example.jp", "a@[127.0.0.1]",
        "a@-x.example.jp", "a@x-.example.jp", "a@example..jp", "a@example.jp.", "ユーザ@example.jp",
        "a@例え.jp", "a(comment)@example.jp", "<a@example.jp>", NULL};
    struct err e;
    char longlocal[80], longaddr[300];
    UNUSED(state);
    for (const char *const *a = good; *a; a++)
        if (outbox_mail_addr_check(*a, strlen(*a), &e))
            fail_msg("refused %s: %s", *a, e.msg);
    for (const char *const *a = bad; *a; a++) {
        err_init(&e);
        if (!outbox_mail_addr_check(*a, strlen(*a), &e))
            fail_msg("accepted %s", *a);
        assert_true(e.msg[0] != '\0');
    }
    /* a NUL inside the given length is not a terminator */
    assert_int_equal(outbox_mail_addr_check("a@example.jp\0b", 14, &e), -1);
    /* limits: local part 64, whole address 254 */
    memset(longlocal, 'a', 65);
    snprintf(longlocal + 65, sizeof(longlocal) - 65, "@e.jp");
    assert_int_equal(outbox_mail_addr_check(longlocal, strlen(longlocal), &e), -1);
    longlocal[64] = '@';
    memmove(longlocal + 65, "e.jp", 5);
    assert_int_equal(outbox_mail_addr_check(longlocal, strlen(longlocal), &e), 0);
    size_t k = (size_t)snprintf(longaddr, sizeof(longaddr), "a@");
    while (k < 260) {
        memcpy(longaddr + k, "abcdefghi.", 10);
        k += 10;
    }
    memcpy(longaddr + k - 1, ".jp", 4);
    assert_true(strlen(longaddr) > 254);
    assert_int_equal(outbox_mail_addr_check(longaddr, strlen(longaddr), &e), -1);
}

static int unb64(int c)
{
    const char *p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c);
    return c && p ? (int)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                  : -1;
}

/* Decodes standard base64 from p[0..n), skipping CR and LF; appends to out. */
static void b64_decode(const char *p, size_t n, struct buf *out)
{
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\n' || p[i] == '=')
            continue;
        int d = unb64((unsigned char)p[i]);
        assert_true(d >= 0);
        v = v << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_putc(out, (char)(v >> bits & 0xff));
        }
    }
}

/* The Subject's encoded-words decoded and joined (RFC 2047 §6.2: the folds between them are
 * not text). Each word is checked: "=?UTF-8?B?…?=", at most 75 characters. */
static void subject_text(const char *msg, struct buf *out)
{
    const char *p = strstr(msg, "\r\nSubject: ");
    assert_non_null(p);
    p += 11;
    for (;;) {
        assert_memory_equal(p, "=?UTF-8?B?", 10);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        b64_decode(p + 10, (size_t)(end - p - 10), out);
        p = end + 2;
        if (strncmp(p, "\r\n =?", 5))
            break;
        p += 3;
    }
    assert_memory_equal(p, "\r\n", 2);
}

static char *compose(const char *id, const char *kind, const char *payload, const char *from_name,
                     struct buf *body)
{
    static const char *const to[] = {"soc@a.example.jp", "ciso@a.example.jp"};
    struct outbox_mail_in m = {id, kind, payload, 1796540400000LL /* 2026-12-06T07:00:00Z */,
                               "ichigen@notify.example.jp", from_name, to, 2};
    struct buf out;
    buf_init(&out, OUTBOX_MAIL_MAX);
    assert_int_equal(outbox_mail_compose(&m, &out), 0);
    char *msg = buf_detach(&out, NULL);
    /* every line ends CRLF, none longer than 78 characters (RFC 5322 §2.1.1), no NUL */
    for (const char *l = msg, *nl; *l; l = nl + 1) {
        nl = strchr(l, '\n');
        assert_non_null(nl);
        assert_true(nl > l && nl[-1] == '\r');
        assert_true(nl - l - 1 <= 78);
        assert_null(memchr(l, '\r', (size_t)(nl - l - 1)));
    }
    if (body) {
        const char *b = strstr(msg, "\r\n\r\n");
        assert_non_null(b);
        b64_decode(b + 4, strlen(b + 4), body);
    }
    return msg;
}

/* The e-mail of an advisory (issue 13) says what its event says: the title for TLP:GREEN,
 * only that one is waiting (label, id, link) for TLP:AMBER — the mailbox is not a named reader. */
static void test_mail_advisory(void **state)
{
    json_t *title = json_pack("{s:s, s:s}", "ja", "停電の恐れ", "en", "Risk of outage");
    UNUSED(state);
    for (int t = TLP_GREEN; t <= TLP_AMBER; t++) {
        json_t *ev = advisory_event("advisory.published", "0190aaaa-0000-7000-8000-000000000001",
                                    1, (enum tlp)t, false, title);
        char *payload = json_dumps(ev, JSON_COMPACT);
        struct buf subj, body;
        buf_init(&subj, BUF_UNLIMITED);
        buf_init(&body, BUF_UNLIMITED);
        char *msg = compose("00112233445566778899aabbccddeeff", "advisory", payload, NULL, &body);
        subject_text(msg, &subj);
        assert_non_null(strstr(buf_cstr(&subj), "An advisory is waiting for you"));
        assert_null(strstr(buf_cstr(&subj), "停電"));
        assert_non_null(strstr(buf_cstr(&body), "/api/v1/advisories/0190aaaa-0000-7000-8000-"));
        assert_non_null(strstr(buf_cstr(&body), tlp_label((enum tlp)t)));
        assert_true((strstr(buf_cstr(&body), "停電の恐れ") != NULL) == (t == TLP_GREEN));
        assert_true((strstr(buf_cstr(&body), "Risk of outage") != NULL) == (t == TLP_GREEN));
        free(msg);
        free(payload);
        json_decref(ev);
        buf_release(&subj);
        buf_release(&body);
    }
    json_decref(title);
}

/* The e-mail telling an organisation that an advisory names indicators from its reports (event
 * advisory.matches_reports) says so in its subject, in both languages, with the same lines. */
static void test_mail_advisory_matches(void **state)
{
    UNUSED(state);
    json_t *ev = advisory_event("advisory.matches_reports", "0190aaaa-0000-7000-8000-000000000002",
                                2, TLP_GREEN, false, NULL);
    char *payload = json_dumps(ev, JSON_COMPACT);
    struct buf subj, body;
    buf_init(&subj, BUF_UNLIMITED);
    buf_init(&body, BUF_UNLIMITED);
    char *msg = compose("00112233445566778899aabbccddeeff", "advisory", payload, NULL, &body);
    subject_text(msg, &subj);
    assert_non_null(strstr(buf_cstr(&subj), "An advisory names indicators from your"));
    assert_non_null(strstr(buf_cstr(&body), "貴組織が報告した痕跡情報"));
    assert_non_null(strstr(buf_cstr(&body), "/api/v1/advisories/0190aaaa-0000-7000-8000-"));
    free(msg);
    free(payload);
    json_decref(ev);
    buf_release(&subj);
    buf_release(&body);
}

/* With the setting public_url, an advisory's e-mail links to its page in the web UI under that
 * address (a mail reader cannot follow a relative link); without it, the event's relative link. */
static void test_mail_advisory_public_url(void **state)
{
    static const char *const to[] = {"soc@a.example.jp"};
    static const char *const id = "0190aaaa-0000-7000-8000-000000000002";
    UNUSED(state);
    json_t *ev = advisory_event("advisory.amended", id, 2, TLP_AMBER, false, NULL);
    char *payload = json_dumps(ev, JSON_COMPACT);
    for (int with = 0; with < 2; with++) {
        struct outbox_mail_in m = {.notification_id = "00112233445566778899aabbccddeeff",
                                   .kind = "advisory",
                                   .payload = payload,
                                   .created_ms = 1796540400000LL,
                                   .from_addr = "ichigen@notify.example.jp",
                                   .to = to,
                                   .nto = 1,
                                   .public_url = with ? "https://ichigen.example.go.jp" : NULL};
        struct buf out, body;
        buf_init(&out, OUTBOX_MAIL_MAX);
        buf_init(&body, BUF_UNLIMITED);
        assert_int_equal(outbox_mail_compose(&m, &out), 0);
        const char *b = strstr(buf_cstr(&out), "\r\n\r\n");
        assert_non_null(b);
        b64_decode(b + 4, strlen(b + 4), &body);
        const char *want_ja = with ? "参照先：https://ichigen.example.go.jp/advisories/"
                                     "0190aaaa-0000-7000-8000-000000000002\r\n"
                                   : "参照先：/api/v1/advisories/"
                                     "0190aaaa-0000-7000-8000-000000000002\r\n";
        const char *want_en = with ? "Link: https://ichigen.example.go.jp/advisories/"
                                     "0190aaaa-0000-7000-8000-000000000002\r\n"
                                   : "Link: /api/v1/advisories/"
                                     "0190aaaa-0000-7000-8000-000000000002\r\n";
        if (!strstr(buf_cstr(&body), want_ja) || !strstr(buf_cstr(&body), want_en))
            fail_msg("no link line \"%s\" / \"%s\" in:\n%s", want_ja, want_en, buf_cstr(&body));
        buf_release(&out);
        buf_release(&body);
    }
    free(payload);
    json_decref(ev);
}

/* The message of a reminder: headers, the bilingual Subject and body, the same bytes for the
 * same notification (a retry is the same message, with the same Message-ID). */
static void test_mail_compose(void **state)
{
    static const char *const ev =
        "{\"event\":\"obligation.due_soon\",\"lead_hours\":24,\"organization_id\":\"org-1\","
        "\"incident_id\":\"inc-1\",\"incident_summary\":\"不正アクセス\\r\\nBcc: x@evil.jp\","
        "\"obligation\":{\"id\":\"ob-1\",\"rule_id\":\"jp.appi.private\",\"stage_id\":\"prompt\","
        "\"recipient_id\":\"ppc\",\"kind\":\"report\",\"due_at\":\"2026-12-07T07:00:00.000Z\"},"
        "\"created_at\":\"2026-12-06T07:00:00.000Z\"}";
    struct buf subj, body;
    UNUSED(state);
    buf_init(&subj, BUF_UNLIMITED);
    buf_init(&body, BUF_UNLIMITED);
    char *msg = compose("0123456789abcdef0123456789abcdef", "reminder", ev, "ichigen 通知", &body);
    assert_non_null(strstr(msg, "Date: Sun, 06 Dec 2026 07:00:00 +0000\r\n"));
    assert_non_null(strstr(msg, "\r\nFrom: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "?=\r\n <ichigen@notify.example.jp>\r\n"));
    assert_non_null(strstr(msg, "\r\nTo: <soc@a.example.jp>,\r\n <ciso@a.example.jp>\r\n"));
    assert_non_null(strstr(msg, "\r\nMessage-ID: <0123456789abcdef0123456789abcdef.notification@"
                                "notify.example.jp>\r\n"));
    assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Transfer-Encoding: base64\r\n"));
    assert_non_null(strstr(msg, "\r\nAuto-Submitted: auto-generated\r\n"));
    /* the incident's own text never reaches the header */
    const char *hdr_end = strstr(msg, "\r\n\r\n");
    assert_null(strstr(msg, "Bcc:") && strstr(msg, "Bcc:") < hdr_end ? "Bcc" : NULL);
    subject_text(msg, &subj);
    assert_string_equal(buf_cstr(&subj), "[ichigen] 報告期限まで24時間 / Report due in 24 hours");
    const char *text = buf_cstr(&body);
    const char *ja = strstr(text, "報告期限が近づいています"), *en = strstr(text, "A reporting");
    assert_non_null(ja);
    assert_non_null(en);
    assert_true(ja < en); /* Japanese first */
    assert_non_null(strstr(text, "規則：jp.appi.private\r\n"));
    assert_non_null(strstr(text, "Due (UTC): 2026-12-07T07:00:00.000Z\r\n"));
    assert_non_null(strstr(text, "Notification id: 0123456789abcdef0123456789abcdef\r\n"));
    assert_null(strstr(text, "\r\r"));
    /* deterministic: the same notification, the same bytes */
    char *again = compose("0123456789abcdef0123456789abcdef", "reminder", ev, "ichigen 通知", NULL);
    assert_string_equal(msg, again);
    free(again);
    free(msg);
    buf_release(&subj);
    buf_release(&body);
}

/* Issue 11 item 4: a reminder of a proposal's deadline says so in the Subject and in both
 * languages of the body; one of a rule in force does not (test_mail_compose). */
static void test_mail_proposed(void **state)
{
    static const char *const ev =
        "{\"event\":\"obligation.due_soon\",\"lead_hours\":24,\"organization_id\":\"org-1\","
        "\"incident_id\":\"inc-1\",\"incident_summary\":null,\"obligation\":{\"id\":\"ob-1\","
        "\"rule_id\":\"us.circia.covered-incident\",\"stage_id\":\"report\",\"recipient_id\":"
        "\"cisa\",\"kind\":\"legal\",\"due_at\":\"2026-12-07T07:00:00.000Z\",\"rule_status\":"
        "\"proposed\",\"in_force\":false,\"rule_status_text\":{\"en\":\"proposed rule, not in "
        "force\",\"ja\":\"案（未施行）\"}},\"created_at\":\"2026-12-06T07:00:00.000Z\"}";
    struct buf subj, body;
    UNUSED(state);
    buf_init(&subj, BUF_UNLIMITED);
    buf_init(&body, BUF_UNLIMITED);
    char *msg = compose("0123456789abcdef0123456789abcdef", "reminder", ev, "ichigen", &body);
    subject_text(msg, &subj);
    assert_string_equal(buf_cstr(&subj), "[ichigen] 【案（未施行）】報告期限まで24時間 / "
                                         "[proposed rule, not in force] Report due in 24 hours");
    const char *text = buf_cstr(&body);
    const char *ja = strstr(text, "【案（未施行）】この期限は施行されていない規則によるもので"),
               *en = strstr(text, "[proposed rule, not in force] This deadline comes from a rule "
                                  "that is not in force; it is not a legal deadline.");
    assert_non_null(ja);
    assert_non_null(en);
    assert_true(ja < en);
    free(msg);
    buf_release(&subj);
    buf_release(&body);
}

/* Every kind has a message: overdue, a failed submission, account events, and kinds this
 * version does not know (an authority's request …) told generically; no payload at all. */
static void test_mail_kinds(void **state)
{
    static const struct {
        const char *kind, *payload, *subject, *body_ja;
    } cases[] = {
        {"reminder", "{\"event\":\"obligation.overdue\",\"lead_hours\":0}",
         "[ichigen] 報告期限を過ぎています / Report overdue", "報告期限を過ぎました"},
        {"alert",
         "{\"event\":\"submission.failed\",\"submission\":{\"id\":\"s-1\",\"attempts\":7,"
         "\"last_error\":null}}",
         "[ichigen] 提出を配信できませんでした / Submission could not be delivered",
         "試行回数：7"},
        {"account", "{\"event\":\"account.user_disabled\",\"user\":{\"username\":\"taro\"}}",
         "[ichigen] アカウントの変更（account.user_disabled） / Account change "
         "(account.user_disabled)",
         "利用者：taro"},
        {"request", "{\"event\":\"request.more_information\",\"text\":\"追加の情報を\"}",
         "[ichigen] ichigen からのお知らせ（request.more_information） / Notification from "
         "ichigen (request.more_information)",
         "追加の情報を"},
        {"request", NULL, "[ichigen] ichigen からのお知らせ（request） / Notification from ichigen "
                          "(request)",
         "ichigen からのお知らせです（request）"},
        {"x", "not json", "[ichigen] ichigen からのお知らせ（x） / Notification from ichigen (x)",
         "(none)"},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct buf subj, body;
        buf_init(&subj, BUF_UNLIMITED);
        buf_init(&body, BUF_UNLIMITED);
        char *msg = compose("ffffffffffffffffffffffffffffffff", cases[i].kind, cases[i].payload,
                            "", &body);
        assert_non_null(strstr(msg, "\r\nFrom: <ichigen@notify.example.jp>\r\n")); /* no name */
        subject_text(msg, &subj);
        assert_string_equal(buf_cstr(&subj), cases[i].subject);
        if (!strstr(buf_cstr(&body), cases[i].body_ja))
            fail_msg("case %zu: no \"%s\" in\n%s", i, cases[i].body_ja, buf_cstr(&body));
        free(msg);
        buf_release(&subj);
        buf_release(&body);
    }
}

/* A From name with a line break cannot add a header; a long Subject is cut only between
 * UTF-8 characters. */
static void test_mail_header_safety(void **state)
{
    struct buf subj;
    char ev[600];
    UNUSED(state);
    char *msg = compose("aa", "k", "{\"event\":\"e\"}", "name\r\nBcc: evil@example.jp", NULL);
    const char *hdr_end = strstr(msg, "\r\n\r\n");
    const char *bcc = strstr(msg, "\r\nBcc:");
    assert_true(!bcc || bcc > hdr_end);
    free(msg);
    /* an event name of 3-byte characters: every encoded-word decodes to whole characters */
    size_t k = (size_t)snprintf(ev, sizeof(ev), "{\"event\":\"");
    for (int i = 0; i < 40; i++)
        k += (size_t)snprintf(ev + k, sizeof(ev) - k, "通");
    snprintf(ev + k, sizeof(ev) - k, "\"}");
    buf_init(&subj, BUF_UNLIMITED);
    msg = compose("bb", "k", ev, NULL, NULL);
    subject_text(msg, &subj);
    assert_non_null(strstr(buf_cstr(&subj), "通通通通通通通通通通"));
    json_t *valid = json_stringn(buf_cstr(&subj), subj.len); /* NULL if not UTF-8 */
    assert_non_null(valid);
    json_decref(valid);
    free(msg);
    buf_release(&subj);
}

/* Lead times 72, 24 and 4 hours: one reminder per window, then overdue. */
static void test_mail_lead_times(void **state)
{
    struct reminder_candidate c;
    UNUSED(state);
    memset(&c, 0, sizeof(c));
    c.mandatory = c.due_set = c.enabled = true;
    c.due_ms = 1000 * 3600000LL;
    c.lead_hours[0] = 72;
    c.lead_hours[1] = 24;
    c.lead_hours[2] = 4;
    c.nleads = 3;
    assert_int_equal(outbox_remind_lead(&c, c.due_ms - 73 * 3600000LL), -1);
    assert_int_equal(outbox_remind_lead(&c, c.due_ms - 48 * 3600000LL), 72);
    assert_int_equal(outbox_remind_lead(&c, c.due_ms - 10 * 3600000LL), 24);
    assert_int_equal(outbox_remind_lead(&c, c.due_ms - 2 * 3600000LL), 4);
    assert_int_equal(outbox_remind_lead(&c, c.due_ms + 1), 0);
}

/* The relay's settings: refused before the worker starts when they cannot work. */
static void test_smtp_check(void **state)
{
    struct outbox_smtp m;
    struct err e;
    UNUSED(state);
    memset(&m, 0, sizeof(m));
    assert_int_equal(outbox_smtp_check(&m, &e), 0); /* no relay: nothing to check */
    xstrlcpy(m.url, "smtp://relay.example.jp:587", sizeof(m.url));
    xstrlcpy(m.from_addr, "ichigen@example.jp", sizeof(m.from_addr));
    assert_int_equal(outbox_smtp_check(&m, &e), 0);
    xstrlcpy(m.url, "smtps://relay.example.jp", sizeof(m.url));
    assert_int_equal(outbox_smtp_check(&m, &e), 0);
    static const char *const bad_urls[] = {"http://relay.example.jp", "smtp://",
                                           "smtp://user:pw@relay.example.jp", "smtp://a b",
                                           "relay.example.jp", NULL};
    for (const char *const *u = bad_urls; *u; u++) {
        xstrlcpy(m.url, *u, sizeof(m.url));
        assert_int_equal(outbox_smtp_check(&m, &e), -1);
        assert_non_null(strstr(e.msg, "smtp_url"));
        assert_null(strstr(e.msg, "pw@")); /* never echoes a credential */
    }
    xstrlcpy(m.url, "smtp://relay.example.jp", sizeof(m.url));
    xstrlcpy(m.from_addr, "not an address", sizeof(m.from_addr));
    assert_int_equal(outbox_smtp_check(&m, &e), -1);
    assert_non_null(strstr(e.msg, "smtp_from"));
    xstrlcpy(m.from_addr, "ichigen@example.jp", sizeof(m.from_addr));
    xstrlcpy(m.from_name, "a\r\nBcc: x", sizeof(m.from_name));
    assert_int_equal(outbox_smtp_check(&m, &e), -1);
    m.from_name[0] = '\0';
    xstrlcpy(m.password, "pw", sizeof(m.password));
    assert_int_equal(outbox_smtp_check(&m, &e), -1); /* a password without a user */
    xstrlcpy(m.user, "u", sizeof(m.user));
    assert_int_equal(outbox_smtp_check(&m, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_plan_chain),
        cmocka_unit_test(test_plan_reason_texts),
        cmocka_unit_test(test_plan_updates),
        cmocka_unit_test(test_project),
        cmocka_unit_test(test_project_consent),
        cmocka_unit_test(test_payload),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_file_shape),
        cmocka_unit_test(test_receipts),
        cmocka_unit_test(test_remind_windows),
        cmocka_unit_test(test_remind_excluded),
        cmocka_unit_test(test_remind_payload),
        cmocka_unit_test(test_remind_plan),
        cmocka_unit_test(test_remind_undetermined),
        cmocka_unit_test(test_remind_plan_proposed),
        cmocka_unit_test(test_alert),
        cmocka_unit_test(test_mail_addresses),
        cmocka_unit_test(test_mail_compose),
        cmocka_unit_test(test_mail_advisory),
        cmocka_unit_test(test_mail_advisory_matches),
        cmocka_unit_test(test_mail_advisory_public_url),
        cmocka_unit_test(test_mail_proposed),
        cmocka_unit_test(test_mail_kinds),
        cmocka_unit_test(test_mail_header_safety),
        cmocka_unit_test(test_mail_lead_times),
        cmocka_unit_test(test_smtp_check),
    };
    if (hash_global_init())
        return 1;
    return cmocka_run_group_tests(tests, setup, teardown);
}
