/*
 * itest_share_export.c — an advisory out as STIX 2.1 and as a MISP event, and a MISP event in as
 * STIX indicators of a TAXII collection (issue 13 items 4 and 6), over HTTP.
 *
 * What must hold: the exports read through the advisory's own read rule (a reader outside its
 * audience, anonymous or not, gets the same 404 as for an id never issued); what is exported
 * carries the label (STIX object_marking_refs with the TLP 2.0 marking definition; MISP's tlp:
 * tag); other organisations' source incidents are never named; an imported MISP event's
 * indicators become STIX indicators with STIX patterns, refused one by one when their label is
 * more restrictive than the collection's, and a re-import changes nothing. The sightings of an
 * indicator as STIX (k = 2 here): the caller's organisation's own in full, the platform's only
 * from k organisations and naming nobody, an identity only on the caller's request; checked
 * against the OASIS schemas (tests/stix/validate.mjs) when node and Ajv are installed.
 */
#include "itest.h"
#include "core/buf.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static struct itest_fixture F;
/* k = 2 so that two organisations' sightings make a figure (docs/sharing.md §3) */
static const char *const settings[] = {"--sharing-k-anonymity=2", NULL};
static char advisory[40];   /* org C's TLP:AMBER advisory for org A */
static char collection[40]; /* org C's TLP:AMBER TAXII collection for org A */
static const char source_incident[] = "0190aaaa-0000-7000-8000-00000000beef";

static const char *objects_of_type(json_t *bundle, const char *type, size_t *n)
{
    const json_t *objs = json_object_get(bundle, "objects");
    const char *first = NULL;
    *n = 0;
    for (size_t i = 0; i < json_array_size(objs); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(objs, i), "type"));
        if (t && !strcmp(t, type) && (*n)++ == 0)
            first = json_string_value(json_object_get(json_array_get(objs, i), "id"));
    }
    return first;
}

static void test_stix_export(void **state)
{
    struct itest_resp r, missing;
    char path[120];
    size_t n;
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/stix", advisory);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_non_null(strstr(r.content_type, "application/stix+json"));
    assert_string_equal(itest_jstr(r.json, "/type"), "bundle");
    assert_non_null(objects_of_type(r.json, "report", &n));
    assert_int_equal(n, 1);
    objects_of_type(r.json, "indicator", &n);
    assert_int_equal(n, 2);
    objects_of_type(r.json, "attack-pattern", &n);
    assert_int_equal(n, 1);
    objects_of_type(r.json, "vulnerability", &n);
    assert_int_equal(n, 1);
    /* the label: the TLP 2.0 AMBER marking definition, referenced by every object */
    assert_string_equal(objects_of_type(r.json, "marking-definition", &n),
                        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    const json_t *objs = json_object_get(r.json, "objects");
    for (size_t i = 0; i < json_array_size(objs); i++) {
        const json_t *o = json_array_get(objs, i);
        if (strcmp(json_string_value(json_object_get(o, "type")), "marking-definition"))
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(o, "object_marking_refs"), 0)),
                "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    }
    assert_non_null(strstr(r.body, "[ipv4-addr:value = '198.51.100.7']"));
    assert_null(strstr(r.body, source_incident)); /* another organisation's incident */
    itest_resp_release(&r);

    /* outside the audience: exactly the answer for an id never issued */
    assert_int_equal(itest_get(&F.srv, NULL,
                               "/api/v1/advisories/"
                               "0190aaaa-0000-7000-8000-000000000000/stix",
                               &missing),
                     404);
    const char *readers[] = {F.rep_b.token, F.admin.token, NULL};
    for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
        assert_int_equal(itest_get(&F.srv, readers[i], path, &r), 404);
        assert_string_equal(itest_jstr(r.json, "/type"), itest_jstr(missing.json, "/type"));
        assert_string_equal(itest_jstr(r.json, "/detail"), itest_jstr(missing.json, "/detail"));
        itest_resp_release(&r);
    }
    itest_resp_release(&missing);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/stix?version=2", advisory);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 404); /* no version 2 */
    itest_resp_release(&r);
}

static void test_misp_export(void **state)
{
    struct itest_resp r;
    char path[120];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s/misp", advisory);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/Event/uuid"), advisory);
    assert_string_equal(itest_jstr(r.json, "/Event/Tag/0/name"), "tlp:amber");
    assert_string_equal(itest_jstr(r.json, "/Event/threat_level_id"), "1"); /* importance high */
    const json_t *attrs = json_object_get(json_object_get(r.json, "Event"), "Attribute");
    assert_int_equal(json_array_size(attrs), 2);
    assert_string_equal(itest_jstr(r.json, "/Event/Attribute/0/type"), "ip-dst");
    assert_null(strstr(r.body, source_incident));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, NULL, path, &r), 404);
    itest_resp_release(&r);
}

/* A MISP event with an AMBER tag, one attribute marked RED, one unsupported type. */
static const char misp_event[] =
    "{\"Event\":{\"uuid\":\"5f1b1c4e-0f6a-4d2b-9a51-2c0d3e4f5a6b\",\"info\":\"Phishing wave\","
    "\"distribution\":\"1\",\"Tag\":[{\"name\":\"tlp:amber\"}],\"Attribute\":["
    "{\"uuid\":\"0b5a6c7d-1e2f-4a3b-8c9d-0e1f2a3b4c5d\",\"type\":\"domain\",\"category\":"
    "\"Network activity\",\"value\":\"login-bank.example\",\"to_ids\":true},"
    "{\"uuid\":\"1c6b7d8e-2f3a-4b4c-9d0e-1f2a3b4c5d6e\",\"type\":\"ip-dst\",\"category\":"
    "\"Network activity\",\"value\":\"203.0.113.9\",\"to_ids\":true,"
    "\"Tag\":[{\"name\":\"tlp:red\"}]},"
    "{\"uuid\":\"2d7c8e9f-3a4b-4c5d-8e0f-2a3b4c5d6e7f\",\"type\":\"btc\",\"category\":"
    "\"Financial fraud\",\"value\":\"1BoatSLRHtKNngkdXEeobR76b53LETtpyT\",\"to_ids\":false}]}}";

static void test_misp_import(void **state)
{
    struct itest_resp r;
    char path[120];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s/misp", collection);
    assert_int_equal(itest_post(&F.srv, F.authority.token, path, misp_event, &r), 202);
    /* the domain and the two (public, standard) marking definitions; the RED address refused;
     * btc is no indicator type and never reaches the collection */
    assert_int_equal(json_integer_value(json_object_get(r.json, "success_count")), 3);
    assert_int_equal(json_integer_value(json_object_get(r.json, "failure_count")), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(r.json, "misp"), "unsupported"), "btc")),
                     1);
    itest_resp_release(&r);
    /* a reader of the collection finds the indicator with its STIX pattern */
    snprintf(path, sizeof(path),
             "/taxii2/ichigen/collections/%s/objects/?match%%5Btype%%5D=indicator", collection);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "objects")), 1);
    assert_non_null(strstr(r.body, "[domain-name:value = 'login-bank.example']"));
    assert_null(strstr(r.body, "203.0.113.9"));
    itest_resp_release(&r);
    /* the same event again: the same ids and versions, nothing new */
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s/misp", collection);
    assert_int_equal(itest_post(&F.srv, F.authority.token, path, misp_event, &r), 202);
    itest_resp_release(&r);
    snprintf(path, sizeof(path),
             "/taxii2/ichigen/collections/%s/objects/?match%%5Btype%%5D=indicator", collection);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "objects")), 1);
    itest_resp_release(&r);
}

static void test_misp_import_refused(void **state)
{
    struct itest_resp r;
    char path[120];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s/misp", collection);
    /* a reader who may not write; someone outside the audience; not a MISP event */
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, path, misp_event, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.rep_b.token, path, misp_event, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.authority.token, path, "{\"Event\":[]}", &r), 422);
    assert_string_equal(itest_problem_code(&r), "validation");
    assert_true(json_array_size(json_object_get(r.json, "errors")) > 0);
    itest_resp_release(&r);
}

/* A reader learns the advisory is for its organisation, not who else it named; the originating
 * organisation sees its whole audience. */
static void test_audience_not_shown(void **state)
{
    struct itest_resp r;
    char path[120];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/advisories/%s", advisory);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_null(strstr(r.body, F.org_a));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.authority.token, path, &r), 200);
    assert_non_null(strstr(r.body, F.org_a));
    itest_resp_release(&r);
}

/* A report as a de-identified STIX bundle: for its organisation's reporters only; the incident
 * named by categories and sector, never by the reporting entity; the organisation's identity
 * only when it asks for it. */
static void test_report_stix(void **state)
{
    struct itest_resp r;
    char path[120], id[40];
    size_t n;
    UNUSED(state);
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    char *body = itest_dump(doc);
    json_decref(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &r), 201);
    free(body);
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/stix", id);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_non_null(objects_of_type(r.json, "incident", &n));
    assert_non_null(objects_of_type(r.json, "report", &n));
    objects_of_type(r.json, "indicator", &n);
    assert_int_equal(n, 3);
    objects_of_type(r.json, "identity", &n);
    assert_int_equal(n, 0);
    assert_null(strstr(r.body, "Minato")); /* the reporting entity, as the report names it */
    assert_null(strstr(r.body, "みなと"));
    assert_null(strstr(r.body, id)); /* nor ichigen's own id of the incident */
    assert_non_null(strstr(r.body, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/stix?identify=true", id);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    objects_of_type(r.json, "identity", &n);
    assert_int_equal(n, 1);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 404);
    itest_resp_release(&r);
    /* indicators under a stricter section label carry it: RED on the threat section */
    doc = itest_load_json("docs/examples/full-report.json");
    json_object_set_new(json_object_get(json_object_get(doc, "confidentiality"), "section_tlp"),
                        "threat", json_string("TLP:RED"));
    body = itest_dump(doc);
    json_decref(doc);
    char red_id[40];
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &r), 201);
    free(body);
    xstrlcpy(red_id, itest_jstr(r.json, "/id"), sizeof(red_id));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/stix", red_id);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    const json_t *objs = json_object_get(r.json, "objects");
    for (size_t i = 0; i < json_array_size(objs); i++) {
        const json_t *o = json_array_get(objs, i);
        const char *mark =
            json_string_value(json_array_get(json_object_get(o, "object_marking_refs"), 0));
        if (!strcmp(json_string_value(json_object_get(o, "type")), "indicator"))
            assert_string_equal(mark, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
    }
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/stix?identify=true", id);
    assert_int_equal(itest_get(&F.srv, F.authority.token, path, &r), 403);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/stix?identify=maybe", id);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 400);
    itest_resp_release(&r);
}

/* ---- sightings as STIX ---- */

#define SIGHT_VALUE "203.0.113.45"
#define SIGHT_PATH "/api/v1/sightings/stix?type=ipv4&value=" SIGHT_VALUE
#define VALIDATE_WAIT_MS 120000

static void sight(const char *token, const char *kind, int count, const char *extra)
{
    char body[400];
    struct itest_resp r;
    snprintf(body, sizeof(body),
             "{\"type\":\"ipv4\",\"value\":\"" SIGHT_VALUE "\",\"kind\":\"%s\",\"count\":%d%s}",
             kind, count, extra ? extra : "");
    if (itest_post(&F.srv, token, "/api/v1/sightings", body, &r) != 201)
        fail_msg("sighting: %ld %s", r.status, r.body);
    itest_resp_release(&r);
}

/* The bundle token exports (200 expected), its objects checked for the rules every export
 * keeps: AMBER on everything, each sighting of the bundle's one indicator. */
static json_t *sightings_bundle(const char *token, const char *query)
{
    struct itest_resp r;
    char path[200];
    snprintf(path, sizeof(path), "%s%s", SIGHT_PATH, query ? query : "");
    if (itest_get(&F.srv, token, path, &r) != 200)
        fail_msg("%s: %ld %s", path, r.status, r.body);
    assert_non_null(strstr(r.content_type, "application/stix+json"));
    json_t *b = json_incref(r.json);
    itest_resp_release(&r);
    size_t n;
    const char *ind = objects_of_type(b, "indicator", &n);
    assert_int_equal(n, 1);
    json_t *objs = json_object_get(b, "objects"), *o;
    size_t i;
    json_array_foreach(objs, i, o)
    {
        const char *t = itest_jstr(o, "/type");
        if (!strcmp(t, "marking-definition"))
            continue;
        /* TLP:AMBER, but for the one sighting recorded as TLP:RED (count 9), marked RED */
        bool red = !strcmp(t, "sighting") && json_integer_value(json_object_get(o, "count")) == 9;
        assert_string_equal(itest_jstr(o, "/object_marking_refs/0"),
                            red ? "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
                                : "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
        if (!strcmp(t, "sighting"))
            assert_string_equal(itest_jstr(o, "/sighting_of_ref"), ind);
    }
    return b;
}

/* The sightings of bundle b: own (with first_seen or a false positive of ours) and the
 * platform's (with x_ichigen_organisations). */
static size_t platform_sightings(json_t *b, const json_t **seen, const json_t **fp)
{
    size_t i, n = 0;
    json_t *o;
    *seen = *fp = NULL;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        if (strcmp(itest_jstr(o, "/type"), "sighting") ||
            !json_object_get(o, "x_ichigen_organisations"))
            continue;
        n++;
        *(json_is_true(json_object_get(o, "x_ichigen_false_positive")) ? fp : seen) = o;
    }
    return n;
}

/* Runs node tests/stix/validate.mjs on bundle b (the OASIS STIX 2.1 schemas with Ajv). Returns
 * its exit code with its TAP into out (freed by the caller), or -2 when node or Ajv is not here. */
static int oasis_validate(json_t *b, char **out)
{
    char dir[] = "/tmp/ichigen-sightings-XXXXXX", file[80], tap[80], script[512];
    const char *root = getenv("ICHIGEN_SOURCE_ROOT"), *bin = getenv("ICHIGEN_BIN");
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/bundle.json", dir);
    snprintf(tap, sizeof(tap), "%s/tap.txt", dir);
    snprintf(script, sizeof(script), "%s/tests/stix/validate.mjs", root ? root : ".");
    assert_int_equal(json_dump_file(b, file, JSON_COMPACT), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(tap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        execlp("node", "node", script, bin ? bin : "ichigen", file, (char *)NULL);
        _exit(127);
    }
    int64_t deadline = rtime_now_ms() + VALIDATE_WAIT_MS;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (rtime_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        itest_sleep_ms(50);
    }
    *out = itest_read_file(tap, NULL);
    unlink(file);
    unlink(tap);
    rmdir(dir);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rc == 127 || (rc == 0 && *out && strstr(*out, "# SKIP")))
        return -2;
    return rc;
}

static void expect_oasis_valid(json_t *b)
{
    char *tap = NULL;
    int rc = oasis_validate(b, &tap);
    if (rc == -2)
        fprintf(stderr, "# OASIS schema check skipped: node or Ajv (web/node_modules) missing\n");
    else if (rc != 0 || !tap || strstr(tap, "not ok") || !strstr(tap, "ok "))
        fail_msg("validate.mjs exited %d:\n%s", rc, tap ? tap : "(no output)");
    free(tap);
}

/* GET /api/v1/sightings/stix: own sightings in full, the platform's figures only from k
 * organisations and naming nobody, an identity only when the caller asks. */
static void test_sightings_stix(void **state)
{
    const json_t *seen, *fp;
    size_t n;
    struct itest_resp r;
    UNUSED(state);
    /* nothing yet: the indicator alone, the same object for everyone */
    json_t *a0 = sightings_bundle(F.rep_a.token, NULL);
    objects_of_type(a0, "sighting", &n);
    assert_int_equal(n, 0);
    sight(F.rep_a.token, "seen", 3,
          ",\"first_seen\":\"2026-12-01T09:00:00+09:00\",\"last_seen\":\"2026-12-02T09:00:00Z\","
          "\"note\":\"secret-note-of-A\"");
    sight(F.rep_a.token, "false_positive", 1, NULL);
    sight(F.rep_a.token, "seen", 9, ",\"tlp\":\"TLP:RED\"");

    /* A: its three sightings in full, each under its own label (the RED one marked RED), nobody
     * named, no platform figure (one organisation < k) */
    json_t *a1 = sightings_bundle(F.rep_a.token, NULL);
    objects_of_type(a1, "sighting", &n);
    assert_int_equal(n, 3);
    {
        char *t = json_dumps(a1, 0);
        assert_non_null(strstr(t, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"));
        free(t);
    }
    assert_int_equal(platform_sightings(a1, &seen, &fp), 0);
    char *text = json_dumps(a1, 0);
    assert_non_null(strstr(text, "\"count\":3") ? text : strstr(text, "\"count\": 3"));
    assert_non_null(strstr(text, "2026-12-01T00:00:00.000Z")); /* first_seen, in UTC */
    assert_non_null(strstr(text, "x_ichigen_false_positive"));
    assert_null(strstr(text, "secret-note-of-A"));
    assert_null(strstr(text, "where_sighted_refs"));
    assert_null(strstr(text, "created_by_ref"));
    assert_null(strstr(text, F.org_a));
    objects_of_type(a1, "identity", &n);
    assert_int_equal(n, 0);
    free(text);
    expect_oasis_valid(a1);

    /* B (another organisation) sees none of A's sightings, and the same indicator object */
    json_t *b0 = sightings_bundle(F.rep_b.token, NULL);
    objects_of_type(b0, "sighting", &n);
    assert_int_equal(n, 0);
    assert_string_equal(objects_of_type(b0, "indicator", &n), objects_of_type(a0, "indicator", &n));
    sight(F.rep_b.token, "seen", 4, NULL);

    /* two organisations saw it (k = 2): B gets its own and the platform's sum, naming nobody;
     * false positives (A alone) stay below k */
    json_t *b1 = sightings_bundle(F.rep_b.token, NULL);
    objects_of_type(b1, "sighting", &n);
    assert_int_equal(n, 2);
    assert_int_equal(platform_sightings(b1, &seen, &fp), 1);
    assert_non_null(seen);
    assert_null(fp);
    assert_int_equal(itest_jint((json_t *)seen, "/count"), 7);
    assert_int_equal(itest_jint((json_t *)seen, "/x_ichigen_organisations"), 2);
    assert_null(json_object_get(seen, "where_sighted_refs"));
    assert_null(json_object_get(seen, "first_seen"));
    assert_null(json_object_get(seen, "created_by_ref"));
    text = json_dumps(b1, 0);
    json_t *o;
    size_t i;
    json_array_foreach(json_object_get(a1, "objects"), i, o)
    { /* no object of A's but the shared indicator and markings */
        const char *t = itest_jstr(o, "/type");
        if (!strcmp(t, "sighting"))
            assert_null(strstr(text, itest_jstr(o, "/id")));
    }
    assert_null(strstr(text, F.org_a));
    free(text);
    expect_oasis_valid(b1);

    /* A, with its consent for this export: its identity names its own sightings only */
    json_t *a2 = sightings_bundle(F.rep_a.token, "&identify=true");
    const char *ident = objects_of_type(a2, "identity", &n);
    assert_int_equal(n, 1);
    assert_int_equal(platform_sightings(a2, &seen, &fp), 1);
    assert_null(json_object_get(seen, "where_sighted_refs"));
    json_array_foreach(json_object_get(a2, "objects"), i, o)
    {
        if (strcmp(itest_jstr(o, "/type"), "sighting") || o == seen)
            continue;
        assert_string_equal(itest_jstr(o, "/where_sighted_refs/0"), ident);
        assert_int_equal(json_array_size(json_object_get(o, "where_sighted_refs")), 1);
        assert_string_equal(itest_jstr(o, "/created_by_ref"), ident);
    }
    expect_oasis_valid(a2);

    /* an authority of org C, which saw nothing: the platform's figure only */
    json_t *c1 = sightings_bundle(F.authority.token, NULL);
    objects_of_type(c1, "sighting", &n);
    assert_int_equal(n, 1);
    assert_int_equal(platform_sightings(c1, &seen, &fp), 1);

    /* the platform administrator reports and reads no sightings; bad queries are 400 */
    assert_int_equal(itest_get(&F.srv, F.admin.token, SIGHT_PATH, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, SIGHT_PATH "&identify=maybe", &r), 400);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, SIGHT_PATH "&who=all", &r), 400);
    itest_resp_release(&r);
    assert_int_equal(
        itest_get(&F.srv, F.rep_a.token, "/api/v1/sightings/stix?type=ipv4&value=nope", &r), 400);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, NULL, SIGHT_PATH, &r), 401);
    itest_resp_release(&r);
    json_decref(a0);
    json_decref(a1);
    json_decref(a2);
    json_decref(b0);
    json_decref(b1);
    json_decref(c1);
}

static int setup(void **state)
{
    char body[1400];
    struct itest_resp r;
    UNUSED(state);
    if (itest_fixture_setup(&F, settings))
        return -1;
    snprintf(body, sizeof(body),
             "{\"title\":{\"ja\":\"VPN機器の脆弱性\",\"en\":\"A VPN appliance flaw\"},"
             "\"summary\":{\"en\":\"Exploited against banks\"},\"urgency\":\"high\","
             "\"importance\":\"high\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"]},\"actor\":{\"name\":{\"en\":\"APT-X\"},\"attribution_confidence\":"
             "\"moderate\"},\"techniques\":[\"T1190\"],\"affected\":{\"cves\":"
             "[\"CVE-2024-3400\"]},\"sources\":[\"%s\"],\"indicators\":[{\"type\":\"ipv4\","
             "\"value\":\"198.51.100.7\"},{\"type\":\"domain\",\"value\":\"evil.example\"}]}",
             F.org_a, source_incident);
    long st = itest_post(&F.srv, F.authority.token, "/api/v1/advisories", body, &r);
    if (st == 201)
        xstrlcpy(advisory, itest_jstr(r.json, "/id"), sizeof(advisory));
    itest_resp_release(&r);
    snprintf(body, sizeof(body),
             "{\"title\":\"Phishing\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    long sc = itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections", body, &r);
    if (sc == 201)
        xstrlcpy(collection, itest_jstr(r.json, "/id"), sizeof(collection));
    itest_resp_release(&r);
    return st == 201 && sc == 201 ? 0 : -1;
}

static int teardown(void **state)
{
    UNUSED(state);
    int rc = itest_server_finish(&F.srv);
    itest_fixture_teardown(&F);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stix_export),        cmocka_unit_test(test_misp_export),
        cmocka_unit_test(test_misp_import),        cmocka_unit_test(test_misp_import_refused),
        cmocka_unit_test(test_audience_not_shown), cmocka_unit_test(test_report_stix),
        cmocka_unit_test(test_sightings_stix),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
