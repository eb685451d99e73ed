/*
 * itest_taxii.c — the TAXII 2.1 server (issue 13 item 5; OASIS TAXII 2.1 CS01; docs/sharing.md)
 * against a real `ichigen serve`.
 *
 * Two halves. test_client runs tests/integration/taxii_client.py, a standard-library TAXII 2.1
 * client that behaves like taxii2-client and the MISP / OpenCTI consumers (discovery, envelopes
 * split to max_content_length, status resources, limit/next paging and added_after polling with
 * exactly-once delivery while objects are added, manifest, versions, match[...], delete), on
 * the ICS ATT&CK bundle of the shared data ($ICHIGEN_SHARED_DATA) or, on a machine without it,
 * on a deterministic synthetic bundle. The other tests are the server's own rules, checked
 * here in C: media types (§1.6.8), credentials, the TLP read rule on collections (who sees,
 * who is told "not found", what lists show), TLP markings refused in the status resource,
 * collection management validation and conflicts, idempotent re-posting, versions, cursors.
 * The route × principal matrix is itest_authz.c's, not repeated here.
 *
 * Orgs A and B are companies, C the authority organisation that owns every collection here
 * (its authority user creates them).
 */
#include "itest.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENT_WAIT_MS 900000 /* the Python client's deadline (ATT&CK under ASan is slow) */
#define TAXII_CT "application/taxii+json;version=2.1"
#define ROOT "/taxii2/ichigen/"

/* STIX 2.1 §7.2.1.4 TLP 1.0 marking ids and FIRST's TLP 2.0 ones (sharing.c) */
#define TLP2_RED "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
#define TLP2_AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define TLP1_RED "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
#define TLP1_GREEN "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"

static struct itest_fixture F;
static struct itest_user rep_a2; /* a second member of org A, named by no collection */
/* max_body_bytes (the API root's max_content_length) small enough that the client splits */
static const char *const settings[] = {"--max-body-bytes=300000", NULL};
static int obj_seq;

/* ---- helpers ---- */

static long taxii(const char *method, const char *token, const char *path, const char *body,
                  struct itest_resp *r)
{
    struct itest_req rq = {.method = method,
                           .path = path,
                           .token = token,
                           .body = body,
                           .content_type = body ? TAXII_CT : NULL,
                           .headers = {"Accept: " TAXII_CT, NULL}};
    itest_http(&F.srv, &rq, r);
    return r->status;
}

/* A TAXII error message (§3.7): the TAXII media type, http_status as a string, error_code. */
static void expect_taxii_error(const struct itest_resp *r, long status, const char *code)
{
    char hs[8];
    snprintf(hs, sizeof(hs), "%ld", status);
    if (r->status != status)
        fail_msg("status %ld, expected %ld: %s", r->status, status, r->body);
    assert_string_equal(r->content_type, TAXII_CT);
    assert_non_null(r->json);
    assert_non_null(itest_jstr(r->json, "/title"));
    assert_string_equal(itest_jstr(r->json, "/http_status"), hs);
    if (code)
        assert_string_equal(itest_jstr(r->json, "/error_code"), code);
    else
        assert_non_null(itest_jstr(r->json, "/error_code"));
}

/* Creates a collection as org C's authority; its id into id (40). Returns the status. */
static long make_collection(const char *json, char id[40])
{
    struct itest_resp r;
    long st = itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections", json, &r);
    if (st == 201)
        xstrlcpy(id, itest_jstr(r.json, "/id"), 40);
    else
        fprintf(stderr, "# collection: %ld %s\n", st, r.body);
    itest_resp_release(&r);
    return st;
}

static void coll_path(char *out, size_t n, const char *coll, const char *tail)
{
    snprintf(out, n, ROOT "collections/%s/%s", coll, tail);
}

/* A new indicator's JSON with a fresh id (into id, 80), version `modified`, and marking refs
 * (a JSON array text, or NULL). */
static void indicator(char *out, size_t n, char id[80], const char *modified, const char *refs)
{
    snprintf(id, 80, "indicator--6b0c1f4e-0000-4000-8000-%012d", ++obj_seq);
    snprintf(out, n,
             "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\",\"created\":"
             "\"2025-06-01T00:00:00.000Z\",\"modified\":\"%s\",\"pattern\":\"[ipv4-addr:value = "
             "'203.0.113.%d']\",\"pattern_type\":\"stix\",\"valid_from\":"
             "\"2025-06-01T00:00:00Z\"%s%s}",
             id, modified, obj_seq % 250, refs ? ",\"object_marking_refs\":" : "",
             refs ? refs : "");
}

/* POSTs an envelope of the given objects (a JSON array text) as token; 202 expected. */
static json_t *post_objects(const char *token, const char *coll, const char *objects)
{
    char path[160];
    struct itest_resp r;
    size_t n = strlen(objects) + 32;
    char *body = malloc(n);
    assert_non_null(body);
    snprintf(body, n, "{\"objects\":%s}", objects);
    coll_path(path, sizeof(path), coll, "objects/");
    taxii("POST", token, path, body, &r);
    free(body);
    if (r.status != 202)
        fail_msg("POST objects: %ld %s", r.status, r.body);
    assert_string_equal(r.content_type, TAXII_CT);
    json_t *j = json_incref(r.json);
    itest_resp_release(&r);
    return j;
}

/* The number of entries (objects, or versions) a TAXII GET answers; -1 unless 200. */
static long count_of(const char *token, const char *path, const char *member)
{
    struct itest_resp r;
    long st = taxii("GET", token, path, NULL, &r);
    long n = st == 200 ? (long)json_array_size(json_object_get(r.json, member)) : -1;
    if (st == 200)
        assert_string_equal(r.content_type, TAXII_CT);
    itest_resp_release(&r);
    return n;
}

/* Whether the collection list token sees holds id (a bearer token, or NULL: anonymous). */
static bool listed(const char *token, const char *id)
{
    struct itest_resp r;
    bool found = false;
    size_t i;
    json_t *c;
    assert_int_equal(taxii("GET", token, ROOT "collections/", NULL, &r), 200);
    json_array_foreach(json_object_get(r.json, "collections"), i, c)
    {
        found = found || !strcmp(itest_jstr(c, "/id"), id);
    }
    itest_resp_release(&r);
    return found;
}

/* True when the 422 problem r lists pointer with code. */
static bool has_error(const struct itest_resp *r, const char *pointer, const char *code)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e)
    {
        const char *p = itest_jstr(e, "/pointer"), *c = itest_jstr(e, "/code");
        if (p && c && !strcmp(p, pointer) && !strcmp(c, code))
            return true;
    }
    return false;
}

/* ---- the Python client ---- */

static int run_client(const char *alias)
{
    char script[512], disc[128], bundle[512];
    const char *root = getenv("ICHIGEN_SOURCE_ROOT"), *shared = getenv("ICHIGEN_SHARED_DATA");
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    snprintf(script, sizeof(script), "%s/tests/integration/taxii_client.py", root ? root : ".");
    snprintf(disc, sizeof(disc), "%s/taxii2/", F.srv.base);
    /* the shared data is beside the project on a developer's machine; the client falls back
     * to synthetic data when the file is not there (a fresh machine without --shared) */
    snprintf(bundle, sizeof(bundle), "%s/attack-stix-2.1/ics-attack-18.1.json",
             shared ? shared : "../shared/data");
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(2, 1); /* its progress lines are for the log, not for the TAP stream */
        execlp(py, py, script, "--discovery", disc, "--user", F.authority.username, "--token",
               F.authority.token, "--reader-token", F.rep_a.token, "--alias", alias, "--bundle",
               bundle, (char *)NULL);
        _exit(127);
    }
    int64_t deadline = rtime_now_ms() + CLIENT_WAIT_MS;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (rtime_now_ms() > deadline) {
            fprintf(stderr, "# taxii_client.py did not finish in %d ms\n", CLIENT_WAIT_MS);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return -1;
        }
        itest_sleep_ms(100);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_client(void **state)
{
    char id[40];
    UNUSED(state);
    char body[300];
    snprintf(body, sizeof(body),
             "{\"title\":\"ICS ATT&CK\",\"alias\":\"ics-attack\",\"tlp\":\"TLP:AMBER\","
             "\"audience\":{\"organizations\":[\"%s\"]}}",
             F.org_a);
    assert_int_equal(make_collection(body, id), 201);
    int rc = run_client("ics-attack");
    if (rc != 0) {
        itest_dump_logs(&F.srv, 4000);
        fail_msg("taxii_client.py exited %d (its reasons are above)", rc);
    }
}

/* ---- media types and credentials ---- */

static void test_media_types(void **state)
{
    char id[40], path[160];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Media\",\"tlp\":\"TLP:CLEAR\"}", id), 201);
    /* §1.6.8: a client that accepts only application/json gets 406, as a TAXII error */
    itest_http(&F.srv,
               &(struct itest_req){.path = ROOT "collections/",
                                   .token = F.rep_a.token,
                                   .headers = {"Accept: application/json", NULL}},
               &r);
    expect_taxii_error(&r, 406, "not_acceptable");
    itest_resp_release(&r);
    /* TAXII 2.0's media type is not 2.1 */
    itest_http(&F.srv,
               &(struct itest_req){.path = ROOT,
                                   .headers = {"Accept: application/taxii+json;version=2.0", NULL}},
               &r);
    expect_taxii_error(&r, 406, "not_acceptable");
    itest_resp_release(&r);
    /* a POST whose body is labelled application/json: 415, nothing added */
    char obj[600], oid[80], env[700];
    indicator(obj, sizeof(obj), oid, "2025-06-01T00:00:00.000Z", NULL);
    snprintf(env, sizeof(env), "{\"objects\":[%s]}", obj);
    coll_path(path, sizeof(path), id, "objects/");
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = env,
                                   .content_type = "application/json",
                                   .headers = {"Accept: " TAXII_CT, NULL}},
               &r);
    expect_taxii_error(&r, 415, "unsupported_media_type");
    itest_resp_release(&r);
    assert_int_equal(count_of(NULL, path, "objects"), 0);
    /* the same body with the TAXII media type is taken */
    json_decref(post_objects(F.authority.token, id, "[]"));
}

static char *basic(const char *user, const char *token)
{
    char raw[200];
    static char hdr[400];
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    snprintf(raw, sizeof(raw), "%s:%s", user, token);
    size_t n = strlen(raw), k = (size_t)snprintf(hdr, sizeof(hdr), "Authorization: Basic ");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)(unsigned char)raw[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)(unsigned char)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)raw[i + 2];
        hdr[k++] = b64[v >> 18 & 63];
        hdr[k++] = b64[v >> 12 & 63];
        hdr[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        hdr[k++] = i + 2 < n ? b64[v & 63] : '=';
    }
    hdr[k] = '\0';
    return hdr;
}

static void test_basic_auth(void **state)
{
    char id[40], path[160], body[200];
    struct itest_resp r;
    UNUSED(state);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Basic\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":[\"%s\"]}}",
        F.org_a);
    assert_int_equal(make_collection(body, id), 201);
    coll_path(path, sizeof(path), id, "");
    /* RFC 7617: the owner's name and token: read */
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = path,
                   .headers = {basic(F.rep_a.username, F.rep_a.token), "Accept: " TAXII_CT, NULL}},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    /* A's token under B's name (or a name that does not exist): 401, not B's or A's rights */
    const char *names[] = {F.rep_b.username, "nobody-at-all"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        itest_http(&F.srv,
                   &(struct itest_req){
                       .path = path,
                       .headers = {basic(names[i], F.rep_a.token), "Accept: " TAXII_CT, NULL}},
                   &r);
        expect_taxii_error(&r, 401, NULL);
        /* a challenge offering Basic (RFC 9110 §11.6.1; the response may carry several) */
        if (!strstr(r.headers, "Basic realm="))
            fail_msg("401 without a Basic challenge: %s", r.headers);
        itest_resp_release(&r);
    }
    /* the password instead of a token is not credentials here */
    itest_http(&F.srv,
               &(struct itest_req){.path = path,
                                   .headers = {basic(F.rep_a.username, F.rep_a.password),
                                               "Accept: " TAXII_CT, NULL}},
               &r);
    expect_taxii_error(&r, 401, NULL);
    itest_resp_release(&r);
}

/* ---- TLP ---- */

/* Objects marked more restrictively than the collection fail in the status resource (TLP 2.0
 * and TLP 1.0 ids alike); the others are added. */
static void test_marking_refused(void **state)
{
    char id[40], body[300], objs[5000], o[6][800], oid[6][80], path[200];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Amber feed\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    assert_int_equal(make_collection(body, id), 201);
    const char *ts = "2025-06-02T00:00:00.000Z";
    indicator(o[0], sizeof(o[0]), oid[0], ts, NULL);
    indicator(o[1], sizeof(o[1]), oid[1], ts, "[\"" TLP2_RED "\"]");
    indicator(o[2], sizeof(o[2]), oid[2], ts, "[\"" TLP2_AMBER "\"]");
    indicator(o[3], sizeof(o[3]), oid[3], ts, "[\"" TLP1_GREEN "\",\"" TLP1_RED "\"]");
    indicator(o[4], sizeof(o[4]), oid[4], ts, "[\"" TLP1_GREEN "\"]");
    /* STIX 2.1 §7.2.3: a granular marking labels part of the object; TLP:RED on its pattern
     * makes the object no less RED for an AMBER collection */
    indicator(o[5], sizeof(o[5]), oid[5], ts, "[\"" TLP1_GREEN "\"]");
    snprintf(o[5] + strlen(o[5]) - 1, sizeof(o[5]) - strlen(o[5]) + 1,
             ",\"granular_markings\":[{\"marking_ref\":\"" TLP2_RED "\",\"selectors\":"
             "[\"pattern\"]}]}");
    snprintf(objs, sizeof(objs), "[%s,%s,%s,%s,%s,%s]", o[0], o[1], o[2], o[3], o[4], o[5]);
    json_t *st = post_objects(F.authority.token, id, objs);
    assert_int_equal(itest_jint(st, "/total_count"), 6);
    assert_int_equal(itest_jint(st, "/success_count"), 3);
    assert_int_equal(itest_jint(st, "/failure_count"), 3);
    assert_string_equal(itest_jstr(st, "/failures/0/id"), oid[1]);
    assert_string_equal(itest_jstr(st, "/failures/1/id"), oid[3]);
    assert_string_equal(itest_jstr(st, "/failures/2/id"), oid[5]);
    assert_non_null(strstr(itest_jstr(st, "/failures/0/message"), "TLP:RED"));
    assert_string_equal(itest_jstr(st, "/successes/0/id"), oid[0]);
    assert_string_equal(itest_jstr(st, "/successes/1/id"), oid[2]);
    assert_string_equal(itest_jstr(st, "/successes/2/id"), oid[4]);
    /* §4.3: the status resource says the same */
    snprintf(path, sizeof(path), ROOT "status/%s/", itest_jstr(st, "/id"));
    assert_int_equal(taxii("GET", F.authority.token, path, NULL, &r), 200);
    assert_true(json_equal(r.json, st));
    itest_resp_release(&r);
    json_decref(st);
    /* only the three were added */
    coll_path(path, sizeof(path), id, "objects/");
    assert_int_equal(count_of(F.rep_a.token, path, "objects"), 3);
    char one[200];
    snprintf(one, sizeof(one), ROOT "collections/%s/objects/%s/", id, oid[1]);
    assert_int_equal(taxii("GET", F.authority.token, one, NULL, &r), 404);
    itest_resp_release(&r);
}

/* TLP:RED: only the named users read, not their colleagues, not the owner's other members. */
static void test_red_collection(void **state)
{
    char id[40], body[400], path[160];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Red\",\"alias\":\"red-one\",\"tlp\":\"TLP:RED\",\"audience\":"
             "{\"users\":[\"%s\",\"%s\"]}}",
             F.rep_a.id, F.authority.id);
    assert_int_equal(make_collection(body, id), 201);
    coll_path(path, sizeof(path), id, "objects/");
    char o[700], oid[80], arr[800];
    indicator(o, sizeof(o), oid, "2025-06-03T00:00:00.000Z", "[\"" TLP2_RED "\"]");
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_t *st = post_objects(F.authority.token, id, arr);
    assert_int_equal(itest_jint(st, "/success_count"), 1);
    json_decref(st);
    assert_int_equal(count_of(F.rep_a.token, path, "objects"), 1);
    assert_true(listed(F.rep_a.token, id));
    /* A's other member, B, the owner organisation's member not named, the platform
     * administrator, and anonymous (NULL) */
    const char *others[] = {rep_a2.token, F.rep_b.token, F.recipient.token, F.admin.token, NULL};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        assert_int_equal(taxii("GET", others[i], path, NULL, &r), 404);
        itest_resp_release(&r);
        assert_int_equal(taxii("GET", others[i], ROOT "collections/red-one/", NULL, &r), 404);
        itest_resp_release(&r);
        assert_false(listed(others[i], id));
    }
}

/* A collection requiring a clearance (sharing/clearance.h, data/sharing/clearance.json).
 * A level the server does not know is refused when the collection is made — also when no
 * catalogue is loaded at all (app.h: then no object may require one). With the catalogue, an
 * audience member without a clearance reads nothing. Granting a clearance has no route or
 * command in this branch (the advisories work brings them), so the holder's side is not here;
 * and `serve` in this branch loads no catalogue, which the first request below tells. */
static void test_clearance_required(void **state)
{
    char id[40], body[400], path[160];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Cleared\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"clearance\":\"top\"}}");
    assert_int_equal(itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections", body, &r),
                     422);
    assert_true(has_error(&r, "/audience/clearance", "unknown_level"));
    itest_resp_release(&r);
    snprintf(body, sizeof(body),
             "{\"title\":\"Cleared\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"],\"clearance\":\"jp-ceis\"}}",
             F.org_a);
    long st = itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections", body, &r);
    if (st == 422 && has_error(&r, "/audience/clearance", "unknown_level")) {
        print_message("# skipped: this server loads no clearance catalogue\n");
        itest_resp_release(&r);
        return;
    }
    assert_int_equal(st, 201);
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    itest_resp_release(&r);
    coll_path(path, sizeof(path), id, "");
    taxii("GET", F.rep_a.token, path, NULL, &r);
    expect_taxii_error(&r, 404, "not_found");
    itest_resp_release(&r);
    assert_false(listed(F.rep_a.token, id));
}

/* Anonymous readers: TLP:CLEAR collections only; AMBER ones do not exist for them. */
static void test_anonymous(void **state)
{
    char clear[40], amber[40], body[300], path[160], path2[160];
    struct itest_resp r, r2;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Public\",\"tlp\":\"TLP:CLEAR\"}", clear), 201);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Private\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":[\"%s\"]}}",
        F.org_a);
    assert_int_equal(make_collection(body, amber), 201);
    char o[700], oid[80], arr[800];
    indicator(o, sizeof(o), oid, "2025-06-04T00:00:00.000Z", NULL);
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_decref(post_objects(F.authority.token, clear, arr));
    coll_path(path, sizeof(path), clear, "objects/");
    assert_int_equal(count_of(NULL, path, "objects"), 1);
    assert_true(listed(NULL, clear));
    assert_false(listed(NULL, amber));
    /* every collection an anonymous reader sees is TLP:CLEAR: none of ours of another label */
    coll_path(path, sizeof(path), amber, "objects/");
    assert_int_equal(taxii("GET", NULL, path, NULL, &r), 404);
    expect_taxii_error(&r, 404, "not_found");
    /* the same answer as for a collection that does not exist */
    coll_path(path2, sizeof(path2), "01900000-0000-7000-8000-000000000000", "objects/");
    assert_int_equal(taxii("GET", NULL, path2, NULL, &r2), 404);
    assert_string_equal(r.body, r2.body);
    itest_resp_release(&r);
    itest_resp_release(&r2);
    /* adding needs credentials: 401 */
    coll_path(path, sizeof(path), clear, "objects/");
    taxii("POST", NULL, path, "{\"objects\":[]}", &r);
    expect_taxii_error(&r, 401, NULL);
    itest_resp_release(&r);
}

/* Lists never reveal what the reader may not read (and the organisation B sees none of A's). */
static void test_lists_hide(void **state)
{
    char a_only[40], b_only[40], green[40], body[300];
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"For A\",\"tlp\":\"TLP:AMBER+STRICT\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    assert_int_equal(make_collection(body, a_only), 201);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"For B\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":[\"%s\"]}}",
        F.org_b);
    assert_int_equal(make_collection(body, b_only), 201);
    assert_int_equal(make_collection("{\"title\":\"Community\",\"tlp\":\"TLP:GREEN\"}", green),
                     201);
    assert_true(listed(F.rep_a.token, a_only));
    assert_false(listed(F.rep_a.token, b_only));
    assert_true(listed(F.rep_b.token, b_only));
    assert_false(listed(F.rep_b.token, a_only));
    assert_true(listed(F.rep_b.token, green));
    assert_false(listed(NULL, green));
    /* the owner organisation's members read their own */
    assert_true(listed(F.recipient.token, a_only));
    /* no listed collection of the anonymous reader is other than TLP:CLEAR: titles checked */
    struct itest_resp r;
    size_t i;
    json_t *c;
    assert_int_equal(taxii("GET", NULL, ROOT "collections/", NULL, &r), 200);
    json_array_foreach(json_object_get(r.json, "collections"), i, c)
    {
        const char *t = itest_jstr(c, "/title");
        assert_true(!strcmp(t, "Public") || !strcmp(t, "Media"));
        assert_false(json_is_true(json_object_get(c, "can_write")));
    }
    itest_resp_release(&r);
}

/* §4.3: another organisation's status resource does not exist for it. */
static void test_status_other_org(void **state)
{
    char id[40], body[300], path[160], o[700], oid[80], arr[800];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Status\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":[\"%s\","
             "\"%s\"]}}",
             F.org_a, F.org_b);
    assert_int_equal(make_collection(body, id), 201);
    indicator(o, sizeof(o), oid, "2025-06-05T00:00:00.000Z", NULL);
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_t *st = post_objects(F.authority.token, id, arr);
    snprintf(path, sizeof(path), ROOT "status/%s/", itest_jstr(st, "/id"));
    json_decref(st);
    assert_int_equal(taxii("GET", F.recipient.token, path, NULL, &r), 200); /* same org (C) */
    itest_resp_release(&r);
    taxii("GET", F.rep_b.token, path, NULL, &r);
    expect_taxii_error(&r, 404, "not_found");
    itest_resp_release(&r);
    taxii("GET", F.rep_a.token, path, NULL, &r);
    expect_taxii_error(&r, 404, "not_found");
    itest_resp_release(&r);
}

/* ---- managing collections ---- */

static void test_put_validation(void **state)
{
    char id[40], path[120];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"To change\",\"tlp\":\"TLP:GREEN\"}", id), 201);
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s", id);
    const char *bad = "{\"title\":\"\",\"alias\":\"Bad Alias\",\"tlp\":\"TLP:PURPLE\","
                      "\"audience\":{\"organizations\":[\"not-an-id\"],\"colour\":1,"
                      "\"clearance_holders\":\"yes\"},\"writers\":[\"nope\"],\"extra\":true}";
    itest_http(
        &F.srv,
        &(struct itest_req){.method = "PUT", .path = path, .token = F.authority.token, .body = bad},
        &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.content_type, "application/problem+json"));
    const char *want[][2] = {{"/title", "type"},
                             {"/alias", "format"},
                             {"/tlp", "enum"},
                             {"/audience/organizations/0", "format"},
                             {"/audience/colour", "unknown_field"},
                             {"/audience/clearance_holders", "type"},
                             {"/writers/0", "format"},
                             {"/extra", "unknown_field"}};
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        if (!has_error(&r, want[i][0], want[i][1]))
            fail_msg("no %s at %s in %s", want[i][1], want[i][0], r.body);
    /* every problem carries both languages */
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r.json, "errors"), i, e)
    {
        assert_non_null(itest_jstr(e, "/message_en"));
        assert_non_null(itest_jstr(e, "/message_ja"));
    }
    itest_resp_release(&r);
    /* TLP:RED without named readers */
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = "{\"title\":\"R\",\"tlp\":\"TLP:RED\"}"},
               &r);
    assert_int_equal(r.status, 422);
    assert_true(has_error(&r, "/audience/users", "required"));
    itest_resp_release(&r);
    /* a valid change is stored and shown to TAXII readers */
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = "{\"title\":\"Changed\",\"tlp\":\"TLP:GREEN\"}"},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    coll_path(path, sizeof(path), id, "");
    assert_int_equal(taxii("GET", F.rep_b.token, path, NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/title"), "Changed");
    itest_resp_release(&r);
}

static void test_alias_conflict(void **state)
{
    char one[40], two[40], path[120];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(
        make_collection("{\"title\":\"One\",\"alias\":\"dup-alias\",\"tlp\":\"TLP:GREEN\"}", one),
        201);
    assert_int_equal(itest_post(&F.srv, F.authority.token, "/api/v1/taxii/collections",
                                "{\"title\":\"Two\",\"alias\":\"dup-alias\",\"tlp\":\"TLP:GREEN\"}",
                                &r),
                     409);
    assert_string_equal(itest_problem_code(&r), "conflict");
    itest_resp_release(&r);
    assert_int_equal(
        make_collection("{\"title\":\"Two\",\"alias\":\"other-alias\",\"tlp\":\"TLP:GREEN\"}", two),
        201);
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s", two);
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = path,
                                   .token = F.authority.token,
                                   .body = "{\"title\":\"Two\",\"alias\":\"dup-alias\",\"tlp\":"
                                           "\"TLP:GREEN\"}"},
               &r);
    assert_int_equal(r.status, 409);
    itest_resp_release(&r);
    /* the alias still names the first */
    assert_int_equal(taxii("GET", F.rep_a.token, ROOT "collections/dup-alias/", NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/id"), one);
    itest_resp_release(&r);
}

/* Lowering a collection's label below what its objects are marked would hand them to readers
 * their label excludes (app_taxii.h: every object is at most as restrictive as its collection):
 * refused with the field named, while a change that keeps the label above them is taken. */
static void test_label_below_contents(void **state)
{
    char id[40], body[300], path[120], o[700], oid[80], arr[800], objs[200];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Lowered\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    assert_int_equal(make_collection(body, id), 201);
    indicator(o, sizeof(o), oid, "2025-06-11T00:00:00.000Z", "[\"" TLP2_AMBER "\"]");
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_t *st = post_objects(F.authority.token, id, arr);
    assert_int_equal(itest_jint(st, "/success_count"), 1);
    json_decref(st);
    snprintf(path, sizeof(path), "/api/v1/taxii/collections/%s", id);
    const char *lower[] = {"TLP:CLEAR", "TLP:GREEN"};
    for (size_t i = 0; i < ARRAY_SIZE(lower); i++) {
        snprintf(body, sizeof(body), "{\"title\":\"Lowered\",\"tlp\":\"%s\"}", lower[i]);
        itest_http(&F.srv,
                   &(struct itest_req){
                       .method = "PUT", .path = path, .token = F.authority.token, .body = body},
                   &r);
        if (r.status != 422 || !has_error(&r, "/tlp", "below_contents"))
            fail_msg("lowering to %s: %ld %s", lower[i], r.status, r.body);
        itest_resp_release(&r);
    }
    /* the object stays out of anonymous and community hands */
    coll_path(objs, sizeof(objs), id, "objects/");
    taxii("GET", NULL, objs, NULL, &r);
    expect_taxii_error(&r, 404, "not_found");
    itest_resp_release(&r);
    assert_int_equal(taxii("GET", F.rep_b.token, objs, NULL, &r), 404);
    itest_resp_release(&r);
    /* AMBER+STRICT and RED are above AMBER: taken */
    snprintf(body, sizeof(body),
             "{\"title\":\"Lowered\",\"tlp\":\"TLP:AMBER+STRICT\",\"audience\":{\"organizations\":"
             "[\"%s\"]}}",
             F.org_a);
    itest_http(&F.srv,
               &(struct itest_req){
                   .method = "PUT", .path = path, .token = F.authority.token, .body = body},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    assert_int_equal(count_of(F.rep_a.token, objs, "objects"), 1);
}

/* ---- objects ---- */

/* The date added of object oid's versions in the manifest (first one), into out. */
static void manifest_date(const char *coll, const char *oid, char out[40])
{
    char path[300];
    struct itest_resp r;
    snprintf(path, sizeof(path), ROOT "collections/%s/manifest/?match[id]=%s", coll, oid);
    assert_int_equal(taxii("GET", F.authority.token, path, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "objects")), 1);
    xstrlcpy(out, itest_jstr(r.json, "/objects/0/date_added"), 40);
    itest_resp_release(&r);
}

static void test_repost_idempotent(void **state)
{
    char id[40], o[700], oid[80], arr[800], d1[40], d2[40], path[160];
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Again\",\"tlp\":\"TLP:GREEN\"}", id), 201);
    indicator(o, sizeof(o), oid, "2025-06-06T00:00:00.000Z", NULL);
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_decref(post_objects(F.authority.token, id, arr));
    manifest_date(id, oid, d1);
    /* wait until the clock has moved on, so that a new date added would differ */
    int64_t t0 = rtime_now_ms();
    while (rtime_now_ms() <= t0 + 2)
        itest_sleep_ms(2);
    json_t *st = post_objects(F.authority.token, id, arr);
    assert_int_equal(itest_jint(st, "/success_count"), 1);
    assert_int_equal(itest_jint(st, "/failure_count"), 0);
    json_decref(st);
    manifest_date(id, oid, d2);
    assert_string_equal(d1, d2);
    coll_path(path, sizeof(path), id, "objects/?match[version]=all");
    assert_int_equal(count_of(F.rep_b.token, path, "objects"), 1);
}

static void test_versions(void **state)
{
    char id[40], o1[700], o2[700], oid[80], oid2[80], arr[1500], path[300];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Versions\",\"tlp\":\"TLP:GREEN\"}", id), 201);
    indicator(o1, sizeof(o1), oid, "2025-06-07T00:00:00.000Z", NULL);
    obj_seq--; /* the same id again, a later version */
    indicator(o2, sizeof(o2), oid2, "2025-06-08T12:00:00.000Z", NULL);
    assert_string_equal(oid, oid2);
    /* the later version first: first/last follow the version, not the order of arrival */
    snprintf(arr, sizeof(arr), "[%s]", o2);
    json_decref(post_objects(F.authority.token, id, arr));
    snprintf(arr, sizeof(arr), "[%s]", o1);
    json_decref(post_objects(F.authority.token, id, arr));
    const struct {
        const char *match;
        const char *first_version;
        long n;
    } cases[] = {{"first", "2025-06-07T00:00:00.000Z", 1},
                 {"last", "2025-06-08T12:00:00.000Z", 1},
                 {"all", NULL, 2},
                 {"2025-06-08T12:00:00.000Z", "2025-06-08T12:00:00.000Z", 1},
                 {"2025-06-07T00:00:00Z", "2025-06-07T00:00:00.000Z", 1}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        snprintf(path, sizeof(path), ROOT "collections/%s/objects/%s/?match[version]=%s", id, oid,
                 cases[i].match);
        assert_int_equal(taxii("GET", F.rep_a.token, path, NULL, &r), 200);
        json_t *objs = json_object_get(r.json, "objects");
        if ((long)json_array_size(objs) != cases[i].n)
            fail_msg("match[version]=%s: %s", cases[i].match, r.body);
        if (cases[i].first_version)
            assert_string_equal(itest_jstr(r.json, "/objects/0/modified"), cases[i].first_version);
        itest_resp_release(&r);
    }
    /* the collection's objects: the last version only, unless asked */
    coll_path(path, sizeof(path), id, "objects/");
    assert_int_equal(taxii("GET", F.rep_a.token, path, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "objects")), 1);
    assert_string_equal(itest_jstr(r.json, "/objects/0/modified"), "2025-06-08T12:00:00.000Z");
    itest_resp_release(&r);
    snprintf(path, sizeof(path), ROOT "collections/%s/objects/%s/versions/", id, oid);
    assert_int_equal(count_of(F.rep_a.token, path, "versions"), 2);
}

static void test_cursor_tampering(void **state)
{
    char id[40], path[300], o[700], oid[80], arr[1600], o2[700];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Cursor\",\"tlp\":\"TLP:GREEN\"}", id), 201);
    indicator(o, sizeof(o), oid, "2025-06-09T00:00:00.000Z", NULL);
    indicator(o2, sizeof(o2), oid, "2025-06-09T00:00:00.000Z", NULL);
    snprintf(arr, sizeof(arr), "[%s,%s]", o, o2);
    json_decref(post_objects(F.authority.token, id, arr));
    const char *bad[] = {"abc", "12x", "-5", "", "99999999999999999999"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(path, sizeof(path), ROOT "collections/%s/objects/?limit=1&next=%s", id, bad[i]);
        taxii("GET", F.rep_a.token, path, NULL, &r);
        if (r.status != 400)
            fail_msg("next=%s: %ld %s", bad[i], r.status, r.body);
        expect_taxii_error(&r, 400, "bad_query");
        itest_resp_release(&r);
    }
    /* the cursor the server gives continues the listing */
    snprintf(path, sizeof(path), ROOT "collections/%s/objects/?limit=1", id);
    assert_int_equal(taxii("GET", F.rep_a.token, path, NULL, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "more")));
    char next[80];
    xstrlcpy(next, itest_jstr(r.json, "/next"), sizeof(next));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), ROOT "collections/%s/objects/?limit=1&next=%s", id, next);
    assert_int_equal(taxii("GET", F.rep_a.token, path, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "objects")), 1);
    assert_string_equal(itest_jstr(r.json, "/objects/0/id"), oid);
    assert_false(json_is_true(json_object_get(r.json, "more")));
    itest_resp_release(&r);
    /* other bad parameters are gathered: every one is named */
    snprintf(path, sizeof(path),
             ROOT "collections/%s/objects/?limit=0&added_after=yesterday&match[type]=A_B", id);
    taxii("GET", F.rep_a.token, path, NULL, &r);
    expect_taxii_error(&r, 400, "bad_query");
    assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "details"), "errors")),
                     3);
    itest_resp_release(&r);
}

/* A page of large objects stops at APP_TAXII_PAGE_MAX_BYTES (4 MiB) of them, whatever the
 * limit, and says more (§3.6 lets a server answer fewer than asked): 18 objects of 280 kB are
 * not built into one answer of 5 MB. Paging still delivers each exactly once. */
static void test_page_bytes(void **state)
{
    char id[40], path[300], oid[80], seen[18][80];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(make_collection("{\"title\":\"Large\",\"tlp\":\"TLP:GREEN\"}", id), 201);
    size_t pad = 280000, cap = pad + 1000;
    char *o = malloc(cap), *desc = malloc(pad + 1);
    assert_non_null(o);
    assert_non_null(desc);
    memset(desc, 'x', pad);
    desc[pad] = '\0';
    for (int i = 0; i < 18; i++) {
        char arr[700];
        indicator(arr, sizeof(arr), oid, "2025-06-12T00:00:00.000Z", NULL);
        xstrlcpy(seen[i], oid, sizeof(seen[i]));
        size_t n = strlen(arr);
        arr[n - 1] = '\0'; /* drop the closing brace: the description goes last */
        snprintf(o, cap, "[%s,\"description\":\"%s\"}]", arr, desc);
        json_decref(post_objects(F.authority.token, id, o));
    }
    free(desc);
    free(o);
    size_t got = 0, pages = 0;
    char next[80] = "";
    do {
        snprintf(path, sizeof(path), ROOT "collections/%s/objects/?limit=1000%s%s", id,
                 next[0] ? "&next=" : "", next);
        assert_int_equal(taxii("GET", F.rep_b.token, path, NULL, &r), 200);
        json_t *objs = json_object_get(r.json, "objects");
        assert_true(json_array_size(objs) >= 1);
        if (r.len > (4u << 20) + 65536)
            fail_msg("a page of %zu bytes (%zu objects)", r.len, json_array_size(objs));
        for (size_t i = 0; i < json_array_size(objs); i++, got++) {
            assert_true(got < 18);
            assert_string_equal(itest_jstr(json_array_get(objs, i), "/id"), seen[got]);
        }
        bool more = json_is_true(json_object_get(r.json, "more"));
        xstrlcpy(next, more ? itest_jstr(r.json, "/next") : "", sizeof(next));
        itest_resp_release(&r);
        pages++;
    } while (next[0]);
    assert_int_equal(got, 18);
    assert_true(pages >= 2);
}

/* A listed writer organisation adds; only the owner deletes. */
static void test_writers(void **state)
{
    char id[40], body[300], o[700], oid[80], arr[800], path[300];
    struct itest_resp r;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"title\":\"Shared\",\"tlp\":\"TLP:AMBER\",\"audience\":{\"organizations\":[\"%s\","
             "\"%s\"]},\"writers\":[\"%s\"]}",
             F.org_a, F.org_b, F.org_b);
    assert_int_equal(make_collection(body, id), 201);
    indicator(o, sizeof(o), oid, "2025-06-10T00:00:00.000Z", NULL);
    snprintf(arr, sizeof(arr), "[%s]", o);
    json_t *st = post_objects(F.rep_b.token, id, arr);
    assert_int_equal(itest_jint(st, "/success_count"), 1);
    json_decref(st);
    coll_path(path, sizeof(path), id, "objects/");
    taxii("POST", F.rep_a.token, path, "{\"objects\":[]}", &r); /* a reader, not a writer */
    expect_taxii_error(&r, 403, NULL);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), ROOT "collections/%s/objects/%s/", id, oid);
    taxii("DELETE", F.rep_b.token, path, NULL, &r);
    expect_taxii_error(&r, 403, NULL);
    itest_resp_release(&r);
    assert_int_equal(taxii("DELETE", F.authority.token, path, NULL, &r), 200);
    itest_resp_release(&r);
    taxii("GET", F.rep_b.token, path, NULL, &r);
    expect_taxii_error(&r, 404, "not_found");
    itest_resp_release(&r);
}

static int setup(void **state)
{
    UNUSED(state);
    itest_global_init();
    if (itest_fixture_setup(&F, settings))
        return -1;
    return itest_add_user(&F.srv, F.org_a, "rep-a2", "reporter", &rep_a2);
}

static int teardown(void **state)
{
    UNUSED(state);
    int rc = itest_server_finish(&F.srv);
    itest_fixture_teardown(&F);
    itest_global_cleanup();
    return rc;
}

/* The discovery resource's api_roots and default (§4.1: clients follow them as they are). With
 * the setting public_url they are under it, whatever Host the client sends (behind a
 * TLS-terminating proxy the Host is neither the public scheme nor name); without it, for local
 * use, they are http:// and the request's Host. A bad public_url stops the start, naming it. */
static json_t *discovery(const struct itest_server *srv, const char *host_line)
{
    struct itest_req rq = {.path = "/taxii2/", .headers = {"Accept: " TAXII_CT, host_line, NULL}};
    struct itest_resp r;
    itest_http(srv, &rq, &r);
    if (r.status != 200)
        fail_msg("discovery: %ld %s", r.status, r.body);
    json_t *j = json_incref(r.json);
    itest_resp_release(&r);
    return j;
}

static void expect_root(json_t *d, const char *want)
{
    assert_int_equal(json_array_size(json_object_get(d, "api_roots")), 1);
    assert_string_equal(itest_jstr(d, "/api_roots/0"), want);
    assert_string_equal(itest_jstr(d, "/default"), want);
}

static void test_public_url(void **state)
{
    static const char *const pub[] = {"--public-url=https://ichigen.example.go.jp/", NULL};
    struct itest_server s2;
    char *log;
    UNUSED(state);
    json_t *d = discovery(&F.srv, "Host: taxii.local.test:9999");
    expect_root(d, "http://taxii.local.test:9999/taxii2/ichigen/");
    json_decref(d);

    assert_int_equal(itest_server_init(&s2, pub), 0);
    /* a value that is not an http(s) URL stops `serve` before it listens */
    assert_true(
        itest_cli(&s2, NULL, NULL, "serve", "--public-url=ftp://ichigen.example.go.jp", NULL) != 0);
    log = itest_read_file(s2.cli_log, NULL);
    assert_non_null(log);
    if (!strstr(log, "public_url") || !strstr(log, "https://"))
        fail_msg("the refusal does not name public_url: %s", log);
    free(log);
    assert_true(itest_cli(&s2, NULL, NULL, "serve", "--public-url=https://ichigen.example.go.jp?x",
                          NULL) != 0);

    assert_int_equal(itest_server_start(&s2), 0);
    d = discovery(&s2, "Host: attacker.example");
    expect_root(d, "https://ichigen.example.go.jp/taxii2/ichigen/");
    json_decref(d);
    d = discovery(&s2, NULL);
    expect_root(d, "https://ichigen.example.go.jp/taxii2/ichigen/");
    json_decref(d);
    assert_int_equal(itest_server_finish(&s2), 0);
    itest_server_release(&s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_types),
        cmocka_unit_test(test_basic_auth),
        cmocka_unit_test(test_marking_refused),
        cmocka_unit_test(test_red_collection),
        cmocka_unit_test(test_clearance_required),
        cmocka_unit_test(test_anonymous),
        cmocka_unit_test(test_lists_hide),
        cmocka_unit_test(test_status_other_org),
        cmocka_unit_test(test_put_validation),
        cmocka_unit_test(test_alias_conflict),
        cmocka_unit_test(test_label_below_contents),
        cmocka_unit_test(test_repost_idempotent),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_cursor_tampering),
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_page_bytes),
        cmocka_unit_test(test_public_url),
        cmocka_unit_test(test_client),
    };
    return cmocka_run_group_tests_name("taxii", tests, setup, teardown);
}
